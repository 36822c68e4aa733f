//! replicaset-controller: keeps `spec.replicas` pods of a ReplicaSet's template running
//! (upstream's `pkg/controller/replicaset`).
//!
//! The logic is generic over [`ReplicaWorkload`], so the replicationcontroller-controller
//! (`controllers::replication`) runs the same code for ReplicationControllers, as upstream
//! runs the ReplicaSet code on converted ReplicationControllers.
//!
//! - [`workload`]: what the controller asks of a ReplicaSet (or ReplicationController).
//! - [`handlers`]: informer changes to queued keys, and expectations lowered as pods are seen.
//! - [`sync`]: claiming pods, creating and deleting the difference, writing the status.
//! - [`status`]: the status and its `ReplicaFailure` condition.

pub mod handlers;
pub mod status;
pub mod sync;
pub mod workload;

use std::sync::Arc;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::Pod;
use kube::Resource;

pub use self::sync::{BURST_REPLICAS, ReplicaController};
pub use self::workload::ReplicaWorkload;
use crate::controller::{Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::events::EventRecorder;
use crate::expectations::Expectations;
use crate::pod_control::PodControl;
use crate::workqueue::WorkQueue;
use handlers::Handlers;

/// Upstream's name of the controller.
pub const NAME: &str = "replicaset-controller";

/// How one instance of the replica controller is named and sized.
pub struct ControllerConfig {
    /// The controller's name (logs, `--controllers`).
    pub name: &'static str,
    /// The work queue's name (its metrics label).
    pub queue: &'static str,
    /// The component its events are reported by.
    pub event_component: &'static str,
    /// How many keys are synced at once.
    pub workers: usize,
}

/// Starts the replicaset-controller.
pub fn start(context: &ControllerContext) -> Result<Running> {
    start_controller::<ReplicaSet>(
        context,
        ControllerConfig {
            name: NAME,
            queue: "replicaset",
            event_component: "replicaset-controller",
            workers: context.options.concurrent_replicaset_syncs,
        },
    )
}

/// Starts the replica controller for the workload kind `W`.
pub fn start_controller<W>(context: &ControllerContext, config: ControllerConfig) -> Result<Running>
where
    W: ReplicaWorkload + Resource<Scope = NamespaceResourceScope>,
{
    let queue = WorkQueue::new(config.queue, context.metrics.clone());
    let owners = context.informers.informer::<W>();
    let pods = context.informers.informer::<Pod>();
    let expectations = Arc::new(Expectations::default());
    let handlers = Arc::new(Handlers {
        owners: owners.lister(),
        queue: queue.clone(),
        expectations: expectations.clone(),
    });
    {
        let handlers = handlers.clone();
        owners.on_change(move |change| handlers.owner_changed(change));
    }
    {
        let handlers = handlers.clone();
        pods.on_change(move |change| handlers.pod_changed(change));
    }
    let events = EventRecorder::new(context.client.clone(), config.event_component);
    let controller = Arc::new(ReplicaController {
        client: context.client.clone(),
        owners: owners.lister(),
        pods: pods.lister(),
        expectations,
        queue: queue.clone(),
        pod_control: PodControl::new(context.client.clone(), events),
        burst_replicas: BURST_REPLICAS,
    });
    Ok(Box::pin(run_workers(
        config.name,
        queue,
        controller,
        config.workers,
        context.informers.clone(),
        context.stop.clone(),
    )))
}
