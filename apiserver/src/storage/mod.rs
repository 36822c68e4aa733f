//! Storage: the only place the cluster's state lives.
//!
//! One contract, [`Storage`], with etcd v3 semantics, and two backends:
//!
//! - [`embedded`]: the default. No external process; an in-memory MVCC index over a crash-safe
//!   on-disk LSM tree (fjall) with its journal, group commit, and watch events broadcast on commit.
//! - [`etcd`]: a real etcd cluster through `etcd-client`, for production and HA.
//!
//! In front of either, [`cacher`] puts one watch cache per resource (itself a [`Storage`]), as
//! upstream's `--watch-cache` does.
//!
//! The contract, exactly as etcd defines it:
//!
//! - one global revision, raised by every write;
//! - per key: `create_revision`, `mod_revision` and `version`;
//! - create-if-absent, and update/delete guarded by `mod_revision`;
//! - reads at a past revision, and prefix ranges with limit and continuation at one revision;
//! - watch from a revision: every later change, in order, exactly once, with the previous value,
//!   or an error (never a silent gap);
//! - compaction, after which reads and watches below it fail with [`Error::Compacted`];
//! - TTL leases, whose expiry deletes the keys attached to them (used for Events).
//!
//! Keys follow upstream's layout, `/registry/<resource>/<namespace>/<name>`.
//! [`conformance`] (feature `conformance`) holds the one suite every backend must pass.

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;

pub mod cacher;
pub mod compactor;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod embedded;
mod error;
pub mod etcd;
mod options;

pub use error::{Error, Result};
pub use options::{StorageBackend, StorageOptions};

/// A global store revision. Every write raises it by one; 0 means "none" or "latest".
pub type Revision = i64;

/// An etcd lease id. 0 means "no lease".
pub type LeaseId = i64;

/// One stored key at one revision, with etcd's metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: String,
    pub value: Bytes,
    /// Revision of the write that created this incarnation of the key.
    pub create_revision: Revision,
    /// Revision of the last write to the key.
    pub mod_revision: Revision,
    /// Number of writes since the key was created (1 after create).
    pub version: i64,
    /// Lease the key is attached to, 0 for none.
    pub lease: LeaseId,
}

/// Whether a watch event is a write or a deletion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Put,
    Delete,
}

/// One change, as a watcher sees it.
///
/// For [`EventKind::Delete`], `kv` carries the key and the revision of the deletion, with an empty
/// value and zero `create_revision`/`version`, as etcd reports it; `prev` is the deleted value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    pub kv: KeyValue,
    /// The value before this change; `None` for a create.
    pub prev: Option<KeyValue>,
}

impl Event {
    /// The revision at which this change happened.
    pub fn revision(&self) -> Revision {
        self.kv.mod_revision
    }
}

/// A prefix range read.
#[derive(Clone, Debug, Default)]
pub struct RangeRequest {
    /// Every key that starts with this prefix is in the range.
    pub prefix: String,
    /// Start here instead of at `prefix` (inclusive); this is how a list continues.
    pub start_key: Option<String>,
    /// At most this many keys; 0 means no limit.
    pub limit: usize,
    /// Read at this revision; `None` reads the latest.
    pub revision: Option<Revision>,
    /// With `revision: None`, whether a watch cache in front of the store may answer from
    /// memory: `None` asks for a consistent read (the cache answers only if it has seen the
    /// store's current revision), `Some(n)` accepts any state at revision `n` or later
    /// (`Some(0)`: any state, upstream's `resourceVersion=0`). Stores ignore it.
    pub not_older_than: Option<Revision>,
}

/// The answer to a [`RangeRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RangeResponse {
    pub kvs: Vec<KeyValue>,
    /// True when keys beyond `limit` exist in the range.
    pub more: bool,
    /// Number of keys in the range from the start key on, ignoring `limit`.
    pub count: i64,
    /// The revision the whole range was read at.
    pub revision: Revision,
}

/// A single-key read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GetResponse {
    pub kv: Option<KeyValue>,
    /// The revision the key was read at.
    pub revision: Revision,
}

/// The answer to [`Storage::changes_since`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrefixChanges {
    /// The revision counted at.
    pub revision: Revision,
    /// Keys under the prefix.
    pub keys: i64,
    /// Keys under the prefix whose last write is after the given revision.
    pub modified: i64,
}

/// Events from a watch, in revision order. The stream ends after an error.
pub type WatchStream = Pin<Box<dyn Stream<Item = Result<Event>> + Send>>;

/// The storage contract. Every backend passes the same [`conformance`] suite.
#[async_trait::async_trait]
pub trait Storage: Send + Sync + 'static {
    /// Short name of the backend, for logs and metrics (`embedded`, `etcd3`).
    fn backend_name(&self) -> &'static str;

    /// Creates `key` only if it does not exist. Returns the stored key.
    async fn create(&self, key: &str, value: Bytes, lease: LeaseId) -> Result<KeyValue>;

    /// Replaces `key` only if its `mod_revision` is `expected`. On a mismatch the error is
    /// [`Error::Conflict`] carrying the current value, so callers can retry without a read.
    async fn update(
        &self,
        key: &str,
        value: Bytes,
        expected: Revision,
        lease: LeaseId,
    ) -> Result<KeyValue>;

    /// Deletes `key`, guarded by its `mod_revision` when `expected` is given. Returns the deleted
    /// value and the revision of the deletion.
    async fn delete(&self, key: &str, expected: Option<Revision>) -> Result<(KeyValue, Revision)>;

    /// Reads one key, at `revision` or the latest.
    async fn get(&self, key: &str, revision: Option<Revision>) -> Result<GetResponse>;

    /// The value of `key` as a watch cache holds it, which may be stale: for the first attempt
    /// of a guarded update, whose write compares revisions anyway (upstream's cached existing
    /// object). `None` when nothing caches the key or the cache does not hold it.
    fn get_cached(&self, _key: &str) -> Option<KeyValue> {
        None
    }

    /// Reads a prefix range at one consistent revision.
    async fn range(&self, request: RangeRequest) -> Result<RangeResponse>;

    /// Counts the keys under `prefix` at the latest revision.
    async fn count(&self, prefix: &str) -> Result<i64>;

    /// Counts, at one latest revision, the keys under `prefix` and those of them last written
    /// after `since`, without reading values. A watch cache at `since` holding as many keys
    /// proves with it that nothing under `prefix` changed since.
    async fn changes_since(&self, prefix: &str, since: Revision) -> Result<PrefixChanges>;

    /// The latest revision.
    async fn current_revision(&self) -> Result<Revision>;

    /// Watches every key under `prefix`, delivering each change with revision `>= from`
    /// (0: changes after now). Fails at once, or with the stream's first item, with
    /// [`Error::Compacted`] when `from` is below the compacted revision.
    async fn watch(&self, prefix: &str, from: Revision) -> Result<WatchStream>;

    /// Discards history below `revision`. Fails with [`Error::Compacted`] if it already was, and
    /// with [`Error::FutureRevision`] if `revision` is beyond the latest.
    async fn compact(&self, revision: Revision) -> Result<()>;

    /// Grants a lease that expires `ttl` after its last keep-alive.
    async fn lease_grant(&self, ttl: Duration) -> Result<LeaseId>;

    /// Renews a lease.
    async fn lease_keep_alive(&self, lease: LeaseId) -> Result<()>;

    /// Revokes a lease now, deleting every key attached to it.
    async fn lease_revoke(&self, lease: LeaseId) -> Result<()>;

    /// Readiness: succeeds when the backend can serve a read now.
    async fn check_health(&self) -> Result<()>;
}

/// The end of a prefix range, as etcd computes it: the prefix with its last byte raised.
/// An empty result means "to the end of the keyspace".
pub fn prefix_range_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_range_end_raises_the_last_byte() {
        assert_eq!(
            prefix_range_end(b"/registry/pods/"),
            b"/registry/pods0".to_vec()
        );
        assert_eq!(prefix_range_end(b"a\xff"), b"b".to_vec());
        assert_eq!(prefix_range_end(b"\xff\xff"), vec![0]);
    }
}
