//! kube-controller-manager's memory with many pods: the real binary as a child process (all
//! controllers enabled), against a real API server (in this process, over TLS, embedded
//! store), first with an empty cluster, then after 10,000 pods exist. The difference divided
//! by the pods is the cost of one cached pod (every controller shares one pod cache).
//!
//! ```text
//! cargo bench -p kube-controller-manager --bench memory
//! MEMORY_BENCH_PODS=2000 cargo bench -p kube-controller-manager --bench memory
//! ```
//!
//! The pods are ~1 KB of JSON each (labels, one container with requests, env and a port),
//! unscheduled, so no controller acts on them beyond caching and accounting. Results go to
//! stdout as a markdown table; progress to stderr.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures::{StreamExt, TryStreamExt, stream};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;
use tests::etcd::free_port;

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rss_bytes(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .context("no VmRSS")?;
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .context("no VmRSS value")?
        .parse()?;
    Ok(kib * 1024)
}

/// RSS once it has been stable for two seconds (caches filled, start-up garbage returned).
async fn settled_rss(pid: u32) -> Result<u64> {
    let mut last = rss_bytes(pid)?;
    let mut stable = 0;
    for _ in 0..120 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = rss_bytes(pid)?;
        if now.abs_diff(last) < 256 * 1024 {
            stable += 1;
            if stable >= 4 {
                return Ok(now);
            }
        } else {
            stable = 0;
        }
        last = now;
    }
    Ok(last)
}

fn pod(i: usize) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": format!("pod-{i:05}"), "labels": {"app": format!("app-{}", i % 50), "tier": "web"}},
        "spec": {"containers": [{
            "name": "app", "image": "registry.k8s.io/pause:3.10",
            "ports": [{"containerPort": 8080, "name": "http"}],
            "env": [{"name": "MODE", "value": "bench"}, {"name": "INDEX", "value": i.to_string()}],
            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}
        }]}
    }))
    .expect("a valid pod")
}

#[tokio::main]
async fn main() -> Result<()> {
    let count: usize = std::env::var("MEMORY_BENCH_PODS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let child = Command::new(env!("CARGO_BIN_EXE_kube-controller-manager"))
        .arg(format!("--kubeconfig={}", server.kubeconfig.display()))
        .arg("--leader-elect=false")
        .arg("--bind-address=127.0.0.1")
        .arg(format!("--secure-port={}", free_port()?))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting kube-controller-manager")?;
    let process = Process(child);
    let pid = process.0.id();
    let empty = settled_rss(pid).await?;
    eprintln!("empty cluster: {} MiB", empty / (1 << 20));

    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let started = Instant::now();
    stream::iter(0..count)
        .map(|i| {
            let pods = pods.clone();
            async move { pods.create(&PostParams::default(), &pod(i)).await }
        })
        .buffer_unordered(32)
        .try_for_each(|_| async { Ok(()) })
        .await?;
    eprintln!(
        "{count} pods created in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let listed = pods.list_metadata(&ListParams::default().limit(1)).await?;
    if listed.items.is_empty() {
        bail!("the pods are not there");
    }
    let full = settled_rss(pid).await?;
    let per_pod = full.saturating_sub(empty) as f64 / count as f64;
    let json_size = serde_json::to_vec(&pods.get("pod-00000").await?)?.len();

    println!("\n### kube-controller-manager memory ({count} pods, all controllers)\n");
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| RSS, empty cluster | {:.1} MiB |",
        empty as f64 / 1048576.0
    );
    println!("| RSS, {count} pods | {:.1} MiB |", full as f64 / 1048576.0);
    println!("| bytes per pod (RSS difference / pods) | {per_pod:.0} |");
    println!("| one pod as JSON from the API (reference) | {json_size} bytes |");
    println!(
        "| ratio: memory per pod / JSON size | {:.2} |",
        per_pod / json_size as f64
    );
    drop(process);
    server.stop().await?;
    Ok(())
}
