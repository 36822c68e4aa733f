//! What the endpoints, endpointslice and endpointslice-mirroring controllers share about pods
//! and services (upstream's `k8s.io/endpointslice/util` and `pkg/api/v1/pod`): which services
//! select a pod, whether a pod is ready or belongs in endpoints at all, its addresses of one IP
//! family, the port a service port resolves to on a pod, and which services a pod change
//! touches.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use k8s_openapi::api::core::v1::{ObjectReference, Pod, Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::informers::Lister;

/// A service's type that gets no endpoints from the controllers.
pub const EXTERNAL_NAME: &str = "ExternalName";
/// `clusterIP` of a headless service.
pub const CLUSTER_IP_NONE: &str = "None";
/// Label put on the endpoints of headless services (`v1.IsHeadlessService`).
pub const LABEL_HEADLESS: &str = "service.kubernetes.io/headless";
/// Annotation with the time of the change that caused the last write (`v1.EndpointsLastChangeTriggerTime`).
pub const ANNOTATION_TRIGGER_TIME: &str = "endpoints.kubernetes.io/last-change-trigger-time";
/// The leader-election record annotation; objects carrying it are not service endpoints.
pub const ANNOTATION_LEADER: &str = "control-plane.alpha.kubernetes.io/leader";

/// A service's selector, when it has one. Upstream tells a nil selector (no endpoints managed)
/// from an empty one; an empty map does not survive storage there, so both mean "none".
pub fn service_selector(service: &Service) -> Option<&BTreeMap<String, String>> {
    service
        .spec
        .as_ref()?
        .selector
        .as_ref()
        .filter(|s| !s.is_empty())
}

/// Whether `labels` carries every pair of `selector`.
pub fn selector_matches(
    selector: &BTreeMap<String, String>,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    selector
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

/// Whether the service has a cluster IP (neither headless nor unset).
pub fn is_service_ip_set(service: &Service) -> bool {
    let ip = service
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ip.as_deref())
        .unwrap_or_default();
    !ip.is_empty() && ip != CLUSTER_IP_NONE
}

/// Whether the service is of type ExternalName.
pub fn is_external_name(service: &Service) -> bool {
    service.spec.as_ref().and_then(|s| s.type_.as_deref()) == Some(EXTERNAL_NAME)
}

/// Whether `publishNotReadyAddresses` is set.
pub fn publishes_not_ready(service: &Service) -> bool {
    service
        .spec
        .as_ref()
        .and_then(|s| s.publish_not_ready_addresses)
        .unwrap_or(false)
}

/// The service's ports.
pub fn service_ports(service: &Service) -> &[ServicePort] {
    service
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_deref())
        .unwrap_or_default()
}

/// Whether the pod's Ready condition is True.
pub fn is_pod_ready(pod: &Pod) -> bool {
    ready_condition(pod).is_some_and(|c| c.status == "True")
}

fn ready_condition(pod: &Pod) -> Option<&k8s_openapi::api::core::v1::PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
}

/// The last transition of the pod's Ready condition (what the trigger time follows).
pub fn pod_ready_transition(pod: &Pod) -> Option<jiff::Timestamp> {
    ready_condition(pod)?
        .last_transition_time
        .as_ref()
        .map(|t| t.0)
}

/// Whether the pod has succeeded or failed.
pub fn is_pod_terminal(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// The pod's IPs (`status.podIPs`, or `status.podIP` when the list is empty).
pub fn pod_ips(pod: &Pod) -> Vec<String> {
    let Some(status) = pod.status.as_ref() else {
        return Vec::new();
    };
    let listed: Vec<String> = status
        .pod_ips
        .iter()
        .flatten()
        .map(|p| p.ip.clone())
        .filter(|ip| !ip.is_empty())
        .collect();
    if !listed.is_empty() {
        return listed;
    }
    status
        .pod_ip
        .iter()
        .filter(|ip| !ip.is_empty())
        .cloned()
        .collect()
}

/// Whether a pod belongs in an Endpoints or EndpointSlice at all: not terminal, with an IP,
/// and not terminating unless `include_terminating` (upstream's `ShouldPodBeInEndpoints`).
pub fn should_pod_be_in_endpoints(pod: &Pod, include_terminating: bool) -> bool {
    if is_pod_terminal(pod) || pod_ips(pod).is_empty() {
        return false;
    }
    include_terminating || pod.metadata.deletion_timestamp.is_none()
}

/// Whether the endpoint of `pod` carries its hostname: the pod names one and its subdomain is
/// the service (upstream's `ShouldSetHostname`).
pub fn should_set_hostname(pod: &Pod, service: &Service) -> bool {
    let spec = pod.spec.as_ref();
    let hostname = spec.and_then(|s| s.hostname.as_deref()).unwrap_or_default();
    let subdomain = spec
        .and_then(|s| s.subdomain.as_deref())
        .unwrap_or_default();
    !hostname.is_empty()
        && subdomain == service.metadata.name.as_deref().unwrap_or_default()
        && pod.metadata.namespace == service.metadata.namespace
}

/// The pod's hostname, when [`should_set_hostname`].
pub fn endpoint_hostname(pod: &Pod, service: &Service) -> Option<String> {
    should_set_hostname(pod, service)
        .then(|| pod.spec.as_ref().and_then(|s| s.hostname.clone()))
        .flatten()
}

/// The pod's node name, when set.
pub fn pod_node_name(pod: &Pod) -> Option<String> {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .filter(|n| !n.is_empty())
}

/// The reference from an endpoint to its pod.
pub fn pod_reference(pod: &Pod) -> ObjectReference {
    ObjectReference {
        kind: Some("Pod".to_owned()),
        namespace: pod.metadata.namespace.clone(),
        name: pod.metadata.name.clone(),
        uid: pod.metadata.uid.clone(),
        ..ObjectReference::default()
    }
}

/// Whether `ip` is an IPv6 address (IPv4-mapped addresses count as IPv4, as in Go).
pub fn is_ipv6(ip: &str) -> Option<bool> {
    match ip.parse::<IpAddr>().ok()? {
        IpAddr::V4(_) => Some(false),
        IpAddr::V6(v6) => Some(v6.to_ipv4_mapped().is_none()),
    }
}

/// `ip` in canonical form (Go's `net.ParseIP(ip).String()`), or `None` when it is no IP.
pub fn canonical_ip(ip: &str) -> Option<String> {
    match ip.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => Some(v4.to_string()),
        IpAddr::V6(v6) => Some(match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        }),
    }
}

const PROTOCOL_DEFAULT: &str = "TCP";

/// Why a service port does not resolve on a pod.
#[derive(Debug, PartialEq, Eq)]
pub struct NoSuitablePort(pub String);

/// The container port `port` targets on `pod` (upstream's `FindPort`): a number is used as it
/// is; a name is looked up among the ports of the pod's containers, then of its sidecars
/// (restartable init containers), with the same protocol.
pub fn find_port(pod: &Pod, port: &ServicePort) -> Result<i32, NoSuitablePort> {
    let name = match &port.target_port {
        None => return Ok(port.port),
        Some(IntOrString::Int(number)) => return Ok(*number),
        Some(IntOrString::String(name)) => name,
    };
    let protocol = port.protocol.as_deref().unwrap_or(PROTOCOL_DEFAULT);
    let no_port = || {
        NoSuitablePort(format!(
            "no suitable port for manifest: {}",
            pod.metadata.uid.as_deref().unwrap_or_default()
        ))
    };
    let spec = pod.spec.as_ref().ok_or_else(no_port)?;
    let sidecars = spec
        .init_containers
        .iter()
        .flatten()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"));
    spec.containers
        .iter()
        .chain(sidecars)
        .flat_map(|c| c.ports.iter().flatten())
        .find(|p| {
            p.name.as_deref() == Some(name.as_str())
                && p.protocol.as_deref().unwrap_or(PROTOCOL_DEFAULT) == protocol
        })
        .map(|p| p.container_port)
        .ok_or_else(no_port)
}

/// The keys of the services in `namespace` whose selector matches `labels`.
pub fn services_selecting(
    services: &Lister<Service>,
    namespace: &str,
    labels: Option<&BTreeMap<String, String>>,
) -> BTreeSet<String> {
    services
        .list(namespace)
        .iter()
        .filter(|svc| service_selector(svc).is_some_and(|s| selector_matches(s, labels)))
        .map(|svc| {
            format!(
                "{namespace}/{}",
                svc.metadata.name.as_deref().unwrap_or_default()
            )
        })
        .collect()
}

/// The keys of the services a pod change touches (upstream's `GetServicesToUpdateOnPodChange`):
/// none when nothing an endpoint shows changed; the services of the new labels when only the
/// pod changed; when the labels changed, the services gained or lost, or all of both sides
/// when the pod changed as well.
pub fn services_for_pod_change(
    services: &Lister<Service>,
    old: &Pod,
    new: &Pod,
) -> BTreeSet<String> {
    if old.metadata.resource_version.is_some()
        && old.metadata.resource_version == new.metadata.resource_version
    {
        return BTreeSet::new();
    }
    let (pod_changed, labels_changed) = pod_endpoints_changed(old, new);
    if !pod_changed && !labels_changed {
        return BTreeSet::new();
    }
    let namespace = new.metadata.namespace.as_deref().unwrap_or_default();
    let current = services_selecting(services, namespace, new.metadata.labels.as_ref());
    if !labels_changed {
        return current;
    }
    let previous = services_selecting(services, namespace, old.metadata.labels.as_ref());
    if pod_changed {
        current.union(&previous).cloned().collect()
    } else {
        current.symmetric_difference(&previous).cloned().collect()
    }
}

/// (whether the pod changed in a way its endpoints show, whether the services it matches
/// may have changed).
fn pod_endpoints_changed(old: &Pod, new: &Pod) -> (bool, bool) {
    let host = |p: &Pod| {
        p.spec
            .as_ref()
            .map(|s| (s.hostname.clone(), s.subdomain.clone()))
    };
    let labels_changed = old.metadata.labels != new.metadata.labels || host(old) != host(new);
    let pod_changed = old.metadata.deletion_timestamp != new.metadata.deletion_timestamp
        || is_pod_ready(old) != is_pod_ready(new)
        || pod_ips(old) != pod_ips(new);
    (pod_changed, labels_changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(value: serde_json::Value) -> Pod {
        serde_json::from_value(value).expect("pod")
    }

    fn port(value: serde_json::Value) -> ServicePort {
        serde_json::from_value(value).expect("port")
    }

    fn web_pod() -> Pod {
        pod(json!({
            "metadata": {"name": "p", "namespace": "ns", "uid": "u1"},
            "spec": {
                "containers": [{"name": "c", "ports": [
                    {"name": "http", "containerPort": 8080, "protocol": "TCP"},
                    {"name": "dns", "containerPort": 5353, "protocol": "UDP"}
                ]}],
                "initContainers": [
                    {"name": "side", "restartPolicy": "Always",
                     "ports": [{"name": "metrics", "containerPort": 9090}]},
                    {"name": "init", "ports": [{"name": "setup", "containerPort": 7070}]}
                ]
            }
        }))
    }

    #[test]
    fn numbers_are_used_as_they_are_and_names_resolve_per_protocol() {
        let p = web_pod();
        assert_eq!(
            find_port(&p, &port(json!({"port": 80, "targetPort": 81}))),
            Ok(81)
        );
        assert_eq!(find_port(&p, &port(json!({"port": 80}))), Ok(80));
        assert_eq!(
            find_port(&p, &port(json!({"port": 80, "targetPort": "http"}))),
            Ok(8080)
        );
        assert_eq!(
            find_port(
                &p,
                &port(json!({"port": 53, "targetPort": "dns", "protocol": "UDP"}))
            ),
            Ok(5353)
        );
        // The name exists, but with another protocol.
        assert!(find_port(&p, &port(json!({"port": 53, "targetPort": "dns"}))).is_err());
        assert!(
            find_port(
                &p,
                &port(json!({"port": 80, "targetPort": "http", "protocol": "UDP"}))
            )
            .is_err()
        );
    }

    #[test]
    fn sidecar_ports_resolve_but_plain_init_container_ports_do_not() {
        let p = web_pod();
        assert_eq!(
            find_port(&p, &port(json!({"port": 90, "targetPort": "metrics"}))),
            Ok(9090)
        );
        let error = find_port(&p, &port(json!({"port": 70, "targetPort": "setup"}))).unwrap_err();
        assert_eq!(error.0, "no suitable port for manifest: u1");
    }

    #[test]
    fn terminal_ipless_and_terminating_pods_are_left_out() {
        let running = pod(json!({"status": {"phase": "Running", "podIP": "10.0.0.1"}}));
        assert!(should_pod_be_in_endpoints(&running, false));
        let no_ip = pod(json!({"status": {"phase": "Running"}}));
        assert!(!should_pod_be_in_endpoints(&no_ip, true));
        let done = pod(json!({"status": {"phase": "Succeeded", "podIP": "10.0.0.1"}}));
        assert!(!should_pod_be_in_endpoints(&done, true));
        let terminating = pod(json!({
            "metadata": {"deletionTimestamp": "2024-01-01T00:00:00Z"},
            "status": {"phase": "Running", "podIPs": [{"ip": "10.0.0.1"}]}
        }));
        assert!(!should_pod_be_in_endpoints(&terminating, false));
        assert!(should_pod_be_in_endpoints(&terminating, true));
    }

    #[test]
    fn hostname_is_set_only_for_the_subdomain_service() {
        let svc: Service =
            serde_json::from_value(json!({"metadata": {"name": "db", "namespace": "ns"}}))
                .expect("service");
        let p = pod(json!({"metadata": {"namespace": "ns"},
            "spec": {"containers": [], "hostname": "db-0", "subdomain": "db"}}));
        assert_eq!(endpoint_hostname(&p, &svc).as_deref(), Some("db-0"));
        let other = pod(json!({"metadata": {"namespace": "ns"},
            "spec": {"containers": [], "hostname": "db-0", "subdomain": "web"}}));
        assert_eq!(endpoint_hostname(&other, &svc), None);
    }

    #[test]
    fn ip_families_follow_go() {
        assert_eq!(is_ipv6("10.0.0.1"), Some(false));
        assert_eq!(is_ipv6("fd00::1"), Some(true));
        assert_eq!(is_ipv6("::ffff:10.0.0.1"), Some(false));
        assert_eq!(is_ipv6("nonsense"), None);
        assert_eq!(canonical_ip("fd00:0::1").as_deref(), Some("fd00::1"));
    }
}
