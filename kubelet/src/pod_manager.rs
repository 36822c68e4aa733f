//! The pods this kubelet runs, from every source (the API server, the manifest folder), by
//! UID and by namespace/name: what the workers, the kubelet server and the mirror-pod logic
//! read. (Skeleton: filled in by the pod-lifecycle work.)

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use k8s_openapi::api::core::v1::Pod;

/// Resyncs of one pod by UID: probes, config map and secret changes send on it.
pub type PodSyncTrigger = tokio::sync::mpsc::UnboundedSender<String>;

#[derive(Clone, Default)]
pub struct PodManager {
    pods: Arc<RwLock<HashMap<String, Arc<Pod>>>>,
}

impl PodManager {
    /// Every pod currently assigned to this node.
    pub fn pods(&self) -> Vec<Arc<Pod>> {
        self.pods
            .read()
            .map(|pods| pods.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The pod called `namespace/name`, if this node runs it.
    pub fn pod_by_name(&self, namespace: &str, name: &str) -> Option<Arc<Pod>> {
        self.pods().into_iter().find(|pod| {
            pod.metadata.namespace.as_deref() == Some(namespace)
                && pod.metadata.name.as_deref() == Some(name)
        })
    }

    pub fn pod_by_uid(&self, uid: &str) -> Option<Arc<Pod>> {
        self.pods.read().ok()?.get(uid).cloned()
    }

    /// Adds or replaces a pod (keyed by UID).
    pub fn upsert(&self, pod: Pod) {
        let Some(uid) = pod.metadata.uid.clone() else {
            return;
        };
        if let Ok(mut pods) = self.pods.write() {
            pods.insert(uid, Arc::new(pod));
        }
    }

    /// Forgets the pod with this UID.
    pub fn remove(&self, uid: &str) -> Option<Arc<Pod>> {
        self.pods.write().ok()?.remove(uid)
    }
}
