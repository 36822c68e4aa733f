//! Admission: the checks upstream's admission plugins make on a request after authorization and
//! before it reaches the registry.
//!
//! - [`namespace_lifecycle`]: NamespaceLifecycle (no content in missing or terminating
//!   namespaces; the system namespaces may not be deleted).

pub mod namespace_lifecycle;
