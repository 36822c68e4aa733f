//! Pods (`pkg/registry/core/pod/strategy.go`): field selectors, graceful deletion, and the
//! `ephemeralcontainers` subresource.
//!
//! Through `pods/ephemeralcontainers` only `spec.ephemeralContainers` changes (upstream's
//! `EphemeralContainersStrategy`): the rest of the spec, the status, labels, annotations,
//! finalizers and owner references stay as stored.
//!
//! A pod bound to a node is not removed by a delete: it gets `deletionTimestamp` and
//! `deletionGracePeriodSeconds` (from the request, else `spec.terminationGracePeriodSeconds`,
//! else 30), and its kubelet removes it once its containers stopped. A pod that never reached a
//! node, or has finished, or a delete with grace period 0, goes at once, as upstream.

use serde_json::{Value, json};

use crate::registry::object::metadata_mut;
use crate::registry::strategy::Strategy;

pub struct PodStrategy;

/// Upstream's default `terminationGracePeriodSeconds`.
const DEFAULT_GRACE_SECONDS: i64 = 30;

#[async_trait::async_trait]
impl Strategy for PodStrategy {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_running_pods_on_nodes_are_deleted_gracefully() {
        let pending = json!({"spec": {}});
        assert_eq!(PodStrategy.deletion_grace(&pending, None), None);
        let running = json!({"spec": {"nodeName": "n1", "terminationGracePeriodSeconds": 10},
            "status": {"phase": "Running"}});
        assert_eq!(PodStrategy.deletion_grace(&running, None), Some(10));
        assert_eq!(PodStrategy.deletion_grace(&running, Some(3)), Some(3));
        assert_eq!(PodStrategy.deletion_grace(&running, Some(0)), None);
        let done = json!({"spec": {"nodeName": "n1"}, "status": {"phase": "Succeeded"}});
        assert_eq!(PodStrategy.deletion_grace(&done, None), None);
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
        PodStrategy.prepare_for_subresource_update("ephemeralcontainers", &mut new, &old);
        assert_eq!(new["spec"]["containers"][0]["image"], "nginx");
        assert_eq!(new["spec"]["ephemeralContainers"][0]["name"], "dbg");
        assert_eq!(new["status"]["phase"], "Running");
        assert_eq!(new["metadata"]["labels"], json!({"a": "1"}));
        assert_eq!(new["metadata"]["resourceVersion"], "5");
    }
}
