//! Overload protection as upstream's generic filters do it: at most `--max-requests-inflight`
//! read-only and `--max-mutating-requests-inflight` mutating requests at once (more are refused
//! at once with 429 and `Retry-After: 1`, never queued), and a deadline of `--request-timeout`
//! (shortened by a request's own `?timeout=`) after which a request is answered with 504.
//! Long-running requests (watches, and the log, exec, attach, port-forward and proxy
//! subresources) count against neither.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::request_info::RequestInfo;
use super::status::ApiError;

/// Subresources whose requests stream for as long as the client wants.
const LONG_RUNNING_SUBRESOURCES: [&str; 5] = ["log", "exec", "attach", "portforward", "proxy"];

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

pub struct RequestLimits {
    read_only: Option<Arc<Semaphore>>,
    mutating: Option<Arc<Semaphore>>,
    timeout: Duration,
}

impl RequestLimits {
    /// Limits of 0 mean unlimited, as upstream's flags.
    pub fn new(max_read_only: usize, max_mutating: usize, timeout: Duration) -> Self {
        let limit = |max: usize| (max > 0).then(|| Arc::new(Semaphore::new(max)));
        RequestLimits {
            read_only: limit(max_read_only),
            mutating: limit(max_mutating),
            timeout,
        }
    }

    /// Admits a request, or refuses it with 429 when its kind is at its limit. The permit is
    /// held until the request is answered.
    pub fn admit(&self, info: &RequestInfo) -> Result<Option<OwnedSemaphorePermit>, ApiError> {
        if is_long_running(info) {
            return Ok(None);
        }
        let pool = if is_mutating(info) {
            &self.mutating
        } else {
            &self.read_only
        };
        match pool {
            None => Ok(None),
            Some(pool) => pool
                .clone()
                .try_acquire_owned()
                .map(Some)
                .map_err(|_| ApiError::too_many_requests(TOO_MANY_REQUESTS, 1)),
        }
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

    #[test]
    fn limits_count_read_only_and_mutating_requests_apart() {
        let limits = RequestLimits::new(1, 1, Duration::from_secs(60));
        let get = info("GET", "/api/v1/namespaces/a/pods/p", "");
        let create = info("POST", "/api/v1/namespaces/a/pods", "");
        let held = limits.admit(&get).unwrap();
        assert!(held.is_some());
        let refused = limits.admit(&get).unwrap_err();
        assert_eq!(refused.code(), 429);
        assert_eq!(refused.retry_after_seconds(), Some(1));
        // Mutating requests have their own pool; watches and exec none.
        let _write = limits.admit(&create).unwrap();
        assert!(limits.admit(&create).is_err());
        let watch = info("GET", "/api/v1/pods", "watch=true");
        assert!(limits.admit(&watch).unwrap().is_none());
        drop(held);
        assert!(limits.admit(&get).unwrap().is_some());
        let unlimited = RequestLimits::new(0, 0, Duration::from_secs(60));
        assert!(unlimited.admit(&create).unwrap().is_none());
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
