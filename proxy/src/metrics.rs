//! kube-proxy's metrics, with upstream's names (`pkg/proxy/metrics`).

use prometheus::{
    Gauge, Histogram, HistogramOpts, IntCounter, IntGauge, IntGaugeVec, Opts, Registry,
};

/// The metrics, registered on the daemon's registry.
#[derive(Clone)]
pub struct Metrics {
    /// `kubeproxy_sync_proxy_rules_duration_seconds`: every sync.
    pub sync_duration: Histogram,
    /// `kubeproxy_sync_full_proxy_rules_duration_seconds`.
    pub full_sync_duration: Histogram,
    /// `kubeproxy_sync_partial_proxy_rules_duration_seconds`.
    pub partial_sync_duration: Histogram,
    /// `kubeproxy_sync_proxy_rules_last_timestamp_seconds`.
    pub last_sync_timestamp: Gauge,
    /// `kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds`.
    pub last_queued_timestamp: Gauge,
    /// `kubeproxy_network_programming_duration_seconds`: from an endpoints change (the
    /// EndpointSlice's trigger time) to the rules that carry it.
    pub network_programming_duration: Histogram,
    /// `kubeproxy_sync_proxy_rules_endpoint_changes_pending` / `_total`.
    pub endpoint_changes_pending: IntGauge,
    pub endpoint_changes_total: IntCounter,
    /// `kubeproxy_sync_proxy_rules_service_changes_pending` / `_total`.
    pub service_changes_pending: IntGauge,
    pub service_changes_total: IntCounter,
    /// `kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy}`.
    pub no_local_endpoints: IntGaugeVec,
}

fn histogram(name: &str, help: &str, buckets: Vec<f64>) -> prometheus::Result<Histogram> {
    Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets))
}

/// Upstream's network-programming buckets: quarter seconds, then seconds up to a minute, then
/// coarser steps up to five minutes.
fn programming_buckets() -> Vec<f64> {
    let mut buckets = vec![0.25, 0.5];
    buckets.extend((1..=59).map(f64::from));
    buckets.extend((0..12).map(|i| 60.0 + 5.0 * f64::from(i)));
    buckets.extend((0..7).map(|i| 120.0 + 30.0 * f64::from(i)));
    buckets
}

impl Metrics {
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let sync_buckets = prometheus::exponential_buckets(0.001, 2.0, 15)?;
        let metrics = Metrics {
            sync_duration: histogram(
                "kubeproxy_sync_proxy_rules_duration_seconds",
                "How long one sync of the proxy rules took, in seconds.",
                sync_buckets.clone(),
            )?,
            full_sync_duration: histogram(
                "kubeproxy_sync_full_proxy_rules_duration_seconds",
                "How long one full sync of the proxy rules took, in seconds.",
                sync_buckets.clone(),
            )?,
            partial_sync_duration: histogram(
                "kubeproxy_sync_partial_proxy_rules_duration_seconds",
                "How long one partial (incremental) sync of the proxy rules took, in seconds.",
                sync_buckets,
            )?,
            last_sync_timestamp: Gauge::with_opts(Opts::new(
                "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
                "When the proxy rules were last synced, in seconds since the epoch.",
            ))?,
            last_queued_timestamp: Gauge::with_opts(Opts::new(
                "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds",
                "When a sync of the proxy rules was last queued, in seconds since the epoch.",
            ))?,
            network_programming_duration: histogram(
                "kubeproxy_network_programming_duration_seconds",
                "Seconds from a change of a Service's endpoints to the proxy rules that carry it.",
                programming_buckets(),
            )?,
            endpoint_changes_pending: IntGauge::with_opts(Opts::new(
                "kubeproxy_sync_proxy_rules_endpoint_changes_pending",
                "Endpoint changes not yet in the proxy rules.",
            ))?,
            endpoint_changes_total: IntCounter::with_opts(Opts::new(
                "kubeproxy_sync_proxy_rules_endpoint_changes_total",
                "Endpoint changes seen.",
            ))?,
            service_changes_pending: IntGauge::with_opts(Opts::new(
                "kubeproxy_sync_proxy_rules_service_changes_pending",
                "Service changes not yet in the proxy rules.",
            ))?,
            service_changes_total: IntCounter::with_opts(Opts::new(
                "kubeproxy_sync_proxy_rules_service_changes_total",
                "Service changes seen.",
            ))?,
            no_local_endpoints: IntGaugeVec::new(
                Opts::new(
                    "kubeproxy_sync_proxy_rules_no_local_endpoints_total",
                    "Services with a Local traffic policy and no endpoint on this node.",
                ),
                &["traffic_policy"],
            )?,
        };
        registry.register(Box::new(metrics.sync_duration.clone()))?;
        registry.register(Box::new(metrics.full_sync_duration.clone()))?;
        registry.register(Box::new(metrics.partial_sync_duration.clone()))?;
        registry.register(Box::new(metrics.last_sync_timestamp.clone()))?;
        registry.register(Box::new(metrics.last_queued_timestamp.clone()))?;
        registry.register(Box::new(metrics.network_programming_duration.clone()))?;
        registry.register(Box::new(metrics.endpoint_changes_pending.clone()))?;
        registry.register(Box::new(metrics.endpoint_changes_total.clone()))?;
        registry.register(Box::new(metrics.service_changes_pending.clone()))?;
        registry.register(Box::new(metrics.service_changes_total.clone()))?;
        registry.register(Box::new(metrics.no_local_endpoints.clone()))?;
        Ok(metrics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_names_are_exposed() {
        let registry = Registry::new();
        let metrics = Metrics::register(&registry).unwrap();
        metrics.sync_duration.observe(0.01);
        metrics.network_programming_duration.observe(0.3);
        metrics
            .no_local_endpoints
            .with_label_values(&["internal"])
            .set(0);
        let text = String::from_utf8(common::metrics::encode_text(&registry).unwrap()).unwrap();
        for name in [
            "kubeproxy_sync_proxy_rules_duration_seconds_bucket",
            "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
            "kubeproxy_network_programming_duration_seconds_bucket",
            "kubeproxy_sync_proxy_rules_endpoint_changes_total",
            "kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"internal\"}",
        ] {
            assert!(text.contains(name), "{name} missing");
        }
    }
}
