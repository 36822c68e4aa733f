//! The nftables backend (upstream's `pkg/proxy/nftables`): builds the wanted [`Ruleset`]
//! from the [`ProxyState`] and brings the kernel's `ip kube-proxy` table to it, with one
//! full transaction on the first sync (or after a failure) and only the changes after that.
//!
//! - [`ruleset`]: the ruleset as data, one [`Fragment`] per service port merged into it,
//!   and [`ruleset::build`];
//! - `layout` / `affinity`: what goes into it (upstream's layout with flat endpoint maps;
//!   per-service chains only for session affinity);
//! - `transaction`: full and diff `nft -f` input; `incremental`: the transaction for what
//!   a sync's merges touched (a [`Journal`]);
//! - [`runner`]: running `nft`.

mod affinity;
mod incremental;
mod layout;
pub mod ruleset;
pub mod runner;
mod transaction;

pub use layout::{hash8, hashed};
pub use ruleset::{Fragment, Journal, Ruleset, build};
pub use runner::{Nft, NftError};
pub use transaction::ELEMENT_CHUNK;

use std::collections::{BTreeSet, HashMap};

use crate::model::{Endpoint, NodeSettings, ProxyState, ServicePort, ServicePortName};

/// What a sync did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncResult {
    /// The whole table was rewritten.
    pub full: bool,
    /// Anything was sent to the kernel.
    pub changed: bool,
}

/// A service port as last synced, and what it put into the ruleset.
#[derive(Debug)]
struct Synced {
    service: ServicePort,
    endpoints: Vec<Endpoint>,
    fragment: Fragment,
}

/// Keeps the kernel's table in step with the proxy state.
#[derive(Debug)]
pub struct NftProxier {
    node: NodeSettings,
    nft: Nft,
    /// Every service port of the last sync (what it was built from, and its fragment).
    synced: HashMap<ServicePortName, Synced>,
    /// What the kernel holds, when known (after a successful sync).
    applied: Option<Ruleset>,
}

impl NftProxier {
    pub fn new(node: NodeSettings, nft: Nft) -> Self {
        NftProxier {
            node,
            nft,
            synced: HashMap::new(),
            applied: None,
        }
    }

    /// Programs `state`: [`NftProxier::next_transaction`], sent with `nft -f`.
    pub fn sync(&mut self, state: &ProxyState) -> Result<SyncResult, NftError> {
        self.sync_changed(state, None)
    }

    /// [`NftProxier::sync`] when only the service ports `changed` may differ from the last
    /// sync (what the watches saw change); `None`: any may.
    pub fn sync_changed(
        &mut self,
        state: &ProxyState,
        changed: Option<&BTreeSet<ServicePortName>>,
    ) -> Result<SyncResult, NftError> {
        let (transaction, full) = self.next_transaction_changed(state, changed);
        if transaction.is_empty() {
            return Ok(SyncResult {
                full,
                changed: false,
            });
        }
        if let Err(error) = self.nft.apply(&transaction) {
            // The kernel's state is unknown now: the next sync rewrites everything.
            self.applied = None;
            return Err(error);
        }
        Ok(SyncResult {
            full,
            changed: true,
        })
    }

    /// The transaction that brings the kernel from the last sync to `state`, and whether it
    /// rewrites the whole table; what it leads to is taken as applied from here on.
    ///
    /// The first time and after a failure (or [`NftProxier::full_sync_next`]) it is the
    /// whole table. Otherwise only the service ports whose Service or endpoints differ
    /// from the last sync are looked at: their old fragments are taken out of the applied
    /// ruleset and the new ones merged in, and the transaction covers what that touched
    /// (empty when nothing changed).
    pub fn next_transaction(&mut self, state: &ProxyState) -> (String, bool) {
        self.next_transaction_changed(state, None)
    }

    /// [`NftProxier::next_transaction`] looking only at the service ports `changed` (all of
    /// them when `None`, or when the whole table is written anyway).
    pub fn next_transaction_changed(
        &mut self,
        state: &ProxyState,
        changed: Option<&BTreeSet<ServicePortName>>,
    ) -> (String, bool) {
        let mut applied = self.applied.take();
        let mut journal = Journal::default();
        let mut fresh = Vec::new();
        match changed.filter(|_| applied.is_some()) {
            Some(names) => {
                for name in names {
                    self.update(name, state, applied.as_mut(), &mut journal, &mut fresh);
                }
            }
            None => {
                let gone: Vec<ServicePortName> = self
                    .synced
                    .keys()
                    .filter(|name| !state.services.contains_key(*name))
                    .cloned()
                    .collect();
                for name in gone.iter().chain(state.services.keys()) {
                    self.update(name, state, applied.as_mut(), &mut journal, &mut fresh);
                }
            }
        }
        let (wanted, transaction, full) = match applied {
            Some(mut rs) => {
                for name in &fresh {
                    rs.merge(&self.synced[name].fragment, Some(&mut journal));
                }
                match rs.journal_transaction(&journal) {
                    Some(transaction) => (rs, transaction, false),
                    None => {
                        let transaction = rs.full_transaction();
                        (rs, transaction, true)
                    }
                }
            }
            None => {
                // In name order, as `build`: the same first writer for a shared key.
                let mut all: Vec<_> = self.synced.iter().collect();
                all.sort_unstable_by(|a, b| a.0.cmp(b.0));
                let mut rs = ruleset::setup(&self.node);
                for (_, synced) in all {
                    rs.merge(&synced.fragment, None);
                }
                let transaction = rs.full_transaction();
                (rs, transaction, true)
            }
        };
        self.applied = Some(wanted);
        (transaction, full)
    }

    /// Brings the service port `name` up to `state`: unchanged, gone (its fragment taken out
    /// of `applied`), or new or changed (a new fragment, listed in `fresh` for merging).
    fn update(
        &mut self,
        name: &ServicePortName,
        state: &ProxyState,
        applied: Option<&mut Ruleset>,
        journal: &mut Journal,
        fresh: &mut Vec<ServicePortName>,
    ) {
        let Some(service) = state.services.get(name) else {
            if let (Some(old), Some(rs)) = (self.synced.remove(name), applied) {
                rs.unmerge(&old.fragment, Some(journal));
            }
            return;
        };
        let endpoints = state
            .endpoints
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some(old) = self.synced.get(name) {
            if old.service == *service && old.endpoints == endpoints {
                return;
            }
            if let Some(rs) = applied {
                rs.unmerge(&old.fragment, Some(journal));
            }
        }
        let fragment = layout::service(&self.node, service, endpoints);
        fresh.push(name.clone());
        self.synced.insert(
            name.clone(),
            Synced {
                service: service.clone(),
                endpoints: endpoints.to_vec(),
                fragment,
            },
        );
    }

    /// What the kernel holds after the last sync, if it succeeded.
    pub fn applied(&self) -> Option<&Ruleset> {
        self.applied.as_ref()
    }

    /// Makes the next sync a full one (upstream's periodic full resync).
    pub fn full_sync_next(&mut self) {
        self.applied = None;
    }

    /// Removes everything the proxier programmed (upstream's `CleanupLeftovers`).
    pub fn cleanup(nft: &Nft) -> Result<(), NftError> {
        nft.delete_table()
    }
}
