//! `networking.k8s.io` rules of `pkg/apis/networking/validation`: Ingress
//! (`ValidateIngressCreate`/`ValidateIngressSpec`), IngressClass and NetworkPolicy.
//!
//! `RelaxedServiceNameValidation` is alpha and off in 1.34: backend service names are
//! DNS-1035 labels. IP blocks use the legacy (sloppy) CIDR parser, as 1.34 does with
//! `StrictIPCIDRValidation` off.

use serde_json::Value;

use super::ip::{parse_cidr, validate_cidr};
use super::meta::validate_label_selector;
use super::names::{dns1035_label, dns1123_label, dns1123_subdomain, path_segment_name};
use super::names::{port_name, port_num, wildcard_dns1123_subdomain};
use super::{arr_of, child, int_of, invalid_each, obj_of, present, str_of, str_or_empty};
use crate::endpoints::status::FieldError;

const INGRESS_CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";
const INVALID_PATH_SEQUENCES: [&str; 5] = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES: [&str; 2] = ["/..", "/."];

/// `ValidateIngressCreate` (ObjectMeta labels/annotations are checked by `meta`).
pub fn validate_ingress(ing: &Value) -> Vec<FieldError> {
    let spec = child(ing, "spec");
    let mut errs = validate_ingress_spec(spec);
    let annotations = child(child(ing, "metadata"), "annotations");
    if let (Some(annotation), Some(class)) = (
        str_of(annotations, INGRESS_CLASS_ANNOTATION),
        str_of(spec, "ingressClassName"),
    ) && annotation != class
    {
        // Upstream's path is `annotations.<key>`, without `metadata`.
        errs.push(FieldError::invalid(
            format!("annotations.{INGRESS_CLASS_ANNOTATION}"),
            annotation,
            "must match `ingressClassName` when both are specified",
        ));
    }
    errs
}

/// `ValidateIngressUpdate`: the spec rules again, without the annotation cross-check. Values an
/// old object already held (invalid TLS secret names, invalid wildcard rules) are tolerated.
pub fn validate_ingress_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let (ns, os) = (child(new, "spec"), child(old, "spec"));
    let old_bad_secret = arr_of(os, "tls").iter().any(|t| {
        let name = str_or_empty(t, "secretName");
        !name.is_empty() && !dns1123_subdomain(name).is_empty()
    });
    validate_ingress_spec(ns)
        .into_iter()
        .filter(|e| !(old_bad_secret && e.field.ends_with(".secretName")))
        .collect()
}

/// `ValidateIngressSpec`.
fn validate_ingress_spec(spec: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let rules = arr_of(spec, "rules");
    let default_backend = present(spec, "defaultBackend");
    if rules.is_empty() && default_backend.is_none() {
        errs.push(FieldError::invalid(
            "spec",
            child(spec, "rules").clone(),
            "either `defaultBackend` or `rules` must be specified",
        ));
    }
    if let Some(b) = default_backend {
        errs.extend(validate_backend(b, "spec.defaultBackend"));
    }
    for (i, rule) in rules.iter().enumerate() {
        let path = format!("spec.rules[{i}]");
        let host = str_or_empty(rule, "host");
        if !host.is_empty() {
            if super::ip::parse_ip(host).is_some() {
                errs.push(FieldError::invalid(
                    format!("{path}.host"),
                    host,
                    "must be a DNS name, not an IP address",
                ));
            }
            let msgs = match host.contains('*') {
                true => wildcard_dns1123_subdomain(host),
                false => dns1123_subdomain(host),
            };
            errs.extend(invalid_each(&format!("{path}.host"), host, msgs));
        }
        if let Some(http) = present(rule, "http") {
            errs.extend(validate_http_rule(http, &format!("{path}.http")));
        }
    }
    for (t, tls) in arr_of(spec, "tls").iter().enumerate() {
        for (i, host) in arr_of(tls, "hosts").iter().enumerate() {
            let host = host.as_str().unwrap_or("");
            let msgs = match host.contains('*') {
                true => wildcard_dns1123_subdomain(host),
                false => dns1123_subdomain(host),
            };
            errs.extend(invalid_each(
                &format!("spec.tls[{t}].hosts[{i}]"),
                host,
                msgs,
            ));
        }
        let secret = str_or_empty(tls, "secretName");
        if !secret.is_empty() {
            errs.extend(invalid_each(
                &format!("spec.tls[{t}].secretName"),
                secret,
                dns1123_subdomain(secret),
            ));
        }
    }
    if let Some(class) = str_of(spec, "ingressClassName") {
        errs.extend(invalid_each(
            "spec.ingressClassName",
            class,
            dns1123_subdomain(class),
        ));
    }
    errs
}

/// `validateHTTPIngressRuleValue` and `validateHTTPIngressPath`.
fn validate_http_rule(http: &Value, path: &str) -> Vec<FieldError> {
    let paths = arr_of(http, "paths");
    let mut errs = Vec::new();
    if paths.is_empty() {
        errs.push(FieldError::required(format!("{path}.paths"), ""));
    }
    for (i, p) in paths.iter().enumerate() {
        let pp = format!("{path}.paths[{i}]");
        let value = str_or_empty(p, "path");
        let vpath = format!("{pp}.path");
        match str_of(p, "pathType") {
            None => {
                errs.push(FieldError::required(
                    format!("{pp}.pathType"),
                    "pathType must be specified",
                ));
                continue;
            }
            Some("Exact" | "Prefix") => {
                if !value.starts_with('/') {
                    errs.push(FieldError::invalid(
                        &vpath,
                        value,
                        "must be an absolute path",
                    ));
                }
                for seq in INVALID_PATH_SEQUENCES.iter().filter(|s| value.contains(*s)) {
                    errs.push(FieldError::invalid(
                        &vpath,
                        value,
                        format!("must not contain '{seq}'"),
                    ));
                }
                for suffix in INVALID_PATH_SUFFIXES.iter().filter(|s| value.ends_with(*s)) {
                    errs.push(FieldError::invalid(
                        &vpath,
                        value,
                        format!("cannot end with '{suffix}'"),
                    ));
                }
            }
            Some("ImplementationSpecific") => {
                if !value.is_empty() && !value.starts_with('/') {
                    errs.push(FieldError::invalid(
                        &vpath,
                        value,
                        "must be an absolute path",
                    ));
                }
            }
            Some(other) => errs.push(FieldError::not_supported(
                format!("{pp}.pathType"),
                other,
                &["Exact", "ImplementationSpecific", "Prefix"],
            )),
        }
        errs.extend(validate_backend(
            child(p, "backend"),
            &format!("{pp}.backend"),
        ));
    }
    errs
}

/// `validateIngressBackend`.
fn validate_backend(b: &Value, path: &str) -> Vec<FieldError> {
    let (resource, service) = (present(b, "resource"), present(b, "service"));
    let mut errs = Vec::new();
    match (resource, service) {
        (Some(_), Some(_)) => errs.push(FieldError::invalid(
            path,
            "",
            "cannot set both resource and service backends",
        )),
        (Some(r), None) => errs.extend(validate_typed_reference(r, &format!("{path}.resource"))),
        (None, Some(svc)) => {
            let name = str_or_empty(svc, "name");
            let npath = format!("{path}.service.name");
            match name.is_empty() {
                true => errs.push(FieldError::required(npath, "")),
                false => errs.extend(invalid_each(&npath, name, dns1035_label(name))),
            }
            let port = child(svc, "port");
            let port_name_v = str_or_empty(port, "name");
            let number = int_of(port, "number").unwrap_or(0);
            match (!port_name_v.is_empty(), number != 0) {
                (true, true) => errs.push(FieldError::invalid(
                    path,
                    "",
                    "cannot set both port name & port number",
                )),
                (true, false) => errs.extend(invalid_each(
                    &format!("{path}.service.port.name"),
                    port_name_v,
                    port_name(port_name_v),
                )),
                (false, true) => {
                    for m in port_num(number) {
                        errs.push(FieldError::invalid(
                            format!("{path}.service.port.number"),
                            number,
                            m,
                        ));
                    }
                }
                (false, false) => errs.push(FieldError::required(
                    path,
                    "port name or number is required",
                )),
            }
        }
        (None, None) => errs.push(FieldError::invalid(
            path,
            "",
            "resource or service backend is required",
        )),
    }
    errs
}

/// `validateIngressTypedLocalObjectReference`.
fn validate_typed_reference(r: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(group) = str_of(r, "apiGroup") {
        errs.extend(invalid_each(
            &format!("{path}.apiGroup"),
            group,
            dns1123_subdomain(group),
        ));
    }
    for field in ["kind", "name"] {
        let v = str_or_empty(r, field);
        let fp = format!("{path}.{field}");
        match v.is_empty() {
            true => errs.push(FieldError::required(fp, "")),
            false => errs.extend(invalid_each(&fp, v, path_segment_name(v))),
        }
    }
    errs
}

/// `ValidateIngressClass` (spec part).
pub fn validate_ingress_class(ic: &Value) -> Vec<FieldError> {
    let spec = child(ic, "spec");
    let mut errs = Vec::new();
    let controller = str_or_empty(spec, "controller");
    let cpath = "spec.controller";
    if controller.is_empty() {
        errs.push(FieldError::required(cpath, ""));
    } else {
        if controller.len() > 250 {
            errs.push(FieldError::too_long(cpath, 250));
        }
        errs.extend(domain_prefixed_path(controller, cpath));
    }
    if let Some(params) = present(spec, "parameters") {
        errs.extend(validate_class_parameters(params));
    }
    errs
}

/// `IsDomainPrefixedPath`.
fn domain_prefixed_path(value: &str, path: &str) -> Vec<FieldError> {
    let Some((host, rest)) = value
        .split_once('/')
        .filter(|(h, r)| !h.is_empty() && !r.is_empty())
    else {
        return vec![FieldError::invalid(
            path,
            value,
            "must be a domain-prefixed path (such as \"acme.io/foo\")",
        )];
    };
    let mut errs = invalid_each(path, host, dns1123_subdomain(host));
    let path_ok = rest
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"/-._~%!$&'()*+,;=:".contains(&c));
    if !path_ok {
        errs.push(FieldError::invalid(
            path,
            rest,
            super::names::regex_error("Invalid path", "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+", &[]),
        ));
    }
    errs
}

/// `validateIngressClassParametersReference`.
fn validate_class_parameters(p: &Value) -> Vec<FieldError> {
    let path = "spec.parameters";
    let mut errs = validate_typed_reference(p, path);
    let Some(scope) = present(p, "scope") else {
        errs.push(FieldError::required(format!("{path}.scope"), ""));
        return errs;
    };
    let namespace = present(p, "namespace");
    match scope.as_str().unwrap_or("") {
        "Namespace" => match namespace.map(|n| n.as_str().unwrap_or("")) {
            None => errs.push(FieldError::required(
                format!("{path}.namespace"),
                "`parameters.scope` is set to 'Namespace'",
            )),
            Some(ns) => errs.extend(invalid_each(
                &format!("{path}.namespace"),
                ns,
                dns1123_label(ns),
            )),
        },
        "Cluster" => {
            if namespace.is_some() {
                errs.push(FieldError::forbidden(
                    format!("{path}.namespace"),
                    "`parameters.scope` is set to 'Cluster'",
                ));
            }
        }
        other => errs.push(FieldError::not_supported(
            format!("{path}.scope"),
            other,
            &["Cluster", "Namespace"],
        )),
    }
    errs
}

/// `validateIngressClassSpecUpdate`: the controller is immutable.
pub fn validate_ingress_class_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let (n, o) = (
        str_or_empty(child(new, "spec"), "controller"),
        str_or_empty(child(old, "spec"), "controller"),
    );
    match n == o {
        true => Vec::new(),
        false => vec![FieldError::immutable("spec.controller", n)],
    }
}

/// `ValidateNetworkPolicySpec`.
pub fn validate_network_policy(np: &Value) -> Vec<FieldError> {
    let spec = child(np, "spec");
    let mut errs = Vec::new();
    if let Some(sel) = obj_of(spec, "podSelector") {
        errs.extend(validate_label_selector(sel, "spec.podSelector"));
    }
    for (dir, peers) in [("ingress", "from"), ("egress", "to")] {
        for (i, rule) in arr_of(spec, dir).iter().enumerate() {
            let rp = format!("spec.{dir}[{i}]");
            for (j, port) in arr_of(rule, "ports").iter().enumerate() {
                errs.extend(validate_policy_port(port, &format!("{rp}.ports[{j}]")));
            }
            for (j, peer) in arr_of(rule, peers).iter().enumerate() {
                errs.extend(validate_peer(peer, &format!("{rp}.{peers}[{j}]")));
            }
        }
    }
    let types = arr_of(spec, "policyTypes");
    if types.len() > 2 {
        // Upstream passes a pointer to the slice, which renders as the slice.
        errs.push(FieldError::invalid(
            "spec.policyTypes",
            Value::Array(types.to_vec()),
            "may not specify more than two policyTypes",
        ));
        return errs;
    }
    for (i, t) in types.iter().enumerate() {
        let t = t.as_str().unwrap_or("");
        if !matches!(t, "Ingress" | "Egress") {
            errs.push(FieldError::not_supported(
                format!("spec.policyTypes[{i}]"),
                t,
                &["Ingress", "Egress"],
            ));
        }
    }
    errs
}

/// `ValidateNetworkPolicyPort`.
fn validate_policy_port(port: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(proto) = str_of(port, "protocol")
        && !matches!(proto, "TCP" | "UDP" | "SCTP")
    {
        errs.push(FieldError::not_supported(
            format!("{path}.protocol"),
            proto,
            &["TCP", "UDP", "SCTP"],
        ));
    }
    let end = int_of(port, "endPort");
    let end_path = format!("{path}.endPort");
    match present(port, "port") {
        Some(Value::String(name)) => {
            if let Some(end) = end {
                errs.push(FieldError::invalid(
                    &end_path,
                    end,
                    "may not be specified when `port` is non-numeric",
                ));
            }
            errs.extend(invalid_each(&format!("{path}.port"), name, port_name(name)));
        }
        Some(n) => {
            let n = n.as_i64().unwrap_or(0);
            for m in port_num(n) {
                errs.push(FieldError::invalid(format!("{path}.port"), n, m));
            }
            if let Some(end) = end {
                if end < n {
                    errs.push(FieldError::invalid(
                        &end_path,
                        end,
                        "must be greater than or equal to `port`",
                    ));
                }
                for m in port_num(end) {
                    errs.push(FieldError::invalid(&end_path, end, m));
                }
            }
        }
        None => {
            if let Some(end) = end {
                errs.push(FieldError::invalid(
                    &end_path,
                    end,
                    "may not be specified when `port` is not specified",
                ));
            }
        }
    }
    errs
}

/// `ValidateNetworkPolicyPeer` and `ValidateIPBlock`.
fn validate_peer(peer: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut count = 0;
    for field in ["podSelector", "namespaceSelector"] {
        if let Some(sel) = present(peer, field) {
            count += 1;
            if let Some(sel) = sel.as_object() {
                errs.extend(validate_label_selector(sel, &format!("{path}.{field}")));
            }
        }
    }
    let ip_block = present(peer, "ipBlock");
    if let Some(block) = ip_block {
        count += 1;
        errs.extend(validate_ip_block(block, &format!("{path}.ipBlock")));
    }
    if count == 0 {
        errs.push(FieldError::required(path, "must specify a peer"));
    } else if count > 1 && ip_block.is_some() {
        errs.push(FieldError::forbidden(
            path,
            "may not specify both ipBlock and another peer",
        ));
    }
    errs
}

fn validate_ip_block(block: &Value, path: &str) -> Vec<FieldError> {
    let cidr = str_or_empty(block, "cidr");
    let cpath = format!("{path}.cidr");
    if cidr.is_empty() {
        return vec![FieldError::required(cpath, "")];
    }
    let mut errs = validate_cidr(cidr, &cpath);
    let Some(net) = parse_cidr(cidr) else {
        return errs;
    };
    for (i, except) in arr_of(block, "except").iter().enumerate() {
        let except = except.as_str().unwrap_or("");
        let epath = format!("{path}.except[{i}]");
        errs.extend(validate_cidr(except, &epath));
        let Some(ex) = parse_cidr(except) else {
            continue;
        };
        if !net.contains(&ex.ip) || net.prefix >= ex.prefix {
            errs.push(FieldError::invalid(
                &epath,
                except,
                "must be a strict subset of `cidr`",
            ));
        }
    }
    errs
}
