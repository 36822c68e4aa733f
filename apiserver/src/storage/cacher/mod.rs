//! The watch cache: one per resource, in front of storage, as upstream's `storage/cacher`.
//!
//! A [`Cacher`] is itself a [`Storage`]. It keeps, for one resource prefix, the current objects
//! and a bounded window of recent events, filled by one LIST and one WATCH on the store below.
//! It answers:
//!
//! - prefix ranges at the latest revision: at once when the request accepts a cache that may be
//!   behind (`resourceVersion=0`, or not older than a given revision the cache has reached), and
//!   for a consistent read when the cache has seen the store's current revision or the store's
//!   key counts prove nothing under the prefix changed since the cache's revision (otherwise
//!   the store answers);
//! - watches that start inside the event window, fanned out from memory to any number of
//!   watchers (one store watch per resource, not one per client).
//!
//! Everything else (writes, single-key reads, reads at a past revision, watches older than the
//! window, leases, compaction) goes to the store below. Until the first LIST has loaded, and
//! while the cache reloads after losing its store watch, the store answers everything.
//! A reload ends the watches served from memory; clients resume from their last
//! `resourceVersion`, exactly as after an API server restart.

mod state;
mod watch;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use prometheus::{IntCounterVec, IntGaugeVec, Opts};
use tokio::sync::watch as signal;

use super::{
    GetResponse, KeyValue, LeaseId, PrefixChanges, RangeRequest, RangeResponse, Result, Revision,
    Storage, WatchStream,
};
use state::State;

/// How many recent events a cache keeps for watches that start in the past.
pub const DEFAULT_EVENT_WINDOW: usize = 10_000;

/// The watch caches' metrics, with upstream's names.
#[derive(Clone)]
pub struct CacheMetrics {
    /// `apiserver_storage_objects{resource}` (deprecated upstream in 1.34, still served).
    storage_objects: IntGaugeVec,
    /// `apiserver_resource_objects{group,resource}`.
    resource_objects: IntGaugeVec,
    /// `apiserver_watch_cache_events_received_total{group,resource}`.
    events_received: IntCounterVec,
    /// `apiserver_watch_cache_initializations_total{group,resource}`.
    initializations: IntCounterVec,
    /// `apiserver_watch_cache_consistent_read_total{group,resource,success,fallback}`.
    consistent_reads: IntCounterVec,
    /// `apiserver_cache_list_total{group,resource,index}`.
    cache_lists: IntCounterVec,
}

impl CacheMetrics {
    pub fn register(registry: &prometheus::Registry) -> prometheus::Result<Self> {
        let gauge = |name: &str, help: &str, labels: &[&str]| {
            let gauge = IntGaugeVec::new(Opts::new(name, help), labels)?;
            registry.register(Box::new(gauge.clone()))?;
            Ok::<_, prometheus::Error>(gauge)
        };
        let counter = |name: &str, help: &str, labels: &[&str]| {
            let counter = IntCounterVec::new(Opts::new(name, help), labels)?;
            registry.register(Box::new(counter.clone()))?;
            Ok::<_, prometheus::Error>(counter)
        };
        Ok(CacheMetrics {
            storage_objects: gauge(
                "apiserver_storage_objects",
                "[DEPRECATED, consider using apiserver_resource_objects instead] Number of stored objects at the time of last check split by kind.",
                &["resource"],
            )?,
            resource_objects: gauge(
                "apiserver_resource_objects",
                "Number of stored objects at the time of last check split by kind.",
                &["group", "resource"],
            )?,
            events_received: counter(
                "apiserver_watch_cache_events_received_total",
                "Counter of events received in watch cache broken by resource type.",
                &["group", "resource"],
            )?,
            initializations: counter(
                "apiserver_watch_cache_initializations_total",
                "Counter of watch cache initializations broken by resource type.",
                &["group", "resource"],
            )?,
            consistent_reads: counter(
                "apiserver_watch_cache_consistent_read_total",
                "Counter for consistent reads from cache.",
                &["group", "resource", "success", "fallback"],
            )?,
            cache_lists: counter(
                "apiserver_cache_list_total",
                "Number of LIST requests served from watch cache",
                &["group", "resource", "index"],
            )?,
        })
    }

    /// Metrics that go nowhere, for caches built outside the API server (tests, benches).
    pub fn unregistered() -> Self {
        Self::register(&prometheus::Registry::new()).expect("metric definitions are valid")
    }
}

/// Which resource a cache holds, for logs and metric labels.
#[derive(Clone, Debug)]
pub struct CachedResource {
    pub group: String,
    pub resource: String,
}

impl CachedResource {
    /// `pods`, `deployments.apps`: upstream's `GroupResource.String()`.
    fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

/// A watch cache for every key under one prefix. See the module documentation.
pub struct Cacher {
    inner: Arc<dyn Storage>,
    prefix: String,
    state: Arc<RwLock<State>>,
    /// The number of the last event applied; watchers wait on it.
    progress: signal::Receiver<u64>,
    resource: CachedResource,
    metrics: CacheMetrics,
    reflector: tokio::task::JoinHandle<()>,
}

impl Drop for Cacher {
    fn drop(&mut self) {
        self.reflector.abort();
    }
}

impl Cacher {
    /// Starts filling a cache for `prefix` (which ends with `/`) from `inner`. Must be called
    /// inside a tokio runtime.
    pub fn new(
        inner: Arc<dyn Storage>,
        prefix: String,
        resource: CachedResource,
        event_window: usize,
        metrics: CacheMetrics,
    ) -> Self {
        let state = Arc::new(RwLock::new(State::new(event_window.max(1))));
        let (progress_sender, progress) = signal::channel(0);
        let reflector = tokio::spawn(reflect(Reflector {
            inner: inner.clone(),
            prefix: prefix.clone(),
            state: state.clone(),
            progress: progress_sender,
            resource: resource.clone(),
            metrics: metrics.clone(),
        }));
        Cacher {
            inner,
            prefix,
            state,
            progress,
            resource,
            metrics,
            reflector,
        }
    }

    /// Whether the first LIST has loaded and the cache is following the store.
    pub fn is_ready(&self) -> bool {
        self.read_state().ready
    }

    /// The latest revision the cache has seen.
    pub fn revision(&self) -> Revision {
        self.read_state().revision
    }

    fn read_state(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn covers(&self, prefix: &str) -> bool {
        prefix.starts_with(&self.prefix)
    }

    /// Answers a range from memory if the request allows it and the cache is fresh enough.
    async fn range_from_cache(&self, request: &RangeRequest) -> Result<Option<RangeResponse>> {
        if request.revision.is_some() || !self.covers(&request.prefix) {
            return Ok(None);
        }
        let labels = [
            self.resource.group.as_str(),
            self.resource.resource.as_str(),
        ];
        let answer = match request.not_older_than {
            Some(wanted) => {
                let state = self.read_state();
                (state.ready && state.revision >= wanted).then(|| state.range(request))
            }
            None => {
                let answer = self.consistent_range(request).await?;
                let fallback = if answer.is_some() { "false" } else { "true" };
                self.metrics
                    .consistent_reads
                    .with_label_values(&[labels[0], labels[1], "true", fallback])
                    .inc();
                answer
            }
        };
        if answer.is_some() {
            self.metrics
                .cache_lists
                .with_label_values(&[labels[0], labels[1], ""])
                .inc();
        }
        Ok(answer)
    }
}

impl Cacher {
    /// A consistent read from memory, when the cache can show it holds the store's latest
    /// state: it has seen the current revision, or the store counts under the prefix exactly
    /// the cache's keys and none written after the cache's revision (then nothing changed
    /// in between, and the cache is moved up to the counted revision).
    async fn consistent_range(&self, request: &RangeRequest) -> Result<Option<RangeResponse>> {
        let (ready, cached, keys) = {
            let state = self.read_state();
            (state.ready, state.revision, state.objects.len())
        };
        if !ready {
            return Ok(None);
        }
        let current = self.inner.current_revision().await?;
        if cached < current {
            let changes = self.inner.changes_since(&self.prefix, cached).await?;
            if changes.modified != 0 || usize::try_from(changes.keys) != Ok(keys) {
                return Ok(None);
            }
            let mut state = self.write_state();
            if state.ready && state.revision == cached {
                state.revision = changes.revision;
            }
        }
        let state = self.read_state();
        Ok((state.ready && state.revision >= current).then(|| state.range(request)))
    }

    fn write_state(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait::async_trait]
impl Storage for Cacher {
    fn backend_name(&self) -> &'static str {
        self.inner.backend_name()
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
        if !self.covers(key) {
            return None;
        }
        let state = self.read_state();
        state.ready.then(|| state.objects.get(key).cloned())?
    }

    async fn range(&self, request: RangeRequest) -> Result<RangeResponse> {
        match self.range_from_cache(&request).await? {
            Some(response) => Ok(response),
            None => self.inner.range(request).await,
        }
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
        if self.covers(prefix) && self.is_ready() {
            // "From now" means after the store's current revision, which the cache may not
            // have reached yet.
            let from = if from <= 0 {
                self.inner.current_revision().await? + 1
            } else {
                from
            };
            let start = self.read_state().watch_start(from);
            if let Some(start) = start {
                let stream = watch::CacheWatch::new(
                    self.state.clone(),
                    self.progress.clone(),
                    prefix.to_owned(),
                    start,
                );
                return Ok(stream.into_stream());
            }
        }
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

/// The task that keeps one cache in step with the store: LIST, then WATCH from the listed
/// revision; on any watch failure, LIST again.
struct Reflector {
    inner: Arc<dyn Storage>,
    prefix: String,
    state: Arc<RwLock<State>>,
    progress: signal::Sender<u64>,
    resource: CachedResource,
    metrics: CacheMetrics,
}

impl Reflector {
    fn write_state(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn record_count(&self, count: usize) {
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        self.metrics
            .storage_objects
            .with_label_values(&[&self.resource.qualified()])
            .set(count);
        self.metrics
            .resource_objects
            .with_label_values(&[&self.resource.group, &self.resource.resource])
            .set(count);
    }

    /// Loads the current objects; returns the revision they were read at.
    async fn load(&self) -> Result<Revision> {
        let listed = self
            .inner
            .range(RangeRequest {
                prefix: self.prefix.clone(),
                ..RangeRequest::default()
            })
            .await?;
        let count = listed.kvs.len();
        let sequence = {
            let mut state = self.write_state();
            state.reset(listed.kvs, listed.revision);
            state.sequence
        };
        self.progress.send_replace(sequence);
        self.record_count(count);
        self.metrics
            .initializations
            .with_label_values(&[&self.resource.group, &self.resource.resource])
            .inc();
        Ok(listed.revision)
    }

    /// Follows the store until its watch fails.
    async fn follow(&self, revision: Revision) -> Result<()> {
        let mut events = self.inner.watch(&self.prefix, revision + 1).await?;
        let received = self
            .metrics
            .events_received
            .with_label_values(&[&self.resource.group, &self.resource.resource]);
        while let Some(event) = events.next().await {
            let event = event?;
            received.inc();
            let (sequence, count) = {
                let mut state = self.write_state();
                state.apply(event);
                (state.sequence, state.objects.len())
            };
            self.progress.send_replace(sequence);
            self.record_count(count);
        }
        Ok(())
    }
}

async fn reflect(reflector: Reflector) {
    let mut backoff = Duration::from_millis(100);
    loop {
        let outcome = match reflector.load().await {
            Ok(revision) => {
                backoff = Duration::from_millis(100);
                reflector.follow(revision).await
            }
            Err(e) => Err(e),
        };
        // Serve from the store until the cache has loaded again; end the cache's watches so
        // their clients resume from their last resourceVersion.
        reflector.write_state().invalidate();
        reflector.progress.send_modify(|sequence| *sequence += 1);
        match outcome {
            Ok(()) => tracing::info!(resource = %reflector.resource.qualified(),
                "watch cache: store watch ended, reloading"),
            Err(e) => tracing::warn!(resource = %reflector.resource.qualified(), error = %e,
                "watch cache: reloading after an error"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

#[cfg(test)]
mod tests;
