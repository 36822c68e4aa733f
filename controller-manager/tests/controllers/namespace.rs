//! namespace-controller against a real API server: a deleted namespace is emptied (config
//! maps, secrets, pods, custom resources), reports what remains in its conditions, and goes
//! away once empty. There is no kubelet: the pod is never scheduled, so the API server
//! deletes it at once.

use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod, Secret};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::runtime::{conditions, wait::await_condition};
use serde_json::json;
use tests::apiserver::TestApiServer;

const NS: &str = "doomed";

#[tokio::test]
async fn a_deleted_namespace_is_emptied_then_removed() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    crds.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "metadata": {"name": "widgets.example.com"},
            "spec": {
                "group": "example.com",
                "scope": "Namespaced",
                "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object",
                        "x-kubernetes-preserve-unknown-fields": true}}}]
            }
        }))?,
    )
    .await?;
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        await_condition(
            crds,
            "widgets.example.com",
            conditions::is_crd_established(),
        ),
    )
    .await??;
    let _controllers = RunningControllers::start(&server, &["--controllers=namespace"]).await?;

    let namespaces: Api<Namespace> = Api::all(client.clone());
    namespaces
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": NS}}))?,
        )
        .await?;
    let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), NS);
    config_maps
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "cm"}, "data": {"a": "b"}}))?,
        )
        .await?;
    let secrets: Api<Secret> = Api::namespaced(client.clone(), NS);
    secrets
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "s"}, "stringData": {"a": "b"}}))?,
        )
        .await?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), NS);
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]}}))?,
    )
    .await?;
    let resource = ApiResource {
        group: "example.com".into(),
        version: "v1".into(),
        api_version: "example.com/v1".into(),
        kind: "Widget".into(),
        plural: "widgets".into(),
    };
    let widgets: Api<DynamicObject> = Api::namespaced_with(client.clone(), NS, &resource);
    // A finalizer only the test removes keeps one widget, and so the namespace, around.
    for (name, finalizers) in [("w", json!([])), ("held", json!(["example.com/hold"]))] {
        widgets
            .create(
                &PostParams::default(),
                &serde_json::from_value(json!({"apiVersion": "example.com/v1", "kind": "Widget",
                    "metadata": {"name": name, "finalizers": finalizers}}))?,
            )
            .await?;
    }

    namespaces.delete(NS, &DeleteParams::default()).await?;
    let terminating = eventually("the remaining content in the conditions", || async {
        let ns = namespaces.get(NS).await?;
        let remaining = ns
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "NamespaceFinalizersRemaining"))
            .filter(|c| c.status == "True")
            .is_some();
        Ok(remaining.then_some(ns))
    })
    .await?;
    let status = terminating.status.unwrap_or_default();
    assert_eq!(status.phase.as_deref(), Some("Terminating"));
    let condition = |t: &str| {
        status
            .conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == t)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        condition("NamespaceFinalizersRemaining").message.as_deref(),
        Some("Some finalizers are remaining: example.com/hold in 1 resource instances")
    );
    let content = condition("NamespaceContentRemaining");
    assert_eq!(content.reason.as_deref(), Some("SomeResourcesRemain"));
    assert_eq!(
        content.message.as_deref(),
        Some("Some resources are remaining: widgets.example.com has 1 resource instances")
    );
    assert_eq!(
        condition("NamespaceDeletionDiscoveryFailure").status,
        "False"
    );
    // Everything else is gone already.
    assert!(config_maps.get_opt("cm").await?.is_none());
    assert!(secrets.get_opt("s").await?.is_none());
    assert!(pods.get_opt("p").await?.is_none());
    assert!(widgets.get_opt("w").await?.is_none());

    widgets
        .patch(
            "held",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"finalizers": null}})),
        )
        .await?;
    eventually("the namespace to go away", || async {
        Ok(namespaces.get_opt(NS).await?.is_none().then_some(()))
    })
    .await?;
    Ok(())
}
