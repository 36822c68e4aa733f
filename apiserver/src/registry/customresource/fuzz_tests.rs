//! Deterministic fuzzing: random (often malformed) schemas, objects and CRDs never make any
//! function of this module panic.

use serde_json::{Map, Value, json};

use super::*;
use crate::endpoints::status::FieldPath;
use crate::testing::Rng;

/// Schema keywords, so random schemas reach every rule.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "properties",
    "items",
    "additionalProperties",
    "required",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "format",
    "nullable",
    "default",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "description",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-embedded-resource",
    "x-kubernetes-int-or-string",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
    "x-kubernetes-validations",
    "$ref",
];

/// Field names objects use, shared with the schemas' property names.
const FIELDS: &[&str] = &[
    "spec",
    "status",
    "metadata",
    "apiVersion",
    "kind",
    "name",
    "replicas",
    "items",
    "a",
    "b",
];

const STRINGS: &[&str] = &[
    "",
    "object",
    "array",
    "string",
    "integer",
    "number",
    "boolean",
    "null",
    "set",
    "map",
    "atomic",
    "granular",
    "date-time",
    "byte",
    "int32",
    "^a+$",
    "(",
    "v1",
    "a/b/c",
    "Pod",
    "é\u{0}",
];

fn scalar(rng: &mut Rng) -> Value {
    match rng.below(7) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => json!(rng.below(30) as i64 - 10),
        3 => json!(rng.below(1000) as f64 / 7.0 - 20.0),
        4 => json!(i64::MAX),
        5 => json!(1e300),
        _ => Value::from(*rng.pick(STRINGS)),
    }
}

fn object(rng: &mut Rng, depth: usize) -> Value {
    if depth == 0 || rng.below(4) == 0 {
        return scalar(rng);
    }
    if rng.below(3) == 0 {
        let n = rng.below(4);
        return Value::Array((0..n).map(|_| object(rng, depth - 1)).collect());
    }
    let mut m = Map::new();
    for _ in 0..rng.below(5) {
        m.insert((*rng.pick(FIELDS)).to_owned(), object(rng, depth - 1));
    }
    Value::Object(m)
}

fn schema(rng: &mut Rng, depth: usize) -> Value {
    let mut m = Map::new();
    for _ in 0..rng.below(6) {
        let key = *rng.pick(SCHEMA_KEYS);
        let value = match key {
            "properties" if depth > 0 => {
                let mut props = Map::new();
                for _ in 0..rng.below(4) {
                    props.insert((*rng.pick(FIELDS)).to_owned(), schema(rng, depth - 1));
                }
                Value::Object(props)
            }
            "items" | "additionalProperties" | "not" if depth > 0 => match rng.below(5) {
                0 => scalar(rng),
                _ => schema(rng, depth - 1),
            },
            "allOf" | "anyOf" | "oneOf" if depth > 0 => {
                Value::Array((0..rng.below(3)).map(|_| schema(rng, depth - 1)).collect())
            }
            "required" | "x-kubernetes-list-map-keys" | "enum" => Value::Array(
                (0..rng.below(3))
                    .map(|_| match rng.below(4) {
                        0 => scalar(rng),
                        _ => Value::from(*rng.pick(FIELDS)),
                    })
                    .collect(),
            ),
            "default" => object(rng, 2),
            _ => scalar(rng),
        };
        m.insert(key.to_owned(), value);
    }
    Value::Object(m)
}

#[test]
fn random_schemas_and_objects_never_panic() {
    let mut rng = Rng(0x5eed_c0de_1234_5678);
    let mut parsed = 0;
    for _ in 0..4000 {
        let raw = schema(&mut rng, 4);
        let root = FieldPath::new("openAPIV3Schema");
        let Ok(s) = Structural::parse(&raw) else {
            continue;
        };
        parsed += 1;
        let _ = validate_structural(&root, &s);
        let _ = validate_defaults(&root, &s);
        for _ in 0..3 {
            let mut value = object(&mut rng, 5);
            let _ = validate_schema(&s, &value, None);
            let _ = validate_embedded(None, &value, &s, rng.below(2) == 0);
            let _ = validate_list_sets_and_maps("", &s, &value);
            let scale = ScalePaths {
                spec_replicas_path: ".spec.replicas.a".into(),
                status_replicas_path: "..".into(),
                label_selector_path: Some(".status".into()),
            };
            let rules = CustomResourceRules {
                group: "g.example.com",
                version: "v1",
                kind: "K",
                schema: Some(&s),
                scale: Some(&scale),
            };
            let _ = validate_custom_resource(&rules, &value);
            let _ = prune(&mut value, &s, rng.below(2) == 0);
            prune_non_nullable_nulls(&mut value, &s);
            apply_defaults(&mut value, &s);
        }
    }
    assert!(parsed > 500, "only {parsed} random schemas parsed");
}

/// A path into the crontab CRD where random values go.
const CRD_PATHS: &[&[&str]] = &[
    &["metadata"],
    &["metadata", "name"],
    &["metadata", "annotations"],
    &["spec"],
    &["spec", "group"],
    &["spec", "scope"],
    &["spec", "names"],
    &["spec", "names", "kind"],
    &["spec", "names", "shortNames"],
    &["spec", "versions"],
    &["spec", "conversion"],
    &["spec", "conversion", "webhook"],
    &["status"],
    &["status", "storedVersions"],
];

fn set_path(v: &mut Value, path: &[&str], new: Value) {
    let mut cur = v;
    for (i, key) in path.iter().enumerate() {
        let Some(obj) = cur.as_object_mut() else {
            return;
        };
        if i == path.len() - 1 {
            obj.insert((*key).to_owned(), new);
            return;
        }
        cur = obj.entry(*key).or_insert_with(|| json!({}));
    }
}

#[test]
fn random_crds_never_panic() {
    let mut rng = Rng(0xc4d5_0000_abcd_0001);
    let base = super::crd::tests::crontab_crd();
    // Each round compiles the crontab pattern a few times (slow in debug builds): 400 rounds.
    for _ in 0..400 {
        let mut crd = base.clone();
        for _ in 0..1 + rng.below(3) {
            let path = *rng.pick(CRD_PATHS);
            let value = match rng.below(4) {
                0 => schema(&mut rng, 3),
                1 => {
                    json!([{"name": "v1", "storage": true, "schema": {"openAPIV3Schema": schema(&mut rng, 3)},
                    "subresources": object(&mut rng, 3), "additionalPrinterColumns": [object(&mut rng, 2)]}])
                }
                _ => object(&mut rng, 3),
            };
            set_path(&mut crd, path, value);
        }
        let _ = validate_crd(&crd);
        let _ = validate_crd_update(&crd, &base);
        let _ = validate_crd_update(&base, &crd);
        let _ = validate_crd_status_update(&crd, &base);
        let mut copy = crd.clone();
        default_crd(&mut copy);
        prepare_crd_for_create(&mut copy);
        prepare_crd_for_update(&mut copy, &crd);
    }
    for malformed in [json!(null), json!(5), json!([]), json!({"spec": []})] {
        let _ = validate_crd(&malformed);
        let _ = validate_crd_update(&malformed, &malformed);
    }
}
