//! job-controller (upstream's `pkg/controller/job`): runs a Job's pods to completion.
//!
//! Pods are created from the template with a controller reference, the Job's labels and the
//! tracking finalizer `batch.kubernetes.io/job-tracking`. Finished pods are counted into
//! `status.uncountedTerminatedPods`, their finalizer is removed, and only then they move into
//! `status.succeeded`/`failed` (tracking with finalizers). The sync itself lives in [`sync`];
//! this module holds the controller, its informer handlers and the orphan-pod cleanup.
//!
//! Left out (see the README): `backoffLimitPerIndex`/`maxFailedIndexes`, `successPolicy`,
//! and the job metrics.

mod backoff;
pub mod conditions;
pub mod failure_policy;
pub mod indexes;
mod pods;
mod sync;
mod tracking;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::api::{Api, Patch, PatchParams};

use crate::controller::{self, Reconcile, Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::events::EventRecorder;
use crate::expectations::Expectations;
use crate::informers::{Change, Lister, key_of, split_key};
use crate::pod_control::PodControl;
use crate::workqueue::WorkQueue;

use backoff::BackoffStore;
use conditions::is_finished;

pub const NAME: &str = "job-controller";
/// The finalizer that keeps a finished pod until the Job counted it.
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
pub const CONTROLLER_UID_LABEL: &str = "batch.kubernetes.io/controller-uid";
pub const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";
pub const LEGACY_CONTROLLER_UID_LABEL: &str = "controller-uid";
pub const LEGACY_JOB_NAME_LABEL: &str = "job-name";
/// `spec.managedBy` of Jobs this controller manages.
pub const JOB_CONTROLLER_NAME: &str = "kubernetes.io/job-controller";
/// How long pod events are batched before a Job syncs.
const SYNC_JOB_BATCH_PERIOD: Duration = Duration::from_secs(1);

/// Pod UIDs whose finalizer removal a Job waits to observe (upstream's
/// `uidTrackingExpectations` for finalizers).
#[derive(Default)]
pub struct FinalizerExpectations {
    entries: Mutex<HashMap<String, HashSet<String>>>,
}

impl FinalizerExpectations {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HashSet<String>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn expect_removed(&self, key: &str, uids: impl IntoIterator<Item = String>) {
        self.lock().entry(key.to_owned()).or_default().extend(uids);
    }

    pub fn observed(&self, key: &str, uid: &str) {
        let mut entries = self.lock();
        if let Some(set) = entries.get_mut(key) {
            set.remove(uid);
            if set.is_empty() {
                entries.remove(key);
            }
        }
    }

    pub fn expected(&self, key: &str) -> HashSet<String> {
        self.lock().get(key).cloned().unwrap_or_default()
    }

    pub fn delete(&self, key: &str) {
        self.lock().remove(key);
    }
}

/// Whether the pod carries the tracking finalizer.
pub fn has_tracking_finalizer(pod: &Pod) -> bool {
    pod.metadata
        .finalizers
        .iter()
        .flatten()
        .any(|f| f == TRACKING_FINALIZER)
}

/// Whether another controller manages the Job (`spec.managedBy`).
pub fn managed_externally(job: &Job) -> bool {
    job.spec
        .as_ref()
        .and_then(|s| s.managed_by.as_deref())
        .is_some_and(|m| m != JOB_CONTROLLER_NAME)
}

pub struct JobController {
    client: kube::Client,
    jobs: Lister<Job>,
    pods: Lister<Pod>,
    queue: Arc<WorkQueue>,
    orphan_queue: Arc<WorkQueue>,
    expectations: Expectations,
    finalizer_expectations: FinalizerExpectations,
    pod_control: PodControl,
    events: EventRecorder,
    backoff: BackoffStore,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("job", context.metrics.clone());
    let orphan_queue = WorkQueue::new("job_orphan_pod", context.metrics.clone());
    let jobs = context.informers.informer::<Job>();
    let pods = context.informers.informer::<Pod>();
    let events = EventRecorder::new(context.client.clone(), NAME);
    let controller = Arc::new(JobController {
        client: context.client.clone(),
        jobs: jobs.lister(),
        pods: pods.lister(),
        queue: queue.clone(),
        orphan_queue: orphan_queue.clone(),
        expectations: Expectations::default(),
        finalizer_expectations: FinalizerExpectations::default(),
        pod_control: PodControl::new(context.client.clone(), events.clone()),
        events,
        backoff: BackoffStore::default(),
    });
    {
        let c = controller.clone();
        jobs.on_change(move |change| match change {
            Change::Added(job) => c.queue.add(key_of(&***job)),
            Change::Updated { old, new } => c.update_job(old, new),
            Change::Deleted(job) => {
                c.queue.add(key_of(&***job));
                c.cleanup_pod_finalizers(job);
            }
        });
    }
    {
        let c = controller.clone();
        pods.on_change(move |change| match change {
            Change::Added(pod) => c.add_pod(pod),
            Change::Updated { old, new } => c.update_pod(old, new),
            Change::Deleted(pod) => c.delete_pod(pod, true),
        });
    }
    let orphans = Arc::new(OrphanPods {
        controller: controller.clone(),
    });
    let workers = context.options.concurrent_job_syncs;
    let informers = context.informers.clone();
    let stop = context.stop.clone();
    Ok(Box::pin(async move {
        tokio::join!(
            run_workers(
                NAME,
                queue,
                controller,
                workers,
                informers.clone(),
                stop.clone()
            ),
            run_workers("job-orphan-pods", orphan_queue, orphans, 1, informers, stop),
        );
    }))
}

impl JobController {
    /// The Job a controller reference points to, if it is in the cache with that uid.
    fn resolve(&self, namespace: &str, owner: &OwnerReference) -> Option<Arc<Job>> {
        if owner.kind != "Job" {
            return None;
        }
        self.jobs
            .get(namespace, &owner.name)
            .filter(|job| job.metadata.uid.as_deref() == Some(owner.uid.as_str()))
    }

    /// Jobs whose selector matches an orphan pod.
    fn jobs_matching(&self, pod: &Pod) -> Vec<Arc<Job>> {
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        let empty = Default::default();
        let labels = pod.metadata.labels.as_ref().unwrap_or(&empty);
        self.jobs
            .list(namespace)
            .into_iter()
            .filter(|job| {
                pods::job_selector(job)
                    .is_ok_and(|reqs| common::label_selector::matches_labels(&reqs, labels))
            })
            .collect()
    }

    fn enqueue_batched(&self, job: &Job) {
        self.queue.add_after(key_of(job), SYNC_JOB_BATCH_PERIOD);
    }

    fn enqueue_orphan(&self, pod: &Pod) {
        self.orphan_queue.add(key_of(pod));
    }

    fn update_job(&self, old: &Job, new: &Job) {
        let key = key_of(new);
        if old.metadata.generation == new.metadata.generation {
            self.queue.add_after(key.clone(), SYNC_JOB_BATCH_PERIOD);
        } else {
            self.queue.add(key.clone());
        }
        if is_finished(new) {
            self.cleanup_pod_finalizers(new);
        }
        let deadline = |j: &Job| j.spec.as_ref().and_then(|s| s.active_deadline_seconds);
        if let (Some(start), Some(seconds)) = (
            new.status.as_ref().and_then(|s| s.start_time.as_ref()),
            deadline(new),
        ) && deadline(old) != Some(seconds)
        {
            let passed = k8s_openapi::jiff::Timestamp::now().duration_since(start.0);
            let total = k8s_openapi::jiff::SignedDuration::from_secs(seconds);
            let left = Duration::try_from(total - passed).unwrap_or(Duration::ZERO);
            self.queue.add_after(key, left);
        }
    }

    /// Queues the finalizer removal of the pods a finished or deleted Job still tracks.
    fn cleanup_pod_finalizers(&self, job: &Job) {
        let namespace = job.metadata.namespace.as_deref().unwrap_or_default();
        let uid = job.metadata.uid.as_deref().unwrap_or_default();
        for pod in self.pods.list(namespace) {
            if crate::controller_ref::is_controlled_by(&*pod, uid) && has_tracking_finalizer(&pod) {
                self.enqueue_orphan(&pod);
            }
        }
    }

    fn add_pod(&self, pod: &Pod) {
        if pod.metadata.deletion_timestamp.is_some() {
            self.delete_pod(pod, false);
            return;
        }
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        if let Some(owner) = crate::controller_ref::controller_of(pod) {
            if let Some(job) = self.resolve(namespace, owner) {
                self.expectations.creation_observed(&key_of(&*job));
                self.enqueue_batched(&job);
            }
            return;
        }
        if has_tracking_finalizer(pod) {
            self.enqueue_orphan(pod);
        }
        for job in self.jobs_matching(pod) {
            self.enqueue_batched(&job);
        }
    }

    fn update_pod(&self, old: &Pod, new: &Pod) {
        if old.metadata.resource_version == new.metadata.resource_version {
            return;
        }
        if new.metadata.deletion_timestamp.is_some() {
            self.delete_pod(new, false);
            return;
        }
        let namespace = new.metadata.namespace.as_deref().unwrap_or_default();
        let uid = new.metadata.uid.as_deref().unwrap_or_default();
        let finalizer_removed = !has_tracking_finalizer(new);
        let new_ref = crate::controller_ref::controller_of(new);
        let old_ref = crate::controller_ref::controller_of(old);
        let ref_changed = new_ref != old_ref;
        if ref_changed
            && let Some(old_ref) = old_ref
            && let Some(job) = self.resolve(namespace, old_ref)
        {
            if finalizer_removed {
                self.finalizer_expectations.observed(&key_of(&*job), uid);
            }
            self.enqueue_batched(&job);
        }
        if let Some(new_ref) = new_ref {
            if let Some(job) = self.resolve(namespace, new_ref) {
                if finalizer_removed {
                    self.finalizer_expectations.observed(&key_of(&*job), uid);
                }
                self.enqueue_batched(&job);
            }
            return;
        }
        if has_tracking_finalizer(new) {
            self.enqueue_orphan(new);
        }
        if ref_changed || old.metadata.labels != new.metadata.labels {
            for job in self.jobs_matching(new) {
                self.enqueue_batched(&job);
            }
        }
    }

    fn delete_pod(&self, pod: &Pod, last: bool) {
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        let has_finalizer = has_tracking_finalizer(pod);
        let Some(owner) = crate::controller_ref::controller_of(pod) else {
            if has_finalizer {
                self.enqueue_orphan(pod);
            }
            return;
        };
        let Some(job) = self.resolve(namespace, owner).filter(|j| !is_finished(j)) else {
            if has_finalizer {
                self.enqueue_orphan(pod);
            }
            return;
        };
        let key = key_of(&*job);
        self.expectations.deletion_of_observed(&key, &key_of(pod));
        if last || !has_finalizer {
            self.finalizer_expectations
                .observed(&key, pod.metadata.uid.as_deref().unwrap_or_default());
        }
        self.enqueue_batched(&job);
    }
}

#[async_trait::async_trait]
impl Reconcile for JobController {
    async fn sync(&self, key: &str) -> Result<()> {
        self.sync_job(key).await
    }
}

/// The strategic merge patch that removes the tracking finalizer.
fn remove_finalizer_patch() -> serde_json::Value {
    serde_json::json!({
        "metadata": {"$deleteFromPrimitiveList/finalizers": [TRACKING_FINALIZER]}
    })
}

/// Removes the tracking finalizer of `pod`; a pod already gone counts as done.
async fn remove_tracking_finalizer(client: &kube::Client, pod: &Pod) -> Result<()> {
    if !has_tracking_finalizer(pod) {
        return Ok(());
    }
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    match api
        .patch(
            name,
            &PatchParams::default(),
            &Patch::Strategic(remove_finalizer_patch()),
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(error) if controller::is_not_found(&error) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// Removes the tracking finalizer from pods whose Job is gone or finished (upstream's orphan
/// pod worker).
struct OrphanPods {
    controller: Arc<JobController>,
}

#[async_trait::async_trait]
impl Reconcile for OrphanPods {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let c = &self.controller;
        let Some(pod) = c.pods.get(namespace, name) else {
            return Ok(());
        };
        if let Some(owner) = crate::controller_ref::controller_of(&*pod) {
            if owner.kind != "Job" || owner.api_version != "batch/v1" {
                return Ok(());
            }
            if let Some(job) = c.resolve(namespace, owner)
                && (managed_externally(&job) || !is_finished(&job))
            {
                return Ok(());
            }
        }
        remove_tracking_finalizer(&c.client, &pod).await
    }
}
