//! One sync of a ReplicaSet or ReplicationController (upstream's `syncReplicaSet`,
//! `claimPods` and `manageReplicas`): claim the active pods the selector selects, create or
//! delete pods to reach `spec.replicas` while no earlier creates or deletes are pending, and
//! write the status through the status subresource when it changed.

use std::collections::HashSet;
use std::sync::Arc;

use futures::future::join_all;
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use kube::Resource;
use kube::api::{Api, PostParams};

use super::status::{
    ReplicaStatus, StatusInput, calculate_status, needs_update, next_availability_check,
};
use super::workload::{ReplicaWorkload, selects};
use crate::active_pods::{is_pod_active, pods_to_delete};
use crate::controller::{Error, Reconcile, Result};
use crate::controller_ref::{self, Claim, controller_of};
use crate::expectations::Expectations;
use crate::informers::{Lister, key_of, split_key};
use crate::pod_control::{
    PodControl, SLOW_START_INITIAL_BATCH_SIZE, api_message, pod_from_template, pods_prefix,
    slow_start_batch,
};
use crate::workqueue::WorkQueue;

/// How many pods one sync creates or deletes at most (upstream's `BurstReplicas`).
pub const BURST_REPLICAS: usize = 500;
/// How often a failed status write is retried after re-reading the object.
const STATUS_UPDATE_RETRIES: usize = 1;
/// The status cause upstream ignores when creating pods in a namespace being deleted.
const NAMESPACE_TERMINATING_CAUSE: &str = "NamespaceTerminating";

/// The replica controller of one kind of workload.
pub struct ReplicaController<W> {
    pub(super) client: kube::Client,
    pub(super) owners: Lister<W>,
    pub(super) pods: Lister<Pod>,
    pub(super) expectations: Arc<Expectations>,
    pub(super) queue: Arc<WorkQueue>,
    pub(super) pod_control: PodControl,
    pub(super) burst_replicas: usize,
}

/// What a sync does to the number of pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicaAction {
    Nothing,
    Create(usize),
    Delete(usize),
}

/// Creates or deletes the difference between `active` pods and `desired`, at most `burst`.
pub fn replica_action(active: usize, desired: i32, burst: usize) -> ReplicaAction {
    let desired = usize::try_from(desired).unwrap_or(0);
    if active < desired {
        ReplicaAction::Create((desired - active).min(burst))
    } else if active > desired {
        ReplicaAction::Delete((active - desired).min(burst))
    } else {
        ReplicaAction::Nothing
    }
}

/// What claiming decides for each of `pods` (upstream's `ClaimPods` rules): keep owned pods
/// that match, adopt matching orphans and release owned pods that no longer match (neither
/// while the owner is being deleted), ignore the pods of other controllers.
pub fn claim_decisions<'a, W: ReplicaWorkload>(
    owner: &W,
    selector: &[common::label_selector::Requirement],
    pods: &[&'a Pod],
) -> Vec<(&'a Pod, Claim)> {
    let uid = owner.meta().uid.as_deref().unwrap_or_default();
    let can_adopt = owner.meta().deletion_timestamp.is_none();
    pods.iter()
        .map(|pod| {
            let decision = controller_ref::claim(*pod, uid, selects(selector, pod), can_adopt);
            (*pod, decision)
        })
        .collect()
}

/// The message of a sync error as the `ReplicaFailure` condition shows it.
fn error_message(error: &Error) -> String {
    match error {
        Error::Api(error) => api_message(error),
        other => other.to_string(),
    }
}

fn is_namespace_terminating(error: &Error) -> bool {
    matches!(error, Error::Api(kube::Error::Api(status))
    if status.details.as_ref().is_some_and(|d| {
        d.causes.iter().any(|c| c.reason == NAMESPACE_TERMINATING_CAUSE)
    }))
}

impl<W> ReplicaController<W>
where
    W: ReplicaWorkload + Resource<Scope = NamespaceResourceScope>,
{
    fn owner_api(&self, namespace: &str) -> Api<W> {
        Api::namespaced(self.client.clone(), namespace)
    }

    /// Whether a fresh read of the owner still allows adoption (upstream's
    /// `RecheckDeletionTimestamp`): the same object, not being deleted.
    async fn recheck_can_adopt(&self, owner: &W) -> Result<()> {
        let meta = owner.meta();
        let (namespace, name) = (
            meta.namespace.as_deref().unwrap_or_default(),
            meta.name.as_deref().unwrap_or_default(),
        );
        let fresh = self.owner_api(namespace).get(name).await?;
        if fresh.meta().uid != meta.uid {
            return Err(Error::Other(format!(
                "original {} {namespace}/{name} is gone: got uid {}, wanted {}",
                W::kind(&()),
                fresh.meta().uid.as_deref().unwrap_or_default(),
                meta.uid.as_deref().unwrap_or_default()
            )));
        }
        if let Some(at) = &fresh.meta().deletion_timestamp {
            return Err(Error::Other(format!(
                "{namespace}/{name} has just been deleted at {}",
                at.0
            )));
        }
        Ok(())
    }

    /// Claims the active pods of the owner's namespace: adopts and releases as decided, and
    /// returns the pods the owner now controls.
    async fn claim_pods<'a>(
        &self,
        owner: &W,
        selector: &[common::label_selector::Requirement],
        active: &[&'a Pod],
    ) -> Result<Vec<&'a Pod>> {
        let namespace = owner.meta().namespace.as_deref().unwrap_or_default();
        let pods_api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let uid = owner.meta().uid.clone().unwrap_or_default();
        let reference = controller_ref::controller_ref(owner);
        let mut claimed = Vec::new();
        let mut first_error = None;
        let mut can_adopt: Option<Result<(), String>> = None;
        for (pod, decision) in claim_decisions(owner, selector, active) {
            let outcome =
                match decision {
                    Claim::Owned => {
                        claimed.push(pod);
                        continue;
                    }
                    Claim::Ignore => continue,
                    Claim::Adopt => {
                        if can_adopt.is_none() {
                            let recheck = self.recheck_can_adopt(owner).await;
                            can_adopt = Some(recheck.map_err(|e| e.to_string()));
                        }
                        match &can_adopt {
                            Some(Err(why)) => Err(Error::Other(format!(
                                "can't adopt Pod {}: {why}",
                                key_of(pod)
                            ))),
                            _ => controller_ref::adopt(&pods_api, pod, &reference).await.map(
                                |adopted| {
                                    if adopted.is_some() {
                                        tracing::info!(pod = %key_of(pod), "adopted pod");
                                        claimed.push(pod);
                                    }
                                },
                            ),
                        }
                    }
                    Claim::Release => controller_ref::release(&pods_api, pod, &uid)
                        .await
                        .map(|_| tracing::info!(pod = %key_of(pod), "released pod")),
                };
            if let Err(error) = outcome
                && first_error.is_none()
            {
                first_error = Some(error);
            }
        }
        match first_error {
            Some(error) => Err(error),
            None => Ok(claimed),
        }
    }

    /// The pods of every owner controlled by the same controller as `owner` (upstream's
    /// `getIndirectlyRelatedPods`), which rank pods by how crowded their node is.
    fn related_pods(&self, owner: &W) -> Vec<Arc<Pod>> {
        let Some(controller) = controller_of(owner) else {
            return Vec::new();
        };
        let namespace = owner.meta().namespace.as_deref().unwrap_or_default();
        let pods = self.pods.list(namespace);
        let mut seen = HashSet::new();
        let mut related = Vec::new();
        for sibling in self.owners.list(namespace) {
            if controller_of(&*sibling).is_none_or(|c| c.uid != controller.uid) {
                continue;
            }
            let Ok(selector) = sibling.pod_selector() else {
                continue;
            };
            for pod in pods.iter().filter(|p| selects(&selector, p)) {
                if seen.insert(pod.metadata.uid.clone().unwrap_or_else(|| key_of(&**pod))) {
                    related.push(pod.clone());
                }
            }
        }
        related
    }

    /// Creates or deletes pods so that `pods` (the claimed active pods) reach `spec.replicas`.
    async fn manage_replicas(&self, key: &str, owner: &W, pods: &[&Pod]) -> Result<()> {
        let meta = owner.meta();
        let namespace = meta.namespace.as_deref().unwrap_or_default();
        let name = meta.name.as_deref().unwrap_or_default();
        let regarding = crate::events::reference_of(owner);
        match replica_action(pods.len(), owner.desired_replicas(), self.burst_replicas) {
            ReplicaAction::Nothing => Ok(()),
            ReplicaAction::Create(count) => {
                self.expectations.expect(key, count as i64, 0);
                tracing::info!(
                    need = owner.desired_replicas(),
                    creating = count,
                    "too few replicas"
                );
                // A ReplicationController may lack a template; the API then refuses the pods,
                // as upstream's converted empty template is refused.
                let template = owner.pod_template().cloned().unwrap_or_default();
                let reference = controller_ref::controller_ref(owner);
                let pod =
                    pod_from_template(&template, namespace, &pods_prefix(name), Some(&reference));
                let (pod, regarding) = (&pod, &regarding);
                let (created, error) =
                    slow_start_batch(count, SLOW_START_INITIAL_BATCH_SIZE, |_| async move {
                        match self.pod_control.create(pod, regarding).await {
                            Ok(_) => Ok(()),
                            // Nothing can be created in a namespace going away.
                            Err(error) if is_namespace_terminating(&error) => Ok(()),
                            Err(error) => Err(error),
                        }
                    })
                    .await;
                // Creates that failed or were skipped will never be observed.
                for _ in created..count {
                    self.expectations.creation_observed(key);
                }
                error.map_or(Ok(()), Err)
            }
            ReplicaAction::Delete(count) => {
                tracing::info!(
                    need = owner.desired_replicas(),
                    deleting = count,
                    "too many replicas"
                );
                let related = self.related_pods(owner);
                let related: Vec<&Pod> = related.iter().map(|p| &**p).collect();
                let victims = pods_to_delete(pods, &related, count, Timestamp::now());
                self.expectations
                    .expect_deletions(key, victims.iter().map(|p| key_of(*p)).collect());
                let results = join_all(victims.iter().map(|pod| {
                    let regarding = &regarding;
                    async move {
                        let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
                        let result = self
                            .pod_control
                            .delete(namespace, pod_name, regarding)
                            .await;
                        if result.is_err() {
                            // A delete that failed will never be observed.
                            self.expectations.deletion_of_observed(key, &key_of(*pod));
                        }
                        result
                    }
                }))
                .await;
                results
                    .into_iter()
                    .find_map(Result::err)
                    .map_or(Ok(()), Err)
            }
        }
    }

    /// Writes `status` through the status subresource if it changed (upstream's
    /// `updateReplicaSetStatus`), re-reading the object once if the write fails. Returns the
    /// status now stored.
    async fn update_status(&self, owner: &W, mut status: ReplicaStatus) -> Result<ReplicaStatus> {
        let generation = owner.meta().generation.unwrap_or(0);
        let current = owner.replica_status();
        if !needs_update(&current, &status, generation) {
            return Ok(current);
        }
        status.observed_generation = generation;
        let meta = owner.meta();
        let name = meta.name.as_deref().unwrap_or_default();
        let api = self.owner_api(meta.namespace.as_deref().unwrap_or_default());
        let mut object = owner.clone();
        let mut attempt = 0;
        loop {
            object.set_replica_status(status.clone());
            match api
                .replace_status(name, &PostParams::default(), &object)
                .await
            {
                Ok(updated) => return Ok(updated.replica_status()),
                Err(error) if attempt >= STATUS_UPDATE_RETRIES => return Err(error.into()),
                Err(error) => {
                    tracing::debug!(%error, "status update failed; re-reading");
                    object = api.get(name).await?;
                    attempt += 1;
                }
            }
        }
    }
}

#[async_trait::async_trait]
impl<W> Reconcile for ReplicaController<W>
where
    W: ReplicaWorkload + Resource<Scope = NamespaceResourceScope>,
{
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(owner) = self.owners.get(namespace, name) else {
            tracing::debug!(kind = %W::kind(&()), "deleted");
            self.expectations.delete(key);
            return Ok(());
        };
        let needs_sync = self.expectations.satisfied(key);
        let selector = match owner.pod_selector() {
            Ok(selector) => selector,
            Err(error) => {
                // Retrying cannot fix an invalid selector; validation should have refused it.
                tracing::warn!(%error, "invalid pod selector");
                return Ok(());
            }
        };
        let all = self.pods.list(namespace);
        let active: Vec<&Pod> = all
            .iter()
            .map(|p| &**p)
            .filter(|p| is_pod_active(p))
            .collect();
        let claimed = self.claim_pods(&owner, &selector, &active).await?;

        let managed = if needs_sync && owner.meta().deletion_timestamp.is_none() {
            self.manage_replicas(key, &owner, &claimed).await
        } else {
            Ok(())
        };
        let now = Timestamp::now();
        let template_labels = owner
            .pod_template()
            .and_then(|t| t.metadata.as_ref())
            .and_then(|m| m.labels.as_ref());
        let input = StatusInput {
            replicas: owner.desired_replicas(),
            min_ready_seconds: owner.min_ready_seconds(),
            template_labels,
        };
        let message = managed.as_ref().err().map(error_message);
        let status = calculate_status(
            &owner.replica_status(),
            &input,
            &claimed,
            message.as_deref(),
            now,
        );
        let stored = self.update_status(&owner, status).await?;
        // Come back when the ready pods should have become available.
        let min_ready = owner.min_ready_seconds();
        if managed.is_ok()
            && min_ready > 0
            && stored.ready_replicas == input.replicas
            && stored.available_replicas != input.replicas
        {
            let after = next_availability_check(&claimed, min_ready, now).unwrap_or(
                std::time::Duration::from_secs(u64::try_from(min_ready).unwrap_or(0)),
            );
            self.queue.add_after(key, after);
        }
        managed
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::ReplicaSet;
    use serde_json::json;

    use super::*;

    #[test]
    fn creates_and_deletes_the_difference_up_to_the_burst() {
        assert_eq!(replica_action(0, 3, 500), ReplicaAction::Create(3));
        assert_eq!(replica_action(3, 3, 500), ReplicaAction::Nothing);
        assert_eq!(replica_action(5, 1, 500), ReplicaAction::Delete(4));
        assert_eq!(replica_action(0, 1000, 500), ReplicaAction::Create(500));
        assert_eq!(replica_action(2, 0, 500), ReplicaAction::Delete(2));
        assert_eq!(replica_action(0, -1, 500), ReplicaAction::Nothing);
    }

    fn pod(name: &str, labels: serde_json::Value, owner: Option<&str>) -> Pod {
        let mut meta = json!({"name": name, "namespace": "ns", "uid": name, "labels": labels});
        if let Some(uid) = owner {
            meta["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "name": "x", "uid": uid, "controller": true}]);
        }
        serde_json::from_value(json!({"metadata": meta})).unwrap()
    }

    #[test]
    fn claims_adopt_matching_orphans_and_release_pods_that_stopped_matching() {
        let rs: ReplicaSet = serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": "ns", "uid": "me"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {}},
        }))
        .unwrap();
        let selector = rs.pod_selector().unwrap();
        let owned = pod("owned", json!({"app": "web"}), Some("me"));
        let relabeled = pod("relabeled", json!({"app": "other"}), Some("me"));
        let orphan = pod("orphan", json!({"app": "web"}), None);
        let stranger = pod("stranger", json!({"app": "other"}), None);
        let foreign = pod("foreign", json!({"app": "web"}), Some("someone-else"));
        let decisions: Vec<(String, Claim)> = claim_decisions(
            &rs,
            &selector,
            &[&owned, &relabeled, &orphan, &stranger, &foreign],
        )
        .into_iter()
        .map(|(p, c)| (p.metadata.name.clone().unwrap(), c))
        .collect();
        let expected = [
            ("owned", Claim::Owned),
            ("relabeled", Claim::Release),
            ("orphan", Claim::Adopt),
            ("stranger", Claim::Ignore),
            ("foreign", Claim::Ignore),
        ];
        let expected: Vec<(String, Claim)> = expected
            .iter()
            .map(|(n, c)| ((*n).to_owned(), *c))
            .collect();
        assert_eq!(decisions, expected);

        // An owner being deleted adopts and releases nothing.
        let mut deleting = rs.clone();
        deleting.metadata.deletion_timestamp = Some(
            k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(Timestamp::now()),
        );
        let decisions = claim_decisions(&deleting, &selector, &[&relabeled, &orphan]);
        assert!(
            decisions
                .iter()
                .all(|(_, c)| *c != Claim::Adopt && *c != Claim::Release)
        );
    }
}
