//! Defaults of the `storage.k8s.io` group (`v1`).
//!
//! Ports pkg/apis/storage/v1/defaults.go (SELinuxMountReadWriteOncePod is beta and on by
//! default in 1.34) and the generated PersistentVolumeSource defaults of a VolumeAttachment's
//! inline volume spec. CSINode, CSIStorageCapacity and VolumeAttributesClass have none.

use serde_json::json;

use super::core::persistent_volume_source;
use super::json::{Obj, child_ptr, child_struct, default_ptr, is_empty_coll};

/// Applies the defaults of one `storage.k8s.io` kind.
pub(super) fn apply(kind: &str, obj: &mut Obj) {
    match kind {
        "StorageClass" => {
            default_ptr(obj, "reclaimPolicy", json!("Delete"));
            default_ptr(obj, "volumeBindingMode", json!("Immediate"));
        }
        "CSIDriver" => csi_driver(obj),
        "VolumeAttachment" => {
            let inline = child_ptr(obj, "spec")
                .and_then(|s| child_ptr(s, "source"))
                .and_then(|s| child_ptr(s, "inlineVolumeSpec"));
            if let Some(pv_spec) = inline {
                persistent_volume_source(pv_spec);
            }
        }
        _ => {}
    }
}

/// `SetDefaults_CSIDriver`.
fn csi_driver(obj: &mut Obj) {
    let Some(spec) = child_struct(obj, "spec") else {
        return;
    };
    default_ptr(spec, "attachRequired", json!(true));
    default_ptr(spec, "podInfoOnMount", json!(false));
    default_ptr(spec, "storageCapacity", json!(false));
    default_ptr(spec, "fsGroupPolicy", json!("ReadWriteOnceWithFSType"));
    if is_empty_coll(spec, "volumeLifecycleModes") {
        spec.insert("volumeLifecycleModes".to_owned(), json!(["Persistent"]));
    }
    default_ptr(spec, "requiresRepublish", json!(false));
    default_ptr(spec, "seLinuxMount", json!(false));
}
