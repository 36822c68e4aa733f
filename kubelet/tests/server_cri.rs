//! The kubelet server against a real CRI runtime: a busybox container printing lines, read
//! through `/containerLogs` (tail and follow), and an exec through `/exec` proxied to the
//! runtime's streaming server over WebSocket.
//!
//! Needs `KUBELET_TEST_CRI_ENDPOINT` (e.g. `unix:///work/dev/containerd/containerd.sock`);
//! skipped with a note when it is unset. Everything created is removed, even on failure.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::pki::{CertificateAuthority, ClientCertSpec, ServingCertSpec};
use common::shutdown::Shutdown;
use common::tls;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubelet::cri::{RuntimeClient, v1};
use kubelet::pod_manager::PodManager;
use kubelet::runtime::labels;
use kubelet::server::{self, ServerState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BUSYBOX: &str = kubeadm::images::BUSYBOX_IMAGE;

fn endpoint() -> Option<String> {
    let endpoint = std::env::var("KUBELET_TEST_CRI_ENDPOINT").ok();
    if endpoint.is_none() {
        eprintln!("KUBELET_TEST_CRI_ENDPOINT is unset: skipping the CRI server test");
    }
    endpoint
}

/// Stops and removes the sandbox (and so its containers) and the log folder on drop.
struct SandboxGuard {
    endpoint: String,
    id: Option<String>,
    _logs: tempfile::TempDir,
}

impl Drop for SandboxGuard {
    fn drop(&mut self) {
        let Some(id) = self.id.take() else { return };
        let endpoint = self.endpoint.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let Ok(cri) = RuntimeClient::connect(&endpoint, Duration::from_secs(30)).await
                else {
                    return;
                };
                let _ = cri
                    .stop_pod_sandbox(v1::StopPodSandboxRequest {
                        pod_sandbox_id: id.clone(),
                    })
                    .await;
                let _ = cri
                    .remove_pod_sandbox(v1::RemovePodSandboxRequest { pod_sandbox_id: id })
                    .await;
            });
        })
        .join();
    }
}

struct Client {
    addr: SocketAddr,
    config: Arc<rustls::ClientConfig>,
}

impl Client {
    async fn connect(&self) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
        let tcp = tokio::net::TcpStream::connect(self.addr)
            .await
            .expect("connect");
        let name = rustls::pki_types::ServerName::IpAddress(Ipv4Addr::LOCALHOST.into());
        tokio_rustls::TlsConnector::from(self.config.clone())
            .connect(name, tcp)
            .await
            .expect("tls")
    }

    /// GET `path`; the status and a receiver of the body.
    async fn get(&self, path: &str) -> (StatusCode, hyper::body::Incoming) {
        let stream = self.connect().await;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(conn);
        let response = sender
            .send_request(
                Request::get(path)
                    .header("host", "127.0.0.1")
                    .body(Empty::<Bytes>::new())
                    .expect("request"),
            )
            .await
            .expect("response");
        (response.status(), response.into_body())
    }

    async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let (status, body) = self.get(path).await;
        let bytes = body.collect().await.expect("body").to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Sends an upgrade request with `headers` and returns the status line of the answer.
async fn upgrade_status(client: &Client, path: &str, headers: &str) -> String {
    let mut stream = client.connect().await;
    // WebSocket upgrades are GETs; SPDY ones POSTs, as kubectl sends them.
    let method = if headers.contains("websocket") {
        "GET"
    } else {
        "POST"
    };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n{headers}\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut received = Vec::new();
    let mut buffer = [0u8; 1024];
    while !received.windows(2).any(|w| w == b"\r\n") {
        let read = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buffer))
            .await
            .expect("answer in time")
            .expect("read");
        if read == 0 {
            break;
        }
        received.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&received).into_owned();
    text.lines().next().unwrap_or("").to_owned()
}

fn client_config(
    ca: &CertificateAuthority,
    user: Option<(&str, &[&str])>,
) -> Arc<rustls::ClientConfig> {
    let ca_certs = tls::parse_certificates(ca.cert_pem().as_bytes()).expect("ca");
    let identity = user.map(|(name, groups)| {
        let issued = ca
            .issue_client(&ClientCertSpec::new(name, groups.iter().copied()))
            .expect("client cert");
        (
            tls::parse_certificates(issued.cert_pem.as_bytes()).expect("chain"),
            tls::parse_private_key(issued.key_pem.as_bytes()).expect("key"),
        )
    });
    let mut config = tls::client_config(&ca_certs, identity).expect("client config");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_and_exec_through_the_kubelet_server() {
    let Some(endpoint) = endpoint() else { return };
    let cri = RuntimeClient::connect(&endpoint, Duration::from_secs(60))
        .await
        .expect("CRI");
    let suffix: u32 = rand::random();
    let namespace = "default";
    let pod_name = format!("server-cri-{suffix:08x}");
    let uid = format!("uid-server-cri-{suffix:08x}");
    let logs = tempfile::tempdir().expect("log dir");
    let mut guard = SandboxGuard {
        endpoint: endpoint.clone(),
        id: None,
        _logs: logs,
    };
    let log_dir = guard._logs.path().to_owned();
    std::fs::create_dir_all(log_dir.join("main")).expect("container log dir");

    let pod_labels = HashMap::from([
        (labels::POD_NAME.to_owned(), pod_name.clone()),
        (labels::POD_NAMESPACE.to_owned(), namespace.to_owned()),
        (labels::POD_UID.to_owned(), uid.clone()),
    ]);
    let sandbox_config = v1::PodSandboxConfig {
        metadata: Some(v1::PodSandboxMetadata {
            name: pod_name.clone(),
            uid: uid.clone(),
            namespace: namespace.to_owned(),
            attempt: 0,
        }),
        hostname: pod_name.clone(),
        log_directory: log_dir.display().to_string(),
        labels: pod_labels.clone(),
        linux: Some(v1::LinuxPodSandboxConfig::default()),
        ..Default::default()
    };
    let sandbox = cri
        .run_pod_sandbox(v1::RunPodSandboxRequest {
            config: Some(sandbox_config.clone()),
            runtime_handler: String::new(),
        })
        .await
        .expect("sandbox")
        .pod_sandbox_id;
    guard.id = Some(sandbox.clone());

    let mut container_labels = pod_labels.clone();
    container_labels.insert(labels::CONTAINER_NAME.to_owned(), "main".to_owned());
    let container = cri
        .create_container(v1::CreateContainerRequest {
            pod_sandbox_id: sandbox.clone(),
            config: Some(v1::ContainerConfig {
                metadata: Some(v1::ContainerMetadata {
                    name: "main".to_owned(),
                    attempt: 0,
                }),
                image: Some(v1::ImageSpec {
                    image: BUSYBOX.to_owned(),
                    ..Default::default()
                }),
                command: vec!["sh".into(), "-c".into()],
                args: vec![
                    "for i in 1 2 3 4 5; do echo line$i; done; sleep 2; echo late; sleep 300"
                        .into(),
                ],
                log_path: "main/0.log".to_owned(),
                labels: container_labels,
                annotations: HashMap::from([(
                    labels::CONTAINER_RESTART_COUNT.to_owned(),
                    "0".to_owned(),
                )]),
                linux: Some(v1::LinuxContainerConfig::default()),
                ..Default::default()
            }),
            sandbox_config: Some(sandbox_config),
        })
        .await
        .expect("container")
        .container_id;
    cri.start_container(v1::StartContainerRequest {
        container_id: container.clone(),
    })
    .await
    .expect("start");

    let pods = PodManager::default();
    pods.upsert(Pod {
        metadata: ObjectMeta {
            name: Some(pod_name.clone()),
            namespace: Some(namespace.to_owned()),
            uid: Some(uid.clone()),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "main".to_owned(),
                image: Some(BUSYBOX.to_owned()),
                ..Default::default()
            }],
            ..Default::default()
        }),
        status: None,
    });

    // The server, with a serving certificate for 127.0.0.1 and client certificates verified.
    let ca = CertificateAuthority::generate().expect("ca");
    let serving = ca
        .issue_serving(
            &ServingCertSpec::new("system:node:test")
                .with_ip_addresses([IpAddr::V4(Ipv4Addr::LOCALHOST)]),
        )
        .expect("serving");
    let ca_certs = tls::parse_certificates(ca.cert_pem().as_bytes()).expect("ca");
    let tls_config = tls::server_config(
        tls::parse_certificates(serving.cert_pem.as_bytes()).expect("chain"),
        tls::parse_private_key(serving.key_pem.as_bytes()).expect("key"),
        Some(&ca_certs),
    )
    .expect("server tls");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let shutdown = Shutdown::new();
    let state = ServerState::new(cri.clone(), pods, prometheus::Registry::new(), "test-node");
    let server = tokio::spawn(server::serve(
        listener,
        Arc::new(tls_config),
        state,
        shutdown.clone(),
    ));

    let admin = Client {
        addr,
        config: client_config(&ca, Some(("kube-apiserver-kubelet-client", &[]))),
    };
    let anonymous = Client {
        addr,
        config: client_config(&ca, None),
    };
    let node = Client {
        addr,
        config: client_config(&ca, Some(("system:node:other", &["system:nodes"]))),
    };

    assert_eq!(
        anonymous.get_text("/healthz").await,
        (StatusCode::UNAUTHORIZED, "Unauthorized".to_owned())
    );
    assert_eq!(
        node.get_text("/healthz").await,
        (
            StatusCode::FORBIDDEN,
            "Forbidden (user=system:node:other, verb=get, resource=nodes, subresource=proxy)"
                .to_owned()
        )
    );
    assert_eq!(
        admin.get_text("/healthz").await,
        (StatusCode::OK, "ok".to_owned())
    );
    let (status, pods_json) = admin.get_text("/pods").await;
    assert_eq!(status, StatusCode::OK);
    assert!(pods_json.contains(&pod_name), "{pods_json}");

    // Wait for the first five lines, then tail.
    let logs_path = format!("/containerLogs/{namespace}/{pod_name}/main");
    let mut text = String::new();
    for _ in 0..50 {
        text = admin.get_text(&logs_path).await.1;
        if text.contains("line5") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(text.starts_with("line1\nline2\n"), "{text}");
    let (status, tail) = admin.get_text(&format!("{logs_path}?tailLines=2")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        tail == "line4\nline5\n" || tail == "line5\nlate\n",
        "{tail}"
    );
    let (_, limited) = admin.get_text(&format!("{logs_path}?limitBytes=8")).await;
    assert_eq!(limited, "line1\nli");
    let (_, stamped) = admin
        .get_text(&format!("{logs_path}?timestamps=true&tailLines=1"))
        .await;
    assert!(stamped.contains("Z line"), "{stamped}");
    let (status, previous) = admin.get_text(&format!("{logs_path}?previous=true")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        previous,
        format!("previous terminated container \"main\" in pod \"{pod_name}\" not found")
    );
    let (status, missing) = admin
        .get_text(&format!("/containerLogs/{namespace}/{pod_name}/nope"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");

    // Follow: the line written two seconds later arrives on the open stream.
    let (status, mut body) = admin.get(&format!("{logs_path}?follow=true")).await;
    assert_eq!(status, StatusCode::OK);
    let mut followed = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !followed.contains("late\n") {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .expect("the followed line in time")
            .expect("stream open")
            .expect("frame");
        if let Ok(data) = frame.into_data() {
            followed.push_str(&String::from_utf8_lossy(&data));
        }
    }
    assert!(followed.starts_with("line1\n"), "{followed}");
    drop(body);

    // /stats/summary names the node and the pod.
    let (status, summary) = admin.get_text("/stats/summary").await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let summary: serde_json::Value = serde_json::from_str(&summary).expect("summary json");
    assert_eq!(summary["node"]["nodeName"], "test-node");
    assert!(
        summary["node"]["memory"]["workingSetBytes"].is_u64(),
        "{summary}"
    );
    let pod = summary["pods"]
        .as_array()
        .and_then(|pods| {
            pods.iter()
                .find(|p| p["podRef"]["name"] == pod_name.as_str())
        })
        .cloned()
        .expect("our pod in the summary");
    assert!(pod["cpu"]["usageCoreNanoSeconds"].is_u64(), "{pod}");
    assert!(pod["memory"]["workingSetBytes"].is_u64(), "{pod}");

    // Exec over WebSocket through the kubelet: 101 from the runtime's streaming server, then
    // stdout on channel 1.
    let exec_path = format!(
        "/exec/{namespace}/{pod_name}/main?command=echo&command=hello-exec&stdout=1&stderr=1"
    );
    let mut stream = admin.connect().await;
    let handshake = format!(
        "GET {exec_path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n"
    );
    stream.write_all(handshake.as_bytes()).await.expect("send");
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut buffer))
            .await
            .expect("exec output in time")
            .expect("read");
        if read == 0 {
            break;
        }
        received.extend_from_slice(&buffer[..read]);
        if String::from_utf8_lossy(&received).contains("hello-exec") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&received);
    assert!(
        text.starts_with("HTTP/1.1 101"),
        "the upgrade was not switched: {text}"
    );
    assert!(text.contains("hello-exec"), "{text}");
    drop(stream);

    // What the runtime answers to WebSocket v5 (kubectl 1.30+ offers it first): passed back
    // as is, whatever it is.
    let v5 = upgrade_status(
        &admin,
        &exec_path,
        "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n",
    )
    .await;
    eprintln!("the runtime answers a v5.channel.k8s.io exec with: {v5}");

    // SPDY upgrades: exec and port forwarding switch protocols.
    let spdy = "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n";
    let status = upgrade_status(&admin, &exec_path, spdy).await;
    assert!(status.starts_with("HTTP/1.1 101"), "{status}");
    let spdy = "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n";
    let status = upgrade_status(
        &admin,
        &format!("/portForward/{namespace}/{pod_name}"),
        spdy,
    )
    .await;
    assert!(status.starts_with("HTTP/1.1 101"), "{status}");
    let status = upgrade_status(
        &admin,
        &format!("/portForward/{namespace}/{pod_name}/{uid}"),
        spdy,
    )
    .await;
    assert!(status.starts_with("HTTP/1.1 101"), "{status}");
    // A plain request is refused.
    let (status, refused) = admin
        .get_text(&format!("/portForward/{namespace}/{pod_name}"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused, "Upgrade request required");

    shutdown.trigger();
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    drop(guard);
}
