//! ConfigMaps and Secrets that pods reference, for volumes and env: upstream's default
//! `configMapAndSecretChangeDetectionStrategy: Watch` (`pkg/kubelet/util/manager`'s
//! watch-based manager). Each referenced object has one watch (a field selector on its name in
//! its namespace), shared by the pods that reference it and counted per pod; when the object
//! changes, every such pod is sent on the [`PodSyncTrigger`] so its worker resyncs and the
//! volumes are rewritten. A watch stops when no registered pod references its object any more.
//! Reads come from the cache once the watch has listed, and from a GET before that.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Debug;
use std::sync::{Arc, Mutex, MutexGuard};

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use serde::de::DeserializeOwned;

use crate::pod_manager::PodSyncTrigger;
use crate::service_env::{self, ServiceStore};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Api(#[from] kube::Error),
}

/// `namespace/name` of a cached object.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    pub namespace: String,
    pub name: String,
}

/// One watched object.
struct Entry<T> {
    /// UIDs of the registered pods that reference it.
    pods: HashSet<String>,
    /// The object as the watch last saw it; `None` when it does not exist.
    object: Option<T>,
    /// Whether the watch has listed once (before that, reads fall back to a GET).
    synced: bool,
    /// The resourceVersion a GET served before the first list (`Some(None)`: not found), so
    /// that a change between that GET and the list still resyncs the pods.
    served: Option<Option<String>>,
    task: Option<tokio::task::AbortHandle>,
}

impl<T> Drop for Entry<T> {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

#[derive(Default)]
struct State {
    /// Per pod UID: what it references.
    pods: HashMap<String, References>,
    config_maps: HashMap<ObjectKey, Entry<ConfigMap>>,
    secrets: HashMap<ObjectKey, Entry<Secret>>,
}

/// The ConfigMaps and Secrets a pod references.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References {
    pub config_maps: BTreeSet<ObjectKey>,
    pub secrets: BTreeSet<ObjectKey>,
}

/// What the cache can hold: ConfigMaps and Secrets.
trait Cached:
    kube::Resource<Scope = kube::core::NamespaceResourceScope, DynamicType = ()>
    + Clone
    + Debug
    + DeserializeOwned
    + Send
    + Sync
    + 'static
{
    const KIND: &'static str;
    fn entries(state: &mut State) -> &mut HashMap<ObjectKey, Entry<Self>>;
    fn immutable(&self) -> bool;
}

impl Cached for ConfigMap {
    const KIND: &'static str = "configmap";
    fn entries(state: &mut State) -> &mut HashMap<ObjectKey, Entry<Self>> {
        &mut state.config_maps
    }
    fn immutable(&self) -> bool {
        self.immutable == Some(true)
    }
}

impl Cached for Secret {
    const KIND: &'static str = "secret";
    fn entries(state: &mut State) -> &mut HashMap<ObjectKey, Entry<Self>> {
        &mut state.secrets
    }
    fn immutable(&self) -> bool {
        self.immutable == Some(true)
    }
}

struct Inner {
    client: kube::Client,
    resync: PodSyncTrigger,
    state: Mutex<State>,
    services: ServiceStore,
    /// No API server (a standalone kubelet): pods get no service variables, as upstream's
    /// kubelet without a client.
    offline: bool,
}

#[derive(Clone)]
pub struct ObjectCache {
    inner: Arc<Inner>,
}

impl ObjectCache {
    pub fn new(client: kube::Client, resync: PodSyncTrigger) -> Self {
        Self::build(client, resync, false)
    }

    /// A cache for a kubelet without an API server: `client` is never reached for service
    /// variables (there are none), and ConfigMap or Secret references fail.
    pub fn offline(client: kube::Client, resync: PodSyncTrigger) -> Self {
        Self::build(client, resync, true)
    }

    fn build(client: kube::Client, resync: PodSyncTrigger, offline: bool) -> Self {
        ObjectCache {
            inner: Arc::new(Inner {
                client,
                resync,
                state: Mutex::new(State::default()),
                services: ServiceStore::default(),
                offline,
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves only plain data behind; keep using it.
        self.inner
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts watching what `pod` references; a change resyncs the pod. Calling it again
    /// with a changed pod moves the pod's references (cheap when nothing changed).
    pub fn register_pod(&self, pod: &Pod) {
        let Some(uid) = pod.metadata.uid.clone() else {
            return;
        };
        let refs = pod_references(pod);
        let mut state = self.state();
        let old = state.pods.get(&uid).cloned().unwrap_or_default();
        if old == refs && state.pods.contains_key(&uid) {
            return;
        }
        for key in old.config_maps.difference(&refs.config_maps) {
            release::<ConfigMap>(&mut state, key, &uid);
        }
        for key in old.secrets.difference(&refs.secrets) {
            release::<Secret>(&mut state, key, &uid);
        }
        for key in refs.config_maps.difference(&old.config_maps) {
            self.acquire::<ConfigMap>(&mut state, key, &uid);
        }
        for key in refs.secrets.difference(&old.secrets) {
            self.acquire::<Secret>(&mut state, key, &uid);
        }
        state.pods.insert(uid, refs);
    }

    /// Forgets the pod's references; watches nobody needs any more stop.
    pub fn unregister_pod(&self, uid: &str) {
        let mut state = self.state();
        let Some(refs) = state.pods.remove(uid) else {
            return;
        };
        for key in &refs.config_maps {
            release::<ConfigMap>(&mut state, key, uid);
        }
        for key in &refs.secrets {
            release::<Secret>(&mut state, key, uid);
        }
    }

    /// How many objects are watched now (ConfigMaps, Secrets).
    pub fn watched(&self) -> (usize, usize) {
        let state = self.state();
        (state.config_maps.len(), state.secrets.len())
    }

    fn acquire<T: Cached>(&self, state: &mut State, key: &ObjectKey, uid: &str) {
        let entries = T::entries(state);
        if let Some(entry) = entries.get_mut(key) {
            entry.pods.insert(uid.to_owned());
            return;
        }
        let task = match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                let cache = self.clone();
                let watched = key.clone();
                Some(
                    handle
                        .spawn(async move { cache.watch::<T>(watched).await })
                        .abort_handle(),
                )
            }
            Err(_) => {
                tracing::warn!(kind = T::KIND, namespace = %key.namespace, name = %key.name,
                    "no async runtime: the object is read with GETs, without a watch");
                None
            }
        };
        entries.insert(
            key.clone(),
            Entry {
                pods: HashSet::from([uid.to_owned()]),
                object: None,
                synced: false,
                served: None,
                task,
            },
        );
    }

    /// Keeps `key`'s cache entry current until the entry goes away (its task is aborted).
    async fn watch<T: Cached>(self, key: ObjectKey) {
        let api: kube::Api<T> = kube::Api::namespaced(self.inner.client.clone(), &key.namespace);
        let config = watcher::Config::default().fields(&format!("metadata.name={}", key.name));
        let mut stream = watcher::watcher(api, config).default_backoff().boxed();
        let mut listed: Option<T> = None;
        loop {
            let seen = match stream.try_next().await {
                Ok(Some(Event::Init)) => {
                    listed = None;
                    continue;
                }
                Ok(Some(Event::InitApply(object))) => {
                    listed = Some(object);
                    continue;
                }
                Ok(Some(Event::InitDone)) => listed.take(),
                Ok(Some(Event::Apply(object))) => Some(object),
                Ok(Some(Event::Delete(_))) => None,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(kind = T::KIND, namespace = %key.namespace, name = %key.name,
                        error = %e, "watch failed; retrying");
                    continue;
                }
            };
            let immutable = seen.as_ref().is_some_and(T::immutable);
            self.update(&key, seen);
            if immutable {
                // An immutable object never changes: stop watching it, as upstream does.
                tracing::debug!(kind = T::KIND, namespace = %key.namespace, name = %key.name,
                    "immutable; watch stopped");
                return;
            }
        }
    }

    /// Stores what the watch saw and resyncs the referencing pods when it changed.
    fn update<T: Cached>(&self, key: &ObjectKey, object: Option<T>) {
        let new_version = object
            .as_ref()
            .and_then(|o| o.meta().resource_version.clone());
        let mut state = self.state();
        let Some(entry) = T::entries(&mut state).get_mut(key) else {
            return;
        };
        let changed = if entry.synced {
            entry
                .object
                .as_ref()
                .and_then(|o| o.meta().resource_version.clone())
                != new_version
                || entry.object.is_some() != object.is_some()
        } else {
            // Before the first list, only what a GET already served can be stale.
            entry
                .served
                .as_ref()
                .is_some_and(|served| *served != new_version)
        };
        entry.object = object;
        entry.synced = true;
        entry.served = None;
        if !changed {
            return;
        }
        tracing::debug!(kind = T::KIND, namespace = %key.namespace, name = %key.name,
            pods = entry.pods.len(), "referenced object changed; resyncing its pods");
        for uid in &entry.pods {
            // The receiver is gone only when the kubelet stops.
            let _ = self.inner.resync.send(uid.clone());
        }
    }

    async fn get<T: Cached>(&self, namespace: &str, name: &str) -> Result<Option<T>, Error> {
        let key = ObjectKey {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        };
        if let Some(entry) = T::entries(&mut self.state()).get(&key)
            && entry.synced
        {
            return Ok(entry.object.clone());
        }
        let api: kube::Api<T> = kube::Api::namespaced(self.inner.client.clone(), namespace);
        let found = api.get_opt(name).await?;
        if let Some(entry) = T::entries(&mut self.state()).get_mut(&key)
            && !entry.synced
        {
            entry.served = Some(
                found
                    .as_ref()
                    .and_then(|o| o.meta().resource_version.clone()),
            );
        }
        Ok(found)
    }

    /// `namespace/name`, or `None` when it does not exist.
    pub async fn config_map(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<ConfigMap>, Error> {
        self.get(namespace, name).await
    }

    pub async fn secret(&self, namespace: &str, name: &str) -> Result<Option<Secret>, Error> {
        self.get(namespace, name).await
    }

    /// The service environment variables of a pod in `namespace` (the `kubernetes` Service
    /// always, the namespace's Services with `enableServiceLinks`), from a cluster-wide
    /// Service watch started on first use.
    pub async fn service_env(
        &self,
        namespace: &str,
        enable_service_links: bool,
    ) -> Result<Vec<(String, String)>, String> {
        if self.inner.offline {
            return Ok(Vec::new());
        }
        let services = self
            .inner
            .services
            .for_pod(&self.inner.client, namespace, enable_service_links)
            .await?;
        Ok(service_env::from_services(&services))
    }
}

fn release<T: Cached>(state: &mut State, key: &ObjectKey, uid: &str) {
    let entries = T::entries(state);
    if let Some(entry) = entries.get_mut(key) {
        entry.pods.remove(uid);
        if entry.pods.is_empty() {
            // Dropping the entry aborts its watch.
            entries.remove(key);
        }
    }
}

/// Every ConfigMap and Secret `pod` references (upstream `VisitPodConfigmapNames` and
/// `VisitPodSecretNames`): volumes, projected sources, env and envFrom of every container,
/// and image pull secrets.
pub fn pod_references(pod: &Pod) -> References {
    let namespace = pod
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_owned());
    let mut refs = References::default();
    let key = |name: &str| ObjectKey {
        namespace: namespace.clone(),
        name: name.to_owned(),
    };
    let Some(spec) = pod.spec.as_ref() else {
        return refs;
    };
    for secret in spec.image_pull_secrets.iter().flatten() {
        refs.secrets.insert(key(&secret.name));
    }
    for volume in spec.volumes.iter().flatten() {
        if let Some(cm) = &volume.config_map {
            refs.config_maps.insert(key(&cm.name));
        }
        if let Some(name) = volume
            .secret
            .as_ref()
            .and_then(|s| s.secret_name.as_deref())
        {
            refs.secrets.insert(key(name));
        }
        for source in volume
            .projected
            .iter()
            .flat_map(|p| p.sources.iter().flatten())
        {
            if let Some(cm) = &source.config_map {
                refs.config_maps.insert(key(&cm.name));
            }
            if let Some(s) = &source.secret {
                refs.secrets.insert(key(&s.name));
            }
        }
    }
    let containers = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .map(|c| (c.env_from.as_ref(), c.env.as_ref()));
    let ephemeral = spec
        .ephemeral_containers
        .iter()
        .flatten()
        .map(|c| (c.env_from.as_ref(), c.env.as_ref()));
    for (env_from, env) in containers.chain(ephemeral) {
        for from in env_from.into_iter().flatten() {
            if let Some(r) = &from.config_map_ref {
                refs.config_maps.insert(key(&r.name));
            }
            if let Some(r) = &from.secret_ref {
                refs.secrets.insert(key(&r.name));
            }
        }
        for from in env
            .into_iter()
            .flatten()
            .filter_map(|v| v.value_from.as_ref())
        {
            if let Some(r) = &from.config_map_key_ref {
                refs.config_maps.insert(key(&r.name));
            }
            if let Some(r) = &from.secret_key_ref {
                refs.secrets.insert(key(&r.name));
            }
        }
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_cover_volumes_env_and_pull_secrets() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p", "namespace": "ns", "uid": "u"},
            "spec": {
                "imagePullSecrets": [{"name": "pull"}],
                "volumes": [
                    {"name": "a", "configMap": {"name": "cm-vol"}},
                    {"name": "b", "secret": {"secretName": "s-vol"}},
                    {"name": "c", "projected": {"sources": [
                        {"configMap": {"name": "cm-proj"}}, {"secret": {"name": "s-proj"}}]}}
                ],
                "initContainers": [{"name": "i", "envFrom": [{"configMapRef": {"name": "cm-init"}}]}],
                "containers": [{"name": "c", "env": [
                    {"name": "X", "valueFrom": {"secretKeyRef": {"name": "s-env", "key": "k"}}},
                    {"name": "Y", "valueFrom": {"configMapKeyRef": {"name": "cm-env", "key": "k"}}}
                ]}]
            }
        }))
        .unwrap();
        let refs = pod_references(&pod);
        let names = |set: &BTreeSet<ObjectKey>| {
            set.iter()
                .map(|k| format!("{}/{}", k.namespace, k.name))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&refs.config_maps),
            ["ns/cm-env", "ns/cm-init", "ns/cm-proj", "ns/cm-vol"]
        );
        assert_eq!(
            names(&refs.secrets),
            ["ns/pull", "ns/s-env", "ns/s-proj", "ns/s-vol"]
        );
    }
}
