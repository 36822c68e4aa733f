//! Deployment benchmark: a Deployment of 3,000 replicas on 100 hollow nodes, from create to
//! every replica available, through the real kube-controller-manager (deployment and
//! replicaset controllers) and kube-scheduler processes; against the API server's raw
//! pod-create rate measured in the same run.
//!
//! ```text
//! cargo build --release -p kube-scheduler -p kube-controller-manager
//! cargo bench -p tests --bench deployment_rollout
//! ROLLOUT_REPLICAS=500 ROLLOUT_NODES=20 cargo bench -p tests --bench deployment_rollout
//! ```
//!
//! The API server (TLS, embedded store) and the hollow nodes run in this process; the daemons
//! run as release child processes from `target/release/` (build them first, as above). The
//! reference creates the same number of pods directly, 32 in flight, with `spec.nodeName`
//! preset to a node nobody simulates. Results go to stdout as a markdown table.

use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{Api, ListParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;
use tests::daemons::{Daemon, DaemonProcess};
use tests::hollow_nodes::{HollowNodeOptions, HollowNodes};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env_size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn template() -> serde_json::Value {
    json!({
        "metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "pause", "image": "registry.k8s.io/pause:3.10.1",
            "resources": {"requests": {"cpu": "10m", "memory": "20Mi"}}}]}
    })
}

async fn namespace(client: &kube::Client, name: &str) {
    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": name}})).expect("ns");
    Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &ns)
        .await
        .expect("namespace");
}

/// Creates `count` pods of the template directly, 32 in flight; returns seconds.
async fn raw_creates(client: &kube::Client, count: usize) -> f64 {
    let api: Api<Pod> = Api::namespaced(client.clone(), "raw");
    let start = Instant::now();
    futures::stream::iter((0..count).map(|i| {
        let api = api.clone();
        async move {
            let mut pod = template();
            pod["metadata"]["name"] = json!(format!("raw-{i}"));
            pod["spec"]["nodeName"] = json!("no-such-node");
            let pod: Pod = serde_json::from_value(pod).expect("pod");
            api.create(&PostParams::default(), &pod)
                .await
                .unwrap_or_else(|e| panic!("create failed: {e}"));
        }
    }))
    .buffer_unordered(32)
    .collect::<Vec<()>>()
    .await;
    start.elapsed().as_secs_f64()
}

async fn run(nodes: usize, replicas: usize) -> (f64, f64, Milestones) {
    let server = TestApiServer::start().await.expect("API server");
    let client = server.client().await.expect("client");
    namespace(&client, "raw").await;
    eprintln!("raw reference: {replicas} pod creates");
    let raw_seconds = raw_creates(&client, replicas).await;

    let hollow = HollowNodes::start(
        client.clone(),
        HollowNodeOptions {
            count: nodes,
            ..HollowNodeOptions::default()
        },
    )
    .await
    .expect("hollow nodes");
    let scheduler = DaemonProcess::start(Daemon::Scheduler, &server, &["--v=0"])
        .await
        .expect("kube-scheduler");
    // Only the controllers a Deployment needs, so the pod GC does not act on the raw pods.
    let controllers = DaemonProcess::start(
        Daemon::ControllerManager,
        &server,
        &["--controllers=deployment,replicaset", "--v=0"],
    )
    .await
    .expect("kube-controller-manager");
    namespace(&client, "bench").await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    eprintln!("creating a Deployment of {replicas} replicas on {nodes} hollow nodes");
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "bench");
    let deployment: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "web"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
            "template": template()}
    }))
    .expect("deployment");
    let start = Instant::now();
    deployments
        .create(&PostParams::default(), &deployment)
        .await
        .expect("create");
    let replica_sets: Api<ReplicaSet> = Api::namespaced(client.clone(), "bench");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "bench");
    let mut first_created = None;
    // The first replica's way to the Deployment's status: its ReplicaSet, its first pod, the
    // ReplicaSet's status.
    let mut milestones = Milestones::default();
    loop {
        if milestones.replica_set.is_none() || milestones.replica_set_status.is_none() {
            let listed = replica_sets
                .list(&ListParams::default())
                .await
                .expect("list");
            if milestones.replica_set.is_none() && !listed.items.is_empty() {
                milestones.replica_set = Some(start.elapsed().as_secs_f64());
            }
            if listed
                .items
                .iter()
                .any(|rs| rs.status.as_ref().is_some_and(|s| s.replicas > 0))
            {
                milestones.replica_set_status = Some(start.elapsed().as_secs_f64());
            }
        }
        if milestones.pod.is_none() {
            let listed = pods
                .list(&ListParams::default().labels("app=web").limit(1))
                .await
                .expect("list");
            if !listed.items.is_empty() {
                milestones.pod = Some(start.elapsed().as_secs_f64());
            }
        }
        let d = deployments.get("web").await.expect("get");
        let status = d.status.unwrap_or_default();
        if first_created.is_none() && status.replicas.unwrap_or(0) > 0 {
            first_created = Some(start.elapsed().as_secs_f64());
        }
        if status.available_replicas.unwrap_or(0) as usize == replicas {
            break;
        }
        if start.elapsed() > Duration::from_secs(1800) {
            panic!("the Deployment did not become available within 30 minutes");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let available_seconds = start.elapsed().as_secs_f64();
    milestones.refused = refused_requests(&client).await;
    hollow.shutdown().await;
    drop(controllers);
    drop(scheduler);
    server.stop().await.expect("stop");
    milestones.deployment_status = first_created.unwrap_or(0.0);
    (raw_seconds, available_seconds, milestones)
}

/// Seconds from the Deployment's create to each step of its first replica (polled every
/// 100 ms or so).
#[derive(Default)]
struct Milestones {
    replica_set: Option<f64>,
    pod: Option<f64>,
    replica_set_status: Option<f64>,
    deployment_status: f64,
    /// Requests the API server answered with 429 (each costs its client a second's wait).
    refused: u64,
}

/// The API server's count of requests answered with 429 so far, from its `/metrics`.
async fn refused_requests(client: &kube::Client) -> u64 {
    let request = http::Request::get("/metrics")
        .body(Vec::new())
        .expect("request");
    let metrics = client.request_text(request).await.expect("metrics");
    metrics
        .lines()
        .filter(|l| l.starts_with("apiserver_request_total{") && l.contains("code=\"429\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

fn main() {
    let nodes = env_size("ROLLOUT_NODES", 100);
    let replicas = env_size("ROLLOUT_REPLICAS", 3000);
    for daemon in [Daemon::Scheduler, Daemon::ControllerManager] {
        tests::daemons::binary(daemon).unwrap_or_else(|e| panic!("{e}"));
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (raw, available, milestones) = runtime.block_on(run(nodes, replicas));
    let first = milestones.deployment_status;
    let seconds = |s: Option<f64>| s.map_or("-".to_owned(), |s| format!("{s:.2} s"));
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let raw_rate = replicas as f64 / raw;
    let rate = replicas as f64 / available;
    println!("\n## Deployment rollout on hollow nodes\n");
    println!(
        "- machine: {cores} CPUs; date: {}; {replicas} replicas on {nodes} hollow nodes",
        jiff::Timestamp::now().strftime("%Y-%m-%d")
    );
    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!("| reference: raw pod creates (32 in flight) | {raw:.1} s, {raw_rate:.0} pods/s |");
    println!(
        "| Deployment: create → its ReplicaSet exists | {} |",
        seconds(milestones.replica_set)
    );
    println!(
        "| Deployment: create → first pod exists | {} |",
        seconds(milestones.pod)
    );
    println!(
        "| Deployment: create → ReplicaSet status.replicas > 0 | {} |",
        seconds(milestones.replica_set_status)
    );
    println!("| Deployment: create → status.replicas > 0 | {first:.2} s |");
    println!(
        "| Deployment: create → all {replicas} available | {available:.1} s, {rate:.0} pods/s |"
    );
    println!(
        "| ratio: rollout pods/s ÷ raw creates/s (goal ≥ 0.8) | {:.2} |",
        rate / raw_rate
    );
    println!(
        "| API requests refused with 429 during the run | {} |",
        milestones.refused
    );
}
