//! Whether a schema is *structural*, as upstream's `schema.ValidateStructural`
//! (`apiextensions-apiserver/pkg/apiserver/schema/validation.go`): every field and array has a
//! `type` outside of `allOf`/`anyOf`/`oneOf`/`not`; those junctors only restrict values (no
//! `type`, `default`, `description`, `nullable`, extensions, or `metadata`); every field they name
//! is also specified outside of them; `metadata` at the root restricts only `name` and
//! `generateName`; `additionalProperties` is not used at the root; embedded resources are
//! objects; and the two int-or-string `anyOf` patterns are allowed.
//!
//! The errors are upstream's, sorted by their message as upstream sorts them. Upstream's CRD
//! options are used: no `additionalProperties` and no `x-kubernetes-validations` in junctors.

use super::structural::{AdditionalProperties, Structural};
use crate::endpoints::status::{FieldError, FieldPath};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Item,
    Field,
}

/// `ValidateStructural`: the errors of a non-structural schema at `path`, sorted.
pub fn validate_structural(path: &FieldPath, s: &Structural) -> Vec<FieldError> {
    let mut errs = Vec::new();
    invariants(s, Level::Root, path, &mut errs);
    completeness(s, path, &mut errs);
    errs.sort_by_key(ToString::to_string);
    errs
}

fn invariants(s: &Structural, lvl: Level, path: &FieldPath, errs: &mut Vec<FieldError>) {
    if s.type_ == "array" && s.items.is_none() {
        errs.push(FieldError::required(
            path.child("items"),
            "must be specified",
        ));
    }
    if let Some(items) = &s.items {
        invariants(items, Level::Item, &path.child("items"), errs);
    }
    for (k, v) in &s.properties {
        invariants(v, Level::Field, &path.child("properties").key(k), errs);
    }
    if let Some(ap) = &s.additional_properties {
        if lvl == Level::Root {
            errs.push(FieldError::forbidden(
                path.child("additionalProperties"),
                "must not be used at the root",
            ));
        }
        if let AdditionalProperties::Schema(ap) = ap {
            invariants(ap, Level::Field, &path.child("additionalProperties"), errs);
        }
    }
    if s.x_int_or_string && s.preserves_unknown_fields() {
        errs.push(FieldError::invalid(
            path.child("x-kubernetes-preserve-unknown-fields"),
            true,
            "must be false if x-kubernetes-int-or-string is true",
        ));
    }
    if s.x_int_or_string && s.x_embedded_resource {
        errs.push(FieldError::invalid(
            path.child("x-kubernetes-embedded-resource"),
            true,
            "must be false if x-kubernetes-int-or-string is true",
        ));
    }

    let skip_any_of = is_int_or_string_any_of(&s.any_of);
    let skip_first_all_of_any_of = s
        .all_of
        .first()
        .is_some_and(|first| is_int_or_string_any_of(&first.any_of));
    junctors(s, skip_any_of, skip_first_all_of_any_of, path, errs);

    let check_metadata = lvl == Level::Root || s.x_embedded_resource;
    if s.x_embedded_resource && s.type_ != "object" {
        let msg = "must be object if x-kubernetes-embedded-resource is true";
        errs.push(match s.type_.is_empty() {
            true => FieldError::required(path.child("type"), msg),
            false => FieldError::invalid(path.child("type"), s.type_.as_str(), msg),
        });
    } else if s.type_.is_empty() && !s.x_int_or_string && !s.preserves_unknown_fields() {
        let msg = match lvl {
            Level::Root => "must not be empty at the root",
            Level::Item => "must not be empty for specified array items",
            Level::Field => "must not be empty for specified object fields",
        };
        errs.push(FieldError::required(path.child("type"), msg));
    }
    if s.x_embedded_resource && s.additional_properties.is_some() {
        errs.push(FieldError::forbidden(
            path.child("additionalProperties"),
            "must not be used if x-kubernetes-embedded-resource is set",
        ));
    }
    if lvl == Level::Root && !s.type_.is_empty() && s.type_ != "object" {
        errs.push(FieldError::invalid(
            path.child("type"),
            s.type_.as_str(),
            "must be object at the root",
        ));
    }
    for field in ["kind", "apiVersion"] {
        if let Some(p) = s.properties.get(field)
            && check_metadata
            && p.type_ != "string"
        {
            let at = path.child("properties").key(field).child("type");
            errs.push(FieldError::invalid(at, p.type_.as_str(), "must be string"));
        }
    }
    if let Some(metadata) = s.properties.get("metadata") {
        let at = path.child("properties").key("metadata");
        metadata_invariants(metadata, check_metadata, lvl, &at, errs);
    }
    if s.x_embedded_resource && !s.preserves_unknown_fields() && s.properties.is_empty() {
        errs.push(FieldError::required(
            path.child("properties"),
            "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields",
        ));
    }
}

fn metadata_invariants(
    s: &Structural,
    check_metadata: bool,
    lvl: Level,
    path: &FieldPath,
    errs: &mut Vec<FieldError>,
) {
    if check_metadata && s.type_ != "object" {
        errs.push(FieldError::invalid(
            path.child("type"),
            s.type_.as_str(),
            "must be object",
        ));
    }
    if lvl == Level::Root {
        let mut rest = s.clone();
        let name = rest.properties.contains_key("name");
        let generate_name = rest.properties.contains_key("generateName");
        let only = (name && generate_name && rest.properties.len() == 2)
            || ((name || generate_name) && rest.properties.len() == 1);
        if only {
            rest.properties.clear();
        }
        rest.type_.clear();
        rest.default = None;
        if rest != Structural::default() {
            errs.push(FieldError::forbidden(
                path,
                "must not specify anything other than name and generateName, but metadata is implicitly specified",
            ));
        }
    }
}

/// `anyOf: [{type: integer}, {type: string}]` and nothing else.
fn is_int_or_string_any_of(any_of: &[Structural]) -> bool {
    let only_type = |t: &str| Structural {
        type_: t.to_owned(),
        ..Structural::default()
    };
    any_of.len() == 2 && any_of[0] == only_type("integer") && any_of[1] == only_type("string")
}

/// `validateValueValidation`: the junctors of `v` and its pattern.
fn junctors(
    v: &Structural,
    skip_any_of: bool,
    skip_first_all_of_any_of: bool,
    path: &FieldPath,
    errs: &mut Vec<FieldError>,
) {
    if !skip_any_of {
        for (i, sub) in v.any_of.iter().enumerate() {
            nested(sub, false, &path.child("anyOf").index(i), errs);
        }
    }
    for (i, sub) in v.all_of.iter().enumerate() {
        let skip = skip_first_all_of_any_of && i == 0;
        nested(sub, skip, &path.child("allOf").index(i), errs);
    }
    for (i, sub) in v.one_of.iter().enumerate() {
        nested(sub, false, &path.child("oneOf").index(i), errs);
    }
    if let Some(not) = &v.not {
        nested(not, false, &path.child("not"), errs);
    }
    if let Some(p) = &v.pattern
        && let Err(e) = &p.regex
    {
        errs.push(FieldError::invalid(
            path.child("pattern"),
            p.source.as_str(),
            format!("must be a valid regular expression, but isn't: {e}"),
        ));
    }
}

/// `validateNestedValueValidation`: a schema under a junctor may only restrict values.
fn nested(v: &Structural, skip_any_of: bool, path: &FieldPath, errs: &mut Vec<FieldError>) {
    junctors(v, skip_any_of, false, path, errs);
    if let Some(items) = &v.items {
        nested(items, false, &path.child("items"), errs);
    }
    for (k, p) in &v.properties {
        nested(p, false, &path.child("properties").key(k), errs);
    }
    let forbid = |errs: &mut Vec<FieldError>, field: &str, msg: &str| {
        errs.push(FieldError::forbidden(path.child(field), msg));
    };
    let empty = "must be empty to be structural";
    let undefined = "must be undefined to be structural";
    let false_ = "must be false to be structural";
    if !v.type_.is_empty() {
        forbid(errs, "type", empty);
    }
    if v.additional_properties.is_some() {
        forbid(errs, "additionalProperties", undefined);
    }
    if v.default.as_ref().is_some_and(|d| !d.is_null()) {
        forbid(errs, "default", undefined);
    }
    if !v.title.is_empty() {
        forbid(errs, "title", empty);
    }
    if !v.description.is_empty() {
        forbid(errs, "description", empty);
    }
    if v.nullable {
        forbid(errs, "nullable", "must be false to be structural");
    }
    if v.external_docs.is_some() {
        forbid(errs, "externalDocs", undefined);
    }
    if v.preserves_unknown_fields() {
        forbid(errs, "x-kubernetes-preserve-unknown-fields", false_);
    }
    if v.x_embedded_resource {
        forbid(errs, "x-kubernetes-embedded-resource", false_);
    }
    if v.x_int_or_string {
        forbid(errs, "x-kubernetes-int-or-string", false_);
    }
    if !v.x_list_map_keys.is_empty() {
        forbid(errs, "x-kubernetes-list-map-keys", empty);
    }
    if v.x_list_type.is_some() {
        forbid(errs, "x-kubernetes-list-type", undefined);
    }
    if v.x_map_type.is_some() {
        forbid(errs, "x-kubernetes-map-type", undefined);
    }
    if !v.x_validations.is_empty() {
        forbid(errs, "x-kubernetes-validations", empty);
    }
    if v.properties.contains_key("metadata") {
        errs.push(FieldError::forbidden(
            path.child("properties").key("metadata"),
            "must not be specified in a nested context",
        ));
    }
}

/// `validateStructuralCompleteness`: what a junctor names must exist in the structure.
fn completeness(s: &Structural, path: &FieldPath, errs: &mut Vec<FieldError>) {
    if let Some(items) = &s.items {
        completeness(items, &path.child("items"), errs);
    }
    for (k, p) in &s.properties {
        completeness(p, &path.child("properties").key(k), errs);
    }
    if let Some(ap) = s.additional_schema() {
        completeness(ap, &path.child("additionalProperties"), errs);
    }
    value_completeness(s, Some(s), path, path, errs);
}

fn value_completeness(
    v: &Structural,
    s: Option<&Structural>,
    s_path: &FieldPath,
    v_path: &FieldPath,
    errs: &mut Vec<FieldError>,
) {
    let subs = v.not.iter().map(|n| (n.as_ref(), v_path.child("not")));
    let all = v.all_of.iter().enumerate();
    let all = all.map(|(i, x)| (x, v_path.child("allOf").index(i)));
    let any = v.any_of.iter().enumerate();
    let any = any.map(|(i, x)| (x, v_path.child("anyOf").index(i)));
    let one = v.one_of.iter().enumerate();
    let one = one.map(|(i, x)| (x, v_path.child("oneOf").index(i)));
    for (sub, sub_path) in subs.chain(all).chain(any).chain(one) {
        nested_completeness(sub, s, s_path, &sub_path, errs);
    }
}

fn nested_completeness(
    v: &Structural,
    s: Option<&Structural>,
    s_path: &FieldPath,
    v_path: &FieldPath,
    errs: &mut Vec<FieldError>,
) {
    let Some(s) = s else {
        errs.push(FieldError::required(
            s_path,
            format!("because it is defined in {v_path}"),
        ));
        return;
    };
    value_completeness(v, Some(s), s_path, v_path, errs);
    if let Some(items) = &v.items {
        let (sp, vp) = (s_path.child("items"), v_path.child("items"));
        nested_completeness(items, s.items.as_deref(), &sp, &vp, errs);
    }
    for (k, vf) in &v.properties {
        let sp = s_path.child("properties").key(k);
        let vp = v_path.child("properties").key(k);
        match s.properties.get(k) {
            None => errs.push(FieldError::required(
                sp,
                format!("because it is defined in {vp}"),
            )),
            Some(sf) => nested_completeness(vf, Some(sf), &sp, &vp, errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn check(schema: Value) -> Vec<String> {
        let s = Structural::parse(&schema).unwrap();
        let path = FieldPath::new("spec")
            .child("versions")
            .index(0)
            .child("schema")
            .child("openAPIV3Schema");
        validate_structural(&path, &s)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const P: &str = "spec.versions[0].schema.openAPIV3Schema";

    #[test]
    fn the_crontab_schema_is_structural() {
        let errs = check(
            json!({"type": "object", "properties": {"spec": {"type": "object",
            "properties": {"cronSpec": {"type": "string", "pattern": "^a$"},
                "replicas": {"type": "integer", "minimum": 1, "maximum": 10}}}}}),
        );
        assert!(errs.is_empty(), "{errs:?}");
    }

    #[test]
    fn missing_types() {
        let errs = check(json!({"properties": {"spec": {"properties": {"a": {}}},
            "list": {"type": "array", "items": {}}, "arr": {"type": "array"}}}));
        assert_eq!(
            errs,
            vec![
                format!("{P}.properties[arr].items: Required value: must be specified"),
                format!(
                    "{P}.properties[list].items.type: Required value: must not be empty for specified array items"
                ),
                format!(
                    "{P}.properties[spec].properties[a].type: Required value: must not be empty for specified object fields"
                ),
                format!(
                    "{P}.properties[spec].type: Required value: must not be empty for specified object fields"
                ),
                format!("{P}.type: Required value: must not be empty at the root"),
            ]
        );
    }

    #[test]
    fn root_rules() {
        let errs = check(json!({"type": "string", "additionalProperties": {"type": "string"}}));
        assert_eq!(
            errs,
            vec![
                format!("{P}.additionalProperties: Forbidden: must not be used at the root"),
                format!("{P}.type: Invalid value: \"string\": must be object at the root"),
            ]
        );
        let errs = check(json!({"type": "object", "properties": {
            "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 10}}},
            "kind": {"type": "integer"}}}));
        assert_eq!(
            errs,
            vec![format!(
                "{P}.properties[kind].type: Invalid value: \"integer\": must be string"
            )]
        );
        let errs = check(json!({"type": "object", "properties": {
            "metadata": {"type": "object", "properties": {"labels": {"type": "object"}}}}}));
        assert_eq!(
            errs,
            vec![format!(
                "{P}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified"
            )]
        );
    }

    #[test]
    fn junctors_only_restrict_values() {
        let errs = check(
            json!({"type": "object", "properties": {"a": {"type": "string",
            "anyOf": [{"type": "string", "description": "x", "nullable": true}],
            "not": {"properties": {"metadata": {}}}}}}),
        );
        assert_eq!(
            errs,
            vec![
                format!(
                    "{P}.properties[a].anyOf[0].description: Forbidden: must be empty to be structural"
                ),
                format!(
                    "{P}.properties[a].anyOf[0].nullable: Forbidden: must be false to be structural"
                ),
                format!(
                    "{P}.properties[a].anyOf[0].type: Forbidden: must be empty to be structural"
                ),
                format!(
                    "{P}.properties[a].not.properties[metadata]: Forbidden: must not be specified in a nested context"
                ),
                format!(
                    "{P}.properties[a].properties[metadata]: Required value: because it is defined in {P}.properties[a].not.properties[metadata]"
                ),
            ]
        );
    }

    #[test]
    fn int_or_string_patterns_are_allowed() {
        let errs = check(json!({"type": "object", "properties": {
            "a": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "b": {"x-kubernetes-int-or-string": true, "allOf": [{"anyOf": [{"type": "integer"}, {"type": "string"}]}, {"pattern": "^a"}]},
            "c": {"x-kubernetes-int-or-string": true, "x-kubernetes-preserve-unknown-fields": true}}}));
        assert_eq!(
            errs,
            vec![format!(
                "{P}.properties[c].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true"
            )]
        );
    }

    #[test]
    fn embedded_resources() {
        let errs = check(json!({"type": "object", "properties": {
            "e": {"x-kubernetes-embedded-resource": true},
            "f": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}}}));
        assert_eq!(
            errs,
            vec![
                format!(
                    "{P}.properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"
                ),
                format!(
                    "{P}.properties[e].type: Required value: must be object if x-kubernetes-embedded-resource is true"
                ),
            ]
        );
    }

    #[test]
    fn bad_patterns() {
        let errs = check(
            json!({"type": "object", "properties": {"a": {"type": "string", "pattern": "("}}}),
        );
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with(&format!(
            "{P}.properties[a].pattern: Invalid value: \"(\": must be a valid regular expression, but isn't: "
        )));
    }
}
