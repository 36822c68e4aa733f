//! Defaults of the `batch` group (`batch/v1`).
//!
//! Ports pkg/apis/batch/v1/defaults.go with the feature gates on by default in 1.34
//! (JobPodReplacementPolicy, JobBackoffLimitPerIndex and JobPodFailurePolicy are all on).
//! Per zz_generated.defaults.go a CronJob only gets the PodSpec defaults inside
//! `spec.jobTemplate.spec.template`, never `SetDefaults_Job`.

use serde_json::{Value, json};

use super::core::{copy_labels_if_empty, pod_template_spec};
use super::json::{
    Obj, child_ptr, child_struct, default_ptr, default_str, is_nil, items_mut, nonempty_map,
    path_struct,
};

/// Applies the defaults of one `batch` kind.
pub(super) fn apply(kind: &str, obj: &mut Obj) {
    match kind {
        "Job" => job(obj),
        "CronJob" => cron_job(obj),
        _ => {}
    }
}

/// `SetDefaults_Job` and the template defaults.
fn job(obj: &mut Obj) {
    let Some(spec) = child_struct(obj, "spec") else {
        return;
    };
    if is_nil(spec, "completions") && is_nil(spec, "parallelism") {
        spec.insert("completions".to_owned(), json!(1));
        spec.insert("parallelism".to_owned(), json!(1));
    }
    default_ptr(spec, "parallelism", json!(1));
    if is_nil(spec, "backoffLimit") {
        let limit = if is_nil(spec, "backoffLimitPerIndex") {
            6
        } else {
            i64::from(i32::MAX)
        };
        spec.insert("backoffLimit".to_owned(), json!(limit));
    }
    let labels = child_ptr(spec, "template")
        .and_then(|t| child_ptr(t, "metadata"))
        .and_then(|m| nonempty_map(m, "labels"));
    default_ptr(spec, "completionMode", json!("NonIndexed"));
    default_ptr(spec, "suspend", json!(false));
    let has_failure_policy = !is_nil(spec, "podFailurePolicy");
    if let Some(pfp) = child_ptr(spec, "podFailurePolicy") {
        for rule in items_mut(pfp, "rules") {
            for pattern in items_mut(rule, "onPodConditions") {
                default_str(pattern, "status", "True");
            }
        }
    }
    let replacement = if has_failure_policy {
        "Failed"
    } else {
        "TerminatingOrFailed"
    };
    default_ptr(spec, "podReplacementPolicy", json!(replacement));
    default_ptr(spec, "manualSelector", json!(false));
    if let Some(t) = child_struct(spec, "template") {
        pod_template_spec(t);
    }
    if let Some(labels) = labels {
        copy_labels_if_empty(obj, labels);
    }
}

/// `SetDefaults_CronJob` and the nested template defaults.
fn cron_job(obj: &mut Obj) {
    let Some(spec) = child_struct(obj, "spec") else {
        return;
    };
    default_str(spec, "concurrencyPolicy", "Allow");
    default_ptr(spec, "suspend", Value::Bool(false));
    default_ptr(spec, "successfulJobsHistoryLimit", json!(3));
    default_ptr(spec, "failedJobsHistoryLimit", json!(1));
    if let Some(t) = path_struct(spec, &["jobTemplate", "spec", "template"]) {
        pod_template_spec(t);
    }
}
