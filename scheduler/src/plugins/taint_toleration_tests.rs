//! Ports of upstream's `taint_toleration_test.go` (without the 1.35 alpha `Gt`/`Lt`
//! toleration operators) and of the toleration matching cases of `core/v1` helpers.

use serde_json::{Value, json};

use super::*;
use crate::framework::{Code, NodeInfo};
use crate::plugins::test_util::{node, pod, run_score};

fn node_with_taints(name: &str, taints: Value) -> NodeInfo {
    NodeInfo::new(node(
        json!({"metadata": {"name": name}, "spec": {"taints": taints}}),
    ))
}

fn pod_with_tolerations(tolerations: Value) -> PodInfo {
    pod(json!({"containers": [], "tolerations": tolerations}))
}

fn taint(key: &str, value: &str, effect: &str) -> Taint {
    serde_json::from_value(json!({"key": key, "value": value, "effect": effect})).unwrap()
}

fn toleration(value: Value) -> Toleration {
    serde_json::from_value(value).unwrap()
}

#[test]
fn toleration_matching() {
    let t = taint("foo", "bar", "NoSchedule");
    let cases = [
        (
            json!({"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"}),
            true,
        ),
        (
            json!({"key": "foo", "value": "bar", "effect": "NoSchedule"}),
            true,
        ),
        (
            json!({"key": "foo", "operator": "Equal", "value": "baz", "effect": "NoSchedule"}),
            false,
        ),
        (
            json!({"key": "foo", "operator": "Exists", "effect": "NoSchedule"}),
            true,
        ),
        (json!({"key": "foo", "operator": "Exists"}), true),
        (json!({"operator": "Exists"}), true),
        (json!({"key": "other", "operator": "Exists"}), false),
        (
            json!({"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoExecute"}),
            false,
        ),
        (
            json!({"key": "foo", "operator": "Equal", "value": "bar"}),
            true,
        ),
        (
            json!({"key": "foo", "operator": "Gt", "value": "bar"}),
            false,
        ),
    ];
    for (tol, want) in cases {
        assert_eq!(
            toleration_tolerates_taint(&toleration(tol.clone()), &t),
            want,
            "{tol}"
        );
    }
    // A taint without a value is matched by an Equal toleration without one.
    let unschedulable = taint("node.kubernetes.io/unschedulable", "", "NoSchedule");
    let tol =
        toleration(json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}));
    assert!(toleration_tolerates_taint(&tol, &unschedulable));
}

#[test]
fn filter() {
    let cases = [
        (
            "A pod having no tolerations can't be scheduled onto a node with nonempty taints",
            json!([]),
            json!([{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]),
            false,
        ),
        (
            "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
            json!([{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]),
            json!([{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]),
            true,
        ),
        (
            "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
            json!([{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}]),
            json!([{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]),
            false,
        ),
        (
            "A toleration with operator Exists tolerates the taints on the node",
            json!([{"key": "foo", "operator": "Exists", "effect": "NoSchedule"}]),
            json!([{"key": "foo", "value": "bar", "effect": "NoSchedule"}]),
            true,
        ),
        (
            "multiple tolerations, multiple taints, all tolerated",
            json!([
                {"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"},
                {"key": "foo", "operator": "Exists", "effect": "NoSchedule"},
            ]),
            json!([
                {"key": "dedicated", "value": "user2", "effect": "NoSchedule"},
                {"key": "foo", "value": "bar", "effect": "NoSchedule"},
            ]),
            true,
        ),
        (
            "keys and values match but the (non-empty) effect doesn't",
            json!([{"key": "foo", "operator": "Equal", "value": "bar", "effect": "PreferNoSchedule"}]),
            json!([{"key": "foo", "value": "bar", "effect": "NoSchedule"}]),
            false,
        ),
        (
            "keys and values match and the toleration's effect is empty",
            json!([{"key": "foo", "operator": "Equal", "value": "bar"}]),
            json!([{"key": "foo", "value": "bar", "effect": "NoSchedule"}]),
            true,
        ),
        (
            "the toleration doesn't match but the taint is only PreferNoSchedule",
            json!([{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}]),
            json!([{"key": "dedicated", "value": "user1", "effect": "PreferNoSchedule"}]),
            true,
        ),
        (
            "no toleration, but the taint is only PreferNoSchedule",
            json!([]),
            json!([{"key": "dedicated", "value": "user1", "effect": "PreferNoSchedule"}]),
            true,
        ),
        (
            "an untolerated NoExecute taint rejects the pod",
            json!([{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}]),
            json!([{"key": "dedicated", "value": "user1", "effect": "NoExecute"}]),
            false,
        ),
    ];
    for (name, tolerations, taints, fits) in cases {
        let status = TaintToleration.filter(
            &CycleState::default(),
            &pod_with_tolerations(tolerations),
            &node_with_taints("nodeA", taints),
        );
        if fits {
            assert!(status.is_success(), "{name}: {status:?}");
        } else {
            assert_eq!(status.code, Code::UnschedulableAndUnresolvable, "{name}");
            assert_eq!(status.reasons, [ERR_REASON_UNTOLERATED], "{name}");
        }
    }
}

#[test]
fn score() {
    let prefer =
        |key: &str, value: &str| json!({"key": key, "value": value, "effect": "PreferNoSchedule"});
    let cases = [
        (
            "tolerated taints score higher than intolerable ones",
            json!([{"key": "foo", "operator": "Equal", "value": "bar", "effect": "PreferNoSchedule"}]),
            vec![
                json!([prefer("foo", "bar")]),
                json!([prefer("foo", "blah")]),
            ],
            vec![100, 0],
        ),
        (
            "the number of tolerated taints does not matter",
            json!([
                {"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": "PreferNoSchedule"},
                {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": "PreferNoSchedule"},
            ]),
            vec![
                json!([]),
                json!([prefer("cpu-type", "arm64")]),
                json!([prefer("cpu-type", "arm64"), prefer("disk-type", "ssd")]),
            ],
            vec![100, 100, 100],
        ),
        (
            "the more intolerable taints a node has, the lower its score",
            json!([{"key": "foo", "operator": "Equal", "value": "bar", "effect": "PreferNoSchedule"}]),
            vec![
                json!([]),
                json!([prefer("cpu-type", "arm64")]),
                json!([prefer("cpu-type", "arm64"), prefer("disk-type", "ssd")]),
            ],
            vec![100, 50, 0],
        ),
        (
            "only PreferNoSchedule taints and tolerations count",
            json!([
                {"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"},
                {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": "NoSchedule"},
            ]),
            vec![
                json!([]),
                json!([{"key": "cpu-type", "value": "arm64", "effect": "NoSchedule"}]),
                json!([prefer("cpu-type", "arm64"), prefer("disk-type", "ssd")]),
            ],
            vec![100, 100, 0],
        ),
        (
            "no taints and tolerations: lands on the node without taints",
            json!([]),
            vec![json!([]), json!([prefer("cpu-type", "arm64")])],
            vec![100, 0],
        ),
    ];
    for (name, tolerations, taints, want) in cases {
        let nodes: Vec<NodeInfo> = taints
            .into_iter()
            .enumerate()
            .map(|(i, t)| node_with_taints(&format!("node{i}"), t))
            .collect();
        let got = run_score(&TaintToleration, &pod_with_tolerations(tolerations), &nodes);
        assert_eq!(got, Ok(want), "{name}");
    }
}

#[test]
fn score_without_pre_score_matches() {
    let p = pod_with_tolerations(json!([]));
    let nodes = [node_with_taints(
        "n",
        json!([{"key": "a", "value": "b", "effect": "PreferNoSchedule"}]),
    )];
    let state = CycleState::default();
    assert_eq!(TaintToleration.score(&state, &p, &nodes[0]), Ok(1));
}
