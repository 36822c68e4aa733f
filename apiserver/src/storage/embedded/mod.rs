//! The embedded store: the default backend, with no external process.
//!
//! - [`mvcc`]: the in-memory multi-version index and event log (no I/O);
//! - [`disk`]: the redb file that makes every acknowledged write survive a crash;
//! - [`writer`]: the single writer thread, with group commit;
//! - [`watch`]: watchers as cursors into the event log, woken on every commit.
//!
//! A background task expires leases and keeps the history bounded (`history_limit`), on top of
//! the compaction the API server drives.

mod disk;
mod mvcc;
mod watch;
mod writer;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use self::mvcc::Mvcc;
use self::writer::{Op, Reply, Request};
use super::{
    Error, GetResponse, KeyValue, LeaseId, PrefixChanges, RangeRequest, RangeResponse, Result,
    Revision, Storage, WatchStream,
};

/// How the embedded store is opened.
#[derive(Clone, Debug)]
pub struct EmbeddedOptions {
    /// Folder holding the store file; created if missing.
    pub data_dir: PathBuf,
    /// Most revisions of history kept before the store compacts on its own.
    pub history_limit: i64,
    /// How often leases are checked for expiry.
    pub lease_check_interval: Duration,
}

impl EmbeddedOptions {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        EmbeddedOptions {
            data_dir: data_dir.into(),
            history_limit: 100_000,
            lease_check_interval: Duration::from_millis(250),
        }
    }
}

/// What the writer, the readers and the watchers share.
pub(super) struct Shared {
    mvcc: RwLock<Mvcc>,
    committed: tokio::sync::watch::Sender<Revision>,
    closed: AtomicBool,
}

impl Shared {
    fn read(&self) -> RwLockReadGuard<'_, Mvcc> {
        self.mvcc
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Mvcc> {
        self.mvcc
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}

pub struct EmbeddedStore {
    shared: Arc<Shared>,
    requests: mpsc::Sender<Request>,
    writer: Option<std::thread::JoinHandle<()>>,
    maintenance: tokio::task::JoinHandle<()>,
}

impl EmbeddedStore {
    /// Opens the store in `options.data_dir`, replaying its log. Must run inside a tokio runtime.
    /// A corrupt or unreadable store is an error, never an empty store.
    pub async fn open(options: EmbeddedOptions) -> Result<Self> {
        let data_dir = options.data_dir.clone();
        let (disk, loaded) = tokio::task::spawn_blocking(move || disk::Disk::open(&data_dir))
            .await
            .map_err(|e| Error::Io(format!("opening the store failed: {e}")))??;
        let records = loaded.records.len();
        let mvcc = Mvcc::restore(loaded.records, loaded.leases, loaded.compacted, 0)?;
        tracing::info!(
            data_dir = %options.data_dir.display(),
            records,
            revision = mvcc.committed(),
            compacted = mvcc.compacted(),
            "embedded store opened"
        );
        let (committed, _) = tokio::sync::watch::channel(mvcc.committed());
        let shared = Arc::new(Shared {
            mvcc: RwLock::new(mvcc),
            committed,
            closed: AtomicBool::new(false),
        });
        let (requests, receiver) = mpsc::channel(4 * 1024);
        let writer_shared = shared.clone();
        let data_dir = options.data_dir.clone();
        let writer = std::thread::Builder::new()
            .name("embedded-store-writer".into())
            .spawn(move || writer::run(writer_shared, disk, data_dir, receiver))
            .map_err(|e| Error::Io(format!("cannot start the writer thread: {e}")))?;
        let maintenance = tokio::spawn(maintain(
            shared.clone(),
            requests.downgrade(),
            options.clone(),
        ));
        Ok(EmbeddedStore {
            shared,
            requests,
            writer: Some(writer),
            maintenance,
        })
    }

    /// Stops the writer after the writes already queued, and waits until the file is closed.
    pub async fn close(mut self) {
        self.shutdown();
        if let Some(writer) = self.writer.take() {
            let _ = tokio::task::spawn_blocking(move || writer.join()).await;
        }
    }

    fn shutdown(&mut self) {
        self.maintenance.abort();
        self.shared.closed.store(true, Ordering::Release);
        self.shared.committed.send_modify(|_| {});
        // Replacing the sender drops ours; the writer ends once in-flight requests finish.
        let (closed, _) = mpsc::channel(1);
        self.requests = closed;
    }

    async fn submit(&self, op: Op) -> Result<Reply> {
        if self.shared.is_closed() {
            return Err(Error::Closed);
        }
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Request { op, reply })
            .await
            .map_err(|_| Error::Closed)?;
        answer.await.map_err(|_| Error::Closed)?
    }
}

impl Drop for EmbeddedStore {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Expires leases and bounds the history, until the store closes.
async fn maintain(
    shared: Arc<Shared>,
    requests: mpsc::WeakSender<Request>,
    options: EmbeddedOptions,
) {
    let mut tick = tokio::time::interval(options.lease_check_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let (expired, compact_at) = {
            let mvcc = shared.read();
            // Compact in steps of half the limit, so a busy store compacts now and then rather
            // than on every tick (each compaction walks the whole index).
            let over = mvcc.committed() - mvcc.compacted() - options.history_limit;
            let compact_at = (over > 0).then(|| mvcc.committed() - options.history_limit / 2);
            (mvcc.expired_leases(Instant::now()), compact_at)
        };
        let Some(sender) = requests.upgrade() else {
            return;
        };
        let mut ops: Vec<Op> = expired
            .into_iter()
            .map(|id| Op::LeaseRevoke { id })
            .collect();
        ops.extend(compact_at.map(|at| Op::Compact { at }));
        for op in ops {
            let (reply, answer) = oneshot::channel();
            if sender.send(Request { op, reply }).await.is_err() {
                return;
            }
            match answer.await {
                Ok(Ok(_)) | Ok(Err(Error::LeaseNotFound(_) | Error::Compacted { .. })) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "embedded store maintenance failed"),
                Err(_) => return,
            }
        }
    }
}

fn unexpected(reply: Reply) -> Error {
    let kind = match reply {
        Reply::Kv(_) => "a key",
        Reply::Deleted(..) => "a deletion",
        Reply::Lease(_) => "a lease",
        Reply::Done => "nothing",
    };
    Error::Io(format!(
        "embedded store writer answered with {kind} unexpectedly"
    ))
}

#[async_trait::async_trait]
impl Storage for EmbeddedStore {
    fn backend_name(&self) -> &'static str {
        "embedded"
    }

    async fn create(&self, key: &str, value: Bytes, lease: LeaseId) -> Result<KeyValue> {
        check_key(key)?;
        let op = Op::Create {
            key: key.to_owned(),
            value,
            lease,
        };
        match self.submit(op).await? {
            Reply::Kv(kv) => Ok(kv),
            other => Err(unexpected(other)),
        }
    }

    async fn update(
        &self,
        key: &str,
        value: Bytes,
        expected: Revision,
        lease: LeaseId,
    ) -> Result<KeyValue> {
        check_key(key)?;
        let op = Op::Update {
            key: key.to_owned(),
            value,
            expected,
            lease,
        };
        match self.submit(op).await? {
            Reply::Kv(kv) => Ok(kv),
            other => Err(unexpected(other)),
        }
    }

    async fn delete(&self, key: &str, expected: Option<Revision>) -> Result<(KeyValue, Revision)> {
        check_key(key)?;
        let op = Op::Delete {
            key: key.to_owned(),
            expected,
        };
        match self.submit(op).await? {
            Reply::Deleted(kv, rev) => Ok((kv, rev)),
            other => Err(unexpected(other)),
        }
    }

    async fn get(&self, key: &str, revision: Option<Revision>) -> Result<GetResponse> {
        let mvcc = self.shared.read();
        let at = mvcc.read_revision(revision)?;
        Ok(GetResponse {
            kv: mvcc.get(key, at),
            revision: at,
        })
    }

    async fn range(&self, request: RangeRequest) -> Result<RangeResponse> {
        let mvcc = self.shared.read();
        let at = mvcc.read_revision(request.revision)?;
        Ok(mvcc.range(&request, at))
    }

    async fn count(&self, prefix: &str) -> Result<i64> {
        Ok(self.shared.read().count(prefix))
    }

    async fn changes_since(&self, prefix: &str, since: Revision) -> Result<PrefixChanges> {
        Ok(self.shared.read().changes_since(prefix, since))
    }

    async fn current_revision(&self) -> Result<Revision> {
        Ok(self.shared.read().committed())
    }

    async fn watch(&self, prefix: &str, from: Revision) -> Result<WatchStream> {
        if self.shared.is_closed() {
            return Err(Error::Closed);
        }
        watch::start(self.shared.clone(), prefix, from)
    }

    async fn compact(&self, revision: Revision) -> Result<()> {
        self.submit(Op::Compact { at: revision }).await.map(drop)
    }

    async fn lease_grant(&self, ttl: Duration) -> Result<LeaseId> {
        if ttl < Duration::from_secs(1) {
            return Err(Error::InvalidRequest(format!(
                "lease TTL {ttl:?} is below the minimum of 1s"
            )));
        }
        match self.submit(Op::LeaseGrant { ttl }).await? {
            Reply::Lease(id) => Ok(id),
            other => Err(unexpected(other)),
        }
    }

    async fn lease_keep_alive(&self, lease: LeaseId) -> Result<()> {
        let mut mvcc = self.shared.write();
        let lease_state = mvcc.lease_mut(lease).ok_or(Error::LeaseNotFound(lease))?;
        lease_state.deadline = Instant::now() + lease_state.ttl;
        Ok(())
    }

    async fn lease_revoke(&self, lease: LeaseId) -> Result<()> {
        self.submit(Op::LeaseRevoke { id: lease }).await.map(drop)
    }

    async fn check_health(&self) -> Result<()> {
        if self.shared.is_closed() {
            Err(Error::Closed)
        } else {
            Ok(())
        }
    }
}

fn check_key(key: &str) -> Result<()> {
    if key.is_empty() {
        Err(Error::InvalidRequest("key must not be empty".into()))
    } else {
        Ok(())
    }
}
