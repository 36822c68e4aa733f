//! The controller's writes and the changes they make: binding a volume and a claim to each
//! other (volume first: `spec.claimRef`, then its phase; then the claim's `volumeName` and
//! annotations, then its status), rolling a volume's binding back, and phases, each stored
//! into the controller's view once written (upstream's `bind`, `unbindVolume`,
//! `updateClaimStatus`, `updateVolumePhase` and their `WithEvent` forms). Status goes through
//! the status subresource; a conflict fails the sync, which is retried.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{
    PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimStatus, PersistentVolumeStatus,
};
use kube::api::{Api, PostParams};

use common::persistent_volumes::{claim_phase, volume_phase};

use super::matching::{annotation, has_annotation, is_volume_bound_to_claim, storage_of};
use super::{
    ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_PRE_RESIZE_CAPACITY, CLAIM_BOUND,
    PersistentVolumeController, VOLUME_AVAILABLE, VOLUME_BOUND,
};
use crate::controller::{Error, Result};
use crate::events::reference_of;

fn set_annotation(meta: &mut kube::api::ObjectMeta, key: &str, value: &str) {
    meta.annotations
        .get_or_insert_with(Default::default)
        .insert(key.to_owned(), value.to_owned());
}

/// The volume bound to the claim, if that changes it (`GetBindVolumeToClaim`): `claimRef`
/// names the claim with its uid and resourceVersion, and `bound-by-controller` is added
/// unless the volume was already (pre-)bound to this claim.
pub fn volume_bound_to_claim(
    volume: &PersistentVolume,
    claim: &PersistentVolumeClaim,
) -> Option<PersistentVolume> {
    let set_by_controller = !is_volume_bound_to_claim(volume, claim);
    let mut clone = volume.clone();
    let mut dirty = false;
    let spec = clone.spec.get_or_insert_with(Default::default);
    let same = spec.claim_ref.as_ref().is_some_and(|r| {
        r.name.as_deref().unwrap_or_default() == claim.metadata.name.as_deref().unwrap_or_default()
            && r.namespace.as_deref().unwrap_or_default()
                == claim.metadata.namespace.as_deref().unwrap_or_default()
            && r.uid.as_deref().unwrap_or_default()
                == claim.metadata.uid.as_deref().unwrap_or_default()
    });
    if !same {
        spec.claim_ref = Some(reference_of(claim));
        dirty = true;
    }
    if set_by_controller && !has_annotation(&clone, ANN_BOUND_BY_CONTROLLER) {
        set_annotation(&mut clone.metadata, ANN_BOUND_BY_CONTROLLER, "yes");
        dirty = true;
    }
    dirty.then_some(clone)
}

/// The claim bound to the volume, if that changes it (`bindClaimToVolume`): `volumeName` and
/// `bound-by-controller` when the claim named no volume (or another), and `bind-completed`.
pub fn claim_bound_to_volume(
    claim: &PersistentVolumeClaim,
    volume: &PersistentVolume,
) -> Option<PersistentVolumeClaim> {
    let volume_name = volume.metadata.name.clone().unwrap_or_default();
    let mut clone = claim.clone();
    let mut dirty = false;
    let spec = clone.spec.get_or_insert_with(Default::default);
    if spec.volume_name.as_deref().unwrap_or_default() != volume_name {
        spec.volume_name = Some(volume_name);
        dirty = true;
        if !has_annotation(&clone, ANN_BOUND_BY_CONTROLLER) {
            set_annotation(&mut clone.metadata, ANN_BOUND_BY_CONTROLLER, "yes");
        }
    }
    if !has_annotation(&clone, ANN_BIND_COMPLETED) {
        set_annotation(&mut clone.metadata, ANN_BIND_COMPLETED, "yes");
        dirty = true;
    }
    dirty.then_some(clone)
}

/// The claim with status `phase`, if that changes it (`updateClaimStatus`). Without a volume
/// the access modes, capacity and current VolumeAttributesClass are cleared; with one they
/// follow the volume, the capacity (and class) only when the phase changes, since a
/// difference may be intended after a resize. An error when the volume has no capacity.
pub fn claim_with_status(
    claim: &PersistentVolumeClaim,
    phase: &str,
    volume: Option<&PersistentVolume>,
) -> Result<Option<PersistentVolumeClaim>, String> {
    let mut clone = claim.clone();
    let old = claim.status.clone().unwrap_or_default();
    let status: &mut PersistentVolumeClaimStatus =
        clone.status.get_or_insert_with(Default::default);
    let mut dirty = false;
    let phase_changes = old.phase.as_deref().unwrap_or_default() != phase;
    if phase_changes {
        status.phase = Some(phase.to_owned());
        dirty = true;
    }
    match volume {
        None => {
            if old.access_modes.is_some() {
                status.access_modes = None;
                dirty = true;
            }
            if old.capacity.is_some() {
                status.capacity = None;
                dirty = true;
            }
            if old.current_volume_attributes_class_name.is_some() {
                status.current_volume_attributes_class_name = None;
                dirty = true;
            }
        }
        Some(volume) => {
            let spec = volume.spec.clone().unwrap_or_default();
            if old.access_modes != spec.access_modes {
                status.access_modes = spec.access_modes.clone();
                dirty = true;
            }
            if phase_changes {
                let name = volume.metadata.name.as_deref().unwrap_or_default();
                let Some(volume_capacity) = spec.capacity.as_ref().and_then(|c| c.get("storage"))
                else {
                    return Err(format!(
                        "PersistentVolume {name:?} is without a storage capacity"
                    ));
                };
                if let Some(pre_resize) = annotation(volume, ANN_PRE_RESIZE_CAPACITY) {
                    let quantity = if common::quantity::Quantity::parse(pre_resize).is_some() {
                        k8s_openapi::apimachinery::pkg::api::resource::Quantity(
                            pre_resize.to_owned(),
                        )
                    } else {
                        volume_capacity.clone()
                    };
                    status
                        .capacity
                        .get_or_insert_with(Default::default)
                        .insert("storage".to_owned(), quantity);
                    dirty = true;
                } else {
                    let claim_has = old
                        .capacity
                        .as_ref()
                        .is_some_and(|c| c.contains_key("storage"));
                    let differs = storage_of(spec.capacity.as_ref())
                        .compare(&storage_of(old.capacity.as_ref()))
                        .is_ne();
                    if !claim_has || differs {
                        status.capacity = spec.capacity.clone();
                        dirty = true;
                    }
                }
                if old.current_volume_attributes_class_name != spec.volume_attributes_class_name {
                    status.current_volume_attributes_class_name =
                        spec.volume_attributes_class_name.clone();
                    dirty = true;
                }
            }
        }
    }
    Ok(dirty.then_some(clone))
}

/// The volume with its binding rolled back (`unbindVolume`): a binding the controller made
/// is removed with its annotation; a user's pre-binding keeps its name and loses the uid.
pub fn volume_unbound(volume: &PersistentVolume) -> PersistentVolume {
    let mut clone = volume.clone();
    if has_annotation(volume, ANN_BOUND_BY_CONTROLLER) {
        if let Some(spec) = clone.spec.as_mut() {
            spec.claim_ref = None;
        }
        if let Some(annotations) = clone.metadata.annotations.as_mut() {
            annotations.remove(ANN_BOUND_BY_CONTROLLER);
            if annotations.is_empty() {
                clone.metadata.annotations = None;
            }
        }
    } else if let Some(claim_ref) = clone.spec.as_mut().and_then(|s| s.claim_ref.as_mut()) {
        claim_ref.uid = None;
    }
    clone
}

fn name_of<K: kube::Resource>(object: &K) -> &str {
    object.meta().name.as_deref().unwrap_or_default()
}

impl PersistentVolumeController {
    fn volumes_api(&self) -> Api<PersistentVolume> {
        Api::all(self.client.clone())
    }

    fn claims_api(&self, claim: &PersistentVolumeClaim) -> Api<PersistentVolumeClaim> {
        Api::namespaced(
            self.client.clone(),
            claim.metadata.namespace.as_deref().unwrap_or_default(),
        )
    }

    /// Writes the volume (spec and metadata) and records the result.
    pub(super) async fn write_volume(
        &self,
        volume: &PersistentVolume,
    ) -> Result<Arc<PersistentVolume>> {
        let written = self
            .volumes_api()
            .replace(name_of(volume), &PostParams::default(), volume)
            .await?;
        let written = Arc::new(written);
        self.volumes.store(written.clone());
        Ok(written)
    }

    /// Writes the claim (spec and metadata) and records the result.
    pub(super) async fn write_claim(
        &self,
        claim: &PersistentVolumeClaim,
    ) -> Result<Arc<PersistentVolumeClaim>> {
        let written = self
            .claims_api(claim)
            .replace(name_of(claim), &PostParams::default(), claim)
            .await?;
        let written = Arc::new(written);
        self.claims.store(written.clone());
        Ok(written)
    }

    /// Sets the volume's phase and message through the status subresource, unless the phase
    /// is already set (`updateVolumePhase`).
    pub(super) async fn update_volume_phase(
        &self,
        volume: &Arc<PersistentVolume>,
        phase: &str,
        message: &str,
    ) -> Result<Arc<PersistentVolume>> {
        if volume_phase(volume) == phase {
            return Ok(volume.clone());
        }
        let mut clone = (**volume).clone();
        let status: &mut PersistentVolumeStatus = clone.status.get_or_insert_with(Default::default);
        status.phase = Some(phase.to_owned());
        status.message = (!message.is_empty()).then(|| message.to_owned());
        let written = self
            .volumes_api()
            .replace_status(name_of(&**volume), &PostParams::default(), &clone)
            .await?;
        let written = Arc::new(written);
        self.volumes.store(written.clone());
        tracing::info!(volume = name_of(&**volume), phase, "volume entered phase");
        Ok(written)
    }

    /// [`Self::update_volume_phase`], with an event when the phase changes
    /// (`updateVolumePhaseWithEvent`); the message is also the volume's status message.
    pub(super) async fn update_volume_phase_with_event(
        &self,
        volume: &Arc<PersistentVolume>,
        phase: &str,
        warning: bool,
        reason: &str,
        message: &str,
    ) -> Result<Arc<PersistentVolume>> {
        if volume_phase(volume) == phase {
            return Ok(volume.clone());
        }
        let written = self.update_volume_phase(volume, phase, message).await?;
        self.event(reference_of(&*written), warning, reason, message.to_owned());
        Ok(written)
    }

    /// Writes the claim's status for `phase` (and `volume`) when it changes
    /// (`updateClaimStatus`).
    pub(super) async fn update_claim_status(
        &self,
        claim: &Arc<PersistentVolumeClaim>,
        phase: &str,
        volume: Option<&PersistentVolume>,
    ) -> Result<Arc<PersistentVolumeClaim>> {
        let Some(changed) = claim_with_status(claim, phase, volume).map_err(Error::Other)? else {
            return Ok(claim.clone());
        };
        let written = self
            .claims_api(claim)
            .replace_status(name_of(&**claim), &PostParams::default(), &changed)
            .await?;
        let written = Arc::new(written);
        self.claims.store(written.clone());
        tracing::info!(claim = %crate::informers::key_of(&**claim), phase, "claim entered phase");
        Ok(written)
    }

    /// [`Self::update_claim_status`] with an event, both only when the phase changes
    /// (`updateClaimStatusWithEvent`).
    pub(super) async fn update_claim_status_with_event(
        &self,
        claim: &Arc<PersistentVolumeClaim>,
        phase: &str,
        warning: bool,
        reason: &str,
        message: &str,
    ) -> Result<Arc<PersistentVolumeClaim>> {
        if claim_phase(claim) == phase {
            return Ok(claim.clone());
        }
        let written = self.update_claim_status(claim, phase, None).await?;
        self.event(reference_of(&*written), warning, reason, message.to_owned());
        Ok(written)
    }

    /// Binds the volume and the claim to each other and marks both Bound, volume first; the
    /// first failed write ends it and a later sync finishes (`bind`).
    pub(super) async fn bind(
        &self,
        volume: &Arc<PersistentVolume>,
        claim: &Arc<PersistentVolumeClaim>,
    ) -> Result<()> {
        let volume = match volume_bound_to_claim(volume, claim) {
            Some(changed) => {
                tracing::info!(
                    volume = name_of(&**volume),
                    claim = %crate::informers::key_of(&**claim),
                    "claim bound to volume"
                );
                self.write_volume(&changed).await?
            }
            None => volume.clone(),
        };
        let volume = self.update_volume_phase(&volume, VOLUME_BOUND, "").await?;
        let claim = match claim_bound_to_volume(claim, &volume) {
            Some(changed) => {
                tracing::info!(
                    volume = name_of(&*volume),
                    claim = %crate::informers::key_of(&**claim),
                    "volume bound to claim"
                );
                self.write_claim(&changed).await?
            }
            None => claim.clone(),
        };
        self.update_claim_status(&claim, CLAIM_BOUND, Some(&volume))
            .await?;
        Ok(())
    }

    /// Rolls back the volume's binding and marks it Available (`unbindVolume`).
    pub(super) async fn unbind_volume(&self, volume: &Arc<PersistentVolume>) -> Result<()> {
        let written = self.write_volume(&volume_unbound(volume)).await?;
        self.update_volume_phase(&written, VOLUME_AVAILABLE, "")
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn volume(extra: Value) -> PersistentVolume {
        let mut value = json!({
            "metadata": {"name": "pv1", "resourceVersion": "7"},
            "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                     "hostPath": {"path": "/data"}},
            "status": {"phase": "Available"},
        });
        merge(&mut value, extra);
        serde_json::from_value(value).unwrap()
    }

    fn claim(extra: Value) -> PersistentVolumeClaim {
        let mut value = json!({
            "metadata": {"name": "data", "namespace": "ns", "uid": "u1", "resourceVersion": "9"},
            "spec": {"accessModes": ["ReadWriteOnce"],
                     "resources": {"requests": {"storage": "500Mi"}}},
            "status": {"phase": "Pending"},
        });
        merge(&mut value, extra);
        serde_json::from_value(value).unwrap()
    }

    fn merge(into: &mut Value, from: Value) {
        match (into, from) {
            (Value::Object(into), Value::Object(from)) => {
                for (key, value) in from {
                    merge(into.entry(key).or_insert(Value::Null), value);
                }
            }
            (into, from) => *into = from,
        }
    }

    fn annotations<K: kube::Resource>(object: &K) -> Value {
        serde_json::to_value(&object.meta().annotations).unwrap()
    }

    #[test]
    fn binding_a_free_volume_names_the_claim_and_marks_the_controller() {
        let bound = volume_bound_to_claim(&volume(json!({})), &claim(json!({}))).unwrap();
        let claim_ref = serde_json::to_value(bound.spec.clone().unwrap().claim_ref).unwrap();
        assert_eq!(
            claim_ref,
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "namespace": "ns",
                   "name": "data", "uid": "u1", "resourceVersion": "9"})
        );
        assert_eq!(
            annotations(&bound),
            json!({"pv.kubernetes.io/bound-by-controller": "yes"})
        );
    }

    #[test]
    fn a_volume_pre_bound_by_name_gets_the_uid_but_not_the_controller_annotation() {
        let prebound = volume(json!({"spec": {"claimRef": {"namespace": "ns", "name": "data"}}}));
        let bound = volume_bound_to_claim(&prebound, &claim(json!({}))).unwrap();
        assert_eq!(
            bound
                .spec
                .clone()
                .unwrap()
                .claim_ref
                .unwrap()
                .uid
                .as_deref(),
            Some("u1")
        );
        assert_eq!(annotations(&bound), Value::Null);
        // Bound already, with the uid: nothing to write.
        let done =
            volume(json!({"spec": {"claimRef": {"namespace": "ns", "name": "data", "uid": "u1"}}}));
        assert!(volume_bound_to_claim(&done, &claim(json!({}))).is_none());
    }

    #[test]
    fn binding_the_claim_sets_the_volume_name_and_the_annotations() {
        let bound = claim_bound_to_volume(&claim(json!({})), &volume(json!({}))).unwrap();
        assert_eq!(
            bound.spec.clone().unwrap().volume_name.as_deref(),
            Some("pv1")
        );
        assert_eq!(
            annotations(&bound),
            json!({"pv.kubernetes.io/bind-completed": "yes",
                   "pv.kubernetes.io/bound-by-controller": "yes"})
        );
        // The user named the volume: only bind-completed.
        let named = claim(json!({"spec": {"volumeName": "pv1"}}));
        let bound = claim_bound_to_volume(&named, &volume(json!({}))).unwrap();
        assert_eq!(
            annotations(&bound),
            json!({"pv.kubernetes.io/bind-completed": "yes"})
        );
        assert!(claim_bound_to_volume(&bound, &volume(json!({}))).is_none());
    }

    #[test]
    fn a_claim_becoming_bound_takes_the_volumes_modes_capacity_and_attributes_class() {
        let v = volume(json!({"spec": {"volumeAttributesClassName": "gold"}}));
        let c = claim_with_status(&claim(json!({})), "Bound", Some(&v))
            .unwrap()
            .unwrap();
        assert_eq!(
            serde_json::to_value(c.status.unwrap()).unwrap(),
            json!({"phase": "Bound", "accessModes": ["ReadWriteOnce"],
                   "capacity": {"storage": "1Gi"}, "currentVolumeAttributesClassName": "gold"})
        );
        // Already Bound: a different capacity (a resize in progress) is kept.
        let resized = claim(
            json!({"status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"],
                                              "capacity": {"storage": "2Gi"}}}),
        );
        assert!(
            claim_with_status(&resized, "Bound", Some(&v))
                .unwrap()
                .is_none()
        );
        // The pre-resize capacity wins when binding.
        let annotated = volume(json!({"metadata": {"annotations":
            {"volume.alpha.kubernetes.io/pre-resize-capacity": "512Mi"}}}));
        let c = claim_with_status(&claim(json!({})), "Bound", Some(&annotated))
            .unwrap()
            .unwrap();
        assert_eq!(c.status.unwrap().capacity.unwrap()["storage"].0, "512Mi");
        // A volume without capacity cannot bind.
        let empty = volume(json!({"spec": {"capacity": null}}));
        assert_eq!(
            claim_with_status(&claim(json!({})), "Bound", Some(&empty)).unwrap_err(),
            "PersistentVolume \"pv1\" is without a storage capacity"
        );
    }

    #[test]
    fn a_claim_status_without_a_volume_is_cleared_and_unchanged_status_is_not_written() {
        let lost = claim(
            json!({"status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"],
                                           "capacity": {"storage": "1Gi"}}}),
        );
        let c = claim_with_status(&lost, "Lost", None).unwrap().unwrap();
        assert_eq!(
            serde_json::to_value(c.status.unwrap()).unwrap(),
            json!({"phase": "Lost"})
        );
        assert!(
            claim_with_status(&claim(json!({})), "Pending", None)
                .unwrap()
                .is_none()
        );
        let unset = claim(json!({"status": null}));
        let c = claim_with_status(&unset, "Pending", None).unwrap().unwrap();
        assert_eq!(c.status.unwrap().phase.as_deref(), Some("Pending"));
    }

    #[test]
    fn unbinding_undoes_the_controllers_binding_and_keeps_a_users_pre_binding() {
        let by_controller = volume(json!({
            "metadata": {"annotations": {"pv.kubernetes.io/bound-by-controller": "yes"}},
            "spec": {"claimRef": {"namespace": "ns", "name": "data", "uid": "u1"}}}));
        let undone = volume_unbound(&by_controller);
        assert!(undone.spec.unwrap().claim_ref.is_none());
        assert!(undone.metadata.annotations.is_none());
        let by_user =
            volume(json!({"spec": {"claimRef": {"namespace": "ns", "name": "data", "uid": "u1"}}}));
        let undone = volume_unbound(&by_user);
        let claim_ref = undone.spec.unwrap().claim_ref.unwrap();
        assert_eq!(claim_ref.name.as_deref(), Some("data"));
        assert!(claim_ref.uid.is_none());
    }
}
