//! The Job strategy (upstream's `pkg/registry/batch/job/strategy.go`): unless
//! `spec.manualSelector` is true, a new Job's selector and pod template labels are generated
//! from its uid and name, so its pods are found by `batch.kubernetes.io/controller-uid`; and
//! `status.successful` is a field selector label.

use serde_json::{Map, Value, json};

use crate::registry::strategy::Strategy;

/// The label with the Job's uid (and its legacy name).
pub const CONTROLLER_UID_LABEL: &str = "batch.kubernetes.io/controller-uid";
const LEGACY_CONTROLLER_UID_LABEL: &str = "controller-uid";
/// The label with the Job's name (and its legacy name).
pub const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";
const LEGACY_JOB_NAME_LABEL: &str = "job-name";

pub struct JobStrategy;

fn object_at<'a>(value: &'a mut Value, key: &str) -> Option<&'a mut Map<String, Value>> {
    let fields = value.as_object_mut()?;
    let entry = fields.entry(key).or_insert_with(|| json!({}));
    if !entry.is_object() {
        *entry = json!({});
    }
    entry.as_object_mut()
}

/// Upstream's `generateSelector`: the template gets the four labels (where absent) and a
/// missing selector becomes `matchLabels: {controller-uid: <uid>}`.
pub fn generate_selector(job: &mut Value) {
    let manual = job["spec"]["manualSelector"].as_bool().unwrap_or(false);
    if manual {
        return;
    }
    let uid = job["metadata"]["uid"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let name = job["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if uid.is_empty() {
        return;
    }
    let Some(spec) = object_at(job, "spec") else {
        return;
    };
    let spec_value = spec.entry("template").or_insert_with(|| json!({}));
    if let Some(labels) = object_at(spec_value, "metadata").and_then(|meta| {
        let entry = meta.entry("labels").or_insert_with(|| json!({}));
        if !entry.is_object() {
            *entry = json!({});
        }
        entry.as_object_mut()
    }) {
        for (key, value) in [
            (CONTROLLER_UID_LABEL, &uid),
            (LEGACY_CONTROLLER_UID_LABEL, &uid),
            (JOB_NAME_LABEL, &name),
            (LEGACY_JOB_NAME_LABEL, &name),
        ] {
            labels
                .entry(key)
                .or_insert_with(|| Value::String(value.clone()));
        }
    }
    let selector = spec.entry("selector").or_insert(Value::Null);
    if selector.is_null() {
        *selector = json!({"matchLabels": {CONTROLLER_UID_LABEL: uid}});
    }
}

#[async_trait::async_trait]
impl Strategy for JobStrategy {
    fn prepare_for_create(&self, job: &mut Value) {
        generate_selector(job);
    }

    fn field_labels(&self) -> &'static [&'static str] {
        &["status.successful"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_job_gets_its_selector_and_template_labels() {
        let mut job = json!({"metadata": {"name": "pi", "uid": "u-1"},
            "spec": {"template": {"metadata": {"labels": {"app": "pi"}}, "spec": {}}}});
        generate_selector(&mut job);
        assert_eq!(
            job["spec"]["selector"],
            json!({"matchLabels": {"batch.kubernetes.io/controller-uid": "u-1"}})
        );
        assert_eq!(
            job["spec"]["template"]["metadata"]["labels"],
            json!({"app": "pi", "batch.kubernetes.io/controller-uid": "u-1", "controller-uid": "u-1",
                "batch.kubernetes.io/job-name": "pi", "job-name": "pi"})
        );
    }

    #[test]
    fn a_manual_selector_is_left_alone() {
        let mut job = json!({"metadata": {"name": "pi", "uid": "u-1"},
            "spec": {"manualSelector": true, "selector": {"matchLabels": {"app": "pi"}},
                "template": {"metadata": {"labels": {"app": "pi"}}}}});
        let before = job.clone();
        generate_selector(&mut job);
        assert_eq!(job, before);
    }
}
