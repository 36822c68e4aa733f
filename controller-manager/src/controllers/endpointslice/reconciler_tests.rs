//! The endpointslice reconciler's decisions.

use super::*;
use serde_json::json;

const MANAGER: &str = "endpointslice-controller.k8s.io";

fn service(extra: serde_json::Value) -> Service {
    let mut spec = json!({"clusterIP": "10.96.0.10", "ipFamilies": ["IPv4"], "selector": {"app": "web"},
        "ports": [{"name": "web", "port": 80, "targetPort": "http", "protocol": "TCP"}]});
    if let (Some(spec), Some(extra)) = (spec.as_object_mut(), extra.as_object()) {
        spec.extend(extra.clone());
    }
    serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": "ns", "uid": "svc-uid", "labels": {"team": "a"}},
        "spec": spec
    }))
    .expect("service")
}

fn pod(name: &str, ip: &str, ready: bool, http_port: i32) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "ns", "uid": format!("uid-{name}"), "labels": {"app": "web"}},
        "spec": {"nodeName": "node-1", "containers": [{"name": "c", "ports": [
            {"name": "http", "containerPort": http_port, "protocol": "TCP"}]}]},
        "status": {"phase": "Running", "podIPs": [{"ip": ip}],
            "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}
    }))
    .expect("pod")
}

fn node(name: &str) -> Option<Node> {
    serde_json::from_value(json!({"metadata": {"name": name, "labels": {LABEL_ZONE: "zone-a"}}}))
        .ok()
}

fn plan(svc: &Service, pods: &[&Pod], existing: &[&EndpointSlice], max: usize) -> Plan {
    let lookup = |name: &str| if name == "node-1" { node(name) } else { None };
    reconcile(
        svc,
        &Inputs {
            pods,
            existing,
            node: &lookup,
            max_endpoints: max,
            manager: MANAGER,
        },
    )
}

/// What the API server would hand back after creating `slice`.
fn stored(mut slice: EndpointSlice, name: &str) -> EndpointSlice {
    slice.metadata.name = Some(name.to_owned());
    slice.metadata.uid = Some(format!("uid-{name}"));
    slice.metadata.resource_version = Some("1".to_owned());
    slice
}

#[test]
fn pods_resolving_a_named_port_differently_get_different_slices() {
    let svc = service(json!({}));
    let (a, b, c) = (
        pod("a", "10.0.0.1", true, 8080),
        pod("b", "10.0.0.2", false, 8080),
        pod("c", "10.0.0.3", true, 9090),
    );
    let plan = plan(&svc, &[&a, &b, &c], &[], 100);
    assert_eq!(plan.create.len(), 2);
    assert!(plan.update.is_empty() && plan.delete.is_empty());
    let slice = plan
        .create
        .iter()
        .find(|s| s.ports.as_ref().is_some_and(|p| p[0].port == Some(8080)))
        .expect("slice for 8080");
    assert_eq!(slice.metadata.generate_name.as_deref(), Some("web-"));
    assert_eq!(slice.address_type, "IPv4");
    let labels = slice.metadata.labels.clone().expect("labels");
    assert_eq!(
        labels.get(LABEL_SERVICE_NAME).map(String::as_str),
        Some("web")
    );
    assert_eq!(
        labels.get(LABEL_MANAGED_BY).map(String::as_str),
        Some(MANAGER)
    );
    assert_eq!(labels.get("team").map(String::as_str), Some("a"));
    let owner = &slice.metadata.owner_references.as_ref().expect("owner")[0];
    assert_eq!(
        (
            owner.kind.as_str(),
            owner.uid.as_str(),
            owner.controller,
            owner.block_owner_deletion
        ),
        ("Service", "svc-uid", Some(true), Some(true))
    );
    let ready: Vec<(Option<String>, Option<bool>, Option<String>)> = slice
        .endpoints
        .iter()
        .map(|e| {
            (
                e.target_ref.as_ref().and_then(|t| t.name.clone()),
                e.conditions.as_ref().and_then(|c| c.ready),
                e.zone.clone(),
            )
        })
        .collect();
    assert_eq!(
        ready,
        [
            (Some("a".into()), Some(true), Some("zone-a".into())),
            (Some("b".into()), Some(false), Some("zone-a".into())),
        ]
    );
}

#[test]
fn slices_hold_at_most_max_endpoints_and_nothing_is_written_when_unchanged() {
    let svc = service(json!({}));
    let pods: Vec<Pod> = (1..=5)
        .map(|i| pod(&format!("p{i}"), &format!("10.0.0.{i}"), true, 8080))
        .collect();
    let refs: Vec<&Pod> = pods.iter().collect();
    let first = plan(&svc, &refs, &[], 2);
    assert_eq!(
        first
            .create
            .iter()
            .map(|s| s.endpoints.len())
            .collect::<Vec<_>>(),
        [2, 2, 1]
    );
    let stored: Vec<EndpointSlice> = first
        .create
        .into_iter()
        .enumerate()
        .map(|(i, s)| stored(s, &format!("web-{i}")))
        .collect();
    let existing: Vec<&EndpointSlice> = stored.iter().collect();
    let again = plan(&svc, &refs, &existing, 2);
    assert!(again.create.is_empty() && again.update.is_empty() && again.delete.is_empty());
}

#[test]
fn terminating_and_not_ready_pods_update_conditions_in_place() {
    let svc = service(json!({}));
    let a = pod("a", "10.0.0.1", true, 8080);
    let created = plan(&svc, &[&a], &[], 100).create.remove(0);
    let existing = stored(created, "web-x");
    let mut terminating = a.clone();
    terminating.metadata.deletion_timestamp =
        serde_json::from_value(json!("2024-01-01T00:00:00Z")).ok();
    let next = plan(&svc, &[&terminating], &[&existing], 100);
    assert_eq!(next.update.len(), 1);
    assert_eq!(next.update[0].metadata.name.as_deref(), Some("web-x"));
    let conditions = next.update[0].endpoints[0]
        .conditions
        .clone()
        .expect("conditions");
    assert_eq!(
        (conditions.ready, conditions.serving, conditions.terminating),
        (Some(false), Some(true), Some(true))
    );
}

#[test]
fn an_empty_service_keeps_one_placeholder_and_reuses_it_for_new_pods() {
    let svc = service(json!({}));
    let empty = plan(&svc, &[], &[], 100);
    assert_eq!(empty.create.len(), 1);
    assert!(empty.create[0].endpoints.is_empty());
    let placeholder = stored(
        empty.create.into_iter().next().expect("placeholder"),
        "web-p",
    );
    let still = plan(&svc, &[], &[&placeholder], 100);
    assert!(still.create.is_empty() && still.update.is_empty() && still.delete.is_empty());
    let a = pod("a", "10.0.0.1", true, 8080);
    let filled = plan(&svc, &[&a], &[&placeholder], 100);
    assert!(filled.create.is_empty() && filled.delete.is_empty());
    assert_eq!(filled.update.len(), 1);
    assert_eq!(filled.update[0].metadata.name.as_deref(), Some("web-p"));
    assert_eq!(filled.update[0].endpoints.len(), 1);
}

#[test]
fn pods_on_unknown_nodes_are_left_out_unless_not_ready_addresses_are_published() {
    let svc = service(json!({}));
    let mut a = pod("a", "10.0.0.1", true, 8080);
    if let Some(spec) = a.spec.as_mut() {
        spec.node_name = Some("gone".into());
    }
    let left_out = plan(&svc, &[&a], &[], 100);
    assert_eq!(left_out.missing_nodes, ["a"]);
    assert!(left_out.create[0].endpoints.is_empty());
    let published = plan(
        &service(json!({"publishNotReadyAddresses": true})),
        &[&a],
        &[],
        100,
    );
    assert_eq!(published.create[0].endpoints.len(), 1);
    assert_eq!(published.create[0].endpoints[0].zone, None);
}
