//! Per-kind validation rules ported from upstream's `pkg/apis/core/validation`,
//! `pkg/apis/apps/validation` and `pkg/apis/batch/validation`, with upstream's field paths and
//! messages (users read them as `Pod "x" is invalid: spec.containers[0].image: Required value`).
//!
//! Objects arrive as `serde_json::Value` that were decoded through the typed models and defaulted
//! with upstream's defaults, so the rules read JSON field names and treat a wrong JSON type like an
//! absent field (never panicking). Covered kinds: Pod, PodTemplate, Deployment, ReplicaSet,
//! StatefulSet, DaemonSet, Job, CronJob, ConfigMap, Secret; every kind gets the ObjectMeta
//! label/annotation checks. Object names are validated elsewhere (`registry::validation`).
//!
//! Upstream 1.34 prints a composite bad value (struct, slice, map) as its JSON; for internal Go
//! structs without json tags that is `{"Type":"x",...}` with Go field names. Such renderings
//! are carried in the error's detail with `value: None`, so `FieldError`'s `Display` is
//! byte-identical to upstream's.
//!
//! Deliberate gaps: pod-spec fields not listed in the module's tests (probes, security contexts,
//! affinity, topology spread, volume-source internals) are not validated; the diff that follows
//! the first line of the pod-update `Forbidden` message is our own rendering, not `cmp.Diff`.

use serde_json::{Map, Value};

use crate::endpoints::status::FieldError;

mod apps;
mod batch;
mod config;
mod meta;
mod names;
mod pod;
mod pod_update;
mod quantity;

#[cfg(test)]
mod tests;

/// Validates a create (upstream's `Strategy.Validate`) of `kind` in API `group` ("" for core).
pub fn validate(group: &str, kind: &str, object: &Value) -> Vec<FieldError> {
    let mut errs = meta::validate_object_meta(object);
    match (group, kind) {
        ("", "Pod") => errs.extend(pod::validate_pod(object)),
        ("", "PodTemplate") => {
            let tmpl = object.get("template").unwrap_or(&Value::Null);
            errs.extend(pod::validate_pod_template_spec(tmpl, "template"));
        }
        ("", "ConfigMap") => errs.extend(config::validate_config_map(object)),
        ("", "Secret") => errs.extend(config::validate_secret(object)),
        ("apps", "Deployment") => errs.extend(apps::validate_deployment(object)),
        ("apps", "ReplicaSet") => errs.extend(apps::validate_replica_set(object)),
        ("apps", "StatefulSet") => errs.extend(apps::validate_stateful_set(object)),
        ("apps", "DaemonSet") => errs.extend(apps::validate_daemon_set(object)),
        ("batch", "Job") => errs.extend(batch::validate_job(object)),
        ("batch", "CronJob") => errs.extend(batch::validate_cron_job(object)),
        _ => {}
    }
    errs
}

/// Validates an update (upstream's `Strategy.ValidateUpdate`): the new object's own rules plus
/// the kind's update rules (immutable fields, pod spec mutability).
pub fn validate_update(group: &str, kind: &str, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = validate(group, kind, new);
    match (group, kind) {
        ("", "Pod") => errs.extend(pod_update::validate_pod_update(new, old)),
        ("", "ConfigMap") => errs.extend(config::validate_config_map_update(new, old)),
        ("", "Secret") => errs.extend(config::validate_secret_update(new, old)),
        ("apps", "Deployment" | "ReplicaSet" | "DaemonSet") => {
            errs.extend(apps::validate_selector_immutable(new, old));
        }
        ("apps", "StatefulSet") => {
            errs.extend(apps::validate_selector_immutable(new, old));
            errs.extend(apps::validate_stateful_set_update(new, old));
        }
        ("batch", "Job") => errs.extend(batch::validate_job_update(new, old)),
        _ => {}
    }
    errs
}

// ---------------------------------------------------------------------------------------------
// JSON access helpers shared by the rule files: a field of the wrong JSON type reads as absent.
// ---------------------------------------------------------------------------------------------

/// `v[key]` as a string.
fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// `v[key]` as a string, `""` when absent (Go's zero value).
fn str_or_empty<'a>(v: &'a Value, key: &str) -> &'a str {
    str_of(v, key).unwrap_or("")
}

/// `v[key]` as an integer.
fn int_of(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

/// `v[key]` as an array, empty when absent.
fn arr_of<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// `v[key]` as an object.
fn obj_of<'a>(v: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    v.get(key).and_then(Value::as_object)
}

/// `v[key]`, `Null` when absent.
fn child<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or(&Value::Null)
}

/// `ValidateNonnegativeField`.
fn nonnegative(value: Option<i64>, path: impl std::fmt::Display) -> Option<FieldError> {
    value
        .filter(|v| *v < 0)
        .map(|v| FieldError::invalid(path, v, "must be greater than or equal to 0"))
}

/// A `field.Invalid` whose bad value upstream prints as Go JSON: the rendering goes in the
/// detail so `Display` matches upstream byte for byte.
fn invalid_go(path: impl std::fmt::Display, go_value: &str, detail: &str) -> FieldError {
    let mut e = FieldError::invalid(path, Value::Null, "");
    e.value = None;
    e.detail = match detail.is_empty() {
        true => go_value.to_owned(),
        false => format!("{go_value}: {detail}"),
    };
    e
}

/// Upstream's `apiequality.Semantic.DeepEqual` on JSON: nil and empty collections, and absent
/// and zero-valued scalars, compare equal (Go decodes both to the same value).
fn semantic_eq(a: &Value, b: &Value) -> bool {
    fn is_zero(v: &Value) -> bool {
        match v {
            Value::Null => true,
            Value::Bool(b) => !b,
            Value::Number(n) => n.as_f64() == Some(0.0),
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.values().all(is_zero),
        }
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys = x.keys().chain(y.keys());
            keys.into_iter().all(|k| {
                semantic_eq(
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                )
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| semantic_eq(p, q))
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ if is_zero(a) && is_zero(b) => true,
        _ => a == b,
    }
}
