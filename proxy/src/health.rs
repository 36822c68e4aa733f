//! The proxier's health (upstream's `ProxierHealthServer`) and the two plain-HTTP servers
//! upstream's kube-proxy runs: `/healthz` and `/livez` on `--healthz-bind-address` (10256,
//! probed by load balancers and kubelets, so plain HTTP as upstream) and `/metrics` on
//! `--metrics-bind-address` (127.0.0.1:10249).
//!
//! Healthy means no queued sync has waited longer than the health timeout (twice the sync
//! period). `/healthz` also reports whether the node is eligible for load-balancer traffic:
//! not being deleted and not tainted `ToBeDeletedByClusterAutoscaler`.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{Response, StatusCode};
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use common::shutdown::Shutdown;

#[derive(Debug, Default)]
struct State {
    last_updated: Option<SystemTime>,
    /// When the oldest sync still waiting was queued.
    oldest_queued: Option<SystemTime>,
    node_eligible: bool,
}

/// Shared between the sync loop (which records) and the health server (which reports).
#[derive(Clone, Debug)]
pub struct ProxierHealth {
    timeout: Duration,
    state: Arc<Mutex<State>>,
}

/// What `/healthz` and `/livez` answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub status: StatusCode,
    pub body: String,
}

fn rfc3339(time: SystemTime) -> String {
    jiff::Timestamp::try_from(time)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

impl ProxierHealth {
    pub fn new(timeout: Duration) -> Self {
        ProxierHealth {
            timeout,
            state: Arc::new(Mutex::new(State {
                node_eligible: true,
                ..Default::default()
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A sync was queued (a change arrived).
    pub fn queued(&self, at: SystemTime) {
        let mut state = self.lock();
        state.oldest_queued.get_or_insert(at);
    }

    /// A sync completed: everything queued before it is done.
    pub fn updated(&self, at: SystemTime) {
        let mut state = self.lock();
        state.last_updated = Some(at);
        state.oldest_queued = None;
    }

    pub fn set_node_eligible(&self, eligible: bool) {
        self.lock().node_eligible = eligible;
    }

    /// Healthy now (upstream's `IsHealthy`).
    pub fn is_healthy(&self) -> bool {
        self.healthy(SystemTime::now())
    }

    fn healthy(&self, now: SystemTime) -> bool {
        let state = self.lock();
        match state.oldest_queued {
            Some(queued) => now.duration_since(queued).unwrap_or_default() <= self.timeout,
            None => true,
        }
    }

    /// `/healthz` (`with_node` true) or `/livez` at `now`.
    pub fn report(&self, now: SystemTime, with_node: bool) -> Report {
        let healthy = self.healthy(now);
        let (last_updated, eligible) = {
            let state = self.lock();
            (state.last_updated, state.node_eligible)
        };
        let mut body = serde_json::json!({
            "lastUpdated": last_updated.map(rfc3339).unwrap_or_default(),
            "currentTime": rfc3339(now),
        });
        if with_node {
            body["nodeEligible"] = serde_json::Value::Bool(eligible);
        }
        let ok = healthy && (!with_node || eligible);
        Report {
            status: if ok {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            },
            body: body.to_string(),
        }
    }
}

/// What a handler answers: status, content type, body, and one more header if any.
pub type Answer = (
    StatusCode,
    &'static str,
    Vec<u8>,
    Option<(&'static str, String)>,
);

/// Answers one request path; `None` is 404.
pub type Handler = Arc<dyn Fn(&str) -> Option<Answer> + Send + Sync>;

/// The health endpoints.
pub fn health_handler(health: ProxierHealth) -> Handler {
    Arc::new(move |path| {
        let with_node = match path {
            "/healthz" => true,
            "/livez" => false,
            _ => return None,
        };
        let report = health.report(SystemTime::now(), with_node);
        Some((
            report.status,
            "application/json",
            report.body.into_bytes(),
            None,
        ))
    })
}

/// The metrics endpoint (and `/healthz`, as upstream's metrics server has one).
pub fn metrics_handler(registry: prometheus::Registry) -> Handler {
    Arc::new(move |path| match path {
        "/metrics" => Some(match common::metrics::encode_text(&registry) {
            Ok(text) => (
                StatusCode::OK,
                common::metrics::TEXT_CONTENT_TYPE,
                text,
                None,
            ),
            Err(error) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain",
                error.to_string().into_bytes(),
                None,
            ),
        }),
        "/healthz" => Some((StatusCode::OK, "text/plain", b"ok".to_vec(), None)),
        _ => None,
    })
}

/// Serves `handler` over plain HTTP/1.1 on `listener` until `shutdown`.
pub async fn serve(listener: TcpListener, handler: Handler, shutdown: Shutdown) {
    loop {
        let (stream, _) = tokio::select! {
            () = shutdown.wait() => return,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let handler = handler.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                let answer = handler(request.uri().path());
                async move {
                    let response = match answer {
                        Some((status, content_type, body, extra)) => {
                            let mut builder = Response::builder()
                                .status(status)
                                .header(http::header::CONTENT_TYPE, content_type)
                                .header("X-Content-Type-Options", "nosniff");
                            if let Some((name, value)) = extra {
                                builder = builder.header(name, value);
                            }
                            builder.body(Full::new(Bytes::from(body)))
                        }
                        None => Response::builder()
                            .status(StatusCode::NOT_FOUND)
                            .header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")
                            .body(Full::new(Bytes::from_static(b"404 page not found\n"))),
                    };
                    Ok::<_, Infallible>(response.unwrap_or_default())
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_queued_too_long_is_unhealthy_until_it_completes() {
        let health = ProxierHealth::new(Duration::from_secs(60));
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(health.report(start, true).status, StatusCode::OK);
        health.queued(start);
        let later = start + Duration::from_secs(61);
        assert_eq!(
            health.report(later, true).status,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            health.report(later, false).status,
            StatusCode::SERVICE_UNAVAILABLE
        );
        health.updated(later);
        let report = health.report(later, true);
        assert_eq!(report.status, StatusCode::OK);
        let body: serde_json::Value = serde_json::from_str(&report.body).unwrap();
        assert_eq!(body["nodeEligible"], true);
        assert!(
            body["lastUpdated"]
                .as_str()
                .unwrap()
                .starts_with("1970-01-12")
        );
    }

    #[test]
    fn an_ineligible_node_fails_healthz_but_not_livez() {
        let health = ProxierHealth::new(Duration::from_secs(60));
        health.set_node_eligible(false);
        let now = SystemTime::now();
        assert_eq!(
            health.report(now, true).status,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(health.report(now, false).status, StatusCode::OK);
        assert!(!health.report(now, false).body.contains("nodeEligible"));
    }
}
