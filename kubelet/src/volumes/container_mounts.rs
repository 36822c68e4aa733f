//! A container's CRI mounts, as upstream's `makeMounts`: each volumeMount's host path (with
//! `subPath` / `subPathExpr` made under the volume), read-only and propagation; plus the
//! kubelet-managed `/etc/hosts` (`makeHostsMount` / `ensureHostsFile`).

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::{Container, HostAlias, Pod};

use super::{Error, MountedVolumes};
use crate::cri::v1::{self, KeyValue};
use crate::downward_api::{self, PodAddresses};
use crate::env;

const ETC_HOSTS: &str = "/etc/hosts";
/// The node's hosts file, copied for `hostNetwork` pods.
const NODE_HOSTS: &str = "/etc/hosts";

fn setup(message: String) -> Error {
    Error::Setup(message)
}

/// The CRI mounts of one container: its volumeMounts (subPath, readOnly, propagation), plus
/// the kubelet-managed `/etc/hosts`. `subPathExpr` expands with the container's literal and
/// `fieldRef` variables; [`container_mounts_with_env`] takes the full environment.
pub fn container_mounts(
    pod: &Pod,
    container: &Container,
    volumes: &MountedVolumes,
    pod_ips: &[String],
) -> Result<Vec<v1::Mount>, Error> {
    let env = simple_env(pod, container, pod_ips);
    container_mounts_with_env(pod, container, volumes, pod_ips, &env)
}

/// The variables `subPathExpr` can use without the API: literal values (expanded) and
/// `fieldRef`s.
fn simple_env(pod: &Pod, container: &Container, pod_ips: &[String]) -> Vec<KeyValue> {
    let host_ips: Vec<String> = pod
        .status
        .as_ref()
        .and_then(|s| s.host_ips.as_ref())
        .map(|ips| ips.iter().map(|ip| ip.ip.clone()).collect())
        .unwrap_or_default();
    let addresses = PodAddresses {
        pod_ips,
        host_ips: &host_ips,
    };
    let mut values: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for var in container.env.iter().flatten() {
        let literal = var.value.as_deref().unwrap_or("");
        let value = if !literal.is_empty() {
            env::expand(literal, env::env_mapping(&values))
        } else if let Some(field) = var.value_from.as_ref().and_then(|f| f.field_ref.as_ref()) {
            match downward_api::pod_field(pod, field, addresses) {
                Ok(v) => v,
                Err(_) => continue,
            }
        } else {
            continue;
        };
        values.insert(var.name.clone(), value.clone());
        out.push(KeyValue {
            key: var.name.clone(),
            value,
        });
    }
    out
}

/// [`container_mounts`] with the container's environment for `subPathExpr`.
pub fn container_mounts_with_env(
    pod: &Pod,
    container: &Container,
    volumes: &MountedVolumes,
    pod_ips: &[String],
    env: &[KeyValue],
) -> Result<Vec<v1::Mount>, Error> {
    let mut mount_hosts = !pod_ips.is_empty() && volumes.pod_dir.is_some();
    let mut mounts = Vec::new();
    let env_map: HashMap<&str, &str> = env
        .iter()
        .map(|kv| (kv.key.as_str(), kv.value.as_str()))
        .collect();
    for mount in container.volume_mounts.iter().flatten() {
        if mount.mount_path == ETC_HOSTS {
            mount_hosts = false;
        }
        let Some(volume_path) = volumes.paths.get(&mount.name) else {
            return Err(setup(format!(
                "cannot find volume {:?} to mount into container {:?}",
                mount.name, container.name
            )));
        };
        let mut sub_path = mount.sub_path.clone().unwrap_or_default();
        if let Some(expr) = mount.sub_path_expr.as_deref().filter(|e| !e.is_empty()) {
            let mut missing = std::collections::BTreeSet::new();
            sub_path = env::expand(expr, |key| match env_map.get(key) {
                Some(v) if !v.is_empty() => (*v).to_owned(),
                _ => {
                    missing.insert(key.to_owned());
                    String::new()
                }
            });
            if !missing.is_empty() {
                return Err(setup(format!(
                    "missing value for {}",
                    missing.into_iter().collect::<Vec<_>>().join(", ")
                )));
            }
        }
        let host_path = if sub_path.is_empty() {
            volume_path.clone()
        } else {
            prepare_sub_path(volume_path, &sub_path, &mount.name, &container.name)?
        };
        let propagation = match mount.mount_propagation.as_deref() {
            None | Some("None") => v1::MountPropagation::PropagationPrivate,
            Some("HostToContainer") => v1::MountPropagation::PropagationHostToContainer,
            Some("Bidirectional") => v1::MountPropagation::PropagationBidirectional,
            Some(other) => {
                return Err(setup(format!("invalid MountPropagation mode: {other:?}")));
            }
        };
        let read_only = mount.read_only == Some(true) || volumes.read_only.contains(&mount.name);
        if mount.recursive_read_only.as_deref() == Some("Enabled") {
            return Err(setup(format!(
                "volume {:?} requested recursive read-only mode, but it is not supported by the runtime",
                mount.name
            )));
        }
        mounts.push(v1::Mount {
            container_path: mount.mount_path.clone(),
            host_path: host_path.to_string_lossy().into_owned(),
            readonly: read_only,
            selinux_relabel: false,
            propagation: propagation as i32,
            ..Default::default()
        });
    }
    if mount_hosts && let Some(pod_dir) = &volumes.pod_dir {
        let path = pod_dir.join("etc-hosts");
        let content = hosts_file_content(pod, pod_ips, &volumes.cluster_domain)?;
        ensure_file(&path, content.as_bytes())?;
        mounts.push(v1::Mount {
            container_path: ETC_HOSTS.to_owned(),
            host_path: path.to_string_lossy().into_owned(),
            readonly: false,
            selinux_relabel: false,
            propagation: v1::MountPropagation::PropagationPrivate as i32,
            ..Default::default()
        });
    }
    Ok(mounts)
}

/// `<volume>/<subPath>`, made as a folder (with the volume's mode) when it does not exist,
/// and refused when it is absolute, steps back, or resolves outside the volume.
fn prepare_sub_path(
    volume_path: &Path,
    sub_path: &str,
    mount_name: &str,
    container_name: &str,
) -> Result<PathBuf, Error> {
    if Path::new(sub_path).is_absolute() {
        return Err(setup(format!(
            "error SubPath `{sub_path}` must not be an absolute path"
        )));
    }
    if sub_path.split('/').any(|part| part == "..") {
        return Err(setup(format!(
            "unable to provision SubPath `{sub_path}`: must not contain '..'"
        )));
    }
    let full = volume_path.join(sub_path);
    let failed_create = || {
        setup(format!(
            "failed to create subPath directory for volumeMount {mount_name:?} of container {container_name:?}"
        ))
    };
    if std::fs::symlink_metadata(&full).is_err() {
        let mode = std::fs::metadata(volume_path)
            .map(|m| m.permissions().mode() & 0o7777)
            .map_err(|_| failed_create())?;
        std::fs::create_dir_all(&full).map_err(|_| failed_create())?;
        std::fs::set_permissions(&full, std::fs::Permissions::from_mode(mode))
            .map_err(|_| failed_create())?;
    }
    let prepare_failed = || {
        setup(format!(
            "failed to prepare subPath for volumeMount {mount_name:?} of container {container_name:?}"
        ))
    };
    let base = volume_path.canonicalize().map_err(|_| prepare_failed())?;
    let resolved = full.canonicalize().map_err(|_| prepare_failed())?;
    if !resolved.starts_with(&base) {
        tracing::warn!(sub_path, volume = %volume_path.display(), "subPath escapes its volume");
        return Err(prepare_failed());
    }
    Ok(full)
}

fn ensure_file(path: &Path, content: &[u8]) -> Result<(), Error> {
    if std::fs::read(path).is_ok_and(|current| current == content) {
        return Ok(());
    }
    std::fs::write(path, content)
        .and_then(|()| std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)))
        .map_err(|e| setup(format!("write {}: {e}", path.display())))
}

/// The pod's hostname and, with a subdomain, its domain (`GeneratePodHostNameAndDomain`).
pub fn pod_host_name_and_domain(pod: &Pod, cluster_domain: &str) -> (String, String) {
    let spec = pod.spec.as_ref();
    let mut host = spec
        .and_then(|s| s.hostname.clone())
        .filter(|h| !h.is_empty())
        .or_else(|| pod.metadata.name.clone())
        .unwrap_or_default();
    if host.len() > 63 {
        host.truncate(63);
        while host.ends_with(['-', '.']) {
            host.pop();
        }
    }
    let domain = match spec
        .and_then(|s| s.subdomain.as_deref())
        .filter(|s| !s.is_empty())
    {
        Some(sub) => format!(
            "{sub}.{}.svc.{cluster_domain}",
            pod.metadata.namespace.as_deref().unwrap_or("default")
        ),
        None => String::new(),
    };
    (host, domain)
}

/// The content of the pod's `/etc/hosts`: upstream's managed file, or for `hostNetwork` pods
/// the node's file under its own header; `hostAliases` are appended to both.
pub fn hosts_file_content(
    pod: &Pod,
    pod_ips: &[String],
    cluster_domain: &str,
) -> Result<String, Error> {
    let spec = pod.spec.as_ref();
    let aliases = spec.and_then(|s| s.host_aliases.as_deref()).unwrap_or(&[]);
    let mut out = String::new();
    if spec.and_then(|s| s.host_network) == Some(true) {
        let node = std::fs::read_to_string(NODE_HOSTS)
            .map_err(|e| setup(format!("read {NODE_HOSTS}: {e}")))?;
        out.push_str("# Kubernetes-managed hosts file (host network).\n");
        out.push_str(&node);
    } else {
        let (host, domain) = pod_host_name_and_domain(pod, cluster_domain);
        out.push_str("# Kubernetes-managed hosts file.\n");
        out.push_str("127.0.0.1\tlocalhost\n");
        out.push_str("::1\tlocalhost ip6-localhost ip6-loopback\n");
        out.push_str("fe00::0\tip6-localnet\n");
        out.push_str("fe00::0\tip6-mcastprefix\n");
        out.push_str("fe00::1\tip6-allnodes\n");
        out.push_str("fe00::2\tip6-allrouters\n");
        for ip in pod_ips {
            if domain.is_empty() {
                out.push_str(&format!("{ip}\t{host}\n"));
            } else {
                out.push_str(&format!("{ip}\t{host}.{domain}\t{host}\n"));
            }
        }
    }
    out.push_str(&host_alias_entries(aliases));
    Ok(out)
}

fn host_alias_entries(aliases: &[HostAlias]) -> String {
    if aliases.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n# Entries added by HostAliases.\n");
    for alias in aliases {
        let names = alias.hostnames.as_deref().unwrap_or(&[]).join("\t");
        out.push_str(&format!("{}\t{names}\n", alias.ip));
    }
    out
}

#[cfg(test)]
mod tests;
