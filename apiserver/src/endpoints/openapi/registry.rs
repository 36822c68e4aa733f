//! The Rust types (from `k8s-openapi`) whose schemas describe each built-in kind.
//!
//! Every top-level kind of Kubernetes 1.34's GA groups is listed, plus the kinds subresources
//! take (`Binding`, `Eviction`, `Scale`, `TokenRequest`). A served resource whose kind is not
//! listed here gets no paths (a test checks the project's table is covered).

use k8s_openapi::Resource;
use k8s_openapi::api::{
    admissionregistration::v1 as admissionregistration, apps::v1 as apps,
    authentication::v1 as authentication, authorization::v1 as authorization,
    autoscaling::v1 as autoscaling_v1, autoscaling::v2 as autoscaling_v2, batch::v1 as batch,
    certificates::v1 as certificates, coordination::v1 as coordination, core::v1 as core,
    discovery::v1 as discovery, events::v1 as events, flowcontrol::v1 as flowcontrol,
    networking::v1 as networking, node::v1 as node, policy::v1 as policy, rbac::v1 as rbac,
    resource::v1 as resource, scheduling::v1 as scheduling, storage::v1 as storage,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiextensions;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1 as apiregistration;
use schemars::{JsonSchema, Schema, SchemaGenerator};

/// Adds the schema of a type (and everything it references) to a generator.
pub(super) type AddFn = fn(&mut SchemaGenerator) -> Schema;

/// One kind and the generator of its schema.
#[derive(Clone, Copy)]
pub(super) struct KindType {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    /// The OpenAPI definition name, such as `io.k8s.api.core.v1.Pod`.
    pub name: fn() -> std::borrow::Cow<'static, str>,
    pub add: AddFn,
}

fn add<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

const fn kind<T: Resource + JsonSchema>() -> KindType {
    KindType {
        group: T::GROUP,
        version: T::VERSION,
        kind: T::KIND,
        name: T::schema_name,
        add: add::<T>,
    }
}

/// Every kind with a schema, by group-version.
pub(super) static KINDS: &[KindType] = &[
    // core/v1
    kind::<core::Binding>(),
    kind::<core::ComponentStatus>(),
    kind::<core::ConfigMap>(),
    kind::<core::Endpoints>(),
    kind::<core::Event>(),
    kind::<core::LimitRange>(),
    kind::<core::Namespace>(),
    kind::<core::Node>(),
    kind::<core::PersistentVolume>(),
    kind::<core::PersistentVolumeClaim>(),
    kind::<core::Pod>(),
    kind::<core::PodTemplate>(),
    kind::<core::ReplicationController>(),
    kind::<core::ResourceQuota>(),
    kind::<core::Secret>(),
    kind::<core::Service>(),
    kind::<core::ServiceAccount>(),
    // named groups
    kind::<admissionregistration::MutatingWebhookConfiguration>(),
    kind::<admissionregistration::ValidatingAdmissionPolicy>(),
    kind::<admissionregistration::ValidatingAdmissionPolicyBinding>(),
    kind::<admissionregistration::ValidatingWebhookConfiguration>(),
    kind::<apiextensions::CustomResourceDefinition>(),
    kind::<apiregistration::APIService>(),
    kind::<apps::ControllerRevision>(),
    kind::<apps::DaemonSet>(),
    kind::<apps::Deployment>(),
    kind::<apps::ReplicaSet>(),
    kind::<apps::StatefulSet>(),
    kind::<authentication::SelfSubjectReview>(),
    kind::<authentication::TokenRequest>(),
    kind::<authentication::TokenReview>(),
    kind::<authorization::LocalSubjectAccessReview>(),
    kind::<authorization::SelfSubjectAccessReview>(),
    kind::<authorization::SelfSubjectRulesReview>(),
    kind::<authorization::SubjectAccessReview>(),
    kind::<autoscaling_v1::HorizontalPodAutoscaler>(),
    kind::<autoscaling_v1::Scale>(),
    kind::<autoscaling_v2::HorizontalPodAutoscaler>(),
    kind::<batch::CronJob>(),
    kind::<batch::Job>(),
    kind::<certificates::CertificateSigningRequest>(),
    kind::<coordination::Lease>(),
    kind::<discovery::EndpointSlice>(),
    kind::<events::Event>(),
    kind::<flowcontrol::FlowSchema>(),
    kind::<flowcontrol::PriorityLevelConfiguration>(),
    kind::<networking::IPAddress>(),
    kind::<networking::Ingress>(),
    kind::<networking::IngressClass>(),
    kind::<networking::NetworkPolicy>(),
    kind::<networking::ServiceCIDR>(),
    kind::<node::RuntimeClass>(),
    kind::<policy::Eviction>(),
    kind::<policy::PodDisruptionBudget>(),
    kind::<rbac::ClusterRole>(),
    kind::<rbac::ClusterRoleBinding>(),
    kind::<rbac::Role>(),
    kind::<rbac::RoleBinding>(),
    kind::<resource::DeviceClass>(),
    kind::<resource::ResourceClaim>(),
    kind::<resource::ResourceClaimTemplate>(),
    kind::<resource::ResourceSlice>(),
    kind::<scheduling::PriorityClass>(),
    kind::<storage::CSIDriver>(),
    kind::<storage::CSINode>(),
    kind::<storage::CSIStorageCapacity>(),
    kind::<storage::StorageClass>(),
    kind::<storage::VolumeAttachment>(),
    kind::<storage::VolumeAttributesClass>(),
];

/// The registered kind `group`/`version`/`kind`.
pub(super) fn find(group: &str, version: &str, kind: &str) -> Option<&'static KindType> {
    KINDS
        .iter()
        .find(|k| k.group == group && k.version == version && k.kind == kind)
}

/// Generators of the `meta/v1` types every group-version document references.
pub(super) const META: &[AddFn] = &[
    add::<k8s_openapi::apimachinery::pkg::apis::meta::v1::APIResourceList>,
    add::<k8s_openapi::apimachinery::pkg::apis::meta::v1::DeleteOptions>,
    add::<k8s_openapi::apimachinery::pkg::apis::meta::v1::Patch>,
    add::<k8s_openapi::apimachinery::pkg::apis::meta::v1::Status>,
    add::<k8s_openapi::apimachinery::pkg::apis::meta::v1::WatchEvent<core::Pod>>,
    add::<k8s_openapi::apimachinery::pkg::apis::meta::v1::ListMeta>,
];
