//! Pods (`pkg/registry/core/pod/strategy.go`): field selectors, and graceful deletion.
//!
//! A pod bound to a node is not removed by a delete: it gets `deletionTimestamp` and
//! `deletionGracePeriodSeconds` (from the request, else `spec.terminationGracePeriodSeconds`,
//! else 30), and its kubelet removes it once its containers stopped. A pod that never reached a
//! node, or has finished, or a delete with grace period 0, goes at once, as upstream.

use serde_json::Value;

use crate::registry::strategy::Strategy;

pub struct PodStrategy;

/// Upstream's default `terminationGracePeriodSeconds`.
const DEFAULT_GRACE_SECONDS: i64 = 30;

#[async_trait::async_trait]
impl Strategy for PodStrategy {
    fn field_labels(&self) -> &'static [&'static str] {
        &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ]
    }

    fn deletion_grace(&self, pod: &Value, requested: Option<i64>) -> Option<i64> {
        let unscheduled = pod["spec"]["nodeName"].as_str().unwrap_or("").is_empty();
        let finished = matches!(
            pod["status"]["phase"].as_str(),
            Some("Succeeded" | "Failed")
        );
        if unscheduled || finished {
            return None;
        }
        let grace = requested
            .or_else(|| pod["spec"]["terminationGracePeriodSeconds"].as_i64())
            .unwrap_or(DEFAULT_GRACE_SECONDS);
        (grace > 0).then_some(grace)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_running_pods_on_nodes_are_deleted_gracefully() {
        let pending = json!({"spec": {}});
        assert_eq!(PodStrategy.deletion_grace(&pending, None), None);
        let running = json!({"spec": {"nodeName": "n1", "terminationGracePeriodSeconds": 10},
            "status": {"phase": "Running"}});
        assert_eq!(PodStrategy.deletion_grace(&running, None), Some(10));
        assert_eq!(PodStrategy.deletion_grace(&running, Some(3)), Some(3));
        assert_eq!(PodStrategy.deletion_grace(&running, Some(0)), None);
        let done = json!({"spec": {"nodeName": "n1"}, "status": {"phase": "Succeeded"}});
        assert_eq!(PodStrategy.deletion_grace(&done, None), None);
    }
}
