//! Finding a pod's sandbox and containers in CRI for the server's endpoints, by the labels
//! the kubelet puts on them ([`crate::runtime::labels`]), and `/containerLogs`.
//!
//! The log endpoint picks the container instance as upstream's `validateContainerLogStatus`
//! does from the pod status, but reads the instances from CRI (which never lags): the newest
//! instance (highest restart count) for the current log, the one before it for `previous`.
//! When CRI has no instance, the pod's status explains why, with upstream's messages
//! (`container "x" in pod "y" is waiting to start: ContainerCreating`).

use std::path::PathBuf;

use bytes::Bytes;
use http::StatusCode;
use k8s_openapi::api::core::v1::Pod;
use tokio::sync::mpsc;

use super::logs::{self, LogOptions, RunningCheck};
use super::{HttpError, ServerState};
use crate::cri::{RuntimeClient, v1};
use crate::runtime::labels;

fn selector(namespace: &str, pod: &str, container: Option<&str>) -> v1::ContainerFilter {
    let mut labels = std::collections::HashMap::from([
        (labels::POD_NAMESPACE.to_owned(), namespace.to_owned()),
        (labels::POD_NAME.to_owned(), pod.to_owned()),
    ]);
    if let Some(container) = container {
        labels.insert(labels::CONTAINER_NAME.to_owned(), container.to_owned());
    }
    v1::ContainerFilter {
        label_selector: labels,
        ..Default::default()
    }
}

fn restart_count(container: &v1::Container) -> i64 {
    container
        .annotations
        .get(labels::CONTAINER_RESTART_COUNT)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Every CRI instance of container `name` of pod `namespace/pod`, newest first. With
/// `pod_uid`, only the pod with that UID.
pub async fn container_instances(
    cri: &RuntimeClient,
    namespace: &str,
    pod: &str,
    pod_uid: Option<&str>,
    name: &str,
) -> Result<Vec<v1::Container>, HttpError> {
    let mut filter = selector(namespace, pod, Some(name));
    if let Some(uid) = pod_uid {
        filter
            .label_selector
            .insert(labels::POD_UID.to_owned(), uid.to_owned());
    }
    let mut containers = cri
        .list_containers(v1::ListContainersRequest {
            filter: Some(filter),
        })
        .await
        .map_err(HttpError::cri)?
        .containers;
    containers.sort_by_key(|c| std::cmp::Reverse((restart_count(c), c.created_at)));
    Ok(containers)
}

/// The running instance of a container, for exec and attach (upstream's `findContainer`).
pub async fn running_container(
    cri: &RuntimeClient,
    namespace: &str,
    pod: &str,
    pod_uid: Option<&str>,
    name: &str,
) -> Result<v1::Container, HttpError> {
    container_instances(cri, namespace, pod, pod_uid, name)
        .await?
        .into_iter()
        .find(|c| c.state == v1::ContainerState::ContainerRunning as i32)
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("container not found ({name:?})"),
            )
        })
}

/// The ready sandbox of a pod, for port forwarding.
pub async fn ready_sandbox(
    cri: &RuntimeClient,
    namespace: &str,
    pod: &str,
    pod_uid: Option<&str>,
) -> Result<v1::PodSandbox, HttpError> {
    let mut labels = std::collections::HashMap::from([
        (labels::POD_NAMESPACE.to_owned(), namespace.to_owned()),
        (labels::POD_NAME.to_owned(), pod.to_owned()),
    ]);
    if let Some(uid) = pod_uid {
        labels.insert(labels::POD_UID.to_owned(), uid.to_owned());
    }
    let mut sandboxes = cri
        .list_pod_sandbox(v1::ListPodSandboxRequest {
            filter: Some(v1::PodSandboxFilter {
                state: Some(v1::PodSandboxStateValue {
                    state: v1::PodSandboxState::SandboxReady as i32,
                }),
                label_selector: labels,
                ..Default::default()
            }),
        })
        .await
        .map_err(HttpError::cri)?
        .items;
    sandboxes.sort_by_key(|s| std::cmp::Reverse(s.created_at));
    sandboxes.into_iter().next().ok_or_else(|| {
        HttpError::new(
            StatusCode::NOT_FOUND,
            format!("pod not found (\"{pod}_{namespace}\")"),
        )
    })
}

/// Whether the pod's spec has a container (regular, init or ephemeral) called `name`.
pub fn pod_has_container(pod: &Pod, name: &str) -> bool {
    let Some(spec) = pod.spec.as_ref() else {
        return false;
    };
    spec.containers.iter().any(|c| c.name == name)
        || spec
            .init_containers
            .iter()
            .flatten()
            .any(|c| c.name == name)
        || spec
            .ephemeral_containers
            .iter()
            .flatten()
            .any(|c| c.name == name)
}

/// Why a container has no log yet, from the pod's status (upstream's messages).
fn no_log_reason(pod: &Pod, pod_name: &str, name: &str, previous: bool) -> String {
    if previous {
        return format!("previous terminated container {name:?} in pod {pod_name:?} not found");
    }
    let status = pod.status.as_ref().and_then(|s| {
        s.container_statuses
            .iter()
            .flatten()
            .chain(s.init_container_statuses.iter().flatten())
            .chain(s.ephemeral_container_statuses.iter().flatten())
            .find(|c| c.name == name)
    });
    let Some(status) = status else {
        return format!(
            "container {name:?} in pod {pod_name:?} is waiting to start: ContainerCreating"
        );
    };
    let state = status.state.as_ref();
    if state.is_some_and(|s| s.terminated.is_some()) {
        return format!("container {name:?} in pod {pod_name:?} is terminated");
    }
    match state
        .and_then(|s| s.waiting.as_ref())
        .and_then(|w| w.reason.as_deref())
    {
        Some("ErrImagePull") => {
            format!(
                "container {name:?} in pod {pod_name:?} is waiting to start: image can't be pulled"
            )
        }
        Some("ImagePullBackOff") => format!(
            "container {name:?} in pod {pod_name:?} is waiting to start: trying and failing to pull image"
        ),
        Some(reason) => {
            format!("container {name:?} in pod {pod_name:?} is waiting to start: {reason}")
        }
        None => format!("container {name:?} in pod {pod_name:?} is waiting to start - no logs yet"),
    }
}

/// Checks a container's state through CRI while its log is followed.
struct CriRunning {
    cri: RuntimeClient,
    id: String,
}

impl RunningCheck for CriRunning {
    async fn is_running(&mut self) -> bool {
        match self
            .cri
            .container_status(v1::ContainerStatusRequest {
                container_id: self.id.clone(),
                verbose: false,
            })
            .await
        {
            Ok(status) => status
                .status
                .is_some_and(|s| s.state == v1::ContainerState::ContainerRunning as i32),
            Err(_) => false,
        }
    }
}

/// `/containerLogs/{namespace}/{pod}/{container}`: the log as a stream of text chunks.
pub async fn container_logs(
    state: &ServerState,
    namespace: &str,
    pod_name: &str,
    container: &str,
    query: &str,
) -> Result<mpsc::Receiver<Bytes>, HttpError> {
    let options = LogOptions::from_query(query, jiff::Timestamp::now())
        .map_err(|e| HttpError::new(StatusCode::BAD_REQUEST, e))?;
    let pod = state.pods.pod_by_name(namespace, pod_name).ok_or_else(|| {
        HttpError::new(
            StatusCode::NOT_FOUND,
            format!("pod {pod_name:?} does not exist"),
        )
    })?;
    if !pod_has_container(&pod, container) {
        return Err(HttpError::new(
            StatusCode::NOT_FOUND,
            format!("container {container:?} not found in pod {pod_name:?}"),
        ));
    }
    let uid = pod.metadata.uid.as_deref();
    let instances = container_instances(&state.cri, namespace, pod_name, uid, container).await?;
    let chosen = if options.previous {
        instances.get(1)
    } else {
        instances.first()
    };
    let Some(chosen) = chosen else {
        return Err(HttpError::new(
            StatusCode::BAD_REQUEST,
            no_log_reason(&pod, pod_name, container, options.previous),
        ));
    };
    let status = state
        .cri
        .container_status(v1::ContainerStatusRequest {
            container_id: chosen.id.clone(),
            verbose: false,
        })
        .await
        .map_err(HttpError::cri)?
        .status
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("container {container:?} in pod {pod_name:?} has no status"),
            )
        })?;
    let path = PathBuf::from(&status.log_path);
    if status.log_path.is_empty() {
        return Err(HttpError::new(
            StatusCode::BAD_REQUEST,
            format!("container {container:?} in pod {pod_name:?} has no log path"),
        ));
    }
    // A container that is not running has nothing more to follow.
    let options = LogOptions {
        follow: options.follow && status.state == v1::ContainerState::ContainerRunning as i32,
        ..options
    };
    let (tx, rx) = mpsc::channel(16);
    let running = CriRunning {
        cri: state.cri.clone(),
        id: chosen.id.clone(),
    };
    let file = path.clone();
    // Open errors are reported before the response starts.
    tokio::fs::metadata(&file).await.map_err(|e| {
        HttpError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "failed to open log file {:?}: {e}",
                file.display().to_string()
            ),
        )
    })?;
    tokio::spawn(async move {
        if let Err(e) = logs::stream_logs(path, options, running, tx).await {
            tracing::warn!(path = %file.display(), error = %e, "reading a container log");
        }
    });
    Ok(rx)
}
