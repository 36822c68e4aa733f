//! Printers for the smaller groups: rbac (role bindings; Role and ClusterRole
//! have no upstream printer), policy, storage, scheduling, coordination and
//! autoscaling.

use serde_json::{Value, json};

use super::util::{Ctx, arr, boolean, get, int, int_or_string, name, opt_int, opt_s, s};
use super::{AGE_COL, Col, NAME_COL, Printer, Row, col, desc, wide};

pub(crate) fn printer(kind: &str, group: &str) -> Option<Printer> {
    let (columns, print): (&'static [Col], super::PrintFn) = match (group, kind) {
        ("rbac.authorization.k8s.io", "RoleBinding") => (ROLE_BINDING_COLUMNS, print_binding),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => {
            (CLUSTER_ROLE_BINDING_COLUMNS, print_binding)
        }
        ("policy", "PodDisruptionBudget") => (PDB_COLUMNS, print_pdb),
        ("storage.k8s.io", "StorageClass") => (STORAGE_CLASS_COLUMNS, print_storage_class),
        ("scheduling.k8s.io", "PriorityClass") => (PRIORITY_CLASS_COLUMNS, print_priority_class),
        ("coordination.k8s.io", "Lease") => (LEASE_COLUMNS, print_lease),
        ("autoscaling", "HorizontalPodAutoscaler") => (HPA_COLUMNS, print_hpa),
        _ => return None,
    };
    Some(Printer { columns, print })
}

fn age(obj: &Value, ctx: &Ctx) -> Value {
    json!(ctx.since(get(obj, &["metadata", "creationTimestamp"])))
}

const ROLE_BINDING_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Role", "string", desc::ROLE_REF),
    AGE_COL,
    wide("Users", "string", "Users in the roleBinding"),
    wide("Groups", "string", "Groups in the roleBinding"),
    wide(
        "ServiceAccounts",
        "string",
        "ServiceAccounts in the roleBinding",
    ),
];

const CLUSTER_ROLE_BINDING_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Role", "string", desc::CLUSTER_ROLE_REF),
    AGE_COL,
    wide("Users", "string", "Users in the clusterRoleBinding"),
    wide("Groups", "string", "Groups in the clusterRoleBinding"),
    wide(
        "ServiceAccounts",
        "string",
        "ServiceAccounts in the clusterRoleBinding",
    ),
];

/// `printRoleBinding` / `printClusterRoleBinding` with `rbac.SubjectsStrings`.
fn print_binding(rb: &Value, ctx: &Ctx) -> Row {
    let (mut users, mut groups, mut sas) = (Vec::new(), Vec::new(), Vec::new());
    for subject in arr(rb, &["subjects"]) {
        let subject_name = s(subject, &["name"]);
        match s(subject, &["kind"]) {
            "ServiceAccount" => sas.push(format!("{}/{subject_name}", s(subject, &["namespace"]))),
            "User" => users.push(subject_name.to_string()),
            "Group" => groups.push(subject_name.to_string()),
            _ => {}
        }
    }
    Row::new(vec![
        json!(name(rb)),
        json!(format!(
            "{}/{}",
            s(rb, &["roleRef", "kind"]),
            s(rb, &["roleRef", "name"])
        )),
        age(rb, ctx),
        json!(users.join(", ")),
        json!(groups.join(", ")),
        json!(sas.join(", ")),
    ])
}

const PDB_COLUMNS: &[Col] = &[
    NAME_COL,
    col(
        "Min Available",
        "string",
        "The minimum number of pods that must be available.",
    ),
    col(
        "Max Unavailable",
        "string",
        "The maximum number of pods that may be unavailable.",
    ),
    col(
        "Allowed Disruptions",
        "integer",
        "Calculated number of pods that may be disrupted at this time.",
    ),
    AGE_COL,
];

fn print_pdb(pdb: &Value, ctx: &Ctx) -> Row {
    let int_str = |field: &str| get(pdb, &["spec", field]).map_or("N/A".to_string(), int_or_string);
    Row::new(vec![
        json!(name(pdb)),
        json!(int_str("minAvailable")),
        json!(int_str("maxUnavailable")),
        json!(int(pdb, &["status", "disruptionsAllowed"])),
        age(pdb, ctx),
    ])
}

const STORAGE_CLASS_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Provisioner", "string", desc::SC_PROVISIONER),
    col("ReclaimPolicy", "string", desc::SC_RECLAIM),
    col("VolumeBindingMode", "string", desc::SC_BINDING),
    col("AllowVolumeExpansion", "string", desc::SC_EXPANSION),
    AGE_COL,
];

/// `storageutil.IsDefaultAnnotation`: GA or beta annotation set to "true".
fn is_default_class(sc: &Value) -> bool {
    [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|a| get(sc, &["metadata", "annotations", a]).and_then(Value::as_str) == Some("true"))
}

fn print_storage_class(sc: &Value, ctx: &Ctx) -> Row {
    let mut display = name(sc).to_string();
    if is_default_class(sc) {
        display.push_str(" (default)");
    }
    Row::new(vec![
        json!(display),
        json!(s(sc, &["provisioner"])),
        json!(opt_s(sc, &["reclaimPolicy"]).unwrap_or("Delete")),
        json!(opt_s(sc, &["volumeBindingMode"]).unwrap_or("Immediate")),
        json!(boolean(sc, &["allowVolumeExpansion"])),
        age(sc, ctx),
    ])
}

const PRIORITY_CLASS_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Value", "integer", desc::PC_VALUE),
    col("Global-Default", "boolean", desc::PC_GLOBAL_DEFAULT),
    AGE_COL,
    col("PreemptionPolicy", "string", desc::PC_PREEMPTION),
];

fn print_priority_class(pc: &Value, ctx: &Ctx) -> Row {
    Row::new(vec![
        json!(name(pc)),
        json!(int(pc, &["value"])),
        json!(boolean(pc, &["globalDefault"])),
        age(pc, ctx),
        json!(s(pc, &["preemptionPolicy"])),
    ])
}

const LEASE_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Holder", "string", desc::LEASE_HOLDER),
    AGE_COL,
];

fn print_lease(lease: &Value, ctx: &Ctx) -> Row {
    Row::new(vec![
        json!(name(lease)),
        json!(s(lease, &["spec", "holderIdentity"])),
        age(lease, ctx),
    ])
}

const HPA_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Reference", "string", desc::HPA_REF),
    col("Targets", "string", desc::HPA_METRICS),
    col("MinPods", "string", desc::HPA_MIN),
    col("MaxPods", "string", desc::HPA_MAX),
    col("Replicas", "string", desc::HPA_CURRENT),
    AGE_COL,
];

/// `Quantity.String()` of an optional quantity (nil prints `<nil>`).
fn qty(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "<nil>".to_string(),
    }
}

/// The internal metric specs and statuses of an autoscaling/v1 or v2 HPA.
/// v1's `targetCPUUtilizationPercentage` converts to one CPU Resource metric.
fn hpa_metrics(hpa: &Value) -> (Vec<Value>, Vec<Value>) {
    if let Some(metrics) = get(hpa, &["spec", "metrics"]).and_then(Value::as_array) {
        return (
            metrics.clone(),
            arr(hpa, &["status", "currentMetrics"]).to_vec(),
        );
    }
    let Some(target) = opt_int(hpa, &["spec", "targetCPUUtilizationPercentage"]) else {
        return (Vec::new(), Vec::new());
    };
    let spec = json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}}});
    let status = match opt_int(hpa, &["status", "currentCPUUtilizationPercentage"]) {
        Some(cur) => vec![
            json!({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": cur}}}),
        ],
        None => Vec::new(),
    };
    (vec![spec], status)
}

/// `formatHPAMetrics`: at most two entries, then `+ N more...`.
fn format_hpa_metrics(specs: &[Value], statuses: &[Value]) -> String {
    if specs.is_empty() {
        return "<none>".to_string();
    }
    let mut list: Vec<String> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let status = statuses.get(i);
        // The status entry of the same source type, if present at index i.
        let st = |source: &str| status.and_then(|st| get(st, &[source]));
        let entry = match s(spec, &["type"]) {
            source @ ("External" | "Object") => {
                let key = if source == "External" {
                    "external"
                } else {
                    "object"
                };
                if let Some(avg) = get(spec, &[key, "target", "averageValue"]) {
                    let current = st(key)
                        .and_then(|x| get(x, &["current", "averageValue"]))
                        .map_or("<unknown>".to_string(), |q| qty(Some(q)));
                    format!("{current}/{} (avg)", qty(Some(avg)))
                } else {
                    let current = st(key).map_or("<unknown>".to_string(), |x| {
                        qty(get(x, &["current", "value"]))
                    });
                    format!("{current}/{}", qty(get(spec, &[key, "target", "value"])))
                }
            }
            "Pods" => {
                let current = st("pods").map_or("<unknown>".to_string(), |x| {
                    qty(get(x, &["current", "averageValue"]))
                });
                format!(
                    "{current}/{}",
                    qty(get(spec, &["pods", "target", "averageValue"]))
                )
            }
            source @ ("Resource" | "ContainerResource") => {
                let key = if source == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let res_name = s(spec, &[key, "name"]);
                if let Some(avg) = get(spec, &[key, "target", "averageValue"]) {
                    let current = st(key).map_or("<unknown>".to_string(), |x| {
                        qty(get(x, &["current", "averageValue"]))
                    });
                    format!("{res_name}: {current}/{}", qty(Some(avg)))
                } else {
                    let current = st(key)
                        .and_then(|x| opt_int(x, &["current", "averageUtilization"]))
                        .map_or("<unknown>".to_string(), |u| format!("{u}%"));
                    let target = opt_int(spec, &[key, "target", "averageUtilization"])
                        .map_or("<auto>".to_string(), |u| format!("{u}%"));
                    format!("{res_name}: {current}/{target}")
                }
            }
            _ => "<unknown type>".to_string(),
        };
        list.push(entry);
    }
    const MAX: usize = 2;
    let count = list.len();
    if count > MAX {
        list.truncate(MAX);
        return format!("{} + {} more...", list.join(", "), count - MAX);
    }
    list.join(", ")
}

fn print_hpa(hpa: &Value, ctx: &Ctx) -> Row {
    let (specs, statuses) = hpa_metrics(hpa);
    let reference = format!(
        "{}/{}",
        s(hpa, &["spec", "scaleTargetRef", "kind"]),
        s(hpa, &["spec", "scaleTargetRef", "name"])
    );
    let min_pods =
        opt_int(hpa, &["spec", "minReplicas"]).map_or("<unset>".to_string(), |m| m.to_string());
    Row::new(vec![
        json!(name(hpa)),
        json!(reference),
        json!(format_hpa_metrics(&specs, &statuses)),
        json!(min_pods),
        json!(int(hpa, &["spec", "maxReplicas"])),
        json!(int(hpa, &["status", "currentReplicas"])),
        age(hpa, ctx),
    ])
}
