//! The nftables ruleset kube-proxy wants, as data: chains with their rules and sets/maps with
//! their declarations and elements, all inside the table `ip kube-proxy`.
//!
//! Upstream (`pkg/proxy/nftables/proxier.go`) writes its transaction straight from the sync
//! loop. Here the wanted state is built first and turned into a transaction afterwards
//! (`transaction.rs`), so a sync can send only what changed. The ruleset is the
//! Service-independent setup plus one [`Fragment`] per service port (what `layout.rs` and
//! `affinity.rs` write for it). Chains and maps shared by many service ports (`cluster-2`
//! and its map, …) are counted, and so are elements written by more than one (a cluster IP
//! of a multi-port Service), so a fragment can be taken out again
//! ([`Ruleset::unmerge`]) and a sync touches only the service ports that changed
//! (`incremental.rs`).

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
    /// How many fragments (or the setup) declared it.
    pub(crate) refs: u32,
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
    /// The elements as the kernel holds them: the first writer's value per key.
    pub elements: BTreeMap<String, Option<String>>,
    /// How many fragments (or the setup) declared it.
    pub(crate) refs: u32,
    /// Further writers of a key, after the one in `elements` (rare: a cluster IP written by
    /// each port of a Service, an endpoint shared by two Services).
    pub(crate) more: HashMap<String, Vec<Option<String>>>,
}

/// Everything kube-proxy programs; chains and sets by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ruleset {
    chains: BTreeMap<String, Chain>,
    sets: BTreeMap<String, Set>,
}

/// What one service port adds to the ruleset: the chains and sets it declares (its own, and
/// shared ones such as `cluster-2`, each with its full rules) and its elements.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fragment {
    pub(crate) chains: Vec<Chain>,
    pub(crate) sets: Vec<(String, SetKind, String)>,
    pub(crate) elements: Vec<(String, String, Option<String>)>,
}

impl Fragment {
    /// Declares a chain if this fragment has not yet; true if it was new.
    pub(crate) fn ensure_chain(&mut self, name: &str) -> bool {
        if self.chains.iter().any(|c| c.name == name) {
            return false;
        }
        self.chains.push(Chain {
            name: name.to_owned(),
            base: None,
            rules: Vec::new(),
            refs: 1,
        });
        true
    }

    /// Appends `rule` to `chain` (declaring the chain if needed).
    pub(crate) fn rule(&mut self, chain: &str, rule: impl Into<String>) {
        self.ensure_chain(chain);
        if let Some(c) = self.chains.iter_mut().find(|c| c.name == chain) {
            c.rules.push(rule.into());
        }
    }

    /// Declares a set or map if this fragment has not yet.
    pub(crate) fn ensure_set(&mut self, name: &str, kind: SetKind, decl: &str) {
        if !self.sets.iter().any(|(n, _, _)| n == name) {
            self.sets.push((name.to_owned(), kind, decl.to_owned()));
        }
    }

    /// Adds an element to a set or map (declared here or by the setup).
    pub(crate) fn element(&mut self, set: &str, key: impl Into<String>, value: Option<String>) {
        self.elements.push((set.to_owned(), key.into(), value));
    }
}

/// An element's value in a journal: `None` when there was no such element.
pub(crate) type OldElement = Option<Option<String>>;

/// A chain's header and rules in a journal (`None`: there was no such chain).
pub(crate) type OldChain = Option<(Option<String>, Vec<String>)>;

/// What the kernel held before a series of [`Ruleset::merge`] / [`Ruleset::unmerge`] calls,
/// for everything they touched: the input of an incremental transaction.
#[derive(Debug, Default)]
pub struct Journal {
    /// Chain name to its old (header, rules); `None`: it did not exist.
    pub(crate) chains: HashMap<String, OldChain>,
    /// Set name to its old (kind, declaration); `None`: it did not exist.
    pub(crate) sets: HashMap<String, Option<(SetKind, String)>>,
    /// Set name, then key, to its old value; `None`: no such element.
    pub(crate) elements: HashMap<String, HashMap<String, OldElement>>,
}

impl Journal {
    fn chain(&mut self, rs: &Ruleset, name: &str) {
        if !self.chains.contains_key(name) {
            let old = rs
                .chains
                .get(name)
                .map(|c| (c.base.clone(), c.rules.clone()));
            self.chains.insert(name.to_owned(), old);
        }
    }

    fn set(&mut self, rs: &Ruleset, name: &str) {
        if !self.sets.contains_key(name) {
            let old = rs.sets.get(name).map(|s| (s.kind, s.decl.clone()));
            self.sets.insert(name.to_owned(), old);
        }
    }

    fn element(&mut self, rs: &Ruleset, set: &str, key: &str) {
        let keys = self.elements.entry(set.to_owned()).or_default();
        if !keys.contains_key(key) {
            let old = rs.sets.get(set).and_then(|s| s.elements.get(key).cloned());
            keys.insert(key.to_owned(), old);
        }
    }
}

impl Ruleset {
    /// The chains, by name.
    pub fn chains(&self) -> impl Iterator<Item = &Chain> {
        self.chains.values()
    }

    /// The sets and maps, by name.
    pub fn sets(&self) -> impl Iterator<Item = &Set> {
        self.sets.values()
    }

    /// The chain called `name`.
    pub fn chain(&self, name: &str) -> Option<&Chain> {
        self.chains.get(name)
    }

    /// The set or map called `name`.
    pub fn set(&self, name: &str) -> Option<&Set> {
        self.sets.get(name)
    }

    /// Declares a base chain (setup only).
    pub(crate) fn base_chain(&mut self, name: &str, header: &str) {
        self.chain_mut(name).base = Some(header.to_owned());
    }

    /// Appends `rule` to `chain`, declaring the chain if needed (setup only).
    pub(crate) fn rule(&mut self, chain: &str, rule: impl Into<String>) {
        self.chain_mut(chain).rules.push(rule.into());
    }

    /// Declares a set or map if it does not exist yet (setup only).
    pub(crate) fn ensure_set(&mut self, name: &str, kind: SetKind, decl: &str) {
        self.sets.entry(name.to_owned()).or_insert_with(|| Set {
            name: name.to_owned(),
            kind,
            decl: decl.to_owned(),
            elements: BTreeMap::new(),
            refs: 1,
            more: HashMap::new(),
        });
    }

    /// Adds an element to a declared set (`value: None`) or map (setup only).
    pub(crate) fn element(&mut self, set: &str, key: impl Into<String>, value: Option<String>) {
        if let Some(set) = self.sets.get_mut(set) {
            set.elements.insert(key.into(), value);
        }
    }

    fn chain_mut(&mut self, name: &str) -> &mut Chain {
        self.chains.entry(name.to_owned()).or_insert_with(|| Chain {
            name: name.to_owned(),
            base: None,
            rules: Vec::new(),
            refs: 1,
        })
    }

    /// Adds a fragment: its sets and chains (counted when they exist already), then its
    /// elements. What it changes is recorded in `journal`, if given.
    pub fn merge(&mut self, fragment: &Fragment, mut journal: Option<&mut Journal>) {
        for (name, kind, decl) in &fragment.sets {
            if let Some(set) = self.sets.get_mut(name) {
                set.refs += 1;
                continue;
            }
            if let Some(j) = journal.as_deref_mut() {
                j.set(self, name);
            }
            self.ensure_set(name, *kind, decl);
        }
        for chain in &fragment.chains {
            if let Some(existing) = self.chains.get_mut(&chain.name) {
                debug_assert_eq!(existing.rules, chain.rules, "shared chain {}", chain.name);
                existing.refs += 1;
                continue;
            }
            if let Some(j) = journal.as_deref_mut() {
                j.chain(self, &chain.name);
            }
            self.chains.insert(chain.name.clone(), chain.clone());
        }
        for (set, key, value) in &fragment.elements {
            if let Some(j) = journal.as_deref_mut() {
                j.element(self, set, key);
            }
            let Some(set) = self.sets.get_mut(set) else {
                debug_assert!(false, "element for undeclared set {set}");
                continue;
            };
            if set.elements.contains_key(key) {
                set.more.entry(key.clone()).or_default().push(value.clone());
            } else {
                set.elements.insert(key.clone(), value.clone());
            }
        }
    }

    /// Takes out a fragment merged before: its elements, then the chains and sets no other
    /// fragment declared. What it changes is recorded in `journal`, if given.
    pub fn unmerge(&mut self, fragment: &Fragment, mut journal: Option<&mut Journal>) {
        for (set_name, key, value) in &fragment.elements {
            if let Some(j) = journal.as_deref_mut() {
                j.element(self, set_name, key);
            }
            let Some(set) = self.sets.get_mut(set_name) else {
                continue;
            };
            match set.more.get_mut(key) {
                Some(more) => {
                    if set.elements.get(key) == Some(value) {
                        let next = more.remove(0);
                        set.elements.insert(key.clone(), next);
                    } else if let Some(i) = more.iter().position(|v| v == value) {
                        more.remove(i);
                    }
                    if more.is_empty() {
                        set.more.remove(key);
                    }
                }
                None => {
                    set.elements.remove(key);
                }
            }
        }
        for chain in &fragment.chains {
            let Some(existing) = self.chains.get_mut(&chain.name) else {
                continue;
            };
            existing.refs -= 1;
            if existing.refs == 0 {
                if let Some(j) = journal.as_deref_mut() {
                    j.chain(self, &chain.name);
                }
                self.chains.remove(&chain.name);
            }
        }
        for (name, _, _) in &fragment.sets {
            let Some(set) = self.sets.get_mut(name) else {
                continue;
            };
            set.refs -= 1;
            if set.refs == 0 {
                if let Some(j) = journal.as_deref_mut() {
                    j.set(self, name);
                }
                self.sets.remove(name);
            }
        }
    }
}

/// The Service-independent part of the ruleset for `node`.
pub fn setup(node: &NodeSettings) -> Ruleset {
    let mut ruleset = Ruleset::default();
    super::layout::setup(&mut ruleset, node);
    ruleset
}

/// The ruleset for `state` on the node described by `node` (upstream's `syncProxyRules`
/// without the transaction).
pub fn build(state: &ProxyState, node: &NodeSettings) -> Ruleset {
    let mut ruleset = setup(node);
    for (name, service) in &state.services {
        let endpoints = state
            .endpoints
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        ruleset.merge(&super::layout::service(node, service, endpoints), None);
    }
    ruleset
}
