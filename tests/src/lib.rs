//! Tests that run the real parts: real etcd processes now; the real daemons, containerd and
//! kubectl as the issues that need them land.
//!
//! # Layout
//!
//! - [`apiserver`]: a real kube-apiserver in-process over TLS, with an admin kubeconfig.
//! - [`kubectl`]: run the installed kubectl binaries (default and versioned).
//! - [`etcd`]: start, SIGKILL and restart a private etcd server on loopback ports.
//! - [`storage`]: open either storage backend for a test, on a fresh store or a shared etcd.
//! - `tests/storage_conformance.rs`: the storage contract suite on both backends.
//! - `tests/storage_durability.rs`: acknowledged writes survive SIGKILL, on both backends.
//! - `tests/apiserver_kube_rs.rs`: the API server driven by kube-rs.
//! - `tests/apiserver_kubectl.rs`: the API server driven by real kubectl (1.27, 1.32, 1.33).

pub mod apiserver;
pub mod etcd;
pub mod kubectl;
pub mod storage;
