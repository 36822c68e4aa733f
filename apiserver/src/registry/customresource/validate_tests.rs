//! Tests of `validate.rs`: the crontab example of the CRD documentation and each kube-openapi
//! check, compared with upstream's rendered field errors.

use serde_json::{Value, json};

use super::*;

pub(crate) fn crontab_schema() -> Value {
    json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "cronSpec": {"type": "string", "pattern": "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$"},
        "image": {"type": "string"},
        "replicas": {"type": "integer", "minimum": 1, "maximum": 10}}}}})
}

fn errors(schema: Value, object: Value) -> Vec<String> {
    let s = Structural::parse(&schema).unwrap();
    validate_schema(&s, &object, None)
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn spec(schema: Value, spec: Value) -> Vec<String> {
    errors(
        json!({"type": "object", "properties": {"spec": schema}}),
        json!({"spec": spec}),
    )
}

#[test]
fn crontab_valid_and_invalid() {
    let valid = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab",
        "metadata": {"name": "my-new-cron-object"},
        "spec": {"cronSpec": "* * * * */5", "image": "my-awesome-cron-image", "replicas": 1}});
    assert!(errors(crontab_schema(), valid).is_empty());

    let invalid = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab",
        "metadata": {"name": "my-new-cron-object"},
        "spec": {"cronSpec": "* * * *", "image": "my-awesome-cron-image", "replicas": 15}});
    assert_eq!(
        errors(crontab_schema(), invalid),
        vec![
            r#"spec.cronSpec: Invalid value: "* * * *": spec.cronSpec in body should match '^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$'"#,
            "spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10",
        ]
    );
}

#[test]
fn types() {
    let s = json!({"type": "object", "properties": {"replicas": {"type": "integer"},
        "name": {"type": "string"}, "ratio": {"type": "number"}, "on": {"type": "boolean"},
        "v": {"x-kubernetes-int-or-string": true}, "n": {"type": "string", "nullable": true}}});
    assert_eq!(
        spec(
            s.clone(),
            json!({"replicas": "3", "name": 1, "ratio": 2, "on": "yes", "v": true, "n": null})
        ),
        vec![
            r#"spec.name: Invalid value: "integer": spec.name in body must be of type string: "integer""#,
            r#"spec.on: Invalid value: "string": spec.on in body must be of type boolean: "string""#,
            r#"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string""#,
            r#"spec.v: Invalid value: "boolean": spec.v in body must be of type integer,string: "boolean""#,
        ]
    );
    assert!(spec(s.clone(), json!({"replicas": 3.0, "v": "50%"})).is_empty());
    assert_eq!(
        spec(s, json!({"name": null, "replicas": 1.5})),
        vec![
            r#"spec.name: Invalid value: "null": spec.name in body must be of type string: "null""#,
            r#"spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number""#,
        ]
    );
}

#[test]
fn required_enum_and_strings() {
    let s = json!({"type": "object", "required": ["a", "b"], "properties": {
        "a": {"type": "string", "enum": ["x", "y"]}, "b": {"type": "string", "maxLength": 3},
        "c": {"type": "string", "minLength": 2}, "d": {"type": "integer", "enum": [1, 2]}}});
    assert_eq!(
        spec(s.clone(), json!({"c": "x", "d": 3})),
        vec![
            "spec.c: Invalid value: \"x\": spec.c in body should be at least 2 chars long",
            "spec.d: Unsupported value: 3: supported values: \"1\", \"2\"",
            "spec.a: Required value",
            "spec.b: Required value",
        ]
    );
    assert_eq!(
        spec(s, json!({"a": "z", "b": "long"})),
        vec![
            "spec.a: Unsupported value: \"z\": supported values: \"x\", \"y\"",
            "spec.b: Too long: may not be more than 3 bytes",
        ]
    );
}

#[test]
fn numbers() {
    let s = json!({"type": "object", "properties": {
        "a": {"type": "integer", "minimum": 1, "exclusiveMinimum": true},
        "b": {"type": "number", "maximum": 1.5, "exclusiveMaximum": true},
        "c": {"type": "integer", "multipleOf": 5},
        "d": {"type": "number", "multipleOf": 0.5},
        "e": {"type": "integer", "format": "int32", "maximum": 10000000000i64}}});
    assert_eq!(
        spec(
            s.clone(),
            json!({"a": 1, "b": 1.5, "c": 7, "d": 0.7, "e": 4294967296i64})
        ),
        vec![
            "spec.a: Invalid value: 1: spec.a in body should be greater than 1",
            "spec.b: Invalid value: 1.5: spec.b in body should be less than 1.5",
            "spec.c: Invalid value: 7: spec.c in body should be a multiple of 5",
            "spec.d: Invalid value: 0.7: spec.d in body should be a multiple of 0.5",
            "<nil>: Invalid value: \"\": Checked value must be of type integer with format int32 in spec.e",
        ]
    );
    assert!(spec(s, json!({"a": 2, "b": 1.0, "c": 10, "d": 1.5, "e": 5})).is_empty());
}

#[test]
fn arrays_and_maps() {
    let s = json!({"type": "object", "properties": {
        "list": {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "string"}},
        "labels": {"type": "object", "maxProperties": 1, "additionalProperties": {"type": "string"}},
        "m": {"type": "object", "additionalProperties": {"type": "integer"}},
        "closed": {"type": "object", "additionalProperties": false, "properties": {"a": {"type": "string"}}}}});
    assert_eq!(
        spec(
            s.clone(),
            json!({"list": ["a", 1, "c", "d"], "labels": {"a": "1", "b": "2"},
            "m": {"x": "y"}, "closed": {"a": "x", "b": "y"}})
        ),
        vec![
            "spec.closed: Invalid value: \"b\": spec.closed.b in body is a forbidden property",
            "spec.labels: Too many: 2: must have at most 1 item",
            "spec.list[1]: Invalid value: \"integer\": spec.list[1] in body must be of type string: \"integer\"",
            "spec.list: Too many: 4: must have at most 3 items",
            "spec.m.x: Invalid value: \"string\": spec.m.x in body must be of type integer: \"string\"",
        ]
    );
    assert_eq!(
        spec(s, json!({"list": ["a"]})),
        vec!["spec.list: Invalid value: 1: spec.list in body should have at least 2 items"]
    );
}

#[test]
fn junctors() {
    let s = json!({"type": "object", "properties": {
        "any": {"type": "string", "anyOf": [{"pattern": "^a"}, {"pattern": "^b"}]},
        "one": {"type": "integer", "oneOf": [{"minimum": 5}, {"maximum": 10}]},
        "all": {"type": "integer", "allOf": [{"minimum": 5}, {"maximum": 10}]},
        "not": {"type": "string", "not": {"enum": ["forbidden"]}}}});
    assert_eq!(
        spec(
            s.clone(),
            json!({"any": "c", "one": 7, "all": 20, "not": "forbidden"})
        ),
        vec![
            "spec.all: Invalid value: 20: spec.all in body should be less than or equal to 10",
            "<nil>: Invalid value: \"\": \"spec.all\" must validate all the schemas (allOf)",
            "<nil>: Invalid value: \"\": \"spec.any\" must validate at least one schema (anyOf)",
            "spec.any: Invalid value: \"c\": spec.any in body should match '^a'",
            "<nil>: Invalid value: \"\": \"spec.not\" must not validate the schema (not)",
            "<nil>: Invalid value: \"\": \"spec.one\" must validate one and only one schema (oneOf). Found 2 valid alternatives",
        ]
    );
    assert!(spec(s, json!({"any": "b", "one": 11, "all": 6, "not": "ok"})).is_empty());
}

#[test]
fn formats_are_type_errors() {
    let s = json!({"type": "object", "properties": {"t": {"type": "string", "format": "date-time"},
        "b": {"type": "string", "format": "byte"}, "x": {"type": "string", "format": "int32"}}});
    assert_eq!(
        spec(s, json!({"t": "yesterday", "b": "aGk=", "x": "abc"})),
        vec![
            "spec.t: Invalid value: \"yesterday\": spec.t in body must be of type date-time: \"yesterday\""
        ]
    );
}

#[test]
fn errors_under_a_root_path() {
    let s = Structural::parse(&json!({"type": "integer", "maximum": 10})).unwrap();
    let errs = validate_schema(&s, &json!(15), Some("spec.x.default"));
    assert_eq!(
        errs[0].to_string(),
        "spec.x.default: Invalid value: 15:  in body should be less than or equal to 10"
    );
}

#[test]
fn null_never_matches_an_enum() {
    let s = json!({"type": "object", "properties": {"e": {"type": "string", "nullable": true, "enum": ["a"]}}});
    assert_eq!(
        spec(s, json!({"e": null})),
        vec!["spec.e: Unsupported value: null: supported values: \"a\""]
    );
}
