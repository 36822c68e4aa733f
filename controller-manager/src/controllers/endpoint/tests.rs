//! The endpoints controller's decisions: which subsets a service's pods make, and the
//! Endpoints object written for them.

use super::*;
use serde_json::json;

fn service(spec: serde_json::Value) -> Service {
    serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": "ns", "labels": {"app": "web"}},
        "spec": spec
    }))
    .expect("service")
}

fn pod(name: &str, ip: &str, ready: bool, http_port: i32) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "ns", "uid": format!("uid-{name}"), "labels": {"app": "web"}},
        "spec": {"nodeName": "node-1", "containers": [{"name": "c", "ports": [
            {"name": "http", "containerPort": http_port, "protocol": "TCP"}]}]},
        "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
            "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}
    }))
    .expect("pod")
}

fn ips(list: &Option<Vec<EndpointAddress>>) -> Vec<&str> {
    list.iter().flatten().map(|a| a.ip.as_str()).collect()
}

fn named_port_service() -> Service {
    service(
        json!({"clusterIP": "10.96.0.10", "ipFamilies": ["IPv4"], "selector": {"app": "web"},
        "ports": [{"name": "web", "port": 80, "targetPort": "http", "protocol": "TCP"}]}),
    )
}

#[test]
fn ready_and_not_ready_pods_split_and_named_ports_resolve_per_pod() {
    let svc = named_port_service();
    let (a, b, c) = (
        pod("a", "10.0.0.1", true, 8080),
        pod("b", "10.0.0.2", false, 8080),
        pod("c", "10.0.0.3", true, 9090),
    );
    let subsets = desired_subsets(&svc, &[&a, &b, &c]);
    assert_eq!(subsets.len(), 2);
    let on = |port: i32| {
        subsets
            .iter()
            .find(|s| s.ports.as_ref().is_some_and(|p| p[0].port == port))
            .expect("subset")
    };
    assert_eq!(ips(&on(8080).addresses), ["10.0.0.1"]);
    assert_eq!(ips(&on(8080).not_ready_addresses), ["10.0.0.2"]);
    assert_eq!(ips(&on(9090).addresses), ["10.0.0.3"]);
    let port = &on(8080).ports.as_ref().expect("ports")[0];
    assert_eq!(port.name.as_deref(), Some("web"));
    let address = &on(8080).addresses.as_ref().expect("addresses")[0];
    assert_eq!(address.node_name.as_deref(), Some("node-1"));
    let target = address.target_ref.as_ref().expect("target");
    assert_eq!(
        (
            target.kind.as_deref(),
            target.name.as_deref(),
            target.uid.as_deref()
        ),
        (Some("Pod"), Some("a"), Some("uid-a"))
    );
}

#[test]
fn publish_not_ready_addresses_lists_every_pod_as_ready() {
    let mut svc = named_port_service();
    if let Some(spec) = svc.spec.as_mut() {
        spec.publish_not_ready_addresses = Some(true);
    }
    let (a, b) = (
        pod("a", "10.0.0.1", true, 8080),
        pod("b", "10.0.0.2", false, 8080),
    );
    let subsets = desired_subsets(&svc, &[&a, &b]);
    assert_eq!(subsets.len(), 1);
    assert_eq!(ips(&subsets[0].addresses), ["10.0.0.1", "10.0.0.2"]);
    assert!(subsets[0].not_ready_addresses.is_none());
}

#[test]
fn headless_services_without_ports_list_addresses_and_get_the_headless_label() {
    let svc = service(json!({"clusterIP": "None", "selector": {"app": "web"}}));
    let a = pod("a", "10.0.0.1", true, 8080);
    let subsets = desired_subsets(&svc, &[&a]);
    assert_eq!(subsets.len(), 1);
    assert!(subsets[0].ports.is_none());
    let endpoints = next_endpoints(None, &svc, subsets, None);
    let labels = endpoints.metadata.labels.expect("labels");
    assert_eq!(labels.get(LABEL_HEADLESS).map(String::as_str), Some(""));
    assert_eq!(labels.get("app").map(String::as_str), Some("web"));
    assert_eq!(endpoints.metadata.name.as_deref(), Some("web"));
}

#[test]
fn unchanged_endpoints_are_not_rewritten_but_label_changes_are() {
    let svc = named_port_service();
    let a = pod("a", "10.0.0.1", true, 8080);
    let subsets = desired_subsets(&svc, &[&a]);
    let written = next_endpoints(None, &svc, subsets.clone(), None);
    let labels = svc.metadata.labels.clone().unwrap_or_default();
    assert!(is_unchanged(&written, &subsets, &labels));
    let mut relabelled = labels.clone();
    relabelled.insert("tier".into(), "front".into());
    assert!(!is_unchanged(&written, &subsets, &relabelled));
    let b = pod("b", "10.0.0.2", true, 8080);
    assert!(!is_unchanged(
        &written,
        &desired_subsets(&svc, &[&a, &b]),
        &labels
    ));
}

#[test]
fn trigger_time_and_capacity_annotations_are_kept_in_step() {
    let svc = named_port_service();
    let time: jiff::Timestamp = "2024-05-01T10:00:00Z".parse().expect("time");
    let mut current = next_endpoints(None, &svc, Vec::new(), Some(time));
    current
        .metadata
        .annotations
        .get_or_insert_default()
        .insert(ANNOTATION_OVER_CAPACITY.into(), TRUNCATED.into());
    let annotations = current.metadata.annotations.clone().expect("annotations");
    assert_eq!(
        annotations.get(ANNOTATION_TRIGGER_TIME).map(String::as_str),
        Some("2024-05-01T10:00:00Z")
    );
    let next = next_endpoints(Some(&current), &svc, Vec::new(), None);
    assert!(next.metadata.annotations.is_none());
}
