//! Runs one probe of a container and reports it (upstream `prober/prober.go`): the handler
//! by mechanism (exec, httpGet, tcpSocket, grpc), up to three attempts while the handler
//! errors, and the `Unhealthy` / `ProbeWarning` events on the container.

use std::time::Duration;

use async_trait::async_trait;
use k8s_openapi::api::core::v1::{Container, ObjectReference, Pod, PodStatus, Probe as ProbeSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::results::ProbeResult;
use super::{ProbeKind, exec, grpc, http, tcp};
use crate::cri::RuntimeClient;
use common::events::EventRecorder;

/// Upstream `maxProbeRetries`: attempts while the handler errors (not while it fails).
const MAX_PROBE_RETRIES: usize = 3;

/// What a probe mechanism concluded (upstream `probe.Result`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Success,
    /// A success worth an event (an HTTP redirect to another host).
    Warning,
    Failure,
    Unknown,
}

impl Outcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Warning => "warning",
            Outcome::Failure => "failure",
            Outcome::Unknown => "unknown",
        }
    }
}

/// One attempt: the outcome, its output (the event text), and the handler's error, if any.
pub(crate) type Attempt = (Outcome, String, Option<String>);

/// Runs a container's probe of one kind. `Err` (with the error text) means the probe could not
/// run; the worker then ignores the attempt.
#[async_trait]
pub(crate) trait Probe: Send + Sync {
    async fn probe(
        &self,
        kind: ProbeKind,
        pod: &Pod,
        status: &PodStatus,
        container: &Container,
        container_id: &str,
    ) -> Result<ProbeResult, String>;
}

pub(crate) struct Prober {
    cri: RuntimeClient,
    events: EventRecorder,
}

impl Prober {
    pub(crate) fn new(cri: RuntimeClient, events: EventRecorder) -> Self {
        Prober { cri, events }
    }

    async fn run_probe(
        &self,
        spec: &ProbeSpec,
        pod: &Pod,
        status: &PodStatus,
        container: &Container,
        container_id: &str,
    ) -> Attempt {
        let timeout = Duration::from_secs(spec.timeout_seconds.unwrap_or(1).max(1) as u64);
        let pod_ip = status.pod_ip.as_deref().unwrap_or_default();
        if let Some(action) = &spec.exec {
            let command =
                exec::expand_static(action.command.as_deref().unwrap_or_default(), container);
            return exec::probe(&self.cri, container_id, command, timeout).await;
        }
        if let Some(action) = &spec.http_get {
            return match http::request_for_action(action, container, pod_ip, "probe") {
                Ok(request) => http::probe(&request, timeout).await,
                Err(error) => (Outcome::Unknown, String::new(), Some(error)),
            };
        }
        if let Some(action) = &spec.tcp_socket {
            let port = match resolve_port(&action.port, container) {
                Ok(port) => port,
                Err(error) => return (Outcome::Unknown, String::new(), Some(error)),
            };
            let host = action
                .host
                .as_deref()
                .filter(|h| !h.is_empty())
                .unwrap_or(pod_ip);
            let (outcome, output) = tcp::probe(host, port, timeout).await;
            return (outcome, output, None);
        }
        if let Some(action) = &spec.grpc {
            let Ok(port) = u16::try_from(action.port) else {
                return (
                    Outcome::Unknown,
                    String::new(),
                    Some(format!("invalid port number: {}", action.port)),
                );
            };
            let service = action.service.as_deref().unwrap_or_default();
            let (outcome, output) = grpc::probe(pod_ip, port, service, timeout).await;
            return (outcome, output, None);
        }
        (
            Outcome::Unknown,
            String::new(),
            Some(format!(
                "missing probe handler for {}:{}",
                pod_desc(pod),
                container.name
            )),
        )
    }

    fn event(&self, pod: &Pod, container: &Container, reason: &str, note: String) {
        self.events.warning(
            container_reference(pod, &container.name),
            reason,
            "Probe",
            note,
        );
    }
}

#[async_trait]
impl Probe for Prober {
    async fn probe(
        &self,
        kind: ProbeKind,
        pod: &Pod,
        status: &PodStatus,
        container: &Container,
        container_id: &str,
    ) -> Result<ProbeResult, String> {
        let Some(spec) = kind.spec(container) else {
            return Ok(ProbeResult::Success);
        };
        let mut attempt = (Outcome::Unknown, String::new(), None);
        for _ in 0..MAX_PROBE_RETRIES {
            attempt = self
                .run_probe(spec, pod, status, container, container_id)
                .await;
            if attempt.2.is_none() {
                break;
            }
        }
        let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
        if let Some((reason, note)) = event_for(kind, &attempt) {
            tracing::debug!(pod = pod_name, container = %container.name, %kind, reason, %note, "probe did not succeed");
            self.event(pod, container, reason, note);
        }
        match attempt {
            (_, _, Some(error)) => Err(error),
            (Outcome::Success | Outcome::Warning, _, None) => Ok(ProbeResult::Success),
            (Outcome::Failure | Outcome::Unknown, _, None) => Ok(ProbeResult::Failure),
        }
    }
}

/// The event (reason, message) a probe attempt records on its container, if any.
pub(crate) fn event_for(kind: ProbeKind, attempt: &Attempt) -> Option<(&'static str, String)> {
    match attempt {
        (outcome, _, Some(error)) => Some((
            "Unhealthy",
            format!(
                "{kind} probe errored and resulted in {} state: {error}",
                outcome.as_str()
            ),
        )),
        (Outcome::Success, _, None) => None,
        (Outcome::Warning, output, None) => {
            Some(("ProbeWarning", format!("{kind} probe warning: {output}")))
        }
        (Outcome::Failure | Outcome::Unknown, output, None) => {
            Some(("Unhealthy", format!("{kind} probe failed: {output}")))
        }
    }
}

/// Upstream `format.Pod`: `name_namespace(uid)`.
pub(crate) fn pod_desc(pod: &Pod) -> String {
    format!(
        "{}_{}({})",
        pod.metadata.name.as_deref().unwrap_or_default(),
        pod.metadata.namespace.as_deref().unwrap_or_default(),
        pod.metadata.uid.as_deref().unwrap_or_default()
    )
}

/// The pod's reference with the container's field path (`spec.containers{NAME}`,
/// `spec.initContainers{NAME}` or `spec.ephemeralContainers{NAME}`), as upstream's
/// `GenerateContainerRef`.
pub(crate) fn container_reference(pod: &Pod, container: &str) -> ObjectReference {
    let mut reference = common::events::reference_of(pod);
    let spec = pod.spec.as_ref();
    let has =
        |list: Option<&Vec<Container>>| list.is_some_and(|l| l.iter().any(|c| c.name == container));
    reference.field_path = if has(spec.map(|s| &s.containers)) {
        Some(format!("spec.containers{{{container}}}"))
    } else if has(spec.and_then(|s| s.init_containers.as_ref())) {
        Some(format!("spec.initContainers{{{container}}}"))
    } else if spec
        .and_then(|s| s.ephemeral_containers.as_ref())
        .is_some_and(|l| l.iter().any(|c| c.name == container))
    {
        Some(format!("spec.ephemeralContainers{{{container}}}"))
    } else {
        None
    };
    reference
}

/// A probe's port: a number, or the name of one of the container's ports (upstream
/// `ResolveContainerPort`, including its error texts).
pub(crate) fn resolve_port(port: &IntOrString, container: &Container) -> Result<u16, String> {
    let number = match port {
        IntOrString::Int(number) => i64::from(*number),
        IntOrString::String(name) => {
            let named = container
                .ports
                .iter()
                .flatten()
                .find(|p| p.name.as_deref() == Some(name.as_str()));
            match named {
                Some(p) => i64::from(p.container_port),
                None => name
                    .parse::<i64>()
                    .map_err(|_| format!("strconv.Atoi: parsing {name:?}: invalid syntax"))?,
            }
        }
    };
    match u16::try_from(number) {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(format!("invalid port number: {number}")),
    }
}

/// A duration as Go prints it (`1s`, `1m30s`).
pub(crate) fn go_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match (seconds / 3600, seconds / 60 % 60, seconds % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ContainerPort, PodSpec};

    #[test]
    fn events() {
        let failed = (
            Outcome::Failure,
            "HTTP probe failed with statuscode: 500".into(),
            None,
        );
        assert_eq!(
            event_for(ProbeKind::Liveness, &failed),
            Some((
                "Unhealthy",
                "Liveness probe failed: HTTP probe failed with statuscode: 500".into()
            ))
        );
        let errored = (
            Outcome::Unknown,
            String::new(),
            Some("strconv.Atoi: parsing \"http\": invalid syntax".to_owned()),
        );
        assert_eq!(
            event_for(ProbeKind::Readiness, &errored).unwrap().1,
            "Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing \"http\": invalid syntax"
        );
        let warned = (
            Outcome::Warning,
            "Probe terminated redirects, Response body: x".into(),
            None,
        );
        assert_eq!(
            event_for(ProbeKind::Startup, &warned),
            Some((
                "ProbeWarning",
                "Startup probe warning: Probe terminated redirects, Response body: x".into()
            ))
        );
        assert_eq!(
            event_for(ProbeKind::Startup, &(Outcome::Success, "ok".into(), None)),
            None
        );
    }

    #[test]
    fn references_and_ports() {
        let app = Container {
            name: "app".into(),
            ports: Some(vec![ContainerPort {
                name: Some("web".into()),
                container_port: 80,
                ..Default::default()
            }]),
            ..Default::default()
        };
        let pod = Pod {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                name: Some("p".into()),
                namespace: Some("ns".into()),
                uid: Some("u".into()),
                ..Default::default()
            },
            spec: Some(PodSpec {
                containers: vec![app.clone()],
                init_containers: Some(vec![Container {
                    name: "sidecar".into(),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let reference = container_reference(&pod, "app");
        assert_eq!(reference.kind.as_deref(), Some("Pod"));
        assert_eq!(
            reference.field_path.as_deref(),
            Some("spec.containers{app}")
        );
        assert_eq!(
            container_reference(&pod, "sidecar").field_path.as_deref(),
            Some("spec.initContainers{sidecar}")
        );
        assert_eq!(pod_desc(&pod), "p_ns(u)");
        assert_eq!(
            resolve_port(&IntOrString::String("web".into()), &app),
            Ok(80)
        );
        assert_eq!(
            resolve_port(&IntOrString::Int(0), &app),
            Err("invalid port number: 0".into())
        );
    }
}
