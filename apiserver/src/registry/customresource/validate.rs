//! Validation of a JSON value against its [`Structural`] schema, as upstream validates custom
//! resources: kube-openapi's `validate.SchemaValidator` (`pkg/validation/validate`: the type,
//! junctor, string, format, number, slice, enum and object validators, in that order) and
//! apiextensions' `kubeOpenAPIResultToFieldErrors`, which turns its results into field errors.
//!
//! kube-openapi names a field by a dotted path (`spec.template.ports[0].name`, map keys joined
//! with `.` too) and phrases its messages with it (`spec.replicas in body should be less than or
//! equal to 10`); the field error puts that path under the caller's root path. Results that are
//! not kube-openapi `Validation`s (the junctor summaries, range errors) are reported at the root
//! path itself, which for a custom resource is Go's nil path, printed `<nil>`, as upstream.
//!
//! Properties are visited in name order (upstream's order is Go's map order, i.e. random).

use serde_json::{Map, Value};

use super::formats;
use super::structural::{AdditionalProperties, Structural};
use crate::endpoints::status::{FieldError, FieldErrorKind, go_quote};

/// kube-openapi's error codes that the conversion to field errors distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    InvalidType,
    Required,
    TooLong,
    Enum,
    MaxItems,
    TooManyProperties,
    /// Every other `Validation` (pattern, bounds, ...): a `field.Invalid`.
    Other,
}

/// One kube-openapi result error.
#[derive(Debug, Clone)]
enum OpenApiError {
    /// An `errors.Validation`: `name` is the dotted path, `value` the bad value.
    Validation {
        code: Code,
        name: String,
        value: Option<Value>,
        valid: i64,
        values: Vec<Value>,
        message: String,
    },
    /// Any other error (junctor summaries, range errors).
    Plain(String),
}

/// A kube-openapi `Result`: errors and the number of checks that applied (`MatchCount`),
/// which picks the best failing `anyOf`/`oneOf` alternative.
#[derive(Debug, Default)]
struct Outcome {
    errors: Vec<OpenApiError>,
    matches: usize,
}

impl Outcome {
    fn merge(&mut self, other: Outcome) {
        self.errors.extend(other.errors);
        self.matches += other.matches;
    }

    fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    fn fail(&mut self, code: Code, name: &str, value: Option<Value>, message: String) {
        self.errors.push(OpenApiError::Validation {
            code,
            name: name.to_owned(),
            value,
            valid: -1,
            values: Vec::new(),
            message,
        });
    }
}

/// Validates `value` against `schema` (`ValidateCustomResource(root, value, validator)`):
/// `root` is the field path the errors go under (`None` for a custom resource, whose root
/// upstream passes as a nil path).
pub fn validate_schema(schema: &Structural, value: &Value, root: Option<&str>) -> Vec<FieldError> {
    let outcome = node(schema, value, "");
    outcome
        .errors
        .into_iter()
        .map(|e| to_field_error(root, e))
        .collect()
}

fn to_field_error(root: Option<&str>, e: OpenApiError) -> FieldError {
    let root_path = root.unwrap_or("<nil>");
    let (code, name, value, valid, values, message) = match e {
        OpenApiError::Plain(message) => return FieldError::invalid(root_path, "", message),
        OpenApiError::Validation {
            code,
            name,
            value,
            valid,
            values,
            message,
        } => (code, name, value, valid, values, message),
    };
    let path = match (root, name.as_str()) {
        (_, "" | ".") => root_path.to_owned(),
        (None, n) => n.trim_start_matches('.').to_owned(),
        (Some(r), n) => format!("{r}.{}", n.strip_prefix('.').unwrap_or(n)),
    };
    let value_or_empty = value.clone().unwrap_or_else(|| Value::from(""));
    match code {
        Code::Required => FieldError::required(path, ""),
        Code::Enum => {
            let allowed: Vec<String> = values
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            FieldError::not_supported(path, value.unwrap_or(Value::Null), &allowed)
        }
        Code::TooLong => match usize::try_from(valid) {
            Ok(max) => FieldError::too_long(path, max),
            Err(_) => raw(FieldErrorKind::TooLong, path, None, "value is too long"),
        },
        Code::MaxItems | Code::TooManyProperties => {
            let actual = value.as_ref().and_then(Value::as_u64);
            match usize::try_from(valid) {
                Ok(max) => FieldError::too_many(path, actual.map(|a| a as usize), max),
                Err(_) => raw(FieldErrorKind::TooMany, path, None, "has too many items"),
            }
        }
        Code::InvalidType => FieldError::type_invalid(path, value_or_empty, message),
        Code::Other => FieldError::invalid(path, value_or_empty, message),
    }
}

fn raw(kind: FieldErrorKind, path: String, value: Option<Value>, detail: &str) -> FieldError {
    FieldError {
        kind,
        field: path,
        value,
        detail: detail.to_owned(),
    }
}

/// `SchemaValidator.Validate`.
fn node(s: &Structural, data: &Value, path: &str) -> Outcome {
    let mut out = Outcome::default();
    if data.is_null() {
        out.merge(type_check(s, data, path));
        // As kube-openapi, `null` never matches an enum, nullable or not.
        out.merge(enum_check(s, data, path));
        return out;
    }
    if !s.type_names().is_empty() || !s.format.is_empty() {
        out.merge(type_check(s, data, path));
        out.matches += 1;
    }
    out.merge(junctors(s, data, path));
    out.matches += 1;
    if let Value::String(text) = data {
        out.merge(string_checks(s, text, path));
        if formats::is_known(&s.format) {
            if !formats::is_valid(&s.format, text) {
                let msg = format!(
                    "{path} in body must be of type {}: {}",
                    s.format,
                    go_quote(text)
                );
                out.fail(Code::InvalidType, path, Some(data.clone()), msg);
            }
            out.matches += 1;
        }
    }
    if data.is_number() && (s.multiple_of.is_some() || s.maximum.is_some() || s.minimum.is_some()) {
        out.merge(number_checks(s, data, path));
        out.matches += 1;
    }
    if let Value::Array(items) = data {
        out.merge(slice_checks(s, items, path));
        out.matches += 1;
    }
    out.merge(enum_check(s, data, path));
    if let Value::Object(fields) = data {
        out.merge(object_checks(s, fields, path));
        out.matches += 1;
    }
    out.matches += 1;
    out
}

/// The JSON type and format kube-openapi infers from a decoded value.
fn data_type(data: &Value) -> (&'static str, &'static str) {
    match data {
        Value::Null => ("null", ""),
        Value::Bool(_) => ("boolean", ""),
        Value::Number(n) if n.is_i64() => ("integer", "int64"),
        Value::Number(_) => ("number", "float64"),
        Value::String(_) => ("string", ""),
        Value::Array(_) => ("array", ""),
        Value::Object(_) => ("object", ""),
    }
}

/// `swag.IsFloat64AJSONInteger`.
fn is_json_integer(f: f64) -> bool {
    if !f.is_finite() || f.abs() > 9_007_199_254_740_992.0 {
        return false;
    }
    let diff = (f - f.round()).abs();
    diff == 0.0 || diff / f.abs().max(f64::MIN_POSITIVE) < 1e-9
}

/// `typeValidator.Validate`.
fn type_check(s: &Structural, data: &Value, path: &str) -> Outcome {
    let mut out = Outcome::default();
    let types = s.type_names();
    let joined = types.join(",");
    let fail = |out: &mut Outcome, type_name: &str, got: &str| {
        let msg = format!(
            "{path} in body must be of type {type_name}: {}",
            go_quote(got)
        );
        out.fail(Code::InvalidType, path, Some(Value::from(got)), msg);
    };
    if data.is_null() {
        if !types.is_empty() && !types.contains(&"null") && !s.nullable {
            fail(&mut out, &joined, "null");
        }
        return out;
    }
    let (schema_type, format) = data_type(data);
    let float_int = schema_type == "number"
        && data.as_f64().is_some_and(is_json_integer)
        && types.contains(&"integer");
    let int_float = schema_type == "integer" && types.contains(&"number");
    let string_or_slice = data.is_string() || data.is_array();
    let accepted = types.contains(&schema_type) || float_int || int_float;
    if !(string_or_slice || s.format.is_empty() || accepted || format == s.format) {
        fail(&mut out, &s.format, format);
        return out;
    }
    let numeric = types.contains(&"number") || types.contains(&"integer");
    if !numeric && !s.format.is_empty() && string_or_slice {
        return out;
    }
    if !accepted {
        fail(&mut out, &joined, schema_type);
    }
    out
}

/// `schemaPropsValidator.Validate`: `anyOf`, `oneOf`, `allOf`, `not`.
fn junctors(s: &Structural, data: &Value, path: &str) -> Outcome {
    let mut out = Outcome::default();
    let quoted = go_quote(path);
    if !s.any_of.is_empty() {
        let mut best: Option<Outcome> = None;
        let mut success: Option<Outcome> = None;
        for alt in &s.any_of {
            let result = node(alt, data, path);
            if result.is_valid() {
                best = None;
                success = Some(result);
                break;
            }
            if best.as_ref().is_none_or(|b| result.matches > b.matches) {
                best = Some(result);
            }
        }
        if success.is_none() {
            out.errors.push(OpenApiError::Plain(format!(
                "{quoted} must validate at least one schema (anyOf)"
            )));
        }
        if let Some(r) = best.or(success) {
            out.merge(r);
        }
    }
    if !s.one_of.is_empty() {
        let mut best: Option<Outcome> = None;
        let mut success: Option<Outcome> = None;
        let mut validated = 0;
        for alt in &s.one_of {
            let result = node(alt, data, path);
            if result.is_valid() {
                validated += 1;
                best = None;
                if success.is_none() {
                    success = Some(result);
                }
                continue;
            }
            if validated == 0 && best.as_ref().is_none_or(|b| result.matches > b.matches) {
                best = Some(result);
            }
        }
        if validated != 1 {
            let additional = match validated {
                0 => "Found none valid".to_owned(),
                n => format!("Found {n} valid alternatives"),
            };
            out.errors.push(OpenApiError::Plain(format!(
                "{quoted} must validate one and only one schema (oneOf). {additional}"
            )));
            if let Some(b) = best {
                out.merge(b);
            }
        } else if let Some(r) = success {
            out.merge(r);
        }
    }
    if !s.all_of.is_empty() {
        let mut validated = 0;
        for alt in &s.all_of {
            let result = node(alt, data, path);
            if result.is_valid() {
                validated += 1;
            }
            out.merge(result);
        }
        if validated != s.all_of.len() {
            let additional = if validated == 0 {
                ". None validated"
            } else {
                ""
            };
            out.errors.push(OpenApiError::Plain(format!(
                "{quoted} must validate all the schemas (allOf){additional}"
            )));
        }
    }
    if let Some(not) = &s.not
        && node(not, data, path).is_valid()
    {
        out.errors.push(OpenApiError::Plain(format!(
            "{quoted} must not validate the schema (not)"
        )));
    }
    out
}

/// `stringValidator.Validate`: the first failing of maxLength, minLength, pattern.
fn string_checks(s: &Structural, text: &str, path: &str) -> Outcome {
    let mut out = Outcome::default();
    let len = text.chars().count() as i64;
    let value = Some(Value::from(text));
    if let Some(max) = s.max_length
        && len > max
    {
        let msg = format!("{path} in body should be at most {max} chars long");
        out.errors.push(OpenApiError::Validation {
            code: Code::TooLong,
            name: path.to_owned(),
            value,
            valid: max,
            values: Vec::new(),
            message: msg,
        });
    } else if let Some(min) = s.min_length
        && len < min
    {
        let msg = format!("{path} in body should be at least {min} chars long");
        out.fail(Code::Other, path, value, msg);
    } else if let Some(p) = &s.pattern
        && !p.is_match(text)
    {
        let msg = format!("{path} in body should match '{}'", p.source);
        out.fail(Code::Other, path, value, msg);
    }
    out
}

pub(crate) use crate::endpoints::status::go_float;

/// `numberValidator.Validate`: the value's range for its declared type and format, then
/// multipleOf, maximum and minimum.
fn number_checks(s: &Structural, data: &Value, path: &str) -> Outcome {
    let mut out = Outcome::default();
    let int = data.as_i64();
    let float = data.as_f64().unwrap_or(0.0);
    let type_name = s.type_names().first().copied().unwrap_or("");
    let in_range = match (type_name, s.format.as_str()) {
        ("integer", "int32") => int.is_some_and(|i| i32::try_from(i).is_ok()),
        ("integer", _) => int.is_some() || (is_json_integer(float) && float.fract() == 0.0),
        (_, "float") => float.abs() <= f64::from(f32::MAX),
        _ => true,
    };
    if !in_range {
        let msg = match s.format.as_str() {
            "" => format!("Checked value must be of type {type_name} in {path}"),
            f => format!("Checked value must be of type {type_name} with format {f} in {path}"),
        };
        out.errors.push(OpenApiError::Plain(msg));
    }
    let value = Some(data.clone());
    if let Some(factor) = s.multiple_of {
        if factor <= 0.0 {
            let msg = format!(
                "factor MultipleOf declared for {path} must be positive: {}",
                go_float(factor)
            );
            out.fail(Code::Other, path, Some(Value::from(factor)), msg);
        } else {
            let (bad, shown) = match int {
                Some(i) if factor.fract() == 0.0 && factor < 9.2e18 => {
                    let f = factor as i64;
                    (i % f != 0, f.to_string())
                }
                _ => (!is_json_integer(float / factor), go_float(factor)),
            };
            if bad {
                let msg = format!("{path} in body should be a multiple of {shown}");
                out.fail(Code::Other, path, value.clone(), msg);
            }
        }
    }
    let bound = |limit: f64, exclusive: bool, above: bool| -> Option<String> {
        let (fails, shown) = match int {
            Some(i) if limit.abs() < 9.2e18 => {
                let l = limit as i64;
                let fails = match (above, exclusive) {
                    (true, false) => i > l,
                    (true, true) => i >= l,
                    (false, false) => i < l,
                    (false, true) => i <= l,
                };
                (fails, l.to_string())
            }
            _ => {
                let fails = match (above, exclusive) {
                    (true, false) => float > limit,
                    (true, true) => float >= limit,
                    (false, false) => float < limit,
                    (false, true) => float <= limit,
                };
                (fails, go_float(limit))
            }
        };
        let relation = match (above, exclusive) {
            (true, false) => "less than or equal to",
            (true, true) => "less than",
            (false, false) => "greater than or equal to",
            (false, true) => "greater than",
        };
        fails.then(|| format!("{path} in body should be {relation} {shown}"))
    };
    if let Some(max) = s.maximum
        && let Some(msg) = bound(max, s.exclusive_maximum, true)
    {
        out.fail(Code::Other, path, value.clone(), msg);
    }
    if let Some(min) = s.minimum
        && let Some(msg) = bound(min, s.exclusive_minimum, false)
    {
        out.fail(Code::Other, path, value, msg);
    }
    out
}

/// `schemaSliceValidator.Validate`: the items, then minItems, maxItems, uniqueItems.
fn slice_checks(s: &Structural, items: &[Value], path: &str) -> Outcome {
    let mut out = Outcome::default();
    if let Some(item_schema) = &s.items {
        for (i, item) in items.iter().enumerate() {
            out.merge(node(item_schema, item, &format!("{path}[{i}]")));
        }
    }
    let size = items.len() as i64;
    if let Some(min) = s.min_items
        && size < min
    {
        let msg = format!("{path} in body should have at least {min} items");
        out.fail(Code::Other, path, Some(Value::from(size)), msg);
    }
    if let Some(max) = s.max_items
        && size > max
    {
        out.errors.push(OpenApiError::Validation {
            code: Code::MaxItems,
            name: path.to_owned(),
            value: Some(Value::from(size)),
            valid: max,
            values: Vec::new(),
            message: format!("{path} in body should have at most {max} items"),
        });
    }
    if s.unique_items {
        let duplicate = items
            .iter()
            .enumerate()
            .any(|(i, a)| items[..i].iter().any(|b| json_equal(a, b)));
        if duplicate {
            let msg = format!("{path} in body shouldn't contain duplicates");
            out.fail(Code::Other, path, None, msg);
        }
    }
    out
}

/// Equality of decoded JSON values, numbers compared by value.
pub(crate) fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// The enum check of kube-openapi's common validator.
fn enum_check(s: &Structural, data: &Value, path: &str) -> Outcome {
    let mut out = Outcome::default();
    let Some(allowed) = &s.enum_ else {
        return out;
    };
    if allowed.is_empty() || (!data.is_null() && allowed.iter().any(|e| json_equal(e, data))) {
        return out;
    }
    let shown: Vec<String> = allowed.iter().map(go_print).collect();
    out.errors.push(OpenApiError::Validation {
        code: Code::Enum,
        name: path.to_owned(),
        value: Some(data.clone()),
        valid: -1,
        values: allowed.clone(),
        message: format!("{path} in body should be one of [{}]", shown.join(" ")),
    });
    out
}

/// Go's `%v` of a decoded JSON value (enough for messages).
fn go_print(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) if !n.is_i64() && !n.is_u64() => go_float(n.as_f64().unwrap_or(0.0)),
        other => other.to_string(),
    }
}

/// `objectValidator.Validate`.
fn object_checks(s: &Structural, fields: &Map<String, Value>, path: &str) -> Outcome {
    let mut out = Outcome::default();
    let count = fields.len() as i64;
    if let Some(min) = s.min_properties
        && count < min
    {
        let msg = format!("{path} in body should have at least {min} properties");
        out.fail(Code::Other, path, Some(Value::from(count)), msg);
        return out;
    }
    if let Some(max) = s.max_properties
        && count > max
    {
        out.errors.push(OpenApiError::Validation {
            code: Code::TooManyProperties,
            name: path.to_owned(),
            value: Some(Value::from(count)),
            valid: max,
            values: Vec::new(),
            message: format!("{path} in body should have at most {max} properties"),
        });
        return out;
    }
    let mut keys: Vec<&String> = fields.keys().collect();
    keys.sort();
    match &s.additional_properties {
        Some(AdditionalProperties::Bool(false)) => {
            for key in &keys {
                if !s.properties.contains_key(*key) {
                    let msg = format!("{path}.{key} in body is a forbidden property");
                    out.fail(Code::Other, path, Some(Value::from(key.as_str())), msg);
                }
            }
        }
        Some(AdditionalProperties::Schema(ap)) => {
            for key in &keys {
                if !s.properties.contains_key(*key) {
                    out.merge(node(ap, &fields[*key], &format!("{path}.{key}")));
                }
            }
        }
        _ => {}
    }
    for (name, prop) in &s.properties {
        if let Some(v) = fields.get(name) {
            let child = match path {
                "" => name.clone(),
                p => format!("{p}.{name}"),
            };
            out.merge(node(prop, v, &child));
        }
    }
    for name in &s.required {
        if !fields.contains_key(name) {
            let child = format!("{path}.{name}");
            let msg = format!("{child} in body is required");
            out.fail(Code::Required, &child, None, msg);
        }
    }
    out
}

#[cfg(test)]
#[path = "validate_tests.rs"]
pub(crate) mod tests;
