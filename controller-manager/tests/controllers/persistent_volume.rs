//! persistentvolume-binder-controller against a real API server: claims bound to the smallest
//! fitting volume, volumes pre-bound by the user, WaitForFirstConsumer claims left to the
//! scheduler (whose binding the test makes itself: there is no scheduler here), and released
//! volumes. Each test removes what it creates.

use std::time::Duration;

use crate::support::{RunningControllers, eventually};
use anyhow::{Result, ensure};
use common::persistent_volumes::{annotation, claim_phase, volume_phase};
use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::events::v1::Event;
use k8s_openapi::api::storage::v1::StorageClass;
use kube::Client;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use tests::apiserver::TestApiServer;

const NS: &str = "default";
const BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
const BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";

struct Fixture {
    _server: TestApiServer,
    _controllers: RunningControllers,
    volumes: Api<PersistentVolume>,
    claims: Api<PersistentVolumeClaim>,
    events: Api<Event>,
    client: Client,
}

async fn fixture() -> Result<Fixture> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let controllers =
        RunningControllers::start(&server, &["--controllers=persistentvolume-binder"]).await?;
    Ok(Fixture {
        volumes: Api::all(client.clone()),
        claims: Api::namespaced(client.clone(), NS),
        events: Api::namespaced(client.clone(), NS),
        client,
        _server: server,
        _controllers: controllers,
    })
}

impl Fixture {
    async fn volume(&self, name: &str, spec: Value) -> Result<PersistentVolume> {
        let volume = json!({"metadata": {"name": name}, "spec": spec});
        Ok(self
            .volumes
            .create(&PostParams::default(), &serde_json::from_value(volume)?)
            .await?)
    }

    async fn claim(&self, name: &str, spec: Value) -> Result<PersistentVolumeClaim> {
        let claim = json!({"metadata": {"name": name}, "spec": spec});
        Ok(self
            .claims
            .create(&PostParams::default(), &serde_json::from_value(claim)?)
            .await?)
    }

    async fn volume_in_phase(&self, name: &str, phase: &str) -> Result<PersistentVolume> {
        eventually(&format!("volume {name} {phase}"), || async {
            let volume = self.volumes.get(name).await?;
            Ok((volume_phase(&volume) == phase).then_some(volume))
        })
        .await
    }

    async fn claim_in_phase(&self, name: &str, phase: &str) -> Result<PersistentVolumeClaim> {
        eventually(&format!("claim {name} {phase}"), || async {
            let claim = self.claims.get(name).await?;
            Ok((claim_phase(&claim) == phase).then_some(claim))
        })
        .await
    }

    /// The controller's event `reason` about the claim `name`.
    async fn event(&self, name: &str, reason: &str) -> Result<Event> {
        eventually(&format!("a {reason} event about {name}"), || async {
            let list = self.events.list(&ListParams::default()).await?;
            Ok(list.items.into_iter().find(|e| {
                e.reason.as_deref() == Some(reason)
                    && e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(name)
                    && e.reporting_controller.as_deref() == Some("persistentvolume-controller")
            }))
        })
        .await
    }

    async fn delete_claims(&self, names: &[&str]) -> Result<()> {
        for name in names {
            self.claims.delete(name, &DeleteParams::default()).await?;
        }
        Ok(())
    }

    async fn delete_volumes(&self, names: &[&str]) -> Result<()> {
        for name in names {
            self.volumes.delete(name, &DeleteParams::default()).await?;
        }
        Ok(())
    }

    /// Binds the volume to the claim as the scheduler's VolumeBinding plugin does: the claim's
    /// full reference (with its uid) and `bound-by-controller`.
    async fn bind_as_scheduler(&self, volume: &str, claim: &PersistentVolumeClaim) -> Result<()> {
        let patch = json!({
            "metadata": {"annotations": {BOUND_BY_CONTROLLER: "yes"}},
            "spec": {"claimRef": {
                "kind": "PersistentVolumeClaim", "apiVersion": "v1", "namespace": NS,
                "name": claim.metadata.name, "uid": claim.metadata.uid,
                "resourceVersion": claim.metadata.resource_version}},
        });
        self.volumes
            .patch(volume, &PatchParams::default(), &Patch::Merge(&patch))
            .await?;
        Ok(())
    }
}

/// Checks that the claim and the volume are bound to each other by the controller.
fn assert_bound(claim: &PersistentVolumeClaim, volume: &PersistentVolume, capacity: &str) {
    assert_bound_with(claim, volume, capacity, true);
}

/// [`assert_bound`]; `ref_written` when the controller wrote the volume's `claimRef` (a
/// `claimRef` already naming the claim's uid is kept as it is).
fn assert_bound_with(
    claim: &PersistentVolumeClaim,
    volume: &PersistentVolume,
    capacity: &str,
    ref_written: bool,
) {
    let spec = claim.spec.clone().unwrap_or_default();
    assert_eq!(spec.volume_name.as_deref(), volume.metadata.name.as_deref());
    assert_eq!(annotation(claim, BIND_COMPLETED), Some("yes"));
    assert_eq!(annotation(claim, BOUND_BY_CONTROLLER), Some("yes"));
    let status = claim.status.clone().unwrap_or_default();
    assert_eq!(status.access_modes, Some(vec!["ReadWriteOnce".to_owned()]));
    assert_eq!(status.capacity.unwrap()["storage"].0, capacity);
    let claim_ref = volume.spec.clone().unwrap_or_default().claim_ref.unwrap();
    assert_eq!(claim_ref.kind.as_deref(), Some("PersistentVolumeClaim"));
    assert_eq!(claim_ref.api_version.as_deref(), Some("v1"));
    assert_eq!(claim_ref.namespace.as_deref(), Some(NS));
    assert_eq!(claim_ref.name, claim.metadata.name);
    assert_eq!(claim_ref.uid, claim.metadata.uid);
    assert_eq!(claim_ref.resource_version.is_some(), ref_written);
    assert_eq!(volume_phase(volume), "Bound");
}

/// A claim with no class gets the smallest fitting volume of class "", both sides annotated;
/// deleting the claim releases the Retain volume.
#[tokio::test]
async fn a_claim_binds_the_smallest_fitting_volume_which_is_released_when_the_claim_goes()
-> Result<()> {
    let f = fixture().await?;
    let spec = |size: &str, path: &str| {
        json!({"capacity": {"storage": size}, "accessModes": ["ReadWriteOnce"],
               "persistentVolumeReclaimPolicy": "Retain", "hostPath": {"path": path}})
    };
    f.volume("pv-large", spec("5Gi", "/data/large")).await?;
    f.volume("pv-small", spec("1Gi", "/data/small")).await?;
    f.volume_in_phase("pv-large", "Available").await?;
    f.volume_in_phase("pv-small", "Available").await?;

    f.claim(
        "data",
        json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "500Mi"}}}),
    )
    .await?;
    let claim = f.claim_in_phase("data", "Bound").await?;
    let volume = f.volume_in_phase("pv-small", "Bound").await?;
    assert_bound(&claim, &volume, "1Gi");
    assert_eq!(annotation(&volume, BOUND_BY_CONTROLLER), Some("yes"));
    let large = f.volumes.get("pv-large").await?;
    assert_eq!(volume_phase(&large), "Available");
    assert!(large.spec.unwrap().claim_ref.is_none());

    f.delete_claims(&["data"]).await?;
    let released = f.volume_in_phase("pv-small", "Released").await?;
    let claim_ref = released.spec.unwrap().claim_ref.unwrap();
    assert_eq!(claim_ref.name.as_deref(), Some("data"));

    f.delete_volumes(&["pv-large", "pv-small"]).await?;
    Ok(())
}

/// A volume pre-bound by the user to a claim that does not exist yet stays Available, then
/// goes to exactly that claim, over a smaller free volume.
#[tokio::test]
async fn a_volume_pre_bound_by_name_waits_for_its_claim() -> Result<()> {
    let f = fixture().await?;
    f.volume(
        "pv-reserved",
        json!({"capacity": {"storage": "2Gi"}, "accessModes": ["ReadWriteOnce"],
               "hostPath": {"path": "/data/reserved"},
               "claimRef": {"namespace": NS, "name": "reserved"}}),
    )
    .await?;
    f.volume(
        "pv-spare",
        json!({"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
               "hostPath": {"path": "/data/spare"}}),
    )
    .await?;
    f.volume_in_phase("pv-spare", "Available").await?;
    f.volume_in_phase("pv-reserved", "Available").await?;
    // Still waiting for its claim a moment later.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let waiting = f.volumes.get("pv-reserved").await?;
    assert_eq!(volume_phase(&waiting), "Available");
    assert!(waiting.spec.unwrap().claim_ref.unwrap().uid.is_none());

    let spec = json!({"accessModes": ["ReadWriteOnce"],
                      "resources": {"requests": {"storage": "100Mi"}}});
    f.claim("reserved", spec).await?;
    let claim = f.claim_in_phase("reserved", "Bound").await?;
    let volume = f.volume_in_phase("pv-reserved", "Bound").await?;
    assert_bound(&claim, &volume, "2Gi");
    // The user bound the volume, not the controller.
    assert_eq!(annotation(&volume, BOUND_BY_CONTROLLER), None);
    assert_eq!(volume_phase(&f.volumes.get("pv-spare").await?), "Available");

    f.delete_claims(&["reserved"]).await?;
    f.delete_volumes(&["pv-reserved", "pv-spare"]).await?;
    Ok(())
}

async fn wait_for_first_consumer_class(client: &Client, name: &str) -> Result<()> {
    let classes: Api<StorageClass> = Api::all(client.clone());
    classes
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({
                "metadata": {"name": name},
                "provisioner": "kubernetes.io/no-provisioner",
                "volumeBindingMode": "WaitForFirstConsumer"}))?,
        )
        .await?;
    Ok(())
}

fn local_volume(node: &str, size: &str) -> Value {
    json!({"capacity": {"storage": size}, "accessModes": ["ReadWriteOnce"],
           "storageClassName": "local-wait", "local": {"path": format!("/mnt/disks/{node}")},
           "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
               {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}}})
}

/// A WaitForFirstConsumer claim waits (`WaitForFirstConsumer`); once the scheduler picked a
/// node there is still nothing for the controller to bind on its own (upstream hands static
/// binding to the scheduler: `ProvisioningFailed` for `kubernetes.io/no-provisioner`), and the
/// scheduler's binding of that node's volume is completed by the controller.
#[tokio::test]
async fn a_wait_for_first_consumer_claim_binds_the_volume_the_scheduler_picks() -> Result<()> {
    let f = fixture().await?;
    let nodes: Api<Node> = Api::all(f.client.clone());
    for node in ["node-a", "node-b"] {
        nodes
            .create(
                &PostParams::default(),
                &serde_json::from_value(json!({"metadata": {"name": node,
                    "labels": {"kubernetes.io/hostname": node}}}))?,
            )
            .await?;
    }
    wait_for_first_consumer_class(&f.client, "local-wait").await?;
    f.volume("pv-node-a", local_volume("node-a", "1Gi")).await?;
    f.volume("pv-node-b", local_volume("node-b", "2Gi")).await?;
    f.volume_in_phase("pv-node-a", "Available").await?;
    f.volume_in_phase("pv-node-b", "Available").await?;

    f.claim(
        "local",
        json!({"accessModes": ["ReadWriteOnce"], "storageClassName": "local-wait",
               "resources": {"requests": {"storage": "1Gi"}}}),
    )
    .await?;
    let event = f.event("local", "WaitForFirstConsumer").await?;
    assert_eq!(
        event.note.as_deref(),
        Some("waiting for first consumer to be created before binding")
    );
    assert_eq!(event.type_.as_deref(), Some("Normal"));
    let claim = f.claims.get("local").await?;
    assert_eq!(claim_phase(&claim), "Pending");
    ensure!(claim.spec.clone().unwrap_or_default().volume_name.is_none());

    // The scheduler picks node-b.
    f.claims
        .patch(
            "local",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"annotations":
                {"volume.kubernetes.io/selected-node": "node-b"}}})),
        )
        .await?;
    let failed = f.event("local", "ProvisioningFailed").await?;
    assert_eq!(
        failed.note.as_deref(),
        Some("no volume plugin matched name: kubernetes.io/no-provisioner")
    );
    assert_eq!(failed.type_.as_deref(), Some("Warning"));
    let claim = f.claims.get("local").await?;
    assert_eq!(claim_phase(&claim), "Pending");
    for name in ["pv-node-a", "pv-node-b"] {
        let volume = f.volumes.get(name).await?;
        assert!(volume.spec.unwrap().claim_ref.is_none(), "{name} was bound");
    }

    // The scheduler binds node-b's volume; the controller completes the claim.
    f.bind_as_scheduler("pv-node-b", &claim).await?;
    let claim = f.claim_in_phase("local", "Bound").await?;
    let volume = f.volume_in_phase("pv-node-b", "Bound").await?;
    assert_bound(&claim, &volume, "2Gi");
    let other = f.volumes.get("pv-node-a").await?;
    assert_eq!(volume_phase(&other), "Available");

    f.delete_claims(&["local"]).await?;
    f.delete_volumes(&["pv-node-a", "pv-node-b"]).await?;
    let classes: Api<StorageClass> = Api::all(f.client.clone());
    classes
        .delete("local-wait", &DeleteParams::default())
        .await?;
    for node in ["node-a", "node-b"] {
        nodes.delete(node, &DeleteParams::default()).await?;
    }
    Ok(())
}

/// A volume created already pointing at a claim (its uid) with `bound-by-controller`, as the
/// scheduler or a provisioner leaves it: the controller binds the claim to it.
#[tokio::test]
async fn a_volume_bound_to_a_claims_uid_completes_the_claim() -> Result<()> {
    let f = fixture().await?;
    wait_for_first_consumer_class(&f.client, "local-wait").await?;
    // The class and the claim come through different watches: give the class a head start,
    // or the claim waits for the resync to get its event.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let claim = f
        .claim(
            "scheduled",
            json!({"accessModes": ["ReadWriteOnce"], "storageClassName": "local-wait",
                   "resources": {"requests": {"storage": "1Gi"}}}),
        )
        .await?;
    f.event("scheduled", "WaitForFirstConsumer").await?;

    let mut spec = local_volume("node-a", "1Gi");
    spec["claimRef"] = json!({"kind": "PersistentVolumeClaim", "apiVersion": "v1",
        "namespace": NS, "name": "scheduled", "uid": claim.metadata.uid});
    let volume = json!({"metadata": {"name": "pv-scheduled",
                                     "annotations": {BOUND_BY_CONTROLLER: "yes"}},
                        "spec": spec});
    f.volumes
        .create(&PostParams::default(), &serde_json::from_value(volume)?)
        .await?;
    let claim = f.claim_in_phase("scheduled", "Bound").await?;
    let volume = f.volume_in_phase("pv-scheduled", "Bound").await?;
    assert_bound_with(&claim, &volume, "1Gi", false);

    f.delete_claims(&["scheduled"]).await?;
    f.delete_volumes(&["pv-scheduled"]).await?;
    let classes: Api<StorageClass> = Api::all(f.client.clone());
    classes
        .delete("local-wait", &DeleteParams::default())
        .await?;
    Ok(())
}
