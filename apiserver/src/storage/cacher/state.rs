//! What one watch cache holds: the current objects and a bounded window of recent events.

use std::collections::{BTreeMap, VecDeque};
use std::ops::Bound;

use crate::storage::{Event, EventKind, KeyValue, RangeRequest, RangeResponse, Revision};

/// Where a watch served from the cache starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct WatchStart {
    /// The cache generation; a reload ends the watch.
    pub epoch: u64,
    /// The number of the first event to look at.
    pub sequence: u64,
    /// Events below this revision are skipped (a watch may start ahead of the cache).
    pub from: Revision,
}

/// One batch of events for a watcher.
pub(super) enum Batch {
    /// Matching events (possibly none yet) and the sequence number to continue from.
    Events(Vec<Event>, u64),
    /// The watcher fell out of the event window.
    TooOld { compacted: Revision },
    /// The cache reloaded; the watch ends and its client resumes.
    Ended,
}

pub(super) struct State {
    /// The first LIST has loaded and the cache follows the store.
    pub ready: bool,
    /// Every change up to this revision is applied.
    pub revision: Revision,
    pub objects: BTreeMap<String, KeyValue>,
    /// Recent events in order; `events[i]` has the number `first_sequence + i`.
    events: VecDeque<Event>,
    first_sequence: u64,
    /// The number of the last event applied; never goes back, not even across reloads.
    pub sequence: u64,
    /// Every event with a revision above this one is in `events`.
    window_start: Revision,
    capacity: usize,
    /// Raised by every reload.
    epoch: u64,
}

impl State {
    pub fn new(capacity: usize) -> Self {
        State {
            ready: false,
            revision: 0,
            objects: BTreeMap::new(),
            events: VecDeque::new(),
            first_sequence: 1,
            sequence: 0,
            window_start: 0,
            capacity,
            epoch: 0,
        }
    }

    /// Replaces everything with a fresh LIST read at `revision`.
    pub fn reset(&mut self, kvs: Vec<KeyValue>, revision: Revision) {
        self.objects = kvs.into_iter().map(|kv| (kv.key.clone(), kv)).collect();
        self.events.clear();
        self.first_sequence = self.sequence + 1;
        self.revision = revision;
        self.window_start = revision;
        self.epoch += 1;
        self.ready = true;
    }

    /// Stops serving: the store answers until the next [`State::reset`].
    pub fn invalidate(&mut self) {
        self.ready = false;
        self.objects.clear();
        self.events.clear();
        self.first_sequence = self.sequence + 1;
        self.epoch += 1;
    }

    /// Applies one change from the store's watch.
    pub fn apply(&mut self, event: Event) {
        match event.kind {
            EventKind::Put => {
                self.objects.insert(event.kv.key.clone(), event.kv.clone());
            }
            EventKind::Delete => {
                self.objects.remove(&event.kv.key);
            }
        }
        self.revision = self.revision.max(event.revision());
        self.events.push_back(event);
        self.sequence += 1;
        while self.events.len() > self.capacity {
            if let Some(dropped) = self.events.pop_front() {
                self.first_sequence += 1;
                self.window_start = self.window_start.max(dropped.revision());
            }
        }
    }

    /// A prefix range at the cache's revision, with the store's paging semantics.
    pub fn range(&self, request: &RangeRequest) -> RangeResponse {
        let start = match &request.start_key {
            Some(key) if key.as_str() > request.prefix.as_str() => key.clone(),
            _ => request.prefix.clone(),
        };
        let mut kvs = Vec::new();
        let mut count = 0i64;
        for (key, kv) in self
            .objects
            .range::<String, _>((Bound::Included(&start), Bound::Unbounded))
        {
            if !key.starts_with(&request.prefix) {
                break;
            }
            count += 1;
            if request.limit == 0 || kvs.len() < request.limit {
                kvs.push(kv.clone());
            }
        }
        RangeResponse {
            more: request.limit > 0 && count > request.limit as i64,
            kvs,
            count,
            revision: self.revision,
        }
    }

    /// Where a watch from revision `from` (0: from now) starts, or `None` when the cache
    /// cannot serve it (not loaded, or `from` older than the event window).
    pub fn watch_start(&self, from: Revision) -> Option<WatchStart> {
        if !self.ready {
            return None;
        }
        let from = if from <= 0 { self.revision + 1 } else { from };
        if from - 1 < self.window_start {
            return None;
        }
        let skipped = self.events.partition_point(|event| event.revision() < from);
        Some(WatchStart {
            epoch: self.epoch,
            sequence: self.first_sequence + skipped as u64,
            from,
        })
    }

    /// Up to `max` events for a watcher at `start`, filtered by key prefix.
    pub fn next_batch(&self, start: &WatchStart, prefix: &str, max: usize) -> Batch {
        if start.epoch != self.epoch {
            return Batch::Ended;
        }
        if start.sequence < self.first_sequence {
            return Batch::TooOld {
                compacted: self.window_start,
            };
        }
        let offset = usize::try_from(start.sequence - self.first_sequence).unwrap_or(usize::MAX);
        let mut out = Vec::new();
        let mut next = start.sequence;
        for event in self.events.iter().skip(offset) {
            if out.len() == max {
                break;
            }
            next += 1;
            if event.revision() >= start.from && event.kv.key.starts_with(prefix) {
                out.push(event.clone());
            }
        }
        Batch::Events(out, next)
    }
}
