//! What a Deployment knows about its ReplicaSets (upstream's `deployment/util`): sizes and
//! ordering, which ReplicaSet is the new one (same pod template, ignoring the
//! `pod-template-hash` label) and which are old, the pod-template hash, and the annotations
//! that carry revisions and the size a ReplicaSet was last scaled for.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::Value;

/// The label that tells the ReplicaSets of one Deployment apart.
pub const DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY: &str = "pod-template-hash";
/// The revision of a ReplicaSet, and of its Deployment.
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
/// The earlier revisions of a ReplicaSet that was rolled back to.
pub const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
/// The Deployment's `spec.replicas` when the ReplicaSet was last scaled.
pub const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
/// The Deployment's `spec.replicas + maxSurge` when the ReplicaSet was last scaled.
pub const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";
/// Upstream keeps `revision-history` under this many characters.
pub const MAX_REVISION_HISTORY_LENGTH_IN_CHARS: usize = 2000;

/// Deployment annotations never copied onto its ReplicaSets.
const ANNOTATIONS_TO_SKIP: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
    DESIRED_REPLICAS_ANNOTATION,
    MAX_REPLICAS_ANNOTATION,
    "deprecated.deployment.rollback.to",
];

/// `rand.SafeEncodeString`'s alphabet: no vowels, no look-alike characters.
const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The Deployment's `spec.replicas` (defaulted to 1 as the API server does).
pub fn deployment_replicas(d: &Deployment) -> i32 {
    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

/// A ReplicaSet's `spec.replicas` (defaulted to 1 as the API server does).
pub fn spec_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

/// A ReplicaSet's `status.replicas`.
pub fn status_replicas(rs: &ReplicaSet) -> i32 {
    rs.status.as_ref().map(|s| s.replicas).unwrap_or(0)
}

/// A ReplicaSet's `status.availableReplicas`.
pub fn available_replicas(rs: &ReplicaSet) -> i32 {
    rs.status
        .as_ref()
        .and_then(|s| s.available_replicas)
        .unwrap_or(0)
}

/// A ReplicaSet's `status.readyReplicas`.
pub fn ready_replicas(rs: &ReplicaSet) -> i32 {
    rs.status
        .as_ref()
        .and_then(|s| s.ready_replicas)
        .unwrap_or(0)
}

fn uid(rs: &ReplicaSet) -> &str {
    rs.metadata.uid.as_deref().unwrap_or_default()
}

/// Upstream's `ReplicaSetsByCreationTimestamp`: older first, then by name.
pub fn by_creation(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    let created = |rs: &ReplicaSet| rs.metadata.creation_timestamp.as_ref().map(|t| t.0);
    match created(a).cmp(&created(b)) {
        Ordering::Equal => a.metadata.name.cmp(&b.metadata.name),
        other => other,
    }
}

/// The revision of a ReplicaSet; 0 when absent or unparsable (upstream skips those).
pub fn revision(rs: &ReplicaSet) -> i64 {
    annotation(rs, REVISION_ANNOTATION)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Upstream's `ReplicaSetsByRevision`: lower revision first, else by creation.
pub fn by_revision(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    let parsed =
        |rs: &ReplicaSet| annotation(rs, REVISION_ANNOTATION).and_then(|v| v.parse::<i64>().ok());
    match (parsed(a), parsed(b)) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        _ => by_creation(a, b),
    }
}

/// The highest revision among `rss`.
pub fn max_revision<'a>(rss: impl IntoIterator<Item = &'a ReplicaSet>) -> i64 {
    rss.into_iter().map(revision).max().unwrap_or(0).max(0)
}

fn annotation<'a>(rs: &'a ReplicaSet, key: &str) -> Option<&'a str> {
    rs.metadata
        .annotations
        .as_ref()?
        .get(key)
        .map(String::as_str)
}

/// The `desired-replicas` annotation.
pub fn desired_replicas_annotation(rs: &ReplicaSet) -> Option<i32> {
    annotation(rs, DESIRED_REPLICAS_ANNOTATION)?.parse().ok()
}

/// The `max-replicas` annotation.
pub fn max_replicas_annotation(rs: &ReplicaSet) -> Option<i32> {
    annotation(rs, MAX_REPLICAS_ANNOTATION)?.parse().ok()
}

/// The pod-template hash of a template (upstream's `controller.ComputeHash`, whose name
/// suffixes the new ReplicaSet). Upstream hashes Go's printed object; this hashes the
/// template's canonical JSON, then the collision count, with the same FNV-32a and the same
/// safe alphabet, so names look alike but are not bit-for-bit upstream's.
pub fn template_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    let mut write = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u32::from(*byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    };
    write(&serde_json::to_vec(template).unwrap_or_default());
    if let Some(count) = collision_count {
        write(&(count as u32).to_le_bytes());
    }
    hash.to_string()
        .bytes()
        .map(|b| char::from(SAFE_ALPHABET[usize::from(b) % SAFE_ALPHABET.len()]))
        .collect()
}

/// A template as JSON without the hash label and without empty values, for comparison.
fn comparable(template: &PodTemplateSpec) -> Value {
    let mut value = serde_json::to_value(template).unwrap_or(Value::Null);
    if let Some(labels) = value
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY);
    }
    prune_empty(&mut value);
    value
}

/// Drops nulls, empty objects and empty arrays (Go's semantic equality treats nil and empty
/// maps and slices alike).
fn prune_empty(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for field in fields.values_mut() {
                prune_empty(field);
            }
            fields.retain(|_, v| !is_empty(v));
        }
        Value::Array(items) => items.iter_mut().for_each(prune_empty),
        _ => {}
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(fields) => fields.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Whether two pod templates are equal apart from the `pod-template-hash` label (upstream's
/// `EqualIgnoreHash`).
pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    comparable(a) == comparable(b)
}

fn deployment_template(d: &Deployment) -> PodTemplateSpec {
    d.spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default()
}

fn rs_template(rs: &ReplicaSet) -> Option<&PodTemplateSpec> {
    rs.spec.as_ref()?.template.as_ref()
}

/// The index of the new ReplicaSet among `rss`: the oldest whose template is the
/// Deployment's (upstream's `FindNewReplicaSet`).
pub fn find_new(d: &Deployment, rss: &[ReplicaSet]) -> Option<usize> {
    let template = deployment_template(d);
    let mut order: Vec<usize> = (0..rss.len()).collect();
    order.sort_by(|a, b| by_creation(&rss[*a], &rss[*b]));
    order
        .into_iter()
        .find(|i| rs_template(&rss[*i]).is_some_and(|t| equal_ignore_hash(t, &template)))
}

/// Every ReplicaSet but the new one (upstream's `FindOldReplicaSets`, all of them).
pub fn old_of(rss: &[ReplicaSet], new_rs: Option<&ReplicaSet>) -> Vec<ReplicaSet> {
    rss.iter()
        .filter(|rs| new_rs.is_none_or(|n| uid(n) != uid(rs)))
        .cloned()
        .collect()
}

/// The ReplicaSets with replicas (upstream's `FilterActiveReplicaSets`).
pub fn active<'a>(rss: impl IntoIterator<Item = &'a ReplicaSet>) -> Vec<&'a ReplicaSet> {
    rss.into_iter().filter(|rs| spec_replicas(rs) > 0).collect()
}

/// The one active ReplicaSet, or the newest when none is active, or `None` when several
/// are active (upstream's `FindActiveOrLatest`).
pub fn find_active_or_latest<'a>(
    new_rs: Option<&'a ReplicaSet>,
    old: &'a [ReplicaSet],
) -> Option<&'a ReplicaSet> {
    let all: Vec<&ReplicaSet> = old.iter().chain(new_rs).collect();
    let running = active(all.iter().copied());
    match running.len() {
        0 => new_rs.or_else(|| old.iter().max_by(|a, b| by_creation(a, b))),
        1 => running.first().copied(),
        _ => None,
    }
}

/// Whether the new ReplicaSet alone runs every replica (upstream's `IsSaturated`).
pub fn is_saturated(d: &Deployment, rs: Option<&ReplicaSet>) -> bool {
    let Some(rs) = rs else { return false };
    let Some(desired) = desired_replicas_annotation(rs) else {
        return false;
    };
    let replicas = deployment_replicas(d);
    spec_replicas(rs) == replicas && desired == replicas && available_replicas(rs) == replicas
}

fn annotations_mut<K: kube::Resource>(object: &mut K) -> &mut BTreeMap<String, String> {
    object
        .meta_mut()
        .annotations
        .get_or_insert_with(BTreeMap::new)
}

/// Whether the replica annotations of `rs` differ from `desired` and `max`.
pub fn replicas_annotations_need_update(rs: &ReplicaSet, desired: i32, max: i32) -> bool {
    annotation(rs, DESIRED_REPLICAS_ANNOTATION) != Some(desired.to_string().as_str())
        || annotation(rs, MAX_REPLICAS_ANNOTATION) != Some(max.to_string().as_str())
}

/// Sets the replica annotations; whether they changed.
pub fn set_replicas_annotations(rs: &mut ReplicaSet, desired: i32, max: i32) -> bool {
    if !replicas_annotations_need_update(rs, desired, max) {
        return false;
    }
    let annotations = annotations_mut(rs);
    annotations.insert(DESIRED_REPLICAS_ANNOTATION.into(), desired.to_string());
    annotations.insert(MAX_REPLICAS_ANNOTATION.into(), max.to_string());
    true
}

/// Copies the Deployment's annotations (such as `kubernetes.io/change-cause`) onto the
/// ReplicaSet, but not the ones the controller owns; whether anything changed.
fn copy_deployment_annotations(d: &Deployment, rs: &mut ReplicaSet) -> bool {
    let source = d.metadata.annotations.clone().unwrap_or_default();
    let target = annotations_mut(rs);
    let mut changed = false;
    for (key, value) in source {
        if ANNOTATIONS_TO_SKIP.contains(&key.as_str()) || target.get(&key) == Some(&value) {
            continue;
        }
        target.insert(key, value);
        changed = true;
    }
    changed
}

/// The annotations of the new ReplicaSet (upstream's `SetNewReplicaSetAnnotations`): the
/// Deployment's own, the revision raised to `new_revision` (recording the revision it had
/// in `revision-history` when a rollback reuses it), and on creation the replica
/// annotations. Returns whether anything changed.
pub fn set_new_rs_annotations(
    d: &Deployment,
    rs: &mut ReplicaSet,
    new_revision: i64,
    exists: bool,
    max_surge: i32,
) -> bool {
    let mut changed = copy_deployment_annotations(d, rs);
    let annotations = annotations_mut(rs);
    let old_revision = annotations.get(REVISION_ANNOTATION).cloned();
    let old_value = match old_revision.as_deref() {
        None | Some("") => 0,
        Some(text) => match text.parse::<i64>() {
            Ok(v) => v,
            Err(_) => return false,
        },
    };
    if old_value < new_revision {
        annotations.insert(REVISION_ANNOTATION.into(), new_revision.to_string());
        changed = true;
        if let Some(old) = old_revision {
            let history = annotations
                .get(REVISION_HISTORY_ANNOTATION)
                .cloned()
                .unwrap_or_default();
            if history.is_empty() {
                annotations.insert(REVISION_HISTORY_ANNOTATION.into(), old);
            } else {
                let mut revisions: Vec<&str> = history.split(',').collect();
                let mut total = history.len() + old.len() + 1;
                let mut start = 0;
                while total > MAX_REVISION_HISTORY_LENGTH_IN_CHARS && start < revisions.len() {
                    total -= revisions[start].len() + 1;
                    start += 1;
                }
                if total <= MAX_REVISION_HISTORY_LENGTH_IN_CHARS {
                    revisions.drain(..start);
                    revisions.push(&old);
                    let joined = revisions.join(",");
                    annotations.insert(REVISION_HISTORY_ANNOTATION.into(), joined);
                }
            }
        }
    }
    let replicas = deployment_replicas(d);
    if !exists && set_replicas_annotations(rs, replicas, replicas + max_surge) {
        changed = true;
    }
    changed
}

/// Sets the Deployment's revision annotation; whether it changed (upstream's
/// `SetDeploymentRevision`).
pub fn set_deployment_revision(d: &mut Deployment, revision: &str) -> bool {
    let annotations = annotations_mut(d);
    if annotations.get(REVISION_ANNOTATION).map(String::as_str) == Some(revision) {
        return false;
    }
    annotations.insert(REVISION_ANNOTATION.into(), revision.to_owned());
    true
}

/// The old ReplicaSets beyond `revisionHistoryLimit` to delete, lowest revision first
/// (upstream's `cleanupDeployment`): only those scaled to zero, with no pods left and whose
/// latest spec their controller has seen.
pub fn history_to_delete(d: &Deployment, old: &[ReplicaSet]) -> Vec<usize> {
    let Some(limit) = d
        .spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .filter(|l| *l != i32::MAX)
    else {
        return Vec::new();
    };
    let mut cleanable: Vec<usize> = (0..old.len())
        .filter(|i| old[*i].metadata.deletion_timestamp.is_none())
        .collect();
    let excess = cleanable.len() as i64 - i64::from(limit);
    if excess <= 0 {
        return Vec::new();
    }
    cleanable.sort_by(|a, b| by_revision(&old[*a], &old[*b]));
    cleanable
        .into_iter()
        .take(excess as usize)
        .filter(|i| {
            let rs = &old[*i];
            let observed = rs
                .status
                .as_ref()
                .and_then(|s| s.observed_generation)
                .unwrap_or(0);
            status_replicas(rs) == 0
                && spec_replicas(rs) == 0
                && rs.metadata.generation.unwrap_or(0) <= observed
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    use serde_json::json;

    use super::*;

    /// A RollingUpdate Deployment `foo` of `replicas` selecting `app: foo`.
    pub(crate) fn deployment(
        replicas: i32,
        surge: IntOrString,
        unavailable: IntOrString,
    ) -> Deployment {
        serde_json::from_value(json!({
            "metadata": {"name": "foo", "namespace": "ns", "uid": "d-uid", "generation": 1},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": "foo"}},
                "strategy": {"type": "RollingUpdate",
                    "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}},
                "template": {"metadata": {"labels": {"app": "foo"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx:1"}]}},
                "progressDeadlineSeconds": 600,
                "revisionHistoryLimit": 10
            }
        }))
        .expect("deployment")
    }

    /// A ReplicaSet `name` of `size` replicas, `available` of them available.
    pub(crate) fn rs(name: &str, size: i32, available: i32, created: &str) -> ReplicaSet {
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "ns", "uid": format!("{name}-uid"),
                "creationTimestamp": created},
            "spec": {"replicas": size, "selector": {"matchLabels": {"app": "foo"}},
                "template": {"metadata": {"labels": {"app": "foo", "pod-template-hash": name}},
                    "spec": {"containers": [{"name": "c", "image": format!("nginx:{name}")}]}}},
            "status": {"replicas": size, "readyReplicas": available,
                "availableReplicas": available}
        }))
        .expect("replica set")
    }

    #[test]
    fn hashes_are_stable_safe_and_change_with_the_collision_count() {
        let d = deployment(3, IntOrString::Int(1), IntOrString::Int(0));
        let template = deployment_template(&d);
        let a = template_hash(&template, None);
        assert_eq!(a, template_hash(&template, None));
        assert!(!a.is_empty() && a.len() <= 10);
        assert!(a.bytes().all(|b| SAFE_ALPHABET.contains(&b)));
        assert_ne!(a, template_hash(&template, Some(1)));
        assert_ne!(
            template_hash(&template, Some(1)),
            template_hash(&template, Some(2))
        );
    }

    #[test]
    fn the_new_replica_set_has_the_template_whatever_its_hash_label() {
        let d = deployment(3, IntOrString::Int(1), IntOrString::Int(0));
        let mut same = rs("same", 3, 3, "2026-01-01T00:00:01Z");
        let mut template = deployment_template(&d);
        template
            .metadata
            .get_or_insert_default()
            .labels
            .get_or_insert_default()
            .insert(DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY.into(), "abc".into());
        if let Some(spec) = same.spec.as_mut() {
            spec.template = Some(template);
        }
        let other = rs("other", 0, 0, "2026-01-01T00:00:00Z");
        let rss = vec![other, same];
        assert_eq!(find_new(&d, &rss), Some(1));
        let old = old_of(&rss, Some(&rss[1]));
        assert_eq!(old.len(), 1);
        assert_eq!(old[0].metadata.name.as_deref(), Some("other"));
    }

    #[test]
    fn reusing_an_old_replica_set_bumps_its_revision_and_keeps_history() {
        let mut d = deployment(3, IntOrString::Int(1), IntOrString::Int(0));
        d.metadata.annotations = Some(
            [
                ("kubernetes.io/change-cause".to_owned(), "undo".to_owned()),
                (REVISION_ANNOTATION.to_owned(), "2".to_owned()),
            ]
            .into(),
        );
        let mut old = rs("old", 0, 0, "2026-01-01T00:00:00Z");
        old.metadata.annotations = Some([(REVISION_ANNOTATION.to_owned(), "1".to_owned())].into());
        assert!(set_new_rs_annotations(&d, &mut old, 3, true, 1));
        let annotations = old.metadata.annotations.clone().unwrap_or_default();
        assert_eq!(annotations[REVISION_ANNOTATION], "3");
        assert_eq!(annotations[REVISION_HISTORY_ANNOTATION], "1");
        assert_eq!(annotations["kubernetes.io/change-cause"], "undo");
        // Existing ReplicaSets keep their replica annotations.
        assert!(!annotations.contains_key(DESIRED_REPLICAS_ANNOTATION));
        // Nothing more to do the second time.
        assert!(!set_new_rs_annotations(&d, &mut old, 3, true, 1));
        // A second rollback appends to the history.
        assert!(set_new_rs_annotations(&d, &mut old, 5, true, 1));
        let annotations = old.metadata.annotations.unwrap_or_default();
        assert_eq!(annotations[REVISION_HISTORY_ANNOTATION], "1,3");
    }

    #[test]
    fn a_created_replica_set_gets_revision_and_replica_annotations() {
        let d = deployment(3, IntOrString::Int(1), IntOrString::Int(0));
        let mut new_rs = rs("new", 0, 0, "2026-01-01T00:00:00Z");
        assert!(set_new_rs_annotations(&d, &mut new_rs, 1, false, 1));
        let annotations = new_rs.metadata.annotations.unwrap_or_default();
        assert_eq!(annotations[REVISION_ANNOTATION], "1");
        assert_eq!(annotations[DESIRED_REPLICAS_ANNOTATION], "3");
        assert_eq!(annotations[MAX_REPLICAS_ANNOTATION], "4");
        assert!(!annotations.contains_key(REVISION_HISTORY_ANNOTATION));
    }

    #[test]
    fn cleanup_order_is_by_revision_then_creation() {
        let mut a = rs("a", 0, 0, "2026-01-01T00:00:02Z");
        let mut b = rs("b", 0, 0, "2026-01-01T00:00:01Z");
        a.metadata.annotations = Some([(REVISION_ANNOTATION.to_owned(), "1".to_owned())].into());
        b.metadata.annotations = Some([(REVISION_ANNOTATION.to_owned(), "2".to_owned())].into());
        assert_eq!(by_revision(&a, &b), Ordering::Less);
        assert_eq!(max_revision([&a, &b]), 2);
    }

    #[test]
    fn history_beyond_the_limit_goes_oldest_revision_first_if_scaled_down() {
        let mut d = deployment(3, IntOrString::Int(1), IntOrString::Int(0));
        if let Some(spec) = d.spec.as_mut() {
            spec.revision_history_limit = Some(1);
        }
        let with_revision = |name: &str, size: i32, revision: &str| {
            let mut r = rs(name, size, size, "2026-01-01T00:00:00Z");
            r.metadata.annotations =
                Some([(REVISION_ANNOTATION.to_owned(), revision.to_owned())].into());
            r
        };
        let old = vec![
            with_revision("r3", 0, "3"),
            with_revision("r1", 0, "1"),
            with_revision("r2", 2, "2"),
        ];
        // Two beyond the limit: r1 and r2; r2 still has replicas and stays.
        assert_eq!(history_to_delete(&d, &old), vec![1]);
        if let Some(spec) = d.spec.as_mut() {
            spec.revision_history_limit = Some(10);
        }
        assert!(history_to_delete(&d, &old).is_empty());
    }

    #[test]
    fn active_or_latest_picks_the_single_active_one() {
        let new_rs = rs("new", 0, 0, "2026-01-01T00:00:02Z");
        let old = vec![rs("old", 3, 3, "2026-01-01T00:00:01Z")];
        assert_eq!(
            find_active_or_latest(Some(&new_rs), &old).and_then(|r| r.metadata.name.clone()),
            Some("old".into())
        );
        let old = vec![rs("old", 0, 0, "2026-01-01T00:00:01Z")];
        assert_eq!(
            find_active_or_latest(Some(&new_rs), &old).and_then(|r| r.metadata.name.clone()),
            Some("new".into())
        );
        let both = vec![rs("a", 1, 1, "2026-01-01T00:00:01Z")];
        let new_active = rs("new", 1, 0, "2026-01-01T00:00:02Z");
        assert!(find_active_or_latest(Some(&new_active), &both).is_none());
    }
}
