//! Pod startup latency on one real node, and the kubelet's memory.
//!
//! A `kubeadm up` cluster (API server, scheduler, controller-manager, containerd, kubelet; the
//! release binaries) gets 30 pods of busybox `sleep 3600` at once, images present. Each pod's
//! latency runs from its create request to the watch event that shows it Running, as
//! upstream's pod-startup SLI measures it. The reference, in the same run on the same
//! containerd: the raw CRI path for 30 pods at once (RunPodSandbox, CreateContainer,
//! StartContainer driven directly), timed from the first call to StartContainer's answer.
//! Then the kubelet's RSS with the 30 pods running.
//!
//! `cargo build --release -p kubeadm -p kube-apiserver -p kube-scheduler
//! -p kube-controller-manager -p kubelet && cargo bench -p tests --bench pod_startup`

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::PostParams;
use kube::runtime::watcher;
use kubelet::cri::{RuntimeClient, v1};
use serde_json::json;
use tests::local_cluster::LocalCluster;

const PODS: usize = 30;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// Create → Running (seen by a watch) for `PODS` pods created at once.
async fn through_the_cluster(cluster: &LocalCluster) -> Result<Vec<Duration>> {
    let client = cluster.client().await?;
    let pods: Api<Pod> = Api::namespaced(client, "default");
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<(String, Instant)>();
    let watch = watcher::watcher(
        pods.clone(),
        watcher::Config::default().labels("bench=startup"),
    );
    let watching = tokio::spawn(async move {
        let mut stream = std::pin::pin!(watch);
        while let Some(event) = stream.next().await {
            if let Ok(watcher::Event::Apply(pod) | watcher::Event::InitApply(pod)) = event {
                let running =
                    pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running");
                if running && let Some(name) = pod.metadata.name {
                    let _ = sender.send((name, Instant::now()));
                }
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut created = HashMap::new();
    let mut creates = Vec::new();
    for i in 0..PODS {
        let name = format!("startup-{i}");
        let pod: Pod = serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": {"bench": "startup"}},
            "spec": {
                "terminationGracePeriodSeconds": 1,
                "containers": [{"name": "c", "image": kubeadm::images::BUSYBOX_IMAGE, "command": ["sleep", "3600"]}],
            },
        }))?;
        let pods = pods.clone();
        created.insert(name.clone(), Instant::now());
        creates.push(tokio::spawn(async move {
            pods.create(&PostParams::default(), &pod).await
        }));
    }
    for create in creates {
        create.await??;
    }
    let mut latencies = HashMap::new();
    let deadline = Instant::now() + Duration::from_secs(180);
    while latencies.len() < PODS {
        let (name, at) = tokio::time::timeout_at(deadline.into(), receiver.recv())
            .await
            .context("pods did not all run within 180s")?
            .context("watch ended")?;
        if let Some(start) = created.get(&name) {
            latencies.entry(name).or_insert(at - *start);
        }
    }
    watching.abort();
    let mut all: Vec<Duration> = latencies.into_values().collect();
    all.sort();
    Ok(all)
}

/// The raw CRI path for `PODS` pods at once on the same runtime; removes what it made.
async fn raw_cri(endpoint: &str, logs: &std::path::Path) -> Result<Vec<Duration>> {
    let cri = RuntimeClient::connect(endpoint, Duration::from_secs(120)).await?;
    let mut tasks = Vec::new();
    for i in 0..PODS {
        let cri = cri.clone();
        let log_dir = logs.join(format!("raw-{i}"));
        tasks.push(tokio::spawn(async move {
            std::fs::create_dir_all(&log_dir)?;
            let start = Instant::now();
            let uid = format!("raw-{}-{i}", std::process::id());
            let config = v1::PodSandboxConfig {
                metadata: Some(v1::PodSandboxMetadata {
                    name: format!("raw-{i}"),
                    uid: uid.clone(),
                    namespace: "bench".into(),
                    attempt: 0,
                }),
                hostname: format!("raw-{i}"),
                log_directory: log_dir.to_string_lossy().into_owned(),
                linux: Some(v1::LinuxPodSandboxConfig {
                    cgroup_parent: format!("/kubepods/besteffort/pod{uid}"),
                    ..Default::default()
                }),
                ..Default::default()
            };
            let sandbox = cri
                .run_pod_sandbox(v1::RunPodSandboxRequest {
                    config: Some(config.clone()),
                    runtime_handler: String::new(),
                })
                .await?
                .pod_sandbox_id;
            let container = cri
                .create_container(v1::CreateContainerRequest {
                    pod_sandbox_id: sandbox.clone(),
                    config: Some(v1::ContainerConfig {
                        metadata: Some(v1::ContainerMetadata {
                            name: "c".into(),
                            attempt: 0,
                        }),
                        image: Some(v1::ImageSpec {
                            image: kubeadm::images::BUSYBOX_IMAGE.into(),
                            ..Default::default()
                        }),
                        command: vec!["sleep".into(), "3600".into()],
                        log_path: "c/0.log".into(),
                        ..Default::default()
                    }),
                    sandbox_config: Some(config),
                })
                .await?
                .container_id;
            cri.start_container(v1::StartContainerRequest {
                container_id: container,
            })
            .await?;
            Ok::<_, anyhow::Error>((start.elapsed(), sandbox))
        }));
    }
    let mut latencies = Vec::new();
    let mut sandboxes = Vec::new();
    let mut failure = None;
    for task in tasks {
        match task.await? {
            Ok((latency, sandbox)) => {
                latencies.push(latency);
                sandboxes.push(sandbox);
            }
            Err(error) => failure = Some(error),
        }
    }
    for id in sandboxes {
        let _ = cri
            .stop_pod_sandbox(v1::StopPodSandboxRequest {
                pod_sandbox_id: id.clone(),
            })
            .await;
        let _ = cri
            .remove_pod_sandbox(v1::RemovePodSandboxRequest { pod_sandbox_id: id })
            .await;
    }
    if let Some(error) = failure {
        return Err(error);
    }
    latencies.sort();
    Ok(latencies)
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        line.strip_prefix("VmRSS:")?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
}

#[tokio::main]
async fn main() -> Result<()> {
    if !tests::containerd::available() {
        println!("skipping: containerd, runc and root are needed");
        return Ok(());
    }
    let cluster = LocalCluster::up().await?;
    let kubelet = cluster.kubelet_pid().context("the kubelet's pid")?;
    let idle = rss_kib(kubelet).unwrap_or(0);
    let pods = through_the_cluster(&cluster).await?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let loaded = rss_kib(kubelet).unwrap_or(0);
    let endpoint = format!(
        "unix://{}",
        cluster
            .data_dir
            .join("containerd")
            .join("containerd.sock")
            .display()
    );
    let logs = tempfile::tempdir()?;
    let raw = raw_cri(&endpoint, logs.path()).await?;
    let (p50, p99) = (percentile(&pods, 0.5), percentile(&pods, 0.99));
    let (raw50, raw99) = (percentile(&raw, 0.5), percentile(&raw, 0.99));
    println!("| path ({PODS} pods at once, 1 node) | p50 | p99 | max |");
    println!("|---|---:|---:|---:|");
    println!(
        "| raw CRI: RunPodSandbox + CreateContainer + StartContainer | {} | {} | {} |",
        ms(raw50),
        ms(raw99),
        ms(*raw.last().unwrap_or(&Duration::ZERO))
    );
    println!(
        "| kubelet: create → Running seen by a watch | {} | {} | {} |",
        ms(p50),
        ms(p99),
        ms(*pods.last().unwrap_or(&Duration::ZERO))
    );
    println!();
    println!(
        "p99 ratio kubelet / raw CRI: {:.2} (goal ≤ 1.5)",
        p99.as_secs_f64() / raw99.as_secs_f64().max(1e-9)
    );
    println!(
        "kubelet RSS: {:.1} MiB idle, {:.1} MiB with {PODS} pods running (goal < 30 MiB)",
        idle as f64 / 1024.0,
        loaded as f64 / 1024.0
    );
    Ok(())
}
