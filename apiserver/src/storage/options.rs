//! The storage flags of kube-apiserver, with upstream's names, and opening the chosen backend.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::embedded::{EmbeddedOptions, EmbeddedStore};
use super::etcd::{EtcdOptions, EtcdStore};
use super::{Result, Storage};

#[derive(clap::Args, Clone, Debug)]
pub struct StorageOptions {
    /// etcd servers to connect with (scheme://ip:port), comma separated. Without any, the API
    /// server keeps its state in the embedded store under --data-dir.
    #[arg(long = "etcd-servers", value_delimiter = ',')]
    pub etcd_servers: Vec<String>,

    /// SSL Certificate Authority file used to secure etcd communication.
    #[arg(long = "etcd-cafile")]
    pub etcd_cafile: Option<PathBuf>,

    /// SSL certification file used to secure etcd communication.
    #[arg(long = "etcd-certfile")]
    pub etcd_certfile: Option<PathBuf>,

    /// SSL key file used to secure etcd communication.
    #[arg(long = "etcd-keyfile")]
    pub etcd_keyfile: Option<PathBuf>,

    /// The interval of compaction requests. If 0, compaction from the API server is disabled.
    #[arg(long = "etcd-compaction-interval", default_value = "5m", value_parser = common::go_duration::parse)]
    pub etcd_compaction_interval: Duration,

    /// Folder of the embedded store, used when no --etcd-servers are given.
    #[arg(long = "data-dir", default_value = "/var/lib/kube-apiserver")]
    pub data_dir: PathBuf,
}

/// Which backend the flags select.
#[derive(Clone, Debug)]
pub enum StorageBackend {
    Embedded(EmbeddedOptions),
    Etcd(EtcdOptions),
}

impl StorageOptions {
    pub fn backend(&self) -> StorageBackend {
        if self.etcd_servers.is_empty() {
            StorageBackend::Embedded(EmbeddedOptions::new(&self.data_dir))
        } else {
            let mut etcd = EtcdOptions::new(self.etcd_servers.clone());
            etcd.ca_file = self.etcd_cafile.clone();
            etcd.cert_file = self.etcd_certfile.clone();
            etcd.key_file = self.etcd_keyfile.clone();
            StorageBackend::Etcd(etcd)
        }
    }
}

impl StorageBackend {
    /// Opens the backend. A corrupt embedded store fails here; an unreachable etcd does not
    /// (it is reported by the storage health check until it answers).
    pub async fn open(self) -> Result<Arc<dyn Storage>> {
        Ok(match self {
            StorageBackend::Embedded(options) => Arc::new(EmbeddedStore::open(options).await?),
            StorageBackend::Etcd(options) => Arc::new(EtcdStore::connect(options).await?),
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        storage: StorageOptions,
    }

    #[test]
    fn flags_select_the_backend_like_upstream() {
        let flags = Flags::parse_from(["kube-apiserver"]);
        assert!(matches!(
            flags.storage.backend(),
            StorageBackend::Embedded(_)
        ));
        assert_eq!(
            flags.storage.etcd_compaction_interval,
            Duration::from_secs(300)
        );

        let flags = Flags::parse_from([
            "kube-apiserver",
            "--etcd-servers=https://10.0.0.1:2379,https://10.0.0.2:2379",
            "--etcd-cafile=/pki/etcd/ca.crt",
            "--etcd-compaction-interval=1m30s",
        ]);
        let StorageBackend::Etcd(etcd) = flags.storage.backend() else {
            panic!("etcd servers select the etcd backend");
        };
        assert_eq!(etcd.endpoints.len(), 2);
        assert_eq!(etcd.ca_file, Some(PathBuf::from("/pki/etcd/ca.crt")));
        assert_eq!(
            flags.storage.etcd_compaction_interval,
            Duration::from_secs(90)
        );
    }
}
