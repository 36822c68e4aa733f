//! The container runtime side of the kubelet (upstream's `kuberuntime`): pod sandboxes and
//! containers in CRI, what to start, restart and kill for a pod (`computePodActions`), image
//! pulls, CrashLoopBackOff, lifecycle hooks, graceful termination, and the pod status built
//! from what CRI reports. (Skeleton: filled in by the runtime work.)

pub mod labels;

use std::path::PathBuf;

use k8s_openapi::api::core::v1::{Pod, PodStatus};

use crate::cri::{self, RuntimeClient, v1};
use crate::object_cache::ObjectCache;
use crate::probes::ProbeManager;
use crate::volumes::MountedVolumes;
use common::events::EventRecorder;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Cri(#[from] cri::Error),
}

/// What the runtime needs to know of the kubelet's configuration.
#[derive(Clone, Debug)]
pub struct RuntimeConfig {
    pub node_name: String,
    /// `--root-dir` (termination-message files live under `pods/<uid>/containers/`).
    pub root_dir: PathBuf,
    /// `podLogsDir`, `/var/log/pods` upstream: `<ns>_<name>_<uid>/<container>/<restart>.log`.
    pub pod_logs_dir: PathBuf,
    /// `cgroupRoot`; QoS parents are `<root>/kubepods[/burstable|/besteffort]/pod<uid>`.
    pub cgroup_root: String,
    /// `clusterDNS`, `clusterDomain` and `resolvConf`, for the sandbox DNS config.
    pub cluster_dns: Vec<String>,
    pub cluster_domain: String,
    pub resolv_conf: PathBuf,
}

/// A pod as CRI knows it: its sandboxes and containers (found by the kubelet's labels).
#[derive(Clone, Debug, Default)]
pub struct PodRuntimeStatus {
    pub uid: String,
    pub name: String,
    pub namespace: String,
    /// The IPs of the newest ready sandbox.
    pub ips: Vec<String>,
    pub sandboxes: Vec<v1::PodSandboxStatus>,
    pub containers: Vec<v1::ContainerStatus>,
}

impl PodRuntimeStatus {
    /// True when some container or sandbox still runs.
    pub fn is_running(&self) -> bool {
        self.containers
            .iter()
            .any(|c| c.state == v1::ContainerState::ContainerRunning as i32)
            || self
                .sandboxes
                .iter()
                .any(|s| s.state == v1::PodSandboxState::SandboxReady as i32)
    }
}

/// What `sync_pod` needs besides the pod.
pub struct SyncInput<'a> {
    pub volumes: &'a MountedVolumes,
    pub objects: &'a ObjectCache,
    pub host_ip: Option<&'a str>,
}

/// The outcome of one `sync_pod`: the first failure, if any (the worker retries with back-off).
#[derive(Debug, Default)]
pub struct SyncResult {
    pub error: Option<String>,
}

#[derive(Clone)]
pub struct KubeRuntime {
    cri: RuntimeClient,
    _config: RuntimeConfig,
    _events: EventRecorder,
    probes: ProbeManager,
}

impl KubeRuntime {
    pub fn new(
        cri: RuntimeClient,
        config: RuntimeConfig,
        events: EventRecorder,
        probes: ProbeManager,
    ) -> Self {
        KubeRuntime {
            cri,
            _config: config,
            _events: events,
            probes,
        }
    }

    pub fn cri(&self) -> &RuntimeClient {
        &self.cri
    }

    /// The sandboxes and containers of pod `uid`.
    pub async fn pod_status(
        &self,
        uid: &str,
        name: &str,
        namespace: &str,
    ) -> Result<PodRuntimeStatus, Error> {
        Ok(PodRuntimeStatus {
            uid: uid.to_owned(),
            name: name.to_owned(),
            namespace: namespace.to_owned(),
            ..Default::default()
        })
    }

    /// Brings the runtime in line with `pod`: sandbox, init containers, containers,
    /// restarts by policy and back-off.
    pub async fn sync_pod(
        &self,
        _pod: &Pod,
        _status: &PodRuntimeStatus,
        _input: SyncInput<'_>,
    ) -> SyncResult {
        SyncResult {
            error: Some("the runtime is not built yet".to_owned()),
        }
    }

    /// Stops every container (preStop, SIGTERM, the grace period, then SIGKILL) and the
    /// sandbox. `pod` is `None` for a pod only CRI still knows.
    pub async fn kill_pod(
        &self,
        _pod: Option<&Pod>,
        _status: &PodRuntimeStatus,
        _grace_period_override: Option<i64>,
    ) -> Result<(), Error> {
        Ok(())
    }

    /// Every pod that has a sandbox or container in CRI, running or not.
    pub async fn all_pods(&self) -> Result<Vec<PodRuntimeStatus>, Error> {
        Ok(Vec::new())
    }

    /// Removes the pod's stopped containers and sandboxes from CRI (after it is gone).
    pub async fn remove_pod(&self, _uid: &str) -> Result<(), Error> {
        Ok(())
    }

    /// The API status of `pod` from CRI's view (upstream `generateAPIPodStatus`): phase,
    /// conditions, container statuses with waiting reasons (CrashLoopBackOff, ErrImagePull,
    /// CreateContainerConfigError, …), IPs, QoS class.
    pub fn api_pod_status(
        &self,
        pod: &Pod,
        _runtime: &PodRuntimeStatus,
        previous: Option<&PodStatus>,
    ) -> PodStatus {
        let mut status = previous.cloned().unwrap_or_default();
        self.probes.update_pod_status(pod, &mut status);
        status
    }
}
