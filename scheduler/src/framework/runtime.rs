//! One profile's plugins, run in order at each extension point (upstream's
//! `frameworkruntime.frameworkImpl`).

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;

use super::node_info::{NodeInfo, PodInfo};
use super::plugin::{BindContext, ClusterEvent, CycleState, MAX_NODE_SCORE, NodeScore, Plugin};
use super::status::{Code, Status};
use super::waiting_pods::{Wait, WaitingPods};
use crate::metrics::Metrics;

/// The plugins enabled at each extension point, in order.
#[derive(Clone, Default)]
pub struct Points {
    /// PreEnqueue plugins.
    pub pre_enqueue: Vec<Arc<dyn Plugin>>,
    /// PreFilter plugins.
    pub pre_filter: Vec<Arc<dyn Plugin>>,
    /// Filter plugins.
    pub filter: Vec<Arc<dyn Plugin>>,
    /// PreScore plugins.
    pub pre_score: Vec<Arc<dyn Plugin>>,
    /// Score plugins with their weights.
    pub score: Vec<(Arc<dyn Plugin>, i64)>,
    /// Reserve plugins.
    pub reserve: Vec<Arc<dyn Plugin>>,
    /// Permit plugins.
    pub permit: Vec<Arc<dyn Plugin>>,
    /// PreBind plugins.
    pub pre_bind: Vec<Arc<dyn Plugin>>,
    /// Bind plugins.
    pub bind: Vec<Arc<dyn Plugin>>,
    /// PostBind plugins.
    pub post_bind: Vec<Arc<dyn Plugin>>,
}

/// What a Permit run decided.
pub enum PermitOutcome {
    /// Bind now.
    Allowed,
    /// Wait for the waiting pods' verdict before binding.
    Wait(Wait),
    /// Not on this node: a rejection or an error.
    Denied(Status),
}

impl Points {
    /// Every plugin at every point it implements (`multiPoint`), scoring with its weight.
    pub fn multi_point(plugins: &[(Arc<dyn Plugin>, i64)]) -> Self {
        let mut points = Points::default();
        for (plugin, weight) in plugins {
            if plugin.as_pre_enqueue().is_some() {
                points.pre_enqueue.push(plugin.clone());
            }
            if plugin.as_pre_filter().is_some() {
                points.pre_filter.push(plugin.clone());
            }
            if plugin.as_filter().is_some() {
                points.filter.push(plugin.clone());
            }
            if plugin.as_pre_score().is_some() {
                points.pre_score.push(plugin.clone());
            }
            if plugin.as_score().is_some() {
                points.score.push((plugin.clone(), (*weight).max(1)));
            }
            if plugin.as_reserve().is_some() {
                points.reserve.push(plugin.clone());
            }
            if plugin.as_permit().is_some() {
                points.permit.push(plugin.clone());
            }
            if plugin.as_pre_bind().is_some() {
                points.pre_bind.push(plugin.clone());
            }
            if plugin.as_bind().is_some() {
                points.bind.push(plugin.clone());
            }
            if plugin.as_post_bind().is_some() {
                points.post_bind.push(plugin.clone());
            }
        }
        points
    }
}

/// A scheduling profile: its `schedulerName` and its plugins.
pub struct Framework {
    /// The `spec.schedulerName` of the pods this profile schedules.
    pub scheduler_name: String,
    points: Points,
    /// Pods a Permit plugin holds (shared by every profile).
    waiting_pods: Arc<WaitingPods>,
    /// Where durations go, once the daemon has a registry (unit tests run without).
    metrics: OnceLock<Metrics>,
}

impl Framework {
    /// A profile with these plugins, holding waiting pods in `waiting_pods`.
    pub fn new(
        scheduler_name: impl Into<String>,
        points: Points,
        waiting_pods: Arc<WaitingPods>,
    ) -> Self {
        Self {
            scheduler_name: scheduler_name.into(),
            points,
            waiting_pods,
            metrics: OnceLock::new(),
        }
    }

    /// Sends this profile's durations to `metrics`.
    pub fn set_metrics(&self, metrics: Metrics) {
        let _ = self.metrics.set(metrics);
    }

    /// Records the duration of a whole extension point since `start`.
    pub fn record_point(&self, point: &str, code: Code, start: Instant) {
        if let Some(metrics) = self.metrics.get() {
            metrics.extension_point(
                point,
                code,
                &self.scheduler_name,
                start.elapsed().as_secs_f64(),
            );
        }
    }

    /// Runs `run` for one plugin, timing it in sampled cycles.
    fn timed<T>(
        &self,
        state: &CycleState,
        plugin: &str,
        point: &str,
        run: impl FnOnce() -> T,
        code: impl Fn(&T) -> Code,
    ) -> T {
        match self.metrics.get().filter(|_| state.sample_plugin_metrics) {
            Some(metrics) => {
                let start = Instant::now();
                let result = run();
                metrics.plugin(plugin, point, code(&result), start.elapsed().as_secs_f64());
                result
            }
            None => run(),
        }
    }

    /// Names of the plugins at each point, for logs and tests.
    pub fn plugin_names(&self) -> Vec<(&'static str, Vec<&'static str>)> {
        let names = |list: &[Arc<dyn Plugin>]| list.iter().map(|p| p.name()).collect();
        vec![
            ("preEnqueue", names(&self.points.pre_enqueue)),
            ("preFilter", names(&self.points.pre_filter)),
            ("filter", names(&self.points.filter)),
            ("preScore", names(&self.points.pre_score)),
            (
                "score",
                self.points.score.iter().map(|(p, _)| p.name()).collect(),
            ),
            ("reserve", names(&self.points.reserve)),
            ("permit", names(&self.points.permit)),
            ("preBind", names(&self.points.pre_bind)),
            ("bind", names(&self.points.bind)),
            ("postBind", names(&self.points.post_bind)),
        ]
    }

    /// The cluster events after which a pod rejected by `plugin` is worth retrying.
    pub fn events_of(&self, plugin: &str) -> &'static [ClusterEvent] {
        let points = &self.points;
        points
            .pre_enqueue
            .iter()
            .chain(&points.pre_filter)
            .chain(&points.filter)
            .chain(&points.reserve)
            .chain(&points.permit)
            .chain(&points.pre_bind)
            .find(|p| p.name() == plugin)
            .map_or(super::plugin::ALL_EVENTS, |p| p.events())
    }

    /// PreEnqueue: may the pod enter the active queue?
    pub fn run_pre_enqueue(&self, pod: &Pod) -> Status {
        for plugin in &self.points.pre_enqueue {
            if let Some(point) = plugin.as_pre_enqueue() {
                let status = point.pre_enqueue(pod);
                if !status.is_success() {
                    return status.with_plugin(plugin.name());
                }
            }
        }
        Status::success()
    }

    /// PreFilter: the first rejection or error ends the cycle; Skip disables that plugin's
    /// Filter for the cycle.
    pub fn run_pre_filter(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
    ) -> Status {
        for plugin in &self.points.pre_filter {
            if let Some(point) = plugin.as_pre_filter() {
                let status = point.pre_filter(state, pod, nodes);
                match status.code {
                    Code::Success => {}
                    Code::Skip => {
                        state.skip_filter.push(plugin.name());
                    }
                    _ => return status.with_plugin(plugin.name()),
                }
            }
        }
        Status::success()
    }

    /// Filter on one node: the first plugin that does not pass decides.
    pub fn run_filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        for plugin in &self.points.filter {
            if state.skip_filter.contains(&plugin.name()) {
                continue;
            }
            if let Some(point) = plugin.as_filter() {
                let status = self.timed(
                    state,
                    plugin.name(),
                    "Filter",
                    || point.filter(state, pod, node),
                    |s| s.code,
                );
                if !status.is_success() {
                    return status.with_plugin(plugin.name());
                }
            }
        }
        Status::success()
    }

    /// Whether any Score plugin is enabled (with none, the first feasible node is taken).
    pub fn has_score_plugins(&self) -> bool {
        !self.points.score.is_empty()
    }

    /// PreScore then Score, NormalizeScore and the weights: the total score of each node, in
    /// the order of `nodes`.
    pub fn run_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
    ) -> Result<Vec<i64>, Status> {
        let start = Instant::now();
        let pre = self.pre_score_plugins(state, pod, nodes);
        self.record_point("PreScore", pre.code, start);
        if !pre.is_success() {
            return Err(pre);
        }
        let start = Instant::now();
        let totals = self.score_plugins(state, pod, nodes);
        let code = totals.as_ref().map_or_else(|s| s.code, |_| Code::Success);
        self.record_point("Score", code, start);
        totals
    }

    /// Reserve on the chosen node: the first failure stops (the caller then runs
    /// [`Framework::run_unreserve`]); an error reads `running Reserve plugin "X": …`.
    pub fn run_reserve(&self, state: &mut CycleState, pod: &Pod, node: &str) -> Status {
        let start = Instant::now();
        for plugin in &self.points.reserve {
            if let Some(point) = plugin.as_reserve() {
                let status = point.reserve(state, pod, node);
                if !status.is_success() {
                    self.record_point("Reserve", status.code, start);
                    let status = if status.is_rejected() {
                        status
                    } else {
                        Status::error(format!(
                            "running Reserve plugin {:?}: {}",
                            plugin.name(),
                            status.message()
                        ))
                    };
                    return status.with_plugin(plugin.name());
                }
            }
        }
        self.record_point("Reserve", Code::Success, start);
        Status::success()
    }

    /// Unreserve: every Reserve plugin, in reverse order.
    pub fn run_unreserve(&self, state: &mut CycleState, pod: &Pod, node: &str) {
        let start = Instant::now();
        for plugin in self.points.reserve.iter().rev() {
            if let Some(point) = plugin.as_reserve() {
                point.unreserve(state, pod, node);
            }
        }
        self.record_point("Unreserve", Code::Success, start);
    }

    /// Permit: a rejection or error from any plugin denies; otherwise the pod waits for the
    /// plugins that said Wait, or is allowed.
    pub fn run_permit(&self, state: &CycleState, pod: &Pod, node: &str) -> PermitOutcome {
        let start = Instant::now();
        let mut waits: Vec<(&'static str, Duration)> = Vec::new();
        for plugin in &self.points.permit {
            let Some(point) = plugin.as_permit() else {
                continue;
            };
            let (status, timeout) = point.permit(state, pod, node);
            match status.code {
                Code::Success => {}
                Code::Wait => waits.push((plugin.name(), timeout)),
                code => {
                    self.record_point("Permit", code, start);
                    let status = if status.is_rejected() {
                        status
                    } else {
                        Status::error(format!(
                            "running Permit plugin {:?}: {}",
                            plugin.name(),
                            status.message()
                        ))
                    };
                    return PermitOutcome::Denied(status.with_plugin(plugin.name()));
                }
            }
        }
        if waits.is_empty() {
            self.record_point("Permit", Code::Success, start);
            return PermitOutcome::Allowed;
        }
        self.record_point("Permit", Code::Wait, start);
        let uid = pod.metadata.uid.as_deref().unwrap_or_default();
        PermitOutcome::Wait(self.waiting_pods.add(uid, &waits, Instant::now()))
    }

    /// Waits for a pod Permit held (upstream's `WaitOnPermit`).
    pub async fn wait_on_permit(&self, wait: Wait) -> Status {
        self.waiting_pods.wait_on(wait).await
    }

    /// The pods Permit plugins hold, for plugins that let them go.
    pub fn waiting_pods(&self) -> &WaitingPods {
        &self.waiting_pods
    }

    /// PreBind: the first plugin that does not succeed fails the binding cycle.
    pub async fn run_pre_bind(
        &self,
        ctx: &BindContext,
        state: &CycleState,
        pod: &Pod,
        node: &str,
    ) -> Status {
        let start = Instant::now();
        for plugin in &self.points.pre_bind {
            if let Some(point) = plugin.as_pre_bind() {
                let status = point.pre_bind(ctx, state, pod, node).await;
                if !status.is_success() {
                    self.record_point("PreBind", status.code, start);
                    return status.with_plugin(plugin.name());
                }
            }
        }
        self.record_point("PreBind", Code::Success, start);
        Status::success()
    }

    /// Bind: plugins in order until one does not Skip.
    pub async fn run_bind(
        &self,
        ctx: &BindContext,
        state: &CycleState,
        pod: &Pod,
        node: &str,
    ) -> Status {
        let start = Instant::now();
        for plugin in &self.points.bind {
            if let Some(point) = plugin.as_bind() {
                let status = point.bind(ctx, state, pod, node).await;
                if status.code != Code::Skip {
                    self.record_point("Bind", status.code, start);
                    return status.with_plugin(plugin.name());
                }
            }
        }
        self.record_point("Bind", Code::Skip, start);
        Status::error("all bind plugins skipped the pod")
    }

    /// PostBind: every plugin is told.
    pub fn run_post_bind(&self, state: &CycleState, pod: &Pod, node: &str) {
        let start = Instant::now();
        for plugin in &self.points.post_bind {
            if let Some(point) = plugin.as_post_bind() {
                point.post_bind(state, pod, node);
            }
        }
        self.record_point("PostBind", Code::Success, start);
    }

    fn pre_score_plugins(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
    ) -> Status {
        for plugin in &self.points.pre_score {
            if let Some(point) = plugin.as_pre_score() {
                let status = point.pre_score(state, pod, nodes);
                match status.code {
                    Code::Success => {}
                    Code::Skip => {
                        state.skip_score.push(plugin.name());
                    }
                    _ => return status.with_plugin(plugin.name()),
                }
            }
        }
        Status::success()
    }

    fn score_plugins(
        &self,
        state: &CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
    ) -> Result<Vec<i64>, Status> {
        let mut totals = vec![0i64; nodes.len()];
        // One score list for all plugins: the node names are copied once per cycle.
        let mut scores: Vec<NodeScore> = nodes
            .iter()
            .map(|node| NodeScore {
                name: node.name().to_owned(),
                score: 0,
            })
            .collect();
        for (plugin, weight) in &self.points.score {
            if state.skip_score.contains(&plugin.name()) {
                continue;
            }
            let Some(point) = plugin.as_score() else {
                continue;
            };
            let start = Instant::now();
            for (slot, node) in scores.iter_mut().zip(nodes) {
                slot.score = point
                    .score(state, pod, node)
                    .map_err(|s| s.with_plugin(plugin.name()))?;
            }
            if let Some(metrics) = self.metrics.get().filter(|_| state.sample_plugin_metrics) {
                metrics.plugin(
                    plugin.name(),
                    "Score",
                    Code::Success,
                    start.elapsed().as_secs_f64(),
                );
            }
            let status = point.normalize(state, pod, &mut scores);
            if !status.is_success() {
                return Err(status.with_plugin(plugin.name()));
            }
            for (total, score) in totals.iter_mut().zip(&scores) {
                if !(0..=MAX_NODE_SCORE).contains(&score.score) {
                    return Err(Status::error(format!(
                        "plugin {} returns an invalid score {}, it should in the range of [0, {}] after normalizing",
                        plugin.name(),
                        score.score,
                        MAX_NODE_SCORE
                    ))
                    .with_plugin(plugin.name()));
                }
                *total += score.score * weight;
            }
        }
        Ok(totals)
    }
}

#[cfg(test)]
#[path = "runtime_tests.rs"]
mod tests;
