//! The scheduler's view of the nodes and the pods on them (upstream's `internal/cache`): nodes
//! from the node watch, bound pods from the pod watch, and pods this scheduler has assumed onto
//! a node while their binding is in flight, so the next cycle does not wait for the bind
//! round-trip. An assumed pod is confirmed when the watch shows it bound, forgotten when its
//! binding fails, and expires if the watch has not confirmed it a while after the binding
//! finished.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Node, Pod};

use crate::framework::{NodeInfo, PodInfo};

pub mod volumes;

/// How long after its binding finished an assumed pod waits for the watch to confirm it.
pub const ASSUMED_POD_TTL: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
struct PodState {
    node: String,
    /// The pod's uid: a pod recreated under the same name is another pod.
    uid: Option<String>,
    assumed: bool,
    /// For assumed pods: when the binding finished (then the expiry clock runs).
    binding_finished: Option<Instant>,
}

/// Nodes and the pods on them.
#[derive(Default)]
pub struct Cache {
    /// The nodes, in the order they came (the scheduler walks them round-robin); a list, so
    /// that a cycle's walk over thousands of nodes reads memory in order.
    nodes: Vec<NodeInfo>,
    /// Position of each node in `nodes`, by name.
    index: HashMap<String, usize>,
    /// Pods the cache holds, by `namespace/name`.
    pods: HashMap<String, PodState>,
    /// Pods bound to nodes the cache does not know yet, by node.
    orphans: HashMap<String, Vec<PodInfo>>,
    /// How many nodes have each image (normalized name), for ImageLocality; shared with
    /// scheduling cycles, copied only when a node's image list changes.
    image_nodes: Arc<HashMap<String, usize>>,
}

impl Cache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a node or replaces its object.
    pub fn upsert_node(&mut self, node: Arc<Node>) {
        let name = node.metadata.name.clone().unwrap_or_default();
        match self.index.get(&name) {
            Some(&i) => {
                let old = std::mem::take(&mut self.nodes[i].images);
                self.nodes[i].set_node(node);
                if old.len() != self.nodes[i].images.len()
                    || old.keys().any(|k| !self.nodes[i].images.contains_key(k))
                {
                    let new: Vec<String> = self.nodes[i].images.keys().cloned().collect();
                    let counts = Arc::make_mut(&mut self.image_nodes);
                    count_images(counts, old.keys(), -1);
                    count_images(counts, new.iter(), 1);
                }
            }
            None => {
                let mut info = NodeInfo::new(node);
                if !info.images.is_empty() {
                    count_images(Arc::make_mut(&mut self.image_nodes), info.images.keys(), 1);
                }
                for pod in self.orphans.remove(&name).into_iter().flatten() {
                    info.add_pod(pod);
                }
                self.index.insert(name, self.nodes.len());
                self.nodes.push(info);
            }
        }
    }

    /// Removes a node; its pods wait for it to come back (or to be deleted themselves).
    pub fn remove_node(&mut self, name: &str) {
        if let Some(i) = self.index.remove(name) {
            let info = self.nodes.swap_remove(i);
            if !info.images.is_empty() {
                count_images(Arc::make_mut(&mut self.image_nodes), info.images.keys(), -1);
            }
            if let Some(moved) = self.nodes.get(i) {
                self.index.insert(moved.name().to_owned(), i);
            }
            self.orphans.insert(name.to_owned(), info.pods);
        }
    }

    /// The nodes.
    pub fn nodes(&self) -> Vec<&NodeInfo> {
        self.nodes.iter().collect()
    }

    /// How many nodes have each image.
    pub fn image_nodes(&self) -> Arc<HashMap<String, usize>> {
        self.image_nodes.clone()
    }

    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// One node.
    pub fn node(&self, name: &str) -> Option<&NodeInfo> {
        self.index.get(name).map(|&i| &self.nodes[i])
    }

    fn node_mut(&mut self, name: &str) -> Option<&mut NodeInfo> {
        self.index.get(name).map(|&i| &mut self.nodes[i])
    }

    fn place(&mut self, node: &str, pod: PodInfo) {
        match self.node_mut(node) {
            Some(info) => info.add_pod(pod),
            None => self.orphans.entry(node.to_owned()).or_default().push(pod),
        }
    }

    fn unplace(&mut self, node: &str, key: &str) {
        if let Some(info) = self.node_mut(node) {
            info.remove_pod(key);
        } else if let Some(pods) = self.orphans.get_mut(node) {
            pods.retain(|p| p.key() != key);
            if pods.is_empty() {
                self.orphans.remove(node);
            }
        }
    }

    /// A pod the watch shows bound to `spec.nodeName`: added, updated, or an assumed pod
    /// confirmed (moved if it landed elsewhere).
    pub fn upsert_bound_pod(&mut self, pod: Arc<Pod>) {
        let uid = pod.metadata.uid.clone();
        let info = PodInfo::new(pod);
        let key = info.key();
        let node = info
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default();
        if let Some(old) = self.pods.remove(&key) {
            self.unplace(&old.node, &key);
        }
        self.place(&node, info);
        self.pods.insert(
            key,
            PodState {
                node,
                uid,
                assumed: false,
                binding_finished: None,
            },
        );
    }

    /// Removes a pod (deleted, or finished).
    pub fn remove_pod(&mut self, key: &str) {
        if let Some(old) = self.pods.remove(key) {
            self.unplace(&old.node, key);
        }
    }

    /// Whether the cache holds the pod (bound or assumed).
    pub fn contains_pod(&self, key: &str) -> bool {
        self.pods.contains_key(key)
    }

    /// Puts `pod` on `node` before its binding is confirmed.
    pub fn assume(&mut self, pod: PodInfo, node: &str) {
        let key = pod.key();
        let uid = pod.pod.metadata.uid.clone();
        if let Some(old) = self.pods.remove(&key) {
            self.unplace(&old.node, &key);
        }
        self.place(node, pod);
        self.pods.insert(
            key,
            PodState {
                node: node.to_owned(),
                uid,
                assumed: true,
                binding_finished: None,
            },
        );
    }

    /// The binding of an assumed pod succeeded: start its expiry clock.
    pub fn finish_binding(&mut self, key: &str, now: Instant) {
        if let Some(state) = self.pods.get_mut(key).filter(|s| s.assumed) {
            state.binding_finished = Some(now);
        }
    }

    /// The binding of assumed pod `key` (with this uid) failed: take it off its node. A pod
    /// recreated under the same name meanwhile is left alone.
    pub fn forget(&mut self, key: &str, uid: Option<&str>) {
        if self
            .pods
            .get(key)
            .is_some_and(|s| s.assumed && s.uid.as_deref() == uid)
        {
            self.remove_pod(key);
        }
    }

    /// Drops assumed pods the watch has not confirmed within [`ASSUMED_POD_TTL`] of their
    /// binding; returns their keys.
    pub fn expire_assumed(&mut self, now: Instant) -> Vec<String> {
        let expired: Vec<String> = self
            .pods
            .iter()
            .filter(|(_, s)| {
                s.assumed
                    && s.binding_finished
                        .is_some_and(|t| now.duration_since(t) >= ASSUMED_POD_TTL)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for key in &expired {
            self.remove_pod(key);
        }
        expired
    }
}

fn count_images<'a>(
    counts: &mut HashMap<String, usize>,
    images: impl Iterator<Item = &'a String>,
    delta: isize,
) {
    for image in images {
        let entry = counts.entry(image.clone()).or_default();
        *entry = entry.saturating_add_signed(delta);
        if *entry == 0 {
            counts.remove(image);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(name: &str) -> Arc<Node> {
        Arc::new(
            serde_json::from_value(json!({"metadata": {"name": name},
                "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}))
            .unwrap(),
        )
    }

    fn pod(name: &str, node: Option<&str>) -> Arc<Pod> {
        Arc::new(
            serde_json::from_value(json!({"metadata": {"name": name, "namespace": "ns",
                "uid": format!("uid-{name}")},
                "spec": {"nodeName": node, "containers": [{"name": "c", "image": "i",
                    "resources": {"requests": {"cpu": "1"}}}]}}))
            .unwrap(),
        )
    }

    fn cpu(cache: &Cache, node: &str) -> i64 {
        cache.node(node).map_or(-1, |n| n.requested.milli_cpu)
    }

    #[test]
    fn assumed_pods_count_until_confirmed_or_forgotten() {
        let mut cache = Cache::new();
        cache.upsert_node(node("a"));
        cache.upsert_node(node("b"));
        cache.assume(PodInfo::new(pod("p", None)), "a");
        assert_eq!(cpu(&cache, "a"), 1000);
        // The watch shows it bound elsewhere: it moves.
        cache.upsert_bound_pod(pod("p", Some("b")));
        assert_eq!((cpu(&cache, "a"), cpu(&cache, "b")), (0, 1000));
        // A confirmed pod is not forgotten.
        cache.forget("ns/p", Some("uid-p"));
        assert_eq!(cpu(&cache, "b"), 1000);
        cache.assume(PodInfo::new(pod("q", None)), "a");
        // A failed binding of an older pod of the same name leaves this one assumed.
        cache.forget("ns/q", Some("uid-older-q"));
        assert_eq!(cpu(&cache, "a"), 1000);
        cache.forget("ns/q", Some("uid-q"));
        assert_eq!(cpu(&cache, "a"), 0);
        assert!(!cache.contains_pod("ns/q"));
    }

    #[test]
    fn unconfirmed_assumed_pods_expire_after_their_binding() {
        let mut cache = Cache::new();
        cache.upsert_node(node("a"));
        let t0 = Instant::now();
        cache.assume(PodInfo::new(pod("p", None)), "a");
        // Not expired while the binding is in flight.
        assert!(cache.expire_assumed(t0 + ASSUMED_POD_TTL * 2).is_empty());
        cache.finish_binding("ns/p", t0);
        assert!(cache.expire_assumed(t0 + ASSUMED_POD_TTL / 2).is_empty());
        assert_eq!(cache.expire_assumed(t0 + ASSUMED_POD_TTL), ["ns/p"]);
        assert_eq!(cpu(&cache, "a"), 0);
    }

    #[test]
    fn removing_a_node_keeps_the_others_addressable() {
        let mut cache = Cache::new();
        for name in ["a", "b", "c"] {
            cache.upsert_node(node(name));
        }
        cache.upsert_bound_pod(pod("p", Some("c")));
        cache.remove_node("a");
        assert_eq!(cache.node_count(), 2);
        assert_eq!(cpu(&cache, "c"), 1000);
        assert_eq!(cpu(&cache, "b"), 0);
        assert!(cache.node("a").is_none());
    }

    #[test]
    fn image_counts_follow_the_nodes() {
        let with_images = |name: &str, images: serde_json::Value| {
            Arc::new(
                serde_json::from_value::<Node>(json!({"metadata": {"name": name},
                    "status": {"images": images}}))
                .unwrap(),
            )
        };
        let mut cache = Cache::new();
        cache.upsert_node(with_images(
            "a",
            json!([{"names": ["nginx", "nginx:1.27"], "sizeBytes": 5}]),
        ));
        cache.upsert_node(with_images(
            "b",
            json!([{"names": ["nginx:latest"], "sizeBytes": 5}]),
        ));
        assert_eq!(cache.image_nodes().get("nginx:latest"), Some(&2));
        assert_eq!(cache.image_nodes().get("nginx:1.27"), Some(&1));
        cache.upsert_node(with_images("b", json!([])));
        assert_eq!(cache.image_nodes().get("nginx:latest"), Some(&1));
        cache.remove_node("a");
        assert!(cache.image_nodes().is_empty());
    }

    #[test]
    fn pods_on_unknown_nodes_wait_for_the_node() {
        let mut cache = Cache::new();
        cache.upsert_bound_pod(pod("p", Some("late")));
        assert_eq!(cache.node_count(), 0);
        cache.upsert_node(node("late"));
        assert_eq!(cpu(&cache, "late"), 1000);
        cache.remove_node("late");
        cache.remove_pod("ns/p");
        cache.upsert_node(node("late"));
        assert_eq!(cpu(&cache, "late"), 0);
    }
}
