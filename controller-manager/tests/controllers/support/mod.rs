//! What the controller integration tests share: controllers of this crate run in-process
//! against a real API server (`tests::apiserver::TestApiServer`, over TLS), and polling.
//!
//! There is no kubelet in these tests: where a controller waits for pods to run, the test sets
//! the pod's status through the API itself, as a kubelet would (the end-to-end tests in
//! `tests/` use hollow nodes for that instead).

#![allow(dead_code)]

pub mod endpoints;

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::Parser;
use common::shutdown::Shutdown;
use controller_manager::options::Options;
use controller_manager::workqueue::WorkQueueMetrics;
use tests::apiserver::TestApiServer;

/// Controllers running in-process until dropped.
pub struct RunningControllers {
    stop: Shutdown,
    task: Option<tokio::task::JoinHandle<Result<()>>>,
}

impl RunningControllers {
    /// Runs the controllers `--controllers` selects (plus any other flags in `flags`) against
    /// `server`, without leader election.
    pub async fn start(server: &TestApiServer, flags: &[&str]) -> Result<Self> {
        let mut args = vec!["kube-controller-manager", "--leader-elect=false"];
        args.extend_from_slice(flags);
        let options = Options::try_parse_from(args)?;
        let client = server.client().await?;
        let stop = Shutdown::new();
        let task = tokio::spawn(controller_manager::app::run_controllers(
            client,
            Arc::new(options),
            WorkQueueMetrics::unregistered(),
            stop.clone(),
        ));
        Ok(Self {
            stop,
            task: Some(task),
        })
    }

    /// Stops the controllers and waits for them.
    pub async fn stop(mut self) -> Result<()> {
        self.stop.trigger();
        if let Some(task) = self.task.take() {
            task.await??;
        }
        Ok(())
    }
}

impl Drop for RunningControllers {
    fn drop(&mut self) {
        self.stop.trigger();
    }
}

/// Polls until `check` returns `Some` (controllers work asynchronously; the bound only turns a
/// broken controller into a failed test instead of a hung one).
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    for _ in 0..600 {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("gave up waiting for {what}")
}
