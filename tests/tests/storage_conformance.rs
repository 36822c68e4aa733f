//! The storage conformance suite (`apiserver::storage::conformance`) against both backends: the
//! embedded store, and a real etcd (CI's, from `ETCD_ENDPOINTS`, or one started per test); and
//! the watch cache in front of the embedded store.

use apiserver::storage::conformance;
use tests::storage::{GATE, TestStore};

/// One test per backend for a case. `shared` cases run alongside each other on a shared etcd;
/// `exclusive` ones compact the whole store and run alone.
macro_rules! conformance_case {
    ($name:ident, $mode:ident, |$store:ident, $prefix:ident| $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn embedded() {
                let target = TestStore::embedded().await.unwrap();
                let $prefix = target.prefix(stringify!($name));
                let $store = target.store.clone();
                $body.await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn etcd() {
                let _gate = conformance_case!(@gate $mode);
                let target = TestStore::etcd().await.unwrap();
                let $prefix = target.prefix(stringify!($name));
                let $store = target.store.clone();
                $body.await;
            }

            conformance_case!(@cached $mode, $name, |$store, $prefix| $body);
        }
    };
    (@gate shared) => { GATE.read().await };
    (@gate exclusive) => { GATE.write().await };
    // The watch cache in front of the embedded store keeps the contract too, except where it
    // is deliberately more generous than the store: a watch inside its event window is served
    // even after the store compacted that history (upstream's cacher does the same).
    (@cached shared, $name:ident, |$store:ident, $prefix:ident| $body:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn embedded_with_watch_cache() {
            let target = TestStore::embedded().await.unwrap();
            let $prefix = target.prefix(stringify!($name));
            let $store = target.watch_cache(&$prefix).await.unwrap();
            $body.await;
        }
    };
    (@cached exclusive, $name:ident, |$store:ident, $prefix:ident| $body:expr) => {};
}

conformance_case!(create_if_absent, shared, |store, prefix| {
    conformance::create_if_absent(store.as_ref(), &prefix)
});
conformance_case!(cas_update, shared, |store, prefix| conformance::cas_update(
    store.as_ref(),
    &prefix
));
conformance_case!(cas_delete, shared, |store, prefix| conformance::cas_delete(
    store.as_ref(),
    &prefix
));
conformance_case!(get_at_past_revision, shared, |store, prefix| {
    conformance::get_at_past_revision(store.as_ref(), &prefix)
});
conformance_case!(consistent_pagination, shared, |store, prefix| {
    conformance::consistent_pagination(store.as_ref(), &prefix)
});
conformance_case!(count, shared, |store, prefix| conformance::count(
    store.as_ref(),
    &prefix
));
conformance_case!(large_range, shared, |store, prefix| {
    conformance::large_range(store.as_ref(), &prefix)
});
conformance_case!(watch_from_revision, shared, |store, prefix| {
    conformance::watch_from_revision(store.as_ref(), &prefix)
});
conformance_case!(concurrent_writers, shared, |store, prefix| {
    conformance::concurrent_writers(store, &prefix)
});
conformance_case!(leases, shared, |store, prefix| conformance::leases(
    store.as_ref(),
    &prefix
));
conformance_case!(compaction, exclusive, |store, prefix| {
    conformance::compaction(store.as_ref(), &prefix)
});
conformance_case!(slow_watcher, exclusive, |store, prefix| async move {
    let compacted = conformance::slow_watcher(store.as_ref(), &prefix, 3000).await;
    // The embedded store holds no per-watcher queue: once compaction passes an unread watcher
    // it must say so. etcd may also have buffered everything; both are within the contract.
    if store.backend_name() == "embedded" {
        assert!(
            compacted,
            "an unread embedded watcher must fail after compaction"
        );
    }
});
