//! Node and Namespace rules of `pkg/apis/core/validation` (`ValidateNode`,
//! `ValidateNodeUpdate`, `validateNodeTaints`, `ValidateNamespace`).
//!
//! Node capacity/allocatable quantities and the deprecated `configSource` are not validated.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::ip::{is_dual_stack, parse_cidr, validate_cidr};
use super::meta::validate_label_name;
use super::names::label_value;
use super::{arr_of, child, go_struct, rendered, str_of, str_or_empty};
use crate::endpoints::status::FieldError;

const TAINT_EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// `spec.podCIDRs`, falling back to the singular `spec.podCIDR` (v1 conversion).
fn pod_cidrs(spec: &Value) -> Vec<&str> {
    let plural: Vec<&str> = arr_of(spec, "podCIDRs")
        .iter()
        .map(|v| v.as_str().unwrap_or(""))
        .collect();
    match (plural.is_empty(), str_of(spec, "podCIDR")) {
        (true, Some(one)) if !one.is_empty() => vec![one],
        _ => plural,
    }
}

/// `ValidateNode` (without ObjectMeta).
pub fn validate_node(node: &Value) -> Vec<FieldError> {
    let spec = child(node, "spec");
    let mut errs = validate_taints(arr_of(spec, "taints"));
    let cidrs = pod_cidrs(spec);
    let path = "spec.podCIDRs";
    for (i, c) in cidrs.iter().enumerate() {
        errs.extend(validate_cidr(c, &format!("{path}[{i}]")));
    }
    if cidrs.len() > 1 {
        let parsed: Vec<_> = cidrs.iter().map(|c| parse_cidr(c)).collect();
        if let Some(bad) = parsed.iter().position(Option::is_none) {
            errs.push(FieldError::internal(
                path,
                format!(
                    "invalid PodCIDRs. failed to check with dual stack with error:invalid CIDR[{bad}]: <nil> (invalid CIDR address: {})",
                    cidrs[bad]
                ),
            ));
        }
        let v4: Vec<bool> = parsed.iter().flatten().map(|c| c.ip.is_v4()).collect();
        let dual = parsed.iter().all(Option::is_some) && is_dual_stack(&v4);
        if !dual || cidrs.len() > 2 {
            errs.push(FieldError::invalid(
                path,
                json!(cidrs),
                "may specify no more than one CIDR for each IP family",
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, c) in cidrs.iter().enumerate() {
            if !seen.insert(*c) {
                errs.push(FieldError::duplicate(format!("{path}[{i}]"), *c));
            }
        }
    }
    errs
}

/// `validateNodeTaints`. Upstream reports node taints under `metadata.taints`.
fn validate_taints(taints: &[Value]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    for (i, t) in taints.iter().enumerate() {
        let path = format!("metadata.taints[{i}]");
        let (key, value, effect) = (
            str_or_empty(t, "key"),
            str_or_empty(t, "value"),
            str_or_empty(t, "effect"),
        );
        errs.extend(validate_label_name(key, &format!("{path}.key")));
        let msgs = label_value(value);
        if !msgs.is_empty() {
            errs.push(FieldError::invalid(
                format!("{path}.value"),
                value,
                msgs.join(";"),
            ));
        }
        match effect {
            "" => errs.push(FieldError::required(format!("{path}.effect"), "")),
            e if !TAINT_EFFECTS.contains(&e) => errs.push(FieldError::not_supported(
                format!("{path}.effect"),
                e,
                &TAINT_EFFECTS,
            )),
            _ => {}
        }
        if !seen.insert((effect, key)) {
            // The internal `core.Taint` has no json tags.
            let go = go_struct(&[
                ("Key", &json!(key)),
                ("Value", &json!(value)),
                ("Effect", &json!(effect)),
                ("TimeAdded", child(t, "timeAdded")),
            ]);
            let e = FieldError::duplicate(&path, "");
            let mut e = rendered(e, &go);
            e.detail = format!("{}: taints must be unique by key and effect pair", e.detail);
            errs.push(e);
        }
    }
    errs
}

/// `ValidateNodeUpdate` (update-only part): `podCIDRs`, `providerID` and `externalID` may only
/// be set once; status addresses are unique.
pub fn validate_node_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let (ns, os) = (child(new, "spec"), child(old, "spec"));
    let mut errs = Vec::new();
    let mut addresses = Vec::new();
    for (i, a) in arr_of(child(new, "status"), "addresses").iter().enumerate() {
        let key = (str_or_empty(a, "type"), str_or_empty(a, "address"));
        if addresses.contains(&key) {
            let go = go_struct(&[("Type", &json!(key.0)), ("Address", &json!(key.1))]);
            errs.push(rendered(
                FieldError::duplicate(format!("status.addresses[{i}]"), ""),
                &go,
            ));
        }
        addresses.push(key);
    }
    let (old_cidrs, new_cidrs) = (pod_cidrs(os), pod_cidrs(ns));
    let cidr_msg = "node updates may not change podCIDR except from \"\" to valid";
    if !old_cidrs.is_empty() {
        if old_cidrs.len() != new_cidrs.len() {
            errs.push(FieldError::forbidden("spec.podCIDRs", cidr_msg));
        } else {
            for (o, n) in old_cidrs.iter().zip(&new_cidrs) {
                if o != n {
                    errs.push(FieldError::forbidden("spec.podCIDRs", cidr_msg));
                }
            }
        }
    }
    let old_provider = str_or_empty(os, "providerID");
    if !old_provider.is_empty() && old_provider != str_or_empty(ns, "providerID") {
        errs.push(FieldError::forbidden(
            "spec.providerID",
            "node updates may not change providerID except from \"\" to valid",
        ));
    }
    if str_or_empty(os, "externalID") != str_or_empty(ns, "externalID") {
        errs.push(FieldError::forbidden(
            "spec.externalID",
            "may not be updated",
        ));
    }
    errs
}
