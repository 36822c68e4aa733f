//! What a controller expects of the EndpointSlices it wrote, per service (upstream's
//! `EndpointSliceTracker`), shared by the endpointslice and mirroring controllers: a cache
//! that does not yet show a write is stale (the sync is retried rather than writing twice),
//! and a change to a slice that is not the controller's own queues the service again.
//!
//! Upstream compares `metadata.generation`; this API server does not keep a generation for
//! EndpointSlices, so the resource version (a number here) stands in for it.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use k8s_openapi::api::discovery::v1::EndpointSlice;

/// Label naming a slice's service.
pub const LABEL_SERVICE_NAME: &str = "kubernetes.io/service-name";
/// Label naming a slice's manager.
pub const LABEL_MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expected {
    Version(u64),
    Deletion,
}

/// The slices written, by service key and slice UID.
#[derive(Default)]
pub struct SliceTracker {
    services: Mutex<HashMap<String, HashMap<String, Expected>>>,
}

fn version(slice: &EndpointSlice) -> Option<u64> {
    slice.metadata.resource_version.as_deref()?.parse().ok()
}

fn uid(slice: &EndpointSlice) -> String {
    slice.metadata.uid.clone().unwrap_or_default()
}

/// The key (`namespace/service`) of the service a slice belongs to, from its label.
pub fn service_key(slice: &EndpointSlice) -> Option<String> {
    let name = slice.metadata.labels.as_ref()?.get(LABEL_SERVICE_NAME)?;
    if name.is_empty() {
        return None;
    }
    Some(format!(
        "{}/{name}",
        slice.metadata.namespace.as_deref().unwrap_or_default()
    ))
}

/// Whether `manager` manages the slice.
pub fn managed_by(slice: &EndpointSlice, manager: &str) -> bool {
    slice
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(LABEL_MANAGED_BY))
        .is_some_and(|m| m == manager)
}

impl SliceTracker {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, HashMap<String, Expected>>> {
        self.services.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a slice as written (created or updated) by the controller.
    pub fn update(&self, slice: &EndpointSlice) {
        let (Some(key), Some(version)) = (service_key(slice), version(slice)) else {
            return;
        };
        self.lock()
            .entry(key)
            .or_default()
            .insert(uid(slice), Expected::Version(version));
    }

    /// Records a slice the controller deleted.
    pub fn expect_deletion(&self, slice: &EndpointSlice) {
        let Some(key) = service_key(slice) else {
            return;
        };
        self.lock()
            .entry(key)
            .or_default()
            .insert(uid(slice), Expected::Deletion);
    }

    /// Whether the slice is tracked.
    pub fn has(&self, slice: &EndpointSlice) -> bool {
        let Some(key) = service_key(slice) else {
            return false;
        };
        self.lock()
            .get(&key)
            .is_some_and(|s| s.contains_key(&uid(slice)))
    }

    /// Whether a seen slice is news to the controller: untracked, or changed after its write.
    pub fn should_sync(&self, slice: &EndpointSlice) -> bool {
        let Some(key) = service_key(slice) else {
            return true;
        };
        match self
            .lock()
            .get(&key)
            .and_then(|s| s.get(&uid(slice)).copied())
        {
            Some(Expected::Version(expected)) => version(slice).is_none_or(|v| v > expected),
            Some(Expected::Deletion) | None => true,
        }
    }

    /// Handles a seen deletion; whether the controller made it.
    pub fn handle_deletion(&self, slice: &EndpointSlice) -> bool {
        let Some(key) = service_key(slice) else {
            return false;
        };
        let mut services = self.lock();
        let Some(slices) = services.get_mut(&key) else {
            return false;
        };
        let expected = slices.remove(&uid(slice)) == Some(Expected::Deletion);
        if slices.is_empty() {
            services.remove(&key);
        }
        expected
    }

    /// Whether `slices` (the cache's view of the service `key`) lag behind the writes.
    pub fn stale_slices(&self, key: &str, slices: &[&EndpointSlice]) -> bool {
        let services = self.lock();
        let Some(expected) = services.get(key) else {
            return false;
        };
        let mut seen = std::collections::HashSet::new();
        for slice in slices {
            let id = uid(slice);
            match expected.get(&id) {
                Some(Expected::Deletion) => return true,
                Some(Expected::Version(v)) if version(slice).is_some_and(|seen| seen < *v) => {
                    return true;
                }
                _ => {}
            }
            seen.insert(id);
        }
        expected
            .iter()
            .any(|(id, e)| *e != Expected::Deletion && !seen.contains(id))
    }

    /// Forgets a service.
    pub fn delete_service(&self, key: &str) {
        self.lock().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn slice(uid: &str, version: &str) -> EndpointSlice {
        serde_json::from_value(json!({
            "metadata": {"name": uid, "namespace": "ns", "uid": uid, "resourceVersion": version,
                "labels": {LABEL_SERVICE_NAME: "web"}},
            "addressType": "IPv4", "endpoints": []
        }))
        .expect("slice")
    }

    #[test]
    fn a_cache_behind_the_writes_is_stale() {
        let tracker = SliceTracker::default();
        tracker.update(&slice("a", "5"));
        assert!(tracker.stale_slices("ns/web", &[]));
        assert!(tracker.stale_slices("ns/web", &[&slice("a", "4")]));
        assert!(!tracker.stale_slices("ns/web", &[&slice("a", "5")]));
        assert!(!tracker.should_sync(&slice("a", "5")));
        assert!(tracker.should_sync(&slice("a", "6")));
        tracker.expect_deletion(&slice("a", "5"));
        assert!(tracker.stale_slices("ns/web", &[&slice("a", "5")]));
        assert!(!tracker.stale_slices("ns/web", &[]));
        assert!(tracker.handle_deletion(&slice("a", "5")));
        assert!(!tracker.has(&slice("a", "5")));
    }
}
