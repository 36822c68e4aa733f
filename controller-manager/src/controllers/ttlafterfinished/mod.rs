//! ttl-after-finished-controller (upstream's `pkg/controller/ttlafterfinished`): deletes a
//! finished Job `spec.ttlSecondsAfterFinished` seconds after its Complete or Failed
//! condition's `lastTransitionTime`. The TTL is checked again on a fresh read before the
//! delete, which is foreground and guarded by the Job's uid and resourceVersion.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::batch::v1::Job;
use kube::api::{Api, DeleteParams, Preconditions, PropagationPolicy};

use crate::controller::{self, Reconcile, Result, run_workers};
use crate::controllers::job::conditions::{COMPLETE, FAILED};
use crate::controllers::{ControllerContext, Running};
use crate::informers::{Change, Lister, key_of, split_key};
use crate::workqueue::WorkQueue;

pub const NAME: &str = "ttl-after-finished-controller";

pub struct TtlAfterFinishedController {
    client: kube::Client,
    jobs: Lister<Job>,
    queue: Arc<WorkQueue>,
}

/// Whether the Job waits for deletion: it has a TTL, is finished, and is not being deleted.
pub fn needs_cleanup(job: &Job) -> bool {
    job.metadata.deletion_timestamp.is_none()
        && job
            .spec
            .as_ref()
            .and_then(|s| s.ttl_seconds_after_finished)
            .is_some()
        && crate::controllers::job::conditions::is_finished(job)
}

/// When the Job finished: its true Complete or Failed condition's transition time.
pub fn finish_time(job: &Job) -> Result<Timestamp, String> {
    let namespace = job.metadata.namespace.as_deref().unwrap_or_default();
    let name = job.metadata.name.as_deref().unwrap_or_default();
    let condition = job
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .find(|c| (c.type_ == COMPLETE || c.type_ == FAILED) && c.status == "True")
        .ok_or_else(|| {
            format!("unable to find the status of the finished Job {namespace}/{name}")
        })?;
    condition
        .last_transition_time
        .as_ref()
        .map(|t| t.0)
        .filter(|t| *t != Timestamp::default())
        .ok_or_else(|| format!("unable to find the time when the Job {namespace}/{name} finished"))
}

/// The time left before the Job expires at `now` (negative or zero: expired), and when it
/// expires; `None` when the Job needs no cleanup.
pub fn time_left(job: &Job, now: Timestamp) -> Result<Option<(SignedDuration, Timestamp)>, String> {
    if !needs_cleanup(job) {
        return Ok(None);
    }
    let ttl = job
        .spec
        .as_ref()
        .and_then(|s| s.ttl_seconds_after_finished)
        .unwrap_or(0);
    let finished = finish_time(job)?;
    if finished > now {
        tracing::info!(job = %key_of(job), "Job finished in the future (clock skew?); cleanup deferred");
    }
    let expires = finished
        .checked_add(SignedDuration::from_secs(i64::from(ttl)))
        .map_err(|e| e.to_string())?;
    Ok(Some((expires.duration_since(now), expires)))
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("ttl_jobs_to_delete", context.metrics.clone());
    let jobs = context.informers.informer::<Job>();
    {
        let queue = queue.clone();
        jobs.on_change(move |change| match change {
            Change::Added(job) | Change::Updated { new: job, .. } => {
                if needs_cleanup(job) {
                    queue.add(key_of(&***job));
                }
            }
            Change::Deleted(_) => {}
        });
    }
    let controller = Arc::new(TtlAfterFinishedController {
        client: context.client.clone(),
        jobs: jobs.lister(),
        queue: queue.clone(),
    });
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        context.options.concurrent_ttl_after_finished_syncs,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

impl TtlAfterFinishedController {
    /// Whether the Job has expired; otherwise requeues it for when it will.
    fn expired(&self, key: &str, job: &Job) -> Result<bool> {
        let Some((left, _)) =
            time_left(job, Timestamp::now()).map_err(controller::Error::Invalid)?
        else {
            return Ok(false);
        };
        if left.is_positive() {
            self.queue
                .add_after(key, Duration::try_from(left).unwrap_or(Duration::ZERO));
            return Ok(false);
        }
        Ok(true)
    }
}

#[async_trait::async_trait]
impl Reconcile for TtlAfterFinishedController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(cached) = self.jobs.get(namespace, name) else {
            return Ok(());
        };
        if !self.expired(key, &cached)? {
            return Ok(());
        }
        // The cache may be stale (the TTL changed, the Job was recreated): check again.
        let api: Api<Job> = Api::namespaced(self.client.clone(), namespace);
        let fresh = match api.get(name).await {
            Ok(job) => job,
            Err(error) if controller::is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error.into()),
        };
        if !self.expired(key, &fresh)? {
            return Ok(());
        }
        let params = DeleteParams {
            propagation_policy: Some(PropagationPolicy::Foreground),
            preconditions: Some(Preconditions {
                uid: fresh.metadata.uid.clone(),
                resource_version: fresh.metadata.resource_version.clone(),
            }),
            ..DeleteParams::default()
        };
        tracing::info!(job = %key, "cleaning up a finished Job past its TTL");
        api.delete(name, &params).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn job(ttl: Option<i32>, condition: Option<(&str, &str)>) -> Job {
        let mut spec = json!({"template": {}});
        if let Some(ttl) = ttl {
            spec["ttlSecondsAfterFinished"] = json!(ttl);
        }
        let conditions: Vec<_> = condition
            .into_iter()
            .map(|(t, at)| json!({"type": t, "status": "True", "lastTransitionTime": at}))
            .collect();
        serde_json::from_value(json!({
            "metadata": {"name": "j", "namespace": "ns"},
            "spec": spec,
            "status": {"conditions": conditions},
        }))
        .unwrap()
    }

    #[test]
    fn only_finished_jobs_with_a_ttl_expire_ttl_seconds_after_finishing() {
        let now: Timestamp = "2026-01-01T00:01:00Z".parse().unwrap();
        assert_eq!(
            time_left(&job(None, Some(("Complete", "2026-01-01T00:00:00Z"))), now),
            Ok(None)
        );
        assert_eq!(time_left(&job(Some(10), None), now), Ok(None));
        let (left, expires) = time_left(
            &job(Some(100), Some(("Complete", "2026-01-01T00:00:00Z"))),
            now,
        )
        .unwrap()
        .unwrap();
        assert_eq!(left, SignedDuration::from_secs(40));
        assert_eq!(
            expires,
            "2026-01-01T00:01:40Z".parse::<Timestamp>().unwrap()
        );
        let (left, _) = time_left(&job(Some(0), Some(("Failed", "2026-01-01T00:00:30Z"))), now)
            .unwrap()
            .unwrap();
        assert_eq!(left, SignedDuration::from_secs(-30));
    }
}
