//! node-lifecycle-controller: watches node heartbeats and reacts to nodes going silent or not
//! ready (upstream's `pkg/controller/nodelifecycle/node_lifecycle_controller.go`).
//!
//! - Every `--node-monitor-period` ([`monitor`]): a node with no heartbeat observed (Ready
//!   condition or Lease renewal) for `--node-monitor-grace-period` gets its Ready and pressure
//!   conditions set to Unknown; a node not ready is queued, per zone and rate-limited
//!   (`--node-eviction-rate`), for the `NoExecute` taint `node.kubernetes.io/not-ready` or
//!   `node.kubernetes.io/unreachable` (which the taint-eviction-controller acts on), and its
//!   pods are marked not ready; a ready node loses those taints. Zones in full disruption stop
//!   evictions as upstream does.
//! - On every node change: the `NoSchedule` taints that mirror its conditions and
//!   `spec.unschedulable` ([`taints::no_schedule_changes`]).
//! - On every pod newly bound to a node known not ready: the pod is marked not ready.

pub mod eviction_queue;
pub mod health;
mod monitor;
pub mod taints;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use crate::controller::{self, Reconcile, Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::informers::{Change, Lister, key_of, split_key};
use crate::workqueue::WorkQueue;
use eviction_queue::EvictionQueue;
use health::{NodeHealth, ZoneState};

pub const NAME: &str = "node-lifecycle-controller";

/// How often the rate-limited `NoExecute` tainting pass runs (upstream's
/// `NodeEvictionPeriod`).
pub const NODE_EVICTION_PERIOD: Duration = Duration::from_millis(100);

/// The flags the controller uses.
#[derive(Clone, Debug)]
pub struct Settings {
    pub monitor_period: Duration,
    pub grace_period: Duration,
    pub startup_grace_period: Duration,
    pub eviction_rate: f64,
    pub secondary_eviction_rate: f64,
    pub large_cluster_threshold: usize,
    pub unhealthy_zone_threshold: f64,
}

/// What the monitor and the workers share.
#[derive(Default)]
struct State {
    health: HashMap<String, NodeHealth>,
    zone_queues: HashMap<String, EvictionQueue>,
    zone_states: HashMap<String, ZoneState>,
    known: HashMap<String, Arc<Node>>,
    retry_mark_pods: HashSet<String>,
}

pub struct NodeLifecycleController {
    client: kube::Client,
    nodes: Lister<Node>,
    leases: Lister<Lease>,
    pods: Lister<Pod>,
    recorder: EventRecorder,
    settings: Settings,
    state: Mutex<State>,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let options = &context.options;
    let settings = Settings {
        monitor_period: options.node_monitor_period,
        grace_period: options.node_monitor_grace_period,
        startup_grace_period: options.node_startup_grace_period,
        eviction_rate: options.node_eviction_rate,
        secondary_eviction_rate: options.secondary_node_eviction_rate,
        large_cluster_threshold: usize::try_from(options.large_cluster_size_threshold).unwrap_or(0),
        unhealthy_zone_threshold: options.unhealthy_zone_threshold,
    };
    let node_queue = WorkQueue::new("node_lifecycle_controller", context.metrics.clone());
    let pod_queue = WorkQueue::new("node_lifecycle_controller_pods", context.metrics.clone());
    let nodes = context.informers.informer::<Node>();
    let pods = context.informers.informer::<Pod>();
    let leases = context.informers.informer::<Lease>();
    {
        let queue = node_queue.clone();
        nodes.on_change(move |change| match change {
            Change::Added(node) | Change::Updated { new: node, .. } => {
                queue.add(key_of(&***node));
            }
            Change::Deleted(_) => {}
        });
    }
    {
        let queue = pod_queue.clone();
        pods.on_change(move |change| {
            let (old, new) = match change {
                Change::Added(pod) => (None, pod),
                Change::Updated { old, new } => (Some(old), new),
                Change::Deleted(_) => return,
            };
            let node_of = |p: &Pod| p.spec.as_ref().and_then(|s| s.node_name.clone());
            let node = node_of(new);
            if node.is_some() && old.is_none_or(|o| node_of(o) != node) {
                queue.add(key_of(&***new));
            }
        });
    }
    let controller = Arc::new(NodeLifecycleController {
        client: context.client.clone(),
        nodes: nodes.lister(),
        leases: leases.lister(),
        pods: pods.lister(),
        recorder: EventRecorder::new(context.client.clone(), "node-controller"),
        settings,
        state: Mutex::new(State::default()),
    });
    let informers = context.informers.clone();
    let stop = context.stop.clone();
    let node_pass = run_workers(
        NAME,
        node_queue,
        Arc::new(NoSchedulePass(controller.clone())),
        8,
        informers.clone(),
        stop.clone(),
    );
    let pod_pass = run_workers(
        NAME,
        pod_queue,
        Arc::new(PodPass(controller.clone())),
        4,
        informers.clone(),
        stop.clone(),
    );
    let monitor = controller.run(informers, stop);
    Ok(Box::pin(async move {
        futures::join!(node_pass, pod_pass, monitor);
    }))
}

impl NodeLifecycleController {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets the Ready condition of `pods` bound to `node_name` to False (upstream's
    /// `MarkPodsNotReady`), with a `NodeNotReady` event for each.
    async fn mark_pods_not_ready(&self, pods: &[Arc<Pod>], node_name: &str) -> Result<()> {
        let mut failed = None;
        for pod in pods {
            if pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) != Some(node_name) {
                continue;
            }
            let ready = pod
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .and_then(|c| c.iter().find(|c| c.type_ == "Ready"));
            if ready.is_none_or(|c| c.status == "False") {
                continue;
            }
            let api: Api<Pod> = Api::namespaced(
                self.client.clone(),
                pod.metadata.namespace.as_deref().unwrap_or_default(),
            );
            let patch = json!({"status": {"conditions": [{
                "type": "Ready",
                "status": "False",
                "lastTransitionTime": Timestamp::now().to_string(),
            }]}});
            let name = pod.metadata.name.as_deref().unwrap_or_default();
            match api
                .patch_status(name, &PatchParams::default(), &Patch::Strategic(patch))
                .await
            {
                Ok(_) => {}
                Err(error) if controller::is_not_found(&error) => continue,
                Err(error) => {
                    tracing::info!(pod = %key_of(&**pod), %error, "could not mark a pod not ready");
                    failed = Some(error);
                    continue;
                }
            }
            self.recorder.warning(
                reference_of(&**pod),
                "NodeNotReady",
                "MarkPodNotReady",
                "Node is not ready".to_owned(),
            );
        }
        match failed {
            Some(error) => Err(error.into()),
            None => Ok(()),
        }
    }

    /// The pods bound to `node_name`.
    fn pods_on(&self, node_name: &str) -> Vec<Arc<Pod>> {
        self.pods
            .list_all()
            .into_iter()
            .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node_name))
            .collect()
    }
}

/// The `NoSchedule` taints of one node (the key is the node name).
struct NoSchedulePass(Arc<NodeLifecycleController>);

#[async_trait::async_trait]
impl Reconcile for NoSchedulePass {
    async fn sync(&self, key: &str) -> Result<()> {
        let Some(node) = self.0.nodes.get("", key) else {
            return Ok(());
        };
        let (add, remove) = taints::no_schedule_changes(&node);
        if add.is_empty() && remove.is_empty() {
            return Ok(());
        }
        taints::swap_taints(&self.0.client, &node, &add, &remove).await
    }
}

/// A pod newly bound to a node that is not ready is marked not ready (the key is the pod's).
struct PodPass(Arc<NodeLifecycleController>);

#[async_trait::async_trait]
impl Reconcile for PodPass {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(pod) = self.0.pods.get(namespace, name) else {
            return Ok(());
        };
        let Some(node_name) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
            return Ok(());
        };
        let ready = {
            let state = self.0.state();
            let Some(health) = state.health.get(&node_name) else {
                return Ok(());
            };
            health.ready.as_ref().map(|c| c.status.clone())
        };
        if self.0.nodes.get("", &node_name).is_none() {
            return Ok(());
        }
        match ready {
            Some(status) if status != "True" => {
                self.0.mark_pods_not_ready(&[pod], &node_name).await
            }
            _ => Ok(()),
        }
    }
}
