//! Probes and exec hooks against a real CRI runtime: a busybox container serving HTTP on
//! the pod IP (its httpGet startup probe gates the others), whose `cat /tmp/healthy`
//! readiness probe follows the file, and whose liveness probe fails when `/tmp/dead`
//! appears. Needs `KUBELET_TEST_CRI_ENDPOINT` (skipped with a note when unset).

use std::time::Duration;

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStateRunning, ContainerStatus, ExecAction, HTTPGetAction,
    LifecycleHandler, Pod, PodSpec, PodStatus, Probe,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubelet::cri::{RuntimeClient, v1};
use kubelet::probes::{ProbeKind, ProbeManager, handlers::run_lifecycle_handler};

const BUSYBOX: &str = kubeadm::images::BUSYBOX_IMAGE;

/// Stops and removes the sandbox (and with it the container) however the test ends.
struct SandboxGuard {
    endpoint: String,
    sandbox_id: Option<String>,
}

impl Drop for SandboxGuard {
    fn drop(&mut self) {
        let Some(id) = self.sandbox_id.take() else {
            return;
        };
        let endpoint = self.endpoint.clone();
        // Drop cannot await: clean up on a runtime of our own.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                let Ok(cri) = RuntimeClient::connect(&endpoint, Duration::from_secs(30)).await
                else {
                    return;
                };
                let _ = cri
                    .stop_pod_sandbox(v1::StopPodSandboxRequest {
                        pod_sandbox_id: id.clone(),
                    })
                    .await;
                if let Err(error) = cri
                    .remove_pod_sandbox(v1::RemovePodSandboxRequest { pod_sandbox_id: id })
                    .await
                {
                    eprintln!("removing the test sandbox: {error}");
                }
            });
        })
        .join();
    }
}

fn exec_probe(command: &[&str]) -> Probe {
    Probe {
        exec: Some(ExecAction {
            command: Some(command.iter().map(|s| s.to_string()).collect()),
        }),
        period_seconds: Some(1),
        timeout_seconds: Some(5),
        success_threshold: Some(1),
        failure_threshold: Some(1),
        ..Default::default()
    }
}

fn exec_hook(command: &[&str]) -> LifecycleHandler {
    LifecycleHandler {
        exec: Some(ExecAction {
            command: Some(command.iter().map(|s| s.to_string()).collect()),
        }),
        ..Default::default()
    }
}

/// Polls `check` (every 200 ms, up to 20 s) until it holds.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("timed out waiting for: {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_probes_and_hooks_in_containerd() {
    let Ok(endpoint) = std::env::var("KUBELET_TEST_CRI_ENDPOINT") else {
        eprintln!("KUBELET_TEST_CRI_ENDPOINT is unset; skipping the CRI probe test");
        return;
    };
    let cri = RuntimeClient::connect(&endpoint, Duration::from_secs(60))
        .await
        .expect("connect to CRI");
    let suffix: u32 = rand::random();
    let name = format!("probes-cri-{suffix:08x}");
    let uid = format!("uid-{name}");
    let logs = tempfile::tempdir().expect("log dir");
    let mut guard = SandboxGuard {
        endpoint: endpoint.clone(),
        sandbox_id: None,
    };

    let sandbox_config = v1::PodSandboxConfig {
        metadata: Some(v1::PodSandboxMetadata {
            name: name.clone(),
            uid: uid.clone(),
            namespace: "default".into(),
            attempt: 0,
        }),
        hostname: name.clone(),
        log_directory: logs.path().display().to_string(),
        linux: Some(v1::LinuxPodSandboxConfig::default()),
        ..Default::default()
    };
    let sandbox_id = cri
        .run_pod_sandbox(v1::RunPodSandboxRequest {
            config: Some(sandbox_config.clone()),
            runtime_handler: String::new(),
        })
        .await
        .expect("RunPodSandbox")
        .pod_sandbox_id;
    guard.sandbox_id = Some(sandbox_id.clone());
    let container_id = cri
        .create_container(v1::CreateContainerRequest {
            pod_sandbox_id: sandbox_id.clone(),
            config: Some(v1::ContainerConfig {
                metadata: Some(v1::ContainerMetadata {
                    name: "app".into(),
                    attempt: 0,
                }),
                image: Some(v1::ImageSpec {
                    image: BUSYBOX.into(),
                    ..Default::default()
                }),
                command: vec![
                    "sh".into(),
                    "-c".into(),
                    "mkdir -p /www && echo hello > /www/index.html && httpd -p 8080 -h /www; sleep 3600"
                        .into(),
                ],
                log_path: "app/0.log".into(),
                linux: Some(v1::LinuxContainerConfig::default()),
                ..Default::default()
            }),
            sandbox_config: Some(sandbox_config),
        })
        .await
        .expect("CreateContainer")
        .container_id;
    cri.start_container(v1::StartContainerRequest {
        container_id: container_id.clone(),
    })
    .await
    .expect("StartContainer");
    let pod_ip = cri
        .pod_sandbox_status(v1::PodSandboxStatusRequest {
            pod_sandbox_id: sandbox_id.clone(),
            verbose: false,
        })
        .await
        .ok()
        .and_then(|s| s.status)
        .and_then(|s| s.network)
        .map(|n| n.ip)
        .unwrap_or_default();

    let container = Container {
        name: "app".into(),
        image: Some(BUSYBOX.into()),
        readiness_probe: Some(exec_probe(&["cat", "/tmp/healthy"])),
        liveness_probe: Some(exec_probe(&["sh", "-c", "! test -e /tmp/dead"])),
        startup_probe: Some(Probe {
            http_get: Some(HTTPGetAction {
                path: Some("/index.html".into()),
                port: IntOrString::Int(8080),
                ..Default::default()
            }),
            period_seconds: Some(1),
            failure_threshold: Some(30),
            ..Default::default()
        }),
        ..Default::default()
    };
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some("default".into()),
            uid: Some(uid.clone()),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![container.clone()],
            ..Default::default()
        }),
        ..Default::default()
    };
    let base = PodStatus {
        phase: Some("Running".into()),
        pod_ip: Some(pod_ip.clone()),
        container_statuses: Some(vec![ContainerStatus {
            name: "app".into(),
            container_id: Some(format!("containerd://{container_id}")),
            image: BUSYBOX.into(),
            state: Some(ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(Time(jiff::Timestamp::now())),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }]),
        ..Default::default()
    };

    let (resync, mut resyncs) = tokio::sync::mpsc::unbounded_channel();
    let manager = ProbeManager::new(
        cri.clone(),
        common::events::EventRecorder::discard(),
        resync,
    );
    manager.add_pod(&pod);
    let ready = || {
        let mut status = base.clone();
        manager.update_pod_status(&pod, &mut status);
        status
            .container_statuses
            .as_ref()
            .is_some_and(|c| c[0].ready)
    };
    assert!(!ready(), "not ready before the probe succeeds");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(!ready(), "cat /tmp/healthy fails: not ready");

    run_lifecycle_handler(
        &cri,
        &pod,
        &container,
        &container_id,
        &exec_hook(&["touch", "/tmp/healthy"]),
        Some(&pod_ip),
    )
    .await
    .expect("exec hook");
    eventually("ready after /tmp/healthy appears", ready).await;
    assert!(
        resyncs.try_recv().is_ok(),
        "readiness changes resync the pod"
    );

    run_lifecycle_handler(
        &cri,
        &pod,
        &container,
        &container_id,
        &exec_hook(&["rm", "/tmp/healthy"]),
        None,
    )
    .await
    .expect("exec hook");
    eventually("not ready after /tmp/healthy goes", || !ready()).await;
    assert_eq!(manager.restart_reason(&container_id), None);

    run_lifecycle_handler(
        &cri,
        &pod,
        &container,
        &container_id,
        &exec_hook(&["touch", "/tmp/dead"]),
        None,
    )
    .await
    .expect("exec hook");
    eventually("liveness failure", || {
        manager.restart_reason(&container_id) == Some(ProbeKind::Liveness)
    })
    .await;

    let error = run_lifecycle_handler(
        &cri,
        &pod,
        &container,
        &container_id,
        &exec_hook(&["sh", "-c", "echo oops >&2; exit 3"]),
        None,
    )
    .await
    .expect_err("a failing hook");
    let expected = format!(
        "Exec lifecycle hook ([sh -c echo oops >&2; exit 3]) for Container \"app\" in Pod \"{name}_default({uid})\" failed - error: command 'sh -c echo oops >&2; exit 3' exited with 3: oops\n, message: \"oops\\n\""
    );
    assert_eq!(error, expected);

    // A command that outlives its timeout: containerd answers DeadlineExceeded, which the
    // exec prober reads as upstream's "command … timed out" failure.
    let timed_out = cri
        .exec_sync(v1::ExecSyncRequest {
            container_id: container_id.clone(),
            cmd: vec!["sleep".into(), "10".into()],
            timeout: 1,
        })
        .await
        .expect_err("the command times out");
    assert_eq!(
        timed_out.code(),
        Some(tonic::Code::DeadlineExceeded),
        "{timed_out}"
    );

    manager.remove_pod(&uid);
    drop(guard);
}
