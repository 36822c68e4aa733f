//! The hollow nodes' pod handling: one watch on all bound pods, filtered to the hollow nodes;
//! a loop that decides what each pod's kubelet would write next (start it, finish it, restart
//! it, finish its deletion) and timers for pods that run to completion; and a writer that
//! applies the writes with bounded concurrency.
//!
//! A pod's next write is decided only after its previous one is done (the writer reports
//! back), so a pod's writes never overtake each other.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, Patch, PatchParams, Preconditions};
use kube::runtime::{WatchStreamExt, watcher};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::pod_status::{self, Exit, KILLED, Placement};
use super::{EXIT_CODE_ANNOTATION, RUN_SECONDS_ANNOTATION, Shared};

/// Where a tracked pod is in its life on its hollow node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// A write is in flight; the next decision waits for it.
    Writing,
    Running,
    Finished,
    Deleting,
}

struct Tracked {
    node: String,
    pod: Pod,
    placement: Placement,
    restarts: i32,
    stage: Stage,
    /// Whether a timer is set for the containers' exit.
    timer: bool,
    /// Whether `placement.pod_ip` is reserved in the node's range (until the pod finishes).
    holds_ip: bool,
}

/// One write of a pod's kubelet: a status, then optionally the final delete.
struct Write {
    namespace: String,
    name: String,
    uid: String,
    status: Option<Value>,
    delete: bool,
}

/// Starts the pod loop and the writer.
pub(super) fn start(shared: Arc<Shared>) -> (JoinHandle<()>, JoinHandle<()>) {
    let (writes, queue) = mpsc::unbounded_channel();
    let (done_tx, done) = mpsc::unbounded_channel();
    let writer = tokio::spawn(write_all(shared.clone(), queue, done_tx));
    let pods = PodLoop {
        shared,
        pods: HashMap::new(),
        timers: BinaryHeap::new(),
        writes,
        relist: None,
    };
    (tokio::spawn(pods.run(done)), writer)
}

struct PodLoop {
    shared: Arc<Shared>,
    pods: HashMap<String, Tracked>,
    /// When each pod's containers exit.
    timers: BinaryHeap<Reverse<(Instant, String)>>,
    writes: mpsc::UnboundedSender<Write>,
    /// The uids seen during a relist, to forget the pods deleted meanwhile.
    relist: Option<HashSet<String>>,
}

impl PodLoop {
    async fn run(mut self, mut done: mpsc::UnboundedReceiver<String>) {
        let api: Api<Pod> = Api::all(self.shared.client.clone());
        let config = watcher::Config::default().fields("spec.nodeName!=");
        let mut events = watcher::watcher(api, config).default_backoff().boxed();
        loop {
            let next_timer = self.timers.peek().map(|Reverse((at, _))| *at);
            tokio::select! {
                event = events.try_next() => match event {
                    Ok(Some(event)) => self.on_event(event),
                    Ok(None) => return,
                    Err(e) => tracing::debug!(error = %e, "hollow nodes: pod watch error"),
                },
                Some(uid) = done.recv() => self.on_written(&uid),
                _ = sleep_until(next_timer) => {
                    if let Some(Reverse((_, uid))) = self.timers.pop() {
                        self.on_exit(&uid);
                    }
                }
            }
        }
    }

    fn on_event(&mut self, event: watcher::Event<Pod>) {
        match event {
            watcher::Event::Init => self.relist = Some(HashSet::new()),
            watcher::Event::InitApply(pod) => {
                if let (Some(seen), Some(uid)) = (&mut self.relist, &pod.metadata.uid) {
                    seen.insert(uid.clone());
                }
                self.on_apply(pod);
            }
            watcher::Event::InitDone => {
                if let Some(seen) = self.relist.take() {
                    let gone: Vec<String> = self
                        .pods
                        .keys()
                        .filter(|uid| !seen.contains(*uid))
                        .cloned()
                        .collect();
                    for uid in gone {
                        self.forget(&uid);
                    }
                }
            }
            watcher::Event::Apply(pod) => self.on_apply(pod),
            watcher::Event::Delete(pod) => {
                if let Some(uid) = &pod.metadata.uid {
                    self.forget(uid);
                }
            }
        }
    }

    fn forget(&mut self, uid: &str) {
        if let Some(mut tracked) = self.pods.remove(uid) {
            self.release_ip(&mut tracked);
        }
    }

    fn release_ip(&self, tracked: &mut Tracked) {
        if std::mem::take(&mut tracked.holds_ip)
            && let Some(entry) = self.shared.nodes().get_mut(&tracked.node)
        {
            entry.addresses.release(tracked.placement.pod_ip);
        }
    }

    fn on_apply(&mut self, pod: Pod) {
        let Some(uid) = pod.metadata.uid.clone() else {
            return;
        };
        if let Some(tracked) = self.pods.get_mut(&uid) {
            tracked.pod = pod;
            self.decide(&uid);
            return;
        }
        let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
            return;
        };
        let phase = pod
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default();
        let running = pod.status.as_ref().and_then(|s| {
            let ip = s.pod_ip.as_deref()?.parse::<Ipv4Addr>().ok()?;
            let start = s.start_time.as_ref()?.0.strftime("%Y-%m-%dT%H:%M:%SZ");
            Some((ip, start.to_string()))
        });
        let (host_ip, pod_ip) = {
            let mut nodes = self.shared.nodes();
            let Some(entry) = nodes.get_mut(&node) else {
                return;
            };
            let host_ip = super::node_object::internal_ip(entry.index);
            let pod_ip = match &running {
                _ if phase == "Succeeded" || phase == "Failed" => Ipv4Addr::UNSPECIFIED,
                // Found running (a relist, or an earlier hollow-node process): keep its IP.
                Some((ip, _)) => {
                    entry.addresses.reserve(*ip);
                    *ip
                }
                None => match entry.addresses.allocate() {
                    Some(ip) => ip,
                    None => {
                        tracing::warn!(%node, "hollow node: no free pod address");
                        return;
                    }
                },
            };
            (host_ip, pod_ip)
        };
        let now = pod_status::now();
        let deleted = pod.metadata.deletion_timestamp.is_some();
        let (start_time, stage) = match (&running, phase.as_str()) {
            (_, "Succeeded" | "Failed") => (now.clone(), Stage::Finished),
            (Some((_, start)), "Running") => (start.clone(), Stage::Running),
            // Deleted before it started: nothing to report, only the delete to finish.
            _ if deleted => (now.clone(), Stage::Finished),
            _ => (now.clone(), Stage::Writing),
        };
        let holds_ip = pod_ip != Ipv4Addr::UNSPECIFIED;
        let restarts = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|c| c.first())
            .map_or(0, |c| c.restart_count);
        let placement = Placement {
            host_ip,
            pod_ip,
            start_time: start_time.clone(),
            run_started_at: start_time,
        };
        if stage == Stage::Writing {
            let status = pod_status::running(&pod, &placement, restarts, &now);
            self.write(&pod, Some(status), false);
        }
        self.pods.insert(
            uid.clone(),
            Tracked {
                node,
                pod,
                placement,
                restarts,
                stage,
                timer: false,
                holds_ip,
            },
        );
        self.decide(&uid);
    }

    /// The next step of a pod whose previous write is done: finish its deletion, or set the
    /// timer for its containers' exit.
    fn decide(&mut self, uid: &str) {
        let run_time = self.shared.options.pod_run_time;
        let Some(tracked) = self.pods.get_mut(uid) else {
            return;
        };
        if matches!(tracked.stage, Stage::Writing | Stage::Deleting) {
            return;
        }
        if tracked.pod.metadata.deletion_timestamp.is_some() {
            let status = (tracked.stage == Stage::Running).then(|| {
                pod_status::finished(
                    &tracked.pod,
                    &tracked.placement,
                    tracked.restarts,
                    KILLED,
                    &pod_status::now(),
                )
            });
            tracked.stage = Stage::Deleting;
            let pod = tracked.pod.clone();
            self.write(&pod, status, true);
            return;
        }
        if tracked.stage == Stage::Running && !tracked.timer && finishes(&tracked.pod) {
            tracked.timer = true;
            let after = annotation(&tracked.pod, RUN_SECONDS_ANNOTATION)
                .and_then(|v| v.parse::<f64>().ok())
                .and_then(|s| Duration::try_from_secs_f64(s).ok())
                .unwrap_or(run_time);
            self.timers
                .push(Reverse((Instant::now() + after, uid.to_owned())));
        }
    }

    fn on_written(&mut self, uid: &str) {
        if let Some(tracked) = self.pods.get_mut(uid)
            && tracked.stage == Stage::Writing
        {
            tracked.stage = Stage::Running;
            self.decide(uid);
        }
    }

    /// The containers of a finishing pod exit: it finishes, or (OnFailure, non-zero exit)
    /// its containers start again.
    fn on_exit(&mut self, uid: &str) {
        let Some(mut tracked) = self.pods.remove(uid) else {
            return;
        };
        self.exit(&mut tracked);
        self.pods.insert(uid.to_owned(), tracked);
    }

    fn exit(&mut self, tracked: &mut Tracked) {
        tracked.timer = false;
        if tracked.stage != Stage::Running || tracked.pod.metadata.deletion_timestamp.is_some() {
            return;
        }
        let exit = Exit {
            code: annotation(&tracked.pod, EXIT_CODE_ANNOTATION)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        };
        let now = pod_status::now();
        let on_failure = restart_policy(&tracked.pod) == "OnFailure";
        let status = if exit.code != 0 && on_failure {
            let previous_start =
                std::mem::replace(&mut tracked.placement.run_started_at, now.clone());
            tracked.restarts += 1;
            tracked.stage = Stage::Writing;
            pod_status::restarted(
                &tracked.pod,
                &tracked.placement,
                tracked.restarts,
                exit,
                &previous_start,
            )
        } else {
            tracked.stage = Stage::Finished;
            self.release_ip(tracked);
            pod_status::finished(
                &tracked.pod,
                &tracked.placement,
                tracked.restarts,
                exit,
                &now,
            )
        };
        let pod = tracked.pod.clone();
        self.write(&pod, Some(status), false);
    }

    fn write(&self, pod: &Pod, status: Option<Value>, delete: bool) {
        let _ = self.writes.send(Write {
            namespace: pod.metadata.namespace.clone().unwrap_or_default(),
            name: pod.metadata.name.clone().unwrap_or_default(),
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            status,
            delete,
        });
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn annotation<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .map(String::as_str)
}

fn restart_policy(pod: &Pod) -> &str {
    pod.spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("Always")
}

/// Whether the pod's containers run to completion (restartPolicy Never or OnFailure).
fn finishes(pod: &Pod) -> bool {
    restart_policy(pod) != "Always"
}

/// Applies the writes, `max_in_flight` at a time, and reports each pod's uid when done.
async fn write_all(
    shared: Arc<Shared>,
    queue: mpsc::UnboundedReceiver<Write>,
    done: mpsc::UnboundedSender<String>,
) {
    let writes =
        futures::stream::unfold(queue, |mut q| async move { q.recv().await.map(|w| (w, q)) });
    writes
        .for_each_concurrent(shared.options.max_in_flight.max(1), |w| {
            let shared = shared.clone();
            let done = done.clone();
            async move {
                let uid = w.uid.clone();
                apply(&shared, w).await;
                let _ = done.send(uid);
            }
        })
        .await;
}

/// One write, retried on transient errors; a pod gone or replaced (404, 409, 422) ends it.
async fn apply(shared: &Shared, w: Write) {
    let api: Api<Pod> = Api::namespaced(shared.client.clone(), &w.namespace);
    for attempt in 1..=5u32 {
        let result = async {
            if let Some(status) = &w.status {
                let patch = json!({"metadata": {"uid": w.uid}, "status": status});
                api.patch_status(&w.name, &PatchParams::default(), &Patch::Merge(&patch))
                    .await?;
            }
            if w.delete {
                let params = DeleteParams {
                    grace_period_seconds: Some(0),
                    preconditions: Some(Preconditions {
                        uid: Some(w.uid.clone()),
                        resource_version: None,
                    }),
                    ..DeleteParams::default()
                };
                api.delete(&w.name, &params).await?;
            }
            Ok::<(), kube::Error>(())
        }
        .await;
        match result {
            Ok(()) => return,
            Err(kube::Error::Api(s)) if matches!(s.code, 404 | 409 | 422) => return,
            Err(e) => {
                tracing::warn!(pod = %w.name, namespace = %w.namespace, attempt, error = %e,
                    "hollow node: pod write failed");
                tokio::time::sleep(Duration::from_millis(200) * attempt).await;
            }
        }
    }
}
