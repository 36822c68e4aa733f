//! The parsed form of a CRD's `openAPIV3Schema` (a `JSONSchemaProps` in JSON), as upstream's
//! `apiextensions-apiserver/pkg/apiserver/schema` `Structural` type: one owned tree that holds
//! the structure (type, properties, items, additionalProperties), the value validations
//! (bounds, pattern, enum, `allOf`/`anyOf`/`oneOf`/`not`), the Kubernetes extensions and the
//! documentation (`description`, kept for `kubectl explain`).
//!
//! Unlike upstream, value validations nested in `allOf`/`anyOf`/`oneOf`/`not` are kept as full
//! [`Structural`] nodes; the structural rules (`structural_checks.rs`) then say which of their
//! fields make a schema non-structural, and the validator (`validate.rs`) evaluates them.
//!
//! [`Structural::parse`] never panics: a field of the wrong JSON type is a [`ParseError`]
//! naming its path. A `pattern` is compiled once, here; a pattern that does not compile is kept
//! with its error, which the structural checks report.

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::{Map, Value};

use super::cel::CelRules;

/// Upper bound of a compiled `pattern` (bytes of the compiled program), so that a schema cannot
/// make the server compile a huge automaton.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;
/// Deepest schema nesting accepted, so that parsing and walking cannot overflow the stack.
pub const MAX_DEPTH: usize = 64;

/// A `JSONSchemaProps` field that is not JSON of the expected type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ParseError {
    /// The schema path, as upstream's field paths print it (`properties[spec].type`).
    pub path: String,
    pub message: String,
}

/// A `pattern`, compiled once (or the reason it does not compile).
#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    pub regex: Result<Regex, String>,
}

impl Pattern {
    fn compile(source: &str) -> Self {
        let regex = regex::RegexBuilder::new(&go_classes_as_ascii(source))
            .size_limit(PATTERN_SIZE_LIMIT)
            .build()
            .map_err(|e| e.to_string());
        Pattern {
            source: source.to_owned(),
            regex,
        }
    }

    /// Whether `s` matches (a search, as Go's `MatchString`); a pattern that did not compile
    /// matches everything (the CRD was refused for it already).
    pub fn is_match(&self, s: &str) -> bool {
        self.regex.as_ref().map_or(true, |r| r.is_match(s))
    }
}

/// Go's RE2 `\d`, `\s`, `\w` and `\b` are ASCII-only, the regex crate's are Unicode: spell
/// them out as ASCII classes (which nest inside brackets too) before compiling.
fn go_classes_as_ascii(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('d') => out.push_str("[0-9]"),
                Some('D') => out.push_str("[^0-9]"),
                Some('s') => out.push_str("[\\t\\n\\f\\r ]"),
                Some('S') => out.push_str("[^\\t\\n\\f\\r ]"),
                Some('w') => out.push_str("[0-9A-Za-z_]"),
                Some('W') => out.push_str("[^0-9A-Za-z_]"),
                Some(b @ ('b' | 'B')) if !in_class => {
                    out.push_str("(?-u:\\");
                    out.push(b);
                    out.push(')');
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` first in a class (after an optional `^`) is a literal.
                let mut rest = chars.clone();
                match rest.next() {
                    Some('^') => {
                        out.push('^');
                        chars.next();
                        if rest.next() == Some(']') {
                            out.push_str("\\]");
                            chars.next();
                        }
                    }
                    Some(']') => {
                        out.push_str("\\]");
                        chars.next();
                    }
                    _ => {}
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// `additionalProperties`: a bool or a schema.
#[derive(Debug, Clone, PartialEq)]
pub enum AdditionalProperties {
    Bool(bool),
    Schema(Box<Structural>),
}

/// One schema node. Absent keywords are empty, `None` or `false`, as Go's zero values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Structural {
    // Structure.
    /// `type`; empty when absent.
    pub type_: String,
    pub properties: BTreeMap<String, Structural>,
    pub items: Option<Box<Structural>>,
    pub additional_properties: Option<AdditionalProperties>,

    // Generic (documentation and defaults).
    pub description: String,
    pub title: String,
    pub format: String,
    pub nullable: bool,
    /// `default`; `Some(Value::Null)` for an explicit `default: null`.
    pub default: Option<Value>,
    pub example: Option<Value>,
    pub external_docs: Option<Value>,

    // Value validation.
    pub required: Vec<String>,
    pub enum_: Option<Vec<Value>>,
    pub pattern: Option<Pattern>,
    pub maximum: Option<f64>,
    pub exclusive_maximum: bool,
    pub minimum: Option<f64>,
    pub exclusive_minimum: bool,
    pub multiple_of: Option<f64>,
    pub max_length: Option<i64>,
    pub min_length: Option<i64>,
    pub max_items: Option<i64>,
    pub min_items: Option<i64>,
    pub unique_items: bool,
    pub max_properties: Option<i64>,
    pub min_properties: Option<i64>,
    pub all_of: Vec<Structural>,
    pub any_of: Vec<Structural>,
    pub one_of: Vec<Structural>,
    pub not: Option<Box<Structural>>,

    // Kubernetes extensions.
    /// `x-kubernetes-preserve-unknown-fields`, as given (`Some(false)` is refused for CRDs).
    pub x_preserve_unknown_fields: Option<bool>,
    pub x_embedded_resource: bool,
    pub x_int_or_string: bool,
    pub x_list_type: Option<String>,
    pub x_list_map_keys: Vec<String>,
    pub x_map_type: Option<String>,
    /// `x-kubernetes-validations` (CEL rules), kept as given.
    pub x_validations: Vec<Value>,
    /// The same rules, compiled once (see `cel.rs`).
    pub cel_rules: CelRules,

    /// Keywords given that CRD schemas may not use (`$ref`, `definitions`, `dependencies`,
    /// `patternProperties`, `additionalItems`, `id`, `$schema`), and `items` given as an array.
    pub unsupported: Vec<&'static str>,
}

/// Keywords upstream's `JSONSchemaProps` has that CRD schemas may not use.
const UNSUPPORTED: [&str; 7] = [
    "id",
    "$schema",
    "$ref",
    "definitions",
    "dependencies",
    "patternProperties",
    "additionalItems",
];

impl Structural {
    /// Parses a `JSONSchemaProps` object.
    pub fn parse(schema: &Value) -> Result<Structural, ParseError> {
        parse_at(schema, &mut Vec::new())
    }

    /// The schema of `version` of a v1 CRD object (`spec.versions[].schema.openAPIV3Schema`):
    /// `Ok(None)` when the version is not there or has no schema.
    pub fn for_version(crd: &Value, version: &str) -> Result<Option<Structural>, ParseError> {
        let schema = crd
            .get("spec")
            .and_then(|s| s.get("versions"))
            .and_then(Value::as_array)
            .and_then(|vs| {
                vs.iter()
                    .find(|v| v.get("name").and_then(Value::as_str) == Some(version))
            })
            .and_then(|v| v.get("schema"))
            .and_then(|s| s.get("openAPIV3Schema"))
            .filter(|s| !s.is_null());
        schema.map(Structural::parse).transpose()
    }

    /// `x-kubernetes-preserve-unknown-fields: true`.
    pub fn preserves_unknown_fields(&self) -> bool {
        self.x_preserve_unknown_fields == Some(true)
    }

    /// The schema of the values of a map (`additionalProperties` with a schema).
    pub fn additional_schema(&self) -> Option<&Structural> {
        match &self.additional_properties {
            Some(AdditionalProperties::Schema(s)) => Some(s),
            _ => None,
        }
    }

    /// The schema of a field `name` of an object: its property, else the map value schema.
    pub fn field(&self, name: &str) -> Option<&Structural> {
        self.properties
            .get(name)
            .or_else(|| self.additional_schema())
    }

    /// The type names upstream's validator checks (`integer,string` for int-or-string).
    pub fn type_names(&self) -> Vec<&str> {
        if self.x_int_or_string {
            return vec!["integer", "string"];
        }
        match self.type_.as_str() {
            "" => Vec::new(),
            t => vec![t],
        }
    }
}

fn path_string(path: &[String]) -> String {
    let mut out = String::new();
    for elem in path {
        if elem.starts_with('[') || out.is_empty() {
            out.push_str(elem);
        } else {
            out.push('.');
            out.push_str(elem);
        }
    }
    out
}

fn err(path: &[String], field: &str, message: impl Into<String>) -> ParseError {
    let mut p = path.to_vec();
    p.push(field.to_owned());
    ParseError {
        path: path_string(&p),
        message: message.into(),
    }
}

fn parse_at(schema: &Value, path: &mut Vec<String>) -> Result<Structural, ParseError> {
    if path.len() > MAX_DEPTH {
        return Err(ParseError {
            path: path_string(path),
            message: format!("schema nesting deeper than {MAX_DEPTH} levels"),
        });
    }
    let Some(m) = schema.as_object() else {
        return Err(ParseError {
            path: path_string(path),
            message: "must be an object".into(),
        });
    };
    let mut s = Structural {
        type_: string(m, "type", path)?,
        description: string(m, "description", path)?,
        title: string(m, "title", path)?,
        format: string(m, "format", path)?,
        nullable: boolean(m, "nullable", path)?,
        default: m.get("default").cloned(),
        example: m.get("example").cloned(),
        external_docs: m.get("externalDocs").cloned(),
        maximum: number(m, "maximum", path)?,
        exclusive_maximum: boolean(m, "exclusiveMaximum", path)?,
        minimum: number(m, "minimum", path)?,
        exclusive_minimum: boolean(m, "exclusiveMinimum", path)?,
        multiple_of: number(m, "multipleOf", path)?,
        max_length: integer(m, "maxLength", path)?,
        min_length: integer(m, "minLength", path)?,
        max_items: integer(m, "maxItems", path)?,
        min_items: integer(m, "minItems", path)?,
        unique_items: boolean(m, "uniqueItems", path)?,
        max_properties: integer(m, "maxProperties", path)?,
        min_properties: integer(m, "minProperties", path)?,
        required: strings(m, "required", path)?,
        x_embedded_resource: boolean(m, "x-kubernetes-embedded-resource", path)?,
        x_int_or_string: boolean(m, "x-kubernetes-int-or-string", path)?,
        x_list_map_keys: strings(m, "x-kubernetes-list-map-keys", path)?,
        ..Structural::default()
    };
    if let Some(p) = opt_string(m, "pattern", path)? {
        s.pattern = Some(Pattern::compile(&p));
    }
    s.x_list_type = opt_string(m, "x-kubernetes-list-type", path)?;
    s.x_map_type = opt_string(m, "x-kubernetes-map-type", path)?;
    s.x_preserve_unknown_fields = match m.get("x-kubernetes-preserve-unknown-fields") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            return Err(err(
                path,
                "x-kubernetes-preserve-unknown-fields",
                "must be a boolean",
            ));
        }
    };
    s.enum_ = match m.get("enum") {
        None | Some(Value::Null) => None,
        Some(Value::Array(values)) => Some(values.clone()),
        Some(_) => return Err(err(path, "enum", "must be an array")),
    };
    s.x_validations = match m.get("x-kubernetes-validations") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(rules)) => rules.clone(),
        Some(_) => return Err(err(path, "x-kubernetes-validations", "must be an array")),
    };
    s.cel_rules = CelRules::compile(&s.x_validations);
    if let Some(props) = m.get("properties").filter(|v| !v.is_null()) {
        let Some(props) = props.as_object() else {
            return Err(err(path, "properties", "must be an object"));
        };
        for (name, prop) in props {
            path.push("properties".into());
            path.push(format!("[{name}]"));
            let parsed = parse_at(prop, path);
            path.truncate(path.len() - 2);
            s.properties.insert(name.clone(), parsed?);
        }
    }
    match m.get("items") {
        None | Some(Value::Null) => {}
        Some(Value::Array(_)) => s.unsupported.push("items"),
        Some(items) => s.items = Some(Box::new(nested(items, "items", path)?)),
    }
    match m.get("additionalProperties") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(b)) => s.additional_properties = Some(AdditionalProperties::Bool(*b)),
        Some(ap) => {
            let parsed = nested(ap, "additionalProperties", path)?;
            s.additional_properties = Some(AdditionalProperties::Schema(Box::new(parsed)));
        }
    }
    for (field, out) in [
        ("allOf", &mut s.all_of),
        ("anyOf", &mut s.any_of),
        ("oneOf", &mut s.one_of),
    ] {
        match m.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => {
                for (i, sub) in list.iter().enumerate() {
                    path.push(field.into());
                    path.push(format!("[{i}]"));
                    let parsed = parse_at(sub, path);
                    path.truncate(path.len() - 2);
                    out.push(parsed?);
                }
            }
            Some(_) => return Err(err(path, field, "must be an array")),
        }
    }
    if let Some(not) = m.get("not").filter(|v| !v.is_null()) {
        s.not = Some(Box::new(nested(not, "not", path)?));
    }
    for key in UNSUPPORTED {
        if m.get(key).is_some_and(|v| !v.is_null()) {
            s.unsupported.push(key);
        }
    }
    Ok(s)
}

fn nested(v: &Value, field: &str, path: &mut Vec<String>) -> Result<Structural, ParseError> {
    path.push(field.into());
    let parsed = parse_at(v, path);
    path.pop();
    parsed
}

fn opt_string(
    m: &Map<String, Value>,
    key: &str,
    path: &[String],
) -> Result<Option<String>, ParseError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(err(path, key, "must be a string")),
    }
}

fn string(m: &Map<String, Value>, key: &str, path: &[String]) -> Result<String, ParseError> {
    Ok(opt_string(m, key, path)?.unwrap_or_default())
}

fn boolean(m: &Map<String, Value>, key: &str, path: &[String]) -> Result<bool, ParseError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(err(path, key, "must be a boolean")),
    }
}

fn number(m: &Map<String, Value>, key: &str, path: &[String]) -> Result<Option<f64>, ParseError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(_) => Err(err(path, key, "must be a number")),
    }
}

fn integer(m: &Map<String, Value>, key: &str, path: &[String]) -> Result<Option<i64>, ParseError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => Ok(Some(i)),
            None => Err(err(path, key, "must be an integer")),
        },
        Some(_) => Err(err(path, key, "must be an integer")),
    }
}

fn strings(m: &Map<String, Value>, key: &str, path: &[String]) -> Result<Vec<String>, ParseError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| err(path, key, "must be an array of strings"))
            })
            .collect(),
        Some(_) => Err(err(path, key, "must be an array of strings")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_the_crontab_schema() {
        let s = Structural::parse(&json!({
            "type": "object",
            "properties": {"spec": {"type": "object", "properties": {
                "cronSpec": {"type": "string", "pattern": "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$"},
                "image": {"type": "string", "description": "the image"},
                "replicas": {"type": "integer", "minimum": 1, "maximum": 10}}}}
        }))
        .unwrap();
        let spec = &s.properties["spec"];
        assert_eq!(spec.type_, "object");
        assert_eq!(spec.properties["replicas"].maximum, Some(10.0));
        assert_eq!(spec.properties["image"].description, "the image");
        let pattern = spec.properties["cronSpec"].pattern.as_ref().unwrap();
        assert!(pattern.is_match("* * * * */5"));
        assert!(!pattern.is_match("* * * *"));
    }

    #[test]
    fn parses_extensions_and_junctors() {
        let s = Structural::parse(&json!({
            "type": "object",
            "additionalProperties": false,
            "x-kubernetes-preserve-unknown-fields": true,
            "x-kubernetes-validations": [{"rule": "self.a > 0"}],
            "anyOf": [{"required": ["a"]}, {"required": ["b"]}],
            "not": {"required": ["c"]},
            "properties": {"ports": {"type": "array", "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["port"], "items": {"type": "object"}},
                "v": {"x-kubernetes-int-or-string": true}}
        }))
        .unwrap();
        assert_eq!(
            s.additional_properties,
            Some(AdditionalProperties::Bool(false))
        );
        assert!(s.preserves_unknown_fields());
        assert_eq!(s.x_validations.len(), 1);
        assert_eq!(s.any_of.len(), 2);
        assert_eq!(s.not.as_ref().unwrap().required, vec!["c"]);
        assert_eq!(s.properties["ports"].x_list_map_keys, vec!["port"]);
        assert_eq!(s.properties["v"].type_names(), vec!["integer", "string"]);
    }

    #[test]
    fn wrong_types_are_errors_with_paths() {
        let e = Structural::parse(&json!({"properties": {"a": {"type": 5}}})).unwrap_err();
        assert_eq!(e.path, "properties[a].type");
        let e = Structural::parse(&json!({"items": {"minItems": 1.5}})).unwrap_err();
        assert_eq!(e.to_string(), "items.minItems: must be an integer");
        assert!(Structural::parse(&json!("x")).is_err());
    }

    #[test]
    fn bad_patterns_and_unsupported_keywords_are_kept() {
        let s = Structural::parse(&json!({"pattern": "(", "$ref": "#/x", "items": [{}]})).unwrap();
        assert!(s.pattern.as_ref().unwrap().regex.is_err());
        assert_eq!(s.unsupported, vec!["items", "$ref"]);
    }

    #[test]
    fn go_classes_are_ascii() {
        assert_eq!(
            go_classes_as_ascii(r"^\d+[\w.]\s\\d$"),
            r"^[0-9]+[[0-9A-Za-z_].][\t\n\f\r ]\\d$"
        );
        let p = Pattern::compile(r"^\d+$");
        assert!(p.is_match("123") && !p.is_match("١٢٣"));
        let p = Pattern::compile(r"^[]a]\b");
        assert!(p.regex.is_ok() && p.is_match("a") && p.is_match("]x") && !p.is_match("]"));
        let p = Pattern::compile(r"^[^\d]$");
        assert!(p.is_match("x") && !p.is_match("1"));
    }

    #[test]
    fn schemas_of_crd_versions() {
        let crd = json!({"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {"type": "object"}}},
            {"name": "v2"}]}});
        assert_eq!(
            Structural::for_version(&crd, "v1").unwrap().unwrap().type_,
            "object"
        );
        assert!(Structural::for_version(&crd, "v2").unwrap().is_none());
        assert!(Structural::for_version(&crd, "v3").unwrap().is_none());
        assert!(Structural::for_version(&json!([]), "v1").unwrap().is_none());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut v = json!({"type": "string"});
        for _ in 0..200 {
            v = json!({"type": "array", "items": v});
        }
        assert!(Structural::parse(&v).is_err());
    }
}
