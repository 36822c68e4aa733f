//! What every daemon of the distribution needs.
//!
//! # Layout
//!
//! - [`allocator`]: when the daemons' allocator returns freed memory; [`glibc_memcpy`]: keeping
//!   glibc's `memcpy` off its slow path on AMD processors.
//! - [`logging`]: `--v` / `--logging-format` flags and the `tracing` subscriber.
//! - [`metrics`]: the Prometheus registry passed down from `main`, and its text encoder.
//! - [`health`]: named `/healthz`, `/livez` and `/readyz` checks, rendered like upstream.
//! - [`serving`]: the HTTPS server for `/metrics` and the health endpoints;
//!   [`write_coalescing`]: its HTTP/2 frames joined into large TLS records.
//! - [`proxy`]: the upgrade-aware HTTP/1.1 reverse proxy (kubelet streaming, API server to
//!   kubelet), as upstream's `upgradeaware.go`.
//! - [`shutdown`]: the clonable graceful-shutdown handle (SIGTERM/SIGINT or manual).
//! - [`tls`]: PEM loading and rustls server/client configurations (ring provider).
//! - [`pki`]: kubeadm-shaped CA, serving and client certificates on rcgen.
//! - [`kubeconfig`]: `--kubeconfig` flags, `kube::Client` from a kubeconfig, and writing one;
//!   [`api_client`]: that client over HTTP/2, as client-go.
//! - [`events`]: Kubernetes events sent asynchronously behind upstream's spam filter.
//! - [`leader_election`]: leader election on `coordination.k8s.io/v1` Leases.
//! - [`go_duration`]: parsing of Go-style duration flags (`15s`, `1m30s`).
//! - [`quantity`]: `resource.Quantity` parsing, comparison and canonical printing;
//!   [`persistent_volumes`]: classes, modes, sizes and binding annotations of volumes and
//!   claims, shared by the PV controller and the scheduler.
//! - [`label_selector`]: `metav1.LabelSelector` parsing with upstream's messages, and matching;
//!   [`name_validation`]: upstream's name checks (qualified names, label values, DNS-1123).

pub mod allocator;
pub mod api_client;
pub mod config_file;
pub mod events;
pub mod glibc_memcpy;
pub mod go_duration;
pub mod health;
pub mod kubeconfig;
pub mod label_selector;
pub mod leader_election;
pub mod logging;
pub mod metrics;
pub mod name_validation;
pub mod persistent_volumes;
pub mod pki;
pub mod proxy;
pub mod quantity;
pub mod serving;
pub mod shutdown;
pub mod tls;
pub mod write_coalescing;
