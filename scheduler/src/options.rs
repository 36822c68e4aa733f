//! kube-scheduler's flags, with upstream's names and defaults (`cmd/kube-scheduler/app/options`).

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use common::kubeconfig::KubeconfigOptions;
use common::leader_election::LeaderElectionOptions;
use common::logging::LoggingOptions;

/// The flags.
#[derive(clap::Parser, Clone, Debug)]
#[command(
    name = "kube-scheduler",
    about = "The Kubernetes scheduler is a control plane process which assigns Pods to Nodes.",
    version
)]
pub struct Options {
    /// The path to the configuration file (KubeSchedulerConfiguration).
    #[arg(long = "config", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The port on which to serve HTTPS with authentication and authorization (/healthz,
    /// /readyz, /livez, /metrics).
    #[arg(long = "secure-port", default_value_t = 10259)]
    pub secure_port: u16,
    /// The IP address on which to listen for the --secure-port port.
    #[arg(long = "bind-address", default_value_t = IpAddr::V4(Ipv4Addr::UNSPECIFIED))]
    pub bind_address: IpAddr,
    /// File containing the default x509 Certificate for HTTPS. If neither this nor
    /// --tls-private-key-file is given, a self-signed certificate is generated in memory.
    #[arg(long = "tls-cert-file", value_name = "PATH")]
    pub tls_cert_file: Option<PathBuf>,
    /// File containing the default x509 private key matching --tls-cert-file.
    #[arg(long = "tls-private-key-file", value_name = "PATH")]
    pub tls_private_key_file: Option<PathBuf>,
    /// The client flags.
    #[command(flatten)]
    pub client: KubeconfigOptions,
    /// Leader election.
    #[command(flatten)]
    pub leader_election: LeaderElectionOptions,
    /// Logging.
    #[command(flatten)]
    pub logging: LoggingOptions,
}
