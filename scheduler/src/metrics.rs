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
}

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
        registry.register(Box::new(schedule_attempts.clone()))?;
        registry.register(Box::new(attempt_duration.clone()))?;
        registry.register(Box::new(pending_pods.clone()))?;
        Ok(Self {
            schedule_attempts,
            attempt_duration,
            pending_pods,
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
