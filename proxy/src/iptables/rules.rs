//! The `iptables-restore` input of one sync: upstream's `syncProxyRules` in
//! `pkg/proxy/iptables/proxier.go`, rule for rule, with its chain names, comments and
//! argument order, so a node's tables read like upstream kube-proxy's.
//!
//! Differences from upstream: service ports are written in `ServicePortName` order (upstream
//! iterates a Go map), and there are no nfacct counters (so no localhost node-port
//! accounting rule and no counter on the INVALID drop rule).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::model::{Endpoint, NodeSettings, ProxyState, ServicePort, ServicePortName, categorize};

use super::names::{
    EXTERNAL_SERVICES, FORWARD, KUBELET_FIREWALL, MARK_MASQ, NODEPORTS, POSTROUTING,
    PROXY_FIREWALL, SERVICES, ServiceChains, endpoint_chain, is_service_chain,
};

/// Upstream's `largeClusterEndpointsThreshold`: above this many endpoints, per-endpoint
/// comments are left out to keep the rule set small.
pub const LARGE_CLUSTER_ENDPOINTS: usize = 1000;

/// Appends one line (`writeln!` into a `String` cannot fail).
macro_rules! rule {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

/// The input of one `iptables-restore`: the filter and the nat table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Restore {
    /// `*filter` … `COMMIT`.
    pub filter: String,
    /// `*nat` … `COMMIT`.
    pub nat: String,
}

impl Restore {
    /// Both tables, filter first, as one `iptables-restore` input.
    pub fn to_input(&self) -> String {
        let mut input = String::with_capacity(self.filter.len() + self.nat.len());
        input.push_str(&self.filter);
        input.push_str(&self.nat);
        input
    }

    /// Lines of the whole input.
    pub fn lines(&self) -> usize {
        self.filter.lines().count() + self.nat.lines().count()
    }
}

/// Host features and flags that change the rules (upstream reads them at start-up).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// `MASQUERADE --random-fully` (upstream uses it when iptables supports it).
    pub random_fully: bool,
    /// `--iptables-localhost-nodeports`: node ports answer on 127.0.0.0/8. Upstream turns
    /// it on by default and sets the `route_localnet` sysctl; this proxy sets no sysctl, so
    /// it is off by default here.
    pub localhost_nodeports: bool,
    /// `nf_conntrack_tcp_be_liberal` is set: no DROP of INVALID packets in KUBE-FORWARD.
    pub conntrack_tcp_liberal: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            random_fully: true,
            localhost_nodeports: false,
            conntrack_tcp_liberal: false,
        }
    }
}

/// What a sync knows besides the state; the defaults are a first, full sync.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions<'a> {
    /// The nat chains that exist now; the per-service chains among them this sync does not
    /// use are flushed and deleted (`-X`).
    pub existing_nat_chains: Option<&'a BTreeSet<String>>,
    /// A partial sync: only these Services' (namespace, name) per-service chains are
    /// written; the others are left as they are. `None` writes every chain.
    pub changed_services: Option<&'a BTreeSet<(String, String)>>,
    pub features: Features,
}

/// Whether `state` is big enough for upstream's large-cluster mode.
pub fn large_cluster(state: &ProxyState) -> bool {
    let total: usize = state
        .services
        .keys()
        .map(|name| state.endpoints.get(name).map_or(0, Vec::len))
        .sum();
    total > LARGE_CLUSTER_ENDPOINTS
}

/// A built sync: its input and what the next sync needs to know.
#[derive(Clone, Debug, Default)]
pub struct Built {
    pub restore: Restore,
    /// Every per-service nat chain in use after this sync (written or kept).
    pub active_nat_chains: BTreeSet<String>,
    /// Whether upstream's large-cluster mode (no per-endpoint comments) was used.
    pub large_cluster: bool,
    /// How many stale chains this input deletes.
    pub deleted_chains: usize,
}

/// The whole input of a full sync with no chains left over from before.
pub fn build(state: &ProxyState, node: &NodeSettings) -> Restore {
    build_with(state, node, &BuildOptions::default()).restore
}

/// Lines of one table: chain declarations first, then rules.
#[derive(Default)]
struct Table {
    chains: String,
    rules: String,
}

impl Table {
    fn chain(&mut self, name: &str) {
        rule!(self.chains, ":{name} - [0:0]");
    }

    fn finish(self, header: &str) -> String {
        format!("{header}\n{}{}COMMIT\n", self.chains, self.rules)
    }
}

/// `1/n` with ten decimals, as upstream's `computeProbability`.
fn probability(n: usize) -> String {
    format!("{:.10}", 1.0 / n as f64)
}

/// The input for `state` with `options` (see [`BuildOptions`]).
pub fn build_with(state: &ProxyState, node: &NodeSettings, options: &BuildOptions) -> Built {
    let mark = format!("{:#x}", node.masquerade_mark());
    let mut filter = Table::default();
    let mut nat = Table::default();
    for chain in super::names::FILTER_CHAINS {
        filter.chain(chain);
    }
    for chain in super::names::NAT_CHAINS {
        nat.chain(chain);
    }

    let n = &mut nat.rules;
    rule!(
        n,
        "-A {POSTROUTING} -m mark ! --mark {mark}/{mark} -j RETURN"
    );
    rule!(n, "-A {POSTROUTING} -j MARK --xor-mark {mark}");
    let random = if options.features.random_fully {
        " --random-fully"
    } else {
        ""
    };
    rule!(
        n,
        "-A {POSTROUTING} -m comment --comment \"kubernetes service traffic requiring SNAT\" \
         -j MASQUERADE{random}"
    );
    rule!(n, "-A {MARK_MASQ} -j MARK --or-mark {mark}");

    if options.features.localhost_nodeports {
        filter.chain(KUBELET_FIREWALL);
        rule!(
            filter.rules,
            "-A {KUBELET_FIREWALL} -m comment --comment \"block incoming localnet connections\" \
             -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT \
             -j DROP"
        );
    }

    let large_cluster = large_cluster(state);
    let mut ctx = Context {
        node,
        options,
        large_cluster,
        filter: &mut filter,
        nat: &mut nat,
        skipped: Table::default(),
        active: BTreeSet::new(),
    };
    for (name, service) in &state.services {
        let endpoints = state.endpoints.get(name).map_or(&[][..], Vec::as_slice);
        ctx.service(name, service, endpoints);
    }
    let active = ctx.active;

    // Stale per-service chains: declaring them flushes them, then they are deleted.
    let mut deleted_chains = 0;
    if let Some(existing) = options.existing_nat_chains {
        for chain in existing.difference(&active) {
            if is_service_chain(chain) {
                nat.chain(chain);
                rule!(nat.rules, "-X {chain}");
                deleted_chains += 1;
            }
        }
    }

    let last = "-m comment --comment \
                \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\"";
    if node.nodeport_addresses.is_empty() {
        let loopback = if options.features.localhost_nodeports {
            ""
        } else {
            " ! -d 127.0.0.0/8"
        };
        rule!(
            nat.rules,
            "-A {SERVICES} {last} -m addrtype --dst-type LOCAL{loopback} -j {NODEPORTS}"
        );
    } else {
        for ip in node.nodeport_ips() {
            if ip.is_loopback() && !options.features.localhost_nodeports {
                continue;
            }
            rule!(nat.rules, "-A {SERVICES} {last} -d {ip} -j {NODEPORTS}");
        }
    }

    let f = &mut filter.rules;
    if !options.features.conntrack_tcp_liberal {
        rule!(f, "-A {FORWARD} -m conntrack --ctstate INVALID -j DROP");
    }
    rule!(
        f,
        "-A {FORWARD} -m comment --comment \"kubernetes forwarding rules\" \
         -m mark --mark {mark}/{mark} -j ACCEPT"
    );
    rule!(
        f,
        "-A {FORWARD} -m comment --comment \"kubernetes forwarding conntrack rule\" \
         -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
    );

    Built {
        restore: Restore {
            filter: filter.finish("*filter"),
            nat: nat.finish("*nat"),
        },
        active_nat_chains: active,
        large_cluster,
        deleted_chains,
    }
}

/// The state of one build while service ports are written.
struct Context<'a> {
    node: &'a NodeSettings,
    options: &'a BuildOptions<'a>,
    large_cluster: bool,
    filter: &'a mut Table,
    nat: &'a mut Table,
    /// Where the per-service chains of unchanged Services go in a partial sync (dropped).
    skipped: Table,
    active: BTreeSet<String>,
}

impl Context<'_> {
    /// Everything for one service port (the body of upstream's per-service loop).
    fn service(&mut self, name: &ServicePortName, svc: &ServicePort, endpoints: &[Endpoint]) {
        let chains = ServiceChains::new(name);
        let svc_name = chains.name.as_str();
        let proto = svc.name.protocol.lower();
        let c = categorize(endpoints, svc);
        let has_endpoints = c.has_any;
        let uses_cluster_chain = !c.cluster.is_empty() && svc.uses_cluster_endpoints();
        let uses_local_chain = !c.local.is_empty() && svc.uses_local_endpoints();

        // Internal (cluster IP) traffic goes to KUBE-SVC, or KUBE-SVL with
        // internalTrafficPolicy Local; external traffic goes through KUBE-EXT to the chain of
        // its externalTrafficPolicy.
        let (internal_chain, has_internal) = if svc.internal_policy_local {
            (&chains.local, has_endpoints && !c.local.is_empty())
        } else {
            (&chains.cluster, has_endpoints)
        };
        let external_local = svc.external_policy_local();
        let (external_policy_chain, has_external) = if external_local {
            (&chains.local, has_endpoints && !c.local.is_empty())
        } else {
            (&chains.cluster, has_endpoints)
        };
        let ext = chains.external.as_str();
        let uses_external_chain = has_endpoints && svc.externally_accessible();
        let uses_fw_chain = has_endpoints
            && !svc.load_balancer_ips.is_empty()
            && !svc.load_balancer_source_ranges.is_empty();
        let lb_chain = if uses_fw_chain { &chains.firewall } else { ext };

        // Without any endpoint, packets are rejected; with endpoints elsewhere only (Local
        // policy), dropped.
        let (no_target, no_comment) = if has_endpoints {
            ("DROP", format!("\"{svc_name} has no local endpoints\""))
        } else {
            ("REJECT", format!("\"{svc_name} has no endpoints\""))
        };

        let cluster_ip = svc.cluster_ip;
        let port = svc.port;
        let m = format!("-m {proto} -p {proto}");
        let ip_comment = format!("-m comment --comment \"{svc_name} cluster IP\"");
        let f = &mut self.filter.rules;
        let n = &mut self.nat.rules;

        if has_internal {
            rule!(
                n,
                "-A {SERVICES} {ip_comment} {m} -d {cluster_ip} --dport {port} -j {internal_chain}"
            );
        } else {
            rule!(
                f,
                "-A {SERVICES} -m comment --comment {no_comment} {m} -d {cluster_ip} \
                 --dport {port} -j {no_target}"
            );
        }

        for ip in &svc.external_ips {
            if has_endpoints {
                rule!(
                    n,
                    "-A {SERVICES} -m comment --comment \"{svc_name} external IP\" {m} -d {ip} \
                     --dport {port} -j {ext}"
                );
            }
            if !has_external {
                rule!(
                    f,
                    "-A {EXTERNAL_SERVICES} -m comment --comment {no_comment} {m} -d {ip} \
                     --dport {port} -j {no_target}"
                );
            }
        }

        let lb_comment = format!("-m comment --comment \"{svc_name} loadbalancer IP\"");
        for ip in &svc.load_balancer_ips {
            if has_endpoints {
                rule!(
                    n,
                    "-A {SERVICES} {lb_comment} {m} -d {ip} --dport {port} -j {lb_chain}"
                );
            }
            if uses_fw_chain {
                rule!(
                    f,
                    "-A {PROXY_FIREWALL} -m comment --comment \"{svc_name} traffic not accepted \
                     by {}\" {m} -d {ip} --dport {port} -j DROP",
                    chains.firewall
                );
            }
        }
        if !has_external {
            for ip in &svc.load_balancer_ips {
                rule!(
                    f,
                    "-A {EXTERNAL_SERVICES} -m comment --comment {no_comment} {m} -d {ip} \
                     --dport {port} -j {no_target}"
                );
            }
        }

        if svc.node_port != 0 {
            let node_port = svc.node_port;
            if has_endpoints {
                rule!(
                    n,
                    "-A {NODEPORTS} -m comment --comment {svc_name} {m} --dport {node_port} \
                     -j {ext}"
                );
            }
            if !has_external {
                rule!(
                    f,
                    "-A {EXTERNAL_SERVICES} -m comment --comment {no_comment} \
                     -m addrtype --dst-type LOCAL {m} --dport {node_port} -j {no_target}"
                );
            }
        }

        if svc.health_check_node_port != 0 {
            rule!(
                f,
                "-A {NODEPORTS} -m comment --comment \"{svc_name} health check node port\" \
                 -m tcp -p tcp --dport {} -j ACCEPT",
                svc.health_check_node_port
            );
        }

        // From here on: the per-service chains, left out of a partial sync when this
        // Service did not change (they stay active, so they are not deleted either).
        let unchanged = self
            .options
            .changed_services
            .is_some_and(|changed| !changed.contains(&(name.namespace.clone(), name.name.clone())));
        let large = self.large_cluster;
        let node = self.node;
        let active = &mut self.active;
        let nat = if unchanged {
            self.skipped = Table::default();
            &mut self.skipped
        } else {
            &mut *self.nat
        };

        if has_internal {
            let matches = format!("{ip_comment} {m} -d {cluster_ip} --dport {port}");
            if node.masquerade_all {
                rule!(nat.rules, "-A {internal_chain} {matches} -j {MARK_MASQ}");
            } else if let Some(cidr) = node.cluster_cidr {
                rule!(
                    nat.rules,
                    "-A {internal_chain} {matches} ! -s {cidr} -j {MARK_MASQ}"
                );
            }
        }

        if uses_external_chain {
            nat.chain(ext);
            active.insert(ext.to_owned());
            let cluster = &chains.cluster;
            if !external_local {
                rule!(
                    nat.rules,
                    "-A {ext} -m comment --comment \"masquerade traffic for {svc_name} external \
                     destinations\" -j {MARK_MASQ}"
                );
            } else {
                if let Some(cidr) = node.cluster_cidr {
                    rule!(
                        nat.rules,
                        "-A {ext} -m comment --comment \"pod traffic for {svc_name} external \
                         destinations\" -s {cidr} -j {cluster}"
                    );
                }
                rule!(
                    nat.rules,
                    "-A {ext} -m comment --comment \"masquerade LOCAL traffic for {svc_name} \
                     external destinations\" -m addrtype --src-type LOCAL -j {MARK_MASQ}"
                );
                rule!(
                    nat.rules,
                    "-A {ext} -m comment --comment \"route LOCAL traffic for {svc_name} external \
                     destinations\" -m addrtype --src-type LOCAL -j {cluster}"
                );
            }
            if has_external {
                rule!(nat.rules, "-A {ext} -j {external_policy_chain}");
            }
        }

        if uses_fw_chain {
            let fw = chains.firewall.as_str();
            nat.chain(fw);
            active.insert(fw.to_owned());
            let node_ip = node.node_ips.first();
            let mut allow_from_node = false;
            for cidr in &svc.load_balancer_source_ranges {
                rule!(nat.rules, "-A {fw} {lb_comment} -s {cidr} -j {ext}");
                allow_from_node |= node_ip.is_some_and(|ip| cidr.contains(ip));
            }
            // The node reaching its own VIP-like load balancer arrives from the VIP.
            if allow_from_node {
                for ip in &svc.load_balancer_ips {
                    rule!(nat.rules, "-A {fw} {lb_comment} -s {ip} -j {ext}");
                }
            }
            rule!(
                nat.rules,
                "-A {fw} -m comment --comment \"other traffic to {svc_name} will be dropped by \
                 {PROXY_FIREWALL}\""
            );
        }

        if uses_cluster_chain {
            nat.chain(&chains.cluster);
            active.insert(chains.cluster.clone());
            service_to_endpoints(nat, large, name, svc, &chains.cluster, &c.cluster);
        }
        if uses_local_chain {
            nat.chain(&chains.local);
            active.insert(chains.local.clone());
            service_to_endpoints(nat, large, name, svc, &chains.local, &c.local);
        }

        for endpoint in &c.all_reachable {
            let chain = endpoint_chain(name, endpoint);
            nat.chain(&chain);
            let comment = if large {
                String::new()
            } else {
                format!(" -m comment --comment {svc_name}")
            };
            // Hairpin: an endpoint reaching itself through the service is masqueraded.
            rule!(
                nat.rules,
                "-A {chain}{comment} -s {} -j {MARK_MASQ}",
                endpoint.ip
            );
            let affinity = if svc.session_affinity_seconds.is_some() {
                format!(" -m recent --name {chain} --set")
            } else {
                String::new()
            };
            rule!(
                nat.rules,
                "-A {chain}{comment}{affinity} {m} -j DNAT --to-destination {}",
                endpoint.address()
            );
            active.insert(chain);
        }
    }
}

/// The rules of a KUBE-SVC / KUBE-SVL chain: affinity checks, then one probabilistic jump
/// per endpoint (upstream's `writeServiceToEndpointRules`).
fn service_to_endpoints(
    nat: &mut Table,
    large: bool,
    name: &ServicePortName,
    svc: &ServicePort,
    chain: &str,
    endpoints: &[Endpoint],
) {
    let targets: Vec<(String, String)> = endpoints
        .iter()
        .map(|e| {
            let comment = if large {
                String::new()
            } else {
                format!(" -m comment --comment \"{name} -> {}\"", e.address())
            };
            (endpoint_chain(name, e), comment)
        })
        .collect();
    if let Some(seconds) = svc.session_affinity_seconds {
        for (target, comment) in &targets {
            rule!(
                nat.rules,
                "-A {chain}{comment} -m recent --name {target} --rcheck --seconds {seconds} \
                 --reap -j {target}"
            );
        }
    }
    let count = targets.len();
    for (i, (target, comment)) in targets.iter().enumerate() {
        if i + 1 < count {
            rule!(
                nat.rules,
                "-A {chain}{comment} -m statistic --mode random --probability {} -j {target}",
                probability(count - i)
            );
        } else {
            rule!(nat.rules, "-A {chain}{comment} -j {target}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_are_formatted_as_upstream() {
        assert_eq!(probability(2), "0.5000000000");
        assert_eq!(probability(3), "0.3333333333");
        assert_eq!(probability(1000), "0.0010000000");
    }
}
