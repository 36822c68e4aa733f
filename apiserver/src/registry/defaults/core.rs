//! Defaults of the core (`""`, `v1`) group.
//!
//! Ports pkg/apis/core/v1/defaults.go plus the declarative `+default` tags and the nesting
//! of pkg/apis/core/v1/zz_generated.defaults.go.

use serde_json::{Value, json};

use super::image::default_pull_policy;
use super::json::{
    Obj, child_ptr, child_struct, default_num, default_ptr, default_str, is_empty_coll,
    is_empty_str, is_nil, is_zero_num, items_mut, nonempty_map, str_of,
};

/// Octal 0644, the default mode of secret, configMap, downwardAPI and projected volumes.
const DEFAULT_MODE: i64 = 0o644;

/// Every pointer field of `v1.VolumeSource`; `SetDefaults_Volume` checks that all are nil.
const VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

/// Applies the defaults of one core kind (`SetObjectDefaults_<Kind>`).
pub(super) fn apply(kind: &str, obj: &mut Obj) {
    match kind {
        "Pod" => pod(obj),
        "PodTemplate" => {
            if let Some(t) = child_struct(obj, "template") {
                pod_template_spec(t);
            }
        }
        "ReplicationController" => replication_controller(obj),
        "Service" => service(obj),
        "Secret" => default_str(obj, "type", "Opaque"),
        "Endpoints" => endpoints(obj),
        "Namespace" => namespace(obj),
        "Node" => node(obj),
        "PersistentVolume" => persistent_volume(obj),
        "PersistentVolumeClaim" => persistent_volume_claim(obj),
        "LimitRange" => limit_range(obj),
        // ConfigMap: SetDefaults_ConfigMap only turns a nil `data` into an empty map, which
        // `omitempty` hides on the wire, so nothing observable changes.
        _ => {}
    }
}

/// `SetObjectDefaults_Pod`: `SetDefaults_Pod`, then the PodSpec defaults.
fn pod(obj: &mut Obj) {
    let Some(spec) = child_struct(obj, "spec") else {
        return;
    };
    // SetDefaults_Pod: requests default to limits (regular and init containers only).
    for key in ["containers", "initContainers"] {
        for c in items_mut(spec, key) {
            requests_from_limits(c);
        }
    }
    default_ptr(spec, "enableServiceLinks", Value::Bool(true));
    if spec.get("hostNetwork") == Some(&Value::Bool(true)) {
        for key in ["containers", "initContainers"] {
            for c in items_mut(spec, key) {
                for p in items_mut(c, "ports") {
                    // A zero containerPort leaves hostPort zero, which is what it was.
                    if is_zero_num(p, "hostPort")
                        && let Some(cp @ Value::Number(_)) = p.get("containerPort").cloned()
                    {
                        p.insert("hostPort".to_owned(), cp);
                    }
                }
            }
        }
    }
    pod_spec(spec);
}

/// Copies limits into requests for resources that have no request (`SetDefaults_Pod`).
fn requests_from_limits(container: &mut Obj) {
    let Some(res) = child_struct(container, "resources") else {
        return;
    };
    let Some(Value::Object(limits)) = res.get("limits") else {
        return;
    };
    let limits = limits.clone();
    if limits.is_empty() {
        // An empty non-nil map would create an empty requests map, hidden by omitempty.
        return;
    }
    if is_nil(res, "requests") {
        res.insert("requests".to_owned(), Value::Object(Obj::new()));
    }
    if let Some(Value::Object(requests)) = res.get_mut("requests") {
        for (k, v) in limits {
            requests.entry(k).or_insert(v);
        }
    }
}

/// Defaults of a `PodTemplateSpec` (the template's `spec` is a struct field).
pub(super) fn pod_template_spec(template: &mut Obj) {
    if let Some(spec) = child_struct(template, "spec") {
        pod_spec(spec);
    }
}

/// `SetDefaults_PodSpec` and the generated defaults of everything nested in a PodSpec.
fn pod_spec(spec: &mut Obj) {
    default_str(spec, "dnsPolicy", "ClusterFirst");
    default_str(spec, "restartPolicy", "Always");
    default_ptr(spec, "securityContext", json!({}));
    default_ptr(spec, "terminationGracePeriodSeconds", json!(30));
    default_str(spec, "schedulerName", "default-scheduler");
    for v in items_mut(spec, "volumes") {
        volume(v);
    }
    for key in ["initContainers", "containers", "ephemeralContainers"] {
        for c in items_mut(spec, key) {
            container(c);
        }
    }
}

/// `SetDefaults_Container` (also used for ephemeral containers) and nested defaults.
fn container(c: &mut Obj) {
    if is_empty_str(c, "imagePullPolicy")
        && let Some(image) = str_of(c, "image")
    {
        let policy = default_pull_policy(image);
        c.insert("imagePullPolicy".to_owned(), json!(policy));
    }
    default_str(c, "terminationMessagePath", "/dev/termination-log");
    default_str(c, "terminationMessagePolicy", "File");
    for p in items_mut(c, "ports") {
        default_str(p, "protocol", "TCP");
    }
    for e in items_mut(c, "env") {
        if let Some(fr) = child_ptr(e, "valueFrom").and_then(|vf| child_ptr(vf, "fieldRef")) {
            default_str(fr, "apiVersion", "v1");
        }
    }
    for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = child_ptr(c, key) {
            probe(p);
        }
    }
    if let Some(lc) = child_ptr(c, "lifecycle") {
        for key in ["postStart", "preStop"] {
            if let Some(h) = child_ptr(lc, key).and_then(|h| child_ptr(h, "httpGet")) {
                http_get(h);
            }
        }
    }
}

/// `SetDefaults_Probe` plus the handler defaults.
fn probe(p: &mut Obj) {
    default_num(p, "timeoutSeconds", 1);
    default_num(p, "periodSeconds", 10);
    default_num(p, "successThreshold", 1);
    default_num(p, "failureThreshold", 3);
    if let Some(h) = child_ptr(p, "httpGet") {
        http_get(h);
    }
    if let Some(g) = child_ptr(p, "grpc") {
        // GRPCAction.Service: +default=""
        default_ptr(g, "service", json!(""));
    }
}

/// `SetDefaults_HTTPGetAction`.
fn http_get(h: &mut Obj) {
    default_str(h, "path", "/");
    default_str(h, "scheme", "HTTP");
}

/// `SetDefaults_Volume` and the defaults of each volume source.
fn volume(v: &mut Obj) {
    if VOLUME_SOURCES.iter().all(|k| is_nil(v, k)) {
        v.insert("emptyDir".to_owned(), json!({}));
    }
    // ImageVolume is beta but off by default in 1.34, so image.pullPolicy is not defaulted.
    if let Some(h) = child_ptr(v, "hostPath") {
        default_ptr(h, "type", json!(""));
    }
    if let Some(s) = child_ptr(v, "secret") {
        default_ptr(s, "defaultMode", json!(DEFAULT_MODE));
    }
    if let Some(s) = child_ptr(v, "configMap") {
        default_ptr(s, "defaultMode", json!(DEFAULT_MODE));
    }
    if let Some(d) = child_ptr(v, "downwardAPI") {
        default_ptr(d, "defaultMode", json!(DEFAULT_MODE));
        downward_api_items(d);
    }
    if let Some(p) = child_ptr(v, "projected") {
        default_ptr(p, "defaultMode", json!(DEFAULT_MODE));
        for src in items_mut(p, "sources") {
            if let Some(d) = child_ptr(src, "downwardAPI") {
                downward_api_items(d);
            }
            if let Some(t) = child_ptr(src, "serviceAccountToken") {
                default_ptr(t, "expirationSeconds", json!(3600));
            }
        }
    }
    if let Some(e) = child_ptr(v, "ephemeral")
        && let Some(spec) =
            child_ptr(e, "volumeClaimTemplate").and_then(|t| child_struct(t, "spec"))
    {
        pvc_spec(spec);
    }
    legacy_sources(v);
}

/// Defaults of the in-tree sources shared by `VolumeSource` and `PersistentVolumeSource`.
fn legacy_sources(src: &mut Obj) {
    if let Some(i) = child_ptr(src, "iscsi") {
        default_str(i, "iscsiInterface", "default");
    }
    if let Some(r) = child_ptr(src, "rbd") {
        default_str(r, "pool", "rbd");
        default_str(r, "user", "admin");
        default_str(r, "keyring", "/etc/ceph/keyring");
    }
    if let Some(a) = child_ptr(src, "azureDisk") {
        default_ptr(a, "cachingMode", json!("ReadWrite"));
        default_ptr(a, "kind", json!("Shared"));
        default_ptr(a, "fsType", json!("ext4"));
        default_ptr(a, "readOnly", json!(false));
    }
    if let Some(s) = child_ptr(src, "scaleIO") {
        default_str(s, "storageMode", "ThinProvisioned");
        default_str(s, "fsType", "xfs");
    }
}

fn downward_api_items(d: &mut Obj) {
    for item in items_mut(d, "items") {
        if let Some(fr) = child_ptr(item, "fieldRef") {
            default_str(fr, "apiVersion", "v1");
        }
    }
}

/// `SetDefaults_PersistentVolumeClaimSpec`.
fn pvc_spec(spec: &mut Obj) {
    default_ptr(spec, "volumeMode", json!("Filesystem"));
}

/// `SetObjectDefaults_PersistentVolumeClaim` (also used for StatefulSet claim templates).
pub(super) fn persistent_volume_claim(obj: &mut Obj) {
    if let Some(status) = child_struct(obj, "status") {
        default_str(status, "phase", "Pending");
    }
    if let Some(spec) = child_struct(obj, "spec") {
        pvc_spec(spec);
    }
}

/// Defaults of a `PersistentVolumeSource` (inline in a PV spec or a VolumeAttachment).
pub(super) fn persistent_volume_source(spec: &mut Obj) {
    if let Some(h) = child_ptr(spec, "hostPath") {
        default_ptr(h, "type", json!(""));
    }
    legacy_sources(spec);
}

/// `SetObjectDefaults_PersistentVolume`.
fn persistent_volume(obj: &mut Obj) {
    if let Some(status) = child_struct(obj, "status") {
        default_str(status, "phase", "Pending");
    }
    if let Some(spec) = child_struct(obj, "spec") {
        default_str(spec, "persistentVolumeReclaimPolicy", "Retain");
        default_ptr(spec, "volumeMode", json!("Filesystem"));
        persistent_volume_source(spec);
    }
}

/// `SetDefaults_ReplicationController` (+ `replicas` `+default=1`) and the template.
fn replication_controller(obj: &mut Obj) {
    let Some(spec) = child_struct(obj, "spec") else {
        return;
    };
    let labels = child_ptr(spec, "template")
        .and_then(|t| child_ptr(t, "metadata"))
        .and_then(|m| nonempty_map(m, "labels"));
    if let Some(labels) = labels {
        if is_empty_coll(spec, "selector") {
            spec.insert("selector".to_owned(), Value::Object(labels.clone()));
        }
        copy_labels_if_empty(obj, labels);
    }
    let Some(spec) = child_struct(obj, "spec") else {
        return;
    };
    default_ptr(spec, "replicas", json!(1));
    if let Some(t) = child_ptr(spec, "template") {
        pod_template_spec(t);
    }
}

/// Sets `metadata.labels` to `labels` when the object has no labels (RC and Job defaults).
pub(super) fn copy_labels_if_empty(obj: &mut Obj, labels: Obj) {
    if let Some(meta) = child_struct(obj, "metadata")
        && is_empty_coll(meta, "labels")
    {
        meta.insert("labels".to_owned(), Value::Object(labels));
    }
}

/// `SetObjectDefaults_Service`.
fn service(obj: &mut Obj) {
    let Some(spec) = child_struct(obj, "spec") else {
        return;
    };
    default_str(spec, "sessionAffinity", "None");
    match str_of(spec, "sessionAffinity") {
        Some("None") => {
            spec.remove("sessionAffinityConfig");
        }
        Some("ClientIP") => {
            let has_timeout = child_ptr(spec, "sessionAffinityConfig")
                .and_then(|c| child_ptr(c, "clientIP"))
                .is_some_and(|c| !is_nil(c, "timeoutSeconds"));
            let cfg_ok = matches!(spec.get("sessionAffinityConfig"), None | Some(Value::Null))
                || spec
                    .get("sessionAffinityConfig")
                    .is_some_and(Value::is_object);
            if !has_timeout && cfg_ok {
                spec.insert(
                    "sessionAffinityConfig".to_owned(),
                    json!({"clientIP": {"timeoutSeconds": 10800}}),
                );
            }
        }
        _ => {}
    }
    default_str(spec, "type", "ClusterIP");
    for p in items_mut(spec, "ports") {
        default_str(p, "protocol", "TCP");
        let zero = match p.get("targetPort") {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.is_empty(),
            Some(Value::Number(n)) => n.as_f64() == Some(0.0),
            _ => false,
        };
        if zero {
            match p.get("port") {
                Some(port @ Value::Number(_)) => {
                    let port = port.clone();
                    p.insert("targetPort".to_owned(), port);
                }
                None | Some(Value::Null) => {
                    p.insert("targetPort".to_owned(), json!(0));
                }
                _ => {}
            }
        }
    }
    let ty = str_of(spec, "type").unwrap_or_default().to_owned();
    let externally_accessible = ty == "LoadBalancer"
        || ty == "NodePort"
        || (ty == "ClusterIP" && !is_empty_coll(spec, "externalIPs"));
    if externally_accessible {
        default_str(spec, "externalTrafficPolicy", "Cluster");
    }
    if matches!(ty.as_str(), "NodePort" | "LoadBalancer" | "ClusterIP") {
        default_ptr(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    if ty == "LoadBalancer" {
        default_ptr(spec, "allocateLoadBalancerNodePorts", json!(true));
        let ingress = child_ptr(obj, "status")
            .and_then(|s| child_ptr(s, "loadBalancer"))
            .map(|lb| items_mut(lb, "ingress"));
        for ing in ingress.into_iter().flatten() {
            if !is_empty_str(ing, "ip") && is_nil(ing, "ipMode") {
                ing.insert("ipMode".to_owned(), json!("VIP"));
            }
        }
    }
}

/// `SetDefaults_Endpoints`.
fn endpoints(obj: &mut Obj) {
    for ss in items_mut(obj, "subsets") {
        for p in items_mut(ss, "ports") {
            default_str(p, "protocol", "TCP");
        }
    }
}

/// `SetDefaults_Namespace` and `SetDefaults_NamespaceStatus`.
fn namespace(obj: &mut Obj) {
    let name = child_ptr(obj, "metadata").and_then(|m| match m.get("name") {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    });
    if let Some(name) = name
        && let Some(meta) = child_struct(obj, "metadata")
    {
        if is_nil(meta, "labels") {
            meta.insert("labels".to_owned(), json!({}));
        }
        if let Some(Value::Object(labels)) = meta.get_mut("labels") {
            // Always overwritten, exactly like upstream.
            labels.insert(
                "kubernetes.io/metadata.name".to_owned(),
                Value::String(name),
            );
        }
    }
    if let Some(status) = child_struct(obj, "status") {
        default_str(status, "phase", "Active");
    }
}

/// `SetDefaults_NodeStatus`: allocatable defaults to capacity.
fn node(obj: &mut Obj) {
    if let Some(status) = child_ptr(obj, "status")
        && is_nil(status, "allocatable")
        && let Some(cap) = nonempty_map(status, "capacity")
    {
        status.insert("allocatable".to_owned(), Value::Object(cap));
    }
}

/// `SetDefaults_LimitRangeItem` for every item of `spec.limits`.
fn limit_range(obj: &mut Obj) {
    let Some(spec) = child_ptr(obj, "spec") else {
        return;
    };
    for item in items_mut(spec, "limits") {
        if str_of(item, "type") != Some("Container") {
            continue;
        }
        // default <- max, defaultRequest <- default, defaultRequest <- min
        fill_missing(item, "default", "max");
        fill_missing(item, "defaultRequest", "default");
        fill_missing(item, "defaultRequest", "min");
    }
}

/// Adds to map `dst` every key of map `src` that `dst` lacks. A nil `dst` is created only
/// when something is copied (an empty map is invisible behind `omitempty`).
fn fill_missing(item: &mut Obj, dst: &str, src: &str) {
    let Some(Value::Object(from)) = item.get(src) else {
        return;
    };
    let from = from.clone();
    if from.is_empty() {
        return;
    }
    if is_nil(item, dst) {
        item.insert(dst.to_owned(), json!({}));
    }
    if let Some(Value::Object(to)) = item.get_mut(dst) {
        for (k, v) in from {
            to.entry(k).or_insert(v);
        }
    }
}
