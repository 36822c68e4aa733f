// @generated from the k8s.io/api v0.34.1 and k8s.io/apimachinery v0.34.1 generated.proto
// message definitions (field numbers and wire types), taken from the Go types' `protobuf`
// struct tags that generated.proto is produced from, plus their `json` tags (name,
// omitempty) and pointer-ness. The throwaway generator is not part of this repository.
// Do not edit by hand.

use super::table::{Field, INLINE, Message, OMITEMPTY, OMITZERO, POINTER, REPEATED, Scalar, Special, Ty};

/// Every message type reachable from a registered kind, sorted by proto name.
pub(super) static MESSAGES: &[Message] = &[
    // 0
    Message {
        name: "k8s.io.api.apps.v1.ControllerRevision",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "data", ty: Ty::Special(Special::RawExtension), flags: OMITEMPTY },
            Field { num: 3, json: "revision", ty: Ty::Scalar(Scalar::Int64), flags: 0 },
        ],
    },
    // 1
    Message {
        name: "k8s.io.api.apps.v1.ControllerRevisionList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(0), flags: REPEATED },
        ],
    },
    // 2
    Message {
        name: "k8s.io.api.apps.v1.DaemonSet",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(5), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(6), flags: OMITEMPTY },
        ],
    },
    // 3
    Message {
        name: "k8s.io.api.apps.v1.DaemonSetCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 4, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 4
    Message {
        name: "k8s.io.api.apps.v1.DaemonSetList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(2), flags: REPEATED },
        ],
    },
    // 5
    Message {
        name: "k8s.io.api.apps.v1.DaemonSetSpec",
        fields: &[
            Field { num: 1, json: "selector", ty: Ty::Msg(411), flags: POINTER },
            Field { num: 2, json: "template", ty: Ty::Msg(242), flags: 0 },
            Field { num: 3, json: "updateStrategy", ty: Ty::Msg(7), flags: OMITEMPTY },
            Field { num: 4, json: "minReadySeconds", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 6, json: "revisionHistoryLimit", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 6
    Message {
        name: "k8s.io.api.apps.v1.DaemonSetStatus",
        fields: &[
            Field { num: 1, json: "currentNumberScheduled", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "numberMisscheduled", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 3, json: "desiredNumberScheduled", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 4, json: "numberReady", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 5, json: "observedGeneration", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
            Field { num: 6, json: "updatedNumberScheduled", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 7, json: "numberAvailable", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 8, json: "numberUnavailable", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 9, json: "collisionCount", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "conditions", ty: Ty::Msg(3), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 7
    Message {
        name: "k8s.io.api.apps.v1.DaemonSetUpdateStrategy",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "rollingUpdate", ty: Ty::Msg(19), flags: POINTER | OMITEMPTY },
        ],
    },
    // 8
    Message {
        name: "k8s.io.api.apps.v1.Deployment",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(11), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(12), flags: OMITEMPTY },
        ],
    },
    // 9
    Message {
        name: "k8s.io.api.apps.v1.DeploymentCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 6, json: "lastUpdateTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 7, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 4, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 10
    Message {
        name: "k8s.io.api.apps.v1.DeploymentList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(8), flags: REPEATED },
        ],
    },
    // 11
    Message {
        name: "k8s.io.api.apps.v1.DeploymentSpec",
        fields: &[
            Field { num: 1, json: "replicas", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "selector", ty: Ty::Msg(411), flags: POINTER },
            Field { num: 3, json: "template", ty: Ty::Msg(242), flags: 0 },
            Field { num: 4, json: "strategy", ty: Ty::Msg(13), flags: OMITEMPTY },
            Field { num: 5, json: "minReadySeconds", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 6, json: "revisionHistoryLimit", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "paused", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 9, json: "progressDeadlineSeconds", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 12
    Message {
        name: "k8s.io.api.apps.v1.DeploymentStatus",
        fields: &[
            Field { num: 1, json: "observedGeneration", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
            Field { num: 2, json: "replicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 3, json: "updatedReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 7, json: "readyReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 4, json: "availableReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 5, json: "unavailableReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 9, json: "terminatingReplicas", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "conditions", ty: Ty::Msg(9), flags: REPEATED | OMITEMPTY },
            Field { num: 8, json: "collisionCount", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 13
    Message {
        name: "k8s.io.api.apps.v1.DeploymentStrategy",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "rollingUpdate", ty: Ty::Msg(20), flags: POINTER | OMITEMPTY },
        ],
    },
    // 14
    Message {
        name: "k8s.io.api.apps.v1.ReplicaSet",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(17), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(18), flags: OMITEMPTY },
        ],
    },
    // 15
    Message {
        name: "k8s.io.api.apps.v1.ReplicaSetCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 4, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 16
    Message {
        name: "k8s.io.api.apps.v1.ReplicaSetList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(14), flags: REPEATED },
        ],
    },
    // 17
    Message {
        name: "k8s.io.api.apps.v1.ReplicaSetSpec",
        fields: &[
            Field { num: 1, json: "replicas", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "minReadySeconds", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 2, json: "selector", ty: Ty::Msg(411), flags: POINTER },
            Field { num: 3, json: "template", ty: Ty::Msg(242), flags: OMITEMPTY },
        ],
    },
    // 18
    Message {
        name: "k8s.io.api.apps.v1.ReplicaSetStatus",
        fields: &[
            Field { num: 1, json: "replicas", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "fullyLabeledReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 4, json: "readyReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 5, json: "availableReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 7, json: "terminatingReplicas", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "observedGeneration", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
            Field { num: 6, json: "conditions", ty: Ty::Msg(15), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 19
    Message {
        name: "k8s.io.api.apps.v1.RollingUpdateDaemonSet",
        fields: &[
            Field { num: 1, json: "maxUnavailable", ty: Ty::Special(Special::IntOrString), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "maxSurge", ty: Ty::Special(Special::IntOrString), flags: POINTER | OMITEMPTY },
        ],
    },
    // 20
    Message {
        name: "k8s.io.api.apps.v1.RollingUpdateDeployment",
        fields: &[
            Field { num: 1, json: "maxUnavailable", ty: Ty::Special(Special::IntOrString), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "maxSurge", ty: Ty::Special(Special::IntOrString), flags: POINTER | OMITEMPTY },
        ],
    },
    // 21
    Message {
        name: "k8s.io.api.apps.v1.RollingUpdateStatefulSetStrategy",
        fields: &[
            Field { num: 1, json: "partition", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "maxUnavailable", ty: Ty::Special(Special::IntOrString), flags: POINTER | OMITEMPTY },
        ],
    },
    // 22
    Message {
        name: "k8s.io.api.apps.v1.StatefulSet",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(27), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(28), flags: OMITEMPTY },
        ],
    },
    // 23
    Message {
        name: "k8s.io.api.apps.v1.StatefulSetCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 4, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 24
    Message {
        name: "k8s.io.api.apps.v1.StatefulSetList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(22), flags: REPEATED },
        ],
    },
    // 25
    Message {
        name: "k8s.io.api.apps.v1.StatefulSetOrdinals",
        fields: &[
            Field { num: 1, json: "start", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
        ],
    },
    // 26
    Message {
        name: "k8s.io.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy",
        fields: &[
            Field { num: 1, json: "whenDeleted", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "whenScaled", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 27
    Message {
        name: "k8s.io.api.apps.v1.StatefulSetSpec",
        fields: &[
            Field { num: 1, json: "replicas", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "selector", ty: Ty::Msg(411), flags: POINTER },
            Field { num: 3, json: "template", ty: Ty::Msg(242), flags: 0 },
            Field { num: 4, json: "volumeClaimTemplates", ty: Ty::Msg(203), flags: REPEATED | OMITEMPTY },
            Field { num: 5, json: "serviceName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 6, json: "podManagementPolicy", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "updateStrategy", ty: Ty::Msg(29), flags: OMITEMPTY },
            Field { num: 8, json: "revisionHistoryLimit", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "minReadySeconds", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 10, json: "persistentVolumeClaimRetentionPolicy", ty: Ty::Msg(26), flags: POINTER | OMITEMPTY },
            Field { num: 11, json: "ordinals", ty: Ty::Msg(25), flags: POINTER | OMITEMPTY },
        ],
    },
    // 28
    Message {
        name: "k8s.io.api.apps.v1.StatefulSetStatus",
        fields: &[
            Field { num: 1, json: "observedGeneration", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
            Field { num: 2, json: "replicas", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 3, json: "readyReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 4, json: "currentReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 5, json: "updatedReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 6, json: "currentRevision", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "updateRevision", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 9, json: "collisionCount", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "conditions", ty: Ty::Msg(23), flags: REPEATED | OMITEMPTY },
            Field { num: 11, json: "availableReplicas", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
        ],
    },
    // 29
    Message {
        name: "k8s.io.api.apps.v1.StatefulSetUpdateStrategy",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "rollingUpdate", ty: Ty::Msg(21), flags: POINTER | OMITEMPTY },
        ],
    },
    // 30
    Message {
        name: "k8s.io.api.autoscaling.v1.CrossVersionObjectReference",
        fields: &[
            Field { num: 1, json: "kind", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "apiVersion", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 31
    Message {
        name: "k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(33), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(34), flags: OMITEMPTY },
        ],
    },
    // 32
    Message {
        name: "k8s.io.api.autoscaling.v1.HorizontalPodAutoscalerList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(31), flags: REPEATED },
        ],
    },
    // 33
    Message {
        name: "k8s.io.api.autoscaling.v1.HorizontalPodAutoscalerSpec",
        fields: &[
            Field { num: 1, json: "scaleTargetRef", ty: Ty::Msg(30), flags: 0 },
            Field { num: 2, json: "minReplicas", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "maxReplicas", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 4, json: "targetCPUUtilizationPercentage", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 34
    Message {
        name: "k8s.io.api.autoscaling.v1.HorizontalPodAutoscalerStatus",
        fields: &[
            Field { num: 1, json: "observedGeneration", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "lastScaleTime", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "currentReplicas", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 4, json: "desiredReplicas", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 5, json: "currentCPUUtilizationPercentage", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 35
    Message {
        name: "k8s.io.api.autoscaling.v1.Scale",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(36), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(37), flags: OMITEMPTY },
        ],
    },
    // 36
    Message {
        name: "k8s.io.api.autoscaling.v1.ScaleSpec",
        fields: &[
            Field { num: 1, json: "replicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
        ],
    },
    // 37
    Message {
        name: "k8s.io.api.autoscaling.v1.ScaleStatus",
        fields: &[
            Field { num: 1, json: "replicas", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "selector", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 38
    Message {
        name: "k8s.io.api.autoscaling.v2.ContainerResourceMetricSource",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "target", ty: Ty::Msg(54), flags: 0 },
            Field { num: 3, json: "container", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 39
    Message {
        name: "k8s.io.api.autoscaling.v2.ContainerResourceMetricStatus",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "current", ty: Ty::Msg(55), flags: 0 },
            Field { num: 3, json: "container", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 40
    Message {
        name: "k8s.io.api.autoscaling.v2.CrossVersionObjectReference",
        fields: &[
            Field { num: 1, json: "kind", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "apiVersion", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 41
    Message {
        name: "k8s.io.api.autoscaling.v2.ExternalMetricSource",
        fields: &[
            Field { num: 1, json: "metric", ty: Ty::Msg(51), flags: 0 },
            Field { num: 2, json: "target", ty: Ty::Msg(54), flags: 0 },
        ],
    },
    // 42
    Message {
        name: "k8s.io.api.autoscaling.v2.ExternalMetricStatus",
        fields: &[
            Field { num: 1, json: "metric", ty: Ty::Msg(51), flags: 0 },
            Field { num: 2, json: "current", ty: Ty::Msg(55), flags: 0 },
        ],
    },
    // 43
    Message {
        name: "k8s.io.api.autoscaling.v2.HPAScalingPolicy",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "value", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 3, json: "periodSeconds", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
        ],
    },
    // 44
    Message {
        name: "k8s.io.api.autoscaling.v2.HPAScalingRules",
        fields: &[
            Field { num: 3, json: "stabilizationWindowSeconds", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 1, json: "selectPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "policies", ty: Ty::Msg(43), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "tolerance", ty: Ty::Special(Special::Quantity), flags: POINTER | OMITEMPTY },
        ],
    },
    // 45
    Message {
        name: "k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(49), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(50), flags: OMITEMPTY },
        ],
    },
    // 46
    Message {
        name: "k8s.io.api.autoscaling.v2.HorizontalPodAutoscalerBehavior",
        fields: &[
            Field { num: 1, json: "scaleUp", ty: Ty::Msg(44), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "scaleDown", ty: Ty::Msg(44), flags: POINTER | OMITEMPTY },
        ],
    },
    // 47
    Message {
        name: "k8s.io.api.autoscaling.v2.HorizontalPodAutoscalerCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 4, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 48
    Message {
        name: "k8s.io.api.autoscaling.v2.HorizontalPodAutoscalerList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(45), flags: REPEATED },
        ],
    },
    // 49
    Message {
        name: "k8s.io.api.autoscaling.v2.HorizontalPodAutoscalerSpec",
        fields: &[
            Field { num: 1, json: "scaleTargetRef", ty: Ty::Msg(40), flags: 0 },
            Field { num: 2, json: "minReplicas", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "maxReplicas", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 4, json: "metrics", ty: Ty::Msg(52), flags: REPEATED | OMITEMPTY },
            Field { num: 5, json: "behavior", ty: Ty::Msg(46), flags: POINTER | OMITEMPTY },
        ],
    },
    // 50
    Message {
        name: "k8s.io.api.autoscaling.v2.HorizontalPodAutoscalerStatus",
        fields: &[
            Field { num: 1, json: "observedGeneration", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "lastScaleTime", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "currentReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 4, json: "desiredReplicas", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 5, json: "currentMetrics", ty: Ty::Msg(53), flags: REPEATED },
            Field { num: 6, json: "conditions", ty: Ty::Msg(47), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 51
    Message {
        name: "k8s.io.api.autoscaling.v2.MetricIdentifier",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "selector", ty: Ty::Msg(411), flags: POINTER | OMITEMPTY },
        ],
    },
    // 52
    Message {
        name: "k8s.io.api.autoscaling.v2.MetricSpec",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "object", ty: Ty::Msg(56), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "pods", ty: Ty::Msg(58), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "resource", ty: Ty::Msg(60), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "containerResource", ty: Ty::Msg(38), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "external", ty: Ty::Msg(41), flags: POINTER | OMITEMPTY },
        ],
    },
    // 53
    Message {
        name: "k8s.io.api.autoscaling.v2.MetricStatus",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "object", ty: Ty::Msg(57), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "pods", ty: Ty::Msg(59), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "resource", ty: Ty::Msg(61), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "containerResource", ty: Ty::Msg(39), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "external", ty: Ty::Msg(42), flags: POINTER | OMITEMPTY },
        ],
    },
    // 54
    Message {
        name: "k8s.io.api.autoscaling.v2.MetricTarget",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "value", ty: Ty::Special(Special::Quantity), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "averageValue", ty: Ty::Special(Special::Quantity), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "averageUtilization", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 55
    Message {
        name: "k8s.io.api.autoscaling.v2.MetricValueStatus",
        fields: &[
            Field { num: 1, json: "value", ty: Ty::Special(Special::Quantity), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "averageValue", ty: Ty::Special(Special::Quantity), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "averageUtilization", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 56
    Message {
        name: "k8s.io.api.autoscaling.v2.ObjectMetricSource",
        fields: &[
            Field { num: 1, json: "describedObject", ty: Ty::Msg(40), flags: 0 },
            Field { num: 2, json: "target", ty: Ty::Msg(54), flags: 0 },
            Field { num: 3, json: "metric", ty: Ty::Msg(51), flags: 0 },
        ],
    },
    // 57
    Message {
        name: "k8s.io.api.autoscaling.v2.ObjectMetricStatus",
        fields: &[
            Field { num: 1, json: "metric", ty: Ty::Msg(51), flags: 0 },
            Field { num: 2, json: "current", ty: Ty::Msg(55), flags: 0 },
            Field { num: 3, json: "describedObject", ty: Ty::Msg(40), flags: 0 },
        ],
    },
    // 58
    Message {
        name: "k8s.io.api.autoscaling.v2.PodsMetricSource",
        fields: &[
            Field { num: 1, json: "metric", ty: Ty::Msg(51), flags: 0 },
            Field { num: 2, json: "target", ty: Ty::Msg(54), flags: 0 },
        ],
    },
    // 59
    Message {
        name: "k8s.io.api.autoscaling.v2.PodsMetricStatus",
        fields: &[
            Field { num: 1, json: "metric", ty: Ty::Msg(51), flags: 0 },
            Field { num: 2, json: "current", ty: Ty::Msg(55), flags: 0 },
        ],
    },
    // 60
    Message {
        name: "k8s.io.api.autoscaling.v2.ResourceMetricSource",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "target", ty: Ty::Msg(54), flags: 0 },
        ],
    },
    // 61
    Message {
        name: "k8s.io.api.autoscaling.v2.ResourceMetricStatus",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "current", ty: Ty::Msg(55), flags: 0 },
        ],
    },
    // 62
    Message {
        name: "k8s.io.api.batch.v1.CronJob",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(64), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(65), flags: OMITEMPTY },
        ],
    },
    // 63
    Message {
        name: "k8s.io.api.batch.v1.CronJobList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(62), flags: REPEATED },
        ],
    },
    // 64
    Message {
        name: "k8s.io.api.batch.v1.CronJobSpec",
        fields: &[
            Field { num: 1, json: "schedule", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 8, json: "timeZone", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "startingDeadlineSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "concurrencyPolicy", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "suspend", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "jobTemplate", ty: Ty::Msg(71), flags: 0 },
            Field { num: 6, json: "successfulJobsHistoryLimit", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "failedJobsHistoryLimit", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 65
    Message {
        name: "k8s.io.api.batch.v1.CronJobStatus",
        fields: &[
            Field { num: 1, json: "active", ty: Ty::Msg(201), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "lastScheduleTime", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "lastSuccessfulTime", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
        ],
    },
    // 66
    Message {
        name: "k8s.io.api.batch.v1.Job",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(69), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(70), flags: OMITEMPTY },
        ],
    },
    // 67
    Message {
        name: "k8s.io.api.batch.v1.JobCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "lastProbeTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 4, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 5, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 68
    Message {
        name: "k8s.io.api.batch.v1.JobList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(66), flags: REPEATED },
        ],
    },
    // 69
    Message {
        name: "k8s.io.api.batch.v1.JobSpec",
        fields: &[
            Field { num: 1, json: "parallelism", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "completions", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "activeDeadlineSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 11, json: "podFailurePolicy", ty: Ty::Msg(72), flags: POINTER | OMITEMPTY },
            Field { num: 16, json: "successPolicy", ty: Ty::Msg(76), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "backoffLimit", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 12, json: "backoffLimitPerIndex", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 13, json: "maxFailedIndexes", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "selector", ty: Ty::Msg(411), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "manualSelector", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "template", ty: Ty::Msg(242), flags: 0 },
            Field { num: 8, json: "ttlSecondsAfterFinished", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "completionMode", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "suspend", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 14, json: "podReplacementPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 15, json: "managedBy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 70
    Message {
        name: "k8s.io.api.batch.v1.JobStatus",
        fields: &[
            Field { num: 1, json: "conditions", ty: Ty::Msg(67), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "startTime", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "completionTime", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "active", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 5, json: "succeeded", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 6, json: "failed", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 11, json: "terminating", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "completedIndexes", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 10, json: "failedIndexes", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "uncountedTerminatedPods", ty: Ty::Msg(78), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "ready", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 71
    Message {
        name: "k8s.io.api.batch.v1.JobTemplateSpec",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(69), flags: OMITEMPTY },
        ],
    },
    // 72
    Message {
        name: "k8s.io.api.batch.v1.PodFailurePolicy",
        fields: &[
            Field { num: 1, json: "rules", ty: Ty::Msg(75), flags: REPEATED },
        ],
    },
    // 73
    Message {
        name: "k8s.io.api.batch.v1.PodFailurePolicyOnExitCodesRequirement",
        fields: &[
            Field { num: 1, json: "containerName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "operator", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "values", ty: Ty::Scalar(Scalar::Int32), flags: REPEATED },
        ],
    },
    // 74
    Message {
        name: "k8s.io.api.batch.v1.PodFailurePolicyOnPodConditionsPattern",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 75
    Message {
        name: "k8s.io.api.batch.v1.PodFailurePolicyRule",
        fields: &[
            Field { num: 1, json: "action", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "onExitCodes", ty: Ty::Msg(73), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "onPodConditions", ty: Ty::Msg(74), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 76
    Message {
        name: "k8s.io.api.batch.v1.SuccessPolicy",
        fields: &[
            Field { num: 1, json: "rules", ty: Ty::Msg(77), flags: REPEATED },
        ],
    },
    // 77
    Message {
        name: "k8s.io.api.batch.v1.SuccessPolicyRule",
        fields: &[
            Field { num: 1, json: "succeededIndexes", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "succeededCount", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 78
    Message {
        name: "k8s.io.api.batch.v1.UncountedTerminatedPods",
        fields: &[
            Field { num: 1, json: "succeeded", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "failed", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 79
    Message {
        name: "k8s.io.api.coordination.v1.Lease",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(81), flags: OMITEMPTY },
        ],
    },
    // 80
    Message {
        name: "k8s.io.api.coordination.v1.LeaseList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(79), flags: REPEATED },
        ],
    },
    // 81
    Message {
        name: "k8s.io.api.coordination.v1.LeaseSpec",
        fields: &[
            Field { num: 1, json: "holderIdentity", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "leaseDurationSeconds", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "acquireTime", ty: Ty::Special(Special::MicroTime), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "renewTime", ty: Ty::Special(Special::MicroTime), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "leaseTransitions", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "strategy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "preferredHolder", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 82
    Message {
        name: "k8s.io.api.core.v1.AWSElasticBlockStoreVolumeSource",
        fields: &[
            Field { num: 1, json: "volumeID", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "partition", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 4, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 83
    Message {
        name: "k8s.io.api.core.v1.Affinity",
        fields: &[
            Field { num: 1, json: "nodeAffinity", ty: Ty::Msg(183), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "podAffinity", ty: Ty::Msg(216), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "podAntiAffinity", ty: Ty::Msg(218), flags: POINTER | OMITEMPTY },
        ],
    },
    // 84
    Message {
        name: "k8s.io.api.core.v1.AppArmorProfile",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "localhostProfile", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 85
    Message {
        name: "k8s.io.api.core.v1.AttachedVolume",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "devicePath", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 86
    Message {
        name: "k8s.io.api.core.v1.AzureDiskVolumeSource",
        fields: &[
            Field { num: 1, json: "diskName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "diskURI", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "cachingMode", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "kind", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 87
    Message {
        name: "k8s.io.api.core.v1.AzureFilePersistentVolumeSource",
        fields: &[
            Field { num: 1, json: "secretName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "shareName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "secretNamespace", ty: Ty::Scalar(Scalar::String), flags: POINTER },
        ],
    },
    // 88
    Message {
        name: "k8s.io.api.core.v1.AzureFileVolumeSource",
        fields: &[
            Field { num: 1, json: "secretName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "shareName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 89
    Message {
        name: "k8s.io.api.core.v1.Binding",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "target", ty: Ty::Msg(201), flags: 0 },
        ],
    },
    // 90
    Message {
        name: "k8s.io.api.core.v1.CSIPersistentVolumeSource",
        fields: &[
            Field { num: 1, json: "driver", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "volumeHandle", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "volumeAttributes", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 6, json: "controllerPublishSecretRef", ty: Ty::Msg(278), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "nodeStageSecretRef", ty: Ty::Msg(278), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "nodePublishSecretRef", ty: Ty::Msg(278), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "controllerExpandSecretRef", ty: Ty::Msg(278), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "nodeExpandSecretRef", ty: Ty::Msg(278), flags: POINTER | OMITEMPTY },
        ],
    },
    // 91
    Message {
        name: "k8s.io.api.core.v1.CSIVolumeSource",
        fields: &[
            Field { num: 1, json: "driver", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "volumeAttributes", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 5, json: "nodePublishSecretRef", ty: Ty::Msg(172), flags: POINTER | OMITEMPTY },
        ],
    },
    // 92
    Message {
        name: "k8s.io.api.core.v1.Capabilities",
        fields: &[
            Field { num: 1, json: "add", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "drop", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 93
    Message {
        name: "k8s.io.api.core.v1.CephFSPersistentVolumeSource",
        fields: &[
            Field { num: 1, json: "monitors", ty: Ty::Scalar(Scalar::String), flags: REPEATED },
            Field { num: 2, json: "path", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "user", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "secretFile", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "secretRef", ty: Ty::Msg(278), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 94
    Message {
        name: "k8s.io.api.core.v1.CephFSVolumeSource",
        fields: &[
            Field { num: 1, json: "monitors", ty: Ty::Scalar(Scalar::String), flags: REPEATED },
            Field { num: 2, json: "path", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "user", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "secretFile", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "secretRef", ty: Ty::Msg(172), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 95
    Message {
        name: "k8s.io.api.core.v1.CinderPersistentVolumeSource",
        fields: &[
            Field { num: 1, json: "volumeID", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "secretRef", ty: Ty::Msg(278), flags: POINTER | OMITEMPTY },
        ],
    },
    // 96
    Message {
        name: "k8s.io.api.core.v1.CinderVolumeSource",
        fields: &[
            Field { num: 1, json: "volumeID", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "secretRef", ty: Ty::Msg(172), flags: POINTER | OMITEMPTY },
        ],
    },
    // 97
    Message {
        name: "k8s.io.api.core.v1.ClientIPConfig",
        fields: &[
            Field { num: 1, json: "timeoutSeconds", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 98
    Message {
        name: "k8s.io.api.core.v1.ClusterTrustBundleProjection",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "signerName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "labelSelector", ty: Ty::Msg(411), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "optional", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "path", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 99
    Message {
        name: "k8s.io.api.core.v1.ComponentCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "error", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 100
    Message {
        name: "k8s.io.api.core.v1.ComponentStatus",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "conditions", ty: Ty::Msg(99), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 101
    Message {
        name: "k8s.io.api.core.v1.ComponentStatusList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(100), flags: REPEATED },
        ],
    },
    // 102
    Message {
        name: "k8s.io.api.core.v1.ConfigMap",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 4, json: "immutable", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "data", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 3, json: "binaryData", ty: Ty::Map(&Ty::Scalar(Scalar::Bytes)), flags: OMITEMPTY },
        ],
    },
    // 103
    Message {
        name: "k8s.io.api.core.v1.ConfigMapEnvSource",
        fields: &[
            Field { num: 1, json: "", ty: Ty::Msg(172), flags: INLINE },
            Field { num: 2, json: "optional", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 104
    Message {
        name: "k8s.io.api.core.v1.ConfigMapKeySelector",
        fields: &[
            Field { num: 1, json: "", ty: Ty::Msg(172), flags: INLINE },
            Field { num: 2, json: "key", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "optional", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 105
    Message {
        name: "k8s.io.api.core.v1.ConfigMapList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(102), flags: REPEATED },
        ],
    },
    // 106
    Message {
        name: "k8s.io.api.core.v1.ConfigMapNodeConfigSource",
        fields: &[
            Field { num: 1, json: "namespace", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "uid", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "resourceVersion", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "kubeletConfigKey", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 107
    Message {
        name: "k8s.io.api.core.v1.ConfigMapProjection",
        fields: &[
            Field { num: 1, json: "", ty: Ty::Msg(172), flags: INLINE },
            Field { num: 2, json: "items", ty: Ty::Msg(161), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "optional", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 108
    Message {
        name: "k8s.io.api.core.v1.ConfigMapVolumeSource",
        fields: &[
            Field { num: 1, json: "", ty: Ty::Msg(172), flags: INLINE },
            Field { num: 2, json: "items", ty: Ty::Msg(161), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "defaultMode", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "optional", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 109
    Message {
        name: "k8s.io.api.core.v1.Container",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "image", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "command", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "args", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 5, json: "workingDir", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "ports", ty: Ty::Msg(112), flags: REPEATED | OMITEMPTY },
            Field { num: 19, json: "envFrom", ty: Ty::Msg(132), flags: REPEATED | OMITEMPTY },
            Field { num: 7, json: "env", ty: Ty::Msg(133), flags: REPEATED | OMITEMPTY },
            Field { num: 8, json: "resources", ty: Ty::Msg(265), flags: OMITEMPTY },
            Field { num: 23, json: "resizePolicy", ty: Ty::Msg(113), flags: REPEATED | OMITEMPTY },
            Field { num: 24, json: "restartPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 25, json: "restartPolicyRules", ty: Ty::Msg(114), flags: REPEATED | OMITEMPTY },
            Field { num: 9, json: "volumeMounts", ty: Ty::Msg(306), flags: REPEATED | OMITEMPTY },
            Field { num: 21, json: "volumeDevices", ty: Ty::Msg(305), flags: REPEATED | OMITEMPTY },
            Field { num: 10, json: "livenessProbe", ty: Ty::Msg(246), flags: POINTER | OMITEMPTY },
            Field { num: 11, json: "readinessProbe", ty: Ty::Msg(246), flags: POINTER | OMITEMPTY },
            Field { num: 22, json: "startupProbe", ty: Ty::Msg(246), flags: POINTER | OMITEMPTY },
            Field { num: 12, json: "lifecycle", ty: Ty::Msg(162), flags: POINTER | OMITEMPTY },
            Field { num: 13, json: "terminationMessagePath", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 20, json: "terminationMessagePolicy", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 14, json: "imagePullPolicy", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 15, json: "securityContext", ty: Ty::Msg(280), flags: POINTER | OMITEMPTY },
            Field { num: 16, json: "stdin", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 17, json: "stdinOnce", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 18, json: "tty", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 110
    Message {
        name: "k8s.io.api.core.v1.ContainerExtendedResourceRequest",
        fields: &[
            Field { num: 1, json: "containerName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "resourceName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "requestName", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 111
    Message {
        name: "k8s.io.api.core.v1.ContainerImage",
        fields: &[
            Field { num: 1, json: "names", ty: Ty::Scalar(Scalar::String), flags: REPEATED },
            Field { num: 2, json: "sizeBytes", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
        ],
    },
    // 112
    Message {
        name: "k8s.io.api.core.v1.ContainerPort",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "hostPort", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 3, json: "containerPort", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 4, json: "protocol", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "hostIP", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 113
    Message {
        name: "k8s.io.api.core.v1.ContainerResizePolicy",
        fields: &[
            Field { num: 1, json: "resourceName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "restartPolicy", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 114
    Message {
        name: "k8s.io.api.core.v1.ContainerRestartRule",
        fields: &[
            Field { num: 1, json: "action", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "exitCodes", ty: Ty::Msg(115), flags: POINTER | OMITEMPTY },
        ],
    },
    // 115
    Message {
        name: "k8s.io.api.core.v1.ContainerRestartRuleOnExitCodes",
        fields: &[
            Field { num: 1, json: "operator", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "values", ty: Ty::Scalar(Scalar::Int32), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 116
    Message {
        name: "k8s.io.api.core.v1.ContainerState",
        fields: &[
            Field { num: 1, json: "waiting", ty: Ty::Msg(119), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "running", ty: Ty::Msg(117), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "terminated", ty: Ty::Msg(118), flags: POINTER | OMITEMPTY },
        ],
    },
    // 117
    Message {
        name: "k8s.io.api.core.v1.ContainerStateRunning",
        fields: &[
            Field { num: 1, json: "startedAt", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
        ],
    },
    // 118
    Message {
        name: "k8s.io.api.core.v1.ContainerStateTerminated",
        fields: &[
            Field { num: 1, json: "exitCode", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "signal", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 3, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "startedAt", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 6, json: "finishedAt", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 7, json: "containerID", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 119
    Message {
        name: "k8s.io.api.core.v1.ContainerStateWaiting",
        fields: &[
            Field { num: 1, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 120
    Message {
        name: "k8s.io.api.core.v1.ContainerStatus",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "state", ty: Ty::Msg(116), flags: OMITEMPTY },
            Field { num: 3, json: "lastState", ty: Ty::Msg(116), flags: OMITEMPTY },
            Field { num: 4, json: "ready", ty: Ty::Scalar(Scalar::Bool), flags: 0 },
            Field { num: 5, json: "restartCount", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 6, json: "image", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 7, json: "imageID", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 8, json: "containerID", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 9, json: "started", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "allocatedResources", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 11, json: "resources", ty: Ty::Msg(265), flags: POINTER | OMITEMPTY },
            Field { num: 12, json: "volumeMounts", ty: Ty::Msg(307), flags: REPEATED | OMITEMPTY },
            Field { num: 13, json: "user", ty: Ty::Msg(121), flags: POINTER | OMITEMPTY },
            Field { num: 14, json: "allocatedResourcesStatus", ty: Ty::Msg(266), flags: REPEATED | OMITEMPTY },
            Field { num: 15, json: "stopSignal", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 121
    Message {
        name: "k8s.io.api.core.v1.ContainerUser",
        fields: &[
            Field { num: 1, json: "linux", ty: Ty::Msg(168), flags: POINTER | OMITEMPTY },
        ],
    },
    // 122
    Message {
        name: "k8s.io.api.core.v1.DaemonEndpoint",
        fields: &[
            Field { num: 1, json: "Port", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
        ],
    },
    // 123
    Message {
        name: "k8s.io.api.core.v1.DownwardAPIProjection",
        fields: &[
            Field { num: 1, json: "items", ty: Ty::Msg(124), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 124
    Message {
        name: "k8s.io.api.core.v1.DownwardAPIVolumeFile",
        fields: &[
            Field { num: 1, json: "path", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "fieldRef", ty: Ty::Msg(200), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "resourceFieldRef", ty: Ty::Msg(259), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "mode", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 125
    Message {
        name: "k8s.io.api.core.v1.DownwardAPIVolumeSource",
        fields: &[
            Field { num: 1, json: "items", ty: Ty::Msg(124), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "defaultMode", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 126
    Message {
        name: "k8s.io.api.core.v1.EmptyDirVolumeSource",
        fields: &[
            Field { num: 1, json: "medium", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "sizeLimit", ty: Ty::Special(Special::Quantity), flags: POINTER | OMITEMPTY },
        ],
    },
    // 127
    Message {
        name: "k8s.io.api.core.v1.EndpointAddress",
        fields: &[
            Field { num: 1, json: "ip", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "hostname", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "nodeName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "targetRef", ty: Ty::Msg(201), flags: POINTER | OMITEMPTY },
        ],
    },
    // 128
    Message {
        name: "k8s.io.api.core.v1.EndpointPort",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "port", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 3, json: "protocol", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "appProtocol", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 129
    Message {
        name: "k8s.io.api.core.v1.EndpointSubset",
        fields: &[
            Field { num: 1, json: "addresses", ty: Ty::Msg(127), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "notReadyAddresses", ty: Ty::Msg(127), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "ports", ty: Ty::Msg(128), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 130
    Message {
        name: "k8s.io.api.core.v1.Endpoints",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "subsets", ty: Ty::Msg(129), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 131
    Message {
        name: "k8s.io.api.core.v1.EndpointsList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(130), flags: REPEATED },
        ],
    },
    // 132
    Message {
        name: "k8s.io.api.core.v1.EnvFromSource",
        fields: &[
            Field { num: 1, json: "prefix", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "configMapRef", ty: Ty::Msg(103), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "secretRef", ty: Ty::Msg(274), flags: POINTER | OMITEMPTY },
        ],
    },
    // 133
    Message {
        name: "k8s.io.api.core.v1.EnvVar",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "value", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "valueFrom", ty: Ty::Msg(134), flags: POINTER | OMITEMPTY },
        ],
    },
    // 134
    Message {
        name: "k8s.io.api.core.v1.EnvVarSource",
        fields: &[
            Field { num: 1, json: "fieldRef", ty: Ty::Msg(200), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "resourceFieldRef", ty: Ty::Msg(259), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "configMapKeyRef", ty: Ty::Msg(104), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "secretKeyRef", ty: Ty::Msg(275), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "fileKeyRef", ty: Ty::Msg(144), flags: POINTER | OMITEMPTY },
        ],
    },
    // 135
    Message {
        name: "k8s.io.api.core.v1.EphemeralContainer",
        fields: &[
            Field { num: 1, json: "", ty: Ty::Msg(136), flags: INLINE },
            Field { num: 2, json: "targetContainerName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 136
    Message {
        name: "k8s.io.api.core.v1.EphemeralContainerCommon",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "image", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "command", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "args", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 5, json: "workingDir", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "ports", ty: Ty::Msg(112), flags: REPEATED | OMITEMPTY },
            Field { num: 19, json: "envFrom", ty: Ty::Msg(132), flags: REPEATED | OMITEMPTY },
            Field { num: 7, json: "env", ty: Ty::Msg(133), flags: REPEATED | OMITEMPTY },
            Field { num: 8, json: "resources", ty: Ty::Msg(265), flags: OMITEMPTY },
            Field { num: 23, json: "resizePolicy", ty: Ty::Msg(113), flags: REPEATED | OMITEMPTY },
            Field { num: 24, json: "restartPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 25, json: "restartPolicyRules", ty: Ty::Msg(114), flags: REPEATED | OMITEMPTY },
            Field { num: 9, json: "volumeMounts", ty: Ty::Msg(306), flags: REPEATED | OMITEMPTY },
            Field { num: 21, json: "volumeDevices", ty: Ty::Msg(305), flags: REPEATED | OMITEMPTY },
            Field { num: 10, json: "livenessProbe", ty: Ty::Msg(246), flags: POINTER | OMITEMPTY },
            Field { num: 11, json: "readinessProbe", ty: Ty::Msg(246), flags: POINTER | OMITEMPTY },
            Field { num: 22, json: "startupProbe", ty: Ty::Msg(246), flags: POINTER | OMITEMPTY },
            Field { num: 12, json: "lifecycle", ty: Ty::Msg(162), flags: POINTER | OMITEMPTY },
            Field { num: 13, json: "terminationMessagePath", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 20, json: "terminationMessagePolicy", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 14, json: "imagePullPolicy", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 15, json: "securityContext", ty: Ty::Msg(280), flags: POINTER | OMITEMPTY },
            Field { num: 16, json: "stdin", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 17, json: "stdinOnce", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 18, json: "tty", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 137
    Message {
        name: "k8s.io.api.core.v1.EphemeralVolumeSource",
        fields: &[
            Field { num: 1, json: "volumeClaimTemplate", ty: Ty::Msg(208), flags: POINTER | OMITEMPTY },
        ],
    },
    // 138
    Message {
        name: "k8s.io.api.core.v1.Event",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: 0 },
            Field { num: 2, json: "involvedObject", ty: Ty::Msg(201), flags: 0 },
            Field { num: 3, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "source", ty: Ty::Msg(141), flags: OMITEMPTY },
            Field { num: 6, json: "firstTimestamp", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 7, json: "lastTimestamp", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 8, json: "count", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 9, json: "type", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 10, json: "eventTime", ty: Ty::Special(Special::MicroTime), flags: OMITEMPTY },
            Field { num: 11, json: "series", ty: Ty::Msg(140), flags: POINTER | OMITEMPTY },
            Field { num: 12, json: "action", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 13, json: "related", ty: Ty::Msg(201), flags: POINTER | OMITEMPTY },
            Field { num: 14, json: "reportingComponent", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 15, json: "reportingInstance", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 139
    Message {
        name: "k8s.io.api.core.v1.EventList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(138), flags: REPEATED },
        ],
    },
    // 140
    Message {
        name: "k8s.io.api.core.v1.EventSeries",
        fields: &[
            Field { num: 1, json: "count", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 2, json: "lastObservedTime", ty: Ty::Special(Special::MicroTime), flags: OMITEMPTY },
        ],
    },
    // 141
    Message {
        name: "k8s.io.api.core.v1.EventSource",
        fields: &[
            Field { num: 1, json: "component", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "host", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 142
    Message {
        name: "k8s.io.api.core.v1.ExecAction",
        fields: &[
            Field { num: 1, json: "command", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 143
    Message {
        name: "k8s.io.api.core.v1.FCVolumeSource",
        fields: &[
            Field { num: 1, json: "targetWWNs", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "lun", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 5, json: "wwids", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 144
    Message {
        name: "k8s.io.api.core.v1.FileKeySelector",
        fields: &[
            Field { num: 1, json: "volumeName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "path", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "key", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "optional", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 145
    Message {
        name: "k8s.io.api.core.v1.FlexPersistentVolumeSource",
        fields: &[
            Field { num: 1, json: "driver", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "secretRef", ty: Ty::Msg(278), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 5, json: "options", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
        ],
    },
    // 146
    Message {
        name: "k8s.io.api.core.v1.FlexVolumeSource",
        fields: &[
            Field { num: 1, json: "driver", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "secretRef", ty: Ty::Msg(172), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 5, json: "options", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
        ],
    },
    // 147
    Message {
        name: "k8s.io.api.core.v1.FlockerVolumeSource",
        fields: &[
            Field { num: 1, json: "datasetName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "datasetUUID", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 148
    Message {
        name: "k8s.io.api.core.v1.GCEPersistentDiskVolumeSource",
        fields: &[
            Field { num: 1, json: "pdName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "partition", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 4, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 149
    Message {
        name: "k8s.io.api.core.v1.GRPCAction",
        fields: &[
            Field { num: 1, json: "port", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "service", ty: Ty::Scalar(Scalar::String), flags: POINTER },
        ],
    },
    // 150
    Message {
        name: "k8s.io.api.core.v1.GitRepoVolumeSource",
        fields: &[
            Field { num: 1, json: "repository", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "revision", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "directory", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 151
    Message {
        name: "k8s.io.api.core.v1.GlusterfsPersistentVolumeSource",
        fields: &[
            Field { num: 1, json: "endpoints", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "path", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "endpointsNamespace", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 152
    Message {
        name: "k8s.io.api.core.v1.GlusterfsVolumeSource",
        fields: &[
            Field { num: 1, json: "endpoints", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "path", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 153
    Message {
        name: "k8s.io.api.core.v1.HTTPGetAction",
        fields: &[
            Field { num: 1, json: "path", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "port", ty: Ty::Special(Special::IntOrString), flags: 0 },
            Field { num: 3, json: "host", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "scheme", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "httpHeaders", ty: Ty::Msg(154), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 154
    Message {
        name: "k8s.io.api.core.v1.HTTPHeader",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "value", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 155
    Message {
        name: "k8s.io.api.core.v1.HostAlias",
        fields: &[
            Field { num: 1, json: "ip", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "hostnames", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 156
    Message {
        name: "k8s.io.api.core.v1.HostIP",
        fields: &[
            Field { num: 1, json: "ip", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 157
    Message {
        name: "k8s.io.api.core.v1.HostPathVolumeSource",
        fields: &[
            Field { num: 1, json: "path", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "type", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 158
    Message {
        name: "k8s.io.api.core.v1.ISCSIPersistentVolumeSource",
        fields: &[
            Field { num: 1, json: "targetPortal", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "iqn", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "lun", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 4, json: "iscsiInterface", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 7, json: "portals", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 8, json: "chapAuthDiscovery", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 11, json: "chapAuthSession", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 10, json: "secretRef", ty: Ty::Msg(278), flags: POINTER | OMITEMPTY },
            Field { num: 12, json: "initiatorName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 159
    Message {
        name: "k8s.io.api.core.v1.ISCSIVolumeSource",
        fields: &[
            Field { num: 1, json: "targetPortal", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "iqn", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "lun", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 4, json: "iscsiInterface", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 7, json: "portals", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 8, json: "chapAuthDiscovery", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 11, json: "chapAuthSession", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 10, json: "secretRef", ty: Ty::Msg(172), flags: POINTER | OMITEMPTY },
            Field { num: 12, json: "initiatorName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 160
    Message {
        name: "k8s.io.api.core.v1.ImageVolumeSource",
        fields: &[
            Field { num: 1, json: "reference", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "pullPolicy", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 161
    Message {
        name: "k8s.io.api.core.v1.KeyToPath",
        fields: &[
            Field { num: 1, json: "key", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "path", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "mode", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 162
    Message {
        name: "k8s.io.api.core.v1.Lifecycle",
        fields: &[
            Field { num: 1, json: "postStart", ty: Ty::Msg(163), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "preStop", ty: Ty::Msg(163), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "stopSignal", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 163
    Message {
        name: "k8s.io.api.core.v1.LifecycleHandler",
        fields: &[
            Field { num: 1, json: "exec", ty: Ty::Msg(142), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "httpGet", ty: Ty::Msg(153), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "tcpSocket", ty: Ty::Msg(296), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "sleep", ty: Ty::Msg(292), flags: POINTER | OMITEMPTY },
        ],
    },
    // 164
    Message {
        name: "k8s.io.api.core.v1.LimitRange",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(167), flags: OMITEMPTY },
        ],
    },
    // 165
    Message {
        name: "k8s.io.api.core.v1.LimitRangeItem",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "max", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 3, json: "min", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 4, json: "default", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 5, json: "defaultRequest", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 6, json: "maxLimitRequestRatio", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
        ],
    },
    // 166
    Message {
        name: "k8s.io.api.core.v1.LimitRangeList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(164), flags: REPEATED },
        ],
    },
    // 167
    Message {
        name: "k8s.io.api.core.v1.LimitRangeSpec",
        fields: &[
            Field { num: 1, json: "limits", ty: Ty::Msg(165), flags: REPEATED },
        ],
    },
    // 168
    Message {
        name: "k8s.io.api.core.v1.LinuxContainerUser",
        fields: &[
            Field { num: 1, json: "uid", ty: Ty::Scalar(Scalar::Int64), flags: 0 },
            Field { num: 2, json: "gid", ty: Ty::Scalar(Scalar::Int64), flags: 0 },
            Field { num: 3, json: "supplementalGroups", ty: Ty::Scalar(Scalar::Int64), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 169
    Message {
        name: "k8s.io.api.core.v1.List",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Special(Special::RawExtension), flags: REPEATED },
        ],
    },
    // 170
    Message {
        name: "k8s.io.api.core.v1.LoadBalancerIngress",
        fields: &[
            Field { num: 1, json: "ip", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "hostname", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "ipMode", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "ports", ty: Ty::Msg(243), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 171
    Message {
        name: "k8s.io.api.core.v1.LoadBalancerStatus",
        fields: &[
            Field { num: 1, json: "ingress", ty: Ty::Msg(170), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 172
    Message {
        name: "k8s.io.api.core.v1.LocalObjectReference",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 173
    Message {
        name: "k8s.io.api.core.v1.LocalVolumeSource",
        fields: &[
            Field { num: 1, json: "path", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 174
    Message {
        name: "k8s.io.api.core.v1.ModifyVolumeStatus",
        fields: &[
            Field { num: 1, json: "targetVolumeAttributesClassName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 175
    Message {
        name: "k8s.io.api.core.v1.NFSVolumeSource",
        fields: &[
            Field { num: 1, json: "server", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "path", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 176
    Message {
        name: "k8s.io.api.core.v1.Namespace",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(179), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(180), flags: OMITEMPTY },
        ],
    },
    // 177
    Message {
        name: "k8s.io.api.core.v1.NamespaceCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 5, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 178
    Message {
        name: "k8s.io.api.core.v1.NamespaceList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(176), flags: REPEATED },
        ],
    },
    // 179
    Message {
        name: "k8s.io.api.core.v1.NamespaceSpec",
        fields: &[
            Field { num: 1, json: "finalizers", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 180
    Message {
        name: "k8s.io.api.core.v1.NamespaceStatus",
        fields: &[
            Field { num: 1, json: "phase", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "conditions", ty: Ty::Msg(177), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 181
    Message {
        name: "k8s.io.api.core.v1.Node",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(196), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(197), flags: OMITEMPTY },
        ],
    },
    // 182
    Message {
        name: "k8s.io.api.core.v1.NodeAddress",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "address", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 183
    Message {
        name: "k8s.io.api.core.v1.NodeAffinity",
        fields: &[
            Field { num: 1, json: "requiredDuringSchedulingIgnoredDuringExecution", ty: Ty::Msg(193), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "preferredDuringSchedulingIgnoredDuringExecution", ty: Ty::Msg(245), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 184
    Message {
        name: "k8s.io.api.core.v1.NodeCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "lastHeartbeatTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 4, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 5, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 185
    Message {
        name: "k8s.io.api.core.v1.NodeConfigSource",
        fields: &[
            Field { num: 2, json: "configMap", ty: Ty::Msg(106), flags: POINTER | OMITEMPTY },
        ],
    },
    // 186
    Message {
        name: "k8s.io.api.core.v1.NodeConfigStatus",
        fields: &[
            Field { num: 1, json: "assigned", ty: Ty::Msg(185), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "active", ty: Ty::Msg(185), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "lastKnownGood", ty: Ty::Msg(185), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "error", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 187
    Message {
        name: "k8s.io.api.core.v1.NodeDaemonEndpoints",
        fields: &[
            Field { num: 1, json: "kubeletEndpoint", ty: Ty::Msg(122), flags: OMITEMPTY },
        ],
    },
    // 188
    Message {
        name: "k8s.io.api.core.v1.NodeFeatures",
        fields: &[
            Field { num: 1, json: "supplementalGroupsPolicy", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 189
    Message {
        name: "k8s.io.api.core.v1.NodeList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(181), flags: REPEATED },
        ],
    },
    // 190
    Message {
        name: "k8s.io.api.core.v1.NodeProxyOptions",
        fields: &[
            Field { num: 1, json: "path", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 191
    Message {
        name: "k8s.io.api.core.v1.NodeRuntimeHandler",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "features", ty: Ty::Msg(192), flags: POINTER | OMITEMPTY },
        ],
    },
    // 192
    Message {
        name: "k8s.io.api.core.v1.NodeRuntimeHandlerFeatures",
        fields: &[
            Field { num: 1, json: "recursiveReadOnlyMounts", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "userNamespaces", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 193
    Message {
        name: "k8s.io.api.core.v1.NodeSelector",
        fields: &[
            Field { num: 1, json: "nodeSelectorTerms", ty: Ty::Msg(195), flags: REPEATED },
        ],
    },
    // 194
    Message {
        name: "k8s.io.api.core.v1.NodeSelectorRequirement",
        fields: &[
            Field { num: 1, json: "key", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "operator", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "values", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 195
    Message {
        name: "k8s.io.api.core.v1.NodeSelectorTerm",
        fields: &[
            Field { num: 1, json: "matchExpressions", ty: Ty::Msg(194), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "matchFields", ty: Ty::Msg(194), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 196
    Message {
        name: "k8s.io.api.core.v1.NodeSpec",
        fields: &[
            Field { num: 1, json: "podCIDR", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "podCIDRs", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "providerID", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "unschedulable", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 5, json: "taints", ty: Ty::Msg(297), flags: REPEATED | OMITEMPTY },
            Field { num: 6, json: "configSource", ty: Ty::Msg(185), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "externalID", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 197
    Message {
        name: "k8s.io.api.core.v1.NodeStatus",
        fields: &[
            Field { num: 1, json: "capacity", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 2, json: "allocatable", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 3, json: "phase", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "conditions", ty: Ty::Msg(184), flags: REPEATED | OMITEMPTY },
            Field { num: 5, json: "addresses", ty: Ty::Msg(182), flags: REPEATED | OMITEMPTY },
            Field { num: 6, json: "daemonEndpoints", ty: Ty::Msg(187), flags: OMITEMPTY },
            Field { num: 7, json: "nodeInfo", ty: Ty::Msg(199), flags: OMITEMPTY },
            Field { num: 8, json: "images", ty: Ty::Msg(111), flags: REPEATED | OMITEMPTY },
            Field { num: 9, json: "volumesInUse", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 10, json: "volumesAttached", ty: Ty::Msg(85), flags: REPEATED | OMITEMPTY },
            Field { num: 11, json: "config", ty: Ty::Msg(186), flags: POINTER | OMITEMPTY },
            Field { num: 12, json: "runtimeHandlers", ty: Ty::Msg(191), flags: REPEATED | OMITEMPTY },
            Field { num: 13, json: "features", ty: Ty::Msg(188), flags: POINTER | OMITEMPTY },
        ],
    },
    // 198
    Message {
        name: "k8s.io.api.core.v1.NodeSwapStatus",
        fields: &[
            Field { num: 1, json: "capacity", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
        ],
    },
    // 199
    Message {
        name: "k8s.io.api.core.v1.NodeSystemInfo",
        fields: &[
            Field { num: 1, json: "machineID", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "systemUUID", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "bootID", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "kernelVersion", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 5, json: "osImage", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 6, json: "containerRuntimeVersion", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 7, json: "kubeletVersion", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 8, json: "kubeProxyVersion", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 9, json: "operatingSystem", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 10, json: "architecture", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 11, json: "swap", ty: Ty::Msg(198), flags: POINTER | OMITEMPTY },
        ],
    },
    // 200
    Message {
        name: "k8s.io.api.core.v1.ObjectFieldSelector",
        fields: &[
            Field { num: 1, json: "apiVersion", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "fieldPath", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 201
    Message {
        name: "k8s.io.api.core.v1.ObjectReference",
        fields: &[
            Field { num: 1, json: "kind", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "namespace", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "name", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "uid", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "apiVersion", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "resourceVersion", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "fieldPath", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 202
    Message {
        name: "k8s.io.api.core.v1.PersistentVolume",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(212), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(213), flags: OMITEMPTY },
        ],
    },
    // 203
    Message {
        name: "k8s.io.api.core.v1.PersistentVolumeClaim",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(206), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(207), flags: OMITEMPTY },
        ],
    },
    // 204
    Message {
        name: "k8s.io.api.core.v1.PersistentVolumeClaimCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "lastProbeTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 4, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 5, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 205
    Message {
        name: "k8s.io.api.core.v1.PersistentVolumeClaimList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(203), flags: REPEATED },
        ],
    },
    // 206
    Message {
        name: "k8s.io.api.core.v1.PersistentVolumeClaimSpec",
        fields: &[
            Field { num: 1, json: "accessModes", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "selector", ty: Ty::Msg(411), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "resources", ty: Ty::Msg(310), flags: OMITEMPTY },
            Field { num: 3, json: "volumeName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "storageClassName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "volumeMode", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "dataSource", ty: Ty::Msg(302), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "dataSourceRef", ty: Ty::Msg(303), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "volumeAttributesClassName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 207
    Message {
        name: "k8s.io.api.core.v1.PersistentVolumeClaimStatus",
        fields: &[
            Field { num: 1, json: "phase", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "accessModes", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "capacity", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 4, json: "conditions", ty: Ty::Msg(204), flags: REPEATED | OMITEMPTY },
            Field { num: 5, json: "allocatedResources", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 7, json: "allocatedResourceStatuses", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 8, json: "currentVolumeAttributesClassName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "modifyVolumeStatus", ty: Ty::Msg(174), flags: POINTER | OMITEMPTY },
        ],
    },
    // 208
    Message {
        name: "k8s.io.api.core.v1.PersistentVolumeClaimTemplate",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(206), flags: 0 },
        ],
    },
    // 209
    Message {
        name: "k8s.io.api.core.v1.PersistentVolumeClaimVolumeSource",
        fields: &[
            Field { num: 1, json: "claimName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 210
    Message {
        name: "k8s.io.api.core.v1.PersistentVolumeList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(202), flags: REPEATED },
        ],
    },
    // 211
    Message {
        name: "k8s.io.api.core.v1.PersistentVolumeSource",
        fields: &[
            Field { num: 1, json: "gcePersistentDisk", ty: Ty::Msg(148), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "awsElasticBlockStore", ty: Ty::Msg(82), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "hostPath", ty: Ty::Msg(157), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "glusterfs", ty: Ty::Msg(151), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "nfs", ty: Ty::Msg(175), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "rbd", ty: Ty::Msg(250), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "iscsi", ty: Ty::Msg(158), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "cinder", ty: Ty::Msg(95), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "cephfs", ty: Ty::Msg(93), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "fc", ty: Ty::Msg(143), flags: POINTER | OMITEMPTY },
            Field { num: 11, json: "flocker", ty: Ty::Msg(147), flags: POINTER | OMITEMPTY },
            Field { num: 12, json: "flexVolume", ty: Ty::Msg(145), flags: POINTER | OMITEMPTY },
            Field { num: 13, json: "azureFile", ty: Ty::Msg(87), flags: POINTER | OMITEMPTY },
            Field { num: 14, json: "vsphereVolume", ty: Ty::Msg(312), flags: POINTER | OMITEMPTY },
            Field { num: 15, json: "quobyte", ty: Ty::Msg(249), flags: POINTER | OMITEMPTY },
            Field { num: 16, json: "azureDisk", ty: Ty::Msg(86), flags: POINTER | OMITEMPTY },
            Field { num: 17, json: "photonPersistentDisk", ty: Ty::Msg(214), flags: POINTER | OMITEMPTY },
            Field { num: 18, json: "portworxVolume", ty: Ty::Msg(244), flags: POINTER | OMITEMPTY },
            Field { num: 19, json: "scaleIO", ty: Ty::Msg(268), flags: POINTER | OMITEMPTY },
            Field { num: 20, json: "local", ty: Ty::Msg(173), flags: POINTER | OMITEMPTY },
            Field { num: 21, json: "storageos", ty: Ty::Msg(293), flags: POINTER | OMITEMPTY },
            Field { num: 22, json: "csi", ty: Ty::Msg(90), flags: POINTER | OMITEMPTY },
        ],
    },
    // 212
    Message {
        name: "k8s.io.api.core.v1.PersistentVolumeSpec",
        fields: &[
            Field { num: 1, json: "capacity", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 2, json: "", ty: Ty::Msg(211), flags: INLINE },
            Field { num: 3, json: "accessModes", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "claimRef", ty: Ty::Msg(201), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "persistentVolumeReclaimPolicy", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "storageClassName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "mountOptions", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 8, json: "volumeMode", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "nodeAffinity", ty: Ty::Msg(308), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "volumeAttributesClassName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 213
    Message {
        name: "k8s.io.api.core.v1.PersistentVolumeStatus",
        fields: &[
            Field { num: 1, json: "phase", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "lastPhaseTransitionTime", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
        ],
    },
    // 214
    Message {
        name: "k8s.io.api.core.v1.PhotonPersistentDiskVolumeSource",
        fields: &[
            Field { num: 1, json: "pdID", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 215
    Message {
        name: "k8s.io.api.core.v1.Pod",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(237), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(238), flags: OMITEMPTY },
        ],
    },
    // 216
    Message {
        name: "k8s.io.api.core.v1.PodAffinity",
        fields: &[
            Field { num: 1, json: "requiredDuringSchedulingIgnoredDuringExecution", ty: Ty::Msg(217), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "preferredDuringSchedulingIgnoredDuringExecution", ty: Ty::Msg(313), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 217
    Message {
        name: "k8s.io.api.core.v1.PodAffinityTerm",
        fields: &[
            Field { num: 1, json: "labelSelector", ty: Ty::Msg(411), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "namespaces", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "topologyKey", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "namespaceSelector", ty: Ty::Msg(411), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "matchLabelKeys", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 6, json: "mismatchLabelKeys", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 218
    Message {
        name: "k8s.io.api.core.v1.PodAntiAffinity",
        fields: &[
            Field { num: 1, json: "requiredDuringSchedulingIgnoredDuringExecution", ty: Ty::Msg(217), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "preferredDuringSchedulingIgnoredDuringExecution", ty: Ty::Msg(313), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 219
    Message {
        name: "k8s.io.api.core.v1.PodAttachOptions",
        fields: &[
            Field { num: 1, json: "stdin", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 2, json: "stdout", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 3, json: "stderr", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "tty", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 5, json: "container", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 220
    Message {
        name: "k8s.io.api.core.v1.PodCertificateProjection",
        fields: &[
            Field { num: 1, json: "signerName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "keyType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "maxExpirationSeconds", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "credentialBundlePath", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "keyPath", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "certificateChainPath", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 221
    Message {
        name: "k8s.io.api.core.v1.PodCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 7, json: "observedGeneration", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "lastProbeTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 4, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 5, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 222
    Message {
        name: "k8s.io.api.core.v1.PodDNSConfig",
        fields: &[
            Field { num: 1, json: "nameservers", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "searches", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "options", ty: Ty::Msg(223), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 223
    Message {
        name: "k8s.io.api.core.v1.PodDNSConfigOption",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "value", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 224
    Message {
        name: "k8s.io.api.core.v1.PodExecOptions",
        fields: &[
            Field { num: 1, json: "stdin", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 2, json: "stdout", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 3, json: "stderr", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "tty", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 5, json: "container", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "command", ty: Ty::Scalar(Scalar::String), flags: REPEATED },
        ],
    },
    // 225
    Message {
        name: "k8s.io.api.core.v1.PodExtendedResourceClaimStatus",
        fields: &[
            Field { num: 1, json: "requestMappings", ty: Ty::Msg(110), flags: REPEATED },
            Field { num: 2, json: "resourceClaimName", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 226
    Message {
        name: "k8s.io.api.core.v1.PodIP",
        fields: &[
            Field { num: 1, json: "ip", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 227
    Message {
        name: "k8s.io.api.core.v1.PodList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(215), flags: REPEATED },
        ],
    },
    // 228
    Message {
        name: "k8s.io.api.core.v1.PodLogOptions",
        fields: &[
            Field { num: 1, json: "container", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "follow", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 3, json: "previous", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "sinceSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "sinceTime", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "timestamps", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 7, json: "tailLines", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "limitBytes", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "insecureSkipTLSVerifyBackend", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 10, json: "stream", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 229
    Message {
        name: "k8s.io.api.core.v1.PodOS",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 230
    Message {
        name: "k8s.io.api.core.v1.PodPortForwardOptions",
        fields: &[
            Field { num: 1, json: "ports", ty: Ty::Scalar(Scalar::Int32), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 231
    Message {
        name: "k8s.io.api.core.v1.PodProxyOptions",
        fields: &[
            Field { num: 1, json: "path", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 232
    Message {
        name: "k8s.io.api.core.v1.PodReadinessGate",
        fields: &[
            Field { num: 1, json: "conditionType", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 233
    Message {
        name: "k8s.io.api.core.v1.PodResourceClaim",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "resourceClaimName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "resourceClaimTemplateName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 234
    Message {
        name: "k8s.io.api.core.v1.PodResourceClaimStatus",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "resourceClaimName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 235
    Message {
        name: "k8s.io.api.core.v1.PodSchedulingGate",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 236
    Message {
        name: "k8s.io.api.core.v1.PodSecurityContext",
        fields: &[
            Field { num: 1, json: "seLinuxOptions", ty: Ty::Msg(267), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "windowsOptions", ty: Ty::Msg(314), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "runAsUser", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "runAsGroup", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "runAsNonRoot", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "supplementalGroups", ty: Ty::Scalar(Scalar::Int64), flags: REPEATED | OMITEMPTY },
            Field { num: 12, json: "supplementalGroupsPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "fsGroup", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "sysctls", ty: Ty::Msg(295), flags: REPEATED | OMITEMPTY },
            Field { num: 9, json: "fsGroupChangePolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "seccompProfile", ty: Ty::Msg(272), flags: POINTER | OMITEMPTY },
            Field { num: 11, json: "appArmorProfile", ty: Ty::Msg(84), flags: POINTER | OMITEMPTY },
            Field { num: 13, json: "seLinuxChangePolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 237
    Message {
        name: "k8s.io.api.core.v1.PodSpec",
        fields: &[
            Field { num: 1, json: "volumes", ty: Ty::Msg(304), flags: REPEATED | OMITEMPTY },
            Field { num: 20, json: "initContainers", ty: Ty::Msg(109), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "containers", ty: Ty::Msg(109), flags: REPEATED },
            Field { num: 34, json: "ephemeralContainers", ty: Ty::Msg(135), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "restartPolicy", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "terminationGracePeriodSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "activeDeadlineSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "dnsPolicy", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "nodeSelector", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 8, json: "serviceAccountName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 9, json: "serviceAccount", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 21, json: "automountServiceAccountToken", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "nodeName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 11, json: "hostNetwork", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 12, json: "hostPID", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 13, json: "hostIPC", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 27, json: "shareProcessNamespace", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 14, json: "securityContext", ty: Ty::Msg(236), flags: POINTER | OMITEMPTY },
            Field { num: 15, json: "imagePullSecrets", ty: Ty::Msg(172), flags: REPEATED | OMITEMPTY },
            Field { num: 16, json: "hostname", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 17, json: "subdomain", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 18, json: "affinity", ty: Ty::Msg(83), flags: POINTER | OMITEMPTY },
            Field { num: 19, json: "schedulerName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 22, json: "tolerations", ty: Ty::Msg(298), flags: REPEATED | OMITEMPTY },
            Field { num: 23, json: "hostAliases", ty: Ty::Msg(155), flags: REPEATED | OMITEMPTY },
            Field { num: 24, json: "priorityClassName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 25, json: "priority", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 26, json: "dnsConfig", ty: Ty::Msg(222), flags: POINTER | OMITEMPTY },
            Field { num: 28, json: "readinessGates", ty: Ty::Msg(232), flags: REPEATED | OMITEMPTY },
            Field { num: 29, json: "runtimeClassName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 30, json: "enableServiceLinks", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 31, json: "preemptionPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 32, json: "overhead", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 33, json: "topologySpreadConstraints", ty: Ty::Msg(301), flags: REPEATED | OMITEMPTY },
            Field { num: 35, json: "setHostnameAsFQDN", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 36, json: "os", ty: Ty::Msg(229), flags: POINTER | OMITEMPTY },
            Field { num: 37, json: "hostUsers", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 38, json: "schedulingGates", ty: Ty::Msg(235), flags: REPEATED | OMITEMPTY },
            Field { num: 39, json: "resourceClaims", ty: Ty::Msg(233), flags: REPEATED | OMITEMPTY },
            Field { num: 40, json: "resources", ty: Ty::Msg(265), flags: POINTER | OMITEMPTY },
            Field { num: 41, json: "hostnameOverride", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 238
    Message {
        name: "k8s.io.api.core.v1.PodStatus",
        fields: &[
            Field { num: 17, json: "observedGeneration", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
            Field { num: 1, json: "phase", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "conditions", ty: Ty::Msg(221), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 11, json: "nominatedNodeName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "hostIP", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 16, json: "hostIPs", ty: Ty::Msg(156), flags: REPEATED | OMITEMPTY },
            Field { num: 6, json: "podIP", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 12, json: "podIPs", ty: Ty::Msg(226), flags: REPEATED | OMITEMPTY },
            Field { num: 7, json: "startTime", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "initContainerStatuses", ty: Ty::Msg(120), flags: REPEATED | OMITEMPTY },
            Field { num: 8, json: "containerStatuses", ty: Ty::Msg(120), flags: REPEATED | OMITEMPTY },
            Field { num: 9, json: "qosClass", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 13, json: "ephemeralContainerStatuses", ty: Ty::Msg(120), flags: REPEATED | OMITEMPTY },
            Field { num: 14, json: "resize", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 15, json: "resourceClaimStatuses", ty: Ty::Msg(234), flags: REPEATED | OMITEMPTY },
            Field { num: 18, json: "extendedResourceClaimStatus", ty: Ty::Msg(225), flags: POINTER | OMITEMPTY },
        ],
    },
    // 239
    Message {
        name: "k8s.io.api.core.v1.PodStatusResult",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "status", ty: Ty::Msg(238), flags: OMITEMPTY },
        ],
    },
    // 240
    Message {
        name: "k8s.io.api.core.v1.PodTemplate",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "template", ty: Ty::Msg(242), flags: OMITEMPTY },
        ],
    },
    // 241
    Message {
        name: "k8s.io.api.core.v1.PodTemplateList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(240), flags: REPEATED },
        ],
    },
    // 242
    Message {
        name: "k8s.io.api.core.v1.PodTemplateSpec",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(237), flags: OMITEMPTY },
        ],
    },
    // 243
    Message {
        name: "k8s.io.api.core.v1.PortStatus",
        fields: &[
            Field { num: 1, json: "port", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "protocol", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "error", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 244
    Message {
        name: "k8s.io.api.core.v1.PortworxVolumeSource",
        fields: &[
            Field { num: 1, json: "volumeID", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 245
    Message {
        name: "k8s.io.api.core.v1.PreferredSchedulingTerm",
        fields: &[
            Field { num: 1, json: "weight", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "preference", ty: Ty::Msg(195), flags: 0 },
        ],
    },
    // 246
    Message {
        name: "k8s.io.api.core.v1.Probe",
        fields: &[
            Field { num: 1, json: "", ty: Ty::Msg(247), flags: INLINE },
            Field { num: 2, json: "initialDelaySeconds", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 3, json: "timeoutSeconds", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 4, json: "periodSeconds", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 5, json: "successThreshold", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 6, json: "failureThreshold", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 7, json: "terminationGracePeriodSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
        ],
    },
    // 247
    Message {
        name: "k8s.io.api.core.v1.ProbeHandler",
        fields: &[
            Field { num: 1, json: "exec", ty: Ty::Msg(142), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "httpGet", ty: Ty::Msg(153), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "tcpSocket", ty: Ty::Msg(296), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "grpc", ty: Ty::Msg(149), flags: POINTER | OMITEMPTY },
        ],
    },
    // 248
    Message {
        name: "k8s.io.api.core.v1.ProjectedVolumeSource",
        fields: &[
            Field { num: 1, json: "sources", ty: Ty::Msg(309), flags: REPEATED },
            Field { num: 2, json: "defaultMode", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 249
    Message {
        name: "k8s.io.api.core.v1.QuobyteVolumeSource",
        fields: &[
            Field { num: 1, json: "registry", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "volume", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "user", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "group", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "tenant", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 250
    Message {
        name: "k8s.io.api.core.v1.RBDPersistentVolumeSource",
        fields: &[
            Field { num: 1, json: "monitors", ty: Ty::Scalar(Scalar::String), flags: REPEATED },
            Field { num: 2, json: "image", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "pool", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "user", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "keyring", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "secretRef", ty: Ty::Msg(278), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 251
    Message {
        name: "k8s.io.api.core.v1.RBDVolumeSource",
        fields: &[
            Field { num: 1, json: "monitors", ty: Ty::Scalar(Scalar::String), flags: REPEATED },
            Field { num: 2, json: "image", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "pool", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "user", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "keyring", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "secretRef", ty: Ty::Msg(172), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 252
    Message {
        name: "k8s.io.api.core.v1.RangeAllocation",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "range", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "data", ty: Ty::Scalar(Scalar::Bytes), flags: 0 },
        ],
    },
    // 253
    Message {
        name: "k8s.io.api.core.v1.ReplicationController",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(256), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(257), flags: OMITEMPTY },
        ],
    },
    // 254
    Message {
        name: "k8s.io.api.core.v1.ReplicationControllerCondition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 4, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 255
    Message {
        name: "k8s.io.api.core.v1.ReplicationControllerList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(253), flags: REPEATED },
        ],
    },
    // 256
    Message {
        name: "k8s.io.api.core.v1.ReplicationControllerSpec",
        fields: &[
            Field { num: 1, json: "replicas", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "minReadySeconds", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 2, json: "selector", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 3, json: "template", ty: Ty::Msg(242), flags: POINTER | OMITEMPTY },
        ],
    },
    // 257
    Message {
        name: "k8s.io.api.core.v1.ReplicationControllerStatus",
        fields: &[
            Field { num: 1, json: "replicas", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "fullyLabeledReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 4, json: "readyReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 5, json: "availableReplicas", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 3, json: "observedGeneration", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
            Field { num: 6, json: "conditions", ty: Ty::Msg(254), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 258
    Message {
        name: "k8s.io.api.core.v1.ResourceClaim",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "request", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 259
    Message {
        name: "k8s.io.api.core.v1.ResourceFieldSelector",
        fields: &[
            Field { num: 1, json: "containerName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "resource", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "divisor", ty: Ty::Special(Special::Quantity), flags: OMITEMPTY },
        ],
    },
    // 260
    Message {
        name: "k8s.io.api.core.v1.ResourceHealth",
        fields: &[
            Field { num: 1, json: "resourceID", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "health", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 261
    Message {
        name: "k8s.io.api.core.v1.ResourceQuota",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(263), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(264), flags: OMITEMPTY },
        ],
    },
    // 262
    Message {
        name: "k8s.io.api.core.v1.ResourceQuotaList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(261), flags: REPEATED },
        ],
    },
    // 263
    Message {
        name: "k8s.io.api.core.v1.ResourceQuotaSpec",
        fields: &[
            Field { num: 1, json: "hard", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 2, json: "scopes", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "scopeSelector", ty: Ty::Msg(270), flags: POINTER | OMITEMPTY },
        ],
    },
    // 264
    Message {
        name: "k8s.io.api.core.v1.ResourceQuotaStatus",
        fields: &[
            Field { num: 1, json: "hard", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 2, json: "used", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
        ],
    },
    // 265
    Message {
        name: "k8s.io.api.core.v1.ResourceRequirements",
        fields: &[
            Field { num: 1, json: "limits", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 2, json: "requests", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 3, json: "claims", ty: Ty::Msg(258), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 266
    Message {
        name: "k8s.io.api.core.v1.ResourceStatus",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "resources", ty: Ty::Msg(260), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 267
    Message {
        name: "k8s.io.api.core.v1.SELinuxOptions",
        fields: &[
            Field { num: 1, json: "user", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "role", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "type", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "level", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 268
    Message {
        name: "k8s.io.api.core.v1.ScaleIOPersistentVolumeSource",
        fields: &[
            Field { num: 1, json: "gateway", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "system", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "secretRef", ty: Ty::Msg(278), flags: POINTER },
            Field { num: 4, json: "sslEnabled", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 5, json: "protectionDomain", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "storagePool", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "storageMode", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 8, json: "volumeName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 9, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 10, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 269
    Message {
        name: "k8s.io.api.core.v1.ScaleIOVolumeSource",
        fields: &[
            Field { num: 1, json: "gateway", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "system", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "secretRef", ty: Ty::Msg(172), flags: POINTER },
            Field { num: 4, json: "sslEnabled", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 5, json: "protectionDomain", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "storagePool", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "storageMode", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 8, json: "volumeName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 9, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 10, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
        ],
    },
    // 270
    Message {
        name: "k8s.io.api.core.v1.ScopeSelector",
        fields: &[
            Field { num: 1, json: "matchExpressions", ty: Ty::Msg(271), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 271
    Message {
        name: "k8s.io.api.core.v1.ScopedResourceSelectorRequirement",
        fields: &[
            Field { num: 1, json: "scopeName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "operator", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "values", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 272
    Message {
        name: "k8s.io.api.core.v1.SeccompProfile",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "localhostProfile", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 273
    Message {
        name: "k8s.io.api.core.v1.Secret",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 5, json: "immutable", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "data", ty: Ty::Map(&Ty::Scalar(Scalar::Bytes)), flags: OMITEMPTY },
            Field { num: 4, json: "stringData", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 3, json: "type", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 274
    Message {
        name: "k8s.io.api.core.v1.SecretEnvSource",
        fields: &[
            Field { num: 1, json: "", ty: Ty::Msg(172), flags: INLINE },
            Field { num: 2, json: "optional", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 275
    Message {
        name: "k8s.io.api.core.v1.SecretKeySelector",
        fields: &[
            Field { num: 1, json: "", ty: Ty::Msg(172), flags: INLINE },
            Field { num: 2, json: "key", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "optional", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 276
    Message {
        name: "k8s.io.api.core.v1.SecretList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(273), flags: REPEATED },
        ],
    },
    // 277
    Message {
        name: "k8s.io.api.core.v1.SecretProjection",
        fields: &[
            Field { num: 1, json: "", ty: Ty::Msg(172), flags: INLINE },
            Field { num: 2, json: "items", ty: Ty::Msg(161), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "optional", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 278
    Message {
        name: "k8s.io.api.core.v1.SecretReference",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "namespace", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 279
    Message {
        name: "k8s.io.api.core.v1.SecretVolumeSource",
        fields: &[
            Field { num: 1, json: "secretName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(161), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "defaultMode", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "optional", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 280
    Message {
        name: "k8s.io.api.core.v1.SecurityContext",
        fields: &[
            Field { num: 1, json: "capabilities", ty: Ty::Msg(92), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "privileged", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "seLinuxOptions", ty: Ty::Msg(267), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "windowsOptions", ty: Ty::Msg(314), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "runAsUser", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "runAsGroup", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "runAsNonRoot", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "readOnlyRootFilesystem", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "allowPrivilegeEscalation", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "procMount", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 11, json: "seccompProfile", ty: Ty::Msg(272), flags: POINTER | OMITEMPTY },
            Field { num: 12, json: "appArmorProfile", ty: Ty::Msg(84), flags: POINTER | OMITEMPTY },
        ],
    },
    // 281
    Message {
        name: "k8s.io.api.core.v1.SerializedReference",
        fields: &[
            Field { num: 1, json: "reference", ty: Ty::Msg(201), flags: OMITEMPTY },
        ],
    },
    // 282
    Message {
        name: "k8s.io.api.core.v1.Service",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(289), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(290), flags: OMITEMPTY },
        ],
    },
    // 283
    Message {
        name: "k8s.io.api.core.v1.ServiceAccount",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "secrets", ty: Ty::Msg(201), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "imagePullSecrets", ty: Ty::Msg(172), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "automountServiceAccountToken", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 284
    Message {
        name: "k8s.io.api.core.v1.ServiceAccountList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(283), flags: REPEATED },
        ],
    },
    // 285
    Message {
        name: "k8s.io.api.core.v1.ServiceAccountTokenProjection",
        fields: &[
            Field { num: 1, json: "audience", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "expirationSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "path", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 286
    Message {
        name: "k8s.io.api.core.v1.ServiceList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(282), flags: REPEATED },
        ],
    },
    // 287
    Message {
        name: "k8s.io.api.core.v1.ServicePort",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "protocol", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "appProtocol", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "port", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 4, json: "targetPort", ty: Ty::Special(Special::IntOrString), flags: OMITEMPTY },
            Field { num: 5, json: "nodePort", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
        ],
    },
    // 288
    Message {
        name: "k8s.io.api.core.v1.ServiceProxyOptions",
        fields: &[
            Field { num: 1, json: "path", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 289
    Message {
        name: "k8s.io.api.core.v1.ServiceSpec",
        fields: &[
            Field { num: 1, json: "ports", ty: Ty::Msg(287), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "selector", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 3, json: "clusterIP", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 18, json: "clusterIPs", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "type", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "externalIPs", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 7, json: "sessionAffinity", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 8, json: "loadBalancerIP", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 9, json: "loadBalancerSourceRanges", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 10, json: "externalName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 11, json: "externalTrafficPolicy", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 12, json: "healthCheckNodePort", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
            Field { num: 13, json: "publishNotReadyAddresses", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 14, json: "sessionAffinityConfig", ty: Ty::Msg(291), flags: POINTER | OMITEMPTY },
            Field { num: 19, json: "ipFamilies", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 17, json: "ipFamilyPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 20, json: "allocateLoadBalancerNodePorts", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 21, json: "loadBalancerClass", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 22, json: "internalTrafficPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 23, json: "trafficDistribution", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 290
    Message {
        name: "k8s.io.api.core.v1.ServiceStatus",
        fields: &[
            Field { num: 1, json: "loadBalancer", ty: Ty::Msg(171), flags: OMITEMPTY },
            Field { num: 2, json: "conditions", ty: Ty::Msg(406), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 291
    Message {
        name: "k8s.io.api.core.v1.SessionAffinityConfig",
        fields: &[
            Field { num: 1, json: "clientIP", ty: Ty::Msg(97), flags: POINTER | OMITEMPTY },
        ],
    },
    // 292
    Message {
        name: "k8s.io.api.core.v1.SleepAction",
        fields: &[
            Field { num: 1, json: "seconds", ty: Ty::Scalar(Scalar::Int64), flags: 0 },
        ],
    },
    // 293
    Message {
        name: "k8s.io.api.core.v1.StorageOSPersistentVolumeSource",
        fields: &[
            Field { num: 1, json: "volumeName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "volumeNamespace", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 5, json: "secretRef", ty: Ty::Msg(201), flags: POINTER | OMITEMPTY },
        ],
    },
    // 294
    Message {
        name: "k8s.io.api.core.v1.StorageOSVolumeSource",
        fields: &[
            Field { num: 1, json: "volumeName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "volumeNamespace", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 5, json: "secretRef", ty: Ty::Msg(172), flags: POINTER | OMITEMPTY },
        ],
    },
    // 295
    Message {
        name: "k8s.io.api.core.v1.Sysctl",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "value", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 296
    Message {
        name: "k8s.io.api.core.v1.TCPSocketAction",
        fields: &[
            Field { num: 1, json: "port", ty: Ty::Special(Special::IntOrString), flags: 0 },
            Field { num: 2, json: "host", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 297
    Message {
        name: "k8s.io.api.core.v1.Taint",
        fields: &[
            Field { num: 1, json: "key", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "value", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "effect", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "timeAdded", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
        ],
    },
    // 298
    Message {
        name: "k8s.io.api.core.v1.Toleration",
        fields: &[
            Field { num: 1, json: "key", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "operator", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "value", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "effect", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "tolerationSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
        ],
    },
    // 299
    Message {
        name: "k8s.io.api.core.v1.TopologySelectorLabelRequirement",
        fields: &[
            Field { num: 1, json: "key", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "values", ty: Ty::Scalar(Scalar::String), flags: REPEATED },
        ],
    },
    // 300
    Message {
        name: "k8s.io.api.core.v1.TopologySelectorTerm",
        fields: &[
            Field { num: 1, json: "matchLabelExpressions", ty: Ty::Msg(299), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 301
    Message {
        name: "k8s.io.api.core.v1.TopologySpreadConstraint",
        fields: &[
            Field { num: 1, json: "maxSkew", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "topologyKey", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "whenUnsatisfiable", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "labelSelector", ty: Ty::Msg(411), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "minDomains", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "nodeAffinityPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "nodeTaintsPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "matchLabelKeys", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 302
    Message {
        name: "k8s.io.api.core.v1.TypedLocalObjectReference",
        fields: &[
            Field { num: 1, json: "apiGroup", ty: Ty::Scalar(Scalar::String), flags: POINTER },
            Field { num: 2, json: "kind", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 303
    Message {
        name: "k8s.io.api.core.v1.TypedObjectReference",
        fields: &[
            Field { num: 1, json: "apiGroup", ty: Ty::Scalar(Scalar::String), flags: POINTER },
            Field { num: 2, json: "kind", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "namespace", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 304
    Message {
        name: "k8s.io.api.core.v1.Volume",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "", ty: Ty::Msg(311), flags: INLINE },
        ],
    },
    // 305
    Message {
        name: "k8s.io.api.core.v1.VolumeDevice",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "devicePath", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 306
    Message {
        name: "k8s.io.api.core.v1.VolumeMount",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 7, json: "recursiveReadOnly", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "mountPath", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "subPath", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "mountPropagation", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "subPathExpr", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 307
    Message {
        name: "k8s.io.api.core.v1.VolumeMountStatus",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "mountPath", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "readOnly", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "recursiveReadOnly", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 308
    Message {
        name: "k8s.io.api.core.v1.VolumeNodeAffinity",
        fields: &[
            Field { num: 1, json: "required", ty: Ty::Msg(193), flags: POINTER | OMITEMPTY },
        ],
    },
    // 309
    Message {
        name: "k8s.io.api.core.v1.VolumeProjection",
        fields: &[
            Field { num: 1, json: "secret", ty: Ty::Msg(277), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "downwardAPI", ty: Ty::Msg(123), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "configMap", ty: Ty::Msg(107), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "serviceAccountToken", ty: Ty::Msg(285), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "clusterTrustBundle", ty: Ty::Msg(98), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "podCertificate", ty: Ty::Msg(220), flags: POINTER | OMITEMPTY },
        ],
    },
    // 310
    Message {
        name: "k8s.io.api.core.v1.VolumeResourceRequirements",
        fields: &[
            Field { num: 1, json: "limits", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
            Field { num: 2, json: "requests", ty: Ty::Map(&Ty::Special(Special::Quantity)), flags: OMITEMPTY },
        ],
    },
    // 311
    Message {
        name: "k8s.io.api.core.v1.VolumeSource",
        fields: &[
            Field { num: 1, json: "hostPath", ty: Ty::Msg(157), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "emptyDir", ty: Ty::Msg(126), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "gcePersistentDisk", ty: Ty::Msg(148), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "awsElasticBlockStore", ty: Ty::Msg(82), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "gitRepo", ty: Ty::Msg(150), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "secret", ty: Ty::Msg(279), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "nfs", ty: Ty::Msg(175), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "iscsi", ty: Ty::Msg(159), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "glusterfs", ty: Ty::Msg(152), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "persistentVolumeClaim", ty: Ty::Msg(209), flags: POINTER | OMITEMPTY },
            Field { num: 11, json: "rbd", ty: Ty::Msg(251), flags: POINTER | OMITEMPTY },
            Field { num: 12, json: "flexVolume", ty: Ty::Msg(146), flags: POINTER | OMITEMPTY },
            Field { num: 13, json: "cinder", ty: Ty::Msg(96), flags: POINTER | OMITEMPTY },
            Field { num: 14, json: "cephfs", ty: Ty::Msg(94), flags: POINTER | OMITEMPTY },
            Field { num: 15, json: "flocker", ty: Ty::Msg(147), flags: POINTER | OMITEMPTY },
            Field { num: 16, json: "downwardAPI", ty: Ty::Msg(125), flags: POINTER | OMITEMPTY },
            Field { num: 17, json: "fc", ty: Ty::Msg(143), flags: POINTER | OMITEMPTY },
            Field { num: 18, json: "azureFile", ty: Ty::Msg(88), flags: POINTER | OMITEMPTY },
            Field { num: 19, json: "configMap", ty: Ty::Msg(108), flags: POINTER | OMITEMPTY },
            Field { num: 20, json: "vsphereVolume", ty: Ty::Msg(312), flags: POINTER | OMITEMPTY },
            Field { num: 21, json: "quobyte", ty: Ty::Msg(249), flags: POINTER | OMITEMPTY },
            Field { num: 22, json: "azureDisk", ty: Ty::Msg(86), flags: POINTER | OMITEMPTY },
            Field { num: 23, json: "photonPersistentDisk", ty: Ty::Msg(214), flags: POINTER | OMITEMPTY },
            Field { num: 26, json: "projected", ty: Ty::Msg(248), flags: POINTER | OMITEMPTY },
            Field { num: 24, json: "portworxVolume", ty: Ty::Msg(244), flags: POINTER | OMITEMPTY },
            Field { num: 25, json: "scaleIO", ty: Ty::Msg(269), flags: POINTER | OMITEMPTY },
            Field { num: 27, json: "storageos", ty: Ty::Msg(294), flags: POINTER | OMITEMPTY },
            Field { num: 28, json: "csi", ty: Ty::Msg(91), flags: POINTER | OMITEMPTY },
            Field { num: 29, json: "ephemeral", ty: Ty::Msg(137), flags: POINTER | OMITEMPTY },
            Field { num: 30, json: "image", ty: Ty::Msg(160), flags: POINTER | OMITEMPTY },
        ],
    },
    // 312
    Message {
        name: "k8s.io.api.core.v1.VsphereVirtualDiskVolumeSource",
        fields: &[
            Field { num: 1, json: "volumePath", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "fsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "storagePolicyName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "storagePolicyID", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 313
    Message {
        name: "k8s.io.api.core.v1.WeightedPodAffinityTerm",
        fields: &[
            Field { num: 1, json: "weight", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "podAffinityTerm", ty: Ty::Msg(217), flags: 0 },
        ],
    },
    // 314
    Message {
        name: "k8s.io.api.core.v1.WindowsSecurityContextOptions",
        fields: &[
            Field { num: 1, json: "gmsaCredentialSpecName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "gmsaCredentialSpec", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "runAsUserName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "hostProcess", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 315
    Message {
        name: "k8s.io.api.discovery.v1.Endpoint",
        fields: &[
            Field { num: 1, json: "addresses", ty: Ty::Scalar(Scalar::String), flags: REPEATED },
            Field { num: 2, json: "conditions", ty: Ty::Msg(316), flags: OMITEMPTY },
            Field { num: 3, json: "hostname", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "targetRef", ty: Ty::Msg(201), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "deprecatedTopology", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 6, json: "nodeName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "zone", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "hints", ty: Ty::Msg(317), flags: POINTER | OMITEMPTY },
        ],
    },
    // 316
    Message {
        name: "k8s.io.api.discovery.v1.EndpointConditions",
        fields: &[
            Field { num: 1, json: "ready", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "serving", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "terminating", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 317
    Message {
        name: "k8s.io.api.discovery.v1.EndpointHints",
        fields: &[
            Field { num: 1, json: "forZones", ty: Ty::Msg(322), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "forNodes", ty: Ty::Msg(321), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 318
    Message {
        name: "k8s.io.api.discovery.v1.EndpointPort",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "protocol", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "port", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "appProtocol", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 319
    Message {
        name: "k8s.io.api.discovery.v1.EndpointSlice",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 4, json: "addressType", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "endpoints", ty: Ty::Msg(315), flags: REPEATED },
            Field { num: 3, json: "ports", ty: Ty::Msg(318), flags: REPEATED },
        ],
    },
    // 320
    Message {
        name: "k8s.io.api.discovery.v1.EndpointSliceList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(319), flags: REPEATED },
        ],
    },
    // 321
    Message {
        name: "k8s.io.api.discovery.v1.ForNode",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 322
    Message {
        name: "k8s.io.api.discovery.v1.ForZone",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 323
    Message {
        name: "k8s.io.api.events.v1.Event",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: 0 },
            Field { num: 2, json: "eventTime", ty: Ty::Special(Special::MicroTime), flags: 0 },
            Field { num: 3, json: "series", ty: Ty::Msg(325), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "reportingController", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "reportingInstance", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "action", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 8, json: "regarding", ty: Ty::Msg(201), flags: OMITEMPTY },
            Field { num: 9, json: "related", ty: Ty::Msg(201), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "note", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 11, json: "type", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 12, json: "deprecatedSource", ty: Ty::Msg(141), flags: OMITEMPTY },
            Field { num: 13, json: "deprecatedFirstTimestamp", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 14, json: "deprecatedLastTimestamp", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 15, json: "deprecatedCount", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
        ],
    },
    // 324
    Message {
        name: "k8s.io.api.events.v1.EventList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(323), flags: REPEATED },
        ],
    },
    // 325
    Message {
        name: "k8s.io.api.events.v1.EventSeries",
        fields: &[
            Field { num: 1, json: "count", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "lastObservedTime", ty: Ty::Special(Special::MicroTime), flags: 0 },
        ],
    },
    // 326
    Message {
        name: "k8s.io.api.networking.v1.HTTPIngressPath",
        fields: &[
            Field { num: 1, json: "path", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "pathType", ty: Ty::Scalar(Scalar::String), flags: POINTER },
            Field { num: 2, json: "backend", ty: Ty::Msg(333), flags: 0 },
        ],
    },
    // 327
    Message {
        name: "k8s.io.api.networking.v1.HTTPIngressRuleValue",
        fields: &[
            Field { num: 1, json: "paths", ty: Ty::Msg(326), flags: REPEATED },
        ],
    },
    // 328
    Message {
        name: "k8s.io.api.networking.v1.IPAddress",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(330), flags: OMITEMPTY },
        ],
    },
    // 329
    Message {
        name: "k8s.io.api.networking.v1.IPAddressList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(328), flags: REPEATED },
        ],
    },
    // 330
    Message {
        name: "k8s.io.api.networking.v1.IPAddressSpec",
        fields: &[
            Field { num: 1, json: "parentRef", ty: Ty::Msg(355), flags: POINTER | OMITEMPTY },
        ],
    },
    // 331
    Message {
        name: "k8s.io.api.networking.v1.IPBlock",
        fields: &[
            Field { num: 1, json: "cidr", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "except", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 332
    Message {
        name: "k8s.io.api.networking.v1.Ingress",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(345), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(346), flags: OMITEMPTY },
        ],
    },
    // 333
    Message {
        name: "k8s.io.api.networking.v1.IngressBackend",
        fields: &[
            Field { num: 4, json: "service", ty: Ty::Msg(344), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "resource", ty: Ty::Msg(302), flags: POINTER | OMITEMPTY },
        ],
    },
    // 334
    Message {
        name: "k8s.io.api.networking.v1.IngressClass",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(337), flags: OMITEMPTY },
        ],
    },
    // 335
    Message {
        name: "k8s.io.api.networking.v1.IngressClassList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(334), flags: REPEATED },
        ],
    },
    // 336
    Message {
        name: "k8s.io.api.networking.v1.IngressClassParametersReference",
        fields: &[
            Field { num: 1, json: "apiGroup", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "kind", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "scope", ty: Ty::Scalar(Scalar::String), flags: POINTER },
            Field { num: 5, json: "namespace", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 337
    Message {
        name: "k8s.io.api.networking.v1.IngressClassSpec",
        fields: &[
            Field { num: 1, json: "controller", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "parameters", ty: Ty::Msg(336), flags: POINTER | OMITEMPTY },
        ],
    },
    // 338
    Message {
        name: "k8s.io.api.networking.v1.IngressList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(332), flags: REPEATED },
        ],
    },
    // 339
    Message {
        name: "k8s.io.api.networking.v1.IngressLoadBalancerIngress",
        fields: &[
            Field { num: 1, json: "ip", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "hostname", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "ports", ty: Ty::Msg(341), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 340
    Message {
        name: "k8s.io.api.networking.v1.IngressLoadBalancerStatus",
        fields: &[
            Field { num: 1, json: "ingress", ty: Ty::Msg(339), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 341
    Message {
        name: "k8s.io.api.networking.v1.IngressPortStatus",
        fields: &[
            Field { num: 1, json: "port", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 2, json: "protocol", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "error", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 342
    Message {
        name: "k8s.io.api.networking.v1.IngressRule",
        fields: &[
            Field { num: 1, json: "host", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "", ty: Ty::Msg(343), flags: INLINE },
        ],
    },
    // 343
    Message {
        name: "k8s.io.api.networking.v1.IngressRuleValue",
        fields: &[
            Field { num: 1, json: "http", ty: Ty::Msg(327), flags: POINTER | OMITEMPTY },
        ],
    },
    // 344
    Message {
        name: "k8s.io.api.networking.v1.IngressServiceBackend",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "port", ty: Ty::Msg(356), flags: OMITEMPTY },
        ],
    },
    // 345
    Message {
        name: "k8s.io.api.networking.v1.IngressSpec",
        fields: &[
            Field { num: 4, json: "ingressClassName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 1, json: "defaultBackend", ty: Ty::Msg(333), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "tls", ty: Ty::Msg(347), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "rules", ty: Ty::Msg(342), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 346
    Message {
        name: "k8s.io.api.networking.v1.IngressStatus",
        fields: &[
            Field { num: 1, json: "loadBalancer", ty: Ty::Msg(340), flags: OMITEMPTY },
        ],
    },
    // 347
    Message {
        name: "k8s.io.api.networking.v1.IngressTLS",
        fields: &[
            Field { num: 1, json: "hosts", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "secretName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 348
    Message {
        name: "k8s.io.api.networking.v1.NetworkPolicy",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(354), flags: OMITEMPTY },
        ],
    },
    // 349
    Message {
        name: "k8s.io.api.networking.v1.NetworkPolicyEgressRule",
        fields: &[
            Field { num: 1, json: "ports", ty: Ty::Msg(353), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "to", ty: Ty::Msg(352), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 350
    Message {
        name: "k8s.io.api.networking.v1.NetworkPolicyIngressRule",
        fields: &[
            Field { num: 1, json: "ports", ty: Ty::Msg(353), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "from", ty: Ty::Msg(352), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 351
    Message {
        name: "k8s.io.api.networking.v1.NetworkPolicyList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(348), flags: REPEATED },
        ],
    },
    // 352
    Message {
        name: "k8s.io.api.networking.v1.NetworkPolicyPeer",
        fields: &[
            Field { num: 1, json: "podSelector", ty: Ty::Msg(411), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "namespaceSelector", ty: Ty::Msg(411), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "ipBlock", ty: Ty::Msg(331), flags: POINTER | OMITEMPTY },
        ],
    },
    // 353
    Message {
        name: "k8s.io.api.networking.v1.NetworkPolicyPort",
        fields: &[
            Field { num: 1, json: "protocol", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "port", ty: Ty::Special(Special::IntOrString), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "endPort", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 354
    Message {
        name: "k8s.io.api.networking.v1.NetworkPolicySpec",
        fields: &[
            Field { num: 1, json: "podSelector", ty: Ty::Msg(411), flags: 0 },
            Field { num: 2, json: "ingress", ty: Ty::Msg(350), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "egress", ty: Ty::Msg(349), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "policyTypes", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 355
    Message {
        name: "k8s.io.api.networking.v1.ParentReference",
        fields: &[
            Field { num: 1, json: "group", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "resource", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "namespace", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "name", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 356
    Message {
        name: "k8s.io.api.networking.v1.ServiceBackendPort",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "number", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
        ],
    },
    // 357
    Message {
        name: "k8s.io.api.networking.v1.ServiceCIDR",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(359), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(360), flags: OMITEMPTY },
        ],
    },
    // 358
    Message {
        name: "k8s.io.api.networking.v1.ServiceCIDRList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(357), flags: REPEATED },
        ],
    },
    // 359
    Message {
        name: "k8s.io.api.networking.v1.ServiceCIDRSpec",
        fields: &[
            Field { num: 1, json: "cidrs", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 360
    Message {
        name: "k8s.io.api.networking.v1.ServiceCIDRStatus",
        fields: &[
            Field { num: 1, json: "conditions", ty: Ty::Msg(406), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 361
    Message {
        name: "k8s.io.api.policy.v1.Eviction",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "deleteOptions", ty: Ty::Msg(408), flags: POINTER | OMITEMPTY },
        ],
    },
    // 362
    Message {
        name: "k8s.io.api.policy.v1.PodDisruptionBudget",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(364), flags: OMITEMPTY },
            Field { num: 3, json: "status", ty: Ty::Msg(365), flags: OMITEMPTY },
        ],
    },
    // 363
    Message {
        name: "k8s.io.api.policy.v1.PodDisruptionBudgetList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(362), flags: REPEATED },
        ],
    },
    // 364
    Message {
        name: "k8s.io.api.policy.v1.PodDisruptionBudgetSpec",
        fields: &[
            Field { num: 1, json: "minAvailable", ty: Ty::Special(Special::IntOrString), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "selector", ty: Ty::Msg(411), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "maxUnavailable", ty: Ty::Special(Special::IntOrString), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "unhealthyPodEvictionPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 365
    Message {
        name: "k8s.io.api.policy.v1.PodDisruptionBudgetStatus",
        fields: &[
            Field { num: 1, json: "observedGeneration", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
            Field { num: 2, json: "disruptedPods", ty: Ty::Map(&Ty::Special(Special::Time)), flags: OMITEMPTY },
            Field { num: 3, json: "disruptionsAllowed", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 4, json: "currentHealthy", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 5, json: "desiredHealthy", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 6, json: "expectedPods", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 7, json: "conditions", ty: Ty::Msg(406), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 366
    Message {
        name: "k8s.io.api.rbac.v1.AggregationRule",
        fields: &[
            Field { num: 1, json: "clusterRoleSelectors", ty: Ty::Msg(411), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 367
    Message {
        name: "k8s.io.api.rbac.v1.ClusterRole",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "rules", ty: Ty::Msg(371), flags: REPEATED },
            Field { num: 3, json: "aggregationRule", ty: Ty::Msg(366), flags: POINTER | OMITEMPTY },
        ],
    },
    // 368
    Message {
        name: "k8s.io.api.rbac.v1.ClusterRoleBinding",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "subjects", ty: Ty::Msg(377), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "roleRef", ty: Ty::Msg(376), flags: 0 },
        ],
    },
    // 369
    Message {
        name: "k8s.io.api.rbac.v1.ClusterRoleBindingList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(368), flags: REPEATED },
        ],
    },
    // 370
    Message {
        name: "k8s.io.api.rbac.v1.ClusterRoleList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(367), flags: REPEATED },
        ],
    },
    // 371
    Message {
        name: "k8s.io.api.rbac.v1.PolicyRule",
        fields: &[
            Field { num: 1, json: "verbs", ty: Ty::Scalar(Scalar::String), flags: REPEATED },
            Field { num: 2, json: "apiGroups", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "resources", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "resourceNames", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 5, json: "nonResourceURLs", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 372
    Message {
        name: "k8s.io.api.rbac.v1.Role",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "rules", ty: Ty::Msg(371), flags: REPEATED },
        ],
    },
    // 373
    Message {
        name: "k8s.io.api.rbac.v1.RoleBinding",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "subjects", ty: Ty::Msg(377), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "roleRef", ty: Ty::Msg(376), flags: 0 },
        ],
    },
    // 374
    Message {
        name: "k8s.io.api.rbac.v1.RoleBindingList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(373), flags: REPEATED },
        ],
    },
    // 375
    Message {
        name: "k8s.io.api.rbac.v1.RoleList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(372), flags: REPEATED },
        ],
    },
    // 376
    Message {
        name: "k8s.io.api.rbac.v1.RoleRef",
        fields: &[
            Field { num: 1, json: "apiGroup", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "kind", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 377
    Message {
        name: "k8s.io.api.rbac.v1.Subject",
        fields: &[
            Field { num: 1, json: "kind", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "apiGroup", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "namespace", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 378
    Message {
        name: "k8s.io.api.scheduling.v1.PriorityClass",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "value", ty: Ty::Scalar(Scalar::Int32), flags: 0 },
            Field { num: 3, json: "globalDefault", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "description", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "preemptionPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 379
    Message {
        name: "k8s.io.api.scheduling.v1.PriorityClassList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(378), flags: REPEATED },
        ],
    },
    // 380
    Message {
        name: "k8s.io.api.storage.v1.CSIDriver",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(382), flags: 0 },
        ],
    },
    // 381
    Message {
        name: "k8s.io.api.storage.v1.CSIDriverList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(380), flags: REPEATED },
        ],
    },
    // 382
    Message {
        name: "k8s.io.api.storage.v1.CSIDriverSpec",
        fields: &[
            Field { num: 1, json: "attachRequired", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "podInfoOnMount", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "volumeLifecycleModes", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 4, json: "storageCapacity", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "fsGroupPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "tokenRequests", ty: Ty::Msg(391), flags: REPEATED | OMITEMPTY },
            Field { num: 7, json: "requiresRepublish", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "seLinuxMount", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 9, json: "nodeAllocatableUpdatePeriodSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
        ],
    },
    // 383
    Message {
        name: "k8s.io.api.storage.v1.CSINode",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(386), flags: 0 },
        ],
    },
    // 384
    Message {
        name: "k8s.io.api.storage.v1.CSINodeDriver",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "nodeID", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "topologyKeys", ty: Ty::Scalar(Scalar::String), flags: REPEATED },
            Field { num: 4, json: "allocatable", ty: Ty::Msg(400), flags: POINTER | OMITEMPTY },
        ],
    },
    // 385
    Message {
        name: "k8s.io.api.storage.v1.CSINodeList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(383), flags: REPEATED },
        ],
    },
    // 386
    Message {
        name: "k8s.io.api.storage.v1.CSINodeSpec",
        fields: &[
            Field { num: 1, json: "drivers", ty: Ty::Msg(384), flags: REPEATED },
        ],
    },
    // 387
    Message {
        name: "k8s.io.api.storage.v1.CSIStorageCapacity",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "nodeTopology", ty: Ty::Msg(411), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "storageClassName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "capacity", ty: Ty::Special(Special::Quantity), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "maximumVolumeSize", ty: Ty::Special(Special::Quantity), flags: POINTER | OMITEMPTY },
        ],
    },
    // 388
    Message {
        name: "k8s.io.api.storage.v1.CSIStorageCapacityList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(387), flags: REPEATED },
        ],
    },
    // 389
    Message {
        name: "k8s.io.api.storage.v1.StorageClass",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "provisioner", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "parameters", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 4, json: "reclaimPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "mountOptions", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 6, json: "allowVolumeExpansion", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "volumeBindingMode", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "allowedTopologies", ty: Ty::Msg(300), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 390
    Message {
        name: "k8s.io.api.storage.v1.StorageClassList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(389), flags: REPEATED },
        ],
    },
    // 391
    Message {
        name: "k8s.io.api.storage.v1.TokenRequest",
        fields: &[
            Field { num: 1, json: "audience", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "expirationSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
        ],
    },
    // 392
    Message {
        name: "k8s.io.api.storage.v1.VolumeAttachment",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "spec", ty: Ty::Msg(395), flags: 0 },
            Field { num: 3, json: "status", ty: Ty::Msg(396), flags: OMITEMPTY },
        ],
    },
    // 393
    Message {
        name: "k8s.io.api.storage.v1.VolumeAttachmentList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(392), flags: REPEATED },
        ],
    },
    // 394
    Message {
        name: "k8s.io.api.storage.v1.VolumeAttachmentSource",
        fields: &[
            Field { num: 1, json: "persistentVolumeName", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "inlineVolumeSpec", ty: Ty::Msg(212), flags: POINTER | OMITEMPTY },
        ],
    },
    // 395
    Message {
        name: "k8s.io.api.storage.v1.VolumeAttachmentSpec",
        fields: &[
            Field { num: 1, json: "attacher", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "source", ty: Ty::Msg(394), flags: 0 },
            Field { num: 3, json: "nodeName", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 396
    Message {
        name: "k8s.io.api.storage.v1.VolumeAttachmentStatus",
        fields: &[
            Field { num: 1, json: "attached", ty: Ty::Scalar(Scalar::Bool), flags: 0 },
            Field { num: 2, json: "attachmentMetadata", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 3, json: "attachError", ty: Ty::Msg(399), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "detachError", ty: Ty::Msg(399), flags: POINTER | OMITEMPTY },
        ],
    },
    // 397
    Message {
        name: "k8s.io.api.storage.v1.VolumeAttributesClass",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
            Field { num: 2, json: "driverName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "parameters", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
        ],
    },
    // 398
    Message {
        name: "k8s.io.api.storage.v1.VolumeAttributesClassList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(397), flags: REPEATED },
        ],
    },
    // 399
    Message {
        name: "k8s.io.api.storage.v1.VolumeError",
        fields: &[
            Field { num: 1, json: "time", ty: Ty::Special(Special::Time), flags: OMITEMPTY },
            Field { num: 2, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "errorCode", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 400
    Message {
        name: "k8s.io.api.storage.v1.VolumeNodeResources",
        fields: &[
            Field { num: 1, json: "count", ty: Ty::Scalar(Scalar::Int32), flags: POINTER | OMITEMPTY },
        ],
    },
    // 401
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.APIGroup",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "versions", ty: Ty::Msg(410), flags: REPEATED },
            Field { num: 3, json: "preferredVersion", ty: Ty::Msg(410), flags: OMITEMPTY },
            Field { num: 4, json: "serverAddressByClientCIDRs", ty: Ty::Msg(422), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 402
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.APIGroupList",
        fields: &[
            Field { num: 1, json: "groups", ty: Ty::Msg(401), flags: REPEATED },
        ],
    },
    // 403
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.APIResource",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 6, json: "singularName", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "namespaced", ty: Ty::Scalar(Scalar::Bool), flags: 0 },
            Field { num: 8, json: "group", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 9, json: "version", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "kind", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "verbs", ty: Ty::Special(Special::Verbs), flags: 0 },
            Field { num: 5, json: "shortNames", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 7, json: "categories", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 10, json: "storageVersionHash", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 404
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.APIResourceList",
        fields: &[
            Field { num: 1, json: "groupVersion", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "resources", ty: Ty::Msg(403), flags: REPEATED },
        ],
    },
    // 405
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.APIVersions",
        fields: &[
            Field { num: 1, json: "versions", ty: Ty::Scalar(Scalar::String), flags: REPEATED },
            Field { num: 2, json: "serverAddressByClientCIDRs", ty: Ty::Msg(422), flags: REPEATED },
        ],
    },
    // 406
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.Condition",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "observedGeneration", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
            Field { num: 4, json: "lastTransitionTime", ty: Ty::Special(Special::Time), flags: 0 },
            Field { num: 5, json: "reason", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 6, json: "message", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 407
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.CreateOptions",
        fields: &[
            Field { num: 1, json: "dryRun", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 3, json: "fieldManager", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "fieldValidation", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 408
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions",
        fields: &[
            Field { num: 1, json: "gracePeriodSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "preconditions", ty: Ty::Msg(421), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "orphanDependents", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 4, json: "propagationPolicy", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 5, json: "dryRun", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 6, json: "ignoreStoreReadErrorWithClusterBreakingPotential", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 409
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.GetOptions",
        fields: &[
            Field { num: 1, json: "resourceVersion", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 410
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery",
        fields: &[
            Field { num: 1, json: "groupVersion", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "version", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 411
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector",
        fields: &[
            Field { num: 1, json: "matchLabels", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 2, json: "matchExpressions", ty: Ty::Msg(412), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 412
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
        fields: &[
            Field { num: 1, json: "key", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "operator", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "values", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 413
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta",
        fields: &[
            Field { num: 1, json: "selfLink", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "resourceVersion", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "continue", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "remainingItemCount", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
        ],
    },
    // 414
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.ListOptions",
        fields: &[
            Field { num: 1, json: "labelSelector", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "fieldSelector", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "watch", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 9, json: "allowWatchBookmarks", ty: Ty::Scalar(Scalar::Bool), flags: OMITEMPTY },
            Field { num: 4, json: "resourceVersion", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 10, json: "resourceVersionMatch", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "timeoutSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "limit", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
            Field { num: 8, json: "continue", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 11, json: "sendInitialEvents", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 415
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry",
        fields: &[
            Field { num: 1, json: "manager", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "operation", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "apiVersion", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "time", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "fieldsType", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "fieldsV1", ty: Ty::Special(Special::FieldsV1), flags: POINTER | OMITEMPTY },
            Field { num: 8, json: "subresource", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 416
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "generateName", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "namespace", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "selfLink", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "uid", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "resourceVersion", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 7, json: "generation", ty: Ty::Scalar(Scalar::Int64), flags: OMITEMPTY },
            Field { num: 8, json: "creationTimestamp", ty: Ty::Special(Special::Time), flags: OMITEMPTY | OMITZERO },
            Field { num: 9, json: "deletionTimestamp", ty: Ty::Special(Special::Time), flags: POINTER | OMITEMPTY },
            Field { num: 10, json: "deletionGracePeriodSeconds", ty: Ty::Scalar(Scalar::Int64), flags: POINTER | OMITEMPTY },
            Field { num: 11, json: "labels", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 12, json: "annotations", ty: Ty::Map(&Ty::Scalar(Scalar::String)), flags: OMITEMPTY },
            Field { num: 13, json: "ownerReferences", ty: Ty::Msg(417), flags: REPEATED | OMITEMPTY },
            Field { num: 14, json: "finalizers", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 17, json: "managedFields", ty: Ty::Msg(415), flags: REPEATED | OMITEMPTY },
        ],
    },
    // 417
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.OwnerReference",
        fields: &[
            Field { num: 5, json: "apiVersion", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 1, json: "kind", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 3, json: "name", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 4, json: "uid", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 6, json: "controller", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 7, json: "blockOwnerDeletion", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
        ],
    },
    // 418
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadata",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(416), flags: OMITEMPTY },
        ],
    },
    // 419
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadataList",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "items", ty: Ty::Msg(418), flags: REPEATED },
        ],
    },
    // 420
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.PatchOptions",
        fields: &[
            Field { num: 1, json: "dryRun", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "force", ty: Ty::Scalar(Scalar::Bool), flags: POINTER | OMITEMPTY },
            Field { num: 3, json: "fieldManager", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "fieldValidation", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 421
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.Preconditions",
        fields: &[
            Field { num: 1, json: "uid", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
            Field { num: 2, json: "resourceVersion", ty: Ty::Scalar(Scalar::String), flags: POINTER | OMITEMPTY },
        ],
    },
    // 422
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.ServerAddressByClientCIDR",
        fields: &[
            Field { num: 1, json: "clientCIDR", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "serverAddress", ty: Ty::Scalar(Scalar::String), flags: 0 },
        ],
    },
    // 423
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.Status",
        fields: &[
            Field { num: 1, json: "metadata", ty: Ty::Msg(413), flags: OMITEMPTY },
            Field { num: 2, json: "status", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 5, json: "details", ty: Ty::Msg(425), flags: POINTER | OMITEMPTY },
            Field { num: 6, json: "code", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
        ],
    },
    // 424
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.StatusCause",
        fields: &[
            Field { num: 1, json: "reason", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "message", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "field", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 425
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.StatusDetails",
        fields: &[
            Field { num: 1, json: "name", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 2, json: "group", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "kind", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 6, json: "uid", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 4, json: "causes", ty: Ty::Msg(424), flags: REPEATED | OMITEMPTY },
            Field { num: 5, json: "retryAfterSeconds", ty: Ty::Scalar(Scalar::Int32), flags: OMITEMPTY },
        ],
    },
    // 426
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.TableOptions",
        fields: &[
            Field { num: 1, json: "includeObject", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 427
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.UpdateOptions",
        fields: &[
            Field { num: 1, json: "dryRun", ty: Ty::Scalar(Scalar::String), flags: REPEATED | OMITEMPTY },
            Field { num: 2, json: "fieldManager", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
            Field { num: 3, json: "fieldValidation", ty: Ty::Scalar(Scalar::String), flags: OMITEMPTY },
        ],
    },
    // 428
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent",
        fields: &[
            Field { num: 1, json: "type", ty: Ty::Scalar(Scalar::String), flags: 0 },
            Field { num: 2, json: "object", ty: Ty::Special(Special::RawExtension), flags: 0 },
        ],
    },
];

/// `(apiVersion, kind, index into MESSAGES)`, sorted for binary search.
pub(super) static KINDS: &[(&str, &str, u16)] = &[
    ("apps/v1", "ControllerRevision", 0),
    ("apps/v1", "ControllerRevisionList", 1),
    ("apps/v1", "CreateOptions", 407),
    ("apps/v1", "DaemonSet", 2),
    ("apps/v1", "DaemonSetList", 4),
    ("apps/v1", "DeleteOptions", 408),
    ("apps/v1", "Deployment", 8),
    ("apps/v1", "DeploymentList", 10),
    ("apps/v1", "GetOptions", 409),
    ("apps/v1", "ListOptions", 414),
    ("apps/v1", "PatchOptions", 420),
    ("apps/v1", "ReplicaSet", 14),
    ("apps/v1", "ReplicaSetList", 16),
    ("apps/v1", "StatefulSet", 22),
    ("apps/v1", "StatefulSetList", 24),
    ("apps/v1", "UpdateOptions", 427),
    ("apps/v1", "WatchEvent", 428),
    ("autoscaling/v1", "CreateOptions", 407),
    ("autoscaling/v1", "DeleteOptions", 408),
    ("autoscaling/v1", "GetOptions", 409),
    ("autoscaling/v1", "HorizontalPodAutoscaler", 31),
    ("autoscaling/v1", "HorizontalPodAutoscalerList", 32),
    ("autoscaling/v1", "ListOptions", 414),
    ("autoscaling/v1", "PatchOptions", 420),
    ("autoscaling/v1", "Scale", 35),
    ("autoscaling/v1", "UpdateOptions", 427),
    ("autoscaling/v1", "WatchEvent", 428),
    ("autoscaling/v2", "CreateOptions", 407),
    ("autoscaling/v2", "DeleteOptions", 408),
    ("autoscaling/v2", "GetOptions", 409),
    ("autoscaling/v2", "HorizontalPodAutoscaler", 45),
    ("autoscaling/v2", "HorizontalPodAutoscalerList", 48),
    ("autoscaling/v2", "ListOptions", 414),
    ("autoscaling/v2", "PatchOptions", 420),
    ("autoscaling/v2", "UpdateOptions", 427),
    ("autoscaling/v2", "WatchEvent", 428),
    ("batch/v1", "CreateOptions", 407),
    ("batch/v1", "CronJob", 62),
    ("batch/v1", "CronJobList", 63),
    ("batch/v1", "DeleteOptions", 408),
    ("batch/v1", "GetOptions", 409),
    ("batch/v1", "Job", 66),
    ("batch/v1", "JobList", 68),
    ("batch/v1", "ListOptions", 414),
    ("batch/v1", "PatchOptions", 420),
    ("batch/v1", "UpdateOptions", 427),
    ("batch/v1", "WatchEvent", 428),
    ("coordination.k8s.io/v1", "CreateOptions", 407),
    ("coordination.k8s.io/v1", "DeleteOptions", 408),
    ("coordination.k8s.io/v1", "GetOptions", 409),
    ("coordination.k8s.io/v1", "Lease", 79),
    ("coordination.k8s.io/v1", "LeaseList", 80),
    ("coordination.k8s.io/v1", "ListOptions", 414),
    ("coordination.k8s.io/v1", "PatchOptions", 420),
    ("coordination.k8s.io/v1", "UpdateOptions", 427),
    ("coordination.k8s.io/v1", "WatchEvent", 428),
    ("discovery.k8s.io/v1", "CreateOptions", 407),
    ("discovery.k8s.io/v1", "DeleteOptions", 408),
    ("discovery.k8s.io/v1", "EndpointSlice", 319),
    ("discovery.k8s.io/v1", "EndpointSliceList", 320),
    ("discovery.k8s.io/v1", "GetOptions", 409),
    ("discovery.k8s.io/v1", "ListOptions", 414),
    ("discovery.k8s.io/v1", "PatchOptions", 420),
    ("discovery.k8s.io/v1", "UpdateOptions", 427),
    ("discovery.k8s.io/v1", "WatchEvent", 428),
    ("events.k8s.io/v1", "CreateOptions", 407),
    ("events.k8s.io/v1", "DeleteOptions", 408),
    ("events.k8s.io/v1", "Event", 323),
    ("events.k8s.io/v1", "EventList", 324),
    ("events.k8s.io/v1", "GetOptions", 409),
    ("events.k8s.io/v1", "ListOptions", 414),
    ("events.k8s.io/v1", "PatchOptions", 420),
    ("events.k8s.io/v1", "UpdateOptions", 427),
    ("events.k8s.io/v1", "WatchEvent", 428),
    ("meta.k8s.io/v1", "CreateOptions", 407),
    ("meta.k8s.io/v1", "DeleteOptions", 408),
    ("meta.k8s.io/v1", "GetOptions", 409),
    ("meta.k8s.io/v1", "ListOptions", 414),
    ("meta.k8s.io/v1", "PartialObjectMetadata", 418),
    ("meta.k8s.io/v1", "PartialObjectMetadataList", 419),
    ("meta.k8s.io/v1", "PatchOptions", 420),
    ("meta.k8s.io/v1", "TableOptions", 426),
    ("meta.k8s.io/v1", "UpdateOptions", 427),
    ("meta.k8s.io/v1", "WatchEvent", 428),
    ("networking.k8s.io/v1", "CreateOptions", 407),
    ("networking.k8s.io/v1", "DeleteOptions", 408),
    ("networking.k8s.io/v1", "GetOptions", 409),
    ("networking.k8s.io/v1", "IPAddress", 328),
    ("networking.k8s.io/v1", "IPAddressList", 329),
    ("networking.k8s.io/v1", "Ingress", 332),
    ("networking.k8s.io/v1", "IngressClass", 334),
    ("networking.k8s.io/v1", "IngressClassList", 335),
    ("networking.k8s.io/v1", "IngressList", 338),
    ("networking.k8s.io/v1", "ListOptions", 414),
    ("networking.k8s.io/v1", "NetworkPolicy", 348),
    ("networking.k8s.io/v1", "NetworkPolicyList", 351),
    ("networking.k8s.io/v1", "PatchOptions", 420),
    ("networking.k8s.io/v1", "ServiceCIDR", 357),
    ("networking.k8s.io/v1", "ServiceCIDRList", 358),
    ("networking.k8s.io/v1", "UpdateOptions", 427),
    ("networking.k8s.io/v1", "WatchEvent", 428),
    ("policy/v1", "CreateOptions", 407),
    ("policy/v1", "DeleteOptions", 408),
    ("policy/v1", "Eviction", 361),
    ("policy/v1", "GetOptions", 409),
    ("policy/v1", "ListOptions", 414),
    ("policy/v1", "PatchOptions", 420),
    ("policy/v1", "PodDisruptionBudget", 362),
    ("policy/v1", "PodDisruptionBudgetList", 363),
    ("policy/v1", "UpdateOptions", 427),
    ("policy/v1", "WatchEvent", 428),
    ("rbac.authorization.k8s.io/v1", "ClusterRole", 367),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", 368),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBindingList", 369),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleList", 370),
    ("rbac.authorization.k8s.io/v1", "CreateOptions", 407),
    ("rbac.authorization.k8s.io/v1", "DeleteOptions", 408),
    ("rbac.authorization.k8s.io/v1", "GetOptions", 409),
    ("rbac.authorization.k8s.io/v1", "ListOptions", 414),
    ("rbac.authorization.k8s.io/v1", "PatchOptions", 420),
    ("rbac.authorization.k8s.io/v1", "Role", 372),
    ("rbac.authorization.k8s.io/v1", "RoleBinding", 373),
    ("rbac.authorization.k8s.io/v1", "RoleBindingList", 374),
    ("rbac.authorization.k8s.io/v1", "RoleList", 375),
    ("rbac.authorization.k8s.io/v1", "UpdateOptions", 427),
    ("rbac.authorization.k8s.io/v1", "WatchEvent", 428),
    ("scheduling.k8s.io/v1", "CreateOptions", 407),
    ("scheduling.k8s.io/v1", "DeleteOptions", 408),
    ("scheduling.k8s.io/v1", "GetOptions", 409),
    ("scheduling.k8s.io/v1", "ListOptions", 414),
    ("scheduling.k8s.io/v1", "PatchOptions", 420),
    ("scheduling.k8s.io/v1", "PriorityClass", 378),
    ("scheduling.k8s.io/v1", "PriorityClassList", 379),
    ("scheduling.k8s.io/v1", "UpdateOptions", 427),
    ("scheduling.k8s.io/v1", "WatchEvent", 428),
    ("storage.k8s.io/v1", "CSIDriver", 380),
    ("storage.k8s.io/v1", "CSIDriverList", 381),
    ("storage.k8s.io/v1", "CSINode", 383),
    ("storage.k8s.io/v1", "CSINodeList", 385),
    ("storage.k8s.io/v1", "CSIStorageCapacity", 387),
    ("storage.k8s.io/v1", "CSIStorageCapacityList", 388),
    ("storage.k8s.io/v1", "CreateOptions", 407),
    ("storage.k8s.io/v1", "DeleteOptions", 408),
    ("storage.k8s.io/v1", "GetOptions", 409),
    ("storage.k8s.io/v1", "ListOptions", 414),
    ("storage.k8s.io/v1", "PatchOptions", 420),
    ("storage.k8s.io/v1", "StorageClass", 389),
    ("storage.k8s.io/v1", "StorageClassList", 390),
    ("storage.k8s.io/v1", "UpdateOptions", 427),
    ("storage.k8s.io/v1", "VolumeAttachment", 392),
    ("storage.k8s.io/v1", "VolumeAttachmentList", 393),
    ("storage.k8s.io/v1", "VolumeAttributesClass", 397),
    ("storage.k8s.io/v1", "VolumeAttributesClassList", 398),
    ("storage.k8s.io/v1", "WatchEvent", 428),
    ("v1", "APIGroup", 401),
    ("v1", "APIGroupList", 402),
    ("v1", "APIResourceList", 404),
    ("v1", "APIVersions", 405),
    ("v1", "Binding", 89),
    ("v1", "ComponentStatus", 100),
    ("v1", "ComponentStatusList", 101),
    ("v1", "ConfigMap", 102),
    ("v1", "ConfigMapList", 105),
    ("v1", "CreateOptions", 407),
    ("v1", "DeleteOptions", 408),
    ("v1", "Endpoints", 130),
    ("v1", "EndpointsList", 131),
    ("v1", "Event", 138),
    ("v1", "EventList", 139),
    ("v1", "GetOptions", 409),
    ("v1", "LimitRange", 164),
    ("v1", "LimitRangeList", 166),
    ("v1", "List", 169),
    ("v1", "ListOptions", 414),
    ("v1", "Namespace", 176),
    ("v1", "NamespaceList", 178),
    ("v1", "Node", 181),
    ("v1", "NodeList", 189),
    ("v1", "NodeProxyOptions", 190),
    ("v1", "PatchOptions", 420),
    ("v1", "PersistentVolume", 202),
    ("v1", "PersistentVolumeClaim", 203),
    ("v1", "PersistentVolumeClaimList", 205),
    ("v1", "PersistentVolumeList", 210),
    ("v1", "Pod", 215),
    ("v1", "PodAttachOptions", 219),
    ("v1", "PodExecOptions", 224),
    ("v1", "PodList", 227),
    ("v1", "PodLogOptions", 228),
    ("v1", "PodPortForwardOptions", 230),
    ("v1", "PodProxyOptions", 231),
    ("v1", "PodStatusResult", 239),
    ("v1", "PodTemplate", 240),
    ("v1", "PodTemplateList", 241),
    ("v1", "RangeAllocation", 252),
    ("v1", "ReplicationController", 253),
    ("v1", "ReplicationControllerList", 255),
    ("v1", "ResourceQuota", 261),
    ("v1", "ResourceQuotaList", 262),
    ("v1", "Secret", 273),
    ("v1", "SecretList", 276),
    ("v1", "SerializedReference", 281),
    ("v1", "Service", 282),
    ("v1", "ServiceAccount", 283),
    ("v1", "ServiceAccountList", 284),
    ("v1", "ServiceList", 286),
    ("v1", "ServiceProxyOptions", 288),
    ("v1", "Status", 423),
    ("v1", "UpdateOptions", 427),
    ("v1", "WatchEvent", 428),
];
