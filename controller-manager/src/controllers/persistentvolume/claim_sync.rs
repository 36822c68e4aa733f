//! `syncClaim`: a claim without `bind-completed` is unbound. With no `volumeName` it gets the
//! best matching volume, or, with none, a default class, the WaitForFirstConsumer event, an
//! external provisioner's annotations, or `FailedBinding`; with a `volumeName` (the user's
//! choice) it is bound to that volume if the volume is free (and fits) or already pre-bound to
//! it. A bound claim is checked against its volume: gone → `Lost` (`ClaimLost`), bound to
//! another claim → `Lost` (`ClaimMisbound`), otherwise the binding is completed.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim, Pod};

use super::matching::{
    access_modes_satisfied, claim_class, claim_key, claim_ref_key, find_best_match, has_annotation,
    is_volume_bound_to_claim, requested_storage, volume_capacity, volume_class,
    volume_mode_mismatches,
};
use super::{
    ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, CLAIM_LOST, CLAIM_PENDING,
    PersistentVolumeController,
};
use crate::controller::{Error, Result};
use crate::events::reference_of;
use crate::informers::split_key;
use common::persistent_volumes::claim_volume_name;

/// Why the volume a user asked for cannot serve the claim (`checkVolumeSatisfyClaim`).
pub fn check_volume_satisfies_claim(
    volume: &PersistentVolume,
    claim: &PersistentVolumeClaim,
) -> Result<(), String> {
    let name = volume.metadata.name.as_deref().unwrap_or_default();
    if volume.metadata.deletion_timestamp.is_some() {
        return Err(format!("the volume is marked for deletion {name:?}"));
    }
    if volume_capacity(volume).value() < requested_storage(claim).value() {
        return Err("requested PV is too small".to_owned());
    }
    if volume_class(volume) != claim_class(claim) {
        return Err("storageClassName does not match".to_owned());
    }
    let claim_spec = claim.spec.clone().unwrap_or_default();
    let volume_spec = volume.spec.clone().unwrap_or_default();
    if claim_spec
        .volume_attributes_class_name
        .as_deref()
        .unwrap_or_default()
        != volume_spec
            .volume_attributes_class_name
            .as_deref()
            .unwrap_or_default()
    {
        return Err("volumeAttributesClassName does not match".to_owned());
    }
    if volume_mode_mismatches(&claim_spec, &volume_spec) {
        return Err("incompatible volumeMode".to_owned());
    }
    if !access_modes_satisfied(claim, volume) {
        return Err("incompatible accessMode".to_owned());
    }
    Ok(())
}

/// Whether the pod has finished, or is deleted with nothing running (`IsPodTerminated`).
pub fn is_pod_terminated(pod: &Pod) -> bool {
    let Some(status) = pod.status.as_ref() else {
        return pod.metadata.deletion_timestamp.is_some();
    };
    let phase = status.phase.as_deref().unwrap_or_default();
    let not_running = |statuses: Option<&Vec<k8s_openapi::api::core::v1::ContainerStatus>>| {
        statuses.into_iter().flatten().all(|s| {
            s.state
                .as_ref()
                .is_some_and(|state| state.terminated.is_some() || state.waiting.is_some())
        })
    };
    phase == "Failed"
        || phase == "Succeeded"
        || (pod.metadata.deletion_timestamp.is_some()
            && not_running(status.init_container_statuses.as_ref())
            && not_running(status.container_statuses.as_ref())
            && not_running(status.ephemeral_container_statuses.as_ref()))
}

/// Whether the pod uses the claim `name`, directly or as a generic ephemeral volume
/// (upstream's pod-by-PVC index).
pub fn pod_uses_claim(pod: &Pod, name: &str) -> bool {
    let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
    pod.spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .any(|volume| {
            if let Some(source) = &volume.persistent_volume_claim {
                source.claim_name == name
            } else if volume.ephemeral.is_some() {
                format!("{pod_name}-{}", volume.name) == name
            } else {
                false
            }
        })
}

impl PersistentVolumeController {
    /// A claim key from the queue: sync the claim, or handle its deletion (`claimWorker`,
    /// `updateClaim`, `deleteClaim`).
    pub(super) async fn process_claim_key(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        if let Some(claim) = self.claim_lister.get(namespace, name) {
            if !self.claims.store(claim.clone()) {
                // The controller already wrote a newer version.
                return Ok(());
            }
            return self.sync_claim(claim).await;
        }
        if let Some(claim) = self.claims.remove(key) {
            // Its volume is released without waiting for the resync.
            let volume = claim_volume_name(&claim);
            if !volume.is_empty() {
                self.volume_queue.add(volume.to_owned());
            }
        }
        Ok(())
    }

    async fn sync_claim(&self, claim: Arc<PersistentVolumeClaim>) -> Result<()> {
        let claim = self.update_claim_migration_annotations(claim).await?;
        if has_annotation(&*claim, ANN_BIND_COMPLETED) {
            self.sync_bound_claim(&claim).await
        } else {
            self.sync_unbound_claim(&claim).await
        }
    }

    /// Whether the claim's class waits for a pod (`IsDelayBindingMode`); a class that does not
    /// exist does not delay.
    fn is_delay_binding_mode(&self, claim: &PersistentVolumeClaim) -> Result<bool> {
        let class_name = claim_class(claim);
        if class_name.is_empty() {
            return Ok(false);
        }
        let Some(class) = self.class_lister.get("", class_name) else {
            return Ok(false);
        };
        match class.volume_binding_mode.as_deref() {
            None => Err(Error::Other(format!(
                "VolumeBindingMode not set for StorageClass {class_name:?}"
            ))),
            Some(mode) => Ok(mode == "WaitForFirstConsumer"),
        }
    }

    /// The pods using the claim that may still run.
    pub(super) fn active_pods_of(&self, claim: &PersistentVolumeClaim) -> Vec<Arc<Pod>> {
        let namespace = claim.metadata.namespace.as_deref().unwrap_or_default();
        let name = claim.metadata.name.as_deref().unwrap_or_default();
        self.pod_lister
            .list(namespace)
            .into_iter()
            .filter(|pod| pod_uses_claim(pod, name) && !is_pod_terminated(pod))
            .collect()
    }

    /// Tells why a WaitForFirstConsumer claim waits (`emitEventForUnboundDelayBindingClaim`).
    fn emit_delay_binding_event(&self, claim: &PersistentVolumeClaim) {
        let mut unscheduled: Vec<String> = self
            .active_pods_of(claim)
            .iter()
            .filter(|pod| {
                pod.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .unwrap_or_default()
                    .is_empty()
            })
            .filter_map(|pod| pod.metadata.name.clone())
            .collect();
        unscheduled.sort();
        let (reason, message) = match unscheduled.as_slice() {
            [] => (
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding".to_owned(),
            ),
            [one] => (
                "WaitForPodScheduled",
                format!("waiting for pod {one} to be scheduled"),
            ),
            many => (
                "WaitForPodScheduled",
                format!("waiting for pods {} to be scheduled", many.join(",")),
            ),
        };
        self.event(reference_of(claim), false, reason, message);
    }

    /// `syncUnboundClaim`.
    async fn sync_unbound_claim(&self, claim: &Arc<PersistentVolumeClaim>) -> Result<()> {
        let requested = claim_volume_name(claim);
        if requested.is_empty() {
            return self.sync_claim_without_volume(claim).await;
        }
        // The user asked for a volume.
        let Some(volume) = self.volumes.get(requested) else {
            // It does not exist (yet): wait.
            self.update_claim_status(claim, CLAIM_PENDING, None).await?;
            return Ok(());
        };
        let claimed = volume.spec.as_ref().is_some_and(|s| s.claim_ref.is_some());
        if !claimed {
            if let Err(why) = check_volume_satisfies_claim(&volume, claim) {
                let message = format!("Cannot bind to requested volume {requested:?}: {why}");
                self.event(reference_of(&**claim), true, "VolumeMismatch", message);
                self.update_claim_status(claim, CLAIM_PENDING, None).await?;
                return Ok(());
            }
            return self.bind(&volume, claim).await;
        }
        if is_volume_bound_to_claim(&volume, claim) {
            // Pre-bound to this claim: finish the binding.
            return self.bind(&volume, claim).await;
        }
        let message = format!("volume {requested:?} already bound to a different claim.");
        self.event(reference_of(&**claim), true, "FailedBinding", message);
        if !has_annotation(&**claim, ANN_BOUND_BY_CONTROLLER) {
            // The user's choice is taken; wait until it is free.
            self.update_claim_status(claim, CLAIM_PENDING, None).await?;
            return Ok(());
        }
        Err(Error::Other(format!(
            "invalid binding of claim {:?} to volume {requested:?}: volume already claimed by {:?}",
            claim_key(claim),
            claim_ref_key(&volume).unwrap_or_default()
        )))
    }

    /// An unbound claim that names no volume.
    async fn sync_claim_without_volume(&self, claim: &Arc<PersistentVolumeClaim>) -> Result<()> {
        let delay_binding = self.is_delay_binding_mode(claim)?;
        let volumes = self.volumes.list();
        let found = find_best_match(claim, &volumes, delay_binding).map_err(|e| {
            Error::Other(format!(
                "error finding PV for claim {:?}: {e}",
                claim_key(claim)
            ))
        })?;
        if let Some(volume) = found {
            return self.bind(&volume, claim).await;
        }
        if self.assign_default_storage_class(claim).await? {
            // The update brings the claim back with its class.
            return Ok(());
        }
        if delay_binding && !has_annotation(&**claim, ANN_SELECTED_NODE) {
            // No pod scheduled with it yet.
            self.emit_delay_binding_event(claim);
        } else if !claim_class(claim).is_empty() {
            return self.provision_claim(claim).await;
        } else {
            self.event(
                reference_of(&**claim),
                false,
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set"
                    .to_owned(),
            );
        }
        self.update_claim_status(claim, CLAIM_PENDING, None).await?;
        Ok(())
    }

    /// `syncBoundClaim`.
    async fn sync_bound_claim(&self, claim: &Arc<PersistentVolumeClaim>) -> Result<()> {
        let name = claim_volume_name(claim);
        if name.is_empty() {
            self.update_claim_status_with_event(
                claim,
                CLAIM_LOST,
                true,
                "ClaimLost",
                "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!",
            )
            .await?;
            return Ok(());
        }
        let Some(volume) = self.volumes.get(name) else {
            self.update_claim_status_with_event(
                claim,
                CLAIM_LOST,
                true,
                "ClaimLost",
                "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
            )
            .await?;
            return Ok(());
        };
        let claim_ref_uid = volume
            .spec
            .as_ref()
            .and_then(|s| s.claim_ref.as_ref())
            .map(|r| r.uid.clone().unwrap_or_default());
        match claim_ref_uid {
            // The volume came unbound, or its update has not been seen yet: bind again.
            None => self.bind(&volume, claim).await,
            Some(uid) if uid == claim.metadata.uid.clone().unwrap_or_default() => {
                self.bind(&volume, claim).await
            }
            Some(_) => {
                self.update_claim_status_with_event(
                    claim,
                    CLAIM_LOST,
                    true,
                    "ClaimMisbound",
                    "Two claims are bound to the same volume, this one is bound incorrectly",
                )
                .await?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn volume(spec: Value) -> PersistentVolume {
        let mut base = json!({"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"]});
        base.as_object_mut()
            .unwrap()
            .extend(spec.as_object().cloned().unwrap_or_default());
        serde_json::from_value(json!({"metadata": {"name": "pv1"}, "spec": base})).unwrap()
    }

    fn claim(spec: Value) -> PersistentVolumeClaim {
        let mut base = json!({"accessModes": ["ReadWriteOnce"],
                              "resources": {"requests": {"storage": "500Mi"}}});
        base.as_object_mut()
            .unwrap()
            .extend(spec.as_object().cloned().unwrap_or_default());
        serde_json::from_value(json!({"metadata": {"name": "c", "namespace": "ns"}, "spec": base}))
            .unwrap()
    }

    #[test]
    fn a_requested_volume_must_fit_the_claim() {
        let check = |v: Value, c: Value| check_volume_satisfies_claim(&volume(v), &claim(c));
        assert_eq!(check(json!({}), json!({})), Ok(()));
        assert_eq!(
            check(
                json!({}),
                json!({"resources": {"requests": {"storage": "2Gi"}}})
            ),
            Err("requested PV is too small".into())
        );
        assert_eq!(
            check(json!({"storageClassName": "fast"}), json!({})),
            Err("storageClassName does not match".into())
        );
        assert_eq!(
            check(json!({}), json!({"volumeAttributesClassName": "gold"})),
            Err("volumeAttributesClassName does not match".into())
        );
        assert_eq!(
            check(json!({"volumeMode": "Block"}), json!({})),
            Err("incompatible volumeMode".into())
        );
        assert_eq!(
            check(json!({}), json!({"accessModes": ["ReadWriteMany"]})),
            Err("incompatible accessMode".into())
        );
        let mut deleting = volume(json!({}));
        deleting.metadata.deletion_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                "2026-01-01T00:00:00Z".parse().unwrap(),
            ));
        assert_eq!(
            check_volume_satisfies_claim(&deleting, &claim(json!({}))),
            Err("the volume is marked for deletion \"pv1\"".into())
        );
    }

    #[test]
    fn pods_use_claims_directly_or_as_ephemeral_volumes_until_they_terminate() {
        let pod = |status: Value, deleting: bool| -> Pod {
            let mut metadata = json!({"name": "web", "namespace": "ns"});
            if deleting {
                metadata["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
            }
            serde_json::from_value(json!({
                "metadata": metadata,
                "spec": {"containers": [], "volumes": [
                    {"name": "data", "persistentVolumeClaim": {"claimName": "claim-a"}},
                    {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {}}}}]},
                "status": status}))
            .unwrap()
        };
        let running = pod(json!({"phase": "Running"}), false);
        assert!(pod_uses_claim(&running, "claim-a"));
        assert!(pod_uses_claim(&running, "web-scratch"));
        assert!(!pod_uses_claim(&running, "claim-b"));
        assert!(!is_pod_terminated(&running));
        assert!(is_pod_terminated(&pod(
            json!({"phase": "Succeeded"}),
            false
        )));
        assert!(is_pod_terminated(&pod(json!({"phase": "Failed"}), false)));
        let stopped = json!({"phase": "Running", "containerStatuses": [
            {"name": "c", "image": "i", "imageID": "", "ready": false, "restartCount": 0,
             "state": {"terminated": {"exitCode": 0}}}]});
        assert!(is_pod_terminated(&pod(stopped, true)));
        let still_running = json!({"phase": "Running", "containerStatuses": [
            {"name": "c", "image": "i", "imageID": "", "ready": true, "restartCount": 0,
             "state": {"running": {}}}]});
        assert!(!is_pod_terminated(&pod(still_running, true)));
    }
}
