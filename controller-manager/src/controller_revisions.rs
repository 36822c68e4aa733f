//! Revision history in `apps/v1` ControllerRevisions, as upstream's
//! `pkg/controller/history/controller_history.go` keeps it for StatefulSets and DaemonSets:
//! a revision stores a patch that replaces the owner's `spec.template`, is named
//! `<owner>-<hash>`, retries with a bumped collision count when the name is taken by other
//! data, and old revisions are deleted down to `revisionHistoryLimit`.
//!
//! Hashes: upstream's `HashControllerRevision` is FNV-1 (32 bit) over the stored patch bytes
//! plus the decimal collision count, rendered with `rand.SafeEncodeString`; [`hash_revision`]
//! does the same over our canonical JSON (keys sorted, as Go's `json.Marshal` of a map sorts
//! them). Upstream's DaemonSet names revisions with `controller.ComputeHash`, FNV-32a over a
//! spew dump of the template; [`hash_template`] is FNV-32a over the template's canonical JSON
//! instead (a spew dump is Go-specific), with the collision count mixed in as upstream does.
//! Either way the alphabet is upstream's, so names look alike, but they are not bit-identical
//! to a Go controller's.

use std::sync::Arc;

use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::{Value, json};

use crate::controller::{self, Error, Result};
use crate::controller_ref::controller_of;
use crate::informers::Lister;

/// The label holding a revision's hash (`history.ControllerRevisionHashLabel`).
pub const CONTROLLER_REVISION_HASH_LABEL: &str = "controller.kubernetes.io/hash";
/// The pod label naming the revision a pod was made from (`apps.ControllerRevisionHashLabelKey`).
pub const POD_REVISION_LABEL: &str = "controller-revision-hash";

/// Upstream's `rand` alphabet: no vowels, no look-alikes.
const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `rand.SafeEncodeString`: every character mapped into the safe alphabet.
pub fn safe_encode(s: &str) -> String {
    s.chars()
        .map(|c| SAFE_ALPHABET[(c as usize) % SAFE_ALPHABET.len()] as char)
        .collect()
}

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

/// FNV-1, 32 bit (Go's `fnv.New32`), continuing from `hash`.
fn fnv1_32(mut hash: u32, bytes: &[u8]) -> u32 {
    for b in bytes {
        hash = hash.wrapping_mul(FNV_PRIME);
        hash ^= u32::from(*b);
    }
    hash
}

/// FNV-1a, 32 bit (Go's `fnv.New32a`), continuing from `hash`.
fn fnv1a_32(mut hash: u32, bytes: &[u8]) -> u32 {
    for b in bytes {
        hash ^= u32::from(*b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// Upstream's `HashControllerRevision` over a revision's data bytes, with the collision count.
pub fn hash_revision(data: &[u8], collision_count: Option<i32>) -> String {
    let mut hash = fnv1_32(FNV_OFFSET, data);
    if let Some(probe) = collision_count {
        hash = fnv1_32(hash, probe.to_string().as_bytes());
    }
    safe_encode(&hash.to_string())
}

/// The DaemonSet's template hash (upstream's `ComputeHash`, see the module docs).
pub fn hash_template(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut hash = fnv1a_32(FNV_OFFSET, &canonical_json(template));
    if let Some(count) = collision_count {
        // Upstream writes the count as a little-endian uint32 into an 8-byte buffer.
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&(count as u32).to_le_bytes());
        hash = fnv1a_32(hash, &bytes);
    }
    safe_encode(&hash.to_string())
}

/// `value` as JSON with every object's keys sorted.
pub fn canonical_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // serde_json's map is ordered by key (no `preserve_order`), so a round trip through
    // `Value` sorts every object.
    serde_json::to_value(value)
        .and_then(|v| serde_json::to_vec(&v))
        .unwrap_or_default()
}

/// `history.ControllerRevisionName`: `<prefix>-<hash>`, the prefix cut to 223 bytes.
pub fn revision_name(prefix: &str, hash: &str) -> String {
    let mut end = prefix.len().min(223);
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}-{hash}", &prefix[..end])
}

/// The patch a revision stores: `{"spec":{"template":{…,"$patch":"replace"}}}`, canonical.
pub fn template_patch(template: &PodTemplateSpec) -> Vec<u8> {
    let mut template = serde_json::to_value(template).unwrap_or_else(|_| json!({}));
    if let Value::Object(map) = &mut template {
        map.insert("$patch".to_owned(), json!("replace"));
    }
    serde_json::to_vec(&json!({"spec": {"template": template}})).unwrap_or_default()
}

/// The template a revision stores (upstream applies the patch to the owner; since the patch
/// replaces the whole template, this is the same).
pub fn template_of(revision: &ControllerRevision) -> Result<PodTemplateSpec> {
    let mut template = revision
        .data
        .as_ref()
        .and_then(|d| d.0.get("spec"))
        .and_then(|s| s.get("template"))
        .cloned()
        .ok_or_else(|| {
            Error::Invalid(format!(
                "revision {} holds no spec.template",
                revision.metadata.name.as_deref().unwrap_or_default()
            ))
        })?;
    if let Value::Object(map) = &mut template {
        map.remove("$patch");
    }
    serde_json::from_value(template).map_err(|e| Error::Invalid(e.to_string()))
}

/// The canonical bytes of a revision's data, for comparing revisions.
pub fn data_bytes(revision: &ControllerRevision) -> Vec<u8> {
    revision
        .data
        .as_ref()
        .and_then(|d| serde_json::to_vec(&d.0).ok())
        .unwrap_or_default()
}

/// `history.EqualRevision`: same hash label (when both have one) and the same data.
pub fn equal_revision(a: &ControllerRevision, b: &ControllerRevision) -> bool {
    let hash = |r: &ControllerRevision| {
        r.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(CONTROLLER_REVISION_HASH_LABEL).cloned())
    };
    if let (Some(ha), Some(hb)) = (hash(a), hash(b))
        && ha != hb
    {
        return false;
    }
    data_bytes(a) == data_bytes(b)
}

/// `history.SortControllerRevisions`: by revision number, then creation time, then name.
pub fn sort_revisions(revisions: &mut [Arc<ControllerRevision>]) {
    revisions.sort_by(|a, b| {
        let created = |r: &ControllerRevision| r.metadata.creation_timestamp.as_ref().map(|t| t.0);
        a.revision
            .cmp(&b.revision)
            .then_with(|| created(a).cmp(&created(b)))
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
}

/// `ListControllerRevisions`: the revisions of `namespace` matching `matches` (the owner's
/// selector) that are owned by `owner_uid` or by no controller (orphans to adopt).
pub fn list_owned(
    lister: &Lister<ControllerRevision>,
    namespace: &str,
    owner_uid: &str,
    matches: impl Fn(&ControllerRevision) -> bool,
) -> Vec<Arc<ControllerRevision>> {
    lister
        .list(namespace)
        .into_iter()
        .filter(|r| matches(r))
        .filter(|r| controller_of(&**r).is_none_or(|c| c.uid == owner_uid))
        .collect()
}

/// The next revision number after the sorted `revisions`.
pub fn next_revision(revisions: &[Arc<ControllerRevision>]) -> i64 {
    revisions.last().map_or(1, |r| r.revision + 1)
}

/// `CreateControllerRevision`: creates `revision` named by its hash, bumping
/// `collision_count` while the name is taken by a revision holding other data. A revision
/// with the same name and data is returned as is.
pub async fn create_revision(
    api: &Api<ControllerRevision>,
    owner_name: &str,
    revision: &ControllerRevision,
    collision_count: &mut i32,
) -> Result<ControllerRevision> {
    let data = data_bytes(revision);
    for _ in 0..100 {
        let hash = hash_revision(&data, Some(*collision_count));
        let mut candidate = revision.clone();
        candidate.metadata.name = Some(revision_name(owner_name, &hash));
        candidate
            .metadata
            .labels
            .get_or_insert_default()
            .insert(CONTROLLER_REVISION_HASH_LABEL.to_owned(), hash);
        match api.create(&PostParams::default(), &candidate).await {
            Ok(created) => return Ok(created),
            Err(error) if controller::is_conflict(&error) => {
                let name = candidate.metadata.name.clone().unwrap_or_default();
                let existing = api.get(&name).await?;
                if data_bytes(&existing) == data {
                    return Ok(existing);
                }
                *collision_count += 1;
            }
            Err(error) => return Err(error.into()),
        }
    }
    Err(Error::Other(
        "too many ControllerRevision name collisions".into(),
    ))
}

/// A new revision of the owner (not yet named; [`create_revision`] names it): labels from
/// the template, a controller reference, and the data.
pub fn new_revision(
    template: &PodTemplateSpec,
    namespace: &str,
    owner_ref: k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference,
    annotations: Option<std::collections::BTreeMap<String, String>>,
    number: i64,
) -> ControllerRevision {
    let data: Value = serde_json::from_slice(&template_patch(template)).unwrap_or(Value::Null);
    ControllerRevision {
        metadata: kube::api::ObjectMeta {
            namespace: Some(namespace.to_owned()),
            labels: Some(
                template
                    .metadata
                    .as_ref()
                    .and_then(|m| m.labels.clone())
                    .unwrap_or_default(),
            ),
            annotations,
            owner_references: Some(vec![owner_ref]),
            ..Default::default()
        },
        data: Some(RawExtension(data)),
        revision: number,
    }
}

/// Which revisions to delete to keep at most `limit` of `history` (sorted oldest first, live
/// revisions already left out): the oldest ones (`truncateHistory`).
pub fn revisions_to_truncate(
    history: &[Arc<ControllerRevision>],
    limit: i32,
) -> Vec<Arc<ControllerRevision>> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if history.len() <= limit {
        return Vec::new();
    }
    history[..history.len() - limit].to_vec()
}

/// Deletes a revision; one already gone counts as deleted.
pub async fn delete_revision(api: &Api<ControllerRevision>, name: &str) -> Result<()> {
    match api.delete(name, &DeleteParams::default()).await {
        Ok(_) => Ok(()),
        Err(error) if controller::is_not_found(&error) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revision(name: &str, number: i64, data: Value) -> Arc<ControllerRevision> {
        Arc::new(ControllerRevision {
            metadata: kube::api::ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            data: Some(RawExtension(data)),
            revision: number,
        })
    }

    #[test]
    fn fnv_matches_the_reference_vectors() {
        // Reference values of FNV-1 and FNV-1a (32 bit) for "a" and "foobar".
        assert_eq!(fnv1_32(FNV_OFFSET, b"a"), 0x050c_5d7e);
        assert_eq!(fnv1a_32(FNV_OFFSET, b"a"), 0xe40c_292c);
        assert_eq!(fnv1_32(FNV_OFFSET, b"foobar"), 0x31f0_b262);
        assert_eq!(fnv1a_32(FNV_OFFSET, b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn hashes_use_the_safe_alphabet_and_change_with_the_collision_count() {
        assert_eq!(safe_encode("0123"), "4567");
        let data = br#"{"spec":{"template":{"$patch":"replace"}}}"#;
        let a = hash_revision(data, Some(0));
        let b = hash_revision(data, Some(1));
        assert_ne!(a, b);
        assert_eq!(a, hash_revision(data, Some(0)));
        assert!(a.bytes().all(|c| SAFE_ALPHABET.contains(&c)));
        let template = PodTemplateSpec::default();
        assert_ne!(
            hash_template(&template, None),
            hash_template(&template, Some(1))
        );
    }

    #[test]
    fn names_are_the_owner_and_the_hash_with_the_prefix_cut() {
        assert_eq!(revision_name("web", "abc"), "web-abc");
        let long = "x".repeat(300);
        assert_eq!(revision_name(&long, "h").len(), 225);
    }

    #[test]
    fn the_patch_round_trips_to_the_template_with_sorted_keys() {
        let template: PodTemplateSpec = serde_json::from_value(json!({
            "metadata": {"labels": {"z": "1", "a": "2"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}
        }))
        .unwrap();
        let patch = String::from_utf8(template_patch(&template)).unwrap();
        assert!(patch.starts_with(
            r#"{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"a":"2","z":"1"}}"#
        ));
        let rev = new_revision(&template, "ns", Default::default(), None, 1);
        assert_eq!(template_of(&rev).unwrap(), template);
    }

    #[test]
    fn history_is_sorted_by_number_and_truncated_oldest_first() {
        let mut revs = vec![
            revision("c", 3, json!(1)),
            revision("a", 1, json!(2)),
            revision("b", 2, json!(3)),
        ];
        sort_revisions(&mut revs);
        let names: Vec<_> = revs
            .iter()
            .map(|r| r.metadata.name.clone().unwrap())
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(next_revision(&revs), 4);
        let cut = revisions_to_truncate(&revs, 1);
        assert_eq!(cut.len(), 2);
        assert_eq!(cut[0].metadata.name.as_deref(), Some("a"));
        assert!(revisions_to_truncate(&revs, 5).is_empty());
        assert!(equal_revision(
            &revision("x", 1, json!({"a": 1})),
            &revision("y", 2, json!({"a": 1}))
        ));
        assert!(!equal_revision(
            &revision("x", 1, json!({"a": 1})),
            &revision("y", 2, json!({"a": 2}))
        ));
    }
}
