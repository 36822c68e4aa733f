//! A Deployment's status (upstream's `calculateStatus` in `sync.go` and `progress.go`): the
//! replica counts summed over its ReplicaSets, the `Available` condition, the `Progressing`
//! condition against `progressDeadlineSeconds`, and when to look again for a deadline.

use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;

use super::replica_sets::{
    available_replicas, deployment_replicas, ready_replicas, spec_replicas, status_replicas,
};
use super::rollout_math::max_unavailable;

pub const AVAILABLE: &str = "Available";
pub const PROGRESSING: &str = "Progressing";
pub const REPLICA_FAILURE: &str = "ReplicaFailure";

pub const MINIMUM_REPLICAS_AVAILABLE: &str = "MinimumReplicasAvailable";
pub const MINIMUM_REPLICAS_UNAVAILABLE: &str = "MinimumReplicasUnavailable";
pub const NEW_REPLICA_SET_REASON: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS_REASON: &str = "FoundNewReplicaSet";
pub const REPLICA_SET_UPDATED_REASON: &str = "ReplicaSetUpdated";
pub const NEW_RS_AVAILABLE_REASON: &str = "NewReplicaSetAvailable";
pub const TIMED_OUT_REASON: &str = "ProgressDeadlineExceeded";
pub const PAUSED_DEPLOY_REASON: &str = "DeploymentPaused";
pub const RESUMED_DEPLOY_REASON: &str = "DeploymentResumed";
pub const FAILED_RS_CREATE_REASON: &str = "ReplicaSetCreateError";

/// `now`, at the second precision conditions are stored with.
pub fn now() -> Timestamp {
    Timestamp::from_second(Timestamp::now().as_second()).unwrap_or_else(|_| Timestamp::now())
}

/// A condition whose times are `now`.
pub fn new_condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: String,
    now: Timestamp,
) -> DeploymentCondition {
    DeploymentCondition {
        type_: type_.to_owned(),
        status: status.to_owned(),
        reason: Some(reason.to_owned()),
        message: Some(message),
        last_update_time: Some(Time(now)),
        last_transition_time: Some(Time(now)),
    }
}

/// The condition of `type_`.
pub fn get_condition<'a>(
    status: &'a DeploymentStatus,
    type_: &str,
) -> Option<&'a DeploymentCondition> {
    status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == type_)
}

/// Upstream's `SetDeploymentCondition`: nothing when status and reason are unchanged; the
/// transition time is kept when only the reason changes.
pub fn set_condition(status: &mut DeploymentStatus, mut condition: DeploymentCondition) {
    if let Some(current) = get_condition(status, &condition.type_) {
        if current.status == condition.status && current.reason == condition.reason {
            return;
        }
        if current.status == condition.status {
            condition.last_transition_time = current.last_transition_time.clone();
        }
    }
    remove_condition(status, &condition.type_);
    status
        .conditions
        .get_or_insert_with(Vec::new)
        .push(condition);
}

/// Removes the condition of `type_`.
pub fn remove_condition(status: &mut DeploymentStatus, type_: &str) {
    if let Some(conditions) = status.conditions.as_mut() {
        conditions.retain(|c| c.type_ != type_);
        if conditions.is_empty() {
            status.conditions = None;
        }
    }
}

/// Whether a deadline is set (`progressDeadlineSeconds`, not the "never" value).
pub fn has_progress_deadline(d: &Deployment) -> bool {
    d.spec
        .as_ref()
        .and_then(|s| s.progress_deadline_seconds)
        .is_some_and(|s| s != i32::MAX)
}

fn nonzero<T: Default + PartialEq>(value: T) -> Option<T> {
    (value != T::default()).then_some(value)
}

fn counts(status: &DeploymentStatus) -> [i32; 5] {
    [
        status.replicas.unwrap_or(0),
        status.updated_replicas.unwrap_or(0),
        status.ready_replicas.unwrap_or(0),
        status.available_replicas.unwrap_or(0),
        status.unavailable_replicas.unwrap_or(0),
    ]
}

/// The status the ReplicaSets give (upstream's `calculateStatus`), with the `Available`
/// condition; zero counts are left out, as the API's `omitempty` does.
pub fn calculate_status(
    all: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    d: &Deployment,
    now: Timestamp,
) -> DeploymentStatus {
    let available: i32 = all.iter().map(|rs| available_replicas(rs)).sum();
    let total: i32 = all.iter().map(|rs| spec_replicas(rs)).sum();
    let unavailable = (total - available).max(0);
    let previous = d.status.clone().unwrap_or_default();
    let mut status = DeploymentStatus {
        observed_generation: nonzero(d.metadata.generation.unwrap_or(0)),
        replicas: nonzero(all.iter().map(|rs| status_replicas(rs)).sum()),
        updated_replicas: nonzero(new_rs.map(status_replicas).unwrap_or(0)),
        ready_replicas: nonzero(all.iter().map(|rs| ready_replicas(rs)).sum()),
        available_replicas: nonzero(available),
        unavailable_replicas: nonzero(unavailable),
        collision_count: previous.collision_count,
        conditions: previous.conditions.clone().filter(|c| !c.is_empty()),
        terminating_replicas: previous.terminating_replicas,
    };
    if available >= deployment_replicas(d) - max_unavailable(d) {
        set_condition(
            &mut status,
            new_condition(
                AVAILABLE,
                "True",
                MINIMUM_REPLICAS_AVAILABLE,
                "Deployment has minimum availability.".into(),
                now,
            ),
        );
    } else {
        set_condition(
            &mut status,
            new_condition(
                AVAILABLE,
                "False",
                MINIMUM_REPLICAS_UNAVAILABLE,
                "Deployment does not have minimum availability.".into(),
                now,
            ),
        );
    }
    status
}

/// Whether every replica is updated and available and the spec observed (upstream's
/// `DeploymentComplete`).
pub fn deployment_complete(d: &Deployment, status: &DeploymentStatus) -> bool {
    let replicas = deployment_replicas(d);
    let [total, updated, _, available, _] = counts(status);
    updated == replicas
        && total == replicas
        && available == replicas
        && status.observed_generation.unwrap_or(0) >= d.metadata.generation.unwrap_or(0)
}

/// Whether `new` shows progress over the Deployment's current status (upstream's
/// `DeploymentProgressing`).
pub fn deployment_progressing(d: &Deployment, new: &DeploymentStatus) -> bool {
    let old = counts(&d.status.clone().unwrap_or_default());
    let new = counts(new);
    let old_old_replicas = old[0] - old[1];
    let new_old_replicas = new[0] - new[1];
    new[1] > old[1] || new_old_replicas < old_old_replicas || new[2] > old[2] || new[3] > old[3]
}

/// Whether the rollout has made no progress for `progressDeadlineSeconds` (upstream's
/// `DeploymentTimedOut`).
pub fn deployment_timed_out(d: &Deployment, new: &DeploymentStatus, now: Timestamp) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let Some(condition) = get_condition(new, PROGRESSING) else {
        return false;
    };
    match condition.reason.as_deref() {
        Some(NEW_RS_AVAILABLE_REASON) => return false,
        Some(TIMED_OUT_REASON) => return true,
        _ => {}
    }
    let deadline = d
        .spec
        .as_ref()
        .and_then(|s| s.progress_deadline_seconds)
        .unwrap_or(0);
    let Some(from) = condition.last_update_time.as_ref() else {
        return false;
    };
    from.0
        .checked_add(jiff::SignedDuration::from_secs(i64::from(deadline)))
        .is_ok_and(|t| t < now)
}

/// The status of a rollout in progress (upstream's `syncRolloutStatus`): counts and
/// `Available`, then `Progressing` (complete, progressing, or timed out) and any
/// `ReplicaFailure` of the ReplicaSets.
pub fn rollout_status(
    all: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    d: &Deployment,
    now: Timestamp,
) -> DeploymentStatus {
    let mut status = calculate_status(all, new_rs, d, now);
    if !has_progress_deadline(d) {
        remove_condition(&mut status, PROGRESSING);
    }
    let previous = d.status.clone().unwrap_or_default();
    let current = get_condition(&previous, PROGRESSING).cloned();
    let [total, updated, ..] = counts(&status);
    let complete_before = total == updated
        && current
            .as_ref()
            .is_some_and(|c| c.reason.as_deref() == Some(NEW_RS_AVAILABLE_REASON));
    let rs_name = new_rs.and_then(|rs| rs.metadata.name.clone());
    let d_name = d.metadata.name.clone().unwrap_or_default();
    let message = |what: &str| match &rs_name {
        Some(name) => format!("ReplicaSet {name:?} {what}"),
        None => format!("Deployment {d_name:?} {what}"),
    };
    if has_progress_deadline(d) && !complete_before {
        if deployment_complete(d, &status) {
            let condition = new_condition(
                PROGRESSING,
                "True",
                NEW_RS_AVAILABLE_REASON,
                message("has successfully progressed."),
                now,
            );
            set_condition(&mut status, condition);
        } else if deployment_progressing(d, &status) {
            let mut condition = new_condition(
                PROGRESSING,
                "True",
                REPLICA_SET_UPDATED_REASON,
                message("is progressing."),
                now,
            );
            // The update time moves with every sign of progress; the transition time only
            // when the condition turns True.
            if let Some(current) = &current {
                if current.status == "True" {
                    condition.last_transition_time = current.last_transition_time.clone();
                }
                remove_condition(&mut status, PROGRESSING);
            }
            set_condition(&mut status, condition);
        } else if deployment_timed_out(d, &status, now) {
            let condition = new_condition(
                PROGRESSING,
                "False",
                TIMED_OUT_REASON,
                message("has timed out progressing."),
                now,
            );
            set_condition(&mut status, condition);
        }
    }
    match replica_failure(all, new_rs) {
        Some(condition) => set_condition(&mut status, condition),
        None => remove_condition(&mut status, REPLICA_FAILURE),
    }
    status
}

/// The first `ReplicaFailure` of the new ReplicaSet, else of any ReplicaSet.
fn replica_failure(
    all: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
) -> Option<DeploymentCondition> {
    let failure = |rs: &ReplicaSet| {
        rs.status
            .as_ref()?
            .conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == REPLICA_FAILURE)
            .map(|c| DeploymentCondition {
                type_: c.type_.clone(),
                status: c.status.clone(),
                reason: c.reason.clone(),
                message: c.message.clone(),
                last_update_time: c.last_transition_time.clone(),
                last_transition_time: c.last_transition_time.clone(),
            })
    };
    new_rs
        .and_then(failure)
        .or_else(|| all.iter().find_map(|rs| failure(rs)))
}

/// When to look at a stuck rollout again for its deadline (upstream's
/// `requeueStuckDeployment`): `None` for never, `Some(ZERO)` for a rate-limited retry.
pub fn requeue_stuck_after(
    d: &Deployment,
    new: &DeploymentStatus,
    now: Timestamp,
) -> Option<Duration> {
    let previous = d.status.clone().unwrap_or_default();
    let current = get_condition(&previous, PROGRESSING)?;
    if !has_progress_deadline(d)
        || deployment_complete(d, new)
        || current.reason.as_deref() == Some(TIMED_OUT_REASON)
    {
        return None;
    }
    let deadline = d.spec.as_ref()?.progress_deadline_seconds?;
    let updated = current.last_update_time.as_ref()?.0;
    let due = updated
        .checked_add(jiff::SignedDuration::from_secs(i64::from(deadline)))
        .ok()?;
    let after = due.duration_since(now);
    if after < jiff::SignedDuration::from_secs(1) {
        return Some(Duration::ZERO);
    }
    Some(Duration::from_secs(after.as_secs().unsigned_abs() + 1))
}

/// The paused/resumed `Progressing` condition (upstream's `checkPausedConditions`); whether
/// the status changed.
pub fn set_paused_condition(d: &mut Deployment, now: Timestamp) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let paused = d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false);
    let status = d.status.get_or_insert_with(Default::default);
    let reason = get_condition(status, PROGRESSING).and_then(|c| c.reason.clone());
    if reason.as_deref() == Some(TIMED_OUT_REASON) {
        return false;
    }
    let paused_condition = reason.as_deref() == Some(PAUSED_DEPLOY_REASON);
    let condition = if paused && !paused_condition {
        new_condition(
            PROGRESSING,
            "Unknown",
            PAUSED_DEPLOY_REASON,
            "Deployment is paused".into(),
            now,
        )
    } else if !paused && paused_condition {
        new_condition(
            PROGRESSING,
            "Unknown",
            RESUMED_DEPLOY_REASON,
            "Deployment is resumed".into(),
            now,
        )
    } else {
        return false;
    };
    set_condition(status, condition);
    true
}

/// Whether two statuses say the same (absent and zero counts, absent and empty lists alike).
pub fn same_status(a: Option<&DeploymentStatus>, b: &DeploymentStatus) -> bool {
    let normalize = |s: &DeploymentStatus| {
        let mut s = s.clone();
        for field in [
            &mut s.replicas,
            &mut s.updated_replicas,
            &mut s.ready_replicas,
            &mut s.available_replicas,
            &mut s.unavailable_replicas,
        ] {
            *field = field.filter(|v| *v != 0);
        }
        s.observed_generation = s.observed_generation.filter(|v| *v != 0);
        s.conditions = s.conditions.filter(|c| !c.is_empty());
        s
    };
    normalize(&a.cloned().unwrap_or_default()) == normalize(b)
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    use super::super::replica_sets::tests::{deployment, rs};
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn reason(status: &DeploymentStatus, type_: &str) -> Option<String> {
        get_condition(status, type_).and_then(|c| c.reason.clone())
    }

    #[test]
    fn available_follows_max_unavailable() {
        let d = deployment(3, IntOrString::Int(1), IntOrString::Int(1));
        let now = at("2026-01-01T00:00:00Z");
        let two = rs("a", 3, 2, "2026-01-01T00:00:00Z");
        let status = calculate_status(&[&two], Some(&two), &d, now);
        assert_eq!(
            reason(&status, AVAILABLE).as_deref(),
            Some(MINIMUM_REPLICAS_AVAILABLE)
        );
        assert_eq!(status.unavailable_replicas, Some(1));
        assert_eq!(status.updated_replicas, Some(3));
        let one = rs("a", 3, 1, "2026-01-01T00:00:00Z");
        let status = calculate_status(&[&one], Some(&one), &d, now);
        let available = get_condition(&status, AVAILABLE)
            .cloned()
            .unwrap_or_default();
        assert_eq!(available.status, "False");
        assert_eq!(
            available.message.as_deref(),
            Some("Deployment does not have minimum availability.")
        );
    }

    #[test]
    fn progressing_moves_from_updated_to_complete_and_times_out_without_progress() {
        let mut d = deployment(3, IntOrString::Int(1), IntOrString::Int(0));
        let start = at("2026-01-01T00:00:00Z");
        // One of three updated: progress since the empty status.
        let partial = rs("foo-1", 1, 0, "2026-01-01T00:00:00Z");
        let old = rs("foo-0", 3, 3, "2025-12-31T00:00:00Z");
        let status = rollout_status(&[&old, &partial], Some(&partial), &d, start);
        let progressing = get_condition(&status, PROGRESSING)
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            progressing.reason.as_deref(),
            Some(REPLICA_SET_UPDATED_REASON)
        );
        assert_eq!(
            progressing.message.as_deref(),
            Some("ReplicaSet \"foo-1\" is progressing.")
        );
        d.status = Some(status.clone());

        // Nothing changes for 5 minutes: no new condition, a requeue for the deadline.
        let later = at("2026-01-01T00:05:00Z");
        let same = rollout_status(&[&old, &partial], Some(&partial), &d, later);
        assert!(same_status(d.status.as_ref(), &same));
        assert_eq!(
            requeue_stuck_after(&d, &same, later),
            Some(Duration::from_secs(301))
        );

        // Past the deadline: timed out.
        let late = at("2026-01-01T00:10:01Z");
        let timed_out = rollout_status(&[&old, &partial], Some(&partial), &d, late);
        let progressing = get_condition(&timed_out, PROGRESSING)
            .cloned()
            .unwrap_or_default();
        assert_eq!(progressing.status, "False");
        assert_eq!(
            progressing.message.as_deref(),
            Some("ReplicaSet \"foo-1\" has timed out progressing.")
        );
        assert_eq!(
            requeue_stuck_after(&d, &timed_out, late),
            Some(Duration::ZERO)
        );

        // Complete: all updated and available.
        let done = rs("foo-1", 3, 3, "2026-01-01T00:00:00Z");
        let gone = rs("foo-0", 0, 0, "2025-12-31T00:00:00Z");
        let status = rollout_status(&[&gone, &done], Some(&done), &d, late);
        let progressing = get_condition(&status, PROGRESSING)
            .cloned()
            .unwrap_or_default();
        assert_eq!(progressing.reason.as_deref(), Some(NEW_RS_AVAILABLE_REASON));
        assert_eq!(
            progressing.message.as_deref(),
            Some("ReplicaSet \"foo-1\" has successfully progressed.")
        );
        // The transition time stays from when it first became True.
        assert_eq!(progressing.last_transition_time, Some(Time(start)));
        d.status = Some(status.clone());
        assert_eq!(requeue_stuck_after(&d, &status, late), None);
    }

    #[test]
    fn pausing_and_resuming_set_unknown_progress() {
        let mut d = deployment(3, IntOrString::Int(1), IntOrString::Int(0));
        let now = at("2026-01-01T00:00:00Z");
        assert!(!set_paused_condition(&mut d, now));
        if let Some(spec) = d.spec.as_mut() {
            spec.paused = Some(true);
        }
        assert!(set_paused_condition(&mut d, now));
        let status = d.status.clone().unwrap_or_default();
        assert_eq!(
            reason(&status, PROGRESSING).as_deref(),
            Some(PAUSED_DEPLOY_REASON)
        );
        assert!(!set_paused_condition(&mut d, now));
        if let Some(spec) = d.spec.as_mut() {
            spec.paused = Some(false);
        }
        assert!(set_paused_condition(&mut d, now));
        let status = d.status.clone().unwrap_or_default();
        assert_eq!(
            reason(&status, PROGRESSING).as_deref(),
            Some(RESUMED_DEPLOY_REASON)
        );
    }

    #[test]
    fn no_deadline_means_no_progressing_condition() {
        let mut d = deployment(1, IntOrString::Int(1), IntOrString::Int(0));
        if let Some(spec) = d.spec.as_mut() {
            spec.progress_deadline_seconds = Some(i32::MAX);
        }
        let one = rs("a", 1, 1, "2026-01-01T00:00:00Z");
        let status = rollout_status(&[&one], Some(&one), &d, at("2026-01-01T00:00:00Z"));
        assert!(get_condition(&status, PROGRESSING).is_none());
        assert!(get_condition(&status, AVAILABLE).is_some());
    }
}
