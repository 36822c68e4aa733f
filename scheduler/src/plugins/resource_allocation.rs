//! What NodeResourcesFit's scoring strategies and NodeResourcesBalancedAllocation share
//! (upstream's `noderesources/resource_allocation.go`): the configured resources with their
//! weights, the pod's request for each, and each node's allocatable and requested amounts.

use serde::Deserialize;

use crate::framework::resources::is_scalar_resource;
use crate::framework::{NodeInfo, PodInfo, Resources};

/// A resource and its weight in a score (`ResourceSpec` of the v1 plugin args).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceSpec {
    /// The resource name (`cpu`, `memory`, `example.com/gpu`).
    pub name: String,
    /// Its weight; 0 (or absent) defaults to 1, as v1 defaulting does.
    #[serde(default)]
    pub weight: i64,
}

/// The default resources: CPU and memory, weight 1 each.
pub fn default_resources() -> Vec<ResourceSpec> {
    ["cpu", "memory"]
        .into_iter()
        .map(|name| ResourceSpec {
            name: name.to_owned(),
            weight: 1,
        })
        .collect()
}

/// v1 defaulting of a `resources` list: empty means the defaults, weight 0 means 1.
pub fn defaulted(resources: Option<Vec<ResourceSpec>>) -> Vec<ResourceSpec> {
    let mut resources = resources.unwrap_or_default();
    if resources.is_empty() {
        return default_resources();
    }
    for r in &mut resources {
        if r.weight == 0 {
            r.weight = 1;
        }
    }
    resources
}

/// Scores resources on a node's requested and allocatable amounts.
#[derive(Debug, Clone)]
pub struct ResourceAllocation {
    /// The resources that count, with their weights.
    pub resources: Vec<ResourceSpec>,
    /// Whether to use plain requests (BalancedAllocation) rather than requests with the
    /// non-zero defaults for CPU and memory (Fit's strategies).
    pub use_requested: bool,
}

impl ResourceAllocation {
    /// The pod's request of each configured resource, in order (upstream's
    /// `calculatePodResourceRequestList`).
    pub fn pod_requests(&self, pod: &PodInfo) -> Vec<i64> {
        let requests = if self.use_requested {
            &pod.requests
        } else {
            &pod.non_zero_requests
        };
        self.resources
            .iter()
            .map(|r| requests.get(&r.name))
            .collect()
    }

    /// The node's allocatable amount of `name` and what is requested there with the pod
    /// (upstream's `calculateResourceAllocatableRequest`); `(0, 0)` when the resource does not
    /// count on this node: a scalar resource the pod does not request, or one the node lacks.
    fn allocatable_and_requested(
        &self,
        node: &NodeInfo,
        name: &str,
        pod_request: i64,
    ) -> (i64, i64) {
        let requested: &Resources = if self.use_requested {
            &node.requested
        } else {
            &node.non_zero_requested
        };
        if pod_request == 0 && is_scalar_resource(name) {
            return (0, 0);
        }
        let alloc = &node.allocatable;
        match name {
            "cpu" => (
                alloc.milli_cpu,
                requested.milli_cpu.saturating_add(pod_request),
            ),
            "memory" => (alloc.memory, requested.memory.saturating_add(pod_request)),
            "ephemeral-storage" => (
                alloc.ephemeral_storage,
                node.requested.ephemeral_storage.saturating_add(pod_request),
            ),
            other => match alloc.scalar.get(other) {
                Some(a) => (*a, node.requested.get(other).saturating_add(pod_request)),
                None => (0, 0),
            },
        }
    }

    /// The `(requested, allocatable)` vectors a scorer sees for `node`; entries of resources
    /// that do not count are left at zero (upstream's `resourceAllocationScorer.score`).
    pub fn vectors(&self, node: &NodeInfo, pod_requests: &[i64]) -> (Amounts, Amounts) {
        let mut requested = Amounts::zeros(self.resources.len());
        let mut allocatable = Amounts::zeros(self.resources.len());
        for (i, r) in self.resources.iter().enumerate() {
            let pod_request = pod_requests.get(i).copied().unwrap_or(0);
            let (a, req) = self.allocatable_and_requested(node, &r.name, pod_request);
            if a == 0 {
                continue;
            }
            allocatable[i] = a;
            requested[i] = req;
        }
        (requested, allocatable)
    }
}

/// Amounts per scored resource. Scoring runs per node and plugin thousands of times a second,
/// so the usual few resources stay on the stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Amounts {
    /// Up to [`Amounts::INLINE`] resources.
    Inline([i64; Amounts::INLINE], usize),
    /// More resources than that.
    Heap(Vec<i64>),
}

impl Amounts {
    /// The most resources kept inline.
    pub const INLINE: usize = 4;

    /// `len` zeros.
    pub fn zeros(len: usize) -> Self {
        if len <= Self::INLINE {
            Self::Inline([0; Self::INLINE], len)
        } else {
            Self::Heap(vec![0; len])
        }
    }
}

impl std::ops::Deref for Amounts {
    type Target = [i64];
    fn deref(&self) -> &[i64] {
        match self {
            Self::Inline(values, len) => &values[..*len],
            Self::Heap(values) => values,
        }
    }
}

impl std::ops::DerefMut for Amounts {
    fn deref_mut(&mut self) -> &mut [i64] {
        match self {
            Self::Inline(values, len) => &mut values[..*len],
            Self::Heap(values) => values,
        }
    }
}

/// `a * b / c` without overflow (`c` must not be zero), saturated into `i64`.
pub fn mul_div(a: i64, b: i64, c: i64) -> i64 {
    let v = i128::from(a) * i128::from(b) / i128::from(c);
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::plugins::test_util::{node_with_allocatable, pod, with_pods};

    #[test]
    fn scalar_resources_count_only_when_requested_and_offered() {
        let scorer = ResourceAllocation {
            resources: vec![
                ResourceSpec {
                    name: "cpu".into(),
                    weight: 1,
                },
                ResourceSpec {
                    name: "example.com/gpu".into(),
                    weight: 1,
                },
                ResourceSpec {
                    name: "example.com/fpga".into(),
                    weight: 1,
                },
            ],
            use_requested: false,
        };
        let p = pod(json!({"containers": [{"name": "c", "image": "i",
            "resources": {"requests": {"example.com/gpu": "1", "example.com/fpga": "1"}}}]}));
        let requests = scorer.pod_requests(&p);
        // No CPU request: the scoring default of 100m counts.
        assert_eq!(requests, [100, 1, 1]);
        let n = with_pods(
            node_with_allocatable("n", json!({"cpu": "1", "example.com/gpu": "4"})),
            [pod(json!({"containers": [{"name": "c", "image": "i",
                "resources": {"requests": {"cpu": "200m", "example.com/gpu": "2"}}}]}))],
        );
        assert_eq!(
            {
                let (r, a) = scorer.vectors(&n, &requests);
                (r.to_vec(), a.to_vec())
            },
            (vec![300, 3, 0], vec![1000, 4, 0])
        );
        assert_eq!(
            {
                let (r, a) = scorer.vectors(&n, &[100, 0, 0]);
                (r.to_vec(), a.to_vec())
            },
            (vec![300, 0, 0], vec![1000, 0, 0])
        );
    }

    #[test]
    fn amounts_spill_to_the_heap_past_the_inline_size() {
        let mut small = Amounts::zeros(2);
        small[1] = 7;
        assert_eq!(&*small, &[0, 7]);
        let mut big = Amounts::zeros(Amounts::INLINE + 1);
        big[Amounts::INLINE] = 3;
        assert!(matches!(big, Amounts::Heap(_)));
        assert_eq!(big.len(), Amounts::INLINE + 1);
    }

    #[test]
    fn defaulting() {
        assert_eq!(defaulted(None), default_resources());
        assert_eq!(
            defaulted(Some(vec![ResourceSpec {
                name: "cpu".into(),
                weight: 0
            }])),
            vec![ResourceSpec {
                name: "cpu".into(),
                weight: 1
            }]
        );
        assert_eq!(mul_div(i64::MAX, 100, 100), i64::MAX);
    }
}
