//! Service rules of `pkg/apis/core/validation` (`ValidateService`, `validateServicePort`,
//! `ValidateServiceClusterIPsRelatedFields` and the update rules of `ValidateServiceUpdate`).
//!
//! The registry (`registry::core::service`) normalizes `clusterIP`/`clusterIPs`, carries the
//! allocated values over on update and drops type-dependent fields before these run, as
//! upstream's strategy does; it allocates cluster IPs and node ports after validation, so a
//! missing `healthCheckNodePort` of a `LoadBalancer`/`Local` Service is not an error here (the
//! allocator fills it).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::ip::{is_dual_stack, parse_ip, validate_cidr, validate_ip, validate_non_special_ip};
use super::meta::validate_labels;
use super::names::{dns1123_label, dns1123_subdomain, port_name, port_num, qualified_name};
use super::{arr_of, child, go_struct, int_of, invalid_each, present, rendered};
use super::{str_of, str_or_empty};
use crate::endpoints::status::FieldError;

const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
const TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const TRAFFIC_POLICIES: [&str; 2] = ["Cluster", "Local"];
const FAMILY_POLICIES: [&str; 3] = ["PreferDualStack", "RequireDualStack", "SingleStack"];
/// `PreferSameTrafficDistribution` is beta and on in 1.34.
const TRAFFIC_DISTRIBUTIONS: [&str; 3] = ["PreferClose", "PreferSameZone", "PreferSameNode"];
const TOPOLOGY_MODE: &str = "service.kubernetes.io/topology-mode";
const TOPOLOGY_HINTS: &str = "service.kubernetes.io/topology-aware-hints";
const SOURCE_RANGES: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";
/// `core.MaxClientIPServiceAffinitySeconds`.
const MAX_AFFINITY_SECONDS: i64 = 86400;

fn spec(svc: &Value) -> &Value {
    child(svc, "spec")
}

fn svc_type(svc: &Value) -> &str {
    str_or_empty(spec(svc), "type")
}

fn cluster_ips(svc: &Value) -> Vec<&str> {
    arr_of(spec(svc), "clusterIPs")
        .iter()
        .map(|v| v.as_str().unwrap_or(""))
        .collect()
}

/// The raw `spec.<key>` as upstream renders it (`null` when absent).
fn raw<'a>(svc: &'a Value, key: &str) -> &'a Value {
    child(spec(svc), key)
}

/// `isHeadlessService`: `clusterIPs` is exactly `["None"]`.
fn is_headless(svc: &Value) -> bool {
    cluster_ips(svc) == ["None"]
}

/// `apiservice.ExternallyAccessible`.
fn externally_accessible(svc: &Value) -> bool {
    match svc_type(svc) {
        "LoadBalancer" | "NodePort" => true,
        "ClusterIP" => !arr_of(spec(svc), "externalIPs").is_empty(),
        _ => false,
    }
}

/// `apiservice.NeedsHealthCheck`.
pub fn needs_health_check(svc: &Value) -> bool {
    svc_type(svc) == "LoadBalancer" && str_of(spec(svc), "externalTrafficPolicy") == Some("Local")
}

/// `ValidateService` (ObjectMeta labels/annotations are checked by `meta`).
pub fn validate_service(svc: &Value) -> Vec<FieldError> {
    let s = spec(svc);
    let ty = svc_type(svc);
    let headless = is_headless(svc);
    let mut errs = Vec::new();
    let annotations = child(child(svc, "metadata"), "annotations");
    if let (Some(mode), Some(hints)) = (
        str_of(annotations, TOPOLOGY_MODE),
        str_of(annotations, TOPOLOGY_HINTS),
    ) && mode != hints
    {
        errs.push(FieldError::invalid(
            format!("metadata.annotations[{TOPOLOGY_MODE}]"),
            mode,
            format!("must match annotations[{TOPOLOGY_HINTS}] when both are specified"),
        ));
    }
    let ports = arr_of(s, "ports");
    if ports.is_empty() && !headless && ty != "ExternalName" {
        errs.push(FieldError::required("spec.ports", ""));
    }
    match ty {
        "LoadBalancer" | "NodePort" if headless => errs.push(FieldError::invalid(
            "spec.clusterIPs[0]",
            "None",
            format!("may not be set to 'None' for {ty} services"),
        )),
        "ExternalName" => errs.extend(external_name_rules(s)),
        _ => {}
    }
    let mut names = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        errs.extend(validate_port(p, ports.len() > 1, &mut names, i));
    }
    if present(s, "selector").is_some() {
        errs.extend(validate_labels(s.get("selector"), "spec.selector"));
    }
    errs.extend(session_affinity_rules(s));
    errs.extend(cluster_ips_related_fields(svc));
    for (i, ip) in arr_of(s, "externalIPs").iter().enumerate() {
        let (ip, path) = (ip.as_str().unwrap_or(""), format!("spec.externalIPs[{i}]"));
        match validate_ip(ip, &path) {
            e if e.is_empty() => errs.extend(validate_non_special_ip(ip, &path)),
            e => errs.extend(e),
        }
    }
    match ty {
        "" => errs.push(FieldError::required("spec.type", "")),
        t if !TYPES.contains(&t) => errs.push(FieldError::not_supported("spec.type", t, &TYPES)),
        _ => {}
    }
    errs.extend(node_port_rules(s, ty));
    errs.extend(source_range_rules(svc, ty));
    let alloc_lb = present(s, "allocateLoadBalancerNodePorts");
    if alloc_lb.is_some() && ty != "LoadBalancer" {
        errs.push(FieldError::forbidden(
            "spec.allocateLoadBalancerNodePorts",
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    if ty == "LoadBalancer" && alloc_lb.is_none() {
        // Upstream's path lacks the `spec.` prefix.
        errs.push(FieldError::required("allocateLoadBalancerNodePorts", ""));
    }
    errs.extend(load_balancer_class_rules(None, svc));
    errs.extend(traffic_policy_rules(svc));
    errs
}

/// The `ExternalName` case of `ValidateService`.
fn external_name_rules(s: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if !arr_of(s, "clusterIPs").is_empty() {
        errs.push(FieldError::forbidden(
            "spec.clusterIPs",
            "may not be set for ExternalName services",
        ));
    }
    if !arr_of(s, "ipFamilies").is_empty() {
        errs.push(FieldError::forbidden(
            "spec.ipFamilies",
            "may not be set for ExternalName services",
        ));
    }
    if present(s, "ipFamilyPolicy").is_some() {
        errs.push(FieldError::forbidden(
            "spec.ipFamilyPolicy",
            "may not be set for ExternalName services",
        ));
    }
    // A CNAME may end in a dot to mark it fully qualified.
    let cname = str_or_empty(s, "externalName");
    let cname = cname.strip_suffix('.').unwrap_or(cname);
    match cname.is_empty() {
        true => errs.push(FieldError::required("spec.externalName", "")),
        false => errs.extend(invalid_each(
            "spec.externalName",
            cname,
            dns1123_subdomain(cname),
        )),
    }
    errs
}

/// `validateServicePort`.
fn validate_port(
    p: &Value,
    require_name: bool,
    names: &mut BTreeSet<String>,
    i: usize,
) -> Vec<FieldError> {
    let path = format!("spec.ports[{i}]");
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
        if !names.insert(name.to_owned()) {
            errs.push(FieldError::duplicate(format!("{path}.name"), name));
        }
    }
    let port = int_of(p, "port").unwrap_or(0);
    for m in port_num(port) {
        errs.push(FieldError::invalid(format!("{path}.port"), port, m));
    }
    match str_or_empty(p, "protocol") {
        "" => errs.push(FieldError::required(format!("{path}.protocol"), "")),
        proto if !PROTOCOLS.contains(&proto) => errs.push(FieldError::not_supported(
            format!("{path}.protocol"),
            proto,
            &PROTOCOLS,
        )),
        _ => {}
    }
    errs.extend(validate_port_num_or_name(
        p.get("targetPort").unwrap_or(&Value::Null),
        &format!("{path}.targetPort"),
    ));
    if let Some(app) = present(p, "appProtocol") {
        let app = app.as_str().unwrap_or("");
        errs.extend(invalid_each(
            &format!("{path}.appProtocol"),
            app,
            qualified_name(app),
        ));
    }
    errs
}

/// `ValidatePortNumOrName`: an absent value is the zero `IntOrString` (the number 0).
pub fn validate_port_num_or_name(v: &Value, path: &str) -> Vec<FieldError> {
    match v {
        Value::String(name) => invalid_each(path, name, port_name(name)),
        other => {
            let n = other.as_i64().unwrap_or(0);
            port_num(n)
                .into_iter()
                .map(|m| FieldError::invalid(path, n, m))
                .collect()
        }
    }
}

/// `sessionAffinity` and `validateClientIPAffinityConfig`.
fn session_affinity_rules(s: &Value) -> Vec<FieldError> {
    let path = "spec.sessionAffinityConfig";
    let when = "when session affinity type is ClientIP";
    match str_or_empty(s, "sessionAffinity") {
        "" => vec![FieldError::required("spec.sessionAffinity", "")],
        "ClientIP" => {
            let Some(cfg) = present(s, "sessionAffinityConfig") else {
                return vec![FieldError::required(path, when)];
            };
            let Some(client) = present(cfg, "clientIP") else {
                return vec![FieldError::required(format!("{path}.clientIP"), when)];
            };
            let tpath = format!("{path}.clientIP.timeoutSeconds");
            match present(client, "timeoutSeconds").map(|t| t.as_i64().unwrap_or(0)) {
                None => vec![FieldError::required(tpath, when)],
                Some(t) if t <= 0 || t > MAX_AFFINITY_SECONDS => vec![FieldError::invalid(
                    tpath,
                    t,
                    format!("must be greater than 0 and less than {MAX_AFFINITY_SECONDS}"),
                )],
                Some(_) => Vec::new(),
            }
        }
        "None" => present(s, "sessionAffinityConfig")
            .map(|_| FieldError::forbidden(path, "must not be set when session affinity is None"))
            .into_iter()
            .collect(),
        other => vec![FieldError::not_supported(
            "spec.sessionAffinity",
            other,
            &["ClientIP", "None"],
        )],
    }
}

/// `ValidateServiceClusterIPsRelatedFields`.
pub fn cluster_ips_related_fields(svc: &Value) -> Vec<FieldError> {
    if svc_type(svc) == "ExternalName" {
        return Vec::new();
    }
    let s = spec(svc);
    let path = "spec.clusterIPs";
    let ips = cluster_ips(svc);
    let raw_ips = raw(svc, "clusterIPs");
    let mut errs = Vec::new();
    let cluster_ip = str_or_empty(s, "clusterIP");
    if !cluster_ip.is_empty() {
        match ips.first() {
            None => errs.push(FieldError::required(path, "")),
            Some(first) if *first != cluster_ip => errs.push(FieldError::invalid(
                path,
                raw_ips.clone(),
                "first value must match `clusterIP`",
            )),
            Some(_) => {}
        }
    } else if !ips.is_empty() {
        errs.push(FieldError::invalid(
            path,
            raw_ips.clone(),
            "must be empty when `clusterIP` is not specified",
        ));
    }
    let families: Vec<&str> = arr_of(s, "ipFamilies")
        .iter()
        .map(|v| v.as_str().unwrap_or(""))
        .collect();
    let mut seen = BTreeSet::new();
    for (i, fam) in families.iter().enumerate() {
        let fp = format!("spec.ipFamilies[{i}]");
        if !matches!(*fam, "IPv4" | "IPv6") {
            errs.push(FieldError::not_supported(&fp, *fam, &["IPv4", "IPv6"]));
        }
        if !seen.insert(*fam) {
            errs.push(FieldError::duplicate(&fp, *fam));
        }
    }
    if let Some(policy) = present(s, "ipFamilyPolicy") {
        let p = policy.as_str().unwrap_or("");
        if !FAMILY_POLICIES.contains(&p) {
            errs.push(FieldError::not_supported(
                "spec.ipFamilyPolicy",
                p,
                &FAMILY_POLICIES,
            ));
        }
    }
    let mut has_invalid = false;
    for (i, ip) in ips.iter().enumerate() {
        if i == 0 && *ip == "None" {
            if ips.len() > 1 {
                has_invalid = true;
                errs.push(FieldError::invalid(
                    path,
                    raw_ips.clone(),
                    "'None' must be the first and only value",
                ));
            }
            continue;
        }
        let e = validate_ip(ip, &format!("{path}[{i}]"));
        has_invalid |= !e.is_empty();
        errs.extend(e);
    }
    if ips.len() > 2 {
        errs.push(FieldError::invalid(
            path,
            raw_ips.clone(),
            "may only hold up to 2 values",
        ));
    }
    if has_invalid {
        return errs;
    }
    let v4: Vec<bool> = ips
        .iter()
        .map(|ip| parse_ip(ip).is_some_and(|p| p.is_v4()))
        .collect();
    if ips.len() > 1 && !is_dual_stack(&v4) {
        errs.push(FieldError::invalid(
            path,
            raw_ips.clone(),
            "may specify no more than one IP for each IP family",
        ));
    }
    if !is_headless(svc) && !ips.is_empty() && !families.is_empty() {
        for (i, (ip, is_v4)) in ips.iter().zip(&v4).enumerate().take(families.len()) {
            let want = match (families[i], is_v4) {
                ("IPv4", false) => "IPv4",
                ("IPv6", true) => "IPv6",
                _ => continue,
            };
            errs.push(FieldError::invalid(
                format!("{path}[{i}]"),
                *ip,
                format!("expected an {want} value as indicated by `ipFamilies[{i}]`"),
            ));
        }
    }
    errs
}

/// `nodePort` forbidden for `ClusterIP`, and the duplicate `(protocol, nodePort)` and
/// `(protocol, port)` checks.
fn node_port_rules(s: &Value, ty: &str) -> Vec<FieldError> {
    let ports = arr_of(s, "ports");
    let mut errs = Vec::new();
    if ty == "ClusterIP" {
        for (i, p) in ports.iter().enumerate() {
            if int_of(p, "nodePort").unwrap_or(0) != 0 {
                errs.push(FieldError::forbidden(
                    format!("spec.ports[{i}].nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    let mut node_ports = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let np = int_of(p, "nodePort").unwrap_or(0);
        if np != 0 && !node_ports.insert((str_or_empty(p, "protocol"), np)) {
            errs.push(FieldError::duplicate(
                format!("spec.ports[{i}].nodePort"),
                np,
            ));
        }
    }
    let mut keys = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let (proto, port) = (str_or_empty(p, "protocol"), int_of(p, "port").unwrap_or(0));
        if !keys.insert((proto, port)) {
            // The key is a `core.ServicePort` with only protocol and port set.
            let go = go_struct(&[
                ("Name", &json!("")),
                ("Protocol", &json!(proto)),
                ("AppProtocol", &Value::Null),
                ("Port", &json!(port)),
                ("TargetPort", &json!(0)),
                ("NodePort", &json!(0)),
            ]);
            errs.push(rendered(
                FieldError::duplicate(format!("spec.ports[{i}]"), ""),
                &go,
            ));
        }
    }
    errs
}

/// `spec.loadBalancerSourceRanges` (upstream's path is capitalized) or its annotation.
fn source_range_rules(svc: &Value, ty: &str) -> Vec<FieldError> {
    let ranges = arr_of(spec(svc), "loadBalancerSourceRanges");
    let lb_only = "may only be used when `type` is 'LoadBalancer'";
    let mut errs = Vec::new();
    if !ranges.is_empty() {
        let path = "spec.LoadBalancerSourceRanges";
        if ty != "LoadBalancer" {
            errs.push(FieldError::forbidden(path, lb_only));
        }
        for (i, r) in ranges.iter().enumerate() {
            let r = r.as_str().unwrap_or("").trim();
            errs.extend(validate_cidr(r, &format!("{path}[{i}]")));
        }
    } else if let Some(val) = str_of(child(child(svc, "metadata"), "annotations"), SOURCE_RANGES) {
        let path = format!("metadata.annotations[{SOURCE_RANGES}]");
        if ty != "LoadBalancer" {
            errs.push(FieldError::forbidden(&path, lb_only));
        }
        let val = val.trim();
        if !val.is_empty() {
            for r in val.split(',') {
                errs.extend(validate_cidr(r.trim(), &path));
            }
        }
    }
    errs
}

/// `validateLoadBalancerClassField`; `old` is set on update.
fn load_balancer_class_rules(old: Option<&Value>, svc: &Value) -> Vec<FieldError> {
    let path = "spec.loadBalancerClass";
    let class = raw(svc, "loadBalancerClass");
    let is_lb = |v: &Value| svc_type(v) == "LoadBalancer";
    let mut errs = Vec::new();
    if let Some(old) = old
        && is_lb(old)
        && is_lb(svc)
        && raw(old, "loadBalancerClass") != class
    {
        errs.push(FieldError::invalid(
            path,
            class.clone(),
            "may not change once set",
        ));
    }
    match (is_lb(svc), class) {
        (true, Value::String(c)) => errs.extend(invalid_each(path, c, qualified_name(c))),
        (true, _) | (false, Value::Null) => {}
        (false, _) => errs.push(FieldError::forbidden(
            path,
            "may only be used when `type` is 'LoadBalancer'",
        )),
    }
    errs
}

/// `validateServiceExternalTrafficPolicy`, `validateServiceInternalTrafficFieldsValue` and
/// `validateServiceTrafficDistribution`.
fn traffic_policy_rules(svc: &Value) -> Vec<FieldError> {
    let s = spec(svc);
    let mut errs = Vec::new();
    let etp = str_or_empty(s, "externalTrafficPolicy");
    if !externally_accessible(svc) {
        if !etp.is_empty() {
            errs.push(FieldError::invalid(
                "spec.externalTrafficPolicy",
                etp,
                "may only be set for externally-accessible services",
            ));
        }
    } else if etp.is_empty() {
        errs.push(FieldError::required("spec.externalTrafficPolicy", ""));
    } else if !TRAFFIC_POLICIES.contains(&etp) {
        errs.push(FieldError::not_supported(
            "spec.externalTrafficPolicy",
            etp,
            &TRAFFIC_POLICIES,
        ));
    }
    let hcnp = int_of(s, "healthCheckNodePort").unwrap_or(0);
    if !needs_health_check(svc) {
        if hcnp != 0 {
            errs.push(FieldError::invalid(
                "spec.healthCheckNodePort",
                hcnp,
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ));
        }
    } else if hcnp != 0 {
        for m in port_num(hcnp) {
            errs.push(FieldError::invalid("spec.healthCheckNodePort", hcnp, m));
        }
    }
    match present(s, "internalTrafficPolicy") {
        None if matches!(svc_type(svc), "NodePort" | "LoadBalancer" | "ClusterIP") => {
            errs.push(FieldError::required("spec.internalTrafficPolicy", ""));
        }
        Some(p) if !TRAFFIC_POLICIES.contains(&p.as_str().unwrap_or("")) => {
            errs.push(FieldError::not_supported(
                "spec.internalTrafficPolicy",
                p.as_str().unwrap_or(""),
                &TRAFFIC_POLICIES,
            ));
        }
        _ => {}
    }
    if let Some(td) = present(s, "trafficDistribution") {
        let td = td.as_str().unwrap_or("");
        if !TRAFFIC_DISTRIBUTIONS.contains(&td) {
            errs.push(FieldError::not_supported(
                "spec.trafficDistribution",
                td,
                &TRAFFIC_DISTRIBUTIONS,
            ));
        }
    }
    errs
}

/// The update-only rules of `ValidateServiceUpdate`, which upstream reports before the new
/// object's own rules.
pub fn validate_service_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = upgrade_downgrade_cluster_ips(old, new);
    errs.extend(upgrade_downgrade_ip_families(old, new));
    errs.extend(load_balancer_class_rules(Some(old), new));
    if needs_health_check(old)
        && needs_health_check(new)
        && int_of(spec(old), "healthCheckNodePort") != int_of(spec(new), "healthCheckNodePort")
    {
        errs.push(FieldError::forbidden(
            "spec.healthCheckNodePort",
            "field is immutable",
        ));
    }
    errs
}

/// `validateUpgradeDowngradeClusterIPs`.
fn upgrade_downgrade_cluster_ips(old: &Value, new: &Value) -> Vec<FieldError> {
    if svc_type(new) == "ExternalName" || svc_type(old) == "ExternalName" {
        return Vec::new();
    }
    if is_headless(old) && is_headless(new) {
        return Vec::new();
    }
    let (o, n) = (cluster_ips(old), cluster_ips(new));
    let raw_new = raw(new, "clusterIPs").clone();
    let changed = |i: usize| {
        FieldError::invalid(
            format!("spec.clusterIPs[{i}]"),
            raw_new.clone(),
            "may not change once set",
        )
    };
    let mut errs = Vec::new();
    if o.len() == n.len() {
        errs.extend((0..o.len()).filter(|&i| o[i] != n[i]).map(changed));
    } else if o.len() > n.len() {
        if n.is_empty() {
            errs.push(FieldError::invalid(
                "spec.clusterIPs[0]",
                raw_new.clone(),
                "primary clusterIP can not be unset",
            ));
        } else if n[0] != o[0] {
            errs.push(changed(0));
        }
        if n.len() == 1 && str_of(spec(new), "ipFamilyPolicy") != Some("SingleStack") {
            errs.push(FieldError::invalid(
                "spec.ipFamilyPolicy",
                raw(new, "ipFamilyPolicy").clone(),
                "must be set to 'SingleStack' when releasing the secondary clusterIP",
            ));
        }
    } else if !o.is_empty() && n[0] != o[0] {
        errs.push(changed(0));
    }
    errs
}

/// `validateUpgradeDowngradeIPFamilies` (upstream prints `clusterIPs` for some of these).
fn upgrade_downgrade_ip_families(old: &Value, new: &Value) -> Vec<FieldError> {
    if svc_type(new) == "ExternalName" || svc_type(old) == "ExternalName" {
        return Vec::new();
    }
    if is_headless(old) || is_headless(new) {
        return Vec::new();
    }
    let fams = |v: &Value| -> Vec<String> {
        arr_of(spec(v), "ipFamilies")
            .iter()
            .map(|f| f.as_str().unwrap_or("").to_owned())
            .collect()
    };
    let (o, n) = (fams(old), fams(new));
    let path = "spec.ipFamilies[0]";
    let msg = "may not change once set";
    let mut errs = Vec::new();
    if o.len() == n.len() {
        for i in 0..o.len() {
            if o[i] != n[i] {
                errs.push(FieldError::invalid(
                    path,
                    raw(new, "ipFamilies").clone(),
                    msg,
                ));
            }
        }
    } else if o.len() > n.len() {
        if cluster_ips(new).is_empty() {
            errs.push(FieldError::invalid(
                path,
                raw(new, "ipFamilies").clone(),
                "primary ipFamily can not be unset",
            ));
        }
        if !n.is_empty() && n[0] != o[0] {
            errs.push(FieldError::invalid(
                path,
                raw(new, "clusterIPs").clone(),
                msg,
            ));
        }
        if n.len() == 1 && str_of(spec(new), "ipFamilyPolicy") != Some("SingleStack") {
            errs.push(FieldError::invalid(
                "spec.ipFamilyPolicy",
                raw(new, "ipFamilyPolicy").clone(),
                "must be set to 'SingleStack' when releasing the secondary ipFamily",
            ));
        }
    } else if !o.is_empty() && !n.is_empty() && n[0] != o[0] {
        errs.push(FieldError::invalid(
            path,
            raw(new, "clusterIPs").clone(),
            msg,
        ));
    }
    errs
}
