//! node-lifecycle-controller and taint-eviction-controller against a real API server, with
//! short monitor periods. There is no kubelet: the test posts node status and renews node
//! Leases itself, and stops doing so for the node that is to go silent.

use std::time::Duration;

use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use jiff::Timestamp;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use tests::apiserver::TestApiServer;

const FLAGS: &[&str] = &[
    "--controllers=nodelifecycle,taint-eviction-controller",
    "--node-monitor-grace-period=3s",
    "--node-monitor-period=1s",
    "--node-startup-grace-period=3s",
];

async fn create_node(client: &kube::Client, name: &str) -> Result<()> {
    let nodes: Api<Node> = Api::all(client.clone());
    nodes
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": name}}))?,
        )
        .await?;
    post_ready(client, name, "True").await?;
    let leases: Api<Lease> = Api::namespaced(client.clone(), "kube-node-lease");
    leases
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({
                "metadata": {"name": name},
                "spec": {"holderIdentity": name, "leaseDurationSeconds": 40,
                         "renewTime": Timestamp::now().to_string()},
            }))?,
        )
        .await?;
    Ok(())
}

/// Posts the node's Ready condition as a kubelet would.
async fn post_ready(client: &kube::Client, name: &str, status: &str) -> Result<()> {
    let nodes: Api<Node> = Api::all(client.clone());
    let now = Timestamp::now().to_string();
    nodes
        .patch_status(
            name,
            &PatchParams::default(),
            &Patch::Strategic(json!({"status": {"conditions": [{
                "type": "Ready", "status": status, "reason": "KubeletReady",
                "message": "kubelet is posting ready status",
                "lastHeartbeatTime": now, "lastTransitionTime": now,
            }]}})),
        )
        .await?;
    Ok(())
}

/// Renews the node's Lease every half second until aborted.
fn keep_renewing(client: &kube::Client, name: &str) -> tokio::task::JoinHandle<()> {
    let leases: Api<Lease> = Api::namespaced(client.clone(), "kube-node-lease");
    let name = name.to_owned();
    tokio::spawn(async move {
        loop {
            let patch = json!({"spec": {"renewTime": Timestamp::now().to_string()}});
            let _ = leases
                .patch(&name, &PatchParams::default(), &Patch::Merge(patch))
                .await;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    })
}

async fn ensure_lease_namespace(client: &kube::Client) -> Result<()> {
    let namespaces: Api<Namespace> = Api::all(client.clone());
    if namespaces.get_opt("kube-node-lease").await?.is_none() {
        namespaces
            .create(
                &PostParams::default(),
                &serde_json::from_value(json!({"metadata": {"name": "kube-node-lease"}}))?,
            )
            .await?;
    }
    Ok(())
}

async fn create_pod(pods: &Api<Pod>, name: &str, node: &str, tolerations: Value) -> Result<()> {
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "metadata": {"name": name},
            "spec": {"nodeName": node, "tolerations": tolerations,
                     "containers": [{"name": "c", "image": "busybox"}]},
        }))?,
    )
    .await?;
    // Running and ready, as a kubelet would report.
    pods.patch_status(
        name,
        &PatchParams::default(),
        &Patch::Strategic(json!({"status": {"phase": "Running", "conditions": [
            {"type": "Ready", "status": "True"}]}})),
    )
    .await?;
    Ok(())
}

fn taint_keys(node: &Node, effect: &str) -> Vec<String> {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .map(|t| {
            t.iter()
                .filter(|t| t.effect == effect)
                .map(|t| t.key.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn ready_condition(node: &Node) -> Option<(String, Option<String>)> {
    node.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| (c.status.clone(), c.reason.clone()))
}

/// Evicted: gone, or terminating (a bound pod waits for its kubelet to confirm).
async fn evicted(pods: &Api<Pod>, name: &str) -> Result<Option<Option<Pod>>> {
    Ok(match pods.get_opt(name).await? {
        None => Some(None),
        Some(pod) if pod.metadata.deletion_timestamp.is_some() => Some(Some(pod)),
        Some(_) => None,
    })
}

#[tokio::test]
async fn a_silent_node_turns_unknown_is_tainted_and_intolerant_pods_are_evicted() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    ensure_lease_namespace(&client).await?;
    create_node(&client, "silent").await?;
    create_node(&client, "healthy").await?;
    // The healthy node keeps the zone out of full disruption (where upstream stops evicting).
    let healthy = keep_renewing(&client, "healthy");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let unreachable = |seconds: Value| {
        json!([{"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                "effect": "NoExecute", "tolerationSeconds": seconds}])
    };
    create_pod(&pods, "brief", "silent", unreachable(json!(2))).await?;
    create_pod(&pods, "intolerant", "silent", json!([])).await?;
    create_pod(&pods, "forever", "silent", unreachable(Value::Null)).await?;
    let _controllers = RunningControllers::start(&server, FLAGS).await?;

    let nodes: Api<Node> = Api::all(client.clone());
    let node = eventually(
        "the silent node to be tainted unreachable:NoExecute",
        || async {
            let node = nodes.get("silent").await?;
            let tainted = taint_keys(&node, "NoExecute") == ["node.kubernetes.io/unreachable"];
            Ok(tainted.then_some(node))
        },
    )
    .await?;
    assert_eq!(
        ready_condition(&node),
        Some(("Unknown".into(), Some("NodeStatusUnknown".into())))
    );
    let taint = node.spec.unwrap().taints.unwrap();
    let taint = taint.iter().find(|t| t.effect == "NoExecute").unwrap();
    assert!(taint.time_added.is_some());

    let intolerant = eventually("the intolerant pod to be evicted", || {
        evicted(&pods, "intolerant")
    })
    .await?;
    if let Some(pod) = intolerant {
        let conditions = pod.status.unwrap().conditions.unwrap_or_default();
        let target = conditions
            .iter()
            .find(|c| c.type_ == "DisruptionTarget")
            .unwrap();
        assert_eq!(target.reason.as_deref(), Some("DeletionByTaintManager"));
    }
    eventually("the briefly tolerating pod to be evicted", || {
        evicted(&pods, "brief")
    })
    .await?;
    let forever = pods.get("forever").await?;
    assert!(forever.metadata.deletion_timestamp.is_none());
    let ready = forever.status.unwrap().conditions.unwrap_or_default();
    assert_eq!(
        ready
            .iter()
            .find(|c| c.type_ == "Ready")
            .map(|c| c.status.as_str()),
        Some("False"),
        "pods on a node that is not ready are marked not ready"
    );
    assert!(taint_keys(&nodes.get("healthy").await?, "NoExecute").is_empty());

    // The kubelet comes back (the controller never sets Ready=True itself).
    let renewing = keep_renewing(&client, "silent");
    post_ready(&client, "silent", "True").await?;
    eventually("the unreachable taints to be removed", || async {
        let node = nodes.get("silent").await?;
        let clean = taint_keys(&node, "NoExecute").is_empty()
            && !taint_keys(&node, "NoSchedule").contains(&"node.kubernetes.io/unreachable".into());
        Ok(clean.then_some(()))
    })
    .await?;
    renewing.abort();
    healthy.abort();
    Ok(())
}

#[tokio::test]
async fn no_schedule_taints_mirror_conditions_and_unschedulable() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    ensure_lease_namespace(&client).await?;
    create_node(&client, "busy").await?;
    let renewing = keep_renewing(&client, "busy");
    let _controllers = RunningControllers::start(&server, FLAGS).await?;
    let nodes: Api<Node> = Api::all(client.clone());
    nodes
        .patch(
            "busy",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"unschedulable": true}})),
        )
        .await?;
    let now = Timestamp::now().to_string();
    nodes
        .patch_status(
            "busy",
            &PatchParams::default(),
            &Patch::Strategic(json!({"status": {"conditions": [{
                "type": "MemoryPressure", "status": "True", "reason": "KubeletHasInsufficientMemory",
                "lastHeartbeatTime": now, "lastTransitionTime": now,
            }]}})),
        )
        .await?;
    eventually(
        "memory-pressure and unschedulable NoSchedule taints",
        || async {
            let mut keys = taint_keys(&nodes.get("busy").await?, "NoSchedule");
            keys.sort();
            Ok((keys
                == [
                    "node.kubernetes.io/memory-pressure",
                    "node.kubernetes.io/unschedulable",
                ])
            .then_some(()))
        },
    )
    .await?;
    nodes
        .patch(
            "busy",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"unschedulable": false}})),
        )
        .await?;
    eventually("the unschedulable taint to go", || async {
        let keys = taint_keys(&nodes.get("busy").await?, "NoSchedule");
        Ok((keys == ["node.kubernetes.io/memory-pressure"]).then_some(()))
    })
    .await?;
    renewing.abort();
    Ok(())
}
