//! The kubelet's HTTPS server on 10250 (upstream's `pkg/kubelet/server`).
//!
//! Endpoints: `/healthz`, `/pods` (the pods of this node as a v1 `PodList`), `/metrics` (the
//! kubelet's registry, Prometheus text), `/stats/summary` ([`stats`], the `stats/v1alpha1`
//! Summary metrics-server reads), `/containerLogs/{ns}/{pod}/{container}` ([`containers`],
//! CRI log files rendered by [`logs`]), and `/exec`, `/attach`, `/portForward` (and their
//! `/{podUID}/` forms) proxied to the runtime's streaming server ([`streaming`]).
//!
//! Every request needs a verified client certificate and passes the [`auth::Authorizer`]
//! (see [`auth`] for the interim rule used until the API server serves SubjectAccessReviews).
//! Connections are served by [`common::serving::serve_with`] with HTTP/1.1 upgrades enabled.

pub mod auth;
pub mod containers;
pub mod logs;
pub mod stats;
pub mod streaming;

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use tokio_stream::wrappers::ReceiverStream;

use crate::cri::{self, RuntimeClient};
use crate::pod_manager::PodManager;
use auth::{Attributes, Authorizer, Decision};
use common::serving::{self, Connection, Handler, ResponseBody};
use common::shutdown::Shutdown;

/// What the server serves from.
#[derive(Clone)]
pub struct ServerState {
    pub cri: RuntimeClient,
    pub pods: PodManager,
    /// The kubelet's metrics, behind `/metrics`.
    pub registry: prometheus::Registry,
    pub node_name: String,
    pub authorizer: Arc<dyn Authorizer>,
    /// CPU samples for the `usageNanoCores` rates of `/stats/summary`.
    pub cpu_samples: stats::CpuSamples,
}

impl ServerState {
    /// State with the interim authorizer ([`auth::InterimAuthorizer`]).
    pub fn new(
        cri: RuntimeClient,
        pods: PodManager,
        registry: prometheus::Registry,
        node_name: impl Into<String>,
    ) -> Self {
        ServerState {
            cri,
            pods,
            registry,
            node_name: node_name.into(),
            authorizer: Arc::new(auth::InterimAuthorizer),
            cpu_samples: stats::CpuSamples::default(),
        }
    }
}

/// An error answer: a status and a plain-text message, as upstream's `http.Error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {message}")]
pub struct HttpError {
    pub status: StatusCode,
    pub message: String,
}

impl HttpError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        HttpError {
            status,
            message: message.into(),
        }
    }

    pub fn not_found() -> Self {
        HttpError::new(StatusCode::NOT_FOUND, "404 page not found")
    }

    /// A failed CRI call: 404 for NotFound, 500 otherwise (upstream's `streaming.WriteError`).
    pub fn cri(error: cri::Error) -> Self {
        let status = if error.is_not_found() {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        };
        HttpError::new(status, error.to_string())
    }

    fn response(&self) -> Response<ResponseBody> {
        text(self.status, self.message.clone())
    }
}

fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<ResponseBody> {
    let mut response = Response::new(serving::full_body(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    response
}

fn json(value: &impl serde::Serialize) -> Result<Response<ResponseBody>, HttpError> {
    let body = serde_json::to_vec(value)
        .map_err(|e| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let mut response = Response::new(serving::full_body(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// Serves the kubelet API until `shutdown` fires, then drains in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    state: ServerState,
    shutdown: Shutdown,
) -> Result<(), serving::Error> {
    serving::serve_with(listener, tls, Arc::new(state), shutdown).await
}

impl Handler for ServerState {
    async fn handle(
        &self,
        request: Request<Incoming>,
        connection: Arc<Connection>,
    ) -> Response<ResponseBody> {
        let Some(user) = connection
            .client_certificates
            .first()
            .and_then(auth::user_from_certificate)
        else {
            return text(StatusCode::UNAUTHORIZED, "Unauthorized");
        };
        let attributes = Attributes::of(request.method(), request.uri().path(), &self.node_name);
        if self.authorizer.authorize(&user, &attributes) != Decision::Allow {
            tracing::info!(
                user = %user.name,
                verb = attributes.verb,
                subresource = attributes.subresource,
                "forbidden"
            );
            return text(
                StatusCode::FORBIDDEN,
                auth::forbidden_message(&user, &attributes),
            );
        }
        match self.route(request).await {
            Ok(response) => response,
            Err(error) => error.response(),
        }
    }
}

impl ServerState {
    async fn route(&self, request: Request<Incoming>) -> Result<Response<ResponseBody>, HttpError> {
        let path = request.uri().path().to_owned();
        let segments: Vec<&str> = path
            .trim_start_matches('/')
            .trim_end_matches('/')
            .split('/')
            .collect();
        let method = request.method().clone();
        let read = method == Method::GET || method == Method::HEAD;
        match segments.as_slice() {
            ["healthz"] if read => Ok(text(StatusCode::OK, "ok")),
            ["pods"] if read => {
                let items: Vec<_> = self.pods.pods().iter().map(|p| (**p).clone()).collect();
                json(&serde_json::json!({
                    "kind": "PodList",
                    "apiVersion": "v1",
                    "metadata": {},
                    "items": items,
                }))
            }
            ["metrics"] if read => match common::metrics::encode_text(&self.registry) {
                Ok(body) => {
                    let mut response = text(StatusCode::OK, body);
                    if let Ok(value) =
                        header::HeaderValue::from_str(common::metrics::TEXT_CONTENT_TYPE)
                    {
                        response.headers_mut().insert(header::CONTENT_TYPE, value);
                    }
                    Ok(response)
                }
                Err(e) => Err(HttpError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    e.to_string(),
                )),
            },
            ["stats", "summary"] if read => {
                let summary = stats::summary(self).await?;
                json(&summary)
            }
            ["containerLogs", namespace, pod, container] if read => {
                let query = request.uri().query().unwrap_or("");
                let chunks =
                    containers::container_logs(self, namespace, pod, container, query).await?;
                let stream =
                    ReceiverStream::new(chunks).map(|b| Ok::<_, Infallible>(Frame::data(b)));
                let mut response = Response::new(BodyExt::boxed(StreamBody::new(stream)));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    header::HeaderValue::from_static("text/plain"),
                );
                Ok(response)
            }
            [first, ..] if matches!(*first, "exec" | "attach" | "portForward") => {
                if method != Method::GET && method != Method::POST {
                    return Err(HttpError::new(
                        StatusCode::METHOD_NOT_ALLOWED,
                        "405: Method Not Allowed",
                    ));
                }
                let target =
                    streaming::Target::parse(&segments).ok_or_else(HttpError::not_found)?;
                streaming::serve(self, target, request).await
            }
            _ => Err(HttpError::not_found()),
        }
    }
}
