//! Tests of `cel.rs`: the examples of upstream's "Validation rules" documentation, with the
//! error strings upstream renders, and random rules and objects that never panic.

use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::{Value, json};

use super::cel::{rule_compile_errors, validate_cel};
use super::resource::{
    CustomResourceRules, validate_custom_resource, validate_custom_resource_update,
};
use super::structural::Structural;
use crate::endpoints::status::FieldPath;

/// A CRD schema whose `spec` carries `rules` and the given properties.
fn spec_schema(rules: Value, properties: Value) -> Structural {
    Structural::parse(&json!({"type": "object", "properties": {
        "spec": {"type": "object", "x-kubernetes-validations": rules, "properties": properties}}}))
    .unwrap()
}

fn errors(schema: &Structural, object: Value) -> Vec<String> {
    validate_cel(schema, &object, None)
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn update_errors(schema: &Structural, object: Value, old: Value) -> Vec<String> {
    validate_cel(schema, &object, Some(&old))
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn replicas_schema(rule: Value) -> Structural {
    spec_schema(
        json!([rule]),
        json!({"minReplicas": {"type": "integer"}, "replicas": {"type": "integer"},
            "maxReplicas": {"type": "integer"}}),
    )
}

#[test]
fn a_rule_with_a_message() {
    let schema = replicas_schema(json!({
        "rule": "self.minReplicas <= self.replicas && self.replicas <= self.maxReplicas",
        "message": "replicas should be in the range minReplicas..maxReplicas."}));
    let ok = json!({"spec": {"minReplicas": 0, "replicas": 5, "maxReplicas": 10}});
    assert!(errors(&schema, ok).is_empty());
    let bad = json!({"spec": {"minReplicas": 0, "replicas": 20, "maxReplicas": 10}});
    assert_eq!(
        errors(&schema, bad),
        vec![
            r#"spec: Invalid value: "object": replicas should be in the range minReplicas..maxReplicas."#
        ]
    );
}

#[test]
fn the_default_message_names_the_rule() {
    let schema = replicas_schema(json!({"rule": " self.replicas <= self.maxReplicas "}));
    let bad = json!({"spec": {"replicas": 20, "maxReplicas": 10}});
    assert_eq!(
        errors(&schema, bad),
        vec![r#"spec: Invalid value: "object": failed rule: self.replicas <= self.maxReplicas"#]
    );
}

#[test]
fn rules_at_the_root_are_at_the_nil_path() {
    let schema = Structural::parse(&json!({"type": "object",
        "x-kubernetes-validations": [{"rule": "self.metadata.name.startsWith('a')"},
            {"rule": "!has(self.metadata.labels)"}],
        "properties": {"spec": {"type": "object"}}}))
    .unwrap();
    let object = json!({"metadata": {"name": "bad", "labels": {"a": "b"}}, "spec": {}});
    // `metadata` at a resource root holds only `name` and `generateName`.
    assert_eq!(
        errors(&schema, object),
        vec![r#"<nil>: Invalid value: "object": failed rule: self.metadata.name.startsWith('a')"#]
    );
}

#[test]
fn has_size_and_string_functions() {
    let schema = spec_schema(
        json!([{"rule": "has(self.x) || has(self.y)", "message": "x or y"},
            {"rule": "size(self.list) < 5"},
            {"rule": "self.name.startsWith('a') && self.name.lowerAscii() == self.name"},
            {"rule": "self.name.matches('^a[a-z]+$')"}]),
        json!({"x": {"type": "string"}, "y": {"type": "string"}, "name": {"type": "string"},
            "list": {"type": "array", "items": {"type": "integer"}}}),
    );
    assert!(
        errors(
            &schema,
            json!({"spec": {"x": "1", "list": [1, 2], "name": "abc"}})
        )
        .is_empty()
    );
    assert_eq!(
        errors(
            &schema,
            json!({"spec": {"list": [1, 2, 3, 4, 5], "name": "Abc"}})
        ),
        vec![
            r#"spec: Invalid value: "object": x or y"#,
            r#"spec: Invalid value: "object": failed rule: size(self.list) < 5"#,
            r#"spec: Invalid value: "object": failed rule: self.name.startsWith('a') && self.name.lowerAscii() == self.name"#,
            r#"spec: Invalid value: "object": failed rule: self.name.matches('^a[a-z]+$')"#,
        ]
    );
}

#[test]
fn field_path_and_reason() {
    let schema = spec_schema(
        json!([{"rule": "self.replicas >= 0", "fieldPath": ".replicas", "message": "must be non-negative"},
            {"rule": "!has(self.forbidden)", "reason": "FieldValueForbidden", "fieldPath": ".forbidden",
                "message": "may not be set"},
            {"rule": "has(self.needed)", "reason": "FieldValueRequired", "message": "needed is required"},
            {"rule": "false", "reason": "FieldValueDuplicate"},
            {"rule": "self.labels.all(k, k != 'x')", "fieldPath": ".labels['x']"}]),
        json!({"replicas": {"type": "integer"}, "forbidden": {"type": "string"},
            "needed": {"type": "string"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}}}),
    );
    let errs = validate_cel(
        &schema,
        &json!({"spec": {"replicas": -1, "forbidden": "x", "labels": {"x": "y"}}}),
        None,
    );
    let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        vec![
            r#"spec.replicas: Invalid value: "object": must be non-negative"#,
            "spec.forbidden: Forbidden: may not be set",
            "spec: Required value: needed is required",
            r#"spec: Duplicate value: "object""#,
            r#"spec.labels[x]: Invalid value: "object": failed rule: self.labels.all(k, k != 'x')"#,
        ]
    );
    assert_eq!(errs[1].to_cause().reason, "FieldValueForbidden");
}

#[test]
fn message_expressions() {
    let schema = replicas_schema(json!({"rule": "self.replicas <= self.maxReplicas",
        "messageExpression": "'replicas ' + string(self.replicas) + ' exceeds ' + string(self.maxReplicas)",
        "message": "fallback"}));
    assert_eq!(
        errors(
            &schema,
            json!({"spec": {"replicas": 20, "maxReplicas": 10}})
        ),
        vec![r#"spec: Invalid value: "object": replicas 20 exceeds 10"#]
    );
    // An empty or failing message expression falls back to the message.
    let schema = replicas_schema(json!({"rule": "self.replicas <= self.maxReplicas",
        "messageExpression": "' '", "message": "fallback"}));
    assert_eq!(
        errors(
            &schema,
            json!({"spec": {"replicas": 20, "maxReplicas": 10}})
        ),
        vec![r#"spec: Invalid value: "object": fallback"#]
    );
}

#[test]
fn transition_rules_need_an_old_value() {
    let schema = spec_schema(
        json!([]),
        json!({"name": {"type": "string", "x-kubernetes-validations": [
            {"rule": "self == oldSelf", "message": "Value is immutable"}]}}),
    );
    // Not evaluated on create.
    assert!(errors(&schema, json!({"spec": {"name": "a"}})).is_empty());
    assert!(
        update_errors(
            &schema,
            json!({"spec": {"name": "a"}}),
            json!({"spec": {"name": "a"}})
        )
        .is_empty()
    );
    assert_eq!(
        update_errors(
            &schema,
            json!({"spec": {"name": "b"}}),
            json!({"spec": {"name": "a"}})
        ),
        vec![r#"spec.name: Invalid value: "string": Value is immutable"#]
    );
    // Not evaluated when the old object had no value there.
    assert!(update_errors(&schema, json!({"spec": {"name": "b"}}), json!({"spec": {}})).is_empty());
}

#[test]
fn list_map_items_correlate_by_key() {
    let schema = spec_schema(
        json!([]),
        json!({"ports": {"type": "array", "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["name"],
            "items": {"type": "object", "required": ["name"],
                "x-kubernetes-validations": [{"rule": "self.port == oldSelf.port", "message": "port is immutable"}],
                "properties": {"name": {"type": "string"}, "port": {"type": "integer"}}}}}),
    );
    let old = json!({"spec": {"ports": [{"name": "a", "port": 1}, {"name": "b", "port": 2}]}});
    let new = json!({"spec": {"ports": [{"name": "b", "port": 2}, {"name": "a", "port": 3}, {"name": "c", "port": 4}]}});
    assert_eq!(
        update_errors(&schema, new, old),
        vec![r#"spec.ports[1]: Invalid value: "object": port is immutable"#]
    );
}

#[test]
fn set_and_map_lists_compare_regardless_of_order() {
    let schema = spec_schema(
        json!([{"rule": "self == oldSelf", "message": "immutable"}]),
        json!({"tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
            "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                "items": {"type": "object", "properties": {"name": {"type": "string"}, "port": {"type": "integer"}}}}}),
    );
    let old = json!({"spec": {"tags": ["a", "b"], "ports": [{"name": "x", "port": 1}, {"name": "y", "port": 2}]}});
    let reordered = json!({"spec": {"tags": ["b", "a"], "ports": [{"name": "y", "port": 2}, {"name": "x", "port": 1}]}});
    assert!(update_errors(&schema, reordered, old.clone()).is_empty());
    let changed = json!({"spec": {"tags": ["b", "c"], "ports": [{"name": "y", "port": 2}, {"name": "x", "port": 1}]}});
    assert_eq!(
        update_errors(&schema, changed, old),
        vec![r#"spec: Invalid value: "object": immutable"#]
    );
}

#[test]
fn unchanged_values_are_ratcheted_on_update() {
    let schema = replicas_schema(json!({"rule": "self.replicas <= self.maxReplicas"}));
    let bad = json!({"spec": {"replicas": 20, "maxReplicas": 10}});
    assert_eq!(errors(&schema, bad.clone()).len(), 1);
    assert!(update_errors(&schema, bad.clone(), bad.clone()).is_empty());
    let worse = json!({"spec": {"replicas": 30, "maxReplicas": 10}});
    assert_eq!(update_errors(&schema, worse, bad).len(), 1);
}

#[test]
fn unsupported_functions_are_accepted_and_not_enforced() {
    let rules = json!([{"rule": "quantity(self.size).isGreaterThan(quantity('1Gi'))"},
        {"rule": "isURL(self.url) && url(self.url).getScheme() == 'https'"},
        {"rule": "self.list.isSorted()"}, {"rule": "self.name.find('[0-9]+') == '1'"},
        {"rule": "ip(self.addr).family() == 4"},
        {"rule": "self == oldSelf", "optionalOldSelf": true}]);
    let schema = spec_schema(
        rules.clone(),
        json!({"size": {"type": "string"}, "url": {"type": "string"}, "name": {"type": "string"},
            "addr": {"type": "string"}, "list": {"type": "array", "items": {"type": "integer"}}}),
    );
    let object = json!({"spec": {"size": "1Mi", "url": "http://x", "list": [3, 1], "name": "a", "addr": "::1"}});
    assert!(errors(&schema, object.clone()).is_empty());
    assert!(update_errors(&schema, object.clone(), json!({"spec": {}})).is_empty());
    let root = FieldPath::new("spec.versions[0].schema.openAPIV3Schema");
    assert!(rule_compile_errors(&schema, &root).is_empty());
}

#[test]
fn syntax_errors_fail_compilation_at_the_rule() {
    let schema = spec_schema(
        json!([{"rule": "self.replicas >"}, {"rule": "true", "messageExpression": "'a' +"}]),
        json!({}),
    );
    let root = FieldPath::new("spec.versions[0].schema.openAPIV3Schema");
    let errs: Vec<String> = rule_compile_errors(&schema, &root)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs[0].starts_with("spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: compilation failed: ERROR: <input>:1:"),
        "{}",
        errs[0]
    );
    assert!(errs[1].contains("x-kubernetes-validations[1].messageExpression: Invalid value: messageExpression compilation failed: ERROR:"));
}

#[test]
fn runtime_errors_upstream_reports() {
    let schema = spec_schema(
        json!([{"rule": "self.a / self.b > 0"}, {"rule": "self.missing == 1"}]),
        json!({"a": {"type": "integer"}, "b": {"type": "integer"}, "missing": {"type": "integer"}}),
    );
    assert_eq!(
        errors(&schema, json!({"spec": {"a": 1, "b": 0}})),
        vec![
            r#"spec: Invalid value: "object": division by zero evaluating rule: self.a / self.b > 0"#,
            r#"spec: Invalid value: "object": no such key: missing evaluating rule: self.missing == 1"#,
        ]
    );
}

#[test]
fn values_are_typed_by_the_schema() {
    let schema = spec_schema(
        json!([{"rule": "self.ratio > 0.5 && self.count > 1 && self.port == 80 && self.data == b'hi'"},
            {"rule": "self.dash__dash__name == 'x' && self.__if__ == 1"}]),
        json!({"ratio": {"type": "number"}, "count": {"type": "integer"},
            "port": {"x-kubernetes-int-or-string": true}, "data": {"type": "string", "format": "byte"},
            "dash-name": {"type": "string"}, "if": {"type": "integer"}}),
    );
    let object = json!({"spec": {"ratio": 1, "count": 2, "port": 80, "data": "aGk=", "dash-name": "x", "if": 1}});
    assert!(errors(&schema, object).is_empty());
}

#[test]
fn custom_resource_validation_reports_cel_after_the_schema() {
    let schema = Structural::parse(
        &json!({"type": "object", "properties": {"spec": {"type": "object",
        "x-kubernetes-validations": [{"rule": "self.replicas < 10", "message": "too many"},
            {"rule": "self.replicas == oldSelf.replicas", "message": "immutable"}],
        "properties": {"replicas": {"type": "integer", "minimum": 1}}}}}),
    )
    .unwrap();
    let rules = CustomResourceRules {
        group: "g.io",
        version: "v1",
        kind: "K",
        schema: Some(&schema),
        scale: None,
    };
    let object = json!({"apiVersion": "g.io/v1", "kind": "K", "spec": {"replicas": 0}});
    let text = |errs: Vec<crate::endpoints::status::FieldError>| -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    };
    assert_eq!(
        text(validate_custom_resource(&rules, &object)),
        vec![
            "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1"
        ]
    );
    let object = json!({"apiVersion": "g.io/v1", "kind": "K", "spec": {"replicas": 20}});
    let old = json!({"apiVersion": "g.io/v1", "kind": "K", "spec": {"replicas": 5}});
    assert_eq!(
        text(validate_custom_resource_update(&rules, &object, &old)),
        vec![
            r#"spec: Invalid value: "object": too many"#,
            r#"spec: Invalid value: "object": immutable"#,
        ]
    );
}

#[test]
fn nested_comprehensions_over_large_values_are_not_run() {
    let schema = spec_schema(
        json!([{"rule": "self.l.all(x, self.l.all(y, self.l.all(z, x + y + z >= 0)))"}]),
        json!({"l": {"type": "array", "items": {"type": "integer"}}}),
    );
    let big: Vec<i64> = (0..2000).map(|i| -i).collect();
    assert!(errors(&schema, json!({"spec": {"l": big}})).is_empty());
    assert_eq!(errors(&schema, json!({"spec": {"l": [-1, -2]}})).len(), 1);
}

const ATOMS: [&str; 24] = [
    "self",
    "oldSelf",
    "self.a",
    "self.b",
    "self.l",
    "self.m",
    "1",
    "-1",
    "2.5",
    "'s'",
    "true",
    "null",
    "[1, 2]",
    "{'k': 1}",
    "b'x'",
    "9223372036854775807",
    "self.l[0]",
    "self.m['k']",
    "size(self.l)",
    "has(self.a)",
    "self.a.startsWith('x')",
    "self.l.exists(x, x > 1)",
    "self.l.map(x, x * 2)",
    "int(self.a)",
];
const OPS: [&str; 12] = [
    " + ", " - ", " * ", " / ", " % ", " == ", " != ", " < ", " && ", " || ", " in ", "[",
];

fn random_rule(rng: &mut StdRng, depth: u32) -> String {
    if depth == 0 || rng.random_bool(0.3) {
        return ATOMS[rng.random_range(0..ATOMS.len())].to_owned();
    }
    let (a, b) = (random_rule(rng, depth - 1), random_rule(rng, depth - 1));
    match rng.random_range(0..5) {
        0 => format!("!({a})"),
        1 => format!("({a}) ? ({b}) : false"),
        _ => format!("({a}){}({b})", OPS[rng.random_range(0..OPS.len())]),
    }
}

fn random_value(rng: &mut StdRng, depth: u32) -> Value {
    match rng.random_range(0..if depth == 0 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => json!(rng.random_bool(0.5)),
        2 => json!([-2, -1, 0, 1, 2, i64::MAX, i64::MIN][rng.random_range(0..7)]),
        3 => json!(rng.random_range(-2.0..2.0)),
        4 => json!(["", "x", "abc", "é"][rng.random_range(0..4)]),
        5 => Value::Array(
            (0..rng.random_range(0..4))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => {
            let keys = ["a", "b", "l", "m", "k"];
            Value::Object(
                (0..rng.random_range(0..5))
                    .map(|_| {
                        (
                            keys[rng.random_range(0..keys.len())].to_owned(),
                            random_value(rng, depth - 1),
                        )
                    })
                    .collect(),
            )
        }
    }
}

#[test]
fn random_rules_and_objects_never_panic() {
    let mut rng = StdRng::seed_from_u64(7);
    let root = FieldPath::new("schema");
    for _ in 0..300 {
        let mut rule = random_rule(&mut rng, 3);
        if rng.random_bool(0.1) {
            // Truncate at a character boundary for syntax errors.
            let cut = rng.random_range(0..=rule.len());
            let cut = (0..=cut)
                .rev()
                .find(|&i| rule.is_char_boundary(i))
                .unwrap_or(0);
            rule.truncate(cut);
        }
        let props = json!({"a": {"type": "string"}, "b": {"type": "integer"},
            "l": {"type": "array", "items": {"type": "integer"}},
            "m": {"type": "object", "additionalProperties": {"type": "integer"}}});
        let field_path = [".a", ".m['k']", "bad", ".l[0]"][rng.random_range(0..4)];
        let schema = spec_schema(
            json!([{"rule": rule, "messageExpression": random_rule(&mut rng, 1),
                "fieldPath": field_path,
                "reason": "FieldValueRequired"}]),
            props,
        );
        let _ = rule_compile_errors(&schema, &root);
        let (new, old) = (random_value(&mut rng, 3), random_value(&mut rng, 3));
        let _ = validate_cel(&schema, &json!({"spec": new}), Some(&json!({"spec": old})));
        let _ = validate_cel(&schema, &json!({"spec": new}), None);
    }
}

#[test]
fn deep_nesting_never_overflows_the_stack() {
    let root = FieldPath::new("schema");
    let compile_errors = |rule: String| {
        let schema = spec_schema(json!([{"rule": rule}]), json!({}));
        let n = rule_compile_errors(&schema, &root).len();
        let _ = validate_cel(&schema, &json!({"spec": {"a": 1}}), None);
        n
    };
    // Parentheses past cel-go's recursion limit (250) are a syntax error, as upstream.
    for (n, errs) in [(10, 0), (249, 0), (260, 1), (20_000, 1)] {
        let rule = format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(compile_errors(rule), errs, "{n} parentheses");
    }
    // Long chains parse; past the evaluated depth they are not enforced.
    for n in [10, 23, 1000, 60_000] {
        assert_eq!(compile_errors("!".repeat(n) + "false"), 0);
        assert_eq!(compile_errors("self.a + ".repeat(n / 10) + "1 == 0"), 0);
    }
    let sum = |n: usize| "self.a + ".repeat(n) + "1 == 0";
    let props = json!({"a": {"type": "integer"}});
    let schema = spec_schema(json!([{"rule": sum(20)}]), props.clone());
    assert_eq!(
        validate_cel(&schema, &json!({"spec": {"a": 1}}), None).len(),
        1
    );
    let schema = spec_schema(json!([{"rule": sum(99)}]), props);
    assert!(validate_cel(&schema, &json!({"spec": {"a": 1}}), None).is_empty());
}

#[test]
fn crd_versions_report_compilation_failures_after_schema_checks() {
    let schema = json!({"openAPIV3Schema": {"type": "object", "properties": {"spec": {
        "type": "object", "x-kubernetes-validations": [{"rule": "self.x >"}, {"rule": "quantity(self.q) > 1"}]}}}});
    let path = FieldPath::new("spec")
        .child("versions")
        .index(0)
        .child("schema");
    let errs: Vec<String> = super::crd_schema::validate_version_schema(Some(&schema), false, &path)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errs,
        vec![
            "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: \
             Invalid value: compilation failed: ERROR: <input>:1:9: Syntax error: mismatched input '<EOF>' \
             expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, \
             NUM_UINT, STRING, BYTES, IDENTIFIER}\n | self.x >\n | ........^"
        ]
    );
}
