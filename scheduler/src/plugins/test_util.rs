//! Builders shared by the plugins' unit tests (upstream's `st.MakePod()`/`st.MakeNode()` in
//! spirit): objects come from JSON so a test reads like the manifest it stands for.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{Node, Pod};
use serde_json::{Value, json};

use crate::framework::{Code, CycleState, NodeInfo, NodeScore, Plugin, PodInfo};

/// A pod `ns/<name>` with this spec.
pub fn named_pod(name: &str, spec: Value) -> PodInfo {
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "ns", "uid": format!("uid-{name}")},
        "spec": spec,
    }))
    .expect("test pod");
    PodInfo::new(Arc::new(pod))
}

/// A pod `ns/p` with this spec.
pub fn pod(spec: Value) -> PodInfo {
    named_pod("p", spec)
}

/// A pod with one container per entry of `requests` (each a `ResourceList`).
pub fn pod_with_requests(requests: &[Value]) -> PodInfo {
    pod(json!({"containers": containers(requests)}))
}

/// Containers `c0`, `c1`… with these requests.
pub fn containers(requests: &[Value]) -> Value {
    requests
        .iter()
        .enumerate()
        .map(|(i, r)| json!({"name": format!("c{i}"), "image": "i", "resources": {"requests": r}}))
        .collect()
}

/// A Node from JSON.
pub fn node(value: Value) -> Arc<Node> {
    Arc::new(serde_json::from_value(value).expect("test node"))
}

/// A node named `name` whose capacity and allocatable are `resources`.
pub fn node_with_allocatable(name: &str, resources: Value) -> NodeInfo {
    NodeInfo::new(node(json!({
        "metadata": {"name": name},
        "status": {"capacity": resources, "allocatable": resources},
    })))
}

/// `node` with `pods` on it.
pub fn with_pods(mut node: NodeInfo, pods: impl IntoIterator<Item = PodInfo>) -> NodeInfo {
    for (i, pod) in pods.into_iter().enumerate() {
        // Keys must differ for NodeInfo's bookkeeping; the pod's content is what matters.
        let mut object = (*pod.pod).clone();
        object.metadata.name = Some(format!("existing-{i}"));
        node.add_pod(PodInfo::new(Arc::new(object)));
    }
    node
}

/// Runs PreScore, Score on each node, and NormalizeScore, as the framework does; returns the
/// scores, or the code of the first non-success status.
pub fn run_score(plugin: &dyn Plugin, pod: &PodInfo, nodes: &[NodeInfo]) -> Result<Vec<i64>, Code> {
    let mut state = CycleState::default();
    let refs: Vec<&NodeInfo> = nodes.iter().collect();
    if let Some(pre) = plugin.as_pre_score() {
        let status = pre.pre_score(&mut state, pod, &refs);
        if !status.is_success() {
            return Err(status.code);
        }
    }
    score_with_state(plugin, &state, pod, nodes)
}

/// Score and NormalizeScore with an existing cycle state (PreScore already run, or not).
pub fn score_with_state(
    plugin: &dyn Plugin,
    state: &CycleState,
    pod: &PodInfo,
    nodes: &[NodeInfo],
) -> Result<Vec<i64>, Code> {
    let score = plugin.as_score().expect("a score plugin");
    let mut scores = Vec::new();
    for node in nodes {
        let s = score.score(state, pod, node).map_err(|s| s.code)?;
        scores.push(NodeScore {
            name: node.name().to_owned(),
            score: s,
        });
    }
    let status = score.normalize(state, pod, &mut scores);
    if !status.is_success() {
        return Err(status.code);
    }
    Ok(scores.into_iter().map(|s| s.score).collect())
}
