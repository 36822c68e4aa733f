//! The scheduling framework: the plugin interfaces ([`plugin`]), what plugins see of nodes and
//! pods ([`node_info`], [`resources`]), their verdicts ([`status`]), and one profile's plugins
//! run in order at each extension point ([`runtime`]).

pub mod node_info;
pub mod plugin;
pub mod resources;
pub mod runtime;
pub mod status;

pub use node_info::{HostPort, IMAGE_SPREAD_KEY, ImageSpread, NodeInfo, PodInfo, pod_key};
pub use plugin::{
    ClusterEvent, CycleState, FilterPlugin, MAX_NODE_SCORE, NodeScore, Plugin, PreEnqueuePlugin,
    PreFilterPlugin, PreScorePlugin, ScorePlugin, default_normalize_score,
};
pub use resources::Resources;
pub use runtime::Framework;
pub use status::{Code, Status};
