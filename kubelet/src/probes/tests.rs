//! The manager and worker state machine against a scripted prober, in paused time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, ExecAction, Pod, PodSpec, PodStatus,
    Probe as ProbeSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use tokio::sync::mpsc;
use tokio::time::sleep;

use super::results::ProbeResult;
use super::*;

#[derive(Default)]
struct Scripted {
    results: Mutex<HashMap<ProbeKind, Result<ProbeResult, String>>>,
    calls: Mutex<Vec<(ProbeKind, String)>>,
}

impl Scripted {
    fn set(&self, kind: ProbeKind, result: ProbeResult) {
        self.results.lock().unwrap().insert(kind, Ok(result));
    }
    fn calls(&self, kind: ProbeKind) -> usize {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k == kind)
            .count()
    }
}

#[async_trait]
impl Probe for Scripted {
    async fn probe(
        &self,
        kind: ProbeKind,
        _pod: &Pod,
        _status: &PodStatus,
        _container: &Container,
        container_id: &str,
    ) -> Result<ProbeResult, String> {
        self.calls
            .lock()
            .unwrap()
            .push((kind, container_id.to_owned()));
        self.results
            .lock()
            .unwrap()
            .get(&kind)
            .cloned()
            .unwrap_or(Ok(ProbeResult::Success))
    }
}

fn spec(period: i32, success: i32, failure: i32) -> ProbeSpec {
    ProbeSpec {
        exec: Some(ExecAction {
            command: Some(vec!["true".into()]),
        }),
        period_seconds: Some(period),
        success_threshold: Some(success),
        failure_threshold: Some(failure),
        timeout_seconds: Some(1),
        ..Default::default()
    }
}

fn pod(container: Container) -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some("web".into()),
            namespace: Some("default".into()),
            uid: Some("uid-1".into()),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![container],
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn running(id: &str, started_ago: Duration) -> PodStatus {
    let started = jiff::Timestamp::now() - jiff::SignedDuration::try_from(started_ago).unwrap();
    PodStatus {
        phase: Some("Running".into()),
        pod_ip: Some("10.88.0.5".into()),
        container_statuses: Some(vec![ContainerStatus {
            name: "app".into(),
            container_id: Some(format!("containerd://{id}")),
            state: Some(ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(Time(started)),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

struct Harness {
    manager: ProbeManager,
    prober: Arc<Scripted>,
    resyncs: mpsc::UnboundedReceiver<String>,
    pod: Pod,
}

impl Harness {
    /// A manager with `container`'s probes, started after the start-up jitter window.
    async fn new(container: Container) -> Self {
        let prober = Arc::new(Scripted::default());
        let (tx, resyncs) = mpsc::unbounded_channel();
        let manager = ProbeManager::with_prober(prober.clone(), tx);
        // Past the first period since the manager started: no random first delay.
        sleep(Duration::from_secs(3600)).await;
        let pod = pod(container);
        manager.add_pod(&pod);
        Harness {
            manager,
            prober,
            resyncs,
            pod,
        }
    }

    /// Runs `update_pod_status` and returns the (ready, started) of the container.
    fn update(&self, status: &mut PodStatus) -> (bool, Option<bool>) {
        self.manager.update_pod_status(&self.pod, status);
        let c = &status.container_statuses.as_ref().unwrap()[0];
        (c.ready, c.started)
    }

    fn drain_resyncs(&mut self) -> usize {
        let mut n = 0;
        while self.resyncs.try_recv().is_ok() {
            n += 1;
        }
        n
    }
}

fn container(
    readiness: Option<ProbeSpec>,
    liveness: Option<ProbeSpec>,
    startup: Option<ProbeSpec>,
) -> Container {
    Container {
        name: "app".into(),
        readiness_probe: readiness,
        liveness_probe: liveness,
        startup_probe: startup,
        ..Default::default()
    }
}

const HOUR: Duration = Duration::from_secs(3600);

#[tokio::test(start_paused = true)]
async fn readiness_follows_thresholds() {
    let mut h = Harness::new(container(Some(spec(10, 3, 3)), None, None)).await;
    let result = |h: &Harness| h.manager.shared.results.get(ProbeKind::Readiness, "c1");
    let mut status = running("c1", HOUR);
    // Not ready before a success; the status update also triggers a probe at once.
    assert_eq!(h.update(&mut status), (false, Some(true)));
    sleep(Duration::from_millis(10)).await;
    assert_eq!(h.prober.calls(ProbeKind::Readiness), 2);
    assert_eq!(result(&h), Some(ProbeResult::Failure), "initial value");
    h.drain_resyncs();
    sleep(Duration::from_secs(10)).await;
    assert_eq!(h.prober.calls(ProbeKind::Readiness), 3);
    assert_eq!(result(&h), Some(ProbeResult::Success));
    assert_eq!(h.drain_resyncs(), 1, "readiness flipped: resync");
    assert!(h.update(&mut status).0);

    h.prober.set(ProbeKind::Readiness, ProbeResult::Failure);
    sleep(Duration::from_secs(20)).await;
    assert_eq!(
        result(&h),
        Some(ProbeResult::Success),
        "two failures of three"
    );
    assert_eq!(h.drain_resyncs(), 0);
    sleep(Duration::from_secs(10)).await;
    assert_eq!(result(&h), Some(ProbeResult::Failure), "third failure");
    assert_eq!(h.drain_resyncs(), 1);
    assert!(!h.update(&mut status).0);
    assert_eq!(
        h.manager.restart_reason("c1"),
        None,
        "readiness never restarts"
    );
}

#[tokio::test(start_paused = true)]
async fn liveness_failure_restarts_and_holds_until_new_container() {
    let mut h = Harness::new(container(None, Some(spec(10, 1, 2)), None)).await;
    let mut status = running("c1", HOUR);
    assert_eq!(
        h.update(&mut status),
        (true, Some(true)),
        "no readiness probe: ready"
    );
    h.prober.set(ProbeKind::Liveness, ProbeResult::Failure);
    sleep(Duration::from_secs(5)).await;
    assert_eq!(
        h.manager.restart_reason("containerd://c1"),
        None,
        "one failure of two"
    );
    assert_eq!(h.drain_resyncs(), 0, "liveness success needs no resync");
    sleep(Duration::from_secs(10)).await;
    assert_eq!(
        h.manager.restart_reason("containerd://c1"),
        Some(ProbeKind::Liveness)
    );
    assert_eq!(h.manager.restart_reason("c1"), Some(ProbeKind::Liveness));
    assert_eq!(h.drain_resyncs(), 1);
    sleep(Duration::from_secs(50)).await;
    assert_eq!(
        h.prober.calls(ProbeKind::Liveness),
        2,
        "on hold after the failure"
    );

    // The runtime restarted the container: a new ID resets the worker.
    h.prober.set(ProbeKind::Liveness, ProbeResult::Success);
    let mut status = running("c2", Duration::ZERO);
    h.update(&mut status);
    sleep(Duration::from_secs(10)).await;
    assert_eq!(h.manager.restart_reason("c1"), None);
    assert_eq!(h.manager.restart_reason("c2"), None);
    let calls = h.prober.calls.lock().unwrap().clone();
    assert_eq!(
        calls.last().unwrap(),
        &(ProbeKind::Liveness, "c2".to_owned())
    );
}

#[tokio::test(start_paused = true)]
async fn startup_gates_liveness_and_readiness() {
    let mut h = Harness::new(container(
        Some(spec(10, 1, 3)),
        Some(spec(10, 1, 3)),
        Some(spec(10, 1, 3)),
    ))
    .await;
    h.prober.set(ProbeKind::Startup, ProbeResult::Failure);
    let mut status = running("c1", HOUR);
    assert_eq!(h.update(&mut status), (false, Some(false)));
    sleep(Duration::from_secs(25)).await;
    assert_eq!(h.prober.calls(ProbeKind::Startup), 3);
    assert_eq!(h.prober.calls(ProbeKind::Liveness), 0);
    assert_eq!(h.prober.calls(ProbeKind::Readiness), 0);
    assert_eq!(h.manager.restart_reason("c1"), Some(ProbeKind::Startup));
    assert!(h.drain_resyncs() >= 1);

    let mut status = running("c2", Duration::ZERO);
    h.prober.set(ProbeKind::Startup, ProbeResult::Success);
    assert_eq!(h.update(&mut status), (false, Some(false)));
    sleep(Duration::from_secs(10)).await;
    assert_eq!(
        h.update(&mut status),
        (false, Some(true)),
        "started, not ready yet"
    );
    let startup_calls = h.prober.calls(ProbeKind::Startup);
    sleep(Duration::from_secs(10)).await;
    assert_eq!(
        h.prober.calls(ProbeKind::Startup),
        startup_calls,
        "startup stops once started"
    );
    assert!(h.prober.calls(ProbeKind::Liveness) >= 1);
    assert!(h.prober.calls(ProbeKind::Readiness) >= 1);
    assert_eq!(h.update(&mut status), (true, Some(true)));
}

#[tokio::test(start_paused = true)]
async fn initial_delay_counts_from_the_container_start() {
    let mut probe = spec(10, 1, 3);
    probe.initial_delay_seconds = Some(15);
    let h = Harness::new(container(Some(probe), None, None)).await;
    let mut status = running("c1", Duration::ZERO);
    h.update(&mut status);
    sleep(Duration::from_secs(12)).await;
    assert_eq!(h.prober.calls(ProbeKind::Readiness), 0);
    sleep(Duration::from_secs(10)).await;
    assert_eq!(h.prober.calls(ProbeKind::Readiness), 1);
}

#[tokio::test(start_paused = true)]
async fn no_probing_while_not_running() {
    let h = Harness::new(container(Some(spec(10, 1, 3)), Some(spec(10, 1, 1)), None)).await;
    let mut status = running("c1", HOUR);
    let c = &mut status.container_statuses.as_mut().unwrap()[0];
    c.state = Some(ContainerState {
        waiting: Some(ContainerStateWaiting {
            reason: Some("CrashLoopBackOff".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    assert_eq!(h.update(&mut status), (false, Some(false)));
    sleep(Duration::from_secs(30)).await;
    assert_eq!(h.prober.calls.lock().unwrap().len(), 0);
    assert_eq!(
        h.manager.restart_reason("c1"),
        Some(ProbeKind::Liveness),
        "as upstream: a non-running container's result is failure"
    );
}

#[tokio::test(start_paused = true)]
async fn remove_pod_stops_the_workers() {
    let h = Harness::new(container(Some(spec(10, 1, 3)), None, None)).await;
    let mut status = running("c1", HOUR);
    h.update(&mut status);
    sleep(Duration::from_secs(1)).await;
    let calls = h.prober.calls(ProbeKind::Readiness);
    assert!(calls >= 1);
    h.manager.remove_pod("uid-1");
    sleep(Duration::from_secs(60)).await;
    assert_eq!(h.prober.calls(ProbeKind::Readiness), calls);
    assert!(h.manager.shared.workers.lock().unwrap().is_empty());
    assert_eq!(
        h.manager.shared.results.get(ProbeKind::Readiness, "c1"),
        None
    );
    // Idempotent add after removal starts a fresh worker.
    h.manager.add_pod(&h.pod);
    h.manager.add_pod(&h.pod);
    assert_eq!(h.manager.shared.workers.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn counts_probes_in_the_registry() {
    let h = Harness::new(container(Some(spec(10, 1, 3)), None, None)).await;
    let registry = prometheus::Registry::new();
    h.manager.register_metrics(&registry).unwrap();
    assert!(h.manager.register_metrics(&registry).is_err());
    h.prober.set(ProbeKind::Readiness, ProbeResult::Failure);
    let mut status = running("c1", HOUR);
    h.update(&mut status);
    sleep(Duration::from_secs(15)).await;
    let families = registry.gather();
    let family = families
        .iter()
        .find(|f| f.name() == "prober_probe_total")
        .unwrap();
    let metric = &family.get_metric()[0];
    let labels: HashMap<_, _> = metric
        .get_label()
        .iter()
        .map(|l| (l.name().to_owned(), l.value().to_owned()))
        .collect();
    assert_eq!(labels["probe_type"], "Readiness");
    assert_eq!(labels["result"], "failed");
    assert_eq!(labels["container"], "app");
    assert_eq!(labels["pod"], "web");
    assert_eq!(labels["namespace"], "default");
    assert_eq!(labels["pod_uid"], "uid-1");
    let calls = h.prober.calls(ProbeKind::Readiness);
    assert!(calls >= 2);
    assert_eq!(metric.get_counter().get_value(), calls as f64);
    let duration = families
        .iter()
        .find(|f| f.name() == "prober_probe_duration_seconds");
    assert!(
        duration.is_none_or(|f| f.get_metric().is_empty()),
        "failures are not timed"
    );

    h.prober.set(ProbeKind::Readiness, ProbeResult::Success);
    sleep(Duration::from_secs(10)).await;
    let families = registry.gather();
    let duration = families
        .iter()
        .find(|f| f.name() == "prober_probe_duration_seconds")
        .unwrap();
    assert_eq!(
        duration.get_metric()[0].get_histogram().get_sample_count(),
        1
    );

    h.manager.remove_pod("uid-1");
    sleep(Duration::from_secs(1)).await;
    assert!(
        registry.gather().iter().all(|f| f.get_metric().is_empty()),
        "a stopped worker's series are gone"
    );
}

#[test]
fn status_without_probes_and_init_containers() {
    let (tx, _rx) = mpsc::unbounded_channel();
    let manager = ProbeManager::with_prober(Arc::new(Scripted::default()), tx);
    let mut pod = pod(container(None, None, None));
    pod.spec.as_mut().unwrap().init_containers = Some(vec![Container {
        name: "init".into(),
        ..Default::default()
    }]);
    let mut status = running("c1", HOUR);
    status.init_container_statuses = Some(vec![ContainerStatus {
        name: "init".into(),
        container_id: Some("containerd://i1".into()),
        state: Some(ContainerState {
            terminated: Some(ContainerStateTerminated {
                exit_code: 0,
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }]);
    let before = status.clone();
    manager.update_pod_status(&pod, &mut status);
    let c = &status.container_statuses.as_ref().unwrap()[0];
    assert!(c.ready);
    assert_eq!(c.started, Some(true));
    let i = &status.init_container_statuses.as_ref().unwrap()[0];
    assert!(i.ready, "a completed init container is ready");
    assert_eq!(i.started, Some(false));
    // Nothing else changes.
    let mut expected = before;
    expected.container_statuses.as_mut().unwrap()[0].ready = true;
    expected.container_statuses.as_mut().unwrap()[0].started = Some(true);
    expected.init_container_statuses.as_mut().unwrap()[0].ready = true;
    expected.init_container_statuses.as_mut().unwrap()[0].started = Some(false);
    assert_eq!(status, expected);
}

#[test]
fn messages() {
    assert_eq!(
        restart_message(ProbeKind::Liveness, "app", true),
        "Container app failed liveness probe, will be restarted"
    );
    assert_eq!(
        restart_message(ProbeKind::Startup, "app", false),
        "Container app failed startup probe, will not be restarted"
    );
    assert_eq!(bare_id("containerd://abc"), "abc");
    assert_eq!(bare_id("abc"), "abc");
    assert_eq!(prober::go_duration(Duration::from_secs(90)), "1m30s");
}
