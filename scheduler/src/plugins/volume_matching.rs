//! Which PersistentVolume fits a claim on a node: upstream's storage helpers
//! (`component-helpers/storage/volume`: `FindMatchingVolume`, `CheckNodeAffinity`, the class
//! and binding-mode lookups) as VolumeBinding uses them.

use std::collections::HashSet;

use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::storage::v1::StorageClass;

use common::quantity::Quantity;

use super::node_selector::NodeSelectorMatcher;

pub use common::persistent_volumes::{
    ANN_BETA_STORAGE_CLASS, NOT_SUPPORTED_PROVISIONER, claim_class, refers_to_claim,
    requested_storage, volume_capacity, volume_class, volume_mode_mismatches,
};

/// Whether the claim's class binds only once a pod uses it (`WaitForFirstConsumer`); a claim
/// without a class, or whose class does not exist, binds at once.
pub fn is_delay_binding(claim: &PersistentVolumeClaim, class: Option<&StorageClass>) -> bool {
    !claim_class(claim).is_empty()
        && class.is_some_and(|c| c.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer"))
}

/// Upstream's `CheckNodeAffinity`: a volume without required node affinity fits every node.
pub fn volume_fits_node(volume: &PersistentVolume, node: &Node) -> bool {
    match volume
        .spec
        .as_ref()
        .and_then(|s| s.node_affinity.as_ref())
        .and_then(|a| a.required.as_ref())
    {
        None => true,
        Some(selector) => NodeSelectorMatcher::try_new(selector).is_ok_and(|m| m.matches(node)),
    }
}

/// Upstream's `MatchTopologySelectorTerms` for a StorageClass's `allowedTopologies`: no terms
/// allow every node; otherwise some term's expressions must all hold.
pub fn class_allows_node(class: &StorageClass, node: &Node) -> bool {
    let terms = class.allowed_topologies.as_deref().unwrap_or_default();
    if terms.is_empty() {
        return true;
    }
    let labels = node.metadata.labels.as_ref();
    terms.iter().any(|term| {
        term.match_label_expressions
            .as_deref()
            .unwrap_or_default()
            .iter()
            .all(|req| {
                labels
                    .and_then(|l| l.get(&req.key))
                    .is_some_and(|value| req.values.contains(value))
            })
    })
}

/// Who a volume is (or is about to be) bound to: namespace, name and uid (may be empty).
pub type ClaimIdentity<'a> = (&'a str, &'a str, &'a str);

/// A volume as matching sees it: its object and the claim it is bound or reserved to.
pub struct Candidate<'a> {
    /// The volume.
    pub volume: &'a PersistentVolume,
    /// Its claim: the reservation this scheduler made, else `spec.claimRef`.
    pub claim: Option<ClaimIdentity<'a>>,
}

/// Upstream's `FindMatchingVolume` on the scheduler path (a node, delayed binding): a volume
/// pre-bound to the claim wins if it is big enough (and then only if it fits the node);
/// otherwise the smallest Available, unclaimed volume of the claim's class that fits the node,
/// matches the claim's selector, access modes and volume mode, and holds the request. Returns
/// the position of the volume in `candidates`.
pub fn find_matching_volume(
    claim: &PersistentVolumeClaim,
    candidates: &[Candidate<'_>],
    node: &Node,
    excluded: &HashSet<String>,
) -> Option<usize> {
    let spec = claim.spec.as_ref();
    let requested = requested_storage(claim);
    let class = claim_class(claim);
    let selector = common::label_selector::parse_optional(spec.and_then(|s| s.selector.as_ref()));
    let mut smallest: Option<(usize, Quantity)> = None;
    for (position, candidate) in candidates.iter().enumerate() {
        let volume = candidate.volume;
        let name = volume.metadata.name.as_deref().unwrap_or_default();
        if excluded.contains(name) {
            continue;
        }
        let vspec = volume.spec.as_ref();
        let default_spec = Default::default();
        if volume_mode_mismatches(
            spec.unwrap_or(&default_spec),
            vspec.unwrap_or(&Default::default()),
        ) || volume.metadata.deletion_timestamp.is_some()
        {
            continue;
        }
        let size = volume_capacity(volume);
        let fits_node = volume_fits_node(volume, node);
        if candidate
            .claim
            .is_some_and(|(namespace, name, uid)| refers_to_claim(namespace, name, uid, claim))
        {
            if size.compare(&requested).is_lt() {
                continue;
            }
            return fits_node.then_some(position);
        }
        let available =
            volume.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Available");
        if !available || candidate.claim.is_some() {
            continue;
        }
        let labels = volume.metadata.labels.as_ref();
        match &selector {
            // No selector: any labels.
            Ok(None) => {}
            Ok(selector) => {
                if !common::label_selector::selector_matches(selector, |k| {
                    labels.and_then(|l| l.get(k)).map(String::as_str)
                }) {
                    continue;
                }
            }
            // Validation keeps bad selectors out; a claim that has one matches nothing.
            Err(_) => return None,
        }
        if volume_class(volume) != class || !fits_node {
            continue;
        }
        if !common::persistent_volumes::access_modes_satisfied(claim, volume) {
            continue;
        }
        if size.compare(&requested).is_ge()
            && smallest
                .as_ref()
                .is_none_or(|(_, best)| best.compare(&size).is_gt())
        {
            smallest = Some((position, size));
        }
    }
    smallest.map(|(position, _)| position)
}

#[cfg(test)]
#[path = "volume_matching_tests.rs"]
mod tests;
