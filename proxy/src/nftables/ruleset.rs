//! The nftables ruleset kube-proxy wants, as data: chains with their rules and sets/maps with
//! their declarations and elements, all inside the table `ip kube-proxy`.
//!
//! Upstream (`pkg/proxy/nftables/proxier.go`) writes its transaction straight from the sync
//! loop. Here the wanted state is built first ([`build`]) and turned into a transaction
//! afterwards ([`Ruleset::full_transaction`], [`Ruleset::diff_transaction`] in
//! `transaction.rs`), so a sync can send only what changed. What goes into the ruleset (the
//! layout) is in `layout.rs`.

use std::collections::{BTreeMap, HashMap};

use crate::model::{NodeSettings, ProxyState};

/// The nftables family of the table.
pub const FAMILY: &str = "ip";
/// The table kube-proxy owns (upstream's name).
pub const TABLE: &str = "kube-proxy";

/// One chain: a base chain has its `type … hook … priority …` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    pub name: String,
    /// `type nat hook output priority -100` for a base chain; `None` for a regular one.
    pub base: Option<String>,
    pub rules: Vec<String>,
}

/// Whether a [`Set`] is a set or a map (nft spells the two declarations differently).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    Set,
    Map,
}

impl SetKind {
    /// `set` or `map`, as nft commands spell them.
    pub fn keyword(self) -> &'static str {
        match self {
            SetKind::Set => "set",
            SetKind::Map => "map",
        }
    }
}

/// One named set or map with its elements (key to value; no value for a set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Set {
    pub name: String,
    pub kind: SetKind,
    /// What goes between the braces of `add set`, e.g. `type ipv4_addr`.
    pub decl: String,
    pub elements: BTreeMap<String, Option<String>>,
}

/// Everything kube-proxy programs, in declaration order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ruleset {
    chains: Vec<Chain>,
    sets: Vec<Set>,
    chain_index: HashMap<String, usize>,
    set_index: HashMap<String, usize>,
}

impl Ruleset {
    /// The chains, in the order they were first declared.
    pub fn chains(&self) -> &[Chain] {
        &self.chains
    }

    /// The sets and maps, in the order they were first declared.
    pub fn sets(&self) -> &[Set] {
        &self.sets
    }

    /// The chain called `name`.
    pub fn chain(&self, name: &str) -> Option<&Chain> {
        self.chain_index.get(name).map(|&i| &self.chains[i])
    }

    /// The set or map called `name`.
    pub fn set(&self, name: &str) -> Option<&Set> {
        self.set_index.get(name).map(|&i| &self.sets[i])
    }

    /// Declares a base chain (once).
    pub(crate) fn base_chain(&mut self, name: &str, header: &str) {
        let index = self.chain_mut(name);
        self.chains[index].base = Some(header.to_owned());
    }

    /// Declares a regular chain if it does not exist yet; true if it was new.
    pub(crate) fn ensure_chain(&mut self, name: &str) -> bool {
        if self.chain_index.contains_key(name) {
            return false;
        }
        self.chain_mut(name);
        true
    }

    /// Appends `rule` to `chain` (declaring the chain if needed).
    pub(crate) fn rule(&mut self, chain: &str, rule: impl Into<String>) {
        let index = self.chain_mut(chain);
        self.chains[index].rules.push(rule.into());
    }

    /// Declares a set or map if it does not exist yet.
    pub(crate) fn ensure_set(&mut self, name: &str, kind: SetKind, decl: &str) {
        if self.set_index.contains_key(name) {
            return;
        }
        self.set_index.insert(name.to_owned(), self.sets.len());
        self.sets.push(Set {
            name: name.to_owned(),
            kind,
            decl: decl.to_owned(),
            elements: BTreeMap::new(),
        });
    }

    /// Adds an element to a declared set (`value: None`) or map.
    pub(crate) fn element(&mut self, set: &str, key: impl Into<String>, value: Option<String>) {
        let index = *self
            .set_index
            .get(set)
            .unwrap_or_else(|| panic!("element for undeclared set {set}"));
        self.sets[index].elements.insert(key.into(), value);
    }

    fn chain_mut(&mut self, name: &str) -> usize {
        if let Some(&index) = self.chain_index.get(name) {
            return index;
        }
        self.chain_index.insert(name.to_owned(), self.chains.len());
        self.chains.push(Chain {
            name: name.to_owned(),
            base: None,
            rules: Vec::new(),
        });
        self.chains.len() - 1
    }
}

/// The ruleset for `state` on the node described by `node` (upstream's `syncProxyRules`
/// without the transaction).
pub fn build(state: &ProxyState, node: &NodeSettings) -> Ruleset {
    let mut ruleset = Ruleset::default();
    super::layout::setup(&mut ruleset, node);
    for (name, service) in &state.services {
        let endpoints = state
            .endpoints
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        super::layout::service(&mut ruleset, node, service, endpoints);
    }
    ruleset
}
