//! The subresources served by a kubelet: `pods/log`, `pods/exec`, `pods/attach`,
//! `pods/portforward` and `nodes/proxy` (upstream's `pkg/registry/core/pod/rest/log.go`,
//! `subresources.go` and `pkg/registry/core/node/rest/proxy.go`).
//!
//! The API server finds the pod's node (or the node itself), the node's address (the first
//! of `status.addresses` by type: InternalIP, Hostname, InternalDNS, ExternalIP, ExternalDNS)
//! and the kubelet's port (`status.daemonEndpoints.kubeletEndpoint.Port`, else 10250), and
//! connects over TLS, presenting `--kubelet-client-certificate`/`--kubelet-client-key` and
//! verifying the kubelet's serving certificate with `--kubelet-certificate-authority` when
//! given (without it the kubelet's certificate is not verified, as upstream). The request is
//! then proxied ([`common::proxy`]): logs stream back as text, and the upgrade requests of
//! exec, attach and port-forward (WebSocket or SPDY) are joined byte for byte once the kubelet
//! answers `101`. A kubelet error on a log request becomes a Status as upstream's
//! `GenericHttpResponseChecker` builds it (400 keeps the kubelet's message).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use serde_json::Value;

use super::query::Query;
use super::request_info::RequestInfo;
use super::status::ApiError;
use crate::registry::Registry;
use common::serving::ResponseBody;

/// The kubelet port used when a node reports none (upstream's `--kubelet-port`).
pub const DEFAULT_KUBELET_PORT: u16 = 10250;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of a kubelet's error body is read into a Status.
const MAX_ERROR_BODY: usize = 4096;
const ADDRESS_TYPES: [&str; 5] = [
    "InternalIP",
    "Hostname",
    "InternalDNS",
    "ExternalIP",
    "ExternalDNS",
];

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("kubelet client TLS configuration: {0}")]
    Tls(#[from] rustls::Error),
    #[error("kubelet client TLS configuration: {0}")]
    Verifier(#[from] rustls::client::VerifierBuilderError),
}

/// How the API server connects to kubelets.
#[derive(Clone)]
pub struct KubeletClient {
    /// Verifies the kubelet's certificate when a CA was given; otherwise as `insecure`.
    verified: Arc<ClientConfig>,
    /// Accepts any kubelet certificate (`insecureSkipTLSVerifyBackend`).
    insecure: Arc<ClientConfig>,
}

impl KubeletClient {
    /// A client presenting `identity` (certificate chain and key), verifying kubelets against
    /// `ca` when given.
    pub fn new(
        identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
        ca: Option<&[CertificateDer<'static>]>,
    ) -> Result<Self, Error> {
        let provider = common::tls::crypto_provider();
        let insecure_builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification(provider.clone())));
        let mut insecure = match identity.as_ref().map(|(c, k)| (c.clone(), k.clone_key())) {
            Some((chain, key)) => insecure_builder.with_client_auth_cert(chain, key)?,
            None => insecure_builder.with_no_client_auth(),
        };
        // Upgrades are HTTP/1.1 only.
        insecure.alpn_protocols = vec![b"http/1.1".to_vec()];
        let insecure = Arc::new(insecure);
        let verified = match ca {
            Some(ca) => {
                let mut config = common::tls::client_config(ca, identity).map_err(|e| {
                    rustls::Error::General(format!("--kubelet-certificate-authority: {e}"))
                })?;
                config.alpn_protocols = vec![b"http/1.1".to_vec()];
                Arc::new(config)
            }
            None => insecure.clone(),
        };
        Ok(KubeletClient { verified, insecure })
    }
}

/// Accepts every server certificate (signatures are still checked).
#[derive(Debug)]
struct NoVerification(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for NoVerification {
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

/// Whether the request is one this module serves.
pub fn handles(info: &RequestInfo) -> bool {
    info.is_resource_request
        && info.api_group.is_empty()
        && info.api_version == "v1"
        && !info.name.is_empty()
        && match info.resource.as_str() {
            "pods" => matches!(
                info.subresource.as_str(),
                "log" | "exec" | "attach" | "portforward"
            ),
            "nodes" => info.subresource == "proxy",
            _ => false,
        }
}

fn string_list(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default()
}

/// The container a request names, or the pod's only container (upstream's messages).
fn pick_container(pod: &Value, name: &str, requested: Option<&str>) -> Result<String, ApiError> {
    let spec = &pod["spec"];
    let containers = string_list(&spec["containers"]);
    match requested.filter(|c| !c.is_empty()) {
        Some(container) => {
            let known = containers
                .iter()
                .chain(string_list(&spec["initContainers"]).iter())
                .chain(string_list(&spec["ephemeralContainers"]).iter())
                .any(|c| *c == container);
            if known {
                Ok(container.to_owned())
            } else {
                Err(ApiError::bad_request(format!(
                    "container {container} is not valid for pod {name}"
                )))
            }
        }
        None => match containers.as_slice() {
            [only] => Ok((*only).to_owned()),
            [] => Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {name}"
            ))),
            many => {
                let mut message = format!(
                    "a container name must be specified for pod {name}, choose one of: [{}]",
                    many.join(" ")
                );
                let init = string_list(&spec["initContainers"]);
                if !init.is_empty() {
                    message.push_str(&format!(
                        " or one of the init containers: [{}]",
                        init.join(" ")
                    ));
                }
                Err(ApiError::bad_request(message))
            }
        },
    }
}

/// The host and port of the kubelet on `node`.
fn kubelet_address(node: &Value) -> Result<(String, u16), ApiError> {
    let addresses = node["status"]["addresses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let host = ADDRESS_TYPES
        .iter()
        .find_map(|kind| {
            addresses
                .iter()
                .find(|a| {
                    a["type"] == *kind && a["address"].as_str().is_some_and(|s| !s.is_empty())
                })
                .and_then(|a| a["address"].as_str())
        })
        .ok_or_else(|| {
            let known: Vec<String> = addresses
                .iter()
                .map(|a| {
                    format!(
                        "{{{} {}}}",
                        a["type"].as_str().unwrap_or(""),
                        a["address"].as_str().unwrap_or("")
                    )
                })
                .collect();
            ApiError::bad_request(format!(
                "no preferred addresses found; known addresses: [{}]",
                known.join(" ")
            ))
        })?;
    let port = node["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"]
        .as_u64()
        .and_then(|p| u16::try_from(p).ok())
        .filter(|p| *p != 0)
        .unwrap_or(DEFAULT_KUBELET_PORT);
    Ok((host.to_owned(), port))
}

fn truthy(query: &Query, name: &str) -> bool {
    query
        .get(name)
        .is_some_and(|v| matches!(v, "true" | "1" | "True" | "TRUE" | "t" | "T"))
}

async fn node_of(registry: &Registry, name: &str) -> Result<Value, ApiError> {
    let nodes = registry
        .get("", "v1", "nodes")
        .ok_or_else(ApiError::not_found_path)?;
    nodes.get(None, name).await
}

/// Serves one of the subresources of [`handles`].
pub async fn handle(
    client: &KubeletClient,
    registry: &Registry,
    info: &RequestInfo,
    request: Request<Incoming>,
) -> Result<Response<ResponseBody>, ApiError> {
    let query = Query::parse(request.uri().query());
    if info.resource == "nodes" {
        // `/api/v1/nodes/{name}/proxy/{path}`: everything after `proxy`, and the query.
        let node_name = info.name.split(':').next().unwrap_or(&info.name);
        let node = node_of(registry, node_name).await?;
        let rest = info.parts.get(3..).map(|p| p.join("/")).unwrap_or_default();
        let mut path = format!("/{rest}");
        if let Some(q) = request.uri().query() {
            path.push('?');
            path.push_str(q);
        }
        return proxy(client.verified.clone(), &node, &path, request).await;
    }

    let pods = registry
        .get("", "v1", "pods")
        .ok_or_else(ApiError::not_found_path)?;
    let pod = pods.get(Some(&info.namespace), &info.name).await?;
    let name = &info.name;
    let namespace = &info.namespace;
    let node_name = pod["spec"]["nodeName"].as_str().unwrap_or("");
    let mut params: Vec<(&str, String)> = Vec::new();
    let path = match info.subresource.as_str() {
        "log" => {
            let container = pick_container(&pod, name, query.get("container"))?;
            if node_name.is_empty() {
                // Not scheduled yet: an empty log, as upstream.
                return Ok(text_response(StatusCode::OK, ""));
            }
            for flag in ["follow", "previous", "timestamps"] {
                if truthy(&query, flag) {
                    params.push((flag, "true".to_owned()));
                }
            }
            for number in ["sinceSeconds", "tailLines", "limitBytes"] {
                if let Some(value) = query.get(number) {
                    let parsed: i64 = value.parse().map_err(|_| {
                        ApiError::bad_request(format!("invalid value {value:?} for {number}"))
                    })?;
                    params.push((number, parsed.to_string()));
                }
            }
            if let Some(value) = query.get("sinceTime") {
                params.push(("sinceTime", value.to_owned()));
            }
            format!("/containerLogs/{namespace}/{name}/{container}")
        }
        "exec" | "attach" => {
            let container = pick_container(&pod, name, query.get("container"))?;
            if node_name.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "pod {name} does not have a host assigned"
                )));
            }
            let streams = ["stdin", "stdout", "stderr"];
            if !streams.iter().any(|s| truthy(&query, s)) {
                return Err(ApiError::bad_request(
                    "you must specify at least 1 of stdin, stdout, stderr",
                ));
            }
            for flag in streams.iter().chain(&["tty"]) {
                if truthy(&query, flag) {
                    params.push((flag, "1".to_owned()));
                }
            }
            if info.subresource == "exec" {
                let commands: Vec<&str> = query.all("command").collect();
                if commands.is_empty() {
                    return Err(ApiError::bad_request(
                        "you must specify at least one command for the container",
                    ));
                }
                for command in commands {
                    params.push(("command", command.to_owned()));
                }
            }
            format!("/{}/{namespace}/{name}/{container}", info.subresource)
        }
        _ => {
            if node_name.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "pod {name} does not have a host assigned"
                )));
            }
            for port in query.all("ports") {
                params.push(("port", port.to_owned()));
            }
            format!("/portForward/{namespace}/{name}")
        }
    };
    let streaming = info.subresource != "log";
    if streaming && !common::proxy::is_upgrade_request(request.headers()) {
        return Err(ApiError::bad_request("Upgrade request required"));
    }
    let params = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let path = if params.is_empty() {
        path
    } else {
        format!("{path}?{params}")
    };
    let node = node_of(registry, node_name).await?;
    let tls = if info.subresource == "log" && truthy(&query, "insecureSkipTLSVerifyBackend") {
        client.insecure.clone()
    } else {
        client.verified.clone()
    };
    let response = proxy(tls, &node, &path, request).await?;
    if streaming {
        return Ok(response);
    }
    check_log_response(response, name).await
}

fn text_response(status: StatusCode, body: &'static str) -> Response<ResponseBody> {
    let mut response = Response::new(common::serving::full_body(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain"),
    );
    response
}

/// Upstream's `GenericHttpResponseChecker`: a kubelet error becomes a Status.
async fn check_log_response(
    response: Response<ResponseBody>,
    name: &str,
) -> Result<Response<ResponseBody>, ApiError> {
    let status = response.status();
    if status.is_success() && status.as_u16() <= 206 {
        let mut response = response;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("text/plain"),
        );
        return Ok(response);
    }
    let mut body = response.into_body();
    let mut bytes = Vec::new();
    while let Some(Ok(frame)) = body.frame().await {
        if let Ok(data) = frame.into_data() {
            bytes.extend_from_slice(&data);
        }
        if bytes.len() >= MAX_ERROR_BODY {
            bytes.truncate(MAX_ERROR_BODY);
            break;
        }
    }
    let text = String::from_utf8_lossy(&bytes).trim_end().to_owned();
    Err(match status {
        StatusCode::BAD_REQUEST => ApiError::bad_request(text),
        StatusCode::INTERNAL_SERVER_ERROR => ApiError::internal(text.clone(), text),
        other => ApiError::GenericServerResponse {
            code: other.as_u16(),
            verb: String::new(),
            resource: "pods/log".to_owned(),
            name: name.to_owned(),
            server_message: text,
            retry_after_seconds: 0,
            unexpected: false,
        },
    })
}

/// Connects to the kubelet of `node` and forwards the request to `path`.
async fn proxy(
    tls: Arc<ClientConfig>,
    node: &Value,
    path: &str,
    request: Request<Incoming>,
) -> Result<Response<ResponseBody>, ApiError> {
    let (host, port) = kubelet_address(node)?;
    let unavailable =
        |e: String| ApiError::ServiceUnavailable(format!("error trying to reach service: {e}"));
    let server_name = match host.parse::<IpAddr>() {
        Ok(ip) => ServerName::IpAddress(ip.into()),
        Err(_) => ServerName::try_from(host.clone())
            .map_err(|e| unavailable(format!("invalid kubelet host {host:?}: {e}")))?,
    };
    let authority = match host.parse::<IpAddr>() {
        Ok(IpAddr::V6(ip)) => format!("[{ip}]:{port}"),
        _ => format!("{host}:{port}"),
    };
    let connect = async {
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| format!("dial tcp {authority}: {e}"))?;
        let _ = tcp.set_nodelay(true);
        tokio_rustls::TlsConnector::from(tls)
            .connect(server_name, tcp)
            .await
            .map_err(|e| format!("tls: {e}"))
    };
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, connect)
        .await
        .map_err(|_| unavailable(format!("dial tcp {authority}: i/o timeout")))?
        .map_err(unavailable)?;
    tracing::debug!(%authority, path, "proxying to the kubelet");
    common::proxy::forward(request, stream, &authority, path)
        .await
        .map_err(|e| unavailable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn containers_are_picked_as_upstream() {
        let pod = json!({"spec": {
            "containers": [{"name": "a"}, {"name": "b"}],
            "initContainers": [{"name": "init"}],
        }});
        let err = pick_container(&pod, "p", None).expect_err("ambiguous");
        assert_eq!(
            err,
            ApiError::bad_request(
                "a container name must be specified for pod p, choose one of: [a b] or one of the init containers: [init]"
            )
        );
        assert_eq!(
            pick_container(&pod, "p", Some("init")).expect("init"),
            "init"
        );
        assert_eq!(
            pick_container(&pod, "p", Some("x")).expect_err("unknown"),
            ApiError::bad_request("container x is not valid for pod p")
        );
        let single = json!({"spec": {"containers": [{"name": "only"}]}});
        assert_eq!(pick_container(&single, "p", None).expect("only"), "only");
    }

    #[test]
    fn kubelet_addresses() {
        let node = json!({"status": {
            "addresses": [{"type": "Hostname", "address": "n1"}, {"type": "InternalIP", "address": "10.0.0.5"}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10255}},
        }});
        assert_eq!(
            kubelet_address(&node).expect("addr"),
            ("10.0.0.5".into(), 10255)
        );
        let bare = json!({"status": {"addresses": [{"type": "Hostname", "address": "n1"}]}});
        assert_eq!(kubelet_address(&bare).expect("addr"), ("n1".into(), 10250));
        assert!(kubelet_address(&json!({})).is_err());
    }

    #[test]
    fn handled_requests() {
        let parse = |m: &str, p: &str| RequestInfo::parse(m, p, "");
        assert!(handles(&parse("GET", "/api/v1/namespaces/d/pods/p/log")));
        assert!(handles(&parse("POST", "/api/v1/namespaces/d/pods/p/exec")));
        assert!(handles(&parse(
            "GET",
            "/api/v1/nodes/n/proxy/stats/summary"
        )));
        assert!(!handles(&parse(
            "GET",
            "/api/v1/namespaces/d/pods/p/status"
        )));
        assert!(!handles(&parse(
            "GET",
            "/apis/apps/v1/namespaces/d/deployments/p/log"
        )));
    }
}
