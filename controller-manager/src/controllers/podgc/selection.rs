//! Which pods the pod garbage collector takes, as pure functions of the cached pods and nodes.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Node, Pod};

/// The taint that marks a node out of service.
pub const TAINT_OUT_OF_SERVICE: &str = "node.kubernetes.io/out-of-service";

fn node_name(pod: &Pod) -> Option<&str> {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .filter(|n| !n.is_empty())
}

fn is_terminated(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

fn is_evicted(pod: &Pod) -> bool {
    pod.status.as_ref().and_then(|s| s.reason.as_deref()) == Some("Evicted")
}

/// The terminated pods beyond `threshold`: evicted ones first, then the oldest.
pub fn terminated_to_delete(pods: &[Arc<Pod>], threshold: usize) -> Vec<Arc<Pod>> {
    let mut terminated: Vec<Arc<Pod>> = pods.iter().filter(|p| is_terminated(p)).cloned().collect();
    let excess = terminated.len().saturating_sub(threshold);
    if excess == 0 {
        return Vec::new();
    }
    terminated.sort_by(|a, b| {
        let key = |p: &Pod| {
            (
                !is_evicted(p),
                p.metadata.creation_timestamp.as_ref().map(|t| t.0),
                p.metadata.name.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    terminated.truncate(excess);
    terminated
}

/// Terminating pods on nodes that are not ready and tainted out of service.
pub fn terminating_on_out_of_service(pods: &[Arc<Pod>], nodes: &[Arc<Node>]) -> Vec<Arc<Pod>> {
    let out_of_service: HashSet<&str> = nodes
        .iter()
        .filter(|n| {
            let ready = n
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
                .is_some_and(|c| c.status == "True");
            let tainted = n
                .spec
                .as_ref()
                .and_then(|s| s.taints.as_ref())
                .is_some_and(|t| t.iter().any(|t| t.key == TAINT_OUT_OF_SERVICE));
            !ready && tainted
        })
        .filter_map(|n| n.metadata.name.as_deref())
        .collect();
    pods.iter()
        .filter(|p| p.metadata.deletion_timestamp.is_some())
        .filter(|p| node_name(p).is_some_and(|n| out_of_service.contains(n)))
        .cloned()
        .collect()
}

/// The nodes pods are bound to that are not in `nodes`.
pub fn orphaned_node_names(pods: &[Arc<Pod>], nodes: &[Arc<Node>]) -> BTreeSet<String> {
    let existing: HashSet<&str> = nodes
        .iter()
        .filter_map(|n| n.metadata.name.as_deref())
        .collect();
    pods.iter()
        .filter_map(|p| node_name(p))
        .filter(|n| !existing.contains(n))
        .map(str::to_owned)
        .collect()
}

/// Terminating pods that were never scheduled.
pub fn unscheduled_terminating(pods: &[Arc<Pod>]) -> Vec<Arc<Pod>> {
    pods.iter()
        .filter(|p| p.metadata.deletion_timestamp.is_some() && node_name(p).is_none())
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use k8s_openapi::api::core::v1::{
        NodeCondition, NodeSpec, NodeStatus, PodSpec, PodStatus, Taint,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

    fn pod(name: &str, node: &str, phase: &str, created: i64) -> Arc<Pod> {
        Arc::new(Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                creation_timestamp: Some(Time(
                    Timestamp::from_second(1_700_000_000 + created).unwrap(),
                )),
                ..ObjectMeta::default()
            },
            spec: Some(PodSpec {
                node_name: (!node.is_empty()).then(|| node.into()),
                ..PodSpec::default()
            }),
            status: Some(PodStatus {
                phase: Some(phase.into()),
                ..PodStatus::default()
            }),
        })
    }

    fn terminating(p: Arc<Pod>) -> Arc<Pod> {
        let mut p = (*p).clone();
        p.metadata.deletion_timestamp = Some(Time(Timestamp::from_second(1_700_000_000).unwrap()));
        Arc::new(p)
    }

    fn node(name: &str, ready: &str, out_of_service: bool) -> Arc<Node> {
        Arc::new(Node {
            metadata: ObjectMeta {
                name: Some(name.into()),
                ..ObjectMeta::default()
            },
            spec: Some(NodeSpec {
                taints: out_of_service.then(|| {
                    vec![Taint {
                        key: TAINT_OUT_OF_SERVICE.into(),
                        effect: "NoExecute".into(),
                        ..Taint::default()
                    }]
                }),
                ..NodeSpec::default()
            }),
            status: Some(NodeStatus {
                conditions: Some(vec![NodeCondition {
                    type_: "Ready".into(),
                    status: ready.into(),
                    ..NodeCondition::default()
                }]),
                ..NodeStatus::default()
            }),
        })
    }

    fn names(pods: &[Arc<Pod>]) -> Vec<&str> {
        pods.iter()
            .map(|p| p.metadata.name.as_deref().unwrap())
            .collect()
    }

    // Upstream's TestGCTerminated cases: the oldest beyond the threshold, only terminated.
    #[test]
    fn terminated_pods_beyond_the_threshold_go_oldest_first() {
        let pods = vec![
            pod("a", "n", "Failed", 3),
            pod("b", "n", "Succeeded", 1),
            pod("c", "n", "Running", 0),
            pod("d", "n", "Failed", 2),
        ];
        assert_eq!(names(&terminated_to_delete(&pods, 1)), ["b", "d"]);
        assert!(terminated_to_delete(&pods, 3).is_empty());
        let mut evicted = (*pod("e", "n", "Failed", 9)).clone();
        evicted.status.as_mut().unwrap().reason = Some("Evicted".into());
        let mut with_evicted = pods.clone();
        with_evicted.push(Arc::new(evicted));
        assert_eq!(names(&terminated_to_delete(&with_evicted, 3)), ["e"]);
    }

    // Upstream's TestGCOrphaned and TestGCUnscheduledTerminating shapes.
    #[test]
    fn orphans_and_unscheduled_terminating_pods() {
        let pods = vec![
            pod("a", "gone", "Running", 0),
            pod("b", "here", "Running", 0),
            terminating(pod("c", "", "Pending", 0)),
            pod("d", "", "Pending", 0),
        ];
        let nodes = vec![node("here", "True", false)];
        assert_eq!(
            orphaned_node_names(&pods, &nodes)
                .into_iter()
                .collect::<Vec<_>>(),
            ["gone"]
        );
        assert_eq!(names(&unscheduled_terminating(&pods)), ["c"]);
    }

    // Upstream's TestGCTerminating: only terminating pods on not-ready, out-of-service nodes.
    #[test]
    fn terminating_pods_on_out_of_service_nodes() {
        let pods = vec![
            terminating(pod("a", "oos", "Running", 0)),
            pod("b", "oos", "Running", 0),
            terminating(pod("c", "ready-oos", "Running", 0)),
            terminating(pod("d", "down", "Running", 0)),
        ];
        let nodes = vec![
            node("oos", "False", true),
            node("ready-oos", "True", true),
            node("down", "Unknown", false),
        ];
        assert_eq!(names(&terminating_on_out_of_service(&pods, &nodes)), ["a"]);
    }
}
