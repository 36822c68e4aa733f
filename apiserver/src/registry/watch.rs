//! WATCH for the generic store, with upstream's semantics: the starting `resourceVersion`
//! (unset or `0`: the current state as ADDED events first; `N`: every change after `N`),
//! `sendInitialEvents` with the `k8s.io/initial-events-end` bookmark, periodic bookmarks,
//! selector transitions (an object that stops matching is DELETED for this watcher), and an
//! ERROR event with 410 Expired when `N` is too old.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use serde_json::{Value, json};

use super::conversion;
use super::list::{Filter, ListOptions};
use super::object::{ObjectMeta, parse_resource_version, set_resource_version};
use super::resources::ResourceInfo;
use super::store::Store;
use crate::endpoints::status::ApiError;
use crate::storage::{self, EventKind, Revision};

/// Query parameters of a WATCH.
#[derive(Clone, Debug, Default)]
pub struct WatchOptions {
    pub list: ListOptions,
    pub allow_bookmarks: bool,
    pub send_initial_events: Option<bool>,
}

/// One event on the wire: `{"type": ..., "object": ...}`.
#[derive(Clone, Debug, PartialEq)]
pub struct WatchEvent {
    pub kind: &'static str,
    pub object: Arc<SharedObject>,
}

impl WatchEvent {
    pub fn new(kind: &'static str, object: Value) -> Self {
        WatchEvent {
            kind,
            object: SharedObject::new(object),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({"type": self.kind, "object": self.object.value()})
    }

    /// The event as one line of a watch response. ADDED, MODIFIED and DELETED lines are built
    /// once per object and shared by every watcher that sends them.
    pub fn to_line(&self) -> Bytes {
        match LINE_KINDS.iter().position(|kind| *kind == self.kind) {
            Some(i) => self.object.lines[i]
                .get_or_init(|| Bytes::from(line(self.kind, self.object.json())))
                .clone(),
            None => Bytes::from(line(self.kind, self.object.json())),
        }
    }
}

/// The event types whose lines an object caches.
const LINE_KINDS: [&str; 3] = ["ADDED", "MODIFIED", "DELETED"];

fn line(kind: &str, object: &[u8]) -> Vec<u8> {
    let mut line = Vec::with_capacity(object.len() + 32);
    line.extend_from_slice(b"{\"type\":\"");
    line.extend_from_slice(kind.as_bytes());
    line.extend_from_slice(b"\",\"object\":");
    line.extend_from_slice(object);
    line.extend_from_slice(b"}\n");
    line
}

/// A watched object, decoded once and encoded at most once however many watchers send it.
#[derive(Debug)]
pub struct SharedObject {
    value: Value,
    json: OnceLock<Vec<u8>>,
    /// Its watch lines, by [`LINE_KINDS`].
    lines: [OnceLock<Bytes>; 3],
}

impl PartialEq for SharedObject {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl SharedObject {
    pub fn new(value: Value) -> Arc<Self> {
        Arc::new(SharedObject {
            value,
            json: OnceLock::new(),
            lines: Default::default(),
        })
    }

    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The object as JSON.
    pub fn json(&self) -> &[u8] {
        self.json
            .get_or_init(|| serde_json::to_vec(&self.value).unwrap_or_default())
    }
}

/// The objects watchers of one store decoded lately, by key and revision, so that a change
/// watched by many clients is decoded (and encoded) once.
#[derive(Default)]
pub(super) struct RecentlyDecoded {
    entries: Mutex<VecDeque<(String, Revision, Arc<SharedObject>)>>,
}

/// How many decoded objects a store keeps for its watchers.
const RECENTLY_DECODED: usize = 256;

impl RecentlyDecoded {
    fn get_or_decode(
        &self,
        key: &str,
        revision: Revision,
        decode: impl FnOnce() -> Option<Value>,
    ) -> Option<Arc<SharedObject>> {
        let find = |entries: &VecDeque<(String, Revision, Arc<SharedObject>)>| {
            entries
                .iter()
                .rev()
                .find(|(k, r, _)| *r == revision && k == key)
                .map(|(_, _, object)| object.clone())
        };
        if let Some(found) = find(&self.lock()) {
            return Some(found);
        }
        let object = SharedObject::new(decode()?);
        let mut entries = self.lock();
        if let Some(found) = find(&entries) {
            return Some(found);
        }
        entries.push_back((key.to_owned(), revision, object.clone()));
        if entries.len() > RECENTLY_DECODED {
            entries.pop_front();
        }
        Some(object)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(String, Revision, Arc<SharedObject>)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// How often an idle watch with bookmarks enabled gets one.
const BOOKMARK_INTERVAL: Duration = Duration::from_secs(30);

/// The events of one watch, in order. It ends when the storage watch ends (after an ERROR
/// event if it fell out of the history); the caller ends it early by dropping it.
pub type WatchEvents = Pin<Box<dyn Stream<Item = WatchEvent> + Send>>;

impl Store {
    /// Starts a watch. The events are produced as the caller polls: there is no task and no
    /// queue per watcher, so a slow client holds back only its own cursor.
    pub async fn watch(
        &self,
        namespace: Option<&str>,
        options: WatchOptions,
    ) -> Result<WatchEvents, ApiError> {
        let filter = Filter::new(
            self,
            &options.list.label_selector,
            &options.list.field_selector,
        )?;
        let requested = parse_resource_version(&options.list.resource_version)
            .map_err(ApiError::bad_request)?;
        let initial = options
            .send_initial_events
            .unwrap_or(matches!(requested, None | Some(0)));
        let prefix = self.info.storage_prefix(namespace);

        let (from, initial_events) = if initial {
            let mut list_options = options.list.clone();
            list_options.limit = 0;
            list_options.continue_token.clear();
            // `resourceVersion=0` accepts the watch cache's state; unset asks for the latest.
            list_options.resource_version = match requested {
                Some(0) => "0".to_owned(),
                _ => String::new(),
            };
            list_options.resource_version_match.clear();
            let list = self.list(namespace, &list_options).await?;
            let revision: Revision = list["metadata"]["resourceVersion"]
                .as_str()
                .and_then(|rv| rv.parse().ok())
                .unwrap_or(0);
            let items = list["items"].as_array().cloned().unwrap_or_default();
            (revision + 1, Some((revision, items)))
        } else {
            (requested.unwrap_or(0) + 1, None)
        };

        let events = match self.storage.watch(&prefix, from).await {
            Ok(events) => events,
            Err(storage::Error::Compacted { .. }) => {
                let error = ApiError::watch_too_old(requested.unwrap_or(0));
                let event = WatchEvent::new("ERROR", error.to_status());
                return Ok(Box::pin(futures::stream::iter([event])));
            }
            Err(e) => return Err(self.storage_error("", e)),
        };

        let info = self.info;
        let mut initial_stream = Vec::new();
        if let Some((revision, items)) = initial_events {
            for mut item in items {
                if let Some(fields) = item.as_object_mut() {
                    fields.insert("kind".into(), Value::String(info.kind.to_owned()));
                    fields.insert("apiVersion".into(), Value::String(info.api_version()));
                }
                initial_stream.push(WatchEvent::new("ADDED", item));
            }
            if options.send_initial_events == Some(true) && options.allow_bookmarks {
                initial_stream.push(bookmark(info, revision, true));
            }
        }
        let mut ticker = tokio::time::interval_at(
            tokio::time::Instant::now() + BOOKMARK_INTERVAL,
            BOOKMARK_INTERVAL,
        );
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let live = LiveWatch {
            info,
            events,
            filter,
            recent: self.recently_decoded.clone(),
            ticker,
            allow_bookmarks: options.allow_bookmarks,
            last: from - 1,
            done: false,
        };
        let live = futures::stream::unfold(live, |mut live| async move {
            let event = live.next().await?;
            Some((event, live))
        });
        Ok(Box::pin(futures::stream::iter(initial_stream).chain(live)))
    }
}

/// A bookmark at `revision`; `initial_end` marks the end of the initial events.
fn bookmark(info: &ResourceInfo, revision: Revision, initial_end: bool) -> WatchEvent {
    let mut metadata = json!({"resourceVersion": revision.to_string()});
    if initial_end {
        metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    let object = json!({"kind": info.kind, "apiVersion": info.api_version(), "metadata": metadata});
    WatchEvent::new("BOOKMARK", object)
}

/// The changes after the initial events: storage events decoded (once for all watchers of
/// the store), filtered through the selectors, with periodic bookmarks.
struct LiveWatch {
    info: &'static ResourceInfo,
    events: storage::WatchStream,
    filter: Filter,
    recent: Arc<RecentlyDecoded>,
    ticker: tokio::time::Interval,
    allow_bookmarks: bool,
    /// The revision of the last storage event seen.
    last: Revision,
    done: bool,
}

impl LiveWatch {
    async fn next(&mut self) -> Option<WatchEvent> {
        while !self.done {
            let next = tokio::select! {
                next = self.events.next() => next,
                _ = self.ticker.tick() => {
                    if self.allow_bookmarks {
                        return Some(bookmark(self.info, self.last, false));
                    }
                    continue;
                }
            };
            let event = match next {
                Some(Ok(event)) => event,
                Some(Err(storage::Error::Compacted { .. })) => {
                    self.done = true;
                    let error = ApiError::watch_too_old(self.last);
                    return Some(WatchEvent::new("ERROR", error.to_status()));
                }
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "watch on storage ended");
                    return None;
                }
                None => return None,
            };
            self.last = event.revision();
            if let Some(event) = self.to_watch_event(&event) {
                return Some(event);
            }
        }
        None
    }

    /// What a storage event is for this watcher, if anything: the selectors decide between
    /// ADDED, MODIFIED and DELETED by whether the old and new values match.
    fn to_watch_event(&self, event: &storage::Event) -> Option<WatchEvent> {
        // Without selectors every previous value matched: decode it only for a DELETED.
        let everything = self.filter.is_everything();
        let key = event.kv.key.as_str();
        let (kind, object) = match (event.kind, &event.prev) {
            (EventKind::Put, prev) => {
                let old_matches = match prev {
                    None => false,
                    Some(_) if everything => true,
                    Some(prev) => self
                        .decode(key, &prev.value, prev.mod_revision)
                        .is_some_and(|old| self.filter.matches(old.value())),
                };
                let new = self.decode(key, &event.kv.value, event.kv.mod_revision)?;
                match (old_matches, everything || self.filter.matches(new.value())) {
                    (true, true) => ("MODIFIED", new),
                    (false, true) => ("ADDED", new),
                    (true, false) => ("DELETED", new),
                    (false, false) => return None,
                }
            }
            // A deletion carries the deleted object at the deletion's revision.
            (EventKind::Delete, Some(prev)) => {
                let old = self.decode(key, &prev.value, event.kv.mod_revision)?;
                if !everything && !self.filter.matches(old.value()) {
                    return None;
                }
                ("DELETED", old)
            }
            (EventKind::Delete, None) => return None,
        };
        debug_assert!(object.value().resource_version().is_some());
        Some(WatchEvent { kind, object })
    }

    /// The object `bytes` stand for, at `revision`, decoded once for all watchers.
    fn decode(&self, key: &str, bytes: &[u8], revision: Revision) -> Option<Arc<SharedObject>> {
        let info = self.info;
        self.recent.get_or_decode(key, revision, || {
            let mut object: Value = serde_json::from_slice(bytes).ok()?;
            set_resource_version(&mut object, revision);
            Some(conversion::from_storage(info, object))
        })
    }
}
