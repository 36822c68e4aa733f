//! statefulset-controller against a real API server. There is no kubelet and no scheduler
//! here: the test marks pods Running and Ready itself through the pods' status subresource,
//! as a kubelet would, and the pods stay unbound (so deleting one removes it at once).

use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;

const NS: &str = "default";

async fn mark_ready(pods: &Api<Pod>, name: &str) -> Result<()> {
    let now = jiff::Timestamp::now().to_string();
    let patch = json!({"status": {"phase": "Running", "conditions": [
        {"type": "Ready", "status": "True", "lastTransitionTime": now}]}});
    pods.patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await?;
    Ok(())
}

async fn wait_for_pod(pods: &Api<Pod>, name: &str) -> Result<Pod> {
    eventually(&format!("pod {name}"), || async {
        Ok(pods.get_opt(name).await?)
    })
    .await
}

fn revision(pod: &Pod) -> String {
    pod.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("controller-revision-hash").cloned())
        .unwrap_or_default()
}

/// Pods appear one at a time, each after the previous is ready, with their PVCs; a
/// partitioned rolling update replaces only the pods at or above the partition, highest
/// first; scaling down removes the highest ordinal first.
#[tokio::test]
async fn ordered_ready_creation_partitioned_update_and_scale_down() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=statefulset"]).await?;
    let sets: Api<StatefulSet> = Api::namespaced(client.clone(), NS);
    let pods: Api<Pod> = Api::namespaced(client.clone(), NS);
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), NS);
    sets.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 3,
                "serviceName": "nginx",
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                             "spec": {"containers": [{"name": "nginx", "image": "nginx:1"}]}},
                "volumeClaimTemplates": [{"metadata": {"name": "www"},
                    "spec": {"accessModes": ["ReadWriteOnce"],
                             "resources": {"requests": {"storage": "1Gi"}}}}]
            }
        }))?,
    )
    .await?;

    // web-0 first, alone: web-1 waits for it to be ready.
    let web0 = wait_for_pod(&pods, "web-0").await?;
    let spec = web0.spec.clone().unwrap_or_default();
    assert_eq!(spec.hostname.as_deref(), Some("web-0"));
    assert_eq!(spec.subdomain.as_deref(), Some("nginx"));
    let labels = web0.metadata.labels.clone().unwrap_or_default();
    assert_eq!(labels["statefulset.kubernetes.io/pod-name"], "web-0");
    assert_eq!(labels["apps.kubernetes.io/pod-index"], "0");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        pods.get_opt("web-1").await?.is_none(),
        "web-1 before web-0 is ready"
    );
    mark_ready(&pods, "web-0").await?;
    wait_for_pod(&pods, "web-1").await?;
    assert!(
        pods.get_opt("web-2").await?.is_none(),
        "web-2 before web-1 is ready"
    );
    mark_ready(&pods, "web-1").await?;
    wait_for_pod(&pods, "web-2").await?;
    mark_ready(&pods, "web-2").await?;

    for i in 0..3 {
        let claim = claims.get(&format!("www-web-{i}")).await?;
        assert_eq!(claim.metadata.labels.unwrap_or_default()["app"], "web");
    }
    let status = eventually("3 ready replicas", || async {
        let set = sets.get("web").await?;
        Ok(set
            .status
            .filter(|s| s.ready_replicas == Some(3) && s.current_revision.is_some()))
    })
    .await?;
    let first_revision = status.current_revision.unwrap_or_default();

    // A new template with partition 2: only web-2 (ordinal >= 2) moves to the new revision.
    let old_web2 = pods.get("web-2").await?;
    let patch = json!({"spec": {
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}},
        "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:2"}]}}}});
    sets.patch("web", &PatchParams::default(), &Patch::Merge(&patch))
        .await?;
    let new_web2 = eventually("web-2 recreated at the new revision", || async {
        Ok(pods.get_opt("web-2").await?.filter(|p| {
            p.metadata.uid != old_web2.metadata.uid && is_created_at_new(p, &first_revision)
        }))
    })
    .await?;
    assert_eq!(
        new_web2.spec.unwrap_or_default().containers[0]
            .image
            .as_deref(),
        Some("nginx:2")
    );
    mark_ready(&pods, "web-2").await?;
    let status = eventually("one updated replica", || async {
        let set = sets.get("web").await?;
        Ok(set
            .status
            .filter(|s| s.updated_replicas == Some(1) && s.ready_replicas == Some(3)))
    })
    .await?;
    assert_ne!(status.update_revision, status.current_revision);
    for name in ["web-0", "web-1"] {
        assert_eq!(revision(&pods.get(name).await?), first_revision, "{name}");
    }

    // Scaling down to 2 removes web-2, the highest ordinal, and keeps web-1.
    sets.patch(
        "web",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"replicas": 2}})),
    )
    .await?;
    eventually("web-2 gone", || async {
        Ok(pods.get_opt("web-2").await?.is_none().then_some(()))
    })
    .await?;
    assert!(pods.get_opt("web-1").await?.is_some());
    // PVCs are retained (the default policy).
    assert!(claims.get_opt("www-web-2").await?.is_some());
    Ok(())
}

fn is_created_at_new(pod: &Pod, old_revision: &str) -> bool {
    let rev = revision(pod);
    !rev.is_empty() && rev != old_revision
}
