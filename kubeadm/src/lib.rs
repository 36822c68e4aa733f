//! kubeadm: bootstraps a cluster.
//!
//! # Layout
//!
//! - [`pki`]: the cluster CA, the API server's serving certificate and the client certificates
//!   of the admin and the daemons, written under the data dir like kubeadm's `/etc/kubernetes/pki`.
//! - [`up`]: `kubeadm up`: every daemon as a local child process on this machine, stopped
//!   together on Ctrl-C or SIGTERM.
//! - [`images`]: the images the project builds (pause, busybox) as OCI archives, for
//!   machines without a registry (`kubeadm images build`).
//! - [`containerd`]: a private containerd (config, CNI template, child process) for a node's
//!   data dir, used by `kubeadm up`'s nodes, the tests and the benchmarks.
//! - [`node`]: `kubeadm up`'s node: containerd, the images, and a kubelet with its identity,
//!   serving certificate and `KubeletConfiguration`; [`kube_proxy`]: its kube-proxy.
//! - [`join`]: `kubeadm join`: one more node (containerd, kubelet, kube-proxy) for the
//!   cluster `kubeadm up` runs on this machine, usually inside a network namespace.

pub mod containerd;
pub mod images;
pub mod join;
pub mod kube_proxy;
pub mod node;
pub mod pki;
pub mod up;
