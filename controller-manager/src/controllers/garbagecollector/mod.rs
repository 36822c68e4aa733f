//! garbage-collector-controller (upstream's `pkg/controller/garbagecollector`): deletes
//! objects whose owners are all gone, and carries out foreground and orphan deletion.
//!
//! # Layout
//!
//! - [`resources`]: discovery of every resource (also used by the namespace controller) and
//!   the `apiVersion`/`kind` → resource map.
//! - [`monitors`]: one watch per deletable resource, feeding changes to the graph; discovery
//!   runs again every 30 s, so new custom resources are watched too.
//! - [`graph`]: the uid → node graph of owners and dependents, and what each change asks
//!   the workers to do.
//! - [`operations`]: the API calls (delete with uid preconditions, owner reference and
//!   finalizer patches).
//! - this module: the `attemptToDelete` and `attemptToOrphan` workers.

pub mod graph;
pub mod monitors;
pub mod operations;
pub mod resources;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::shutdown::Shutdown;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::api::PropagationPolicy;
use tokio::sync::mpsc;
use tracing::Instrument;

use self::graph::{Change, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, Graph, Identity, NodeView};
use self::monitors::Monitors;
use self::operations::Operations;
use crate::controller::{self, Error, Result};
use crate::controllers::{ControllerContext, Running};
use crate::workqueue::{WorkQueue, WorkQueueMetrics};

pub const NAME: &str = "garbage-collector-controller";

/// How often resources are discovered again (upstream starts `Sync` with 30 s).
pub const RESYNC_PERIOD: Duration = Duration::from_secs(30);

/// What a worker does with a key after processing it.
enum Outcome {
    Forget,
    Requeue,
}

/// Why a dependent cannot be processed and must not be retried.
const NAMESPACED_OWNER_OF_CLUSTER_SCOPED: &str =
    "cluster-scoped objects cannot refer to namespaced owners";

/// The garbage collector's shared state.
pub struct GarbageCollector {
    graph: Mutex<Graph>,
    operations: Operations,
    changes: mpsc::UnboundedSender<Change>,
    attempt_to_delete: Arc<WorkQueue>,
    attempt_to_orphan: Arc<WorkQueue>,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    if !context.options.enable_garbage_collector {
        tracing::info!(
            controller = NAME,
            "disabled by --enable-garbage-collector=false"
        );
        let stop = context.stop.clone();
        return Ok(Box::pin(async move { stop.wait().await }));
    }
    let client = context.client.clone();
    let workers = context.options.concurrent_gc_syncs.max(1);
    let metrics = context.metrics.clone();
    let stop = context.stop.clone();
    Ok(Box::pin(run(client, metrics, workers, stop)))
}

async fn run(client: kube::Client, metrics: WorkQueueMetrics, workers: usize, stop: Shutdown) {
    let (changes, mut received) = mpsc::unbounded_channel();
    let gc = Arc::new(GarbageCollector {
        graph: Mutex::new(Graph::default()),
        operations: Operations::new(client.clone()),
        changes: changes.clone(),
        attempt_to_delete: WorkQueue::new("garbage_collector_attempt_to_delete", metrics.clone()),
        attempt_to_orphan: WorkQueue::new("garbage_collector_attempt_to_orphan", metrics),
    });
    let mut monitors = Monitors::new(client.clone(), changes);

    // The graph: one task applies every change in order.
    let graph_task = {
        let gc = gc.clone();
        tokio::spawn(async move {
            while let Some(change) = received.recv().await {
                let work = gc.lock_graph().process(change);
                for uid in work.attempt_to_delete {
                    gc.attempt_to_delete.add(uid);
                }
                for uid in work.attempt_to_orphan {
                    gc.attempt_to_orphan.add(uid);
                }
            }
        })
    };

    // Discovery, then the watches, then (once they listed) the workers.
    let mut tasks = Vec::new();
    let mut resync = tokio::time::interval(RESYNC_PERIOD);
    resync.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut workers_started = false;
    loop {
        tokio::select! {
            () = stop.wait() => break,
            _ = resync.tick() => {}
        }
        match resources::discover(&client).await {
            Ok(discovery) => {
                if let Some(failure) = discovery.failure() {
                    tracing::info!(controller = NAME, %failure, "failed to discover some groups");
                }
                gc.operations.set_mapper(discovery.mapper());
                if monitors.sync(&monitors::deletable(&discovery)) {
                    tracing::info!(controller = NAME, "synced the watched resources");
                }
            }
            Err(error) => {
                tracing::warn!(controller = NAME, %error, "failed to discover resources");
                continue;
            }
        }
        if workers_started {
            continue;
        }
        // Workers start once every watch has listed (upstream waits for the graph to sync).
        loop {
            if monitors.has_synced() {
                break;
            }
            tokio::select! {
                () = stop.wait() => break,
                () = tokio::time::sleep(Duration::from_millis(50)) => {}
            }
        }
        if stop.is_triggered() {
            break;
        }
        tracing::info!(controller = NAME, workers, "starting workers");
        for _ in 0..workers {
            tasks.push(tokio::spawn(delete_worker(gc.clone())));
            tasks.push(tokio::spawn(orphan_worker(gc.clone())));
        }
        workers_started = true;
    }
    gc.attempt_to_delete.shut_down();
    gc.attempt_to_orphan.shut_down();
    monitors.stop();
    graph_task.abort();
    for task in tasks {
        let _ = task.await;
    }
}

async fn delete_worker(gc: Arc<GarbageCollector>) {
    while let Some(uid) = gc.attempt_to_delete.get().await {
        let span = tracing::info_span!("reconcile", controller = NAME, object = %uid);
        let outcome = gc.attempt_to_delete_worker(&uid).instrument(span).await;
        match outcome {
            Outcome::Forget => gc.attempt_to_delete.forget(&uid),
            Outcome::Requeue => gc.attempt_to_delete.add_rate_limited(uid.clone()),
        }
        gc.attempt_to_delete.done(&uid);
    }
}

async fn orphan_worker(gc: Arc<GarbageCollector>) {
    while let Some(uid) = gc.attempt_to_orphan.get().await {
        let span = tracing::info_span!("reconcile", controller = NAME, object = %uid);
        let result = gc.attempt_to_orphan_worker(&uid).instrument(span).await;
        match result {
            Ok(()) => gc.attempt_to_orphan.forget(&uid),
            Err(error) => {
                tracing::warn!(controller = NAME, owner = %uid, %error, "orphaning dependents failed; retrying");
                gc.attempt_to_orphan.add_rate_limited(uid.clone());
            }
        }
        gc.attempt_to_orphan.done(&uid);
    }
}

fn has_finalizer(meta: &ObjectMeta, name: &str) -> bool {
    meta.finalizers.iter().flatten().any(|f| f == name)
}

fn is_not_found(error: &Error) -> bool {
    matches!(error, Error::Api(e) if controller::is_not_found(e))
}

/// How an item's owner references stand (upstream's `classifyReferences`).
#[derive(Default)]
struct Classified {
    solid: Vec<OwnerReference>,
    dangling: Vec<OwnerReference>,
    waiting_for_dependents_deletion: Vec<OwnerReference>,
}

impl GarbageCollector {
    fn lock_graph(&self) -> std::sync::MutexGuard<'_, Graph> {
        self.graph.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells the graph that nothing has `identity` (a virtual delete event).
    fn absent(&self, identity: &Identity) {
        let _ = self.changes.send(Change::Absent(identity.clone()));
    }

    async fn attempt_to_delete_worker(&self, uid: &str) -> Outcome {
        let Some(item) = self.lock_graph().view(uid) else {
            return Outcome::Forget;
        };
        match self.attempt_to_delete_item(&item).await {
            Ok(Processed::VirtualDeleteQueued) => Outcome::Forget,
            Ok(Processed::Done) if item.virtual_ => {
                // Not observed by a watch yet: look again later.
                Outcome::Requeue
            }
            Ok(Processed::Done) => Outcome::Forget,
            Err(Error::Invalid(message)) => {
                tracing::info!(controller = NAME, item = %item.identity, %message, "not retried");
                Outcome::Forget
            }
            Err(error) => {
                tracing::warn!(controller = NAME, item = %item.identity, %error, "error syncing item");
                Outcome::Requeue
            }
        }
    }

    /// Upstream's `attemptToDeleteItem`.
    async fn attempt_to_delete_item(&self, item: &NodeView) -> Result<Processed> {
        tracing::debug!(item = %item.identity, virtual_ = item.virtual_, "processing item");
        if item.being_deleted && !item.deleting_dependents {
            return Ok(Processed::Done);
        }
        let latest = match self.operations.get(&item.identity).await {
            Ok(Some(latest)) => latest,
            Ok(None) => {
                self.absent(&item.identity);
                return Ok(Processed::VirtualDeleteQueued);
            }
            Err(error) => return Err(error),
        };
        if latest.uid.as_deref() != Some(item.identity.uid.as_str()) {
            self.absent(&item.identity);
            return Ok(Processed::VirtualDeleteQueued);
        }
        if item.deleting_dependents {
            self.process_deleting_dependents_item(item).await?;
            return Ok(Processed::Done);
        }
        let owners = latest.owner_references.clone().unwrap_or_default();
        if owners.is_empty() {
            return Ok(Processed::Done);
        }
        let classified = self.classify_references(item, &owners).await?;
        let resource_version = latest.resource_version.as_deref();
        if !classified.solid.is_empty() {
            if classified.dangling.is_empty()
                && classified.waiting_for_dependents_deletion.is_empty()
            {
                return Ok(Processed::Done);
            }
            // Dangling references and those to owners waiting for their dependents go.
            let uids: Vec<String> = classified
                .dangling
                .iter()
                .chain(&classified.waiting_for_dependents_deletion)
                .map(|r| r.uid.clone())
                .collect();
            tracing::info!(item = %item.identity, owners = ?uids, "removing dangling and waiting owner references");
            self.operations
                .remove_owner_references(&item.identity, &uids)
                .await?;
            return Ok(Processed::Done);
        }
        let policy = if !classified.waiting_for_dependents_deletion.is_empty()
            && !item.dependents.is_empty()
        {
            // Break a possible cycle of foreground deletions.
            if item.dependents.iter().any(|d| d.deleting_dependents) {
                tracing::info!(item = %item.identity, "unblocking owner references to prevent a cycle");
                self.operations
                    .unblock_owner_references(&item.identity)
                    .await?;
            }
            PropagationPolicy::Foreground
        } else if has_finalizer(&latest, FINALIZER_ORPHAN) {
            PropagationPolicy::Orphan
        } else if has_finalizer(&latest, FINALIZER_FOREGROUND) {
            PropagationPolicy::Foreground
        } else {
            PropagationPolicy::Background
        };
        tracing::info!(item = %item.identity, ?policy, "deleting item");
        match self
            .operations
            .delete(&item.identity, resource_version, &owners, policy)
            .await
        {
            Ok(()) => Ok(Processed::Done),
            Err(error) if is_not_found(&error) => {
                self.absent(&item.identity);
                Ok(Processed::VirtualDeleteQueued)
            }
            Err(error) => Err(error),
        }
    }

    /// Upstream's `classifyReferences` over `isDangling` (a GET of each owner by name, in the
    /// item's namespace, compared by uid).
    async fn classify_references(
        &self,
        item: &NodeView,
        owners: &[OwnerReference],
    ) -> Result<Classified> {
        let mut classified = Classified::default();
        for reference in owners {
            let (_, namespaced) = self
                .operations
                .resource(&reference.api_version, &reference.kind)?;
            if namespaced && item.identity.namespace.is_empty() {
                return Err(Error::Invalid(
                    NAMESPACED_OWNER_OF_CLUSTER_SCOPED.to_owned(),
                ));
            }
            let owner = Identity::of_owner(reference, &item.identity.namespace);
            match self.operations.get(&owner).await? {
                Some(meta) if meta.uid.as_deref() == Some(reference.uid.as_str()) => {
                    if meta.deletion_timestamp.is_some()
                        && has_finalizer(&meta, FINALIZER_FOREGROUND)
                    {
                        classified
                            .waiting_for_dependents_deletion
                            .push(reference.clone());
                    } else {
                        classified.solid.push(reference.clone());
                    }
                }
                _ => classified.dangling.push(reference.clone()),
            }
        }
        Ok(classified)
    }

    /// An owner deleted in foreground: its finalizer goes once no dependent blocks it; until
    /// then its blocking dependents are deleted.
    async fn process_deleting_dependents_item(&self, item: &NodeView) -> Result<()> {
        let blocking: Vec<_> = item.blocking_dependents().collect();
        if blocking.is_empty() {
            tracing::info!(item = %item.identity, "removing the foregroundDeletion finalizer");
            return self
                .operations
                .remove_finalizer(&item.identity, FINALIZER_FOREGROUND)
                .await;
        }
        for dependent in blocking {
            if !dependent.deleting_dependents {
                self.attempt_to_delete.add(dependent.identity.uid.clone());
            }
        }
        Ok(())
    }

    /// Upstream's `attemptToOrphanWorker`: every dependent loses its reference to the owner,
    /// then the owner loses the `orphan` finalizer.
    async fn attempt_to_orphan_worker(&self, uid: &str) -> Result<()> {
        let Some(owner) = self.lock_graph().view(uid) else {
            return Ok(());
        };
        let mut failures = Vec::new();
        let owner_uid = [owner.identity.uid.clone()];
        for dependent in &owner.dependents {
            match self
                .operations
                .remove_owner_references(&dependent.identity, &owner_uid)
                .await
            {
                Ok(()) => {}
                Err(error) if is_not_found(&error) => {}
                Err(error) => {
                    failures.push(format!("orphaning {} failed, {error}", dependent.identity))
                }
            }
        }
        if !failures.is_empty() {
            return Err(Error::Other(format!(
                "failed to orphan dependents of owner {}, got errors: {}",
                owner.identity,
                failures.join(", ")
            )));
        }
        self.operations
            .remove_finalizer(&owner.identity, FINALIZER_ORPHAN)
            .await
    }
}

/// How processing an item ended.
enum Processed {
    Done,
    /// The item does not exist; the graph was told, and the item is not retried.
    VirtualDeleteQueued,
}
