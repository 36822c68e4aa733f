//! garbage-collector-controller against a real API server: background, foreground and orphan
//! deletion, dangling references by uid, and custom resources.

use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, PostParams};
use kube::runtime::{conditions, wait::await_condition};
use serde_json::{Value, json};
use tests::apiserver::TestApiServer;

const NS: &str = "default";

async fn config_map(api: &Api<ConfigMap>, name: &str, owners: Value) -> Result<ConfigMap> {
    Ok(api
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({
                "metadata": {"name": name, "ownerReferences": owners}
            }))?,
        )
        .await?)
}

fn owner_ref(owner: &ConfigMap, block: bool) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "name": owner.metadata.name,
        "uid": owner.metadata.uid,
        "blockOwnerDeletion": block,
    })
}

async fn gone(api: &Api<ConfigMap>, name: &str) -> Result<Option<()>> {
    Ok(api.get_opt(name).await?.is_none().then_some(()))
}

fn owner_uids(cm: &ConfigMap) -> Vec<String> {
    cm.metadata
        .owner_references
        .iter()
        .flatten()
        .map(|r| r.uid.clone())
        .collect()
}

#[tokio::test]
async fn background_deletion_collects_dependents_and_drops_dangling_references() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers =
        RunningControllers::start(&server, &["--controllers=garbagecollector"]).await?;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), NS);
    let owner = config_map(&api, "owner", json!([])).await?;
    let other = config_map(&api, "other", json!([])).await?;
    config_map(&api, "child", json!([owner_ref(&owner, false)])).await?;
    config_map(
        &api,
        "shared",
        json!([owner_ref(&owner, false), owner_ref(&other, false)]),
    )
    .await?;
    // The same name with another uid is not the owner: the dependent goes at once.
    let mut impostor = owner_ref(&owner, false);
    impostor["uid"] = json!("00000000-0000-0000-0000-000000000000");
    config_map(&api, "wrong-uid", json!([impostor])).await?;
    eventually("the dependent of an absent uid to be collected", || {
        gone(&api, "wrong-uid")
    })
    .await?;
    assert!(api.get_opt("child").await?.is_some());

    api.delete("owner", &DeleteParams::background()).await?;
    eventually("the dependent to be collected", || gone(&api, "child")).await?;
    // A dependent with another live owner stays, without the reference to the deleted one.
    let shared = eventually("the dangling reference to be removed", || async {
        let shared = api.get("shared").await?;
        let wanted = vec![other.metadata.uid.clone().unwrap_or_default()];
        Ok((owner_uids(&shared) == wanted).then_some(shared))
    })
    .await?;
    assert!(shared.metadata.deletion_timestamp.is_none());
    Ok(())
}

#[tokio::test]
async fn foreground_deletion_deletes_blocking_dependents_before_the_owner() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers =
        RunningControllers::start(&server, &["--controllers=garbage-collector-controller"]).await?;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), NS);
    let owner = config_map(&api, "owner", json!([])).await?;
    config_map(&api, "child", json!([owner_ref(&owner, true)])).await?;

    api.delete("owner", &DeleteParams::foreground()).await?;
    // The API server keeps the owner, marked, until the collector is done.
    if let Some(marked) = api.get_opt("owner").await? {
        assert!(marked.metadata.deletion_timestamp.is_some());
        assert!(
            marked
                .metadata
                .finalizers
                .iter()
                .flatten()
                .any(|f| f == "foregroundDeletion")
        );
    }
    eventually("the owner to be deleted", || gone(&api, "owner")).await?;
    // The owner went only after its blocking dependent.
    assert!(api.get_opt("child").await?.is_none());
    Ok(())
}

#[tokio::test]
async fn orphan_deletion_leaves_dependents_without_the_reference() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers =
        RunningControllers::start(&server, &["--controllers=garbagecollector"]).await?;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), NS);
    let owner = config_map(&api, "owner", json!([])).await?;
    config_map(&api, "child", json!([owner_ref(&owner, true)])).await?;
    // Let the collector see the dependent before its owner goes.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let marked = api.delete("owner", &DeleteParams::orphan()).await?;
    // The API server keeps the owner, marked, until the collector is done.
    let marked = marked
        .left()
        .expect("the owner stays until orphaning is done");
    assert!(marked.metadata.deletion_timestamp.is_some());
    assert_eq!(marked.metadata.finalizers, Some(vec!["orphan".to_owned()]));
    eventually("the owner to be deleted", || gone(&api, "owner")).await?;
    let child = api.get("child").await?;
    assert!(owner_uids(&child).is_empty(), "{child:?}");
    assert!(child.metadata.deletion_timestamp.is_none());
    Ok(())
}

#[tokio::test]
async fn custom_resources_owned_by_a_config_map_are_collected() -> Result<()> {
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
    let _controllers =
        RunningControllers::start(&server, &["--controllers=garbagecollector"]).await?;
    let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), NS);
    let owner = config_map(&config_maps, "owner", json!([])).await?;
    let resource = ApiResource {
        group: "example.com".into(),
        version: "v1".into(),
        api_version: "example.com/v1".into(),
        kind: "Widget".into(),
        plural: "widgets".into(),
    };
    let widgets: Api<DynamicObject> = Api::namespaced_with(client.clone(), NS, &resource);
    widgets
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({
                "apiVersion": "example.com/v1", "kind": "Widget",
                "metadata": {"name": "w", "ownerReferences": [owner_ref(&owner, false)]}
            }))?,
        )
        .await?;
    // And a config map owned by the custom resource, collected in turn.
    let widget = widgets.get("w").await?;
    config_map(
        &config_maps,
        "grandchild",
        json!([{"apiVersion": "example.com/v1", "kind": "Widget", "name": "w",
            "uid": widget.metadata.uid}]),
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(widgets.get_opt("w").await?.is_some());

    config_maps
        .delete("owner", &DeleteParams::default())
        .await?;
    eventually("the custom resource to be collected", || async {
        Ok(widgets.get_opt("w").await?.is_none().then_some(()))
    })
    .await?;
    eventually("its dependent to be collected", || {
        gone(&config_maps, "grandchild")
    })
    .await?;
    Ok(())
}
