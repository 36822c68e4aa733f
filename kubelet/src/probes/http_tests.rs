//! HTTP probes against a local server: status codes, redirects, headers, body limit,
//! timeouts, HTTPS without verification, and the lifecycle hook's messages.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::core::v1::{
    Container, ContainerPort, HTTPGetAction, HTTPHeader, LifecycleHandler, Pod, SleepAction,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;
use crate::probes::handlers;

/// Requests the server saw: (request line, lowercased header lines).
type Seen = Arc<Mutex<Vec<(String, Vec<String>)>>>;

fn response_for(path: &str, port: u16) -> Option<String> {
    let reply = |status: &str, extra: &str, body: &str| {
        format!(
            "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    Some(match path {
        "/ok" | "/ok?x=1" => reply("200 OK", "", "ok body"),
        "/fail" => reply("500 Internal Server Error", "", "secret"),
        "/redirect-local" => reply("302 Found", "Location: /ok\r\n", ""),
        "/redirect-port" => reply(
            "301 Moved Permanently",
            &format!("Location: http://127.0.0.1:{port}/ok\r\n"),
            "",
        ),
        "/redirect-remote" => reply(
            "302 Found",
            "Location: http://192.0.2.1:1/x\r\n",
            "moved away",
        ),
        "/loop" => reply("302 Found", "Location: /loop\r\n", ""),
        "/nolocation" => reply("304 Not Modified", "", ""),
        "/big" => reply("200 OK", "", &"a".repeat(20 * 1024)),
        "/slow" => return None,
        _ => reply("404 Not Found", "", ""),
    })
}

async fn handle<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, seen: Seen, port: u16) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<String> = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.to_ascii_lowercase())
        .collect();
    seen.lock().unwrap().push((request_line.clone(), headers));
    let path = request_line.split(' ').nth(1).unwrap_or_default();
    match response_for(path, port) {
        Some(response) => {
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        None => tokio::time::sleep(Duration::from_secs(30)).await,
    }
}

/// A plain HTTP server on 127.0.0.1; returns its port and what it saw.
async fn server() -> (u16, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Seen::default();
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handle(stream, log.clone(), port));
        }
    });
    (port, seen)
}

/// The same server behind TLS with a self-signed certificate.
async fn tls_server() -> (u16, Seen) {
    let ca = common::pki::CertificateAuthority::generate().unwrap();
    let cert = ca
        .issue_serving(
            &common::pki::ServingCertSpec::new("probe-test").with_dns_names(["example.invalid"]),
        )
        .unwrap();
    let config = common::tls::server_config(
        common::tls::parse_certificates(cert.cert_pem.as_bytes()).unwrap(),
        common::tls::parse_private_key(cert.key_pem.as_bytes()).unwrap(),
        None,
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Seen::default();
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let log = log.clone();
            tokio::spawn(async move {
                if let Ok(stream) = acceptor.accept(stream).await {
                    handle(stream, log, port).await;
                }
            });
        }
    });
    (port, seen)
}

fn action(path: &str, port: u16) -> HTTPGetAction {
    HTTPGetAction {
        path: Some(path.into()),
        port: IntOrString::Int(port.into()),
        ..Default::default()
    }
}

async fn run(action: &HTTPGetAction, timeout: Duration) -> Attempt {
    let request = request_for_action(action, &Container::default(), "127.0.0.1", "probe").unwrap();
    probe(&request, timeout).await
}

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test]
async fn status_codes_and_bodies() {
    let (port, _) = server().await;
    assert_eq!(
        run(&action("/ok", port), SECOND).await,
        (Outcome::Success, "ok body".into(), None)
    );
    assert_eq!(
        run(&action("/ok?x=1", port), SECOND).await.0,
        Outcome::Success
    );
    assert_eq!(
        run(&action("/fail", port), SECOND).await,
        (
            Outcome::Failure,
            "HTTP probe failed with statuscode: 500".into(),
            None
        )
    );
    assert_eq!(
        run(&action("/missing", port), SECOND).await.1,
        "HTTP probe failed with statuscode: 404"
    );
    let (outcome, body, _) = run(&action("/big", port), SECOND).await;
    assert_eq!(outcome, Outcome::Success);
    assert_eq!(body.len(), 10 * 1024, "the body is read up to 10 KiB");
    assert_eq!(
        run(&action("/nolocation", port), SECOND).await,
        (
            Outcome::Warning,
            "Probe terminated redirects, Response body: ".into(),
            None
        )
    );
}

#[tokio::test]
async fn redirects() {
    let (port, seen) = server().await;
    assert_eq!(
        run(&action("/redirect-local", port), SECOND).await,
        (Outcome::Success, "ok body".into(), None)
    );
    assert_eq!(
        run(&action("/redirect-port", port), SECOND).await.1,
        "ok body",
        "same host, absolute URL"
    );
    assert_eq!(
        run(&action("/redirect-remote", port), SECOND).await,
        (
            Outcome::Warning,
            "Probe terminated redirects, Response body: moved away".into(),
            None
        ),
        "another host is not followed"
    );
    assert!(
        !seen
            .lock()
            .unwrap()
            .iter()
            .any(|(line, _)| line.contains("/x")),
        "nothing was sent to the other host"
    );
    assert_eq!(
        run(&action("/loop", port), Duration::from_secs(5)).await,
        (
            Outcome::Failure,
            format!("Get \"http://127.0.0.1:{port}/loop\": stopped after 10 redirects"),
            None
        )
    );
    let loops = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|(line, _)| line.starts_with("GET /loop "))
        .count();
    assert_eq!(loops, 11, "the first request and ten redirects");
}

#[tokio::test]
async fn headers() {
    let (port, seen) = server().await;
    let mut with_headers = action("ok", port);
    with_headers.http_headers = Some(vec![
        HTTPHeader {
            name: "X-Custom".into(),
            value: "one".into(),
        },
        HTTPHeader {
            name: "Host".into(),
            value: "probe.example".into(),
        },
    ]);
    assert_eq!(run(&with_headers, SECOND).await.0, Outcome::Success);
    let mut overridden = action("/ok", port);
    overridden.http_headers = Some(vec![
        HTTPHeader {
            name: "user-agent".into(),
            value: "mine".into(),
        },
        HTTPHeader {
            name: "Accept".into(),
            value: String::new(),
        },
    ]);
    assert_eq!(run(&overridden, SECOND).await.0, Outcome::Success);
    let seen = seen.lock().unwrap().clone();
    let (line, first) = &seen[0];
    assert_eq!(line, "GET /ok HTTP/1.1", "a path without / gets one");
    for header in [
        "user-agent: kube-probe/1.34",
        "accept: */*",
        "x-custom: one",
        "host: probe.example",
        "connection: close",
    ] {
        assert!(first.contains(&header.to_owned()), "{header} in {first:?}");
    }
    let (_, second) = &seen[1];
    assert!(second.contains(&"user-agent: mine".to_owned()));
    assert!(second.contains(&format!("host: 127.0.0.1:{port}")));
    assert!(
        !second.iter().any(|h| h.starts_with("accept:")),
        "an empty Accept removes it"
    );
}

#[tokio::test]
async fn connection_errors_and_timeouts() {
    let (port, _) = server().await;
    let (outcome, output, error) = run(&action("/slow", port), Duration::from_millis(300)).await;
    assert_eq!(outcome, Outcome::Failure);
    assert_eq!(
        output,
        format!(
            "Get \"http://127.0.0.1:{port}/slow\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
        )
    );
    assert_eq!(error, None);

    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    assert_eq!(
        run(&action("/ok", closed_port), SECOND).await,
        (
            Outcome::Failure,
            format!(
                "Get \"http://127.0.0.1:{closed_port}/ok\": dial tcp 127.0.0.1:{closed_port}: connect: connection refused"
            ),
            None
        )
    );
}

#[tokio::test]
async fn https_without_verification() {
    let (port, seen) = tls_server().await;
    let mut https = action("/redirect-local", port);
    https.scheme = Some("HTTPS".into());
    assert_eq!(
        run(&https, Duration::from_secs(5)).await,
        (Outcome::Success, "ok body".into(), None)
    );
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[test]
fn requests_from_actions() {
    let container = Container {
        name: "app".into(),
        ports: Some(vec![ContainerPort {
            name: Some("http".into()),
            container_port: 8080,
            ..Default::default()
        }]),
        ..Default::default()
    };
    let mut named = action("/healthz", 0);
    named.port = IntOrString::String("http".into());
    let request = request_for_action(&named, &container, "10.88.0.7", "probe").unwrap();
    assert_eq!(request.url.to_string(), "http://10.88.0.7:8080/healthz");
    named.port = IntOrString::String("9090".into());
    named.host = Some("::1".into());
    let request = request_for_action(&named, &container, "10.88.0.7", "lifecycle").unwrap();
    assert_eq!(request.url.to_string(), "http://[::1]:9090/healthz");
    assert!(
        request
            .headers
            .contains(&("User-Agent".into(), "kube-lifecycle/1.34".into()))
    );
    named.port = IntOrString::String("metrics".into());
    assert_eq!(
        request_for_action(&named, &container, "10.88.0.7", "probe").unwrap_err(),
        "strconv.Atoi: parsing \"metrics\": invalid syntax"
    );
    named.port = IntOrString::Int(70000);
    assert_eq!(
        request_for_action(&named, &container, "10.88.0.7", "probe").unwrap_err(),
        "invalid port number: 70000"
    );
}

#[test]
fn locations() {
    let base = Url {
        https: false,
        host: "10.0.0.1".into(),
        port: 8080,
        path: "/a/b?q=1".into(),
    };
    let resolved = |l: &str| resolve(&base, l).map(|(u, abs)| (u.to_string(), abs));
    assert_eq!(
        resolved("/c"),
        Some(("http://10.0.0.1:8080/c".into(), false))
    );
    assert_eq!(
        resolved("c?d"),
        Some(("http://10.0.0.1:8080/a/c?d".into(), false))
    );
    assert_eq!(
        resolved("https://[::1]/x"),
        Some(("https://[::1]:443/x".into(), true))
    );
    assert_eq!(
        resolved("//other:81"),
        Some(("http://other:81/".into(), true))
    );
    assert_eq!(resolved("ftp://x/"), None);
}

fn hook_pod() -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some("web".into()),
            namespace: Some("default".into()),
            uid: Some("u1".into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A RuntimeClient on a socket nobody serves: the HTTP and sleep hooks never use it.
async fn idle_cri(dir: &tempfile::TempDir) -> crate::cri::RuntimeClient {
    let path = dir.path().join("cri.sock");
    let listener = tokio::net::UnixListener::bind(&path).unwrap();
    tokio::spawn(async move {
        let _keep = listener;
        std::future::pending::<()>().await;
    });
    crate::cri::RuntimeClient::connect_path(&path, SECOND)
        .await
        .unwrap()
}

#[tokio::test]
async fn lifecycle_http_and_sleep_hooks() {
    let dir = tempfile::tempdir().unwrap();
    let cri = idle_cri(&dir).await;
    let (port, seen) = server().await;
    let pod = hook_pod();
    let container = Container {
        name: "app".into(),
        ..Default::default()
    };
    let hook = LifecycleHandler {
        http_get: Some(action("/fail", port)),
        ..Default::default()
    };
    // The status code does not matter.
    handlers::run_lifecycle_handler(&cri, &pod, &container, "c1", &hook, Some("127.0.0.1"))
        .await
        .unwrap();
    assert!(
        seen.lock().unwrap()[0]
            .1
            .contains(&"user-agent: kube-lifecycle/1.34".to_owned())
    );

    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let hook = LifecycleHandler {
        http_get: Some(action("/hook", closed_port)),
        ..Default::default()
    };
    let error =
        handlers::run_lifecycle_handler(&cri, &pod, &container, "c1", &hook, Some("127.0.0.1"))
            .await
            .unwrap_err();
    assert_eq!(
        error,
        format!(
            "HTTP lifecycle hook (/hook) for Container \"app\" in Pod \"web_default(u1)\" failed - error: Get \"http://127.0.0.1:{closed_port}/hook\": dial tcp 127.0.0.1:{closed_port}: connect: connection refused"
        )
    );

    let sleep = LifecycleHandler {
        sleep: Some(SleepAction { seconds: 1 }),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    handlers::run_lifecycle_handler(&cri, &pod, &container, "c1", &sleep, None)
        .await
        .unwrap();
    assert!(started.elapsed() >= SECOND);
}
