//! gRPC probes: `grpc.health.v1.Health/Check` over plain HTTP/2 (upstream `pkg/probe/grpc`).
//! `SERVING` is success; every other answer or error is a failure with upstream's text.

use std::time::Duration;

use tonic::transport::Endpoint;

use super::prober::{Outcome, go_duration};
use super::tcp::join_host_port;

/// `grpc.health.v1.HealthCheckRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct HealthCheckRequest {
    #[prost(string, tag = "1")]
    pub service: String,
}

/// `grpc.health.v1.HealthCheckResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct HealthCheckResponse {
    #[prost(enumeration = "ServingStatus", tag = "1")]
    pub status: i32,
}

/// `grpc.health.v1.HealthCheckResponse.ServingStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub(crate) enum ServingStatus {
    Unknown = 0,
    Serving = 1,
    NotServing = 2,
    ServiceUnknown = 3,
}

impl ServingStatus {
    fn proto_name(self) -> &'static str {
        match self {
            ServingStatus::Unknown => "UNKNOWN",
            ServingStatus::Serving => "SERVING",
            ServingStatus::NotServing => "NOT_SERVING",
            ServingStatus::ServiceUnknown => "SERVICE_UNKNOWN",
        }
    }
}

const CHECK: &str = "/grpc.health.v1.Health/Check";

/// Asks the health service at `host:port` about `service` within `timeout`.
pub(crate) async fn probe(
    host: &str,
    port: u16,
    service: &str,
    timeout: Duration,
) -> (Outcome, String) {
    let addr = join_host_port(host, port);
    let deadline = tokio::time::Instant::now() + timeout;
    let endpoint = match Endpoint::from_shared(format!("http://{addr}"))
        .and_then(|e| e.user_agent("kube-probe/1.34"))
    {
        Ok(endpoint) => endpoint.connect_timeout(timeout),
        Err(error) => {
            return (
                Outcome::Failure,
                format!("error: failed to connect service at {addr:?}: {error}"),
            );
        }
    };
    // Like grpc-go's blocking dial, keep trying until the deadline.
    let channel = loop {
        match tokio::time::timeout_at(deadline, endpoint.connect()).await {
            Ok(Ok(channel)) => break channel,
            Ok(Err(_)) if tokio::time::Instant::now() + Duration::from_millis(100) < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            _ => {
                return (
                    Outcome::Failure,
                    format!(
                        "timeout: failed to connect service {addr:?} within {}: context deadline exceeded",
                        go_duration(timeout)
                    ),
                );
            }
        }
    };
    let mut client = tonic::client::Grpc::new(channel);
    let call = async {
        client
            .ready()
            .await
            .map_err(|e| tonic::Status::unavailable(e.to_string()))?;
        let mut request = tonic::Request::new(HealthCheckRequest {
            service: service.to_owned(),
        });
        request.set_timeout(deadline.saturating_duration_since(tokio::time::Instant::now()));
        client
            .unary(
                request,
                http::uri::PathAndQuery::from_static(CHECK),
                tonic_prost::ProstCodec::<HealthCheckRequest, HealthCheckResponse>::default(),
            )
            .await
    };
    let rpc_timeout = || {
        (
            Outcome::Failure,
            format!(
                "timeout: health rpc did not complete within {}",
                go_duration(timeout)
            ),
        )
    };
    match tokio::time::timeout_at(deadline, call).await {
        Err(_) => rpc_timeout(),
        // The client's own deadline (grpc-timeout) ends the call as `Cancelled`.
        Ok(Err(status))
            if status.code() == tonic::Code::DeadlineExceeded
                || tokio::time::Instant::now() + Duration::from_millis(50) >= deadline =>
        {
            rpc_timeout()
        }
        Ok(Err(status)) => match status.code() {
            tonic::Code::Unimplemented => (
                Outcome::Failure,
                format!(
                    "error: this server does not implement the grpc health protocol (grpc.health.v1.Health): {}",
                    status.message()
                ),
            ),
            code => (
                Outcome::Failure,
                format!(
                    "error: health rpc probe failed: rpc error: code = {code:?} desc = {}",
                    status.message()
                ),
            ),
        },
        Ok(Ok(response)) => {
            let status = ServingStatus::try_from(response.into_inner().status)
                .unwrap_or(ServingStatus::Unknown);
            if status == ServingStatus::Serving {
                (Outcome::Success, "service healthy".to_owned())
            } else {
                (
                    Outcome::Failure,
                    format!(
                        "service unhealthy (responded with {:?})",
                        status.proto_name()
                    ),
                )
            }
        }
    }
}

#[cfg(test)]
#[path = "grpc_tests.rs"]
mod tests;
