//! What an unbound claim with a class and no matching volume gets (`provisionClaim`,
//! `findProvisionablePlugin`, `provisionClaimOperationExternal`), the default class given to a
//! claim that names none (`assignDefaultStorageClass`), and the CSI migration bookkeeping
//! (`pv.kubernetes.io/migrated-to`, the deletion finalizers of provisioned volumes).
//!
//! There is no in-tree provisioning. A class whose provisioner is external (any name outside
//! `kubernetes.io/`, or an in-tree plugin migrated to CSI, under its CSI driver's name) gets
//! the `storage-provisioner` annotations and an `ExternalProvisioning` event, as upstream; any
//! other `kubernetes.io/` provisioner, `kubernetes.io/no-provisioner` included, gets upstream's
//! `ProvisioningFailed` event. The host-path provisioner ends where upstream's does while
//! `--enable-hostpath-provisioner` is off (a flag not offered here).

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::Api;

use super::matching::{annotation, claim_class, claim_has_class};
use super::{
    ANN_BETA_STORAGE_PROVISIONER, ANN_DYNAMICALLY_PROVISIONED, ANN_MIGRATED_TO,
    ANN_STORAGE_PROVISIONER, PV_DELETION_IN_TREE_PROTECTION_FINALIZER,
    PV_DELETION_PROTECTION_FINALIZER, PersistentVolumeController,
};
use crate::controller::{Error, Result};
use crate::events::reference_of;
use crate::pod_control::api_message;

/// The in-tree provisioner this controller knows by name (upstream's host-path plugin).
pub const HOST_PATH_PLUGIN: &str = "kubernetes.io/host-path";

/// In-tree plugins upstream's controller loads that provision nothing.
const NON_PROVISIONING_PLUGINS: &[&str] = &["kubernetes.io/nfs", "kubernetes.io/local-volume"];

/// In-tree plugins migrated to CSI in 1.34, and their drivers (csi-translation-lib).
const MIGRATED_PLUGINS: &[(&str, &str)] = &[
    ("kubernetes.io/aws-ebs", "ebs.csi.aws.com"),
    ("kubernetes.io/gce-pd", "pd.csi.storage.gke.io"),
    ("kubernetes.io/azure-disk", "disk.csi.azure.com"),
    ("kubernetes.io/azure-file", "file.csi.azure.com"),
    ("kubernetes.io/cinder", "cinder.csi.openstack.org"),
    ("kubernetes.io/vsphere-volume", "csi.vsphere.vmware.com"),
    ("kubernetes.io/portworx-volume", "pxd.portworx.com"),
];

/// The CSI driver an in-tree plugin is migrated to.
pub fn csi_driver_for(plugin: &str) -> Option<&'static str> {
    MIGRATED_PLUGINS
        .iter()
        .find(|(name, _)| *name == plugin)
        .map(|(_, driver)| *driver)
}

/// Who provisions for a class.
#[derive(Debug, PartialEq, Eq)]
pub enum Provisioner {
    /// An external provisioner, by the name it answers to.
    External(String),
    /// Upstream's in-tree host-path plugin.
    HostPath,
}

/// `findProvisionablePlugin` for a class that exists: the error is the event's message.
pub fn provisioner_for(class: &StorageClass) -> Result<Provisioner, String> {
    let name = class.provisioner.as_str();
    if let Some(driver) = csi_driver_for(name) {
        return Ok(Provisioner::External(driver.to_owned()));
    }
    if name == HOST_PATH_PLUGIN {
        return Ok(Provisioner::HostPath);
    }
    if NON_PROVISIONING_PLUGINS.contains(&name) {
        return Err("no provisionable volume plugin matched".to_owned());
    }
    if !name.starts_with("kubernetes.io/") {
        return Ok(Provisioner::External(name.to_owned()));
    }
    Err(format!("no volume plugin matched name: {name}"))
}

/// The default class: marked default by the annotation (or its beta form), newest first, then
/// by name (`GetDefaultClass`).
pub fn default_class(classes: &[Arc<StorageClass>]) -> Option<Arc<StorageClass>> {
    let is_default = |class: &StorageClass| {
        annotation(class, "storageclass.kubernetes.io/is-default-class") == Some("true")
            || annotation(class, "storageclass.beta.kubernetes.io/is-default-class") == Some("true")
    };
    let mut defaults: Vec<&Arc<StorageClass>> = classes.iter().filter(|c| is_default(c)).collect();
    defaults.sort_by(|a, b| {
        let created = |c: &StorageClass| c.metadata.creation_timestamp.as_ref().map(|t| t.0);
        created(b)
            .cmp(&created(a))
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
    defaults.first().map(|c| (*c).clone())
}

/// Sets or removes `pv.kubernetes.io/migrated-to` from the provisioner the annotations name
/// (a claim's `storage-provisioner`, a volume's `provisioned-by`); whether they changed
/// (`updateMigrationAnnotations`).
pub fn update_migration_annotations(
    annotations: &mut BTreeMap<String, String>,
    claim: bool,
) -> bool {
    let provisioner = if claim {
        annotations
            .get(ANN_STORAGE_PROVISIONER)
            .or_else(|| annotations.get(ANN_BETA_STORAGE_PROVISIONER))
    } else {
        annotations.get(ANN_DYNAMICALLY_PROVISIONED)
    };
    let Some(provisioner) = provisioner else {
        return false;
    };
    let migrated_to = annotations
        .get(ANN_MIGRATED_TO)
        .cloned()
        .unwrap_or_default();
    match csi_driver_for(provisioner) {
        Some(driver) if migrated_to != driver => {
            annotations.insert(ANN_MIGRATED_TO.to_owned(), driver.to_owned());
            true
        }
        Some(_) => false,
        None if !migrated_to.is_empty() => {
            annotations.remove(ANN_MIGRATED_TO);
            true
        }
        None => false,
    }
}

/// The finalizers a provisioned volume should carry, when they change
/// (`modifyDeletionFinalizers`, HonorPVReclaimPolicy being on in 1.34): in-tree volumes
/// with `Delete` get `kubernetes.io/pv-controller`, lose it otherwise or once migrated, and
/// lose the external provisioner's finalizer.
pub fn modify_deletion_finalizers(volume: &PersistentVolume) -> Option<Vec<String>> {
    let provisioner = annotation(volume, ANN_DYNAMICALLY_PROVISIONED)?;
    let mut finalizers = volume.metadata.finalizers.clone().unwrap_or_default();
    let has = |list: &[String], f: &str| list.iter().any(|x| x == f);
    let mut modified = false;
    if csi_driver_for(provisioner).is_some() {
        if has(&finalizers, PV_DELETION_IN_TREE_PROTECTION_FINALIZER) {
            finalizers.retain(|f| f != PV_DELETION_IN_TREE_PROTECTION_FINALIZER);
            modified = true;
        }
    } else {
        if !provisioner.starts_with("kubernetes.io/") {
            return None;
        }
        let policy = volume
            .spec
            .as_ref()
            .and_then(|s| s.persistent_volume_reclaim_policy.as_deref())
            .unwrap_or_default();
        let in_tree = has(&finalizers, PV_DELETION_IN_TREE_PROTECTION_FINALIZER);
        if policy == "Delete" && !in_tree {
            finalizers.push(PV_DELETION_IN_TREE_PROTECTION_FINALIZER.to_owned());
            modified = true;
        } else if matches!(policy, "Retain" | "Recycle") && in_tree {
            finalizers.retain(|f| f != PV_DELETION_IN_TREE_PROTECTION_FINALIZER);
            modified = true;
        }
        if has(&finalizers, PV_DELETION_PROTECTION_FINALIZER) {
            finalizers.retain(|f| f != PV_DELETION_PROTECTION_FINALIZER);
            modified = true;
        }
    }
    modified.then_some(finalizers)
}

fn error_message(error: &Error) -> String {
    match error {
        Error::Api(error) => api_message(error),
        other => other.to_string(),
    }
}

impl PersistentVolumeController {
    /// Sets `migrated-to` on a claim whose provisioner was migrated
    /// (`updateClaimMigrationAnnotations`).
    pub(super) async fn update_claim_migration_annotations(
        &self,
        claim: Arc<PersistentVolumeClaim>,
    ) -> Result<Arc<PersistentVolumeClaim>> {
        let mut clone = (*claim).clone();
        let changed = clone
            .metadata
            .annotations
            .as_mut()
            .is_some_and(|a| update_migration_annotations(a, true));
        if !changed {
            return Ok(claim);
        }
        self.write_claim(&clone).await
    }

    /// Gives a claim that names no class the default one; whether it did
    /// (`assignDefaultStorageClass`).
    pub(super) async fn assign_default_storage_class(
        &self,
        claim: &Arc<PersistentVolumeClaim>,
    ) -> Result<bool> {
        if claim_has_class(claim) {
            return Ok(false);
        }
        let Some(class) = default_class(&self.class_lister.list_all()) else {
            return Ok(false);
        };
        let mut clone = (**claim).clone();
        clone
            .spec
            .get_or_insert_with(Default::default)
            .storage_class_name = class.metadata.name.clone();
        self.write_claim(&clone).await?;
        tracing::info!(
            claim = %crate::informers::key_of(&**claim),
            class = ?class.metadata.name,
            "assigned the default storage class"
        );
        Ok(true)
    }

    /// Annotates the claim with its provisioner (and the beta annotation, and `migrated-to`)
    /// unless it already names it (`setClaimProvisioner`).
    async fn set_claim_provisioner(
        &self,
        claim: &Arc<PersistentVolumeClaim>,
        provisioner: &str,
    ) -> Result<Arc<PersistentVolumeClaim>> {
        if annotation(&**claim, ANN_STORAGE_PROVISIONER) == Some(provisioner) {
            return Ok(claim.clone());
        }
        let mut clone = (**claim).clone();
        let annotations = clone
            .metadata
            .annotations
            .get_or_insert_with(Default::default);
        annotations.insert(
            ANN_BETA_STORAGE_PROVISIONER.to_owned(),
            provisioner.to_owned(),
        );
        annotations.insert(ANN_STORAGE_PROVISIONER.to_owned(), provisioner.to_owned());
        update_migration_annotations(annotations, true);
        self.write_claim(&clone).await
    }

    fn provisioning_failed(&self, claim: &PersistentVolumeClaim, message: String) {
        self.event(reference_of(claim), true, "ProvisioningFailed", message);
    }

    /// `provisionClaim`: a failure is reported by event and retried on the next sync.
    pub(super) async fn provision_claim(&self, claim: &Arc<PersistentVolumeClaim>) -> Result<()> {
        if !self.enable_dynamic_provisioning {
            return Ok(());
        }
        let class_name = claim_class(claim);
        let Some(class) = self.class_lister.get("", class_name) else {
            self.provisioning_failed(
                claim,
                format!("storageclass.storage.k8s.io {class_name:?} not found"),
            );
            return Ok(());
        };
        match provisioner_for(&class) {
            Err(message) => self.provisioning_failed(claim, message),
            Ok(Provisioner::External(name)) => self.provision_externally(claim, &name).await,
            Ok(Provisioner::HostPath) => self.provision_host_path(claim, &class).await,
        }
        Ok(())
    }

    /// `provisionClaimOperationExternal`: annotate the claim and say who is expected.
    async fn provision_externally(&self, claim: &Arc<PersistentVolumeClaim>, provisioner: &str) {
        match self.set_claim_provisioner(claim, provisioner).await {
            Err(error) => {
                let message = format!("Error saving claim: {}", error_message(&error));
                self.provisioning_failed(claim, message);
            }
            Ok(claim) => self.event(
                reference_of(&*claim),
                false,
                "ExternalProvisioning",
                format!(
                    "Waiting for a volume to be created either by the external provisioner '{provisioner}' \
                     or manually by the system administrator. If volume creation is delayed, please verify that \
                     the provisioner is running and correctly registered."
                ),
            ),
        }
    }

    /// `provisionClaimOperation` for the host-path plugin with provisioning disabled: it fails
    /// where upstream's does.
    async fn provision_host_path(&self, claim: &Arc<PersistentVolumeClaim>, class: &StorageClass) {
        if claim.spec.as_ref().is_some_and(|s| s.data_source.is_some()) {
            self.provisioning_failed(
                claim,
                format!(
                    "plugin {HOST_PATH_PLUGIN:?} is not a CSI plugin. Only CSI plugin can provision a claim with a datasource"
                ),
            );
            return;
        }
        let claim = match self.set_claim_provisioner(claim, &class.provisioner).await {
            Ok(claim) => claim,
            Err(error) => {
                tracing::debug!(claim = %crate::informers::key_of(&**claim), %error, "error saving claim");
                return;
            }
        };
        let volume_name = format!("pvc-{}", claim.metadata.uid.as_deref().unwrap_or_default());
        let volumes: Api<PersistentVolume> = Api::all(self.client.clone());
        match volumes.get_opt(&volume_name).await {
            Ok(None) => {}
            Ok(Some(_)) => return,
            Err(error) => {
                tracing::debug!(volume = %volume_name, %error, "error reading persistent volume");
                return;
            }
        }
        let mount_options = class.mount_options.clone().unwrap_or_default();
        if !mount_options.is_empty() {
            self.provisioning_failed(
                &claim,
                format!(
                    "Mount options are not supported by the provisioner but StorageClass {:?} has mount options [{}]",
                    class.metadata.name.as_deref().unwrap_or_default(),
                    mount_options.join(" ")
                ),
            );
            return;
        }
        self.provisioning_failed(
            &claim,
            format!(
                "Failed to create provisioner: provisioning in volume plugin {HOST_PATH_PLUGIN:?} is disabled"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn class(value: serde_json::Value) -> Arc<StorageClass> {
        Arc::new(serde_json::from_value(value).unwrap())
    }

    #[test]
    fn provisioners_are_external_migrated_host_path_or_unknown() {
        let of =
            |p: &str| provisioner_for(&class(json!({"metadata": {"name": "c"}, "provisioner": p})));
        assert_eq!(
            of("example.com/nfs"),
            Ok(Provisioner::External("example.com/nfs".into()))
        );
        assert_eq!(
            of("kubernetes.io/aws-ebs"),
            Ok(Provisioner::External("ebs.csi.aws.com".into()))
        );
        assert_eq!(
            of("kubernetes.io/gce-pd"),
            Ok(Provisioner::External("pd.csi.storage.gke.io".into()))
        );
        assert_eq!(of("kubernetes.io/host-path"), Ok(Provisioner::HostPath));
        assert_eq!(
            of("kubernetes.io/no-provisioner"),
            Err("no volume plugin matched name: kubernetes.io/no-provisioner".into())
        );
        assert_eq!(
            of("kubernetes.io/nfs"),
            Err("no provisionable volume plugin matched".into())
        );
    }

    #[test]
    fn the_newest_default_class_wins_then_the_first_name() {
        let c = |name: &str, created: &str, default: Option<(&str, &str)>| {
            let mut annotations = serde_json::Map::new();
            if let Some((key, value)) = default {
                annotations.insert(key.into(), value.into());
            }
            class(
                json!({"metadata": {"name": name, "creationTimestamp": created,
                                      "annotations": annotations},
                         "provisioner": "p"}),
            )
        };
        let ga = Some(("storageclass.kubernetes.io/is-default-class", "true"));
        let beta = Some(("storageclass.beta.kubernetes.io/is-default-class", "true"));
        let no = Some(("storageclass.kubernetes.io/is-default-class", "false"));
        let name = |classes: &[Arc<StorageClass>]| {
            default_class(classes).and_then(|c| c.metadata.name.clone())
        };
        assert_eq!(name(&[c("a", "2026-01-01T00:00:00Z", None)]), None);
        assert_eq!(name(&[c("a", "2026-01-01T00:00:00Z", no)]), None);
        assert_eq!(
            name(&[
                c("old", "2026-01-01T00:00:00Z", ga),
                c("new", "2026-01-02T00:00:00Z", beta),
                c("plain", "2026-01-03T00:00:00Z", None),
            ])
            .as_deref(),
            Some("new")
        );
        assert_eq!(
            name(&[
                c("b", "2026-01-01T00:00:00Z", ga),
                c("a", "2026-01-01T00:00:00Z", ga)
            ])
            .as_deref(),
            Some("a")
        );
    }

    #[test]
    fn migrated_provisioners_get_migrated_to_and_others_lose_it() {
        let mut claim: BTreeMap<String, String> = [(
            ANN_BETA_STORAGE_PROVISIONER.into(),
            "kubernetes.io/cinder".into(),
        )]
        .into();
        assert!(update_migration_annotations(&mut claim, true));
        assert_eq!(claim[ANN_MIGRATED_TO], "cinder.csi.openstack.org");
        assert!(!update_migration_annotations(&mut claim, true));
        let mut volume: BTreeMap<String, String> = [
            (ANN_DYNAMICALLY_PROVISIONED.into(), "example.com/x".into()),
            (ANN_MIGRATED_TO.into(), "old".into()),
        ]
        .into();
        assert!(update_migration_annotations(&mut volume, false));
        assert!(!volume.contains_key(ANN_MIGRATED_TO));
        // A claim's provisioner does not count on a volume, and the reverse.
        let mut statically_made: BTreeMap<String, String> = [(
            ANN_STORAGE_PROVISIONER.into(),
            "kubernetes.io/gce-pd".into(),
        )]
        .into();
        assert!(!update_migration_annotations(&mut statically_made, false));
    }

    #[test]
    fn in_tree_provisioned_volumes_carry_the_deletion_finalizer_while_they_delete() {
        let volume = |provisioner: Option<&str>, policy: &str, finalizers: &[&str]| {
            let mut metadata = json!({"name": "pv", "finalizers": finalizers});
            if let Some(p) = provisioner {
                metadata["annotations"] = json!({ANN_DYNAMICALLY_PROVISIONED: p});
            }
            serde_json::from_value::<PersistentVolume>(json!({
                "metadata": metadata,
                "spec": {"persistentVolumeReclaimPolicy": policy}}))
            .unwrap()
        };
        assert_eq!(
            modify_deletion_finalizers(&volume(None, "Delete", &[])),
            None
        );
        assert_eq!(
            modify_deletion_finalizers(&volume(Some("kubernetes.io/host-path"), "Delete", &[])),
            Some(vec![PV_DELETION_IN_TREE_PROTECTION_FINALIZER.to_owned()])
        );
        assert_eq!(
            modify_deletion_finalizers(&volume(
                Some("kubernetes.io/host-path"),
                "Retain",
                &[
                    PV_DELETION_IN_TREE_PROTECTION_FINALIZER,
                    PV_DELETION_PROTECTION_FINALIZER
                ]
            )),
            Some(vec![])
        );
        assert_eq!(
            modify_deletion_finalizers(&volume(
                Some("kubernetes.io/aws-ebs"),
                "Delete",
                &[PV_DELETION_IN_TREE_PROTECTION_FINALIZER]
            )),
            Some(vec![])
        );
        assert_eq!(
            modify_deletion_finalizers(&volume(
                Some("ebs.csi.aws.com"),
                "Delete",
                &[PV_DELETION_PROTECTION_FINALIZER]
            )),
            None
        );
    }
}
