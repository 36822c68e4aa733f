//! Service tests (`ValidateService`, `ValidateServiceUpdate`), on objects prepared and
//! defaulted as the registry does before validating.

use serde_json::{Value, json};

use super::msgs;
use crate::registry::core::service::{ServiceRanges, ServiceStrategy};
use crate::registry::defaults::apply_defaults;
use crate::registry::strategy::Strategy;
use crate::registry::validation_rules::{validate, validate_update};

fn strategy() -> ServiceStrategy {
    ServiceStrategy {
        ranges: ServiceRanges::parse("10.96.0.0/12", "30000-32767").unwrap(),
    }
}

/// A Service as the registry validates it on create: prepared and defaulted.
fn created(spec: Value) -> Value {
    let mut svc = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"}, "spec": spec});
    strategy().prepare_for_create(&mut svc);
    apply_defaults("", "Service", &mut svc);
    svc
}

fn errs(spec: Value) -> Vec<String> {
    msgs(&validate("", "Service", &created(spec)))
}

/// What a Service looks like once stored: allocated IP (and node ports).
fn stored(spec: Value) -> Value {
    let mut svc = created(spec);
    if svc["spec"]["type"] != "ExternalName" && svc["spec"]["clusterIP"].is_null() {
        svc["spec"]["clusterIP"] = json!("10.96.0.10");
        svc["spec"]["clusterIPs"] = json!(["10.96.0.10"]);
    }
    svc
}

/// An update as the registry validates it: prepared against `old`, then defaulted.
fn update_errs(old: &Value, f: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut new = old.clone();
    f(&mut new);
    strategy().prepare_for_update(&mut new, old);
    apply_defaults("", "Service", &mut new);
    msgs(&validate_update("", "Service", &new, old))
}

#[test]
fn valid_services_pass() {
    let none = Vec::<String>::new();
    // What `kubectl create service clusterip` and `kubectl expose` send.
    assert_eq!(
        errs(
            json!({"ports": [{"name": "80-80", "port": 80, "protocol": "TCP",
        "targetPort": 80}], "selector": {"app": "web"}, "type": "ClusterIP"})
        ),
        none
    );
    assert_eq!(
        errs(json!({"ports": [{"port": 80}], "selector": {"app": "web"}})),
        none
    );
    assert_eq!(
        errs(json!({"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]})),
        none
    );
    assert_eq!(
        errs(
            json!({"type": "LoadBalancer", "ports": [{"port": 443, "name": "https"},
        {"port": 80, "name": "http", "targetPort": "web"}], "externalTrafficPolicy": "Local"})
        ),
        none
    );
    assert_eq!(
        errs(json!({"type": "ExternalName", "externalName": "db.example.com."})),
        none
    );
    assert_eq!(
        errs(json!({"clusterIP": "None", "selector": {"app": "db"}})),
        none
    );
    assert_eq!(
        errs(json!({"clusterIP": "10.96.0.20", "ports": [
        {"port": 53, "protocol": "UDP", "name": "dns"},
        {"port": 53, "protocol": "TCP", "name": "dns-tcp"}]})),
        none
    );
    assert_eq!(
        errs(
            json!({"ports": [{"port": 80}], "sessionAffinity": "ClientIP",
        "trafficDistribution": "PreferClose"})
        ),
        none
    );
}

#[test]
fn ports() {
    // validateServicePort: names, numbers, protocols, target ports; duplicates.
    let e = errs(json!({"ports": [
        {"name": "http", "port": 80},
        {"name": "http", "port": 0, "protocol": "ICMP", "targetPort": "Web_1"},
        {"port": 80, "targetPort": 70000},
    ]}));
    assert_eq!(
        e,
        [
            "spec.ports[1].name: Duplicate value: \"http\"",
            "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "spec.ports[1].targetPort: Invalid value: \"Web_1\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "spec.ports[2].name: Required value",
            "spec.ports[2].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.ports[2]: Duplicate value: {\"Name\":\"\",\"Protocol\":\"TCP\",\"AppProtocol\":null,\"Port\":80,\"TargetPort\":0,\"NodePort\":0}",
        ]
    );
    assert_eq!(errs(json!({"ports": []})), ["spec.ports: Required value"]);
    assert_eq!(
        errs(json!({"ports": [{"port": 80, "name": "Http"}]})),
        [
            "spec.ports[0].name: Invalid value: \"Http\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        ]
    );
}

#[test]
fn types_and_type_specific_rules() {
    assert_eq!(
        errs(json!({"type": "Magic", "ports": [{"port": 80}]})),
        [
            "spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
        ]
    );
    assert_eq!(
        errs(json!({"type": "ExternalName"})),
        ["spec.externalName: Required value"]
    );
    assert_eq!(
        errs(json!({"type": "ExternalName", "externalName": "Bad_Name"})),
        [
            "spec.externalName: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        ]
    );
    assert_eq!(
        errs(
            json!({"type": "ExternalName", "externalName": "db.example.com", "clusterIP": "10.96.0.5"})
        ),
        ["spec.clusterIPs: Forbidden: may not be set for ExternalName services"]
    );
    assert_eq!(
        errs(json!({"type": "NodePort", "clusterIP": "None", "ports": [{"port": 80}]})),
        [
            "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"
        ]
    );
    assert_eq!(
        errs(json!({"ports": [{"port": 80, "nodePort": 30001}]})),
        ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]
    );
    assert_eq!(
        errs(
            json!({"type": "NodePort", "ports": [{"port": 80, "nodePort": 30001, "name": "a"},
            {"port": 81, "nodePort": 30001, "name": "b"}]})
        ),
        ["spec.ports[1].nodePort: Duplicate value: 30001"]
    );
}

#[test]
fn selector_and_affinity() {
    assert_eq!(
        errs(json!({"ports": [{"port": 80}], "selector": {"app": "-x"}})),
        [
            "spec.selector: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        ]
    );
    assert_eq!(
        errs(json!({"ports": [{"port": 80}], "sessionAffinity": "Sticky"})),
        [
            "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\""
        ]
    );
    assert_eq!(
        errs(
            json!({"ports": [{"port": 80}], "sessionAffinity": "ClientIP",
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 90000}}})
        ),
        [
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must be greater than 0 and less than 86400"
        ]
    );
}

#[test]
fn cluster_ips_and_families() {
    assert_eq!(
        errs(json!({"ports": [{"port": 80}], "clusterIP": "10.96.0.300"})),
        [
            "spec.clusterIPs[0]: Invalid value: \"10.96.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
        ]
    );
    assert_eq!(
        errs(json!({"ports": [{"port": 80}], "clusterIP": "10.96.0.5",
            "clusterIPs": ["10.96.0.6"]})),
        ["spec.clusterIPs: Invalid value: [\"10.96.0.6\"]: first value must match `clusterIP`"]
    );
    assert_eq!(
        errs(json!({"ports": [{"port": 80}], "clusterIP": "10.96.0.5",
            "clusterIPs": ["10.96.0.5", "10.96.0.6"]})),
        [
            "spec.clusterIPs: Invalid value: [\"10.96.0.5\",\"10.96.0.6\"]: may specify no more than one IP for each IP family"
        ]
    );
    let mut svc = created(json!({"ports": [{"port": 80}]}));
    svc["spec"]["ipFamilies"] = json!(["IPv5"]);
    svc["spec"]["ipFamilyPolicy"] = json!("Whatever");
    assert_eq!(
        msgs(&validate("", "Service", &svc)),
        [
            "spec.ipFamilies[0]: Unsupported value: \"IPv5\": supported values: \"IPv4\", \"IPv6\"",
            "spec.ipFamilyPolicy: Unsupported value: \"Whatever\": supported values: \"PreferDualStack\", \"RequireDualStack\", \"SingleStack\"",
        ]
    );
    assert_eq!(
        errs(json!({"ports": [{"port": 80}], "externalIPs": ["127.0.0.1", "1.2.3"]})),
        [
            "spec.externalIPs[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
            "spec.externalIPs[1]: Invalid value: \"1.2.3\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        ]
    );
}

#[test]
fn traffic_policies_and_load_balancer_fields() {
    assert_eq!(
        errs(json!({"ports": [{"port": 80}], "externalTrafficPolicy": "Local"})),
        [
            "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services"
        ]
    );
    assert_eq!(
        errs(
            json!({"type": "NodePort", "ports": [{"port": 80}], "externalTrafficPolicy": "Nearby"})
        ),
        [
            "spec.externalTrafficPolicy: Unsupported value: \"Nearby\": supported values: \"Cluster\", \"Local\""
        ]
    );
    assert_eq!(
        errs(json!({"type": "NodePort", "ports": [{"port": 80}], "healthCheckNodePort": 30000})),
        [
            "spec.healthCheckNodePort: Invalid value: 30000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"
        ]
    );
    assert_eq!(
        errs(
            json!({"ports": [{"port": 80}], "internalTrafficPolicy": "Nearby",
            "trafficDistribution": "Anywhere"})
        ),
        [
            "spec.internalTrafficPolicy: Unsupported value: \"Nearby\": supported values: \"Cluster\", \"Local\"",
            "spec.trafficDistribution: Unsupported value: \"Anywhere\": supported values: \"PreferClose\", \"PreferSameZone\", \"PreferSameNode\"",
        ]
    );
    assert_eq!(
        errs(
            json!({"ports": [{"port": 80}], "loadBalancerSourceRanges": ["10.0.0.0/8", "x"],
            "loadBalancerClass": "example.com/lb", "allocateLoadBalancerNodePorts": false})
        ),
        [
            "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
            "spec.LoadBalancerSourceRanges[1]: Invalid value: \"x\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
            "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'",
        ]
    );
}

#[test]
fn cluster_ip_is_immutable_and_updates_keep_allocations() {
    let old = stored(json!({"ports": [{"port": 80}], "selector": {"app": "web"}}));
    // A replace that omits the allocated values keeps them (patchAllocatedValues).
    let e = update_errs(&old, |s| {
        let spec = s["spec"].as_object_mut().unwrap();
        for k in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
            spec.remove(k);
        }
    });
    assert_eq!(e, Vec::<String>::new());
    // An old client changes only the singular field (NormalizeClusterIPs).
    let e = update_errs(&old, |s| s["spec"]["clusterIP"] = json!("10.96.0.11"));
    assert_eq!(
        e,
        ["spec.clusterIPs[0]: Invalid value: [\"10.96.0.11\"]: may not change once set"]
    );
    // Switching to ExternalName drops what the old type needed.
    let e = update_errs(&old, |s| {
        s["spec"]["type"] = json!("ExternalName");
        s["spec"]["externalName"] = json!("example.com");
    });
    assert_eq!(e, Vec::<String>::new());
    // NodePort -> ClusterIP with the allocated node ports left in place.
    let old = stored(json!({"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}));
    let e = update_errs(&old, |s| s["spec"]["type"] = json!("ClusterIP"));
    assert_eq!(e, Vec::<String>::new());
}

#[test]
fn update_rules_come_first() {
    let old = stored(json!({"type": "LoadBalancer", "ports": [{"port": 80}],
        "loadBalancerClass": "example.com/a"}));
    let e = update_errs(&old, |s| {
        s["spec"]["loadBalancerClass"] = json!("example.com/b");
        s["spec"]["sessionAffinity"] = json!("Sticky");
    });
    assert_eq!(
        e,
        [
            "spec.loadBalancerClass: Invalid value: \"example.com/b\": may not change once set",
            "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"",
        ]
    );
}
