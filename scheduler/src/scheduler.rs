//! The running scheduler: the watches feed the cache and the queue ([`crate::event_handlers`]),
//! one loop pops pods and runs a scheduling cycle each, and each chosen node is assumed at once
//! and bound in a task of its own, so the next cycle does not wait for the API round-trip.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::sync::Notify;

use crate::cache::Cache;
use crate::config::{Profile, SchedulerConfig};
use crate::framework::runtime::PermitOutcome;
use crate::framework::waiting_pods::Wait;
use crate::framework::{BindContext, ClusterEvent, CycleState, Handle, PodInfo, Status, pod_key};
use crate::metrics::{self, Metrics};
use crate::pod_status::Reporter;
use crate::preemption::{self, Outcome};
use crate::queue::{QueuedPod, SchedulingQueue};
use crate::schedule_one::{Algorithm, FitError, ScheduleError};

/// How often back-off and unschedulable pods are checked, and assumed pods expired.
const FLUSH_PERIOD: Duration = Duration::from_secs(1);

/// What the watches and the scheduling loop share.
pub(crate) struct State {
    pub(crate) cache: Cache,
    pub(crate) queue: SchedulingQueue,
    /// PodDisruptionBudgets by `namespace/name`, for preemption.
    pub(crate) pdbs: HashMap<String, PodDisruptionBudget>,
    algorithm: Algorithm,
    rng: StdRng,
}

/// The scheduler.
pub struct Scheduler {
    pub(crate) client: kube::Client,
    pub(crate) profiles: HashMap<String, Arc<Profile>>,
    /// What the plugins share; the watches feed its volume cache.
    pub(crate) handle: Handle,
    /// The binding cycles in flight, by pod uid, woken when their pod is deleted.
    bindings: Mutex<HashMap<String, Arc<Notify>>>,
    state: Mutex<State>,
    /// Woken when a pod enters the active queue.
    pub(crate) wake: Notify,
    /// The watches that have finished their first list; scheduling starts when both have
    /// (upstream's `WaitForCacheSync`), so no pod is judged against a partial node list.
    synced: tokio::sync::watch::Sender<usize>,
    metrics: Metrics,
    reporter: Reporter,
}

impl Scheduler {
    /// A scheduler with these profiles, talking to the API server through `client`.
    pub fn new(
        client: kube::Client,
        config: SchedulerConfig,
        metrics: Metrics,
        identity: &str,
    ) -> Arc<Self> {
        for profile in config.profiles.values() {
            profile.framework.set_metrics(metrics.clone());
        }
        Arc::new(Self {
            reporter: Reporter::new(client.clone(), identity),
            client,
            state: Mutex::new(State {
                cache: Cache::new(),
                queue: SchedulingQueue::new(config.initial_backoff, config.max_backoff),
                pdbs: HashMap::new(),
                algorithm: Algorithm::default(),
                rng: StdRng::from_os_rng(),
            }),
            profiles: config.profiles,
            handle: config.handle,
            bindings: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            synced: tokio::sync::watch::Sender::new(0),
            metrics,
        })
    }

    /// The shared state. A poisoned lock means a panic elsewhere; the state is still
    /// consistent (every update is a few plain assignments), so keep going.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs the watches and the scheduling loop until `stop` completes.
    pub async fn run(self: Arc<Self>, stop: impl std::future::Future<Output = ()>) {
        let watches = tokio::spawn(crate::event_handlers::run(self.clone()));
        let flusher = tokio::spawn(self.clone().flush_loop());
        tokio::select! {
            () = stop => {}
            () = self.clone().scheduling_loop() => {}
        }
        watches.abort();
        flusher.abort();
    }

    async fn flush_loop(self: Arc<Self>) {
        let mut tick = tokio::time::interval(FLUSH_PERIOD);
        loop {
            tick.tick().await;
            let now = Instant::now();
            let pending = {
                let mut state = self.state();
                for key in state.cache.expire_assumed(now) {
                    tracing::warn!(pod = %key, "assumed pod expired: its binding was never confirmed");
                    state.queue.on_event(ClusterEvent::AssignedPodDeleted, now);
                }
                state.queue.flush(now);
                state.queue.pending()
            };
            self.metrics.pending(pending);
            if pending.active > 0 {
                self.wake.notify_one();
            }
        }
    }

    /// Pod `uid` was deleted: its binding cycle stops, and a Permit wait ends (upstream's
    /// `RejectWaitingPod` on delete).
    pub(crate) fn pod_deleted(&self, uid: &str) {
        let cancel = self
            .bindings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(uid);
        if let Some(cancel) = cancel {
            cancel.notify_one();
        }
        self.handle
            .waiting_pods
            .reject(uid, "", "removed: the pod was deleted");
    }

    /// A watch finished its first list.
    pub(crate) fn watch_synced(&self) {
        self.synced.send_modify(|n| *n += 1);
    }

    async fn scheduling_loop(self: Arc<Self>) {
        let mut synced = self.synced.subscribe();
        if synced
            .wait_for(|n| *n >= crate::event_handlers::WATCHES)
            .await
            .is_err()
        {
            return;
        }
        tracing::info!("caches synced; scheduling");
        loop {
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let popped = self.state().queue.pop(Instant::now());
            match popped {
                Some(pod) => self.schedule_one(pod),
                None => {
                    let _ = tokio::time::timeout(FLUSH_PERIOD, notified).await;
                }
            }
            // Let the watch and binding tasks run between cycles.
            tokio::task::yield_now().await;
        }
    }

    /// One scheduling cycle for `queued`: a node, then Reserve and Permit; the binding cycle
    /// runs in a task of its own.
    fn schedule_one(self: &Arc<Self>, queued: QueuedPod) {
        let pod = queued.pod.clone();
        let key = pod_key(&pod);
        let scheduler_name = pod
            .spec
            .as_ref()
            .and_then(|s| s.scheduler_name.clone())
            .unwrap_or_else(|| crate::config::DEFAULT_SCHEDULER_NAME.to_owned());
        let Some(profile) = self.profiles.get(&scheduler_name).cloned() else {
            self.state().queue.remove(&key);
            return;
        };
        let start = Instant::now();
        let info = PodInfo::new(pod.clone());
        let mut state = self.state();
        let state = &mut *state;
        let mut cycle = CycleState::default();
        let result = state.algorithm.schedule_with_state(
            &profile,
            &state.cache,
            &info,
            &mut state.rng,
            &mut cycle,
        );
        let node = match result {
            Ok(result) => {
                tracing::debug!(pod = %key, node = %result.node, evaluated = result.evaluated,
                    feasible = result.feasible, "pod scheduled");
                result.node
            }
            Err(error) => {
                self.scheduling_failed(state, queued, &profile, &info, error, start);
                return;
            }
        };
        let framework = &profile.framework;
        let reserved = framework.run_reserve(&mut cycle, &pod, &node);
        if !reserved.is_success() {
            framework.run_unreserve(&mut cycle, &pod, &node);
            let error = point_failure(reserved, &node);
            self.scheduling_failed(state, queued, &profile, &info, error, start);
            return;
        }
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let wait = match framework.run_permit(&cycle, &pod, &node) {
            PermitOutcome::Allowed => None,
            PermitOutcome::Wait(wait) => Some(wait),
            PermitOutcome::Denied(status) => {
                framework.run_unreserve(&mut cycle, &pod, &node);
                let error = point_failure(status, &node);
                self.scheduling_failed(state, queued, &profile, &info, error, start);
                return;
            }
        };
        state.cache.assume(info, &node);
        // Registered before the task starts, so a deletion right now still cancels it.
        let cancel = Arc::new(Notify::new());
        self.bindings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(uid.clone(), cancel.clone());
        let this = self.clone();
        tokio::spawn(async move {
            let assumed = Assumed {
                queued,
                profile,
                node,
                cycle,
                wait,
                start,
            };
            this.binding_cycle(assumed, cancel).await;
            this.bindings
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&uid);
        });
    }

    /// A scheduling cycle found no node (or Reserve or Permit turned the node down): requeue,
    /// preempt when the algorithm found no node and the profile preempts, and report.
    fn scheduling_failed(
        &self,
        state: &mut State,
        queued: QueuedPod,
        profile: &Profile,
        info: &PodInfo,
        mut error: ScheduleError,
        start: Instant,
    ) {
        let now = Instant::now();
        let pod = queued.pod.clone();
        let scheduler_name = profile.framework.scheduler_name.clone();
        let result = match &mut error {
            ScheduleError::Fit(fit) => {
                let mut retry_on: HashSet<ClusterEvent> = fit
                    .rejected_by
                    .iter()
                    .flat_map(|plugin| profile.framework.events_of(plugin))
                    .copied()
                    .collect();
                if profile.preemption && !fit.after_filter {
                    // Borrowed, not cloned: this runs for every pod that fits nowhere.
                    let pdbs: Vec<&PodDisruptionBudget> = state.pdbs.values().collect();
                    match preemption::preempt(&profile.framework, &state.cache, info, fit, &pdbs) {
                        Outcome::Preempt(candidate) => {
                            // The victims' deletion is the event to wait for.
                            retry_on.insert(ClusterEvent::AssignedPodDeleted);
                            retry_on.insert(ClusterEvent::AssignedPodChanged);
                            let reporter = self.reporter.clone();
                            let preemptor = pod.clone();
                            let name = scheduler_name.clone();
                            tokio::spawn(async move {
                                reporter.preempt(&preemptor, &name, &candidate).await;
                            });
                        }
                        Outcome::NotPossible(message) => {
                            fit.post_filter_message = Some(message);
                        }
                    }
                }
                state
                    .queue
                    .requeue_unschedulable(queued, fit.rejected_by.clone(), retry_on, now);
                metrics::UNSCHEDULABLE
            }
            ScheduleError::NoNodes => {
                state.queue.requeue_unschedulable(
                    queued,
                    HashSet::new(),
                    HashSet::from([ClusterEvent::NodeAdded]),
                    now,
                );
                metrics::UNSCHEDULABLE
            }
            ScheduleError::Internal(_) | ScheduleError::Point(_) => {
                state.queue.requeue_backoff(queued, now);
                metrics::ERROR
            }
        };
        self.metrics
            .attempt(result, &scheduler_name, start.elapsed().as_secs_f64());
        let message = error.message();
        tracing::info!(pod = %pod_key(&pod), %message, "unable to schedule pod");
        let reporter = self.reporter.clone();
        tokio::spawn(async move {
            reporter
                .failed_scheduling(&pod, &scheduler_name, &message)
                .await;
        });
    }

    /// The binding cycle of an assumed pod: wait for Permit, PreBind, Bind, PostBind; on a
    /// failure, Unreserve, forget the assumption and requeue.
    async fn binding_cycle(&self, assumed: Assumed, cancel: Arc<Notify>) {
        let Assumed {
            queued,
            profile,
            node,
            mut cycle,
            wait,
            start,
        } = assumed;
        let pod = queued.pod.clone();
        let key = pod_key(&pod);
        let framework = &profile.framework;
        let ctx = BindContext {
            client: self.client.clone(),
        };
        let work = async {
            let status = match wait {
                Some(wait) => framework.wait_on_permit(wait).await,
                None => Status::success(),
            };
            if !status.is_success() {
                return (status, "Permit");
            }
            let status = framework.run_pre_bind(&ctx, &cycle, &pod, &node).await;
            if !status.is_success() {
                return (status, "PreBind");
            }
            (framework.run_bind(&ctx, &cycle, &pod, &node).await, "Bind")
        };
        let mut deleted = false;
        let (status, point) = tokio::select! {
            outcome = work => outcome,
            () = cancel.notified() => {
                deleted = true;
                (Status::error("pod does not exist any more"), "PreBind")
            }
        };
        let scheduler_name = &framework.scheduler_name;
        if status.is_success() {
            {
                let mut state = self.state();
                state.cache.finish_binding(&key, Instant::now());
                state.queue.done(&key);
            }
            self.metrics.attempt(
                metrics::SCHEDULED,
                scheduler_name,
                start.elapsed().as_secs_f64(),
            );
            framework.run_post_bind(&cycle, &pod, &node);
            self.reporter.scheduled(&pod, scheduler_name, &node).await;
            return;
        }
        framework.run_unreserve(&mut cycle, &pod, &node);
        // Only a Permit rejection parks the pod as unschedulable; upstream backs off pods
        // that fail at PreBind or Bind whatever the code.
        let rejected = point == "Permit" && status.is_rejected();
        let message = match point {
            "Permit" if rejected => point_failure(status.clone(), &node).message(),
            "Permit" => format!("waiting on permit for pod: {}", status.message()),
            _ => format!(
                "running {point} plugin {:?}: {}",
                status.plugin,
                status.message()
            ),
        };
        {
            let now = Instant::now();
            let mut state = self.state();
            state.cache.forget(&key, pod.metadata.uid.as_deref());
            if rejected {
                let retry_on = framework.events_of(status.plugin).iter().copied().collect();
                state.queue.requeue_unschedulable(
                    queued,
                    HashSet::from([status.plugin]),
                    retry_on,
                    now,
                );
            } else {
                state.queue.requeue_backoff(queued, now);
            }
            state.queue.on_event(ClusterEvent::AssignedPodDeleted, now);
        }
        self.metrics.attempt(
            if rejected {
                metrics::UNSCHEDULABLE
            } else {
                metrics::ERROR
            },
            scheduler_name,
            start.elapsed().as_secs_f64(),
        );
        tracing::warn!(pod = %key, %node, %message, "binding cycle failed");
        if !deleted {
            self.reporter
                .failed_scheduling(&pod, scheduler_name, &message)
                .await;
        }
    }
}

/// A pod assumed on a node, with what its binding cycle needs from the scheduling cycle.
struct Assumed {
    queued: QueuedPod,
    profile: Arc<Profile>,
    node: String,
    /// What the plugins wrote in the scheduling cycle.
    cycle: CycleState,
    /// The Permit wait, if a plugin asked for one.
    wait: Option<Wait>,
    /// When the scheduling cycle started.
    start: Instant,
}

/// A node turned down after Filter (Reserve, Permit): a rejection reads as upstream's
/// one-node fit error (`0/1 nodes are available: …`), anything else as the point's error.
fn point_failure(status: Status, node: &str) -> ScheduleError {
    if status.is_rejected() {
        ScheduleError::Fit(Box::new(FitError {
            num_all_nodes: 1,
            rejected_by: HashSet::from([status.plugin]),
            node_statuses: vec![(node.to_owned(), status)],
            pre_filter_message: None,
            post_filter_message: None,
            after_filter: true,
        }))
    } else {
        ScheduleError::Point(status.message())
    }
}
