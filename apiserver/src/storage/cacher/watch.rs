//! One watch served from a cache: a cursor over the event window, woken when events arrive.
//! No per-watcher queue: a watcher that falls out of the window gets [`Error::Compacted`].

use std::collections::VecDeque;
use std::sync::{Arc, RwLock};

use tokio::sync::watch as signal;

use super::state::{Batch, State, WatchStart};
use crate::storage::{Error, Event, Revision, WatchStream};

/// Events handed to one watcher per look at the window.
const BATCH: usize = 256;

pub(super) struct CacheWatch {
    state: Arc<RwLock<State>>,
    progress: signal::Receiver<u64>,
    prefix: String,
    start: WatchStart,
    ready: VecDeque<Event>,
    done: bool,
}

impl CacheWatch {
    pub fn new(
        state: Arc<RwLock<State>>,
        progress: signal::Receiver<u64>,
        prefix: String,
        start: WatchStart,
    ) -> Self {
        CacheWatch {
            state,
            progress,
            prefix,
            start,
            ready: VecDeque::new(),
            done: false,
        }
    }

    pub fn into_stream(self) -> WatchStream {
        Box::pin(futures::stream::unfold(self, |mut watch| async move {
            let item = watch.next().await?;
            Some((item, watch))
        }))
    }

    async fn next(&mut self) -> Option<Result<Event, Error>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(Ok(event));
            }
            if self.done {
                return None;
            }
            // Mark the current progress as seen before looking, so that a change made after
            // the look wakes `changed()` below.
            self.progress.borrow_and_update();
            let batch = {
                let state = self.state.read().unwrap_or_else(|p| p.into_inner());
                state.next_batch(&self.start, &self.prefix, BATCH)
            };
            match batch {
                Batch::Events(events, next) => {
                    self.start.sequence = next;
                    if events.is_empty() {
                        if self.progress.changed().await.is_err() {
                            return None;
                        }
                    } else {
                        self.ready.extend(events);
                    }
                }
                Batch::TooOld { compacted } => {
                    self.done = true;
                    let requested: Revision = self.start.from;
                    return Some(Err(Error::Compacted {
                        requested,
                        compacted,
                    }));
                }
                Batch::Ended => return None,
            }
        }
    }
}
