//! The test containerd: starts from kubeadm's config, imports the project's images, runs a
//! pod sandbox with a busybox container on the CNI network from the template, and leaves
//! nothing behind (mounts, bridge, data dir) when dropped.

use std::time::Duration;

use kubelet::cri::v1;
use tests::containerd::{TestContainerd, available};

fn sandbox_config(name: &str) -> v1::PodSandboxConfig {
    v1::PodSandboxConfig {
        metadata: Some(v1::PodSandboxMetadata {
            name: name.to_owned(),
            uid: format!("uid-{name}"),
            namespace: "default".to_owned(),
            attempt: 0,
        }),
        hostname: name.to_owned(),
        linux: Some(v1::LinuxPodSandboxConfig {
            cgroup_parent: String::new(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn run_ip(args: &[&str]) -> String {
    std::process::Command::new("ip")
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

async fn http_get(ip: &str, port: u16) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut last = String::new();
    for _ in 0..50 {
        match tokio::net::TcpStream::connect((ip, port)).await {
            Ok(mut stream) => {
                let request = format!("GET /index.html HTTP/1.0\r\nHost: {ip}\r\n\r\n");
                stream.write_all(request.as_bytes()).await.unwrap();
                let mut body = String::new();
                stream.read_to_string(&mut body).await.unwrap();
                return body;
            }
            Err(error) => last = error.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("connecting to {ip}:{port}: {last}");
}

#[tokio::test]
async fn starts_imports_and_runs_a_pod_then_cleans_up() {
    if !available() {
        eprintln!("skipping: containerd, runc, ctr or root privileges are missing");
        return;
    }
    let containerd = TestContainerd::start().await.expect("containerd starts");
    let dir = containerd.dir().expect("data dir").to_owned();
    let cri = containerd.client().await.unwrap();

    for image in containerd.images() {
        let status = cri
            .image_status(v1::ImageStatusRequest {
                image: Some(v1::ImageSpec {
                    image: image.name.clone(),
                    ..Default::default()
                }),
                verbose: false,
            })
            .await
            .unwrap();
        let found = status.image.expect("image imported");
        assert_eq!(found.id, image.id, "{}", image.name);
    }

    let name = format!("containerd-test-{}", std::process::id());
    let config = sandbox_config(&name);
    let sandbox = cri
        .run_pod_sandbox(v1::RunPodSandboxRequest {
            config: Some(config.clone()),
            runtime_handler: String::new(),
        })
        .await
        .expect("RunPodSandbox")
        .pod_sandbox_id;
    let status = cri
        .pod_sandbox_status(v1::PodSandboxStatusRequest {
            pod_sandbox_id: sandbox.clone(),
            verbose: false,
        })
        .await
        .unwrap()
        .status
        .expect("sandbox status");
    let ip = status.network.map(|n| n.ip).unwrap_or_default();
    let prefix = containerd.pod_cidr().trim_end_matches("0/24").to_owned();
    assert!(
        ip.starts_with(&prefix),
        "pod IP {ip} outside {}",
        containerd.pod_cidr()
    );

    let container = cri
        .create_container(v1::CreateContainerRequest {
            pod_sandbox_id: sandbox.clone(),
            config: Some(v1::ContainerConfig {
                metadata: Some(v1::ContainerMetadata {
                    name: "sleeper".to_owned(),
                    attempt: 0,
                }),
                image: Some(v1::ImageSpec {
                    image: kubeadm::images::BUSYBOX_IMAGE.to_owned(),
                    ..Default::default()
                }),
                command: vec!["sleep".to_owned(), "3600".to_owned()],
                ..Default::default()
            }),
            sandbox_config: Some(config),
        })
        .await
        .expect("CreateContainer")
        .container_id;
    cri.start_container(v1::StartContainerRequest {
        container_id: container.clone(),
    })
    .await
    .expect("StartContainer");
    let out = cri
        .exec_sync(v1::ExecSyncRequest {
            container_id: container.clone(),
            cmd: vec![
                "sh".to_owned(),
                "-c".to_owned(),
                "echo hello from $(hostname)".to_owned(),
            ],
            timeout: 10,
        })
        .await
        .expect("ExecSync");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("hello from {name}")
    );

    // The host reaches the pod over the bridge: busybox httpd in the pod, a TCP client here.
    cri.exec_sync(v1::ExecSyncRequest {
        container_id: container.clone(),
        cmd: [
            "sh",
            "-c",
            "echo ok > /tmp/index.html && httpd -p 8080 -h /tmp",
        ]
        .map(str::to_owned)
        .to_vec(),
        timeout: 10,
    })
    .await
    .expect("httpd starts");
    let body = http_get(&ip, 8080).await;
    assert!(
        body.ends_with("ok\n"),
        "GET http://{ip}:8080/ answered {body:?}"
    );

    let bridge = kubeadm::containerd::bridge_name_for(&dir.join("containerd"));
    assert!(
        run_ip(&["-br", "link"]).contains(&bridge),
        "bridge {bridge} exists"
    );
    drop(cri);
    drop(containerd);

    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!dir.exists(), "data dir removed");
    assert!(
        kubeadm::containerd::mounts_under(&dir).is_empty(),
        "no mounts left"
    );
    assert!(
        !run_ip(&["-br", "link"]).contains(&bridge),
        "bridge removed"
    );
}
