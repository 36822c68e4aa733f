//! What the PV controller and the scheduler's VolumeBinding both read off PersistentVolumes
//! and claims: upstream's `component-helpers/storage/volume` helpers (classes, access and
//! volume modes, sizes, `IsVolumeBoundToClaim`) and the binding annotations.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeSpec,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;

use crate::quantity::Quantity;

/// The class, before `storageClassName` (still honoured first).
pub const ANN_BETA_STORAGE_CLASS: &str = "volume.beta.kubernetes.io/storage-class";
/// On claims: the PV controller finished binding them.
pub const ANN_BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
/// On volumes and claims: a controller (not the user) made the binding.
pub const ANN_BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
/// On claims: the node the scheduler chose for a WaitForFirstConsumer claim.
pub const ANN_SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
/// A class's provisioner meaning "no dynamic provisioning" (static local volumes).
pub const NOT_SUPPORTED_PROVISIONER: &str = "kubernetes.io/no-provisioner";

/// The annotation `key` of `object`.
pub fn annotation<'a, K: kube::Resource>(object: &'a K, key: &str) -> Option<&'a str> {
    object
        .meta()
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .map(String::as_str)
}

/// Whether `object` carries the annotation `key` (any value).
pub fn has_annotation<K: kube::Resource>(object: &K, key: &str) -> bool {
    annotation(object, key).is_some()
}

/// `namespace/name` of a claim (upstream's `claimToClaimKey`).
pub fn claim_key(claim: &PersistentVolumeClaim) -> String {
    format!(
        "{}/{}",
        claim.metadata.namespace.as_deref().unwrap_or_default(),
        claim.metadata.name.as_deref().unwrap_or_default()
    )
}

/// The claim's `spec.volumeName`, "" when unset.
pub fn claim_volume_name(claim: &PersistentVolumeClaim) -> &str {
    claim
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.as_deref())
        .unwrap_or_default()
}

/// Bound to a volume, and the PV controller finished the binding (`bind-completed`).
pub fn is_claim_fully_bound(claim: &PersistentVolumeClaim) -> bool {
    !claim_volume_name(claim).is_empty() && has_annotation(claim, ANN_BIND_COMPLETED)
}

/// The volume's `status.phase`, "" when unset.
pub fn volume_phase(volume: &PersistentVolume) -> &str {
    volume
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

/// The claim's `status.phase`, "" when unset.
pub fn claim_phase(claim: &PersistentVolumeClaim) -> &str {
    claim
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

/// The claim's class: the beta annotation first, then `spec.storageClassName`, else ""
/// (`GetPersistentVolumeClaimClass`).
pub fn claim_class(claim: &PersistentVolumeClaim) -> &str {
    if let Some(class) = annotation(claim, ANN_BETA_STORAGE_CLASS) {
        return class;
    }
    claim
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.as_deref())
        .unwrap_or_default()
}

/// The volume's class, the beta annotation first (`GetPersistentVolumeClass`).
pub fn volume_class(volume: &PersistentVolume) -> &str {
    if let Some(class) = annotation(volume, ANN_BETA_STORAGE_CLASS) {
        return class;
    }
    volume
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.as_deref())
        .unwrap_or_default()
}

/// Whether a `claimRef` (namespace, name, uid) names the claim: same name and namespace, and
/// the same uid when the reference has one (`IsVolumeBoundToClaim`).
pub fn refers_to_claim(
    namespace: &str,
    name: &str,
    uid: &str,
    claim: &PersistentVolumeClaim,
) -> bool {
    claim.metadata.namespace.as_deref().unwrap_or_default() == namespace
        && claim.metadata.name.as_deref().unwrap_or_default() == name
        && (uid.is_empty() || claim.metadata.uid.as_deref().unwrap_or_default() == uid)
}

/// Whether the volume is pre-bound or bound to the claim (`IsVolumeBoundToClaim`).
pub fn is_volume_bound_to_claim(volume: &PersistentVolume, claim: &PersistentVolumeClaim) -> bool {
    volume
        .spec
        .as_ref()
        .and_then(|s| s.claim_ref.as_ref())
        .is_some_and(|r| {
            refers_to_claim(
                r.namespace.as_deref().unwrap_or_default(),
                r.name.as_deref().unwrap_or_default(),
                r.uid.as_deref().unwrap_or_default(),
                claim,
            )
        })
}

/// Whether the claim's and the volume's `volumeMode` differ, an unset mode counting as
/// `Filesystem` (`CheckVolumeModeMismatches`).
pub fn volume_mode_mismatches(
    claim: &PersistentVolumeClaimSpec,
    volume: &PersistentVolumeSpec,
) -> bool {
    claim.volume_mode.as_deref().unwrap_or("Filesystem")
        != volume.volume_mode.as_deref().unwrap_or("Filesystem")
}

/// Whether the volume offers every access mode the claim asks for (`CheckAccessModes`).
pub fn access_modes_satisfied(claim: &PersistentVolumeClaim, volume: &PersistentVolume) -> bool {
    let offered = volume
        .spec
        .as_ref()
        .and_then(|s| s.access_modes.as_deref())
        .unwrap_or_default();
    claim
        .spec
        .as_ref()
        .and_then(|s| s.access_modes.as_deref())
        .unwrap_or_default()
        .iter()
        .all(|mode| offered.contains(mode))
}

/// The `storage` entry of a resource list; a missing or unreadable one is zero, as Go's zero
/// `Quantity`.
pub fn storage_of(list: Option<&BTreeMap<String, ApiQuantity>>) -> Quantity {
    list.and_then(|l| l.get("storage"))
        .and_then(|q| Quantity::parse(&q.0))
        .unwrap_or_else(|| Quantity::from_count(0))
}

/// The storage the claim requests.
pub fn requested_storage(claim: &PersistentVolumeClaim) -> Quantity {
    storage_of(
        claim
            .spec
            .as_ref()
            .and_then(|s| s.resources.as_ref())
            .and_then(|r| r.requests.as_ref()),
    )
}

/// The volume's capacity.
pub fn volume_capacity(volume: &PersistentVolume) -> Quantity {
    storage_of(volume.spec.as_ref().and_then(|s| s.capacity.as_ref()))
}
