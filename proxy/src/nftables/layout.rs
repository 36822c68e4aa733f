//! What goes into the ruleset: upstream's nftables layout (`pkg/proxy/nftables/proxier.go`:
//! base chains, `services` dispatch through `@service-ips` / `@service-nodeports`, the
//! filter-side `@no-endpoint-*`, `@firewall-ips` and `@cluster-ips` checks, masquerading)
//! with one change: endpoint selection is "flat". Instead of a chain per Service and per
//! endpoint with an anonymous `numgen … vmap`, one shared chain per traffic kind and
//! endpoint count N DNATs through its own named map keyed by destination and
//! `numgen random mod N` (`cluster-N` through `@cluster-endpoints-N`, `nodeport-N` through
//! `@nodeport-endpoints-N`, …). Adding or changing a Service is then only element changes,
//! and the kernel never validates thousands of chains.
//!
//! Services with ClientIP session affinity keep upstream's per-service and per-endpoint
//! chains (`service-…`, `local-…`, `external-…`, `endpoint-…`) and dynamic `affinity-…`
//! sets, with random selection written as plain `numgen random mod K 0 goto` rules.
//!
//! Chain names of those services: `<prefix><hash>-<namespace>/<name>/<protocol>/<port>`
//! (endpoints add `__<ip>/<port>`), where `<hash>` is 8 base32 characters (RFC 4648
//! alphabet) of the FNV-1a 64-bit hash of the rest of the name. Upstream uses SHA-256 for
//! the same purpose; any stable hash keeps names unique and readable.

use std::net::Ipv4Addr;

use super::ruleset::{Fragment, Ruleset, SetKind};
use crate::model::{Endpoint, NodeSettings, ServicePort, categorize};

const SERVICES: &str = "services";
const MARK_MASQ: &str = "mark-for-masquerade";
const MASQUERADING: &str = "masquerading";
const REJECT: &str = "reject-chain";
const SERVICE_ENDPOINTS_CHECK: &str = "service-endpoints-check";
const NODEPORT_ENDPOINTS_CHECK: &str = "nodeport-endpoints-check";
const FIREWALL_CHECK: &str = "firewall-check";
const CLUSTER_IPS_CHECK: &str = "cluster-ips-check";

const SERVICE_IPS: &str = "service-ips";
const SERVICE_NODEPORTS: &str = "service-nodeports";
const NODEPORT_IPS: &str = "nodeport-ips";
const CLUSTER_IPS: &str = "cluster-ips";
const NO_ENDPOINT_SERVICES: &str = "no-endpoint-services";
const NO_ENDPOINT_NODEPORTS: &str = "no-endpoint-nodeports";
const FIREWALL_IPS: &str = "firewall-ips";
const HAIRPIN: &str = "hairpin-endpoints";
const EXTERNAL_SHORTCUTS: &str = "external-shortcuts";
const NODEPORT_SHORTCUTS: &str = "nodeport-shortcuts";

const IP_PROTO_PORT_VERDICT: &str = "type ipv4_addr . inet_proto . inet_service : verdict";
const PROTO_PORT_VERDICT: &str = "type inet_proto . inet_service : verdict";
const IP_KEY: &str = "ip daddr . meta l4proto . th dport";
const NODEPORT_KEY: &str = "meta l4proto . th dport";

/// Base chains, tables and priorities as upstream (`dstnat` is -100, `srcnat` 100).
const BASE_CHAINS: [(&str, &str); 8] = [
    (
        "filter-prerouting",
        "type filter hook prerouting priority -110",
    ),
    ("filter-input", "type filter hook input priority -110"),
    ("filter-forward", "type filter hook forward priority -110"),
    ("filter-output", "type filter hook output priority -110"),
    (
        "filter-output-post-dnat",
        "type filter hook output priority -90",
    ),
    ("nat-prerouting", "type nat hook prerouting priority -100"),
    ("nat-output", "type nat hook output priority -100"),
    ("nat-postrouting", "type nat hook postrouting priority 100"),
];

/// The Service-independent part: base chains and their jumps, masquerading, the dispatch,
/// no-endpoint, firewall and cluster-IP checks and their sets and maps.
pub(crate) fn setup(rs: &mut Ruleset, node: &NodeSettings) {
    for (name, header) in BASE_CHAINS {
        rs.base_chain(name, header);
    }
    let new = "ct state new jump";
    rs.rule("filter-prerouting", format!("{new} {FIREWALL_CHECK}"));
    rs.rule("filter-input", format!("{new} {NODEPORT_ENDPOINTS_CHECK}"));
    rs.rule("filter-input", format!("{new} {SERVICE_ENDPOINTS_CHECK}"));
    rs.rule("filter-forward", format!("{new} {SERVICE_ENDPOINTS_CHECK}"));
    rs.rule("filter-forward", format!("{new} {CLUSTER_IPS_CHECK}"));
    rs.rule("filter-output", format!("{new} {SERVICE_ENDPOINTS_CHECK}"));
    rs.rule("filter-output", format!("{new} {FIREWALL_CHECK}"));
    rs.rule(
        "filter-output-post-dnat",
        format!("{new} {CLUSTER_IPS_CHECK}"),
    );
    rs.rule("nat-prerouting", format!("jump {SERVICES}"));
    rs.rule("nat-output", format!("jump {SERVICES}"));

    rs.ensure_set(HAIRPIN, SetKind::Set, "type ipv4_addr . ipv4_addr");
    // A pod reaching itself through a Service: masquerade so the reply comes back through
    // the DNAT (upstream does this with a rule in every endpoint chain).
    rs.rule(
        "nat-postrouting",
        format!("ct status dnat ip saddr . ip daddr @{HAIRPIN} jump {MARK_MASQ}"),
    );
    rs.rule("nat-postrouting", format!("jump {MASQUERADING}"));

    let mark = format!("{:#x}", node.masquerade_mark());
    rs.rule(MARK_MASQ, format!("meta mark set meta mark or {mark}"));
    rs.rule(MASQUERADING, format!("meta mark & {mark} == 0 return"));
    rs.rule(MASQUERADING, format!("meta mark set meta mark xor {mark}"));
    rs.rule(MASQUERADING, "masquerade fully-random");

    rs.ensure_set(CLUSTER_IPS, SetKind::Set, "type ipv4_addr");
    rs.rule(CLUSTER_IPS_CHECK, format!("ip daddr @{CLUSTER_IPS} reject"));

    rs.ensure_set(NO_ENDPOINT_SERVICES, SetKind::Map, IP_PROTO_PORT_VERDICT);
    rs.ensure_set(NO_ENDPOINT_NODEPORTS, SetKind::Map, PROTO_PORT_VERDICT);
    rs.rule(REJECT, "reject");
    rs.rule(
        SERVICE_ENDPOINTS_CHECK,
        format!("{IP_KEY} vmap @{NO_ENDPOINT_SERVICES}"),
    );

    rs.ensure_set(FIREWALL_IPS, SetKind::Map, IP_PROTO_PORT_VERDICT);
    rs.rule(FIREWALL_CHECK, format!("{IP_KEY} vmap @{FIREWALL_IPS}"));

    rs.ensure_set(SERVICE_IPS, SetKind::Map, IP_PROTO_PORT_VERDICT);
    rs.ensure_set(SERVICE_NODEPORTS, SetKind::Map, PROTO_PORT_VERDICT);
    rs.ensure_set(EXTERNAL_SHORTCUTS, SetKind::Map, IP_PROTO_PORT_VERDICT);
    rs.ensure_set(NODEPORT_SHORTCUTS, SetKind::Map, PROTO_PORT_VERDICT);
    rs.rule(SERVICES, format!("{IP_KEY} vmap @{SERVICE_IPS}"));
    // --nodeport-addresses: unset means every local address but localhost.
    if node.nodeport_addresses.is_empty() {
        rs.rule(
            NODEPORT_ENDPOINTS_CHECK,
            format!("ip daddr != 127.0.0.0/8 {NODEPORT_KEY} vmap @{NO_ENDPOINT_NODEPORTS}"),
        );
        rs.rule(
            SERVICES,
            format!(
                "fib daddr type local ip daddr != 127.0.0.0/8 {NODEPORT_KEY} vmap @{SERVICE_NODEPORTS}"
            ),
        );
    } else {
        rs.ensure_set(NODEPORT_IPS, SetKind::Set, "type ipv4_addr");
        for ip in node.nodeport_ips() {
            if !ip.is_loopback() {
                rs.element(NODEPORT_IPS, ip.to_string(), None);
            }
        }
        rs.rule(
            NODEPORT_ENDPOINTS_CHECK,
            format!("ip daddr @{NODEPORT_IPS} {NODEPORT_KEY} vmap @{NO_ENDPOINT_NODEPORTS}"),
        );
        rs.rule(
            SERVICES,
            format!("ip daddr @{NODEPORT_IPS} {NODEPORT_KEY} vmap @{SERVICE_NODEPORTS}"),
        );
    }
}

/// The rule that marks cluster-IP traffic for masquerade, if any (upstream: every packet
/// with `--masquerade-all`, else packets from outside `--cluster-cidr`).
fn cluster_masquerade(node: &NodeSettings) -> Option<String> {
    if node.masquerade_all {
        Some(format!("jump {MARK_MASQ}"))
    } else {
        node.cluster_cidr
            .map(|cidr| format!("ip saddr != {cidr} jump {MARK_MASQ}"))
    }
}

/// The DNAT rule of the endpoint-selecting chain `<prefix>-<n>`, declaring its own map
/// `@<prefix>-endpoints-<n>` keyed by `key . numgen random mod n`.
///
/// Every such chain has its own map, and rules referring to one are only ever written in
/// the transaction that creates it: nft 1.0.x cannot parse a rule against such a `typeof`
/// map read back from the kernel ("conflicting protocols specified: ip vs. th"), and a
/// `tcp dport` typeof instead would add a TCP-only dependency to the rule.
fn dnat_rule(rs: &mut Fragment, prefix: &str, key: &str, n: usize) -> String {
    let map = format!("{prefix}-endpoints-{n}");
    let key = format!("{key} . numgen random mod {n}");
    rs.ensure_set(
        &map,
        SetKind::Map,
        &format!("typeof {key} : ip daddr . th dport"),
    );
    format!("dnat ip to {key} map @{map}")
}

/// Adds `endpoints` to `@<prefix>-endpoints-<len>` under `destination` (`ip . proto .
/// port` or `proto . port`) and index.
fn endpoint_elements(rs: &mut Fragment, prefix: &str, destination: &str, endpoints: &[Endpoint]) {
    let map = format!("{prefix}-endpoints-{}", endpoints.len());
    for (i, ep) in endpoints.iter().enumerate() {
        rs.element(
            &map,
            format!("{destination} . {i}"),
            Some(format!("{} . {}", ep.ip, ep.port)),
        );
    }
}

/// `cluster-N`: cluster-IP traffic, masqueraded per [`cluster_masquerade`].
fn cluster_chain(rs: &mut Fragment, node: &NodeSettings, n: usize) -> String {
    let name = format!("cluster-{n}");
    if rs.ensure_chain(&name) {
        if let Some(rule) = cluster_masquerade(node) {
            rs.rule(&name, rule);
        }
        let dnat = dnat_rule(rs, "cluster", IP_KEY, n);
        rs.rule(&name, dnat);
    }
    name
}

/// The chain-name prefix and map key for external IPs or node ports.
fn external_kind(
    nodeport: bool,
    ip_prefix: &'static str,
    nodeport_prefix: &'static str,
) -> (&'static str, &'static str) {
    if nodeport {
        (nodeport_prefix, NODEPORT_KEY)
    } else {
        (ip_prefix, IP_KEY)
    }
}

/// `external-N` / `nodeport-N`: external traffic with policy Cluster, always masqueraded
/// (it may leave the node).
fn external_chain(rs: &mut Fragment, nodeport: bool, n: usize) -> String {
    let (prefix, key) = external_kind(nodeport, "external", "nodeport");
    let name = format!("{prefix}-{n}");
    if rs.ensure_chain(&name) {
        rs.rule(&name, format!("jump {MARK_MASQ}"));
        let dnat = dnat_rule(rs, prefix, key, n);
        rs.rule(&name, dnat);
    }
    name
}

/// `external-shortcut-N` / `nodeport-shortcut-N`: only the DNAT to the N cluster
/// endpoints (where policy Local sends pod and node traffic).
fn shortcut_chain(rs: &mut Fragment, nodeport: bool, n: usize) -> String {
    let (prefix, key) = external_kind(nodeport, "external-shortcut", "nodeport-shortcut");
    let name = format!("{prefix}-{n}");
    if rs.ensure_chain(&name) {
        let dnat = dnat_rule(rs, prefix, key, n);
        rs.rule(&name, dnat);
    }
    name
}

/// `external-local-N` / `nodeport-local-N`: policy Local. As upstream's external chain:
/// traffic from pods (`--cluster-cidr`) and from the node itself short-circuits to the
/// cluster endpoints (through `@external-shortcuts` / `@nodeport-shortcuts`), the node's
/// own traffic masqueraded; the rest keeps its source and goes to this node's N endpoints
/// (with N = 0 it falls through and the filter side drops it).
fn external_local_chain(
    rs: &mut Fragment,
    node: &NodeSettings,
    nodeport: bool,
    n: usize,
) -> String {
    let (prefix, key) = external_kind(nodeport, "external-local", "nodeport-local");
    let shortcuts = if nodeport {
        NODEPORT_SHORTCUTS
    } else {
        EXTERNAL_SHORTCUTS
    };
    let name = format!("{prefix}-{n}");
    if rs.ensure_chain(&name) {
        if let Some(cidr) = node.cluster_cidr {
            rs.rule(&name, format!("ip saddr {cidr} {key} vmap @{shortcuts}"));
        }
        rs.rule(&name, format!("fib saddr type local jump {MARK_MASQ}"));
        rs.rule(
            &name,
            format!("fib saddr type local {key} vmap @{shortcuts}"),
        );
        if n > 0 {
            let dnat = dnat_rule(rs, prefix, key, n);
            rs.rule(&name, dnat);
        }
    }
    name
}

/// Everything for one service port: dispatch elements, endpoint elements or (with session
/// affinity) per-service chains, no-endpoint verdicts, firewall, cluster IP and hairpin.
pub(crate) fn service(node: &NodeSettings, svc: &ServicePort, endpoints: &[Endpoint]) -> Fragment {
    let mut fragment = Fragment::default();
    let rs = &mut fragment;
    let c = categorize(endpoints, svc);
    let proto = svc.name.protocol.lower();
    let key = |ip: Ipv4Addr| format!("{ip} . {proto} . {}", svc.port);
    let nodeport_key = format!("{proto} . {}", svc.node_port);
    let ext_local = svc.external_policy_local();
    let internal = if svc.internal_policy_local {
        &c.local
    } else {
        &c.cluster
    };
    let external = if ext_local { &c.local } else { &c.cluster };
    let external_ips: Vec<Ipv4Addr> = svc
        .external_ips
        .iter()
        .chain(&svc.load_balancer_ips)
        .copied()
        .collect();

    rs.element(CLUSTER_IPS, svc.cluster_ip.to_string(), None);

    let goto = |chain: &str| Some(format!("goto {chain}"));
    if svc.session_affinity_seconds.is_some() {
        let chains = super::affinity::chains(rs, node, svc, &c);
        if let Some(chain) = &chains.internal {
            rs.element(SERVICE_IPS, key(svc.cluster_ip), goto(chain));
        }
        if let Some(chain) = &chains.external {
            for &ip in &external_ips {
                rs.element(SERVICE_IPS, key(ip), goto(chain));
            }
            if svc.node_port != 0 {
                rs.element(SERVICE_NODEPORTS, nodeport_key.clone(), goto(chain));
            }
        }
    } else {
        if !internal.is_empty() {
            let chain = cluster_chain(rs, node, internal.len());
            rs.element(SERVICE_IPS, key(svc.cluster_ip), goto(&chain));
            endpoint_elements(rs, "cluster", &key(svc.cluster_ip), internal);
        }
        if c.has_any {
            let mut destinations: Vec<(String, bool)> =
                external_ips.iter().map(|&ip| (key(ip), false)).collect();
            if svc.node_port != 0 {
                destinations.push((nodeport_key.clone(), true));
            }
            for (destination, nodeport) in destinations {
                let (dispatch, shortcuts) = if nodeport {
                    (SERVICE_NODEPORTS, NODEPORT_SHORTCUTS)
                } else {
                    (SERVICE_IPS, EXTERNAL_SHORTCUTS)
                };
                if !ext_local {
                    if c.cluster.is_empty() {
                        continue;
                    }
                    let chain = external_chain(rs, nodeport, c.cluster.len());
                    rs.element(dispatch, destination.clone(), goto(&chain));
                    let (prefix, _) = external_kind(nodeport, "external", "nodeport");
                    endpoint_elements(rs, prefix, &destination, &c.cluster);
                    continue;
                }
                let chain = external_local_chain(rs, node, nodeport, c.local.len());
                rs.element(dispatch, destination.clone(), goto(&chain));
                let (prefix, _) = external_kind(nodeport, "external-local", "nodeport-local");
                endpoint_elements(rs, prefix, &destination, &c.local);
                if !c.cluster.is_empty() {
                    let target = shortcut_chain(rs, nodeport, c.cluster.len());
                    rs.element(shortcuts, destination.clone(), goto(&target));
                    let (prefix, _) =
                        external_kind(nodeport, "external-shortcut", "nodeport-shortcut");
                    endpoint_elements(rs, prefix, &destination, &c.cluster);
                }
            }
        }
        for ep in &c.all_reachable {
            rs.element(HAIRPIN, format!("{} . {}", ep.ip, ep.ip), None);
        }
    }

    // The filter side: reject when the Service has no endpoints at all, drop when only the
    // traffic kind's (Local) endpoints are missing.
    let verdict = if c.has_any {
        "drop".to_owned()
    } else {
        format!("goto {REJECT}")
    };
    if internal.is_empty() {
        rs.element(
            NO_ENDPOINT_SERVICES,
            key(svc.cluster_ip),
            Some(verdict.clone()),
        );
    }
    if external.is_empty() {
        for &ip in &external_ips {
            rs.element(NO_ENDPOINT_SERVICES, key(ip), Some(verdict.clone()));
        }
        if svc.node_port != 0 {
            rs.element(NO_ENDPOINT_NODEPORTS, nodeport_key, Some(verdict));
        }
    }

    // loadBalancerSourceRanges: only for load-balancer IPs, as upstream.
    if !svc.load_balancer_ips.is_empty() && !svc.load_balancer_source_ranges.is_empty() {
        let chain = format!("firewall-{}", chain_base(svc));
        let mut sources: Vec<String> = svc
            .load_balancer_source_ranges
            .iter()
            .map(ToString::to_string)
            .collect();
        // A VIP bound on the node loops back with the VIP as source: allow it when the
        // node itself is allowed.
        let allow_node = svc
            .load_balancer_source_ranges
            .iter()
            .any(|range| node.node_ips.iter().any(|ip| range.contains(ip)));
        if allow_node {
            sources.extend(svc.load_balancer_ips.iter().map(ToString::to_string));
        }
        rs.ensure_chain(&chain);
        rs.rule(
            &chain,
            format!("ip saddr != {{ {} }} drop", sources.join(", ")),
        );
        for &ip in &svc.load_balancer_ips {
            rs.element(FIREWALL_IPS, key(ip), goto(&chain));
        }
    }
    fragment
}

/// `<hash>-<namespace>/<name>/<protocol>/<port>` (upstream's `servicePortChainNameBase`).
pub(crate) fn chain_base(svc: &ServicePort) -> String {
    let n = &svc.name;
    hashed(&format!(
        "{}/{}/{}/{}",
        n.namespace,
        n.name,
        n.protocol.lower(),
        n.port
    ))
}

/// `<hash>-<service base>__<ip>/<port>` (upstream's `servicePortEndpointChainNameBase`).
pub(crate) fn endpoint_base(svc: &ServicePort, ep: &Endpoint) -> String {
    let n = &svc.name;
    hashed(&format!(
        "{}/{}/{}/{}__{}/{}",
        n.namespace,
        n.name,
        n.protocol.lower(),
        n.port,
        ep.ip,
        ep.port
    ))
}

/// `name` prefixed with 8 base32 characters of its FNV-1a 64-bit hash.
pub fn hashed(name: &str) -> String {
    format!("{}-{name}", hash8(name))
}

/// 8 base32 characters (RFC 4648 alphabet) of the top 40 bits of FNV-1a 64 of `name`.
pub fn hash8(name: &str) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..8)
        .map(|i| char::from(ALPHABET[((hash >> (59 - 5 * i)) & 31) as usize]))
        .collect()
}
