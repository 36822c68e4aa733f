//! The scheduling queue (upstream's `internal/queue.PriorityQueue`): pods waiting to be
//! scheduled, in four places.
//!
//! - **active**: ready now, highest priority first, then the earliest added (PrioritySort);
//! - **backoff**: failed recently, waiting `podInitialBackoffSeconds · 2^(attempts−1)` (capped
//!   at `podMaxBackoffSeconds`) before going back to active;
//! - **unschedulable**: rejected, waiting for a cluster event that one of the rejecting
//!   plugins registered (node added, pod deleted, ...), or for five minutes;
//! - **gated**: refused by a PreEnqueue plugin (scheduling gates) until the pod changes.
//!
//! The queue itself is plain data; the scheduler holds it behind a lock and pairs it with a
//! `Notify` for [`SchedulingQueue::pop`]'s waiters.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;

use crate::framework::{ClusterEvent, pod_key};

/// How long a pod may stay unschedulable before it is retried anyway
/// (`podMaxInUnschedulablePodsDuration`).
pub const MAX_UNSCHEDULABLE_DURATION: Duration = Duration::from_secs(5 * 60);

/// A pod in the queue, with its scheduling history.
#[derive(Debug, Clone)]
pub struct QueuedPod {
    /// The latest version of the pod.
    pub pod: Arc<Pod>,
    /// When it was last added to the queue (orders equal priorities).
    pub timestamp: Instant,
    /// Scheduling attempts so far.
    pub attempts: u32,
    /// When it was first tried.
    pub initial_attempt: Option<Instant>,
    /// The plugins that rejected it last.
    pub rejected_by: HashSet<&'static str>,
    /// The events that may make it schedulable (from `rejected_by`).
    pub retry_on: HashSet<ClusterEvent>,
}

impl QueuedPod {
    fn new(pod: Arc<Pod>, now: Instant) -> Self {
        Self {
            pod,
            timestamp: now,
            attempts: 0,
            initial_attempt: None,
            rejected_by: HashSet::new(),
            retry_on: HashSet::new(),
        }
    }

    /// `namespace/name`.
    pub fn key(&self) -> String {
        pod_key(&self.pod)
    }

    fn priority(&self) -> i32 {
        self.pod.spec.as_ref().and_then(|s| s.priority).unwrap_or(0)
    }
}

/// Whether an update may change the scheduling outcome: upstream's `isPodUpdated` ignores
/// status, resourceVersion, generation and managedFields.
pub fn changed_for_scheduling(old: &Pod, new: &Pod) -> bool {
    old.spec != new.spec
        || old.metadata.labels != new.metadata.labels
        || old.metadata.annotations != new.metadata.annotations
        || old.metadata.owner_references != new.metadata.owner_references
        || old.metadata.finalizers != new.metadata.finalizers
}

struct Active(QueuedPod);

impl PartialEq for Active {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Active {}
impl PartialOrd for Active {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Active {
    /// The heap pops the greatest: higher priority, then the earlier timestamp.
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .priority()
            .cmp(&other.0.priority())
            .then_with(|| other.0.timestamp.cmp(&self.0.timestamp))
    }
}

/// Where a pod is in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Active,
    Backoff(Instant),
    Unschedulable(Instant),
    Gated,
    /// Popped and being scheduled.
    InFlight,
}

/// Numbers for `scheduler_pending_pods{queue}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pending {
    /// In the active queue.
    pub active: usize,
    /// Backing off.
    pub backoff: usize,
    /// Waiting for an event.
    pub unschedulable: usize,
    /// Held by a PreEnqueue plugin.
    pub gated: usize,
}

/// The queue.
pub struct SchedulingQueue {
    active: BinaryHeap<Active>,
    /// Every pod the queue holds (active entries are looked up here: stale heap entries of
    /// pods that moved or were deleted are skipped on pop).
    pods: HashMap<String, (QueuedPod, Place)>,
    initial_backoff: Duration,
    max_backoff: Duration,
    /// Bumped on every cluster event that moves pods, so a pod that failed while an event
    /// happened is retried after back-off rather than parked (upstream's moveRequestCycle).
    move_generation: u64,
    in_flight_since: HashMap<String, u64>,
    /// Keys of the pods in `Place::Unschedulable`, so events scan only those.
    unschedulable: HashSet<String>,
}

impl SchedulingQueue {
    /// An empty queue with these back-off bounds.
    pub fn new(initial_backoff: Duration, max_backoff: Duration) -> Self {
        Self {
            active: BinaryHeap::new(),
            pods: HashMap::new(),
            initial_backoff,
            max_backoff,
            move_generation: 0,
            in_flight_since: HashMap::new(),
            unschedulable: HashSet::new(),
        }
    }

    fn put(&mut self, key: String, entry: (QueuedPod, Place)) {
        if matches!(entry.1, Place::Unschedulable(_)) {
            self.unschedulable.insert(key.clone());
        } else {
            self.unschedulable.remove(&key);
        }
        self.pods.insert(key, entry);
    }

    fn take(&mut self, key: &str) -> Option<(QueuedPod, Place)> {
        self.unschedulable.remove(key);
        self.pods.remove(key)
    }

    /// Whether the active queue may hold a pod (a hint for waking the scheduling loop).
    pub fn has_active(&self) -> bool {
        !self.active.is_empty()
    }

    fn push_active(&mut self, pod: QueuedPod) {
        let key = pod.key();
        self.active.push(Active(pod.clone()));
        self.put(key, (pod, Place::Active));
    }

    /// Adds or updates an unscheduled pod. `admitted` is the PreEnqueue verdict.
    pub fn upsert(&mut self, pod: Arc<Pod>, admitted: bool, now: Instant) {
        let key = pod_key(&pod);
        let Some((mut queued, place)) = self.take(&key) else {
            let queued = QueuedPod::new(pod, now);
            if admitted {
                self.push_active(queued);
            } else {
                self.put(key, (queued, Place::Gated));
            }
            return;
        };
        let changed = changed_for_scheduling(&queued.pod, &pod);
        queued.pod = pod;
        match place {
            Place::Gated | Place::Unschedulable(_) if admitted && changed => {
                // The pod changed, so it may fit now: upstream moves an updated unschedulable
                // pod to backoff or active. A pod leaving the gate starts its wait now.
                if place == Place::Gated {
                    queued.timestamp = now;
                }
                let until = self.backoff_until(&queued);
                if until > now {
                    self.put(key, (queued, Place::Backoff(until)));
                } else {
                    self.push_active(queued);
                }
            }
            Place::Active if !admitted => {
                self.put(key, (queued, Place::Gated));
            }
            Place::Active => {
                // Keep the heap entry valid: it matches on the timestamp, which is unchanged.
                self.put(key, (queued, Place::Active));
            }
            other => {
                self.put(key, (queued, other));
            }
        }
    }

    /// Removes a pod (deleted, or bound by someone).
    pub fn remove(&mut self, key: &str) {
        self.take(key);
        self.in_flight_since.remove(key);
    }

    /// Whether the queue holds the pod anywhere (also in flight).
    pub fn contains(&self, key: &str) -> bool {
        self.pods.contains_key(key)
    }

    /// Takes the next active pod, if any.
    pub fn pop(&mut self, now: Instant) -> Option<QueuedPod> {
        while let Some(Active(entry)) = self.active.pop() {
            let key = entry.key();
            let Some((queued, place)) = self.pods.get_mut(&key) else {
                continue;
            };
            if *place != Place::Active || queued.timestamp != entry.timestamp {
                continue;
            }
            *place = Place::InFlight;
            queued.attempts += 1;
            queued.initial_attempt.get_or_insert(now);
            self.in_flight_since.insert(key, self.move_generation);
            return Some(queued.clone());
        }
        None
    }

    fn backoff_until(&self, pod: &QueuedPod) -> Instant {
        if pod.attempts == 0 {
            return pod.timestamp;
        }
        let exponent = pod.attempts.saturating_sub(1).min(30);
        let backoff = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        pod.timestamp + backoff
    }

    /// A popped pod was rejected by `rejected_by`, which are retried on `retry_on`. It is
    /// parked until one of those events, unless an event came while it was being scheduled
    /// (then it backs off), as upstream's `AddUnschedulableIfNotPresent`.
    pub fn requeue_unschedulable(
        &mut self,
        mut pod: QueuedPod,
        rejected_by: HashSet<&'static str>,
        retry_on: HashSet<ClusterEvent>,
        now: Instant,
    ) {
        let key = pod.key();
        if !self.holds(&key, &pod) {
            return; // Deleted (or recreated under the same name) meanwhile.
        }
        let Some(since) = self.in_flight_since.remove(&key) else {
            return; // Bound meanwhile.
        };
        pod.timestamp = now;
        pod.rejected_by = rejected_by;
        pod.retry_on = retry_on;
        let place = if since != self.move_generation || pod.retry_on.is_empty() {
            Place::Backoff(self.backoff_until(&pod))
        } else {
            Place::Unschedulable(now)
        };
        self.put(key, (pod, place));
    }

    /// A popped pod failed for another reason (an error, a failed binding): back off.
    pub fn requeue_backoff(&mut self, mut pod: QueuedPod, now: Instant) {
        let key = pod.key();
        if !self.holds(&key, &pod) || self.in_flight_since.remove(&key).is_none() {
            return;
        }
        pod.timestamp = now;
        let until = self.backoff_until(&pod);
        self.put(key, (pod, Place::Backoff(until)));
    }

    /// Whether the queue holds this very pod under `key` (not one recreated with its name).
    fn holds(&self, key: &str, pod: &QueuedPod) -> bool {
        self.pods
            .get(key)
            .is_some_and(|(held, _)| held.pod.metadata.uid == pod.pod.metadata.uid)
    }

    /// A popped pod was scheduled (assumed): it leaves the queue.
    pub fn done(&mut self, key: &str) {
        self.remove(key);
    }

    /// A cluster event: unschedulable pods that it may help go to backoff or active.
    pub fn on_event(&mut self, event: ClusterEvent, now: Instant) {
        self.move_generation += 1;
        let moved: Vec<String> = self
            .unschedulable
            .iter()
            .filter(|key| {
                self.pods
                    .get(*key)
                    .is_some_and(|(pod, _)| pod.retry_on.contains(&event))
            })
            .cloned()
            .collect();
        for key in moved {
            self.move_out_of_unschedulable(&key, now);
        }
    }

    fn move_out_of_unschedulable(&mut self, key: &str, now: Instant) {
        let Some((pod, _)) = self.take(key) else {
            return;
        };
        let until = self.backoff_until(&pod);
        if until > now {
            self.put(key.to_owned(), (pod, Place::Backoff(until)));
        } else {
            self.push_active(pod);
        }
    }

    /// Moves pods whose back-off is over to active, and pods unschedulable for too long to
    /// backoff or active. Upstream runs these every second and every 30 seconds.
    pub fn flush(&mut self, now: Instant) {
        let due: Vec<String> = self
            .pods
            .iter()
            .filter(|(_, (_, place))| match place {
                Place::Backoff(until) => *until <= now,
                Place::Unschedulable(since) => {
                    now.duration_since(*since) >= MAX_UNSCHEDULABLE_DURATION
                }
                _ => false,
            })
            .map(|(key, _)| key.clone())
            .collect();
        for key in due {
            self.move_out_of_unschedulable(&key, now);
        }
    }

    /// How many pods wait where.
    pub fn pending(&self) -> Pending {
        let mut pending = Pending::default();
        for (_, place) in self.pods.values() {
            match place {
                Place::Active => pending.active += 1,
                Place::Backoff(_) => pending.backoff += 1,
                Place::Unschedulable(_) => pending.unschedulable += 1,
                Place::Gated => pending.gated += 1,
                Place::InFlight => {}
            }
        }
        pending
    }
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;
