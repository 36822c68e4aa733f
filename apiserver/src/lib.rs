//! kube-apiserver: the only door to the cluster, and the only daemon that touches storage.
//!
//! # Layout
//!
//! - [`storage`]: the storage contract with etcd v3 semantics, its two backends (`embedded`, the
//!   default, and `etcd`), API-server-driven compaction, and the storage flags.
//!
//! The REST and watch API (`registry/`, `endpoints/`, `auth/`, `admission/`) is built on top
//! of this in the following issues.

pub mod storage;
