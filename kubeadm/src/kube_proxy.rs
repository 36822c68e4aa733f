//! kube-proxy for `kubeadm up`'s node: its own identity (`system:kube-proxy`, as upstream's
//! `system:node-proxier` binding expects), a `KubeProxyConfiguration` naming the pod network,
//! and, when `kubeadm up` stops, `kube-proxy --cleanup`, so a development cluster leaves no
//! rules behind (upstream's kube-proxy leaves them on exit; a node keeps serving meanwhile).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, Result};
use tokio::process::{Child, Command};

use crate::pki;
use common::pki::CertificateAuthority;

/// Flags of `kubeadm up` for kube-proxy.
#[derive(clap::Args, Clone, Debug)]
pub struct ProxyOptions {
    /// Run no kube-proxy.
    #[arg(long = "no-kube-proxy")]
    pub no_kube_proxy: bool,
    /// kube-proxy's mode: "nftables" or "iptables".
    #[arg(long = "proxy-mode", default_value = "nftables")]
    pub proxy_mode: String,
    /// kube-proxy's health port (`/healthz`, `/livez`), on 127.0.0.1 here.
    #[arg(long = "kube-proxy-healthz-port", default_value_t = 10256)]
    pub healthz_port: u16,
    /// kube-proxy's metrics port, on 127.0.0.1.
    #[arg(long = "kube-proxy-metrics-port", default_value_t = 10249)]
    pub metrics_port: u16,
}

/// The configuration file kubeadm writes for kube-proxy.
fn configuration(kubeconfig: &Path, pod_cidr: &str, options: &ProxyOptions) -> String {
    let config = serde_json::json!({
        "apiVersion": "kubeproxy.config.k8s.io/v1alpha1",
        "kind": "KubeProxyConfiguration",
        "mode": options.proxy_mode,
        "clusterCIDR": pod_cidr,
        "clientConnection": {"kubeconfig": kubeconfig},
        "healthzBindAddress": format!("127.0.0.1:{}", options.healthz_port),
        "metricsBindAddress": format!("127.0.0.1:{}", options.metrics_port),
    });
    serde_json::to_string_pretty(&config).unwrap_or_default()
}

/// Writes kube-proxy's kubeconfig and configuration into `dir` and starts it for
/// `node_name`.
pub fn start(
    dir: &Path,
    ca: &CertificateAuthority,
    server: &str,
    node_name: &str,
    pod_cidr: &str,
    logs: &Path,
    options: &ProxyOptions,
) -> Result<Child> {
    let kubeconfig = dir.join("kube-proxy.conf");
    pki::client_kubeconfig(&kubeconfig, ca, server, "system:kube-proxy", &[])?;
    let config_path = dir.join("kube-proxy.yaml");
    std::fs::write(&config_path, configuration(&kubeconfig, pod_cidr, options))?;
    let log = std::fs::File::create(logs.join("kube-proxy.log"))?;
    Command::new(binary()?)
        .arg(format!("--config={}", config_path.display()))
        .arg(format!("--hostname-override={node_name}"))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .context("starting kube-proxy")
}

fn binary() -> Result<PathBuf> {
    crate::up::sibling_binary("kube-proxy")
}

/// `kube-proxy --cleanup`: removes the rules of both modes.
pub async fn cleanup() {
    let Ok(binary) = binary() else {
        return;
    };
    let status = Command::new(binary)
        .arg("--cleanup")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await;
    if !status.is_ok_and(|s| s.success()) {
        tracing::warn!("kube-proxy --cleanup did not finish cleanly");
    }
}
