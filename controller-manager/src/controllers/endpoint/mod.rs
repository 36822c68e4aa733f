//! endpoints-controller: an Endpoints object per Service with a selector, listing the selected
//! pods (upstream's `pkg/controller/endpoint/endpoints_controller.go`). The key is the service;
//! a service change, a pod change that alters an address it shows, or a deleted Endpoints
//! queues it. Endpoints whose service is gone are deleted; services without a selector are
//! left to whoever writes their Endpoints.
//!
//! [`pod_endpoints`] and [`trigger_time`] are shared with the endpointslice controllers.

pub mod pod_endpoints;
pub mod subsets;
pub mod trigger_time;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Pod, Service, ServicePort,
};
use kube::api::{Api, DeleteParams, ObjectMeta, PostParams};

use crate::controller::{self, Error, Reconcile, Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::informers::{Change, Lister, key_of, split_key};
use crate::workqueue::WorkQueue;

use pod_endpoints::{
    ANNOTATION_LEADER, ANNOTATION_TRIGGER_TIME, CLUSTER_IP_NONE, LABEL_HEADLESS, is_ipv6,
    is_pod_ready, is_service_ip_set,
};
use subsets::{ANNOTATION_OVER_CAPACITY, TRUNCATED};
use trigger_time::TriggerTimeTracker;

pub const NAME: &str = "endpoints-controller";

pub struct EndpointsController {
    client: kube::Client,
    services: Lister<Service>,
    pods: Lister<Pod>,
    endpoints: Lister<Endpoints>,
    /// Resource versions of Endpoints this controller replaced: a cache still showing one is
    /// behind (upstream's `staleEndpointsTracker`).
    stale: Mutex<HashMap<String, String>>,
    trigger_times: TriggerTimeTracker,
    events: EventRecorder,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("endpoint", context.metrics.clone());
    let services = context.informers.informer::<Service>();
    let pods = context.informers.informer::<Pod>();
    let endpoints = context.informers.informer::<Endpoints>();
    {
        let queue = queue.clone();
        services.on_change(move |change| match change {
            Change::Added(svc) | Change::Updated { new: svc, .. } | Change::Deleted(svc) => {
                queue.add(key_of(&***svc));
            }
        });
    }
    {
        let queue = queue.clone();
        let services = services.lister();
        pods.on_change(move |change| {
            for key in services_for_pod(&services, change) {
                queue.add(key);
            }
        });
    }
    {
        let queue = queue.clone();
        endpoints.on_change(move |change| {
            if let Change::Deleted(ep) = change {
                queue.add(key_of(&***ep));
            }
        });
    }
    let controller = Arc::new(EndpointsController {
        client: context.client.clone(),
        services: services.lister(),
        pods: pods.lister(),
        endpoints: endpoints.lister(),
        stale: Mutex::default(),
        trigger_times: TriggerTimeTracker::default(),
        events: EventRecorder::new(context.client.clone(), "endpoint-controller"),
    });
    let informers = context.informers.clone();
    let leftovers = {
        let queue = queue.clone();
        let endpoints = endpoints.lister();
        let informers = informers.clone();
        async move {
            informers.wait_for_sync().await;
            // Endpoints left by services deleted while no controller ran.
            for ep in endpoints.list_all() {
                let leader = ep
                    .metadata
                    .annotations
                    .as_ref()
                    .is_some_and(|a| a.contains_key(ANNOTATION_LEADER));
                if !leader {
                    queue.add(key_of(&*ep));
                }
            }
        }
    };
    let workers = run_workers(
        NAME,
        queue,
        controller,
        context.options.concurrent_endpoint_syncs,
        informers,
        context.stop.clone(),
    );
    Ok(Box::pin(async move {
        let leftovers = tokio::spawn(leftovers);
        workers.await;
        leftovers.abort();
    }))
}

/// The keys of the services a pod change touches (shared with the endpointslice controller).
pub fn services_for_pod(services: &Lister<Service>, change: &Change<'_, Pod>) -> Vec<String> {
    let keys = match change {
        Change::Added(pod) | Change::Deleted(pod) => pod_endpoints::services_selecting(
            services,
            pod.metadata.namespace.as_deref().unwrap_or_default(),
            pod.metadata.labels.as_ref(),
        ),
        Change::Updated { old, new } => pod_endpoints::services_for_pod_change(services, old, new),
    };
    keys.into_iter().collect()
}

#[async_trait::async_trait]
impl Reconcile for EndpointsController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let api: Api<Endpoints> = Api::namespaced(self.client.clone(), namespace);
        let Some(service) = self.services.get(namespace, name) else {
            // The service is gone, and so go its endpoints.
            match api.delete(name, &DeleteParams::default()).await {
                Ok(_) => {}
                Err(error) if controller::is_not_found(&error) => {}
                Err(error) => return Err(error.into()),
            }
            self.trigger_times.delete(key);
            self.lock_stale().remove(key);
            return Ok(());
        };
        if pod_endpoints::is_external_name(&service) {
            return Ok(());
        }
        let Some(selector) = pod_endpoints::service_selector(&service) else {
            return Ok(());
        };
        let pods: Vec<Arc<Pod>> = self
            .pods
            .list(namespace)
            .into_iter()
            .filter(|p| pod_endpoints::selector_matches(selector, p.metadata.labels.as_ref()))
            .collect();
        let pod_refs: Vec<&Pod> = pods.iter().map(|p| &**p).collect();
        let trigger_time = self.trigger_times.compute(key, &service, &pod_refs);
        let subsets = desired_subsets(&service, &pod_refs);

        let current = self.endpoints.get(namespace, name);
        if let Some(current) = &current
            && self.lock_stale().get(key) == current.metadata.resource_version.as_ref()
        {
            return Err(Error::Other(format!(
                "endpoints informer cache is out of date, resource version {} already processed for endpoints {key}",
                current
                    .metadata
                    .resource_version
                    .as_deref()
                    .unwrap_or_default()
            )));
        }
        let service_labels = service.metadata.labels.clone().unwrap_or_default();
        if let Some(current) = &current
            && is_unchanged(current, &subsets, &service_labels)
        {
            tracing::trace!(service = key, "endpoints are equal, skipping update");
            return Ok(());
        }
        let new = next_endpoints(current.as_deref(), &service, subsets, trigger_time);
        let result = match &current {
            None => api.create(&PostParams::default(), &new).await,
            Some(_) => api.replace(name, &PostParams::default(), &new).await,
        };
        match result {
            Ok(written) => {
                if let Some(current) = &current
                    && written.metadata.resource_version != current.metadata.resource_version
                    && let Some(version) = current.metadata.resource_version.clone()
                {
                    self.lock_stale().insert(key.to_owned(), version);
                }
                Ok(())
            }
            Err(error) => {
                if current.is_none() && is_namespace_terminating(&error) {
                    return Ok(());
                }
                let (reason, note) = if current.is_none() {
                    (
                        "FailedToCreateEndpoint",
                        format!(
                            "Failed to create endpoint for service {namespace}/{name}: {error}"
                        ),
                    )
                } else {
                    (
                        "FailedToUpdateEndpoint",
                        format!("Failed to update endpoint {namespace}/{name}: {error}"),
                    )
                };
                self.events
                    .warning(reference_of(&new), reason, "Update", note);
                Err(error.into())
            }
        }
    }
}

impl EndpointsController {
    fn lock_stale(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.stale.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether a create failed because the namespace is terminating.
pub fn is_namespace_terminating(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status)
        if status.details.as_ref().is_some_and(|d| d.causes.iter().any(|c| c.reason == "NamespaceTerminating")))
}

/// The address of `pod` for the service's primary IP family (the first of `ipFamilies`; else
/// the cluster IP's; else, for headless services, the pod IP's).
fn pod_address(service: &Service, pod: &Pod) -> Option<EndpointAddress> {
    let spec = service.spec.as_ref();
    let ips = pod_endpoints::pod_ips(pod);
    let want_v6 = match spec
        .and_then(|s| s.ip_families.as_ref())
        .and_then(|f| f.first())
    {
        Some(family) => family == "IPv6",
        None if is_service_ip_set(service) => spec
            .and_then(|s| s.cluster_ip.as_deref())
            .and_then(is_ipv6)
            .unwrap_or(false),
        None => ips.first().and_then(|ip| is_ipv6(ip)).unwrap_or(false),
    };
    let ip = ips.into_iter().find(|ip| is_ipv6(ip) == Some(want_v6))?;
    Some(EndpointAddress {
        ip,
        node_name: pod_endpoints::pod_node_name(pod),
        target_ref: Some(pod_endpoints::pod_reference(pod)),
        hostname: pod_endpoints::endpoint_hostname(pod, service),
    })
}

fn endpoint_port(port: &ServicePort, number: i32) -> EndpointPort {
    EndpointPort {
        name: port.name.clone().filter(|n| !n.is_empty()),
        port: number,
        protocol: port.protocol.clone(),
        app_protocol: port.app_protocol.clone(),
    }
}

/// The repacked subsets the service's pods make.
pub fn desired_subsets(service: &Service, pods: &[&Pod]) -> Vec<EndpointSubset> {
    let publish_not_ready = pod_endpoints::publishes_not_ready(service);
    let ports = pod_endpoints::service_ports(service);
    let headless =
        service.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some(CLUSTER_IP_NONE);
    let mut subsets = Vec::new();
    for pod in pods {
        if !pod_endpoints::should_pod_be_in_endpoints(pod, publish_not_ready) {
            continue;
        }
        let Some(address) = pod_address(service, pod) else {
            tracing::debug!(pod = ?pod.metadata.name, "no pod IP of the service's family");
            continue;
        };
        let ready = publish_not_ready || is_pod_ready(pod);
        let subset = |ports: Option<Vec<EndpointPort>>| {
            let list = Some(vec![address.clone()]);
            EndpointSubset {
                addresses: if ready { list.clone() } else { None },
                not_ready_addresses: if ready { None } else { list },
                ports,
            }
        };
        if ports.is_empty() {
            // Headless services may have no ports.
            if headless {
                subsets.push(subset(None));
            }
            continue;
        }
        for port in ports {
            match pod_endpoints::find_port(pod, port) {
                Ok(number) => subsets.push(subset(Some(vec![endpoint_port(port, number)]))),
                Err(error) => {
                    tracing::debug!(pod = ?pod.metadata.name, error = %error.0, "port not found")
                }
            }
        }
    }
    subsets::repack_subsets(&subsets)
}

/// Whether `current` already shows `subsets` and the service's labels (the headless label
/// aside), with the capacity annotation right.
fn is_unchanged(
    current: &Endpoints,
    subsets: &[EndpointSubset],
    service_labels: &BTreeMap<String, String>,
) -> bool {
    let mut labels = current.metadata.labels.clone().unwrap_or_default();
    labels.remove(LABEL_HEADLESS);
    let mut existing = current.subsets.clone().unwrap_or_default();
    // Resource versions of targets do not count.
    for subset in &mut existing {
        for address in subset
            .addresses
            .iter_mut()
            .chain(subset.not_ready_addresses.iter_mut())
            .flatten()
        {
            if let Some(target) = address.target_ref.as_mut() {
                target.resource_version = None;
            }
        }
    }
    existing == subsets
        && &labels == service_labels
        && subsets::capacity_annotation_set_correctly(current)
}

/// The Endpoints to write: `current` (or a new object) with the subsets, the service's labels
/// (plus the headless label), and the trigger-time and over-capacity annotations.
pub fn next_endpoints(
    current: Option<&Endpoints>,
    service: &Service,
    subsets: Vec<EndpointSubset>,
    trigger_time: Option<jiff::Timestamp>,
) -> Endpoints {
    let mut new = current.cloned().unwrap_or_else(|| Endpoints {
        metadata: ObjectMeta {
            name: service.metadata.name.clone(),
            namespace: service.metadata.namespace.clone(),
            ..ObjectMeta::default()
        },
        subsets: None,
    });
    let mut subsets = subsets;
    let truncated = subsets::truncate_subsets(&mut subsets);
    new.subsets = (!subsets.is_empty()).then_some(subsets);
    let mut annotations = new.metadata.annotations.take().unwrap_or_default();
    match trigger_time {
        Some(time) => {
            annotations.insert(
                ANNOTATION_TRIGGER_TIME.to_owned(),
                trigger_time::format(time),
            );
        }
        None => {
            annotations.remove(ANNOTATION_TRIGGER_TIME);
        }
    }
    if truncated {
        annotations.insert(ANNOTATION_OVER_CAPACITY.to_owned(), TRUNCATED.to_owned());
    } else {
        annotations.remove(ANNOTATION_OVER_CAPACITY);
    }
    new.metadata.annotations = (!annotations.is_empty()).then_some(annotations);
    let mut labels = service.metadata.labels.clone().unwrap_or_default();
    if is_service_ip_set(service) {
        labels.remove(LABEL_HEADLESS);
    } else {
        labels.insert(LABEL_HEADLESS.to_owned(), String::new());
    }
    new.metadata.labels = (!labels.is_empty()).then_some(labels);
    new
}

#[cfg(test)]
mod tests;
