//! Which volume a claim gets: upstream's volume index (`index.go`: volumes grouped by their set
//! of access modes, the smallest sets that hold the claim's modes searched first) and
//! component-helpers' `FindMatchingVolume`, `CheckVolumeModeMismatches`, `CheckAccessModes`,
//! `IsVolumeBoundToClaim` and `CheckNodeAffinity`, with the class and annotation helpers they
//! use.

use std::collections::BTreeMap;
use std::sync::Arc;

use common::quantity::Quantity;
use k8s_openapi::api::core::v1::{
    Node, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeSpec,
};
use kube::api::ObjectMeta;

pub use common::persistent_volumes::{
    access_modes_satisfied, annotation, claim_class, claim_key, has_annotation,
    is_volume_bound_to_claim, requested_storage, storage_of, volume_capacity, volume_class,
    volume_mode_mismatches,
};

use super::{ANN_BETA_STORAGE_CLASS, VOLUME_AVAILABLE};
use crate::controllers::daemonset::eligibility::node_selector_matches;

/// Whether the claim asks for a class at all, even "" (`PersistentVolumeClaimHasClass`).
pub fn claim_has_class(claim: &PersistentVolumeClaim) -> bool {
    has_annotation(claim, ANN_BETA_STORAGE_CLASS)
        || claim
            .spec
            .as_ref()
            .is_some_and(|s| s.storage_class_name.is_some())
}

/// The claim a volume's `claimRef` names, as `namespace/name` (`claimrefToClaimKey`).
pub fn claim_ref_key(volume: &PersistentVolume) -> Option<String> {
    let claim_ref = volume.spec.as_ref()?.claim_ref.as_ref()?;
    Some(format!(
        "{}/{}",
        claim_ref.namespace.as_deref().unwrap_or_default(),
        claim_ref.name.as_deref().unwrap_or_default()
    ))
}

/// The volume's required node affinity against a node's labels (`CheckNodeAffinity`): the
/// node has only labels, as upstream builds it, so `metadata.name` fields never match.
pub fn check_node_affinity(
    volume: &PersistentVolume,
    node_labels: Option<&BTreeMap<String, String>>,
) -> Result<(), String> {
    let Some(required) = volume
        .spec
        .as_ref()
        .and_then(|s| s.node_affinity.as_ref())
        .and_then(|a| a.required.as_ref())
    else {
        return Ok(());
    };
    let node = Node {
        metadata: ObjectMeta {
            labels: node_labels.cloned(),
            ..ObjectMeta::default()
        },
        ..Node::default()
    };
    if node_selector_matches(required, &node) {
        Ok(())
    } else {
        Err("no matching NodeSelectorTerms".to_owned())
    }
}

fn phase_of(volume: &PersistentVolume) -> &str {
    volume
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

/// The best volume for the claim among `volumes` (`FindMatchingVolume`, with the
/// VolumeAttributesClass gate on as in 1.34).
///
/// A volume pre-bound to the claim wins at once, even when `delay_binding`; otherwise, unless
/// `delay_binding` (the controller leaves WaitForFirstConsumer claims to the scheduler), the
/// smallest Available volume of the claim's class whose labels the claim's selector matches.
/// `node` is the scheduler's path: the volume's node affinity must then match it and its
/// access modes are checked here (the index checks them on the controller's path).
/// `excluded` names volumes to skip.
pub fn find_matching_volume(
    claim: &PersistentVolumeClaim,
    volumes: &[Arc<PersistentVolume>],
    node: Option<&Node>,
    excluded: &[&str],
    delay_binding: bool,
) -> Result<Option<Arc<PersistentVolume>>, String> {
    let requested = requested_storage(claim);
    let requested_class = claim_class(claim);
    let default_spec = PersistentVolumeClaimSpec::default();
    let claim_spec = claim.spec.as_ref().unwrap_or(&default_spec);
    let selector = claim_spec
        .selector
        .as_ref()
        .map(common::label_selector::parse_selector)
        .transpose()
        .map_err(|e| {
            format!(
                "error creating internal label selector for claim: {}: {e}",
                claim_key(claim)
            )
        })?;
    let claim_vac = claim_spec
        .volume_attributes_class_name
        .as_deref()
        .unwrap_or_default();
    let default_volume_spec = PersistentVolumeSpec::default();
    let no_labels = BTreeMap::new();

    let mut smallest: Option<(&Arc<PersistentVolume>, Quantity)> = None;
    for volume in volumes {
        let name = volume.metadata.name.as_deref().unwrap_or_default();
        if excluded.contains(&name) {
            continue;
        }
        let spec = volume.spec.as_ref().unwrap_or(&default_volume_spec);
        let bound_to_claim = is_volume_bound_to_claim(volume, claim);
        if spec.claim_ref.is_some() && !bound_to_claim {
            continue;
        }
        let capacity = volume_capacity(volume);
        if capacity.compare(&requested).is_lt() {
            continue;
        }
        if volume_mode_mismatches(claim_spec, spec) {
            continue;
        }
        if claim_vac
            != spec
                .volume_attributes_class_name
                .as_deref()
                .unwrap_or_default()
        {
            continue;
        }
        if volume.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let node_affinity_valid =
            node.is_none_or(|n| check_node_affinity(volume, n.metadata.labels.as_ref()).is_ok());
        if bound_to_claim {
            // A pre-bound volume that does not fit the node means no match at all.
            return Ok(node_affinity_valid.then(|| volume.clone()));
        }
        if node.is_none() && delay_binding {
            continue;
        }
        if phase_of(volume) != VOLUME_AVAILABLE {
            continue;
        }
        if let Some(requirements) = &selector
            && !common::label_selector::matches_labels(
                requirements,
                volume.metadata.labels.as_ref().unwrap_or(&no_labels),
            )
        {
            continue;
        }
        if volume_class(volume) != requested_class || !node_affinity_valid {
            continue;
        }
        if node.is_some() && !access_modes_satisfied(claim, volume) {
            continue;
        }
        if smallest
            .as_ref()
            .is_none_or(|(_, size)| size.compare(&capacity).is_gt())
        {
            smallest = Some((volume, capacity));
        }
    }
    Ok(smallest.map(|(volume, _)| volume.clone()))
}

/// A set of the known access modes, as upstream's index keys them
/// (`GetAccessModesAsString`: unknown modes are left out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct AccessModes(u8);

const KNOWN_MODES: [&str; 4] = [
    "ReadWriteOnce",
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOncePod",
];

impl AccessModes {
    /// The set of `modes`, and whether every mode was a known one.
    fn of(modes: &[String]) -> (Self, bool) {
        let mut bits = 0u8;
        let mut all_known = true;
        for mode in modes {
            match KNOWN_MODES.iter().position(|m| m == mode) {
                Some(i) => bits |= 1 << i,
                None => all_known = false,
            }
        }
        (Self(bits), all_known)
    }

    fn contains_all(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    fn len(self) -> u32 {
        self.0.count_ones()
    }
}

fn modes_of(modes: Option<&Vec<String>>) -> (AccessModes, bool) {
    AccessModes::of(modes.map(Vec::as_slice).unwrap_or_default())
}

/// The controller's search (`findBestMatchForClaim`): the volumes grouped by their set of
/// access modes; the sets holding every mode the claim asks for, fewest modes first (ties by
/// set, where upstream's order is a map's); the first set with a match wins. Within a set,
/// volumes are tried in name order (upstream: the index's order).
pub fn find_best_match(
    claim: &PersistentVolumeClaim,
    volumes: &[Arc<PersistentVolume>],
    delay_binding: bool,
) -> Result<Option<Arc<PersistentVolume>>, String> {
    let (requested, all_known) =
        modes_of(claim.spec.as_ref().and_then(|s| s.access_modes.as_ref()));
    if !all_known {
        // No index key holds a mode upstream cannot name.
        return Ok(None);
    }
    let mut by_modes: BTreeMap<AccessModes, Vec<Arc<PersistentVolume>>> = BTreeMap::new();
    for volume in volumes {
        let (modes, _) = modes_of(volume.spec.as_ref().and_then(|s| s.access_modes.as_ref()));
        by_modes.entry(modes).or_default().push(volume.clone());
    }
    let mut candidates: Vec<(AccessModes, Vec<Arc<PersistentVolume>>)> = by_modes
        .into_iter()
        .filter(|(modes, _)| modes.contains_all(requested))
        .collect();
    candidates.sort_by_key(|(modes, _)| modes.len());
    for (_, mut group) in candidates {
        group.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        if let Some(volume) = find_matching_volume(claim, &group, None, &[], delay_binding)? {
            return Ok(Some(volume));
        }
    }
    Ok(None)
}
