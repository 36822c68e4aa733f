//! What one sync must do for a pod (upstream `computePodActions`): create the sandbox, start
//! the next init containers (restartable ones are sidecars that keep running), start or
//! restart containers by restart policy, and kill containers whose spec changed or whose
//! liveness or startup probe failed. Pure: the probe verdicts come in as a function.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Pod};

use super::{PodRuntimeStatus, container, pod_status};
use crate::cri::v1;
use crate::probes::ProbeKind;

/// Why a running container is killed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerToKill {
    pub name: String,
    /// The Killing event's message (`Container c failed liveness probe, will be restarted`).
    pub message: String,
    pub probe: Option<ProbeKind>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodActions {
    /// Stop every container and the sandbox first.
    pub kill_pod: bool,
    pub create_sandbox: bool,
    /// The ready sandbox to start containers in (when not creating one).
    pub sandbox_id: String,
    pub attempt: u32,
    /// Indexes into `spec.initContainers`, in order.
    pub init_containers_to_start: Vec<usize>,
    /// Indexes into `spec.containers`.
    pub containers_to_start: Vec<usize>,
    /// CRI container id → why.
    pub containers_to_kill: BTreeMap<String, ContainerToKill>,
}

fn restart_policy(pod: &Pod) -> &str {
    pod.spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("Always")
}

pub fn is_restartable_init(container: &Container) -> bool {
    container.restart_policy.as_deref() == Some("Always")
}

fn state_of(status: &v1::ContainerStatus) -> v1::ContainerState {
    v1::ContainerState::try_from(status.state).unwrap_or(v1::ContainerState::ContainerUnknown)
}

/// Upstream `ShouldContainerBeRestarted`: whether a regular container that is not running
/// must be (re)started.
pub fn should_restart(pod: &Pod, container: &Container, status: &PodRuntimeStatus) -> bool {
    if pod.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let Some(latest) = status.latest(&container.name) else {
        return true;
    };
    match state_of(latest) {
        v1::ContainerState::ContainerRunning => false,
        v1::ContainerState::ContainerUnknown | v1::ContainerState::ContainerCreated => true,
        v1::ContainerState::ContainerExited => match restart_policy(pod) {
            "Never" => false,
            "OnFailure" => latest.exit_code != 0,
            _ => true,
        },
    }
}

/// Upstream `PodSandboxChanged`: whether a new sandbox is needed, its attempt, and the ready
/// sandbox to use otherwise.
pub fn sandbox_changed(pod: &Pod, status: &PodRuntimeStatus) -> (bool, u32, String) {
    let Some(newest) = status.newest_sandbox() else {
        return (true, 0, String::new());
    };
    let attempt = newest.metadata.as_ref().map_or(0, |m| m.attempt);
    let ready = status
        .sandboxes
        .iter()
        .filter(|s| s.state == v1::PodSandboxState::SandboxReady as i32)
        .count();
    if ready > 1 || newest.state != v1::PodSandboxState::SandboxReady as i32 {
        return (true, attempt + 1, newest.id.clone());
    }
    let host_network = pod
        .spec
        .as_ref()
        .and_then(|s| s.host_network)
        .unwrap_or(false);
    let sandbox_host_network = newest
        .linux
        .as_ref()
        .and_then(|l| l.namespaces.as_ref())
        .and_then(|n| n.options.as_ref())
        .is_some_and(|o| o.network == v1::NamespaceMode::Node as i32);
    if host_network != sandbox_host_network
        || (!host_network && pod_status::sandbox_ips(newest).is_empty())
    {
        return (true, attempt + 1, newest.id.clone());
    }
    (false, attempt, newest.id.clone())
}

/// Whether some regular container has ever been created (so the pod was initialized).
fn any_regular_container_created(pod: &Pod, status: &PodRuntimeStatus) -> bool {
    pod.spec.as_ref().is_some_and(|s| {
        s.containers
            .iter()
            .any(|c| status.latest(&c.name).is_some())
    })
}

fn kill_message(name: &str, reason: &str) -> String {
    format!("Container {name} {reason}, will be restarted")
}

/// Upstream `computeInitContainerActions`: which init containers to start next; true once the
/// pod is initialized.
fn init_container_actions(
    pod: &Pod,
    status: &PodRuntimeStatus,
    probe: &dyn Fn(&str) -> Option<ProbeKind>,
    actions: &mut PodActions,
) -> bool {
    let Some(inits) = pod.spec.as_ref().and_then(|s| s.init_containers.as_ref()) else {
        return true;
    };
    if inits.is_empty() {
        return true;
    }
    let previously_initialized = any_regular_container_created(pod, status);
    let restart_on_failure = restart_policy(pod) != "Never";
    let mut initialized = false;
    let mut any_status = false;
    let mut to_start = Vec::new();
    for (i, c) in inits.iter().enumerate().rev() {
        let restartable = is_restartable_init(c);
        let Some(latest) = status.latest(&c.name) else {
            if previously_initialized && restartable {
                to_start.push(i);
            }
            continue;
        };
        any_status = true;
        if previously_initialized && !restartable {
            continue;
        }
        match state_of(latest) {
            v1::ContainerState::ContainerCreated => to_start.push(i),
            v1::ContainerState::ContainerRunning => {
                if restartable {
                    if let Some(kind) = probe(&latest.id) {
                        let reason = match kind {
                            ProbeKind::Startup => "failed startup probe",
                            _ => "failed liveness probe",
                        };
                        actions.containers_to_kill.insert(
                            latest.id.clone(),
                            ContainerToKill {
                                name: c.name.clone(),
                                message: kill_message(&c.name, reason),
                                probe: Some(kind),
                            },
                        );
                        to_start.push(i);
                    } else if container_changed(c, latest) {
                        actions.containers_to_kill.insert(
                            latest.id.clone(),
                            ContainerToKill {
                                name: c.name.clone(),
                                message: format!("Init container {} definition changed", c.name),
                                probe: None,
                            },
                        );
                        to_start.push(i);
                    }
                    if i + 1 == inits.len() {
                        initialized = true;
                    } else if !previously_initialized {
                        to_start.push(i + 1);
                    }
                }
            }
            v1::ContainerState::ContainerExited => {
                if latest.exit_code == 0 {
                    if restartable {
                        to_start.push(i);
                    } else if i + 1 == inits.len() {
                        initialized = true;
                    } else {
                        to_start.push(i + 1);
                    }
                } else if restartable || restart_on_failure {
                    to_start.push(i);
                } else {
                    actions.kill_pod = true;
                    actions.init_containers_to_start.clear();
                    return false;
                }
            }
            v1::ContainerState::ContainerUnknown => {
                actions.containers_to_kill.insert(
                    latest.id.clone(),
                    ContainerToKill {
                        name: c.name.clone(),
                        message: format!("Init container {} is in unknown state", c.name),
                        probe: None,
                    },
                );
                to_start.push(i);
            }
        }
        if !previously_initialized {
            break;
        }
    }
    if !any_status && !previously_initialized {
        to_start.push(0);
    }
    to_start.sort_unstable();
    to_start.dedup();
    actions.init_containers_to_start = to_start;
    initialized || previously_initialized
}

/// Whether the running container's spec hash differs from its spec's.
pub fn container_changed(spec: &Container, status: &v1::ContainerStatus) -> bool {
    status
        .annotations
        .get(super::labels::CONTAINER_HASH)
        .is_some_and(|hash| *hash != container::container_hash(spec))
}

/// The actions of one sync. `probe(container_id)` is the liveness/startup verdict
/// (`ProbeManager::restart_reason`).
pub fn compute_pod_actions(
    pod: &Pod,
    status: &PodRuntimeStatus,
    probe: &dyn Fn(&str) -> Option<ProbeKind>,
) -> PodActions {
    let Some(spec) = pod.spec.as_ref() else {
        return PodActions::default();
    };
    let (create_sandbox, attempt, sandbox_id) = sandbox_changed(pod, status);
    let mut actions = PodActions {
        kill_pod: create_sandbox,
        create_sandbox,
        sandbox_id,
        attempt,
        ..Default::default()
    };
    let policy = restart_policy(pod);
    if create_sandbox {
        if policy == "Never" && attempt != 0 && !status.containers.is_empty() {
            // A pod that must not restart gets no second sandbox.
            actions.create_sandbox = false;
            return actions;
        }
        let to_start: Vec<usize> = spec
            .containers
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                !(policy == "OnFailure"
                    && status.latest(&c.name).is_some_and(|s| {
                        state_of(s) == v1::ContainerState::ContainerExited && s.exit_code == 0
                    }))
            })
            .map(|(i, _)| i)
            .collect();
        if to_start.is_empty() {
            actions.create_sandbox = false;
            return actions;
        }
        if spec.init_containers.as_ref().is_some_and(|i| !i.is_empty()) {
            actions.init_containers_to_start = vec![0];
            return actions;
        }
        actions.containers_to_start = to_start;
        return actions;
    }
    let initialized = init_container_actions(pod, status, probe, &mut actions);
    if actions.kill_pod || !initialized {
        return actions;
    }
    let mut keep = 0;
    for (i, c) in spec.containers.iter().enumerate() {
        let latest = status.latest(&c.name);
        let running = latest.is_some_and(|s| state_of(s) == v1::ContainerState::ContainerRunning);
        let Some(latest) = latest.filter(|_| running) else {
            if should_restart(pod, c, status) {
                actions.containers_to_start.push(i);
                if let Some(s) = latest
                    && state_of(s) == v1::ContainerState::ContainerUnknown
                {
                    actions.containers_to_kill.insert(
                        s.id.clone(),
                        ContainerToKill {
                            name: c.name.clone(),
                            message: format!(
                                "Container {} is in unknown state, will be restarted",
                                c.name
                            ),
                            probe: None,
                        },
                    );
                }
            }
            continue;
        };
        let (message, probe_kind) = if container_changed(c, latest) {
            (
                format!("Container {} definition changed, will be restarted", c.name),
                None,
            )
        } else if let Some(kind) = probe(&latest.id) {
            let reason = match kind {
                ProbeKind::Startup => "failed startup probe",
                _ => "failed liveness probe",
            };
            let message = if policy == "Never" {
                format!("Container {} {reason}", c.name)
            } else {
                kill_message(&c.name, reason)
            };
            (message, Some(kind))
        } else {
            keep += 1;
            continue;
        };
        if policy != "Never" || probe_kind.is_none() {
            actions.containers_to_start.push(i);
        }
        actions.containers_to_kill.insert(
            latest.id.clone(),
            ContainerToKill {
                name: c.name.clone(),
                message,
                probe: probe_kind,
            },
        );
    }
    if keep == 0 && actions.containers_to_start.is_empty() {
        actions.kill_pod = true;
        actions.init_containers_to_start.clear();
    }
    actions
}

#[cfg(test)]
#[path = "actions_tests.rs"]
mod tests;
