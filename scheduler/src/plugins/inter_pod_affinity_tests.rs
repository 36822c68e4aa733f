//! Ports of upstream's `filtering_test.go` (`TestRequiredAffinitySingleNode`,
//! `TestRequiredAffinityMultipleNodes`, `TestPreFilterDisabled`) and `scoring_test.go`
//! (`TestPreferredAffinity`, `TestPreferredAffinityWithHardPodAffinitySymmetricWeight`). The
//! namespace selector cases select on `kubernetes.io/metadata.name`, the only namespace label
//! this plugin knows.
//!
//! Each of upstream's cases is one string of a small notation:
//!
//! - case: `name => nodes => incoming pod => existing pods => expected`; existing pods are
//!   separated by `;;`, each prefixed by its node (`node1: ...`); expected has one verdict
//!   (`ok`, `affinity`, `anti`, `existing`) or normalized score per node, or `skip`.
//! - nodes: `name:key=value,key=value ...`.
//! - pod: `namespace labels | terms`; labels `key=value,...` or `-`; terms separated by `;`,
//!   each `aff: T` or `anti: T` (required), `paff W: T` or `panti W: T` (preferred, weight W).
//! - term T: `key Op v1,v2 & key Op ... @topologyKey` (`@_`: empty key), then options
//!   `ns=a,b` (namespaces), `nsel={}` or `nsel=key:Op:value` (namespace selector, `name` for
//!   `kubernetes.io/metadata.name`), `mlk=k1,k2` and `mmlk=k1,k2` (match/mismatch label keys).
//! - `{name}` is replaced by the test's definition of `name`.

use serde_json::{Map, Value, json};

use super::*;
use crate::framework::Code;
use crate::plugins::test_util::{node, run_score, score_with_state};
use common::label_selector::LABEL_VALUE_MESSAGE;

fn list(values: &str) -> Vec<&str> {
    values.split(',').filter(|v| !v.is_empty()).collect()
}

fn labels(spec: &str) -> Map<String, Value> {
    let pairs = spec.split(',').filter(|l| !l.is_empty() && *l != "-");
    let pair = |l: &str| {
        l.split_once('=')
            .map_or((l.to_owned(), json!("")), |(k, v)| (k.to_owned(), json!(v)))
    };
    pairs.map(pair).collect()
}

fn term(spec: &str) -> Value {
    let (selector, rest) = spec.split_once('@').expect("a topology key");
    let expr = |e: &str| {
        let p: Vec<&str> = e.split_whitespace().collect();
        json!({"key": p[0], "operator": p[1], "values": p.get(2).map_or(vec![], |v| list(v))})
    };
    let exprs: Vec<Value> = selector
        .split('&')
        .filter(|e| !e.trim().is_empty())
        .map(expr)
        .collect();
    let mut rest = rest.split_whitespace();
    let key = rest.next().filter(|k| *k != "_").unwrap_or_default();
    let mut t = json!({"labelSelector": {"matchExpressions": exprs}, "topologyKey": key});
    for option in rest {
        let (name, value) = option.split_once('=').expect("option=value");
        let parts: Vec<&str> = value.splitn(3, ':').collect();
        let (field, value) = match (name, parts.as_slice()) {
            ("ns", _) => ("namespaces", json!(list(value))),
            ("mlk", _) => ("matchLabelKeys", json!(list(value))),
            ("mmlk", _) => ("mismatchLabelKeys", json!(list(value))),
            (_, [k, op, v]) => {
                let k = if *k == "name" {
                    NAMESPACE_NAME_LABEL
                } else {
                    *k
                };
                let e = json!({"key": k, "operator": op, "values": [v]});
                ("namespaceSelector", json!({"matchExpressions": [e]}))
            }
            _ => ("namespaceSelector", json!({})),
        };
        t[field] = value;
    }
    t
}

fn affinity(spec: &str) -> Value {
    let mut out = json!({});
    for section in spec.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (head, body) = section.split_once(':').expect("kind: term");
        let mut head = head.split_whitespace();
        let (field, list) = match head.next() {
            Some("aff") => (
                "podAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution",
            ),
            Some("anti") => (
                "podAntiAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution",
            ),
            Some("paff") => (
                "podAffinity",
                "preferredDuringSchedulingIgnoredDuringExecution",
            ),
            _ => (
                "podAntiAffinity",
                "preferredDuringSchedulingIgnoredDuringExecution",
            ),
        };
        let item = match head.next() {
            Some(w) => json!({"weight": w.parse::<i32>().unwrap(), "podAffinityTerm": term(body)}),
            None => term(body),
        };
        let slot = &mut out[field][list];
        if slot.is_null() {
            *slot = json!([]);
        }
        slot.as_array_mut().unwrap().push(item);
    }
    out
}

fn pod(spec: &str) -> PodInfo {
    let (meta, terms) = spec.split_once('|').unwrap_or((spec, ""));
    let mut meta = meta.split_whitespace();
    let (ns, labels) = (
        meta.next().unwrap_or("d"),
        labels(meta.next().unwrap_or("-")),
    );
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "p", "namespace": ns, "labels": labels},
        "spec": {"containers": [], "affinity": affinity(terms)},
    }))
    .expect("test pod");
    PodInfo::new(Arc::new(pod))
}

/// The nodes of `nodes` with the `existing` pods on them.
fn cluster(nodes: &str, existing: &str) -> Vec<NodeInfo> {
    let new_node = |n: &str| {
        let (name, l) = n.split_once(':').unwrap_or((n, "-"));
        NodeInfo::new(node(
            json!({"metadata": {"name": name, "labels": labels(l)}}),
        ))
    };
    let mut infos: Vec<NodeInfo> = nodes.split_whitespace().map(new_node).collect();
    for (i, entry) in existing
        .split(";;")
        .filter(|e| !e.trim().is_empty())
        .enumerate()
    {
        let (on, spec) = entry.split_once(':').expect("node: pod");
        let mut object = (*pod(spec).pod).clone();
        object.metadata.name = Some(format!("existing-{i}"));
        object.spec.get_or_insert_default().node_name = Some(on.trim().to_owned());
        let info = infos
            .iter_mut()
            .find(|n| n.name() == on.trim())
            .expect("node");
        info.add_pod(PodInfo::new(Arc::new(object)));
    }
    infos
}

fn plugin() -> InterPodAffinity {
    InterPodAffinity::new(None).unwrap()
}

/// Upstream's verdicts by name, checking code and reason together.
fn verdict(status: &Status) -> String {
    let reason = status.message();
    let name = match status.code {
        Code::Success => "ok",
        Code::UnschedulableAndUnresolvable if reason == ERR_REASON_AFFINITY_RULES_NOT_MATCH => {
            "affinity"
        }
        Code::Unschedulable if reason == ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH => "anti",
        Code::Unschedulable if reason == ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH => {
            "existing"
        }
        code => return format!("{code:?}: {reason}"),
    };
    name.to_owned()
}

/// PreFilter over all nodes, then Filter on each; `["skip"]` when PreFilter skips.
fn filter_all(pod: &PodInfo, nodes: &[NodeInfo]) -> Vec<String> {
    let p = plugin();
    let mut state = CycleState::default();
    let refs: Vec<&NodeInfo> = nodes.iter().collect();
    let status = p.pre_filter(&mut state, pod, &refs);
    match status.code {
        Code::Success => nodes
            .iter()
            .map(|n| verdict(&p.filter(&state, pod, n)))
            .collect(),
        Code::Skip => vec!["skip".to_owned()],
        code => vec![format!("prefilter {code:?}: {}", status.message())],
    }
}

/// PreFilter over all nodes (as the framework does), then PreScore, Score and NormalizeScore;
/// with all nodes feasible, the scores must be the same without PreFilter.
fn scores_with(p: &InterPodAffinity, pod: &PodInfo, nodes: &[NodeInfo]) -> Vec<String> {
    let mut state = CycleState::default();
    let refs: Vec<&NodeInfo> = nodes.iter().collect();
    let status = p.pre_filter(&mut state, pod, &refs);
    assert!(
        matches!(status.code, Code::Success | Code::Skip),
        "{status:?}"
    );
    let got = match p.pre_score(&mut state, pod, &refs).code {
        Code::Success => score_with_state(p, &state, pod, nodes),
        code => Err(code),
    };
    assert_eq!(got, run_score(p, pod, nodes), "without PreFilter");
    match got {
        Ok(scores) => scores.iter().map(i64::to_string).collect(),
        Err(code) => vec![format!("{code:?}").to_lowercase()],
    }
}

fn scores(pod: &PodInfo, nodes: &[NodeInfo]) -> Vec<String> {
    scores_with(&plugin(), pod, nodes)
}

/// Runs each case with `eval`, after replacing `{name}` by its definition in `defs`.
fn run_cases(
    defs: &[(&str, &str)],
    cases: &[&str],
    eval: fn(&PodInfo, &[NodeInfo]) -> Vec<String>,
) {
    for case in cases {
        let case = defs.iter().fold(case.to_string(), |c, (k, v)| {
            c.replace(&format!("{{{k}}}"), v)
        });
        let fields: Vec<&str> = case.split(" => ").map(str::trim).collect();
        let [name, nodes, incoming, existing, want] = fields[..] else {
            panic!("malformed case {case:?}");
        };
        let got = eval(&pod(incoming), &cluster(nodes, existing));
        assert_eq!(got, want.split_whitespace().collect::<Vec<_>>(), "{name}");
    }
}

const SINGLE_NODE: &[&str] = &[
    "no affinity, no pods => {one} => d - =>  => skip",
    "In matches => {one} => d security=S1 | aff: service In securityscan,value2 @region \
     => {scan} => ok",
    "NotIn matches => {one} => d security=S1 | aff: service NotIn securityscan3 @region \
     => {scan} => ok",
    "other namespace => {one} => d security=S1 | aff: service In securityscan @region ns=other \
     => node1: ns service=securityscan => affinity",
    "selector does not match => {one} => d service=securityscan \
     | aff: service In antivirusscan,value2 @_ => {scan} => affinity",
    "operators => {one} => d security=S1 | aff: service Exists & wrongkey DoesNotExist @region \
     ; aff: service In securityscan & service NotIn WrongValue @region => {scan} => ok",
    "requirements are ANDed => {one} => d security=S1 \
     | aff: service Exists & wrongkey DoesNotExist @region \
     ; aff: service In securityscan2 & service NotIn WrongValue @region => {scan} => affinity",
    "affinity and anti-affinity => {one} => d security=S1 \
     | aff: service In securityscan @region; anti: service In antivirusscan @node \
     => {scan} => ok",
    "and symmetry => {one} => d security=S1 \
     | aff: service In securityscan @region; anti: service In antivirusscan @node \
     => {scan} | anti: service In antivirusscan @node => ok",
    "anti-affinity matches => {one} => d security=S1 \
     | aff: service In securityscan @region; anti: service In securityscan @zone \
     => {scan} => anti",
    "existing anti-affinity matches => {one} => d service=securityscan \
     | aff: service In securityscan @region; anti: service In antivirusscan @node \
     => {scan} | anti: service In securityscan @zone => existing",
    "own NotIn => {one} => d service=securityscan | aff: service NotIn securityscan @region \
     => {scan} => affinity",
    "existing anti-affinity only => {one} => d service=securityscan \
     => {scan} | anti: service In securityscan @zone => existing",
    "existing anti-affinity does not match => {one} => d service=securityscan \
     => {scan} | anti: service NotIn securityscan @zone => skip",
    "incoming anti-affinity => {one} => d service=securityscan \
     | anti: service Exists @region; anti: security Exists @region \
     => node1: d security=S1 | anti: security Exists @zone => anti",
    "symmetry a1 => {one} => d service=securityscan \
     | anti: service Exists @zone; anti: security Exists @zone \
     => node1: d security=S1 | anti: security Exists @zone => anti",
    "symmetry a2 => {one} => d security=S1 | anti: security Exists @zone \
     => {scan} | anti: service Exists @zone; anti: security Exists @zone => existing",
    "symmetry b1 => {one} => d abc=,xyz= | {abc_def} => node1: d def=,xyz= | {abc_def} => anti",
    "symmetry b2 => {one} => d def=,xyz= | {abc_def} => node1: d abc=,xyz= | {abc_def} => anti",
    // Namespaces.
    "affinity by name => {one} => mine - | aff: app In db @zone nsel=name:In:t1 \
     => node1: t1 app=db => ok",
    "affinity, other namespace => {one} => mine - | aff: app In db @zone nsel=name:In:t1 \
     => node1: t2 app=db => affinity",
    "anti by name => {one} => mine - | anti: app In db @zone nsel=name:In:t1 \
     => node1: t1 app=db => anti",
    "anti everywhere => {one} => mine - | anti: app In db @zone nsel={} \
     => node1: t2 app=db => anti",
    "anti, other namespace => {one} => mine - | anti: app In db @zone nsel=name:In:t1 \
     => node1: t2 app=db => ok",
    "namespaces or selector => {one} => mine - | anti: app In db @zone ns=t2 nsel=name:In:x \
     => node1: t2 app=db => anti",
    "other namespace labels are unknown => {one} \
     => mine - | anti: app In db @zone nsel=team:In:t1 => node1: t1 app=db => ok",
    "NotIn on unknown labels => {one} => mine - | anti: app In db @zone nsel=team:NotIn:x \
     => node1: t1 app=db => anti",
    "existing term, incoming namespace => {one} => t1 app=db \
     => node1: other app=db | anti: app In db @zone nsel=name:In:t1 => existing",
    "existing term, other namespace => {one} => t2 app=db \
     => node1: other app=db | anti: app In db @zone nsel=name:In:t1 => skip",
    // matchLabelKeys and mismatchLabelKeys.
    "same tenant => {ab} => d app=web,tenant=a | aff: app Exists @zone mlk=tenant,x \
     => nodeA: d app=web,tenant=a => ok affinity",
    "other tenant, first of its group => {ab} => d app=web,tenant=b \
     | aff: app Exists @zone mlk=tenant,x => nodeA: d app=web,tenant=a => ok ok",
    "mismatch => {ab} => d app=web,tenant=b | anti: app Exists @zone mmlk=tenant \
     => nodeA: d app=web,tenant=a => anti ok",
    "mismatch, same tenant => {ab} => d app=web,tenant=a | anti: app Exists @zone mmlk=tenant \
     => nodeA: d app=web,tenant=a => ok ok",
    "existing pod's keys => {ab} => d app=web,tenant=a \
     => nodeA: d app=web,tenant=a | anti: app Exists @zone mlk=tenant => existing ok",
    "existing pod's keys, other tenant => {ab} => d app=web,tenant=b \
     => nodeA: d app=web,tenant=a | anti: app Exists @zone mlk=tenant => skip",
];

#[test]
fn required_affinity_single_node() {
    let defs = [
        ("one", "node1:region=r1,zone=z11"),
        ("ab", "nodeA:zone=z1 nodeB:zone=z2"),
        ("scan", "node1: d service=securityscan"),
        ("abc_def", "anti: abc Exists @zone; anti: def Exists @zone"),
    ];
    run_cases(&defs, SINGLE_NODE, filter_all);
}

const MULTIPLE_NODES: &[&str] = &[
    "domain of a matching pod => {three} => d - | aff: foo In bar @region \
     => nodeA: d foo=bar => ok ok affinity",
    "first pod of a group => nodeA:zone=az1 nodeB:zone=az2 => d foo=bar,service=securityscan \
     | {group} => nodeA: d foo=bar => ok ok",
    "first pod needs the keys => nodeA:zoneLabel=az1 nodeB:zoneLabel=az2 \
     => d foo=bar,service=securityscan | {group} => nodeA: d foo=bar => affinity affinity",
    "anti covers the domain => {same} => d - | anti: foo In abc @region \
     => nodeA: d foo=abc => anti anti",
    "any anti term => {split} => d - | anti: foo In abc @region; anti: service In x @zone \
     => nodeA: d foo=abc,service=x => anti anti",
    "another domain fits => {three} => d - | anti: foo In abc @region \
     => nodeA: d foo=abc => anti anti ok",
    "own namespaces => {three} => NS1 foo=123 | anti: foo In bar @region \
     => nodeA: NS1 foo=bar ;; nodeC: NS2 - | anti: foo In 123 @region => anti anti ok",
    "existing term, unknown key => {same} => d foo= \
     => nodeA: d - | anti: foo Exists @invalid-node-label => skip",
    "incoming term, unknown key => {same} => d - | anti: foo Exists @invalid-node-label \
     => nodeA: d foo= => ok ok",
    "existing terms, two pods => {split} => d foo=,bar= \
     => nodeA: d - | anti: foo Exists @zone ;; nodeA: d - | anti: bar Exists @region \
     => existing existing",
    "incoming terms, two pods => {split} => d - | anti: foo Exists @zone; anti: bar Exists @region \
     => nodeA: d foo= ;; nodeB: d bar= => anti anti",
    "existing, one unknown key => {split} => d foo=,bar= \
     => nodeA: d - | anti: foo Exists @invalid-node-label; anti: bar Exists @zone => existing ok",
    "incoming, one unknown key => {split} \
     => d - | anti: foo Exists @invalid-node-label; anti: bar Exists @zone \
     => nodeA: d foo=,bar= => anti ok",
    "existing, known keys => {split} => d foo=,bar= \
     => nodeA: d - | anti: foo Exists @region; anti: bar Exists @zone => existing existing",
    "incoming, known keys => {split} => d - | anti: foo Exists @region; anti: bar Exists @zone \
     => nodeA: d foo=,bar= => anti anti",
    "existing pods on two nodes => {abc} => d foo=,bar= \
     => nodeA: d - | anti: foo Exists @zone; anti: labelA Exists @zone \
     ;; nodeB: d - | anti: bar Exists @zone; anti: labelB Exists @zone => existing existing ok",
    "one pod matches all terms => {same} => d - | aff: foo Exists @region; aff: bar Exists @zone \
     => nodeA: d foo=,bar= => ok ok",
    "terms matched by one pod => {split} => d - | aff: foo Exists @region; aff: bar Exists @zone \
     => nodeA: d foo= ;; nodeB: d bar= => affinity affinity",
];

#[test]
fn required_affinity_multiple_nodes() {
    let defs = [
        (
            "three",
            "nodeA:region=China nodeB:region=China,az=az1 nodeC:region=India",
        ),
        ("same", "nodeA:region=r1,zone=z1 nodeB:region=r1,zone=z1"),
        ("split", "nodeA:region=r1,zone=z1 nodeB:region=r1,zone=z2"),
        (
            "abc",
            "nodeA:region=r1,zone=z1 nodeB:region=r1,zone=z2 nodeC:region=r1,zone=z3",
        ),
        (
            "group",
            "aff: foo In bar @zone; aff: service In securityscan @zone",
        ),
    ];
    run_cases(&defs, MULTIPLE_NODES, filter_all);
}

#[test]
fn match_label_keys_merge_once() {
    // A requirement already merged (by an apiserver) is not added twice.
    let t = serde_json::from_value(term("tenant In a @zone mlk=tenant")).unwrap();
    let parsed = Term::new(&pod("d tenant=a").pod, &t, 0).unwrap();
    assert_eq!(parsed.selector.map(|r| r.len()), Some(1));
}

#[test]
fn filter_without_pre_filter_is_an_error() {
    let status = plugin().filter(&CycleState::default(), &pod("d -"), &cluster("n", "")[0]);
    assert_eq!(status.code, Code::Error);
    let want = r#"error reading "PreFilterInterPodAffinity" from cycleState: not found"#;
    assert_eq!(status.message(), want);
}

#[test]
fn unparsable_terms() {
    let nodes = cluster("n:region=r", "");
    let bad = "service In {{.bad-value.}} @region";
    let value = format!(
        "values[0][service]: Invalid value: \"{{{{.bad-value.}}}}\": {LABEL_VALUE_MESSAGE}"
    );
    let prefix = "prefilter UnschedulableAndUnresolvable: parsing pod:";
    let incoming = pod(&format!("d - | aff: service In x @region; aff: {bad}"));
    let want = format!("{prefix} requiredAffinityTerms: {value}");
    assert_eq!(filter_all(&incoming, &nodes), [want]);
    let both = pod(&format!("d - | aff: {bad}; anti: k Bogus @r"));
    let operator = "\"Bogus\" is not a valid label selector operator";
    let want =
        format!("{prefix} [requiredAffinityTerms: {value}, requiredAntiAffinityTerms: {operator}]");
    assert_eq!(filter_all(&both, &nodes), [want]);
    for (t, want) in [
        ("bad/key/ Exists @r", "key: Invalid value: \"bad/key/\""),
        ("k In @r", "values set can't be empty"),
        ("k Exists v @r", "values set must be empty"),
    ] {
        let p = pod(&format!("d - | paff 1: {t}"));
        let got = filter_all(&p, &nodes).remove(0);
        assert!(
            got.contains("preferredAffinityTerms: ") && got.contains(want),
            "{got}"
        );
        // PreScore reports what PreFilter would have caught as an error.
        assert_eq!(run_score(&plugin(), &p, &nodes), Err(Code::Error));
    }
    // An existing pod's unparsable list is ignored, as upstream's PodInfo drops it.
    let nodes = cluster(
        "n:region=r",
        &format!("n: d - | anti: {bad}; anti: x Exists @region"),
    );
    assert_eq!(filter_all(&pod("d x="), &nodes), ["skip"]);
}

const PREFERRED: &[&str] = &[
    "no affinity anywhere => {cn_in_az} => d security=S1 =>  => skip",
    "matching pods score high => {cn_in_az} => {s1} | {stay_s1} \
     => node1: {s1} ;; node2: {s2} ;; node3: {s1} => 100 0 0",
    "the domain scores the same => node1:region=China node2:region=China,az=az1 node3:region=India \
     => d - | {stay_s1} => node1: {s1} => 100 100 0",
    "more matches win => {five} => {s1} | {stay_s2} => node1: {s2} ;; node1: {s2} ;; node2: {s2} \
     ;; node3: {s2} ;; node4: {s2} ;; node5: {s2} => 100 0 100 100 0",
    "operators => {cn_in_az} => {s1} | paff 8: security NotIn S1 & security In S2 @region \
     ; paff 2: security Exists & wrongkey DoesNotExist @region \
     => node1: {s1} ;; node2: {s2} ;; node3: {s1} => 20 100 0",
    "preferred symmetry => {cn_in_az} => {s2} \
     => node1: {s1} | {stay_s1} ;; node2: {s2} | {stay_s2} => 0 100 0",
    "required symmetry => {cn_in_az} => {s1} => node1: {s1} | {hard} ;; node2: {s2} | {hard} \
     => 100 100 0",
    "anti: matches score low => node1:az=az1 node2:region=China => {s1} | {away_s1} \
     => node1: {s1} ;; node2: {s2} => 0 100",
    "anti: no topology key scores high => node1:az=az1 node2:region=China => {s1} | {away_s1} \
     => node1: {s1} ;; node2: {s1} => 0 100",
    "anti: more matches score lower => node1:az=az1 node2:region=India => {s1} | {away_s1} \
     => node1: {s1} ;; node1: {s1} ;; node2: {s2} => 0 100",
    "anti symmetry => node1:az=az1 node2:az=az2 => {s2} \
     => node1: {s1} | panti 5: security In S2 @az ;; node2: {s2} | {away_s1} => 0 100",
    "affinity and anti-affinity => node1:region=China node2:az=az1 => {s1} | {stay_away} \
     => node1: {s1} ;; node2: {s1} => 100 0",
    "together in the region, apart on nodes => node1:region=China,az=az1 node2:region=India \
     node3:region=China node4:region=China node5:region=India => {s1} | {stay_away} \
     => node1: {s1} ;; node1: {s1} ;; node2: {s1} ;; node3: {s1} ;; node3: {s1} ;; node4: {s1} \
     ;; node5: {s1} => 100 0 100 100 0",
    "all together => node1:region=China node2:az=az1 node3:region=India node4:az=az2 \
     => {s1} | {stay_away} => node1: {s1} ;; node2: {s2} ;; node3: d - | {stay_away} \
     ;; node4: d - | {away_s1} => 100 0 100 0",
    "domain without pods with affinity => node1:region=China node2:region=China => {s1} \
     => node1: {s1} ;; node2: d - | {stay_away} => 0 0",
    "no nodes =>  => {s2} =>  => skip",
    // Namespaces.
    "namespaces => {two} => t1 security=S1 | paff 5: {ns_term} => {ns_pods} => 100 0",
    "namespaces, anti => {two} => t1 security=S1 | panti 5: {ns_term} => {ns_pods} => 0 100",
    "namespaces, symmetry => {two} => t1 security=S1 \
     => node1: x security=S1 | paff 5: {ns_term} => 100 0",
    "namespaces, symmetry, other namespace => {two} => t3 security=S1 \
     => node1: x security=S1 | paff 5: {ns_term} => skip",
    "normalized between min and max => node1:az=1 node2:az=2 node3:az=3 \
     => d - | paff 3: b Exists @az; panti 1: a Exists @az => node1: d a= ;; node3: d b= \
     => 0 25 100",
];

const STAY_S1_AWAY_S2: &str = "paff 8: security In S1 @region; panti 5: security In S2 @az";

#[test]
fn preferred_affinity() {
    let defs = [
        (
            "cn_in_az",
            "node1:region=China node2:region=India node3:az=az1",
        ),
        (
            "five",
            "node1:region=China node2:region=India node3:region=China node4:region=China \
                  node5:region=India",
        ),
        ("two", "node1:region=China node2:region=India"),
        ("s1", "d security=S1"),
        ("s2", "d security=S2"),
        ("stay_s1", "paff 5: security In S1 @region"),
        ("stay_s2", "paff 6: security In S2 @region"),
        ("away_s1", "panti 5: security In S1 @az"),
        ("stay_away", STAY_S1_AWAY_S2),
        (
            "hard",
            "aff: security In S1,value2 @region \
                  ; aff: security Exists & wrongkey DoesNotExist @region",
        ),
        ("ns_term", "security In S1 @region ns=t2 nsel=name:In:t1"),
        (
            "ns_pods",
            "node1: t1 security=S1 ;; node1: t1 security=S1 ;; node1: t2 security=S1 \
                     ;; node2: t3 security=S1",
        ),
    ];
    run_cases(&defs, PREFERRED, scores);
}

#[test]
fn ignore_preferred_terms_of_existing_pods() {
    let existing = format!(
        "node1: d security=S1 | {STAY_S1_AWAY_S2} \
         ;; node2: d security=S2 | paff 6: security In S2 @region"
    );
    let nodes = cluster("node1:region=China node2:region=India", &existing);
    let args = json!({"ignorePreferredTermsOfExistingPods": true});
    let ignoring = InterPodAffinity::new(Some(&args)).unwrap();
    assert_eq!(
        scores_with(&ignoring, &pod("d security=S2"), &nodes),
        ["skip"]
    );
    assert_eq!(scores(&pod("d security=S2"), &nodes), ["0", "100"]);
    // The pod's own preferred terms still count.
    let own = pod("d security=S3 | paff 5: security In S1 @region");
    assert_eq!(scores_with(&ignoring, &own, &nodes), ["100", "0"]);
}

#[test]
fn hard_pod_affinity_weight() {
    let hard = "aff: service In S1 @region ns=d,subteam2.team2 nsel=name:In:subteam1.team1";
    let nodes = "node1:region=China node2:region=India node3:az=az1";
    let existing = format!("node1: d - | {hard} ;; node2: d - | {hard}");
    for (ns, weight, want) in [
        ("d", 1, "100 100 0"),
        ("d", 0, "skip"),
        ("subteam1.team2", 1, "skip"),
        ("subteam1.team1", 1, "100 100 0"),
        ("subteam2.team2", 1, "100 100 0"),
    ] {
        let args = json!({"hardPodAffinityWeight": weight});
        let p = InterPodAffinity::new(Some(&args)).unwrap();
        let got = scores_with(
            &p,
            &pod(&format!("{ns} service=S1")),
            &cluster(nodes, &existing),
        );
        assert_eq!(got, want.split(' ').collect::<Vec<_>>(), "{ns} {weight}");
    }
}

#[test]
fn scoring_sees_pods_on_nodes_that_are_not_feasible() {
    let nodes = cluster("full:zone=a n2:zone=a n3:zone=b", "full: d app=db");
    let incoming = pod("d - | paff 10: app In db @zone");
    let p = plugin();
    let mut state = CycleState::default();
    let all: Vec<&NodeInfo> = nodes.iter().collect();
    assert_eq!(p.pre_filter(&mut state, &incoming, &all).code, Code::Skip);
    assert!(p.pre_score(&mut state, &incoming, &all[1..]).is_success());
    assert_eq!(
        score_with_state(&p, &state, &incoming, &nodes[1..]),
        Ok(vec![100, 0])
    );
}

#[test]
fn args() {
    let p = InterPodAffinity::new(Some(&json!({"hardPodAffinityWeight": 100}))).unwrap();
    assert_eq!(p.hard_pod_affinity_weight, 100);
    assert_eq!(plugin().hard_pod_affinity_weight, 1);
    assert!(!plugin().ignore_preferred_terms_of_existing_pods);
    for bad in [
        json!({"hardPodAffinityWeight": 101}),
        json!({"hardPodAffinityWeight": -1}),
        json!({"hardPodAffinityWeights": 1}),
    ] {
        let err = InterPodAffinity::new(Some(&bad)).unwrap_err();
        assert!(matches!(err, Error::InvalidArgs { .. }), "{bad}");
    }
    let err = InterPodAffinity::new(Some(&json!({"hardPodAffinityWeight": 101}))).unwrap_err();
    let want = "hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]";
    assert!(err.to_string().contains(want), "{err}");
    assert_eq!(plugin().events().len(), 5);
}
