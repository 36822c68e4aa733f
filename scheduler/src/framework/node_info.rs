//! A node as the plugins see it: the Node object, the pods on it (bound or assumed) and what
//! they add up to (upstream's `framework.NodeInfo`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Node, Pod};

use super::resources::{MissingRequests, Resources, pod_requests};

/// A host port a pod uses: `(hostIP, protocol, hostPort)`; an empty IP means `0.0.0.0`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostPort {
    /// The IP the port binds to (`0.0.0.0` when the pod leaves it out).
    pub ip: String,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    /// The port.
    pub port: i32,
}

/// The wildcard address, which conflicts with every address.
pub const DEFAULT_BIND_ALL_HOST_IP: &str = "0.0.0.0";

impl HostPort {
    /// Whether two host ports cannot both be bound on one node.
    pub fn conflicts_with(&self, other: &HostPort) -> bool {
        self.port == other.port
            && self.protocol == other.protocol
            && (self.ip == other.ip
                || self.ip == DEFAULT_BIND_ALL_HOST_IP
                || other.ip == DEFAULT_BIND_ALL_HOST_IP)
    }
}

/// The host ports of a pod's containers (`hostPort` > 0), with upstream's defaults.
pub fn host_ports(pod: &Pod) -> Vec<HostPort> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    let mut ports = Vec::new();
    // Sidecars (restartable init containers) hold their ports for the pod's life.
    let sidecars = spec
        .init_containers
        .iter()
        .flatten()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"));
    for container in spec.containers.iter().chain(sidecars) {
        for port in container.ports.iter().flatten() {
            let Some(host_port) = port.host_port.filter(|p| *p > 0) else {
                continue;
            };
            ports.push(HostPort {
                ip: port
                    .host_ip
                    .clone()
                    .filter(|ip| !ip.is_empty())
                    .unwrap_or_else(|| DEFAULT_BIND_ALL_HOST_IP.to_owned()),
                protocol: port.protocol.clone().unwrap_or_else(|| "TCP".to_owned()),
                port: host_port,
            });
        }
    }
    ports
}

/// A pod with what the scheduler computes from it once.
#[derive(Debug, Clone)]
pub struct PodInfo {
    /// The pod.
    pub pod: Arc<Pod>,
    /// Its requests, missing ones as zero (fit).
    pub requests: Resources,
    /// Its requests, missing CPU/memory as the defaults (scoring).
    pub non_zero_requests: Resources,
    /// The host ports it binds.
    pub host_ports: Vec<HostPort>,
    /// Whether it has pod affinity or anti-affinity terms (upstream's `PodsWithAffinity`).
    pub has_pod_affinity: bool,
    /// The normalized image names of its init and regular containers (`None`: no image).
    pub images: Vec<Option<String>>,
}

impl PodInfo {
    /// Computes what the plugins need from `pod`.
    pub fn new(pod: Arc<Pod>) -> Self {
        Self {
            requests: pod_requests(&pod, MissingRequests::Zero),
            non_zero_requests: pod_requests(&pod, MissingRequests::Defaults),
            host_ports: host_ports(&pod),
            images: pod
                .spec
                .iter()
                .flat_map(|s| s.init_containers.iter().flatten().chain(&s.containers))
                .map(|c| c.image.as_deref().map(normalized_image_name))
                .collect(),
            has_pod_affinity: pod
                .spec
                .as_ref()
                .and_then(|s| s.affinity.as_ref())
                .is_some_and(|a| a.pod_affinity.is_some() || a.pod_anti_affinity.is_some()),
            pod,
        }
    }

    /// `namespace/name`.
    pub fn key(&self) -> String {
        pod_key(&self.pod)
    }
}

/// `namespace/name` of a pod.
pub fn pod_key(pod: &Pod) -> String {
    format!(
        "{}/{}",
        pod.metadata.namespace.as_deref().unwrap_or_default(),
        pod.metadata.name.as_deref().unwrap_or_default()
    )
}

/// A node with its pods.
#[derive(Debug, Clone)]
pub struct NodeInfo {
    /// The Node object.
    pub node: Arc<Node>,
    /// The pods on the node: bound, and assumed by this scheduler.
    pub pods: Vec<PodInfo>,
    /// What the node offers (`status.allocatable`).
    pub allocatable: Resources,
    /// The sum of the pods' requests.
    pub requested: Resources,
    /// The sum of the pods' requests with the scoring defaults.
    pub non_zero_requested: Resources,
    /// The host ports in use.
    pub used_ports: HashSet<HostPort>,
    /// The images on the node (`status.images`), by normalized name, with their sizes.
    pub images: HashMap<String, i64>,
    /// How many of its pods have pod affinity or anti-affinity terms, so that InterPodAffinity
    /// can pass over nodes without any.
    pub pods_with_affinity: usize,
    /// Changes whenever the node or its pods change, and is never reused (upstream's
    /// `Generation`): plugins may keep per-node results across cycles keyed by it.
    pub generation: u64,
}

/// The source of [`NodeInfo::generation`] values.
static NEXT_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_generation() -> u64 {
    NEXT_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The cycle-state key under which each cycle finds [`ImageSpread`].
pub const IMAGE_SPREAD_KEY: &str = "ImageSpread";

/// How many nodes have each image, and how many nodes there are (upstream's
/// `ImageStateSummary.NumNodes` and the snapshot's node count), written by the framework
/// into every cycle's state.
#[derive(Debug, Clone, Default)]
pub struct ImageSpread {
    /// Nodes per normalized image name.
    pub nodes_with: std::sync::Arc<HashMap<String, usize>>,
    /// Nodes in the cluster.
    pub total_nodes: usize,
}

/// Upstream's `normalizedImageName`: a name without a tag gets `:latest`.
pub fn normalized_image_name(name: &str) -> String {
    if name.rfind(':') <= name.rfind('/') {
        format!("{name}:latest")
    } else {
        name.to_owned()
    }
}

/// The images a node reports, by each of their normalized names.
pub fn node_images(node: &Node) -> HashMap<String, i64> {
    node.status
        .iter()
        .flat_map(|s| s.images.iter().flatten())
        .flat_map(|image| {
            let size = image.size_bytes.unwrap_or(0);
            image
                .names
                .iter()
                .flatten()
                .map(move |name| (normalized_image_name(name), size))
        })
        .collect()
}

impl NodeInfo {
    /// A node without pods.
    pub fn new(node: Arc<Node>) -> Self {
        Self {
            allocatable: Resources::allocatable(&node),
            images: node_images(&node),
            node,
            pods: Vec::new(),
            requested: Resources::default(),
            non_zero_requested: Resources::default(),
            used_ports: HashSet::new(),
            pods_with_affinity: 0,
            generation: next_generation(),
        }
    }

    /// The node's name.
    pub fn name(&self) -> &str {
        self.node.metadata.name.as_deref().unwrap_or_default()
    }

    /// Replaces the Node object (its pods stay).
    pub fn set_node(&mut self, node: Arc<Node>) {
        self.allocatable = Resources::allocatable(&node);
        self.images = node_images(&node);
        self.node = node;
        self.generation = next_generation();
    }

    /// Adds a pod to the node.
    pub fn add_pod(&mut self, pod: PodInfo) {
        self.requested.add(&pod.requests);
        self.non_zero_requested.add(&pod.non_zero_requests);
        self.used_ports.extend(pod.host_ports.iter().cloned());
        self.pods_with_affinity += usize::from(pod.has_pod_affinity);
        self.pods.push(pod);
        self.generation = next_generation();
    }

    /// Removes the pod with this key; returns whether it was there.
    pub fn remove_pod(&mut self, key: &str) -> bool {
        let Some(index) = self.pods.iter().position(|p| p.key() == key) else {
            return false;
        };
        let pod = self.pods.swap_remove(index);
        self.generation = next_generation();
        self.pods_with_affinity -= usize::from(pod.has_pod_affinity);
        self.requested.sub(&pod.requests);
        self.non_zero_requested.sub(&pod.non_zero_requests);
        self.used_ports = self
            .pods
            .iter()
            .flat_map(|p| p.host_ports.iter().cloned())
            .collect();
        true
    }

    /// Whether a port of `ports` conflicts with one in use.
    pub fn port_conflict(&self, ports: &[HostPort]) -> bool {
        ports
            .iter()
            .any(|want| self.used_ports.iter().any(|used| used.conflicts_with(want)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, ports: serde_json::Value) -> PodInfo {
        PodInfo::new(Arc::new(
            serde_json::from_value(json!({
                "metadata": {"name": name, "namespace": "ns"},
                "spec": {"containers": [{"name": "c", "image": "i", "ports": ports,
                    "resources": {"requests": {"cpu": "100m"}}}]}
            }))
            .unwrap(),
        ))
    }

    #[test]
    fn wildcard_host_ip_conflicts_with_every_address() {
        let any = HostPort {
            ip: "0.0.0.0".into(),
            protocol: "TCP".into(),
            port: 80,
        };
        let one = HostPort {
            ip: "10.0.0.1".into(),
            ..any.clone()
        };
        let other = HostPort {
            ip: "10.0.0.2".into(),
            ..any.clone()
        };
        let udp = HostPort {
            protocol: "UDP".into(),
            ..any.clone()
        };
        assert!(any.conflicts_with(&one));
        assert!(one.conflicts_with(&any));
        assert!(!one.conflicts_with(&other));
        assert!(!any.conflicts_with(&udp));
    }

    #[test]
    fn adding_and_removing_pods_keeps_the_sums() {
        let node: Node = serde_json::from_value(json!({"metadata": {"name": "n"},
            "status": {"allocatable": {"cpu": "2", "memory": "1Gi", "pods": "110"}}}))
        .unwrap();
        let mut info = NodeInfo::new(Arc::new(node));
        assert_eq!(info.allocatable.milli_cpu, 2000);
        assert_eq!(info.allocatable.allowed_pod_number, 110);
        info.add_pod(pod("a", json!([{"containerPort": 80, "hostPort": 8080}])));
        info.add_pod(pod("b", json!([])));
        assert_eq!(info.requested.milli_cpu, 200);
        assert_eq!(info.non_zero_requested.memory, 2 * 200 * 1024 * 1024);
        assert!(
            info.port_conflict(
                &pod("c", json!([{"containerPort": 1, "hostPort": 8080}])).host_ports
            )
        );
        assert!(info.remove_pod("ns/a"));
        assert!(!info.remove_pod("ns/a"));
        assert_eq!(info.requested.milli_cpu, 100);
        assert!(info.used_ports.is_empty());
    }
}
