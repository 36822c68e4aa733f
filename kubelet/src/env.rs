//! Container environment: `env` (`value`, `valueFrom`) and `envFrom`, as upstream's
//! `makeEnvironmentVariables`. (Skeleton: filled in by the volumes work.)

use k8s_openapi::api::core::v1::{Container, Pod};

use crate::cri::v1::KeyValue;
use crate::object_cache::ObjectCache;

/// Why a container's environment cannot be built; the container waits with reason
/// `CreateContainerConfigError` and this message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct EnvError(pub String);

pub async fn container_env(
    _pod: &Pod,
    container: &Container,
    _pod_ips: &[String],
    _host_ip: Option<&str>,
    _objects: &ObjectCache,
) -> Result<Vec<KeyValue>, EnvError> {
    Ok(container
        .env
        .iter()
        .flatten()
        .map(|var| KeyValue {
            key: var.name.clone(),
            value: var.value.clone().unwrap_or_default(),
        })
        .collect())
}
