//! From API objects to the [`ProxyState`]: Services to service ports (upstream's
//! `newBaseServiceInfo`) and EndpointSlices to endpoints (`endpointsChangeTracker`), with the
//! same skips: headless and ExternalName Services, and slices of other address types.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;

use crate::model::{Endpoint, Protocol, ProxyState, ServicePort, ServicePortName, ipv4};

/// The label naming an EndpointSlice's Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// Upstream's default ClientIP affinity timeout (3 hours).
pub const DEFAULT_AFFINITY_SECONDS: u32 = 10800;

/// Whether the proxy ignores `service` (upstream's `ShouldSkipService`).
pub fn skip_service(service: &Service) -> bool {
    let Some(spec) = &service.spec else {
        return true;
    };
    let cluster_ip = spec.cluster_ip.as_deref().unwrap_or_default();
    cluster_ip.is_empty() || cluster_ip == "None" || spec.type_.as_deref() == Some("ExternalName")
}

/// The service ports of `service` (none if it is skipped or has no IPv4 cluster IP).
pub fn service_ports(service: &Service) -> Vec<ServicePort> {
    if skip_service(service) {
        return Vec::new();
    }
    let Some(spec) = &service.spec else {
        return Vec::new();
    };
    let cluster_ip = spec
        .cluster_ips
        .iter()
        .flatten()
        .chain(spec.cluster_ip.iter())
        .find_map(|ip| ipv4(ip));
    let Some(cluster_ip) = cluster_ip else {
        return Vec::new();
    };
    let namespace = service.metadata.namespace.clone().unwrap_or_default();
    let name = service.metadata.name.clone().unwrap_or_default();
    let external_ips = spec
        .external_ips
        .iter()
        .flatten()
        .filter_map(|ip| ipv4(ip))
        .collect::<Vec<_>>();
    let load_balancer_ips = service
        .status
        .as_ref()
        .and_then(|status| status.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|ingress| ingress.ip.as_deref().and_then(ipv4))
        .collect::<Vec<_>>();
    let source_ranges = spec
        .load_balancer_source_ranges
        .iter()
        .flatten()
        .filter_map(|range| range.trim().parse().ok())
        .collect::<Vec<_>>();
    let affinity = (spec.session_affinity.as_deref() == Some("ClientIP")).then(|| {
        spec.session_affinity_config
            .as_ref()
            .and_then(|config| config.client_ip.as_ref())
            .and_then(|client| client.timeout_seconds)
            .and_then(|seconds| u32::try_from(seconds).ok())
            .unwrap_or(DEFAULT_AFFINITY_SECONDS)
    });
    let is_load_balancer = spec.type_.as_deref() == Some("LoadBalancer");
    spec.ports
        .iter()
        .flatten()
        .filter_map(|port| {
            let protocol = Protocol::parse(port.protocol.as_deref().unwrap_or("TCP"))?;
            Some(ServicePort {
                name: ServicePortName {
                    namespace: namespace.clone(),
                    name: name.clone(),
                    port: port.name.clone().unwrap_or_default(),
                    protocol,
                },
                cluster_ip,
                port: u16::try_from(port.port).ok()?,
                node_port: port
                    .node_port
                    .and_then(|p| u16::try_from(p).ok())
                    .unwrap_or(0),
                external_ips: external_ips.clone(),
                load_balancer_ips: if is_load_balancer {
                    load_balancer_ips.clone()
                } else {
                    Vec::new()
                },
                load_balancer_source_ranges: source_ranges.clone(),
                session_affinity_seconds: affinity,
                external_policy_local: spec.external_traffic_policy.as_deref() == Some("Local"),
                internal_policy_local: spec.internal_traffic_policy.as_deref() == Some("Local"),
                health_check_node_port: spec
                    .health_check_node_port
                    .and_then(|p| u16::try_from(p).ok())
                    .unwrap_or(0),
            })
        })
        .collect()
}

/// The endpoints of every port of the Service `namespace/name` in `slices` (the slices of
/// that Service), deduplicated by address as upstream does across slices.
pub fn endpoints(
    namespace: &str,
    name: &str,
    slices: &[&EndpointSlice],
    node_name: &str,
) -> BTreeMap<ServicePortName, Vec<Endpoint>> {
    let mut by_port: BTreeMap<ServicePortName, Vec<Endpoint>> = BTreeMap::new();
    let mut seen: BTreeSet<(ServicePortName, String)> = BTreeSet::new();
    for slice in slices {
        if slice.address_type != "IPv4" {
            continue;
        }
        for port in slice.ports.iter().flatten() {
            let (Some(number), Some(protocol)) = (
                port.port.and_then(|p| u16::try_from(p).ok()),
                Protocol::parse(port.protocol.as_deref().unwrap_or("TCP")),
            ) else {
                continue;
            };
            let port_name = ServicePortName {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                port: port.name.clone().unwrap_or_default(),
                protocol,
            };
            for endpoint in &slice.endpoints {
                let conditions = endpoint.conditions.clone().unwrap_or_default();
                let ready = conditions.ready.unwrap_or(true);
                let serving = conditions.serving.unwrap_or(ready);
                let terminating = conditions.terminating.unwrap_or(false);
                let is_local = endpoint.node_name.as_deref() == Some(node_name);
                // Upstream programs only the first address of an endpoint.
                let Some(ip) = endpoint.addresses.first().and_then(|ip| ipv4(ip)) else {
                    continue;
                };
                let entry = Endpoint {
                    ip,
                    port: number,
                    is_local,
                    ready,
                    serving,
                    terminating,
                };
                if seen.insert((port_name.clone(), entry.address())) {
                    by_port.entry(port_name.clone()).or_default().push(entry);
                }
            }
        }
    }
    for list in by_port.values_mut() {
        list.sort();
    }
    by_port
}

/// The whole state from every Service and EndpointSlice the proxy knows.
pub fn build<'a>(
    services: impl IntoIterator<Item = &'a Service>,
    slices: impl IntoIterator<Item = &'a EndpointSlice>,
    node_name: &str,
) -> ProxyState {
    let mut state = ProxyState::default();
    for service in services {
        for port in service_ports(service) {
            state.services.insert(port.name.clone(), port);
        }
    }
    let by_service = slices_by_service(slices, |_, _| true);
    for ((namespace, name), slices) in by_service {
        for (port, list) in endpoints(&namespace, &name, &slices, node_name) {
            if state.services.contains_key(&port) {
                state.endpoints.insert(port, list);
            }
        }
    }
    state
}

/// Re-reads the Services named by `keys` (`namespace/name`, as the watches key them) into
/// `state`: their service ports and endpoints are replaced by what `services` and `slices`
/// hold now, or removed. Returns every service port name added, replaced or removed, for
/// [`crate::proxier::Proxier::sync`]. The same result as [`build`] over everything, for the
/// cost of the changed Services (plus one pass over the slices' labels).
pub fn refresh(
    state: &mut ProxyState,
    keys: &BTreeSet<String>,
    services: &BTreeMap<String, Service>,
    slices: &BTreeMap<String, EndpointSlice>,
    node_name: &str,
) -> BTreeSet<ServicePortName> {
    let mut changed = BTreeSet::new();
    let wanted: BTreeSet<(&str, &str)> = keys.iter().filter_map(|k| k.split_once('/')).collect();
    let mut own = slices_by_service(slices.values(), |namespace, name| {
        wanted.contains(&(namespace, name))
    });
    for (namespace, name) in wanted {
        // A Service's ports sort together: from the smallest name with this namespace and
        // Service name (empty port name, the first protocol) on.
        let first = ServicePortName {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            port: String::new(),
            protocol: Protocol::Tcp,
        };
        let old: Vec<ServicePortName> = state
            .services
            .range(first..)
            .map(|(port, _)| port)
            .take_while(|port| port.namespace == namespace && port.name == name)
            .cloned()
            .collect();
        for port in old {
            state.services.remove(&port);
            state.endpoints.remove(&port);
            changed.insert(port);
        }
        let Some(service) = services.get(&format!("{namespace}/{name}")) else {
            continue;
        };
        for port in service_ports(service) {
            changed.insert(port.name.clone());
            state.services.insert(port.name.clone(), port);
        }
        let service_slices = own
            .remove(&(namespace.to_owned(), name.to_owned()))
            .unwrap_or_default();
        for (port, list) in endpoints(namespace, name, &service_slices, node_name) {
            if state.services.contains_key(&port) {
                state.endpoints.insert(port, list);
            }
        }
    }
    changed
}

/// The slices by the Service they belong to (`namespace`, service-name label), for the
/// Services `wanted` accepts.
fn slices_by_service<'a>(
    slices: impl IntoIterator<Item = &'a EndpointSlice>,
    wanted: impl Fn(&str, &str) -> bool,
) -> BTreeMap<(String, String), Vec<&'a EndpointSlice>> {
    let mut by_service: BTreeMap<(String, String), Vec<&EndpointSlice>> = BTreeMap::new();
    for slice in slices {
        let namespace = slice.metadata.namespace.as_deref().unwrap_or_default();
        let Some(service) = slice
            .metadata
            .labels
            .as_ref()
            .and_then(|labels| labels.get(SERVICE_NAME_LABEL))
        else {
            continue;
        };
        if wanted(namespace, service) {
            by_service
                .entry((namespace.to_owned(), service.clone()))
                .or_default()
                .push(slice);
        }
    }
    by_service
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(json: serde_json::Value) -> Service {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn services_become_ports_with_their_policies() {
        let svc = service(serde_json::json!({
            "metadata": {"namespace": "ns", "name": "web"},
            "spec": {
                "type": "LoadBalancer", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                "ports": [{"name": "http", "port": 80, "protocol": "TCP", "nodePort": 30080},
                          {"name": "dns", "port": 53, "protocol": "UDP"}],
                "externalIPs": ["192.0.2.1", "2001:db8::1"],
                "sessionAffinity": "ClientIP",
                "externalTrafficPolicy": "Local",
                "healthCheckNodePort": 32000,
            },
            "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.50"}]}},
        }));
        let ports = service_ports(&svc);
        assert_eq!(ports.len(), 2);
        let http = &ports[0];
        assert_eq!(http.name.to_string(), "ns/web:http");
        assert_eq!(http.node_port, 30080);
        assert_eq!(
            http.external_ips,
            vec!["192.0.2.1".parse::<std::net::Ipv4Addr>().unwrap()]
        );
        assert_eq!(http.load_balancer_ips.len(), 1);
        assert_eq!(
            http.session_affinity_seconds,
            Some(DEFAULT_AFFINITY_SECONDS)
        );
        assert!(http.external_policy_local());
        assert_eq!(ports[1].name.protocol, Protocol::Udp);

        for skipped in [
            serde_json::json!({"metadata": {"name": "h"}, "spec": {"clusterIP": "None", "ports": [{"port": 80}]}}),
            serde_json::json!({"metadata": {"name": "e"}, "spec": {"type": "ExternalName", "externalName": "example.com"}}),
        ] {
            assert!(service_ports(&service(skipped)).is_empty());
        }
    }

    #[test]
    fn slices_become_endpoints_deduplicated_and_with_conditions() {
        let svc = service(serde_json::json!({
            "metadata": {"namespace": "ns", "name": "web"},
            "spec": {"clusterIP": "10.96.0.10", "ports": [{"name": "http", "port": 80}]},
        }));
        let slice = |name: &str, ready: bool| -> EndpointSlice {
            serde_json::from_value(serde_json::json!({
                "metadata": {"namespace": "ns", "name": name,
                             "labels": {SERVICE_NAME_LABEL: "web"}},
                "addressType": "IPv4",
                "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
                "endpoints": [
                    {"addresses": ["10.244.0.5"], "nodeName": "node-a",
                     "conditions": {"ready": ready}},
                    {"addresses": ["10.244.1.5"], "nodeName": "node-b",
                     "conditions": {"ready": false, "serving": true, "terminating": true}},
                ],
            }))
            .unwrap()
        };
        let a = slice("web-a", true);
        let b = slice("web-b", true);
        let state = build([&svc], [&a, &b], "node-a");
        let port = state.services.keys().next().unwrap();
        let endpoints = &state.endpoints[port];
        assert_eq!(endpoints.len(), 2, "duplicates across slices are dropped");
        assert!(endpoints[0].is_local && endpoints[0].ready);
        assert!(!endpoints[1].ready && endpoints[1].serving && endpoints[1].terminating);
    }

    #[test]
    fn refreshing_changed_services_equals_building_everything() {
        let service = |name: &str, ip: &str| -> (String, Service) {
            let svc = serde_json::from_value(serde_json::json!({
                "metadata": {"namespace": "ns", "name": name},
                "spec": {"clusterIP": ip, "ports": [{"name": "http", "port": 80},
                                                    {"name": "dns", "port": 53, "protocol": "UDP"}]},
            }))
            .unwrap();
            (format!("ns/{name}"), svc)
        };
        let slice = |service: &str,
                     suffix: &str,
                     ip: &str,
                     ready: bool|
         -> (String, EndpointSlice) {
            let slice = serde_json::from_value(serde_json::json!({
                "metadata": {"namespace": "ns", "name": format!("{service}-{suffix}"),
                             "labels": {SERVICE_NAME_LABEL: service}},
                "addressType": "IPv4",
                "ports": [{"name": "http", "port": 8080}, {"name": "dns", "port": 5353, "protocol": "UDP"}],
                "endpoints": [{"addresses": [ip], "conditions": {"ready": ready}}],
            }))
            .unwrap();
            (format!("ns/{service}-{suffix}"), slice)
        };
        let mut services: BTreeMap<String, Service> =
            [service("a", "10.96.0.1"), service("b", "10.96.0.2")].into();
        let mut slices: BTreeMap<String, EndpointSlice> = [
            slice("a", "1", "10.244.0.1", true),
            slice("a", "2", "10.244.0.2", true),
            slice("b", "1", "10.244.0.3", true),
        ]
        .into();
        let mut state = build(services.values(), slices.values(), "node");

        // a: one endpoint goes unready; b: deleted; c: new, with a slice.
        slices.extend([slice("a", "2", "10.244.0.2", false)]);
        services.remove("ns/b");
        services.extend([service("c", "10.96.0.3")]);
        slices.extend([slice("c", "1", "10.244.0.4", true)]);
        let keys: BTreeSet<String> = ["ns/a", "ns/b", "ns/c"].map(str::to_owned).into();
        let changed = refresh(&mut state, &keys, &services, &slices, "node");

        assert_eq!(state, build(services.values(), slices.values(), "node"));
        // Both ports of each of the three Services changed.
        assert_eq!(changed.len(), 6);
        // An untouched key changes nothing.
        let before = state.clone();
        let none = refresh(&mut state, &BTreeSet::new(), &services, &slices, "node");
        assert!(none.is_empty());
        assert_eq!(state, before);
    }
}
