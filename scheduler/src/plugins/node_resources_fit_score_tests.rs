//! Ports of upstream's scoring tests for NodeResourcesFit: `least_allocated_test.go`,
//! `most_allocated_test.go`, `requested_to_capacity_ratio_test.go`, and the args validation.

use serde_json::{Value, json};

use super::*;
use crate::framework::Code;
use crate::plugins::test_util::{
    node_with_allocatable, pod, pod_with_requests, run_score, with_pods,
};

/// `st.MakeNode().Capacity(...)`: these quantities as capacity and allocatable.
fn score_node(name: &str, resources: Value) -> NodeInfo {
    node_with_allocatable(name, resources)
}

fn strategy(kind: &str, resources: Value) -> NodeResourcesFit {
    NodeResourcesFit::new(Some(
        &json!({"scoringStrategy": {"type": kind, "resources": resources}}),
    ))
    .unwrap()
}

fn cm(cpu: &str, memory: &str) -> Value {
    json!({"cpu": cpu, "memory": memory})
}

const EXT: &str = "vendor-domain/extended-resource";

/// (name, resources, pod, nodes, LeastAllocated scores, MostAllocated scores).
type ScoreCase<'a> = (
    &'a str,
    &'a Value,
    &'a PodInfo,
    Vec<NodeInfo>,
    [i64; 2],
    [i64; 2],
);

#[test]
fn least_and_most_allocated() {
    let default = json!([{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]);
    let mem2 = json!([{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}]);
    let ext_set = json!([{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": EXT, "weight": 1}]);
    let ext2 = json!([{"name": EXT, "weight": 2}, {"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]);
    let two_containers = pod_with_requests(&[cm("1000", "2000"), cm("2000", "3000")]);
    let empty = pod(json!({"containers": []}));
    let three_four = pod_with_requests(&[cm("3000", "4000")]);
    let nodes = |a: Value, b: Value| vec![score_node("node1", a), score_node("node2", b)];
    let on = |n: NodeInfo, pods: Vec<Value>| {
        with_pods(n, pods.into_iter().map(|r| pod_with_requests(&[r])))
    };
    let loaded = |cap2: &str| {
        vec![
            on(
                score_node("node1", cm("10000", "20000")),
                vec![cm("3000", "0")],
            ),
            on(
                score_node("node2", cm("10000", cap2)),
                vec![cm("3000", "5000")],
            ),
        ]
    };
    // (name, resources, pod, nodes, least, most)
    let cases: Vec<ScoreCase> = vec![
        (
            "nothing scheduled, nothing requested",
            &default,
            &empty,
            nodes(cm("4000", "10000"), cm("4000", "10000")),
            [100, 100],
            [0, 0],
        ),
        (
            "nothing scheduled, resources requested, differently sized nodes",
            &default,
            &two_containers,
            nodes(cm("4000", "10000"), cm("6000", "10000")),
            [37, 50],
            [62, 50],
        ),
        (
            "no resources requested, pods scheduled with resources",
            &default,
            &empty,
            vec![
                on(
                    score_node("node1", cm("10000", "20000")),
                    vec![cm("3000", "0"), cm("3000", "0")],
                ),
                on(
                    score_node("node2", cm("10000", "20000")),
                    vec![cm("3000", "0"), cm("3000", "5000")],
                ),
            ],
            [70, 57],
            [30, 42],
        ),
        (
            "resources requested, pods scheduled with resources",
            &default,
            &two_containers,
            loaded("20000"),
            [57, 45],
            [42, 55],
        ),
        (
            "resources requested, pods scheduled with resources, differently sized nodes",
            &default,
            &two_containers,
            loaded("50000"),
            [57, 60],
            [42, 40],
        ),
        (
            "zero node resources",
            &default,
            &empty,
            nodes(json!({}), json!({})),
            [0, 0],
            [0, 0],
        ),
        (
            "different weight on CPU and memory",
            &mem2,
            &two_containers,
            nodes(cm("4000", "10000"), cm("6000", "10000")),
            [41, 50],
            [58, 50],
        ),
        (
            "bypass extended resource if the pod does not request",
            &ext_set,
            &two_containers,
            nodes(
                cm("6000", "10000"),
                json!({"cpu": "6000", "memory": "10000", EXT: "4"}),
            ),
            [50, 50],
            [50, 50],
        ),
        (
            "if the node doesn't have a resource",
            &ext2,
            &three_four,
            nodes(
                cm("6000", "10000"),
                json!({"cpu": "6000", "memory": "10000", EXT: "4"}),
            ),
            [55, 55],
            [45, 45],
        ),
    ];
    for (name, resources, p, n, least, most) in cases {
        let got = run_score(&strategy("LeastAllocated", resources.clone()), p, &n);
        assert_eq!(got, Ok(least.to_vec()), "least: {name}");
        let got = run_score(&strategy("MostAllocated", resources.clone()), p, &n);
        assert_eq!(got, Ok(most.to_vec()), "most: {name}");
    }

    let ext_pod = pod_with_requests(&[json!({"cpu": "3000", "memory": "5000", EXT: "2"})]);
    let n = nodes(
        json!({"cpu": "6000", "memory": "10000", EXT: "4"}),
        json!({"cpu": "6000", "memory": "10000", EXT: "10"}),
    );
    assert_eq!(
        run_score(&strategy("LeastAllocated", ext_set.clone()), &ext_pod, &n),
        Ok(vec![50, 60])
    );
    assert_eq!(
        run_score(&strategy("MostAllocated", ext_set), &ext_pod, &n),
        Ok(vec![50, 40])
    );

    let exceed = pod_with_requests(&[cm("3000", "0")]);
    let n = vec![
        on(
            score_node("node1", cm("4000", "10000")),
            vec![cm("3000", "0")],
        ),
        on(
            score_node("node2", cm("4000", "10000")),
            vec![cm("3000", "5000")],
        ),
    ];
    assert_eq!(
        run_score(&strategy("LeastAllocated", default.clone()), &exceed, &n),
        Ok(vec![50, 25])
    );
    let equal = pod_with_requests(&[cm("2000", "4000"), cm("3000", "5000")]);
    let n = nodes(cm("5000", "10000"), cm("10000", "9000"));
    assert_eq!(
        run_score(&strategy("MostAllocated", default.clone()), &equal, &n),
        Ok(vec![95, 75])
    );

    // Missing requests count as 100m CPU and 200Mi memory when scoring.
    let no_requests = pod(json!({"containers": [{"name": "c", "image": "i"}]}));
    let n = vec![
        with_pods(
            score_node("node1", cm("250m", "1000Mi")),
            [no_requests.clone(), no_requests.clone()],
        ),
        score_node("node2", cm("250m", "1000Mi")),
    ];
    assert_eq!(
        run_score(&strategy("MostAllocated", default), &no_requests, &n),
        Ok(vec![80, 30])
    );
}

#[test]
fn score_without_resources_is_an_error() {
    let mut plugin = NodeResourcesFit::new(None).unwrap();
    plugin.scorer.resources.clear();
    let n = [score_node("node1", cm("4000", "10000"))];
    assert_eq!(
        run_score(&plugin, &pod_with_requests(&[cm("1", "1")]), &n),
        Err(Code::Error)
    );
}

fn ratio(resources: Value, shape: Value) -> NodeResourcesFit {
    NodeResourcesFit::new(Some(
        &json!({"scoringStrategy": {"type": "RequestedToCapacityRatio",
        "resources": resources, "requestedToCapacityRatio": {"shape": shape}}}),
    ))
    .unwrap()
}

#[test]
fn requested_to_capacity_ratio() {
    let default = json!([{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]);
    let least_shape = json!([{"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}]);
    let plugin = ratio(default, least_shape);
    let nodes = |pods: Vec<Value>| {
        vec![
            with_pods(
                score_node("node1", cm("4000", "10000")),
                pods.iter()
                    .map(|r| pod_with_requests(std::slice::from_ref(r))),
            ),
            score_node("node2", cm("6000", "10000")),
        ]
    };
    let empty = pod(json!({"containers": []}));
    assert_eq!(
        run_score(&plugin, &empty, &nodes(vec![])),
        Ok(vec![100, 100])
    );
    let two = pod_with_requests(&[cm("1000", "2000"), cm("2000", "3000")]);
    assert_eq!(run_score(&plugin, &two, &nodes(vec![])), Ok(vec![38, 50]));
    let n = vec![
        with_pods(
            score_node("node1", cm("4000", "10000")),
            [pod_with_requests(&[cm("3000", "5000")])],
        ),
        with_pods(
            score_node("node2", cm("6000", "10000")),
            [pod_with_requests(&[cm("3000", "5000")])],
        ),
    ];
    assert_eq!(run_score(&plugin, &empty, &n), Ok(vec![38, 50]));
}

#[test]
fn bin_packing_extended_resources() {
    let bin = json!([{"utilization": 0, "score": 0}, {"utilization": 100, "score": 1}]);
    let make = |name: &str, foo: i64, bar: Option<i64>| {
        let mut v = json!({"cpu": "4", "memory": (10000i64 * 1024 * 1024).to_string(), "pods": "100", "intel.com/foo": foo.to_string()});
        if let Some(b) = bar {
            v["intel.com/bar"] = json!(b.to_string());
        }
        score_node(name, v)
    };
    let single = ratio(json!([{"name": "intel.com/foo", "weight": 1}]), bin.clone());
    let foo = |q: &str| pod_with_requests(&[json!({"intel.com/foo": q})]);
    let n = [make("node1", 8, None), make("node2", 4, None)];
    assert_eq!(
        run_score(&single, &pod(json!({"containers": []})), &n),
        Ok(vec![0, 0])
    );
    assert_eq!(run_score(&single, &foo("2"), &n), Ok(vec![2, 5]));
    assert_eq!(run_score(&single, &foo("4"), &n), Ok(vec![5, 10]));
    let busy = [
        make("node1", 8, None),
        with_pods(make("node2", 4, None), [foo("2")]),
    ];
    assert_eq!(run_score(&single, &foo("2"), &busy), Ok(vec![2, 10]));

    let multi = ratio(
        json!([{"name": "intel.com/foo", "weight": 3}, {"name": "intel.com/bar", "weight": 5}]),
        bin,
    );
    let n = [make("node1", 8, Some(4)), make("node2", 4, Some(8))];
    assert_eq!(
        run_score(&multi, &pod(json!({"containers": []})), &n),
        Ok(vec![0, 0])
    );
    let both =
        |f: &str, b: &str| pod_with_requests(&[json!({"intel.com/foo": f, "intel.com/bar": b})]);
    assert_eq!(run_score(&multi, &both("2", "2"), &n), Ok(vec![4, 3]));
    assert_eq!(run_score(&multi, &both("4", "2"), &n), Ok(vec![5, 5]));
}

#[test]
fn broken_linear_function() {
    type Points<'a> = &'a [(i64, i64)];
    let cases: [(Points, Points); 3] = [
        (
            &[(10, 1), (90, 9)],
            &[
                (-10, 1),
                (0, 1),
                (9, 1),
                (10, 1),
                (15, 1),
                (19, 1),
                (20, 2),
                (89, 8),
                (90, 9),
                (99, 9),
                (100, 9),
                (110, 9),
            ],
        ),
        (
            &[(0, 2), (40, 10), (100, 0)],
            &[
                (-10, 2),
                (0, 2),
                (20, 6),
                (30, 8),
                (40, 10),
                (70, 5),
                (100, 0),
                (110, 0),
            ],
        ),
        (
            &[(0, 2), (40, 2), (100, 2)],
            &[
                (-10, 2),
                (0, 2),
                (20, 2),
                (30, 2),
                (40, 2),
                (70, 2),
                (100, 2),
                (110, 2),
            ],
        ),
    ];
    for (shape, points) in cases {
        for (p, want) in points {
            assert_eq!(broken_linear(shape, *p), *want, "{shape:?} at {p}");
        }
    }
}

#[test]
fn args_validation() {
    let bad = |args: Value| {
        matches!(
            NodeResourcesFit::new(Some(&args)),
            Err(Error::InvalidArgs { .. })
        )
    };
    let weights = |w: i64| {
        json!({"scoringStrategy": {"type": "LeastAllocated",
        "resources": [{"name": "memory", "weight": 1}, {"name": "cpu", "weight": w}]}})
    };
    assert!(bad(weights(-1)));
    assert!(bad(weights(101)));
    // v1 defaulting turns a zero weight into 1.
    assert!(!bad(weights(0)));
    assert!(bad(json!({"scoringStrategy": {"resources": []}})));
    assert!(bad(json!({"scoringStrategy": {"type": "Random"}})));
    assert!(bad(
        json!({"scoringStrategy": {"type": "RequestedToCapacityRatio"}})
    ));
    assert!(bad(
        json!({"scoringStrategy": {"type": "MostAllocated", "requestedToCapacityRatio": {"shape": []}}})
    ));
    let shape = |s: Value| json!({"scoringStrategy": {"type": "RequestedToCapacityRatio", "requestedToCapacityRatio": {"shape": s}}});
    assert!(bad(shape(json!([]))));
    assert!(bad(shape(
        json!([{"utilization": 50, "score": 1}, {"utilization": 50, "score": 2}])
    )));
    assert!(bad(shape(json!([{"utilization": 101, "score": 1}]))));
    assert!(bad(shape(json!([{"utilization": 10, "score": 11}]))));
    assert!(!bad(shape(
        json!([{"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}])
    )));
    assert!(bad(json!({"ignoredResources": ["not a name"]})));
    assert!(bad(json!({"ignoredResourceGroups": ["example.com/x"]})));
    assert!(!bad(
        json!({"ignoredResourceGroups": ["example.com"], "ignoredResources": ["example.com/foo"]})
    ));
    let defaults = NodeResourcesFit::new(None).unwrap();
    assert_eq!(defaults.strategy(), &ScoringStrategy::LeastAllocated);
    assert_eq!(
        defaults.scorer.resources,
        crate::plugins::resource_allocation::default_resources()
    );
}

#[test]
fn extended_resource_names() {
    assert!(is_extended_resource_name("example.com/gpu"));
    assert!(!is_extended_resource_name("cpu"));
    assert!(!is_extended_resource_name("kubernetes.io/something"));
    assert!(!is_extended_resource_name(
        "subdomain.kubernetes.io/something"
    ));
    assert!(!is_extended_resource_name("requests.example.com/gpu"));
}
