//! Conversion between the version a resource is served as and the version it is stored as, for
//! the resources that have more than one (`k8s.io/kubernetes/pkg/apis/*/v*/conversion.go`):
//!
//! - events: stored as core v1 `Event`, also served as `events.k8s.io/v1` (fields renamed:
//!   `involvedObject`/`regarding`, `message`/`note`, `reportingComponent`/`reportingController`,
//!   `source`/`deprecatedSource`, `firstTimestamp`/`deprecatedFirstTimestamp`,
//!   `lastTimestamp`/`deprecatedLastTimestamp`, `count`/`deprecatedCount`);
//! - horizontalpodautoscalers: stored as `autoscaling/v2`, also served as `autoscaling/v1`, whose
//!   only metric is `targetCPUUtilizationPercentage`. What v1 cannot hold (other metrics,
//!   `behavior`, current metrics, conditions) travels in upstream's
//!   `autoscaling.alpha.kubernetes.io/*` annotations, so that a v1 read-modify-write keeps it.
//!
//! Everything else is stored as served; only `apiVersion` is set.

use serde_json::{Map, Value, json};

use super::object::metadata_mut;
use super::resources::ResourceInfo;

/// Event fields: (core v1 name, events.k8s.io/v1 name).
const EVENT_FIELDS: [(&str, &str); 7] = [
    ("involvedObject", "regarding"),
    ("message", "note"),
    ("reportingComponent", "reportingController"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("count", "deprecatedCount"),
];

const METRICS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/metrics";
const BEHAVIOR_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/behavior";
const CURRENT_METRICS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/current-metrics";
const CONDITIONS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/conditions";
/// The CPU utilization an HPA without metrics targets (upstream's `DefaultCPUUtilization`).
const DEFAULT_CPU_UTILIZATION: i64 = 80;

/// Whether `info` is served in a version other than the one it is stored in.
pub fn converts(info: &ResourceInfo) -> bool {
    (info.group, info.version) != (info.storage_group, info.storage_version)
}

/// A stored object as `info` serves it.
pub fn from_storage(info: &ResourceInfo, mut object: Value) -> Value {
    if converts(info) {
        match (info.group, info.plural) {
            ("events.k8s.io", "events") => rename(&mut object, EVENT_FIELDS),
            ("autoscaling", "horizontalpodautoscalers") => hpa_v2_to_v1(&mut object),
            _ => {}
        }
    }
    set_type(&mut object, info.kind, &info.api_version());
    object
}

/// An object `info` serves, as it is stored.
pub fn to_storage(info: &ResourceInfo, mut object: Value) -> Value {
    if converts(info) {
        match (info.group, info.plural) {
            ("events.k8s.io", "events") => rename(&mut object, EVENT_FIELDS.map(|(c, e)| (e, c))),
            ("autoscaling", "horizontalpodautoscalers") => hpa_v1_to_v2(&mut object),
            _ => {}
        }
        set_type(&mut object, info.kind, &info.storage_api_version());
    }
    object
}

fn set_type(object: &mut Value, kind: &str, api_version: &str) {
    if let Some(fields) = object.as_object_mut() {
        fields.insert("kind".into(), Value::String(kind.to_owned()));
        fields.insert("apiVersion".into(), Value::String(api_version.to_owned()));
    }
}

fn rename<const N: usize>(object: &mut Value, pairs: [(&str, &str); N]) {
    let Some(fields) = object.as_object_mut() else {
        return;
    };
    let mut moved = Vec::new();
    for (from, to) in pairs {
        if let Some(value) = fields.remove(from) {
            moved.push((to, value));
        }
    }
    for (to, value) in moved {
        fields.insert(to.to_owned(), value);
    }
}

fn is_cpu_resource(metric: &Value) -> bool {
    metric["type"] == "Resource" && metric["resource"]["name"] == "cpu"
}

/// Moves `value` into annotation `key` as JSON when it is a non-empty array or an object.
fn stash(object: &mut Value, key: &str, value: Option<Value>) {
    let keep = match &value {
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(_)) => true,
        _ => false,
    };
    if let (true, Some(value)) = (keep, value) {
        let annotations = metadata_mut(object)
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(annotations) = annotations.as_object_mut() {
            annotations.insert(key.to_owned(), Value::String(value.to_string()));
        }
    }
}

/// Takes annotation `key` out of the object and parses it; unparsable text is left in place.
fn unstash(object: &mut Value, key: &str) -> Option<Value> {
    let annotations = metadata_mut(object)
        .get_mut("annotations")?
        .as_object_mut()?;
    let parsed: Value = serde_json::from_str(annotations.get(key)?.as_str()?).ok()?;
    annotations.remove(key);
    if annotations.is_empty() {
        metadata_mut(object).remove("annotations");
    }
    Some(parsed)
}

fn hpa_v2_to_v1(object: &mut Value) {
    let spec = object.get_mut("spec").map(Value::take).unwrap_or(json!({}));
    let status = object.get_mut("status").map(Value::take);
    let metrics = spec["metrics"].as_array().cloned().unwrap_or_default();
    let (cpu, other): (Vec<Value>, Vec<Value>) = metrics.into_iter().partition(|m| {
        is_cpu_resource(m)
            && m["resource"]["target"]["type"] == "Utilization"
            && m["resource"]["target"]["averageUtilization"].is_i64()
    });
    let mut v1_spec = Map::new();
    for field in ["scaleTargetRef", "minReplicas", "maxReplicas"] {
        if let Some(value) = spec.get(field) {
            v1_spec.insert(field.into(), value.clone());
        }
    }
    if let Some(first) = cpu.first() {
        v1_spec.insert(
            "targetCPUUtilizationPercentage".into(),
            first["resource"]["target"]["averageUtilization"].clone(),
        );
    }
    stash(object, METRICS_ANNOTATION, Some(Value::Array(other)));
    stash(object, BEHAVIOR_ANNOTATION, spec.get("behavior").cloned());
    object["spec"] = Value::Object(v1_spec);

    let Some(status) = status else { return };
    let mut v1_status = Map::new();
    for field in [
        "observedGeneration",
        "lastScaleTime",
        "currentReplicas",
        "desiredReplicas",
    ] {
        if let Some(value) = status.get(field) {
            v1_status.insert(field.into(), value.clone());
        }
    }
    let current = status["currentMetrics"].as_array().cloned();
    if let Some(cpu) = current.iter().flatten().find(|m| is_cpu_resource(m))
        && let Some(utilization) = cpu["resource"]["current"].get("averageUtilization")
    {
        v1_status.insert(
            "currentCPUUtilizationPercentage".into(),
            utilization.clone(),
        );
    }
    stash(
        object,
        CURRENT_METRICS_ANNOTATION,
        current.map(Value::Array),
    );
    stash(
        object,
        CONDITIONS_ANNOTATION,
        status.get("conditions").cloned(),
    );
    object["status"] = Value::Object(v1_status);
}

fn hpa_v1_to_v2(object: &mut Value) {
    let spec = object.get_mut("spec").map(Value::take).unwrap_or(json!({}));
    let status = object.get_mut("status").map(Value::take);
    let mut v2_spec = Map::new();
    for field in ["scaleTargetRef", "minReplicas", "maxReplicas"] {
        if let Some(value) = spec.get(field) {
            v2_spec.insert(field.into(), value.clone());
        }
    }
    let cpu_metric = |utilization: &Value| {
        json!({"type": "Resource", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": utilization}}})
    };
    let mut metrics = Vec::new();
    if let Some(utilization) = spec.get("targetCPUUtilizationPercentage")
        && !utilization.is_null()
    {
        metrics.push(cpu_metric(utilization));
    }
    if let Some(Value::Array(other)) = unstash(object, METRICS_ANNOTATION) {
        metrics.extend(other);
    }
    if metrics.is_empty() {
        metrics.push(cpu_metric(&json!(DEFAULT_CPU_UTILIZATION)));
    }
    v2_spec.insert("metrics".into(), Value::Array(metrics));
    if let Some(behavior) = unstash(object, BEHAVIOR_ANNOTATION) {
        v2_spec.insert("behavior".into(), behavior);
    }
    object["spec"] = Value::Object(v2_spec);

    let current = unstash(object, CURRENT_METRICS_ANNOTATION);
    let conditions = unstash(object, CONDITIONS_ANNOTATION);
    let Some(status) = status else { return };
    let mut v2_status = Map::new();
    for field in [
        "observedGeneration",
        "lastScaleTime",
        "currentReplicas",
        "desiredReplicas",
    ] {
        if let Some(value) = status.get(field) {
            v2_status.insert(field.into(), value.clone());
        }
    }
    if let Some(current) = current {
        v2_status.insert("currentMetrics".into(), current);
    } else if let Some(utilization) = status.get("currentCPUUtilizationPercentage") {
        v2_status.insert(
            "currentMetrics".into(),
            json!([{"type": "Resource", "resource": {"name": "cpu",
                "current": {"averageUtilization": utilization}}}]),
        );
    }
    if let Some(conditions) = conditions {
        v2_status.insert("conditions".into(), conditions);
    }
    object["status"] = Value::Object(v2_status);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::resources::find;

    #[test]
    fn events_round_trip_between_core_and_events_k8s_io() {
        let events = find("events.k8s.io", "v1", "events").unwrap();
        let core = json!({"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "e", "namespace": "default"},
            "involvedObject": {"kind": "Pod", "name": "p"}, "reason": "Started",
            "message": "Started container", "source": {"component": "kubelet"},
            "count": 3, "type": "Normal", "reportingComponent": "kubelet"});
        let served = from_storage(events, core.clone());
        assert_eq!(served["apiVersion"], "events.k8s.io/v1");
        assert_eq!(served["regarding"]["name"], "p");
        assert_eq!(served["note"], "Started container");
        assert_eq!(served["deprecatedCount"], 3);
        assert_eq!(served["deprecatedSource"]["component"], "kubelet");
        assert_eq!(served["reportingController"], "kubelet");
        assert!(served.get("message").is_none() && served.get("involvedObject").is_none());
        assert_eq!(to_storage(events, served), core);
    }

    #[test]
    fn hpa_v1_keeps_what_only_v2_can_say() {
        let v1 = find("autoscaling", "v1", "horizontalpodautoscalers").unwrap();
        let stored = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "h"},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "d"}, "minReplicas": 1,
                "maxReplicas": 5, "metrics": [
                    {"type": "Resource", "resource": {"name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 60}}},
                    {"type": "Resource", "resource": {"name": "memory",
                        "target": {"type": "AverageValue", "averageValue": "100Mi"}}}],
                "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}},
            "status": {"currentReplicas": 2, "desiredReplicas": 3, "currentMetrics": [
                {"type": "Resource", "resource": {"name": "cpu",
                    "current": {"averageUtilization": 70}}}]}});
        let served = from_storage(v1, stored.clone());
        assert_eq!(served["apiVersion"], "autoscaling/v1");
        assert_eq!(served["spec"]["targetCPUUtilizationPercentage"], 60);
        assert!(served["spec"].get("metrics").is_none());
        assert_eq!(served["status"]["currentCPUUtilizationPercentage"], 70);
        assert!(
            served["metadata"]["annotations"][METRICS_ANNOTATION]
                .as_str()
                .unwrap()
                .contains("memory")
        );
        // Back to storage: nothing lost, no annotations left behind.
        assert_eq!(to_storage(v1, served), stored);
    }

    #[test]
    fn a_v1_hpa_without_a_target_gets_upstreams_default_cpu_metric() {
        let v1 = find("autoscaling", "v1", "horizontalpodautoscalers").unwrap();
        let written = json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "h"}, "spec": {"maxReplicas": 3,
                "scaleTargetRef": {"kind": "Deployment", "name": "d"}}});
        let stored = to_storage(v1, written);
        assert_eq!(stored["apiVersion"], "autoscaling/v2");
        assert_eq!(
            stored["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
            80
        );
    }

    #[test]
    fn single_version_resources_pass_through() {
        let pods = find("", "v1", "pods").unwrap();
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}});
        assert_eq!(to_storage(pods, pod.clone()), pod);
        assert_eq!(from_storage(pods, pod.clone()), pod);
    }
}
