//! Field sets: the paths a manager owns, as structured-merge-diff's `fieldpath.Set`, and
//! their `FieldsV1` form (`{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`).
//!
//! A set is a tree: each node lists the path elements that are members (owned themselves)
//! and the elements that have owned descendants. Both lists are kept sorted in upstream's
//! order (field names, then keys, then values, then indexes), so that unions and
//! differences are linear merges and the serialized form has upstream's key order.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};

use serde_json::{Map, Value};

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathElement {
    /// A struct field or map key: `f:name`.
    Field(String),
    /// The element of an associative list with these key fields, sorted by name: `k:{...}`.
    Key(Vec<(String, Value)>),
    /// The element of a set with this value: `v:<json>`.
    Value(Value),
    /// A position in a list without keys: `i:N`.
    Index(usize),
}

impl PathElement {
    fn rank(&self) -> u8 {
        match self {
            PathElement::Field(_) => 0,
            PathElement::Key(_) => 1,
            PathElement::Value(_) => 2,
            PathElement::Index(_) => 3,
        }
    }

    /// Upstream's `PathElement.Compare`.
    pub fn compare(&self, other: &PathElement) -> Ordering {
        match (self, other) {
            (PathElement::Field(a), PathElement::Field(b)) => a.cmp(b),
            (PathElement::Key(a), PathElement::Key(b)) => {
                for ((an, av), (bn, bv)) in a.iter().zip(b) {
                    let o = an.cmp(bn).then_with(|| compare_values(av, bv));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (PathElement::Value(a), PathElement::Value(b)) => compare_values(a, b),
            (PathElement::Index(a), PathElement::Index(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }

    /// The `FieldsV1` key of this element (`f:name`, `k:{"name":"c"}`, `v:"x"`, `i:0`).
    pub fn serialize(&self) -> String {
        let mut out = String::new();
        self.serialize_into(&mut out);
        out
    }

    fn serialize_into(&self, out: &mut String) {
        match self {
            PathElement::Field(name) => {
                out.push_str("f:");
                out.push_str(name);
            }
            PathElement::Key(fields) => {
                out.push_str("k:{");
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(name.clone()).to_string());
                    out.push(':');
                    out.push_str(&value.to_string());
                }
                out.push('}');
            }
            PathElement::Value(value) => {
                out.push_str("v:");
                out.push_str(&value.to_string());
            }
            PathElement::Index(index) => {
                let _ = write!(out, "i:{index}");
            }
        }
    }

    /// Parses a `FieldsV1` key. `Ok(None)` for element types this version does not know,
    /// which upstream skips.
    pub fn parse(key: &str) -> Result<Option<PathElement>, String> {
        let bytes = key.as_bytes();
        if bytes.len() < 2 {
            return Err("key must be 2 characters long:".to_string());
        }
        if bytes[1] != b':' {
            return Err(format!("missing colon: {key}"));
        }
        let rest = &key[2..];
        Ok(Some(match bytes[0] {
            b'f' => PathElement::Field(rest.to_string()),
            b'v' => PathElement::Value(serde_json::from_str(rest).map_err(|e| e.to_string())?),
            b'k' => {
                let fields: Map<String, Value> =
                    serde_json::from_str(rest).map_err(|e| e.to_string())?;
                // serde_json's map iterates sorted by name, as upstream sorts the fields.
                PathElement::Key(fields.into_iter().collect())
            }
            b'i' => PathElement::Index(rest.parse().map_err(|e| format!("{e}"))?),
            _ => return Ok(None),
        }))
    }
}

impl fmt::Display for PathElement {
    /// The human form used in conflict messages: `.name`, `[name="c"]`, `[="x"]`, `[0]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathElement::Field(name) => write!(f, ".{name}"),
            PathElement::Key(fields) => {
                f.write_str("[")?;
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{name}={value}")?;
                }
                f.write_str("]")
            }
            PathElement::Value(value) => write!(f, "[={value}]"),
            PathElement::Index(index) => write!(f, "[{index}]"),
        }
    }
}

/// A path, displayed as upstream's `fieldpath.Path` (`.spec.containers[name="c"].image`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Path(pub Vec<PathElement>);

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|pe| write!(f, "{pe}"))
    }
}

/// A total order over JSON values (upstream `value.Compare`): by type, then by value.
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = compare_values(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Object(x), Value::Object(y)) => {
            for ((pk, pv), (qk, qv)) in x.iter().zip(y) {
                let o = pk.cmp(qk).then_with(|| compare_values(pv, qv));
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

/// A set of paths.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Set {
    /// Elements owned themselves, sorted.
    members: Vec<PathElement>,
    /// Elements with owned descendants, sorted, never empty.
    children: Vec<(PathElement, Set)>,
}

impl Set {
    pub fn new() -> Set {
        Set::default()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.children.is_empty()
    }

    fn member_position(&self, pe: &PathElement) -> Result<usize, usize> {
        self.members.binary_search_by(|m| m.compare(pe))
    }

    fn child_position(&self, pe: &PathElement) -> Result<usize, usize> {
        self.children.binary_search_by(|(c, _)| c.compare(pe))
    }

    /// Adds `pe` as a member of this node.
    pub fn insert_member(&mut self, pe: PathElement) {
        // Members usually arrive in order: appending is the common case.
        if self
            .members
            .last()
            .is_none_or(|last| last.compare(&pe) == Ordering::Less)
        {
            self.members.push(pe);
        } else if let Err(at) = self.member_position(&pe) {
            self.members.insert(at, pe);
        }
    }

    /// Attaches `child` (the descendants under `pe`), merging with what is there.
    pub fn insert_child(&mut self, pe: PathElement, child: Set) {
        if child.is_empty() {
            return;
        }
        if self
            .children
            .last()
            .is_none_or(|(last, _)| last.compare(&pe) == Ordering::Less)
        {
            self.children.push((pe, child));
            return;
        }
        match self.child_position(&pe) {
            Ok(at) => {
                let merged = self.children[at].1.union(&child);
                self.children[at].1 = merged;
            }
            Err(at) => self.children.insert(at, (pe, child)),
        }
    }

    /// The descendants under `pe`, created empty when missing.
    pub fn descend(&mut self, pe: &PathElement) -> &mut Set {
        let at = match self.child_position(pe) {
            Ok(at) => at,
            Err(at) => {
                self.children.insert(at, (pe.clone(), Set::new()));
                at
            }
        };
        &mut self.children[at].1
    }

    /// Inserts a whole path.
    pub fn insert(&mut self, path: &[PathElement]) {
        match path {
            [] => {}
            [last] => self.insert_member(last.clone()),
            [first, rest @ ..] => self.descend(first).insert(rest),
        }
    }

    pub fn has(&self, path: &[PathElement]) -> bool {
        match path {
            [] => false,
            [last] => self.member_position(last).is_ok(),
            [first, rest @ ..] => self.child(first).is_some_and(|c| c.has(rest)),
        }
    }

    /// Whether `path` or anything below it is in the set.
    pub fn has_at_or_below(&self, path: &[PathElement]) -> bool {
        match path {
            [] => !self.is_empty(),
            [last] => self.member_position(last).is_ok() || self.child(last).is_some(),
            [first, rest @ ..] => self.child(first).is_some_and(|c| c.has_at_or_below(rest)),
        }
    }

    /// The descendants under `pe`.
    pub fn child(&self, pe: &PathElement) -> Option<&Set> {
        self.child_position(pe).ok().map(|at| &self.children[at].1)
    }

    pub fn union(&self, other: &Set) -> Set {
        Set {
            members: merge_sorted(&self.members, &other.members, |a, b| a.compare(b), true),
            children: merge_children(&self.children, &other.children, |a, b| Some(a.union(b))),
        }
    }

    pub fn intersection(&self, other: &Set) -> Set {
        let members = self
            .members
            .iter()
            .filter(|m| other.member_position(m).is_ok())
            .cloned()
            .collect();
        let children = self
            .children
            .iter()
            .filter_map(|(pe, c)| {
                let both = c.intersection(other.child(pe)?);
                (!both.is_empty()).then(|| (pe.clone(), both))
            })
            .collect();
        Set { members, children }
    }

    pub fn difference(&self, other: &Set) -> Set {
        let members = self
            .members
            .iter()
            .filter(|m| other.member_position(m).is_err())
            .cloned()
            .collect();
        let children = self
            .children
            .iter()
            .filter_map(|(pe, c)| match other.child(pe) {
                None => Some((pe.clone(), c.clone())),
                Some(o) => {
                    let rest = c.difference(o);
                    (!rest.is_empty()).then(|| (pe.clone(), rest))
                }
            })
            .collect();
        Set { members, children }
    }

    /// Removes the member `pe` of this node (not its descendants).
    pub fn remove_member(&mut self, pe: &PathElement) {
        if let Ok(at) = self.member_position(pe) {
            self.members.remove(at);
        }
    }

    /// Removes everything at or below `pe`.
    pub fn remove_subtree(&mut self, pe: &PathElement) {
        self.remove_member(pe);
        if let Ok(at) = self.child_position(pe) {
            self.children.remove(at);
        }
    }

    /// Keeps only what is at or below `pe`.
    pub fn retain_subtree(&mut self, pe: &PathElement) {
        self.members.retain(|m| m == pe);
        self.children.retain(|(c, _)| c == pe);
    }

    /// Mutable descendants under `pe`, when present; empty children are dropped by
    /// [`Set::prune_empty`].
    pub fn child_mut(&mut self, pe: &PathElement) -> Option<&mut Set> {
        let at = self.child_position(pe).ok()?;
        Some(&mut self.children[at].1)
    }

    /// Drops children left empty by removals.
    pub fn prune_empty(&mut self) {
        self.children.retain_mut(|(_, c)| {
            c.prune_empty();
            !c.is_empty()
        });
    }

    /// Every path, in upstream's iteration order: a node's members, then its children.
    pub fn paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        let mut prefix = Vec::new();
        self.collect_paths(&mut prefix, &mut out);
        out
    }

    fn collect_paths(&self, prefix: &mut Vec<PathElement>, out: &mut Vec<Path>) {
        for m in &self.members {
            let mut path = prefix.clone();
            path.push(m.clone());
            out.push(Path(path));
        }
        for (pe, c) in &self.children {
            prefix.push(pe.clone());
            c.collect_paths(prefix, out);
            prefix.pop();
        }
    }

    /// Members of this node (owned themselves).
    pub fn members(&self) -> &[PathElement] {
        &self.members
    }

    /// Children of this node.
    pub fn children(&self) -> &[(PathElement, Set)] {
        &self.children
    }

    /// The `FieldsV1` JSON text, with upstream's key order (the `.` of a node last).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        self.emit_json(false, &mut out);
        out.push('}');
        out
    }

    fn emit_json(&self, include_self: bool, out: &mut String) {
        let mut first = true;
        let mut key = String::new();
        let mut sep = |out: &mut String| {
            if !std::mem::take(&mut first) {
                out.push(',');
            }
        };
        let (mut mi, mut ci) = (0, 0);
        while mi < self.members.len() || ci < self.children.len() {
            let order = match (self.members.get(mi), self.children.get(ci)) {
                (Some(m), Some((c, _))) => m.compare(c),
                (Some(_), None) => Ordering::Less,
                _ => Ordering::Greater,
            };
            sep(out);
            key.clear();
            let (pe, child, is_member) = match order {
                Ordering::Less => {
                    mi += 1;
                    (&self.members[mi - 1], None, true)
                }
                Ordering::Greater => {
                    ci += 1;
                    (
                        &self.children[ci - 1].0,
                        Some(&self.children[ci - 1].1),
                        false,
                    )
                }
                Ordering::Equal => {
                    mi += 1;
                    ci += 1;
                    (
                        &self.children[ci - 1].0,
                        Some(&self.children[ci - 1].1),
                        true,
                    )
                }
            };
            pe.serialize_into(&mut key);
            out.push_str(&Value::String(std::mem::take(&mut key)).to_string());
            out.push_str(":{");
            if let Some(child) = child {
                child.emit_json(is_member, out);
            }
            out.push('}');
        }
        if include_self && !first {
            out.push_str(",\".\":{}");
        }
    }

    /// The `FieldsV1` object as a JSON value.
    pub fn to_value(&self) -> Value {
        Value::Object(self.to_map(false))
    }

    fn to_map(&self, include_self: bool) -> Map<String, Value> {
        let mut map = Map::new();
        for m in &self.members {
            map.insert(m.serialize(), Value::Object(Map::new()));
        }
        for (pe, c) in &self.children {
            let is_member = self.member_position(pe).is_ok();
            map.insert(pe.serialize(), Value::Object(c.to_map(is_member)));
        }
        if include_self && !map.is_empty() {
            map.insert(".".to_string(), Value::Object(Map::new()));
        }
        map
    }

    /// Reads a `FieldsV1` object.
    pub fn from_value(value: &Value) -> Result<Set, String> {
        let Value::Object(map) = value else {
            return Err("FieldsV1 must be a JSON object".to_string());
        };
        Ok(read_node(map).0.unwrap_or_default())
    }
}

/// Reads one node: its children (if any) and whether it is itself a member.
fn read_node(map: &Map<String, Value>) -> (Option<Set>, bool) {
    let mut children: Option<Set> = None;
    let mut is_member = false;
    for (key, value) in map {
        if key == "." {
            is_member = true;
            continue;
        }
        let pe = match PathElement::parse(key) {
            Ok(Some(pe)) => pe,
            _ => continue,
        };
        let (grandchildren, child_is_member) = match value {
            Value::Object(m) => read_node(m),
            _ => (None, true),
        };
        let set = children.get_or_insert_with(Set::new);
        if child_is_member {
            set.insert_member(pe.clone());
        }
        if let Some(g) = grandchildren {
            set.insert_child(pe, g);
        }
    }
    if children.is_none() {
        is_member = true;
    }
    (children, is_member)
}

fn merge_sorted<T: Clone>(
    a: &[T],
    b: &[T],
    cmp: impl Fn(&T, &T) -> Ordering,
    _dedupe: bool,
) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match cmp(&a[i], &b[j]) {
            Ordering::Less => {
                out.push(a[i].clone());
                i += 1;
            }
            Ordering::Greater => {
                out.push(b[j].clone());
                j += 1;
            }
            Ordering::Equal => {
                out.push(a[i].clone());
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

fn merge_children(
    a: &[(PathElement, Set)],
    b: &[(PathElement, Set)],
    both: impl Fn(&Set, &Set) -> Option<Set>,
) -> Vec<(PathElement, Set)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.compare(&b[j].0) {
            Ordering::Less => {
                out.push(a[i].clone());
                i += 1;
            }
            Ordering::Greater => {
                out.push(b[j].clone());
                j += 1;
            }
            Ordering::Equal => {
                if let Some(s) = both(&a[i].1, &b[j].1) {
                    out.push((a[i].0.clone(), s));
                }
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}
