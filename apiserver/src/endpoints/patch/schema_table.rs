// @generated -- do not edit by hand.
//
// Strategic-merge-patch metadata for every built-in kind the API server serves.
// Generated from the `patchStrategy` / `patchMergeKey` Go struct tags of
// k8s.io/api v0.34.1 (plus k8s.io/apiextensions-apiserver and k8s.io/kube-aggregator
// v0.34.1 for CustomResourceDefinition and APIService) by a throwaway reflection-based
// generator that is not part of this repository. It walks each kind's Go type from
// the root and records, per struct type, only the fields that lead to a nested struct
// or carry a patch strategy; any other field merges with the default rules. Types that
// marshal themselves (Time, Quantity, IntOrString, RawExtension, ...) are leaves.
// Only facts (field names, strategies, merge keys) are recorded here.

use super::schema::{FieldDef, KindDef, NONE, TypeDef};
use super::schema::{LIST, MAP, MERGE, REPLACE, RETAIN_KEYS};

const fn f(name: &'static str, child: u16, flags: u8, merge_key: &'static str) -> FieldDef {
    FieldDef {
        name,
        child,
        flags,
        merge_key,
    }
}

const fn k(group: &'static str, version: &'static str, kind: &'static str, root: u16) -> KindDef {
    KindDef {
        group,
        version,
        kind,
        root,
    }
}

/// Struct types, indexed by position; fields sorted by JSON name.
pub(super) static TYPES: [TypeDef; 940] = [
    // 0
    TypeDef {
        name: "admissionregistration/v1alpha1.MutatingAdmissionPolicy",
        fields: &[f("metadata", 1, 0, ""), f("spec", 4, 0, "")],
    },
    // 1
    TypeDef {
        name: "meta/v1.ObjectMeta",
        fields: &[
            f("finalizers", NONE, LIST | MERGE, ""),
            f("managedFields", 3, LIST, ""),
            f("ownerReferences", 2, LIST | MERGE, "uid"),
        ],
    },
    // 2
    TypeDef {
        name: "meta/v1.OwnerReference",
        fields: &[],
    },
    // 3
    TypeDef {
        name: "meta/v1.ManagedFieldsEntry",
        fields: &[],
    },
    // 4
    TypeDef {
        name: "admissionregistration/v1alpha1.MutatingAdmissionPolicySpec",
        fields: &[
            f("matchConditions", 14, LIST | MERGE, "name"),
            f("matchConstraints", 6, 0, ""),
            f("mutations", 11, LIST, ""),
            f("paramKind", 5, 0, ""),
            f("variables", 10, LIST, ""),
        ],
    },
    // 5
    TypeDef {
        name: "admissionregistration/v1alpha1.ParamKind",
        fields: &[],
    },
    // 6
    TypeDef {
        name: "admissionregistration/v1alpha1.MatchResources",
        fields: &[
            f("excludeResourceRules", 9, LIST, ""),
            f("namespaceSelector", 7, 0, ""),
            f("objectSelector", 7, 0, ""),
            f("resourceRules", 9, LIST, ""),
        ],
    },
    // 7
    TypeDef {
        name: "meta/v1.LabelSelector",
        fields: &[f("matchExpressions", 8, LIST, "")],
    },
    // 8
    TypeDef {
        name: "meta/v1.LabelSelectorRequirement",
        fields: &[],
    },
    // 9
    TypeDef {
        name: "admissionregistration/v1alpha1.NamedRuleWithOperations",
        fields: &[],
    },
    // 10
    TypeDef {
        name: "admissionregistration/v1alpha1.Variable",
        fields: &[],
    },
    // 11
    TypeDef {
        name: "admissionregistration/v1alpha1.Mutation",
        fields: &[
            f("applyConfiguration", 12, 0, ""),
            f("jsonPatch", 13, 0, ""),
        ],
    },
    // 12
    TypeDef {
        name: "admissionregistration/v1alpha1.ApplyConfiguration",
        fields: &[],
    },
    // 13
    TypeDef {
        name: "admissionregistration/v1alpha1.JSONPatch",
        fields: &[],
    },
    // 14
    TypeDef {
        name: "admissionregistration/v1alpha1.MatchCondition",
        fields: &[],
    },
    // 15
    TypeDef {
        name: "admissionregistration/v1alpha1.MutatingAdmissionPolicyBinding",
        fields: &[f("metadata", 1, 0, ""), f("spec", 16, 0, "")],
    },
    // 16
    TypeDef {
        name: "admissionregistration/v1alpha1.MutatingAdmissionPolicyBindingSpec",
        fields: &[f("matchResources", 6, 0, ""), f("paramRef", 17, 0, "")],
    },
    // 17
    TypeDef {
        name: "admissionregistration/v1alpha1.ParamRef",
        fields: &[f("selector", 7, 0, "")],
    },
    // 18
    TypeDef {
        name: "admissionregistration/v1alpha1.ValidatingAdmissionPolicy",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 19, 0, ""),
            f("status", 22, 0, ""),
        ],
    },
    // 19
    TypeDef {
        name: "admissionregistration/v1alpha1.ValidatingAdmissionPolicySpec",
        fields: &[
            f("auditAnnotations", 21, LIST, ""),
            f("matchConditions", 14, LIST | MERGE, "name"),
            f("matchConstraints", 6, 0, ""),
            f("paramKind", 5, 0, ""),
            f("validations", 20, LIST, ""),
            f("variables", 10, LIST | MERGE, "name"),
        ],
    },
    // 20
    TypeDef {
        name: "admissionregistration/v1alpha1.Validation",
        fields: &[],
    },
    // 21
    TypeDef {
        name: "admissionregistration/v1alpha1.AuditAnnotation",
        fields: &[],
    },
    // 22
    TypeDef {
        name: "admissionregistration/v1alpha1.ValidatingAdmissionPolicyStatus",
        fields: &[f("conditions", 25, LIST, ""), f("typeChecking", 23, 0, "")],
    },
    // 23
    TypeDef {
        name: "admissionregistration/v1alpha1.TypeChecking",
        fields: &[f("expressionWarnings", 24, LIST, "")],
    },
    // 24
    TypeDef {
        name: "admissionregistration/v1alpha1.ExpressionWarning",
        fields: &[],
    },
    // 25
    TypeDef {
        name: "meta/v1.Condition",
        fields: &[],
    },
    // 26
    TypeDef {
        name: "admissionregistration/v1alpha1.ValidatingAdmissionPolicyBinding",
        fields: &[f("metadata", 1, 0, ""), f("spec", 27, 0, "")],
    },
    // 27
    TypeDef {
        name: "admissionregistration/v1alpha1.ValidatingAdmissionPolicyBindingSpec",
        fields: &[f("matchResources", 6, 0, ""), f("paramRef", 17, 0, "")],
    },
    // 28
    TypeDef {
        name: "admissionregistration/v1beta1.MutatingAdmissionPolicy",
        fields: &[f("metadata", 1, 0, ""), f("spec", 29, 0, "")],
    },
    // 29
    TypeDef {
        name: "admissionregistration/v1beta1.MutatingAdmissionPolicySpec",
        fields: &[
            f("matchConditions", 37, LIST | MERGE, "name"),
            f("matchConstraints", 31, 0, ""),
            f("mutations", 34, LIST, ""),
            f("paramKind", 30, 0, ""),
            f("variables", 33, LIST, ""),
        ],
    },
    // 30
    TypeDef {
        name: "admissionregistration/v1beta1.ParamKind",
        fields: &[],
    },
    // 31
    TypeDef {
        name: "admissionregistration/v1beta1.MatchResources",
        fields: &[
            f("excludeResourceRules", 32, LIST, ""),
            f("namespaceSelector", 7, 0, ""),
            f("objectSelector", 7, 0, ""),
            f("resourceRules", 32, LIST, ""),
        ],
    },
    // 32
    TypeDef {
        name: "admissionregistration/v1beta1.NamedRuleWithOperations",
        fields: &[],
    },
    // 33
    TypeDef {
        name: "admissionregistration/v1beta1.Variable",
        fields: &[],
    },
    // 34
    TypeDef {
        name: "admissionregistration/v1beta1.Mutation",
        fields: &[
            f("applyConfiguration", 35, 0, ""),
            f("jsonPatch", 36, 0, ""),
        ],
    },
    // 35
    TypeDef {
        name: "admissionregistration/v1beta1.ApplyConfiguration",
        fields: &[],
    },
    // 36
    TypeDef {
        name: "admissionregistration/v1beta1.JSONPatch",
        fields: &[],
    },
    // 37
    TypeDef {
        name: "admissionregistration/v1beta1.MatchCondition",
        fields: &[],
    },
    // 38
    TypeDef {
        name: "admissionregistration/v1beta1.MutatingAdmissionPolicyBinding",
        fields: &[f("metadata", 1, 0, ""), f("spec", 39, 0, "")],
    },
    // 39
    TypeDef {
        name: "admissionregistration/v1beta1.MutatingAdmissionPolicyBindingSpec",
        fields: &[f("matchResources", 31, 0, ""), f("paramRef", 40, 0, "")],
    },
    // 40
    TypeDef {
        name: "admissionregistration/v1beta1.ParamRef",
        fields: &[f("selector", 7, 0, "")],
    },
    // 41
    TypeDef {
        name: "admissionregistration/v1beta1.MutatingWebhookConfiguration",
        fields: &[
            f("metadata", 1, 0, ""),
            f("webhooks", 42, LIST | MERGE, "name"),
        ],
    },
    // 42
    TypeDef {
        name: "admissionregistration/v1beta1.MutatingWebhook",
        fields: &[
            f("clientConfig", 43, 0, ""),
            f("matchConditions", 37, LIST | MERGE, "name"),
            f("namespaceSelector", 7, 0, ""),
            f("objectSelector", 7, 0, ""),
            f("rules", 45, LIST, ""),
        ],
    },
    // 43
    TypeDef {
        name: "admissionregistration/v1beta1.WebhookClientConfig",
        fields: &[f("service", 44, 0, "")],
    },
    // 44
    TypeDef {
        name: "admissionregistration/v1beta1.ServiceReference",
        fields: &[],
    },
    // 45
    TypeDef {
        name: "admissionregistration/v1.RuleWithOperations",
        fields: &[],
    },
    // 46
    TypeDef {
        name: "admissionregistration/v1beta1.ValidatingAdmissionPolicy",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 47, 0, ""),
            f("status", 50, 0, ""),
        ],
    },
    // 47
    TypeDef {
        name: "admissionregistration/v1beta1.ValidatingAdmissionPolicySpec",
        fields: &[
            f("auditAnnotations", 49, LIST, ""),
            f("matchConditions", 37, LIST | MERGE, "name"),
            f("matchConstraints", 31, 0, ""),
            f("paramKind", 30, 0, ""),
            f("validations", 48, LIST, ""),
            f("variables", 33, LIST | MERGE, "name"),
        ],
    },
    // 48
    TypeDef {
        name: "admissionregistration/v1beta1.Validation",
        fields: &[],
    },
    // 49
    TypeDef {
        name: "admissionregistration/v1beta1.AuditAnnotation",
        fields: &[],
    },
    // 50
    TypeDef {
        name: "admissionregistration/v1beta1.ValidatingAdmissionPolicyStatus",
        fields: &[f("conditions", 25, LIST, ""), f("typeChecking", 51, 0, "")],
    },
    // 51
    TypeDef {
        name: "admissionregistration/v1beta1.TypeChecking",
        fields: &[f("expressionWarnings", 52, LIST, "")],
    },
    // 52
    TypeDef {
        name: "admissionregistration/v1beta1.ExpressionWarning",
        fields: &[],
    },
    // 53
    TypeDef {
        name: "admissionregistration/v1beta1.ValidatingAdmissionPolicyBinding",
        fields: &[f("metadata", 1, 0, ""), f("spec", 54, 0, "")],
    },
    // 54
    TypeDef {
        name: "admissionregistration/v1beta1.ValidatingAdmissionPolicyBindingSpec",
        fields: &[f("matchResources", 31, 0, ""), f("paramRef", 40, 0, "")],
    },
    // 55
    TypeDef {
        name: "admissionregistration/v1beta1.ValidatingWebhookConfiguration",
        fields: &[
            f("metadata", 1, 0, ""),
            f("webhooks", 56, LIST | MERGE, "name"),
        ],
    },
    // 56
    TypeDef {
        name: "admissionregistration/v1beta1.ValidatingWebhook",
        fields: &[
            f("clientConfig", 43, 0, ""),
            f("matchConditions", 37, LIST | MERGE, "name"),
            f("namespaceSelector", 7, 0, ""),
            f("objectSelector", 7, 0, ""),
            f("rules", 45, LIST, ""),
        ],
    },
    // 57
    TypeDef {
        name: "admissionregistration/v1.MutatingWebhookConfiguration",
        fields: &[
            f("metadata", 1, 0, ""),
            f("webhooks", 58, LIST | MERGE, "name"),
        ],
    },
    // 58
    TypeDef {
        name: "admissionregistration/v1.MutatingWebhook",
        fields: &[
            f("clientConfig", 59, 0, ""),
            f("matchConditions", 61, LIST | MERGE, "name"),
            f("namespaceSelector", 7, 0, ""),
            f("objectSelector", 7, 0, ""),
            f("rules", 45, LIST, ""),
        ],
    },
    // 59
    TypeDef {
        name: "admissionregistration/v1.WebhookClientConfig",
        fields: &[f("service", 60, 0, "")],
    },
    // 60
    TypeDef {
        name: "admissionregistration/v1.ServiceReference",
        fields: &[],
    },
    // 61
    TypeDef {
        name: "admissionregistration/v1.MatchCondition",
        fields: &[],
    },
    // 62
    TypeDef {
        name: "admissionregistration/v1.ValidatingAdmissionPolicy",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 63, 0, ""),
            f("status", 70, 0, ""),
        ],
    },
    // 63
    TypeDef {
        name: "admissionregistration/v1.ValidatingAdmissionPolicySpec",
        fields: &[
            f("auditAnnotations", 68, LIST, ""),
            f("matchConditions", 61, LIST | MERGE, "name"),
            f("matchConstraints", 65, 0, ""),
            f("paramKind", 64, 0, ""),
            f("validations", 67, LIST, ""),
            f("variables", 69, LIST | MERGE, "name"),
        ],
    },
    // 64
    TypeDef {
        name: "admissionregistration/v1.ParamKind",
        fields: &[],
    },
    // 65
    TypeDef {
        name: "admissionregistration/v1.MatchResources",
        fields: &[
            f("excludeResourceRules", 66, LIST, ""),
            f("namespaceSelector", 7, 0, ""),
            f("objectSelector", 7, 0, ""),
            f("resourceRules", 66, LIST, ""),
        ],
    },
    // 66
    TypeDef {
        name: "admissionregistration/v1.NamedRuleWithOperations",
        fields: &[],
    },
    // 67
    TypeDef {
        name: "admissionregistration/v1.Validation",
        fields: &[],
    },
    // 68
    TypeDef {
        name: "admissionregistration/v1.AuditAnnotation",
        fields: &[],
    },
    // 69
    TypeDef {
        name: "admissionregistration/v1.Variable",
        fields: &[],
    },
    // 70
    TypeDef {
        name: "admissionregistration/v1.ValidatingAdmissionPolicyStatus",
        fields: &[f("conditions", 25, LIST, ""), f("typeChecking", 71, 0, "")],
    },
    // 71
    TypeDef {
        name: "admissionregistration/v1.TypeChecking",
        fields: &[f("expressionWarnings", 72, LIST, "")],
    },
    // 72
    TypeDef {
        name: "admissionregistration/v1.ExpressionWarning",
        fields: &[],
    },
    // 73
    TypeDef {
        name: "admissionregistration/v1.ValidatingAdmissionPolicyBinding",
        fields: &[f("metadata", 1, 0, ""), f("spec", 74, 0, "")],
    },
    // 74
    TypeDef {
        name: "admissionregistration/v1.ValidatingAdmissionPolicyBindingSpec",
        fields: &[f("matchResources", 65, 0, ""), f("paramRef", 75, 0, "")],
    },
    // 75
    TypeDef {
        name: "admissionregistration/v1.ParamRef",
        fields: &[f("selector", 7, 0, "")],
    },
    // 76
    TypeDef {
        name: "admissionregistration/v1.ValidatingWebhookConfiguration",
        fields: &[
            f("metadata", 1, 0, ""),
            f("webhooks", 77, LIST | MERGE, "name"),
        ],
    },
    // 77
    TypeDef {
        name: "admissionregistration/v1.ValidatingWebhook",
        fields: &[
            f("clientConfig", 59, 0, ""),
            f("matchConditions", 61, LIST | MERGE, "name"),
            f("namespaceSelector", 7, 0, ""),
            f("objectSelector", 7, 0, ""),
            f("rules", 45, LIST, ""),
        ],
    },
    // 78
    TypeDef {
        name: "apiextensions/v1.CustomResourceDefinition",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 79, 0, ""),
            f("status", 95, 0, ""),
        ],
    },
    // 79
    TypeDef {
        name: "apiextensions/v1.CustomResourceDefinitionSpec",
        fields: &[
            f("conversion", 91, 0, ""),
            f("names", 80, 0, ""),
            f("versions", 81, LIST, ""),
        ],
    },
    // 80
    TypeDef {
        name: "apiextensions/v1.CustomResourceDefinitionNames",
        fields: &[],
    },
    // 81
    TypeDef {
        name: "apiextensions/v1.CustomResourceDefinitionVersion",
        fields: &[
            f("additionalPrinterColumns", 89, LIST, ""),
            f("schema", 82, 0, ""),
            f("selectableFields", 90, LIST, ""),
            f("subresources", 86, 0, ""),
        ],
    },
    // 82
    TypeDef {
        name: "apiextensions/v1.CustomResourceValidation",
        fields: &[f("openAPIV3Schema", 83, 0, "")],
    },
    // 83
    TypeDef {
        name: "apiextensions/v1.JSONSchemaProps",
        fields: &[
            f("allOf", 83, LIST, ""),
            f("anyOf", 83, LIST, ""),
            f("definitions", 83, MAP, ""),
            f("externalDocs", 84, 0, ""),
            f("not", 83, 0, ""),
            f("oneOf", 83, LIST, ""),
            f("patternProperties", 83, MAP, ""),
            f("properties", 83, MAP, ""),
            f("x-kubernetes-validations", 85, LIST | MERGE, "rule"),
        ],
    },
    // 84
    TypeDef {
        name: "apiextensions/v1.ExternalDocumentation",
        fields: &[],
    },
    // 85
    TypeDef {
        name: "apiextensions/v1.ValidationRule",
        fields: &[],
    },
    // 86
    TypeDef {
        name: "apiextensions/v1.CustomResourceSubresources",
        fields: &[f("scale", 88, 0, ""), f("status", 87, 0, "")],
    },
    // 87
    TypeDef {
        name: "apiextensions/v1.CustomResourceSubresourceStatus",
        fields: &[],
    },
    // 88
    TypeDef {
        name: "apiextensions/v1.CustomResourceSubresourceScale",
        fields: &[],
    },
    // 89
    TypeDef {
        name: "apiextensions/v1.CustomResourceColumnDefinition",
        fields: &[],
    },
    // 90
    TypeDef {
        name: "apiextensions/v1.SelectableField",
        fields: &[],
    },
    // 91
    TypeDef {
        name: "apiextensions/v1.CustomResourceConversion",
        fields: &[f("webhook", 92, 0, "")],
    },
    // 92
    TypeDef {
        name: "apiextensions/v1.WebhookConversion",
        fields: &[f("clientConfig", 93, 0, "")],
    },
    // 93
    TypeDef {
        name: "apiextensions/v1.WebhookClientConfig",
        fields: &[f("service", 94, 0, "")],
    },
    // 94
    TypeDef {
        name: "apiextensions/v1.ServiceReference",
        fields: &[],
    },
    // 95
    TypeDef {
        name: "apiextensions/v1.CustomResourceDefinitionStatus",
        fields: &[f("acceptedNames", 80, 0, ""), f("conditions", 96, LIST, "")],
    },
    // 96
    TypeDef {
        name: "apiextensions/v1.CustomResourceDefinitionCondition",
        fields: &[],
    },
    // 97
    TypeDef {
        name: "apiregistration/v1.APIService",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 98, 0, ""),
            f("status", 100, 0, ""),
        ],
    },
    // 98
    TypeDef {
        name: "apiregistration/v1.APIServiceSpec",
        fields: &[f("service", 99, 0, "")],
    },
    // 99
    TypeDef {
        name: "apiregistration/v1.ServiceReference",
        fields: &[],
    },
    // 100
    TypeDef {
        name: "apiregistration/v1.APIServiceStatus",
        fields: &[f("conditions", 101, LIST | MERGE, "type")],
    },
    // 101
    TypeDef {
        name: "apiregistration/v1.APIServiceCondition",
        fields: &[],
    },
    // 102
    TypeDef {
        name: "apps/v1beta1.ControllerRevision",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 103
    TypeDef {
        name: "apps/v1beta1.Deployment",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 104, 0, ""),
            f("status", 212, 0, ""),
        ],
    },
    // 104
    TypeDef {
        name: "apps/v1beta1.DeploymentSpec",
        fields: &[
            f("rollbackTo", 211, 0, ""),
            f("selector", 7, 0, ""),
            f("strategy", 209, RETAIN_KEYS, ""),
            f("template", 105, 0, ""),
        ],
    },
    // 105
    TypeDef {
        name: "core/v1.PodTemplateSpec",
        fields: &[f("metadata", 1, 0, ""), f("spec", 106, 0, "")],
    },
    // 106
    TypeDef {
        name: "core/v1.PodSpec",
        fields: &[
            f("affinity", 190, 0, ""),
            f("containers", 155, LIST | MERGE, "name"),
            f("dnsConfig", 202, 0, ""),
            f("ephemeralContainers", 187, LIST | MERGE, "name"),
            f("hostAliases", 201, LIST | MERGE, "ip"),
            f("imagePullSecrets", 117, LIST | MERGE, "name"),
            f("initContainers", 155, LIST | MERGE, "name"),
            f("os", 206, 0, ""),
            f("readinessGates", 204, LIST, ""),
            f("resourceClaims", 208, LIST | MERGE | RETAIN_KEYS, "name"),
            f("resources", 165, 0, ""),
            f("schedulingGates", 207, LIST | MERGE, "name"),
            f("securityContext", 188, 0, ""),
            f("tolerations", 200, LIST, ""),
            f(
                "topologySpreadConstraints",
                205,
                LIST | MERGE,
                "topologyKey",
            ),
            f("volumes", 107, LIST | MERGE | RETAIN_KEYS, "name"),
        ],
    },
    // 107
    TypeDef {
        name: "core/v1.Volume",
        fields: &[
            f("awsElasticBlockStore", 111, 0, ""),
            f("azureDisk", 134, 0, ""),
            f("azureFile", 130, 0, ""),
            f("cephfs", 123, 0, ""),
            f("cinder", 122, 0, ""),
            f("configMap", 131, 0, ""),
            f("csi", 147, 0, ""),
            f("downwardAPI", 125, 0, ""),
            f("emptyDir", 109, 0, ""),
            f("ephemeral", 148, 0, ""),
            f("fc", 129, 0, ""),
            f("flexVolume", 121, 0, ""),
            f("flocker", 124, 0, ""),
            f("gcePersistentDisk", 110, 0, ""),
            f("gitRepo", 112, 0, ""),
            f("glusterfs", 118, 0, ""),
            f("hostPath", 108, 0, ""),
            f("image", 154, 0, ""),
            f("iscsi", 116, 0, ""),
            f("nfs", 115, 0, ""),
            f("persistentVolumeClaim", 119, 0, ""),
            f("photonPersistentDisk", 135, 0, ""),
            f("portworxVolume", 144, 0, ""),
            f("projected", 136, 0, ""),
            f("quobyte", 133, 0, ""),
            f("rbd", 120, 0, ""),
            f("scaleIO", 145, 0, ""),
            f("secret", 113, 0, ""),
            f("storageos", 146, 0, ""),
            f("vsphereVolume", 132, 0, ""),
        ],
    },
    // 108
    TypeDef {
        name: "core/v1.HostPathVolumeSource",
        fields: &[],
    },
    // 109
    TypeDef {
        name: "core/v1.EmptyDirVolumeSource",
        fields: &[],
    },
    // 110
    TypeDef {
        name: "core/v1.GCEPersistentDiskVolumeSource",
        fields: &[],
    },
    // 111
    TypeDef {
        name: "core/v1.AWSElasticBlockStoreVolumeSource",
        fields: &[],
    },
    // 112
    TypeDef {
        name: "core/v1.GitRepoVolumeSource",
        fields: &[],
    },
    // 113
    TypeDef {
        name: "core/v1.SecretVolumeSource",
        fields: &[f("items", 114, LIST, "")],
    },
    // 114
    TypeDef {
        name: "core/v1.KeyToPath",
        fields: &[],
    },
    // 115
    TypeDef {
        name: "core/v1.NFSVolumeSource",
        fields: &[],
    },
    // 116
    TypeDef {
        name: "core/v1.ISCSIVolumeSource",
        fields: &[f("secretRef", 117, 0, "")],
    },
    // 117
    TypeDef {
        name: "core/v1.LocalObjectReference",
        fields: &[],
    },
    // 118
    TypeDef {
        name: "core/v1.GlusterfsVolumeSource",
        fields: &[],
    },
    // 119
    TypeDef {
        name: "core/v1.PersistentVolumeClaimVolumeSource",
        fields: &[],
    },
    // 120
    TypeDef {
        name: "core/v1.RBDVolumeSource",
        fields: &[f("secretRef", 117, 0, "")],
    },
    // 121
    TypeDef {
        name: "core/v1.FlexVolumeSource",
        fields: &[f("secretRef", 117, 0, "")],
    },
    // 122
    TypeDef {
        name: "core/v1.CinderVolumeSource",
        fields: &[f("secretRef", 117, 0, "")],
    },
    // 123
    TypeDef {
        name: "core/v1.CephFSVolumeSource",
        fields: &[f("secretRef", 117, 0, "")],
    },
    // 124
    TypeDef {
        name: "core/v1.FlockerVolumeSource",
        fields: &[],
    },
    // 125
    TypeDef {
        name: "core/v1.DownwardAPIVolumeSource",
        fields: &[f("items", 126, LIST, "")],
    },
    // 126
    TypeDef {
        name: "core/v1.DownwardAPIVolumeFile",
        fields: &[f("fieldRef", 127, 0, ""), f("resourceFieldRef", 128, 0, "")],
    },
    // 127
    TypeDef {
        name: "core/v1.ObjectFieldSelector",
        fields: &[],
    },
    // 128
    TypeDef {
        name: "core/v1.ResourceFieldSelector",
        fields: &[],
    },
    // 129
    TypeDef {
        name: "core/v1.FCVolumeSource",
        fields: &[],
    },
    // 130
    TypeDef {
        name: "core/v1.AzureFileVolumeSource",
        fields: &[],
    },
    // 131
    TypeDef {
        name: "core/v1.ConfigMapVolumeSource",
        fields: &[f("items", 114, LIST, "")],
    },
    // 132
    TypeDef {
        name: "core/v1.VsphereVirtualDiskVolumeSource",
        fields: &[],
    },
    // 133
    TypeDef {
        name: "core/v1.QuobyteVolumeSource",
        fields: &[],
    },
    // 134
    TypeDef {
        name: "core/v1.AzureDiskVolumeSource",
        fields: &[],
    },
    // 135
    TypeDef {
        name: "core/v1.PhotonPersistentDiskVolumeSource",
        fields: &[],
    },
    // 136
    TypeDef {
        name: "core/v1.ProjectedVolumeSource",
        fields: &[f("sources", 137, LIST, "")],
    },
    // 137
    TypeDef {
        name: "core/v1.VolumeProjection",
        fields: &[
            f("clusterTrustBundle", 142, 0, ""),
            f("configMap", 140, 0, ""),
            f("downwardAPI", 139, 0, ""),
            f("podCertificate", 143, 0, ""),
            f("secret", 138, 0, ""),
            f("serviceAccountToken", 141, 0, ""),
        ],
    },
    // 138
    TypeDef {
        name: "core/v1.SecretProjection",
        fields: &[f("items", 114, LIST, "")],
    },
    // 139
    TypeDef {
        name: "core/v1.DownwardAPIProjection",
        fields: &[f("items", 126, LIST, "")],
    },
    // 140
    TypeDef {
        name: "core/v1.ConfigMapProjection",
        fields: &[f("items", 114, LIST, "")],
    },
    // 141
    TypeDef {
        name: "core/v1.ServiceAccountTokenProjection",
        fields: &[],
    },
    // 142
    TypeDef {
        name: "core/v1.ClusterTrustBundleProjection",
        fields: &[f("labelSelector", 7, 0, "")],
    },
    // 143
    TypeDef {
        name: "core/v1.PodCertificateProjection",
        fields: &[],
    },
    // 144
    TypeDef {
        name: "core/v1.PortworxVolumeSource",
        fields: &[],
    },
    // 145
    TypeDef {
        name: "core/v1.ScaleIOVolumeSource",
        fields: &[f("secretRef", 117, 0, "")],
    },
    // 146
    TypeDef {
        name: "core/v1.StorageOSVolumeSource",
        fields: &[f("secretRef", 117, 0, "")],
    },
    // 147
    TypeDef {
        name: "core/v1.CSIVolumeSource",
        fields: &[f("nodePublishSecretRef", 117, 0, "")],
    },
    // 148
    TypeDef {
        name: "core/v1.EphemeralVolumeSource",
        fields: &[f("volumeClaimTemplate", 149, 0, "")],
    },
    // 149
    TypeDef {
        name: "core/v1.PersistentVolumeClaimTemplate",
        fields: &[f("metadata", 1, 0, ""), f("spec", 150, 0, "")],
    },
    // 150
    TypeDef {
        name: "core/v1.PersistentVolumeClaimSpec",
        fields: &[
            f("dataSource", 152, 0, ""),
            f("dataSourceRef", 153, 0, ""),
            f("resources", 151, 0, ""),
            f("selector", 7, 0, ""),
        ],
    },
    // 151
    TypeDef {
        name: "core/v1.VolumeResourceRequirements",
        fields: &[],
    },
    // 152
    TypeDef {
        name: "core/v1.TypedLocalObjectReference",
        fields: &[],
    },
    // 153
    TypeDef {
        name: "core/v1.TypedObjectReference",
        fields: &[],
    },
    // 154
    TypeDef {
        name: "core/v1.ImageVolumeSource",
        fields: &[],
    },
    // 155
    TypeDef {
        name: "core/v1.Container",
        fields: &[
            f("env", 160, LIST | MERGE, "name"),
            f("envFrom", 157, LIST, ""),
            f("lifecycle", 178, 0, ""),
            f("livenessProbe", 172, 0, ""),
            f("ports", 156, LIST | MERGE, "containerPort"),
            f("readinessProbe", 172, 0, ""),
            f("resizePolicy", 167, LIST, ""),
            f("resources", 165, 0, ""),
            f("restartPolicyRules", 168, LIST, ""),
            f("securityContext", 181, 0, ""),
            f("startupProbe", 172, 0, ""),
            f("volumeDevices", 171, LIST | MERGE, "devicePath"),
            f("volumeMounts", 170, LIST | MERGE, "mountPath"),
        ],
    },
    // 156
    TypeDef {
        name: "core/v1.ContainerPort",
        fields: &[],
    },
    // 157
    TypeDef {
        name: "core/v1.EnvFromSource",
        fields: &[f("configMapRef", 158, 0, ""), f("secretRef", 159, 0, "")],
    },
    // 158
    TypeDef {
        name: "core/v1.ConfigMapEnvSource",
        fields: &[],
    },
    // 159
    TypeDef {
        name: "core/v1.SecretEnvSource",
        fields: &[],
    },
    // 160
    TypeDef {
        name: "core/v1.EnvVar",
        fields: &[f("valueFrom", 161, 0, "")],
    },
    // 161
    TypeDef {
        name: "core/v1.EnvVarSource",
        fields: &[
            f("configMapKeyRef", 162, 0, ""),
            f("fieldRef", 127, 0, ""),
            f("fileKeyRef", 164, 0, ""),
            f("resourceFieldRef", 128, 0, ""),
            f("secretKeyRef", 163, 0, ""),
        ],
    },
    // 162
    TypeDef {
        name: "core/v1.ConfigMapKeySelector",
        fields: &[],
    },
    // 163
    TypeDef {
        name: "core/v1.SecretKeySelector",
        fields: &[],
    },
    // 164
    TypeDef {
        name: "core/v1.FileKeySelector",
        fields: &[],
    },
    // 165
    TypeDef {
        name: "core/v1.ResourceRequirements",
        fields: &[f("claims", 166, LIST, "")],
    },
    // 166
    TypeDef {
        name: "core/v1.ResourceClaim",
        fields: &[],
    },
    // 167
    TypeDef {
        name: "core/v1.ContainerResizePolicy",
        fields: &[],
    },
    // 168
    TypeDef {
        name: "core/v1.ContainerRestartRule",
        fields: &[f("exitCodes", 169, 0, "")],
    },
    // 169
    TypeDef {
        name: "core/v1.ContainerRestartRuleOnExitCodes",
        fields: &[],
    },
    // 170
    TypeDef {
        name: "core/v1.VolumeMount",
        fields: &[],
    },
    // 171
    TypeDef {
        name: "core/v1.VolumeDevice",
        fields: &[],
    },
    // 172
    TypeDef {
        name: "core/v1.Probe",
        fields: &[
            f("exec", 173, 0, ""),
            f("grpc", 177, 0, ""),
            f("httpGet", 174, 0, ""),
            f("tcpSocket", 176, 0, ""),
        ],
    },
    // 173
    TypeDef {
        name: "core/v1.ExecAction",
        fields: &[],
    },
    // 174
    TypeDef {
        name: "core/v1.HTTPGetAction",
        fields: &[f("httpHeaders", 175, LIST, "")],
    },
    // 175
    TypeDef {
        name: "core/v1.HTTPHeader",
        fields: &[],
    },
    // 176
    TypeDef {
        name: "core/v1.TCPSocketAction",
        fields: &[],
    },
    // 177
    TypeDef {
        name: "core/v1.GRPCAction",
        fields: &[],
    },
    // 178
    TypeDef {
        name: "core/v1.Lifecycle",
        fields: &[f("postStart", 179, 0, ""), f("preStop", 179, 0, "")],
    },
    // 179
    TypeDef {
        name: "core/v1.LifecycleHandler",
        fields: &[
            f("exec", 173, 0, ""),
            f("httpGet", 174, 0, ""),
            f("sleep", 180, 0, ""),
            f("tcpSocket", 176, 0, ""),
        ],
    },
    // 180
    TypeDef {
        name: "core/v1.SleepAction",
        fields: &[],
    },
    // 181
    TypeDef {
        name: "core/v1.SecurityContext",
        fields: &[
            f("appArmorProfile", 186, 0, ""),
            f("capabilities", 182, 0, ""),
            f("seLinuxOptions", 183, 0, ""),
            f("seccompProfile", 185, 0, ""),
            f("windowsOptions", 184, 0, ""),
        ],
    },
    // 182
    TypeDef {
        name: "core/v1.Capabilities",
        fields: &[],
    },
    // 183
    TypeDef {
        name: "core/v1.SELinuxOptions",
        fields: &[],
    },
    // 184
    TypeDef {
        name: "core/v1.WindowsSecurityContextOptions",
        fields: &[],
    },
    // 185
    TypeDef {
        name: "core/v1.SeccompProfile",
        fields: &[],
    },
    // 186
    TypeDef {
        name: "core/v1.AppArmorProfile",
        fields: &[],
    },
    // 187
    TypeDef {
        name: "core/v1.EphemeralContainer",
        fields: &[
            f("env", 160, LIST | MERGE, "name"),
            f("envFrom", 157, LIST, ""),
            f("lifecycle", 178, 0, ""),
            f("livenessProbe", 172, 0, ""),
            f("ports", 156, LIST | MERGE, "containerPort"),
            f("readinessProbe", 172, 0, ""),
            f("resizePolicy", 167, LIST, ""),
            f("resources", 165, 0, ""),
            f("restartPolicyRules", 168, LIST, ""),
            f("securityContext", 181, 0, ""),
            f("startupProbe", 172, 0, ""),
            f("volumeDevices", 171, LIST | MERGE, "devicePath"),
            f("volumeMounts", 170, LIST | MERGE, "mountPath"),
        ],
    },
    // 188
    TypeDef {
        name: "core/v1.PodSecurityContext",
        fields: &[
            f("appArmorProfile", 186, 0, ""),
            f("seLinuxOptions", 183, 0, ""),
            f("seccompProfile", 185, 0, ""),
            f("sysctls", 189, LIST, ""),
            f("windowsOptions", 184, 0, ""),
        ],
    },
    // 189
    TypeDef {
        name: "core/v1.Sysctl",
        fields: &[],
    },
    // 190
    TypeDef {
        name: "core/v1.Affinity",
        fields: &[
            f("nodeAffinity", 191, 0, ""),
            f("podAffinity", 196, 0, ""),
            f("podAntiAffinity", 199, 0, ""),
        ],
    },
    // 191
    TypeDef {
        name: "core/v1.NodeAffinity",
        fields: &[
            f(
                "preferredDuringSchedulingIgnoredDuringExecution",
                195,
                LIST,
                "",
            ),
            f("requiredDuringSchedulingIgnoredDuringExecution", 192, 0, ""),
        ],
    },
    // 192
    TypeDef {
        name: "core/v1.NodeSelector",
        fields: &[f("nodeSelectorTerms", 193, LIST, "")],
    },
    // 193
    TypeDef {
        name: "core/v1.NodeSelectorTerm",
        fields: &[
            f("matchExpressions", 194, LIST, ""),
            f("matchFields", 194, LIST, ""),
        ],
    },
    // 194
    TypeDef {
        name: "core/v1.NodeSelectorRequirement",
        fields: &[],
    },
    // 195
    TypeDef {
        name: "core/v1.PreferredSchedulingTerm",
        fields: &[f("preference", 193, 0, "")],
    },
    // 196
    TypeDef {
        name: "core/v1.PodAffinity",
        fields: &[
            f(
                "preferredDuringSchedulingIgnoredDuringExecution",
                198,
                LIST,
                "",
            ),
            f(
                "requiredDuringSchedulingIgnoredDuringExecution",
                197,
                LIST,
                "",
            ),
        ],
    },
    // 197
    TypeDef {
        name: "core/v1.PodAffinityTerm",
        fields: &[
            f("labelSelector", 7, 0, ""),
            f("namespaceSelector", 7, 0, ""),
        ],
    },
    // 198
    TypeDef {
        name: "core/v1.WeightedPodAffinityTerm",
        fields: &[f("podAffinityTerm", 197, 0, "")],
    },
    // 199
    TypeDef {
        name: "core/v1.PodAntiAffinity",
        fields: &[
            f(
                "preferredDuringSchedulingIgnoredDuringExecution",
                198,
                LIST,
                "",
            ),
            f(
                "requiredDuringSchedulingIgnoredDuringExecution",
                197,
                LIST,
                "",
            ),
        ],
    },
    // 200
    TypeDef {
        name: "core/v1.Toleration",
        fields: &[],
    },
    // 201
    TypeDef {
        name: "core/v1.HostAlias",
        fields: &[],
    },
    // 202
    TypeDef {
        name: "core/v1.PodDNSConfig",
        fields: &[f("options", 203, LIST, "")],
    },
    // 203
    TypeDef {
        name: "core/v1.PodDNSConfigOption",
        fields: &[],
    },
    // 204
    TypeDef {
        name: "core/v1.PodReadinessGate",
        fields: &[],
    },
    // 205
    TypeDef {
        name: "core/v1.TopologySpreadConstraint",
        fields: &[f("labelSelector", 7, 0, "")],
    },
    // 206
    TypeDef {
        name: "core/v1.PodOS",
        fields: &[],
    },
    // 207
    TypeDef {
        name: "core/v1.PodSchedulingGate",
        fields: &[],
    },
    // 208
    TypeDef {
        name: "core/v1.PodResourceClaim",
        fields: &[],
    },
    // 209
    TypeDef {
        name: "apps/v1beta1.DeploymentStrategy",
        fields: &[f("rollingUpdate", 210, 0, "")],
    },
    // 210
    TypeDef {
        name: "apps/v1beta1.RollingUpdateDeployment",
        fields: &[],
    },
    // 211
    TypeDef {
        name: "apps/v1beta1.RollbackConfig",
        fields: &[],
    },
    // 212
    TypeDef {
        name: "apps/v1beta1.DeploymentStatus",
        fields: &[f("conditions", 213, LIST | MERGE, "type")],
    },
    // 213
    TypeDef {
        name: "apps/v1beta1.DeploymentCondition",
        fields: &[],
    },
    // 214
    TypeDef {
        name: "apps/v1beta1.Scale",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 215, 0, ""),
            f("status", 216, 0, ""),
        ],
    },
    // 215
    TypeDef {
        name: "apps/v1beta1.ScaleSpec",
        fields: &[],
    },
    // 216
    TypeDef {
        name: "apps/v1beta1.ScaleStatus",
        fields: &[],
    },
    // 217
    TypeDef {
        name: "apps/v1beta1.StatefulSet",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 218, 0, ""),
            f("status", 227, 0, ""),
        ],
    },
    // 218
    TypeDef {
        name: "apps/v1beta1.StatefulSetSpec",
        fields: &[
            f("ordinals", 226, 0, ""),
            f("persistentVolumeClaimRetentionPolicy", 225, 0, ""),
            f("selector", 7, 0, ""),
            f("template", 105, 0, ""),
            f("updateStrategy", 223, 0, ""),
            f("volumeClaimTemplates", 219, LIST, ""),
        ],
    },
    // 219
    TypeDef {
        name: "core/v1.PersistentVolumeClaim",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 150, 0, ""),
            f("status", 220, 0, ""),
        ],
    },
    // 220
    TypeDef {
        name: "core/v1.PersistentVolumeClaimStatus",
        fields: &[
            f("conditions", 221, LIST | MERGE, "type"),
            f("modifyVolumeStatus", 222, 0, ""),
        ],
    },
    // 221
    TypeDef {
        name: "core/v1.PersistentVolumeClaimCondition",
        fields: &[],
    },
    // 222
    TypeDef {
        name: "core/v1.ModifyVolumeStatus",
        fields: &[],
    },
    // 223
    TypeDef {
        name: "apps/v1beta1.StatefulSetUpdateStrategy",
        fields: &[f("rollingUpdate", 224, 0, "")],
    },
    // 224
    TypeDef {
        name: "apps/v1beta1.RollingUpdateStatefulSetStrategy",
        fields: &[],
    },
    // 225
    TypeDef {
        name: "apps/v1beta1.StatefulSetPersistentVolumeClaimRetentionPolicy",
        fields: &[],
    },
    // 226
    TypeDef {
        name: "apps/v1beta1.StatefulSetOrdinals",
        fields: &[],
    },
    // 227
    TypeDef {
        name: "apps/v1beta1.StatefulSetStatus",
        fields: &[f("conditions", 228, LIST | MERGE, "type")],
    },
    // 228
    TypeDef {
        name: "apps/v1beta1.StatefulSetCondition",
        fields: &[],
    },
    // 229
    TypeDef {
        name: "apps/v1beta2.ControllerRevision",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 230
    TypeDef {
        name: "apps/v1beta2.DaemonSet",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 231, 0, ""),
            f("status", 234, 0, ""),
        ],
    },
    // 231
    TypeDef {
        name: "apps/v1beta2.DaemonSetSpec",
        fields: &[
            f("selector", 7, 0, ""),
            f("template", 105, 0, ""),
            f("updateStrategy", 232, 0, ""),
        ],
    },
    // 232
    TypeDef {
        name: "apps/v1beta2.DaemonSetUpdateStrategy",
        fields: &[f("rollingUpdate", 233, 0, "")],
    },
    // 233
    TypeDef {
        name: "apps/v1beta2.RollingUpdateDaemonSet",
        fields: &[],
    },
    // 234
    TypeDef {
        name: "apps/v1beta2.DaemonSetStatus",
        fields: &[f("conditions", 235, LIST | MERGE, "type")],
    },
    // 235
    TypeDef {
        name: "apps/v1beta2.DaemonSetCondition",
        fields: &[],
    },
    // 236
    TypeDef {
        name: "apps/v1beta2.Deployment",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 237, 0, ""),
            f("status", 240, 0, ""),
        ],
    },
    // 237
    TypeDef {
        name: "apps/v1beta2.DeploymentSpec",
        fields: &[
            f("selector", 7, 0, ""),
            f("strategy", 238, RETAIN_KEYS, ""),
            f("template", 105, 0, ""),
        ],
    },
    // 238
    TypeDef {
        name: "apps/v1beta2.DeploymentStrategy",
        fields: &[f("rollingUpdate", 239, 0, "")],
    },
    // 239
    TypeDef {
        name: "apps/v1beta2.RollingUpdateDeployment",
        fields: &[],
    },
    // 240
    TypeDef {
        name: "apps/v1beta2.DeploymentStatus",
        fields: &[f("conditions", 241, LIST | MERGE, "type")],
    },
    // 241
    TypeDef {
        name: "apps/v1beta2.DeploymentCondition",
        fields: &[],
    },
    // 242
    TypeDef {
        name: "apps/v1beta2.ReplicaSet",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 243, 0, ""),
            f("status", 244, 0, ""),
        ],
    },
    // 243
    TypeDef {
        name: "apps/v1beta2.ReplicaSetSpec",
        fields: &[f("selector", 7, 0, ""), f("template", 105, 0, "")],
    },
    // 244
    TypeDef {
        name: "apps/v1beta2.ReplicaSetStatus",
        fields: &[f("conditions", 245, LIST | MERGE, "type")],
    },
    // 245
    TypeDef {
        name: "apps/v1beta2.ReplicaSetCondition",
        fields: &[],
    },
    // 246
    TypeDef {
        name: "apps/v1beta2.Scale",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 247, 0, ""),
            f("status", 248, 0, ""),
        ],
    },
    // 247
    TypeDef {
        name: "apps/v1beta2.ScaleSpec",
        fields: &[],
    },
    // 248
    TypeDef {
        name: "apps/v1beta2.ScaleStatus",
        fields: &[],
    },
    // 249
    TypeDef {
        name: "apps/v1beta2.StatefulSet",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 250, 0, ""),
            f("status", 255, 0, ""),
        ],
    },
    // 250
    TypeDef {
        name: "apps/v1beta2.StatefulSetSpec",
        fields: &[
            f("ordinals", 254, 0, ""),
            f("persistentVolumeClaimRetentionPolicy", 253, 0, ""),
            f("selector", 7, 0, ""),
            f("template", 105, 0, ""),
            f("updateStrategy", 251, 0, ""),
            f("volumeClaimTemplates", 219, LIST, ""),
        ],
    },
    // 251
    TypeDef {
        name: "apps/v1beta2.StatefulSetUpdateStrategy",
        fields: &[f("rollingUpdate", 252, 0, "")],
    },
    // 252
    TypeDef {
        name: "apps/v1beta2.RollingUpdateStatefulSetStrategy",
        fields: &[],
    },
    // 253
    TypeDef {
        name: "apps/v1beta2.StatefulSetPersistentVolumeClaimRetentionPolicy",
        fields: &[],
    },
    // 254
    TypeDef {
        name: "apps/v1beta2.StatefulSetOrdinals",
        fields: &[],
    },
    // 255
    TypeDef {
        name: "apps/v1beta2.StatefulSetStatus",
        fields: &[f("conditions", 256, LIST | MERGE, "type")],
    },
    // 256
    TypeDef {
        name: "apps/v1beta2.StatefulSetCondition",
        fields: &[],
    },
    // 257
    TypeDef {
        name: "apps/v1.ControllerRevision",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 258
    TypeDef {
        name: "apps/v1.DaemonSet",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 259, 0, ""),
            f("status", 262, 0, ""),
        ],
    },
    // 259
    TypeDef {
        name: "apps/v1.DaemonSetSpec",
        fields: &[
            f("selector", 7, 0, ""),
            f("template", 105, 0, ""),
            f("updateStrategy", 260, 0, ""),
        ],
    },
    // 260
    TypeDef {
        name: "apps/v1.DaemonSetUpdateStrategy",
        fields: &[f("rollingUpdate", 261, 0, "")],
    },
    // 261
    TypeDef {
        name: "apps/v1.RollingUpdateDaemonSet",
        fields: &[],
    },
    // 262
    TypeDef {
        name: "apps/v1.DaemonSetStatus",
        fields: &[f("conditions", 263, LIST | MERGE, "type")],
    },
    // 263
    TypeDef {
        name: "apps/v1.DaemonSetCondition",
        fields: &[],
    },
    // 264
    TypeDef {
        name: "apps/v1.Deployment",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 265, 0, ""),
            f("status", 268, 0, ""),
        ],
    },
    // 265
    TypeDef {
        name: "apps/v1.DeploymentSpec",
        fields: &[
            f("selector", 7, 0, ""),
            f("strategy", 266, RETAIN_KEYS, ""),
            f("template", 105, 0, ""),
        ],
    },
    // 266
    TypeDef {
        name: "apps/v1.DeploymentStrategy",
        fields: &[f("rollingUpdate", 267, 0, "")],
    },
    // 267
    TypeDef {
        name: "apps/v1.RollingUpdateDeployment",
        fields: &[],
    },
    // 268
    TypeDef {
        name: "apps/v1.DeploymentStatus",
        fields: &[f("conditions", 269, LIST | MERGE, "type")],
    },
    // 269
    TypeDef {
        name: "apps/v1.DeploymentCondition",
        fields: &[],
    },
    // 270
    TypeDef {
        name: "apps/v1.ReplicaSet",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 271, 0, ""),
            f("status", 272, 0, ""),
        ],
    },
    // 271
    TypeDef {
        name: "apps/v1.ReplicaSetSpec",
        fields: &[f("selector", 7, 0, ""), f("template", 105, 0, "")],
    },
    // 272
    TypeDef {
        name: "apps/v1.ReplicaSetStatus",
        fields: &[f("conditions", 273, LIST | MERGE, "type")],
    },
    // 273
    TypeDef {
        name: "apps/v1.ReplicaSetCondition",
        fields: &[],
    },
    // 274
    TypeDef {
        name: "apps/v1.StatefulSet",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 275, 0, ""),
            f("status", 280, 0, ""),
        ],
    },
    // 275
    TypeDef {
        name: "apps/v1.StatefulSetSpec",
        fields: &[
            f("ordinals", 279, 0, ""),
            f("persistentVolumeClaimRetentionPolicy", 278, 0, ""),
            f("selector", 7, 0, ""),
            f("template", 105, 0, ""),
            f("updateStrategy", 276, 0, ""),
            f("volumeClaimTemplates", 219, LIST, ""),
        ],
    },
    // 276
    TypeDef {
        name: "apps/v1.StatefulSetUpdateStrategy",
        fields: &[f("rollingUpdate", 277, 0, "")],
    },
    // 277
    TypeDef {
        name: "apps/v1.RollingUpdateStatefulSetStrategy",
        fields: &[],
    },
    // 278
    TypeDef {
        name: "apps/v1.StatefulSetPersistentVolumeClaimRetentionPolicy",
        fields: &[],
    },
    // 279
    TypeDef {
        name: "apps/v1.StatefulSetOrdinals",
        fields: &[],
    },
    // 280
    TypeDef {
        name: "apps/v1.StatefulSetStatus",
        fields: &[f("conditions", 281, LIST | MERGE, "type")],
    },
    // 281
    TypeDef {
        name: "apps/v1.StatefulSetCondition",
        fields: &[],
    },
    // 282
    TypeDef {
        name: "authentication/v1alpha1.SelfSubjectReview",
        fields: &[f("metadata", 1, 0, ""), f("status", 283, 0, "")],
    },
    // 283
    TypeDef {
        name: "authentication/v1alpha1.SelfSubjectReviewStatus",
        fields: &[f("userInfo", 284, 0, "")],
    },
    // 284
    TypeDef {
        name: "authentication/v1.UserInfo",
        fields: &[],
    },
    // 285
    TypeDef {
        name: "authentication/v1beta1.SelfSubjectReview",
        fields: &[f("metadata", 1, 0, ""), f("status", 286, 0, "")],
    },
    // 286
    TypeDef {
        name: "authentication/v1beta1.SelfSubjectReviewStatus",
        fields: &[f("userInfo", 284, 0, "")],
    },
    // 287
    TypeDef {
        name: "authentication/v1beta1.TokenReview",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 288, 0, ""),
            f("status", 289, 0, ""),
        ],
    },
    // 288
    TypeDef {
        name: "authentication/v1beta1.TokenReviewSpec",
        fields: &[],
    },
    // 289
    TypeDef {
        name: "authentication/v1beta1.TokenReviewStatus",
        fields: &[f("user", 290, 0, "")],
    },
    // 290
    TypeDef {
        name: "authentication/v1beta1.UserInfo",
        fields: &[],
    },
    // 291
    TypeDef {
        name: "authentication/v1.SelfSubjectReview",
        fields: &[f("metadata", 1, 0, ""), f("status", 292, 0, "")],
    },
    // 292
    TypeDef {
        name: "authentication/v1.SelfSubjectReviewStatus",
        fields: &[f("userInfo", 284, 0, "")],
    },
    // 293
    TypeDef {
        name: "authentication/v1.TokenRequest",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 294, 0, ""),
            f("status", 296, 0, ""),
        ],
    },
    // 294
    TypeDef {
        name: "authentication/v1.TokenRequestSpec",
        fields: &[f("boundObjectRef", 295, 0, "")],
    },
    // 295
    TypeDef {
        name: "authentication/v1.BoundObjectReference",
        fields: &[],
    },
    // 296
    TypeDef {
        name: "authentication/v1.TokenRequestStatus",
        fields: &[],
    },
    // 297
    TypeDef {
        name: "authentication/v1.TokenReview",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 298, 0, ""),
            f("status", 299, 0, ""),
        ],
    },
    // 298
    TypeDef {
        name: "authentication/v1.TokenReviewSpec",
        fields: &[],
    },
    // 299
    TypeDef {
        name: "authentication/v1.TokenReviewStatus",
        fields: &[f("user", 284, 0, "")],
    },
    // 300
    TypeDef {
        name: "authorization/v1beta1.LocalSubjectAccessReview",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 301, 0, ""),
            f("status", 307, 0, ""),
        ],
    },
    // 301
    TypeDef {
        name: "authorization/v1beta1.SubjectAccessReviewSpec",
        fields: &[
            f("nonResourceAttributes", 306, 0, ""),
            f("resourceAttributes", 302, 0, ""),
        ],
    },
    // 302
    TypeDef {
        name: "authorization/v1beta1.ResourceAttributes",
        fields: &[
            f("fieldSelector", 303, 0, ""),
            f("labelSelector", 305, 0, ""),
        ],
    },
    // 303
    TypeDef {
        name: "authorization/v1.FieldSelectorAttributes",
        fields: &[f("requirements", 304, LIST, "")],
    },
    // 304
    TypeDef {
        name: "meta/v1.FieldSelectorRequirement",
        fields: &[],
    },
    // 305
    TypeDef {
        name: "authorization/v1.LabelSelectorAttributes",
        fields: &[f("requirements", 8, LIST, "")],
    },
    // 306
    TypeDef {
        name: "authorization/v1beta1.NonResourceAttributes",
        fields: &[],
    },
    // 307
    TypeDef {
        name: "authorization/v1beta1.SubjectAccessReviewStatus",
        fields: &[],
    },
    // 308
    TypeDef {
        name: "authorization/v1beta1.SelfSubjectAccessReview",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 309, 0, ""),
            f("status", 307, 0, ""),
        ],
    },
    // 309
    TypeDef {
        name: "authorization/v1beta1.SelfSubjectAccessReviewSpec",
        fields: &[
            f("nonResourceAttributes", 306, 0, ""),
            f("resourceAttributes", 302, 0, ""),
        ],
    },
    // 310
    TypeDef {
        name: "authorization/v1beta1.SelfSubjectRulesReview",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 311, 0, ""),
            f("status", 312, 0, ""),
        ],
    },
    // 311
    TypeDef {
        name: "authorization/v1beta1.SelfSubjectRulesReviewSpec",
        fields: &[],
    },
    // 312
    TypeDef {
        name: "authorization/v1beta1.SubjectRulesReviewStatus",
        fields: &[
            f("nonResourceRules", 314, LIST, ""),
            f("resourceRules", 313, LIST, ""),
        ],
    },
    // 313
    TypeDef {
        name: "authorization/v1beta1.ResourceRule",
        fields: &[],
    },
    // 314
    TypeDef {
        name: "authorization/v1beta1.NonResourceRule",
        fields: &[],
    },
    // 315
    TypeDef {
        name: "authorization/v1beta1.SubjectAccessReview",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 301, 0, ""),
            f("status", 307, 0, ""),
        ],
    },
    // 316
    TypeDef {
        name: "authorization/v1.LocalSubjectAccessReview",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 317, 0, ""),
            f("status", 320, 0, ""),
        ],
    },
    // 317
    TypeDef {
        name: "authorization/v1.SubjectAccessReviewSpec",
        fields: &[
            f("nonResourceAttributes", 319, 0, ""),
            f("resourceAttributes", 318, 0, ""),
        ],
    },
    // 318
    TypeDef {
        name: "authorization/v1.ResourceAttributes",
        fields: &[
            f("fieldSelector", 303, 0, ""),
            f("labelSelector", 305, 0, ""),
        ],
    },
    // 319
    TypeDef {
        name: "authorization/v1.NonResourceAttributes",
        fields: &[],
    },
    // 320
    TypeDef {
        name: "authorization/v1.SubjectAccessReviewStatus",
        fields: &[],
    },
    // 321
    TypeDef {
        name: "authorization/v1.SelfSubjectAccessReview",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 322, 0, ""),
            f("status", 320, 0, ""),
        ],
    },
    // 322
    TypeDef {
        name: "authorization/v1.SelfSubjectAccessReviewSpec",
        fields: &[
            f("nonResourceAttributes", 319, 0, ""),
            f("resourceAttributes", 318, 0, ""),
        ],
    },
    // 323
    TypeDef {
        name: "authorization/v1.SelfSubjectRulesReview",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 324, 0, ""),
            f("status", 325, 0, ""),
        ],
    },
    // 324
    TypeDef {
        name: "authorization/v1.SelfSubjectRulesReviewSpec",
        fields: &[],
    },
    // 325
    TypeDef {
        name: "authorization/v1.SubjectRulesReviewStatus",
        fields: &[
            f("nonResourceRules", 327, LIST, ""),
            f("resourceRules", 326, LIST, ""),
        ],
    },
    // 326
    TypeDef {
        name: "authorization/v1.ResourceRule",
        fields: &[],
    },
    // 327
    TypeDef {
        name: "authorization/v1.NonResourceRule",
        fields: &[],
    },
    // 328
    TypeDef {
        name: "authorization/v1.SubjectAccessReview",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 317, 0, ""),
            f("status", 320, 0, ""),
        ],
    },
    // 329
    TypeDef {
        name: "autoscaling/v1.HorizontalPodAutoscaler",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 330, 0, ""),
            f("status", 332, 0, ""),
        ],
    },
    // 330
    TypeDef {
        name: "autoscaling/v1.HorizontalPodAutoscalerSpec",
        fields: &[f("scaleTargetRef", 331, 0, "")],
    },
    // 331
    TypeDef {
        name: "autoscaling/v1.CrossVersionObjectReference",
        fields: &[],
    },
    // 332
    TypeDef {
        name: "autoscaling/v1.HorizontalPodAutoscalerStatus",
        fields: &[],
    },
    // 333
    TypeDef {
        name: "autoscaling/v1.Scale",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 334, 0, ""),
            f("status", 335, 0, ""),
        ],
    },
    // 334
    TypeDef {
        name: "autoscaling/v1.ScaleSpec",
        fields: &[],
    },
    // 335
    TypeDef {
        name: "autoscaling/v1.ScaleStatus",
        fields: &[],
    },
    // 336
    TypeDef {
        name: "autoscaling/v2beta1.HorizontalPodAutoscaler",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 337, 0, ""),
            f("status", 345, 0, ""),
        ],
    },
    // 337
    TypeDef {
        name: "autoscaling/v2beta1.HorizontalPodAutoscalerSpec",
        fields: &[f("metrics", 339, LIST, ""), f("scaleTargetRef", 338, 0, "")],
    },
    // 338
    TypeDef {
        name: "autoscaling/v2beta1.CrossVersionObjectReference",
        fields: &[],
    },
    // 339
    TypeDef {
        name: "autoscaling/v2beta1.MetricSpec",
        fields: &[
            f("containerResource", 343, 0, ""),
            f("external", 344, 0, ""),
            f("object", 340, 0, ""),
            f("pods", 341, 0, ""),
            f("resource", 342, 0, ""),
        ],
    },
    // 340
    TypeDef {
        name: "autoscaling/v2beta1.ObjectMetricSource",
        fields: &[f("selector", 7, 0, ""), f("target", 338, 0, "")],
    },
    // 341
    TypeDef {
        name: "autoscaling/v2beta1.PodsMetricSource",
        fields: &[f("selector", 7, 0, "")],
    },
    // 342
    TypeDef {
        name: "autoscaling/v2beta1.ResourceMetricSource",
        fields: &[],
    },
    // 343
    TypeDef {
        name: "autoscaling/v2beta1.ContainerResourceMetricSource",
        fields: &[],
    },
    // 344
    TypeDef {
        name: "autoscaling/v2beta1.ExternalMetricSource",
        fields: &[f("metricSelector", 7, 0, "")],
    },
    // 345
    TypeDef {
        name: "autoscaling/v2beta1.HorizontalPodAutoscalerStatus",
        fields: &[
            f("conditions", 352, LIST, ""),
            f("currentMetrics", 346, LIST, ""),
        ],
    },
    // 346
    TypeDef {
        name: "autoscaling/v2beta1.MetricStatus",
        fields: &[
            f("containerResource", 350, 0, ""),
            f("external", 351, 0, ""),
            f("object", 347, 0, ""),
            f("pods", 348, 0, ""),
            f("resource", 349, 0, ""),
        ],
    },
    // 347
    TypeDef {
        name: "autoscaling/v2beta1.ObjectMetricStatus",
        fields: &[f("selector", 7, 0, ""), f("target", 338, 0, "")],
    },
    // 348
    TypeDef {
        name: "autoscaling/v2beta1.PodsMetricStatus",
        fields: &[f("selector", 7, 0, "")],
    },
    // 349
    TypeDef {
        name: "autoscaling/v2beta1.ResourceMetricStatus",
        fields: &[],
    },
    // 350
    TypeDef {
        name: "autoscaling/v2beta1.ContainerResourceMetricStatus",
        fields: &[],
    },
    // 351
    TypeDef {
        name: "autoscaling/v2beta1.ExternalMetricStatus",
        fields: &[f("metricSelector", 7, 0, "")],
    },
    // 352
    TypeDef {
        name: "autoscaling/v2beta1.HorizontalPodAutoscalerCondition",
        fields: &[],
    },
    // 353
    TypeDef {
        name: "autoscaling/v2beta2.HorizontalPodAutoscaler",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 354, 0, ""),
            f("status", 367, 0, ""),
        ],
    },
    // 354
    TypeDef {
        name: "autoscaling/v2beta2.HorizontalPodAutoscalerSpec",
        fields: &[
            f("behavior", 364, 0, ""),
            f("metrics", 356, LIST, ""),
            f("scaleTargetRef", 355, 0, ""),
        ],
    },
    // 355
    TypeDef {
        name: "autoscaling/v2beta2.CrossVersionObjectReference",
        fields: &[],
    },
    // 356
    TypeDef {
        name: "autoscaling/v2beta2.MetricSpec",
        fields: &[
            f("containerResource", 362, 0, ""),
            f("external", 363, 0, ""),
            f("object", 357, 0, ""),
            f("pods", 360, 0, ""),
            f("resource", 361, 0, ""),
        ],
    },
    // 357
    TypeDef {
        name: "autoscaling/v2beta2.ObjectMetricSource",
        fields: &[
            f("describedObject", 355, 0, ""),
            f("metric", 359, 0, ""),
            f("target", 358, 0, ""),
        ],
    },
    // 358
    TypeDef {
        name: "autoscaling/v2beta2.MetricTarget",
        fields: &[],
    },
    // 359
    TypeDef {
        name: "autoscaling/v2beta2.MetricIdentifier",
        fields: &[f("selector", 7, 0, "")],
    },
    // 360
    TypeDef {
        name: "autoscaling/v2beta2.PodsMetricSource",
        fields: &[f("metric", 359, 0, ""), f("target", 358, 0, "")],
    },
    // 361
    TypeDef {
        name: "autoscaling/v2beta2.ResourceMetricSource",
        fields: &[f("target", 358, 0, "")],
    },
    // 362
    TypeDef {
        name: "autoscaling/v2beta2.ContainerResourceMetricSource",
        fields: &[f("target", 358, 0, "")],
    },
    // 363
    TypeDef {
        name: "autoscaling/v2beta2.ExternalMetricSource",
        fields: &[f("metric", 359, 0, ""), f("target", 358, 0, "")],
    },
    // 364
    TypeDef {
        name: "autoscaling/v2beta2.HorizontalPodAutoscalerBehavior",
        fields: &[f("scaleDown", 365, 0, ""), f("scaleUp", 365, 0, "")],
    },
    // 365
    TypeDef {
        name: "autoscaling/v2beta2.HPAScalingRules",
        fields: &[f("policies", 366, LIST, "")],
    },
    // 366
    TypeDef {
        name: "autoscaling/v2beta2.HPAScalingPolicy",
        fields: &[],
    },
    // 367
    TypeDef {
        name: "autoscaling/v2beta2.HorizontalPodAutoscalerStatus",
        fields: &[
            f("conditions", 375, LIST, ""),
            f("currentMetrics", 368, LIST, ""),
        ],
    },
    // 368
    TypeDef {
        name: "autoscaling/v2beta2.MetricStatus",
        fields: &[
            f("containerResource", 373, 0, ""),
            f("external", 374, 0, ""),
            f("object", 369, 0, ""),
            f("pods", 371, 0, ""),
            f("resource", 372, 0, ""),
        ],
    },
    // 369
    TypeDef {
        name: "autoscaling/v2beta2.ObjectMetricStatus",
        fields: &[
            f("current", 370, 0, ""),
            f("describedObject", 355, 0, ""),
            f("metric", 359, 0, ""),
        ],
    },
    // 370
    TypeDef {
        name: "autoscaling/v2beta2.MetricValueStatus",
        fields: &[],
    },
    // 371
    TypeDef {
        name: "autoscaling/v2beta2.PodsMetricStatus",
        fields: &[f("current", 370, 0, ""), f("metric", 359, 0, "")],
    },
    // 372
    TypeDef {
        name: "autoscaling/v2beta2.ResourceMetricStatus",
        fields: &[f("current", 370, 0, "")],
    },
    // 373
    TypeDef {
        name: "autoscaling/v2beta2.ContainerResourceMetricStatus",
        fields: &[f("current", 370, 0, "")],
    },
    // 374
    TypeDef {
        name: "autoscaling/v2beta2.ExternalMetricStatus",
        fields: &[f("current", 370, 0, ""), f("metric", 359, 0, "")],
    },
    // 375
    TypeDef {
        name: "autoscaling/v2beta2.HorizontalPodAutoscalerCondition",
        fields: &[],
    },
    // 376
    TypeDef {
        name: "autoscaling/v2.HorizontalPodAutoscaler",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 377, 0, ""),
            f("status", 390, 0, ""),
        ],
    },
    // 377
    TypeDef {
        name: "autoscaling/v2.HorizontalPodAutoscalerSpec",
        fields: &[
            f("behavior", 387, 0, ""),
            f("metrics", 379, LIST, ""),
            f("scaleTargetRef", 378, 0, ""),
        ],
    },
    // 378
    TypeDef {
        name: "autoscaling/v2.CrossVersionObjectReference",
        fields: &[],
    },
    // 379
    TypeDef {
        name: "autoscaling/v2.MetricSpec",
        fields: &[
            f("containerResource", 385, 0, ""),
            f("external", 386, 0, ""),
            f("object", 380, 0, ""),
            f("pods", 383, 0, ""),
            f("resource", 384, 0, ""),
        ],
    },
    // 380
    TypeDef {
        name: "autoscaling/v2.ObjectMetricSource",
        fields: &[
            f("describedObject", 378, 0, ""),
            f("metric", 382, 0, ""),
            f("target", 381, 0, ""),
        ],
    },
    // 381
    TypeDef {
        name: "autoscaling/v2.MetricTarget",
        fields: &[],
    },
    // 382
    TypeDef {
        name: "autoscaling/v2.MetricIdentifier",
        fields: &[f("selector", 7, 0, "")],
    },
    // 383
    TypeDef {
        name: "autoscaling/v2.PodsMetricSource",
        fields: &[f("metric", 382, 0, ""), f("target", 381, 0, "")],
    },
    // 384
    TypeDef {
        name: "autoscaling/v2.ResourceMetricSource",
        fields: &[f("target", 381, 0, "")],
    },
    // 385
    TypeDef {
        name: "autoscaling/v2.ContainerResourceMetricSource",
        fields: &[f("target", 381, 0, "")],
    },
    // 386
    TypeDef {
        name: "autoscaling/v2.ExternalMetricSource",
        fields: &[f("metric", 382, 0, ""), f("target", 381, 0, "")],
    },
    // 387
    TypeDef {
        name: "autoscaling/v2.HorizontalPodAutoscalerBehavior",
        fields: &[f("scaleDown", 388, 0, ""), f("scaleUp", 388, 0, "")],
    },
    // 388
    TypeDef {
        name: "autoscaling/v2.HPAScalingRules",
        fields: &[f("policies", 389, LIST, "")],
    },
    // 389
    TypeDef {
        name: "autoscaling/v2.HPAScalingPolicy",
        fields: &[],
    },
    // 390
    TypeDef {
        name: "autoscaling/v2.HorizontalPodAutoscalerStatus",
        fields: &[
            f("conditions", 398, LIST | MERGE, "type"),
            f("currentMetrics", 391, LIST, ""),
        ],
    },
    // 391
    TypeDef {
        name: "autoscaling/v2.MetricStatus",
        fields: &[
            f("containerResource", 396, 0, ""),
            f("external", 397, 0, ""),
            f("object", 392, 0, ""),
            f("pods", 394, 0, ""),
            f("resource", 395, 0, ""),
        ],
    },
    // 392
    TypeDef {
        name: "autoscaling/v2.ObjectMetricStatus",
        fields: &[
            f("current", 393, 0, ""),
            f("describedObject", 378, 0, ""),
            f("metric", 382, 0, ""),
        ],
    },
    // 393
    TypeDef {
        name: "autoscaling/v2.MetricValueStatus",
        fields: &[],
    },
    // 394
    TypeDef {
        name: "autoscaling/v2.PodsMetricStatus",
        fields: &[f("current", 393, 0, ""), f("metric", 382, 0, "")],
    },
    // 395
    TypeDef {
        name: "autoscaling/v2.ResourceMetricStatus",
        fields: &[f("current", 393, 0, "")],
    },
    // 396
    TypeDef {
        name: "autoscaling/v2.ContainerResourceMetricStatus",
        fields: &[f("current", 393, 0, "")],
    },
    // 397
    TypeDef {
        name: "autoscaling/v2.ExternalMetricStatus",
        fields: &[f("current", 393, 0, ""), f("metric", 382, 0, "")],
    },
    // 398
    TypeDef {
        name: "autoscaling/v2.HorizontalPodAutoscalerCondition",
        fields: &[],
    },
    // 399
    TypeDef {
        name: "batch/v1beta1.CronJob",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 400, 0, ""),
            f("status", 409, 0, ""),
        ],
    },
    // 400
    TypeDef {
        name: "batch/v1beta1.CronJobSpec",
        fields: &[f("jobTemplate", 401, 0, "")],
    },
    // 401
    TypeDef {
        name: "batch/v1beta1.JobTemplateSpec",
        fields: &[f("metadata", 1, 0, ""), f("spec", 402, 0, "")],
    },
    // 402
    TypeDef {
        name: "batch/v1.JobSpec",
        fields: &[
            f("podFailurePolicy", 403, 0, ""),
            f("selector", 7, 0, ""),
            f("successPolicy", 407, 0, ""),
            f("template", 105, 0, ""),
        ],
    },
    // 403
    TypeDef {
        name: "batch/v1.PodFailurePolicy",
        fields: &[f("rules", 404, LIST, "")],
    },
    // 404
    TypeDef {
        name: "batch/v1.PodFailurePolicyRule",
        fields: &[
            f("onExitCodes", 405, 0, ""),
            f("onPodConditions", 406, LIST, ""),
        ],
    },
    // 405
    TypeDef {
        name: "batch/v1.PodFailurePolicyOnExitCodesRequirement",
        fields: &[],
    },
    // 406
    TypeDef {
        name: "batch/v1.PodFailurePolicyOnPodConditionsPattern",
        fields: &[],
    },
    // 407
    TypeDef {
        name: "batch/v1.SuccessPolicy",
        fields: &[f("rules", 408, LIST, "")],
    },
    // 408
    TypeDef {
        name: "batch/v1.SuccessPolicyRule",
        fields: &[],
    },
    // 409
    TypeDef {
        name: "batch/v1beta1.CronJobStatus",
        fields: &[f("active", 410, LIST, "")],
    },
    // 410
    TypeDef {
        name: "core/v1.ObjectReference",
        fields: &[],
    },
    // 411
    TypeDef {
        name: "batch/v1.CronJob",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 412, 0, ""),
            f("status", 414, 0, ""),
        ],
    },
    // 412
    TypeDef {
        name: "batch/v1.CronJobSpec",
        fields: &[f("jobTemplate", 413, 0, "")],
    },
    // 413
    TypeDef {
        name: "batch/v1.JobTemplateSpec",
        fields: &[f("metadata", 1, 0, ""), f("spec", 402, 0, "")],
    },
    // 414
    TypeDef {
        name: "batch/v1.CronJobStatus",
        fields: &[f("active", 410, LIST, "")],
    },
    // 415
    TypeDef {
        name: "batch/v1.Job",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 402, 0, ""),
            f("status", 416, 0, ""),
        ],
    },
    // 416
    TypeDef {
        name: "batch/v1.JobStatus",
        fields: &[
            f("conditions", 417, LIST | MERGE, "type"),
            f("uncountedTerminatedPods", 418, 0, ""),
        ],
    },
    // 417
    TypeDef {
        name: "batch/v1.JobCondition",
        fields: &[],
    },
    // 418
    TypeDef {
        name: "batch/v1.UncountedTerminatedPods",
        fields: &[],
    },
    // 419
    TypeDef {
        name: "certificates/v1alpha1.ClusterTrustBundle",
        fields: &[f("metadata", 1, 0, ""), f("spec", 420, 0, "")],
    },
    // 420
    TypeDef {
        name: "certificates/v1alpha1.ClusterTrustBundleSpec",
        fields: &[],
    },
    // 421
    TypeDef {
        name: "certificates/v1alpha1.PodCertificateRequest",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 422, 0, ""),
            f("status", 423, 0, ""),
        ],
    },
    // 422
    TypeDef {
        name: "certificates/v1alpha1.PodCertificateRequestSpec",
        fields: &[],
    },
    // 423
    TypeDef {
        name: "certificates/v1alpha1.PodCertificateRequestStatus",
        fields: &[f("conditions", 25, LIST | MERGE, "type")],
    },
    // 424
    TypeDef {
        name: "certificates/v1beta1.CertificateSigningRequest",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 425, 0, ""),
            f("status", 426, 0, ""),
        ],
    },
    // 425
    TypeDef {
        name: "certificates/v1beta1.CertificateSigningRequestSpec",
        fields: &[],
    },
    // 426
    TypeDef {
        name: "certificates/v1beta1.CertificateSigningRequestStatus",
        fields: &[f("conditions", 427, LIST, "")],
    },
    // 427
    TypeDef {
        name: "certificates/v1beta1.CertificateSigningRequestCondition",
        fields: &[],
    },
    // 428
    TypeDef {
        name: "certificates/v1beta1.ClusterTrustBundle",
        fields: &[f("metadata", 1, 0, ""), f("spec", 429, 0, "")],
    },
    // 429
    TypeDef {
        name: "certificates/v1beta1.ClusterTrustBundleSpec",
        fields: &[],
    },
    // 430
    TypeDef {
        name: "certificates/v1.CertificateSigningRequest",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 431, 0, ""),
            f("status", 432, 0, ""),
        ],
    },
    // 431
    TypeDef {
        name: "certificates/v1.CertificateSigningRequestSpec",
        fields: &[],
    },
    // 432
    TypeDef {
        name: "certificates/v1.CertificateSigningRequestStatus",
        fields: &[f("conditions", 433, LIST, "")],
    },
    // 433
    TypeDef {
        name: "certificates/v1.CertificateSigningRequestCondition",
        fields: &[],
    },
    // 434
    TypeDef {
        name: "coordination/v1alpha2.LeaseCandidate",
        fields: &[f("metadata", 1, 0, ""), f("spec", 435, 0, "")],
    },
    // 435
    TypeDef {
        name: "coordination/v1alpha2.LeaseCandidateSpec",
        fields: &[],
    },
    // 436
    TypeDef {
        name: "coordination/v1beta1.Lease",
        fields: &[f("metadata", 1, 0, ""), f("spec", 437, 0, "")],
    },
    // 437
    TypeDef {
        name: "coordination/v1beta1.LeaseSpec",
        fields: &[],
    },
    // 438
    TypeDef {
        name: "coordination/v1beta1.LeaseCandidate",
        fields: &[f("metadata", 1, 0, ""), f("spec", 439, 0, "")],
    },
    // 439
    TypeDef {
        name: "coordination/v1beta1.LeaseCandidateSpec",
        fields: &[],
    },
    // 440
    TypeDef {
        name: "coordination/v1.Lease",
        fields: &[f("metadata", 1, 0, ""), f("spec", 441, 0, "")],
    },
    // 441
    TypeDef {
        name: "coordination/v1.LeaseSpec",
        fields: &[],
    },
    // 442
    TypeDef {
        name: "discovery/v1beta1.EndpointSlice",
        fields: &[
            f("endpoints", 443, LIST, ""),
            f("metadata", 1, 0, ""),
            f("ports", 448, LIST, ""),
        ],
    },
    // 443
    TypeDef {
        name: "discovery/v1beta1.Endpoint",
        fields: &[
            f("conditions", 444, 0, ""),
            f("hints", 445, 0, ""),
            f("targetRef", 410, 0, ""),
        ],
    },
    // 444
    TypeDef {
        name: "discovery/v1beta1.EndpointConditions",
        fields: &[],
    },
    // 445
    TypeDef {
        name: "discovery/v1beta1.EndpointHints",
        fields: &[f("forNodes", 447, LIST, ""), f("forZones", 446, LIST, "")],
    },
    // 446
    TypeDef {
        name: "discovery/v1beta1.ForZone",
        fields: &[],
    },
    // 447
    TypeDef {
        name: "discovery/v1beta1.ForNode",
        fields: &[],
    },
    // 448
    TypeDef {
        name: "discovery/v1beta1.EndpointPort",
        fields: &[],
    },
    // 449
    TypeDef {
        name: "discovery/v1.EndpointSlice",
        fields: &[
            f("endpoints", 450, LIST, ""),
            f("metadata", 1, 0, ""),
            f("ports", 455, LIST, ""),
        ],
    },
    // 450
    TypeDef {
        name: "discovery/v1.Endpoint",
        fields: &[
            f("conditions", 451, 0, ""),
            f("hints", 452, 0, ""),
            f("targetRef", 410, 0, ""),
        ],
    },
    // 451
    TypeDef {
        name: "discovery/v1.EndpointConditions",
        fields: &[],
    },
    // 452
    TypeDef {
        name: "discovery/v1.EndpointHints",
        fields: &[f("forNodes", 454, LIST, ""), f("forZones", 453, LIST, "")],
    },
    // 453
    TypeDef {
        name: "discovery/v1.ForZone",
        fields: &[],
    },
    // 454
    TypeDef {
        name: "discovery/v1.ForNode",
        fields: &[],
    },
    // 455
    TypeDef {
        name: "discovery/v1.EndpointPort",
        fields: &[],
    },
    // 456
    TypeDef {
        name: "events/v1beta1.Event",
        fields: &[
            f("deprecatedSource", 458, 0, ""),
            f("metadata", 1, 0, ""),
            f("regarding", 410, 0, ""),
            f("related", 410, 0, ""),
            f("series", 457, 0, ""),
        ],
    },
    // 457
    TypeDef {
        name: "events/v1beta1.EventSeries",
        fields: &[],
    },
    // 458
    TypeDef {
        name: "core/v1.EventSource",
        fields: &[],
    },
    // 459
    TypeDef {
        name: "events/v1.Event",
        fields: &[
            f("deprecatedSource", 458, 0, ""),
            f("metadata", 1, 0, ""),
            f("regarding", 410, 0, ""),
            f("related", 410, 0, ""),
            f("series", 460, 0, ""),
        ],
    },
    // 460
    TypeDef {
        name: "events/v1.EventSeries",
        fields: &[],
    },
    // 461
    TypeDef {
        name: "extensions/v1beta1.DaemonSet",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 462, 0, ""),
            f("status", 465, 0, ""),
        ],
    },
    // 462
    TypeDef {
        name: "extensions/v1beta1.DaemonSetSpec",
        fields: &[
            f("selector", 7, 0, ""),
            f("template", 105, 0, ""),
            f("updateStrategy", 463, 0, ""),
        ],
    },
    // 463
    TypeDef {
        name: "extensions/v1beta1.DaemonSetUpdateStrategy",
        fields: &[f("rollingUpdate", 464, 0, "")],
    },
    // 464
    TypeDef {
        name: "extensions/v1beta1.RollingUpdateDaemonSet",
        fields: &[],
    },
    // 465
    TypeDef {
        name: "extensions/v1beta1.DaemonSetStatus",
        fields: &[f("conditions", 466, LIST | MERGE, "type")],
    },
    // 466
    TypeDef {
        name: "extensions/v1beta1.DaemonSetCondition",
        fields: &[],
    },
    // 467
    TypeDef {
        name: "extensions/v1beta1.Deployment",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 468, 0, ""),
            f("status", 472, 0, ""),
        ],
    },
    // 468
    TypeDef {
        name: "extensions/v1beta1.DeploymentSpec",
        fields: &[
            f("rollbackTo", 471, 0, ""),
            f("selector", 7, 0, ""),
            f("strategy", 469, RETAIN_KEYS, ""),
            f("template", 105, 0, ""),
        ],
    },
    // 469
    TypeDef {
        name: "extensions/v1beta1.DeploymentStrategy",
        fields: &[f("rollingUpdate", 470, 0, "")],
    },
    // 470
    TypeDef {
        name: "extensions/v1beta1.RollingUpdateDeployment",
        fields: &[],
    },
    // 471
    TypeDef {
        name: "extensions/v1beta1.RollbackConfig",
        fields: &[],
    },
    // 472
    TypeDef {
        name: "extensions/v1beta1.DeploymentStatus",
        fields: &[f("conditions", 473, LIST | MERGE, "type")],
    },
    // 473
    TypeDef {
        name: "extensions/v1beta1.DeploymentCondition",
        fields: &[],
    },
    // 474
    TypeDef {
        name: "extensions/v1beta1.Ingress",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 475, 0, ""),
            f("status", 481, 0, ""),
        ],
    },
    // 475
    TypeDef {
        name: "extensions/v1beta1.IngressSpec",
        fields: &[
            f("backend", 476, 0, ""),
            f("rules", 478, LIST, ""),
            f("tls", 477, LIST, ""),
        ],
    },
    // 476
    TypeDef {
        name: "extensions/v1beta1.IngressBackend",
        fields: &[f("resource", 152, 0, "")],
    },
    // 477
    TypeDef {
        name: "extensions/v1beta1.IngressTLS",
        fields: &[],
    },
    // 478
    TypeDef {
        name: "extensions/v1beta1.IngressRule",
        fields: &[f("http", 479, 0, "")],
    },
    // 479
    TypeDef {
        name: "extensions/v1beta1.HTTPIngressRuleValue",
        fields: &[f("paths", 480, LIST, "")],
    },
    // 480
    TypeDef {
        name: "extensions/v1beta1.HTTPIngressPath",
        fields: &[f("backend", 476, 0, "")],
    },
    // 481
    TypeDef {
        name: "extensions/v1beta1.IngressStatus",
        fields: &[f("loadBalancer", 482, 0, "")],
    },
    // 482
    TypeDef {
        name: "extensions/v1beta1.IngressLoadBalancerStatus",
        fields: &[f("ingress", 483, LIST, "")],
    },
    // 483
    TypeDef {
        name: "extensions/v1beta1.IngressLoadBalancerIngress",
        fields: &[f("ports", 484, LIST, "")],
    },
    // 484
    TypeDef {
        name: "extensions/v1beta1.IngressPortStatus",
        fields: &[],
    },
    // 485
    TypeDef {
        name: "extensions/v1beta1.NetworkPolicy",
        fields: &[f("metadata", 1, 0, ""), f("spec", 486, 0, "")],
    },
    // 486
    TypeDef {
        name: "extensions/v1beta1.NetworkPolicySpec",
        fields: &[
            f("egress", 491, LIST, ""),
            f("ingress", 487, LIST, ""),
            f("podSelector", 7, 0, ""),
        ],
    },
    // 487
    TypeDef {
        name: "extensions/v1beta1.NetworkPolicyIngressRule",
        fields: &[f("from", 489, LIST, ""), f("ports", 488, LIST, "")],
    },
    // 488
    TypeDef {
        name: "extensions/v1beta1.NetworkPolicyPort",
        fields: &[],
    },
    // 489
    TypeDef {
        name: "extensions/v1beta1.NetworkPolicyPeer",
        fields: &[
            f("ipBlock", 490, 0, ""),
            f("namespaceSelector", 7, 0, ""),
            f("podSelector", 7, 0, ""),
        ],
    },
    // 490
    TypeDef {
        name: "extensions/v1beta1.IPBlock",
        fields: &[],
    },
    // 491
    TypeDef {
        name: "extensions/v1beta1.NetworkPolicyEgressRule",
        fields: &[f("ports", 488, LIST, ""), f("to", 489, LIST, "")],
    },
    // 492
    TypeDef {
        name: "extensions/v1beta1.ReplicaSet",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 493, 0, ""),
            f("status", 494, 0, ""),
        ],
    },
    // 493
    TypeDef {
        name: "extensions/v1beta1.ReplicaSetSpec",
        fields: &[f("selector", 7, 0, ""), f("template", 105, 0, "")],
    },
    // 494
    TypeDef {
        name: "extensions/v1beta1.ReplicaSetStatus",
        fields: &[f("conditions", 495, LIST | MERGE, "type")],
    },
    // 495
    TypeDef {
        name: "extensions/v1beta1.ReplicaSetCondition",
        fields: &[],
    },
    // 496
    TypeDef {
        name: "extensions/v1beta1.Scale",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 497, 0, ""),
            f("status", 498, 0, ""),
        ],
    },
    // 497
    TypeDef {
        name: "extensions/v1beta1.ScaleSpec",
        fields: &[],
    },
    // 498
    TypeDef {
        name: "extensions/v1beta1.ScaleStatus",
        fields: &[],
    },
    // 499
    TypeDef {
        name: "flowcontrol/v1beta1.FlowSchema",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 500, 0, ""),
            f("status", 510, 0, ""),
        ],
    },
    // 500
    TypeDef {
        name: "flowcontrol/v1beta1.FlowSchemaSpec",
        fields: &[
            f("distinguisherMethod", 502, 0, ""),
            f("priorityLevelConfiguration", 501, 0, ""),
            f("rules", 503, LIST, ""),
        ],
    },
    // 501
    TypeDef {
        name: "flowcontrol/v1beta1.PriorityLevelConfigurationReference",
        fields: &[],
    },
    // 502
    TypeDef {
        name: "flowcontrol/v1beta1.FlowDistinguisherMethod",
        fields: &[],
    },
    // 503
    TypeDef {
        name: "flowcontrol/v1beta1.PolicyRulesWithSubjects",
        fields: &[
            f("nonResourceRules", 509, LIST, ""),
            f("resourceRules", 508, LIST, ""),
            f("subjects", 504, LIST, ""),
        ],
    },
    // 504
    TypeDef {
        name: "flowcontrol/v1beta1.Subject",
        fields: &[
            f("group", 506, 0, ""),
            f("serviceAccount", 507, 0, ""),
            f("user", 505, 0, ""),
        ],
    },
    // 505
    TypeDef {
        name: "flowcontrol/v1beta1.UserSubject",
        fields: &[],
    },
    // 506
    TypeDef {
        name: "flowcontrol/v1beta1.GroupSubject",
        fields: &[],
    },
    // 507
    TypeDef {
        name: "flowcontrol/v1beta1.ServiceAccountSubject",
        fields: &[],
    },
    // 508
    TypeDef {
        name: "flowcontrol/v1beta1.ResourcePolicyRule",
        fields: &[],
    },
    // 509
    TypeDef {
        name: "flowcontrol/v1beta1.NonResourcePolicyRule",
        fields: &[],
    },
    // 510
    TypeDef {
        name: "flowcontrol/v1beta1.FlowSchemaStatus",
        fields: &[f("conditions", 511, LIST, "")],
    },
    // 511
    TypeDef {
        name: "flowcontrol/v1beta1.FlowSchemaCondition",
        fields: &[],
    },
    // 512
    TypeDef {
        name: "flowcontrol/v1beta1.PriorityLevelConfiguration",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 513, 0, ""),
            f("status", 518, 0, ""),
        ],
    },
    // 513
    TypeDef {
        name: "flowcontrol/v1beta1.PriorityLevelConfigurationSpec",
        fields: &[f("exempt", 517, 0, ""), f("limited", 514, 0, "")],
    },
    // 514
    TypeDef {
        name: "flowcontrol/v1beta1.LimitedPriorityLevelConfiguration",
        fields: &[f("limitResponse", 515, 0, "")],
    },
    // 515
    TypeDef {
        name: "flowcontrol/v1beta1.LimitResponse",
        fields: &[f("queuing", 516, 0, "")],
    },
    // 516
    TypeDef {
        name: "flowcontrol/v1beta1.QueuingConfiguration",
        fields: &[],
    },
    // 517
    TypeDef {
        name: "flowcontrol/v1beta1.ExemptPriorityLevelConfiguration",
        fields: &[],
    },
    // 518
    TypeDef {
        name: "flowcontrol/v1beta1.PriorityLevelConfigurationStatus",
        fields: &[f("conditions", 519, LIST, "")],
    },
    // 519
    TypeDef {
        name: "flowcontrol/v1beta1.PriorityLevelConfigurationCondition",
        fields: &[],
    },
    // 520
    TypeDef {
        name: "flowcontrol/v1beta2.FlowSchema",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 521, 0, ""),
            f("status", 531, 0, ""),
        ],
    },
    // 521
    TypeDef {
        name: "flowcontrol/v1beta2.FlowSchemaSpec",
        fields: &[
            f("distinguisherMethod", 523, 0, ""),
            f("priorityLevelConfiguration", 522, 0, ""),
            f("rules", 524, LIST, ""),
        ],
    },
    // 522
    TypeDef {
        name: "flowcontrol/v1beta2.PriorityLevelConfigurationReference",
        fields: &[],
    },
    // 523
    TypeDef {
        name: "flowcontrol/v1beta2.FlowDistinguisherMethod",
        fields: &[],
    },
    // 524
    TypeDef {
        name: "flowcontrol/v1beta2.PolicyRulesWithSubjects",
        fields: &[
            f("nonResourceRules", 530, LIST, ""),
            f("resourceRules", 529, LIST, ""),
            f("subjects", 525, LIST, ""),
        ],
    },
    // 525
    TypeDef {
        name: "flowcontrol/v1beta2.Subject",
        fields: &[
            f("group", 527, 0, ""),
            f("serviceAccount", 528, 0, ""),
            f("user", 526, 0, ""),
        ],
    },
    // 526
    TypeDef {
        name: "flowcontrol/v1beta2.UserSubject",
        fields: &[],
    },
    // 527
    TypeDef {
        name: "flowcontrol/v1beta2.GroupSubject",
        fields: &[],
    },
    // 528
    TypeDef {
        name: "flowcontrol/v1beta2.ServiceAccountSubject",
        fields: &[],
    },
    // 529
    TypeDef {
        name: "flowcontrol/v1beta2.ResourcePolicyRule",
        fields: &[],
    },
    // 530
    TypeDef {
        name: "flowcontrol/v1beta2.NonResourcePolicyRule",
        fields: &[],
    },
    // 531
    TypeDef {
        name: "flowcontrol/v1beta2.FlowSchemaStatus",
        fields: &[f("conditions", 532, LIST, "")],
    },
    // 532
    TypeDef {
        name: "flowcontrol/v1beta2.FlowSchemaCondition",
        fields: &[],
    },
    // 533
    TypeDef {
        name: "flowcontrol/v1beta2.PriorityLevelConfiguration",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 534, 0, ""),
            f("status", 539, 0, ""),
        ],
    },
    // 534
    TypeDef {
        name: "flowcontrol/v1beta2.PriorityLevelConfigurationSpec",
        fields: &[f("exempt", 538, 0, ""), f("limited", 535, 0, "")],
    },
    // 535
    TypeDef {
        name: "flowcontrol/v1beta2.LimitedPriorityLevelConfiguration",
        fields: &[f("limitResponse", 536, 0, "")],
    },
    // 536
    TypeDef {
        name: "flowcontrol/v1beta2.LimitResponse",
        fields: &[f("queuing", 537, 0, "")],
    },
    // 537
    TypeDef {
        name: "flowcontrol/v1beta2.QueuingConfiguration",
        fields: &[],
    },
    // 538
    TypeDef {
        name: "flowcontrol/v1beta2.ExemptPriorityLevelConfiguration",
        fields: &[],
    },
    // 539
    TypeDef {
        name: "flowcontrol/v1beta2.PriorityLevelConfigurationStatus",
        fields: &[f("conditions", 540, LIST, "")],
    },
    // 540
    TypeDef {
        name: "flowcontrol/v1beta2.PriorityLevelConfigurationCondition",
        fields: &[],
    },
    // 541
    TypeDef {
        name: "flowcontrol/v1beta3.FlowSchema",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 542, 0, ""),
            f("status", 552, 0, ""),
        ],
    },
    // 542
    TypeDef {
        name: "flowcontrol/v1beta3.FlowSchemaSpec",
        fields: &[
            f("distinguisherMethod", 544, 0, ""),
            f("priorityLevelConfiguration", 543, 0, ""),
            f("rules", 545, LIST, ""),
        ],
    },
    // 543
    TypeDef {
        name: "flowcontrol/v1beta3.PriorityLevelConfigurationReference",
        fields: &[],
    },
    // 544
    TypeDef {
        name: "flowcontrol/v1beta3.FlowDistinguisherMethod",
        fields: &[],
    },
    // 545
    TypeDef {
        name: "flowcontrol/v1beta3.PolicyRulesWithSubjects",
        fields: &[
            f("nonResourceRules", 551, LIST, ""),
            f("resourceRules", 550, LIST, ""),
            f("subjects", 546, LIST, ""),
        ],
    },
    // 546
    TypeDef {
        name: "flowcontrol/v1beta3.Subject",
        fields: &[
            f("group", 548, 0, ""),
            f("serviceAccount", 549, 0, ""),
            f("user", 547, 0, ""),
        ],
    },
    // 547
    TypeDef {
        name: "flowcontrol/v1beta3.UserSubject",
        fields: &[],
    },
    // 548
    TypeDef {
        name: "flowcontrol/v1beta3.GroupSubject",
        fields: &[],
    },
    // 549
    TypeDef {
        name: "flowcontrol/v1beta3.ServiceAccountSubject",
        fields: &[],
    },
    // 550
    TypeDef {
        name: "flowcontrol/v1beta3.ResourcePolicyRule",
        fields: &[],
    },
    // 551
    TypeDef {
        name: "flowcontrol/v1beta3.NonResourcePolicyRule",
        fields: &[],
    },
    // 552
    TypeDef {
        name: "flowcontrol/v1beta3.FlowSchemaStatus",
        fields: &[f("conditions", 553, LIST | MERGE, "type")],
    },
    // 553
    TypeDef {
        name: "flowcontrol/v1beta3.FlowSchemaCondition",
        fields: &[],
    },
    // 554
    TypeDef {
        name: "flowcontrol/v1beta3.PriorityLevelConfiguration",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 555, 0, ""),
            f("status", 560, 0, ""),
        ],
    },
    // 555
    TypeDef {
        name: "flowcontrol/v1beta3.PriorityLevelConfigurationSpec",
        fields: &[f("exempt", 559, 0, ""), f("limited", 556, 0, "")],
    },
    // 556
    TypeDef {
        name: "flowcontrol/v1beta3.LimitedPriorityLevelConfiguration",
        fields: &[f("limitResponse", 557, 0, "")],
    },
    // 557
    TypeDef {
        name: "flowcontrol/v1beta3.LimitResponse",
        fields: &[f("queuing", 558, 0, "")],
    },
    // 558
    TypeDef {
        name: "flowcontrol/v1beta3.QueuingConfiguration",
        fields: &[],
    },
    // 559
    TypeDef {
        name: "flowcontrol/v1beta3.ExemptPriorityLevelConfiguration",
        fields: &[],
    },
    // 560
    TypeDef {
        name: "flowcontrol/v1beta3.PriorityLevelConfigurationStatus",
        fields: &[f("conditions", 561, LIST | MERGE, "type")],
    },
    // 561
    TypeDef {
        name: "flowcontrol/v1beta3.PriorityLevelConfigurationCondition",
        fields: &[],
    },
    // 562
    TypeDef {
        name: "flowcontrol/v1.FlowSchema",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 563, 0, ""),
            f("status", 573, 0, ""),
        ],
    },
    // 563
    TypeDef {
        name: "flowcontrol/v1.FlowSchemaSpec",
        fields: &[
            f("distinguisherMethod", 565, 0, ""),
            f("priorityLevelConfiguration", 564, 0, ""),
            f("rules", 566, LIST, ""),
        ],
    },
    // 564
    TypeDef {
        name: "flowcontrol/v1.PriorityLevelConfigurationReference",
        fields: &[],
    },
    // 565
    TypeDef {
        name: "flowcontrol/v1.FlowDistinguisherMethod",
        fields: &[],
    },
    // 566
    TypeDef {
        name: "flowcontrol/v1.PolicyRulesWithSubjects",
        fields: &[
            f("nonResourceRules", 572, LIST, ""),
            f("resourceRules", 571, LIST, ""),
            f("subjects", 567, LIST, ""),
        ],
    },
    // 567
    TypeDef {
        name: "flowcontrol/v1.Subject",
        fields: &[
            f("group", 569, 0, ""),
            f("serviceAccount", 570, 0, ""),
            f("user", 568, 0, ""),
        ],
    },
    // 568
    TypeDef {
        name: "flowcontrol/v1.UserSubject",
        fields: &[],
    },
    // 569
    TypeDef {
        name: "flowcontrol/v1.GroupSubject",
        fields: &[],
    },
    // 570
    TypeDef {
        name: "flowcontrol/v1.ServiceAccountSubject",
        fields: &[],
    },
    // 571
    TypeDef {
        name: "flowcontrol/v1.ResourcePolicyRule",
        fields: &[],
    },
    // 572
    TypeDef {
        name: "flowcontrol/v1.NonResourcePolicyRule",
        fields: &[],
    },
    // 573
    TypeDef {
        name: "flowcontrol/v1.FlowSchemaStatus",
        fields: &[f("conditions", 574, LIST | MERGE, "type")],
    },
    // 574
    TypeDef {
        name: "flowcontrol/v1.FlowSchemaCondition",
        fields: &[],
    },
    // 575
    TypeDef {
        name: "flowcontrol/v1.PriorityLevelConfiguration",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 576, 0, ""),
            f("status", 581, 0, ""),
        ],
    },
    // 576
    TypeDef {
        name: "flowcontrol/v1.PriorityLevelConfigurationSpec",
        fields: &[f("exempt", 580, 0, ""), f("limited", 577, 0, "")],
    },
    // 577
    TypeDef {
        name: "flowcontrol/v1.LimitedPriorityLevelConfiguration",
        fields: &[f("limitResponse", 578, 0, "")],
    },
    // 578
    TypeDef {
        name: "flowcontrol/v1.LimitResponse",
        fields: &[f("queuing", 579, 0, "")],
    },
    // 579
    TypeDef {
        name: "flowcontrol/v1.QueuingConfiguration",
        fields: &[],
    },
    // 580
    TypeDef {
        name: "flowcontrol/v1.ExemptPriorityLevelConfiguration",
        fields: &[],
    },
    // 581
    TypeDef {
        name: "flowcontrol/v1.PriorityLevelConfigurationStatus",
        fields: &[f("conditions", 582, LIST | MERGE, "type")],
    },
    // 582
    TypeDef {
        name: "flowcontrol/v1.PriorityLevelConfigurationCondition",
        fields: &[],
    },
    // 583
    TypeDef {
        name: "apiserverinternal/v1alpha1.StorageVersion",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 584, 0, ""),
            f("status", 585, 0, ""),
        ],
    },
    // 584
    TypeDef {
        name: "apiserverinternal/v1alpha1.StorageVersionSpec",
        fields: &[],
    },
    // 585
    TypeDef {
        name: "apiserverinternal/v1alpha1.StorageVersionStatus",
        fields: &[
            f("conditions", 587, LIST, ""),
            f("storageVersions", 586, LIST, ""),
        ],
    },
    // 586
    TypeDef {
        name: "apiserverinternal/v1alpha1.ServerStorageVersion",
        fields: &[],
    },
    // 587
    TypeDef {
        name: "apiserverinternal/v1alpha1.StorageVersionCondition",
        fields: &[],
    },
    // 588
    TypeDef {
        name: "networking/v1beta1.IPAddress",
        fields: &[f("metadata", 1, 0, ""), f("spec", 589, 0, "")],
    },
    // 589
    TypeDef {
        name: "networking/v1beta1.IPAddressSpec",
        fields: &[f("parentRef", 590, 0, "")],
    },
    // 590
    TypeDef {
        name: "networking/v1beta1.ParentReference",
        fields: &[],
    },
    // 591
    TypeDef {
        name: "networking/v1beta1.Ingress",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 592, 0, ""),
            f("status", 598, 0, ""),
        ],
    },
    // 592
    TypeDef {
        name: "networking/v1beta1.IngressSpec",
        fields: &[
            f("backend", 593, 0, ""),
            f("rules", 595, LIST, ""),
            f("tls", 594, LIST, ""),
        ],
    },
    // 593
    TypeDef {
        name: "networking/v1beta1.IngressBackend",
        fields: &[f("resource", 152, 0, "")],
    },
    // 594
    TypeDef {
        name: "networking/v1beta1.IngressTLS",
        fields: &[],
    },
    // 595
    TypeDef {
        name: "networking/v1beta1.IngressRule",
        fields: &[f("http", 596, 0, "")],
    },
    // 596
    TypeDef {
        name: "networking/v1beta1.HTTPIngressRuleValue",
        fields: &[f("paths", 597, LIST, "")],
    },
    // 597
    TypeDef {
        name: "networking/v1beta1.HTTPIngressPath",
        fields: &[f("backend", 593, 0, "")],
    },
    // 598
    TypeDef {
        name: "networking/v1beta1.IngressStatus",
        fields: &[f("loadBalancer", 599, 0, "")],
    },
    // 599
    TypeDef {
        name: "networking/v1beta1.IngressLoadBalancerStatus",
        fields: &[f("ingress", 600, LIST, "")],
    },
    // 600
    TypeDef {
        name: "networking/v1beta1.IngressLoadBalancerIngress",
        fields: &[f("ports", 601, LIST, "")],
    },
    // 601
    TypeDef {
        name: "networking/v1beta1.IngressPortStatus",
        fields: &[],
    },
    // 602
    TypeDef {
        name: "networking/v1beta1.IngressClass",
        fields: &[f("metadata", 1, 0, ""), f("spec", 603, 0, "")],
    },
    // 603
    TypeDef {
        name: "networking/v1beta1.IngressClassSpec",
        fields: &[f("parameters", 604, 0, "")],
    },
    // 604
    TypeDef {
        name: "networking/v1beta1.IngressClassParametersReference",
        fields: &[],
    },
    // 605
    TypeDef {
        name: "networking/v1beta1.ServiceCIDR",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 606, 0, ""),
            f("status", 607, 0, ""),
        ],
    },
    // 606
    TypeDef {
        name: "networking/v1beta1.ServiceCIDRSpec",
        fields: &[],
    },
    // 607
    TypeDef {
        name: "networking/v1beta1.ServiceCIDRStatus",
        fields: &[f("conditions", 25, LIST | MERGE, "type")],
    },
    // 608
    TypeDef {
        name: "networking/v1.IPAddress",
        fields: &[f("metadata", 1, 0, ""), f("spec", 609, 0, "")],
    },
    // 609
    TypeDef {
        name: "networking/v1.IPAddressSpec",
        fields: &[f("parentRef", 610, 0, "")],
    },
    // 610
    TypeDef {
        name: "networking/v1.ParentReference",
        fields: &[],
    },
    // 611
    TypeDef {
        name: "networking/v1.Ingress",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 612, 0, ""),
            f("status", 620, 0, ""),
        ],
    },
    // 612
    TypeDef {
        name: "networking/v1.IngressSpec",
        fields: &[
            f("defaultBackend", 613, 0, ""),
            f("rules", 617, LIST, ""),
            f("tls", 616, LIST, ""),
        ],
    },
    // 613
    TypeDef {
        name: "networking/v1.IngressBackend",
        fields: &[f("resource", 152, 0, ""), f("service", 614, 0, "")],
    },
    // 614
    TypeDef {
        name: "networking/v1.IngressServiceBackend",
        fields: &[f("port", 615, 0, "")],
    },
    // 615
    TypeDef {
        name: "networking/v1.ServiceBackendPort",
        fields: &[],
    },
    // 616
    TypeDef {
        name: "networking/v1.IngressTLS",
        fields: &[],
    },
    // 617
    TypeDef {
        name: "networking/v1.IngressRule",
        fields: &[f("http", 618, 0, "")],
    },
    // 618
    TypeDef {
        name: "networking/v1.HTTPIngressRuleValue",
        fields: &[f("paths", 619, LIST, "")],
    },
    // 619
    TypeDef {
        name: "networking/v1.HTTPIngressPath",
        fields: &[f("backend", 613, 0, "")],
    },
    // 620
    TypeDef {
        name: "networking/v1.IngressStatus",
        fields: &[f("loadBalancer", 621, 0, "")],
    },
    // 621
    TypeDef {
        name: "networking/v1.IngressLoadBalancerStatus",
        fields: &[f("ingress", 622, LIST, "")],
    },
    // 622
    TypeDef {
        name: "networking/v1.IngressLoadBalancerIngress",
        fields: &[f("ports", 623, LIST, "")],
    },
    // 623
    TypeDef {
        name: "networking/v1.IngressPortStatus",
        fields: &[],
    },
    // 624
    TypeDef {
        name: "networking/v1.IngressClass",
        fields: &[f("metadata", 1, 0, ""), f("spec", 625, 0, "")],
    },
    // 625
    TypeDef {
        name: "networking/v1.IngressClassSpec",
        fields: &[f("parameters", 626, 0, "")],
    },
    // 626
    TypeDef {
        name: "networking/v1.IngressClassParametersReference",
        fields: &[],
    },
    // 627
    TypeDef {
        name: "networking/v1.NetworkPolicy",
        fields: &[f("metadata", 1, 0, ""), f("spec", 628, 0, "")],
    },
    // 628
    TypeDef {
        name: "networking/v1.NetworkPolicySpec",
        fields: &[
            f("egress", 633, LIST, ""),
            f("ingress", 629, LIST, ""),
            f("podSelector", 7, 0, ""),
        ],
    },
    // 629
    TypeDef {
        name: "networking/v1.NetworkPolicyIngressRule",
        fields: &[f("from", 631, LIST, ""), f("ports", 630, LIST, "")],
    },
    // 630
    TypeDef {
        name: "networking/v1.NetworkPolicyPort",
        fields: &[],
    },
    // 631
    TypeDef {
        name: "networking/v1.NetworkPolicyPeer",
        fields: &[
            f("ipBlock", 632, 0, ""),
            f("namespaceSelector", 7, 0, ""),
            f("podSelector", 7, 0, ""),
        ],
    },
    // 632
    TypeDef {
        name: "networking/v1.IPBlock",
        fields: &[],
    },
    // 633
    TypeDef {
        name: "networking/v1.NetworkPolicyEgressRule",
        fields: &[f("ports", 630, LIST, ""), f("to", 631, LIST, "")],
    },
    // 634
    TypeDef {
        name: "networking/v1.ServiceCIDR",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 635, 0, ""),
            f("status", 636, 0, ""),
        ],
    },
    // 635
    TypeDef {
        name: "networking/v1.ServiceCIDRSpec",
        fields: &[],
    },
    // 636
    TypeDef {
        name: "networking/v1.ServiceCIDRStatus",
        fields: &[f("conditions", 25, LIST | MERGE, "type")],
    },
    // 637
    TypeDef {
        name: "node/v1alpha1.RuntimeClass",
        fields: &[f("metadata", 1, 0, ""), f("spec", 638, 0, "")],
    },
    // 638
    TypeDef {
        name: "node/v1alpha1.RuntimeClassSpec",
        fields: &[f("overhead", 639, 0, ""), f("scheduling", 640, 0, "")],
    },
    // 639
    TypeDef {
        name: "node/v1alpha1.Overhead",
        fields: &[],
    },
    // 640
    TypeDef {
        name: "node/v1alpha1.Scheduling",
        fields: &[f("tolerations", 200, LIST, "")],
    },
    // 641
    TypeDef {
        name: "node/v1beta1.RuntimeClass",
        fields: &[
            f("metadata", 1, 0, ""),
            f("overhead", 642, 0, ""),
            f("scheduling", 643, 0, ""),
        ],
    },
    // 642
    TypeDef {
        name: "node/v1beta1.Overhead",
        fields: &[],
    },
    // 643
    TypeDef {
        name: "node/v1beta1.Scheduling",
        fields: &[f("tolerations", 200, LIST, "")],
    },
    // 644
    TypeDef {
        name: "node/v1.RuntimeClass",
        fields: &[
            f("metadata", 1, 0, ""),
            f("overhead", 645, 0, ""),
            f("scheduling", 646, 0, ""),
        ],
    },
    // 645
    TypeDef {
        name: "node/v1.Overhead",
        fields: &[],
    },
    // 646
    TypeDef {
        name: "node/v1.Scheduling",
        fields: &[f("tolerations", 200, LIST, "")],
    },
    // 647
    TypeDef {
        name: "policy/v1beta1.Eviction",
        fields: &[f("deleteOptions", 648, 0, ""), f("metadata", 1, 0, "")],
    },
    // 648
    TypeDef {
        name: "meta/v1.DeleteOptions",
        fields: &[f("preconditions", 649, 0, "")],
    },
    // 649
    TypeDef {
        name: "meta/v1.Preconditions",
        fields: &[],
    },
    // 650
    TypeDef {
        name: "policy/v1beta1.PodDisruptionBudget",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 651, 0, ""),
            f("status", 652, 0, ""),
        ],
    },
    // 651
    TypeDef {
        name: "policy/v1beta1.PodDisruptionBudgetSpec",
        fields: &[f("selector", 7, 0, "")],
    },
    // 652
    TypeDef {
        name: "policy/v1beta1.PodDisruptionBudgetStatus",
        fields: &[f("conditions", 25, LIST | MERGE, "type")],
    },
    // 653
    TypeDef {
        name: "policy/v1.Eviction",
        fields: &[f("deleteOptions", 648, 0, ""), f("metadata", 1, 0, "")],
    },
    // 654
    TypeDef {
        name: "policy/v1.PodDisruptionBudget",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 655, 0, ""),
            f("status", 656, 0, ""),
        ],
    },
    // 655
    TypeDef {
        name: "policy/v1.PodDisruptionBudgetSpec",
        fields: &[f("selector", 7, REPLACE, "")],
    },
    // 656
    TypeDef {
        name: "policy/v1.PodDisruptionBudgetStatus",
        fields: &[f("conditions", 25, LIST | MERGE, "type")],
    },
    // 657
    TypeDef {
        name: "rbac/v1alpha1.ClusterRole",
        fields: &[
            f("aggregationRule", 659, 0, ""),
            f("metadata", 1, 0, ""),
            f("rules", 658, LIST, ""),
        ],
    },
    // 658
    TypeDef {
        name: "rbac/v1alpha1.PolicyRule",
        fields: &[],
    },
    // 659
    TypeDef {
        name: "rbac/v1alpha1.AggregationRule",
        fields: &[f("clusterRoleSelectors", 7, LIST, "")],
    },
    // 660
    TypeDef {
        name: "rbac/v1alpha1.ClusterRoleBinding",
        fields: &[
            f("metadata", 1, 0, ""),
            f("roleRef", 662, 0, ""),
            f("subjects", 661, LIST, ""),
        ],
    },
    // 661
    TypeDef {
        name: "rbac/v1alpha1.Subject",
        fields: &[],
    },
    // 662
    TypeDef {
        name: "rbac/v1alpha1.RoleRef",
        fields: &[],
    },
    // 663
    TypeDef {
        name: "rbac/v1alpha1.Role",
        fields: &[f("metadata", 1, 0, ""), f("rules", 658, LIST, "")],
    },
    // 664
    TypeDef {
        name: "rbac/v1alpha1.RoleBinding",
        fields: &[
            f("metadata", 1, 0, ""),
            f("roleRef", 662, 0, ""),
            f("subjects", 661, LIST, ""),
        ],
    },
    // 665
    TypeDef {
        name: "rbac/v1beta1.ClusterRole",
        fields: &[
            f("aggregationRule", 667, 0, ""),
            f("metadata", 1, 0, ""),
            f("rules", 666, LIST, ""),
        ],
    },
    // 666
    TypeDef {
        name: "rbac/v1beta1.PolicyRule",
        fields: &[],
    },
    // 667
    TypeDef {
        name: "rbac/v1beta1.AggregationRule",
        fields: &[f("clusterRoleSelectors", 7, LIST, "")],
    },
    // 668
    TypeDef {
        name: "rbac/v1beta1.ClusterRoleBinding",
        fields: &[
            f("metadata", 1, 0, ""),
            f("roleRef", 670, 0, ""),
            f("subjects", 669, LIST, ""),
        ],
    },
    // 669
    TypeDef {
        name: "rbac/v1beta1.Subject",
        fields: &[],
    },
    // 670
    TypeDef {
        name: "rbac/v1beta1.RoleRef",
        fields: &[],
    },
    // 671
    TypeDef {
        name: "rbac/v1beta1.Role",
        fields: &[f("metadata", 1, 0, ""), f("rules", 666, LIST, "")],
    },
    // 672
    TypeDef {
        name: "rbac/v1beta1.RoleBinding",
        fields: &[
            f("metadata", 1, 0, ""),
            f("roleRef", 670, 0, ""),
            f("subjects", 669, LIST, ""),
        ],
    },
    // 673
    TypeDef {
        name: "rbac/v1.ClusterRole",
        fields: &[
            f("aggregationRule", 675, 0, ""),
            f("metadata", 1, 0, ""),
            f("rules", 674, LIST, ""),
        ],
    },
    // 674
    TypeDef {
        name: "rbac/v1.PolicyRule",
        fields: &[],
    },
    // 675
    TypeDef {
        name: "rbac/v1.AggregationRule",
        fields: &[f("clusterRoleSelectors", 7, LIST, "")],
    },
    // 676
    TypeDef {
        name: "rbac/v1.ClusterRoleBinding",
        fields: &[
            f("metadata", 1, 0, ""),
            f("roleRef", 678, 0, ""),
            f("subjects", 677, LIST, ""),
        ],
    },
    // 677
    TypeDef {
        name: "rbac/v1.Subject",
        fields: &[],
    },
    // 678
    TypeDef {
        name: "rbac/v1.RoleRef",
        fields: &[],
    },
    // 679
    TypeDef {
        name: "rbac/v1.Role",
        fields: &[f("metadata", 1, 0, ""), f("rules", 674, LIST, "")],
    },
    // 680
    TypeDef {
        name: "rbac/v1.RoleBinding",
        fields: &[
            f("metadata", 1, 0, ""),
            f("roleRef", 678, 0, ""),
            f("subjects", 677, LIST, ""),
        ],
    },
    // 681
    TypeDef {
        name: "resource/v1alpha3.DeviceTaintRule",
        fields: &[f("metadata", 1, 0, ""), f("spec", 682, 0, "")],
    },
    // 682
    TypeDef {
        name: "resource/v1alpha3.DeviceTaintRuleSpec",
        fields: &[f("deviceSelector", 683, 0, ""), f("taint", 686, 0, "")],
    },
    // 683
    TypeDef {
        name: "resource/v1alpha3.DeviceTaintSelector",
        fields: &[f("selectors", 684, LIST, "")],
    },
    // 684
    TypeDef {
        name: "resource/v1alpha3.DeviceSelector",
        fields: &[f("cel", 685, 0, "")],
    },
    // 685
    TypeDef {
        name: "resource/v1alpha3.CELDeviceSelector",
        fields: &[],
    },
    // 686
    TypeDef {
        name: "resource/v1alpha3.DeviceTaint",
        fields: &[],
    },
    // 687
    TypeDef {
        name: "resource/v1beta1.DeviceClass",
        fields: &[f("metadata", 1, 0, ""), f("spec", 688, 0, "")],
    },
    // 688
    TypeDef {
        name: "resource/v1beta1.DeviceClassSpec",
        fields: &[f("config", 691, LIST, ""), f("selectors", 689, LIST, "")],
    },
    // 689
    TypeDef {
        name: "resource/v1beta1.DeviceSelector",
        fields: &[f("cel", 690, 0, "")],
    },
    // 690
    TypeDef {
        name: "resource/v1beta1.CELDeviceSelector",
        fields: &[],
    },
    // 691
    TypeDef {
        name: "resource/v1beta1.DeviceClassConfiguration",
        fields: &[f("opaque", 692, 0, "")],
    },
    // 692
    TypeDef {
        name: "resource/v1beta1.OpaqueDeviceConfiguration",
        fields: &[],
    },
    // 693
    TypeDef {
        name: "resource/v1beta1.ResourceClaim",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 694, 0, ""),
            f("status", 702, 0, ""),
        ],
    },
    // 694
    TypeDef {
        name: "resource/v1beta1.ResourceClaimSpec",
        fields: &[f("devices", 695, 0, "")],
    },
    // 695
    TypeDef {
        name: "resource/v1beta1.DeviceClaim",
        fields: &[
            f("config", 701, LIST, ""),
            f("constraints", 700, LIST, ""),
            f("requests", 696, LIST, ""),
        ],
    },
    // 696
    TypeDef {
        name: "resource/v1beta1.DeviceRequest",
        fields: &[
            f("capacity", 699, 0, ""),
            f("firstAvailable", 697, LIST, ""),
            f("selectors", 689, LIST, ""),
            f("tolerations", 698, LIST, ""),
        ],
    },
    // 697
    TypeDef {
        name: "resource/v1beta1.DeviceSubRequest",
        fields: &[
            f("capacity", 699, 0, ""),
            f("selectors", 689, LIST, ""),
            f("tolerations", 698, LIST, ""),
        ],
    },
    // 698
    TypeDef {
        name: "resource/v1beta1.DeviceToleration",
        fields: &[],
    },
    // 699
    TypeDef {
        name: "resource/v1beta1.CapacityRequirements",
        fields: &[],
    },
    // 700
    TypeDef {
        name: "resource/v1beta1.DeviceConstraint",
        fields: &[],
    },
    // 701
    TypeDef {
        name: "resource/v1beta1.DeviceClaimConfiguration",
        fields: &[f("opaque", 692, 0, "")],
    },
    // 702
    TypeDef {
        name: "resource/v1beta1.ResourceClaimStatus",
        fields: &[
            f("allocation", 703, 0, ""),
            f("devices", 708, LIST, ""),
            f("reservedFor", 707, LIST | MERGE, "uid"),
        ],
    },
    // 703
    TypeDef {
        name: "resource/v1beta1.AllocationResult",
        fields: &[f("devices", 704, 0, ""), f("nodeSelector", 192, 0, "")],
    },
    // 704
    TypeDef {
        name: "resource/v1beta1.DeviceAllocationResult",
        fields: &[f("config", 706, LIST, ""), f("results", 705, LIST, "")],
    },
    // 705
    TypeDef {
        name: "resource/v1beta1.DeviceRequestAllocationResult",
        fields: &[f("tolerations", 698, LIST, "")],
    },
    // 706
    TypeDef {
        name: "resource/v1beta1.DeviceAllocationConfiguration",
        fields: &[f("opaque", 692, 0, "")],
    },
    // 707
    TypeDef {
        name: "resource/v1beta1.ResourceClaimConsumerReference",
        fields: &[],
    },
    // 708
    TypeDef {
        name: "resource/v1beta1.AllocatedDeviceStatus",
        fields: &[f("conditions", 25, LIST, ""), f("networkData", 709, 0, "")],
    },
    // 709
    TypeDef {
        name: "resource/v1beta1.NetworkDeviceData",
        fields: &[],
    },
    // 710
    TypeDef {
        name: "resource/v1beta1.ResourceClaimTemplate",
        fields: &[f("metadata", 1, 0, ""), f("spec", 711, 0, "")],
    },
    // 711
    TypeDef {
        name: "resource/v1beta1.ResourceClaimTemplateSpec",
        fields: &[f("metadata", 1, 0, ""), f("spec", 694, 0, "")],
    },
    // 712
    TypeDef {
        name: "resource/v1beta1.ResourceSlice",
        fields: &[f("metadata", 1, 0, ""), f("spec", 713, 0, "")],
    },
    // 713
    TypeDef {
        name: "resource/v1beta1.ResourceSliceSpec",
        fields: &[
            f("devices", 715, LIST, ""),
            f("nodeSelector", 192, 0, ""),
            f("pool", 714, 0, ""),
            f("sharedCounters", 724, LIST, ""),
        ],
    },
    // 714
    TypeDef {
        name: "resource/v1beta1.ResourcePool",
        fields: &[],
    },
    // 715
    TypeDef {
        name: "resource/v1beta1.Device",
        fields: &[f("basic", 716, 0, "")],
    },
    // 716
    TypeDef {
        name: "resource/v1beta1.BasicDevice",
        fields: &[
            f("attributes", 717, MAP, ""),
            f("capacity", 718, MAP, ""),
            f("consumesCounters", 721, LIST, ""),
            f("nodeSelector", 192, 0, ""),
            f("taints", 723, LIST, ""),
        ],
    },
    // 717
    TypeDef {
        name: "resource/v1beta1.DeviceAttribute",
        fields: &[],
    },
    // 718
    TypeDef {
        name: "resource/v1beta1.DeviceCapacity",
        fields: &[f("requestPolicy", 719, 0, "")],
    },
    // 719
    TypeDef {
        name: "resource/v1beta1.CapacityRequestPolicy",
        fields: &[f("validRange", 720, 0, "")],
    },
    // 720
    TypeDef {
        name: "resource/v1beta1.CapacityRequestPolicyRange",
        fields: &[],
    },
    // 721
    TypeDef {
        name: "resource/v1beta1.DeviceCounterConsumption",
        fields: &[f("counters", 722, MAP, "")],
    },
    // 722
    TypeDef {
        name: "resource/v1beta1.Counter",
        fields: &[],
    },
    // 723
    TypeDef {
        name: "resource/v1beta1.DeviceTaint",
        fields: &[],
    },
    // 724
    TypeDef {
        name: "resource/v1beta1.CounterSet",
        fields: &[f("counters", 722, MAP, "")],
    },
    // 725
    TypeDef {
        name: "resource/v1beta2.DeviceClass",
        fields: &[f("metadata", 1, 0, ""), f("spec", 726, 0, "")],
    },
    // 726
    TypeDef {
        name: "resource/v1beta2.DeviceClassSpec",
        fields: &[f("config", 729, LIST, ""), f("selectors", 727, LIST, "")],
    },
    // 727
    TypeDef {
        name: "resource/v1beta2.DeviceSelector",
        fields: &[f("cel", 728, 0, "")],
    },
    // 728
    TypeDef {
        name: "resource/v1beta2.CELDeviceSelector",
        fields: &[],
    },
    // 729
    TypeDef {
        name: "resource/v1beta2.DeviceClassConfiguration",
        fields: &[f("opaque", 730, 0, "")],
    },
    // 730
    TypeDef {
        name: "resource/v1beta2.OpaqueDeviceConfiguration",
        fields: &[],
    },
    // 731
    TypeDef {
        name: "resource/v1beta2.ResourceClaim",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 732, 0, ""),
            f("status", 741, 0, ""),
        ],
    },
    // 732
    TypeDef {
        name: "resource/v1beta2.ResourceClaimSpec",
        fields: &[f("devices", 733, 0, "")],
    },
    // 733
    TypeDef {
        name: "resource/v1beta2.DeviceClaim",
        fields: &[
            f("config", 740, LIST, ""),
            f("constraints", 739, LIST, ""),
            f("requests", 734, LIST, ""),
        ],
    },
    // 734
    TypeDef {
        name: "resource/v1beta2.DeviceRequest",
        fields: &[f("exactly", 735, 0, ""), f("firstAvailable", 738, LIST, "")],
    },
    // 735
    TypeDef {
        name: "resource/v1beta2.ExactDeviceRequest",
        fields: &[
            f("capacity", 737, 0, ""),
            f("selectors", 727, LIST, ""),
            f("tolerations", 736, LIST, ""),
        ],
    },
    // 736
    TypeDef {
        name: "resource/v1beta2.DeviceToleration",
        fields: &[],
    },
    // 737
    TypeDef {
        name: "resource/v1beta2.CapacityRequirements",
        fields: &[],
    },
    // 738
    TypeDef {
        name: "resource/v1beta2.DeviceSubRequest",
        fields: &[
            f("capacity", 737, 0, ""),
            f("selectors", 727, LIST, ""),
            f("tolerations", 736, LIST, ""),
        ],
    },
    // 739
    TypeDef {
        name: "resource/v1beta2.DeviceConstraint",
        fields: &[],
    },
    // 740
    TypeDef {
        name: "resource/v1beta2.DeviceClaimConfiguration",
        fields: &[f("opaque", 730, 0, "")],
    },
    // 741
    TypeDef {
        name: "resource/v1beta2.ResourceClaimStatus",
        fields: &[
            f("allocation", 742, 0, ""),
            f("devices", 747, LIST, ""),
            f("reservedFor", 746, LIST | MERGE, "uid"),
        ],
    },
    // 742
    TypeDef {
        name: "resource/v1beta2.AllocationResult",
        fields: &[f("devices", 743, 0, ""), f("nodeSelector", 192, 0, "")],
    },
    // 743
    TypeDef {
        name: "resource/v1beta2.DeviceAllocationResult",
        fields: &[f("config", 745, LIST, ""), f("results", 744, LIST, "")],
    },
    // 744
    TypeDef {
        name: "resource/v1beta2.DeviceRequestAllocationResult",
        fields: &[f("tolerations", 736, LIST, "")],
    },
    // 745
    TypeDef {
        name: "resource/v1beta2.DeviceAllocationConfiguration",
        fields: &[f("opaque", 730, 0, "")],
    },
    // 746
    TypeDef {
        name: "resource/v1beta2.ResourceClaimConsumerReference",
        fields: &[],
    },
    // 747
    TypeDef {
        name: "resource/v1beta2.AllocatedDeviceStatus",
        fields: &[f("conditions", 25, LIST, ""), f("networkData", 748, 0, "")],
    },
    // 748
    TypeDef {
        name: "resource/v1beta2.NetworkDeviceData",
        fields: &[],
    },
    // 749
    TypeDef {
        name: "resource/v1beta2.ResourceClaimTemplate",
        fields: &[f("metadata", 1, 0, ""), f("spec", 750, 0, "")],
    },
    // 750
    TypeDef {
        name: "resource/v1beta2.ResourceClaimTemplateSpec",
        fields: &[f("metadata", 1, 0, ""), f("spec", 732, 0, "")],
    },
    // 751
    TypeDef {
        name: "resource/v1beta2.ResourceSlice",
        fields: &[f("metadata", 1, 0, ""), f("spec", 752, 0, "")],
    },
    // 752
    TypeDef {
        name: "resource/v1beta2.ResourceSliceSpec",
        fields: &[
            f("devices", 754, LIST, ""),
            f("nodeSelector", 192, 0, ""),
            f("pool", 753, 0, ""),
            f("sharedCounters", 762, LIST, ""),
        ],
    },
    // 753
    TypeDef {
        name: "resource/v1beta2.ResourcePool",
        fields: &[],
    },
    // 754
    TypeDef {
        name: "resource/v1beta2.Device",
        fields: &[
            f("attributes", 755, MAP, ""),
            f("capacity", 756, MAP, ""),
            f("consumesCounters", 759, LIST, ""),
            f("nodeSelector", 192, 0, ""),
            f("taints", 761, LIST, ""),
        ],
    },
    // 755
    TypeDef {
        name: "resource/v1beta2.DeviceAttribute",
        fields: &[],
    },
    // 756
    TypeDef {
        name: "resource/v1beta2.DeviceCapacity",
        fields: &[f("requestPolicy", 757, 0, "")],
    },
    // 757
    TypeDef {
        name: "resource/v1beta2.CapacityRequestPolicy",
        fields: &[f("validRange", 758, 0, "")],
    },
    // 758
    TypeDef {
        name: "resource/v1beta2.CapacityRequestPolicyRange",
        fields: &[],
    },
    // 759
    TypeDef {
        name: "resource/v1beta2.DeviceCounterConsumption",
        fields: &[f("counters", 760, MAP, "")],
    },
    // 760
    TypeDef {
        name: "resource/v1beta2.Counter",
        fields: &[],
    },
    // 761
    TypeDef {
        name: "resource/v1beta2.DeviceTaint",
        fields: &[],
    },
    // 762
    TypeDef {
        name: "resource/v1beta2.CounterSet",
        fields: &[f("counters", 760, MAP, "")],
    },
    // 763
    TypeDef {
        name: "resource/v1.DeviceClass",
        fields: &[f("metadata", 1, 0, ""), f("spec", 764, 0, "")],
    },
    // 764
    TypeDef {
        name: "resource/v1.DeviceClassSpec",
        fields: &[f("config", 767, LIST, ""), f("selectors", 765, LIST, "")],
    },
    // 765
    TypeDef {
        name: "resource/v1.DeviceSelector",
        fields: &[f("cel", 766, 0, "")],
    },
    // 766
    TypeDef {
        name: "resource/v1.CELDeviceSelector",
        fields: &[],
    },
    // 767
    TypeDef {
        name: "resource/v1.DeviceClassConfiguration",
        fields: &[f("opaque", 768, 0, "")],
    },
    // 768
    TypeDef {
        name: "resource/v1.OpaqueDeviceConfiguration",
        fields: &[],
    },
    // 769
    TypeDef {
        name: "resource/v1.ResourceClaim",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 770, 0, ""),
            f("status", 779, 0, ""),
        ],
    },
    // 770
    TypeDef {
        name: "resource/v1.ResourceClaimSpec",
        fields: &[f("devices", 771, 0, "")],
    },
    // 771
    TypeDef {
        name: "resource/v1.DeviceClaim",
        fields: &[
            f("config", 778, LIST, ""),
            f("constraints", 777, LIST, ""),
            f("requests", 772, LIST, ""),
        ],
    },
    // 772
    TypeDef {
        name: "resource/v1.DeviceRequest",
        fields: &[f("exactly", 773, 0, ""), f("firstAvailable", 776, LIST, "")],
    },
    // 773
    TypeDef {
        name: "resource/v1.ExactDeviceRequest",
        fields: &[
            f("capacity", 775, 0, ""),
            f("selectors", 765, LIST, ""),
            f("tolerations", 774, LIST, ""),
        ],
    },
    // 774
    TypeDef {
        name: "resource/v1.DeviceToleration",
        fields: &[],
    },
    // 775
    TypeDef {
        name: "resource/v1.CapacityRequirements",
        fields: &[],
    },
    // 776
    TypeDef {
        name: "resource/v1.DeviceSubRequest",
        fields: &[
            f("capacity", 775, 0, ""),
            f("selectors", 765, LIST, ""),
            f("tolerations", 774, LIST, ""),
        ],
    },
    // 777
    TypeDef {
        name: "resource/v1.DeviceConstraint",
        fields: &[],
    },
    // 778
    TypeDef {
        name: "resource/v1.DeviceClaimConfiguration",
        fields: &[f("opaque", 768, 0, "")],
    },
    // 779
    TypeDef {
        name: "resource/v1.ResourceClaimStatus",
        fields: &[
            f("allocation", 780, 0, ""),
            f("devices", 785, LIST, ""),
            f("reservedFor", 784, LIST | MERGE, "uid"),
        ],
    },
    // 780
    TypeDef {
        name: "resource/v1.AllocationResult",
        fields: &[f("devices", 781, 0, ""), f("nodeSelector", 192, 0, "")],
    },
    // 781
    TypeDef {
        name: "resource/v1.DeviceAllocationResult",
        fields: &[f("config", 783, LIST, ""), f("results", 782, LIST, "")],
    },
    // 782
    TypeDef {
        name: "resource/v1.DeviceRequestAllocationResult",
        fields: &[f("tolerations", 774, LIST, "")],
    },
    // 783
    TypeDef {
        name: "resource/v1.DeviceAllocationConfiguration",
        fields: &[f("opaque", 768, 0, "")],
    },
    // 784
    TypeDef {
        name: "resource/v1.ResourceClaimConsumerReference",
        fields: &[],
    },
    // 785
    TypeDef {
        name: "resource/v1.AllocatedDeviceStatus",
        fields: &[f("conditions", 25, LIST, ""), f("networkData", 786, 0, "")],
    },
    // 786
    TypeDef {
        name: "resource/v1.NetworkDeviceData",
        fields: &[],
    },
    // 787
    TypeDef {
        name: "resource/v1.ResourceClaimTemplate",
        fields: &[f("metadata", 1, 0, ""), f("spec", 788, 0, "")],
    },
    // 788
    TypeDef {
        name: "resource/v1.ResourceClaimTemplateSpec",
        fields: &[f("metadata", 1, 0, ""), f("spec", 770, 0, "")],
    },
    // 789
    TypeDef {
        name: "resource/v1.ResourceSlice",
        fields: &[f("metadata", 1, 0, ""), f("spec", 790, 0, "")],
    },
    // 790
    TypeDef {
        name: "resource/v1.ResourceSliceSpec",
        fields: &[
            f("devices", 792, LIST, ""),
            f("nodeSelector", 192, 0, ""),
            f("pool", 791, 0, ""),
            f("sharedCounters", 800, LIST, ""),
        ],
    },
    // 791
    TypeDef {
        name: "resource/v1.ResourcePool",
        fields: &[],
    },
    // 792
    TypeDef {
        name: "resource/v1.Device",
        fields: &[
            f("attributes", 793, MAP, ""),
            f("capacity", 794, MAP, ""),
            f("consumesCounters", 797, LIST, ""),
            f("nodeSelector", 192, 0, ""),
            f("taints", 799, LIST, ""),
        ],
    },
    // 793
    TypeDef {
        name: "resource/v1.DeviceAttribute",
        fields: &[],
    },
    // 794
    TypeDef {
        name: "resource/v1.DeviceCapacity",
        fields: &[f("requestPolicy", 795, 0, "")],
    },
    // 795
    TypeDef {
        name: "resource/v1.CapacityRequestPolicy",
        fields: &[f("validRange", 796, 0, "")],
    },
    // 796
    TypeDef {
        name: "resource/v1.CapacityRequestPolicyRange",
        fields: &[],
    },
    // 797
    TypeDef {
        name: "resource/v1.DeviceCounterConsumption",
        fields: &[f("counters", 798, MAP, "")],
    },
    // 798
    TypeDef {
        name: "resource/v1.Counter",
        fields: &[],
    },
    // 799
    TypeDef {
        name: "resource/v1.DeviceTaint",
        fields: &[],
    },
    // 800
    TypeDef {
        name: "resource/v1.CounterSet",
        fields: &[f("counters", 798, MAP, "")],
    },
    // 801
    TypeDef {
        name: "scheduling/v1alpha1.PriorityClass",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 802
    TypeDef {
        name: "scheduling/v1beta1.PriorityClass",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 803
    TypeDef {
        name: "scheduling/v1.PriorityClass",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 804
    TypeDef {
        name: "storage/v1alpha1.CSIStorageCapacity",
        fields: &[f("metadata", 1, 0, ""), f("nodeTopology", 7, 0, "")],
    },
    // 805
    TypeDef {
        name: "storage/v1alpha1.VolumeAttachment",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 806, 0, ""),
            f("status", 822, 0, ""),
        ],
    },
    // 806
    TypeDef {
        name: "storage/v1alpha1.VolumeAttachmentSpec",
        fields: &[f("source", 807, 0, "")],
    },
    // 807
    TypeDef {
        name: "storage/v1alpha1.VolumeAttachmentSource",
        fields: &[f("inlineVolumeSpec", 808, 0, "")],
    },
    // 808
    TypeDef {
        name: "core/v1.PersistentVolumeSpec",
        fields: &[
            f("awsElasticBlockStore", 111, 0, ""),
            f("azureDisk", 134, 0, ""),
            f("azureFile", 816, 0, ""),
            f("cephfs", 814, 0, ""),
            f("cinder", 813, 0, ""),
            f("claimRef", 410, 0, ""),
            f("csi", 820, 0, ""),
            f("fc", 129, 0, ""),
            f("flexVolume", 815, 0, ""),
            f("flocker", 124, 0, ""),
            f("gcePersistentDisk", 110, 0, ""),
            f("glusterfs", 809, 0, ""),
            f("hostPath", 108, 0, ""),
            f("iscsi", 812, 0, ""),
            f("local", 818, 0, ""),
            f("nfs", 115, 0, ""),
            f("nodeAffinity", 821, 0, ""),
            f("photonPersistentDisk", 135, 0, ""),
            f("portworxVolume", 144, 0, ""),
            f("quobyte", 133, 0, ""),
            f("rbd", 810, 0, ""),
            f("scaleIO", 817, 0, ""),
            f("storageos", 819, 0, ""),
            f("vsphereVolume", 132, 0, ""),
        ],
    },
    // 809
    TypeDef {
        name: "core/v1.GlusterfsPersistentVolumeSource",
        fields: &[],
    },
    // 810
    TypeDef {
        name: "core/v1.RBDPersistentVolumeSource",
        fields: &[f("secretRef", 811, 0, "")],
    },
    // 811
    TypeDef {
        name: "core/v1.SecretReference",
        fields: &[],
    },
    // 812
    TypeDef {
        name: "core/v1.ISCSIPersistentVolumeSource",
        fields: &[f("secretRef", 811, 0, "")],
    },
    // 813
    TypeDef {
        name: "core/v1.CinderPersistentVolumeSource",
        fields: &[f("secretRef", 811, 0, "")],
    },
    // 814
    TypeDef {
        name: "core/v1.CephFSPersistentVolumeSource",
        fields: &[f("secretRef", 811, 0, "")],
    },
    // 815
    TypeDef {
        name: "core/v1.FlexPersistentVolumeSource",
        fields: &[f("secretRef", 811, 0, "")],
    },
    // 816
    TypeDef {
        name: "core/v1.AzureFilePersistentVolumeSource",
        fields: &[],
    },
    // 817
    TypeDef {
        name: "core/v1.ScaleIOPersistentVolumeSource",
        fields: &[f("secretRef", 811, 0, "")],
    },
    // 818
    TypeDef {
        name: "core/v1.LocalVolumeSource",
        fields: &[],
    },
    // 819
    TypeDef {
        name: "core/v1.StorageOSPersistentVolumeSource",
        fields: &[f("secretRef", 410, 0, "")],
    },
    // 820
    TypeDef {
        name: "core/v1.CSIPersistentVolumeSource",
        fields: &[
            f("controllerExpandSecretRef", 811, 0, ""),
            f("controllerPublishSecretRef", 811, 0, ""),
            f("nodeExpandSecretRef", 811, 0, ""),
            f("nodePublishSecretRef", 811, 0, ""),
            f("nodeStageSecretRef", 811, 0, ""),
        ],
    },
    // 821
    TypeDef {
        name: "core/v1.VolumeNodeAffinity",
        fields: &[f("required", 192, 0, "")],
    },
    // 822
    TypeDef {
        name: "storage/v1alpha1.VolumeAttachmentStatus",
        fields: &[f("attachError", 823, 0, ""), f("detachError", 823, 0, "")],
    },
    // 823
    TypeDef {
        name: "storage/v1alpha1.VolumeError",
        fields: &[],
    },
    // 824
    TypeDef {
        name: "storage/v1alpha1.VolumeAttributesClass",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 825
    TypeDef {
        name: "storage/v1beta1.CSIDriver",
        fields: &[f("metadata", 1, 0, ""), f("spec", 826, 0, "")],
    },
    // 826
    TypeDef {
        name: "storage/v1beta1.CSIDriverSpec",
        fields: &[f("tokenRequests", 827, LIST, "")],
    },
    // 827
    TypeDef {
        name: "storage/v1beta1.TokenRequest",
        fields: &[],
    },
    // 828
    TypeDef {
        name: "storage/v1beta1.CSINode",
        fields: &[f("metadata", 1, 0, ""), f("spec", 829, 0, "")],
    },
    // 829
    TypeDef {
        name: "storage/v1beta1.CSINodeSpec",
        fields: &[f("drivers", 830, LIST | MERGE, "name")],
    },
    // 830
    TypeDef {
        name: "storage/v1beta1.CSINodeDriver",
        fields: &[f("allocatable", 831, 0, "")],
    },
    // 831
    TypeDef {
        name: "storage/v1beta1.VolumeNodeResources",
        fields: &[],
    },
    // 832
    TypeDef {
        name: "storage/v1beta1.CSIStorageCapacity",
        fields: &[f("metadata", 1, 0, ""), f("nodeTopology", 7, 0, "")],
    },
    // 833
    TypeDef {
        name: "storage/v1beta1.StorageClass",
        fields: &[
            f("allowedTopologies", 834, LIST, ""),
            f("metadata", 1, 0, ""),
        ],
    },
    // 834
    TypeDef {
        name: "core/v1.TopologySelectorTerm",
        fields: &[f("matchLabelExpressions", 835, LIST, "")],
    },
    // 835
    TypeDef {
        name: "core/v1.TopologySelectorLabelRequirement",
        fields: &[],
    },
    // 836
    TypeDef {
        name: "storage/v1beta1.VolumeAttachment",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 837, 0, ""),
            f("status", 839, 0, ""),
        ],
    },
    // 837
    TypeDef {
        name: "storage/v1beta1.VolumeAttachmentSpec",
        fields: &[f("source", 838, 0, "")],
    },
    // 838
    TypeDef {
        name: "storage/v1beta1.VolumeAttachmentSource",
        fields: &[f("inlineVolumeSpec", 808, 0, "")],
    },
    // 839
    TypeDef {
        name: "storage/v1beta1.VolumeAttachmentStatus",
        fields: &[f("attachError", 840, 0, ""), f("detachError", 840, 0, "")],
    },
    // 840
    TypeDef {
        name: "storage/v1beta1.VolumeError",
        fields: &[],
    },
    // 841
    TypeDef {
        name: "storage/v1beta1.VolumeAttributesClass",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 842
    TypeDef {
        name: "storage/v1.CSIDriver",
        fields: &[f("metadata", 1, 0, ""), f("spec", 843, 0, "")],
    },
    // 843
    TypeDef {
        name: "storage/v1.CSIDriverSpec",
        fields: &[f("tokenRequests", 844, LIST, "")],
    },
    // 844
    TypeDef {
        name: "storage/v1.TokenRequest",
        fields: &[],
    },
    // 845
    TypeDef {
        name: "storage/v1.CSINode",
        fields: &[f("metadata", 1, 0, ""), f("spec", 846, 0, "")],
    },
    // 846
    TypeDef {
        name: "storage/v1.CSINodeSpec",
        fields: &[f("drivers", 847, LIST | MERGE, "name")],
    },
    // 847
    TypeDef {
        name: "storage/v1.CSINodeDriver",
        fields: &[f("allocatable", 848, 0, "")],
    },
    // 848
    TypeDef {
        name: "storage/v1.VolumeNodeResources",
        fields: &[],
    },
    // 849
    TypeDef {
        name: "storage/v1.CSIStorageCapacity",
        fields: &[f("metadata", 1, 0, ""), f("nodeTopology", 7, 0, "")],
    },
    // 850
    TypeDef {
        name: "storage/v1.StorageClass",
        fields: &[
            f("allowedTopologies", 834, LIST, ""),
            f("metadata", 1, 0, ""),
        ],
    },
    // 851
    TypeDef {
        name: "storage/v1.VolumeAttachment",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 852, 0, ""),
            f("status", 854, 0, ""),
        ],
    },
    // 852
    TypeDef {
        name: "storage/v1.VolumeAttachmentSpec",
        fields: &[f("source", 853, 0, "")],
    },
    // 853
    TypeDef {
        name: "storage/v1.VolumeAttachmentSource",
        fields: &[f("inlineVolumeSpec", 808, 0, "")],
    },
    // 854
    TypeDef {
        name: "storage/v1.VolumeAttachmentStatus",
        fields: &[f("attachError", 855, 0, ""), f("detachError", 855, 0, "")],
    },
    // 855
    TypeDef {
        name: "storage/v1.VolumeError",
        fields: &[],
    },
    // 856
    TypeDef {
        name: "storage/v1.VolumeAttributesClass",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 857
    TypeDef {
        name: "storagemigration/v1alpha1.StorageVersionMigration",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 858, 0, ""),
            f("status", 860, 0, ""),
        ],
    },
    // 858
    TypeDef {
        name: "storagemigration/v1alpha1.StorageVersionMigrationSpec",
        fields: &[f("resource", 859, 0, "")],
    },
    // 859
    TypeDef {
        name: "storagemigration/v1alpha1.GroupVersionResource",
        fields: &[],
    },
    // 860
    TypeDef {
        name: "storagemigration/v1alpha1.StorageVersionMigrationStatus",
        fields: &[f("conditions", 861, LIST | MERGE, "type")],
    },
    // 861
    TypeDef {
        name: "storagemigration/v1alpha1.MigrationCondition",
        fields: &[],
    },
    // 862
    TypeDef {
        name: "core/v1.Binding",
        fields: &[f("metadata", 1, 0, ""), f("target", 410, 0, "")],
    },
    // 863
    TypeDef {
        name: "core/v1.ComponentStatus",
        fields: &[
            f("conditions", 864, LIST | MERGE, "type"),
            f("metadata", 1, 0, ""),
        ],
    },
    // 864
    TypeDef {
        name: "core/v1.ComponentCondition",
        fields: &[],
    },
    // 865
    TypeDef {
        name: "core/v1.ConfigMap",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 866
    TypeDef {
        name: "core/v1.Endpoints",
        fields: &[f("metadata", 1, 0, ""), f("subsets", 867, LIST, "")],
    },
    // 867
    TypeDef {
        name: "core/v1.EndpointSubset",
        fields: &[
            f("addresses", 868, LIST, ""),
            f("notReadyAddresses", 868, LIST, ""),
            f("ports", 869, LIST, ""),
        ],
    },
    // 868
    TypeDef {
        name: "core/v1.EndpointAddress",
        fields: &[f("targetRef", 410, 0, "")],
    },
    // 869
    TypeDef {
        name: "core/v1.EndpointPort",
        fields: &[],
    },
    // 870
    TypeDef {
        name: "core/v1.Event",
        fields: &[
            f("involvedObject", 410, 0, ""),
            f("metadata", 1, 0, ""),
            f("related", 410, 0, ""),
            f("series", 871, 0, ""),
            f("source", 458, 0, ""),
        ],
    },
    // 871
    TypeDef {
        name: "core/v1.EventSeries",
        fields: &[],
    },
    // 872
    TypeDef {
        name: "core/v1.LimitRange",
        fields: &[f("metadata", 1, 0, ""), f("spec", 873, 0, "")],
    },
    // 873
    TypeDef {
        name: "core/v1.LimitRangeSpec",
        fields: &[f("limits", 874, LIST, "")],
    },
    // 874
    TypeDef {
        name: "core/v1.LimitRangeItem",
        fields: &[],
    },
    // 875
    TypeDef {
        name: "core/v1.Namespace",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 876, 0, ""),
            f("status", 877, 0, ""),
        ],
    },
    // 876
    TypeDef {
        name: "core/v1.NamespaceSpec",
        fields: &[],
    },
    // 877
    TypeDef {
        name: "core/v1.NamespaceStatus",
        fields: &[f("conditions", 878, LIST | MERGE, "type")],
    },
    // 878
    TypeDef {
        name: "core/v1.NamespaceCondition",
        fields: &[],
    },
    // 879
    TypeDef {
        name: "core/v1.Node",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 880, 0, ""),
            f("status", 884, 0, ""),
        ],
    },
    // 880
    TypeDef {
        name: "core/v1.NodeSpec",
        fields: &[
            f("configSource", 882, 0, ""),
            f("podCIDRs", NONE, LIST | MERGE, ""),
            f("taints", 881, LIST, ""),
        ],
    },
    // 881
    TypeDef {
        name: "core/v1.Taint",
        fields: &[],
    },
    // 882
    TypeDef {
        name: "core/v1.NodeConfigSource",
        fields: &[f("configMap", 883, 0, "")],
    },
    // 883
    TypeDef {
        name: "core/v1.ConfigMapNodeConfigSource",
        fields: &[],
    },
    // 884
    TypeDef {
        name: "core/v1.NodeStatus",
        fields: &[
            f("addresses", 886, LIST | MERGE, "type"),
            f("conditions", 885, LIST | MERGE, "type"),
            f("config", 893, 0, ""),
            f("daemonEndpoints", 887, 0, ""),
            f("features", 896, 0, ""),
            f("images", 891, LIST, ""),
            f("nodeInfo", 889, 0, ""),
            f("runtimeHandlers", 894, LIST, ""),
            f("volumesAttached", 892, LIST, ""),
        ],
    },
    // 885
    TypeDef {
        name: "core/v1.NodeCondition",
        fields: &[],
    },
    // 886
    TypeDef {
        name: "core/v1.NodeAddress",
        fields: &[],
    },
    // 887
    TypeDef {
        name: "core/v1.NodeDaemonEndpoints",
        fields: &[f("kubeletEndpoint", 888, 0, "")],
    },
    // 888
    TypeDef {
        name: "core/v1.DaemonEndpoint",
        fields: &[],
    },
    // 889
    TypeDef {
        name: "core/v1.NodeSystemInfo",
        fields: &[f("swap", 890, 0, "")],
    },
    // 890
    TypeDef {
        name: "core/v1.NodeSwapStatus",
        fields: &[],
    },
    // 891
    TypeDef {
        name: "core/v1.ContainerImage",
        fields: &[],
    },
    // 892
    TypeDef {
        name: "core/v1.AttachedVolume",
        fields: &[],
    },
    // 893
    TypeDef {
        name: "core/v1.NodeConfigStatus",
        fields: &[
            f("active", 882, 0, ""),
            f("assigned", 882, 0, ""),
            f("lastKnownGood", 882, 0, ""),
        ],
    },
    // 894
    TypeDef {
        name: "core/v1.NodeRuntimeHandler",
        fields: &[f("features", 895, 0, "")],
    },
    // 895
    TypeDef {
        name: "core/v1.NodeRuntimeHandlerFeatures",
        fields: &[],
    },
    // 896
    TypeDef {
        name: "core/v1.NodeFeatures",
        fields: &[],
    },
    // 897
    TypeDef {
        name: "core/v1.PersistentVolume",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 808, 0, ""),
            f("status", 898, 0, ""),
        ],
    },
    // 898
    TypeDef {
        name: "core/v1.PersistentVolumeStatus",
        fields: &[],
    },
    // 899
    TypeDef {
        name: "core/v1.Pod",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 106, 0, ""),
            f("status", 900, 0, ""),
        ],
    },
    // 900
    TypeDef {
        name: "core/v1.PodStatus",
        fields: &[
            f("conditions", 901, LIST | MERGE, "type"),
            f("containerStatuses", 904, LIST, ""),
            f("ephemeralContainerStatuses", 904, LIST, ""),
            f("extendedResourceClaimStatus", 915, 0, ""),
            f("hostIPs", 902, LIST | MERGE, "ip"),
            f("initContainerStatuses", 904, LIST, ""),
            f("podIPs", 903, LIST | MERGE, "ip"),
            f(
                "resourceClaimStatuses",
                914,
                LIST | MERGE | RETAIN_KEYS,
                "name",
            ),
        ],
    },
    // 901
    TypeDef {
        name: "core/v1.PodCondition",
        fields: &[],
    },
    // 902
    TypeDef {
        name: "core/v1.HostIP",
        fields: &[],
    },
    // 903
    TypeDef {
        name: "core/v1.PodIP",
        fields: &[],
    },
    // 904
    TypeDef {
        name: "core/v1.ContainerStatus",
        fields: &[
            f("allocatedResourcesStatus", 912, LIST | MERGE, "name"),
            f("lastState", 905, 0, ""),
            f("resources", 165, 0, ""),
            f("state", 905, 0, ""),
            f("user", 910, 0, ""),
            f("volumeMounts", 909, LIST | MERGE, "mountPath"),
        ],
    },
    // 905
    TypeDef {
        name: "core/v1.ContainerState",
        fields: &[
            f("running", 907, 0, ""),
            f("terminated", 908, 0, ""),
            f("waiting", 906, 0, ""),
        ],
    },
    // 906
    TypeDef {
        name: "core/v1.ContainerStateWaiting",
        fields: &[],
    },
    // 907
    TypeDef {
        name: "core/v1.ContainerStateRunning",
        fields: &[],
    },
    // 908
    TypeDef {
        name: "core/v1.ContainerStateTerminated",
        fields: &[],
    },
    // 909
    TypeDef {
        name: "core/v1.VolumeMountStatus",
        fields: &[],
    },
    // 910
    TypeDef {
        name: "core/v1.ContainerUser",
        fields: &[f("linux", 911, 0, "")],
    },
    // 911
    TypeDef {
        name: "core/v1.LinuxContainerUser",
        fields: &[],
    },
    // 912
    TypeDef {
        name: "core/v1.ResourceStatus",
        fields: &[f("resources", 913, LIST, "")],
    },
    // 913
    TypeDef {
        name: "core/v1.ResourceHealth",
        fields: &[],
    },
    // 914
    TypeDef {
        name: "core/v1.PodResourceClaimStatus",
        fields: &[],
    },
    // 915
    TypeDef {
        name: "core/v1.PodExtendedResourceClaimStatus",
        fields: &[f("requestMappings", 916, LIST, "")],
    },
    // 916
    TypeDef {
        name: "core/v1.ContainerExtendedResourceRequest",
        fields: &[],
    },
    // 917
    TypeDef {
        name: "core/v1.PodStatusResult",
        fields: &[f("metadata", 1, 0, ""), f("status", 900, 0, "")],
    },
    // 918
    TypeDef {
        name: "core/v1.PodTemplate",
        fields: &[f("metadata", 1, 0, ""), f("template", 105, 0, "")],
    },
    // 919
    TypeDef {
        name: "core/v1.RangeAllocation",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 920
    TypeDef {
        name: "core/v1.ReplicationController",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 921, 0, ""),
            f("status", 922, 0, ""),
        ],
    },
    // 921
    TypeDef {
        name: "core/v1.ReplicationControllerSpec",
        fields: &[f("template", 105, 0, "")],
    },
    // 922
    TypeDef {
        name: "core/v1.ReplicationControllerStatus",
        fields: &[f("conditions", 923, LIST | MERGE, "type")],
    },
    // 923
    TypeDef {
        name: "core/v1.ReplicationControllerCondition",
        fields: &[],
    },
    // 924
    TypeDef {
        name: "core/v1.ResourceQuota",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 925, 0, ""),
            f("status", 928, 0, ""),
        ],
    },
    // 925
    TypeDef {
        name: "core/v1.ResourceQuotaSpec",
        fields: &[f("scopeSelector", 926, 0, "")],
    },
    // 926
    TypeDef {
        name: "core/v1.ScopeSelector",
        fields: &[f("matchExpressions", 927, LIST, "")],
    },
    // 927
    TypeDef {
        name: "core/v1.ScopedResourceSelectorRequirement",
        fields: &[],
    },
    // 928
    TypeDef {
        name: "core/v1.ResourceQuotaStatus",
        fields: &[],
    },
    // 929
    TypeDef {
        name: "core/v1.Secret",
        fields: &[f("metadata", 1, 0, "")],
    },
    // 930
    TypeDef {
        name: "core/v1.Service",
        fields: &[
            f("metadata", 1, 0, ""),
            f("spec", 931, 0, ""),
            f("status", 935, 0, ""),
        ],
    },
    // 931
    TypeDef {
        name: "core/v1.ServiceSpec",
        fields: &[
            f("ports", 932, LIST | MERGE, "port"),
            f("sessionAffinityConfig", 933, 0, ""),
        ],
    },
    // 932
    TypeDef {
        name: "core/v1.ServicePort",
        fields: &[],
    },
    // 933
    TypeDef {
        name: "core/v1.SessionAffinityConfig",
        fields: &[f("clientIP", 934, 0, "")],
    },
    // 934
    TypeDef {
        name: "core/v1.ClientIPConfig",
        fields: &[],
    },
    // 935
    TypeDef {
        name: "core/v1.ServiceStatus",
        fields: &[
            f("conditions", 25, LIST | MERGE, "type"),
            f("loadBalancer", 936, 0, ""),
        ],
    },
    // 936
    TypeDef {
        name: "core/v1.LoadBalancerStatus",
        fields: &[f("ingress", 937, LIST, "")],
    },
    // 937
    TypeDef {
        name: "core/v1.LoadBalancerIngress",
        fields: &[f("ports", 938, LIST, "")],
    },
    // 938
    TypeDef {
        name: "core/v1.PortStatus",
        fields: &[],
    },
    // 939
    TypeDef {
        name: "core/v1.ServiceAccount",
        fields: &[
            f("imagePullSecrets", 117, LIST, ""),
            f("metadata", 1, 0, ""),
            f("secrets", 410, LIST | MERGE, "name"),
        ],
    },
];

/// (group, version, kind) -> root type; the preferred version of a kind comes first.
pub(super) static KINDS: [KindDef; 160] = [
    k("", "v1", "Binding", 862),
    k("", "v1", "ComponentStatus", 863),
    k("", "v1", "ConfigMap", 865),
    k("", "v1", "Endpoints", 866),
    k("", "v1", "Event", 870),
    k("", "v1", "LimitRange", 872),
    k("", "v1", "Namespace", 875),
    k("", "v1", "Node", 879),
    k("", "v1", "PersistentVolume", 897),
    k("", "v1", "PersistentVolumeClaim", 219),
    k("", "v1", "Pod", 899),
    k("", "v1", "PodStatusResult", 917),
    k("", "v1", "PodTemplate", 918),
    k("", "v1", "RangeAllocation", 919),
    k("", "v1", "ReplicationController", 920),
    k("", "v1", "ResourceQuota", 924),
    k("", "v1", "Secret", 929),
    k("", "v1", "Service", 930),
    k("", "v1", "ServiceAccount", 939),
    k(
        "admissionregistration.k8s.io",
        "v1beta1",
        "MutatingAdmissionPolicy",
        28,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1alpha1",
        "MutatingAdmissionPolicy",
        0,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1beta1",
        "MutatingAdmissionPolicyBinding",
        38,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1alpha1",
        "MutatingAdmissionPolicyBinding",
        15,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        57,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1beta1",
        "MutatingWebhookConfiguration",
        41,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingAdmissionPolicy",
        62,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1beta1",
        "ValidatingAdmissionPolicy",
        46,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1alpha1",
        "ValidatingAdmissionPolicy",
        18,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingAdmissionPolicyBinding",
        73,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1beta1",
        "ValidatingAdmissionPolicyBinding",
        53,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1alpha1",
        "ValidatingAdmissionPolicyBinding",
        26,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        76,
    ),
    k(
        "admissionregistration.k8s.io",
        "v1beta1",
        "ValidatingWebhookConfiguration",
        55,
    ),
    k("apiextensions.k8s.io", "v1", "CustomResourceDefinition", 78),
    k("apiregistration.k8s.io", "v1", "APIService", 97),
    k("apps", "v1", "ControllerRevision", 257),
    k("apps", "v1beta2", "ControllerRevision", 229),
    k("apps", "v1beta1", "ControllerRevision", 102),
    k("apps", "v1", "DaemonSet", 258),
    k("apps", "v1beta2", "DaemonSet", 230),
    k("apps", "v1", "Deployment", 264),
    k("apps", "v1beta2", "Deployment", 236),
    k("apps", "v1beta1", "Deployment", 103),
    k("apps", "v1", "ReplicaSet", 270),
    k("apps", "v1beta2", "ReplicaSet", 242),
    k("apps", "v1beta2", "Scale", 246),
    k("apps", "v1beta1", "Scale", 214),
    k("apps", "v1", "StatefulSet", 274),
    k("apps", "v1beta2", "StatefulSet", 249),
    k("apps", "v1beta1", "StatefulSet", 217),
    k("authentication.k8s.io", "v1", "SelfSubjectReview", 291),
    k("authentication.k8s.io", "v1beta1", "SelfSubjectReview", 285),
    k(
        "authentication.k8s.io",
        "v1alpha1",
        "SelfSubjectReview",
        282,
    ),
    k("authentication.k8s.io", "v1", "TokenRequest", 293),
    k("authentication.k8s.io", "v1", "TokenReview", 297),
    k("authentication.k8s.io", "v1beta1", "TokenReview", 287),
    k(
        "authorization.k8s.io",
        "v1",
        "LocalSubjectAccessReview",
        316,
    ),
    k(
        "authorization.k8s.io",
        "v1beta1",
        "LocalSubjectAccessReview",
        300,
    ),
    k("authorization.k8s.io", "v1", "SelfSubjectAccessReview", 321),
    k(
        "authorization.k8s.io",
        "v1beta1",
        "SelfSubjectAccessReview",
        308,
    ),
    k("authorization.k8s.io", "v1", "SelfSubjectRulesReview", 323),
    k(
        "authorization.k8s.io",
        "v1beta1",
        "SelfSubjectRulesReview",
        310,
    ),
    k("authorization.k8s.io", "v1", "SubjectAccessReview", 328),
    k(
        "authorization.k8s.io",
        "v1beta1",
        "SubjectAccessReview",
        315,
    ),
    k("autoscaling", "v2", "HorizontalPodAutoscaler", 376),
    k("autoscaling", "v1", "HorizontalPodAutoscaler", 329),
    k("autoscaling", "v2beta2", "HorizontalPodAutoscaler", 353),
    k("autoscaling", "v2beta1", "HorizontalPodAutoscaler", 336),
    k("autoscaling", "v1", "Scale", 333),
    k("batch", "v1", "CronJob", 411),
    k("batch", "v1beta1", "CronJob", 399),
    k("batch", "v1", "Job", 415),
    k(
        "certificates.k8s.io",
        "v1",
        "CertificateSigningRequest",
        430,
    ),
    k(
        "certificates.k8s.io",
        "v1beta1",
        "CertificateSigningRequest",
        424,
    ),
    k("certificates.k8s.io", "v1beta1", "ClusterTrustBundle", 428),
    k("certificates.k8s.io", "v1alpha1", "ClusterTrustBundle", 419),
    k(
        "certificates.k8s.io",
        "v1alpha1",
        "PodCertificateRequest",
        421,
    ),
    k("coordination.k8s.io", "v1", "Lease", 440),
    k("coordination.k8s.io", "v1beta1", "Lease", 436),
    k("coordination.k8s.io", "v1beta1", "LeaseCandidate", 438),
    k("coordination.k8s.io", "v1alpha2", "LeaseCandidate", 434),
    k("discovery.k8s.io", "v1", "EndpointSlice", 449),
    k("discovery.k8s.io", "v1beta1", "EndpointSlice", 442),
    k("events.k8s.io", "v1", "Event", 459),
    k("events.k8s.io", "v1beta1", "Event", 456),
    k("extensions", "v1beta1", "DaemonSet", 461),
    k("extensions", "v1beta1", "Deployment", 467),
    k("extensions", "v1beta1", "Ingress", 474),
    k("extensions", "v1beta1", "NetworkPolicy", 485),
    k("extensions", "v1beta1", "ReplicaSet", 492),
    k("extensions", "v1beta1", "Scale", 496),
    k("flowcontrol.apiserver.k8s.io", "v1", "FlowSchema", 562),
    k("flowcontrol.apiserver.k8s.io", "v1beta3", "FlowSchema", 541),
    k("flowcontrol.apiserver.k8s.io", "v1beta2", "FlowSchema", 520),
    k("flowcontrol.apiserver.k8s.io", "v1beta1", "FlowSchema", 499),
    k(
        "flowcontrol.apiserver.k8s.io",
        "v1",
        "PriorityLevelConfiguration",
        575,
    ),
    k(
        "flowcontrol.apiserver.k8s.io",
        "v1beta3",
        "PriorityLevelConfiguration",
        554,
    ),
    k(
        "flowcontrol.apiserver.k8s.io",
        "v1beta2",
        "PriorityLevelConfiguration",
        533,
    ),
    k(
        "flowcontrol.apiserver.k8s.io",
        "v1beta1",
        "PriorityLevelConfiguration",
        512,
    ),
    k(
        "internal.apiserver.k8s.io",
        "v1alpha1",
        "StorageVersion",
        583,
    ),
    k("networking.k8s.io", "v1", "IPAddress", 608),
    k("networking.k8s.io", "v1beta1", "IPAddress", 588),
    k("networking.k8s.io", "v1", "Ingress", 611),
    k("networking.k8s.io", "v1beta1", "Ingress", 591),
    k("networking.k8s.io", "v1", "IngressClass", 624),
    k("networking.k8s.io", "v1beta1", "IngressClass", 602),
    k("networking.k8s.io", "v1", "NetworkPolicy", 627),
    k("networking.k8s.io", "v1", "ServiceCIDR", 634),
    k("networking.k8s.io", "v1beta1", "ServiceCIDR", 605),
    k("node.k8s.io", "v1", "RuntimeClass", 644),
    k("node.k8s.io", "v1beta1", "RuntimeClass", 641),
    k("node.k8s.io", "v1alpha1", "RuntimeClass", 637),
    k("policy", "v1", "Eviction", 653),
    k("policy", "v1beta1", "Eviction", 647),
    k("policy", "v1", "PodDisruptionBudget", 654),
    k("policy", "v1beta1", "PodDisruptionBudget", 650),
    k("rbac.authorization.k8s.io", "v1", "ClusterRole", 673),
    k("rbac.authorization.k8s.io", "v1beta1", "ClusterRole", 665),
    k("rbac.authorization.k8s.io", "v1alpha1", "ClusterRole", 657),
    k("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", 676),
    k(
        "rbac.authorization.k8s.io",
        "v1beta1",
        "ClusterRoleBinding",
        668,
    ),
    k(
        "rbac.authorization.k8s.io",
        "v1alpha1",
        "ClusterRoleBinding",
        660,
    ),
    k("rbac.authorization.k8s.io", "v1", "Role", 679),
    k("rbac.authorization.k8s.io", "v1beta1", "Role", 671),
    k("rbac.authorization.k8s.io", "v1alpha1", "Role", 663),
    k("rbac.authorization.k8s.io", "v1", "RoleBinding", 680),
    k("rbac.authorization.k8s.io", "v1beta1", "RoleBinding", 672),
    k("rbac.authorization.k8s.io", "v1alpha1", "RoleBinding", 664),
    k("resource.k8s.io", "v1", "DeviceClass", 763),
    k("resource.k8s.io", "v1beta2", "DeviceClass", 725),
    k("resource.k8s.io", "v1beta1", "DeviceClass", 687),
    k("resource.k8s.io", "v1alpha3", "DeviceTaintRule", 681),
    k("resource.k8s.io", "v1", "ResourceClaim", 769),
    k("resource.k8s.io", "v1beta2", "ResourceClaim", 731),
    k("resource.k8s.io", "v1beta1", "ResourceClaim", 693),
    k("resource.k8s.io", "v1", "ResourceClaimTemplate", 787),
    k("resource.k8s.io", "v1beta2", "ResourceClaimTemplate", 749),
    k("resource.k8s.io", "v1beta1", "ResourceClaimTemplate", 710),
    k("resource.k8s.io", "v1", "ResourceSlice", 789),
    k("resource.k8s.io", "v1beta2", "ResourceSlice", 751),
    k("resource.k8s.io", "v1beta1", "ResourceSlice", 712),
    k("scheduling.k8s.io", "v1", "PriorityClass", 803),
    k("scheduling.k8s.io", "v1beta1", "PriorityClass", 802),
    k("scheduling.k8s.io", "v1alpha1", "PriorityClass", 801),
    k("storage.k8s.io", "v1", "CSIDriver", 842),
    k("storage.k8s.io", "v1beta1", "CSIDriver", 825),
    k("storage.k8s.io", "v1", "CSINode", 845),
    k("storage.k8s.io", "v1beta1", "CSINode", 828),
    k("storage.k8s.io", "v1", "CSIStorageCapacity", 849),
    k("storage.k8s.io", "v1beta1", "CSIStorageCapacity", 832),
    k("storage.k8s.io", "v1alpha1", "CSIStorageCapacity", 804),
    k("storage.k8s.io", "v1", "StorageClass", 850),
    k("storage.k8s.io", "v1beta1", "StorageClass", 833),
    k("storage.k8s.io", "v1", "VolumeAttachment", 851),
    k("storage.k8s.io", "v1beta1", "VolumeAttachment", 836),
    k("storage.k8s.io", "v1alpha1", "VolumeAttachment", 805),
    k("storage.k8s.io", "v1", "VolumeAttributesClass", 856),
    k("storage.k8s.io", "v1beta1", "VolumeAttributesClass", 841),
    k("storage.k8s.io", "v1alpha1", "VolumeAttributesClass", 824),
    k(
        "storagemigration.k8s.io",
        "v1alpha1",
        "StorageVersionMigration",
        857,
    ),
];
