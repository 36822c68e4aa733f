//! Pods, nodes and services (`printPod`, `printNode`, `printService`).

use serde_json::{Value, json};

use super::util::{Ctx, arr, boolean, format_labels, get, int, name, parse_time, s};
use super::{AGE_COL, Col, NAME_COL, Printer, Row, col, desc, wide};

pub(crate) fn printer(kind: &str) -> Option<Printer> {
    let (columns, print): (&'static [Col], super::PrintFn) = match kind {
        "Pod" => (POD_COLUMNS, print_pod),
        "Node" => (NODE_COLUMNS, print_node),
        "Service" => (SERVICE_COLUMNS, print_service),
        _ => return None,
    };
    Some(Printer { columns, print })
}

const POD_COLUMNS: &[Col] = &[
    NAME_COL,
    col(
        "Ready",
        "string",
        "The aggregate readiness state of this pod for accepting traffic.",
    ),
    col(
        "Status",
        "string",
        "The aggregate status of the containers in this pod.",
    ),
    col(
        "Restarts",
        "string",
        "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    AGE_COL,
    wide("IP", "string", desc::POD_IP),
    wide("Node", "string", desc::NODE_NAME),
    wide("Nominated Node", "string", desc::NOMINATED_NODE),
    wide("Readiness Gates", "string", desc::READINESS_GATES),
];

/// Go's `Time.Before` on possibly-zero times (`None` is the zero time).
fn before(a: Option<i128>, b: Option<i128>) -> bool {
    a.unwrap_or(i128::MIN) < b.unwrap_or(i128::MIN)
}

/// `lastState.terminated.finishedAt` of a container status.
fn last_termination(c: &Value) -> Option<Option<i128>> {
    get(c, &["lastState", "terminated"]).map(|t| parse_time(t.get("finishedAt")))
}

fn condition_true(status: &Value, ty: &str) -> bool {
    arr(status, &["conditions"])
        .iter()
        .any(|c| s(c, &["type"]) == ty && s(c, &["status"]) == "True")
}

/// `printPod`.
fn print_pod(pod: &Value, ctx: &Ctx) -> Row {
    let empty = json!({});
    let spec = get(pod, &["spec"]).unwrap_or(&empty);
    let status = get(pod, &["status"]).unwrap_or(&empty);

    let mut restarts: i64 = 0;
    let mut restartable_restarts: i64 = 0;
    let mut total = arr(spec, &["containers"]).len();
    let mut ready = 0usize;
    let mut last_restart: Option<i128> = None;
    let mut last_restartable_restart: Option<i128> = None;

    let phase = s(status, &["phase"]);
    let mut reason = match s(status, &["reason"]) {
        "" => phase.to_string(),
        r => r.to_string(),
    };
    for c in arr(status, &["conditions"]) {
        if s(c, &["type"]) == "PodScheduled" && s(c, &["reason"]) == "SchedulingGated" {
            reason = "SchedulingGated".to_string();
        }
    }
    let conditions = match phase {
        "Succeeded" => Some(
            json!([{"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}]),
        ),
        "Failed" => Some(
            json!([{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]),
        ),
        _ => None,
    };

    let init_specs = arr(spec, &["initContainers"]);
    let restartable = |cname: &str| {
        init_specs
            .iter()
            .any(|c| s(c, &["name"]) == cname && s(c, &["restartPolicy"]) == "Always")
    };
    total += init_specs
        .iter()
        .filter(|c| s(c, &["restartPolicy"]) == "Always")
        .count();

    let mut initializing = false;
    for (i, c) in arr(status, &["initContainerStatuses"]).iter().enumerate() {
        let count = int(c, &["restartCount"]);
        restarts += count;
        let finished = last_termination(c);
        if let Some(f) = finished
            && before(last_restart, f)
        {
            last_restart = f;
        }
        let is_restartable = restartable(s(c, &["name"]));
        if is_restartable {
            restartable_restarts += count;
            if let Some(f) = finished
                && before(last_restartable_restart, f)
            {
                last_restartable_restart = f;
            }
        }
        let terminated = get(c, &["state", "terminated"]);
        let waiting = get(c, &["state", "waiting"]);
        if terminated.is_some_and(|t| int(t, &["exitCode"]) == 0) {
            continue;
        }
        if is_restartable && get(c, &["started"]).and_then(Value::as_bool) == Some(true) {
            if boolean(c, &["ready"]) {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match s(t, &["reason"]) {
                "" if int(t, &["signal"]) != 0 => format!("Init:Signal:{}", int(t, &["signal"])),
                "" => format!("Init:ExitCode:{}", int(t, &["exitCode"])),
                r => format!("Init:{r}"),
            };
        } else if let Some(w) =
            waiting.filter(|w| !matches!(s(w, &["reason"]), "" | "PodInitializing"))
        {
            reason = format!("Init:{}", s(w, &["reason"]));
        } else {
            reason = format!("Init:{}/{}", i, init_specs.len());
        }
        initializing = true;
        break;
    }

    if !initializing || condition_true(status, "Initialized") {
        restarts = restartable_restarts;
        last_restart = last_restartable_restart;
        let mut has_running = false;
        for c in arr(status, &["containerStatuses"]).iter().rev() {
            restarts += int(c, &["restartCount"]);
            if let Some(f) = last_termination(c)
                && before(last_restart, f)
            {
                last_restart = f;
            }
            let waiting = get(c, &["state", "waiting"]);
            let terminated = get(c, &["state", "terminated"]);
            if let Some(w) = waiting.filter(|w| !s(w, &["reason"]).is_empty()) {
                reason = s(w, &["reason"]).to_string();
            } else if let Some(t) = terminated {
                reason = match s(t, &["reason"]) {
                    "" if int(t, &["signal"]) != 0 => format!("Signal:{}", int(t, &["signal"])),
                    "" => format!("ExitCode:{}", int(t, &["exitCode"])),
                    r => r.to_string(),
                };
            } else if boolean(c, &["ready"]) && get(c, &["state", "running"]).is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(status, "Ready") {
                "Running"
            } else {
                "NotReady"
            }
            .to_string();
        }
    }

    let deleting = get(pod, &["metadata", "deletionTimestamp"]).is_some();
    if deleting && s(status, &["reason"]) == "NodeLost" {
        reason = "Unknown".to_string();
    } else if deleting && !matches!(phase, "Succeeded" | "Failed") {
        reason = "Terminating".to_string();
    }

    let restarts_str = match last_restart {
        Some(t) if restarts != 0 => format!(
            "{restarts} ({} ago)",
            super::util::human_duration_nanos(ctx.now_nanos - t)
        ),
        _ => restarts.to_string(),
    };

    let pod_ip = arr(status, &["podIPs"])
        .first()
        .map(|p| s(p, &["ip"]))
        .unwrap_or_else(|| s(status, &["podIP"]));
    let or_none = |v: &str| {
        if v.is_empty() {
            "<none>".to_string()
        } else {
            v.to_string()
        }
    };
    let gates = arr(spec, &["readinessGates"]);
    let readiness_gates = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let conds = arr(status, &["conditions"]);
        let true_count = gates
            .iter()
            .filter(|g| {
                let ty = s(g, &["conditionType"]);
                conds
                    .iter()
                    .find(|c| s(c, &["type"]) == ty)
                    .is_some_and(|c| s(c, &["status"]) == "True")
            })
            .count();
        format!("{true_count}/{}", gates.len())
    };

    Row {
        cells: vec![
            json!(name(pod)),
            json!(format!("{ready}/{total}")),
            json!(reason),
            json!(restarts_str),
            json!(ctx.since(get(pod, &["metadata", "creationTimestamp"]))),
            json!(or_none(pod_ip)),
            json!(or_none(s(spec, &["nodeName"]))),
            json!(or_none(s(status, &["nominatedNodeName"]))),
            json!(readiness_gates),
        ],
        conditions,
    }
}

const NODE_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Status", "string", "The status of the node"),
    col("Roles", "string", "The roles of the node"),
    AGE_COL,
    col("Version", "string", desc::NODE_KUBELET_VERSION),
    wide("Internal-IP", "string", desc::NODE_ADDRESSES),
    wide("External-IP", "string", desc::NODE_ADDRESSES),
    wide("OS-Image", "string", desc::NODE_OS_IMAGE),
    wide("Kernel-Version", "string", desc::NODE_KERNEL),
    wide("Container-Runtime", "string", desc::NODE_RUNTIME),
];

/// `printNode`.
fn print_node(node: &Value, ctx: &Ctx) -> Row {
    // The last condition of type Ready wins, as in upstream's condition map.
    let ready = arr(node, &["status", "conditions"])
        .iter()
        .rev()
        .find(|c| s(c, &["type"]) == "Ready");
    let mut status: Vec<&str> = vec![match ready {
        Some(c) if s(c, &["status"]) == "True" => "Ready",
        Some(_) => "NotReady",
        None => "Unknown",
    }];
    if boolean(node, &["spec", "unschedulable"]) {
        status.push("SchedulingDisabled");
    }
    let mut roles: Vec<String> = Vec::new();
    if let Some(labels) = get(node, &["metadata", "labels"]).and_then(Value::as_object) {
        for (k, v) in labels {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                if !role.is_empty() {
                    roles.push(role.to_string());
                }
            } else if k == "kubernetes.io/role" {
                let v = v.as_str().unwrap_or("");
                if !v.is_empty() {
                    roles.push(v.to_string());
                }
            }
        }
    }
    roles.sort();
    roles.dedup();
    let roles = if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    };
    let address = |ty: &str| {
        arr(node, &["status", "addresses"])
            .iter()
            .find(|a| s(a, &["type"]) == ty)
            .map_or("<none>", |a| s(a, &["address"]))
            .to_string()
    };
    let info = |field: &str| match s(node, &["status", "nodeInfo", field]) {
        "" => "<unknown>".to_string(),
        v => v.to_string(),
    };
    Row::new(vec![
        json!(name(node)),
        json!(status.join(",")),
        json!(roles),
        json!(ctx.since(get(node, &["metadata", "creationTimestamp"]))),
        json!(s(node, &["status", "nodeInfo", "kubeletVersion"])),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(info("osImage")),
        json!(info("kernelVersion")),
        json!(info("containerRuntimeVersion")),
    ])
}

const SERVICE_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Type", "string", desc::SVC_TYPE),
    col("Cluster-IP", "string", desc::SVC_CLUSTER_IP),
    col("External-IP", "string", desc::SVC_EXTERNAL_IPS),
    col("Port(s)", "string", desc::SVC_PORTS),
    AGE_COL,
    wide("Selector", "string", desc::SVC_SELECTOR),
];

/// `loadBalancerStatusStringer` (wide: never truncated on the server):
/// sorted, de-duplicated IPs or hostnames.
pub(crate) fn load_balancer_ingress(status: Option<&Value>) -> String {
    let mut out: Vec<&str> = status
        .map(|st| arr(st, &["ingress"]))
        .unwrap_or(&[])
        .iter()
        .filter_map(|i| match (s(i, &["ip"]), s(i, &["hostname"])) {
            ("", "") => None,
            ("", h) => Some(h),
            (ip, _) => Some(ip),
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out.join(",")
}

/// `getServiceExternalIP`.
fn service_external_ip(svc: &Value) -> String {
    let external: Vec<&str> = arr(svc, &["spec", "externalIPs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    match s(svc, &["spec", "type"]) {
        "ClusterIP" | "NodePort" => {
            if external.is_empty() {
                "<none>".to_string()
            } else {
                external.join(",")
            }
        }
        "LoadBalancer" => {
            let lb = load_balancer_ingress(get(svc, &["status", "loadBalancer"]));
            if !external.is_empty() {
                let mut all: Vec<&str> = Vec::new();
                if !lb.is_empty() {
                    all.extend(lb.split(','));
                }
                all.extend(external);
                all.join(",")
            } else if !lb.is_empty() {
                lb
            } else {
                "<pending>".to_string()
            }
        }
        "ExternalName" => s(svc, &["spec", "externalName"]).to_string(),
        _ => "<unknown>".to_string(),
    }
}

/// `makePortString`: `port/proto` or `port:nodePort/proto`.
fn port_string(svc: &Value) -> String {
    let ports: Vec<String> = arr(svc, &["spec", "ports"])
        .iter()
        .map(|p| {
            let proto = match s(p, &["protocol"]) {
                "" => "TCP",
                other => other,
            };
            let node_port = int(p, &["nodePort"]);
            if node_port > 0 {
                format!("{}:{node_port}/{proto}", int(p, &["port"]))
            } else {
                format!("{}/{proto}", int(p, &["port"]))
            }
        })
        .collect();
    ports.join(",")
}

/// `printService`.
fn print_service(svc: &Value, ctx: &Ctx) -> Row {
    let cluster_ip = arr(svc, &["spec", "clusterIPs"])
        .first()
        .and_then(Value::as_str)
        .or_else(|| super::util::opt_s(svc, &["spec", "clusterIP"]).filter(|v| !v.is_empty()))
        .unwrap_or("<none>");
    let ports = match port_string(svc) {
        p if p.is_empty() => "<none>".to_string(),
        p => p,
    };
    Row::new(vec![
        json!(name(svc)),
        json!(s(svc, &["spec", "type"])),
        json!(cluster_ip),
        json!(service_external_ip(svc)),
        json!(ports),
        json!(ctx.since(get(svc, &["metadata", "creationTimestamp"]))),
        json!(format_labels(get(svc, &["spec", "selector"]))),
    ])
}
