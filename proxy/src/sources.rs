//! What kube-proxy watches: Services, EndpointSlices (without the headless ones and those
//! another proxy serves, as upstream selects) and its own Node. Each watch keeps a map of the
//! current objects and pokes the sync loop on every change.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::NamespaceResourceScope;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use serde::de::DeserializeOwned;
use tokio::sync::{Notify, watch};

/// Upstream's label selector for the EndpointSlices a default kube-proxy serves.
pub const ENDPOINT_SLICE_SELECTOR: &str =
    "!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name";
/// The same exclusion for Services.
pub const SERVICE_SELECTOR: &str =
    "!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name";

/// The objects of one watch, keyed by `namespace/name`.
pub struct Watched<K> {
    objects: Arc<Mutex<BTreeMap<String, K>>>,
    synced: watch::Receiver<bool>,
    task: tokio::task::AbortHandle,
}

impl<K> Drop for Watched<K> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl<K: Clone> Watched<K> {
    pub fn lock(&self) -> MutexGuard<'_, BTreeMap<String, K>> {
        self.objects.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for the first complete list.
    pub async fn synced(&self) {
        let mut synced = self.synced.clone();
        let _ = synced.wait_for(|done| *done).await;
    }
}

/// `namespace/name`: how a watch keys its objects.
pub fn key<K: kube::Resource>(object: &K) -> String {
    format!(
        "{}/{}",
        object.meta().namespace.clone().unwrap_or_default(),
        object.meta().name.clone().unwrap_or_default()
    )
}

/// Watches `api` with `config`, calling `on_change` with each changed object (and `None` after
/// a relist) and poking `changed`.
pub fn watch<K>(
    api: kube::Api<K>,
    config: watcher::Config,
    changed: Arc<Notify>,
    on_change: impl Fn(Option<&K>) + Send + 'static,
) -> Watched<K>
where
    K: kube::Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
{
    let objects = Arc::new(Mutex::new(BTreeMap::new()));
    let (tx, synced) = watch::channel(false);
    let store = objects.clone();
    let task = tokio::spawn(async move {
        let mut stream = watcher::watcher(api, config).default_backoff().boxed();
        let mut relist: Option<BTreeMap<String, K>> = None;
        loop {
            let event = match stream.try_next().await {
                Ok(Some(event)) => event,
                Ok(None) => return,
                Err(error) => {
                    tracing::warn!(%error, "watch failed; retrying");
                    continue;
                }
            };
            let mut map = store.lock().unwrap_or_else(PoisonError::into_inner);
            match event {
                Event::Init => relist = Some(BTreeMap::new()),
                Event::InitApply(object) => {
                    relist
                        .get_or_insert_with(BTreeMap::new)
                        .insert(key(&object), object);
                }
                Event::InitDone => {
                    *map = relist.take().unwrap_or_default();
                    drop(map);
                    on_change(None);
                    tx.send_replace(true);
                    changed.notify_one();
                }
                Event::Apply(object) => {
                    map.insert(key(&object), object.clone());
                    drop(map);
                    on_change(Some(&object));
                    changed.notify_one();
                }
                Event::Delete(object) => {
                    map.remove(&key(&object));
                    drop(map);
                    on_change(Some(&object));
                    changed.notify_one();
                }
            }
        }
    })
    .abort_handle();
    Watched {
        objects,
        synced,
        task,
    }
}

/// `kube::Api::all` for a namespaced kind, with a label selector.
pub fn all_with_selector<K>(client: kube::Client, selector: &str) -> (kube::Api<K>, watcher::Config)
where
    K: kube::Resource<Scope = NamespaceResourceScope>,
    <K as kube::Resource>::DynamicType: Default,
{
    (
        kube::Api::all(client),
        watcher::Config::default().labels(selector),
    )
}
