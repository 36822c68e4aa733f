//! `ValidatePodUpdate`: only images, `activeDeadlineSeconds`, added tolerations, removed
//! scheduling gates and a negative-to-1 `terminationGracePeriodSeconds` may change.

use serde_json::Value;

use super::names::inclusive_range_error;
use super::{arr_of, child, int_of, semantic_eq, str_or_empty};
use crate::endpoints::status::FieldError;

/// First line of upstream's `Forbidden` message (`updatablePodSpecFields` joined by ",").
pub const POD_UPDATE_FORBIDDEN: &str = "pod updates may not change fields other than \
`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,\
`spec.tolerations` (only additions to existing tolerations),\
`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// The update-only rules of `ValidatePodUpdate` (the new pod's own rules run separately).
pub fn validate_pod_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let (ns, os) = (child(new, "spec"), child(old, "spec"));
    let mut errs = Vec::new();
    for field in ["containers", "initContainers"] {
        let (nc, oc) = (arr_of(ns, field), arr_of(os, field));
        if nc.len() != oc.len() {
            errs.push(FieldError::forbidden(
                format!("spec.{field}"),
                "pod updates may not add or remove containers",
            ));
            return errs;
        }
    }
    let (new_ads, old_ads) = (
        ns.get("activeDeadlineSeconds").filter(|v| !v.is_null()),
        int_of(os, "activeDeadlineSeconds"),
    );
    match (new_ads, old_ads) {
        (Some(v), old) => {
            let n = v.as_i64().unwrap_or(-1);
            if !(0..=i64::from(i32::MAX)).contains(&n) {
                errs.push(FieldError::invalid(
                    "spec.activeDeadlineSeconds",
                    n,
                    inclusive_range_error(0, i64::from(i32::MAX)),
                ));
                return errs;
            }
            if old.is_some_and(|o| o < n) {
                errs.push(FieldError::invalid(
                    "spec.activeDeadlineSeconds",
                    n,
                    "must be less than or equal to previous value",
                ));
                return errs;
            }
        }
        (None, Some(_)) => errs.push(FieldError::invalid(
            "spec.activeDeadlineSeconds",
            Value::Null,
            "must not update from a positive integer to nil value",
        )),
        (None, None) => {}
    }
    errs.extend(only_added_tolerations(
        arr_of(ns, "tolerations"),
        arr_of(os, "tolerations"),
    ));
    errs.extend(only_deleted_gates(
        arr_of(ns, "schedulingGates"),
        arr_of(os, "schedulingGates"),
    ));
    if semantic_eq(ns, os) {
        return errs;
    }
    let munged = munge(ns, os);
    if !semantic_eq(&munged, os) {
        let mut diff = Vec::new();
        spec_diff(os, &munged, "spec", &mut diff);
        let detail = format!("{POD_UPDATE_FORBIDDEN}\n{}", diff.join("\n"));
        errs.push(FieldError::forbidden("spec", detail));
    }
    errs
}

/// The new spec with every allowed change reverted to the old value.
fn munge(ns: &Value, os: &Value) -> Value {
    let mut m = ns.clone();
    let Some(obj) = m.as_object_mut() else {
        return m;
    };
    for field in ["containers", "initContainers"] {
        if let Some(Value::Array(cs)) = obj.get_mut(field) {
            for (c, oc) in cs.iter_mut().zip(arr_of(os, field)) {
                if let (Some(c), Some(img)) = (c.as_object_mut(), oc.get("image")) {
                    c.insert("image".into(), img.clone());
                }
            }
        }
    }
    for field in ["activeDeadlineSeconds", "tolerations", "schedulingGates"] {
        match os.get(field) {
            Some(v) => obj.insert(field.into(), v.clone()),
            None => obj.remove(field),
        };
    }
    let old_grace = int_of(os, "terminationGracePeriodSeconds");
    if old_grace.is_some_and(|g| g < 0) && int_of(ns, "terminationGracePeriodSeconds") == Some(1) {
        obj.insert("terminationGracePeriodSeconds".into(), old_grace.into());
    }
    m
}

/// `validateOnlyAddedTolerations`: existing tolerations may only change `tolerationSeconds`.
fn only_added_tolerations(new: &[Value], old: &[Value]) -> Option<FieldError> {
    let strip = |t: &Value| {
        let mut t = t.clone();
        if let Some(o) = t.as_object_mut() {
            o.remove("tolerationSeconds");
        }
        t
    };
    let all_found = old
        .iter()
        .all(|o| new.iter().any(|n| semantic_eq(&strip(o), &strip(n))));
    (!all_found).then(|| {
        FieldError::forbidden(
            "spec.tolerations",
            "existing toleration can not be modified except its tolerationSeconds",
        )
    })
}

/// `validateOnlyDeletedSchedulingGates`.
fn only_deleted_gates(new: &[Value], old: &[Value]) -> Vec<FieldError> {
    let old_names: Vec<&str> = old.iter().map(|g| str_or_empty(g, "name")).collect();
    new.iter()
        .enumerate()
        .filter(|(_, g)| !old_names.contains(&str_or_empty(g, "name")))
        .map(|(i, g)| {
            FieldError::forbidden(
                format!("spec.schedulingGates[{i}]"),
                format!(
                    "only deletion is allowed, but found new scheduling gate '{}'",
                    str_or_empty(g, "name")
                ),
            )
        })
        .collect()
}

/// Our stand-in for upstream's `cmp.Diff`: one `- path: old` / `+ path: new` pair per changed
/// leaf.
pub(super) fn spec_diff(old: &Value, new: &Value, path: &str, out: &mut Vec<String>) {
    if semantic_eq(old, new) {
        return;
    }
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (a, b) = (
                    o.get(k).unwrap_or(&Value::Null),
                    n.get(k).unwrap_or(&Value::Null),
                );
                spec_diff(a, b, &format!("{path}.{k}"), out);
            }
        }
        (Value::Array(o), Value::Array(n)) if o.len() == n.len() => {
            for (i, (a, b)) in o.iter().zip(n).enumerate() {
                spec_diff(a, b, &format!("{path}[{i}]"), out);
            }
        }
        _ => {
            out.push(format!("  - {path}: {old}"));
            out.push(format!("  + {path}: {new}"));
        }
    }
}
