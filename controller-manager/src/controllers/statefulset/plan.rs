//! What one StatefulSet sync does, decided from the cache alone (upstream's
//! `updateStatefulSet` in `stateful_set_control.go`): failed pods are deleted to be made
//! again, missing ordinals are created, pods out of range are deleted from the highest
//! ordinal, and a RollingUpdate deletes the highest pod not at the update revision down to the
//! partition. With `OrderedReady` every step waits for the pods before it to be Running and
//! Ready (and available after `minReadySeconds`), one pod at a time; `Parallel` does not wait.

use std::sync::Arc;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use super::identity::{
    end_ordinal, identity_matches, in_range, is_created, is_failed, is_pending,
    is_running_and_available, is_running_and_ready, is_succeeded, is_terminating, is_unavailable,
    new_pod, ordinal_of, pod_revision, replicas, start_ordinal, storage_matches, update_identity,
    update_storage,
};

/// A revision's name and template.
pub struct Revision<'a> {
    pub name: &'a str,
    pub template: &'a PodTemplateSpec,
}

/// One step of a sync, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Create the pod's claims, then the pod.
    Create(Pod),
    /// Create the missing claims of a pending pod.
    CreateClaims(Pod),
    /// Write the pod back with its identity and storage fixed, and its claims' owners.
    Update(Pod),
    /// Fix the owner references of the claims of a pod (scaled away).
    FixClaims(Pod),
    /// Delete the pod: it failed or succeeded, is scaled away, or is replaced by an update.
    Delete { name: String, why: DeleteReason },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteReason {
    Finished,
    ScaleDown,
    Update,
}

fn min_ready_seconds(set: &StatefulSet) -> i32 {
    set.spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0)
}

/// Whether the set creates and deletes one pod at a time, in order.
pub fn is_monotonic(set: &StatefulSet) -> bool {
    set.spec
        .as_ref()
        .and_then(|s| s.pod_management_policy.as_deref())
        != Some("Parallel")
}

fn strategy_type(set: &StatefulSet) -> &str {
    set.spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.type_.as_deref())
        .unwrap_or("RollingUpdate")
}

fn partition(set: &StatefulSet) -> Option<i32> {
    set.spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.rolling_update.as_ref())
        .map(|r| r.partition.unwrap_or(0))
}

/// The pod to create for `ordinal` (`newVersionedStatefulSetPod`): below the partition it
/// stays at the current revision, otherwise it takes the update revision.
fn versioned_pod(
    set: &StatefulSet,
    current: &Revision<'_>,
    update: &Revision<'_>,
    ordinal: i32,
    owner: &OwnerReference,
) -> Pod {
    let rolling = strategy_type(set) == "RollingUpdate";
    let current_replicas = set
        .status
        .as_ref()
        .and_then(|s| s.current_replicas)
        .unwrap_or(0);
    let keep_current = match partition(set) {
        None => rolling && ordinal < start_ordinal(set) + current_replicas,
        Some(p) => ordinal < start_ordinal(set) + p,
    };
    let revision = if keep_current { current } else { update };
    new_pod(set, revision.template, revision.name, ordinal, owner)
}

/// The steps of one sync. `claims_match` tells whether a pod's claims carry the owner
/// references the retention policy asks for.
pub fn plan(
    set: &StatefulSet,
    pods: &[Arc<Pod>],
    current: &Revision<'_>,
    update: &Revision<'_>,
    claims_match: &dyn Fn(&Pod) -> bool,
) -> Vec<Action> {
    let mut actions = Vec::new();
    if set.metadata.deletion_timestamp.is_some() {
        return actions;
    }
    let owner = crate::controller_ref::controller_ref(set);
    let min_ready = min_ready_seconds(set);
    let monotonic = is_monotonic(set);
    let start = start_ordinal(set);
    let count = usize::try_from(replicas(set)).unwrap_or(0);

    let mut slots: Vec<Option<Pod>> = vec![None; count];
    let mut condemned: Vec<&Pod> = Vec::new();
    for pod in pods {
        let ordinal = ordinal_of(pod);
        if in_range(set, ordinal) {
            if let Some(slot) = usize::try_from(ordinal - start)
                .ok()
                .and_then(|i| slots.get_mut(i))
            {
                *slot = Some((**pod).clone());
            }
        } else if ordinal >= 0 {
            condemned.push(pod);
        }
    }
    let replicas: Vec<Pod> = slots
        .into_iter()
        .enumerate()
        .map(|(i, slot)| {
            slot.unwrap_or_else(|| versioned_pod(set, current, update, start + i as i32, &owner))
        })
        .collect();
    condemned.sort_by_key(|p| std::cmp::Reverse(ordinal_of(p)));

    let first_unavailable = replicas
        .iter()
        .find(|p| is_unavailable(p, min_ready))
        .or_else(|| {
            condemned
                .iter()
                .rev()
                .copied()
                .find(|p| is_unavailable(p, min_ready))
        })
        .and_then(|p| p.metadata.name.clone());

    // Each living replica, in ordinal order.
    for pod in &replicas {
        let name = pod.metadata.name.clone().unwrap_or_default();
        if is_failed(pod) || is_succeeded(pod) {
            if !is_terminating(pod) {
                actions.push(Action::Delete {
                    name,
                    why: DeleteReason::Finished,
                });
            }
            // It is made again once it is gone.
            if monotonic {
                return actions;
            }
            continue;
        }
        if !is_created(pod) {
            actions.push(Action::Create(pod.clone()));
            if monotonic {
                return actions;
            }
            continue;
        }
        if is_pending(pod) {
            actions.push(Action::CreateClaims(pod.clone()));
        }
        if monotonic
            && (is_terminating(pod)
                || !is_running_and_ready(pod)
                || !is_running_and_available(pod, min_ready))
        {
            return actions;
        }
        let claims_ok = claims_match(pod);
        if !(identity_matches(set, pod) && storage_matches(set, pod) && claims_ok) {
            let mut fixed = pod.clone();
            if !identity_matches(set, &fixed) {
                update_identity(set, &mut fixed);
            }
            if !storage_matches(set, &fixed) {
                update_storage(set, &mut fixed);
            }
            actions.push(Action::Update(fixed));
        }
    }

    // Claims of pods about to go get the owners their retention policy asks for.
    for pod in &condemned {
        if !claims_match(pod) {
            actions.push(Action::FixClaims((*pod).clone()));
        }
    }

    // Scale down from the highest ordinal.
    for pod in &condemned {
        let name = pod.metadata.name.clone().unwrap_or_default();
        if is_terminating(pod) {
            if monotonic {
                return actions;
            }
            continue;
        }
        let first = first_unavailable.as_deref() == Some(name.as_str());
        if monotonic && !first && is_unavailable(pod, min_ready) {
            return actions;
        }
        actions.push(Action::Delete {
            name,
            why: DeleteReason::ScaleDown,
        });
        if monotonic {
            return actions;
        }
    }

    if strategy_type(set) == "OnDelete" {
        return actions;
    }
    // RollingUpdate: from the highest index down to the partition, one pod at a time.
    let update_min = usize::try_from(partition(set).unwrap_or(0)).unwrap_or(0);
    for target in (update_min..replicas.len()).rev() {
        let pod = &replicas[target];
        if pod_revision(pod) != update.name && !is_terminating(pod) {
            actions.push(Action::Delete {
                name: pod.metadata.name.clone().unwrap_or_default(),
                why: DeleteReason::Update,
            });
            return actions;
        }
        if is_unavailable(pod, min_ready) {
            return actions;
        }
    }
    actions
}

/// The status the pods give (`updateStatus` and `completeRollingUpdate`).
pub fn compute_status(
    set: &StatefulSet,
    pods: &[Arc<Pod>],
    current: &str,
    update: &str,
    collision_count: i32,
) -> StatefulSetStatus {
    let min_ready = min_ready_seconds(set);
    let (mut count, mut ready, mut available, mut current_n, mut updated) = (0, 0, 0, 0, 0);
    for pod in pods {
        let ordinal = ordinal_of(pod);
        if ordinal < 0 {
            continue;
        }
        if is_created(pod) {
            count += 1;
        }
        if is_running_and_ready(pod) {
            ready += 1;
            if is_running_and_available(pod, min_ready) {
                available += 1;
            }
        }
        if is_created(pod) && !is_terminating(pod) {
            let revision = pod_revision(pod);
            if revision == current {
                current_n += 1;
            }
            if revision == update {
                updated += 1;
            }
        }
    }
    let mut status = StatefulSetStatus {
        observed_generation: set.metadata.generation,
        replicas: count,
        ready_replicas: Some(ready),
        available_replicas: Some(available),
        current_replicas: Some(current_n),
        updated_replicas: Some(updated),
        current_revision: Some(current.to_owned()),
        update_revision: Some(update.to_owned()),
        collision_count: Some(collision_count),
        conditions: set.status.as_ref().and_then(|s| s.conditions.clone()),
    };
    let want = replicas(set);
    if strategy_type(set) == "RollingUpdate" && updated == want && ready == want && count == want {
        status.current_replicas = Some(updated);
        status.current_revision = Some(update.to_owned());
    }
    status
}

/// The highest ordinal the set should have (for logs).
pub fn highest_ordinal(set: &StatefulSet) -> i32 {
    end_ordinal(set)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::identity::tests_support::set;
    use super::*;

    fn template() -> PodTemplateSpec {
        serde_json::from_value(json!({"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}))
        .unwrap()
    }

    /// A pod of `s` at `revision`, in `phase`, ready or not.
    fn pod(s: &StatefulSet, ordinal: i32, revision: &str, phase: &str, ready: bool) -> Arc<Pod> {
        let owner = crate::controller_ref::controller_ref(s);
        let mut p = new_pod(s, &template(), revision, ordinal, &owner);
        p.status = Some(
            serde_json::from_value(json!({"phase": phase, "conditions": [
                {"type": "Ready", "status": if ready {"True"} else {"False"},
                 "lastTransitionTime": "2020-01-01T00:00:00Z"}]}))
            .unwrap(),
        );
        Arc::new(p)
    }

    fn describe(actions: &[Action]) -> Vec<String> {
        actions
            .iter()
            .map(|a| match a {
                Action::Create(p) => format!(
                    "create {} {}",
                    p.metadata.name.as_deref().unwrap_or_default(),
                    pod_revision(p)
                ),
                Action::CreateClaims(p) => {
                    format!("claims {}", p.metadata.name.as_deref().unwrap_or_default())
                }
                Action::Update(p) => {
                    format!("update {}", p.metadata.name.as_deref().unwrap_or_default())
                }
                Action::FixClaims(p) => {
                    format!("fix {}", p.metadata.name.as_deref().unwrap_or_default())
                }
                Action::Delete { name, why } => format!("delete {name} {why:?}"),
            })
            .collect()
    }

    fn run(s: &StatefulSet, pods: &[Arc<Pod>]) -> Vec<String> {
        let t = template();
        let current = Revision {
            name: "r1",
            template: &t,
        };
        let update = Revision {
            name: "r2",
            template: &t,
        };
        describe(&plan(s, pods, &current, &update, &|_| true))
    }

    #[test]
    fn ordered_ready_creates_one_pod_at_a_time_after_the_previous_is_ready() {
        let s = set(json!({}));
        assert_eq!(run(&s, &[]), ["create web-0 r2"]);
        let p0 = pod(&s, 0, "r2", "Pending", false);
        assert_eq!(run(&s, &[p0]), ["claims web-0"]);
        let p0 = pod(&s, 0, "r2", "Running", false);
        assert!(run(&s, &[p0]).is_empty());
        let p0 = pod(&s, 0, "r2", "Running", true);
        assert_eq!(run(&s, std::slice::from_ref(&p0)), ["create web-1 r2"]);
        let p1 = pod(&s, 1, "r2", "Running", true);
        assert_eq!(run(&s, &[p0, p1]), ["create web-2 r2"]);
    }

    #[test]
    fn parallel_creates_every_missing_pod_at_once() {
        let s = set(json!({"podManagementPolicy": "Parallel"}));
        let p1 = pod(&s, 1, "r2", "Pending", false);
        assert_eq!(
            run(&s, &[p1]),
            ["create web-0 r2", "claims web-1", "create web-2 r2"]
        );
    }

    #[test]
    fn scale_down_removes_the_highest_ordinal_first_and_waits() {
        let s = set(json!({"replicas": 1}));
        let pods: Vec<_> = (0..3).map(|i| pod(&s, i, "r2", "Running", true)).collect();
        assert_eq!(run(&s, &pods), ["delete web-2 ScaleDown"]);
        let mut terminating = (*pods[2]).clone();
        terminating.metadata.deletion_timestamp = Some(
            k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(jiff::Timestamp::UNIX_EPOCH),
        );
        let pods2 = vec![pods[0].clone(), pods[1].clone(), Arc::new(terminating)];
        assert!(run(&s, &pods2).is_empty());
        let parallel = set(json!({"replicas": 1, "podManagementPolicy": "Parallel"}));
        assert_eq!(
            run(&parallel, &pods),
            ["delete web-2 ScaleDown", "delete web-1 ScaleDown"]
        );
    }

    #[test]
    fn failed_pods_are_deleted_to_be_recreated() {
        let s = set(json!({}));
        let p0 = pod(&s, 0, "r2", "Failed", false);
        assert_eq!(run(&s, &[p0]), ["delete web-0 Finished"]);
    }

    #[test]
    fn rolling_update_with_partition_replaces_only_pods_at_or_above_it() {
        let s = set(json!({"updateStrategy": {"type": "RollingUpdate",
            "rollingUpdate": {"partition": 1}}}));
        let pods: Vec<_> = (0..3).map(|i| pod(&s, i, "r1", "Running", true)).collect();
        assert_eq!(run(&s, &pods), ["delete web-2 Update"]);
        // web-2 was recreated at r2 but is not ready yet: wait.
        let mut pods2 = pods.clone();
        pods2[2] = pod(&s, 2, "r2", "Running", false);
        assert!(run(&s, &pods2).is_empty());
        pods2[2] = pod(&s, 2, "r2", "Running", true);
        assert_eq!(run(&s, &pods2), ["delete web-1 Update"]);
        pods2[1] = pod(&s, 1, "r2", "Running", true);
        // web-0 is below the partition: left at r1.
        assert!(run(&s, &pods2).is_empty());
        // A deleted pod below the partition comes back at the current revision.
        let missing = vec![pods2[1].clone(), pods2[2].clone()];
        assert_eq!(run(&s, &missing), ["create web-0 r1"]);
    }

    #[test]
    fn on_delete_only_recreates_deleted_pods_at_the_update_revision() {
        let s = set(json!({"updateStrategy": {"type": "OnDelete"}}));
        let pods: Vec<_> = (0..3).map(|i| pod(&s, i, "r1", "Running", true)).collect();
        assert!(run(&s, &pods).is_empty());
        assert_eq!(run(&s, &pods[..2]), ["create web-2 r2"]);
    }

    #[test]
    fn status_counts_revisions_and_completes_the_rollout() {
        let s = set(json!({}));
        let pods: Vec<_> = (0..3).map(|i| pod(&s, i, "r2", "Running", i < 2)).collect();
        let status = compute_status(&s, &pods, "r1", "r2", 0);
        assert_eq!(status.replicas, 3);
        assert_eq!(status.ready_replicas, Some(2));
        assert_eq!(status.updated_replicas, Some(3));
        assert_eq!(status.current_revision.as_deref(), Some("r1"));
        let pods: Vec<_> = (0..3).map(|i| pod(&s, i, "r2", "Running", true)).collect();
        let status = compute_status(&s, &pods, "r1", "r2", 0);
        assert_eq!(status.current_revision.as_deref(), Some("r2"));
        assert_eq!(status.current_replicas, Some(3));
        assert_eq!(status.available_replicas, Some(3));
    }
}
