//! The election loop against a minimal in-process fake of the Lease endpoints (plain HTTP):
//! GET, POST and PUT with `resourceVersion` conflicts, and a switch that makes every request
//! fail. This is not an API server; it checks the loop's behaviour, not API conformance.

use std::{
    convert::Infallible,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use k8s_openapi::api::coordination::v1::Lease;

use super::*;
use crate::shutdown::Shutdown;

#[derive(Default)]
struct FakeLeases {
    lease: Mutex<Option<Lease>>,
    version: Mutex<u64>,
    failing: AtomicBool,
}

fn status(code: StatusCode, reason: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure", "reason": reason, "code": code.as_u16(),
        "message": reason,
    });
    let mut r = Response::new(Full::new(Bytes::from(body.to_string())));
    *r.status_mut() = code;
    r
}

fn object(code: StatusCode, lease: &Lease) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(
        serde_json::to_vec(lease).unwrap_or_default(),
    )));
    *r.status_mut() = code;
    r
}

impl FakeLeases {
    async fn handle(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        if self.failing.load(Ordering::SeqCst) {
            return status(StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable");
        }
        let method = request.method().clone();
        let body = match request.into_body().collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => return status(StatusCode::BAD_REQUEST, "BadRequest"),
        };
        let mut stored = self.lease.lock().expect("lock");
        let mut version = self.version.lock().expect("lock");
        match method {
            Method::GET => match stored.as_ref() {
                Some(lease) => object(StatusCode::OK, lease),
                None => status(StatusCode::NOT_FOUND, "NotFound"),
            },
            Method::POST | Method::PUT => {
                let Ok(mut lease) = serde_json::from_slice::<Lease>(&body) else {
                    return status(StatusCode::BAD_REQUEST, "BadRequest");
                };
                if method == Method::POST && stored.is_some() {
                    return status(StatusCode::CONFLICT, "AlreadyExists");
                }
                if method == Method::PUT {
                    let current = stored
                        .as_ref()
                        .and_then(|l| l.metadata.resource_version.clone());
                    if current.is_none() {
                        return status(StatusCode::NOT_FOUND, "NotFound");
                    }
                    if lease.metadata.resource_version != current {
                        return status(StatusCode::CONFLICT, "Conflict");
                    }
                }
                *version += 1;
                lease.metadata.resource_version = Some(version.to_string());
                *stored = Some(lease.clone());
                let code = if method == Method::POST {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                };
                object(code, &lease)
            }
            _ => status(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed"),
        }
    }

    fn spec(&self) -> k8s_openapi::api::coordination::v1::LeaseSpec {
        self.lease
            .lock()
            .expect("lock")
            .as_ref()
            .and_then(|l| l.spec.clone())
            .unwrap_or_default()
    }
}

async fn start_fake() -> (Arc<FakeLeases>, kube::Client) {
    let fake = Arc::new(FakeLeases::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = fake.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let fake = server.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let fake = fake.clone();
                    async move { Ok::<_, Infallible>(fake.handle(req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let config = kube::Config::new(format!("http://{addr}").parse().expect("uri"));
    (fake, kube::Client::try_from(config).expect("client"))
}

fn fast_config() -> LeaderElectionConfig {
    LeaderElectionConfig::new(
        Duration::from_secs(2),
        Duration::from_millis(1000),
        Duration::from_millis(100),
    )
    .expect("config")
}

fn elector(client: &kube::Client, identity: &str) -> LeaderElector {
    LeaderElector::new(
        client.clone(),
        "kube-system",
        "kube-scheduler",
        identity,
        fast_config(),
    )
    .expect("elector")
}

async fn wait_until(mut cond: impl FnMut() -> bool) {
    tokio::time::timeout(Duration::from_secs(10), async {
        while !cond() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("condition reached in time");
}

#[tokio::test]
async fn acquires_renews_and_releases_on_shutdown() {
    let (fake, client) = start_fake().await;
    let shutdown = Shutdown::new();
    let leading = Arc::new(AtomicBool::new(false));
    let task = {
        let leading = leading.clone();
        tokio::spawn(
            elector(&client, "a").run(shutdown.clone(), move |token| async move {
                leading.store(token.is_leading(), Ordering::SeqCst);
                token.lost().await;
                leading.store(false, Ordering::SeqCst);
            }),
        )
    };
    wait_until(|| leading.load(Ordering::SeqCst)).await;
    let spec = fake.spec();
    assert_eq!(spec.holder_identity.as_deref(), Some("a"));
    assert_eq!(spec.lease_duration_seconds, Some(2));
    assert_eq!(spec.lease_transitions, Some(0));
    let first_renew = spec.renew_time.clone().expect("renewTime");
    // Renewals move renewTime but keep acquireTime.
    wait_until(|| fake.spec().renew_time.as_ref() != Some(&first_renew)).await;
    assert_eq!(fake.spec().acquire_time, spec.acquire_time);

    shutdown.trigger();
    let result = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("returns")
        .expect("join");
    assert!(result.is_ok(), "{result:?}");
    assert!(!leading.load(Ordering::SeqCst), "work saw the token fire");
    let released = fake.spec();
    assert_eq!(released.holder_identity.as_deref(), Some(""));
    assert_eq!(released.lease_duration_seconds, Some(1));
    assert_eq!(released.lease_transitions, Some(0));
}

#[tokio::test]
async fn leadership_is_lost_when_renewals_fail_past_the_deadline() {
    let (fake, client) = start_fake().await;
    let shutdown = Shutdown::new();
    let leading = Arc::new(AtomicBool::new(false));
    let task = {
        let leading = leading.clone();
        tokio::spawn(
            elector(&client, "a").run(shutdown.clone(), move |token| async move {
                leading.store(true, Ordering::SeqCst);
                token.lost().await;
                leading.store(false, Ordering::SeqCst);
            }),
        )
    };
    wait_until(|| leading.load(Ordering::SeqCst)).await;
    fake.failing.store(true, Ordering::SeqCst);
    let result = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("returns")
        .expect("join");
    assert!(
        matches!(result, Err(Error::LeadershipLost { .. })),
        "{result:?}"
    );
    assert!(!leading.load(Ordering::SeqCst), "work was cancelled");
    assert!(!shutdown.is_triggered());
}

#[tokio::test]
async fn second_candidate_waits_then_takes_over_a_released_lease() {
    let (fake, client) = start_fake().await;
    let shutdown_a = Shutdown::new();
    let a_leading = Arc::new(AtomicBool::new(false));
    let a = {
        let flag = a_leading.clone();
        tokio::spawn(
            elector(&client, "a").run(shutdown_a.clone(), move |token| async move {
                flag.store(true, Ordering::SeqCst);
                token.lost().await;
            }),
        )
    };
    wait_until(|| a_leading.load(Ordering::SeqCst)).await;

    let shutdown_b = Shutdown::new();
    let b_leading = Arc::new(AtomicBool::new(false));
    let b = {
        let flag = b_leading.clone();
        tokio::spawn(
            elector(&client, "b").run(shutdown_b.clone(), move |token| async move {
                flag.store(true, Ordering::SeqCst);
                token.lost().await;
            }),
        )
    };
    // While a renews, b never leads (several lease durations would be needed otherwise).
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(!b_leading.load(Ordering::SeqCst));
    assert_eq!(fake.spec().holder_identity.as_deref(), Some("a"));

    shutdown_a.trigger();
    assert!(a.await.expect("join").is_ok());
    // Released: b takes over well before a lease duration, and the transition is counted.
    wait_until(|| b_leading.load(Ordering::SeqCst)).await;
    let spec = fake.spec();
    assert_eq!(spec.holder_identity.as_deref(), Some("b"));
    assert_eq!(spec.lease_transitions, Some(1));
    assert_eq!(spec.lease_duration_seconds, Some(2));

    shutdown_b.trigger();
    assert!(b.await.expect("join").is_ok());
}
