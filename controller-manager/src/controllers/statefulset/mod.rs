//! statefulset-controller: pods with stable names, storage and order (upstream's
//! `pkg/controller/statefulset`). The key is the StatefulSet; a change to it or to one of its
//! pods queues it. A sync claims the set's pods, finds or records the update revision in a
//! ControllerRevision, carries out [`plan::plan`]'s steps (PVCs before pods, upstream's
//! events), writes the status and trims the revision history.
//!
//! - [`identity`]: names, labels, volumes, PVCs and their retention owner references.
//! - [`plan`]: what one sync does, from the cache alone, and the status.
//!
//! `maxUnavailable` is left out: its gate (MaxUnavailableStatefulSet) is alpha and off in
//! 1.34, so updates go one pod at a time. Since 1.31 upstream no longer records
//! `RecreatingFailedPod`; a failed pod is deleted (`SuccessfulDelete`) and made again.

pub mod identity;
pub mod plan;

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{ObjectReference, PersistentVolumeClaim, Pod};
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use serde_json::json;

use crate::controller::{self, Error, Reconcile, Result, run_workers};
use crate::controller_ref::{self, Claim, controller_of};
use crate::controller_revisions::{self as revisions, POD_REVISION_LABEL};
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::informers::{Change, Lister, key_of, split_key};
use crate::pod_control::api_message;
use crate::workqueue::WorkQueue;
use identity::{ClaimOwners, claim_owner_update, claims_for, is_member_of, ordinal_of};
use plan::{Action, Revision};

pub const NAME: &str = "statefulset-controller";

pub struct StatefulSetController {
    client: kube::Client,
    queue: Arc<WorkQueue>,
    sets: Lister<StatefulSet>,
    pods: Lister<Pod>,
    claims: Lister<PersistentVolumeClaim>,
    revisions: Lister<ControllerRevision>,
    events: EventRecorder,
}

fn selector_matches(
    set: &StatefulSet,
    labels: Option<&std::collections::BTreeMap<String, String>>,
) -> bool {
    let Some(spec) = set.spec.as_ref() else {
        return false;
    };
    let Ok(requirements) = common::label_selector::parse_selector(&spec.selector) else {
        return false;
    };
    // An empty selector selects nothing for a StatefulSet.
    !requirements.is_empty()
        && common::label_selector::matches_labels(
            &requirements,
            labels.unwrap_or(&Default::default()),
        )
}

/// The sets a pod belongs to: its controller if that is a StatefulSet, or (orphans) every
/// set whose selector matches it.
fn sets_for_pod(sets: &Lister<StatefulSet>, pod: &Pod) -> Vec<String> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    match controller_of(pod) {
        Some(r) if r.kind == "StatefulSet" => sets
            .get(namespace, &r.name)
            .filter(|s| s.metadata.uid.as_deref() == Some(r.uid.as_str()))
            .map(|s| vec![key_of(&*s)])
            .unwrap_or_default(),
        Some(_) => Vec::new(),
        None => sets
            .list(namespace)
            .iter()
            .filter(|s| selector_matches(s, pod.metadata.labels.as_ref()))
            .map(|s| key_of(&**s))
            .collect(),
    }
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("statefulset", context.metrics.clone());
    let sets = context.informers.informer::<StatefulSet>();
    let pods = context.informers.informer::<Pod>();
    {
        let queue = queue.clone();
        sets.on_change(move |change| match change {
            Change::Added(s) | Change::Updated { new: s, .. } | Change::Deleted(s) => {
                queue.add(key_of(&***s));
            }
        });
    }
    {
        let queue = queue.clone();
        let set_lister = sets.lister();
        pods.on_change(move |change| match change {
            Change::Added(pod) | Change::Deleted(pod) => {
                for key in sets_for_pod(&set_lister, pod) {
                    queue.add(key);
                }
            }
            Change::Updated { old, new } => {
                if old.metadata.resource_version == new.metadata.resource_version {
                    return;
                }
                let mut keys = sets_for_pod(&set_lister, new);
                if controller_of(&***old).map(|r| &r.uid) != controller_of(&***new).map(|r| &r.uid)
                {
                    keys.extend(sets_for_pod(&set_lister, old));
                }
                // A pod turning ready counts as available only after minReadySeconds.
                let became_ready =
                    !crate::active_pods::is_pod_ready(old) && crate::active_pods::is_pod_ready(new);
                for key in keys {
                    let (ns, name) = split_key(&key);
                    let min_ready = set_lister
                        .get(ns, name)
                        .and_then(|s| s.spec.as_ref().and_then(|s| s.min_ready_seconds))
                        .unwrap_or(0);
                    if became_ready && min_ready > 0 {
                        queue.add_after(
                            key.clone(),
                            Duration::from_secs(u64::try_from(min_ready).unwrap_or(0) + 1),
                        );
                    }
                    queue.add(key);
                }
            }
        });
    }
    let controller = Arc::new(StatefulSetController {
        client: context.client.clone(),
        queue: queue.clone(),
        sets: sets.lister(),
        pods: pods.lister(),
        claims: context.informers.lister::<PersistentVolumeClaim>(),
        revisions: context.informers.lister::<ControllerRevision>(),
        events: EventRecorder::new(context.client.clone(), NAME),
    });
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        context.options.concurrent_statefulset_syncs,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

#[async_trait::async_trait]
impl Reconcile for StatefulSetController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(set) = self.sets.get(namespace, name) else {
            return Ok(());
        };
        let pods = self.claim_pods(&set).await?;
        let (current, update, collision_count, history) = self.revisions(&set).await?;
        let current_template = revisions::template_of(&current)?;
        let update_template = revisions::template_of(&update)?;
        let current_name = current.metadata.name.clone().unwrap_or_default();
        let update_name = update.metadata.name.clone().unwrap_or_default();
        let actions = plan::plan(
            &set,
            &pods,
            &Revision {
                name: &current_name,
                template: &current_template,
            },
            &Revision {
                name: &update_name,
                template: &update_template,
            },
            &|pod| self.claims_match(&set, pod),
        );
        let mut result = Ok(());
        for action in actions {
            if let Err(error) = self.execute(&set, action).await {
                result = Err(error);
                break;
            }
        }
        let status =
            plan::compute_status(&set, &pods, &current_name, &update_name, collision_count);
        self.write_status(&set, &status).await?;
        if let Some(min_ready) = set.spec.as_ref().and_then(|s| s.min_ready_seconds)
            && min_ready > 0
            && status.ready_replicas != status.available_replicas
        {
            self.queue.add_after(
                key.to_owned(),
                Duration::from_secs(u64::try_from(min_ready).unwrap_or(0)),
            );
        }
        self.truncate_history(&set, &pods, &history, &current_name, &update_name)
            .await?;
        result
    }
}

impl StatefulSetController {
    fn set_ref(set: &StatefulSet) -> ObjectReference {
        reference_of(set)
    }

    /// The set's pods, adopting orphans that match and releasing pods that no longer do.
    async fn claim_pods(&self, set: &StatefulSet) -> Result<Vec<Arc<Pod>>> {
        let namespace = set.metadata.namespace.as_deref().unwrap_or_default();
        let uid = set.metadata.uid.as_deref().unwrap_or_default();
        let can_adopt = set.metadata.deletion_timestamp.is_none();
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let owner = controller_ref::controller_ref(set);
        let mut owned = Vec::new();
        for pod in self.pods.list(namespace) {
            let matches =
                selector_matches(set, pod.metadata.labels.as_ref()) && is_member_of(set, &pod);
            match controller_ref::claim(&*pod, uid, matches, can_adopt) {
                Claim::Owned => owned.push(pod),
                Claim::Adopt => {
                    if let Some(adopted) = controller_ref::adopt(&api, &pod, &owner).await? {
                        owned.push(Arc::new(adopted));
                    }
                }
                Claim::Release => {
                    controller_ref::release(&api, &pod, uid).await?;
                }
                Claim::Ignore => {}
            }
        }
        Ok(owned)
    }

    /// The current and update revisions (`getStatefulSetRevisions`), creating or renumbering
    /// the update revision when the template changed, plus the collision count and the
    /// set's sorted history.
    async fn revisions(
        &self,
        set: &StatefulSet,
    ) -> Result<(
        ControllerRevision,
        ControllerRevision,
        i32,
        Vec<Arc<ControllerRevision>>,
    )> {
        let namespace = set.metadata.namespace.as_deref().unwrap_or_default();
        let uid = set.metadata.uid.as_deref().unwrap_or_default();
        let api: Api<ControllerRevision> = Api::namespaced(self.client.clone(), namespace);
        let owner = controller_ref::controller_ref(set);
        let mut history = Vec::new();
        for revision in revisions::list_owned(&self.revisions, namespace, uid, |r| {
            selector_matches(set, r.metadata.labels.as_ref())
        }) {
            if controller_of(&*revision).is_none() {
                if let Some(adopted) = controller_ref::adopt(&api, &revision, &owner).await? {
                    history.push(Arc::new(adopted));
                }
            } else {
                history.push(revision);
            }
        }
        revisions::sort_revisions(&mut history);
        let spec = set
            .spec
            .as_ref()
            .ok_or_else(|| Error::Invalid("a StatefulSet without spec".into()))?;
        let mut collision_count = set
            .status
            .as_ref()
            .and_then(|s| s.collision_count)
            .unwrap_or(0);
        let candidate = revisions::new_revision(
            &spec.template,
            namespace,
            owner,
            set.metadata.annotations.clone(),
            revisions::next_revision(&history),
        );
        let equal: Vec<&Arc<ControllerRevision>> = history
            .iter()
            .filter(|r| revisions::data_bytes(r) == revisions::data_bytes(&candidate))
            .collect();
        let update = match (equal.last(), history.last()) {
            (Some(eq), Some(latest)) if eq.metadata.name == latest.metadata.name => {
                (**latest).clone()
            }
            (Some(eq), _) => {
                // Rolling back to an earlier template: renumber that revision.
                let mut renumbered = (***eq).clone();
                renumbered.revision = candidate.revision;
                let name = renumbered.metadata.name.clone().unwrap_or_default();
                api.replace(&name, &PostParams::default(), &renumbered)
                    .await?
            }
            (None, _) => {
                let name = set.metadata.name.as_deref().unwrap_or_default();
                revisions::create_revision(&api, name, &candidate, &mut collision_count).await?
            }
        };
        let current_name = set.status.as_ref().and_then(|s| s.current_revision.clone());
        let current = history
            .iter()
            .find(|r| r.metadata.name.is_some() && r.metadata.name == current_name)
            .map(|r| (**r).clone())
            .unwrap_or_else(|| update.clone());
        Ok((current, update, collision_count, history))
    }

    /// Whether the pod's claims carry the owner references the retention policy wants.
    fn claims_match(&self, set: &StatefulSet, pod: &Pod) -> bool {
        let namespace = set.metadata.namespace.as_deref().unwrap_or_default();
        let owners = ClaimOwners {
            set,
            pod_name: pod.metadata.name.as_deref().unwrap_or_default(),
            pod_uid: pod.metadata.uid.as_deref().unwrap_or_default(),
        };
        claims_for(set, ordinal_of(pod)).iter().all(|(_, claim)| {
            let name = claim.metadata.name.as_deref().unwrap_or_default();
            self.claims.get(namespace, name).is_none_or(|existing| {
                let refs = existing
                    .metadata
                    .owner_references
                    .clone()
                    .unwrap_or_default();
                claim_owner_update(&refs, &owners).is_none()
            })
        })
    }

    async fn execute(&self, set: &StatefulSet, action: Action) -> Result<()> {
        match action {
            Action::Create(pod) => {
                self.create_claims(set, &pod).await?;
                let created = self.create_pod(set, &pod).await?;
                self.fix_claims(set, &created).await
            }
            Action::CreateClaims(pod) => {
                self.create_claims(set, &pod).await?;
                self.fix_claims(set, &pod).await
            }
            Action::Update(pod) => {
                self.create_claims(set, &pod).await?;
                self.fix_claims(set, &pod).await?;
                self.update_pod(set, &pod).await
            }
            Action::FixClaims(pod) => self.fix_claims(set, &pod).await,
            Action::Delete { name, .. } => self.delete_pod(set, &name).await,
        }
    }

    /// Records upstream's pod event: `<verb> Pod <pod> in StatefulSet <set> successful`.
    fn pod_event(&self, set: &StatefulSet, verb: &str, pod: &str, error: Option<&kube::Error>) {
        let set_name = set.metadata.name.as_deref().unwrap_or_default();
        let title = format!("{}{}", verb[..1].to_uppercase(), &verb[1..]);
        match error {
            None => self.events.normal(
                Self::set_ref(set),
                &format!("Successful{title}"),
                &title,
                format!("{verb} Pod {pod} in StatefulSet {set_name} successful"),
            ),
            Some(error) => self.events.warning(
                Self::set_ref(set),
                &format!("Failed{title}"),
                &title,
                format!(
                    "{verb} Pod {pod} in StatefulSet {set_name} failed error: {}",
                    api_message(error)
                ),
            ),
        }
    }

    async fn create_pod(&self, set: &StatefulSet, pod: &Pod) -> Result<Pod> {
        let namespace = set.metadata.namespace.as_deref().unwrap_or_default();
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        match api.create(&PostParams::default(), pod).await {
            Ok(created) => {
                self.pod_event(set, "create", name, None);
                Ok(created)
            }
            // The pod exists already: the cache is behind; the next sync sees it.
            Err(error) if controller::is_conflict(&error) => Err(error.into()),
            Err(error) => {
                self.pod_event(set, "create", name, Some(&error));
                Err(error.into())
            }
        }
    }

    async fn update_pod(&self, set: &StatefulSet, pod: &Pod) -> Result<()> {
        let namespace = set.metadata.namespace.as_deref().unwrap_or_default();
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        match api.replace(name, &PostParams::default(), pod).await {
            Ok(_) => {
                self.pod_event(set, "update", name, None);
                Ok(())
            }
            Err(error) => {
                self.pod_event(set, "update", name, Some(&error));
                Err(error.into())
            }
        }
    }

    async fn delete_pod(&self, set: &StatefulSet, name: &str) -> Result<()> {
        let namespace = set.metadata.namespace.as_deref().unwrap_or_default();
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        match api.delete(name, &DeleteParams::default()).await {
            Ok(_) => {
                self.pod_event(set, "delete", name, None);
                Ok(())
            }
            Err(error) if controller::is_not_found(&error) => Ok(()),
            Err(error) => {
                self.pod_event(set, "delete", name, Some(&error));
                Err(error.into())
            }
        }
    }

    /// Creates the pod's missing claims (`createPersistentVolumeClaims`).
    async fn create_claims(&self, set: &StatefulSet, pod: &Pod) -> Result<()> {
        let namespace = set.metadata.namespace.as_deref().unwrap_or_default();
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), namespace);
        let set_name = set.metadata.name.as_deref().unwrap_or_default();
        let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
        let mut first_error = None;
        for (_, claim) in claims_for(set, ordinal_of(pod)) {
            let claim_name = claim.metadata.name.clone().unwrap_or_default();
            if self.claims.get(namespace, &claim_name).is_some() {
                continue;
            }
            match api.create(&PostParams::default(), &claim).await {
                Ok(_) => self.events.normal(
                    Self::set_ref(set),
                    "SuccessfulCreate",
                    "Create",
                    format!(
                        "create Claim {claim_name} Pod {pod_name} in StatefulSet {set_name} success"
                    ),
                ),
                Err(error) if controller::is_conflict(&error) => {}
                Err(error) => {
                    self.events.warning(
                        Self::set_ref(set),
                        "FailedCreate",
                        "Create",
                        format!(
                            "create Claim {claim_name} for Pod {pod_name} in StatefulSet {set_name} failed error: {}",
                            api_message(&error)
                        ),
                    );
                    first_error.get_or_insert(Error::from(error));
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Sets the owner references the retention policy asks for on the pod's claims
    /// (`UpdatePodClaimForRetentionPolicy`); the garbage collector deletes them later.
    async fn fix_claims(&self, set: &StatefulSet, pod: &Pod) -> Result<()> {
        let namespace = set.metadata.namespace.as_deref().unwrap_or_default();
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), namespace);
        let owners = ClaimOwners {
            set,
            pod_name: pod.metadata.name.as_deref().unwrap_or_default(),
            pod_uid: pod.metadata.uid.as_deref().unwrap_or_default(),
        };
        for (_, claim) in claims_for(set, ordinal_of(pod)) {
            let name = claim.metadata.name.clone().unwrap_or_default();
            // Read the claim itself: one created a moment ago is not in the cache yet.
            let Some(existing) = api.get_opt(&name).await? else {
                continue;
            };
            let refs = existing
                .metadata
                .owner_references
                .clone()
                .unwrap_or_default();
            if let Some(new_refs) = claim_owner_update(&refs, &owners) {
                let patch = json!({"metadata": {
                    "ownerReferences": new_refs,
                    "resourceVersion": existing.metadata.resource_version,
                }});
                api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                    .await
                    .map_err(|e| {
                        Error::Other(format!(
                            "could not update claim {name} for delete policy ownerRefs: {e}"
                        ))
                    })?;
            }
        }
        Ok(())
    }

    async fn write_status(
        &self,
        set: &StatefulSet,
        status: &k8s_openapi::api::apps::v1::StatefulSetStatus,
    ) -> Result<()> {
        if set.status.as_ref() == Some(status) {
            return Ok(());
        }
        let namespace = set.metadata.namespace.as_deref().unwrap_or_default();
        let name = set.metadata.name.as_deref().unwrap_or_default();
        let api: Api<StatefulSet> = Api::namespaced(self.client.clone(), namespace);
        let patch = json!({"status": status});
        match api
            .patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if controller::is_not_found(&error) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// Deletes the oldest revisions no pod uses beyond `revisionHistoryLimit`.
    async fn truncate_history(
        &self,
        set: &StatefulSet,
        pods: &[Arc<Pod>],
        history: &[Arc<ControllerRevision>],
        current: &str,
        update: &str,
    ) -> Result<()> {
        let live = |name: &str| {
            name == current
                || name == update
                || pods.iter().any(|p| {
                    p.metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get(POD_REVISION_LABEL))
                        .is_some_and(|r| r == name)
                })
        };
        let old: Vec<Arc<ControllerRevision>> = history
            .iter()
            .filter(|r| !live(r.metadata.name.as_deref().unwrap_or_default()))
            .cloned()
            .collect();
        let limit = set
            .spec
            .as_ref()
            .and_then(|s| s.revision_history_limit)
            .unwrap_or(10);
        let namespace = set.metadata.namespace.as_deref().unwrap_or_default();
        let api: Api<ControllerRevision> = Api::namespaced(self.client.clone(), namespace);
        for revision in revisions::revisions_to_truncate(&old, limit) {
            revisions::delete_revision(&api, revision.metadata.name.as_deref().unwrap_or_default())
                .await?;
        }
        Ok(())
    }
}
