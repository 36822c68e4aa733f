//! `/exec`, `/attach` and `/portForward`: the kubelet asks CRI for a streaming URL (`Exec`,
//! `Attach`, `PortForward`) and proxies the client's upgrade request to the runtime's
//! streaming server, as upstream does by default (`proxyStream` in
//! `pkg/kubelet/server/server.go`). The runtime speaks SPDY/3.1 and WebSocket itself; the
//! kubelet only joins the two upgraded connections ([`common::proxy`]).

use http::{Request, Response, StatusCode};
use hyper::body::Incoming;

use super::containers;
use super::{HttpError, ServerState};
use crate::cri::v1;
use common::serving::ResponseBody;

/// The stream options of an exec or attach request (upstream's `remotecommand.NewOptions`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamOptions {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub tty: bool,
    /// `command`, repeated (exec only).
    pub command: Vec<String>,
}

fn flag(value: &str) -> bool {
    value == "1" || value.eq_ignore_ascii_case("true")
}

impl StreamOptions {
    pub fn from_query(query: &str) -> Result<Self, HttpError> {
        let mut options = StreamOptions::default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match name.as_ref() {
                "stdin" | "input" => options.stdin = flag(&value),
                "stdout" | "output" => options.stdout = flag(&value),
                "stderr" | "error" => options.stderr = flag(&value),
                "tty" => options.tty = flag(&value),
                "command" => options.command.push(value.into_owned()),
                _ => {}
            }
        }
        if !options.stdin && !options.stdout && !options.stderr {
            return Err(HttpError::new(
                StatusCode::BAD_REQUEST,
                "you must specify at least 1 of stdin, stdout, stderr",
            ));
        }
        // A terminal has one output stream: stderr is dropped, as upstream.
        if options.tty {
            options.stderr = false;
        }
        Ok(options)
    }
}

/// Which streaming call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Exec,
    Attach,
    PortForward,
}

/// A parsed streaming path: `/{kind}/{namespace}/{pod}[/{uid}]/{container}` (no container
/// for port forwarding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target<'a> {
    pub kind: Kind,
    pub namespace: &'a str,
    pub pod: &'a str,
    pub uid: Option<&'a str>,
    pub container: Option<&'a str>,
}

impl<'a> Target<'a> {
    pub fn parse(segments: &[&'a str]) -> Option<Self> {
        let (kind, rest) = segments.split_first()?;
        let kind = match *kind {
            "exec" => Kind::Exec,
            "attach" => Kind::Attach,
            "portForward" => Kind::PortForward,
            _ => return None,
        };
        let (namespace, pod, uid, container) = match (kind, rest) {
            (Kind::PortForward, [ns, pod]) => (*ns, *pod, None, None),
            (Kind::PortForward, [ns, pod, uid]) => (*ns, *pod, Some(*uid), None),
            (Kind::Exec | Kind::Attach, [ns, pod, container]) => {
                (*ns, *pod, None, Some(*container))
            }
            (Kind::Exec | Kind::Attach, [ns, pod, uid, container]) => {
                (*ns, *pod, Some(*uid), Some(*container))
            }
            _ => return None,
        };
        Some(Target {
            kind,
            namespace,
            pod,
            uid,
            container,
        })
    }
}

/// Serves one streaming request: the CRI call, then the proxy to the URL it returns.
pub async fn serve(
    state: &ServerState,
    target: Target<'_>,
    request: Request<Incoming>,
) -> Result<Response<ResponseBody>, HttpError> {
    let pod = state
        .pods
        .pod_by_name(target.namespace, target.pod)
        .ok_or_else(|| HttpError::new(StatusCode::NOT_FOUND, "pod does not exist"))?;
    if let Some(uid) = target.uid
        && pod.metadata.uid.as_deref() != Some(uid)
    {
        return Err(HttpError::new(StatusCode::NOT_FOUND, "pod not found"));
    }
    let uid = pod.metadata.uid.as_deref();
    if !common::proxy::is_upgrade_request(request.headers()) {
        return Err(HttpError::new(
            StatusCode::BAD_REQUEST,
            "Upgrade request required",
        ));
    }
    let url = match (target.kind, target.container) {
        (Kind::PortForward, _) => {
            let sandbox =
                containers::ready_sandbox(&state.cri, target.namespace, target.pod, uid).await?;
            state
                .cri
                .port_forward(v1::PortForwardRequest {
                    pod_sandbox_id: sandbox.id,
                    port: Vec::new(),
                })
                .await
                .map_err(HttpError::cri)?
                .url
        }
        (kind, Some(name)) => {
            if !containers::pod_has_container(&pod, name) {
                return Err(HttpError::new(
                    StatusCode::NOT_FOUND,
                    format!("container {name:?} not found in pod {:?}", target.pod),
                ));
            }
            let options = StreamOptions::from_query(request.uri().query().unwrap_or(""))?;
            let container =
                containers::running_container(&state.cri, target.namespace, target.pod, uid, name)
                    .await?;
            if kind == Kind::Exec {
                if options.command.is_empty() {
                    return Err(HttpError::new(
                        StatusCode::BAD_REQUEST,
                        "you must specify at least one command for the container",
                    ));
                }
                state
                    .cri
                    .exec(v1::ExecRequest {
                        container_id: container.id,
                        cmd: options.command,
                        tty: options.tty,
                        stdin: options.stdin,
                        stdout: options.stdout,
                        stderr: options.stderr,
                    })
                    .await
                    .map_err(HttpError::cri)?
                    .url
            } else {
                state
                    .cri
                    .attach(v1::AttachRequest {
                        container_id: container.id,
                        stdin: options.stdin,
                        tty: options.tty,
                        stdout: options.stdout,
                        stderr: options.stderr,
                    })
                    .await
                    .map_err(HttpError::cri)?
                    .url
            }
        }
        (_, None) => return Err(HttpError::not_found()),
    };
    proxy_to(&url, request).await
}

/// Proxies `request` to the runtime's streaming URL (`http://host:port/path`).
async fn proxy_to(
    url: &str,
    request: Request<Incoming>,
) -> Result<Response<ResponseBody>, HttpError> {
    let bad = |message: String| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, message);
    let uri: http::Uri = url
        .parse()
        .map_err(|e| bad(format!("invalid streaming URL {url:?}: {e}")))?;
    if uri.scheme_str() != Some("http") {
        return Err(bad(format!(
            "unsupported streaming URL {url:?}: only http is supported"
        )));
    }
    let authority = uri
        .authority()
        .ok_or_else(|| bad(format!("streaming URL {url:?} has no host")))?
        .clone();
    let port = authority.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((authority.host(), port))
        .await
        .map_err(|e| {
            bad(format!(
                "connecting to the streaming server at {authority}: {e}"
            ))
        })?;
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    tracing::debug!(%url, "proxying a streaming request to the runtime");
    common::proxy::forward(request, stream, authority.as_str(), path)
        .await
        .map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = Target::parse(&["exec", "ns", "p", "c"]).expect("exec");
        assert_eq!((t.kind, t.uid, t.container), (Kind::Exec, None, Some("c")));
        let t = Target::parse(&["attach", "ns", "p", "u", "c"]).expect("attach");
        assert_eq!((t.uid, t.container), (Some("u"), Some("c")));
        let t = Target::parse(&["portForward", "ns", "p"]).expect("pf");
        assert_eq!((t.kind, t.container), (Kind::PortForward, None));
        assert!(Target::parse(&["exec", "ns", "p"]).is_none());
        assert!(Target::parse(&["run", "ns", "p", "c"]).is_none());
    }

    #[test]
    fn stream_options() {
        let o = StreamOptions::from_query(
            "command=sh&command=-c&command=echo%20hi&stdout=true&stderr=1&tty=1",
        )
        .expect("options");
        assert_eq!(o.command, ["sh", "-c", "echo hi"]);
        assert!(o.stdout && o.tty && !o.stderr && !o.stdin);
        let e = StreamOptions::from_query("command=ls").expect_err("no streams");
        assert_eq!(
            e.message,
            "you must specify at least 1 of stdin, stdout, stderr"
        );
    }
}
