//! `batch/v1` defaults (pkg/apis/batch/v1/defaults.go).

use serde_json::json;

use super::{apply_defaults, check, template_spec};

fn never_spec() -> serde_json::Value {
    let mut spec = template_spec("busybox", "Always");
    spec["containers"][0]["name"] = json!("pi");
    spec["restartPolicy"] = json!("Never");
    spec
}

/// `kubectl create job pi --image=busybox`: SetDefaults_Job.
#[test]
fn job_from_kubectl_create() {
    let input = json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
        "spec": {"template": {"metadata": {}, "spec": {
            "containers": [{"name": "pi", "image": "busybox", "resources": {}}],
            "restartPolicy": "Never"
        }}},
        "status": {}
    });
    let expected = json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
        "spec": {
            "backoffLimit": 6,
            "completionMode": "NonIndexed",
            "completions": 1,
            "manualSelector": false,
            "parallelism": 1,
            "podReplacementPolicy": "TerminatingOrFailed",
            "suspend": false,
            "template": {"metadata": {}, "spec": never_spec()}
        },
        "status": {}
    });
    check("batch", "Job", input, expected);
}

/// SetDefaults_Job: template labels become object labels, parallelism alone leaves
/// completions nil, backoffLimitPerIndex gives MaxInt32, a pod failure policy gives
/// podReplacementPolicy Failed and pattern status True.
#[test]
fn job_special_cases() {
    let mut got = json!({"spec": {
        "parallelism": 3,
        "backoffLimitPerIndex": 1,
        "completionMode": "Indexed",
        "completions": 3,
        "podFailurePolicy": {"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]},
        "template": {"metadata": {"labels": {"app": "x"}}}
    }});
    apply_defaults("batch", "Job", &mut got);
    assert_eq!(got["metadata"]["labels"], json!({"app": "x"}));
    assert_eq!(got["spec"]["backoffLimit"], json!(2_147_483_647));
    assert_eq!(got["spec"]["completionMode"], json!("Indexed"));
    assert_eq!(got["spec"]["podReplacementPolicy"], json!("Failed"));
    assert_eq!(
        got["spec"]["podFailurePolicy"]["rules"][0]["onPodConditions"][0]["status"],
        json!("True")
    );
    let mut got = json!({"spec": {"parallelism": 2}});
    apply_defaults("batch", "Job", &mut got);
    assert!(got["spec"].get("completions").is_none());
}

/// `kubectl create cronjob hello --image=busybox --schedule="*/1 * * * *"`: SetDefaults_CronJob;
/// the job template only gets the PodSpec defaults.
#[test]
fn cronjob_from_kubectl_create() {
    let input = json!({
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello"},
        "spec": {
            "schedule": "*/1 * * * *",
            "jobTemplate": {"metadata": {"name": "hello"}, "spec": {"template": {"metadata": {}, "spec": {
                "containers": [{"name": "pi", "image": "busybox", "resources": {}}],
                "restartPolicy": "OnFailure"
            }}}}
        },
        "status": {}
    });
    let mut spec = never_spec();
    spec["restartPolicy"] = json!("OnFailure");
    let expected = json!({
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello"},
        "spec": {
            "concurrencyPolicy": "Allow",
            "failedJobsHistoryLimit": 1,
            "jobTemplate": {"metadata": {"name": "hello"}, "spec": {"template": {"metadata": {}, "spec": spec}}},
            "schedule": "*/1 * * * *",
            "successfulJobsHistoryLimit": 3,
            "suspend": false
        },
        "status": {}
    });
    check("batch", "CronJob", input, expected);
}
