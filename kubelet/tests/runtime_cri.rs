//! The runtime against a real CRI runtime (containerd): a pod runs and gets an IP, a
//! restarted kubelet adopts its containers without restarting them, a crashing container
//! reaches CrashLoopBackOff, termination messages reach the status, kill/remove clean up, and
//! a grace period longer than the request timeout is waited out.
//!
//! Needs `KUBELET_TEST_CRI_ENDPOINT` (for example
//! `unix:///work/dev/containerd/containerd.sock`) with the project's busybox and pause images
//! imported; skipped with a note when unset.

use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kubelet::cri::{RuntimeClient, v1};
use kubelet::object_cache::ObjectCache;
use kubelet::probes::ProbeManager;
use kubelet::runtime::{KubeRuntime, PodRuntimeStatus, RuntimeConfig, SyncInput};
use kubelet::volumes::MountedVolumes;

const IMAGE: &str = kubeadm::images::BUSYBOX_IMAGE;

fn endpoint() -> Option<String> {
    match std::env::var("KUBELET_TEST_CRI_ENDPOINT") {
        Ok(e) if !e.is_empty() => Some(e),
        _ => {
            eprintln!("KUBELET_TEST_CRI_ENDPOINT is not set; skipping the CRI runtime test");
            None
        }
    }
}

struct Harness {
    runtime: KubeRuntime,
    objects: ObjectCache,
    volumes: MountedVolumes,
    config: RuntimeConfig,
    _dir: tempfile::TempDir,
}

async fn harness(endpoint: &str) -> Harness {
    harness_with_timeout(endpoint, Duration::from_secs(60)).await
}

/// A harness whose CRI calls have `timeout` (`--runtime-request-timeout`).
async fn harness_with_timeout(endpoint: &str, timeout: Duration) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let cri = RuntimeClient::connect(endpoint, timeout).await.unwrap();
    let config = RuntimeConfig {
        node_name: "test-node".into(),
        root_dir: dir.path().join("root"),
        pod_logs_dir: dir.path().join("logs"),
        cgroup_root: "/".into(),
        cluster_dns: vec!["10.96.0.10".into()],
        cluster_domain: "cluster.local".into(),
        resolv_conf: "/etc/resolv.conf".into(),
    };
    let (resync, _) = tokio::sync::mpsc::unbounded_channel();
    // A client that points nowhere: these pods reference no ConfigMaps or Secrets.
    let client =
        kube::Client::try_from(kube::Config::new("http://127.0.0.1:9".parse().unwrap())).unwrap();
    let objects = ObjectCache::offline(client, resync.clone());
    let events = common::events::EventRecorder::discard();
    let probes = ProbeManager::new(cri.clone(), events.clone(), resync);
    let runtime = KubeRuntime::new(cri.clone(), config.clone(), events, probes);
    Harness {
        runtime,
        objects,
        volumes: MountedVolumes::default(),
        config,
        _dir: dir,
    }
}

impl Harness {
    fn input(&self) -> SyncInput<'_> {
        SyncInput {
            volumes: &self.volumes,
            objects: &self.objects,
            host_ip: Some("192.0.2.10"),
        }
    }

    async fn status(&self, pod: &Pod) -> PodRuntimeStatus {
        self.runtime
            .pod_status(
                pod.metadata.uid.as_deref().unwrap(),
                pod.metadata.name.as_deref().unwrap(),
                "default",
            )
            .await
            .unwrap()
    }

    async fn sync(&self, pod: &Pod) -> PodRuntimeStatus {
        let status = self.status(pod).await;
        let result = self.runtime.sync_pod(pod, &status, self.input()).await;
        assert!(result.error.is_none(), "sync failed: {:?}", result.error);
        self.status(pod).await
    }
}

/// Removes everything CRI has for the pod, even when the test panics.
struct Cleanup {
    endpoint: String,
    config: RuntimeConfig,
    uid: String,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let endpoint = self.endpoint.clone();
        let config = self.config.clone();
        let uid = self.uid.clone();
        let cleanup = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let Ok(cri) = RuntimeClient::connect(&endpoint, Duration::from_secs(60)).await
                else {
                    return;
                };
                let (resync, _) = tokio::sync::mpsc::unbounded_channel();
                let events = common::events::EventRecorder::discard();
                let probes = ProbeManager::new(cri.clone(), events.clone(), resync);
                let runtime = KubeRuntime::new(cri, config, events, probes);
                if let Err(error) = runtime.remove_pod(&uid).await {
                    eprintln!("cleanup of pod {uid} failed: {error}");
                }
            });
        });
        let _ = cleanup.join();
    }
}

fn pod(test: &str, spec: serde_json::Value) -> (Pod, String) {
    let suffix: u32 = rand::random();
    let uid = format!("{test}-{suffix:08x}");
    let pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": format!("{test}-{suffix:08x}"), "namespace": "default", "uid": uid},
        "spec": spec,
    }))
    .unwrap();
    (pod, uid)
}

fn running(status: &PodRuntimeStatus, name: &str) -> Option<String> {
    status
        .latest(name)
        .filter(|c| c.state == v1::ContainerState::ContainerRunning as i32)
        .map(|c| c.id.clone())
}

#[tokio::test]
async fn pod_runs_is_adopted_and_is_killed() {
    let Some(endpoint) = endpoint() else { return };
    let h = harness(&endpoint).await;
    let (pod, uid) = pod(
        "runs",
        serde_json::json!({
            "terminationGracePeriodSeconds": 2,
            "hostname": "web",
            "containers": [{"name": "main", "image": IMAGE,
                "command": ["sleep", "$(SECONDS)"], "env": [{"name": "SECONDS", "value": "3600"}]}],
        }),
    );
    let _cleanup = Cleanup {
        endpoint: endpoint.clone(),
        config: h.config.clone(),
        uid: uid.clone(),
    };
    let status = h.sync(&pod).await;
    let id = running(&status, "main").expect("the container runs");
    assert!(!status.ips.is_empty(), "the pod has an IP: {status:?}");
    let api = h.runtime.api_pod_status(&pod, &status, None);
    assert_eq!(api.phase.as_deref(), Some("Running"));
    assert_eq!(api.pod_ip.as_deref(), Some(status.ips[0].as_str()));
    assert_eq!(api.host_ip.as_deref(), Some("192.0.2.10"));
    assert_eq!(api.qos_class.as_deref(), Some("BestEffort"));
    let cs = &api.container_statuses.as_ref().unwrap()[0];
    assert!(cs.state.as_ref().unwrap().running.is_some());
    assert_eq!(
        cs.container_id.as_deref(),
        Some(format!("containerd://{id}").as_str())
    );
    assert!(!cs.image_id.is_empty());

    // The sandbox config reached the runtime: hostname, cluster DNS, `$(VAR)` expansion.
    let exec = |cmd: &[&str]| v1::ExecSyncRequest {
        container_id: id.clone(),
        cmd: cmd.iter().map(|s| s.to_string()).collect(),
        timeout: 10,
    };
    let out = h
        .runtime
        .cri()
        .exec_sync(exec(&["hostname"]))
        .await
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "web");
    let out = h
        .runtime
        .cri()
        .exec_sync(exec(&["cat", "/etc/resolv.conf"]))
        .await
        .unwrap();
    let resolv = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(resolv.contains("nameserver 10.96.0.10"), "{resolv}");
    assert!(
        resolv.contains("search default.svc.cluster.local svc.cluster.local cluster.local"),
        "{resolv}"
    );
    assert!(resolv.contains("ndots:5"), "{resolv}");
    let out = h
        .runtime
        .cri()
        .exec_sync(exec(&["cat", "/proc/1/cmdline"]))
        .await
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "sleep\x003600\x00");

    // A restarted kubelet (a fresh runtime) finds the pod and leaves its container alone.
    let restarted = harness(&endpoint).await;
    let adopted = restarted.runtime.all_pods().await.unwrap();
    assert!(adopted.iter().any(|p| p.uid == uid && p.is_running()));
    let status = restarted.sync(&pod).await;
    assert_eq!(running(&status, "main"), Some(id.clone()));
    assert_eq!(status.containers.len(), 1);

    h.runtime.kill_pod(Some(&pod), &status, None).await.unwrap();
    let status = h.status(&pod).await;
    assert!(!status.is_running(), "everything stopped: {status:?}");
    h.runtime.remove_pod(&uid).await.unwrap();
    let status = h.status(&pod).await;
    assert!(status.containers.is_empty() && status.sandboxes.is_empty());
}

#[tokio::test]
async fn a_grace_period_longer_than_the_request_timeout_is_waited_out() {
    let Some(endpoint) = endpoint() else { return };
    // Stopping waits out the grace period before it kills, so the call may outlast the
    // request timeout; upstream's deadline for it is the timeout plus the grace period.
    let h = harness_with_timeout(&endpoint, Duration::from_secs(2)).await;
    let (pod, uid) = pod(
        "stubborn",
        serde_json::json!({
            "terminationGracePeriodSeconds": 4,
            "containers": [{"name": "main", "image": IMAGE,
                "command": ["sh", "-c", "trap '' TERM; while true; do sleep 0.2; done"]}],
        }),
    );
    let _cleanup = Cleanup {
        endpoint: endpoint.clone(),
        config: h.config.clone(),
        uid: uid.clone(),
    };
    let status = h.sync(&pod).await;
    running(&status, "main").expect("the container runs");
    let started = std::time::Instant::now();
    h.runtime.kill_pod(Some(&pod), &status, None).await.unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(4),
        "SIGTERM is ignored: {took:?}"
    );
    let status = h.status(&pod).await;
    assert!(
        !status.is_running(),
        "killed at the grace period: {status:?}"
    );
}

#[tokio::test]
async fn crashing_container_backs_off() {
    let Some(endpoint) = endpoint() else { return };
    let h = harness(&endpoint).await;
    let (pod, uid) = pod(
        "crash",
        serde_json::json!({
            "restartPolicy": "Always",
            "containers": [{"name": "crash", "image": IMAGE, "command": ["sh", "-c", "exit 1"]}],
        }),
    );
    let _cleanup = Cleanup {
        endpoint: endpoint.clone(),
        config: h.config.clone(),
        uid: uid.clone(),
    };
    let mut waiting = None;
    for _ in 0..20 {
        let status = h.sync(&pod).await;
        let api = h.runtime.api_pod_status(&pod, &status, None);
        let cs = api.container_statuses.unwrap().remove(0);
        if let Some(w) = cs.state.as_ref().and_then(|s| s.waiting.as_ref())
            && w.reason.as_deref() == Some("CrashLoopBackOff")
        {
            let last = cs.last_state.and_then(|s| s.terminated).unwrap();
            assert_eq!(last.exit_code, 1);
            assert_eq!(last.reason.as_deref(), Some("Error"));
            assert!(cs.restart_count >= 1);
            waiting = w.message.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    let message = waiting.expect("the container reaches CrashLoopBackOff");
    let name = pod.metadata.name.as_deref().unwrap();
    assert_eq!(
        message,
        format!("back-off 10s restarting failed container=crash pod={name}_default({uid})")
    );
}

#[tokio::test]
async fn failed_pod_reports_its_termination_message() {
    let Some(endpoint) = endpoint() else { return };
    let h = harness(&endpoint).await;
    let (pod, uid) = pod(
        "message",
        serde_json::json!({
            "restartPolicy": "Never",
            "containers": [{"name": "once", "image": IMAGE,
                "command": ["sh", "-c", "echo -n bye > /dev/termination-log; exit 3"]}],
        }),
    );
    let _cleanup = Cleanup {
        endpoint: endpoint.clone(),
        config: h.config.clone(),
        uid: uid.clone(),
    };
    h.sync(&pod).await;
    let mut api = None;
    for _ in 0..30 {
        let status = h.status(&pod).await;
        if status
            .latest("once")
            .is_some_and(|c| c.state == v1::ContainerState::ContainerExited as i32)
        {
            // The next sync stops the sandbox; Never means no restart.
            let status = h.sync(&pod).await;
            assert_eq!(status.containers.len(), 1);
            api = Some(h.runtime.api_pod_status(&pod, &status, None));
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let api = api.expect("the container exits");
    assert_eq!(api.phase.as_deref(), Some("Failed"));
    let cs = &api.container_statuses.as_ref().unwrap()[0];
    let t = cs.state.as_ref().unwrap().terminated.as_ref().unwrap();
    assert_eq!(t.exit_code, 3);
    assert_eq!(t.reason.as_deref(), Some("Error"));
    assert_eq!(t.message.as_deref(), Some("bye"));
}

#[tokio::test]
async fn init_container_runs_first() {
    let Some(endpoint) = endpoint() else { return };
    let h = harness(&endpoint).await;
    let (pod, uid) = pod(
        "init",
        serde_json::json!({
            "terminationGracePeriodSeconds": 1,
            "initContainers": [{"name": "setup", "image": IMAGE, "command": ["true"]}],
            "containers": [{"name": "main", "image": IMAGE, "command": ["sleep", "3600"]}],
        }),
    );
    let _cleanup = Cleanup {
        endpoint: endpoint.clone(),
        config: h.config.clone(),
        uid: uid.clone(),
    };
    let status = h.sync(&pod).await;
    let api = h.runtime.api_pod_status(&pod, &status, None);
    assert_eq!(api.phase.as_deref(), Some("Pending"));
    let main = &api.container_statuses.as_ref().unwrap()[0];
    let reason = main
        .state
        .as_ref()
        .unwrap()
        .waiting
        .as_ref()
        .unwrap()
        .reason
        .clone();
    assert_eq!(reason.as_deref(), Some("PodInitializing"));
    let mut api = None;
    for _ in 0..30 {
        let status = h.sync(&pod).await;
        if running(&status, "main").is_some() {
            api = Some(h.runtime.api_pod_status(&pod, &status, None));
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let api = api.expect("the main container starts after the init container");
    assert_eq!(api.phase.as_deref(), Some("Running"));
    let init = &api.init_container_statuses.as_ref().unwrap()[0];
    let t = init.state.as_ref().unwrap().terminated.as_ref().unwrap();
    assert_eq!((t.exit_code, t.reason.as_deref()), (0, Some("Completed")));
    let initialized = api
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "Initialized")
        .unwrap();
    assert_eq!(initialized.status, "True");

    // A pod only CRI knows (deleted while the kubelet was down) is killed from its labels.
    let status = h.status(&pod).await;
    h.runtime.kill_pod(None, &status, None).await.unwrap();
    assert!(!h.status(&pod).await.is_running());
}

#[tokio::test]
async fn missing_image_with_never_policy_waits() {
    let Some(endpoint) = endpoint() else { return };
    let h = harness(&endpoint).await;
    let (pod, uid) = pod(
        "neverpull",
        serde_json::json!({
            "containers": [{"name": "main", "image": "example.invalid/missing:1",
                "imagePullPolicy": "Never"}],
        }),
    );
    let _cleanup = Cleanup {
        endpoint: endpoint.clone(),
        config: h.config.clone(),
        uid: uid.clone(),
    };
    let status = h.status(&pod).await;
    let result = h.runtime.sync_pod(&pod, &status, h.input()).await;
    assert!(result.error.is_some());
    let status = h.status(&pod).await;
    let api = h.runtime.api_pod_status(&pod, &status, None);
    assert_eq!(api.phase.as_deref(), Some("Pending"));
    let waiting = api.container_statuses.unwrap()[0]
        .state
        .clone()
        .unwrap()
        .waiting
        .unwrap();
    assert_eq!(waiting.reason.as_deref(), Some("ErrImageNeverPull"));
    assert_eq!(
        waiting.message.as_deref(),
        Some(
            "Container image \"example.invalid/missing:1\" is not present with pull policy of Never"
        )
    );
}
