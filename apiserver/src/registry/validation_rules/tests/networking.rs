//! Ingress, IngressClass and NetworkPolicy tests (`pkg/apis/networking/validation`).

use serde_json::{Value, json};

use super::msgs;
use crate::registry::defaults::apply_defaults;
use crate::registry::validation_rules::{validate, validate_update};

const GROUP: &str = "networking.k8s.io";

fn obj(kind: &str, spec: Value) -> Value {
    let mut o = json!({"apiVersion": "networking.k8s.io/v1", "kind": kind,
        "metadata": {"name": "x", "namespace": "default"}, "spec": spec});
    apply_defaults(GROUP, kind, &mut o);
    o
}

fn errs(kind: &str, spec: Value) -> Vec<String> {
    msgs(&validate(GROUP, kind, &obj(kind, spec)))
}

/// What `kubectl create ingress web --rule="example.com/*=web:80"` sends.
fn ingress() -> Value {
    json!({"rules": [{"host": "example.com", "http": {"paths": [{"path": "/",
        "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]})
}

#[test]
fn valid_objects_pass() {
    let none = Vec::<String>::new();
    assert_eq!(errs("Ingress", ingress()), none);
    assert_eq!(
        errs(
            "Ingress",
            json!({"ingressClassName": "nginx", "defaultBackend":
            {"service": {"name": "web", "port": {"name": "http"}}},
            "tls": [{"hosts": ["*.example.com"], "secretName": "tls"}]})
        ),
        none
    );
    assert_eq!(
        errs(
            "IngressClass",
            json!({"controller": "k8s.io/ingress-nginx",
            "parameters": {"kind": "Params", "name": "p", "apiGroup": "example.com"}})
        ),
        none
    );
    assert_eq!(
        errs(
            "NetworkPolicy",
            json!({"podSelector": {"matchLabels": {"app": "db"}},
            "ingress": [{"from": [{"podSelector": {}}, {"ipBlock": {"cidr": "10.0.0.0/8",
            "except": ["10.1.0.0/16"]}}], "ports": [{"port": 5432}, {"port": "metrics"}]}],
            "egress": [{"to": [{"namespaceSelector": {}}], "ports": [{"port": 53, "endPort": 60,
            "protocol": "UDP"}]}]})
        ),
        none
    );
}

#[test]
fn ingress_rules() {
    assert_eq!(
        errs("Ingress", json!({})),
        ["spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"]
    );
    let mut bad = ingress();
    bad["rules"][0]["host"] = json!("10.0.0.1");
    bad["rules"][0]["http"]["paths"][0]["path"] = json!("foo//bar");
    bad["rules"][0]["http"]["paths"][0]["backend"]["service"] = json!({"name": "Web", "port": {}});
    assert_eq!(
        errs("Ingress", bad),
        [
            "spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address",
            "spec.rules[0].http.paths[0].path: Invalid value: \"foo//bar\": must be an absolute path",
            "spec.rules[0].http.paths[0].path: Invalid value: \"foo//bar\": must not contain '//'",
            "spec.rules[0].http.paths[0].backend.service.name: Invalid value: \"Web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            "spec.rules[0].http.paths[0].backend: Required value: port name or number is required",
        ]
    );
    let mut bad = ingress();
    bad["rules"][0]["http"]["paths"][0]["pathType"] = json!("Regex");
    bad["rules"][0]["http"]["paths"][0]["backend"] = json!({});
    assert_eq!(
        errs("Ingress", bad),
        [
            "spec.rules[0].http.paths[0].pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"",
            "spec.rules[0].http.paths[0].backend: Invalid value: \"\": resource or service backend is required",
        ]
    );
    let mut bad = ingress();
    bad["rules"][0]["http"]["paths"][0]
        .as_object_mut()
        .unwrap()
        .remove("pathType");
    assert_eq!(
        errs("Ingress", bad),
        ["spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"]
    );
    let mut o = obj("Ingress", ingress());
    o["metadata"]["annotations"] = json!({"kubernetes.io/ingress.class": "a"});
    o["spec"]["ingressClassName"] = json!("b");
    assert_eq!(
        msgs(&validate(GROUP, "Ingress", &o)),
        [
            "annotations.kubernetes.io/ingress.class: Invalid value: \"a\": must match `ingressClassName` when both are specified"
        ]
    );
    // ValidateIngressUpdate does not compare the annotation with the class.
    assert!(validate_update(GROUP, "Ingress", &o, &o).is_empty());
}

#[test]
fn ingress_class_rules() {
    assert_eq!(
        errs("IngressClass", json!({"controller": "nginx"})),
        [
            "spec.controller: Invalid value: \"nginx\": must be a domain-prefixed path (such as \"acme.io/foo\")"
        ]
    );
    assert_eq!(
        errs(
            "IngressClass",
            json!({"controller": "k8s.io/x", "parameters":
            {"kind": "P", "name": "p", "scope": "Namespace"}})
        ),
        ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"]
    );
    let old = obj("IngressClass", json!({"controller": "k8s.io/a"}));
    let new = obj("IngressClass", json!({"controller": "k8s.io/b"}));
    assert_eq!(
        msgs(&validate_update(GROUP, "IngressClass", &new, &old)),
        ["spec.controller: Invalid value: \"k8s.io/b\": field is immutable"]
    );
}

#[test]
fn network_policy_rules() {
    assert_eq!(
        errs(
            "NetworkPolicy",
            json!({"podSelector": {}, "ingress": [{
            "ports": [{"port": 70000, "protocol": "ICMP"}, {"port": "http", "endPort": 90},
                      {"port": 100, "endPort": 90}],
            "from": [{}, {"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.1.0.0/24", "bad"]},
                          "podSelector": {}}]}],
            "policyTypes": ["Ingress", "Sideways"]})
        ),
        [
            "spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\"",
            "spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
            "spec.ingress[0].ports[2].endPort: Invalid value: 90: must be greater than or equal to `port`",
            "spec.ingress[0].from[0]: Required value: must specify a peer",
            "spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: \"10.1.0.0/24\": must be a strict subset of `cidr`",
            "spec.ingress[0].from[1].ipBlock.except[1]: Invalid value: \"bad\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
            "spec.policyTypes[1]: Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\"",
        ]
    );
}
