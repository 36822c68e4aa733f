//! Stale UDP conntrack entries (upstream's `pkg/proxy/conntrack`): UDP has no connection to
//! end, so after the rules change, replies keep following the old NAT entry. When a UDP
//! endpoint goes away, the entries that DNAT to it are deleted; when a UDP service port gets
//! its first endpoint, entries for its addresses (which were being rejected) are deleted.
//! Deletion runs the `conntrack` tool (conntrack-tools), as upstream did before its netlink
//! client.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};

use crate::model::{Protocol, ProxyState, ServicePort, ServicePortName};

/// One `conntrack -D` filter.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flush {
    /// Entries to `service_ip` (any port) that were DNATed to `endpoint`.
    ServiceEndpoint {
        service_ip: Ipv4Addr,
        endpoint: Ipv4Addr,
    },
    /// Entries to node port `port` that were DNATed to `endpoint`.
    NodePortEndpoint { port: u16, endpoint: Ipv4Addr },
    /// Every entry to `ip` (a service address that had no endpoints).
    ServiceIp { ip: Ipv4Addr },
    /// Every entry to node port `port`.
    NodePort { port: u16 },
}

impl Flush {
    /// The `conntrack` arguments.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec!["-D".to_owned(), "-p".to_owned(), "udp".to_owned()];
        match self {
            Flush::ServiceEndpoint {
                service_ip,
                endpoint,
            } => args.extend([
                "--orig-dst".to_owned(),
                service_ip.to_string(),
                "--dst-nat".to_owned(),
                endpoint.to_string(),
            ]),
            Flush::NodePortEndpoint { port, endpoint } => args.extend([
                "--orig-port-dst".to_owned(),
                port.to_string(),
                "--dst-nat".to_owned(),
                endpoint.to_string(),
            ]),
            Flush::ServiceIp { ip } => args.extend(["--orig-dst".to_owned(), ip.to_string()]),
            Flush::NodePort { port } => {
                args.extend(["--orig-port-dst".to_owned(), port.to_string()])
            }
        }
        args
    }
}

fn addresses(service: &ServicePort) -> impl Iterator<Item = Ipv4Addr> + '_ {
    std::iter::once(service.cluster_ip)
        .chain(service.external_ips.iter().copied())
        .chain(service.load_balancer_ips.iter().copied())
}

/// The flushes the change from `old` to `new` calls for.
pub fn stale_entries(old: &ProxyState, new: &ProxyState) -> BTreeSet<Flush> {
    let names: BTreeSet<&ServicePortName> =
        old.services.keys().chain(new.services.keys()).collect();
    stale_entries_among(old, new, names)
}

/// [`stale_entries`] for the service ports `names` alone (those that changed).
pub fn stale_entries_among<'a>(
    old: &ProxyState,
    new: &ProxyState,
    names: impl IntoIterator<Item = &'a ServicePortName>,
) -> BTreeSet<Flush> {
    let mut flushes = BTreeSet::new();
    let usable = |state: &ProxyState, name| -> BTreeSet<Ipv4Addr> {
        state
            .endpoints
            .get(name)
            .into_iter()
            .flatten()
            .filter(|e| e.ready || (e.serving && e.terminating))
            .map(|e| e.ip)
            .collect()
    };
    for name in names {
        if name.protocol != Protocol::Udp {
            continue;
        }
        let before = usable(old, name);
        if let Some(service) = old.services.get(name) {
            for gone in before.difference(&usable(new, name)) {
                for ip in addresses(service) {
                    flushes.insert(Flush::ServiceEndpoint {
                        service_ip: ip,
                        endpoint: *gone,
                    });
                }
                if service.node_port != 0 {
                    flushes.insert(Flush::NodePortEndpoint {
                        port: service.node_port,
                        endpoint: *gone,
                    });
                }
            }
        }
        if let Some(service) = new.services.get(name) {
            let had = old.services.contains_key(name) && !before.is_empty();
            if !had && !usable(new, name).is_empty() {
                for ip in addresses(service) {
                    flushes.insert(Flush::ServiceIp { ip });
                }
                if service.node_port != 0 {
                    flushes.insert(Flush::NodePort {
                        port: service.node_port,
                    });
                }
            }
        }
    }
    flushes
}

/// Runs the flushes (in `netns` when given). A missing `conntrack` tool is reported once by
/// the caller; "0 flow entries" is not an error.
pub fn flush(flushes: &BTreeSet<Flush>, netns: Option<&str>) -> Result<(), String> {
    for entry in flushes {
        let mut command = match netns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns, "conntrack"]);
                c
            }
            None => Command::new("conntrack"),
        };
        let output = command
            .args(entry.args())
            .stdin(Stdio::null())
            .output()
            .map_err(|error| format!("running conntrack: {error}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        // conntrack exits 1 when nothing matched ("0 flow entries have been deleted").
        if !output.status.success() && !stderr.contains("0 flow entries") {
            return Err(format!(
                "conntrack {}: {}",
                entry.args().join(" "),
                stderr.trim()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, ServicePortName};

    fn state(protocol: Protocol, endpoints: &[u8]) -> ProxyState {
        let name = ServicePortName {
            namespace: "ns".into(),
            name: "dns".into(),
            port: String::new(),
            protocol,
        };
        let mut state = ProxyState::default();
        state.services.insert(
            name.clone(),
            ServicePort {
                name: name.clone(),
                cluster_ip: Ipv4Addr::new(10, 96, 0, 10),
                port: 53,
                node_port: 30053,
                external_ips: vec![],
                load_balancer_ips: vec![],
                load_balancer_source_ranges: vec![],
                session_affinity_seconds: None,
                external_policy_local: false,
                internal_policy_local: false,
                health_check_node_port: 0,
            },
        );
        state.endpoints.insert(
            name,
            endpoints
                .iter()
                .map(|last| Endpoint {
                    ip: Ipv4Addr::new(10, 244, 0, *last),
                    port: 53,
                    is_local: false,
                    ready: true,
                    serving: true,
                    terminating: false,
                })
                .collect(),
        );
        state
    }

    #[test]
    fn removed_udp_endpoints_and_first_endpoints_are_flushed() {
        let flushes = stale_entries(&state(Protocol::Udp, &[1, 2]), &state(Protocol::Udp, &[2]));
        let gone = Ipv4Addr::new(10, 244, 0, 1);
        assert_eq!(
            flushes.into_iter().collect::<Vec<_>>(),
            vec![
                Flush::ServiceEndpoint {
                    service_ip: Ipv4Addr::new(10, 96, 0, 10),
                    endpoint: gone
                },
                Flush::NodePortEndpoint {
                    port: 30053,
                    endpoint: gone
                },
            ]
        );
        let first = stale_entries(&state(Protocol::Udp, &[]), &state(Protocol::Udp, &[1]));
        assert!(first.contains(&Flush::ServiceIp {
            ip: Ipv4Addr::new(10, 96, 0, 10)
        }));
        assert!(first.contains(&Flush::NodePort { port: 30053 }));
        assert_eq!(
            Flush::NodePort { port: 30053 }.args().join(" "),
            "-D -p udp --orig-port-dst 30053"
        );
    }

    #[test]
    fn tcp_changes_need_no_flush() {
        assert!(
            stale_entries(&state(Protocol::Tcp, &[1, 2]), &state(Protocol::Tcp, &[2])).is_empty()
        );
    }
}
