//! Pod volumes on the host, under `<root-dir>/pods/<uid>/volumes/<plugin>/<name>` as upstream.
//! (Skeleton: filled in by the volumes work.)

use std::collections::HashMap;
use std::path::PathBuf;

use k8s_openapi::api::core::v1::{Container, Pod};

use crate::cri::v1;
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
}

#[derive(Clone)]
pub struct VolumeManager {
    root_dir: PathBuf,
    _objects: ObjectCache,
}

impl VolumeManager {
    pub fn new(root_dir: PathBuf, objects: ObjectCache, _client: kube::Client) -> Self {
        VolumeManager {
            root_dir,
            _objects: objects,
        }
    }

    /// `<root-dir>/pods/<uid>`.
    pub fn pod_dir(&self, uid: &str) -> PathBuf {
        self.root_dir.join("pods").join(uid)
    }

    /// Sets up (or refreshes) every volume of `pod`; idempotent.
    pub async fn setup_pod(&self, _pod: &Pod) -> Result<MountedVolumes, Error> {
        Ok(MountedVolumes::default())
    }

    /// Removes the pod's volumes (and its folder) once its containers are gone.
    pub async fn teardown_pod(&self, _uid: &str) -> Result<(), Error> {
        Ok(())
    }
}

/// The CRI mounts of one container: its volumeMounts (subPath, readOnly, propagation), plus
/// the kubelet-managed `/etc/hosts`.
pub fn container_mounts(
    _pod: &Pod,
    _container: &Container,
    _volumes: &MountedVolumes,
    _pod_ips: &[String],
) -> Result<Vec<v1::Mount>, Error> {
    Ok(Vec::new())
}
