//! A [`Ruleset`] as `nft -f` input: the whole table at once (upstream's first sync, which
//! recreates the table), or only the changes from one ruleset to the next (upstream rebuilds
//! every set and map on each sync; sending only changed elements is what keeps a one-Service
//! change in the milliseconds with tens of thousands of elements loaded).

use std::cmp::Ordering;
use std::fmt::Write;

use super::ruleset::{Chain, FAMILY, Ruleset, Set, TABLE};

/// Elements per `add element` / `delete element` statement.
pub const ELEMENT_CHUNK: usize = 5000;

impl Ruleset {
    /// Replaces the table with this ruleset in one transaction: `add table` (so the
    /// `delete` cannot fail), `delete table`, then every chain, set, rule and element.
    pub fn full_transaction(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "add table {FAMILY} {TABLE}");
        let _ = writeln!(out, "delete table {FAMILY} {TABLE}");
        let _ = writeln!(out, "add table {FAMILY} {TABLE}");
        for chain in self.chains() {
            add_chain(&mut out, chain);
        }
        for set in self.sets() {
            add_set(&mut out, set);
        }
        for chain in self.chains() {
            add_rules(&mut out, chain);
        }
        for set in self.sets() {
            let all = set.elements.iter().map(|(k, v)| (k.as_str(), v.as_deref()));
            elements(&mut out, "add", set, all);
        }
        out
    }

    /// The transaction that turns the kernel's table from `self` (what was applied) into
    /// `new`: new sets and chains, changed chains flushed and refilled, element deletions
    /// and additions per set, then removed chains and sets (once nothing refers to them).
    /// Empty when nothing changed. A changed declaration (a set's type or timeout, a base
    /// chain's hook) cannot be altered in place, and nft cannot write a rule against a
    /// `typeof` endpoint map that already exists (see `layout.rs`), so in those cases this
    /// is `new`'s full transaction.
    pub fn diff_transaction(&self, new: &Ruleset) -> String {
        let writes_rule_against_old_map = new.chains().any(|chain| {
            let changed = self
                .chain(&chain.name)
                .is_none_or(|old| old.rules != chain.rules);
            changed
                && chain
                    .rules
                    .iter()
                    .any(|rule| maps_used(rule).any(|map| self.set(map).is_some()))
        });
        let declaration_changed = writes_rule_against_old_map
            || new.sets().any(|set| {
                self.set(&set.name)
                    .is_some_and(|old| old.kind != set.kind || old.decl != set.decl)
            })
            || new.chains().any(|chain| {
                self.chain(&chain.name)
                    .is_some_and(|old| old.base != chain.base)
            });
        if declaration_changed {
            return new.full_transaction();
        }
        let mut out = String::new();
        for set in new.sets() {
            if self.set(&set.name).is_none() {
                add_set(&mut out, set);
            }
        }
        for chain in new.chains() {
            if self.chain(&chain.name).is_none() {
                add_chain(&mut out, chain);
            }
        }
        for chain in new.chains() {
            match self.chain(&chain.name) {
                None => add_rules(&mut out, chain),
                Some(old) if old.rules != chain.rules => {
                    let _ = writeln!(out, "flush chain {FAMILY} {TABLE} {}", chain.name);
                    add_rules(&mut out, chain);
                }
                Some(_) => {}
            }
        }
        // Sets in both: one merged walk over the two sorted element lists.
        let changes: Vec<(&Set, ElementChanges)> = new
            .sets()
            .map(|set| match self.set(&set.name) {
                Some(old) => (set, element_changes(old, set)),
                None => (set, ElementChanges::all(set)),
            })
            .collect();
        for (set, change) in &changes {
            elements(&mut out, "delete", set, change.gone.iter().copied());
        }
        for (set, change) in &changes {
            elements(&mut out, "add", set, change.added.iter().copied());
        }
        let removed: Vec<&Chain> = self
            .chains()
            .filter(|chain| new.chain(&chain.name).is_none())
            .collect();
        for chain in &removed {
            let _ = writeln!(out, "flush chain {FAMILY} {TABLE} {}", chain.name);
        }
        for chain in &removed {
            let _ = writeln!(out, "delete chain {FAMILY} {TABLE} {}", chain.name);
        }
        for set in self.sets() {
            if new.set(&set.name).is_none() {
                let _ = writeln!(
                    out,
                    "delete {} {FAMILY} {TABLE} {}",
                    set.kind.keyword(),
                    set.name
                );
            }
        }
        out
    }
}

/// What changes in one set: keys to delete (gone or with a changed value) and elements to
/// add (new or with a changed value).
struct ElementChanges<'a> {
    gone: Vec<(&'a str, Option<&'a str>)>,
    added: Vec<(&'a str, Option<&'a str>)>,
}

impl<'a> ElementChanges<'a> {
    fn all(set: &'a Set) -> Self {
        ElementChanges {
            gone: Vec::new(),
            added: set
                .elements
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_deref()))
                .collect(),
        }
    }
}

/// Merges the two sorted element maps in one pass.
fn element_changes<'a>(old: &'a Set, new: &'a Set) -> ElementChanges<'a> {
    let mut changes = ElementChanges {
        gone: Vec::new(),
        added: Vec::new(),
    };
    let mut old_items = old.elements.iter().peekable();
    let mut new_items = new.elements.iter().peekable();
    loop {
        let order = match (old_items.peek(), new_items.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((a, _)), Some((b, _))) => a.cmp(b),
        };
        match order {
            Ordering::Less => {
                let (key, _) = old_items.next().expect("peeked");
                changes.gone.push((key, None));
            }
            Ordering::Greater => {
                let (key, value) = new_items.next().expect("peeked");
                changes.added.push((key, value.as_deref()));
            }
            Ordering::Equal => {
                let (key, old_value) = old_items.next().expect("peeked");
                let (_, new_value) = new_items.next().expect("peeked");
                if old_value != new_value {
                    changes.gone.push((key, None));
                    changes.added.push((key, new_value.as_deref()));
                }
            }
        }
    }
    changes
}

pub(super) fn add_chain(out: &mut String, chain: &Chain) {
    match &chain.base {
        Some(header) => {
            let _ = writeln!(
                out,
                "add chain {FAMILY} {TABLE} {} {{ {header} ; }}",
                chain.name
            );
        }
        None => {
            let _ = writeln!(out, "add chain {FAMILY} {TABLE} {}", chain.name);
        }
    }
}

pub(super) fn add_set(out: &mut String, set: &Set) {
    let _ = writeln!(
        out,
        "add {} {FAMILY} {TABLE} {} {{ {} ; }}",
        set.kind.keyword(),
        set.name,
        set.decl
    );
}

pub(super) fn add_rules(out: &mut String, chain: &Chain) {
    for rule in &chain.rules {
        let _ = writeln!(out, "add rule {FAMILY} {TABLE} {} {rule}", chain.name);
    }
}

/// `verb element` statements for `items`, one per [`ELEMENT_CHUNK`] elements, one element
/// a line.
pub(super) fn elements<'a>(
    out: &mut String,
    verb: &str,
    set: &Set,
    items: impl Iterator<Item = (&'a str, Option<&'a str>)>,
) {
    let mut count = 0;
    for (key, value) in items {
        if count % ELEMENT_CHUNK == 0 {
            if count > 0 {
                out.push_str("\n}\n");
            }
            let _ = write!(out, "{verb} element {FAMILY} {TABLE} {} {{\n\t", set.name);
        } else {
            out.push_str(",\n\t");
        }
        out.push_str(key);
        if let Some(value) = value {
            out.push_str(" : ");
            out.push_str(value);
        }
        count += 1;
    }
    if count > 0 {
        out.push_str("\n}\n");
    }
}

/// The maps a rule looks up with `map @name` (the DNAT maps of `layout.rs`).
pub(super) fn maps_used(rule: &str) -> impl Iterator<Item = &str> {
    rule.split(" map @")
        .skip(1)
        .map(|rest| rest.split(' ').next().unwrap_or(rest))
}
