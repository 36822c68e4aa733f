//! Flags and the `KubeProxyConfiguration` file (kubeproxy.config.k8s.io/v1alpha1), with
//! upstream's defaults; flags given on the command line override the file, as upstream's
//! `--config` handling does for the flags it still honours.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use ipnet::Ipv4Net;
use serde::Deserialize;

use common::logging::LoggingOptions;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("decoding {path}: {message}")]
    Decode { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// `kube-proxy` flags.
#[derive(Parser, Clone, Debug)]
#[command(
    name = "kube-proxy",
    about = "The Kubernetes network proxy runs on each node."
)]
pub struct Options {
    /// The path to the configuration file.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Path to kubeconfig file with authorization information.
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// Which proxy mode to use: 'nftables' (default) or 'iptables'.
    #[arg(long = "proxy-mode")]
    pub proxy_mode: Option<String>,
    /// If non-empty, will be used as the name of the Node that kube-proxy is running on.
    #[arg(long = "hostname-override")]
    pub hostname_override: Option<String>,
    /// The CIDR range of the pods in the cluster; traffic from outside it to a cluster IP is
    /// masqueraded.
    #[arg(long = "cluster-cidr")]
    pub cluster_cidr: Option<String>,
    /// A list of CIDR ranges that contain valid node IPs (or "primary"); node ports answer on
    /// node IPs in them.
    #[arg(long = "nodeport-addresses", value_delimiter = ',')]
    pub nodeport_addresses: Vec<String>,
    /// SNAT all traffic sent via Service cluster IPs.
    #[arg(long = "masquerade-all", action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub masquerade_all: Option<bool>,
    /// The bit of the fwmark space to mark packets requiring SNAT with. Must be within [0, 31].
    #[arg(long = "iptables-masquerade-bit")]
    pub masquerade_bit: Option<i32>,
    /// The minimum period between iptables rule resyncs.
    #[arg(long = "iptables-min-sync-period", value_parser = parse_duration)]
    pub iptables_min_sync_period: Option<Duration>,
    /// An interval how often various re-synchronizing and cleanup operations are performed.
    #[arg(long = "iptables-sync-period", value_parser = parse_duration)]
    pub iptables_sync_period: Option<Duration>,
    /// The minimum period between nftables rule resyncs.
    #[arg(long = "nftables-min-sync-period", value_parser = parse_duration)]
    pub nftables_min_sync_period: Option<Duration>,
    /// An interval how often various re-synchronizing and cleanup operations are performed.
    #[arg(long = "nftables-sync-period", value_parser = parse_duration)]
    pub nftables_sync_period: Option<Duration>,
    /// The IP address and port for the health check server to serve on.
    #[arg(long = "healthz-bind-address")]
    pub healthz_bind_address: Option<String>,
    /// The IP address and port for the metrics server to serve on.
    #[arg(long = "metrics-bind-address")]
    pub metrics_bind_address: Option<String>,
    /// If true cleanup iptables and nftables rules and exit.
    #[arg(long, default_value_t = false)]
    pub cleanup: bool,
    #[command(flatten)]
    pub logging: LoggingOptions,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    common::go_duration::parse(text).map_err(|error| error.to_string())
}

/// The proxy modes this build implements (IPVS is not in these machines' kernels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyMode {
    Iptables,
    Nftables,
}

/// kubeproxy.config.k8s.io/v1alpha1 `KubeProxyConfiguration`: the fields this proxy reads.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KubeProxyConfiguration {
    pub client_connection: ClientConnection,
    pub hostname_override: String,
    pub mode: String,
    #[serde(rename = "clusterCIDR")]
    pub cluster_cidr: String,
    pub node_port_addresses: Vec<String>,
    pub healthz_bind_address: String,
    pub metrics_bind_address: String,
    pub iptables: RuleSyncConfiguration,
    pub nftables: RuleSyncConfiguration,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientConnection {
    pub kubeconfig: String,
}

/// The `iptables` and `nftables` sections.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuleSyncConfiguration {
    pub masquerade_all: Option<bool>,
    pub masquerade_bit: Option<i32>,
    pub sync_period: Option<String>,
    pub min_sync_period: Option<String>,
}

/// Everything kube-proxy runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub kubeconfig: Option<PathBuf>,
    pub mode: ProxyMode,
    pub hostname_override: Option<String>,
    pub cluster_cidr: Option<Ipv4Net>,
    /// `--nodeport-addresses` CIDRs; "primary" is resolved against the node's addresses.
    pub nodeport_addresses: Vec<String>,
    pub masquerade_all: bool,
    pub masquerade_bit: u8,
    pub sync_period: Duration,
    pub min_sync_period: Duration,
    pub healthz_bind_address: Option<SocketAddr>,
    pub metrics_bind_address: Option<SocketAddr>,
}

/// Upstream's defaults.
pub const DEFAULT_SYNC_PERIOD: Duration = Duration::from_secs(30);
pub const DEFAULT_MIN_SYNC_PERIOD: Duration = Duration::from_secs(1);
pub const DEFAULT_HEALTHZ_BIND_ADDRESS: &str = "0.0.0.0:10256";
pub const DEFAULT_METRICS_BIND_ADDRESS: &str = "127.0.0.1:10249";

/// `0.0.0.0:10256`, or an address without a port (upstream keeps the default port then);
/// an empty value or port 0 disables the server.
fn bind_address(text: &str, default_port: u16) -> Result<Option<SocketAddr>, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let address = match text.parse::<SocketAddr>() {
        Ok(address) => address,
        Err(_) => match text.parse::<std::net::IpAddr>() {
            Ok(ip) => SocketAddr::new(ip, default_port),
            Err(_) => return Err(Error::Invalid(format!("invalid bind address {text:?}"))),
        },
    };
    Ok((address.port() != 0).then_some(address))
}

impl Options {
    /// Reads `--config` (if any) and applies the flags over it.
    pub fn into_config(self) -> Result<Config, Error> {
        let file = match &self.config {
            Some(path) => read_config_file(path)?,
            None => KubeProxyConfiguration::default(),
        };
        let mode_text = self.proxy_mode.clone().unwrap_or_else(|| file.mode.clone());
        let mode = match mode_text.as_str() {
            "iptables" => ProxyMode::Iptables,
            // This distribution's default (upstream 1.34 still defaults to iptables).
            "" | "nftables" => ProxyMode::Nftables,
            "ipvs" => {
                return Err(Error::Invalid(
                    "proxy mode \"ipvs\" is not supported: the kernels this runs on have no IPVS"
                        .into(),
                ));
            }
            other => {
                return Err(Error::Invalid(format!(
                    "invalid proxy mode {other:?}: must be \"iptables\" or \"nftables\""
                )));
            }
        };
        let section = match mode {
            ProxyMode::Iptables => &file.iptables,
            ProxyMode::Nftables => &file.nftables,
        };
        let file_duration =
            |text: &Option<String>, what: &str| -> Result<Option<Duration>, Error> {
                text.as_deref()
                    .map(|t| {
                        common::go_duration::parse(t)
                            .map_err(|e| Error::Invalid(format!("{what}: {e}")))
                    })
                    .transpose()
            };
        let (flag_sync, flag_min) = match mode {
            ProxyMode::Iptables => (self.iptables_sync_period, self.iptables_min_sync_period),
            ProxyMode::Nftables => (self.nftables_sync_period, self.nftables_min_sync_period),
        };
        let sync_period = flag_sync
            .or(file_duration(&section.sync_period, "syncPeriod")?)
            .unwrap_or(DEFAULT_SYNC_PERIOD);
        let min_sync_period = flag_min
            .or(file_duration(&section.min_sync_period, "minSyncPeriod")?)
            .unwrap_or(DEFAULT_MIN_SYNC_PERIOD);
        if sync_period.is_zero() {
            return Err(Error::Invalid("syncPeriod must be greater than 0".into()));
        }
        let masquerade_bit = self.masquerade_bit.or(section.masquerade_bit).unwrap_or(14);
        if !(0..=31).contains(&masquerade_bit) {
            return Err(Error::Invalid(format!(
                "masqueradeBit must be within [0, 31], not {masquerade_bit}"
            )));
        }
        let cluster_cidr_text = self.cluster_cidr.clone().unwrap_or(file.cluster_cidr);
        let cluster_cidr = cluster_cidr_text
            .split(',')
            .map(str::trim)
            .filter(|cidr| !cidr.is_empty())
            .find_map(|cidr| cidr.parse::<Ipv4Net>().ok().map(|net| net.trunc()));
        if !cluster_cidr_text.trim().is_empty() && cluster_cidr.is_none() {
            let any_v6 = cluster_cidr_text
                .split(',')
                .any(|c| c.trim().parse::<ipnet::Ipv6Net>().is_ok());
            if !any_v6 {
                return Err(Error::Invalid(format!(
                    "invalid --cluster-cidr {cluster_cidr_text:?}"
                )));
            }
        }
        let nodeport_addresses = if self.nodeport_addresses.is_empty() {
            file.node_port_addresses
        } else {
            self.nodeport_addresses
        };
        for entry in &nodeport_addresses {
            if entry != "primary" && entry.parse::<ipnet::IpNet>().is_err() {
                return Err(Error::Invalid(format!(
                    "invalid --nodeport-addresses entry {entry:?}: must be a CIDR or \"primary\""
                )));
            }
        }
        let healthz = self
            .healthz_bind_address
            .or_else(|| {
                (!file.healthz_bind_address.is_empty()).then_some(file.healthz_bind_address)
            })
            .unwrap_or_else(|| DEFAULT_HEALTHZ_BIND_ADDRESS.to_owned());
        let metrics = self
            .metrics_bind_address
            .or_else(|| {
                (!file.metrics_bind_address.is_empty()).then_some(file.metrics_bind_address)
            })
            .unwrap_or_else(|| DEFAULT_METRICS_BIND_ADDRESS.to_owned());
        let kubeconfig = self.kubeconfig.or_else(|| {
            (!file.client_connection.kubeconfig.is_empty())
                .then(|| PathBuf::from(&file.client_connection.kubeconfig))
        });
        let hostname_override = self
            .hostname_override
            .or_else(|| (!file.hostname_override.is_empty()).then_some(file.hostname_override));
        Ok(Config {
            kubeconfig,
            mode,
            hostname_override,
            cluster_cidr,
            nodeport_addresses,
            masquerade_all: self
                .masquerade_all
                .or(section.masquerade_all)
                .unwrap_or(false),
            masquerade_bit: masquerade_bit as u8,
            sync_period,
            min_sync_period,
            healthz_bind_address: bind_address(&healthz, 10256)?,
            metrics_bind_address: bind_address(&metrics, 10249)?,
        })
    }
}

pub fn read_config_file(path: &Path) -> Result<KubeProxyConfiguration, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_config(&text).map_err(|message| Error::Decode {
        path: path.to_owned(),
        message,
    })
}

/// Decodes a `KubeProxyConfiguration` (YAML or JSON), checking its kind and version.
pub fn parse_config(text: &str) -> Result<KubeProxyConfiguration, String> {
    common::config_file::decode(
        text,
        "KubeProxyConfiguration",
        "kubeproxy.config.k8s.io/v1alpha1",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_upstreams() {
        let config = Options::parse_from(["kube-proxy"]).into_config().unwrap();
        assert_eq!(config.mode, ProxyMode::Nftables);
        assert_eq!(config.sync_period, Duration::from_secs(30));
        assert_eq!(config.min_sync_period, Duration::from_secs(1));
        assert_eq!(config.masquerade_bit, 14);
        assert_eq!(
            config.healthz_bind_address,
            Some("0.0.0.0:10256".parse().unwrap())
        );
        assert_eq!(
            config.metrics_bind_address,
            Some("127.0.0.1:10249".parse().unwrap())
        );
    }

    #[test]
    fn the_file_is_read_and_flags_win() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(
            &path,
            "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n\
             mode: nftables\nclusterCIDR: 10.244.0.0/16\nnftables:\n  minSyncPeriod: 2s\n\
             clientConnection:\n  kubeconfig: /etc/kube-proxy.conf\n",
        )
        .unwrap();
        let config = Options::parse_from(["kube-proxy", "--config", path.to_str().unwrap()])
            .into_config()
            .unwrap();
        assert_eq!(config.mode, ProxyMode::Nftables);
        assert_eq!(config.cluster_cidr, Some("10.244.0.0/16".parse().unwrap()));
        assert_eq!(config.min_sync_period, Duration::from_secs(2));
        assert_eq!(
            config.kubeconfig,
            Some(PathBuf::from("/etc/kube-proxy.conf"))
        );

        let flags = Options::parse_from([
            "kube-proxy",
            "--config",
            path.to_str().unwrap(),
            "--proxy-mode=iptables",
            "--masquerade-all",
        ])
        .into_config()
        .unwrap();
        assert_eq!(flags.mode, ProxyMode::Iptables);
        assert!(flags.masquerade_all);
    }

    #[test]
    fn bad_values_are_refused() {
        for args in [
            vec!["kube-proxy", "--proxy-mode=ipvs"],
            vec!["kube-proxy", "--proxy-mode=userspace"],
            vec!["kube-proxy", "--iptables-masquerade-bit=40"],
            vec!["kube-proxy", "--cluster-cidr=banana"],
            vec!["kube-proxy", "--nodeport-addresses=10.0.0.0/33"],
        ] {
            assert!(
                Options::parse_from(args.clone()).into_config().is_err(),
                "{args:?}"
            );
        }
        assert!(parse_config("kind: Pod\napiVersion: v1\n").is_err());
    }
}
