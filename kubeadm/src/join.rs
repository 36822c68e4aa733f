//! `kubeadm join`: one more node for a cluster that `kubeadm up` runs on this machine. The
//! node gets its own containerd, kubelet and kube-proxy under its own data dir. Run inside a
//! network namespace (`nsenter --net=/run/netns/NODE -- kubeadm join …`; not `ip netns
//! exec`, which remounts `/sys` and so hides the cgroup mount runc needs), it is a second
//! node with its own addresses, pod bridge and rules, as `../shared/PLATFORM.md` describes
//! multi-node on one machine.
//!
//! Upstream's `kubeadm join` finds the cluster through a bootstrap token and TLS
//! bootstrapping. Here the node's certificates are signed directly with the CA in the
//! `kubeadm up` data dir (`--cluster-dir`), which only works on the same machine.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::kube_proxy::ProxyOptions;
use crate::node::NodeOptions;
use crate::pki::{self, ClusterFiles};

#[derive(clap::Args, Clone, Debug)]
pub struct JoinOptions {
    /// The data dir of the `kubeadm up` whose cluster this node joins (its CA signs the
    /// node's certificates).
    #[arg(long = "cluster-dir")]
    pub cluster_dir: PathBuf,
    /// This node's own folder: containerd, the kubelet's root, configs and logs.
    #[arg(long = "data-dir")]
    pub data_dir: PathBuf,
    /// The API server as this node reaches it, `https://HOST:PORT`. HOST must be in its
    /// certificate: `kubeadm up --bind-address HOST`.
    #[arg(long = "server")]
    pub server: String,
    /// The pod network given to `kubeadm up` (kube-proxy's `clusterCIDR`).
    #[arg(long = "pod-network-cidr", default_value = "10.244.0.0/16")]
    pub pod_network_cidr: String,
    #[command(flatten)]
    pub node: NodeOptions,
    #[command(flatten)]
    pub proxy: ProxyOptions,
}

/// Starts the node and keeps it running until `shutdown`; then stops kube-proxy (removing
/// its rules), the kubelet and containerd with its containers.
pub async fn run(options: JoinOptions, shutdown: common::shutdown::Shutdown) -> Result<()> {
    if options.node.no_kubelet {
        bail!("kubeadm join starts a node: --no-kubelet makes no sense here");
    }
    if options.node.node_name.is_none() {
        // The default, the hostname, is the first node's name too: a namespace shares it.
        bail!("kubeadm join needs --node-name (this machine's hostname is the first node's name)");
    }
    let cluster_dir = std::path::absolute(&options.cluster_dir)?;
    let files = ClusterFiles::new(&cluster_dir);
    if !files.pki("ca.key").exists() {
        bail!(
            "{} holds no cluster CA: give --cluster-dir the data dir of a running `kubeadm up`",
            cluster_dir.display()
        );
    }
    let ca = pki::certificate_authority(&files)?;
    let data_dir = std::path::absolute(&options.data_dir)?;
    let logs = data_dir.join("logs");
    std::fs::create_dir_all(&logs)?;

    let node = crate::node::start(
        &files,
        &ca,
        &options.server,
        &data_dir,
        &logs,
        &options.node,
    )
    .await?;
    println!(
        "Node {} joined the cluster at {}.",
        node.name, options.server
    );
    let containerd = node.containerd;
    let kubelet_command = node.kubelet_command;
    let mut children = vec![("kubelet", node.kubelet)];
    let mut proxy_started = false;
    let mut started = Ok(());
    if !options.proxy.no_kube_proxy {
        match crate::kube_proxy::start(
            &data_dir,
            &ca,
            &options.server,
            &node.name,
            &options.pod_network_cidr,
            &logs,
            &options.proxy,
        ) {
            Ok(proxy) => {
                children.push(("kube-proxy", proxy));
                proxy_started = true;
            }
            Err(error) => started = Err(error),
        }
    }
    let stopping = crate::up::Stopping {
        proxy_started,
        containerd,
        kubelet_root: data_dir.join("kubelet"),
        logs,
    };
    if let Err(error) = started {
        // Stop what did start (the kubelet, containerd and its mounts) before failing.
        let _ = stopping.stop(&mut children, Ok(())).await;
        return Err(error);
    }
    println!("Logs: {}. Stop with Ctrl-C.", stopping.logs.display());
    let outcome = crate::up::supervise(&mut children, Some(&kubelet_command), &shutdown).await;
    stopping.stop(&mut children, outcome).await
}
