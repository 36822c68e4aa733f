//! VolumeBinding (PreFilter, Filter, Reserve, PreBind), as upstream's `volumebinding`: a pod
//! goes only where its PersistentVolumeClaims can be served.
//!
//! - PreFilter: every claim must exist, not be lost or being deleted; claims that bind at once
//!   (no `WaitForFirstConsumer` class) must already be bound by the PV controller.
//! - Filter, per node: bound claims' volumes must allow the node (`spec.nodeAffinity`);
//!   `WaitForFirstConsumer` claims need an Available volume of their class that fits the node
//!   (smallest first, one volume per claim), or a provisioner whose class allows the node.
//! - Reserve: the chosen volumes are reserved in the volume cache, so the next pods do not
//!   take them; Unreserve releases them.
//! - PreBind: writes each chosen volume's `claimRef` (or the claim's `selected-node`
//!   annotation for provisioning) and waits until the PV controller reports the claims bound,
//!   up to `bindTimeoutSeconds`.
//!
//! No CSI: no storage capacity, no CSINode migration, no Score (upstream scores only behind
//! an alpha gate).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::{ObjectReference, PersistentVolume, PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{Api, PostParams};
use serde::Deserialize;

use super::volume_matching::{
    Candidate, NOT_SUPPORTED_PROVISIONER, claim_class, class_allows_node, find_matching_volume,
    is_delay_binding, requested_storage, volume_class, volume_fits_node,
};
use super::{Error, parse_args};
use crate::cache::volumes::{self, ClaimRef, VolumeCache, Volumes};
use crate::framework::{
    BindContext, ClusterEvent, Code, CycleState, FilterPlugin, Handle, NodeInfo, Plugin, PodInfo,
    PreBindPlugin, PreFilterPlugin, ReservePlugin, Status,
};

/// The plugin's name.
pub const NAME: &str = "VolumeBinding";
pub use common::persistent_volumes::{
    ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE,
};
use common::persistent_volumes::{annotation, claim_key, claim_volume_name, is_claim_fully_bound};
/// Upstream's `ErrReasonBindConflict`.
pub const REASON_BIND_CONFLICT: &str = "node(s) didn't find available persistent volumes to bind";
/// Upstream's `ErrReasonNodeConflict`.
pub const REASON_NODE_CONFLICT: &str = "node(s) had volume node affinity conflict";
/// Upstream's `ErrReasonPVNotExist`.
pub const REASON_PV_NOT_EXIST: &str =
    "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
/// PreFilter's rejection of a pod whose immediate claims are not bound yet.
pub const REASON_UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";

const STATE_KEY: &str = "PreFilterVolumeBinding";
/// Upstream's default `bindTimeoutSeconds`.
const DEFAULT_BIND_TIMEOUT_SECONDS: i64 = 600;
/// The longest wait taken from `bindTimeoutSeconds` (upstream has no cap; a year is forever
/// here, and keeps deadline arithmetic from overflowing).
const MAX_BIND_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 3600);
/// How often PreBind looks at the claims even without a watch event (upstream polls each
/// second).
const CHECK_PERIOD: Duration = Duration::from_secs(1);

/// `VolumeBindingArgs`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Args {
    #[serde(default)]
    bind_timeout_seconds: Option<i64>,
    /// Only read behind upstream's alpha storage-capacity scoring; accepted and ignored.
    #[serde(default, rename = "shape")]
    _shape: Option<serde_json::Value>,
}

/// The plugin.
pub struct VolumeBinding {
    volumes: Arc<VolumeCache>,
    bind_timeout: Duration,
}

impl VolumeBinding {
    /// The plugin with its `pluginConfig` args, reading the scheduler's volume cache.
    pub fn new(args: Option<&serde_json::Value>, handle: &Handle) -> Result<Self, Error> {
        let args: Args = parse_args(NAME, args)?;
        let seconds = args
            .bind_timeout_seconds
            .unwrap_or(DEFAULT_BIND_TIMEOUT_SECONDS);
        if seconds < 0 {
            return Err(Error::InvalidArgs {
                plugin: NAME.into(),
                message: format!(
                    "bindTimeoutSeconds: Invalid value: {seconds}: invalid BindTimeoutSeconds, should not be a negative value"
                ),
            });
        }
        Ok(Self {
            volumes: handle.volumes.clone(),
            bind_timeout: Duration::from_secs(seconds.unsigned_abs()).min(MAX_BIND_TIMEOUT),
        })
    }
}

/// A volume with the claim it is bound or reserved to, as PreFilter saw it.
struct Volume {
    object: Arc<PersistentVolume>,
    claim: Option<ClaimRef>,
}

/// What PreFilter found for the pod, read by Filter on every node without the cache lock.
#[derive(Default)]
struct Claims {
    /// Fully bound claims with their volumes (`None`: the volume is gone).
    bound: Vec<(Arc<PersistentVolumeClaim>, Option<Arc<PersistentVolume>>)>,
    /// Unbound `WaitForFirstConsumer` claims, smallest request first, with the node each is
    /// to be provisioned on (its `selected-node`, or the node an in-flight pod reserved).
    delayed: Vec<(Arc<PersistentVolumeClaim>, Option<String>)>,
    /// The volumes of the delayed claims' classes.
    volumes_by_class: HashMap<String, Vec<Volume>>,
    /// The delayed claims' classes.
    classes: HashMap<String, Arc<StorageClass>>,
}

/// What the pod needs done on one node.
#[derive(Clone, Default)]
struct PodVolumes {
    /// Volumes to bind to claims.
    static_bindings: Vec<(Arc<PersistentVolume>, Arc<PersistentVolumeClaim>)>,
    /// Claims to have provisioned for the node.
    provisions: Vec<Arc<PersistentVolumeClaim>>,
}

struct StateData {
    claims: Claims,
    by_node: Mutex<HashMap<String, PodVolumes>>,
    /// What Reserve reserved (none: nothing to bind).
    reserved: Option<PodVolumes>,
}

fn name_of(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> &str {
    meta.name.as_deref().unwrap_or_default()
}

fn claim_ref(claim: &PersistentVolumeClaim) -> ClaimRef {
    ClaimRef {
        namespace: claim.metadata.namespace.clone().unwrap_or_default(),
        name: claim.metadata.name.clone().unwrap_or_default(),
        uid: claim.metadata.uid.clone().unwrap_or_default(),
    }
}

fn resource_version(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> u64 {
    meta.resource_version
        .as_deref()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The claims of the pod's volumes: `persistentVolumeClaim` sources, and the claims generic
/// ephemeral volumes get (`<pod>-<volume>`), marked.
fn pod_claim_names(pod: &Pod) -> Vec<(String, bool)> {
    let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
    pod.spec
        .as_ref()
        .and_then(|s| s.volumes.as_deref())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| {
            if let Some(source) = &v.persistent_volume_claim {
                Some((source.claim_name.clone(), false))
            } else if v.ephemeral.is_some() {
                Some((format!("{pod_name}-{}", v.name), true))
            } else {
                None
            }
        })
        .collect()
}

/// Upstream's `podHasPVCs` checks on one claim, with their messages.
fn check_claim(
    volumes: &Volumes,
    pod: &Pod,
    name: &str,
    ephemeral: bool,
) -> Result<Arc<PersistentVolumeClaim>, String> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    let Some(claim) = volumes.pvcs.get(&volumes::claim_key(namespace, name)) else {
        return Err(if ephemeral {
            format!(
                "waiting for ephemeral volume controller to create the persistentvolumeclaim {name:?}"
            )
        } else {
            format!("persistentvolumeclaim {name:?} not found")
        });
    };
    if claim.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Lost") {
        return Err(format!(
            "persistentvolumeclaim {name:?} bound to non-existent persistentvolume {:?}",
            claim_volume_name(claim)
        ));
    }
    if claim.metadata.deletion_timestamp.is_some() {
        return Err(format!("persistentvolumeclaim {name:?} is being deleted"));
    }
    if ephemeral {
        let controlled = claim
            .metadata
            .owner_references
            .as_deref()
            .unwrap_or_default()
            .iter()
            .any(|o| o.controller == Some(true) && Some(&o.uid) == pod.metadata.uid.as_ref());
        if !controlled {
            return Err(format!(
                "PVC {namespace}/{name} was not created for pod {namespace}/{} (pod is not owner)",
                pod.metadata.name.as_deref().unwrap_or_default()
            ));
        }
    }
    Ok(claim.clone())
}

impl Plugin for VolumeBinding {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [ClusterEvent] {
        &[
            ClusterEvent::StorageClassChanged,
            ClusterEvent::PersistentVolumeClaimChanged,
            ClusterEvent::PersistentVolumeChanged,
            ClusterEvent::NodeAdded,
            ClusterEvent::NodeChanged,
        ]
    }
    fn as_pre_filter(&self) -> Option<&dyn PreFilterPlugin> {
        Some(self)
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
    fn as_reserve(&self) -> Option<&dyn ReservePlugin> {
        Some(self)
    }
    fn as_pre_bind(&self) -> Option<&dyn PreBindPlugin> {
        Some(self)
    }
}

impl PreFilterPlugin for VolumeBinding {
    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, _nodes: &[&NodeInfo]) -> Status {
        let pod = &pod.pod;
        let names = pod_claim_names(pod);
        if names.is_empty() {
            return Status::skip();
        }
        let volumes = self.volumes.lock();
        let mut pod_claims = Vec::with_capacity(names.len());
        for (name, ephemeral) in &names {
            match check_claim(&volumes, pod, name, *ephemeral) {
                Ok(claim) => pod_claims.push(claim),
                Err(message) => return Status::unresolvable(message),
            }
        }
        let mut claims = Claims::default();
        let mut unbound_immediate = false;
        for claim in pod_claims {
            if is_claim_fully_bound(&claim) {
                let volume = volumes.pvs.get(claim_volume_name(&claim)).cloned();
                claims.bound.push((claim, volume));
                continue;
            }
            let class = volumes.classes.get(claim_class(&claim));
            if is_delay_binding(&claim, class.map(Arc::as_ref))
                && claim_volume_name(&claim).is_empty()
            {
                let selected = annotation(&*claim, ANN_SELECTED_NODE)
                    .or_else(|| volumes.provision_node(&claim_key(&claim)))
                    .map(str::to_owned);
                claims.delayed.push((claim, selected));
            } else {
                unbound_immediate = true;
            }
        }
        if unbound_immediate {
            return Status::unresolvable(REASON_UNBOUND_IMMEDIATE);
        }
        claims
            .delayed
            .sort_by(|a, b| requested_storage(&a.0).compare(&requested_storage(&b.0)));
        for (claim, _) in &claims.delayed {
            let class = claim_class(claim);
            if let Some(object) = volumes.classes.get(class) {
                claims.classes.insert(class.to_owned(), object.clone());
            }
            if claims.volumes_by_class.contains_key(class) {
                continue;
            }
            let of_class = volumes
                .pvs
                .iter()
                .filter(|(_, pv)| volume_class(pv) == class)
                .map(|(name, pv)| Volume {
                    object: pv.clone(),
                    claim: volumes.reserved_for(name).cloned().or_else(|| {
                        pv.spec
                            .as_ref()
                            .and_then(|s| s.claim_ref.as_ref())
                            .map(|r| ClaimRef {
                                namespace: r.namespace.clone().unwrap_or_default(),
                                name: r.name.clone().unwrap_or_default(),
                                uid: r.uid.clone().unwrap_or_default(),
                            })
                    }),
                })
                .collect();
            claims.volumes_by_class.insert(class.to_owned(), of_class);
        }
        drop(volumes);
        state.write(
            STATE_KEY,
            StateData {
                claims,
                by_node: Mutex::new(HashMap::new()),
                reserved: None,
            },
        );
        Status::success()
    }
}

impl FilterPlugin for VolumeBinding {
    fn filter(&self, state: &CycleState, _pod: &PodInfo, node_info: &NodeInfo) -> Status {
        let Some(data) = state.read::<StateData>(STATE_KEY) else {
            return Status::success();
        };
        let node = &node_info.node;
        let node_name = node_info.name();
        let claims = &data.claims;
        let mut node_conflict = false;
        let mut volume_missing = false;
        for (_, volume) in &claims.bound {
            match volume {
                None => {
                    volume_missing = true;
                    break;
                }
                Some(volume) if !volume_fits_node(volume, node) => {
                    node_conflict = true;
                    break;
                }
                Some(_) => {}
            }
        }
        let mut pod_volumes = PodVolumes::default();
        let mut satisfied = true;
        let mut to_provision = Vec::new();
        let mut to_match = Vec::new();
        for (claim, selected) in &claims.delayed {
            match selected.as_deref() {
                Some(selected) if selected != node_name => {
                    satisfied = false;
                    to_match.clear();
                    to_provision.clear();
                    break;
                }
                Some(_) => to_provision.push(claim.clone()),
                None => to_match.push(claim.clone()),
            }
        }
        let mut chosen = HashSet::new();
        for claim in to_match {
            let class_volumes = claims
                .volumes_by_class
                .get(claim_class(&claim))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let candidates: Vec<Candidate<'_>> = class_volumes
                .iter()
                .map(|v| Candidate {
                    volume: &v.object,
                    claim: v
                        .claim
                        .as_ref()
                        .map(|c| (c.namespace.as_str(), c.name.as_str(), c.uid.as_str())),
                })
                .collect();
            match find_matching_volume(&claim, &candidates, node, &chosen) {
                Some(i) => {
                    let volume = class_volumes[i].object.clone();
                    chosen.insert(name_of(&volume.metadata).to_owned());
                    pod_volumes.static_bindings.push((volume, claim));
                }
                None => {
                    satisfied = false;
                    to_provision.push(claim);
                }
            }
        }
        if !to_provision.is_empty() {
            // Upstream's checkVolumeProvisions decides for all the claims left.
            satisfied = true;
            for claim in to_provision {
                let class_name = claim_class(&claim);
                if class_name.is_empty() {
                    return Status::error(format!("no class for claim {:?}", claim_key(&claim)));
                }
                let Some(class) = claims.classes.get(class_name) else {
                    return Status::error(format!("failed to find storage class {class_name:?}"));
                };
                if class.provisioner.is_empty()
                    || class.provisioner == NOT_SUPPORTED_PROVISIONER
                    || !class_allows_node(class, node)
                {
                    satisfied = false;
                    pod_volumes.provisions.clear();
                    break;
                }
                pod_volumes.provisions.push(claim);
            }
        }
        let mut reasons = Vec::new();
        if node_conflict {
            reasons.push(REASON_NODE_CONFLICT.to_owned());
        }
        if !satisfied {
            reasons.push(REASON_BIND_CONFLICT.to_owned());
        }
        if volume_missing {
            reasons.push(REASON_PV_NOT_EXIST.to_owned());
        }
        if !reasons.is_empty() {
            return Status::new(Code::UnschedulableAndUnresolvable, reasons);
        }
        data.by_node
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(node_name.to_owned(), pod_volumes);
        Status::success()
    }
}

impl ReservePlugin for VolumeBinding {
    fn reserve(&self, state: &mut CycleState, _pod: &Pod, node: &str) -> Status {
        let Some(data) = state.read_mut::<StateData>(STATE_KEY) else {
            return Status::success();
        };
        let by_node = data.by_node.get_mut().unwrap_or_else(|e| e.into_inner());
        let Some(pod_volumes) = by_node.remove(node) else {
            return Status::success();
        };
        if pod_volumes.static_bindings.is_empty() && pod_volumes.provisions.is_empty() {
            return Status::success();
        }
        let mut volumes = self.volumes.lock();
        for (i, (volume, claim)) in pod_volumes.static_bindings.iter().enumerate() {
            if !volumes.reserve_volume(name_of(&volume.metadata), claim_ref(claim)) {
                for (done, claim) in &pod_volumes.static_bindings[..i] {
                    volumes.release_volume(name_of(&done.metadata), &claim_ref(claim));
                }
                return Status::error(format!(
                    "persistentvolume {:?} is already reserved for another claim",
                    name_of(&volume.metadata)
                ));
            }
        }
        for claim in &pod_volumes.provisions {
            volumes.reserve_provision(&claim_key(claim), node);
        }
        data.reserved = Some(pod_volumes);
        Status::success()
    }

    fn unreserve(&self, state: &mut CycleState, _pod: &Pod, _node: &str) {
        let Some(reserved) = state
            .read_mut::<StateData>(STATE_KEY)
            .and_then(|d| d.reserved.take())
        else {
            return;
        };
        let mut volumes = self.volumes.lock();
        for (volume, claim) in &reserved.static_bindings {
            volumes.release_volume(name_of(&volume.metadata), &claim_ref(claim));
        }
        for claim in &reserved.provisions {
            volumes.release_provision(&claim_key(claim));
        }
    }
}

impl PreBindPlugin for VolumeBinding {
    fn pre_bind<'a>(
        &'a self,
        ctx: &'a BindContext,
        state: &'a CycleState,
        _pod: &'a Pod,
        node: &'a str,
    ) -> BoxFuture<'a, Status> {
        async move {
            let Some(reserved) = state
                .read::<StateData>(STATE_KEY)
                .and_then(|d| d.reserved.as_ref())
            else {
                return Status::success();
            };
            match self.bind_pod_volumes(ctx, node, reserved).await {
                Ok(()) => Status::success(),
                Err(message) => Status::error(message),
            }
        }
        .boxed()
    }
}

/// The message of an API error (its Status message when the server sent one).
fn api_error(error: &kube::Error) -> String {
    match error {
        kube::Error::Api(status) => status.message.clone(),
        other => other.to_string(),
    }
}

impl VolumeBinding {
    /// Upstream's `BindPodVolumes`: the API updates, then the wait for the PV controller.
    async fn bind_pod_volumes(
        &self,
        ctx: &BindContext,
        node: &str,
        reserved: &PodVolumes,
    ) -> Result<(), String> {
        let pvs: Api<PersistentVolume> = Api::all(ctx.client.clone());
        let mut written: HashMap<String, u64> = HashMap::new();
        for (volume, claim) in &reserved.static_bindings {
            let name = name_of(&volume.metadata);
            let mut updated = (**volume).clone();
            let spec = updated.spec.get_or_insert_with(Default::default);
            let pre_bound = spec.claim_ref.as_ref().is_some_and(|r| {
                r.namespace == claim.metadata.namespace
                    && r.name == claim.metadata.name
                    && r.uid
                        .as_ref()
                        .is_none_or(|u| u.is_empty() || Some(u) == claim.metadata.uid.as_ref())
            });
            spec.claim_ref = Some(ObjectReference {
                api_version: Some("v1".into()),
                kind: Some("PersistentVolumeClaim".into()),
                namespace: claim.metadata.namespace.clone(),
                name: claim.metadata.name.clone(),
                uid: claim.metadata.uid.clone(),
                resource_version: claim.metadata.resource_version.clone(),
                ..ObjectReference::default()
            });
            if !pre_bound {
                updated
                    .metadata
                    .annotations
                    .get_or_insert_with(Default::default)
                    .entry(ANN_BOUND_BY_CONTROLLER.to_owned())
                    .or_insert_with(|| "yes".to_owned());
            }
            let stored = pvs
                .replace(name, &PostParams::default(), &updated)
                .await
                .map_err(|e| api_error(&e))?;
            written.insert(name.to_owned(), resource_version(&stored.metadata));
        }
        for claim in &reserved.provisions {
            let namespace = claim.metadata.namespace.as_deref().unwrap_or_default();
            let api: Api<PersistentVolumeClaim> = Api::namespaced(ctx.client.clone(), namespace);
            let mut updated = (**claim).clone();
            updated
                .metadata
                .annotations
                .get_or_insert_with(Default::default)
                .insert(ANN_SELECTED_NODE.to_owned(), node.to_owned());
            let stored = api
                .replace(name_of(&claim.metadata), &PostParams::default(), &updated)
                .await
                .map_err(|e| api_error(&e))?;
            written.insert(claim_key(claim), resource_version(&stored.metadata));
        }
        let deadline = Instant::now() + self.bind_timeout;
        loop {
            let changed = self.volumes.changed();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let checked = check_bindings(&self.volumes.lock(), node, reserved, &written);
            if checked.map_err(|e| format!("binding volumes: {e}"))? {
                return Ok(());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err("binding volumes: context deadline exceeded".to_owned());
            }
            let _ = tokio::time::timeout(CHECK_PERIOD.min(deadline - now), changed).await;
        }
    }
}

/// Upstream's `checkBindings`: whether every claim the pod's binding touched is fully bound;
/// an error when the binding was undone and scheduling must start over.
fn check_bindings(
    volumes: &Volumes,
    node: &str,
    reserved: &PodVolumes,
    written: &HashMap<String, u64>,
) -> Result<bool, String> {
    for (volume, claim) in &reserved.static_bindings {
        let name = name_of(&volume.metadata);
        let Some(current) = volumes.pvs.get(name) else {
            return Err(format!(
                "failed to check binding: persistentvolume {name:?} not found"
            ));
        };
        if resource_version(&current.metadata) < written.get(name).copied().unwrap_or(0) {
            return Ok(false);
        }
        let claim_ref = current.spec.as_ref().and_then(|s| s.claim_ref.as_ref());
        if claim_ref.is_none_or(|r| r.uid.as_deref().unwrap_or_default().is_empty()) {
            return Err(format!("ClaimRef got reset for pv {name:?}"));
        }
        let key = claim_key(claim);
        let Some(current) = volumes.pvcs.get(&key) else {
            return Err(format!(
                "failed to check binding: persistentvolumeclaim {key:?} not found"
            ));
        };
        if !is_claim_fully_bound(current) {
            return Ok(false);
        }
    }
    for claim in &reserved.provisions {
        let key = claim_key(claim);
        let Some(current) = volumes.pvcs.get(&key) else {
            return Err(format!(
                "failed to check provisioning pvc: persistentvolumeclaim {key:?} not found"
            ));
        };
        if resource_version(&current.metadata) < written.get(&key).copied().unwrap_or(0) {
            return Ok(false);
        }
        if annotation(&**current, ANN_SELECTED_NODE) != Some(node) {
            return Err(format!(
                "provisioning failed for PVC {:?}",
                name_of(&current.metadata)
            ));
        }
        if !is_claim_fully_bound(current) {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
#[path = "volume_binding_tests.rs"]
mod tests;
