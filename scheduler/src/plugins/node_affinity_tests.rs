//! Ports of upstream's `node_affinity_test.go` (`TestNodeAffinity`,
//! `TestNodeAffinityPriority`).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::*;
use crate::framework::Code;
use crate::plugins::test_util::{node, pod, run_score, score_with_state};

fn required(terms: Value) -> Value {
    json!({"containers": [], "affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}})
}

fn expr(key: &str, op: &str, values: &[&str]) -> Value {
    json!({"key": key, "operator": op, "values": values})
}

fn name_in(names: &[&str]) -> Value {
    json!({"key": "metadata.name", "operator": "In", "values": names})
}

fn node_info(name: &str, labels: Value) -> NodeInfo {
    NodeInfo::new(node(json!({"metadata": {"name": name, "labels": labels}})))
}

struct Case {
    name: &'static str,
    pod: Value,
    node: (&'static str, Value),
    args: Option<Value>,
    pre_filter: Option<Code>,
    node_names: Option<&'static [&'static str]>,
    filter: Option<&'static str>,
}

fn case(name: &'static str, pod: Value, labels: Value) -> Case {
    Case {
        name,
        pod,
        node: ("", labels),
        args: None,
        pre_filter: Some(Code::Success),
        node_names: None,
        filter: None,
    }
}

impl Case {
    fn on(mut self, node: &'static str) -> Self {
        self.node.0 = node;
        self
    }
    fn rejected(mut self, reason: &'static str) -> Self {
        self.filter = Some(reason);
        self
    }
    fn names(mut self, names: &'static [&'static str]) -> Self {
        self.node_names = Some(names);
        self
    }
    fn args(mut self, args: Value) -> Self {
        self.args = Some(args);
        self
    }
    fn pre_filter(mut self, code: Code) -> Self {
        self.pre_filter = Some(code);
        self
    }
    fn without_pre_filter(mut self) -> Self {
        self.pre_filter = None;
        self
    }
}

#[test]
fn filter() {
    let selector = |s: Value| json!({"containers": [], "nodeSelector": s});
    let gpu_exists_not_amd = required(json!([{"matchExpressions": [
        expr("GPU", "Exists", &[]), expr("GPU", "NotIn", &["AMD", "INTER"])]}]));
    let added_name_node2 = json!({"addedAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
        {"nodeSelectorTerms": [{"matchFields": [name_in(&["node2"])]}]}}});
    let cases = [
        case("missing labels", selector(json!({"foo": "bar"})), json!({})).rejected(ERR_REASON_POD),
        case("same labels", selector(json!({"foo": "bar"})), json!({"foo": "bar"})),
        case("node labels are superset", selector(json!({"foo": "bar"})), json!({"foo": "bar", "baz": "blah"})),
        case("node labels are subset", selector(json!({"foo": "bar", "baz": "blah"})), json!({"foo": "bar"}))
            .rejected(ERR_REASON_POD),
        case("In matches", required(json!([{"matchExpressions": [expr("foo", "In", &["bar", "value2"])]}])),
            json!({"foo": "bar"})),
        case("Gt matches", required(json!([{"matchExpressions": [expr("kernel-version", "Gt", &["0204"])]}])),
            json!({"kernel-version": "0206"})),
        case("NotIn matches", required(json!([{"matchExpressions": [expr("mem-type", "NotIn", &["DDR", "DDR2"])]}])),
            json!({"mem-type": "DDR3"})),
        case("Exists matches", required(json!([{"matchExpressions": [expr("GPU", "Exists", &[])]}])),
            json!({"GPU": "NVIDIA-GRID-K1"})),
        case("affinity that doesn't match", required(json!([{"matchExpressions": [expr("foo", "In", &["value1", "value2"])]}])),
            json!({"foo": "bar"})).rejected(ERR_REASON_POD),
        case("empty matchExpressions match no objects", required(json!([{"matchExpressions": []}])),
            json!({"foo": "bar"})).rejected(ERR_REASON_POD),
        case("no affinity", json!({"containers": []}), json!({"foo": "bar"})).pre_filter(Code::Skip),
        case("affinity without required node selector",
            json!({"containers": [], "affinity": {"nodeAffinity": {}}}), json!({"foo": "bar"})).pre_filter(Code::Skip),
        case("multiple matchExpressions ANDed that match", gpu_exists_not_amd.clone(), json!({"GPU": "NVIDIA-GRID-K1"})),
        case("multiple matchExpressions ANDed that don't match",
            required(json!([{"matchExpressions": [expr("GPU", "Exists", &[]), expr("GPU", "In", &["AMD", "INTER"])]}])),
            json!({"GPU": "NVIDIA-GRID-K1"})).rejected(ERR_REASON_POD),
        case("multiple terms ORed", required(json!([
            {"matchExpressions": [expr("foo", "In", &["bar", "value2"])]},
            {"matchExpressions": [expr("diffkey", "In", &["wrong", "value2"])]}])), json!({"foo": "bar"})),
        case("affinity and nodeSelector both satisfied",
            json!({"containers": [], "nodeSelector": {"foo": "bar"}, "affinity": {"nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchExpressions": [expr("foo", "Exists", &[])]}]}}}}),
            json!({"foo": "bar"})),
        case("affinity matches but nodeSelector doesn't",
            json!({"containers": [], "nodeSelector": {"foo": "bar"}, "affinity": {"nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchExpressions": [expr("foo", "Exists", &[])]}]}}}}),
            json!({"foo": "barrrrrr"})).rejected(ERR_REASON_POD),
        case("invalid value in affinity term",
            required(json!([{"matchExpressions": [expr("foo", "NotIn", &["invalid value: ___@#$%^"])]}])),
            json!({"foo": "bar"})).rejected(ERR_REASON_POD),
        case("matchFields In matches", required(json!([{"matchFields": [name_in(&["node1"])]}])), json!({}))
            .on("node1").names(&["node1"]),
        case("matchFields In doesn't match", required(json!([{"matchFields": [name_in(&["node1"])]}])), json!({}))
            .on("node2").names(&["node1"]).rejected(ERR_REASON_POD),
        case("two terms: matchFields doesn't match, matchExpressions does", required(json!([
            {"matchFields": [name_in(&["node1"]), name_in(&["node2"])]},
            {"matchExpressions": [expr("foo", "In", &["bar"])]}])), json!({"foo": "bar"})).on("node2"),
        case("one term: matchFields doesn't match, matchExpressions does", required(json!([
            {"matchFields": [name_in(&["node1"])], "matchExpressions": [expr("foo", "In", &["bar"])]}])),
            json!({"foo": "bar"})).on("node2").names(&["node1"]).rejected(ERR_REASON_POD),
        case("one term: both match", required(json!([
            {"matchFields": [name_in(&["node1"])], "matchExpressions": [expr("foo", "In", &["bar"])]}])),
            json!({"foo": "bar"})).on("node1").names(&["node1"]),
        case("two terms: neither matches", required(json!([
            {"matchFields": [name_in(&["node1"])]},
            {"matchExpressions": [expr("foo", "In", &["not-match-to-bar"])]}])),
            json!({"foo": "bar"})).on("node2").rejected(ERR_REASON_POD),
        case("two terms of node.Name affinity", required(json!([
            {"matchFields": [name_in(&["node1"])]}, {"matchFields": [name_in(&["node2"])]}])), json!({}))
            .on("node2").names(&["node1", "node2"]),
        case("two conflicting matchFields requirements", required(json!([
            {"matchFields": [name_in(&["node1"]), name_in(&["node2"])]}])), json!({"foo": "bar"}))
            .on("node2").pre_filter(Code::UnschedulableAndUnresolvable).names(&[]).rejected(ERR_REASON_POD),
        case("matches added affinity and pod's node affinity",
            required(json!([{"matchExpressions": [expr("zone", "In", &["foo"])]}])), json!({"zone": "foo"}))
            .on("node2").args(added_name_node2.clone()),
        case("matches added affinity but not pod's node affinity",
            required(json!([{"matchExpressions": [expr("zone", "In", &["bar"])]}])), json!({"zone": "foo"}))
            .on("node2").args(added_name_node2).rejected(ERR_REASON_POD),
        case("doesn't match added affinity", json!({"containers": []}), json!({"zone": "foo"}))
            .on("node2")
            .args(json!({"addedAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms":
                [{"matchExpressions": [expr("zone", "In", &["bar"])]}]}}}))
            .rejected(ERR_REASON_ENFORCED),
        case("node selector without PreFilter", selector(json!({"foo": "bar"})), json!({"foo": "bar", "baz": "blah"}))
            .without_pre_filter(),
        case("node affinity without PreFilter", gpu_exists_not_amd, json!({"GPU": "NVIDIA-GRID-K1"}))
            .without_pre_filter(),
    ];
    for c in cases {
        let plugin = NodeAffinity::new(c.args.as_ref()).unwrap();
        let p = pod(c.pod);
        let n = node_info(c.node.0, c.node.1);
        let mut state = CycleState::default();
        if let Some(want) = c.pre_filter {
            let status = plugin.pre_filter(&mut state, &p, &[&n]);
            assert_eq!(status.code, want, "{}: {status:?}", c.name);
            if want == Code::UnschedulableAndUnresolvable {
                assert_eq!(status.reasons, [ERR_REASON_CONFLICT], "{}", c.name);
            }
            let names = state
                .read::<PreFilterState>(PRE_FILTER_STATE_KEY)
                .and_then(|s| s.node_names.clone());
            let want_names = c
                .node_names
                .map(|n| n.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>());
            assert_eq!(names, want_names, "{}", c.name);
        }
        let status = plugin.filter(&state, &p, &n);
        match c.filter {
            None => assert!(status.is_success(), "{}: {status:?}", c.name),
            Some(reason) => {
                assert_eq!(
                    status.code,
                    Code::UnschedulableAndUnresolvable,
                    "{}",
                    c.name
                );
                assert_eq!(status.reasons, [reason], "{}", c.name);
            }
        }
    }
}

#[test]
fn score() {
    let pref = |weight: i32, exprs: Value| json!({"weight": weight, "preference": {"matchExpressions": exprs}});
    let affinity1 = json!([pref(2, json!([expr("foo", "In", &["bar"])]))]);
    let affinity2 = json!([
        pref(2, json!([expr("foo", "In", &["bar"])])),
        pref(4, json!([expr("key", "In", &["value"])])),
        pref(
            5,
            json!([
                expr("foo", "In", &["bar"]),
                expr("key", "In", &["value"]),
                expr("az", "In", &["az1"])
            ])
        ),
    ]);
    let with_pref = |terms: &Value| {
        pod(json!({"containers": [], "affinity": {"nodeAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": terms}}}))
    };
    let label1 = json!({"foo": "bar"});
    let label2 = json!({"key": "value"});
    let label3 = json!({"az": "az1"});
    let label4 = json!({"abc": "az11", "def": "az22"});
    let label5 = json!({"foo": "bar", "key": "value", "az": "az1"});
    let nodes = |labels: [&Value; 3]| -> Vec<NodeInfo> {
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| node_info(&format!("node{i}"), (*l).clone()))
            .collect()
    };
    let plain = NodeAffinity::new(None).unwrap();

    // All nodes are equal when the pod has no node affinity: PreScore skips the plugin.
    assert_eq!(
        run_score(
            &plain,
            &pod(json!({"containers": []})),
            &nodes([&label1, &label2, &label3])
        ),
        Err(Code::Skip)
    );
    assert_eq!(
        run_score(
            &plain,
            &with_pref(&affinity1),
            &nodes([&label4, &label2, &label3])
        ),
        Ok(vec![0, 0, 0])
    );
    assert_eq!(
        run_score(
            &plain,
            &with_pref(&affinity1),
            &nodes([&label1, &label2, &label3])
        ),
        Ok(vec![100, 0, 0])
    );
    assert_eq!(
        run_score(
            &plain,
            &with_pref(&affinity2),
            &nodes([&label1, &label5, &label2])
        ),
        Ok(vec![18, 100, 36])
    );
    // Without PreScore the same scores come out.
    let n = nodes([&label1, &label5, &label2]);
    assert_eq!(
        score_with_state(&plain, &CycleState::default(), &with_pref(&affinity2), &n),
        Ok(vec![18, 100, 36])
    );

    let added = NodeAffinity::new(Some(&json!({"addedAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": affinity1}})))
    .unwrap();
    let two = vec![
        node_info("node1", label1.clone()),
        node_info("node2", label2.clone()),
    ];
    assert_eq!(
        run_score(&added, &pod(json!({"containers": []})), &two),
        Ok(vec![100, 0])
    );

    let added3 = NodeAffinity::new(Some(&json!({"addedAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [pref(3, json!([expr("key", "In", &["value"])]))]}}))).unwrap();
    assert_eq!(
        run_score(
            &added3,
            &with_pref(&affinity1),
            &nodes([&label1, &label2, &label5])
        ),
        Ok(vec![40, 60, 100])
    );
}

#[test]
fn invalid_preferred_terms_are_an_error() {
    let p = pod(json!({"containers": [], "affinity": {"nodeAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 1, "preference": {"matchExpressions": [expr("a", "Gt", &["x"])]}}]}}}));
    let plugin = NodeAffinity::new(None).unwrap();
    assert_eq!(
        run_score(&plugin, &p, &[node_info("n", json!({}))]),
        Err(Code::Error)
    );
}

#[test]
fn args() {
    assert!(
        NodeAffinity::new(Some(
            &json!({"apiVersion": "kubescheduler.config.k8s.io/v1",
        "kind": "NodeAffinityArgs"})
        ))
        .is_ok()
    );
    assert!(NodeAffinity::new(Some(&json!({"bogus": 1}))).is_err());
    let bad_required = json!({"addedAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
        {"nodeSelectorTerms": [{"matchExpressions": [expr("zone", "In", &[])]}]}}});
    assert!(matches!(
        NodeAffinity::new(Some(&bad_required)),
        Err(Error::InvalidArgs { .. })
    ));
    let bad_preferred = json!({"addedAffinity": {"preferredDuringSchedulingIgnoredDuringExecution":
        [{"weight": 1, "preference": {"matchFields": [{"key": "metadata.name", "operator": "Exists"}]}}]}});
    assert!(matches!(
        NodeAffinity::new(Some(&bad_preferred)),
        Err(Error::InvalidArgs { .. })
    ));
}
