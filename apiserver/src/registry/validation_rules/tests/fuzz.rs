//! Deterministic fuzzing: 10,000 random JSON objects per kind never panic.

use serde_json::{Map, Value, json};

use crate::registry::validation_rules::{validate, validate_update};

use crate::testing::Rng;

/// Field names the rules read, so random objects reach deep code paths.
const KEYS: &[&str] = &[
    "metadata",
    "labels",
    "annotations",
    "spec",
    "template",
    "containers",
    "initContainers",
    "name",
    "image",
    "ports",
    "containerPort",
    "hostPort",
    "protocol",
    "env",
    "envFrom",
    "prefix",
    "volumes",
    "volumeMounts",
    "mountPath",
    "emptyDir",
    "hostPath",
    "resources",
    "limits",
    "requests",
    "cpu",
    "memory",
    "restartPolicy",
    "dnsPolicy",
    "selector",
    "matchLabels",
    "matchExpressions",
    "key",
    "operator",
    "values",
    "replicas",
    "strategy",
    "type",
    "rollingUpdate",
    "maxSurge",
    "maxUnavailable",
    "updateStrategy",
    "activeDeadlineSeconds",
    "tolerations",
    "schedulingGates",
    "data",
    "binaryData",
    "stringData",
    "immutable",
    "jobTemplate",
    "schedule",
    "completions",
    "parallelism",
    "completionMode",
    "terminationGracePeriodSeconds",
    "podManagementPolicy",
    "imagePullPolicy",
];

const STRINGS: &[&str] = &[
    "",
    "a",
    "Always",
    "Never",
    "OnFailure",
    "RollingUpdate",
    "Recreate",
    "OnDelete",
    "In",
    "NotIn",
    "Exists",
    "TCP",
    "25%",
    "0%",
    "101%",
    "x%",
    "1Gi",
    "500m",
    "-1",
    "1e3",
    "1.5.5",
    "9999999999999999999999999999Ei",
    "..",
    "a/b/c",
    "Indexed",
    "ClusterFirst",
    "None",
    "kubernetes.io/tls",
    "é\u{0}",
    "1e-99999",
];

fn value(rng: &mut Rng, depth: u32) -> Value {
    let pick = if depth > 5 {
        rng.below(5)
    } else {
        rng.below(8)
    };
    match pick {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => json!(rng.next() as i64 % 100_000 - 50_000),
        3 => json!((rng.next() as i64).wrapping_mul(7)),
        4 => json!(*rng.pick(STRINGS)),
        5 | 6 => {
            let mut m = Map::new();
            for _ in 0..rng.below(6) {
                let k = *rng.pick(KEYS);
                m.insert(k.to_owned(), value(rng, depth + 1));
            }
            Value::Object(m)
        }
        _ => Value::Array((0..rng.below(4)).map(|_| value(rng, depth + 1)).collect()),
    }
}

#[test]
fn random_objects_never_panic() {
    let kinds = [
        ("", "Pod"),
        ("", "PodTemplate"),
        ("", "ConfigMap"),
        ("", "Secret"),
        ("apps", "Deployment"),
        ("apps", "ReplicaSet"),
        ("apps", "StatefulSet"),
        ("apps", "DaemonSet"),
        ("batch", "Job"),
        ("batch", "CronJob"),
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (group, kind) in kinds {
        for _ in 0..10_000 {
            let a = value(&mut rng, 0);
            let b = value(&mut rng, 0);
            let _ = validate(group, kind, &a);
            let _ = validate_update(group, kind, &a, &b);
        }
    }
}
