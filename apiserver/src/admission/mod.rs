//! Admission: the checks upstream's admission plugins make on a request after authorization and
//! before it reaches the registry.
//!
//! - [`namespace_lifecycle`]: NamespaceLifecycle (no content in missing or terminating
//!   namespaces; the system namespaces may not be deleted).
//! - [`priority`]: Priority (a pod's priority and preemption policy from its PriorityClass;
//!   the system classes).

pub mod namespace_lifecycle;
pub mod priority;
