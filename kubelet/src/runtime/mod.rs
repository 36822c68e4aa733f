//! The container runtime side of the kubelet (upstream's `kuberuntime`): pod sandboxes and
//! containers in CRI, what to start, restart and kill for a pod (`computePodActions`), image
//! pulls, CrashLoopBackOff, lifecycle hooks, graceful termination, and the pod status built
//! from what CRI reports.
//!
//! # Layout
//!
//! - [`sandbox`]: the sandbox config (hostname, DNS, ports, cgroup parent, namespaces).
//! - [`container`]: the container config and the spec hash.
//! - [`qos`]: QoS class, CPU/memory resources and OOM scores.
//! - [`actions`]: what a sync must do (upstream `computePodActions`).
//! - [`sync`]: doing it: sandbox, init containers, containers, back-off, hooks.
//! - [`images`]: pull policy, pulls and their back-off.
//! - [`kill`]: graceful termination of containers and pods.
//! - [`pod_status`]: reading a pod's sandboxes and containers from CRI.
//! - [`api_status`]: the API `PodStatus` from that (upstream `generateAPIPodStatus`).
//! - [`backoff`]: the exponential back-off both use.

pub mod actions;
pub mod api_status;
pub mod backoff;
pub mod container;
pub mod images;
pub mod kill;
pub mod labels;
pub mod pod_status;
pub mod qos;
pub mod sandbox;
pub mod sync;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use k8s_openapi::api::core::v1::{Container, ObjectReference, Pod};

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

/// Why a container is waiting, from the last sync (upstream's reason cache): the reason
/// (`CrashLoopBackOff`, `ErrImagePull`, …) and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingReason {
    pub reason: String,
    pub message: String,
}

/// What the runtime remembers between syncs.
#[derive(Default)]
struct State {
    container_backoff: backoff::Backoff,
    image_backoff: backoff::Backoff,
    /// (pod uid, container name) → why the container could not start in the last sync.
    reasons: HashMap<(String, String), WaitingReason>,
    /// pod uid → the node IP the pod's last sync was given.
    host_ips: HashMap<String, String>,
    /// The runtime's name (`containerd`), for container IDs `<name>://<id>`.
    runtime_name: Option<String>,
}

#[derive(Clone)]
pub struct KubeRuntime {
    cri: RuntimeClient,
    config: Arc<RuntimeConfig>,
    events: EventRecorder,
    probes: ProbeManager,
    state: Arc<Mutex<State>>,
    memory_capacity: i64,
}

/// The name and namespace of a pod, as upstream's `format.Pod`: `name_namespace(uid)`.
pub fn format_pod(pod: &Pod) -> String {
    format!(
        "{}_{}({})",
        pod.metadata.name.as_deref().unwrap_or_default(),
        pod.metadata.namespace.as_deref().unwrap_or_default(),
        pod.metadata.uid.as_deref().unwrap_or_default()
    )
}

/// The pod's object reference narrowed to one container (`spec.containers{NAME}` or
/// `spec.initContainers{NAME}`), as events about containers carry it.
pub fn container_reference(pod: &Pod, container: &str) -> ObjectReference {
    let mut reference = common::events::reference_of(pod);
    let is_init = pod
        .spec
        .as_ref()
        .and_then(|s| s.init_containers.as_ref())
        .is_some_and(|inits| inits.iter().any(|c| c.name == container));
    reference.field_path = Some(if is_init {
        format!("spec.initContainers{{{container}}}")
    } else {
        format!("spec.containers{{{container}}}")
    });
    reference
}

/// The pod's UID (empty when unset).
pub(crate) fn uid_of(pod: &Pod) -> &str {
    pod.metadata.uid.as_deref().unwrap_or_default()
}

/// The container spec called `name`, regular or init.
pub(crate) fn find_container<'a>(pod: &'a Pod, name: &str) -> Option<&'a Container> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .find(|c| c.name == name)
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
            config: Arc::new(config),
            events,
            probes,
            state: Arc::new(Mutex::new(State::default())),
            memory_capacity: qos::node_memory_capacity(),
        }
    }

    pub fn cri(&self) -> &RuntimeClient {
        &self.cri
    }

    pub fn config(&self) -> &RuntimeConfig {
        &self.config
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Why container `name` of pod `uid` is waiting, from the last sync.
    pub fn waiting_reason(&self, uid: &str, name: &str) -> Option<WaitingReason> {
        self.state()
            .reasons
            .get(&(uid.to_owned(), name.to_owned()))
            .cloned()
    }

    fn set_reason(&self, uid: &str, name: &str, reason: Option<WaitingReason>) {
        let key = (uid.to_owned(), name.to_owned());
        let mut state = self.state();
        match reason {
            Some(reason) => state.reasons.insert(key, reason),
            None => state.reasons.remove(&key),
        };
    }

    /// `<runtime>://`, the prefix of the container IDs in the API status.
    fn runtime_name(&self) -> String {
        self.state()
            .runtime_name
            .clone()
            .unwrap_or_else(|| "containerd".to_owned())
    }

    async fn learn_runtime_name(&self) {
        if self.state().runtime_name.is_some() {
            return;
        }
        if let Ok(version) = self.cri.version(v1::VersionRequest::default()).await
            && !version.runtime_name.is_empty()
        {
            self.state().runtime_name = Some(version.runtime_name);
        }
    }

    /// Forgets what the runtime remembers of pod `uid` (it is gone).
    fn forget_pod(&self, uid: &str) {
        let mut state = self.state();
        state.reasons.retain(|(pod, _), _| pod != uid);
        state.host_ips.remove(uid);
        state.image_backoff.forget_prefix(&format!("{uid}_"));
    }
}

/// The pod workers spawn these futures: they must stay `Send` (no lock held across an await).
#[cfg(test)]
#[allow(dead_code)]
fn futures_are_send(rt: &KubeRuntime, pod: &Pod, st: &PodRuntimeStatus, input: SyncInput<'_>) {
    fn send<T: Send>(_: &T) {}
    send(&rt.sync_pod(pod, st, input));
    send(&rt.kill_pod(Some(pod), st, None));
    send(&rt.pod_status("", "", ""));
    send(&rt.all_pods());
    send(&rt.remove_pod(""));
}
