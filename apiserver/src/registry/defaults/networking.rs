//! Defaults of the `networking.k8s.io` group (`v1`).
//!
//! Ports pkg/apis/networking/v1/defaults.go. Ingress, IPAddress and ServiceCIDR have no
//! defaults.

use serde_json::{Value, json};

use super::json::{Obj, child_ptr, child_struct, default_ptr, is_empty_coll, items_mut};

/// Applies the defaults of one `networking.k8s.io` kind.
pub(super) fn apply(kind: &str, obj: &mut Obj) {
    match kind {
        "NetworkPolicy" => network_policy(obj),
        "IngressClass" => {
            // SetDefaults_IngressClass
            if let Some(p) = child_ptr(obj, "spec").and_then(|s| child_ptr(s, "parameters")) {
                default_ptr(p, "scope", json!("Cluster"));
            }
        }
        _ => {}
    }
}

/// `SetDefaults_NetworkPolicy` and `SetDefaults_NetworkPolicyPort`.
fn network_policy(obj: &mut Obj) {
    let Some(spec) = child_struct(obj, "spec") else {
        return;
    };
    if is_empty_coll(spec, "policyTypes") {
        let mut types = vec![Value::from("Ingress")];
        if !is_empty_coll(spec, "egress") {
            types.push(Value::from("Egress"));
        }
        spec.insert("policyTypes".to_owned(), Value::Array(types));
    }
    for dir in ["ingress", "egress"] {
        for rule in items_mut(spec, dir) {
            for port in items_mut(rule, "ports") {
                default_ptr(port, "protocol", json!("TCP"));
            }
        }
    }
}
