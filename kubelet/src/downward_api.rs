//! The downward API: a pod's own fields (`fieldRef`) and a container's resources
//! (`resourceFieldRef`) as strings, shared by container environments and `downwardAPI` /
//! `projected` volumes (upstream `pkg/fieldpath`, `podFieldSelectorRuntimeValue` and
//! `ExtractContainerResourceValue`).

use std::collections::BTreeMap;

use common::quantity::Quantity as ParsedQuantity;
use k8s_openapi::api::core::v1::{Container, ObjectFieldSelector, Pod, ResourceFieldSelector};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// Why a field cannot be resolved; the message is upstream's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FieldError(pub String);

/// What the pod's status fields resolve to on this node.
#[derive(Clone, Copy, Debug, Default)]
pub struct PodAddresses<'a> {
    /// The pod's IPs from the sandbox (the first is `status.podIP`).
    pub pod_ips: &'a [String],
    /// The node's IPs (the first is `status.hostIP`).
    pub host_ips: &'a [String],
}

/// `fieldRef.fieldPath` of `pod` as a string (`podFieldSelectorRuntimeValue`, then
/// `fieldpath.ExtractFieldPathAsString`).
pub fn pod_field(
    pod: &Pod,
    selector: &ObjectFieldSelector,
    addresses: PodAddresses<'_>,
) -> Result<String, FieldError> {
    let spec = pod.spec.as_ref();
    match selector.field_path.as_str() {
        "spec.nodeName" => return Ok(spec.and_then(|s| s.node_name.clone()).unwrap_or_default()),
        "spec.serviceAccountName" => {
            return Ok(spec
                .and_then(|s| s.service_account_name.clone())
                .unwrap_or_default());
        }
        "status.hostIP" => return Ok(addresses.host_ips.first().cloned().unwrap_or_default()),
        "status.hostIPs" => return Ok(addresses.host_ips.join(",")),
        "status.podIP" => return Ok(addresses.pod_ips.first().cloned().unwrap_or_default()),
        "status.podIPs" => return Ok(addresses.pod_ips.join(",")),
        _ => {}
    }
    metadata_field(pod, &selector.field_path)
}

/// `fieldpath.ExtractFieldPathAsString` for the metadata fields.
pub fn metadata_field(pod: &Pod, field_path: &str) -> Result<String, FieldError> {
    let meta = &pod.metadata;
    if let Some((path, key)) = split_subscript(field_path) {
        let map = match path {
            "metadata.annotations" => meta.annotations.as_ref(),
            "metadata.labels" => meta.labels.as_ref(),
            _ => {
                return Err(FieldError(format!(
                    "fieldPath {field_path:?} does not support subscript"
                )));
            }
        };
        return Ok(map.and_then(|m| m.get(key)).cloned().unwrap_or_default());
    }
    match field_path {
        "metadata.annotations" => Ok(format_map(meta.annotations.as_ref())),
        "metadata.labels" => Ok(format_map(meta.labels.as_ref())),
        "metadata.name" => Ok(meta.name.clone().unwrap_or_default()),
        "metadata.namespace" => Ok(meta.namespace.clone().unwrap_or_default()),
        "metadata.uid" => Ok(meta.uid.clone().unwrap_or_default()),
        other => Err(FieldError(format!("unsupported fieldPath: {other}"))),
    }
}

/// `metadata.labels['key']` → (`metadata.labels`, `key`).
fn split_subscript(path: &str) -> Option<(&str, &str)> {
    let open = path.find("['")?;
    let key = path[open + 2..].strip_suffix("']")?;
    Some((&path[..open], key))
}

/// `fieldpath.FormatMap`: sorted `key="value"` lines (Go `%q` quoting), no trailing newline.
pub fn format_map(map: Option<&BTreeMap<String, String>>) -> String {
    map.into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", go_quote(v)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Go's `strconv.Quote`: escapes quotes, backslashes and non-printable characters.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => {
                if (c as u32) <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `resourceFieldRef` of `container` as a string (`ExtractContainerResourceValue`). Limits
/// that are not set default to the node's allocatable (`MergeContainerResourceLimits`); with no
/// allocatable known (`None`), to the container's request, else 0.
pub fn container_resource(
    selector: &ResourceFieldSelector,
    container: &Container,
    allocatable: Option<&BTreeMap<String, Quantity>>,
) -> Result<String, FieldError> {
    let divisor = match selector.divisor.as_ref().map(|q| q.0.as_str()) {
        None | Some("") | Some("0") => ParsedQuantity::from_count(1),
        Some(text) => ParsedQuantity::parse(text)
            .ok_or_else(|| FieldError(format!("invalid divisor {text:?}")))?,
    };
    let (kind, name) = selector
        .resource
        .split_once('.')
        .ok_or_else(|| unsupported(&selector.resource))?;
    let supported =
        matches!(name, "cpu" | "memory" | "ephemeral-storage") || name.starts_with("hugepages-");
    if !supported || !matches!(kind, "limits" | "requests") {
        return Err(unsupported(&selector.resource));
    }
    let resources = container.resources.as_ref();
    let request = resources
        .and_then(|r| r.requests.as_ref())
        .and_then(|m| m.get(name));
    let value = if kind == "requests" {
        request
    } else {
        resources
            .and_then(|r| r.limits.as_ref())
            .and_then(|m| m.get(name))
            .or_else(|| allocatable.and_then(|a| a.get(name)))
            .or(if allocatable.is_none() { request } else { None })
    };
    let value = match value {
        Some(q) => ParsedQuantity::parse(&q.0)
            .ok_or_else(|| FieldError(format!("invalid quantity {:?} for {name}", q.0)))?,
        None => ParsedQuantity::from_count(0),
    };
    let (numerator, denominator) = if name == "cpu" {
        (value.milli_value(), divisor.milli_value())
    } else {
        (value.value(), divisor.value())
    };
    if denominator <= 0 {
        return Err(FieldError(format!(
            "invalid divisor for {}",
            selector.resource
        )));
    }
    Ok(ceil_div(numerator, denominator).to_string())
}

fn unsupported(resource: &str) -> FieldError {
    FieldError(format!("unsupported container resource : {resource}"))
}

fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a.div_euclid(b);
    if a.rem_euclid(b) != 0 { q + 1 } else { q }
}

/// The container called `name` among the pod's init, regular and ephemeral containers.
pub fn find_container<'a>(pod: &'a Pod, name: &str) -> Option<&'a Container> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{PodSpec, ResourceRequirements};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn pod() -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some("web".into()),
                namespace: Some("ns".into()),
                uid: Some("u-1".into()),
                labels: Some(BTreeMap::from([
                    ("b".into(), "two \"q\"\n".into()),
                    ("a".into(), "one".into()),
                ])),
                ..Default::default()
            },
            spec: Some(PodSpec {
                node_name: Some("node-1".into()),
                service_account_name: Some("sa".into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn field(path: &str) -> ObjectFieldSelector {
        ObjectFieldSelector {
            field_path: path.into(),
            api_version: None,
        }
    }

    #[test]
    fn fields_resolve_like_upstream() {
        let pod = pod();
        let ips = ["10.88.0.5".to_owned(), "fd00::5".to_owned()];
        let hosts = ["192.168.1.2".to_owned()];
        let addr = PodAddresses {
            pod_ips: &ips,
            host_ips: &hosts,
        };
        let get = |p: &str| pod_field(&pod, &field(p), addr);
        assert_eq!(get("metadata.name").unwrap(), "web");
        assert_eq!(get("metadata.namespace").unwrap(), "ns");
        assert_eq!(get("metadata.uid").unwrap(), "u-1");
        assert_eq!(get("metadata.labels['a']").unwrap(), "one");
        assert_eq!(get("metadata.labels['zz']").unwrap(), "");
        assert_eq!(
            get("metadata.labels").unwrap(),
            "a=\"one\"\nb=\"two \\\"q\\\"\\n\""
        );
        assert_eq!(get("metadata.annotations").unwrap(), "");
        assert_eq!(get("spec.nodeName").unwrap(), "node-1");
        assert_eq!(get("spec.serviceAccountName").unwrap(), "sa");
        assert_eq!(get("status.podIP").unwrap(), "10.88.0.5");
        assert_eq!(get("status.podIPs").unwrap(), "10.88.0.5,fd00::5");
        assert_eq!(get("status.hostIP").unwrap(), "192.168.1.2");
        assert_eq!(get("status.hostIPs").unwrap(), "192.168.1.2");
        assert_eq!(
            get("spec.bogus").unwrap_err().0,
            "unsupported fieldPath: spec.bogus"
        );
    }

    fn container(limits: &[(&str, &str)], requests: &[(&str, &str)]) -> Container {
        let map = |kv: &[(&str, &str)]| {
            Some(
                kv.iter()
                    .map(|(k, v)| ((*k).to_owned(), Quantity((*v).to_owned())))
                    .collect(),
            )
        };
        Container {
            name: "c".into(),
            resources: Some(ResourceRequirements {
                limits: map(limits),
                requests: map(requests),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn resource(res: &str, divisor: Option<&str>) -> ResourceFieldSelector {
        ResourceFieldSelector {
            resource: res.into(),
            divisor: divisor.map(|d| Quantity(d.into())),
            container_name: None,
        }
    }

    #[test]
    fn resources_round_up_by_divisor() {
        let c = container(&[("cpu", "250m"), ("memory", "64Mi")], &[("cpu", "100m")]);
        let get = |r: &str, d: Option<&str>| container_resource(&resource(r, d), &c, None).unwrap();
        assert_eq!(get("limits.cpu", None), "1");
        assert_eq!(get("limits.cpu", Some("1m")), "250");
        assert_eq!(get("requests.cpu", Some("1m")), "100");
        assert_eq!(get("limits.memory", None), "67108864");
        assert_eq!(get("limits.memory", Some("1Mi")), "64");
        assert_eq!(get("limits.memory", Some("1M")), "68");
        assert_eq!(get("requests.memory", None), "0");
        assert_eq!(get("limits.ephemeral-storage", None), "0");
        let err = container_resource(&resource("limits.gpu", None), &c, None).unwrap_err();
        assert_eq!(err.0, "unsupported container resource : limits.gpu");
    }

    #[test]
    fn unset_limits_fall_back_to_allocatable_then_request() {
        let c = container(&[], &[("memory", "1Gi")]);
        let sel = resource("limits.memory", Some("1Mi"));
        assert_eq!(container_resource(&sel, &c, None).unwrap(), "1024");
        let alloc = BTreeMap::from([("memory".to_owned(), Quantity("8Gi".into()))]);
        assert_eq!(container_resource(&sel, &c, Some(&alloc)).unwrap(), "8192");
    }
}
