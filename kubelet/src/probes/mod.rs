//! Liveness, readiness and startup probes, one worker per probe, as upstream's prober manager
//! (`pkg/kubelet/prober`); and the lifecycle-hook handlers that share their exec/HTTP code.
//!
//! # Layout
//!
//! - this module: [`ProbeManager`] (workers by pod, container and kind; `UpdatePodStatus`) and
//!   the `prober_probe_total` metric.
//! - `worker`: the per-probe loop and its state machine (thresholds, initial delay, on-hold
//!   after a liveness/startup failure, container-ID changes).
//! - `results`: the latest result per (kind, container ID).
//! - `prober`: runs one probe (retries on errors, `Unhealthy`/`ProbeWarning` events).
//! - `exec`, `http`, `tcp`, `grpc`: the four probe mechanisms (upstream `pkg/probe/...`).
//! - [`handlers`]: postStart/preStop hooks.

mod exec;
pub mod handlers;
mod http;
mod prober;
mod results;
mod tcp;
mod worker;

mod grpc;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, PodStatus};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};
use tokio::sync::{mpsc, watch};

use crate::cri::RuntimeClient;
use crate::pod_manager::PodSyncTrigger;
use common::events::EventRecorder;

pub(crate) use prober::Probe;
use results::{ProbeResult, ResultsStore};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeKind {
    /// Upstream's `probeType.String()`: the word that starts event messages and the
    /// `probe_type` metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Startup => "Startup",
        }
    }

    fn spec(self, container: &Container) -> Option<&k8s_openapi::api::core::v1::Probe> {
        match self {
            ProbeKind::Liveness => container.liveness_probe.as_ref(),
            ProbeKind::Readiness => container.readiness_probe.as_ref(),
            ProbeKind::Startup => container.startup_probe.as_ref(),
        }
    }
}

impl fmt::Display for ProbeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The message of the `Killing` event when a failed liveness/startup probe restarts a
/// container (upstream `computePodActions`): `Container NAME failed liveness probe, will be
/// restarted` (or `…, will not be restarted` when the restart policy forbids it).
pub fn restart_message(kind: ProbeKind, container: &str, restart: bool) -> String {
    let kind = match kind {
        ProbeKind::Liveness => "liveness",
        ProbeKind::Readiness => "readiness",
        ProbeKind::Startup => "startup",
    };
    let tail = if restart {
        "will be restarted"
    } else {
        "will not be restarted"
    };
    format!("Container {container} failed {kind} probe, {tail}")
}

/// The container ID without its runtime scheme (`containerd://abc` → `abc`): results are keyed
/// by the bare ID so the runtime may ask with either form.
pub(crate) fn bare_id(id: &str) -> &str {
    id.split_once("://").map_or(id, |(_, id)| id)
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct WorkerKey {
    pod_uid: String,
    container: String,
    kind: ProbeKind,
}

struct WorkerHandle {
    /// Distinguishes a worker from its replacement under the same key.
    serial: u64,
    stop: watch::Sender<bool>,
    trigger: mpsc::Sender<()>,
}

/// The last pod and status [`ProbeManager::update_pod_status`] saw, which workers probe against
/// (upstream's workers read the status manager).
#[derive(Clone)]
pub(crate) struct PodSnapshot {
    pub pod: Arc<Pod>,
    pub status: Arc<PodStatus>,
}

/// `prober_probe_total{probe_type, result, container, pod, namespace, pod_uid}` and
/// `prober_probe_duration_seconds{probe_type, container, pod, namespace}` (observed for
/// successful and unknown results, as upstream).
#[derive(Clone)]
pub(crate) struct ProbeMetrics {
    pub probe_total: IntCounterVec,
    pub probe_duration: HistogramVec,
}

pub(crate) struct Shared {
    prober: Arc<dyn Probe>,
    results: ResultsStore,
    workers: Mutex<HashMap<WorkerKey, WorkerHandle>>,
    snapshots: Mutex<HashMap<String, PodSnapshot>>,
    resync: PodSyncTrigger,
    metrics: OnceLock<ProbeMetrics>,
    /// When the manager started: workers started soon after wait a random part of their
    /// period first, so a kubelet restart does not fire every probe at once.
    start: tokio::time::Instant,
    serial: std::sync::atomic::AtomicU64,
}

impl Shared {
    pub(crate) fn snapshot(&self, uid: &str) -> Option<PodSnapshot> {
        self.snapshots.lock().ok()?.get(uid).cloned()
    }

    /// Records a result; a change resyncs the pod as upstream's sync loop does (readiness and
    /// startup on every change, liveness on failures).
    pub(crate) fn set_result(
        &self,
        kind: ProbeKind,
        container_id: &str,
        result: ProbeResult,
        uid: &str,
    ) {
        if self.results.set(kind, container_id, result)
            && (kind != ProbeKind::Liveness || result == ProbeResult::Failure)
        {
            let _ = self.resync.send(uid.to_owned());
        }
    }

    pub(crate) fn remove_result(&self, kind: ProbeKind, container_id: &str) {
        self.results.remove(kind, container_id);
    }

    fn remove_worker(&self, key: &WorkerKey, serial: u64) {
        if let Ok(mut workers) = self.workers.lock()
            && workers.get(key).is_some_and(|w| w.serial == serial)
        {
            workers.remove(key);
        }
    }

    fn has_worker(&self, uid: &str, container: &str, kind: ProbeKind) -> bool {
        self.worker_trigger(uid, container, kind).is_some()
    }

    fn worker_trigger(
        &self,
        uid: &str,
        container: &str,
        kind: ProbeKind,
    ) -> Option<mpsc::Sender<()>> {
        let key = WorkerKey {
            pod_uid: uid.to_owned(),
            container: container.to_owned(),
            kind,
        };
        self.workers
            .lock()
            .ok()?
            .get(&key)
            .map(|w| w.trigger.clone())
    }
}

#[derive(Clone)]
pub struct ProbeManager {
    shared: Arc<Shared>,
}

impl ProbeManager {
    pub fn new(cri: RuntimeClient, events: EventRecorder, resync: PodSyncTrigger) -> Self {
        Self::with_prober(Arc::new(prober::Prober::new(cri, events)), resync)
    }

    /// A manager whose probes run through `prober` (tests script the results).
    pub(crate) fn with_prober(prober: Arc<dyn Probe>, resync: PodSyncTrigger) -> Self {
        ProbeManager {
            shared: Arc::new(Shared {
                prober,
                results: ResultsStore::default(),
                workers: Mutex::new(HashMap::new()),
                snapshots: Mutex::new(HashMap::new()),
                resync,
                metrics: OnceLock::new(),
                start: tokio::time::Instant::now(),
                serial: std::sync::atomic::AtomicU64::new(0),
            }),
        }
    }

    /// Registers `prober_probe_total` and `prober_probe_duration_seconds` (upstream's names
    /// and labels) on `registry`; probes count from then on. A second call is an error.
    pub fn register_metrics(&self, registry: &Registry) -> prometheus::Result<()> {
        let probe_total = IntCounterVec::new(
            Opts::new(
                "probe_total",
                "Cumulative number of a liveness, readiness or startup probe for a container by result.",
            )
            .subsystem("prober"),
            &["probe_type", "result", "container", "pod", "namespace", "pod_uid"],
        )?;
        let probe_duration = HistogramVec::new(
            HistogramOpts::new(
                "probe_duration_seconds",
                "Duration in seconds for a probe response.",
            )
            .subsystem("prober"),
            &["probe_type", "container", "pod", "namespace"],
        )?;
        registry.register(Box::new(probe_total.clone()))?;
        registry.register(Box::new(probe_duration.clone()))?;
        self.shared
            .metrics
            .set(ProbeMetrics {
                probe_total,
                probe_duration,
            })
            .map_err(|_| prometheus::Error::AlreadyReg)
    }

    /// Starts the probe workers of `pod`'s containers and restartable init containers
    /// (idempotent).
    pub fn add_pod(&self, pod: &Pod) {
        let Some(spec) = &pod.spec else { return };
        let Some(uid) = pod.metadata.uid.as_deref() else {
            return;
        };
        let pod = Arc::new(pod.clone());
        let sidecars = spec
            .init_containers
            .iter()
            .flatten()
            .filter(|c| c.restart_policy.as_deref() == Some("Always"));
        let Ok(mut workers) = self.shared.workers.lock() else {
            return;
        };
        for container in spec.containers.iter().chain(sidecars) {
            for kind in [
                ProbeKind::Startup,
                ProbeKind::Readiness,
                ProbeKind::Liveness,
            ] {
                let Some(probe) = kind.spec(container) else {
                    continue;
                };
                let key = WorkerKey {
                    pod_uid: uid.to_owned(),
                    container: container.name.clone(),
                    kind,
                };
                if workers.contains_key(&key) {
                    continue;
                }
                let serial = self
                    .shared
                    .serial
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let (stop, stop_rx) = watch::channel(false);
                let (trigger, trigger_rx) = mpsc::channel(1);
                let worker = worker::Worker::new(
                    self.shared.clone(),
                    kind,
                    pod.clone(),
                    container.clone(),
                    probe.clone(),
                );
                tokio::spawn(worker.run(key.clone(), serial, stop_rx, trigger_rx));
                workers.insert(
                    key,
                    WorkerHandle {
                        serial,
                        stop,
                        trigger,
                    },
                );
            }
        }
    }

    /// Stops the pod's probe workers and forgets its status.
    pub fn remove_pod(&self, uid: &str) {
        if let Ok(mut workers) = self.shared.workers.lock() {
            workers.retain(|key, handle| {
                if key.pod_uid == uid {
                    let _ = handle.stop.send(true);
                    false
                } else {
                    true
                }
            });
        }
        if let Ok(mut snapshots) = self.shared.snapshots.lock() {
            snapshots.remove(uid);
        }
    }

    /// Sets `ready` and `started` of the container statuses (and of restartable init
    /// containers) from the probe results, and remembers the pod and status the workers probe
    /// against (upstream `UpdatePodStatus`).
    pub fn update_pod_status(&self, pod: &Pod, status: &mut PodStatus) {
        let uid = pod.metadata.uid.as_deref().unwrap_or_default();
        for container in status.container_statuses.iter_mut().flatten() {
            self.set_started_and_ready(uid, container);
        }
        let init_specs = pod.spec.as_ref().and_then(|s| s.init_containers.as_ref());
        for container in status.init_container_statuses.iter_mut().flatten() {
            let started = self.is_started(uid, container);
            container.started = Some(started);
            let Some(spec) = init_specs.and_then(|s| s.iter().find(|c| c.name == container.name))
            else {
                continue;
            };
            if spec.restart_policy.as_deref() != Some("Always") {
                // A regular init container is ready once it completed (the runtime may have
                // defaulted `ready` to "running", which upstream never reports for these).
                container.ready = container
                    .state
                    .as_ref()
                    .and_then(|s| s.terminated.as_ref())
                    .is_some_and(|t| t.exit_code == 0);
                continue;
            }
            self.set_started_and_ready(uid, container);
        }
        if !uid.is_empty()
            && let Ok(mut snapshots) = self.shared.snapshots.lock()
        {
            snapshots.insert(
                uid.to_owned(),
                PodSnapshot {
                    pod: Arc::new(pod.clone()),
                    status: Arc::new(status.clone()),
                },
            );
        }
    }

    fn set_started_and_ready(&self, uid: &str, container: &mut ContainerStatus) {
        let started = self.is_started(uid, container);
        container.started = Some(started);
        if !started {
            return;
        }
        let running = container
            .state
            .as_ref()
            .is_some_and(|s| s.running.is_some());
        let id = container
            .container_id
            .as_deref()
            .map(bare_id)
            .unwrap_or_default();
        container.ready = if !running {
            false
        } else if self.shared.results.get(ProbeKind::Readiness, id) == Some(ProbeResult::Success) {
            true
        } else {
            match self
                .shared
                .worker_trigger(uid, &container.name, ProbeKind::Readiness)
            {
                // A readiness probe that has not succeeded yet: run it now.
                Some(trigger) => {
                    let _ = trigger.try_send(());
                    false
                }
                // No readiness probe: ready once started.
                None => true,
            }
        };
    }

    fn is_started(&self, uid: &str, container: &ContainerStatus) -> bool {
        if container
            .state
            .as_ref()
            .and_then(|s| s.running.as_ref())
            .is_none()
        {
            return false;
        }
        let id = container
            .container_id
            .as_deref()
            .map(bare_id)
            .unwrap_or_default();
        if let Some(result) = self.shared.results.get(ProbeKind::Startup, id) {
            return result == ProbeResult::Success;
        }
        !self
            .shared
            .has_worker(uid, &container.name, ProbeKind::Startup)
    }

    /// `Some` when the liveness or startup probe of this container failed, so it must restart.
    /// `container_id` may carry the runtime scheme (`containerd://…`) or not. Ask only about
    /// running containers: as upstream, a stopped container's results read as failures.
    pub fn restart_reason(&self, container_id: &str) -> Option<ProbeKind> {
        let id = bare_id(container_id);
        [ProbeKind::Liveness, ProbeKind::Startup]
            .into_iter()
            .find(|kind| self.shared.results.get(*kind, id) == Some(ProbeResult::Failure))
    }
}

#[cfg(test)]
mod tests;
