//! Ports of upstream's `fit_test.go` Filter tests (TestEnoughRequests, TestNotEnoughRequests,
//! TestStorageRequests); the scoring tests are in `node_resources_fit_score_tests.rs`.

use serde_json::{Value, json};

use super::*;
use crate::framework::Code;
use crate::plugins::test_util::{
    containers, node_with_allocatable, pod, pod_with_requests, with_pods,
};

const EXT_A: &str = "example.com/aaa";
const EXT_B: &str = "example.com/bbb";
const HUGE_A: &str = "hugepages-2Mi";

/// `framework.Resource{MilliCPU, Memory, ScalarResources}` as a request list.
fn r(milli_cpu: i64, memory: i64, scalar: &[(&str, i64)]) -> Value {
    let mut v = json!({"cpu": format!("{milli_cpu}m"), "memory": memory.to_string()});
    for (k, q) in scalar {
        v[*k] = json!(q.to_string());
    }
    v
}

/// Upstream's test node: 10m CPU, 20 bytes of memory, 32 pods, 5 of `example.com/aaa`,
/// 20 bytes of ephemeral storage, 5 of `hugepages-2Mi`; `existing` is one pod's requests.
fn node(existing: Value, pods: i64) -> NodeInfo {
    let n = node_with_allocatable(
        "n",
        json!({"cpu": "10m", "memory": "20", "pods": pods.to_string(),
        EXT_A: "5", "ephemeral-storage": "20", HUGE_A: "5"}),
    );
    with_pods(n, [pod_with_requests(&[existing])])
}

fn init_pod(regular: &[Value], init: &[Value]) -> PodInfo {
    pod(json!({"containers": containers(regular), "initContainers": containers(init)}))
}

fn filter(plugin: &NodeResourcesFit, p: &PodInfo, n: &NodeInfo) -> Status {
    let mut state = CycleState::default();
    assert!(plugin.pre_filter(&mut state, p, &[n]).is_success());
    plugin.filter(&state, p, n)
}

/// (name, plugin, pod, the existing pod's requests, the expected code and insufficient
/// resources).
type FitCase<'a> = (
    &'a str,
    &'a NodeResourcesFit,
    PodInfo,
    Value,
    Option<(Code, Vec<&'a str>)>,
);

fn insufficient(name: &str) -> String {
    format!("Insufficient {name}")
}

#[test]
fn enough_requests() {
    use Code::{Unschedulable as U, UnschedulableAndUnresolvable as UU};
    let default = NodeResourcesFit::new(None).unwrap();
    let ignore_b = NodeResourcesFit::new(Some(&json!({"ignoredResources": [EXT_B]}))).unwrap();
    let ignore_group =
        NodeResourcesFit::new(Some(&json!({"ignoredResourceGroups": ["example.com"]}))).unwrap();
    let mut sidecar = containers(&[r(1, 1, &[])]);
    sidecar[0]["restartPolicy"] = json!("Always");
    let cases: Vec<FitCase> = vec![
        (
            "no resources requested always fits",
            &default,
            pod(json!({"containers": []})),
            r(10, 20, &[]),
            None,
        ),
        (
            "too many resources fails",
            &default,
            pod_with_requests(&[r(1, 1, &[])]),
            r(10, 20, &[]),
            Some((U, vec!["cpu", "memory"])),
        ),
        (
            "too many resources fails due to init container cpu",
            &default,
            init_pod(&[r(1, 1, &[])], &[r(3, 1, &[])]),
            r(8, 19, &[]),
            Some((U, vec!["cpu"])),
        ),
        (
            "too many resources fails due to highest init container cpu",
            &default,
            init_pod(&[r(1, 1, &[])], &[r(3, 1, &[]), r(2, 1, &[])]),
            r(8, 19, &[]),
            Some((U, vec!["cpu"])),
        ),
        (
            "too many resources fails due to init container memory",
            &default,
            init_pod(&[r(1, 1, &[])], &[r(1, 3, &[])]),
            r(9, 19, &[]),
            Some((U, vec!["memory"])),
        ),
        (
            "too many resources fails due to highest init container memory",
            &default,
            init_pod(&[r(1, 1, &[])], &[r(1, 3, &[]), r(1, 2, &[])]),
            r(9, 19, &[]),
            Some((U, vec!["memory"])),
        ),
        (
            "init container fits because it's the max, not sum",
            &default,
            init_pod(&[r(1, 1, &[])], &[r(1, 1, &[])]),
            r(9, 19, &[]),
            None,
        ),
        (
            "multiple init containers fit because it's the max, not sum",
            &default,
            init_pod(&[r(1, 1, &[])], &[r(1, 1, &[]), r(1, 1, &[])]),
            r(9, 19, &[]),
            None,
        ),
        (
            "both resources fit",
            &default,
            pod_with_requests(&[r(1, 1, &[])]),
            r(5, 5, &[]),
            None,
        ),
        (
            "one resource memory fits",
            &default,
            pod_with_requests(&[r(2, 1, &[])]),
            r(9, 5, &[]),
            Some((U, vec!["cpu"])),
        ),
        (
            "one resource cpu fits",
            &default,
            pod_with_requests(&[r(1, 2, &[])]),
            r(5, 19, &[]),
            Some((U, vec!["memory"])),
        ),
        (
            "equal edge case",
            &default,
            pod_with_requests(&[r(5, 1, &[])]),
            r(5, 19, &[]),
            None,
        ),
        (
            "equal edge case for init container",
            &default,
            init_pod(&[r(4, 1, &[])], &[r(5, 1, &[])]),
            r(5, 19, &[]),
            None,
        ),
        (
            "extended resource fits",
            &default,
            pod_with_requests(&[json!({EXT_A: "1"})]),
            json!({}),
            None,
        ),
        (
            "extended resource fits for init container",
            &default,
            init_pod(&[], &[json!({EXT_A: "1"})]),
            json!({}),
            None,
        ),
        (
            "extended resource capacity enforced",
            &default,
            pod_with_requests(&[r(1, 1, &[(EXT_A, 10)])]),
            r(0, 0, &[(EXT_A, 0)]),
            Some((UU, vec![EXT_A])),
        ),
        (
            "extended resource capacity enforced for init container",
            &default,
            init_pod(&[], &[r(1, 1, &[(EXT_A, 10)])]),
            r(0, 0, &[(EXT_A, 0)]),
            Some((UU, vec![EXT_A])),
        ),
        (
            "extended resource allocatable enforced",
            &default,
            pod_with_requests(&[r(1, 1, &[(EXT_A, 1)])]),
            r(0, 0, &[(EXT_A, 5)]),
            Some((U, vec![EXT_A])),
        ),
        (
            "extended resource allocatable enforced for init container",
            &default,
            init_pod(&[], &[r(1, 1, &[(EXT_A, 1)])]),
            r(0, 0, &[(EXT_A, 5)]),
            Some((U, vec![EXT_A])),
        ),
        (
            "extended resource allocatable enforced for multiple containers",
            &default,
            pod_with_requests(&[r(1, 1, &[(EXT_A, 3)]), r(1, 1, &[(EXT_A, 3)])]),
            r(0, 0, &[(EXT_A, 2)]),
            Some((UU, vec![EXT_A])),
        ),
        (
            "extended resource allocatable admits multiple init containers",
            &default,
            init_pod(&[], &[r(1, 1, &[(EXT_A, 3)]), r(1, 1, &[(EXT_A, 3)])]),
            r(0, 0, &[(EXT_A, 2)]),
            None,
        ),
        (
            "extended resource allocatable enforced for multiple init containers",
            &default,
            init_pod(&[], &[r(1, 1, &[(EXT_A, 6)]), r(1, 1, &[(EXT_A, 3)])]),
            r(0, 0, &[(EXT_A, 2)]),
            Some((UU, vec![EXT_A])),
        ),
        (
            "extended resource allocatable enforced for unknown resource",
            &default,
            pod_with_requests(&[r(1, 1, &[(EXT_B, 1)])]),
            r(0, 0, &[]),
            Some((UU, vec![EXT_B])),
        ),
        (
            "extended resource allocatable enforced for unknown resource for init container",
            &default,
            init_pod(&[], &[r(1, 1, &[(EXT_B, 1)])]),
            r(0, 0, &[]),
            Some((UU, vec![EXT_B])),
        ),
        (
            "kubernetes.io resource capacity enforced for init container",
            &default,
            init_pod(
                &[],
                &[r(1, 1, &[("subdomain.kubernetes.io/something", 10)])],
            ),
            r(0, 0, &[]),
            Some((UU, vec!["subdomain.kubernetes.io/something"])),
        ),
        (
            "hugepages resource capacity enforced",
            &default,
            pod_with_requests(&[r(1, 1, &[(HUGE_A, 10)])]),
            r(0, 0, &[(HUGE_A, 0)]),
            Some((UU, vec![HUGE_A])),
        ),
        (
            "hugepages resource capacity enforced for init container",
            &default,
            init_pod(&[], &[r(1, 1, &[(HUGE_A, 10)])]),
            r(0, 0, &[(HUGE_A, 0)]),
            Some((UU, vec![HUGE_A])),
        ),
        (
            "hugepages resource allocatable enforced for multiple containers",
            &default,
            pod_with_requests(&[r(1, 1, &[(HUGE_A, 3)]), r(1, 1, &[(HUGE_A, 3)])]),
            r(0, 0, &[(HUGE_A, 2)]),
            Some((UU, vec![HUGE_A])),
        ),
        (
            "skip checking ignored extended resource",
            &ignore_b,
            pod_with_requests(&[r(1, 1, &[(EXT_B, 1)])]),
            r(0, 0, &[]),
            None,
        ),
        (
            "skip checking ignored extended resource via resource groups",
            &ignore_group,
            pod_with_requests(&[r(1, 1, &[(EXT_B, 1)])]),
            r(0, 0, &[]),
            None,
        ),
        (
            "skip checking resource request with quantity zero",
            &default,
            pod_with_requests(&[r(1, 1, &[(EXT_A, 0)])]),
            r(0, 0, &[(EXT_A, 5)]),
            None,
        ),
        (
            "resources + pod overhead fits",
            &default,
            pod(
                json!({"containers": containers(&[r(1, 1, &[])]), "overhead": {"cpu": "3m", "memory": "13"}}),
            ),
            r(5, 5, &[]),
            None,
        ),
        (
            "requests + overhead does not fit for memory",
            &default,
            pod(
                json!({"containers": containers(&[r(1, 1, &[])]), "overhead": {"cpu": "1m", "memory": "15"}}),
            ),
            r(5, 5, &[]),
            Some((U, vec!["memory"])),
        ),
        (
            "pod-level requests replace the containers'",
            &default,
            pod(
                json!({"containers": containers(&[r(1, 1, &[])]), "resources": {"requests": {"cpu": "2m", "memory": "1"}}}),
            ),
            r(9, 19, &[]),
            Some((U, vec!["cpu"])),
        ),
        (
            "sidecar requests add to the containers'",
            &default,
            pod(json!({"containers": containers(&[r(1, 1, &[])]), "initContainers": sidecar})),
            r(9, 5, &[]),
            Some((U, vec!["cpu"])),
        ),
        (
            "request above allocatable is unresolvable",
            &default,
            pod_with_requests(&[r(11, 1, &[])]),
            r(0, 0, &[]),
            Some((UU, vec!["cpu"])),
        ),
    ];
    for (name, plugin, p, existing, want) in cases {
        let n = node(existing, 32);
        let status = filter(plugin, &p, &n);
        match want {
            None => assert!(status.is_success(), "{name}: {status:?}"),
            Some((code, resources)) => {
                assert_eq!(status.code, code, "{name}");
                let reasons: Vec<String> = resources.iter().map(|r| insufficient(r)).collect();
                assert_eq!(status.reasons, reasons, "{name}");
            }
        }
    }
}

#[test]
fn insufficient_resources_details() {
    let n = node(r(10, 20, &[]), 32);
    let got = fits(&pod_with_requests(&[r(1, 1, &[])]), &n);
    let want = |name: &str, used| InsufficientResource {
        resource_name: name.to_owned(),
        reason: insufficient(name),
        requested: 1,
        used,
        capacity: used,
        unresolvable: false,
    };
    assert_eq!(got, [want("cpu", 10), want("memory", 20)]);
}

#[test]
fn not_enough_pods() {
    let default = NodeResourcesFit::new(None).unwrap();
    let cases = [
        (
            "even without specified resources",
            pod(json!({"containers": []})),
            r(10, 20, &[]),
        ),
        (
            "even if both resources fit",
            pod_with_requests(&[r(1, 1, &[])]),
            r(5, 5, &[]),
        ),
        (
            "even for equal edge case",
            pod_with_requests(&[r(5, 1, &[])]),
            r(5, 19, &[]),
        ),
        (
            "even for equal edge case due to init container",
            init_pod(&[r(5, 1, &[])], &[r(5, 1, &[])]),
            r(5, 19, &[]),
        ),
    ];
    for (name, p, existing) in cases {
        let status = filter(&default, &p, &node(existing, 1));
        assert_eq!(status.code, Code::Unschedulable, "{name}");
        assert_eq!(status.reasons, [ERR_REASON_TOO_MANY_PODS], "{name}");
    }
}

#[test]
fn storage_requests() {
    let default = NodeResourcesFit::new(None).unwrap();
    let storage = |q: i64| pod_with_requests(&[json!({"ephemeral-storage": q.to_string()})]);
    let status = filter(
        &default,
        &pod_with_requests(&[r(1, 1, &[])]),
        &node(r(10, 10, &[]), 32),
    );
    assert_eq!(
        (status.code, status.reasons),
        (Code::Unschedulable, vec![insufficient("cpu")])
    );
    assert!(
        filter(
            &default,
            &pod_with_requests(&[r(1, 1, &[])]),
            &node(r(2, 10, &[]), 32)
        )
        .is_success()
    );
    let status = filter(&default, &storage(25), &node(r(2, 2, &[]), 32));
    assert_eq!(
        (status.code, status.reasons),
        (
            Code::UnschedulableAndUnresolvable,
            vec![insufficient("ephemeral-storage")]
        )
    );
    assert!(filter(&default, &storage(10), &node(r(2, 2, &[]), 32)).is_success());
}
