//! PriorityClass rules of `pkg/apis/scheduling/validation` (`ValidatePriorityClass`,
//! `ValidatePriorityClassUpdate`).

use serde_json::Value;

use super::{child, int_of, present, semantic_eq, str_or_empty};
use crate::endpoints::status::FieldError;

/// `scheduling.HighestUserDefinablePriority`.
const HIGHEST_USER_PRIORITY: i64 = 1_000_000_000;
/// The built-in system priority classes: (name, value); neither is the global default.
pub const SYSTEM_CLASSES: [(&str, i64); 2] = [
    ("system-cluster-critical", 2_000_000_000),
    ("system-node-critical", 2_000_001_000),
];

/// `ValidatePriorityClass` (without ObjectMeta).
pub fn validate_priority_class(pc: &Value) -> Vec<FieldError> {
    let name = str_or_empty(child(pc, "metadata"), "name");
    let value = int_of(pc, "value").unwrap_or(0);
    let global = pc
        .get("globalDefault")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut errs = Vec::new();
    if name.starts_with("system-") {
        let problem = match SYSTEM_CLASSES.iter().find(|(n, _)| *n == name) {
            None => Some(format!("{name} is not a known system priority class")),
            Some((n, v)) if *v != value => Some(format!("value of {n} PriorityClass must be {v}")),
            Some((n, _)) if global => {
                Some(format!("globalDefault of {n} PriorityClass must be false"))
            }
            Some(_) => None,
        };
        if let Some(p) = problem {
            errs.push(FieldError::forbidden(
                "metadata.name",
                format!(
                    "priority class names with 'system-' prefix are reserved for system use only. error: {p}"
                ),
            ));
        }
    } else if value > HIGHEST_USER_PRIORITY {
        errs.push(FieldError::forbidden(
            "value",
            format!("maximum allowed value of a user defined priority is {HIGHEST_USER_PRIORITY}"),
        ));
    }
    if let Some(p) = present(pc, "preemptionPolicy") {
        match p.as_str().unwrap_or("") {
            // core.PreemptLowerPriority and core.PreemptNever ("Never").
            "PreemptLowerPriority" | "Never" => {}
            "" => errs.push(FieldError::required("preemptionPolicy", "")),
            other => errs.push(FieldError::not_supported(
                "preemptionPolicy",
                other,
                &["Never", "PreemptLowerPriority"],
            )),
        }
    }
    errs
}

/// `ValidatePriorityClassUpdate`: `value` and `preemptionPolicy` are immutable.
pub fn validate_priority_class_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if int_of(new, "value").unwrap_or(0) != int_of(old, "value").unwrap_or(0) {
        errs.push(FieldError::forbidden(
            "value",
            "may not be changed in an update.",
        ));
    }
    let (n, o) = (
        child(new, "preemptionPolicy"),
        child(old, "preemptionPolicy"),
    );
    if !semantic_eq(n, o) {
        errs.push(FieldError::immutable("preemptionPolicy", n.clone()));
    }
    errs
}
