//! The plugin interfaces, one trait per extension point, as in upstream's
//! `pkg/scheduler/framework/interface.go`. A plugin is one value implementing [`Plugin`]; it
//! says which points it implements through the `as_*` methods.

use std::any::Any;
use std::time::Duration;

use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::Pod;

use super::node_info::{NodeInfo, PodInfo};
use super::status::Status;

/// The highest score a Score plugin may give after normalization.
pub const MAX_NODE_SCORE: i64 = 100;

/// Data plugins keep for one scheduling cycle (upstream's `CycleState`), written at
/// PreFilter/PreScore and read at Filter/Score, under keys of the plugin and point, as
/// upstream's `PreFilter<Name>` / `PreScore<Name>`.
///
/// A handful of entries, read once per node and plugin: a list beats a hash map here.
#[derive(Default)]
pub struct CycleState {
    data: Vec<(&'static str, Box<dyn Any + Send + Sync>)>,
    /// Filter plugins whose PreFilter returned Skip.
    pub skip_filter: Vec<&'static str>,
    /// Score plugins whose PreScore returned Skip.
    pub skip_score: Vec<&'static str>,
    /// Whether this cycle times each plugin (`scheduler_plugin_execution_duration_seconds`).
    pub sample_plugin_metrics: bool,
}

impl CycleState {
    /// Stores `value` under `key`.
    pub fn write<T: Any + Send + Sync>(&mut self, key: &'static str, value: T) {
        match self.data.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = Box::new(value),
            None => self.data.push((key, Box::new(value))),
        }
    }

    /// The value stored under `key`, if it has type `T`.
    pub fn read<T: Any + Send + Sync>(&self, key: &'static str) -> Option<&T> {
        self.data
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| v.downcast_ref())
    }

    /// The value stored under `key`, if it has type `T`, to change it.
    pub fn read_mut<T: Any + Send + Sync>(&mut self, key: &'static str) -> Option<&mut T> {
        self.data
            .iter_mut()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| v.downcast_mut())
    }
}

/// Changes in the cluster that can make a rejected pod schedulable; each plugin lists the ones
/// that matter to it, and the queue moves the pods it rejected when one happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClusterEvent {
    /// A node appeared.
    NodeAdded,
    /// A node's spec, labels, taints or allocatable changed.
    NodeChanged,
    /// A pod was bound to a node (or assumed on one).
    AssignedPodAdded,
    /// A pod on a node changed.
    AssignedPodChanged,
    /// A pod left a node.
    AssignedPodDeleted,
    /// A PersistentVolume was added or changed.
    PersistentVolumeChanged,
    /// A PersistentVolumeClaim was added or changed.
    PersistentVolumeClaimChanged,
    /// A StorageClass was added or changed.
    StorageClassChanged,
}

/// Every event; for plugins whose rejections any change may resolve.
pub const ALL_EVENTS: &[ClusterEvent] = &[
    ClusterEvent::NodeAdded,
    ClusterEvent::NodeChanged,
    ClusterEvent::AssignedPodAdded,
    ClusterEvent::AssignedPodChanged,
    ClusterEvent::AssignedPodDeleted,
    ClusterEvent::PersistentVolumeChanged,
    ClusterEvent::PersistentVolumeClaimChanged,
    ClusterEvent::StorageClassChanged,
];

/// A scheduler plugin.
pub trait Plugin: Send + Sync {
    /// The plugin's name, as configuration spells it (`NodeResourcesFit`).
    fn name(&self) -> &'static str;
    /// The cluster events after which a pod this plugin rejected is worth retrying.
    fn events(&self) -> &'static [ClusterEvent] {
        ALL_EVENTS
    }
    /// The PreEnqueue point, if the plugin has it.
    fn as_pre_enqueue(&self) -> Option<&dyn PreEnqueuePlugin> {
        None
    }
    /// The PreFilter point, if the plugin has it.
    fn as_pre_filter(&self) -> Option<&dyn PreFilterPlugin> {
        None
    }
    /// The Filter point, if the plugin has it.
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        None
    }
    /// The PreScore point, if the plugin has it.
    fn as_pre_score(&self) -> Option<&dyn PreScorePlugin> {
        None
    }
    /// The Score point (with NormalizeScore), if the plugin has it.
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        None
    }
    /// The Reserve point (with Unreserve), if the plugin has it.
    fn as_reserve(&self) -> Option<&dyn ReservePlugin> {
        None
    }
    /// The Permit point, if the plugin has it.
    fn as_permit(&self) -> Option<&dyn PermitPlugin> {
        None
    }
    /// The PreBind point, if the plugin has it.
    fn as_pre_bind(&self) -> Option<&dyn PreBindPlugin> {
        None
    }
    /// The Bind point, if the plugin has it.
    fn as_bind(&self) -> Option<&dyn BindPlugin> {
        None
    }
    /// The PostBind point, if the plugin has it.
    fn as_post_bind(&self) -> Option<&dyn PostBindPlugin> {
        None
    }
}

/// Gate before a pod enters the active queue (SchedulingGates).
pub trait PreEnqueuePlugin {
    /// Success lets the pod in; anything else keeps it waiting until it changes.
    fn pre_enqueue(&self, pod: &Pod) -> Status;
}

/// Runs once per cycle before the nodes are filtered.
pub trait PreFilterPlugin {
    /// Computes what Filter needs; a rejection here fails the pod on every node.
    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, nodes: &[&NodeInfo]) -> Status;
}

/// Decides whether the pod may run on one node.
pub trait FilterPlugin {
    /// Success when the pod fits `node`.
    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status;
}

/// Runs once per cycle before the feasible nodes are scored.
pub trait PreScorePlugin {
    /// Computes what Score needs for these feasible nodes.
    fn pre_score(&self, state: &mut CycleState, pod: &PodInfo, nodes: &[&NodeInfo]) -> Status;
}

/// A node's score from one plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeScore {
    /// The node.
    pub name: String,
    /// Its score.
    pub score: i64,
}

/// Ranks the feasible nodes.
pub trait ScorePlugin {
    /// The raw score of `node`.
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status>;
    /// Brings the raw scores of all nodes into `0..=MAX_NODE_SCORE` (default: they already are).
    fn normalize(&self, _state: &CycleState, _pod: &PodInfo, _scores: &mut [NodeScore]) -> Status {
        Status::success()
    }
}

/// Claims resources for the chosen node before the pod is bound (in the scheduling cycle, so
/// the next cycle sees them), and releases them when the pod's cycle fails later.
pub trait ReservePlugin {
    /// Reserves for `pod` on `node`; a failure ends the cycle (and every Reserve plugin's
    /// Unreserve runs).
    fn reserve(&self, state: &mut CycleState, pod: &Pod, node: &str) -> Status;
    /// Undoes [`ReservePlugin::reserve`]; must be idempotent and cope with a Reserve that never
    /// ran for this pod.
    fn unreserve(&self, state: &mut CycleState, pod: &Pod, node: &str);
}

/// Approves, rejects or delays the binding of a pod to its chosen node.
pub trait PermitPlugin {
    /// Success, a rejection, or [`Status::wait`] with how long to wait at most (upstream caps
    /// it at 15 minutes); a waiting pod is let go through the framework's waiting pods.
    fn permit(&self, state: &CycleState, pod: &Pod, node: &str) -> (Status, Duration);
}

/// What the binding points may use: the scheduler's API client.
pub struct BindContext {
    /// The client (TLS, the scheduler's kubeconfig).
    pub client: kube::Client,
}

/// Runs before the pod is bound, off the scheduling cycle (API updates, waiting for them).
pub trait PreBindPlugin: Send + Sync {
    /// Success lets binding go on; anything else fails the pod's binding cycle.
    fn pre_bind<'a>(
        &'a self,
        ctx: &'a BindContext,
        state: &'a CycleState,
        pod: &'a Pod,
        node: &'a str,
    ) -> BoxFuture<'a, Status>;
}

/// Binds the pod to its node; the first Bind plugin that does not Skip decides.
pub trait BindPlugin: Send + Sync {
    /// Success, an error, or Skip to leave the pod to the next Bind plugin.
    fn bind<'a>(
        &'a self,
        ctx: &'a BindContext,
        state: &'a CycleState,
        pod: &'a Pod,
        node: &'a str,
    ) -> BoxFuture<'a, Status>;
}

/// Told after a pod was bound (informational: cleanup).
pub trait PostBindPlugin {
    /// The pod is bound to `node`.
    fn post_bind(&self, state: &CycleState, pod: &Pod, node: &str);
}

/// Upstream's `helper.DefaultNormalizeScore`: scales scores so the highest becomes
/// `max_priority`; with `reverse`, a high raw score becomes a low one.
pub fn default_normalize_score(max_priority: i64, reverse: bool, scores: &mut [NodeScore]) {
    let max = scores.iter().map(|s| s.score).max().unwrap_or(0);
    if max == 0 {
        if reverse {
            for s in scores.iter_mut() {
                s.score = max_priority;
            }
        }
        return;
    }
    for s in scores.iter_mut() {
        let mut score = max_priority * s.score / max;
        if reverse {
            score = max_priority - score;
        }
        s.score = score;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(raw: &[i64]) -> Vec<NodeScore> {
        raw.iter()
            .enumerate()
            .map(|(i, s)| NodeScore {
                name: format!("n{i}"),
                score: *s,
            })
            .collect()
    }

    #[test]
    fn normalize_scales_to_the_highest() {
        let mut s = scores(&[1, 2, 4, 0]);
        default_normalize_score(100, false, &mut s);
        assert_eq!(
            s.iter().map(|s| s.score).collect::<Vec<_>>(),
            [25, 50, 100, 0]
        );
        let mut s = scores(&[1, 2, 4, 0]);
        default_normalize_score(100, true, &mut s);
        assert_eq!(
            s.iter().map(|s| s.score).collect::<Vec<_>>(),
            [75, 50, 0, 100]
        );
        let mut s = scores(&[0, 0]);
        default_normalize_score(100, true, &mut s);
        assert_eq!(s.iter().map(|s| s.score).collect::<Vec<_>>(), [100, 100]);
    }

    #[test]
    fn cycle_state_reads_back_typed_values() {
        let mut state = CycleState::default();
        state.write("A", 5u32);
        assert_eq!(state.read::<u32>("A"), Some(&5));
        assert_eq!(state.read::<i64>("A"), None);
        assert_eq!(state.read::<u32>("B"), None);
    }
}
