//! The writes of the deployment controller (upstream's `sync.go`, `rolling.go` and
//! `recreate.go`): finding or creating the new ReplicaSet, scaling ReplicaSets with
//! upstream's events, the RollingUpdate and Recreate strategies, resizing, history cleanup,
//! and status updates (only when the status changed).

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, ReplicaSetSpec};
use kube::api::{Api, DeleteParams, ObjectMeta, PostParams};

use super::replica_sets::{
    DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY, REVISION_ANNOTATION, active, deployment_replicas,
    desired_replicas_annotation, equal_ignore_hash, find_active_or_latest, find_new,
    history_to_delete, is_saturated, max_revision, old_of, replicas_annotations_need_update,
    set_deployment_revision, set_new_rs_annotations, set_replicas_annotations, spec_replicas,
    status_replicas, template_hash,
};
use super::rollout_math::{
    is_rolling_update, max_surge, new_rs_new_replicas, plan_old_scale_down,
    plan_proportional_scale, reconcile_new_target,
};
use super::status::{
    FAILED_RS_CREATE_REASON, FOUND_NEW_RS_REASON, NEW_REPLICA_SET_REASON, PROGRESSING,
    calculate_status, deployment_complete, get_condition, has_progress_deadline, new_condition,
    now, requeue_stuck_after, rollout_status, same_status, set_condition, set_paused_condition,
};
use super::{DeploymentController, PodMap};
use crate::controller::{self, Result};
use crate::controller_ref::{controller_of, controller_ref};
use crate::events::reference_of;
use crate::informers::key_of;
use crate::pod_control::api_message;

/// The new ReplicaSet (if any) and every old one.
type Split = (Option<ReplicaSet>, Vec<ReplicaSet>);

fn uid(rs: &ReplicaSet) -> Option<&str> {
    rs.metadata.uid.as_deref()
}

/// Puts `updated` in place of the ReplicaSet with its uid.
fn remember(rss: &mut [ReplicaSet], updated: &ReplicaSet) {
    if let Some(slot) = rss.iter_mut().find(|rs| uid(rs) == uid(updated)) {
        *slot = updated.clone();
    }
}

fn remember_split(new_rs: &mut Option<ReplicaSet>, old: &mut [ReplicaSet], updated: ReplicaSet) {
    match new_rs {
        Some(rs) if uid(rs) == uid(&updated) => *rs = updated,
        _ => remember(old, &updated),
    }
}

fn all_of<'a>(old: &'a [ReplicaSet], new_rs: Option<&'a ReplicaSet>) -> Vec<&'a ReplicaSet> {
    old.iter().chain(new_rs).collect()
}

fn rs_api(client: &kube::Client, d: &Deployment) -> Api<ReplicaSet> {
    Api::namespaced(
        client.clone(),
        d.metadata.namespace.as_deref().unwrap_or_default(),
    )
}

impl DeploymentController {
    /// Writes `d`'s status (and revision annotation) and keeps what the server returned.
    pub(super) async fn write_status(&self, d: &mut Deployment) -> Result<()> {
        let api: Api<Deployment> = Api::namespaced(
            self.client.clone(),
            d.metadata.namespace.as_deref().unwrap_or_default(),
        );
        let name = d.metadata.name.clone().unwrap_or_default();
        *d = api.replace_status(&name, &PostParams::default(), d).await?;
        Ok(())
    }

    /// Upstream's `checkPausedConditions`.
    pub(super) async fn check_paused_conditions(&self, d: &mut Deployment) -> Result<()> {
        if set_paused_condition(d, now()) {
            self.write_status(d).await?;
        }
        Ok(())
    }

    /// The new and old ReplicaSets, with the new one's revision and the Deployment's brought
    /// up to date, creating the new one when asked (upstream's
    /// `getAllReplicaSetsAndSyncRevision`).
    pub(super) async fn split_and_sync_revision(
        &self,
        d: &mut Deployment,
        rss: &mut [ReplicaSet],
        create: bool,
    ) -> Result<Split> {
        let existing = find_new(d, rss).map(|i| rss[i].clone());
        let old = old_of(rss, existing.as_ref());
        let new_rs = self.new_replica_set(d, existing, &old, create).await?;
        if let Some(rs) = &new_rs {
            remember(rss, rs);
        }
        Ok((new_rs, old))
    }

    /// Upstream's `getNewReplicaSet`.
    async fn new_replica_set(
        &self,
        d: &mut Deployment,
        existing: Option<ReplicaSet>,
        old: &[ReplicaSet],
        create: bool,
    ) -> Result<Option<ReplicaSet>> {
        let new_revision = max_revision(old) + 1;
        let spec = d.spec.clone().unwrap_or_default();
        let api = rs_api(&self.client, d);
        if let Some(mut rs) = existing {
            let annotations_updated =
                set_new_rs_annotations(d, &mut rs, new_revision, true, max_surge(d));
            let rs_spec = rs.spec.get_or_insert_with(Default::default);
            let min_ready_differs =
                rs_spec.min_ready_seconds.unwrap_or(0) != spec.min_ready_seconds.unwrap_or(0);
            if annotations_updated || min_ready_differs {
                rs_spec.min_ready_seconds = spec.min_ready_seconds;
                let name = rs.metadata.name.clone().unwrap_or_default();
                return Ok(Some(api.replace(&name, &PostParams::default(), &rs).await?));
            }
            let revision = rs
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(REVISION_ANNOTATION))
                .cloned()
                .unwrap_or_default();
            let mut needs_update = set_deployment_revision(d, &revision);
            let progressing = d
                .status
                .as_ref()
                .and_then(|s| get_condition(s, PROGRESSING))
                .is_some();
            if has_progress_deadline(d) && !progressing {
                let message = format!(
                    "Found new replica set {:?}",
                    rs.metadata.name.as_deref().unwrap_or_default()
                );
                let condition =
                    new_condition(PROGRESSING, "True", FOUND_NEW_RS_REASON, message, now());
                set_condition(d.status.get_or_insert_with(Default::default), condition);
                needs_update = true;
            }
            if needs_update {
                self.write_status(d).await?;
            }
            return Ok(Some(rs));
        }
        if !create {
            return Ok(None);
        }

        let collision_count = d.status.as_ref().and_then(|s| s.collision_count);
        let hash = template_hash(&spec.template, collision_count);
        let mut template = spec.template.clone();
        template
            .metadata
            .get_or_insert_with(Default::default)
            .labels
            .get_or_insert_with(Default::default)
            .insert(DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY.into(), hash.clone());
        let mut selector = spec.selector.clone();
        selector
            .match_labels
            .get_or_insert_with(Default::default)
            .insert(DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY.into(), hash.clone());
        let d_name = d.metadata.name.clone().unwrap_or_default();
        let mut new_rs = ReplicaSet {
            metadata: ObjectMeta {
                name: Some(format!("{d_name}-{hash}")),
                namespace: d.metadata.namespace.clone(),
                owner_references: Some(vec![controller_ref(&*d)]),
                labels: template.metadata.as_ref().and_then(|m| m.labels.clone()),
                ..ObjectMeta::default()
            },
            spec: Some(ReplicaSetSpec {
                replicas: Some(0),
                min_ready_seconds: spec.min_ready_seconds,
                selector,
                template: Some(template),
            }),
            status: None,
        };
        let mut all = all_of(old, None);
        all.push(&new_rs);
        let replicas = new_rs_new_replicas(d, &all, &new_rs);
        if let Some(s) = new_rs.spec.as_mut() {
            s.replicas = Some(replicas);
        }
        set_new_rs_annotations(d, &mut new_rs, new_revision, false, max_surge(d));
        let rs_name = new_rs.metadata.name.clone().unwrap_or_default();

        let (created, already_existed) = match api.create(&PostParams::default(), &new_rs).await {
            Ok(created) => (created, false),
            Err(kube::Error::Api(status)) if status.code == 409 => {
                // A slow cache, or a hash collision with a ReplicaSet that is not ours.
                let namespace = d.metadata.namespace.clone().unwrap_or_default();
                let found = match self.replica_sets.get(&namespace, &rs_name) {
                    Some(found) => (*found).clone(),
                    None => api.get(&rs_name).await?,
                };
                let ours = controller_of(&found)
                    .is_some_and(|r| Some(r.uid.as_str()) == d.metadata.uid.as_deref());
                let same = found
                    .spec
                    .as_ref()
                    .and_then(|s| s.template.as_ref())
                    .is_some_and(|t| equal_ignore_hash(t, &spec.template));
                if ours && same {
                    (found, true)
                } else {
                    let status_ref = d.status.get_or_insert_with(Default::default);
                    let before = status_ref.collision_count.unwrap_or(0);
                    status_ref.collision_count = Some(before.saturating_add(1));
                    if self.write_status(d).await.is_ok() {
                        tracing::info!(deployment = %key_of(&*d), old = before, new = before + 1,
                            "found a hash collision for deployment; bumping collisionCount");
                    }
                    return Err(controller::Error::Api(kube::Error::Api(status)));
                }
            }
            Err(error) => {
                let message = format!(
                    "Failed to create new replica set {rs_name:?}: {}",
                    api_message(&error)
                );
                let terminating = matches!(&error, kube::Error::Api(s)
                    if s.code == 403 && s.message.contains("is being terminated"));
                if !terminating {
                    if has_progress_deadline(d) {
                        let condition = new_condition(
                            PROGRESSING,
                            "False",
                            FAILED_RS_CREATE_REASON,
                            message.clone(),
                            now(),
                        );
                        set_condition(d.status.get_or_insert_with(Default::default), condition);
                        let _ = self.write_status(d).await;
                    }
                    self.events.warning(
                        reference_of(&*d),
                        FAILED_RS_CREATE_REASON,
                        "Create",
                        message,
                    );
                }
                return Err(error.into());
            }
        };
        if !already_existed && replicas > 0 {
            self.events.normal(
                reference_of(&*d),
                "ScalingReplicaSet",
                "Scale",
                format!("Scaled up replica set {rs_name} from 0 to {replicas}"),
            );
        }
        let mut needs_update = set_deployment_revision(d, &new_revision.to_string());
        if !already_existed && has_progress_deadline(d) {
            let message = format!("Created new replica set {rs_name:?}");
            let condition =
                new_condition(PROGRESSING, "True", NEW_REPLICA_SET_REASON, message, now());
            set_condition(d.status.get_or_insert_with(Default::default), condition);
            needs_update = true;
        }
        if needs_update {
            self.write_status(d).await?;
        }
        Ok(Some(created))
    }

    /// Upstream's `scaleReplicaSetAndRecordEvent`: nothing when the size is right.
    async fn scale_and_record(
        &self,
        rs: &ReplicaSet,
        size: i32,
        d: &Deployment,
    ) -> Result<(bool, ReplicaSet)> {
        let current = spec_replicas(rs);
        if current == size {
            return Ok((false, rs.clone()));
        }
        let operation = if current < size { "up" } else { "down" };
        self.scale_replica_set(rs, size, d, operation).await
    }

    /// Upstream's `scaleReplicaSet`: sets the size and the replica annotations; records
    /// `ScalingReplicaSet` when the size changed.
    async fn scale_replica_set(
        &self,
        rs: &ReplicaSet,
        size: i32,
        d: &Deployment,
        operation: &str,
    ) -> Result<(bool, ReplicaSet)> {
        let current = spec_replicas(rs);
        let desired = deployment_replicas(d);
        let max = desired + max_surge(d);
        let size_changes = current != size;
        if !size_changes && !replicas_annotations_need_update(rs, desired, max) {
            return Ok((false, rs.clone()));
        }
        let mut copy = rs.clone();
        copy.spec.get_or_insert_with(Default::default).replicas = Some(size);
        set_replicas_annotations(&mut copy, desired, max);
        let name = copy.metadata.name.clone().unwrap_or_default();
        let updated = rs_api(&self.client, d)
            .replace(&name, &PostParams::default(), &copy)
            .await?;
        if size_changes {
            self.events.normal(
                reference_of(d),
                "ScalingReplicaSet",
                "Scale",
                format!("Scaled {operation} replica set {name} from {current} to {size}"),
            );
        }
        Ok((size_changes, updated))
    }

    /// Whether `spec.replicas` changed since the active ReplicaSets were last sized
    /// (upstream's `isScalingEvent`).
    pub(super) async fn is_scaling_event(
        &self,
        d: &mut Deployment,
        rss: &mut [ReplicaSet],
    ) -> Result<bool> {
        let (new_rs, old) = self.split_and_sync_revision(d, rss, false).await?;
        let replicas = deployment_replicas(d);
        Ok(active(all_of(&old, new_rs.as_ref()))
            .into_iter()
            .filter_map(desired_replicas_annotation)
            .any(|desired| desired != replicas))
    }

    /// Resizes the ReplicaSets for a new `spec.replicas`, proportionally while rolling
    /// (upstream's `scale`).
    async fn scale(
        &self,
        d: &Deployment,
        new_rs: &mut Option<ReplicaSet>,
        old: &mut [ReplicaSet],
    ) -> Result<()> {
        let replicas = deployment_replicas(d);
        if let Some(target) = find_active_or_latest(new_rs.as_ref(), old).cloned() {
            if spec_replicas(&target) == replicas {
                return Ok(());
            }
            let (_, updated) = self.scale_and_record(&target, replicas, d).await?;
            remember_split(new_rs, old, updated);
            return Ok(());
        }
        if is_saturated(d, new_rs.as_ref()) {
            let running: Vec<ReplicaSet> = active(old.iter()).into_iter().cloned().collect();
            for rs in running {
                let (_, updated) = self.scale_and_record(&rs, 0, d).await?;
                remember(old, &updated);
            }
            return Ok(());
        }
        if is_rolling_update(d) {
            let all = all_of(old, new_rs.as_ref());
            let running: Vec<ReplicaSet> = active(all).into_iter().cloned().collect();
            let refs: Vec<&ReplicaSet> = running.iter().collect();
            let (plan, operation) = plan_proportional_scale(d, &refs);
            for (i, size) in plan {
                let (_, updated) = self
                    .scale_replica_set(&running[i], size, d, operation)
                    .await?;
                remember_split(new_rs, old, updated);
            }
        }
        Ok(())
    }

    /// Deletes old ReplicaSets beyond `revisionHistoryLimit` (upstream's `cleanupDeployment`).
    async fn cleanup_deployment(&self, d: &Deployment, old: &[ReplicaSet]) -> Result<()> {
        let api = rs_api(&self.client, d);
        for i in history_to_delete(d, old) {
            let name = old[i].metadata.name.clone().unwrap_or_default();
            tracing::debug!(replicaset = %name, deployment = %key_of(d), "cleaning up old replica set");
            match api.delete(&name, &DeleteParams::default()).await {
                Ok(_) => {}
                Err(error) if controller::is_not_found(&error) => {}
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    }

    /// Upstream's `syncDeploymentStatus`: counts and `Available` only.
    async fn sync_deployment_status(
        &self,
        d: &mut Deployment,
        old: &[ReplicaSet],
        new_rs: Option<&ReplicaSet>,
    ) -> Result<()> {
        let status = calculate_status(&all_of(old, new_rs), new_rs, d, now());
        if same_status(d.status.as_ref(), &status) {
            return Ok(());
        }
        d.status = Some(status);
        self.write_status(d).await
    }

    /// Upstream's `syncRolloutStatus`: also `Progressing`, and a requeue for the deadline.
    async fn sync_rollout_status(
        &self,
        d: &mut Deployment,
        old: &[ReplicaSet],
        new_rs: Option<&ReplicaSet>,
    ) -> Result<()> {
        let now = now();
        let status = rollout_status(&all_of(old, new_rs), new_rs, d, now);
        if same_status(d.status.as_ref(), &status) {
            match requeue_stuck_after(d, &status, now) {
                Some(after) if after.is_zero() => self.queue.add_rate_limited(key_of(&*d)),
                Some(after) => self.queue.add_after(key_of(&*d), after),
                None => {}
            }
            return Ok(());
        }
        d.status = Some(status);
        self.write_status(d).await
    }

    /// A deleting Deployment only has its status updated.
    pub(super) async fn sync_status_only(
        &self,
        d: &mut Deployment,
        rss: &mut [ReplicaSet],
    ) -> Result<()> {
        let (new_rs, old) = self.split_and_sync_revision(d, rss, false).await?;
        self.sync_deployment_status(d, &old, new_rs.as_ref()).await
    }

    /// A paused Deployment, or a resize: scale, clean up history when paused, update the
    /// status (upstream's `sync`).
    pub(super) async fn sync_scale_and_status(
        &self,
        d: &mut Deployment,
        rss: &mut [ReplicaSet],
    ) -> Result<()> {
        let (mut new_rs, mut old) = self.split_and_sync_revision(d, rss, false).await?;
        self.scale(d, &mut new_rs, &mut old).await?;
        if d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false) {
            self.cleanup_deployment(d, &old).await?;
        }
        self.sync_deployment_status(d, &old, new_rs.as_ref()).await
    }

    /// One step of a RollingUpdate (upstream's `rolloutRolling`): grow the new ReplicaSet
    /// within maxSurge, else shrink old ones within maxUnavailable, else clean up.
    pub(super) async fn rollout_rolling(
        &self,
        d: &mut Deployment,
        rss: &mut [ReplicaSet],
    ) -> Result<()> {
        let (new_rs, mut old) = self.split_and_sync_revision(d, rss, true).await?;
        let Some(mut new_rs) = new_rs else {
            return Err(controller::Error::Other("no new replica set".into()));
        };
        let target = reconcile_new_target(d, &all_of(&old, Some(&new_rs)), &new_rs);
        if let Some(size) = target {
            let (scaled, updated) = self.scale_and_record(&new_rs, size, d).await?;
            new_rs = updated;
            if scaled {
                return self.sync_rollout_status(d, &old, Some(&new_rs)).await;
            }
        }

        let active_old: Vec<usize> = (0..old.len())
            .filter(|i| spec_replicas(&old[*i]) > 0)
            .collect();
        let plan = {
            let all = all_of(&old, Some(&new_rs));
            let active_refs: Vec<&ReplicaSet> = active_old.iter().map(|i| &old[*i]).collect();
            plan_old_scale_down(d, &all, &active_refs, &new_rs)
        };
        let mut scaled_down = false;
        for (i, size) in plan {
            let index = active_old[i];
            let (scaled, updated) = self.scale_and_record(&old[index], size, d).await?;
            old[index] = updated;
            scaled_down |= scaled;
        }
        if scaled_down {
            return self.sync_rollout_status(d, &old, Some(&new_rs)).await;
        }
        if deployment_complete(d, &d.status.clone().unwrap_or_default()) {
            self.cleanup_deployment(d, &old).await?;
        }
        self.sync_rollout_status(d, &old, Some(&new_rs)).await
    }

    /// One step of a Recreate rollout (upstream's `rolloutRecreate`): scale every old
    /// ReplicaSet to zero, wait for their pods to go, then create and scale up the new one.
    pub(super) async fn rollout_recreate(
        &self,
        d: &mut Deployment,
        rss: &mut [ReplicaSet],
        pods: &PodMap,
    ) -> Result<()> {
        let (mut new_rs, mut old) = self.split_and_sync_revision(d, rss, false).await?;
        let mut scaled_down = false;
        for rs in &mut old {
            if spec_replicas(rs) == 0 {
                continue;
            }
            let (scaled, updated) = self.scale_and_record(rs, 0, d).await?;
            remember(rss, &updated);
            *rs = updated;
            scaled_down |= scaled;
        }
        if scaled_down || old_pods_running(new_rs.as_ref(), &old, pods) {
            return self.sync_rollout_status(d, &old, new_rs.as_ref()).await;
        }
        if new_rs.is_none() {
            (new_rs, old) = self.split_and_sync_revision(d, rss, true).await?;
        }
        if let Some(rs) = new_rs.as_mut() {
            let (_, updated) = self.scale_and_record(rs, deployment_replicas(d), d).await?;
            *rs = updated;
        }
        if deployment_complete(d, &d.status.clone().unwrap_or_default()) {
            self.cleanup_deployment(d, &old).await?;
        }
        self.sync_rollout_status(d, &old, new_rs.as_ref()).await
    }
}

/// Whether old ReplicaSets still have pods that may run (upstream's `oldPodsRunning`).
fn old_pods_running(new_rs: Option<&ReplicaSet>, old: &[ReplicaSet], pods: &PodMap) -> bool {
    if old.iter().map(status_replicas).sum::<i32>() > 0 {
        return true;
    }
    let new_uid = new_rs.and_then(uid);
    pods.iter()
        .filter(|(rs_uid, _)| Some(rs_uid.as_str()) != new_uid)
        .flat_map(|(_, list)| list)
        .any(|pod| {
            let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
            !matches!(phase, Some("Failed" | "Succeeded"))
        })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use k8s_openapi::api::core::v1::Pod;
    use serde_json::json;

    use super::super::replica_sets::tests::rs;
    use super::*;

    fn pod(phase: &str) -> Arc<Pod> {
        Arc::new(
            serde_json::from_value(json!({"metadata": {"name": "p"}, "status": {"phase": phase}}))
                .expect("pod"),
        )
    }

    #[test]
    fn recreate_waits_for_old_pods_that_may_run() {
        let new_rs = rs("new", 0, 0, "2026-01-01T00:00:01Z");
        let old = vec![rs("old", 0, 0, "2026-01-01T00:00:00Z")];
        let mut pods = PodMap::new();
        pods.insert("old-uid".into(), vec![pod("Succeeded"), pod("Failed")]);
        pods.insert("new-uid".into(), vec![pod("Running")]);
        assert!(!old_pods_running(Some(&new_rs), &old, &pods));
        pods.insert("old-uid".into(), vec![pod("Running")]);
        assert!(old_pods_running(Some(&new_rs), &old, &pods));
        pods.insert("old-uid".into(), vec![pod("Unknown")]);
        assert!(old_pods_running(Some(&new_rs), &old, &pods));
        // Old ReplicaSets still reporting replicas count too.
        let busy = vec![rs("old", 0, 0, "2026-01-01T00:00:00Z")];
        let mut busy = busy;
        if let Some(status) = busy[0].status.as_mut() {
            status.replicas = 1;
        }
        assert!(old_pods_running(Some(&new_rs), &busy, &PodMap::new()));
    }
}
