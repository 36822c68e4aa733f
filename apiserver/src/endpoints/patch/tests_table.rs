//! Checks the generated strategic-merge table against upstream facts clients rely on.
//! Each fact names the k8s.io/api (or apimachinery) v0.34 file whose struct tag it mirrors.

use super::root_schema;
use super::schema::{PatchMeta, Schema};

/// Walks `path` (dot separated JSON field names; list fields are stepped through to their
/// element type) from `kind`'s root and returns the metadata of the last field.
fn meta_at(group: &str, kind: &str, path: &str) -> PatchMeta {
    let mut schema: Schema = root_schema(kind, group, None)
        .unwrap_or_else(|| panic!("no table entry for {group}/{kind}"));
    let mut meta = PatchMeta::default();
    for part in path.split('.') {
        assert!(
            schema.type_def().is_some(),
            "{group}/{kind}: `{part}` of {path} is under an unknown type"
        );
        (schema, meta) = schema.lookup(part);
    }
    meta
}

fn merge(key: &'static str) -> PatchMeta {
    PatchMeta {
        merge: true,
        merge_key: key,
        ..PatchMeta::default()
    }
}

fn merge_retain(key: &'static str) -> PatchMeta {
    PatchMeta {
        retain_keys: true,
        ..merge(key)
    }
}

const ATOMIC: PatchMeta = PatchMeta {
    merge: false,
    retain_keys: false,
    replace: false,
    merge_key: "",
};

#[test]
fn upstream_struct_tag_facts() {
    let facts: &[(&str, &str, &str, PatchMeta, &str)] = &[
        (
            "",
            "Pod",
            "spec.containers",
            merge("name"),
            "core/v1/types.go PodSpec.Containers",
        ),
        (
            "",
            "Pod",
            "spec.initContainers",
            merge("name"),
            "core/v1/types.go PodSpec.InitContainers",
        ),
        (
            "",
            "Pod",
            "spec.ephemeralContainers",
            merge("name"),
            "core/v1/types.go PodSpec.EphemeralContainers",
        ),
        (
            "",
            "Pod",
            "spec.containers.ports",
            merge("containerPort"),
            "core/v1/types.go Container.Ports",
        ),
        (
            "",
            "Pod",
            "spec.containers.env",
            merge("name"),
            "core/v1/types.go Container.Env",
        ),
        (
            "",
            "Pod",
            "spec.containers.volumeMounts",
            merge("mountPath"),
            "core/v1/types.go Container.VolumeMounts",
        ),
        (
            "",
            "Pod",
            "spec.containers.volumeDevices",
            merge("devicePath"),
            "core/v1/types.go Container.VolumeDevices",
        ),
        (
            "",
            "Pod",
            "spec.volumes",
            merge_retain("name"),
            "core/v1/types.go PodSpec.Volumes",
        ),
        (
            "",
            "Pod",
            "spec.imagePullSecrets",
            merge("name"),
            "core/v1/types.go PodSpec.ImagePullSecrets",
        ),
        (
            "",
            "Pod",
            "spec.hostAliases",
            merge("ip"),
            "core/v1/types.go PodSpec.HostAliases",
        ),
        (
            "",
            "Pod",
            "spec.topologySpreadConstraints",
            merge("topologyKey"),
            "core/v1/types.go PodSpec.TopologySpreadConstraints",
        ),
        (
            "",
            "Pod",
            "spec.resourceClaims",
            merge_retain("name"),
            "core/v1/types.go PodSpec.ResourceClaims",
        ),
        (
            "",
            "Pod",
            "spec.tolerations",
            ATOMIC,
            "core/v1/types.go PodSpec.Tolerations (no tag: replaced)",
        ),
        (
            "",
            "Pod",
            "status.conditions",
            merge("type"),
            "core/v1/types.go PodStatus.Conditions",
        ),
        (
            "",
            "Service",
            "spec.ports",
            merge("port"),
            "core/v1/types.go ServiceSpec.Ports",
        ),
        (
            "",
            "Node",
            "status.addresses",
            merge("type"),
            "core/v1/types.go NodeStatus.Addresses",
        ),
        (
            "",
            "Node",
            "status.conditions",
            merge("type"),
            "core/v1/types.go NodeStatus.Conditions",
        ),
        (
            "",
            "Node",
            "spec.taints",
            ATOMIC,
            "core/v1/types.go NodeSpec.Taints (no tag)",
        ),
        (
            "",
            "ServiceAccount",
            "secrets",
            merge("name"),
            "core/v1/types.go ServiceAccount.Secrets",
        ),
        (
            "",
            "Endpoints",
            "subsets.addresses",
            ATOMIC,
            "core/v1/types.go EndpointSubset.Addresses (no tag)",
        ),
        (
            "",
            "ConfigMap",
            "metadata.finalizers",
            merge(""),
            "apimachinery meta/v1/types.go ObjectMeta.Finalizers",
        ),
        (
            "",
            "Secret",
            "metadata.ownerReferences",
            merge("uid"),
            "apimachinery meta/v1/types.go ObjectMeta.OwnerReferences",
        ),
        (
            "apps",
            "Deployment",
            "spec.strategy",
            PatchMeta {
                retain_keys: true,
                ..ATOMIC
            },
            "apps/v1/types.go DeploymentSpec.Strategy",
        ),
        (
            "apps",
            "Deployment",
            "spec.template.spec.containers",
            merge("name"),
            "apps/v1 → core/v1 PodTemplateSpec",
        ),
        (
            "apps",
            "Deployment",
            "spec.template.spec.containers.ports",
            merge("containerPort"),
            "core/v1/types.go Container.Ports",
        ),
        (
            "apps",
            "Deployment",
            "status.conditions",
            merge("type"),
            "apps/v1/types.go DeploymentStatus.Conditions",
        ),
        (
            "apps",
            "StatefulSet",
            "spec.template.spec.volumes",
            merge_retain("name"),
            "core/v1/types.go PodSpec.Volumes",
        ),
        (
            "apps",
            "DaemonSet",
            "status.conditions",
            merge("type"),
            "apps/v1/types.go DaemonSetStatus.Conditions",
        ),
        (
            "batch",
            "CronJob",
            "spec.jobTemplate.spec.template.spec.containers",
            merge("name"),
            "batch/v1/types.go → PodSpec",
        ),
        (
            "batch",
            "Job",
            "status.conditions",
            merge("type"),
            "batch/v1/types.go JobStatus.Conditions",
        ),
        (
            "discovery.k8s.io",
            "EndpointSlice",
            "endpoints",
            ATOMIC,
            "discovery/v1/types.go EndpointSlice.Endpoints (atomic)",
        ),
        (
            "rbac.authorization.k8s.io",
            "Role",
            "rules",
            ATOMIC,
            "rbac/v1/types.go Role.Rules (no tag)",
        ),
        (
            "rbac.authorization.k8s.io",
            "RoleBinding",
            "subjects",
            ATOMIC,
            "rbac/v1/types.go RoleBinding.Subjects (no tag)",
        ),
        (
            "autoscaling",
            "HorizontalPodAutoscaler",
            "status.conditions",
            merge("type"),
            "autoscaling/v2/types.go",
        ),
        (
            "policy",
            "PodDisruptionBudget",
            "status.conditions",
            merge("type"),
            "policy/v1/types.go PodDisruptionBudgetStatus.Conditions",
        ),
        (
            "apiextensions.k8s.io",
            "CustomResourceDefinition",
            "metadata.finalizers",
            merge(""),
            "ObjectMeta.Finalizers",
        ),
    ];
    for (group, kind, path, want, source) in facts {
        assert_eq!(
            meta_at(group, kind, path),
            *want,
            "{group}/{kind} {path} ({source})"
        );
    }
}

#[test]
fn every_served_group_has_kinds() {
    let kinds: &[(&str, &str)] = &[
        ("", "Pod"),
        ("", "Namespace"),
        ("", "PersistentVolumeClaim"),
        ("apps", "ReplicaSet"),
        ("apps", "ControllerRevision"),
        ("autoscaling", "Scale"),
        ("batch", "Job"),
        ("networking.k8s.io", "Ingress"),
        ("networking.k8s.io", "NetworkPolicy"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("policy", "PodDisruptionBudget"),
        ("coordination.k8s.io", "Lease"),
        ("discovery.k8s.io", "EndpointSlice"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSINode"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("events.k8s.io", "Event"),
        ("node.k8s.io", "RuntimeClass"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        (
            "admissionregistration.k8s.io",
            "ValidatingWebhookConfiguration",
        ),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("resource.k8s.io", "ResourceClaim"),
        ("apiregistration.k8s.io", "APIService"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ];
    for (group, kind) in kinds {
        assert!(
            root_schema(kind, group, None).is_some(),
            "{group}/{kind} missing"
        );
    }
    assert!(root_schema("Widget", "example.com", None).is_none());
}

#[test]
fn preferred_version_and_explicit_version() {
    // autoscaling/v2 is preferred over v1: only v2 has spec.metrics.
    let v2 = root_schema("HorizontalPodAutoscaler", "autoscaling", None).unwrap();
    assert!(v2.lookup("spec").0.lookup("metrics").0.type_def().is_some());
    let v1 = root_schema("HorizontalPodAutoscaler", "autoscaling", Some("v1")).unwrap();
    assert!(v1.lookup("spec").0.lookup("metrics").0.type_def().is_none());
    assert!(v1.type_def().unwrap().name.starts_with("autoscaling/v1."));
}

#[test]
fn table_is_well_formed() {
    use super::schema_table::{KINDS, TYPES};
    for t in TYPES.iter() {
        for w in t.fields.windows(2) {
            assert!(w[0].name < w[1].name, "{}: fields not sorted", t.name);
        }
        for f in t.fields {
            assert!(
                f.child == super::schema::NONE || usize::from(f.child) < TYPES.len(),
                "{}.{} points outside the table",
                t.name,
                f.name
            );
        }
    }
    for k in KINDS.iter() {
        assert!(usize::from(k.root) < TYPES.len());
    }
}
