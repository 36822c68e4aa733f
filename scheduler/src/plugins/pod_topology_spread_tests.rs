//! Cases from upstream's `filtering_test.go`, `scoring_test.go` and `plugin_test.go`.
//!
//! Notation: nodes are `node-<letter>`; a spread `"a2 b1 y3"` puts two pods on node-a, one on
//! node-b and three on node-y; expected Filter codes read `"SUX"` (Success, Unschedulable,
//! UnschedulableAndUnresolvable), one per node.

use std::sync::Arc;

use serde_json::{Value, json};

use super::*;
use crate::framework::Code;
use crate::plugins::test_util::node;

fn list_plugin() -> PodTopologySpread {
    PodTopologySpread::new(Some(&json!({"defaultingType": "List"}))).expect("plugin")
}

/// The labels `foo: ""`.
fn foo() -> Value {
    json!({"foo": ""})
}

fn exists(key: &str) -> Value {
    json!({"matchExpressions": [{"key": key, "operator": "Exists"}]})
}

/// `value` with the fields of `extra` added.
fn merged(mut value: Value, extra: Value) -> Value {
    if let (Some(v), Value::Object(extra)) = (value.as_object_mut(), extra) {
        v.extend(extra);
    }
    value
}

/// A constraint; `extra` adds fields (minDomains, policies, matchLabelKeys).
fn tsc(max_skew: i32, key: &str, action: &str, selector: Value, extra: Value) -> Value {
    let c = json!({"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": action});
    let c = if selector.is_null() {
        c
    } else {
        merged(c, json!({"labelSelector": selector}))
    };
    merged(c, extra)
}

fn hard(max_skew: i32, key: &str, selector: Value) -> Value {
    tsc(max_skew, key, DO_NOT_SCHEDULE, selector, json!({}))
}

fn soft(max_skew: i32, key: &str, selector: Value) -> Value {
    tsc(max_skew, key, SCHEDULE_ANYWAY, selector, json!({}))
}

fn pod_from(metadata: Value, spec: Value) -> PodInfo {
    let spec = merged(json!({"containers": [{"name": "c", "image": "i"}]}), spec);
    let metadata = merged(json!({"name": "p", "namespace": "default"}), metadata);
    let pod = serde_json::from_value(json!({"metadata": metadata, "spec": spec}));
    PodInfo::new(Arc::new(pod.expect("test pod")))
}

/// The pod `default/p` with these labels and constraints.
fn incoming(labels: Value, constraints: Value) -> PodInfo {
    pod_from(
        json!({"labels": labels}),
        json!({"topologySpreadConstraints": constraints}),
    )
}

/// A pod with `foo` whose spec is `spec` plus one constraint.
fn foo_pod(constraint: Value, spec: Value) -> PodInfo {
    let spec = merged(json!({"topologySpreadConstraints": [constraint]}), spec);
    pod_from(json!({"labels": foo()}), spec)
}

/// A pod with `foo` and one hard constraint on `foo` pods.
fn hard_foo(max_skew: i32, key: &str) -> PodInfo {
    foo_pod(hard(max_skew, key, exists("foo")), json!({}))
}

/// A pod with `foo` and one soft constraint on `foo` pods.
fn soft_foo(max_skew: i32, key: &str) -> PodInfo {
    foo_pod(soft(max_skew, key, exists("foo")), json!({}))
}

/// Nodes with these labels; a `!taints` entry is taken out and becomes the node's taints.
fn nodes(list: &[(&str, Value)]) -> Vec<NodeInfo> {
    let to_node = |(name, labels): &(&str, Value)| {
        let mut labels = labels.clone();
        let taints = labels.as_object_mut().and_then(|l| l.remove("!taints"));
        let n = json!({"metadata": {"name": name, "labels": labels}, "spec": {"taints": taints}});
        NodeInfo::new(node(n))
    };
    list.iter().map(to_node).collect()
}

const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";

fn tainted() -> Value {
    json!([{"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule"}])
}

/// node-a, node-b in zone1 and node-x, node-y in zone2, each labelled `node=<name>`.
fn four_nodes() -> Vec<NodeInfo> {
    nodes(&[
        ("node-a", json!({"zone": "zone1", "node": "node-a"})),
        ("node-b", json!({"zone": "zone1", "node": "node-b"})),
        ("node-x", json!({"zone": "zone2", "node": "node-x"})),
        ("node-y", json!({"zone": "zone2", "node": "node-y"})),
    ])
}

/// `node-<letter>` for each letter, labelled with `key=<name>`.
fn keyed_nodes(letters: &str, key: &str) -> Vec<NodeInfo> {
    let list: Vec<(String, Value)> = letters
        .chars()
        .map(|l| (format!("node-{l}"), json!({key: format!("node-{l}")})))
        .collect();
    let refs: Vec<(&str, Value)> = list.iter().map(|(n, l)| (n.as_str(), l.clone())).collect();
    nodes(&refs)
}

/// Like [`four_nodes`] with `kubernetes.io/hostname` instead of `node`.
fn zoned_host_nodes() -> Vec<NodeInfo> {
    nodes(&[
        ("node-a", json!({"zone": "zone1", LABEL_HOSTNAME: "node-a"})),
        ("node-b", json!({"zone": "zone1", LABEL_HOSTNAME: "node-b"})),
        ("node-x", json!({"zone": "zone2", LABEL_HOSTNAME: "node-x"})),
        ("node-y", json!({"zone": "zone2", LABEL_HOSTNAME: "node-y"})),
    ])
}

/// Adds pods with this metadata (namespace `default` unless given) as `spread` says.
fn put_meta(all: &mut [NodeInfo], spread: &str, metadata: Value) {
    for item in spread.split_whitespace() {
        let (letter, count) = item.split_at(1);
        let name = format!("node-{letter}");
        let target = all.iter_mut().find(|n| n.name() == name).expect("node");
        for _ in 0..count.parse::<usize>().expect("count") {
            let pod_name = format!("{name}-{}", target.pods.len());
            let meta = merged(metadata.clone(), json!({"name": pod_name}));
            let meta = merged(json!({"namespace": "default"}), meta);
            target.add_pod(pod_from(meta, json!({})));
        }
    }
}

/// Metadata of a `foo` pod in namespace `ns`.
fn in_namespace(ns: &str) -> Value {
    json!({"namespace": ns, "labels": foo()})
}

/// Metadata of a terminating `foo` pod.
fn terminating() -> Value {
    json!({"labels": foo(), "deletionTimestamp": "2024-01-01T00:00:00Z"})
}

/// Adds pods with these labels as `spread` says.
fn put(all: &mut [NodeInfo], spread: &str, labels: Value) {
    put_meta(all, spread, json!({"labels": labels}));
}

/// Filter's code on each node as a letter (`S`, `U`, `X`), after PreFilter on all of them.
fn filter_with(plugin: &PodTopologySpread, pod: &PodInfo, all: &[NodeInfo]) -> String {
    let mut state = CycleState::default();
    let refs: Vec<&NodeInfo> = all.iter().collect();
    let status = plugin.pre_filter(&mut state, pod, &refs);
    assert!(status.is_success(), "{status:?}");
    let letter = |n: &NodeInfo| match plugin.filter(&state, pod, n).code {
        Code::Success => 'S',
        Code::Unschedulable => 'U',
        Code::UnschedulableAndUnresolvable => 'X',
        other => panic!("unexpected {other:?}"),
    };
    all.iter().map(letter).collect()
}

fn filter(pod: &PodInfo, all: &[NodeInfo]) -> String {
    filter_with(&list_plugin(), pod, all)
}

/// PreFilter on every node, then PreScore, Score and NormalizeScore on the `feasible` ones
/// (letters).
fn scores_with(
    plugin: &PodTopologySpread,
    pod: &PodInfo,
    all: &[NodeInfo],
    feasible: &str,
) -> Vec<i64> {
    let mut state = CycleState::default();
    let refs: Vec<&NodeInfo> = all.iter().collect();
    let status = plugin.pre_filter(&mut state, pod, &refs);
    assert!(
        matches!(status.code, Code::Success | Code::Skip),
        "{status:?}"
    );
    let wanted = |n: &&NodeInfo| {
        n.name()
            .strip_prefix("node-")
            .is_some_and(|l| feasible.contains(l))
    };
    let feasible: Vec<&NodeInfo> = all.iter().filter(wanted).collect();
    let status = plugin.pre_score(&mut state, pod, &feasible);
    assert!(status.is_success(), "{status:?}");
    let score = |n: &&NodeInfo| NodeScore {
        name: n.name().to_owned(),
        score: plugin.score(&state, pod, n).expect("score"),
    };
    let mut out: Vec<NodeScore> = feasible.iter().map(score).collect();
    assert!(plugin.normalize(&state, pod, &mut out).is_success());
    out.into_iter().map(|s| s.score).collect()
}

fn scores(pod: &PodInfo, all: &[NodeInfo], feasible: &str) -> Vec<i64> {
    scores_with(&list_plugin(), pod, all, feasible)
}

fn affinity(operator: &str, values: Value) -> Value {
    let term =
        json!({"matchExpressions": [{"key": "node", "operator": operator, "values": values}]});
    json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
        {"nodeSelectorTerms": [term]}}}})
}

#[test]
fn single_constraint_filter() {
    let spread = "a2 b1 y3";
    let cases = [
        ("3/3 across zones: all fit", hard_foo(1, "zone"), "SSSS"),
        ("2/1/0/3 on nodes: only node-x", hard_foo(1, "node"), "UUSU"),
        ("2/1/0/3, maxSkew 2", hard_foo(2, "node"), "USSU"),
        (
            "the pod does not match itself",
            incoming(json!({"bar": ""}), json!([hard(1, "node", exists("foo"))])),
            "USSU",
        ),
        (
            "nodeAffinity: 2/~1~/~0~/3",
            foo_pod(
                hard(1, "node", exists("foo")),
                affinity("In", json!(["node-a", "node-y"])),
            ),
            "SSSU",
        ),
        (
            "null selector: no pod counts",
            foo_pod(hard(1, "node", Value::Null), json!({})),
            "SSSS",
        ),
    ];
    for (name, pod, want) in cases {
        let mut all = four_nodes();
        put(&mut all, spread, foo());
        assert_eq!(filter(&pod, &all), want, "{name}");
    }
    // 0/~2~/0/1 by zone: node-b does not count.
    let pod = foo_pod(
        hard(1, "zone", exists("foo")),
        affinity("NotIn", json!(["node-b"])),
    );
    let mut all = four_nodes();
    put(&mut all, "b2 y1", foo());
    assert_eq!(filter(&pod, &all), "SSUU");
}

#[test]
fn missing_topology_label_is_unresolvable() {
    let pod = hard_foo(1, "zone");
    let mut all = nodes(&[
        ("node-a", json!({"zone": "zone1"})),
        ("node-b", json!({"zon": "zone1"})),
        ("node-x", json!({"zone": "zone2"})),
        ("node-y", json!({"zone": "zone2"})),
    ]);
    put(&mut all, "a1 b1 x1 y1", foo());
    assert_eq!(filter(&pod, &all), "SXUU");
    let rack = hard_foo(1, "rack");
    assert_eq!(filter(&rack, &all), "XXXX");
    let mut state = CycleState::default();
    let refs: Vec<&NodeInfo> = all.iter().collect();
    let plugin = list_plugin();
    assert!(plugin.pre_filter(&mut state, &pod, &refs).is_success());
    let reasons = |i: usize| plugin.filter(&state, &pod, &all[i]).reasons;
    assert_eq!(reasons(1), [ERR_REASON_NODE_LABEL_NOT_MATCH]);
    assert_eq!(reasons(2), [ERR_REASON_CONSTRAINTS_NOT_MATCH]);
}

#[test]
fn terminating_and_foreign_pods_do_not_count() {
    let pod = hard_foo(1, "zone");
    let mut all = four_nodes();
    put(&mut all, "a1 b1 y1", foo());
    put_meta(&mut all, "a1", in_namespace("ns1"));
    put_meta(&mut all, "y1", in_namespace("ns2"));
    assert_eq!(filter(&pod, &all), "UUSS");
    let pod = hard_foo(1, "node");
    let mut all = keyed_nodes("ab", "node");
    put_meta(&mut all, "a1", terminating());
    put(&mut all, "b1", foo());
    assert_eq!(filter(&pod, &all), "SU");
}

#[test]
fn min_domains() {
    let with_min = |key: &str, min: i32| {
        let c = tsc(
            2,
            key,
            DO_NOT_SCHEDULE,
            exists("foo"),
            json!({"minDomains": min}),
        );
        foo_pod(c, json!({}))
    };
    let mut all = keyed_nodes("abc", "node");
    put(&mut all, "a2 b2 c1", foo());
    // Three domains, fewer than 4: the global minimum is taken as 0.
    assert_eq!(filter(&with_min("node", 4), &all), "UUS");
    assert_eq!(filter(&with_min("node", 2), &all), "SSS");
    let mut all = four_nodes();
    put(&mut all, "a1 b1 y1", foo());
    assert_eq!(filter(&with_min("zone", 3), &all), "UUSS");
    assert_eq!(filter(&with_min("zone", 1), &all), "SSSS");
}

#[test]
fn node_inclusion_policies() {
    let labelled = || {
        let mut all = nodes(&[
            ("node-a", json!({"node": "node-a", "foo": ""})),
            ("node-b", json!({"node": "node-b", "foo": ""})),
            ("node-x", json!({"node": "node-x", "foo": ""})),
            ("node-y", json!({"node": "node-y", "!taints": tainted()})),
        ]);
        put(&mut all, "a1 b1 y1", foo());
        all
    };
    let selector = json!({"nodeSelector": {"foo": ""}});
    let term = json!({"matchExpressions": [{"key": "foo", "operator": "In", "values": [""]}]});
    let affinity = json!({"affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}}});
    let ignore = json!({"nodeAffinityPolicy": "Ignore"});
    let honor_taints = json!({"nodeTaintsPolicy": "Honor"});
    let cases = [
        ("honor nodeSelector", json!({}), selector.clone(), "UUSS"),
        ("ignore nodeSelector", ignore.clone(), selector, "UUSU"),
        ("honor nodeAffinity", json!({}), affinity.clone(), "UUSS"),
        ("ignore nodeAffinity", ignore, affinity, "UUSU"),
        ("honor taints", honor_taints, json!({}), "UUSS"),
        ("ignore taints", json!({}), json!({}), "UUSU"),
    ];
    for (name, policy, spec, want) in cases {
        let pod = foo_pod(tsc(1, "node", DO_NOT_SCHEDULE, exists("foo"), policy), spec);
        assert_eq!(filter(&pod, &labelled()), want, "{name}");
    }
}

#[test]
fn multiple_constraints_filter() {
    let foo_bar = || json!({"foo": "", "bar": ""});
    let zone_foo = hard(1, "zone", exists("foo"));
    let by_foo = [zone_foo.clone(), hard(1, "node", exists("foo"))];
    let same = incoming(foo_bar(), json!(by_foo));
    let different = incoming(foo_bar(), json!([zone_foo, hard(1, "node", exists("bar"))]));
    // (pod, pods with foo, pods with bar, pods with both, expected)
    let cases = [
        ("[3/3, 2/1/0/3]", &same, "a2 b1 y3", "", "", "UUSU"),
        ("[3/4, 2/1/0/4]", &same, "a2 b1 y4", "", "", "UUUU"),
        ("[1/0, 1/0/0/1]", &different, "a1", "y1", "", "UUSU"),
        ("[1/0, 0/0/1/1]", &different, "a1", "x1 y1", "", "UUUU"),
        ("[2/3, 1/0/0/1]", &different, "a1 y2", "", "a1 y1", "USUU"),
    ];
    for (name, pod, with_foo, bar, both, want) in cases {
        let mut all = four_nodes();
        put(&mut all, with_foo, foo());
        put(&mut all, bar, json!({"bar": ""}));
        put(&mut all, both, foo_bar());
        assert_eq!(filter(pod, &all), want, "{name}");
    }
}

#[test]
fn match_label_keys_narrow_the_selector() {
    let keys = json!({"matchLabelKeys": ["rev", "absent"]});
    let c = tsc(1, "node", DO_NOT_SCHEDULE, exists("foo"), keys);
    let pod = incoming(json!({"foo": "", "rev": "1"}), json!([c]));
    let mut all = four_nodes();
    put(&mut all, "a1 b1 x1", json!({"foo": "", "rev": "1"}));
    put(&mut all, "y3", json!({"foo": "", "rev": "2"}));
    // Only rev=1 pods count: node-y is empty for this revision.
    assert_eq!(filter(&pod, &all), "UUUS");
}

#[test]
fn pre_filter_skips_or_fails() {
    let all = four_nodes();
    let refs: Vec<&NodeInfo> = all.iter().collect();
    let plugin = list_plugin();
    let pre_filter = |pod: &PodInfo, state: &mut CycleState| plugin.pre_filter(state, pod, &refs);
    let mut state = CycleState::default();
    assert_eq!(
        pre_filter(&soft_foo(1, "zone"), &mut state).code,
        Code::Skip
    );
    let none = incoming(json!({}), json!([]));
    assert_eq!(pre_filter(&none, &mut state).code, Code::Skip);
    let bad = json!({"matchExpressions": [{"key": "foo", "operator": "Bogus", "values": ["x"]}]});
    let pod = foo_pod(hard(1, "zone", bad.clone()), json!({}));
    assert_eq!(pre_filter(&pod, &mut state).code, Code::Error);
    // Without PreFilter's state, Filter fails with an error, not a panic.
    let status = plugin.filter(&CycleState::default(), &pod, &all[0]);
    assert_eq!(status.code, Code::Error);
    // A bad soft selector fails PreScore, as upstream.
    let pod = foo_pod(soft(1, "zone", bad), json!({}));
    let mut state = CycleState::default();
    assert_eq!(pre_filter(&pod, &mut state).code, Code::Skip);
    let status = plugin.pre_score(&mut state, &pod, &refs);
    assert_eq!(status.code, Code::Error);
}

#[test]
fn score_one_hostname_constraint() {
    let pod = |max_skew| soft_foo(max_skew, LABEL_HOSTNAME);
    let cases = [
        ("no pods", 1, "", "ab", vec![100, 100]),
        ("one candidate", 1, "a2 b1", "a", vec![100]),
        ("same counts", 1, "a1 b1", "ab", vec![100, 100]),
        ("2/1/0/3", 1, "a2 b1 d3", "abcd", vec![20, 60, 100, 0]),
        ("maxSkew 2", 2, "a2 b1 d3", "abcd", vec![33, 66, 100, 16]),
        ("maxSkew 3", 3, "a4 b3 c2 d1", "abcd", vec![44, 66, 77, 100]),
        ("4/2/1/~3~", 1, "a4 b2 c1 d3", "abc", vec![33, 83, 100]),
    ];
    for (name, max_skew, spread, feasible, want) in cases {
        let mut all = keyed_nodes("abcd", LABEL_HOSTNAME);
        put(&mut all, spread, foo());
        assert_eq!(scores(&pod(max_skew), &all, feasible), want, "{name}");
    }
    let null = foo_pod(soft(1, LABEL_HOSTNAME, Value::Null), json!({}));
    let mut all = keyed_nodes("abcd", LABEL_HOSTNAME);
    put(&mut all, "a2 b1 d3", foo());
    assert_eq!(scores(&null, &all, "abcd"), [100, 100, 100, 100]);
}

#[test]
fn score_ignores_nodes_without_the_label() {
    // 4/?2?/1/~3~: node-b lacks the hostname label and scores 0.
    let pod = soft_foo(1, LABEL_HOSTNAME);
    let mut all = nodes(&[
        ("node-a", json!({LABEL_HOSTNAME: "node-a"})),
        ("node-b", json!({"n": "node-b"})),
        ("node-x", json!({LABEL_HOSTNAME: "node-x"})),
        ("node-y", json!({LABEL_HOSTNAME: "node-y"})),
    ]);
    put(&mut all, "a4 b2 x1 y3", foo());
    assert_eq!(scores(&pod, &all, "abx"), [16, 0, 100]);
}

#[test]
fn score_counts_pods_of_infeasible_nodes_in_feasible_domains() {
    let pod = soft_foo(1, "zone");
    let mut all = zoned_host_nodes();
    put(&mut all, "a4 b2 x1 y3", foo());
    assert_eq!(scores(&pod, &all, "abx"), [75, 75, 100]);
    let host = soft(1, LABEL_HOSTNAME, exists("foo"));
    let pod = incoming(foo(), json!([soft(1, "zone", exists("foo")), host]));
    let mut all = zoned_host_nodes();
    put(&mut all, "a2 b1 x2 y4", foo());
    assert_eq!(scores(&pod, &all, "ax"), [100, 63]);
}

#[test]
fn score_with_different_selectors() {
    let host = soft(1, LABEL_HOSTNAME, exists("bar"));
    let constraints = json!([soft(1, "zone", exists("foo")), host]);
    let pod = incoming(json!({"foo": "", "bar": ""}), constraints);
    // (pods with foo, pods with bar, pods with both, feasible, expected)
    let cases = [
        ("a1 y1", "y1", "b1", "abxy", vec![60, 20, 100, 60]),
        ("x1", "b1", "y1", "abxy", vec![100, 60, 40, 0]),
        ("a1 y1", "y1", "b1", "abx", vec![50, 25, 100]),
    ];
    for (with_foo, bar, both, feasible, want) in cases {
        let mut all = zoned_host_nodes();
        put(&mut all, with_foo, foo());
        put(&mut all, bar, json!({"bar": ""}));
        put(&mut all, both, json!({"foo": "", "bar": ""}));
        assert_eq!(scores(&pod, &all, feasible), want);
    }
}

#[test]
fn score_skips_terminating_and_foreign_pods() {
    let pod = soft_foo(1, LABEL_HOSTNAME);
    let mut all = keyed_nodes("ab", LABEL_HOSTNAME);
    put_meta(&mut all, "a1", in_namespace("ns1"));
    put(&mut all, "a1 b2", foo());
    assert_eq!(scores(&pod, &all, "ab"), [100, 33]);
    let mut all = keyed_nodes("ab", LABEL_HOSTNAME);
    put_meta(&mut all, "a1", terminating());
    put(&mut all, "b1", foo());
    assert_eq!(scores(&pod, &all, "ab"), [100, 0]);
}

#[test]
fn score_policies_and_min_domains() {
    let three = || {
        let mut all = nodes(&[
            ("node-a", json!({"node": "node-a", "foo": ""})),
            ("node-b", json!({"node": "node-b", "foo": ""})),
            ("node-c", json!({"node": "node-c", "!taints": tainted()})),
        ]);
        put(&mut all, "a2 b1 c1", foo());
        all
    };
    let node_selector = json!({"nodeSelector": {"foo": ""}});
    let ignore_affinity = json!({"nodeAffinityPolicy": "Ignore"});
    let honor_taints = json!({"nodeTaintsPolicy": "Honor"});
    let cases = [
        (json!({}), node_selector.clone(), vec![0, 33, 100]),
        (ignore_affinity, node_selector, vec![66, 100, 100]),
        (honor_taints, json!({}), vec![0, 33, 100]),
        (json!({}), json!({}), vec![66, 100, 100]),
        // minDomains has no effect on soft constraints.
        (json!({"minDomains": 10}), json!({}), vec![66, 100, 100]),
    ];
    for (extra, spec, want) in cases {
        let name = extra.to_string();
        let pod = foo_pod(tsc(1, "node", SCHEDULE_ANYWAY, exists("foo"), extra), spec);
        assert_eq!(scores(&pod, &three(), "abc"), want, "{name}");
    }
}

fn owned_by(kind: &str, labels: Value) -> Value {
    let owner = json!({"apiVersion": "apps/v1", "kind": kind, "name": "rs1", "uid": "uid-rs1",
        "controller": true});
    json!({"labels": labels, "ownerReferences": [owner]})
}

#[test]
fn system_defaults_spread_pods_of_the_same_controller() {
    let system = PodTopologySpread::new(None).expect("plugin");
    let pod = pod_from(owned_by("ReplicaSet", foo()), json!({}));
    let mut all = keyed_nodes("abcd", LABEL_HOSTNAME);
    put_meta(&mut all, "a4 b3 c2 d1", owned_by("ReplicaSet", foo()));
    // Same labels, no controller: not counted.
    put(&mut all, "d5", foo());
    // Nodes without a zone still score on hostname.
    assert_eq!(scores_with(&system, &pod, &all, "abcd"), [44, 66, 77, 100]);
    // System defaults are soft only.
    let refs: Vec<&NodeInfo> = all.iter().collect();
    let status = system.pre_filter(&mut CycleState::default(), &pod, &refs);
    assert_eq!(status.code, Code::Skip);
    // A pod without such a controller gets no defaults.
    for metadata in [json!({"labels": {"foo": ""}}), owned_by("Job", foo())] {
        let pod = pod_from(metadata, json!({}));
        let mut state = CycleState::default();
        assert_eq!(system.pre_filter(&mut state, &pod, &refs).code, Code::Skip);
        assert_eq!(system.pre_score(&mut state, &pod, &refs).code, Code::Skip);
    }
}

#[test]
fn list_defaults_apply_to_controlled_pods() {
    let c = json!({"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"});
    let args = json!({"defaultingType": "List", "defaultConstraints": [c]});
    let plugin = PodTopologySpread::new(Some(&args)).expect("plugin");
    let pod = pod_from(owned_by("StatefulSet", json!({})), json!({}));
    let mut all = four_nodes();
    put_meta(&mut all, "a1", owned_by("StatefulSet", json!({})));
    assert_eq!(filter_with(&plugin, &pod, &all), "UUSS");
}

#[test]
fn pre_score_state_domains_and_weights() {
    let system = PodTopologySpread::new(None).expect("plugin");
    let pod = pod_from(owned_by("ReplicaSet", json!({})), json!({}));
    let (host, zone) = (LABEL_HOSTNAME, LABEL_TOPOLOGY_ZONE);
    let all = nodes(&[
        ("node-a", json!({host: "node-a", zone: "mars"})),
        ("node-b", json!({host: "node-b", zone: "mars"})),
        ("node-c", json!({host: "node-c"})),
        ("node-d", json!({host: "node-d"})),
    ]);
    let refs: Vec<&NodeInfo> = all.iter().collect();
    let mut state = CycleState::default();
    // Without PreFilter, PreScore counts the nodes it is given.
    assert!(system.pre_score(&mut state, &pod, &refs).is_success());
    let s = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY);
    let s = s.expect("state");
    assert_eq!(s.constraints.len(), 2);
    assert!(s.ignored.is_empty());
    // Nodes without a zone form the domain "".
    let mut zones: Vec<&String> = s.counts[1].keys().collect();
    zones.sort();
    assert_eq!(zones, ["", "mars"]);
    let w = topology_normalizing_weight;
    assert_eq!(s.weights, [w(4), w(2)]);
    // With the pod's own constraints, nodes missing a key are ignored.
    let own = [soft(1, "zone", exists("foo")), soft(1, host, exists("bar"))];
    let pod = incoming(foo(), json!(own));
    let all = nodes(&[
        ("node-a", json!({"zone": "zone1", host: "node-a"})),
        ("node-b", json!({"zone": "zone1", host: "node-b"})),
        ("node-x", json!({host: "node-x"})),
    ]);
    let refs: Vec<&NodeInfo> = all.iter().collect();
    let mut state = CycleState::default();
    let plugin = list_plugin();
    assert!(plugin.pre_score(&mut state, &pod, &refs).is_success());
    let s = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY);
    let s = s.expect("state");
    assert_eq!(s.ignored, HashSet::from(["node-x".to_owned()]));
    assert_eq!(s.weights, [w(1), w(2)]);
    let none = incoming(json!({}), json!([]));
    let status = plugin.pre_score(&mut CycleState::default(), &none, &refs);
    assert_eq!(status.code, Code::Skip);
}

#[test]
fn args() {
    let default = PodTopologySpread::new(None).expect("default");
    assert!(default.system_defaulted);
    assert!(PodTopologySpread::new(Some(&json!({"defaultingType": "System"}))).is_ok());
    let c = |extra: Value| {
        let c = json!({"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"});
        merged(c, extra)
    };
    let list = |list: Vec<Value>| json!({"defaultingType": "List", "defaultConstraints": list});
    let two = list(vec![
        c(json!({})),
        c(json!({"whenUnsatisfiable": SCHEDULE_ANYWAY})),
    ]);
    let plugin = PodTopologySpread::new(Some(&two)).expect("list");
    assert!(!plugin.system_defaulted);
    assert_eq!(plugin.default_constraints.len(), 2);
    let bad = [
        json!({"defaultingType": "Bogus"}),
        json!({"defaultConstraints": [c(json!({}))]}),
        list(vec![c(json!({"maxSkew": 0}))]),
        list(vec![c(json!({"topologyKey": ""}))]),
        list(vec![c(json!({"topologyKey": "not a key"}))]),
        list(vec![c(json!({"whenUnsatisfiable": "Sometimes"}))]),
        list(vec![c(json!({"labelSelector": {}}))]),
        list(vec![c(json!({})), c(json!({"maxSkew": 2}))]),
        json!({"defaultingTyp": "List"}),
    ];
    for args in bad {
        let result = PodTopologySpread::new(Some(&args));
        assert!(matches!(result, Err(Error::InvalidArgs { .. })), "{args}");
    }
}

#[test]
fn normalize_edge_cases() {
    let mut state = CycleState::default();
    let pre_score = PreScoreState {
        constraints: Vec::new(),
        ignored: HashSet::from(["gone".to_owned()]),
        counts: Vec::new(),
        weights: Vec::new(),
    };
    state.write(PRE_SCORE_STATE_KEY, pre_score);
    let pod = incoming(json!({}), json!([]));
    let named = |name: &str, score| {
        let name = name.to_owned();
        NodeScore { name, score }
    };
    let mut list = vec![named("gone", 7), named("n1", 0), named("n2", 0)];
    let plugin = list_plugin();
    assert!(plugin.normalize(&state, &pod, &mut list).is_success());
    let got: Vec<i64> = list.iter().map(|s| s.score).collect();
    assert_eq!(got, [0, 100, 100]);
    let status = plugin.normalize(&CycleState::default(), &pod, &mut list);
    assert_eq!(status.code, Code::Error);
    let status = plugin.score(&CycleState::default(), &pod, &four_nodes()[0]);
    assert!(status.is_err());
}

#[test]
fn remembered_counts_follow_the_nodes_pods() {
    // One plugin across cycles: a node whose pods change is recounted, the others reused.
    let plugin = PodTopologySpread::new(None).unwrap();
    let incoming = hard_foo(1, "zone");
    let mut all = four_nodes();
    let zone_counts = |nodes: &[NodeInfo]| {
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let constraints = plugin.constraints(&incoming.pod, DO_NOT_SCHEDULE).unwrap();
        let counts = count_domains(&plugin.memo, &constraints, &incoming.pod, &refs, true, true);
        let mut zones: Vec<(String, i64)> = counts[0].to_map().into_iter().collect();
        zones.sort();
        zones
    };
    assert_eq!(
        zone_counts(&all),
        [("zone1".into(), 0), ("zone2".into(), 0)]
    );
    all[0].add_pod(pod_from(json!({"name": "a1", "labels": foo()}), json!({})));
    all[3].add_pod(pod_from(json!({"name": "y1", "labels": foo()}), json!({})));
    all[3].add_pod(pod_from(json!({"name": "y2", "labels": foo()}), json!({})));
    assert_eq!(
        zone_counts(&all),
        [("zone1".into(), 1), ("zone2".into(), 2)]
    );
    all[3].remove_pod("default/y1");
    assert_eq!(
        zone_counts(&all),
        [("zone1".into(), 1), ("zone2".into(), 1)]
    );
}
