//! ImageLocality: prefers nodes that already have the pod's images, weighted by how widely
//! each image has spread (so one node does not attract every pod of an image), as upstream's
//! `plugins/imagelocality`.

use crate::framework::{
    CycleState, IMAGE_SPREAD_KEY, ImageSpread, MAX_NODE_SCORE, NodeInfo, Plugin, PodInfo,
    ScorePlugin, Status,
};

/// The plugin's name.
pub const NAME: &str = "ImageLocality";

const MB: i64 = 1024 * 1024;
/// Sums below this score 0.
const MIN_THRESHOLD: i64 = 23 * MB;
/// Per container, sums above this score the maximum.
const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// The plugin.
pub struct ImageLocality;

impl Plugin for ImageLocality {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [crate::framework::ClusterEvent] {
        &[]
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

/// `calculatePriority`: the sum clamped into `[23 MiB, 1000 MiB × containers]`, scaled to
/// `0..=100`.
fn priority(sum: i64, containers: usize) -> i64 {
    let max = MAX_CONTAINER_THRESHOLD.saturating_mul(i64::try_from(containers.max(1)).unwrap_or(1));
    let sum = sum.clamp(MIN_THRESHOLD, max);
    MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max - MIN_THRESHOLD)
}

impl ScorePlugin for ImageLocality {
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let default = ImageSpread::default();
        let spread = state
            .read::<ImageSpread>(IMAGE_SPREAD_KEY)
            .unwrap_or(&default);
        let mut sum: i64 = 0;
        for name in pod.images.iter().flatten() {
            if let Some(size) = node.images.get(name) {
                let with = spread.nodes_with.get(name).copied().unwrap_or(1);
                let share = with as f64 / spread.total_nodes.max(1) as f64;
                sum = sum.saturating_add((*size as f64 * share) as i64);
            }
        }
        let count = pod.images.len();
        Ok(priority(sum, count))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use serde_json::json;

    use super::*;

    fn node(images: serde_json::Value) -> NodeInfo {
        NodeInfo::new(Arc::new(
            serde_json::from_value(json!({"metadata": {"name": "n"},
                "status": {"images": images}}))
            .unwrap(),
        ))
    }

    fn pod(images: &[&str]) -> PodInfo {
        let containers: Vec<_> = images
            .iter()
            .enumerate()
            .map(|(i, image)| json!({"name": format!("c{i}"), "image": image}))
            .collect();
        PodInfo::new(Arc::new(
            serde_json::from_value(json!({"metadata": {"name": "p"},
                "spec": {"containers": containers}}))
            .unwrap(),
        ))
    }

    fn state(counts: &[(&str, usize)], total: usize) -> CycleState {
        let mut state = CycleState::default();
        let nodes_with: HashMap<String, usize> =
            counts.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
        state.write(
            IMAGE_SPREAD_KEY,
            ImageSpread {
                nodes_with: Arc::new(nodes_with),
                total_nodes: total,
            },
        );
        state
    }

    #[test]
    fn scores_follow_upstream() {
        // Upstream's cases: a 40 MB and a 300 MB image on the node, a 2 GB one elsewhere.
        let n = node(json!([
            {"names": ["gcr.io/40:latest", "gcr.io/40:v1"], "sizeBytes": 40 * MB},
            {"names": ["gcr.io/300:latest", "gcr.io/300:v1"], "sizeBytes": 300 * MB},
        ]));
        let s = state(&[("gcr.io/40:latest", 1), ("gcr.io/300:latest", 1)], 1);
        let score = |images: &[&str]| ImageLocality.score(&s, &pod(images), &n).unwrap();
        // One container with the 40 MB image: (40-23)/(1000-23) of 100.
        assert_eq!(score(&["gcr.io/40"]), 1);
        // Two containers, 40 + 300 MB: (340-23)/(2000-23).
        assert_eq!(score(&["gcr.io/40", "gcr.io/300"]), 16);
        // An image not on the node scores nothing.
        assert_eq!(score(&["gcr.io/2000"]), 0);
        // A tagged name other than the one on the node does not match.
        assert_eq!(score(&["gcr.io/40:v2"]), 0);
    }

    #[test]
    fn an_image_on_few_nodes_counts_less() {
        let n = node(json!([{"names": ["big:latest"], "sizeBytes": 1000 * MB}]));
        let everywhere = state(&[("big:latest", 10)], 10);
        let rare = state(&[("big:latest", 1)], 10);
        let p = pod(&["big"]);
        assert_eq!(ImageLocality.score(&everywhere, &p, &n).unwrap(), 100);
        assert_eq!(ImageLocality.score(&rare, &p, &n).unwrap(), 7);
    }
}
