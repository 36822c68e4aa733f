//! WATCH for the generic store, with upstream's semantics: the starting `resourceVersion`
//! (unset or `0`: the current state as ADDED events first; `N`: every change after `N`),
//! `sendInitialEvents` with the `k8s.io/initial-events-end` bookmark, periodic bookmarks,
//! selector transitions (an object that stops matching is DELETED for this watcher), and an
//! ERROR event with 410 Expired when `N` is too old.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::conversion;
use super::list::{Filter, ListOptions};
use super::object::{ObjectMeta, parse_resource_version, set_resource_version};
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

    /// The event as one line of a watch response, built from the object's shared encoding.
    pub fn to_line(&self) -> Vec<u8> {
        let object = self.object.json();
        let mut line = Vec::with_capacity(object.len() + 32);
        line.extend_from_slice(b"{\"type\":\"");
        line.extend_from_slice(self.kind.as_bytes());
        line.extend_from_slice(b"\",\"object\":");
        line.extend_from_slice(object);
        line.extend_from_slice(b"}\n");
        line
    }
}

/// A watched object, decoded once and encoded at most once however many watchers send it.
#[derive(Debug)]
pub struct SharedObject {
    value: Value,
    json: OnceLock<Vec<u8>>,
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

impl Store {
    /// Starts a watch. Events arrive on the returned channel until the caller drops it.
    pub async fn watch(
        &self,
        namespace: Option<&str>,
        options: WatchOptions,
    ) -> Result<mpsc::Receiver<WatchEvent>, ApiError> {
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
        let (sender, receiver) = mpsc::channel(256);
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

        let mut events = match self.storage.watch(&prefix, from).await {
            Ok(events) => events,
            Err(storage::Error::Compacted { .. }) => {
                let error = ApiError::watch_too_old(requested.unwrap_or(0));
                let _ = sender
                    .send(WatchEvent::new("ERROR", error.to_status()))
                    .await;
                return Ok(receiver);
            }
            Err(e) => return Err(self.storage_error("", e)),
        };

        let kind = self.info.kind;
        let api_version = self.info.api_version();
        let info = self.info;
        let recent = self.recently_decoded.clone();
        // The object `bytes` stand for, at `revision`, decoded once for all watchers.
        let decode = move |key: &str, bytes: &[u8], revision: Revision| {
            recent.get_or_decode(key, revision, || {
                let mut object: Value = serde_json::from_slice(bytes).ok()?;
                set_resource_version(&mut object, revision);
                Some(conversion::from_storage(info, object))
            })
        };
        let bookmark = move |revision: Revision, initial_end: bool| -> WatchEvent {
            let mut metadata = json!({"resourceVersion": revision.to_string()});
            if initial_end {
                metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
            }
            let object = json!({"kind": kind, "apiVersion": api_version, "metadata": metadata});
            WatchEvent::new("BOOKMARK", object)
        };
        let allow_bookmarks = options.allow_bookmarks;
        let explicit_initial = options.send_initial_events == Some(true);

        tokio::spawn(async move {
            let mut last = from - 1;
            if let Some((revision, items)) = initial_events {
                for mut item in items {
                    if let Some(fields) = item.as_object_mut() {
                        fields.insert("kind".into(), Value::String(kind.to_owned()));
                        fields.insert("apiVersion".into(), Value::String(info.api_version()));
                    }
                    let event = WatchEvent::new("ADDED", item);
                    if sender.send(event).await.is_err() {
                        return;
                    }
                }
                if explicit_initial
                    && allow_bookmarks
                    && sender.send(bookmark(revision, true)).await.is_err()
                {
                    return;
                }
            }
            let mut ticker = tokio::time::interval(BOOKMARK_INTERVAL);
            ticker.tick().await;
            loop {
                let next = tokio::select! {
                    next = events.next() => next,
                    _ = ticker.tick() => {
                        if allow_bookmarks && sender.send(bookmark(last, false)).await.is_err() {
                            return;
                        }
                        continue;
                    }
                    _ = sender.closed() => return,
                };
                let event = match next {
                    Some(Ok(event)) => event,
                    Some(Err(storage::Error::Compacted { .. })) => {
                        let error = ApiError::watch_too_old(last);
                        let _ = sender
                            .send(WatchEvent::new("ERROR", error.to_status()))
                            .await;
                        return;
                    }
                    Some(Err(e)) => {
                        tracing::warn!(error = %e, "watch on storage ended");
                        return;
                    }
                    None => return,
                };
                last = event.revision();
                // Without selectors every previous value matched: decode it only for a DELETED.
                let everything = filter.is_everything();
                let key = event.kv.key.as_str();
                let out = match (event.kind, &event.prev) {
                    (EventKind::Put, prev) => {
                        let old_matches = match prev {
                            None => false,
                            Some(_) if everything => true,
                            Some(prev) => decode(key, &prev.value, prev.mod_revision)
                                .is_some_and(|old| filter.matches(old.value())),
                        };
                        let Some(new) = decode(key, &event.kv.value, event.kv.mod_revision) else {
                            continue;
                        };
                        match (old_matches, everything || filter.matches(new.value())) {
                            (true, true) => Some(("MODIFIED", new)),
                            (false, true) => Some(("ADDED", new)),
                            (true, false) => Some(("DELETED", new)),
                            (false, false) => None,
                        }
                    }
                    // A deletion carries the deleted object at the deletion's revision.
                    (EventKind::Delete, Some(prev)) => {
                        decode(key, &prev.value, event.kv.mod_revision)
                            .filter(|old| everything || filter.matches(old.value()))
                            .map(|old| ("DELETED", old))
                    }
                    (EventKind::Delete, None) => None,
                };
                if let Some((kind, object)) = out {
                    debug_assert!(object.value().resource_version().is_some());
                    if sender.send(WatchEvent { kind, object }).await.is_err() {
                        return;
                    }
                }
            }
        });
        Ok(receiver)
    }
}
