//! Workload rules of `pkg/apis/apps/validation` (`ValidateDeploymentSpec`,
//! `ValidateReplicaSetSpec`, `ValidateStatefulSetSpec`, `ValidateDaemonSetSpec`) and the
//! apps/v1 selector immutability of the strategies' `ValidateUpdate`.

use serde_json::{Value, json};

use super::meta::{Selector, as_selector, matches, validate_label_selector};
use super::meta::{validate_annotations, validate_labels};
use super::names::{go_int_or_string, go_label_selector, go_string_map, percent};
use super::pod::validate_pod_template_spec;
use super::{child, int_of, invalid_go, nonnegative, obj_of, semantic_eq, str_or_empty};
use crate::endpoints::status::FieldError;

const MISMATCH: &str = "`selector` does not match template `labels`";

/// The JSON rendering of `spec.selector` (`null` when nil).
fn go_selector(spec: &Value) -> String {
    obj_of(spec, "selector").map_or("null".to_owned(), go_label_selector)
}

/// The strict selector checks shared by Deployment, ReplicaSet and StatefulSet.
fn validate_required_selector(spec: &Value, what: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match obj_of(spec, "selector") {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(sel) => {
            errs.extend(validate_label_selector(sel, "spec.selector"));
            if matches!(as_selector(spec.get("selector")), Selector::Everything) {
                errs.push(invalid_go(
                    "spec.selector",
                    &go_selector(spec),
                    &format!("empty selector is invalid for {what}"),
                ));
            }
        }
    }
    errs
}

/// `ValidatePodTemplateSpecForReplicaSet`.
fn validate_template_for_replica_set(spec: &Value, sel: &Selector<'_>) -> Vec<FieldError> {
    let tmpl = child(spec, "template");
    let labels = child(tmpl, "metadata").get("labels");
    let mut errs = Vec::new();
    if !matches!(sel, Selector::Everything) && !matches(sel, labels) {
        errs.push(invalid_go(
            "spec.template.metadata.labels",
            &go_string_map(labels),
            MISMATCH,
        ));
    }
    errs.extend(validate_pod_template_spec(tmpl, "spec.template"));
    errs.extend(restart_always(tmpl));
    if let Some(ads) = int_of(child(tmpl, "spec"), "activeDeadlineSeconds") {
        errs.push(FieldError::invalid(
            "spec.template.spec.activeDeadlineSeconds",
            ads,
            "activeDeadlineSeconds in ReplicaSet is not Supported",
        ));
    }
    errs
}

/// Controllers' templates must restart `Always`.
fn restart_always(tmpl: &Value) -> Option<FieldError> {
    let policy = str_or_empty(child(tmpl, "spec"), "restartPolicy");
    (policy != "Always")
        .then(|| FieldError::not_supported("spec.template.spec.restartPolicy", policy, &["Always"]))
}

/// Selector conversion, then the template (skipped when the selector cannot be converted).
fn selector_then_template(spec: &Value) -> Vec<FieldError> {
    match as_selector(spec.get("selector")) {
        Selector::Invalid => vec![invalid_go(
            "spec.selector",
            &go_selector(spec),
            "invalid label selector",
        )],
        sel => validate_template_for_replica_set(spec, &sel),
    }
}

/// `ValidateDeploymentSpec`.
pub fn validate_deployment(obj: &Value) -> Vec<FieldError> {
    let spec = child(obj, "spec");
    let mut errs: Vec<FieldError> = nonnegative(int_of(spec, "replicas"), "spec.replicas")
        .into_iter()
        .collect();
    errs.extend(validate_required_selector(spec, "deployment"));
    errs.extend(selector_then_template(spec));
    errs.extend(validate_deployment_strategy(child(spec, "strategy")));
    let min_ready = int_of(spec, "minReadySeconds");
    errs.extend(nonnegative(min_ready, "spec.minReadySeconds"));
    errs.extend(nonnegative(
        int_of(spec, "revisionHistoryLimit"),
        "spec.revisionHistoryLimit",
    ));
    if let Some(pds) = int_of(spec, "progressDeadlineSeconds") {
        errs.extend(nonnegative(Some(pds), "spec.progressDeadlineSeconds"));
        if pds <= min_ready.unwrap_or(0) {
            errs.push(FieldError::invalid(
                "spec.progressDeadlineSeconds",
                pds,
                "must be greater than minReadySeconds",
            ));
        }
    }
    errs
}

/// Go's JSON of an internal strategy struct (`Type`, `RollingUpdate`), as upstream prints it
/// for the `NotSupported` strategy-type errors; `ru_fields` are the rolling-update struct's Go
/// field names with their JSON names.
fn go_strategy(strategy: &Value, ru_fields: &[(&str, &str)]) -> String {
    let ru = match strategy.get("rollingUpdate").filter(|v| !v.is_null()) {
        None => "null".to_owned(),
        Some(ru) => go_rolling_update(ru, ru_fields),
    };
    format!(
        "{{\"Type\":{},\"RollingUpdate\":{ru}}}",
        crate::endpoints::status::go_json(&json!(str_or_empty(strategy, "type")))
    )
}

/// Go's JSON of an internal rolling-update struct: `IntOrString` fields are 0 when unset,
/// `Partition` is a number and `*IntOrString` fields are null when unset.
fn go_rolling_update(ru: &Value, fields: &[(&str, &str)]) -> String {
    let body: Vec<String> = fields
        .iter()
        .map(|(go, json)| {
            let v = ru.get(*json).filter(|v| !v.is_null());
            let rendered = match (*go, v) {
                ("Partition", v) => v.and_then(Value::as_i64).unwrap_or(0).to_string(),
                (_, Some(v)) => go_int_or_string(v),
                (_, None) if ru_pointer_field(fields) => "null".to_owned(),
                (_, None) => "0".to_owned(),
            };
            format!("\"{go}\":{rendered}")
        })
        .collect();
    format!("{{{}}}", body.join(","))
}

/// StatefulSet's `MaxUnavailable` is a pointer (null when unset); the others are values.
fn ru_pointer_field(fields: &[(&str, &str)]) -> bool {
    fields.iter().any(|(go, _)| *go == "Partition")
}

/// `RollingUpdateDeployment` and `RollingUpdateDaemonSet`.
const SURGE_RU: &[(&str, &str)] = &[
    ("MaxUnavailable", "maxUnavailable"),
    ("MaxSurge", "maxSurge"),
];
const STATEFUL_SET_RU: &[(&str, &str)] = &[
    ("Partition", "partition"),
    ("MaxUnavailable", "maxUnavailable"),
];

/// `ValidateDeploymentStrategy`.
fn validate_deployment_strategy(strategy: &Value) -> Vec<FieldError> {
    let ru = strategy.get("rollingUpdate").filter(|v| !v.is_null());
    match (str_or_empty(strategy, "type"), ru) {
        ("Recreate", Some(_)) => vec![FieldError::forbidden(
            "spec.strategy.rollingUpdate",
            "may not be specified when strategy `type` is 'Recreate'",
        )],
        ("Recreate", None) => Vec::new(),
        ("RollingUpdate", None) => vec![FieldError::required(
            "spec.strategy.rollingUpdate",
            "this should be defaulted and never be nil",
        )],
        ("RollingUpdate", Some(ru)) => validate_rolling_update_deployment(ru),
        _ => {
            let go = go_strategy(strategy, SURGE_RU);
            vec![not_supported_go(
                "spec.strategy",
                &go,
                &["Recreate", "RollingUpdate"],
            )]
        }
    }
}

/// A `field.NotSupported` whose value upstream prints as a Go struct's JSON.
fn not_supported_go(path: &str, go: &str, valid: &[&str]) -> FieldError {
    let mut e = FieldError::not_supported(path, "", valid);
    e.value = None;
    e.detail = format!("{go}: {}", e.detail);
    e
}

/// `getIntOrPercentValue` (invalid strings count as 0); `None` when absent.
fn int_or_percent_value(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::String(s) if percent(s).is_empty() => s.trim_end_matches('%').parse().ok(),
        Value::String(s) => Some(s.parse().unwrap_or(0)),
        Value::Null => None,
        other => Some(other.as_i64().unwrap_or(0)),
    }
}

/// `ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent`.
fn positive_int_or_percent(v: &Value, path: &str, check_100: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match v {
        Value::String(s) => {
            for m in percent(s) {
                errs.push(invalid_go(path, &go_int_or_string(v), &m));
            }
            let pct = percent(s)
                .is_empty()
                .then(|| s.trim_end_matches('%').parse::<i64>().unwrap_or(0));
            if check_100 && pct.is_some_and(|p| p > 100) {
                errs.push(invalid_go(
                    path,
                    &go_int_or_string(v),
                    "must not be greater than 100%",
                ));
            }
        }
        other => errs.extend(nonnegative(other.as_i64(), path)),
    }
    errs
}

/// `ValidateRollingUpdateDeployment`.
fn validate_rolling_update_deployment(ru: &Value) -> Vec<FieldError> {
    let (mu, ms) = (ru.get("maxUnavailable"), ru.get("maxSurge"));
    let mu_path = "spec.strategy.rollingUpdate.maxUnavailable";
    let mut errs = Vec::new();
    if let Some(v) = mu.filter(|v| !v.is_null()) {
        errs.extend(positive_int_or_percent(v, mu_path, false));
    }
    if let Some(v) = ms.filter(|v| !v.is_null()) {
        errs.extend(positive_int_or_percent(
            v,
            "spec.strategy.rollingUpdate.maxSurge",
            false,
        ));
    }
    if int_or_percent_value(mu) == Some(0) && int_or_percent_value(ms) == Some(0) {
        let go = go_int_or_string(mu.unwrap_or(&Value::Null));
        errs.push(invalid_go(
            mu_path,
            &go,
            "may not be 0 when `maxSurge` is 0",
        ));
    }
    if let Some(Value::String(_)) = mu {
        let v = mu.unwrap_or(&Value::Null);
        errs.extend(
            positive_int_or_percent(v, mu_path, true)
                .into_iter()
                .filter(|e| e.detail.ends_with("greater than 100%")),
        );
    }
    errs
}

/// `ValidateReplicaSetSpec` (upstream's empty-selector message says "deployment" here too).
pub fn validate_replica_set(obj: &Value) -> Vec<FieldError> {
    let spec = child(obj, "spec");
    let mut errs: Vec<FieldError> = nonnegative(int_of(spec, "replicas"), "spec.replicas")
        .into_iter()
        .collect();
    errs.extend(nonnegative(
        int_of(spec, "minReadySeconds"),
        "spec.minReadySeconds",
    ));
    errs.extend(validate_required_selector(spec, "deployment"));
    errs.extend(selector_then_template(spec));
    errs
}

/// `ValidateStatefulSetSpec`. Upstream validates only the template's labels and annotations
/// (at `spec.template.labels`), not its pod spec.
pub fn validate_stateful_set(obj: &Value) -> Vec<FieldError> {
    let spec = child(obj, "spec");
    let mut errs = Vec::new();
    match str_or_empty(spec, "podManagementPolicy") {
        "" => errs.push(FieldError::required("spec.podManagementPolicy", "")),
        "OrderedReady" | "Parallel" => {}
        p => errs.push(FieldError::invalid(
            "spec.podManagementPolicy",
            p,
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let us = child(spec, "updateStrategy");
    let has_ru = us.get("rollingUpdate").is_some_and(|v| !v.is_null());
    match str_or_empty(us, "type") {
        "" => errs.push(FieldError::required("spec.updateStrategy", "")),
        "OnDelete" if has_ru => errs.push(invalid_go(
            "spec.updateStrategy.rollingUpdate",
            &go_rolling_update(child(us, "rollingUpdate"), STATEFUL_SET_RU),
            "only allowed for updateStrategy 'RollingUpdate'",
        )),
        "OnDelete" | "RollingUpdate" => {}
        _ => errs.push(invalid_go(
            "spec.updateStrategy",
            &go_strategy(us, STATEFUL_SET_RU),
            "must be 'RollingUpdate' or 'OnDelete'",
        )),
    }
    errs.extend(nonnegative(int_of(spec, "replicas"), "spec.replicas"));
    errs.extend(nonnegative(
        int_of(spec, "minReadySeconds"),
        "spec.minReadySeconds",
    ));
    errs.extend(validate_required_selector(spec, "statefulset"));
    let tmpl = child(spec, "template");
    match as_selector(spec.get("selector")) {
        Selector::Invalid => errs.push(invalid_go("spec.selector", &go_selector(spec), "")),
        sel => {
            let labels = child(tmpl, "metadata").get("labels");
            if !matches!(sel, Selector::Everything) && !matches(&sel, labels) {
                errs.push(invalid_go(
                    "spec.template.metadata.labels",
                    &go_string_map(labels),
                    MISMATCH,
                ));
            }
            errs.extend(validate_labels(labels, "spec.template.labels"));
            errs.extend(validate_annotations(
                child(tmpl, "metadata").get("annotations"),
                "spec.template.annotations",
            ));
        }
    }
    errs.extend(restart_always(tmpl));
    if child(tmpl, "spec")
        .get("activeDeadlineSeconds")
        .is_some_and(|v| !v.is_null())
    {
        errs.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in StatefulSet is not Supported",
        ));
    }
    errs
}

/// `ValidateStatefulSetUpdate`: only some spec fields may change.
pub fn validate_stateful_set_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let (ns, os) = (child(new, "spec"), child(old, "spec"));
    let mut clone = ns.clone();
    if let Some(o) = clone.as_object_mut() {
        for f in [
            "replicas",
            "template",
            "updateStrategy",
            "minReadySeconds",
            "ordinals",
            "revisionHistoryLimit",
            "persistentVolumeClaimRetentionPolicy",
        ] {
            match os.get(f) {
                Some(v) => o.insert(f.into(), v.clone()),
                None => o.remove(f),
            };
        }
    }
    match semantic_eq(&clone, os) {
        true => Vec::new(),
        false => vec![FieldError::forbidden(
            "spec",
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        )],
    }
}

/// `ValidateDaemonSetSpec`.
pub fn validate_daemon_set(obj: &Value) -> Vec<FieldError> {
    let spec = child(obj, "spec");
    let tmpl = child(spec, "template");
    let mut errs = Vec::new();
    if let Some(sel) = obj_of(spec, "selector") {
        errs.extend(validate_label_selector(sel, "spec.selector"));
    } else {
        errs.push(FieldError::required("spec.selector", ""));
    }
    let sel = as_selector(spec.get("selector"));
    let labels = child(tmpl, "metadata").get("labels");
    if !matches!(sel, Selector::Invalid) && !matches(&sel, labels) {
        errs.push(invalid_go(
            "spec.template.metadata.labels",
            &go_string_map(labels),
            MISMATCH,
        ));
    }
    if matches!(sel, Selector::Everything) {
        errs.push(invalid_go(
            "spec.selector",
            &go_selector(spec),
            "empty selector is invalid for daemonset",
        ));
    }
    errs.extend(validate_pod_template_spec(tmpl, "spec.template"));
    errs.extend(restart_always(tmpl));
    if let Some(ads) = int_of(child(tmpl, "spec"), "activeDeadlineSeconds") {
        errs.push(FieldError::invalid(
            "spec.template.spec.activeDeadlineSeconds",
            ads,
            "activeDeadlineSeconds in DaemonSet is not Supported",
        ));
    }
    errs.extend(nonnegative(
        int_of(spec, "minReadySeconds"),
        "spec.minReadySeconds",
    ));
    errs.extend(validate_daemon_set_update_strategy(child(
        spec,
        "updateStrategy",
    )));
    errs.extend(nonnegative(
        int_of(spec, "revisionHistoryLimit"),
        "spec.revisionHistoryLimit",
    ));
    errs
}

/// `ValidateDaemonSetUpdateStrategy` and `ValidateRollingUpdateDaemonSet`.
fn validate_daemon_set_update_strategy(us: &Value) -> Vec<FieldError> {
    let base = "spec.updateStrategy.rollingUpdate";
    match str_or_empty(us, "type") {
        "OnDelete" => Vec::new(),
        "RollingUpdate" => {
            let Some(ru) = us.get("rollingUpdate").filter(|v| !v.is_null()) else {
                return vec![FieldError::required(base, "")];
            };
            let mut errs = Vec::new();
            let mut present = [false; 2];
            for (i, f) in ["maxUnavailable", "maxSurge"].into_iter().enumerate() {
                let v = ru.get(f);
                if int_or_percent_value(v).is_some_and(|n| n != 0) {
                    present[i] = true;
                    let v = v.unwrap_or(&Value::Null);
                    errs.extend(positive_int_or_percent(v, &format!("{base}.{f}"), true));
                }
            }
            match present {
                [true, true] => errs.push(invalid_go(
                    format!("{base}.maxSurge"),
                    &go_int_or_string(ru.get("maxSurge").unwrap_or(&Value::Null)),
                    "may not be set when maxUnavailable is non-zero",
                )),
                [false, false] => errs.push(FieldError::required(
                    format!("{base}.maxUnavailable"),
                    "cannot be 0 when maxSurge is 0",
                )),
                _ => {}
            }
            errs
        }
        _ => {
            let go = go_strategy(us, SURGE_RU);
            vec![not_supported_go(
                "spec.updateStrategy",
                &go,
                &["RollingUpdate", "OnDelete"],
            )]
        }
    }
}

/// apps/v1 strategies' `ValidateImmutableField(spec.selector)`.
pub fn validate_selector_immutable(new: &Value, old: &Value) -> Vec<FieldError> {
    let (ns, os) = (child(new, "spec"), child(old, "spec"));
    match semantic_eq(child(ns, "selector"), child(os, "selector")) {
        true => Vec::new(),
        false => vec![invalid_go(
            "spec.selector",
            &go_selector(ns),
            "field is immutable",
        )],
    }
}
