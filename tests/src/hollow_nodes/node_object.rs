//! The objects a hollow node registers and keeps fresh, as a kubelet would write them: the
//! Node (capacity, conditions with the kubelet's reasons, addresses, nodeInfo, the kubelet's
//! labels), its Lease in `kube-node-lease`, and the fake addresses (the node's InternalIP and
//! its pod range when `spec.podCIDR` is not set).

use std::collections::{BTreeMap, HashSet};
use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::Node;
use serde_json::{Value, json};

/// Namespace of the node Leases.
pub const LEASE_NAMESPACE: &str = "kube-node-lease";
/// The kubelet's `nodeLeaseDurationSeconds`.
pub const LEASE_DURATION_SECONDS: i32 = 40;
/// The kubelet version the hollow nodes report.
pub const KUBELET_VERSION: &str = "v1.34.0";

/// The size of a node, as kwok's default node: 32 CPUs, 256 GiB, 110 pods.
#[derive(Clone, Debug)]
pub struct Capacity {
    pub cpu: String,
    pub memory: String,
    pub pods: u32,
}

/// The node's InternalIP: `100.64.0.0/10` plus its index (unique for 4 million nodes).
pub fn internal_ip(index: u32) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(Ipv4Addr::new(100, 64, 0, 1)).wrapping_add(index))
}

/// The node object a kubelet registers.
pub fn node(
    name: &str,
    index: u32,
    capacity: &Capacity,
    labels: &BTreeMap<String, String>,
) -> Node {
    let mut all_labels = json!({
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    });
    for (k, v) in labels {
        all_labels[k] = json!(v);
    }
    let resources = json!({
        "cpu": capacity.cpu,
        "memory": capacity.memory,
        "pods": capacity.pods.to_string(),
    });
    let now = super::pod_status::now();
    let id = |salt: u32| {
        format!(
            "{:08x}{:08x}{:08x}{:08x}",
            index,
            salt,
            index ^ 0x5eed,
            salt
        )
    };
    let uuid = |salt: u32| {
        let h = id(salt);
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    };
    let node = json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": all_labels,
            "annotations": {"volumes.kubernetes.io/controller-managed-attach-detach": "true"},
        },
        "spec": {},
        "status": {
            "capacity": resources,
            "allocatable": resources,
            "conditions": conditions(None, &now),
            "addresses": [
                {"type": "InternalIP", "address": internal_ip(index).to_string()},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": id(1),
                "systemUUID": uuid(2),
                "bootID": uuid(3),
                "kernelVersion": "6.8.0-hollow",
                "osImage": "Hollow Node (Debian GNU/Linux 12)",
                "containerRuntimeVersion": "containerd://2.1.4",
                "kubeletVersion": KUBELET_VERSION,
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    });
    serde_json::from_value(node).unwrap_or_default()
}

/// The kubelet's four conditions, healthy, with `lastHeartbeatTime` now; a condition's
/// transition time is kept from `current` (the node as stored) when its status is unchanged.
pub fn conditions(current: Option<&Node>, now: &str) -> Value {
    let existing = current
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.conditions.as_ref());
    let rows = [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ];
    rows.iter()
        .map(|(kind, status, reason, message)| {
            let transition = existing
                .and_then(|list| list.iter().find(|c| c.type_ == *kind))
                .filter(|c| c.status == *status)
                .and_then(|c| c.last_transition_time.as_ref())
                .map_or_else(
                    || now.to_owned(),
                    |t| t.0.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                );
            json!({"type": kind, "status": status, "reason": reason, "message": message,
                "lastHeartbeatTime": now, "lastTransitionTime": transition})
        })
        .collect::<Vec<_>>()
        .into()
}

/// The node's Lease, owned by the Node as the kubelet sets it.
pub fn lease(name: &str, node_uid: Option<&str>, renew_time: &str) -> Value {
    let mut lease = json!({
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": name, "namespace": LEASE_NAMESPACE},
        "spec": {
            "holderIdentity": name,
            "leaseDurationSeconds": LEASE_DURATION_SECONDS,
            "renewTime": renew_time,
        },
    });
    if let Some(uid) = node_uid {
        lease["metadata"]["ownerReferences"] =
            json!([{"apiVersion": "v1", "kind": "Node", "name": name, "uid": uid}]);
    }
    lease
}

/// The addresses a node gives its pods: `spec.podCIDR` (IPv4) when set, else a fake /24 of
/// `10.0.0.0/8` by node index; addresses in use are skipped.
#[derive(Debug)]
pub struct PodAddresses {
    base: u32,
    size: u32,
    next: u32,
    used: HashSet<Ipv4Addr>,
}

impl PodAddresses {
    /// The fake range of node `index`.
    pub fn fake(index: u32) -> Self {
        Self::range(
            u32::from(Ipv4Addr::new(10, 0, 0, 0)) | ((index & 0xffff) << 8),
            24,
        )
    }

    fn range(base: u32, prefix: u32) -> Self {
        let size = 1u32.checked_shl(32 - prefix.min(32)).unwrap_or(0);
        Self {
            base: base & !(size.wrapping_sub(1)),
            size,
            next: 1,
            used: HashSet::new(),
        }
    }

    /// Switches to `cidr` (`10.244.3.0/24`) for the next pods; false if it is not IPv4 or too
    /// small. Addresses in use stay reserved.
    pub fn set_cidr(&mut self, cidr: &str) -> bool {
        let Some((ip, prefix)) = cidr.split_once('/') else {
            return false;
        };
        let (Ok(ip), Ok(prefix)) = (ip.parse::<Ipv4Addr>(), prefix.parse::<u32>()) else {
            return false;
        };
        if prefix > 30 {
            return false;
        }
        let next = Self::range(u32::from(ip), prefix);
        if (next.base, next.size) != (self.base, self.size) {
            self.base = next.base;
            self.size = next.size;
            self.next = 1;
        }
        true
    }

    /// A free address (not the network or broadcast address), or None when all are used.
    pub fn allocate(&mut self) -> Option<Ipv4Addr> {
        let usable = self.size.saturating_sub(2);
        for _ in 0..usable {
            let offset = self.next;
            self.next = if self.next >= usable {
                1
            } else {
                self.next + 1
            };
            let ip = Ipv4Addr::from(self.base.wrapping_add(offset));
            if self.used.insert(ip) {
                return Some(ip);
            }
        }
        None
    }

    /// Marks an address (of a pod found running) as used.
    pub fn reserve(&mut self, ip: Ipv4Addr) {
        self.used.insert(ip);
    }

    pub fn release(&mut self, ip: Ipv4Addr) {
        self.used.remove(&ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_register_ready_with_kwok_sized_capacity() {
        let capacity = Capacity {
            cpu: "32".into(),
            memory: "256Gi".into(),
            pods: 110,
        };
        let labels = BTreeMap::from([("pool".to_owned(), "a".to_owned())]);
        let n = serde_json::to_value(node("hollow-node-3", 3, &capacity, &labels)).unwrap();
        assert_eq!(n["status"]["capacity"]["pods"], "110");
        assert_eq!(n["status"]["allocatable"]["memory"], "256Gi");
        assert_eq!(
            n["metadata"]["labels"]["kubernetes.io/hostname"],
            "hollow-node-3"
        );
        assert_eq!(n["metadata"]["labels"]["pool"], "a");
        assert_eq!(n["status"]["addresses"][0]["address"], "100.64.0.4");
        assert_eq!(n["status"]["nodeInfo"]["kubeletVersion"], "v1.34.0");
        assert_eq!(
            n["status"]["nodeInfo"]["systemUUID"]
                .as_str()
                .unwrap()
                .len(),
            36
        );
        let ready = &n["status"]["conditions"][3];
        assert_eq!(
            (ready["type"].as_str(), ready["status"].as_str()),
            (Some("Ready"), Some("True"))
        );
        assert_eq!(ready["reason"], "KubeletReady");
        assert_eq!(n["status"]["conditions"][0]["status"], "False");
    }

    #[test]
    fn heartbeats_keep_the_transition_time_of_unchanged_conditions() {
        let stored: Node = serde_json::from_value(json!({"status": {"conditions": [
            {"type": "Ready", "status": "True", "lastTransitionTime": "2025-01-01T00:00:00Z"},
            {"type": "MemoryPressure", "status": "True", "lastTransitionTime": "2025-01-01T00:00:00Z"}]}}))
        .unwrap();
        let c = conditions(Some(&stored), "2025-02-02T00:00:00Z");
        assert_eq!(c[3]["lastTransitionTime"], "2025-01-01T00:00:00Z");
        assert_eq!(c[3]["lastHeartbeatTime"], "2025-02-02T00:00:00Z");
        assert_eq!(c[0]["lastTransitionTime"], "2025-02-02T00:00:00Z");
    }

    #[test]
    fn leases_are_held_by_the_node_and_owned_by_it() {
        let l = lease("n1", Some("uid-1"), "2025-01-01T00:00:00.000000Z");
        assert_eq!(l["spec"]["holderIdentity"], "n1");
        assert_eq!(l["spec"]["leaseDurationSeconds"], 40);
        assert_eq!(l["metadata"]["ownerReferences"][0]["kind"], "Node");
        assert_eq!(l["metadata"]["ownerReferences"][0]["uid"], "uid-1");
    }

    #[test]
    fn pod_addresses_are_unique_and_reused_after_release() {
        let mut a = PodAddresses::fake(258);
        let first = a.allocate().unwrap();
        assert_eq!(first, Ipv4Addr::new(10, 1, 2, 1));
        let second = a.allocate().unwrap();
        assert_ne!(first, second);
        a.release(first);
        let all: HashSet<Ipv4Addr> = (0..253).filter_map(|_| a.allocate()).collect();
        assert_eq!(all.len(), 253);
        assert!(all.contains(&first));
        assert_eq!(a.allocate(), None);
        assert!(a.set_cidr("10.244.7.0/24"));
        assert_eq!(a.allocate(), Some(Ipv4Addr::new(10, 244, 7, 1)));
        assert!(!a.set_cidr("fd00::/64"));
    }
}
