//! Which nodes run a DaemonSet's pod (upstream's `NodeShouldRunDaemonPod` and
//! `util/daemonset_util.go`): the pod's `nodeSelector` and required node affinity must match
//! the node, and the node's NoSchedule/NoExecute taints must be tolerated, counting the
//! tolerations every daemon pod gets. Daemon pods are placed with a node affinity on
//! `metadata.name` and bound by the scheduler.
//!
//! The scheduler crate matches node selectors too, but daemons share code only through
//! `common`; moving this matching there is left for later, so it is written here.

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
    PodSpec, Taint, Toleration,
};

/// The field a daemon pod's node affinity selects its node by.
pub const NODE_NAME_FIELD: &str = "metadata.name";

/// `Toleration.ToleratesTaint`.
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect = toleration.effect.as_deref().unwrap_or_default();
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = toleration.key.as_deref().unwrap_or_default();
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match toleration.operator.as_deref().unwrap_or_default() {
        "" | "Equal" => {
            toleration.value.as_deref().unwrap_or_default()
                == taint.value.as_deref().unwrap_or_default()
        }
        "Exists" => true,
        _ => false,
    }
}

/// The first taint passing `filter` that no toleration tolerates
/// (`FindMatchingUntoleratedTaint`).
pub fn untolerated_taint<'a>(
    taints: &'a [Taint],
    tolerations: &[Toleration],
    filter: impl Fn(&Taint) -> bool,
) -> Option<&'a Taint> {
    taints
        .iter()
        .filter(|t| filter(t))
        .find(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
}

/// One requirement of a node selector term against a value (a label, or the node's name).
fn requirement_matches(requirement: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = requirement.values.as_deref().unwrap_or_default();
    let number = |s: &str| s.parse::<i64>().ok();
    match requirement.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|w| w == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|w| w == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(have), [want]) = (value.and_then(number), values) else {
                return false;
            };
            let Some(want) = number(want) else {
                return false;
            };
            if requirement.operator == "Gt" {
                have > want
            } else {
                have < want
            }
        }
        _ => false,
    }
}

/// Whether one term matches the node: every expression on its labels and every field
/// requirement (only `metadata.name`, with In/NotIn) holds; an empty term matches nothing.
pub fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    let expressions = term.match_expressions.as_deref().unwrap_or_default();
    let fields = term.match_fields.as_deref().unwrap_or_default();
    if expressions.is_empty() && fields.is_empty() {
        return false;
    }
    let labels = node.metadata.labels.as_ref();
    let name = node.metadata.name.as_deref();
    expressions
        .iter()
        .all(|r| requirement_matches(r, labels.and_then(|l| l.get(&r.key)).map(String::as_str)))
        && fields.iter().all(|r| {
            r.key == NODE_NAME_FIELD
                && matches!(r.operator.as_str(), "In" | "NotIn")
                && r.values.as_ref().is_some_and(|v| v.len() == 1)
                && requirement_matches(r, name)
        })
}

/// Whether any term of a required node selector matches the node.
pub fn node_selector_matches(selector: &NodeSelector, node: &Node) -> bool {
    selector
        .node_selector_terms
        .iter()
        .any(|term| term_matches(term, node))
}

/// The pod's `nodeSelector` and required node affinity against the node
/// (`nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`).
pub fn required_affinity_matches(spec: &PodSpec, node: &Node) -> bool {
    let labels = node.metadata.labels.as_ref();
    let selector_ok = spec
        .node_selector
        .iter()
        .flatten()
        .all(|(key, value)| labels.and_then(|l| l.get(key)) == Some(value));
    let affinity_ok = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .is_none_or(|required| node_selector_matches(required, node));
    selector_ok && affinity_ok
}

/// Adds `toleration`, replacing one with the same key, operator, value and effect
/// (`AddOrUpdateTolerationInPodSpec`).
fn add_or_update_toleration(spec: &mut PodSpec, toleration: Toleration) {
    let tolerations = spec.tolerations.get_or_insert_default();
    let same = |t: &Toleration| {
        t.key == toleration.key
            && t.effect == toleration.effect
            && t.operator == toleration.operator
    };
    match tolerations.iter_mut().find(|t| same(t)) {
        Some(existing) => *existing = toleration,
        None => tolerations.push(toleration),
    }
}

/// The tolerations every daemon pod gets (`AddOrUpdateDaemonPodTolerations`), so node
/// conditions neither evict nor keep it off its node.
pub fn add_daemon_tolerations(spec: &mut PodSpec) {
    let exists = |key: &str, effect: &str| Toleration {
        key: Some(key.to_owned()),
        operator: Some("Exists".to_owned()),
        effect: Some(effect.to_owned()),
        ..Toleration::default()
    };
    add_or_update_toleration(spec, exists("node.kubernetes.io/not-ready", "NoExecute"));
    add_or_update_toleration(spec, exists("node.kubernetes.io/unreachable", "NoExecute"));
    add_or_update_toleration(
        spec,
        exists("node.kubernetes.io/disk-pressure", "NoSchedule"),
    );
    add_or_update_toleration(
        spec,
        exists("node.kubernetes.io/memory-pressure", "NoSchedule"),
    );
    add_or_update_toleration(
        spec,
        exists("node.kubernetes.io/pid-pressure", "NoSchedule"),
    );
    add_or_update_toleration(
        spec,
        exists("node.kubernetes.io/unschedulable", "NoSchedule"),
    );
    if spec.host_network == Some(true) {
        add_or_update_toleration(
            spec,
            exists("node.kubernetes.io/network-unavailable", "NoSchedule"),
        );
    }
}

/// Whether the daemon should start a pod on the node, and whether a pod already there should
/// keep running (`NodeShouldRunDaemonPod`): an untolerated NoSchedule taint keeps new pods
/// off but lets running ones stay; an untolerated NoExecute taint does neither.
pub fn node_should_run(node: &Node, ds: &DaemonSet) -> (bool, bool) {
    let Some(ds_spec) = ds.spec.as_ref() else {
        return (false, false);
    };
    let mut spec = ds_spec.template.spec.clone().unwrap_or_default();
    let node_name = node.metadata.name.as_deref().unwrap_or_default();
    if spec
        .node_name
        .as_deref()
        .is_some_and(|n| !n.is_empty() && n != node_name)
    {
        return (false, false);
    }
    add_daemon_tolerations(&mut spec);
    if !required_affinity_matches(&spec, node) {
        return (false, false);
    }
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or_default();
    let tolerations = spec.tolerations.as_deref().unwrap_or_default();
    let blocking = untolerated_taint(taints, tolerations, |t| {
        t.effect == "NoSchedule" || t.effect == "NoExecute"
    });
    if blocking.is_none() {
        return (true, true);
    }
    let evicting = untolerated_taint(taints, tolerations, |t| t.effect == "NoExecute");
    (false, evicting.is_none())
}

/// Replaces the required node affinity with one selecting `node_name` by
/// `metadata.name` (`ReplaceDaemonSetPodNodeNameNodeAffinity`).
pub fn pin_to_node(affinity: Option<Affinity>, node_name: &str) -> Affinity {
    let term = NodeSelectorTerm {
        match_fields: Some(vec![NodeSelectorRequirement {
            key: NODE_NAME_FIELD.to_owned(),
            operator: "In".to_owned(),
            values: Some(vec![node_name.to_owned()]),
        }]),
        match_expressions: None,
    };
    let mut affinity = affinity.unwrap_or_default();
    let node_affinity = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    node_affinity.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
        node_selector_terms: vec![term],
    });
    affinity
}

/// The node a daemon pod is for: its `spec.nodeName`, or the node its affinity pins it to
/// (`GetTargetNodeName`).
pub fn target_node(pod: &Pod) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    if let Some(name) = spec.node_name.as_ref().filter(|n| !n.is_empty()) {
        return Some(name.clone());
    }
    let required = spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?;
    required.node_selector_terms.iter().find_map(|term| {
        term.match_fields.iter().flatten().find_map(|r| {
            match (r.key.as_str(), r.operator.as_str(), r.values.as_deref()) {
                (NODE_NAME_FIELD, "In", Some([only])) => Some(only.clone()),
                _ => None,
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn node(name: &str, labels: serde_json::Value, taints: serde_json::Value) -> Node {
        serde_json::from_value(json!({"metadata": {"name": name, "labels": labels},
            "spec": {"taints": taints}}))
        .unwrap()
    }

    fn ds(spec: serde_json::Value) -> DaemonSet {
        let mut pod_spec = json!({"containers": [{"name": "c", "image": "pause"}]});
        if let (Some(p), Some(extra)) = (pod_spec.as_object_mut(), spec.as_object()) {
            for (k, v) in extra {
                p.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(json!({"metadata": {"name": "d", "namespace": "ns"},
            "spec": {"selector": {"matchLabels": {"a": "b"}},
                     "template": {"metadata": {"labels": {"a": "b"}}, "spec": pod_spec}}}))
        .unwrap()
    }

    fn taint(key: &str, value: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: Some(value.into()),
            effect: effect.into(),
            time_added: None,
        }
    }

    fn toleration(key: &str, op: &str, value: &str, effect: &str) -> Toleration {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Toleration {
            key: opt(key),
            operator: opt(op),
            value: opt(value),
            effect: opt(effect),
            toleration_seconds: None,
        }
    }

    #[test]
    fn tolerations_match_taints_as_upstream() {
        let t = taint("dedicated", "gpu", "NoSchedule");
        let cases = [
            (toleration("dedicated", "Equal", "gpu", "NoSchedule"), true),
            (toleration("dedicated", "", "gpu", ""), true),
            (toleration("dedicated", "Equal", "cpu", "NoSchedule"), false),
            (toleration("dedicated", "Exists", "", ""), true),
            (toleration("", "Exists", "", ""), true),
            (toleration("", "Exists", "", "NoExecute"), false),
            (toleration("other", "Exists", "", "NoSchedule"), false),
            (toleration("dedicated", "Bogus", "gpu", ""), false),
        ];
        for (i, (tol, want)) in cases.iter().enumerate() {
            assert_eq!(tolerates(tol, &t), *want, "case {i}");
        }
    }

    #[test]
    fn node_selectors_and_required_affinity_decide_eligibility() {
        let n = node("n1", json!({"zone": "a", "cores": "8"}), json!([]));
        let run = |spec| node_should_run(&n, &ds(spec)).0;
        assert!(run(json!({})));
        assert!(run(json!({"nodeSelector": {"zone": "a"}})));
        assert!(!run(json!({"nodeSelector": {"zone": "b"}})));
        let affinity = |terms| {
            json!({"affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}})
        };
        assert!(run(affinity(json!([{"matchExpressions": [
            {"key": "zone", "operator": "In", "values": ["a", "b"]}]}]))));
        assert!(!run(affinity(json!([{"matchExpressions": [
            {"key": "zone", "operator": "NotIn", "values": ["a"]}]}]))));
        assert!(run(affinity(json!([{"matchExpressions": [
            {"key": "cores", "operator": "Gt", "values": ["4"]}]}]))));
        assert!(!run(affinity(json!([{"matchExpressions": [
            {"key": "cores", "operator": "Lt", "values": ["4"]}]}]))));
        assert!(!run(affinity(json!([{"matchExpressions": [
            {"key": "gpu", "operator": "Exists"}]}]))));
        // Terms are ORed; an empty term matches nothing.
        assert!(run(affinity(json!([{}, {"matchFields": [
            {"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]))));
        assert!(!run(affinity(json!([{}]))));
        assert!(!run(json!({"nodeName": "n2"})));
    }

    #[test]
    fn taints_keep_new_pods_off_and_no_execute_evicts_running_ones() {
        let d = ds(json!({}));
        let tainted = |t| node("n", json!({}), json!([t]));
        let no_schedule = tainted(json!({"key": "k", "value": "v", "effect": "NoSchedule"}));
        assert_eq!(node_should_run(&no_schedule, &d), (false, true));
        let no_execute = tainted(json!({"key": "k", "value": "v", "effect": "NoExecute"}));
        assert_eq!(node_should_run(&no_execute, &d), (false, false));
        let prefer = tainted(json!({"key": "k", "value": "v", "effect": "PreferNoSchedule"}));
        assert_eq!(node_should_run(&prefer, &d), (true, true));
        // Daemon pods tolerate node conditions.
        let cordoned =
            tainted(json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}));
        assert_eq!(node_should_run(&cordoned, &d), (true, true));
        let not_ready =
            tainted(json!({"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}));
        assert_eq!(node_should_run(&not_ready, &d), (true, true));
        let network = tainted(
            json!({"key": "node.kubernetes.io/network-unavailable", "effect": "NoSchedule"}),
        );
        assert_eq!(node_should_run(&network, &d), (false, true));
        assert_eq!(
            node_should_run(&network, &ds(json!({"hostNetwork": true}))),
            (true, true)
        );
        let tolerated = ds(json!({"tolerations": [{"key": "k", "operator": "Exists"}]}));
        assert_eq!(node_should_run(&no_execute, &tolerated), (true, true));
    }

    #[test]
    fn pods_are_pinned_by_node_name_affinity() {
        let original: Affinity = serde_json::from_value(json!({"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]}},
            "podAntiAffinity": {}}))
        .unwrap();
        let pinned = pin_to_node(Some(original), "n7");
        assert!(pinned.pod_anti_affinity.is_some());
        let pod = Pod {
            spec: Some(PodSpec {
                affinity: Some(pinned),
                ..PodSpec::default()
            }),
            ..Pod::default()
        };
        assert_eq!(target_node(&pod).as_deref(), Some("n7"));
        let bound: Pod =
            serde_json::from_value(json!({"spec": {"nodeName": "n2", "containers": []}})).unwrap();
        assert_eq!(target_node(&bound).as_deref(), Some("n2"));
        assert_eq!(target_node(&Pod::default()), None);
    }
}
