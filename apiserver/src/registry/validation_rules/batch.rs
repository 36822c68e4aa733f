//! Job and CronJob rules of `pkg/apis/batch/validation` (`validateJobSpec`,
//! `validateCronJobSpec`, the selector/completions parts of `ValidateJobSpecUpdate`). Selector
//! generation is the strategy's job: a Job without a selector is not an error here.

use serde_json::Value;

use super::meta::{Selector, as_selector, matches, validate_label_selector};
use super::names::{go_label_selector, go_string_map};
use super::pod::{one_of, validate_pod_template_spec};
use super::{child, int_of, invalid_go, nonnegative, obj_of, semantic_eq, str_or_empty};
use crate::endpoints::status::FieldError;

/// `validateJobSpec` (without selector requirements) at `path` (`spec` or
/// `spec.jobTemplate.spec`).
fn validate_job_spec(spec: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for f in [
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
    ] {
        errs.extend(nonnegative(int_of(spec, f), format!("{path}.{f}")));
    }
    let tmpl = child(spec, "template");
    errs.extend(validate_pod_template_spec(
        tmpl,
        &format!("{path}.template"),
    ));
    let policy = str_or_empty(child(tmpl, "spec"), "restartPolicy");
    let rp_path = format!("{path}.template.spec.restartPolicy");
    if policy != "OnFailure" && policy != "Never" {
        errs.push(FieldError::not_supported(
            rp_path,
            policy,
            &["OnFailure", "Never"],
        ));
    } else if policy == "OnFailure" && spec.get("podFailurePolicy").is_some_and(|v| !v.is_null()) {
        errs.push(FieldError::invalid(
            rp_path,
            policy,
            "only \"Never\" is supported when podFailurePolicy is specified",
        ));
    }
    errs
}

/// `ValidateJob` (spec part).
pub fn validate_job(obj: &Value) -> Vec<FieldError> {
    let spec = child(obj, "spec");
    let mut errs = validate_job_spec(spec, "spec");
    if let Some(sel) = obj_of(spec, "selector") {
        errs.extend(validate_label_selector(sel, "spec.selector"));
        let s = as_selector(spec.get("selector"));
        let labels = child(child(spec, "template"), "metadata").get("labels");
        if !matches!(s, Selector::Invalid) && !matches(&s, labels) {
            errs.push(invalid_go(
                "spec.template.metadata.labels",
                &go_string_map(labels),
                "`selector` does not match template `labels`",
            ));
        }
    }
    errs
}

fn is_indexed(spec: &Value) -> bool {
    str_or_empty(spec, "completionMode") == "Indexed"
}

/// `ValidateJobSpecUpdate`: selector immutable; completions immutable unless both Indexed.
pub fn validate_job_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let (ns, os) = (child(new, "spec"), child(old, "spec"));
    let mut errs = Vec::new();
    if !semantic_eq(child(ns, "selector"), child(os, "selector")) {
        let go = obj_of(ns, "selector").map_or("null".to_owned(), go_label_selector);
        errs.push(invalid_go("spec.selector", &go, "field is immutable"));
    }
    let (nc, oc) = (int_of(ns, "completions"), int_of(os, "completions"));
    if is_indexed(ns) && is_indexed(os) {
        let np = int_of(ns, "parallelism");
        if let (Some(c), Some(p)) = (nc, np)
            && c != p
        {
            errs.push(FieldError::invalid(
                "spec.completions",
                c,
                "can only be modified in tandem with spec.parallelism",
            ));
        }
    } else if nc != oc {
        errs.push(FieldError::immutable("spec.completions", nc));
    }
    errs
}

/// `validateCronJobSpec` (schedule presence only; cron parsing is out of scope).
pub fn validate_cron_job(obj: &Value) -> Vec<FieldError> {
    let spec = child(obj, "spec");
    let mut errs = Vec::new();
    if str_or_empty(spec, "schedule").is_empty() {
        errs.push(FieldError::required("spec.schedule", ""));
    }
    errs.extend(one_of(
        spec,
        "concurrencyPolicy",
        "spec",
        &["Allow", "Forbid", "Replace"],
    ));
    let jt = child(child(spec, "jobTemplate"), "spec");
    errs.extend(validate_job_spec(jt, "spec.jobTemplate.spec"));
    if let Some(sel) = obj_of(jt, "selector") {
        errs.push(invalid_go(
            "spec.jobTemplate.spec.selector",
            &go_label_selector(sel),
            "`selector` will be auto-generated",
        ));
    }
    for f in [
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
        "startingDeadlineSeconds",
    ] {
        errs.extend(nonnegative(int_of(spec, f), format!("spec.{f}")));
    }
    errs
}
