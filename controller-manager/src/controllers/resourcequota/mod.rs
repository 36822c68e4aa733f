//! resourcequota-controller: the `status.used` of every ResourceQuota (upstream's
//! `pkg/controller/resourcequota/resource_quota_controller.go`). The key is the quota; a quota
//! whose hard limits changed, or a change to objects it counts in its namespace, queues it,
//! and every quota is recalculated each `--resource-quota-sync-period`.
//!
//! Counted: pods (with scopes), services, persistent volume claims, config maps, secrets,
//! replication controllers, resource quotas, and `count/<resource>.<group>` for the workload
//! kinds this process watches. Other `count/…` names (custom resources) are not reported yet.

mod usage;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::quantity::Quantity;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, PersistentVolumeClaim, Pod, ReplicationController, ResourceQuota,
    ResourceQuotaStatus, Secret, Service,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as QuantityString;
use kube::api::{Api, PostParams};

use crate::controller::{Reconcile, Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::informers::{Change, Lister, SharedInformers, key_of, split_key};
use crate::workqueue::WorkQueue;

pub use usage::{Usage, pod_usage};

pub const NAME: &str = "resourcequota-controller";

/// The listers of everything counted.
struct Counted {
    pods: Lister<Pod>,
    services: Lister<Service>,
    claims: Lister<PersistentVolumeClaim>,
    config_maps: Lister<ConfigMap>,
    secrets: Lister<Secret>,
    replication_controllers: Lister<ReplicationController>,
    deployments: Lister<Deployment>,
    replica_sets: Lister<ReplicaSet>,
    stateful_sets: Lister<StatefulSet>,
    daemon_sets: Lister<DaemonSet>,
    jobs: Lister<Job>,
    cron_jobs: Lister<CronJob>,
}

pub struct ResourceQuotaController {
    client: kube::Client,
    quotas: Lister<ResourceQuota>,
    counted: Counted,
}

/// Queues every quota of the namespace of the changed object.
fn requeue_namespace<K>(
    informers: &SharedInformers,
    queue: &Arc<WorkQueue>,
    quotas: &Lister<ResourceQuota>,
    on_update: bool,
) -> Lister<K>
where
    K: kube::Resource<DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug
        + Send
        + Sync
        + 'static,
{
    let informer = informers.informer::<K>();
    let queue = queue.clone();
    let quotas = quotas.clone();
    informer.on_change(move |change| {
        let object = match change {
            Change::Added(o) | Change::Deleted(o) => o,
            Change::Updated { new, .. } if on_update => new,
            Change::Updated { .. } => return,
        };
        let namespace = object.meta().namespace.as_deref().unwrap_or_default();
        for quota in quotas.list(namespace) {
            queue.add(key_of(quota.as_ref()));
        }
    });
    informer.lister()
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("resourcequota_primary", context.metrics.clone());
    let informers = &context.informers;
    let quotas = informers.informer::<ResourceQuota>();
    {
        let queue = queue.clone();
        quotas.on_change(move |change| match change {
            Change::Added(q) => queue.add(key_of(q.as_ref())),
            Change::Updated { new, .. } => {
                let hard = new.spec.as_ref().and_then(|s| s.hard.as_ref());
                let seen = new.status.as_ref().and_then(|s| s.hard.as_ref());
                if hard != seen {
                    queue.add(key_of(new.as_ref()));
                }
            }
            Change::Deleted(_) => {}
        });
    }
    let lister = quotas.lister();
    // Pods count on any update: phase, resources and deletion change their usage.
    let counted = Counted {
        pods: requeue_namespace::<Pod>(informers, &queue, &lister, true),
        services: requeue_namespace::<Service>(informers, &queue, &lister, true),
        claims: requeue_namespace::<PersistentVolumeClaim>(informers, &queue, &lister, true),
        config_maps: requeue_namespace::<ConfigMap>(informers, &queue, &lister, false),
        secrets: requeue_namespace::<Secret>(informers, &queue, &lister, false),
        replication_controllers: requeue_namespace(informers, &queue, &lister, false),
        deployments: requeue_namespace(informers, &queue, &lister, false),
        replica_sets: requeue_namespace(informers, &queue, &lister, false),
        stateful_sets: requeue_namespace(informers, &queue, &lister, false),
        daemon_sets: requeue_namespace(informers, &queue, &lister, false),
        jobs: requeue_namespace(informers, &queue, &lister, false),
        cron_jobs: requeue_namespace(informers, &queue, &lister, false),
    };
    let controller = Arc::new(ResourceQuotaController {
        client: context.client.clone(),
        quotas: lister.clone(),
        counted,
    });
    let resync = {
        let queue = queue.clone();
        let period = context.options.resource_quota_sync_period;
        let stop = context.stop.clone();
        async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(period) => {}
                    () = stop.wait() => return,
                }
                for quota in lister.list_all() {
                    queue.add(key_of(quota.as_ref()));
                }
            }
        }
    };
    let workers = run_workers(
        NAME,
        queue,
        controller,
        context.options.concurrent_resource_quota_syncs,
        context.informers.clone(),
        context.stop.clone(),
    );
    Ok(Box::pin(async move {
        tokio::join!(workers, resync);
    }))
}

fn count(usage: &mut Usage, names: &[&str], n: usize) {
    let amount = Quantity::from_count(i64::try_from(n).unwrap_or(i64::MAX));
    for name in names {
        usage.insert((*name).to_owned(), amount);
    }
}

impl ResourceQuotaController {
    /// What everything in `namespace` uses of a quota with `spec`.
    fn usage(&self, namespace: &str, quota: &ResourceQuota) -> Usage {
        let spec = quota.spec.clone().unwrap_or_default();
        let c = &self.counted;
        let mut total = Usage::new();
        for pod in c.pods.list(namespace) {
            if usage::quota_selects_pod(&spec, &pod) {
                usage::add_all(&mut total, &pod_usage(&pod));
            }
        }
        if usage::is_scoped(&spec) {
            return total;
        }
        for service in c.services.list(namespace) {
            usage::add_all(&mut total, &usage::service_usage(&service));
        }
        for claim in c.claims.list(namespace) {
            usage::add_all(&mut total, &usage::claim_usage(&claim));
        }
        count(
            &mut total,
            &["configmaps", "count/configmaps"],
            c.config_maps.list(namespace).len(),
        );
        count(
            &mut total,
            &["secrets", "count/secrets"],
            c.secrets.list(namespace).len(),
        );
        count(
            &mut total,
            &["replicationcontrollers", "count/replicationcontrollers"],
            c.replication_controllers.list(namespace).len(),
        );
        count(
            &mut total,
            &["resourcequotas", "count/resourcequotas"],
            self.quotas.list(namespace).len(),
        );
        count(
            &mut total,
            &["count/deployments.apps"],
            c.deployments.list(namespace).len(),
        );
        count(
            &mut total,
            &["count/replicasets.apps"],
            c.replica_sets.list(namespace).len(),
        );
        count(
            &mut total,
            &["count/statefulsets.apps"],
            c.stateful_sets.list(namespace).len(),
        );
        count(
            &mut total,
            &["count/daemonsets.apps"],
            c.daemon_sets.list(namespace).len(),
        );
        count(
            &mut total,
            &["count/jobs.batch"],
            c.jobs.list(namespace).len(),
        );
        count(
            &mut total,
            &["count/cronjobs.batch"],
            c.cron_jobs.list(namespace).len(),
        );
        total
    }
}

/// `used` for the names in `hard`: what is used, zero for what nothing uses, and nothing for
/// names this controller cannot count.
fn used_of_hard(
    hard: &BTreeMap<String, QuantityString>,
    usage: &Usage,
) -> BTreeMap<String, QuantityString> {
    hard.keys()
        .filter_map(|name| match usage.get(name) {
            Some(amount) => Some((name.clone(), QuantityString(amount.canonical()))),
            None if is_countable(name) => Some((name.clone(), QuantityString("0".to_owned()))),
            None => None,
        })
        .collect()
}

/// Whether a zero usage of `name` is known rather than unknowable here.
fn is_countable(name: &str) -> bool {
    !name.starts_with("count/")
        || matches!(
            name,
            "count/pods"
                | "count/services"
                | "count/persistentvolumeclaims"
                | "count/configmaps"
                | "count/secrets"
                | "count/replicationcontrollers"
                | "count/resourcequotas"
        )
}

#[async_trait::async_trait]
impl Reconcile for ResourceQuotaController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(quota) = self.quotas.get(namespace, name) else {
            return Ok(());
        };
        let hard = quota
            .spec
            .as_ref()
            .and_then(|s| s.hard.clone())
            .unwrap_or_default();
        let used = used_of_hard(&hard, &self.usage(namespace, &quota));
        let status = ResourceQuotaStatus {
            hard: Some(hard),
            used: Some(used),
        };
        if quota.status.as_ref() == Some(&status) {
            return Ok(());
        }
        let mut updated = (*quota).clone();
        updated.status = Some(status);
        let api: Api<ResourceQuota> = Api::namespaced(self.client.clone(), namespace);
        api.replace_status(name, &PostParams::default(), &updated)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn used_lists_every_hard_name_it_can_count() {
        let hard: BTreeMap<String, QuantityString> = [
            ("pods", "10"),
            ("requests.cpu", "4"),
            ("count/widgets.example.com", "5"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), QuantityString(v.to_owned())))
        .collect();
        let mut usage = Usage::new();
        usage.insert("pods".into(), Quantity::from_count(2));
        let used = used_of_hard(&hard, &usage);
        assert_eq!(used["pods"].0, "2");
        assert_eq!(used["requests.cpu"].0, "0");
        assert!(!used.contains_key("count/widgets.example.com"));
    }
}
