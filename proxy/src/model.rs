//! What the proxier programs, independent of the backend: service ports (upstream's
//! `ServicePort`), their endpoints (`Endpoint`), the node's own settings, and which endpoints
//! each kind of traffic may use (`CategorizeEndpoints` in `pkg/proxy/topology.go`).
//!
//! Only IPv4 is programmed: a Service's IPv6 cluster IPs and IPv6 EndpointSlices are skipped.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use ipnet::Ipv4Net;

/// The transport protocols Services carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// `TCP`, `UDP`, `SCTP`, as the API spells them.
    pub fn parse(text: &str) -> Option<Protocol> {
        match text {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    /// Lower case, as nftables and iptables spell them.
    pub fn lower(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }
}

/// A Service port's identity: `namespace/name:port` plus the protocol (upstream's
/// `ServicePortName`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServicePortName {
    pub namespace: String,
    pub name: String,
    /// The port's name; empty for a Service's single unnamed port.
    pub port: String,
    pub protocol: Protocol,
}

impl fmt::Display for ServicePortName {
    /// `ns/name:port` as upstream prints it (`ns/name` when the port is unnamed).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.port.is_empty() {
            write!(f, "{}/{}", self.namespace, self.name)
        } else {
            write!(f, "{}/{}:{}", self.namespace, self.name, self.port)
        }
    }
}

/// One port of a Service, with everything about the Service that decides how it is routed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    pub name: ServicePortName,
    pub cluster_ip: Ipv4Addr,
    pub port: u16,
    /// 0 when the Service has no node port.
    pub node_port: u16,
    pub external_ips: Vec<Ipv4Addr>,
    /// `status.loadBalancer.ingress[*].ip` (IPv4 only).
    pub load_balancer_ips: Vec<Ipv4Addr>,
    pub load_balancer_source_ranges: Vec<Ipv4Net>,
    /// `sessionAffinity: ClientIP` with its timeout in seconds; `None` for no affinity.
    pub session_affinity_seconds: Option<u32>,
    /// `externalTrafficPolicy: Local` (only meaningful when externally accessible).
    pub external_policy_local: bool,
    /// `internalTrafficPolicy: Local`.
    pub internal_policy_local: bool,
    /// `healthCheckNodePort`, 0 when unset.
    pub health_check_node_port: u16,
}

impl ServicePort {
    /// Whether traffic can arrive other than at the cluster IP: a node port, external IPs or
    /// load-balancer IPs.
    pub fn externally_accessible(&self) -> bool {
        self.node_port != 0 || !self.external_ips.is_empty() || !self.load_balancer_ips.is_empty()
    }

    /// `externalTrafficPolicy: Local` on a Service that is externally accessible.
    pub fn external_policy_local(&self) -> bool {
        self.externally_accessible() && self.external_policy_local
    }

    /// Whether some traffic to this port may go to endpoints on any node.
    pub fn uses_cluster_endpoints(&self) -> bool {
        !self.internal_policy_local || (self.externally_accessible() && !self.external_policy_local)
    }

    /// Whether some traffic to this port may go only to endpoints on this node.
    pub fn uses_local_endpoints(&self) -> bool {
        self.internal_policy_local || self.external_policy_local()
    }
}

/// One endpoint of a service port.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Endpoint {
    pub ip: Ipv4Addr,
    pub port: u16,
    /// On this proxy's node.
    pub is_local: bool,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

impl Endpoint {
    /// `ip:port`, as upstream names endpoints.
    pub fn address(&self) -> String {
        format!("{}:{}", self.ip, self.port)
    }
}

/// The node-level settings rules depend on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSettings {
    pub node_name: String,
    /// The node's IPv4 addresses: where node ports answer (before `--nodeport-addresses`).
    pub node_ips: Vec<Ipv4Addr>,
    /// `--cluster-cidr`: traffic from outside it to a cluster IP is masqueraded. `None`: only
    /// `--masquerade-all` masquerades cluster-IP traffic.
    pub cluster_cidr: Option<Ipv4Net>,
    /// `--nodeport-addresses`; empty means every node IP.
    pub nodeport_addresses: Vec<Ipv4Net>,
    /// `--masquerade-all`.
    pub masquerade_all: bool,
    /// The fwmark bit that flags packets for masquerade (`--iptables-masquerade-bit`, 14).
    pub masquerade_bit: u8,
}

impl Default for NodeSettings {
    fn default() -> Self {
        NodeSettings {
            node_name: String::new(),
            node_ips: Vec::new(),
            cluster_cidr: None,
            nodeport_addresses: Vec::new(),
            masquerade_all: false,
            masquerade_bit: 14,
        }
    }
}

impl NodeSettings {
    /// The mark value (`1 << masquerade_bit`).
    pub fn masquerade_mark(&self) -> u32 {
        1u32 << self.masquerade_bit.min(31)
    }

    /// The node IPs node ports answer on, after `--nodeport-addresses`.
    pub fn nodeport_ips(&self) -> Vec<Ipv4Addr> {
        self.node_ips
            .iter()
            .copied()
            .filter(|ip| {
                self.nodeport_addresses.is_empty()
                    || self.nodeport_addresses.iter().any(|net| net.contains(ip))
            })
            .collect()
    }
}

/// Everything the proxier programs: every service port and its endpoints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyState {
    pub services: BTreeMap<ServicePortName, ServicePort>,
    pub endpoints: BTreeMap<ServicePortName, Vec<Endpoint>>,
}

/// The endpoints each kind of traffic to a service port may use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CategorizedEndpoints {
    /// For traffic that may go anywhere: ready endpoints, else serving-terminating ones.
    pub cluster: Vec<Endpoint>,
    /// For traffic that must stay on this node: local ready endpoints, else local
    /// serving-terminating ones.
    pub local: Vec<Endpoint>,
    /// The union of the two, in the order of `endpoints`.
    pub all_reachable: Vec<Endpoint>,
    /// Whether any usable endpoint exists anywhere in the cluster.
    pub has_any: bool,
}

/// Upstream's `CategorizeEndpoints` without topology hints (which this proxy does not use).
pub fn categorize(endpoints: &[Endpoint], service: &ServicePort) -> CategorizedEndpoints {
    let mut result = CategorizedEndpoints::default();
    if service.uses_cluster_endpoints() {
        result.cluster = endpoints.iter().filter(|e| e.ready).cloned().collect();
        if result.cluster.is_empty() {
            result.cluster = endpoints
                .iter()
                .filter(|e| e.serving && e.terminating)
                .cloned()
                .collect();
        }
        result.has_any = !result.cluster.is_empty();
    }
    if !service.uses_local_endpoints() {
        result.all_reachable = result.cluster.clone();
        return result;
    }
    let usable = |e: &&Endpoint| e.ready || (e.serving && e.terminating);
    result.has_any |= endpoints.iter().any(|e| usable(&e));
    let local_ready = endpoints.iter().any(|e| e.is_local && e.ready);
    result.local = endpoints
        .iter()
        .filter(|e| {
            e.is_local
                && if local_ready {
                    e.ready
                } else {
                    e.serving && e.terminating
                }
        })
        .cloned()
        .collect();
    if !service.uses_cluster_endpoints() {
        result.all_reachable = result.local.clone();
        return result;
    }
    result.all_reachable = endpoints
        .iter()
        .filter(|e| result.cluster.contains(e) || result.local.contains(e))
        .cloned()
        .collect();
    result
}

/// Whether `ip` is an IPv4 address, as the proxy programs only those.
pub fn ipv4(ip: &str) -> Option<Ipv4Addr> {
    match ip.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => Some(v4),
        IpAddr::V6(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn service(
        internal_local: bool,
        external_local: bool,
        node_port: u16,
    ) -> ServicePort {
        ServicePort {
            name: ServicePortName {
                namespace: "ns".into(),
                name: "svc".into(),
                port: "http".into(),
                protocol: Protocol::Tcp,
            },
            cluster_ip: Ipv4Addr::new(10, 96, 0, 10),
            port: 80,
            node_port,
            external_ips: vec![],
            load_balancer_ips: vec![],
            load_balancer_source_ranges: vec![],
            session_affinity_seconds: None,
            external_policy_local: external_local,
            internal_policy_local: internal_local,
            health_check_node_port: 0,
        }
    }

    fn endpoint(last: u8, is_local: bool, ready: bool, terminating: bool) -> Endpoint {
        Endpoint {
            ip: Ipv4Addr::new(10, 244, 0, last),
            port: 8080,
            is_local,
            ready,
            serving: ready || terminating,
            terminating,
        }
    }

    #[test]
    fn cluster_traffic_uses_ready_endpoints_then_terminating_ones() {
        let svc = service(false, false, 0);
        let eps = [
            endpoint(1, false, true, false),
            endpoint(2, false, false, true),
        ];
        let c = categorize(&eps, &svc);
        assert_eq!(c.cluster, vec![eps[0].clone()]);
        assert!(c.local.is_empty());
        assert_eq!(c.all_reachable, c.cluster);
        assert!(c.has_any);

        let only_terminating = [endpoint(2, false, false, true)];
        let c = categorize(&only_terminating, &svc);
        assert_eq!(c.cluster, only_terminating.to_vec());

        let none = [Endpoint {
            serving: false,
            ..endpoint(3, false, false, true)
        }];
        let c = categorize(&none, &svc);
        assert!(c.cluster.is_empty() && !c.has_any);
    }

    #[test]
    fn local_policies_use_this_nodes_endpoints() {
        let eps = [
            endpoint(1, false, true, false),
            endpoint(2, true, true, false),
        ];
        let internal = categorize(&eps, &service(true, false, 0));
        assert!(internal.cluster.is_empty());
        assert_eq!(internal.local, vec![eps[1].clone()]);
        assert_eq!(internal.all_reachable, internal.local);

        let external = categorize(&eps, &service(false, true, 30080));
        assert_eq!(external.cluster, eps.to_vec());
        assert_eq!(external.local, vec![eps[1].clone()]);
        assert_eq!(external.all_reachable, eps.to_vec());

        // externalTrafficPolicy Local without external access is ignored.
        let no_external = categorize(&eps, &service(false, true, 0));
        assert!(no_external.local.is_empty());

        // No local endpoint anywhere: local is empty, but the cluster has some.
        let remote_only = [endpoint(1, false, true, false)];
        let c = categorize(&remote_only, &service(true, false, 0));
        assert!(c.local.is_empty() && c.has_any);
    }

    #[test]
    fn nodeport_addresses_filter_the_node_ips() {
        let mut node = NodeSettings {
            node_ips: vec![Ipv4Addr::new(192, 168, 1, 5), Ipv4Addr::new(10, 0, 0, 5)],
            ..Default::default()
        };
        assert_eq!(node.nodeport_ips().len(), 2);
        node.nodeport_addresses = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(node.nodeport_ips(), vec![Ipv4Addr::new(10, 0, 0, 5)]);
        assert_eq!(node.masquerade_mark(), 0x4000);
    }
}
