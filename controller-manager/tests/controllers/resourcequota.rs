//! resourcequota-controller against a real API server: `status.used` follows the pods,
//! services and config maps of the namespace, and scoped quotas count only their pods.

use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, ResourceQuota, Service};
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;

async fn used_when(quotas: &Api<ResourceQuota>, name: &str, want: &[(&str, &str)]) -> Result<()> {
    eventually(&format!("quota {name} to show {want:?}"), || async {
        let quota = quotas.get(name).await?;
        let used = quota.status.and_then(|s| s.used).unwrap_or_default();
        let all = want
            .iter()
            .all(|(k, v)| used.get(*k).is_some_and(|q| q.0 == *v));
        Ok(all.then_some(()))
    })
    .await
}

#[tokio::test]
async fn usage_follows_the_namespace() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=resourcequota"]).await?;
    let pp = PostParams::default();
    let quotas: Api<ResourceQuota> = Api::namespaced(client.clone(), "default");
    quotas
        .create(
            &pp,
            &serde_json::from_value(json!({"metadata": {"name": "compute"},
                "spec": {"hard": {"pods": "10", "requests.cpu": "4", "requests.memory": "4Gi",
                    "services": "5", "configmaps": "10"}}}))?,
        )
        .await?;
    quotas
        .create(
            &pp,
            &serde_json::from_value(json!({"metadata": {"name": "best-effort"},
                "spec": {"hard": {"pods": "5"}, "scopes": ["BestEffort"]}}))?,
        )
        .await?;
    used_when(&quotas, "compute", &[("pods", "0"), ("requests.cpu", "0")]).await?;

    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    for (name, cpu) in [("a", "250m"), ("b", "500m")] {
        pods.create(
            &pp,
            &serde_json::from_value(json!({"metadata": {"name": name}, "spec": {"containers": [
                {"name": "c", "image": "nginx",
                 "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}}]}}))?,
        )
        .await?;
    }
    pods.create(
        &pp,
        &serde_json::from_value(json!({"metadata": {"name": "free"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}))?,
    )
    .await?;
    let services: Api<Service> = Api::namespaced(client.clone(), "default");
    services
        .create(
            &pp,
            &serde_json::from_value(json!({"metadata": {"name": "web"},
                "spec": {"ports": [{"port": 80}]}}))?,
        )
        .await?;
    let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    config_maps
        .create(
            &pp,
            &serde_json::from_value(json!({"metadata": {"name": "settings"}}))?,
        )
        .await?;

    // The API server creates the `kubernetes` service and the root CA config map in default
    // only when those controllers exist; count relative to what is there.
    let services_now = services
        .list(&Default::default())
        .await?
        .items
        .len()
        .to_string();
    let config_maps_now = config_maps
        .list(&Default::default())
        .await?
        .items
        .len()
        .to_string();
    used_when(
        &quotas,
        "compute",
        &[
            ("pods", "3"),
            ("requests.cpu", "750m"),
            ("requests.memory", "128Mi"),
            ("services", &services_now),
            ("configmaps", &config_maps_now),
        ],
    )
    .await?;
    used_when(&quotas, "best-effort", &[("pods", "1")]).await?;

    pods.delete("b", &DeleteParams::default().grace_period(0))
        .await?;
    used_when(
        &quotas,
        "compute",
        &[("pods", "2"), ("requests.cpu", "250m")],
    )
    .await?;
    Ok(())
}
