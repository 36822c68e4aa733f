//! Cases from upstream's `FindMatchingVolume` tests (`pv_controller` `index_test.go` and the
//! scheduler's `binder_test.go`), on the scheduler path.

use super::*;

fn node(name: &str, zone: &str) -> Node {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "zone": zone}}
    }))
    .unwrap()
}

fn pv(name: &str, size: &str, extra: serde_json::Value) -> PersistentVolume {
    let mut value = serde_json::json!({
        "metadata": {"name": name, "labels": {"tier": "gold"}},
        "spec": {"capacity": {"storage": size}, "accessModes": ["ReadWriteOnce"],
                 "hostPath": {"path": "/tmp"}},
        "status": {"phase": "Available"}
    });
    merge(&mut value, extra);
    serde_json::from_value(value).unwrap()
}

fn pvc(name: &str, size: &str, extra: serde_json::Value) -> PersistentVolumeClaim {
    let mut value = serde_json::json!({
        "metadata": {"name": name, "namespace": "ns", "uid": format!("uid-{name}")},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}}
    });
    merge(&mut value, extra);
    serde_json::from_value(value).unwrap()
}

fn merge(base: &mut serde_json::Value, extra: serde_json::Value) {
    if let (Some(base), serde_json::Value::Object(extra)) = (base.as_object_mut(), extra) {
        for (k, v) in extra {
            match base.get_mut(&k) {
                Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                _ => {
                    base.insert(k, v);
                }
            }
        }
    }
}

fn candidates(volumes: &[PersistentVolume]) -> Vec<Candidate<'_>> {
    volumes
        .iter()
        .map(|v| Candidate {
            volume: v,
            claim: v.spec.as_ref().and_then(|s| s.claim_ref.as_ref()).map(|r| {
                (
                    r.namespace.as_deref().unwrap_or_default(),
                    r.name.as_deref().unwrap_or_default(),
                    r.uid.as_deref().unwrap_or_default(),
                )
            }),
        })
        .collect()
}

fn find(
    claim: &PersistentVolumeClaim,
    volumes: &[PersistentVolume],
    node: &Node,
) -> Option<String> {
    find_matching_volume(claim, &candidates(volumes), node, &HashSet::new())
        .and_then(|i| volumes[i].metadata.name.clone())
}

#[test]
fn the_smallest_volume_that_holds_the_request_wins() {
    let volumes = [
        pv("1g", "1Gi", serde_json::json!({})),
        pv("5g", "5Gi", serde_json::json!({})),
        pv("10g", "10Gi", serde_json::json!({})),
    ];
    let n = node("a", "z1");
    assert_eq!(
        find(&pvc("c", "500Mi", serde_json::json!({})), &volumes, &n).as_deref(),
        Some("1g")
    );
    assert_eq!(
        find(&pvc("c", "1Gi", serde_json::json!({})), &volumes, &n).as_deref(),
        Some("1g")
    );
    assert_eq!(
        find(&pvc("c", "2Gi", serde_json::json!({})), &volumes, &n).as_deref(),
        Some("5g")
    );
    assert_eq!(
        find(&pvc("c", "20Gi", serde_json::json!({})), &volumes, &n),
        None
    );
    let excluded = HashSet::from(["1g".to_owned()]);
    let claim = pvc("c", "500Mi", serde_json::json!({}));
    let chosen = find_matching_volume(&claim, &candidates(&volumes), &n, &excluded);
    assert_eq!(
        chosen.and_then(|i| volumes[i].metadata.name.as_deref()),
        Some("5g")
    );
}

#[test]
fn class_access_modes_selector_mode_and_phase_must_match() {
    let n = node("a", "z1");
    let claim = pvc("c", "1Gi", serde_json::json!({}));
    let gold = pvc(
        "c",
        "1Gi",
        serde_json::json!({"spec": {"storageClassName": "gold"}}),
    );
    let classed = [pv(
        "g",
        "1Gi",
        serde_json::json!({"spec": {"storageClassName": "gold"}}),
    )];
    assert_eq!(
        find(&claim, &classed, &n),
        None,
        "a classless claim takes classless volumes"
    );
    assert_eq!(find(&gold, &classed, &n).as_deref(), Some("g"));
    let beta = pvc(
        "c",
        "1Gi",
        serde_json::json!({"metadata": {"annotations": {ANN_BETA_STORAGE_CLASS: "gold"}}}),
    );
    assert_eq!(
        find(&beta, &classed, &n).as_deref(),
        Some("g"),
        "the beta annotation counts"
    );

    let rwx = pvc(
        "c",
        "1Gi",
        serde_json::json!({"spec": {"accessModes": ["ReadWriteMany"]}}),
    );
    assert_eq!(
        find(&rwx, &[pv("v", "1Gi", serde_json::json!({}))], &n),
        None
    );

    let block = pvc(
        "c",
        "1Gi",
        serde_json::json!({"spec": {"volumeMode": "Block"}}),
    );
    assert_eq!(
        find(&block, &[pv("v", "1Gi", serde_json::json!({}))], &n),
        None
    );
    let block_pv = [pv(
        "v",
        "1Gi",
        serde_json::json!({"spec": {"volumeMode": "Block"}}),
    )];
    assert_eq!(find(&block, &block_pv, &n).as_deref(), Some("v"));

    let selective = pvc(
        "c",
        "1Gi",
        serde_json::json!({"spec": {"selector": {"matchLabels": {"tier": "silver"}}}}),
    );
    assert_eq!(
        find(&selective, &[pv("v", "1Gi", serde_json::json!({}))], &n),
        None
    );

    let released = [pv(
        "v",
        "1Gi",
        serde_json::json!({"status": {"phase": "Released"}}),
    )];
    assert_eq!(find(&claim, &released, &n), None);
    let deleting = [pv(
        "v",
        "1Gi",
        serde_json::json!({"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}}),
    )];
    assert_eq!(find(&claim, &deleting, &n), None);
}

#[test]
fn a_volume_claimed_by_another_is_skipped_and_one_pre_bound_to_the_claim_wins() {
    let n = node("a", "z1");
    let claim = pvc("c", "1Gi", serde_json::json!({}));
    let other = pv(
        "other",
        "1Gi",
        serde_json::json!({"spec": {"claimRef": {"namespace": "ns", "name": "x"}}}),
    );
    let small = pv("small", "1Gi", serde_json::json!({}));
    let mine = pv(
        "mine",
        "10Gi",
        serde_json::json!({"spec": {"claimRef": {"namespace": "ns", "name": "c"}},
        "status": {"phase": "Bound"}}),
    );
    assert_eq!(
        find(&claim, &[other.clone(), small.clone()], &n).as_deref(),
        Some("small")
    );
    assert_eq!(
        find(&claim, &[small.clone(), mine.clone()], &n).as_deref(),
        Some("mine"),
        "pre-bound beats smaller, whatever its phase"
    );
    let wrong_uid = pv(
        "mine",
        "10Gi",
        serde_json::json!({"spec": {"claimRef": {"namespace": "ns", "name": "c", "uid": "other"}}}),
    );
    assert_eq!(find(&claim, &[wrong_uid], &n), None);
    let too_small = pv(
        "mine",
        "500Mi",
        serde_json::json!({"spec": {"claimRef": {"namespace": "ns", "name": "c"}}}),
    );
    assert_eq!(
        find(&claim, &[too_small, small], &n).as_deref(),
        Some("small")
    );
}

#[test]
fn node_affinity_decides_per_node() {
    let affinity = serde_json::json!({"spec": {"nodeAffinity": {"required": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["b"]}]}]}}}});
    let volumes = [pv("local-b", "1Gi", affinity.clone())];
    let claim = pvc("c", "1Gi", serde_json::json!({}));
    assert_eq!(find(&claim, &volumes, &node("a", "z1")), None);
    assert_eq!(
        find(&claim, &volumes, &node("b", "z1")).as_deref(),
        Some("local-b")
    );
    // Pre-bound but on another node: no match at all on this node.
    let mut pre = affinity;
    merge(
        &mut pre,
        serde_json::json!({"spec": {"claimRef": {"namespace": "ns", "name": "c"}}}),
    );
    let pre_bound = [
        pv("local-b", "1Gi", pre),
        pv("any", "1Gi", serde_json::json!({})),
    ];
    assert_eq!(find(&claim, &pre_bound, &node("a", "z1")), None);
}

#[test]
fn storage_class_topologies_and_binding_modes() {
    let class: StorageClass = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "local"}, "provisioner": "example.com/p",
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowedTopologies": [{"matchLabelExpressions": [{"key": "zone", "values": ["z2", "z3"]}]}]
    }))
    .unwrap();
    assert!(!class_allows_node(&class, &node("a", "z1")));
    assert!(class_allows_node(&class, &node("a", "z2")));
    let classed = pvc(
        "c",
        "1Gi",
        serde_json::json!({"spec": {"storageClassName": "local"}}),
    );
    assert!(is_delay_binding(&classed, Some(&class)));
    assert!(
        !is_delay_binding(&classed, None),
        "a missing class binds at once"
    );
    assert!(!is_delay_binding(
        &pvc("c", "1Gi", serde_json::json!({})),
        Some(&class)
    ));
}
