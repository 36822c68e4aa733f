//! kubelet: runs the pods bound to its node in a CRI runtime and reports them to the API
//! server over TLS.
//!
//! # Layout
//!
//! - [`options`]: flags and the `KubeletConfiguration` file; [`app`]: the wiring `main` calls.
//! - [`cri`]: the CRI v1 gRPC client (runtime and image services) over a unix socket.
//! - [`node`]: Node registration, status heartbeat, Lease, pod CIDR to the runtime.
//! - [`pod_sources`]: pods from the API server (this node's), static pods from the manifest
//!   folder, and their mirror pods; [`pod_manager`]: the pods from every source.
//! - [`pod_workers`]: one worker per pod: sync, terminate, clean up; [`pleg`]: wakes workers
//!   when CRI state changes; [`status_manager`]: pod status to the API server, only on change.
//! - [`runtime`]: sandboxes and containers in CRI for a pod (upstream's `kuberuntime`):
//!   what to start, restart and kill, back-off, hooks, and the pod status CRI implies.
//! - [`volumes`]: pod volumes on the host; [`object_cache`]: the ConfigMaps and Secrets pods
//!   reference; [`env`]: container environments; [`downward_api`]: pod fields and container
//!   resources as strings, for both; [`service_env`]: the service variables.
//! - [`probes`]: liveness, readiness and startup probes, and lifecycle-hook handlers.
//! - [`server`]: the HTTPS API on 10250 (logs, exec, attach, port-forward, stats).
//! - [`images`]: importing image archives without a registry.

pub mod app;
pub mod cri;
pub mod downward_api;
pub mod env;
pub mod images;
pub mod node;
pub mod object_cache;
pub mod options;
pub mod pleg;
pub mod pod_manager;
pub mod pod_sources;
pub mod pod_workers;
pub mod probes;
pub mod runtime;
pub mod server;
pub mod service_env;
pub mod status_manager;
pub mod volumes;
