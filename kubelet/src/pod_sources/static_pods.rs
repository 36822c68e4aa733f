//! The file source: every manifest in `staticPodPath` (`.yaml`, `.yml`, `.json`; dotfiles
//! skipped) is a static pod, read again every `fileCheckFrequency` (upstream's `config/file.go`).
//! As upstream, a static pod is named `<name>-<nodeName>`, its namespace defaults to `default`,
//! it is bound to this node, its UID is a hash of the manifest and the node name (so a changed
//! manifest is a new pod), and it carries the `kubernetes.io/config.*` annotations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;

use crate::pod_manager::{CONFIG_HASH, CONFIG_SEEN, CONFIG_SOURCE, PodManager};
use crate::pod_workers::PodWorkers;
use common::shutdown::Shutdown;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("decoding {path}: {message}")]
    Decode { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A stable 128-bit FNV-1a hash as 32 hex digits (upstream uses an MD5 of the object).
fn stable_hash(parts: &[&[u8]]) -> String {
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut hash: u128 = 0x6c62272e07bb014262b821756295c58d;
    for part in parts {
        for byte in part.iter().chain(&[0xff]) {
            hash ^= u128::from(*byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    format!("{hash:032x}")
}

/// Reads one manifest into a static pod for `node_name`.
pub fn read_manifest(path: &Path, node_name: &str) -> Result<Pod, Error> {
    let text = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    let decode = |message: String| Error::Decode {
        path: path.to_owned(),
        message,
    };
    let value: serde_json::Value = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_slice(&text).map_err(|e| decode(e.to_string()))?
    } else {
        let text = std::str::from_utf8(&text).map_err(|e| decode(e.to_string()))?;
        serde_saphyr::from_str(text).map_err(|e| decode(e.to_string()))?
    };
    let kind = value
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or_default();
    if kind != "Pod" {
        return Err(Error::Invalid {
            path: path.to_owned(),
            message: format!("kind {kind:?} is not Pod"),
        });
    }
    let mut pod: Pod = serde_json::from_value(value).map_err(|e| decode(e.to_string()))?;
    let name = pod
        .metadata
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::Invalid {
            path: path.to_owned(),
            message: "metadata.name is required".to_owned(),
        })?;
    let uid = stable_hash(&[
        path.to_string_lossy().as_bytes(),
        &text,
        node_name.as_bytes(),
    ]);
    pod.metadata.name = Some(format!("{name}-{node_name}"));
    if pod.metadata.namespace.as_deref().is_none_or(str::is_empty) {
        pod.metadata.namespace = Some("default".to_owned());
    }
    pod.metadata.uid = Some(uid.clone());
    pod.metadata.self_link = None;
    let annotations = pod.metadata.annotations.get_or_insert_with(BTreeMap::new);
    annotations.insert(CONFIG_SOURCE.to_owned(), "file".to_owned());
    annotations.insert(CONFIG_HASH.to_owned(), uid);
    annotations.insert(CONFIG_SEEN.to_owned(), jiff::Timestamp::now().to_string());
    let spec = pod.spec.get_or_insert_with(Default::default);
    spec.node_name = Some(node_name.to_owned());
    apply_defaults(&mut pod);
    // `config.seen` changes on every read; the pod's identity is its UID.
    Ok(pod)
}

/// The API server's defaults for the fields the kubelet reads (a static pod never passes through
/// the API server's defaulting).
pub fn apply_defaults(pod: &mut Pod) {
    let Some(spec) = pod.spec.as_mut() else {
        return;
    };
    spec.restart_policy
        .get_or_insert_with(|| "Always".to_owned());
    spec.dns_policy
        .get_or_insert_with(|| "ClusterFirst".to_owned());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".to_owned());
    spec.enable_service_links.get_or_insert(true);
    spec.security_context.get_or_insert_with(Default::default);
    let containers = spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten());
    for container in containers {
        let image = container.image.clone().unwrap_or_default();
        container.image_pull_policy.get_or_insert_with(|| {
            let last = image.rsplit('/').next().unwrap_or_default();
            let tagged = last.contains(':') && !last.ends_with(":latest");
            if tagged || image.contains('@') {
                "IfNotPresent"
            } else {
                "Always"
            }
            .to_owned()
        });
        container
            .termination_message_path
            .get_or_insert_with(|| "/dev/termination-log".to_owned());
        container
            .termination_message_policy
            .get_or_insert_with(|| "File".to_owned());
        for port in container.ports.iter_mut().flatten() {
            port.protocol.get_or_insert_with(|| "TCP".to_owned());
        }
    }
}

/// Every manifest in `dir`; broken ones are logged and skipped, as upstream.
pub fn read_dir(dir: &Path, node_name: &str) -> Vec<Pod> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        tracing::debug!(path = %dir.display(), "the static pod path does not exist");
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            !name.starts_with('.')
                && path.is_file()
                && matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
        })
        .collect();
    paths.sort();
    let mut pods = Vec::new();
    for path in paths {
        match read_manifest(&path, node_name) {
            Ok(pod) => pods.push(pod),
            Err(error) => tracing::warn!(%error, "could not process a static pod manifest"),
        }
    }
    pods
}

pub async fn run(
    dir: PathBuf,
    node_name: String,
    frequency: Duration,
    pods: PodManager,
    workers: PodWorkers,
    shutdown: Shutdown,
) {
    loop {
        let mut found = read_dir(&dir, &node_name);
        // Keep the first `config.seen` of pods we already know, so an unchanged manifest
        // is an unchanged pod.
        for pod in &mut found {
            if let Some(known) = pods.pod_by_uid(crate::pod_manager::uid(pod)) {
                *pod = (*known).clone();
            }
        }
        for uid in pods.replace_source("file", found) {
            workers.update(&uid);
        }
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = tokio::time::sleep(frequency) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_become_named_defaulted_static_pods() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("web.yaml");
        std::fs::write(&path, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n").unwrap();
        std::fs::write(dir.path().join(".hidden.yaml"), "kind: Pod").unwrap();
        std::fs::write(dir.path().join("broken.yaml"), "kind: Deployment\n").unwrap();
        let pods = read_dir(dir.path(), "node-a");
        assert_eq!(pods.len(), 1);
        let pod = &pods[0];
        assert_eq!(pod.metadata.name.as_deref(), Some("web-node-a"));
        assert_eq!(pod.metadata.namespace.as_deref(), Some("default"));
        let uid = pod.metadata.uid.clone().unwrap();
        assert_eq!(uid.len(), 32);
        let annotations = pod.metadata.annotations.as_ref().unwrap();
        assert_eq!(annotations[CONFIG_SOURCE], "file");
        assert_eq!(annotations[CONFIG_HASH], uid);
        let spec = pod.spec.as_ref().unwrap();
        assert_eq!(spec.node_name.as_deref(), Some("node-a"));
        assert_eq!(spec.restart_policy.as_deref(), Some("Always"));
        assert_eq!(
            spec.containers[0].image_pull_policy.as_deref(),
            Some("IfNotPresent")
        );
        // Same manifest, same UID; a change is a new pod.
        assert_eq!(
            read_dir(dir.path(), "node-a")[0].metadata.uid.as_deref(),
            Some(uid.as_str())
        );
        std::fs::write(&path, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: busybox\n").unwrap();
        let changed = read_dir(dir.path(), "node-a");
        assert_ne!(changed[0].metadata.uid.as_deref(), Some(uid.as_str()));
        assert_eq!(
            changed[0].spec.as_ref().unwrap().containers[0]
                .image_pull_policy
                .as_deref(),
            Some("Always")
        );
    }
}
