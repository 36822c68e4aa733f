//! Compaction driven by the API server, as upstream does it (`--etcd-compaction-interval`).
//!
//! Every interval the compactor compacts at the revision it saw one interval earlier, so at least
//! one interval of history always stays for watchers to resume from. Several API servers may
//! compact the same store; a compaction that another one already did is not an error.

use std::sync::Arc;
use std::time::Duration;

use super::{Error, Revision, Storage};

/// Runs until `shutdown` resolves. An interval of zero disables compaction.
pub async fn run(
    store: Arc<dyn Storage>,
    interval: Duration,
    shutdown: impl Future<Output = ()> + Send,
) {
    if interval.is_zero() {
        return;
    }
    tokio::pin!(shutdown);
    let mut previous: Option<Revision> = None;
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tick.tick() => {}
        }
        previous = compact_once(store.as_ref(), previous).await;
    }
}

/// One step: compact at `previous` (if any) and return the revision to compact at next time.
pub async fn compact_once(store: &dyn Storage, previous: Option<Revision>) -> Option<Revision> {
    if let Some(at) = previous.filter(|at| *at > 0) {
        match store.compact(at).await {
            Ok(()) => tracing::info!(revision = at, "compacted storage"),
            Err(Error::Compacted { .. }) => {}
            Err(e) => tracing::warn!(error = %e, revision = at, "storage compaction failed"),
        }
    }
    match store.current_revision().await {
        Ok(rev) => Some(rev),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the storage revision for compaction");
            previous
        }
    }
}
