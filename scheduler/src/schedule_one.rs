//! One scheduling cycle's algorithm (upstream's `schedulePod`): PreFilter, Filter over the
//! nodes (round-robin from where the last cycle stopped, until enough feasible nodes are
//! found), Score, and a random pick among the best. It only reads the cache; the caller assumes
//! and binds.

use std::collections::{BTreeMap, HashSet};

use rand::Rng;

use crate::cache::Cache;
use crate::config::Profile;
use crate::framework::{Code, CycleState, NodeInfo, PodInfo, Status};

/// Below this many nodes every node is checked (`minFeasibleNodesToFind`).
pub const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
/// The adaptive percentage never goes below this (`minFeasibleNodesPercentageToFind`).
pub const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: usize = 5;
/// Upstream's `ErrNoNodesAvailable`.
pub const NO_NODES_AVAILABLE: &str = "no nodes available to schedule pods";

/// How many feasible nodes to look for before scoring (`numFeasibleNodesToFind`).
pub fn num_feasible_nodes_to_find(percentage: i32, all: usize) -> usize {
    if all < MIN_FEASIBLE_NODES_TO_FIND {
        return all;
    }
    let mut percentage = usize::try_from(percentage).unwrap_or(0);
    if percentage == 0 {
        percentage = 50usize
            .saturating_sub(all / 125)
            .max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    }
    (all * percentage.min(100) / 100).max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// Why no node fits: upstream's `FitError`.
#[derive(Debug, Clone)]
pub struct FitError {
    /// Nodes in the cluster.
    pub num_all_nodes: usize,
    /// The Filter failures, one per rejected node, with the node's name.
    pub node_statuses: Vec<(String, Status)>,
    /// The PreFilter rejection, which applies to every node.
    pub pre_filter_message: Option<String>,
    /// The plugins that rejected the pod somewhere.
    pub rejected_by: HashSet<&'static str>,
    /// What PostFilter (preemption) said, already prefixed (`preemption: ...`).
    pub post_filter_message: Option<String>,
    /// The node was turned down after Filter (Reserve, Permit): no preemption.
    pub after_filter: bool,
}

impl FitError {
    /// Upstream's message: `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't
    /// match Pod's node affinity/selector.`: each reason with its count, sorted as strings.
    pub fn message(&self) -> String {
        let mut message = format!("0/{} nodes are available:", self.num_all_nodes);
        if let Some(pre) = &self.pre_filter_message {
            message.push_str(&format!(" {pre}."));
        } else {
            message.push_str(&reason_histogram(self.node_statuses.iter().map(|(_, s)| s)));
        }
        if let Some(post) = &self.post_filter_message {
            message.push(' ');
            message.push_str(post);
        }
        message
    }
}

/// ` 2 reason a, 3 reason b.`: each reason with the number of nodes that gave it, sorted as
/// strings (upstream's `sortReasonsHistogram`); empty without reasons.
pub fn reason_histogram<'a>(statuses: impl Iterator<Item = &'a Status>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for status in statuses {
        for reason in &status.reasons {
            *counts.entry(reason.as_str()).or_default() += 1;
        }
    }
    let mut reasons: Vec<String> = counts
        .into_iter()
        .map(|(reason, count)| format!("{count} {reason}"))
        .collect();
    reasons.sort();
    if reasons.is_empty() {
        String::new()
    } else {
        format!(" {}.", reasons.join(", "))
    }
}

/// A cycle that found no node.
#[derive(Debug, Clone)]
pub enum ScheduleError {
    /// The cluster has no nodes.
    NoNodes,
    /// No node fits.
    Fit(Box<FitError>),
    /// A plugin failed.
    Internal(Status),
    /// A point after Filter (Reserve, Permit) failed; the message is complete.
    Point(String),
}

impl ScheduleError {
    /// The message of the `FailedScheduling` event and the `PodScheduled` condition.
    pub fn message(&self) -> String {
        match self {
            Self::NoNodes => NO_NODES_AVAILABLE.to_owned(),
            Self::Fit(fit) => fit.message(),
            Self::Internal(status) => {
                format!("running {:?} plugin: {}", status.plugin, status.message())
            }
            Self::Point(message) => message.clone(),
        }
    }
}

/// The chosen node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleResult {
    /// The node.
    pub node: String,
    /// Nodes filtered.
    pub evaluated: usize,
    /// Nodes that passed.
    pub feasible: usize,
}

/// The algorithm's state across cycles: where the next Filter pass starts.
#[derive(Debug, Default)]
pub struct Algorithm {
    next_start: usize,
}

impl Algorithm {
    /// Finds a node for `pod` with `profile`'s plugins.
    pub fn schedule(
        &mut self,
        profile: &Profile,
        cache: &Cache,
        pod: &PodInfo,
        rng: &mut impl Rng,
    ) -> Result<ScheduleResult, ScheduleError> {
        self.schedule_with_state(profile, cache, pod, rng, &mut CycleState::default())
    }

    /// [`Algorithm::schedule`], leaving what the plugins wrote in `state` for the later
    /// extension points (Reserve, Permit, the binding cycle).
    pub fn schedule_with_state(
        &mut self,
        profile: &Profile,
        cache: &Cache,
        pod: &PodInfo,
        rng: &mut impl Rng,
        state: &mut CycleState,
    ) -> Result<ScheduleResult, ScheduleError> {
        let framework = &profile.framework;
        let nodes = cache.nodes();
        if nodes.is_empty() {
            return Err(ScheduleError::NoNodes);
        }
        state.sample_plugin_metrics =
            rng.random_range(0..100) < crate::metrics::PLUGIN_METRICS_SAMPLE_PERCENT;
        state.write(
            crate::framework::IMAGE_SPREAD_KEY,
            crate::framework::ImageSpread {
                nodes_with: cache.image_nodes(),
                total_nodes: nodes.len(),
            },
        );
        let status = framework.run_pre_filter(state, pod, &nodes);
        if status.is_rejected() {
            return Err(ScheduleError::Fit(Box::new(FitError {
                num_all_nodes: nodes.len(),
                node_statuses: Vec::new(),
                pre_filter_message: Some(status.message()),
                rejected_by: HashSet::from([status.plugin]),
                post_filter_message: None,
                after_filter: false,
            })));
        }
        if status.code == Code::Error {
            return Err(ScheduleError::Internal(status));
        }

        let wanted = num_feasible_nodes_to_find(profile.percentage_of_nodes_to_score, nodes.len());
        let mut feasible: Vec<&NodeInfo> = Vec::with_capacity(wanted.min(nodes.len()));
        let mut failures = Vec::new();
        let start = self.next_start % nodes.len();
        let filter_start = std::time::Instant::now();
        for i in 0..nodes.len() {
            if feasible.len() >= wanted {
                break;
            }
            let node = nodes[(start + i) % nodes.len()];
            let status = framework.run_filter(state, pod, node);
            match status.code {
                Code::Success => feasible.push(node),
                Code::Error => {
                    framework.record_point("Filter", Code::Error, filter_start);
                    return Err(ScheduleError::Internal(status));
                }
                _ => failures.push((node.name().to_owned(), status)),
            }
        }
        let filter_code = if feasible.is_empty() {
            Code::Unschedulable
        } else {
            Code::Success
        };
        framework.record_point("Filter", filter_code, filter_start);
        self.next_start = (start + feasible.len() + failures.len()) % nodes.len();
        let evaluated = feasible.len() + failures.len();
        if feasible.is_empty() {
            return Err(ScheduleError::Fit(Box::new(FitError {
                num_all_nodes: nodes.len(),
                rejected_by: failures.iter().map(|(_, s)| s.plugin).collect(),
                node_statuses: failures,
                pre_filter_message: None,
                post_filter_message: None,
                after_filter: false,
            })));
        }
        if feasible.len() == 1 || !framework.has_score_plugins() {
            return Ok(ScheduleResult {
                node: feasible[0].name().to_owned(),
                evaluated,
                feasible: feasible.len(),
            });
        }
        let scores = framework
            .run_score(state, pod, &feasible)
            .map_err(ScheduleError::Internal)?;
        let best = select_host(&scores, rng);
        Ok(ScheduleResult {
            node: feasible[best].name().to_owned(),
            evaluated,
            feasible: feasible.len(),
        })
    }
}

/// The index of a highest score; ties are broken uniformly at random (reservoir sampling, as
/// upstream's `selectHost`).
pub fn select_host(scores: &[i64], rng: &mut impl Rng) -> usize {
    let mut best = 0;
    let mut ties = 0u32;
    for (i, score) in scores.iter().enumerate() {
        if *score > scores[best] {
            best = i;
            ties = 1;
        } else if *score == scores[best] {
            ties += 1;
            if rng.random_range(0..ties) == 0 {
                best = i;
            }
        }
    }
    best
}

#[cfg(test)]
#[path = "schedule_one_tests.rs"]
mod tests;
