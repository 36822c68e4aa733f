//! Watches on the embedded store.
//!
//! A watcher is a cursor into the event log. The writer broadcasts each commit's revision on a
//! `tokio::sync::watch` channel; every watcher wakes, copies the new events under its prefix,
//! and moves its cursor. Nothing is queued per watcher, so a slow watcher costs no memory; if
//! compaction passes its cursor it gets [`Error::Compacted`] and must re-list, never a gap.

use std::collections::VecDeque;
use std::sync::Arc;

use futures::stream;
use tokio::sync::watch;

use super::Shared;
use crate::storage::{Error, Event, Revision, WatchStream};

/// Log entries examined per wake-up before yielding.
const READ_CHUNK: usize = 1024;

struct Cursor {
    shared: Arc<Shared>,
    prefix: String,
    next: Revision,
    pending: VecDeque<Event>,
    committed: watch::Receiver<Revision>,
    done: bool,
}

impl Cursor {
    async fn next_event(&mut self) -> Option<Result<Event, Error>> {
        loop {
            if self.done {
                return None;
            }
            if let Some(event) = self.pending.pop_front() {
                return Some(Ok(event));
            }
            // Mark the current commit as seen before reading, so a commit that lands after the
            // read wakes us up.
            let _ = self.committed.borrow_and_update();
            let caught_up = {
                let mvcc = self.shared.read();
                match mvcc.read_log(&self.prefix, self.next, READ_CHUNK, &mut self.pending) {
                    Ok(next) => self.next = next,
                    Err(e) => {
                        self.done = true;
                        return Some(Err(e));
                    }
                }
                self.next > mvcc.committed()
            };
            if self.pending.is_empty()
                && caught_up
                && (self.shared.is_closed() || self.committed.changed().await.is_err())
            {
                self.done = true;
                return Some(Err(Error::Closed));
            }
        }
    }
}

pub(super) fn start(
    shared: Arc<Shared>,
    prefix: &str,
    from: Revision,
) -> Result<WatchStream, Error> {
    let committed = shared.committed.subscribe();
    let from = {
        let mvcc = shared.read();
        let from = if from <= 0 {
            mvcc.committed() + 1
        } else {
            from
        };
        mvcc.log_position(from)?;
        from
    };
    let cursor = Cursor {
        shared,
        prefix: prefix.to_owned(),
        next: from,
        pending: VecDeque::new(),
        committed,
        done: false,
    };
    Ok(Box::pin(stream::unfold(cursor, |mut cursor| async move {
        cursor.next_event().await.map(|item| (item, cursor))
    })))
}
