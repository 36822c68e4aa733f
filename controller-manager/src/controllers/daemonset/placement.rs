//! What a DaemonSet sync decides, from the cache alone (upstream's `podsShouldBeOnNode`,
//! `rollingUpdate` in `update.go`, and `updateDaemonSetStatus`): which nodes need a pod,
//! which pods go (on nodes that no longer qualify, failed, or extra), which old pods a
//! rolling update replaces within `maxUnavailable`/`maxSurge`, and the status counts.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::Timestamp;

use super::eligibility::{node_should_run, target_node};
use crate::active_pods::{is_pod_available, is_pod_ready, is_pod_terminal};
use crate::controller_revisions::POD_REVISION_LABEL;

/// The deprecated pod label with the template generation.
pub const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";

/// The daemon's pods by the node they are for; pods for no node are left out.
pub fn pods_by_node(
    pods: &[Arc<Pod>],
    include_deleted_terminal: bool,
) -> BTreeMap<String, Vec<Arc<Pod>>> {
    let mut by_node: BTreeMap<String, Vec<Arc<Pod>>> = BTreeMap::new();
    for pod in pods {
        if !include_deleted_terminal
            && is_pod_terminal(pod)
            && pod.metadata.deletion_timestamp.is_some()
        {
            continue;
        }
        if let Some(node) = target_node(pod) {
            by_node.entry(node).or_default().push(pod.clone());
        }
    }
    by_node
}

fn label<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata.labels.as_ref()?.get(key).map(String::as_str)
}

fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

fn min_ready_seconds(ds: &DaemonSet) -> i32 {
    ds.spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0)
}

/// Whether the pod is at the current template: its hash label, or its (deprecated)
/// template generation label (`IsPodUpdated`).
pub fn is_pod_updated(pod: &Pod, hash: &str, generation: Option<i64>) -> bool {
    let by_generation = generation
        .is_some_and(|g| label(pod, TEMPLATE_GENERATION_LABEL) == Some(g.to_string().as_str()));
    let by_hash = !hash.is_empty() && label(pod, POD_REVISION_LABEL) == Some(hash);
    by_hash || by_generation
}

/// Upstream's `podByCreationTimestampAndPhase`: bound pods first, then the oldest.
fn oldest_first(pods: &mut [Arc<Pod>]) {
    pods.sort_by(|a, b| {
        let bound = |p: &Pod| {
            p.spec
                .as_ref()
                .and_then(|s| s.node_name.as_ref())
                .is_some_and(|n| !n.is_empty())
        };
        let created = |p: &Pod| p.metadata.creation_timestamp.as_ref().map(|t| t.0);
        bound(b)
            .cmp(&bound(a))
            .then_with(|| created(a).cmp(&created(b)))
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
}

fn name_of(pod: &Pod) -> String {
    pod.metadata.name.clone().unwrap_or_default()
}

/// What `manage` does on the nodes.
#[derive(Debug, Default, PartialEq)]
pub struct Manage {
    /// Nodes that need a daemon pod.
    pub create_on: Vec<String>,
    /// Pods to delete.
    pub delete: Vec<String>,
    /// Failed pods deleted (with their node), to report.
    pub failed: Vec<(String, String)>,
    /// Succeeded pods deleted (with their node), to report.
    pub succeeded: Vec<(String, String)>,
    /// Nodes whose failed pod waits for its back-off.
    pub backing_off: Vec<String>,
}

/// `manage`/`podsShouldBeOnNode` for every node. `in_backoff(node)` tells whether deleting a
/// failed pod on that node must wait.
pub fn manage(
    ds: &DaemonSet,
    nodes: &[Arc<Node>],
    by_node: &BTreeMap<String, Vec<Arc<Pod>>>,
    hash: &str,
    generation: Option<i64>,
    in_backoff: &dyn Fn(&str) -> bool,
    now: Timestamp,
) -> Manage {
    let mut out = Manage::default();
    let surge = allows_surge(ds);
    let min_ready = min_ready_seconds(ds);
    for node in nodes {
        let node_name = node.metadata.name.clone().unwrap_or_default();
        let (should_run, should_continue) = node_should_run(node, ds);
        let pods = by_node.get(&node_name);
        match pods {
            None if should_run => out.create_on.push(node_name),
            Some(pods) if should_continue => {
                let mut running = Vec::new();
                for pod in pods {
                    if pod.metadata.deletion_timestamp.is_some() {
                        continue;
                    }
                    match phase(pod) {
                        "Failed" => {
                            if in_backoff(&node_name) {
                                out.backing_off.push(node_name.clone());
                                continue;
                            }
                            out.failed.push((name_of(pod), node_name.clone()));
                            out.delete.push(name_of(pod));
                        }
                        "Succeeded" => {
                            out.succeeded.push((name_of(pod), node_name.clone()));
                            out.delete.push(name_of(pod));
                        }
                        _ => running.push(pod.clone()),
                    }
                }
                oldest_first(&mut running);
                if !surge {
                    // Keep the oldest; the rest are extra.
                    out.delete
                        .extend(running.iter().skip(1).map(|p| name_of(p)));
                    continue;
                }
                if running.len() <= 1 {
                    if running.is_empty() && should_run {
                        out.create_on.push(node_name);
                    }
                    continue;
                }
                // Surging: keep the oldest new pod and the oldest old pod at most; the old
                // one goes once it is unready or the new one is available.
                let (mut oldest_new, mut oldest_old) = (None, None);
                for pod in &running {
                    let slot = if label(pod, POD_REVISION_LABEL) == Some(hash) {
                        &mut oldest_new
                    } else {
                        &mut oldest_old
                    };
                    if slot.is_none() {
                        *slot = Some(pod.clone());
                    } else {
                        out.delete.push(name_of(pod));
                    }
                }
                if let (Some(new), Some(old)) = (oldest_new, oldest_old)
                    && (!is_pod_ready(&old) || is_pod_available(&new, min_ready, now))
                {
                    out.delete.push(name_of(&old));
                }
            }
            Some(pods) if !should_continue => {
                out.delete.extend(
                    pods.iter()
                        .filter(|p| p.metadata.deletion_timestamp.is_none())
                        .map(|p| name_of(p)),
                );
            }
            _ => {}
        }
    }
    // Unbound pods for nodes that no longer exist: nothing else would delete them.
    for (node, pods) in by_node {
        if nodes
            .iter()
            .any(|n| n.metadata.name.as_deref() == Some(node))
        {
            continue;
        }
        out.delete.extend(
            pods.iter()
                .filter(|p| {
                    p.spec
                        .as_ref()
                        .and_then(|s| s.node_name.as_ref())
                        .is_none_or(|n| n.is_empty())
                })
                .map(|p| name_of(p)),
        );
    }
    let _ = generation;
    out
}

/// An int-or-percent of `total`, percentages rounded up
/// (`GetScaledValueFromIntOrPercent(…, true)`).
pub fn scaled_value(value: &IntOrString, total: i32) -> i32 {
    match value {
        IntOrString::Int(v) => *v,
        IntOrString::String(s) => {
            let percent: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            let scaled = (percent * i64::from(total) + 99) / 100;
            i32::try_from(scaled).unwrap_or(i32::MAX)
        }
    }
}

fn rolling(ds: &DaemonSet) -> Option<&k8s_openapi::api::apps::v1::RollingUpdateDaemonSet> {
    let strategy = ds.spec.as_ref()?.update_strategy.as_ref()?;
    if strategy.type_.as_deref().unwrap_or("RollingUpdate") != "RollingUpdate" {
        return None;
    }
    strategy.rolling_update.as_ref()
}

/// `SurgeCount`: `maxSurge` of the desired pods (0 when unset).
pub fn surge_count(ds: &DaemonSet, desired: i32) -> i32 {
    rolling(ds)
        .and_then(|r| r.max_surge.as_ref())
        .map_or(0, |v| scaled_value(v, desired))
}

/// `UnavailableCount`: `maxUnavailable` of the desired pods (1 when unset, as defaulted).
pub fn unavailable_count(ds: &DaemonSet, desired: i32) -> i32 {
    rolling(ds).map_or(0, |r| {
        scaled_value(
            r.max_unavailable.as_ref().unwrap_or(&IntOrString::Int(1)),
            desired,
        )
    })
}

/// Whether a rolling update starts new pods before old ones go.
pub fn allows_surge(ds: &DaemonSet) -> bool {
    surge_count(ds, 1) != 0
}

/// A node's up-to-date pod and old pod, each if any.
type NewAndOld = (Option<Arc<Pod>>, Option<Arc<Pod>>);

/// The one new and one old pod on a node, or `None` when there are more (`findUpdatedPodsOnNode`).
fn updated_and_old(pods: &[Arc<Pod>], hash: &str, generation: Option<i64>) -> Option<NewAndOld> {
    let (mut new, mut old) = (None, None);
    for pod in pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
    {
        let slot = if is_pod_updated(pod, hash, generation) {
            &mut new
        } else {
            &mut old
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(pod.clone());
    }
    Some((new, old))
}

/// What a rolling update does: old pods to delete and nodes to surge onto (`rollingUpdate`).
pub fn rolling_update(
    ds: &DaemonSet,
    nodes: &[Arc<Node>],
    by_node: &BTreeMap<String, Vec<Arc<Pod>>>,
    hash: &str,
    generation: Option<i64>,
    now: Timestamp,
) -> (Vec<String>, Vec<String>) {
    let min_ready = min_ready_seconds(ds);
    let available = |p: &Pod| is_pod_available(p, min_ready, now);
    let mut by_node = by_node.clone();
    let mut desired = 0;
    for node in nodes {
        if node_should_run(node, ds).0 {
            desired += 1;
            by_node
                .entry(node.metadata.name.clone().unwrap_or_default())
                .or_default();
        }
    }
    let max_surge = surge_count(ds, desired);
    let mut max_unavailable = unavailable_count(ds, desired);
    if desired > 0 && max_surge == 0 && max_unavailable == 0 {
        max_unavailable = 1;
    }
    let should_run = |node_name: &str| {
        nodes
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some(node_name))
            .is_some_and(|n| node_should_run(n, ds).0)
    };

    if max_surge == 0 {
        let mut unavailable = 0;
        let mut replace = Vec::new();
        let mut candidates = Vec::new();
        for pods in by_node.values() {
            let Some((new, old)) = updated_and_old(pods, hash, generation) else {
                unavailable += 1;
                continue;
            };
            match (new, old) {
                (None, None) | (Some(_), Some(_)) => unavailable += 1,
                (Some(new), None) => {
                    if !available(&new) {
                        unavailable += 1;
                    }
                }
                (None, Some(old)) => {
                    if !available(&old) {
                        replace.push(name_of(&old));
                        unavailable += 1;
                    } else if unavailable < max_unavailable {
                        candidates.push(name_of(&old));
                    }
                }
            }
        }
        let room = usize::try_from(max_unavailable - unavailable)
            .unwrap_or(0)
            .min(candidates.len());
        replace.extend(candidates.into_iter().take(room));
        return (replace, Vec::new());
    }

    let (mut delete, mut not_run_delete) = (Vec::new(), Vec::new());
    let (mut allowed_new, mut candidate_new) = (Vec::new(), Vec::new());
    let (mut surging, mut available_count) = (0, 0);
    for (node, pods) in &by_node {
        let Some((new, old)) = updated_and_old(pods, hash, generation) else {
            surging += 1;
            continue;
        };
        if let Some(p) = old.as_ref().or(new.as_ref())
            && available(p)
        {
            available_count += 1;
        }
        match (new, old) {
            (_, None) => {}
            (None, Some(old)) => {
                if !available(&old) {
                    if should_run(node) {
                        allowed_new.push(node.clone());
                    } else {
                        delete.push(name_of(&old));
                    }
                } else if !should_run(node) {
                    not_run_delete.push(name_of(&old));
                } else if surging < max_surge {
                    candidate_new.push(node.clone());
                }
            }
            (Some(new), Some(old)) => {
                if available(&new) {
                    delete.push(name_of(&old));
                } else {
                    surging += 1;
                }
            }
        }
    }
    let deletable = usize::try_from(available_count - desired).unwrap_or(0);
    delete.extend(not_run_delete.into_iter().take(deletable));
    let room = usize::try_from(max_surge - surging)
        .unwrap_or(0)
        .min(candidate_new.len());
    allowed_new.extend(candidate_new.into_iter().take(room));
    (delete, allowed_new)
}

/// The status counts (`updateDaemonSetStatus`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub desired: i32,
    pub current: i32,
    pub misscheduled: i32,
    pub ready: i32,
    pub updated: i32,
    pub available: i32,
}

/// Counts the nodes that should run a pod, have one, have one they should not, and the
/// oldest pod's readiness, availability and revision on each.
pub fn counts(
    ds: &DaemonSet,
    nodes: &[Arc<Node>],
    by_node: &BTreeMap<String, Vec<Arc<Pod>>>,
    hash: &str,
    generation: Option<i64>,
    now: Timestamp,
) -> Counts {
    let mut c = Counts::default();
    let min_ready = min_ready_seconds(ds);
    for node in nodes {
        let name = node.metadata.name.clone().unwrap_or_default();
        let pods = by_node.get(&name).filter(|p| !p.is_empty());
        if node_should_run(node, ds).0 {
            c.desired += 1;
            let Some(pods) = pods else { continue };
            c.current += 1;
            let mut pods = pods.clone();
            oldest_first(&mut pods);
            let pod = &pods[0];
            if is_pod_ready(pod) {
                c.ready += 1;
                if is_pod_available(pod, min_ready, now) {
                    c.available += 1;
                }
            }
            if is_pod_updated(pod, hash, generation) {
                c.updated += 1;
            }
        } else if pods.is_some() {
            c.misscheduled += 1;
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn node(name: &str) -> Arc<Node> {
        Arc::new(serde_json::from_value(json!({"metadata": {"name": name}})).unwrap())
    }

    fn ds(strategy: serde_json::Value) -> DaemonSet {
        serde_json::from_value(json!({"metadata": {"name": "d", "namespace": "ns"},
            "spec": {"selector": {"matchLabels": {"a": "b"}},
                     "updateStrategy": strategy,
                     "template": {"metadata": {"labels": {"a": "b"}},
                                  "spec": {"containers": [{"name": "c", "image": "i"}]}}}}))
        .unwrap()
    }

    fn pod(name: &str, node: &str, hash: &str, ready: bool) -> Arc<Pod> {
        Arc::new(
            serde_json::from_value(json!({
                "metadata": {"name": name, "labels": {"controller-revision-hash": hash},
                             "creationTimestamp": "2020-01-01T00:00:00Z"},
                "spec": {"nodeName": node, "containers": []},
                "status": {"phase": "Running", "conditions": [{"type": "Ready",
                    "status": if ready {"True"} else {"False"},
                    "lastTransitionTime": "2020-01-01T00:00:00Z"}]}}))
            .unwrap(),
        )
    }

    fn now() -> Timestamp {
        "2021-01-01T00:00:00Z".parse().unwrap()
    }

    fn grouped(pods: &[Arc<Pod>]) -> BTreeMap<String, Vec<Arc<Pod>>> {
        pods_by_node(pods, false)
    }

    #[test]
    fn manage_creates_on_empty_nodes_and_prunes_extra_and_failed_pods() {
        let d = ds(json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}));
        let nodes = [node("n1"), node("n2"), node("n3")];
        let mut failed = (*pod("f", "n3", "h", false)).clone();
        failed.status.as_mut().unwrap().phase = Some("Failed".into());
        let pods = [
            pod("a", "n1", "h", true),
            pod("b", "n1", "h", true),
            Arc::new(failed),
            pod("gone", "n9", "h", true),
        ];
        let m = manage(&d, &nodes, &grouped(&pods), "h", None, &|_| false, now());
        assert_eq!(m.create_on, ["n2"]);
        assert_eq!(m.delete, ["b", "f"]);
        assert_eq!(m.failed, [("f".to_owned(), "n3".to_owned())]);
        let m = manage(&d, &nodes, &grouped(&pods), "h", None, &|_| true, now());
        assert_eq!(m.delete, ["b"]);
        assert_eq!(m.backing_off, ["n3"]);
    }

    #[test]
    fn rolling_update_replaces_at_most_max_unavailable_old_pods() {
        let d = ds(json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}));
        let nodes = [node("n1"), node("n2"), node("n3")];
        let old = [
            pod("a", "n1", "old", true),
            pod("b", "n2", "old", true),
            pod("c", "n3", "old", true),
        ];
        assert_eq!(
            rolling_update(&d, &nodes, &grouped(&old), "new", None, now()),
            (vec!["a".into()], vec![])
        );
        // An unavailable new pod uses up the budget.
        let mid = [
            pod("a2", "n1", "new", false),
            old[1].clone(),
            old[2].clone(),
        ];
        assert_eq!(
            rolling_update(&d, &nodes, &grouped(&mid), "new", None, now()),
            (vec![], vec![])
        );
        // Unavailable old pods are always replaceable.
        let sick = [
            pod("a", "n1", "old", false),
            pod("b", "n2", "old", false),
            old[2].clone(),
        ];
        assert_eq!(
            rolling_update(&d, &nodes, &grouped(&sick), "new", None, now()).0,
            ["a", "b"]
        );
        let d2 = ds(json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "50%"}}));
        assert_eq!(
            rolling_update(&d2, &nodes, &grouped(&old), "new", None, now())
                .0
                .len(),
            2
        );
    }

    #[test]
    fn rolling_update_with_surge_adds_new_pods_then_removes_old_ones() {
        let d = ds(json!({"type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}));
        let nodes = [node("n1"), node("n2")];
        let old = [pod("a", "n1", "old", true), pod("b", "n2", "old", true)];
        assert_eq!(
            rolling_update(&d, &nodes, &grouped(&old), "new", None, now()),
            (vec![], vec!["n1".into()])
        );
        let surged = [
            old[0].clone(),
            pod("a2", "n1", "new", false),
            old[1].clone(),
        ];
        assert_eq!(
            rolling_update(&d, &nodes, &grouped(&surged), "new", None, now()),
            (vec![], vec![])
        );
        let ready = [old[0].clone(), pod("a2", "n1", "new", true), old[1].clone()];
        assert_eq!(
            rolling_update(&d, &nodes, &grouped(&ready), "new", None, now()),
            (vec!["a".into()], vec!["n2".into()])
        );
        // manage keeps both pods while surging, and drops the old one once the new is available.
        let m = manage(&d, &nodes, &grouped(&ready), "new", None, &|_| false, now());
        assert_eq!(m.delete, ["a"]);
        let m = manage(
            &d,
            &nodes,
            &grouped(&surged),
            "new",
            None,
            &|_| false,
            now(),
        );
        assert!(m.delete.is_empty());
    }

    #[test]
    fn counts_follow_the_oldest_pod_per_node() {
        let d = ds(json!({"type": "OnDelete"}));
        let mut tainted = (*node("n3")).clone();
        tainted.spec = Some(
            serde_json::from_value(json!({"taints": [{"key": "k", "effect": "NoSchedule"}]}))
                .unwrap(),
        );
        let nodes = [node("n1"), node("n2"), Arc::new(tainted)];
        let pods = [
            pod("a", "n1", "h", true),
            pod("b", "n2", "old", false),
            pod("c", "n3", "h", true),
        ];
        let c = counts(&d, &nodes, &grouped(&pods), "h", None, now());
        assert_eq!(
            c,
            Counts {
                desired: 2,
                current: 2,
                misscheduled: 1,
                ready: 1,
                updated: 1,
                available: 1
            }
        );
        assert!(!is_pod_updated(&pod("x", "n", "zz", true), "h", None));
        let mut by_gen = (*pod("x", "n", "zz", true)).clone();
        by_gen
            .metadata
            .labels
            .as_mut()
            .unwrap()
            .insert(TEMPLATE_GENERATION_LABEL.into(), "3".into());
        assert!(is_pod_updated(&by_gen, "h", Some(3)));
    }
}
