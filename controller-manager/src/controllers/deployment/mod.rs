//! deployment-controller: rolls a Deployment's pod template out through ReplicaSets
//! (upstream's `pkg/controller/deployment`). It never creates pods; it creates, scales and
//! deletes ReplicaSets, and reads pods only to wait for old ones in a Recreate rollout.
//!
//! - [`replica_sets`]: new and old ReplicaSets, hashes, revisions and annotations;
//! - [`rollout_math`]: maxSurge/maxUnavailable, rolling steps, proportional scaling;
//! - [`status`]: status counts and the `Available`/`Progressing` conditions;
//! - [`rollout`]: the writes — creating the new ReplicaSet, scaling, the rolling and
//!   recreate strategies, history cleanup and status updates.
//!
//! The key is the Deployment's `namespace/name`. Deployments queue themselves; a
//! ReplicaSet queues its controlling Deployment (or, when orphaned, every Deployment whose
//! selector matches it); a deleted pod queues a Recreate Deployment that has no pods left.

mod replica_sets;
mod rollout;
mod rollout_math;
mod status;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use common::label_selector::{matches_labels, parse_selector};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;

use crate::controller::{self, Reconcile, Result, run_workers};
use crate::controller_ref::{self, Claim, controller_of};
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::informers::{Change, Lister, key_of, split_key};
use crate::workqueue::WorkQueue;

pub const NAME: &str = "deployment-controller";

/// The deployment controller.
pub struct DeploymentController {
    client: kube::Client,
    deployments: Lister<Deployment>,
    replica_sets: Lister<ReplicaSet>,
    pods: Lister<Pod>,
    queue: Arc<WorkQueue>,
    events: EventRecorder,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("deployment", context.metrics.clone());
    let deployments = context.informers.informer::<Deployment>();
    let replica_sets = context.informers.informer::<ReplicaSet>();
    let pods = context.informers.informer::<Pod>();
    {
        let queue = queue.clone();
        deployments.on_change(move |change| match change {
            Change::Added(d) | Change::Updated { new: d, .. } | Change::Deleted(d) => {
                queue.add(key_of(&***d));
            }
        });
    }
    {
        let queue = queue.clone();
        let lister = deployments.lister();
        replica_sets.on_change(move |change| on_replica_set_change(&queue, &lister, change));
    }
    {
        let queue = queue.clone();
        let deployment_lister = deployments.lister();
        let rs_lister = replica_sets.lister();
        let pod_lister = pods.lister();
        pods.on_change(move |change| {
            if let Change::Deleted(pod) = change {
                on_pod_deleted(&queue, &deployment_lister, &rs_lister, &pod_lister, pod);
            }
        });
    }
    let controller = Arc::new(DeploymentController {
        client: context.client.clone(),
        deployments: deployments.lister(),
        replica_sets: replica_sets.lister(),
        pods: pods.lister(),
        queue: queue.clone(),
        events: EventRecorder::new(context.client.clone(), NAME),
    });
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        context.options.concurrent_deployment_syncs,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

/// The Deployment `object`'s controller reference points to, if it still exists.
fn resolve_controller<K: kube::Resource>(
    object: &K,
    deployments: &Lister<Deployment>,
) -> Option<Arc<Deployment>> {
    let reference = controller_of(object)?;
    if reference.kind != "Deployment" {
        return None;
    }
    let namespace = object.meta().namespace.as_deref().unwrap_or_default();
    let d = deployments.get(namespace, &reference.name)?;
    (d.metadata.uid.as_deref() == Some(reference.uid.as_str())).then_some(d)
}

/// The Deployments whose (non-empty) selector matches an orphaned ReplicaSet.
fn deployments_selecting(
    rs: &ReplicaSet,
    deployments: &Lister<Deployment>,
) -> Vec<Arc<Deployment>> {
    let namespace = rs.metadata.namespace.as_deref().unwrap_or_default();
    let labels = rs.metadata.labels.clone().unwrap_or_default();
    deployments
        .list(namespace)
        .into_iter()
        .filter(|d| {
            let Some(selector) = d.spec.as_ref().map(|s| &s.selector) else {
                return false;
            };
            match parse_selector(selector) {
                Ok(requirements) => {
                    !requirements.is_empty() && matches_labels(&requirements, &labels)
                }
                Err(_) => false,
            }
        })
        .collect()
}

fn on_replica_set_change(
    queue: &WorkQueue,
    deployments: &Lister<Deployment>,
    change: &Change<'_, ReplicaSet>,
) {
    let enqueue = |d: Arc<Deployment>| queue.add(key_of(&*d));
    match change {
        Change::Added(rs) => {
            if let Some(d) = resolve_controller(&***rs, deployments) {
                enqueue(d);
            } else if controller_of(&***rs).is_none() && rs.metadata.deletion_timestamp.is_none() {
                deployments_selecting(rs, deployments)
                    .into_iter()
                    .for_each(enqueue);
            }
        }
        Change::Updated { old, new } => {
            if old.metadata.resource_version == new.metadata.resource_version {
                return;
            }
            let old_ref = controller_of(&***old);
            let new_ref = controller_of(&***new);
            let ref_changed = old_ref.map(|r| &r.uid) != new_ref.map(|r| &r.uid);
            if ref_changed
                && old_ref.is_some()
                && let Some(d) = resolve_controller(&***old, deployments)
            {
                enqueue(d);
            }
            if new_ref.is_some() {
                if let Some(d) = resolve_controller(&***new, deployments) {
                    enqueue(d);
                }
            } else if ref_changed || old.metadata.labels != new.metadata.labels {
                deployments_selecting(new, deployments)
                    .into_iter()
                    .for_each(enqueue);
            }
        }
        Change::Deleted(rs) => {
            if let Some(d) = resolve_controller(&***rs, deployments) {
                enqueue(d);
            }
        }
    }
}

/// A Recreate rollout waits for the old pods to be gone; the last one's deletion wakes it.
fn on_pod_deleted(
    queue: &WorkQueue,
    deployments: &Lister<Deployment>,
    replica_sets: &Lister<ReplicaSet>,
    pods: &Lister<Pod>,
    pod: &Pod,
) {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    let Some(reference) = controller_of(pod).filter(|r| r.kind == "ReplicaSet") else {
        return;
    };
    let Some(rs) = replica_sets
        .get(namespace, &reference.name)
        .filter(|rs| rs.metadata.uid.as_deref() == Some(reference.uid.as_str()))
    else {
        return;
    };
    let Some(d) = resolve_controller(&*rs, deployments) else {
        return;
    };
    if rollout_math::strategy_type(&d) != "Recreate" {
        return;
    }
    let d_uid = d.metadata.uid.clone().unwrap_or_default();
    let owned: Vec<String> = replica_sets
        .list(namespace)
        .iter()
        .filter(|rs| controller_ref::is_controlled_by(&***rs, &d_uid))
        .filter_map(|rs| rs.metadata.uid.clone())
        .collect();
    let remaining = pods
        .list(namespace)
        .iter()
        .filter(|p| controller_of(&***p).is_some_and(|r| owned.contains(&r.uid)))
        .count();
    if remaining == 0 {
        queue.add(key_of(&*d));
    }
}

/// Pods by the uid of the ReplicaSet controlling them (upstream's `getPodMapForDeployment`).
pub type PodMap = HashMap<String, Vec<Arc<Pod>>>;

impl DeploymentController {
    /// The ReplicaSets of `d`, adopting matching orphans and releasing owned ones that no
    /// longer match (upstream's `getReplicaSetsForDeployment`).
    async fn claim_replica_sets(&self, d: &Deployment) -> Result<Vec<ReplicaSet>> {
        let namespace = d.metadata.namespace.clone().unwrap_or_default();
        let selector = d
            .spec
            .as_ref()
            .map(|s| s.selector.clone())
            .unwrap_or_default();
        let requirements = parse_selector(&selector).map_err(|e| {
            controller::Error::Invalid(format!(
                "deployment {namespace}/{}: invalid label selector: {e}",
                d.metadata.name.as_deref().unwrap_or_default()
            ))
        })?;
        let uid = d.metadata.uid.clone().unwrap_or_default();
        let can_adopt = d.metadata.deletion_timestamp.is_none();
        let api: Api<ReplicaSet> = Api::namespaced(self.client.clone(), &namespace);
        // Adoption is rechecked against a fresh read of the Deployment, once.
        let mut fresh_check: Option<bool> = None;
        let mut claimed = Vec::new();
        let empty = BTreeMap::new();
        for rs in self.replica_sets.list(&namespace) {
            let labels = rs.metadata.labels.as_ref().unwrap_or(&empty);
            let matches = matches_labels(&requirements, labels);
            match controller_ref::claim(&*rs, &uid, matches, can_adopt) {
                Claim::Owned => claimed.push((*rs).clone()),
                Claim::Adopt => {
                    if fresh_check.is_none() {
                        fresh_check = Some(self.still_adoptable(d).await?);
                    }
                    if fresh_check == Some(true)
                        && let Some(adopted) =
                            controller_ref::adopt(&api, &*rs, &controller_ref::controller_ref(d))
                                .await?
                    {
                        claimed.push(adopted);
                    }
                }
                Claim::Release => {
                    if fresh_check.is_none() {
                        fresh_check = Some(self.still_adoptable(d).await?);
                    }
                    if fresh_check == Some(true) {
                        controller_ref::release(&api, &*rs, &uid).await?;
                    }
                }
                Claim::Ignore => {}
            }
        }
        Ok(claimed)
    }

    /// Whether the Deployment read from the API is still the one cached and not deleting.
    async fn still_adoptable(&self, d: &Deployment) -> Result<bool> {
        let api: Api<Deployment> = Api::namespaced(
            self.client.clone(),
            d.metadata.namespace.as_deref().unwrap_or_default(),
        );
        let Some(fresh) = api
            .get_opt(d.metadata.name.as_deref().unwrap_or_default())
            .await?
        else {
            return Ok(false);
        };
        Ok(fresh.metadata.uid == d.metadata.uid && fresh.metadata.deletion_timestamp.is_none())
    }

    /// The pods of `d` by controlling ReplicaSet.
    fn pod_map(&self, d: &Deployment, rss: &[ReplicaSet]) -> PodMap {
        let namespace = d.metadata.namespace.as_deref().unwrap_or_default();
        let selector = d
            .spec
            .as_ref()
            .map(|s| s.selector.clone())
            .unwrap_or_default();
        let Ok(requirements) = parse_selector(&selector) else {
            return PodMap::new();
        };
        let mut map: PodMap = rss
            .iter()
            .filter_map(|rs| rs.metadata.uid.clone())
            .map(|uid| (uid, Vec::new()))
            .collect();
        let empty = BTreeMap::new();
        for pod in self.pods.list(namespace) {
            if !matches_labels(
                &requirements,
                pod.metadata.labels.as_ref().unwrap_or(&empty),
            ) {
                continue;
            }
            if let Some(reference) = controller_of(&*pod)
                && let Some(list) = map.get_mut(&reference.uid)
            {
                list.push(pod.clone());
            }
        }
        map
    }
}

fn selects_everything(d: &Deployment) -> bool {
    let Some(spec) = d.spec.as_ref() else {
        return false;
    };
    spec.selector
        .match_labels
        .as_ref()
        .is_none_or(BTreeMap::is_empty)
        && spec
            .selector
            .match_expressions
            .as_ref()
            .is_none_or(Vec::is_empty)
}

#[async_trait::async_trait]
impl Reconcile for DeploymentController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(cached) = self.deployments.get(namespace, name) else {
            tracing::debug!(deployment = key, "deployment has been deleted");
            return Ok(());
        };
        let mut d = (*cached).clone();
        if selects_everything(&d) {
            self.events.warning(
                reference_of(&d),
                "SelectingAll",
                "Select",
                "This deployment is selecting all pods. A non-empty selector is required.".into(),
            );
            let observed = d
                .status
                .as_ref()
                .and_then(|s| s.observed_generation)
                .unwrap_or(0);
            let generation = d.metadata.generation.unwrap_or(0);
            if observed < generation {
                d.status
                    .get_or_insert_with(Default::default)
                    .observed_generation = Some(generation);
                self.write_status(&mut d).await?;
            }
            return Ok(());
        }
        let mut rss = self.claim_replica_sets(&d).await?;
        let pods = self.pod_map(&d, &rss);
        if d.metadata.deletion_timestamp.is_some() {
            return self.sync_status_only(&mut d, &mut rss).await;
        }
        self.check_paused_conditions(&mut d).await?;
        if d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false) {
            return self.sync_scale_and_status(&mut d, &mut rss).await;
        }
        if self.is_scaling_event(&mut d, &mut rss).await? {
            return self.sync_scale_and_status(&mut d, &mut rss).await;
        }
        match rollout_math::strategy_type(&d) {
            "Recreate" => self.rollout_recreate(&mut d, &mut rss, &pods).await,
            "RollingUpdate" => self.rollout_rolling(&mut d, &mut rss).await,
            other => Err(controller::Error::Invalid(format!(
                "unexpected deployment strategy type: {other}"
            ))),
        }
    }
}
