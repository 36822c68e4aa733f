//! The kubelet's flags and its `KubeletConfiguration` file (`--config`,
//! kubelet.config.k8s.io/v1beta1), with upstream's field names and defaults
//! (`pkg/kubelet/apis/config/v1beta1/defaults.go`). Flags given on the command line override
//! the file, as upstream.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use common::go_duration;
use common::logging::LoggingOptions;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("reading the kubelet config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("decoding the kubelet config file {path}: {message}")]
    Decode { path: PathBuf, message: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// The flags.
#[derive(clap::Parser, Clone, Debug)]
#[command(
    name = "kubelet",
    about = "The kubelet is the primary \"node agent\" that runs on each node. It registers the \
             node with the apiserver and runs the pods bound to it through a CRI runtime.",
    version
)]
pub struct Options {
    /// The Kubelet will load its initial configuration from this file.
    #[arg(long = "config", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Path to a kubeconfig file, specifying how to connect to the API server.
    #[arg(long = "kubeconfig", value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// If non-empty, will use this string as identification instead of the actual hostname.
    #[arg(long = "hostname-override")]
    pub hostname_override: Option<String>,
    /// IP address of the node. If set, the kubelet uses it as the node's InternalIP.
    #[arg(long = "node-ip")]
    pub node_ip: Option<IpAddr>,
    /// Directory path for managing kubelet files (volume mounts, etc).
    #[arg(long = "root-dir", default_value = "/var/lib/kubelet")]
    pub root_dir: PathBuf,
    /// Labels to add when registering the node in the cluster (key=value,...).
    #[arg(long = "node-labels", value_delimiter = ',')]
    pub node_labels: Vec<String>,
    /// Register the node with the apiserver.
    #[arg(long = "register-node", action = clap::ArgAction::Set)]
    pub register_node: Option<bool>,
    /// Taints the node registers with (key=value:Effect,...).
    #[arg(long = "register-with-taints", value_delimiter = ',')]
    pub register_with_taints: Vec<String>,
    /// The endpoint of the remote runtime service (unix:///path/to/socket).
    #[arg(long = "container-runtime-endpoint")]
    pub container_runtime_endpoint: Option<String>,
    /// Path to the directory containing static pod files to run (staticPodPath).
    #[arg(long = "pod-manifest-path")]
    pub pod_manifest_path: Option<PathBuf>,
    /// Folder of OCI image archives (`*.tar`) imported into the runtime at start and whenever
    /// new ones appear: images without a registry. (Not an upstream flag.)
    #[arg(long = "image-import-dir")]
    pub image_import_dir: Option<PathBuf>,
    /// Comma-separated list of DNS server IP addresses for pods with dnsPolicy ClusterFirst.
    #[arg(long = "cluster-dns", value_delimiter = ',')]
    pub cluster_dns: Vec<String>,
    /// Domain for this cluster.
    #[arg(long = "cluster-domain")]
    pub cluster_domain: Option<String>,
    /// The IP address for the Kubelet to serve on.
    #[arg(long = "address")]
    pub address: Option<IpAddr>,
    /// The port for the Kubelet to serve on.
    #[arg(long = "port")]
    pub port: Option<u16>,
    /// The port of the localhost healthz endpoint (0 disables it).
    #[arg(long = "healthz-port")]
    pub healthz_port: Option<u16>,
    /// File containing the x509 certificate for HTTPS.
    #[arg(long = "tls-cert-file")]
    pub tls_cert_file: Option<PathBuf>,
    /// File containing the x509 private key matching --tls-cert-file.
    #[arg(long = "tls-private-key-file")]
    pub tls_private_key_file: Option<PathBuf>,
    /// Clients presenting a certificate signed by this CA are authenticated.
    #[arg(long = "client-ca-file")]
    pub client_ca_file: Option<PathBuf>,
    /// Number of Pods that can run on this Kubelet.
    #[arg(long = "max-pods")]
    pub max_pods: Option<i32>,
    /// Timeout of all runtime requests except long running ones (pull, logs, exec, attach).
    #[arg(long = "runtime-request-timeout", value_parser = go_duration::parse)]
    pub runtime_request_timeout: Option<Duration>,
    /// Optional root cgroup for pods.
    #[arg(long = "cgroup-root")]
    pub cgroup_root: Option<String>,
    /// Makes the Kubelet fail to start if swap is enabled on the node.
    #[arg(long = "fail-swap-on", action = clap::ArgAction::Set)]
    pub fail_swap_on: Option<bool>,
    /// Hard eviction thresholds, e.g. `memory.available<1Gi,nodefs.available<10%`.
    #[arg(long = "eviction-hard")]
    pub eviction_hard: Option<String>,
    #[command(flatten)]
    pub logging: LoggingOptions,
}

/// kubelet.config.k8s.io/v1beta1 `KubeletConfiguration`: the fields this kubelet reads, with
/// upstream's defaults. Unknown fields are ignored, as upstream's lenient decoding does.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KubeletConfiguration {
    pub static_pod_path: Option<PathBuf>,
    #[serde(with = "duration")]
    pub sync_frequency: Duration,
    #[serde(with = "duration")]
    pub file_check_frequency: Duration,
    pub address: IpAddr,
    pub port: u16,
    pub tls_cert_file: Option<PathBuf>,
    pub tls_private_key_file: Option<PathBuf>,
    pub authentication: Authentication,
    pub authorization: Authorization,
    pub healthz_port: u16,
    pub healthz_bind_address: IpAddr,
    pub cluster_domain: String,
    #[serde(rename = "clusterDNS")]
    pub cluster_dns: Vec<String>,
    #[serde(with = "duration")]
    pub node_status_update_frequency: Duration,
    #[serde(with = "duration")]
    pub node_status_report_frequency: Duration,
    pub node_lease_duration_seconds: i32,
    pub cgroup_root: String,
    pub cgroup_driver: String,
    pub cgroups_per_qos: bool,
    pub max_pods: i32,
    pub pod_pids_limit: i64,
    pub resolv_conf: PathBuf,
    #[serde(with = "duration")]
    pub runtime_request_timeout: Duration,
    pub serialize_image_pulls: bool,
    pub container_runtime_endpoint: String,
    pub pod_logs_dir: PathBuf,
    pub register_node: bool,
    pub fail_swap_on: bool,
    /// `None` when the file does not set it: upstream's defaults apply.
    pub eviction_hard: Option<BTreeMap<String, String>>,
    pub merge_default_eviction_settings: bool,
    pub container_log_max_size: String,
    pub container_log_max_files: i32,
    pub event_record_qps: i32,
    pub provider_id: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Authentication {
    pub x509: X509Authentication,
    pub anonymous: AnonymousAuthentication,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct X509Authentication {
    #[serde(rename = "clientCAFile")]
    pub client_ca_file: Option<PathBuf>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AnonymousAuthentication {
    /// v1beta1 defaults anonymous requests to the kubelet's API off.
    pub enabled: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Authorization {
    /// `Webhook` (v1beta1's default) or `AlwaysAllow`.
    pub mode: String,
}

impl Default for Authorization {
    fn default() -> Self {
        Authorization {
            mode: "Webhook".to_owned(),
        }
    }
}

impl Default for KubeletConfiguration {
    fn default() -> Self {
        KubeletConfiguration {
            static_pod_path: None,
            sync_frequency: Duration::from_secs(60),
            file_check_frequency: Duration::from_secs(20),
            address: IpAddr::from([0, 0, 0, 0]),
            port: 10250,
            tls_cert_file: None,
            tls_private_key_file: None,
            authentication: Authentication::default(),
            authorization: Authorization::default(),
            healthz_port: 10248,
            healthz_bind_address: IpAddr::from([127, 0, 0, 1]),
            cluster_domain: String::new(),
            cluster_dns: Vec::new(),
            node_status_update_frequency: Duration::from_secs(10),
            node_status_report_frequency: Duration::from_secs(300),
            node_lease_duration_seconds: 40,
            cgroup_root: String::new(),
            cgroup_driver: "cgroupfs".to_owned(),
            cgroups_per_qos: true,
            max_pods: 110,
            pod_pids_limit: -1,
            resolv_conf: PathBuf::from("/etc/resolv.conf"),
            runtime_request_timeout: Duration::from_secs(120),
            serialize_image_pulls: true,
            container_runtime_endpoint: "unix:///run/containerd/containerd.sock".to_owned(),
            pod_logs_dir: PathBuf::from("/var/log/pods"),
            register_node: true,
            fail_swap_on: true,
            eviction_hard: None,
            merge_default_eviction_settings: false,
            container_log_max_size: "10Mi".to_owned(),
            container_log_max_files: 5,
            event_record_qps: 50,
            provider_id: String::new(),
        }
    }
}

/// Go durations (`1m0s`) in the config file.
mod duration {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(deserializer)?;
        common::go_duration::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Everything the kubelet runs with: the file's configuration with the flags applied, plus the
/// flag-only settings.
#[derive(Clone, Debug)]
pub struct Config {
    pub kubelet: KubeletConfiguration,
    pub kubeconfig: Option<PathBuf>,
    pub node_name: String,
    pub node_ip: Option<IpAddr>,
    pub root_dir: PathBuf,
    pub node_labels: Vec<(String, String)>,
    pub register_with_taints: Vec<String>,
    pub image_import_dir: Option<PathBuf>,
    pub eviction_hard: crate::node::eviction::Thresholds,
}

impl Options {
    /// Reads `--config` (if any) and applies the flags over it.
    pub fn into_config(self) -> Result<Config, Error> {
        let mut kubelet = match &self.config {
            Some(path) => read_config_file(path)?,
            None => KubeletConfiguration::default(),
        };
        if let Some(path) = self.pod_manifest_path {
            kubelet.static_pod_path = Some(path);
        }
        if let Some(endpoint) = self.container_runtime_endpoint {
            kubelet.container_runtime_endpoint = endpoint;
        }
        if !self.cluster_dns.is_empty() {
            kubelet.cluster_dns = self.cluster_dns;
        }
        if let Some(domain) = self.cluster_domain {
            kubelet.cluster_domain = domain;
        }
        if let Some(address) = self.address {
            kubelet.address = address;
        }
        if let Some(port) = self.port {
            kubelet.port = port;
        }
        if let Some(port) = self.healthz_port {
            kubelet.healthz_port = port;
        }
        if self.tls_cert_file.is_some() {
            kubelet.tls_cert_file = self.tls_cert_file;
        }
        if self.tls_private_key_file.is_some() {
            kubelet.tls_private_key_file = self.tls_private_key_file;
        }
        if self.client_ca_file.is_some() {
            kubelet.authentication.x509.client_ca_file = self.client_ca_file;
        }
        if let Some(max_pods) = self.max_pods {
            kubelet.max_pods = max_pods;
        }
        if let Some(timeout) = self.runtime_request_timeout {
            kubelet.runtime_request_timeout = timeout;
        }
        if let Some(root) = self.cgroup_root {
            kubelet.cgroup_root = root;
        }
        if let Some(register) = self.register_node {
            kubelet.register_node = register;
        }
        if let Some(fail) = self.fail_swap_on {
            kubelet.fail_swap_on = fail;
        }
        if let Some(text) = &self.eviction_hard {
            kubelet.eviction_hard =
                Some(crate::node::eviction::parse_flag(text).map_err(Error::Invalid)?);
        }
        let eviction_hard = crate::node::eviction::Thresholds::resolve(
            kubelet.eviction_hard.as_ref(),
            kubelet.merge_default_eviction_settings,
        )
        .map_err(Error::Invalid)?;
        if kubelet.cgroup_driver != "cgroupfs" {
            return Err(Error::Invalid(format!(
                "cgroupDriver {:?} is not supported; only \"cgroupfs\" is",
                kubelet.cgroup_driver
            )));
        }
        if kubelet.max_pods <= 0 {
            return Err(Error::Invalid(format!(
                "maxPods must be positive, not {}",
                kubelet.max_pods
            )));
        }
        let node_labels = self
            .node_labels
            .iter()
            .map(|label| match label.split_once('=') {
                Some((key, value)) => Ok((key.to_owned(), value.to_owned())),
                None => Err(Error::Invalid(format!(
                    "--node-labels: {label:?} is not key=value"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let node_name = node_name(self.hostname_override.as_deref());
        Ok(Config {
            kubelet,
            kubeconfig: self.kubeconfig,
            node_name,
            node_ip: self.node_ip,
            root_dir: self.root_dir,
            node_labels,
            register_with_taints: self.register_with_taints,
            image_import_dir: self.image_import_dir,
            eviction_hard,
        })
    }
}

/// The node name: `--hostname-override`, else the hostname, lowercased as upstream.
fn node_name(hostname_override: Option<&str>) -> String {
    let name = match hostname_override
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        Some(name) => name.to_owned(),
        None => std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|name| name.trim().to_owned())
            .unwrap_or_else(|_| "localhost".to_owned()),
    };
    name.to_lowercase()
}

pub fn read_config_file(path: &Path) -> Result<KubeletConfiguration, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_config(&text).map_err(|message| Error::Decode {
        path: path.to_owned(),
        message,
    })
}

/// Decodes a `KubeletConfiguration` document (YAML or JSON), checking its kind and version.
pub fn parse_config(text: &str) -> Result<KubeletConfiguration, String> {
    common::config_file::decode(
        text,
        "KubeletConfiguration",
        "kubelet.config.k8s.io/v1beta1",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn defaults_are_upstreams() {
        let config =
            parse_config("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n")
                .unwrap();
        assert_eq!(config.port, 10250);
        assert_eq!(config.max_pods, 110);
        assert_eq!(config.sync_frequency, Duration::from_secs(60));
        assert_eq!(config.node_lease_duration_seconds, 40);
        assert_eq!(config.authorization.mode, "Webhook");
        assert!(!config.authentication.anonymous.enabled);
    }

    #[test]
    fn file_fields_and_flag_overrides() {
        let text = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n\
                    staticPodPath: /etc/kubernetes/manifests\nclusterDNS: [10.96.0.10]\n\
                    clusterDomain: cluster.local\nsyncFrequency: 30s\nmaxPods: 50\n\
                    authentication:\n  x509:\n    clientCAFile: /pki/ca.crt\nunknownField: 1\n";
        let config = parse_config(text).unwrap();
        assert_eq!(
            config.static_pod_path,
            Some(PathBuf::from("/etc/kubernetes/manifests"))
        );
        assert_eq!(config.cluster_dns, vec!["10.96.0.10"]);
        assert_eq!(config.sync_frequency, Duration::from_secs(30));
        assert_eq!(
            config.authentication.x509.client_ca_file,
            Some(PathBuf::from("/pki/ca.crt"))
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, text).unwrap();
        let options = Options::parse_from([
            "kubelet",
            "--config",
            path.to_str().unwrap(),
            "--max-pods=20",
            "--hostname-override=Node-A",
            "--node-labels=a=b,c=d",
        ]);
        let config = options.into_config().unwrap();
        assert_eq!(config.kubelet.max_pods, 20);
        assert_eq!(config.kubelet.cluster_domain, "cluster.local");
        assert_eq!(config.node_name, "node-a");
        assert_eq!(
            config.node_labels,
            vec![("a".into(), "b".into()), ("c".into(), "d".into())]
        );
    }

    #[test]
    fn eviction_thresholds_come_from_the_file_and_the_flag() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(
            &path,
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n\
             evictionHard:\n  nodefs.available: \"0%\"\n",
        )
        .unwrap();
        let from_file = Options::parse_from(["kubelet", "--config", path.to_str().unwrap()])
            .into_config()
            .unwrap();
        assert!(!from_file.eviction_hard.crossed("nodefs.available", 0, 100));
        assert!(!from_file.eviction_hard.crossed("memory.available", 0, 100));

        let flag = Options::parse_from([
            "kubelet",
            "--config",
            path.to_str().unwrap(),
            "--eviction-hard=memory.available<1Gi",
        ])
        .into_config()
        .unwrap();
        assert!(
            flag.eviction_hard
                .crossed("memory.available", 1 << 29, 1 << 40)
        );
        assert!(!flag.eviction_hard.crossed("nodefs.available", 0, 100));

        let bad = Options::parse_from(["kubelet", "--eviction-hard=memory.available<lots"])
            .into_config()
            .unwrap_err();
        assert!(bad.to_string().contains("memory.available"), "{bad}");
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(parse_config("kind: Pod\napiVersion: v1\n").is_err());
        assert!(parse_config("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nsyncFrequency: soon\n").is_err());
        assert!(parse_config(": : :").is_err());
    }
}
