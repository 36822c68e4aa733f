//! Liveness, readiness and startup probes, one worker per probe, as upstream's prober manager;
//! and the lifecycle-hook handlers that share their exec/HTTP code. (Skeleton: filled in by the
//! probes work.)

pub mod handlers;

use k8s_openapi::api::core::v1::{Pod, PodStatus};

use crate::cri::RuntimeClient;
use crate::pod_manager::PodSyncTrigger;
use common::events::EventRecorder;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

#[derive(Clone)]
pub struct ProbeManager {}

impl ProbeManager {
    pub fn new(_cri: RuntimeClient, _events: EventRecorder, _resync: PodSyncTrigger) -> Self {
        ProbeManager {}
    }

    /// Starts the probe workers of `pod`'s containers (idempotent).
    pub fn add_pod(&self, _pod: &Pod) {}

    /// Stops the pod's probe workers.
    pub fn remove_pod(&self, _uid: &str) {}

    /// Sets `ready` and `started` of the container statuses from the probe results, and
    /// remembers the container IDs and pod IP the workers probe (upstream `UpdatePodStatus`).
    pub fn update_pod_status(&self, _pod: &Pod, status: &mut PodStatus) {
        for container in status.container_statuses.iter_mut().flatten() {
            let running = container
                .state
                .as_ref()
                .is_some_and(|s| s.running.is_some());
            container.ready = running;
            container.started = Some(running);
        }
    }

    /// `Some` when the liveness or startup probe of this container failed, so it must restart.
    pub fn restart_reason(&self, _container_id: &str) -> Option<ProbeKind> {
        None
    }
}
