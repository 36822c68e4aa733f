//! Graceful termination (upstream `killContainer`, `KillPod`): the Killing event, the preStop
//! hook within the grace period, `StopContainer` with what is left of it (at least 2s unless
//! overridden); regular containers in parallel, then sidecars, then the sandboxes.

use std::time::Instant;

use futures::future::join_all;
use k8s_openapi::api::core::v1::{Container, Pod};

use super::actions::is_restartable_init;
use super::{Error, KubeRuntime, PodRuntimeStatus, container_reference, find_container, labels};
use crate::cri::v1;
use crate::probes::ProbeKind;

/// Upstream's `minimumGracePeriodInSeconds`.
const MINIMUM_GRACE_PERIOD: i64 = 2;
/// The default `terminationGracePeriodSeconds`.
const DEFAULT_GRACE_PERIOD: i64 = 30;

/// The grace period of one container kill: the pod's deletion grace period, else its spec's;
/// a probe's own `terminationGracePeriodSeconds` when a probe failure kills it.
pub fn grace_period(pod: &Pod, container: Option<&Container>, probe: Option<ProbeKind>) -> i64 {
    let mut grace = pod
        .metadata
        .deletion_grace_period_seconds
        .or_else(|| {
            pod.spec
                .as_ref()
                .and_then(|s| s.termination_grace_period_seconds)
        })
        .unwrap_or(DEFAULT_GRACE_PERIOD);
    if pod.metadata.deletion_timestamp.is_none()
        && let Some(c) = container
    {
        let probe_grace = match probe {
            Some(ProbeKind::Liveness) => c
                .liveness_probe
                .as_ref()
                .and_then(|p| p.termination_grace_period_seconds),
            Some(ProbeKind::Startup) => c
                .startup_probe
                .as_ref()
                .and_then(|p| p.termination_grace_period_seconds),
            _ => None,
        };
        if let Some(g) = probe_grace {
            grace = g;
        }
    }
    grace
}

/// One container to stop.
pub struct KillTarget<'a> {
    pub id: String,
    pub name: String,
    pub spec: Option<&'a Container>,
    /// The Killing event's message; `Stopping container NAME` when empty.
    pub message: String,
    pub probe: Option<ProbeKind>,
    /// The pod's grace period from the container's annotations, for a pod without spec.
    pub annotated_grace: Option<i64>,
}

impl KubeRuntime {
    /// Stops one container: Killing event, preStop, then `StopContainer`.
    pub(super) async fn kill_container(
        &self,
        pod: Option<&Pod>,
        target: KillTarget<'_>,
        pod_ip: Option<&str>,
        grace_override: Option<i64>,
    ) -> Result<(), Error> {
        let mut grace = match pod {
            Some(pod) => grace_period(pod, target.spec, target.probe),
            // A pod only CRI knows: the grace period its containers were created with.
            None => target.annotated_grace.unwrap_or(MINIMUM_GRACE_PERIOD),
        };
        if let Some(pod) = pod {
            let message = if target.message.is_empty() {
                format!("Stopping container {}", target.name)
            } else {
                target.message.clone()
            };
            self.events.normal(
                container_reference(pod, &target.name),
                "Killing",
                "Killing",
                message,
            );
            if let Some(spec) = target.spec
                && let Some(pre_stop) = spec.lifecycle.as_ref().and_then(|l| l.pre_stop.as_ref())
                && grace > 0
            {
                let started = Instant::now();
                let hook = crate::probes::handlers::run_lifecycle_handler(
                    &self.cri, pod, spec, &target.id, pre_stop, pod_ip,
                );
                let budget = std::time::Duration::from_secs(grace.max(0) as u64);
                match tokio::time::timeout(budget, hook).await {
                    Ok(Ok(())) => {}
                    Ok(Err(message)) => self.events.warning(
                        container_reference(pod, &target.name),
                        "FailedPreStopHook",
                        "Killing",
                        message,
                    ),
                    Err(_) => self.events.warning(
                        container_reference(pod, &target.name),
                        "FailedPreStopHook",
                        "Killing",
                        format!(
                            "PreStopHook failed: the hook did not finish within the grace period of {grace}s"
                        ),
                    ),
                }
                grace -= started.elapsed().as_secs() as i64;
            }
        }
        grace = grace.max(MINIMUM_GRACE_PERIOD);
        if let Some(g) = grace_override {
            grace = g;
        }
        tracing::info!(container = %target.name, id = %target.id, grace, "stopping container");
        match self
            .cri
            .stop_container(v1::StopContainerRequest {
                container_id: target.id.clone(),
                timeout: grace,
            })
            .await
        {
            Err(error) if !error.is_not_found() => Err(error.into()),
            _ => Ok(()),
        }
    }

    /// Stops every container (preStop, SIGTERM, the grace period, then SIGKILL) and the
    /// sandbox. `pod` is `None` for a pod only CRI still knows.
    pub async fn kill_pod(
        &self,
        pod: Option<&Pod>,
        status: &PodRuntimeStatus,
        grace_period_override: Option<i64>,
    ) -> Result<(), Error> {
        let running: Vec<&v1::ContainerStatus> = status
            .containers
            .iter()
            .filter(|c| {
                c.state == v1::ContainerState::ContainerRunning as i32
                    || c.state == v1::ContainerState::ContainerCreated as i32
                    || c.state == v1::ContainerState::ContainerUnknown as i32
            })
            .collect();
        let pod_ip = status.ips.first().map(String::as_str);
        let is_sidecar = |c: &v1::ContainerStatus| {
            let name = super::pod_status::container_name(c);
            pod.and_then(|p| find_container(p, name))
                .is_some_and(|spec| {
                    is_restartable_init(spec)
                        && pod
                            .and_then(|p| p.spec.as_ref())
                            .and_then(|s| s.init_containers.as_ref())
                            .is_some_and(|inits| inits.iter().any(|i| i.name == spec.name))
                })
        };
        let (sidecars, regular): (Vec<_>, Vec<_>) =
            running.into_iter().partition(|c| is_sidecar(c));
        let mut first_error = None;
        for group in [regular, sidecars] {
            let kills = group.into_iter().map(|c| {
                let name = super::pod_status::container_name(c).to_owned();
                let spec = pod.and_then(|p| find_container(p, &name));
                let target = KillTarget {
                    id: c.id.clone(),
                    name,
                    spec,
                    message: String::new(),
                    probe: None,
                    annotated_grace: c
                        .annotations
                        .get(labels::POD_TERMINATION_GRACE_PERIOD)
                        .and_then(|g| g.parse().ok()),
                };
                self.kill_container(pod, target, pod_ip, grace_period_override)
            });
            for result in join_all(kills).await {
                if let Err(error) = result {
                    first_error.get_or_insert(error);
                }
            }
        }
        if let Some(error) = first_error {
            return Err(error);
        }
        for sandbox in &status.sandboxes {
            if sandbox.state != v1::PodSandboxState::SandboxReady as i32 {
                continue;
            }
            if let Err(error) = self
                .cri
                .stop_pod_sandbox(v1::StopPodSandboxRequest {
                    pod_sandbox_id: sandbox.id.clone(),
                })
                .await
                && !error.is_not_found()
            {
                return Err(error.into());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grace_periods() {
        let mut pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p"},
            "spec": {"terminationGracePeriodSeconds": 5, "containers": [{"name": "a",
                "livenessProbe": {"terminationGracePeriodSeconds": 1}}]}
        }))
        .unwrap();
        let c = pod.spec.as_ref().unwrap().containers[0].clone();
        assert_eq!(grace_period(&pod, Some(&c), None), 5);
        assert_eq!(grace_period(&pod, Some(&c), Some(ProbeKind::Liveness)), 1);
        pod.metadata.deletion_grace_period_seconds = Some(3);
        assert_eq!(grace_period(&pod, Some(&c), None), 3);
    }
}
