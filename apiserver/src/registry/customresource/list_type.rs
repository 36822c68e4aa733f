//! Uniqueness in lists with `x-kubernetes-list-type: set` or `map`, as upstream's
//! `schema/listtype/validation.go`: in a set every item is unique (the second occurrence of a
//! value is a `Duplicate value`; scalars compare with their JSON type, so `1` and `1.0`
//! differ, as Go's interface keys), in a map every item is an object (or null) and its keys
//! (the `x-kubernetes-list-map-keys` fields present) are unique.

use serde_json::{Map, Value};

use super::structural::Structural;
use super::validate::json_equal;
use crate::endpoints::status::FieldError;

/// Validates the list sets and maps in `value` (`ValidateListSetsAndMaps`); `root` is the path
/// of `value` (empty for a resource, whose fields print bare).
pub fn validate_list_sets_and_maps(root: &str, s: &Structural, value: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    walk(root, s, value, &mut errs);
    errs
}

fn child(path: &str, name: &str) -> String {
    match path {
        "" => name.to_owned(),
        p => format!("{p}.{name}"),
    }
}

fn walk(path: &str, s: &Structural, value: &Value, errs: &mut Vec<FieldError>) {
    match value {
        Value::Object(fields) => {
            for (k, v) in fields {
                if let Some(prop) = s.properties.get(k) {
                    walk(&child(path, k), prop, v, errs);
                } else if let Some(ap) = s.additional_schema() {
                    walk(&format!("{path}[{k}]"), ap, v, errs);
                }
            }
        }
        Value::Array(items) => {
            match s.x_list_type.as_deref() {
                Some("set") => {
                    for i in duplicates(items.iter().map(Some).collect()) {
                        errs.push(FieldError::duplicate(
                            format!("{path}[{i}]"),
                            items[i].clone(),
                        ));
                    }
                }
                Some("map") => list_map(path, s, items, errs),
                _ => {}
            }
            if let Some(item_schema) = s.items.as_deref() {
                for (i, v) in items.iter().enumerate() {
                    walk(&format!("{path}[{i}]"), item_schema, v, errs);
                }
            }
        }
        _ => {}
    }
}

/// The indexes of the first repeat of each repeated value (`validateListSet`). `None` stands
/// for an unspecified key and equals only itself.
fn duplicates(values: Vec<Option<&Value>>) -> Vec<usize> {
    let same = |a: Option<&Value>, b: Option<&Value>| match (a, b) {
        (None, None) => true,
        (Some(a @ (Value::Object(_) | Value::Array(_))), Some(b)) => json_equal(a, b),
        (Some(a), Some(b)) => a == b,
        _ => false,
    };
    let mut seen: Vec<(Option<&Value>, usize)> = Vec::new();
    let mut out = Vec::new();
    for (i, v) in values.into_iter().enumerate() {
        match seen.iter_mut().find(|(w, _)| same(v, *w)) {
            None => seen.push((v, 1)),
            Some(entry) => {
                entry.1 += 1;
                if entry.1 == 2 {
                    out.push(i);
                }
            }
        }
    }
    out
}

fn list_map(path: &str, s: &Structural, items: &[Value], errs: &mut Vec<FieldError>) {
    for (i, x) in items.iter().enumerate() {
        if !x.is_null() && !x.is_object() {
            errs.push(FieldError::invalid(
                format!("{path}[{i}]"),
                x.clone(),
                "must be an object for an array of list-type map",
            ));
            return;
        }
    }
    if items.len() <= 1 {
        return;
    }
    if let [key_field] = s.x_list_map_keys.as_slice() {
        let keys: Vec<Option<&Value>> = items.iter().map(|x| x.get(key_field)).collect();
        for i in duplicates(keys.clone()) {
            let mut key = Map::new();
            if let Some(k) = keys[i] {
                key.insert(key_field.clone(), k.clone());
            }
            errs.push(FieldError::duplicate(
                format!("{path}[{i}]"),
                Value::Object(key),
            ));
        }
        return;
    }
    let keys: Vec<Value> = items
        .iter()
        .map(|x| {
            let mut key = Map::new();
            for k in &s.x_list_map_keys {
                if let Some(v) = x.get(k) {
                    key.insert(k.clone(), v.clone());
                }
            }
            Value::Object(key)
        })
        .collect();
    for i in duplicates(keys.iter().map(Some).collect()) {
        errs.push(FieldError::duplicate(
            format!("{path}[{i}]"),
            keys[i].clone(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Structural {
        Structural::parse(&json!({"type": "object", "properties": {"spec": {"type": "object",
            "properties": {
                "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                "ports": {"type": "array", "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["port", "protocol"],
                    "items": {"type": "object", "properties": {"port": {"type": "integer"},
                        "protocol": {"type": "string", "default": "TCP"}}}},
                "byName": {"type": "array", "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                    "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
                "nested": {"type": "object", "additionalProperties": {"type": "array",
                    "x-kubernetes-list-type": "set", "items": {"type": "integer"}}}}}}}))
        .unwrap()
    }

    fn errors(object: Value) -> Vec<String> {
        let mut errs: Vec<String> = validate_list_sets_and_maps("", &schema(), &object)
            .iter()
            .map(ToString::to_string)
            .collect();
        errs.sort();
        errs
    }

    #[test]
    fn sets_report_the_first_repeat_of_each_value() {
        assert_eq!(
            errors(json!({"spec": {"tags": ["a", "b", "a", "a", "b"],
                "nested": {"k": [1, 1.0, 2, 2, [1], [1.0]]}}})),
            vec![
                "spec.nested[k][3]: Duplicate value: 2",
                "spec.nested[k][5]: Duplicate value: [1.0]",
                "spec.tags[2]: Duplicate value: \"a\"",
                "spec.tags[4]: Duplicate value: \"b\"",
            ]
        );
    }

    #[test]
    fn maps_compare_the_keys_given() {
        assert_eq!(
            errors(
                json!({"spec": {"ports": [{"port": 80}, {"port": 80, "protocol": "TCP"},
                {"port": 80, "protocol": "TCP"}, {"port": 80}, {"port": 80}]}})
            ),
            vec![
                "spec.ports[2]: Duplicate value: {\"port\":80,\"protocol\":\"TCP\"}",
                "spec.ports[3]: Duplicate value: {\"port\":80}",
            ]
        );
        assert_eq!(
            errors(
                json!({"spec": {"byName": [{"name": "a"}, {}, {"name": "a"}, null, {"name": "a"}]}})
            ),
            vec![
                "spec.byName[2]: Duplicate value: {\"name\":\"a\"}",
                "spec.byName[3]: Duplicate value: {}",
            ]
        );
        assert_eq!(
            errors(json!({"spec": {"ports": [{"port": 80}, "x"]}})),
            vec![
                "spec.ports[1]: Invalid value: \"x\": must be an object for an array of list-type map"
            ]
        );
    }
}
