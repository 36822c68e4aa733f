//! What the scheduler tells about a pod: the `Scheduled` and `FailedScheduling` events
//! (events.k8s.io/v1, reporting controller = the profile's scheduler name, as upstream), and the
//! `PodScheduled=False` condition with reason `Unschedulable` on a pod that does not fit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::events::v1::Event as EventV1;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::Resource;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use kube::runtime::events::{Event, EventType, Recorder, Reporter as EventReporter};
use serde_json::json;

use crate::preemption::Candidate;

/// Upstream's condition reason for a pod no node fits.
pub const REASON_UNSCHEDULABLE: &str = "Unschedulable";

/// Publishes events and conditions; cheap to clone.
#[derive(Clone)]
pub struct Reporter {
    client: kube::Client,
    identity: String,
    /// One recorder per scheduler name (it is the events' reporting controller).
    recorders: Arc<Mutex<HashMap<String, Recorder>>>,
}

impl Reporter {
    /// A reporter for this scheduler instance.
    pub fn new(client: kube::Client, identity: &str) -> Self {
        Self {
            client,
            identity: identity.to_owned(),
            recorders: Arc::default(),
        }
    }

    fn recorder(&self, scheduler_name: &str) -> Recorder {
        let mut recorders = self.recorders.lock().unwrap_or_else(|e| e.into_inner());
        recorders
            .entry(scheduler_name.to_owned())
            .or_insert_with(|| {
                Recorder::new(
                    self.client.clone(),
                    EventReporter {
                        controller: scheduler_name.to_owned(),
                        instance: Some(format!("{scheduler_name}-{}", self.identity)),
                    },
                )
            })
            .clone()
    }

    async fn publish(&self, pod: &Pod, scheduler_name: &str, event: Event) {
        let reference = pod.object_ref(&());
        if let Err(error) = self
            .recorder(scheduler_name)
            .publish(&event, &reference)
            .await
        {
            tracing::warn!(%error, reason = %event.reason, "could not record event");
        }
    }

    /// The pod was bound to `node`. Each such event is about a new binding, so it is
    /// created directly: the recorder's de-duplication cache would only cost a scan per pod.
    pub async fn scheduled(&self, pod: &Pod, scheduler_name: &str, node: &str) {
        let now = jiff::Timestamp::now();
        let reference = pod.object_ref(&());
        let namespace = reference
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let event = EventV1 {
            metadata: ObjectMeta {
                name: Some(format!(
                    "{}.{:x}",
                    reference.name.as_deref().unwrap_or_default(),
                    now.as_nanosecond()
                )),
                namespace: Some(namespace.clone()),
                ..ObjectMeta::default()
            },
            event_time: Some(MicroTime(now)),
            action: Some("Binding".into()),
            reason: Some("Scheduled".into()),
            note: Some(format!(
                "Successfully assigned {} to {node}",
                crate::framework::pod_key(pod)
            )),
            regarding: Some(reference),
            reporting_controller: Some(scheduler_name.to_owned()),
            reporting_instance: Some(format!("{scheduler_name}-{}", self.identity)),
            type_: Some("Normal".into()),
            ..EventV1::default()
        };
        let api: Api<EventV1> = Api::namespaced(self.client.clone(), &namespace);
        if let Err(error) = api.create(&PostParams::default(), &event).await {
            tracing::warn!(%error, reason = "Scheduled", "could not record event");
        }
    }

    /// No node fits the pod (or its binding failed): a warning event, and the pod's
    /// `PodScheduled` condition set to `False` unless it already says the same.
    pub async fn failed_scheduling(&self, pod: &Pod, scheduler_name: &str, message: &str) {
        let event = Event {
            type_: EventType::Warning,
            reason: "FailedScheduling".into(),
            note: Some(message.to_owned()),
            action: "Scheduling".into(),
            secondary: None,
        };
        self.publish(pod, scheduler_name, event).await;
        if let Some(patch) = unschedulable_condition_patch(pod, message, jiff::Timestamp::now()) {
            let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
            let name = pod.metadata.name.as_deref().unwrap_or_default();
            let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
            if let Err(error) = api
                .patch_status(name, &PatchParams::default(), &Patch::Strategic(patch))
                .await
            {
                tracing::warn!(%error, pod = %crate::framework::pod_key(pod),
                    "could not update the PodScheduled condition");
            }
        }
    }
}

impl Reporter {
    /// Carries out a preemption: each victim gets the `DisruptionTarget` condition, a
    /// `Preempted` event and a delete (graceful, as upstream); then the preemptor's
    /// `status.nominatedNodeName` names the node.
    pub async fn preempt(&self, preemptor: &Pod, scheduler_name: &str, candidate: &Candidate) {
        let uid = preemptor.metadata.uid.as_deref().unwrap_or_default();
        let now = jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .map(|t| t.to_string())
            .unwrap_or_default();
        for victim in &candidate.victims {
            let namespace = victim.metadata.namespace.as_deref().unwrap_or_default();
            let name = victim.metadata.name.as_deref().unwrap_or_default();
            let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
            let condition = json!({"status": {"conditions": [{
                "type": "DisruptionTarget",
                "status": "True",
                "reason": "PreemptionByScheduler",
                "message": format!("{scheduler_name}: preempting to accommodate a higher priority pod"),
                "lastTransitionTime": now,
            }]}});
            if let Err(error) = api
                .patch_status(name, &PatchParams::default(), &Patch::Strategic(condition))
                .await
            {
                tracing::warn!(%error, pod = %crate::framework::pod_key(victim),
                    "could not mark the victim");
            }
            let event = Event {
                type_: EventType::Normal,
                reason: "Preempted".into(),
                note: Some(format!("Preempted by pod {uid} on node {}", candidate.node)),
                action: "Preempting".into(),
                secondary: None,
            };
            self.publish(victim, scheduler_name, event).await;
            match api.delete(name, &DeleteParams::default()).await {
                Ok(_) => {}
                Err(kube::Error::Api(status)) if status.code == 404 => {}
                Err(error) => tracing::warn!(%error, pod = %crate::framework::pod_key(victim),
                    "could not delete the victim"),
            }
        }
        let namespace = preemptor.metadata.namespace.as_deref().unwrap_or_default();
        let name = preemptor.metadata.name.as_deref().unwrap_or_default();
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let nominate = json!({"status": {"nominatedNodeName": candidate.node}});
        if let Err(error) = api
            .patch_status(name, &PatchParams::default(), &Patch::Merge(nominate))
            .await
        {
            tracing::warn!(%error, pod = %crate::framework::pod_key(preemptor),
                "could not set the nominated node");
        }
    }
}

/// The strategic merge patch that sets `PodScheduled=False/Unschedulable` with `message`, or
/// `None` when the pod already has exactly that condition. The transition time moves only when
/// the status changes, as upstream's `podutil.UpdatePodCondition`.
pub fn unschedulable_condition_patch(
    pod: &Pod,
    message: &str,
    now: jiff::Timestamp,
) -> Option<serde_json::Value> {
    let current = pod
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "PodScheduled"));
    if let Some(c) = current
        && c.status == "False"
        && c.reason.as_deref() == Some(REASON_UNSCHEDULABLE)
        && c.message.as_deref() == Some(message)
    {
        return None;
    }
    let transition = match current {
        Some(c) if c.status == "False" => c
            .last_transition_time
            .as_ref()
            .map(|t| t.0.to_string())
            .unwrap_or_else(|| now.to_string()),
        _ => now.round(jiff::Unit::Second).ok()?.to_string(),
    };
    Some(json!({"status": {"conditions": [{
        "type": "PodScheduled",
        "status": "False",
        "reason": REASON_UNSCHEDULABLE,
        "message": message,
        "lastProbeTime": null,
        "lastTransitionTime": transition,
    }]}}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(conditions: serde_json::Value) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": "p", "namespace": "ns"},
            "spec": {"containers": []}, "status": {"conditions": conditions}}))
        .unwrap()
    }

    #[test]
    fn the_condition_is_patched_only_when_it_changes() {
        let now: jiff::Timestamp = "2026-11-27T04:00:00Z".parse().unwrap();
        let patch = unschedulable_condition_patch(&pod(json!([])), "0/1 nodes", now).unwrap();
        let condition = &patch["status"]["conditions"][0];
        assert_eq!(condition["reason"], "Unschedulable");
        assert_eq!(condition["lastTransitionTime"], "2026-11-27T04:00:00Z");
        let same = pod(json!([{"type": "PodScheduled", "status": "False",
            "reason": "Unschedulable", "message": "0/1 nodes",
            "lastTransitionTime": "2026-11-27T03:00:00Z"}]));
        assert!(unschedulable_condition_patch(&same, "0/1 nodes", now).is_none());
        // A new message keeps the transition time of the same status.
        let patch = unschedulable_condition_patch(&same, "0/2 nodes", now).unwrap();
        assert_eq!(
            patch["status"]["conditions"][0]["lastTransitionTime"],
            "2026-11-27T03:00:00Z"
        );
    }
}
