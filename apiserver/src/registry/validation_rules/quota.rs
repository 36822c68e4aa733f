//! LimitRange and ResourceQuota rules of `pkg/apis/core/validation` (`ValidateLimitRange`,
//! `ValidateResourceQuota`, `ValidateResourceQuotaUpdate`).
//!
//! Not covered: the `maxLimitRequestRatio` against max/min check, and the per-scope resource
//! compatibility and `scopeSelector` rules of quotas.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::names::qualified_name;
use super::pod::{is_native, overcommit_allowed, validate_resource_name};
use super::quantity::Quantity;
use super::{arr_of, child, invalid_each, obj_of, str_or_empty};
use crate::endpoints::status::FieldError;

/// `helper.IsStandardResourceName` (without the hugepages prefixes, checked separately).
const STANDARD_RESOURCES: [&str; 20] = [
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.storage",
    "services.nodeports",
    "services.loadbalancers",
];
/// `helper.IsStandardQuotaResourceName`.
const QUOTA_RESOURCES: [&str; 19] = [
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.storage",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "persistentvolumeclaims",
    "configmaps",
    "services.nodeports",
    "services.loadbalancers",
];
/// `helper.IsIntegerResourceName` (standard part).
const INTEGER_RESOURCES: [&str; 9] = [
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
];
const QUOTA_SCOPES: [&str; 7] = [
    "Terminating",
    "NotTerminating",
    "BestEffort",
    "NotBestEffort",
    "PriorityClass",
    "CrossNamespacePodAffinity",
    "VolumeAttributesClass",
];

fn hugepages(name: &str) -> bool {
    name.starts_with("hugepages-") || name.starts_with("requests.hugepages-")
}

/// `validateResourceName`: qualified, and standard unless domain-prefixed.
fn validate_plain_resource_name(name: &str, path: &str) -> Vec<FieldError> {
    let errs = invalid_each(path, name, qualified_name(name));
    if !errs.is_empty() {
        return errs;
    }
    if !name.contains('/') && !STANDARD_RESOURCES.contains(&name) && !hugepages(name) {
        return vec![FieldError::invalid(
            path,
            name,
            "must be a standard resource type or fully qualified",
        )];
    }
    errs
}

/// `ValidateLimitRange` (spec part).
pub fn validate_limit_range(lr: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut types = BTreeSet::new();
    for (i, limit) in arr_of(child(lr, "spec"), "limits").iter().enumerate() {
        let path = format!("spec.limits[{i}]");
        let ty = str_or_empty(limit, "type");
        let tpath = format!("{path}.type");
        let type_errs = invalid_each(&tpath, ty, qualified_name(ty));
        if type_errs.is_empty()
            && !ty.contains('/')
            && !matches!(ty, "Pod" | "Container" | "PersistentVolumeClaim")
        {
            errs.push(FieldError::invalid(
                &tpath,
                ty,
                "must be a standard limit type or fully qualified",
            ));
        }
        errs.extend(type_errs);
        if !types.insert(ty) {
            errs.push(FieldError::duplicate(&tpath, ty));
        }
        let check_name = |name: &str, p: &str| match ty {
            "Pod" | "Container" => validate_resource_name(name, p),
            _ => validate_plain_resource_name(name, p),
        };
        let mut sections: BTreeMap<&str, BTreeMap<String, Quantity>> = BTreeMap::new();
        let mut read = |field: &'static str, errs: &mut Vec<FieldError>| {
            for (name, q) in obj_of(limit, field).into_iter().flatten() {
                errs.extend(check_name(name, &format!("{path}.{field}[{name}]")));
                if let Some(q) = q.as_str().and_then(Quantity::parse) {
                    sections.entry(field).or_default().insert(name.clone(), q);
                }
            }
        };
        read("max", &mut errs);
        read("min", &mut errs);
        if ty == "Pod" {
            for field in ["default", "defaultRequest"] {
                if obj_of(limit, field).is_some_and(|m| !m.is_empty()) {
                    errs.push(FieldError::forbidden(
                        format!("{path}.{field}"),
                        "may not be specified when `type` is 'Pod'",
                    ));
                }
            }
        } else {
            read("default", &mut errs);
            read("defaultRequest", &mut errs);
        }
        if ty == "PersistentVolumeClaim" {
            let has = |f: &str| obj_of(limit, f).is_some_and(|m| m.contains_key("storage"));
            if !has("min") && !has("max") {
                errs.push(FieldError::required(
                    format!("{path}.limits"),
                    "either minimum or maximum storage value is required, but neither was provided",
                ));
            }
        }
        read("maxLimitRequestRatio", &mut errs);
        errs.extend(compare_limits(&sections, &path));
    }
    errs
}

/// The per-resource ordering checks of `ValidateLimitRange`.
fn compare_limits(s: &BTreeMap<&str, BTreeMap<String, Quantity>>, path: &str) -> Vec<FieldError> {
    let get = |f: &str, k: &str| s.get(f).and_then(|m| m.get(k)).copied();
    let keys: BTreeSet<&String> = s.values().flat_map(BTreeMap::keys).collect();
    let mut errs = Vec::new();
    for k in keys {
        let (min, max) = (get("min", k), get("max", k));
        let (def, req) = (get("default", k), get("defaultRequest", k));
        let ratio = get("maxLimitRequestRatio", k);
        let at = |f: &str| format!("{path}.{f}[{k}]");
        let mut push = |f: &str, bad: Quantity, msg: String| {
            errs.push(FieldError::invalid(at(f), bad.canonical(), msg));
        };
        if let (Some(mn), Some(mx)) = (min, max)
            && mn.compare(&mx).is_gt()
        {
            let msg = format!(
                "min value {} is greater than max value {}",
                mn.canonical(),
                mx.canonical()
            );
            push("min", mn, msg);
        }
        if let (Some(r), Some(mn)) = (req, min)
            && mn.compare(&r).is_gt()
        {
            let msg = format!(
                "min value {} is greater than default request value {}",
                mn.canonical(),
                r.canonical()
            );
            push("defaultRequest", r, msg);
        }
        if let (Some(r), Some(mx)) = (req, max)
            && r.compare(&mx).is_gt()
        {
            let msg = format!(
                "default request value {} is greater than max value {}",
                r.canonical(),
                mx.canonical()
            );
            push("defaultRequest", r, msg);
        }
        if let (Some(r), Some(d)) = (req, def)
            && r.compare(&d).is_gt()
        {
            let msg = format!(
                "default request value {} is greater than default limit value {}",
                r.canonical(),
                d.canonical()
            );
            push("defaultRequest", r, msg);
        }
        if let (Some(d), Some(mn)) = (def, min)
            && mn.compare(&d).is_gt()
        {
            let msg = format!(
                "min value {} is greater than default value {}",
                mn.canonical(),
                d.canonical()
            );
            push("default", mn, msg);
        }
        if let (Some(d), Some(mx)) = (def, max)
            && d.compare(&mx).is_gt()
        {
            let msg = format!(
                "default value {} is greater than max value {}",
                d.canonical(),
                mx.canonical()
            );
            push("default", mx, msg);
        }
        if let Some(r) = ratio
            && r.compare(&Quantity::parse("1").expect("1 parses")).is_lt()
        {
            push(
                "maxLimitRequestRatio",
                r,
                format!("ratio {} is less than 1", r.canonical()),
            );
        }
        if let (Some(d), Some(r)) = (def, req)
            && !overcommit_allowed(k)
            && d.compare(&r).is_ne()
        {
            let msg = format!(
                "default value {} must equal to defaultRequest value {} in {k}",
                d.canonical(),
                r.canonical()
            );
            push("defaultRequest", r, msg);
        }
    }
    errs
}

/// `ValidateResourceQuotaResourceName` and `ValidateResourceQuantityValue` over a quantity map.
fn quota_resources(map: Option<&serde_json::Map<String, Value>>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (name, q) in map.into_iter().flatten() {
        let p = format!("{path}[{name}]");
        errs.extend(validate_plain_resource_name(name, &p));
        let standard = QUOTA_RESOURCES.contains(&name.as_str()) || hugepages(name);
        if !name.contains('/') && !standard {
            errs.push(FieldError::invalid(
                &p,
                name.as_str(),
                "must be a standard resource for quota",
            ));
        }
        let Some(q) = q.as_str().and_then(Quantity::parse) else {
            continue;
        };
        if q.is_negative() {
            errs.push(FieldError::invalid(
                &p,
                q.canonical(),
                "must be greater than or equal to 0",
            ));
        }
        let integer = INTEGER_RESOURCES.contains(&name.as_str())
            || (!is_native(name) && !name.starts_with("requests."));
        if integer && !q.is_integer() {
            errs.push(FieldError::invalid(&p, q.canonical(), "must be an integer"));
        }
    }
    errs
}

/// `ValidateResourceQuota` (spec and status; scopes only by name and conflicting pairs).
pub fn validate_resource_quota(rq: &Value) -> Vec<FieldError> {
    let spec = child(rq, "spec");
    let mut errs = quota_resources(obj_of(spec, "hard"), "spec.hard");
    let scopes: Vec<&str> = arr_of(spec, "scopes")
        .iter()
        .map(|s| s.as_str().unwrap_or(""))
        .collect();
    let raw_scopes = child(spec, "scopes").clone();
    for s in &scopes {
        if !QUOTA_SCOPES.contains(s) {
            errs.push(FieldError::invalid(
                "spec.scopes",
                raw_scopes.clone(),
                "unsupported scope",
            ));
        }
    }
    for pair in [
        ["BestEffort", "NotBestEffort"],
        ["Terminating", "NotTerminating"],
    ] {
        if pair.iter().all(|p| scopes.contains(p)) {
            errs.push(FieldError::invalid(
                "spec.scopes",
                raw_scopes.clone(),
                "conflicting scopes",
            ));
        }
    }
    let status = child(rq, "status");
    errs.extend(quota_resources(obj_of(status, "hard"), "status.hard"));
    errs.extend(quota_resources(obj_of(status, "used"), "status.used"));
    errs
}

/// `ValidateResourceQuotaUpdate`: the set of scopes is immutable.
pub fn validate_resource_quota_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let scopes = |v: &Value| -> BTreeSet<String> {
        arr_of(child(v, "spec"), "scopes")
            .iter()
            .map(|s| s.as_str().unwrap_or("").to_owned())
            .collect()
    };
    match scopes(new) == scopes(old) {
        true => Vec::new(),
        false => vec![FieldError::immutable(
            "spec.scopes",
            child(child(new, "spec"), "scopes").clone(),
        )],
    }
}
