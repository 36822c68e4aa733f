//! `kubeadm up`: the control plane as local child processes, for one machine.
//!
//! Generates (or reuses) the PKI under the data dir, starts `kube-apiserver` from the folder of
//! this binary, waits until it listens, starts `kube-scheduler` and `kube-controller-manager`,
//! each with its own kubeconfig and identity as kubeadm gives them, writes
//! `admin.conf`, prints how to use it, and stops every child (the last started first) on
//! Ctrl-C or SIGTERM.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::process::{Child, Command};

use crate::pki::{self, ClusterFiles};

#[derive(clap::Args, Clone, Debug)]
pub struct UpOptions {
    /// Folder for the PKI, kubeconfigs, logs and the embedded store.
    #[arg(long = "data-dir", default_value = "./.kube-up")]
    pub data_dir: PathBuf,

    /// etcd servers for the API server; without them it uses its embedded store.
    #[arg(long = "etcd-servers", value_delimiter = ',')]
    pub etcd_servers: Vec<String>,

    /// The port the API server serves on.
    #[arg(long = "secure-port", default_value_t = 6443)]
    pub secure_port: u16,

    /// The address the API server listens on.
    #[arg(long = "bind-address", default_value = "127.0.0.1")]
    pub bind_address: IpAddr,

    /// The port kube-scheduler serves its health and metrics endpoints on (127.0.0.1).
    #[arg(long = "scheduler-secure-port", default_value_t = 10259)]
    pub scheduler_secure_port: u16,

    /// The port kube-controller-manager serves its health and metrics endpoints on (127.0.0.1).
    #[arg(long = "controller-manager-secure-port", default_value_t = 10257)]
    pub controller_manager_secure_port: u16,

    /// The pod network: node-ipam gives each node a /24 of it, as kubeadm's `podSubnet`.
    #[arg(long = "pod-network-cidr", default_value = "10.244.0.0/16")]
    pub pod_network_cidr: String,

    /// The Service network (the API server's and controller-manager's
    /// `--service-cluster-ip-range`).
    #[arg(long = "service-cidr", default_value = "10.96.0.0/12")]
    pub service_cidr: String,

    #[command(flatten)]
    pub node: crate::node::NodeOptions,
    #[command(flatten)]
    pub proxy: crate::kube_proxy::ProxyOptions,
}

/// A daemon binary next to this one (cargo puts the workspace's binaries together).
pub(crate) fn sibling_binary(name: &str) -> Result<PathBuf> {
    let me = std::env::current_exe().context("locating kubeadm")?;
    let path = me.with_file_name(name);
    if !path.exists() {
        bail!(
            "{} not found next to kubeadm; build the workspace first (cargo build --workspace)",
            path.display()
        );
    }
    Ok(path)
}

pub async fn run(options: UpOptions, shutdown: common::shutdown::Shutdown) -> Result<()> {
    let data_dir = std::path::absolute(&options.data_dir)?;
    let files = ClusterFiles::new(&data_dir);
    let ca = pki::certificate_authority(&files)?;
    let mut addresses = vec![IpAddr::V4(Ipv4Addr::LOCALHOST)];
    if !options.bind_address.is_unspecified() && !addresses.contains(&options.bind_address) {
        addresses.push(options.bind_address);
    }
    pki::apiserver_certificate(&files, &ca, &addresses)?;
    pki::apiserver_kubelet_client_certificate(&files, &ca)?;
    let host = if options.bind_address.is_unspecified() {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        options.bind_address
    };
    let server = format!(
        "https://{}",
        std::net::SocketAddr::new(host, options.secure_port)
    );
    pki::client_kubeconfig(
        &files.admin_conf(),
        &ca,
        &server,
        "kubernetes-admin",
        &["system:masters"],
    )?;

    let logs = data_dir.join("logs");
    std::fs::create_dir_all(&logs)?;
    let mut apiserver = Command::new(sibling_binary("kube-apiserver")?);
    apiserver
        .arg(format!("--secure-port={}", options.secure_port))
        .arg(format!("--bind-address={}", options.bind_address))
        .arg(format!(
            "--tls-cert-file={}",
            files.pki("apiserver.crt").display()
        ))
        .arg(format!(
            "--tls-private-key-file={}",
            files.pki("apiserver.key").display()
        ))
        .arg(format!(
            "--client-ca-file={}",
            files.pki("ca.crt").display()
        ))
        .arg(format!(
            "--kubelet-client-certificate={}",
            files.pki("apiserver-kubelet-client.crt").display()
        ))
        .arg(format!(
            "--kubelet-client-key={}",
            files.pki("apiserver-kubelet-client.key").display()
        ))
        .arg(format!("--cert-dir={}", files.pki("generated").display()))
        .arg(format!(
            "--service-cluster-ip-range={}",
            options.service_cidr
        ));
    if options.etcd_servers.is_empty() {
        apiserver.arg(format!("--data-dir={}", data_dir.join("store").display()));
    } else {
        apiserver.arg(format!("--etcd-servers={}", options.etcd_servers.join(",")));
    }
    let log = std::fs::File::create(logs.join("kube-apiserver.log"))?;
    apiserver
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .kill_on_drop(true);
    let mut children: Vec<(&str, Child)> = vec![(
        "kube-apiserver",
        apiserver.spawn().context("starting kube-apiserver")?,
    )];

    wait_ready(host, options.secure_port, &mut children).await?;

    // kube-scheduler, with its own identity as kubeadm gives it (system:kube-scheduler).
    pki::client_kubeconfig(
        &files.scheduler_conf(),
        &ca,
        &server,
        "system:kube-scheduler",
        &[],
    )?;
    let mut scheduler = Command::new(sibling_binary("kube-scheduler")?);
    let log = std::fs::File::create(logs.join("kube-scheduler.log"))?;
    scheduler
        .arg(format!("--kubeconfig={}", files.scheduler_conf().display()))
        .arg("--bind-address=127.0.0.1")
        .arg(format!("--secure-port={}", options.scheduler_secure_port))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .kill_on_drop(true);
    children.push((
        "kube-scheduler",
        scheduler.spawn().context("starting kube-scheduler")?,
    ));

    // kube-controller-manager, as kubeadm runs it (system:kube-controller-manager, node CIDRs
    // allocated from the pod network).
    pki::client_kubeconfig(
        &files.controller_manager_conf(),
        &ca,
        &server,
        "system:kube-controller-manager",
        &[],
    )?;
    let mut controller_manager = Command::new(sibling_binary("kube-controller-manager")?);
    let log = std::fs::File::create(logs.join("kube-controller-manager.log"))?;
    controller_manager
        .arg(format!(
            "--kubeconfig={}",
            files.controller_manager_conf().display()
        ))
        .arg("--bind-address=127.0.0.1")
        .arg(format!(
            "--secure-port={}",
            options.controller_manager_secure_port
        ))
        .arg("--allocate-node-cidrs=true")
        .arg(format!("--cluster-cidr={}", options.pod_network_cidr))
        .arg(format!(
            "--service-cluster-ip-range={}",
            options.service_cidr
        ))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .kill_on_drop(true);
    children.push((
        "kube-controller-manager",
        controller_manager
            .spawn()
            .context("starting kube-controller-manager")?,
    ));

    // The node: containerd (unless given) and the kubelet, last, so it stops first.
    let mut containerd = None;
    let mut kubelet_command = None;
    let mut proxy_started = false;
    if !options.node.no_kubelet {
        let node =
            crate::node::start(&files, &ca, &server, &data_dir, &logs, &options.node).await?;
        println!(
            "Node {} runs static pods from {}.",
            node.name,
            node.manifests.display()
        );
        containerd = node.containerd;
        kubelet_command = Some(node.kubelet_command);
        children.push(("kubelet", node.kubelet));
        if !options.proxy.no_kube_proxy {
            let proxy = crate::kube_proxy::start(
                &files.dir,
                &ca,
                &server,
                &node.name,
                &options.pod_network_cidr,
                &logs,
                &options.proxy,
            )?;
            children.push(("kube-proxy", proxy));
            proxy_started = true;
        }
    }

    println!("The cluster is up. The API server listens on {server}.");
    println!();
    println!("  export KUBECONFIG={}", files.admin_conf().display());
    println!("  kubectl get namespaces");
    println!();
    println!("Logs: {}. Stop with Ctrl-C.", logs.display());

    let outcome = supervise(&mut children, kubelet_command.as_ref(), &shutdown).await;
    let stopping = Stopping {
        proxy_started,
        containerd,
        kubelet_root: data_dir.join("kubelet"),
        logs,
    };
    stopping.stop(&mut children, outcome).await
}

/// What stopping a node (and `kubeadm up`'s control plane) has to undo.
pub(crate) struct Stopping {
    pub proxy_started: bool,
    pub containerd: Option<crate::containerd::Containerd>,
    pub kubelet_root: PathBuf,
    pub logs: PathBuf,
}

impl Stopping {
    /// Stops `children` (the last started first), removes kube-proxy's rules, stops the
    /// runtime with its containers and mounts, and reports how [`supervise`] ended.
    pub(crate) async fn stop(
        self,
        children: &mut [(&str, Child)],
        outcome: Result<(), (String, std::process::ExitStatus)>,
    ) -> Result<()> {
        stop(children).await;
        if self.proxy_started {
            crate::kube_proxy::cleanup().await;
        }
        stop_runtime(self.containerd, &self.kubelet_root).await;
        match outcome {
            Ok(()) => Ok(()),
            Err((name, status)) => bail!(
                "{name} exited: {status}; see {}",
                self.logs.join(format!("{name}.log")).display()
            ),
        }
    }
}

/// Waits for `shutdown`, restarting the kubelet when it exits, as its systemd unit does
/// (`Restart=always`; its pods keep running meanwhile). Any other daemon exiting ends the
/// wait with its name and status.
pub(crate) async fn supervise(
    children: &mut [(&str, Child)],
    kubelet: Option<&crate::node::KubeletCommand>,
    shutdown: &common::shutdown::Shutdown,
) -> Result<(), (String, std::process::ExitStatus)> {
    loop {
        tokio::select! {
            () = shutdown.wait() => return Ok(()),
            (name, status) = wait_any(children) => {
                let Some(command) = kubelet.filter(|_| name == "kubelet") else {
                    return Err((name, status));
                };
                eprintln!("kubelet exited ({status}); restarting it");
                tokio::time::sleep(Duration::from_secs(1)).await;
                if let Some(entry) = children.iter_mut().find(|(n, _)| *n == "kubelet") {
                    match command.spawn() {
                        Ok(child) => entry.1 = child,
                        Err(_) => return Err((name, status)),
                    }
                }
            }
        }
    }
}

/// Stops the private containerd, with every container it ran (the kubelet leaves them running,
/// as upstream's does; a local cluster's pods end with it), then unmounts the pods' volumes
/// under the kubelet's root.
async fn stop_runtime(containerd: Option<crate::containerd::Containerd>, kubelet_root: &Path) {
    if let Some(containerd) = containerd {
        let kubelet_root = kubelet_root.to_owned();
        let _ = tokio::task::spawn_blocking(move || {
            drop(containerd);
            crate::containerd::unmount_under(&kubelet_root);
        })
        .await;
    }
}

/// Waits until the API server accepts TLS connections on its port, failing early if a child
/// exits.
async fn wait_ready(host: IpAddr, port: u16, children: &mut [(&str, Child)]) -> Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        for (name, child) in children.iter_mut() {
            if let Some(status) = child.try_wait()? {
                bail!("{name} exited during start: {status}");
            }
        }
        if tokio::net::TcpStream::connect((host, port)).await.is_ok() {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            bail!("the API server did not listen on {host}:{port} within 60s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_any(children: &mut [(&str, Child)]) -> (String, std::process::ExitStatus) {
    loop {
        for (name, child) in children.iter_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                return ((*name).to_owned(), status);
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Stops the children, the last started first: SIGTERM through `kill`, then waits;
/// kill_on_drop covers the rest.
async fn stop(children: &mut [(&str, Child)]) {
    for (name, child) in children.iter_mut().rev() {
        if let Some(pid) = child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
        match tokio::time::timeout(Duration::from_secs(10), child.wait()).await {
            Ok(_) => tracing::info!(daemon = *name, "stopped"),
            Err(_) => {
                let _ = child.kill().await;
            }
        }
    }
}
