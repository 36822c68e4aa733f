//! endpoints-controller against a real API server: the Endpoints of a service follow its pods'
//! readiness, ports and lifetime. There is no kubelet: the test writes each pod's IP, phase
//! and Ready condition through the pods' status subresource.

use crate::support::endpoints as fixtures;
use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use k8s_openapi::api::core::v1::{Endpoints, Pod, Service};
use kube::api::{Api, DeleteParams};
use serde_json::json;
use tests::apiserver::TestApiServer;

/// (ready IPs, not-ready IPs, ports) of an Endpoints, each sorted.
fn summary(ep: &Endpoints) -> (Vec<String>, Vec<String>, Vec<(String, i32)>) {
    let mut ready = Vec::new();
    let mut not_ready = Vec::new();
    let mut ports = Vec::new();
    for subset in ep.subsets.iter().flatten() {
        ready.extend(subset.addresses.iter().flatten().map(|a| a.ip.clone()));
        not_ready.extend(
            subset
                .not_ready_addresses
                .iter()
                .flatten()
                .map(|a| a.ip.clone()),
        );
        ports.extend(
            subset
                .ports
                .iter()
                .flatten()
                .map(|p| (p.name.clone().unwrap_or_default(), p.port)),
        );
    }
    ready.sort();
    not_ready.sort();
    ports.sort();
    ports.dedup();
    (ready, not_ready, ports)
}

async fn wait_for(
    api: &Api<Endpoints>,
    name: &str,
    want: (Vec<&str>, Vec<&str>, Vec<(&str, i32)>),
) -> Result<Endpoints> {
    let want = (
        want.0.into_iter().map(String::from).collect::<Vec<_>>(),
        want.1.into_iter().map(String::from).collect::<Vec<_>>(),
        want.2
            .into_iter()
            .map(|(n, p)| (n.to_owned(), p))
            .collect::<Vec<_>>(),
    );
    eventually(&format!("endpoints {name} to be {want:?}"), || async {
        Ok(api.get_opt(name).await?.filter(|ep| summary(ep) == want))
    })
    .await
}

#[tokio::test]
async fn endpoints_follow_pod_readiness_and_deletion() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=endpoint"]).await?;
    let ns = "shop";
    fixtures::namespace(&client, ns).await?;
    fixtures::service(
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
    let endpoints: Api<Endpoints> = Api::namespaced(client.clone(), ns);
    let ep = wait_for(
        &endpoints,
        "web",
        (vec!["10.1.0.1"], vec!["10.1.0.2"], vec![("web", 8080)]),
    )
    .await?;
    let labels = ep.metadata.labels.clone().unwrap_or_default();
    assert_eq!(labels.get("team").map(String::as_str), Some("a"));
    assert!(!labels.contains_key("service.kubernetes.io/headless"));
    let address = &ep.subsets.as_ref().expect("subsets")[0]
        .addresses
        .as_ref()
        .expect("ready")[0];
    assert_eq!(address.node_name.as_deref(), Some("node-1"));
    let target = address.target_ref.as_ref().expect("targetRef");
    assert_eq!(
        (target.kind.as_deref(), target.name.as_deref()),
        (Some("Pod"), Some("a"))
    );
    assert!(
        ep.metadata
            .annotations
            .unwrap_or_default()
            .contains_key("endpoints.kubernetes.io/last-change-trigger-time")
    );

    // Readiness flips move the addresses.
    fixtures::set_status(&client, ns, "a", "10.1.0.1", false).await?;
    fixtures::set_status(&client, ns, "b", "10.1.0.2", true).await?;
    wait_for(
        &endpoints,
        "web",
        (vec!["10.1.0.2"], vec!["10.1.0.1"], vec![("web", 8080)]),
    )
    .await?;

    // A pod resolving the named port elsewhere gets its own port.
    fixtures::pod(&client, ns, "c", 9090, json!({})).await?;
    fixtures::set_status(&client, ns, "c", "10.1.0.3", true).await?;
    wait_for(
        &endpoints,
        "web",
        (
            vec!["10.1.0.2", "10.1.0.3"],
            vec!["10.1.0.1"],
            vec![("web", 8080), ("web", 9090)],
        ),
    )
    .await?;

    // Deleted pods leave.
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    for name in ["a", "c"] {
        pods.delete(name, &DeleteParams::default().grace_period(0))
            .await?;
    }
    wait_for(
        &endpoints,
        "web",
        (vec!["10.1.0.2"], vec![], vec![("web", 8080)]),
    )
    .await?;

    // The Endpoints go with their service.
    let services: Api<Service> = Api::namespaced(client.clone(), ns);
    services.delete("web", &DeleteParams::default()).await?;
    eventually("the endpoints of a deleted service to go", || async {
        Ok(endpoints.get_opt("web").await?.is_none().then_some(()))
    })
    .await?;
    Ok(())
}

#[tokio::test]
async fn headless_services_publishing_not_ready_addresses_list_every_pod_with_hostnames()
-> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=endpoint"]).await?;
    let ns = "db";
    fixtures::namespace(&client, ns).await?;
    fixtures::service(
        &client,
        ns,
        "db",
        json!({"clusterIP": "None", "selector": {"app": "web"},
        "publishNotReadyAddresses": true}),
    )
    .await?;
    // A service without a selector gets no Endpoints from the controller.
    fixtures::service(&client, ns, "external", json!({"ports": [{"port": 80}]})).await?;
    fixtures::pod(
        &client,
        ns,
        "db-0",
        5432,
        json!({"hostname": "db-0", "subdomain": "db"}),
    )
    .await?;
    fixtures::set_status(&client, ns, "db-0", "10.2.0.1", false).await?;
    let endpoints: Api<Endpoints> = Api::namespaced(client.clone(), ns);
    let ep = wait_for(&endpoints, "db", (vec!["10.2.0.1"], vec![], vec![])).await?;
    let labels = ep.metadata.labels.clone().unwrap_or_default();
    assert_eq!(
        labels
            .get("service.kubernetes.io/headless")
            .map(String::as_str),
        Some("")
    );
    let address = &ep.subsets.as_ref().expect("subsets")[0]
        .addresses
        .as_ref()
        .expect("ready")[0];
    assert_eq!(address.hostname.as_deref(), Some("db-0"));
    assert!(endpoints.get_opt("external").await?.is_none());
    Ok(())
}
