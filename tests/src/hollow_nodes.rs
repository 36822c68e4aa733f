//! Hollow nodes (upstream's kubemark hollow nodes, kwok's fake nodes): one process simulates
//! many nodes over the real API, so the control plane can be run at scale without containers.
//!
//! [`HollowNodes::start`] registers the Node objects (kwok-sized: 32 CPUs, 256 GiB, 110 pods;
//! Ready, with the kubelet's condition reasons, addresses and nodeInfo) and their Leases, and
//! then behaves as each node's kubelet would, through the API only:
//!
//! - heartbeats: each Lease in `kube-node-lease` is renewed every 10 s (spread over the
//!   interval), and the Node's conditions are posted every 5 minutes (the kubelet's
//!   `nodeStatusReportFrequency`) or at once after [`HollowNodes::resume_heartbeats`];
//! - pods: one watch on all bound pods; a pod bound to one of these nodes is reported Running
//!   and Ready with a pod IP from the node's `spec.podCIDR` (or a fake /24); pods with
//!   `restartPolicy` Never or OnFailure finish after [`HollowNodeOptions::pod_run_time`]
//!   (annotations [`RUN_SECONDS_ANNOTATION`] and [`EXIT_CODE_ANNOTATION`] change how long and
//!   how); a pod being deleted has its containers reported killed and is then deleted with
//!   grace period 0.
//!
//! Writes run with bounded concurrency ([`HollowNodeOptions::max_in_flight`]). A node whose
//! heartbeats are stopped still runs its pods (only the control plane's view of it changes).
//! Dropping [`HollowNodes`] stops every task.

mod node_object;
pub mod pod_status;
mod pods;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Node;
use kube::api::{Api, Patch, PatchParams, PostParams};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, ResourceExt};
use serde_json::json;
use tokio::task::JoinHandle;

pub use node_object::{Capacity, KUBELET_VERSION, LEASE_DURATION_SECONDS, LEASE_NAMESPACE};

use node_object::PodAddresses;

/// Annotation: how long a pod that finishes (restartPolicy Never or OnFailure) runs, in
/// seconds (fractions allowed); default [`HollowNodeOptions::pod_run_time`].
pub const RUN_SECONDS_ANNOTATION: &str = "hollow-node.kubernetes.io/run-seconds";
/// Annotation: the exit code of a finishing pod's containers; non-zero fails it (Never) or
/// restarts the containers (OnFailure).
pub const EXIT_CODE_ANNOTATION: &str = "hollow-node.kubernetes.io/exit-code";

/// What to simulate.
#[derive(Clone, Debug)]
pub struct HollowNodeOptions {
    /// Nodes registered at start.
    pub count: usize,
    /// Node `i` is named `{name_prefix}{i}`.
    pub name_prefix: String,
    pub cpu: String,
    pub memory: String,
    pub pods: u32,
    /// Labels added to the kubelet's own (`kubernetes.io/hostname`, `kubernetes.io/os`, ...).
    pub labels: BTreeMap<String, String>,
    /// The kubelet's lease renew interval (10 s).
    pub lease_renew_interval: Duration,
    /// The kubelet's `nodeStatusReportFrequency` (5 m).
    pub node_status_report_frequency: Duration,
    /// How long finishing pods run unless annotated (1 s).
    pub pod_run_time: Duration,
    /// API writes in flight at once.
    pub max_in_flight: usize,
}

impl Default for HollowNodeOptions {
    fn default() -> Self {
        Self {
            count: 1,
            name_prefix: "hollow-node-".into(),
            cpu: "32".into(),
            memory: "256Gi".into(),
            pods: 110,
            labels: BTreeMap::new(),
            lease_renew_interval: Duration::from_secs(10),
            node_status_report_frequency: Duration::from_secs(300),
            pod_run_time: Duration::from_secs(1),
            max_in_flight: 32,
        }
    }
}

/// One simulated node.
#[derive(Debug)]
struct NodeEntry {
    index: u32,
    uid: Option<String>,
    heartbeats: bool,
    last_status: Instant,
    addresses: PodAddresses,
}

/// What every task of the hollow nodes shares.
struct Shared {
    client: Client,
    options: HollowNodeOptions,
    nodes: Mutex<BTreeMap<String, NodeEntry>>,
    next_index: AtomicU32,
}

impl Shared {
    fn nodes(&self) -> MutexGuard<'_, BTreeMap<String, NodeEntry>> {
        self.nodes.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn capacity(&self) -> Capacity {
        Capacity {
            cpu: self.options.cpu.clone(),
            memory: self.options.memory.clone(),
            pods: self.options.pods,
        }
    }
}

/// The running hollow nodes; dropping them stops every task (the API objects stay).
pub struct HollowNodes {
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl HollowNodes {
    /// Registers `options.count` nodes (with their Leases), waits for the writes, and starts
    /// the heartbeats and the pod handling.
    pub async fn start(client: Client, options: HollowNodeOptions) -> Result<Self> {
        let count = options.count;
        let shared = Arc::new(Shared {
            client,
            options,
            nodes: Mutex::new(BTreeMap::new()),
            next_index: AtomicU32::new(0),
        });
        let names: Vec<String> = (0..count).map(|_| reserve_node(&shared)).collect();
        let in_flight = shared.options.max_in_flight.max(1);
        futures::stream::iter(names.iter().map(|name| register(&shared, name)))
            .buffer_unordered(in_flight)
            .try_collect::<Vec<()>>()
            .await?;
        let (pod_loop, writer) = pods::start(shared.clone());
        let tasks = vec![
            tokio::spawn(heartbeats(shared.clone())),
            tokio::spawn(watch_nodes(shared.clone())),
            pod_loop,
            writer,
        ];
        Ok(Self { shared, tasks })
    }

    /// The names of the simulated nodes.
    pub fn node_names(&self) -> Vec<String> {
        self.shared.nodes().keys().cloned().collect()
    }

    /// Registers one more node and returns its name. Pods bound to its name before it was
    /// added are picked up at the pod watch's next relist only.
    pub async fn add_node(&self) -> Result<String> {
        let name = reserve_node(&self.shared);
        register(&self.shared, &name).await?;
        Ok(name)
    }

    /// Stops renewing the node's Lease and posting its status, as if its kubelet were cut off
    /// (a renewal already in flight may still land). False if the node is not one of these.
    pub fn stop_heartbeats(&self, node: &str) -> bool {
        match self.shared.nodes().get_mut(node) {
            Some(entry) => {
                entry.heartbeats = false;
                true
            }
            None => false,
        }
    }

    /// Renews the node's Lease and posts a healthy status now, then keeps doing so.
    pub async fn resume_heartbeats(&self, node: &str) -> Result<()> {
        self.shared
            .nodes()
            .get_mut(node)
            .with_context(|| format!("{node} is not a hollow node"))?
            .heartbeats = true;
        renew_lease(&self.shared, node).await?;
        post_status(&self.shared, node).await
    }

    /// Stops every task and waits for them.
    pub async fn shutdown(mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for HollowNodes {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Takes the next node index and enters the node (so its pods are recognized at once).
fn reserve_node(shared: &Shared) -> String {
    let index = shared.next_index.fetch_add(1, Ordering::Relaxed);
    let name = format!("{}{index}", shared.options.name_prefix);
    shared.nodes().insert(
        name.clone(),
        NodeEntry {
            index,
            uid: None,
            heartbeats: true,
            last_status: Instant::now(),
            addresses: PodAddresses::fake(index),
        },
    );
    name
}

fn is_status(error: &kube::Error, code: u16) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == code)
}

/// Creates the Node (or adopts an existing one and posts a healthy status) and its Lease.
async fn register(shared: &Shared, name: &str) -> Result<()> {
    let index = shared
        .nodes()
        .get(name)
        .map(|e| e.index)
        .context("node not reserved")?;
    let nodes: Api<Node> = Api::all(shared.client.clone());
    let object = node_object::node(name, index, &shared.capacity(), &shared.options.labels);
    let created = match nodes.create(&PostParams::default(), &object).await {
        Ok(created) => Some(created),
        Err(e) if is_status(&e, 409) => None,
        Err(e) => return Err(e).with_context(|| format!("registering node {name}")),
    };
    let stored_ready = created
        .as_ref()
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready"));
    let uid = match &created {
        Some(node) => node.metadata.uid.clone(),
        None => nodes.get(name).await?.metadata.uid,
    };
    if let Some(entry) = shared.nodes().get_mut(name) {
        entry.uid = uid;
    }
    if !stored_ready {
        post_status(shared, name).await?;
    }
    renew_lease(shared, name).await
}

/// Renews the node's Lease, creating it when it is missing (the kubelet's `ensureLease`).
async fn renew_lease(shared: &Shared, name: &str) -> Result<()> {
    let leases: Api<Lease> = Api::namespaced(shared.client.clone(), LEASE_NAMESPACE);
    let now = pod_status::now_micro();
    let patch = json!({"spec": {"holderIdentity": name, "renewTime": now}});
    match leases
        .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if is_status(&e, 404) => {
            let uid = shared.nodes().get(name).and_then(|e| e.uid.clone());
            let lease: Lease =
                serde_json::from_value(node_object::lease(name, uid.as_deref(), &now))?;
            match leases.create(&PostParams::default(), &lease).await {
                Err(e) if !is_status(&e, 409) => {
                    Err(e).with_context(|| format!("creating the lease of {name}"))
                }
                _ => Ok(()),
            }
        }
        Err(e) => Err(e).with_context(|| format!("renewing the lease of {name}")),
    }
}

/// Posts the node's healthy conditions with a fresh heartbeat time (strategic merge by
/// condition type, as the kubelet patches, so other writers' conditions stay).
async fn post_status(shared: &Shared, name: &str) -> Result<()> {
    let nodes: Api<Node> = Api::all(shared.client.clone());
    let current = nodes.get_status(name).await?;
    let now = pod_status::now();
    let patch = json!({"status": {"conditions": node_object::conditions(Some(&current), &now)}});
    nodes
        .patch_status(name, &PatchParams::default(), &Patch::Strategic(&patch))
        .await
        .with_context(|| format!("posting the status of {name}"))?;
    if let Some(entry) = shared.nodes().get_mut(name) {
        entry.last_status = Instant::now();
    }
    Ok(())
}

/// Renews every Lease once per interval, a tenth of the nodes at each tick, and posts node
/// status when it is due.
async fn heartbeats(shared: Arc<Shared>) {
    const SLOTS: u32 = 10;
    let tick = (shared.options.lease_renew_interval / SLOTS).max(Duration::from_millis(50));
    let mut ticker = tokio::time::interval(tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut slot = 0u32;
    loop {
        ticker.tick().await;
        slot = (slot + 1) % SLOTS;
        let (renew, report): (Vec<String>, Vec<String>) = {
            let nodes = shared.nodes();
            let live = || {
                nodes
                    .iter()
                    .filter(|(_, e)| e.heartbeats && e.uid.is_some())
            };
            (
                live()
                    .filter(|(_, e)| e.index % SLOTS == slot)
                    .map(|(n, _)| n.clone())
                    .collect(),
                live()
                    .filter(|(_, e)| {
                        e.last_status.elapsed() >= shared.options.node_status_report_frequency
                    })
                    .map(|(n, _)| n.clone())
                    .collect(),
            )
        };
        let leases = renew.into_iter().map(|n| {
            let shared = shared.clone();
            async move {
                if let Err(e) = renew_lease(&shared, &n).await {
                    tracing::warn!(node = %n, error = %e, "hollow node: lease renewal failed");
                }
            }
        });
        let statuses = report.into_iter().map(|n| {
            let shared = shared.clone();
            async move {
                if let Err(e) = post_status(&shared, &n).await {
                    tracing::warn!(node = %n, error = %e, "hollow node: status update failed");
                }
            }
        });
        let in_flight = shared.options.max_in_flight.max(1);
        futures::stream::iter(leases)
            .buffer_unordered(in_flight)
            .collect::<Vec<()>>()
            .await;
        futures::stream::iter(statuses)
            .buffer_unordered(in_flight)
            .collect::<Vec<()>>()
            .await;
    }
}

/// One watch on all nodes: learns each hollow node's `spec.podCIDR` (set by the node IPAM
/// controller) and uid.
async fn watch_nodes(shared: Arc<Shared>) {
    let api: Api<Node> = Api::all(shared.client.clone());
    let mut events = watcher::watcher(api, watcher::Config::default())
        .default_backoff()
        .applied_objects()
        .boxed();
    loop {
        match events.try_next().await {
            Ok(Some(node)) => {
                let name = node.name_any();
                let mut nodes = shared.nodes();
                if let Some(entry) = nodes.get_mut(&name) {
                    if let Some(cidr) = node.spec.as_ref().and_then(|s| s.pod_cidr.as_deref()) {
                        entry.addresses.set_cidr(cidr);
                    }
                    if node.metadata.uid.is_some() {
                        entry.uid = node.metadata.uid.clone();
                    }
                }
            }
            Ok(None) => return,
            Err(e) => tracing::debug!(error = %e, "hollow nodes: node watch error"),
        }
    }
}
