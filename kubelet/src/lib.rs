//! kubelet: runs the pods bound to its node in a CRI runtime and reports them to the API
//! server over TLS.
//!
//! # Layout
//!
//! - [`options`]: flags and the `KubeletConfiguration` file.
//! - [`cri`]: the CRI v1 gRPC client (runtime and image services) over a unix socket.
//! - [`runtime`]: sandboxes and containers in CRI for a pod (upstream's `kuberuntime`):
//!   what to start, restart and kill, back-off, hooks, and the pod status CRI implies.
//! - [`pod_manager`]: the pods assigned to this node, from every source.
//! - [`volumes`]: pod volumes on the host; [`object_cache`]: the ConfigMaps and Secrets pods
//!   reference; [`env`]: container environments; [`downward_api`]: pod fields and container
//!   resources as strings, for both; [`service_env`]: the service variables.
//! - [`probes`]: liveness, readiness and startup probes, and lifecycle-hook handlers.
//! - [`server`]: the HTTPS API on 10250 (logs, exec, attach, port-forward, stats).
//! - [`images`]: importing image archives without a registry.

pub mod cri;
pub mod downward_api;
pub mod env;
pub mod images;
pub mod object_cache;
pub mod options;
pub mod pod_manager;
pub mod probes;
pub mod runtime;
pub mod server;
pub mod service_env;
pub mod volumes;
