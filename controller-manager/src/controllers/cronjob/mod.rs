//! cronjob-controller (upstream's `pkg/controller/cronjob`, the v2 controller): creates a Job
//! from a CronJob's template at each schedule time, tracks the Jobs it started in
//! `status.active`, honours `concurrencyPolicy`, `startingDeadlineSeconds`, `suspend` and
//! `timeZone`, removes finished Jobs past the history limits, and requeues itself for the
//! next schedule time. Schedules are parsed in [`schedule`], times computed in [`timing`].

pub mod schedule;
pub mod timing;

use std::cmp::Ordering;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use kube::api::{Api, DeleteParams, ObjectMeta, PostParams, PropagationPolicy};

use crate::controller::{Reconcile, Result, run_workers};
use crate::controller_ref::{controller_of, controller_ref};
use crate::controllers::job::conditions::finished_type;
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::informers::{Change, Lister, key_of, split_key};
use crate::workqueue::WorkQueue;

pub const NAME: &str = "cronjob-controller";
/// The annotation with the time a Job was scheduled for.
pub const SCHEDULED_TIMESTAMP_ANNOTATION: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

pub struct CronJobController {
    client: kube::Client,
    cron_jobs: Lister<CronJob>,
    jobs: Lister<Job>,
    queue: Arc<WorkQueue>,
    events: EventRecorder,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("cronjob", context.metrics.clone());
    let cron_jobs = context.informers.informer::<CronJob>();
    let jobs = context.informers.informer::<Job>();
    let controller = Arc::new(CronJobController {
        client: context.client.clone(),
        cron_jobs: cron_jobs.lister(),
        jobs: jobs.lister(),
        queue: queue.clone(),
        events: EventRecorder::new(context.client.clone(), NAME),
    });
    {
        let queue = queue.clone();
        cron_jobs.on_change(move |change| match change {
            Change::Added(cj) | Change::Updated { new: cj, .. } => queue.add(key_of(&***cj)),
            Change::Deleted(_) => {}
        });
    }
    {
        let c = controller.clone();
        jobs.on_change(move |change| match change {
            Change::Added(job) | Change::Deleted(job) => c.enqueue_owner(job),
            Change::Updated { old, new } => {
                if controller_of(&***old) != controller_of(&***new) {
                    c.enqueue_owner(old);
                }
                c.enqueue_owner(new);
            }
        });
    }
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        context.options.concurrent_cron_job_syncs,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

/// The name of the Job for `scheduled` (minutes since the epoch).
pub fn job_name(cron_job: &str, scheduled: Timestamp) -> String {
    format!("{cron_job}-{}", scheduled.as_second().div_euclid(60))
}

/// `scheduled` in RFC 3339 in `zone`, as Go prints it ("Z" for a zero offset).
pub fn rfc3339_in(scheduled: Timestamp, zone: &TimeZone) -> String {
    let zoned = scheduled.to_zoned(zone.clone());
    if zoned.offset().seconds() == 0 {
        zoned.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// The Job a CronJob creates for `scheduled` (upstream's `getJobFromTemplate2`).
pub fn job_from_template(cj: &CronJob, scheduled: Timestamp, zone: &TimeZone) -> Job {
    let template = cj
        .spec
        .as_ref()
        .map(|s| s.job_template.clone())
        .unwrap_or_default();
    let meta = template.metadata.unwrap_or_default();
    let mut annotations = meta.annotations.unwrap_or_default();
    annotations.insert(
        SCHEDULED_TIMESTAMP_ANNOTATION.to_owned(),
        rfc3339_in(scheduled, zone),
    );
    Job {
        metadata: ObjectMeta {
            name: Some(job_name(
                cj.metadata.name.as_deref().unwrap_or_default(),
                scheduled,
            )),
            namespace: cj.metadata.namespace.clone(),
            labels: meta.labels,
            annotations: Some(annotations),
            owner_references: Some(vec![controller_ref(cj)]),
            ..ObjectMeta::default()
        },
        spec: template.spec,
        status: None,
    }
}

/// Oldest first by start time (Jobs not started last), then by name.
fn by_start_time(a: &Job, b: &Job) -> Ordering {
    let start = |j: &Job| {
        j.status
            .as_ref()
            .and_then(|s| s.start_time.as_ref())
            .map(|t| t.0)
    };
    match (start(a), start(b)) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        _ => a.metadata.name.cmp(&b.metadata.name),
    }
}

fn in_active_list(cj: &CronJob, uid: &str) -> bool {
    cj.status
        .as_ref()
        .and_then(|s| s.active.as_ref())
        .is_some_and(|a| a.iter().any(|r| r.uid.as_deref() == Some(uid)))
}

fn delete_from_active_list(cj: &mut CronJob, uid: &str) {
    if let Some(active) = cj.status.as_mut().and_then(|s| s.active.as_mut()) {
        active.retain(|r| r.uid.as_deref() != Some(uid));
    }
}

impl CronJobController {
    fn enqueue_owner(&self, job: &Job) {
        let Some(owner) = controller_of(job) else {
            return;
        };
        if owner.kind != "CronJob" {
            return;
        }
        let namespace = job.metadata.namespace.as_deref().unwrap_or_default();
        if let Some(cj) = self.cron_jobs.get(namespace, &owner.name)
            && cj.metadata.uid.as_deref() == Some(owner.uid.as_str())
        {
            self.queue.add(key_of(&*cj));
        }
    }

    fn jobs_api(&self, namespace: &str) -> Api<Job> {
        Api::namespaced(self.client.clone(), namespace)
    }

    /// Deletes a Job (in the background) and drops it from the active list.
    async fn delete_job(&self, cj: &mut CronJob, job: &Job) -> bool {
        let namespace = job.metadata.namespace.as_deref().unwrap_or_default();
        let name = job.metadata.name.as_deref().unwrap_or_default();
        let params = DeleteParams {
            propagation_policy: Some(PropagationPolicy::Background),
            ..DeleteParams::default()
        };
        if let Err(error) = self.jobs_api(namespace).delete(name, &params).await {
            self.events.warning(
                reference_of(cj),
                "FailedDelete",
                "Delete",
                format!("Deleted job: {}", crate::pod_control::api_message(&error)),
            );
            return false;
        }
        delete_from_active_list(cj, job.metadata.uid.as_deref().unwrap_or_default());
        self.events.normal(
            reference_of(cj),
            "SuccessfulDelete",
            "Delete",
            format!("Deleted job {name}"),
        );
        true
    }

    /// Deletes the oldest finished Jobs past the history limits.
    async fn cleanup_finished_jobs(&self, cj: &mut CronJob, jobs: &[Arc<Job>]) -> bool {
        let spec = cj.spec.clone().unwrap_or_default();
        let mut changed = false;
        for (kind, limit) in [
            ("Complete", spec.successful_jobs_history_limit),
            ("Failed", spec.failed_jobs_history_limit),
        ] {
            let Some(limit) = limit else { continue };
            let mut finished: Vec<&Job> = jobs
                .iter()
                .map(|j| &**j)
                .filter(|j| finished_type(j) == Some(kind))
                .collect();
            let excess = finished.len().saturating_sub(limit.max(0) as usize);
            finished.sort_by(|a, b| by_start_time(a, b));
            for job in finished.into_iter().take(excess) {
                if self.delete_job(cj, job).await {
                    changed = true;
                }
            }
        }
        changed
    }
}

#[async_trait::async_trait]
impl Reconcile for CronJobController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(shared) = self.cron_jobs.get(namespace, name) else {
            return Ok(());
        };
        let jobs: Vec<Arc<Job>> = self
            .jobs
            .list(namespace)
            .into_iter()
            .filter(|j| controller_of(&**j).is_some_and(|r| r.name == name && r.kind == "CronJob"))
            .collect();
        if shared.metadata.deletion_timestamp.is_some() {
            return Ok(());
        }
        let mut cj = (*shared).clone();
        let cleaned = self.cleanup_finished_jobs(&mut cj, &jobs).await;
        let (requeue_after, synced, result) = self.sync_cron_job(&mut cj, &jobs).await;
        if cleaned || synced {
            let api: Api<CronJob> = Api::namespaced(self.client.clone(), namespace);
            api.replace_status(name, &PostParams::default(), &cj)
                .await?;
        }
        if let Some(delay) = requeue_after {
            self.queue.add_after(key, delay);
            return Ok(());
        }
        result
    }
}

mod sync;
