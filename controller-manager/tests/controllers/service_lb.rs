//! service-lb-controller against a real API server: a LoadBalancer Service's ingress lists the
//! Ready nodes' InternalIPs and follows their readiness, and is cleared when the Service stops
//! being a LoadBalancer. There is no kubelet: the test posts node status itself.

use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Node, Service};
use k8s_openapi::api::events::v1::Event;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;

/// Creates a node and posts its status (an InternalIP, a Hostname, and Ready) as a kubelet
/// would.
async fn create_node(nodes: &Api<Node>, name: &str, ip: &str) -> Result<()> {
    nodes
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": name}}))?,
        )
        .await?;
    nodes
        .patch_status(
            name,
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"addresses": [
                {"type": "InternalIP", "address": ip},
                {"type": "Hostname", "address": name},
            ]}})),
        )
        .await?;
    post_ready(nodes, name, "True").await
}

async fn post_ready(nodes: &Api<Node>, name: &str, status: &str) -> Result<()> {
    let now = Timestamp::now().to_string();
    nodes
        .patch_status(
            name,
            &PatchParams::default(),
            &Patch::Strategic(json!({"status": {"conditions": [{
                "type": "Ready", "status": status, "reason": "KubeletReady",
                "lastHeartbeatTime": now, "lastTransitionTime": now,
            }]}})),
        )
        .await?;
    Ok(())
}

/// The Service's ingress as (ip, ipMode) pairs, in order.
fn ingress(service: &Service) -> Vec<(String, String)> {
    service
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_ref())
        .into_iter()
        .flatten()
        .map(|i| {
            (
                i.ip.clone().unwrap_or_default(),
                i.ip_mode.clone().unwrap_or_default(),
            )
        })
        .collect()
}

async fn wait_for_ingress(api: &Api<Service>, name: &str, want: &[&str]) -> Result<Service> {
    let want: Vec<(String, String)> = want
        .iter()
        .map(|ip| ((*ip).to_owned(), "VIP".to_owned()))
        .collect();
    eventually(
        &format!("service {name}'s ingress to be {want:?}"),
        || async {
            let service = api.get(name).await?;
            Ok((ingress(&service) == want).then_some(service))
        },
    )
    .await
}

#[tokio::test]
async fn ingress_lists_ready_nodes_and_is_cleared_when_the_service_stops_being_a_load_balancer()
-> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let nodes: Api<Node> = Api::all(client.clone());
    // Out of order, to see the list sorted.
    create_node(&nodes, "node-b", "10.0.0.12").await?;
    create_node(&nodes, "node-a", "10.0.0.11").await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=service"]).await?;

    let services: Api<Service> = Api::namespaced(client.clone(), "default");
    services
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({
                "metadata": {"name": "web"},
                "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                         "ports": [{"port": 80, "targetPort": 8080}]},
            }))?,
        )
        .await?;
    wait_for_ingress(&services, "web", &["10.0.0.11", "10.0.0.12"]).await?;

    // A node that stops being Ready leaves the list; a third one that comes Ready joins it.
    post_ready(&nodes, "node-a", "False").await?;
    wait_for_ingress(&services, "web", &["10.0.0.12"]).await?;
    create_node(&nodes, "node-c", "10.0.0.9").await?;
    wait_for_ingress(&services, "web", &["10.0.0.9", "10.0.0.12"]).await?;

    let events: Api<Event> = Api::namespaced(client.clone(), "default");
    for reason in ["EnsuringLoadBalancer", "EnsuredLoadBalancer"] {
        eventually(&format!("a {reason} event about the Service"), || async {
            let list = events.list(&ListParams::default()).await?;
            Ok(list
                .items
                .into_iter()
                .find(|e| {
                    e.reason.as_deref() == Some(reason)
                        && e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some("web")
                        && e.reporting_controller.as_deref() == Some("service-controller")
                })
                .map(|_| ()))
        })
        .await?;
    }

    // No longer a LoadBalancer: the status is cleared.
    services
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"type": "ClusterIP"}})),
        )
        .await?;
    let cleared = wait_for_ingress(&services, "web", &[]).await?;
    assert_eq!(
        cleared.spec.and_then(|s| s.type_).as_deref(),
        Some("ClusterIP")
    );
    Ok(())
}
