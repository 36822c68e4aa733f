//! The checks of one CRD version's `schema`, `subresources` and `additionalPrinterColumns`, as
//! upstream's `pkg/apis/apiextensions/validation/validation.go`
//! (`ValidateCustomResourceDefinitionValidation`, `ValidateCustomResourceDefinitionOpenAPISchema`,
//! `ValidateCustomResourceDefinitionSubresources`, `ValidateCustomResourceColumnDefinition`):
//! a v1 CRD needs a schema; the schema uses only what CRDs support, its list and map
//! extensions are consistent, it is structural, and its defaults are valid.

use serde_json::Value;

use super::cel::rule_compile_errors;
use super::defaulting::validate_defaults;
use super::structural::{AdditionalProperties, Structural};
use super::structural_checks::validate_structural;
use crate::endpoints::status::{FieldError, FieldPath};

/// What the root schema may hold when the status subresource is enabled (upstream's
/// `allowedAtRootSchema`), as JSON names and as the Go field names the message lists.
const ALLOWED_AT_ROOT: [(&str, &str); 22] = [
    ("description", "Description"),
    ("type", "Type"),
    ("format", "Format"),
    ("title", "Title"),
    ("maximum", "Maximum"),
    ("exclusiveMaximum", "ExclusiveMaximum"),
    ("minimum", "Minimum"),
    ("exclusiveMinimum", "ExclusiveMinimum"),
    ("maxLength", "MaxLength"),
    ("minLength", "MinLength"),
    ("pattern", "Pattern"),
    ("maxItems", "MaxItems"),
    ("minItems", "MinItems"),
    ("uniqueItems", "UniqueItems"),
    ("multipleOf", "MultipleOf"),
    ("required", "Required"),
    ("items", "Items"),
    ("properties", "Properties"),
    ("externalDocs", "ExternalDocs"),
    ("example", "Example"),
    (
        "x-kubernetes-preserve-unknown-fields",
        "XPreserveUnknownFields",
    ),
    ("x-kubernetes-validations", "XValidations"),
];

const OPENAPI_TYPES: [&str; 6] = ["array", "boolean", "integer", "number", "object", "string"];
const PRINTER_COLUMN_TYPES: [&str; 5] = ["boolean", "date", "integer", "number", "string"];
const PRINTER_COLUMN_FORMATS: [&str; 8] = [
    "byte",
    "date",
    "date-time",
    "double",
    "float",
    "int32",
    "int64",
    "password",
];

/// `validateCustomResourceDefinitionValidation` of a `schema` at `path`
/// (`spec.versions[i].schema`, or `spec.validation` when every version has the same schema):
/// supported, structural, with valid defaults. A missing schema is not reported here.
pub fn validate_version_schema(
    schema: Option<&Value>,
    status_enabled: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    let root_path = path.child("openAPIV3Schema");
    let Some(raw) = schema
        .and_then(|s| s.get("openAPIV3Schema"))
        .filter(|s| !s.is_null())
    else {
        // A missing schema is reported as `spec.versions[i].schema.openAPIV3Schema` by the
        // CRD's own rules.
        return Vec::new();
    };
    let mut errs = Vec::new();
    if status_enabled && let Some(fields) = raw.as_object() {
        let zero = |v: &Value| matches!(v, Value::Null | Value::Bool(false)) || v == "";
        for (key, value) in fields {
            if zero(value) {
                continue;
            }
            if key == "type" {
                if value != "object" {
                    errs.push(FieldError::invalid(
                        path.child("openAPIV3Schema.type"),
                        value.clone(),
                        "only \"object\" is allowed as the type at the root of the schema if the status subresource is enabled",
                    ));
                    break;
                }
                continue;
            }
            if !ALLOWED_AT_ROOT.iter().any(|(json, _)| json == key) {
                let names: Vec<&str> = ALLOWED_AT_ROOT.iter().map(|(_, go)| *go).collect();
                errs.push(FieldError {
                    value: None,
                    ..FieldError::invalid(
                        &root_path,
                        "",
                        format!(
                            "only [{}] fields are allowed at the root of the schema if the status subresource is enabled",
                            names.join(" ")
                        ),
                    )
                });
                break;
            }
        }
    }
    if raw.get("nullable").and_then(Value::as_bool) == Some(true) {
        errs.push(FieldError::forbidden(
            path.child("openAPIV3Schema.nullable"),
            "nullable cannot be true at the root",
        ));
    }
    let structural = match Structural::parse(raw) {
        Ok(s) => s,
        Err(e) => {
            if errs.is_empty() {
                errs.push(FieldError::invalid(root_path, "", e.to_string()));
            }
            return errs;
        }
    };
    let root = Context {
        is_root: true,
        inside_meta: false,
        defaults_forbidden: None,
    };
    openapi_schema(&structural, &root_path, root, &mut errs);
    // Upstream reports CEL compilation errors only for an otherwise valid schema.
    if errs.is_empty() {
        errs.extend(rule_compile_errors(&structural, &root_path));
    }
    let structural_errs = validate_structural(&root_path, &structural);
    if structural_errs.is_empty() {
        errs.extend(validate_defaults(&root_path, &structural));
    } else {
        errs.extend(structural_errs);
    }
    errs
}

/// Where in the schema a node is, for the rules that depend on it.
#[derive(Clone, Copy)]
struct Context {
    is_root: bool,
    /// Under `metadata`, `kind` or `apiVersion` of the root or an embedded resource.
    inside_meta: bool,
    /// Why a `default` may not be set here.
    defaults_forbidden: Option<&'static str>,
}

/// `ValidateCustomResourceDefinitionOpenAPISchema` with v1's options, on one node and below.
fn openapi_schema(s: &Structural, path: &FieldPath, ctx: Context, errs: &mut Vec<FieldError>) {
    if !s.type_.is_empty() && s.type_ != "null" && !OPENAPI_TYPES.contains(&s.type_.as_str()) {
        errs.push(FieldError::not_supported(
            path.child("type"),
            s.type_.as_str(),
            &OPENAPI_TYPES,
        ));
    }
    if s.default.is_some()
        && let Some(reason) = ctx.defaults_forbidden
    {
        errs.push(FieldError::forbidden(
            path.child("default"),
            format!("must not be set {reason}"),
        ));
    }
    for keyword in [
        "id",
        "additionalItems",
        "patternProperties",
        "definitions",
        "dependencies",
        "$ref",
    ] {
        if s.unsupported.contains(&keyword) {
            errs.push(FieldError::forbidden(
                path.child(keyword),
                format!("{keyword} is not supported"),
            ));
        }
    }
    if s.type_ == "null" {
        errs.push(FieldError::forbidden(
            path.child("type"),
            "type cannot be set to null, use nullable as an alternative",
        ));
    }
    if s.unsupported.contains(&"items") {
        errs.push(FieldError::forbidden(
            path.child("items"),
            "items must be a schema object and not an array",
        ));
    }
    if ctx.inside_meta && s.x_embedded_resource {
        errs.push(FieldError::forbidden(
            path.child("x-kubernetes-embedded-resource"),
            "must not be used inside of resource meta",
        ));
    }
    if s.unique_items {
        errs.push(FieldError::forbidden(
            path.child("uniqueItems"),
            "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
        ));
    }
    let nested = Context {
        is_root: false,
        ..ctx
    };
    if let Some(ap) = &s.additional_properties {
        if !s.properties.is_empty() && !matches!(ap, AdditionalProperties::Bool(true)) {
            errs.push(FieldError::forbidden(
                path.child("additionalProperties"),
                "additionalProperties and properties are mutual exclusive",
            ));
        }
        if let AdditionalProperties::Schema(ap) = ap {
            let mut sub = nested;
            if ctx.inside_meta {
                sub.defaults_forbidden =
                    Some("inside additionalProperties applying to object metadata");
            }
            openapi_schema(ap, &path.child("additionalProperties"), sub, errs);
        }
    }
    for (k, p) in &s.properties {
        let mut sub = nested;
        if (ctx.is_root || s.x_embedded_resource)
            && matches!(k.as_str(), "metadata" | "kind" | "apiVersion")
        {
            sub.inside_meta = true;
            if ctx.is_root {
                sub.defaults_forbidden = Some(match k.as_str() {
                    "metadata" => "in top-level metadata",
                    "kind" => "in top-level kind",
                    _ => "in top-level apiVersion",
                });
            }
        }
        openapi_schema(p, &path.child("properties").key(k), sub, errs);
    }
    if let Some(not) = &s.not {
        openapi_schema(not, &path.child("not"), nested, errs);
    }
    for (field, list) in [
        ("allOf", &s.all_of),
        ("oneOf", &s.one_of),
        ("anyOf", &s.any_of),
    ] {
        for (i, sub) in list.iter().enumerate() {
            openapi_schema(sub, &path.child(field).index(i), nested, errs);
        }
    }
    if let Some(items) = &s.items {
        openapi_schema(items, &path.child("items"), nested, errs);
    }
    if s.x_preserve_unknown_fields == Some(false) {
        errs.push(FieldError::invalid(
            path.child("x-kubernetes-preserve-unknown-fields"),
            false,
            "must be true or undefined",
        ));
    }
    list_and_map_types(s, path, errs);
    validation_rules(s, path, errs);
    map_list_keys_map_set(s, path, errs);
}

/// The shape of `x-kubernetes-validations` rules (their CEL is compiled in `cel.rs`).
fn validation_rules(s: &Structural, path: &FieldPath, errs: &mut Vec<FieldError>) {
    for (i, rule) in s.x_validations.iter().enumerate() {
        let at = path.child("x-kubernetes-validations").index(i);
        let text = |k: &str| rule.get(k).and_then(Value::as_str).unwrap_or("");
        let (raw_rule, raw_message) = (text("rule"), text("message"));
        let (rule_text, message) = (raw_rule.trim(), raw_message.trim());
        let newline = |t: &str| t.contains(['\n', '\r']);
        if rule_text.is_empty() {
            errs.push(FieldError::required(
                at.child("rule"),
                "rule is not specified",
            ));
        } else if !raw_message.is_empty() && message.is_empty() {
            errs.push(FieldError::invalid(
                at.child("message"),
                raw_message,
                "message must be non-empty if specified",
            ));
        } else if newline(message) {
            errs.push(FieldError::invalid(
                at.child("message"),
                raw_message,
                "message must not contain line breaks",
            ));
        } else if newline(rule_text) && message.is_empty() {
            errs.push(FieldError::required(
                at.child("message"),
                "message must be specified if rule contains line breaks",
            ));
        }
    }
}

/// The `x-kubernetes-list-type`, `-list-map-keys` and `-map-type` rules.
fn list_and_map_types(s: &Structural, path: &FieldPath, errs: &mut Vec<FieldError>) {
    if s.x_map_type.is_some() && s.type_ != "object" {
        let msg = "must be object if x-kubernetes-map-type is specified";
        errs.push(match s.type_.is_empty() {
            true => FieldError::required(path.child("type"), msg),
            false => FieldError::invalid(path.child("type"), s.type_.as_str(), msg),
        });
    }
    if let Some(mt) = &s.x_map_type
        && !matches!(mt.as_str(), "atomic" | "granular")
    {
        errs.push(FieldError::not_supported(
            path.child("x-kubernetes-map-type"),
            mt.as_str(),
            &["atomic", "granular"],
        ));
    }
    let items = s.items.as_deref();
    if s.x_list_type.is_some() && s.type_ != "array" {
        let msg = "must be array if x-kubernetes-list-type is specified";
        errs.push(match s.type_.is_empty() {
            true => FieldError::required(path.child("type"), msg),
            false => FieldError::invalid(path.child("type"), s.type_.as_str(), msg),
        });
    } else if s.x_list_type.as_deref() == Some("set")
        && let Some(is) = items
    {
        let msg = "must be atomic as item of a list with x-kubernetes-list-type=set";
        match is.type_.as_str() {
            "array" if is.x_list_type.as_deref().is_some_and(|t| t != "atomic") => {
                let at = path.child("items").child("x-kubernetes-list-type");
                errs.push(FieldError::invalid(at, is.x_list_type.clone(), msg));
            }
            "object" if is.x_map_type.as_deref() != Some("atomic") => {
                let at = path.child("items").child("x-kubernetes-map-type");
                errs.push(FieldError::invalid(at, is.x_list_type.clone(), msg));
            }
            _ => {}
        }
    }
    if let Some(lt) = &s.x_list_type
        && !matches!(lt.as_str(), "atomic" | "set" | "map")
    {
        errs.push(FieldError::not_supported(
            path.child("x-kubernetes-list-type"),
            lt.as_str(),
            &["atomic", "set", "map"],
        ));
    }
    if !s.x_list_map_keys.is_empty() {
        let msg = "must be map if x-kubernetes-list-map-keys is non-empty";
        match s.x_list_type.as_deref() {
            None => errs.push(FieldError::required(
                path.child("x-kubernetes-list-type"),
                msg,
            )),
            Some("map") => {}
            Some(other) => errs.push(FieldError::invalid(
                path.child("x-kubernetes-list-type"),
                other,
                msg,
            )),
        }
    }
    if s.x_list_type.as_deref() == Some("map") {
        let keys_path = path.child("x-kubernetes-list-map-keys");
        if s.x_list_map_keys.is_empty() {
            errs.push(FieldError::required(
                &keys_path,
                "must not be empty if x-kubernetes-list-type is map",
            ));
        }
        match items {
            None => errs.push(FieldError::required(
                path.child("items"),
                "must have a schema if x-kubernetes-list-type is map",
            )),
            Some(is) if is.type_ != "object" => errs.push(FieldError::invalid(
                path.child("items").child("type"),
                is.type_.as_str(),
                "must be object if parent array's x-kubernetes-list-type is map",
            )),
            Some(is) => map_list_keys(s, is, path, errs),
        }
    }
}

fn map_list_keys(s: &Structural, is: &Structural, path: &FieldPath, errs: &mut Vec<FieldError>) {
    let keys_path = path.child("x-kubernetes-list-map-keys");
    let keys = Value::from(s.x_list_map_keys.clone());
    let mut seen: Vec<&str> = Vec::new();
    for k in &s.x_list_map_keys {
        match is.properties.get(k) {
            Some(p) if p.type_ == "array" || p.type_ == "object" => {
                errs.push(FieldError::invalid(
                    path.child("items").child("properties").key(k).child("type"),
                    is.type_.as_str(),
                    "must be a scalar type if parent array's x-kubernetes-list-type is map",
                ));
            }
            Some(_) => {}
            None => errs.push(FieldError::invalid(
                &keys_path,
                keys.clone(),
                "entries must all be names of item properties",
            )),
        }
        if seen.contains(&k.as_str()) {
            errs.push(FieldError::invalid(
                &keys_path,
                keys.clone(),
                "must not contain duplicate entries",
            ));
        }
        seen.push(k);
    }
}

/// `validateMapListKeysMapSet`: items of sets and maps are not nullable, and map keys are
/// required or defaulted, and not nullable.
fn map_list_keys_map_set(s: &Structural, path: &FieldPath, errs: &mut Vec<FieldError>) {
    let (Some(is), Some(list_type)) = (s.items.as_deref(), s.x_list_type.as_deref()) else {
        return;
    };
    if list_type != "set" && list_type != "map" {
        return;
    }
    if is.nullable {
        errs.push(FieldError::forbidden(
            path.child("items").child("nullable"),
            format!("cannot be nullable when x-kubernetes-list-type is {list_type}"),
        ));
    }
    if list_type != "map" {
        return;
    }
    for k in &s.x_list_map_keys {
        let Some(p) = is.properties.get(k) else {
            continue;
        };
        let at = path.child("items").child("properties").key(k);
        if !is.required.contains(k) && p.default.is_none() {
            errs.push(FieldError::required(
                at.child("default"),
                "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property",
            ));
        }
        if p.nullable {
            errs.push(FieldError::forbidden(
                at.child("nullable"),
                "this property is in x-kubernetes-list-map-keys, so it cannot be nullable",
            ));
        }
    }
}

/// `validateSimpleJSONPath`.
fn simple_json_path(s: &str, path: &FieldPath) -> Option<FieldError> {
    if s.is_empty() {
        Some(FieldError::invalid(path, s, "must not be empty"))
    } else if !s.starts_with('.') {
        Some(FieldError::invalid(
            path,
            s,
            "must be a simple json path starting with .",
        ))
    } else {
        None
    }
}

/// `ValidateCustomResourceDefinitionSubresources` (`path` is `...subresources`).
pub fn validate_subresources(subresources: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(scale) = subresources.get("scale").filter(|s| s.is_object()) else {
        return errs;
    };
    let text = |k: &str| scale.get(k).and_then(Value::as_str).unwrap_or("");
    for (field, prefix, msg) in [
        (
            "specReplicasPath",
            ".spec.",
            "should be a json path under .spec",
        ),
        (
            "statusReplicasPath",
            ".status.",
            "should be a json path under .status",
        ),
    ] {
        let at = path.child(format!("scale.{field}"));
        let value = text(field);
        if value.is_empty() {
            errs.push(FieldError::required(at, ""));
        } else if let Some(e) = simple_json_path(value, &at) {
            errs.push(e);
        } else if !value.starts_with(prefix) {
            errs.push(FieldError::invalid(at, value, msg));
        }
    }
    let selector = text("labelSelectorPath");
    if !selector.is_empty() {
        let at = path.child("scale.labelSelectorPath");
        if let Some(e) = simple_json_path(selector, &at) {
            errs.push(e);
        } else if !selector.starts_with(".spec.") && !selector.starts_with(".status.") {
            errs.push(FieldError::invalid(
                at,
                selector,
                "should be a json path under either .spec or .status",
            ));
        }
    }
    errs
}

/// `ValidateCustomResourceColumnDefinition` (`path` is `...additionalPrinterColumns[i]`).
pub fn validate_printer_column(column: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let text = |k: &str| column.get(k).and_then(Value::as_str).unwrap_or("");
    if text("name").is_empty() {
        errs.push(FieldError::required(path.child("name"), ""));
    }
    let types_msg = format!("must be one of {}", PRINTER_COLUMN_TYPES.join(","));
    match text("type") {
        "" => errs.push(FieldError::required(path.child("type"), types_msg)),
        t if !PRINTER_COLUMN_TYPES.contains(&t) => {
            errs.push(FieldError::invalid(path.child("type"), t, types_msg));
        }
        _ => {}
    }
    let format = text("format");
    if !format.is_empty() && !PRINTER_COLUMN_FORMATS.contains(&format) {
        errs.push(FieldError::invalid(
            path.child("format"),
            format,
            format!("must be one of {}", PRINTER_COLUMN_FORMATS.join(",")),
        ));
    }
    let json_path = text("jsonPath");
    if json_path.is_empty() {
        errs.push(FieldError::required(path.child("jsonPath"), ""));
    } else if let Some(e) = simple_json_path(json_path, &path.child("jsonPath")) {
        errs.push(e);
    }
    errs
}

#[cfg(test)]
#[path = "crd_schema_tests.rs"]
mod tests;
