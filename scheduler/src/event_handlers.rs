//! The node and pod watches (kube-runtime watchers over TLS), turned into cache and queue
//! updates and cluster events, as upstream's `eventhandlers.go`:
//!
//! - nodes go to the cache; an added or changed node moves the pods waiting for such an event;
//! - a pod bound to a node (and not finished) goes to the cache, and leaves the queue;
//! - an unbound pod whose `schedulerName` is one of our profiles goes to the queue, unless this
//!   scheduler has assumed it already (its binding is in flight);
//! - a deleted or finished pod leaves both and moves the pods waiting for room;
//! - PodDisruptionBudgets are kept for preemption;
//! - PersistentVolumes, claims and StorageClasses go to the volume cache VolumeBinding reads,
//!   and move the pods waiting for such a change;
//! - pods and nodes are kept without `managedFields`.
//!
//! After a relist (the watcher's `Init` … `InitDone`), objects that did not come back are
//! treated as deleted.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim, Pod};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::storage::v1::StorageClass;
use kube::Resource;
use kube::api::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};

use crate::cache::volumes::{Volumes, claim_key};
use crate::framework::{ClusterEvent, pod_key};
use crate::scheduler::Scheduler;

/// The number of watches [`run`] runs.
pub const WATCHES: usize = 6;

/// Runs the watches until the task is aborted.
pub async fn run(scheduler: Arc<Scheduler>) {
    tokio::join!(
        watch_nodes(scheduler.clone()),
        watch_pods(scheduler.clone()),
        watch_pdbs(scheduler.clone()),
        watch_storage(
            scheduler.clone(),
            StorageKind {
                event: ClusterEvent::PersistentVolumeChanged,
                key: |pv: &PersistentVolume| pv.metadata.name.clone().unwrap_or_default(),
                upsert: Volumes::upsert_pv,
                remove: Volumes::remove_pv,
            }
        ),
        watch_storage(
            scheduler.clone(),
            StorageKind {
                event: ClusterEvent::PersistentVolumeClaimChanged,
                key: |pvc: &PersistentVolumeClaim| claim_key(
                    pvc.metadata.namespace.as_deref().unwrap_or_default(),
                    pvc.metadata.name.as_deref().unwrap_or_default()
                ),
                upsert: Volumes::upsert_pvc,
                remove: Volumes::remove_pvc,
            }
        ),
        watch_storage(
            scheduler.clone(),
            StorageKind {
                event: ClusterEvent::StorageClassChanged,
                key: |class: &StorageClass| class.metadata.name.clone().unwrap_or_default(),
                upsert: Volumes::upsert_class,
                remove: Volumes::remove_class,
            }
        ),
    );
}

/// How one storage resource goes into the volume cache.
struct StorageKind<K> {
    /// The cluster event a change of it is.
    event: ClusterEvent,
    /// Its key in the cache.
    key: fn(&K) -> String,
    /// Adds or replaces it.
    upsert: fn(&mut Volumes, K),
    /// Removes it by key.
    remove: fn(&mut Volumes, &str),
}

/// Watches one storage resource into the volume cache; each change moves the pods waiting
/// for it and wakes the binding tasks waiting on the PV controller.
async fn watch_storage<K>(scheduler: Arc<Scheduler>, kind: StorageKind<K>)
where
    K: Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + Sync + 'static,
    K::DynamicType: Default,
{
    let api: Api<K> = Api::all(scheduler.client.clone());
    let mut stream = watcher::watcher(api, watcher::Config::default())
        .default_backoff()
        .boxed();
    let volumes = scheduler.handle.volumes.clone();
    let mut relisted: Option<HashSet<String>> = None;
    let mut known: HashSet<String> = HashSet::new();
    let mut synced = false;
    loop {
        let event = match stream.try_next().await {
            Ok(Some(event)) => event,
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(%error, kind = %K::kind(&K::DynamicType::default()), "watch failed; retrying");
                continue;
            }
        };
        let changed = match event {
            Event::Init => {
                relisted = Some(HashSet::new());
                false
            }
            Event::InitApply(mut object) | Event::Apply(mut object) => {
                object.meta_mut().managed_fields = None;
                let key = (kind.key)(&object);
                if let Some(seen) = relisted.as_mut() {
                    seen.insert(key.clone());
                }
                known.insert(key);
                volumes.update(|v| (kind.upsert)(v, object));
                true
            }
            Event::Delete(object) => {
                let key = (kind.key)(&object);
                known.remove(&key);
                volumes.update(|v| (kind.remove)(v, &key));
                true
            }
            Event::InitDone => {
                if let Some(seen) = relisted.take() {
                    let gone: Vec<String> = known.difference(&seen).cloned().collect();
                    volumes.update(|v| {
                        for key in &gone {
                            (kind.remove)(v, key);
                        }
                    });
                    for key in &gone {
                        known.remove(key);
                    }
                }
                if !synced {
                    synced = true;
                    scheduler.watch_synced();
                }
                false
            }
        };
        if changed {
            let mut state = scheduler.state();
            state.queue.on_event(kind.event, Instant::now());
            let wake = state.queue.has_active();
            drop(state);
            if wake {
                scheduler.wake.notify_one();
            }
        }
    }
}

async fn watch_nodes(scheduler: Arc<Scheduler>) {
    let api: Api<Node> = Api::all(scheduler.client.clone());
    let mut stream = watcher::watcher(api, watcher::Config::default())
        .default_backoff()
        .boxed();
    let mut relisted: Option<HashSet<String>> = None;
    let mut known: HashSet<String> = HashSet::new();
    let mut synced = false;
    loop {
        let event = match stream.try_next().await {
            Ok(Some(event)) => event,
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(%error, "node watch failed; retrying");
                continue;
            }
        };
        let now = Instant::now();
        let mut state = scheduler.state();
        match event {
            Event::Init => relisted = Some(HashSet::new()),
            Event::InitApply(mut node) | Event::Apply(mut node) => {
                node.metadata.managed_fields = None;
                let name = node.metadata.name.clone().unwrap_or_default();
                if let Some(seen) = relisted.as_mut() {
                    seen.insert(name.clone());
                }
                let added = known.insert(name);
                state.cache.upsert_node(Arc::new(node));
                state.queue.on_event(
                    if added {
                        ClusterEvent::NodeAdded
                    } else {
                        ClusterEvent::NodeChanged
                    },
                    now,
                );
            }
            Event::Delete(node) => {
                let name = node.metadata.name.unwrap_or_default();
                known.remove(&name);
                state.cache.remove_node(&name);
            }
            Event::InitDone => {
                if let Some(seen) = relisted.take() {
                    for gone in known.difference(&seen).cloned().collect::<Vec<_>>() {
                        known.remove(&gone);
                        state.cache.remove_node(&gone);
                    }
                }
                if !synced {
                    synced = true;
                    scheduler.watch_synced();
                }
            }
        }
        let wake = state.queue.has_active();
        drop(state);
        if wake {
            scheduler.wake.notify_one();
        }
    }
}

/// PodDisruptionBudgets, which preemption spares where it can.
async fn watch_pdbs(scheduler: Arc<Scheduler>) {
    let api: Api<PodDisruptionBudget> = Api::all(scheduler.client.clone());
    let mut stream = watcher::watcher(api, watcher::Config::default())
        .default_backoff()
        .boxed();
    let mut relisted: Option<HashMap<String, PodDisruptionBudget>> = None;
    let mut synced = false;
    let key = |pdb: &PodDisruptionBudget| {
        format!(
            "{}/{}",
            pdb.metadata.namespace.as_deref().unwrap_or_default(),
            pdb.metadata.name.as_deref().unwrap_or_default()
        )
    };
    loop {
        let event = match stream.try_next().await {
            Ok(Some(event)) => event,
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(%error, "PodDisruptionBudget watch failed; retrying");
                continue;
            }
        };
        let mut state = scheduler.state();
        match event {
            Event::Init => relisted = Some(HashMap::new()),
            Event::InitApply(pdb) => {
                if let Some(fresh) = relisted.as_mut() {
                    fresh.insert(key(&pdb), pdb);
                }
            }
            Event::Apply(pdb) => {
                state.pdbs.insert(key(&pdb), pdb);
            }
            Event::Delete(pdb) => {
                state.pdbs.remove(&key(&pdb));
            }
            Event::InitDone => {
                if let Some(fresh) = relisted.take() {
                    state.pdbs = fresh;
                }
                if !synced {
                    synced = true;
                    scheduler.watch_synced();
                }
            }
        }
    }
}

fn is_finished(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

fn node_name(pod: &Pod) -> Option<&str> {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .filter(|n| !n.is_empty())
}

async fn watch_pods(scheduler: Arc<Scheduler>) {
    let api: Api<Pod> = Api::all(scheduler.client.clone());
    let mut stream = watcher::watcher(api, watcher::Config::default())
        .default_backoff()
        .boxed();
    let mut relisted: Option<HashSet<String>> = None;
    let mut known: HashSet<String> = HashSet::new();
    let mut synced = false;
    loop {
        let event = match stream.try_next().await {
            Ok(Some(event)) => event,
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(%error, "pod watch failed; retrying");
                continue;
            }
        };
        match event {
            Event::Init => relisted = Some(HashSet::new()),
            Event::InitApply(mut pod) | Event::Apply(mut pod) => {
                // Trimmed as upstream's scheduler informers trim them: never read here, and a
                // large part of what each cached pod would hold.
                pod.metadata.managed_fields = None;
                let key = pod_key(&pod);
                if let Some(seen) = relisted.as_mut() {
                    seen.insert(key.clone());
                }
                known.insert(key);
                on_pod(&scheduler, Arc::new(pod));
            }
            Event::Delete(pod) => {
                let key = pod_key(&pod);
                known.remove(&key);
                if let Some(uid) = pod.metadata.uid.as_deref() {
                    scheduler.pod_deleted(uid);
                }
                on_pod_gone(&scheduler, &key);
            }
            Event::InitDone => {
                if let Some(seen) = relisted.take() {
                    for gone in known.difference(&seen).cloned().collect::<Vec<_>>() {
                        known.remove(&gone);
                        on_pod_gone(&scheduler, &gone);
                    }
                }
                if !synced {
                    synced = true;
                    scheduler.watch_synced();
                }
            }
        }
    }
}

fn on_pod(scheduler: &Scheduler, pod: Arc<Pod>) {
    let key = pod_key(&pod);
    let now = Instant::now();
    let mut state = scheduler.state();
    if node_name(&pod).is_some() {
        state.queue.remove(&key);
        if is_finished(&pod) {
            if state.cache.contains_pod(&key) {
                state.cache.remove_pod(&key);
                state.queue.on_event(ClusterEvent::AssignedPodDeleted, now);
            }
        } else {
            let event = if state.cache.contains_pod(&key) {
                ClusterEvent::AssignedPodChanged
            } else {
                ClusterEvent::AssignedPodAdded
            };
            state.cache.upsert_bound_pod(pod);
            state.queue.on_event(event, now);
        }
    } else if pod.metadata.deletion_timestamp.is_some() || is_finished(&pod) {
        state.queue.remove(&key);
    } else if !state.cache.contains_pod(&key) {
        let scheduler_name = pod
            .spec
            .as_ref()
            .and_then(|s| s.scheduler_name.as_deref())
            .unwrap_or(crate::config::DEFAULT_SCHEDULER_NAME);
        let Some(profile) = scheduler.profiles.get(scheduler_name) else {
            return;
        };
        let admitted = profile.framework.run_pre_enqueue(&pod).is_success();
        state.queue.upsert(pod, admitted, now);
    }
    let wake = state.queue.has_active();
    drop(state);
    if wake {
        scheduler.wake.notify_one();
    }
}

fn on_pod_gone(scheduler: &Scheduler, key: &str) {
    let now = Instant::now();
    let mut state = scheduler.state();
    state.queue.remove(key);
    if state.cache.contains_pod(key) {
        state.cache.remove_pod(key);
        state.queue.on_event(ClusterEvent::AssignedPodDeleted, now);
    }
    let wake = state.queue.has_active();
    drop(state);
    if wake {
        scheduler.wake.notify_one();
    }
}
