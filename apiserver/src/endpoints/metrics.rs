//! The API server's request metrics, with upstream's names and labels
//! (`k8s.io/apiserver/pkg/endpoints/metrics`): `apiserver_request_total` and
//! `apiserver_request_duration_seconds`, by verb, group, version, resource, subresource, scope,
//! component and (for the counter) code; and `apiserver_registered_watchers`, by group, version
//! and kind.

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};

use super::request_info::RequestInfo;

#[derive(Clone)]
pub struct RequestMetrics {
    total: IntCounterVec,
    duration: HistogramVec,
    /// `apiserver_registered_watchers{group,version,kind}`: watches open now.
    watchers: IntGaugeVec,
}

/// Counts one open watch in `apiserver_registered_watchers` for as long as it lives.
pub struct RegisteredWatcher(prometheus::IntGauge);

impl Drop for RegisteredWatcher {
    fn drop(&mut self) {
        self.0.dec();
    }
}

const LABELS: [&str; 7] = [
    "verb",
    "group",
    "version",
    "resource",
    "subresource",
    "scope",
    "component",
];

impl RequestMetrics {
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let mut with_code = LABELS.to_vec();
        with_code.push("code");
        let total = IntCounterVec::new(
            Opts::new(
                "apiserver_request_total",
                "Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
            ),
            &with_code,
        )?;
        // Upstream's buckets, in seconds.
        let buckets = vec![
            0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0,
            8.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0,
        ];
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "apiserver_request_duration_seconds",
                "Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
            )
            .buckets(buckets),
            &LABELS,
        )?;
        let watchers = IntGaugeVec::new(
            Opts::new(
                "apiserver_registered_watchers",
                "Number of currently registered watchers for a given resources",
            ),
            &["group", "version", "kind"],
        )?;
        registry.register(Box::new(total.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(watchers.clone()))?;
        Ok(RequestMetrics {
            total,
            duration,
            watchers,
        })
    }

    /// Registers an open watch; it counts until the returned guard is dropped.
    pub fn register_watcher(&self, group: &str, version: &str, kind: &str) -> RegisteredWatcher {
        let gauge = self.watchers.with_label_values(&[group, version, kind]);
        gauge.inc();
        RegisteredWatcher(gauge)
    }

    /// Records one answered request.
    pub fn observe(&self, info: &RequestInfo, code: u16, seconds: f64) {
        let verb = info.verb.to_ascii_uppercase();
        let scope = if !info.is_resource_request {
            ""
        } else if !info.name.is_empty() {
            "resource"
        } else if !info.namespace.is_empty() {
            "namespace"
        } else {
            "cluster"
        };
        let labels = [
            verb.as_str(),
            info.api_group.as_str(),
            info.api_version.as_str(),
            info.resource.as_str(),
            info.subresource.as_str(),
            scope,
            "apiserver",
        ];
        // A watch's duration is its lifetime; upstream keeps watches out of the histogram.
        if info.verb != "watch" {
            self.duration.with_label_values(&labels).observe(seconds);
        }
        let code = code.to_string();
        let mut with_code = labels.to_vec();
        with_code.push(&code);
        self.total.with_label_values(&with_code).inc();
    }
}
