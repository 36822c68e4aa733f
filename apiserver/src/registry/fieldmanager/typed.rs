//! Walks over objects by their schema, as structured-merge-diff's `typed` package: the field
//! set of an applied configuration, the comparison of two objects (added, modified and
//! removed paths), the merge of an applied configuration into a live object, and the removal
//! of a set of paths from an object.

use serde_json::{Map, Value};

use super::fieldpath::{PathElement, Set};
use super::schema::{Keys, MapNode, Node, Shape};

/// What changed between two objects.
#[derive(Debug, Default)]
pub struct Comparison {
    pub added: Set,
    pub modified: Set,
    pub removed: Set,
}

impl Comparison {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.modified.is_empty() && self.removed.is_empty()
    }

    fn attach(&mut self, pe: &PathElement, child: Comparison) {
        if child.added.is_empty() && child.modified.is_empty() && child.removed.is_empty() {
            return;
        }
        self.added.insert_child(pe.clone(), child.added);
        self.modified.insert_child(pe.clone(), child.modified);
        self.removed.insert_child(pe.clone(), child.removed);
    }

    /// Added and modified paths: what a write takes from other managers.
    pub fn changed(&self) -> Set {
        self.added.union(&self.modified)
    }
}

/// The path element of a list element: its keys, or its value for a set.
pub fn element_path(keys: Keys<'_>, index: usize, element: &Value) -> PathElement {
    if keys.is_empty() {
        return match element {
            Value::Object(_) | Value::Array(_) => PathElement::Index(index),
            other => PathElement::Value(other.clone()),
        };
    }
    match element {
        Value::Object(fields) => {
            // A key the element leaves out takes the schema's default, as upstream.
            let mut key: Vec<(String, Value)> = keys
                .iter()
                .enumerate()
                .filter_map(|(i, k)| {
                    let value = fields.get(k).cloned().or_else(|| keys.default(i))?;
                    Some((k.to_owned(), value))
                })
                .collect();
            key.sort_by(|a, b| a.0.cmp(&b.0));
            PathElement::Key(key)
        }
        _ => PathElement::Index(index),
    }
}

/// The elements of an associative list with their path elements; repeated ones are skipped.
fn index_list<'v>(keys: Keys<'_>, list: &'v [Value]) -> Vec<(PathElement, &'v Value)> {
    let mut out: Vec<(PathElement, &Value)> = Vec::with_capacity(list.len());
    for (i, element) in list.iter().enumerate() {
        let pe = element_path(keys, i, element);
        if !out.iter().any(|(seen, _)| *seen == pe) {
            out.push((pe, element));
        }
    }
    out
}

fn is_empty_container(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => m.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

/// Compares `lhs` (before) with `rhs` (after), both whole objects at `root`.
pub fn compare(lhs: Option<&Value>, rhs: &Value, root: Node<'_>) -> Comparison {
    let mut out = Comparison::default();
    if let Shape::Map(map) = root.shape(rhs) {
        compare_maps(
            lhs.and_then(Value::as_object),
            rhs.as_object(),
            map,
            &mut out,
        );
    }
    out
}

fn compare_maps(
    lhs: Option<&Map<String, Value>>,
    rhs: Option<&Map<String, Value>>,
    map: MapNode<'_>,
    out: &mut Comparison,
) {
    let empty = Map::new();
    let (l, r) = (lhs.unwrap_or(&empty), rhs.unwrap_or(&empty));
    let mut li = l.iter().peekable();
    let mut ri = r.iter().peekable();
    // Both maps iterate in key order: walk them side by side.
    loop {
        let (key, lv, rv) = match (li.peek(), ri.peek()) {
            (Some((lk, _)), Some((rk, _))) => match lk.cmp(rk) {
                std::cmp::Ordering::Less => {
                    let (k, v) = li.next().unwrap_or_else(|| unreachable!());
                    (k, Some(v), None)
                }
                std::cmp::Ordering::Greater => {
                    let (k, v) = ri.next().unwrap_or_else(|| unreachable!());
                    (k, None, Some(v))
                }
                std::cmp::Ordering::Equal => {
                    let (k, lv) = li.next().unwrap_or_else(|| unreachable!());
                    let (_, rv) = ri.next().unwrap_or_else(|| unreachable!());
                    (k, Some(lv), Some(rv))
                }
            },
            (Some(_), None) => {
                let (k, v) = li.next().unwrap_or_else(|| unreachable!());
                (k, Some(v), None)
            }
            (None, Some(_)) => {
                let (k, v) = ri.next().unwrap_or_else(|| unreachable!());
                (k, None, Some(v))
            }
            (None, None) => break,
        };
        let (node, _) = map.child(key);
        compare_value(lv, rv, node, PathElement::Field(key.clone()), false, out);
    }
}

fn compare_value(
    lhs: Option<&Value>,
    rhs: Option<&Value>,
    node: Node<'_>,
    pe: PathElement,
    list_item: bool,
    out: &mut Comparison,
) {
    let leaf = |out: &mut Comparison, pe: PathElement| match (lhs, rhs) {
        (None, Some(_)) => out.added.insert_member(pe),
        (Some(_), None) => out.removed.insert_member(pe),
        (Some(l), Some(r)) if l != r => out.modified.insert_member(pe),
        _ => {}
    };
    let Some(sample) = rhs.or(lhs) else { return };
    if is_empty_container(lhs) && is_empty_container(rhs) {
        return leaf(out, pe);
    }
    let shape = node.shape(sample);
    // A value whose JSON type changed is compared as one unit.
    if let (Some(l), Some(r)) = (lhs, rhs)
        && std::mem::discriminant(l) != std::mem::discriminant(r)
    {
        return leaf(out, pe);
    }
    let mut child = Comparison::default();
    let track_self = match shape {
        Shape::Leaf => return leaf(out, pe),
        Shape::Map(map) => {
            compare_maps(
                lhs.and_then(Value::as_object),
                rhs.and_then(Value::as_object),
                map,
                &mut child,
            );
            // A list element is new or gone itself; a struct field of a built-in type
            // exists (zero-valued) in Go whenever its parent does.
            list_item || !map.is_builtin_struct()
        }
        Shape::List { element, keys } => {
            let none: &[Value] = &[];
            let l = index_list(
                keys,
                lhs.and_then(Value::as_array).map_or(none, Vec::as_slice),
            );
            let r = index_list(
                keys,
                rhs.and_then(Value::as_array).map_or(none, Vec::as_slice),
            );
            for (pe, rv) in &r {
                let lv = l.iter().find(|(p, _)| p == pe).map(|(_, v)| *v);
                compare_value(lv, Some(rv), element, pe.clone(), true, &mut child);
            }
            for (pe, lv) in &l {
                if !r.iter().any(|(p, _)| p == pe) {
                    compare_value(Some(lv), None, element, pe.clone(), true, &mut child);
                }
            }
            true
        }
    };
    if track_self {
        match (lhs, rhs) {
            (None, Some(_)) => out.added.insert_member(pe.clone()),
            (Some(_), None) => out.removed.insert_member(pe.clone()),
            _ => {}
        }
    }
    if !child.is_empty() {
        out.attach(&pe, child);
    }
}

/// The paths an applied configuration sets (upstream `ToFieldSet`).
pub fn field_set(config: &Value, root: Node<'_>) -> Set {
    let mut out = Set::new();
    if let (Shape::Map(map), Value::Object(fields)) = (root.shape(config), config) {
        map_field_set(fields, map, &mut out);
    }
    out
}

fn map_field_set(fields: &Map<String, Value>, map: MapNode<'_>, out: &mut Set) {
    for (key, value) in fields {
        let (node, declared) = map.child(key);
        let pe = PathElement::Field(key.clone());
        let empty = value.is_null() || value.as_object().is_some_and(Map::is_empty);
        value_field_set(value, node, &pe, out);
        if empty || !declared {
            out.insert_member(pe);
        }
    }
}

fn value_field_set(value: &Value, node: Node<'_>, pe: &PathElement, out: &mut Set) {
    match node.shape(value) {
        Shape::Leaf => out.insert_member(pe.clone()),
        Shape::Map(map) => {
            if let Value::Object(fields) = value {
                let mut child = Set::new();
                map_field_set(fields, map, &mut child);
                out.insert_child(pe.clone(), child);
            }
        }
        Shape::List { element, keys } => {
            if let Value::Array(items) = value {
                let mut child = Set::new();
                for (item_pe, item) in index_list(keys, items) {
                    value_field_set(item, element, &item_pe, &mut child);
                    child.insert_member(item_pe);
                }
                out.insert_child(pe.clone(), child);
            }
        }
    }
}

/// Merges an applied configuration into the live object (upstream `TypedValue.Merge`):
/// granular maps and structs merge field by field, associative lists element by element,
/// everything else is replaced.
pub fn merge(live: Option<&Value>, config: &Value, node: Node<'_>) -> Value {
    let Some(live) = live else {
        return without_nulls(config);
    };
    if std::mem::discriminant(live) != std::mem::discriminant(config) {
        return without_nulls(config);
    }
    match node.shape(config) {
        Shape::Leaf => config.clone(),
        Shape::Map(map) => {
            let (Value::Object(l), Value::Object(c)) = (live, config) else {
                return without_nulls(config);
            };
            let mut out = l.clone();
            for (key, value) in c {
                if value.is_null() {
                    out.remove(key);
                    continue;
                }
                let (child, _) = map.child(key);
                let merged = merge(l.get(key), value, child);
                out.insert(key.clone(), merged);
            }
            Value::Object(out)
        }
        Shape::List { element, keys } => {
            let (Value::Array(l), Value::Array(c)) = (live, config) else {
                return without_nulls(config);
            };
            Value::Array(merge_lists(l, c, element, keys))
        }
    }
}

/// Merges two associative lists in upstream's order: elements only the live list has stay
/// where they were; the others follow the applied order.
fn merge_lists(live: &[Value], config: &[Value], element: Node<'_>, keys: Keys<'_>) -> Vec<Value> {
    let lhs = index_list(keys, live);
    let rhs = index_list(keys, config);
    let in_rhs = |pe: &PathElement| rhs.iter().find(|(p, _)| p == pe).map(|(_, v)| *v);
    let in_lhs = |pe: &PathElement| lhs.iter().find(|(p, _)| p == pe).map(|(_, v)| *v);
    let mut shared = rhs
        .iter()
        .filter(|(pe, _)| in_lhs(pe).is_some())
        .map(|(pe, _)| pe);
    let mut next_shared = shared.next();
    let mut out = Vec::with_capacity(lhs.len().max(rhs.len()));
    let (mut li, mut ri) = (0, 0);
    while li < lhs.len() || ri < rhs.len() {
        if li < lhs.len() && ri < rhs.len() {
            let pe = &lhs[li].0;
            if *pe == rhs[ri].0 {
                out.push(merge(Some(lhs[li].1), rhs[ri].1, element));
                li += 1;
                ri += 1;
                next_shared = shared.next();
                continue;
            }
            if in_rhs(pe).is_some() && next_shared.is_some_and(|n| n != pe) {
                li += 1;
                continue;
            }
        }
        if li < lhs.len() && in_rhs(&lhs[li].0).is_none() {
            out.push(lhs[li].1.clone());
            li += 1;
            continue;
        }
        if ri < rhs.len() {
            let (pe, value) = &rhs[ri];
            out.push(merge(in_lhs(pe), value, element));
            ri += 1;
            if next_shared.is_some_and(|n| n == pe) {
                next_shared = shared.next();
            }
        } else {
            li += 1;
        }
    }
    out
}

fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Removes the members of `set` from `value` (upstream `RemoveItems`); list elements are
/// found by their keys, values or positions.
pub fn remove_items(value: &mut Value, set: &Set, node: Node<'_>) {
    match (node.shape(value), value) {
        (Shape::Map(map), Value::Object(fields)) => {
            for pe in set.members() {
                if let PathElement::Field(name) = pe {
                    fields.remove(name);
                }
            }
            for (pe, child) in set.children() {
                if let PathElement::Field(name) = pe
                    && let Some(v) = fields.get_mut(name)
                {
                    remove_items(v, child, map.child(name).0);
                }
            }
        }
        (Shape::List { element, keys }, Value::Array(items)) => {
            let paths: Vec<PathElement> = items
                .iter()
                .enumerate()
                .map(|(i, item)| element_path(keys, i, item))
                .collect();
            for (pe, child) in set.children() {
                if let Some(at) = paths.iter().position(|p| p == pe) {
                    remove_items(&mut items[at], child, element);
                }
            }
            let mut at = 0;
            items.retain(|_| {
                let keep = !set.members().contains(&paths[at]);
                at += 1;
                keep
            });
        }
        _ => {}
    }
}
