//! Tests that run the real parts: real etcd processes, real kubectl, the real scheduler and
//! controller-manager binaries with hollow nodes in place of kubelets; containerd as the issues
//! that need it land.
//!
//! # Layout
//!
//! - [`apiserver`]: a real kube-apiserver in-process over TLS, with an admin kubeconfig.
//! - [`kubectl`]: run the installed kubectl binaries (default and versioned).
//! - [`containerd`]: a private containerd with the project's images imported and a pod
//!   network, torn down completely on drop.
//! - [`local_cluster`]: `kubeadm up` in a temp dir: a whole cluster with containerd and a
//!   kubelet running real pods.
//! - [`service_client`]: HTTP GETs to a Service from the host or from a pod, answered by
//!   pods that serve their hostname.
//! - [`etcd`]: start, SIGKILL and restart a private etcd server on loopback ports.
//! - [`storage`]: open either storage backend for a test, on a fresh store or a shared etcd.
//! - [`daemons`]: the real kube-scheduler and kube-controller-manager binaries as child
//!   processes against a test API server.
//! - [`hollow_nodes`]: simulated nodes (kubemark's hollow nodes, kwok's fake nodes): Node
//!   objects, Lease heartbeats and pod status as kubelets would write them, without
//!   containers; also the `hollow-nodes` binary (`src/bin/hollow-nodes.rs`).
//! - `tests/containerd.rs`: the test containerd starts, imports, runs a pod and cleans up.
//! - `tests/storage_conformance.rs`: the storage contract suite on both backends.
//! - `tests/storage_durability.rs`: acknowledged writes survive SIGKILL, on both backends.
//! - `tests/apiserver_kube_rs.rs`: the API server driven by kube-rs.
//! - `tests/apiserver_kubectl.rs`: the API server driven by real kubectl (1.27, 1.32, 1.33).
//! - `tests/cluster_hollow_nodes.rs`: scheduler and controller-manager processes with hollow
//!   nodes: pods are scheduled and run.
//! - `benches/hollow_cluster.rs`: kwok's benchmark shape: nodes Ready, pods Running, against
//!   the API server's raw create rate.

pub mod apiserver;
pub mod containerd;
pub mod daemons;
pub mod etcd;
pub mod hollow_nodes;
pub mod kubectl;
pub mod local_cluster;
pub mod service_client;
pub mod storage;
