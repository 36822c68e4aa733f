//! Everything a custom resource is validated for on create and update, as upstream's
//! `pkg/registry/customresource` (`strategy.go` `Validate` and `validator.go`): its
//! `apiVersion` and `kind`, the schema of its version (kube-openapi's checks), its embedded
//! resources, its list sets and maps, and the replicas and selector its scale subresource
//! reads.
//!
//! `metadata` (a DNS-subdomain name, labels, annotations, namespace) is the generic store's, as
//! for every resource ([`validate_metadata_name`] is the name rule for callers that need it
//! alone). `x-kubernetes-validations` (CEL) rules are evaluated last (`cel.rs`), with
//! `oldSelf` on update.

use serde_json::Value;

use super::cel::validate_cel;
use super::embedded::validate_embedded;
use super::list_type::validate_list_sets_and_maps;
use super::structural::Structural;
use super::validate::validate_schema;
use crate::endpoints::status::FieldError;
use crate::registry::validation::{NameRule, validate_name};

/// The `scale` subresource of a CRD version (`CustomResourceSubresourceScale`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScalePaths {
    /// `.spec.replicas` and the like.
    pub spec_replicas_path: String,
    pub status_replicas_path: String,
    pub label_selector_path: Option<String>,
}

impl ScalePaths {
    /// The scale subresource of `version` of a v1 CRD object.
    pub fn for_version(crd: &Value, version: &str) -> Option<ScalePaths> {
        let v = crd
            .get("spec")?
            .get("versions")?
            .as_array()?
            .iter()
            .find(|v| v.get("name").and_then(Value::as_str) == Some(version))?;
        ScalePaths::from_subresources(v.get("subresources")?)
    }

    /// The `scale` object of `spec.versions[].subresources` (or `None` without one).
    pub fn from_subresources(subresources: &Value) -> Option<ScalePaths> {
        let scale = subresources.get("scale")?.as_object()?;
        let text = |k: &str| scale.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(ScalePaths {
            spec_replicas_path: text("specReplicasPath").unwrap_or_default(),
            status_replicas_path: text("statusReplicasPath").unwrap_or_default(),
            label_selector_path: text("labelSelectorPath"),
        })
    }
}

/// What a custom resource of one CRD version is validated against.
#[derive(Debug, Clone, Copy)]
pub struct CustomResourceRules<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    /// The structural schema of the version (every v1 CRD has one).
    pub schema: Option<&'a Structural>,
    pub scale: Option<&'a ScalePaths>,
}

/// Validates a custom resource (after pruning and defaulting) on create, in upstream's order.
pub fn validate_custom_resource(
    rules: &CustomResourceRules<'_>,
    object: &Value,
) -> Vec<FieldError> {
    validate(rules, object, None)
}

/// Validates a custom resource on update: as on create, and its CEL transition rules see
/// `old` as `oldSelf` (errors of the other rules are ratcheted where a value is unchanged).
pub fn validate_custom_resource_update(
    rules: &CustomResourceRules<'_>,
    object: &Value,
    old: &Value,
) -> Vec<FieldError> {
    validate(rules, object, Some(old))
}

fn validate(
    rules: &CustomResourceRules<'_>,
    object: &Value,
    old: Option<&Value>,
) -> Vec<FieldError> {
    let type_errs = validate_type_meta(rules, object);
    if !type_errs.is_empty() {
        return type_errs;
    }
    let mut errs = Vec::new();
    if let Some(schema) = rules.schema {
        errs.extend(validate_schema(schema, object, None));
    }
    if let Some(scale) = rules.scale {
        errs.extend(validate_scale(scale, object));
    }
    if let Some(schema) = rules.schema {
        errs.extend(validate_embedded(None, object, schema, false));
        errs.extend(validate_list_sets_and_maps("", schema, object));
        errs.extend(validate_cel(schema, object, old));
    }
    errs
}

/// `metadata.name` of a custom resource: a DNS subdomain.
pub fn validate_metadata_name(name: &str) -> Vec<FieldError> {
    validate_name(name, NameRule::Subdomain)
}

/// `ValidateTypeMeta`: `kind` and `apiVersion` are the CRD version's.
fn validate_type_meta(rules: &CustomResourceRules<'_>, object: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind != rules.kind {
        errs.push(FieldError::invalid(
            "kind",
            kind,
            format!("must be {}", rules.kind),
        ));
    }
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let want = format!("{}/{}", rules.group, rules.version);
    if api_version != want {
        errs.push(FieldError::invalid(
            "apiVersion",
            api_version,
            format!("must be {want}"),
        ));
    }
    errs
}

/// The value at a dotted JSON path (`.spec.replicas`), as `unstructured.NestedFieldNoCopy`:
/// `Err` names the first step that is not an object.
fn nested<'v>(object: &'v Value, path: &str) -> Result<Option<&'v Value>, String> {
    let fields: Vec<&str> = path.trim_start_matches('.').split('.').collect();
    let mut current = object;
    for (i, field) in fields.iter().enumerate() {
        let Some(map) = current.as_object() else {
            return Err(format!(
                "{} accessor error: {} is of the type {}, expected map[string]interface{{}}",
                json_path(&fields[..i]),
                go_value(current),
                go_type(current)
            ));
        };
        match map.get(*field) {
            Some(v) => current = v,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

fn json_path(fields: &[&str]) -> String {
    format!(".{}", fields.join("."))
}

/// Go's `%T` of a decoded JSON value.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() => "int64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// Go's `%v` of a decoded JSON value (scalars; composites as JSON).
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) if !n.is_i64() => super::validate::go_float(n.as_f64().unwrap_or(0.0)),
        other => other.to_string(),
    }
}

/// An integer at `path`, as `unstructured.NestedInt64` (0 when absent).
fn nested_int(object: &Value, path: &str) -> Result<i64, String> {
    let fields: Vec<&str> = path.trim_start_matches('.').split('.').collect();
    match nested(object, path)? {
        None => Ok(0),
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64().unwrap_or(0)),
        Some(v) => Err(format!(
            "{} accessor error: {} is of the type {}, expected int64",
            json_path(&fields),
            go_value(v),
            go_type(v)
        )),
    }
}

/// `ValidateScaleSpec` and `ValidateScaleStatus`.
fn validate_scale(scale: &ScalePaths, object: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut replicas = |path: &str| match nested_int(object, path) {
        Err(e) => errs.push(FieldError::invalid(path, 0, e)),
        Ok(n) if n < 0 => errs.push(FieldError::invalid(
            path,
            n,
            "should be a non-negative integer",
        )),
        Ok(n) if n > i64::from(i32::MAX) => errs.push(FieldError::invalid(
            path,
            n,
            format!("should be less than or equal to {}", i32::MAX),
        )),
        Ok(_) => {}
    };
    if !scale.spec_replicas_path.is_empty() {
        replicas(&scale.spec_replicas_path);
    }
    if !scale.status_replicas_path.is_empty() {
        replicas(&scale.status_replicas_path);
    }
    if let Some(path) = scale
        .label_selector_path
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        let fields: Vec<&str> = path.trim_start_matches('.').split('.').collect();
        match nested(object, path) {
            Err(e) => errs.push(FieldError::invalid(path, "", e)),
            Ok(Some(v)) if !v.is_string() => errs.push(FieldError::invalid(
                path,
                "",
                format!(
                    "{} accessor error: {} is of the type {}, expected string",
                    json_path(&fields),
                    go_value(v),
                    go_type(v)
                ),
            )),
            Ok(_) => {}
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::registry::customresource::validate::tests::crontab_schema;

    fn check(object: Value, scale: Option<&ScalePaths>) -> Vec<String> {
        let schema = Structural::parse(&crontab_schema()).unwrap();
        let rules = CustomResourceRules {
            group: "stable.example.com",
            version: "v1",
            kind: "CronTab",
            schema: Some(&schema),
            scale,
        };
        validate_custom_resource(&rules, &object)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_crontab_example() {
        let mut object = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab",
            "metadata": {"name": "my-new-cron-object"},
            "spec": {"cronSpec": "* * * * */5", "image": "my-awesome-cron-image"}});
        assert!(check(object.clone(), None).is_empty());
        object["spec"]["cronSpec"] = json!("* * * *");
        object["spec"]["replicas"] = json!(15);
        assert_eq!(
            check(object, None),
            vec![
                r#"spec.cronSpec: Invalid value: "* * * *": spec.cronSpec in body should match '^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$'"#,
                "spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10",
            ]
        );
    }

    #[test]
    fn the_crontab_status_message() {
        let object = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab",
            "metadata": {"name": "my-new-cron-object"},
            "spec": {"cronSpec": "* * * *", "image": "my-awesome-cron-image", "replicas": 15}});
        let schema = Structural::parse(&crontab_schema()).unwrap();
        let rules = CustomResourceRules {
            group: "stable.example.com",
            version: "v1",
            kind: "CronTab",
            schema: Some(&schema),
            scale: None,
        };
        let causes = validate_custom_resource(&rules, &object);
        let error = crate::endpoints::status::ApiError::invalid(
            "CronTab.stable.example.com",
            "my-new-cron-object",
            causes,
        );
        assert_eq!(error.code(), 422);
        assert_eq!(
            error.message(),
            r#"CronTab.stable.example.com "my-new-cron-object" is invalid: [spec.cronSpec: Invalid value: "* * * *": spec.cronSpec in body should match '^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$', spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10]"#
        );
    }

    #[test]
    fn type_meta_comes_first() {
        let object = json!({"apiVersion": "stable.example.com/v2", "kind": "Other",
            "spec": {"replicas": 50}});
        assert_eq!(
            check(object, None),
            vec![
                "kind: Invalid value: \"Other\": must be CronTab",
                "apiVersion: Invalid value: \"stable.example.com/v2\": must be stable.example.com/v1",
            ]
        );
    }

    #[test]
    fn scale_paths() {
        let scale = ScalePaths::from_subresources(&json!({"scale": {
            "specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas",
            "labelSelectorPath": ".status.selector"}}))
        .unwrap();
        let crd = json!({"spec": {"versions": [{"name": "v1", "subresources": {"scale": {
            "specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas",
            "labelSelectorPath": ".status.selector"}}}]}});
        assert_eq!(ScalePaths::for_version(&crd, "v1").as_ref(), Some(&scale));
        assert_eq!(ScalePaths::for_version(&crd, "v2"), None);
        let object = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab",
            "spec": {"replicas": -1}, "status": {"replicas": 1.5, "selector": 3}});
        assert_eq!(
            check(object, Some(&scale)),
            vec![
                "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 1",
                ".spec.replicas: Invalid value: -1: should be a non-negative integer",
                ".status.replicas: Invalid value: 0: .status.replicas accessor error: 1.5 is of the type float64, expected int64",
                ".status.selector: Invalid value: \"\": .status.selector accessor error: 3 is of the type int64, expected string",
            ]
        );
    }

    #[test]
    fn names_are_dns_subdomains() {
        assert!(validate_metadata_name("my-new-cron-object").is_empty());
        assert_eq!(validate_metadata_name("Bad_Name").len(), 1);
    }
}
