//! The nftables backend (upstream's `pkg/proxy/nftables`): builds the wanted [`Ruleset`]
//! from the [`ProxyState`] and brings the kernel's `ip kube-proxy` table to it, with one
//! full transaction on the first sync (or after a failure) and only the changes after that.
//!
//! - [`ruleset`]: the ruleset as data and [`ruleset::build`];
//! - `layout` / `affinity`: what goes into it (upstream's layout with flat endpoint maps;
//!   per-service chains only for session affinity);
//! - `transaction`: full and incremental `nft -f` input;
//! - [`runner`]: running `nft`.

mod affinity;
mod layout;
pub mod ruleset;
pub mod runner;
mod transaction;

pub use layout::{hash8, hashed};
pub use ruleset::{Ruleset, build};
pub use runner::{Nft, NftError};
pub use transaction::ELEMENT_CHUNK;

use crate::model::{NodeSettings, ProxyState};

/// What a sync did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncResult {
    /// The whole table was rewritten.
    pub full: bool,
    /// Anything was sent to the kernel.
    pub changed: bool,
}

/// Keeps the kernel's table in step with the proxy state.
#[derive(Debug)]
pub struct NftProxier {
    node: NodeSettings,
    nft: Nft,
    /// What the kernel holds, when known (after a successful sync).
    applied: Option<Ruleset>,
}

impl NftProxier {
    pub fn new(node: NodeSettings, nft: Nft) -> Self {
        NftProxier {
            node,
            nft,
            applied: None,
        }
    }

    /// Programs `state`: a full transaction the first time and after any failure, else the
    /// difference from the last applied ruleset (nothing when it is the same).
    pub fn sync(&mut self, state: &ProxyState) -> Result<SyncResult, NftError> {
        let wanted = build(state, &self.node);
        let (transaction, full) = match self.applied.take() {
            Some(applied) => (applied.diff_transaction(&wanted), false),
            None => (wanted.full_transaction(), true),
        };
        if transaction.is_empty() {
            self.applied = Some(wanted);
            return Ok(SyncResult {
                full,
                changed: false,
            });
        }
        // On failure `applied` stays None: the kernel's state is unknown, so the next sync
        // rewrites everything.
        self.nft.apply(&transaction)?;
        self.applied = Some(wanted);
        Ok(SyncResult {
            full,
            changed: true,
        })
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
