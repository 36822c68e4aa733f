//! The container config (upstream `generateContainerConfig`): command and args with `$(VAR)`
//! expanded, env, mounts (plus the termination-message file), log path, labels and
//! annotations (spec hash, restart count, …), Linux resources and security context; and the
//! spec hash that decides whether a running container still matches its spec.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::{Container, Pod};

use super::{labels, qos, sandbox};
use crate::cri::v1;

/// Upstream's default `terminationMessagePath`.
pub const DEFAULT_TERMINATION_MESSAGE_PATH: &str = "/dev/termination-log";

/// The spec hash of a container (upstream `HashContainer`): FNV-1a (32 bit) over the JSON of
/// the fields whose change restarts a container (name and image), in hex. Stable across
/// kubelet restarts, so adopted containers are not restarted.
pub fn container_hash(container: &Container) -> String {
    let json = serde_json::json!({ "image": container.image.clone().unwrap_or_default(),
        "name": container.name });
    let mut hash: u32 = 0x811c_9dc5;
    for byte in json.to_string().bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{hash:x}")
}

/// Expands `$(VAR)` references from `env` as upstream's `expansion.Expand`: `$$` is an
/// escaped `$`, unknown references stay as written.
pub fn expand(input: &str, env: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('(') {
            match inner.find(')') {
                Some(end) => {
                    let name = &inner[..end];
                    match env.get(name) {
                        Some(value) => out.push_str(value),
                        None => {
                            out.push_str("$(");
                            out.push_str(name);
                            out.push(')');
                        }
                    }
                    rest = &inner[end + 1..];
                }
                None => {
                    out.push_str("$(");
                    rest = inner;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The container's labels: the pod's identity plus the container name.
pub fn container_labels(pod: &Pod, container: &Container) -> HashMap<String, String> {
    let mut out = HashMap::new();
    out.insert(
        labels::POD_NAME.to_owned(),
        pod.metadata.name.clone().unwrap_or_default(),
    );
    out.insert(
        labels::POD_NAMESPACE.to_owned(),
        pod.metadata.namespace.clone().unwrap_or_default(),
    );
    out.insert(
        labels::POD_UID.to_owned(),
        pod.metadata.uid.clone().unwrap_or_default(),
    );
    out.insert(labels::CONTAINER_NAME.to_owned(), container.name.clone());
    out
}

/// The container's annotations (upstream `newContainerAnnotations`).
pub fn container_annotations(
    pod: &Pod,
    container: &Container,
    restart_count: i32,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    out.insert(labels::CONTAINER_HASH.to_owned(), container_hash(container));
    out.insert(
        labels::CONTAINER_RESTART_COUNT.to_owned(),
        restart_count.to_string(),
    );
    out.insert(
        labels::TERMINATION_MESSAGE_PATH.to_owned(),
        container
            .termination_message_path
            .clone()
            .unwrap_or_else(|| DEFAULT_TERMINATION_MESSAGE_PATH.to_owned()),
    );
    out.insert(
        labels::TERMINATION_MESSAGE_POLICY.to_owned(),
        container
            .termination_message_policy
            .clone()
            .unwrap_or_else(|| "File".to_owned()),
    );
    if let Some(grace) = pod.metadata.deletion_grace_period_seconds.or_else(|| {
        pod.spec
            .as_ref()
            .and_then(|s| s.termination_grace_period_seconds)
    }) {
        out.insert(
            labels::POD_TERMINATION_GRACE_PERIOD.to_owned(),
            grace.to_string(),
        );
    }
    if let Some(pre_stop) = container
        .lifecycle
        .as_ref()
        .and_then(|l| l.pre_stop.as_ref())
        && let Ok(json) = serde_json::to_string(pre_stop)
    {
        out.insert(labels::PRE_STOP_HANDLER.to_owned(), json);
    }
    if let Some(ports) = container.ports.as_ref().filter(|p| !p.is_empty())
        && let Ok(json) = serde_json::to_string(ports)
    {
        out.insert(labels::CONTAINER_PORTS.to_owned(), json);
    }
    out
}

/// The effective security context of a container: the container's fields over the pod's.
pub fn security_context(pod: &Pod, container: &Container) -> v1::LinuxContainerSecurityContext {
    let pod_sc = pod.spec.as_ref().and_then(|s| s.security_context.as_ref());
    let sc = container.security_context.as_ref();
    let privileged = sc.and_then(|s| s.privileged).unwrap_or(false);
    let run_as_user = sc
        .and_then(|s| s.run_as_user)
        .or_else(|| pod_sc.and_then(|s| s.run_as_user));
    let run_as_group = sc
        .and_then(|s| s.run_as_group)
        .or_else(|| pod_sc.and_then(|s| s.run_as_group));
    let seccomp = sc
        .and_then(|s| s.seccomp_profile.as_ref())
        .or_else(|| pod_sc.and_then(|s| s.seccomp_profile.as_ref()));
    let capabilities = sc
        .and_then(|s| s.capabilities.as_ref())
        .map(|c| v1::Capability {
            add_capabilities: c.add.clone().unwrap_or_default(),
            drop_capabilities: c.drop.clone().unwrap_or_default(),
            add_ambient_capabilities: Vec::new(),
        });
    // Upstream `AddNoNewPrivileges`: set unless privileged or explicitly allowed (the API
    // defaults allowPrivilegeEscalation to true).
    let no_new_privs = !privileged
        && sc
            .and_then(|s| s.allow_privilege_escalation)
            .is_some_and(|allow| !allow);
    v1::LinuxContainerSecurityContext {
        capabilities,
        privileged,
        namespace_options: Some(sandbox::namespace_options(pod)),
        run_as_user: run_as_user.map(|value| v1::Int64Value { value }),
        run_as_group: run_as_group.map(|value| v1::Int64Value { value }),
        readonly_rootfs: sc
            .and_then(|s| s.read_only_root_filesystem)
            .unwrap_or(false),
        supplemental_groups: sandbox::supplemental_groups(pod),
        no_new_privs,
        seccomp: Some(sandbox::seccomp_profile(seccomp)),
        ..Default::default()
    }
}

/// Whether the container must not run as root (`runAsNonRoot`, container over pod).
pub fn run_as_non_root(pod: &Pod, container: &Container) -> bool {
    container
        .security_context
        .as_ref()
        .and_then(|s| s.run_as_non_root)
        .or_else(|| {
            pod.spec
                .as_ref()
                .and_then(|s| s.security_context.as_ref())
                .and_then(|s| s.run_as_non_root)
        })
        .unwrap_or(false)
}

/// `<root>/pods/<uid>/containers/<name>/<random>`: a fresh, empty termination-message file
/// on the host for one container instance.
pub fn create_termination_message_file(
    root_dir: &Path,
    uid: &str,
    container: &str,
) -> std::io::Result<PathBuf> {
    let dir = root_dir
        .join("pods")
        .join(uid)
        .join("containers")
        .join(container);
    std::fs::create_dir_all(&dir)?;
    let id: u32 = rand::random();
    let path = dir.join(format!("{id:08x}"));
    std::fs::write(&path, b"")?;
    Ok(path)
}

/// Everything about one container start besides the pod: what `build_config` needs.
pub struct ConfigInput<'a> {
    pub image_ref: &'a str,
    pub restart_count: i32,
    pub envs: Vec<v1::KeyValue>,
    pub mounts: Vec<v1::Mount>,
    pub termination_message_file: Option<&'a Path>,
    pub memory_capacity: i64,
}

pub fn build_config(
    pod: &Pod,
    container: &Container,
    input: ConfigInput<'_>,
) -> v1::ContainerConfig {
    let env_map: HashMap<String, String> = input
        .envs
        .iter()
        .map(|kv| (kv.key.clone(), kv.value.clone()))
        .collect();
    let command = container
        .command
        .iter()
        .flatten()
        .map(|c| expand(c, &env_map))
        .collect();
    let args = container
        .args
        .iter()
        .flatten()
        .map(|a| expand(a, &env_map))
        .collect();
    let mut mounts = input.mounts;
    if let Some(file) = input.termination_message_file {
        let target = container
            .termination_message_path
            .clone()
            .unwrap_or_else(|| DEFAULT_TERMINATION_MESSAGE_PATH.to_owned());
        if !target.is_empty() && !mounts.iter().any(|m| m.container_path == target) {
            mounts.push(v1::Mount {
                container_path: target,
                host_path: file.to_string_lossy().into_owned(),
                ..Default::default()
            });
        }
    }
    let mut resources = qos::linux_resources(container);
    resources.oom_score_adj = qos::oom_score_adj(pod, container, input.memory_capacity);
    let user_image = container.image.clone().unwrap_or_default();
    v1::ContainerConfig {
        metadata: Some(v1::ContainerMetadata {
            name: container.name.clone(),
            attempt: u32::try_from(input.restart_count).unwrap_or(0),
        }),
        image: Some(v1::ImageSpec {
            image: input.image_ref.to_owned(),
            user_specified_image: user_image,
            ..Default::default()
        }),
        command,
        args,
        working_dir: container.working_dir.clone().unwrap_or_default(),
        envs: input.envs,
        mounts,
        labels: container_labels(pod, container),
        annotations: container_annotations(pod, container, input.restart_count),
        log_path: format!("{}/{}.log", container.name, input.restart_count),
        stdin: container.stdin.unwrap_or(false),
        stdin_once: container.stdin_once.unwrap_or(false),
        tty: container.tty.unwrap_or(false),
        linux: Some(v1::LinuxContainerConfig {
            resources: Some(resources),
            security_context: Some(security_context(pod, container)),
        }),
        ..Default::default()
    }
}

/// The restart count a CRI container carries in its annotations.
pub fn restart_count_of(annotations: &HashMap<String, String>) -> i32 {
    annotations
        .get(labels::CONTAINER_RESTART_COUNT)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion() {
        let env: HashMap<String, String> = [("A".to_owned(), "x".to_owned())].into_iter().collect();
        assert_eq!(expand("$(A)-$(B)-$$(A)-$", &env), "x-$(B)-$(A)-$");
        assert_eq!(expand("echo $(A", &env), "echo $(A");
    }

    #[test]
    fn hash_is_stable_and_tracks_image() {
        let c: Container = serde_json::from_value(serde_json::json!({
            "name": "c", "image": "busybox:1.36", "args": ["a"]}))
        .unwrap();
        let mut d = c.clone();
        d.args = Some(vec!["b".into()]);
        assert_eq!(container_hash(&c), container_hash(&d));
        d.image = Some("busybox:1.37".into());
        assert_ne!(container_hash(&c), container_hash(&d));
        assert_eq!(container_hash(&c), container_hash(&c.clone()));
    }
}
