//! kube-scheduler benchmark: upstream's `test/integration/scheduler_perf` workloads
//! SchedulingBasic, TopologySpreading and SchedulingPodAntiAffinity replayed against our API
//! server (nodes are API objects; no kubelet).
//!
//! ```text
//! cargo bench -p kube-scheduler --bench scheduler_perf
//! SCHEDULER_BENCH_QUICK=1 cargo bench -p kube-scheduler --bench scheduler_perf   # 10x smaller
//! SCHEDULER_BENCH_ONLY=TopologySpreading cargo bench -p kube-scheduler --bench scheduler_perf
//! ```
//!
//! The API server runs in this process (over TLS on loopback, embedded store, mimalloc as in
//! the real binary); the release `kube-scheduler` runs as a child process. The run:
//! 1. creates the nodes (upstream's `node-default.yaml`: 4 CPUs, 32 GiB, 110 pods; with the
//!    workload's labels);
//! 2. measures the API server's raw pod create rate: pods for a scheduler that does not exist,
//!    created with the same concurrency as the measured pods (binding cannot outrun this);
//! 3. starts the scheduler, creates the initial pods and waits until they are bound;
//! 4. creates the measured pods (the workload's template; upstream's `pod-default.yaml` is
//!    100m CPU, 500 Mi) and times each from its create request to the watch showing it bound.
//!
//! Results go to stdout as a markdown table; progress to stderr.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use kube::api::{Api, PostParams};
use kube::runtime::watcher;
use serde_json::json;
use tests::apiserver::TestApiServer;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Pod creates in flight at once (one HTTP/2 connection; upstream's client runs at 5000 QPS).
const CREATE_CONCURRENCY: usize = 32;

/// Builds a pod of a workload's template with this name.
type Template = fn(&str) -> Pod;

struct Workload {
    name: &'static str,
    nodes: usize,
    /// Labels of node `i` (upstream's node prepare strategy).
    node_labels: fn(usize) -> serde_json::Value,
    init_pods: usize,
    init_template: Template,
    measure_pods: usize,
    measure_template: Template,
    /// Namespaces of the initial and measured pods.
    namespaces: [&'static str; 2],
    upstream_threshold: f64,
}

/// The scheduler as a child process, killed on drop.
struct SchedulerProcess(Child);

impl Drop for SchedulerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn node(i: usize, labels: serde_json::Value) -> Node {
    serde_json::from_value(json!({
        "metadata": {"name": format!("scheduler-perf-{i}"), "labels": labels},
        "spec": {},
        "status": {
            "capacity": {"pods": "110", "cpu": "4", "memory": "32Gi"},
            "conditions": [{"status": "True", "type": "Ready"}],
            "phase": "Running"
        }
    }))
    .expect("node template")
}

/// `pod-default.yaml`, for a scheduler (None: the default one).
fn pod(name: &str, scheduler_name: Option<&str>) -> Pod {
    pod_with(name, scheduler_name, json!({}), json!({}))
}

fn default_pod(name: &str) -> Pod {
    pod(name, None)
}

/// `pod-with-topology-spreading.yaml`.
fn spreading_pod(name: &str) -> Pod {
    pod_with(
        name,
        None,
        json!({"color": "blue"}),
        json!({"topologySpreadConstraints": [{"maxSkew": 5,
            "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": {"color": "blue"}}}]}),
    )
}

/// `pod-with-pod-anti-affinity.yaml`.
fn anti_affinity_pod(name: &str) -> Pod {
    pod_with(
        name,
        None,
        json!({"color": "green"}),
        json!({"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
            "labelSelector": {"matchLabels": {"color": "green"}},
            "topologyKey": "kubernetes.io/hostname",
            "namespaces": ["sched-1", "sched-0"]}]}}}),
    )
}

fn pod_with(
    name: &str,
    scheduler_name: Option<&str>,
    labels: serde_json::Value,
    extra_spec: serde_json::Value,
) -> Pod {
    let mut pod = json!({
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "schedulerName": scheduler_name,
            "containers": [{
                "image": "registry.k8s.io/pause:3.10.1",
                "name": "pause",
                "ports": [{"containerPort": 80}],
                "resources": {
                    "limits": {"cpu": "100m", "memory": "500Mi"},
                    "requests": {"cpu": "100m", "memory": "500Mi"}
                }
            }]
        }
    });
    if let (Some(spec), Some(extra)) = (pod["spec"].as_object_mut(), extra_spec.as_object()) {
        spec.extend(extra.clone());
    }
    serde_json::from_value(pod).expect("pod template")
}

/// Creates `count` objects with `CREATE_CONCURRENCY` in flight; returns when each was sent.
async fn create_all<K, F>(api: &Api<K>, count: usize, make: F) -> HashMap<String, Instant>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
    F: Fn(usize) -> (String, K),
{
    let sent = Arc::new(Mutex::new(HashMap::with_capacity(count)));
    futures::stream::iter((0..count).map(|i| {
        let (name, object) = make(i);
        let sent = sent.clone();
        async move {
            sent.lock().unwrap().insert(name, Instant::now());
            api.create(&PostParams::default(), &object)
                .await
                .unwrap_or_else(|e| panic!("create failed: {e}"));
        }
    }))
    .buffer_unordered(CREATE_CONCURRENCY)
    .collect::<Vec<()>>()
    .await;
    Arc::try_unwrap(sent)
        .map(|m| m.into_inner().unwrap())
        .unwrap_or_default()
}

/// Watches `namespace` and records when each pod is first seen bound; stops at `want`.
fn watch_bound(api: Api<Pod>, want: usize) -> tokio::task::JoinHandle<HashMap<String, Instant>> {
    tokio::spawn(async move {
        let mut bound = HashMap::with_capacity(want);
        let mut events = watcher::watcher(api, watcher::Config::default()).boxed();
        while bound.len() < want {
            match events.try_next().await {
                Ok(Some(watcher::Event::Apply(pod) | watcher::Event::InitApply(pod))) => {
                    if pod
                        .spec
                        .as_ref()
                        .and_then(|s| s.node_name.as_ref())
                        .is_some()
                    {
                        let name = pod.metadata.name.unwrap_or_default();
                        bound.entry(name).or_insert_with(Instant::now);
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => eprintln!("watch error: {e}"),
            }
        }
        bound
    })
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

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn namespace(client: &kube::Client, name: &str) {
    let api: Api<Namespace> = Api::all(client.clone());
    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": name}})).unwrap();
    api.create(&PostParams::default(), &ns)
        .await
        .expect("namespace");
}

struct Row {
    workload: &'static str,
    nodes: usize,
    measured: usize,
    raw_rate: f64,
    rate: f64,
    p50: Duration,
    p99: Duration,
    threshold: f64,
    scheduler_cpu: f64,
    server_cpu: f64,
    scheduler_rss: f64,
    pods_total: usize,
}

async fn run(workload: &Workload) -> Row {
    eprintln!("== {}: starting the API server", workload.name);
    let server = TestApiServer::start().await.expect("API server");
    let client = server.client().await.expect("client");
    let nodes: Api<Node> = Api::all(client.clone());
    eprintln!("creating {} nodes", workload.nodes);
    create_all(&nodes, workload.nodes, |i| {
        (String::new(), node(i, (workload.node_labels)(i)))
    })
    .await;

    // The API server's own create rate, with nobody scheduling.
    namespace(&client, "raw").await;
    let raw: Api<Pod> = Api::namespaced(client.clone(), "raw");
    eprintln!("raw creates: {} pods", workload.measure_pods);
    let start = Instant::now();
    create_all(&raw, workload.measure_pods, |i| {
        let name = format!("raw-{i}");
        (name.clone(), pod(&name, Some("no-such-scheduler")))
    })
    .await;
    let raw_rate = workload.measure_pods as f64 / start.elapsed().as_secs_f64();

    eprintln!("starting kube-scheduler");
    let scheduler = SchedulerProcess(
        Command::new(env!("CARGO_BIN_EXE_kube-scheduler"))
            .arg(format!("--kubeconfig={}", server.kubeconfig.display()))
            .arg("--bind-address=127.0.0.1")
            .arg(format!(
                "--secure-port={}",
                tests::etcd::free_port().expect("port")
            ))
            .arg("--leader-elect=false")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting kube-scheduler"),
    );
    let scheduler_pid = scheduler.0.id();

    let [init_ns, measure_ns] = workload.namespaces;
    namespace(&client, init_ns).await;
    let init: Api<Pod> = Api::namespaced(client.clone(), init_ns);
    let init_bound = watch_bound(init.clone(), workload.init_pods);
    eprintln!("initial pods: {}", workload.init_pods);
    create_all(&init, workload.init_pods, |i| {
        let name = format!("init-{i}");
        (name.clone(), (workload.init_template)(&name))
    })
    .await;
    init_bound.await.expect("initial pods bound");

    namespace(&client, measure_ns).await;
    let measure: Api<Pod> = Api::namespaced(client.clone(), measure_ns);
    let bound = watch_bound(measure.clone(), workload.measure_pods);
    eprintln!("measured pods: {}", workload.measure_pods);
    let cpu_before = (cpu_seconds(scheduler_pid), cpu_seconds(std::process::id()));
    let start = Instant::now();
    let sent = create_all(&measure, workload.measure_pods, |i| {
        let name = format!("pod-{i}");
        (name.clone(), (workload.measure_template)(&name))
    })
    .await;
    let bound = bound.await.expect("measured pods bound");
    let elapsed = bound
        .values()
        .max()
        .map_or(Duration::ZERO, |last| last.duration_since(start));
    let scheduler_cpu = (cpu_seconds(scheduler_pid) - cpu_before.0) / elapsed.as_secs_f64();
    let server_cpu = (cpu_seconds(std::process::id()) - cpu_before.1) / elapsed.as_secs_f64();
    let mut latencies: Vec<Duration> = bound
        .iter()
        .filter_map(|(name, at)| sent.get(name).map(|s| at.saturating_duration_since(*s)))
        .collect();
    latencies.sort();
    let row = Row {
        workload: workload.name,
        nodes: workload.nodes,
        measured: workload.measure_pods,
        raw_rate,
        rate: workload.measure_pods as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
        threshold: workload.upstream_threshold,
        scheduler_cpu,
        server_cpu,
        scheduler_rss: rss_mib(scheduler_pid),
        pods_total: workload.measure_pods * 2 + workload.init_pods,
    };
    drop(scheduler);
    server.stop().await.expect("stopping the API server");
    row
}

fn main() {
    let quick = std::env::var("SCHEDULER_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let scale = if quick { 10 } else { 1 };
    let no_labels = |_| json!({});
    let zones = |i: usize| json!({"topology.kubernetes.io/zone": format!("moon-{}", i % 3 + 1)});
    let only = std::env::var("SCHEDULER_BENCH_ONLY").unwrap_or_default();
    let workloads: Vec<Workload> = [
        // SchedulingBasic/5000Nodes_10000Pods.
        Workload {
            name: "SchedulingBasic",
            nodes: 5000 / scale,
            node_labels: no_labels,
            init_pods: 1000 / scale,
            init_template: default_pod,
            measure_pods: 10_000 / scale,
            measure_template: default_pod,
            namespaces: ["init", "measure"],
            upstream_threshold: 680.0,
        },
        // TopologySpreading/5000Nodes_5000Pods.
        Workload {
            name: "TopologySpreading",
            nodes: 5000 / scale,
            node_labels: zones,
            init_pods: 5000 / scale,
            init_template: default_pod,
            measure_pods: 5000 / scale,
            measure_template: spreading_pod,
            namespaces: ["init", "measure"],
            upstream_threshold: 460.0,
        },
        // SchedulingPodAntiAffinity/5000Nodes_2000Pods (nodes without hostname labels, as
        // upstream's default node template).
        Workload {
            name: "SchedulingPodAntiAffinity",
            nodes: 5000 / scale,
            node_labels: no_labels,
            init_pods: 1000 / scale,
            init_template: anti_affinity_pod,
            measure_pods: 2000 / scale,
            measure_template: anti_affinity_pod,
            namespaces: ["sched-0", "sched-1"],
            upstream_threshold: 60.0,
        },
    ]
    .into_iter()
    .filter(|w| only.is_empty() || w.name == only)
    .collect();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let started = Instant::now();
    let rows: Vec<Row> = workloads.iter().map(|w| runtime.block_on(run(w))).collect();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("\n## kube-scheduler benchmark (scheduler_perf workloads)\n");
    println!(
        "- machine: {cores} CPUs; date: {}; total {:.0} s{}",
        jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M UTC"),
        started.elapsed().as_secs_f64(),
        if quick {
            "; QUICK (10x smaller, not the reference numbers)"
        } else {
            ""
        }
    );
    println!(
        "- API server: in the bench process (TLS, embedded store); kube-scheduler: the release binary as a child process; pods created {CREATE_CONCURRENCY} at a time over one connection\n"
    );
    println!(
        "| workload | nodes | measured pods | scheduled/s | API server raw creates/s | upstream threshold | p50 create→bound | p99 create→bound | scheduler CPU | API server + bench CPU | scheduler RSS (pods) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.0} | {:.1} ms | {:.1} ms | {:.2} cores | {:.2} cores | {:.1} MiB ({}) |",
            r.workload,
            r.nodes,
            r.measured,
            r.rate,
            r.raw_rate,
            r.threshold,
            r.p50.as_secs_f64() * 1e3,
            r.p99.as_secs_f64() * 1e3,
            r.scheduler_cpu,
            r.server_cpu,
            r.scheduler_rss,
            r.pods_total
        );
    }
}
