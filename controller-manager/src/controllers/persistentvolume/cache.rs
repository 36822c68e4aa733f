//! The controller's own view of volumes and claims (upstream's `volumes` and `claims` stores
//! with `storeObjectUpdate`): filled from the informers by the workers and from the
//! controller's own writes, and never moved back to an older `resourceVersion`.
//!
//! Binding writes four objects in a row (volume, volume status, claim, claim status). Without
//! this view a sync running before the informers catch up would see the old volume, take it
//! for free and bind it again, only to fail on a conflict.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kube::Resource;

use crate::informers::key_of;

/// Objects by key (`namespace/name`, or `name` when cluster-scoped).
pub struct VersionedCache<K> {
    objects: Mutex<HashMap<String, Arc<K>>>,
}

impl<K> Default for VersionedCache<K> {
    fn default() -> Self {
        Self {
            objects: Mutex::default(),
        }
    }
}

fn version<K: Resource>(object: &K) -> Option<i64> {
    object.meta().resource_version.as_deref()?.parse().ok()
}

impl<K: Resource> VersionedCache<K> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<K>>> {
        self.objects.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores `object` unless the cache holds a newer version; whether it was stored. The
    /// same version passes (a resync must sync again).
    pub fn store(&self, object: Arc<K>) -> bool {
        let key = key_of(&*object);
        let mut objects = self.lock();
        if let Some(old) = objects.get(&key)
            && let (Some(old), Some(new)) = (version(&**old), version(&*object))
            && old > new
        {
            return false;
        }
        objects.insert(key, object);
        true
    }

    /// The object at `key`.
    pub fn get(&self, key: &str) -> Option<Arc<K>> {
        self.lock().get(key).cloned()
    }

    /// Removes and returns the object at `key`.
    pub fn remove(&self, key: &str) -> Option<Arc<K>> {
        self.lock().remove(key)
    }

    /// Every object.
    pub fn list(&self) -> Vec<Arc<K>> {
        self.lock().values().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::PersistentVolume;
    use kube::api::ObjectMeta;

    use super::*;

    fn volume(version: &str, phase: &str) -> Arc<PersistentVolume> {
        Arc::new(PersistentVolume {
            metadata: ObjectMeta {
                name: Some("pv".into()),
                resource_version: Some(version.into()),
                ..ObjectMeta::default()
            },
            status: Some(k8s_openapi::api::core::v1::PersistentVolumeStatus {
                phase: Some(phase.into()),
                ..Default::default()
            }),
            ..PersistentVolume::default()
        })
    }

    fn phase(cache: &VersionedCache<PersistentVolume>) -> String {
        let volume = cache.get("pv").unwrap();
        volume.status.as_ref().unwrap().phase.clone().unwrap()
    }

    #[test]
    fn older_versions_are_ignored_and_the_same_version_passes() {
        let cache = VersionedCache::default();
        assert!(cache.store(volume("10", "Bound")));
        assert!(!cache.store(volume("9", "Available")));
        assert_eq!(phase(&cache), "Bound");
        assert!(cache.store(volume("10", "Bound")));
        assert!(cache.store(volume("11", "Released")));
        assert_eq!(phase(&cache), "Released");
        assert_eq!(cache.list().len(), 1);
        assert!(cache.remove("pv").is_some());
        assert!(cache.get("pv").is_none());
    }
}
