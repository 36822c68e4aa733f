//! kube-controller-manager: upstream's control loops, each a separate controller over shared
//! watches, talking to the API server only over TLS.
//!
//! # Layout
//!
//! - [`controllers`]: one folder per upstream controller (`deployment/`, `replicaset/`, …), each
//!   with its `sync(key)`, and the table `--controllers` selects from.
//! - [`informers`]: one watch per resource type shared by every controller, with caches
//!   indexed by namespace (listers).
//! - [`workqueue`]: the per-controller queue: deduplication, delays, rate-limited retries,
//!   upstream's `workqueue_*` metrics.
//! - [`controller`]: the `Reconcile` trait and the workers that drain a queue into it.
//! - [`events`]: events sent asynchronously, behind upstream's spam filter.
//! - What the workload controllers share (upstream's `controller_utils.go`):
//!   [`controller_ref`] (owner references, adoption and release), [`expectations`] (creates
//!   and deletes in flight), [`pod_control`] (pods from templates, slow-start batches, events)
//!   and [`active_pods`] (active/ready/available pods, scale-down order).
//! - [`controller_revisions`]: revision history in ControllerRevisions (upstream's
//!   `controller/history`), shared by the StatefulSet and DaemonSet controllers.
//! - [`options`] and [`app`]: upstream's flags, and the wiring `main` calls (health and
//!   metrics server, leader election, starting the enabled controllers).

pub mod active_pods;
pub mod app;
pub mod controller;
pub mod controller_ref;
pub mod controller_revisions;
pub mod controllers;
pub mod expectations;
pub mod informers;
pub mod options;
pub mod pod_control;
pub mod workqueue;

/// Events come from `common`, shared with the kubelet.
pub use common::events;
