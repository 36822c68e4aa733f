//! NodeAffinity: a pod fits only nodes matching its `spec.nodeSelector` and its required node
//! affinity (and the profile's `addedAffinity`); nodes matching more of its preferred terms
//! score higher (upstream's `plugins/nodeaffinity`). The matching itself is in
//! [`super::node_selector`].

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{NodeAffinity as NodeAffinitySpec, Pod};
use serde::Deserialize;

use super::Error;
use super::node_selector::{
    NodeSelectorMatcher, OBJECT_NAME_FIELD, PreferredTerms, RequiredNodeAffinity,
};
use crate::framework::{
    ClusterEvent, CycleState, FilterPlugin, MAX_NODE_SCORE, NodeInfo, NodeScore, Plugin, PodInfo,
    PreFilterPlugin, PreScorePlugin, ScorePlugin, Status, default_normalize_score,
};

/// The plugin's name.
pub const NAME: &str = "NodeAffinity";
/// Upstream's reason when the pod's own selector or affinity does not match.
pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";
/// Upstream's reason when the profile's `addedAffinity` does not match.
pub const ERR_REASON_ENFORCED: &str = "node(s) didn't match scheduler-enforced node affinity";
/// Upstream's PreFilter reason when every term names nodes and their names exclude each other.
pub const ERR_REASON_CONFLICT: &str = "pod affinity terms conflict";
/// Where PreFilter keeps its [`PreFilterState`] in the cycle state.
pub const PRE_FILTER_STATE_KEY: &str = "PreFilterNodeAffinity";
const PRE_SCORE_STATE_KEY: &str = "PreScoreNodeAffinity";

/// `NodeAffinityArgs` (kubescheduler.config.k8s.io/v1).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Args {
    #[serde(default)]
    added_affinity: Option<NodeAffinitySpec>,
}

/// The plugin, with the profile's `addedAffinity` parsed.
#[derive(Debug, Default)]
pub struct NodeAffinity {
    added_selector: Option<NodeSelectorMatcher>,
    added_preferred: Option<PreferredTerms>,
}

impl NodeAffinity {
    /// The plugin configured with `args` (`NodeAffinityArgs` as JSON).
    pub fn new(args: Option<&serde_json::Value>) -> Result<Self, Error> {
        let invalid = |message: String| Error::InvalidArgs {
            plugin: NAME.to_owned(),
            message,
        };
        let args: Args = super::parse_args(NAME, args)?;
        let mut plugin = Self::default();
        if let Some(added) = args.added_affinity {
            if let Some(required) = &added.required_during_scheduling_ignored_during_execution {
                plugin.added_selector =
                    Some(NodeSelectorMatcher::try_new(required).map_err(|e| {
                        invalid(format!(
                            "addedAffinity.requiredDuringSchedulingIgnoredDuringExecution: {e}"
                        ))
                    })?);
            }
            if let Some(terms) = added
                .preferred_during_scheduling_ignored_during_execution
                .as_deref()
                .filter(|t| !t.is_empty())
            {
                plugin.added_preferred = Some(PreferredTerms::try_new(terms).map_err(|e| {
                    invalid(format!(
                        "addedAffinity.preferredDuringSchedulingIgnoredDuringExecution{e}"
                    ))
                })?);
            }
        }
        Ok(plugin)
    }
}

/// What PreFilter keeps for Filter. `node_names` is upstream's `PreFilterResult`: when every
/// required term pins `metadata.name In [...]`, only those nodes can fit.
pub struct PreFilterState {
    /// The pod's parsed node selector and required affinity.
    pub required: RequiredNodeAffinity,
    /// The only nodes that can fit, when the required terms name them.
    pub node_names: Option<BTreeSet<String>>,
}

/// What PreScore keeps for Score.
struct PreScoreState {
    preferred: Option<PreferredTerms>,
}

fn required_affinity_terms(pod: &Pod) -> Option<&[k8s_openapi::api::core::v1::NodeSelectorTerm]> {
    pod.spec
        .as_ref()?
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()
        .map(|s| s.node_selector_terms.as_slice())
}

/// The node names every required term restricts the pod to (`metadata.name In`), if each term
/// does; `Some(empty)` when the terms conflict.
fn node_names_of_terms(pod: &Pod) -> Option<BTreeSet<String>> {
    let terms = required_affinity_terms(pod)?;
    if terms.is_empty() {
        return None;
    }
    let mut union = BTreeSet::new();
    for term in terms {
        let mut names: Option<BTreeSet<String>> = None;
        for f in term.match_fields.iter().flatten() {
            if f.key == OBJECT_NAME_FIELD && f.operator == "In" {
                let set: BTreeSet<String> = f.values.iter().flatten().cloned().collect();
                names = Some(match names {
                    None => set,
                    Some(prev) => prev.intersection(&set).cloned().collect(),
                });
            }
        }
        // A term without a name restriction lets any node through: terms are ORed.
        union.extend(names?);
    }
    Some(union)
}

fn pod_preferred_terms(pod: &Pod) -> Result<Option<PreferredTerms>, String> {
    let terms = pod
        .spec
        .as_ref()
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|a| {
            a.preferred_during_scheduling_ignored_during_execution
                .as_deref()
        });
    terms.map(PreferredTerms::try_new).transpose()
}

impl Plugin for NodeAffinity {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [ClusterEvent] {
        &[ClusterEvent::NodeAdded, ClusterEvent::NodeChanged]
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

impl PreFilterPlugin for NodeAffinity {
    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, _nodes: &[&NodeInfo]) -> Status {
        let has_selector = pod
            .pod
            .spec
            .as_ref()
            .is_some_and(|s| s.node_selector.is_some());
        if required_affinity_terms(&pod.pod).is_none()
            && self.added_selector.is_none()
            && !has_selector
        {
            return Status::skip();
        }
        let node_names = node_names_of_terms(&pod.pod);
        let conflict = node_names.as_ref().is_some_and(BTreeSet::is_empty);
        state.write(
            PRE_FILTER_STATE_KEY,
            PreFilterState {
                required: RequiredNodeAffinity::of_pod(&pod.pod),
                node_names,
            },
        );
        if conflict {
            return Status::unresolvable(ERR_REASON_CONFLICT);
        }
        Status::success()
    }
}

impl FilterPlugin for NodeAffinity {
    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        if let Some(added) = &self.added_selector
            && !added.matches(&node.node)
        {
            return Status::unresolvable(ERR_REASON_ENFORCED);
        }
        let matches = match state.read::<PreFilterState>(PRE_FILTER_STATE_KEY) {
            Some(s) => s.required.matches(&node.node),
            // PreFilter did not run (or was skipped): evaluate the pod here.
            None => RequiredNodeAffinity::of_pod(&pod.pod).matches(&node.node),
        };
        if matches {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON_POD)
        }
    }
}

impl PreScorePlugin for NodeAffinity {
    fn pre_score(&self, state: &mut CycleState, pod: &PodInfo, _nodes: &[&NodeInfo]) -> Status {
        let preferred = match pod_preferred_terms(&pod.pod) {
            Ok(p) => p,
            Err(e) => return Status::error(e),
        };
        if preferred.is_none() && self.added_preferred.is_none() {
            return Status::skip();
        }
        state.write(PRE_SCORE_STATE_KEY, PreScoreState { preferred });
        Status::success()
    }
}

impl ScorePlugin for NodeAffinity {
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let mut score = self
            .added_preferred
            .as_ref()
            .map_or(0, |t| t.score(&node.node));
        match state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) {
            Some(s) => score += s.preferred.as_ref().map_or(0, |t| t.score(&node.node)),
            None => {
                let preferred = pod_preferred_terms(&pod.pod).map_err(Status::error)?;
                score += preferred.map_or(0, |t| t.score(&node.node));
            }
        }
        Ok(score)
    }

    fn normalize(&self, _state: &CycleState, _pod: &PodInfo, scores: &mut [NodeScore]) -> Status {
        default_normalize_score(MAX_NODE_SCORE, false, scores);
        Status::success()
    }
}

#[cfg(test)]
#[path = "node_affinity_tests.rs"]
mod tests;
