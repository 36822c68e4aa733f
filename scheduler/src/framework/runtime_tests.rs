//! The binding-side points: Reserve and Unreserve order, Permit's allow / wait / reject, Bind
//! falling through plugins that Skip.

use std::sync::Mutex;

use futures::FutureExt;
use futures::future::BoxFuture;

use super::*;
use crate::framework::{BindPlugin, PermitPlugin, ReservePlugin};

/// A plugin that records what it was asked and answers as told.
struct Recorder {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
    reserve: Code,
    permit: Code,
    bind: Code,
}

impl Recorder {
    fn new(name: &'static str, log: &Arc<Mutex<Vec<String>>>) -> Self {
        Self {
            name,
            log: log.clone(),
            reserve: Code::Success,
            permit: Code::Success,
            bind: Code::Skip,
        }
    }
    fn note(&self, what: &str) {
        self.log
            .lock()
            .unwrap()
            .push(format!("{} {what}", self.name));
    }
}

impl Plugin for Recorder {
    fn name(&self) -> &'static str {
        self.name
    }
    fn as_reserve(&self) -> Option<&dyn ReservePlugin> {
        Some(self)
    }
    fn as_permit(&self) -> Option<&dyn PermitPlugin> {
        Some(self)
    }
    fn as_bind(&self) -> Option<&dyn BindPlugin> {
        Some(self)
    }
}

impl ReservePlugin for Recorder {
    fn reserve(&self, _: &mut CycleState, _: &Pod, _: &str) -> Status {
        self.note("reserve");
        Status::new(self.reserve, vec![format!("{} says no", self.name)])
    }
    fn unreserve(&self, _: &mut CycleState, _: &Pod, _: &str) {
        self.note("unreserve");
    }
}

impl PermitPlugin for Recorder {
    fn permit(&self, _: &CycleState, _: &Pod, _: &str) -> (Status, Duration) {
        (
            Status::new(self.permit, vec![format!("{} denies", self.name)]),
            Duration::from_secs(60),
        )
    }
}

impl BindPlugin for Recorder {
    fn bind<'a>(
        &'a self,
        _: &'a BindContext,
        _: &'a CycleState,
        _: &'a Pod,
        _: &'a str,
    ) -> BoxFuture<'a, Status> {
        async move {
            self.note("bind");
            Status::new(self.bind, Vec::new())
        }
        .boxed()
    }
}

fn framework(plugins: Vec<Recorder>) -> Framework {
    let plugins: Vec<(Arc<dyn Plugin>, i64)> = plugins
        .into_iter()
        .map(|p| (Arc::new(p) as Arc<dyn Plugin>, 0))
        .collect();
    Framework::new("test", Points::multi_point(&plugins), Arc::default())
}

fn pod() -> Pod {
    serde_json::from_value(serde_json::json!({"metadata": {"name": "p", "uid": "u1"}})).unwrap()
}

#[test]
fn a_failed_reserve_stops_and_unreserve_runs_in_reverse() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut b = Recorder::new("B", &log);
    b.reserve = Code::Unschedulable;
    let fw = framework(vec![Recorder::new("A", &log), b, Recorder::new("C", &log)]);
    let mut state = CycleState::default();
    let status = fw.run_reserve(&mut state, &pod(), "n");
    assert_eq!((status.code, status.plugin), (Code::Unschedulable, "B"));
    fw.run_unreserve(&mut state, &pod(), "n");
    assert_eq!(
        *log.lock().unwrap(),
        [
            "A reserve",
            "B reserve",
            "C unreserve",
            "B unreserve",
            "A unreserve"
        ]
    );
}

#[tokio::test]
async fn permit_waits_until_allowed_and_denies_on_a_rejection() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut waiter = Recorder::new("Gang", &log);
    waiter.permit = Code::Wait;
    let fw = framework(vec![Recorder::new("A", &log), waiter]);
    let state = CycleState::default();
    let PermitOutcome::Wait(wait) = fw.run_permit(&state, &pod(), "n") else {
        panic!("expected a wait");
    };
    assert_eq!(fw.waiting_pods().uids(), ["u1"]);
    assert!(fw.waiting_pods().allow("u1", "Gang"));
    assert!(fw.wait_on_permit(wait).await.is_success());

    let mut denier = Recorder::new("Deny", &log);
    denier.permit = Code::Unschedulable;
    let fw = framework(vec![denier]);
    let PermitOutcome::Denied(status) = fw.run_permit(&state, &pod(), "n") else {
        panic!("expected a denial");
    };
    assert_eq!((status.code, status.plugin), (Code::Unschedulable, "Deny"));
    assert_eq!(status.message(), "Deny denies");
}

#[tokio::test]
async fn bind_falls_through_plugins_that_skip() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut binder = Recorder::new("Binder", &log);
    binder.bind = Code::Success;
    let fw = framework(vec![
        Recorder::new("Skipper", &log),
        binder,
        Recorder::new("Never", &log),
    ]);
    let client_free = fw
        .run_bind(&ctx(), &CycleState::default(), &pod(), "n")
        .await;
    assert_eq!(
        (client_free.code, client_free.plugin),
        (Code::Success, "Binder")
    );
    assert_eq!(*log.lock().unwrap(), ["Skipper bind", "Binder bind"]);

    let fw = framework(vec![Recorder::new("Skipper", &log)]);
    let status = fw
        .run_bind(&ctx(), &CycleState::default(), &pod(), "n")
        .await;
    assert_eq!(status.code, Code::Error);
}

/// A client for an address nothing listens on: these plugins never use it.
fn ctx() -> BindContext {
    let config = kube::Config::new("https://127.0.0.1:9".parse().unwrap());
    BindContext {
        client: kube::Client::try_from(config).unwrap(),
    }
}
