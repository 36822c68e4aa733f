//! The single writer of the embedded store, with group commit.
//!
//! Writes queue up while the previous batch is being fsync'd; the writer then takes them all,
//! validates them in order against the committed index plus the batch so far, writes the batch
//! in one transaction, and only after the fsync makes it visible and answers the callers. One
//! fsync serves many concurrent writers, which is how the store keeps up with etcd's batching.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use super::Shared;
use super::disk::Disk;
use super::mvcc::{Mvcc, Staging};
use crate::storage::{Error, KeyValue, LeaseId, Result, Revision};

/// The most writes one transaction takes.
const MAX_BATCH: usize = 1024;

pub(super) enum Op {
    Create {
        key: String,
        value: Bytes,
        lease: LeaseId,
    },
    Update {
        key: String,
        value: Bytes,
        expected: Revision,
        lease: LeaseId,
    },
    Delete {
        key: String,
        expected: Option<Revision>,
    },
    LeaseGrant {
        ttl: Duration,
    },
    LeaseRevoke {
        id: LeaseId,
    },
    Compact {
        at: Revision,
    },
}

pub(super) enum Reply {
    Kv(KeyValue),
    Deleted(KeyValue, Revision),
    Lease(LeaseId),
    Done,
}

pub(super) struct Request {
    pub op: Op,
    pub reply: oneshot::Sender<Result<Reply>>,
}

/// Runs the writer until every sender is gone. Blocking: it owns a thread.
///
/// After a failed commit (a full disk, an I/O error) the database refuses further writes, as
/// fjall does once a journal write fails. The writer then drops it and, at the next write,
/// reopens the data dir and reloads the index from what is really on disk, so a transient fault
/// costs only the writes that failed.
pub(super) fn run(
    shared: Arc<Shared>,
    disk: Disk,
    data_dir: PathBuf,
    mut requests: mpsc::Receiver<Request>,
) {
    let mut disk = Some(disk);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = requests.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match requests.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        if disk.is_none() {
            match reopen(&shared, &data_dir) {
                Ok(reopened) => disk = Some(reopened),
                Err(e) => {
                    for request in batch.drain(..) {
                        let _ = request.reply.send(Err(Error::Io(e.to_string())));
                    }
                    continue;
                }
            }
        }
        if let Some(open) = &disk
            && !commit_batch(&shared, open, &mut batch)
        {
            disk = None;
        }
    }
    tracing::debug!("embedded store writer stopped");
}

fn reopen(shared: &Shared, data_dir: &Path) -> Result<Disk> {
    let (disk, loaded) = Disk::open(data_dir)?;
    let mvcc = Mvcc::restore(loaded.records, loaded.leases, loaded.compacted, 0)?;
    let committed = mvcc.committed();
    *shared.write() = mvcc;
    shared.committed.send_replace(committed);
    tracing::info!(
        revision = committed,
        "embedded store reopened after a failed commit"
    );
    Ok(disk)
}

/// Validates, commits and answers one batch. Returns false when the commit failed.
fn commit_batch(shared: &Shared, disk: &Disk, batch: &mut Vec<Request>) -> bool {
    let mut results = Vec::with_capacity(batch.len());
    let mut compaction: Option<(Revision, Vec<Revision>)> = None;
    let mutations = {
        let mvcc = shared.read();
        let mut staging = Staging::new(&mvcc);
        for request in batch.iter_mut() {
            let result = match std::mem::replace(&mut request.op, Op::Compact { at: 0 }) {
                Op::Create { key, value, lease } => {
                    staging.create(&key, value, lease).map(Reply::Kv)
                }
                Op::Update {
                    key,
                    value,
                    expected,
                    lease,
                } => staging.update(&key, value, expected, lease).map(Reply::Kv),
                Op::Delete { key, expected } => staging
                    .delete(&key, expected)
                    .map(|(kv, rev)| Reply::Deleted(kv, rev)),
                Op::LeaseGrant { ttl } => {
                    staging.lease_grant(new_lease_id(), ttl).map(Reply::Lease)
                }
                Op::LeaseRevoke { id } => staging.lease_revoke(id).map(|()| Reply::Done),
                Op::Compact { at } => match &compaction {
                    Some((planned, _)) if *planned >= at => Ok(Reply::Done),
                    _ => mvcc.compaction_plan(at).map(|plan| {
                        compaction = Some((at, plan));
                        Reply::Done
                    }),
                },
            };
            results.push(result);
        }
        std::mem::take(&mut staging.mutations)
    };

    let durable = if mutations.is_empty() && compaction.is_none() {
        Ok(())
    } else {
        disk.commit(
            &mutations,
            compaction.as_ref().map(|(at, plan)| (*at, plan.as_slice())),
        )
    };

    let committed_ok = durable.is_ok();
    match durable {
        Ok(()) => {
            let committed = {
                let mut mvcc = shared.write();
                mvcc.apply(mutations);
                if let Some((at, _)) = compaction {
                    mvcc.compact(at);
                }
                mvcc.committed()
            };
            shared.committed.send_replace(committed);
        }
        Err(e) => {
            tracing::error!(error = %e, writes = batch.len(), "embedded store commit failed");
            let message = e.to_string();
            for result in results.iter_mut().filter(|r| r.is_ok()) {
                *result = Err(Error::Io(message.clone()));
            }
        }
    }

    for (request, result) in batch.drain(..).zip(results) {
        // A caller that gave up no longer listens; its write stands regardless.
        let _ = request.reply.send(result);
    }
    committed_ok
}

fn new_lease_id() -> LeaseId {
    // Positive and non-zero, like etcd's ids.
    (rand::random::<u64>() >> 1).max(1) as i64
}
