//! Mirror pods (upstream's `mirror_client.go` and `kubelet_pods.go`): each static pod is shown
//! in the API by a pod of the same name and namespace, annotated `kubernetes.io/config.mirror`
//! with the static pod's hash and owned by the Node. A missing mirror pod is created, one with a
//! stale hash is replaced, and one whose static pod is gone is deleted. Deleting a mirror pod does
//! not stop the static pod; the kubelet recreates the mirror.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::Api;
use kube::api::{DeleteParams, PostParams, Preconditions};
use tokio::sync::watch;

use crate::node::NodeView;
use crate::pod_manager::{self, CONFIG_HASH, CONFIG_MIRROR, PodManager, PodSyncTrigger};
use common::shutdown::Shutdown;

const PERIOD: Duration = Duration::from_secs(1);

/// The mirror pod of `pod`, owned by the node `node_uid`.
pub fn mirror_pod(pod: &Pod, node_name: &str, node_uid: &str) -> Pod {
    let mut mirror = pod.clone();
    let hash = pod_manager::annotation(pod, CONFIG_HASH)
        .unwrap_or_default()
        .to_owned();
    mirror.metadata.uid = None;
    mirror.metadata.resource_version = None;
    mirror.metadata.creation_timestamp = None;
    mirror.metadata.managed_fields = None;
    mirror
        .metadata
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(CONFIG_MIRROR.to_owned(), hash);
    mirror.metadata.owner_references = Some(vec![OwnerReference {
        api_version: "v1".to_owned(),
        kind: "Node".to_owned(),
        name: node_name.to_owned(),
        uid: node_uid.to_owned(),
        controller: Some(true),
        ..Default::default()
    }]);
    mirror.status = None;
    mirror
}

async fn delete(client: &kube::Client, mirror: &Pod) -> Result<(), kube::Error> {
    let api: Api<Pod> = Api::namespaced(
        client.clone(),
        mirror.metadata.namespace.as_deref().unwrap_or("default"),
    );
    let params = DeleteParams {
        grace_period_seconds: Some(0),
        preconditions: Some(Preconditions {
            uid: mirror.metadata.uid.clone(),
            resource_version: None,
        }),
        ..Default::default()
    };
    match api
        .delete(mirror.metadata.name.as_deref().unwrap_or_default(), &params)
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(status)) if status.code == 404 || status.code == 409 => Ok(()),
        Err(error) => Err(error),
    }
}

async fn reconcile(
    client: &kube::Client,
    pods: &PodManager,
    node_name: &str,
    node_uid: &str,
    resync: &PodSyncTrigger,
) -> Result<(), kube::Error> {
    let statics: Vec<_> = pods
        .pods()
        .into_iter()
        .filter(|pod| pod_manager::is_static_pod(pod))
        .collect();
    for pod in &statics {
        let hash = pod_manager::annotation(pod, CONFIG_HASH).unwrap_or_default();
        let existing = pods.mirror_of(pod);
        if let Some(mirror) = &existing {
            let current = pod_manager::annotation(mirror, CONFIG_MIRROR) == Some(hash)
                && mirror.metadata.deletion_timestamp.is_none();
            if current {
                continue;
            }
            // A stale mirror, or one a user deleted gracefully, is deleted at once (grace 0, as
            // upstream's mirror client); it is recreated once the API reports it gone.
            delete(client, mirror).await?;
            continue;
        }
        let api: Api<Pod> = Api::namespaced(
            client.clone(),
            pod.metadata.namespace.as_deref().unwrap_or("default"),
        );
        match api
            .create(
                &PostParams::default(),
                &mirror_pod(pod, node_name, node_uid),
            )
            .await
        {
            Ok(created) => {
                tracing::info!(pod = %pod_manager::full_name(pod), "created a mirror pod");
                pods.upsert(created);
                // The new mirror pod gets the static pod's status.
                let _ = resync.send(pod_manager::uid(pod).to_owned());
            }
            Err(kube::Error::Api(status)) if status.code == 409 => {}
            Err(error) => return Err(error),
        }
    }
    for mirror in pods.mirrors() {
        let owned = statics.iter().any(|pod| {
            pod.metadata.name == mirror.metadata.name
                && pod.metadata.namespace == mirror.metadata.namespace
        });
        if !owned {
            tracing::info!(pod = %pod_manager::full_name(&mirror), "deleting an orphaned mirror pod");
            delete(client, &mirror).await?;
        }
    }
    Ok(())
}

/// Keeps the mirror pods in line with the static pods once the Node exists and the API
/// source has synced.
pub async fn run(
    client: kube::Client,
    node_name: String,
    pods: PodManager,
    mut node: watch::Receiver<NodeView>,
    mut api_synced: watch::Receiver<bool>,
    resync: PodSyncTrigger,
    shutdown: Shutdown,
) {
    loop {
        let node_uid = node.borrow_and_update().uid.clone();
        let synced = *api_synced.borrow_and_update();
        if let (Some(node_uid), true) = (node_uid, synced)
            && let Err(error) = reconcile(&client, &pods, &node_name, &node_uid, &resync).await
        {
            tracing::warn!(%error, "failed to reconcile mirror pods");
        }
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = tokio::time::sleep(PERIOD) => {}
        }
    }
}
