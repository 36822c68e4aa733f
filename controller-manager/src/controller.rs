//! What every controller shares: the [`Reconcile`] trait (`sync(key)`), the error a sync
//! returns, and the workers that drain a [`WorkQueue`] into it, one span per reconcile.

use std::sync::Arc;
use std::time::Duration;

use common::shutdown::Shutdown;
use tracing::Instrument;

use crate::informers::SharedInformers;
use crate::workqueue::WorkQueue;

/// Why a sync failed; the key is retried with back-off.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Api(#[from] kube::Error),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Other(String),
}

/// The result of a sync.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether `error` is the API's 404 Not Found.
pub fn is_not_found(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 404)
}

/// Whether `error` is the API's 409 Conflict (or AlreadyExists).
pub fn is_conflict(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 409)
}

/// One controller's reconcile of one key (`namespace/name` or `name`).
#[async_trait::async_trait]
pub trait Reconcile: Send + Sync + 'static {
    async fn sync(&self, key: &str) -> Result<()>;
}

/// Runs `workers` workers over `queue` once the informers have synced, until `stop`.
pub async fn run_workers<R: Reconcile>(
    name: &'static str,
    queue: Arc<WorkQueue>,
    reconciler: Arc<R>,
    workers: usize,
    informers: SharedInformers,
    stop: Shutdown,
) {
    tokio::select! {
        () = informers.wait_for_sync() => {}
        () = stop.wait() => { queue.shut_down(); return; }
    }
    tracing::info!(controller = name, workers, "starting workers");
    let mut tasks = Vec::new();
    for _ in 0..workers.max(1) {
        let queue = queue.clone();
        let reconciler = reconciler.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(key) = queue.get().await {
                let span = tracing::info_span!("reconcile", controller = name, object = %key);
                let result = reconciler.sync(&key).instrument(span).await;
                match result {
                    Ok(()) => queue.forget(&key),
                    Err(error) => {
                        // A conflict only means the cache was behind a write: retried quietly.
                        if matches!(&error, Error::Api(e) if is_conflict(e)) {
                            tracing::debug!(controller = name, object = %key, %error, "sync conflicted; retrying");
                        } else {
                            tracing::warn!(controller = name, object = %key, %error, "sync failed; retrying");
                        }
                        queue.add_rate_limited(key.clone());
                    }
                }
                queue.done(&key);
            }
        }));
    }
    let gauges = {
        let queue = queue.clone();
        tokio::spawn(async move {
            loop {
                queue.update_unfinished_work();
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    };
    stop.wait().await;
    queue.shut_down();
    gauges.abort();
    for task in tasks {
        let _ = task.await;
    }
}
