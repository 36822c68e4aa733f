//! Node, Namespace, Endpoints, EndpointSlice, PV, PVC, StorageClass, LimitRange and
//! ResourceQuota tests.

use serde_json::{Value, json};

use super::msgs;
use crate::registry::defaults::apply_defaults;
use crate::registry::validation_rules::{validate, validate_update};

fn defaulted(group: &str, kind: &str, mut o: Value) -> Value {
    apply_defaults(group, kind, &mut o);
    o
}

fn errs(group: &str, kind: &str, o: Value) -> Vec<String> {
    msgs(&validate(group, kind, &defaulted(group, kind, o)))
}

#[test]
fn nodes() {
    let node = json!({"metadata": {"name": "n1"}, "spec": {"podCIDR": "10.244.0.0/24",
        "podCIDRs": ["10.244.0.0/24", "fd00::/64"],
        "taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]},
        "status": {"capacity": {"cpu": "2", "pods": "110"}}});
    assert_eq!(errs("", "Node", node.clone()), Vec::<String>::new());
    let bad = json!({"spec": {"podCIDRs": ["10.0.0.0/24", "10.1.0.0/24"], "taints": [
        {"key": "a", "effect": "Sometimes"}, {"key": "b", "value": "-x", "effect": "NoSchedule"},
        {"key": "b", "value": "y", "effect": "NoSchedule"}]}});
    assert_eq!(
        errs("", "Node", bad),
        [
            "metadata.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
            "metadata.taints[1].value: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            "metadata.taints[2]: Duplicate value: {\"Key\":\"b\",\"Value\":\"y\",\"Effect\":\"NoSchedule\",\"TimeAdded\":null}: taints must be unique by key and effect pair",
            "spec.podCIDRs: Invalid value: [\"10.0.0.0/24\",\"10.1.0.0/24\"]: may specify no more than one CIDR for each IP family",
        ]
    );
    let old = defaulted("", "Node", node);
    let mut new = old.clone();
    new["spec"]["podCIDRs"] = json!(["10.245.0.0/24", "fd00::/64"]);
    new["spec"]["podCIDR"] = json!("10.245.0.0/24");
    assert_eq!(
        msgs(&validate_update("", "Node", &new, &old)),
        ["spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid"]
    );
}

#[test]
fn namespaces() {
    let ns = json!({"metadata": {"name": "team-a"}, "spec": {"finalizers": ["kubernetes"]}});
    assert_eq!(errs("", "Namespace", ns), Vec::<String>::new());
    let ns =
        json!({"metadata": {"name": "a"}, "spec": {"finalizers": ["custom", "example.com/x"]}});
    assert_eq!(
        errs("", "Namespace", ns),
        [
            "spec.finalizers: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified"
        ]
    );
}

#[test]
fn endpoints_and_slices() {
    let ep = json!({"subsets": [{"addresses": [{"ip": "10.244.0.5", "nodeName": "n1"}],
        "ports": [{"port": 80}]}]});
    assert_eq!(errs("", "Endpoints", ep), Vec::<String>::new());
    let ep = json!({"subsets": [{"ports": [{"port": 0, "name": "a"}, {"port": 1}]},
        {"addresses": [{"ip": "127.0.0.1"}, {"ip": "x"}]}]});
    assert_eq!(
        errs("", "Endpoints", ep),
        [
            "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`",
            "subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "subsets[0].ports[1].name: Required value",
            "subsets[1].addresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
            "subsets[1].addresses[1].ip: Invalid value: \"x\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            "subsets[1].addresses[1].ip: Invalid value: \"x\": must be a valid IP address",
        ]
    );
    let g = "discovery.k8s.io";
    let slice = json!({"addressType": "IPv4", "endpoints": [{"addresses": ["10.244.0.5"],
        "conditions": {"ready": true}, "nodeName": "n1"}], "ports": [{"name": "http", "port": 80}]});
    assert_eq!(
        errs(g, "EndpointSlice", slice.clone()),
        Vec::<String>::new()
    );
    let bad = json!({"addressType": "IPv4", "endpoints": [{"addresses": ["fd00::1"]},
        {"addresses": []}], "ports": [{"name": "a", "protocol": "ICMP"}, {"name": "a"}]});
    assert_eq!(
        errs(g, "EndpointSlice", bad),
        [
            "endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be an IPv4 address",
            "endpoints[1].addresses: Required value: must contain at least 1 address",
            "ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "ports[1].name: Duplicate value: \"a\"",
        ]
    );
    let old = defaulted(g, "EndpointSlice", slice);
    let mut new = old.clone();
    new["addressType"] = json!("FQDN");
    assert_eq!(
        msgs(&validate_update(g, "EndpointSlice", &new, &old)),
        ["addressType: Invalid value: \"FQDN\": field is immutable"]
    );
}

/// What a user writes for a hostPath PV (`kubectl apply`), and a PVC for it.
fn pv() -> Value {
    json!({"metadata": {"name": "pv1"}, "spec": {"capacity": {"storage": "1Gi"},
        "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/data"}}})
}

fn pvc() -> Value {
    json!({"metadata": {"name": "data", "namespace": "default"}, "spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})
}

#[test]
fn persistent_volumes() {
    assert_eq!(errs("", "PersistentVolume", pv()), Vec::<String>::new());
    let bad = json!({"spec": {"capacity": {"cpu": "1"}, "accessModes": ["ReadWriteOncePod",
        "ReadWriteOnce", "WriteSometimes"], "nfs": {"server": "s", "path": "/"},
        "hostPath": {"path": "/"}, "persistentVolumeReclaimPolicy": "Keep"}});
    assert_eq!(
        errs("", "PersistentVolume", bad),
        [
            "spec.accessModes: Unsupported value: \"WriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
            "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
            "spec.capacity: Unsupported value: {\"cpu\":\"1\"}: supported values: \"storage\"",
            "spec.persistentVolumeReclaimPolicy: Unsupported value: \"Keep\": supported values: \"Delete\", \"Recycle\", \"Retain\"",
            "spec.nfs: Forbidden: may not specify more than 1 volume type",
        ]
    );
    assert_eq!(
        errs("", "PersistentVolume", json!({"spec": {}})),
        [
            "spec.accessModes: Required value",
            "spec.capacity: Required value",
            "spec.capacity: Unsupported value: null: supported values: \"storage\"",
            "spec: Required value: must specify a volume type",
        ]
    );
    let old = defaulted("", "PersistentVolume", pv());
    let mut new = old.clone();
    new["spec"]["hostPath"]["path"] = json!("/other");
    let e = msgs(&validate_update("", "PersistentVolume", &new, &old));
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n"), "{e:?}");
}

#[test]
fn persistent_volume_claims() {
    assert_eq!(
        errs("", "PersistentVolumeClaim", pvc()),
        Vec::<String>::new()
    );
    let bad = json!({"spec": {"resources": {"requests": {"cpu": "1"}}, "storageClassName": "Fast",
        "dataSource": {"kind": "Snapshot", "name": "s"}}});
    assert_eq!(
        errs("", "PersistentVolumeClaim", bad),
        [
            "spec.accessModes: Required value: at least 1 access mode is required",
            "spec.resources[storage]: Required value",
            "spec.storageClassName: Invalid value: \"Fast\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            "spec.dataSource: Invalid value: \"Snapshot\": must be 'PersistentVolumeClaim' when referencing the default apiGroup",
        ]
    );
    let mut zero = pvc();
    zero["spec"]["resources"]["requests"]["storage"] = json!("0");
    assert_eq!(
        errs("", "PersistentVolumeClaim", zero),
        ["spec.resources[storage]: Invalid value: \"0\": must be greater than zero"]
    );
    // Spec changes other than a bound claim's requests are forbidden; binding sets volumeName.
    let old = defaulted("", "PersistentVolumeClaim", pvc());
    let mut bound = old.clone();
    bound["spec"]["volumeName"] = json!("pv1");
    assert_eq!(
        msgs(&validate_update("", "PersistentVolumeClaim", &bound, &old)),
        Vec::<String>::new()
    );
    let mut new = old.clone();
    new["spec"]["accessModes"] = json!(["ReadWriteMany"]);
    let e = msgs(&validate_update("", "PersistentVolumeClaim", &new, &old));
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n"), "{e:?}");
    let mut old_bound = bound.clone();
    old_bound["status"] = json!({"phase": "Bound", "capacity": {"storage": "2Gi"}});
    let mut bigger = old_bound.clone();
    bigger["spec"]["resources"]["requests"]["storage"] = json!("3Gi");
    assert_eq!(
        msgs(&validate_update(
            "",
            "PersistentVolumeClaim",
            &bigger,
            &old_bound
        )),
        Vec::<String>::new()
    );
    let mut smaller = bigger.clone();
    smaller["spec"]["resources"]["requests"]["storage"] = json!("2Gi");
    assert_eq!(
        msgs(&validate_update(
            "",
            "PersistentVolumeClaim",
            &smaller,
            &bigger
        )),
        ["spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"]
    );
}

#[test]
fn storage_classes() {
    let g = "storage.k8s.io";
    let sc = json!({"metadata": {"name": "fast"}, "provisioner": "kubernetes.io/no-provisioner",
        "volumeBindingMode": "WaitForFirstConsumer"});
    assert_eq!(errs(g, "StorageClass", sc.clone()), Vec::<String>::new());
    let bad = json!({"provisioner": "", "reclaimPolicy": "Recycle", "volumeBindingMode": "Later"});
    assert_eq!(
        errs(g, "StorageClass", bad),
        [
            "provisioner: Required value",
            "reclaimPolicy: Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\"",
            "volumeBindingMode: Unsupported value: \"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\"",
        ]
    );
    let old = defaulted(g, "StorageClass", sc);
    let mut new = old.clone();
    new["parameters"] = json!({"type": "ssd"});
    new["reclaimPolicy"] = json!("Retain");
    new["volumeBindingMode"] = json!("Immediate");
    assert_eq!(
        msgs(&validate_update(g, "StorageClass", &new, &old)),
        [
            "parameters: Forbidden: updates to parameters are forbidden.",
            "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
            "volumeBindingMode: Invalid value: \"Immediate\": field is immutable",
        ]
    );
}

#[test]
fn limit_ranges_and_quotas() {
    let lr = json!({"spec": {"limits": [{"type": "Container", "max": {"cpu": "2"},
        "min": {"cpu": "100m"}, "default": {"cpu": "500m"}}]}});
    assert_eq!(errs("", "LimitRange", lr), Vec::<String>::new());
    let lr = json!({"spec": {"limits": [
        {"type": "Pod", "default": {"cpu": "1"}, "min": {"cpu": "2"}, "max": {"cpu": "1"}},
        {"type": "Pod"}, {"type": "Widget"}, {"type": "PersistentVolumeClaim"}]}});
    assert_eq!(
        errs("", "LimitRange", lr),
        [
            "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
            "spec.limits[0].min[cpu]: Invalid value: \"2\": min value 2 is greater than max value 1",
            "spec.limits[1].type: Duplicate value: \"Pod\"",
            "spec.limits[2].type: Invalid value: \"Widget\": must be a standard limit type or fully qualified",
            "spec.limits[3].limits: Required value: either minimum or maximum storage value is required, but neither was provided",
        ]
    );
    let rq = json!({"spec": {"hard": {"pods": "10", "requests.cpu": "4", "count/deployments.apps": "2"}}});
    assert_eq!(errs("", "ResourceQuota", rq), Vec::<String>::new());
    let rq = json!({"spec": {"hard": {"pods": "1.5", "widgets": "1"},
        "scopes": ["BestEffort", "NotBestEffort"]}});
    assert_eq!(
        errs("", "ResourceQuota", rq),
        [
            "spec.hard[pods]: Invalid value: \"1500m\": must be an integer",
            "spec.hard[widgets]: Invalid value: \"widgets\": must be a standard resource type or fully qualified",
            "spec.hard[widgets]: Invalid value: \"widgets\": must be a standard resource for quota",
            "spec.scopes: Invalid value: [\"BestEffort\",\"NotBestEffort\"]: conflicting scopes",
        ]
    );
}
