//! NodeResourcesBalancedAllocation: favors nodes whose resources would be used evenly with the
//! pod, scoring `(1 - std) * MaxNodeScore` where `std` is the standard deviation of the
//! requested fractions (capped at 1) of the configured resources (upstream's
//! `noderesources/balanced_allocation.go`). Best-effort pods (no requests) skip it.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::Error;
use super::resource_allocation::{ResourceAllocation, ResourceSpec, defaulted};
use crate::framework::{
    ClusterEvent, CycleState, MAX_NODE_SCORE, NodeInfo, Plugin, PodInfo, PreScorePlugin,
    ScorePlugin, Status,
};

/// The plugin's name.
pub const NAME: &str = "NodeResourcesBalancedAllocation";
const PRE_SCORE_STATE_KEY: &str = "PreScoreNodeResourcesBalancedAllocation";

/// `NodeResourcesBalancedAllocationArgs` (kubescheduler.config.k8s.io/v1).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Args {
    #[serde(default)]
    resources: Option<Vec<ResourceSpec>>,
}

/// The plugin.
#[derive(Debug)]
pub struct NodeResourcesBalancedAllocation {
    scorer: ResourceAllocation,
}

impl NodeResourcesBalancedAllocation {
    /// The plugin configured with `args`, defaulted (CPU and memory) and validated (weights
    /// must be 1, names unique) as upstream does.
    pub fn new(args: Option<&serde_json::Value>) -> Result<Self, Error> {
        let args: Args = super::parse_args(NAME, args)?;
        let resources = defaulted(args.resources);
        let mut errors = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, r) in resources.iter().enumerate() {
            if !seen.insert(r.name.as_str()) {
                errors.push(format!(
                    "resources[{i}].name: Duplicate value: {:?}",
                    r.name
                ));
            }
            if r.weight != 1 {
                errors.push(format!(
                    "resources[{i}].weight: Invalid value: {}: must be 1",
                    r.weight
                ));
            }
        }
        if !errors.is_empty() {
            return Err(Error::InvalidArgs {
                plugin: NAME.to_owned(),
                message: errors.join(", "),
            });
        }
        Ok(Self {
            scorer: ResourceAllocation {
                resources,
                use_requested: true,
            },
        })
    }
}

/// Upstream's `balancedResourceScorer`.
pub fn balanced_resource_score(requested: &[i64], allocatable: &[i64]) -> i64 {
    // Computed without collecting the fractions: this runs per node in every cycle.
    let fractions = || {
        requested
            .iter()
            .zip(allocatable)
            .filter(|(_, a)| **a != 0)
            .map(|(r, a)| (*r as f64 / *a as f64).min(1.0))
    };
    let n = fractions().count();
    let std = match n {
        2 => {
            let mut two = fractions();
            let (a, b) = (two.next().unwrap_or(0.0), two.next().unwrap_or(0.0));
            ((a - b) / 2.0).abs()
        }
        n if n > 2 => {
            let n = n as f64;
            let mean = fractions().sum::<f64>() / n;
            (fractions().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt()
        }
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

/// What PreScore keeps for Score.
struct PreScoreState {
    pod_requests: Vec<i64>,
}

impl Plugin for NodeResourcesBalancedAllocation {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [ClusterEvent] {
        // Score only: it never rejects a pod.
        &[]
    }
    fn as_pre_score(&self) -> Option<&dyn PreScorePlugin> {
        Some(self)
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

impl PreScorePlugin for NodeResourcesBalancedAllocation {
    fn pre_score(&self, state: &mut CycleState, pod: &PodInfo, _nodes: &[&NodeInfo]) -> Status {
        let pod_requests = self.scorer.pod_requests(pod);
        // Scoring best-effort pods by balance would pile them onto one node
        // (kubernetes#129138).
        if pod_requests.iter().all(|r| *r == 0) {
            return Status::skip();
        }
        state.write(PRE_SCORE_STATE_KEY, PreScoreState { pod_requests });
        Status::success()
    }
}

impl ScorePlugin for NodeResourcesBalancedAllocation {
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let computed;
        let pod_requests = match state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) {
            Some(s) => &s.pod_requests,
            None => {
                computed = self.scorer.pod_requests(pod);
                if computed.iter().all(|r| *r == 0) {
                    return Ok(0);
                }
                &computed
            }
        };
        let (requested, allocatable) = self.scorer.vectors(node, pod_requests);
        Ok(balanced_resource_score(&requested, &allocatable))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::framework::Code;
    use crate::plugins::test_util::{
        containers, node_with_allocatable, pod, run_score, score_with_state, with_pods,
    };

    /// Upstream's `makeNode`: CPU in millicores, memory in bytes, extended resources.
    fn make_node(name: &str, milli_cpu: i64, memory: i64, extended: &[(&str, i64)]) -> NodeInfo {
        let mut r =
            json!({"cpu": format!("{milli_cpu}m"), "memory": memory.to_string(), "pods": "100"});
        for (k, v) in extended {
            r[*k] = json!(v.to_string());
        }
        node_with_allocatable(name, r)
    }

    fn spec(requests: &[Value]) -> Value {
        json!({"containers": containers(requests)})
    }

    #[test]
    fn upstream_cases() {
        let cpu_and_memory = spec(&[
            json!({"cpu": "1000m", "memory": "2000"}),
            json!({"cpu": "2000m", "memory": "3000"}),
        ]);
        let cpu_only = spec(&[
            json!({"cpu": "1000m", "memory": "0"}),
            json!({"cpu": "2000m", "memory": "0"}),
        ]);
        let cpu_memory_gpu = spec(&[
            json!({"cpu": "1000m", "memory": "2000"}),
            json!({"cpu": "2000m", "memory": "3000", "nvidia.com/gpu": "3"}),
        ]);
        let plugin = NodeResourcesBalancedAllocation::new(None).unwrap();
        let with_gpu = NodeResourcesBalancedAllocation::new(Some(&json!({"resources": [
            {"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": "nvidia.com/gpu", "weight": 1}]})))
        .unwrap();

        // Best-effort pod: skipped at PreScore; without PreScore it scores 0.
        let best_effort = pod(json!({"containers": []}));
        let nodes = [
            make_node("node1", 4000, 10000, &[]),
            make_node("node2", 4000, 10000, &[]),
        ];
        assert_eq!(run_score(&plugin, &best_effort, &nodes), Err(Code::Skip));
        assert_eq!(
            score_with_state(&plugin, &CycleState::default(), &best_effort, &nodes),
            Ok(vec![0, 0])
        );

        let nodes = [
            make_node("node1", 4000, 10000, &[]),
            make_node("node2", 6000, 10000, &[]),
        ];
        assert_eq!(
            run_score(&plugin, &pod(cpu_and_memory.clone()), &nodes),
            Ok(vec![87, 100])
        );

        // node1 runs cpuOnly, node2 cpuAndMemory.
        let loaded = |n1: (i64, i64), n2: (i64, i64)| {
            [
                with_pods(make_node("node1", n1.0, n1.1, &[]), [pod(cpu_only.clone())]),
                with_pods(
                    make_node("node2", n2.0, n2.1, &[]),
                    [pod(cpu_and_memory.clone())],
                ),
            ]
        };
        let p = pod(cpu_and_memory.clone());
        assert_eq!(
            run_score(&plugin, &p, &loaded((10000, 20000), (10000, 20000))),
            Ok(vec![82, 95])
        );
        assert_eq!(
            run_score(&plugin, &p, &loaded((10000, 20000), (10000, 50000))),
            Ok(vec![82, 80])
        );
        assert_eq!(
            run_score(
                &plugin,
                &pod(cpu_only.clone()),
                &loaded((6000, 10000), (6000, 10000))
            ),
            Ok(vec![50, 75])
        );
        // Same result when PreScore did not run.
        let n = loaded((10000, 20000), (10000, 20000));
        assert_eq!(
            score_with_state(&plugin, &CycleState::default(), &p, &n),
            Ok(vec![82, 95])
        );

        // A scalar resource counts where the node has it and the pod asks for it.
        let gpu_pod = pod(spec(&[json!({"memory": "0", "nvidia.com/gpu": "1"})]));
        let nodes = [
            with_pods(
                make_node("node1", 3500, 40000, &[("nvidia.com/gpu", 8)]),
                [pod(cpu_memory_gpu)],
            ),
            with_pods(
                make_node("node2", 3500, 40000, &[("nvidia.com/gpu", 8)]),
                [pod(cpu_and_memory.clone())],
            ),
        ];
        assert_eq!(run_score(&with_gpu, &gpu_pod, &nodes), Ok(vec![70, 65]));
        // ... and not when the pod does not ask for it.
        let nodes = [
            make_node("node1", 3500, 40000, &[("nvidia.com/gpu", 8)]),
            make_node("node2", 3500, 40000, &[]),
        ];
        assert_eq!(
            run_score(&with_gpu, &pod(cpu_and_memory), &nodes),
            Ok(vec![63, 63])
        );
    }

    #[test]
    fn fractions_are_capped_at_one() {
        assert_eq!(balanced_resource_score(&[200, 50], &[100, 100]), 75);
        assert_eq!(balanced_resource_score(&[50], &[100]), 100);
        assert_eq!(balanced_resource_score(&[0, 0], &[0, 0]), 100);
    }

    #[test]
    fn args() {
        let bad_weight = json!({"resources": [{"name": "cpu", "weight": 2}]});
        assert!(NodeResourcesBalancedAllocation::new(Some(&bad_weight)).is_err());
        let dup = json!({"resources": [{"name": "cpu"}, {"name": "cpu"}]});
        assert!(NodeResourcesBalancedAllocation::new(Some(&dup)).is_err());
        let ok = json!({"resources": [{"name": "cpu"}]});
        assert!(NodeResourcesBalancedAllocation::new(Some(&ok)).is_ok());
    }
}
