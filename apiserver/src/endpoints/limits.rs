//! Overload protection: at most `--max-requests-inflight` read-only and
//! `--max-mutating-requests-inflight` mutating requests at once, and a deadline of
//! `--request-timeout` (shortened by a request's own `?timeout=`) after which a request is
//! answered with 504. Long-running requests (watches, and the log, exec, attach,
//! port-forward and proxy subresources) count against neither.
//!
//! A request over its limit waits for a seat, first come first served, as upstream 1.34's
//! default (API Priority and Fairness) queues instead of refusing brief bursts: for at most a
//! quarter of its deadline (never over a minute, upstream's `getRequestWaitContext`), and only
//! while no more requests wait than the pool has seats. Otherwise it is refused with 429 and
//! `Retry-After: 1`. There are no FlowSchemas or priority levels (design notes).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::request_info::RequestInfo;
use super::status::ApiError;

/// Subresources whose requests stream for as long as the client wants.
const LONG_RUNNING_SUBRESOURCES: [&str; 5] = ["log", "exec", "attach", "portforward", "proxy"];

/// The longest any request waits for a seat (upstream's hard limit on queue waits).
const MAX_QUEUE_WAIT: Duration = Duration::from_secs(60);

/// Whether a request streams (upstream's `LongRunningRequestCheck`).
pub fn is_long_running(info: &RequestInfo) -> bool {
    info.verb == "watch"
        || (info.is_resource_request
            && LONG_RUNNING_SUBRESOURCES.contains(&info.subresource.as_str()))
}

fn is_mutating(info: &RequestInfo) -> bool {
    if info.is_resource_request {
        !matches!(info.verb.as_str(), "get" | "list" | "watch")
    } else {
        !matches!(info.verb.as_str(), "get" | "head" | "options")
    }
}

/// The seats of one kind of request and its queue.
struct Pool {
    seats: Arc<Semaphore>,
    /// Requests waiting for a seat now.
    waiting: AtomicUsize,
    /// At most this many may wait.
    queue_limit: usize,
}

/// Counts one waiting request for as long as it waits, also when its future is dropped.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Pool {
    fn new(seats: usize) -> Self {
        Pool {
            seats: Arc::new(Semaphore::new(seats)),
            waiting: AtomicUsize::new(0),
            queue_limit: seats,
        }
    }

    async fn take(&self, wait: Duration) -> Result<OwnedSemaphorePermit, ApiError> {
        let refused = || ApiError::too_many_requests(TOO_MANY_REQUESTS, 1);
        if let Ok(permit) = self.seats.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let ahead = self.waiting.fetch_add(1, Ordering::AcqRel);
        let _waiting = Waiting(&self.waiting);
        if ahead >= self.queue_limit {
            return Err(refused());
        }
        match tokio::time::timeout(wait, self.seats.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(refused()),
        }
    }
}

pub struct RequestLimits {
    read_only: Option<Pool>,
    mutating: Option<Pool>,
    timeout: Duration,
}

impl RequestLimits {
    /// Limits of 0 mean unlimited, as upstream's flags.
    pub fn new(max_read_only: usize, max_mutating: usize, timeout: Duration) -> Self {
        let limit = |max: usize| (max > 0).then(|| Pool::new(max));
        RequestLimits {
            read_only: limit(max_read_only),
            mutating: limit(max_mutating),
            timeout,
        }
    }

    /// Admits a request whose deadline is `deadline` ([`Self::deadline`]), waiting for a seat
    /// when its kind is at its limit, or refuses it with 429. The permit is held until the
    /// request is answered.
    pub async fn admit(
        &self,
        info: &RequestInfo,
        deadline: Option<Duration>,
    ) -> Result<Option<OwnedSemaphorePermit>, ApiError> {
        if is_long_running(info) {
            return Ok(None);
        }
        let pool = if is_mutating(info) {
            &self.mutating
        } else {
            &self.read_only
        };
        let Some(pool) = pool else {
            return Ok(None);
        };
        let wait = deadline.map_or(MAX_QUEUE_WAIT, |d| (d / 4).min(MAX_QUEUE_WAIT));
        pool.take(wait).await.map(Some)
    }

    /// How long a request may take: `None` for long-running ones; otherwise the server's
    /// timeout, or the request's `timeout` parameter when that is shorter.
    pub fn deadline(&self, info: &RequestInfo, query: &str) -> Option<Duration> {
        if is_long_running(info) {
            return None;
        }
        let requested = form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "timeout")
            .and_then(|(_, value)| common::go_duration::parse(&value).ok())
            .filter(|d| !d.is_zero());
        Some(match requested {
            Some(requested) => requested.min(self.timeout),
            None => self.timeout,
        })
    }
}

/// What upstream's in-flight limit answers.
pub const TOO_MANY_REQUESTS: &str = "Too many requests, please try again later.";

/// What upstream's timeout filter answers.
pub fn timed_out() -> ApiError {
    ApiError::timeout(
        "request did not complete within requested timeout - context deadline exceeded",
        0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(method: &str, path: &str, query: &str) -> RequestInfo {
        RequestInfo::parse(method, path, query)
    }

    #[tokio::test]
    async fn limits_count_read_only_and_mutating_requests_apart() {
        let limits = RequestLimits::new(1, 1, Duration::from_secs(60));
        let get = info("GET", "/api/v1/namespaces/a/pods/p", "");
        let create = info("POST", "/api/v1/namespaces/a/pods", "");
        let no_wait = Some(Duration::ZERO);
        let held = limits.admit(&get, no_wait).await.unwrap();
        assert!(held.is_some());
        let refused = limits.admit(&get, no_wait).await.unwrap_err();
        assert_eq!(refused.code(), 429);
        assert_eq!(refused.retry_after_seconds(), Some(1));
        // Mutating requests have their own pool; watches and exec none.
        let _write = limits.admit(&create, no_wait).await.unwrap();
        assert!(limits.admit(&create, no_wait).await.is_err());
        let watch = info("GET", "/api/v1/pods", "watch=true");
        assert!(limits.admit(&watch, no_wait).await.unwrap().is_none());
        drop(held);
        assert!(limits.admit(&get, no_wait).await.unwrap().is_some());
        let unlimited = RequestLimits::new(0, 0, Duration::from_secs(60));
        assert!(unlimited.admit(&create, no_wait).await.unwrap().is_none());
    }

    /// Over the limit, requests wait for a seat in arrival order instead of being refused,
    /// up to a quarter of their deadline, and no more of them than there are seats.
    #[tokio::test(start_paused = true)]
    async fn requests_over_the_limit_wait_for_a_seat_in_order() {
        let limits = Arc::new(RequestLimits::new(1, 2, Duration::from_secs(60)));
        let create = info("POST", "/api/v1/namespaces/a/pods", "");
        let deadline = Some(Duration::from_secs(60));
        let first = limits.admit(&create, deadline).await.unwrap();
        let second = limits.admit(&create, deadline).await.unwrap();
        let (order_tx, mut order_rx) = tokio::sync::mpsc::unbounded_channel();
        let waiter = |n: u32| {
            let (limits, create, order) = (limits.clone(), create.clone(), order_tx.clone());
            tokio::spawn(async move {
                let permit = limits.admit(&create, deadline).await;
                order.send(n).unwrap();
                permit.map(|_| ())
            })
        };
        let third = waiter(3);
        tokio::task::yield_now().await;
        let fourth = waiter(4);
        tokio::task::yield_now().await;
        // Two seats, two waiting: the queue is full and the next is refused at once.
        let refused = limits.admit(&create, deadline).await.unwrap_err();
        assert_eq!(refused.code(), 429);
        drop(first);
        assert_eq!(order_rx.recv().await, Some(3));
        third.await.unwrap().unwrap();
        drop(second);
        assert_eq!(order_rx.recv().await, Some(4));
        fourth.await.unwrap().unwrap();

        // A waiter whose quarter deadline passes without a seat is refused.
        let held: Vec<_> = [
            limits.admit(&create, deadline).await.unwrap(),
            limits.admit(&create, deadline).await.unwrap(),
        ]
        .into();
        let started = tokio::time::Instant::now();
        let late = limits
            .admit(&create, Some(Duration::from_secs(8)))
            .await
            .unwrap_err();
        assert_eq!(late.code(), 429);
        assert_eq!(started.elapsed(), Duration::from_secs(2));
        // The refused waiter left the queue: two may wait again.
        assert_eq!(
            limits
                .mutating
                .as_ref()
                .unwrap()
                .waiting
                .load(Ordering::Acquire),
            0
        );
        drop(held);
    }

    #[test]
    fn deadlines_take_the_shorter_timeout_and_skip_long_running_requests() {
        let limits = RequestLimits::new(0, 0, Duration::from_secs(60));
        let list = info("GET", "/api/v1/pods", "");
        assert_eq!(limits.deadline(&list, ""), Some(Duration::from_secs(60)));
        assert_eq!(
            limits.deadline(&list, "timeout=5s"),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            limits.deadline(&list, "timeout=10m"),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            limits.deadline(&list, "timeout=nonsense"),
            Some(Duration::from_secs(60))
        );
        let logs = info("GET", "/api/v1/namespaces/a/pods/p/log", "");
        assert_eq!(limits.deadline(&logs, ""), None);
        assert_eq!(
            limits.deadline(&info("GET", "/api/v1/pods", "watch=1"), ""),
            None
        );
    }
}
