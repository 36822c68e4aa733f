//! An upgrade-aware HTTP/1.1 reverse proxy for one request, as upstream's
//! `apiserver/pkg/util/proxy/upgradeaware.go`.
//!
//! [`forward`] sends a request over a stream the caller has already connected (plain TCP to
//! the runtime's streaming server, TLS to a kubelet) and answers with the backend's response.
//! A plain response streams its body back as it arrives (`kubectl logs -f`). A `101 Switching
//! Protocols` answer to an upgrade request (exec, attach and port-forward over SPDY/3.1 or
//! WebSocket) joins the client's upgraded connection and the backend's byte for byte until
//! either side closes, so every streaming protocol passes through unchanged. Any other answer
//! to an upgrade request is passed back as is; the client decides what to do (kubectl falls
//! back from WebSocket to SPDY).
//!
//! Hop-by-hop headers are dropped, except `Connection` and `Upgrade` on upgrade requests, and
//! so are the client's credentials (`Authorization`, `Proxy-Authorization`, `Impersonate-*`):
//! the proxy authenticates to the backend by itself.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::serving::ResponseBody;

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The HTTP exchange with the backend failed.
    #[error("error proxying to {target}: {source}")]
    Http {
        /// The backend URL.
        target: String,
        /// What hyper reported.
        source: hyper::Error,
    },
    /// The request could not be built (a bad path).
    #[error("error building the request to {target}: {source}")]
    Request {
        /// The backend URL.
        target: String,
        /// What `http` reported.
        source: http::Error,
    },
}

/// Result of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether `headers` ask for a protocol upgrade (`Connection: Upgrade` plus `Upgrade`).
pub fn is_upgrade_request(headers: &HeaderMap) -> bool {
    headers.contains_key(header::UPGRADE)
        && headers
            .get_all(header::CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
}

/// Headers never forwarded: hop-by-hop ones and the client's credentials.
const DROPPED: [&str; 9] = [
    "authorization",
    "proxy-authorization",
    "proxy-connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "host",
    "proxy-authenticate",
];

/// The headers of the forwarded request.
fn forwarded_headers(headers: &HeaderMap, upgrade: bool) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (name, value) in headers {
        let lower = name.as_str();
        if DROPPED.contains(&lower) || lower.starts_with("impersonate-") {
            continue;
        }
        if !upgrade && (name == header::CONNECTION || name == header::UPGRADE) {
            continue;
        }
        out.append(name.clone(), value.clone());
    }
    out
}

/// Sends `request` to `authority` + `path_and_query` over `stream` (already connected) and
/// answers with the backend's response, joining upgraded connections on `101` (see the module
/// documentation).
pub async fn forward<S>(
    mut request: Request<Incoming>,
    stream: S,
    authority: &str,
    path_and_query: &str,
) -> Result<Response<ResponseBody>>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let target = format!("{authority}{path_and_query}");
    let upgrade = is_upgrade_request(request.headers());
    let client_upgrade = upgrade.then(|| hyper::upgrade::on(&mut request));
    let (parts, body) = request.into_parts();
    let mut builder = Request::builder()
        .method(parts.method.clone())
        .uri(path_and_query)
        .version(http::Version::HTTP_11);
    if let Some(headers) = builder.headers_mut() {
        *headers = forwarded_headers(&parts.headers, upgrade);
        if let Ok(host) = HeaderValue::from_str(authority) {
            headers.insert(header::HOST, host);
        }
    }
    let outgoing = builder.body(body).map_err(|source| Error::Request {
        target: target.clone(),
        source,
    })?;

    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|source| Error::Http {
            target: target.clone(),
            source,
        })?;
    let conn_target = target.clone();
    tokio::spawn(async move {
        if let Err(e) = connection.with_upgrades().await {
            tracing::debug!(target = %conn_target, error = %e, "proxied connection ended");
        }
    });
    let mut response = sender
        .send_request(outgoing)
        .await
        .map_err(|source| Error::Http {
            target: target.clone(),
            source,
        })?;

    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        if let Some(client_upgrade) = client_upgrade {
            let backend_upgrade = hyper::upgrade::on(&mut response);
            tokio::spawn(async move {
                let (client, backend) = match tokio::try_join!(client_upgrade, backend_upgrade) {
                    Ok(joined) => joined,
                    Err(e) => {
                        tracing::debug!(%target, error = %e, "upgrade failed");
                        return;
                    }
                };
                let mut client = TokioIo::new(client);
                let mut backend = TokioIo::new(backend);
                match tokio::io::copy_bidirectional(&mut client, &mut backend).await {
                    Ok((up, down)) => {
                        tracing::debug!(%target, up, down, "upgraded connection closed")
                    }
                    Err(e) => tracing::debug!(%target, error = %e, "upgraded connection ended"),
                }
            });
        }
        let (parts, _) = response.into_parts();
        return Ok(Response::from_parts(
            parts,
            crate::serving::full_body(Bytes::new()),
        ));
    }

    let (mut parts, body) = response.into_parts();
    // The body is re-framed by our server.
    parts.headers.remove(header::TRANSFER_ENCODING);
    parts.headers.remove(header::CONNECTION);
    parts.headers.remove("keep-alive");
    Ok(Response::from_parts(
        parts,
        EndOnError {
            inner: body,
            target,
        }
        .boxed(),
    ))
}

/// A backend body that ends (instead of failing) when the backend connection breaks: the
/// client sees a truncated stream, as with upstream's proxy.
struct EndOnError {
    inner: Incoming,
    target: String,
}

impl Body for EndOnError {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Err(e))) => {
                tracing::debug!(target = %self.target, error = %e, "proxied body ended");
                Poll::Ready(None)
            }
            Poll::Ready(Some(Ok(frame))) => Poll::Ready(Some(Ok(frame))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrade_requests_and_forwarded_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, Upgrade"),
        );
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        headers.insert("impersonate-user", HeaderValue::from_static("bob"));
        headers.insert(
            "sec-websocket-protocol",
            HeaderValue::from_static("v5.channel.k8s.io"),
        );
        assert!(is_upgrade_request(&headers));
        let forwarded = forwarded_headers(&headers, true);
        assert!(forwarded.contains_key(header::UPGRADE));
        assert!(forwarded.contains_key("sec-websocket-protocol"));
        assert!(!forwarded.contains_key(header::AUTHORIZATION));
        assert!(!forwarded.contains_key("impersonate-user"));
        let plain = forwarded_headers(&headers, false);
        assert!(!plain.contains_key(header::UPGRADE));
        headers.remove(header::UPGRADE);
        assert!(!is_upgrade_request(&headers));
    }
}
