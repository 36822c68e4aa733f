//! The status a ReplicaSet (or ReplicationController) reports (upstream's `calculateStatus`
//! and the `ReplicaFailure` condition helpers): replicas counted among the claimed active
//! pods, how many carry every template label, are ready, are available (ready for
//! `minReadySeconds`), and a `ReplicaFailure` condition while creating or deleting pods fails.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::ReplicaSetCondition;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::{SignedDuration, Timestamp};

use crate::active_pods::{is_pod_available, is_pod_ready, ready_since};

/// The condition type set while pods cannot be created or deleted.
pub const REPLICA_FAILURE: &str = "ReplicaFailure";
/// The condition reason when creating pods failed.
pub const FAILED_CREATE: &str = "FailedCreate";
/// The condition reason when deleting pods failed.
pub const FAILED_DELETE: &str = "FailedDelete";

/// The status shared by ReplicaSets and ReplicationControllers (a ReplicationController's
/// conditions have the same fields, and are converted).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplicaStatus {
    pub replicas: i32,
    pub fully_labeled_replicas: i32,
    pub ready_replicas: i32,
    pub available_replicas: i32,
    /// Stays `None`: upstream 1.34 leaves the `DeploymentReplicaSetTerminatingReplicas`
    /// feature gate (alpha) off, so the field is never written.
    pub terminating_replicas: Option<i32>,
    pub observed_generation: i64,
    pub conditions: Vec<ReplicaSetCondition>,
}

/// What the status is computed from: the owner's spec.
pub struct StatusInput<'a> {
    pub replicas: i32,
    pub min_ready_seconds: i32,
    pub template_labels: Option<&'a BTreeMap<String, String>>,
}

/// The new status from the claimed active `pods` (upstream's `calculateStatus`); the
/// observed generation is left as it was (it is set when the status is written).
/// `manage_error` is the error of this sync's creates or deletes, if any.
pub fn calculate_status(
    current: &ReplicaStatus,
    spec: &StatusInput<'_>,
    pods: &[&Pod],
    manage_error: Option<&str>,
    now: Timestamp,
) -> ReplicaStatus {
    let mut status = current.clone();
    let mut fully_labeled = 0;
    let mut ready = 0;
    let mut available = 0;
    for pod in pods {
        let labels = pod.metadata.labels.as_ref();
        let has_all = spec.template_labels.into_iter().flatten().all(|(k, v)| {
            labels
                .and_then(|l| l.get(k))
                .is_some_and(|actual| actual == v)
        });
        if has_all {
            fully_labeled += 1;
        }
        if is_pod_ready(pod) {
            ready += 1;
            if is_pod_available(pod, spec.min_ready_seconds, now) {
                available += 1;
            }
        }
    }
    let has_failure = status.conditions.iter().any(|c| c.type_ == REPLICA_FAILURE);
    match manage_error {
        Some(message) if !has_failure => {
            let diff = pods.len() as i64 - i64::from(spec.replicas);
            let reason = match diff.cmp(&0) {
                std::cmp::Ordering::Less => FAILED_CREATE,
                std::cmp::Ordering::Greater => FAILED_DELETE,
                std::cmp::Ordering::Equal => "",
            };
            status.conditions.push(ReplicaSetCondition {
                type_: REPLICA_FAILURE.to_owned(),
                status: "True".to_owned(),
                reason: Some(reason.to_owned()).filter(|r| !r.is_empty()),
                message: Some(message.to_owned()),
                last_transition_time: Some(Time(now)),
            });
        }
        None if has_failure => status.conditions.retain(|c| c.type_ != REPLICA_FAILURE),
        _ => {}
    }
    status.replicas = pods.len() as i32;
    status.fully_labeled_replicas = fully_labeled;
    status.ready_replicas = ready;
    status.available_replicas = available;
    // The DeploymentReplicaSetTerminatingReplicas gate is off in 1.34: the field is cleared.
    status.terminating_replicas = None;
    status
}

/// Whether `new` must be written: a counter or condition changed, or the generation has not
/// been observed yet (upstream's check in `updateReplicaSetStatus`).
pub fn needs_update(current: &ReplicaStatus, new: &ReplicaStatus, generation: i64) -> bool {
    current.replicas != new.replicas
        || current.fully_labeled_replicas != new.fully_labeled_replicas
        || current.ready_replicas != new.ready_replicas
        || current.available_replicas != new.available_replicas
        || current.terminating_replicas != new.terminating_replicas
        || current.conditions != new.conditions
        || generation != current.observed_generation
}

/// When the next ready pod becomes available (upstream's `FindMinNextPodAvailabilityCheck`):
/// the shortest wait until a ready but not yet available pod has been ready for
/// `min_ready_seconds`.
pub fn next_availability_check(
    pods: &[&Pod],
    min_ready_seconds: i32,
    now: Timestamp,
) -> Option<std::time::Duration> {
    if min_ready_seconds <= 0 {
        return None;
    }
    let min_ready = SignedDuration::from_secs(i64::from(min_ready_seconds));
    pods.iter()
        .filter(|p| !is_pod_available(p, min_ready_seconds, now))
        .filter_map(|p| ready_since(p))
        .map(|since| {
            let elapsed = now.duration_since(since);
            let left = min_ready.checked_sub(elapsed).unwrap_or(min_ready);
            if left.is_negative() { min_ready } else { left }
        })
        .min()
        .and_then(|d| std::time::Duration::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(labels: serde_json::Value, ready_at: Option<&str>) -> Pod {
        let mut status = json!({"phase": "Running"});
        if let Some(at) = ready_at {
            status["conditions"] =
                json!([{"type": "Ready", "status": "True", "lastTransitionTime": at}]);
        }
        serde_json::from_value(json!({
            "metadata": {"name": "p", "labels": labels},
            "spec": {"containers": []},
            "status": status,
        }))
        .expect("pod")
    }

    fn template() -> BTreeMap<String, String> {
        [("app", "web"), ("tier", "front")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    #[test]
    fn counts_fully_labeled_ready_and_available_pods() {
        let now: Timestamp = "2026-01-01T12:00:10Z".parse().unwrap();
        let labels = template();
        let spec = StatusInput {
            replicas: 3,
            min_ready_seconds: 5,
            template_labels: Some(&labels),
        };
        let full_old = pod(
            json!({"app": "web", "tier": "front"}),
            Some("2026-01-01T12:00:00Z"),
        );
        let full_young = pod(
            json!({"app": "web", "tier": "front", "x": "y"}),
            Some("2026-01-01T12:00:08Z"),
        );
        let partial = pod(json!({"app": "web"}), None);
        let status = calculate_status(
            &ReplicaStatus::default(),
            &spec,
            &[&full_old, &full_young, &partial],
            None,
            now,
        );
        assert_eq!(status.replicas, 3);
        assert_eq!(status.fully_labeled_replicas, 2);
        assert_eq!(status.ready_replicas, 2);
        assert_eq!(status.available_replicas, 1);
        assert!(status.conditions.is_empty());
        let next = next_availability_check(&[&full_old, &full_young, &partial], 5, now);
        assert_eq!(next, Some(std::time::Duration::from_secs(3)));
    }

    #[test]
    fn replica_failure_is_set_on_errors_and_removed_when_fixed() {
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let spec = StatusInput {
            replicas: 2,
            min_ready_seconds: 0,
            template_labels: None,
        };
        let one = pod(json!({}), None);
        let failed = calculate_status(
            &ReplicaStatus::default(),
            &spec,
            &[&one],
            Some("pods \"x\" is forbidden: exceeded quota"),
            now,
        );
        assert_eq!(failed.conditions.len(), 1);
        assert_eq!(failed.conditions[0].type_, REPLICA_FAILURE);
        assert_eq!(failed.conditions[0].reason.as_deref(), Some(FAILED_CREATE));
        assert!(needs_update(&ReplicaStatus::default(), &failed, 0));

        // Failing again keeps the first condition as it was.
        let again = calculate_status(&failed, &spec, &[&one], Some("other"), now);
        assert_eq!(again.conditions, failed.conditions);

        let fixed = calculate_status(&failed, &spec, &[&one, &one], None, now);
        assert!(fixed.conditions.is_empty());

        let too_many = StatusInput {
            replicas: 0,
            ..spec
        };
        let delete_failed = calculate_status(
            &ReplicaStatus::default(),
            &too_many,
            &[&one],
            Some("e"),
            now,
        );
        assert_eq!(
            delete_failed.conditions[0].reason.as_deref(),
            Some(FAILED_DELETE)
        );
    }

    #[test]
    fn an_unchanged_status_of_the_observed_generation_is_not_written() {
        let status = ReplicaStatus {
            replicas: 3,
            observed_generation: 2,
            ..ReplicaStatus::default()
        };
        assert!(!needs_update(&status, &status, 2));
        assert!(needs_update(&status, &status, 3));
        let more = ReplicaStatus {
            ready_replicas: 1,
            ..status.clone()
        };
        assert!(needs_update(&status, &more, 2));
    }
}
