//! taint-eviction-controller: deletes pods from nodes with `NoExecute` taints they do not
//! tolerate (upstream's `pkg/controller/tainteviction/taint_eviction.go`).
//!
//! The key is the pod. A pod that does not tolerate every `NoExecute` taint of its node is
//! deleted at once; one tolerating them for a while is queued again (`add_after`) for when
//! its shortest `tolerationSeconds` runs out, counted from the newest taint's `timeAdded`
//! (upstream counts from when it first saw the taint; `timeAdded` survives a restart); one
//! tolerating them forever stays. Every sync decides afresh, so a taint removed in time
//! cancels the eviction. Before deleting, the pod gets the `DisruptionTarget` condition.

pub mod decision;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use serde_json::json;

use crate::controller::{self, Reconcile, Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::informers::{Change, Lister, key_of, split_key};
use crate::workqueue::WorkQueue;
use decision::{Eviction, countdown_start, decide, no_execute_taints};

pub const NAME: &str = "taint-eviction-controller";

/// The pod condition's reason and message (upstream's).
pub const DISRUPTION_REASON: &str = "DeletionByTaintManager";
pub const DISRUPTION_MESSAGE: &str = "Taint manager: deleting due to NoExecute taint";

pub struct TaintEvictionController {
    client: kube::Client,
    pods: Lister<Pod>,
    nodes: Lister<Node>,
    queue: Arc<WorkQueue>,
    recorder: EventRecorder,
    /// Pods with an eviction pending: their UID and when this controller first saw the
    /// countdown (the start when no taint carries `timeAdded`).
    scheduled: Mutex<HashMap<String, (String, Timestamp)>>,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("taint_eviction_controller", context.metrics.clone());
    let pods = context.informers.informer::<Pod>();
    let nodes = context.informers.informer::<Node>();
    {
        let queue = queue.clone();
        pods.on_change(move |change| match change {
            Change::Added(pod) | Change::Updated { new: pod, .. } => {
                if pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .is_some()
                {
                    queue.add(key_of(&***pod));
                }
            }
            Change::Deleted(pod) => queue.add(key_of(&***pod)),
        });
    }
    {
        let queue = queue.clone();
        let pod_lister = pods.lister();
        nodes.on_change(move |change| {
            let (old, new) = match change {
                Change::Added(node) => (None, node),
                Change::Updated { old, new } => (Some(old), new),
                Change::Deleted(_) => return,
            };
            let taints = |n: &Node| {
                no_execute_taints(
                    n.spec
                        .as_ref()
                        .and_then(|s| s.taints.as_deref())
                        .unwrap_or_default(),
                )
            };
            let now = taints(new);
            if old.is_some_and(|o| taints(o) == now) || (old.is_none() && now.is_empty()) {
                return;
            }
            let name = new.metadata.name.as_deref().unwrap_or_default();
            for pod in pod_lister.list_all() {
                if pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(name) {
                    queue.add(key_of(&*pod));
                }
            }
        });
    }
    let controller = Arc::new(TaintEvictionController {
        client: context.client.clone(),
        pods: pods.lister(),
        nodes: nodes.lister(),
        queue: queue.clone(),
        recorder: EventRecorder::new(context.client.clone(), NAME),
        scheduled: Mutex::new(HashMap::new()),
    });
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        8,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

impl TaintEvictionController {
    fn scheduled(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, Timestamp)>> {
        self.scheduled.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets a pending eviction, with upstream's event when there was one.
    fn cancel(&self, key: &str, pod: Option<&Pod>) {
        let removed = self.scheduled().remove(key);
        if removed.is_some()
            && let Some(pod) = pod
        {
            self.recorder.normal(
                reference_of(pod),
                "TaintManagerEviction",
                "Evict",
                format!("Cancelling deletion of Pod {key}"),
            );
        }
    }

    async fn evict(&self, key: &str, pod: &Pod) -> Result<()> {
        let (namespace, name) = split_key(key);
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        self.recorder.normal(
            reference_of(pod),
            "TaintManagerEviction",
            "Evict",
            format!("Marking for deletion Pod {key}"),
        );
        let condition = json!({"status": {"conditions": [{
            "type": "DisruptionTarget",
            "status": "True",
            "reason": DISRUPTION_REASON,
            "message": DISRUPTION_MESSAGE,
            "lastTransitionTime": Timestamp::now().to_string(),
        }]}});
        match api
            .patch_status(name, &PatchParams::default(), &Patch::Strategic(condition))
            .await
        {
            Ok(_) => {}
            Err(error) if controller::is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error.into()),
        }
        let mut params = DeleteParams::default();
        if let Some(uid) = pod.metadata.uid.clone() {
            params = params.preconditions(kube::api::Preconditions {
                uid: Some(uid),
                resource_version: None,
            });
        }
        match api.delete(name, &params).await {
            Ok(_) => {
                tracing::info!(pod = key, "deleted a pod for a NoExecute taint");
                Ok(())
            }
            Err(error) if controller::is_not_found(&error) || controller::is_conflict(&error) => {
                Ok(())
            }
            Err(error) => Err(error.into()),
        }
    }
}

#[async_trait::async_trait]
impl Reconcile for TaintEvictionController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(pod) = self.pods.get(namespace, name) else {
            self.scheduled().remove(key);
            return Ok(());
        };
        let node_name = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
        let node = node_name.and_then(|n| self.nodes.get("", n));
        let (Some(node), None) = (node, pod.metadata.deletion_timestamp.as_ref()) else {
            self.cancel(key, None);
            return Ok(());
        };
        let taints = no_execute_taints(
            node.spec
                .as_ref()
                .and_then(|s| s.taints.as_deref())
                .unwrap_or_default(),
        );
        let tolerations = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.as_deref())
            .unwrap_or_default();
        let now = Timestamp::now();
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let first_seen = self
            .scheduled()
            .get(key)
            .filter(|(scheduled_uid, _)| *scheduled_uid == uid)
            .map_or(now, |(_, seen)| *seen);
        let start = countdown_start(&taints, &pod).unwrap_or(first_seen);
        match decide(&taints, tolerations, start, now) {
            Eviction::None => self.cancel(key, Some(&pod)),
            Eviction::After(delay) => {
                self.scheduled().insert(key.to_owned(), (uid, first_seen));
                tracing::debug!(pod = key, ?delay, "eviction scheduled");
                self.queue.add_after(key.to_owned(), delay);
            }
            Eviction::Now => {
                self.evict(key, &pod).await?;
                self.scheduled().remove(key);
            }
        }
        Ok(())
    }
}
