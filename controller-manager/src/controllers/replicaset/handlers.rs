//! The informer handlers of the replica controller (upstream's `addRS`/`updateRS`/`deleteRS`
//! and `addPod`/`updatePod`/`deletePod`): they map a change to the keys to sync and lower
//! expectations as pods are seen created or deleted. They only enqueue.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use super::workload::{ReplicaWorkload, selects};
use crate::active_pods::is_pod_ready;
use crate::controller_ref::controller_of;
use crate::expectations::Expectations;
use crate::informers::{Change, Lister, key_of};
use crate::workqueue::WorkQueue;

/// What the handlers share with the controller.
pub struct Handlers<W> {
    pub owners: Lister<W>,
    pub queue: Arc<WorkQueue>,
    pub expectations: Arc<Expectations>,
}

impl<W: ReplicaWorkload> Handlers<W> {
    /// A ReplicaSet (or ReplicationController) changed.
    pub fn owner_changed(&self, change: &Change<'_, W>) {
        match change {
            Change::Added(owner) => self.queue.add(key_of(&***owner)),
            Change::Updated { old, new } => {
                // Deleted and re-created under the same name between two events.
                if old.meta().uid != new.meta().uid {
                    self.owner_deleted(old);
                }
                self.queue.add(key_of(&***new));
            }
            Change::Deleted(owner) => self.owner_deleted(owner),
        }
    }

    fn owner_deleted(&self, owner: &W) {
        let key = key_of(owner);
        // A new object of the same name starts with no expectations.
        self.expectations.delete(&key);
        self.queue.add(key);
    }

    /// A pod changed.
    pub fn pod_changed(&self, change: &Change<'_, Pod>) {
        match change {
            Change::Added(pod) => self.pod_added(pod),
            Change::Updated { old, new } => self.pod_updated(old, new),
            Change::Deleted(pod) => self.pod_deleted(pod),
        }
    }

    /// The owner a controller reference points to, if it is one of ours and still exists.
    fn resolve(&self, namespace: &str, reference: &OwnerReference) -> Option<Arc<W>> {
        if reference.kind != W::kind(&()) {
            return None;
        }
        let owner = self.owners.get(namespace, &reference.name)?;
        (owner.meta().uid.as_deref() == Some(reference.uid.as_str())).then_some(owner)
    }

    /// Every owner in the pod's namespace whose selector selects it (for orphans).
    fn selecting(&self, pod: &Pod) -> Vec<Arc<W>> {
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        let owners: Vec<Arc<W>> = self
            .owners
            .list(namespace)
            .into_iter()
            .filter(|o| o.pod_selector().is_ok_and(|s| selects(&s, pod)))
            .collect();
        if owners.len() > 1 {
            tracing::warn!(
                kind = %W::kind(&()),
                pod = %key_of(pod),
                "user error: more than one controller selects the pod's labels"
            );
        }
        owners
    }

    fn pod_added(&self, pod: &Pod) {
        if pod.metadata.deletion_timestamp.is_some() {
            // Seen for the first time already being deleted: not a creation.
            self.pod_deleted(pod);
            return;
        }
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        if let Some(reference) = controller_of(pod) {
            if let Some(owner) = self.resolve(namespace, reference) {
                let key = key_of(&*owner);
                self.expectations.creation_observed(&key);
                self.queue.add(key);
            }
            return;
        }
        // An orphan: whoever selects it may adopt it. No creation is observed.
        for owner in self.selecting(pod) {
            self.queue.add(key_of(&*owner));
        }
    }

    fn pod_updated(&self, old: &Pod, new: &Pod) {
        if old.metadata.resource_version == new.metadata.resource_version {
            // A resync, not a change.
            return;
        }
        let labels_changed = old.metadata.labels != new.metadata.labels;
        if new.metadata.deletion_timestamp.is_some() {
            // A graceful deletion started: count it now rather than when the pod is gone.
            self.pod_deleted(new);
            if labels_changed {
                self.pod_deleted(old);
            }
            return;
        }
        let namespace = new.metadata.namespace.as_deref().unwrap_or_default();
        let (old_ref, new_ref) = (controller_of(old), controller_of(new));
        let ref_changed = old_ref != new_ref;
        if ref_changed
            && let Some(reference) = old_ref
            && let Some(owner) = self.resolve(namespace, reference)
        {
            self.queue.add(key_of(&*owner));
        }
        if let Some(reference) = new_ref {
            let Some(owner) = self.resolve(namespace, reference) else {
                return;
            };
            let key = key_of(&*owner);
            let min_ready = owner.min_ready_seconds();
            if !is_pod_ready(old) && is_pod_ready(new) && min_ready > 0 {
                // Check availability once the pod has been ready long enough (plus a second
                // against clock skew, as upstream).
                let after = Duration::from_secs(u64::try_from(min_ready).unwrap_or(0) + 1);
                self.queue.add_after(key.clone(), after);
            }
            self.queue.add(key);
            return;
        }
        if labels_changed || ref_changed {
            for owner in self.selecting(new) {
                self.queue.add(key_of(&*owner));
            }
        }
    }

    fn pod_deleted(&self, pod: &Pod) {
        let Some(reference) = controller_of(pod) else {
            return;
        };
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        if let Some(owner) = self.resolve(namespace, reference) {
            let key = key_of(&*owner);
            self.expectations.deletion_of_observed(&key, &key_of(pod));
            self.queue.add(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::ReplicaSet;
    use serde_json::json;

    use super::*;
    use crate::workqueue::WorkQueueMetrics;

    fn handlers() -> Handlers<ReplicaSet> {
        let owners = Lister::default();
        owners.insert(
            serde_json::from_value(json!({
                "metadata": {"name": "web", "namespace": "ns", "uid": "rs-uid"},
                "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {}},
            }))
            .unwrap(),
        );
        Handlers {
            owners,
            queue: WorkQueue::new("test", WorkQueueMetrics::unregistered()),
            expectations: Arc::new(Expectations::default()),
        }
    }

    fn pod(name: &str, owned: bool, rv: &str, deleting: bool) -> Arc<Pod> {
        let mut meta = json!({"name": name, "namespace": "ns", "resourceVersion": rv,
            "labels": {"app": "web"}});
        if owned {
            meta["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "name": "web", "uid": "rs-uid", "controller": true}]);
        }
        if deleting {
            meta["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        }
        Arc::new(serde_json::from_value(json!({"metadata": meta})).unwrap())
    }

    #[tokio::test]
    async fn expectations_hold_the_owner_until_every_created_pod_is_seen() {
        let h = handlers();
        h.expectations.expect("ns/web", 3, 0);
        h.pod_changed(&Change::Added(&pod("a", true, "1", false)));
        h.pod_changed(&Change::Added(&pod("b", true, "1", false)));
        // An orphan is no creation of ours, though it queues the owner for adoption.
        h.pod_changed(&Change::Added(&pod("orphan", false, "1", false)));
        assert!(!h.expectations.satisfied("ns/web"));
        h.pod_changed(&Change::Added(&pod("c", true, "1", false)));
        assert!(h.expectations.satisfied("ns/web"));
        assert_eq!(h.queue.len(), 1);
    }

    #[tokio::test]
    async fn a_pod_marked_for_deletion_counts_as_deleted_once() {
        let h = handlers();
        h.expectations
            .expect_deletions("ns/web", vec!["ns/a".into(), "ns/b".into()]);
        let (a, a_deleting) = (pod("a", true, "1", false), pod("a", true, "2", true));
        h.pod_changed(&Change::Updated {
            old: &a,
            new: &a_deleting,
        });
        h.pod_changed(&Change::Deleted(&a_deleting));
        assert!(!h.expectations.satisfied("ns/web"));
        h.pod_changed(&Change::Deleted(&pod("b", true, "1", false)));
        assert!(h.expectations.satisfied("ns/web"));
    }

    #[tokio::test]
    async fn a_deleted_owner_forgets_its_expectations() {
        let h = handlers();
        h.expectations.expect("ns/web", 2, 0);
        let rs = h.owners.get("ns", "web").unwrap();
        h.owner_changed(&Change::Deleted(&rs));
        assert!(h.expectations.satisfied("ns/web"));
        assert_eq!(h.queue.len(), 1);
    }
}
