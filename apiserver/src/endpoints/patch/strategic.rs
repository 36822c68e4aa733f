//! Strategic merge patch (`application/strategic-merge-patch+json`), applied on the
//! server side the way upstream's `strategicpatch.StrategicMergeMapPatch` does:
//! parallel lists (`$setElementOrder/…`, `$deleteFromPrimitiveList/…`) are merged and
//! nulls that match nothing in the original are dropped.
//!
//! Ported semantics (not code) of k8s.io/apimachinery/pkg/util/strategicpatch/patch.go.

use serde_json::{Map, Value};

use super::PatchError;
use super::schema::{PatchMeta, Schema};

const DIRECTIVE_MARKER: &str = "$patch";
const DELETE_DIRECTIVE: &str = "delete";
const REPLACE_DIRECTIVE: &str = "replace";
const MERGE_DIRECTIVE: &str = "merge";
const RETAIN_KEYS_DIRECTIVE: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST_PREFIX: &str = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER_PREFIX: &str = "$setElementOrder";

// Upstream's sentinel errors (k8s.io/apimachinery/pkg/util/mergepatch/errors.go).
pub(super) const ERR_BAD_JSON_DOC: &str = "invalid JSON document";
const ERR_NO_LIST_OF_LISTS: &str = "lists of lists are not supported";
const ERR_BAD_PATCH_FORMAT_PRIMITIVE_LIST: &str = "invalid patch format of primitive list";
const ERR_BAD_PATCH_FORMAT_RETAIN_KEYS: &str = "invalid patch format of retainKeys";
const ERR_BAD_PATCH_FORMAT_SET_ELEMENT_ORDER: &str = "invalid patch format of setElementOrder list";

type Result<T> = std::result::Result<T, PatchError>;

/// Applies a decoded strategic merge patch to `original` under `schema`.
pub fn merge_object(
    original: Map<String, Value>,
    patch: Map<String, Value>,
    schema: Schema,
) -> Result<Map<String, Value>> {
    merge_map(original, patch, schema)
}

fn internal(msg: impl Into<String>) -> PatchError {
    PatchError::Internal(msg.into())
}

fn bad_request(msg: &str) -> PatchError {
    PatchError::BadRequest(msg.to_string())
}

/// JSON kind of a value, distinguishing integers from floats like Go's decoder does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cat {
    Null,
    Bool,
    Int,
    Float,
    Str,
    List,
    Obj,
}

fn cat(v: &Value) -> Cat {
    match v {
        Value::Null => Cat::Null,
        Value::Bool(_) => Cat::Bool,
        Value::Number(n) if n.is_f64() => Cat::Float,
        Value::Number(_) => Cat::Int,
        Value::String(_) => Cat::Str,
        Value::Array(_) => Cat::List,
        Value::Object(_) => Cat::Obj,
    }
}

/// Go's name for the dynamic type of a decoded JSON value (for error messages).
fn go_type(v: &Value) -> &'static str {
    match cat(v) {
        Cat::Null => "%!s(<nil>)",
        Cat::Bool => "bool",
        Cat::Int => "int64",
        Cat::Float => "float64",
        Cat::Str => "string",
        Cat::List => "[]interface {}",
        Cat::Obj => "map[string]interface {}",
    }
}

const GO_MAP: &str = "map[string]interface {}";
const GO_SLICE: &str = "[]interface {}";

fn err_bad_arg_type(expected: &str, actual: &Value) -> PatchError {
    internal(format!(
        "expected a {expected}, but received a {}",
        go_type(actual)
    ))
}

fn err_no_merge_key(m: &Map<String, Value>, key: &str) -> PatchError {
    internal(format!(
        "map: {} does not contain declared merge key: {key}",
        go_fmt_map(m)
    ))
}

/// Formats a value like Go's `%v` on `interface{}` decoded from JSON.
pub(super) fn go_fmt(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => go_fmt_float(f),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_fmt).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => go_fmt_map(m),
    }
}

fn go_fmt_float(f: f64) -> String {
    let a = f.abs();
    if a != 0.0 && !(1e-4..1e21).contains(&a) {
        format!("{f:e}")
    } else {
        format!("{f}")
    }
}

fn go_fmt_map(m: &Map<String, Value>) -> String {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    let parts: Vec<String> = keys
        .iter()
        .map(|k| format!("{k}:{}", go_fmt(&m[k.as_str()])))
        .collect();
    format!("map[{}]", parts.join(" "))
}

fn is_directive_key(k: &str) -> bool {
    k == DIRECTIVE_MARKER
        || k == RETAIN_KEYS_DIRECTIVE
        || k.starts_with(SET_ELEMENT_ORDER_PREFIX)
        || k.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
}

/// Removes directive keys and null members from content that is copied verbatim into
/// the result. Upstream leaves them in its intermediate map and they vanish when the map
/// is decoded into the typed object; our objects stay JSON, so drop them here.
fn strip_directive_keys(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, v| !is_directive_key(k) && !v.is_null());
            m.values_mut().for_each(strip_directive_keys);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_directive_keys),
        _ => {}
    }
}

/// Drops maps that carry `$patch` (and list items that are such maps); `None` = drop.
fn remove_directives(v: Value) -> Option<Value> {
    match v {
        Value::Object(m) => {
            if m.contains_key(DIRECTIVE_MARKER) {
                return None;
            }
            let mut out = Map::new();
            for (k, v) in m {
                if let Some(v) = remove_directives(v) {
                    out.insert(k, v);
                }
            }
            Some(Value::Object(out))
        }
        Value::Array(a) => Some(Value::Array(
            a.into_iter().filter_map(remove_directives).collect(),
        )),
        v => Some(v),
    }
}

/// Removes null object members at every depth.
fn discard_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(discard_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(discard_nulls),
        _ => {}
    }
}

/// Value taken from the patch where the original has nothing to merge with.
fn new_value(mut v: Value) -> Option<Value> {
    discard_nulls(&mut v);
    let mut v = remove_directives(v)?;
    strip_directive_keys(&mut v);
    Some(v)
}

/// Splits `"<prefix>/<key>"`, with the upstream error for a malformed key.
fn extract_key<'a>(s: &'a str, prefix: &str) -> Result<&'a str> {
    match s.split_once('/') {
        Some((p, rest)) if p == prefix => Ok(rest),
        _ if prefix == DELETE_FROM_PRIMITIVE_LIST_PREFIX => {
            Err(bad_request(ERR_BAD_PATCH_FORMAT_PRIMITIVE_LIST))
        }
        _ => Err(bad_request(ERR_BAD_PATCH_FORMAT_SET_ELEMENT_ORDER)),
    }
}

fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    schema: Schema,
) -> Result<Map<String, Value>> {
    if let Some(directive) = patch.get(DIRECTIVE_MARKER) {
        return match directive.as_str() {
            Some(REPLACE_DIRECTIVE) => {
                patch.remove(DIRECTIVE_MARKER);
                Ok(patch)
            }
            Some(DELETE_DIRECTIVE) => Ok(Map::new()),
            _ => Err(internal(format!(
                "unknown patch type: {} in map: {}",
                go_fmt(directive),
                go_fmt_map(&patch)
            ))),
        };
    }
    apply_retain_keys(&mut original, &mut patch)?;
    merge_set_element_order(&mut original, &mut patch, schema)?;

    for (key, patch_v) in patch {
        let mut is_delete_list = false;
        let mut k = key.as_str();
        if key.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX) {
            is_delete_list = true;
            let stripped = extract_key(&key, DELETE_FROM_PRIMITIVE_LIST_PREFIX)?;
            if !stripped.is_empty() {
                k = stripped;
            }
        }
        if patch_v.is_null() {
            original.remove(k);
            continue;
        }
        let Some(orig_v) = original.get(k) else {
            if !is_delete_list && let Some(v) = new_value(patch_v) {
                original.insert(k.to_string(), v);
            }
            continue;
        };
        if cat(orig_v) != cat(&patch_v) {
            if !is_delete_list {
                match new_value(patch_v) {
                    Some(v) => original.insert(k.to_string(), v),
                    None => original.remove(k),
                };
            }
            continue;
        }
        let orig_v = original.remove(k).unwrap_or(Value::Null);
        let merged = match (orig_v, patch_v) {
            (Value::Object(o), Value::Object(p)) => {
                let (sub, meta) = schema.lookup(k);
                if meta.replace {
                    Value::Object(p)
                } else {
                    Value::Object(merge_map(o, p, sub)?)
                }
            }
            (Value::Array(o), Value::Array(p)) => {
                let (sub, meta) = schema.lookup(k);
                Value::Array(merge_slice_handler(o, p, sub, meta, is_delete_list, None)?)
            }
            (_, p) => p,
        };
        original.insert(k.to_string(), merged);
    }
    Ok(original)
}

fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
) -> Result<()> {
    let Some(retain) = patch.remove(RETAIN_KEYS_DIRECTIVE) else {
        return Ok(());
    };
    let Value::Array(list) = retain else {
        return Err(bad_request(ERR_BAD_PATCH_FORMAT_RETAIN_KEYS));
    };
    let keep = |k: &str| list.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
            || k.starts_with(SET_ELEMENT_ORDER_PREFIX)
        {
            continue;
        }
        if !keep(k) {
            return Err(bad_request(ERR_BAD_PATCH_FORMAT_RETAIN_KEYS));
        }
    }
    original.retain(|k, _| keep(k));
    Ok(())
}

fn merge_slice_handler(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: Schema,
    meta: PatchMeta,
    is_delete_list: bool,
    live_view: Option<&mut Vec<Value>>,
) -> Result<Vec<Value>> {
    if meta.merge || is_delete_list {
        merge_slice(
            original,
            patch,
            schema,
            meta.merge_key,
            is_delete_list,
            live_view,
        )
    } else {
        let mut v = Value::Array(patch);
        strip_directive_keys(&mut v);
        match v {
            Value::Array(a) => Ok(a),
            _ => Ok(Vec::new()),
        }
    }
}

/// Element kind of one or more lists; errors on mixed kinds and lists of lists.
fn slice_element_type(slices: &[&[Value]]) -> Result<Cat> {
    let mut prev: Option<Cat> = None;
    for s in slices {
        for v in s.iter() {
            let c = cat(v);
            match prev {
                None => {
                    if c == Cat::List {
                        return Err(PatchError::Unprocessable {
                            detail: ERR_NO_LIST_OF_LISTS.to_string(),
                        });
                    }
                    if c == Cat::Null {
                        return Err(internal(not_identical(slices)));
                    }
                    prev = Some(c);
                }
                Some(p) if p != c => return Err(internal(not_identical(slices))),
                Some(_) => {}
            }
        }
    }
    prev.ok_or_else(|| internal("no elements in any of the given slices"))
}

fn not_identical(slices: &[&[Value]]) -> String {
    let parts: Vec<String> = slices
        .iter()
        .map(|s| go_fmt(&Value::Array(s.to_vec())))
        .collect();
    format!(
        "list element types are not identical: [{}]",
        parts.join(" ")
    )
}

/// Merges a list under `patchStrategy: merge`.
///
/// `live_view`, when given, receives what upstream's caller observes of the original list
/// afterwards: Go removes deleted items by shifting them out in place and appends new
/// items into the freed slots of the same backing array, and `$setElementOrder` then
/// orders server-only items by that view. We model a backing array exactly as long as the
/// list.
fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: Schema,
    merge_key: &str,
    is_delete_list: bool,
    live_view: Option<&mut Vec<Value>>,
) -> Result<Vec<Value>> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let kind = slice_element_type(&[&original, &patch])?;
    let (original, patch, merged) = if kind != Cat::Obj {
        if is_delete_list {
            return Ok(original
                .into_iter()
                .filter(|v| !patch.contains(v))
                .collect());
        }
        let mut merged: Vec<Value> = Vec::with_capacity(original.len() + patch.len());
        for v in original.iter().chain(patch.iter()) {
            if !merged.contains(v) {
                merged.push(v.clone());
            }
        }
        (original, patch, merged)
    } else {
        if merge_key.is_empty() {
            return Err(internal(format!(
                "cannot merge lists without merge key for {}",
                schema.name()
            )));
        }
        let special = merge_slice_special_elements(original, patch, merge_key)?;
        let (merged, appended) = merge_slice_plain_elements(
            special.original.clone(),
            &special.patch,
            merge_key,
            schema,
        )?;
        if let Some(view) = live_view {
            let mut backing = special.backing;
            if !special.replaced {
                let free = backing.len() - special.original.len();
                let start = special.original.len();
                for (slot, item) in backing[start..]
                    .iter_mut()
                    .zip(appended.into_iter().take(free))
                {
                    *slot = item;
                }
            }
            *view = backing;
        }
        (special.original, special.patch, merged)
    };
    let (patch_items, server_only) = if merge_key.is_empty() {
        partition_primitives(merged, &patch)
    } else {
        partition_maps(merged, &patch, merge_key)?
    };
    normalize_element_order(patch_items, server_only, &patch, &original, merge_key, kind)
}

/// A merging list after its `$patch` elements were handled.
struct SpecialElements {
    /// The list to merge into (the live list minus deletions, or the replacement).
    original: Vec<Value>,
    /// The patch items without directives.
    patch: Vec<Value>,
    /// The live list's backing array after in-place deletions (see [`merge_slice`]).
    backing: Vec<Value>,
    /// `$patch: replace` was present.
    replaced: bool,
}

/// Handles `$patch` elements of a merging list of maps: deletions and `replace`.
fn merge_slice_special_elements(
    original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: &str,
) -> Result<SpecialElements> {
    let mut backing = original;
    let mut len = backing.len();
    let mut plain = Vec::with_capacity(patch.len());
    let mut replace = false;
    for v in patch {
        let Value::Object(m) = &v else {
            return Err(err_bad_arg_type(GO_MAP, &v));
        };
        let Some(directive) = m.get(DIRECTIVE_MARKER) else {
            plain.push(v);
            continue;
        };
        match directive.as_str() {
            Some(DELETE_DIRECTIVE) => {
                let Some(key_value) = m.get(merge_key) else {
                    return Err(err_no_merge_key(m, merge_key));
                };
                // Shift matches out in place, leaving stale copies at the tail like Go's
                // `append(s[:i], s[i+1:]...)`.
                while let Some(i) = find_by_key(&backing[..len], merge_key, key_value)? {
                    for j in i..len - 1 {
                        backing[j] = backing[j + 1].clone();
                    }
                    len -= 1;
                }
            }
            Some(REPLACE_DIRECTIVE) => replace = true,
            Some(MERGE_DIRECTIVE) => {
                return Err(internal(
                    "merging lists cannot yet be specified in the patch",
                ));
            }
            _ => {
                return Err(internal(format!(
                    "unknown patch type: {} in map: {}",
                    go_fmt(directive),
                    go_fmt_map(m)
                )));
            }
        }
    }
    if replace {
        let mut list = Value::Array(plain);
        strip_directive_keys(&mut list);
        let Value::Array(list) = list else {
            unreachable!("an array stays an array")
        };
        return Ok(SpecialElements {
            original: list,
            patch: Vec::new(),
            backing,
            replaced: true,
        });
    }
    Ok(SpecialElements {
        original: backing[..len].to_vec(),
        patch: plain,
        backing,
        replaced: false,
    })
}

/// Finds the map in `list` whose `key` equals `value`.
fn find_by_key(list: &[Value], key: &str, value: &Value) -> Result<Option<usize>> {
    for (i, v) in list.iter().enumerate() {
        let Value::Object(m) = v else {
            return Err(internal(format!("value for key {i} is not a map")));
        };
        if m.get(key) == Some(value) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// Merges patch items into the items with the same merge key, appending the others.
/// Returns the merged list and the appended items.
fn merge_slice_plain_elements(
    mut original: Vec<Value>,
    patch: &[Value],
    merge_key: &str,
    schema: Schema,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut appended = Vec::new();
    for v in patch {
        let Value::Object(pm) = v else {
            return Err(err_bad_arg_type(GO_MAP, v));
        };
        let Some(key_value) = pm.get(merge_key) else {
            return Err(err_no_merge_key(pm, merge_key));
        };
        match find_by_key(&original, merge_key, key_value)? {
            Some(i) => {
                let Value::Object(om) = std::mem::take(&mut original[i]) else {
                    unreachable!("find_by_key only matches maps")
                };
                original[i] = Value::Object(merge_map(om, pm.clone(), schema)?);
            }
            None => {
                let mut item = v.clone();
                strip_directive_keys(&mut item);
                appended.push(item.clone());
                original.push(item);
            }
        }
    }
    Ok((original, appended))
}

fn partition_primitives(merged: Vec<Value>, by: &[Value]) -> (Vec<Value>, Vec<Value>) {
    merged.into_iter().partition(|v| by.contains(v))
}

fn partition_maps(
    merged: Vec<Value>,
    by: &[Value],
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut in_patch = Vec::new();
    let mut server_only = Vec::new();
    for v in merged {
        let Value::Object(m) = &v else {
            return Err(err_bad_arg_type(GO_MAP, &v));
        };
        let Some(key_value) = m.get(merge_key) else {
            return Err(err_no_merge_key(m, merge_key));
        };
        if find_by_key(by, merge_key, key_value)?.is_some() {
            in_patch.push(v);
        } else {
            server_only.push(v);
        }
    }
    Ok((in_patch, server_only))
}

/// The identity an item is ordered by: its merge key value for maps, itself otherwise.
fn order_key<'a>(v: &'a Value, merge_key: &str, kind: Cat) -> Option<&'a Value> {
    if kind == Cat::Obj {
        v.as_object().and_then(|m| m.get(merge_key))
    } else {
        Some(v)
    }
}

fn index_of(list: &[Value], v: &Value, merge_key: &str, kind: Cat) -> Option<usize> {
    let want = order_key(v, merge_key, kind);
    list.iter()
        .position(|x| order_key(x, merge_key, kind) == want)
}

fn validate_merge_key(merge_key: &str, list: &[Value]) -> Result<()> {
    for item in list {
        let Value::Object(m) = item else {
            return Err(err_bad_arg_type(GO_MAP, item));
        };
        if !m.contains_key(merge_key) {
            return Err(err_no_merge_key(m, merge_key));
        }
    }
    Ok(())
}

/// Sorts `to_sort` by position in `order` (stable; deletions go last).
fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    kind: Cat,
) -> Result<Vec<Value>> {
    let (mut keep, to_delete) = if kind == Cat::Obj {
        validate_merge_key(merge_key, &to_sort)?;
        validate_merge_key(merge_key, order)?;
        to_sort.into_iter().partition::<Vec<_>, _>(|v| {
            v.get(DIRECTIVE_MARKER).and_then(Value::as_str) != Some(DELETE_DIRECTIVE)
        })
    } else {
        (to_sort, Vec::new())
    };
    keep.sort_by_key(|v| index_of(order, v, merge_key, kind).unwrap_or(usize::MAX));
    keep.extend(to_delete);
    Ok(keep)
}

/// Orders the patch items by `patch_order` and the server-only items by `server_order`,
/// then interleaves them: a server-only item goes before a patch item only when both
/// are in the live list and it came first there.
fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
    kind: Cat,
) -> Result<Vec<Value>> {
    let right = normalize_slice_order(patch, patch_order, merge_key, kind)?;
    let left = normalize_slice_order(server_only, server_order, merge_key, kind)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => matches!(
                (index_of(server_order, l, merge_key, kind), index_of(server_order, r, merge_key, kind)),
                (Some(li), Some(ri)) if li < ri
            ),
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    Ok(out)
}

/// `$setElementOrder/<field>`: merge the field's list and impose the given order.
fn merge_set_element_order(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: Schema,
) -> Result<()> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER_PREFIX))
        .cloned()
        .collect();
    for key in keys {
        let order_v = patch.remove(&key).unwrap_or(Value::Null);
        let Value::Array(order) = order_v else {
            return Err(err_bad_arg_type(GO_SLICE, &order_v));
        };
        let field = extract_key(&key, SET_ELEMENT_ORDER_PREFIX)?.to_string();
        let orig_list = match original.get(&field) {
            None => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => return Err(err_bad_arg_type(GO_SLICE, other)),
        };
        let patch_list = match patch.get(&field) {
            None => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => return Err(err_bad_arg_type(GO_SLICE, other)),
        };
        let (sub, meta) = schema.lookup(&field);
        validate_with_set_order(patch_list.as_deref().unwrap_or(&[]), &order, meta.merge_key)?;
        let mut orig_vals = orig_list.clone().unwrap_or_default();
        let patch_vals = patch_list.clone().unwrap_or_default();
        let kind = slice_element_type(&[&orig_vals, &patch_vals]);
        let merged = match (orig_list, patch_list) {
            (Some(o), None) => o,
            (None, Some(p)) => match remove_directives(Value::Array(p)).and_then(new_value) {
                Some(Value::Array(a)) => a,
                _ => Vec::new(),
            },
            (Some(o), Some(p)) => {
                merge_slice_handler(o, p, sub, meta, false, Some(&mut orig_vals))?
            }
            (None, None) => continue,
        };
        let (patch_items, server_only) = if meta.merge_key.is_empty() {
            partition_primitives(merged, &order)
        } else {
            partition_maps(merged, &order, meta.merge_key)?
        };
        let kind = kind?;
        let both = normalize_element_order(
            patch_items,
            server_only,
            &order,
            &orig_vals,
            meta.merge_key,
            kind,
        )?;
        original.insert(field.clone(), Value::Array(both));
        patch.remove(&field);
    }
    Ok(())
}

fn merge_key_equal(left: &Value, right: &Value, merge_key: &str) -> Result<bool> {
    if merge_key.is_empty() {
        return Ok(left == right);
    }
    let Value::Object(l) = left else {
        return Err(err_bad_arg_type(GO_MAP, left));
    };
    let Value::Object(r) = right else {
        return Err(err_bad_arg_type(GO_MAP, right));
    };
    let lv = l
        .get(merge_key)
        .ok_or_else(|| err_no_merge_key(l, merge_key))?;
    let rv = r
        .get(merge_key)
        .ok_or_else(|| err_no_merge_key(r, merge_key))?;
    Ok(lv == rv)
}

/// The non-deleted patch items must appear, in order, in the `$setElementOrder` list.
fn validate_with_set_order(patch: &[Value], order: &[Value], merge_key: &str) -> Result<()> {
    if patch.is_empty() || order.is_empty() {
        return Ok(());
    }
    let mut non_delete = Vec::with_capacity(patch.len());
    for v in patch {
        if !merge_key.is_empty() {
            if !v.is_object() {
                return Err(err_bad_arg_type(GO_MAP, v));
            }
            if v.get(DIRECTIVE_MARKER).and_then(Value::as_str) == Some(DELETE_DIRECTIVE) {
                continue;
            }
        }
        non_delete.push(v);
    }
    let (mut pi, mut oi) = (0, 0);
    while pi < non_delete.len() && oi < order.len() {
        if non_delete[pi].get(DIRECTIVE_MARKER).is_some() {
            pi += 1;
            continue;
        }
        if merge_key_equal(non_delete[pi], &order[oi], merge_key)? {
            pi += 1;
        }
        oi += 1;
    }
    if pi < non_delete.len() {
        return Err(internal(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER_PREFIX} list:\n{}\n",
            go_fmt(&Value::Array(patch.to_vec())),
            go_fmt(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}
