//! The real `kube-scheduler` and `kube-controller-manager` binaries as child processes
//! against a [`TestApiServer`], for end-to-end tests and benchmarks.
//!
//! The binaries are taken from the cargo profile folder of the running test executable
//! (`target/debug/` for `cargo test`, `target/release/` for `cargo bench`), where
//! `cargo test --workspace` (or `cargo build -p kube-scheduler -p kube-controller-manager`,
//! with `--release` for benchmarks) puts them. Each runs without leader election, on loopback
//! with a free `--secure-port`, with its stderr inherited, and is killed (and reaped) when
//! dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::apiserver::TestApiServer;

/// A daemon binary of this workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Daemon {
    Scheduler,
    ControllerManager,
    /// Only its binary is looked up here; `kubeadm up` runs it (see `local_cluster`).
    Kubelet,
    /// `kubeadm`, for `kubeadm up` clusters.
    Kubeadm,
}

impl Daemon {
    /// The binary's name.
    pub fn binary_name(self) -> &'static str {
        match self {
            Daemon::Scheduler => "kube-scheduler",
            Daemon::ControllerManager => "kube-controller-manager",
            Daemon::Kubelet => "kubelet",
            Daemon::Kubeadm => "kubeadm",
        }
    }

    /// The cargo package that builds it.
    fn package(self) -> &'static str {
        self.binary_name()
    }
}

/// The cargo profile folder of the running executable: `target/<profile>/` for a test or
/// bench in `target/<profile>/deps/`.
fn profile_dir() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("finding the test executable")?;
    let dir = exe.parent().context("the test executable has no folder")?;
    Ok(if dir.file_name().is_some_and(|n| n == "deps") {
        dir.parent().unwrap_or(dir).to_path_buf()
    } else {
        dir.to_path_buf()
    })
}

/// The path of `daemon`'s binary next to the test executable, or an error saying how to
/// build it.
pub fn binary(daemon: Daemon) -> Result<PathBuf> {
    let dir = profile_dir()?;
    let path = dir.join(daemon.binary_name());
    if path.is_file() {
        return Ok(path);
    }
    let release = if dir.file_name().is_some_and(|n| n == "release") {
        " --release"
    } else {
        ""
    };
    bail!(
        "{} not found at {}: build it first with `cargo build{release} -p {}` \
         (`cargo test --workspace` builds it too)",
        daemon.binary_name(),
        path.display(),
        daemon.package(),
    )
}

/// A daemon running as a child process; killed and reaped on drop.
pub struct DaemonProcess {
    daemon: Daemon,
    port: u16,
    child: Child,
}

impl DaemonProcess {
    /// Starts `daemon` against `server` with `--leader-elect=false`,
    /// `--bind-address=127.0.0.1`, a free `--secure-port` and the `extra` flags, and waits until
    /// its port accepts connections.
    pub async fn start(daemon: Daemon, server: &TestApiServer, extra: &[&str]) -> Result<Self> {
        Self::start_with_kubeconfig(daemon, &server.kubeconfig, extra).await
    }

    /// [`DaemonProcess::start`] with any kubeconfig.
    pub async fn start_with_kubeconfig(
        daemon: Daemon,
        kubeconfig: &Path,
        extra: &[&str],
    ) -> Result<Self> {
        let path = binary(daemon)?;
        let port = crate::etcd::free_port()?;
        let child = Command::new(&path)
            .arg(format!("--kubeconfig={}", kubeconfig.display()))
            .arg("--leader-elect=false")
            .arg("--bind-address=127.0.0.1")
            .arg(format!("--secure-port={port}"))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", path.display()))?;
        let mut process = Self {
            daemon,
            port,
            child,
        };
        process.wait_listening().await?;
        Ok(process)
    }

    /// Waits until the secure port accepts connections (the daemon has parsed its flags and
    /// bound it); fails if the process exits first.
    async fn wait_listening(&mut self) -> Result<()> {
        let name = self.daemon.binary_name();
        for _ in 0..400 {
            if let Some(status) = self.child.try_wait()? {
                bail!("{name} exited during start: {status}");
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("{name} did not listen on port {} within 20s", self.port)
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The `--secure-port` it serves /healthz and /metrics on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether it is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for DaemonProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
