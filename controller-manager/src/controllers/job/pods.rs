//! A Job's pods: its selector, claiming pods (adoption adds the tracking finalizer too), and
//! the template new pods are made from.

use std::collections::BTreeMap;

use common::label_selector::{Op, Requirement, matches_labels, parse_selector};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use super::{
    CONTROLLER_UID_LABEL, JOB_NAME_LABEL, JobController, LEGACY_CONTROLLER_UID_LABEL,
    LEGACY_JOB_NAME_LABEL, TRACKING_FINALIZER, has_tracking_finalizer,
};
use crate::controller::{self, Result};
use crate::controller_ref::{Claim, claim, controller_ref, release};

/// The Job's selector; a Job without one (its API server did not generate it) selects its
/// pods by the controller-uid label, as the generated selector would.
pub fn job_selector(job: &Job) -> Result<Vec<Requirement>, String> {
    match job.spec.as_ref().and_then(|s| s.selector.as_ref()) {
        Some(selector) => parse_selector(selector),
        None => {
            let uid = job.metadata.uid.clone().unwrap_or_default();
            Ok(vec![Requirement::new(
                CONTROLLER_UID_LABEL,
                Op::In,
                &[uid],
            )?])
        }
    }
}

/// The labels the API server's Job defaulting puts on the template (and that pods need for
/// the generated selector); added here when missing.
fn generated_labels(job: &Job) -> BTreeMap<String, String> {
    let uid = job.metadata.uid.clone().unwrap_or_default();
    let name = job.metadata.name.clone().unwrap_or_default();
    BTreeMap::from([
        (CONTROLLER_UID_LABEL.to_owned(), uid.clone()),
        (JOB_NAME_LABEL.to_owned(), name.clone()),
        (LEGACY_CONTROLLER_UID_LABEL.to_owned(), uid),
        (LEGACY_JOB_NAME_LABEL.to_owned(), name),
    ])
}

/// The template of the Job's pods: its spec's template with the tracking finalizer and, when
/// the selector is generated (no `manualSelector`), the Job's labels.
pub fn pod_template(job: &Job) -> PodTemplateSpec {
    let spec = job.spec.as_ref();
    let mut template = spec.map(|s| s.template.clone()).unwrap_or_default();
    let meta = template.metadata.get_or_insert_with(Default::default);
    if !spec.and_then(|s| s.manual_selector).unwrap_or(false) {
        let labels = meta.labels.get_or_insert_with(Default::default);
        for (key, value) in generated_labels(job) {
            labels.entry(key).or_insert(value);
        }
    }
    let finalizers = meta.finalizers.get_or_insert_with(Vec::new);
    if !finalizers.iter().any(|f| f == TRACKING_FINALIZER) {
        finalizers.push(TRACKING_FINALIZER.to_owned());
    }
    template
}

impl JobController {
    /// The pods the Job owns after adopting matching orphans and releasing owned pods that no
    /// longer match (upstream's `getPodsForJob`).
    pub(super) async fn pods_for_job(&self, job: &Job) -> Result<Vec<Pod>> {
        let namespace = job.metadata.namespace.as_deref().unwrap_or_default();
        let uid = job.metadata.uid.as_deref().unwrap_or_default();
        let selector = job_selector(job).map_err(controller::Error::Invalid)?;
        let can_adopt = job.metadata.deletion_timestamp.is_none();
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let owner = controller_ref(job);
        let empty = BTreeMap::new();
        let mut owned = Vec::new();
        for pod in self.pods.list(namespace) {
            let matches = matches_labels(&selector, pod.metadata.labels.as_ref().unwrap_or(&empty));
            match claim(&*pod, uid, matches, can_adopt) {
                Claim::Owned => owned.push((*pod).clone()),
                Claim::Ignore => {}
                Claim::Release => {
                    release(&api, &*pod, uid).await?;
                }
                Claim::Adopt => {
                    let patch = json!({"metadata": {
                        "ownerReferences": [owner],
                        "uid": pod.metadata.uid,
                        "finalizers": [TRACKING_FINALIZER],
                    }});
                    let name = pod.metadata.name.as_deref().unwrap_or_default();
                    match api
                        .patch(name, &PatchParams::default(), &Patch::Strategic(&patch))
                        .await
                    {
                        Ok(_) => {
                            let mut adopted = (*pod).clone();
                            if !has_tracking_finalizer(&adopted) {
                                adopted
                                    .metadata
                                    .finalizers
                                    .get_or_insert_with(Vec::new)
                                    .push(TRACKING_FINALIZER.to_owned());
                            }
                            owned.push(adopted);
                        }
                        Err(error) if controller::is_not_found(&error) => {}
                        Err(kube::Error::Api(s)) if s.code == 409 || s.code == 422 => {}
                        Err(error) => return Err(error.into()),
                    }
                }
            }
        }
        Ok(owned)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn templates_get_the_finalizer_and_the_generated_labels() {
        let job: Job = serde_json::from_value(json!({
            "metadata": {"name": "pi", "uid": "u1"},
            "spec": {"template": {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": []}}}
        }))
        .unwrap();
        let template = pod_template(&job);
        let meta = template.metadata.unwrap();
        let labels = meta.labels.unwrap();
        assert_eq!(labels["app"], "x");
        assert_eq!(labels[CONTROLLER_UID_LABEL], "u1");
        assert_eq!(labels[LEGACY_JOB_NAME_LABEL], "pi");
        assert_eq!(meta.finalizers.unwrap(), [TRACKING_FINALIZER]);
        let selector = job_selector(&job).unwrap();
        assert!(matches_labels(&selector, &labels));
    }
}
