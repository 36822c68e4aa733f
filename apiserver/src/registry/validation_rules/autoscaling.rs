//! HorizontalPodAutoscaler rules of `pkg/apis/autoscaling/validation`
//! (`validateHorizontalPodAutoscalerSpec`, `ValidateCrossVersionObjectReference`,
//! `validateMetricSpec`, `validateMetricTarget`), for objects served as `autoscaling/v2` and
//! `autoscaling/v1` (whose `targetCPUUtilizationPercentage` is the CPU resource metric).
//!
//! Not covered: `behavior` (scaling rules and policies) and the object/pods/external metric
//! identifiers beyond their presence. `HPAScaleToZero` is alpha and off: `minReplicas >= 1`.

use serde_json::Value;

use super::names::path_segment_name;
use super::pod::validate_resource_name;
use super::quantity::Quantity;
use super::{arr_of, child, int_of, invalid_each, present, str_or_empty};
use crate::endpoints::status::FieldError;

const SOURCE_TYPES: [&str; 5] = [
    "ContainerResource",
    "External",
    "Object",
    "Pods",
    "Resource",
];

/// `validateHorizontalPodAutoscalerSpec`.
pub fn validate_hpa(hpa: &Value) -> Vec<FieldError> {
    let spec = child(hpa, "spec");
    let mut errs = Vec::new();
    let min = int_of(spec, "minReplicas");
    if let Some(m) = min
        && m < 1
    {
        errs.push(FieldError::invalid(
            "spec.minReplicas",
            m,
            "must be greater than or equal to 1",
        ));
    }
    let max = int_of(spec, "maxReplicas").unwrap_or(0);
    if max < 1 {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            max,
            "must be greater than 0",
        ));
    }
    if min.is_some_and(|m| max < m) {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            max,
            "must be greater than or equal to `minReplicas`",
        ));
    }
    errs.extend(validate_reference(
        child(spec, "scaleTargetRef"),
        "spec.scaleTargetRef",
    ));
    let v1 = str_or_empty(hpa, "apiVersion") == "autoscaling/v1";
    if v1 {
        if let Some(t) = int_of(spec, "targetCPUUtilizationPercentage")
            && t < 1
        {
            errs.push(FieldError::invalid(
                "spec.metrics[0].resource.target.averageUtilization",
                t,
                "must be greater than 0",
            ));
        }
        return errs;
    }
    for (i, m) in arr_of(spec, "metrics").iter().enumerate() {
        errs.extend(validate_metric(m, &format!("spec.metrics[{i}]")));
    }
    errs
}

/// `ValidateCrossVersionObjectReference`.
fn validate_reference(r: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for field in ["kind", "name"] {
        let v = str_or_empty(r, field);
        let p = format!("{path}.{field}");
        match v.is_empty() {
            true => errs.push(FieldError::required(p, "")),
            false => errs.extend(invalid_each(&p, v, path_segment_name(v))),
        }
    }
    errs
}

/// `validateMetricSpec`.
fn validate_metric(m: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let ty = str_or_empty(m, "type");
    if ty.is_empty() {
        errs.push(FieldError::required(
            format!("{path}.type"),
            "must specify a metric source type",
        ));
    }
    if !SOURCE_TYPES.contains(&ty) {
        errs.push(FieldError::not_supported(
            format!("{path}.type"),
            ty,
            &SOURCE_TYPES,
        ));
    }
    let mut present_sources = Vec::new();
    for source in [
        "object",
        "external",
        "pods",
        "resource",
        "containerResource",
    ] {
        let Some(src) = present(m, source) else {
            continue;
        };
        present_sources.push(source);
        if present_sources.len() == 1 {
            errs.extend(validate_source(source, src, &format!("{path}.{source}")));
        }
    }
    let expected = match ty {
        "ContainerResource" => "containerResource".to_owned(),
        other => other.to_lowercase(),
    };
    if SOURCE_TYPES.contains(&ty) && present(m, &expected).is_none() {
        errs.push(FieldError::required(
            format!("{path}.{expected}"),
            "must populate information for the given metric source",
        ));
    }
    if present_sources.len() != 1 {
        for s in present_sources.iter().filter(|s| **s != expected) {
            errs.push(FieldError::forbidden(
                format!("{path}.{s}"),
                "must populate the given metric source only",
            ));
        }
    }
    errs
}

/// The per-source rules: a metric name or resource name, and the target.
fn validate_source(source: &str, src: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match source {
        "resource" | "containerResource" => {
            let name = str_or_empty(src, "name");
            match name.is_empty() {
                true => errs.push(FieldError::required(
                    format!("{path}.name"),
                    "must specify a resource name",
                )),
                false => errs.extend(validate_resource_name(name, &format!("{path}.name"))),
            }
            if source == "containerResource" && str_or_empty(src, "container").is_empty() {
                errs.push(FieldError::required(
                    format!("{path}.container"),
                    "must specify a container",
                ));
            }
            let target = child(src, "target");
            errs.extend(validate_target(target, &format!("{path}.target")));
            let (util, avg) = (
                present(target, "averageUtilization"),
                present(target, "averageValue"),
            );
            if util.is_none() && avg.is_none() {
                errs.push(FieldError::required(
                    format!("{path}.target.averageUtilization"),
                    "must set either a target raw value or a target utilization",
                ));
            }
            if util.is_some() && avg.is_some() {
                errs.push(FieldError::forbidden(
                    format!("{path}.target.averageValue"),
                    "may not set both a target raw value and a target utilization",
                ));
            }
        }
        _ => {
            if str_or_empty(child(src, "metric"), "name").is_empty() {
                errs.push(FieldError::required(
                    format!("{path}.metric.name"),
                    "must specify a metric name",
                ));
            }
            errs.extend(validate_target(
                child(src, "target"),
                &format!("{path}.target"),
            ));
        }
    }
    errs
}

/// `validateMetricTarget`.
fn validate_target(t: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let ty = str_or_empty(t, "type");
    if ty.is_empty() {
        errs.push(FieldError::required(
            format!("{path}.type"),
            "must specify a metric target type",
        ));
    }
    if !matches!(ty, "Utilization" | "Value" | "AverageValue") {
        errs.push(FieldError::invalid(
            format!("{path}.type"),
            ty,
            "must be either Utilization, Value, or AverageValue",
        ));
    }
    for field in ["value", "averageValue"] {
        let Some(q) = present(t, field) else {
            continue;
        };
        let q = q.as_str().and_then(Quantity::parse);
        if let Some(q) = q
            && !q.is_positive()
        {
            errs.push(FieldError::invalid(
                format!("{path}.{field}"),
                q.canonical(),
                "must be positive",
            ));
        }
    }
    if let Some(u) = int_of(t, "averageUtilization")
        && u < 1
    {
        errs.push(FieldError::invalid(
            format!("{path}.averageUtilization"),
            u,
            "must be greater than 0",
        ));
    }
    errs
}
