//! NodeName: a pod that names its node (`spec.nodeName`) fits only that node.

use crate::framework::{ClusterEvent, CycleState, FilterPlugin, NodeInfo, Plugin, PodInfo, Status};

/// The plugin's name.
pub const NAME: &str = "NodeName";
/// Upstream's reason.
pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

/// The plugin.
pub struct NodeName;

impl Plugin for NodeName {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [ClusterEvent] {
        &[ClusterEvent::NodeAdded]
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
}

impl FilterPlugin for NodeName {
    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        match pod.pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            Some(wanted) if !wanted.is_empty() && wanted != node.name() => {
                Status::unresolvable(ERR_REASON)
            }
            _ => Status::success(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use serde_json::json;

    fn node(name: &str) -> NodeInfo {
        NodeInfo::new(Arc::new(
            serde_json::from_value(json!({"metadata": {"name": name}})).unwrap(),
        ))
    }

    fn pod(node_name: Option<&str>) -> PodInfo {
        PodInfo::new(Arc::new(
            serde_json::from_value(json!({"metadata": {"name": "p", "namespace": "ns"},
                "spec": {"containers": [], "nodeName": node_name}}))
            .unwrap(),
        ))
    }

    #[test]
    fn only_the_named_node_fits() {
        let state = CycleState::default();
        assert!(NodeName.filter(&state, &pod(None), &node("a")).is_success());
        assert!(
            NodeName
                .filter(&state, &pod(Some("a")), &node("a"))
                .is_success()
        );
        let status = NodeName.filter(&state, &pod(Some("a")), &node("b"));
        assert_eq!(
            status.code,
            crate::framework::Code::UnschedulableAndUnresolvable
        );
        assert_eq!(status.reasons, [ERR_REASON]);
    }
}
