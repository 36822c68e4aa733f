//! A StatefulSet pod's identity and storage (upstream's `stateful_set_utils.go`): ordinal
//! names `<set>-<ordinal>`, the `statefulset.kubernetes.io/pod-name` and
//! `apps.kubernetes.io/pod-index` labels, hostname and subdomain, one PVC per
//! `volumeClaimTemplates` entry named `<template>-<set>-<ordinal>`, and the owner references
//! `persistentVolumeClaimRetentionPolicy` puts on those PVCs.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, Pod, PodTemplateSpec, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::api::ObjectMeta;

use crate::active_pods::is_pod_available;
use crate::controller_revisions::POD_REVISION_LABEL;

/// The pod label holding the pod's own name.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// The pod label holding the pod's ordinal.
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

pub const RETAIN: &str = "Retain";
pub const DELETE: &str = "Delete";

/// The parent name and ordinal of a pod name `(.*)-([0-9]+)$`; ordinal -1 if none.
pub fn parent_and_ordinal(name: &str) -> (&str, i32) {
    match name.rsplit_once('-') {
        Some((parent, digits))
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (parent, digits.parse().unwrap_or(-1))
        }
        _ => ("", -1),
    }
}

/// The ordinal of `pod`, -1 if it has none.
pub fn ordinal_of(pod: &Pod) -> i32 {
    parent_and_ordinal(pod.metadata.name.as_deref().unwrap_or_default()).1
}

fn set_name(set: &StatefulSet) -> &str {
    set.metadata.name.as_deref().unwrap_or_default()
}

/// `spec.replicas` (1 when unset, as defaulted).
pub fn replicas(set: &StatefulSet) -> i32 {
    set.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

/// The first ordinal (`spec.ordinals.start`, default 0).
pub fn start_ordinal(set: &StatefulSet) -> i32 {
    set.spec
        .as_ref()
        .and_then(|s| s.ordinals.as_ref())
        .and_then(|o| o.start)
        .unwrap_or(0)
}

/// The last ordinal, inclusive.
pub fn end_ordinal(set: &StatefulSet) -> i32 {
    start_ordinal(set) + replicas(set) - 1
}

/// Whether `ordinal` is one the set should have.
pub fn in_range(set: &StatefulSet, ordinal: i32) -> bool {
    ordinal >= start_ordinal(set) && ordinal <= end_ordinal(set)
}

/// The name of the set's pod with `ordinal`.
pub fn pod_name(set: &StatefulSet, ordinal: i32) -> String {
    format!("{}-{ordinal}", set_name(set))
}

/// The name of the PVC from `template` for the pod with `ordinal`.
pub fn claim_name(set: &StatefulSet, template: &PersistentVolumeClaim, ordinal: i32) -> String {
    format!(
        "{}-{}-{ordinal}",
        template.metadata.name.as_deref().unwrap_or_default(),
        set_name(set)
    )
}

fn claim_templates(set: &StatefulSet) -> &[PersistentVolumeClaim] {
    set.spec
        .as_ref()
        .and_then(|s| s.volume_claim_templates.as_deref())
        .unwrap_or_default()
}

/// Whether `pod` is named as a member of `set`.
pub fn is_member_of(set: &StatefulSet, pod: &Pod) -> bool {
    parent_and_ordinal(pod.metadata.name.as_deref().unwrap_or_default()).0 == set_name(set)
}

/// Whether `pod`'s name, namespace and name label fit its ordinal (`identityMatches`).
pub fn identity_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    let (parent, ordinal) = parent_and_ordinal(name);
    ordinal >= 0
        && parent == set_name(set)
        && name == pod_name(set, ordinal)
        && pod.metadata.namespace == set.metadata.namespace
        && label(pod, POD_NAME_LABEL) == Some(name)
}

/// Whether `pod` mounts every claim of the set's templates (`storageMatches`).
pub fn storage_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let ordinal = ordinal_of(pod);
    if ordinal < 0 {
        return false;
    }
    let volumes = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_deref())
        .unwrap_or_default();
    claim_templates(set).iter().all(|template| {
        volumes.iter().any(|v| {
            v.name == template.metadata.name.as_deref().unwrap_or_default()
                && v.persistent_volume_claim
                    .as_ref()
                    .is_some_and(|c| c.claim_name == claim_name(set, template, ordinal))
        })
    })
}

/// The PVCs of the pod with `ordinal`, by template name (`getPersistentVolumeClaims`): the
/// template, renamed, with the selector's `matchLabels` added to its labels.
pub fn claims_for(set: &StatefulSet, ordinal: i32) -> Vec<(String, PersistentVolumeClaim)> {
    let match_labels = set
        .spec
        .as_ref()
        .and_then(|s| s.selector.match_labels.clone())
        .unwrap_or_default();
    claim_templates(set)
        .iter()
        .map(|template| {
            let mut claim = template.clone();
            claim.metadata.name = Some(claim_name(set, template, ordinal));
            claim.metadata.namespace = set.metadata.namespace.clone();
            let labels = claim.metadata.labels.get_or_insert_default();
            labels.extend(match_labels.clone());
            claim.status = None;
            let key = template.metadata.name.clone().unwrap_or_default();
            (key, claim)
        })
        .collect()
}

/// Points the pod's volumes named like claim templates at its claims (`updateStorage`).
pub fn update_storage(set: &StatefulSet, pod: &mut Pod) {
    let claims = claims_for(set, ordinal_of(pod));
    let spec = pod.spec.get_or_insert_default();
    let current = spec.volumes.take().unwrap_or_default();
    let mut volumes: Vec<Volume> = claims
        .iter()
        .map(|(name, claim)| Volume {
            name: name.clone(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: claim.metadata.name.clone().unwrap_or_default(),
                read_only: Some(false),
            }),
            ..Volume::default()
        })
        .collect();
    volumes.extend(
        current
            .into_iter()
            .filter(|v| !claims.iter().any(|(name, _)| *name == v.name)),
    );
    spec.volumes = Some(volumes);
}

/// Sets the pod's name, namespace and identity labels from its ordinal (`updateIdentity`).
pub fn update_identity(set: &StatefulSet, pod: &mut Pod) {
    let ordinal = ordinal_of(pod);
    let name = pod_name(set, ordinal);
    pod.metadata.name = Some(name.clone());
    pod.metadata.namespace = set.metadata.namespace.clone();
    let labels = pod.metadata.labels.get_or_insert_default();
    labels.insert(POD_NAME_LABEL.to_owned(), name);
    labels.insert(POD_INDEX_LABEL.to_owned(), ordinal.to_string());
}

/// The pod with `ordinal` from `template` at `revision` (`newVersionedStatefulSetPod` once
/// the template is chosen): controller reference, identity, hostname and subdomain, storage.
pub fn new_pod(
    set: &StatefulSet,
    template: &PodTemplateSpec,
    revision: &str,
    ordinal: i32,
    owner: &OwnerReference,
) -> Pod {
    let meta = template.metadata.clone().unwrap_or_default();
    let name = pod_name(set, ordinal);
    let mut pod = Pod {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: set.metadata.namespace.clone(),
            labels: meta.labels,
            annotations: meta.annotations,
            finalizers: meta.finalizers,
            owner_references: Some(vec![owner.clone()]),
            ..ObjectMeta::default()
        },
        spec: template.spec.clone(),
        status: None,
    };
    update_identity(set, &mut pod);
    let spec = pod.spec.get_or_insert_default();
    spec.hostname = Some(name);
    spec.subdomain = set
        .spec
        .as_ref()
        .and_then(|s| s.service_name.clone())
        .filter(|s| !s.is_empty());
    update_storage(set, &mut pod);
    pod.metadata
        .labels
        .get_or_insert_default()
        .insert(POD_REVISION_LABEL.to_owned(), revision.to_owned());
    pod
}

fn label<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata.labels.as_ref()?.get(key).map(String::as_str)
}

/// The revision a pod was made from (its `controller-revision-hash` label).
pub fn pod_revision(pod: &Pod) -> &str {
    label(pod, POD_REVISION_LABEL).unwrap_or_default()
}

fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

/// Whether the API server has the pod (it has a phase).
pub fn is_created(pod: &Pod) -> bool {
    !phase(pod).is_empty()
}
pub fn is_pending(pod: &Pod) -> bool {
    phase(pod) == "Pending"
}
pub fn is_failed(pod: &Pod) -> bool {
    phase(pod) == "Failed"
}
pub fn is_succeeded(pod: &Pod) -> bool {
    phase(pod) == "Succeeded"
}
pub fn is_terminating(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
}
pub fn is_running_and_ready(pod: &Pod) -> bool {
    phase(pod) == "Running" && crate::active_pods::is_pod_ready(pod)
}
pub fn is_running_and_available(pod: &Pod, min_ready_seconds: i32) -> bool {
    phase(pod) == "Running" && is_pod_available(pod, min_ready_seconds, jiff::Timestamp::now())
}
/// Not running, ready and available, or being deleted.
pub fn is_unavailable(pod: &Pod, min_ready_seconds: i32) -> bool {
    !is_running_and_ready(pod)
        || is_terminating(pod)
        || !is_running_and_available(pod, min_ready_seconds)
}

/// The retention policy, `(whenDeleted, whenScaled)`, Retain when unset.
pub fn retention_policy(set: &StatefulSet) -> (String, String) {
    let policy = set
        .spec
        .as_ref()
        .and_then(|s| s.persistent_volume_claim_retention_policy.as_ref());
    let of = |v: Option<&String>| v.cloned().unwrap_or_else(|| RETAIN.to_owned());
    (
        of(policy.and_then(|p| p.when_deleted.as_ref())),
        of(policy.and_then(|p| p.when_scaled.as_ref())),
    )
}

/// Who owns a claim, for the retention policy: the set and the pod (name, uid, kind).
pub struct ClaimOwners<'a> {
    pub set: &'a StatefulSet,
    pub pod_name: &'a str,
    pub pod_uid: &'a str,
}

impl ClaimOwners<'_> {
    fn is_set_ref(&self, r: &OwnerReference) -> bool {
        r.kind == "StatefulSet" && r.api_version == "apps/v1" && r.name == set_name(self.set)
    }
    fn is_pod_ref(&self, r: &OwnerReference) -> bool {
        r.kind == "Pod" && r.api_version == "v1" && r.name == self.pod_name
    }
    fn set_uid(&self) -> &str {
        self.set.metadata.uid.as_deref().unwrap_or_default()
    }
}

/// The owner references the claim should have under the set's retention policy, or `None`
/// when it is up to date or must not be touched (`isClaimOwnerUpToDate` and
/// `updateClaimOwnerRefForSetAndPod`): Delete-on-deletion refs the set, Delete-on-scale refs
/// the pod once scaled away; the garbage collector does the deleting.
pub fn claim_owner_update(
    claim_refs: &[OwnerReference],
    owners: &ClaimOwners<'_>,
) -> Option<Vec<OwnerReference>> {
    // Refs to an earlier set or pod of the same name: leave the claim alone.
    let stale = claim_refs.iter().any(|r| {
        (owners.is_set_ref(r) && r.uid != owners.set_uid())
            || (owners.is_pod_ref(r) && r.uid != owners.pod_uid)
    });
    if stale {
        return None;
    }
    let (when_deleted, when_scaled) = retention_policy(owners.set);
    let retain_all = when_deleted != DELETE && when_scaled != DELETE;
    let ours = |r: &OwnerReference| owners.is_set_ref(r) || owners.is_pod_ref(r);
    let unexpected_controller = !retain_all
        && claim_refs
            .iter()
            .any(|r| !ours(r) && r.controller == Some(true));
    let has = |uid: &str| !uid.is_empty() && claim_refs.iter().any(|r| r.uid == uid);
    let kept: Vec<OwnerReference> = claim_refs.iter().filter(|r| !ours(r)).cloned().collect();
    if unexpected_controller {
        // Only clean up our refs, never add any beside another controller.
        return (kept.len() != claim_refs.len()).then_some(kept);
    }
    let non_controller_owner = claim_refs.iter().any(|r| {
        (r.uid == owners.set_uid() || r.uid == owners.pod_uid) && r.controller != Some(true)
    });
    let scaled_down = !in_range(owners.set, parent_and_ordinal(owners.pod_name).1);
    let want_set = when_deleted == DELETE && (when_scaled != DELETE || !scaled_down);
    let want_pod = when_scaled == DELETE && scaled_down && !owners.pod_uid.is_empty();
    let up_to_date = !non_controller_owner
        && has(owners.set_uid()) == want_set
        && (has(owners.pod_uid) == want_pod || owners.pod_uid.is_empty());
    if up_to_date {
        return None;
    }
    let mut refs = kept;
    let controller_ref = |api_version: &str, kind: &str, name: &str, uid: &str| OwnerReference {
        api_version: api_version.to_owned(),
        kind: kind.to_owned(),
        name: name.to_owned(),
        uid: uid.to_owned(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    };
    if want_set {
        refs.push(controller_ref(
            "apps/v1",
            "StatefulSet",
            set_name(owners.set),
            owners.set_uid(),
        ));
    }
    if want_pod {
        refs.push(controller_ref("v1", "Pod", owners.pod_name, owners.pod_uid));
    }
    Some(refs)
}

/// Labels as a map, for tests and callers that build sets by hand.
pub fn labels_of(pod: &Pod) -> BTreeMap<String, String> {
    pod.metadata.labels.clone().unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests_support {
    use k8s_openapi::api::apps::v1::StatefulSet;
    use serde_json::json;

    /// A StatefulSet `web` of 3 in `ns` with a `www` claim template; `extra` overrides spec fields.
    pub(crate) fn set(extra: serde_json::Value) -> StatefulSet {
        let mut spec = json!({
            "replicas": 3,
            "serviceName": "nginx",
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                         "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"],
                         "resources": {"requests": {"storage": "1Gi"}}}}]
        });
        if let (Some(spec), Some(extra)) = (spec.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                spec.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": "ns", "uid": "set-uid"},
            "spec": spec,
        }))
        .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::tests_support::set;
    use super::*;

    #[test]
    fn ordinals_come_from_the_name_suffix() {
        assert_eq!(parent_and_ordinal("web-0"), ("web", 0));
        assert_eq!(parent_and_ordinal("my-web-12"), ("my-web", 12));
        assert_eq!(parent_and_ordinal("web"), ("", -1));
        assert_eq!(parent_and_ordinal("web-x1"), ("", -1));
        let s = set(json!({"ordinals": {"start": 5}}));
        assert_eq!((start_ordinal(&s), end_ordinal(&s)), (5, 7));
        assert!(in_range(&s, 7) && !in_range(&s, 4) && !in_range(&s, 8));
    }

    #[test]
    fn new_pods_carry_identity_storage_and_revision() {
        let s = set(json!({}));
        let owner = crate::controller_ref::controller_ref(&s);
        let template = s.spec.as_ref().unwrap().template.clone();
        let pod = new_pod(&s, &template, "web-abc", 1, &owner);
        assert_eq!(pod.metadata.name.as_deref(), Some("web-1"));
        let labels = labels_of(&pod);
        assert_eq!(labels[POD_NAME_LABEL], "web-1");
        assert_eq!(labels[POD_INDEX_LABEL], "1");
        assert_eq!(labels[POD_REVISION_LABEL], "web-abc");
        assert_eq!(labels["app"], "web");
        let spec = pod.spec.as_ref().unwrap();
        assert_eq!(spec.hostname.as_deref(), Some("web-1"));
        assert_eq!(spec.subdomain.as_deref(), Some("nginx"));
        let volumes = spec.volumes.as_ref().unwrap();
        assert_eq!(volumes[0].name, "www");
        assert_eq!(
            volumes[0]
                .persistent_volume_claim
                .as_ref()
                .unwrap()
                .claim_name,
            "www-web-1"
        );
        assert!(identity_matches(&s, &pod) && storage_matches(&s, &pod));
        let claims = claims_for(&s, 1);
        assert_eq!(claims[0].1.metadata.name.as_deref(), Some("www-web-1"));
        assert_eq!(claims[0].1.metadata.labels.as_ref().unwrap()["app"], "web");
    }

    fn refs(claim: Option<Vec<OwnerReference>>) -> Vec<(String, String)> {
        claim
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.kind, r.uid))
            .collect()
    }

    #[test]
    fn retention_policy_sets_owner_references_as_upstream() {
        let policy = |deleted: &str, scaled: &str| {
            set(json!({"persistentVolumeClaimRetentionPolicy":
                {"whenDeleted": deleted, "whenScaled": scaled}}))
        };
        let owners = |s: &'static StatefulSet, pod: &'static str| ClaimOwners {
            set: s,
            pod_name: pod,
            pod_uid: "pod-uid",
        };
        // Retain/Retain: nothing to do.
        let s: &'static StatefulSet = Box::leak(Box::new(policy(RETAIN, RETAIN)));
        assert!(claim_owner_update(&[], &owners(s, "web-1")).is_none());
        // Delete on set deletion: the set owns the claim.
        let s: &'static StatefulSet = Box::leak(Box::new(policy(DELETE, RETAIN)));
        assert_eq!(
            refs(claim_owner_update(&[], &owners(s, "web-1"))),
            [("StatefulSet".to_owned(), "set-uid".to_owned())]
        );
        // Delete on scale down: the scaled-away pod owns it; a pod in range does not.
        let s: &'static StatefulSet = Box::leak(Box::new(policy(RETAIN, DELETE)));
        assert!(claim_owner_update(&[], &owners(s, "web-1")).is_none());
        assert_eq!(
            refs(claim_owner_update(&[], &owners(s, "web-5"))),
            [("Pod".to_owned(), "pod-uid".to_owned())]
        );
        // Delete/Delete: set while in range, pod (only) once scaled away.
        let s: &'static StatefulSet = Box::leak(Box::new(policy(DELETE, DELETE)));
        let with_set = claim_owner_update(&[], &owners(s, "web-1")).unwrap();
        assert_eq!(
            refs(Some(with_set.clone())),
            [("StatefulSet".to_owned(), "set-uid".to_owned())]
        );
        assert!(claim_owner_update(&with_set, &owners(s, "web-1")).is_none());
        assert_eq!(
            refs(claim_owner_update(&with_set, &owners(s, "web-5"))),
            [("Pod".to_owned(), "pod-uid".to_owned())]
        );
        // A stale reference (same name, other uid) leaves the claim alone.
        let stale = OwnerReference {
            api_version: "apps/v1".into(),
            kind: "StatefulSet".into(),
            name: "web".into(),
            uid: "old".into(),
            ..Default::default()
        };
        assert!(claim_owner_update(&[stale], &owners(s, "web-1")).is_none());
    }
}
