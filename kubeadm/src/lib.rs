//! kubeadm: bootstraps a cluster.
//!
//! # Layout
//!
//! - [`pki`]: the cluster CA, the API server's serving certificate and the client certificates
//!   of the admin and the daemons, written under the data dir like kubeadm's `/etc/kubernetes/pki`.
//! - [`up`]: `kubeadm up`: every daemon as a local child process on this machine, stopped
//!   together on Ctrl-C or SIGTERM.

pub mod pki;
pub mod up;
