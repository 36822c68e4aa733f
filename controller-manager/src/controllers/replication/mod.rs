//! replicationcontroller-controller: keeps `spec.replicas` pods of a ReplicationController's
//! template running (upstream's `pkg/controller/replication`). Upstream runs the ReplicaSet
//! controller on ReplicationControllers converted to ReplicaSets; here ReplicationController
//! implements [`ReplicaWorkload`] and runs the same generic controller, with its own queue,
//! expectations and event source.

use common::label_selector::{Op, Requirement};
use k8s_openapi::api::apps::v1::ReplicaSetCondition;
use k8s_openapi::api::core::v1::{
    PodTemplateSpec, ReplicationController, ReplicationControllerCondition,
    ReplicationControllerStatus,
};

use crate::controller::Result;
use crate::controllers::replicaset::status::ReplicaStatus;
use crate::controllers::replicaset::{ControllerConfig, ReplicaWorkload, start_controller};
use crate::controllers::{ControllerContext, Running};

/// Upstream's name of the controller.
pub const NAME: &str = "replicationcontroller-controller";

/// Starts the replicationcontroller-controller.
pub fn start(context: &ControllerContext) -> Result<Running> {
    start_controller::<ReplicationController>(
        context,
        ControllerConfig {
            name: NAME,
            queue: "replicationmanager",
            event_component: "replication-controller",
            workers: context.options.concurrent_rc_syncs,
        },
    )
}

fn nonzero(value: i32) -> Option<i32> {
    (value != 0).then_some(value)
}

impl ReplicaWorkload for ReplicationController {
    /// The selector is a plain map: every pair must match (an empty map selects nothing).
    fn pod_selector(&self) -> Result<Vec<Requirement>, String> {
        let selector = self.spec.as_ref().and_then(|s| s.selector.as_ref());
        selector
            .into_iter()
            .flatten()
            .map(|(key, value)| Requirement::new(key, Op::In, std::slice::from_ref(value)))
            .collect()
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
        let conditions = status
            .conditions
            .iter()
            .flatten()
            .map(|c| ReplicaSetCondition {
                type_: c.type_.clone(),
                status: c.status.clone(),
                reason: c.reason.clone(),
                message: c.message.clone(),
                last_transition_time: c.last_transition_time.clone(),
            });
        ReplicaStatus {
            replicas: status.replicas,
            fully_labeled_replicas: status.fully_labeled_replicas.unwrap_or(0),
            ready_replicas: status.ready_replicas.unwrap_or(0),
            available_replicas: status.available_replicas.unwrap_or(0),
            terminating_replicas: None,
            observed_generation: status.observed_generation.unwrap_or(0),
            conditions: conditions.collect(),
        }
    }

    fn set_replica_status(&mut self, status: ReplicaStatus) {
        let conditions: Vec<ReplicationControllerCondition> = status
            .conditions
            .into_iter()
            .map(|c| ReplicationControllerCondition {
                type_: c.type_,
                status: c.status,
                reason: c.reason,
                message: c.message,
                last_transition_time: c.last_transition_time,
            })
            .collect();
        self.status = Some(ReplicationControllerStatus {
            replicas: status.replicas,
            fully_labeled_replicas: nonzero(status.fully_labeled_replicas),
            ready_replicas: nonzero(status.ready_replicas),
            available_replicas: nonzero(status.available_replicas),
            observed_generation: (status.observed_generation != 0)
                .then_some(status.observed_generation),
            conditions: Some(conditions).filter(|c| !c.is_empty()),
        });
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::Pod;
    use serde_json::json;

    use super::*;
    use crate::controllers::replicaset::workload::selects;

    #[test]
    fn a_plain_map_selector_selects_pods_having_every_pair() {
        let rc: ReplicationController = serde_json::from_value(json!({
            "metadata": {"name": "web"},
            "spec": {"selector": {"app": "web", "tier": "front"}},
        }))
        .unwrap();
        let pod = |labels: serde_json::Value| -> Pod {
            serde_json::from_value(json!({"metadata": {"labels": labels}})).unwrap()
        };
        let selector = rc.pod_selector().unwrap();
        assert!(selects(
            &selector,
            &pod(json!({"app": "web", "tier": "front", "x": "y"}))
        ));
        assert!(!selects(&selector, &pod(json!({"app": "web"}))));
        let empty: ReplicationController = serde_json::from_value(json!({"spec": {}})).unwrap();
        assert!(!selects(
            &empty.pod_selector().unwrap(),
            &pod(json!({"app": "web"}))
        ));
        assert!(empty.pod_template().is_none());
    }

    #[test]
    fn status_converts_both_ways_with_conditions() {
        let mut rc = ReplicationController::default();
        let status = ReplicaStatus {
            replicas: 1,
            observed_generation: 1,
            conditions: vec![ReplicaSetCondition {
                type_: "ReplicaFailure".into(),
                status: "True".into(),
                reason: Some("FailedCreate".into()),
                message: Some("quota".into()),
                last_transition_time: None,
            }],
            ..ReplicaStatus::default()
        };
        rc.set_replica_status(status.clone());
        assert_eq!(rc.replica_status(), status);
    }
}
