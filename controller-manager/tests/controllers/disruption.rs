//! disruption-controller against a real API server: a PodDisruptionBudget's status follows
//! the readiness of its pods. There is no kubelet: the test sets the pods' Ready condition
//! through the status subresource itself.

use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;

async fn set_ready(pods: &Api<Pod>, name: &str, ready: bool) -> Result<()> {
    let status = if ready { "True" } else { "False" };
    pods.patch_status(
        name,
        &PatchParams::default(),
        &Patch::Merge(json!({"status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": status}]}})),
    )
    .await?;
    Ok(())
}

async fn allowed_when(
    pdbs: &Api<PodDisruptionBudget>,
    want: (i32, i32, i32),
) -> Result<PodDisruptionBudget> {
    eventually(&format!("a PDB status of {want:?}"), || async {
        let pdb = pdbs.get("web").await?;
        let status = pdb.status.clone().unwrap_or_default();
        let got = (
            status.disruptions_allowed,
            status.current_healthy,
            status.desired_healthy,
        );
        Ok((got == want).then_some(pdb))
    })
    .await
}

#[tokio::test]
async fn disruptions_allowed_follow_pod_readiness() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=disruption"]).await?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    for name in ["web-a", "web-b", "web-c"] {
        let pod = json!({"metadata": {"name": name, "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
        pods.create(&PostParams::default(), &serde_json::from_value(pod)?)
            .await?;
        set_ready(&pods, name, true).await?;
    }
    let pdbs: Api<PodDisruptionBudget> = Api::namespaced(client.clone(), "default");
    let pdb = json!({"metadata": {"name": "web"},
        "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}}});
    pdbs.create(&PostParams::default(), &serde_json::from_value(pdb)?)
        .await?;

    let pdb = allowed_when(&pdbs, (1, 3, 2)).await?;
    let status = pdb.status.unwrap_or_default();
    assert_eq!(status.expected_pods, 3);
    let condition = status
        .conditions
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.type_ == "DisruptionAllowed")
        .expect("a DisruptionAllowed condition");
    assert_eq!(
        (condition.status.as_str(), condition.reason.as_str()),
        ("True", "SufficientPods")
    );

    set_ready(&pods, "web-c", false).await?;
    let pdb = allowed_when(&pdbs, (0, 2, 2)).await?;
    let condition = pdb
        .status
        .unwrap_or_default()
        .conditions
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.type_ == "DisruptionAllowed")
        .expect("a DisruptionAllowed condition");
    assert_eq!(
        (condition.status.as_str(), condition.reason.as_str()),
        ("False", "InsufficientPods")
    );

    // maxUnavailable needs the pods' controllers; these pods have none, so upstream's
    // fail-safe allows no disruption and says why.
    pdbs.patch(
        "web",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"minAvailable": null, "maxUnavailable": 1}})),
    )
    .await?;
    eventually("the SyncFailed condition", || async {
        let pdb = pdbs.get("web").await?;
        let failed = pdb
            .status
            .and_then(|s| s.conditions)
            .unwrap_or_default()
            .into_iter()
            .any(|c| c.reason == "SyncFailed" && c.message.contains("found no controllers"));
        Ok(failed.then_some(()))
    })
    .await?;
    Ok(())
}
