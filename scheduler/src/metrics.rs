//! The scheduler's metrics, with upstream's names (`pkg/scheduler/metrics/metrics.go`).

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};

use crate::queue::Pending;

/// The metrics, registered on the daemon's registry.
#[derive(Clone)]
pub struct Metrics {
    /// `scheduler_schedule_attempts_total{result,profile}`.
    pub schedule_attempts: IntCounterVec,
    /// `scheduler_scheduling_attempt_duration_seconds{result,profile}`.
    pub attempt_duration: HistogramVec,
    /// `scheduler_pending_pods{queue}`.
    pub pending_pods: IntGaugeVec,
    /// `scheduler_framework_extension_point_duration_seconds{extension_point,status,profile}`.
    pub extension_point_duration: HistogramVec,
    /// `scheduler_plugin_execution_duration_seconds{plugin,extension_point,status}`, for a
    /// sample of the cycles.
    pub plugin_execution_duration: HistogramVec,
}

/// The share of scheduling cycles whose plugins are timed one by one (upstream's 10 %).
pub const PLUGIN_METRICS_SAMPLE_PERCENT: u32 = 10;

/// `result` label values.
pub const SCHEDULED: &str = "scheduled";
/// A pod no node fits.
pub const UNSCHEDULABLE: &str = "unschedulable";
/// An internal error (a plugin or the binding).
pub const ERROR: &str = "error";

impl Metrics {
    /// Registers the metrics on `registry`.
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let schedule_attempts = IntCounterVec::new(
            Opts::new(
                "scheduler_schedule_attempts_total",
                "Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.",
            ),
            &["result", "profile"],
        )?;
        let attempt_duration = HistogramVec::new(
            HistogramOpts::new(
                "scheduler_scheduling_attempt_duration_seconds",
                "Scheduling attempt latency in seconds (scheduling algorithm + binding)",
            )
            .buckets(prometheus::exponential_buckets(0.001, 2.0, 15)?),
            &["result", "profile"],
        )?;
        let pending_pods = IntGaugeVec::new(
            Opts::new(
                "scheduler_pending_pods",
                "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods that the scheduler attempted to schedule and failed; 'gated' is the number of unschedulable pods that the scheduler never attempted to schedule because they are gated.",
            ),
            &["queue"],
        )?;
        let extension_point_duration = HistogramVec::new(
            HistogramOpts::new(
                "scheduler_framework_extension_point_duration_seconds",
                "Latency for running all plugins of a specific extension point.",
            )
            .buckets(prometheus::exponential_buckets(0.0001, 2.0, 12)?),
            &["extension_point", "status", "profile"],
        )?;
        let plugin_execution_duration = HistogramVec::new(
            HistogramOpts::new(
                "scheduler_plugin_execution_duration_seconds",
                "Duration for running a plugin at a specific extension point.",
            )
            .buckets(prometheus::exponential_buckets(0.00001, 1.5, 20)?),
            &["plugin", "extension_point", "status"],
        )?;
        registry.register(Box::new(extension_point_duration.clone()))?;
        registry.register(Box::new(plugin_execution_duration.clone()))?;
        registry.register(Box::new(schedule_attempts.clone()))?;
        registry.register(Box::new(attempt_duration.clone()))?;
        registry.register(Box::new(pending_pods.clone()))?;
        Ok(Self {
            schedule_attempts,
            attempt_duration,
            pending_pods,
            extension_point_duration,
            plugin_execution_duration,
        })
    }

    /// Records one attempt.
    pub fn attempt(&self, result: &str, profile: &str, seconds: f64) {
        self.schedule_attempts
            .with_label_values(&[result, profile])
            .inc();
        self.attempt_duration
            .with_label_values(&[result, profile])
            .observe(seconds);
    }

    /// Sets the pending gauges.
    pub fn pending(&self, pending: Pending) {
        let set = |queue: &str, n: usize| {
            self.pending_pods
                .with_label_values(&[queue])
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        };
        set("active", pending.active);
        set("backoff", pending.backoff);
        set("unschedulable", pending.unschedulable);
        set("gated", pending.gated);
    }
}

/// Upstream's `Code.String()`, the `status` label.
pub fn status_label(code: crate::framework::Code) -> &'static str {
    use crate::framework::Code;
    match code {
        Code::Success => "Success",
        Code::Error => "Error",
        Code::Unschedulable => "Unschedulable",
        Code::UnschedulableAndUnresolvable => "UnschedulableAndUnresolvable",
        Code::Skip => "Skip",
        Code::Wait => "Wait",
    }
}

impl Metrics {
    /// Records one extension point of one cycle.
    pub fn extension_point(
        &self,
        point: &str,
        code: crate::framework::Code,
        profile: &str,
        seconds: f64,
    ) {
        self.extension_point_duration
            .with_label_values(&[point, status_label(code), profile])
            .observe(seconds);
    }

    /// Records one plugin run in a sampled cycle.
    pub fn plugin(&self, plugin: &str, point: &str, code: crate::framework::Code, seconds: f64) {
        self.plugin_execution_duration
            .with_label_values(&[plugin, point, status_label(code)])
            .observe(seconds);
    }
}
