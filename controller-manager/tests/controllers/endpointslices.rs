//! endpointslice-controller and endpointslice-mirroring-controller against a real API server:
//! a service's slices follow its pods' conditions and lifetime, and the hand-made Endpoints of
//! a service without a selector are mirrored. There is no kubelet: the test writes each pod's
//! IP, phase and Ready condition through the pods' status subresource.

use crate::support::endpoints as fixtures;
use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use k8s_openapi::api::core::v1::{Endpoints, Pod};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;

/// (pod, address, ready, serving, terminating) of every endpoint of the slices, sorted.
type Row = (String, String, Option<bool>, Option<bool>, Option<bool>);

fn rows(slices: &[EndpointSlice]) -> Vec<Row> {
    let mut rows: Vec<Row> = slices
        .iter()
        .flat_map(|s| &s.endpoints)
        .map(|e| {
            let c = e.conditions.clone().unwrap_or_default();
            (
                e.target_ref
                    .as_ref()
                    .and_then(|t| t.name.clone())
                    .unwrap_or_default(),
                e.addresses.join(","),
                c.ready,
                c.serving,
                c.terminating,
            )
        })
        .collect();
    rows.sort();
    rows
}

fn row(pod: &str, ip: &str, ready: bool, serving: bool, terminating: bool) -> Row {
    (
        pod.into(),
        ip.into(),
        Some(ready),
        Some(serving),
        Some(terminating),
    )
}

async fn wait_for_rows(
    api: &Api<EndpointSlice>,
    selector: &str,
    want: Vec<Row>,
) -> Result<Vec<EndpointSlice>> {
    eventually(&format!("slices {selector} to hold {want:?}"), || async {
        let slices = api
            .list(&ListParams::default().labels(selector))
            .await?
            .items;
        Ok((rows(&slices) == want).then_some(slices))
    })
    .await
}

#[tokio::test]
async fn slices_follow_pod_conditions_and_deletion() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=endpointslice"]).await?;
    let ns = "shop";
    fixtures::namespace(&client, ns).await?;
    fixtures::node(&client, "node-1", "zone-a").await?;
    let svc = fixtures::service(
        &client,
        ns,
        "web",
        json!({"selector": {"app": "web"},
        "ports": [{"name": "web", "port": 80, "targetPort": "http"}]}),
    )
    .await?;
    fixtures::pod(&client, ns, "a", 8080, json!({})).await?;
    fixtures::pod(&client, ns, "b", 8080, json!({})).await?;
    fixtures::set_status(&client, ns, "a", "10.1.0.1", true).await?;
    fixtures::set_status(&client, ns, "b", "10.1.0.2", false).await?;
    let slices: Api<EndpointSlice> = Api::namespaced(client.clone(), ns);
    let selector = "kubernetes.io/service-name=web,endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io";
    let found = wait_for_rows(
        &slices,
        selector,
        vec![
            row("a", "10.1.0.1", true, true, false),
            row("b", "10.1.0.2", false, false, false),
        ],
    )
    .await?;
    assert_eq!(found.len(), 1);
    let slice = &found[0];
    assert_eq!(slice.address_type, "IPv4");
    assert!(
        slice
            .metadata
            .name
            .as_deref()
            .is_some_and(|n| n.starts_with("web-"))
    );
    assert_eq!(
        slice
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("team"))
            .map(String::as_str),
        Some("a")
    );
    let owner = &slice.metadata.owner_references.as_ref().expect("owner")[0];
    assert_eq!(
        (owner.kind.as_str(), Some(owner.uid.as_str())),
        ("Service", svc.metadata.uid.as_deref())
    );
    assert_eq!(
        (owner.controller, owner.block_owner_deletion),
        (Some(true), Some(true))
    );
    let port = &slice.ports.as_ref().expect("ports")[0];
    assert_eq!((port.name.as_deref(), port.port), (Some("web"), Some(8080)));
    let endpoint = &slice.endpoints[0];
    assert_eq!(endpoint.node_name.as_deref(), Some("node-1"));
    assert_eq!(endpoint.zone.as_deref(), Some("zone-a"));
    let slice_name = slice.metadata.name.clone();

    // Readiness flips update the same slice.
    fixtures::set_status(&client, ns, "a", "10.1.0.1", false).await?;
    fixtures::set_status(&client, ns, "b", "10.1.0.2", true).await?;
    let found = wait_for_rows(
        &slices,
        selector,
        vec![
            row("a", "10.1.0.1", false, false, false),
            row("b", "10.1.0.2", true, true, false),
        ],
    )
    .await?;
    assert_eq!(found[0].metadata.name, slice_name);

    // A terminating pod stays, not ready but serving; a deleted one leaves.
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    pods.delete("b", &DeleteParams::default().grace_period(30))
        .await?;
    wait_for_rows(
        &slices,
        selector,
        vec![
            row("a", "10.1.0.1", false, false, false),
            row("b", "10.1.0.2", false, true, true),
        ],
    )
    .await?;
    pods.delete("a", &DeleteParams::default().grace_period(0))
        .await?;
    wait_for_rows(
        &slices,
        selector,
        vec![row("b", "10.1.0.2", false, true, true)],
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn headless_services_publishing_not_ready_addresses_mark_every_endpoint_ready() -> Result<()>
{
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=endpointslice"]).await?;
    let ns = "db";
    fixtures::namespace(&client, ns).await?;
    fixtures::node(&client, "node-1", "zone-a").await?;
    fixtures::service(
        &client,
        ns,
        "db",
        json!({"clusterIP": "None", "selector": {"app": "web"},
        "publishNotReadyAddresses": true}),
    )
    .await?;
    fixtures::pod(
        &client,
        ns,
        "db-0",
        5432,
        json!({"hostname": "db-0", "subdomain": "db"}),
    )
    .await?;
    fixtures::set_status(&client, ns, "db-0", "10.2.0.1", false).await?;
    let slices: Api<EndpointSlice> = Api::namespaced(client.clone(), ns);
    let found = wait_for_rows(
        &slices,
        "kubernetes.io/service-name=db",
        vec![row("db-0", "10.2.0.1", true, false, false)],
    )
    .await?;
    let slice = found
        .iter()
        .find(|s| !s.endpoints.is_empty())
        .expect("slice with the pod");
    assert_eq!(slice.endpoints[0].hostname.as_deref(), Some("db-0"));
    let labels = slice.metadata.labels.clone().unwrap_or_default();
    assert_eq!(
        labels
            .get("service.kubernetes.io/headless")
            .map(String::as_str),
        Some("")
    );
    Ok(())
}

#[tokio::test]
async fn hand_made_endpoints_of_a_selectorless_service_are_mirrored() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers =
        RunningControllers::start(&server, &["--controllers=endpointslicemirroring,endpoint"])
            .await?;
    let ns = "ext";
    fixtures::namespace(&client, ns).await?;
    fixtures::service(
        &client,
        ns,
        "db",
        json!({"ports": [{"name": "pg", "port": 5432}]}),
    )
    .await?;
    let endpoints: Api<Endpoints> = Api::namespaced(client.clone(), ns);
    endpoints
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({
                "metadata": {"name": "db", "labels": {"owner": "me"}},
                "subsets": [{"addresses": [{"ip": "192.168.10.1"}],
                    "notReadyAddresses": [{"ip": "192.168.10.2"}],
                    "ports": [{"name": "pg", "port": 5432}]}]
            }))?,
        )
        .await?;
    let slices: Api<EndpointSlice> = Api::namespaced(client.clone(), ns);
    let selector = "kubernetes.io/service-name=db,endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io";
    let found = eventually("a mirrored slice", || async {
        let items = slices
            .list(&ListParams::default().labels(selector))
            .await?
            .items;
        Ok((items.len() == 1 && items[0].endpoints.len() == 2).then_some(items))
    })
    .await?;
    let slice = &found[0];
    let ready: Vec<(String, Option<bool>)> = {
        let mut r: Vec<_> = slice
            .endpoints
            .iter()
            .map(|e| {
                (
                    e.addresses[0].clone(),
                    e.conditions.as_ref().and_then(|c| c.ready),
                )
            })
            .collect();
        r.sort();
        r
    };
    assert_eq!(
        ready,
        [
            ("192.168.10.1".to_owned(), Some(true)),
            ("192.168.10.2".to_owned(), Some(false))
        ]
    );
    assert_eq!(
        slice
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("owner"))
            .map(String::as_str),
        Some("me")
    );
    let port = &slice.ports.as_ref().expect("ports")[0];
    assert_eq!((port.name.as_deref(), port.port), (Some("pg"), Some(5432)));
    // The endpoints controller left the hand-made Endpoints alone.
    assert!(endpoints.get_opt("db").await?.is_some());

    // skip-mirror removes the mirrored slices.
    endpoints
        .patch(
            "db",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}}})),
        )
        .await?;
    eventually("the mirrored slice to go", || async {
        let items = slices
            .list(&ListParams::default().labels(selector))
            .await?
            .items;
        Ok(items.is_empty().then_some(()))
    })
    .await?;
    Ok(())
}
