//! Wiring: the client, the watches, the health and metrics servers, and the sync loop (upstream's
//! `BoundedFrequencyRunner`: a change syncs at most once per minimum sync period, and the
//! rules are rewritten in full at least once per sync period).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use k8s_openapi::api::core::v1::{Node, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::runtime::watcher;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::time::Instant;

use common::kubeconfig::KubeconfigOptions;
use common::shutdown::Shutdown;

use crate::health::{ProxierHealth, health_handler, metrics_handler};
use crate::metrics::Metrics;
use crate::model::{ProxyState, ServicePortName};
use crate::options::Config;
use crate::proxier::{Proxier, node_eligible, node_settings};
use crate::service_health::ServiceHealthServer;
use crate::sources::{self, ENDPOINT_SLICE_SELECTOR, SERVICE_SELECTOR};

/// The annotation the EndpointSlice controller sets to when the change it carries happened.
pub const TRIGGER_TIME_ANNOTATION: &str = "endpoints.kubernetes.io/last-change-trigger-time";

/// The node name: `--hostname-override`, else the hostname, lowercased as upstream.
pub fn node_name(config: &Config) -> String {
    let name = match config
        .hostname_override
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(name) => name.to_owned(),
        None => std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|name| name.trim().to_owned())
            .unwrap_or_else(|_| "localhost".to_owned()),
    };
    name.to_lowercase()
}

async fn bind(address: std::net::SocketAddr, what: &str) -> Result<TcpListener> {
    common::serving::listen(address)
        .with_context(|| format!("binding the {what} server to {address}"))
}

/// Changes seen since the last sync: which Services to re-read, and the counts and trigger
/// times for the pending gauges and the programming latency.
#[derive(Default)]
struct Pending {
    endpoint_changes: i64,
    service_changes: i64,
    trigger_times: Vec<SystemTime>,
    /// Services (`namespace/name`) whose object or EndpointSlices changed.
    services: BTreeSet<String>,
    /// A watch listed everything again: rebuild the whole state.
    relisted: bool,
}

/// More changed Services than this in one sync rebuild the whole state instead.
const MAX_REFRESHED_SERVICES: usize = 100;

/// The key of the Service a slice belongs to, as the Service watch keys it.
fn slice_service_key(slice: &EndpointSlice) -> Option<String> {
    let service = slice
        .metadata
        .labels
        .as_ref()?
        .get(crate::state::SERVICE_NAME_LABEL)?;
    Some(format!(
        "{}/{service}",
        slice.metadata.namespace.as_deref().unwrap_or_default()
    ))
}

fn trigger_time(slice: &EndpointSlice) -> Option<SystemTime> {
    let text = slice
        .metadata
        .annotations
        .as_ref()?
        .get(TRIGGER_TIME_ANNOTATION)?;
    let timestamp: jiff::Timestamp = text.parse().ok()?;
    Some(SystemTime::from(timestamp))
}

/// Runs kube-proxy until `shutdown`, building its backend with `new_proxier`.
pub async fn run(
    config: Config,
    new_proxier: impl Fn(crate::model::NodeSettings) -> Box<dyn Proxier>,
    shutdown: Shutdown,
) -> Result<()> {
    let client = match &config.kubeconfig {
        Some(path) => KubeconfigOptions::from_path(path.clone()).client().await,
        None => KubeconfigOptions::default().client().await,
    }
    .context("building the API client")?;
    let node_name = node_name(&config);
    let registry = common::metrics::new_registry();
    let metrics = Metrics::register(&registry).context("registering metrics")?;
    let health = ProxierHealth::new(2 * config.sync_period);
    if let Some(address) = config.healthz_bind_address {
        let listener = bind(address, "health").await?;
        tokio::spawn(crate::health::serve(
            listener,
            health_handler(health.clone()),
            shutdown.clone(),
        ));
    }
    if let Some(address) = config.metrics_bind_address {
        let listener = bind(address, "metrics").await?;
        tokio::spawn(crate::health::serve(
            listener,
            metrics_handler(registry.clone()),
            shutdown.clone(),
        ));
    }

    let changed = Arc::new(Notify::new());
    let pending = Arc::new(Mutex::new(Pending::default()));
    let service_pending = pending.clone();
    let service_gauge = metrics.service_changes_pending.clone();
    let (api, watch_config) =
        sources::all_with_selector::<Service>(client.clone(), SERVICE_SELECTOR);
    let services = sources::watch(api, watch_config, changed.clone(), move |service| {
        let mut p = service_pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match service {
            Some(service) => {
                p.services.insert(sources::key(service));
            }
            None => p.relisted = true,
        }
        p.service_changes += 1;
        service_gauge.set(p.service_changes);
    });
    let slice_pending = pending.clone();
    let slice_gauge = metrics.endpoint_changes_pending.clone();
    let (api, watch_config) =
        sources::all_with_selector::<EndpointSlice>(client.clone(), ENDPOINT_SLICE_SELECTOR);
    let slices = sources::watch(api, watch_config, changed.clone(), move |slice| {
        let mut p = slice_pending.lock().unwrap_or_else(PoisonError::into_inner);
        match slice.map(slice_service_key) {
            Some(Some(key)) => {
                p.services.insert(key);
            }
            Some(None) => {}
            None => p.relisted = true,
        }
        p.endpoint_changes += 1;
        slice_gauge.set(p.endpoint_changes);
        if let Some(time) = slice.and_then(trigger_time) {
            p.trigger_times.push(time);
        }
    });
    let nodes = sources::watch(
        kube::Api::<Node>::all(client.clone()),
        watcher::Config::default().fields(&format!("metadata.name={node_name}")),
        changed.clone(),
        |_| {},
    );
    tokio::select! {
        () = shutdown.wait() => return Ok(()),
        () = async { services.synced().await; slices.synced().await; } => {}
    }
    // The Node may not be registered yet; node ports then answer on no address until it is.
    tokio::select! {
        () = shutdown.wait() => return Ok(()),
        () = nodes.synced() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => {
            tracing::warn!(node = %node_name, "no Node object yet; node ports wait for it");
        }
    }

    let current_node = || nodes.lock().values().next().cloned();
    let mut settings = node_settings(&config, &node_name, current_node().as_ref());
    tracing::info!(node = %node_name, ips = ?settings.node_ips, mode = ?config.mode, "starting the proxier");
    let mut proxier = new_proxier(settings.clone());
    let health_addresses = |settings: &crate::model::NodeSettings| -> Vec<std::net::IpAddr> {
        if settings.nodeport_addresses.is_empty() {
            vec![std::net::Ipv4Addr::UNSPECIFIED.into()]
        } else {
            settings
                .nodeport_ips()
                .into_iter()
                .map(Into::into)
                .collect()
        }
    };
    let mut service_health = ServiceHealthServer::new(
        health_addresses(&settings),
        health.clone(),
        shutdown.clone(),
    );
    // What the watches hold, as service ports and endpoints, kept up to date by re-reading
    // only the Services that changed; and what the last successful sync programmed.
    let mut state = ProxyState::default();
    let mut rebuild = true;
    let mut applied = ProxyState::default();
    let mut last_sync = Instant::now() - config.min_sync_period;
    let mut last_full = Instant::now();
    let mut dirty = true;
    let mut warned_conntrack = false;
    loop {
        if !dirty {
            let periodic = last_full + config.sync_period;
            tokio::select! {
                () = shutdown.wait() => break,
                () = changed.notified() => {}
                () = tokio::time::sleep_until(periodic) => {
                    // The periodic resync also re-reads every object, a safety net for the
                    // change tracking.
                    proxier.request_full_sync();
                    rebuild = true;
                }
            }
            health.queued(SystemTime::now());
            metrics
                .last_queued_timestamp
                .set(unix_seconds(SystemTime::now()));
        }
        // At most one sync per minimum period; changes arriving meanwhile join this one.
        let earliest = last_sync + config.min_sync_period;
        tokio::select! {
            () = shutdown.wait() => break,
            () = tokio::time::sleep_until(earliest) => {}
        }
        dirty = false;
        let node = current_node();
        if let Some(node) = &node {
            health.set_node_eligible(node_eligible(node));
        }
        let new_settings = node_settings(&config, &node_name, node.as_ref());
        if new_settings != settings {
            tracing::info!(ips = ?new_settings.node_ips, "node addresses changed; rebuilding the rules");
            settings = new_settings;
            proxier = new_proxier(settings.clone());
            service_health.close_all().await;
            service_health = ServiceHealthServer::new(
                health_addresses(&settings),
                health.clone(),
                shutdown.clone(),
            );
        }
        let (changed_ports, taken) = {
            let services = services.lock();
            let slices = slices.lock();
            let mut p = pending.lock().unwrap_or_else(PoisonError::into_inner);
            let taken = std::mem::take(&mut *p);
            if rebuild || taken.relisted || taken.services.len() > MAX_REFRESHED_SERVICES {
                rebuild = false;
                state = crate::state::build(services.values(), slices.values(), &node_name);
                (None, taken)
            } else {
                let ports = crate::state::refresh(
                    &mut state,
                    &taken.services,
                    &services,
                    &slices,
                    &node_name,
                );
                (Some(ports), taken)
            }
        };
        metrics
            .endpoint_changes_total
            .inc_by(taken.endpoint_changes.max(0) as u64);
        metrics
            .service_changes_total
            .inc_by(taken.service_changes.max(0) as u64);
        metrics.endpoint_changes_pending.set(0);
        metrics.service_changes_pending.set(0);
        let started = Instant::now();
        last_sync = started;
        match proxier.sync(&state, changed_ports.as_ref()) {
            Ok(outcome) => {
                let elapsed = started.elapsed().as_secs_f64();
                metrics.sync_duration.observe(elapsed);
                if outcome.full {
                    metrics.full_sync_duration.observe(elapsed);
                    last_full = Instant::now();
                } else {
                    metrics.partial_sync_duration.observe(elapsed);
                }
                let now = SystemTime::now();
                metrics.last_sync_timestamp.set(unix_seconds(now));
                for trigger in &taken.trigger_times {
                    if let Ok(latency) = now.duration_since(*trigger) {
                        metrics
                            .network_programming_duration
                            .observe(latency.as_secs_f64());
                    }
                }
                record_no_local_endpoints(&metrics, &state);
                service_health.sync(&state).await;
                health.updated(now);
                let stale = match &changed_ports {
                    Some(ports) => crate::conntrack::stale_entries_among(&applied, &state, ports),
                    None => crate::conntrack::stale_entries(&applied, &state),
                };
                if !stale.is_empty()
                    && let Err(error) = crate::conntrack::flush(&stale, None)
                    && !warned_conntrack
                {
                    warned_conntrack = true;
                    tracing::warn!(%error, "could not flush stale UDP conntrack entries");
                }
                match &changed_ports {
                    Some(ports) => copy_ports(&mut applied, &state, ports),
                    None => applied = state.clone(),
                }
                tracing::debug!(
                    full = outcome.full,
                    changed = outcome.changed,
                    elapsed_ms = elapsed * 1000.0,
                    "synced proxy rules"
                );
            }
            Err(error) => {
                tracing::error!(error = %format!("{error:#}"), "syncing proxy rules failed; retrying in full");
                proxier.request_full_sync();
                rebuild = true;
                dirty = true;
                // Put the changes back so they are counted and timed with the retry.
                let mut p = pending.lock().unwrap_or_else(PoisonError::into_inner);
                p.trigger_times.extend(taken.trigger_times);
            }
        }
    }
    Ok(())
}

/// Makes `ports` in `to` what they are in `from` (present or absent).
fn copy_ports(to: &mut ProxyState, from: &ProxyState, ports: &BTreeSet<ServicePortName>) {
    for port in ports {
        match from.services.get(port) {
            Some(service) => {
                to.services.insert(port.clone(), service.clone());
            }
            None => {
                to.services.remove(port);
            }
        }
        match from.endpoints.get(port) {
            Some(endpoints) => {
                to.endpoints.insert(port.clone(), endpoints.clone());
            }
            None => {
                to.endpoints.remove(port);
            }
        }
    }
}

fn unix_seconds(time: SystemTime) -> f64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// `kubeproxy_sync_proxy_rules_no_local_endpoints_total`: services whose Local policy finds no
/// endpoint on this node, by policy.
fn record_no_local_endpoints(metrics: &Metrics, state: &ProxyState) {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::from([("internal", 0), ("external", 0)]);
    for (name, service) in &state.services {
        let endpoints = state.endpoints.get(name).map(Vec::as_slice).unwrap_or(&[]);
        let categorized = crate::model::categorize(endpoints, service);
        if categorized.local.is_empty() && categorized.has_any {
            if service.internal_policy_local {
                *counts.entry("internal").or_default() += 1;
            }
            if service.external_policy_local() {
                *counts.entry("external").or_default() += 1;
            }
        }
    }
    for (policy, count) in counts {
        metrics
            .no_local_endpoints
            .with_label_values(&[policy])
            .set(count);
    }
}
