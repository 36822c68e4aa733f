//! service-lb-controller: load balancers for a cluster without a cloud. Upstream's controller
//! of that name (`staging/src/k8s.io/cloud-provider/controllers/service`, alias `service`)
//! asks a cloud provider for a load balancer per Service of type LoadBalancer and writes the
//! address it gets into `status.loadBalancer`; here the nodes are the load balancer (what
//! k3s's ServiceLB and MetalLB's L2 mode give users): the ingress is the InternalIP of every
//! Ready, schedulable node, which kube-proxy answers on the Service's port
//! ([`ingress::desired_ingress`]).
//!
//! The key is the Service. A Service change queues it; a node added, deleted, or changed in
//! what the ingress depends on (readiness, schedulability, taints, exclusion label, addresses)
//! queues every Service this controller serves. A sync writes `status.loadBalancer` through
//! the status subresource, only when it differs, with the cached resourceVersion as
//! precondition (a stale cache conflicts and is retried). When a Service stops being of type
//! LoadBalancer its status is cleared; a Service that has a `loadBalancerClass` belongs to
//! another implementation and is left alone, unless this process wrote its status before
//! (it changed type to get the class), which is then cleared too.
//!
//! Events are upstream's: `EnsuringLoadBalancer`/`EnsuredLoadBalancer` around a write,
//! `UnAvailableLoadBalancer` when no node has an address, `DeletedLoadBalancer` when the
//! status is cleared, reported as `service-controller`. Unlike upstream there is no cloud
//! resource to clean up, so no `service.kubernetes.io/load-balancer-cleanup` finalizer.

pub mod ingress;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::{LoadBalancerIngress, Node, Service};
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use crate::controller::{self, Reconcile, Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::informers::{Change, Lister, key_of, split_key};
use crate::workqueue::WorkQueue;

pub use ingress::desired_ingress;

pub const NAME: &str = "service-lb-controller";
/// The component upstream's service controller reports events as.
pub const EVENT_COMPONENT: &str = "service-controller";

pub struct ServiceLbController {
    client: kube::Client,
    services: Lister<Service>,
    nodes: Lister<Node>,
    /// Services (key to uid) this controller has served since it started: a Service of them
    /// that later shows a `loadBalancerClass` still has this controller's status to clear.
    served: Mutex<HashMap<String, String>>,
    events: EventRecorder,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("service", context.metrics.clone());
    let services = context.informers.informer::<Service>();
    let nodes = context.informers.informer::<Node>();
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
        nodes.on_change(move |change| {
            let relevant = match change {
                Change::Added(_) | Change::Deleted(_) => true,
                Change::Updated { old, new } => ingress::node_view(old) != ingress::node_view(new),
            };
            if relevant {
                for svc in services.list_all() {
                    if ingress::wants_load_balancer(&svc) {
                        queue.add(key_of(&*svc));
                    }
                }
            }
        });
    }
    let controller = Arc::new(ServiceLbController::new(
        context.client.clone(),
        services.lister(),
        nodes.lister(),
        EventRecorder::new(context.client.clone(), EVENT_COMPONENT),
    ));
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        context.options.concurrent_service_syncs,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

/// The Service's current ingress list.
fn current_ingress(service: &Service) -> Vec<LoadBalancerIngress> {
    service
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.clone())
        .unwrap_or_default()
}

/// What a sync does to a Service's `status.loadBalancer`.
#[derive(Debug, PartialEq)]
pub enum Action {
    /// Nothing to write.
    None,
    /// Write this ingress list.
    Ensure(Vec<LoadBalancerIngress>),
    /// Clear the status.
    Clear,
}

/// What to do with `service` given the nodes, and whether this controller served it before
/// (`served`): serve it, clear what this controller wrote, or leave it.
pub fn plan(service: &Service, nodes: &[&Node], served: bool) -> Action {
    let current = current_ingress(service);
    if ingress::wants_load_balancer(service) {
        let desired = desired_ingress(service, nodes);
        return if desired == current {
            Action::None
        } else {
            Action::Ensure(desired)
        };
    }
    // Another implementation's Service (it has a class) keeps its status, unless it is ours.
    let ours = !ingress::is_load_balancer(service) || served;
    if ours && !current.is_empty() {
        Action::Clear
    } else {
        Action::None
    }
}

impl ServiceLbController {
    pub fn new(
        client: kube::Client,
        services: Lister<Service>,
        nodes: Lister<Node>,
        events: EventRecorder,
    ) -> Self {
        Self {
            client,
            services,
            nodes,
            served: Mutex::default(),
            events,
        }
    }

    fn lock_served(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.served.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes `ingress` (empty: cleared) through the status subresource, guarded by the
    /// cached resourceVersion. A Service gone meanwhile is not an error.
    async fn patch_status(&self, service: &Service, ingress: &[LoadBalancerIngress]) -> Result<()> {
        let namespace = service.metadata.namespace.as_deref().unwrap_or_default();
        let name = service.metadata.name.as_deref().unwrap_or_default();
        let api: Api<Service> = Api::namespaced(self.client.clone(), namespace);
        let ingress = if ingress.is_empty() {
            serde_json::Value::Null
        } else {
            json!(ingress)
        };
        let patch = json!({
            "metadata": {"resourceVersion": service.metadata.resource_version},
            "status": {"loadBalancer": {"ingress": ingress}},
        });
        match api
            .patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if controller::is_not_found(&error) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}

#[async_trait::async_trait]
impl Reconcile for ServiceLbController {
    async fn sync(&self, key: &str) -> Result<()> {
        let (namespace, name) = split_key(key);
        let Some(service) = self.services.get(namespace, name) else {
            self.lock_served().remove(key);
            return Ok(());
        };
        let uid = service.metadata.uid.clone().unwrap_or_default();
        let served = self.lock_served().get(key) == Some(&uid);
        let nodes = self.nodes.list_all();
        let node_refs: Vec<&Node> = nodes.iter().map(|n| &**n).collect();
        let action = plan(&service, &node_refs, served);
        if ingress::wants_load_balancer(&service) {
            let first = !served;
            self.lock_served().insert(key.to_owned(), uid);
            let desired_empty = match &action {
                Action::Ensure(desired) => desired.is_empty(),
                _ => current_ingress(&service).is_empty(),
            };
            if desired_empty && (first || action != Action::None) {
                self.events.warning(
                    reference_of(&*service),
                    "UnAvailableLoadBalancer",
                    "EnsureLoadBalancer",
                    "There are no available nodes for LoadBalancer".to_owned(),
                );
            }
        }
        match action {
            Action::None => Ok(()),
            Action::Ensure(desired) => {
                tracing::info!(service = key, ingress = ?desired.iter().map(|i| i.ip.as_deref().unwrap_or_default()).collect::<Vec<_>>(), "ensuring load balancer");
                self.events.normal(
                    reference_of(&*service),
                    "EnsuringLoadBalancer",
                    "EnsureLoadBalancer",
                    "Ensuring load balancer".to_owned(),
                );
                self.patch_status(&service, &desired).await?;
                self.events.normal(
                    reference_of(&*service),
                    "EnsuredLoadBalancer",
                    "EnsureLoadBalancer",
                    "Ensured load balancer".to_owned(),
                );
                Ok(())
            }
            Action::Clear => {
                tracing::info!(service = key, "clearing the load balancer status");
                self.patch_status(&service, &[]).await?;
                self.lock_served().remove(key);
                self.events.normal(
                    reference_of(&*service),
                    "DeletedLoadBalancer",
                    "DeleteLoadBalancer",
                    "Deleted load balancer".to_owned(),
                );
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn service(spec: Value, ingress: &[&str]) -> Service {
        let ingress: Vec<Value> = ingress
            .iter()
            .map(|ip| json!({"ip": ip, "ipMode": "VIP"}))
            .collect();
        serde_json::from_value(json!({
            "metadata": {"name": "s", "namespace": "ns", "uid": "u1"},
            "spec": spec,
            "status": {"loadBalancer": {"ingress": ingress}},
        }))
        .unwrap()
    }

    fn ready_node(ip: &str) -> Node {
        serde_json::from_value(json!({
            "metadata": {"name": ip},
            "status": {"addresses": [{"type": "InternalIP", "address": ip}],
                       "conditions": [{"type": "Ready", "status": "True"}]},
        }))
        .unwrap()
    }

    fn ensure(ips: &[&str]) -> Action {
        Action::Ensure(
            ips.iter()
                .map(|ip| LoadBalancerIngress {
                    ip: Some((*ip).to_owned()),
                    ip_mode: Some("VIP".to_owned()),
                    ..LoadBalancerIngress::default()
                })
                .collect(),
        )
    }

    #[test]
    fn writes_only_when_the_ingress_differs() {
        let a = ready_node("10.0.0.1");
        let b = ready_node("10.0.0.2");
        let lb = json!({"type": "LoadBalancer"});
        assert_eq!(
            plan(&service(lb.clone(), &[]), &[&a, &b], false),
            ensure(&["10.0.0.1", "10.0.0.2"])
        );
        assert_eq!(
            plan(
                &service(lb.clone(), &["10.0.0.1", "10.0.0.2"]),
                &[&b, &a],
                true
            ),
            Action::None
        );
        assert_eq!(
            plan(&service(lb.clone(), &["10.0.0.1", "10.0.0.2"]), &[&b], true),
            ensure(&["10.0.0.2"])
        );
        // The last node gone: the ingress is emptied.
        assert_eq!(
            plan(&service(lb, &["10.0.0.1"]), &[], true),
            Action::Ensure(Vec::new())
        );
    }

    #[test]
    fn clears_services_that_stopped_being_load_balancers_but_not_other_classes() {
        let a = ready_node("10.0.0.1");
        let cluster_ip = service(json!({"type": "ClusterIP"}), &["10.0.0.1"]);
        assert_eq!(plan(&cluster_ip, &[&a], false), Action::Clear);
        assert_eq!(
            plan(&service(json!({"type": "ClusterIP"}), &[]), &[&a], true),
            Action::None
        );
        let classed = service(
            json!({"type": "LoadBalancer", "loadBalancerClass": "example.com/lb"}),
            &["192.0.2.1"],
        );
        assert_eq!(plan(&classed, &[&a], false), Action::None);
        assert_eq!(plan(&classed, &[&a], true), Action::Clear);
    }
}
