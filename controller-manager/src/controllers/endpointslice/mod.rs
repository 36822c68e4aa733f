//! endpointslice-controller: the EndpointSlices of every Service with a selector (upstream's
//! `pkg/controller/endpointslice` and the `k8s.io/endpointslice` reconciler). The key is the
//! service; a service change, a pod change that alters an endpoint, or a change to one of its
//! slices that this controller did not make queues it.
//!
//! Slices of a deleted service are left to the garbage collector (they are owned by it), as
//! upstream does. Topology hints and traffic distribution are not computed.
//!
//! [`tracker`] is shared with the endpointslice-mirroring controller.

pub mod reconciler;
pub mod tracker;

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::{Api, DeleteParams, PostParams};

use crate::controller::{self, Error, Reconcile, Result, run_workers};
use crate::controllers::endpoint::pod_endpoints::{self, ANNOTATION_TRIGGER_TIME};
use crate::controllers::endpoint::trigger_time::{self, TriggerTimeTracker};
use crate::controllers::endpoint::{is_namespace_terminating, services_for_pod};
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::informers::{Change, Lister, key_of, split_key};
use crate::workqueue::WorkQueue;

use tracker::{LABEL_MANAGED_BY, LABEL_SERVICE_NAME, SliceTracker, managed_by, service_key};

pub const NAME: &str = "endpointslice-controller";
/// The `managed-by` value of this controller's slices.
pub const MANAGER: &str = "endpointslice-controller.k8s.io";
/// The least delay before a slice change queues its service, batching changes.
const SLICE_CHANGE_MIN_DELAY: Duration = Duration::from_secs(1);

pub struct EndpointSliceController {
    client: kube::Client,
    services: Lister<Service>,
    pods: Lister<Pod>,
    nodes: Lister<Node>,
    slices: Lister<EndpointSlice>,
    tracker: Arc<SliceTracker>,
    trigger_times: TriggerTimeTracker,
    max_endpoints: usize,
    events: EventRecorder,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("endpoint_slice", context.metrics.clone());
    let services = context.informers.informer::<Service>();
    let pods = context.informers.informer::<Pod>();
    let nodes = context.informers.informer::<Node>();
    let slices = context.informers.informer::<EndpointSlice>();
    let tracker = Arc::new(SliceTracker::default());
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
        let tracker = tracker.clone();
        slices.on_change(move |change| {
            let later = |slice: &EndpointSlice| {
                if let Some(key) = service_key(slice) {
                    queue.add_after(key, SLICE_CHANGE_MIN_DELAY);
                }
            };
            match change {
                Change::Added(slice) => {
                    if managed_by(slice, MANAGER) && tracker.should_sync(slice) {
                        later(slice);
                    }
                }
                Change::Updated { old, new } => {
                    let label = |s: &EndpointSlice| {
                        s.metadata
                            .labels
                            .as_ref()
                            .and_then(|l| l.get(LABEL_SERVICE_NAME))
                            .cloned()
                    };
                    if label(old) != label(new) {
                        later(new);
                        later(old);
                    } else if managed_by(old, MANAGER) != managed_by(new, MANAGER)
                        || (managed_by(new, MANAGER) && tracker.should_sync(new))
                    {
                        later(new);
                    }
                }
                Change::Deleted(slice) => {
                    if managed_by(slice, MANAGER)
                        && tracker.has(slice)
                        && !tracker.handle_deletion(slice)
                    {
                        later(slice);
                    }
                }
            }
        });
    }
    let controller = Arc::new(EndpointSliceController {
        client: context.client.clone(),
        services: services.lister(),
        pods: pods.lister(),
        nodes: nodes.lister(),
        slices: slices.lister(),
        tracker,
        trigger_times: TriggerTimeTracker::default(),
        max_endpoints: context.options.max_endpoints_per_slice,
        events: EventRecorder::new(context.client.clone(), "endpoint-slice-controller"),
    });
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        context.options.concurrent_service_endpoint_syncs,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

#[async_trait::async_trait]
impl Reconcile for EndpointSliceController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(service) = self.services.get(namespace, name) else {
            self.trigger_times.delete(key);
            self.tracker.delete_service(key);
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
        let slices: Vec<Arc<EndpointSlice>> = self
            .slices
            .list(namespace)
            .into_iter()
            .filter(|s| {
                let labels = s.metadata.labels.as_ref();
                labels
                    .and_then(|l| l.get(LABEL_SERVICE_NAME))
                    .map(String::as_str)
                    == Some(name)
                    && labels
                        .and_then(|l| l.get(LABEL_MANAGED_BY))
                        .map(String::as_str)
                        == Some(MANAGER)
                    && s.metadata.deletion_timestamp.is_none()
            })
            .collect();
        let slice_refs: Vec<&EndpointSlice> = slices.iter().map(|s| &**s).collect();
        if self.tracker.stale_slices(key, &slice_refs) {
            return Err(Error::Other(
                "EndpointSlice informer cache is out of date".to_owned(),
            ));
        }
        let pod_refs: Vec<&Pod> = pods.iter().map(|p| &**p).collect();
        let trigger_time = self.trigger_times.compute(key, &service, &pod_refs);
        let node = |name: &str| self.nodes.get("", name).map(|n| (*n).clone());
        let plan = reconciler::reconcile(
            &service,
            &reconciler::Inputs {
                pods: &pod_refs,
                existing: &slice_refs,
                node: &node,
                max_endpoints: self.max_endpoints,
                manager: MANAGER,
            },
        );
        if let Err(error) = self
            .apply(
                &service,
                plan.create,
                plan.update,
                plan.delete,
                trigger_time,
            )
            .await
        {
            self.events.warning(
                reference_of(&*service),
                "FailedToUpdateEndpointSlices",
                "Update",
                format!("Error updating Endpoint Slices for Service {namespace}/{name}: {error}"),
            );
            return Err(error);
        }
        if !plan.missing_nodes.is_empty() {
            return Err(Error::Other(format!(
                "skipping Pods {:?} for Service {namespace}/{name}: Node Not Found",
                plan.missing_nodes
            )));
        }
        Ok(())
    }
}

impl EndpointSliceController {
    async fn apply(
        &self,
        service: &Service,
        create: Vec<EndpointSlice>,
        update: Vec<EndpointSlice>,
        delete: Vec<EndpointSlice>,
        trigger_time: Option<jiff::Timestamp>,
    ) -> Result<()> {
        let namespace = service.metadata.namespace.as_deref().unwrap_or_default();
        let name = service.metadata.name.as_deref().unwrap_or_default();
        let api: Api<EndpointSlice> = Api::namespaced(self.client.clone(), namespace);
        // No new slices for a service going away: the garbage collector would race them.
        if service.metadata.deletion_timestamp.is_none() {
            for mut slice in create {
                set_trigger_time(&mut slice, trigger_time);
                match api.create(&PostParams::default(), &slice).await {
                    Ok(created) => self.tracker.update(&created),
                    Err(error) if is_namespace_terminating(&error) => return Ok(()),
                    Err(error) => {
                        return Err(Error::Other(format!(
                            "failed to create EndpointSlice for Service {namespace}/{name}: {error}"
                        )));
                    }
                }
            }
        }
        for mut slice in update {
            set_trigger_time(&mut slice, trigger_time);
            let slice_name = slice.metadata.name.clone().unwrap_or_default();
            match api
                .replace(&slice_name, &PostParams::default(), &slice)
                .await
            {
                Ok(updated) => self.tracker.update(&updated),
                Err(error) => {
                    return Err(Error::Other(format!(
                        "failed to update {slice_name} EndpointSlice for Service {namespace}/{name}: {error}"
                    )));
                }
            }
        }
        for slice in delete {
            let slice_name = slice.metadata.name.clone().unwrap_or_default();
            match api.delete(&slice_name, &DeleteParams::default()).await {
                Ok(_) => self.tracker.expect_deletion(&slice),
                Err(error) if controller::is_not_found(&error) => {}
                Err(error) => {
                    return Err(Error::Other(format!(
                        "failed to delete {slice_name} EndpointSlice for Service {namespace}/{name}: {error}"
                    )));
                }
            }
        }
        Ok(())
    }
}

fn set_trigger_time(slice: &mut EndpointSlice, time: Option<jiff::Timestamp>) {
    let annotations = slice.metadata.annotations.get_or_insert_default();
    match time {
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
    if annotations.is_empty() {
        slice.metadata.annotations = None;
    }
}
