//! Type and object metadata of embedded resources (`x-kubernetes-embedded-resource: true`), as
//! upstream's `schema/objectmeta/validation.go`: an embedded resource needs `apiVersion` and
//! `kind` (strings; a parseable group/version; a kind that is a DNS-1035 label but for case),
//! and its `metadata`, if any, must be valid `ObjectMeta` (name a path segment, namespace a
//! DNS label, labels and annotations).
//!
//! Upstream decodes the embedded `metadata` into `ObjectMeta`; here a `metadata` that is not an
//! object is refused with our own message.

use serde_json::Value;

use super::structural::Structural;
use crate::endpoints::status::FieldError;
use crate::registry::validation_rules::meta::{validate_annotations, validate_labels};
use crate::registry::validation_rules::names::{dns1035_label, dns1123_label, path_segment_name};

/// The field paths of the checks: `root` is the path of `value` (`None`: a resource root,
/// whose children print bare).
fn child(root: Option<&str>, name: &str) -> String {
    match root {
        None | Some("") => name.to_owned(),
        Some(r) => format!("{r}.{name}"),
    }
}

/// Validates the embedded resources in `value` (`objectmeta.Validate`). With
/// `is_resource_root`, `value` itself counts as an embedded resource.
pub fn validate_embedded(
    root: Option<&str>,
    value: &Value,
    s: &Structural,
    is_resource_root: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut clone;
    let s = if is_resource_root && !s.x_embedded_resource {
        clone = s.clone();
        clone.x_embedded_resource = true;
        &clone
    } else {
        s
    };
    walk(root.unwrap_or(""), value, s, &mut errs);
    errs
}

fn walk(path: &str, value: &Value, s: &Structural, errs: &mut Vec<FieldError>) {
    match value {
        Value::Object(fields) => {
            if s.x_embedded_resource {
                embedded_resource(path, value, errs);
            }
            for (k, v) in fields {
                if let Some(prop) = s.properties.get(k) {
                    walk(&child(Some(path), k), v, prop, errs);
                } else if let Some(ap) = s.additional_schema() {
                    walk(&format!("{path}[{k}]"), v, ap, errs);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = s.items.as_deref() {
                for (i, v) in items.iter().enumerate() {
                    walk(&format!("{path}[{i}]"), v, item_schema, errs);
                }
            }
        }
        _ => {}
    }
}

fn embedded_resource(path: &str, x: &Value, errs: &mut Vec<FieldError>) {
    let at = |name: &str| child(Some(path), name);
    if x.get("apiVersion").is_none() {
        errs.push(FieldError::required(at("apiVersion"), ""));
    }
    if x.get("kind").is_none() {
        errs.push(FieldError::required(at("kind"), ""));
    }
    if let Some(v) = x.get("apiVersion") {
        match v.as_str() {
            None => errs.push(FieldError::invalid(
                at("apiVersion"),
                v.clone(),
                "must be a string",
            )),
            Some("") => errs.push(FieldError::invalid(
                at("apiVersion"),
                "",
                "must not be empty",
            )),
            Some(av) if av.matches('/').count() > 1 => errs.push(FieldError::invalid(
                at("apiVersion"),
                av,
                format!("unexpected GroupVersion string: {av}"),
            )),
            Some(_) => {}
        }
    }
    if let Some(v) = x.get("kind") {
        match v.as_str() {
            None => errs.push(FieldError::invalid(
                at("kind"),
                v.clone(),
                "must be a string",
            )),
            Some("") => errs.push(FieldError::invalid(at("kind"), "", "must not be empty")),
            Some(kind) => {
                let problems = dns1035_label(&kind.to_lowercase());
                if !problems.is_empty() {
                    errs.push(FieldError::invalid(
                        at("kind"),
                        kind,
                        format!(
                            "may have mixed case, but should otherwise match: {}",
                            problems.join(",")
                        ),
                    ));
                }
            }
        }
    }
    if let Some(metadata) = x.get("metadata") {
        object_meta(&at("metadata"), metadata, errs);
    }
}

/// `ValidateObjectMeta` of an embedded `metadata` (name checked as a path segment; a missing
/// name is fine, as upstream fills in a fake one).
fn object_meta(path: &str, metadata: &Value, errs: &mut Vec<FieldError>) {
    let Some(meta) = metadata.as_object() else {
        errs.push(FieldError::invalid(
            path,
            metadata.clone(),
            "must be an object",
        ));
        return;
    };
    let name_path = format!("{path}.name");
    if let Some(name) = meta.get("name").and_then(Value::as_str) {
        for msg in path_segment_name(name) {
            errs.push(FieldError::invalid(&name_path, name, msg));
        }
    }
    if let Some(generate) = meta.get("generateName").and_then(Value::as_str) {
        for msg in path_segment_name(generate) {
            errs.push(FieldError::invalid(
                format!("{path}.generateName"),
                generate,
                msg,
            ));
        }
    }
    if let Some(ns) = meta.get("namespace").and_then(Value::as_str)
        && !ns.is_empty()
    {
        for msg in dns1123_label(ns) {
            errs.push(FieldError::invalid(format!("{path}.namespace"), ns, msg));
        }
    }
    errs.extend(validate_labels(
        meta.get("labels"),
        &format!("{path}.labels"),
    ));
    errs.extend(validate_annotations(
        meta.get("annotations"),
        &format!("{path}.annotations"),
    ));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Structural {
        Structural::parse(&json!({"type": "object", "properties": {"spec": {"type": "object",
            "properties": {"template": {"type": "object", "x-kubernetes-embedded-resource": true,
                "x-kubernetes-preserve-unknown-fields": true},
                "many": {"type": "array", "items": {"type": "object",
                    "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}}}}}}))
        .unwrap()
    }

    fn errors(object: Value) -> Vec<String> {
        validate_embedded(None, &object, &schema(), false)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn embedded_resources_need_type_meta() {
        assert!(
            errors(
                json!({"spec": {"template": {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"labels": {"app": "x"}}}}})
            )
            .is_empty()
        );
        assert_eq!(
            errors(json!({"spec": {"template": {}, "many": [{"apiVersion": "a/b/c", "kind": 5}]}})),
            vec![
                "spec.many[0].apiVersion: Invalid value: \"a/b/c\": unexpected GroupVersion string: a/b/c",
                "spec.many[0].kind: Invalid value: 5: must be a string",
                "spec.template.apiVersion: Required value",
                "spec.template.kind: Required value",
            ]
        );
    }

    #[test]
    fn embedded_metadata_is_object_meta() {
        let errs = errors(
            json!({"spec": {"template": {"apiVersion": "v1", "kind": "Pod_X",
            "metadata": {"name": "a/b", "labels": {"bad key!": "v"}}}}}),
        );
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs[0].starts_with(
            "spec.template.kind: Invalid value: \"Pod_X\": may have mixed case, but should otherwise match: a DNS-1035 label"
        ));
        assert_eq!(
            errs[1],
            "spec.template.metadata.name: Invalid value: \"a/b\": may not contain '/'"
        );
        assert!(errs[2].starts_with("spec.template.metadata.labels: Invalid value: \"bad key!\""));
    }

    #[test]
    fn the_resource_root_counts_when_asked() {
        let s = Structural::parse(&json!({"type": "object"})).unwrap();
        let errs = validate_embedded(Some("x.default"), &json!({"kind": "K"}), &s, true);
        assert_eq!(errs[0].to_string(), "x.default.apiVersion: Required value");
    }
}
