//! What the replica controller needs of the object it manages, so one implementation serves
//! ReplicaSets and ReplicationControllers (upstream converts ReplicationControllers to
//! ReplicaSets in memory; here both implement [`ReplicaWorkload`]). The ReplicaSet side is
//! here; the ReplicationController side is in `controllers::replication`.

use std::fmt::Debug;

use common::label_selector::{self, Requirement};
use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetStatus};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use kube::Resource;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::status::ReplicaStatus;

/// An object that keeps `replicas` pods from its template running.
pub trait ReplicaWorkload:
    Resource<DynamicType = ()> + Clone + Debug + DeserializeOwned + Serialize + Send + Sync + 'static
{
    /// The pod selector; an error when it cannot be parsed. An empty selector selects nothing.
    fn pod_selector(&self) -> Result<Vec<Requirement>, String>;
    /// `spec.replicas` (1 when unset, the API's default).
    fn desired_replicas(&self) -> i32;
    /// `spec.minReadySeconds`.
    fn min_ready_seconds(&self) -> i32;
    /// `spec.template`.
    fn pod_template(&self) -> Option<&PodTemplateSpec>;
    /// The status, in the shared shape.
    fn replica_status(&self) -> ReplicaStatus;
    /// Replaces the status.
    fn set_replica_status(&mut self, status: ReplicaStatus);
}

/// Whether `selector` (from [`ReplicaWorkload::pod_selector`]) selects `pod`.
pub fn selects(selector: &[Requirement], pod: &Pod) -> bool {
    if selector.is_empty() {
        return false;
    }
    match &pod.metadata.labels {
        Some(labels) => label_selector::matches_labels(selector, labels),
        None => selector.iter().all(|r| r.matches(None)),
    }
}

fn nonzero(value: i32) -> Option<i32> {
    (value != 0).then_some(value)
}

impl ReplicaWorkload for ReplicaSet {
    fn pod_selector(&self) -> Result<Vec<Requirement>, String> {
        match &self.spec {
            Some(spec) => label_selector::parse_selector(&spec.selector),
            None => Ok(Vec::new()),
        }
    }

    fn desired_replicas(&self) -> i32 {
        self.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
    }

    fn min_ready_seconds(&self) -> i32 {
        self.spec
            .as_ref()
            .and_then(|s| s.min_ready_seconds)
            .unwrap_or(0)
    }

    fn pod_template(&self) -> Option<&PodTemplateSpec> {
        self.spec.as_ref()?.template.as_ref()
    }

    fn replica_status(&self) -> ReplicaStatus {
        let Some(status) = &self.status else {
            return ReplicaStatus::default();
        };
        ReplicaStatus {
            replicas: status.replicas,
            fully_labeled_replicas: status.fully_labeled_replicas.unwrap_or(0),
            ready_replicas: status.ready_replicas.unwrap_or(0),
            available_replicas: status.available_replicas.unwrap_or(0),
            terminating_replicas: status.terminating_replicas,
            observed_generation: status.observed_generation.unwrap_or(0),
            conditions: status.conditions.clone().unwrap_or_default(),
        }
    }

    fn set_replica_status(&mut self, status: ReplicaStatus) {
        // Zero counters are left out, as upstream's `omitempty` fields are.
        self.status = Some(ReplicaSetStatus {
            replicas: status.replicas,
            fully_labeled_replicas: nonzero(status.fully_labeled_replicas),
            ready_replicas: nonzero(status.ready_replicas),
            available_replicas: nonzero(status.available_replicas),
            terminating_replicas: status.terminating_replicas,
            observed_generation: (status.observed_generation != 0)
                .then_some(status.observed_generation),
            conditions: Some(status.conditions).filter(|c| !c.is_empty()),
        });
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn replica_set_status_round_trips_and_leaves_zeroes_out() {
        let mut rs: ReplicaSet = serde_json::from_value(json!({
            "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {}},
        }))
        .unwrap();
        assert_eq!(rs.desired_replicas(), 1);
        let status = ReplicaStatus {
            replicas: 2,
            ready_replicas: 1,
            observed_generation: 4,
            ..ReplicaStatus::default()
        };
        rs.set_replica_status(status.clone());
        assert_eq!(rs.replica_status(), status);
        let wire = serde_json::to_value(&rs.status).unwrap();
        assert_eq!(
            wire,
            json!({"replicas": 2, "readyReplicas": 1, "observedGeneration": 4})
        );
    }

    #[test]
    fn an_empty_selector_selects_nothing() {
        let pod: Pod =
            serde_json::from_value(json!({"metadata": {"labels": {"app": "web"}}})).unwrap();
        let rs = |selector: serde_json::Value| -> ReplicaSet {
            serde_json::from_value(json!({"spec": {"selector": selector}})).unwrap()
        };
        let web = rs(json!({"matchLabels": {"app": "web"}}))
            .pod_selector()
            .unwrap();
        assert!(selects(&web, &pod));
        let other = rs(json!({"matchLabels": {"app": "db"}}))
            .pod_selector()
            .unwrap();
        assert!(!selects(&other, &pod));
        assert!(!selects(&rs(json!({})).pod_selector().unwrap(), &pod));
    }
}
