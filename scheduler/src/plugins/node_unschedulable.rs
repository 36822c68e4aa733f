//! NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes no new pods, except those
//! that tolerate the `node.kubernetes.io/unschedulable:NoSchedule` taint (upstream's
//! `plugins/nodeunschedulable`).

use k8s_openapi::api::core::v1::Taint;

use super::taint_toleration::{EFFECT_NO_SCHEDULE, pod_tolerations, tolerations_tolerate_taint};
use crate::framework::{ClusterEvent, CycleState, FilterPlugin, NodeInfo, Plugin, PodInfo, Status};

/// The plugin's name.
pub const NAME: &str = "NodeUnschedulable";
/// Upstream's reason.
pub const ERR_REASON_UNSCHEDULABLE: &str = "node(s) were unschedulable";
/// The taint key the node lifecycle controller puts on cordoned nodes.
pub const TAINT_NODE_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// The plugin.
pub struct NodeUnschedulable;

impl Plugin for NodeUnschedulable {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [ClusterEvent] {
        &[ClusterEvent::NodeAdded, ClusterEvent::NodeChanged]
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
}

impl FilterPlugin for NodeUnschedulable {
    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let cordoned = node
            .node
            .spec
            .as_ref()
            .and_then(|s| s.unschedulable)
            .unwrap_or(false);
        if !cordoned {
            return Status::success();
        }
        let taint = Taint {
            key: TAINT_NODE_UNSCHEDULABLE.to_owned(),
            effect: EFFECT_NO_SCHEDULE.to_owned(),
            ..Taint::default()
        };
        if tolerations_tolerate_taint(pod_tolerations(&pod.pod), &taint) {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON_UNSCHEDULABLE)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::framework::Code;
    use crate::plugins::test_util::{node, pod};

    fn node_info(unschedulable: Option<bool>) -> NodeInfo {
        NodeInfo::new(node(json!({"metadata": {"name": "n"},
            "spec": {"unschedulable": unschedulable}})))
    }

    #[test]
    fn cordoned_nodes_reject_pods_that_do_not_tolerate_it() {
        let state = CycleState::default();
        let plain = pod(json!({"containers": []}));
        let status = NodeUnschedulable.filter(&state, &plain, &node_info(Some(true)));
        assert_eq!(status.code, Code::UnschedulableAndUnresolvable);
        assert_eq!(status.reasons, [ERR_REASON_UNSCHEDULABLE]);

        assert!(
            NodeUnschedulable
                .filter(&state, &plain, &node_info(Some(false)))
                .is_success()
        );
        assert!(
            NodeUnschedulable
                .filter(&state, &plain, &node_info(None))
                .is_success()
        );

        let tolerant = pod(json!({"containers": [], "tolerations": [
            {"key": TAINT_NODE_UNSCHEDULABLE, "effect": "NoSchedule"}]}));
        assert!(
            NodeUnschedulable
                .filter(&state, &tolerant, &node_info(Some(true)))
                .is_success()
        );

        let tolerates_all = pod(json!({"containers": [], "tolerations": [{"operator": "Exists"}]}));
        assert!(
            NodeUnschedulable
                .filter(&state, &tolerates_all, &node_info(Some(true)))
                .is_success()
        );

        let wrong_effect = pod(json!({"containers": [], "tolerations": [
            {"key": TAINT_NODE_UNSCHEDULABLE, "operator": "Exists", "effect": "NoExecute"}]}));
        assert!(
            !NodeUnschedulable
                .filter(&state, &wrong_effect, &node_info(Some(true)))
                .is_success()
        );
    }
}
