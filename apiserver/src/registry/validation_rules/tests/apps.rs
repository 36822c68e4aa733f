//! Workload tests (`pkg/apis/apps/validation`).

use serde_json::{Value, json};

use super::{container, msgs};
use crate::registry::validation_rules::{validate, validate_update};

/// A Deployment after apps/v1 defaulting.
fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": 1, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [container("nginx", "nginx")],
                    "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                    "terminationGracePeriodSeconds": 30, "schedulerName": "default-scheduler",
                    "securityContext": {},
                }
            }
        }
    })
}

fn errs(kind: &str, f: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut d = deployment();
    d["kind"] = json!(kind);
    f(&mut d);
    msgs(&validate("apps", kind, &d))
}

#[test]
fn valid_workloads() {
    assert_eq!(errs("Deployment", |_| {}), Vec::<String>::new());
    assert_eq!(errs("ReplicaSet", |_| {}), Vec::<String>::new());
    assert_eq!(
        errs("StatefulSet", |d| {
            d["spec"]["podManagementPolicy"] = json!("OrderedReady");
            d["spec"]["updateStrategy"] =
                json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}});
        }),
        Vec::<String>::new()
    );
    assert_eq!(
        errs("DaemonSet", |d| {
            d["spec"]["updateStrategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}});
        }),
        Vec::<String>::new()
    );
}

#[test]
fn selector_required_and_matching() {
    // ValidateDeploymentSpec + ValidatePodTemplateSpecForReplicaSet (nil selector = Nothing).
    let e = errs("Deployment", |d| {
        d["spec"]
            .as_object_mut()
            .unwrap()
            .remove("selector")
            .map(drop)
            .unwrap_or(())
    });
    assert_eq!(
        e,
        [
            "spec.selector: Required value",
            "spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`",
        ]
    );
    let e = errs("ReplicaSet", |d| {
        d["spec"]["selector"] = json!({"matchLabels": {"app": "db"}})
    });
    assert_eq!(
        e,
        [
            "spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`"
        ]
    );
    let e = errs("Deployment", |d| d["spec"]["selector"] = json!({}));
    assert_eq!(
        e,
        ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]
    );
    let e = errs("Deployment", |d| {
        d["spec"]["selector"] =
            json!({"matchExpressions": [{"key": "app", "operator": "Within", "values": ["web"]}]});
    });
    assert_eq!(
        e,
        [
            "spec.selector.matchExpressions[0].operator: Invalid value: \"Within\": not a valid selector operator",
            "spec.selector: Invalid value: {\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"Within\",\"values\":[\"web\"]}]}: invalid label selector",
        ]
    );
}

#[test]
fn replicas_history_and_restart_policy() {
    // ValidateNonnegativeField; template restartPolicy must be Always.
    let e = errs("Deployment", |d| {
        d["spec"]["replicas"] = json!(-1);
        d["spec"]["revisionHistoryLimit"] = json!(-2);
        d["spec"]["template"]["spec"]["restartPolicy"] = json!("Never");
    });
    assert_eq!(
        e,
        [
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
            "spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0",
        ]
    );
}

#[test]
fn deployment_strategy() {
    // ValidateRollingUpdateDeployment and ValidateDeploymentStrategy.
    let e = errs("Deployment", |d| {
        d["spec"]["strategy"]["rollingUpdate"] = json!({"maxSurge": 0, "maxUnavailable": "0%"});
    });
    assert_eq!(
        e,
        [
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"0%\": may not be 0 when `maxSurge` is 0"
        ]
    );
    let e = errs("Deployment", |d| {
        d["spec"]["strategy"]["rollingUpdate"] = json!({"maxSurge": "x", "maxUnavailable": "120%"});
    });
    assert_eq!(
        e,
        [
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"x\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"120%\": must not be greater than 100%",
        ]
    );
    let e = errs("Deployment", |d| {
        d["spec"]["strategy"] = json!({"type": "BlueGreen"})
    });
    assert_eq!(
        e,
        [
            "spec.strategy: Unsupported value: {\"Type\":\"BlueGreen\",\"RollingUpdate\":null}: supported values: \"Recreate\", \"RollingUpdate\""
        ]
    );
    let e = errs("Deployment", |d| {
        d["spec"]["strategy"]["type"] = json!("Recreate")
    });
    assert_eq!(
        e,
        [
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"
        ]
    );
}

#[test]
fn template_pod_spec_is_validated() {
    // ValidatePodTemplateSpec: labels at spec.template.labels, pod spec at spec.template.spec.
    let e = errs("Deployment", |d| {
        d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("");
        d["spec"]["template"]["metadata"]["labels"]["bad key"] = json!("v");
    });
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].starts_with("spec.template.labels: Invalid value: \"bad key\": name part"));
    assert_eq!(
        e[1],
        "spec.template.spec.containers[0].image: Required value"
    );
    // An unconvertible selector skips the template entirely, as upstream.
    let e = errs("Deployment", |d| {
        d["spec"]["selector"]["matchLabels"]["bad key"] = json!("v")
    });
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[1].ends_with(": invalid label selector"));
}

#[test]
fn selector_immutable_on_update() {
    // Deployment strategy ValidateUpdate (apps/v1): ValidateImmutableField(spec.selector).
    let old = deployment();
    let mut new = deployment();
    new["spec"]["selector"]["matchLabels"]["tier"] = json!("fe");
    new["spec"]["template"]["metadata"]["labels"]["tier"] = json!("fe");
    let e = msgs(&validate_update("apps", "Deployment", &new, &old));
    assert_eq!(
        e,
        [
            "spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web\",\"tier\":\"fe\"}}: field is immutable"
        ]
    );
    let mut new = deployment();
    new["spec"]["replicas"] = json!(5);
    assert!(validate_update("apps", "Deployment", &new, &old).is_empty());
}

#[test]
fn stateful_set_rules() {
    // ValidateStatefulSetSpec and ValidateStatefulSetUpdate.
    let base = |d: &mut Value| {
        d["spec"]["podManagementPolicy"] = json!("OrderedReady");
        d["spec"]["updateStrategy"] = json!({"type": "RollingUpdate"});
        d["spec"]["serviceName"] = json!("web");
    };
    let e = errs("StatefulSet", |d| {
        base(d);
        d["spec"]["podManagementPolicy"] = json!("Fast");
        d["spec"]["template"]["spec"]["restartPolicy"] = json!("OnFailure");
    });
    assert_eq!(
        e,
        [
            "spec.podManagementPolicy: Invalid value: \"Fast\": must be 'OrderedReady' or 'Parallel'",
            "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"",
        ]
    );
    let mut old = deployment();
    old["kind"] = json!("StatefulSet");
    base(&mut old);
    let mut new = old.clone();
    new["spec"]["serviceName"] = json!("other");
    new["spec"]["replicas"] = json!(3);
    let e = msgs(&validate_update("apps", "StatefulSet", &new, &old));
    assert_eq!(
        e,
        [
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
        ]
    );
}

#[test]
fn daemon_set_rules() {
    // ValidateDaemonSetSpec / ValidateRollingUpdateDaemonSet.
    let e = errs("DaemonSet", |d| {
        d["spec"]["updateStrategy"] =
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}});
    });
    assert_eq!(
        e,
        [
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"
        ]
    );
    let e = errs("DaemonSet", |d| {
        d["spec"]["updateStrategy"] =
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}});
    });
    assert_eq!(
        e,
        [
            "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero"
        ]
    );
}
