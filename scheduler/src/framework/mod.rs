//! The scheduling framework: the plugin interfaces ([`plugin`]), what plugins see of nodes and
//! pods ([`node_info`], [`resources`]), their verdicts ([`status`]), one profile's plugins
//! run in order at each extension point ([`runtime`]), and the pods Permit holds
//! ([`waiting_pods`]).

pub mod node_info;
pub mod plugin;
pub mod resources;
pub mod runtime;
pub mod status;
pub mod waiting_pods;

use std::sync::Arc;

pub use node_info::{HostPort, IMAGE_SPREAD_KEY, ImageSpread, NodeInfo, PodInfo, pod_key};
pub use plugin::{
    BindContext, BindPlugin, ClusterEvent, CycleState, FilterPlugin, MAX_NODE_SCORE, NodeScore,
    PermitPlugin, Plugin, PostBindPlugin, PreBindPlugin, PreEnqueuePlugin, PreFilterPlugin,
    PreScorePlugin, ReservePlugin, ScorePlugin, default_normalize_score,
};
pub use resources::Resources;
pub use runtime::Framework;
pub use status::{Code, Status};
pub use waiting_pods::WaitingPods;

/// What plugins are built with besides their args (upstream's `framework.Handle`): the
/// scheduler's shared volume cache and waiting pods. One per scheduler, shared by its
/// profiles.
#[derive(Clone, Default)]
pub struct Handle {
    /// PersistentVolumes, claims and StorageClasses from the watches.
    pub volumes: Arc<crate::cache::volumes::VolumeCache>,
    /// Pods a Permit plugin holds.
    pub waiting_pods: Arc<WaitingPods>,
}
