//! apps/v1 printers: deployments, replica sets, daemon sets, stateful sets
//! and controller revisions.

use serde_json::{Value, json};

use super::util::{
    Ctx, arr, format_label_selector, format_labels, get, int, layout_containers, name, opt_int, s,
    selector_string,
};
use super::{AGE_COL, Col, NAME_COL, Printer, Row, col, desc, wide};

pub(crate) fn printer(kind: &str) -> Option<Printer> {
    let (columns, print): (&'static [Col], super::PrintFn) = match kind {
        "Deployment" => (DEPLOYMENT_COLUMNS, print_deployment),
        "ReplicaSet" => (REPLICASET_COLUMNS, print_replicaset),
        "DaemonSet" => (DAEMONSET_COLUMNS, print_daemonset),
        "StatefulSet" => (STATEFULSET_COLUMNS, print_statefulset),
        "ControllerRevision" => (REVISION_COLUMNS, print_revision),
        _ => return None,
    };
    Some(Printer { columns, print })
}

fn age(obj: &Value, ctx: &Ctx) -> Value {
    json!(ctx.since(get(obj, &["metadata", "creationTimestamp"])))
}

/// `spec.replicas`, which apps/v1 defaults to 1.
fn desired(obj: &Value) -> i64 {
    opt_int(obj, &["spec", "replicas"]).unwrap_or(1)
}

fn template_containers(obj: &Value) -> (String, String) {
    layout_containers(arr(obj, &["spec", "template", "spec", "containers"]))
}

const DEPLOYMENT_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Ready", "string", desc::READY_PODS),
    col("Up-to-date", "string", desc::DEPLOY_UPDATED),
    col("Available", "string", desc::DEPLOY_AVAILABLE),
    AGE_COL,
    wide("Containers", "string", desc::CONTAINERS),
    wide("Images", "string", desc::IMAGES),
    wide("Selector", "string", desc::DEPLOY_SELECTOR),
];

/// `printDeployment`: READY is `ready/desired`; the selector is printed
/// without the `<none>` substitution.
fn print_deployment(d: &Value, ctx: &Ctx) -> Row {
    let (names, images) = template_containers(d);
    Row::new(vec![
        json!(name(d)),
        json!(format!(
            "{}/{}",
            int(d, &["status", "readyReplicas"]),
            desired(d)
        )),
        json!(int(d, &["status", "updatedReplicas"])),
        json!(int(d, &["status", "availableReplicas"])),
        age(d, ctx),
        json!(names),
        json!(images),
        json!(selector_string(get(d, &["spec", "selector"]))),
    ])
}

const REPLICASET_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Desired", "integer", desc::RS_SPEC_REPLICAS),
    col("Current", "integer", desc::RS_STATUS_REPLICAS),
    col("Ready", "integer", desc::RS_READY),
    AGE_COL,
    wide("Containers", "string", desc::CONTAINERS),
    wide("Images", "string", desc::IMAGES),
    wide("Selector", "string", desc::RS_SELECTOR),
];

fn print_replicaset(rs: &Value, ctx: &Ctx) -> Row {
    let (names, images) = template_containers(rs);
    Row::new(vec![
        json!(name(rs)),
        json!(desired(rs)),
        json!(int(rs, &["status", "replicas"])),
        json!(int(rs, &["status", "readyReplicas"])),
        age(rs, ctx),
        json!(names),
        json!(images),
        json!(format_label_selector(get(rs, &["spec", "selector"]))),
    ])
}

const DAEMONSET_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Desired", "integer", desc::DS_DESIRED),
    col("Current", "integer", desc::DS_CURRENT),
    col("Ready", "integer", desc::DS_READY),
    col("Up-to-date", "integer", desc::DS_UPDATED),
    col("Available", "integer", desc::DS_AVAILABLE),
    col("Node Selector", "string", desc::NODE_SELECTOR),
    AGE_COL,
    wide("Containers", "string", desc::CONTAINERS),
    wide("Images", "string", desc::IMAGES),
    wide("Selector", "string", desc::DS_SELECTOR),
];

fn print_daemonset(ds: &Value, ctx: &Ctx) -> Row {
    let (names, images) = template_containers(ds);
    Row::new(vec![
        json!(name(ds)),
        json!(int(ds, &["status", "desiredNumberScheduled"])),
        json!(int(ds, &["status", "currentNumberScheduled"])),
        json!(int(ds, &["status", "numberReady"])),
        json!(int(ds, &["status", "updatedNumberScheduled"])),
        json!(int(ds, &["status", "numberAvailable"])),
        json!(format_labels(get(
            ds,
            &["spec", "template", "spec", "nodeSelector"]
        ))),
        age(ds, ctx),
        json!(names),
        json!(images),
        json!(format_label_selector(get(ds, &["spec", "selector"]))),
    ])
}

const STATEFULSET_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Ready", "string", desc::READY_PODS),
    AGE_COL,
    wide("Containers", "string", desc::CONTAINERS),
    wide("Images", "string", desc::IMAGES),
];

fn print_statefulset(ss: &Value, ctx: &Ctx) -> Row {
    let (names, images) = template_containers(ss);
    Row::new(vec![
        json!(name(ss)),
        json!(format!(
            "{}/{}",
            int(ss, &["status", "readyReplicas"]),
            desired(ss)
        )),
        age(ss, ctx),
        json!(names),
        json!(images),
    ])
}

const REVISION_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Controller", "string", "Controller of the object"),
    col("Revision", "string", desc::CR_REVISION),
    AGE_COL,
];

/// The controller owner reference, printed as `kind.group/name` in lower case
/// (`formatResourceName` with the owner's GroupKind).
pub(crate) fn controller_name(obj: &Value) -> String {
    let Some(owner) = arr(obj, &["metadata", "ownerReferences"])
        .iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
    else {
        return "<none>".to_string();
    };
    let api_version = s(owner, &["apiVersion"]);
    let group = match api_version.split_once('/') {
        Some((g, _)) => g,
        None => "",
    };
    let kind = s(owner, &["kind"]);
    let owner_name = s(owner, &["name"]);
    if kind.is_empty() && group.is_empty() {
        return owner_name.to_string();
    }
    let gk = if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    };
    format!("{}/{owner_name}", gk.to_lowercase())
}

fn print_revision(cr: &Value, ctx: &Ctx) -> Row {
    Row::new(vec![
        json!(name(cr)),
        json!(controller_name(cr)),
        json!(int(cr, &["revision"])),
        age(cr, ctx),
    ])
}
