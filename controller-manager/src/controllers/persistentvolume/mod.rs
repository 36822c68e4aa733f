//! persistentvolume-binder-controller: binds PersistentVolumeClaims to PersistentVolumes
//! (upstream's `pkg/controller/volume/persistentvolume`, `pv_controller.go` and
//! `pv_controller_base.go`).
//!
//! Two queues, `claims` (keys `namespace/name`) and `volumes` (keys `name`), each with one
//! worker, fed by the claim and volume informers and by a resync every
//! `--pvclaimbinder-sync-period` (15 s): a claim created before a matching volume is bound on
//! the next resync, as upstream. The workers keep their own view of volumes and claims
//! ([`cache`]) that also records the controller's writes.
//!
//! - [`matching`]: the volume index and the best match for a claim.
//! - [`claim_sync`]: `syncClaim` (unbound, pre-bound and bound claims).
//! - [`volume_sync`]: `syncVolume` and reclaiming released volumes.
//! - [`binding`]: the writes (bind, unbind, phases) and the pure changes they make.
//! - [`provisioning`]: what a claim with a class and no volume gets (external provisioners'
//!   annotations and events), default classes, CSI migration names.
//!
//! Only statically created volumes are bound: there is no in-tree provisioner, deleter or
//! recycler, so a released volume with `Delete` or `Recycle` that upstream would hand to an
//! in-tree plugin is marked Failed as upstream does when no plugin matches.

pub mod binding;
pub mod cache;
pub mod claim_sync;
pub mod matching;
pub mod provisioning;
pub mod volume_sync;

#[cfg(test)]
mod matching_tests;

use std::sync::Arc;
use std::time::Duration;

use common::shutdown::Shutdown;
use k8s_openapi::api::core::v1::{ObjectReference, PersistentVolume, PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;

use crate::controller::{Reconcile, Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::events::EventRecorder;
use crate::informers::{Change, Lister, SharedInformers, key_of};
use crate::workqueue::WorkQueue;
use cache::VersionedCache;

pub use common::persistent_volumes::{
    ANN_BETA_STORAGE_CLASS, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE,
    NOT_SUPPORTED_PROVISIONER,
};

pub const NAME: &str = "persistentvolume-binder-controller";
/// The events' component, as upstream's recorder names it.
pub const EVENT_COMPONENT: &str = "persistentvolume-controller";

/// On volumes: the plugin that provisioned them.
pub const ANN_DYNAMICALLY_PROVISIONED: &str = "pv.kubernetes.io/provisioned-by";
/// On volumes and claims: the CSI driver an in-tree plugin migrated to.
pub const ANN_MIGRATED_TO: &str = "pv.kubernetes.io/migrated-to";
/// On claims: who is to provision them.
pub const ANN_STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
pub const ANN_BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
/// On volumes being resized: the claim's capacity to report.
pub const ANN_PRE_RESIZE_CAPACITY: &str = "volume.alpha.kubernetes.io/pre-resize-capacity";
/// The finalizers guarding deletion of provisioned volumes.
pub const PV_DELETION_PROTECTION_FINALIZER: &str =
    "external-provisioner.volume.kubernetes.io/finalizer";
pub const PV_DELETION_IN_TREE_PROTECTION_FINALIZER: &str = "kubernetes.io/pv-controller";

pub const VOLUME_PENDING: &str = "Pending";
pub const VOLUME_AVAILABLE: &str = "Available";
pub const VOLUME_BOUND: &str = "Bound";
pub const VOLUME_RELEASED: &str = "Released";
pub const VOLUME_FAILED: &str = "Failed";
pub const CLAIM_PENDING: &str = "Pending";
pub const CLAIM_BOUND: &str = "Bound";
pub const CLAIM_LOST: &str = "Lost";

pub struct PersistentVolumeController {
    client: kube::Client,
    volume_lister: Lister<PersistentVolume>,
    claim_lister: Lister<PersistentVolumeClaim>,
    class_lister: Lister<StorageClass>,
    pod_lister: Lister<Pod>,
    /// The controller's view, never older than what it wrote.
    volumes: VersionedCache<PersistentVolume>,
    claims: VersionedCache<PersistentVolumeClaim>,
    claim_queue: Arc<WorkQueue>,
    volume_queue: Arc<WorkQueue>,
    events: EventRecorder,
    enable_dynamic_provisioning: bool,
}

/// The claim queue's worker.
struct ClaimWorker(Arc<PersistentVolumeController>);

/// The volume queue's worker.
struct VolumeWorker(Arc<PersistentVolumeController>);

#[async_trait::async_trait]
impl Reconcile for ClaimWorker {
    async fn sync(&self, key: &str) -> Result<()> {
        self.0.process_claim_key(key).await
    }
}

#[async_trait::async_trait]
impl Reconcile for VolumeWorker {
    async fn sync(&self, key: &str) -> Result<()> {
        self.0.process_volume_key(key).await
    }
}

fn enqueue_on_change<K: kube::Resource>(queue: Arc<WorkQueue>) -> impl Fn(&Change<'_, K>) {
    move |change| match change {
        Change::Added(object) | Change::Updated { new: object, .. } | Change::Deleted(object) => {
            queue.add(key_of(&***object));
        }
    }
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let claim_queue = WorkQueue::new("claims", context.metrics.clone());
    let volume_queue = WorkQueue::new("volumes", context.metrics.clone());
    let volumes = context.informers.informer::<PersistentVolume>();
    let claims = context.informers.informer::<PersistentVolumeClaim>();
    volumes.on_change(enqueue_on_change(volume_queue.clone()));
    claims.on_change(enqueue_on_change(claim_queue.clone()));
    let controller = Arc::new(PersistentVolumeController {
        client: context.client.clone(),
        volume_lister: volumes.lister(),
        claim_lister: claims.lister(),
        class_lister: context.informers.lister::<StorageClass>(),
        pod_lister: context.informers.lister::<Pod>(),
        volumes: VersionedCache::default(),
        claims: VersionedCache::default(),
        claim_queue,
        volume_queue,
        events: EventRecorder::new(context.client.clone(), EVENT_COMPONENT),
        enable_dynamic_provisioning: context.options.enable_dynamic_provisioning,
    });
    Ok(Box::pin(run(
        controller,
        context.informers.clone(),
        context.options.pvclaimbinder_sync_period,
        context.stop.clone(),
    )))
}

/// Fills the caches once the informers synced, then runs the resync and one worker per queue
/// until `stop` (upstream's `Run`).
async fn run(
    controller: Arc<PersistentVolumeController>,
    informers: SharedInformers,
    resync_period: Duration,
    stop: Shutdown,
) {
    tokio::select! {
        () = informers.wait_for_sync() => {}
        () = stop.wait() => {
            controller.claim_queue.shut_down();
            controller.volume_queue.shut_down();
            return;
        }
    }
    controller.initialize_caches();
    let resync = {
        let controller = controller.clone();
        let stop = stop.clone();
        async move {
            let mut ticks = tokio::time::interval(resync_period.max(Duration::from_millis(1)));
            loop {
                tokio::select! {
                    _ = ticks.tick() => controller.resync(),
                    () = stop.wait() => return,
                }
            }
        }
    };
    let claims = run_workers(
        NAME,
        controller.claim_queue.clone(),
        Arc::new(ClaimWorker(controller.clone())),
        1,
        informers.clone(),
        stop.clone(),
    );
    let volumes = run_workers(
        NAME,
        controller.volume_queue.clone(),
        Arc::new(VolumeWorker(controller.clone())),
        1,
        informers,
        stop,
    );
    tokio::join!(resync, claims, volumes);
}

impl PersistentVolumeController {
    /// Seeds the controller's view with what the informers listed (`initializeCaches`).
    fn initialize_caches(&self) {
        for volume in self.volume_lister.list_all() {
            self.volumes.store(volume);
        }
        for claim in self.claim_lister.list_all() {
            self.claims.store(claim);
        }
    }

    /// Queues every claim and volume (upstream's own resync, shorter than the informers').
    fn resync(&self) {
        for claim in self.claim_lister.list_all() {
            self.claim_queue.add(key_of(&*claim));
        }
        for volume in self.volume_lister.list_all() {
            self.volume_queue.add(key_of(&*volume));
        }
    }

    /// Records an event about `regarding` (`eventRecorder.Event`).
    fn event(&self, regarding: ObjectReference, warning: bool, reason: &str, message: String) {
        let action = reason;
        if warning {
            self.events.warning(regarding, reason, action, message);
        } else {
            self.events.normal(regarding, reason, action, message);
        }
    }
}
