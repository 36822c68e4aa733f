//! The checks of one CRD version's `schema`, `subresources` and `additionalPrinterColumns`, as
//! upstream's `pkg/apis/apiextensions/validation/validation.go`
//! (`ValidateCustomResourceDefinitionValidation`, `ValidateCustomResourceDefinitionOpenAPISchema`,
//! `ValidateCustomResourceDefinitionSubresources`, `ValidateCustomResourceColumnDefinition`):
//! a v1 CRD needs a schema; the schema uses only what CRDs support, its list and map
//! extensions are consistent, it is structural, and its defaults are valid.

use serde_json::Value;

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

/// `spec.versions[i].schema` (`path`): required, supported, structural, with valid defaults.
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
        return vec![FieldError::required(root_path, "schemas are required")];
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
    let structural = match Structural::parse(raw) {
        Ok(s) => s,
        Err(e) => {
            if errs.is_empty() {
                errs.push(FieldError::invalid(root_path, "", e.to_string()));
            }
            return errs;
        }
    };
    openapi_schema(&structural, &root_path, &mut errs);
    let structural_errs = validate_structural(&root_path, &structural);
    if structural_errs.is_empty() {
        errs.extend(validate_defaults(&root_path, &structural));
    } else {
        errs.extend(structural_errs);
    }
    errs
}

/// `ValidateCustomResourceDefinitionOpenAPISchema` with v1's options, on one node and below.
fn openapi_schema(s: &Structural, path: &FieldPath, errs: &mut Vec<FieldError>) {
    for keyword in &s.unsupported {
        let (field, msg) = match *keyword {
            "items" => (
                "items",
                "items must be a schema object and not an array".to_owned(),
            ),
            k => (k, format!("{k} is not supported")),
        };
        errs.push(FieldError::forbidden(path.child(field), msg));
    }
    if s.type_ == "null" {
        errs.push(FieldError::forbidden(
            path.child("type"),
            "type cannot be set to null",
        ));
    } else if !s.type_.is_empty() && !OPENAPI_TYPES.contains(&s.type_.as_str()) {
        errs.push(FieldError::not_supported(
            path.child("type"),
            s.type_.as_str(),
            &OPENAPI_TYPES,
        ));
    }
    if s.unique_items {
        errs.push(FieldError::forbidden(
            path.child("uniqueItems"),
            "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
        ));
    }
    if s.x_preserve_unknown_fields == Some(false) {
        errs.push(FieldError::invalid(
            path.child("x-kubernetes-preserve-unknown-fields"),
            false,
            "must be true or undefined",
        ));
    }
    if let Some(ap) = &s.additional_properties
        && !s.properties.is_empty()
        && !matches!(ap, AdditionalProperties::Bool(true))
    {
        errs.push(FieldError::forbidden(
            path.child("additionalProperties"),
            "additionalProperties and properties are mutual exclusive",
        ));
    }
    list_and_map_types(s, path, errs);

    if let Some(ap) = s.additional_schema() {
        openapi_schema(ap, &path.child("additionalProperties"), errs);
    }
    for (k, p) in &s.properties {
        openapi_schema(p, &path.child("properties").key(k), errs);
    }
    if let Some(not) = &s.not {
        openapi_schema(not, &path.child("not"), errs);
    }
    for (field, list) in [
        ("allOf", &s.all_of),
        ("oneOf", &s.one_of),
        ("anyOf", &s.any_of),
    ] {
        for (i, sub) in list.iter().enumerate() {
            openapi_schema(sub, &path.child(field).index(i), errs);
        }
    }
    if let Some(items) = &s.items {
        openapi_schema(items, &path.child("items"), errs);
    }
}

/// The `x-kubernetes-list-type`, `-list-map-keys` and `-map-type` rules.
fn list_and_map_types(s: &Structural, path: &FieldPath, errs: &mut Vec<FieldError>) {
    if let Some(lt) = &s.x_list_type
        && !matches!(lt.as_str(), "atomic" | "set" | "map")
    {
        errs.push(FieldError::not_supported(
            path.child("x-kubernetes-list-type"),
            lt.as_str(),
            &["atomic", "set", "map"],
        ));
    }
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
    } else if !s.x_list_map_keys.is_empty() {
        errs.push(FieldError::forbidden(
            path.child("x-kubernetes-list-map-keys"),
            "must be empty if x-kubernetes-list-type is not map",
        ));
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
    for k in &s.x_list_map_keys {
        let Some(p) = is.properties.get(k) else {
            continue;
        };
        let at = path.child("items").child("properties").key(k);
        if !is.required.contains(k) && p.default.as_ref().is_none_or(Value::is_null) {
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
