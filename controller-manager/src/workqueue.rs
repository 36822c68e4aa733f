//! The work queue of one controller, with client-go's semantics (`util/workqueue`):
//!
//! - a key is queued at most once; a key added while a worker processes it is queued again
//!   when that worker calls [`WorkQueue::done`], so no two workers ever sync the same key;
//! - [`WorkQueue::add_after`] delays a key (keeping the earliest of several delays);
//! - [`WorkQueue::add_rate_limited`] retries with per-key exponential back-off (5 ms doubling
//!   to 1000 s) combined with an overall token bucket (10/s, burst 100), as upstream's default
//!   controller rate limiter; [`WorkQueue::forget`] resets a key's back-off.
//!
//! Metrics carry upstream's names with the queue's `name` label.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};
use tokio::sync::Notify;

/// Upstream's workqueue metrics, one set for every queue of the process.
#[derive(Clone)]
pub struct WorkQueueMetrics {
    depth: IntGaugeVec,
    adds: IntCounterVec,
    queue_duration: HistogramVec,
    work_duration: HistogramVec,
    retries: IntCounterVec,
    unfinished_work: prometheus::GaugeVec,
    longest_running: prometheus::GaugeVec,
}

impl WorkQueueMetrics {
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        // Upstream's buckets: 10ns to 10s, by powers of ten.
        let buckets = prometheus::exponential_buckets(1e-8, 10.0, 10)?;
        let metrics = Self {
            depth: IntGaugeVec::new(
                Opts::new("workqueue_depth", "Current depth of workqueue"),
                &["name"],
            )?,
            adds: IntCounterVec::new(
                Opts::new(
                    "workqueue_adds_total",
                    "Total number of adds handled by workqueue",
                ),
                &["name"],
            )?,
            queue_duration: HistogramVec::new(
                HistogramOpts::new(
                    "workqueue_queue_duration_seconds",
                    "How long in seconds an item stays in workqueue before being requested.",
                )
                .buckets(buckets.clone()),
                &["name"],
            )?,
            work_duration: HistogramVec::new(
                HistogramOpts::new(
                    "workqueue_work_duration_seconds",
                    "How long in seconds processing an item from workqueue takes.",
                )
                .buckets(buckets),
                &["name"],
            )?,
            retries: IntCounterVec::new(
                Opts::new(
                    "workqueue_retries_total",
                    "Total number of retries handled by workqueue",
                ),
                &["name"],
            )?,
            unfinished_work: prometheus::GaugeVec::new(
                Opts::new(
                    "workqueue_unfinished_work_seconds",
                    "How many seconds of work has done that is in progress and hasn't been \
                     observed by work_duration. Large values indicate stuck threads. One can \
                     deduce the number of stuck threads by observing the rate at which this \
                     increases.",
                ),
                &["name"],
            )?,
            longest_running: prometheus::GaugeVec::new(
                Opts::new(
                    "workqueue_longest_running_processor_seconds",
                    "How many seconds has the longest running processor for workqueue been \
                     running.",
                ),
                &["name"],
            )?,
        };
        registry.register(Box::new(metrics.depth.clone()))?;
        registry.register(Box::new(metrics.adds.clone()))?;
        registry.register(Box::new(metrics.queue_duration.clone()))?;
        registry.register(Box::new(metrics.work_duration.clone()))?;
        registry.register(Box::new(metrics.retries.clone()))?;
        registry.register(Box::new(metrics.unfinished_work.clone()))?;
        registry.register(Box::new(metrics.longest_running.clone()))?;
        Ok(metrics)
    }

    /// Metrics registered nowhere, for tests.
    pub fn unregistered() -> Self {
        Self::register(&Registry::new()).expect("fresh registry")
    }
}

#[derive(Default)]
struct State {
    queue: VecDeque<String>,
    dirty: HashSet<String>,
    processing: HashMap<String, Instant>,
    queued_at: HashMap<String, Instant>,
    waiting: BinaryHeap<Reverse<(Instant, u64, String)>>,
    waiting_until: HashMap<String, Instant>,
    sequence: u64,
    failures: HashMap<String, u32>,
    bucket_tokens: f64,
    bucket_updated: Option<Instant>,
    shutting_down: bool,
}

/// One controller's queue of keys.
pub struct WorkQueue {
    name: String,
    state: Mutex<State>,
    ready: Notify,
    timer: Notify,
    metrics: WorkQueueMetrics,
}

const BASE_DELAY: Duration = Duration::from_millis(5);
const MAX_DELAY: Duration = Duration::from_secs(1000);
const BUCKET_QPS: f64 = 10.0;
const BUCKET_BURST: f64 = 100.0;

impl WorkQueue {
    /// A queue named `name` (the metrics' label); its delay timer runs on the current runtime.
    pub fn new(name: &str, metrics: WorkQueueMetrics) -> Arc<Self> {
        let queue = Arc::new(Self {
            name: name.to_owned(),
            state: Mutex::new(State {
                bucket_tokens: BUCKET_BURST,
                ..State::default()
            }),
            ready: Notify::new(),
            timer: Notify::new(),
            metrics,
        });
        tokio::spawn(Self::run_timer(queue.clone()));
        queue
    }

    /// The queue's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `key` unless it is queued already.
    pub fn add(&self, key: impl Into<String>) {
        let key = key.into();
        let mut state = self.lock();
        self.add_locked(&mut state, key);
    }

    fn add_locked(&self, state: &mut State, key: String) {
        if state.shutting_down || state.dirty.contains(&key) {
            return;
        }
        self.metrics.adds.with_label_values(&[&self.name]).inc();
        state.dirty.insert(key.clone());
        if state.processing.contains_key(&key) {
            return;
        }
        state.queued_at.insert(key.clone(), Instant::now());
        state.queue.push_back(key);
        self.metrics
            .depth
            .with_label_values(&[&self.name])
            .set(state.queue.len() as i64);
        self.ready.notify_one();
    }

    /// Queues `key` after `delay` (at once when zero); an earlier pending delay wins.
    pub fn add_after(&self, key: impl Into<String>, delay: Duration) {
        let key = key.into();
        if delay.is_zero() {
            return self.add(key);
        }
        let at = Instant::now() + delay;
        let mut state = self.lock();
        if state.shutting_down {
            return;
        }
        if let Some(existing) = state.waiting_until.get(&key)
            && *existing <= at
        {
            return;
        }
        state.waiting_until.insert(key.clone(), at);
        state.sequence += 1;
        let sequence = state.sequence;
        state.waiting.push(Reverse((at, sequence, key)));
        drop(state);
        self.timer.notify_one();
    }

    /// Queues `key` again after its back-off: a failed sync's retry.
    pub fn add_rate_limited(&self, key: impl Into<String>) {
        let key = key.into();
        let delay = {
            let mut state = self.lock();
            let failures = state.failures.entry(key.clone()).or_insert(0);
            let exponent = (*failures).min(30);
            *failures += 1;
            let per_item = BASE_DELAY
                .checked_mul(1u32 << exponent)
                .unwrap_or(MAX_DELAY)
                .min(MAX_DELAY);
            // The overall bucket: a token per retry, refilled at BUCKET_QPS.
            let now = Instant::now();
            let elapsed = state
                .bucket_updated
                .map(|t| now.duration_since(t).as_secs_f64())
                .unwrap_or(0.0);
            state.bucket_updated = Some(now);
            state.bucket_tokens = (state.bucket_tokens + elapsed * BUCKET_QPS).min(BUCKET_BURST);
            state.bucket_tokens -= 1.0;
            let bucket = if state.bucket_tokens >= 0.0 {
                Duration::ZERO
            } else {
                Duration::from_secs_f64(-state.bucket_tokens / BUCKET_QPS)
            };
            per_item.max(bucket)
        };
        self.metrics.retries.with_label_values(&[&self.name]).inc();
        self.add_after(key, delay);
    }

    /// Forgets `key`'s failures, so its next retry starts at the base delay.
    pub fn forget(&self, key: &str) {
        self.lock().failures.remove(key);
    }

    /// How often `key` has been retried since it was last forgotten.
    pub fn requeues(&self, key: &str) -> u32 {
        self.lock().failures.get(key).copied().unwrap_or(0)
    }

    /// The number of queued keys.
    pub fn len(&self) -> usize {
        self.lock().queue.len()
    }

    /// Whether no key is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next key to process, waiting for one; `None` once shut down. Call
    /// [`WorkQueue::done`] with it after processing.
    pub async fn get(&self) -> Option<String> {
        loop {
            let notified = self.ready.notified();
            {
                let mut state = self.lock();
                if let Some(key) = state.queue.pop_front() {
                    let now = Instant::now();
                    if let Some(at) = state.queued_at.remove(&key) {
                        self.metrics
                            .queue_duration
                            .with_label_values(&[&self.name])
                            .observe(now.duration_since(at).as_secs_f64());
                    }
                    state.dirty.remove(&key);
                    state.processing.insert(key.clone(), now);
                    self.metrics
                        .depth
                        .with_label_values(&[&self.name])
                        .set(state.queue.len() as i64);
                    if !state.queue.is_empty() {
                        self.ready.notify_one();
                    }
                    return Some(key);
                }
                if state.shutting_down {
                    self.ready.notify_one();
                    return None;
                }
            }
            notified.await;
        }
    }

    /// Marks `key` processed; queues it again if it was added meanwhile.
    pub fn done(&self, key: &str) {
        let mut state = self.lock();
        if let Some(started) = state.processing.remove(key) {
            self.metrics
                .work_duration
                .with_label_values(&[&self.name])
                .observe(started.elapsed().as_secs_f64());
        }
        if state.dirty.contains(key) && !state.shutting_down {
            state.queued_at.insert(key.to_owned(), Instant::now());
            state.queue.push_back(key.to_owned());
            self.metrics
                .depth
                .with_label_values(&[&self.name])
                .set(state.queue.len() as i64);
            self.ready.notify_one();
        }
    }

    /// Stops handing out keys; workers' [`WorkQueue::get`] returns `None`.
    pub fn shut_down(&self) {
        self.lock().shutting_down = true;
        self.ready.notify_waiters();
        self.ready.notify_one();
        self.timer.notify_one();
    }

    /// Refreshes the in-progress gauges (upstream updates them every 500 ms).
    pub fn update_unfinished_work(&self) {
        let state = self.lock();
        let now = Instant::now();
        let mut total = 0.0;
        let mut longest = 0.0f64;
        for started in state.processing.values() {
            let seconds = now.duration_since(*started).as_secs_f64();
            total += seconds;
            longest = longest.max(seconds);
        }
        self.metrics
            .unfinished_work
            .with_label_values(&[&self.name])
            .set(total);
        self.metrics
            .longest_running
            .with_label_values(&[&self.name])
            .set(longest);
    }

    /// Moves delayed keys into the queue when their time comes.
    /// The task holds the queue until [`WorkQueue::shut_down`].
    async fn run_timer(this: Arc<Self>) {
        loop {
            let notified = this.timer.notified();
            let next = {
                let mut state = this.lock();
                if state.shutting_down {
                    return;
                }
                let now = Instant::now();
                while let Some(Reverse((at, _, _))) = state.waiting.peek() {
                    if *at > now {
                        break;
                    }
                    let Some(Reverse((at, _, key))) = state.waiting.pop() else {
                        break;
                    };
                    // A later, superseded entry of a key re-added earlier is skipped.
                    if state.waiting_until.get(&key) == Some(&at) {
                        state.waiting_until.remove(&key);
                        this.add_locked(&mut state, key);
                    }
                }
                state.waiting.peek().map(|Reverse((at, _, _))| *at)
            };
            match next {
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at.into()) => {}
                        () = notified => {}
                    }
                }
                None => notified.await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_key_is_queued_once_and_requeued_if_added_while_processing() {
        let queue = WorkQueue::new("test", WorkQueueMetrics::unregistered());
        queue.add("a");
        queue.add("a");
        queue.add("b");
        assert_eq!(queue.len(), 2);
        let first = queue.get().await.unwrap();
        assert_eq!(first, "a");
        queue.add("a");
        // Not handed out twice while processing.
        assert_eq!(queue.get().await.unwrap(), "b");
        assert!(queue.is_empty());
        queue.done("a");
        assert_eq!(queue.get().await.unwrap(), "a");
        queue.done("a");
        queue.done("b");
        assert!(queue.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn delayed_keys_arrive_after_their_delay_and_the_earliest_delay_wins() {
        let queue = WorkQueue::new("test", WorkQueueMetrics::unregistered());
        queue.add_after("late", Duration::from_secs(10));
        queue.add_after("late", Duration::from_secs(2));
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(queue.is_empty());
        let key = tokio::time::timeout(Duration::from_secs(5), queue.get()).await;
        assert_eq!(key.unwrap().unwrap(), "late");
    }

    #[tokio::test]
    async fn rate_limited_retries_back_off_exponentially_until_forgotten() {
        let queue = WorkQueue::new("test", WorkQueueMetrics::unregistered());
        for _ in 0..3 {
            queue.add_rate_limited("k");
        }
        assert_eq!(queue.requeues("k"), 3);
        queue.forget("k");
        assert_eq!(queue.requeues("k"), 0);
    }

    #[tokio::test]
    async fn shut_down_releases_waiting_workers() {
        let queue = WorkQueue::new("test", WorkQueueMetrics::unregistered());
        let waiter = {
            let queue = queue.clone();
            tokio::spawn(async move { queue.get().await })
        };
        tokio::task::yield_now().await;
        queue.shut_down();
        assert_eq!(waiter.await.unwrap(), None);
    }
}
