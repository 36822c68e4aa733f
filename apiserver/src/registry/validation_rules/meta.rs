//! ObjectMeta labels and annotations (`ValidateLabels`, `ValidateAnnotations`) and label
//! selectors (`ValidateLabelSelector`, `LabelSelectorAsSelector`) from apimachinery.

use serde_json::{Map, Value};

use super::names::{label_value, qualified_name};
use super::{arr_of, child, obj_of, str_or_empty};
use crate::endpoints::status::FieldError;

/// `TotalAnnotationSizeLimitB`.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

/// Labels and annotations of `metadata` (the parts of `ValidateObjectMeta` that are per kind).
pub fn validate_object_meta(object: &Value) -> Vec<FieldError> {
    let meta = child(object, "metadata");
    let mut errs = validate_labels(meta.get("labels"), "metadata.labels");
    errs.extend(validate_annotations(
        meta.get("annotations"),
        "metadata.annotations",
    ));
    errs
}

/// `ValidateLabelName`.
pub fn validate_label_name(key: &str, path: &str) -> Vec<FieldError> {
    qualified_name(key)
        .into_iter()
        .map(|m| FieldError::invalid(path, key, m))
        .collect()
}

/// `ValidateLabels`: keys are qualified names, values label values; errors carry the map's
/// path (not the key's), as upstream.
pub fn validate_labels(labels: Option<&Value>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(Value::Object(labels)) = labels else {
        return errs;
    };
    for (k, v) in sorted(labels) {
        errs.extend(validate_label_name(k, path));
        let v = v.as_str().unwrap_or("");
        for m in label_value(v) {
            errs.push(FieldError::invalid(path, v, m));
        }
    }
    errs
}

/// `ValidateAnnotations`: keys are qualified names ignoring case; total size <= 256 KiB.
pub fn validate_annotations(annotations: Option<&Value>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(Value::Object(annotations)) = annotations else {
        return errs;
    };
    let mut total = 0usize;
    for (k, v) in sorted(annotations) {
        for m in qualified_name(&k.to_lowercase()) {
            errs.push(FieldError::invalid(path, k.as_str(), m));
        }
        total += k.len() + v.as_str().map_or(0, str::len);
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.push(FieldError::too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT));
    }
    errs
}

fn sorted(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

/// `ValidateLabelSelector` with `AllowInvalidLabelValueInSelector: false`.
pub fn validate_label_selector(sel: &Map<String, Value>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let sel_v = Value::Object(sel.clone());
    for (i, req) in arr_of(&sel_v, "matchExpressions").iter().enumerate() {
        let rp = format!("{path}.matchExpressions[{i}]");
        let values = arr_of(req, "values");
        match str_or_empty(req, "operator") {
            "In" | "NotIn" => {
                if values.is_empty() {
                    errs.push(FieldError::required(
                        format!("{rp}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    errs.push(FieldError::forbidden(
                        format!("{rp}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            op => errs.push(FieldError::invalid(
                format!("{rp}.operator"),
                op,
                "not a valid selector operator",
            )),
        }
        errs.extend(validate_label_name(
            str_or_empty(req, "key"),
            &format!("{rp}.key"),
        ));
        for (j, v) in values.iter().enumerate() {
            let v = v.as_str().unwrap_or("");
            for m in label_value(v) {
                errs.push(FieldError::invalid(format!("{rp}.values[{j}]"), v, m));
            }
        }
    }
    errs.extend(validate_labels(
        sel.get("matchLabels"),
        &format!("{path}.matchLabels"),
    ));
    errs
}

/// What `metav1.LabelSelectorAsSelector` makes of a selector.
pub enum Selector<'a> {
    /// A nil selector: matches nothing and is not "empty".
    Nothing,
    /// No requirements: matches everything and is "empty".
    Everything,
    /// Conversion failed (bad operator, key or value).
    Invalid,
    Requirements(&'a Map<String, Value>),
}

/// `metav1.LabelSelectorAsSelector`.
pub fn as_selector(sel: Option<&Value>) -> Selector<'_> {
    let Some(sel) = sel.filter(|s| !s.is_null()) else {
        return Selector::Nothing;
    };
    let Some(map) = sel.as_object() else {
        return Selector::Invalid;
    };
    let n_labels = obj_of(sel, "matchLabels").map_or(0, Map::len);
    let n_exprs = arr_of(sel, "matchExpressions").len();
    if n_labels + n_exprs == 0 {
        return Selector::Everything;
    }
    match validate_label_selector(map, "").is_empty() {
        true => Selector::Requirements(map),
        false => Selector::Invalid,
    }
}

/// `selector.Matches(labels.Set(labels))` for a convertible selector.
pub fn matches(sel: &Selector<'_>, labels: Option<&Value>) -> bool {
    let empty = Map::new();
    let labels = labels.and_then(Value::as_object).unwrap_or(&empty);
    let get = |k: &str| labels.get(k).and_then(Value::as_str);
    match sel {
        Selector::Nothing | Selector::Invalid => false,
        Selector::Everything => true,
        Selector::Requirements(sel) => {
            let sel_v = Value::Object((*sel).clone());
            let labels_ok = obj_of(&sel_v, "matchLabels")
                .is_none_or(|ml| ml.iter().all(|(k, v)| get(k) == v.as_str()));
            labels_ok
                && arr_of(&sel_v, "matchExpressions").iter().all(|r| {
                    let actual = get(str_or_empty(r, "key"));
                    let in_values =
                        |a: &str| arr_of(r, "values").iter().any(|v| v.as_str() == Some(a));
                    match str_or_empty(r, "operator") {
                        "In" => actual.is_some_and(in_values),
                        "NotIn" => !actual.is_some_and(in_values),
                        "Exists" => actual.is_some(),
                        "DoesNotExist" => actual.is_none(),
                        _ => false,
                    }
                })
        }
    }
}
