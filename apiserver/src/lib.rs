//! kube-apiserver: the only door to the cluster, and the only daemon that touches storage.
//!
//! # Layout
//!
//! - [`storage`]: the storage contract with etcd v3 semantics, its two backends (`embedded`, the
//!   default, and `etcd`), the watch cache in front of them, API-server-driven compaction, and
//!   the storage flags.
//! - [`registry`]: the built-in resources and the per-resource rules (selectors, ...).
//! - [`endpoints`]: the HTTP side: the request handler, discovery, resource verbs, errors as
//!   `metav1.Status`, patches.
//! - [`auth`]: authentication (client certificates, tokens) and authorization.
//! - [`admission`]: upstream's admission checks (NamespaceLifecycle).
//! - [`apiextensions`]: CustomResourceDefinitions and serving the resources they define.
//! - [`options`] and [`app`]: the flags, and the wiring `main` calls.

pub mod admission;
pub mod apiextensions;
pub mod app;
pub mod auth;
pub mod endpoints;
pub mod options;
pub mod registry;
pub mod storage;

#[cfg(test)]
mod testing;
