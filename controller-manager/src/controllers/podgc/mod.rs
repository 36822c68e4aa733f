//! pod-garbage-collector-controller (upstream's `pkg/controller/podgc/gc_controller.go`):
//! every 20 s it force-deletes (grace period 0)
//!
//! - terminated pods (Succeeded or Failed) beyond `--terminated-pod-gc-threshold`, evicted
//!   ones and then the oldest first;
//! - terminating pods on nodes that are not ready and tainted `node.kubernetes.io/out-of-service`;
//! - pods bound to nodes that no longer exist, once the node has been missing for the
//!   quarantine (40 s) and the API confirms it is gone;
//! - terminating pods that were never scheduled.
//!
//! A pod not yet terminal is first marked Failed (with the `DisruptionTarget` condition when
//! its node is gone), as upstream does.

mod selection;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::shutdown::Shutdown;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use serde_json::json;
use tokio::time::Instant;

use crate::controller::{self, Result};
use crate::controllers::{ControllerContext, Running};
use crate::informers::{Lister, SharedInformers, key_of};
pub use selection::{
    orphaned_node_names, terminated_to_delete, terminating_on_out_of_service,
    unscheduled_terminating,
};

pub const NAME: &str = "pod-garbage-collector-controller";

/// How often the collector runs (upstream's `gcCheckPeriod`).
pub const GC_CHECK_PERIOD: Duration = Duration::from_secs(20);
/// How long a node must be missing before its pods are collected (upstream's
/// `quarantineTime`).
pub const QUARANTINE: Duration = Duration::from_secs(40);

/// The collector's knobs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `--terminated-pod-gc-threshold`; zero or less turns that part off.
    pub terminated_pod_threshold: i64,
    pub period: Duration,
    pub quarantine: Duration,
}

pub struct PodGcController {
    client: kube::Client,
    pods: Lister<Pod>,
    nodes: Lister<Node>,
    settings: Settings,
    /// Nodes pods are bound to that were missing, and since when.
    missing_since: Mutex<HashMap<String, Instant>>,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let settings = Settings {
        terminated_pod_threshold: context.options.terminated_pod_gc_threshold,
        period: GC_CHECK_PERIOD,
        quarantine: QUARANTINE,
    };
    start_with(context, settings)
}

/// Starts the collector with explicit `settings` (tests shorten the period and quarantine).
pub fn start_with(context: &ControllerContext, settings: Settings) -> Result<Running> {
    let controller = Arc::new(PodGcController {
        client: context.client.clone(),
        pods: context.informers.lister::<Pod>(),
        nodes: context.informers.lister::<Node>(),
        settings,
        missing_since: Mutex::new(HashMap::new()),
    });
    Ok(Box::pin(
        controller.run(context.informers.clone(), context.stop.clone()),
    ))
}

/// Why a pod that is not terminal is marked Failed.
struct Disruption {
    reason: &'static str,
    message: &'static str,
}

const NODE_GONE: Disruption = Disruption {
    reason: "DeletionByPodGC",
    message: "PodGC: node no longer exists",
};

impl PodGcController {
    async fn run(self: Arc<Self>, informers: SharedInformers, stop: Shutdown) {
        tokio::select! {
            () = informers.wait_for_sync() => {}
            () = stop.wait() => return,
        }
        tracing::info!(controller = NAME, "starting");
        let mut tick = tokio::time::interval(self.settings.period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stop.wait() => return,
                _ = tick.tick() => self.gc().await,
            }
        }
    }

    /// One collection.
    pub async fn gc(&self) {
        let pods = self.pods.list_all();
        let nodes = self.nodes.list_all();
        let threshold = self.settings.terminated_pod_threshold;
        if threshold > 0 {
            for pod in terminated_to_delete(&pods, threshold.unsigned_abs() as usize) {
                self.delete(&pod, None).await;
            }
        }
        for pod in terminating_on_out_of_service(&pods, &nodes) {
            self.delete(&pod, None).await;
        }
        self.gc_orphaned(&pods, &nodes).await;
        for pod in unscheduled_terminating(&pods) {
            self.delete(&pod, None).await;
        }
    }

    async fn gc_orphaned(&self, pods: &[Arc<Pod>], nodes: &[Arc<Node>]) {
        let missing = orphaned_node_names(pods, nodes);
        let now = Instant::now();
        let due: Vec<String> = {
            let mut since = self.missing_since.lock().unwrap_or_else(|e| e.into_inner());
            since.retain(|node, _| missing.contains(node));
            for node in &missing {
                since.entry(node.clone()).or_insert(now);
            }
            since
                .iter()
                .filter(|(_, at)| now.duration_since(**at) >= self.settings.quarantine)
                .map(|(node, _)| node.clone())
                .collect()
        };
        let api: Api<Node> = Api::all(self.client.clone());
        for node in due {
            // The cache may lag; only the API says a node is gone.
            match api.get_opt(&node).await {
                Ok(None) => {}
                Ok(Some(_)) => continue,
                Err(error) => {
                    tracing::warn!(node, %error, "could not check whether a node exists");
                    continue;
                }
            }
            for pod in pods
                .iter()
                .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(&node))
            {
                tracing::info!(pod = %key_of(&**pod), node, "deleting a pod bound to a deleted node");
                self.delete(pod, Some(&NODE_GONE)).await;
            }
        }
    }

    /// Marks `pod` Failed if it is not terminal, then deletes it with grace period 0; errors
    /// are logged (the next collection tries again).
    async fn delete(&self, pod: &Pod, disruption: Option<&Disruption>) {
        if let Err(error) = self.try_delete(pod, disruption).await {
            tracing::warn!(pod = %key_of(pod), %error, "could not collect a pod");
        }
    }

    async fn try_delete(&self, pod: &Pod, disruption: Option<&Disruption>) -> Result<()> {
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        if !matches!(phase, Some("Succeeded" | "Failed")) {
            let mut status = json!({"phase": "Failed"});
            if let Some(d) = disruption {
                status["conditions"] = json!([{
                    "type": "DisruptionTarget",
                    "status": "True",
                    "reason": d.reason,
                    "message": d.message,
                    "lastTransitionTime": Timestamp::now().to_string(),
                }]);
            }
            match api
                .patch_status(
                    name,
                    &PatchParams::default(),
                    &Patch::Strategic(json!({ "status": status })),
                )
                .await
            {
                Ok(_) => {}
                Err(error) if controller::is_not_found(&error) => return Ok(()),
                Err(error) => return Err(error.into()),
            }
        }
        match api
            .delete(name, &DeleteParams::default().grace_period(0))
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if controller::is_not_found(&error) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}
