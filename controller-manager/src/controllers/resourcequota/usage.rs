//! What objects use of a quota (upstream's `pkg/quota/v1/evaluator/core`): pods (count,
//! requests and limits, with init containers, sidecars and overhead as
//! `resourcehelper.PodRequests`), services (count, load balancers, node ports), persistent
//! volume claims (count and storage, also per storage class), and object counts; plus the
//! pod scopes (Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass).

use std::collections::BTreeMap;

use common::quantity::Quantity;
use k8s_openapi::api::core::v1::{
    Container, PersistentVolumeClaim, Pod, ResourceQuotaSpec, ScopedResourceSelectorRequirement,
    Service,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as QuantityString;

/// Usage by resource name.
pub type Usage = BTreeMap<String, Quantity>;

/// Adds `amount` to `usage[name]`.
pub fn add(usage: &mut Usage, name: &str, amount: Quantity) {
    match usage.get_mut(name) {
        Some(existing) => *existing = existing.add(&amount),
        None => {
            usage.insert(name.to_owned(), amount);
        }
    }
}

/// Adds every entry of `other` to `usage`.
pub fn add_all(usage: &mut Usage, other: &Usage) {
    for (name, amount) in other {
        add(usage, name, *amount);
    }
}

fn list(map: Option<&BTreeMap<String, QuantityString>>) -> Usage {
    map.into_iter()
        .flatten()
        .filter_map(|(name, q)| Quantity::parse(&q.0).map(|q| (name.clone(), q)))
        .collect()
}

fn max_into(target: &mut Usage, other: &Usage) {
    for (name, amount) in other {
        match target.get_mut(name) {
            Some(existing) => *existing = existing.max(*amount),
            None => {
                target.insert(name.clone(), *amount);
            }
        }
    }
}

/// The pod's requests or limits (`limits = true`): containers and sidecars add up, each
/// regular init container runs with the sidecars started before it, the largest step wins,
/// and the overhead is added.
pub fn pod_resources(pod: &Pod, limits: bool) -> Usage {
    let Some(spec) = pod.spec.as_ref() else {
        return Usage::new();
    };
    let of = |c: &Container| {
        let resources = c.resources.as_ref();
        list(if limits {
            resources.and_then(|r| r.limits.as_ref())
        } else {
            resources.and_then(|r| r.requests.as_ref())
        })
    };
    let mut total = Usage::new();
    for container in &spec.containers {
        add_all(&mut total, &of(container));
    }
    let mut sidecars = Usage::new();
    let mut init_peak = Usage::new();
    for container in spec.init_containers.iter().flatten() {
        let own = of(container);
        if container.restart_policy.as_deref() == Some("Always") {
            add_all(&mut total, &own);
            add_all(&mut sidecars, &own);
            max_into(&mut init_peak, &sidecars);
        } else {
            let mut step = own;
            add_all(&mut step, &sidecars);
            max_into(&mut init_peak, &step);
        }
    }
    max_into(&mut total, &init_peak);
    add_all(&mut total, &list(spec.overhead.as_ref()));
    total
}

/// Whether the pod uses quota: not finished (upstream's `QuotaV1Pod`).
pub fn pod_counts(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    !matches!(phase, Some("Succeeded" | "Failed"))
}

/// A pod's usage: `pods`, `count/pods`, `requests.*` (and the bare cpu/memory/
/// ephemeral-storage names) and `limits.*`.
pub fn pod_usage(pod: &Pod) -> Usage {
    let mut usage = Usage::new();
    if !pod_counts(pod) {
        return usage;
    }
    usage.insert("pods".into(), Quantity::from_count(1));
    usage.insert("count/pods".into(), Quantity::from_count(1));
    for (name, amount) in pod_resources(pod, false) {
        if matches!(name.as_str(), "cpu" | "memory" | "ephemeral-storage") {
            usage.insert(name.clone(), amount);
        }
        usage.insert(format!("requests.{name}"), amount);
    }
    for (name, amount) in pod_resources(pod, true) {
        usage.insert(format!("limits.{name}"), amount);
    }
    usage
}

fn is_best_effort(pod: &Pod) -> bool {
    let requests = pod_resources(pod, false);
    let limits = pod_resources(pod, true);
    let compute = |u: &Usage| u.keys().any(|k| matches!(k.as_str(), "cpu" | "memory"));
    !compute(&requests) && !compute(&limits)
}

fn is_terminating(pod: &Pod) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.active_deadline_seconds)
        .is_some_and(|d| d >= 0)
}

fn matches_selector(pod: &Pod, requirement: &ScopedResourceSelectorRequirement) -> bool {
    let values = requirement.values.as_deref().unwrap_or_default();
    let scope = requirement.scope_name.as_str();
    if scope == "PriorityClass" {
        let class = pod
            .spec
            .as_ref()
            .and_then(|s| s.priority_class_name.as_deref());
        return match requirement.operator.as_str() {
            "In" => class.is_some_and(|c| values.iter().any(|v| v == c)),
            "NotIn" => class.is_none_or(|c| !values.iter().any(|v| v == c)),
            "Exists" => class.is_some(),
            "DoesNotExist" => class.is_none(),
            _ => false,
        };
    }
    let applies = matches_scope(pod, scope);
    match requirement.operator.as_str() {
        "Exists" | "In" => applies,
        "DoesNotExist" | "NotIn" => !applies,
        _ => false,
    }
}

fn matches_scope(pod: &Pod, scope: &str) -> bool {
    match scope {
        "Terminating" => is_terminating(pod),
        "NotTerminating" => !is_terminating(pod),
        "BestEffort" => is_best_effort(pod),
        "NotBestEffort" => !is_best_effort(pod),
        "CrossNamespacePodAffinity" => false,
        _ => false,
    }
}

/// Whether the quota's scopes and scope selector select the pod.
pub fn quota_selects_pod(spec: &ResourceQuotaSpec, pod: &Pod) -> bool {
    let scopes_ok = spec
        .scopes
        .iter()
        .flatten()
        .all(|scope| matches_scope(pod, scope));
    let selector_ok = spec
        .scope_selector
        .as_ref()
        .and_then(|s| s.match_expressions.as_ref())
        .into_iter()
        .flatten()
        .all(|r| matches_selector(pod, r));
    scopes_ok && selector_ok
}

/// Whether the quota is scoped, so that only pods count toward it.
pub fn is_scoped(spec: &ResourceQuotaSpec) -> bool {
    spec.scopes.as_ref().is_some_and(|s| !s.is_empty())
        || spec
            .scope_selector
            .as_ref()
            .and_then(|s| s.match_expressions.as_ref())
            .is_some_and(|e| !e.is_empty())
}

/// A service's usage: `services`, `count/services`, `services.loadbalancers`,
/// `services.nodeports` (node ports of NodePort and LoadBalancer services).
pub fn service_usage(service: &Service) -> Usage {
    let mut usage = Usage::new();
    usage.insert("services".into(), Quantity::from_count(1));
    usage.insert("count/services".into(), Quantity::from_count(1));
    let spec = service.spec.as_ref();
    let kind = spec.and_then(|s| s.type_.as_deref()).unwrap_or("ClusterIP");
    let ports = spec.and_then(|s| s.ports.as_ref()).map_or(0, Vec::len);
    let ports = i64::try_from(ports).unwrap_or(i64::MAX);
    let (load_balancers, node_ports) = match kind {
        "LoadBalancer" => {
            let allocate = spec
                .and_then(|s| s.allocate_load_balancer_node_ports)
                .unwrap_or(true);
            (1, if allocate { ports } else { 0 })
        }
        "NodePort" => (0, ports),
        _ => (0, 0),
    };
    usage.insert(
        "services.loadbalancers".into(),
        Quantity::from_count(load_balancers),
    );
    usage.insert(
        "services.nodeports".into(),
        Quantity::from_count(node_ports),
    );
    usage
}

/// A claim's usage: `persistentvolumeclaims`, `requests.storage`, and both per storage class.
pub fn claim_usage(claim: &PersistentVolumeClaim) -> Usage {
    let mut usage = Usage::new();
    let one = Quantity::from_count(1);
    usage.insert("persistentvolumeclaims".into(), one);
    usage.insert("count/persistentvolumeclaims".into(), one);
    let spec = claim.spec.as_ref();
    let storage = spec
        .and_then(|s| s.resources.as_ref())
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"))
        .and_then(|q| Quantity::parse(&q.0));
    if let Some(storage) = storage {
        usage.insert("requests.storage".into(), storage);
    }
    if let Some(class) = spec.and_then(|s| s.storage_class_name.as_deref()) {
        let prefix = format!("{class}.storageclass.storage.k8s.io/");
        usage.insert(format!("{prefix}persistentvolumeclaims"), one);
        if let Some(storage) = storage {
            usage.insert(format!("{prefix}requests.storage"), storage);
        }
    }
    usage
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(spec: serde_json::Value) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": "p"}, "spec": spec})).expect("pod")
    }

    fn c(cpu: &str, memory: &str) -> serde_json::Value {
        json!({"name": "c", "image": "i", "resources": {
            "requests": {"cpu": cpu, "memory": memory}, "limits": {"cpu": cpu}}})
    }

    #[test]
    fn pods_use_their_containers_the_largest_init_step_and_overhead() {
        let p = pod(json!({
            "containers": [c("100m", "64Mi"), c("200m", "64Mi")],
            "initContainers": [c("500m", "32Mi")],
            "overhead": {"cpu": "10m"}
        }));
        let usage = pod_usage(&p);
        assert_eq!(usage["pods"].canonical(), "1");
        assert_eq!(usage["requests.cpu"].canonical(), "510m");
        assert_eq!(usage["cpu"].canonical(), "510m");
        assert_eq!(usage["requests.memory"].canonical(), "128Mi");
        assert_eq!(usage["limits.cpu"].canonical(), "510m");
        let mut finished = p.clone();
        finished.status =
            Some(serde_json::from_value(json!({"phase": "Succeeded"})).expect("status"));
        assert!(pod_usage(&finished).is_empty());
    }

    #[test]
    fn scopes_select_pods_as_upstream() {
        let best_effort = pod(json!({"containers": [{"name": "c", "image": "i"}]}));
        let burstable = pod(json!({"containers": [c("1", "1Gi")], "activeDeadlineSeconds": 30}));
        let spec = |scopes: &[&str]| ResourceQuotaSpec {
            scopes: Some(scopes.iter().map(|s| (*s).to_owned()).collect()),
            ..Default::default()
        };
        assert!(quota_selects_pod(&spec(&["BestEffort"]), &best_effort));
        assert!(!quota_selects_pod(&spec(&["BestEffort"]), &burstable));
        assert!(quota_selects_pod(
            &spec(&["Terminating", "NotBestEffort"]),
            &burstable
        ));
        assert!(!quota_selects_pod(&spec(&["Terminating"]), &best_effort));
    }

    #[test]
    fn services_count_load_balancers_and_node_ports() {
        let service: Service = serde_json::from_value(json!({"metadata": {"name": "s"},
            "spec": {"type": "LoadBalancer", "ports": [{"port": 80}, {"port": 443}]}}))
        .expect("service");
        let usage = service_usage(&service);
        assert_eq!(usage["services.loadbalancers"].canonical(), "1");
        assert_eq!(usage["services.nodeports"].canonical(), "2");
    }
}
