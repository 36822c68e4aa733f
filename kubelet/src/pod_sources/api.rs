//! The API server source: a watch of the pods bound to this node
//! (`fieldSelector=spec.nodeName=<node>`), through kube-runtime's watcher (relists on expiry).

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::runtime::watcher;
use tokio::sync::watch;

use crate::pod_manager::PodManager;
use crate::pod_workers::PodWorkers;
use common::shutdown::Shutdown;

/// Feeds the API's pods into `pods`; `synced` turns true once the first full list arrived (the
/// kubelet kills orphaned containers only after that).
pub async fn run(
    client: kube::Client,
    node_name: String,
    pods: PodManager,
    workers: PodWorkers,
    synced: Arc<watch::Sender<bool>>,
    shutdown: Shutdown,
) {
    let api: Api<Pod> = Api::all(client);
    let config = watcher::Config::default().fields(&format!("spec.nodeName={node_name}"));
    let stream = watcher::watcher(api, config);
    let mut stream = std::pin::pin!(stream);
    let mut initial: Vec<Pod> = Vec::new();
    loop {
        let event = tokio::select! {
            _ = shutdown.wait() => return,
            event = stream.next() => event,
        };
        match event {
            Some(Ok(watcher::Event::Init)) => initial.clear(),
            Some(Ok(watcher::Event::InitApply(pod))) => initial.push(pod),
            Some(Ok(watcher::Event::InitDone)) => {
                for uid in pods.replace_source("api", std::mem::take(&mut initial)) {
                    workers.update(&uid);
                }
                synced.send_replace(true);
            }
            Some(Ok(watcher::Event::Apply(pod))) => {
                if let Some(uid) = pods.upsert(pod) {
                    workers.update(&uid);
                }
            }
            Some(Ok(watcher::Event::Delete(pod))) => {
                if let Some(uid) = pods.remove(&pod) {
                    workers.update(&uid);
                }
            }
            Some(Err(error)) => {
                tracing::warn!(%error, "watching this node's pods failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            None => return,
        }
    }
}
