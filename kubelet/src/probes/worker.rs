//! One probe of one container, run every `periodSeconds` (upstream `prober/worker.go`).
//!
//! The worker reads the container's ID, state and start time from the last status the
//! manager saw. A new container ID resets its state to the kind's initial value (readiness:
//! failure, liveness: success, startup: unknown). Results only change after
//! `successThreshold`/`failureThreshold` equal outcomes in a row; after a liveness or startup
//! failure the worker holds until the runtime replaces the container.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, Probe as ProbeSpec};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, MissedTickBehavior};

use super::results::ProbeResult;
use super::{ProbeKind, Shared, WorkerKey, bare_id};

pub(crate) struct Worker {
    shared: Arc<Shared>,
    kind: ProbeKind,
    pod: Arc<Pod>,
    container: Container,
    spec: ProbeSpec,
    initial: ProbeResult,
    /// The container this worker last saw (bare ID, empty before the first).
    container_id: String,
    last_result: Option<ProbeResult>,
    /// How many probes in a row returned `last_result`.
    result_run: i32,
    /// Set after a liveness/startup failure: no probing until a new container ID.
    on_hold: bool,
    /// The container's age when first seen running, and when that was (monotonic), so the
    /// initial delay counts on the runtime's clock (paused in tests).
    seen_running: Option<(Duration, Instant)>,
}

impl Worker {
    pub(crate) fn new(
        shared: Arc<Shared>,
        kind: ProbeKind,
        pod: Arc<Pod>,
        container: Container,
        spec: ProbeSpec,
    ) -> Self {
        let initial = match kind {
            ProbeKind::Readiness => ProbeResult::Failure,
            ProbeKind::Liveness => ProbeResult::Success,
            ProbeKind::Startup => ProbeResult::Unknown,
        };
        Worker {
            shared,
            kind,
            pod,
            container,
            spec,
            initial,
            container_id: String::new(),
            last_result: None,
            result_run: 0,
            on_hold: false,
            seen_running: None,
        }
    }

    fn uid(&self) -> &str {
        self.pod.metadata.uid.as_deref().unwrap_or_default()
    }

    pub(crate) async fn run(
        mut self,
        key: WorkerKey,
        serial: u64,
        mut stop: watch::Receiver<bool>,
        mut trigger: mpsc::Receiver<()>,
    ) {
        let period = Duration::from_secs(self.spec.period_seconds.unwrap_or(10).max(1) as u64);
        // Right after a (kubelet) start, spread the first probes over one period.
        let mut stopped = false;
        if period > self.shared.start.elapsed() {
            let jitter = period.mul_f64(rand::random::<f64>());
            tokio::select! {
                _ = stop.changed() => stopped = true,
                _ = tokio::time::sleep(jitter) => {}
            }
        }
        if !stopped {
            let mut ticker = tokio::time::interval_at(Instant::now() + period, period);
            ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
            while self.do_probe().await {
                tokio::select! {
                    _ = stop.changed() => break,
                    _ = ticker.tick() => {}
                    Some(()) = trigger.recv() => {}
                }
            }
        }
        if !self.container_id.is_empty() {
            self.shared.remove_result(self.kind, &self.container_id);
        }
        self.shared.remove_worker(&key, serial);
        if let Some(metrics) = self.shared.metrics.get() {
            for result in ["successful", "failed", "unknown"] {
                let _ = metrics
                    .probe_total
                    .remove_label_values(&self.metric_labels(result));
            }
            let _ = metrics
                .probe_duration
                .remove_label_values(&self.duration_labels());
        }
        tracing::debug!(pod_uid = self.uid(), container = %self.container.name, kind = %self.kind, "probe worker stopped");
    }

    fn metric_labels<'a>(&'a self, result: &'a str) -> [&'a str; 6] {
        [
            self.kind.as_str(),
            result,
            &self.container.name,
            self.pod.metadata.name.as_deref().unwrap_or_default(),
            self.pod.metadata.namespace.as_deref().unwrap_or_default(),
            self.uid(),
        ]
    }

    fn duration_labels(&self) -> [&str; 4] {
        [
            self.kind.as_str(),
            &self.container.name,
            self.pod.metadata.name.as_deref().unwrap_or_default(),
            self.pod.metadata.namespace.as_deref().unwrap_or_default(),
        ]
    }

    /// Probes once if the container is due; false when the worker should stop.
    pub(crate) async fn do_probe(&mut self) -> bool {
        let Some(snapshot) = self.shared.snapshot(self.uid()) else {
            // No status yet (or the pod is gone).
            return true;
        };
        let status = &snapshot.status;
        if matches!(status.phase.as_deref(), Some("Failed" | "Succeeded")) {
            tracing::debug!(pod_uid = self.uid(), phase = ?status.phase, "pod terminated, stopping the probe worker");
            return false;
        }
        let find = |statuses: Option<&Vec<ContainerStatus>>| {
            statuses?
                .iter()
                .find(|c| {
                    c.name == self.container.name
                        && c.container_id.as_deref().is_some_and(|id| !id.is_empty())
                })
                .cloned()
        };
        let Some(current) = find(status.container_statuses.as_ref())
            .or_else(|| find(status.init_container_statuses.as_ref()))
        else {
            return true;
        };
        let id = bare_id(current.container_id.as_deref().unwrap_or_default()).to_owned();
        let uid = self.uid().to_owned();
        if id != self.container_id {
            if !self.container_id.is_empty() {
                self.shared.remove_result(self.kind, &self.container_id);
            }
            self.container_id = id;
            self.shared
                .set_result(self.kind, &self.container_id, self.initial, &uid);
            self.on_hold = false;
            self.seen_running = None;
        }
        if self.on_hold {
            return true;
        }

        let state = current.state.clone().unwrap_or_default();
        let Some(running) = state.running else {
            self.shared
                .set_result(self.kind, &self.container_id, ProbeResult::Failure, &uid);
            self.seen_running = None;
            let never = self.container.restart_policy.as_deref() != Some("Always")
                && snapshot
                    .pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.restart_policy.as_deref())
                    == Some("Never");
            return state.terminated.is_none() || !never;
        };

        // Graceful shutdown: liveness and startup stop quietly with a success.
        if snapshot.pod.metadata.deletion_timestamp.is_some()
            && matches!(self.kind, ProbeKind::Liveness | ProbeKind::Startup)
        {
            self.shared
                .set_result(self.kind, &self.container_id, ProbeResult::Success, &uid);
            return false;
        }

        let (age, seen) = *self.seen_running.get_or_insert_with(|| {
            let age = running
                .started_at
                .as_ref()
                .and_then(|t| jiff::Timestamp::now().duration_since(t.0).try_into().ok())
                .unwrap_or(Duration::ZERO);
            (age, Instant::now())
        });
        let elapsed = age + seen.elapsed();
        let initial_delay = self.spec.initial_delay_seconds.unwrap_or(0).max(0) as u64;
        if elapsed < Duration::from_secs(initial_delay) {
            return true;
        }

        if current.started == Some(true) {
            // Startup is done; the worker stays for the container's successors.
            if self.kind == ProbeKind::Startup {
                return true;
            }
        } else if self.kind != ProbeKind::Startup {
            // Liveness and readiness wait for the startup probe.
            return true;
        }

        let probe_start = Instant::now();
        let result = match self
            .shared
            .prober
            .probe(
                self.kind,
                &snapshot.pod,
                status,
                &self.container,
                &self.container_id,
            )
            .await
        {
            Ok(result) => result,
            // A prober error (event already recorded): the result is thrown away.
            Err(_) => return true,
        };
        if let Some(metrics) = self.shared.metrics.get() {
            let label = match result {
                ProbeResult::Success => "successful",
                ProbeResult::Failure => "failed",
                ProbeResult::Unknown => "unknown",
            };
            metrics
                .probe_total
                .with_label_values(&self.metric_labels(label))
                .inc();
            if result != ProbeResult::Failure {
                metrics
                    .probe_duration
                    .with_label_values(&self.duration_labels())
                    .observe(probe_start.elapsed().as_secs_f64());
            }
        }

        if self.last_result == Some(result) {
            self.result_run += 1;
        } else {
            self.last_result = Some(result);
            self.result_run = 1;
        }
        let failure_threshold = self.spec.failure_threshold.unwrap_or(3).max(1);
        let success_threshold = self.spec.success_threshold.unwrap_or(1).max(1);
        if (result == ProbeResult::Failure && self.result_run < failure_threshold)
            || (result == ProbeResult::Success && self.result_run < success_threshold)
        {
            return true;
        }
        self.shared
            .set_result(self.kind, &self.container_id, result, &uid);
        if matches!(self.kind, ProbeKind::Liveness | ProbeKind::Startup)
            && result == ProbeResult::Failure
        {
            // The runtime restarts the container; wait for the new one.
            self.on_hold = true;
            self.result_run = 0;
        }
        true
    }
}
