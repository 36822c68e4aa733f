//! Defaults of the smaller groups.

use serde_json::json;

use super::{apply_defaults, check};

/// pkg/apis/networking/v1: SetDefaults_NetworkPolicy, SetDefaults_NetworkPolicyPort,
/// SetDefaults_IngressClass; Ingress has none.
#[test]
fn networking() {
    check(
        "networking.k8s.io",
        "NetworkPolicy",
        json!({"spec": {"podSelector": {}, "ingress": [{"ports": [{"port": 80}]}]}}),
        json!({"spec": {"podSelector": {}, "ingress": [{"ports": [{"port": 80, "protocol": "TCP"}]}],
               "policyTypes": ["Ingress"]}}),
    );
    check(
        "networking.k8s.io",
        "NetworkPolicy",
        json!({"spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53, "protocol": "UDP"}]}]}}),
        json!({"spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53, "protocol": "UDP"}]}],
               "policyTypes": ["Ingress", "Egress"]}}),
    );
    check(
        "networking.k8s.io",
        "IngressClass",
        json!({"spec": {"controller": "x/y", "parameters": {"kind": "P", "name": "p"}}}),
        json!({"spec": {"controller": "x/y", "parameters": {"kind": "P", "name": "p", "scope": "Cluster"}}}),
    );
    let ing = json!({"spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix",
        "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}});
    check("networking.k8s.io", "Ingress", ing.clone(), ing);
}

/// pkg/apis/rbac/v1: SetDefaults_RoleBinding and SetDefaults_Subject
/// (`kubectl create rolebinding rb --clusterrole=view --user=alice --serviceaccount=ns:sa`).
#[test]
fn rbac() {
    check(
        "rbac.authorization.k8s.io",
        "RoleBinding",
        json!({"roleRef": {"kind": "ClusterRole", "name": "view"}, "subjects": [
            {"kind": "User", "name": "alice"}, {"kind": "ServiceAccount", "name": "sa", "namespace": "ns"},
            {"kind": "Group", "name": "devs", "apiGroup": "custom"}]}),
        json!({"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}, "subjects": [
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "alice"},
            {"kind": "ServiceAccount", "name": "sa", "namespace": "ns"},
            {"kind": "Group", "name": "devs", "apiGroup": "custom"}]}),
    );
    check(
        "rbac.authorization.k8s.io",
        "ClusterRoleBinding",
        json!({"roleRef": {"kind": "ClusterRole", "name": "admin"}}),
        json!({"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"}}),
    );
}

/// pkg/apis/storage/v1: SetDefaults_StorageClass, SetDefaults_CSIDriver.
#[test]
fn storage() {
    check(
        "storage.k8s.io",
        "StorageClass",
        json!({"provisioner": "x"}),
        json!({"provisioner": "x", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"}),
    );
    check(
        "storage.k8s.io",
        "CSIDriver",
        json!({"spec": {}}),
        json!({"spec": {"attachRequired": true, "fsGroupPolicy": "ReadWriteOnceWithFSType",
               "podInfoOnMount": false, "requiresRepublish": false, "seLinuxMount": false,
               "storageCapacity": false, "volumeLifecycleModes": ["Persistent"]}}),
    );
    check(
        "storage.k8s.io",
        "VolumeAttachment",
        json!({"spec": {"attacher": "a", "nodeName": "n", "source": {"inlineVolumeSpec": {"hostPath": {"path": "/x"}}}}}),
        json!({"spec": {"attacher": "a", "nodeName": "n", "source": {"inlineVolumeSpec": {"hostPath": {"path": "/x", "type": ""}}}}}),
    );
}

/// pkg/apis/scheduling/v1 SetDefaults_PriorityClass; pkg/apis/discovery/v1
/// SetDefaults_EndpointPort; policy and coordination have no defaults.
#[test]
fn scheduling_discovery_policy_coordination() {
    check(
        "scheduling.k8s.io",
        "PriorityClass",
        json!({"value": 1000}),
        json!({"value": 1000, "preemptionPolicy": "PreemptLowerPriority"}),
    );
    check(
        "discovery.k8s.io",
        "EndpointSlice",
        json!({"addressType": "IPv4", "endpoints": [], "ports": [{"port": 80}]}),
        json!({"addressType": "IPv4", "endpoints": [], "ports": [{"name": "", "port": 80, "protocol": "TCP"}]}),
    );
    let pdb = json!({"spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "x"}}}});
    check("policy", "PodDisruptionBudget", pdb.clone(), pdb);
    let lease = json!({"spec": {"holderIdentity": "x"}});
    check("coordination.k8s.io", "Lease", lease.clone(), lease);
}

/// pkg/apis/autoscaling/v2 SetDefaults_HorizontalPodAutoscaler(+Behavior) and v1.
#[test]
fn autoscaling() {
    // kubectl autoscale deployment web --max=5 (sent as autoscaling/v2 by newer kubectl).
    check(
        "autoscaling",
        "HorizontalPodAutoscaler",
        json!({"apiVersion": "autoscaling/v2", "spec": {"maxReplicas": 5,
               "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}}}),
        json!({"apiVersion": "autoscaling/v2", "spec": {"maxReplicas": 5, "minReplicas": 1,
               "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                   "target": {"type": "Utilization", "averageUtilization": 80}}}],
               "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}}}),
    );
    let mut got = json!({"spec": {"maxReplicas": 5, "metrics": [{"type": "Pods"}],
        "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}});
    apply_defaults("autoscaling", "HorizontalPodAutoscaler", &mut got);
    assert_eq!(got["spec"]["metrics"], json!([{"type": "Pods"}]));
    assert_eq!(
        got["spec"]["behavior"],
        json!({
            "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
                {"type": "Pods", "value": 4, "periodSeconds": 15},
                {"type": "Percent", "value": 100, "periodSeconds": 15}]},
            "scaleDown": {"stabilizationWindowSeconds": 60, "selectPolicy": "Max", "policies": [
                {"type": "Percent", "value": 100, "periodSeconds": 15}]}
        })
    );
    check(
        "autoscaling",
        "HorizontalPodAutoscaler",
        json!({"apiVersion": "autoscaling/v1", "spec": {"maxReplicas": 3}}),
        json!({"apiVersion": "autoscaling/v1", "spec": {"maxReplicas": 3, "minReplicas": 1}}),
    );
}

/// Never overwrite present values, never touch wrong types, ignore unknown groups.
#[test]
fn wrong_types_and_unknown_kinds_are_left_alone() {
    let odd = json!({"spec": {"replicas": "three", "strategy": 5, "template": {"spec": {
        "containers": [{"name": "c", "image": 42, "ports": "80"}], "dnsPolicy": 1, "volumes": {}}}}});
    let mut got = odd.clone();
    apply_defaults("apps", "Deployment", &mut got);
    assert_eq!(got["spec"]["replicas"], json!("three"));
    assert_eq!(got["spec"]["strategy"], json!(5));
    assert_eq!(got["spec"]["template"]["spec"]["dnsPolicy"], json!(1));
    assert_eq!(
        got["spec"]["template"]["spec"]["containers"][0].get("imagePullPolicy"),
        None
    );
    assert_eq!(got["spec"]["template"]["spec"]["volumes"], json!({}));
    let mut same = odd.clone();
    apply_defaults("example.com", "Widget", &mut same);
    assert_eq!(same, odd);
    let mut s = json!("not an object");
    apply_defaults("", "Pod", &mut s);
    assert_eq!(s, json!("not an object"));
}
