//! What the sync loop asks of a backend, and the node settings it derives from the Node.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use k8s_openapi::api::core::v1::Node;

use crate::model::{NodeSettings, ProxyState, ServicePortName};
use crate::options::Config;

/// What one sync did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncOutcome {
    /// The whole ruleset was written (rather than only what changed).
    pub full: bool,
    /// Anything was written at all.
    pub changed: bool,
}

/// A rule backend (nftables or iptables).
pub trait Proxier: Send {
    /// Programs `state` into the kernel. `changed`, when given, names every service port
    /// that may differ from the last sync (a backend may look at those alone).
    fn sync(
        &mut self,
        state: &ProxyState,
        changed: Option<&BTreeSet<ServicePortName>>,
    ) -> anyhow::Result<SyncOutcome>;
    /// Makes the next sync write everything (the periodic resync, and after an error).
    fn request_full_sync(&mut self);
}

/// The node's IPv4 addresses: InternalIPs, then ExternalIPs, as upstream picks node IPs.
pub fn node_ips(node: &Node) -> Vec<Ipv4Addr> {
    let addresses = node
        .status
        .as_ref()
        .and_then(|status| status.addresses.clone())
        .unwrap_or_default();
    let mut ips = Vec::new();
    for kind in ["InternalIP", "ExternalIP"] {
        for address in addresses.iter().filter(|a| a.type_ == kind) {
            if let Ok(ip) = address.address.parse::<Ipv4Addr>()
                && !ips.contains(&ip)
            {
                ips.push(ip);
            }
        }
    }
    ips
}

/// Whether load balancers may send traffic here: the Node is not being deleted and not
/// tainted for deletion by the cluster autoscaler.
pub fn node_eligible(node: &Node) -> bool {
    let tainted = node
        .spec
        .as_ref()
        .and_then(|spec| spec.taints.as_ref())
        .is_some_and(|taints| {
            taints
                .iter()
                .any(|t| t.key == "ToBeDeletedByClusterAutoscaler")
        });
    node.metadata.deletion_timestamp.is_none() && !tainted
}

/// The settings rules are built with, from the configuration and the Node.
pub fn node_settings(config: &Config, node_name: &str, node: Option<&Node>) -> NodeSettings {
    let node_ips = node.map(node_ips).unwrap_or_default();
    let nodeport_addresses = config
        .nodeport_addresses
        .iter()
        .filter_map(|entry| {
            if entry == "primary" {
                node_ips.first().and_then(|ip| Ipv4Net::new(*ip, 32).ok())
            } else {
                entry.parse::<Ipv4Net>().ok().map(|net| net.trunc())
            }
        })
        .collect::<Vec<_>>();
    NodeSettings {
        node_name: node_name.to_owned(),
        node_ips,
        cluster_cidr: config.cluster_cidr,
        nodeport_addresses,
        masquerade_all: config.masquerade_all,
        masquerade_bit: config.masquerade_bit,
    }
}
