//! RBAC rules of `pkg/apis/rbac/validation`: Role and ClusterRole policy rules (and a
//! ClusterRole's `aggregationRule`), RoleBinding and ClusterRoleBinding `roleRef` and subjects,
//! and the immutable `roleRef` of bindings.

use serde_json::{Value, json};

use super::meta::validate_label_selector;
use super::names::{dns1123_subdomain, path_segment_name};
use super::{arr_of, child, go_struct, invalid_each, present, rendered, str_or_empty};
use crate::endpoints::status::FieldError;

const GROUP: &str = "rbac.authorization.k8s.io";

/// `ValidateRole` / `ValidateClusterRole` (rule part).
pub fn validate_role(role: &Value, namespaced: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, rule) in arr_of(role, "rules").iter().enumerate() {
        errs.extend(validate_policy_rule(
            rule,
            namespaced,
            &format!("rules[{i}]"),
        ));
    }
    if !namespaced && let Some(agg) = present(role, "aggregationRule") {
        let path = "aggregationRule.clusterRoleSelectors";
        let selectors = arr_of(agg, "clusterRoleSelectors");
        if selectors.is_empty() {
            errs.push(FieldError::required(
                path,
                "at least one clusterRoleSelector required if aggregationRule is non-nil",
            ));
        }
        for (i, sel) in selectors.iter().enumerate() {
            if let Some(sel) = sel.as_object() {
                errs.extend(validate_label_selector(sel, &format!("{path}[{i}]")));
            }
        }
    }
    errs
}

/// `validatePolicyRule`.
fn validate_policy_rule(rule: &Value, namespaced: bool, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let len = |k: &str| arr_of(rule, k).len();
    if len("verbs") == 0 {
        errs.push(FieldError::required(
            format!("{path}.verbs"),
            "verbs must contain at least one value",
        ));
    }
    if len("nonResourceURLs") > 0 {
        let urls = child(rule, "nonResourceURLs").clone();
        let upath = format!("{path}.nonResourceURLs");
        if namespaced {
            errs.push(FieldError::invalid(
                &upath,
                urls.clone(),
                "namespaced rules cannot apply to non-resource URLs",
            ));
        }
        if len("apiGroups") > 0 || len("resources") > 0 || len("resourceNames") > 0 {
            errs.push(FieldError::invalid(
                &upath,
                urls,
                "rules cannot apply to both regular resources and non-resource URLs",
            ));
        }
        return errs;
    }
    if len("apiGroups") == 0 {
        errs.push(FieldError::required(
            format!("{path}.apiGroups"),
            "resource rules must supply at least one api group",
        ));
    }
    if len("resources") == 0 {
        errs.push(FieldError::required(
            format!("{path}.resources"),
            "resource rules must supply at least one resource",
        ));
    }
    if len("resourceNames") > 0 && len("resources") > 1 {
        errs.push(FieldError::required(
            format!("{path}.resourceNames"),
            "resource names cannot apply to multiple resources",
        ));
    }
    errs
}

/// `ValidateRoleBinding` / `ValidateClusterRoleBinding` (without ObjectMeta).
pub fn validate_binding(binding: &Value, namespaced: bool) -> Vec<FieldError> {
    let role_ref = child(binding, "roleRef");
    let mut errs = Vec::new();
    let group = str_or_empty(role_ref, "apiGroup");
    if group != GROUP {
        errs.push(FieldError::not_supported(
            "roleRef.apiGroup",
            group,
            &[GROUP],
        ));
    }
    let kind = str_or_empty(role_ref, "kind");
    let kinds: &[&str] = if namespaced {
        &["Role", "ClusterRole"]
    } else {
        &["ClusterRole"]
    };
    if !kinds.contains(&kind) {
        errs.push(FieldError::not_supported("roleRef.kind", kind, kinds));
    }
    let name = str_or_empty(role_ref, "name");
    match name.is_empty() {
        true => errs.push(FieldError::required("roleRef.name", "")),
        false => errs.extend(invalid_each("roleRef.name", name, path_segment_name(name))),
    }
    for (i, subject) in arr_of(binding, "subjects").iter().enumerate() {
        errs.extend(validate_subject(
            subject,
            namespaced,
            &format!("subjects[{i}]"),
        ));
    }
    errs
}

/// `validateRoleBindingSubject`.
fn validate_subject(subject: &Value, namespaced: bool, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = str_or_empty(subject, "name");
    let npath = format!("{path}.name");
    let gpath = format!("{path}.apiGroup");
    if name.is_empty() {
        errs.push(FieldError::required(&npath, ""));
    }
    let group = str_or_empty(subject, "apiGroup");
    match str_or_empty(subject, "kind") {
        "ServiceAccount" => {
            if !name.is_empty() {
                errs.extend(invalid_each(&npath, name, dns1123_subdomain(name)));
            }
            if !group.is_empty() {
                errs.push(FieldError::not_supported(&gpath, group, &[""]));
            }
            if !namespaced && str_or_empty(subject, "namespace").is_empty() {
                errs.push(FieldError::required(format!("{path}.namespace"), ""));
            }
        }
        kind @ ("User" | "Group") => {
            if name.is_empty() {
                let what = if kind == "User" { "user" } else { "group" };
                errs.push(FieldError::invalid(
                    &npath,
                    name,
                    format!("{what} name cannot be empty"),
                ));
            }
            if group != GROUP {
                errs.push(FieldError::not_supported(&gpath, group, &[GROUP]));
            }
        }
        other => errs.push(FieldError::not_supported(
            format!("{path}.kind"),
            other,
            &["ServiceAccount", "User", "Group"],
        )),
    }
    errs
}

/// `ValidateRoleBindingUpdate` / `ValidateClusterRoleBindingUpdate`: `roleRef` is immutable.
pub fn validate_binding_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let field = |v: &Value, k: &str| str_or_empty(child(v, "roleRef"), k).to_owned();
    let same = ["apiGroup", "kind", "name"]
        .iter()
        .all(|k| field(new, k) == field(old, k));
    if same {
        return Vec::new();
    }
    // The internal `rbac.RoleRef` has no json tags.
    let go = go_struct(&[
        ("APIGroup", &json!(field(new, "apiGroup"))),
        ("Kind", &json!(field(new, "kind"))),
        ("Name", &json!(field(new, "name"))),
    ]);
    vec![rendered(
        FieldError::invalid("roleRef", "", "cannot change roleRef"),
        &go,
    )]
}
