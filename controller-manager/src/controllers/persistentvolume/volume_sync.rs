//! `syncVolume`: a volume with no `claimRef`, or pre-bound by name only, is Available; one
//! whose claim is gone (or was recreated with another uid) is Released and reclaimed by its
//! policy; one whose claim has not taken it yet queues that claim (the way a binding made by
//! the scheduler, or a pre-bound volume, is completed); one its claim is bound to is Bound;
//! one whose claim went to another volume is unbound again (or released, when it was
//! provisioned for that claim with `Delete`).
//!
//! Reclaiming (`reclaimVolume`): `Retain` keeps the volume Released. There is no in-tree
//! deleter or recycler here, so `Delete` waits for an external deleter when upstream would
//! (CSI volumes, volumes an external provisioner made, migrated ones) and otherwise marks the
//! volume Failed with upstream's message for a volume no plugin deletes; `Recycle` marks it
//! Failed with `No recycler plugin found for the volume!`.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
use kube::api::Api;

use super::matching::{annotation, claim_ref_key, has_annotation, volume_mode_mismatches};
use super::provisioning::{modify_deletion_finalizers, update_migration_annotations};
use super::{
    ANN_DYNAMICALLY_PROVISIONED, ANN_MIGRATED_TO, PersistentVolumeController, VOLUME_AVAILABLE,
    VOLUME_BOUND, VOLUME_FAILED, VOLUME_RELEASED,
};
use crate::controller::Result;
use crate::events::reference_of;

fn phase_of(volume: &PersistentVolume) -> &str {
    volume
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

fn uid_of(claim: &PersistentVolumeClaim) -> &str {
    claim.metadata.uid.as_deref().unwrap_or_default()
}

/// Why no deleter removes the volume, or `None` when an external deleter is to
/// (`findDeletablePlugin` and the plugin's own checks, for a controller with no in-tree
/// deleters: upstream's host-path deleter refuses paths outside `/tmp/` with the message kept
/// here, and deletes the rest, which this controller does not).
pub fn missing_deleter(volume: &PersistentVolume) -> Option<String> {
    let name = volume.metadata.name.as_deref().unwrap_or_default();
    if let Some(provisioner) = annotation(volume, ANN_DYNAMICALLY_PROVISIONED)
        && !provisioner.is_empty()
    {
        if !provisioner.starts_with("kubernetes.io/") {
            return None;
        }
        if provisioner != "kubernetes.io/host-path" {
            return Some(format!("no volume plugin matched name: {provisioner}"));
        }
    }
    if has_annotation(volume, ANN_MIGRATED_TO) {
        return None;
    }
    let spec = volume.spec.clone().unwrap_or_default();
    if spec.csi.is_some() {
        return None;
    }
    if let Some(host_path) = &spec.host_path {
        let path = host_path.path.as_str();
        let under_tmp = path
            .match_indices("/tmp/")
            .any(|(at, _)| path.len() > at + "/tmp/".len());
        if !under_tmp {
            return Some(format!(
                "host_path deleter only supports /tmp/.+ but received provided {path}"
            ));
        }
        return Some(format!(
            "error getting deleter volume plugin for volume {name:?}: no deletable volume plugin matched"
        ));
    }
    let known_but_not_deletable = spec.nfs.is_some() || spec.local.is_some();
    let why = if known_but_not_deletable {
        "no deletable volume plugin matched"
    } else {
        "no volume plugin matched"
    };
    Some(format!(
        "error getting deleter volume plugin for volume {name:?}: {why}"
    ))
}

impl PersistentVolumeController {
    /// A volume key from the queue: sync the volume, or handle its deletion (`volumeWorker`,
    /// `updateVolume`, `deleteVolume`).
    pub(super) async fn process_volume_key(&self, name: &str) -> Result<()> {
        if let Some(volume) = self.volume_lister.get("", name) {
            if !self.volumes.store(volume.clone()) {
                return Ok(());
            }
            return self.sync_volume(volume).await;
        }
        if let Some(volume) = self.volumes.remove(name)
            && let Some(claim) = claim_ref_key(&volume)
        {
            // Its claim becomes Lost without waiting for the resync.
            self.claim_queue.add(claim);
        }
        Ok(())
    }

    /// The claim `namespace/name` a volume points at: the controller's view, else (unless the
    /// volume is already Released or Failed) the informer and then the API server, so that a
    /// claim not seen yet does not release its volume.
    async fn claim_for(
        &self,
        volume: &PersistentVolume,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Arc<PersistentVolumeClaim>>> {
        if let Some(claim) = self.claims.get(&format!("{namespace}/{name}")) {
            return Ok(Some(claim));
        }
        if matches!(phase_of(volume), VOLUME_RELEASED | VOLUME_FAILED) {
            return Ok(None);
        }
        if let Some(claim) = self.claim_lister.get(namespace, name) {
            return Ok(Some(claim));
        }
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), namespace);
        Ok(api.get_opt(name).await?.map(Arc::new))
    }

    /// `syncVolume`.
    async fn sync_volume(&self, volume: Arc<PersistentVolume>) -> Result<()> {
        let volume = self
            .update_volume_migration_annotations_and_finalizers(volume)
            .await?;
        let Some(claim_ref) = volume.spec.as_ref().and_then(|s| s.claim_ref.clone()) else {
            self.update_volume_phase(&volume, VOLUME_AVAILABLE, "")
                .await?;
            return Ok(());
        };
        let ref_uid = claim_ref.uid.clone().unwrap_or_default();
        if ref_uid.is_empty() {
            // Reserved for a claim by name; that claim's sync binds it.
            self.update_volume_phase(&volume, VOLUME_AVAILABLE, "")
                .await?;
            return Ok(());
        }
        let namespace = claim_ref.namespace.clone().unwrap_or_default();
        let name = claim_ref.name.clone().unwrap_or_default();
        let mut claim = self.claim_for(&volume, &namespace, &name).await?;
        if claim.as_ref().is_some_and(|c| uid_of(c) != ref_uid) {
            // The cached claim may be older than the volume: ask the API server.
            let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), &namespace);
            claim = api
                .get_opt(&name)
                .await?
                .filter(|c| uid_of(c) == ref_uid)
                .map(Arc::new);
        }
        let volume_name = volume.metadata.name.clone().unwrap_or_default();
        let Some(claim) = claim else {
            // The claim is gone: release the volume and reclaim it.
            let volume = if matches!(phase_of(&volume), VOLUME_RELEASED | VOLUME_FAILED) {
                volume
            } else {
                tracing::info!(volume = %volume_name, "volume is released; reclaiming it");
                self.update_volume_phase(&volume, VOLUME_RELEASED, "")
                    .await?
            };
            return self.reclaim_volume(&volume).await;
        };
        let claim_volume = common::persistent_volumes::claim_volume_name(&claim);
        if claim_volume.is_empty() {
            let claim_spec = claim.spec.clone().unwrap_or_default();
            let volume_spec = volume.spec.clone().unwrap_or_default();
            if volume_mode_mismatches(&claim_spec, &volume_spec) {
                let claim_name = claim.metadata.name.clone().unwrap_or_default();
                self.event(
                    reference_of(&*volume),
                    true,
                    "VolumeMismatch",
                    format!(
                        "Cannot bind PersistentVolume to requested PersistentVolumeClaim {claim_name:?} due to incompatible volumeMode."
                    ),
                );
                self.event(
                    reference_of(&*claim),
                    true,
                    "VolumeMismatch",
                    format!(
                        "Cannot bind PersistentVolume {volume_name:?} to requested PersistentVolumeClaim due to incompatible volumeMode."
                    ),
                );
                return Ok(());
            }
            // Bound on the volume's side only (by this controller, the scheduler or a
            // provisioner): the claim's sync completes it.
            self.claim_queue.add(format!("{namespace}/{name}"));
            return Ok(());
        }
        if claim_volume == volume_name {
            self.update_volume_phase(&volume, VOLUME_BOUND, "").await?;
            return Ok(());
        }
        // The claim is bound to another volume.
        let provisioned_for_delete = has_annotation(&*volume, ANN_DYNAMICALLY_PROVISIONED)
            && volume
                .spec
                .as_ref()
                .and_then(|s| s.persistent_volume_reclaim_policy.as_deref())
                == Some("Delete");
        if provisioned_for_delete {
            let volume = if matches!(phase_of(&volume), VOLUME_RELEASED | VOLUME_FAILED) {
                volume
            } else {
                self.update_volume_phase(&volume, VOLUME_RELEASED, "")
                    .await?
            };
            return self.reclaim_volume(&volume).await;
        }
        // Bound by the controller: undo it; pre-bound by the user: keep the name, drop the uid.
        self.unbind_volume(&volume).await
    }

    /// Adds or removes `pv.kubernetes.io/migrated-to` and the deletion finalizers of
    /// provisioned volumes (`updateVolumeMigrationAnnotationsAndFinalizers`).
    async fn update_volume_migration_annotations_and_finalizers(
        &self,
        volume: Arc<PersistentVolume>,
    ) -> Result<Arc<PersistentVolume>> {
        let mut clone = (*volume).clone();
        let annotations_changed = clone
            .metadata
            .annotations
            .as_mut()
            .is_some_and(|a| update_migration_annotations(a, false));
        let finalizers = modify_deletion_finalizers(&clone);
        if !annotations_changed && finalizers.is_none() {
            return Ok(volume);
        }
        if let Some(finalizers) = finalizers {
            clone.metadata.finalizers = Some(finalizers);
        }
        self.write_volume(&clone).await
    }

    /// Whether the volume still points at a claim that is gone or bound elsewhere
    /// (`isVolumeReleased`).
    fn is_volume_released(&self, volume: &PersistentVolume) -> bool {
        let Some(claim_ref) = volume.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) else {
            return false;
        };
        let ref_uid = claim_ref.uid.as_deref().unwrap_or_default();
        if ref_uid.is_empty() {
            return false;
        }
        let key = claim_ref_key(volume).unwrap_or_default();
        match self.claims.get(&key) {
            Some(claim) if uid_of(&claim) == ref_uid => {
                let bound_to = common::persistent_volumes::claim_volume_name(&claim);
                !bound_to.is_empty()
                    && bound_to != volume.metadata.name.as_deref().unwrap_or_default()
            }
            _ => true,
        }
    }

    /// Carries out the volume's reclaim policy (`reclaimVolume`).
    async fn reclaim_volume(&self, volume: &Arc<PersistentVolume>) -> Result<()> {
        if annotation(&**volume, ANN_MIGRATED_TO).is_some_and(|m| !m.is_empty()) {
            // The CSI driver's sidecars handle a migrated volume.
            return Ok(());
        }
        let policy = volume
            .spec
            .as_ref()
            .and_then(|s| s.persistent_volume_reclaim_policy.as_deref())
            .unwrap_or_default();
        match policy {
            "Retain" => Ok(()),
            "Recycle" => self.recycle_volume(volume).await,
            "Delete" => self.delete_volume(volume).await,
            _ => {
                self.update_volume_phase_with_event(
                    volume,
                    VOLUME_FAILED,
                    true,
                    "VolumeUnknownReclaimPolicy",
                    "Volume has unrecognized PersistentVolumeReclaimPolicy",
                )
                .await?;
                Ok(())
            }
        }
    }

    /// The current volume from the API server, if it still needs reclaiming.
    async fn still_released(&self, volume: &PersistentVolume) -> Option<PersistentVolume> {
        let name = volume.metadata.name.as_deref().unwrap_or_default();
        let api: Api<PersistentVolume> = Api::all(self.client.clone());
        match api.get(name).await {
            Ok(fresh) if self.is_volume_released(&fresh) => Some(fresh),
            Ok(_) => None,
            Err(error) => {
                tracing::debug!(volume = name, %error, "error reading persistent volume");
                None
            }
        }
    }

    /// `deleteVolumeOperation` without deleters: nothing when an external deleter is expected,
    /// otherwise Failed with `VolumeFailedDelete`.
    async fn delete_volume(&self, volume: &Arc<PersistentVolume>) -> Result<()> {
        if self.still_released(volume).await.is_none() {
            return Ok(());
        }
        let Some(message) = missing_deleter(volume) else {
            tracing::debug!(volume = ?volume.metadata.name, "external deleter for volume requested");
            return Ok(());
        };
        self.update_volume_phase_with_event(
            volume,
            VOLUME_FAILED,
            true,
            "VolumeFailedDelete",
            &message,
        )
        .await?;
        Ok(())
    }

    /// `recycleVolumeOperation` without recyclers: a volume pods still use is left alone
    /// (with an event); otherwise Failed with `VolumeFailedRecycle`.
    async fn recycle_volume(&self, volume: &Arc<PersistentVolume>) -> Result<()> {
        let Some(fresh) = self.still_released(volume).await else {
            return Ok(());
        };
        let claim_key = claim_ref_key(volume).unwrap_or_default();
        let claim_cached = self.claims.get(&claim_key).is_some();
        let mut users: Vec<String> = Vec::new();
        if let Some(claim_ref) = fresh.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) {
            let namespace = claim_ref.namespace.clone().unwrap_or_default();
            let probe = PersistentVolumeClaim {
                metadata: kube::api::ObjectMeta {
                    namespace: Some(namespace.clone()),
                    name: claim_ref.name.clone(),
                    ..Default::default()
                },
                ..Default::default()
            };
            users = self
                .active_pods_of(&probe)
                .iter()
                .map(|p| {
                    format!(
                        "{namespace}/{}",
                        p.metadata.name.as_deref().unwrap_or_default()
                    )
                })
                .collect();
            users.sort();
            users.dedup();
        }
        if !users.is_empty() && !claim_cached {
            self.event(
                reference_of(&**volume),
                false,
                "VolumeFailedRecycle",
                format!("Volume is used by pods: {}", users.join(",")),
            );
            return Ok(());
        }
        let fresh = Arc::new(fresh);
        self.update_volume_phase_with_event(
            &fresh,
            VOLUME_FAILED,
            true,
            "VolumeFailedRecycle",
            "No recycler plugin found for the volume!",
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn volume(metadata: Value, spec: Value) -> PersistentVolume {
        let mut meta = json!({"name": "pv1"});
        meta.as_object_mut()
            .unwrap()
            .extend(metadata.as_object().cloned().unwrap_or_default());
        serde_json::from_value(json!({"metadata": meta, "spec": spec})).unwrap()
    }

    #[test]
    fn external_deleters_are_waited_for_and_in_tree_ones_are_missing() {
        let external = volume(
            json!({"annotations": {"pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com"}}),
            json!({"hostPath": {"path": "/data"}}),
        );
        assert_eq!(missing_deleter(&external), None);
        let csi = volume(
            json!({}),
            json!({"csi": {"driver": "d", "volumeHandle": "h"}}),
        );
        assert_eq!(missing_deleter(&csi), None);
        let migrated = volume(
            json!({"annotations": {"pv.kubernetes.io/migrated-to": "pd.csi.storage.gke.io"}}),
            json!({"gcePersistentDisk": {"pdName": "d"}}),
        );
        assert_eq!(missing_deleter(&migrated), None);
        assert_eq!(
            missing_deleter(&volume(
                json!({}),
                json!({"hostPath": {"path": "/data/pv1"}})
            )),
            Some("host_path deleter only supports /tmp/.+ but received provided /data/pv1".into())
        );
        assert_eq!(
            missing_deleter(&volume(json!({}), json!({"hostPath": {"path": "/tmp/pv1"}}))),
            Some(
                "error getting deleter volume plugin for volume \"pv1\": no deletable volume plugin matched"
                    .into()
            )
        );
        assert_eq!(
            missing_deleter(&volume(json!({}), json!({"local": {"path": "/mnt/disk"}}))),
            Some(
                "error getting deleter volume plugin for volume \"pv1\": no deletable volume plugin matched"
                    .into()
            )
        );
        assert_eq!(
            missing_deleter(&volume(
                json!({}),
                json!({"iscsi": {"targetPortal": "p", "iqn": "i", "lun": 0}})
            )),
            Some(
                "error getting deleter volume plugin for volume \"pv1\": no volume plugin matched"
                    .into()
            )
        );
        let in_tree = volume(
            json!({"annotations": {"pv.kubernetes.io/provisioned-by": "kubernetes.io/rbd"}}),
            json!({}),
        );
        assert_eq!(
            missing_deleter(&in_tree),
            Some("no volume plugin matched name: kubernetes.io/rbd".into())
        );
    }
}
