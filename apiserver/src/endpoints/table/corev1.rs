//! The remaining core/v1 printers: endpoints, namespaces, config maps,
//! secrets, service accounts, replication controllers, persistent volumes and
//! claims, resource quotas, pod templates and (via `events`) events.
//! LimitRange has no upstream printer and uses the default table.

use serde_json::{Value, json};

use super::util::{
    Ctx, arr, format_labels, get, int, layout_containers, map_len, name, opt_int, opt_s, quantity,
    s,
};
use super::{AGE_COL, Col, NAME_COL, Printer, Row, col, desc, wide};

pub(crate) fn printer(kind: &str) -> Option<Printer> {
    let (columns, print): (&'static [Col], super::PrintFn) = match kind {
        "Endpoints" => (ENDPOINTS_COLUMNS, print_endpoints),
        "Namespace" => (NAMESPACE_COLUMNS, print_namespace),
        "ConfigMap" => (CONFIGMAP_COLUMNS, print_configmap),
        "Secret" => (SECRET_COLUMNS, print_secret),
        "ServiceAccount" => (SA_COLUMNS, print_service_account),
        "ReplicationController" => (RC_COLUMNS, print_rc),
        "PersistentVolume" => (PV_COLUMNS, print_pv),
        "PersistentVolumeClaim" => (PVC_COLUMNS, print_pvc),
        "ResourceQuota" => (QUOTA_COLUMNS, print_quota),
        "PodTemplate" => (POD_TEMPLATE_COLUMNS, print_pod_template),
        "Event" => return Some(super::events::core_printer()),
        _ => return None,
    };
    Some(Printer { columns, print })
}

fn age(obj: &Value, ctx: &Ctx) -> Value {
    json!(ctx.since(get(obj, &["metadata", "creationTimestamp"])))
}

const ENDPOINTS_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Endpoints", "string", desc::EP_SUBSETS),
    AGE_COL,
];

/// `net.JoinHostPort`.
pub(crate) fn join_host_port(host: &str, port: i64) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `formatEndpoints(endpoints, nil)`: up to three `ip:port`, then `+ N more...`.
fn format_endpoints(ep: &Value) -> String {
    let subsets = arr(ep, &["subsets"]);
    if subsets.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    for ss in subsets {
        let addrs = arr(ss, &["addresses"]);
        let ports = arr(ss, &["ports"]);
        if ports.is_empty() {
            count += addrs.len();
            for a in addrs {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(s(a, &["ip"]).to_string());
            }
            continue;
        }
        for p in ports {
            count += addrs.len();
            for a in addrs {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(join_host_port(s(a, &["ip"]), int(p, &["port"])));
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - MAX)
    } else {
        ret
    }
}

fn print_endpoints(ep: &Value, ctx: &Ctx) -> Row {
    Row::new(vec![
        json!(name(ep)),
        json!(format_endpoints(ep)),
        age(ep, ctx),
    ])
}

const NAMESPACE_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Status", "string", "The status of the namespace"),
    AGE_COL,
];

fn print_namespace(ns: &Value, ctx: &Ctx) -> Row {
    Row::new(vec![
        json!(name(ns)),
        json!(s(ns, &["status", "phase"])),
        age(ns, ctx),
    ])
}

const CONFIGMAP_COLUMNS: &[Col] = &[NAME_COL, col("Data", "string", desc::CM_DATA), AGE_COL];

fn print_configmap(cm: &Value, ctx: &Ctx) -> Row {
    let n = map_len(cm, &["data"]) + map_len(cm, &["binaryData"]);
    Row::new(vec![json!(name(cm)), json!(n), age(cm, ctx)])
}

const SECRET_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Type", "string", desc::SECRET_TYPE),
    col("Data", "string", desc::SECRET_DATA),
    AGE_COL,
];

fn print_secret(secret: &Value, ctx: &Ctx) -> Row {
    Row::new(vec![
        json!(name(secret)),
        json!(s(secret, &["type"])),
        json!(map_len(secret, &["data"])),
        age(secret, ctx),
    ])
}

const SA_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Secrets", "string", desc::SA_SECRETS),
    AGE_COL,
];

fn print_service_account(sa: &Value, ctx: &Ctx) -> Row {
    Row::new(vec![
        json!(name(sa)),
        json!(arr(sa, &["secrets"]).len()),
        age(sa, ctx),
    ])
}

const RC_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Desired", "integer", desc::RC_SPEC_REPLICAS),
    col("Current", "integer", desc::RC_STATUS_REPLICAS),
    col("Ready", "integer", desc::RC_READY),
    AGE_COL,
    wide("Containers", "string", desc::CONTAINERS),
    wide("Images", "string", desc::IMAGES),
    wide("Selector", "string", desc::RC_SELECTOR),
];

fn print_rc(rc: &Value, ctx: &Ctx) -> Row {
    let (names, images) = layout_containers(arr(rc, &["spec", "template", "spec", "containers"]));
    Row::new(vec![
        json!(name(rc)),
        // v1 defaults spec.replicas to 1.
        json!(opt_int(rc, &["spec", "replicas"]).unwrap_or(1)),
        json!(int(rc, &["status", "replicas"])),
        json!(int(rc, &["status", "readyReplicas"])),
        age(rc, ctx),
        json!(names),
        json!(images),
        json!(format_labels(get(rc, &["spec", "selector"]))),
    ])
}

const PV_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Capacity", "string", desc::PV_CAPACITY),
    col("Access Modes", "string", desc::PV_ACCESS_MODES),
    col("Reclaim Policy", "string", desc::PV_RECLAIM),
    col("Status", "string", desc::PV_PHASE),
    col("Claim", "string", desc::PV_CLAIM),
    col("StorageClass", "string", "StorageClass of the pv"),
    col(
        "VolumeAttributesClass",
        "string",
        "VolumeAttributesClass of the pv",
    ),
    col("Reason", "string", desc::PV_REASON),
    AGE_COL,
    wide("VolumeMode", "string", desc::PV_VOLUME_MODE),
];

/// `helper.GetAccessModesAsString`: fixed order, de-duplicated.
fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|v| v.as_str() == Some(m));
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| has(m))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

const BETA_STORAGE_CLASS: &str = "volume.beta.kubernetes.io/storage-class";

/// `helper.GetPersistentVolumeClass` / `GetPersistentVolumeClaimClass`: the
/// beta annotation wins over `spec.storageClassName`.
fn storage_class(obj: &Value) -> String {
    if let Some(class) =
        get(obj, &["metadata", "annotations", BETA_STORAGE_CLASS]).and_then(Value::as_str)
    {
        return class.to_string();
    }
    s(obj, &["spec", "storageClassName"]).to_string()
}

fn phase_or_terminating(obj: &Value) -> &str {
    if get(obj, &["metadata", "deletionTimestamp"]).is_some() {
        "Terminating"
    } else {
        s(obj, &["status", "phase"])
    }
}

fn unset(v: Option<&str>) -> String {
    v.unwrap_or("<unset>").to_string()
}

fn print_pv(pv: &Value, ctx: &Ctx) -> Row {
    let claim = match get(pv, &["spec", "claimRef"]) {
        Some(c) => format!("{}/{}", s(c, &["namespace"]), s(c, &["name"])),
        None => String::new(),
    };
    Row::new(vec![
        json!(name(pv)),
        json!(quantity(get(pv, &["spec", "capacity", "storage"]))),
        json!(access_modes(arr(pv, &["spec", "accessModes"]))),
        json!(s(pv, &["spec", "persistentVolumeReclaimPolicy"])),
        json!(phase_or_terminating(pv)),
        json!(claim),
        json!(storage_class(pv)),
        json!(unset(opt_s(pv, &["spec", "volumeAttributesClassName"]))),
        json!(s(pv, &["status", "reason"])),
        age(pv, ctx),
        json!(unset(opt_s(pv, &["spec", "volumeMode"]))),
    ])
}

const PVC_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Status", "string", desc::PVC_PHASE),
    col("Volume", "string", desc::PVC_VOLUME),
    col("Capacity", "string", desc::PVC_CAPACITY),
    col("Access Modes", "string", desc::PVC_ACCESS_MODES),
    col("StorageClass", "string", "StorageClass of the pvc"),
    col(
        "VolumeAttributesClass",
        "string",
        "VolumeAttributesClass of the pvc",
    ),
    AGE_COL,
    wide("VolumeMode", "string", desc::PVC_VOLUME_MODE),
];

fn print_pvc(pvc: &Value, ctx: &Ctx) -> Row {
    let volume = s(pvc, &["spec", "volumeName"]);
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            quantity(get(pvc, &["status", "capacity", "storage"])),
            access_modes(arr(pvc, &["status", "accessModes"])),
        )
    };
    Row::new(vec![
        json!(name(pvc)),
        json!(phase_or_terminating(pvc)),
        json!(volume),
        json!(capacity),
        json!(modes),
        json!(storage_class(pvc)),
        json!(unset(opt_s(pvc, &["spec", "volumeAttributesClassName"]))),
        age(pvc, ctx),
        json!(unset(opt_s(pvc, &["spec", "volumeMode"]))),
    ])
}

const QUOTA_COLUMNS: &[Col] = &[
    NAME_COL,
    col(
        "Request",
        "string",
        "Request represents a minimum amount of cpu/memory that a container may consume.",
    ),
    col(
        "Limit",
        "string",
        "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    ),
    AGE_COL,
];

/// `printResourceQuota`: `resource: used/hard` sorted by resource name, the
/// `limits.*` ones in the Limit column.
fn print_quota(rq: &Value, ctx: &Ctx) -> Row {
    let mut requests: Vec<String> = Vec::new();
    let mut limits: Vec<String> = Vec::new();
    if let Some(hard) = get(rq, &["status", "hard"]).and_then(Value::as_object) {
        let mut names: Vec<&String> = hard.keys().collect();
        names.sort();
        for res in names {
            let used = quantity(get(rq, &["status", "used", res]));
            let entry = format!("{res}: {used}/{}", quantity(hard.get(res)));
            let mut pieces = res.split('.');
            let is_limit = pieces.next() == Some("limits") && pieces.next().is_some();
            if is_limit {
                limits.push(entry)
            } else {
                requests.push(entry)
            }
        }
    }
    Row::new(vec![
        json!(name(rq)),
        json!(requests.join(", ")),
        json!(limits.join(", ")),
        age(rq, ctx),
    ])
}

const POD_TEMPLATE_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Containers", "string", desc::CONTAINERS),
    col("Images", "string", desc::IMAGES),
    col("Pod Labels", "string", "The labels for the pod template."),
];

fn print_pod_template(pt: &Value, _ctx: &Ctx) -> Row {
    let (names, images) = layout_containers(arr(pt, &["template", "spec", "containers"]));
    Row::new(vec![
        json!(name(pt)),
        json!(names),
        json!(images),
        json!(format_labels(get(pt, &["template", "metadata", "labels"]))),
    ])
}
