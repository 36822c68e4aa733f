//! kube-apiserver's flags, with upstream's names and defaults.

use std::net::IpAddr;
use std::path::PathBuf;

use crate::storage::StorageOptions;

#[derive(clap::Parser, Clone, Debug)]
#[command(name = "kube-apiserver", about = "The Kubernetes API server", version)]
pub struct Options {
    /// The port on which to serve HTTPS with authentication and authorization.
    #[arg(long = "secure-port", default_value_t = 6443)]
    pub secure_port: u16,

    /// The IP address on which to listen for the --secure-port port.
    #[arg(long = "bind-address", default_value = "0.0.0.0")]
    pub bind_address: IpAddr,

    /// The IP address on which to advertise the apiserver to members of the cluster.
    #[arg(long = "advertise-address")]
    pub advertise_address: Option<IpAddr>,

    /// File containing the default x509 certificate for HTTPS. Without it a self-signed
    /// certificate is generated under --cert-dir.
    #[arg(long = "tls-cert-file")]
    pub tls_cert_file: Option<PathBuf>,

    /// File containing the default x509 private key matching --tls-cert-file.
    #[arg(long = "tls-private-key-file")]
    pub tls_private_key_file: Option<PathBuf>,

    /// The directory where generated TLS certificates are written.
    #[arg(long = "cert-dir", default_value = "/var/run/kubernetes")]
    pub cert_dir: PathBuf,

    /// If set, any request presenting a client certificate signed by one of the authorities in
    /// this file is authenticated with an identity corresponding to the CommonName of the
    /// client certificate.
    #[arg(long = "client-ca-file")]
    pub client_ca_file: Option<PathBuf>,

    /// If set, the file that will be used to secure the secure port of the API server via
    /// token authentication.
    #[arg(long = "token-auth-file")]
    pub token_auth_file: Option<PathBuf>,

    /// Enables anonymous requests to /healthz, /livez, /readyz and /version.
    #[arg(long = "anonymous-auth", default_value_t = true, action = clap::ArgAction::Set)]
    pub anonymous_auth: bool,

    /// The maximum number of non-mutating requests in flight at a given time. When the server
    /// exceeds this, it rejects requests. Zero for no limit.
    #[arg(long = "max-requests-inflight", default_value_t = 400)]
    pub max_requests_inflight: usize,

    /// The maximum number of mutating requests in flight at a given time. When the server
    /// exceeds this, it rejects requests. Zero for no limit.
    #[arg(long = "max-mutating-requests-inflight", default_value_t = 200)]
    pub max_mutating_requests_inflight: usize,

    /// An optional field indicating the duration a handler must keep a request open before
    /// timing it out. This is the default request timeout for requests but may be overridden
    /// by flags such as --min-request-timeout for specific types of requests.
    #[arg(long = "request-timeout", default_value = "1m0s", value_parser = common::go_duration::parse)]
    pub request_timeout: std::time::Duration,

    /// Enable watch caching in the apiserver.
    #[arg(long = "watch-cache", default_value_t = true, action = clap::ArgAction::Set)]
    pub watch_cache: bool,

    /// Ordered list of plug-ins to do authorization on secure port. Only AlwaysAllow for now.
    #[arg(long = "authorization-mode", default_value = "AlwaysAllow")]
    pub authorization_mode: String,

    /// A CIDR notation IP range from which to assign service cluster IPs.
    #[arg(long = "service-cluster-ip-range", default_value = "10.96.0.0/12")]
    pub service_cluster_ip_range: String,

    /// A port range to reserve for services with NodePort visibility.
    #[arg(long = "service-node-port-range", default_value = "30000-32767")]
    pub service_node_port_range: String,

    /// Path to a client cert file for TLS (presented to kubelets).
    #[arg(long = "kubelet-client-certificate")]
    pub kubelet_client_certificate: Option<PathBuf>,

    /// Path to a client key file for TLS (presented to kubelets).
    #[arg(long = "kubelet-client-key")]
    pub kubelet_client_key: Option<PathBuf>,

    /// Path to a cert file for the certificate authority (verifies kubelets' serving
    /// certificates; without it they are not verified).
    #[arg(long = "kubelet-certificate-authority")]
    pub kubelet_certificate_authority: Option<PathBuf>,

    #[command(flatten)]
    pub storage: StorageOptions,

    #[command(flatten)]
    pub logging: common::logging::LoggingOptions,
}
