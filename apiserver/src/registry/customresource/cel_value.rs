//! The CEL values of a custom resource's JSON, typed by its [`Structural`] schema, as
//! upstream's `UnstructuredToVal`: `integer` is an `int`, `number` a `double` (whatever its JSON
//! spelling), int-or-string an `int` or a `string`, `format: byte` strings are `bytes`, objects
//! and maps are CEL maps with string keys, and the `metadata` of a resource root (the custom
//! resource or an embedded resource) shows only `name` and `generateName`, as upstream's
//! `WithTypeAndObjectMeta` declares it.
//!
//! Also here: the functions whose semantics the crate shares with upstream's environment (a
//! rule calling anything else is accepted and not enforced), and the static guard that stands
//! in for upstream's cost limits.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use cel::common::ast::{EntryExpr, Expr, IdedEntryExpr};
use cel::objects::{Key, Map};
use serde_json::Value;

use super::structural::Structural;

type CelValue = cel::Value;

/// Converts `value` by `schema`; `root` says whether the node is a resource root. With
/// `unordered`, the items of `set` and `map` lists are put in a canonical order (by value, by
/// key), so that equality ignores their order as upstream's does.
pub(super) fn to_cel(
    value: &Value,
    schema: Option<&Structural>,
    root: bool,
    unordered: bool,
) -> CelValue {
    match value {
        Value::Null => CelValue::Null,
        Value::Bool(b) => CelValue::Bool(*b),
        Value::Number(n) => number(n, schema),
        Value::String(s) => {
            if schema.is_some_and(|s| s.format == "byte" && s.type_ == "string")
                && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(s)
            {
                return CelValue::Bytes(Arc::new(bytes));
            }
            CelValue::String(Arc::new(s.clone()))
        }
        Value::Array(items) => {
            let item_schema = schema.and_then(|s| s.items.as_deref());
            let embedded = item_schema.is_some_and(|s| s.x_embedded_resource);
            let mut order: Vec<&Value> = items.iter().collect();
            if unordered && let Some(s) = schema {
                match s.x_list_type.as_deref() {
                    Some("set") => order.sort_by_cached_key(|v| v.to_string()),
                    Some("map") => order.sort_by_cached_key(|v| {
                        let keys: Vec<Option<&Value>> =
                            s.x_list_map_keys.iter().map(|k| v.get(k)).collect();
                        serde_json::to_string(&keys).unwrap_or_default()
                    }),
                    _ => {}
                }
            }
            let list = order
                .into_iter()
                .map(|v| to_cel(v, item_schema, embedded, unordered))
                .collect();
            CelValue::List(Arc::new(list))
        }
        Value::Object(fields) => {
            let mut map = HashMap::with_capacity(fields.len());
            for (name, v) in fields {
                if root && name == "metadata" {
                    map.insert(Key::from(name.as_str()), root_metadata(v));
                    continue;
                }
                let field_schema = schema.and_then(|s| s.field(name));
                let embedded = field_schema.is_some_and(|s| s.x_embedded_resource);
                let key = match schema.and_then(|s| s.properties.get(name)) {
                    // Declared properties are CEL fields, by their escaped names.
                    Some(_) => match escape(name) {
                        Some(escaped) => escaped,
                        None => continue,
                    },
                    None => name.clone(),
                };
                map.insert(Key::from(key), to_cel(v, field_schema, embedded, unordered));
            }
            CelValue::Map(Map { map: Arc::new(map) })
        }
    }
}

/// CEL's reserved words, which property names are escaped from (`__in__`).
const RESERVED: [&str; 21] = [
    "true",
    "false",
    "null",
    "in",
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

/// Upstream's escaping of a property name into a CEL field name (`foo-bar` is
/// `foo__dash__bar`); `None` for a name CEL cannot name.
pub(super) fn escape(name: &str) -> Option<String> {
    if RESERVED.contains(&name) {
        return Some(format!("__{name}__"));
    }
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/'))
    {
        return None;
    }
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("__") {
            out.push_str("__underscores__");
            rest = after;
            continue;
        }
        match c {
            '.' => out.push_str("__dot__"),
            '-' => out.push_str("__dash__"),
            '/' => out.push_str("__slash__"),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

fn number(n: &serde_json::Number, schema: Option<&Structural>) -> CelValue {
    let as_double = schema.is_some_and(|s| s.type_ == "number");
    match (n.as_i64(), as_double) {
        (Some(i), false) => CelValue::Int(i),
        // Integers beyond int64 and every `number` are doubles.
        _ => CelValue::Float(n.as_f64().unwrap_or(f64::NAN)),
    }
}

/// `metadata` of a resource root: only `name` and `generateName` are declared upstream.
fn root_metadata(v: &Value) -> CelValue {
    let mut map = HashMap::new();
    if let Some(m) = v.as_object() {
        for key in ["name", "generateName"] {
            if let Some(Value::String(s)) = m.get(key) {
                map.insert(Key::from(key), CelValue::String(Arc::new(s.clone())));
            }
        }
    }
    CelValue::Map(Map { map: Arc::new(map) })
}

/// Functions and operators (as the parser names them) whose behaviour the crate shares with
/// upstream's CEL environment for the values above: the standard operators and macros, the
/// standard `size`, `contains`, `startsWith`, `endsWith`, `matches`, conversions and `type`,
/// and the strings extension. A rule calling anything else is not enforced.
const ENFORCED_FUNCTIONS: &[&str] = &[
    // Operators.
    "_?_:_",
    "_&&_",
    "_||_",
    "!_",
    "-_",
    "_+_",
    "_-_",
    "_*_",
    "_/_",
    "_%_",
    "_==_",
    "_!=_",
    "_<_",
    "_<=_",
    "_>_",
    "_>=_",
    "_[_]",
    "@in",
    "@not_strictly_false",
    // Macros (also expanded into comprehensions).
    "has",
    "all",
    "exists",
    "exists_one",
    "map",
    "filter",
    // Standard functions.
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "int",
    "uint",
    "double",
    "string",
    "bool",
    "bytes",
    "dyn",
    // The strings extension.
    "charAt",
    "indexOf",
    "lastIndexOf",
    "lowerAscii",
    "upperAscii",
    "replace",
    "split",
    "substring",
    "trim",
    "join",
];

/// Whether every call in `expr` is one the crate evaluates as upstream does.
pub(super) fn only_enforced_functions(expr: &cel::IdedExpr) -> bool {
    let refs = expr.references();
    refs.functions()
        .iter()
        .all(|f| ENFORCED_FUNCTIONS.contains(f))
}

/// How deeply comprehensions (`all`, `exists`, `map`, ...) nest in `expr`.
pub(super) fn comprehension_depth(expr: &cel::IdedExpr) -> u32 {
    let inner = children(expr)
        .into_iter()
        .map(comprehension_depth)
        .max()
        .unwrap_or(0);
    inner + u32::from(matches!(expr.expr, Expr::Comprehension(_)))
}

/// How deeply `expr` nests.
pub(super) fn expr_depth(expr: &cel::IdedExpr) -> u32 {
    1 + children(expr)
        .into_iter()
        .map(expr_depth)
        .max()
        .unwrap_or(0)
}

fn children(expr: &cel::IdedExpr) -> Vec<&cel::IdedExpr> {
    match &expr.expr {
        Expr::Comprehension(c) => {
            vec![
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ]
        }
        Expr::Call(call) => call.target.iter().map(|t| &**t).chain(&call.args).collect(),
        Expr::List(l) => l.elements.iter().collect(),
        Expr::Map(m) => entries(&m.entries),
        Expr::Select(s) => vec![&*s.operand],
        Expr::Struct(s) => entries(&s.entries),
        _ => Vec::new(),
    }
}

fn entries(entries: &[IdedEntryExpr]) -> Vec<&cel::IdedExpr> {
    entries
        .iter()
        .flat_map(|e| match &e.expr {
            EntryExpr::MapEntry(me) => vec![&me.key, &me.value],
            EntryExpr::StructField(sf) => vec![&sf.value],
        })
        .collect()
}

/// Whether `s` or a node under it is a `set` or `map` list.
pub(super) fn has_unordered_lists(s: &Structural) -> bool {
    matches!(s.x_list_type.as_deref(), Some("set" | "map"))
        || s.properties.values().any(has_unordered_lists)
        || s.items.as_deref().is_some_and(has_unordered_lists)
        || s.additional_schema().is_some_and(has_unordered_lists)
}

/// The number of JSON nodes in `v` (a bound on any list or map a rule iterates).
pub(super) fn node_count(v: &Value) -> u64 {
    match v {
        Value::Array(items) => 1 + items.iter().map(node_count).sum::<u64>(),
        Value::Object(m) => 1 + m.values().map(node_count).sum::<u64>(),
        _ => 1,
    }
}
