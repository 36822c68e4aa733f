//! The canonical layout of an Endpoints' subsets (upstream's `endpoints.RepackSubsets`), and
//! the truncation of Endpoints over capacity (1000 addresses).
//!
//! Repacking expands subsets to (address, port) pairs, keeps an address not ready on a port if
//! any subset lists it not ready there, and groups the ports by the exact set of addresses
//! (with readiness) offering them: one subset per distinct set. Addresses are ordered by IP
//! then pod UID, ports and subsets in a fixed order, so equal contents compare equal.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{EndpointAddress, EndpointPort, EndpointSubset, Endpoints};

/// The most addresses an Endpoints holds; more are truncated.
pub const MAX_CAPACITY: usize = 1000;
/// Annotation set on truncated Endpoints.
pub const ANNOTATION_OVER_CAPACITY: &str = "endpoints.kubernetes.io/over-capacity";
/// Its value.
pub const TRUNCATED: &str = "truncated";

/// (name, port, protocol, appProtocol); port -1 stands for "no ports" so port-less
/// addresses (headless services without ports) survive.
type PortKey = (String, i32, String, Option<String>);
/// (IP, pod UID): one address.
type AddressKey = (String, String);

fn port_key(port: &EndpointPort) -> PortKey {
    (
        port.name.clone().unwrap_or_default(),
        port.port,
        port.protocol.clone().unwrap_or_default(),
        port.app_protocol.clone(),
    )
}

fn address_key(address: &EndpointAddress) -> AddressKey {
    let uid = address
        .target_ref
        .as_ref()
        .and_then(|r| r.uid.clone())
        .unwrap_or_default();
    (address.ip.clone(), uid)
}

/// Upstream's order of addresses: by IP bytes, then those without a target first, then UID.
fn address_order(a: &EndpointAddress, b: &EndpointAddress) -> std::cmp::Ordering {
    a.ip.as_bytes().cmp(b.ip.as_bytes()).then_with(|| {
        let uid = |x: &EndpointAddress| {
            x.target_ref
                .as_ref()
                .map(|r| r.uid.clone().unwrap_or_default())
        };
        uid(a).cmp(&uid(b))
    })
}

/// Subsets in canonical form.
pub fn repack_subsets(subsets: &[EndpointSubset]) -> Vec<EndpointSubset> {
    let mut all: BTreeMap<AddressKey, EndpointAddress> = BTreeMap::new();
    let mut by_port: BTreeMap<PortKey, (Option<EndpointPort>, BTreeMap<AddressKey, bool>)> =
        BTreeMap::new();
    for subset in subsets {
        let ports: Vec<Option<&EndpointPort>> = match subset.ports.as_deref() {
            Some(ports) if !ports.is_empty() => ports.iter().map(Some).collect(),
            _ => vec![None],
        };
        let ready = subset.addresses.iter().flatten().map(|a| (a, true));
        let not_ready = subset
            .not_ready_addresses
            .iter()
            .flatten()
            .map(|a| (a, false));
        let addresses: Vec<(&EndpointAddress, bool)> = ready.chain(not_ready).collect();
        for port in &ports {
            let key = port.map_or((String::new(), -1, String::new(), None), port_key);
            let entry = by_port
                .entry(key)
                .or_insert_with(|| (port.cloned(), BTreeMap::new()));
            for (address, is_ready) in &addresses {
                let key = address_key(address);
                all.entry(key.clone()).or_insert_with(|| (*address).clone());
                // Not ready wins over ready.
                let state = entry.1.entry(key).or_insert(*is_ready);
                *state = *state && *is_ready;
            }
        }
    }
    // Group ports by the set of addresses (with readiness) offering them.
    let mut groups: BTreeMap<Vec<(AddressKey, bool)>, Vec<Option<EndpointPort>>> = BTreeMap::new();
    for (_, (port, addresses)) in by_port {
        let set: Vec<(AddressKey, bool)> = addresses.into_iter().collect();
        groups.entry(set).or_default().push(port);
    }
    let mut packed: Vec<EndpointSubset> = groups
        .into_iter()
        .map(|(set, ports)| {
            let mut ready = Vec::new();
            let mut not_ready = Vec::new();
            for (key, is_ready) in set {
                let Some(address) = all.get(&key) else {
                    continue;
                };
                if is_ready {
                    ready.push(address.clone());
                } else {
                    not_ready.push(address.clone());
                }
            }
            ready.sort_by(address_order);
            not_ready.sort_by(address_order);
            let ports: Vec<EndpointPort> = ports.into_iter().flatten().collect();
            EndpointSubset {
                addresses: (!ready.is_empty()).then_some(ready),
                not_ready_addresses: (!not_ready.is_empty()).then_some(not_ready),
                ports: (!ports.is_empty()).then_some(ports),
            }
        })
        .collect();
    packed.sort_by_cached_key(subset_order);
    packed
}

fn subset_order(subset: &EndpointSubset) -> (Vec<PortKey>, BTreeSet<AddressKey>) {
    let ports = subset.ports.iter().flatten().map(port_key).collect();
    let addresses = subset
        .addresses
        .iter()
        .chain(subset.not_ready_addresses.iter())
        .flatten()
        .map(address_key)
        .collect();
    (ports, addresses)
}

fn count(subsets: &[EndpointSubset]) -> (usize, usize) {
    subsets.iter().fold((0, 0), |(r, n), s| {
        (
            r + s.addresses.as_ref().map_or(0, Vec::len),
            n + s.not_ready_addresses.as_ref().map_or(0, Vec::len),
        )
    })
}

/// Whether the over-capacity annotation is as it should be: absent, and not over capacity.
pub fn capacity_annotation_set_correctly(endpoints: &Endpoints) -> bool {
    let (ready, not_ready) = count(endpoints.subsets.as_deref().unwrap_or_default());
    if ready + not_ready > MAX_CAPACITY {
        return false;
    }
    endpoints
        .metadata
        .annotations
        .as_ref()
        .is_none_or(|a| !a.contains_key(ANNOTATION_OVER_CAPACITY))
}

/// Cuts the subsets down to [`MAX_CAPACITY`] addresses, ready ones first, each subset keeping
/// its share (rounded up, the last one what is left); whether anything was cut.
pub fn truncate_subsets(subsets: &mut [EndpointSubset]) -> bool {
    let (total_ready, total_not_ready) = count(subsets);
    if total_ready + total_not_ready <= MAX_CAPACITY {
        return false;
    }
    let truncate_ready = total_ready > MAX_CAPACITY;
    let (max, total) = if truncate_ready {
        (MAX_CAPACITY, total_ready)
    } else {
        (MAX_CAPACITY - total_ready, total_not_ready)
    };
    let mut left = max;
    for subset in subsets.iter_mut() {
        let list = if truncate_ready {
            &mut subset.addresses
        } else {
            &mut subset.not_ready_addresses
        };
        let in_subset = list.as_ref().map_or(0, Vec::len);
        let share = (in_subset * max).div_ceil(total).min(left);
        if let Some(list) = list.as_mut() {
            list.truncate(share);
        }
        left -= list.as_ref().map_or(0, Vec::len);
        if truncate_ready {
            subset.not_ready_addresses = None;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ObjectReference;

    fn address(ip: &str, uid: &str) -> EndpointAddress {
        EndpointAddress {
            ip: ip.to_owned(),
            target_ref: Some(ObjectReference {
                kind: Some("Pod".into()),
                uid: Some(uid.to_owned()),
                ..ObjectReference::default()
            }),
            ..EndpointAddress::default()
        }
    }

    fn port(name: &str, number: i32) -> EndpointPort {
        EndpointPort {
            name: Some(name.to_owned()),
            port: number,
            protocol: Some("TCP".into()),
            ..EndpointPort::default()
        }
    }

    fn subset(
        ready: &[&EndpointAddress],
        not_ready: &[&EndpointAddress],
        ports: &[EndpointPort],
    ) -> EndpointSubset {
        let list = |a: &[&EndpointAddress]| {
            (!a.is_empty()).then(|| a.iter().map(|x| (*x).clone()).collect())
        };
        EndpointSubset {
            addresses: list(ready),
            not_ready_addresses: list(not_ready),
            ports: (!ports.is_empty()).then(|| ports.to_vec()),
        }
    }

    fn ips(list: &Option<Vec<EndpointAddress>>) -> Vec<&str> {
        list.iter().flatten().map(|a| a.ip.as_str()).collect()
    }

    #[test]
    fn addresses_with_the_same_ports_share_one_subset_in_ip_order() {
        let (a, b) = (address("10.0.0.2", "b"), address("10.0.0.1", "a"));
        let packed = repack_subsets(&[
            subset(&[&a], &[], &[port("http", 80)]),
            subset(&[&b], &[], &[port("http", 80)]),
            subset(&[&a], &[], &[port("https", 443)]),
            subset(&[&b], &[], &[port("https", 443)]),
        ]);
        assert_eq!(packed.len(), 1);
        assert_eq!(ips(&packed[0].addresses), ["10.0.0.1", "10.0.0.2"]);
        assert_eq!(packed[0].ports.as_ref().map(Vec::len), Some(2));
    }

    #[test]
    fn different_port_resolution_splits_subsets_and_not_ready_wins() {
        let (a, b) = (address("10.0.0.1", "a"), address("10.0.0.2", "b"));
        let packed = repack_subsets(&[
            subset(&[&a], &[], &[port("http", 8080)]),
            subset(&[], &[&b], &[port("http", 9090)]),
            subset(&[&b], &[], &[port("http", 9090)]),
        ]);
        assert_eq!(packed.len(), 2);
        let for_port = |n: i32| {
            packed
                .iter()
                .find(|s| s.ports.as_ref().is_some_and(|p| p[0].port == n))
                .expect("subset")
        };
        assert_eq!(ips(&for_port(8080).addresses), ["10.0.0.1"]);
        assert!(for_port(9090).addresses.is_none());
        assert_eq!(ips(&for_port(9090).not_ready_addresses), ["10.0.0.2"]);
    }

    #[test]
    fn portless_addresses_are_kept() {
        let a = address("10.0.0.1", "a");
        let packed = repack_subsets(&[subset(&[&a], &[], &[])]);
        assert_eq!(packed.len(), 1);
        assert_eq!(ips(&packed[0].addresses), ["10.0.0.1"]);
        assert!(packed[0].ports.is_none());
    }

    #[test]
    fn repacking_is_stable() {
        let (a, b) = (address("10.0.0.1", "a"), address("10.0.0.2", "b"));
        let input = [
            subset(&[&b], &[], &[port("http", 80)]),
            subset(&[&a], &[], &[port("http", 81)]),
        ];
        let once = repack_subsets(&input);
        assert_eq!(repack_subsets(&once), once);
    }

    #[test]
    fn over_capacity_keeps_ready_addresses_first() {
        let many = |prefix: &str, n: usize| -> Vec<EndpointAddress> {
            (0..n)
                .map(|i| {
                    address(
                        &format!("{prefix}.{}.{}", i / 250, i % 250),
                        &format!("{prefix}{i}"),
                    )
                })
                .collect()
        };
        let mut subsets = vec![EndpointSubset {
            addresses: Some(many("10", 900)),
            not_ready_addresses: Some(many("11", 200)),
            ports: Some(vec![port("http", 80)]),
        }];
        assert!(truncate_subsets(&mut subsets));
        assert_eq!(subsets[0].addresses.as_ref().map(Vec::len), Some(900));
        assert_eq!(
            subsets[0].not_ready_addresses.as_ref().map(Vec::len),
            Some(100)
        );
        let mut ready_only = vec![
            EndpointSubset {
                addresses: Some(many("10", 800)),
                ports: Some(vec![port("a", 1)]),
                ..Default::default()
            },
            EndpointSubset {
                addresses: Some(many("12", 400)),
                not_ready_addresses: Some(many("11", 5)),
                ports: Some(vec![port("b", 2)]),
            },
        ];
        assert!(truncate_subsets(&mut ready_only));
        assert_eq!(count(&ready_only), (1000, 0));
        assert_eq!(ready_only[0].addresses.as_ref().map(Vec::len), Some(667));
    }
}
