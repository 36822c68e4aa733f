//! The per-zone, rate-limited queue of nodes waiting for a `NoExecute` taint (upstream's
//! `RateLimitedTimedQueue` with a token bucket of `--node-eviction-rate` per second and a
//! burst of 1): however many nodes of a zone fail at once, they are tainted — and their pods
//! evicted — at most at that rate.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

/// A token bucket; a rate of zero refuses everything (upstream's fake "always reject"
/// limiter).
#[derive(Debug)]
pub struct TokenBucket {
    qps: f64,
    burst: f64,
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(qps: f64, burst: u32, now: Instant) -> Self {
        Self {
            qps,
            burst: f64::from(burst),
            tokens: f64::from(burst),
            updated: now,
        }
    }

    /// Takes a token if there is one.
    pub fn try_accept(&mut self, now: Instant) -> bool {
        if self.qps <= 0.0 {
            return false;
        }
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.updated = now;
        self.tokens = (self.tokens + elapsed * self.qps).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The burst of the per-zone eviction limiter (upstream's `EvictionRateLimiterBurst`).
pub const EVICTION_BURST: u32 = 1;

#[derive(Debug, Clone)]
struct Entry {
    node: String,
    process_at: Instant,
}

/// One zone's queue of node names.
#[derive(Debug)]
pub struct EvictionQueue {
    queue: VecDeque<Entry>,
    /// Nodes added and not removed, including those already processed: a node is queued once
    /// until [`EvictionQueue::remove`] (upstream's `UniqueQueue` set).
    known: HashSet<String>,
    limiter: TokenBucket,
}

impl EvictionQueue {
    pub fn new(qps: f64, now: Instant) -> Self {
        Self {
            queue: VecDeque::new(),
            known: HashSet::new(),
            limiter: TokenBucket::new(qps, EVICTION_BURST, now),
        }
    }

    /// Queues `node` unless it is known; whether it was added.
    pub fn add(&mut self, node: &str, now: Instant) -> bool {
        if !self.known.insert(node.to_owned()) {
            return false;
        }
        self.queue.push_back(Entry {
            node: node.to_owned(),
            process_at: now,
        });
        true
    }

    /// Forgets `node` entirely; whether it was known.
    pub fn remove(&mut self, node: &str) -> bool {
        self.queue.retain(|e| e.node != node);
        self.known.remove(node)
    }

    /// Replaces the limiter with one of `qps` (upstream's `SwapLimiter`).
    pub fn swap_limiter(&mut self, qps: f64, now: Instant) {
        if (self.limiter.qps - qps).abs() > f64::EPSILON {
            self.limiter = TokenBucket::new(qps, EVICTION_BURST, now);
            if qps > 0.0 {
                // A new limiter starts empty but for its burst, as upstream's.
                self.limiter.tokens = 0.0;
            }
        }
    }

    /// The nodes whose turn it is, as far as the limiter allows, in order. Each is taken out
    /// of the queue (it stays known); call [`EvictionQueue::retry`] for one that failed.
    pub fn take_due(&mut self, now: Instant) -> Vec<String> {
        let mut due = Vec::new();
        while let Some(head) = self.queue.front() {
            if head.process_at > now || !self.limiter.try_accept(now) {
                break;
            }
            if let Some(entry) = self.queue.pop_front() {
                due.push(entry.node);
            }
        }
        due
    }

    /// Puts `node` back to be tried again after `wait`.
    pub fn retry(&mut self, node: &str, now: Instant, wait: Duration) {
        if self.known.contains(node) && !self.queue.iter().any(|e| e.node == node) {
            self.queue.push_back(Entry {
                node: node.to_owned(),
                process_at: now + wait,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn nodes_of_a_zone_are_released_at_the_eviction_rate() {
        let t0 = Instant::now();
        let mut queue = EvictionQueue::new(0.1, t0);
        assert!(queue.add("a", t0));
        assert!(queue.add("b", t0));
        assert!(!queue.add("a", t0));
        assert_eq!(queue.take_due(t0), ["a"]);
        assert!(queue.take_due(t0 + Duration::from_secs(5)).is_empty());
        assert_eq!(queue.take_due(t0 + Duration::from_secs(11)), ["b"]);
        // Processed nodes stay known until removed.
        assert!(!queue.add("a", t0));
        assert!(queue.remove("a"));
        assert!(queue.add("a", t0));
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_rate_stops_evictions() {
        let t0 = Instant::now();
        let mut queue = EvictionQueue::new(0.1, t0);
        queue.swap_limiter(0.0, t0);
        queue.add("a", t0);
        assert!(queue.take_due(t0 + Duration::from_secs(100)).is_empty());
        queue.swap_limiter(0.1, t0);
        assert_eq!(queue.take_due(t0 + Duration::from_secs(10)), ["a"]);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_nodes_are_retried_later() {
        let t0 = Instant::now();
        let mut queue = EvictionQueue::new(100.0, t0);
        queue.add("a", t0);
        assert_eq!(queue.take_due(t0), ["a"]);
        queue.retry("a", t0, Duration::from_millis(50));
        assert!(queue.take_due(t0).is_empty());
        assert_eq!(queue.take_due(t0 + Duration::from_millis(60)), ["a"]);
    }
}
