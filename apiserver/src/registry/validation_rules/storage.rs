//! PersistentVolume and PersistentVolumeClaim rules of `pkg/apis/core/validation`
//! (`ValidatePersistentVolumeSpec`, `ValidatePersistentVolumeClaimSpec` and their updates) and
//! StorageClass rules of `pkg/apis/storage/validation`.
//!
//! 1.34 gates honoured: VolumeAttributesClass and RecoverVolumeExpansionFailure are on. Volume
//! source internals (paths, servers, drivers) and PV node affinity terms are not validated; the
//! diff after the first line of the immutability `Forbidden` messages is our own rendering,
//! not `cmp.Diff`.

use serde_json::{Map, Value, json};

use super::meta::validate_label_selector;
use super::names::{dns1123_label, dns1123_subdomain, qualified_name};
use super::pod_update::spec_diff;
use super::quantity::Quantity;
use super::{arr_of, child, invalid_each, obj_of, present, semantic_eq, str_of, str_or_empty};
use crate::endpoints::status::FieldError;

const ACCESS_MODES: [&str; 4] = [
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];
const VOLUME_MODES: [&str; 2] = ["Block", "Filesystem"];
const STORAGE_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

/// PersistentVolume sources in the order `ValidatePersistentVolumeSpec` checks them, with the
/// path upstream reports for a second source.
const PV_SOURCES: &[(&str, &str)] = &[
    ("hostPath", "hostPath"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("glusterfs", "glusterfs"),
    ("flocker", "flocker"),
    ("nfs", "nfs"),
    ("rbd", "rbd"),
    ("quobyte", "quobyte"),
    ("cephfs", "cephFS"),
    ("iscsi", "iscsi"),
    ("cinder", "cinder"),
    ("fc", "fc"),
    ("flexVolume", ""),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"),
    ("scaleIO", "scaleIO"),
    ("local", "local"),
    ("storageos", "storageos"),
    ("csi", "csi"),
];

/// The supported-mode checks shared by PVs and PVCs.
fn access_mode_rules(spec: &Value, path: &str, required_detail: &str) -> Vec<FieldError> {
    let modes = arr_of(spec, "accessModes");
    let mut errs = Vec::new();
    if modes.is_empty() {
        errs.push(FieldError::required(path, required_detail));
    }
    let (mut rwop, mut other) = (false, false);
    for m in modes {
        let m = m.as_str().unwrap_or("");
        if !ACCESS_MODES.contains(&m) {
            errs.push(FieldError::not_supported(path, m, &ACCESS_MODES));
        } else if m == "ReadWriteOncePod" {
            rwop = true;
        } else {
            other = true;
        }
    }
    if rwop && other {
        errs.push(FieldError::forbidden(
            path,
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    errs
}

/// A quantity map as Go renders a `ResourceList` (canonical quantities).
fn resource_list_json(m: Option<&Map<String, Value>>) -> Value {
    let Some(m) = m else {
        return Value::Null;
    };
    let canon = |v: &Value| {
        let s = v.as_str().unwrap_or("");
        Quantity::parse(s).map_or(s.to_owned(), |q| q.canonical())
    };
    Value::Object(
        m.iter()
            .map(|(k, v)| (k.clone(), json!(canon(v))))
            .collect(),
    )
}

fn class_name_rules(value: &str, path: &str) -> Vec<FieldError> {
    invalid_each(path, value, dns1123_subdomain(value))
}

/// `path.Clean(p) == "/"`.
fn cleans_to_root(p: &str) -> bool {
    p.starts_with('/')
        && p.split('/')
            .all(|seg| seg.is_empty() || seg == "." || seg == "..")
}

/// `ValidatePersistentVolumeSpec` for a PersistentVolume object.
pub fn validate_persistent_volume(pv: &Value) -> Vec<FieldError> {
    let spec = child(pv, "spec");
    let mut errs = access_mode_rules(spec, "spec.accessModes", "");
    let capacity = obj_of(spec, "capacity");
    if capacity.is_none_or(Map::is_empty) {
        errs.push(FieldError::required("spec.capacity", ""));
    }
    if capacity.is_none_or(|c| !c.contains_key("storage") || c.len() > 1) {
        errs.push(FieldError::not_supported(
            "spec.capacity",
            resource_list_json(capacity),
            &["storage"],
        ));
    }
    for (r, q) in capacity.into_iter().flatten() {
        let path = format!("spec.capacity[{r}]");
        let Some(q) = q.as_str().and_then(Quantity::parse) else {
            continue;
        };
        if q.value() < 0 {
            let v = i64::try_from(q.value()).unwrap_or(i64::MIN);
            errs.push(FieldError::invalid(
                &path,
                v,
                "must be a valid resource quantity",
            ));
        }
        if !q.is_positive() {
            errs.push(FieldError::invalid(
                &path,
                q.canonical(),
                "must be greater than zero",
            ));
        }
    }
    let policy = str_or_empty(spec, "persistentVolumeReclaimPolicy");
    if !policy.is_empty() && !matches!(policy, "Delete" | "Recycle" | "Retain") {
        errs.push(FieldError::not_supported(
            "spec.persistentVolumeReclaimPolicy",
            policy,
            &["Delete", "Recycle", "Retain"],
        ));
    }
    let affinity = present(spec, "nodeAffinity");
    if let Some(a) = affinity
        && present(a, "required").is_none()
    {
        errs.push(FieldError::required(
            "spec.nodeAffinity.required",
            "must specify required node constraints",
        ));
    }
    let mut count = 0;
    for (field, forbidden_path) in PV_SOURCES {
        if present(spec, field).is_none() {
            continue;
        }
        if count > 0 && !forbidden_path.is_empty() {
            errs.push(FieldError::forbidden(
                format!("spec.{forbidden_path}"),
                "may not specify more than 1 volume type",
            ));
            continue;
        }
        count += 1;
        if *field == "local" && affinity.is_none() {
            errs.push(FieldError::required(
                "spec.nodeAffinity",
                "Local volume requires node affinity",
            ));
        }
    }
    if count == 0 {
        errs.push(FieldError::required("spec", "must specify a volume type"));
    }
    if let Some(host) = present(spec, "hostPath")
        && cleans_to_root(str_or_empty(host, "path"))
        && policy == "Recycle"
    {
        errs.push(FieldError::forbidden(
            "spec.persistentVolumeReclaimPolicy",
            "may not be 'recycle' for a hostPath mount of '/'",
        ));
    }
    let class = str_or_empty(spec, "storageClassName");
    if !class.is_empty() {
        errs.extend(class_name_rules(class, "spec.storageClassName"));
    }
    errs.extend(volume_mode_rules(spec));
    if let Some(vac) = present(spec, "volumeAttributesClassName") {
        let vac = vac.as_str().unwrap_or("");
        let path = "spec.volumeAttributesClassName";
        match vac.is_empty() {
            true => errs.push(FieldError::required(path, "an empty string is disallowed")),
            false => errs.extend(class_name_rules(vac, path)),
        }
        if present(spec, "csi").is_none() {
            errs.push(FieldError::required(
                "spec.csi",
                "has to be specified when using volumeAttributesClassName",
            ));
        }
    }
    errs
}

fn volume_mode_rules(spec: &Value) -> Option<FieldError> {
    let mode = str_of(spec, "volumeMode")?;
    (!VOLUME_MODES.contains(&mode))
        .then(|| FieldError::not_supported("spec.volumeMode", mode, &VOLUME_MODES))
}

/// `ValidateImmutableField(volumeMode)` at upstream's path (`volumeMode`, without `spec`).
fn volume_mode_immutable(new: &Value, old: &Value) -> Option<FieldError> {
    let (n, o) = (
        child(child(new, "spec"), "volumeMode"),
        child(child(old, "spec"), "volumeMode"),
    );
    (!semantic_eq(n, o)).then(|| FieldError::immutable("volumeMode", n.clone()))
}

/// `ValidatePersistentVolumeUpdate` (update-only part).
pub fn validate_persistent_volume_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let (ns, os) = (child(new, "spec"), child(old, "spec"));
    let source = |spec: &Value, drop_expand_secret: bool| -> Value {
        let mut m = Map::new();
        for (field, _) in PV_SOURCES {
            if let Some(v) = present(spec, field) {
                m.insert((*field).to_owned(), v.clone());
            }
        }
        if drop_expand_secret && let Some(Value::Object(csi)) = m.get_mut("csi") {
            csi.remove("controllerExpandSecretRef");
        }
        Value::Object(m)
    };
    // A CSI volume may gain a `controllerExpandSecretRef` it did not have.
    let old_lacks_secret = present(child(os, "csi"), "controllerExpandSecretRef").is_none();
    let (old_src, new_src) = (source(os, false), source(ns, old_lacks_secret));
    let mut errs = Vec::new();
    if !semantic_eq(&new_src, &old_src) {
        let mut diff = Vec::new();
        spec_diff(&old_src, &new_src, "spec", &mut diff);
        errs.push(FieldError::forbidden(
            "spec.persistentvolumesource",
            format!(
                "spec.persistentvolumesource is immutable after creation\n{}",
                diff.join("\n")
            ),
        ));
    }
    errs.extend(volume_mode_immutable(new, old));
    if present(os, "volumeAttributesClassName").is_some()
        && present(ns, "volumeAttributesClassName").is_none()
    {
        errs.push(FieldError::forbidden(
            "spec.volumeAttributesClassName",
            "update from non-nil value to nil is forbidden",
        ));
    }
    errs
}

/// `ValidatePersistentVolumeClaimSpec` for a PersistentVolumeClaim object.
pub fn validate_persistent_volume_claim(pvc: &Value) -> Vec<FieldError> {
    let spec = child(pvc, "spec");
    let mut errs = access_mode_rules(
        spec,
        "spec.accessModes",
        "at least 1 access mode is required",
    );
    if let Some(sel) = obj_of(spec, "selector") {
        // Reported after the empty-modes check and before the mode values, as upstream.
        let sel_errs = validate_label_selector(sel, "spec.selector");
        let at = usize::from(arr_of(spec, "accessModes").is_empty());
        errs.splice(at..at, sel_errs);
    }
    let spath = "spec.resources[storage]";
    match str_of(child(child(spec, "resources"), "requests"), "storage") {
        None => errs.push(FieldError::required(spath, "")),
        Some(q) => {
            if let Some(q) = Quantity::parse(q)
                && !q.is_positive()
            {
                errs.push(FieldError::invalid(
                    spath,
                    q.canonical(),
                    "must be greater than zero",
                ));
            }
        }
    }
    if let Some(class) = str_of(spec, "storageClassName").filter(|c| !c.is_empty()) {
        errs.extend(class_name_rules(class, "spec.storageClassName"));
    }
    errs.extend(volume_mode_rules(spec));
    let ds = present(spec, "dataSource");
    let dsr = present(spec, "dataSourceRef");
    if let Some(ds) = ds {
        errs.extend(data_source_rules(ds, "spec.dataSource"));
    }
    if let Some(dsr) = dsr {
        errs.extend(data_source_rules(dsr, "spec.dataSourceRef"));
        if let Some(ns) = str_of(dsr, "namespace").filter(|n| !n.is_empty()) {
            errs.extend(invalid_each(
                "spec.dataSourceRef.namespace",
                ns,
                dns1123_label(ns),
            ));
        }
    }
    // Upstream passes a `*field.Path` as the bad value, which renders as `{}`.
    let path_value = json!({});
    let ref_namespace = dsr
        .and_then(|r| str_of(r, "namespace"))
        .filter(|n| !n.is_empty());
    if ref_namespace.is_some() {
        if ds.is_some() {
            errs.push(FieldError::invalid(
                "spec",
                path_value,
                "may not be specified when dataSourceRef.namespace is specified",
            ));
        }
    } else if let (Some(ds), Some(dsr)) = (ds, dsr) {
        let same = ["apiGroup", "kind", "name"]
            .iter()
            .all(|k| child(ds, k) == child(dsr, k));
        if !same {
            errs.push(FieldError::invalid(
                "spec",
                path_value,
                "must match dataSourceRef",
            ));
        }
    }
    if let Some(vac) = str_of(spec, "volumeAttributesClassName").filter(|v| !v.is_empty()) {
        errs.extend(class_name_rules(vac, "spec.volumeAttributesClassName"));
    }
    errs
}

/// `validateDataSource` / `validateDataSourceRef` (without the namespace).
fn data_source_rules(ds: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for field in ["name", "kind"] {
        if str_or_empty(ds, field).is_empty() {
            errs.push(FieldError::required(format!("{path}.{field}"), ""));
        }
    }
    let group = str_or_empty(ds, "apiGroup");
    let kind = str_or_empty(ds, "kind");
    if group.is_empty() && kind != "PersistentVolumeClaim" {
        errs.push(FieldError::invalid(
            path,
            kind,
            "must be 'PersistentVolumeClaim' when referencing the default apiGroup",
        ));
    }
    if !group.is_empty() {
        errs.extend(invalid_each(
            &format!("{path}.apiGroup"),
            group,
            dns1123_subdomain(group),
        ));
    }
    errs
}

/// `ValidatePersistentVolumeClaimUpdate` (update-only part).
pub fn validate_persistent_volume_claim_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let (ns, os) = (child(new, "spec"), child(old, "spec"));
    let (mut new_clone, mut old_clone) = (ns.clone(), os.clone());
    let mut errs = Vec::new();
    // The PV controller binds a claim by setting `volumeName` once.
    if str_or_empty(os, "volumeName").is_empty() {
        set(&mut old_clone, "volumeName", ns.get("volumeName"));
    }
    let annotation = |v: &Value| {
        str_of(
            child(child(v, "metadata"), "annotations"),
            STORAGE_CLASS_ANNOTATION,
        )
        .map(str::to_owned)
    };
    let (old_ann, new_ann) = (annotation(old), annotation(new));
    let (old_sc, new_sc) = (
        str_of(os, "storageClassName"),
        str_of(ns, "storageClassName"),
    );
    let upgrade_from_annotation = old_ann.is_some()
        && old_sc.is_none()
        && new_sc.is_some_and(|n| Some(n) == old_ann.as_deref())
        && (new_ann.is_none() || new_ann == old_ann);
    if upgrade_from_annotation {
        set(&mut new_clone, "storageClassName", None);
    } else {
        if new_ann != old_ann {
            errs.push(FieldError::immutable(
                format!("metadata.annotations.{STORAGE_CLASS_ANNOTATION}"),
                new_ann.clone().unwrap_or_default(),
            ));
        }
        let upgrade_from_nil = new_sc.is_some()
            && old_sc.is_none()
            && (old_ann.is_none() || new_sc == old_ann.as_deref());
        if upgrade_from_nil {
            set(
                &mut new_clone,
                "storageClassName",
                os.get("storageClassName"),
            );
        }
    }
    let bound = str_of(child(new, "status"), "phase") == Some("Bound");
    if bound {
        if let Some(Value::Object(req)) = new_clone.pointer_mut("/resources/requests") {
            match os.pointer("/resources/requests/storage") {
                Some(v) => req.insert("storage".into(), v.clone()),
                None => req.remove("storage"),
            };
        }
        if present(&new_clone, "volumeAttributesClassName").is_some() {
            set(
                &mut new_clone,
                "volumeAttributesClassName",
                old_clone.get("volumeAttributesClassName").cloned().as_ref(),
            );
        }
    }
    if !semantic_eq(&new_clone, &old_clone) {
        let mut diff = Vec::new();
        spec_diff(&old_clone, &new_clone, "spec", &mut diff);
        errs.push(FieldError::forbidden(
            "spec",
            format!(
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n{}",
                diff.join("\n")
            ),
        ));
    }
    let size = |v: &Value, ptr: &str| {
        v.pointer(ptr)
            .and_then(Value::as_str)
            .and_then(Quantity::parse)
    };
    let (old_size, new_size) = (
        size(os, "/resources/requests/storage"),
        size(ns, "/resources/requests/storage"),
    );
    if let (Some(o), Some(n)) = (old_size, new_size)
        && n.compare(&o).is_lt()
    {
        // RecoverVolumeExpansionFailure: shrinking is allowed down to above `status.capacity`.
        let status = size(old, "/status/capacity/storage");
        if status.is_some_and(|s| n.compare(&s).is_le()) || (status.is_none() && !n.is_positive()) {
            errs.push(FieldError::forbidden(
                "spec.resources.requests.storage",
                "field can not be less than status.capacity",
            ));
        }
    }
    errs.extend(volume_mode_immutable(new, old));
    if present(os, "volumeAttributesClassName").is_some() {
        match str_of(ns, "volumeAttributesClassName") {
            None => errs.push(FieldError::forbidden(
                "spec.volumeAttributesClassName",
                "update from non-nil value to nil is forbidden",
            )),
            Some("") => errs.push(FieldError::forbidden(
                "spec.volumeAttributesClassName",
                "update from non-nil value to an empty string is forbidden",
            )),
            Some(_) => {}
        }
    }
    errs
}

/// Sets (or removes, for `None`) `obj[key]`.
fn set(obj: &mut Value, key: &str, value: Option<&Value>) {
    if let Some(m) = obj.as_object_mut() {
        match value {
            Some(v) => m.insert(key.to_owned(), v.clone()),
            None => m.remove(key),
        };
    }
}

/// `ValidateStorageClass` (without ObjectMeta).
pub fn validate_storage_class(sc: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let provisioner = str_or_empty(sc, "provisioner");
    if provisioner.is_empty() {
        errs.push(FieldError::required("provisioner", ""));
    } else {
        let lower = provisioner.to_lowercase();
        errs.extend(invalid_each("provisioner", &lower, qualified_name(&lower)));
    }
    if let Some(params) = obj_of(sc, "parameters") {
        if params.len() > 512 {
            errs.push(FieldError::too_long("parameters", 512));
        } else {
            let mut total = 0usize;
            for (k, v) in params {
                if k.is_empty() {
                    errs.push(FieldError::invalid(
                        "parameters",
                        "",
                        "field can not be empty.",
                    ));
                }
                total += k.len() + v.as_str().map_or(0, str::len);
            }
            if total > 256 * 1024 {
                errs.push(FieldError::too_long("parameters", 256 * 1024));
            }
        }
    }
    let policy = str_or_empty(sc, "reclaimPolicy");
    if !policy.is_empty() && !matches!(policy, "Delete" | "Retain") {
        errs.push(FieldError::not_supported(
            "reclaimPolicy",
            policy,
            &["Delete", "Retain"],
        ));
    }
    match present(sc, "volumeBindingMode").map(|m| m.as_str().unwrap_or("")) {
        None => errs.push(FieldError::required("volumeBindingMode", "")),
        Some("Immediate" | "WaitForFirstConsumer") => {}
        Some(m) => errs.push(FieldError::not_supported(
            "volumeBindingMode",
            m,
            &["Immediate", "WaitForFirstConsumer"],
        )),
    }
    errs
}

/// `ValidateStorageClassUpdate`: parameters, provisioner, reclaim policy and binding mode are
/// immutable.
pub fn validate_storage_class_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let params = |v: &Value| obj_of(v, "parameters").filter(|m| !m.is_empty()).cloned();
    if params(new) != params(old) {
        errs.push(FieldError::forbidden(
            "parameters",
            "updates to parameters are forbidden.",
        ));
    }
    for field in ["provisioner", "reclaimPolicy"] {
        if str_or_empty(new, field) != str_or_empty(old, field) {
            errs.push(FieldError::forbidden(
                field,
                format!("updates to {field} are forbidden."),
            ));
        }
    }
    let (n, o) = (
        child(new, "volumeBindingMode"),
        child(old, "volumeBindingMode"),
    );
    if n != o {
        errs.push(FieldError::immutable("volumeBindingMode", n.clone()));
    }
    errs
}
