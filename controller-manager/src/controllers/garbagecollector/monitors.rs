//! One watch per deletable resource (upstream's `GraphBuilder` monitors), turning what it sees
//! into graph [`Change`]s. Each watch keeps the last state of its objects, so an update carries
//! the previous state and a relist reports the objects that disappeared meanwhile.
//!
//! The watches are metadata-only (`as=PartialObjectMetadata`), as upstream's metadata
//! informers: the garbage collector never needs a spec.

use std::collections::{BTreeMap, HashMap};

use futures::{StreamExt, TryStreamExt};
use kube::Client;
use kube::api::{Api, DynamicObject};
use kube::core::PartialObjectMeta;
use kube::discovery::ApiResource;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use tokio::sync::{mpsc, watch};

use super::graph::{Change, Identity, Observed};
use super::resources::Discovery;

/// Resources the garbage collector never watches (upstream's `DefaultIgnoredResources`).
const IGNORED: &[(&str, &str)] = &[("", "events"), ("events.k8s.io", "events")];

/// The resources to watch: preferred versions that can be listed, watched and deleted
/// (upstream's `GetDeletableResources`), by `group/version/plural`.
pub fn deletable(discovery: &Discovery) -> BTreeMap<String, ApiResource> {
    discovery
        .preferred()
        .filter(|r| r.supports(&["delete", "list", "watch"]))
        .filter(|r| {
            !IGNORED
                .iter()
                .any(|(g, p)| r.resource.group == *g && r.resource.plural == *p)
        })
        .map(|r| {
            let a = &r.resource;
            (format!("{}/{}", a.api_version, a.plural), a.clone())
        })
        .collect()
}

struct Monitor {
    task: tokio::task::JoinHandle<()>,
    synced: watch::Receiver<bool>,
}

/// The running watches.
pub struct Monitors {
    client: Client,
    changes: mpsc::UnboundedSender<Change>,
    running: HashMap<String, Monitor>,
}

impl Monitors {
    pub fn new(client: Client, changes: mpsc::UnboundedSender<Change>) -> Self {
        Self {
            client,
            changes,
            running: HashMap::new(),
        }
    }

    /// Starts watches for new resources and stops those of resources gone; whether anything
    /// changed.
    pub fn sync(&mut self, resources: &BTreeMap<String, ApiResource>) -> bool {
        let before = self.running.len();
        let mut changed = false;
        self.running.retain(|key, monitor| {
            let keep = resources.contains_key(key);
            if !keep {
                tracing::info!(resource = %key, "garbage collector stops watching");
                monitor.task.abort();
            }
            keep
        });
        changed |= before != self.running.len();
        for (key, resource) in resources {
            if self.running.contains_key(key) {
                continue;
            }
            changed = true;
            let (synced_tx, synced) = watch::channel(false);
            let api: Api<PartialObjectMeta<DynamicObject>> =
                Api::all_with(self.client.clone(), resource);
            let task = tokio::spawn(run(api, resource.clone(), self.changes.clone(), synced_tx));
            tracing::debug!(resource = %key, "garbage collector watches");
            self.running.insert(key.clone(), Monitor { task, synced });
        }
        changed
    }

    /// Whether every watch has applied its first list.
    pub fn has_synced(&self) -> bool {
        self.running.values().all(|m| *m.synced.borrow())
    }

    /// Stops every watch.
    pub fn stop(&mut self) {
        for (_, monitor) in self.running.drain() {
            monitor.task.abort();
        }
    }
}

impl Drop for Monitors {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What the garbage collector keeps of an object seen as `resource`.
fn observe(resource: &ApiResource, object: &PartialObjectMeta<DynamicObject>) -> Observed {
    let meta = &object.metadata;
    Observed {
        identity: Identity {
            api_version: resource.api_version.clone(),
            kind: resource.kind.clone(),
            name: meta.name.clone().unwrap_or_default(),
            namespace: meta.namespace.clone().unwrap_or_default(),
            uid: meta.uid.clone().unwrap_or_default(),
        },
        owners: meta.owner_references.clone().unwrap_or_default(),
        deleting: meta.deletion_timestamp.is_some(),
        finalizers: meta.finalizers.clone().unwrap_or_default(),
    }
}

type Key = (String, String);

fn key_of(observed: &Observed) -> Key {
    (
        observed.identity.namespace.clone(),
        observed.identity.name.clone(),
    )
}

async fn run(
    api: Api<PartialObjectMeta<DynamicObject>>,
    resource: ApiResource,
    changes: mpsc::UnboundedSender<Change>,
    synced: watch::Sender<bool>,
) {
    let mut stream = watcher::watcher(api, watcher::Config::default())
        .default_backoff()
        .boxed();
    let mut known: HashMap<Key, Observed> = HashMap::new();
    let mut relisted: Option<HashMap<Key, Observed>> = None;
    let send = |change: Change| {
        // The receiver is gone only when the garbage collector stops.
        let _ = changes.send(change);
    };
    let upsert = |known: &mut HashMap<Key, Observed>, new: Observed| {
        let old = known.insert(key_of(&new), new.clone());
        if old.as_ref() != Some(&new) {
            send(Change::Upsert { old, new });
        }
    };
    loop {
        match stream.try_next().await {
            Ok(Some(Event::Init)) => relisted = Some(HashMap::new()),
            Ok(Some(Event::InitApply(object))) => {
                let observed = observe(&resource, &object);
                match relisted.as_mut() {
                    Some(list) => {
                        list.insert(key_of(&observed), observed);
                    }
                    None => upsert(&mut known, observed),
                }
            }
            Ok(Some(Event::InitDone)) => {
                let fresh = relisted.take().unwrap_or_default();
                let gone: Vec<Key> = known
                    .keys()
                    .filter(|k| !fresh.contains_key(*k))
                    .cloned()
                    .collect();
                for key in gone {
                    if let Some(old) = known.remove(&key) {
                        send(Change::Deleted(old));
                    }
                }
                for (_, observed) in fresh {
                    // An object replaced by another of the same name is a delete and an add.
                    if let Some(old) = known.get(&key_of(&observed))
                        && old.identity.uid != observed.identity.uid
                        && let Some(old) = known.remove(&key_of(&observed))
                    {
                        send(Change::Deleted(old));
                    }
                    upsert(&mut known, observed);
                }
                synced.send_replace(true);
            }
            Ok(Some(Event::Apply(object))) => {
                let observed = observe(&resource, &object);
                if let Some(old) = known.get(&key_of(&observed))
                    && old.identity.uid != observed.identity.uid
                    && let Some(old) = known.remove(&key_of(&observed))
                {
                    send(Change::Deleted(old));
                }
                upsert(&mut known, observed);
            }
            Ok(Some(Event::Delete(object))) => {
                let observed = observe(&resource, &object);
                known.remove(&key_of(&observed));
                send(Change::Deleted(observed));
            }
            Ok(None) => return,
            Err(error) => {
                tracing::debug!(resource = %resource.plural, %error, "garbage collector watch failed; retrying");
            }
        }
    }
}
