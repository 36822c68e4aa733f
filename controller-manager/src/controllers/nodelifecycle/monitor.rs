//! The periodic passes of the node-lifecycle-controller: node health every
//! `--node-monitor-period` (upstream's `monitorNodeHealth`, `processTaintBaseEviction` and
//! `handleDisruption`), and the rate-limited `NoExecute` tainting every
//! [`NODE_EVICTION_PERIOD`] (upstream's `doNoExecuteTaintingPass`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use common::shutdown::Shutdown;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Node, NodeCondition};
use kube::api::{Api, PostParams};
use tokio::time::{Instant, MissedTickBehavior};

use super::eviction_queue::EvictionQueue;
use super::health::{self, ZoneState, zone_key};
use super::taints::{
    NO_EXECUTE, TAINT_NOT_READY, TAINT_UNREACHABLE, has_taint, swap_taints, taint,
};
use super::{NODE_EVICTION_PERIOD, NodeLifecycleController};
use crate::controller::{self, Result};
use crate::events::reference_of;
use crate::informers::SharedInformers;

/// Tries of one node's status update (upstream's `NodeHealthUpdateRetry`).
const HEALTH_UPDATE_RETRIES: usize = 5;

/// Nodes with this label are left out of zone disruption checks.
const LABEL_EXCLUDE_DISRUPTION: &str = "node.kubernetes.io/exclude-disruption";

fn not_ready_taint() -> k8s_openapi::api::core::v1::Taint {
    taint(TAINT_NOT_READY, NO_EXECUTE)
}

fn unreachable_taint() -> k8s_openapi::api::core::v1::Taint {
    taint(TAINT_UNREACHABLE, NO_EXECUTE)
}

fn node_taints(node: &Node) -> &[k8s_openapi::api::core::v1::Taint] {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or_default()
}

fn name_of(node: &Node) -> &str {
    node.metadata.name.as_deref().unwrap_or_default()
}

impl NodeLifecycleController {
    /// Runs both passes until `stop`, once the informers have synced.
    pub(super) async fn run(self: Arc<Self>, informers: SharedInformers, stop: Shutdown) {
        tokio::select! {
            () = informers.wait_for_sync() => {}
            () = stop.wait() => return,
        }
        tracing::info!(controller = super::NAME, "starting node health monitoring");
        let mut monitor = tokio::time::interval(self.settings.monitor_period);
        monitor.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut tainting = tokio::time::interval(NODE_EVICTION_PERIOD);
        tainting.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stop.wait() => return,
                _ = monitor.tick() => {
                    if let Err(error) = self.monitor_node_health().await {
                        tracing::warn!(%error, "monitoring node health failed");
                    }
                }
                _ = tainting.tick() => self.no_execute_tainting_pass().await,
            }
        }
    }

    /// Taints the nodes whose turn has come, per zone, as the limiters allow.
    async fn no_execute_tainting_pass(&self) {
        let now = Instant::now();
        let due: Vec<(String, String)> = {
            let mut state = self.state();
            state
                .zone_queues
                .iter_mut()
                .flat_map(|(zone, queue)| {
                    queue
                        .take_due(now)
                        .into_iter()
                        .map(|node| (zone.clone(), node))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        for (zone, name) in due {
            let retry = match self.nodes.get("", &name) {
                None => None,
                Some(node) => {
                    let ready = health::condition(node.status.as_ref(), "Ready");
                    match ready.map(|c| c.status.as_str()) {
                        None => Some(Duration::from_millis(50)),
                        Some("False") => {
                            self.swap_or_retry(&node, not_ready_taint(), unreachable_taint())
                                .await
                        }
                        Some("Unknown") => {
                            self.swap_or_retry(&node, unreachable_taint(), not_ready_taint())
                                .await
                        }
                        Some(_) => None,
                    }
                }
            };
            if let Some(wait) = retry
                && let Some(queue) = self.state().zone_queues.get_mut(&zone)
            {
                queue.retry(&name, Instant::now(), wait);
            }
        }
    }

    async fn swap_or_retry(
        &self,
        node: &Node,
        add: k8s_openapi::api::core::v1::Taint,
        remove: k8s_openapi::api::core::v1::Taint,
    ) -> Option<Duration> {
        match swap_taints(&self.client, node, &[add], &[remove]).await {
            Ok(()) => {
                tracing::info!(node = name_of(node), "tainted a node NoExecute");
                None
            }
            Err(error) => {
                tracing::warn!(node = name_of(node), %error, "could not taint a node");
                Some(Duration::ZERO)
            }
        }
    }

    fn ensure_zone(&self, node: &Node) {
        let zone = zone_key(node);
        let mut state = self.state();
        if !state.zone_states.contains_key(&zone) {
            state.zone_states.insert(zone.clone(), ZoneState::Initial);
            state.zone_queues.insert(
                zone,
                EvictionQueue::new(self.settings.eviction_rate, Instant::now()),
            );
        }
    }

    /// Removes both `NoExecute` taints and forgets the node's pending tainting.
    async fn mark_node_as_reachable(&self, node: &Node) -> Result<bool> {
        swap_taints(
            &self.client,
            node,
            &[],
            &[unreachable_taint(), not_ready_taint()],
        )
        .await?;
        let mut state = self.state();
        Ok(state
            .zone_queues
            .get_mut(&zone_key(node))
            .is_some_and(|q| q.remove(name_of(node))))
    }

    fn mark_node_for_tainting(&self, node: &Node, status: &str) -> bool {
        let mut state = self.state();
        let Some(queue) = state.zone_queues.get_mut(&zone_key(node)) else {
            return false;
        };
        let wanted = if status == "False" {
            not_ready_taint()
        } else {
            unreachable_taint()
        };
        if !has_taint(node_taints(node), &wanted) {
            queue.remove(name_of(node));
        }
        queue.add(name_of(node), Instant::now())
    }

    async fn process_taint_based_eviction(&self, node: &Node, observed: &NodeCondition) {
        let taints = node_taints(node);
        let name = name_of(node);
        match observed.status.as_str() {
            "False" if has_taint(taints, &unreachable_taint()) => {
                if let Err(error) = swap_taints(
                    &self.client,
                    node,
                    &[not_ready_taint()],
                    &[unreachable_taint()],
                )
                .await
                {
                    tracing::warn!(node = name, %error, "could not swap the unreachable taint");
                }
            }
            "Unknown" if has_taint(taints, &not_ready_taint()) => {
                if let Err(error) = swap_taints(
                    &self.client,
                    node,
                    &[unreachable_taint()],
                    &[not_ready_taint()],
                )
                .await
                {
                    tracing::warn!(node = name, %error, "could not swap the not-ready taint");
                }
            }
            status @ ("False" | "Unknown") if self.mark_node_for_tainting(node, status) => {
                tracing::info!(node = name, status, "node not ready; queued for tainting");
            }
            "True" => match self.mark_node_as_reachable(node).await {
                Ok(true) => tracing::info!(node = name, "node healthy again"),
                Ok(false) => {}
                Err(error) => tracing::warn!(node = name, %error, "could not untaint a node"),
            },
            _ => {}
        }
    }

    /// One health check of `node`, writing its status when it went silent; returns the
    /// observed and the current Ready condition.
    async fn update_node_health(
        &self,
        node: &Node,
    ) -> Result<(NodeCondition, Option<NodeCondition>)> {
        let api: Api<Node> = Api::all(self.client.clone());
        let name = name_of(node).to_owned();
        let mut node = node.clone();
        let mut last_error = None;
        for _ in 0..HEALTH_UPDATE_RETRIES {
            let saved = self.state().health.get(&name).cloned();
            let lease = self.leases.get("kube-node-lease", &name);
            let check = health::check(
                saved.as_ref(),
                &node,
                lease.as_deref(),
                self.settings.grace_period,
                self.settings.startup_grace_period,
                Instant::now(),
                Timestamp::now(),
            );
            let Some(status) = check.new_status else {
                self.state().health.insert(name.clone(), check.health);
                return Ok((check.observed_ready, check.current_ready));
            };
            let mut updated = node.clone();
            updated.status = Some(status);
            match api
                .replace_status(&name, &PostParams::default(), &updated)
                .await
            {
                Ok(_) => {
                    tracing::info!(node = %name, "node stopped posting status; marked Unknown");
                    self.state().health.insert(name.clone(), check.health);
                    return Ok((check.observed_ready, check.current_ready));
                }
                Err(error) => {
                    tracing::debug!(node = %name, %error, "node status update failed; retrying");
                    last_error = Some(error);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    node = api.get(&name).await?;
                }
            }
        }
        Err(last_error.map_or_else(
            || controller::Error::Other(format!("could not update node {name}")),
            controller::Error::from,
        ))
    }

    /// One pass over every node.
    pub(super) async fn monitor_node_health(&self) -> Result<()> {
        let nodes = self.nodes.list_all();
        let (added, deleted) = {
            let state = self.state();
            let added: Vec<Arc<Node>> = nodes
                .iter()
                .filter(|n| !state.known.contains_key(name_of(n)))
                .cloned()
                .collect();
            let current: std::collections::HashSet<&str> =
                nodes.iter().map(|n| name_of(n)).collect();
            let deleted: Vec<Arc<Node>> = state
                .known
                .iter()
                .filter(|(name, _)| !current.contains(name.as_str()))
                .map(|(_, n)| n.clone())
                .collect();
            (added, deleted)
        };
        for node in &nodes {
            self.ensure_zone(node);
        }
        for node in &added {
            let name = name_of(node);
            self.recorder.normal(
                reference_of(&**node),
                "RegisteredNode",
                "Register",
                format!("Node {name} event: Registered Node {name} in Controller"),
            );
            self.state().known.insert(name.to_owned(), node.clone());
            if let Err(error) = self.mark_node_as_reachable(node).await {
                tracing::warn!(node = name, %error, "could not untaint a new node");
            }
        }
        for node in &deleted {
            let name = name_of(node);
            self.recorder.normal(
                reference_of(&**node),
                "RemovingNode",
                "Remove",
                format!("Node {name} event: Removing Node {name} from Controller"),
            );
            let mut state = self.state();
            state.known.remove(name);
            state.health.remove(name);
            state.retry_mark_pods.remove(name);
        }

        let mut zone_conditions: HashMap<String, Vec<Option<NodeCondition>>> = HashMap::new();
        for node in &nodes {
            let name = name_of(node);
            let (observed, current) = match self.update_node_health(node).await {
                Ok(result) => result,
                Err(error) => {
                    tracing::warn!(node = name, %error, "could not update node health; skipping");
                    continue;
                }
            };
            let excluded = node
                .metadata
                .labels
                .as_ref()
                .is_some_and(|l| l.contains_key(LABEL_EXCLUDE_DISRUPTION));
            if !excluded {
                zone_conditions
                    .entry(zone_key(node))
                    .or_default()
                    .push(current.clone());
            }
            let Some(current) = current else { continue };
            self.process_taint_based_eviction(node, &observed).await;
            let needs_retry = self.state().retry_mark_pods.contains(name);
            let became_not_ready = current.status != "True" && observed.status == "True";
            if became_not_ready {
                self.recorder.normal(
                    reference_of(&**node),
                    "NodeNotReady",
                    "NodeNotReady",
                    format!("Node {name} status is now: NodeNotReady"),
                );
            }
            if became_not_ready || (needs_retry && observed.status != "True") {
                let pods = self.pods_on(name);
                if let Err(error) = self.mark_pods_not_ready(&pods, name).await {
                    tracing::warn!(node = name, %error, "could not mark pods not ready; will retry");
                    self.state().retry_mark_pods.insert(name.to_owned());
                    continue;
                }
            }
            self.state().retry_mark_pods.remove(name);
        }
        self.handle_disruption(&zone_conditions, &nodes).await;
        Ok(())
    }

    fn set_limiter(
        &self,
        state: &mut super::State,
        zone: &str,
        size: usize,
        zone_state: ZoneState,
    ) {
        let settings = &self.settings;
        let qps = match zone_state {
            ZoneState::Normal | ZoneState::FullDisruption => settings.eviction_rate,
            ZoneState::PartialDisruption if size > settings.large_cluster_threshold => {
                settings.secondary_eviction_rate
            }
            ZoneState::PartialDisruption => 0.0,
            ZoneState::Initial => return,
        };
        if let Some(queue) = state.zone_queues.get_mut(zone) {
            queue.swap_limiter(qps, Instant::now());
        }
    }

    /// Adjusts the zones' eviction rates to their health; with every zone fully disrupted
    /// (the control plane is likely the one cut off), stops evictions and untaints nodes.
    async fn handle_disruption(
        &self,
        zone_conditions: &HashMap<String, Vec<Option<NodeCondition>>>,
        nodes: &[Arc<Node>],
    ) {
        let threshold = self.settings.unhealthy_zone_threshold;
        let new_states: HashMap<&String, ZoneState> = zone_conditions
            .iter()
            .map(|(zone, conditions)| (zone, health::zone_state(conditions, threshold).1))
            .collect();
        let all_are_full = new_states.values().all(|s| *s == ZoneState::FullDisruption);
        let all_were_full = {
            let mut state = self.state();
            for zone in zone_conditions.keys() {
                state
                    .zone_states
                    .entry(zone.clone())
                    .or_insert(ZoneState::Initial);
            }
            state
                .zone_states
                .retain(|zone, _| zone_conditions.contains_key(zone));
            state
                .zone_states
                .values()
                .all(|s| *s == ZoneState::FullDisruption)
        };
        if all_are_full && all_were_full {
            return;
        }
        if all_are_full {
            tracing::info!("every node is not ready; entering master disruption mode");
            for node in nodes {
                if let Err(error) = self.mark_node_as_reachable(node).await {
                    tracing::warn!(node = name_of(node), %error, "could not untaint a node");
                }
            }
            let mut state = self.state();
            for queue in state.zone_queues.values_mut() {
                queue.swap_limiter(0.0, Instant::now());
            }
            for zone_state in state.zone_states.values_mut() {
                *zone_state = ZoneState::FullDisruption;
            }
            return;
        }
        let mut state = self.state();
        if all_were_full {
            tracing::info!("some nodes are ready; leaving master disruption mode");
            let now = Instant::now();
            for node in nodes {
                if let Some(health) = state.health.get_mut(name_of(node)) {
                    health.probe = now;
                    health.ready_transition = now;
                }
            }
        }
        for (zone, new_state) in new_states {
            let old = state.zone_states.get(zone).copied();
            if !all_were_full && old == Some(new_state) {
                continue;
            }
            let size = zone_conditions.get(zone).map_or(0, Vec::len);
            self.set_limiter(&mut state, zone, size, new_state);
            state.zone_states.insert(zone.clone(), new_state);
        }
    }
}
