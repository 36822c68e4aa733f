//! A whole cluster on this machine, as a user gets it: the real `kubeadm up` in a temp data
//! dir, on free ports, with its private containerd and a kubelet running real pods. For the
//! kubelet's end-to-end tests and benchmarks.
//!
//! `kubeadm up` is stopped with SIGTERM on drop: it stops the kubelet and the control plane and
//! then its containerd, with every container, mount and the CNI bridge it created.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use k8s_openapi::api::core::v1::Node;
use kube::Api;

use crate::daemons::{self, Daemon};
use crate::etcd::free_port;
use crate::kubectl;

pub struct LocalCluster {
    pub node_name: String,
    /// kube-proxy's `/healthz` and `/metrics` ports (on 127.0.0.1).
    pub kube_proxy_healthz_port: u16,
    pub kube_proxy_metrics_port: u16,
    pub kubeconfig: PathBuf,
    pub data_dir: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl LocalCluster {
    /// Runs `kubeadm up` and waits until its node is Ready.
    pub async fn up() -> Result<Self> {
        Self::up_with(&[]).await
    }

    /// [`LocalCluster::up`] with more `kubeadm up` flags (`--proxy-mode=iptables`).
    pub async fn up_with(extra_args: &[&str]) -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("local-cluster-")
            .tempdir()?;
        let data_dir = dir.path().join("data");
        let node_name = format!("node-{}", std::process::id());
        let port = |name: &str| -> Result<String> { Ok(format!("--{name}={}", free_port()?)) };
        let log = std::fs::File::create(dir.path().join("kubeadm-up.log"))?;
        let kube_proxy_healthz_port = free_port()?;
        let kube_proxy_metrics_port = free_port()?;
        let child = Command::new(daemons::binary(Daemon::Kubeadm)?)
            .arg("up")
            .arg(format!("--data-dir={}", data_dir.display()))
            .arg(format!("--node-name={node_name}"))
            .arg(port("secure-port")?)
            .arg(port("scheduler-secure-port")?)
            .arg(port("controller-manager-secure-port")?)
            .arg(port("kubelet-port")?)
            .arg(port("kubelet-healthz-port")?)
            .arg(format!(
                "--kube-proxy-healthz-port={kube_proxy_healthz_port}"
            ))
            .arg(format!(
                "--kube-proxy-metrics-port={kube_proxy_metrics_port}"
            ))
            .args(extra_args)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting kubeadm up")?;
        let mut cluster = LocalCluster {
            node_name,
            kube_proxy_healthz_port,
            kube_proxy_metrics_port,
            kubeconfig: data_dir.join("admin.conf"),
            data_dir,
            child,
            _dir: dir,
        };
        cluster.wait_node_ready().await?;
        Ok(cluster)
    }

    async fn wait_node_ready(&mut self) -> Result<()> {
        for _ in 0..1200 {
            if let Some(status) = self.child.try_wait()? {
                bail!("kubeadm up exited ({status}):\n{}", self.logs());
            }
            if self.kubeconfig.exists()
                && let Ok(client) = self.client().await
                && let Ok(node) = Api::<Node>::all(client).get(&self.node_name).await
            {
                let ready = node
                    .status
                    .and_then(|s| s.conditions)
                    .is_some_and(|conditions| {
                        conditions
                            .iter()
                            .any(|c| c.type_ == "Ready" && c.status == "True")
                    });
                if ready {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!(
            "the node did not become Ready within 120s:\n{}",
            self.logs()
        )
    }

    pub async fn client(&self) -> Result<kube::Client> {
        Ok(
            common::kubeconfig::KubeconfigOptions::from_path(&self.kubeconfig)
                .client()
                .await?,
        )
    }

    /// The API server's URL, as the admin kubeconfig names it.
    pub fn server(&self) -> Result<String> {
        let config = kube::config::Kubeconfig::read_from(&self.kubeconfig)?;
        config
            .clusters
            .iter()
            .find_map(|c| c.cluster.as_ref()?.server.clone())
            .context("no server in the admin kubeconfig")
    }

    /// Runs the default kubectl against the cluster.
    pub fn kubectl(&self, args: &[&str]) -> kubectl::Output {
        let binary = kubectl::binary("").expect("kubectl is installed");
        kubectl::run(&binary, &self.kubeconfig, args)
    }

    /// Runs kubectl and fails with its stderr unless it succeeds.
    pub fn kubectl_ok(&self, args: &[&str]) -> Result<String> {
        let output = self.kubectl(args);
        if !output.success {
            bail!("kubectl {}: {}", args.join(" "), output.stderr);
        }
        Ok(output.stdout)
    }

    /// `kubectl apply -f -` of `manifest`.
    pub fn apply(&self, manifest: &serde_json::Value) -> Result<()> {
        let mut child = Command::new(kubectl::binary("").context("kubectl")?)
            .arg(format!("--kubeconfig={}", self.kubeconfig.display()))
            .args(["apply", "-f", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        child
            .stdin
            .take()
            .context("stdin")?
            .write_all(manifest.to_string().as_bytes())?;
        let output = child.wait_with_output()?;
        if !output.status.success() {
            bail!("kubectl apply: {}", String::from_utf8_lossy(&output.stderr));
        }
        Ok(())
    }

    /// The folder the kubelet reads static pod manifests from.
    pub fn manifests_dir(&self) -> PathBuf {
        self.data_dir.join("kubelet").join("manifests")
    }

    /// The kubelet's process id (found by its root dir on its command line).
    pub fn kubelet_pid(&self) -> Option<u32> {
        let root = format!("--root-dir={}", self.data_dir.join("kubelet").display());
        std::fs::read_dir("/proc")
            .ok()?
            .flatten()
            .find_map(|entry| {
                let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
                let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
                let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
                let is_kubelet = args.first().is_some_and(|a| a.ends_with(b"/kubelet"));
                (is_kubelet && args.contains(&root.as_bytes())).then_some(pid)
            })
    }

    /// `error` with the logs after it: the failed step stays on the first line, where a
    /// shortened CI printout still shows it.
    pub fn failed(&self, error: anyhow::Error) -> anyhow::Error {
        anyhow::anyhow!("{error:#}\n{}", self.logs())
    }

    /// The last lines of every log, for failure messages.
    pub fn logs(&self) -> String {
        let mut text = String::new();
        let logs = self.data_dir.join("logs");
        for name in [
            "kubelet.log",
            "kube-apiserver.log",
            "kube-scheduler.log",
            "kube-controller-manager.log",
            "kube-proxy.log",
        ] {
            text.push_str(&format!("--- {name}\n{}\n", tail(&logs.join(name), 30)));
        }
        let conditions = self.kubectl(&[
            "get",
            "nodes",
            "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.spec.taints} {range .status.conditions[*]}{.type}={.status} {end}{\"\\n\"}{end}",
        ]);
        text.push_str(&format!(
            "--- nodes\n{}{}\n",
            conditions.stdout, conditions.stderr
        ));
        let pods = self.kubectl(&["get", "pods", "-A", "-o", "wide"]);
        text.push_str(&format!("--- pods\n{}{}\n", pods.stdout, pods.stderr));
        text.push_str(&format!(
            "--- kubeadm up\n{}\n",
            tail(&self.data_dir.with_file_name("kubeadm-up.log"), 30)
        ));
        text
    }
}

/// Polls until `check` returns `Some`, up to `limit`.
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if std::time::Instant::now() > deadline {
            bail!("gave up waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..600 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
