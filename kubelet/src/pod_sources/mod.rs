//! Where pods come from (upstream's `pkg/kubelet/config`): the API server ([`api`], pods whose
//! `spec.nodeName` is this node) and the manifest folder ([`static_pods`]), plus the mirror
//! pods that show static pods in the API ([`mirror_pods`]). Each source replaces its pods in the
//! [`PodManager`](crate::pod_manager::PodManager) and wakes the workers of what changed.

pub mod api;
pub mod mirror_pods;
pub mod static_pods;
