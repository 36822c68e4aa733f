//! TaintToleration: a pod fits a node only if it tolerates the node's `NoSchedule` and
//! `NoExecute` taints; among the nodes that fit, those with fewer `PreferNoSchedule` taints the
//! pod does not tolerate score higher (upstream's `plugins/tainttoleration`).
//!
//! The toleration matching (`v1helper.TolerationsTolerateTaint`, `Toleration.ToleratesTaint`,
//! `FindMatchingUntoleratedTaint`) lives here as public functions for the other users of taints
//! (NodeUnschedulable, the DaemonSet controller, eviction).

use k8s_openapi::api::core::v1::{Node, Pod, Taint, Toleration};

use crate::framework::{
    ClusterEvent, CycleState, FilterPlugin, MAX_NODE_SCORE, NodeInfo, NodeScore, Plugin, PodInfo,
    PreScorePlugin, ScorePlugin, Status, default_normalize_score,
};

/// The plugin's name.
pub const NAME: &str = "TaintToleration";
const PRE_SCORE_STATE_KEY: &str = "PreScoreTaintToleration";
/// Upstream's Filter reason. Upstream 1.34.0 named the taint (`node(s) had untolerated taint
/// {key: value}`); 1.34.2 and later (kubernetes#134740) keep taint keys and values out of pod
/// statuses and events, and so does this port; the taint goes to the debug log instead.
pub const ERR_REASON_UNTOLERATED: &str = "node(s) had untolerated taint(s)";

/// `NoSchedule`.
pub const EFFECT_NO_SCHEDULE: &str = "NoSchedule";
/// `PreferNoSchedule`.
pub const EFFECT_PREFER_NO_SCHEDULE: &str = "PreferNoSchedule";
/// `NoExecute`.
pub const EFFECT_NO_EXECUTE: &str = "NoExecute";

/// Upstream's `Toleration.ToleratesTaint`: an empty effect matches every effect, an empty key
/// every key (with `Exists`), an empty operator means `Equal`; an unknown operator tolerates
/// nothing.
pub fn toleration_tolerates_taint(toleration: &Toleration, taint: &Taint) -> bool {
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

/// Upstream's `TolerationsTolerateTaint`: whether any of `tolerations` tolerates `taint`.
pub fn tolerations_tolerate_taint(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations
        .iter()
        .any(|t| toleration_tolerates_taint(t, taint))
}

/// Upstream's `FindMatchingUntoleratedTaint`: the first taint that `inclusion` selects and no
/// toleration tolerates.
pub fn find_matching_untolerated_taint<'a>(
    taints: &'a [Taint],
    tolerations: &[Toleration],
    inclusion: impl Fn(&Taint) -> bool,
) -> Option<&'a Taint> {
    taints
        .iter()
        .find(|taint| inclusion(taint) && !tolerations_tolerate_taint(tolerations, taint))
}

/// Upstream's `DoNotScheduleTaintsFilterFunc`: the taints that keep new pods off a node.
pub fn is_do_not_schedule_taint(taint: &Taint) -> bool {
    taint.effect == EFFECT_NO_SCHEDULE || taint.effect == EFFECT_NO_EXECUTE
}

/// A pod's `spec.tolerations`.
pub fn pod_tolerations(pod: &Pod) -> &[Toleration] {
    pod.spec
        .as_ref()
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or_default()
}

/// A node's `spec.taints`.
pub fn node_taints(node: &Node) -> &[Taint] {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or_default()
}

/// The plugin.
pub struct TaintToleration;

/// What PreScore keeps for Score: the tolerations that can tolerate `PreferNoSchedule` taints.
struct PreScoreState {
    tolerations_prefer_no_schedule: Vec<Toleration>,
}

/// Tolerations with effect `PreferNoSchedule` or no effect (which covers every effect).
fn tolerations_prefer_no_schedule(pod: &Pod) -> Vec<Toleration> {
    pod_tolerations(pod)
        .iter()
        .filter(|t| {
            matches!(
                t.effect.as_deref().unwrap_or_default(),
                "" | EFFECT_PREFER_NO_SCHEDULE
            )
        })
        .cloned()
        .collect()
}

/// How many `PreferNoSchedule` taints none of `tolerations` tolerates.
fn count_intolerable_prefer_no_schedule(taints: &[Taint], tolerations: &[Toleration]) -> i64 {
    let count = taints
        .iter()
        .filter(|t| t.effect == EFFECT_PREFER_NO_SCHEDULE)
        .filter(|t| !tolerations_tolerate_taint(tolerations, t))
        .count();
    i64::try_from(count).unwrap_or(i64::MAX)
}

impl Plugin for TaintToleration {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [ClusterEvent] {
        &[ClusterEvent::NodeAdded, ClusterEvent::NodeChanged]
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

impl FilterPlugin for TaintToleration {
    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let taints = node_taints(&node.node);
        let tolerations = pod_tolerations(&pod.pod);
        match find_matching_untolerated_taint(taints, tolerations, is_do_not_schedule_taint) {
            None => Status::success(),
            Some(taint) => {
                tracing::debug!(
                    node = node.name(),
                    pod = %pod.key(),
                    taint.key = %taint.key,
                    taint.value = taint.value.as_deref().unwrap_or_default(),
                    taint.effect = %taint.effect,
                    "node had untolerated taint"
                );
                Status::unresolvable(ERR_REASON_UNTOLERATED)
            }
        }
    }
}

impl PreScorePlugin for TaintToleration {
    fn pre_score(&self, state: &mut CycleState, pod: &PodInfo, _nodes: &[&NodeInfo]) -> Status {
        state.write(
            PRE_SCORE_STATE_KEY,
            PreScoreState {
                tolerations_prefer_no_schedule: tolerations_prefer_no_schedule(&pod.pod),
            },
        );
        Status::success()
    }
}

impl ScorePlugin for TaintToleration {
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let taints = node_taints(&node.node);
        Ok(match state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) {
            Some(s) => {
                count_intolerable_prefer_no_schedule(taints, &s.tolerations_prefer_no_schedule)
            }
            // PreScore did not run: compute the same thing here.
            None => count_intolerable_prefer_no_schedule(
                taints,
                &tolerations_prefer_no_schedule(&pod.pod),
            ),
        })
    }

    fn normalize(&self, _state: &CycleState, _pod: &PodInfo, scores: &mut [NodeScore]) -> Status {
        default_normalize_score(MAX_NODE_SCORE, true, scores);
        Status::success()
    }
}

#[cfg(test)]
#[path = "taint_toleration_tests.rs"]
mod tests;
