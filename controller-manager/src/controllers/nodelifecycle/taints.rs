//! The node taints the node-lifecycle-controller owns: which `NoSchedule` taints follow from a
//! node's conditions and `spec.unschedulable` (upstream's `doNoScheduleTaintingPass`), the two
//! `NoExecute` taints for a node not ready or unreachable, and writing a taint change to a
//! node (upstream's `SwapNodeControllerTaint`, retried on conflicts).

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Node, Taint};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::{Api, PostParams};

use crate::controller::{self, Result};

pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
pub const TAINT_MEMORY_PRESSURE: &str = "node.kubernetes.io/memory-pressure";
pub const TAINT_DISK_PRESSURE: &str = "node.kubernetes.io/disk-pressure";
pub const TAINT_PID_PRESSURE: &str = "node.kubernetes.io/pid-pressure";
pub const TAINT_NETWORK_UNAVAILABLE: &str = "node.kubernetes.io/network-unavailable";

pub const NO_SCHEDULE: &str = "NoSchedule";
pub const NO_EXECUTE: &str = "NoExecute";

/// The taint key a condition of `type_` with `status` calls for (upstream's
/// `nodeConditionToTaintKeyStatusMap`).
pub fn taint_key_for_condition(type_: &str, status: &str) -> Option<&'static str> {
    match (type_, status) {
        ("Ready", "False") => Some(TAINT_NOT_READY),
        ("Ready", "Unknown") => Some(TAINT_UNREACHABLE),
        ("MemoryPressure", "True") => Some(TAINT_MEMORY_PRESSURE),
        ("DiskPressure", "True") => Some(TAINT_DISK_PRESSURE),
        ("NetworkUnavailable", "True") => Some(TAINT_NETWORK_UNAVAILABLE),
        ("PIDPressure", "True") => Some(TAINT_PID_PRESSURE),
        _ => None,
    }
}

/// Whether a taint key is one a node condition maps to.
fn is_condition_taint_key(key: &str) -> bool {
    matches!(
        key,
        TAINT_NOT_READY
            | TAINT_UNREACHABLE
            | TAINT_MEMORY_PRESSURE
            | TAINT_DISK_PRESSURE
            | TAINT_NETWORK_UNAVAILABLE
            | TAINT_PID_PRESSURE
    )
}

/// A taint with no value.
pub fn taint(key: &str, effect: &str) -> Taint {
    Taint {
        key: key.to_owned(),
        effect: effect.to_owned(),
        value: None,
        time_added: None,
    }
}

/// Whether `taints` holds one with the key and effect of `wanted` (upstream's `MatchTaint`).
pub fn has_taint(taints: &[Taint], wanted: &Taint) -> bool {
    taints
        .iter()
        .any(|t| t.key == wanted.key && t.effect == wanted.effect)
}

fn node_taints(node: &Node) -> &[Taint] {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or_default()
}

/// The `NoSchedule` taints to add to and remove from `node` so that they follow its
/// conditions and `spec.unschedulable`.
pub fn no_schedule_changes(node: &Node) -> (Vec<Taint>, Vec<Taint>) {
    let mut wanted: Vec<Taint> = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default()
        .iter()
        .filter_map(|c| taint_key_for_condition(&c.type_, &c.status))
        .map(|key| taint(key, NO_SCHEDULE))
        .collect();
    if node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
    {
        wanted.push(taint(TAINT_UNSCHEDULABLE, NO_SCHEDULE));
    }
    let owned: Vec<Taint> = node_taints(node)
        .iter()
        .filter(|t| {
            t.effect == NO_SCHEDULE
                && (t.key == TAINT_UNSCHEDULABLE || is_condition_taint_key(&t.key))
        })
        .cloned()
        .collect();
    let add = wanted
        .iter()
        .filter(|t| !has_taint(&owned, t))
        .cloned()
        .collect();
    let remove = owned
        .into_iter()
        .filter(|t| !has_taint(&wanted, t))
        .collect();
    (add, remove)
}

/// `taints` with `add` added (replacing a taint of the same key and effect but another value)
/// and `remove` removed; `None` when nothing changes. Added taints get `timeAdded` = `now`.
pub fn apply_changes(
    taints: &[Taint],
    add: &[Taint],
    remove: &[Taint],
    now: Timestamp,
) -> Option<Vec<Taint>> {
    let mut result: Vec<Taint> = taints
        .iter()
        .filter(|t| !has_taint(remove, t))
        .cloned()
        .collect();
    let mut changed = result.len() != taints.len();
    for wanted in add {
        let existing = result
            .iter()
            .position(|t| t.key == wanted.key && t.effect == wanted.effect);
        if let Some(i) = existing {
            if result[i].value == wanted.value {
                continue;
            }
            result.remove(i);
        }
        let mut added = wanted.clone();
        added.time_added = Some(Time(now));
        result.push(added);
        changed = true;
    }
    changed.then_some(result)
}

/// Adds `add` to and removes `remove` from the node's taints, starting from the cached `node`
/// and reading it again after a conflict.
pub async fn swap_taints(
    client: &kube::Client,
    node: &Node,
    add: &[Taint],
    remove: &[Taint],
) -> Result<()> {
    let api: Api<Node> = Api::all(client.clone());
    let name = node.metadata.name.clone().unwrap_or_default();
    let mut current = node.clone();
    for attempt in 0..5 {
        if attempt > 0 {
            current = match api.get(&name).await {
                Ok(node) => node,
                Err(error) if controller::is_not_found(&error) => return Ok(()),
                Err(error) => return Err(error.into()),
            };
        }
        let Some(taints) = apply_changes(node_taints(&current), add, remove, Timestamp::now())
        else {
            return Ok(());
        };
        let mut updated = current.clone();
        let spec = updated.spec.get_or_insert_with(Default::default);
        spec.taints = (!taints.is_empty()).then_some(taints);
        match api.replace(&name, &PostParams::default(), &updated).await {
            Ok(_) => return Ok(()),
            Err(error) if controller::is_conflict(&error) => continue,
            Err(error) if controller::is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error.into()),
        }
    }
    Err(controller::Error::Other(format!(
        "could not update the taints of node {name}: conflicts"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{NodeCondition, NodeSpec, NodeStatus};

    fn node(conditions: &[(&str, &str)], unschedulable: bool, taints: Vec<Taint>) -> Node {
        Node {
            spec: Some(NodeSpec {
                unschedulable: Some(unschedulable),
                taints: Some(taints),
                ..NodeSpec::default()
            }),
            status: Some(NodeStatus {
                conditions: Some(
                    conditions
                        .iter()
                        .map(|(t, s)| NodeCondition {
                            type_: (*t).into(),
                            status: (*s).into(),
                            ..NodeCondition::default()
                        })
                        .collect(),
                ),
                ..NodeStatus::default()
            }),
            ..Node::default()
        }
    }

    fn keys(taints: &[Taint]) -> Vec<&str> {
        taints.iter().map(|t| t.key.as_str()).collect()
    }

    // Upstream's TestTaintsNodeByCondition cases.
    #[test]
    fn no_schedule_taints_follow_conditions() {
        let n = node(
            &[("Ready", "True"), ("NetworkUnavailable", "True")],
            false,
            vec![],
        );
        let (add, remove) = no_schedule_changes(&n);
        assert_eq!(keys(&add), [TAINT_NETWORK_UNAVAILABLE]);
        assert!(remove.is_empty());

        let n = node(
            &[
                ("Ready", "False"),
                ("MemoryPressure", "True"),
                ("DiskPressure", "True"),
                ("PIDPressure", "True"),
            ],
            true,
            vec![],
        );
        let (add, _) = no_schedule_changes(&n);
        assert_eq!(
            keys(&add),
            [
                TAINT_NOT_READY,
                TAINT_MEMORY_PRESSURE,
                TAINT_DISK_PRESSURE,
                TAINT_PID_PRESSURE,
                TAINT_UNSCHEDULABLE
            ]
        );

        let n = node(
            &[("Ready", "Unknown")],
            false,
            vec![taint(TAINT_NOT_READY, NO_SCHEDULE)],
        );
        let (add, remove) = no_schedule_changes(&n);
        assert_eq!(keys(&add), [TAINT_UNREACHABLE]);
        assert_eq!(keys(&remove), [TAINT_NOT_READY]);
    }

    #[test]
    fn foreign_taints_are_left_alone() {
        let mine = taint(TAINT_MEMORY_PRESSURE, NO_SCHEDULE);
        let foreign = taint("example.com/special", NO_SCHEDULE);
        let no_execute = taint(TAINT_NOT_READY, NO_EXECUTE);
        let n = node(&[("Ready", "True")], false, vec![mine, foreign, no_execute]);
        let (add, remove) = no_schedule_changes(&n);
        assert!(add.is_empty());
        assert_eq!(keys(&remove), [TAINT_MEMORY_PRESSURE]);
    }

    #[test]
    fn applying_changes_stamps_added_taints_and_reports_no_change() {
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        let existing = vec![taint(TAINT_NOT_READY, NO_EXECUTE)];
        let result = apply_changes(
            &existing,
            &[taint(TAINT_UNREACHABLE, NO_EXECUTE)],
            &[taint(TAINT_NOT_READY, NO_EXECUTE)],
            now,
        )
        .unwrap();
        assert_eq!(keys(&result), [TAINT_UNREACHABLE]);
        assert_eq!(result[0].time_added, Some(Time(now)));
        assert!(
            apply_changes(&result, &[taint(TAINT_UNREACHABLE, NO_EXECUTE)], &[], now).is_none()
        );
    }
}
