//! Pods (`pkg/registry/core/pod/strategy.go`): the status a new pod starts with, field
//! selectors, graceful deletion, and the `ephemeralcontainers` subresource.
//!
//! A new pod is `Pending` with its QoS class (`qos.ComputePodQOS`). Through
//! `pods/ephemeralcontainers` only `spec.ephemeralContainers` changes (upstream's
//! `EphemeralContainersStrategy`): the rest of the spec, the status, labels, annotations,
//! finalizers and owner references stay as stored.
//!
//! A pod bound to a node is not removed by a delete: it gets `deletionTimestamp` and
//! `deletionGracePeriodSeconds` (from the request, else `spec.terminationGracePeriodSeconds`,
//! else 30), and its kubelet removes it once its containers stopped. A pod that never reached a
//! node, or has finished, or a delete with grace period 0, goes at once, as upstream.

use std::cmp::Ordering;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::admission::priority::PriorityClasses;
use crate::endpoints::status::ApiError;

use crate::registry::object::metadata_mut;
use crate::registry::strategy::Strategy;
use crate::registry::validation_rules::quantity::Quantity;

/// The pod strategy, with Priority admission for new pods.
#[derive(Default)]
pub struct PodStrategy {
    /// Priority admission; `None` in unit tests that do not need it.
    pub priority_classes: Option<Arc<PriorityClasses>>,
}

/// Upstream's default `terminationGracePeriodSeconds`.
const DEFAULT_GRACE_SECONDS: i64 = 30;

#[async_trait::async_trait]
#[async_trait::async_trait]
impl Strategy for PodStrategy {
    async fn admit_create(
        &self,
        qualified_resource: &str,
        name: &str,
        pod: &mut Value,
    ) -> Result<(), ApiError> {
        match &self.priority_classes {
            Some(classes) => classes.admit_pod(qualified_resource, name, pod).await,
            None => Ok(()),
        }
    }

    fn prepare_for_create(&self, pod: &mut Value) {
        let qos = qos_class(&pod["spec"]);
        if let Some(fields) = pod.as_object_mut() {
            fields.insert(
                "status".into(),
                json!({"phase": "Pending", "qosClass": qos}),
            );
        }
    }

    fn prepare_for_subresource_update(&self, subresource: &str, new: &mut Value, old: &Value) {
        if subresource != "ephemeralcontainers" {
            return;
        }
        let ephemeral = new["spec"].get("ephemeralContainers").cloned();
        let mut next = old.clone();
        if let Some(spec) = next.get_mut("spec").and_then(Value::as_object_mut) {
            match ephemeral.filter(|e| !e.is_null()) {
                Some(ephemeral) => spec.insert("ephemeralContainers".into(), ephemeral),
                None => spec.remove("ephemeralContainers"),
            };
        }
        // Metadata as the client sent it (resourceVersion guards the write), except what
        // `ResetObjectMetaForStatus` keeps; the generic rules keep the server-set fields.
        let sent = new.get("metadata").cloned().unwrap_or_else(|| json!({}));
        let kept = ["labels", "annotations", "finalizers", "ownerReferences"]
            .map(|field| (field, old["metadata"].get(field).cloned()));
        if let Some(fields) = next.as_object_mut() {
            fields.insert("metadata".into(), sent);
        }
        let metadata = metadata_mut(&mut next);
        for (field, value) in kept {
            match value {
                Some(value) => metadata.insert(field.into(), value),
                None => metadata.remove(field),
            };
        }
        *new = next;
    }

    fn field_labels(&self) -> &'static [&'static str] {
        &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ]
    }

    fn deletion_grace(&self, pod: &Value, requested: Option<i64>) -> Option<i64> {
        let unscheduled = pod["spec"]["nodeName"].as_str().unwrap_or("").is_empty();
        let finished = matches!(
            pod["status"]["phase"].as_str(),
            Some("Succeeded" | "Failed")
        );
        if unscheduled || finished {
            return None;
        }
        let grace = requested
            .or_else(|| pod["spec"]["terminationGracePeriodSeconds"].as_i64())
            .unwrap_or(DEFAULT_GRACE_SECONDS);
        (grace > 0).then_some(grace)
    }
}

/// `qos.ComputePodQOS` over cpu and memory: `Guaranteed` when every container (or the
/// pod-level resources, when set) limits both and requests exactly that, `BestEffort` when
/// nothing is requested or limited, `Burstable` otherwise.
fn qos_class(spec: &Value) -> &'static str {
    let zero = Quantity::parse("0");
    let positive = |list: &Value, name: &str| {
        list.get(name)
            .and_then(Value::as_str)
            .and_then(Quantity::parse)
            .filter(|q| zero.is_some_and(|z| q.compare(&z) == Ordering::Greater))
    };
    let resources: Vec<&Value> = match spec.get("resources").filter(|r| !r.is_null()) {
        Some(pod_level) => vec![pod_level],
        None => ["containers", "initContainers"]
            .iter()
            .filter_map(|field| spec.get(*field).and_then(Value::as_array))
            .flatten()
            .map(|c| &c["resources"])
            .collect(),
    };
    let (mut any, mut guaranteed) = (false, true);
    for r in resources {
        for name in ["cpu", "memory"] {
            let (request, limit) = (positive(&r["requests"], name), positive(&r["limits"], name));
            any |= request.is_some() || limit.is_some();
            if !matches!((request, limit), (Some(a), Some(b)) if a.compare(&b) == Ordering::Equal) {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_running_pods_on_nodes_are_deleted_gracefully() {
        let pending = json!({"spec": {}});
        assert_eq!(PodStrategy::default().deletion_grace(&pending, None), None);
        let running = json!({"spec": {"nodeName": "n1", "terminationGracePeriodSeconds": 10},
            "status": {"phase": "Running"}});
        assert_eq!(
            PodStrategy::default().deletion_grace(&running, None),
            Some(10)
        );
        assert_eq!(
            PodStrategy::default().deletion_grace(&running, Some(3)),
            Some(3)
        );
        assert_eq!(
            PodStrategy::default().deletion_grace(&running, Some(0)),
            None
        );
        let done = json!({"spec": {"nodeName": "n1"}, "status": {"phase": "Succeeded"}});
        assert_eq!(PodStrategy::default().deletion_grace(&done, None), None);
    }

    #[test]
    fn new_pods_are_pending_with_their_qos_class() {
        let mut pod =
            json!({"spec": {"containers": [{"name": "a"}]}, "status": {"phase": "Running"}});
        PodStrategy::default().prepare_for_create(&mut pod);
        assert_eq!(
            pod["status"],
            json!({"phase": "Pending", "qosClass": "BestEffort"})
        );
        let both = json!({"cpu": "1", "memory": "1Gi"});
        let guaranteed = json!({"containers": [{"resources": {"limits": both, "requests": both}}]});
        assert_eq!(qos_class(&guaranteed), "Guaranteed");
        let burstable = json!({"containers": [{"resources": {"requests": {"cpu": "100m"}}}]});
        assert_eq!(qos_class(&burstable), "Burstable");
        let pod_level = json!({"resources": {"limits": both, "requests": both},
            "containers": [{"resources": {"requests": {"cpu": "100m"}}}]});
        assert_eq!(qos_class(&pod_level), "Guaranteed");
    }

    #[test]
    fn ephemeral_containers_updates_change_nothing_else() {
        let old = json!({"metadata": {"name": "p", "labels": {"a": "1"}, "resourceVersion": "5"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            "status": {"phase": "Running"}});
        let mut new = json!({"metadata": {"name": "p", "labels": {"a": "2"}, "resourceVersion": "5"},
            "spec": {"containers": [{"name": "c", "image": "changed"}],
                "ephemeralContainers": [{"name": "dbg", "image": "busybox"}]},
            "status": {"phase": "Failed"}});
        PodStrategy::default().prepare_for_subresource_update(
            "ephemeralcontainers",
            &mut new,
            &old,
        );
        assert_eq!(new["spec"]["containers"][0]["image"], "nginx");
        assert_eq!(new["spec"]["ephemeralContainers"][0]["name"], "dbg");
        assert_eq!(new["status"]["phase"], "Running");
        assert_eq!(new["metadata"]["labels"], json!({"a": "1"}));
        assert_eq!(new["metadata"]["resourceVersion"], "5");
    }
}
