//! One Job's sync (upstream's `syncJob`): count finished pods, decide whether the Job
//! succeeded or failed (backoff limit, deadline, pod failure policy), create or delete pods
//! (`manageJob`), and write the status while removing the tracking finalizers of counted
//! pods (`trackJobStatusAndRemoveFinalizers`). Terminal conditions are written in two steps,
//! as upstream 1.31+ does: `SuccessCriteriaMet`/`FailureTarget` first, then `Complete`/`Failed`
//! once every finished pod is counted and no pod is terminating.

use std::collections::HashSet;
use std::time::Duration;

use futures::future::join_all;
use k8s_openapi::api::batch::v1::{Job, JobCondition, JobSpec, UncountedTerminatedPods};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;

use super::backoff::{BackoffRecord, next_record};
use super::conditions::{self as cond, is_finished};
use super::failure_policy::match_pod_failure_policy;
use super::indexes::{self, OrderedIntervals, completion_index, is_indexed};
use super::pods::pod_template;
use super::{
    JobController, SYNC_JOB_BATCH_PERIOD, has_tracking_finalizer, managed_externally,
    remove_tracking_finalizer,
};
use crate::active_pods::{deletion_order, is_pod_active, is_pod_ready};
use crate::controller::{self, Result};
use crate::controller_ref::controller_ref;
use crate::events::reference_of;
use crate::informers::{key_of, split_key};
use crate::pod_control::{pod_from_template, pods_prefix, slow_start_batch};

/// At most this many pods are created or deleted, or counted into uncounted, per sync.
const MAX_PODS_PER_SYNC: usize = 500;

pub(super) fn phase(pod: &Pod) -> Option<&str> {
    pod.status.as_ref().and_then(|s| s.phase.as_deref())
}

pub(super) fn uid(pod: &Pod) -> String {
    pod.metadata.uid.clone().unwrap_or_default()
}

/// Whether only failed pods are replaced (terminating ones are waited for).
fn only_replace_failed(spec: &JobSpec) -> bool {
    spec.pod_replacement_policy.as_deref() == Some("Failed") || spec.pod_failure_policy.is_some()
}

/// Whether the pod counts as failed: Failed, or (unless only failed pods are replaced) being
/// deleted before it succeeded.
pub(super) fn is_pod_failed(pod: &Pod, spec: &JobSpec) -> bool {
    if phase(pod) == Some("Failed") {
        return true;
    }
    if only_replace_failed(spec) {
        return false;
    }
    pod.metadata.deletion_timestamp.is_some() && phase(pod) != Some("Succeeded")
}

fn is_terminating(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some() && !matches!(phase(pod), Some("Succeeded" | "Failed"))
}

/// With restartPolicy OnFailure, whether container restarts reached the backoff limit.
fn past_backoff_limit_on_failure(spec: &JobSpec, pods: &[Pod]) -> bool {
    let restart = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref());
    if restart != Some("OnFailure") {
        return false;
    }
    let restarts: i32 = pods
        .iter()
        .filter(|p| matches!(phase(p), Some("Running" | "Pending")))
        .filter_map(|p| p.status.as_ref())
        .flat_map(|s| {
            s.init_container_statuses
                .iter()
                .flatten()
                .chain(s.container_statuses.iter().flatten())
        })
        .map(|c| c.restart_count)
        .sum();
    let limit = spec.backoff_limit.unwrap_or(6);
    if limit == 0 {
        restarts > 0
    } else {
        restarts >= limit
    }
}

/// The pods to delete among `active`: surplus indexes first, then by upstream's order.
pub fn active_pods_for_removal<'a>(
    job: &Job,
    active: &[&'a Pod],
    at_least: usize,
    now: Timestamp,
) -> Vec<&'a Pod> {
    let (mut remove, mut left) = if is_indexed(job) {
        let completions = job_completions(job).unwrap_or(0).max(0) as usize;
        indexes::surplus_indexed_pods(active, completions, now)
    } else {
        (Vec::new(), active.to_vec())
    };
    if remove.len() < at_least {
        left.sort_by(|a, b| deletion_order(a, 0, b, 0, now));
        let more = (at_least - remove.len()).min(left.len());
        remove.extend(left.drain(..more));
    }
    remove
}

fn job_completions(job: &Job) -> Option<i32> {
    job.spec.as_ref().and_then(|s| s.completions)
}

/// What one sync works on.
pub(super) struct SyncContext {
    pub(super) key: String,
    pub(super) job: Job,
    pub(super) spec: JobSpec,
    pub(super) pods: Vec<Pod>,
    pub(super) indexed: bool,
    pub(super) finished: Option<JobCondition>,
    pub(super) succeeded: i32,
    pub(super) prev_succeeded_indexes: OrderedIntervals,
    pub(super) succeeded_indexes: OrderedIntervals,
    pub(super) new_backoff: BackoffRecord,
    pub(super) expected_rm_finalizers: HashSet<String>,
    pub(super) uncounted_succeeded: HashSet<String>,
    pub(super) uncounted_failed: HashSet<String>,
    pub(super) terminating: i32,
    pub(super) ready: i32,
    pub(super) now: Timestamp,
}

impl SyncContext {
    pub(super) fn active_pods(&self) -> Vec<&Pod> {
        self.pods.iter().filter(|p| is_pod_active(p)).collect()
    }

    pub(super) fn completions(&self) -> usize {
        self.spec.completions.unwrap_or(0).max(0) as usize
    }

    fn has_valid_index(&self, pod: &Pod) -> bool {
        !self.indexed || completion_index(pod).is_some_and(|i| i < self.completions())
    }

    /// Pods finished since the last count: with the finalizer, not in uncounted, not
    /// expected to lose the finalizer, with a valid index.
    fn new_finished(
        &self,
        uncounted: &HashSet<String>,
        filter: impl Fn(&Pod) -> bool,
    ) -> Vec<&Pod> {
        self.pods
            .iter()
            .filter(|p| {
                let u = uid(p);
                has_tracking_finalizer(p)
                    && !uncounted.contains(&u)
                    && !self.expected_rm_finalizers.contains(&u)
                    && self.has_valid_index(p)
                    && filter(p)
            })
            .collect()
    }

    pub(super) fn status(&mut self) -> &mut k8s_openapi::api::batch::v1::JobStatus {
        self.job.status.get_or_insert_with(Default::default)
    }

    pub(super) fn uncounted(&mut self) -> &mut UncountedTerminatedPods {
        self.status()
            .uncounted_terminated_pods
            .get_or_insert_with(Default::default)
    }
}

impl JobController {
    pub(super) async fn sync_job(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        if namespace.is_empty() || name.is_empty() {
            return Err(controller::Error::Invalid(format!(
                "invalid job key {key:?}: either namespace or name is missing"
            )));
        }
        let Some(shared) = self.jobs.get(namespace, name) else {
            self.expectations.delete(key);
            self.finalizer_expectations.delete(key);
            self.backoff.remove(key);
            return Ok(());
        };
        if managed_externally(&shared) {
            return Ok(());
        }
        if is_finished(&shared) {
            self.backoff.remove(key);
            return Ok(());
        }
        let mut job = (*shared).clone();
        let spec = job.spec.clone().unwrap_or_default();
        let mode = spec.completion_mode.as_deref().unwrap_or("NonIndexed");
        if mode != "NonIndexed" && mode != "Indexed" {
            self.events.warning(
                reference_of(&job),
                "UnknownCompletionMode",
                "Sync",
                "Skipped Job sync because completion mode is unknown".to_owned(),
            );
            return Ok(());
        }
        let status = job.status.get_or_insert_with(Default::default);
        let uncounted = status
            .uncounted_terminated_pods
            .get_or_insert_with(Default::default)
            .clone();
        let satisfied = self.expectations.satisfied(key);
        let pods = self.pods_for_job(&job).await?;
        let now = Timestamp::now();
        let mut ctx = SyncContext {
            key: key.to_owned(),
            indexed: mode == "Indexed",
            finished: None,
            succeeded: 0,
            prev_succeeded_indexes: OrderedIntervals::default(),
            succeeded_indexes: OrderedIntervals::default(),
            new_backoff: BackoffRecord::default(),
            expected_rm_finalizers: self.finalizer_expectations.expected(key),
            uncounted_succeeded: uncounted.succeeded.iter().flatten().cloned().collect(),
            uncounted_failed: uncounted.failed.iter().flatten().cloned().collect(),
            terminating: pods.iter().filter(|p| is_terminating(p)).count() as i32,
            ready: pods
                .iter()
                .filter(|p| is_pod_active(p) && is_pod_ready(p))
                .count() as i32,
            pods,
            spec,
            job,
            now,
        };
        let active_count = ctx.active_pods().len() as i32;
        let (new_succeeded, new_failed, record) = {
            let succeeded =
                ctx.new_finished(&ctx.uncounted_succeeded, |p| phase(p) == Some("Succeeded"));
            let failed = ctx.new_finished(&ctx.uncounted_failed, |p| is_pod_failed(p, &ctx.spec));
            let record = next_record(&self.backoff.get(key), &succeeded, &failed);
            let counted_failures = match &ctx.spec.pod_failure_policy {
                Some(policy) => failed
                    .iter()
                    .filter(|p| match_pod_failure_policy(policy, p).count_failed)
                    .count(),
                None => failed.len(),
            };
            (succeeded.len() as i32, counted_failures as i32, record)
        };
        ctx.new_backoff = record;
        let status = ctx.job.status.clone().unwrap_or_default();
        ctx.succeeded =
            status.succeeded.unwrap_or(0) + new_succeeded + ctx.uncounted_succeeded.len() as i32;
        let failed = status.failed.unwrap_or(0) + new_failed + ctx.uncounted_failed.len() as i32;
        let suspended = ctx.spec.suspend.unwrap_or(false);
        if status.start_time.is_none() && !suspended {
            ctx.status().start_time = Some(Time(now));
        }

        let conditions = status.conditions.clone().unwrap_or_default();
        ctx.finished = cond::find(&conditions, cond::SUCCESS_CRITERIA_MET)
            .filter(|c| c.status == "True")
            .cloned();
        if ctx.finished.is_none() {
            if let Some(target) =
                cond::find(&conditions, cond::FAILURE_TARGET).filter(|c| c.status == "True")
            {
                ctx.finished = Some(cond::new_condition(
                    cond::FAILED,
                    "True",
                    target.reason.as_deref().unwrap_or_default(),
                    target.message.as_deref().unwrap_or_default(),
                    now,
                ));
            } else if let Some(message) = fail_job_message(&ctx) {
                ctx.finished = Some(cond::new_condition(
                    cond::FAILURE_TARGET,
                    "True",
                    cond::REASON_POD_FAILURE_POLICY,
                    &message,
                    now,
                ));
            }
        }
        if ctx.finished.is_none() {
            let backoff_limit = ctx.spec.backoff_limit.unwrap_or(6);
            if failed > backoff_limit || past_backoff_limit_on_failure(&ctx.spec, &ctx.pods) {
                ctx.finished = Some(cond::new_condition(
                    cond::FAILURE_TARGET,
                    "True",
                    cond::REASON_BACKOFF_LIMIT_EXCEEDED,
                    cond::MESSAGE_BACKOFF_LIMIT_EXCEEDED,
                    now,
                ));
            } else if cond::past_active_deadline(&ctx.job, now) {
                ctx.finished = Some(cond::new_condition(
                    cond::FAILURE_TARGET,
                    "True",
                    cond::REASON_DEADLINE_EXCEEDED,
                    cond::MESSAGE_DEADLINE_EXCEEDED,
                    now,
                ));
            } else if let (Some(deadline), false) = (ctx.spec.active_deadline_seconds, suspended) {
                let start = ctx
                    .job
                    .status
                    .as_ref()
                    .and_then(|s| s.start_time.as_ref())
                    .map_or(now, |t| t.0);
                let left = k8s_openapi::jiff::SignedDuration::from_secs(deadline)
                    - now.duration_since(start);
                self.queue
                    .add_after(key, Duration::try_from(left).unwrap_or(Duration::ZERO));
            }
        }

        if ctx.indexed {
            let completed = status.completed_indexes.clone().unwrap_or_default();
            let pods: Vec<&Pod> = ctx.pods.iter().collect();
            let (previous, current) = indexes::succeeded_indexes(
                &completed,
                ctx.completions(),
                &pods,
                has_tracking_finalizer,
            );
            ctx.succeeded = current.total() as i32;
            ctx.prev_succeeded_indexes = previous;
            ctx.succeeded_indexes = current;
        }

        let mut suspend_changed = false;
        let mut manage_error = None;
        let mut active = active_count;
        if ctx.finished.is_some() {
            let active_pods: Vec<Pod> = ctx.active_pods().into_iter().cloned().collect();
            let (deleted_ready, deleted, error) =
                self.delete_active_pods(&ctx.job, &active_pods).await;
            if deleted != active || !satisfied {
                ctx.finished = None;
            }
            active -= deleted;
            ctx.terminating += deleted;
            ctx.ready -= deleted_ready;
            manage_error = error;
        } else {
            let mut managed = false;
            if satisfied && ctx.job.metadata.deletion_timestamp.is_none() {
                let (now_active, error) = self.manage_job(&mut ctx).await;
                active = now_active;
                manage_error = error;
                managed = true;
            }
            if cond::is_complete(ctx.spec.completions, ctx.succeeded, active) {
                ctx.finished = Some(cond::new_condition(
                    cond::SUCCESS_CRITERIA_MET,
                    "True",
                    cond::REASON_COMPLETIONS_REACHED,
                    cond::MESSAGE_COMPLETIONS_REACHED,
                    now,
                ));
            } else if managed {
                let conditions = ctx.status().conditions.get_or_insert_with(Vec::new);
                if suspended {
                    if cond::ensure_status(
                        conditions,
                        cond::SUSPENDED,
                        "True",
                        "JobSuspended",
                        "Job suspended",
                        now,
                    ) {
                        suspend_changed = true;
                        self.events.normal(
                            reference_of(&ctx.job),
                            "Suspended",
                            "Suspend",
                            "Job suspended".to_owned(),
                        );
                    }
                } else if cond::ensure_status(
                    conditions,
                    cond::SUSPENDED,
                    "False",
                    "JobResumed",
                    "Job resumed",
                    now,
                ) {
                    suspend_changed = true;
                    self.events.normal(
                        reference_of(&ctx.job),
                        "Resumed",
                        "Resume",
                        "Job resumed".to_owned(),
                    );
                    // The deadline counts from the resumption.
                    ctx.status().start_time = Some(Time(now));
                }
            }
        }

        let (ready, terminating) = (ctx.ready, ctx.terminating);
        let status = ctx.status();
        let needs_update = suspend_changed
            || status.active.unwrap_or(0) != active
            || status.ready != Some(ready)
            || status.terminating != Some(terminating);
        status.active = Some(active);
        status.ready = Some(ready);
        status.terminating = Some(terminating);
        self.track_status_and_remove_finalizers(&mut ctx, needs_update)
            .await?;
        manage_error.map_or(Ok(()), Err)
    }

    /// Creates or deletes pods toward the wanted number of active pods (upstream's
    /// `manageJob`); returns the number of active pods after it, and the first error.
    async fn manage_job(&self, ctx: &mut SyncContext) -> (i32, Option<controller::Error>) {
        let active_pods: Vec<Pod> = ctx.active_pods().into_iter().cloned().collect();
        let mut active = active_pods.len() as i32;
        let refs: Vec<&Pod> = active_pods.iter().collect();
        if ctx.spec.suspend.unwrap_or(false) {
            let to_delete: Vec<Pod> = active_pods_for_removal(&ctx.job, &refs, refs.len(), ctx.now)
                .into_iter()
                .cloned()
                .collect();
            let (ready, removed, error) = self.delete_job_pods(ctx, &to_delete).await;
            ctx.terminating += removed;
            ctx.ready -= ready;
            return (active - removed, error);
        }
        let want = cond::want_active(
            ctx.spec.completions,
            ctx.spec.parallelism.unwrap_or(1),
            ctx.succeeded,
            active,
        );
        let remove_at_least = (active - want).max(0) as usize;
        let mut to_delete: Vec<Pod> =
            active_pods_for_removal(&ctx.job, &refs, remove_at_least, ctx.now)
                .into_iter()
                .cloned()
                .collect();
        to_delete.truncate(MAX_PODS_PER_SYNC);
        if !to_delete.is_empty() {
            let (ready, removed, error) = self.delete_job_pods(ctx, &to_delete).await;
            ctx.terminating += removed;
            ctx.ready -= ready;
            return (active - removed, error);
        }
        let terminating = if only_replace_failed(&ctx.spec) {
            ctx.terminating
        } else {
            0
        };
        let diff = want - terminating - active;
        if diff <= 0 {
            return (active, None);
        }
        let wait = ctx.new_backoff.remaining(ctx.now);
        if !wait.is_zero() {
            self.queue
                .add_after(ctx.key.clone(), wait.max(SYNC_JOB_BATCH_PERIOD));
            return (active, None);
        }
        let mut diff = (diff as usize).min(MAX_PODS_PER_SYNC);
        let pending_indexes = if ctx.indexed {
            let list = indexes::first_pending_indexes(
                &ctx.succeeded_indexes,
                &refs,
                diff,
                ctx.completions(),
            );
            diff = list.len();
            list
        } else {
            Vec::new()
        };
        if diff == 0 {
            return (active, None);
        }
        self.expectations.expect(&ctx.key, diff as i64, 0);
        let mut template = pod_template(&ctx.job);
        if ctx.indexed {
            indexes::add_completion_index_env(&mut template);
        }
        let job_name = ctx.job.metadata.name.clone().unwrap_or_default();
        let namespace = ctx.job.metadata.namespace.clone().unwrap_or_default();
        let owner = controller_ref(&ctx.job);
        let regarding = reference_of(&ctx.job);
        let (created, error) = slow_start_batch(
            diff,
            crate::pod_control::SLOW_START_INITIAL_BATCH_SIZE,
            |i| {
                let mut template = template.clone();
                let generate_name = match pending_indexes.get(i) {
                    Some(&index) => {
                        indexes::set_completion_index(&mut template, &job_name, index);
                        indexes::generate_name_with_index(&job_name, index)
                    }
                    None => pods_prefix(&job_name),
                };
                let pod = pod_from_template(&template, &namespace, &generate_name, Some(&owner));
                let regarding = regarding.clone();
                async move { self.pod_control.create(&pod, &regarding).await.map(|_| ()) }
            },
        )
        .await;
        // Creates that failed or were skipped will never be observed.
        for _ in created..diff {
            self.expectations.creation_observed(&ctx.key);
        }
        active += created as i32;
        (active, error)
    }

    /// Deletes pods after removing their finalizer (suspension, surplus pods); returns the
    /// deleted ready pods, the deleted pods and the first error.
    async fn delete_job_pods(
        &self,
        ctx: &SyncContext,
        pods: &[Pod],
    ) -> (i32, i32, Option<controller::Error>) {
        self.expectations
            .expect_deletions(&ctx.key, pods.iter().map(key_of).collect());
        let regarding = reference_of(&ctx.job);
        let results = join_all(pods.iter().map(|pod| {
            let regarding = regarding.clone();
            async move {
                remove_tracking_finalizer(&self.client, pod).await?;
                let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
                let name = pod.metadata.name.as_deref().unwrap_or_default();
                self.pod_control.delete(namespace, name, &regarding).await
            }
        }))
        .await;
        self.tally_deletions(&ctx.key, pods, results)
    }

    /// Deletes the active pods of a Job that finished, keeping their finalizers (they are
    /// counted once terminated).
    async fn delete_active_pods(
        &self,
        job: &Job,
        pods: &[Pod],
    ) -> (i32, i32, Option<controller::Error>) {
        let regarding = reference_of(job);
        let results = join_all(pods.iter().map(|pod| {
            let regarding = regarding.clone();
            async move {
                let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
                let name = pod.metadata.name.as_deref().unwrap_or_default();
                self.pod_control.delete(namespace, name, &regarding).await
            }
        }))
        .await;
        self.tally_deletions("", pods, results)
    }

    fn tally_deletions(
        &self,
        key: &str,
        pods: &[Pod],
        results: Vec<Result<()>>,
    ) -> (i32, i32, Option<controller::Error>) {
        let (mut ready, mut deleted, mut first_error) = (0, 0, None);
        for (pod, result) in pods.iter().zip(results) {
            match result {
                Ok(()) => {
                    deleted += 1;
                    if is_pod_ready(pod) {
                        ready += 1;
                    }
                }
                Err(error) => {
                    if !key.is_empty() {
                        self.expectations.deletion_of_observed(key, &key_of(pod));
                    }
                    first_error.get_or_insert(error);
                }
            }
        }
        (ready, deleted, first_error)
    }
}

/// The FailJob message of the first failed pod a FailJob rule matches.
fn fail_job_message(ctx: &SyncContext) -> Option<String> {
    let policy = ctx.spec.pod_failure_policy.as_ref()?;
    ctx.pods
        .iter()
        .filter(|p| is_pod_failed(p, &ctx.spec))
        .find_map(|p| match_pod_failure_policy(policy, p).fail_job_message)
}

/// Moves the uncounted pods whose finalizer is gone into the counters; returns whether the
/// status changed.
pub(super) fn clean_uncounted(
    status: &mut k8s_openapi::api::batch::v1::JobStatus,
    with_finalizer: &HashSet<String>,
) -> bool {
    let mut changed = false;
    let uncounted = status
        .uncounted_terminated_pods
        .get_or_insert_with(Default::default);
    let mut moved_succeeded = 0;
    if let Some(list) = uncounted.succeeded.as_mut() {
        let before = list.len();
        list.retain(|u| with_finalizer.contains(u));
        moved_succeeded = (before - list.len()) as i32;
    }
    let mut moved_failed = 0;
    if let Some(list) = uncounted.failed.as_mut() {
        let before = list.len();
        list.retain(|u| with_finalizer.contains(u));
        moved_failed = (before - list.len()) as i32;
    }
    if moved_succeeded > 0 {
        status.succeeded = Some(status.succeeded.unwrap_or(0) + moved_succeeded);
        changed = true;
    }
    if moved_failed > 0 {
        status.failed = Some(status.failed.unwrap_or(0) + moved_failed);
        changed = true;
    }
    changed
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(name: &str, phase: &str, deleting: bool) -> Pod {
        let mut meta =
            json!({"name": name, "uid": name, "creationTimestamp": "2026-01-01T00:00:00Z"});
        if deleting {
            meta["deletionTimestamp"] = json!("2026-01-01T00:01:00Z");
        }
        serde_json::from_value(
            json!({"metadata": meta, "spec": {"containers": []}, "status": {"phase": phase}}),
        )
        .unwrap()
    }

    #[test]
    fn deleted_pods_count_as_failed_unless_only_failed_pods_are_replaced() {
        let spec: JobSpec = serde_json::from_value(json!({"template": {}})).unwrap();
        assert!(is_pod_failed(&pod("a", "Failed", false), &spec));
        assert!(is_pod_failed(&pod("b", "Running", true), &spec));
        assert!(!is_pod_failed(&pod("c", "Succeeded", true), &spec));
        let failed_only: JobSpec =
            serde_json::from_value(json!({"template": {}, "podReplacementPolicy": "Failed"}))
                .unwrap();
        assert!(!is_pod_failed(&pod("b", "Running", true), &failed_only));
        assert!(is_terminating(&pod("b", "Running", true)));
    }

    #[test]
    fn uncounted_pods_without_finalizers_move_into_the_counters() {
        let mut status: k8s_openapi::api::batch::v1::JobStatus = serde_json::from_value(json!({
            "succeeded": 2, "uncountedTerminatedPods": {"succeeded": ["a", "b"], "failed": ["c"]}
        }))
        .unwrap();
        let with_finalizer: HashSet<String> = ["b".to_owned()].into();
        assert!(clean_uncounted(&mut status, &with_finalizer));
        assert_eq!(status.succeeded, Some(3));
        assert_eq!(status.failed, Some(1));
        let uncounted = status.uncounted_terminated_pods.unwrap();
        assert_eq!(uncounted.succeeded.unwrap(), ["b"]);
        assert!(uncounted.failed.unwrap().is_empty());
    }

    #[test]
    fn surplus_pods_are_chosen_by_upstreams_order() {
        let job: Job = serde_json::from_value(json!({"spec": {"template": {}}})).unwrap();
        let pending = pod("pending", "Pending", false);
        let running = pod("running", "Running", false);
        let now: Timestamp = "2026-01-01T01:00:00Z".parse().unwrap();
        let removed = active_pods_for_removal(&job, &[&running, &pending], 1, now);
        assert_eq!(removed[0].metadata.name.as_deref(), Some("pending"));
    }
}
