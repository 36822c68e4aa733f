//! kube-apiserver benchmark: the real binary as a child process, over TLS with an admin client
//! certificate, on the embedded store and on a private etcd, against the raw store underneath
//! measured in the same run.
//!
//! ```text
//! cargo bench -p kube-apiserver --bench apiserver
//! APISERVER_BENCH_QUICK=1 cargo bench -p kube-apiserver --bench apiserver   # ~10x shorter
//! APISERVER_BENCH_ONLY=watch cargo bench -p kube-apiserver --bench apiserver  # or `creates`
//! ```
//!
//! For each backend, on a fresh store, it measures:
//! - pod creates per second with 4, 32 and 128 concurrent clients (one HTTP/2 connection each),
//!   against create-if-absent writes of the same bytes straight into the store underneath
//!   (`etcd-client` on the same etcd; an `EmbeddedStore` in this process, in its own folder, with
//!   the options the server uses by default), with the same concurrency and op count;
//! - the latency of LISTs of the 10,000 pods those creates leave (consistent read,
//!   `resourceVersion=0`, `as=Table`, and kubectl's pages of 500);
//! - the server's RSS when empty and with the 10,000 pods;
//! - watch fan-out: 500 watchers on one namespace while a writer (its own thread and runtime,
//!   like a separate client) patches 200 pods/s, with the
//!   delivery latency (receipt minus the writer's send timestamp carried in an annotation) and
//!   the server's CPU.
//!
//! The API server is killed when the run ends (also on a panic), and so is etcd. Results go to
//! stdout as markdown tables; progress goes to stderr.

mod support;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use apiserver::storage::Storage;
use apiserver::storage::embedded::{EmbeddedOptions, EmbeddedStore};
use bytes::Bytes;
use etcd_client::{Compare, CompareOp, Txn, TxnOp};
use http::{Method, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use serde_json::{Value, json};
use support::server::{ApiServerProcess, Conn, Connector, Pki, err};
use support::{
    CpuMeter, CpuUse, EtcdProcess, Outcome, ProcSample, command_line, fmt_bytes, fmt_percentile,
    fmt_rate, load_average, print_title,
};

const CREATE_CLIENTS: [usize; 3] = [4, 32, 128];
/// Where the create rows put their pods; LIST and RSS are measured on what they leave.
const LIST_NAMESPACE: &str = "bench";
const WATCH_NAMESPACE: &str = "watch";
/// Carries the writer's send time (Unix nanoseconds) to the watchers. It sorts first among the
/// pod's annotations, so it stands near the start of each event.
const SENT_ANNOTATION: &str = "bench.example.com/sent";
/// Watch streams per HTTP/2 connection (the server allows 200).
const WATCHERS_PER_CONNECTION: usize = 100;
/// Watch writes allowed in flight at once; past that the writer falls behind its rate.
const WRITES_IN_FLIGHT: usize = 64;
const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// How much each measurement does.
#[derive(Clone, Copy, Debug)]
struct Plan {
    quick: bool,
    /// Pods created per row of `CREATE_CLIENTS`; together they are the pods LISTed.
    creates: [usize; 3],
    /// Upper bound on one create row.
    create_time: Duration,
    /// Timed LISTs per kind of LIST (after one untimed, checked one)...
    lists: usize,
    /// ... unless all kinds together take longer than this.
    list_time: Duration,
    watchers: usize,
    watch_pods: usize,
    writes_per_second: u32,
    watch_time: Duration,
    /// How long watchers may take to catch up after the writer stops.
    drain_time: Duration,
    /// Idle time before each measurement, so background work of the previous one does not
    /// steal the two cores.
    settle_time: Duration,
    /// Which parts run (`APISERVER_BENCH_ONLY`): creates with the LISTs and memory they leave,
    /// and the watch fan-out.
    run_creates: bool,
    run_watch: bool,
}

impl Plan {
    fn new(quick: bool, only: &str) -> Self {
        let mut plan = Self::sized(quick);
        match only {
            "creates" => plan.run_watch = false,
            "watch" => plan.run_creates = false,
            _ => {}
        }
        plan
    }

    fn sized(quick: bool) -> Self {
        if quick {
            Plan {
                quick,
                creates: [200, 400, 400],
                create_time: Duration::from_secs(10),
                lists: 5,
                list_time: Duration::from_secs(10),
                watchers: 100,
                watch_pods: 200,
                writes_per_second: 200,
                watch_time: Duration::from_secs(2),
                drain_time: Duration::from_secs(10),
                settle_time: Duration::from_millis(200),
                run_creates: true,
                run_watch: true,
            }
        } else {
            Plan {
                quick,
                creates: [2_000, 4_000, 4_000],
                create_time: Duration::from_secs(30),
                lists: 20,
                list_time: Duration::from_secs(60),
                watchers: 500,
                watch_pods: 200,
                writes_per_second: 200,
                watch_time: Duration::from_secs(10),
                drain_time: Duration::from_secs(30),
                settle_time: Duration::from_secs(1),
                run_creates: true,
                run_watch: true,
            }
        }
    }

    fn pods(&self) -> usize {
        self.creates.iter().sum()
    }
}

/// Which store the API server runs on.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Backend {
    Embedded,
    Etcd,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Embedded => "embedded",
            Backend::Etcd => "etcd",
        }
    }
}

// ----------------------------------------------------------------------------------------------
// The workload

/// A realistic pod of about 2 KB: labels, annotations, two containers with env, resources,
/// ports, probes and volume mounts. The name is a placeholder, see [`PodTemplate`].
fn pod_json(namespace: &str, name: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {
                "app.kubernetes.io/name": "storefront",
                "app.kubernetes.io/instance": "storefront-prod",
                "app.kubernetes.io/component": "web",
                "app.kubernetes.io/version": "2.14.1",
                "pod-template-hash": "7c9f8d6b5d",
                "tier": "frontend",
            },
            "annotations": {
                SENT_ANNOTATION: "0",
                "kubernetes.io/description": "storefront web tier with a metrics sidecar",
                "prometheus.io/scrape": "true",
                "prometheus.io/port": "9102",
            },
        },
        "spec": {
            "containers": [
                {
                    "name": "web",
                    "image": "registry.example.com/storefront/web:2.14.1",
                    "args": ["--listen=:8080", "--log-format=json", "--cache-dir=/var/cache/web"],
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    "env": [
                        {"name": "STOREFRONT_MODE", "value": "production"},
                        {"name": "STOREFRONT_CACHE_SIZE", "value": "256Mi"},
                        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                        {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                    ],
                    "resources": {
                        "requests": {"cpu": "250m", "memory": "256Mi"},
                        "limits": {"cpu": "1", "memory": "512Mi"},
                    },
                    "readinessProbe": {
                        "httpGet": {"path": "/healthz/ready", "port": "http"},
                        "periodSeconds": 5,
                        "failureThreshold": 3,
                    },
                    "livenessProbe": {
                        "httpGet": {"path": "/healthz/live", "port": "http"},
                        "initialDelaySeconds": 15,
                        "periodSeconds": 10,
                    },
                    "volumeMounts": [
                        {"name": "config", "mountPath": "/etc/storefront", "readOnly": true},
                        {"name": "cache", "mountPath": "/var/cache/web"},
                    ],
                },
                {
                    "name": "metrics",
                    "image": "registry.example.com/observability/exporter:0.31.0",
                    "ports": [{"name": "metrics", "containerPort": 9102, "protocol": "TCP"}],
                    "env": [
                        {"name": "EXPORTER_TARGET", "value": "http://127.0.0.1:8080/metrics"},
                        {"name": "EXPORTER_INTERVAL", "value": "15s"},
                    ],
                    "resources": {
                        "requests": {"cpu": "50m", "memory": "64Mi"},
                        "limits": {"cpu": "200m", "memory": "128Mi"},
                    },
                    "readinessProbe": {"tcpSocket": {"port": "metrics"}, "periodSeconds": 10},
                    "volumeMounts": [
                        {"name": "config", "mountPath": "/etc/exporter", "readOnly": true},
                    ],
                },
            ],
            "volumes": [
                {"name": "config", "configMap": {"name": "storefront-config"}},
                {"name": "cache", "emptyDir": {"sizeLimit": "1Gi"}},
            ],
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "terminationGracePeriodSeconds": 30,
        },
    })
}

/// The pod's JSON split around its name, so that a request body costs two copies.
struct PodTemplate {
    before: Vec<u8>,
    after: Vec<u8>,
}

impl PodTemplate {
    const PLACEHOLDER: &'static str = "NAME-PLACEHOLDER";

    fn new(namespace: &str) -> Self {
        let json = serde_json::to_vec(&pod_json(namespace, Self::PLACEHOLDER)).expect("JSON");
        let needle = format!("\"{}\"", Self::PLACEHOLDER);
        let at = find(&json, needle.as_bytes()).expect("the placeholder is in the pod") + 1;
        PodTemplate {
            before: json[..at].to_vec(),
            after: json[at + Self::PLACEHOLDER.len()..].to_vec(),
        }
    }

    fn body(&self, name: &str) -> Bytes {
        let mut body = Vec::with_capacity(self.before.len() + name.len() + self.after.len());
        body.extend_from_slice(&self.before);
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(&self.after);
        Bytes::from(body)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

fn pod_name(row: usize, i: usize) -> String {
    format!("storefront-{row:03}-{i:05}")
}

fn pods_path(namespace: &str) -> String {
    format!("/api/v1/namespaces/{namespace}/pods")
}

async fn create_namespace(conn: &Conn, name: &str) -> Result<(), String> {
    let body = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
    conn.expect(
        Method::POST,
        "/api/v1/namespaces",
        Some("application/json"),
        Bytes::from(body.to_string()),
        StatusCode::CREATED,
    )
    .await
    .map(drop)
}

/// Runs `clients` tasks that share ops `0..ops`, each op made by the client's own `op`, until
/// all are done or `time` has passed.
async fn run_clients<Op, Fut>(
    clients: usize,
    ops: usize,
    time: Duration,
    mut make_op: impl FnMut(usize) -> Op,
) -> Outcome
where
    Op: FnMut(usize) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let ops_of_clients: Vec<Op> = (0..clients).map(&mut make_op).collect();
    let start = Instant::now();
    let deadline = start + time;
    let handles: Vec<_> = ops_of_clients
        .into_iter()
        .map(|mut op| {
            let next = next.clone();
            tokio::spawn(async move {
                let mut result = Outcome::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= ops || Instant::now() >= deadline {
                        break;
                    }
                    let began = Instant::now();
                    match op(i).await {
                        Ok(()) => {
                            result.latencies.push(began.elapsed());
                            result.ops += 1;
                        }
                        Err(e) => result.error(e),
                    }
                }
                (result, Instant::now())
            })
        })
        .collect();
    let mut total = Outcome::default();
    let mut last = start;
    for handle in handles {
        let (result, finished) = handle.await.expect("a benchmark client panicked");
        total.absorb(result);
        last = last.max(finished);
    }
    total.elapsed = last - start;
    total
}

/// Creates pods `names(i)` for `i` in `0..ops` through the API, each client on its own
/// connection.
async fn api_creates(
    conns: &[Conn],
    namespace: &str,
    ops: usize,
    time: Duration,
    names: impl Fn(usize) -> String + Send + Sync + 'static,
) -> Outcome {
    let template = Arc::new(PodTemplate::new(namespace));
    let path = Arc::new(pods_path(namespace));
    let names = Arc::new(names);
    run_clients(conns.len(), ops, time, |c| {
        let (conn, template, path, names) = (
            conns[c].clone(),
            template.clone(),
            path.clone(),
            names.clone(),
        );
        move |i| {
            let (conn, path) = (conn.clone(), path.clone());
            let body = template.body(&names(i));
            async move {
                conn.expect(
                    Method::POST,
                    &path,
                    Some("application/json"),
                    body,
                    StatusCode::CREATED,
                )
                .await
                .map(drop)
            }
        }
    })
    .await
}

/// Where a raw create of row `clients` puts op `i`: the key an API server would use.
fn raw_key(clients: usize, i: usize) -> String {
    format!("/registry/pods/raw-{clients}/{}", pod_name(clients, i))
}

/// The raw store under one backend, for the reference rows.
#[derive(Clone)]
enum RawStore {
    /// In this process, in a folder of its own.
    Embedded(Arc<EmbeddedStore>),
    /// The etcd the API server uses.
    Etcd(Box<etcd_client::Client>),
}

impl RawStore {
    /// Create-if-absent, as the API server's storage does it (on etcd, the same transaction).
    async fn create(&self, key: String, value: Bytes) -> Result<(), String> {
        match self {
            RawStore::Embedded(store) => store.create(&key, value, 0).await.map(drop).map_err(err),
            RawStore::Etcd(client) => {
                let txn = Txn::new()
                    .when([Compare::create_revision(key.clone(), CompareOp::Equal, 0)])
                    .and_then([TxnOp::put(key, value.to_vec(), None)]);
                match client.kv_client().txn(txn).await {
                    Ok(response) if response.succeeded() => Ok(()),
                    Ok(_) => Err("key exists".to_owned()),
                    Err(e) => Err(e.to_string()),
                }
            }
        }
    }

    async fn creates(&self, clients: usize, ops: usize, time: Duration, value: Bytes) -> Outcome {
        run_clients(clients, ops, time, |_| {
            let (raw, value) = (self.clone(), value.clone());
            move |i| {
                let (raw, value) = (raw.clone(), value.clone());
                async move { raw.create(raw_key(clients, i), value).await }
            }
        })
        .await
    }
}

// ----------------------------------------------------------------------------------------------
// One backend

struct CreateRow {
    clients: usize,
    api: Outcome,
    raw: Outcome,
    /// CPU during the API row: the API server (and etcd), this process, everything else.
    cpu: CpuUse,
}

struct ListRow {
    name: &'static str,
    latencies: Vec<Duration>,
    /// Bytes of one answer (summed over pages for the paged row).
    body_bytes: usize,
    error: Option<String>,
}

#[derive(Default)]
struct Memory {
    start: ProcSample,
    after_creates: ProcSample,
    /// After the first LIST that succeeded (normally the consistent one), and its kind.
    after_list: ProcSample,
    after_list_kind: &'static str,
    after_lists: ProcSample,
    etcd_after_lists: Option<ProcSample>,
}

#[derive(Default)]
struct WatchResult {
    writes: Outcome,
    expected: usize,
    delivered: usize,
    /// Receipt minus the send timestamp, one per delivered event.
    latencies: Vec<Duration>,
    /// Receipt minus the writer's acknowledgement (0 when the event came first).
    after_ack: Vec<Duration>,
    /// From the first write to the last delivery: API server (and etcd), this process, others.
    cpu: CpuUse,
    problems: Vec<String>,
}

struct BackendResult {
    backend: Backend,
    creates: Vec<CreateRow>,
    request_bytes: usize,
    /// The bytes one created pod takes in the store (read back from etcd), or the size of the
    /// JSON the server answered a create with (embedded). The raw rows write this many.
    stored_bytes: usize,
    lists: Vec<ListRow>,
    memory: Memory,
    watch: WatchResult,
}

async fn run_backend(backend: Backend, pki: &Pki, plan: &Plan) -> BackendResult {
    eprintln!("== API server on {}", backend.name());
    let mut etcd = match backend {
        Backend::Etcd => Some(EtcdProcess::start().unwrap_or_else(|e| panic!("{e}"))),
        Backend::Embedded => None,
    };
    let raw_dir = tempfile::tempdir().expect("temp dir for the raw embedded store");
    let raw = match etcd.as_mut() {
        Some(etcd) => RawStore::Etcd(Box::new(
            etcd.wait_ready().await.unwrap_or_else(|e| panic!("{e}")),
        )),
        None => RawStore::Embedded(Arc::new(
            EmbeddedStore::open(EmbeddedOptions::new(raw_dir.path()))
                .await
                .expect("opening the raw embedded store"),
        )),
    };
    let mut server = ApiServerProcess::start(pki, etcd.as_ref().map(|e| e.endpoint.as_str()))
        .unwrap_or_else(|e| panic!("{e}"));
    let connector = server
        .wait_ready(pki)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let admin = connector.connect().await.expect("admin connection");
    // The processes that serve: the API server, then etcd if there is one.
    let pids: Vec<u32> = std::iter::once(server.pid())
        .chain(etcd.as_ref().map(EtcdProcess::pid))
        .collect();
    settle(plan).await;
    let mut memory = Memory {
        start: ProcSample::of(server.pid()),
        ..Memory::default()
    };

    // Creates: the API server, then the raw store, at each concurrency.
    for namespace in [LIST_NAMESPACE, WATCH_NAMESPACE] {
        create_namespace(&admin, namespace)
            .await
            .unwrap_or_else(|e| panic!("creating namespace {namespace}: {e}"));
    }
    let template = PodTemplate::new(LIST_NAMESPACE);
    let request_bytes = template.body(&pod_name(0, 0)).len();
    // One pod outside the listed namespace, to learn what the store keeps of it.
    let probe = admin
        .expect(
            Method::POST,
            &pods_path(WATCH_NAMESPACE),
            Some("application/json"),
            PodTemplate::new(WATCH_NAMESPACE).body("storefront-probe"),
            StatusCode::CREATED,
        )
        .await
        .expect("creating the first pod");
    let stored = match &raw {
        RawStore::Etcd(client) => client
            .clone()
            .get(
                format!("/registry/pods/{WATCH_NAMESPACE}/storefront-probe"),
                None,
            )
            .await
            .ok()
            .and_then(|r| r.kvs().first().map(|kv| Bytes::copy_from_slice(kv.value())))
            .unwrap_or_else(|| probe.clone()),
        RawStore::Embedded(_) => probe.clone(),
    };

    let mut creates = Vec::new();
    let create_rows = if plan.run_creates {
        CREATE_CLIENTS.as_slice()
    } else {
        &[]
    };
    for (row, &clients) in create_rows.iter().enumerate() {
        let ops = plan.creates[row];
        let conns = connector.connect_many(clients).await;
        settle(plan).await;
        eprintln!("creates, {clients} clients, API server");
        let meter = CpuMeter::start(&pids);
        let api = api_creates(&conns, LIST_NAMESPACE, ops, plan.create_time, move |i| {
            pod_name(clients, i)
        })
        .await;
        let cpu = meter.stop();
        drop(conns);
        settle(plan).await;
        eprintln!("creates, {clients} clients, raw {}", backend.name());
        let raw = raw
            .creates(clients, ops, plan.create_time, stored.clone())
            .await;
        creates.push(CreateRow {
            clients,
            api,
            raw,
            cpu,
        });
    }
    // Top up to exactly the planned pod count if a row ran out of time.
    let created: usize = creates.iter().map(|row| row.api.ops).sum();
    if plan.run_creates && created < plan.pods() {
        eprintln!("topping up {} pods", plan.pods() - created);
        let conns = connector.connect_many(32).await;
        let top_up = api_creates(
            &conns,
            LIST_NAMESPACE,
            plan.pods() - created,
            Duration::from_secs(600),
            |i| pod_name(999, i),
        )
        .await;
        assert_eq!(top_up.errors, 0, "top-up failed: {:?}", top_up.first_error);
    }
    memory.after_creates = ProcSample::of(server.pid());

    settle(plan).await;
    let lists = if plan.run_creates {
        bench_lists(&admin, plan, server.pid(), &mut memory).await
    } else {
        Vec::new()
    };
    memory.after_lists = ProcSample::of(server.pid());
    memory.etcd_after_lists = etcd.as_ref().map(|e| ProcSample::of(e.pid()));

    settle(plan).await;
    let watch = if plan.run_watch {
        bench_watch(&connector, &admin, plan, &pids).await
    } else {
        WatchResult::default()
    };

    drop(admin);
    drop(server);
    drop(raw);
    drop(etcd);
    BackendResult {
        backend,
        creates,
        request_bytes,
        stored_bytes: stored.len(),
        lists,
        memory,
        watch,
    }
}

async fn settle(plan: &Plan) {
    tokio::time::sleep(plan.settle_time).await;
}

// ----------------------------------------------------------------------------------------------
// LIST

/// The kinds of LIST: (row name, query, Accept, paged by 500).
const LISTS: [(&str, &str, &str, bool); 4] = [
    (
        "resourceVersion unset (consistent)",
        "",
        "application/json",
        false,
    ),
    (
        "resourceVersion=0",
        "?resourceVersion=0",
        "application/json",
        false,
    ),
    ("as=Table", "", TABLE_ACCEPT, false),
    (
        "as=Table, pages of 500 (kubectl get)",
        "?limit=500",
        TABLE_ACCEPT,
        true,
    ),
];

/// Runs the LISTs, and notes the server's memory after the first that succeeds.
async fn bench_lists(
    conn: &Conn,
    plan: &Plan,
    server_pid: u32,
    memory: &mut Memory,
) -> Vec<ListRow> {
    let mut rows: Vec<ListRow> = LISTS
        .iter()
        .map(|(name, ..)| ListRow {
            name,
            latencies: Vec::new(),
            body_bytes: 0,
            error: None,
        })
        .collect();
    // One untimed, checked round first; then the kinds take turns, until each has `lists`
    // samples or the time is up (after at least 3 rounds).
    let deadline = Instant::now() + plan.list_time;
    for round in 0..=plan.lists {
        if round > 3 && Instant::now() > deadline {
            break;
        }
        for (row, (_, query, accept, paged)) in rows.iter_mut().zip(LISTS) {
            if row.error.is_some() {
                continue;
            }
            let check = round == 0;
            if check {
                eprintln!("LIST {}", row.name);
            }
            let began = Instant::now();
            match list_once(conn, query, accept, paged, check, plan.pods()).await {
                Ok(bytes) if check => {
                    row.body_bytes = bytes;
                    if memory.after_list_kind.is_empty() {
                        memory.after_list = ProcSample::of(server_pid);
                        memory.after_list_kind = row.name;
                    }
                }
                Ok(_) => row.latencies.push(began.elapsed()),
                Err(e) => row.error = Some(e),
            }
        }
    }
    rows
}

/// One LIST of the bench namespace, reading every byte; with `check`, counts the items (or
/// table rows) against `expected`. Returns the bytes read.
async fn list_once(
    conn: &Conn,
    query: &str,
    accept: &str,
    paged: bool,
    check: bool,
    expected: usize,
) -> Result<usize, String> {
    let base = format!("{}{query}", pods_path(LIST_NAMESPACE));
    let mut path = base.clone();
    let mut bytes = 0;
    let mut items = 0;
    loop {
        let (status, body) = conn
            .call_with(
                Method::GET,
                &path,
                &[(header::ACCEPT, accept)],
                Bytes::new(),
            )
            .await?;
        if status != StatusCode::OK {
            return Err(format!(
                "{status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            ));
        }
        bytes += body.len();
        if !check && !paged {
            return Ok(bytes);
        }
        let list: Value = serde_json::from_slice(&body).map_err(err)?;
        items += ["items", "rows"]
            .iter()
            .find_map(|field| list[field].as_array())
            .map_or(0, Vec::len);
        match list["metadata"]["continue"].as_str() {
            Some(token) if paged && !token.is_empty() => {
                let token: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
                path = format!("{base}&continue={token}");
            }
            _ => break,
        }
    }
    if check && items != expected {
        return Err(format!("listed {items} items, expected {expected}"));
    }
    Ok(bytes)
}

// ----------------------------------------------------------------------------------------------
// Watch fan-out

/// One event as a watcher received it (Unix nanoseconds).
struct Delivery {
    revision: u64,
    sent: u64,
    received: u64,
}

/// What one watcher saw.
#[derive(Default)]
struct WatcherReport {
    deliveries: Vec<Delivery>,
    /// Lines that were not a MODIFIED event with a send timestamp; the first is kept.
    odd: usize,
    first_odd: Option<String>,
    ended: Option<String>,
}

impl WatcherReport {
    fn line(&mut self, line: &[u8], received: u64) {
        if line.is_empty() {
            return;
        }
        let parsed = (event_type(line) == Some(b"MODIFIED".as_slice()))
            .then(|| {
                Some(Delivery {
                    sent: string_field(line, &SENT_KEY)?.parse().ok()?,
                    revision: string_field(line, &REVISION_KEY)?.parse().ok()?,
                    received,
                })
            })
            .flatten();
        match parsed {
            Some(delivery) => self.deliveries.push(delivery),
            None => {
                self.odd += 1;
                self.first_odd.get_or_insert_with(|| {
                    String::from_utf8_lossy(&line[..line.len().min(300)]).into_owned()
                });
            }
        }
    }
}

/// The `type` of a watch event line, `{"type":"X","object":...}` or `{"object":...,"type":"X"}`.
fn event_type(line: &[u8]) -> Option<&[u8]> {
    const KEY: &[u8] = b"\"type\":\"";
    let start = if line.starts_with(b"{\"type\":\"") {
        KEY.len() + 1
    } else {
        let tail = &line[line.len().saturating_sub(48)..];
        line.len() - tail.len() + find(tail, b",\"type\":\"")? + KEY.len() + 1
    };
    let rest = &line[start..];
    Some(&rest[..rest.iter().position(|&b| b == b'"')?])
}

/// A key [`string_field`] looks for, with its searcher built once: building one per line
/// was a noticeable part of the watchers' CPU, which shares the machine with the server.
struct Key(memchr::memmem::Finder<'static>);

impl Key {
    fn new(key: &'static str) -> Self {
        Key(memchr::memmem::Finder::new(key.as_bytes()))
    }
}

static SENT_KEY: std::sync::LazyLock<Key> = std::sync::LazyLock::new(|| Key::new(SENT_ANNOTATION));
static REVISION_KEY: std::sync::LazyLock<Key> =
    std::sync::LazyLock::new(|| Key::new("resourceVersion"));

/// The first string value of `key` in a JSON text, found without parsing it: the annotation
/// sorts first in the object's metadata, and metadata's resourceVersion comes before any other.
fn string_field<'a>(json: &'a [u8], key: &Key) -> Option<&'a str> {
    let len = key.0.needle().len();
    let quoted = |at: usize| json.get(at..at + len + 4);
    // `"key":"` without building it: find the key, then check the quotes around it.
    let mut from = 0;
    let at = loop {
        let at = from + key.0.find(&json[from..])?;
        let start = at.checked_sub(1)?;
        if quoted(start).is_some_and(|m| m[0] == b'"' && m[len + 1..] == *b"\":\"") {
            break start + len + 4;
        }
        from = at + 1;
    };
    let value = &json[at..];
    std::str::from_utf8(&value[..memchr::memchr(b'"', value)?]).ok()
}

fn unix_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// Reads one watch until `stop`, splitting the stream into lines.
async fn watcher(
    response: http::Response<Incoming>,
    delivered: Arc<AtomicUsize>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> WatcherReport {
    let mut report = WatcherReport::default();
    let mut body = response.into_body();
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let frame = tokio::select! {
            frame = body.frame() => frame,
            _ = stop.changed() => break,
        };
        let data = match frame {
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
            Some(Err(e)) => {
                report.ended = Some(e.to_string());
                break;
            }
            None => {
                report.ended = Some("the server ended the watch".into());
                break;
            }
        };
        let now = unix_nanos();
        let before = report.deliveries.len();
        let mut rest: &[u8] = &data;
        while let Some(newline) = memchr::memchr(b'\n', rest) {
            if pending.is_empty() {
                report.line(&rest[..newline], now);
            } else {
                pending.extend_from_slice(&rest[..newline]);
                report.line(&pending, now);
                pending.clear();
            }
            rest = &rest[newline + 1..];
        }
        pending.extend_from_slice(rest);
        delivered.fetch_add(report.deliveries.len() - before, Ordering::Relaxed);
    }
    report
}

/// Creates the watched pods and returns the resourceVersion to watch from.
async fn watch_setup(connector: &Connector, admin: &Conn, plan: &Plan) -> String {
    let conns = connector.connect_many(16).await;
    let setup = api_creates(
        &conns,
        WATCH_NAMESPACE,
        plan.watch_pods,
        Duration::from_secs(300),
        |i| pod_name(0, i),
    )
    .await;
    assert_eq!(
        setup.errors, 0,
        "creating watched pods: {:?}",
        setup.first_error
    );
    let list = admin
        .expect(
            Method::GET,
            &format!("{}?limit=1", pods_path(WATCH_NAMESPACE)),
            None,
            Bytes::new(),
            StatusCode::OK,
        )
        .await
        .expect("listing the watched pods");
    let list: Value = serde_json::from_slice(&list).expect("a pod list");
    list["metadata"]["resourceVersion"]
        .as_str()
        .expect("the list's resourceVersion")
        .to_owned()
}

/// One merge patch per tick for `plan.watch_time`, spread over the pods, each carrying its
/// send time. Returns the writes and, per resourceVersion written, when it was acknowledged.
async fn write_patches(conn: &Conn, plan: &Plan) -> (Outcome, HashMap<u64, u64>) {
    let start = Instant::now();
    let mut ticks = tokio::time::interval(Duration::from_secs(1) / plan.writes_per_second);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let in_flight = Arc::new(tokio::sync::Semaphore::new(WRITES_IN_FLIGHT));
    let mut writes = Vec::new();
    let mut i = 0;
    while start.elapsed() < plan.watch_time {
        ticks.tick().await;
        let permit = in_flight.clone().acquire_owned().await.expect("semaphore");
        let conn = conn.clone();
        let pod = pod_name(0, i % plan.watch_pods);
        let path = format!("{}/{pod}", pods_path(WATCH_NAMESPACE));
        i += 1;
        writes.push(tokio::spawn(async move {
            let sent = unix_nanos().to_string();
            let patch = json!({"metadata": {"annotations": {SENT_ANNOTATION: sent}}});
            let began = Instant::now();
            let result = conn
                .expect(
                    Method::PATCH,
                    &path,
                    Some("application/merge-patch+json"),
                    Bytes::from(patch.to_string()),
                    StatusCode::OK,
                )
                .await
                .and_then(|body| {
                    string_field(&body, &REVISION_KEY)
                        .and_then(|rv| rv.parse::<u64>().ok())
                        .ok_or_else(|| format!("no resourceVersion in the answer to {path}"))
                });
            drop(permit);
            (result, began.elapsed(), Instant::now(), unix_nanos())
        }));
    }
    let mut result = Outcome::default();
    let mut acks = HashMap::new();
    let mut last = start;
    for handle in writes {
        let (written, latency, finished, acked) = handle.await.expect("a writer panicked");
        last = last.max(finished);
        match written {
            Ok(revision) => {
                result.ops += 1;
                result.latencies.push(latency);
                acks.insert(revision, acked);
            }
            Err(e) => result.error(e),
        }
    }
    result.elapsed = last - start;
    (result, acks)
}

async fn bench_watch(
    connector: &Connector,
    admin: &Conn,
    plan: &Plan,
    pids: &[u32],
) -> WatchResult {
    eprintln!(
        "watch: {} pods, {} watchers",
        plan.watch_pods, plan.watchers
    );
    let revision = watch_setup(connector, admin, plan).await;

    // Open every watch before the first write.
    let watch_conns = connector
        .connect_many(plan.watchers.div_ceil(WATCHERS_PER_CONNECTION))
        .await;
    let delivered = Arc::new(AtomicUsize::new(0));
    let (stop, stop_receiver) = tokio::sync::watch::channel(false);
    let path = format!(
        "{}?watch=true&resourceVersion={revision}",
        pods_path(WATCH_NAMESPACE)
    );
    let mut watchers = Vec::with_capacity(plan.watchers);
    for w in 0..plan.watchers {
        let response = watch_conns[w / WATCHERS_PER_CONNECTION]
            .send(Method::GET, &path, &[], Bytes::new())
            .await
            .unwrap_or_else(|e| panic!("opening watch {w}: {e}"));
        assert_eq!(response.status(), StatusCode::OK, "opening watch {w}");
        watchers.push(tokio::spawn(watcher(
            response,
            delivered.clone(),
            stop_receiver.clone(),
        )));
    }
    // The writer is another client, as it would be in a cluster: its own thread and runtime,
    // so its requests and answers do not wait in this process's queue behind the watchers.
    let (go, start_writing) = tokio::sync::oneshot::channel::<()>();
    let writer = {
        let (connector, plan) = (connector.clone(), *plan);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("the writer's runtime");
            runtime.block_on(async move {
                let conn = connector.connect().await.expect("writer connection");
                start_writing.await.expect("the go signal");
                write_patches(&conn, &plan).await
            })
        })
    };
    settle(plan).await;

    eprintln!(
        "watch: writing {} patches/s for {:?}",
        plan.writes_per_second, plan.watch_time
    );
    let meter = CpuMeter::start(pids);
    go.send(()).expect("the writer waits for the go signal");
    let (writes, acks) = tokio::task::spawn_blocking(move || writer.join())
        .await
        .expect("joining the writer")
        .expect("the writer panicked");
    // Wait for the watchers to catch up.
    let expected = writes.ops * plan.watchers;
    let drain_deadline = Instant::now() + plan.drain_time;
    while delivered.load(Ordering::Relaxed) < expected && Instant::now() < drain_deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let cpu = meter.stop();
    let _ = stop.send(true);

    let mut result = WatchResult {
        expected,
        cpu,
        ..WatchResult::default()
    };
    let mut short = 0;
    let mut odd = 0;
    let mut unknown = 0;
    for handle in watchers {
        let report = handle.await.expect("a watcher panicked");
        if report.deliveries.len() < writes.ops {
            short += 1;
        }
        result.delivered += report.deliveries.len();
        for delivery in &report.deliveries {
            let nanos = |from: u64| Duration::from_nanos(delivery.received.saturating_sub(from));
            result.latencies.push(nanos(delivery.sent));
            match acks.get(&delivery.revision) {
                Some(&acked) => result.after_ack.push(nanos(acked)),
                None => unknown += 1,
            }
        }
        odd += report.odd;
        for problem in [
            report
                .first_odd
                .map(|line| format!("unexpected line: {line}")),
            report.ended.map(|ended| format!("a watch ended: {ended}")),
        ]
        .into_iter()
        .flatten()
        {
            if result.problems.len() < 3 {
                result.problems.push(problem);
            }
        }
    }
    result.writes = writes;
    if short > 0 {
        result.problems.push(format!(
            "{short} watchers missed events ({:?} drain allowed)",
            plan.drain_time
        ));
    }
    if odd > 0 || unknown > 0 {
        result.problems.push(format!(
            "{odd} unexpected lines, {unknown} events of unknown resourceVersions"
        ));
    }
    result
}

// ----------------------------------------------------------------------------------------------
// Output

/// What the run was: printed above the tables.
struct Context {
    etcd_version: String,
    /// Over the whole run; "this process" includes the API servers and etcd, which have ended.
    run_cpu: CpuUse,
    load_before: String,
    load_after: String,
    total: Duration,
}

fn print_report(results: &[BackendResult; 2], plan: &Plan, context: &Context) {
    let [embedded, etcd] = results;
    print_title("kube-apiserver benchmark");
    println!(
        "- command: `cargo bench -p kube-apiserver --bench apiserver`{}; total {:.0} s",
        if plan.quick {
            " with APISERVER_BENCH_QUICK=1 (QUICK: smaller counts, not the reference numbers)"
        } else {
            ""
        },
        context.total.as_secs_f64()
    );
    println!(
        "- other work on the machine: load average (1/5/15 min) {} before the run, {} after; over the run this benchmark (with its API servers and etcd) used {:.2} cores, other processes {:.2} cores; what others used during each measurement is given below",
        context.load_before,
        context.load_after,
        context.run_cpu.this_process,
        context.run_cpu.others,
    );
    println!(
        "- etcd: {}, single member on 127.0.0.1, plaintext, default heartbeat/election; a fresh one for the etcd run",
        context.etcd_version
    );
    println!(
        "- kube-apiserver: the release binary as a child process, HTTPS on 127.0.0.1, admin client certificate; on a fresh `--data-dir` (embedded) or on that etcd"
    );
    println!(
        "- clients: this process (tokio, {} workers), TLS + HTTP/2 with rustls, on the same cores as the server and etcd",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "- pods: {} B of request JSON (6 labels, 4 annotations, 2 containers with env, resources, ports, probes, volume mounts); stored {} B (etcd, read back) / answered {} B (embedded)",
        embedded.request_bytes, etcd.stored_bytes, embedded.stored_bytes
    );
    println!();
    print_creates(results, plan);
    print_lists(results, plan);
    print_watch(results, plan);
    print_memory(results, plan);
}

/// `server 0.50, etcd 0.20, bench 0.10, others 0.60` (cores).
fn fmt_cpu(cpu: &CpuUse) -> String {
    let mut parts: Vec<String> = ["API server", "etcd"]
        .iter()
        .zip(&cpu.processes)
        .map(|(name, cores)| format!("{name} {cores:.2}"))
        .collect();
    parts.push(format!("bench {:.2}", cpu.this_process));
    parts.push(format!("others {:.2}", cpu.others));
    parts.join(", ")
}

fn print_creates(results: &[BackendResult; 2], plan: &Plan) {
    let [embedded, etcd] = results;
    println!("### Pod creates");
    println!();
    println!(
        "| clients | pods | API server on embedded | raw embedded store | API/raw | API server on etcd | raw etcd | API/raw |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (row, (e, d)) in embedded.creates.iter().zip(&etcd.creates).enumerate() {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            e.clients,
            plan.creates[row],
            outcome_cell(&e.api),
            outcome_cell(&e.raw),
            ratio(e.api.rate(), e.raw.rate()),
            outcome_cell(&d.api),
            outcome_cell(&d.raw),
            ratio(d.api.rate(), d.raw.rate()),
        );
    }
    println!();
    println!(
        "Creates per second (p99 latency of one create). API server: `POST /api/v1/namespaces/{LIST_NAMESPACE}/pods`, each client on its own HTTP/2 connection, answer read in full. \
         Raw: create-if-absent of the stored bytes under the same kind of key, with the same concurrency and count, straight to the store: \
         an etcd transaction with `etcd-client` (one shared gRPC connection) on the same etcd, or `EmbeddedStore::create` in this process on its own folder with the server's default options. \
         Goal: API/raw ≥ 0.7."
    );
    for r in results {
        for row in &r.creates {
            println!(
                "- {} clients, API server on {}: CPU in cores: {}",
                row.clients,
                r.backend.name(),
                fmt_cpu(&row.cpu)
            );
            for (what, t) in [("API server", &row.api), ("raw", &row.raw)] {
                if let Some(e) = &t.first_error {
                    println!(
                        "- {} clients, {what} on {}: {} ERRORS, first: {e}",
                        row.clients,
                        r.backend.name(),
                        t.errors
                    );
                }
            }
        }
    }
    println!();
}

fn print_lists(results: &[BackendResult; 2], plan: &Plan) {
    let [embedded, etcd] = results;
    let samples = |r: &BackendResult| {
        let counts: Vec<String> = r
            .lists
            .iter()
            .filter(|row| row.error.is_none())
            .map(|row| row.latencies.len().to_string())
            .collect();
        counts.join("/")
    };
    println!("### LIST of {} pods", plan.pods());
    println!();
    println!("| request | answer | embedded p50 | embedded p99 | etcd p50 | etcd p99 | goal p99 |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (e, d) in embedded.lists.iter().zip(&etcd.lists) {
        let cell = |row: &ListRow, p: f64| match &row.error {
            Some(_) => "FAILED".to_owned(),
            None => fmt_percentile(&row.latencies, p),
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | < 300 ms |",
            e.name,
            fmt_bytes(e.body_bytes.max(d.body_bytes) as u64),
            cell(e, 50.0),
            cell(e, 99.0),
            cell(d, 50.0),
            cell(d, 99.0),
        );
    }
    println!();
    println!(
        "`GET /api/v1/namespaces/{LIST_NAMESPACE}/pods` by one client, one request at a time, the whole body read. \
         After one untimed request of each kind that checks the count, the kinds take turns, up to {} timed requests each or {:?} in all \
         (timed samples of each kind: embedded {}, etcd {}; nearest-rank percentiles, so with fewer than 100 samples p99 is the slowest). \
         `resourceVersion=0` may be served from a watch cache. The Table rows send kubectl's Accept header; \
         the paged row is kubectl get's `limit=500` with continue tokens, timed over all pages.",
        plan.lists,
        plan.list_time,
        samples(embedded),
        samples(etcd),
    );
    for result in results {
        for row in &result.lists {
            if let Some(e) = &row.error {
                println!("- {} / {}: FAILED: {e}", row.name, result.backend.name());
            }
        }
    }
    println!();
}

fn print_watch(results: &[BackendResult; 2], plan: &Plan) {
    println!("### Watch fan-out");
    println!();
    println!("| measurement | API server on embedded | API server on etcd | goal |");
    println!("|---|---:|---:|---:|");
    let row = |name: &str, cell: &dyn Fn(&WatchResult) -> String, goal: &str| {
        backend_row(results, name, |r| cell(&r.watch), goal);
    };
    row(
        "writes (merge patches) per second",
        &|r| format!("{}/s ({} writes)", fmt_rate(r.writes.rate()), r.writes.ops),
        &format!("{}/s", plan.writes_per_second),
    );
    row("write latency p99", &|r| r.writes.percentile(99.0), "");
    row(
        "events delivered / expected",
        &|r| format!("{} / {}", r.delivered, r.expected),
        "all",
    );
    type Samples = fn(&WatchResult) -> &[Duration];
    type Percentiles = &'static [(&'static str, f64, &'static str)];
    let latencies: [(&str, Samples, Percentiles); 2] = [
        (
            "delivery latency (send → receipt)",
            |r| &r.latencies,
            &[
                ("p50", 50.0, ""),
                ("p99", 99.0, "< 50 ms"),
                ("max", 100.0, ""),
            ],
        ),
        (
            "write acknowledged → receipt",
            |r| &r.after_ack,
            &[("p50", 50.0, ""), ("p99", 99.0, "")],
        ),
    ];
    for (name, samples, percentiles) in latencies {
        for &(label, p, goal) in percentiles {
            row(
                &format!("{name} {label}"),
                &|r| fmt_percentile(samples(r), p),
                goal,
            );
        }
    }
    let cores = |c: Option<&f64>| c.map_or("-".into(), |c| format!("{c:.2} cores"));
    for (i, name) in ["API server", "etcd"].into_iter().enumerate() {
        row(
            &format!("{name} CPU"),
            &|r| cores(r.cpu.processes.get(i)),
            "",
        );
    }
    row(
        "bench CPU (watchers + writer)",
        &|r| cores(Some(&r.cpu.this_process)),
        "",
    );
    row("other processes' CPU", &|r| cores(Some(&r.cpu.others)), "");
    println!();
    println!(
        "{} watchers (`GET /api/v1/namespaces/{WATCH_NAMESPACE}/pods?watch=true&resourceVersion=<rv>`, {WATCHERS_PER_CONNECTION} streams per HTTP/2 connection) on a namespace of {} pods (and one probe pod that is not written), \
         while one writer (on its own thread and runtime, as a separate client) merge-patches annotation `{SENT_ANNOTATION}` (its send time in Unix ns) at {} pods/s for {:?}, with at most {WRITES_IN_FLIGHT} patches in flight. \
         Delivery latency: the watcher's receipt minus that send time (same clock), so it includes the write; \
         'write acknowledged → receipt' matches events to the patch answers by resourceVersion (0 when the event came first). \
         CPU: utime+stime from /proc from the first write to the last delivery ({:.1} s embedded, {:.1} s etcd), in cores; \
         'others' is the machine's busy time less these processes.",
        plan.watchers,
        plan.watch_pods,
        plan.writes_per_second,
        plan.watch_time,
        results[0].watch.cpu.window.as_secs_f64(),
        results[1].watch.cpu.window.as_secs_f64(),
    );
    for result in results {
        for problem in &result.watch.problems {
            println!("- {}: {problem}", result.backend.name());
        }
        if let Some(e) = &result.watch.writes.first_error {
            println!(
                "- {}: {} write ERRORS, first: {e}",
                result.backend.name(),
                result.watch.writes.errors
            );
        }
    }
    println!();
}

/// Prints `| name | embedded | etcd | goal |`, each cell made from one backend's result.
fn backend_row(
    results: &[BackendResult; 2],
    name: &str,
    cell: impl Fn(&BackendResult) -> String,
    goal: &str,
) {
    let [embedded, etcd] = results.each_ref().map(cell);
    println!("| {name} | {embedded} | {etcd} | {goal} |");
}

fn print_memory(results: &[BackendResult; 2], plan: &Plan) {
    let [embedded, etcd] = results;
    println!("### API server memory");
    println!();
    println!("| measurement | API server on embedded | API server on etcd | goal |");
    println!("|---|---:|---:|---:|");
    let per_pod = |m: &Memory| {
        let grown = m.after_list.rss_bytes as f64 - m.start.rss_bytes as f64;
        format!("{:.0} B", grown / plan.pods() as f64)
    };
    type RssOf = fn(&Memory) -> u64;
    let rows: [(&str, RssOf, &str); 5] = [
        ("RSS at start (empty store)", |m| m.start.rss_bytes, ""),
        ("RSS after the creates", |m| m.after_creates.rss_bytes, ""),
        (
            "RSS with the pods, after one LIST",
            |m| m.after_list.rss_bytes,
            "< 200 MB",
        ),
        (
            "RSS after all the LIST rows",
            |m| m.after_lists.rss_bytes,
            "",
        ),
        (
            "peak RSS (VmHWM) by then",
            |m| m.after_lists.peak_rss_bytes,
            "",
        ),
    ];
    for (name, bytes, goal) in rows {
        backend_row(results, name, |r| fmt_bytes(bytes(&r.memory)), goal);
    }
    backend_row(
        results,
        "per pod: (after one LIST − start) / pods",
        |r| per_pod(&r.memory),
        "",
    );
    if let Some(etcd_memory) = etcd.memory.etcd_after_lists {
        println!(
            "| etcd's RSS then (not in the API server's) | - | {} | |",
            fmt_bytes(etcd_memory.rss_bytes)
        );
    }
    println!();
    println!(
        "VmRSS of the kube-apiserver process from /proc/<pid>/status, with {} pods stored ({} B of JSON each, {} in all); \
         'after one LIST' is right after the first LIST of the table above that succeeded, the first of its kind: {}. \
         On embedded the store (its caches and memtables) lives in the API server's process; on etcd it does not.",
        plan.pods(),
        embedded.stored_bytes,
        fmt_bytes((embedded.stored_bytes * plan.pods()) as u64),
        results
            .iter()
            .map(|r| format!("{} on {}", r.memory.after_list_kind, r.backend.name()))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

fn outcome_cell(t: &Outcome) -> String {
    if t.ops == 0 {
        return "FAILED".into();
    }
    format!(
        "{}/s ({})",
        fmt_rate(t.rate()),
        fmt_percentile(&t.latencies, 99.0)
    )
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}", a / b)
    } else {
        "-".into()
    }
}

// ----------------------------------------------------------------------------------------------

fn main() {
    // The watchers' TLS copies hit glibc's slow `rep movsb` on AMD as the server's did; clients
    // written in Go (upstream's) never use glibc's copy, so neither side should here.
    common::glibc_memcpy::avoid_slow_rep_movsb();
    // `cargo bench` passes `--bench`; there are no options of our own.
    let quick = std::env::var("APISERVER_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let only = std::env::var("APISERVER_BENCH_ONLY").unwrap_or_default();
    let plan = Plan::new(quick, &only);
    let etcd_version = command_line("etcd", &["--version"]);
    let load_before = load_average();
    let run_meter = CpuMeter::start(&[]);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let total = Instant::now();
    let results = runtime.block_on(async {
        let pki = Pki::generate().unwrap_or_else(|e| panic!("PKI: {e}"));
        let embedded = run_backend(Backend::Embedded, &pki, &plan).await;
        let etcd = run_backend(Backend::Etcd, &pki, &plan).await;
        [embedded, etcd]
    });
    let total = total.elapsed();
    drop(runtime);
    let context = Context {
        run_cpu: run_meter.stop(),
        etcd_version,
        load_before,
        load_after: load_average(),
        total,
    };
    print_report(&results, &plan, &context);
}
