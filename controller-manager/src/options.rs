//! kube-controller-manager's flags, with upstream's names and defaults
//! (`cmd/kube-controller-manager/app/options`).

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use common::go_duration;
use common::kubeconfig::KubeconfigOptions;
use common::leader_election::LeaderElectionOptions;
use common::logging::LoggingOptions;

/// The flags.
#[derive(clap::Parser, Clone, Debug)]
#[command(
    name = "kube-controller-manager",
    about = "The Kubernetes controller manager is a daemon that embeds the core control loops \
             shipped with Kubernetes.",
    version
)]
pub struct Options {
    /// A list of controllers to enable. '*' enables all on-by-default controllers, 'foo'
    /// enables the controller named 'foo', '-foo' disables the controller named 'foo'.
    #[arg(long = "controllers", value_delimiter = ',', default_value = "*")]
    pub controllers: Vec<String>,
    /// The port on which to serve HTTPS with authentication and authorization (/healthz,
    /// /metrics).
    #[arg(long = "secure-port", default_value_t = 10257)]
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

    /// The number of deployment objects that are allowed to sync concurrently.
    #[arg(long = "concurrent-deployment-syncs", default_value_t = 5)]
    pub concurrent_deployment_syncs: usize,
    /// The number of replica sets that are allowed to sync concurrently.
    #[arg(long = "concurrent-replicaset-syncs", default_value_t = 5)]
    pub concurrent_replicaset_syncs: usize,
    /// The number of replication controllers that are allowed to sync concurrently.
    #[arg(long = "concurrent-rc-syncs", default_value_t = 5)]
    pub concurrent_rc_syncs: usize,
    /// The number of statefulset objects that are allowed to sync concurrently.
    #[arg(long = "concurrent-statefulset-syncs", default_value_t = 5)]
    pub concurrent_statefulset_syncs: usize,
    /// The number of daemonset objects that are allowed to sync concurrently.
    #[arg(long = "concurrent-daemonset-syncs", default_value_t = 2)]
    pub concurrent_daemonset_syncs: usize,
    /// The number of job objects that are allowed to sync concurrently.
    #[arg(long = "concurrent-job-syncs", default_value_t = 5)]
    pub concurrent_job_syncs: usize,
    /// The number of cron job objects that are allowed to sync concurrently.
    #[arg(long = "concurrent-cron-job-syncs", default_value_t = 5)]
    pub concurrent_cron_job_syncs: usize,
    /// The number of TTL-after-finished controller workers that are allowed to sync
    /// concurrently.
    #[arg(long = "concurrent-ttl-after-finished-syncs", default_value_t = 5)]
    pub concurrent_ttl_after_finished_syncs: usize,
    /// The number of endpoint syncing operations that will be done concurrently.
    #[arg(long = "concurrent-endpoint-syncs", default_value_t = 5)]
    pub concurrent_endpoint_syncs: usize,
    /// The number of service endpoint syncing operations that will be done concurrently.
    #[arg(long = "concurrent-service-endpoint-syncs", default_value_t = 5)]
    pub concurrent_service_endpoint_syncs: usize,
    /// The number of service endpoint syncing operations that will be done concurrently by the
    /// endpointslice-mirroring-controller.
    #[arg(
        long = "mirroring-concurrent-service-endpoint-syncs",
        default_value_t = 5
    )]
    pub mirroring_concurrent_service_endpoint_syncs: usize,
    /// The maximum number of endpoints that will be added to an EndpointSlice by the
    /// endpointslice-mirroring-controller.
    #[arg(long = "mirroring-max-endpoints-per-subset", default_value_t = 1000)]
    pub mirroring_max_endpoints_per_subset: usize,
    /// The maximum number of endpoints that will be added to an EndpointSlice.
    #[arg(long = "max-endpoints-per-slice", default_value_t = 100)]
    pub max_endpoints_per_slice: usize,
    /// The number of services that are allowed to sync concurrently. Larger number = more
    /// responsive service management, but more CPU (and network) load.
    #[arg(long = "concurrent-service-syncs", default_value_t = 1)]
    pub concurrent_service_syncs: usize,
    /// The number of namespace objects that are allowed to sync concurrently.
    #[arg(long = "concurrent-namespace-syncs", default_value_t = 10)]
    pub concurrent_namespace_syncs: usize,
    /// The number of garbage collector workers that are allowed to sync concurrently.
    #[arg(long = "concurrent-gc-syncs", default_value_t = 20)]
    pub concurrent_gc_syncs: usize,
    /// Enables the generic garbage collector.
    #[arg(long = "enable-garbage-collector", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub enable_garbage_collector: bool,
    /// The number of service account objects that are allowed to sync concurrently.
    #[arg(long = "concurrent-serviceaccount-token-syncs", default_value_t = 5)]
    pub concurrent_serviceaccount_token_syncs: usize,
    /// The number of resource quotas that are allowed to sync concurrently.
    #[arg(long = "concurrent-resource-quota-syncs", default_value_t = 5)]
    pub concurrent_resource_quota_syncs: usize,
    /// The period for syncing quota usage status in the system.
    #[arg(long = "resource-quota-sync-period", default_value = "5m", value_parser = go_duration::parse)]
    pub resource_quota_sync_period: Duration,
    /// The period for syncing namespace life-cycle updates.
    #[arg(long = "namespace-sync-period", default_value = "5m", value_parser = go_duration::parse)]
    pub namespace_sync_period: Duration,
    /// The period for syncing persistent volumes and persistent volume claims.
    #[arg(long = "pvclaimbinder-sync-period", default_value = "15s", value_parser = go_duration::parse)]
    pub pvclaimbinder_sync_period: Duration,
    /// Enable dynamic provisioning for environments that support it.
    #[arg(long = "enable-dynamic-provisioning", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub enable_dynamic_provisioning: bool,
    /// Number of terminated pods that can exist before the terminated pod garbage collector
    /// starts deleting terminated pods. If <= 0, the terminated pod garbage collector is
    /// disabled.
    #[arg(long = "terminated-pod-gc-threshold", default_value_t = 12500)]
    pub terminated_pod_gc_threshold: i64,

    /// Should CIDRs for Pods be allocated and set on the cloud provider.
    #[arg(long = "allocate-node-cidrs", default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub allocate_node_cidrs: bool,
    /// CIDR Range for Pods in cluster (comma-separated for dual stack).
    #[arg(long = "cluster-cidr", default_value = "")]
    pub cluster_cidr: String,
    /// Mask size for node cidr in cluster. Default is 24 for IPv4 and 64 for IPv6.
    #[arg(long = "node-cidr-mask-size")]
    pub node_cidr_mask_size: Option<u8>,
    /// Mask size for IPv4 node cidr in dual-stack cluster. Default is 24.
    #[arg(long = "node-cidr-mask-size-ipv4")]
    pub node_cidr_mask_size_ipv4: Option<u8>,
    /// Mask size for IPv6 node cidr in dual-stack cluster. Default is 64.
    #[arg(long = "node-cidr-mask-size-ipv6")]
    pub node_cidr_mask_size_ipv6: Option<u8>,
    /// CIDR Range for Services in cluster, excluded from pod CIDRs.
    #[arg(long = "service-cluster-ip-range", default_value = "")]
    pub service_cluster_ip_range: String,

    /// The period for syncing NodeStatus in the node lifecycle controller.
    #[arg(long = "node-monitor-period", default_value = "5s", value_parser = go_duration::parse)]
    pub node_monitor_period: Duration,
    /// Amount of time which we allow running Node to be unresponsive before marking it
    /// unhealthy.
    #[arg(long = "node-monitor-grace-period", default_value = "50s", value_parser = go_duration::parse)]
    pub node_monitor_grace_period: Duration,
    /// Amount of time which we allow starting Node to be unresponsive before marking it
    /// unhealthy.
    #[arg(long = "node-startup-grace-period", default_value = "1m", value_parser = go_duration::parse)]
    pub node_startup_grace_period: Duration,
    /// Number of nodes per second on which pods are deleted in case of node failure when a
    /// zone is healthy.
    #[arg(long = "node-eviction-rate", default_value_t = 0.1)]
    pub node_eviction_rate: f64,
    /// Number of nodes per second on which pods are deleted in case of node failure when a
    /// zone is unhealthy.
    #[arg(long = "secondary-node-eviction-rate", default_value_t = 0.01)]
    pub secondary_node_eviction_rate: f64,
    /// Number of nodes from which node-lifecycle-controller treats the cluster as large for
    /// the eviction logic purposes.
    #[arg(long = "large-cluster-size-threshold", default_value_t = 50)]
    pub large_cluster_size_threshold: i32,
    /// Fraction of Nodes in a zone which needs to be not Ready (minimum 3) for zone to be
    /// treated as unhealthy.
    #[arg(long = "unhealthy-zone-threshold", default_value_t = 0.55)]
    pub unhealthy_zone_threshold: f64,

    /// QPS to use while talking with kubernetes apiserver (accepted for compatibility; the
    /// client does not throttle, see the README).
    #[arg(long = "kube-api-qps", default_value_t = 20.0)]
    pub kube_api_qps: f32,
    /// Burst to use while talking with kubernetes apiserver (accepted for compatibility).
    #[arg(long = "kube-api-burst", default_value_t = 30)]
    pub kube_api_burst: u32,

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

impl Options {
    /// The defaults, as if no flag were given; for tests.
    pub fn defaults() -> Self {
        <Self as clap::Parser>::parse_from(["kube-controller-manager"])
    }
}
