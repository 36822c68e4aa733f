//! What a pod asks of a node and what a node offers, in upstream's units (millicores, bytes,
//! counts), computed as `component-helpers/resource.PodRequests` does.

use std::collections::BTreeMap;

use common::quantity::Quantity;
use k8s_openapi::api::core::v1::{Container, Node, Pod};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as QuantityString;

/// CPU a container without a CPU request counts as when scoring (`DefaultMilliCPURequest`).
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// Memory a container without a memory request counts as when scoring (200 MiB).
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;

/// A set of resource amounts (upstream's `framework.Resource`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    /// CPU in millicores.
    pub milli_cpu: i64,
    /// Memory in bytes.
    pub memory: i64,
    /// Ephemeral storage in bytes.
    pub ephemeral_storage: i64,
    /// Pods (only meaningful for a node's allocatable).
    pub allowed_pod_number: i64,
    /// Extended resources and hugepages (`example.com/gpu`, `hugepages-2Mi`), by name.
    pub scalar: BTreeMap<String, i64>,
}

fn amount(name: &str, quantity: &QuantityString) -> i64 {
    let Some(q) = Quantity::parse(&quantity.0) else {
        return 0;
    };
    let value = if name == "cpu" {
        q.milli_value()
    } else {
        q.value()
    };
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Whether upstream counts `name` as a scalar resource (`IsScalarResourceName`): hugepages,
/// attachable volumes, prefixed native resources (`*kubernetes.io/*`) and extended resources
/// (other names with a domain, except the `requests.` quota prefix).
pub fn is_scalar_resource(name: &str) -> bool {
    name.starts_with("hugepages-")
        || name.starts_with("attachable-volumes-")
        || name.contains("kubernetes.io/")
        || (name.contains('/') && !name.starts_with("requests."))
}

impl Resources {
    /// The amounts of a `ResourceList` (requests, allocatable, overhead).
    pub fn from_list(list: Option<&BTreeMap<String, QuantityString>>) -> Self {
        let mut r = Self::default();
        for (name, quantity) in list.into_iter().flatten() {
            r.set(name, amount(name, quantity));
        }
        r
    }

    /// The amount of `name`.
    pub fn get(&self, name: &str) -> i64 {
        match name {
            "cpu" => self.milli_cpu,
            "memory" => self.memory,
            "ephemeral-storage" => self.ephemeral_storage,
            "pods" => self.allowed_pod_number,
            other => self.scalar.get(other).copied().unwrap_or(0),
        }
    }

    /// Sets the amount of `name` (unknown native names are ignored, as upstream does).
    pub fn set(&mut self, name: &str, value: i64) {
        match name {
            "cpu" => self.milli_cpu = value,
            "memory" => self.memory = value,
            "ephemeral-storage" => self.ephemeral_storage = value,
            "pods" => self.allowed_pod_number = value,
            other if is_scalar_resource(other) => {
                self.scalar.insert(other.to_owned(), value);
            }
            _ => {}
        }
    }

    /// Adds `other` to these amounts.
    pub fn add(&mut self, other: &Resources) {
        self.milli_cpu = self.milli_cpu.saturating_add(other.milli_cpu);
        self.memory = self.memory.saturating_add(other.memory);
        self.ephemeral_storage = self
            .ephemeral_storage
            .saturating_add(other.ephemeral_storage);
        self.allowed_pod_number = self
            .allowed_pod_number
            .saturating_add(other.allowed_pod_number);
        for (name, value) in &other.scalar {
            let entry = self.scalar.entry(name.clone()).or_default();
            *entry = entry.saturating_add(*value);
        }
    }

    /// Subtracts `other` from these amounts.
    pub fn sub(&mut self, other: &Resources) {
        self.milli_cpu = self.milli_cpu.saturating_sub(other.milli_cpu);
        self.memory = self.memory.saturating_sub(other.memory);
        self.ephemeral_storage = self
            .ephemeral_storage
            .saturating_sub(other.ephemeral_storage);
        self.allowed_pod_number = self
            .allowed_pod_number
            .saturating_sub(other.allowed_pod_number);
        for (name, value) in &other.scalar {
            let entry = self.scalar.entry(name.clone()).or_default();
            *entry = entry.saturating_sub(*value);
        }
    }

    /// Raises each amount to at least `other`'s.
    pub fn max_with(&mut self, other: &Resources) {
        self.milli_cpu = self.milli_cpu.max(other.milli_cpu);
        self.memory = self.memory.max(other.memory);
        self.ephemeral_storage = self.ephemeral_storage.max(other.ephemeral_storage);
        self.allowed_pod_number = self.allowed_pod_number.max(other.allowed_pod_number);
        for (name, value) in &other.scalar {
            let entry = self.scalar.entry(name.clone()).or_default();
            *entry = (*entry).max(*value);
        }
    }

    /// What a node offers to pods: its `status.allocatable`.
    pub fn allocatable(node: &Node) -> Self {
        Self::from_list(node.status.as_ref().and_then(|s| s.allocatable.as_ref()))
    }
}

/// How to count a container that leaves a request out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingRequests {
    /// As zero (fit).
    Zero,
    /// As 100m CPU and 200 MiB memory (scoring; upstream's `NonMissingContainerRequests`).
    Defaults,
}

fn container_requests(container: &Container, missing: MissingRequests) -> Resources {
    let requests = container
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref());
    let mut r = Resources::from_list(requests);
    if missing == MissingRequests::Defaults {
        let has = |name: &str| requests.is_some_and(|l| l.contains_key(name));
        if !has("cpu") {
            r.milli_cpu = DEFAULT_MILLI_CPU_REQUEST;
        }
        if !has("memory") {
            r.memory = DEFAULT_MEMORY_REQUEST;
        }
    }
    r
}

/// The resources a pod requests (`resource.PodRequests`): its containers, the largest init
/// step (a regular init container plus the sidecars started before it), sidecars for the whole
/// life of the pod, pod-level requests where set, and the pod overhead.
pub fn pod_requests(pod: &Pod, missing: MissingRequests) -> Resources {
    let Some(spec) = pod.spec.as_ref() else {
        return Resources::default();
    };
    let mut total = Resources::default();
    for container in &spec.containers {
        total.add(&container_requests(container, missing));
    }
    let mut sidecars = Resources::default();
    let mut init_peak = Resources::default();
    for container in spec.init_containers.iter().flatten() {
        let requests = container_requests(container, missing);
        let step = if container.restart_policy.as_deref() == Some("Always") {
            total.add(&requests);
            sidecars.add(&requests);
            sidecars.clone()
        } else {
            let mut step = requests;
            step.add(&sidecars);
            step
        };
        init_peak.max_with(&step);
    }
    total.max_with(&init_peak);
    // Pod-level resources (beta in 1.34, on by default) replace the container sum for CPU and
    // memory where they are set.
    if let Some(pod_level) = spec.resources.as_ref().and_then(|r| r.requests.as_ref()) {
        for name in ["cpu", "memory"] {
            if let Some(q) = pod_level.get(name) {
                total.set(name, amount(name, q));
            }
        }
    }
    total.add(&Resources::from_list(spec.overhead.as_ref()));
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(spec: serde_json::Value) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": "p"}, "spec": spec})).unwrap()
    }

    fn c(name: &str, cpu: Option<&str>, memory: Option<&str>) -> serde_json::Value {
        let mut requests = serde_json::Map::new();
        if let Some(cpu) = cpu {
            requests.insert("cpu".into(), json!(cpu));
        }
        if let Some(memory) = memory {
            requests.insert("memory".into(), json!(memory));
        }
        json!({"name": name, "image": "i", "resources": {"requests": requests}})
    }

    #[test]
    fn containers_add_up_and_init_containers_take_the_max() {
        let p = pod(json!({
            "containers": [c("a", Some("100m"), Some("1Gi")), c("b", Some("200m"), None)],
            "initContainers": [c("i", Some("1"), Some("10Mi"))],
        }));
        let r = pod_requests(&p, MissingRequests::Zero);
        assert_eq!(r.milli_cpu, 1000);
        assert_eq!(r.memory, 1 << 30);
    }

    #[test]
    fn sidecars_run_alongside_later_init_containers_and_the_app() {
        let mut sidecar = c("s", Some("200m"), None);
        sidecar["restartPolicy"] = json!("Always");
        let p = pod(json!({
            "containers": [c("a", Some("100m"), None)],
            "initContainers": [sidecar, c("i", Some("500m"), None)],
            "overhead": {"cpu": "10m"},
        }));
        // Init step: 500m + 200m sidecar = 700m; running: 100m + 200m = 300m; plus overhead.
        assert_eq!(pod_requests(&p, MissingRequests::Zero).milli_cpu, 710);
    }

    #[test]
    fn missing_requests_count_as_defaults_when_scoring() {
        let p = pod(json!({"containers": [c("a", None, None), c("b", Some("1"), None)]}));
        let r = pod_requests(&p, MissingRequests::Defaults);
        assert_eq!(r.milli_cpu, 1100);
        assert_eq!(r.memory, 2 * DEFAULT_MEMORY_REQUEST);
        assert_eq!(pod_requests(&p, MissingRequests::Zero).memory, 0);
    }

    #[test]
    fn pod_level_requests_replace_the_container_sum() {
        let p: Pod = serde_json::from_value(json!({
            "metadata": {"name": "p"},
            "spec": {"containers": [c("a", Some("100m"), None)],
                     "resources": {"requests": {"cpu": "2"}}}
        }))
        .unwrap();
        assert_eq!(pod_requests(&p, MissingRequests::Zero).milli_cpu, 2000);
    }

    #[test]
    fn scalar_resources_are_kept_by_name() {
        let p = pod(json!({"containers": [{"name": "a", "image": "i",
            "resources": {"requests": {"example.com/gpu": "2", "hugepages-2Mi": "4Mi"}}}]}));
        let r = pod_requests(&p, MissingRequests::Zero);
        assert_eq!(r.get("example.com/gpu"), 2);
        assert_eq!(r.get("hugepages-2Mi"), 4 << 20);
    }
}
