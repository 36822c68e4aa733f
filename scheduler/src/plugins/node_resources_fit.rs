//! NodeResourcesFit: a pod fits a node only if the node's allocatable covers what its pods
//! already request plus the pod's requests, and the pod count; feasible nodes are scored by the
//! configured strategy: `LeastAllocated` (default), `MostAllocated` or
//! `RequestedToCapacityRatio` (upstream's `noderesources/fit.go` and its scorers).

use std::collections::BTreeSet;

use serde::Deserialize;

use super::Error;
use super::resource_allocation::{ResourceAllocation, ResourceSpec, defaulted, mul_div};
use crate::framework::{
    ClusterEvent, Code, CycleState, FilterPlugin, MAX_NODE_SCORE, NodeInfo, Plugin, PodInfo,
    PreFilterPlugin, PreScorePlugin, Resources, ScorePlugin, Status,
};
use common::name_validation::is_qualified_name;

/// The plugin's name.
pub const NAME: &str = "NodeResourcesFit";
const PRE_SCORE_STATE_KEY: &str = "PreScoreNodeResourcesFit";
/// Upstream's reason when the node has no room for another pod.
pub const ERR_REASON_TOO_MANY_PODS: &str = "Too many pods";
/// The highest score of a `RequestedToCapacityRatio` shape point (`MaxCustomPriorityScore`).
pub const MAX_CUSTOM_PRIORITY_SCORE: i64 = 10;
const MAX_UTILIZATION: i64 = 100;

/// One resource a node lacks for a pod (upstream's `InsufficientResource`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsufficientResource {
    /// `pods`, `cpu`, `memory`, `ephemeral-storage` or a scalar resource name.
    pub resource_name: String,
    /// `Too many pods` or `Insufficient <name>`.
    pub reason: String,
    /// What the pod asks for.
    pub requested: i64,
    /// What the node's pods already use.
    pub used: i64,
    /// The node's allocatable.
    pub capacity: i64,
    /// The pod asks for more than the node has at all: preemption cannot help.
    pub unresolvable: bool,
}

/// Upstream's `IsExtendedResourceName`: a prefixed name outside `kubernetes.io/`, not a quota
/// `requests.` name, that is a valid quota resource name.
pub fn is_extended_resource_name(name: &str) -> bool {
    name.contains('/')
        && !name.contains("kubernetes.io/")
        && !name.starts_with("requests.")
        && is_qualified_name(&format!("requests.{name}"))
}

/// Upstream's `fitsRequest`: every resource `request` (a pod's, with `pods` counted as one)
/// lacks on `node`, in upstream's order: pods, cpu, memory, ephemeral storage, then scalar
/// resources by name. Extended resources in `ignored` (by name) or `ignored_groups` (by the
/// part before `/`) are not checked.
pub fn fits_request(
    request: &Resources,
    node: &NodeInfo,
    ignored: &BTreeSet<String>,
    ignored_groups: &BTreeSet<String>,
) -> Vec<InsufficientResource> {
    let mut out = Vec::new();
    let (alloc, used) = (&node.allocatable, &node.requested);
    let pod_count = i64::try_from(node.pods.len()).unwrap_or(i64::MAX);
    if pod_count.saturating_add(1) > alloc.allowed_pod_number {
        out.push(InsufficientResource {
            resource_name: "pods".to_owned(),
            reason: ERR_REASON_TOO_MANY_PODS.to_owned(),
            requested: 1,
            used: pod_count,
            capacity: alloc.allowed_pod_number,
            unresolvable: false,
        });
    }
    if request.milli_cpu == 0
        && request.memory == 0
        && request.ephemeral_storage == 0
        && request.scalar.is_empty()
    {
        return out;
    }
    let mut check = |name: &str, want: i64, used: i64, capacity: i64| {
        if want > 0 && want > capacity.saturating_sub(used) {
            out.push(InsufficientResource {
                resource_name: name.to_owned(),
                reason: format!("Insufficient {name}"),
                requested: want,
                used,
                capacity,
                unresolvable: want > capacity,
            });
        }
    };
    check("cpu", request.milli_cpu, used.milli_cpu, alloc.milli_cpu);
    check("memory", request.memory, used.memory, alloc.memory);
    let storage = request.ephemeral_storage;
    check(
        "ephemeral-storage",
        storage,
        used.ephemeral_storage,
        alloc.ephemeral_storage,
    );
    for (name, want) in &request.scalar {
        if *want == 0 {
            continue;
        }
        if is_extended_resource_name(name) {
            let group = name.split('/').next().unwrap_or_default();
            if ignored.contains(name) || ignored_groups.contains(group) {
                continue;
            }
        }
        check(name, *want, used.get(name), alloc.get(name));
    }
    out
}

/// Upstream's `Fits`: what `pod` lacks on `node`, ignoring nothing.
pub fn fits(pod: &PodInfo, node: &NodeInfo) -> Vec<InsufficientResource> {
    fits_request(&pod.requests, node, &BTreeSet::new(), &BTreeSet::new())
}

/// How feasible nodes are ranked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoringStrategy {
    /// Favor nodes with the most room left.
    LeastAllocated,
    /// Favor nodes with the least room left (bin packing).
    MostAllocated,
    /// A piecewise linear function of utilization: `(utilization, score)` points with the
    /// scores already scaled to `0..=MAX_NODE_SCORE`.
    RequestedToCapacityRatio(Vec<(i64, i64)>),
}

/// The `scoringStrategy` of `NodeResourcesFitArgs`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StrategyArgs {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    resources: Option<Vec<ResourceSpec>>,
    #[serde(default)]
    requested_to_capacity_ratio: Option<RatioArgs>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RatioArgs {
    #[serde(default)]
    shape: Option<Vec<ShapePoint>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ShapePoint {
    #[serde(default)]
    utilization: i32,
    #[serde(default)]
    score: i32,
}

/// `NodeResourcesFitArgs` (kubescheduler.config.k8s.io/v1).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Args {
    #[serde(default)]
    ignored_resources: Option<Vec<String>>,
    #[serde(default)]
    ignored_resource_groups: Option<Vec<String>>,
    #[serde(default)]
    scoring_strategy: Option<StrategyArgs>,
}

/// Upstream's `validateFunctionShape`.
fn validate_shape(shape: &[ShapePoint], errors: &mut Vec<String>) {
    let path = "scoringStrategy.requestedToCapacityRatio.shape";
    if shape.is_empty() {
        errors.push(format!(
            "{path}: Required value: at least one point must be specified"
        ));
        return;
    }
    if let Some(i) = (1..shape.len()).find(|&i| shape[i - 1].utilization >= shape[i].utilization) {
        errors.push(format!(
            "{path}[{i}].utilization: Invalid value: {}: values must be sorted in increasing order",
            shape[i].utilization
        ));
    }
    for (i, p) in shape.iter().enumerate() {
        if !(0..=100).contains(&p.utilization) {
            errors.push(format!(
                "{path}[{i}].utilization: Invalid value: {}: not in valid range [0, 100]",
                p.utilization
            ));
        }
        if !(0..=10).contains(&p.score) {
            errors.push(format!(
                "{path}[{i}].score: Invalid value: {}: not in valid range [0, 10]",
                p.score
            ));
        }
    }
}

/// The plugin.
#[derive(Debug)]
pub struct NodeResourcesFit {
    ignored_resources: BTreeSet<String>,
    ignored_resource_groups: BTreeSet<String>,
    strategy: ScoringStrategy,
    scorer: ResourceAllocation,
}

impl NodeResourcesFit {
    /// The plugin configured with `args` (`NodeResourcesFitArgs` as JSON), defaulted and
    /// validated as upstream's v1 defaulting and `ValidateNodeResourcesFitArgs` do.
    pub fn new(args: Option<&serde_json::Value>) -> Result<Self, Error> {
        let args: Args = super::parse_args(NAME, args)?;
        let mut errors = Vec::new();
        let ignored_resources: BTreeSet<String> = args
            .ignored_resources
            .unwrap_or_default()
            .into_iter()
            .collect();
        for r in &ignored_resources {
            if !is_qualified_name(r) {
                errors.push(format!(
                    "ignoredResources: Invalid value: {r:?}: not a valid resource name"
                ));
            }
        }
        let ignored_resource_groups: BTreeSet<String> = args
            .ignored_resource_groups
            .unwrap_or_default()
            .into_iter()
            .collect();
        for g in &ignored_resource_groups {
            if g.contains('/') {
                errors.push(format!("ignoredResourceGroups: Invalid value: {g:?}: resource group name can't contain '/'"));
            } else if !is_qualified_name(g) {
                errors.push(format!(
                    "ignoredResourceGroups: Invalid value: {g:?}: not a valid resource group name"
                ));
            }
        }
        let strategy = args.scoring_strategy.unwrap_or(StrategyArgs {
            kind: "LeastAllocated".to_owned(),
            resources: None,
            requested_to_capacity_ratio: None,
        });
        let resources = defaulted(strategy.resources);
        for (i, r) in resources.iter().enumerate() {
            if r.weight <= 0 || r.weight > 100 {
                errors.push(format!(
                    "scoringStrategy.resources[{i}].weight: Invalid value: {}: resource weight of {} not in valid range (0, 100]",
                    r.weight, r.name
                ));
            }
        }
        let ratio = strategy.requested_to_capacity_ratio;
        let kind = match strategy.kind.as_str() {
            "LeastAllocated" | "MostAllocated" if ratio.is_some() => {
                errors.push("scoringStrategy.requestedToCapacityRatio: Forbidden: must be nil when type is not RequestedToCapacityRatio".to_owned());
                None
            }
            "LeastAllocated" => Some(ScoringStrategy::LeastAllocated),
            "MostAllocated" => Some(ScoringStrategy::MostAllocated),
            "RequestedToCapacityRatio" => match ratio {
                None => {
                    errors.push("scoringStrategy.requestedToCapacityRatio: Required value: must be specified when type is RequestedToCapacityRatio".to_owned());
                    None
                }
                Some(r) => {
                    let shape = r.shape.unwrap_or_default();
                    validate_shape(&shape, &mut errors);
                    let scale = MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE;
                    let points = shape
                        .iter()
                        .map(|p| (i64::from(p.utilization), i64::from(p.score) * scale))
                        .collect();
                    Some(ScoringStrategy::RequestedToCapacityRatio(points))
                }
            },
            other => {
                errors.push(format!(
                    "scoringStrategy.type: Unsupported value: {other:?}: supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\""
                ));
                None
            }
        };
        match kind {
            Some(strategy) if errors.is_empty() => Ok(Self {
                ignored_resources,
                ignored_resource_groups,
                strategy,
                scorer: ResourceAllocation {
                    resources,
                    use_requested: false,
                },
            }),
            _ => Err(Error::InvalidArgs {
                plugin: NAME.to_owned(),
                message: errors.join(", "),
            }),
        }
    }

    /// The configured strategy.
    pub fn strategy(&self) -> &ScoringStrategy {
        &self.strategy
    }

    fn score_vectors(&self, requested: &[i64], allocatable: &[i64]) -> i64 {
        let weights = self.scorer.resources.iter().map(|r| r.weight);
        match &self.strategy {
            ScoringStrategy::LeastAllocated => {
                weighted_mean(requested, allocatable, weights, |req, cap| {
                    if req > cap {
                        0
                    } else {
                        mul_div(cap - req, MAX_NODE_SCORE, cap)
                    }
                })
            }
            ScoringStrategy::MostAllocated => {
                weighted_mean(requested, allocatable, weights, |req, cap| {
                    mul_div(req.min(cap), MAX_NODE_SCORE, cap)
                })
            }
            ScoringStrategy::RequestedToCapacityRatio(shape) => {
                requested_to_capacity_ratio(shape, requested, allocatable, weights)
            }
        }
    }
}

/// Least/MostAllocated: the weighted mean of each counted resource's score (integer division).
fn weighted_mean(
    requested: &[i64],
    allocatable: &[i64],
    weights: impl Iterator<Item = i64>,
    resource_score: impl Fn(i64, i64) -> i64,
) -> i64 {
    let (mut total, mut weight_sum) = (0i64, 0i64);
    for ((req, cap), weight) in requested.iter().zip(allocatable).zip(weights) {
        if *cap == 0 {
            continue;
        }
        total = total.saturating_add(resource_score(*req, *cap).saturating_mul(weight));
        weight_sum = weight_sum.saturating_add(weight);
    }
    if weight_sum == 0 {
        0
    } else {
        total / weight_sum
    }
}

/// Upstream's `helper.BuildBrokenLinearFunction`: linear between the shape's points, flat
/// before the first and after the last.
pub fn broken_linear(shape: &[(i64, i64)], p: i64) -> i64 {
    for (i, &(utilization, score)) in shape.iter().enumerate() {
        if p <= utilization {
            let Some(&(prev_u, prev_s)) = i.checked_sub(1).and_then(|j| shape.get(j)) else {
                return score;
            };
            if utilization == prev_u {
                return score;
            }
            return prev_s + mul_div(score - prev_s, p - prev_u, utilization - prev_u);
        }
    }
    shape.last().map_or(0, |&(_, s)| s)
}

/// RequestedToCapacityRatio: each counted resource's utilization through the shape; resources
/// scoring 0 are left out of the weighted mean, which is rounded.
fn requested_to_capacity_ratio(
    shape: &[(i64, i64)],
    requested: &[i64],
    allocatable: &[i64],
    weights: impl Iterator<Item = i64>,
) -> i64 {
    let (mut total, mut weight_sum) = (0i64, 0i64);
    for ((req, cap), weight) in requested.iter().zip(allocatable).zip(weights) {
        if *cap == 0 {
            continue;
        }
        let utilization = if *req > *cap {
            MAX_UTILIZATION
        } else {
            mul_div(*req, MAX_UTILIZATION, *cap)
        };
        let score = broken_linear(shape, utilization);
        if score > 0 {
            total = total.saturating_add(score.saturating_mul(weight));
            weight_sum = weight_sum.saturating_add(weight);
        }
    }
    if weight_sum == 0 {
        0
    } else {
        (total as f64 / weight_sum as f64).round() as i64
    }
}

/// What PreScore keeps for Score: the pod's request of each scored resource.
struct PreScoreState {
    pod_requests: Vec<i64>,
}

impl Plugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [ClusterEvent] {
        &[
            ClusterEvent::NodeAdded,
            ClusterEvent::NodeChanged,
            ClusterEvent::AssignedPodDeleted,
            ClusterEvent::AssignedPodChanged,
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

impl PreFilterPlugin for NodeResourcesFit {
    fn pre_filter(&self, _state: &mut CycleState, _pod: &PodInfo, _nodes: &[&NodeInfo]) -> Status {
        // The pod's requests (upstream's computePodResourceRequest) are on PodInfo already.
        Status::success()
    }
}

impl FilterPlugin for NodeResourcesFit {
    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let insufficient = fits_request(
            &pod.requests,
            node,
            &self.ignored_resources,
            &self.ignored_resource_groups,
        );
        if insufficient.is_empty() {
            return Status::success();
        }
        let code = if insufficient.iter().any(|r| r.unresolvable) {
            Code::UnschedulableAndUnresolvable
        } else {
            Code::Unschedulable
        };
        Status::new(code, insufficient.into_iter().map(|r| r.reason).collect())
    }
}

impl PreScorePlugin for NodeResourcesFit {
    fn pre_score(&self, state: &mut CycleState, pod: &PodInfo, _nodes: &[&NodeInfo]) -> Status {
        let pod_requests = self.scorer.pod_requests(pod);
        state.write(PRE_SCORE_STATE_KEY, PreScoreState { pod_requests });
        Status::success()
    }
}

impl ScorePlugin for NodeResourcesFit {
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        if self.scorer.resources.is_empty() {
            return Err(Status::error("resources not found"));
        }
        let computed;
        let pod_requests = match state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) {
            Some(s) => &s.pod_requests,
            None => {
                computed = self.scorer.pod_requests(pod);
                &computed
            }
        };
        let (requested, allocatable) = self.scorer.vectors(node, pod_requests);
        Ok(self.score_vectors(&requested, &allocatable))
    }
}

#[cfg(test)]
#[path = "node_resources_fit_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "node_resources_fit_score_tests.rs"]
mod score_tests;
