//! The API `PodStatus` from what CRI reports (upstream `generateAPIPodStatus`, `getPhase`,
//! `convertToAPIContainerStatuses` and the condition generators): container states with the
//! waiting reasons of the last sync, termination messages, restart counts, IPs, phase, the
//! kubelet's conditions and the QoS class.

use std::io::{Read, Seek, SeekFrom};

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, HostIP, Pod, PodCondition, PodIP, PodStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::actions::{is_restartable_init, should_restart};
use super::{KubeRuntime, PodRuntimeStatus, container, labels, pod_status, qos, uid_of};
use crate::cri::v1;

/// Upstream's cap on a termination message read from its file.
const MAX_TERMINATION_MESSAGE: u64 = 4096;
/// `FallbackToLogsOnError`: at most this many lines and bytes of the log's tail.
const FALLBACK_LOG_LINES: usize = 80;
const FALLBACK_LOG_BYTES: u64 = 2048;

fn time_of(nanos: i64) -> Option<Time> {
    if nanos <= 0 {
        return None;
    }
    jiff::Timestamp::from_second(nanos / 1_000_000_000)
        .ok()
        .map(Time)
}

fn now() -> Time {
    Time(jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap_or_default())
}

fn read_capped(path: &str, cap: u64) -> Option<String> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut buf = Vec::new();
    file.by_ref().take(cap).read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// The last lines of a CRI log file, without the `<time> <stream> <tag>` prefixes.
fn log_tail(path: &str) -> Option<String> {
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    // Read a generous window: prefixes take about 40 bytes a line.
    let window = (FALLBACK_LOG_BYTES * 4).min(len);
    file.seek(SeekFrom::Start(len - window)).ok()?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf);
    let mut content = String::new();
    for line in text.lines() {
        let mut parts = line.splitn(4, ' ');
        let (_, _, tag, rest) = (parts.next(), parts.next(), parts.next(), parts.next());
        let rest = rest.unwrap_or_default();
        content.push_str(rest);
        if tag != Some("P") {
            content.push('\n');
        }
    }
    let lines: Vec<&str> = content.lines().collect();
    let start = lines.len().saturating_sub(FALLBACK_LOG_LINES);
    let mut tail = lines[start..].join("\n");
    if !tail.is_empty() {
        tail.push('\n');
    }
    let cap = FALLBACK_LOG_BYTES as usize;
    if tail.len() > cap {
        let mut cut = tail.len() - cap;
        while !tail.is_char_boundary(cut) {
            cut += 1;
        }
        tail = tail[cut..].to_owned();
    }
    Some(tail)
}

/// The termination message of an exited container: its file's contents, or the log's tail
/// for `FallbackToLogsOnError` after a failure.
fn termination_message(status: &v1::ContainerStatus) -> String {
    let path = status
        .annotations
        .get(labels::TERMINATION_MESSAGE_PATH)
        .cloned()
        .unwrap_or_else(|| container::DEFAULT_TERMINATION_MESSAGE_PATH.to_owned());
    let policy = status
        .annotations
        .get(labels::TERMINATION_MESSAGE_POLICY)
        .map(String::as_str)
        .unwrap_or("File");
    let from_file = status
        .mounts
        .iter()
        .find(|m| m.container_path == path)
        .and_then(|m| read_capped(&m.host_path, MAX_TERMINATION_MESSAGE))
        .unwrap_or_default();
    if from_file.is_empty() && policy == "FallbackToLogsOnError" && status.exit_code != 0 {
        return log_tail(&status.log_path).unwrap_or_default();
    }
    from_file
}

fn terminated(status: &v1::ContainerStatus, container_id: &str) -> ContainerState {
    let reason = if !status.reason.is_empty() {
        status.reason.clone()
    } else if status.exit_code == 0 {
        "Completed".to_owned()
    } else {
        "Error".to_owned()
    };
    let mut message = status.message.clone();
    let extra = termination_message(status);
    if !extra.is_empty() {
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&extra);
    }
    ContainerState {
        terminated: Some(ContainerStateTerminated {
            container_id: Some(container_id.to_owned()),
            exit_code: status.exit_code,
            reason: Some(reason),
            message: (!message.is_empty()).then_some(message),
            started_at: time_of(status.started_at),
            finished_at: time_of(status.finished_at),
            signal: None,
        }),
        ..Default::default()
    }
}

fn waiting(reason: &str, message: Option<String>) -> ContainerState {
    ContainerState {
        waiting: Some(ContainerStateWaiting {
            reason: Some(reason.to_owned()),
            message: message.filter(|m| !m.is_empty()),
        }),
        ..Default::default()
    }
}

impl KubeRuntime {
    fn container_status(
        &self,
        pod: &Pod,
        spec: &Container,
        runtime: &PodRuntimeStatus,
        is_init: bool,
        default_reason: &str,
        runtime_name: &str,
    ) -> ContainerStatus {
        let instances = runtime.containers_named(&spec.name);
        let mut out = ContainerStatus {
            name: spec.name.clone(),
            image: spec.image.clone().unwrap_or_default(),
            started: Some(false),
            ..Default::default()
        };
        let Some(latest) = instances.first() else {
            let reason = self.waiting_reason(uid_of(pod), &spec.name);
            out.state = Some(match reason {
                Some(r) if pod.metadata.deletion_timestamp.is_none() => {
                    waiting(&r.reason, Some(r.message))
                }
                _ => waiting(default_reason, None),
            });
            return out;
        };
        let id = format!("{runtime_name}://{}", latest.id);
        out.container_id = Some(id.clone());
        if let Some(image) = latest.image.as_ref().filter(|i| !i.image.is_empty()) {
            out.image = image.image.clone();
        }
        out.image_id = latest.image_ref.clone();
        out.restart_count = container::restart_count_of(&latest.annotations);
        let state = v1::ContainerState::try_from(latest.state)
            .unwrap_or(v1::ContainerState::ContainerUnknown);
        out.state = Some(match state {
            v1::ContainerState::ContainerRunning => ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: time_of(latest.started_at),
                }),
                ..Default::default()
            },
            // Created but not started: waiting, with no reason (as upstream).
            v1::ContainerState::ContainerCreated => ContainerState {
                waiting: Some(ContainerStateWaiting::default()),
                ..Default::default()
            },
            v1::ContainerState::ContainerExited => terminated(latest, &id),
            v1::ContainerState::ContainerUnknown => ContainerState {
                terminated: Some(ContainerStateTerminated {
                    container_id: Some(id.clone()),
                    exit_code: 137,
                    reason: Some("ContainerStatusUnknown".to_owned()),
                    message: Some(
                        "The container could not be located when the pod was terminated".to_owned(),
                    ),
                    ..Default::default()
                }),
                ..Default::default()
            },
        });
        if let Some(previous) = instances.get(1)
            && previous.state == v1::ContainerState::ContainerExited as i32
        {
            let previous_id = format!("{runtime_name}://{}", previous.id);
            out.last_state = Some(terminated(previous, &previous_id));
        }
        let restarting = state != v1::ContainerState::ContainerRunning
            && pod.metadata.deletion_timestamp.is_none()
            && (is_init || should_restart(pod, spec, runtime));
        if restarting && let Some(reason) = self.waiting_reason(uid_of(pod), &spec.name) {
            if out.state.as_ref().is_some_and(|s| s.terminated.is_some()) {
                out.last_state = out.state.take();
            }
            out.state = Some(waiting(&reason.reason, Some(reason.message)));
        }
        out
    }

    /// The API status of `pod` from CRI's view (upstream `generateAPIPodStatus`): phase,
    /// conditions, container statuses with waiting reasons (CrashLoopBackOff, ErrImagePull,
    /// CreateContainerConfigError, …), IPs, QoS class.
    pub fn api_pod_status(
        &self,
        pod: &Pod,
        runtime: &PodRuntimeStatus,
        previous: Option<&PodStatus>,
    ) -> PodStatus {
        let previous = previous
            .cloned()
            .or_else(|| pod.status.clone())
            .unwrap_or_default();
        let runtime_name = self.runtime_name();
        let empty = Vec::new();
        let spec = pod.spec.as_ref();
        let inits = spec
            .and_then(|s| s.init_containers.as_ref())
            .unwrap_or(&empty);
        let containers = spec.map_or(&empty, |s| &s.containers);
        let mut status = PodStatus {
            qos_class: Some(qos::qos_class(pod).to_owned()),
            ..Default::default()
        };
        let init_statuses: Vec<ContainerStatus> = inits
            .iter()
            .map(|c| self.container_status(pod, c, runtime, true, "PodInitializing", &runtime_name))
            .collect();
        // Upstream: containers with no instance yet wait with PodInitializing whenever the
        // pod has init containers, else ContainerCreating.
        let default_reason = if inits.is_empty() {
            "ContainerCreating"
        } else {
            "PodInitializing"
        };
        status.container_statuses = Some(
            containers
                .iter()
                .map(|c| {
                    self.container_status(pod, c, runtime, false, default_reason, &runtime_name)
                })
                .collect(),
        );
        if !inits.is_empty() {
            status.init_container_statuses = Some(init_statuses);
        }
        // Without probes a running container is started and ready; the probe manager
        // overrides this for containers it probes.
        for cs in status
            .container_statuses
            .iter_mut()
            .flatten()
            .chain(status.init_container_statuses.iter_mut().flatten())
        {
            let running = cs.state.as_ref().is_some_and(|s| s.running.is_some());
            cs.started = Some(running);
            cs.ready = running;
        }

        let host_network = spec.and_then(|s| s.host_network).unwrap_or(false);
        let host_ip = self
            .state()
            .host_ips
            .get(uid_of(pod))
            .cloned()
            .or_else(|| previous.host_ip.clone());
        if let Some(ip) = host_ip.as_ref() {
            status.host_ip = Some(ip.clone());
            status.host_ips = Some(vec![HostIP { ip: ip.clone() }]);
        }
        let pod_ips: Vec<String> = if host_network {
            host_ip.into_iter().collect()
        } else if !runtime.ips.is_empty() {
            runtime.ips.clone()
        } else {
            // A stopped sandbox reports no IPs; the pod keeps the ones it had.
            previous
                .pod_ips
                .iter()
                .flatten()
                .map(|p| p.ip.clone())
                .collect()
        };
        if let Some(first) = pod_ips.first() {
            status.pod_ip = Some(first.clone());
            status.pod_ips = Some(pod_ips.iter().map(|ip| PodIP { ip: ip.clone() }).collect());
        }

        // A deleted pod whose containers and sandbox all stopped is terminal (static pods
        // excepted, as upstream).
        let is_static = pod
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get("kubernetes.io/config.source"))
            .is_some_and(|source| source != "api");
        let terminal =
            pod.metadata.deletion_timestamp.is_some() && !runtime.is_running() && !is_static;
        let mut phase = get_phase(pod, &status, terminal);
        if matches!(previous.phase.as_deref(), Some("Succeeded" | "Failed")) {
            phase = previous.phase.clone().unwrap_or_default();
        }
        status.phase = Some(phase.clone());
        status.start_time = previous.start_time.clone().or_else(|| Some(now()));
        status.reason = previous.reason.clone();
        status.message = previous.message.clone();
        status.nominated_node_name = previous.nominated_node_name.clone();
        status.resize = previous.resize.clone();
        status.observed_generation = pod.metadata.generation;
        // After the pod IPs and phase: the probe workers probe against this status (the pod IP
        // for TCP, HTTP and gRPC probes without a host), as upstream's `UpdatePodStatus`.
        self.probes.update_pod_status(pod, &mut status);

        let sandbox_ready = runtime.newest_sandbox().is_some_and(|s| {
            s.state == v1::PodSandboxState::SandboxReady as i32
                && (host_network || !pod_status::sandbox_ips(s).is_empty())
        });
        status.conditions = Some(conditions(pod, &status, &previous, sandbox_ready, &phase));
        status
    }
}

/// Upstream `getPhase`; `terminal` when the pod will not run again (deleted and stopped), so
/// stopped containers make it Succeeded or Failed whatever the restart policy. A terminal
/// previous phase is kept by the caller.
pub fn get_phase(pod: &Pod, status: &PodStatus, terminal: bool) -> String {
    let empty = Vec::new();
    let spec = pod.spec.as_ref();
    let find = |list: &Option<Vec<ContainerStatus>>, name: &str| {
        list.as_ref()
            .and_then(|l| l.iter().find(|c| c.name == name))
            .cloned()
    };
    let terminated_last = |c: &ContainerStatus| {
        c.last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .map(|t| t.exit_code)
    };
    let mut pending_sidecars = 0;
    let mut pending_inits = 0;
    let mut failed_init = 0;
    for c in spec
        .and_then(|s| s.init_containers.as_ref())
        .unwrap_or(&empty)
    {
        let Some(cs) = find(&status.init_container_statuses, &c.name) else {
            if is_restartable_init(c) {
                pending_sidecars += 1;
            } else {
                pending_inits += 1;
            }
            continue;
        };
        let state = cs.state.clone().unwrap_or_default();
        if is_restartable_init(c) {
            if (state.running.is_some() && cs.started != Some(true))
                || (state.waiting.is_some() && terminated_last(&cs).is_none())
            {
                pending_sidecars += 1;
            }
            continue;
        }
        if state.running.is_some() {
            pending_inits += 1;
        } else if let Some(t) = state.terminated.as_ref() {
            if t.exit_code != 0 {
                failed_init += 1;
            }
        } else if state.waiting.is_some() {
            match terminated_last(&cs) {
                Some(code) if code != 0 => failed_init += 1,
                Some(_) => {}
                None => pending_inits += 1,
            }
        } else {
            pending_inits += 1;
        }
    }
    let (mut unknown, mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0, 0);
    let containers = spec.map_or(&empty, |s| &s.containers);
    for c in containers {
        let Some(cs) = find(&status.container_statuses, &c.name) else {
            unknown += 1;
            continue;
        };
        let state = cs.state.clone().unwrap_or_default();
        if state.running.is_some() {
            running += 1;
        } else if let Some(t) = state.terminated.as_ref() {
            stopped += 1;
            if t.exit_code == 0 {
                succeeded += 1;
            }
        } else if state.waiting.is_some() {
            if terminated_last(&cs).is_some() {
                stopped += 1;
            } else {
                waiting += 1;
            }
        } else {
            unknown += 1;
        }
    }
    let policy = spec
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("Always");
    if failed_init > 0 && policy == "Never" {
        return "Failed".to_owned();
    }
    let phase = if pending_inits > 0
        || (pending_sidecars > 0 && stopped != containers.len())
        || waiting > 0
    {
        "Pending"
    } else if running > 0 && unknown == 0 {
        "Running"
    } else if running == 0 && stopped > 0 && unknown == 0 {
        if terminal {
            if stopped == succeeded {
                "Succeeded"
            } else {
                "Failed"
            }
        } else if policy == "Always" {
            "Running"
        } else if stopped == succeeded {
            "Succeeded"
        } else if policy == "Never" {
            "Failed"
        } else {
            "Running"
        }
    } else {
        "Pending"
    };
    phase.to_owned()
}

fn condition(
    previous: &PodStatus,
    generation: Option<i64>,
    type_: &str,
    ok: bool,
    reason: Option<&str>,
    message: Option<String>,
) -> PodCondition {
    let status = if ok { "True" } else { "False" };
    let transition = previous
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == type_ && c.status == status)
        .and_then(|c| c.last_transition_time.clone())
        .unwrap_or_else(now);
    PodCondition {
        type_: type_.to_owned(),
        status: status.to_owned(),
        reason: reason.map(str::to_owned),
        message,
        last_transition_time: Some(transition),
        last_probe_time: None,
        observed_generation: generation,
    }
}

/// The kubelet's conditions (PodReadyToStartContainers, Initialized, Ready,
/// ContainersReady) plus the others the pod already has (PodScheduled, …).
fn conditions(
    pod: &Pod,
    status: &PodStatus,
    previous: &PodStatus,
    sandbox_ready: bool,
    phase: &str,
) -> Vec<PodCondition> {
    let generation = pod.metadata.generation;
    let empty = Vec::new();
    let spec = pod.spec.as_ref();
    let inits = spec
        .and_then(|s| s.init_containers.as_ref())
        .unwrap_or(&empty);
    let containers = spec.map_or(&empty, |s| &s.containers);
    let find = |list: &Option<Vec<ContainerStatus>>, name: &str| {
        list.as_ref()
            .and_then(|l| l.iter().find(|c| c.name == name))
            .cloned()
    };
    let mut out = Vec::new();
    out.push(condition(
        previous,
        generation,
        "PodReadyToStartContainers",
        sandbox_ready,
        None,
        None,
    ));
    // Initialized: every regular init container succeeded and every sidecar started; or
    // some regular container has run already.
    let regular_started = status.container_statuses.iter().flatten().any(|c| {
        c.state
            .as_ref()
            .is_some_and(|s| s.running.is_some() || s.terminated.is_some())
            || c.last_state
                .as_ref()
                .is_some_and(|s| s.terminated.is_some())
    });
    let incomplete: Vec<&str> = inits
        .iter()
        .filter(|c| {
            let cs = find(&status.init_container_statuses, &c.name);
            let done = if is_restartable_init(c) {
                cs.as_ref().is_some_and(|cs| cs.started == Some(true))
            } else {
                cs.as_ref()
                    .and_then(|cs| cs.state.as_ref())
                    .and_then(|s| s.terminated.as_ref())
                    .is_some_and(|t| t.exit_code == 0)
            };
            !done
        })
        .map(|c| c.name.as_str())
        .collect();
    let initialized = incomplete.is_empty() || regular_started || phase == "Succeeded";
    out.push(if initialized {
        condition(previous, generation, "Initialized", true, None, None)
    } else {
        condition(
            previous,
            generation,
            "Initialized",
            false,
            Some("ContainersNotInitialized"),
            Some(format!(
                "containers with incomplete status: [{}]",
                incomplete.join(" ")
            )),
        )
    });
    // ContainersReady and Ready.
    // Sidecars (restartable init containers) count for readiness too.
    let sidecars = inits.iter().filter(|c| is_restartable_init(c));
    let unready: Vec<&str> = sidecars
        .filter(|c| !find(&status.init_container_statuses, &c.name).is_some_and(|cs| cs.ready))
        .chain(
            containers
                .iter()
                .filter(|c| !find(&status.container_statuses, &c.name).is_some_and(|cs| cs.ready)),
        )
        .map(|c| c.name.as_str())
        .collect();
    let (ready, reason, message) = if phase == "Succeeded" {
        (false, Some("PodCompleted"), None)
    } else if unready.is_empty() {
        (true, None, None)
    } else {
        (
            false,
            Some("ContainersNotReady"),
            Some(format!(
                "containers with unready status: [{}]",
                unready.join(" ")
            )),
        )
    };
    // Readiness gates: Ready also needs every gate's condition to be True.
    let gates_missing: Vec<String> = spec
        .and_then(|s| s.readiness_gates.as_ref())
        .into_iter()
        .flatten()
        .filter(|g| {
            !previous
                .conditions
                .iter()
                .flatten()
                .any(|c| c.type_ == g.condition_type && c.status == "True")
        })
        .map(|g| g.condition_type.clone())
        .collect();
    let pod_ready = if ready && !gates_missing.is_empty() {
        condition(
            previous,
            generation,
            "Ready",
            false,
            Some("ReadinessGatesNotReady"),
            Some(format!(
                "corresponding condition of pod readiness gate {:?} does not exist.",
                gates_missing[0]
            )),
        )
    } else {
        condition(
            previous,
            generation,
            "Ready",
            ready,
            reason,
            message.clone(),
        )
    };
    out.push(pod_ready);
    out.push(condition(
        previous,
        generation,
        "ContainersReady",
        ready,
        reason,
        message,
    ));
    let kubelet_owned = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
    ];
    for c in previous.conditions.iter().flatten() {
        if !kubelet_owned.contains(&c.type_.as_str()) {
            out.push(c.clone());
        }
    }
    if !out.iter().any(|c| c.type_ == "PodScheduled") {
        out.push(condition(
            previous,
            generation,
            "PodScheduled",
            true,
            None,
            None,
        ));
    }
    out
}

#[cfg(test)]
#[path = "api_status_tests.rs"]
mod tests;
