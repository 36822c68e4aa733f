//! Upstream's matching cases (`index_test.go`, `pv_helpers_test.go`): sizes, access modes,
//! bound and pre-bound volumes, selectors, classes, volume modes, phases, deletion, node
//! affinity and VolumeAttributesClasses.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim};
use serde_json::{Value, json};

use super::matching::{
    access_modes_satisfied, check_node_affinity, claim_class, find_best_match,
    find_matching_volume, is_volume_bound_to_claim, volume_class, volume_mode_mismatches,
};

const RWO: &str = "ReadWriteOnce";
const ROX: &str = "ReadOnlyMany";
const RWX: &str = "ReadWriteMany";

/// A volume `name` of `size` offering `modes`, Available, of class "", merged with `extra`.
fn volume(name: &str, size: &str, modes: &[&str], extra: Value) -> Arc<PersistentVolume> {
    let mut value = json!({
        "metadata": {"name": name, "uid": format!("uid-{name}")},
        "spec": {"capacity": {"storage": size}, "accessModes": modes,
                 "hostPath": {"path": format!("/data/{name}")}},
        "status": {"phase": "Available"},
    });
    merge(&mut value, extra);
    Arc::new(serde_json::from_value(value).unwrap())
}

/// A claim `myns/claim01` for `size` with `modes`, merged with `extra`.
fn claim(size: &str, modes: &[&str], extra: Value) -> PersistentVolumeClaim {
    let mut value = json!({
        "metadata": {"name": "claim01", "namespace": "myns", "uid": "claim-uid"},
        "spec": {"accessModes": modes, "resources": {"requests": {"storage": size}}},
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

fn best(claim: &PersistentVolumeClaim, volumes: &[Arc<PersistentVolume>]) -> Option<String> {
    find_best_match(claim, volumes, false)
        .unwrap()
        .and_then(|v| v.metadata.name.clone())
}

fn gce_like() -> Vec<Arc<PersistentVolume>> {
    vec![
        volume("gce-10", "10G", &[RWO, ROX], json!({})),
        volume(
            "gce-20-bound",
            "20G",
            &[RWO, ROX],
            json!({"spec": {"claimRef": {"uid": "someone-else"}}, "status": {"phase": "Bound"}}),
        ),
        volume("nfs-5", "5G", &[RWO, ROX, RWX], json!({})),
        volume(
            "gce-1-bound",
            "1G",
            &[RWO, ROX],
            json!({"spec": {"claimRef": {"uid": "abc123"}}, "status": {"phase": "Bound"}}),
        ),
        volume("nfs-10", "10G", &[RWO, ROX, RWX], json!({})),
        volume("gce-5", "5G", &[RWO, ROX], json!({})),
        volume("nfs-1", "1G", &[RWO, ROX, RWX], json!({})),
        volume(
            "gce-20000-labelled",
            "20000G",
            &[RWO],
            json!({"metadata": {"labels": {"should-exist": "true"}}}),
        ),
        volume(
            "gce-silver-10000",
            "10000G",
            &[RWO],
            json!({"metadata": {"labels": {"should-exist": "true"}},
                   "spec": {"storageClassName": "silver"}}),
        ),
        volume(
            "gce-silver-100",
            "100G",
            &[RWO],
            json!({"spec": {"storageClassName": "silver"}}),
        ),
        volume(
            "gce-gold-50",
            "50G",
            &[RWO],
            json!({"spec": {"storageClassName": "gold"}}),
        ),
    ]
}

#[test]
fn the_smallest_fitting_volume_with_the_fewest_extra_modes_wins() {
    let volumes = gce_like();
    assert_eq!(
        best(&claim("8G", &[ROX, RWO], json!({})), &volumes).as_deref(),
        Some("gce-10")
    );
    // RWX is only in the NFS set.
    assert_eq!(
        best(&claim("5G", &[ROX, RWO, RWX], json!({})), &volumes).as_deref(),
        Some("nfs-5")
    );
    // The 1G volume is bound to someone else; the next size up wins.
    assert_eq!(
        best(&claim("1G", &[ROX, RWO], json!({})), &volumes).as_deref(),
        Some("gce-5")
    );
    assert_eq!(best(&claim("999G", &[ROX, RWO], json!({})), &volumes), None);
    // Exactly the capacity fits.
    assert_eq!(
        best(&claim("10G", &[ROX, RWO], json!({})), &volumes).as_deref(),
        Some("gce-10")
    );
}

#[test]
fn selectors_filter_by_labels_and_classes_must_be_equal() {
    let volumes = gce_like();
    let selected = |size: &str, modes: &[&str], key: &str, extra: Value| {
        let mut extra_with_selector = json!({"spec": {"selector": {"matchLabels": {key: "true"}}}});
        merge(&mut extra_with_selector, extra);
        best(&claim(size, modes, extra_with_selector), &volumes)
    };
    assert_eq!(
        selected("999G", &[ROX, RWO], "should-not-exist", json!({})),
        None
    );
    assert_eq!(
        selected("20000G", &[ROX, RWO], "should-exist", json!({})),
        None
    );
    assert_eq!(
        selected("20000G", &[RWO], "should-exist", json!({})).as_deref(),
        Some("gce-20000-labelled")
    );
    // The class comes from the beta annotation or storageClassName.
    assert_eq!(
        selected(
            "1G",
            &[RWO],
            "should-exist",
            json!({"metadata": {"annotations": {"volume.beta.kubernetes.io/storage-class": "silver"}}})
        )
        .as_deref(),
        Some("gce-silver-10000")
    );
    assert_eq!(
        best(
            &claim(
                "1G",
                &[RWO],
                json!({"spec": {"storageClassName": "silver"}})
            ),
            &volumes
        )
        .as_deref(),
        Some("gce-silver-100")
    );
    assert_eq!(
        best(
            &claim("1G", &[RWO], json!({"spec": {"storageClassName": "gold"}})),
            &volumes
        )
        .as_deref(),
        Some("gce-gold-50")
    );
    assert_eq!(
        best(
            &claim("60G", &[RWO], json!({"spec": {"storageClassName": "gold"}})),
            &volumes
        ),
        None
    );
    // No class matches only volumes of class "".
    assert_eq!(
        best(&claim("200G", &[RWO], json!({})), &volumes).as_deref(),
        Some("gce-20000-labelled")
    );
    // The beta annotation wins over storageClassName.
    let both = claim(
        "1G",
        &[RWO],
        json!({"metadata": {"annotations": {"volume.beta.kubernetes.io/storage-class": "gold"}},
               "spec": {"storageClassName": "silver"}}),
    );
    assert_eq!(claim_class(&both), "gold");
    let annotated = volume(
        "v",
        "1G",
        &[RWO],
        json!({"metadata": {"annotations": {"volume.beta.kubernetes.io/storage-class": "gold"}},
               "spec": {"storageClassName": "silver"}}),
    );
    assert_eq!(volume_class(&annotated), "gold");
}

#[test]
fn volumes_with_different_access_modes_are_searched_by_fewest_modes() {
    let ebs = volume("ebs", "10G", &[RWO], json!({}));
    let gce = volume("gce", "10G", &[RWO, ROX], json!({}));
    let nfs = volume("nfs", "10G", &[RWO, ROX, RWX], json!({}));
    let all = vec![gce.clone(), ebs.clone(), nfs.clone()];
    assert_eq!(
        best(&claim("1G", &[RWO], json!({})), &all).as_deref(),
        Some("ebs")
    );
    assert_eq!(
        best(&claim("1G", &[RWO, ROX], json!({})), &all).as_deref(),
        Some("gce")
    );
    // The order of the requested modes does not matter.
    assert_eq!(
        best(&claim("1G", &[RWX, RWO, ROX], json!({})), &all).as_deref(),
        Some("nfs")
    );
    assert_eq!(
        best(&claim("1G", &[RWX], json!({})), &all).as_deref(),
        Some("nfs")
    );
    assert_eq!(
        best(&claim("1G", &[ROX], json!({})), &all).as_deref(),
        Some("gce")
    );
    // The exact set taken: the next set up.
    let taken = |v: &Arc<PersistentVolume>| {
        let mut v = (**v).clone();
        v.spec.as_mut().unwrap().claim_ref = Some(Default::default());
        Arc::new(v)
    };
    let ebs_taken = vec![gce.clone(), taken(&ebs), nfs.clone()];
    assert_eq!(
        best(&claim("1G", &[RWO], json!({})), &ebs_taken).as_deref(),
        Some("gce")
    );
    let both_taken = vec![taken(&gce), taken(&ebs), nfs.clone()];
    assert_eq!(
        best(&claim("1G", &[RWO], json!({})), &both_taken).as_deref(),
        Some("nfs")
    );
    // A mode upstream cannot name matches nothing.
    assert_eq!(
        best(&claim("1G", &["ReadSometimes"], json!({})), &all),
        None
    );
    assert!(access_modes_satisfied(
        &claim("1G", &[RWO, ROX], json!({})),
        &gce
    ));
    assert!(!access_modes_satisfied(
        &claim("1G", &[RWX], json!({})),
        &gce
    ));
}

#[test]
fn a_volume_pre_bound_to_the_claim_wins_even_when_delayed() {
    let small = volume("small", "1G", &[RWO], json!({}));
    let prebound = volume(
        "prebound",
        "100G",
        &[RWO],
        json!({"spec": {"claimRef": {"name": "claim01", "namespace": "myns"}}}),
    );
    let volumes = vec![small.clone(), prebound.clone()];
    let c = claim("1G", &[RWO], json!({}));
    assert!(is_volume_bound_to_claim(&prebound, &c));
    assert_eq!(best(&c, &volumes).as_deref(), Some("prebound"));
    let delayed = find_best_match(&c, &volumes, true).unwrap();
    assert_eq!(delayed.unwrap().metadata.name.as_deref(), Some("prebound"));
    // Unbound volumes are left to the scheduler when delayed.
    assert!(
        find_best_match(&c, std::slice::from_ref(&small), true)
            .unwrap()
            .is_none()
    );
    // Pre-bound with the claim's uid counts; with another uid it belongs to another claim.
    let with_uid = volume(
        "with-uid",
        "100G",
        &[RWO],
        json!({"spec": {"claimRef": {"name": "claim01", "namespace": "myns", "uid": "claim-uid"}}}),
    );
    assert_eq!(
        best(&c, &[small.clone(), with_uid]).as_deref(),
        Some("with-uid")
    );
    let other_uid = volume(
        "other-uid",
        "100G",
        &[RWO],
        json!({"spec": {"claimRef": {"name": "claim01", "namespace": "myns", "uid": "old"}}}),
    );
    assert_eq!(
        best(&c, &[small.clone(), other_uid]).as_deref(),
        Some("small")
    );
    // Pre-bound to another namespace: not this claim's.
    let elsewhere = volume(
        "elsewhere",
        "100G",
        &[RWO],
        json!({"spec": {"claimRef": {"name": "claim01", "namespace": "other"}}}),
    );
    assert!(!is_volume_bound_to_claim(&elsewhere, &c));
    // A pre-bound volume too small for the request is passed over.
    let big = claim("5G", &[RWO], json!({}));
    let spare = volume("spare", "10G", &[RWO], json!({}));
    let tiny_prebound = volume(
        "tiny-prebound",
        "1G",
        &[RWO],
        json!({"spec": {"claimRef": {"name": "claim01", "namespace": "myns"}}}),
    );
    assert_eq!(
        best(&big, &[tiny_prebound, spare]).as_deref(),
        Some("spare")
    );
}

#[test]
fn volume_modes_default_to_filesystem_and_must_match() {
    let mode = |m: Option<&str>| match m {
        Some(m) => json!({"spec": {"volumeMode": m}}),
        None => json!({}),
    };
    for (claim_mode, volume_mode, mismatch) in [
        (Some("Block"), Some("Filesystem"), true),
        (Some("Filesystem"), Some("Block"), true),
        (Some("Block"), Some("Block"), false),
        (Some("Filesystem"), Some("Filesystem"), false),
        (None, Some("Block"), true),
        (None, Some("Filesystem"), false),
        (Some("Block"), None, true),
        (Some("Filesystem"), None, false),
        (None, None, false),
    ] {
        let c = claim("1G", &[RWO], mode(claim_mode));
        let v = volume("v", "10G", &[RWO], mode(volume_mode));
        assert_eq!(
            volume_mode_mismatches(c.spec.as_ref().unwrap(), v.spec.as_ref().unwrap()),
            mismatch,
            "claim {claim_mode:?}, volume {volume_mode:?}"
        );
        assert_eq!(best(&c, &[v]).is_none(), mismatch);
    }
}

#[test]
fn only_available_volumes_not_being_deleted_and_of_the_same_attributes_class_match() {
    let c = claim("1G", &[RWO], json!({}));
    for phase in ["Pending", "Bound", "Released", "Failed"] {
        let v = volume("v", "10G", &[RWO], json!({"status": {"phase": phase}}));
        assert_eq!(best(&c, &[v]), None, "phase {phase}");
    }
    let no_phase = volume("v", "10G", &[RWO], json!({"status": null}));
    assert_eq!(best(&c, &[no_phase]), None);
    let deleting = volume(
        "v",
        "10G",
        &[RWO],
        json!({"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}}),
    );
    assert_eq!(best(&c, &[deleting]), None);

    let plain = volume("plain", "1G", &[RWO], json!({}));
    let gold = volume(
        "gold",
        "1G",
        &[RWO],
        json!({"spec": {"volumeAttributesClassName": "gold"}}),
    );
    let silver = volume(
        "silver",
        "1G",
        &[RWO],
        json!({"spec": {"volumeAttributesClassName": "silver"}}),
    );
    let all = vec![gold.clone(), plain.clone(), silver.clone()];
    assert_eq!(best(&c, &all).as_deref(), Some("plain"));
    let empty = claim(
        "1G",
        &[RWO],
        json!({"spec": {"volumeAttributesClassName": ""}}),
    );
    assert_eq!(best(&empty, &all).as_deref(), Some("plain"));
    let wants_gold = claim(
        "1G",
        &[RWO],
        json!({"spec": {"volumeAttributesClassName": "gold"}}),
    );
    assert_eq!(best(&wants_gold, &all).as_deref(), Some("gold"));
    assert_eq!(best(&wants_gold, &[plain, silver]), None);
}

fn node(labels: Value) -> Node {
    serde_json::from_value(json!({"metadata": {"name": "node1", "labels": labels}})).unwrap()
}

fn affinity(value: &str) -> Value {
    json!({"spec": {"storageClassName": "wait", "nodeAffinity": {"required": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "key1", "operator": "In", "values": [value]}]}
    ]}}}})
}

#[test]
fn on_the_schedulers_path_node_affinity_and_access_modes_are_checked() {
    let volumes = vec![
        volume("affinity-100", "100G", &[RWO, ROX], affinity("value1")),
        volume("affinity-150", "150G", &[RWO, ROX], affinity("value1")),
        volume("affinity-200-v3", "200G", &[RWO, ROX], affinity("value3")),
        volume(
            "affinity-pending",
            "200G",
            &[RWO, ROX],
            merge_into(affinity("value4"), json!({"status": {"phase": "Pending"}})),
        ),
    ];
    let wait = |size: &str, modes: &[&str]| {
        claim(size, modes, json!({"spec": {"storageClassName": "wait"}}))
    };
    let matched = |c: &PersistentVolumeClaim, n: &Node, excluded: &[&str]| {
        find_matching_volume(c, &volumes, Some(n), excluded, true)
            .unwrap()
            .and_then(|v| v.metadata.name.clone())
    };
    let node1 = node(json!({"key1": "value1"}));
    let node3 = node(json!({"key1": "value3"}));
    let node4 = node(json!({"key1": "value4"}));
    assert_eq!(
        matched(&wait("100G", &[RWO]), &node1, &[]).as_deref(),
        Some("affinity-100")
    );
    assert_eq!(
        matched(&wait("101G", &[RWO]), &node1, &[]).as_deref(),
        Some("affinity-150")
    );
    assert_eq!(matched(&wait("151G", &[RWO]), &node1, &[]), None);
    assert_eq!(
        matched(&wait("100G", &[RWO]), &node3, &[]).as_deref(),
        Some("affinity-200-v3")
    );
    // Only Available volumes, even where the node fits.
    assert_eq!(matched(&wait("100G", &[RWO]), &node4, &[]), None);
    assert_eq!(matched(&wait("100G", &[RWO]), &node(json!({})), &[]), None);
    // Excluded volumes are skipped.
    assert_eq!(
        matched(&wait("100G", &[RWO]), &node1, &["affinity-100"]).as_deref(),
        Some("affinity-150")
    );
    // Access modes are checked here.
    assert_eq!(matched(&wait("100G", &[RWX]), &node1, &[]), None);
    // Without a node, a WaitForFirstConsumer claim gets nothing unbound.
    assert!(
        find_matching_volume(&wait("100G", &[RWO]), &volumes, None, &[], true)
            .unwrap()
            .is_none()
    );
    // A pre-bound volume whose node affinity does not fit the node: no match at all.
    let prebound = volume(
        "affinity-prebound",
        "100G",
        &[RWO, ROX],
        merge_into(
            affinity("value1"),
            json!({"spec": {"claimRef": {"name": "claim01", "namespace": "myns"}}}),
        ),
    );
    let with_prebound = vec![prebound.clone(), volumes[2].clone()];
    assert!(
        find_matching_volume(
            &wait("100G", &[RWO]),
            &with_prebound,
            Some(&node3),
            &[],
            true
        )
        .unwrap()
        .is_none()
    );
    let found = find_matching_volume(
        &wait("100G", &[RWO]),
        &with_prebound,
        Some(&node1),
        &[],
        true,
    )
    .unwrap();
    assert_eq!(
        found.unwrap().metadata.name.as_deref(),
        Some("affinity-prebound")
    );
}

fn merge_into(mut base: Value, extra: Value) -> Value {
    merge(&mut base, extra);
    base
}

#[test]
fn node_affinity_terms_are_ored_and_expressions_anded() {
    let two_terms = volume(
        "v",
        "1G",
        &[RWO],
        json!({"spec": {"nodeAffinity": {"required": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]},
                                  {"key": "disk", "operator": "Exists"}]},
            {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]}
        ]}}}}),
    );
    let labels = |v: Value| serde_json::from_value(v).unwrap();
    assert!(
        check_node_affinity(
            &two_terms,
            Some(&labels(json!({"zone": "a", "disk": "ssd"})))
        )
        .is_ok()
    );
    assert!(check_node_affinity(&two_terms, Some(&labels(json!({"zone": "a"})))).is_err());
    assert!(check_node_affinity(&two_terms, Some(&labels(json!({"zone": "b"})))).is_ok());
    assert!(check_node_affinity(&two_terms, None).is_err());
    // No affinity: any node.
    let free = volume("free", "1G", &[RWO], json!({}));
    assert!(check_node_affinity(&free, None).is_ok());
    // A name field never matches: upstream checks labels only.
    let by_name = volume(
        "v",
        "1G",
        &[RWO],
        json!({"spec": {"nodeAffinity": {"required": {"nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node1"]}]}
        ]}}}}),
    );
    assert!(check_node_affinity(&by_name, Some(&labels(json!({})))).is_err());
}

#[test]
fn an_invalid_selector_is_an_error() {
    let c = claim(
        "1G",
        &[RWO],
        json!({"spec": {"selector": {"matchExpressions": [{"key": "a", "operator": "Near"}]}}}),
    );
    let error = find_best_match(&c, &[volume("v", "1G", &[RWO], json!({}))], false).unwrap_err();
    assert!(
        error.starts_with("error creating internal label selector for claim: myns/claim01: "),
        "{error}"
    );
}
