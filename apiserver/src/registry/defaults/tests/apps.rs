//! `apps/v1` defaults (pkg/apis/apps/v1/defaults.go).

use serde_json::json;

use super::{apply_defaults, check, template_spec};

/// `kubectl create deployment web --image=nginx`: SetDefaults_Deployment + SetDefaults_PodSpec
/// + SetDefaults_Container.
#[test]
fn deployment_from_kubectl_create() {
    let input = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {}}]}
            }
        },
        "status": {}
    });
    let expected = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": 1,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                "type": "RollingUpdate"
            },
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": template_spec("nginx", "Always")
            }
        },
        "status": {}
    });
    check("apps", "Deployment", input, expected);
}

/// SetDefaults_Deployment: replicas 1 when absent, Recreate gets no rollingUpdate, set
/// values are kept.
#[test]
fn deployment_recreate_and_explicit_values() {
    let input = json!({
        "spec": {
            "strategy": {"type": "Recreate"},
            "revisionHistoryLimit": 2,
            "template": {"spec": {"containers": [
                {"name": "nginx", "image": "nginx:1.27", "imagePullPolicy": "Never"}
            ]}}
        }
    });
    let mut spec = template_spec("nginx:1.27", "Never");
    spec["containers"][0]
        .as_object_mut()
        .map(|c| c.remove("resources"));
    let expected = json!({
        "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": 1,
            "revisionHistoryLimit": 2,
            "strategy": {"type": "Recreate"},
            "template": {"spec": spec}
        }
    });
    check("apps", "Deployment", input, expected);
}

/// SetDefaults_StatefulSet with a claim template (SetDefaults_PersistentVolumeClaim and
/// SetDefaults_PersistentVolumeClaimSpec via zz_generated.defaults.go).
#[test]
fn statefulset_with_claim_template() {
    let input = json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "template": {
                "metadata": {"labels": {"app": "db"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
            }]
        }
    });
    let mut spec = template_spec("nginx:1.27", "IfNotPresent");
    spec["containers"][0]
        .as_object_mut()
        .map(|c| c.remove("resources"));
    let expected = json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
            "podManagementPolicy": "OrderedReady",
            "replicas": 1,
            "revisionHistoryLimit": 10,
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": spec},
            "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
            "volumeClaimTemplates": [{
                "metadata": {"name": "data"},
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "1Gi"}},
                    "volumeMode": "Filesystem"
                },
                "status": {"phase": "Pending"}
            }]
        }
    });
    check("apps", "StatefulSet", input, expected);
}

/// SetDefaults_StatefulSet: an explicit RollingUpdate type without rollingUpdate gets no
/// partition; OnDelete gets nothing.
#[test]
fn statefulset_explicit_strategy() {
    let mut got = json!({"spec": {"updateStrategy": {"type": "RollingUpdate"}}});
    apply_defaults("apps", "StatefulSet", &mut got);
    assert_eq!(
        got["spec"]["updateStrategy"],
        json!({"type": "RollingUpdate"})
    );
    let mut got = json!({"spec": {"updateStrategy": {"type": "OnDelete"}}});
    apply_defaults("apps", "StatefulSet", &mut got);
    assert_eq!(got["spec"]["updateStrategy"], json!({"type": "OnDelete"}));
}

/// SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0.
#[test]
fn daemonset_defaults() {
    let input = json!({"spec": {
        "selector": {"matchLabels": {"app": "agent"}},
        "template": {"metadata": {"labels": {"app": "agent"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {}}]}}
    }});
    let expected = json!({"spec": {
        "revisionHistoryLimit": 10,
        "selector": {"matchLabels": {"app": "agent"}},
        "template": {"metadata": {"labels": {"app": "agent"}}, "spec": template_spec("nginx", "Always")},
        "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"}
    }});
    check("apps", "DaemonSet", input, expected);
}

/// SetDefaults_ReplicaSet: replicas 1, plus the template defaults.
#[test]
fn replicaset_defaults() {
    let input = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "nginx", "image": "nginx", "resources": {}}
    ]}}}});
    let expected =
        json!({"spec": {"replicas": 1, "template": {"spec": template_spec("nginx", "Always")}}});
    check("apps", "ReplicaSet", input, expected);
}

/// Kinds without defaults are untouched (no `spec` is invented for a ControllerRevision).
#[test]
fn controller_revision_untouched() {
    let rev = json!({"metadata": {"name": "r"}, "revision": 1, "data": {}});
    check("apps", "ControllerRevision", rev.clone(), rev);
}
