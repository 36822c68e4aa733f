//! DefaultPreemption, the PostFilter that runs when no node fits (upstream's
//! `plugins/defaultpreemption` and `framework/preemption`): on each node that failed with a
//! resolvable reason, find the fewest lower-priority pods whose removal lets the pod fit,
//! sparing PodDisruptionBudgets where possible; pick the best node; the caller then deletes the
//! victims and nominates the node for the pod.
//!
//! Left out: nominated pods are not reserved on their node for later cycles, and PreFilter
//! state is recomputed once for the whole cluster rather than updated per removed pod (it
//! matters only to InterPodAffinity and PodTopologySpread).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::cache::Cache;
use crate::framework::{Code, CycleState, Framework, NodeInfo, PodInfo, Status, pod_key};
use crate::schedule_one::{FitError, reason_histogram};
use common::label_selector;

/// The plugin's name, for configuration.
pub const NAME: &str = "DefaultPreemption";
/// Reason for a node where removing pods cannot help.
pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
/// Reason for a node where removing every lower-priority pod is still not enough.
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";

/// A node and the pods to evict there.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The node.
    pub node: String,
    /// The pods to delete, most important first.
    pub victims: Vec<Arc<Pod>>,
    /// How many victims a PodDisruptionBudget protects.
    pub pdb_violations: usize,
}

/// What preemption decided.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Evict these pods on this node.
    Preempt(Candidate),
    /// Nothing to do; the `preemption: ...` part of the FailedScheduling message.
    NotPossible(String),
}

/// `spec.priority` (0 when unset).
pub fn priority(pod: &Pod) -> i32 {
    pod.spec.as_ref().and_then(|s| s.priority).unwrap_or(0)
}

fn start_time(pod: &Pod) -> Option<jiff::Timestamp> {
    pod.status
        .as_ref()
        .and_then(|s| s.start_time.as_ref())
        .map(|t| t.0)
        .or_else(|| pod.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

/// Upstream's `MoreImportantPod`: higher priority, then the one that started first.
fn more_important(a: &Pod, b: &Pod) -> Ordering {
    priority(b)
        .cmp(&priority(a))
        .then_with(|| start_time(a).cmp(&start_time(b)))
}

/// Whether a PDB's selector selects a pod with `labels`. As upstream's preemption, an empty
/// or invalid selector selects nothing.
pub fn pdb_selects(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    label_selector::parse_selector(selector)
        .is_ok_and(|reqs| !reqs.is_empty() && label_selector::matches_labels(&reqs, labels))
}

/// Splits `pods` into those whose eviction a PDB forbids and the rest, counting down each
/// PDB's allowed disruptions as upstream's `filterPodsWithPDBViolation` does.
fn split_by_pdb(
    pods: Vec<Arc<Pod>>,
    pdbs: &[&PodDisruptionBudget],
) -> (Vec<Arc<Pod>>, Vec<Arc<Pod>>) {
    let mut allowed: Vec<i32> = pdbs
        .iter()
        .map(|p| p.status.as_ref().map_or(0, |s| s.disruptions_allowed))
        .collect();
    let (mut violating, mut fine) = (Vec::new(), Vec::new());
    let empty = BTreeMap::new();
    for pod in pods {
        let labels = pod.metadata.labels.as_ref().unwrap_or(&empty);
        let mut violates = false;
        for (i, pdb) in pdbs.iter().enumerate() {
            if pdb.metadata.namespace != pod.metadata.namespace {
                continue;
            }
            let Some(selector) = pdb.spec.as_ref().and_then(|s| s.selector.as_ref()) else {
                continue;
            };
            if !pdb_selects(selector, labels) {
                continue;
            }
            // A pod the PDB already counts as disrupted does not disrupt it again.
            let already = pdb
                .status
                .as_ref()
                .and_then(|s| s.disrupted_pods.as_ref())
                .is_some_and(|d| {
                    pod.metadata
                        .name
                        .as_ref()
                        .is_some_and(|n| d.contains_key(n))
                });
            if already {
                continue;
            }
            allowed[i] -= 1;
            if allowed[i] < 0 {
                violates = true;
            }
        }
        if violates {
            violating.push(pod);
        } else {
            fine.push(pod);
        }
    }
    (violating, fine)
}

/// Upstream's `SelectVictimsOnNode`: remove every lower-priority pod; if the pod then fits,
/// put them back one by one, most important first (PDB-protected ones before the others),
/// keeping each that still lets the pod fit.
fn select_victims(
    framework: &Framework,
    state: &CycleState,
    pod: &PodInfo,
    node: &NodeInfo,
    pdbs: &[&PodDisruptionBudget],
) -> Option<Candidate> {
    let own = priority(&pod.pod);
    let mut trial = node.clone();
    let mut removed: Vec<Arc<Pod>> = Vec::new();
    for p in &node.pods {
        if priority(&p.pod) < own {
            trial.remove_pod(&p.key());
            removed.push(p.pod.clone());
        }
    }
    if removed.is_empty() || !framework.run_filter(state, pod, &trial).is_success() {
        return None;
    }
    removed.sort_by(|a, b| more_important(a, b));
    let (violating, fine) = split_by_pdb(removed, pdbs);
    let mut victims = Vec::new();
    let mut pdb_violations = 0;
    let mut reprieve = |p: Arc<Pod>, protected: bool, trial: &mut NodeInfo| {
        let info = PodInfo::new(p.clone());
        let key = info.key();
        trial.add_pod(info);
        if !framework.run_filter(state, pod, trial).is_success() {
            trial.remove_pod(&key);
            if protected {
                pdb_violations += 1;
            }
            victims.push(p);
        }
    };
    for p in violating {
        reprieve(p, true, &mut trial);
    }
    for p in fine {
        reprieve(p, false, &mut trial);
    }
    victims.sort_by(|a, b| more_important(a, b));
    Some(Candidate {
        node: node.name().to_owned(),
        victims,
        pdb_violations,
    })
}

/// Upstream's `pickOneNodeForPreemption`: fewest PDB violations, then the lowest
/// highest-priority victim, the smallest priority sum, the fewest victims, the latest start of
/// the most important victims, then the first.
fn pick(mut candidates: Vec<Candidate>) -> Option<Candidate> {
    let highest = |c: &Candidate| c.victims.first().map_or(i32::MIN, |p| priority(p));
    let sum = |c: &Candidate| {
        c.victims
            .iter()
            .map(|p| i64::from(priority(p)) + i64::from(i32::MAX) + 1)
            .sum::<i64>()
    };
    let earliest_of_highest = |c: &Candidate| {
        let top = highest(c);
        c.victims
            .iter()
            .filter(|p| priority(p) == top)
            .filter_map(|p| start_time(p))
            .min()
    };
    let mut best = 0;
    for i in 1..candidates.len() {
        let (a, b) = (&candidates[i], &candidates[best]);
        let better = a
            .pdb_violations
            .cmp(&b.pdb_violations)
            .then_with(|| highest(a).cmp(&highest(b)))
            .then_with(|| sum(a).cmp(&sum(b)))
            .then_with(|| a.victims.len().cmp(&b.victims.len()))
            .then_with(|| earliest_of_highest(b).cmp(&earliest_of_highest(a)))
            == Ordering::Less;
        if better {
            best = i;
        }
    }
    if candidates.is_empty() {
        None
    } else {
        Some(candidates.swap_remove(best))
    }
}

/// Runs preemption for `pod`, which `fit` says fits nowhere.
pub fn preempt(
    framework: &Framework,
    cache: &Cache,
    pod: &PodInfo,
    fit: &FitError,
    pdbs: &[&PodDisruptionBudget],
) -> Outcome {
    let spec = pod.pod.spec.as_ref();
    if spec.and_then(|s| s.preemption_policy.as_deref()) == Some("Never") {
        return Outcome::NotPossible(
            "preemption: not eligible due to preemptionPolicy=Never.".into(),
        );
    }
    // Victims chosen earlier are still terminating on the nominated node: wait for them.
    let own = priority(&pod.pod);
    let nominated = pod
        .pod
        .status
        .as_ref()
        .and_then(|s| s.nominated_node_name.as_deref());
    if let Some(node) = nominated.and_then(|n| cache.node(n))
        && node
            .pods
            .iter()
            .any(|p| priority(&p.pod) < own && p.pod.metadata.deletion_timestamp.is_some())
    {
        return Outcome::NotPossible(
            "preemption: not eligible due to a terminating pod on the nominated node.".into(),
        );
    }
    let nodes = cache.nodes();
    let mut state = CycleState::default();
    let pre = framework.run_pre_filter(&mut state, pod, &nodes);
    let mut statuses = Vec::new();
    let mut candidates = Vec::new();
    if fit.pre_filter_message.is_some() || !pre.is_success() && pre.code != Code::Skip {
        statuses = vec![Status::unresolvable(NOT_HELPFUL); fit.num_all_nodes];
    } else {
        for (name, status) in &fit.node_statuses {
            let Some(node) = cache.node(name) else {
                continue;
            };
            if status.code == Code::UnschedulableAndUnresolvable {
                statuses.push(Status::unresolvable(NOT_HELPFUL));
                continue;
            }
            match select_victims(framework, &state, pod, node, pdbs) {
                Some(candidate) => candidates.push(candidate),
                None => statuses.push(Status::unschedulable(NO_VICTIMS)),
            }
        }
    }
    match pick(candidates) {
        Some(candidate) => {
            tracing::info!(pod = %pod_key(&pod.pod), node = %candidate.node,
                victims = candidate.victims.len(), "preempting");
            Outcome::Preempt(candidate)
        }
        None => Outcome::NotPossible(format!(
            "preemption: 0/{} nodes are available:{}",
            fit.num_all_nodes,
            reason_histogram(statuses.iter())
        )),
    }
}

#[cfg(test)]
#[path = "preemption_tests.rs"]
mod tests;
