//! Deterministic fuzzing: random JSON never makes defaulting panic.

use serde_json::{Map, Value, json};

use super::apply_defaults;
use crate::testing::Rng;

/// Keys the defaulters look at, so random objects reach deep code paths.
const KEYS: &[&str] = &[
    "spec",
    "status",
    "metadata",
    "labels",
    "name",
    "template",
    "containers",
    "initContainers",
    "ephemeralContainers",
    "image",
    "imagePullPolicy",
    "ports",
    "protocol",
    "containerPort",
    "hostPort",
    "env",
    "valueFrom",
    "fieldRef",
    "resources",
    "limits",
    "requests",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "httpGet",
    "grpc",
    "lifecycle",
    "preStop",
    "postStart",
    "volumes",
    "hostPath",
    "secret",
    "configMap",
    "downwardAPI",
    "items",
    "projected",
    "sources",
    "serviceAccountToken",
    "ephemeral",
    "volumeClaimTemplate",
    "azureDisk",
    "rbd",
    "iscsi",
    "scaleIO",
    "hostNetwork",
    "type",
    "sessionAffinity",
    "sessionAffinityConfig",
    "clientIP",
    "port",
    "targetPort",
    "externalIPs",
    "loadBalancer",
    "ingress",
    "ip",
    "subsets",
    "capacity",
    "allocatable",
    "max",
    "min",
    "default",
    "defaultRequest",
    "selector",
    "strategy",
    "rollingUpdate",
    "updateStrategy",
    "volumeClaimTemplates",
    "persistentVolumeClaimRetentionPolicy",
    "jobTemplate",
    "podFailurePolicy",
    "rules",
    "onPodConditions",
    "backoffLimitPerIndex",
    "completions",
    "parallelism",
    "egress",
    "policyTypes",
    "parameters",
    "roleRef",
    "subjects",
    "kind",
    "source",
    "inlineVolumeSpec",
    "behavior",
    "scaleUp",
    "scaleDown",
    "metrics",
    "apiVersion",
    "policies",
    "replicas",
];

const KINDS: &[(&str, &str)] = &[
    ("", "Pod"),
    ("", "PodTemplate"),
    ("", "ReplicationController"),
    ("", "Service"),
    ("", "Secret"),
    ("", "ConfigMap"),
    ("", "Endpoints"),
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("", "PersistentVolumeClaim"),
    ("", "LimitRange"),
    ("", "ResourceQuota"),
    ("", "PodList"),
    ("apps", "Deployment"),
    ("apps", "DaemonSet"),
    ("apps", "StatefulSet"),
    ("apps", "ReplicaSet"),
    ("batch", "Job"),
    ("batch", "CronJob"),
    ("networking.k8s.io", "NetworkPolicy"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "Ingress"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("autoscaling", "HorizontalPodAutoscaler"),
    ("discovery.k8s.io", "EndpointSlice"),
    ("policy", "PodDisruptionBudget"),
    ("coordination.k8s.io", "Lease"),
];

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let choice = if depth == 0 {
        rng.below(6)
    } else {
        rng.below(9)
    };
    match choice {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => json!(rng.below(5) as i64 - 1),
        3 => json!(-1.5e300),
        4 => json!(
            [
                "",
                "latest",
                "nginx",
                "nginx:latest",
                "RollingUpdate",
                "ClientIP",
                "LoadBalancer",
                "Container",
                "User",
                "TCP",
                "a@b:c",
                "autoscaling/v1"
            ][rng.below(12)]
        ),
        5 => json!(u64::MAX),
        6 | 7 => {
            let mut m = Map::new();
            for _ in 0..rng.below(6) {
                let k = KEYS[rng.below(KEYS.len())].to_owned();
                m.insert(k, random_value(rng, depth - 1));
            }
            Value::Object(m)
        }
        _ => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
    }
}

/// Replaces a random node of `v` with a random value.
fn mutate(rng: &mut Rng, v: &mut Value, depth: usize) {
    let children: Vec<&mut Value> = match v {
        Value::Object(m) => m.values_mut().collect(),
        Value::Array(a) => a.iter_mut().collect(),
        _ => Vec::new(),
    };
    if children.is_empty() || rng.below(4) == 0 {
        *v = random_value(rng, depth);
        return;
    }
    let n = children.len();
    if let Some(child) = children.into_iter().nth(rng.below(n)) {
        mutate(rng, child, depth);
    }
}

#[test]
fn random_json_never_panics() {
    let seed_obj = json!({
        "apiVersion": "v1", "metadata": {"name": "x", "labels": {"a": "b"}},
        "spec": {"hostNetwork": true, "type": "LoadBalancer", "sessionAffinity": "ClientIP",
            "ports": [{"port": 80, "containerPort": 80}],
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {
                "containers": [{"image": "nginx", "ports": [{"containerPort": 1}],
                    "env": [{"valueFrom": {"fieldRef": {}}}], "resources": {"limits": {"cpu": "1"}},
                    "livenessProbe": {"httpGet": {}, "grpc": {}}, "lifecycle": {"preStop": {"httpGet": {}}}}],
                "volumes": [{"projected": {"sources": [{"downwardAPI": {"items": [{"fieldRef": {}}]}}]}}]}},
            "containers": [{"image": "nginx", "resources": {"limits": {"cpu": "1"}}}],
            "jobTemplate": {"spec": {"template": {}}}, "podFailurePolicy": {"rules": [{"onPodConditions": [{}]}]},
            "behavior": {"scaleUp": {}}, "parameters": {}, "limits": [{"type": "Container", "max": {"cpu": "1"}}],
            "volumeClaimTemplates": [{}], "egress": [{"ports": [{}]}], "updateStrategy": {},
            "source": {"inlineVolumeSpec": {"rbd": {}}}},
        "status": {"capacity": {"cpu": "1"}, "loadBalancer": {"ingress": [{"ip": "1.1.1.1"}]}},
        "roleRef": {}, "subjects": [{"kind": "User"}], "subsets": [{"ports": [{}]}], "ports": [{}],
        "items": [{"spec": {}}]
    });
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (group, kind) in KINDS {
        for i in 0..10_000 {
            let mut v = if i % 2 == 0 {
                random_value(&mut rng, 6)
            } else {
                let mut s = seed_obj.clone();
                for _ in 0..1 + rng.below(3) {
                    mutate(&mut rng, &mut s, 3);
                }
                s
            };
            apply_defaults(group, kind, &mut v);
        }
    }
}

#[test]
fn random_image_strings_never_panic() {
    const ALPHABET: &[&str] = &[
        "a", "Z", "0", "/", ":", "@", ".", "_", "-", "[", "]", "é", "€", " ", "sha256", "latest",
    ];
    let mut rng = Rng(42);
    for _ in 0..10_000 {
        let image: String = (0..rng.below(24))
            .map(|_| ALPHABET[rng.below(ALPHABET.len())])
            .collect();
        let mut pod = json!({"spec": {"containers": [{"name": "c", "image": image}]}});
        apply_defaults("", "Pod", &mut pod);
        let policy = &pod["spec"]["containers"][0]["imagePullPolicy"];
        assert!(
            policy == "Always" || policy == "IfNotPresent",
            "{image}: {policy}"
        );
    }
}
