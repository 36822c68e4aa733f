//! daemonset-controller against a real API server. There is no scheduler and no kubelet here:
//! the test binds each daemon pod to the node its affinity names through the pods/binding
//! subresource, as the scheduler would, and marks it Running and Ready through the status
//! subresource, as a kubelet would.

use std::collections::BTreeSet;

use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;

const NS: &str = "default";

async fn add_node(nodes: &Api<Node>, name: &str, taints: serde_json::Value) -> Result<()> {
    nodes
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": name,
                "labels": {"kubernetes.io/hostname": name}}, "spec": {"taints": taints}}))?,
        )
        .await?;
    Ok(())
}

/// The node each daemon pod is pinned to by its `metadata.name` node affinity.
fn target(pod: &Pod) -> Option<String> {
    let terms = &pod
        .spec
        .as_ref()?
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    let field = terms.first()?.match_fields.as_ref()?.first()?;
    (field.key == "metadata.name").then(|| field.values.as_ref()?.first().cloned())?
}

async fn daemon_pods(pods: &Api<Pod>) -> Result<Vec<Pod>> {
    Ok(pods
        .list(&ListParams::default().labels("app=agent"))
        .await?
        .items)
}

/// Binds the pod to its node as the scheduler would, then marks it ready as a kubelet would.
async fn bind_and_run(pods: &Api<Pod>, pod: &Pod, node: &str) -> Result<()> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let binding = json!({"apiVersion": "v1", "kind": "Binding",
        "metadata": {"name": name}, "target": {"kind": "Node", "name": node}});
    pods.create_subresource::<_, serde_json::Value>(
        "binding",
        &name,
        &PostParams::default(),
        &binding,
    )
    .await?;
    let now = jiff::Timestamp::now().to_string();
    let patch = json!({"status": {"phase": "Running", "conditions": [
        {"type": "Ready", "status": "True", "lastTransitionTime": now}]}});
    pods.patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
        .await?;
    Ok(())
}

/// One pod per eligible node, none on a node with an untolerated taint, the status counts,
/// and a pod for a node added later.
#[tokio::test]
async fn daemon_pods_cover_eligible_nodes_and_follow_new_ones() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let nodes: Api<Node> = Api::all(client.clone());
    add_node(&nodes, "n1", json!([])).await?;
    add_node(&nodes, "n2", json!([])).await?;
    add_node(
        &nodes,
        "n3",
        json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]),
    )
    .await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=daemonset"]).await?;
    let sets: Api<DaemonSet> = Api::namespaced(client.clone(), NS);
    let pods: Api<Pod> = Api::namespaced(client.clone(), NS);
    sets.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "metadata": {"name": "agent"},
            "spec": {
                "selector": {"matchLabels": {"app": "agent"}},
                "template": {"metadata": {"labels": {"app": "agent"}},
                             "spec": {"containers": [{"name": "a", "image": "agent:1"}]}}
            }
        }))?,
    )
    .await?;

    let created = eventually("pods for n1 and n2", || async {
        let found = daemon_pods(&pods).await?;
        let targets: BTreeSet<String> = found.iter().filter_map(target).collect();
        Ok(
            (found.len() == 2 && targets == BTreeSet::from(["n1".into(), "n2".into()]))
                .then_some(found),
        )
    })
    .await?;
    for pod in &created {
        let labels = pod.metadata.labels.clone().unwrap_or_default();
        assert!(labels.contains_key("controller-revision-hash"));
        assert!(labels.contains_key("pod-template-generation"));
        let tolerations = pod
            .spec
            .clone()
            .unwrap_or_default()
            .tolerations
            .unwrap_or_default();
        assert!(tolerations.iter().any(|t| {
            t.key.as_deref() == Some("node.kubernetes.io/unschedulable")
                && t.effect.as_deref() == Some("NoSchedule")
        }));
        let node = target(pod).unwrap_or_default();
        bind_and_run(&pods, pod, &node).await?;
    }
    let status = eventually("two ready daemon pods in the status", || async {
        let ds = sets.get("agent").await?;
        Ok(ds.status.filter(|s| s.number_ready == 2))
    })
    .await?;
    assert_eq!(status.desired_number_scheduled, 2);
    assert_eq!(status.current_number_scheduled, 2);
    assert_eq!(status.number_misscheduled, 0);
    assert_eq!(status.updated_number_scheduled, Some(2));

    add_node(&nodes, "n4", json!([])).await?;
    let on_n4 = eventually("a pod for the new node n4", || async {
        let found = daemon_pods(&pods).await?;
        Ok(found
            .into_iter()
            .find(|p| target(p).as_deref() == Some("n4")))
    })
    .await?;
    bind_and_run(&pods, &on_n4, "n4").await?;
    eventually("three ready daemon pods", || async {
        let ds = sets.get("agent").await?;
        Ok(ds
            .status
            .filter(|s| s.number_ready == 3 && s.desired_number_scheduled == 3))
    })
    .await?;
    let all = daemon_pods(&pods).await?;
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|p| target(p).as_deref() != Some("n3")));
    Ok(())
}
