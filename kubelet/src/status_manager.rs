//! Pod status to the API server (upstream's `status.Manager`): the newest status of each pod is
//! kept here and written only when it differs from what was last written; writes run in the
//! background, coalesced per pod, so a pod worker never waits on the API server. A static pod's
//! status goes to its mirror pod. Once a deleted pod's containers are stopped and its volumes
//! gone, its API object is finally removed (grace period 0, UID precondition).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::{Pod, PodStatus};
use kube::Api;
use kube::api::{DeleteParams, Patch, PatchParams, Preconditions};
use tokio::sync::Notify;

use crate::pod_manager::{self, PodManager};

#[derive(Default)]
struct State {
    /// The newest status per pod UID, and whether it still has to be written.
    statuses: HashMap<String, (Arc<Pod>, PodStatus)>,
    written: HashMap<String, PodStatus>,
    dirty: HashSet<String>,
    deletions: HashSet<String>,
    /// For static pods: the mirror pod (UID) the status was last written to; a new mirror pod
    /// gets the status again.
    written_to: HashMap<String, String>,
}

#[derive(Clone)]
pub struct StatusManager {
    client: Option<kube::Client>,
    pods: PodManager,
    state: Arc<Mutex<State>>,
    wake: Arc<Notify>,
}

impl StatusManager {
    /// `client` is `None` for a kubelet without an API server (static pods only).
    pub fn new(client: Option<kube::Client>, pods: PodManager) -> Self {
        StatusManager {
            client,
            pods,
            state: Arc::default(),
            wake: Arc::default(),
        }
    }

    /// The newest status of pod `uid` the kubelet computed, if any.
    pub fn status(&self, uid: &str) -> Option<PodStatus> {
        self.state
            .lock()
            .ok()?
            .statuses
            .get(uid)
            .map(|(_, status)| status.clone())
    }

    /// Records `status` for `pod`; it is written if it differs from the last one written.
    pub fn set(&self, pod: &Arc<Pod>, status: PodStatus) {
        let uid = pod_manager::uid(pod).to_owned();
        let mirror = pod_manager::is_static_pod(pod)
            .then(|| {
                self.pods
                    .mirror_of(pod)
                    .and_then(|m| m.metadata.uid.clone())
            })
            .flatten();
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let mirror_current = mirror.is_none() || state.written_to.get(&uid) == mirror.as_ref();
        let unchanged = mirror_current
            && (state.written.get(&uid) == Some(&status)
                || (!state.written.contains_key(&uid) && pod.status.as_ref() == Some(&status)));
        state.statuses.insert(uid.clone(), (pod.clone(), status));
        if !unchanged {
            state.dirty.insert(uid);
            self.wake.notify_one();
        }
    }

    /// Asks for the final removal of a deleted pod from the API server.
    pub fn delete(&self, pod: &Arc<Pod>) {
        let uid = pod_manager::uid(pod).to_owned();
        if let Ok(mut state) = self.state.lock() {
            state
                .statuses
                .entry(uid.clone())
                .or_insert_with(|| (pod.clone(), pod.status.clone().unwrap_or_default()));
            state.deletions.insert(uid);
        }
        self.wake.notify_one();
    }

    /// Forgets a pod that left every source.
    pub fn forget(&self, uid: &str) {
        if let Ok(mut state) = self.state.lock() {
            state.statuses.remove(uid);
            state.written.remove(uid);
            state.dirty.remove(uid);
            state.deletions.remove(uid);
            state.written_to.remove(uid);
        }
    }

    /// Writes dirty statuses and pending deletions until `shutdown`.
    pub async fn run(self, shutdown: common::shutdown::Shutdown) {
        loop {
            let (writes, deletions) = {
                let Ok(mut state) = self.state.lock() else {
                    return;
                };
                let dirty: Vec<String> = state.dirty.drain().collect();
                let writes: Vec<(String, Arc<Pod>, PodStatus)> = dirty
                    .into_iter()
                    .filter_map(|uid| {
                        let (pod, status) = state.statuses.get(&uid)?.clone();
                        Some((uid, pod, status))
                    })
                    .collect();
                let pending: Vec<String> = state.deletions.drain().collect();
                let deletions: Vec<(String, Arc<Pod>)> = pending
                    .into_iter()
                    .filter_map(|uid| {
                        let pod = state.statuses.get(&uid)?.0.clone();
                        Some((uid, pod))
                    })
                    .collect();
                (writes, deletions)
            };
            if writes.is_empty() && deletions.is_empty() {
                tokio::select! {
                    _ = shutdown.wait() => return,
                    _ = self.wake.notified() => continue,
                }
            }
            let Some(client) = &self.client else {
                // Standalone: nothing to write to; remember the statuses as written.
                if let Ok(mut state) = self.state.lock() {
                    for (uid, _, status) in writes {
                        state.written.insert(uid, status);
                    }
                }
                continue;
            };
            for (uid, pod, status) in writes {
                match self.write(client, &pod, &status).await {
                    Ok(target) => {
                        if let Ok(mut state) = self.state.lock() {
                            if let Some(target) = target {
                                state.written_to.insert(uid.clone(), target);
                            }
                            state.written.insert(uid, status);
                        }
                    }
                    Err(error) => {
                        tracing::debug!(%error, pod = %pod_manager::full_name(&pod), "failed to update pod status; retrying");
                        if let Ok(mut state) = self.state.lock() {
                            state.dirty.insert(uid);
                        }
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    }
                }
            }
            for (uid, pod) in deletions {
                if let Err(error) = self.finally_delete(client, &pod).await {
                    tracing::debug!(%error, pod = %pod_manager::full_name(&pod), "failed to delete pod; retrying");
                    if let Ok(mut state) = self.state.lock() {
                        state.deletions.insert(uid);
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                }
            }
        }
    }

    /// Writes `status`; returns the UID of the mirror pod it went to, for a static pod.
    async fn write(
        &self,
        client: &kube::Client,
        pod: &Pod,
        status: &PodStatus,
    ) -> Result<Option<String>, kube::Error> {
        // A static pod's status is shown on its mirror pod.
        let target = if pod_manager::is_static_pod(pod) {
            match self.pods.mirror_of(pod) {
                Some(mirror) => mirror,
                None => return Ok(None),
            }
        } else {
            Arc::new(pod.clone())
        };
        let namespace = target.metadata.namespace.as_deref().unwrap_or("default");
        let name = target.metadata.name.as_deref().unwrap_or_default();
        let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
        let patch = serde_json::json!({
            "metadata": {"uid": target.metadata.uid},
            "status": status,
        });
        match api
            .patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => Ok(pod_manager::is_static_pod(pod)
                .then(|| target.metadata.uid.clone())
                .flatten()),
            // The pod is gone: nothing left to report.
            Err(kube::Error::Api(response)) if response.code == 404 => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn finally_delete(&self, client: &kube::Client, pod: &Pod) -> Result<(), kube::Error> {
        let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
        let params = DeleteParams {
            grace_period_seconds: Some(0),
            preconditions: Some(Preconditions {
                uid: pod.metadata.uid.clone(),
                resource_version: None,
            }),
            ..Default::default()
        };
        match api.delete(name, &params).await {
            Ok(_) => {
                tracing::info!(pod = %pod_manager::full_name(pod), "pod fully terminated and removed from the API");
                Ok(())
            }
            Err(kube::Error::Api(response)) if response.code == 404 || response.code == 409 => {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }
}
