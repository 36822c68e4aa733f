//! The kubelet's HTTPS server on 10250: `/healthz`, `/pods`, `/metrics`, `/stats/summary`,
//! `/containerLogs`, and `/exec`, `/attach`, `/portForward` through CRI's streaming server.
//! (Skeleton: filled in by the server work.)

use crate::cri::RuntimeClient;
use crate::options::Config;
use crate::pod_manager::PodManager;
use common::shutdown::Shutdown;

/// Starts the kubelet server (placeholder until the server lands).
pub async fn start(
    _config: &Config,
    _cri: RuntimeClient,
    _pods: PodManager,
    _registry: prometheus::Registry,
    _shutdown: Shutdown,
) -> anyhow::Result<()> {
    Ok(())
}
