//! The Swagger 2.0 document in gnostic's protobuf encoding
//! (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`, message `openapi.v2.Document`
//! of gnostic's `OpenAPIv2.proto`), which kubectl 1.27 and 1.28 require for validation, apply
//! and explain. Encoded from the JSON document; only the fields that document uses are written.
//! Vendor extensions are `NamedAny` values whose `Any.yaml` holds the value as JSON (JSON is
//! YAML, and clients parse it with a YAML decoder).

use serde_json::{Map, Value};

/// Encodes the v2 JSON document `doc`.
pub(super) fn encode(doc: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    string(&mut out, 1, doc.get("swagger"));
    if let Some(info) = doc.get("info") {
        let mut m = Vec::new();
        string(&mut m, 1, info.get("title"));
        string(&mut m, 2, info.get("version"));
        message(&mut out, 2, &m);
    }
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        let mut m = Vec::new();
        for (name, item) in paths {
            named(&mut m, 2, name, &path_item(item));
        }
        message(&mut out, 8, &m);
    }
    if let Some(defs) = doc.get("definitions").and_then(Value::as_object) {
        let mut m = Vec::new();
        for (name, schema) in defs {
            named(&mut m, 1, name, &schema_message(schema));
        }
        message(&mut out, 9, &m);
    }
    out
}

fn path_item(item: &Value) -> Vec<u8> {
    let mut m = Vec::new();
    for (method, field) in [
        ("get", 2),
        ("put", 3),
        ("post", 4),
        ("delete", 5),
        ("options", 6),
        ("head", 7),
        ("patch", 8),
    ] {
        if let Some(op) = item.get(method) {
            message(&mut m, field, &operation(op));
        }
    }
    for p in item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        message(&mut m, 9, &parameters_item(p));
    }
    if let Some(map) = item.as_object() {
        extensions(&mut m, 10, map);
    }
    m
}

fn operation(op: &Value) -> Vec<u8> {
    let mut m = Vec::new();
    strings(&mut m, 1, op.get("tags"));
    string(&mut m, 3, op.get("description"));
    string(&mut m, 5, op.get("operationId"));
    strings(&mut m, 6, op.get("produces"));
    strings(&mut m, 7, op.get("consumes"));
    for p in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        message(&mut m, 8, &parameters_item(p));
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        let mut r = Vec::new();
        for (code, resp) in responses {
            let mut body = Vec::new();
            string(&mut body, 1, resp.get("description"));
            if let Some(schema) = resp.get("schema") {
                let mut item = Vec::new();
                message(&mut item, 1, &schema_message(schema));
                message(&mut body, 2, &item);
            }
            let mut value = Vec::new();
            message(&mut value, 1, &body);
            named(&mut r, 1, code, &value);
        }
        message(&mut m, 9, &r);
    }
    strings(&mut m, 10, op.get("schemes"));
    if let Some(map) = op.as_object() {
        extensions(&mut m, 13, map);
    }
    m
}

/// `ParametersItem { Parameter parameter = 1 }`.
fn parameters_item(p: &Value) -> Vec<u8> {
    let mut param = Vec::new();
    let location = p.get("in").and_then(Value::as_str).unwrap_or("");
    if location == "body" {
        let mut b = Vec::new();
        string(&mut b, 1, p.get("description"));
        string(&mut b, 2, p.get("name"));
        string(&mut b, 3, p.get("in"));
        boolean(&mut b, 4, p.get("required"));
        if let Some(schema) = p.get("schema") {
            message(&mut b, 5, &schema_message(schema));
        }
        message(&mut param, 1, &b);
    } else {
        // Query and path sub-schemas share their first fields; `type` and `uniqueItems` move
        // by one because query parameters have `allow_empty_value` (5).
        let (sub, shift) = match location {
            "path" => (4, 0),
            "header" => (1, 0),
            _ => (3, 1),
        };
        let mut s = Vec::new();
        boolean(&mut s, 1, p.get("required"));
        string(&mut s, 2, p.get("in"));
        string(&mut s, 3, p.get("description"));
        string(&mut s, 4, p.get("name"));
        string(&mut s, 5 + shift, p.get("type"));
        string(&mut s, 6 + shift, p.get("format"));
        boolean(&mut s, 19 + shift, p.get("uniqueItems"));
        let mut non_body = Vec::new();
        message(&mut non_body, sub, &s);
        message(&mut param, 2, &non_body);
    }
    let mut item = Vec::new();
    message(&mut item, 1, &param);
    item
}

fn schema_message(schema: &Value) -> Vec<u8> {
    let mut m = Vec::new();
    string(&mut m, 1, schema.get("$ref"));
    string(&mut m, 2, schema.get("format"));
    string(&mut m, 3, schema.get("title"));
    string(&mut m, 4, schema.get("description"));
    strings(&mut m, 19, schema.get("required"));
    match schema.get("additionalProperties") {
        Some(Value::Bool(b)) => {
            let mut a = Vec::new();
            varint_field(&mut a, 2, u64::from(*b));
            message(&mut m, 21, &a);
        }
        Some(s @ Value::Object(_)) => {
            let mut a = Vec::new();
            message(&mut a, 1, &schema_message(s));
            message(&mut m, 21, &a);
        }
        _ => {}
    }
    match schema.get("type") {
        Some(t @ Value::String(_)) => {
            let mut ty = Vec::new();
            string(&mut ty, 1, Some(t));
            message(&mut m, 22, &ty);
        }
        Some(t @ Value::Array(_)) => {
            let mut ty = Vec::new();
            strings(&mut ty, 1, Some(t));
            message(&mut m, 22, &ty);
        }
        _ => {}
    }
    if let Some(items) = schema.get("items") {
        let mut i = Vec::new();
        for s in items
            .as_array()
            .map_or_else(|| vec![items], |a| a.iter().collect())
        {
            message(&mut i, 1, &schema_message(s));
        }
        message(&mut m, 23, &i);
    }
    for s in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        message(&mut m, 24, &schema_message(s));
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let mut p = Vec::new();
        for (name, s) in props {
            named(&mut p, 1, name, &schema_message(s));
        }
        message(&mut m, 25, &p);
    }
    boolean(&mut m, 27, schema.get("readOnly"));
    if let Some(map) = schema.as_object() {
        extensions(&mut m, 31, map);
    }
    m
}

/// `x-` keys as `NamedAny { name, Any { yaml = 2 } }`.
fn extensions(out: &mut Vec<u8>, field: u32, map: &Map<String, Value>) {
    for (key, value) in map.iter().filter(|(k, _)| k.starts_with("x-")) {
        let mut any = Vec::new();
        let text = serde_json::to_string(value).unwrap_or_default();
        bytes_field(&mut any, 2, text.as_bytes());
        let mut named_any = Vec::new();
        bytes_field(&mut named_any, 1, key.as_bytes());
        message(&mut named_any, 2, &any);
        message(out, field, &named_any);
    }
}

/// A `Named*` entry: `{ string name = 1; <message> value = 2; }`.
fn named(out: &mut Vec<u8>, field: u32, name: &str, value: &[u8]) {
    let mut m = Vec::new();
    bytes_field(&mut m, 1, name.as_bytes());
    message(&mut m, 2, value);
    message(out, field, &m);
}

fn string(out: &mut Vec<u8>, field: u32, value: Option<&Value>) {
    if let Some(s) = value.and_then(Value::as_str)
        && !s.is_empty()
    {
        bytes_field(out, field, s.as_bytes());
    }
}

fn strings(out: &mut Vec<u8>, field: u32, value: Option<&Value>) {
    for s in value.and_then(Value::as_array).into_iter().flatten() {
        if let Some(s) = s.as_str() {
            bytes_field(out, field, s.as_bytes());
        }
    }
}

fn boolean(out: &mut Vec<u8>, field: u32, value: Option<&Value>) {
    if value == Some(&Value::Bool(true)) {
        varint_field(out, field, 1);
    }
}

fn message(out: &mut Vec<u8>, field: u32, body: &[u8]) {
    bytes_field(out, field, body);
}

fn bytes_field(out: &mut Vec<u8>, field: u32, body: &[u8]) {
    varint(out, (u64::from(field) << 3) | 2);
    varint(out, body.len() as u64);
    out.extend_from_slice(body);
}

fn varint_field(out: &mut Vec<u8>, field: u32, value: u64) {
    varint(out, u64::from(field) << 3);
    varint(out, value);
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}
