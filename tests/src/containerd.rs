//! A private containerd for a test: its own data dir, socket, CNI bridge and pod CIDR, with
//! the project's images (pause, busybox) built and imported, so pods run without a registry.
//!
//! Built on kubeadm's [`kubeadm::containerd`] module and the kubelet's image importer. The
//! CNI config comes from containerd's template once [`TestContainerd::start`] calls CRI
//! `UpdateRuntimeConfig` with the pod CIDR, as a kubelet does. On drop every sandbox is stopped
//! and removed through CRI (so CNI tears down its veths, leases and hostPort rules), then
//! containerd stops, leftover containers, shims and mounts go, the bridge is deleted and the
//! data dir removed, also when the test failed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use kubeadm::containerd::{Containerd, ContainerdConfig};
use kubeadm::images::BuiltImage;
use kubelet::cri::{RuntimeClient, v1};

/// The CRI call timeout of the test clients.
pub const CRI_TIMEOUT: Duration = Duration::from_secs(60);

pub struct TestContainerd {
    containerd: Option<Containerd>,
    endpoint: String,
    pod_cidr: String,
    images: Vec<BuiltImage>,
    dir: Option<tempfile::TempDir>,
}

/// Whether this machine can run containerd (the binary and runc are installed, and we are
/// root). Tests skip with a note otherwise.
pub fn available() -> bool {
    let installed = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
    };
    let root = std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .any(|line| line.starts_with("Uid:") && line.split_whitespace().nth(1) == Some("0"))
    });
    installed("containerd") && installed("runc") && installed("ctr") && root
}

/// A /24 for this containerd's pods, from the data dir's path: 10.200.0.0 to 10.249.255.0,
/// away from the dev containerd's 10.88.0.0/16 and kubeadm's 10.244.0.0/16.
fn pod_cidr_for(dir: &Path) -> String {
    let digest = fnv1a(dir.as_os_str().as_encoded_bytes());
    let second = 200 + (digest % 50) as u8;
    let third = (digest >> 8) as u8;
    format!("10.{second}.{third}.0/24")
}

/// FNV-1a: enough to spread test CIDRs, without another dependency.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ (u64::from(std::process::id()) << 16)
}

impl TestContainerd {
    /// Starts a containerd in a fresh temp dir, imports pause and busybox, and gives it a pod
    /// network; returns once CRI reports the runtime and the network ready.
    pub async fn start() -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("test-containerd-")
            .tempdir()
            .context("creating the containerd temp dir")?;
        let images_dir = dir.path().join("images");
        let images = {
            let images_dir = images_dir.clone();
            tokio::task::spawn_blocking(move || kubeadm::images::build_all(&images_dir))
                .await?
                .context("building the test images")?
        };
        let pod_cidr = pod_cidr_for(dir.path());
        let containerd = Containerd::start(ContainerdConfig::new(dir.path().join("containerd")))
            .await
            .context("starting containerd")?;
        let endpoint = containerd.endpoint();
        let test = TestContainerd {
            containerd: Some(containerd),
            endpoint,
            pod_cidr,
            images,
            dir: Some(dir),
        };
        let cri = test.client().await?;
        kubelet::images::import_now(&images_dir, &cri, &test.endpoint)
            .await
            .context("importing the test images")?;
        cri.update_runtime_config(v1::UpdateRuntimeConfigRequest {
            runtime_config: Some(v1::RuntimeConfig {
                network_config: Some(v1::NetworkConfig {
                    pod_cidr: test.pod_cidr.clone(),
                }),
            }),
        })
        .await
        .context("UpdateRuntimeConfig")?;
        test.wait_ready(&cri).await?;
        Ok(test)
    }

    async fn wait_ready(&self, cri: &RuntimeClient) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let status = cri.status(v1::StatusRequest { verbose: false }).await?;
            let conditions = status.status.map(|s| s.conditions).unwrap_or_default();
            let ready = |kind: &str| conditions.iter().any(|c| c.r#type == kind && c.status);
            if ready("RuntimeReady") && ready("NetworkReady") {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("containerd at {} not ready: {conditions:?}", self.endpoint);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The CRI endpoint, `unix://…/containerd.sock`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The pod CIDR given to the runtime (a /24 unique to this instance).
    pub fn pod_cidr(&self) -> &str {
        &self.pod_cidr
    }

    /// The images that were imported (pause first, then busybox).
    pub fn images(&self) -> &[BuiltImage] {
        &self.images
    }

    /// The data dir (images, containerd's root, state, config and log).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_ref().map(tempfile::TempDir::path)
    }

    /// containerd's log file.
    pub fn log_path(&self) -> Option<PathBuf> {
        self.containerd.as_ref().map(|c| c.paths.log.clone())
    }

    /// A new CRI client for this containerd.
    pub async fn client(&self) -> Result<RuntimeClient> {
        RuntimeClient::connect(&self.endpoint, CRI_TIMEOUT)
            .await
            .with_context(|| format!("connecting to {}", self.endpoint))
    }

    /// Stops and removes every pod sandbox (and with them their containers) through CRI.
    pub async fn remove_all_pods(&self) -> Result<()> {
        let cri = self.client().await?;
        remove_all_pods(&cri).await
    }
}

async fn remove_all_pods(cri: &RuntimeClient) -> Result<()> {
    let sandboxes = cri
        .list_pod_sandbox(v1::ListPodSandboxRequest::default())
        .await?
        .items;
    for sandbox in sandboxes {
        let id = sandbox.id;
        cri.stop_pod_sandbox(v1::StopPodSandboxRequest {
            pod_sandbox_id: id.clone(),
        })
        .await?;
        cri.remove_pod_sandbox(v1::RemovePodSandboxRequest { pod_sandbox_id: id })
            .await?;
    }
    Ok(())
}

impl Drop for TestContainerd {
    fn drop(&mut self) {
        let endpoint = self.endpoint.clone();
        // Its own thread and runtime: drop may run inside a test's runtime, whose clients
        // cannot make progress while it is blocked here.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let removed = async {
                    let cri = RuntimeClient::connect(&endpoint, Duration::from_secs(10)).await?;
                    remove_all_pods(&cri).await
                };
                match tokio::time::timeout(Duration::from_secs(60), removed).await {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => eprintln!("test containerd: removing pods: {error:#}"),
                    Err(_) => eprintln!("test containerd: removing pods timed out"),
                }
            });
        })
        .join();
        if let Some(mut containerd) = self.containerd.take() {
            containerd.stop();
        }
        if let Some(dir) = self.dir.take()
            && let Err(error) = dir.close()
        {
            eprintln!("test containerd: removing the data dir: {error}");
        }
    }
}
