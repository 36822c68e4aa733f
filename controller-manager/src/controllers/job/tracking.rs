//! Counting finished pods with finalizers (upstream's `trackJobStatusAndRemoveFinalizers`):
//! finished pods go into `status.uncountedTerminatedPods` (or, for Indexed Jobs, into
//! `completedIndexes`), the status is written, their tracking finalizers are removed, and the
//! pods whose finalizer is gone move into `succeeded`/`failed`. The terminal condition is
//! written once nothing is left uncounted and no pod is terminating.

use std::collections::HashSet;

use futures::future::join_all;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, PostParams};

use super::conditions::{self as cond};
use super::failure_policy::match_pod_failure_policy;
use super::indexes::completion_index;
use super::sync::{SyncContext, clean_uncounted, is_pod_failed, phase, uid};
use super::{JobController, has_tracking_finalizer, remove_tracking_finalizer};
use crate::controller::Result;
use crate::events::reference_of;

/// The most pods recorded in `uncountedTerminatedPods` at once.
const MAX_UNCOUNTED_PODS: usize = 500;

impl JobController {
    pub(super) async fn track_status_and_remove_finalizers(
        &self,
        ctx: &mut SyncContext,
        mut needs_flush: bool,
    ) -> Result<()> {
        if ctx.indexed {
            ctx.pods
                .sort_by_key(|p| completion_index(p).map_or(-1, |i| i as i64));
        }
        let mut with_finalizer: HashSet<String> = ctx
            .pods
            .iter()
            .filter(|p| has_tracking_finalizer(p) && !ctx.expected_rm_finalizers.contains(&uid(p)))
            .map(uid)
            .collect();
        let status = ctx.status();
        if clean_uncounted(status, &with_finalizer) {
            needs_flush = true;
        }
        let mut to_remove: Vec<Pod> = Vec::new();
        let mut new_succeeded_indexes = Vec::new();
        let mut reached_max = false;
        let job_deleting = ctx.job.metadata.deletion_timestamp.is_some();
        let finished_failing = ctx
            .finished
            .as_ref()
            .is_some_and(|c| c.type_ != cond::SUCCESS_CRITERIA_MET);
        let completions = ctx.completions();
        let pods = ctx.pods.clone();
        for pod in &pods {
            let pod_uid = uid(pod);
            if !has_tracking_finalizer(pod) || ctx.expected_rm_finalizers.contains(&pod_uid) {
                continue;
            }
            let failed = is_pod_failed(pod, &ctx.spec);
            let can_remove =
                job_deleting || ctx.finished.is_some() || phase(pod) == Some("Succeeded") || failed;
            if !can_remove {
                continue;
            }
            to_remove.push(pod.clone());
            if phase(pod) == Some("Succeeded") && !ctx.uncounted_failed.contains(&pod_uid) {
                if ctx.indexed {
                    if let Some(index) = completion_index(pod)
                        && index < completions
                        && !ctx.prev_succeeded_indexes.has(index)
                    {
                        new_succeeded_indexes.push(index);
                        needs_flush = true;
                    }
                } else if !ctx.uncounted_succeeded.contains(&pod_uid) {
                    needs_flush = true;
                    ctx.uncounted()
                        .succeeded
                        .get_or_insert_with(Vec::new)
                        .push(pod_uid.clone());
                }
            } else if (failed || finished_failing)
                && !ctx.uncounted_failed.contains(&pod_uid)
                && (!ctx.indexed || completion_index(pod).is_some_and(|i| i < completions))
            {
                let counts = match &ctx.spec.pod_failure_policy {
                    Some(policy) => match_pod_failure_policy(policy, pod).count_failed,
                    None => true,
                };
                if counts {
                    needs_flush = true;
                    ctx.uncounted()
                        .failed
                        .get_or_insert_with(Vec::new)
                        .push(pod_uid.clone());
                }
            }
            let uncounted = ctx.uncounted();
            let recorded = uncounted.succeeded.as_ref().map_or(0, Vec::len)
                + uncounted.failed.as_ref().map_or(0, Vec::len);
            if new_succeeded_indexes.len() + recorded >= MAX_UNCOUNTED_PODS {
                reached_max = true;
                break;
            }
        }
        if ctx.indexed {
            new_succeeded_indexes.sort_unstable();
            ctx.succeeded_indexes = ctx
                .succeeded_indexes
                .with_ordered_indexes(&new_succeeded_indexes);
            let text = ctx.succeeded_indexes.to_string();
            let total = ctx.succeeded_indexes.total() as i32;
            let status = ctx.status();
            if status.completed_indexes.as_deref().unwrap_or_default() != text {
                needs_flush = true;
            }
            status.succeeded = Some(total);
            status.completed_indexes = Some(text);
        }
        // The interim condition is written before finalizers are removed; the final one is
        // prepared for when every pod is counted.
        if let Some(finished) = ctx.finished.clone() {
            if finished.type_ == cond::FAILURE_TARGET {
                ctx.status()
                    .conditions
                    .get_or_insert_with(Vec::new)
                    .push(finished.clone());
                needs_flush = true;
                ctx.finished = Some(final_condition(cond::FAILED, &finished, ctx.now));
            } else if finished.type_ == cond::SUCCESS_CRITERIA_MET {
                let conditions = ctx.status().conditions.get_or_insert_with(Vec::new);
                if cond::find(conditions, cond::SUCCESS_CRITERIA_MET).is_none() {
                    conditions.push(finished.clone());
                    needs_flush = true;
                }
                ctx.finished = Some(final_condition(cond::COMPLETE, &finished, ctx.now));
            }
        }
        needs_flush = self
            .flush_and_remove_finalizers(ctx, &to_remove, &mut with_finalizer, needs_flush)
            .await?;
        let finished = !reached_max && self.enact_job_finished(ctx);
        if finished {
            needs_flush = true;
        }
        if needs_flush {
            ctx.job = self.update_status(&ctx.job).await?;
            if finished {
                self.record_job_finished(ctx);
            }
        }
        Ok(())
    }

    /// Writes the status (new uncounted pods, interim conditions), removes the finalizers of
    /// `to_remove`, and counts the pods that lost theirs; returns whether the status has
    /// changes left to write.
    async fn flush_and_remove_finalizers(
        &self,
        ctx: &mut SyncContext,
        to_remove: &[Pod],
        with_finalizer: &mut HashSet<String>,
        mut needs_flush: bool,
    ) -> Result<bool> {
        if needs_flush {
            ctx.job = self.update_status(&ctx.job).await?;
            self.backoff.set(&ctx.key, ctx.new_backoff.clone());
            needs_flush = false;
        }
        let mut first_error = None;
        if !to_remove.is_empty() {
            self.finalizer_expectations
                .expect_removed(&ctx.key, to_remove.iter().map(uid));
            let results = join_all(
                to_remove
                    .iter()
                    .map(|p| remove_tracking_finalizer(&self.client, p)),
            )
            .await;
            for (pod, result) in to_remove.iter().zip(results) {
                match result {
                    Ok(()) => {
                        with_finalizer.remove(&uid(pod));
                    }
                    Err(error) => {
                        self.finalizer_expectations.observed(&ctx.key, &uid(pod));
                        first_error.get_or_insert(error);
                    }
                }
            }
        }
        if clean_uncounted(ctx.status(), with_finalizer) {
            needs_flush = true;
        }
        if let Some(error) = first_error {
            if needs_flush {
                ctx.job = self.update_status(&ctx.job).await?;
            }
            return Err(error);
        }
        Ok(needs_flush)
    }

    /// Adds the Complete or Failed condition when nothing is uncounted and no pod is
    /// terminating; returns whether it did.
    fn enact_job_finished(&self, ctx: &mut SyncContext) -> bool {
        let Some(finished) = ctx.finished.clone() else {
            return false;
        };
        let terminating = ctx.terminating;
        let now = ctx.now;
        let status = ctx.status();
        if let Some(uncounted) = &status.uncounted_terminated_pods {
            let count = uncounted.succeeded.as_ref().map_or(0, Vec::len)
                + uncounted.failed.as_ref().map_or(0, Vec::len);
            if count > 0 {
                return false;
            }
        }
        if terminating > 0 {
            return false;
        }
        let conditions = status.conditions.get_or_insert_with(Vec::new);
        cond::ensure_status(
            conditions,
            &finished.type_,
            &finished.status,
            finished.reason.as_deref().unwrap_or_default(),
            finished.message.as_deref().unwrap_or_default(),
            now,
        );
        if finished.type_ == cond::COMPLETE {
            status.completion_time = finished.last_transition_time.clone();
        }
        true
    }

    fn record_job_finished(&self, ctx: &SyncContext) {
        let Some(finished) = &ctx.finished else {
            return;
        };
        let regarding = reference_of(&ctx.job);
        if finished.type_ == cond::COMPLETE {
            let succeeded = ctx
                .job
                .status
                .as_ref()
                .and_then(|s| s.succeeded)
                .unwrap_or(0);
            if ctx.spec.completions.is_some_and(|c| succeeded > c) {
                self.events.warning(
                    regarding.clone(),
                    "TooManySucceededPods",
                    "Complete",
                    "Too many succeeded pods running after completion count reached".to_owned(),
                );
            }
            self.events.normal(
                regarding,
                "Completed",
                "Complete",
                "Job completed".to_owned(),
            );
        } else {
            self.events.warning(
                regarding,
                finished.reason.as_deref().unwrap_or_default(),
                "Fail",
                finished.message.clone().unwrap_or_default(),
            );
        }
    }

    /// `PUT .../status` of `job` (upstream's `UpdateStatus`), guarded by its resourceVersion.
    async fn update_status(&self, job: &Job) -> Result<Job> {
        let namespace = job.metadata.namespace.as_deref().unwrap_or_default();
        let name = job.metadata.name.as_deref().unwrap_or_default();
        let api: Api<Job> = Api::namespaced(self.client.clone(), namespace);
        Ok(api
            .replace_status(name, &PostParams::default(), job)
            .await?)
    }
}

fn final_condition(
    type_: &str,
    interim: &k8s_openapi::api::batch::v1::JobCondition,
    now: k8s_openapi::jiff::Timestamp,
) -> k8s_openapi::api::batch::v1::JobCondition {
    cond::new_condition(
        type_,
        "True",
        interim.reason.as_deref().unwrap_or_default(),
        interim.message.as_deref().unwrap_or_default(),
        now,
    )
}
