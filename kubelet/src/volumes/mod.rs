//! Pod volumes on the host, under `<root-dir>/pods/<uid>/volumes/<plugin>/<name>` as upstream
//! (`kubernetes.io~empty-dir`, `~configmap`, `~secret`, `~downward-api`, `~projected`).
//!
//! - [`atomic_writer`]: the `..data` symlink swap that configMap, secret, downwardAPI and
//!   projected volumes are written with.
//! - [`projections`]: what those volumes hold.
//! - [`host_path`]: `hostPath` type checks, and claims bound to hostPath/local volumes.
//! - [`ownership`]: `fsGroup` group ownership and permission bits.
//! - [`tmpfs`]: memory-backed folders (`emptyDir.medium: Memory`, secrets, projected).
//! - [`container_mounts`]: a container's CRI mounts (subPath, propagation) and the
//!   kubelet-managed `/etc/hosts`.
//!
//! [`VolumeManager::setup_pod`] runs on every pod sync: it is idempotent and cheap when
//! nothing changed. Its error text is what upstream's `FailedMount` event says.

pub mod atomic_writer;
mod container_mounts;
pub mod host_path;
pub mod ownership;
pub mod projections;
pub mod tmpfs;

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::quantity::Quantity as ParsedQuantity;
use k8s_openapi::api::core::v1::{EmptyDirVolumeSource, Pod, Volume};

pub use container_mounts::{container_mounts, container_mounts_with_env, hosts_file_content};

use crate::downward_api::PodAddresses;
use crate::object_cache::ObjectCache;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Setup(String),
}

/// The host paths of one pod's volumes, by volume name.
#[derive(Clone, Debug, Default)]
pub struct MountedVolumes {
    pub paths: HashMap<String, PathBuf>,
    /// Volumes every mount of which is read-only (configMap, secret, downwardAPI, projected,
    /// read-only claims).
    pub read_only: HashSet<String>,
    /// `<root-dir>/pods/<uid>`, where the kubelet-managed `etc-hosts` lives (unset: no
    /// `/etc/hosts` mount).
    pub pod_dir: Option<PathBuf>,
    /// `clusterDomain`, for the pod's FQDN in `/etc/hosts` when it has a subdomain.
    pub cluster_domain: String,
}

pub const EMPTY_DIR: &str = "kubernetes.io~empty-dir";
pub const CONFIG_MAP: &str = "kubernetes.io~configmap";
pub const SECRET: &str = "kubernetes.io~secret";
pub const DOWNWARD_API: &str = "kubernetes.io~downward-api";
pub const PROJECTED: &str = "kubernetes.io~projected";

#[derive(Clone)]
pub struct VolumeManager {
    root_dir: PathBuf,
    objects: ObjectCache,
    client: kube::Client,
    cluster_domain: String,
}

impl VolumeManager {
    pub fn new(root_dir: PathBuf, objects: ObjectCache, client: kube::Client) -> Self {
        VolumeManager {
            root_dir,
            objects,
            client,
            cluster_domain: String::new(),
        }
    }

    /// Sets `clusterDomain` (for the FQDN line of `/etc/hosts`).
    pub fn with_cluster_domain(mut self, domain: impl Into<String>) -> Self {
        self.cluster_domain = domain.into();
        self
    }

    /// `<root-dir>/pods/<uid>`.
    pub fn pod_dir(&self, uid: &str) -> PathBuf {
        self.root_dir.join("pods").join(uid)
    }

    /// `<root-dir>/pods/<uid>/volumes/<plugin>/<name>`.
    pub fn volume_dir(&self, uid: &str, plugin: &str, name: &str) -> PathBuf {
        self.pod_dir(uid).join("volumes").join(plugin).join(name)
    }

    /// Sets up (or refreshes) every volume of `pod`; idempotent. The error names the first
    /// volume that failed, as upstream's `FailedMount` event does.
    pub async fn setup_pod(&self, pod: &Pod) -> Result<MountedVolumes, Error> {
        let uid = pod
            .metadata
            .uid
            .as_deref()
            .filter(|u| !u.is_empty() && !u.contains('/') && *u != "." && *u != "..")
            .ok_or_else(|| Error::Setup("pod has no valid UID".to_owned()))?;
        let pod_dir = self.pod_dir(uid);
        for dir in [
            pod_dir.clone(),
            pod_dir.join("volumes"),
            pod_dir.join("plugins"),
        ] {
            create_dir(&dir, 0o750).map_err(Error::Setup)?;
        }
        let mut mounted = MountedVolumes {
            pod_dir: Some(pod_dir),
            cluster_domain: self.cluster_domain.clone(),
            ..Default::default()
        };
        let mut first_error = None;
        for volume in pod.spec.iter().flat_map(|s| s.volumes.iter().flatten()) {
            match self.setup_volume(pod, uid, volume).await {
                Ok((path, read_only)) => {
                    if read_only {
                        mounted.read_only.insert(volume.name.clone());
                    }
                    mounted.paths.insert(volume.name.clone(), path);
                }
                Err(e) => {
                    let message = format!(
                        "MountVolume.SetUp failed for volume {:?} : {e}",
                        volume.name
                    );
                    tracing::warn!(pod = %pod_key(pod), volume = %volume.name, error = %e,
                        "volume setup failed");
                    first_error.get_or_insert(message);
                }
            }
        }
        match first_error {
            Some(message) => Err(Error::Setup(message)),
            None => Ok(mounted),
        }
    }

    /// One volume: its host path and whether it is read-only for every container.
    async fn setup_volume(
        &self,
        pod: &Pod,
        uid: &str,
        volume: &Volume,
    ) -> Result<(PathBuf, bool), String> {
        let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
        let name = volume.name.as_str();
        let status = pod.status.as_ref();
        let pod_ips: Vec<String> = status
            .and_then(|s| s.pod_ips.as_ref())
            .map(|ips| ips.iter().map(|ip| ip.ip.clone()).collect())
            .unwrap_or_default();
        let host_ips: Vec<String> = status
            .and_then(|s| s.host_ips.as_ref())
            .map(|ips| ips.iter().map(|ip| ip.ip.clone()).collect())
            .unwrap_or_default();
        let addresses = PodAddresses {
            pod_ips: &pod_ips,
            host_ips: &host_ips,
        };
        let fs_group = pod
            .spec
            .as_ref()
            .and_then(|s| s.security_context.as_ref())
            .and_then(|c| c.fs_group)
            .and_then(|g| u32::try_from(g).ok());

        if let Some(empty_dir) = &volume.empty_dir {
            let dir = self.volume_dir(uid, EMPTY_DIR, name);
            self.setup_empty_dir(pod, &dir, empty_dir)?;
            if let Some(gid) = fs_group
                && !ownership::root_matches(&dir, gid)
            {
                ownership::set_volume_ownership(&dir, gid, false)
                    .map_err(|e| format!("set fsGroup ownership of {}: {e}", dir.display()))?;
            }
            return Ok((dir, false));
        }
        if let Some(host) = &volume.host_path {
            host_path::check_type(&host.path, host.type_.as_deref())?;
            return Ok((PathBuf::from(&host.path), false));
        }
        if let Some(source) = &volume.config_map {
            let dir = self.volume_dir(uid, CONFIG_MAP, name);
            create_dir(&dir, 0o777)?;
            let cm = projections::resolve_config_map(&self.objects, namespace, source).await?;
            let payload = projections::config_map_payload(
                source.items.as_deref(),
                &cm,
                source.default_mode,
                source.optional == Some(true),
            )?;
            write_payload(&dir, &payload, fs_group)?;
            return Ok((dir, true));
        }
        if let Some(source) = &volume.secret {
            let dir = self.volume_dir(uid, SECRET, name);
            create_dir(&dir, 0o777)?;
            let secret = projections::resolve_secret(&self.objects, namespace, source).await?;
            let payload = projections::secret_payload(
                source.items.as_deref(),
                &secret,
                source.default_mode,
                source.optional == Some(true),
            )?;
            tmpfs::ensure_tmpfs(&dir, None)?;
            write_payload(&dir, &payload, fs_group)?;
            return Ok((dir, true));
        }
        if let Some(source) = &volume.downward_api {
            let dir = self.volume_dir(uid, DOWNWARD_API, name);
            create_dir(&dir, 0o777)?;
            let payload = projections::downward_api_payload(
                source.items.as_deref().unwrap_or(&[]),
                pod,
                source.default_mode,
                addresses,
            )?;
            write_payload(&dir, &payload, fs_group)?;
            return Ok((dir, true));
        }
        if let Some(source) = &volume.projected {
            let dir = self.volume_dir(uid, PROJECTED, name);
            create_dir(&dir, 0o777)?;
            let payload =
                projections::projected_payload(source, pod, &self.objects, addresses).await?;
            tmpfs::ensure_tmpfs(&dir, None)?;
            write_payload(&dir, &payload, fs_group)?;
            return Ok((dir, true));
        }
        if let Some(claim) = &volume.persistent_volume_claim {
            let claimed =
                host_path::resolve_claim(&self.client, namespace, &claim.claim_name).await?;
            return Ok((
                claimed.path,
                claimed.read_only || claim.read_only == Some(true),
            ));
        }
        if volume.ephemeral.is_some() {
            // A generic ephemeral volume is the claim `<pod>-<volume>`.
            let claim = format!("{}-{name}", pod.metadata.name.as_deref().unwrap_or(""));
            let claimed = host_path::resolve_claim(&self.client, namespace, &claim).await?;
            return Ok((claimed.path, claimed.read_only));
        }
        Err("no volume plugin matched".to_owned())
    }

    fn setup_empty_dir(
        &self,
        pod: &Pod,
        dir: &Path,
        source: &EmptyDirVolumeSource,
    ) -> Result<(), String> {
        match source.medium.as_deref().unwrap_or("") {
            "" => create_dir(dir, 0o777),
            "Memory" => {
                create_dir(dir, 0o777)?;
                tmpfs::ensure_tmpfs(dir, memory_size_limit(pod, source))?;
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777))
                    .map_err(|e| format!("chmod {}: {e}", dir.display()))
            }
            other => Err(format!("unsupported emptyDir medium {other:?}")),
        }
    }

    /// Removes the pod's volumes (and its folder) once its containers are gone: tmpfs mounts
    /// are unmounted first, and nothing is deleted while something is still mounted.
    pub async fn teardown_pod(&self, uid: &str) -> Result<(), Error> {
        if uid.is_empty() || uid.contains('/') || uid == "." || uid == ".." {
            return Err(Error::Setup(format!("invalid pod UID {uid:?}")));
        }
        let pod_dir = self.pod_dir(uid);
        if !pod_dir.exists() {
            return Ok(());
        }
        tmpfs::unmount_all_under(&pod_dir).map_err(Error::Setup)?;
        if let Some(still) = tmpfs::mount_points_under(&pod_dir).first() {
            return Err(Error::Setup(format!(
                "{} is still mounted; not removing {}",
                still.display(),
                pod_dir.display()
            )));
        }
        std::fs::remove_dir_all(&pod_dir)
            .map_err(|e| Error::Setup(format!("remove {}: {e}", pod_dir.display())))?;
        tracing::debug!(uid, "pod volumes torn down");
        Ok(())
    }
}

fn pod_key(pod: &Pod) -> String {
    format!(
        "{}/{}",
        pod.metadata.namespace.as_deref().unwrap_or(""),
        pod.metadata.name.as_deref().unwrap_or("")
    )
}

fn create_dir(dir: &Path, mode: u32) -> Result<(), String> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("mkdir {}: {e}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("chmod {}: {e}", dir.display()))
}

/// Writes a projected-file volume; with an `fsGroup`, the files get its group (read-only).
fn write_payload(
    dir: &Path,
    payload: &atomic_writer::Payload,
    fs_group: Option<u32>,
) -> Result<(), String> {
    if let Some(gid) = fs_group
        && !ownership::root_matches(dir, gid)
    {
        ownership::set_volume_ownership(dir, gid, true)
            .map_err(|e| format!("set fsGroup ownership of {}: {e}", dir.display()))?;
    }
    atomic_writer::write_with(dir, payload, |ts| match fs_group {
        Some(gid) => ownership::set_volume_ownership(ts, gid, true),
        None => Ok(()),
    })
    .map(|outcome| {
        if outcome == atomic_writer::Outcome::Written {
            tracing::debug!(dir = %dir.display(), files = payload.len(), "volume files written");
        }
    })
    .map_err(|e| e.to_string())
}

/// The tmpfs size of a memory-backed emptyDir: `sizeLimit`, capped by the pod's memory limit
/// when every container has one (upstream `calculateEmptyDirMemorySize`, without the node's
/// allocatable); `None` leaves the kernel default.
fn memory_size_limit(pod: &Pod, source: &EmptyDirVolumeSource) -> Option<u128> {
    let parse = |q: &str| {
        ParsedQuantity::parse(q)
            .map(|q| q.value())
            .filter(|v| *v > 0)
    };
    let limit = source.size_limit.as_ref().and_then(|q| parse(&q.0));
    let containers = pod.spec.as_ref().map(|s| &s.containers)?;
    let pod_limit = containers
        .iter()
        .map(|c| {
            c.resources
                .as_ref()
                .and_then(|r| r.limits.as_ref())
                .and_then(|l| l.get("memory"))
                .and_then(|q| parse(&q.0))
        })
        .sum::<Option<i128>>();
    let size = match (limit, pod_limit) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }?;
    u128::try_from(size).ok()
}
