//! The named groups part of the resource table (`/apis/<group>/<version>`): groups in discovery
//! order, resources sorted by name within each group-version.

use super::core::EVENTS;
use super::{ALL, BASE, ResourceInfo, SCALE, status};

const APPS: ResourceInfo = ResourceInfo {
    group: "apps",
    storage_group: "apps",
    ..BASE
};
const BATCH: ResourceInfo = ResourceInfo {
    group: "batch",
    storage_group: "batch",
    ..BASE
};
const NETWORKING: ResourceInfo = ResourceInfo {
    group: "networking.k8s.io",
    storage_group: "networking.k8s.io",
    ..BASE
};
const RBAC: ResourceInfo = ResourceInfo {
    group: "rbac.authorization.k8s.io",
    storage_group: "rbac.authorization.k8s.io",
    ..BASE
};

/// Shared by autoscaling/v1 and autoscaling/v2 horizontalpodautoscalers: one storage, stored
/// as autoscaling/v2.
const HPA: ResourceInfo = ResourceInfo {
    group: "autoscaling",
    kind: "HorizontalPodAutoscaler",
    list_kind: "HorizontalPodAutoscalerList",
    plural: "horizontalpodautoscalers",
    singular: "horizontalpodautoscaler",
    short_names: &["hpa"],
    categories: ALL,
    etcd_prefix: "/registry/horizontalpodautoscalers",
    storage_group: "autoscaling",
    storage_version: "v2",
    storage_version_hash: "qwQve8ut294=",
    ..BASE
};

pub(super) const TABLE: &[ResourceInfo] = &[
    // ---- apps/v1 ----
    ResourceInfo {
        kind: "ControllerRevision",
        list_kind: "ControllerRevisionList",
        plural: "controllerrevisions",
        singular: "controllerrevision",
        etcd_prefix: "/registry/controllerrevisions",
        storage_version_hash: "85nkx63pcBU=",
        ..APPS
    },
    ResourceInfo {
        kind: "DaemonSet",
        list_kind: "DaemonSetList",
        plural: "daemonsets",
        singular: "daemonset",
        short_names: &["ds"],
        categories: ALL,
        subresources: &[status("apps", "v1", "DaemonSet")],
        etcd_prefix: "/registry/daemonsets",
        storage_version_hash: "dd7pWHUlMKQ=",
        ..APPS
    },
    ResourceInfo {
        kind: "Deployment",
        list_kind: "DeploymentList",
        plural: "deployments",
        singular: "deployment",
        short_names: &["deploy"],
        categories: ALL,
        subresources: &[SCALE, status("apps", "v1", "Deployment")],
        etcd_prefix: "/registry/deployments",
        storage_version_hash: "8aSe+NMegvE=",
        ..APPS
    },
    ResourceInfo {
        kind: "ReplicaSet",
        list_kind: "ReplicaSetList",
        plural: "replicasets",
        singular: "replicaset",
        short_names: &["rs"],
        categories: ALL,
        subresources: &[SCALE, status("apps", "v1", "ReplicaSet")],
        etcd_prefix: "/registry/replicasets",
        storage_version_hash: "P1RzHs8/mWQ=",
        ..APPS
    },
    ResourceInfo {
        kind: "StatefulSet",
        list_kind: "StatefulSetList",
        plural: "statefulsets",
        singular: "statefulset",
        short_names: &["sts"],
        categories: ALL,
        subresources: &[SCALE, status("apps", "v1", "StatefulSet")],
        etcd_prefix: "/registry/statefulsets",
        storage_version_hash: "H+vl74LkKdo=",
        ..APPS
    },
    // ---- events.k8s.io/v1: the core events storage ----
    ResourceInfo {
        group: "events.k8s.io",
        ..EVENTS
    },
    // ---- autoscaling/v2 (preferred) and autoscaling/v1: one storage ----
    ResourceInfo {
        version: "v2",
        subresources: &[status("autoscaling", "v2", "HorizontalPodAutoscaler")],
        ..HPA
    },
    ResourceInfo {
        version: "v1",
        subresources: &[status("autoscaling", "v1", "HorizontalPodAutoscaler")],
        ..HPA
    },
    // ---- batch/v1 ----
    ResourceInfo {
        kind: "CronJob",
        list_kind: "CronJobList",
        plural: "cronjobs",
        singular: "cronjob",
        short_names: &["cj"],
        categories: ALL,
        subresources: &[status("batch", "v1", "CronJob")],
        etcd_prefix: "/registry/cronjobs",
        storage_version_hash: "sd5LIXh4Fjs=",
        ..BATCH
    },
    ResourceInfo {
        kind: "Job",
        list_kind: "JobList",
        plural: "jobs",
        singular: "job",
        categories: ALL,
        subresources: &[status("batch", "v1", "Job")],
        etcd_prefix: "/registry/jobs",
        storage_version_hash: "mudhfqk/qZY=",
        ..BATCH
    },
    // ---- networking.k8s.io/v1 ----
    ResourceInfo {
        kind: "IngressClass",
        list_kind: "IngressClassList",
        plural: "ingressclasses",
        singular: "ingressclass",
        namespaced: false,
        etcd_prefix: "/registry/ingressclasses",
        storage_version_hash: "l/iqIbDgFyQ=",
        ..NETWORKING
    },
    ResourceInfo {
        kind: "Ingress",
        list_kind: "IngressList",
        plural: "ingresses",
        singular: "ingress",
        short_names: &["ing"],
        subresources: &[status("networking.k8s.io", "v1", "Ingress")],
        etcd_prefix: "/registry/ingress",
        storage_version_hash: "39NQlfNR+bo=",
        ..NETWORKING
    },
    // No status subresource: NetworkPolicyStatus was removed in 1.27.
    ResourceInfo {
        kind: "NetworkPolicy",
        list_kind: "NetworkPolicyList",
        plural: "networkpolicies",
        singular: "networkpolicy",
        short_names: &["netpol"],
        etcd_prefix: "/registry/networkpolicies",
        storage_version_hash: "YpfwF18m1G8=",
        ..NETWORKING
    },
    // ---- policy/v1 ----
    ResourceInfo {
        group: "policy",
        kind: "PodDisruptionBudget",
        list_kind: "PodDisruptionBudgetList",
        plural: "poddisruptionbudgets",
        singular: "poddisruptionbudget",
        short_names: &["pdb"],
        subresources: &[status("policy", "v1", "PodDisruptionBudget")],
        etcd_prefix: "/registry/poddisruptionbudgets",
        storage_group: "policy",
        storage_version_hash: "EVWiDmWqyJw=",
        ..BASE
    },
    // ---- rbac.authorization.k8s.io/v1 ----
    ResourceInfo {
        kind: "ClusterRoleBinding",
        list_kind: "ClusterRoleBindingList",
        plural: "clusterrolebindings",
        singular: "clusterrolebinding",
        namespaced: false,
        etcd_prefix: "/registry/clusterrolebindings",
        storage_version_hash: "48tpQ8gZHFc=",
        ..RBAC
    },
    ResourceInfo {
        kind: "ClusterRole",
        list_kind: "ClusterRoleList",
        plural: "clusterroles",
        singular: "clusterrole",
        namespaced: false,
        etcd_prefix: "/registry/clusterroles",
        storage_version_hash: "bYE5ZWDrJ44=",
        ..RBAC
    },
    ResourceInfo {
        kind: "RoleBinding",
        list_kind: "RoleBindingList",
        plural: "rolebindings",
        singular: "rolebinding",
        etcd_prefix: "/registry/rolebindings",
        storage_version_hash: "eGsCzGH6b1g=",
        ..RBAC
    },
    ResourceInfo {
        kind: "Role",
        list_kind: "RoleList",
        plural: "roles",
        singular: "role",
        etcd_prefix: "/registry/roles",
        storage_version_hash: "7FuwZcIIItM=",
        ..RBAC
    },
    // ---- storage.k8s.io/v1 ----
    ResourceInfo {
        group: "storage.k8s.io",
        kind: "StorageClass",
        list_kind: "StorageClassList",
        plural: "storageclasses",
        singular: "storageclass",
        namespaced: false,
        short_names: &["sc"],
        etcd_prefix: "/registry/storageclasses",
        storage_group: "storage.k8s.io",
        storage_version_hash: "K+m6uJwbjGY=",
        ..BASE
    },
    // ---- apiextensions.k8s.io/v1 ----
    ResourceInfo {
        group: "apiextensions.k8s.io",
        kind: "CustomResourceDefinition",
        list_kind: "CustomResourceDefinitionList",
        plural: "customresourcedefinitions",
        singular: "customresourcedefinition",
        namespaced: false,
        short_names: &["crd", "crds"],
        categories: &["api-extensions"],
        subresources: &[status(
            "apiextensions.k8s.io",
            "v1",
            "CustomResourceDefinition",
        )],
        etcd_prefix: "/registry/apiextensions.k8s.io/customresourcedefinitions",
        storage_group: "apiextensions.k8s.io",
        storage_version_hash: "M5uH+AlWATY=",
        ..BASE
    },
    // ---- scheduling.k8s.io/v1 ----
    ResourceInfo {
        group: "scheduling.k8s.io",
        kind: "PriorityClass",
        list_kind: "PriorityClassList",
        plural: "priorityclasses",
        singular: "priorityclass",
        namespaced: false,
        short_names: &["pc"],
        etcd_prefix: "/registry/priorityclasses",
        storage_group: "scheduling.k8s.io",
        storage_version_hash: "1QwjyaZjj3Y=",
        ..BASE
    },
    // ---- coordination.k8s.io/v1 ----
    ResourceInfo {
        group: "coordination.k8s.io",
        kind: "Lease",
        list_kind: "LeaseList",
        plural: "leases",
        singular: "lease",
        etcd_prefix: "/registry/leases",
        storage_group: "coordination.k8s.io",
        storage_version_hash: "gqkMMb/YqFM=",
        ..BASE
    },
    // ---- discovery.k8s.io/v1 ----
    ResourceInfo {
        group: "discovery.k8s.io",
        kind: "EndpointSlice",
        list_kind: "EndpointSliceList",
        plural: "endpointslices",
        singular: "endpointslice",
        etcd_prefix: "/registry/endpointslices",
        storage_group: "discovery.k8s.io",
        storage_version_hash: "qgS0xkrxYAI=",
        ..BASE
    },
];
