//! kube-scheduler: assigns each pending pod to a node, with upstream's scheduling framework and
//! default plugins, talking to the API server only over TLS.
//!
//! # Layout
//!
//! - [`framework`]: the extension points and plugin interfaces, what plugins see of nodes and
//!   pods, and one profile's plugins run in order.
//! - [`plugins`]: upstream's default plugins, one module each, and the registry by name.
//! - [`config`]: `KubeSchedulerConfiguration` and the profiles built from it.
//! - [`cache`]: nodes and the pods on them, including pods assumed while their binding runs.
//! - [`queue`]: the scheduling queue (active, backoff, unschedulable, gated).
//! - [`schedule_one`]: one cycle's algorithm: filter, score, pick a node, or say why none fits.
//! - [`scheduler`]: the loop that pops pods, assumes and binds; [`event_handlers`]: the node
//!   and pod watches feeding cache and queue; [`pod_status`]: events and the `PodScheduled`
//!   condition.
//! - [`metrics`], [`options`] and [`app`]: upstream's metrics and flags, and the wiring `main`
//!   calls (health and metrics server, leader election).

pub mod app;
pub mod cache;
pub mod config;
pub mod event_handlers;
pub mod framework;
pub mod metrics;
pub mod options;
pub mod plugins;
pub mod pod_status;
pub mod preemption;
pub mod queue;
pub mod schedule_one;
pub mod scheduler;
