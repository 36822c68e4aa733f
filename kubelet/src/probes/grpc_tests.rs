//! gRPC health probes against a hand-rolled HTTP/2 server speaking the health protocol.

use std::convert::Infallible;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo};
use prost::Message;
use tokio::net::TcpListener;

use super::*;

type Body = StreamBody<futures::stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, Infallible>>>>;

fn grpc_response(
    message: Option<HealthCheckResponse>,
    status: u32,
    text: &str,
) -> http::Response<Body> {
    let mut frames = Vec::new();
    if let Some(message) = message {
        let encoded = message.encode_to_vec();
        let mut data = BytesMut::with_capacity(5 + encoded.len());
        data.put_u8(0);
        data.put_u32(encoded.len() as u32);
        data.put_slice(&encoded);
        frames.push(Ok(Frame::data(data.freeze())));
    }
    let mut trailers = http::HeaderMap::new();
    trailers.insert("grpc-status", status.into());
    if !text.is_empty() {
        trailers.insert("grpc-message", text.parse().unwrap());
    }
    frames.push(Ok(Frame::trailers(trailers)));
    http::Response::builder()
        .header("content-type", "application/grpc")
        .body(StreamBody::new(futures::stream::iter(frames)))
        .unwrap()
}

async fn health(request: http::Request<Incoming>) -> Result<http::Response<Body>, Infallible> {
    assert_eq!(request.uri().path(), CHECK);
    let user_agent = request
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(user_agent.starts_with("kube-probe/1.34"), "{user_agent}");
    let body = request.into_body().collect().await.unwrap().to_bytes();
    let service = HealthCheckRequest::decode(&body[5..]).unwrap().service;
    let serving = |status: ServingStatus| {
        Some(HealthCheckResponse {
            status: status as i32,
        })
    };
    Ok(match service.as_str() {
        "" => grpc_response(serving(ServingStatus::Serving), 0, ""),
        "down" => grpc_response(serving(ServingStatus::NotServing), 0, ""),
        "unknown" => grpc_response(serving(ServingStatus::ServiceUnknown), 0, ""),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            grpc_response(serving(ServingStatus::Serving), 0, "")
        }
        _ => grpc_response(None, 12, "unknown service"),
    })
}

async fn server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(
                hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), hyper::service::service_fn(health)),
            );
        }
    });
    port
}

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test]
async fn health_checks() {
    let port = server().await;
    assert_eq!(
        probe("127.0.0.1", port, "", SECOND).await,
        (Outcome::Success, "service healthy".into())
    );
    assert_eq!(
        probe("127.0.0.1", port, "down", SECOND).await,
        (
            Outcome::Failure,
            "service unhealthy (responded with \"NOT_SERVING\")".into()
        )
    );
    assert_eq!(
        probe("127.0.0.1", port, "unknown", SECOND).await.1,
        "service unhealthy (responded with \"SERVICE_UNKNOWN\")"
    );
    assert_eq!(
        probe("127.0.0.1", port, "other", SECOND).await,
        (
            Outcome::Failure,
            "error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service".into()
        )
    );
    assert_eq!(
        probe("127.0.0.1", port, "slow", SECOND).await,
        (
            Outcome::Failure,
            "timeout: health rpc did not complete within 1s".into()
        )
    );
}

#[tokio::test]
async fn nothing_listening() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    assert_eq!(
        probe("127.0.0.1", port, "", SECOND).await,
        (
            Outcome::Failure,
            format!(
                "timeout: failed to connect service \"127.0.0.1:{port}\" within 1s: context deadline exceeded"
            )
        )
    );
}
