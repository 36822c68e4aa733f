//! The node half of `kubeadm up`: a private containerd (unless `--container-runtime-endpoint`
//! names a running runtime), the project's images imported into it, and a kubelet with its own
//! identity (`system:node:<name>` in `system:nodes`), a serving certificate from the cluster CA,
//! and a `KubeletConfiguration` that trusts the cluster CA for clients (the API server's
//! `apiserver-kubelet-client` certificate), as kubeadm sets a node up.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, Result};
use tokio::process::{Child, Command};

use crate::containerd::{Containerd, ContainerdConfig};
use crate::pki::{self, ClusterFiles};
use common::pki::CertificateAuthority;

/// Flags of `kubeadm up` for its node.
#[derive(clap::Args, Clone, Debug)]
pub struct NodeOptions {
    /// Run no kubelet (a control plane without nodes).
    #[arg(long = "no-kubelet")]
    pub no_kubelet: bool,
    /// The node's name; the hostname by default.
    #[arg(long = "node-name")]
    pub node_name: Option<String>,
    /// The node's InternalIP; detected by the kubelet by default.
    #[arg(long = "node-ip")]
    pub node_ip: Option<IpAddr>,
    /// A running CRI runtime (unix://...); by default a private containerd is started under
    /// the data dir.
    #[arg(long = "container-runtime-endpoint")]
    pub container_runtime_endpoint: Option<String>,
    /// The kubelet's HTTPS port.
    #[arg(long = "kubelet-port", default_value_t = 10250)]
    pub kubelet_port: u16,
    /// The kubelet's localhost healthz port.
    #[arg(long = "kubelet-healthz-port", default_value_t = 10248)]
    pub kubelet_healthz_port: u16,
}

/// The running node: the kubelet process and the containerd it uses (if this command
/// started it).
pub struct Node {
    pub name: String,
    pub kubelet: Child,
    /// Starts the kubelet again with the same flags (as systemd's `Restart=always` does for
    /// upstream's kubelet unit).
    pub kubelet_command: KubeletCommand,
    pub containerd: Option<Containerd>,
    /// Where static pod manifests go (`staticPodPath`).
    pub manifests: PathBuf,
}

/// How to start the kubelet: its binary, flags and log file.
#[derive(Clone, Debug)]
pub struct KubeletCommand {
    pub binary: PathBuf,
    pub args: Vec<String>,
    pub log: PathBuf,
}

impl KubeletCommand {
    /// Spawns the kubelet, appending to its log.
    pub fn spawn(&self) -> Result<Child> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)?;
        Command::new(&self.binary)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .context("starting the kubelet")
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_lowercase())
        .unwrap_or_else(|_| "localhost".to_owned())
}

/// The `KubeletConfiguration` kubeadm writes for this node.
fn kubelet_configuration(
    files: &ClusterFiles,
    serving: &(PathBuf, PathBuf),
    root: &Path,
    options: &NodeOptions,
) -> String {
    let config = serde_json::json!({
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "authentication": {
            "anonymous": {"enabled": false},
            "x509": {"clientCAFile": files.pki("ca.crt")},
        },
        "authorization": {"mode": "Webhook"},
        "tlsCertFile": serving.0,
        "tlsPrivateKeyFile": serving.1,
        "port": options.kubelet_port,
        "healthzPort": options.kubelet_healthz_port,
        "staticPodPath": root.join("manifests"),
        "podLogsDir": root.join("pod-logs"),
        "fileCheckFrequency": "5s",
        "clusterDomain": "cluster.local",
        "failSwapOn": false,
        // As kind does: a development node shares its disk with everything else on the machine,
        // so disk-space thresholds would taint it NoSchedule whenever the disk is nearly full.
        // Memory keeps upstream's default.
        "evictionHard": {
            "memory.available": "100Mi",
            "nodefs.available": "0%",
            "nodefs.inodesFree": "0%",
            "imagefs.available": "0%",
        },
    });
    serde_json::to_string_pretty(&config).unwrap_or_default()
}

/// Starts the node: the runtime (with the images imported), then the kubelet.
pub async fn start(
    files: &ClusterFiles,
    ca: &CertificateAuthority,
    server: &str,
    data_dir: &Path,
    logs: &Path,
    options: &NodeOptions,
) -> Result<Node> {
    let name = options.node_name.clone().unwrap_or_else(hostname);
    let images = data_dir.join("images");
    let build = images.clone();
    tokio::task::spawn_blocking(move || crate::images::build_all(&build))
        .await?
        .context("building the project's images")?;
    let (endpoint, containerd) = match &options.container_runtime_endpoint {
        Some(endpoint) => (endpoint.clone(), None),
        None => {
            let containerd = Containerd::start(ContainerdConfig::new(data_dir.join("containerd")))
                .await
                .context("starting containerd")?;
            (containerd.endpoint(), Some(containerd))
        }
    };

    let root = data_dir.join("kubelet");
    std::fs::create_dir_all(root.join("manifests"))?;
    let kubeconfig = pki::kubelet_kubeconfig(files, ca, server, &name)?;
    let addresses: Vec<IpAddr> = options.node_ip.into_iter().collect();
    let serving = pki::kubelet_serving_certificate(files, ca, &name, &hostname(), &addresses)?;
    let config_path = root.join("config.yaml");
    std::fs::write(
        &config_path,
        kubelet_configuration(files, &serving, &root, options),
    )?;

    let mut args = vec![
        format!("--config={}", config_path.display()),
        format!("--kubeconfig={}", kubeconfig.display()),
        format!("--root-dir={}", root.display()),
        format!("--hostname-override={name}"),
        format!("--container-runtime-endpoint={endpoint}"),
        format!("--image-import-dir={}", images.display()),
    ];
    if let Some(ip) = options.node_ip {
        args.push(format!("--node-ip={ip}"));
    }
    let log = logs.join("kubelet.log");
    std::fs::File::create(&log)?;
    let kubelet_command = KubeletCommand {
        binary: crate::up::sibling_binary("kubelet")?,
        args,
        log,
    };
    let kubelet = kubelet_command.spawn()?;
    Ok(Node {
        name,
        kubelet,
        kubelet_command,
        containerd,
        manifests: root.join("manifests"),
    })
}
