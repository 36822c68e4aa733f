//! PodDisruptionBudget rules of `pkg/apis/policy/validation` (`ValidatePodDisruptionBudgetSpec`)
//! and the `int-or-percent` helpers of `pkg/apis/apps/validation` it shares.

use serde_json::Value;

use super::meta::validate_label_selector;
use super::names::{go_label_selector_json, percent};
use super::{child, obj_of, present, rendered, str_of};
use crate::endpoints::status::{FieldError, go_json};

/// `ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent`; the bad value is the
/// `IntOrString`'s JSON (`"50x"` or a number).
pub fn int_or_percent_rules(v: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match v {
        Value::String(s) => {
            for m in percent(s) {
                errs.push(FieldError::invalid(path, s.as_str(), m));
            }
            let over =
                percent(s).is_empty() && s.trim_end_matches('%').parse::<i64>().unwrap_or(0) > 100;
            if over {
                errs.push(FieldError::invalid(
                    path,
                    s.as_str(),
                    "must not be greater than 100%",
                ));
            }
        }
        other => {
            let n = other.as_i64().unwrap_or(0);
            if n < 0 {
                errs.push(FieldError::invalid(
                    path,
                    n,
                    "must be greater than or equal to 0",
                ));
            }
        }
    }
    errs
}

/// `ValidatePodDisruptionBudgetSpec`.
pub fn validate_pdb(pdb: &Value) -> Vec<FieldError> {
    let spec = child(pdb, "spec");
    let (min, max) = (
        present(spec, "minAvailable"),
        present(spec, "maxUnavailable"),
    );
    let mut errs = Vec::new();
    if min.is_some() && max.is_some() {
        // The internal `policy.PodDisruptionBudgetSpec` has no json tags.
        let go = format!(
            "{{\"MinAvailable\":{},\"Selector\":{},\"MaxUnavailable\":{},\"UnhealthyPodEvictionPolicy\":{}}}",
            go_json(child(spec, "minAvailable")),
            go_label_selector_json(spec.get("selector")),
            go_json(child(spec, "maxUnavailable")),
            go_json(child(spec, "unhealthyPodEvictionPolicy")),
        );
        errs.push(rendered(
            FieldError::invalid(
                "spec",
                "",
                "minAvailable and maxUnavailable cannot be both set",
            ),
            &go,
        ));
    }
    if let Some(v) = min {
        errs.extend(int_or_percent_rules(v, "spec.minAvailable"));
    }
    if let Some(v) = max {
        errs.extend(int_or_percent_rules(v, "spec.maxUnavailable"));
    }
    if let Some(sel) = obj_of(spec, "selector") {
        errs.extend(validate_label_selector(sel, "spec.selector"));
    }
    if let Some(p) = str_of(spec, "unhealthyPodEvictionPolicy")
        && !matches!(p, "AlwaysAllow" | "IfHealthyBudget")
    {
        errs.push(FieldError::not_supported(
            "spec.unhealthyPodEvictionPolicy",
            p,
            &["AlwaysAllow", "IfHealthyBudget"],
        ));
    }
    errs
}
