//! The in-memory multi-version index of the embedded store.
//!
//! Every key keeps the list of its revisions still inside the history window (tombstones
//! included), so a read at any revision at or above the compacted one is exact. The event log
//! holds every change at or above the compacted revision, in order, for watchers.
//!
//! Nothing here does I/O. The writer validates a batch of writes against a [`Staging`] overlay,
//! makes the batch durable, and only then calls [`Mvcc::apply`]: readers never see a write that
//! is not on disk.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::storage::{
    Error, Event, EventKind, KeyValue, LeaseId, PrefixChanges, RangeRequest, RangeResponse, Result,
    Revision,
};

/// One revision of one key; `kv: None` marks a deletion.
#[derive(Clone, Debug)]
struct Entry {
    rev: Revision,
    kv: Option<KeyValue>,
}

/// A granted lease: its TTL, when it expires, and the keys attached to it.
#[derive(Debug)]
pub(super) struct Lease {
    pub ttl: Duration,
    pub deadline: Instant,
    keys: BTreeSet<String>,
}

/// A validated change, ready to be made durable and then applied.
#[derive(Clone, Debug)]
pub(super) enum Mutation {
    Put {
        kv: KeyValue,
        prev: Option<KeyValue>,
    },
    Delete {
        key: String,
        rev: Revision,
        prev: KeyValue,
    },
    LeaseGrant {
        id: LeaseId,
        ttl: Duration,
    },
    LeaseRevoke {
        id: LeaseId,
    },
}

/// One record of the on-disk log, in revision order, as [`Mvcc::restore`] takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Record {
    Put(KeyValue),
    Delete { key: String, rev: Revision },
}

impl Record {
    pub fn revision(&self) -> Revision {
        match self {
            Record::Put(kv) => kv.mod_revision,
            Record::Delete { rev, .. } => *rev,
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct Mvcc {
    keys: BTreeMap<String, Vec<Entry>>,
    log: VecDeque<Event>,
    leases: HashMap<LeaseId, Lease>,
    committed: Revision,
    compacted: Revision,
}

impl Mvcc {
    /// Rebuilds the index from the durable log (records in ascending revision order).
    pub fn restore(
        records: impl IntoIterator<Item = Record>,
        leases: impl IntoIterator<Item = (LeaseId, Duration)>,
        compacted: Revision,
        committed_floor: Revision,
    ) -> Result<Self> {
        let mut mvcc = Mvcc {
            compacted,
            committed: committed_floor.max(compacted),
            ..Mvcc::default()
        };
        let now = Instant::now();
        for (id, ttl) in leases {
            mvcc.leases.insert(
                id,
                Lease {
                    ttl,
                    deadline: now + ttl,
                    keys: BTreeSet::new(),
                },
            );
        }
        let mut last_rev = 0;
        for record in records {
            let rev = record.revision();
            if rev <= last_rev {
                return Err(Error::Corrupt(format!(
                    "revision {rev} is out of order in the log (after {last_rev})"
                )));
            }
            last_rev = rev;
            let mutation = match record {
                Record::Put(kv) => {
                    let prev = mvcc.latest(&kv.key).cloned();
                    Mutation::Put { kv, prev }
                }
                Record::Delete { key, rev } => match mvcc.latest(&key).cloned() {
                    Some(prev) => Mutation::Delete { key, rev, prev },
                    None => {
                        return Err(Error::Corrupt(format!(
                            "deletion of absent key {key:?} at revision {rev}"
                        )));
                    }
                },
            };
            mvcc.apply_one(mutation, rev >= compacted);
            mvcc.committed = mvcc.committed.max(rev);
        }
        Ok(mvcc)
    }

    pub fn committed(&self) -> Revision {
        self.committed
    }

    pub fn compacted(&self) -> Revision {
        self.compacted
    }

    /// The revision a read should use, or why it cannot be served.
    pub fn read_revision(&self, requested: Option<Revision>) -> Result<Revision> {
        match requested {
            None | Some(0) => Ok(self.committed),
            Some(rev) if rev < self.compacted => Err(Error::Compacted {
                requested: rev,
                compacted: self.compacted,
            }),
            Some(rev) if rev > self.committed => Err(Error::FutureRevision {
                requested: rev,
                current: self.committed,
            }),
            Some(rev) => Ok(rev),
        }
    }

    fn visible(entries: &[Entry], at: Revision) -> Option<&KeyValue> {
        let idx = entries.partition_point(|e| e.rev <= at);
        idx.checked_sub(1).and_then(|i| entries[i].kv.as_ref())
    }

    /// The latest committed value of `key`.
    pub fn latest(&self, key: &str) -> Option<&KeyValue> {
        self.keys
            .get(key)
            .and_then(|entries| entries.last())
            .and_then(|e| e.kv.as_ref())
    }

    pub fn get(&self, key: &str, at: Revision) -> Option<KeyValue> {
        self.keys
            .get(key)
            .and_then(|entries| Self::visible(entries, at))
            .cloned()
    }

    pub fn range(&self, request: &RangeRequest, at: Revision) -> RangeResponse {
        let start = match &request.start_key {
            Some(start) if start.as_str() > request.prefix.as_str() => start.as_str(),
            _ => request.prefix.as_str(),
        };
        let mut response = RangeResponse {
            revision: at,
            ..RangeResponse::default()
        };
        let in_range = self
            .keys
            .range::<str, _>((std::ops::Bound::Included(start), std::ops::Bound::Unbounded))
            .take_while(|(key, _)| key.starts_with(&request.prefix))
            .filter_map(|(_, entries)| Self::visible(entries, at));
        for kv in in_range {
            response.count += 1;
            if request.limit == 0 || response.kvs.len() < request.limit {
                response.kvs.push(kv.clone());
            } else {
                response.more = true;
            }
        }
        response
    }

    pub fn count(&self, prefix: &str) -> i64 {
        let request = RangeRequest {
            prefix: prefix.to_owned(),
            ..RangeRequest::default()
        };
        let at = self.committed;
        self.keys
            .range::<str, _>((
                std::ops::Bound::Included(request.prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(key, _)| key.starts_with(prefix))
            .filter(|(_, entries)| Self::visible(entries, at).is_some())
            .count() as i64
    }

    /// Keys under `prefix` at the committed revision, and those last written after `since`.
    pub fn changes_since(&self, prefix: &str, since: Revision) -> PrefixChanges {
        let at = self.committed;
        let mut changes = PrefixChanges {
            revision: at,
            ..PrefixChanges::default()
        };
        let visible = self
            .keys
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(key, _)| key.starts_with(prefix))
            .filter_map(|(_, entries)| Self::visible(entries, at));
        for kv in visible {
            changes.keys += 1;
            if kv.mod_revision > since {
                changes.modified += 1;
            }
        }
        changes
    }

    /// Index of the first logged event with revision `>= from`, or why there is none to serve.
    pub fn log_position(&self, from: Revision) -> Result<usize> {
        if from < self.compacted {
            return Err(Error::Compacted {
                requested: from,
                compacted: self.compacted,
            });
        }
        Ok(self.log.partition_point(|event| event.revision() < from))
    }

    /// Copies into `out` the events under `prefix` from log index `position` on, stopping after
    /// `max` log entries. Returns the revision to continue from.
    pub fn read_log(
        &self,
        prefix: &str,
        from: Revision,
        max: usize,
        out: &mut VecDeque<Event>,
    ) -> Result<Revision> {
        let position = self.log_position(from)?;
        let mut next = from;
        for event in self.log.range(position..).take(max) {
            if event.revision() > self.committed {
                break;
            }
            next = event.revision() + 1;
            if event.kv.key.starts_with(prefix) {
                out.push_back(event.clone());
            }
        }
        Ok(next)
    }

    pub fn lease_mut(&mut self, id: LeaseId) -> Option<&mut Lease> {
        self.leases.get_mut(&id)
    }

    /// Leases whose deadline has passed.
    pub fn expired_leases(&self, now: Instant) -> Vec<LeaseId> {
        self.leases
            .iter()
            .filter(|(_, lease)| lease.deadline <= now)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Makes validated, durable mutations visible, in order.
    pub fn apply(&mut self, mutations: Vec<Mutation>) {
        for mutation in mutations {
            if let Some(rev) = mutation_revision(&mutation) {
                self.committed = self.committed.max(rev);
            }
            self.apply_one(mutation, true);
        }
    }

    fn apply_one(&mut self, mutation: Mutation, log_it: bool) {
        match mutation {
            Mutation::Put { kv, prev } => {
                if let Some(prev) = &prev {
                    self.detach_lease(prev.lease, &prev.key);
                }
                if let Some(lease) = self.leases.get_mut(&kv.lease) {
                    lease.keys.insert(kv.key.clone());
                }
                self.keys.entry(kv.key.clone()).or_default().push(Entry {
                    rev: kv.mod_revision,
                    kv: Some(kv.clone()),
                });
                if log_it {
                    self.log.push_back(Event {
                        kind: EventKind::Put,
                        kv,
                        prev,
                    });
                }
            }
            Mutation::Delete { key, rev, prev } => {
                self.detach_lease(prev.lease, &key);
                self.keys
                    .entry(key.clone())
                    .or_default()
                    .push(Entry { rev, kv: None });
                if log_it {
                    self.log.push_back(Event {
                        kind: EventKind::Delete,
                        kv: tombstone(key, rev),
                        prev: Some(prev),
                    });
                }
            }
            Mutation::LeaseGrant { id, ttl } => {
                self.leases.insert(
                    id,
                    Lease {
                        ttl,
                        deadline: Instant::now() + ttl,
                        keys: BTreeSet::new(),
                    },
                );
            }
            Mutation::LeaseRevoke { id } => {
                self.leases.remove(&id);
            }
        }
    }

    fn detach_lease(&mut self, lease: LeaseId, key: &str) {
        if let Some(lease) = self.leases.get_mut(&lease) {
            lease.keys.remove(key);
        }
    }

    /// Plans a compaction at `at`: the revisions the log on disk no longer needs. History below
    /// `at` goes, except the value each key had just before `at`, which is still visible at `at`
    /// and is the previous value of the key's next event.
    pub fn compaction_plan(&self, at: Revision) -> Result<Vec<Revision>> {
        if at <= self.compacted {
            return Err(Error::Compacted {
                requested: at,
                compacted: self.compacted,
            });
        }
        if at > self.committed {
            return Err(Error::FutureRevision {
                requested: at,
                current: self.committed,
            });
        }
        let mut obsolete = Vec::new();
        for entries in self.keys.values() {
            let drop = obsolete_entries(entries, at);
            obsolete.extend(entries[..drop].iter().map(|e| e.rev));
        }
        Ok(obsolete)
    }

    /// Applies a compaction whose plan is already durable.
    pub fn compact(&mut self, at: Revision) {
        self.keys.retain(|_, entries| {
            entries.drain(..obsolete_entries(entries, at));
            !entries.is_empty()
        });
        let keep_from = self.log.partition_point(|event| event.revision() < at);
        self.log.drain(..keep_from);
        self.compacted = at;
    }
}

/// How many of a key's oldest entries a compaction at `at` discards: all below `at`, except the
/// last one when it is a value (it is still visible at `at`).
fn obsolete_entries(entries: &[Entry], at: Revision) -> usize {
    let below = entries.partition_point(|e| e.rev < at);
    let keep_last = below > 0 && entries[below - 1].kv.is_some();
    if keep_last { below - 1 } else { below }
}

fn mutation_revision(mutation: &Mutation) -> Option<Revision> {
    match mutation {
        Mutation::Put { kv, .. } => Some(kv.mod_revision),
        Mutation::Delete { rev, .. } => Some(*rev),
        Mutation::LeaseGrant { .. } | Mutation::LeaseRevoke { .. } => None,
    }
}

/// The key of a deletion event, as etcd reports it.
pub(super) fn tombstone(key: String, rev: Revision) -> KeyValue {
    KeyValue {
        key,
        value: Bytes::new(),
        create_revision: 0,
        mod_revision: rev,
        version: 0,
        lease: 0,
    }
}

/// A batch of writes being validated: the committed index plus what earlier writes of the same
/// batch changed. Revisions are handed out in order.
pub(super) struct Staging<'a> {
    mvcc: &'a Mvcc,
    keys: HashMap<String, Option<KeyValue>>,
    leases: HashMap<LeaseId, bool>,
    next_rev: Revision,
    pub mutations: Vec<Mutation>,
}

impl<'a> Staging<'a> {
    pub fn new(mvcc: &'a Mvcc) -> Self {
        Staging {
            mvcc,
            keys: HashMap::new(),
            leases: HashMap::new(),
            next_rev: mvcc.committed + 1,
            mutations: Vec::new(),
        }
    }

    fn current(&self, key: &str) -> Option<&KeyValue> {
        match self.keys.get(key) {
            Some(staged) => staged.as_ref(),
            None => self.mvcc.latest(key),
        }
    }

    fn lease_exists(&self, id: LeaseId) -> bool {
        match self.leases.get(&id) {
            Some(exists) => *exists,
            None => self.mvcc.leases.contains_key(&id),
        }
    }

    fn check_lease(&self, lease: LeaseId) -> Result<()> {
        if lease == 0 || self.lease_exists(lease) {
            Ok(())
        } else {
            Err(Error::LeaseNotFound(lease))
        }
    }

    fn put(&mut self, kv: KeyValue, prev: Option<KeyValue>) -> KeyValue {
        self.next_rev += 1;
        self.keys.insert(kv.key.clone(), Some(kv.clone()));
        self.mutations.push(Mutation::Put {
            kv: kv.clone(),
            prev,
        });
        kv
    }

    pub fn create(&mut self, key: &str, value: Bytes, lease: LeaseId) -> Result<KeyValue> {
        if self.current(key).is_some() {
            return Err(Error::AlreadyExists { key: key.into() });
        }
        self.check_lease(lease)?;
        let rev = self.next_rev;
        let kv = KeyValue {
            key: key.to_owned(),
            value,
            create_revision: rev,
            mod_revision: rev,
            version: 1,
            lease,
        };
        Ok(self.put(kv, None))
    }

    pub fn update(
        &mut self,
        key: &str,
        value: Bytes,
        expected: Revision,
        lease: LeaseId,
    ) -> Result<KeyValue> {
        let Some(current) = self.current(key).cloned() else {
            return Err(Error::NotFound { key: key.into() });
        };
        if current.mod_revision != expected {
            return Err(Error::Conflict {
                key: key.into(),
                expected,
                current: Box::new(current),
            });
        }
        self.check_lease(lease)?;
        let kv = KeyValue {
            key: key.to_owned(),
            value,
            create_revision: current.create_revision,
            mod_revision: self.next_rev,
            version: current.version + 1,
            lease,
        };
        Ok(self.put(kv, Some(current)))
    }

    pub fn delete(
        &mut self,
        key: &str,
        expected: Option<Revision>,
    ) -> Result<(KeyValue, Revision)> {
        let Some(current) = self.current(key).cloned() else {
            return Err(Error::NotFound { key: key.into() });
        };
        if let Some(expected) = expected.filter(|e| *e != current.mod_revision) {
            return Err(Error::Conflict {
                key: key.into(),
                expected,
                current: Box::new(current),
            });
        }
        let rev = self.next_rev;
        self.next_rev += 1;
        self.keys.insert(key.to_owned(), None);
        self.mutations.push(Mutation::Delete {
            key: key.to_owned(),
            rev,
            prev: current.clone(),
        });
        Ok((current, rev))
    }

    pub fn lease_grant(&mut self, id: LeaseId, ttl: Duration) -> Result<LeaseId> {
        if id == 0 || self.lease_exists(id) {
            return Err(Error::InvalidRequest(format!("lease {id} already exists")));
        }
        self.leases.insert(id, true);
        self.mutations.push(Mutation::LeaseGrant { id, ttl });
        Ok(id)
    }

    /// Revokes a lease: every key attached to it is deleted, each at its own revision.
    pub fn lease_revoke(&mut self, id: LeaseId) -> Result<()> {
        if !self.lease_exists(id) {
            return Err(Error::LeaseNotFound(id));
        }
        let mut attached: BTreeSet<String> = self
            .mvcc
            .leases
            .get(&id)
            .map(|lease| lease.keys.clone())
            .unwrap_or_default();
        attached.extend(
            self.keys
                .iter()
                .filter(|(_, kv)| kv.as_ref().is_some_and(|kv| kv.lease == id))
                .map(|(key, _)| key.clone()),
        );
        for key in attached {
            if self.current(&key).is_some_and(|kv| kv.lease == id) {
                self.delete(&key, None)?;
            }
        }
        self.leases.insert(id, false);
        self.mutations.push(Mutation::LeaseRevoke { id });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(mvcc: &mut Mvcc, f: impl FnOnce(&mut Staging) -> Result<()>) -> Result<()> {
        let mut staging = Staging::new(mvcc);
        f(&mut staging)?;
        let mutations = std::mem::take(&mut staging.mutations);
        mvcc.apply(mutations);
        Ok(())
    }

    fn put(mvcc: &mut Mvcc, key: &str, value: &'static str) {
        write(mvcc, |s| {
            let expected = s.current(key).map(|kv| kv.mod_revision);
            match expected {
                Some(rev) => s.update(key, Bytes::from(value), rev, 0).map(drop),
                None => s.create(key, Bytes::from(value), 0).map(drop),
            }
        })
        .unwrap();
    }

    #[test]
    fn staged_writes_see_each_other_within_a_batch() {
        let mvcc = Mvcc::default();
        let mut staging = Staging::new(&mvcc);
        let a = staging.create("/a", Bytes::from("1"), 0).unwrap();
        assert!(matches!(
            staging.create("/a", Bytes::from("2"), 0),
            Err(Error::AlreadyExists { .. })
        ));
        let a2 = staging
            .update("/a", Bytes::from("2"), a.mod_revision, 0)
            .unwrap();
        assert_eq!((a.mod_revision, a2.mod_revision, a2.version), (1, 2, 2));
        assert_eq!(a2.create_revision, 1);
        // Nothing is visible before apply.
        assert_eq!(mvcc.latest("/a"), None);
    }

    #[test]
    fn compaction_keeps_the_value_visible_at_the_compacted_revision() {
        let mut mvcc = Mvcc::default();
        put(&mut mvcc, "/a", "1"); // rev 1
        put(&mut mvcc, "/a", "2"); // rev 2
        put(&mut mvcc, "/b", "1"); // rev 3
        write(&mut mvcc, |s| s.delete("/b", None).map(drop)).unwrap(); // rev 4
        put(&mut mvcc, "/a", "3"); // rev 5
        let plan = mvcc.compaction_plan(5).unwrap();
        // rev 1 (/a superseded), rev 3 and rev 4 (/b deleted before 5) go; rev 2 stays.
        let mut sorted = plan.clone();
        sorted.sort();
        assert_eq!(sorted, vec![1, 3, 4]);
        mvcc.compact(5);
        assert_eq!(mvcc.get("/a", 5).unwrap().value, Bytes::from("3"));
        assert!(matches!(
            mvcc.read_revision(Some(4)),
            Err(Error::Compacted { .. })
        ));
        let mut events = VecDeque::new();
        mvcc.read_log("/", 5, 100, &mut events).unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].prev.as_ref().unwrap().value, Bytes::from("2"));
    }

    #[test]
    fn restore_rebuilds_prev_values_and_rejects_disorder() {
        let kv = |key: &str, rev, version| KeyValue {
            key: key.into(),
            value: Bytes::from(format!("{rev}")),
            create_revision: 1,
            mod_revision: rev,
            version,
            lease: 0,
        };
        let records = vec![
            Record::Put(kv("/a", 1, 1)),
            Record::Put(kv("/a", 2, 2)),
            Record::Delete {
                key: "/a".into(),
                rev: 3,
            },
        ];
        let mvcc = Mvcc::restore(records, [], 0, 0).unwrap();
        assert_eq!(mvcc.committed(), 3);
        assert_eq!(mvcc.get("/a", 2).unwrap().value, Bytes::from("2"));
        assert_eq!(mvcc.get("/a", 3), None);
        let bad = vec![Record::Put(kv("/a", 2, 1)), Record::Put(kv("/b", 1, 1))];
        assert!(matches!(
            Mvcc::restore(bad, [], 0, 0),
            Err(Error::Corrupt(_))
        ));
    }

    #[test]
    fn lease_revoke_deletes_attached_keys() {
        let mut mvcc = Mvcc::default();
        write(&mut mvcc, |s| {
            s.lease_grant(7, Duration::from_secs(60))?;
            s.create("/e/1", Bytes::from("x"), 7)?;
            s.create("/e/2", Bytes::from("y"), 7)?;
            s.create("/e/3", Bytes::from("z"), 0).map(drop)
        })
        .unwrap();
        write(&mut mvcc, |s| s.lease_revoke(7)).unwrap();
        assert_eq!(mvcc.count("/e/"), 1);
        assert!(mvcc.lease_mut(7).is_none());
        assert!(matches!(
            write(&mut mvcc, |s| s.create("/e/4", Bytes::new(), 7).map(drop)),
            Err(Error::LeaseNotFound(7))
        ));
    }
}
