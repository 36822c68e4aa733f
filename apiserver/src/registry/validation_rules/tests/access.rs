//! RBAC, PodDisruptionBudget, PriorityClass, Lease, HorizontalPodAutoscaler and Event tests.

use serde_json::{Value, json};

use super::msgs;
use crate::registry::defaults::apply_defaults;
use crate::registry::validation_rules::{validate, validate_update};

const RBAC: &str = "rbac.authorization.k8s.io";

fn defaulted(group: &str, kind: &str, mut o: Value) -> Value {
    apply_defaults(group, kind, &mut o);
    o
}

fn errs(group: &str, kind: &str, o: Value) -> Vec<String> {
    msgs(&validate(group, kind, &defaulted(group, kind, o)))
}

/// What `kubectl create rolebinding admin --clusterrole=admin --user=alice
/// --serviceaccount=default:bot` sends.
fn binding() -> Value {
    json!({"metadata": {"name": "admin", "namespace": "default"},
        "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": "admin"},
        "subjects": [{"apiGroup": RBAC, "kind": "User", "name": "alice"},
                     {"kind": "ServiceAccount", "name": "bot", "namespace": "default"}]})
}

#[test]
fn rbac_roles() {
    // What `kubectl create role reader --verb=get --resource=pods` sends.
    let role = json!({"metadata": {"name": "reader"}, "rules": [{"apiGroups": [""],
        "resources": ["pods"], "verbs": ["get"]}]});
    assert_eq!(errs(RBAC, "Role", role), Vec::<String>::new());
    let role = json!({"rules": [{"resources": ["pods", "secrets"], "resourceNames": ["a"]},
        {"nonResourceURLs": ["/healthz"], "verbs": ["get"], "apiGroups": [""]}]});
    assert_eq!(
        errs(RBAC, "Role", role),
        [
            "rules[0].verbs: Required value: verbs must contain at least one value",
            "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
            "rules[0].resourceNames: Required value: resource names cannot apply to multiple resources",
            "rules[1].nonResourceURLs: Invalid value: [\"/healthz\"]: namespaced rules cannot apply to non-resource URLs",
            "rules[1].nonResourceURLs: Invalid value: [\"/healthz\"]: rules cannot apply to both regular resources and non-resource URLs",
        ]
    );
    let cr = json!({"rules": [{"nonResourceURLs": ["/metrics"], "verbs": ["get"]}],
        "aggregationRule": {"clusterRoleSelectors": []}});
    assert_eq!(
        errs(RBAC, "ClusterRole", cr),
        [
            "aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil"
        ]
    );
}

#[test]
fn rbac_bindings() {
    assert_eq!(errs(RBAC, "RoleBinding", binding()), Vec::<String>::new());
    let mut b = binding();
    b["roleRef"] = json!({"apiGroup": "example.com", "kind": "Policy", "name": "a/b"});
    b["subjects"] = json!([{"kind": "Robot", "name": "r"}, {"kind": "ServiceAccount",
        "name": "Bot", "apiGroup": "x"}]);
    assert_eq!(
        errs(RBAC, "RoleBinding", b),
        [
            "roleRef.apiGroup: Unsupported value: \"example.com\": supported values: \"rbac.authorization.k8s.io\"",
            "roleRef.kind: Unsupported value: \"Policy\": supported values: \"Role\", \"ClusterRole\"",
            "roleRef.name: Invalid value: \"a/b\": may not contain '/'",
            "subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\"",
            "subjects[1].name: Invalid value: \"Bot\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            "subjects[1].apiGroup: Unsupported value: \"x\": supported values: \"\"",
        ]
    );
    let mut crb = binding();
    crb["roleRef"]["kind"] = json!("Role");
    crb["subjects"][1]
        .as_object_mut()
        .unwrap()
        .remove("namespace");
    assert_eq!(
        errs(RBAC, "ClusterRoleBinding", crb),
        [
            "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"",
            "subjects[1].namespace: Required value",
        ]
    );
    // roleRef is immutable.
    let old = defaulted(RBAC, "RoleBinding", binding());
    let mut new = old.clone();
    new["roleRef"]["name"] = json!("edit");
    assert_eq!(
        msgs(&validate_update(RBAC, "RoleBinding", &new, &old)),
        [
            "roleRef: Invalid value: {\"APIGroup\":\"rbac.authorization.k8s.io\",\"Kind\":\"ClusterRole\",\"Name\":\"edit\"}: cannot change roleRef"
        ]
    );
}

#[test]
fn pod_disruption_budgets() {
    // What `kubectl create pdb web --selector=app=web --min-available=50%` sends.
    let pdb = json!({"spec": {"minAvailable": "50%", "selector": {"matchLabels": {"app": "web"}}}});
    assert_eq!(
        errs("policy", "PodDisruptionBudget", pdb),
        Vec::<String>::new()
    );
    let pdb = json!({"spec": {"minAvailable": 1, "maxUnavailable": "150%",
        "selector": {"matchLabels": {"app": "web"}}, "unhealthyPodEvictionPolicy": "Never"}});
    assert_eq!(
        errs("policy", "PodDisruptionBudget", pdb),
        [
            "spec: Invalid value: {\"MinAvailable\":1,\"Selector\":{\"matchLabels\":{\"app\":\"web\"}},\"MaxUnavailable\":\"150%\",\"UnhealthyPodEvictionPolicy\":\"Never\"}: minAvailable and maxUnavailable cannot be both set",
            "spec.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%",
            "spec.unhealthyPodEvictionPolicy: Unsupported value: \"Never\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\"",
        ]
    );
    let pdb = json!({"spec": {"minAvailable": "half", "selector": {}}});
    assert_eq!(
        errs("policy", "PodDisruptionBudget", pdb),
        [
            "spec.minAvailable: Invalid value: \"half\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
        ]
    );
}

#[test]
fn priority_classes() {
    let g = "scheduling.k8s.io";
    let pc = json!({"metadata": {"name": "high"}, "value": 1000, "description": "x"});
    assert_eq!(errs(g, "PriorityClass", pc), Vec::<String>::new());
    let pc = json!({"metadata": {"name": "huge"}, "value": 2_000_000_000i64, "preemptionPolicy": "Sometimes"});
    assert_eq!(
        errs(g, "PriorityClass", pc),
        [
            "value: Forbidden: maximum allowed value of a user defined priority is 1000000000",
            "preemptionPolicy: Unsupported value: \"Sometimes\": supported values: \"Never\", \"PreemptLowerPriority\"",
        ]
    );
    let pc = json!({"metadata": {"name": "system-mine"}, "value": 5});
    assert_eq!(
        errs(g, "PriorityClass", pc),
        [
            "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"
        ]
    );
    let old = defaulted(
        g,
        "PriorityClass",
        json!({"metadata": {"name": "a"}, "value": 1}),
    );
    let mut new = old.clone();
    new["value"] = json!(2);
    new["preemptionPolicy"] = json!("Never");
    assert_eq!(
        msgs(&validate_update(g, "PriorityClass", &new, &old)),
        [
            "value: Forbidden: may not be changed in an update.",
            "preemptionPolicy: Invalid value: \"Never\": field is immutable",
        ]
    );
}

#[test]
fn leases() {
    let g = "coordination.k8s.io";
    let lease = json!({"spec": {"holderIdentity": "a", "leaseDurationSeconds": 15,
        "acquireTime": "2024-01-01T00:00:00.000000Z", "leaseTransitions": 0}});
    assert_eq!(errs(g, "Lease", lease), Vec::<String>::new());
    let lease = json!({"spec": {"leaseDurationSeconds": 0, "leaseTransitions": -1,
        "strategy": "Newest", "preferredHolder": "b"}});
    assert_eq!(
        errs(g, "Lease", lease),
        [
            "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
            "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
            "spec.strategy.strategy: Unsupported value: \"Newest\": supported values: \"OldestEmulationVersion\"",
        ]
    );
    assert_eq!(
        errs(g, "Lease", json!({"spec": {"preferredHolder": "b"}})),
        ["spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined"]
    );
}

#[test]
fn horizontal_pod_autoscalers() {
    let g = "autoscaling";
    // What `kubectl autoscale deployment web --max=5 --cpu-percent=70` sends (v1 or v2).
    let v2 = json!({"apiVersion": "autoscaling/v2", "spec": {"maxReplicas": 5,
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "metrics": [{"type": "Resource", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": 70}}}]}});
    assert_eq!(errs(g, "HorizontalPodAutoscaler", v2), Vec::<String>::new());
    let v1 = json!({"apiVersion": "autoscaling/v1", "spec": {"maxReplicas": 5,
        "scaleTargetRef": {"kind": "Deployment", "name": "web"},
        "targetCPUUtilizationPercentage": 70}});
    assert_eq!(errs(g, "HorizontalPodAutoscaler", v1), Vec::<String>::new());
    let bad = json!({"apiVersion": "autoscaling/v2", "spec": {"minReplicas": 3, "maxReplicas": 2,
        "scaleTargetRef": {"kind": "Deployment"},
        "metrics": [{"type": "Pods", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": 0}}}]}});
    assert_eq!(
        errs(g, "HorizontalPodAutoscaler", bad),
        [
            "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
            "spec.scaleTargetRef.name: Required value",
            "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
            "spec.metrics[0].pods: Required value: must populate information for the given metric source",
        ]
    );
}

#[test]
fn core_events() {
    // What client-go's legacy event recorder writes.
    let event = json!({"metadata": {"name": "web.1", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "namespace": "default", "name": "web"},
        "reason": "Started", "message": "Started container", "type": "Normal",
        "source": {"component": "kubelet"}, "count": 1, "eventTime": null});
    assert_eq!(errs("", "Event", event.clone()), Vec::<String>::new());
    let mut other = event;
    other["involvedObject"]["namespace"] = json!("kube-system");
    assert_eq!(
        errs("", "Event", other),
        [
            "involvedObject.namespace: Invalid value: \"kube-system\": does not match event.namespace"
        ]
    );
}
