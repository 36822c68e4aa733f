//! Cases after upstream's `volume_binding_test.go` and `binder_test.go`: PreFilter's claim
//! checks, Filter per node for bound and `WaitForFirstConsumer` claims, and Reserve hiding a
//! chosen volume from the next pod until Unreserve.

use serde_json::{Value, json};

use super::*;
use crate::framework::NodeInfo;
use crate::plugins::test_util::{named_pod, node};

fn nodes() -> Vec<NodeInfo> {
    ["a", "b"]
        .iter()
        .map(|n| {
            NodeInfo::new(node(json!({"metadata": {"name": n, "labels": {
                "kubernetes.io/hostname": n, "zone": format!("zone-{n}")}}})))
        })
        .collect()
}

fn local_pv(name: &str, on: &str, extra: Value) -> PersistentVolume {
    let mut value = json!({
        "metadata": {"name": name, "resourceVersion": "1"},
        "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                 "storageClassName": "local", "local": {"path": "/mnt/x"},
                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                     {"key": "kubernetes.io/hostname", "operator": "In", "values": [on]}]}]}}},
        "status": {"phase": "Available"}
    });
    if let (Some(spec), Some(extra)) = (value["spec"].as_object_mut(), extra.as_object()) {
        spec.extend(extra.clone());
    }
    serde_json::from_value(value).unwrap()
}

fn claim(name: &str, spec: Value, annotations: Value) -> PersistentVolumeClaim {
    let mut full = json!({"accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}}});
    if let (Some(full), Some(spec)) = (full.as_object_mut(), spec.as_object()) {
        full.extend(spec.clone());
    }
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "ns", "uid": format!("uid-{name}"),
                     "resourceVersion": "1", "annotations": annotations},
        "spec": full
    }))
    .unwrap()
}

fn class(name: &str, provisioner: &str, mode: &str, extra: Value) -> StorageClass {
    let mut value = json!({"metadata": {"name": name}, "provisioner": provisioner,
        "volumeBindingMode": mode});
    if let (Some(value), Some(extra)) = (value.as_object_mut(), extra.as_object()) {
        value.extend(extra.clone());
    }
    serde_json::from_value(value).unwrap()
}

fn pod_using(name: &str, claims: &[&str]) -> PodInfo {
    let volumes: Vec<Value> = claims
        .iter()
        .map(|c| json!({"name": c, "persistentVolumeClaim": {"claimName": c}}))
        .collect();
    named_pod(
        name,
        json!({"containers": [{"name": "c", "image": "i"}], "volumes": volumes}),
    )
}

/// A plugin over a cache holding these objects.
fn plugin(
    pvs: Vec<PersistentVolume>,
    pvcs: Vec<PersistentVolumeClaim>,
    classes: Vec<StorageClass>,
) -> VolumeBinding {
    let handle = Handle::default();
    handle.volumes.update(|v| {
        pvs.into_iter().for_each(|pv| v.upsert_pv(pv));
        pvcs.into_iter().for_each(|pvc| v.upsert_pvc(pvc));
        classes.into_iter().for_each(|c| v.upsert_class(c));
    });
    VolumeBinding::new(None, &handle).unwrap()
}

/// PreFilter, then Filter on each node: the PreFilter status, or each node's reasons ("" when
/// it passes).
fn run(
    plugin: &VolumeBinding,
    pod: &PodInfo,
    state: &mut CycleState,
) -> Result<Vec<String>, Status> {
    let nodes = nodes();
    let refs: Vec<&NodeInfo> = nodes.iter().collect();
    let status = plugin.pre_filter(state, pod, &refs);
    if !status.is_success() {
        return Err(status);
    }
    Ok(nodes
        .iter()
        .map(|n| plugin.filter(state, pod, n).message())
        .collect())
}

#[test]
fn pre_filter_checks_the_claims() {
    let wffc = class(
        "local",
        NOT_SUPPORTED_PROVISIONER,
        "WaitForFirstConsumer",
        json!({}),
    );
    let p = plugin(
        vec![],
        vec![
            claim("immediate", json!({}), json!({})),
            claim("lost", json!({"volumeName": "gone"}), json!({})),
        ],
        vec![wffc],
    );
    let mut state = CycleState::default();
    let no_claims = named_pod("p", json!({"containers": [{"name": "c", "image": "i"}]}));
    assert_eq!(
        run(&p, &no_claims, &mut state).unwrap_err().code,
        Code::Skip
    );

    let status = run(&p, &pod_using("p", &["missing"]), &mut state).unwrap_err();
    assert_eq!(status.code, Code::UnschedulableAndUnresolvable);
    assert_eq!(
        status.message(),
        "persistentvolumeclaim \"missing\" not found"
    );

    let status = run(&p, &pod_using("p", &["immediate"]), &mut state).unwrap_err();
    assert_eq!(status.message(), REASON_UNBOUND_IMMEDIATE);
    // Pre-bound by the user (volumeName set) but not bound yet: also immediate.
    let status = run(&p, &pod_using("p", &["lost"]), &mut state).unwrap_err();
    assert_eq!(status.message(), REASON_UNBOUND_IMMEDIATE);

    let ephemeral = named_pod(
        "web",
        json!({"containers": [{"name": "c", "image": "i"}],
               "volumes": [{"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {}}}}]}),
    );
    let status = run(&p, &ephemeral, &mut state).unwrap_err();
    assert_eq!(
        status.message(),
        "waiting for ephemeral volume controller to create the persistentvolumeclaim \"web-scratch\""
    );
}

#[test]
fn bound_claims_follow_their_volumes_node_affinity() {
    let bound = |name: &str, volume: &str| {
        claim(
            name,
            json!({"volumeName": volume, "storageClassName": "local"}),
            json!({ANN_BIND_COMPLETED: "yes"}),
        )
    };
    let p = plugin(
        vec![local_pv("pv-b", "b", json!({}))],
        vec![bound("data", "pv-b"), bound("orphan", "deleted")],
        vec![],
    );
    let mut state = CycleState::default();
    assert_eq!(
        run(&p, &pod_using("p", &["data"]), &mut state).unwrap(),
        [REASON_NODE_CONFLICT, ""]
    );
    assert_eq!(
        run(&p, &pod_using("p", &["orphan"]), &mut state).unwrap(),
        [REASON_PV_NOT_EXIST, REASON_PV_NOT_EXIST]
    );
}

#[test]
fn a_reserved_volume_is_hidden_from_the_next_pod_until_unreserved() {
    let wffc = class(
        "local",
        NOT_SUPPORTED_PROVISIONER,
        "WaitForFirstConsumer",
        json!({}),
    );
    let delayed = |name: &str| claim(name, json!({"storageClassName": "local"}), json!({}));
    let p = plugin(
        vec![
            local_pv("pv-a", "a", json!({})),
            local_pv("pv-b", "b", json!({})),
        ],
        vec![delayed("one"), delayed("two"), delayed("three")],
        vec![wffc],
    );
    let first = pod_using("first", &["one"]);
    let mut state = CycleState::default();
    assert_eq!(run(&p, &first, &mut state).unwrap(), ["", ""]);
    assert!(p.reserve(&mut state, &first.pod, "a").is_success());
    assert_eq!(
        p.volumes
            .lock()
            .reserved_for("pv-a")
            .map(|c| c.name.as_str()),
        Some("one")
    );

    // The next pod finds node a without a free volume.
    let second = pod_using("second", &["two"]);
    let mut second_state = CycleState::default();
    assert_eq!(
        run(&p, &second, &mut second_state).unwrap(),
        [REASON_BIND_CONFLICT, ""]
    );
    assert!(p.reserve(&mut second_state, &second.pod, "b").is_success());

    // A pod needing both claims on one node finds no node then; after the first pod's cycle
    // fails (Unreserve), node a works again for a third pod.
    let third = pod_using("third", &["three"]);
    assert_eq!(
        run(&p, &third, &mut CycleState::default()).unwrap(),
        [REASON_BIND_CONFLICT, REASON_BIND_CONFLICT]
    );
    p.unreserve(&mut state, &first.pod, "a");
    assert_eq!(p.volumes.lock().reserved_for("pv-a"), None);
    assert_eq!(
        run(&p, &third, &mut CycleState::default()).unwrap(),
        ["", REASON_BIND_CONFLICT]
    );
}

#[test]
fn claims_without_a_volume_need_a_provisioner_that_allows_the_node() {
    let topology = json!({"allowedTopologies": [{"matchLabelExpressions": [
        {"key": "zone", "values": ["zone-b"]}]}]});
    let p = plugin(
        vec![],
        vec![
            claim("dynamic", json!({"storageClassName": "fast"}), json!({})),
            claim("static", json!({"storageClassName": "local"}), json!({})),
            claim(
                "chosen",
                json!({"storageClassName": "fast"}),
                json!({ANN_SELECTED_NODE: "a"}),
            ),
        ],
        vec![
            class("fast", "example.com/csi", "WaitForFirstConsumer", topology),
            class(
                "local",
                NOT_SUPPORTED_PROVISIONER,
                "WaitForFirstConsumer",
                json!({}),
            ),
        ],
    );
    let mut state = CycleState::default();
    let dynamic = pod_using("p", &["dynamic"]);
    assert_eq!(
        run(&p, &dynamic, &mut state).unwrap(),
        [REASON_BIND_CONFLICT, ""]
    );
    assert!(p.reserve(&mut state, &dynamic.pod, "b").is_success());
    assert_eq!(p.volumes.lock().provision_node("ns/dynamic"), Some("b"));
    p.unreserve(&mut state, &dynamic.pod, "b");
    assert_eq!(p.volumes.lock().provision_node("ns/dynamic"), None);

    assert_eq!(
        run(&p, &pod_using("p", &["static"]), &mut state).unwrap(),
        [REASON_BIND_CONFLICT, REASON_BIND_CONFLICT]
    );
    // A claim already given a node goes only there (and there only if the class allows it).
    assert_eq!(
        run(&p, &pod_using("p", &["chosen"]), &mut state).unwrap(),
        [REASON_BIND_CONFLICT, REASON_BIND_CONFLICT]
    );
}

#[test]
fn pod_volumes_that_are_all_bound_need_no_binding() {
    let p = plugin(
        vec![local_pv("pv-a", "a", json!({}))],
        vec![claim(
            "data",
            json!({"volumeName": "pv-a"}),
            json!({ANN_BIND_COMPLETED: "yes"}),
        )],
        vec![],
    );
    let pod = pod_using("p", &["data"]);
    let mut state = CycleState::default();
    assert_eq!(
        run(&p, &pod, &mut state).unwrap(),
        ["", REASON_NODE_CONFLICT]
    );
    assert!(p.reserve(&mut state, &pod.pod, "a").is_success());
    assert!(
        state
            .read::<StateData>(STATE_KEY)
            .is_some_and(|d| d.reserved.is_none()),
        "nothing to bind: PreBind does nothing"
    );
}

#[test]
fn args_are_checked() {
    let handle = Handle::default();
    assert!(VolumeBinding::new(Some(&json!({"bindTimeoutSeconds": 5})), &handle).is_ok());
    let error = VolumeBinding::new(Some(&json!({"bindTimeoutSeconds": -1})), &handle)
        .err()
        .unwrap();
    assert!(
        error.to_string().contains("should not be a negative value"),
        "{error}"
    );
    assert!(VolumeBinding::new(Some(&json!({"bindTimeout": 5})), &handle).is_err());
}
