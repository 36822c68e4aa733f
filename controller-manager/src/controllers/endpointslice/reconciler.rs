//! Which EndpointSlices a service's pods need, and how the existing ones change to get there
//! (upstream's `k8s.io/endpointslice` reconciler), without I/O.
//!
//! Per address family, pods are grouped by the ports they resolve to (a named target port may
//! differ per pod); each group is placed in slices of at most `max_endpoints` endpoints.
//! Existing slices keep the endpoints still wanted (updated in place when their conditions or
//! topology changed); slices that changed are filled up first, then a single unchanged slice
//! that fits the rest, and only then new slices. A service with no endpoints keeps one empty
//! placeholder slice. Slices that would be deleted while others are created are reused instead.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Node, ObjectReference, Pod, Service};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::api::ObjectMeta;

use super::tracker::{LABEL_MANAGED_BY, LABEL_SERVICE_NAME};
use crate::controllers::endpoint::pod_endpoints::{
    self, LABEL_HEADLESS, canonical_ip, is_ipv6, is_pod_ready, is_service_ip_set,
};

/// The label of a node's zone.
pub const LABEL_ZONE: &str = "topology.kubernetes.io/zone";
pub const IPV4: &str = "IPv4";
pub const IPV6: &str = "IPv6";

/// What to write.
#[derive(Debug, Default)]
pub struct Plan {
    pub create: Vec<EndpointSlice>,
    pub update: Vec<EndpointSlice>,
    pub delete: Vec<EndpointSlice>,
    /// Pods left out because their node is unknown (the sync is retried).
    pub missing_nodes: Vec<String>,
}

/// The address types the service's endpoints take.
pub fn address_types(service: &Service) -> BTreeSet<&'static str> {
    let spec = service.spec.as_ref();
    let mut types: BTreeSet<&'static str> = spec
        .and_then(|s| s.ip_families.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|f| match f.as_str() {
            "IPv4" => Some(IPV4),
            "IPv6" => Some(IPV6),
            _ => None,
        })
        .collect();
    if types.is_empty() {
        if is_service_ip_set(service) {
            let v6 = spec
                .and_then(|s| s.cluster_ip.as_deref())
                .and_then(is_ipv6)
                .unwrap_or(false);
            types.insert(if v6 { IPV6 } else { IPV4 });
        } else {
            types.extend([IPV4, IPV6]);
        }
    }
    types
}

/// A canonical key of a set of ports (order-insensitive, server defaults applied).
pub fn port_key(ports: &[EndpointPort]) -> Vec<(String, i32, String, Option<String>)> {
    let mut key: Vec<_> = ports
        .iter()
        .map(|p| {
            (
                p.name.clone().unwrap_or_default(),
                p.port.unwrap_or_default(),
                p.protocol.clone().unwrap_or_else(|| "TCP".to_owned()),
                p.app_protocol.clone(),
            )
        })
        .collect();
    key.sort();
    key
}

/// What identifies an endpoint across syncs: addresses, hostname and target.
pub type EndpointKey = (Vec<String>, String, String, String);

pub fn endpoint_key(endpoint: &Endpoint) -> EndpointKey {
    let mut addresses = endpoint.addresses.clone();
    addresses.sort();
    let target = endpoint.target_ref.as_ref();
    (
        addresses,
        endpoint.hostname.clone().unwrap_or_default(),
        target.and_then(|t| t.namespace.clone()).unwrap_or_default(),
        target.and_then(|t| t.name.clone()).unwrap_or_default(),
    )
}

/// Whether two endpoints with the same key differ in what else they show.
pub fn endpoints_equal_beyond_key(a: &Endpoint, b: &Endpoint) -> bool {
    let conditions = |e: &Endpoint| {
        let c = e.conditions.clone().unwrap_or_default();
        (c.ready, c.serving, c.terminating)
    };
    let target = |e: &Endpoint| {
        e.target_ref.clone().map(|t| ObjectReference {
            resource_version: None,
            ..t
        })
    };
    a.node_name == b.node_name
        && a.zone == b.zone
        && conditions(a) == conditions(b)
        && target(a) == target(b)
}

/// The endpoint of `pod` for one address type (upstream's `podToEndpoint`).
pub fn pod_endpoint(
    pod: &Pod,
    node: Option<&Node>,
    service: &Service,
    address_type: &str,
) -> Endpoint {
    let serving = is_pod_ready(pod);
    let terminating = pod.metadata.deletion_timestamp.is_some();
    let ready = pod_endpoints::publishes_not_ready(service) || (serving && !terminating);
    let addresses = pod_endpoints::pod_ips(pod)
        .iter()
        .filter(|ip| is_ipv6(ip) == Some(address_type == IPV6))
        .filter_map(|ip| canonical_ip(ip))
        .collect();
    Endpoint {
        addresses,
        conditions: Some(EndpointConditions {
            ready: Some(ready),
            serving: Some(serving),
            terminating: Some(terminating),
        }),
        target_ref: Some(pod_endpoints::pod_reference(pod)),
        node_name: pod_endpoints::pod_node_name(pod),
        zone: node
            .and_then(|n| n.metadata.labels.as_ref())
            .and_then(|l| l.get(LABEL_ZONE))
            .filter(|z| !z.is_empty())
            .cloned(),
        hostname: pod_endpoints::endpoint_hostname(pod, service),
        ..Endpoint::default()
    }
}

/// The ports of the service resolved on `pod` (upstream's `getEndpointPorts`).
pub fn pod_ports(service: &Service, pod: &Pod) -> Vec<EndpointPort> {
    pod_endpoints::service_ports(service)
        .iter()
        .filter_map(|port| {
            let number = pod_endpoints::find_port(pod, port).ok()?;
            Some(EndpointPort {
                name: Some(port.name.clone().unwrap_or_default()),
                port: Some(number),
                protocol: Some(port.protocol.clone().unwrap_or_else(|| "TCP".to_owned())),
                app_protocol: port.app_protocol.clone(),
            })
        })
        .collect()
}

/// The labels a slice of `service` carries: the service's own (reserved keys aside), the
/// headless label, the service name and the manager.
pub fn slice_labels(service: &Service, manager: &str) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = service_own_labels(service);
    if !is_service_ip_set(service) {
        labels.insert(LABEL_HEADLESS.to_owned(), String::new());
    }
    labels.insert(
        LABEL_SERVICE_NAME.to_owned(),
        service.metadata.name.clone().unwrap_or_default(),
    );
    labels.insert(LABEL_MANAGED_BY.to_owned(), manager.to_owned());
    labels
}

fn is_reserved(key: &str) -> bool {
    key == LABEL_SERVICE_NAME || key == LABEL_MANAGED_BY || key == LABEL_HEADLESS
}

fn service_own_labels(service: &Service) -> BTreeMap<String, String> {
    own_labels(service.metadata.labels.as_ref())
}

fn own_labels(labels: Option<&BTreeMap<String, String>>) -> BTreeMap<String, String> {
    labels
        .into_iter()
        .flatten()
        .filter(|(k, _)| !is_reserved(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The controller reference from a slice to its service.
pub fn owner_reference(service: &Service) -> OwnerReference {
    OwnerReference {
        api_version: "v1".to_owned(),
        kind: "Service".to_owned(),
        name: service.metadata.name.clone().unwrap_or_default(),
        uid: service.metadata.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

fn owned_by(slice: &EndpointSlice, service: &Service) -> bool {
    let uid = service.metadata.uid.as_deref().unwrap_or_default();
    slice
        .metadata
        .owner_references
        .iter()
        .flatten()
        .any(|o| o.uid == uid && o.kind == "Service" && o.api_version == "v1")
}

/// A new, empty slice of the service.
pub fn new_slice(
    service: &Service,
    ports: Vec<EndpointPort>,
    address_type: &str,
    manager: &str,
) -> EndpointSlice {
    EndpointSlice {
        metadata: ObjectMeta {
            generate_name: Some(format!(
                "{}-",
                service.metadata.name.as_deref().unwrap_or_default()
            )),
            namespace: service.metadata.namespace.clone(),
            labels: Some(slice_labels(service, manager)),
            owner_references: Some(vec![owner_reference(service)]),
            ..ObjectMeta::default()
        },
        address_type: address_type.to_owned(),
        endpoints: Vec::new(),
        ports: Some(ports),
    }
}

/// The reconciler's inputs besides the service.
pub struct Inputs<'a> {
    pub pods: &'a [&'a Pod],
    pub existing: &'a [&'a EndpointSlice],
    pub node: &'a dyn Fn(&str) -> Option<Node>,
    pub max_endpoints: usize,
    pub manager: &'a str,
}

/// The writes that bring the service's slices to what its pods need.
pub fn reconcile(service: &Service, inputs: &Inputs<'_>) -> Plan {
    let types = address_types(service);
    let mut plan = Plan::default();
    let mut by_type: BTreeMap<&str, Vec<&EndpointSlice>> = BTreeMap::new();
    for slice in inputs.existing {
        if types.contains(slice.address_type.as_str()) {
            by_type
                .entry(slice.address_type.as_str())
                .or_default()
                .push(slice);
        } else {
            plan.delete.push((*slice).clone());
        }
    }
    for address_type in types {
        let existing = by_type.remove(address_type).unwrap_or_default();
        let typed = reconcile_address_type(service, inputs, &existing, address_type);
        plan.create.extend(typed.create);
        plan.update.extend(typed.update);
        plan.delete.extend(typed.delete);
        plan.missing_nodes.extend(typed.missing_nodes);
    }
    plan.missing_nodes.sort();
    plan.missing_nodes.dedup();
    plan
}

type PortGroupKey = Vec<(String, i32, String, Option<String>)>;

fn reconcile_address_type(
    service: &Service,
    inputs: &Inputs<'_>,
    existing: &[&EndpointSlice],
    address_type: &str,
) -> Plan {
    let mut plan = Plan::default();
    let mut existing_by_ports: BTreeMap<PortGroupKey, Vec<&EndpointSlice>> = BTreeMap::new();
    for slice in existing {
        if owned_by(slice, service) {
            let key = port_key(slice.ports.as_deref().unwrap_or_default());
            existing_by_ports.entry(key).or_default().push(slice);
        } else {
            plan.delete.push((*slice).clone());
        }
    }
    let mut desired: BTreeMap<PortGroupKey, (Vec<EndpointPort>, BTreeMap<EndpointKey, Endpoint>)> =
        BTreeMap::new();
    let publish_not_ready = pod_endpoints::publishes_not_ready(service);
    for pod in inputs.pods {
        if !pod_endpoints::should_pod_be_in_endpoints(pod, true) {
            continue;
        }
        let ports = pod_ports(service, pod);
        let group = desired
            .entry(port_key(&ports))
            .or_insert_with(|| (ports, BTreeMap::new()));
        let node_name = pod_endpoints::pod_node_name(pod).unwrap_or_default();
        let node = (inputs.node)(&node_name);
        if node.is_none() && !publish_not_ready {
            plan.missing_nodes
                .push(pod.metadata.name.clone().unwrap_or_default());
            continue;
        }
        let endpoint = pod_endpoint(pod, node.as_ref(), service, address_type);
        if !endpoint.addresses.is_empty() {
            group.1.insert(endpoint_key(&endpoint), endpoint);
        }
    }
    for (key, (ports, wanted)) in &desired {
        let slices = existing_by_ports
            .get(key)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let placed = place(service, inputs, slices, wanted.clone(), ports, address_type);
        plan.create.extend(placed.create);
        plan.update.extend(placed.update);
        plan.delete.extend(placed.delete);
    }
    for (key, slices) in &existing_by_ports {
        if !desired.contains_key(key) {
            plan.delete.extend(slices.iter().map(|s| (*s).clone()));
        }
    }
    // A service without endpoints keeps one empty placeholder slice.
    if existing.len() == plan.delete.len() && plan.create.is_empty() {
        let placeholder = new_slice(service, Vec::new(), address_type, inputs.manager);
        let keep = plan.delete.len() == 1 && is_placeholder(&plan.delete[0], &placeholder);
        if keep {
            plan.delete.clear();
        } else {
            plan.create.push(placeholder);
        }
    }
    recycle(service, &mut plan);
    plan
}

fn is_placeholder(slice: &EndpointSlice, placeholder: &EndpointSlice) -> bool {
    slice.metadata.namespace == placeholder.metadata.namespace
        && slice.metadata.labels.clone().unwrap_or_default()
            == placeholder.metadata.labels.clone().unwrap_or_default()
        && slice.address_type == placeholder.address_type
        && slice.endpoints.is_empty()
        && slice.ports.as_ref().is_none_or(Vec::is_empty)
}

/// Places the wanted endpoints of one port group into its slices.
fn place(
    service: &Service,
    inputs: &Inputs<'_>,
    existing: &[&EndpointSlice],
    mut wanted: BTreeMap<EndpointKey, Endpoint>,
    ports: &[EndpointPort],
    address_type: &str,
) -> Plan {
    let max = inputs.max_endpoints.max(1);
    let labels = slice_labels(service, inputs.manager);
    let own = service_own_labels(service);
    let mut to_update: Vec<EndpointSlice> = Vec::new();
    let mut unchanged: Vec<EndpointSlice> = Vec::new();
    let mut plan = Plan::default();
    // 1. Keep what is still wanted, refreshed.
    for slice in existing {
        let mut kept = Vec::new();
        let mut changed = false;
        for endpoint in &slice.endpoints {
            if let Some(want) = wanted.remove(&endpoint_key(endpoint)) {
                changed |= !endpoints_equal_beyond_key(&want, endpoint);
                kept.push(want);
            }
        }
        let labels_changed = own_labels(slice.metadata.labels.as_ref()) != own
            || slice.metadata.labels.as_ref() != Some(&labels);
        if changed || kept.len() != slice.endpoints.len() {
            if kept.is_empty() {
                plan.delete.push((*slice).clone());
            } else {
                let mut copy = (*slice).clone();
                copy.endpoints = kept;
                copy.metadata.labels = Some(labels.clone());
                to_update.push(copy);
            }
        } else if labels_changed {
            let mut copy = (*slice).clone();
            copy.metadata.labels = Some(labels.clone());
            to_update.push(copy);
        } else {
            unchanged.push((*slice).clone());
        }
    }
    let mut remaining = wanted.into_values();
    let mut next = remaining.next();
    // 2. Fill the slices being updated anyway, fullest first.
    to_update.sort_by_key(|s| std::cmp::Reverse(s.endpoints.len()));
    for slice in &mut to_update {
        while slice.endpoints.len() < max {
            let Some(endpoint) = next.take() else { break };
            slice.endpoints.push(endpoint);
            next = remaining.next();
        }
    }
    // 3. The rest: into the unchanged slice that fits it best, else new slices.
    let mut rest: Vec<Endpoint> = next.into_iter().chain(remaining).collect();
    while !rest.is_empty() {
        let fits = (rest.len() < max)
            .then(|| {
                unchanged
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.endpoints.len() + rest.len() <= max)
                    .min_by_key(|(_, s)| max - (s.endpoints.len() + rest.len()))
                    .map(|(i, _)| i)
            })
            .flatten();
        let mut slice = match fits {
            Some(i) => unchanged.remove(i),
            None => new_slice(service, ports.to_vec(), address_type, inputs.manager),
        };
        let room = max.saturating_sub(slice.endpoints.len()).min(rest.len());
        slice.endpoints.extend(rest.drain(..room));
        if slice.metadata.name.is_some() {
            to_update.push(slice);
        } else {
            plan.create.push(slice);
        }
    }
    plan.update = to_update;
    plan
}

/// Turns creates into updates of slices that would otherwise be deleted (same address type,
/// owned by the service).
fn recycle(service: &Service, plan: &mut Plan) {
    let mut i = 0;
    while i < plan.delete.len() && !plan.create.is_empty() {
        let last = plan.create.len() - 1;
        let candidate = &plan.delete[i];
        if candidate.address_type == plan.create[last].address_type && owned_by(candidate, service)
        {
            let old = plan.delete.remove(i);
            let mut slice = plan.create.remove(last);
            slice.metadata.name = old.metadata.name.clone();
            slice.metadata.generate_name = None;
            slice.metadata.resource_version = old.metadata.resource_version.clone();
            slice.metadata.uid = old.metadata.uid.clone();
            slice.metadata.annotations = old.metadata.annotations.clone();
            plan.update.push(slice);
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
#[path = "reconciler_tests.rs"]
mod tests;
