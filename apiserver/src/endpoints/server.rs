//! The API server's request handler: authentication, authorization, then discovery, the
//! non-resource endpoints, or a resource request; every error answered as a Status.

use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use super::body::{json_response, status_response};
use super::discovery;
use super::kubelet_proxy::{self, KubeletClient};
use super::limits::{self, RequestLimits};
use super::metrics::RequestMetrics;
use super::openapi;
use super::query::Query;
use super::request_info::RequestInfo;
use super::resource::{self, MAX_BODY_BYTES};
use super::status::ApiError;
use crate::apiextensions::CustomResources;
use crate::auth::authn::Authenticator;
use crate::auth::authz::{Attributes, Authorizer, Decision};
use crate::registry::Registry;
use common::health::HealthChecks;
use common::serving::{self, Connection, Handler, ResponseBody};
use common::shutdown::Shutdown;

pub struct ApiServer {
    pub registry: Arc<Registry>,
    pub authenticator: Authenticator,
    pub authorizer: Box<dyn Authorizer>,
    pub health: HealthChecks,
    pub metrics: prometheus::Registry,
    pub request_metrics: RequestMetrics,
    pub shutdown: Shutdown,
    /// `host:port` clients reach this server at, for `/api` discovery.
    pub advertise_address: String,
    /// In-flight limits and request deadlines.
    pub limits: RequestLimits,
    /// How to reach kubelets (logs, exec, attach, port-forward, node proxy).
    pub kubelet: KubeletClient,
}

/// Paths anonymous clients may read when `--anonymous-auth` allows it.
fn anonymous_allowed(path: &str) -> bool {
    path == "/version"
        || ["/healthz", "/livez", "/readyz"]
            .iter()
            .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

impl Handler for ApiServer {
    async fn handle(
        &self,
        request: Request<Incoming>,
        connection: Arc<Connection>,
    ) -> Response<ResponseBody> {
        let started = std::time::Instant::now();
        let info = RequestInfo::parse(
            request.method().as_str(),
            request.uri().path(),
            request.uri().query().unwrap_or(""),
        );
        let deadline = self
            .limits
            .deadline(&info, request.uri().query().unwrap_or(""));
        let response = match self.limits.admit(&info, deadline).await {
            Err(refused) => status_response(&refused),
            Ok(_permit) => {
                let serving = self.serve(request, &connection);
                // The wait for a seat counts against the request's deadline.
                let answer = match deadline.map(|d| d.saturating_sub(started.elapsed())) {
                    Some(deadline) => tokio::time::timeout(deadline, serving)
                        .await
                        .unwrap_or_else(|_| Err(limits::timed_out())),
                    None => serving.await,
                };
                answer.unwrap_or_else(|error| status_response(&error))
            }
        };
        self.request_metrics.observe(
            &info,
            response.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
        response
    }
}

impl ApiServer {
    async fn serve(
        &self,
        request: Request<Incoming>,
        connection: &Connection,
    ) -> Result<Response<ResponseBody>, ApiError> {
        let authorization = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let user = self
            .authenticator
            .authenticate(authorization, &connection.client_certificates)
            .map_err(|_| ApiError::unauthorized())?;
        let path = request.uri().path().to_owned();
        let anonymous = user.as_ref().is_none_or(|u| u.is_anonymous());
        if anonymous && !anonymous_allowed(&path) {
            return Err(ApiError::unauthorized());
        }

        let info = RequestInfo::parse(
            request.method().as_str(),
            &path,
            request.uri().query().unwrap_or(""),
        );
        let attributes = Attributes {
            user: user.as_ref(),
            verb: &info.verb,
            api_group: &info.api_group,
            resource: &info.resource,
            subresource: &info.subresource,
            namespace: &info.namespace,
            name: &info.name,
            path: &path,
            is_resource_request: info.is_resource_request,
        };
        if let Decision::Deny(reason) = self.authorizer.authorize(&attributes) {
            return Err(ApiError::forbidden_request(&info, user.as_ref(), &reason));
        }

        if !info.is_resource_request {
            return self.non_resource(&request, &path).await;
        }
        if kubelet_proxy::handles(&info) {
            return kubelet_proxy::handle(&self.kubelet, &self.registry, &info, request).await;
        }
        let store = self
            .registry
            .get(&info.api_group, &info.api_version, &info.resource)
            .ok_or_else(ApiError::not_found_path)?;
        let query = Query::parse(request.uri().query());
        let headers = request.headers().clone();
        let body = read_body(request).await?;
        let context = resource::Context {
            registry: &self.registry,
            shutdown: &self.shutdown,
            metrics: &self.request_metrics,
        };
        resource::handle(context, &store, &info, &query, &headers, body).await
    }

    async fn non_resource(
        &self,
        request: &Request<Incoming>,
        path: &str,
    ) -> Result<Response<ResponseBody>, ApiError> {
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return Err(ApiError::method_not_supported_path(
                request.method().as_str(),
            ));
        }
        let trimmed = path.trim_end_matches('/');
        if trimmed == "/api" || trimmed == "/apis" {
            let accept = request
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if let Some(version) = discovery::aggregated_version(accept) {
                let custom = self.registry.custom();
                let document = discovery::aggregated(trimmed == "/api", version, &custom);
                let mut response = json_response(StatusCode::OK, &document)?;
                if let Ok(value) =
                    header::HeaderValue::from_str(&discovery::aggregated_content_type(version))
                {
                    response.headers_mut().insert(header::CONTENT_TYPE, value);
                }
                response
                    .headers_mut()
                    .insert(header::VARY, header::HeaderValue::from_static("Accept"));
                return Ok(response);
            }
        }
        let custom = self.registry.custom();
        let document = match trimmed {
            "/version" => Some(discovery::version()),
            "/api" => Some(discovery::api_versions(&self.advertise_address)),
            "/apis" => Some(discovery::api_group_list(&custom)),
            "/metrics" | "/healthz" | "/livez" | "/readyz" => None,
            other => {
                let parts: Vec<&str> = other.trim_start_matches('/').split('/').collect();
                match parts.as_slice() {
                    ["api", version] => discovery::api_resource_list("", version, &custom),
                    ["apis", group] => discovery::api_group(group, &custom),
                    ["apis", group, version] => {
                        discovery::api_resource_list(group, version, &custom)
                    }
                    _ => None,
                }
            }
        };
        if let Some(document) = document {
            return json_response(StatusCode::OK, &document);
        }
        if let Some(answer) = openapi_document(request, path, &custom) {
            return Ok(answer);
        }
        let state = serving::ServingState::new(self.health.clone(), self.metrics.clone());
        let answer = serving::handle(&state, request).await;
        if answer.status() == StatusCode::NOT_FOUND {
            return Err(ApiError::not_found_path());
        }
        Ok(answer.map(BodyExt::boxed))
    }
}

/// `/openapi/v2` (protobuf when asked for, as kubectl 1.27 and 1.28 do) and `/openapi/v3`.
fn openapi_document(
    request: &Request<Incoming>,
    path: &str,
    custom: &CustomResources,
) -> Option<Response<ResponseBody>> {
    let (bytes, content_type): (Bytes, &str) = match path.trim_end_matches('/') {
        "/openapi/v2" => {
            let accept = request
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if accept.contains("protobuf") {
                // The dotted form: client-go cannot parse the `@` form it sends in Accept.
                let bytes = match custom.openapi() {
                    Some(documents) => Bytes::from(documents.v2().1.clone()),
                    None => Bytes::from_static(openapi::v2_protobuf()),
                };
                (
                    bytes,
                    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
                )
            } else {
                let bytes = match custom.openapi() {
                    Some(documents) => Bytes::from(documents.v2().0.clone()),
                    None => Bytes::from_static(openapi::v2()),
                };
                (bytes, "application/json")
            }
        }
        "/openapi/v3" => match custom.openapi() {
            Some(documents) => (Bytes::from(documents.index.clone()), "application/json"),
            None => (Bytes::from_static(openapi::v3_index()), "application/json"),
        },
        other => {
            let group_version = other.strip_prefix("/openapi/v3/")?;
            let bytes = match openapi::v3_group_version(group_version) {
                Some(bytes) => Bytes::from_static(bytes),
                None => Bytes::from(
                    custom
                        .openapi()?
                        .documents
                        .get(group_version.trim_start_matches('/'))?
                        .0
                        .clone(),
                ),
            };
            (bytes, "application/json")
        }
    };
    let mut response = Response::new(serving::full_body(bytes));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_str(content_type).ok()?,
    );
    Some(response)
}

/// Reads a request body, refusing more than upstream's limit with 413. The rest of an
/// oversized body is read and discarded (up to a bound), so the client gets the answer instead
/// of a broken connection.
async fn read_body(request: Request<Incoming>) -> Result<Bytes, ApiError> {
    const DISCARD_LIMIT: usize = 64 * 1024 * 1024;
    let mut body = request.into_body();
    let mut collected = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| ApiError::bad_request(format!("error reading the request body: {e}")))?;
        if let Ok(data) = frame.into_data() {
            total += data.len();
            if total <= MAX_BODY_BYTES {
                collected.extend_from_slice(&data);
            } else if total > DISCARD_LIMIT {
                break;
            }
        }
    }
    if total > MAX_BODY_BYTES {
        return Err(ApiError::request_entity_too_large(MAX_BODY_BYTES));
    }
    Ok(Bytes::from(collected))
}
