//! Guarded updates that start from a watch cache's copy: a stale copy must never win.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};

use super::*;
use crate::registry::Registry;
use crate::registry::core::service::ServiceRanges;
use crate::storage::embedded::{EmbeddedOptions, EmbeddedStore};
use crate::storage::{
    GetResponse, KeyValue, LeaseId, PrefixChanges, RangeRequest, RangeResponse, Result, Revision,
    WatchStream,
};

const KEY: &str = "/registry/configmaps/a/settings";

/// A real embedded store whose "watch cache" hands out a fixed copy, however old.
struct StaleCache {
    inner: EmbeddedStore,
    cached: Mutex<Option<KeyValue>>,
}

#[async_trait::async_trait]
impl Storage for StaleCache {
    fn backend_name(&self) -> &'static str {
        "stale-cache"
    }
    async fn create(&self, key: &str, value: Bytes, lease: LeaseId) -> Result<KeyValue> {
        self.inner.create(key, value, lease).await
    }
    async fn update(
        &self,
        key: &str,
        value: Bytes,
        expected: Revision,
        lease: LeaseId,
    ) -> Result<KeyValue> {
        self.inner.update(key, value, expected, lease).await
    }
    async fn delete(&self, key: &str, expected: Option<Revision>) -> Result<(KeyValue, Revision)> {
        self.inner.delete(key, expected).await
    }
    async fn get(&self, key: &str, revision: Option<Revision>) -> Result<GetResponse> {
        self.inner.get(key, revision).await
    }
    fn get_cached(&self, key: &str) -> Option<KeyValue> {
        self.cached
            .lock()
            .unwrap()
            .clone()
            .filter(|kv| kv.key == key)
    }
    async fn range(&self, request: RangeRequest) -> Result<RangeResponse> {
        self.inner.range(request).await
    }
    async fn count(&self, prefix: &str) -> Result<i64> {
        self.inner.count(prefix).await
    }
    async fn changes_since(&self, prefix: &str, since: Revision) -> Result<PrefixChanges> {
        self.inner.changes_since(prefix, since).await
    }
    async fn current_revision(&self) -> Result<Revision> {
        self.inner.current_revision().await
    }
    async fn watch(&self, prefix: &str, from: Revision) -> Result<WatchStream> {
        self.inner.watch(prefix, from).await
    }
    async fn compact(&self, revision: Revision) -> Result<()> {
        self.inner.compact(revision).await
    }
    async fn lease_grant(&self, ttl: Duration) -> Result<LeaseId> {
        self.inner.lease_grant(ttl).await
    }
    async fn lease_keep_alive(&self, lease: LeaseId) -> Result<()> {
        self.inner.lease_keep_alive(lease).await
    }
    async fn lease_revoke(&self, lease: LeaseId) -> Result<()> {
        self.inner.lease_revoke(lease).await
    }
    async fn check_health(&self) -> Result<()> {
        self.inner.check_health().await
    }
}

fn config_map(data: Value) -> Bytes {
    let object = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "a", "uid": "u-1",
            "creationTimestamp": "2026-11-27T00:00:00Z"},
        "data": data});
    Bytes::from(serde_json::to_vec(&object).unwrap())
}

/// `key` written as `first` and cached, then changed to `then` behind the cache's back; a
/// registry on that storage.
async fn stale(
    key: &str,
    first: Bytes,
    then: Bytes,
) -> (Arc<StaleCache>, Registry, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(StaleCache {
        inner: EmbeddedStore::open(EmbeddedOptions::new(dir.path()))
            .await
            .unwrap(),
        cached: Mutex::new(None),
    });
    let first = storage.create(key, first, 0).await.unwrap();
    *storage.cached.lock().unwrap() = Some(first.clone());
    storage
        .update(key, then, first.mod_revision, 0)
        .await
        .unwrap();
    let ranges = ServiceRanges::parse("10.96.0.0/12", "30000-32767").unwrap();
    let registry = Registry::new(storage.clone(), ranges, None);
    (storage, registry, dir)
}

/// The config map written at `{a}`, cached, then changed to `{a, b}` behind the cache's back.
async fn stale_fixture() -> (Arc<StaleCache>, Registry, tempfile::TempDir) {
    let first = config_map(json!({"a": "1"}));
    stale(KEY, first, config_map(json!({"a": "1", "b": "2"}))).await
}

/// A guarded update of the config map.
async fn update(
    store: &Store,
    change: impl FnMut(&Value) -> std::result::Result<Value, ApiError> + Send,
) -> std::result::Result<Value, ApiError> {
    let options = WriteOptions::default();
    store
        .update_with(Some("a"), "settings", UpdateScope::Main, options, change)
        .await
}

#[tokio::test]
async fn an_update_from_a_stale_cached_copy_is_redone_on_the_stored_one() {
    let (storage, registry, _dir) = stale_fixture().await;
    let store = registry.get("", "v1", "configmaps").unwrap();
    let mut attempts = 0;
    let updated = update(&store, |current| {
        attempts += 1;
        let mut new = current.clone();
        new["data"]["c"] = json!("3");
        Ok(new)
    })
    .await
    .unwrap();
    assert_eq!(
        attempts, 2,
        "the stale attempt lost the compare and was redone"
    );
    assert_eq!(updated["data"], json!({"a": "1", "b": "2", "c": "3"}));
    let stored = storage.get(KEY, None).await.unwrap().kv.unwrap();
    let stored: Value = serde_json::from_slice(&stored.value).unwrap();
    assert_eq!(stored["data"], json!({"a": "1", "b": "2", "c": "3"}));
}

#[tokio::test]
async fn a_refusal_based_on_a_stale_copy_is_checked_on_the_stored_one() {
    let (_storage, registry, _dir) = stale_fixture().await;
    let store = registry.get("", "v1", "configmaps").unwrap();
    // A precondition the stale copy fails and the stored object meets.
    let updated = update(&store, |current| {
        if current["data"]["b"] != "2" {
            return Err(ApiError::bad_request("b must be 2"));
        }
        let mut new = current.clone();
        new["data"]["b"] = json!("two");
        Ok(new)
    })
    .await
    .unwrap();
    assert_eq!(updated["data"], json!({"a": "1", "b": "two"}));

    // A refusal the stored object earns as well is still a refusal.
    let refused = update(&store, |_| Err(ApiError::bad_request("never")))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), 400);
}

#[tokio::test]
async fn a_namespace_this_server_is_deleting_is_read_live() {
    let namespace = |phase: &str| {
        Bytes::from(
            serde_json::to_vec(&json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": "a"}, "status": {"phase": phase}}))
            .unwrap(),
        )
    };
    let key = "/registry/namespaces/a";
    let (_storage, registry, _dir) =
        stale(key, namespace("Active"), namespace("Terminating")).await;
    let config_maps = registry.get("", "v1", "configmaps").unwrap();

    // The cache has not seen the deletion: like upstream's informer, it is believed...
    config_maps.admit_create("a", "x").await.unwrap();
    // ... unless this server admitted the namespace's deletion lately.
    config_maps.namespaces.deleting("a");
    let refused = config_maps.admit_create("a", "x").await.unwrap_err();
    assert_eq!(refused.code(), 403);
}

#[tokio::test]
async fn a_write_that_changes_nothing_is_not_written() {
    let (_storage, registry, _dir) = stale_fixture().await;
    let store = registry.get("", "v1", "configmaps").unwrap();
    let options = WriteOptions {
        field_manager: Some("tester"),
        ..WriteOptions::default()
    };
    let write = |value: &'static str| {
        let store = store.clone();
        async move {
            store
                .update_with(
                    Some("a"),
                    "settings",
                    UpdateScope::Main,
                    options,
                    |current| {
                        let mut new = current.clone();
                        new["data"]["c"] = json!(value);
                        Ok(new)
                    },
                )
                .await
                .unwrap()
        }
    };
    let first = write("3").await;
    // Later, so a new entry time would differ.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let again = write("3").await;
    assert_eq!(
        again["metadata"]["resourceVersion"], first["metadata"]["resourceVersion"],
        "the same content again is a no-op"
    );
    assert_eq!(
        again["metadata"]["managedFields"],
        first["metadata"]["managedFields"]
    );
    let changed = write("4").await;
    assert_ne!(
        changed["metadata"]["resourceVersion"],
        first["metadata"]["resourceVersion"]
    );
}
