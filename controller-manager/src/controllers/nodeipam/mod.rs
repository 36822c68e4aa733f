//! node-ipam-controller with upstream's range allocator (`pkg/controller/nodeipam/`): with
//! `--allocate-node-cidrs`, every node without `spec.podCIDRs` gets the next free subnet of
//! each `--cluster-cidr` (one per family for dual stack), of the `--node-cidr-mask-size*`
//! size, never overlapping `--service-cluster-ip-range`. The used set is rebuilt from the
//! nodes at start, and a deleted node's subnets are freed. When a range is exhausted the
//! node gets upstream's `CIDRNotAvailable` event and is retried with back-off. (Upstream's
//! range allocator sets no NetworkUnavailable condition — only its cloud allocator does — so
//! neither does this one.)

pub mod cidr_set;
mod config;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::Node;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use crate::controller::{self, Reconcile, Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::events::{EventRecorder, reference_of};
use crate::informers::{Change, Lister};
use crate::workqueue::WorkQueue;
use cidr_set::{Cidr, CidrSet};
pub use config::{IpamConfig, config_from_flags};

pub const NAME: &str = "node-ipam-controller";

pub struct NodeIpamController {
    client: kube::Client,
    nodes: Lister<Node>,
    recorder: EventRecorder,
    state: Mutex<Allocations>,
}

/// The CIDR sets and what this controller knows each node holds.
struct Allocations {
    sets: Vec<CidrSet>,
    by_node: HashMap<String, Vec<Cidr>>,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let options = &context.options;
    if !options.allocate_node_cidrs {
        tracing::info!(
            controller = NAME,
            "--allocate-node-cidrs is false; not allocating"
        );
        return Ok(Box::pin(async {}));
    }
    let config = config_from_flags(
        &options.cluster_cidr,
        &options.service_cluster_ip_range,
        options.node_cidr_mask_size,
        options.node_cidr_mask_size_ipv4,
        options.node_cidr_mask_size_ipv6,
    )
    .map_err(controller::Error::Invalid)?;
    let mut sets = Vec::new();
    for (cluster, mask) in config.cluster_cidrs.iter().zip(&config.node_mask_sizes) {
        let mut set =
            CidrSet::new(*cluster, *mask).map_err(|e| controller::Error::Invalid(e.to_string()))?;
        for service in &config.service_cidrs {
            if set.cluster().overlaps(service)
                && let Err(error) = set.occupy(service)
            {
                tracing::warn!(%service, %error, "could not filter out the service range");
            }
        }
        sets.push(set);
    }
    let queue = WorkQueue::new("node_ipam_controller", context.metrics.clone());
    let nodes = context.informers.informer::<Node>();
    {
        let queue = queue.clone();
        nodes.on_change(move |change| {
            let node = match change {
                Change::Added(node) | Change::Deleted(node) => node,
                Change::Updated { new, .. } => new,
            };
            queue.add(node.metadata.name.clone().unwrap_or_default());
        });
    }
    let controller = Arc::new(NodeIpamController {
        client: context.client.clone(),
        nodes: nodes.lister(),
        recorder: EventRecorder::new(context.client.clone(), "cidrAllocator"),
        state: Mutex::new(Allocations {
            sets,
            by_node: HashMap::new(),
        }),
    });
    let informers = context.informers.clone();
    let stop = context.stop.clone();
    Ok(Box::pin(async move {
        tokio::select! {
            () = informers.wait_for_sync() => {}
            () = stop.wait() => { queue.shut_down(); return; }
        }
        // The used set comes from the nodes before any new allocation.
        for node in controller.nodes.list_all() {
            if let Err(error) = controller.occupy(&node) {
                tracing::error!(node = ?node.metadata.name, %error, "a node's pod CIDR does not fit the cluster CIDRs");
            }
        }
        run_workers(NAME, queue, controller, 1, informers, stop).await;
    }))
}

fn pod_cidrs(node: &Node) -> Vec<String> {
    let spec = node.spec.as_ref();
    let list = spec.and_then(|s| s.pod_cidrs.clone()).unwrap_or_default();
    if list.is_empty() {
        spec.and_then(|s| s.pod_cidr.clone())
            .filter(|c| !c.is_empty())
            .into_iter()
            .collect()
    } else {
        list
    }
}

impl NodeIpamController {
    fn state(&self) -> std::sync::MutexGuard<'_, Allocations> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks a node's existing pod CIDRs used.
    fn occupy(&self, node: &Node) -> Result<()> {
        let name = node.metadata.name.clone().unwrap_or_default();
        let cidrs = pod_cidrs(node);
        if cidrs.is_empty() {
            return Ok(());
        }
        let mut state = self.state();
        let mut held = Vec::new();
        for (index, text) in cidrs.iter().enumerate() {
            let cidr: Cidr = text.parse().map_err(|_| {
                controller::Error::Invalid(format!("failed to parse node {name}, CIDR {text}"))
            })?;
            let Some(set) = state.sets.get_mut(index) else {
                return Err(controller::Error::Invalid(format!(
                    "node:{name} has an allocated cidr: {text} at index:{index} that does not exist in cluster cidrs configuration"
                )));
            };
            set.occupy(&cidr).map_err(|e| {
                controller::Error::Invalid(format!(
                    "failed to mark cidr[{cidr}] at idx [{index}] as occupied for node: {name}: {e}"
                ))
            })?;
            held.push(cidr);
        }
        state.by_node.insert(name, held);
        Ok(())
    }

    fn release(&self, name: &str) {
        let mut state = self.state();
        if let Some(held) = state.by_node.remove(name) {
            for (index, cidr) in held.iter().enumerate() {
                if let Some(set) = state.sets.get_mut(index) {
                    let _ = set.release(cidr);
                }
            }
        }
    }

    /// Reserves one subnet from every set, or none.
    fn allocate(&self) -> std::result::Result<Vec<Cidr>, (usize, cidr_set::CidrError)> {
        let mut state = self.state();
        let mut allocated = Vec::new();
        for index in 0..state.sets.len() {
            match state.sets[index].allocate_next() {
                Ok(cidr) => allocated.push(cidr),
                Err(error) => {
                    for (i, cidr) in allocated.iter().enumerate() {
                        let _ = state.sets[i].release(cidr);
                    }
                    return Err((index, error));
                }
            }
        }
        Ok(allocated)
    }
}

#[async_trait::async_trait]
impl Reconcile for NodeIpamController {
    async fn sync(&self, name: &str) -> Result<()> {
        let Some(node) = self.nodes.get("", name) else {
            self.release(name);
            return Ok(());
        };
        if !pod_cidrs(&node).is_empty() {
            if !self.state().by_node.contains_key(name) {
                self.occupy(&node)?;
            }
            return Ok(());
        }
        let allocated = match self.allocate() {
            Ok(allocated) => allocated,
            Err((index, error)) => {
                self.recorder.normal(
                    reference_of(&*node),
                    "CIDRNotAvailable",
                    "CIDRAssignment",
                    format!("Node {name} status is now: CIDRNotAvailable"),
                );
                return Err(controller::Error::Other(format!(
                    "failed to allocate cidr from cluster cidr at idx:{index}: {error}"
                )));
            }
        };
        let texts: Vec<String> = allocated.iter().map(ToString::to_string).collect();
        let patch = json!({"spec": {"podCIDR": texts[0], "podCIDRs": texts}});
        let api: Api<Node> = Api::all(self.client.clone());
        match api
            .patch(name, &PatchParams::default(), &Patch::Strategic(patch))
            .await
        {
            Ok(_) => {
                tracing::info!(node = name, cidrs = ?texts, "set node PodCIDR");
                self.state().by_node.insert(name.to_owned(), allocated);
                Ok(())
            }
            Err(error) => {
                {
                    let mut state = self.state();
                    for (i, cidr) in allocated.iter().enumerate() {
                        let _ = state.sets[i].release(cidr);
                    }
                }
                if controller::is_not_found(&error) {
                    return Ok(());
                }
                self.recorder.normal(
                    reference_of(&*node),
                    "CIDRAssignmentFailed",
                    "CIDRAssignment",
                    format!("Node {name} status is now: CIDRAssignmentFailed"),
                );
                Err(error.into())
            }
        }
    }
}
