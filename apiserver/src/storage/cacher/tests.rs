//! The watch cache over a real embedded store: answers from memory match the store's, watches
//! from memory deliver every change once and in order, and what the cache cannot serve goes
//! to the store.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;

use super::*;
use crate::storage::embedded::{EmbeddedOptions, EmbeddedStore};
use crate::storage::{Error, Event, EventKind};

const PREFIX: &str = "/registry/pods/";

struct Fixture {
    store: Arc<dyn Storage>,
    cacher: Cacher,
    _dir: tempfile::TempDir,
}

async fn fixture(window: usize) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Storage> = Arc::new(
        EmbeddedStore::open(EmbeddedOptions::new(dir.path()))
            .await
            .unwrap(),
    );
    for i in 0..5 {
        store
            .create(&format!("{PREFIX}a/p{i}"), value(i), 0)
            .await
            .unwrap();
    }
    let resource = CachedResource {
        group: String::new(),
        resource: "pods".into(),
    };
    let cacher = Cacher::new(
        store.clone(),
        PREFIX.into(),
        resource,
        window,
        CacheMetrics::unregistered(),
    );
    let fixture = Fixture {
        store,
        cacher,
        _dir: dir,
    };
    fixture.caught_up().await;
    fixture
}

impl Fixture {
    /// Waits until the cache has seen the store's latest revision.
    async fn caught_up(&self) {
        let latest = self.store.current_revision().await.unwrap();
        for _ in 0..500 {
            if self.cacher.is_ready() && self.cacher.revision() >= latest {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the cache did not reach revision {latest}");
    }
}

fn value(i: usize) -> Bytes {
    Bytes::from(format!("{{\"n\":{i}}}"))
}

fn any_state(prefix: &str) -> RangeRequest {
    RangeRequest {
        prefix: prefix.into(),
        not_older_than: Some(0),
        ..RangeRequest::default()
    }
}

async fn next(watch: &mut WatchStream) -> Event {
    tokio::time::timeout(Duration::from_secs(5), watch.next())
        .await
        .expect("an event within 5s")
        .expect("the watch is open")
        .expect("no error")
}

#[tokio::test]
async fn ranges_from_memory_match_the_store() {
    let f = fixture(100).await;
    // Another resource's keys are not the cache's.
    f.store
        .create("/registry/podsx/z", value(1), 0)
        .await
        .unwrap();
    f.store
        .create("/registry/pods/b/q", value(9), 0)
        .await
        .unwrap();
    f.store.delete("/registry/pods/a/p1", None).await.unwrap();
    f.caught_up().await;

    for prefix in [PREFIX, "/registry/pods/a/", "/registry/pods/b/"] {
        for limit in [0, 1, 2, 10] {
            let request = RangeRequest {
                limit,
                ..any_state(prefix)
            };
            let cached = f.cacher.range(request.clone()).await.unwrap();
            let stored = f.store.range(request).await.unwrap();
            assert_eq!(cached.kvs, stored.kvs, "{prefix} limit {limit}");
            assert_eq!(
                (cached.more, cached.count),
                (stored.more, stored.count),
                "{prefix} limit {limit}"
            );
        }
    }
    // Continuing from a start key.
    let request = RangeRequest {
        start_key: Some("/registry/pods/a/p2".into()),
        ..any_state(PREFIX)
    };
    let cached = f.cacher.range(request.clone()).await.unwrap();
    assert_eq!(cached.kvs, f.store.range(request).await.unwrap().kvs);
    assert_eq!(cached.kvs.first().unwrap().key, "/registry/pods/a/p2");
}

#[tokio::test]
async fn a_consistent_read_never_returns_a_stale_state() {
    let f = fixture(100).await;
    for i in 0..50 {
        let key = format!("{PREFIX}c/k{i:03}");
        f.store.create(&key, value(i), 0).await.unwrap();
        // Read-your-writes: a consistent read right after the write sees it, whether the
        // cache or the store answers.
        let listed = f
            .cacher
            .range(RangeRequest {
                prefix: format!("{PREFIX}c/"),
                ..RangeRequest::default()
            })
            .await
            .unwrap();
        assert_eq!(listed.kvs.len(), i + 1);
        assert_eq!(listed.kvs.last().unwrap().key, key.clone());
    }
}

#[tokio::test]
async fn watches_from_memory_deliver_every_change_in_order() {
    let f = fixture(1000).await;
    let start = f.store.current_revision().await.unwrap();
    // Two watchers on different prefixes, one from the past (inside the window).
    f.store
        .create("/registry/pods/b/x", value(1), 0)
        .await
        .unwrap();
    f.caught_up().await;
    let mut all = f.cacher.watch(PREFIX, start + 1).await.unwrap();
    let mut only_a = f
        .cacher
        .watch("/registry/pods/a/", start + 1)
        .await
        .unwrap();

    let put = f
        .store
        .create("/registry/pods/a/y", value(2), 0)
        .await
        .unwrap();
    let (_, deleted_at) = f.store.delete("/registry/pods/a/p0", None).await.unwrap();

    let first = next(&mut all).await;
    assert_eq!(
        (first.kv.key.as_str(), first.revision()),
        ("/registry/pods/b/x", start + 1)
    );
    let second = next(&mut all).await;
    assert_eq!(second.kv, put);
    let third = next(&mut all).await;
    assert_eq!(
        (third.kind, third.revision()),
        (EventKind::Delete, deleted_at)
    );
    assert_eq!(third.prev.unwrap().key, "/registry/pods/a/p0");

    assert_eq!(next(&mut only_a).await.kv, put);
    assert_eq!(next(&mut only_a).await.kind, EventKind::Delete);
}

#[tokio::test]
async fn watches_older_than_the_window_go_to_the_store() {
    let f = fixture(4).await;
    let start = f.store.current_revision().await.unwrap();
    for i in 0..10 {
        f.store
            .create(&format!("{PREFIX}w/k{i}"), value(i), 0)
            .await
            .unwrap();
    }
    f.caught_up().await;
    // Revision start+1 left the 4-event window: the store serves the watch, from its history.
    let mut watch = f.cacher.watch(PREFIX, start + 1).await.unwrap();
    for i in 0..10 {
        let event = next(&mut watch).await;
        assert_eq!(event.kv.key, format!("{PREFIX}w/k{i}"));
    }
}

#[tokio::test]
async fn a_watcher_left_behind_by_the_window_gets_compacted() {
    let f = fixture(8).await;
    let mut watch = f.cacher.watch(PREFIX, 0).await.unwrap();
    for i in 0..40 {
        f.store
            .create(&format!("{PREFIX}s/k{i}"), value(i), 0)
            .await
            .unwrap();
    }
    f.caught_up().await;
    // The watcher read nothing while 40 events passed through an 8-event window.
    let mut seen = 0;
    loop {
        match tokio::time::timeout(Duration::from_secs(5), watch.next())
            .await
            .unwrap()
        {
            Some(Ok(_)) => seen += 1,
            Some(Err(Error::Compacted { .. })) => break,
            other => panic!("expected Compacted, got {other:?} after {seen} events"),
        }
    }
    assert!(seen < 40);
    assert!(
        watch.next().await.is_none(),
        "the stream ends after the error"
    );
}

#[tokio::test]
async fn a_quiet_cache_proves_itself_fresh_for_consistent_reads() {
    let f = fixture(100).await;
    // Writes elsewhere raise the store's revision past the cache's.
    for i in 0..3 {
        f.store
            .create(&format!("/registry/services/x/s{i}"), value(i), 0)
            .await
            .unwrap();
    }
    let current = f.store.current_revision().await.unwrap();
    assert!(f.cacher.revision() < current);
    let listed = f
        .cacher
        .range(RangeRequest {
            prefix: PREFIX.into(),
            ..RangeRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.revision, current);
    assert_eq!(listed.kvs.len(), 5);
    // The cache answered: it counted, found nothing changed, and moved up to the revision.
    assert_eq!(f.cacher.revision(), current);

    // A change under the prefix that the cache has not applied yet is never hidden.
    f.store
        .create("/registry/pods/a/new", value(7), 0)
        .await
        .unwrap();
    let listed = f
        .cacher
        .range(RangeRequest {
            prefix: PREFIX.into(),
            ..RangeRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.kvs.len(), 6);
}
