use super::*;
use serde_json::json;

fn pod(name: &str, priority: i32) -> Arc<Pod> {
    Arc::new(
        serde_json::from_value(json!({"metadata": {"name": name, "namespace": "ns"},
            "spec": {"containers": [], "priority": priority}}))
        .unwrap(),
    )
}

fn queue() -> SchedulingQueue {
    SchedulingQueue::new(Duration::from_secs(1), Duration::from_secs(10))
}

fn names(q: &mut SchedulingQueue, now: Instant) -> Vec<String> {
    std::iter::from_fn(|| q.pop(now))
        .map(|p| p.pod.metadata.name.clone().unwrap_or_default())
        .collect()
}

#[test]
fn higher_priority_first_then_first_come() {
    let mut q = queue();
    let t = Instant::now();
    q.upsert(pod("low", 1), true, t);
    q.upsert(pod("high", 10), true, t + Duration::from_millis(1));
    q.upsert(pod("low2", 1), true, t + Duration::from_millis(2));
    assert_eq!(names(&mut q, t), ["high", "low", "low2"]);
}

#[test]
fn rejected_pods_wait_for_their_events_then_back_off() {
    let mut q = queue();
    let t = Instant::now();
    q.upsert(pod("p", 0), true, t);
    let popped = q.pop(t).unwrap();
    q.requeue_unschedulable(
        popped,
        HashSet::from(["NodeResourcesFit"]),
        HashSet::from([ClusterEvent::NodeAdded]),
        t,
    );
    assert_eq!(q.pending().unschedulable, 1);
    // An event nobody waits for moves nothing.
    q.on_event(ClusterEvent::AssignedPodAdded, t);
    assert_eq!(q.pending().unschedulable, 1);
    // The right one moves it to backoff (one attempt: 1 s), then to active.
    q.on_event(ClusterEvent::NodeAdded, t);
    assert_eq!(q.pending().backoff, 1);
    assert!(q.pop(t).is_none());
    q.flush(t + Duration::from_secs(1));
    assert_eq!(names(&mut q, t), ["p"]);
}

#[test]
fn an_event_during_the_attempt_sends_the_pod_to_backoff() {
    let mut q = queue();
    let t = Instant::now();
    q.upsert(pod("p", 0), true, t);
    let popped = q.pop(t).unwrap();
    q.on_event(ClusterEvent::NodeAdded, t);
    q.requeue_unschedulable(
        popped,
        HashSet::from(["NodeResourcesFit"]),
        HashSet::from([ClusterEvent::NodeAdded]),
        t,
    );
    assert_eq!(q.pending().backoff, 1);
}

#[test]
fn backoff_doubles_up_to_the_maximum() {
    let q = queue();
    let t = Instant::now();
    let mut p = QueuedPod::new(pod("p", 0), t);
    let waits: Vec<u64> = (0..=6)
        .map(|attempts| {
            p.attempts = attempts;
            q.backoff_until(&p).duration_since(t).as_secs()
        })
        .collect();
    assert_eq!(waits, [0, 1, 2, 4, 8, 10, 10]);
}

#[test]
fn gated_pods_enter_when_admitted_and_unschedulable_ones_after_an_update() {
    let mut q = queue();
    let t = Instant::now();
    q.upsert(pod("g", 0), false, t);
    assert_eq!(q.pending().gated, 1);
    assert!(q.pop(t).is_none());
    // The gate goes away: the spec changes.
    q.upsert(pod("g", 1), true, t);
    assert_eq!(names(&mut q, t), ["g"]);
    q.remove("ns/g");
    assert!(!q.contains("ns/g"));
    assert_eq!(q.pending(), Pending::default());
}

#[test]
fn long_unschedulable_pods_are_retried() {
    let mut q = queue();
    let t = Instant::now();
    q.upsert(pod("p", 0), true, t);
    let popped = q.pop(t).unwrap();
    q.requeue_unschedulable(
        popped,
        HashSet::from(["NodeAffinity"]),
        HashSet::from([ClusterEvent::NodeChanged]),
        t,
    );
    q.flush(t + Duration::from_secs(60));
    assert_eq!(q.pending().unschedulable, 1);
    q.flush(t + MAX_UNSCHEDULABLE_DURATION);
    assert_eq!(names(&mut q, t + MAX_UNSCHEDULABLE_DURATION), ["p"]);
}

#[test]
fn status_only_updates_leave_unschedulable_pods_parked() {
    let mut q = queue();
    let t = Instant::now();
    q.upsert(pod("p", 0), true, t);
    let popped = q.pop(t).unwrap();
    q.requeue_unschedulable(
        popped,
        HashSet::from(["NodeAffinity"]),
        HashSet::from([ClusterEvent::NodeChanged]),
        t,
    );
    let mut status_only = (*pod("p", 0)).clone();
    status_only.status = Some(Default::default());
    q.upsert(Arc::new(status_only), true, t);
    assert_eq!(q.pending().unschedulable, 1);
    let mut labelled = (*pod("p", 0)).clone();
    labelled.metadata.labels = Some([("a".to_owned(), "b".to_owned())].into());
    q.upsert(Arc::new(labelled), true, t + Duration::from_secs(5));
    assert_eq!(q.pending().unschedulable, 0);
}

#[test]
fn a_failed_attempt_of_a_deleted_pod_leaves_its_successor_alone() {
    let with_uid = |uid: &str| {
        let mut p = (*pod("web-0", 0)).clone();
        p.metadata.uid = Some(uid.to_owned());
        Arc::new(p)
    };
    let mut q = queue();
    let t = Instant::now();
    q.upsert(with_uid("old"), true, t);
    let old = q.pop(t).unwrap();
    // Deleted and recreated under the same name while the old attempt was binding.
    q.remove("ns/web-0");
    q.upsert(with_uid("new"), true, t);
    let new = q.pop(t).unwrap();
    q.requeue_backoff(old.clone(), t);
    q.requeue_unschedulable(old, HashSet::new(), HashSet::new(), t);
    assert_eq!(q.pending().backoff + q.pending().unschedulable, 0);
    // The successor's own failure still counts.
    q.requeue_backoff(new, t);
    assert_eq!(q.pending().backoff, 1);
}
