//! Defaults of the `scheduling.k8s.io` group (`v1`): pkg/apis/scheduling/v1/defaults.go.

use serde_json::json;

use super::json::{Obj, default_ptr};

/// Applies the defaults of one `scheduling.k8s.io` kind.
pub(super) fn apply(kind: &str, obj: &mut Obj) {
    if kind == "PriorityClass" {
        // SetDefaults_PriorityClass
        default_ptr(obj, "preemptionPolicy", json!("PreemptLowerPriority"));
    }
}
