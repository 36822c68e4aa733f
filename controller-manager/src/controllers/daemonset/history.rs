//! A DaemonSet's ControllerRevisions (upstream's `constructHistory`, `snapshot`,
//! `dedupCurHistories` and `cleanupHistory` in `update.go`): the revision whose data is the
//! current template is the current one (created if missing, renumbered to be the newest),
//! its `controller-revision-hash` label is the hash new pods get, and old revisions no pod
//! uses are deleted beyond `revisionHistoryLimit`.

use std::sync::Arc;

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;

use super::{DaemonSetsController, selector_matches};
use crate::controller::{self, Error, Result};
use crate::controller_ref::{self, Claim};
use crate::controller_revisions::{self as revisions, POD_REVISION_LABEL};

/// Whether `revision` stores `ds`'s current template (`Match`).
pub fn matches(ds: &DaemonSet, revision: &ControllerRevision) -> bool {
    ds.spec.as_ref().is_some_and(|spec| {
        revisions::template_patch(&spec.template) == revisions::data_bytes(revision)
    })
}

/// The revisions `ds` controls, adopting matching orphans.
async fn controlled(
    controller: &DaemonSetsController,
    ds: &DaemonSet,
) -> Result<Vec<Arc<ControllerRevision>>> {
    let namespace = ds.metadata.namespace.as_deref().unwrap_or_default();
    let uid = ds.metadata.uid.as_deref().unwrap_or_default();
    let api: Api<ControllerRevision> = Api::namespaced(controller.client.clone(), namespace);
    let owner = controller_ref::controller_ref(ds);
    let mut owned = Vec::new();
    for revision in controller.revisions.list(namespace) {
        let matching = selector_matches(ds, revision.metadata.labels.as_ref());
        match controller_ref::claim(&*revision, uid, matching, true) {
            Claim::Owned => owned.push(revision),
            Claim::Adopt => {
                if let Some(adopted) = controller_ref::adopt(&api, &revision, &owner).await? {
                    owned.push(Arc::new(adopted));
                }
            }
            Claim::Release => {
                controller_ref::release(&api, &revision, uid).await?;
            }
            Claim::Ignore => {}
        }
    }
    Ok(owned)
}

/// The current revision and the old ones.
pub async fn construct(
    controller: &DaemonSetsController,
    ds: &DaemonSet,
) -> Result<(ControllerRevision, Vec<Arc<ControllerRevision>>)> {
    let namespace = ds.metadata.namespace.as_deref().unwrap_or_default();
    let api: Api<ControllerRevision> = Api::namespaced(controller.client.clone(), namespace);
    let mut current = Vec::new();
    let mut old = Vec::new();
    for revision in controlled(controller, ds).await? {
        let mut revision = revision;
        let labelled = revision
            .metadata
            .labels
            .as_ref()
            .is_some_and(|l| l.contains_key(POD_REVISION_LABEL));
        if !labelled {
            // Older revisions: the name stands in for the hash.
            let name = revision.metadata.name.clone().unwrap_or_default();
            let patch = json!({"metadata": {"labels": {POD_REVISION_LABEL: name}}});
            revision = Arc::new(
                api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                    .await?,
            );
        }
        if matches(ds, &revision) {
            current.push(revision);
        } else {
            old.push(revision);
        }
    }
    let next = old.iter().map(|r| r.revision).max().unwrap_or(0) + 1;
    let current = match current.len() {
        0 => snapshot(controller, ds, next).await?,
        _ => {
            let keep = dedup(controller, ds, &current).await?;
            if keep.revision < next {
                let mut renumbered = keep.clone();
                renumbered.revision = next;
                let name = keep.metadata.name.clone().unwrap_or_default();
                api.replace(&name, &PostParams::default(), &renumbered)
                    .await?
            } else {
                keep
            }
        }
    };
    Ok((current, old))
}

/// Keeps the newest of several revisions with the current template, relabelling pods.
async fn dedup(
    controller: &DaemonSetsController,
    ds: &DaemonSet,
    current: &[Arc<ControllerRevision>],
) -> Result<ControllerRevision> {
    let Some(keep) = current.iter().max_by_key(|r| r.revision) else {
        return Err(Error::Other("no current revision".into()));
    };
    if current.len() == 1 {
        return Ok((**keep).clone());
    }
    let namespace = ds.metadata.namespace.as_deref().unwrap_or_default();
    let hash = keep
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(POD_REVISION_LABEL).cloned())
        .unwrap_or_default();
    let pods: Api<Pod> = Api::namespaced(controller.client.clone(), namespace);
    for pod in controller.claim_pods(ds).await? {
        let label = pod
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(POD_REVISION_LABEL));
        if label != Some(&hash) {
            let name = pod.metadata.name.clone().unwrap_or_default();
            let patch = json!({"metadata": {"labels": {POD_REVISION_LABEL: hash}}});
            pods.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                .await?;
        }
    }
    let api: Api<ControllerRevision> = Api::namespaced(controller.client.clone(), namespace);
    for duplicate in current
        .iter()
        .filter(|r| r.metadata.name != keep.metadata.name)
    {
        revisions::delete_revision(&api, duplicate.metadata.name.as_deref().unwrap_or_default())
            .await?;
    }
    Ok((**keep).clone())
}

/// Records the current template as revision `number` (`snapshot`), named by the template
/// hash; on a name taken by another template the collision count is bumped and the sync
/// retried.
async fn snapshot(
    controller: &DaemonSetsController,
    ds: &DaemonSet,
    number: i64,
) -> Result<ControllerRevision> {
    let namespace = ds.metadata.namespace.as_deref().unwrap_or_default();
    let name = ds.metadata.name.as_deref().unwrap_or_default();
    let spec = ds
        .spec
        .as_ref()
        .ok_or_else(|| Error::Invalid("a DaemonSet without spec".into()))?;
    let collision_count = ds.status.as_ref().and_then(|s| s.collision_count);
    let hash = revisions::hash_template(&spec.template, collision_count);
    let mut revision = revisions::new_revision(
        &spec.template,
        namespace,
        controller_ref::controller_ref(ds),
        ds.metadata.annotations.clone(),
        number,
    );
    revision.metadata.name = Some(revisions::revision_name(name, &hash));
    revision
        .metadata
        .labels
        .get_or_insert_default()
        .insert(POD_REVISION_LABEL.to_owned(), hash);
    let api: Api<ControllerRevision> = Api::namespaced(controller.client.clone(), namespace);
    match api.create(&PostParams::default(), &revision).await {
        Ok(created) => Ok(created),
        Err(error) if controller::is_conflict(&error) => {
            let existing_name = revision.metadata.name.clone().unwrap_or_default();
            let existing = api.get(&existing_name).await?;
            if matches(ds, &existing) {
                return Ok(existing);
            }
            let sets: Api<DaemonSet> = Api::namespaced(controller.client.clone(), namespace);
            let fresh = sets.get(name).await?;
            let fresh_count = fresh.status.as_ref().and_then(|s| s.collision_count);
            if fresh_count != collision_count {
                return Err(Error::Other(format!(
                    "found a stale collision count of DaemonSet {name:?}; will retry until it is updated"
                )));
            }
            let bumped = fresh_count.unwrap_or(0) + 1;
            let patch = json!({"status": {"collisionCount": bumped}});
            sets.patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
                .await?;
            tracing::info!(
                daemonset = name,
                collision_count = bumped,
                "hash collision; bumped collisionCount"
            );
            Err(error.into())
        }
        Err(error) => Err(error.into()),
    }
}

/// Deletes the oldest revisions no pod uses beyond `revisionHistoryLimit` (`cleanupHistory`).
pub async fn cleanup(
    controller: &DaemonSetsController,
    ds: &DaemonSet,
    old: &[Arc<ControllerRevision>],
) -> Result<()> {
    let limit = ds
        .spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .unwrap_or(10);
    let mut to_kill = old.len() as i64 - i64::from(limit);
    if to_kill <= 0 {
        return Ok(());
    }
    let pods = controller.claim_pods(ds).await?;
    let live: Vec<&str> = pods
        .iter()
        .filter_map(|p| p.metadata.labels.as_ref()?.get(POD_REVISION_LABEL))
        .map(String::as_str)
        .collect();
    let mut sorted = old.to_vec();
    sorted.sort_by_key(|r| r.revision);
    let namespace = ds.metadata.namespace.as_deref().unwrap_or_default();
    let api: Api<ControllerRevision> = Api::namespaced(controller.client.clone(), namespace);
    for revision in sorted {
        if to_kill <= 0 {
            break;
        }
        let hash = revision
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(POD_REVISION_LABEL))
            .map(String::as_str)
            .unwrap_or_default();
        if live.contains(&hash) {
            continue;
        }
        revisions::delete_revision(&api, revision.metadata.name.as_deref().unwrap_or_default())
            .await?;
        to_kill -= 1;
    }
    Ok(())
}
