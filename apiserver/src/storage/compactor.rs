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

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::storage::embedded::{EmbeddedOptions, EmbeddedStore};

    #[tokio::test]
    async fn each_step_compacts_at_the_revision_seen_one_step_earlier() {
        let dir = tempfile::tempdir().unwrap();
        let store = EmbeddedStore::open(EmbeddedOptions::new(dir.path()))
            .await
            .unwrap();
        let first = store.create("/k", Bytes::from("1"), 0).await.unwrap();

        // The first step only records where the next one will compact.
        let seen = compact_once(&store, None).await;
        assert_eq!(seen, Some(first.mod_revision));
        assert!(store.get("/k", Some(first.mod_revision)).await.is_ok());

        let second = store
            .update("/k", Bytes::from("2"), first.mod_revision, 0)
            .await
            .unwrap();
        let third = store
            .update("/k", Bytes::from("3"), second.mod_revision, 0)
            .await
            .unwrap();
        let seen = compact_once(&store, seen).await;
        assert_eq!(seen, Some(third.mod_revision));
        // History from the previous step on is kept; what is older is gone.
        assert!(store.get("/k", Some(first.mod_revision)).await.is_ok());
        assert!(store.get("/k", Some(second.mod_revision)).await.is_ok());

        let seen = compact_once(&store, seen).await;
        assert_eq!(seen, Some(third.mod_revision));
        assert!(matches!(
            store.get("/k", Some(second.mod_revision)).await,
            Err(Error::Compacted { .. })
        ));
        // Compacting at the same revision again is not an error for the compactor.
        assert_eq!(compact_once(&store, seen).await, seen);
        store.close().await;
    }
}
