//! The pure part of leader election: the election record held in a Lease, and the decision a
//! candidate takes given the current record, what it observed, its identity and the time.
//!
//! Ported from client-go's `tools/leaderelection/leaderelection.go` (`tryAcquireOrRenew`,
//! `release`, `isLeaseValid`) and `resourcelock/leaselock.go` (record <-> `LeaseSpec`).
//!
//! **Clock.** As upstream, a lease's validity is judged on the candidate's *own* clock: a record
//! is valid until `observed_at + leaseDurationSeconds`, where `observed_at` is when this candidate
//! first saw the record in its current form (any change, such as a new `renewTime`, restarts
//! the clock). The timestamps written by other nodes are compared only for equality, so the
//! election tolerates arbitrary clock skew between nodes. A consequence, also upstream's: a
//! fresh candidate waits one full lease duration before taking over a lease it has never seen
//! renewed, however old its `renewTime` is.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::{api::coordination::v1::LeaseSpec, apimachinery::pkg::apis::meta::v1::MicroTime};

/// The election state stored in a Lease's spec (client-go's `LeaderElectionRecord`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaderElectionRecord {
    /// `holderIdentity`; empty when released.
    pub holder_identity: String,
    /// `leaseDurationSeconds`.
    pub lease_duration_seconds: i32,
    /// `acquireTime`.
    pub acquire_time: Option<Timestamp>,
    /// `renewTime`.
    pub renew_time: Option<Timestamp>,
    /// `leaseTransitions`: how many times the holder changed.
    pub leader_transitions: i32,
}

impl From<&LeaseSpec> for LeaderElectionRecord {
    fn from(spec: &LeaseSpec) -> Self {
        Self {
            holder_identity: spec.holder_identity.clone().unwrap_or_default(),
            lease_duration_seconds: spec.lease_duration_seconds.unwrap_or_default(),
            acquire_time: spec.acquire_time.as_ref().map(|t| t.0),
            renew_time: spec.renew_time.as_ref().map(|t| t.0),
            leader_transitions: spec.lease_transitions.unwrap_or_default(),
        }
    }
}

impl LeaderElectionRecord {
    /// The Lease spec holding this record. As upstream, the whole spec is replaced (fields the
    /// record does not model, such as `preferredHolder`, are cleared).
    pub fn to_lease_spec(&self) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(self.holder_identity.clone()),
            lease_duration_seconds: Some(self.lease_duration_seconds),
            acquire_time: self.acquire_time.map(MicroTime),
            renew_time: self.renew_time.map(MicroTime),
            lease_transitions: Some(self.leader_transitions),
            ..LeaseSpec::default()
        }
    }
}

/// A record as this candidate last saw it, and when it first saw it in that form (local clock).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// The record.
    pub record: LeaderElectionRecord,
    /// When it was first seen unchanged (or written by us).
    pub observed_at: Timestamp,
}

impl Observation {
    /// Fold a freshly read `record` into the previous observation: the clock restarts only if
    /// the record changed.
    pub fn observe(
        previous: Option<Observation>,
        record: LeaderElectionRecord,
        now: Timestamp,
    ) -> Self {
        match previous {
            Some(prev) if prev.record == record => prev,
            _ => Self {
                record,
                observed_at: now,
            },
        }
    }

    /// When the observed lease stops being valid on our clock.
    pub fn expires_at(&self) -> Timestamp {
        let duration = SignedDuration::from_secs(i64::from(self.record.lease_duration_seconds));
        self.observed_at
            .checked_add(duration)
            .unwrap_or(Timestamp::MAX)
    }

    /// Whether the observed lease is still valid at `now` (client-go's `isLeaseValid`).
    pub fn is_valid(&self, now: Timestamp) -> bool {
        self.expires_at() > now
    }
}

/// What a candidate should do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// No Lease exists: create one holding this record.
    Create(LeaderElectionRecord),
    /// Take the lease over (it expired, was released, or was never held) by writing this record.
    Acquire(LeaderElectionRecord),
    /// We hold the lease: renew it by writing this record.
    Renew(LeaderElectionRecord),
    /// Another candidate holds a valid lease.
    Wait {
        /// The holder.
        holder: String,
        /// When the lease expires on our clock, unless renewed first.
        expires_at: Timestamp,
    },
}

/// Lease timestamps have microsecond precision; keep ours comparable with what we read back.
pub fn lease_time(now: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(now.as_microsecond()).unwrap_or(now)
}

/// Whole seconds of `lease_duration`, as upstream's `int(LeaseDuration / time.Second)`.
pub fn lease_duration_seconds(lease_duration: Duration) -> i32 {
    i32::try_from(lease_duration.as_secs()).unwrap_or(i32::MAX)
}

/// Decide, after reading the Lease (`current`, `None` if absent) and folding it into
/// `observed`, whether to create, acquire, renew or wait (client-go's `tryAcquireOrRenew`).
pub fn decide(
    current: Option<&Observation>,
    identity: &str,
    lease_duration: Duration,
    now: Timestamp,
) -> Decision {
    let now = lease_time(now);
    let mut record = LeaderElectionRecord {
        holder_identity: identity.to_owned(),
        lease_duration_seconds: lease_duration_seconds(lease_duration),
        acquire_time: Some(now),
        renew_time: Some(now),
        leader_transitions: 0,
    };
    let Some(observed) = current else {
        return Decision::Create(record);
    };
    let old = &observed.record;
    let is_leader = old.holder_identity == identity;
    if !old.holder_identity.is_empty() && observed.is_valid(now) && !is_leader {
        return Decision::Wait {
            holder: old.holder_identity.clone(),
            expires_at: observed.expires_at(),
        };
    }
    if is_leader {
        record.acquire_time = old.acquire_time;
        record.leader_transitions = old.leader_transitions;
        Decision::Renew(record)
    } else {
        record.leader_transitions = old.leader_transitions.saturating_add(1);
        Decision::Acquire(record)
    }
}

/// The record that releases a lease we hold (client-go's `release`): empty holder, a one-second
/// duration so that others may take it at once, transitions kept.
pub fn release_record(current: &LeaderElectionRecord, now: Timestamp) -> LeaderElectionRecord {
    let now = lease_time(now);
    LeaderElectionRecord {
        holder_identity: String::new(),
        lease_duration_seconds: 1,
        acquire_time: Some(now),
        renew_time: Some(now),
        leader_transitions: current.leader_transitions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: Duration = Duration::from_secs(15);

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + secs).expect("timestamp")
    }

    fn held_by(holder: &str, renewed: i64, transitions: i32) -> LeaderElectionRecord {
        LeaderElectionRecord {
            holder_identity: holder.to_owned(),
            lease_duration_seconds: 15,
            acquire_time: Some(t(-100)),
            renew_time: Some(t(renewed)),
            leader_transitions: transitions,
        }
    }

    fn seen(record: LeaderElectionRecord, at: i64) -> Observation {
        Observation {
            record,
            observed_at: t(at),
        }
    }

    #[test]
    fn absent_lease_is_created_with_zero_transitions() {
        let d = decide(None, "me", LEASE, t(0));
        let Decision::Create(r) = d else {
            panic!("expected create, got {d:?}")
        };
        assert_eq!(r.holder_identity, "me");
        assert_eq!(r.lease_duration_seconds, 15);
        assert_eq!(r.acquire_time, Some(t(0)));
        assert_eq!(r.renew_time, Some(t(0)));
        assert_eq!(r.leader_transitions, 0);
    }

    #[test]
    fn foreign_valid_lease_is_respected() {
        let obs = seen(held_by("other", 0, 3), 0);
        assert_eq!(
            decide(Some(&obs), "me", LEASE, t(14)),
            Decision::Wait {
                holder: "other".to_owned(),
                expires_at: t(15)
            }
        );
    }

    #[test]
    fn expired_foreign_lease_is_taken_over_and_transitions_increment() {
        let obs = seen(held_by("other", 0, 3), 0);
        // Exactly at expiry the lease is no longer valid (validity is strict `after`).
        let d = decide(Some(&obs), "me", LEASE, t(15));
        let Decision::Acquire(r) = d else {
            panic!("expected acquire, got {d:?}")
        };
        assert_eq!(r.holder_identity, "me");
        assert_eq!(r.leader_transitions, 4);
        assert_eq!(r.acquire_time, Some(t(15)));
        assert_eq!(r.renew_time, Some(t(15)));
        assert_eq!(r.lease_duration_seconds, 15);
    }

    #[test]
    fn own_lease_is_renewed_keeping_acquire_time_and_transitions() {
        let obs = seen(held_by("me", 0, 7), 0);
        let d = decide(Some(&obs), "me", LEASE, t(2));
        let Decision::Renew(r) = d else {
            panic!("expected renew, got {d:?}")
        };
        assert_eq!(r.acquire_time, Some(t(-100)));
        assert_eq!(r.renew_time, Some(t(2)));
        assert_eq!(r.leader_transitions, 7);
        // Even an expired lease of ours is renewed, not re-acquired (no transition).
        let d = decide(Some(&obs), "me", LEASE, t(60));
        assert!(
            matches!(d, Decision::Renew(ref r) if r.leader_transitions == 7),
            "{d:?}"
        );
    }

    #[test]
    fn released_lease_is_acquired_immediately() {
        let released = release_record(&held_by("other", 0, 2), t(5));
        assert_eq!(released.holder_identity, "");
        assert_eq!(released.lease_duration_seconds, 1);
        assert_eq!(released.leader_transitions, 2);
        let obs = seen(released, 5);
        let d = decide(Some(&obs), "me", LEASE, t(5));
        assert!(
            matches!(d, Decision::Acquire(ref r) if r.leader_transitions == 3),
            "{d:?}"
        );
    }

    #[test]
    fn clock_restarts_when_the_record_changes() {
        // First seen at t=0; the holder renews at t=10 (renewTime changes), seen at t=10.
        let first = Observation::observe(None, held_by("other", 0, 1), t(0));
        let same = Observation::observe(Some(first.clone()), held_by("other", 0, 1), t(10));
        assert_eq!(same.observed_at, t(0), "unchanged record keeps its clock");
        let renewed = Observation::observe(Some(same), held_by("other", 10, 1), t(10));
        assert_eq!(renewed.observed_at, t(10));
        // At t=20 the original observation would have expired, the renewed one has not.
        assert!(!first.is_valid(t(20)));
        assert!(matches!(
            decide(Some(&renewed), "me", LEASE, t(20)),
            Decision::Wait { .. }
        ));
        assert!(matches!(
            decide(Some(&renewed), "me", LEASE, t(25)),
            Decision::Acquire(_)
        ));
    }

    #[test]
    fn lease_duration_comes_from_the_record_not_our_config() {
        // The holder asked for 60s; our own 15s setting does not shorten it.
        let mut record = held_by("other", 0, 0);
        record.lease_duration_seconds = 60;
        let obs = seen(record, 0);
        assert!(matches!(
            decide(Some(&obs), "me", LEASE, t(30)),
            Decision::Wait { .. }
        ));
        assert!(matches!(
            decide(Some(&obs), "me", LEASE, t(60)),
            Decision::Acquire(_)
        ));
    }

    #[test]
    fn stale_renew_time_does_not_shortcut_the_local_clock() {
        // A record renewed long ago by another node's clock, first seen now, is still waited
        // out for a full lease duration: remote timestamps are never trusted for expiry.
        let obs = Observation::observe(None, held_by("other", -3600, 0), t(0));
        assert!(matches!(
            decide(Some(&obs), "me", LEASE, t(1)),
            Decision::Wait { .. }
        ));
        assert!(matches!(
            decide(Some(&obs), "me", LEASE, t(15)),
            Decision::Acquire(_)
        ));
    }

    #[test]
    fn spec_round_trip_and_missing_fields() {
        let record = held_by("me", 3, 5);
        let spec = record.to_lease_spec();
        assert_eq!(spec.holder_identity.as_deref(), Some("me"));
        assert_eq!(spec.lease_transitions, Some(5));
        assert_eq!(LeaderElectionRecord::from(&spec), record);
        let empty = LeaderElectionRecord::from(&LeaseSpec::default());
        assert_eq!(empty, LeaderElectionRecord::default());
        // A spec without holder is up for grabs at once, with transitions counted from 0.
        let obs = seen(empty, 0);
        assert!(
            matches!(decide(Some(&obs), "me", LEASE, t(0)), Decision::Acquire(ref r) if r.leader_transitions == 1)
        );
    }

    #[test]
    fn times_are_truncated_to_microseconds() {
        let now = Timestamp::from_nanosecond(1_700_000_000_123_456_789).expect("ts");
        let Decision::Create(r) = decide(None, "me", LEASE, now) else {
            panic!("create")
        };
        assert_eq!(
            r.renew_time.map(|t| t.as_nanosecond()),
            Some(1_700_000_000_123_456_000)
        );
        assert_eq!(lease_duration_seconds(Duration::from_millis(15_900)), 15);
    }
}
