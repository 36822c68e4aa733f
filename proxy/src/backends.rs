//! The two rule backends behind the [`Proxier`] trait, and `--cleanup` of both.

use std::collections::BTreeSet;

use crate::iptables::{Iptables, IptablesProxier};
use crate::model::{NodeSettings, ProxyState, ServicePortName};
use crate::nftables::{Nft, NftProxier};
use crate::options::ProxyMode;
use crate::proxier::{Proxier, SyncOutcome};

impl Proxier for NftProxier {
    fn sync(
        &mut self,
        state: &ProxyState,
        changed: Option<&BTreeSet<ServicePortName>>,
    ) -> anyhow::Result<SyncOutcome> {
        let result = NftProxier::sync_changed(self, state, changed)?;
        Ok(SyncOutcome {
            full: result.full,
            changed: result.changed,
        })
    }

    fn request_full_sync(&mut self) {
        self.full_sync_next();
    }
}

impl Proxier for IptablesProxier {
    /// Upstream's iptables proxier writes every Service's rules in each sync (partial syncs
    /// only skip unchanged chains), so `changed` is not needed.
    fn sync(
        &mut self,
        state: &ProxyState,
        _changed: Option<&BTreeSet<ServicePortName>>,
    ) -> anyhow::Result<SyncOutcome> {
        let result = IptablesProxier::sync(self, state)?;
        Ok(SyncOutcome {
            full: result.full,
            changed: result.changed,
        })
    }

    fn request_full_sync(&mut self) {
        self.force_full_sync();
    }
}

/// The backend for `mode`, on this host's network namespace.
pub fn new_proxier(mode: ProxyMode, settings: NodeSettings) -> Box<dyn Proxier> {
    match mode {
        ProxyMode::Nftables => Box::new(NftProxier::new(settings, Nft { netns: None })),
        ProxyMode::Iptables => Box::new(IptablesProxier::new(settings, Iptables::new())),
    }
}

/// `kube-proxy --cleanup`: removes the rules of both modes (upstream cleans every mode it
/// knows, so switching modes leaves nothing behind).
pub fn cleanup_all() -> anyhow::Result<()> {
    let mut errors = Vec::new();
    if let Err(error) = NftProxier::cleanup(&Nft { netns: None }) {
        errors.push(format!("nftables: {error}"));
    }
    if let Err(error) = crate::iptables::cleanup(&Iptables::new()) {
        errors.push(format!("iptables: {error}"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("cleanup: {}", errors.join("; "))
    }
}
