//! SchedulingGates: a pod with `spec.schedulingGates` stays out of the active queue until the
//! gates are removed.

use k8s_openapi::api::core::v1::Pod;

use crate::framework::{Plugin, PreEnqueuePlugin, Status};

/// The plugin's name.
pub const NAME: &str = "SchedulingGates";

/// The plugin.
pub struct SchedulingGates;

impl Plugin for SchedulingGates {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [crate::framework::ClusterEvent] {
        &[]
    }
    fn as_pre_enqueue(&self) -> Option<&dyn PreEnqueuePlugin> {
        Some(self)
    }
}

impl PreEnqueuePlugin for SchedulingGates {
    fn pre_enqueue(&self, pod: &Pod) -> Status {
        let gates: Vec<&str> = pod
            .spec
            .iter()
            .flat_map(|s| s.scheduling_gates.iter().flatten())
            .map(|g| g.name.as_str())
            .collect();
        if gates.is_empty() {
            Status::success()
        } else {
            Status::unresolvable(format!(
                "waiting for scheduling gates: [{}]",
                gates.join(" ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gated_pods_wait() {
        let gated: Pod = serde_json::from_value(json!({"metadata": {"name": "p"},
            "spec": {"containers": [], "schedulingGates": [{"name": "a"}, {"name": "b"}]}}))
        .unwrap();
        let status = SchedulingGates.pre_enqueue(&gated);
        assert!(!status.is_success());
        assert_eq!(status.reasons, ["waiting for scheduling gates: [a b]"]);
        let free: Pod =
            serde_json::from_value(json!({"metadata": {"name": "p"}, "spec": {"containers": []}}))
                .unwrap();
        assert!(SchedulingGates.pre_enqueue(&free).is_success());
    }
}
