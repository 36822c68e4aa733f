//! What workload controllers ask of pods (upstream's `controller_utils.go` and
//! `api/v1/pod` helpers): active, ready and available pods, and the order in which extra pods
//! are deleted when scaling down (`ActivePodsWithRanks`, with logarithmic scale-down).

use std::cmp::Ordering;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;

/// The annotation that makes a pod cheaper or dearer to delete.
pub const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

/// Whether the pod counts toward its controller: not finished and not being deleted.
pub fn is_pod_active(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    !matches!(phase, Some("Succeeded" | "Failed")) && pod.metadata.deletion_timestamp.is_none()
}

/// Whether the pod has finished (Succeeded or Failed).
pub fn is_pod_terminal(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    matches!(phase, Some("Succeeded" | "Failed"))
}

/// The time the pod's Ready condition turned True, if it is ready.
pub fn ready_since(pod: &Pod) -> Option<Timestamp> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready" && c.status == "True")
        .map(|c| {
            c.last_transition_time
                .as_ref()
                .map(|t| t.0)
                .unwrap_or_default()
        })
}

/// Whether the pod's Ready condition is True.
pub fn is_pod_ready(pod: &Pod) -> bool {
    ready_since(pod).is_some()
}

/// Whether the pod has been ready for at least `min_ready_seconds` at `now`.
pub fn is_pod_available(pod: &Pod, min_ready_seconds: i32, now: Timestamp) -> bool {
    let Some(since) = ready_since(pod) else {
        return false;
    };
    if min_ready_seconds <= 0 {
        return true;
    }
    since != Timestamp::default()
        && since
            .checked_add(jiff::SignedDuration::from_secs(i64::from(
                min_ready_seconds,
            )))
            .is_ok_and(|t| t < now)
}

fn phase_ordinal(pod: &Pod) -> u8 {
    match pod.status.as_ref().and_then(|s| s.phase.as_deref()) {
        Some("Unknown") => 1,
        Some("Running") => 2,
        _ => 0,
    }
}

fn deletion_cost(pod: &Pod) -> i32 {
    pod.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(POD_DELETION_COST))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn max_restarts(pod: &Pod) -> i32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .map(|c| c.iter().map(|s| s.restart_count).max().unwrap_or(0))
        .unwrap_or(0)
}

/// `floor(log2(now - t))` in nanoseconds, -1 for times not in the past.
fn log_rank(t: Timestamp, now: Timestamp) -> i64 {
    let nanos = now.duration_since(t).as_nanos();
    if nanos > 0 {
        (nanos as f64).log2() as i64
    } else {
        -1
    }
}

/// Upstream's deletion order: the pod to delete first compares `Less`. `rank_a`/`rank_b` are
/// the numbers of related active pods on each pod's node (doubled-up pods go first).
pub fn deletion_order(a: &Pod, rank_a: usize, b: &Pod, rank_b: usize, now: Timestamp) -> Ordering {
    let node = |p: &Pod| {
        p.spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default()
    };
    let (node_a, node_b) = (node(a), node(b));
    // 1. Unassigned before assigned.
    if node_a != node_b && (node_a.is_empty() || node_b.is_empty()) {
        return if node_a.is_empty() {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    // 2. Pending < Unknown < Running.
    let by_phase = phase_ordinal(a).cmp(&phase_ordinal(b));
    if by_phase != Ordering::Equal {
        return by_phase;
    }
    // 3. Not ready before ready.
    let (ready_a, ready_b) = (ready_since(a), ready_since(b));
    if ready_a.is_some() != ready_b.is_some() {
        return if ready_a.is_none() {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    // 4. Lower deletion cost first.
    let by_cost = deletion_cost(a).cmp(&deletion_cost(b));
    if by_cost != Ordering::Equal {
        return by_cost;
    }
    // 5. Doubled up (higher rank) first.
    if rank_a != rank_b {
        return rank_b.cmp(&rank_a);
    }
    let uid = |p: &Pod| p.metadata.uid.clone().unwrap_or_default();
    let (uid_a, uid_b) = (uid(a), uid(b));
    // 6. Ready for a shorter time first.
    if let (Some(ta), Some(tb)) = (ready_a, ready_b)
        && ta != tb
    {
        return newer_order(ta, tb, now, (&uid_a, &uid_b));
    }
    // 7. More restarts first.
    let by_restarts = max_restarts(b).cmp(&max_restarts(a));
    if by_restarts != Ordering::Equal {
        return by_restarts;
    }
    // 8. Created more recently first.
    let created = |p: &Pod| {
        p.metadata
            .creation_timestamp
            .as_ref()
            .map(|t| t.0)
            .unwrap_or_default()
    };
    let (ca, cb) = (created(a), created(b));
    if ca != cb {
        return newer_order(ca, cb, now, (&uid_a, &uid_b));
    }
    Ordering::Equal
}

/// `Less` when `a` is the newer time (zero counts as newest); ties on the log scale by uid.
fn newer_order(a: Timestamp, b: Timestamp, now: Timestamp, uids: (&str, &str)) -> Ordering {
    let zero = Timestamp::default();
    if a == zero || b == zero {
        return if a == zero {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    // A smaller log rank (less time elapsed) is newer.
    match log_rank(a, now).cmp(&log_rank(b, now)) {
        Ordering::Equal => uids.0.cmp(uids.1),
        other => other,
    }
}

/// The `count` pods of `pods` to delete first; `related` are the pods whose placement ranks
/// them (upstream: the active pods of the controller and of its siblings).
pub fn pods_to_delete<'a>(
    pods: &[&'a Pod],
    related: &[&Pod],
    count: usize,
    now: Timestamp,
) -> Vec<&'a Pod> {
    if count >= pods.len() {
        return pods.to_vec();
    }
    let mut on_node: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for pod in related.iter().filter(|p| is_pod_active(p)) {
        let node = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default();
        *on_node.entry(node).or_default() += 1;
    }
    let rank = |p: &Pod| {
        let node = p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default();
        on_node.get(&node).copied().unwrap_or(0)
    };
    let mut ranked: Vec<(&Pod, usize)> = pods.iter().map(|p| (*p, rank(p))).collect();
    ranked.sort_by(|(a, ra), (b, rb)| deletion_order(a, *ra, b, *rb, now));
    ranked.into_iter().take(count).map(|(p, _)| p).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(name: &str, node: &str, phase: &str, ready_at: Option<&str>, created: &str) -> Pod {
        let mut status = json!({"phase": phase});
        if let Some(at) = ready_at {
            status["conditions"] =
                json!([{"type": "Ready", "status": "True", "lastTransitionTime": at}]);
        }
        serde_json::from_value(json!({
            "metadata": {"name": name, "uid": name, "creationTimestamp": created},
            "spec": {"nodeName": node, "containers": []},
            "status": status,
        }))
        .expect("pod")
    }

    fn names(pods: Vec<&Pod>) -> Vec<String> {
        pods.iter()
            .map(|p| p.metadata.name.clone().unwrap_or_default())
            .collect()
    }

    #[test]
    fn scale_down_deletes_unassigned_pending_and_unready_pods_first() {
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let old = "2026-01-01T00:00:00Z";
        let running = pod("running", "n1", "Running", Some(old), old);
        let unready = pod("unready", "n1", "Running", None, old);
        let pending = pod("pending", "n1", "Pending", None, old);
        let unassigned = pod("unassigned", "", "Pending", None, old);
        let all = [&running, &unready, &pending, &unassigned];
        assert_eq!(
            names(pods_to_delete(&all, &all, 3, now)),
            ["unassigned", "pending", "unready"]
        );
    }

    #[test]
    fn among_ready_pods_doubled_up_and_younger_pods_go_first() {
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let old = "2026-01-01T00:00:00Z";
        let young = "2026-01-01T11:59:00Z";
        let alone = pod("alone", "n1", "Running", Some(old), old);
        let crowded = pod("crowded", "n2", "Running", Some(old), old);
        let crowded_too = pod("crowded-too", "n2", "Running", Some(old), old);
        let all = [&alone, &crowded, &crowded_too];
        assert!(names(pods_to_delete(&all, &all, 1, now))[0].starts_with("crowded"));

        let older = pod("older", "n1", "Running", Some(old), old);
        let newer = pod("newer", "n2", "Running", Some(young), young);
        let all = [&older, &newer];
        assert_eq!(names(pods_to_delete(&all, &all, 1, now)), ["newer"]);
    }

    #[test]
    fn availability_waits_for_min_ready_seconds() {
        let now: Timestamp = "2026-01-01T12:00:10Z".parse().unwrap();
        let p = pod(
            "p",
            "n1",
            "Running",
            Some("2026-01-01T12:00:00Z"),
            "2026-01-01T11:00:00Z",
        );
        assert!(is_pod_available(&p, 0, now));
        assert!(is_pod_available(&p, 5, now));
        assert!(!is_pod_available(&p, 30, now));
        assert!(!is_pod_available(
            &pod("q", "n1", "Running", None, "2026-01-01T11:00:00Z"),
            0,
            now
        ));
    }
}
