//! Tests of `crd_schema.rs`: schema, subresource and printer column rules of a CRD version.

use serde_json::{Value, json};

use super::*;

const P: &str = "spec.versions[0].schema.openAPIV3Schema";

fn schema_errors(schema: Value, status: bool) -> Vec<String> {
    let path = FieldPath::new("spec")
        .child("versions")
        .index(0)
        .child("schema");
    validate_version_schema(Some(&json!({"openAPIV3Schema": schema})), status, &path)
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn unsupported_keywords() {
    let errs = schema_errors(
        json!({"type": "object", "properties": {
            "a": {"type": "array", "uniqueItems": true, "items": [{"type": "string"}]},
            "b": {"$ref": "#/definitions/x", "type": "null"},
            "c": {"type": "object", "properties": {"x": {"type": "string"}}, "additionalProperties": {"type": "string"}},
            "d": {"type": "date"},
            "e": {"type": "string", "x-kubernetes-preserve-unknown-fields": false}}}),
        false,
    );
    assert_eq!(
        errs[..7],
        [
            format!(
                "{P}.properties[a].items: Forbidden: items must be a schema object and not an array"
            ),
            format!(
                "{P}.properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic"
            ),
            format!("{P}.properties[b].$ref: Forbidden: $ref is not supported"),
            format!(
                "{P}.properties[b].type: Forbidden: type cannot be set to null, use nullable as an alternative"
            ),
            format!(
                "{P}.properties[c].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"
            ),
            format!(
                "{P}.properties[d].type: Unsupported value: \"date\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\""
            ),
            format!(
                "{P}.properties[e].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined"
            ),
        ]
    );
}

#[test]
fn list_and_map_types() {
    let errs = schema_errors(
        json!({"type": "object", "properties": {
            "m": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name", "port", "name"],
                "items": {"type": "object", "properties": {"name": {"type": "string", "nullable": true},
                    "obj": {"type": "object"}}}},
            "s": {"type": "string", "x-kubernetes-list-type": "bag", "x-kubernetes-list-map-keys": ["a"]},
            "t": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "object"}}}}),
        false,
    );
    assert_eq!(
        errs,
        vec![
            format!(
                "{P}.properties[m].x-kubernetes-list-map-keys: Invalid value: [\"name\",\"port\",\"name\"]: entries must all be names of item properties"
            ),
            format!(
                "{P}.properties[m].x-kubernetes-list-map-keys: Invalid value: [\"name\",\"port\",\"name\"]: must not contain duplicate entries"
            ),
            format!(
                "{P}.properties[m].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"
            ),
            format!(
                "{P}.properties[m].items.properties[name].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable"
            ),
            format!(
                "{P}.properties[m].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"
            ),
            format!(
                "{P}.properties[m].items.properties[name].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable"
            ),
            format!(
                "{P}.properties[s].type: Invalid value: \"string\": must be array if x-kubernetes-list-type is specified"
            ),
            format!(
                "{P}.properties[s].x-kubernetes-list-type: Unsupported value: \"bag\": supported values: \"atomic\", \"set\", \"map\""
            ),
            format!(
                "{P}.properties[s].x-kubernetes-list-type: Invalid value: \"bag\": must be map if x-kubernetes-list-map-keys is non-empty"
            ),
            format!(
                "{P}.properties[t].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set"
            ),
        ]
    );
}

#[test]
fn status_subresource_root() {
    let errs = schema_errors(
        json!({"type": "object", "properties": {"spec": {"type": "object"}}}),
        true,
    );
    assert!(errs.is_empty(), "{errs:?}");
    let errs = schema_errors(
        json!({"type": "object", "anyOf": [{"required": ["spec"]}], "properties": {"spec": {"type": "object"}}}),
        true,
    );
    assert_eq!(errs.len(), 1);
    assert!(errs[0].starts_with(&format!(
        "{P}: Invalid value: only [Description Type Format Title"
    )));
}

#[test]
fn invalid_defaults_are_reported_after_structural_ones() {
    let errs = schema_errors(
        json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "replicas": {"type": "integer", "maximum": 10, "default": 15}}}}}),
        false,
    );
    assert_eq!(
        errs,
        vec![format!(
            "{P}.properties[spec].properties[replicas].default: Invalid value: 15:  in body should be less than or equal to 10"
        )]
    );
}

#[test]
fn subresources() {
    let path = FieldPath::new("spec")
        .child("versions")
        .index(0)
        .child("subresources");
    let errs: Vec<String> = validate_subresources(
        &json!({"status": {}, "scale": {"specReplicasPath": "spec.replicas",
            "statusReplicasPath": ".spec.replicas", "labelSelectorPath": ".metadata.labels"}}),
        &path,
    )
    .iter()
    .map(ToString::to_string)
    .collect();
    let s = "spec.versions[0].subresources.scale";
    assert_eq!(
        errs,
        vec![
            format!(
                "{s}.specReplicasPath: Invalid value: \"spec.replicas\": must be a simple json path starting with ."
            ),
            format!(
                "{s}.statusReplicasPath: Invalid value: \".spec.replicas\": should be a json path under .status"
            ),
            format!(
                "{s}.labelSelectorPath: Invalid value: \".metadata.labels\": should be a json path under either .spec or .status"
            ),
        ]
    );
    assert_eq!(validate_subresources(&json!({"scale": {}}), &path).len(), 2);
}

#[test]
fn printer_columns() {
    let path = FieldPath::new("spec")
        .child("versions")
        .index(0)
        .child("additionalPrinterColumns")
        .index(0);
    let errs: Vec<String> = validate_printer_column(
        &json!({"type": "duration", "format": "uuid", "jsonPath": "spec.x"}),
        &path,
    )
    .iter()
    .map(ToString::to_string)
    .collect();
    let c = "spec.versions[0].additionalPrinterColumns[0]";
    assert_eq!(
        errs,
        vec![
            format!("{c}.name: Required value"),
            format!(
                "{c}.type: Invalid value: \"duration\": must be one of boolean,date,integer,number,string"
            ),
            format!(
                "{c}.format: Invalid value: \"uuid\": must be one of byte,date,date-time,double,float,int32,int64,password"
            ),
            format!(
                "{c}.jsonPath: Invalid value: \"spec.x\": must be a simple json path starting with ."
            ),
        ]
    );
    assert!(
        validate_printer_column(
            &json!({"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec"}),
            &path
        )
        .is_empty()
    );
}

#[test]
fn metadata_defaults_and_validation_rules() {
    let errs = schema_errors(
        json!({"type": "object", "nullable": true, "properties": {
            "metadata": {"type": "object", "default": {}},
            "spec": {"type": "object", "x-kubernetes-validations": [{"rule": " "}, {"rule": "a", "message": "two\nlines"}],
                "properties": {"s": {"type": "array", "x-kubernetes-list-type": "set",
                    "items": {"type": "string", "nullable": true}}}}}}),
        false,
    );
    assert_eq!(
        errs[..5],
        [
            format!("{P}.nullable: Forbidden: nullable cannot be true at the root"),
            format!(
                "{P}.properties[metadata].default: Forbidden: must not be set in top-level metadata"
            ),
            format!(
                "{P}.properties[spec].properties[s].items.nullable: Forbidden: cannot be nullable when x-kubernetes-list-type is set"
            ),
            format!(
                "{P}.properties[spec].x-kubernetes-validations[0].rule: Required value: rule is not specified"
            ),
            format!(
                "{P}.properties[spec].x-kubernetes-validations[1].message: Invalid value: \"two\\nlines\": message must not contain line breaks"
            ),
        ]
    );
}
