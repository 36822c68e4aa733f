//! Creating and deleting the pods of a workload controller, as upstream's `RealPodControl`:
//! pods built from the owner's template with a controller reference, upstream's events
//! (`SuccessfulCreate`, `FailedCreate`, `SuccessfulDelete`, `FailedDelete`), and the
//! slow-start batches that stop a failing burst early.

use std::future::Future;

use futures::future::join_all;
use k8s_openapi::api::core::v1::{ObjectReference, Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::api::{Api, DeleteParams, ObjectMeta, PostParams};

use crate::controller::{self, Result};
use crate::events::EventRecorder;

/// The batch size a slow start begins with.
pub const SLOW_START_INITIAL_BATCH_SIZE: usize = 1;

/// The `generateName` of the pods of `controller_name` (upstream's `getPodsPrefix`).
pub fn pods_prefix(controller_name: &str) -> String {
    let prefix = format!("{controller_name}-");
    // A prefix too long to be a name is cut by the server; upstream falls back to the name.
    if common::name_validation::is_dns1123_subdomain(&prefix[..prefix.len() - 1]) {
        prefix
    } else {
        controller_name.to_owned()
    }
}

/// A pod from `template`, controlled by `controller_ref` (upstream's `GetPodFromTemplate`).
pub fn pod_from_template(
    template: &PodTemplateSpec,
    namespace: &str,
    generate_name: &str,
    controller_ref: Option<&OwnerReference>,
) -> Pod {
    let meta = template.metadata.clone().unwrap_or_default();
    Pod {
        metadata: ObjectMeta {
            namespace: Some(namespace.to_owned()),
            generate_name: Some(generate_name.to_owned()),
            labels: meta.labels,
            annotations: meta.annotations,
            finalizers: meta.finalizers,
            owner_references: controller_ref.map(|r| vec![r.clone()]),
            ..ObjectMeta::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}

/// Creates and deletes pods on behalf of one controller, recording upstream's events.
#[derive(Clone)]
pub struct PodControl {
    client: kube::Client,
    events: EventRecorder,
}

impl PodControl {
    pub fn new(client: kube::Client, events: EventRecorder) -> Self {
        Self { client, events }
    }

    /// The client pods are written with.
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// Creates `pod`; `owner` is what the events are about.
    pub async fn create(&self, pod: &Pod, owner: &ObjectReference) -> Result<Pod> {
        let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        match api.create(&PostParams::default(), pod).await {
            Ok(created) => {
                let name = created.metadata.name.clone().unwrap_or_default();
                self.events.normal(
                    owner.clone(),
                    "SuccessfulCreate",
                    "Create",
                    format!("Created pod: {name}"),
                );
                Ok(created)
            }
            Err(error) => {
                self.events.warning(
                    owner.clone(),
                    "FailedCreate",
                    "Create",
                    format!("Error creating: {}", api_message(&error)),
                );
                Err(error.into())
            }
        }
    }

    /// Deletes the pod `namespace/name`; a pod already gone counts as deleted.
    pub async fn delete(&self, namespace: &str, name: &str, owner: &ObjectReference) -> Result<()> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        match api.delete(name, &DeleteParams::default()).await {
            Ok(_) => {
                self.events.normal(
                    owner.clone(),
                    "SuccessfulDelete",
                    "Delete",
                    format!("Deleted pod: {name}"),
                );
                Ok(())
            }
            Err(error) if controller::is_not_found(&error) => Ok(()),
            Err(error) => {
                self.events.warning(
                    owner.clone(),
                    "FailedDelete",
                    "Delete",
                    format!("Error deleting: {}", api_message(&error)),
                );
                Err(error.into())
            }
        }
    }
}

/// The message of an API error as upstream prints it in events.
pub fn api_message(error: &kube::Error) -> String {
    match error {
        kube::Error::Api(status) => status.message.clone(),
        other => other.to_string(),
    }
}

/// Runs `count` calls of `call` in batches of 1, 2, 4, … (upstream's `slowStartBatch`),
/// stopping after the first batch with a failure. Returns how many succeeded and the first
/// error.
pub async fn slow_start_batch<F, Fut>(
    count: usize,
    initial_batch_size: usize,
    mut call: F,
) -> (usize, Option<controller::Error>)
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let mut remaining = count;
    let mut successes = 0;
    let mut batch = initial_batch_size.max(1).min(count.max(1));
    let mut index = 0;
    while remaining > 0 && batch > 0 {
        let calls: Vec<Fut> = (0..batch).map(|i| call(index + i)).collect();
        index += batch;
        let results = join_all(calls).await;
        let mut first_error = None;
        for result in results {
            match result {
                Ok(()) => successes += 1,
                Err(error) => {
                    if first_error.is_none() {
                        first_error = Some(error);
                    }
                }
            }
        }
        if first_error.is_some() {
            return (successes, first_error);
        }
        remaining -= batch;
        batch = (2 * batch).min(remaining);
    }
    (successes, None)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn slow_start_doubles_batches_and_stops_after_a_failing_batch() {
        let calls = AtomicUsize::new(0);
        let (ok, error) = slow_start_batch(10, 1, |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Ok(()) }
        })
        .await;
        assert_eq!((ok, error.is_none()), (10, true));
        assert_eq!(calls.load(Ordering::SeqCst), 10);

        // Batches 1, 2, 4: the call with index 4 fails, so the batch of 4 is the last.
        let calls = AtomicUsize::new(0);
        let (ok, error) = slow_start_batch(10, 1, |i| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move {
                if i == 4 {
                    Err(controller::Error::Other("quota".into()))
                } else {
                    Ok(())
                }
            }
        })
        .await;
        assert_eq!(ok, 6);
        assert!(error.is_some());
        assert_eq!(calls.load(Ordering::SeqCst), 7);
    }

    #[test]
    fn pods_take_the_template_and_a_controller_reference() {
        let template: PodTemplateSpec = serde_json::from_value(serde_json::json!({
            "metadata": {"labels": {"app": "web"}, "annotations": {"a": "b"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}
        }))
        .expect("template");
        let owner = OwnerReference {
            api_version: "apps/v1".into(),
            kind: "ReplicaSet".into(),
            name: "web-1".into(),
            uid: "u".into(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        };
        let pod = pod_from_template(&template, "ns", &pods_prefix("web-1"), Some(&owner));
        assert_eq!(pod.metadata.generate_name.as_deref(), Some("web-1-"));
        assert_eq!(pod.metadata.labels.unwrap()["app"], "web");
        assert_eq!(pod.metadata.owner_references.unwrap()[0].uid, "u");
        assert_eq!(
            pod.spec.unwrap().containers[0].image.as_deref(),
            Some("nginx")
        );
    }
}
