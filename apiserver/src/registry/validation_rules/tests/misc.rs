//! ConfigMap, Secret, Job and CronJob tests.

use serde_json::{Value, json};

use super::{container, msgs};
use crate::registry::validation_rules::{validate, validate_update};

#[test]
fn config_map_keys_and_size() {
    // ValidateConfigMap: IsConfigMapKey per key; total size <= MaxSecretSize at path "".
    let cm = json!({"metadata": {"name": "c"}, "data": {"a b": "x", "..x": "y", "ok.key": "z"}});
    assert_eq!(
        msgs(&validate("", "ConfigMap", &cm)),
        [
            "data[..x]: Invalid value: \"..x\": must not start with '..'",
            "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        ]
    );
    let big = json!({"metadata": {"name": "c"}, "data": {"k": "x".repeat(1024 * 1024 + 1)}});
    assert_eq!(
        msgs(&validate("", "ConfigMap", &big)),
        ["[]: Too long: may not be more than 1048576 bytes"]
    );
    let dup = json!({"data": {"k": "x"}, "binaryData": {"k": "eA=="}});
    assert_eq!(
        msgs(&validate("", "ConfigMap", &dup)),
        ["data[k]: Invalid value: \"k\": duplicate of key present in binaryData"]
    );
}

#[test]
fn config_map_immutable() {
    // ValidateConfigMapUpdate.
    let old = json!({"data": {"k": "x"}, "immutable": true});
    let new = json!({"data": {"k": "y"}});
    assert_eq!(
        msgs(&validate_update("", "ConfigMap", &new, &old)),
        [
            "immutable: Forbidden: field is immutable when `immutable` is set",
            "data: Forbidden: field is immutable when `immutable` is set",
        ]
    );
}

#[test]
fn secret_rules() {
    // ValidateSecret: data keys, 1 MiB limit at `data`, per-type required keys.
    let s = json!({"type": "kubernetes.io/tls", "data": {"tls.crt": "eA=="}, "stringData": {"a/b": "x"}});
    assert_eq!(
        msgs(&validate("", "Secret", &s)),
        [
            "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            "data[tls.key]: Required value",
        ]
    );
    let big = json!({"type": "Opaque", "stringData": {"k": "x".repeat(1024 * 1024 + 1)}});
    assert_eq!(
        msgs(&validate("", "Secret", &big)),
        ["data: Too long: may not be more than 1048576 bytes"]
    );
    // ValidateSecretUpdate: type is immutable.
    let old = json!({"type": "Opaque"});
    let new = json!({"type": "kubernetes.io/basic-auth", "data": {"username": "YQ=="}});
    assert_eq!(
        msgs(&validate_update("", "Secret", &new, &old)),
        ["type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable"]
    );
}

fn job() -> Value {
    json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
        "spec": {
            "parallelism": 1, "completions": 1, "backoffLimit": 6, "completionMode": "NonIndexed",
            "suspend": false, "manualSelector": false, "podReplacementPolicy": "TerminatingOrFailed",
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u1"}},
            "template": {
                "metadata": {"labels": {"batch.kubernetes.io/controller-uid": "u1", "job-name": "pi"}},
                "spec": {"containers": [container("pi", "perl")], "restartPolicy": "Never",
                         "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30}
            }
        }
    })
}

#[test]
fn job_rules() {
    // validateJobSpec.
    assert_eq!(
        msgs(&validate("batch", "Job", &job())),
        Vec::<String>::new()
    );
    let mut j = job();
    j["spec"]["template"]["spec"]["restartPolicy"] = json!("Always");
    j["spec"]["parallelism"] = json!(-1);
    j["spec"]["completions"] = json!(-2);
    assert_eq!(
        msgs(&validate("batch", "Job", &j)),
        [
            "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
            "spec.completions: Invalid value: -2: must be greater than or equal to 0",
            "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"",
        ]
    );
    // ValidateJobSpecUpdate: completions immutable for NonIndexed jobs.
    let mut new = job();
    new["spec"]["completions"] = json!(3);
    assert_eq!(
        msgs(&validate_update("batch", "Job", &new, &job())),
        ["spec.completions: Invalid value: 3: field is immutable"]
    );
}

#[test]
fn cron_job_rules() {
    // validateCronJobSpec + ValidateJobTemplateSpec.
    let mut jt = job()["spec"].clone();
    jt.as_object_mut().unwrap().remove("selector");
    let cj = json!({
        "metadata": {"name": "c"},
        "spec": {"schedule": "", "concurrencyPolicy": "Sometimes", "successfulJobsHistoryLimit": -1,
                 "jobTemplate": {"spec": jt}}
    });
    assert_eq!(
        msgs(&validate("batch", "CronJob", &cj)),
        [
            "spec.schedule: Required value",
            "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"",
            "spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0",
        ]
    );
}
