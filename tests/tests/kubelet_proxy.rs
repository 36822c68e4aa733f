//! The API server's kubelet subresources end to end: a real kube-apiserver (in-process, with
//! `--kubelet-client-certificate`/`--kubelet-client-key` and `--kubelet-certificate-authority`)
//! proxies `pods/log`, `pods/exec` (WebSocket) and `nodes/proxy` to a real kubelet server
//! whose pod runs in containerd.
//!
//! Needs `KUBELET_TEST_CRI_ENDPOINT` (e.g. `unix:///work/dev/containerd/containerd.sock`);
//! skipped with a note when it is unset. Everything created in CRI is removed, even on failure.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use common::kubeconfig::{Credentials, KubeconfigOptions, KubeconfigSpec};
use common::pki::{CertificateAuthority, ClientCertSpec, ServingCertSpec};
use common::shutdown::Shutdown;
use common::tls;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, LogParams, PostParams};
use kubelet::cri::{RuntimeClient, v1};
use kubelet::pod_manager::PodManager;
use kubelet::runtime::labels;
use kubelet::server::{self, ServerState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BUSYBOX: &str = kubeadm::images::BUSYBOX_IMAGE;

/// Stops and removes the sandbox (and so its containers) on drop.
struct SandboxGuard {
    endpoint: String,
    id: Option<String>,
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

/// Runs `pod` (namespace, name, uid from the API) with one busybox container `main`.
async fn run_pod(
    cri: &RuntimeClient,
    guard: &mut SandboxGuard,
    pod: &Pod,
    log_dir: &std::path::Path,
) {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let namespace = pod.metadata.namespace.clone().unwrap_or_default();
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    std::fs::create_dir_all(log_dir.join("main")).expect("log dir");
    let pod_labels = HashMap::from([
        (labels::POD_NAME.to_owned(), name.clone()),
        (labels::POD_NAMESPACE.to_owned(), namespace.clone()),
        (labels::POD_UID.to_owned(), uid.clone()),
    ]);
    let sandbox_config = v1::PodSandboxConfig {
        metadata: Some(v1::PodSandboxMetadata {
            name: name.clone(),
            uid,
            namespace,
            attempt: 0,
        }),
        hostname: name,
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
    let mut container_labels = pod_labels;
    container_labels.insert(labels::CONTAINER_NAME.to_owned(), "main".to_owned());
    let container = cri
        .create_container(v1::CreateContainerRequest {
            pod_sandbox_id: sandbox,
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
                args: vec!["for i in 1 2 3; do echo line$i; done; sleep 300".into()],
                log_path: "main/0.log".to_owned(),
                labels: container_labels,
                linux: Some(v1::LinuxContainerConfig::default()),
                ..Default::default()
            }),
            sandbox_config: Some(sandbox_config),
        })
        .await
        .expect("container")
        .container_id;
    cri.start_container(v1::StartContainerRequest {
        container_id: container,
    })
    .await
    .expect("start");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_exec_and_node_proxy_through_the_apiserver() {
    let Ok(endpoint) = std::env::var("KUBELET_TEST_CRI_ENDPOINT") else {
        eprintln!("KUBELET_TEST_CRI_ENDPOINT is unset: skipping the kubelet proxy test");
        return;
    };
    let cri = RuntimeClient::connect(&endpoint, Duration::from_secs(60))
        .await
        .expect("CRI");
    let dir = tempfile::tempdir().expect("dir");
    let path = |name: &str| dir.path().join(name);
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let ca = CertificateAuthority::generate().expect("ca");
    let write = |name: &str, pem: &str| std::fs::write(path(name), pem).expect("write");
    write("ca.crt", ca.cert_pem());
    let serving = ca
        .issue_serving(&ServingCertSpec::new("kube-apiserver").with_ip_addresses([localhost]))
        .expect("serving");
    write("apiserver.crt", &serving.cert_pem);
    write("apiserver.key", &serving.key_pem);
    let kubelet_client = ca
        .issue_client(&ClientCertSpec::new(
            "kube-apiserver-kubelet-client",
            ["system:masters"],
        ))
        .expect("kubelet client");
    write("kubelet-client.crt", &kubelet_client.cert_pem);
    write("kubelet-client.key", &kubelet_client.key_pem);

    // The API server.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("addr");
    let options = apiserver::options::Options::try_parse_from([
        "kube-apiserver".to_owned(),
        format!("--tls-cert-file={}", path("apiserver.crt").display()),
        format!("--tls-private-key-file={}", path("apiserver.key").display()),
        format!("--client-ca-file={}", path("ca.crt").display()),
        format!(
            "--kubelet-client-certificate={}",
            path("kubelet-client.crt").display()
        ),
        format!(
            "--kubelet-client-key={}",
            path("kubelet-client.key").display()
        ),
        format!(
            "--kubelet-certificate-authority={}",
            path("ca.crt").display()
        ),
        format!("--data-dir={}", path("store").display()),
        format!("--secure-port={}", address.port()),
        "--bind-address=127.0.0.1".to_owned(),
    ])
    .expect("options");
    let shutdown = Shutdown::new();
    let apiserver = tokio::spawn(apiserver::app::run(options, listener, shutdown.clone()));
    let admin = ca
        .issue_client(&ClientCertSpec::new("kubernetes-admin", ["system:masters"]))
        .expect("admin");
    let spec = KubeconfigSpec {
        cluster_name: "kubernetes".into(),
        server: format!("https://{address}"),
        ca_pem: ca.cert_pem().to_owned(),
        user_name: "kubernetes-admin".into(),
        credentials: Credentials::ClientCertificate {
            cert_pem: admin.cert_pem.clone(),
            key_pem: admin.key_pem.clone(),
        },
    };
    common::kubeconfig::write(path("admin.conf"), &spec.build().expect("kubeconfig"))
        .expect("write kubeconfig");
    let client = KubeconfigOptions::from_path(path("admin.conf"))
        .client()
        .await
        .expect("client");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while client.apiserver_version().await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "API server not ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The kubelet server.
    let kubelet_serving = ca
        .issue_serving(
            &ServingCertSpec::new("system:node:proxy-node").with_ip_addresses([localhost]),
        )
        .expect("kubelet serving");
    let ca_certs = tls::parse_certificates(ca.cert_pem().as_bytes()).expect("ca");
    let kubelet_tls = tls::server_config(
        tls::parse_certificates(kubelet_serving.cert_pem.as_bytes()).expect("chain"),
        tls::parse_private_key(kubelet_serving.key_pem.as_bytes()).expect("key"),
        Some(&ca_certs),
    )
    .expect("kubelet tls");
    let kubelet_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let kubelet_port = kubelet_listener.local_addr().expect("addr").port();
    let pods_on_node = PodManager::default();
    let kubelet = tokio::spawn(server::serve(
        kubelet_listener,
        Arc::new(kubelet_tls),
        ServerState::new(
            cri.clone(),
            pods_on_node.clone(),
            prometheus::Registry::new(),
            "proxy-node",
        ),
        shutdown.clone(),
    ));

    let suffix: u32 = rand::random();
    let node_name = format!("proxy-node-{suffix:08x}");
    let nodes: Api<Node> = Api::all(client.clone());
    let node: Node = serde_json::from_value(serde_json::json!({
        "metadata": {"name": node_name},
        "status": {
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": kubelet_port}},
        },
    }))
    .expect("node");
    let created = nodes
        .create(&PostParams::default(), &node)
        .await
        .expect("create node");
    if created
        .status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .is_none()
    {
        let mut with_status = created.clone();
        with_status.status = node.status.clone();
        nodes
            .replace_status(&node_name, &PostParams::default(), &with_status)
            .await
            .expect("node status");
    }

    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let pod_name = format!("proxied-{suffix:08x}");
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": pod_name},
        "spec": {"nodeName": node_name, "containers": [{"name": "main", "image": BUSYBOX}]},
    }))
    .expect("pod");
    let pod = pods
        .create(&PostParams::default(), &pod)
        .await
        .expect("create pod");
    let two: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": format!("two-{suffix:08x}")},
        "spec": {"nodeName": node_name, "containers": [
            {"name": "a", "image": BUSYBOX}, {"name": "b", "image": BUSYBOX}]},
    }))
    .expect("pod");
    pods.create(&PostParams::default(), &two)
        .await
        .expect("create pod two");

    let mut guard = SandboxGuard {
        endpoint: endpoint.clone(),
        id: None,
    };
    run_pod(&cri, &mut guard, &pod, &path("logs")).await;
    pods_on_node.upsert(pod.clone());

    // pods/log, through the API server and the kubelet.
    let mut logs = String::new();
    for _ in 0..50 {
        logs = pods
            .logs(&pod_name, &LogParams::default())
            .await
            .expect("logs");
        if logs.contains("line3") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(logs, "line1\nline2\nline3\n");
    let tail = pods
        .logs(
            &pod_name,
            &LogParams {
                tail_lines: Some(1),
                ..Default::default()
            },
        )
        .await
        .expect("tail");
    assert_eq!(tail, "line3\n");
    let ambiguous = pods
        .logs(&format!("two-{suffix:08x}"), &LogParams::default())
        .await
        .expect_err("two containers");
    let kube::Error::Api(status) = ambiguous else {
        panic!("not a Status: {ambiguous:?}");
    };
    assert_eq!(status.code, 400);
    assert_eq!(
        status.message,
        format!(
            "a container name must be specified for pod two-{suffix:08x}, choose one of: [a b]"
        )
    );
    let previous = pods
        .logs(
            &pod_name,
            &LogParams {
                previous: true,
                ..Default::default()
            },
        )
        .await
        .expect_err("no previous");
    let kube::Error::Api(status) = previous else {
        panic!("not a Status: {previous:?}");
    };
    assert_eq!(
        (status.code, status.message.as_str()),
        (
            400,
            format!("previous terminated container \"main\" in pod \"{pod_name}\" not found")
                .as_str()
        )
    );

    // nodes/proxy.
    let healthz = client
        .request_text(
            http::Request::get(format!("/api/v1/nodes/{node_name}/proxy/healthz"))
                .body(Vec::new())
                .expect("request"),
        )
        .await
        .expect("node proxy");
    assert_eq!(healthz, "ok");

    // pods/exec over WebSocket: 101 through both proxies, then the command's stdout.
    let identity = (
        tls::parse_certificates(admin.cert_pem.as_bytes()).expect("chain"),
        tls::parse_private_key(admin.key_pem.as_bytes()).expect("key"),
    );
    let mut config = tls::client_config(&ca_certs, Some(identity)).expect("client tls");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let tcp = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let mut stream = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(
            rustls::pki_types::ServerName::IpAddress(Ipv4Addr::LOCALHOST.into()),
            tcp,
        )
        .await
        .expect("tls");
    let handshake = format!(
        "GET /api/v1/namespaces/default/pods/{pod_name}/exec?command=echo&command=hello-through-apiserver&stdout=true HTTP/1.1\r\n\
Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n"
    );
    stream.write_all(handshake.as_bytes()).await.expect("send");
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !String::from_utf8_lossy(&received).contains("hello-through-apiserver") {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut buffer))
            .await
            .expect("exec output in time")
            .expect("read");
        if read == 0 {
            break;
        }
        received.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 101"), "{text}");
    assert!(text.contains("hello-through-apiserver"), "{text}");
    drop(stream);

    shutdown.trigger();
    let _ = tokio::time::timeout(Duration::from_secs(10), kubelet).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), apiserver).await;
    drop(guard);
}
