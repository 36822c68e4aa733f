//! Defaulting of custom resources from the `default`s of their schema, as upstream's
//! `schema/defaulting/algorithm.go`: an absent property with a default gets a copy of it, and so
//! does a property, map value or list item that is `null` where the schema is not `nullable`;
//! defaults are applied top-down, so a default object is itself defaulted inside. Upstream
//! applies them when a request body is decoded and when an object is read from storage.
//!
//! [`prune_non_nullable_nulls`] drops the `null`s that no default replaces where the schema is
//! not nullable (upstream's `PruneNonNullableNullsWithoutDefaults`, run on writes before
//! defaulting), so that validation does not see them.
//!
//! [`validate_defaults`] is the CRD-side check (`defaulting/validation.go`): every default must
//! be pruned already and valid against its own schema.

use serde_json::Value;

use super::embedded::validate_embedded;
use super::prune::prune;
use super::structural::Structural;
use super::validate::validate_schema;
use crate::endpoints::status::{FieldError, FieldPath};

/// The default of `s`, if it has one that is not `null`.
fn default_of(s: &Structural) -> Option<&Value> {
    s.default.as_ref().filter(|d| !d.is_null())
}

fn is_non_nullable_null(v: &Value, s: Option<&Structural>) -> bool {
    v.is_null() && s.is_some_and(|s| !s.nullable)
}

/// Applies the schema's defaults to `value` in place (`structuraldefaulting.Default`).
pub fn apply_defaults(value: &mut Value, s: &Structural) {
    match value {
        Value::Object(fields) => {
            for (k, prop) in &s.properties {
                let Some(default) = default_of(prop) else {
                    continue;
                };
                match fields.get(k) {
                    Some(v) if !is_non_nullable_null(v, Some(prop)) => {}
                    _ => {
                        fields.insert(k.clone(), default.clone());
                    }
                }
            }
            for (k, v) in fields.iter_mut() {
                if let Some(prop) = s.properties.get(k) {
                    apply_defaults(v, prop);
                } else if let Some(ap) = s.additional_schema() {
                    if is_non_nullable_null(v, Some(ap)) {
                        *v = default_of(ap).cloned().unwrap_or(Value::Null);
                    }
                    apply_defaults(v, ap);
                }
            }
        }
        Value::Array(items) => {
            let Some(item_schema) = s.items.as_deref() else {
                return;
            };
            for v in items.iter_mut() {
                if is_non_nullable_null(v, Some(item_schema)) {
                    *v = default_of(item_schema).cloned().unwrap_or(Value::Null);
                }
                apply_defaults(v, item_schema);
            }
        }
        _ => {}
    }
}

/// Drops the fields that are `null` where the schema is not nullable and has no default.
pub fn prune_non_nullable_nulls(value: &mut Value, s: &Structural) {
    match value {
        Value::Object(fields) => {
            let keys: Vec<String> = fields.keys().cloned().collect();
            for k in keys {
                let Some(schema) = s.field(&k) else {
                    continue;
                };
                let drop = fields.get(&k).is_some_and(|v| {
                    v.is_null() && default_of(schema).is_none() && !schema.nullable
                });
                if drop {
                    fields.remove(&k);
                } else if let Some(v) = fields.get_mut(&k) {
                    prune_non_nullable_nulls(v, schema);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = s.items.as_deref() {
                for v in items.iter_mut() {
                    prune_non_nullable_nulls(v, item_schema);
                }
            }
        }
        _ => {}
    }
}

/// `ValidateDefaults`: every `default` in the schema at `path` (not under
/// `additionalProperties`) has no unknown fields and is valid against its own schema (embedded
/// resources' type and object meta first, then kube-openapi's checks). A default inside
/// `metadata` is only checked against its schema.
pub fn validate_defaults(path: &FieldPath, s: &Structural) -> Vec<FieldError> {
    let mut errs = Vec::new();
    walk(path, s, false, true, &mut errs);
    errs
}

fn walk(
    path: &FieldPath,
    s: &Structural,
    inside_meta: bool,
    is_root: bool,
    errs: &mut Vec<FieldError>,
) {
    let embedded = s.x_embedded_resource || is_root;
    let inside_meta = inside_meta && !embedded;
    if let Some(default) = default_of(s) {
        let at = path.child("default");
        let root = at.to_string();
        if inside_meta {
            // Upstream checks the metadata a default inside `metadata` would make; here only
            // its schema.
            errs.extend(validate_schema(s, default, Some(&root)));
        } else {
            let mut pruned = default.clone();
            prune(&mut pruned, s, s.x_embedded_resource);
            if &pruned != default {
                errs.push(FieldError::invalid(
                    &at,
                    default.clone(),
                    "must not have unknown fields",
                ));
            }
            let meta_errs = validate_embedded(Some(&root), default, s, s.x_embedded_resource);
            if meta_errs.is_empty() {
                errs.extend(validate_schema(s, default, Some(&root)));
            } else {
                errs.extend(meta_errs);
            }
        }
    }
    // additionalProperties are not followed: defaults are forbidden there.
    if let Some(items) = &s.items {
        walk(&path.child("items"), items, inside_meta, false, errs);
    }
    for (k, prop) in &s.properties {
        let meta =
            inside_meta || (embedded && matches!(k.as_str(), "metadata" | "apiVersion" | "kind"));
        walk(&path.child("properties").key(k), prop, meta, false, errs);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Structural {
        Structural::parse(&json!({"type": "object", "properties": {"spec": {"type": "object",
            "default": {},
            "properties": {
                "replicas": {"type": "integer", "default": 1},
                "image": {"type": "string", "default": "nginx"},
                "nullable": {"type": "string", "nullable": true, "default": "d"},
                "ports": {"type": "array", "items": {"type": "object",
                    "properties": {"protocol": {"type": "string", "default": "TCP"}}}},
                "labels": {"type": "object", "additionalProperties": {"type": "string", "default": "v"}},
                "plain": {"type": "string"}}}}}))
        .unwrap()
    }

    #[test]
    fn fills_absent_and_non_nullable_null_fields() {
        let mut object = json!({"spec": {"image": null, "nullable": null,
            "ports": [{"port": 80}, null], "labels": {"a": null, "b": "x"}}});
        apply_defaults(&mut object, &schema());
        assert_eq!(
            object,
            json!({"spec": {"replicas": 1, "image": "nginx", "nullable": null,
            "ports": [{"port": 80, "protocol": "TCP"}, null], "labels": {"a": "v", "b": "x"}}})
        );
    }

    #[test]
    fn a_default_object_is_defaulted_inside() {
        let mut object = json!({});
        apply_defaults(&mut object, &schema());
        assert_eq!(
            object,
            json!({"spec": {"replicas": 1, "image": "nginx", "nullable": "d"}})
        );
    }

    #[test]
    fn non_nullable_nulls_without_defaults_are_dropped() {
        let mut object =
            json!({"spec": {"plain": null, "image": null, "nullable": null, "other": null}});
        prune_non_nullable_nulls(&mut object, &schema());
        assert_eq!(
            object,
            json!({"spec": {"image": null, "nullable": null, "other": null}})
        );
    }

    #[test]
    fn defaults_must_be_valid_and_pruned() {
        let s = Structural::parse(&json!({"type": "object", "properties": {"spec": {"type": "object",
            "properties": {
                "replicas": {"type": "integer", "maximum": 10, "default": 15},
                "obj": {"type": "object", "properties": {"a": {"type": "string"}}, "default": {"a": "x", "b": 1}},
                "name": {"type": "string", "default": 5}}}}}))
        .unwrap();
        let root = FieldPath::new("spec")
            .child("versions")
            .index(0)
            .child("schema")
            .child("openAPIV3Schema");
        let errs: Vec<String> = validate_defaults(&root, &s)
            .iter()
            .map(ToString::to_string)
            .collect();
        let p = "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties";
        assert_eq!(
            errs,
            vec![
                format!(
                    "{p}[name].default: Invalid value: \"integer\":  in body must be of type string: \"integer\""
                ),
                format!(
                    "{p}[obj].default: Invalid value: {{\"a\":\"x\",\"b\":1}}: must not have unknown fields"
                ),
                format!(
                    "{p}[replicas].default: Invalid value: 15:  in body should be less than or equal to 10"
                ),
            ]
        );
    }
}
