//! The pods this kubelet runs, from every source (the API server, the manifest folder), by
//! UID and by namespace/name, and the mirror pods that stand for static pods in the API
//! (upstream's `pod.Manager`). Workers, the kubelet server and the mirror-pod logic read it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use k8s_openapi::api::core::v1::Pod;

/// Resyncs of one pod by UID: probes, config map and secret changes send on it.
pub type PodSyncTrigger = tokio::sync::mpsc::UnboundedSender<String>;

/// `kubernetes.io/config.source`: `api` or `file`.
pub const CONFIG_SOURCE: &str = "kubernetes.io/config.source";
/// `kubernetes.io/config.hash`: the static pod's UID.
pub const CONFIG_HASH: &str = "kubernetes.io/config.hash";
/// `kubernetes.io/config.mirror`: set on a mirror pod, to its static pod's hash.
pub const CONFIG_MIRROR: &str = "kubernetes.io/config.mirror";
pub const CONFIG_SEEN: &str = "kubernetes.io/config.seen";

/// True for a mirror pod (the API's stand-in for a static pod), which the kubelet never runs.
pub fn is_mirror_pod(pod: &Pod) -> bool {
    annotation(pod, CONFIG_MIRROR).is_some()
}

/// True for a pod from a file source (a static pod).
pub fn is_static_pod(pod: &Pod) -> bool {
    annotation(pod, CONFIG_SOURCE).is_some_and(|source| source != "api")
}

pub fn annotation<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata
        .annotations
        .as_ref()?
        .get(key)
        .map(String::as_str)
}

pub fn uid(pod: &Pod) -> &str {
    pod.metadata.uid.as_deref().unwrap_or_default()
}

pub fn full_name(pod: &Pod) -> String {
    format!(
        "{}_{}",
        pod.metadata.name.as_deref().unwrap_or_default(),
        pod.metadata.namespace.as_deref().unwrap_or_default()
    )
}

#[derive(Default)]
struct Pods {
    by_uid: HashMap<String, Arc<Pod>>,
    /// Mirror pods by `namespace/name`.
    mirrors: HashMap<String, Arc<Pod>>,
}

#[derive(Clone, Default)]
pub struct PodManager {
    pods: Arc<RwLock<Pods>>,
}

fn key(namespace: &str, name: &str) -> String {
    format!("{namespace}/{name}")
}

impl PodManager {
    /// Every pod currently assigned to this node (mirror pods excluded).
    pub fn pods(&self) -> Vec<Arc<Pod>> {
        self.pods
            .read()
            .map(|pods| pods.by_uid.values().cloned().collect())
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
        self.pods.read().ok()?.by_uid.get(uid).cloned()
    }

    /// Adds or replaces a pod (a mirror pod goes to the mirror table); returns the UID of the
    /// pod whose worker should sync.
    pub fn upsert(&self, pod: Pod) -> Option<String> {
        let mut pods = self.pods.write().ok()?;
        if is_mirror_pod(&pod) {
            let key = key(
                pod.metadata.namespace.as_deref()?,
                pod.metadata.name.as_deref()?,
            );
            pods.mirrors.insert(key, Arc::new(pod));
            return None;
        }
        let uid = pod.metadata.uid.clone()?;
        pods.by_uid.insert(uid.clone(), Arc::new(pod));
        Some(uid)
    }

    /// Removes a pod (or mirror pod) that left its source.
    pub fn remove(&self, pod: &Pod) -> Option<String> {
        let mut pods = self.pods.write().ok()?;
        if is_mirror_pod(pod) {
            let key = key(
                pod.metadata.namespace.as_deref()?,
                pod.metadata.name.as_deref()?,
            );
            if pods
                .mirrors
                .get(&key)
                .is_some_and(|m| m.metadata.uid == pod.metadata.uid)
            {
                pods.mirrors.remove(&key);
            }
            return None;
        }
        let uid = pod.metadata.uid.clone()?;
        pods.by_uid.remove(&uid);
        Some(uid)
    }

    /// Replaces every pod of one source (`api` or `file`) with `current`; returns the UIDs
    /// that changed or left.
    pub fn replace_source(&self, source: &str, current: Vec<Pod>) -> Vec<String> {
        let Ok(mut pods) = self.pods.write() else {
            return Vec::new();
        };
        let of_source = |pod: &Pod| annotation(pod, CONFIG_SOURCE).unwrap_or("api") == source;
        let mut touched = Vec::new();
        let current_uids: std::collections::HashSet<String> = current
            .iter()
            .filter_map(|pod| pod.metadata.uid.clone())
            .collect();
        pods.by_uid.retain(|uid, pod| {
            let keep = !of_source(pod) || current_uids.contains(uid);
            if !keep {
                touched.push(uid.clone());
            }
            keep
        });
        if source == "api" {
            pods.mirrors.clear();
        }
        for pod in current {
            if is_mirror_pod(&pod) {
                if let (Some(namespace), Some(name)) = (&pod.metadata.namespace, &pod.metadata.name)
                {
                    pods.mirrors.insert(key(namespace, name), Arc::new(pod));
                }
                continue;
            }
            let Some(uid) = pod.metadata.uid.clone() else {
                continue;
            };
            let changed = pods.by_uid.get(&uid).is_none_or(|old| **old != pod);
            if changed {
                touched.push(uid.clone());
                pods.by_uid.insert(uid, Arc::new(pod));
            }
        }
        touched
    }

    /// The mirror pod of static pod `pod` (same namespace and name), if the API has one.
    pub fn mirror_of(&self, pod: &Pod) -> Option<Arc<Pod>> {
        let pods = self.pods.read().ok()?;
        pods.mirrors
            .get(&key(
                pod.metadata.namespace.as_deref()?,
                pod.metadata.name.as_deref()?,
            ))
            .cloned()
    }

    pub fn mirrors(&self) -> Vec<Arc<Pod>> {
        self.pods
            .read()
            .map(|pods| pods.mirrors.values().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(uid: &str, name: &str, source: Option<&str>, mirror: bool) -> Pod {
        let mut annotations = std::collections::BTreeMap::new();
        if let Some(source) = source {
            annotations.insert(CONFIG_SOURCE.to_owned(), source.to_owned());
        }
        if mirror {
            annotations.insert(CONFIG_MIRROR.to_owned(), "abc".to_owned());
        }
        let mut pod = Pod::default();
        pod.metadata.uid = Some(uid.to_owned());
        pod.metadata.name = Some(name.to_owned());
        pod.metadata.namespace = Some("default".to_owned());
        pod.metadata.annotations = Some(annotations);
        pod
    }

    #[test]
    fn sources_are_replaced_independently_and_mirrors_kept_apart() {
        let manager = PodManager::default();
        let touched = manager.replace_source(
            "api",
            vec![pod("a", "a", None, false), pod("m", "s-node", None, true)],
        );
        assert_eq!(touched, vec!["a"]);
        let touched = manager.replace_source("file", vec![pod("s", "s-node", Some("file"), false)]);
        assert_eq!(touched, vec!["s"]);
        assert_eq!(manager.pods().len(), 2);
        let static_pod = manager.pod_by_uid("s").unwrap();
        assert_eq!(
            manager
                .mirror_of(&static_pod)
                .unwrap()
                .metadata
                .uid
                .as_deref(),
            Some("m")
        );
        let touched = manager.replace_source("api", vec![]);
        assert_eq!(touched, vec!["a"]);
        assert!(manager.pod_by_uid("s").is_some(), "file pods stay");
        assert!(manager.mirror_of(&static_pod).is_none());
        assert!(
            manager
                .replace_source("file", vec![pod("s", "s-node", Some("file"), false)])
                .is_empty()
        );
    }
}
