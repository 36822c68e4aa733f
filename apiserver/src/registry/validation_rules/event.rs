//! Core v1 Event rules: `legacyValidateEvent` of `pkg/apis/core/validation/events.go`, the
//! validation upstream applies to Events written through the core `v1` API.

use serde_json::Value;

use super::names::{dns1123_subdomain, qualified_name};
use super::{child, invalid_each, present, str_or_empty};
use crate::endpoints::status::FieldError;

/// `legacyValidateEvent` for a `v1` request.
pub fn validate_event(event: &Value) -> Vec<FieldError> {
    let namespace = str_or_empty(child(event, "metadata"), "namespace");
    let involved_ns = str_or_empty(child(event, "involvedObject"), "namespace");
    let mismatch = || {
        FieldError::invalid(
            "involvedObject.namespace",
            involved_ns,
            "does not match event.namespace",
        )
    };
    let mut errs = Vec::new();
    if present(event, "eventTime").is_none() {
        // An "old" event: its namespace must agree with the involved object's.
        let agrees = match involved_ns.is_empty() {
            true => namespace.is_empty() || namespace == "default",
            false => namespace == involved_ns,
        };
        if !agrees {
            errs.push(mismatch());
        }
    } else {
        if involved_ns.is_empty() && namespace != "default" && namespace != "kube-system" {
            errs.push(mismatch());
        }
        let controller = str_or_empty(event, "reportingComponent");
        if controller.is_empty() {
            errs.push(FieldError::required("reportingComponent", ""));
        }
        errs.extend(invalid_each(
            "reportingComponent",
            controller,
            qualified_name(controller),
        ));
        for (field, limit, required) in [
            ("reportingInstance", 128, true),
            ("action", 128, true),
            ("reason", 128, true),
            ("message", 1024, false),
        ] {
            let v = str_or_empty(event, field);
            if required && v.is_empty() {
                errs.push(FieldError::required(field, ""));
            }
            if v.len() > limit {
                errs.push(FieldError::invalid(
                    field,
                    "",
                    format!("can have at most {limit} characters"),
                ));
            }
        }
    }
    errs.extend(invalid_each(
        "namespace",
        namespace,
        dns1123_subdomain(namespace),
    ));
    errs
}
