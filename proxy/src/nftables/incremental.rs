//! The transaction for what a [`Journal`] recorded: the same `nft` input
//! [`Ruleset::diff_transaction`] writes for the old and the new ruleset, but computed from
//! the touched chains, sets and elements alone, so a one-Service change costs the same with
//! ten Services or ten thousand.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::ruleset::{FAMILY, Journal, OldElement, Ruleset, TABLE};
use super::transaction::{add_chain, add_rules, add_set, elements, maps_used};

impl Ruleset {
    /// The transaction from the state `journal` recorded to `self`, in the order of
    /// [`Ruleset::diff_transaction`]. `None` when that would be a full transaction: a set's
    /// or base chain's declaration changed, or a new or changed rule looks up a map that
    /// already existed (see `layout.rs`).
    pub fn journal_transaction(&self, journal: &Journal) -> Option<String> {
        let existed = |set: &str| match journal.sets.get(set) {
            Some(old) => old.is_some(),
            None => self.set(set).is_some(),
        };
        for (name, old) in &journal.sets {
            if let (Some((kind, decl)), Some(set)) = (old, self.set(name))
                && (*kind != set.kind || *decl != set.decl)
            {
                return None;
            }
        }
        let chains: BTreeMap<&str, _> = journal
            .chains
            .iter()
            .map(|(name, old)| (name.as_str(), (old, self.chain(name))))
            .collect();
        for (old, new) in chains.values() {
            let Some(new) = new else { continue };
            if let Some((base, _)) = old
                && *base != new.base
            {
                return None;
            }
            let changed = old.as_ref().is_none_or(|(_, rules)| *rules != new.rules);
            if changed && new.rules.iter().any(|r| maps_used(r).any(existed)) {
                return None;
            }
        }

        let mut out = String::new();
        let sets: BTreeMap<&str, _> = journal
            .sets
            .iter()
            .map(|(name, old)| (name.as_str(), (old, self.set(name))))
            .collect();
        for (old, new) in sets.values() {
            if let (None, Some(set)) = (old, new) {
                add_set(&mut out, set);
            }
        }
        for (old, new) in chains.values() {
            if let (None, Some(chain)) = (old, new) {
                add_chain(&mut out, chain);
            }
        }
        for (name, (old, new)) in &chains {
            match (old, new) {
                (None, Some(chain)) => add_rules(&mut out, chain),
                (Some((_, rules)), Some(chain)) if *rules != chain.rules => {
                    let _ = writeln!(out, "flush chain {FAMILY} {TABLE} {name}");
                    add_rules(&mut out, chain);
                }
                _ => {}
            }
        }

        // Per set (by name) and key (sorted): deletions, then additions.
        let touched: BTreeMap<&str, BTreeMap<&str, &OldElement>> = journal
            .elements
            .iter()
            .map(|(set, keys)| {
                let keys = keys.iter().map(|(k, old)| (k.as_str(), old)).collect();
                (set.as_str(), keys)
            })
            .collect();
        for (name, keys) in &touched {
            let Some(set) = self.set(name) else { continue };
            let gone = keys.iter().filter_map(|(key, old)| {
                let old = old.as_ref()?;
                (set.elements.get(*key) != Some(old)).then_some((*key, None))
            });
            elements(&mut out, "delete", set, gone);
        }
        for (name, keys) in &touched {
            let Some(set) = self.set(name) else { continue };
            let added = keys.iter().filter_map(|(key, old)| {
                let value = set.elements.get(*key)?;
                (old.as_ref() != Some(value)).then_some((*key, value.as_deref()))
            });
            elements(&mut out, "add", set, added);
        }

        for (name, (old, new)) in &chains {
            if old.is_some() && new.is_none() {
                let _ = writeln!(out, "flush chain {FAMILY} {TABLE} {name}");
            }
        }
        for (name, (old, new)) in &chains {
            if old.is_some() && new.is_none() {
                let _ = writeln!(out, "delete chain {FAMILY} {TABLE} {name}");
            }
        }
        for (name, (old, new)) in &sets {
            if let (Some((kind, _)), None) = (old, new) {
                let _ = writeln!(out, "delete {} {FAMILY} {TABLE} {name}", kind.keyword());
            }
        }
        Some(out)
    }
}
