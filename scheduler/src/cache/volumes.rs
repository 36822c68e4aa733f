//! The PersistentVolumes, PersistentVolumeClaims and StorageClasses the watches bring, with the
//! bindings VolumeBinding has reserved but the API does not show yet (upstream's PV and PVC
//! assume caches).
//!
//! A reserved binding (a volume promised to a claim, or a claim promised to a node for
//! provisioning) hides the volume from other pods until the watch brings the object the API
//! update produced, or the binding is released because the pod's binding cycle failed.
//!
//! It has its own lock, taken after the scheduler's state lock and never while waiting: the
//! binding tasks read it outside the scheduling cycle.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::storage::v1::StorageClass;
use tokio::sync::Notify;

/// `namespace/name` of a claim.
pub fn claim_key(namespace: &str, name: &str) -> String {
    format!("{namespace}/{name}")
}

/// A claim a volume was promised to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRef {
    /// The claim's namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Its uid.
    pub uid: String,
}

/// What the cache holds.
#[derive(Default)]
pub struct Volumes {
    /// PersistentVolumes by name.
    pub pvs: HashMap<String, Arc<PersistentVolume>>,
    /// PersistentVolumeClaims by `namespace/name`.
    pub pvcs: HashMap<String, Arc<PersistentVolumeClaim>>,
    /// StorageClasses by name.
    pub classes: HashMap<String, Arc<StorageClass>>,
    /// Volumes reserved for a claim, by volume name.
    reserved_volumes: HashMap<String, ClaimRef>,
    /// Claims reserved for provisioning on a node, by claim key.
    reserved_provisions: HashMap<String, String>,
}

impl Volumes {
    /// The claim a volume is reserved for, if a pod's binding cycle reserved it.
    pub fn reserved_for(&self, volume: &str) -> Option<&ClaimRef> {
        self.reserved_volumes.get(volume)
    }

    /// The node a claim is reserved to be provisioned on.
    pub fn provision_node(&self, claim: &str) -> Option<&str> {
        self.reserved_provisions.get(claim).map(String::as_str)
    }

    /// Reserves `volume` for `claim`; false if it is already reserved for another claim.
    pub fn reserve_volume(&mut self, volume: &str, claim: ClaimRef) -> bool {
        match self.reserved_volumes.get(volume) {
            Some(existing) if *existing != claim => false,
            _ => {
                self.reserved_volumes.insert(volume.to_owned(), claim);
                true
            }
        }
    }

    /// Releases a volume reservation made for `claim`.
    pub fn release_volume(&mut self, volume: &str, claim: &ClaimRef) {
        if self.reserved_volumes.get(volume) == Some(claim) {
            self.reserved_volumes.remove(volume);
        }
    }

    /// Reserves `claim` for provisioning on `node`.
    pub fn reserve_provision(&mut self, claim: &str, node: &str) {
        self.reserved_provisions
            .insert(claim.to_owned(), node.to_owned());
    }

    /// Releases a provisioning reservation.
    pub fn release_provision(&mut self, claim: &str) {
        self.reserved_provisions.remove(claim);
    }

    /// A volume from the watch: a reservation ends once the API shows a claim on it.
    pub fn upsert_pv(&mut self, pv: PersistentVolume) {
        let name = pv.metadata.name.clone().unwrap_or_default();
        if pv
            .spec
            .as_ref()
            .and_then(|s| s.claim_ref.as_ref())
            .is_some()
        {
            self.reserved_volumes.remove(&name);
        }
        self.pvs.insert(name, Arc::new(pv));
    }

    /// A claim from the watch: a provisioning reservation ends once the API shows the node.
    pub fn upsert_pvc(&mut self, pvc: PersistentVolumeClaim) {
        let key = claim_key(
            pvc.metadata.namespace.as_deref().unwrap_or_default(),
            pvc.metadata.name.as_deref().unwrap_or_default(),
        );
        if pvc
            .metadata
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key(crate::plugins::volume_binding::ANN_SELECTED_NODE))
        {
            self.reserved_provisions.remove(&key);
        }
        self.pvcs.insert(key, Arc::new(pvc));
    }

    /// A StorageClass from the watch.
    pub fn upsert_class(&mut self, class: StorageClass) {
        let name = class.metadata.name.clone().unwrap_or_default();
        self.classes.insert(name, Arc::new(class));
    }

    /// A volume is gone, with any reservation of it.
    pub fn remove_pv(&mut self, name: &str) {
        self.pvs.remove(name);
        self.reserved_volumes.remove(name);
    }

    /// A claim is gone.
    pub fn remove_pvc(&mut self, key: &str) {
        self.pvcs.remove(key);
        self.reserved_provisions.remove(key);
    }

    /// A StorageClass is gone.
    pub fn remove_class(&mut self, name: &str) {
        self.classes.remove(name);
    }
}

/// The cache, shared by the watches, the plugin and the binding tasks.
#[derive(Default)]
pub struct VolumeCache {
    volumes: Mutex<Volumes>,
    /// Woken on every change, for binding tasks waiting for the PV controller.
    changed: Notify,
}

impl VolumeCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The contents, locked. A poisoned lock is taken anyway: every update is a few plain
    /// map operations.
    pub fn lock(&self) -> MutexGuard<'_, Volumes> {
        self.volumes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes the contents and wakes the waiters.
    pub fn update(&self, change: impl FnOnce(&mut Volumes)) {
        change(&mut self.lock());
        self.changed.notify_waiters();
    }

    /// Completes at the next change (register before checking, as [`Notify`] does).
    pub fn changed(&self) -> tokio::sync::futures::Notified<'_> {
        self.changed.notified()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(name: &str) -> ClaimRef {
        ClaimRef {
            namespace: "ns".into(),
            name: name.into(),
            uid: format!("uid-{name}"),
        }
    }

    #[test]
    fn a_volume_is_reserved_for_one_claim_until_the_watch_shows_a_claim_on_it() {
        let mut volumes = Volumes::default();
        assert!(volumes.reserve_volume("pv1", claim("a")));
        assert!(volumes.reserve_volume("pv1", claim("a")));
        assert!(!volumes.reserve_volume("pv1", claim("b")));
        volumes.release_volume("pv1", &claim("b"));
        assert_eq!(volumes.reserved_for("pv1"), Some(&claim("a")));
        let pv: PersistentVolume = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "pv1"},
            "spec": {"claimRef": {"namespace": "ns", "name": "a"}}
        }))
        .unwrap();
        volumes.upsert_pv(pv);
        assert_eq!(volumes.reserved_for("pv1"), None);
        assert!(volumes.reserve_volume("pv2", claim("a")));
        volumes.release_volume("pv2", &claim("a"));
        assert_eq!(volumes.reserved_for("pv2"), None);
    }
}
