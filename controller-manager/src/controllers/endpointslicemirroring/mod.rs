//! endpointslice-mirroring-controller: the Endpoints of Services without a selector (written
//! by users or other tools) mirrored into EndpointSlices (upstream's
//! `pkg/controller/endpointslicemirroring`). The key is the Endpoints' (and service's) name.
//!
//! Each subset becomes one slice per address family (at most `--mirroring-max-endpoints-per-subset`
//! addresses), labelled and annotated like the Endpoints. Endpoints labelled
//! `endpointslice.kubernetes.io/skip-mirror: "true"`, leader-election records, and Endpoints
//! whose service is gone or has a selector get no mirrored slices (existing ones are deleted).

mod desired;

use std::sync::Arc;

use k8s_openapi::api::core::v1::{Endpoints, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::{Api, DeleteParams, PostParams};

use crate::controller::{self, Error, Reconcile, Result, run_workers};
use crate::controllers::endpoint::is_namespace_terminating;
use crate::controllers::endpoint::pod_endpoints::{ANNOTATION_LEADER, service_selector};
use crate::controllers::endpointslice::tracker::{
    LABEL_MANAGED_BY, LABEL_SERVICE_NAME, SliceTracker, managed_by, service_key,
};
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::informers::{Change, Lister, key_of, split_key};
use crate::workqueue::WorkQueue;

pub const NAME: &str = "endpointslice-mirroring-controller";
/// The `managed-by` value of mirrored slices.
pub const MANAGER: &str = "endpointslicemirroring-controller.k8s.io";
/// The label that keeps an Endpoints from being mirrored.
pub const LABEL_SKIP_MIRROR: &str = "endpointslice.kubernetes.io/skip-mirror";

pub struct MirroringController {
    client: kube::Client,
    endpoints: Lister<Endpoints>,
    services: Lister<Service>,
    slices: Lister<EndpointSlice>,
    tracker: Arc<SliceTracker>,
    max_per_subset: usize,
    events: EventRecorder,
}

/// Whether an Endpoints is mirrored at all (its service aside).
pub fn should_mirror(endpoints: &Endpoints) -> bool {
    let skip = endpoints
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(LABEL_SKIP_MIRROR))
        .is_some_and(|v| v == "true");
    let leader = endpoints
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(ANNOTATION_LEADER));
    !skip && !leader
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("endpoint_slice_mirroring", context.metrics.clone());
    let endpoints = context.informers.informer::<Endpoints>();
    let services = context.informers.informer::<Service>();
    let slices = context.informers.informer::<EndpointSlice>();
    let tracker = Arc::new(SliceTracker::default());
    {
        let queue = queue.clone();
        endpoints.on_change(move |change| match change {
            Change::Added(ep) | Change::Deleted(ep) => {
                if should_mirror(ep) {
                    queue.add(key_of(&***ep));
                }
            }
            Change::Updated { old, new } => {
                if should_mirror(old) || should_mirror(new) {
                    queue.add(key_of(&***new));
                }
            }
        });
    }
    {
        let queue = queue.clone();
        services.on_change(move |change| match change {
            Change::Added(svc) | Change::Deleted(svc) => {
                if service_selector(svc).is_none() {
                    queue.add(key_of(&***svc));
                }
            }
            Change::Updated { old, new } => {
                if service_selector(old).is_none() != service_selector(new).is_none() {
                    queue.add(key_of(&***new));
                }
            }
        });
    }
    {
        let queue = queue.clone();
        let tracker = tracker.clone();
        slices.on_change(move |change| {
            let queue_for = |slice: &EndpointSlice| {
                if let Some(key) = service_key(slice) {
                    queue.add(key);
                }
            };
            match change {
                Change::Added(slice) => {
                    if managed_by(slice, MANAGER) && tracker.should_sync(slice) {
                        queue_for(slice);
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
                        queue_for(new);
                        queue_for(old);
                    } else if managed_by(old, MANAGER) != managed_by(new, MANAGER)
                        || (managed_by(new, MANAGER) && tracker.should_sync(new))
                    {
                        queue_for(new);
                    }
                }
                Change::Deleted(slice) => {
                    if managed_by(slice, MANAGER)
                        && tracker.has(slice)
                        && !tracker.handle_deletion(slice)
                    {
                        queue_for(slice);
                    }
                }
            }
        });
    }
    let controller = Arc::new(MirroringController {
        client: context.client.clone(),
        endpoints: endpoints.lister(),
        services: services.lister(),
        slices: slices.lister(),
        tracker,
        max_per_subset: context.options.mirroring_max_endpoints_per_subset,
        events: EventRecorder::new(
            context.client.clone(),
            "endpoint-slice-mirroring-controller",
        ),
    });
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        context.options.mirroring_concurrent_service_endpoint_syncs,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

#[async_trait::async_trait]
impl Reconcile for MirroringController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let endpoints = self.endpoints.get(namespace, name);
        let service = self.services.get(namespace, name);
        let mirrored = self.mirrored_slices(namespace, name);
        let (Some(endpoints), Some(service)) = (endpoints, service) else {
            return self.delete_all(key, namespace, mirrored).await;
        };
        if !should_mirror(&endpoints) || service_selector(&service).is_some() {
            return self.delete_all(key, namespace, mirrored).await;
        }
        let refs: Vec<&EndpointSlice> = mirrored.iter().map(|s| &**s).collect();
        if self.tracker.stale_slices(key, &refs) {
            return Err(Error::Other(
                "EndpointSlice informer cache is out of date".to_owned(),
            ));
        }
        let wanted = desired::desired(&endpoints, self.max_per_subset);
        if wanted.invalid > 0 {
            self.events.warning(
                reference_of(&*endpoints),
                "InvalidIPAddress",
                "Mirroring",
                format!(
                    "Skipped {} invalid IP addresses when mirroring to EndpointSlices",
                    wanted.invalid
                ),
            );
        }
        if wanted.skipped > wanted.invalid {
            self.events.warning(
                reference_of(&*endpoints),
                "TooManyAddressesToMirror",
                "Mirroring",
                format!(
                    "A max of {} addresses can be mirrored to EndpointSlices per Endpoints subset. {} addresses were skipped",
                    self.max_per_subset, wanted.skipped
                ),
            );
        }
        let plan = desired::plan(&endpoints, &wanted, &refs);
        self.apply(&endpoints, plan).await
    }
}

impl MirroringController {
    fn mirrored_slices(&self, namespace: &str, name: &str) -> Vec<Arc<EndpointSlice>> {
        self.slices
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
            })
            .collect()
    }

    async fn delete_all(
        &self,
        key: &str,
        namespace: &str,
        slices: Vec<Arc<EndpointSlice>>,
    ) -> Result<()> {
        self.tracker.delete_service(key);
        let api: Api<EndpointSlice> = Api::namespaced(self.client.clone(), namespace);
        for slice in slices {
            let name = slice.metadata.name.clone().unwrap_or_default();
            match api.delete(&name, &DeleteParams::default()).await {
                Ok(_) => {}
                Err(error) if controller::is_not_found(&error) => {}
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    }

    async fn apply(&self, endpoints: &Endpoints, plan: desired::Plan) -> Result<()> {
        let namespace = endpoints.metadata.namespace.as_deref().unwrap_or_default();
        let name = endpoints.metadata.name.as_deref().unwrap_or_default();
        let api: Api<EndpointSlice> = Api::namespaced(self.client.clone(), namespace);
        if endpoints.metadata.deletion_timestamp.is_none() {
            for slice in plan.create {
                match api.create(&PostParams::default(), &slice).await {
                    Ok(created) => self.tracker.update(&created),
                    Err(error) if is_namespace_terminating(&error) => return Ok(()),
                    Err(error) => {
                        return Err(Error::Other(format!(
                            "failed to create EndpointSlice for Endpoints {namespace}/{name}: {error}"
                        )));
                    }
                }
            }
        }
        for slice in plan.update {
            let slice_name = slice.metadata.name.clone().unwrap_or_default();
            match api
                .replace(&slice_name, &PostParams::default(), &slice)
                .await
            {
                Ok(updated) => self.tracker.update(&updated),
                Err(error) => {
                    return Err(Error::Other(format!(
                        "failed to update {slice_name} EndpointSlice for Endpoints {namespace}/{name}: {error}"
                    )));
                }
            }
        }
        for slice in plan.delete {
            let slice_name = slice.metadata.name.clone().unwrap_or_default();
            match api.delete(&slice_name, &DeleteParams::default()).await {
                Ok(_) => self.tracker.expect_deletion(&slice),
                Err(error) if controller::is_not_found(&error) => {}
                Err(error) => {
                    return Err(Error::Other(format!(
                        "failed to delete {slice_name} EndpointSlice for Endpoints {namespace}/{name}: {error}"
                    )));
                }
            }
        }
        Ok(())
    }
}
