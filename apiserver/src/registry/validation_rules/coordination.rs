//! Lease rules of `pkg/apis/coordination/validation` (`ValidateLeaseSpec`).

use serde_json::Value;

use super::names::qualified_name;
use super::{child, int_of, invalid_each, present, str_of};
use crate::endpoints::status::FieldError;

/// `ValidateLeaseSpec`.
pub fn validate_lease(lease: &Value) -> Vec<FieldError> {
    let spec = child(lease, "spec");
    let mut errs = Vec::new();
    if let Some(d) = int_of(spec, "leaseDurationSeconds")
        && d <= 0
    {
        errs.push(FieldError::invalid(
            "spec.leaseDurationSeconds",
            d,
            "must be greater than 0",
        ));
    }
    if let Some(t) = int_of(spec, "leaseTransitions")
        && t < 0
    {
        errs.push(FieldError::invalid(
            "spec.leaseTransitions",
            t,
            "must be greater than or equal to 0",
        ));
    }
    let strategy = present(spec, "strategy").map(|s| s.as_str().unwrap_or(""));
    if let Some(s) = strategy {
        // `ValidateCoordinatedLeaseStrategy` appends `strategy` to the path it is given.
        let path = "spec.strategy.strategy";
        if s.contains('/') {
            errs.extend(invalid_each(path, s, qualified_name(s)));
        } else if s != "OldestEmulationVersion" {
            errs.push(FieldError::not_supported(
                path,
                s,
                &["OldestEmulationVersion"],
            ));
        }
    }
    if str_of(spec, "preferredHolder").is_some_and(|h| !h.is_empty())
        && strategy.is_none_or(str::is_empty)
    {
        errs.push(FieldError::forbidden(
            "spec.preferredHolder",
            "may only be specified if `strategy` is defined",
        ));
    }
    errs
}
