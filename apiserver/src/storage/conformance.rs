//! The storage conformance suite: the contract of [`Storage`], as cases that every backend must
//! pass. The runner (`tests/tests/storage_conformance.rs`) calls each case against the embedded
//! store and against a real etcd, with a fresh key prefix per case.
//!
//! Cases that compact ([`compaction`], [`slow_watcher`]) discard history for the whole store, so
//! a runner sharing one etcd between cases must not run them alongside the others.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;

use super::{Error, Event, EventKind, RangeRequest, Storage, WatchStream};

fn value(text: impl Into<String>) -> Bytes {
    Bytes::from(text.into())
}

/// Next event within a deadline, so a broken watch fails the case instead of hanging it.
pub async fn next_event(watch: &mut WatchStream) -> Option<Result<Event, Error>> {
    tokio::time::timeout(Duration::from_secs(10), watch.next())
        .await
        .expect("no watch event within 10s")
}

/// Create only if absent; metadata as etcd sets it.
pub async fn create_if_absent(store: &dyn Storage, prefix: &str) {
    let key = format!("{prefix}a");
    let kv = store.create(&key, value("1"), 0).await.unwrap();
    assert_eq!(kv.create_revision, kv.mod_revision);
    assert_eq!(kv.version, 1);
    assert_eq!(kv.value, value("1"));
    let again = store.create(&key, value("2"), 0).await;
    assert!(
        matches!(again, Err(Error::AlreadyExists { .. })),
        "{again:?}"
    );
    let read = store.get(&key, None).await.unwrap();
    assert_eq!(read.kv.as_ref(), Some(&kv));
    assert!(read.revision >= kv.mod_revision);
}

/// Updates guarded by `mod_revision`; a conflict carries the current value.
pub async fn cas_update(store: &dyn Storage, prefix: &str) {
    let key = format!("{prefix}a");
    let created = store.create(&key, value("1"), 0).await.unwrap();
    let updated = store
        .update(&key, value("2"), created.mod_revision, 0)
        .await
        .unwrap();
    assert_eq!(updated.create_revision, created.create_revision);
    assert_eq!(updated.version, 2);
    assert!(updated.mod_revision > created.mod_revision);

    match store
        .update(&key, value("3"), created.mod_revision, 0)
        .await
    {
        Err(Error::Conflict {
            expected, current, ..
        }) => {
            assert_eq!(expected, created.mod_revision);
            assert_eq!(*current, updated);
        }
        other => panic!("stale update must conflict, got {other:?}"),
    }
    let missing = store
        .update(&format!("{prefix}missing"), value("x"), 1, 0)
        .await;
    assert!(
        matches!(missing, Err(Error::NotFound { .. })),
        "{missing:?}"
    );
    assert_eq!(store.get(&key, None).await.unwrap().kv, Some(updated));
}

/// Deletes, guarded or not; a re-created key starts a new incarnation.
pub async fn cas_delete(store: &dyn Storage, prefix: &str) {
    let key = format!("{prefix}a");
    let created = store.create(&key, value("1"), 0).await.unwrap();
    let wrong = store.delete(&key, Some(created.mod_revision + 1000)).await;
    assert!(matches!(wrong, Err(Error::Conflict { .. })), "{wrong:?}");
    let (deleted, rev) = store
        .delete(&key, Some(created.mod_revision))
        .await
        .unwrap();
    assert_eq!(deleted, created);
    assert!(rev > created.mod_revision);
    assert_eq!(store.get(&key, None).await.unwrap().kv, None);
    let gone = store.delete(&key, None).await;
    assert!(matches!(gone, Err(Error::NotFound { .. })), "{gone:?}");

    let again = store.create(&key, value("2"), 0).await.unwrap();
    assert_eq!(again.version, 1);
    assert!(again.create_revision > rev);
    let (deleted, _) = store.delete(&key, None).await.unwrap();
    assert_eq!(deleted, again);
}

/// Reads at past revisions see exactly what was there.
pub async fn get_at_past_revision(store: &dyn Storage, prefix: &str) {
    let key = format!("{prefix}a");
    let v1 = store.create(&key, value("1"), 0).await.unwrap();
    let v2 = store
        .update(&key, value("2"), v1.mod_revision, 0)
        .await
        .unwrap();
    let (_, deleted_at) = store.delete(&key, None).await.unwrap();

    let at = |rev| store.get(&key, Some(rev));
    assert_eq!(at(v1.mod_revision).await.unwrap().kv, Some(v1.clone()));
    assert_eq!(at(v2.mod_revision - 1).await.unwrap().kv, Some(v1.clone()));
    assert_eq!(at(v2.mod_revision).await.unwrap().kv, Some(v2.clone()));
    assert_eq!(at(deleted_at).await.unwrap().kv, None);
    assert_eq!(at(v1.mod_revision - 1).await.unwrap().kv, None);
    assert_eq!(at(v1.mod_revision).await.unwrap().revision, v1.mod_revision);

    let current = store.current_revision().await.unwrap();
    let future = store.get(&key, Some(current + 1000)).await;
    assert!(
        matches!(future, Err(Error::FutureRevision { .. })),
        "{future:?}"
    );
}

/// A paginated list reads one consistent revision, whatever changes between pages.
pub async fn consistent_pagination(store: &dyn Storage, prefix: &str) {
    let mut expected = BTreeMap::new();
    for i in 0..25 {
        let key = format!("{prefix}item-{i:02}");
        let kv = store.create(&key, value(format!("v{i}")), 0).await.unwrap();
        expected.insert(key, kv);
    }
    // A sibling prefix must never leak into the range.
    store
        .create(
            &format!("{}-sibling", prefix.trim_end_matches('/')),
            value("x"),
            0,
        )
        .await
        .unwrap();

    let mut request = RangeRequest {
        prefix: prefix.to_owned(),
        limit: 10,
        ..RangeRequest::default()
    };
    let first = store.range(request.clone()).await.unwrap();
    assert_eq!(first.kvs.len(), 10);
    assert!(first.more);
    assert_eq!(first.count, 25);
    let at = first.revision;

    // Change the range between pages.
    let moved = &expected[&format!("{prefix}item-15")];
    store
        .update(&moved.key, value("changed"), moved.mod_revision, 0)
        .await
        .unwrap();
    store
        .delete(&format!("{prefix}item-20"), None)
        .await
        .unwrap();
    store
        .create(&format!("{prefix}item-99"), value("new"), 0)
        .await
        .unwrap();

    let mut seen: Vec<_> = first.kvs.clone();
    request.revision = Some(at);
    let mut pages = 1;
    let mut last_count = first.count;
    loop {
        let last = &seen.last().expect("a page is never empty here").key;
        request.start_key = Some(format!("{last}\0"));
        let page = store.range(request.clone()).await.unwrap();
        pages += 1;
        assert_eq!(page.revision, at);
        assert_eq!(
            page.count,
            last_count - 10,
            "count covers the range from the start key"
        );
        last_count = page.count;
        seen.extend(page.kvs);
        if !page.more {
            break;
        }
    }
    assert_eq!(pages, 3);
    let seen: BTreeMap<_, _> = seen.into_iter().map(|kv| (kv.key.clone(), kv)).collect();
    assert_eq!(
        seen, expected,
        "pages at one revision must show the range as it was"
    );

    let latest = store
        .range(RangeRequest {
            prefix: prefix.to_owned(),
            ..RangeRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(latest.count, 25);
    assert!(latest.kvs.iter().any(|kv| kv.key.ends_with("item-99")));
    assert!(!latest.kvs.iter().any(|kv| kv.key.ends_with("item-20")));
    assert!(!latest.more);
}

/// Counting keys under a prefix.
pub async fn count(store: &dyn Storage, prefix: &str) {
    assert_eq!(store.count(prefix).await.unwrap(), 0);
    for i in 0..7 {
        store
            .create(&format!("{prefix}{i}"), value("x"), 0)
            .await
            .unwrap();
    }
    store.delete(&format!("{prefix}3"), None).await.unwrap();
    store
        .create(
            &format!("{}-other/1", prefix.trim_end_matches('/')),
            value("x"),
            0,
        )
        .await
        .unwrap();
    assert_eq!(store.count(prefix).await.unwrap(), 6);

    // Changes since a revision: counted at one latest revision, values unread.
    let before = store.current_revision().await.unwrap();
    let unchanged = store.changes_since(prefix, before).await.unwrap();
    assert_eq!((unchanged.keys, unchanged.modified), (6, 0));
    assert!(unchanged.revision >= before);
    let updated = store
        .get(&format!("{prefix}1"), None)
        .await
        .unwrap()
        .kv
        .unwrap();
    store
        .update(&updated.key, value("y"), updated.mod_revision, 0)
        .await
        .unwrap();
    store
        .create(&format!("{prefix}9"), value("x"), 0)
        .await
        .unwrap();
    store.delete(&format!("{prefix}0"), None).await.unwrap();
    let written = store.current_revision().await.unwrap();
    let changed = store.changes_since(prefix, before).await.unwrap();
    assert_eq!((changed.keys, changed.modified), (6, 2));
    // Counted at the latest revision (other cases may write to a shared etcd meanwhile).
    assert!(changed.revision >= written);
    assert!(changed.revision <= store.current_revision().await.unwrap());
}

/// A range larger than gRPC's default 4 MiB message (a LIST of a few thousand objects) is read
/// whole, and so is a watch of values that large.
pub async fn large_range(store: &dyn Storage, prefix: &str) {
    let big = Bytes::from(vec![b'x'; 200 * 1024]);
    let from = store.current_revision().await.unwrap() + 1;
    for i in 0..30 {
        store
            .create(&format!("{prefix}{i:02}"), big.clone(), 0)
            .await
            .unwrap();
    }
    let all = store
        .range(RangeRequest {
            prefix: prefix.to_owned(),
            ..RangeRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(all.kvs.len(), 30);
    assert!(all.kvs.iter().all(|kv| kv.value == big));
    let mut watch = store.watch(prefix, from).await.unwrap();
    for i in 0..30 {
        let event = next_event(&mut watch).await.unwrap().unwrap();
        assert_eq!(event.kv.key, format!("{prefix}{i:02}"));
    }
}

/// A watch from a revision delivers every later change under its prefix, in order, once, with
/// the previous value, and then the live ones.
pub async fn watch_from_revision(store: &dyn Storage, prefix: &str) {
    let a = format!("{prefix}a");
    let b = format!("{prefix}b");
    let start = store.current_revision().await.unwrap() + 1;
    let a1 = store.create(&a, value("a1"), 0).await.unwrap();
    let a2 = store
        .update(&a, value("a2"), a1.mod_revision, 0)
        .await
        .unwrap();
    store
        .create(
            &format!("{}-elsewhere", prefix.trim_end_matches('/')),
            value("x"),
            0,
        )
        .await
        .unwrap();
    let b1 = store.create(&b, value("b1"), 0).await.unwrap();
    let (_, a_deleted) = store.delete(&a, None).await.unwrap();

    let mut watch = store.watch(prefix, start).await.unwrap();
    let mut events = Vec::new();
    for _ in 0..4 {
        events.push(next_event(&mut watch).await.unwrap().unwrap());
    }
    let kinds: Vec<_> = events.iter().map(|e| (e.kind, e.kv.key.clone())).collect();
    assert_eq!(
        kinds,
        vec![
            (EventKind::Put, a.clone()),
            (EventKind::Put, a.clone()),
            (EventKind::Put, b.clone()),
            (EventKind::Delete, a.clone()),
        ]
    );
    assert_eq!(events[0].kv, a1);
    assert_eq!(events[0].prev, None);
    assert_eq!(events[1].kv, a2);
    assert_eq!(events[1].prev.as_ref(), Some(&a1));
    assert_eq!(events[2].kv, b1);
    assert_eq!(events[3].revision(), a_deleted);
    assert_eq!(events[3].prev.as_ref(), Some(&a2));

    // Live events follow without a gap.
    let b2 = store
        .update(&b, value("b2"), b1.mod_revision, 0)
        .await
        .unwrap();
    let live = next_event(&mut watch).await.unwrap().unwrap();
    assert_eq!(live.kv, b2);
    assert_eq!(live.prev, Some(b1.clone()));

    // From the middle of the history.
    let mut middle = store.watch(prefix, b1.mod_revision).await.unwrap();
    let first = next_event(&mut middle).await.unwrap().unwrap();
    assert_eq!(first.kv, b1);

    // From now (0): only what happens next.
    let mut from_now = store.watch(prefix, 0).await.unwrap();
    let c = store
        .create(&format!("{prefix}c"), value("c"), 0)
        .await
        .unwrap();
    let first = next_event(&mut from_now).await.unwrap().unwrap();
    assert_eq!(first.kv, c);
}

/// Many concurrent writers: create-if-absent admits exactly one, and CAS loses no update.
pub async fn concurrent_writers(store: Arc<dyn Storage>, prefix: &str) {
    let key = format!("{prefix}contended");
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = store.clone();
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            store.create(&key, value(format!("{i}")), 0).await.is_ok()
        }));
    }
    let mut winners = 0;
    for task in tasks {
        winners += usize::from(task.await.unwrap());
    }
    assert_eq!(winners, 1);

    let counter = format!("{prefix}counter");
    store.create(&counter, value("0"), 0).await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        let counter = counter.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..10 {
                let mut current = store.get(&counter, None).await.unwrap().kv.unwrap();
                loop {
                    let n: u64 = std::str::from_utf8(&current.value)
                        .unwrap()
                        .parse()
                        .unwrap();
                    let next = value((n + 1).to_string());
                    match store.update(&counter, next, current.mod_revision, 0).await {
                        Ok(_) => break,
                        Err(Error::Conflict { current: now, .. }) => current = *now,
                        Err(e) => panic!("{e}"),
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let last = store.get(&counter, None).await.unwrap().kv.unwrap();
    assert_eq!(last.value, value("80"));
    assert_eq!(last.version, 81);
}

/// Reads, watches and compactions below the compacted revision fail with `Compacted`.
pub async fn compaction(store: &dyn Storage, prefix: &str) {
    let key = format!("{prefix}a");
    let v1 = store.create(&key, value("1"), 0).await.unwrap();
    let v2 = store
        .update(&key, value("2"), v1.mod_revision, 0)
        .await
        .unwrap();
    let v3 = store
        .update(&key, value("3"), v2.mod_revision, 0)
        .await
        .unwrap();
    let other = store
        .create(&format!("{prefix}b"), value("b"), 0)
        .await
        .unwrap();

    store.compact(v3.mod_revision).await.unwrap();

    let below = store.get(&key, Some(v2.mod_revision)).await;
    assert!(matches!(below, Err(Error::Compacted { .. })), "{below:?}");
    let range_below = store
        .range(RangeRequest {
            prefix: prefix.to_owned(),
            revision: Some(v2.mod_revision),
            ..RangeRequest::default()
        })
        .await;
    assert!(
        matches!(range_below, Err(Error::Compacted { .. })),
        "{range_below:?}"
    );
    match store.watch(prefix, v2.mod_revision).await {
        Err(Error::Compacted { .. }) => {}
        Ok(mut watch) => {
            let first = next_event(&mut watch).await;
            assert!(
                matches!(first, Some(Err(Error::Compacted { .. }))),
                "{first:?}"
            );
        }
        Err(e) => panic!("watch below compaction: {e}"),
    }
    let again = store.compact(v2.mod_revision).await;
    assert!(matches!(again, Err(Error::Compacted { .. })), "{again:?}");
    let future = store
        .compact(store.current_revision().await.unwrap() + 1000)
        .await;
    assert!(
        matches!(future, Err(Error::FutureRevision { .. })),
        "{future:?}"
    );

    // At and above the compacted revision everything is exact.
    assert_eq!(
        store.get(&key, Some(v3.mod_revision)).await.unwrap().kv,
        Some(v3.clone())
    );
    assert_eq!(store.get(&key, None).await.unwrap().kv, Some(v3.clone()));
    let mut watch = store.watch(prefix, v3.mod_revision).await.unwrap();
    let first = next_event(&mut watch).await.unwrap().unwrap();
    assert_eq!(first.kv, v3);
    let second = next_event(&mut watch).await.unwrap().unwrap();
    assert_eq!(second.kv, other);
}

/// A watcher that does not read while many changes happen and history is compacted either
/// still receives every event in order, or receives a prefix of them and then `Compacted`:
/// never a gap. Returns whether it ended with `Compacted`.
pub async fn slow_watcher(store: &dyn Storage, prefix: &str, writes: usize) -> bool {
    let start = store.current_revision().await.unwrap() + 1;
    let mut watch = store.watch(prefix, start).await.unwrap();
    let mut revisions = Vec::with_capacity(writes);
    for i in 0..writes {
        let kv = store
            .create(&format!("{prefix}{i:06}"), value("x"), 0)
            .await
            .unwrap();
        revisions.push(kv.mod_revision);
    }
    let last = *revisions.last().expect("writes > 0");
    store.compact(last).await.unwrap();

    let mut delivered = Vec::new();
    let compacted = loop {
        if delivered.len() == writes {
            break false;
        }
        match next_event(&mut watch).await {
            Some(Ok(event)) => delivered.push(event.revision()),
            Some(Err(Error::Compacted { .. })) => break true,
            other => panic!("slow watcher: unexpected {other:?}"),
        }
    };
    assert_eq!(
        delivered,
        revisions[..delivered.len()],
        "events must be a gap-free prefix"
    );
    compacted
}

/// Leases: keys attached to a lease go when it is revoked or expires; writes naming a missing
/// lease fail.
pub async fn leases(store: &dyn Storage, prefix: &str) {
    let lease = store.lease_grant(Duration::from_secs(30)).await.unwrap();
    assert_ne!(lease, 0);
    let key = format!("{prefix}event-1");
    let kv = store.create(&key, value("e"), lease).await.unwrap();
    assert_eq!(kv.lease, lease);
    assert_eq!(
        store.get(&key, None).await.unwrap().kv.unwrap().lease,
        lease
    );
    store
        .create(&format!("{prefix}kept"), value("k"), 0)
        .await
        .unwrap();
    store.lease_keep_alive(lease).await.unwrap();

    let mut watch = store.watch(prefix, 0).await.unwrap();
    store.lease_revoke(lease).await.unwrap();
    assert_eq!(store.get(&key, None).await.unwrap().kv, None);
    let deleted = next_event(&mut watch).await.unwrap().unwrap();
    assert_eq!(
        (deleted.kind, deleted.kv.key.as_str()),
        (EventKind::Delete, key.as_str())
    );
    assert_eq!(store.count(prefix).await.unwrap(), 1);

    let dead = store
        .create(&format!("{prefix}event-2"), value("e"), lease)
        .await;
    assert!(matches!(dead, Err(Error::LeaseNotFound(_))), "{dead:?}");
    let renew = store.lease_keep_alive(lease).await;
    assert!(matches!(renew, Err(Error::LeaseNotFound(_))), "{renew:?}");

    // Expiry: a short lease that is not renewed takes its key with it.
    let short = store.lease_grant(Duration::from_secs(2)).await.unwrap();
    let expiring = format!("{prefix}event-3");
    store.create(&expiring, value("e"), short).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while store.get(&expiring, None).await.unwrap().kv.is_some() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "lease did not expire in 15s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
