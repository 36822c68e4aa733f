//! pod-garbage-collector-controller against a real API server, with the collection period and
//! the orphan quarantine shortened through `podgc::start_with` (upstream has no flags for
//! them; 20 s and 40 s would make a slow test). Pod phases are set through the API, as a
//! kubelet would.

use std::sync::Arc;
use std::time::Duration;

use crate::support::eventually;
use anyhow::Result;
use clap::Parser;
use common::shutdown::Shutdown;
use controller_manager::controllers::{ControllerContext, podgc};
use controller_manager::informers::SharedInformers;
use controller_manager::options::Options;
use controller_manager::workqueue::WorkQueueMetrics;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;

/// Runs the collector with `threshold` until the returned stop is triggered.
async fn run_podgc(server: &TestApiServer, threshold: i64) -> Result<Shutdown> {
    let client = server.client().await?;
    let informers = SharedInformers::new(client.clone());
    let stop = Shutdown::new();
    let context = ControllerContext {
        client,
        informers: informers.clone(),
        metrics: WorkQueueMetrics::unregistered(),
        options: Arc::new(Options::try_parse_from(["kube-controller-manager"])?),
        stop: stop.clone(),
    };
    let running = podgc::start_with(
        &context,
        podgc::Settings {
            terminated_pod_threshold: threshold,
            period: Duration::from_millis(300),
            quarantine: Duration::from_secs(1),
        },
    )?;
    let watches = informers.start();
    let until = stop.clone();
    tokio::spawn(async move {
        running.await;
        until.wait().await;
        for watch in watches {
            watch.abort();
        }
    });
    Ok(stop)
}

async fn create_pod(pods: &Api<Pod>, name: &str, node: &str) -> Result<()> {
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "metadata": {"name": name},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "busybox"}]},
        }))?,
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn a_pod_bound_to_a_node_that_does_not_exist_is_deleted() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let nodes: Api<Node> = Api::all(client.clone());
    nodes
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "real"}}))?,
        )
        .await?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    create_pod(&pods, "orphan", "ghost").await?;
    create_pod(&pods, "kept", "real").await?;
    let stop = run_podgc(&server, 12500).await?;
    eventually("the orphaned pod to be deleted", || async {
        Ok(pods.get_opt("orphan").await?.is_none().then_some(()))
    })
    .await?;
    assert!(pods.get_opt("kept").await?.is_some());
    stop.trigger();
    Ok(())
}

#[tokio::test]
async fn terminated_pods_beyond_the_threshold_are_deleted() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let nodes: Api<Node> = Api::all(client.clone());
    nodes
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "real"}}))?,
        )
        .await?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    for name in ["done-1", "done-2", "done-3", "running"] {
        create_pod(&pods, name, "real").await?;
        let phase = if name == "running" {
            "Running"
        } else {
            "Succeeded"
        };
        pods.patch_status(
            name,
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"phase": phase}})),
        )
        .await?;
    }
    let stop = run_podgc(&server, 1).await?;
    eventually("two terminated pods to be deleted", || async {
        let left: Vec<String> = pods
            .list(&ListParams::default())
            .await?
            .items
            .into_iter()
            .filter_map(|p| p.metadata.name)
            .collect();
        Ok((left.len() == 2).then_some(left))
    })
    .await
    .map(|left| assert!(left.contains(&"running".to_owned()), "{left:?}"))?;
    stop.trigger();
    Ok(())
}
