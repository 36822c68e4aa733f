//! What the service-lb-controller decides, as pure functions of a Service and the Nodes: which
//! Services it serves (upstream's `wantsLoadBalancer`), which nodes carry their traffic
//! (upstream's node predicate of the cloud service controller, plus the scheduling taints a
//! node without a cloud shows when it cannot take traffic), and the ingress list that results.
//!
//! Without a cloud there is no load balancer to provision: the nodes themselves are the
//! "load balancer", reached on the Service's port through kube-proxy (what k3s's ServiceLB
//! and MetalLB's L2 mode give users). The ingress is the InternalIP of every Ready,
//! schedulable node, sorted, each with `ipMode: VIP` so kube-proxy treats it as a VIP.

use std::collections::BTreeSet;
use std::net::IpAddr;

use k8s_openapi::api::core::v1::{LoadBalancerIngress, Node, Service};

/// Upstream's `v1.LabelNodeExcludeBalancers`: a node with this label never carries
/// load-balancer traffic.
pub const LABEL_EXCLUDE_BALANCERS: &str = "node.kubernetes.io/exclude-from-external-load-balancers";
/// The cluster autoscaler's taint on a node it is about to delete (upstream's
/// `ToBeDeletedTaint`).
pub const TAINT_TO_BE_DELETED: &str = "ToBeDeletedByClusterAutoscaler";
/// Taints (with effect NoSchedule or NoExecute) that keep a node out of the ingress list.
pub const UNAVAILABLE_TAINTS: &[&str] = &[
    "node.kubernetes.io/unschedulable",
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
];
/// The ingress `ipMode` this controller writes: traffic to the address is delivered to the
/// Service by kube-proxy on the node.
pub const IP_MODE_VIP: &str = "VIP";

/// Whether the Service asks for a load balancer this controller provides: type LoadBalancer
/// and no `spec.loadBalancerClass` (a class names another implementation).
pub fn wants_load_balancer(service: &Service) -> bool {
    service.spec.as_ref().is_some_and(|spec| {
        spec.type_.as_deref() == Some("LoadBalancer") && spec.load_balancer_class.is_none()
    })
}

/// Whether the Service is of type LoadBalancer at all (with or without a class).
pub fn is_load_balancer(service: &Service) -> bool {
    service
        .spec
        .as_ref()
        .is_some_and(|spec| spec.type_.as_deref() == Some("LoadBalancer"))
}

/// Whether the node is labelled out of load balancing.
pub fn is_excluded(node: &Node) -> bool {
    node.metadata
        .labels
        .as_ref()
        .is_some_and(|labels| labels.contains_key(LABEL_EXCLUDE_BALANCERS))
}

/// Whether the node's Ready condition is True (a node with no conditions is not).
pub fn is_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// Whether the node can carry load-balancer traffic: not excluded, Ready, schedulable, and
/// without a NoSchedule/NoExecute taint saying it is cordoned, not ready, unreachable or
/// being deleted by the autoscaler.
pub fn is_available(node: &Node) -> bool {
    if is_excluded(node) || !is_ready(node) {
        return false;
    }
    let spec = node.spec.as_ref();
    if spec.and_then(|s| s.unschedulable).unwrap_or(false) {
        return false;
    }
    let mut taints = spec.and_then(|s| s.taints.as_ref()).into_iter().flatten();
    !taints.any(|taint| {
        taint.key == TAINT_TO_BE_DELETED
            || ((taint.effect == "NoSchedule" || taint.effect == "NoExecute")
                && UNAVAILABLE_TAINTS.contains(&taint.key.as_str()))
    })
}

/// The node's InternalIP addresses, in the order it reports them (unparsable ones skipped).
pub fn internal_ips(node: &Node) -> Vec<IpAddr> {
    node.status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .into_iter()
        .flatten()
        .filter(|a| a.type_ == "InternalIP")
        .filter_map(|a| a.address.parse().ok())
        .collect()
}

/// The IP families the Service's ingress has: those of `spec.ipFamilies`, IPv4 when unset.
/// Returns (IPv4, IPv6).
fn families(service: &Service) -> (bool, bool) {
    let listed = service
        .spec
        .as_ref()
        .and_then(|s| s.ip_families.as_ref())
        .filter(|f| !f.is_empty());
    match listed {
        None => (true, false),
        Some(list) => (
            list.iter().any(|f| f == "IPv4"),
            list.iter().any(|f| f == "IPv6"),
        ),
    }
}

/// The first InternalIP of each wanted family of every node in `nodes`.
fn addresses<'a>(
    nodes: impl Iterator<Item = &'a Node>,
    (v4, v6): (bool, bool),
) -> BTreeSet<IpAddr> {
    let mut set = BTreeSet::new();
    for node in nodes {
        let ips = internal_ips(node);
        if v4 && let Some(ip) = ips.iter().find(|ip| ip.is_ipv4()) {
            set.insert(*ip);
        }
        if v6 && let Some(ip) = ips.iter().find(|ip| ip.is_ipv6()) {
            set.insert(*ip);
        }
    }
    set
}

/// The ingress list the Service should show: for a Service this controller serves (see
/// [`wants_load_balancer`]), the InternalIP of every available node (see [`is_available`]) in
/// the Service's IP families, or, when no available node has one, of every node not excluded
/// from load balancing; sorted by address (IPv4 first), each with `ipMode: VIP`. Empty for
/// any other Service.
pub fn desired_ingress(service: &Service, nodes: &[&Node]) -> Vec<LoadBalancerIngress> {
    if !wants_load_balancer(service) {
        return Vec::new();
    }
    let families = families(service);
    let mut ips = addresses(nodes.iter().copied().filter(|n| is_available(n)), families);
    if ips.is_empty() {
        ips = addresses(nodes.iter().copied().filter(|n| !is_excluded(n)), families);
    }
    ips.into_iter()
        .map(|ip| LoadBalancerIngress {
            ip: Some(ip.to_string()),
            ip_mode: Some(IP_MODE_VIP.to_owned()),
            ..LoadBalancerIngress::default()
        })
        .collect()
}

/// What of a node the ingress depends on: a node update that leaves it unchanged needs no
/// Service resynced.
pub fn node_view(node: &Node) -> (bool, bool, Vec<IpAddr>) {
    (is_available(node), is_excluded(node), internal_ips(node))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn service(spec: Value) -> Service {
        serde_json::from_value(json!({"metadata": {"name": "s", "namespace": "ns"}, "spec": spec}))
            .unwrap()
    }

    fn lb() -> Service {
        service(json!({"type": "LoadBalancer", "ports": [{"port": 80}]}))
    }

    fn node(name: &str, ips: &[&str], ready: &str) -> Node {
        let mut addresses: Vec<Value> = ips
            .iter()
            .map(|ip| json!({"type": "InternalIP", "address": ip}))
            .collect();
        addresses.push(json!({"type": "Hostname", "address": name}));
        serde_json::from_value(json!({
            "metadata": {"name": name},
            "status": {"addresses": addresses,
                       "conditions": [{"type": "Ready", "status": ready}]},
        }))
        .unwrap()
    }

    fn with(mut node: Node, patch: impl FnOnce(&mut Value)) -> Node {
        let mut value = serde_json::to_value(&node).unwrap();
        patch(&mut value);
        node = serde_json::from_value(value).unwrap();
        node
    }

    fn ips(ingress: &[LoadBalancerIngress]) -> Vec<&str> {
        ingress
            .iter()
            .map(|i| {
                assert_eq!(i.ip_mode.as_deref(), Some("VIP"));
                assert_eq!(i.hostname, None);
                i.ip.as_deref().unwrap()
            })
            .collect()
    }

    #[test]
    fn ready_nodes_internal_ips_sorted_numerically_and_deduplicated() {
        let a = node("a", &["10.0.0.10"], "True");
        let b = node("b", &["10.0.0.9", "10.0.0.99"], "True");
        let c = node("c", &["10.0.0.10"], "True");
        let external = with(node("d", &[], "True"), |v| {
            v["status"]["addresses"] = json!([{"type": "ExternalIP", "address": "1.2.3.4"}]);
        });
        let got = desired_ingress(&lb(), &[&a, &b, &c, &external]);
        assert_eq!(ips(&got), ["10.0.0.9", "10.0.0.10"]);
    }

    #[test]
    fn unavailable_nodes_leave_the_list() {
        let ready = node("ready", &["10.0.0.1"], "True");
        let not_ready = node("not-ready", &["10.0.0.2"], "False");
        let unknown = node("unknown", &["10.0.0.3"], "Unknown");
        let cordoned = with(node("cordoned", &["10.0.0.4"], "True"), |v| {
            v["spec"] = json!({"unschedulable": true});
        });
        let tainted = |name: &str, ip: &str, key: &str, effect: &str| {
            with(node(name, &[ip], "True"), |v| {
                v["spec"] = json!({"taints": [{"key": key, "effect": effect}]});
            })
        };
        let unreachable = tainted(
            "unreachable",
            "10.0.0.5",
            "node.kubernetes.io/unreachable",
            "NoExecute",
        );
        let not_ready_taint = tainted(
            "nr",
            "10.0.0.6",
            "node.kubernetes.io/not-ready",
            "NoSchedule",
        );
        let autoscaled = tainted("gone", "10.0.0.7", TAINT_TO_BE_DELETED, "NoSchedule");
        // A PreferNoSchedule taint, or an unrelated NoSchedule one, does not count.
        let soft = tainted(
            "soft",
            "10.0.0.8",
            "node.kubernetes.io/unschedulable",
            "PreferNoSchedule",
        );
        let dedicated = tainted("dedicated", "10.0.0.9", "dedicated", "NoSchedule");
        let excluded = with(node("excluded", &["10.0.0.10"], "True"), |v| {
            v["metadata"]["labels"] = json!({LABEL_EXCLUDE_BALANCERS: ""});
        });
        let no_conditions = with(node("fresh", &["10.0.0.11"], "True"), |v| {
            v["status"]["conditions"] = json!([]);
        });
        let nodes = [
            &ready,
            &not_ready,
            &unknown,
            &cordoned,
            &unreachable,
            &not_ready_taint,
            &autoscaled,
            &soft,
            &dedicated,
            &excluded,
            &no_conditions,
        ];
        assert_eq!(
            ips(&desired_ingress(&lb(), &nodes)),
            ["10.0.0.1", "10.0.0.8", "10.0.0.9"]
        );
    }

    #[test]
    fn without_an_available_node_every_node_not_excluded_is_listed() {
        let a = node("a", &["10.0.0.2"], "False");
        let b = node("b", &["10.0.0.1"], "Unknown");
        let excluded = with(node("x", &["10.0.0.3"], "False"), |v| {
            v["metadata"]["labels"] = json!({LABEL_EXCLUDE_BALANCERS: "true"});
        });
        assert_eq!(
            ips(&desired_ingress(&lb(), &[&a, &b, &excluded])),
            ["10.0.0.1", "10.0.0.2"]
        );
        // An available node without an address of the family does not stop the fallback.
        let v6_only = node("v6", &["fd00::1"], "True");
        assert_eq!(ips(&desired_ingress(&lb(), &[&a, &v6_only])), ["10.0.0.2"]);
        assert!(desired_ingress(&lb(), &[]).is_empty());
        assert!(desired_ingress(&lb(), &[&excluded]).is_empty());
    }

    #[test]
    fn ip_families_pick_the_addresses() {
        let dual = node("a", &["fd00::2", "10.0.0.1", "10.0.0.5", "fd00::1"], "True");
        let v4 = node("b", &["10.0.0.2"], "True");
        let v6 = service(json!({"type": "LoadBalancer", "ipFamilies": ["IPv6"]}));
        assert_eq!(ips(&desired_ingress(&v6, &[&dual, &v4])), ["fd00::2"]);
        let both = service(json!({"type": "LoadBalancer", "ipFamilies": ["IPv6", "IPv4"]}));
        assert_eq!(
            ips(&desired_ingress(&both, &[&dual, &v4])),
            ["10.0.0.1", "10.0.0.2", "fd00::2"]
        );
        let v4_only = service(json!({"type": "LoadBalancer", "ipFamilies": ["IPv4"]}));
        assert_eq!(
            ips(&desired_ingress(&v4_only, &[&dual, &v4])),
            ["10.0.0.1", "10.0.0.2"]
        );
    }

    #[test]
    fn only_classless_load_balancer_services_get_an_ingress() {
        let a = node("a", &["10.0.0.1"], "True");
        for spec in [
            json!({"type": "ClusterIP"}),
            json!({"type": "NodePort"}),
            json!({}),
            json!({"type": "LoadBalancer", "loadBalancerClass": "example.com/lb"}),
        ] {
            let svc = service(spec.clone());
            assert!(desired_ingress(&svc, &[&a]).is_empty(), "{spec}");
        }
        assert!(is_load_balancer(&service(
            json!({"type": "LoadBalancer", "loadBalancerClass": "example.com/lb"})
        )));
        assert_eq!(ips(&desired_ingress(&lb(), &[&a])), ["10.0.0.1"]);
    }

    #[test]
    fn node_view_changes_only_with_what_the_ingress_depends_on() {
        let a = node("a", &["10.0.0.1"], "True");
        let heartbeat = with(a.clone(), |v| {
            v["status"]["conditions"][0]["lastHeartbeatTime"] = json!("2026-01-01T00:00:00Z");
            v["metadata"]["annotations"] = json!({"x": "y"});
        });
        assert_eq!(node_view(&a), node_view(&heartbeat));
        assert_ne!(node_view(&a), node_view(&node("a", &["10.0.0.1"], "False")));
        assert_ne!(node_view(&a), node_view(&node("a", &["10.0.0.2"], "True")));
    }
}
