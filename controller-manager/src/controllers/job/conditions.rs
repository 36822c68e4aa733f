//! Job conditions and the pure decisions over counters: whether a Job finished, how its
//! conditions change, and how many pods should be active.

use k8s_openapi::api::batch::v1::{Job, JobCondition};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;

pub const COMPLETE: &str = "Complete";
pub const FAILED: &str = "Failed";
pub const SUSPENDED: &str = "Suspended";
pub const FAILURE_TARGET: &str = "FailureTarget";
pub const SUCCESS_CRITERIA_MET: &str = "SuccessCriteriaMet";

pub const REASON_BACKOFF_LIMIT_EXCEEDED: &str = "BackoffLimitExceeded";
pub const REASON_DEADLINE_EXCEEDED: &str = "DeadlineExceeded";
pub const REASON_POD_FAILURE_POLICY: &str = "PodFailurePolicy";
pub const REASON_COMPLETIONS_REACHED: &str = "CompletionsReached";
pub const MESSAGE_BACKOFF_LIMIT_EXCEEDED: &str = "Job has reached the specified backoff limit";
pub const MESSAGE_DEADLINE_EXCEEDED: &str = "Job was active longer than specified deadline";
pub const MESSAGE_COMPLETIONS_REACHED: &str = "Reached expected number of succeeded pods";

/// The Job's true Complete or Failed condition type, if any.
pub fn finished_type(job: &Job) -> Option<&str> {
    job.status
        .as_ref()?
        .conditions
        .iter()
        .flatten()
        .find(|c| (c.type_ == COMPLETE || c.type_ == FAILED) && c.status == "True")
        .map(|c| c.type_.as_str())
}

/// Whether the Job is Complete or Failed.
pub fn is_finished(job: &Job) -> bool {
    finished_type(job).is_some()
}

/// The condition of `type_` in `list`.
pub fn find<'a>(list: &'a [JobCondition], type_: &str) -> Option<&'a JobCondition> {
    list.iter().find(|c| c.type_ == type_)
}

/// A condition that starts now.
pub fn new_condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: Timestamp,
) -> JobCondition {
    JobCondition {
        type_: type_.to_owned(),
        status: status.to_owned(),
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
        message: (!message.is_empty()).then(|| message.to_owned()),
        last_probe_time: Some(Time(now)),
        last_transition_time: Some(Time(now)),
    }
}

/// Sets the condition of `type_` (a False one is only added over an existing one); returns
/// whether the list changed.
pub fn ensure_status(
    list: &mut Vec<JobCondition>,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: Timestamp,
) -> bool {
    if let Some(existing) = list.iter_mut().find(|c| c.type_ == type_) {
        if existing.status != status
            || existing.reason.as_deref().unwrap_or_default() != reason
            || existing.message.as_deref().unwrap_or_default() != message
        {
            *existing = new_condition(type_, status, reason, message, now);
            return true;
        }
        return false;
    }
    if status != "False" {
        list.push(new_condition(type_, status, reason, message, now));
        return true;
    }
    false
}

/// How many pods should be active: all of `parallelism` while no pod succeeded when
/// completions are unset (then whatever runs), otherwise at most the remaining completions.
pub fn want_active(completions: Option<i32>, parallelism: i32, succeeded: i32, active: i32) -> i32 {
    match completions {
        None if succeeded > 0 => active,
        None => parallelism,
        Some(completions) => (completions - succeeded).min(parallelism).max(0),
    }
}

/// Whether the Job is complete: with completions, once enough pods succeeded and none is
/// active; without, once any pod succeeded and none is active.
pub fn is_complete(completions: Option<i32>, succeeded: i32, active: i32) -> bool {
    active == 0
        && match completions {
            None => succeeded > 0,
            Some(c) => succeeded >= c,
        }
}

/// Whether the Job has run longer than `activeDeadlineSeconds` at `now`.
pub fn past_active_deadline(job: &Job, now: Timestamp) -> bool {
    let spec = job.spec.as_ref();
    let (Some(deadline), Some(start)) = (
        spec.and_then(|s| s.active_deadline_seconds),
        job.status.as_ref().and_then(|s| s.start_time.as_ref()),
    ) else {
        return false;
    };
    if spec.and_then(|s| s.suspend).unwrap_or(false) {
        return false;
    }
    now.duration_since(start.0) >= k8s_openapi::jiff::SignedDuration::from_secs(deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_pods_are_bounded_by_parallelism_and_remaining_completions() {
        assert_eq!(want_active(Some(5), 2, 0, 0), 2);
        assert_eq!(want_active(Some(5), 2, 4, 1), 1);
        assert_eq!(want_active(Some(5), 2, 5, 0), 0);
        assert_eq!(want_active(Some(5), 2, 7, 0), 0);
        assert_eq!(want_active(None, 3, 0, 1), 3);
        // Without completions, nothing new starts once a pod succeeded.
        assert_eq!(want_active(None, 3, 1, 2), 2);
    }

    #[test]
    fn completion_needs_no_active_pods() {
        assert!(is_complete(Some(5), 5, 0));
        assert!(!is_complete(Some(5), 5, 1));
        assert!(!is_complete(Some(5), 4, 0));
        assert!(is_complete(None, 1, 0));
        assert!(!is_complete(None, 0, 0));
    }

    #[test]
    fn conditions_are_added_or_updated_but_false_is_not_added() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let mut list = Vec::new();
        assert!(!ensure_status(
            &mut list,
            SUSPENDED,
            "False",
            "JobResumed",
            "Job resumed",
            now
        ));
        assert!(ensure_status(
            &mut list,
            SUSPENDED,
            "True",
            "JobSuspended",
            "Job suspended",
            now
        ));
        assert!(!ensure_status(
            &mut list,
            SUSPENDED,
            "True",
            "JobSuspended",
            "Job suspended",
            now
        ));
        assert!(ensure_status(
            &mut list,
            SUSPENDED,
            "False",
            "JobResumed",
            "Job resumed",
            now
        ));
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].status, "False");
    }

    #[test]
    fn the_deadline_counts_from_the_start_time() {
        let job: Job = serde_json::from_value(serde_json::json!({
            "spec": {"activeDeadlineSeconds": 10, "template": {}},
            "status": {"startTime": "2026-01-01T00:00:00Z"}
        }))
        .unwrap();
        assert!(!past_active_deadline(
            &job,
            "2026-01-01T00:00:09Z".parse().unwrap()
        ));
        assert!(past_active_deadline(
            &job,
            "2026-01-01T00:00:10Z".parse().unwrap()
        ));
    }
}
