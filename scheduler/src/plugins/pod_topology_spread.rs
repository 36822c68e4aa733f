//! PodTopologySpread: spreads matching pods evenly over topology domains (upstream's
//! `plugins/podtopologyspread`). A pod's `spec.topologySpreadConstraints` (or, when it has
//! none, the profile's default constraints) count the pods matching each constraint's selector
//! per domain, the value of the node label `topologyKey`:
//!
//! - `DoNotSchedule` constraints are hard (PreFilter, Filter): placing the pod in a domain must
//!   keep `count + 1 - global minimum <= maxSkew`, where the minimum is 0 while fewer domains
//!   than `minDomains` exist; a node without the label fails for good.
//! - `ScheduleAnyway` constraints are soft (PreScore, Score, NormalizeScore): fewer matching pods
//!   in a node's domains mean a higher score, each constraint weighted by the log of its number
//!   of domains.
//!
//! Only nodes that pass the pod's node affinity (`nodeAffinityPolicy: Honor`, the default) and
//! whose taints it tolerates (`nodeTaintsPolicy: Honor`; default `Ignore`) count; terminating
//! pods and pods of other namespaces never do.
//!
//! Differences from upstream, forced by what the framework offers:
//! - PreScore only gets the feasible nodes, while upstream counts the pods of every node in the
//!   feasible nodes' domains; PreFilter, which sees every node, counts them for PreScore.
//! - Default constraints need the selector of the pod's owners; upstream builds it from the
//!   Services, ReplicationControllers, ReplicaSets and StatefulSets selecting the pod. Without
//!   listers, a pod controlled by a ReplicaSet, ReplicationController or StatefulSet spreads
//!   among the pods with the same controller (which its controller's selector matches); other
//!   pods (only a Service selecting them upstream) get no default constraints.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use k8s_openapi::api::core::v1::{Node, Pod, TopologySpreadConstraint};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, OwnerReference};
use serde::Deserialize;

use super::Error;
use super::node_selector::RequiredNodeAffinity;
use super::taint_toleration::{
    find_matching_untolerated_taint, is_do_not_schedule_taint, node_taints, pod_tolerations,
};
use crate::framework::{
    ClusterEvent, CycleState, FilterPlugin, MAX_NODE_SCORE, NodeInfo, NodeScore, Plugin, PodInfo,
    PreFilterPlugin, PreScorePlugin, ScorePlugin, Status,
};
use common::label_selector::{self, Op, Requirement};
use common::name_validation::is_qualified_name;
use tally::{Domains, Tally};

/// The plugin's name.
pub const NAME: &str = "PodTopologySpread";
/// Upstream's Filter reason when placing the pod on the node would exceed a `maxSkew`.
pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints";
/// Upstream's Filter reason when the node lacks a constraint's topology label.
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";
/// Where PreFilter keeps the hard constraints' counts.
pub const PRE_FILTER_STATE_KEY: &str = "PreFilterPodTopologySpread";
/// Where PreScore keeps what Score and NormalizeScore need.
pub const PRE_SCORE_STATE_KEY: &str = "PreScorePodTopologySpread";
/// Where PreFilter leaves the soft constraints' counts over all nodes for PreScore.
const ALL_NODES_STATE_KEY: &str = "PreFilterPodTopologySpreadAllNodes";

const DO_NOT_SCHEDULE: &str = "DoNotSchedule";
const SCHEDULE_ANYWAY: &str = "ScheduleAnyway";
const HONOR: &str = "Honor";
const SYSTEM_DEFAULTING: &str = "System";
const LIST_DEFAULTING: &str = "List";
/// `kubernetes.io/hostname`: such domains are one node each, counted at Score.
pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
/// `topology.kubernetes.io/zone`.
pub const LABEL_TOPOLOGY_ZONE: &str = "topology.kubernetes.io/zone";
/// Controllers whose pods get the default constraints.
const DEFAULT_SPREAD_CONTROLLERS: &[&str] = &["ReplicaSet", "ReplicationController", "StatefulSet"];

/// Upstream's system default constraints (both soft).
fn system_default_constraints() -> Vec<TopologySpreadConstraint> {
    [(LABEL_HOSTNAME, 3), (LABEL_TOPOLOGY_ZONE, 5)]
        .into_iter()
        .map(|(key, max_skew)| TopologySpreadConstraint {
            topology_key: key.to_owned(),
            when_unsatisfiable: SCHEDULE_ANYWAY.to_owned(),
            max_skew,
            ..Default::default()
        })
        .collect()
}

/// `PodTopologySpreadArgs` (kubescheduler.config.k8s.io/v1).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Args {
    #[serde(default)]
    default_constraints: Option<Vec<TopologySpreadConstraint>>,
    #[serde(default)]
    defaulting_type: Option<String>,
}

const REQUIRED: &str = "Required value: can not be empty";
const NO_SELECTOR: &str =
    "Forbidden: constraint must not define a selector, as they deduced for each pod";

/// Upstream's `ValidatePodTopologySpreadArgs`, after v1 defaulting (`System` when unset).
fn validate_args(defaulting: &str, constraints: &[TopologySpreadConstraint]) -> Vec<String> {
    let mut errors = Vec::new();
    if defaulting != SYSTEM_DEFAULTING && defaulting != LIST_DEFAULTING {
        let supported = "supported values: \"System\", \"List\"";
        errors.push(format!(
            "defaultingType: Unsupported value: {defaulting:?}: {supported}"
        ));
    } else if defaulting == SYSTEM_DEFAULTING && !constraints.is_empty() {
        let why = "when .defaultConstraints are not empty";
        errors.push(format!(
            "defaultingType: Invalid value: {defaulting:?}: {why}"
        ));
    }
    for (i, c) in constraints.iter().enumerate() {
        let mut invalid = |field: &str, message: String| {
            errors.push(format!("defaultConstraints[{i}]{field}: {message}"));
        };
        if c.max_skew <= 0 {
            let message = format!("Invalid value: {}: not in valid range (0, inf)", c.max_skew);
            invalid(".maxSkew", message);
        }
        let key = &c.topology_key;
        if key.is_empty() {
            invalid(".topologyKey", REQUIRED.into());
        } else if !is_qualified_name(key) {
            invalid(
                ".topologyKey",
                format!("Invalid value: {key:?}: not a qualified name"),
            );
        }
        match c.when_unsatisfiable.as_str() {
            "" => invalid(".whenUnsatisfiable", REQUIRED.into()),
            DO_NOT_SCHEDULE | SCHEDULE_ANYWAY => {}
            other => {
                let supported = "supported values: \"DoNotSchedule\", \"ScheduleAnyway\"";
                invalid(
                    ".whenUnsatisfiable",
                    format!("Unsupported value: {other:?}: {supported}"),
                );
            }
        }
        if c.label_selector.is_some() {
            invalid(".labelSelector", NO_SELECTOR.into());
        }
        let pair = (key, &c.when_unsatisfiable);
        if constraints[..i]
            .iter()
            .any(|o| (&o.topology_key, &o.when_unsatisfiable) == pair)
        {
            invalid(
                "",
                format!("Duplicate value: \"{{{}, {}}}\"", pair.0, pair.1),
            );
        }
    }
    errors
}

/// The plugin, with the profile's default constraints.
#[derive(Debug)]
pub struct PodTopologySpread {
    default_constraints: Vec<TopologySpreadConstraint>,
    /// `defaultingType: System`: nodes without every topology label still score.
    system_defaulted: bool,
    /// Matching pods per domain, kept across cycles ([`tally`]).
    memo: Mutex<CountMemo>,
}

/// Per constraint (namespace, selector, topology key and the keys a node must have), its
/// [`Tally`].
type CountMemo = HashMap<String, Tally>;

/// Tallies remembered at most; past that the memo starts over.
const MEMO_SELECTORS: usize = 64;

impl PodTopologySpread {
    /// The plugin configured with `args` (`PodTopologySpreadArgs` as JSON).
    pub fn new(args: Option<&serde_json::Value>) -> Result<Self, Error> {
        let args: Args = super::parse_args(NAME, args)?;
        let defaulting = args
            .defaulting_type
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| SYSTEM_DEFAULTING.to_owned());
        let constraints = args.default_constraints.unwrap_or_default();
        let errors = validate_args(&defaulting, &constraints);
        if !errors.is_empty() {
            return Err(Error::InvalidArgs {
                plugin: NAME.to_owned(),
                message: errors.join(", "),
            });
        }
        let system_defaulted = defaulting == SYSTEM_DEFAULTING;
        Ok(Self {
            default_constraints: if system_defaulted {
                system_default_constraints()
            } else {
                constraints
            },
            system_defaulted,
            memo: Mutex::new(HashMap::new()),
        })
    }

    /// The pod's constraints with this `whenUnsatisfiable`, or the default ones when it has none.
    fn constraints(&self, pod: &Pod, action: &str) -> Result<Vec<Constraint>, String> {
        let own = own_constraints(pod);
        if !own.is_empty() {
            return parse_constraints(own, labels_of(pod), action);
        }
        let Some(selector) = default_selector(pod) else {
            return Ok(Vec::new());
        };
        let mut defaults = parse_constraints(&self.default_constraints, labels_of(pod), action)?;
        for c in &mut defaults {
            c.selector = selector.clone();
        }
        Ok(defaults)
    }

    /// The soft constraints and their counts over `nodes`. Upstream requires every topology
    /// label on a scored node unless system defaults apply.
    fn soft_counts(&self, pod: &Pod, nodes: &[&NodeInfo]) -> Result<SoftCounts, String> {
        let constraints = self.constraints(pod, SCHEDULE_ANYWAY)?;
        let require_all = !own_constraints(pod).is_empty() || !self.system_defaulted;
        let counts = count_domains(&self.memo, &constraints, pod, nodes, require_all, false);
        Ok(SoftCounts {
            constraints,
            require_all,
            counts,
        })
    }
}

fn own_constraints(pod: &Pod) -> &[TopologySpreadConstraint] {
    let spec = pod.spec.as_ref();
    spec.and_then(|s| s.topology_spread_constraints.as_deref())
        .unwrap_or_default()
}

fn labels_of(pod: &Pod) -> &BTreeMap<String, String> {
    static EMPTY: BTreeMap<String, String> = BTreeMap::new();
    pod.metadata.labels.as_ref().unwrap_or(&EMPTY)
}

fn node_labels(node: &Node) -> &BTreeMap<String, String> {
    static EMPTY: BTreeMap<String, String> = BTreeMap::new();
    node.metadata.labels.as_ref().unwrap_or(&EMPTY)
}

/// A controller owner reference: kind, name, UID.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ControllerRef {
    kind: String,
    name: String,
    uid: String,
}

impl ControllerRef {
    fn is(&self, owner: &OwnerReference) -> bool {
        owner.uid == self.uid && owner.name == self.name && owner.kind == self.kind
    }
}

/// Which pods a constraint counts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Selector {
    /// A missing `labelSelector` (`labels.Nothing()`): no pod.
    Nothing,
    /// Pods whose labels meet every requirement; none is `labels.Everything()`, which upstream
    /// treats as empty and counts no pod with.
    Labels(Vec<Requirement>),
    /// Pods with this controller (the stand-in for upstream's default selector).
    ControlledBy(ControllerRef),
}

impl Selector {
    fn matches(&self, pod: &Pod) -> bool {
        match self {
            Selector::Nothing => false,
            Selector::Labels(reqs) => label_selector::matches_labels(reqs, labels_of(pod)),
            Selector::ControlledBy(owner) => controller_of(pod).is_some_and(|c| owner.is(c)),
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Selector::Labels(reqs) if reqs.is_empty())
    }
}

fn controller_of(pod: &Pod) -> Option<&OwnerReference> {
    let owners = pod.metadata.owner_references.as_deref().unwrap_or_default();
    owners.iter().find(|o| o.controller == Some(true))
}

/// The selector of the default constraints: the pod's ReplicaSet, ReplicationController or
/// StatefulSet; none for other pods.
fn default_selector(pod: &Pod) -> Option<Selector> {
    let owner = controller_of(pod)?;
    if !DEFAULT_SPREAD_CONTROLLERS.contains(&owner.kind.as_str()) {
        return None;
    }
    let (kind, name, uid) = (owner.kind.clone(), owner.name.clone(), owner.uid.clone());
    Some(Selector::ControlledBy(ControllerRef { kind, name, uid }))
}

/// `metav1.LabelSelectorAsSelector`; a missing selector selects nothing.
fn parse_label_selector(selector: Option<&LabelSelector>) -> Result<Selector, String> {
    match selector {
        None => Ok(Selector::Nothing),
        Some(selector) => label_selector::parse_selector(selector).map(Selector::Labels),
    }
}

/// A parsed constraint (upstream's `topologySpreadConstraint`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Constraint {
    max_skew: i64,
    topology_key: String,
    selector: Selector,
    min_domains: i64,
    honor_node_affinity: bool,
    honor_node_taints: bool,
}

impl Constraint {
    /// Whether `node`'s pods count for this constraint (the node inclusion policies).
    fn includes(&self, pod: &Pod, node: &Node, affinity: &RequiredNodeAffinity) -> bool {
        if self.honor_node_affinity && !affinity.matches(node) {
            return false;
        }
        !(self.honor_node_taints
            && find_matching_untolerated_taint(
                node_taints(node),
                pod_tolerations(pod),
                is_do_not_schedule_taint,
            )
            .is_some())
    }
}

/// Upstream's `filterTopologySpreadConstraints`: the constraints with this action, parsed, with
/// the pod's values of `matchLabelKeys` added to their selectors.
fn parse_constraints(
    constraints: &[TopologySpreadConstraint],
    pod_labels: &BTreeMap<String, String>,
    action: &str,
) -> Result<Vec<Constraint>, String> {
    let mut parsed = Vec::new();
    for c in constraints
        .iter()
        .filter(|c| c.when_unsatisfiable == action)
    {
        let mut selector = parse_label_selector(c.label_selector.as_ref())?;
        if let Selector::Labels(reqs) = &mut selector {
            let keys: BTreeMap<&String, &String> = c
                .match_label_keys
                .iter()
                .flatten()
                .filter_map(|k| pod_labels.get(k).map(|v| (k, v)))
                .collect();
            let from_keys = keys.into_iter().map(|(k, v)| Requirement {
                key: k.clone(),
                op: Op::In,
                values: vec![v.clone()],
            });
            reqs.splice(0..0, from_keys);
        }
        parsed.push(Constraint {
            max_skew: i64::from(c.max_skew),
            topology_key: c.topology_key.clone(),
            selector,
            min_domains: i64::from(c.min_domains.unwrap_or(1)),
            honor_node_affinity: c.node_affinity_policy.as_deref().is_none_or(|p| p == HONOR),
            honor_node_taints: c.node_taints_policy.as_deref() == Some(HONOR),
        });
    }
    Ok(parsed)
}

fn has_all_topology_keys(labels: &BTreeMap<String, String>, constraints: &[Constraint]) -> bool {
    constraints
        .iter()
        .all(|c| labels.contains_key(&c.topology_key))
}

/// The pods of `pods` in `namespace` that `selector` matches, terminating ones left out.
fn count_matching(pods: &[PodInfo], selector: &Selector, namespace: &str) -> i64 {
    if selector.is_empty() {
        return 0;
    }
    let count = pods
        .iter()
        .map(|p| &*p.pod)
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| p.metadata.namespace.as_deref().unwrap_or_default() == namespace)
        .filter(|p| selector.matches(p))
        .count();
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// Matching pods per domain of each constraint, over `nodes`. A node missing a topology label
/// is skipped when `require_all`, else in domain `""`; `hostname_too: false` leaves hostname
/// constraints (counted per node at Score) empty. A constraint whose counted nodes do not
/// depend on the pod (no node affinity to honor, taints ignored) is tallied across cycles.
fn count_domains<'n>(
    memo: &Mutex<CountMemo>,
    constraints: &[Constraint],
    pod: &Pod,
    nodes: &[&'n NodeInfo],
    require_all: bool,
    hostname_too: bool,
) -> Vec<Domains> {
    let mut counts = vec![Domains::default(); constraints.len()];
    if !hostname_too && constraints.iter().all(|c| c.topology_key == LABEL_HOSTNAME) {
        return counts;
    }
    let affinity = RequiredNodeAffinity::of_pod(pod);
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    let required: Vec<&str> = match require_all {
        true => constraints
            .iter()
            .map(|c| c.topology_key.as_str())
            .collect(),
        false => Vec::new(),
    };
    let mut memo = memo.lock().unwrap_or_else(|e| e.into_inner());
    if memo.len() > MEMO_SELECTORS {
        memo.clear();
    }
    for (c, domains) in constraints.iter().zip(counts.iter_mut()) {
        if !hostname_too && c.topology_key == LABEL_HOSTNAME {
            continue;
        }
        let contribution = |node: &'n NodeInfo| -> Option<(&'n str, i64)> {
            let labels = node_labels(&node.node);
            if require_all && !has_all_topology_keys(labels, constraints) {
                return None;
            }
            if !c.includes(pod, &node.node, &affinity) {
                return None;
            }
            let value = labels.get(&c.topology_key).map_or("", String::as_str);
            Some((value, count_matching(&node.pods, &c.selector, namespace)))
        };
        let pod_independent =
            (!c.honor_node_affinity || affinity.is_empty()) && !c.honor_node_taints;
        if pod_independent {
            let key = format!(
                "{namespace}/{:?}/{}/{required:?}",
                c.selector, c.topology_key
            );
            *domains = memo
                .entry(key)
                .or_default()
                .update(nodes, contribution)
                .clone();
        } else {
            for (value, count) in nodes.iter().filter_map(|node| contribution(node)) {
                domains.add(value, count);
            }
        }
    }
    counts
}

/// What PreFilter keeps for Filter: per hard constraint, the matching pods per domain and the
/// smallest of those counts.
struct PreFilterState {
    constraints: Vec<Constraint>,
    counts: Vec<Domains>,
    minimums: Vec<i64>,
}

/// The soft constraints' counts over all nodes, from PreFilter for PreScore.
struct SoftCounts {
    constraints: Vec<Constraint>,
    require_all: bool,
    counts: Vec<Domains>,
}

/// What PreScore keeps for Score and NormalizeScore.
struct PreScoreState {
    constraints: Vec<Constraint>,
    /// Feasible nodes missing a topology label (when every label is required): scored 0.
    ignored: HashSet<String>,
    /// Per constraint, the matching pods of each domain of a feasible node.
    counts: Vec<HashMap<String, i64>>,
    /// Per constraint, `ln(number of domains + 2)`.
    weights: Vec<f64>,
}

impl PreScoreState {
    fn new(soft: &SoftCounts, nodes: &[&NodeInfo]) -> Self {
        let constraints = &soft.constraints;
        let mut ignored = HashSet::new();
        let mut counts: Vec<HashMap<String, i64>> = vec![HashMap::new(); constraints.len()];
        for node in nodes {
            let labels = node_labels(&node.node);
            if soft.require_all && !has_all_topology_keys(labels, constraints) {
                ignored.insert(node.name().to_owned());
                continue;
            }
            let per_constraint = constraints.iter().zip(&soft.counts).zip(counts.iter_mut());
            for ((c, all), domains) in per_constraint {
                if c.topology_key == LABEL_HOSTNAME {
                    continue;
                }
                let value = labels.get(&c.topology_key).map_or("", String::as_str);
                if !domains.contains_key(value) {
                    domains.insert(value.to_owned(), all.get(value).unwrap_or(0));
                }
            }
        }
        let scored_nodes = nodes.len().saturating_sub(ignored.len());
        let weights = constraints
            .iter()
            .zip(&counts)
            .map(|(c, domains)| {
                let size = if c.topology_key == LABEL_HOSTNAME {
                    scored_nodes
                } else {
                    domains.len()
                };
                topology_normalizing_weight(size)
            })
            .collect();
        Self {
            constraints: constraints.clone(),
            ignored,
            counts,
            weights,
        }
    }
}

fn missing_state(key: &str) -> Status {
    Status::error(format!("reading {key:?} from cycleState: not found"))
}

/// Smaller topologies weigh less, so their counts are not drowned by bigger ones.
fn topology_normalizing_weight(size: usize) -> f64 {
    (size as f64 + 2.0).ln()
}

/// `maxSkew - 1` is added so that small differences between domains matter less.
fn score_for_count(count: i64, max_skew: i64, weight: f64) -> f64 {
    count as f64 * weight + (max_skew - 1) as f64
}

impl Plugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [ClusterEvent] {
        &[
            ClusterEvent::AssignedPodAdded,
            ClusterEvent::AssignedPodChanged,
            ClusterEvent::AssignedPodDeleted,
            ClusterEvent::NodeAdded,
            ClusterEvent::NodeChanged,
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

impl PreFilterPlugin for PodTopologySpread {
    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, nodes: &[&NodeInfo]) -> Status {
        // PreScore sees only the feasible nodes: count the soft constraints over all of them
        // now. A bad soft selector is left for PreScore to report, as upstream.
        if let Ok(soft) = self.soft_counts(&pod.pod, nodes)
            && !soft.constraints.is_empty()
        {
            state.write(ALL_NODES_STATE_KEY, soft);
        }
        let constraints = match self.constraints(&pod.pod, DO_NOT_SCHEDULE) {
            Ok(c) => c,
            Err(e) => return Status::error(format!("get constraints from pod: {e}")),
        };
        if constraints.is_empty() {
            return Status::skip();
        }
        let counts = count_domains(&self.memo, &constraints, &pod.pod, nodes, true, true);
        let minimums = counts.iter().map(|d| d.min().unwrap_or(0));
        let minimums = minimums.collect();
        let pre_filter = PreFilterState {
            constraints,
            counts,
            minimums,
        };
        state.write(PRE_FILTER_STATE_KEY, pre_filter);
        Status::success()
    }
}

impl FilterPlugin for PodTopologySpread {
    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let Some(s) = state.read::<PreFilterState>(PRE_FILTER_STATE_KEY) else {
            return missing_state(PRE_FILTER_STATE_KEY);
        };
        let labels = node_labels(&node.node);
        let per_constraint = s.constraints.iter().zip(&s.counts).zip(&s.minimums);
        for ((c, domains), minimum) in per_constraint {
            let Some(value) = labels.get(&c.topology_key) else {
                let key = &c.topology_key;
                tracing::trace!(node = node.name(), %key, "node lacks the topology label");
                return Status::unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
            };
            // Fewer eligible domains than minDomains: the global minimum is taken as 0.
            let global_min = if i64::try_from(domains.len()).unwrap_or(i64::MAX) < c.min_domains {
                0
            } else {
                *minimum
            };
            let self_match = i64::from(c.selector.matches(&pod.pod));
            let count = domains.get(value).unwrap_or(0);
            let skew = count.saturating_add(self_match).saturating_sub(global_min);
            if skew > c.max_skew {
                let (node, key, max_skew) = (node.name(), &c.topology_key, c.max_skew);
                tracing::trace!(node, %key, count, global_min, max_skew, "skew over maxSkew");
                return Status::unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
            }
        }
        Status::success()
    }
}

impl PreScorePlugin for PodTopologySpread {
    fn pre_score(&self, state: &mut CycleState, pod: &PodInfo, nodes: &[&NodeInfo]) -> Status {
        if nodes.is_empty() {
            return Status::skip();
        }
        let computed;
        let soft = match state.read::<SoftCounts>(ALL_NODES_STATE_KEY) {
            Some(s) => s,
            // No soft constraints, a bad soft selector, or no PreFilter: count the nodes at hand.
            None => match self.soft_counts(&pod.pod, nodes) {
                Ok(s) => {
                    computed = s;
                    &computed
                }
                Err(e) => {
                    let context = "obtaining pod's soft topology spread constraints";
                    return Status::error(format!("calculating preScoreState: {context}: {e}"));
                }
            },
        };
        if soft.constraints.is_empty() {
            return Status::skip();
        }
        let pre_score = PreScoreState::new(soft, nodes);
        state.write(PRE_SCORE_STATE_KEY, pre_score);
        Status::success()
    }
}

impl ScorePlugin for PodTopologySpread {
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let Some(s) = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) else {
            return Err(missing_state(PRE_SCORE_STATE_KEY));
        };
        if s.ignored.contains(node.name()) {
            return Ok(0);
        }
        let labels = node_labels(&node.node);
        let namespace = pod.pod.metadata.namespace.as_deref().unwrap_or_default();
        let mut score = 0.0;
        let per_constraint = s.constraints.iter().zip(&s.counts).zip(&s.weights);
        for ((c, domains), weight) in per_constraint {
            let Some(value) = labels.get(&c.topology_key) else {
                continue;
            };
            let count = if c.topology_key == LABEL_HOSTNAME {
                count_matching(&node.pods, &c.selector, namespace)
            } else {
                domains.get(value).copied().unwrap_or(0)
            };
            score += score_for_count(count, c.max_skew, *weight);
        }
        // Saturating: NaN and out-of-range values cannot arise from counts, but never panic.
        Ok(score.round() as i64)
    }

    fn normalize(&self, state: &CycleState, _pod: &PodInfo, scores: &mut [NodeScore]) -> Status {
        let Some(s) = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) else {
            return missing_state(PRE_SCORE_STATE_KEY);
        };
        let counted = || scores.iter().filter(|n| !s.ignored.contains(&n.name));
        let min = counted().map(|n| n.score).min().unwrap_or(0);
        let max = counted().map(|n| n.score).max().unwrap_or(0).max(0);
        for node in scores.iter_mut() {
            node.score = if s.ignored.contains(&node.name) {
                0
            } else if max == 0 {
                MAX_NODE_SCORE
            } else {
                // Fewest matching pods scores highest; the range is mapped onto 0..=100.
                let reversed = max.saturating_add(min).saturating_sub(node.score);
                (MAX_NODE_SCORE.saturating_mul(reversed) / max).clamp(0, MAX_NODE_SCORE)
            };
        }
        Status::success()
    }
}

#[path = "pod_topology_spread_tally.rs"]
mod tally;

#[cfg(test)]
#[path = "pod_topology_spread_tests.rs"]
mod tests;
