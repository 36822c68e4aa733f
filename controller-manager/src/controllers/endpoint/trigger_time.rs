//! The `endpoints.kubernetes.io/last-change-trigger-time` annotation (upstream's
//! `TriggerTimeTracker`): per service, the earliest time among the changes since the last sync
//! (a pod's Ready transition, the service's creation), shared by the endpoints and
//! endpointslice controllers.

use std::collections::HashMap;
use std::sync::Mutex;

use k8s_openapi::api::core::v1::{Pod, Service};

use super::pod_endpoints::pod_ready_transition;

#[derive(Default)]
struct ServiceState {
    pods: HashMap<String, jiff::Timestamp>,
    service: Option<jiff::Timestamp>,
}

/// What was seen at each service's last sync.
#[derive(Default)]
pub struct TriggerTimeTracker {
    states: Mutex<HashMap<String, ServiceState>>,
}

impl TriggerTimeTracker {
    /// The earliest change time among the pods and the service since the last call for the
    /// service `key`, if anything changed; remembers what it saw.
    pub fn compute(&self, key: &str, service: &Service, pods: &[&Pod]) -> Option<jiff::Timestamp> {
        let mut states = self.states.lock().unwrap_or_else(|e| e.into_inner());
        let state = states.entry(key.to_owned()).or_default();
        let mut earliest: Option<jiff::Timestamp> = None;
        let mut seen = HashMap::new();
        for pod in pods {
            let Some(time) = pod_ready_transition(pod) else {
                continue;
            };
            let name = pod.metadata.name.clone().unwrap_or_default();
            if state.pods.get(&name).is_none_or(|last| time > *last) {
                earliest = Some(earliest.map_or(time, |e| e.min(time)));
            }
            seen.insert(name, time);
        }
        let created = service.metadata.creation_timestamp.as_ref().map(|t| t.0);
        if let Some(created) = created
            && state.service.is_none_or(|last| created > last)
        {
            earliest = Some(earliest.map_or(created, |e| e.min(created)));
        }
        state.pods = seen;
        state.service = created;
        earliest
    }

    /// Forgets a deleted service.
    pub fn delete(&self, key: &str) {
        self.states
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

/// The annotation's value: RFC 3339 in UTC with the fraction Go's `RFC3339Nano` keeps.
pub fn format(time: jiff::Timestamp) -> String {
    time.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changes_since_the_last_sync_count() {
        let tracker = TriggerTimeTracker::default();
        let svc: Service = serde_json::from_value(
            json!({"metadata": {"name": "s", "creationTimestamp": "2024-01-01T00:00:00Z"}}),
        )
        .expect("service");
        let pod = |t: &str| -> Pod {
            serde_json::from_value(json!({"metadata": {"name": "p"}, "status": {"conditions": [
                {"type": "Ready", "status": "True", "lastTransitionTime": t}]}}))
            .expect("pod")
        };
        let first = pod("2024-01-01T00:00:05Z");
        assert_eq!(
            tracker
                .compute("ns/s", &svc, &[&first])
                .map(format)
                .as_deref(),
            Some("2024-01-01T00:00:00Z")
        );
        assert_eq!(tracker.compute("ns/s", &svc, &[&first]), None);
        let second = pod("2024-01-01T00:00:09Z");
        assert_eq!(
            tracker
                .compute("ns/s", &svc, &[&second])
                .map(format)
                .as_deref(),
            Some("2024-01-01T00:00:09Z")
        );
    }
}
