//! Tests of the defaulting port. Expected values are what a 1.34 API server stores (and
//! `kubectl get -o json` shows) for the same request, limited to the fields defaulting sets;
//! fields that strategies and admission add (clusterIP, serviceAccountName, ...) are absent.

mod apps;
mod batch;
mod core;
mod fuzz;
mod others;

use serde_json::Value;

use super::apply_defaults;

/// Defaults `input` as `group`/`kind`, compares it with `expected`, and checks that
/// defaulting is idempotent (upstream defaults again when decoding from storage).
fn check(group: &str, kind: &str, input: Value, expected: Value) {
    let mut got = input;
    apply_defaults(group, kind, &mut got);
    assert_eq!(
        got,
        expected,
        "{group}/{kind}:\n got: {}\nwant: {}",
        serde_json::to_string_pretty(&got).unwrap_or_default(),
        serde_json::to_string_pretty(&expected).unwrap_or_default()
    );
    let mut again = got.clone();
    apply_defaults(group, kind, &mut again);
    assert_eq!(again, got, "{group}/{kind}: defaulting is not idempotent");
}

/// The defaulted PodSpec of a single `nginx` container as found in pod templates.
fn template_spec(image: &str, pull: &str) -> Value {
    serde_json::json!({
        "containers": [{
            "image": image,
            "imagePullPolicy": pull,
            "name": "nginx",
            "resources": {},
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File"
        }],
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "terminationGracePeriodSeconds": 30
    })
}
