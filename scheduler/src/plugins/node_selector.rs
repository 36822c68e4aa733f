//! Node selectors as upstream's `component-helpers/scheduling/corev1/nodeaffinity` evaluates
//! them: terms are ORed, the requirements of a term ANDed; `matchExpressions` are label
//! requirements (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`), `matchFields` field
//! requirements on `metadata.name` (`In`/`NotIn` with one value). An empty term, or a selector
//! without terms, matches no node.
//!
//! Used by NodeAffinity and by everything else that must agree with the scheduler on where a pod
//! may run (DaemonSet, PodTopologySpread): [`RequiredNodeAffinity`] is a pod's `nodeSelector`
//! plus its required node affinity.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm,
};

use common::name_validation::{is_qualified_name, is_valid_label_value};

/// The only field `matchFields` can select on.
pub const OBJECT_NAME_FIELD: &str = "metadata.name";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelOp {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

/// One parsed `matchExpressions` entry (`labels.Requirement`).
#[derive(Debug, Clone)]
struct LabelRequirement {
    key: String,
    op: LabelOp,
    values: Vec<String>,
    /// The integer of `Gt`/`Lt`.
    bound: i64,
}

impl LabelRequirement {
    /// `labels.NewRequirement` with upstream's checks on the key, the operator and the values.
    fn parse(req: &NodeSelectorRequirement, path: &str) -> Result<Self, Vec<String>> {
        let values = req.values.clone().unwrap_or_default();
        let mut errors = Vec::new();
        if !is_qualified_name(&req.key) {
            errors.push(format!("{path}.key: Invalid value: {:?}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", req.key));
        }
        let op = match req.operator.as_str() {
            "In" => LabelOp::In,
            "NotIn" => LabelOp::NotIn,
            "Exists" => LabelOp::Exists,
            "DoesNotExist" => LabelOp::DoesNotExist,
            "Gt" => LabelOp::Gt,
            "Lt" => LabelOp::Lt,
            other => {
                errors.push(format!("{path}.operator: Unsupported value: {other:?}"));
                return Err(errors);
            }
        };
        let mut bound = 0;
        match op {
            LabelOp::In | LabelOp::NotIn if values.is_empty() => errors.push(format!(
                "{path}.values: Invalid value: for 'in', 'notin' operators, values set can't be empty"
            )),
            LabelOp::Exists | LabelOp::DoesNotExist if !values.is_empty() => errors.push(format!(
                "{path}.values: Invalid value: values set must be empty for exists and does not exist"
            )),
            LabelOp::Gt | LabelOp::Lt => {
                if values.len() != 1 {
                    errors.push(format!("{path}.values: Invalid value: for 'Gt', 'Lt' operators, exactly one value is required"));
                }
                for (i, v) in values.iter().enumerate() {
                    match v.parse::<i64>() {
                        Ok(n) => bound = n,
                        Err(_) => errors.push(format!("{path}.values[{i}]: Invalid value: {v:?}: for 'Gt', 'Lt' operators, the value must be an integer")),
                    }
                }
            }
            _ => {}
        }
        for (i, v) in values.iter().enumerate() {
            if !is_valid_label_value(v) {
                errors.push(format!("{path}.values[{i}]: Invalid value: {v:?}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
            }
        }
        if errors.is_empty() {
            Ok(Self {
                key: req.key.clone(),
                op,
                values,
                bound,
            })
        } else {
            Err(errors)
        }
    }

    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        match self.op {
            LabelOp::In => value.is_some_and(|v| self.values.contains(v)),
            LabelOp::NotIn => value.is_none_or(|v| !self.values.contains(v)),
            LabelOp::Exists => value.is_some(),
            LabelOp::DoesNotExist => value.is_none(),
            LabelOp::Gt | LabelOp::Lt => {
                let Some(n) = value.and_then(|v| v.parse::<i64>().ok()) else {
                    return false;
                };
                if self.op == LabelOp::Gt {
                    n > self.bound
                } else {
                    n < self.bound
                }
            }
        }
    }
}

/// One parsed `matchFields` entry: `field == value` or `field != value`.
#[derive(Debug, Clone)]
struct FieldRequirement {
    key: String,
    value: String,
    equal: bool,
}

/// A parsed term; one with parse errors matches nothing.
#[derive(Debug, Clone, Default)]
struct Term {
    labels: Option<Vec<LabelRequirement>>,
    fields: Option<Vec<FieldRequirement>>,
    errors: Vec<String>,
}

fn is_empty_term(term: &NodeSelectorTerm) -> bool {
    term.match_expressions.as_ref().is_none_or(Vec::is_empty)
        && term.match_fields.as_ref().is_none_or(Vec::is_empty)
}

impl Term {
    fn parse(term: &NodeSelectorTerm, path: &str) -> Self {
        let mut parsed = Term::default();
        let expressions = term.match_expressions.as_deref().unwrap_or_default();
        if !expressions.is_empty() {
            let mut reqs = Vec::with_capacity(expressions.len());
            for (i, e) in expressions.iter().enumerate() {
                match LabelRequirement::parse(e, &format!("{path}.matchExpressions[{i}]")) {
                    Ok(r) => reqs.push(r),
                    Err(errs) => parsed.errors.extend(errs),
                }
            }
            parsed.labels = Some(reqs);
        }
        let fields = term.match_fields.as_deref().unwrap_or_default();
        if !fields.is_empty() {
            let mut reqs = Vec::with_capacity(fields.len());
            for (i, f) in fields.iter().enumerate() {
                let p = format!("{path}.matchFields[{i}]");
                let values = f.values.as_deref().unwrap_or_default();
                let equal = match f.operator.as_str() {
                    "In" => true,
                    "NotIn" => false,
                    other => {
                        parsed.errors.push(format!(
                            "{p}.operator: Unsupported value: {other:?}: supported values: \"In\", \"NotIn\""
                        ));
                        continue;
                    }
                };
                match values {
                    [value] => reqs.push(FieldRequirement {
                        key: f.key.clone(),
                        value: value.clone(),
                        equal,
                    }),
                    _ => parsed.errors.push(format!(
                        "{p}.values: Invalid value: {values:?}: must have one element"
                    )),
                }
            }
            parsed.fields = Some(reqs);
        }
        parsed
    }

    fn matches(&self, labels: &BTreeMap<String, String>, name: &str) -> bool {
        if !self.errors.is_empty() {
            return false;
        }
        if let Some(reqs) = &self.labels
            && !reqs.iter().all(|r| r.matches(labels))
        {
            return false;
        }
        // Upstream's node fields are `metadata.name` only, and absent for a nameless node.
        if let Some(reqs) = &self.fields
            && !name.is_empty()
        {
            let field = |key: &str| if key == OBJECT_NAME_FIELD { name } else { "" };
            if !reqs.iter().all(|r| (field(&r.key) == r.value) == r.equal) {
                return false;
            }
        }
        true
    }
}

fn node_labels(node: &Node) -> &BTreeMap<String, String> {
    static EMPTY: BTreeMap<String, String> = BTreeMap::new();
    node.metadata.labels.as_ref().unwrap_or(&EMPTY)
}

fn node_name(node: &Node) -> &str {
    node.metadata.name.as_deref().unwrap_or_default()
}

/// A parsed `NodeSelector`.
#[derive(Debug, Clone)]
pub struct NodeSelectorMatcher {
    terms: Vec<Term>,
}

impl NodeSelectorMatcher {
    /// Upstream's `NewLazyErrorNodeSelector`: a term that does not parse matches nothing, the
    /// other terms still count (what the scheduler does with pods, whose selectors predate
    /// stricter validation).
    pub fn new(selector: &NodeSelector) -> Self {
        let terms = selector
            .node_selector_terms
            .iter()
            .enumerate()
            .filter(|(_, t)| !is_empty_term(t))
            .map(|(i, t)| Term::parse(t, &format!("nodeSelectorTerms[{i}]")))
            .collect();
        Self { terms }
    }

    /// Upstream's `NewNodeSelector`: every parse error is returned (configuration).
    pub fn try_new(selector: &NodeSelector) -> Result<Self, String> {
        let matcher = Self::new(selector);
        let errors: Vec<&str> = matcher
            .terms
            .iter()
            .flat_map(|t| t.errors.iter().map(String::as_str))
            .collect();
        if errors.is_empty() {
            Ok(matcher)
        } else {
            Err(errors.join(", "))
        }
    }

    /// Whether some term matches `node`.
    pub fn matches(&self, node: &Node) -> bool {
        let (labels, name) = (node_labels(node), node_name(node));
        self.terms.iter().any(|t| t.matches(labels, name))
    }
}

/// Parsed `preferredDuringSchedulingIgnoredDuringExecution` terms.
#[derive(Debug, Clone, Default)]
pub struct PreferredTerms {
    terms: Vec<(Term, i64)>,
}

impl PreferredTerms {
    /// Upstream's `NewPreferredSchedulingTerms`: terms with weight 0 or no requirements are
    /// dropped; any parse error fails the whole list.
    pub fn try_new(terms: &[PreferredSchedulingTerm]) -> Result<Self, String> {
        let mut parsed = Vec::with_capacity(terms.len());
        let mut errors = Vec::new();
        for (i, t) in terms.iter().enumerate() {
            if t.weight == 0 || is_empty_term(&t.preference) {
                continue;
            }
            let term = Term::parse(&t.preference, &format!("[{i}].preference"));
            if term.errors.is_empty() {
                parsed.push((term, i64::from(t.weight)));
            } else {
                errors.extend(term.errors);
            }
        }
        if errors.is_empty() {
            Ok(Self { terms: parsed })
        } else {
            Err(errors.join(", "))
        }
    }

    /// The sum of the weights of the terms `node` matches.
    pub fn score(&self, node: &Node) -> i64 {
        let (labels, name) = (node_labels(node), node_name(node));
        self.terms
            .iter()
            .filter(|(t, _)| t.matches(labels, name))
            .map(|(_, w)| *w)
            .sum()
    }
}

/// A pod's hard node constraints (upstream's `RequiredNodeAffinity`): `spec.nodeSelector` and
/// `requiredDuringSchedulingIgnoredDuringExecution`, both of which must match.
#[derive(Debug, Clone, Default)]
pub struct RequiredNodeAffinity {
    node_selector: Option<BTreeMap<String, String>>,
    affinity: Option<NodeSelectorMatcher>,
}

impl RequiredNodeAffinity {
    /// Upstream's `GetRequiredNodeAffinity`.
    pub fn of_pod(pod: &Pod) -> Self {
        let spec = pod.spec.as_ref();
        let node_selector = spec
            .and_then(|s| s.node_selector.clone())
            .filter(|s| !s.is_empty());
        let affinity = spec
            .and_then(|s| s.affinity.as_ref())
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })
            .map(NodeSelectorMatcher::new);
        Self {
            node_selector,
            affinity,
        }
    }

    /// Whether the pod has neither, so that every node satisfies it.
    pub fn is_empty(&self) -> bool {
        self.node_selector.is_none() && self.affinity.is_none()
    }

    /// Whether `node` satisfies both (selector parse errors count as no match).
    pub fn matches(&self, node: &Node) -> bool {
        if let Some(selector) = &self.node_selector {
            let labels = node_labels(node);
            if !selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
                return false;
            }
        }
        self.affinity.as_ref().is_none_or(|a| a.matches(node))
    }
}

/// Whether `pod` may run on `node` by its `nodeSelector` and required node affinity.
pub fn pod_matches_node_selector_and_affinity(pod: &Pod, node: &Node) -> bool {
    RequiredNodeAffinity::of_pod(pod).matches(node)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn node(name: &str, labels: serde_json::Value) -> Node {
        serde_json::from_value(json!({"metadata": {"name": name, "labels": labels}})).unwrap()
    }

    fn selector(terms: serde_json::Value) -> NodeSelector {
        serde_json::from_value(json!({"nodeSelectorTerms": terms})).unwrap()
    }

    #[test]
    fn operators() {
        let n = node("n1", json!({"foo": "bar", "kernel-version": "0206"}));
        let cases = [
            (
                json!({"key": "foo", "operator": "In", "values": ["bar", "x"]}),
                true,
            ),
            (
                json!({"key": "foo", "operator": "NotIn", "values": ["bar"]}),
                false,
            ),
            (
                json!({"key": "missing", "operator": "NotIn", "values": ["bar"]}),
                true,
            ),
            (json!({"key": "foo", "operator": "Exists"}), true),
            (json!({"key": "foo", "operator": "DoesNotExist"}), false),
            (
                json!({"key": "kernel-version", "operator": "Gt", "values": ["0204"]}),
                true,
            ),
            (
                json!({"key": "kernel-version", "operator": "Lt", "values": ["0204"]}),
                false,
            ),
            (
                json!({"key": "foo", "operator": "Gt", "values": ["1"]}),
                false,
            ),
            (
                json!({"key": "foo", "operator": "Gt", "values": ["x"]}),
                false,
            ),
            (
                json!({"key": "foo", "operator": "Exists", "values": ["bar"]}),
                false,
            ),
            (json!({"key": "foo", "operator": "In", "values": []}), false),
            (
                json!({"key": "foo", "operator": "Bogus", "values": ["bar"]}),
                false,
            ),
        ];
        for (req, want) in cases {
            let m =
                NodeSelectorMatcher::new(&selector(json!([{"matchExpressions": [req.clone()]}])));
            assert_eq!(m.matches(&n), want, "{req}");
        }
    }

    #[test]
    fn fields_and_strictness() {
        let n = node("node1", json!({}));
        let by_name = |op: &str, values: serde_json::Value| {
            selector(
                json!([{"matchFields": [{"key": "metadata.name", "operator": op, "values": values}]}]),
            )
        };
        assert!(NodeSelectorMatcher::new(&by_name("In", json!(["node1"]))).matches(&n));
        assert!(!NodeSelectorMatcher::new(&by_name("NotIn", json!(["node1"]))).matches(&n));
        assert!(!NodeSelectorMatcher::new(&by_name("In", json!(["node1", "node2"]))).matches(&n));
        assert!(NodeSelectorMatcher::try_new(&by_name("In", json!(["a", "b"]))).is_err());
        assert!(NodeSelectorMatcher::try_new(&by_name("Exists", json!([]))).is_err());
        // A bad term does not poison the good ones in the lazy form.
        let mixed = selector(json!([
            {"matchExpressions": [{"key": "x", "operator": "In", "values": ["bad value!"]}]},
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node1"]}]},
        ]));
        assert!(NodeSelectorMatcher::new(&mixed).matches(&n));
        assert!(NodeSelectorMatcher::try_new(&mixed).is_err());
        // No terms, or only empty terms: nothing matches.
        assert!(!NodeSelectorMatcher::new(&selector(json!([]))).matches(&n));
        assert!(!NodeSelectorMatcher::new(&selector(json!([{}]))).matches(&n));
    }

    #[test]
    fn preferred_terms_add_weights() {
        let terms: Vec<PreferredSchedulingTerm> = serde_json::from_value(json!([
            {"weight": 2, "preference": {"matchExpressions": [{"key": "a", "operator": "Exists"}]}},
            {"weight": 0, "preference": {"matchExpressions": [{"key": "a", "operator": "Exists"}]}},
            {"weight": 5, "preference": {}},
            {"weight": 3, "preference": {"matchExpressions": [{"key": "b", "operator": "Exists"}]}},
        ]))
        .unwrap();
        let t = PreferredTerms::try_new(&terms).unwrap();
        assert_eq!(t.score(&node("n", json!({"a": "1", "b": "2"}))), 5);
        assert_eq!(t.score(&node("n", json!({"a": "1"}))), 2);
        let bad: Vec<PreferredSchedulingTerm> = serde_json::from_value(json!([
            {"weight": 1, "preference": {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["z"]}]}},
        ]))
        .unwrap();
        assert!(PreferredTerms::try_new(&bad).is_err());
    }
}
