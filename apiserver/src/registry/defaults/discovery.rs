//! Defaults of the `discovery.k8s.io` group (`v1`): pkg/apis/discovery/v1/defaults.go.

use serde_json::json;

use super::json::{Obj, default_ptr, items_mut};

/// Applies the defaults of one `discovery.k8s.io` kind.
pub(super) fn apply(kind: &str, obj: &mut Obj) {
    if kind == "EndpointSlice" {
        // SetDefaults_EndpointPort: name is a *string, so "" is serialized.
        for p in items_mut(obj, "ports") {
            default_ptr(p, "name", json!(""));
            default_ptr(p, "protocol", json!("TCP"));
        }
    }
}
