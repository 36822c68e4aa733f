//! daemonset-controller: one pod per eligible node (upstream's `pkg/controller/daemon`). The
//! key is the DaemonSet; a change to it, to one of its pods, or to a node's labels or taints
//! queues it. A sync records the template in a ControllerRevision, creates pods (pinned to
//! their node by a `metadata.name` node affinity; the scheduler binds them) and deletes pods
//! on nodes that no longer qualify, failed pods (with back-off) and extra pods, runs the
//! rolling update, trims history and writes the status.
//!
//! - [`eligibility`]: taints, tolerations and node selectors: which nodes run a pod.
//! - [`placement`]: the per-node decisions, the rolling update and the status counts.
//! - [`history`]: the DaemonSet's ControllerRevisions.
//!
//! `FailedPlacement` is not recorded: since the scheduler places daemon pods, upstream no
//! longer emits it either.

pub mod eligibility;
pub mod history;
pub mod placement;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use crate::controller::{self, Error, Reconcile, Result, run_workers};
use crate::controller_ref::{self, Claim, controller_of};
use crate::controller_revisions::POD_REVISION_LABEL;
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::expectations::Expectations;
use crate::informers::{Change, Lister, key_of, split_key};
use crate::pod_control::{
    PodControl, SLOW_START_INITIAL_BATCH_SIZE, pod_from_template, pods_prefix, slow_start_batch,
};
use crate::workqueue::WorkQueue;
use eligibility::{add_daemon_tolerations, node_should_run, pin_to_node};
use placement::TEMPLATE_GENERATION_LABEL;

pub const NAME: &str = "daemonset-controller";

/// At most this many creates or deletes per sync (upstream's `BurstReplicas`).
const BURST_REPLICAS: usize = 250;
/// The annotation the API server keeps the template generation in.
const TEMPLATE_GENERATION_ANNOTATION: &str = "deprecated.daemonset.template.generation";
const BACKOFF_INITIAL: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(15 * 60);

pub struct DaemonSetsController {
    client: kube::Client,
    queue: Arc<WorkQueue>,
    sets: Lister<DaemonSet>,
    pods: Lister<Pod>,
    nodes: Lister<Node>,
    revisions: Lister<ControllerRevision>,
    events: EventRecorder,
    pod_control: PodControl,
    expectations: Expectations,
    /// Failed-pod deletion back-off per DaemonSet, generation and node: (delay, last).
    backoff: Mutex<HashMap<String, (Duration, Instant)>>,
}

fn selector_matches(
    ds: &DaemonSet,
    labels: Option<&std::collections::BTreeMap<String, String>>,
) -> bool {
    let Some(spec) = ds.spec.as_ref() else {
        return false;
    };
    let Ok(requirements) = common::label_selector::parse_selector(&spec.selector) else {
        return false;
    };
    !requirements.is_empty()
        && common::label_selector::matches_labels(
            &requirements,
            labels.unwrap_or(&Default::default()),
        )
}

/// The DaemonSet controlling `pod`, or (orphans) every one whose selector matches it.
fn sets_for_pod(sets: &Lister<DaemonSet>, pod: &Pod) -> Vec<String> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    match controller_of(pod) {
        Some(r) if r.kind == "DaemonSet" => sets
            .get(namespace, &r.name)
            .filter(|d| d.metadata.uid.as_deref() == Some(r.uid.as_str()))
            .map(|d| vec![key_of(&*d)])
            .unwrap_or_default(),
        Some(_) => Vec::new(),
        None => sets
            .list(namespace)
            .iter()
            .filter(|d| selector_matches(d, pod.metadata.labels.as_ref()))
            .map(|d| key_of(&**d))
            .collect(),
    }
}

/// The template generation: the API server's annotation, else the object's generation
/// (this API server does not keep the annotation).
fn template_generation(ds: &DaemonSet) -> Option<i64> {
    ds.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(TEMPLATE_GENERATION_ANNOTATION))
        .and_then(|g| g.parse().ok())
        .or(ds.metadata.generation)
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("daemonset", context.metrics.clone());
    let sets = context.informers.informer::<DaemonSet>();
    let pods = context.informers.informer::<Pod>();
    let nodes = context.informers.informer::<Node>();
    let controller = Arc::new(DaemonSetsController {
        client: context.client.clone(),
        queue: queue.clone(),
        sets: sets.lister(),
        pods: pods.lister(),
        nodes: nodes.lister(),
        revisions: context.informers.lister::<ControllerRevision>(),
        events: EventRecorder::new(context.client.clone(), NAME),
        pod_control: PodControl::new(
            context.client.clone(),
            EventRecorder::new(context.client.clone(), NAME),
        ),
        expectations: Expectations::default(),
        backoff: Mutex::default(),
    });
    {
        let queue = queue.clone();
        let controller = controller.clone();
        sets.on_change(move |change| match change {
            Change::Added(d) | Change::Updated { new: d, .. } => queue.add(key_of(&***d)),
            Change::Deleted(d) => {
                let key = key_of(&***d);
                controller.expectations.delete(&key);
                queue.add(key);
            }
        });
    }
    {
        let queue = queue.clone();
        let controller = controller.clone();
        pods.on_change(move |change| {
            let set_lister = &controller.sets;
            match change {
                Change::Added(pod) => {
                    for key in sets_for_pod(set_lister, pod) {
                        if controller_of(&***pod).is_some() {
                            controller.expectations.creation_observed(&key);
                        }
                        queue.add(key);
                    }
                }
                Change::Updated { old, new } => {
                    if old.metadata.resource_version == new.metadata.resource_version {
                        return;
                    }
                    let mut keys = sets_for_pod(set_lister, new);
                    keys.extend(sets_for_pod(set_lister, old));
                    keys.dedup();
                    for key in keys {
                        queue.add(key);
                    }
                }
                Change::Deleted(pod) => {
                    for key in sets_for_pod(set_lister, pod) {
                        controller.expectations.deletion_observed(&key);
                        queue.add(key);
                    }
                }
            }
        });
    }
    {
        let queue = queue.clone();
        let set_lister = sets.lister();
        nodes.on_change(move |change| match change {
            Change::Added(node) => {
                for ds in set_lister.list_all() {
                    if node_should_run(node, &ds).0 {
                        queue.add(key_of(&*ds));
                    }
                }
            }
            Change::Updated { old, new } => {
                let same = old.metadata.labels == new.metadata.labels
                    && old.spec.as_ref().and_then(|s| s.taints.clone())
                        == new.spec.as_ref().and_then(|s| s.taints.clone());
                if same {
                    return;
                }
                for ds in set_lister.list_all() {
                    if node_should_run(old, &ds) != node_should_run(new, &ds) {
                        queue.add(key_of(&*ds));
                    }
                }
            }
            Change::Deleted(_) => {}
        });
    }
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        context.options.concurrent_daemonset_syncs,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

#[async_trait::async_trait]
impl Reconcile for DaemonSetsController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(ds) = self.sets.get(namespace, name) else {
            self.expectations.delete(key);
            return Ok(());
        };
        let nodes = self.nodes.list_all();
        let selector = ds.spec.as_ref().map(|s| &s.selector);
        let empty = selector.is_none_or(|s| {
            s.match_labels.as_ref().is_none_or(|m| m.is_empty())
                && s.match_expressions.as_ref().is_none_or(|m| m.is_empty())
        });
        if empty {
            self.events.warning(
                reference_of(&*ds),
                "SelectingAll",
                "Sync",
                "This daemon set is selecting all pods. A non-empty selector is required.".into(),
            );
            return Ok(());
        }
        if ds.metadata.deletion_timestamp.is_some() {
            return Ok(());
        }
        let (current, old) = history::construct(self, &ds).await?;
        let hash = current
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(POD_REVISION_LABEL).cloned())
            .unwrap_or_default();
        let generation = template_generation(&ds);
        if !self.expectations.satisfied(key) {
            let pods = self.claim_pods(&ds).await?;
            return self.write_status(&ds, &nodes, &pods, &hash, false).await;
        }
        let pods = self.claim_pods(&ds).await?;
        let result = self
            .update(&ds, key, &nodes, &pods, &hash, generation, &old)
            .await;
        let status = self.write_status(&ds, &nodes, &pods, &hash, true).await;
        result.and(status)
    }
}

impl DaemonSetsController {
    /// The DaemonSet's pods, adopting matching orphans and releasing pods that stopped matching.
    async fn claim_pods(&self, ds: &DaemonSet) -> Result<Vec<Arc<Pod>>> {
        let namespace = ds.metadata.namespace.as_deref().unwrap_or_default();
        let uid = ds.metadata.uid.as_deref().unwrap_or_default();
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let owner = controller_ref::controller_ref(ds);
        let mut owned = Vec::new();
        for pod in self.pods.list(namespace) {
            let matches = selector_matches(ds, pod.metadata.labels.as_ref());
            match controller_ref::claim(&*pod, uid, matches, true) {
                Claim::Owned => owned.push(pod),
                Claim::Adopt => {
                    if let Some(adopted) = controller_ref::adopt(&api, &pod, &owner).await? {
                        owned.push(Arc::new(adopted));
                    }
                }
                Claim::Release => {
                    controller_ref::release(&api, &pod, uid).await?;
                }
                Claim::Ignore => {}
            }
        }
        Ok(owned)
    }

    #[allow(clippy::too_many_arguments)]
    async fn update(
        &self,
        ds: &DaemonSet,
        key: &str,
        nodes: &[Arc<Node>],
        pods: &[Arc<Pod>],
        hash: &str,
        generation: Option<i64>,
        old: &[Arc<ControllerRevision>],
    ) -> Result<()> {
        let by_node = placement::pods_by_node(pods, false);
        let now = jiff::Timestamp::now();
        let backoff_key = |node: &str| {
            format!(
                "{}/{}/{node}",
                ds.metadata.uid.as_deref().unwrap_or_default(),
                ds.status
                    .as_ref()
                    .and_then(|s| s.observed_generation)
                    .unwrap_or(0)
            )
        };
        let manage = {
            let backoff = self.backoff.lock().unwrap_or_else(|e| e.into_inner());
            let in_backoff = |node: &str| {
                backoff
                    .get(&backoff_key(node))
                    .is_some_and(|(delay, last)| last.elapsed() < *delay)
            };
            placement::manage(ds, nodes, &by_node, hash, generation, &in_backoff, now)
        };
        let namespace = ds.metadata.namespace.as_deref().unwrap_or_default();
        {
            let mut backoff = self.backoff.lock().unwrap_or_else(|e| e.into_inner());
            for (pod, node) in &manage.failed {
                let entry = backoff
                    .entry(backoff_key(node))
                    .or_insert((Duration::ZERO, Instant::now()));
                entry.0 = if entry.0.is_zero() || entry.1.elapsed() > 2 * BACKOFF_MAX {
                    BACKOFF_INITIAL
                } else {
                    (entry.0 * 2).min(BACKOFF_MAX)
                };
                entry.1 = Instant::now();
                self.events.warning(
                    reference_of(ds),
                    "FailedDaemonPod",
                    "Sync",
                    format!("Found failed daemon pod {namespace}/{pod} on node {node}, will try to kill it"),
                );
            }
            for node in &manage.backing_off {
                if let Some((delay, _)) = backoff.get(&backoff_key(node)) {
                    self.queue.add_after(key.to_owned(), *delay);
                }
            }
        }
        for (pod, node) in &manage.succeeded {
            self.events.normal(
                reference_of(ds),
                "SucceededDaemonPod",
                "Sync",
                format!("Found succeeded daemon pod {namespace}/{pod} on node {node}, will try to delete it"),
            );
        }
        let acted = !manage.create_on.is_empty() || !manage.delete.is_empty();
        self.sync_nodes(ds, key, &manage.delete, &manage.create_on, hash, generation)
            .await?;
        // The rolling update waits until manage's creates and deletes are seen.
        if !acted && self.expectations.satisfied(key) {
            let strategy = ds
                .spec
                .as_ref()
                .and_then(|s| s.update_strategy.as_ref())
                .and_then(|u| u.type_.as_deref())
                .unwrap_or("RollingUpdate");
            if strategy == "RollingUpdate" {
                let (delete, create_on) =
                    placement::rolling_update(ds, nodes, &by_node, hash, generation, now);
                self.sync_nodes(ds, key, &delete, &create_on, hash, generation)
                    .await?;
            }
        }
        history::cleanup(self, ds, old).await
    }

    /// Deletes `delete` and creates a pod for each of `create_on` (`syncNodes`), with
    /// expectations set first and creates in slow-start batches.
    async fn sync_nodes(
        &self,
        ds: &DaemonSet,
        key: &str,
        delete: &[String],
        create_on: &[String],
        hash: &str,
        generation: Option<i64>,
    ) -> Result<()> {
        let create_on = &create_on[..create_on.len().min(BURST_REPLICAS)];
        let delete = &delete[..delete.len().min(BURST_REPLICAS)];
        if create_on.is_empty() && delete.is_empty() {
            return Ok(());
        }
        self.expectations
            .expect(key, create_on.len() as i64, delete.len() as i64);
        let namespace = ds.metadata.namespace.as_deref().unwrap_or_default();
        let name = ds.metadata.name.as_deref().unwrap_or_default();
        let spec = ds
            .spec
            .as_ref()
            .ok_or_else(|| Error::Invalid("a DaemonSet without spec".into()))?;
        let mut template = spec.template.clone();
        add_daemon_tolerations(template.spec.get_or_insert_default());
        let labels = template
            .metadata
            .get_or_insert_default()
            .labels
            .get_or_insert_default();
        if let Some(generation) = generation {
            labels.insert(TEMPLATE_GENERATION_LABEL.to_owned(), generation.to_string());
        }
        if !hash.is_empty() {
            labels.insert(POD_REVISION_LABEL.to_owned(), hash.to_owned());
        }
        let owner = controller_ref::controller_ref(ds);
        let regarding = reference_of(ds);
        let prefix = pods_prefix(name);
        let attempted = std::sync::atomic::AtomicUsize::new(0);
        let (_, create_error) =
            slow_start_batch(create_on.len(), SLOW_START_INITIAL_BATCH_SIZE, |i| {
                attempted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let mut pod = pod_from_template(&template, namespace, &prefix, Some(&owner));
                let spec = pod.spec.get_or_insert_default();
                spec.affinity = Some(pin_to_node(spec.affinity.take(), &create_on[i]));
                let regarding = regarding.clone();
                async move {
                    match self.pod_control.create(&pod, &regarding).await {
                        Ok(_) => Ok(()),
                        Err(Error::Api(kube::Error::Api(status)))
                            if status.code == 403
                                && status.message.contains("being terminated") =>
                        {
                            self.expectations.creation_observed(key);
                            Ok(())
                        }
                        Err(error) => {
                            self.expectations.creation_observed(key);
                            Err(error)
                        }
                    }
                }
            })
            .await;
        // Creates never attempted after a failing batch are not expected either.
        for _ in attempted.into_inner()..create_on.len() {
            self.expectations.creation_observed(key);
        }
        let mut first_error = create_error;
        for pod in delete {
            if let Err(error) = self.pod_control.delete(namespace, pod, &regarding).await {
                self.expectations.deletion_observed(key);
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Writes the status counts when they changed (`updateDaemonSetStatus`).
    async fn write_status(
        &self,
        ds: &DaemonSet,
        nodes: &[Arc<Node>],
        pods: &[Arc<Pod>],
        hash: &str,
        observed: bool,
    ) -> Result<()> {
        let now = jiff::Timestamp::now();
        let by_node = placement::pods_by_node(pods, false);
        let c = placement::counts(ds, nodes, &by_node, hash, template_generation(ds), now);
        let unavailable = c.desired - c.available;
        let status = ds.status.clone().unwrap_or_default();
        let generation = ds.metadata.generation.unwrap_or(0);
        let unchanged = status.desired_number_scheduled == c.desired
            && status.current_number_scheduled == c.current
            && status.number_misscheduled == c.misscheduled
            && status.number_ready == c.ready
            && status.updated_number_scheduled.unwrap_or(0) == c.updated
            && status.number_available.unwrap_or(0) == c.available
            && status.number_unavailable.unwrap_or(0) == unavailable
            && status.observed_generation.unwrap_or(0) >= generation;
        if !unchanged {
            let mut patch = json!({"status": {
                "desiredNumberScheduled": c.desired,
                "currentNumberScheduled": c.current,
                "numberMisscheduled": c.misscheduled,
                "numberReady": c.ready,
                "updatedNumberScheduled": c.updated,
                "numberAvailable": c.available,
                "numberUnavailable": unavailable,
            }});
            if observed {
                patch["status"]["observedGeneration"] = json!(generation);
            }
            let namespace = ds.metadata.namespace.as_deref().unwrap_or_default();
            let name = ds.metadata.name.as_deref().unwrap_or_default();
            let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), namespace);
            match api
                .patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
            {
                Ok(_) => {}
                Err(error) if controller::is_not_found(&error) => return Ok(()),
                Err(error) => return Err(error.into()),
            }
        }
        let min_ready = ds
            .spec
            .as_ref()
            .and_then(|s| s.min_ready_seconds)
            .unwrap_or(0);
        if min_ready > 0 && c.ready != c.available {
            self.queue.add_after(
                key_of(ds),
                Duration::from_secs(u64::try_from(min_ready).unwrap_or(0)),
            );
        }
        Ok(())
    }
}
