//! Validation of `CustomResourceDefinition` objects (`apiextensions.k8s.io/v1`), as upstream's
//! `ValidateCustomResourceDefinition` and `ValidateCustomResourceDefinitionUpdate`
//! (`pkg/apis/apiextensions/validation/validation.go`), with its paths and messages: the name
//! is `<plural>.<group>`; the group is a DNS subdomain with a dot; the scope; the names; the
//! versions (DNS-1035 names, unique, exactly one storage version, each with a schema,
//! subresources and printer columns: `crd_schema.rs`); the conversion; the stored versions;
//! API approval for `k8s.io` groups; and on update the immutable group and plural (and scope
//! and kind once the CRD is established).
//!
//! Upstream validates its internal type, into which v1 converts: a schema, subresources or
//! printer columns that are the same in every version move to `spec.validation`,
//! `spec.subresources` and `spec.additionalPrinterColumns` (so a one-version CRD's schema errors
//! read `spec.validation.openAPIV3Schema...`), and the first version's name is also checked as
//! `spec.version`.
//!
//! Upstream prints its internal Go structs as the bad value of a few errors (the versions
//! list, the root schema); those errors carry no value here. Webhook conversion paths use the
//! internal names upstream reports (`spec.conversion.webhookClientConfig`).

use serde_json::Value;

use super::crd_schema::{validate_printer_column, validate_subresources, validate_version_schema};
use crate::endpoints::status::{FieldError, FieldPath};
use crate::registry::validation_rules::names::{dns1035_label, dns1123_subdomain, port_num};

const APPROVAL_ANNOTATION: &str = "api-approved.kubernetes.io";

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// An error with no printable value (upstream prints an internal Go struct there).
fn invalid_struct(path: impl std::fmt::Display, detail: &str) -> FieldError {
    FieldError {
        value: None,
        ..FieldError::invalid(path, "", detail)
    }
}

/// `ValidateCustomResourceDefinition` (without the ObjectMeta rules every kind shares).
pub fn validate_crd(crd: &Value) -> Vec<FieldError> {
    let spec = crd.get("spec").unwrap_or(&Value::Null);
    let mut errs = name_rule(crd, spec);
    errs.extend(validate_spec(spec));
    errs.extend(validate_status(crd));
    errs.extend(api_approval(crd, None));
    errs
}

/// `ValidateCustomResourceDefinitionUpdate`: [`validate_crd`] plus the immutable fields.
pub fn validate_crd_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let spec = new.get("spec").unwrap_or(&Value::Null);
    let old_spec = old.get("spec").unwrap_or(&Value::Null);
    let mut errs = validate_spec(spec);
    let established = list(old.get("status").unwrap_or(&Value::Null), "conditions")
        .iter()
        .any(|c| text(c, "type") == "Established" && text(c, "status") == "True");
    let names = |s: &Value, k: &str| text(s.get("names").unwrap_or(&Value::Null), k).to_owned();
    let mut immutable = |path: &str, new: String, old: String| {
        if new != old {
            errs.push(FieldError::immutable(path, new));
        }
    };
    if established {
        immutable(
            "spec.scope",
            text(spec, "scope").into(),
            text(old_spec, "scope").into(),
        );
        immutable(
            "spec.names.kind",
            names(spec, "kind"),
            names(old_spec, "kind"),
        );
    }
    immutable(
        "spec.group",
        text(spec, "group").into(),
        text(old_spec, "group").into(),
    );
    immutable(
        "spec.names.plural",
        names(spec, "plural"),
        names(old_spec, "plural"),
    );
    errs.extend(validate_status(new));
    errs.extend(api_approval(new, Some(old)));
    errs
}

/// `ValidateUpdateCustomResourceDefinitionStatus` (the status subresource).
pub fn validate_crd_status_update(new: &Value, _old: &Value) -> Vec<FieldError> {
    let status = new.get("status").unwrap_or(&Value::Null);
    let accepted = status.get("acceptedNames").unwrap_or(&Value::Null);
    validate_names(accepted, &FieldPath::new("status").child("acceptedNames"))
}

/// `metadata.name` must be `<spec.names.plural>.<spec.group>`.
fn name_rule(crd: &Value, spec: &Value) -> Vec<FieldError> {
    let name = crd
        .get("metadata")
        .map(|m| text(m, "name"))
        .unwrap_or_default();
    let plural = text(spec.get("names").unwrap_or(&Value::Null), "plural");
    let required = format!("{plural}.{}", text(spec, "group"));
    match name.is_empty() || name == required {
        true => Vec::new(),
        false => vec![FieldError::invalid(
            "metadata.name",
            name,
            "must be spec.names.plural+\".\"+spec.group",
        )],
    }
}

fn validate_spec(spec: &Value) -> Vec<FieldError> {
    let path = FieldPath::new("spec");
    let mut errs = Vec::new();
    let group = text(spec, "group");
    let group_problems = dns1123_subdomain(group);
    if group.is_empty() {
        errs.push(FieldError::required(path.child("group"), ""));
    } else if !group_problems.is_empty() {
        errs.push(FieldError::invalid(
            path.child("group"),
            group,
            group_problems.join(","),
        ));
    } else if !group.contains('.') {
        errs.push(FieldError::invalid(
            path.child("group"),
            group,
            "should be a domain with at least one dot",
        ));
    }
    match text(spec, "scope") {
        "" => errs.push(FieldError::required(path.child("scope"), "")),
        "Cluster" | "Namespaced" => {}
        other => errs.push(FieldError::not_supported(
            path.child("scope"),
            other,
            &["Cluster", "Namespaced"],
        )),
    }

    let versions = list(spec, "versions");
    let shared = Shared::of(versions);
    for (i, version) in versions.iter().enumerate() {
        let has_schema = version
            .get("schema")
            .and_then(|s| s.get("openAPIV3Schema"))
            .is_some_and(|s| !s.is_null());
        if !has_schema {
            let at = path.child("versions").index(i).child("schema");
            errs.push(FieldError::required(
                at.child("openAPIV3Schema"),
                "schemas are required",
            ));
        }
    }
    let mut storage = 0;
    let mut seen: Vec<&str> = Vec::new();
    let mut unique = true;
    for (i, version) in versions.iter().enumerate() {
        let vpath = path.child("versions").index(i);
        let name = text(version, "name");
        if version.get("storage").and_then(Value::as_bool) == Some(true) {
            storage += 1;
        }
        if seen.contains(&name) {
            unique = false;
        } else {
            seen.push(name);
        }
        let problems = dns1035_label(name);
        if !problems.is_empty() {
            errs.push(FieldError::invalid(
                vpath.child("name"),
                name,
                problems.join(","),
            ));
        }
        errs.extend(validate_version(version, &shared, &vpath));
    }
    if !unique {
        errs.push(invalid_struct(
            path.child("versions"),
            "must contain unique version names",
        ));
    }
    if storage != 1 {
        errs.push(invalid_struct(
            path.child("versions"),
            "must have exactly one version marked as storage version",
        ));
    }
    // Upstream's internal `spec.version` is the first version's name.
    if let Some(first) = versions.first().map(|v| text(v, "name"))
        && !first.is_empty()
    {
        let problems = dns1035_label(first);
        if !problems.is_empty() {
            errs.push(FieldError::invalid(
                path.child("version"),
                first,
                problems.join(","),
            ));
        }
    }

    let names = spec.get("names").unwrap_or(&Value::Null);
    let names_path = path.child("names");
    for field in ["plural", "singular", "kind", "listKind"] {
        if text(names, field).is_empty() {
            errs.push(FieldError::required(names_path.child(field), ""));
        }
    }
    errs.extend(validate_names(names, &names_path));
    if shared.schema {
        let schema = versions.first().and_then(|v| v.get("schema"));
        let status = versions
            .iter()
            .any(|v| status_enabled(v.get("subresources").unwrap_or(&Value::Null)));
        errs.extend(validate_version_schema(
            schema,
            status,
            &path.child("validation"),
        ));
    }
    if shared.subresources
        && let Some(first) = versions.first()
    {
        let subresources = first.get("subresources").unwrap_or(&Value::Null);
        errs.extend(validate_subresources(
            subresources,
            &path.child("subresources"),
        ));
    }
    if shared.columns
        && let Some(first) = versions.first()
    {
        for (i, column) in list(first, "additionalPrinterColumns").iter().enumerate() {
            let at = path.child("additionalPrinterColumns").index(i);
            errs.extend(validate_printer_column(column, &at));
        }
    }
    if spec.get("preserveUnknownFields").and_then(Value::as_bool) == Some(true) {
        errs.push(FieldError::invalid(
            path.child("preserveUnknownFields"),
            true,
            "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead",
        ));
    }
    if let Some(conversion) = spec.get("conversion").filter(|c| !c.is_null()) {
        errs.extend(validate_conversion(conversion, &path.child("conversion")));
    }
    errs
}

/// `validateCustomResourceDefinitionVersion`.
fn validate_version(version: &Value, shared: &Shared, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let deprecated = version.get("deprecated").and_then(Value::as_bool) == Some(true);
    if let Some(warning) = version.get("deprecationWarning").and_then(Value::as_str) {
        let at = path.child("deprecationWarning");
        if !deprecated {
            errs.push(FieldError::invalid(
                &at,
                warning,
                "can only be set for deprecated versions",
            ));
        } else {
            let mut problems = Vec::new();
            if warning.len() > 256 {
                problems.push("must be <= 256 characters long".to_owned());
            }
            if warning.is_empty() {
                problems.push("must not be an empty string".to_owned());
            }
            if let Some((i, _)) = warning.char_indices().find(|(_, c)| c.is_control()) {
                problems.push(format!(
                    "must only contain printable UTF-8 characters; control character found at index {i}"
                ));
            }
            if !problems.is_empty() {
                errs.push(FieldError::invalid(&at, warning, problems.join("; ")));
            }
        }
    }
    let subresources = version.get("subresources").unwrap_or(&Value::Null);
    if !shared.schema {
        errs.extend(validate_version_schema(
            version.get("schema"),
            status_enabled(subresources),
            &path.child("schema"),
        ));
    }
    if !shared.subresources {
        errs.extend(validate_subresources(
            subresources,
            &path.child("subresources"),
        ));
    }
    if !shared.columns {
        for (i, column) in list(version, "additionalPrinterColumns").iter().enumerate() {
            let at = path.child("additionalPrinterColumns").index(i);
            errs.extend(validate_printer_column(column, &at));
        }
    }
    errs
}

fn status_enabled(subresources: &Value) -> bool {
    subresources.get("status").is_some_and(|s| !s.is_null())
}

/// Which per-version fields are the same in every version: upstream's conversion to its
/// internal type then moves them to `spec.validation`, `spec.subresources` and
/// `spec.additionalPrinterColumns`, and its errors name those paths.
struct Shared {
    schema: bool,
    subresources: bool,
    columns: bool,
}

impl Shared {
    fn of(versions: &[Value]) -> Shared {
        let same = |field: &str| {
            let first = versions
                .first()
                .and_then(|v| v.get(field))
                .filter(|f| !f.is_null());
            !versions.is_empty()
                && versions
                    .iter()
                    .all(|v| v.get(field).filter(|f| !f.is_null()) == first)
        };
        Shared {
            schema: same("schema"),
            subresources: same("subresources"),
            columns: same("additionalPrinterColumns"),
        }
    }
}

/// `ValidateCustomResourceDefinitionNames`.
fn validate_names(names: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for field in ["plural", "singular"] {
        let value = text(names, field);
        let problems = dns1035_label(value);
        if !value.is_empty() && !problems.is_empty() {
            errs.push(FieldError::invalid(
                path.child(field),
                value,
                problems.join(","),
            ));
        }
    }
    for field in ["kind", "listKind"] {
        let value = text(names, field);
        let problems = dns1035_label(&value.to_lowercase());
        if !value.is_empty() && !problems.is_empty() {
            errs.push(FieldError::invalid(
                path.child(field),
                value,
                format!(
                    "may have mixed case, but should otherwise match: {}",
                    problems.join(",")
                ),
            ));
        }
    }
    for (i, short) in list(names, "shortNames").iter().enumerate() {
        let short = short.as_str().unwrap_or("");
        let problems = dns1035_label(short);
        if !problems.is_empty() {
            errs.push(FieldError::invalid(
                path.child("shortNames").index(i),
                short,
                problems.join(","),
            ));
        }
    }
    let kind = text(names, "kind");
    if !kind.is_empty() && kind == text(names, "listKind") {
        errs.push(FieldError::invalid(
            path.child("listKind"),
            kind,
            "kind and listKind may not be the same",
        ));
    }
    for (i, category) in list(names, "categories").iter().enumerate() {
        let category = category.as_str().unwrap_or("");
        let problems = dns1035_label(category);
        if !problems.is_empty() {
            errs.push(FieldError::invalid(
                path.child("categories").index(i),
                category,
                problems.join(","),
            ));
        }
    }
    errs
}

/// `validateCustomResourceConversion` (v1's `webhook.clientConfig` is upstream's internal
/// `webhookClientConfig`, and so named in the errors).
fn validate_conversion(conversion: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let strategy = text(conversion, "strategy");
    match strategy {
        "" => errs.push(FieldError::required(path.child("strategy"), "")),
        "None" | "Webhook" => {}
        other => errs.push(FieldError::not_supported(
            path.child("strategy"),
            other,
            &["None", "Webhook"],
        )),
    }
    let webhook = conversion.get("webhook").unwrap_or(&Value::Null);
    let client_config = webhook.get("clientConfig").filter(|c| !c.is_null());
    let review_versions = list(webhook, "conversionReviewVersions");
    let cc_path = path.child("webhookClientConfig");
    if strategy == "Webhook" {
        match client_config {
            None => errs.push(FieldError::required(
                &cc_path,
                "required when strategy is set to Webhook",
            )),
            Some(cc) => errs.extend(validate_client_config(cc, &cc_path)),
        }
        let at = path.child("conversionReviewVersions");
        if review_versions.is_empty() {
            errs.push(FieldError::required(&at, ""));
        } else {
            let mut seen: Vec<&str> = Vec::new();
            for (i, v) in review_versions.iter().enumerate() {
                let v = v.as_str().unwrap_or("");
                if seen.contains(&v) {
                    errs.push(FieldError::invalid(at.index(i), v, "duplicate version"));
                    continue;
                }
                seen.push(v);
                for problem in dns1035_label(v) {
                    errs.push(FieldError::invalid(at.index(i), v, problem));
                }
            }
            if !seen.iter().any(|v| matches!(*v, "v1" | "v1beta1")) {
                errs.push(FieldError::invalid(
                    &at,
                    Value::from(review_versions.to_vec()),
                    "must include at least one of v1, v1beta1",
                ));
            }
        }
    } else {
        let msg = "should not be set when strategy is not set to Webhook";
        if client_config.is_some() {
            errs.push(FieldError::forbidden(&cc_path, msg));
        }
        if !review_versions.is_empty() {
            errs.push(FieldError::forbidden(
                path.child("conversionReviewVersions"),
                msg,
            ));
        }
    }
    errs
}

/// `ValidateWebhookURL` (HTTPS only) and `ValidateWebhookService`.
fn validate_client_config(cc: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let url = cc.get("url").and_then(Value::as_str);
    let service = cc.get("service").filter(|s| !s.is_null());
    match (url, service) {
        (Some(_), Some(_)) | (None, None) => errs.push(FieldError::required(
            path,
            "exactly one of url or service is required",
        )),
        (Some(url), None) => {
            let at = path.child("url");
            let form = "; desired format: https://host[/path]";
            let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
            let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
            let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
            let authority = rest.split('/').next().unwrap_or("");
            let (user, host) = match authority.rsplit_once('@') {
                Some((user, host)) => (Some(user), host),
                None => (None, authority),
            };
            if scheme != "https" {
                errs.push(FieldError::invalid(
                    &at,
                    scheme,
                    format!("'https' is the only allowed URL scheme{form}"),
                ));
            }
            if host.is_empty() {
                errs.push(FieldError::invalid(
                    &at,
                    host,
                    format!("host must be specified{form}"),
                ));
            }
            if let Some(user) = user {
                errs.push(FieldError::invalid(
                    &at,
                    user,
                    "user information is not permitted in the URL",
                ));
            }
            if !fragment.is_empty() {
                errs.push(FieldError::invalid(
                    &at,
                    fragment,
                    "fragments are not permitted in the URL",
                ));
            }
            if !query.is_empty() {
                errs.push(FieldError::invalid(
                    &at,
                    query,
                    "query parameters are not permitted in the URL",
                ));
            }
        }
        (None, Some(service)) => errs.extend(validate_service(service, &path.child("service"))),
    }
    errs
}

fn validate_service(service: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if text(service, "name").is_empty() {
        errs.push(FieldError::required(
            path.child("name"),
            "service name is required",
        ));
    }
    if text(service, "namespace").is_empty() {
        errs.push(FieldError::required(
            path.child("namespace"),
            "service namespace is required",
        ));
    }
    let port = service.get("port").and_then(Value::as_i64).unwrap_or(443);
    let problems = port_num(port);
    if !problems.is_empty() {
        errs.push(FieldError::invalid(
            path.child("port"),
            port,
            format!("port is not valid: {}", problems.join(", ")),
        ));
    }
    let Some(url_path) = service.get("path").and_then(Value::as_str) else {
        return errs;
    };
    let at = path.child("path");
    if url_path.is_empty() || url_path == "/" {
        return errs;
    }
    if url_path == "//" {
        errs.push(FieldError::invalid(
            &at,
            url_path,
            "segment[0] may not be empty",
        ));
        return errs;
    }
    if !url_path.starts_with('/') {
        errs.push(FieldError::invalid(&at, url_path, "must start with a '/'"));
    }
    let check = url_path.get(1..).unwrap_or("");
    let check = check.strip_suffix('/').unwrap_or(check);
    for (i, step) in check.split('/').enumerate() {
        if step.is_empty() {
            errs.push(FieldError::invalid(
                &at,
                url_path,
                format!("segment[{i}] may not be empty"),
            ));
            continue;
        }
        for failure in dns1123_subdomain(step) {
            errs.push(FieldError::invalid(
                &at,
                url_path,
                format!("segment[{i}]: {failure}"),
            ));
        }
    }
    errs
}

/// `ValidateCustomResourceDefinitionStatus` and `ValidateCustomResourceDefinitionStoredVersions`.
fn validate_status(crd: &Value) -> Vec<FieldError> {
    let status = crd.get("status").unwrap_or(&Value::Null);
    let accepted = status.get("acceptedNames").unwrap_or(&Value::Null);
    let mut errs = validate_names(accepted, &FieldPath::new("status").child("acceptedNames"));
    let path = FieldPath::new("status").child("storedVersions");
    let stored = list(status, "storedVersions");
    if stored.is_empty() {
        errs.push(FieldError::invalid(
            &path,
            Value::Array(Vec::new()),
            "must have at least one stored version",
        ));
        return errs;
    }
    let versions = list(crd.get("spec").unwrap_or(&Value::Null), "versions");
    for v in versions {
        let name = text(v, "name");
        let is_stored = stored.iter().any(|s| s.as_str() == Some(name));
        if v.get("storage").and_then(Value::as_bool) == Some(true) && !is_stored {
            errs.push(invalid_struct(
                &path,
                &format!("must have the storage version {name}"),
            ));
        }
    }
    for (i, s) in stored.iter().enumerate() {
        let s = s.as_str().unwrap_or("");
        if !versions.iter().any(|v| text(v, "name") == s) {
            errs.push(FieldError::invalid(
                path.index(i),
                s,
                "must appear in spec.versions",
            ));
        }
    }
    errs
}

/// `validateAPIApproval`: groups under `k8s.io` and `kubernetes.io` need the
/// `api-approved.kubernetes.io` annotation (a URL, or a reason starting with `unapproved`).
fn api_approval(new: &Value, old: Option<&Value>) -> Vec<FieldError> {
    let group = text(new.get("spec").unwrap_or(&Value::Null), "group");
    let protected = group == "k8s.io"
        || group.ends_with(".k8s.io")
        || group == "kubernetes.io"
        || group.ends_with(".kubernetes.io");
    if !protected {
        return Vec::new();
    }
    let state = |crd: &Value| -> (u8, String) {
        let annotation = crd
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .map(|a| text(a, APPROVAL_ANNOTATION))
            .unwrap_or("")
            .to_owned();
        let state = if annotation.is_empty() {
            0
        } else if annotation.starts_with("unapproved") {
            2
        } else if annotation.starts_with('/') || annotation.contains("://") {
            3
        } else {
            1
        };
        (state, annotation)
    };
    let (new_state, annotation) = state(new);
    if old.is_some_and(|old| state(old).0 == new_state) {
        return Vec::new();
    }
    let at = FieldPath::new("metadata")
        .child("annotations")
        .key(APPROVAL_ANNOTATION);
    match new_state {
        0 => vec![FieldError::required(
            at,
            format!(
                "protected groups must have approval annotation \"{APPROVAL_ANNOTATION}\", see https://github.com/kubernetes/enhancements/pull/1111"
            ),
        )],
        1 => vec![FieldError::invalid(
            at,
            annotation,
            format!(
                "protected groups must have approval annotation \"{APPROVAL_ANNOTATION}\" with either a URL or a reason starting with \"unapproved\", see https://github.com/kubernetes/enhancements/pull/1111"
            ),
        )],
        _ => Vec::new(),
    }
}

#[cfg(test)]
#[path = "crd_tests.rs"]
pub(crate) mod tests;
