//! Pruning of unknown fields, as upstream's `schema/pruning/algorithm.go`: every field of an
//! object the schema does not specify is dropped, except under
//! `x-kubernetes-preserve-unknown-fields: true` (where the fields the schema does specify are
//! still pruned inside), and except `apiVersion`, `kind` and `metadata` of an embedded
//! resource. The resource root counts as an embedded resource; its `metadata` is
//! left to the caller (upstream coerces it through `ObjectMeta`).
//!
//! The dropped fields come back as paths (`spec.foo`, `spec.list[0].bar`), sorted, for
//! `fieldValidation` (`Warn` warns, `Strict` refuses with
//! `strict decoding error: unknown field "spec.foo"`): see [`unknown_field_message`].

use serde_json::Value;

use super::structural::{AdditionalProperties, Structural};
use crate::endpoints::status::go_quote;

/// The fields a resource root keeps even where its schema does not name them.
const META_FIELDS: [&str; 3] = ["apiVersion", "kind", "metadata"];

/// Drops from `value` the fields `schema` does not specify and returns their paths, sorted.
/// `is_resource_root`: `value` is a whole resource (its `apiVersion`, `kind` and `metadata`
/// stay, and are never reported).
pub fn prune(value: &mut Value, schema: &Structural, is_resource_root: bool) -> Vec<String> {
    let mut root;
    let schema = if is_resource_root && !schema.x_embedded_resource {
        root = schema.clone();
        root.x_embedded_resource = true;
        &root
    } else {
        schema
    };
    let mut pruner = Pruner::default();
    pruner.prune(value, Some(schema));
    pruner.unknown.sort();
    pruner.unknown
}

/// `unknown field "spec.foo"`: what a warning (and a strict decoding error) says of a
/// pruned field.
pub fn unknown_field_message(path: &str) -> String {
    format!("unknown field {}", go_quote(path))
}

#[derive(Default)]
struct Pruner {
    /// The path of the value being pruned, as upstream's `UnknownFieldPathOptions.ParentPath`.
    parent: String,
    unknown: Vec<String>,
}

impl Pruner {
    fn push_key(&mut self, key: &str) -> usize {
        let len = self.parent.len();
        if !self.parent.is_empty() {
            self.parent.push('.');
        }
        self.parent.push_str(key);
        len
    }

    fn push_index(&mut self, i: usize) -> usize {
        let len = self.parent.len();
        self.parent.push_str(&format!("[{i}]"));
        len
    }

    fn record(&mut self, key: &str) {
        let len = self.push_key(key);
        self.unknown.push(self.parent.clone());
        self.parent.truncate(len);
    }

    fn prune(&mut self, x: &mut Value, s: Option<&Structural>) {
        if let Some(s) = s
            && s.preserves_unknown_fields()
        {
            self.skip_prune(x, s);
            return;
        }
        match x {
            Value::Object(fields) => {
                let Some(s) = s else {
                    for k in fields.keys() {
                        self.record(k);
                    }
                    fields.clear();
                    return;
                };
                let keys: Vec<String> = fields.keys().cloned().collect();
                for k in keys {
                    let Some(v) = fields.get_mut(&k) else {
                        continue;
                    };
                    if s.x_embedded_resource && META_FIELDS.contains(&k.as_str()) {
                        continue;
                    }
                    if let Some(prop) = s.properties.get(&k) {
                        let len = self.push_key(&k);
                        self.prune(v, Some(prop));
                        self.parent.truncate(len);
                    } else if let Some(ap) = &s.additional_properties {
                        let len = self.push_key(&k);
                        let ap = match ap {
                            AdditionalProperties::Schema(ap) => Some(ap.as_ref()),
                            AdditionalProperties::Bool(_) => None,
                        };
                        self.prune(v, ap);
                        self.parent.truncate(len);
                    } else {
                        if !META_FIELDS.contains(&k.as_str()) || !self.parent.is_empty() {
                            self.record(&k);
                        }
                        fields.remove(&k);
                    }
                }
            }
            Value::Array(items) => {
                let item_schema = s.and_then(|s| s.items.as_deref());
                for (i, v) in items.iter_mut().enumerate() {
                    let len = self.push_index(i);
                    self.prune(v, item_schema);
                    self.parent.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// Under `x-kubernetes-preserve-unknown-fields`: unknown fields stay, the fields the
    /// schema specifies are pruned inside.
    fn skip_prune(&mut self, x: &mut Value, s: &Structural) {
        match x {
            Value::Object(fields) => {
                for (k, v) in fields.iter_mut() {
                    if s.x_embedded_resource && META_FIELDS.contains(&k.as_str()) {
                        continue;
                    }
                    if let Some(prop) = s.properties.get(k) {
                        let len = self.push_key(k);
                        self.prune(v, Some(prop));
                        self.parent.truncate(len);
                    } else if let Some(ap) = &s.additional_properties {
                        let len = self.push_key(k);
                        let ap = match ap {
                            AdditionalProperties::Schema(ap) => Some(ap.as_ref()),
                            AdditionalProperties::Bool(_) => None,
                        };
                        self.prune(v, ap);
                        self.parent.truncate(len);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = s.items.as_deref() {
                    for (i, v) in items.iter_mut().enumerate() {
                        let len = self.push_index(i);
                        self.skip_prune(v, item_schema);
                        self.parent.truncate(len);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Structural {
        Structural::parse(&json!({"type": "object", "properties": {
            "spec": {"type": "object", "properties": {
                "replicas": {"type": "integer"},
                "list": {"type": "array", "items": {"type": "object", "properties": {"a": {"type": "string"}}}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                    "properties": {"known": {"type": "object", "properties": {"k": {"type": "string"}}}}},
                "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                    "properties": {"spec": {"type": "object"}}}}}}}))
        .unwrap()
    }

    #[test]
    fn drops_unknown_fields_and_reports_them_sorted() {
        let mut object = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab",
            "metadata": {"name": "x", "whatever": 1},
            "extra": true,
            "spec": {"replicas": 1, "foo": "bar",
                "list": [{"a": "x", "b": "y"}, {"c": 1}],
                "labels": {"k": "v"},
                "free": {"anything": {"goes": 1}, "known": {"k": "v", "drop": 1}},
                "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                    "spec": {}, "status": {}}}});
        let unknown = prune(&mut object, &schema(), true);
        assert_eq!(
            unknown,
            vec![
                "extra",
                "spec.foo",
                "spec.free.known.drop",
                "spec.list[0].b",
                "spec.list[1].c",
                "spec.template.status",
            ]
        );
        assert_eq!(
            object,
            json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab",
            "metadata": {"name": "x", "whatever": 1},
            "spec": {"replicas": 1, "list": [{"a": "x"}, {}], "labels": {"k": "v"},
                "free": {"anything": {"goes": 1}, "known": {"k": "v"}},
                "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}}}})
        );
        assert_eq!(
            unknown_field_message(&unknown[1]),
            "unknown field \"spec.foo\""
        );
    }

    #[test]
    fn type_and_object_meta_of_embedded_resources_stay_whatever_their_type() {
        let mut object = json!({"kind": 5, "apiVersion": "v1", "metadata": "x"});
        assert!(prune(&mut object, &schema(), true).is_empty());
        assert_eq!(
            object,
            json!({"kind": 5, "apiVersion": "v1", "metadata": "x"})
        );
    }

    #[test]
    fn objects_without_a_schema_are_emptied() {
        let s = Structural::parse(&json!({"type": "object", "properties": {
            "m": {"type": "object", "additionalProperties": true}}}))
        .unwrap();
        let mut object = json!({"m": {"a": 1, "b": {"c": 2}}});
        assert_eq!(prune(&mut object, &s, false), vec!["m.b.c"]);
        assert_eq!(object, json!({"m": {"a": 1, "b": {}}}));
    }
}
