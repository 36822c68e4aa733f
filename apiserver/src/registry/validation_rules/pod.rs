//! Pod and pod-template rules of `pkg/apis/core/validation` (`ValidatePodCreate`,
//! `ValidatePodTemplateSpec`, `ValidatePodSpec`, `validateContainers`, `ValidateVolumes`, ...).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::meta::{validate_annotations, validate_labels};
use super::names::{
    dns1123_label, dns1123_subdomain, inclusive_range_error, port_name, port_num,
    relaxed_env_var_name,
};
use super::pod_ephemeral::validate_ephemeral_containers;
use super::quantity::Quantity;
use super::{arr_of, child, int_of, obj_of, str_of, str_or_empty};
use crate::endpoints::status::FieldError;

/// Volume source fields in the order `validateVolumeSource` checks them.
const VOLUME_SOURCES: &[&str] = &[
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephfs",
    "quobyte",
    "downwardAPI",
    "fc",
    "flexVolume",
    "configMap",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "storageos",
    "projected",
    "scaleIO",
    "csi",
    "ephemeral",
    "image",
];

/// `ValidatePodCreate` minus ObjectMeta (see `meta`): ephemeral containers only come later,
/// through `pods/ephemeralcontainers`.
pub fn validate_pod_create(pod: &Value) -> Vec<FieldError> {
    let mut errs = validate_pod_metadata_and_spec(pod);
    if !arr_of(child(pod, "spec"), "ephemeralContainers").is_empty() {
        errs.push(FieldError::forbidden(
            "spec.ephemeralContainers",
            "cannot be set on create",
        ));
    }
    errs
}

/// `validatePodMetadataAndSpec` minus ObjectMeta: what every write of a pod checks.
pub fn validate_pod_metadata_and_spec(pod: &Value) -> Vec<FieldError> {
    let spec = child(pod, "spec");
    let mut errs = validate_pod_spec(spec, "spec");
    for field in ["containers", "initContainers"] {
        errs.extend(validate_containers_only_for_pod(
            arr_of(spec, field),
            &format!("spec.{field}"),
        ));
    }
    errs
}

/// `validateContainersOnlyForPod`: images may not carry surrounding whitespace.
pub fn validate_containers_only_for_pod(containers: &[Value], path: &str) -> Vec<FieldError> {
    containers
        .iter()
        .enumerate()
        .filter_map(|(i, c)| validate_container_only_for_pod(c, &format!("{path}[{i}]")))
        .collect()
}

/// `validateContainerOnlyForPod` of one container at `path`.
pub fn validate_container_only_for_pod(c: &Value, path: &str) -> Option<FieldError> {
    let image = str_or_empty(c, "image");
    (image.trim() != image).then(|| {
        FieldError::invalid(
            format!("{path}.image"),
            image,
            "must not have leading or trailing whitespace",
        )
    })
}

/// `ValidatePodTemplateSpec` (labels and annotations are at `<path>.labels`, as upstream).
pub fn validate_pod_template_spec(tmpl: &Value, path: &str) -> Vec<FieldError> {
    let meta = child(tmpl, "metadata");
    let mut errs = validate_labels(meta.get("labels"), &format!("{path}.labels"));
    errs.extend(validate_annotations(
        meta.get("annotations"),
        &format!("{path}.annotations"),
    ));
    let spec = child(tmpl, "spec");
    errs.extend(validate_pod_spec(spec, &format!("{path}.spec")));
    if !arr_of(spec, "ephemeralContainers").is_empty() {
        errs.push(FieldError::forbidden(
            format!("{path}.spec.ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        ));
    }
    errs
}

/// `ValidatePodSpec` (the covered subset, in upstream's order).
pub fn validate_pod_spec(spec: &Value, path: &str) -> Vec<FieldError> {
    let (volumes, mut errs) = validate_volumes(arr_of(spec, "volumes"), &format!("{path}.volumes"));
    let mut names = BTreeSet::new();
    let containers = arr_of(spec, "containers");
    let cpath = format!("{path}.containers");
    if containers.is_empty() {
        errs.push(FieldError::required(&cpath, ""));
    }
    let mut host_ports = BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let p = format!("{cpath}[{i}]");
        errs.extend(validate_container_common(c, &volumes, &p));
        let name = str_or_empty(c, "name");
        if !names.insert(name.to_owned()) {
            errs.push(FieldError::duplicate(format!("{p}.name"), name));
        }
        if c.get("restartPolicy").is_some_and(|v| !v.is_null()) {
            errs.push(FieldError::forbidden(
                format!("{p}.restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    errs.extend(accumulate_host_ports(containers, &cpath, &mut host_ports));
    let ipath = format!("{path}.initContainers");
    let inits = arr_of(spec, "initContainers");
    for (i, c) in inits.iter().enumerate() {
        let p = format!("{ipath}[{i}]");
        errs.extend(validate_container_common(c, &volumes, &p));
        let name = str_or_empty(c, "name");
        if !names.insert(name.to_owned()) {
            errs.push(FieldError::duplicate(format!("{p}.name"), name));
        }
        if let Some(policy) = c.get("restartPolicy").filter(|v| !v.is_null()) {
            let policy = policy.as_str().unwrap_or("");
            if policy != "Always" {
                errs.push(FieldError::not_supported(
                    format!("{p}.restartPolicy"),
                    policy,
                    &["Always"],
                ));
            }
        }
    }
    errs.extend(accumulate_host_ports(inits, &ipath, &mut host_ports));
    errs.extend(validate_ephemeral_containers(
        arr_of(spec, "ephemeralContainers"),
        containers,
        inits,
        &volumes,
        &format!("{path}.ephemeralContainers"),
    ));
    errs.extend(one_of(
        spec,
        "restartPolicy",
        path,
        &["Always", "OnFailure", "Never"],
    ));
    errs.extend(one_of(
        spec,
        "dnsPolicy",
        path,
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
    ));
    errs.extend(validate_labels(
        spec.get("nodeSelector"),
        &format!("{path}.nodeSelector"),
    ));
    if str_of(spec, "dnsPolicy") == Some("None") && spec.get("dnsConfig").is_none_or(Value::is_null)
    {
        errs.push(FieldError::required(
            format!("{path}.dnsConfig"),
            "must provide `dnsConfig` when `dnsPolicy` is None",
        ));
    }
    for (field, check) in [
        (
            "serviceAccountName",
            dns1123_subdomain as fn(&str) -> Vec<String>,
        ),
        ("nodeName", dns1123_subdomain),
    ] {
        let v = str_or_empty(spec, field);
        if !v.is_empty() {
            for m in check(v) {
                errs.push(FieldError::invalid(format!("{path}.{field}"), v, m));
            }
        }
    }
    if let Some(ads) = int_of(spec, "activeDeadlineSeconds")
        && !(1..=i64::from(i32::MAX)).contains(&ads)
    {
        errs.push(FieldError::invalid(
            format!("{path}.activeDeadlineSeconds"),
            ads,
            inclusive_range_error(1, i64::from(i32::MAX)),
        ));
    }
    for field in ["hostname", "subdomain"] {
        let v = str_or_empty(spec, field);
        if !v.is_empty() {
            for m in dns1123_label(v) {
                errs.push(FieldError::invalid(format!("{path}.{field}"), v, m));
            }
        }
    }
    errs
}

/// A required enum field: `Required` when empty, `NotSupported` when unknown.
pub fn one_of(obj: &Value, field: &str, path: &str, valid: &[&str]) -> Option<FieldError> {
    let p = format!("{path}.{field}");
    match str_or_empty(obj, field) {
        "" => Some(FieldError::required(p, "")),
        v if valid.contains(&v) => None,
        v => Some(FieldError::not_supported(p, v, valid)),
    }
}

/// `ValidateVolumes`: the names of valid volumes, and the errors.
fn validate_volumes(volumes: &[Value], path: &str) -> (BTreeSet<String>, Vec<FieldError>) {
    let mut names = BTreeSet::new();
    let mut errs = Vec::new();
    for (i, vol) in volumes.iter().enumerate() {
        let ip = format!("{path}[{i}]");
        let name_path = format!("{ip}.name");
        let mut el = Vec::new();
        let mut count = 0;
        for src in VOLUME_SOURCES {
            if vol.get(*src).is_some_and(|v| !v.is_null()) {
                if count > 0 {
                    el.push(FieldError::forbidden(
                        format!("{ip}.{src}"),
                        "may not specify more than 1 volume type",
                    ));
                } else {
                    count += 1;
                }
            }
        }
        if count == 0 {
            el.push(FieldError::required(&ip, "must specify a volume type"));
        }
        let name = str_or_empty(vol, "name");
        if name.is_empty() {
            el.push(FieldError::required(&name_path, ""));
        } else {
            for m in dns1123_label(name) {
                el.push(FieldError::invalid(&name_path, name, m));
            }
        }
        if names.contains(name) {
            el.push(FieldError::duplicate(&name_path, name));
        }
        if el.is_empty() {
            names.insert(name.to_owned());
        } else {
            errs.extend(el);
        }
    }
    (names, errs)
}

/// `validateContainerCommon` (the covered subset).
pub(super) fn validate_container_common(
    c: &Value,
    volumes: &BTreeSet<String>,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = str_or_empty(c, "name");
    let name_path = format!("{path}.name");
    if name.is_empty() {
        errs.push(FieldError::required(&name_path, ""));
    } else {
        for m in dns1123_label(name) {
            errs.push(FieldError::invalid(&name_path, name, m));
        }
    }
    if str_or_empty(c, "image").is_empty() {
        errs.push(FieldError::required(format!("{path}.image"), ""));
    }
    errs.extend(one_of(
        c,
        "terminationMessagePolicy",
        path,
        &["File", "FallbackToLogsOnError"],
    ));
    errs.extend(validate_ports(arr_of(c, "ports"), &format!("{path}.ports")));
    errs.extend(validate_env(c, path));
    errs.extend(validate_volume_mounts(
        arr_of(c, "volumeMounts"),
        volumes,
        &format!("{path}.volumeMounts"),
    ));
    errs.extend(one_of(
        c,
        "imagePullPolicy",
        path,
        &["Always", "IfNotPresent", "Never"],
    ));
    errs.extend(validate_resources(
        child(c, "resources"),
        &format!("{path}.resources"),
    ));
    errs
}

/// `validateContainerPorts`.
fn validate_ports(ports: &[Value], path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let ip = format!("{path}[{i}]");
        let name = str_or_empty(port, "name");
        if !name.is_empty() {
            let msgs = port_name(name);
            if !msgs.is_empty() {
                for m in msgs {
                    errs.push(FieldError::invalid(format!("{ip}.name"), name, m));
                }
            } else if !names.insert(name) {
                errs.push(FieldError::duplicate(format!("{ip}.name"), name));
            }
        }
        match int_of(port, "containerPort").unwrap_or(0) {
            0 => errs.push(FieldError::required(format!("{ip}.containerPort"), "")),
            n => errs.extend(
                port_num(n)
                    .into_iter()
                    .map(|m| FieldError::invalid(format!("{ip}.containerPort"), n, m)),
            ),
        }
        let host = int_of(port, "hostPort").unwrap_or(0);
        if host != 0 {
            for m in port_num(host) {
                errs.push(FieldError::invalid(format!("{ip}.hostPort"), host, m));
            }
        }
        errs.extend(one_of(port, "protocol", &ip, &["SCTP", "TCP", "UDP"]));
    }
    errs
}

/// `AccumulateUniqueHostPorts`: a host port/protocol/IP may be used once per pod.
fn accumulate_host_ports(
    containers: &[Value],
    path: &str,
    seen: &mut BTreeSet<String>,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (ci, c) in containers.iter().enumerate() {
        for (pi, port) in arr_of(c, "ports").iter().enumerate() {
            let host = int_of(port, "hostPort").unwrap_or(0);
            if host == 0 {
                continue;
            }
            let key = format!(
                "{}/{}/{host}",
                str_or_empty(port, "protocol"),
                str_or_empty(port, "hostIP")
            );
            if !seen.insert(key.clone()) {
                errs.push(FieldError::duplicate(
                    format!("{path}[{ci}].ports[{pi}].hostPort"),
                    key,
                ));
            }
        }
    }
    errs
}

/// `ValidateEnv` and the prefix part of `ValidateEnvFrom`, with 1.34's relaxed names.
fn validate_env(c: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, ev) in arr_of(c, "env").iter().enumerate() {
        let p = format!("{path}.env[{i}].name");
        let name = str_or_empty(ev, "name");
        if name.is_empty() {
            errs.push(FieldError::required(&p, ""));
        } else {
            for m in relaxed_env_var_name(name) {
                errs.push(FieldError::invalid(&p, name, m));
            }
        }
    }
    for (i, ef) in arr_of(c, "envFrom").iter().enumerate() {
        let prefix = str_or_empty(ef, "prefix");
        if !prefix.is_empty() {
            for m in relaxed_env_var_name(prefix) {
                errs.push(FieldError::invalid(
                    format!("{path}.envFrom[{i}].prefix"),
                    prefix,
                    m,
                ));
            }
        }
    }
    errs
}

/// `ValidateVolumeMounts` (names must reference volumes; mount paths required and unique).
fn validate_volume_mounts(
    mounts: &[Value],
    volumes: &BTreeSet<String>,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut mount_points = BTreeSet::new();
    for (i, m) in mounts.iter().enumerate() {
        let ip = format!("{path}[{i}]");
        let name = str_or_empty(m, "name");
        if name.is_empty() {
            errs.push(FieldError::required(format!("{ip}.name"), ""));
        }
        if !volumes.contains(name) {
            errs.push(FieldError::not_found(format!("{ip}.name"), name));
        }
        let mount_path = str_or_empty(m, "mountPath");
        if mount_path.is_empty() {
            errs.push(FieldError::required(format!("{ip}.mountPath"), ""));
        }
        if !mount_points.insert(mount_path) {
            errs.push(FieldError::invalid(
                format!("{ip}.mountPath"),
                mount_path,
                "must be unique",
            ));
        }
    }
    errs
}

/// `IsNativeResource`: no domain, or a `kubernetes.io/` one.
pub(super) fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

/// `IsOvercommitAllowed`: native and not hugepages.
pub(super) fn overcommit_allowed(name: &str) -> bool {
    is_native(name) && !name.starts_with("hugepages-")
}

/// `ValidateResourceRequirements` for containers (names, non-negative quantities, integer
/// extended resources, requests <= limits; equal for non-overcommitable resources).
fn validate_resources(res: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let lim_path = format!("{path}.limits");
    let req_path = format!("{path}.requests");
    let mut limits = BTreeMap::new();
    for (section, sp) in [("limits", &lim_path), ("requests", &req_path)] {
        let Some(map) = obj_of(res, section) else {
            continue;
        };
        for (name, q) in map {
            let fp = format!("{sp}[{name}]");
            errs.extend(validate_resource_name(name, &fp));
            let Some(quantity) = q.as_str().and_then(Quantity::parse) else {
                continue;
            };
            if quantity.is_negative() {
                errs.push(FieldError::invalid(
                    &fp,
                    quantity.canonical(),
                    "must be greater than or equal to 0",
                ));
            }
            if !is_native(name) && !quantity.is_integer() {
                errs.push(FieldError::invalid(
                    &fp,
                    quantity.canonical(),
                    "must be an integer",
                ));
            }
            if section == "limits" {
                limits.insert(name.clone(), quantity);
                continue;
            }
            match limits.get(name) {
                Some(limit) if quantity.compare(limit).is_ne() && !overcommit_allowed(name) => {
                    errs.push(FieldError::invalid(
                        &req_path,
                        quantity.canonical(),
                        format!("must be equal to {name} limit of {}", limit.canonical()),
                    ));
                }
                Some(limit) if quantity.compare(limit).is_gt() => {
                    errs.push(FieldError::invalid(
                        &req_path,
                        quantity.canonical(),
                        format!(
                            "must be less than or equal to {name} limit of {}",
                            limit.canonical()
                        ),
                    ));
                }
                Some(_) => {}
                None if !overcommit_allowed(name) => errs.push(FieldError::required(
                    &lim_path,
                    "Limit must be set for non overcommitable resources",
                )),
                None => {}
            }
        }
    }
    errs
}

/// `validateContainerResourceName`.
pub(super) fn validate_resource_name(name: &str, path: &str) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = super::names::qualified_name(name)
        .into_iter()
        .map(|m| FieldError::invalid(path, name, m))
        .collect();
    if errs.is_empty()
        && !name.contains('/')
        && !matches!(name, "cpu" | "memory" | "ephemeral-storage")
        && !name.starts_with("hugepages-")
    {
        errs.push(FieldError::invalid(
            path,
            name,
            "must be a standard resource for containers",
        ));
    }
    errs
}
