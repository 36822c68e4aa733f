//! Storage backends for tests.
//!
//! The etcd backend uses the etcd named by `ETCD_ENDPOINTS` when it is set (CI starts one), and
//! otherwise a private etcd started for the test. Cases sharing one etcd take [`gate`]: shared
//! for ordinary cases, exclusive for the ones that compact the whole store.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Result;
use apiserver::storage::Storage;
use apiserver::storage::cacher::{CacheMetrics, CachedResource, Cacher, DEFAULT_EVENT_WINDOW};
use apiserver::storage::embedded::{EmbeddedOptions, EmbeddedStore};
use apiserver::storage::etcd::{EtcdOptions, EtcdStore};
use tokio::sync::RwLock;

use crate::etcd::EtcdServer;

/// Serializes whole-store compactions against the other cases on a shared etcd.
pub static GATE: RwLock<()> = RwLock::const_new(());

/// A store under test, and what must live as long as it.
pub struct TestStore {
    pub store: Arc<dyn Storage>,
    _etcd: Option<EtcdServer>,
    _dir: Option<tempfile::TempDir>,
    prefix_root: String,
}

static NEXT: AtomicU64 = AtomicU64::new(0);

impl TestStore {
    /// A fresh embedded store in a temporary folder.
    pub async fn embedded() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let store = EmbeddedStore::open(EmbeddedOptions::new(dir.path())).await?;
        Ok(TestStore {
            store: Arc::new(store),
            _etcd: None,
            _dir: Some(dir),
            prefix_root: "/registry".into(),
        })
    }

    /// The etcd backend: the shared etcd of `ETCD_ENDPOINTS`, or a private one.
    pub async fn etcd() -> Result<Self> {
        let (endpoints, server) = match std::env::var("ETCD_ENDPOINTS") {
            Ok(endpoints) if !endpoints.is_empty() => {
                (endpoints.split(',').map(str::to_owned).collect(), None)
            }
            _ => {
                let server = EtcdServer::start()?;
                (vec![server.endpoint()], Some(server))
            }
        };
        let store = EtcdStore::connect(EtcdOptions::new(endpoints)).await?;
        Ok(TestStore {
            store: Arc::new(store),
            _etcd: server,
            _dir: None,
            prefix_root: format!("/conformance-{}", std::process::id()),
        })
    }

    /// The store behind a watch cache for `prefix`, once the cache has loaded.
    pub async fn watch_cache(&self, prefix: &str) -> Result<Arc<dyn Storage>> {
        let resource = CachedResource {
            group: String::new(),
            resource: "conformance".into(),
        };
        let cacher = Cacher::new(
            self.store.clone(),
            prefix.to_owned(),
            resource,
            DEFAULT_EVENT_WINDOW,
            CacheMetrics::unregistered(),
        );
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while !cacher.is_ready() {
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "the watch cache did not load"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        Ok(Arc::new(cacher))
    }

    /// A key prefix no other case uses, ending in `/`.
    pub fn prefix(&self, case: &str) -> String {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        format!("{}/{case}-{n}/", self.prefix_root)
    }
}
