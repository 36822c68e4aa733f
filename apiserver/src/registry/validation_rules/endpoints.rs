//! Endpoints (`ValidateEndpoints` in `pkg/apis/core/validation`) and EndpointSlices
//! (`pkg/apis/discovery/validation`).

use std::collections::BTreeSet;

use serde_json::Value;

use super::ip::{parse_ip, validate_ip, validate_non_special_ip};
use super::meta::validate_labels;
use super::names::{dns1123_label, dns1123_subdomain, port_num, qualified_name};
use super::{arr_of, int_of, invalid_each, obj_of, present, str_of, str_or_empty};
use crate::endpoints::status::FieldError;

const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];

/// `validateEndpointSubsets`.
pub fn validate_endpoints(ep: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, ss) in arr_of(ep, "subsets").iter().enumerate() {
        let path = format!("subsets[{i}]");
        let (ready, not_ready) = (arr_of(ss, "addresses"), arr_of(ss, "notReadyAddresses"));
        if ready.is_empty() && not_ready.is_empty() {
            errs.push(FieldError::required(
                &path,
                "must specify `addresses` or `notReadyAddresses`",
            ));
        }
        for (field, addrs) in [("addresses", ready), ("notReadyAddresses", not_ready)] {
            for (j, a) in addrs.iter().enumerate() {
                errs.extend(validate_address(a, &format!("{path}.{field}[{j}]")));
            }
        }
        let ports = arr_of(ss, "ports");
        for (j, p) in ports.iter().enumerate() {
            errs.extend(validate_port(
                p,
                ports.len() > 1,
                &format!("{path}.ports[{j}]"),
            ));
        }
    }
    errs
}

/// `validateEndpointAddress`.
fn validate_address(a: &Value, path: &str) -> Vec<FieldError> {
    let ip = str_or_empty(a, "ip");
    let ip_path = format!("{path}.ip");
    let mut errs = validate_ip(ip, &ip_path);
    let hostname = str_or_empty(a, "hostname");
    if !hostname.is_empty() {
        errs.extend(invalid_each(
            &format!("{path}.hostname"),
            hostname,
            dns1123_label(hostname),
        ));
    }
    if let Some(node) = str_of(a, "nodeName") {
        errs.extend(invalid_each(
            &format!("{path}.nodeName"),
            node,
            dns1123_subdomain(node),
        ));
    }
    errs.extend(validate_non_special_ip(ip, &ip_path));
    errs
}

/// `validateEndpointPort`.
fn validate_port(p: &Value, require_name: bool, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = str_or_empty(p, "name");
    if require_name && name.is_empty() {
        errs.push(FieldError::required(format!("{path}.name"), ""));
    } else if !name.is_empty() {
        errs.extend(invalid_each(
            &format!("{path}.name"),
            name,
            dns1123_label(name),
        ));
    }
    let port = int_of(p, "port").unwrap_or(0);
    for m in port_num(port) {
        errs.push(FieldError::invalid(format!("{path}.port"), port, m));
    }
    errs.extend(protocol_rules(p, path, true));
    if let Some(app) = str_of(p, "appProtocol") {
        errs.extend(invalid_each(
            &format!("{path}.appProtocol"),
            app,
            qualified_name(app),
        ));
    }
    errs
}

/// `Required` when empty (or absent, for pointer fields), `NotSupported` when unknown.
fn protocol_rules(p: &Value, path: &str, empty_is_missing: bool) -> Option<FieldError> {
    let ppath = format!("{path}.protocol");
    match present(p, "protocol").map(|v| v.as_str().unwrap_or("")) {
        None => Some(FieldError::required(ppath, "")),
        Some("") if empty_is_missing => Some(FieldError::required(ppath, "")),
        Some(proto) if !PROTOCOLS.contains(&proto) => {
            Some(FieldError::not_supported(ppath, proto, &PROTOCOLS))
        }
        Some(_) => None,
    }
}

/// `ValidateEndpointSliceCreate`; `update` allows the deprecated `IP` address type.
pub fn validate_endpoint_slice(slice: &Value, update: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let addr_type = str_or_empty(slice, "addressType");
    let mut valid = vec!["FQDN", "IPv4", "IPv6"];
    if update {
        valid.insert(1, "IP");
    }
    match addr_type {
        "" => errs.push(FieldError::required("addressType", "")),
        t if !valid.contains(&t) => errs.push(FieldError::not_supported("addressType", t, &valid)),
        _ => {}
    }
    let endpoints = arr_of(slice, "endpoints");
    if endpoints.len() > 1000 {
        errs.push(FieldError::too_many(
            "endpoints",
            Some(endpoints.len()),
            1000,
        ));
    } else {
        for (i, ep) in endpoints.iter().enumerate() {
            errs.extend(validate_slice_endpoint(
                ep,
                addr_type,
                &format!("endpoints[{i}]"),
            ));
        }
    }
    let ports = arr_of(slice, "ports");
    if ports.len() > 100 {
        errs.push(FieldError::too_many("ports", Some(ports.len()), 100));
        return errs;
    }
    let mut names = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let path = format!("ports[{i}]");
        let name = str_or_empty(p, "name");
        if !name.is_empty() {
            errs.extend(invalid_each(
                &format!("{path}.name"),
                name,
                dns1123_label(name),
            ));
        }
        if !names.insert(name.to_owned()) {
            errs.push(FieldError::duplicate(format!("{path}.name"), name));
        }
        errs.extend(protocol_rules(p, &path, false));
        if let Some(app) = str_of(p, "appProtocol") {
            errs.extend(invalid_each(
                &format!("{path}.appProtocol"),
                app,
                qualified_name(app),
            ));
        }
    }
    errs
}

/// One endpoint of a slice: its addresses (by address type), topology and hostname.
fn validate_slice_endpoint(ep: &Value, addr_type: &str, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let addrs = arr_of(ep, "addresses");
    let apath = format!("{path}.addresses");
    if addrs.is_empty() {
        errs.push(FieldError::required(
            &apath,
            "must contain at least 1 address",
        ));
    } else if addrs.len() > 100 {
        errs.push(FieldError::too_many(&apath, Some(addrs.len()), 100));
    }
    for (i, a) in addrs.iter().enumerate() {
        let a = a.as_str().unwrap_or("");
        let ip_path = format!("{apath}[{i}]");
        match addr_type {
            "IP" => errs.extend(validate_ip(a, &ip_path)),
            family @ ("IPv4" | "IPv6") => {
                let ip_errs = validate_ip(a, &ip_path);
                if !ip_errs.is_empty() {
                    errs.extend(ip_errs);
                    continue;
                }
                let is_v4 = parse_ip(a).is_some_and(|ip| ip.is_v4());
                if is_v4 != (family == "IPv4") {
                    errs.push(FieldError::invalid(
                        &ip_path,
                        a,
                        format!("must be an {family} address"),
                    ));
                }
                errs.extend(validate_non_special_ip(a, &ip_path));
            }
            "FQDN" => errs.extend(fully_qualified_domain_name(a, &ip_path)),
            _ => {}
        }
    }
    // Upstream's path names the internal field `topology`.
    let tpath = format!("{path}.topology");
    if let Some(topology) = obj_of(ep, "deprecatedTopology") {
        if topology.len() > 16 {
            errs.push(FieldError::too_many(&tpath, Some(topology.len()), 16));
        }
        errs.extend(validate_labels(ep.get("deprecatedTopology"), &tpath));
    }
    if let Some(host) = str_of(ep, "hostname") {
        errs.extend(invalid_each(
            &format!("{path}.hostname"),
            host,
            dns1123_label(host),
        ));
    }
    errs
}

/// `IsFullyQualifiedDomainName`.
fn fully_qualified_domain_name(name: &str, path: &str) -> Vec<FieldError> {
    if name.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    let errs = dns1123_subdomain(name);
    if !errs.is_empty() {
        return vec![FieldError::invalid(path, name, errs.join(","))];
    }
    if !name.contains('.') {
        return vec![FieldError::invalid(
            path,
            name,
            "should be a domain with at least two segments separated by dots",
        )];
    }
    for label in name.split('.') {
        let errs = dns1123_label(label);
        if !errs.is_empty() {
            return vec![FieldError::invalid(path, label, errs.join(","))];
        }
    }
    Vec::new()
}

/// `ValidateEndpointSliceUpdate`: the address type is immutable.
pub fn validate_endpoint_slice_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let (n, o) = (
        str_or_empty(new, "addressType"),
        str_or_empty(old, "addressType"),
    );
    match n == o {
        true => Vec::new(),
        false => vec![FieldError::immutable("addressType", n)],
    }
}
