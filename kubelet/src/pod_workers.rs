//! One worker per pod (upstream's `pod_workers.go`): each pod is synced by its own task, woken
//! by changes from its source, by the PLEG, by probes and by ConfigMap/Secret changes, and
//! otherwise every `syncFrequency`. A worker walks the pod through upstream's three stages:
//! sync (volumes, then the runtime, then the status), terminating (kill the containers within
//! the grace period) and terminated (tear down volumes, and for a deleted pod, remove it from
//! the API server), and ends when the pod has left every source.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use tokio::sync::{mpsc, watch};

use crate::node::NodeView;
use crate::object_cache::ObjectCache;
use crate::pod_manager::{self, PodManager};
use crate::probes::ProbeManager;
use crate::runtime::{KubeRuntime, SyncInput};
use crate::status_manager::StatusManager;
use crate::volumes::VolumeManager;
use common::events::{EventRecorder, reference_of};

/// A failed sync is retried after this long (the runtime keeps its own back-off per container).
const RETRY_AFTER_ERROR: Duration = Duration::from_secs(1);

/// Everything a worker uses.
pub struct PodWorkerDeps {
    pub runtime: KubeRuntime,
    pub volumes: VolumeManager,
    pub objects: ObjectCache,
    pub probes: ProbeManager,
    pub status: StatusManager,
    pub pods: PodManager,
    pub events: EventRecorder,
    pub node: watch::Receiver<NodeView>,
    /// `syncFrequency`.
    pub resync_interval: Duration,
}

#[derive(Clone)]
pub struct PodWorkers {
    deps: Arc<PodWorkerDeps>,
    workers: Arc<Mutex<HashMap<String, mpsc::UnboundedSender<()>>>>,
}

/// What a worker does next.
enum Next {
    /// Sync again after this long (or when woken).
    After(Duration),
    /// Nothing to do until woken.
    Idle,
    /// The pod left every source and was cleaned up: the worker ends.
    Done,
}

fn is_terminal(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|status| status.phase.as_deref())
        .is_some_and(|phase| phase == "Succeeded" || phase == "Failed")
}

impl PodWorkers {
    pub fn new(deps: PodWorkerDeps) -> Self {
        PodWorkers {
            deps: Arc::new(deps),
            workers: Arc::default(),
        }
    }

    /// Wakes the worker of pod `uid`, starting one if it has none.
    pub fn update(&self, uid: &str) {
        let Ok(mut workers) = self.workers.lock() else {
            return;
        };
        if let Some(sender) = workers.get(uid)
            && sender.send(()).is_ok()
        {
            return;
        }
        let (sender, receiver) = mpsc::unbounded_channel();
        let _ = sender.send(());
        workers.insert(uid.to_owned(), sender);
        tokio::spawn(self.clone().work(uid.to_owned(), receiver));
    }

    /// The UIDs that have a worker (running, terminating or waiting for removal).
    pub fn known(&self) -> Vec<String> {
        self.workers
            .lock()
            .map(|workers| workers.keys().cloned().collect())
            .unwrap_or_default()
    }

    async fn work(self, uid: String, mut wake: mpsc::UnboundedReceiver<()>) {
        let mut terminated = false;
        loop {
            // Coalesce whatever woke us.
            while wake.try_recv().is_ok() {}
            let next = match self.deps.pods.pod_by_uid(&uid) {
                None => self.cleanup_gone(&uid).await,
                Some(pod) => {
                    let deleting = pod.metadata.deletion_timestamp.is_some();
                    let computed_terminal = self
                        .deps
                        .status
                        .status(&uid)
                        .and_then(|status| status.phase)
                        .is_some_and(|phase| phase == "Succeeded" || phase == "Failed");
                    if deleting || is_terminal(&pod) || computed_terminal {
                        if terminated && !deleting {
                            Next::Idle
                        } else {
                            terminated = true;
                            self.terminate(pod, deleting, &mut wake).await
                        }
                    } else {
                        self.sync(&pod).await
                    }
                }
            };
            let wait = match next {
                Next::Done => {
                    let Ok(mut workers) = self.workers.lock() else {
                        return;
                    };
                    if wake.try_recv().is_ok() {
                        continue;
                    }
                    workers.remove(&uid);
                    return;
                }
                Next::After(delay) => Some(delay),
                Next::Idle => None,
            };
            match wait {
                Some(delay) => {
                    tokio::select! {
                        message = wake.recv() => if message.is_none() { return },
                        _ = tokio::time::sleep(delay) => {}
                    }
                }
                None => {
                    if wake.recv().await.is_none() {
                        return;
                    }
                }
            }
        }
    }

    /// Upstream's `SyncPod`: volumes, runtime, status.
    async fn sync(&self, pod: &Arc<Pod>) -> Next {
        let deps = &self.deps;
        let uid = pod_manager::uid(pod);
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        let host_ip = deps.node.borrow().host_ip.clone();
        deps.objects.register_pod(pod);
        deps.probes.add_pod(pod);
        let volumes = match deps.volumes.setup_pod(pod).await {
            Ok(volumes) => Some(volumes),
            Err(error) => {
                tracing::warn!(pod = %pod_manager::full_name(pod), %error, "unable to attach or mount volumes");
                deps.events.warning(
                    reference_of(&**pod),
                    "FailedMount",
                    "Mount",
                    error.to_string(),
                );
                None
            }
        };
        let mut error = volumes.is_none();
        if let Some(volumes) = &volumes {
            match deps.runtime.pod_status(uid, name, namespace).await {
                Ok(current) => {
                    let input = SyncInput {
                        volumes,
                        objects: &deps.objects,
                        host_ip: host_ip.as_deref(),
                    };
                    let result = deps.runtime.sync_pod(pod, &current, input).await;
                    if let Some(message) = result.error {
                        tracing::debug!(pod = %pod_manager::full_name(pod), %message, "error syncing pod, will retry");
                        error = true;
                    }
                }
                Err(failure) => {
                    tracing::warn!(pod = %pod_manager::full_name(pod), error = %failure, "unable to read the pod's runtime status");
                    error = true;
                }
            }
        }
        self.report_status(pod).await;
        let terminal = deps
            .status
            .status(uid)
            .and_then(|status| status.phase)
            .is_some_and(|phase| phase == "Succeeded" || phase == "Failed");
        if terminal {
            Next::After(Duration::ZERO)
        } else if error {
            Next::After(RETRY_AFTER_ERROR)
        } else {
            Next::After(deps.resync_interval)
        }
    }

    /// Computes the pod's status from the runtime and hands it to the status manager.
    async fn report_status(&self, pod: &Arc<Pod>) {
        let deps = &self.deps;
        let uid = pod_manager::uid(pod);
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        match deps.runtime.pod_status(uid, name, namespace).await {
            Ok(current) => {
                let previous = deps.status.status(uid).or_else(|| pod.status.clone());
                let status = deps
                    .runtime
                    .api_pod_status(pod, &current, previous.as_ref());
                deps.status.set(pod, status);
            }
            Err(error) => {
                tracing::warn!(pod = %pod_manager::full_name(pod), %error, "unable to read the pod's runtime status")
            }
        }
    }

    /// Stops a deleted or finished pod's containers, reports the final status, tears down its
    /// volumes, and asks for the final removal of a deleted API pod. A second delete with a
    /// shorter grace period, seen while the containers are being stopped, stops them again
    /// within the new one (upstream cancels the running kill the same way).
    async fn terminate(
        &self,
        mut pod: Arc<Pod>,
        deleting: bool,
        wake: &mut mpsc::UnboundedReceiver<()>,
    ) -> Next {
        let deps = &self.deps;
        let uid = pod_manager::uid(&pod).to_owned();
        // A wake taken while stopping the containers may mean more than a new grace period
        // (the pod left its source, say): the worker looks again instead of idling.
        let mut woken = false;
        loop {
            let name = pod.metadata.name.as_deref().unwrap_or_default();
            let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
            let current = match deps.runtime.pod_status(&uid, name, namespace).await {
                Ok(current) => current,
                Err(error) => {
                    tracing::warn!(pod = %pod_manager::full_name(&pod), %error, "unable to read the pod's runtime status");
                    return Next::After(RETRY_AFTER_ERROR);
                }
            };
            if !current.is_running() {
                break;
            }
            let grace = if deleting {
                pod.metadata.deletion_grace_period_seconds
            } else {
                None
            };
            tokio::select! {
                killed = deps.runtime.kill_pod(Some(&pod), &current, grace) => {
                    if let Err(error) = killed {
                        tracing::warn!(pod = %pod_manager::full_name(&pod), %error, "failed to kill pod, will retry");
                        return Next::After(RETRY_AFTER_ERROR);
                    }
                    break;
                }
                updated = self.shorter_grace(&uid, &pod, grace, wake, &mut woken) => {
                    tracing::info!(
                        pod = %pod_manager::full_name(&updated),
                        grace = ?updated.metadata.deletion_grace_period_seconds,
                        "the grace period was shortened; stopping the containers again"
                    );
                    pod = updated;
                }
            }
        }
        self.report_status(&pod).await;
        deps.probes.remove_pod(&uid);
        if let Err(error) = deps.volumes.teardown_pod(&uid).await {
            tracing::warn!(pod = %pod_manager::full_name(&pod), %error, "failed to tear down volumes, will retry");
            return Next::After(RETRY_AFTER_ERROR);
        }
        if deleting && !pod_manager::is_static_pod(&pod) {
            deps.status.delete(&pod);
        }
        if woken {
            Next::After(Duration::ZERO)
        } else {
            Next::Idle
        }
    }

    /// Waits, while the containers of `pod` are being stopped within `grace`, until the pod is
    /// given a shorter grace period: by a second delete, or by leaving its source (a forced
    /// delete, which takes the shortest). Sets `woken` when it takes a wake.
    async fn shorter_grace(
        &self,
        uid: &str,
        pod: &Pod,
        grace: Option<i64>,
        wake: &mut mpsc::UnboundedReceiver<()>,
        woken: &mut bool,
    ) -> Arc<Pod> {
        loop {
            if wake.recv().await.is_none() {
                return std::future::pending().await;
            }
            *woken = true;
            let updated = self.deps.pods.pod_by_uid(uid).unwrap_or_else(|| {
                let mut gone = pod.clone();
                gone.metadata.deletion_grace_period_seconds = Some(0);
                Arc::new(gone)
            });
            if let (Some(new), Some(old)) = (updated.metadata.deletion_grace_period_seconds, grace)
                && new < old
            {
                return updated;
            }
        }
    }

    /// The pod left every source: kill whatever still runs and remove it from the runtime.
    async fn cleanup_gone(&self, uid: &str) -> Next {
        let deps = &self.deps;
        match deps.runtime.pod_status(uid, "", "").await {
            Ok(current) => {
                if current.is_running()
                    && let Err(error) = deps.runtime.kill_pod(None, &current, None).await
                {
                    tracing::warn!(%uid, %error, "failed to kill an orphaned pod, will retry");
                    return Next::After(RETRY_AFTER_ERROR);
                }
            }
            Err(error) => {
                tracing::warn!(%uid, %error, "unable to read the runtime status of a removed pod");
                return Next::After(RETRY_AFTER_ERROR);
            }
        }
        if let Err(error) = deps.runtime.remove_pod(uid).await {
            tracing::warn!(%uid, %error, "failed to remove a pod from the runtime, will retry");
            return Next::After(RETRY_AFTER_ERROR);
        }
        deps.probes.remove_pod(uid);
        deps.objects.unregister_pod(uid);
        if let Err(error) = deps.volumes.teardown_pod(uid).await {
            tracing::warn!(%uid, %error, "failed to tear down the volumes of a removed pod, will retry");
            return Next::After(RETRY_AFTER_ERROR);
        }
        deps.status.forget(uid);
        Next::Done
    }
}
