//! The core group part of the resource table (`/api/v1`), sorted by resource name.

use super::{
    ALL, BASE, ResourceInfo, SCALE, Subresource, VERBS_CONNECT, VERBS_CREATE, VERBS_GET,
    VERBS_GET_PATCH_UPDATE, VERBS_NO_DELETE_COLLECTION, VERBS_PROXY, VERBS_UPDATE, status, sub,
};

/// A `status` subresource of a core v1 `kind`.
const fn core_status(kind: &'static str) -> Subresource {
    status("", "v1", kind)
}

/// Shared by core v1 and events.k8s.io/v1 events: one storage, stored as core v1 `Event`.
pub(super) const EVENTS: ResourceInfo = ResourceInfo {
    kind: "Event",
    list_kind: "EventList",
    plural: "events",
    singular: "event",
    short_names: &["ev"],
    etcd_prefix: "/registry/events",
    storage_version_hash: "r2yiGXH7wu8=",
    ..BASE
};

pub(super) const TABLE: &[ResourceInfo] = &[
    ResourceInfo {
        kind: "ConfigMap",
        list_kind: "ConfigMapList",
        plural: "configmaps",
        singular: "configmap",
        short_names: &["cm"],
        etcd_prefix: "/registry/configmaps",
        storage_version_hash: "qFsyl6wFWjQ=",
        ..BASE
    },
    ResourceInfo {
        kind: "Endpoints",
        list_kind: "EndpointsList",
        plural: "endpoints",
        singular: "endpoints",
        short_names: &["ep"],
        etcd_prefix: "/registry/services/endpoints",
        storage_version_hash: "fWeeMqaN/OA=",
        ..BASE
    },
    EVENTS,
    ResourceInfo {
        kind: "LimitRange",
        list_kind: "LimitRangeList",
        plural: "limitranges",
        singular: "limitrange",
        short_names: &["limits"],
        etcd_prefix: "/registry/limitranges",
        storage_version_hash: "EBKMFVe6cwo=",
        ..BASE
    },
    ResourceInfo {
        kind: "Namespace",
        list_kind: "NamespaceList",
        plural: "namespaces",
        singular: "namespace",
        namespaced: false,
        short_names: &["ns"],
        verbs: VERBS_NO_DELETE_COLLECTION,
        subresources: &[
            sub("finalize", "", "v1", "Namespace", VERBS_UPDATE),
            core_status("Namespace"),
        ],
        etcd_prefix: "/registry/namespaces",
        storage_version_hash: "Q3oi5N2YM8M=",
        ..BASE
    },
    ResourceInfo {
        kind: "Node",
        list_kind: "NodeList",
        plural: "nodes",
        singular: "node",
        namespaced: false,
        short_names: &["no"],
        subresources: &[
            sub("proxy", "", "v1", "NodeProxyOptions", VERBS_PROXY),
            core_status("Node"),
        ],
        etcd_prefix: "/registry/minions",
        storage_version_hash: "XwShjMxG9Fs=",
        ..BASE
    },
    ResourceInfo {
        kind: "PersistentVolumeClaim",
        list_kind: "PersistentVolumeClaimList",
        plural: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        short_names: &["pvc"],
        subresources: &[core_status("PersistentVolumeClaim")],
        etcd_prefix: "/registry/persistentvolumeclaims",
        storage_version_hash: "QWTyNDq0dC4=",
        ..BASE
    },
    ResourceInfo {
        kind: "PersistentVolume",
        list_kind: "PersistentVolumeList",
        plural: "persistentvolumes",
        singular: "persistentvolume",
        namespaced: false,
        short_names: &["pv"],
        subresources: &[core_status("PersistentVolume")],
        etcd_prefix: "/registry/persistentvolumes",
        storage_version_hash: "HN/zwEC+JgM=",
        ..BASE
    },
    ResourceInfo {
        kind: "Pod",
        list_kind: "PodList",
        plural: "pods",
        singular: "pod",
        short_names: &["po"],
        categories: ALL,
        subresources: &[
            sub("attach", "", "v1", "PodAttachOptions", VERBS_CONNECT),
            sub("binding", "", "v1", "Binding", VERBS_CREATE),
            sub(
                "ephemeralcontainers",
                "",
                "v1",
                "Pod",
                VERBS_GET_PATCH_UPDATE,
            ),
            sub("eviction", "policy", "v1", "Eviction", VERBS_CREATE),
            sub("exec", "", "v1", "PodExecOptions", VERBS_CONNECT),
            sub("log", "", "v1", "Pod", VERBS_GET),
            sub(
                "portforward",
                "",
                "v1",
                "PodPortForwardOptions",
                VERBS_CONNECT,
            ),
            sub("proxy", "", "v1", "PodProxyOptions", VERBS_PROXY),
            // InPlacePodVerticalScaling is beta and on by default since 1.33.
            sub("resize", "", "v1", "Pod", VERBS_GET_PATCH_UPDATE),
            core_status("Pod"),
        ],
        etcd_prefix: "/registry/pods",
        storage_version_hash: "xPOwRZ+Yhw8=",
        ..BASE
    },
    ResourceInfo {
        kind: "PodTemplate",
        list_kind: "PodTemplateList",
        plural: "podtemplates",
        singular: "podtemplate",
        etcd_prefix: "/registry/podtemplates",
        storage_version_hash: "LIXB2x4IFpk=",
        ..BASE
    },
    ResourceInfo {
        kind: "ReplicationController",
        list_kind: "ReplicationControllerList",
        plural: "replicationcontrollers",
        singular: "replicationcontroller",
        short_names: &["rc"],
        categories: ALL,
        subresources: &[SCALE, core_status("ReplicationController")],
        etcd_prefix: "/registry/controllers",
        storage_version_hash: "Jond2If31h0=",
        ..BASE
    },
    ResourceInfo {
        kind: "ResourceQuota",
        list_kind: "ResourceQuotaList",
        plural: "resourcequotas",
        singular: "resourcequota",
        short_names: &["quota"],
        subresources: &[core_status("ResourceQuota")],
        etcd_prefix: "/registry/resourcequotas",
        storage_version_hash: "8uhSgffRX6w=",
        ..BASE
    },
    ResourceInfo {
        kind: "Secret",
        list_kind: "SecretList",
        plural: "secrets",
        singular: "secret",
        etcd_prefix: "/registry/secrets",
        storage_version_hash: "S6u1pOWzb84=",
        ..BASE
    },
    ResourceInfo {
        kind: "ServiceAccount",
        list_kind: "ServiceAccountList",
        plural: "serviceaccounts",
        singular: "serviceaccount",
        short_names: &["sa"],
        subresources: &[sub(
            "token",
            "authentication.k8s.io",
            "v1",
            "TokenRequest",
            VERBS_CREATE,
        )],
        etcd_prefix: "/registry/serviceaccounts",
        storage_version_hash: "pbx9ZvyFpBE=",
        ..BASE
    },
    ResourceInfo {
        kind: "Service",
        list_kind: "ServiceList",
        plural: "services",
        singular: "service",
        short_names: &["svc"],
        categories: ALL,
        subresources: &[
            sub("proxy", "", "v1", "ServiceProxyOptions", VERBS_PROXY),
            core_status("Service"),
        ],
        etcd_prefix: "/registry/services/specs",
        storage_version_hash: "0/CO1lhkEBI=",
        ..BASE
    },
];
