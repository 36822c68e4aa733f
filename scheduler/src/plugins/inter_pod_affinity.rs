//! InterPodAffinity: a pod fits a node only if, in the node's topology domains, some pod
//! matches all its required pod affinity terms, no pod matches one of its required
//! anti-affinity terms, and no existing pod's required anti-affinity term matches it; feasible
//! nodes are ranked by the pod's preferred terms and, symmetrically, by the terms of the pods
//! already running (upstream's `plugins/interpodaffinity`).
//!
//! Terms are parsed as upstream's `framework.PodInfo` does: selectors as
//! `metav1.LabelSelectorAsSelector` (absent: nothing, `{}`: everything), `namespaces` defaulting
//! to the pod's own when `namespaceSelector` is absent too. `matchLabelKeys`/`mismatchLabelKeys`
//! are merged into the selector from the owner's labels (upstream's apiserver does it at pod
//! creation; here the scheduler does, skipping requirements already there).
//!
//! There is no namespace lister: a `namespaceSelector` sees only the label every namespace
//! carries, `kubernetes.io/metadata.name`; one that needs another label matches no namespace.
//!
//! Scoring counts the pods of all nodes, as upstream's snapshot does; PreScore gets only the
//! feasible nodes, so PreFilter, which gets them all, keeps the pods scoring needs.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::{Node, Pod, PodAffinityTerm, WeightedPodAffinityTerm};
use serde::Deserialize;

use super::Error;
use crate::framework::{
    ClusterEvent, CycleState, FilterPlugin, MAX_NODE_SCORE, NodeInfo, NodeScore, Plugin, PodInfo,
    PreFilterPlugin, PreScorePlugin, ScorePlugin, Status,
};
use common::label_selector::{Op, Requirement, Selector, parse_optional, selector_matches};

/// The plugin's name.
pub const NAME: &str = "InterPodAffinity";
/// Upstream's reason when no pod in the node's domains matches the pod's affinity terms.
pub const ERR_REASON_AFFINITY_RULES_NOT_MATCH: &str = "node(s) didn't match pod affinity rules";
/// Upstream's reason when pods in the node's domains match the pod's anti-affinity terms.
pub const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't match pod anti-affinity rules";
/// Upstream's reason when an existing pod's anti-affinity term matches the pod.
pub const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";
/// Where PreFilter keeps its state for Filter.
pub const PRE_FILTER_STATE_KEY: &str = "PreFilterInterPodAffinity";
const SCORE_INPUT_KEY: &str = "PreFilterInterPodAffinityScoreInput";
const PRE_SCORE_STATE_KEY: &str = "PreScoreInterPodAffinity";
/// The default `hardPodAffinityWeight`.
pub const DEFAULT_HARD_POD_AFFINITY_WEIGHT: i32 = 1;
/// The highest valid `hardPodAffinityWeight`.
pub const MAX_HARD_POD_AFFINITY_WEIGHT: i32 = 100;
/// The label the apiserver puts on every namespace, with the namespace's name.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// `InterPodAffinityArgs` (kubescheduler.config.k8s.io/v1).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Args {
    #[serde(default)]
    hard_pod_affinity_weight: Option<i32>,
    #[serde(default)]
    ignore_preferred_terms_of_existing_pods: bool,
}

/// The plugin, with its args.
#[derive(Debug)]
pub struct InterPodAffinity {
    hard_pod_affinity_weight: i64,
    ignore_preferred_terms_of_existing_pods: bool,
    /// Existing pods' parsed terms by pod UID, kept across cycles: a pod's affinity cannot
    /// change after it is created, and parsing every pod's terms every cycle dominated the
    /// anti-affinity workloads.
    parsed: Mutex<HashMap<String, Arc<PodTerms>>>,
}

/// Parsed pods remembered at most; past that the memory starts over.
const PARSED_PODS: usize = 50_000;

impl InterPodAffinity {
    /// The plugin configured with `args` (`InterPodAffinityArgs` as JSON).
    pub fn new(args: Option<&serde_json::Value>) -> Result<Self, Error> {
        let args: Args = super::parse_args(NAME, args)?;
        let weight = (args.hard_pod_affinity_weight).unwrap_or(DEFAULT_HARD_POD_AFFINITY_WEIGHT);
        if !(0..=MAX_HARD_POD_AFFINITY_WEIGHT).contains(&weight) {
            let max = MAX_HARD_POD_AFFINITY_WEIGHT;
            return Err(Error::InvalidArgs {
                plugin: NAME.to_owned(),
                message: format!(
                    "hardPodAffinityWeight: Invalid value: {weight}: not in valid range [0, {max}]"
                ),
            });
        }
        Ok(Self {
            hard_pod_affinity_weight: i64::from(weight),
            ignore_preferred_terms_of_existing_pods: args.ignore_preferred_terms_of_existing_pods,
            parsed: Mutex::new(HashMap::new()),
        })
    }

    /// An existing pod's terms, parsed leniently, from memory when this pod was seen before.
    fn terms_of(&self, pod: &Pod) -> Arc<PodTerms> {
        let Some(uid) = pod.metadata.uid.as_deref().filter(|u| !u.is_empty()) else {
            return Arc::new(PodTerms::lenient(pod));
        };
        let mut parsed = self.parsed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(terms) = parsed.get(uid) {
            return terms.clone();
        }
        if parsed.len() >= PARSED_PODS {
            parsed.clear();
        }
        let terms = Arc::new(PodTerms::lenient(pod));
        parsed.insert(uid.to_owned(), terms.clone());
        terms
    }
}

static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

fn pod_labels(pod: &Pod) -> &BTreeMap<String, String> {
    pod.metadata.labels.as_ref().unwrap_or(&NO_LABELS)
}

fn node_labels(node: &Node) -> &BTreeMap<String, String> {
    node.metadata.labels.as_ref().unwrap_or(&NO_LABELS)
}

fn pod_namespace(pod: &Pod) -> &str {
    pod.metadata.namespace.as_deref().unwrap_or_default()
}

/// A parsed `PodAffinityTerm` (upstream's `framework.AffinityTerm`), with its weight when it is
/// a preferred term.
#[derive(Debug, Clone)]
struct Term {
    namespaces: Vec<String>,
    namespace_selector: Selector,
    selector: Selector,
    topology_key: String,
    weight: i64,
}

impl Term {
    /// Parses `term` of `owner`, merging `matchLabelKeys`/`mismatchLabelKeys` from its labels.
    fn new(owner: &Pod, term: &PodAffinityTerm, weight: i64) -> Result<Self, String> {
        let mut selector = parse_optional(term.label_selector.as_ref())?;
        if let Some(reqs) = selector.as_mut() {
            let keys = [
                (Op::In, &term.match_label_keys),
                (Op::NotIn, &term.mismatch_label_keys),
            ];
            for (op, keys) in keys {
                for key in keys.iter().flatten() {
                    let Some(value) = pod_labels(owner).get(key) else {
                        continue;
                    };
                    let req = Requirement::new(key, op, std::slice::from_ref(value))?;
                    if !reqs.contains(&req) {
                        reqs.push(req);
                    }
                }
            }
        }
        let namespace_selector = parse_optional(term.namespace_selector.as_ref())?;
        let namespaces = match term.namespaces.as_deref() {
            Some(listed) if !listed.is_empty() => listed.to_vec(),
            _ if namespace_selector.is_some() => Vec::new(),
            _ => vec![pod_namespace(owner).to_owned()],
        };
        let topology_key = term.topology_key.clone();
        Ok(Self {
            namespaces,
            namespace_selector,
            selector,
            topology_key,
            weight,
        })
    }

    /// Whether `pod` is in the term's namespaces and matches its selector.
    fn matches(&self, pod: &Pod) -> bool {
        let ns = pod_namespace(pod);
        let by_name = |k: &str| (k == NAMESPACE_NAME_LABEL).then_some(ns);
        let in_namespace = self.namespaces.iter().any(|n| n == ns)
            || selector_matches(&self.namespace_selector, by_name);
        let labels = pod_labels(pod);
        in_namespace && selector_matches(&self.selector, |k| labels.get(k).map(String::as_str))
    }
}

/// Upstream's `podMatchesAllAffinityTerms`: false without terms.
fn matches_all(terms: &[Term], pod: &Pod) -> bool {
    !terms.is_empty() && terms.iter().all(|t| t.matches(pod))
}

/// Upstream's `podWithAffinity`: pod affinity or anti-affinity set, whatever the terms.
fn has_pod_affinity(pod: &Pod) -> bool {
    let affinity = pod.spec.as_ref().and_then(|s| s.affinity.as_ref());
    affinity.is_some_and(|a| a.pod_affinity.is_some() || a.pod_anti_affinity.is_some())
}

fn required(pod: &Pod, terms: &[PodAffinityTerm]) -> Result<Vec<Term>, String> {
    terms.iter().map(|t| Term::new(pod, t, 0)).collect()
}

fn preferred(pod: &Pod, terms: &[WeightedPodAffinityTerm]) -> Result<Vec<Term>, String> {
    let weighted = terms
        .iter()
        .map(|t| (&t.pod_affinity_term, i64::from(t.weight)));
    weighted.map(|(t, w)| Term::new(pod, t, w)).collect()
}

/// The required terms of an optional `PodAffinity`/`PodAntiAffinity`.
macro_rules! required_terms {
    ($spec:expr) => {
        ($spec.and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_deref()
        }))
        .unwrap_or_default()
    };
}

/// The preferred terms of an optional `PodAffinity`/`PodAntiAffinity`.
macro_rules! preferred_terms {
    ($spec:expr) => {
        ($spec.and_then(|a| {
            a.preferred_during_scheduling_ignored_during_execution
                .as_deref()
        }))
        .unwrap_or_default()
    };
}

/// A pod's parsed terms (upstream's `PodInfo` fields).
#[derive(Debug)]
struct PodTerms {
    required_affinity: Vec<Term>,
    required_anti_affinity: Vec<Term>,
    preferred_affinity: Vec<Term>,
    preferred_anti_affinity: Vec<Term>,
}

impl PodTerms {
    /// The four lists, one that does not parse left empty, and the parse errors.
    fn parse_lists(pod: &Pod) -> (Self, Vec<String>) {
        let affinity = pod.spec.as_ref().and_then(|s| s.affinity.as_ref());
        let pa = affinity.and_then(|a| a.pod_affinity.as_ref());
        let paa = affinity.and_then(|a| a.pod_anti_affinity.as_ref());
        let mut errors = Vec::new();
        let mut keep = |list: &str, parsed: Result<Vec<Term>, String>| {
            parsed.unwrap_or_else(|e| {
                errors.push(format!("{list}: {e}"));
                Vec::new()
            })
        };
        let required_affinity = required(pod, required_terms!(pa));
        let required_anti_affinity = required(pod, required_terms!(paa));
        let preferred_affinity = preferred(pod, preferred_terms!(pa));
        let preferred_anti_affinity = preferred(pod, preferred_terms!(paa));
        let terms = Self {
            required_affinity: keep("requiredAffinityTerms", required_affinity),
            required_anti_affinity: keep("requiredAntiAffinityTerms", required_anti_affinity),
            preferred_affinity: keep("preferredAffinityTerms", preferred_affinity),
            preferred_anti_affinity: keep("preferredAntiAffinityTerms", preferred_anti_affinity),
        };
        (terms, errors)
    }

    /// The incoming pod's terms, or upstream's aggregated parse error.
    fn parse(pod: &Pod) -> Result<Self, String> {
        match Self::parse_lists(pod) {
            (terms, errors) if errors.is_empty() => Ok(terms),
            (_, errors) if errors.len() == 1 => Err(errors.concat()),
            (_, errors) => Err(format!("[{}]", errors.join(", "))),
        }
    }

    /// An existing pod's terms: upstream's `PodInfo` leaves out a list that does not parse.
    fn lenient(pod: &Pod) -> Self {
        Self::parse_lists(pod).0
    }

    /// The preferred terms with their signed weights (anti-affinity counts against).
    fn preferred(&self) -> impl Iterator<Item = (&Term, i64)> {
        let affinity = self.preferred_affinity.iter().map(|t| (t, t.weight));
        affinity.chain(self.preferred_anti_affinity.iter().map(|t| (t, -t.weight)))
    }
}

/// Counts or weights per topology key and value.
type TopologyMap = HashMap<String, HashMap<String, i64>>;

/// Adds `by` to the entry of `key` and the value `labels` has for it, if it has one.
fn bump(map: &mut TopologyMap, labels: &BTreeMap<String, String>, key: &str, by: i64) {
    let Some(value) = labels.get(key) else {
        return;
    };
    let values = match map.get_mut(key) {
        Some(values) => values,
        None => map.entry(key.to_owned()).or_default(),
    };
    let slot = values.entry(value.clone()).or_default();
    *slot = slot.saturating_add(by);
}

/// The entry of `key` and the value `labels` has for it (0 when it has none).
fn lookup(map: &TopologyMap, labels: &BTreeMap<String, String>, key: &str) -> Option<i64> {
    let value = labels.get(key)?;
    Some(
        map.get(key)
            .and_then(|values| values.get(value))
            .copied()
            .unwrap_or(0),
    )
}

/// What PreFilter computes for Filter.
struct PreFilterState {
    /// Existing pods whose required anti-affinity terms match the pod, per domain.
    existing_anti_counts: TopologyMap,
    /// Existing pods matching all the pod's required affinity terms, per term domain.
    affinity_counts: TopologyMap,
    /// Existing pods matching one of the pod's required anti-affinity terms, per domain.
    anti_counts: TopologyMap,
    terms: PodTerms,
    /// The pod matches all its own required affinity terms.
    matches_own_affinity: bool,
}

/// The pods PreScore looks at, with their nodes, taken at PreFilter from all nodes.
struct ScoreInput {
    pods: Vec<(Arc<Node>, Arc<Pod>)>,
}

/// What PreScore computes for Score and NormalizeScore: weights per domain.
struct PreScoreState {
    topology_score: TopologyMap,
}

impl Plugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [ClusterEvent] {
        use ClusterEvent::*;
        &[
            AssignedPodAdded,
            AssignedPodChanged,
            AssignedPodDeleted,
            NodeAdded,
            NodeChanged,
        ]
    }
    fn as_pre_filter(&self) -> Option<&dyn PreFilterPlugin> {
        Some(self)
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
    fn as_pre_score(&self) -> Option<&dyn PreScorePlugin> {
        Some(self)
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

impl PreFilterPlugin for InterPodAffinity {
    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, nodes: &[&NodeInfo]) -> Status {
        let incoming = &*pod.pod;
        let terms = match PodTerms::parse(incoming) {
            Ok(terms) => terms,
            Err(e) => return Status::unresolvable(format!("parsing pod: {e}")),
        };
        let (aff, anti) = (&terms.required_affinity, &terms.required_anti_affinity);
        let has_required = !aff.is_empty() || !anti.is_empty();
        let has_preferred = terms.preferred().next().is_some();
        let keep_for_scoring = has_preferred || !self.ignore_preferred_terms_of_existing_pods;
        let mut score_input = Vec::new();
        let mut existing_anti_counts = TopologyMap::new();
        let mut affinity_counts = TopologyMap::new();
        let mut anti_counts = TopologyMap::new();
        // Without terms of its own, only pods with affinity terms can matter to this pod.
        let only_pods_with_affinity = !has_required && !has_preferred;
        for node in nodes {
            if only_pods_with_affinity && node.pods_with_affinity == 0 {
                continue;
            }
            let labels = node_labels(&node.node);
            for existing in &node.pods {
                if only_pods_with_affinity && !existing.has_pod_affinity {
                    continue;
                }
                let other = &*existing.pod;
                let with_affinity = existing.has_pod_affinity;
                if with_affinity {
                    for t in &self.terms_of(other).required_anti_affinity {
                        if t.matches(incoming) {
                            bump(&mut existing_anti_counts, labels, &t.topology_key, 1);
                        }
                    }
                }
                if matches_all(aff, other) {
                    for t in aff {
                        bump(&mut affinity_counts, labels, &t.topology_key, 1);
                    }
                }
                for t in anti.iter().filter(|t| t.matches(other)) {
                    bump(&mut anti_counts, labels, &t.topology_key, 1);
                }
                if keep_for_scoring && !labels.is_empty() && (has_preferred || with_affinity) {
                    score_input.push((node.node.clone(), existing.pod.clone()));
                }
            }
        }
        if keep_for_scoring {
            state.write(SCORE_INPUT_KEY, ScoreInput { pods: score_input });
        }
        if existing_anti_counts.is_empty() && !has_required {
            return Status::skip();
        }
        let matches_own_affinity = matches_all(aff, incoming);
        let s = PreFilterState {
            existing_anti_counts,
            affinity_counts,
            anti_counts,
            terms,
            matches_own_affinity,
        };
        state.write(PRE_FILTER_STATE_KEY, s);
        Status::success()
    }
}

/// Upstream's `satisfyPodAffinity`: the node has every term's topology key and pods matching
/// the terms run in its domains, or no pod anywhere matches and the pod matches its own terms
/// (the first pod of a group that wants to run together).
fn satisfies_pod_affinity(s: &PreFilterState, labels: &BTreeMap<String, String>) -> bool {
    let mut pods_exist = true;
    for t in &s.terms.required_affinity {
        match lookup(&s.affinity_counts, labels, &t.topology_key) {
            None => return false,
            Some(count) => pods_exist &= count > 0,
        }
    }
    pods_exist || (s.affinity_counts.is_empty() && s.matches_own_affinity)
}

/// Upstream's `satisfyPodAntiAffinity`: no pod matching a term runs in the term's domain.
fn satisfies_pod_anti_affinity(s: &PreFilterState, labels: &BTreeMap<String, String>) -> bool {
    let terms = &s.terms.required_anti_affinity;
    let matched = |t: &Term| lookup(&s.anti_counts, labels, &t.topology_key).unwrap_or(0) > 0;
    s.anti_counts.is_empty() || !terms.iter().any(matched)
}

/// Upstream's `satisfyExistingPodsAntiAffinity`: no domain of the node holds a pod whose
/// required anti-affinity matches the incoming pod.
fn satisfies_existing_anti_affinity(s: &PreFilterState, labels: &BTreeMap<String, String>) -> bool {
    let counts = &s.existing_anti_counts;
    !counts
        .keys()
        .any(|key| lookup(counts, labels, key).unwrap_or(0) > 0)
}

impl FilterPlugin for InterPodAffinity {
    fn filter(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Status {
        let Some(s) = state.read::<PreFilterState>(PRE_FILTER_STATE_KEY) else {
            let key = PRE_FILTER_STATE_KEY;
            return Status::error(format!("error reading {key:?} from cycleState: not found"));
        };
        let labels = node_labels(&node.node);
        if !satisfies_pod_affinity(s, labels) {
            return Status::unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
        }
        if !satisfies_pod_anti_affinity(s, labels) {
            return Status::unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
        }
        if !satisfies_existing_anti_affinity(s, labels) {
            return Status::unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
        }
        Status::success()
    }
}

impl InterPodAffinity {
    /// Upstream's `processExistingPod`: adds the weights `existing` on `node` brings to the
    /// domains of `node`: the incoming pod's preferred terms it matches, and its own required
    /// affinity (with `hardPodAffinityWeight`) and preferred terms the incoming pod matches.
    fn score_existing_pod(
        &self,
        scores: &mut TopologyMap,
        (pod, terms): (&Pod, &PodTerms),
        node: &Node,
        existing: &Pod,
    ) {
        let labels = node_labels(node);
        if labels.is_empty() {
            return;
        }
        for (t, weight) in terms.preferred().filter(|(t, _)| t.matches(existing)) {
            bump(scores, labels, &t.topology_key, weight);
        }
        if !has_pod_affinity(existing) {
            return;
        }
        let theirs = self.terms_of(existing);
        let hard = self.hard_pod_affinity_weight;
        let required = theirs.required_affinity.iter().filter(|_| hard > 0);
        for (t, weight) in required.map(|t| (t, hard)).chain(theirs.preferred()) {
            if t.matches(pod) {
                bump(scores, labels, &t.topology_key, weight);
            }
        }
    }
}

impl PreScorePlugin for InterPodAffinity {
    fn pre_score(&self, state: &mut CycleState, pod: &PodInfo, nodes: &[&NodeInfo]) -> Status {
        let incoming = &*pod.pod;
        let terms = match PodTerms::parse(incoming) {
            Ok(terms) => terms,
            Err(e) => return Status::error(format!("failed to parse pod: {e}")),
        };
        if self.ignore_preferred_terms_of_existing_pods && terms.preferred().next().is_none() {
            return Status::skip();
        }
        // The pods of PreFilter's snapshot; without one, those of the nodes given.
        let input = state.read::<ScoreInput>(SCORE_INPUT_KEY);
        let snapshot = input
            .iter()
            .flat_map(|i| i.pods.iter().map(|(n, p)| (&**n, &**p)));
        let given = (input.is_none().then_some(nodes).into_iter().flatten())
            .flat_map(|n| n.pods.iter().map(|p| (&*n.node, &*p.pod)));
        let mut topology_score = TopologyMap::new();
        for (node, existing) in snapshot.chain(given) {
            self.score_existing_pod(&mut topology_score, (incoming, &terms), node, existing);
        }
        if topology_score.is_empty() {
            return Status::skip();
        }
        state.write(PRE_SCORE_STATE_KEY, PreScoreState { topology_score });
        Status::success()
    }
}

fn pre_score_state(state: &CycleState) -> Result<&PreScoreState, Status> {
    let key = PRE_SCORE_STATE_KEY;
    let missing = || Status::error(format!("failed to read {key:?} from cycleState: not found"));
    state.read::<PreScoreState>(key).ok_or_else(missing)
}

impl ScorePlugin for InterPodAffinity {
    /// The sum of the weights of the node's domains: affinity adds, anti-affinity subtracts.
    fn score(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let labels = node_labels(&node.node);
        let weights = pre_score_state(state)?.topology_score.iter();
        let weights = weights.filter_map(|(key, values)| values.get(labels.get(key)?));
        Ok(weights.fold(0i64, |sum, w| sum.saturating_add(*w)))
    }

    /// Min-max scaling to `0..=MAX_NODE_SCORE` (all zero when every node scored the same).
    fn normalize(&self, state: &CycleState, _pod: &PodInfo, scores: &mut [NodeScore]) -> Status {
        match pre_score_state(state) {
            Ok(s) if s.topology_score.is_empty() => return Status::success(),
            Ok(_) => {}
            Err(status) => return status,
        }
        let min = i128::from(scores.iter().map(|s| s.score).min().unwrap_or(0));
        let max = i128::from(scores.iter().map(|s| s.score).max().unwrap_or(0));
        for s in scores.iter_mut() {
            let fraction = (i128::from(s.score) - min) as f64 / (max - min) as f64;
            s.score = if max > min {
                (MAX_NODE_SCORE as f64 * fraction) as i64
            } else {
                0
            };
        }
        Status::success()
    }
}

#[cfg(test)]
#[path = "inter_pod_affinity_tests.rs"]
mod tests;
