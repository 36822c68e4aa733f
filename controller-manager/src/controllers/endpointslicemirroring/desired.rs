//! The slices an Endpoints mirrors into, and the writes that get the existing ones there
//! (upstream's mirroring reconciler), without I/O: one slice per (address family, port set),
//! the first existing slice of a group updated in place, the others deleted, and slices about
//! to be deleted reused for creates of the same address family.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{EndpointAddress, Endpoints};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::api::ObjectMeta;

use super::MANAGER;
use crate::controllers::endpoint::pod_endpoints::{ANNOTATION_TRIGGER_TIME, canonical_ip, is_ipv6};
use crate::controllers::endpointslice::reconciler::{
    EndpointKey, IPV4, IPV6, endpoint_key, endpoints_equal_beyond_key, port_key,
};
use crate::controllers::endpointslice::tracker::{LABEL_MANAGED_BY, LABEL_SERVICE_NAME};

/// kubectl's record of the last applied configuration; not mirrored.
const ANNOTATION_LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

type GroupKey = (&'static str, Vec<(String, i32, String, Option<String>)>);

/// The endpoints wanted, by address type and ports.
pub struct Desired {
    groups: BTreeMap<GroupKey, (Vec<EndpointPort>, BTreeMap<EndpointKey, Endpoint>)>,
    /// Addresses that are not IPs.
    pub invalid: usize,
    /// Addresses left out (invalid ones, and those over the per-subset maximum).
    pub skipped: usize,
}

/// What to write.
#[derive(Debug, Default)]
pub struct Plan {
    pub create: Vec<EndpointSlice>,
    pub update: Vec<EndpointSlice>,
    pub delete: Vec<EndpointSlice>,
}

fn to_endpoint(address: &EndpointAddress, ready: bool) -> Option<(&'static str, Endpoint)> {
    let ip = canonical_ip(&address.ip)?;
    let address_type = if is_ipv6(&ip) == Some(true) {
        IPV6
    } else {
        IPV4
    };
    Some((
        address_type,
        Endpoint {
            addresses: vec![ip],
            conditions: Some(EndpointConditions {
                ready: Some(ready),
                ..EndpointConditions::default()
            }),
            target_ref: address.target_ref.clone(),
            node_name: address.node_name.clone(),
            hostname: address.hostname.clone().filter(|h| !h.is_empty()),
            ..Endpoint::default()
        },
    ))
}

/// The endpoints an Endpoints' subsets want, at most `max_per_subset` addresses each.
pub fn desired(endpoints: &Endpoints, max_per_subset: usize) -> Desired {
    let mut desired = Desired {
        groups: BTreeMap::new(),
        invalid: 0,
        skipped: 0,
    };
    for subset in endpoints.subsets.iter().flatten() {
        let ports: Vec<EndpointPort> = subset
            .ports
            .iter()
            .flatten()
            .map(|p| EndpointPort {
                name: Some(p.name.clone().unwrap_or_default()),
                port: Some(p.port),
                protocol: Some(p.protocol.clone().unwrap_or_else(|| "TCP".to_owned())),
                app_protocol: p.app_protocol.clone(),
            })
            .collect();
        let key = port_key(&ports);
        let ready = subset.addresses.iter().flatten().map(|a| (a, true));
        let not_ready = subset
            .not_ready_addresses
            .iter()
            .flatten()
            .map(|a| (a, false));
        let mut added = 0;
        let mut total = 0;
        for (address, is_ready) in ready.chain(not_ready) {
            total += 1;
            if added >= max_per_subset {
                continue;
            }
            let Some((address_type, endpoint)) = to_endpoint(address, is_ready) else {
                desired.invalid += 1;
                continue;
            };
            added += 1;
            desired
                .groups
                .entry((address_type, key.clone()))
                .or_insert_with(|| (ports.clone(), BTreeMap::new()))
                .1
                .insert(endpoint_key(&endpoint), endpoint);
        }
        desired.skipped += total - added;
    }
    desired
}

/// A mirrored slice of `endpoints` (named `name` when it replaces one).
fn new_slice(
    endpoints: &Endpoints,
    ports: &[EndpointPort],
    address_type: &str,
    name: Option<&EndpointSlice>,
) -> EndpointSlice {
    let mut labels = endpoints.metadata.labels.clone().unwrap_or_default();
    let endpoints_name = endpoints.metadata.name.clone().unwrap_or_default();
    labels.insert(LABEL_SERVICE_NAME.to_owned(), endpoints_name.clone());
    labels.insert(LABEL_MANAGED_BY.to_owned(), MANAGER.to_owned());
    let annotations: BTreeMap<String, String> = endpoints
        .metadata
        .annotations
        .iter()
        .flatten()
        .filter(|(k, _)| *k != ANNOTATION_TRIGGER_TIME && *k != ANNOTATION_LAST_APPLIED)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    EndpointSlice {
        metadata: ObjectMeta {
            name: name.and_then(|s| s.metadata.name.clone()),
            generate_name: name.is_none().then(|| format!("{endpoints_name}-")),
            resource_version: name.and_then(|s| s.metadata.resource_version.clone()),
            namespace: endpoints.metadata.namespace.clone(),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            owner_references: Some(vec![OwnerReference {
                api_version: "v1".to_owned(),
                kind: "Endpoints".to_owned(),
                name: endpoints_name,
                uid: endpoints.metadata.uid.clone().unwrap_or_default(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }]),
            ..ObjectMeta::default()
        },
        address_type: address_type.to_owned(),
        endpoints: Vec::new(),
        ports: Some(ports.to_vec()),
    }
}

/// Whether `slice` already shows `wanted` with the labels and annotations of `fresh`.
fn matches(
    slice: &EndpointSlice,
    wanted: &BTreeMap<EndpointKey, Endpoint>,
    fresh: &EndpointSlice,
) -> bool {
    slice.endpoints.len() == wanted.len()
        && slice.endpoints.iter().all(|e| {
            wanted
                .get(&endpoint_key(e))
                .is_some_and(|w| endpoints_equal_beyond_key(w, e))
        })
        && slice.metadata.labels.clone().unwrap_or_default()
            == fresh.metadata.labels.clone().unwrap_or_default()
        && slice.metadata.annotations.clone().unwrap_or_default()
            == fresh.metadata.annotations.clone().unwrap_or_default()
}

/// The writes from `existing` (mirrored slices of the Endpoints) to `desired`.
pub fn plan(endpoints: &Endpoints, desired: &Desired, existing: &[&EndpointSlice]) -> Plan {
    let mut by_key: BTreeMap<GroupKey, Vec<&EndpointSlice>> = BTreeMap::new();
    let mut plan = Plan::default();
    for slice in existing {
        let address_type = match slice.address_type.as_str() {
            "IPv4" => IPV4,
            "IPv6" => IPV6,
            _ => {
                plan.delete.push((*slice).clone());
                continue;
            }
        };
        let key = (
            address_type,
            port_key(slice.ports.as_deref().unwrap_or_default()),
        );
        by_key.entry(key).or_default().push(slice);
    }
    for (key, (ports, wanted)) in &desired.groups {
        let slices = by_key.remove(key).unwrap_or_default();
        let first = slices.first().copied();
        plan.delete
            .extend(slices.iter().skip(1).map(|s| (*s).clone()));
        let mut fresh = new_slice(endpoints, ports, key.0, first);
        if first.is_some_and(|s| matches(s, wanted, &fresh)) {
            continue;
        }
        fresh.endpoints = wanted.values().cloned().collect();
        if first.is_some() {
            plan.update.push(fresh);
        } else {
            plan.create.push(fresh);
        }
    }
    for slices in by_key.into_values() {
        plan.delete.extend(slices.into_iter().cloned());
    }
    // Reuse slices about to be deleted for creates of the same address type.
    for address_type in [IPV4, IPV6] {
        loop {
            let create = plan
                .create
                .iter()
                .position(|s| s.address_type == address_type);
            let delete = plan
                .delete
                .iter()
                .position(|s| s.address_type == address_type);
            let (Some(c), Some(d)) = (create, delete) else {
                break;
            };
            let mut slice = plan.create.remove(c);
            let old = plan.delete.remove(d);
            slice.metadata.name = old.metadata.name;
            slice.metadata.generate_name = None;
            slice.metadata.resource_version = old.metadata.resource_version;
            plan.update.push(slice);
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn endpoints() -> Endpoints {
        serde_json::from_value(json!({
            "metadata": {"name": "ext", "namespace": "ns", "uid": "ep-uid",
                "labels": {"team": "a"}, "annotations": {"note": "x", ANNOTATION_TRIGGER_TIME: "t"}},
            "subsets": [{
                "addresses": [{"ip": "192.168.1.1"}, {"ip": "fd00::1"}, {"ip": "bogus"}],
                "notReadyAddresses": [{"ip": "192.168.1.2", "nodeName": "n1"}],
                "ports": [{"name": "db", "port": 5432, "protocol": "TCP"}]
            }]
        }))
        .expect("endpoints")
    }

    #[test]
    fn subsets_mirror_into_one_slice_per_family_and_unchanged_slices_stay() {
        let ep = endpoints();
        let wanted = desired(&ep, 1000);
        assert_eq!((wanted.invalid, wanted.skipped), (1, 1));
        let first = plan(&ep, &wanted, &[]);
        assert_eq!(first.create.len(), 2);
        let v4 = first
            .create
            .iter()
            .find(|s| s.address_type == "IPv4")
            .expect("v4");
        let ready: Vec<(&str, Option<bool>)> = v4
            .endpoints
            .iter()
            .map(|e| {
                (
                    e.addresses[0].as_str(),
                    e.conditions.as_ref().and_then(|c| c.ready),
                )
            })
            .collect();
        assert_eq!(
            ready,
            [("192.168.1.1", Some(true)), ("192.168.1.2", Some(false))]
        );
        let labels = v4.metadata.labels.clone().expect("labels");
        assert_eq!(
            labels.get(LABEL_MANAGED_BY).map(String::as_str),
            Some(MANAGER)
        );
        assert_eq!(
            labels.get(LABEL_SERVICE_NAME).map(String::as_str),
            Some("ext")
        );
        assert_eq!(labels.get("team").map(String::as_str), Some("a"));
        let annotations = v4.metadata.annotations.clone().expect("annotations");
        assert_eq!(annotations.keys().collect::<Vec<_>>(), ["note"]);
        let stored: Vec<EndpointSlice> = first
            .create
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                s.metadata.name = Some(format!("ext-{i}"));
                s
            })
            .collect();
        let refs: Vec<&EndpointSlice> = stored.iter().collect();
        let again = plan(&ep, &wanted, &refs);
        assert!(again.create.is_empty() && again.update.is_empty() && again.delete.is_empty());
        let emptied = Endpoints {
            subsets: None,
            ..ep.clone()
        };
        let gone = plan(&emptied, &desired(&emptied, 1000), &refs);
        assert_eq!(gone.delete.len(), 2);
    }

    #[test]
    fn addresses_over_the_subset_maximum_are_skipped() {
        let wanted = desired(&endpoints(), 1);
        assert_eq!((wanted.invalid, wanted.skipped), (0, 3));
    }
}
