//! disruption-controller: the status of every PodDisruptionBudget (upstream's
//! `pkg/controller/disruption/disruption.go`): how many selected pods are healthy, how many
//! must stay healthy, and so how many voluntary disruptions (evictions) are allowed now.
//!
//! The key is the PDB. A pod change queues the PDBs of its namespace whose selector matches it
//! (before or after the change). `status.disruptedPods` (filled by the eviction API) keeps an
//! evicted pod out of the healthy count for two minutes, or until it is being deleted.

mod expected;

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::{Pod, ReplicationController};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::api::{Api, PostParams};

use crate::active_pods::is_pod_ready;
use crate::controller::{Reconcile, Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::informers::{Change, Lister, key_of, split_key};
use crate::workqueue::WorkQueue;

pub use expected::{ExpectedPods, Finders};

pub const NAME: &str = "disruption-controller";

/// How long an eviction keeps its pod out of the healthy count (upstream's DeletionTimeout).
pub const DELETION_TIMEOUT: SignedDuration = SignedDuration::from_secs(120);

pub struct DisruptionController {
    client: kube::Client,
    queue: Arc<WorkQueue>,
    pdbs: Lister<PodDisruptionBudget>,
    pods: Lister<Pod>,
    finders: Finders,
    events: EventRecorder,
}

fn selects(pdb: &PodDisruptionBudget, pod: &Pod) -> bool {
    let Some(selector) = pdb.spec.as_ref().and_then(|s| s.selector.as_ref()) else {
        return false;
    };
    let Ok(requirements) = common::label_selector::parse_selector(selector) else {
        return false;
    };
    let empty = BTreeMap::new();
    common::label_selector::matches_labels(
        &requirements,
        pod.metadata.labels.as_ref().unwrap_or(&empty),
    )
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("disruption", context.metrics.clone());
    let informers = &context.informers;
    let pdbs = informers.informer::<PodDisruptionBudget>();
    let pods = informers.informer::<Pod>();
    {
        let queue = queue.clone();
        pdbs.on_change(move |change| match change {
            Change::Added(pdb) | Change::Updated { new: pdb, .. } | Change::Deleted(pdb) => {
                queue.add(key_of(pdb.as_ref()));
            }
        });
    }
    {
        let queue = queue.clone();
        let pdb_lister = pdbs.lister();
        pods.on_change(move |change| {
            let (old, new) = match change {
                Change::Added(pod) | Change::Deleted(pod) => (None, pod),
                Change::Updated { old, new } => (Some(old), new),
            };
            let namespace = new.metadata.namespace.as_deref().unwrap_or_default();
            for pdb in pdb_lister.list(namespace) {
                if selects(&pdb, new) || old.is_some_and(|old| selects(&pdb, old)) {
                    queue.add(key_of(pdb.as_ref()));
                }
            }
        });
    }
    let controller = Arc::new(DisruptionController {
        client: context.client.clone(),
        queue: queue.clone(),
        pdbs: pdbs.lister(),
        pods: pods.lister(),
        finders: Finders {
            replica_sets: informers.lister::<ReplicaSet>(),
            deployments: informers.lister::<Deployment>(),
            replication_controllers: informers.lister::<ReplicationController>(),
            stateful_sets: informers.lister::<StatefulSet>(),
        },
        events: EventRecorder::new(context.client.clone(), NAME),
    });
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        1,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

/// The healthy count and the disrupted pods still counted as disrupted, with the time the
/// next one expires.
fn count_healthy(
    pods: &[Arc<Pod>],
    disrupted: &BTreeMap<String, Time>,
    now: Timestamp,
) -> (i32, BTreeMap<String, Time>, Option<Timestamp>) {
    let mut kept = BTreeMap::new();
    let mut recheck: Option<Timestamp> = None;
    for pod in pods {
        let name = pod.metadata.name.clone().unwrap_or_default();
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        if let Some(at) = disrupted.get(&name) {
            let expires = at.0.checked_add(DELETION_TIMEOUT).unwrap_or(at.0);
            if expires > now {
                recheck = Some(recheck.map_or(expires, |r: Timestamp| r.min(expires)));
                kept.insert(name.clone(), at.clone());
            }
        }
    }
    let healthy = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| !kept.contains_key(p.metadata.name.as_deref().unwrap_or_default()))
        .filter(|p| is_pod_ready(p))
        .count();
    (i32::try_from(healthy).unwrap_or(i32::MAX), kept, recheck)
}

fn condition(allowed: bool, reason: &str, message: &str, generation: Option<i64>) -> Condition {
    Condition {
        type_: "DisruptionAllowed".to_owned(),
        status: if allowed { "True" } else { "False" }.to_owned(),
        reason: reason.to_owned(),
        message: message.to_owned(),
        observed_generation: generation,
        last_transition_time: Time(Timestamp::now()),
    }
}

/// `status` with `condition` set, keeping the old transition time when nothing changed.
fn with_condition(
    mut status: PodDisruptionBudgetStatus,
    mut new: Condition,
) -> PodDisruptionBudgetStatus {
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    match conditions.iter_mut().find(|c| c.type_ == new.type_) {
        Some(existing) => {
            if existing.status == new.status {
                new.last_transition_time = existing.last_transition_time.clone();
            }
            *existing = new;
        }
        None => conditions.push(new),
    }
    status
}

impl DisruptionController {
    async fn write_status(
        &self,
        pdb: &PodDisruptionBudget,
        status: PodDisruptionBudgetStatus,
    ) -> Result<()> {
        if pdb.status.as_ref() == Some(&status) {
            return Ok(());
        }
        let mut updated = pdb.clone();
        updated.status = Some(status);
        let namespace = pdb.metadata.namespace.as_deref().unwrap_or_default();
        let api: Api<PodDisruptionBudget> = Api::namespaced(self.client.clone(), namespace);
        let name = pdb.metadata.name.as_deref().unwrap_or_default();
        api.replace_status(name, &PostParams::default(), &updated)
            .await?;
        Ok(())
    }

    /// Upstream's fail-safe: no disruption is allowed while the budget cannot be computed.
    async fn fail_safe(&self, pdb: &PodDisruptionBudget, why: &str) -> Result<()> {
        let mut status = pdb.status.clone().unwrap_or_default();
        status.disruptions_allowed = 0;
        status.observed_generation = pdb.metadata.generation;
        let status = with_condition(
            status,
            condition(false, "SyncFailed", why, pdb.metadata.generation),
        );
        self.write_status(pdb, status).await
    }
}

#[async_trait::async_trait]
impl Reconcile for DisruptionController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(pdb) = self.pdbs.get(namespace, name) else {
            return Ok(());
        };
        let pods: Vec<Arc<Pod>> = self
            .pods
            .list(namespace)
            .into_iter()
            .filter(|p| selects(&pdb, p))
            .collect();
        if pods.is_empty() {
            self.events.normal(
                reference_of(pdb.as_ref()),
                "NoPods",
                "Sync",
                "No matching pods found".to_owned(),
            );
        }
        let spec = pdb.spec.clone().unwrap_or_default();
        let expected = match expected::expected_pods(&spec, &pods, &self.finders) {
            Ok(expected) => expected,
            Err(why) => {
                self.events.warning(
                    reference_of(pdb.as_ref()),
                    "CalculateExpectedPodCountFailed",
                    "Sync",
                    format!("Failed to calculate the number of expected pods: {why}"),
                );
                return self.fail_safe(&pdb, &why).await;
            }
        };
        let now = Timestamp::now();
        let disrupted = pdb
            .status
            .as_ref()
            .and_then(|s| s.disrupted_pods.clone())
            .unwrap_or_default();
        let (healthy, disrupted, recheck) = count_healthy(&pods, &disrupted, now);
        let allowed = (healthy - expected.desired_healthy).max(0);
        let mut status = pdb.status.clone().unwrap_or_default();
        status.current_healthy = healthy;
        status.desired_healthy = expected.desired_healthy;
        status.expected_pods = expected.expected_count;
        status.disruptions_allowed = allowed;
        status.disrupted_pods = (!disrupted.is_empty()).then_some(disrupted);
        status.observed_generation = pdb.metadata.generation;
        let condition = if allowed > 0 {
            condition(true, "SufficientPods", "", pdb.metadata.generation)
        } else {
            condition(false, "InsufficientPods", "", pdb.metadata.generation)
        };
        self.write_status(&pdb, with_condition(status, condition))
            .await?;
        if let Some(at) = recheck {
            let wait = now.duration_until(at).unsigned_abs();
            self.queue.add_after(key, wait);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(name: &str, ready: bool, deleting: bool) -> Arc<Pod> {
        let mut meta = json!({"name": name, "namespace": "ns"});
        if deleting {
            meta["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        }
        Arc::new(
            serde_json::from_value(json!({
                "metadata": meta,
                "status": {"conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}}]}
            }))
            .expect("pod"),
        )
    }

    #[test]
    fn ready_pods_count_unless_deleting_or_recently_evicted() {
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let pods = [
            pod("a", true, false),
            pod("b", true, false),
            pod("c", false, false),
            pod("d", true, true),
        ];
        let mut disrupted = BTreeMap::new();
        disrupted.insert(
            "b".to_owned(),
            Time("2026-01-01T11:59:30Z".parse().unwrap()),
        );
        disrupted.insert(
            "gone".to_owned(),
            Time("2026-01-01T11:00:00Z".parse().unwrap()),
        );
        let (healthy, kept, recheck) = count_healthy(&pods, &disrupted, now);
        assert_eq!(healthy, 1);
        assert_eq!(kept.keys().collect::<Vec<_>>(), ["b"]);
        assert_eq!(recheck, Some("2026-01-01T12:01:30Z".parse().unwrap()));

        // An eviction older than the timeout no longer counts.
        let mut old = BTreeMap::new();
        old.insert(
            "b".to_owned(),
            Time("2026-01-01T11:50:00Z".parse().unwrap()),
        );
        assert_eq!(count_healthy(&pods, &old, now).0, 2);
    }
}
