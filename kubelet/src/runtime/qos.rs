//! QoS class and container resources (upstream `GetPodQOS`, `calculateLinuxResources`,
//! `GetContainerOOMScoreAdjust`): CPU shares and CFS quota from requests and limits, the memory
//! limit, and the OOM score by QoS class.

use std::collections::BTreeMap;

use common::quantity::Quantity;
use k8s_openapi::api::core::v1::{Container, Pod};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as QuantityString;

use crate::cri::v1;

const MIN_SHARES: i64 = 2;
const MAX_SHARES: i64 = 262_144;
const SHARES_PER_CPU: i64 = 1024;
const MILLI_CPU_TO_CPU: i64 = 1000;
const QUOTA_PERIOD: i64 = 100_000;
const MIN_QUOTA_PERIOD: i64 = 1000;
const GUARANTEED_OOM_SCORE_ADJ: i64 = -997;
const BEST_EFFORT_OOM_SCORE_ADJ: i64 = 1000;
/// `SystemCriticalPriority`: pods at or above it are treated as Guaranteed for OOM.
const SYSTEM_CRITICAL_PRIORITY: i32 = 2_000_000_000;

fn parse(q: &QuantityString) -> Option<Quantity> {
    Quantity::parse(&q.0)
}

fn positive(list: Option<&BTreeMap<String, QuantityString>>, name: &str) -> Option<Quantity> {
    list?
        .get(name)
        .and_then(parse)
        .filter(Quantity::is_positive)
}

/// The pod's QoS class: the one in its status when set (it is immutable), else computed
/// from the cpu and memory requests and limits of all its containers.
pub fn qos_class(pod: &Pod) -> &'static str {
    match pod.status.as_ref().and_then(|s| s.qos_class.as_deref()) {
        Some("Guaranteed") => return "Guaranteed",
        Some("Burstable") => return "Burstable",
        Some("BestEffort") => return "BestEffort",
        _ => {}
    }
    compute_qos_class(pod)
}

pub fn compute_qos_class(pod: &Pod) -> &'static str {
    let Some(spec) = pod.spec.as_ref() else {
        return "BestEffort";
    };
    let mut requests: BTreeMap<&str, Quantity> = BTreeMap::new();
    let mut limits: BTreeMap<&str, Quantity> = BTreeMap::new();
    let mut guaranteed = true;
    for container in spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
    {
        let resources = container.resources.as_ref();
        let mut limits_found = 0;
        for name in ["cpu", "memory"] {
            if let Some(q) = positive(resources.and_then(|r| r.requests.as_ref()), name) {
                let sum = requests.get(name).map_or(q, |prev| prev.add(&q));
                requests.insert(name, sum);
            }
            if let Some(q) = positive(resources.and_then(|r| r.limits.as_ref()), name) {
                limits_found += 1;
                let sum = limits.get(name).map_or(q, |prev| prev.add(&q));
                limits.insert(name, sum);
            }
        }
        if limits_found < 2 {
            guaranteed = false;
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    if guaranteed {
        guaranteed = requests.iter().all(|(name, req)| {
            limits
                .get(name)
                .is_some_and(|lim| lim.compare(req) == std::cmp::Ordering::Equal)
        });
    }
    if guaranteed && requests.len() == limits.len() {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn milli_cpu_to_shares(milli: i64) -> i64 {
    if milli == 0 {
        return MIN_SHARES;
    }
    (milli * SHARES_PER_CPU / MILLI_CPU_TO_CPU).clamp(MIN_SHARES, MAX_SHARES)
}

fn milli_cpu_to_quota(milli: i64, period: i64) -> i64 {
    if milli == 0 {
        return 0;
    }
    (milli * period / MILLI_CPU_TO_CPU).max(MIN_QUOTA_PERIOD)
}

fn as_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// CPU shares, CFS quota and period, and the memory limit of one container.
pub fn linux_resources(container: &Container) -> v1::LinuxContainerResources {
    let resources = container.resources.as_ref();
    let requests = resources.and_then(|r| r.requests.as_ref());
    let limits = resources.and_then(|r| r.limits.as_ref());
    let cpu_request = positive(requests, "cpu").map_or(0, |q| as_i64(q.milli_value()));
    let cpu_limit = positive(limits, "cpu").map_or(0, |q| as_i64(q.milli_value()));
    let memory_limit = positive(limits, "memory").map_or(0, |q| as_i64(q.value()));
    let mut out = v1::LinuxContainerResources {
        cpu_shares: if cpu_request == 0 && cpu_limit != 0 {
            milli_cpu_to_shares(cpu_limit)
        } else {
            milli_cpu_to_shares(cpu_request)
        },
        memory_limit_in_bytes: memory_limit,
        ..Default::default()
    };
    if cpu_limit != 0 {
        out.cpu_period = QUOTA_PERIOD;
        out.cpu_quota = milli_cpu_to_quota(cpu_limit, QUOTA_PERIOD);
    }
    out
}

/// The container's `oom_score_adj`: -997 for Guaranteed and critical pods, 1000 for
/// BestEffort, and for Burstable `1000 - 1000*memoryRequest/capacity` kept within [3, 999].
pub fn oom_score_adj(pod: &Pod, container: &Container, memory_capacity: i64) -> i64 {
    let priority = pod.spec.as_ref().and_then(|s| s.priority).unwrap_or(0);
    if priority >= SYSTEM_CRITICAL_PRIORITY {
        return GUARANTEED_OOM_SCORE_ADJ;
    }
    match qos_class(pod) {
        "Guaranteed" => return GUARANTEED_OOM_SCORE_ADJ,
        "BestEffort" => return BEST_EFFORT_OOM_SCORE_ADJ,
        _ => {}
    }
    let request = positive(
        container
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref()),
        "memory",
    )
    .map_or(0, |q| as_i64(q.value()));
    let capacity = memory_capacity.max(1);
    let adj = 1000 - (1000i128 * i128::from(request) / i128::from(capacity)) as i64;
    if adj < 1000 + GUARANTEED_OOM_SCORE_ADJ {
        1000 + GUARANTEED_OOM_SCORE_ADJ
    } else if adj == BEST_EFFORT_OOM_SCORE_ADJ {
        adj - 1
    } else {
        adj
    }
}

/// The node's memory (`MemTotal` of `/proc/meminfo`), in bytes.
pub fn node_memory_capacity() -> i64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<i64>().ok())
        })
        .map_or(i64::MAX, |kb| kb.saturating_mul(1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(containers: serde_json::Value) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p"},
            "spec": {"containers": containers},
        }))
        .unwrap()
    }

    #[test]
    fn qos_classes() {
        assert_eq!(
            qos_class(&pod(serde_json::json!([{"name": "a"}]))),
            "BestEffort"
        );
        let g = serde_json::json!([{"name": "a", "resources": {
            "requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1000m", "memory": "1Gi"}}}]);
        assert_eq!(qos_class(&pod(g)), "Guaranteed");
        let b = serde_json::json!([{"name": "a", "resources": {"requests": {"cpu": "100m"}}}]);
        assert_eq!(qos_class(&pod(b)), "Burstable");
    }

    #[test]
    fn resources() {
        let p = pod(serde_json::json!([{"name": "a", "resources": {
            "requests": {"cpu": "250m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "128Mi"}}}]));
        let c = &p.spec.as_ref().unwrap().containers[0];
        let r = linux_resources(c);
        assert_eq!(r.cpu_shares, 256);
        assert_eq!(r.cpu_quota, 50_000);
        assert_eq!(r.cpu_period, 100_000);
        assert_eq!(r.memory_limit_in_bytes, 128 * 1024 * 1024);
        // 1000 - 1000*64Mi/1Gi = 938
        assert_eq!(oom_score_adj(&p, c, 1024 * 1024 * 1024), 938);
        let none = pod(serde_json::json!([{"name": "a"}]));
        let c = &none.spec.as_ref().unwrap().containers[0];
        assert_eq!(linux_resources(c).cpu_shares, 2);
        assert_eq!(oom_score_adj(&none, c, 1 << 30), 1000);
    }
}
