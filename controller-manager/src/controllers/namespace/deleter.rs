//! Emptying a terminating namespace (upstream's
//! `deletion/namespaced_resources_deleter.go`): every namespaced resource that can be deleted
//! (custom resources too) is deleted as a collection, or item by item where collections cannot
//! be deleted; what remains is reported in the namespace's conditions; an empty namespace
//! loses the `kubernetes` finalizer through `namespaces/{name}/finalize`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Namespace, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::Client;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, PostParams, PropagationPolicy};

use super::conditions::ConditionUpdater;
use crate::controller::{self, Error, Result};
use crate::controllers::garbagecollector::resources::{self, Discovered};

/// The finalizer this controller owns.
pub const FINALIZER_KUBERNETES: &str = "kubernetes";
/// How long to wait for objects with finalizers (upstream's `finalizerEstimateSeconds`).
const FINALIZER_ESTIMATE_SECONDS: i64 = 15;
/// Conflicts tolerated on one namespace write.
const CONFLICT_RETRIES: usize = 5;

/// How a deletion pass ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Deletion {
    /// Nothing (more) to do.
    Done,
    /// Content remains; look again after about this many seconds.
    Remaining(i64),
}

/// What deleting one resource's content left.
#[derive(Default)]
struct Remaining {
    estimate: i64,
    count: usize,
    finalizers: BTreeMap<String, usize>,
}

pub struct NamespacedResourcesDeleter {
    client: Client,
}

fn background() -> DeleteParams {
    DeleteParams {
        propagation_policy: Some(PropagationPolicy::Background),
        ..DeleteParams::default()
    }
}

fn unsupported(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 405 || status.code == 404)
}

impl NamespacedResourcesDeleter {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// Upstream's `Delete`: one pass over the namespace `name`.
    pub async fn delete(&self, name: &str) -> Result<Deletion> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        let Some(mut namespace) = api.get_opt(name).await? else {
            return Ok(Deletion::Done);
        };
        if namespace.metadata.deletion_timestamp.is_none() {
            return Ok(Deletion::Done);
        }
        // The phase says Terminating.
        for attempt in 0..CONFLICT_RETRIES {
            let phase = namespace.status.as_ref().and_then(|s| s.phase.as_deref());
            if phase == Some("Terminating") {
                break;
            }
            let mut terminating = namespace.clone();
            terminating
                .status
                .get_or_insert_with(Default::default)
                .phase = Some("Terminating".into());
            match api
                .replace_status(name, &PostParams::default(), &terminating)
                .await
            {
                Ok(updated) => namespace = updated,
                Err(error) if controller::is_not_found(&error) => return Ok(Deletion::Done),
                Err(error) if controller::is_conflict(&error) && attempt + 1 < CONFLICT_RETRIES => {
                    let Some(latest) = api.get_opt(name).await? else {
                        return Ok(Deletion::Done);
                    };
                    if latest.metadata.uid != namespace.metadata.uid {
                        return Err(Error::Other(
                            "namespace uid has changed across retries".into(),
                        ));
                    }
                    namespace = latest;
                }
                Err(error) => return Err(error.into()),
            }
        }
        if namespace.metadata.deletion_timestamp.is_none() {
            return Ok(Deletion::Done);
        }
        let finalizers = namespace
            .spec
            .as_ref()
            .and_then(|s| s.finalizers.clone())
            .unwrap_or_default();
        if finalizers.is_empty() {
            return Ok(Deletion::Done);
        }
        let estimate = self.delete_all_content(&api, &mut namespace).await?;
        if estimate > 0 {
            return Ok(Deletion::Remaining(estimate));
        }
        self.finalize(&api, namespace).await?;
        Ok(Deletion::Done)
    }

    /// Removes `kubernetes` from `spec.finalizers` through the `finalize` subresource.
    async fn finalize(&self, api: &Api<Namespace>, mut namespace: Namespace) -> Result<()> {
        let name = namespace.metadata.name.clone().unwrap_or_default();
        for attempt in 0..CONFLICT_RETRIES {
            let spec = namespace.spec.get_or_insert_with(Default::default);
            let mut remaining: Vec<String> = spec
                .finalizers
                .iter()
                .flatten()
                .filter(|f| *f != FINALIZER_KUBERNETES)
                .cloned()
                .collect();
            remaining.sort();
            remaining.dedup();
            spec.finalizers = Some(remaining);
            match api
                .replace_subresource("finalize", &name, &PostParams::default(), &namespace)
                .await
            {
                Ok(_) => return Ok(()),
                Err(error) if controller::is_not_found(&error) => return Ok(()),
                Err(error) if controller::is_conflict(&error) && attempt + 1 < CONFLICT_RETRIES => {
                    let Some(latest) = api.get_opt(&name).await? else {
                        return Ok(());
                    };
                    if latest.metadata.uid != namespace.metadata.uid {
                        return Err(Error::Other(
                            "namespace uid has changed across retries".into(),
                        ));
                    }
                    namespace = latest;
                }
                Err(error) => return Err(error.into()),
            }
        }
        Err(Error::Other(format!(
            "finalizing namespace {name} kept conflicting"
        )))
    }

    /// Upstream's `deleteAllContent`: the estimate of seconds until the rest is gone.
    async fn delete_all_content(
        &self,
        api: &Api<Namespace>,
        namespace: &mut Namespace,
    ) -> Result<i64> {
        let name = namespace.metadata.name.clone().unwrap_or_default();
        let deleted_at = namespace.metadata.deletion_timestamp.clone();
        let mut errors: Vec<String> = Vec::new();
        let mut updater = ConditionUpdater::default();
        let discovered = match resources::discover(&self.client).await {
            Ok(discovery) => {
                if let Some(failure) = discovery.failure() {
                    updater.discovery_failed(failure.clone(), discovery.failed.len());
                    errors.push(failure);
                }
                discovery
                    .preferred()
                    .filter(|r| r.namespaced && r.supports(&["delete"]))
                    .cloned()
                    .collect()
            }
            Err(error) => {
                updater.discovery_failed(error.to_string(), 0);
                errors.push(error.to_string());
                Vec::new()
            }
        };
        let mut estimate = 0;
        let mut remaining_by_resource = BTreeMap::new();
        let mut remaining_by_finalizer: BTreeMap<String, usize> = BTreeMap::new();
        for resource in &discovered {
            let (remaining, error) = self
                .delete_resource_content(resource, &name, deleted_at.as_ref())
                .await;
            if let Some(error) = error {
                updater.delete_content_failed(error.clone());
                errors.push(error);
            }
            estimate = estimate.max(remaining.estimate);
            if remaining.count > 0 {
                let r = &resource.resource;
                remaining_by_resource.insert((r.group.clone(), r.plural.clone()), remaining.count);
                for (finalizer, count) in remaining.finalizers {
                    *remaining_by_finalizer.entry(finalizer).or_default() += count;
                }
            }
        }
        updater.content_totals(&remaining_by_resource, &remaining_by_finalizer);
        let status = namespace.status.get_or_insert_with(Default::default);
        let conditions = status.conditions.get_or_insert_with(Vec::new);
        if updater.apply(conditions, &Time(jiff::Timestamp::now())) {
            match api
                .replace_status(&name, &PostParams::default(), namespace)
                .await
            {
                Ok(updated) => *namespace = updated,
                Err(error) => {
                    tracing::warn!(namespace = %name, %error, "couldn't update status condition for namespace");
                }
            }
        }
        if !errors.is_empty() {
            return Err(Error::Other(errors.join(", ")));
        }
        Ok(estimate)
    }

    /// Upstream's `deleteAllContentForGroupVersionResource`.
    async fn delete_resource_content(
        &self,
        resource: &Discovered,
        namespace: &str,
        deleted_at: Option<&Time>,
    ) -> (Remaining, Option<String>) {
        let gvr = format!(
            "{}/{}",
            resource.resource.api_version, resource.resource.plural
        );
        let estimate = match self
            .estimate_graceful_termination(resource, namespace, deleted_at)
            .await
        {
            Ok(estimate) => estimate,
            Err(error) => return (Remaining::default(), Some(error.to_string())),
        };
        let failed = |error: kube::Error| {
            (
                Remaining {
                    estimate,
                    ..Remaining::default()
                },
                Some(error.to_string()),
            )
        };
        let api: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), namespace, &resource.resource);
        let can_list = resource.supports(&["list"]);
        let mut collection_deleted = false;
        if resource.supports(&["deletecollection"]) {
            match api
                .delete_collection(&background(), &ListParams::default())
                .await
            {
                Ok(_) => collection_deleted = true,
                Err(error) if unsupported(&error) => {}
                Err(error) => return failed(error),
            }
        }
        if !collection_deleted && can_list {
            let items = match api.list(&ListParams::default()).await {
                Ok(list) => list.items,
                Err(error) if unsupported(&error) => Vec::new(),
                Err(error) => return failed(error),
            };
            for item in items {
                let Some(name) = item.metadata.name.as_deref() else {
                    continue;
                };
                match api.delete(name, &background()).await {
                    Ok(_) => {}
                    Err(error) if unsupported(&error) => {}
                    Err(error) => return failed(error),
                }
            }
        }
        if !can_list {
            return (
                Remaining {
                    estimate,
                    ..Remaining::default()
                },
                None,
            );
        }
        let items = match api.list(&ListParams::default()).await {
            Ok(list) => list.items,
            Err(error) if unsupported(&error) => Vec::new(),
            Err(error) => return failed(error),
        };
        if items.is_empty() {
            return (Remaining::default(), None);
        }
        let mut finalizers = BTreeMap::new();
        for item in &items {
            for finalizer in item.metadata.finalizers.iter().flatten() {
                *finalizers.entry(finalizer.clone()).or_default() += 1;
            }
        }
        let count = items.len();
        if estimate != 0 {
            return (
                Remaining {
                    estimate,
                    count,
                    finalizers,
                },
                None,
            );
        }
        if !finalizers.is_empty() {
            return (
                Remaining {
                    estimate: FINALIZER_ESTIMATE_SECONDS,
                    count,
                    finalizers,
                },
                None,
            );
        }
        (
            Remaining {
                estimate,
                count,
                finalizers,
            },
            Some(format!(
                "unexpected items still remain in namespace: {namespace} for gvr: {gvr}"
            )),
        )
    }

    /// Upstream's `estimateGracefulTermination`: for pods, the longest grace period of those
    /// not finished, unless that much time passed since the namespace's deletion.
    async fn estimate_graceful_termination(
        &self,
        resource: &Discovered,
        namespace: &str,
        deleted_at: Option<&Time>,
    ) -> Result<i64> {
        if !(resource.resource.group.is_empty() && resource.resource.plural == "pods") {
            return Ok(0);
        }
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let estimate = estimate_for_pods(&pods.list(&ListParams::default()).await?.items);
        let elapsed = deleted_at
            .map(|t| jiff::Timestamp::now().duration_since(t.0).as_secs())
            .unwrap_or(0);
        Ok(if elapsed >= estimate { 0 } else { estimate })
    }
}

/// The longest termination grace period of the pods not yet finished.
fn estimate_for_pods(pods: &[Pod]) -> i64 {
    pods.iter()
        .filter(|p| {
            let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
            !matches!(phase, Some("Succeeded" | "Failed"))
        })
        .filter_map(|p| {
            p.spec
                .as_ref()
                .and_then(|s| s.termination_grace_period_seconds)
        })
        .max()
        .unwrap_or(0)
        .max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{PodSpec, PodStatus};

    fn pod(grace: Option<i64>, phase: &str) -> Pod {
        Pod {
            spec: Some(PodSpec {
                termination_grace_period_seconds: grace,
                ..PodSpec::default()
            }),
            status: Some(PodStatus {
                phase: Some(phase.into()),
                ..PodStatus::default()
            }),
            ..Pod::default()
        }
    }

    #[test]
    fn the_pod_estimate_is_the_longest_grace_period_of_unfinished_pods() {
        assert_eq!(estimate_for_pods(&[]), 0);
        let pods = [
            pod(Some(30), "Running"),
            pod(Some(90), "Succeeded"),
            pod(None, "Pending"),
            pod(Some(45), "Pending"),
        ];
        assert_eq!(estimate_for_pods(&pods), 45);
    }
}
