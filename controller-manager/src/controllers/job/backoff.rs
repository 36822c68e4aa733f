//! The delay before failed pods are replaced (upstream's `backoff_utils.go`): per Job, the
//! failures since the last success and when the last one happened; the delay is 10 s doubling
//! per further failure, capped at 10 minutes, counted from the last failure.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;

/// The first delay after a failure.
pub const DEFAULT_POD_FAILURE_BACKOFF: Duration = Duration::from_secs(10);
/// The longest delay.
pub const MAX_POD_FAILURE_BACKOFF: Duration = Duration::from_secs(10 * 60);

/// Failures after the last success of one Job.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackoffRecord {
    pub failures_after_last_success: u32,
    pub last_failure_time: Option<Timestamp>,
}

impl BackoffRecord {
    /// How long until a failed pod may be replaced, at `now`.
    pub fn remaining(&self, now: Timestamp) -> Duration {
        remaining_for_failures(
            self.failures_after_last_success,
            self.last_failure_time,
            now,
        )
    }
}

/// The delay for `failures` failures, the last at `last_failure`, remaining at `now`.
pub fn remaining_for_failures(
    failures: u32,
    last_failure: Option<Timestamp>,
    now: Timestamp,
) -> Duration {
    let Some(last) = last_failure else {
        return Duration::ZERO;
    };
    if failures == 0 {
        return Duration::ZERO;
    }
    let mut delay = DEFAULT_POD_FAILURE_BACKOFF;
    for _ in 1..failures {
        delay = delay.saturating_mul(2);
        if delay >= MAX_POD_FAILURE_BACKOFF {
            delay = MAX_POD_FAILURE_BACKOFF;
            break;
        }
    }
    let elapsed = Duration::try_from(now.duration_since(last)).unwrap_or(Duration::ZERO);
    delay.saturating_sub(elapsed)
}

/// When a pod finished: its containers' latest finish, else its Ready=False transition, else
/// its deletion, else its creation.
pub fn finished_time(pod: &Pod) -> Timestamp {
    let status = pod.status.as_ref();
    let from_containers = status
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|c| c.state.as_ref()?.terminated.as_ref()?.finished_at.as_ref())
        .map(|t| t.0)
        .max();
    let from_ready = || {
        status?
            .conditions
            .as_ref()?
            .iter()
            .find(|c| c.type_ == "Ready" && c.status == "False")?
            .last_transition_time
            .as_ref()
            .map(|t| t.0)
    };
    from_containers
        .or_else(from_ready)
        .or_else(|| pod.metadata.deletion_timestamp.as_ref().map(|t| t.0))
        .or_else(|| pod.metadata.creation_timestamp.as_ref().map(|t| t.0))
        .unwrap_or_default()
}

/// The record after the newly finished pods of a sync.
pub fn next_record(
    previous: &BackoffRecord,
    new_succeeded: &[&Pod],
    new_failed: &[&Pod],
) -> BackoffRecord {
    let mut failed_times: Vec<Timestamp> = new_failed.iter().map(|p| finished_time(p)).collect();
    failed_times.sort();
    let last_success = new_succeeded.iter().map(|p| finished_time(p)).max();
    match last_success {
        None => {
            let Some(&last) = failed_times.last() else {
                return previous.clone();
            };
            BackoffRecord {
                failures_after_last_success: previous.failures_after_last_success
                    + failed_times.len() as u32,
                last_failure_time: Some(last),
            }
        }
        Some(success) => {
            let after: Vec<Timestamp> = failed_times.into_iter().filter(|t| *t > success).collect();
            BackoffRecord {
                failures_after_last_success: after.len() as u32,
                last_failure_time: after.last().copied(),
            }
        }
    }
}

/// Records by Job key.
#[derive(Default)]
pub struct BackoffStore {
    records: Mutex<HashMap<String, BackoffRecord>>,
}

impl BackoffStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, BackoffRecord>> {
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The record of `key` (empty if none).
    pub fn get(&self, key: &str) -> BackoffRecord {
        self.lock().get(key).cloned().unwrap_or_default()
    }

    /// Stores the record of `key`.
    pub fn set(&self, key: &str, record: BackoffRecord) {
        self.lock().insert(key.to_owned(), record);
    }

    /// Forgets `key` (finished or deleted Job).
    pub fn remove(&self, key: &str) {
        self.lock().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("time")
    }

    fn pod(phase: &str, finished: &str) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "p"},
            "status": {"phase": phase, "containerStatuses": [{"name": "c", "image": "i",
                "imageID": "", "ready": false, "restartCount": 0,
                "state": {"terminated": {"exitCode": 1, "finishedAt": finished}}}]}
        }))
        .expect("pod")
    }

    #[test]
    fn delays_double_from_ten_seconds_and_cap_at_ten_minutes() {
        let last = ts("2026-01-01T00:00:00Z");
        assert_eq!(remaining_for_failures(0, Some(last), last), Duration::ZERO);
        assert_eq!(
            remaining_for_failures(1, Some(last), last),
            Duration::from_secs(10)
        );
        assert_eq!(
            remaining_for_failures(3, Some(last), last),
            Duration::from_secs(40)
        );
        assert_eq!(
            remaining_for_failures(20, Some(last), last),
            Duration::from_secs(600)
        );
        let later = ts("2026-01-01T00:00:15Z");
        assert_eq!(
            remaining_for_failures(2, Some(last), later),
            Duration::from_secs(5)
        );
        assert_eq!(remaining_for_failures(1, Some(last), later), Duration::ZERO);
    }

    #[test]
    fn a_success_resets_the_failures_before_it() {
        let start = BackoffRecord::default();
        let f1 = pod("Failed", "2026-01-01T00:00:01Z");
        let f2 = pod("Failed", "2026-01-01T00:00:05Z");
        let after_failures = next_record(&start, &[], &[&f1, &f2]);
        assert_eq!(after_failures.failures_after_last_success, 2);
        assert_eq!(
            after_failures.last_failure_time,
            Some(ts("2026-01-01T00:00:05Z"))
        );
        let s = pod("Succeeded", "2026-01-01T00:00:03Z");
        let mixed = next_record(&after_failures, &[&s], &[&f1, &f2]);
        assert_eq!(mixed.failures_after_last_success, 1);
        assert_eq!(next_record(&mixed, &[], &[]), mixed);
        let later_success = pod("Succeeded", "2026-01-01T00:00:09Z");
        assert_eq!(
            next_record(&mixed, &[&later_success], &[]),
            BackoffRecord::default()
        );
    }
}
