//! HTTP GET probes and hooks (upstream `pkg/probe/http`): HTTP/1.1 without keep-alive, HTTPS
//! without certificate verification, `User-Agent: kube-probe/1.34`, at most 10 KiB of body.
//! Redirects to the same host are followed (up to 10); a redirect to another host ends the
//! probe with a warning. Status 200–399 is success.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use k8s_openapi::api::core::v1::{Container, HTTPGetAction};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use super::prober::{Attempt, Outcome, resolve_port};
use super::tcp::{dial, join_host_port};

/// Upstream `maxRespBodyLength`.
const MAX_BODY: usize = 10 * 1024;
const MAX_REDIRECTS: usize = 10;
/// The Kubernetes minor version in the user agent (`kube-probe/1.34`).
const KUBE_VERSION: &str = "1.34";

/// An absolute http(s) URL, split as the client needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Url {
    pub https: bool,
    pub host: String,
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        write!(
            f,
            "{scheme}://{}{}",
            join_host_port(&self.host, self.port),
            self.path
        )
    }
}

/// A GET request: the URL and the headers (names as given).
#[derive(Clone, Debug)]
pub(crate) struct HttpGet {
    pub url: Url,
    pub headers: Vec<(String, String)>,
}

/// The request of an `httpGet` action (upstream `NewRequestForHTTPGetAction`): host defaults
/// to the pod IP, the port may be named, `User-Agent: kube-<purpose>/1.34` and `Accept: */*`
/// unless given (an empty `Accept` removes it).
pub(crate) fn request_for_action(
    action: &HTTPGetAction,
    container: &Container,
    pod_ip: &str,
    purpose: &str,
) -> Result<HttpGet, String> {
    let scheme = action
        .scheme
        .as_deref()
        .unwrap_or("http")
        .to_ascii_lowercase();
    let https = match scheme.as_str() {
        "" | "http" => false,
        "https" => true,
        other => return Err(format!("unsupported protocol scheme {other:?}")),
    };
    let host = action
        .host
        .as_deref()
        .filter(|h| !h.is_empty())
        .unwrap_or(pod_ip)
        .to_owned();
    let port = resolve_port(&action.port, container)?;
    let path = action.path.as_deref().unwrap_or_default();
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    let mut headers: Vec<(String, String)> = action
        .http_headers
        .iter()
        .flatten()
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect();
    let has = |headers: &[(String, String)], name: &str| {
        headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if !has(&headers, "user-agent") {
        headers.push((
            "User-Agent".into(),
            format!("kube-{purpose}/{KUBE_VERSION}"),
        ));
    }
    if !has(&headers, "accept") {
        headers.push(("Accept".into(), "*/*".into()));
    } else if headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("accept"))
        .is_some_and(|(_, v)| v.is_empty())
    {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case("accept"));
    }
    Ok(HttpGet {
        url: Url {
            https,
            host,
            port,
            path,
        },
        headers,
    })
}

/// The final response of a GET (after redirects): status and the first 10 KiB of the body.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpError {
    /// The request failed (Go's `Get "URL": …`).
    #[error("{0}")]
    Request(String),
    /// The response came but its body could not be read.
    #[error("{0}")]
    Body(String),
}

/// An HTTP probe within `timeout` (upstream `DoHTTPProbe`).
pub(crate) async fn probe(request: &HttpGet, timeout: Duration) -> Attempt {
    match tokio::time::timeout(timeout, get(request, false)).await {
        Err(_) => (
            Outcome::Failure,
            format!(
                "Get {:?}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
                request.url.to_string()
            ),
            None,
        ),
        Ok(Err(HttpError::Request(error))) => (Outcome::Failure, error, None),
        Ok(Err(HttpError::Body(error))) => (Outcome::Failure, String::new(), Some(error)),
        Ok(Ok(response)) => match response.status {
            200..=299 => (Outcome::Success, response.body, None),
            300..=399 => (
                Outcome::Warning,
                format!(
                    "Probe terminated redirects, Response body: {}",
                    response.body
                ),
                None,
            ),
            code => (
                Outcome::Failure,
                format!("HTTP probe failed with statuscode: {code}"),
                None,
            ),
        },
    }
}

/// GETs `request.url`, following redirects (to other hosts only with `follow_non_local`).
pub(crate) async fn get(request: &HttpGet, follow_non_local: bool) -> Result<Response, HttpError> {
    let mut url = request.url.clone();
    let mut headers = request.headers.clone();
    let mut redirects = 0;
    loop {
        let reply = send(&url, &headers).await.map_err(|error| match error {
            HttpError::Request(e) => HttpError::Request(format!("Get {:?}: {e}", url.to_string())),
            body => body,
        })?;
        let Some(location) = reply.location else {
            return Ok(reply.response);
        };
        let Some((next, absolute)) = resolve(&url, &location) else {
            return Err(HttpError::Request(format!(
                "Get {:?}: failed to parse Location header {location:?}",
                url.to_string()
            )));
        };
        if !follow_non_local && next.host != request.url.host {
            return Ok(reply.response);
        }
        if redirects >= MAX_REDIRECTS {
            return Err(HttpError::Request(format!(
                "Get {:?}: stopped after {MAX_REDIRECTS} redirects",
                next.to_string()
            )));
        }
        redirects += 1;
        if absolute {
            // A custom Host header only survives relative redirects, as in Go.
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case("host"));
        }
        if next.host != url.host {
            headers.retain(|(n, _)| {
                !n.eq_ignore_ascii_case("authorization") && !n.eq_ignore_ascii_case("cookie")
            });
        }
        url = next;
    }
}

/// Resolves a `Location` against the URL that answered; `true` when it was absolute.
pub(crate) fn resolve(base: &Url, location: &str) -> Option<(Url, bool)> {
    if location.starts_with("//") {
        let scheme = if base.https { "https:" } else { "http:" };
        return parse_absolute(&format!("{scheme}{location}")).map(|u| (u, true));
    }
    if location.contains("://") {
        return parse_absolute(location).map(|u| (u, true));
    }
    let path = if location.starts_with('/') {
        location.to_owned()
    } else {
        let base_path = base.path.split(['?', '#']).next().unwrap_or("/");
        let dir = base_path.rfind('/').map_or("/", |at| &base_path[..=at]);
        format!("{dir}{location}")
    };
    Some((
        Url {
            path,
            ..base.clone()
        },
        false,
    ))
}

fn parse_absolute(location: &str) -> Option<Url> {
    let uri: http::Uri = location.parse().ok()?;
    let https = match uri.scheme_str()? {
        "http" => false,
        "https" => true,
        _ => return None,
    };
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    Some(Url {
        https,
        host: host.to_owned(),
        port: uri.port_u16().unwrap_or(if https { 443 } else { 80 }),
        path: uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
    })
}

struct Reply {
    response: Response,
    /// Set for a redirect status with a `Location`.
    location: Option<String>,
}

async fn send(url: &Url, headers: &[(String, String)]) -> Result<Reply, HttpError> {
    // The caller bounds the whole exchange; the dial needs no deadline of its own.
    let tcp = dial(&url.host, url.port, Duration::from_secs(24 * 3600))
        .await
        .map_err(HttpError::Request)?;
    if url.https {
        let connector = tls_connector().map_err(HttpError::Request)?;
        let name = ServerName::try_from(url.host.clone())
            .map_err(|e| HttpError::Request(e.to_string()))?;
        let tls = connector
            .connect(name, tcp)
            .await
            .map_err(|e| HttpError::Request(e.to_string()))?;
        exchange(TokioIo::new(tls), url, headers).await
    } else {
        exchange(TokioIo::new(tcp), url, headers).await
    }
}

/// Aborts the connection task when the exchange ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn exchange<I>(io: I, url: &Url, headers: &[(String, String)]) -> Result<Reply, HttpError>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let request_error = |e: &dyn fmt::Display| HttpError::Request(e.to_string());
    // Header names go out in canonical case (`User-Agent`), as Go writes them.
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .title_case_headers(true)
        .handshake::<_, Empty<Bytes>>(io)
        .await
        .map_err(|e| request_error(&e))?;
    let _driver = AbortOnDrop(tokio::spawn(async move {
        let _ = connection.await;
    }));
    let host = headers
        .iter()
        .find(|(n, v)| n.eq_ignore_ascii_case("host") && !v.is_empty())
        .map_or_else(|| join_host_port(&url.host, url.port), |(_, v)| v.clone());
    let mut builder = http::Request::get(url.path.as_str()).header(http::header::HOST, host);
    for (name, value) in headers {
        if !name.eq_ignore_ascii_case("host") {
            builder = builder.header(name.as_str(), value.as_str());
        }
    }
    let request = builder
        .header(http::header::CONNECTION, "close")
        .body(Empty::new())
        .map_err(|e| request_error(&format!("net/http: invalid request: {e}")))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| request_error(&e))?;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let location = location.filter(|_| matches!(status, 301 | 302 | 303 | 307 | 308));
    let mut body = response.into_body();
    let mut data = Vec::new();
    while data.len() < MAX_BODY {
        match body.frame().await {
            None => break,
            Some(Ok(frame)) => {
                if let Ok(chunk) = frame.into_data() {
                    data.extend_from_slice(&chunk);
                }
            }
            Some(Err(error)) => return Err(HttpError::Body(error.to_string())),
        }
    }
    data.truncate(MAX_BODY);
    Ok(Reply {
        response: Response {
            status,
            body: String::from_utf8_lossy(&data).into_owned(),
        },
        location,
    })
}

/// A TLS client that accepts any server certificate (Go's `InsecureSkipVerify`: the
/// handshake signatures are still checked).
fn tls_connector() -> Result<tokio_rustls::TlsConnector, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
