//! Hollow-cluster benchmark, in the shape of kwok's: how fast nodes become Ready and pods
//! become Running when kubelets are simulated, against the API server's raw create rate
//! measured in the same run.
//!
//! ```text
//! cargo build --release -p kube-scheduler
//! cargo bench -p tests --bench hollow_cluster                                   # 2,000 nodes, 5,000 pods
//! HOLLOW_NODES=200 HOLLOW_PODS=500 cargo bench -p tests --bench hollow_cluster  # a quick try
//! ```
//!
//! The API server (TLS, embedded store, mimalloc as in the binary) and the hollow nodes run in
//! this process; the release `kube-scheduler` runs as a child process (from `target/release/`,
//! which `cargo bench -p tests` does not rebuild: build it first, as above). The run:
//! 1. raw reference: creates the pods with `spec.nodeName` preset to a node nobody simulates
//!    (no scheduler, no kubelet), `CREATE_CONCURRENCY` in flight, and measures creates/s;
//! 2. starts kube-scheduler and the hollow nodes, and measures the seconds until a watch sees
//!    every node Ready;
//! 3. creates the pods (unbound; the same concurrency) and measures the seconds until a watch
//!    sees every pod Running (created → scheduled → bound → status written by its node).
//!
//! Results go to stdout as a markdown table; progress to stderr. Nothing is asserted on time.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use kube::api::{Api, PostParams};
use kube::runtime::watcher;
use serde_json::json;
use tests::apiserver::TestApiServer;
use tests::daemons::{Daemon, DaemonProcess};
use tests::hollow_nodes::{HollowNodeOptions, HollowNodes};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Pod creates in flight at once (kwok's benchmark creates with a bounded worker pool).
const CREATE_CONCURRENCY: usize = 32;

fn env_size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A pause pod with upstream's `pod-default.yaml` requests.
fn pod(name: &str, node: Option<&str>) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {
            "nodeName": node,
            "containers": [{
                "image": "registry.k8s.io/pause:3.10.1",
                "name": "pause",
                "resources": {"requests": {"cpu": "100m", "memory": "500Mi"}},
            }],
        },
    }))
    .expect("pod template")
}

/// Creates `count` pods, `CREATE_CONCURRENCY` at a time; returns the seconds it took.
async fn create_pods(api: &Api<Pod>, count: usize, node: Option<&str>) -> f64 {
    let start = Instant::now();
    futures::stream::iter((0..count).map(|i| async move {
        api.create(&PostParams::default(), &pod(&format!("pod-{i}"), node))
            .await
            .unwrap_or_else(|e| panic!("create failed: {e}"));
    }))
    .buffer_unordered(CREATE_CONCURRENCY)
    .collect::<Vec<()>>()
    .await;
    start.elapsed().as_secs_f64()
}

/// Watches `api` until `want` distinct objects satisfy `done`; returns when that happened.
fn watch_until<K>(
    api: Api<K>,
    want: usize,
    done: fn(&K) -> bool,
) -> tokio::task::JoinHandle<Instant>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    tokio::spawn(async move {
        let mut seen = HashSet::with_capacity(want);
        let mut events = watcher::watcher(api, watcher::Config::default()).boxed();
        while seen.len() < want {
            match events.try_next().await {
                Ok(Some(watcher::Event::Apply(o) | watcher::Event::InitApply(o))) => {
                    if done(&o) {
                        seen.insert(o.meta().name.clone().unwrap_or_default());
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => eprintln!("watch error: {e}"),
            }
        }
        Instant::now()
    })
}

fn node_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn pod_running(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .is_some_and(|p| p == "Running")
}

fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 (1-based), 11 and 12 after the command.
    (ticks(11) + ticks(12)) / 100.0
}

async fn namespace(client: &kube::Client, name: &str) {
    let api: Api<Namespace> = Api::all(client.clone());
    let ns: Namespace =
        serde_json::from_value(json!({"metadata": {"name": name}})).expect("namespace");
    api.create(&PostParams::default(), &ns)
        .await
        .expect("namespace");
}

struct Results {
    nodes: usize,
    pods: usize,
    raw_seconds: f64,
    ready_seconds: f64,
    create_seconds: f64,
    running_seconds: f64,
    scheduler_cpu: f64,
    bench_cpu: f64,
}

async fn run(nodes: usize, pods: usize) -> Results {
    eprintln!("starting the API server");
    let server = TestApiServer::start().await.expect("API server");
    let client = server.client().await.expect("client");

    namespace(&client, "raw").await;
    eprintln!("raw reference: creating {pods} pods with nodeName preset");
    let raw: Api<Pod> = Api::namespaced(client.clone(), "raw");
    let raw_seconds = create_pods(&raw, pods, Some("no-such-node")).await;

    eprintln!("starting kube-scheduler");
    let scheduler = DaemonProcess::start(Daemon::Scheduler, &server, &["--v=0"])
        .await
        .expect("kube-scheduler");
    let cpu_before = (cpu_seconds(scheduler.id()), cpu_seconds(std::process::id()));
    let run_started = Instant::now();

    eprintln!("registering {nodes} hollow nodes");
    let ready = watch_until(Api::<Node>::all(client.clone()), nodes, node_ready);
    let start = Instant::now();
    let hollow = HollowNodes::start(
        client.clone(),
        HollowNodeOptions {
            count: nodes,
            ..HollowNodeOptions::default()
        },
    )
    .await
    .expect("hollow nodes");
    let ready_seconds = ready
        .await
        .expect("nodes Ready")
        .duration_since(start)
        .as_secs_f64();

    namespace(&client, "bench").await;
    let api: Api<Pod> = Api::namespaced(client.clone(), "bench");
    let running = watch_until(api.clone(), pods, pod_running);
    // Let the watch's initial list finish before the clock starts.
    tokio::time::sleep(Duration::from_millis(200)).await;
    eprintln!("creating {pods} pods");
    let start = Instant::now();
    let create_seconds = create_pods(&api, pods, None).await;
    let running_seconds = running
        .await
        .expect("pods Running")
        .duration_since(start)
        .as_secs_f64();
    let elapsed = run_started.elapsed().as_secs_f64();
    let results = Results {
        nodes,
        pods,
        raw_seconds,
        ready_seconds,
        create_seconds,
        running_seconds,
        scheduler_cpu: (cpu_seconds(scheduler.id()) - cpu_before.0) / elapsed,
        bench_cpu: (cpu_seconds(std::process::id()) - cpu_before.1) / elapsed,
    };
    hollow.shutdown().await;
    drop(scheduler);
    server.stop().await.expect("stopping the API server");
    results
}

fn main() {
    let nodes = env_size("HOLLOW_NODES", 2000);
    let pods = env_size("HOLLOW_PODS", 5000);
    let scheduler = tests::daemons::binary(Daemon::Scheduler).unwrap_or_else(|e| panic!("{e}"));
    let built = std::fs::metadata(&scheduler)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map_or_else(
            || "unknown".to_owned(),
            |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        );
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let r = runtime.block_on(run(nodes, pods));
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let raw_rate = r.pods as f64 / r.raw_seconds;
    let running_rate = r.pods as f64 / r.running_seconds;
    println!("\n## Hollow cluster benchmark (kwok's shape)\n");
    println!(
        "- machine: {cores} CPUs; date: {}; {} nodes, {} pods{}",
        jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M UTC"),
        r.nodes,
        r.pods,
        if (nodes, pods) == (2000, 5000) {
            ""
        } else {
            "; REDUCED size (HOLLOW_NODES/HOLLOW_PODS), not the reference numbers"
        }
    );
    println!(
        "- API server and hollow nodes: in the bench process (TLS, embedded store); kube-scheduler: {} (built {built}) as a child process; pods created {CREATE_CONCURRENCY} at a time\n",
        scheduler.display()
    );
    println!("| measurement | objects | seconds | per second | ratio to raw creates/s |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| API server raw pod creates (nodeName preset, nobody running them) | {} | {:.2} | {raw_rate:.0} | 1.00 |",
        r.pods, r.raw_seconds
    );
    println!(
        "| hollow nodes registered → all Ready (client watch) | {} | {:.2} | {:.0} | {:.2} |",
        r.nodes,
        r.ready_seconds,
        r.nodes as f64 / r.ready_seconds,
        r.nodes as f64 / r.ready_seconds / raw_rate
    );
    println!(
        "| pods created (unbound) | {} | {:.2} | {:.0} | {:.2} |",
        r.pods,
        r.create_seconds,
        r.pods as f64 / r.create_seconds,
        r.pods as f64 / r.create_seconds / raw_rate
    );
    println!(
        "| pods created → all Running (scheduled, bound, status by hollow node) | {} | {:.2} | {running_rate:.0} | {:.2} |",
        r.pods,
        r.running_seconds,
        running_rate / raw_rate
    );
    println!(
        "\nCPU while nodes and pods were brought up: kube-scheduler {:.2} cores; API server + hollow nodes + bench {:.2} cores.",
        r.scheduler_cpu, r.bench_cpu
    );
}
