//! Services with `sessionAffinity: ClientIP`: upstream's per-service layout
//! (`writeServiceToEndpointRules` and the endpoint chains of `syncProxyRules`), because the
//! remembered client must map to one endpoint chain. Per service port: `service-…` (cluster
//! endpoints), `local-…` (this node's), `external-…` (external traffic), and per endpoint an
//! `endpoint-…` chain plus a dynamic `affinity-…` set of client IPs with the affinity
//! timeout. Unlike upstream, the random choice is plain rules
//! (`numgen random mod K 0 goto …`, then a final `goto`) rather than an anonymous verdict
//! map, which the kernel validates far faster.

use super::layout::{chain_base, endpoint_base};
use super::ruleset::{Fragment, SetKind};
use crate::model::{CategorizedEndpoints, Endpoint, NodeSettings, ServicePort};

const MARK_MASQ: &str = "mark-for-masquerade";

/// The chains cluster-IP and external traffic of one service port go to (`None`: no
/// endpoints for that kind of traffic, the filter side handles it).
pub(crate) struct Chains {
    pub internal: Option<String>,
    pub external: Option<String>,
}

/// Declares the chains and sets of an affinity service port.
pub(crate) fn chains(
    rs: &mut Fragment,
    node: &NodeSettings,
    svc: &ServicePort,
    c: &CategorizedEndpoints,
) -> Chains {
    let base = chain_base(svc);
    let proto = svc.name.protocol.lower();
    let timeout = svc.session_affinity_seconds.unwrap_or_default();
    let cluster_chain = (!c.cluster.is_empty()).then(|| format!("service-{base}"));
    let local_chain = (!c.local.is_empty()).then(|| format!("local-{base}"));
    let internal_chain = if svc.internal_policy_local {
        local_chain.clone()
    } else {
        cluster_chain.clone()
    };

    // The internal chain's masquerade rule comes first (it is also a policy chain).
    if let Some(chain) = &internal_chain {
        let rule = if node.masquerade_all {
            Some(String::new())
        } else {
            node.cluster_cidr.map(|cidr| format!(" ip saddr != {cidr}"))
        };
        if let Some(condition) = rule {
            rs.rule(
                chain,
                format!(
                    "ip daddr {} {proto} dport {}{condition} jump {MARK_MASQ}",
                    svc.cluster_ip, svc.port
                ),
            );
        }
    }
    if let Some(chain) = &cluster_chain {
        policy_rules(rs, svc, chain, &c.cluster);
    }
    if let Some(chain) = &local_chain {
        policy_rules(rs, svc, chain, &c.local);
    }
    for ep in &c.all_reachable {
        let name = endpoint_base(svc, ep);
        let set = format!("affinity-{name}");
        rs.ensure_set(
            &set,
            SetKind::Set,
            &format!("type ipv4_addr ; flags dynamic,timeout ; timeout {timeout}s"),
        );
        let chain = format!("endpoint-{name}");
        rs.rule(&chain, format!("ip saddr {} jump {MARK_MASQ}", ep.ip));
        rs.rule(&chain, format!("update @{set} {{ ip saddr }}"));
        rs.rule(
            &chain,
            format!("meta l4proto {proto} dnat to {}:{}", ep.ip, ep.port),
        );
    }

    let external = if c.has_any && svc.externally_accessible() {
        let chain = format!("external-{base}");
        rs.ensure_chain(&chain);
        let ext_policy_chain = if svc.external_policy_local() {
            if let (Some(cidr), Some(cluster)) = (node.cluster_cidr, &cluster_chain) {
                rs.rule(&chain, format!("ip saddr {cidr} goto {cluster}"));
            }
            rs.rule(&chain, format!("fib saddr type local jump {MARK_MASQ}"));
            if let Some(cluster) = &cluster_chain {
                rs.rule(&chain, format!("fib saddr type local goto {cluster}"));
            }
            &local_chain
        } else {
            rs.rule(&chain, format!("jump {MARK_MASQ}"));
            &cluster_chain
        };
        if let Some(target) = ext_policy_chain {
            rs.rule(&chain, format!("goto {target}"));
        }
        Some(chain)
    } else {
        None
    };
    Chains {
        internal: internal_chain,
        external,
    }
}

/// A policy chain: remembered clients to their endpoint, then a uniform random choice.
fn policy_rules(rs: &mut Fragment, svc: &ServicePort, chain: &str, endpoints: &[Endpoint]) {
    let names: Vec<String> = endpoints.iter().map(|ep| endpoint_base(svc, ep)).collect();
    for name in &names {
        rs.rule(
            chain,
            format!("ip saddr @affinity-{name} goto endpoint-{name}"),
        );
    }
    let last = names.len() - 1;
    for (i, name) in names.iter().enumerate() {
        if i == last {
            rs.rule(chain, format!("goto endpoint-{name}"));
        } else {
            // 1/(remaining) of what reaches this rule: each endpoint gets 1/n overall.
            rs.rule(
                chain,
                format!(
                    "numgen random mod {} 0 goto endpoint-{name}",
                    names.len() - i
                ),
            );
        }
    }
}
