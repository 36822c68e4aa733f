//! Small helpers that give Go decoding semantics to `serde_json::Value` trees.
//!
//! Upstream defaulters run on typed Go structs, so three kinds of fields exist:
//!
//! * struct fields (never nil): an absent or `null` key decodes to the zero struct, so the
//!   defaulter still descends into it. [`child_struct`] creates `{}` for such keys.
//! * pointer fields: `nil` when the key is absent or `null`. [`child_ptr`] only descends into
//!   objects that are present.
//! * scalars and collections: "zero" means absent, `null`, `""`, `0`, `false`, `[]` or `{}`
//!   depending on the Go type.
//!
//! A value of the wrong JSON type is never touched: upstream would fail to decode it and
//! validation reports it later.

use serde_json::{Map, Value};

/// A JSON object.
pub(super) type Obj = Map<String, Value>;

/// True when the key is absent or `null` (a nil Go pointer, slice or map).
pub(super) fn is_nil(m: &Obj, key: &str) -> bool {
    matches!(m.get(key), None | Some(Value::Null))
}

/// True when a Go string field is the zero value (absent, `null` or `""`).
pub(super) fn is_empty_str(m: &Obj, key: &str) -> bool {
    match m.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        _ => false,
    }
}

/// True when a Go integer field is the zero value (absent, `null` or `0`).
pub(super) fn is_zero_num(m: &Obj, key: &str) -> bool {
    match m.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

/// True when a Go slice or map has length zero (absent, `null`, `[]` or `{}`).
pub(super) fn is_empty_coll(m: &Obj, key: &str) -> bool {
    match m.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        _ => false,
    }
}

/// The string value of a Go string field; zero values read as `""`, wrong types as `None`.
pub(super) fn str_of<'a>(m: &'a Obj, key: &str) -> Option<&'a str> {
    match m.get(key) {
        None | Some(Value::Null) => Some(""),
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    }
}

/// Sets a pointer field when it is nil.
pub(super) fn default_ptr(m: &mut Obj, key: &str, value: Value) {
    if is_nil(m, key) {
        m.insert(key.to_owned(), value);
    }
}

/// Sets a string field when it is the empty string.
pub(super) fn default_str(m: &mut Obj, key: &str, value: &str) {
    if is_empty_str(m, key) {
        m.insert(key.to_owned(), Value::String(value.to_owned()));
    }
}

/// Sets an integer field when it is zero.
pub(super) fn default_num(m: &mut Obj, key: &str, value: i64) {
    if is_zero_num(m, key) {
        m.insert(key.to_owned(), Value::from(value));
    }
}

/// Descends into a struct-typed field, creating `{}` when it is absent or `null`.
/// Returns `None` when the field holds a non-object value.
pub(super) fn child_struct<'a>(m: &'a mut Obj, key: &str) -> Option<&'a mut Obj> {
    if is_nil(m, key) {
        m.insert(key.to_owned(), Value::Object(Obj::new()));
    }
    m.get_mut(key).and_then(Value::as_object_mut)
}

/// Descends into a pointer-typed field only when it holds an object.
pub(super) fn child_ptr<'a>(m: &'a mut Obj, key: &str) -> Option<&'a mut Obj> {
    m.get_mut(key).and_then(Value::as_object_mut)
}

/// Follows a path of struct-typed fields, creating each level like [`child_struct`].
pub(super) fn path_struct<'a>(m: &'a mut Obj, path: &[&str]) -> Option<&'a mut Obj> {
    let mut cur = m;
    for key in path {
        cur = child_struct(cur, key)?;
    }
    Some(cur)
}

/// The elements of a slice-of-structs field. A `null` element decodes to the zero struct
/// upstream, so it is replaced by `{}`; elements of other types are skipped.
pub(super) fn items_mut<'a>(m: &'a mut Obj, key: &str) -> impl Iterator<Item = &'a mut Obj> {
    let arr = match m.get_mut(key) {
        Some(Value::Array(a)) => Some(a),
        _ => None,
    };
    arr.into_iter().flat_map(|a| {
        a.iter_mut().filter_map(|v| {
            if v.is_null() {
                *v = Value::Object(Obj::new());
            }
            v.as_object_mut()
        })
    })
}

/// A non-empty JSON object held by `key`, cloned (used for copying label maps).
pub(super) fn nonempty_map(m: &Obj, key: &str) -> Option<Obj> {
    match m.get(key) {
        Some(Value::Object(o)) if !o.is_empty() => Some(o.clone()),
        _ => None,
    }
}
