//! The iptables backend (`--proxy-mode=iptables`): upstream's `pkg/proxy/iptables`.
//!
//! - [`names`]: chain names (`KUBE-SVC-<hash>` …) and the top-level chains;
//! - [`rules`]: one sync's `iptables-restore` input (`syncProxyRules`);
//! - [`runner`]: the iptables tools, the jump rules, cleanup (`CleanupLeftovers`);
//! - [`IptablesProxier`]: syncs a [`ProxyState`], skipping the restore when nothing changed
//!   and, like upstream, rewriting only the per-service chains of changed Services between
//!   full syncs (a full sync every hour, at start, after a failure and when large-cluster
//!   mode flips).

pub mod names;
pub mod rules;
pub mod runner;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::model::{NodeSettings, ProxyState};

pub use rules::{BuildOptions, Built, Features, Restore, build, build_with};
pub use runner::Iptables;

/// Upstream's `proxyutil.FullSyncPeriod`: partial syncs fall back to a full one this often.
pub const FULL_SYNC_PERIOD: Duration = Duration::from_secs(3600);

/// A failure running the iptables tools.
#[derive(Debug, thiserror::Error)]
pub enum IptablesError {
    #[error("running {command}: {source}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error("{command} failed (exit {status:?}): {stderr}")]
    Failed {
        command: String,
        status: Option<i32>,
        stderr: String,
    },
}

/// What a [`IptablesProxier::sync`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncResult {
    /// Every chain was written (otherwise only changed Services' chains).
    pub full: bool,
    /// Rules were restored (false: the state had not changed, nothing ran).
    pub changed: bool,
}

/// Keeps a node's iptables in step with the [`ProxyState`].
#[derive(Debug)]
pub struct IptablesProxier {
    node: NodeSettings,
    iptables: Iptables,
    /// Host features; change before the first sync.
    pub features: Features,
    /// The state of the last successful sync.
    last: Option<ProxyState>,
    /// Per-service nat chains after the last successful sync.
    active_chains: BTreeSet<String>,
    need_full: bool,
    last_full: Option<Instant>,
    large_cluster: bool,
}

impl IptablesProxier {
    pub fn new(node: NodeSettings, iptables: Iptables) -> Self {
        IptablesProxier {
            node,
            iptables,
            features: Features::default(),
            last: None,
            active_chains: BTreeSet::new(),
            need_full: true,
            last_full: None,
            large_cluster: false,
        }
    }

    /// The iptables tools this proxier runs.
    pub fn iptables(&self) -> &Iptables {
        &self.iptables
    }

    /// Makes the next sync a full one (upstream's `forceSyncProxyRules`, e.g. when the
    /// tables were flushed behind its back).
    pub fn force_full_sync(&mut self) {
        self.need_full = true;
    }

    /// Programs `state`: nothing when it equals the last synced state, else a partial or a
    /// full restore. A failure makes the next sync a full one.
    pub fn sync(&mut self, state: &ProxyState) -> Result<SyncResult, IptablesError> {
        let large = rules::large_cluster(state);
        let due = self
            .last_full
            .is_none_or(|at| at.elapsed() >= FULL_SYNC_PERIOD);
        let full = self.need_full || due || large != self.large_cluster || self.last.is_none();
        if !full && self.last.as_ref() == Some(state) {
            return Ok(SyncResult {
                full: false,
                changed: false,
            });
        }
        let result = self.sync_inner(state, full, large);
        if result.is_err() {
            self.need_full = true;
        }
        result
    }

    fn sync_inner(
        &mut self,
        state: &ProxyState,
        full: bool,
        large: bool,
    ) -> Result<SyncResult, IptablesError> {
        let existing;
        let changed;
        let options = if full {
            self.iptables.ensure_jumps()?;
            // Upstream reads the nat table to find chains left by anyone before it.
            let mut chains = self.iptables.chains("nat")?;
            chains.extend(self.active_chains.iter().cloned());
            existing = chains;
            BuildOptions {
                existing_nat_chains: Some(&existing),
                changed_services: None,
                features: self.features,
            }
        } else {
            changed = changed_services(self.last.as_ref(), state);
            BuildOptions {
                existing_nat_chains: Some(&self.active_chains),
                changed_services: Some(&changed),
                features: self.features,
            }
        };
        let built = build_with(state, &self.node, &options);
        self.iptables.restore(&built.restore.to_input())?;
        self.active_chains = built.active_nat_chains;
        self.last = Some(state.clone());
        self.large_cluster = large;
        if full {
            self.need_full = false;
            self.last_full = Some(Instant::now());
        }
        Ok(SyncResult {
            full,
            changed: true,
        })
    }
}

/// The Services (namespace, name) whose ports or endpoints differ between two states
/// (upstream's `UpdatedServices` of the service and endpoints change trackers).
pub fn changed_services(
    before: Option<&ProxyState>,
    after: &ProxyState,
) -> BTreeSet<(String, String)> {
    let empty = ProxyState::default();
    let before = before.unwrap_or(&empty);
    let names = before
        .services
        .keys()
        .chain(after.services.keys())
        .chain(before.endpoints.keys())
        .chain(after.endpoints.keys());
    names
        .filter(|name| {
            before.services.get(*name) != after.services.get(*name)
                || before.endpoints.get(*name) != after.endpoints.get(*name)
        })
        .map(|name| (name.namespace.clone(), name.name.clone()))
        .collect()
}

/// Removes everything this proxy installed in `iptables`' tables.
pub fn cleanup(iptables: &Iptables) -> Result<(), IptablesError> {
    iptables.cleanup()
}
