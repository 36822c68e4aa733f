//! Shared informers: one kube-runtime watch per resource type for every controller, feeding an
//! in-memory cache indexed by namespace (upstream's `SharedInformerFactory` and listers).
//!
//! Controllers ask for an informer while they are built ([`SharedInformers::informer`]), keep
//! its [`Lister`], and register handlers that map a change to work-queue keys. Once every
//! controller is built, [`SharedInformers::start`] runs the watches; handlers are called from
//! the watch task, in order, and must only enqueue.
//!
//! Cached objects drop their `managedFields`, which no controller reads (upstream's
//! controller-manager trims them from its informers too); on pods they are a large share of
//! the object.
//!
//! After a relist (the watcher's `Init` … `InitDone`), objects that did not come back are
//! reported deleted, and every listed object is reported updated (upstream's resync), so a
//! controller that missed events while the watch was down catches up.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex, RwLock};

use futures::{StreamExt, TryStreamExt};
use kube::api::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Client, Resource};
use serde::de::DeserializeOwned;
use tokio::sync::watch;

/// What an informer's handlers are told.
pub enum Change<'a, K> {
    Added(&'a Arc<K>),
    Updated { old: &'a Arc<K>, new: &'a Arc<K> },
    Deleted(&'a Arc<K>),
}

type Handler<K> = Box<dyn Fn(&Change<'_, K>) + Send + Sync>;
type Objects<K> = HashMap<String, HashMap<String, Arc<K>>>;

/// The read side of an informer's cache: objects by namespace and name ("" for cluster-scoped).
pub struct Lister<K> {
    objects: Arc<RwLock<Objects<K>>>,
}

impl<K> Clone for Lister<K> {
    fn clone(&self) -> Self {
        Self {
            objects: self.objects.clone(),
        }
    }
}

impl<K> Default for Lister<K> {
    fn default() -> Self {
        Self {
            objects: Arc::default(),
        }
    }
}

impl<K: Resource> Lister<K> {
    /// The object `namespace/name` (namespace "" for cluster-scoped objects).
    pub fn get(&self, namespace: &str, name: &str) -> Option<Arc<K>> {
        let objects = self.objects.read().unwrap_or_else(|e| e.into_inner());
        objects.get(namespace)?.get(name).cloned()
    }

    /// The objects of one namespace.
    pub fn list(&self, namespace: &str) -> Vec<Arc<K>> {
        let objects = self.objects.read().unwrap_or_else(|e| e.into_inner());
        objects
            .get(namespace)
            .map(|names| names.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Every object.
    pub fn list_all(&self) -> Vec<Arc<K>> {
        let objects = self.objects.read().unwrap_or_else(|e| e.into_inner());
        objects.values().flat_map(|n| n.values().cloned()).collect()
    }

    /// The number of objects.
    pub fn len(&self) -> usize {
        let objects = self.objects.read().unwrap_or_else(|e| e.into_inner());
        objects.values().map(HashMap::len).sum()
    }

    /// Whether there are no objects.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts an object in the cache, returning the one it replaces; for tests that build a
    /// controller's view by hand, and for the watch.
    pub fn insert(&self, object: K) -> Option<Arc<K>> {
        self.insert_arc(Arc::new(object))
    }

    fn insert_arc(&self, object: Arc<K>) -> Option<Arc<K>> {
        let (namespace, name) = key_parts(&*object);
        let mut objects = self.objects.write().unwrap_or_else(|e| e.into_inner());
        objects.entry(namespace).or_default().insert(name, object)
    }

    fn remove(&self, namespace: &str, name: &str) -> Option<Arc<K>> {
        let mut objects = self.objects.write().unwrap_or_else(|e| e.into_inner());
        let names = objects.get_mut(namespace)?;
        let removed = names.remove(name);
        if names.is_empty() {
            objects.remove(namespace);
        }
        removed
    }
}

fn key_parts<K: Resource>(object: &K) -> (String, String) {
    let meta = object.meta();
    (
        meta.namespace.clone().unwrap_or_default(),
        meta.name.clone().unwrap_or_default(),
    )
}

/// The work-queue key of an object: `namespace/name`, or `name` when cluster-scoped
/// (upstream's `MetaNamespaceKeyFunc`).
pub fn key_of<K: Resource>(object: &K) -> String {
    let meta = object.meta();
    match meta.namespace.as_deref() {
        Some(ns) if !ns.is_empty() => format!("{ns}/{}", meta.name.as_deref().unwrap_or_default()),
        _ => meta.name.clone().unwrap_or_default(),
    }
}

/// Splits a key made by [`key_of`] into namespace ("" when cluster-scoped) and name.
pub fn split_key(key: &str) -> (&str, &str) {
    key.split_once('/').unwrap_or(("", key))
}

/// One resource type's watch, cache and handlers.
pub struct Informer<K> {
    lister: Lister<K>,
    handlers: Mutex<Vec<Handler<K>>>,
    synced: watch::Sender<bool>,
}

impl<K: Resource + Send + Sync + 'static> Informer<K> {
    fn new() -> Self {
        Self {
            lister: Lister::default(),
            handlers: Mutex::new(Vec::new()),
            synced: watch::channel(false).0,
        }
    }

    /// The cache.
    pub fn lister(&self) -> Lister<K> {
        self.lister.clone()
    }

    /// Calls `handler` for every later change.
    pub fn on_change(&self, handler: impl Fn(&Change<'_, K>) + Send + Sync + 'static) {
        self.handlers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Box::new(handler));
    }

    /// Whether the first list has been applied.
    pub fn has_synced(&self) -> bool {
        *self.synced.borrow()
    }

    fn dispatch(&self, change: Change<'_, K>) {
        for handler in self
            .handlers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            handler(&change);
        }
    }

    fn apply(&self, mut object: K) {
        object.meta_mut().managed_fields = None;
        let object = Arc::new(object);
        match self.lister.insert_arc(object.clone()) {
            Some(old) => self.dispatch(Change::Updated {
                old: &old,
                new: &object,
            }),
            None => self.dispatch(Change::Added(&object)),
        }
    }

    fn delete(&self, object: K) {
        let (namespace, name) = key_parts(&object);
        // The watch's last state of the object is newer than the cache's.
        self.lister.remove(&namespace, &name);
        self.dispatch(Change::Deleted(&Arc::new(object)));
    }

    /// Replaces the cache with a fresh list, reporting what changed.
    fn replace(&self, listed: Vec<K>) {
        let mut fresh: Objects<K> = HashMap::new();
        for mut object in listed {
            object.meta_mut().managed_fields = None;
            let (namespace, name) = key_parts(&object);
            fresh
                .entry(namespace)
                .or_default()
                .insert(name, Arc::new(object));
        }
        let old = {
            let mut objects = self
                .lister
                .objects
                .write()
                .unwrap_or_else(|e| e.into_inner());
            std::mem::replace(&mut *objects, fresh.clone())
        };
        for (namespace, names) in &old {
            for (name, object) in names {
                if fresh.get(namespace).and_then(|n| n.get(name)).is_none() {
                    self.dispatch(Change::Deleted(object));
                }
            }
        }
        for (namespace, names) in &fresh {
            for (name, object) in names {
                match old.get(namespace).and_then(|n| n.get(name)) {
                    Some(previous) => self.dispatch(Change::Updated {
                        old: previous,
                        new: object,
                    }),
                    None => self.dispatch(Change::Added(object)),
                }
            }
        }
        self.synced.send_replace(true);
    }

    async fn run(self: Arc<Self>, api: Api<K>)
    where
        K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug,
    {
        let mut stream = watcher::watcher(api, watcher::Config::default())
            .default_backoff()
            .boxed();
        let mut relisted: Option<Vec<K>> = None;
        loop {
            match stream.try_next().await {
                Ok(Some(Event::Init)) => relisted = Some(Vec::new()),
                Ok(Some(Event::InitApply(object))) => match relisted.as_mut() {
                    Some(list) => list.push(object),
                    None => self.apply(object),
                },
                Ok(Some(Event::InitDone)) => self.replace(relisted.take().unwrap_or_default()),
                Ok(Some(Event::Apply(object))) => self.apply(object),
                Ok(Some(Event::Delete(object))) => self.delete(object),
                Ok(None) => return,
                Err(error) => {
                    tracing::warn!(kind = %K::kind(&()), %error, "watch failed; retrying");
                }
            }
        }
    }
}

type Starter = Box<dyn FnOnce(Client) -> tokio::task::JoinHandle<()> + Send>;

struct Registered {
    informer: Arc<dyn Any + Send + Sync>,
    synced: Box<dyn Fn() -> bool + Send + Sync>,
}

/// Every informer of the process, by type, created on first use.
#[derive(Clone)]
pub struct SharedInformers {
    client: Client,
    informers: Arc<Mutex<HashMap<TypeId, Registered>>>,
    starters: Arc<Mutex<Vec<Starter>>>,
}

impl SharedInformers {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            informers: Arc::default(),
            starters: Arc::default(),
        }
    }

    /// The informer of `K` (all namespaces), shared with every other controller asking.
    pub fn informer<K>(&self) -> Arc<Informer<K>>
    where
        K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    {
        let mut informers = self.informers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(registered) = informers.get(&TypeId::of::<K>())
            && let Ok(informer) = registered.informer.clone().downcast::<Informer<K>>()
        {
            return informer;
        }
        let informer = Arc::new(Informer::<K>::new());
        let for_sync = informer.clone();
        informers.insert(
            TypeId::of::<K>(),
            Registered {
                informer: informer.clone(),
                synced: Box::new(move || for_sync.has_synced()),
            },
        );
        let for_run = informer.clone();
        self.starters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Box::new(move |client| {
                tokio::spawn(for_run.run(Api::all(client)))
            }));
        informer
    }

    /// The lister of `K`; shorthand for `informer::<K>().lister()`.
    pub fn lister<K>(&self) -> Lister<K>
    where
        K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    {
        self.informer::<K>().lister()
    }

    /// Starts the watches of every informer asked for so far; the tasks end when aborted.
    pub fn start(&self) -> Vec<tokio::task::JoinHandle<()>> {
        let starters =
            std::mem::take(&mut *self.starters.lock().unwrap_or_else(|e| e.into_inner()));
        starters
            .into_iter()
            .map(|start| start(self.client.clone()))
            .collect()
    }

    /// Whether every informer has applied its first list.
    pub fn has_synced(&self) -> bool {
        self.informers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .all(|registered| (registered.synced)())
    }

    /// Waits until every informer has applied its first list.
    pub async fn wait_for_sync(&self) {
        while !self.has_synced() {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}
