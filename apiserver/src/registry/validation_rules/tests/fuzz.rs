//! Deterministic fuzzing: 10,000 random JSON objects per kind never panic.

use serde_json::{Map, Value, json};

use crate::registry::validation_rules::{validate, validate_update};

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Field names the rules read, so random objects reach deep code paths.
const KEYS: &[&str] = &[
    "metadata",
    "labels",
    "annotations",
    "spec",
    "template",
    "containers",
    "initContainers",
    "name",
    "image",
    "ports",
    "containerPort",
    "hostPort",
    "protocol",
    "env",
    "envFrom",
    "prefix",
    "volumes",
    "volumeMounts",
    "mountPath",
    "emptyDir",
    "hostPath",
    "resources",
    "limits",
    "requests",
    "cpu",
    "memory",
    "restartPolicy",
    "dnsPolicy",
    "selector",
    "matchLabels",
    "matchExpressions",
    "key",
    "operator",
    "values",
    "replicas",
    "strategy",
    "type",
    "rollingUpdate",
    "maxSurge",
    "maxUnavailable",
    "updateStrategy",
    "activeDeadlineSeconds",
    "tolerations",
    "schedulingGates",
    "data",
    "binaryData",
    "stringData",
    "immutable",
    "jobTemplate",
    "schedule",
    "completions",
    "parallelism",
    "completionMode",
    "terminationGracePeriodSeconds",
    "podManagementPolicy",
    "imagePullPolicy",
    // Services, networking, storage, RBAC and the other kinds.
    "port",
    "targetPort",
    "nodePort",
    "clusterIP",
    "clusterIPs",
    "ipFamilies",
    "ipFamilyPolicy",
    "externalIPs",
    "externalName",
    "sessionAffinity",
    "sessionAffinityConfig",
    "clientIP",
    "timeoutSeconds",
    "externalTrafficPolicy",
    "healthCheckNodePort",
    "internalTrafficPolicy",
    "loadBalancerSourceRanges",
    "loadBalancerClass",
    "allocateLoadBalancerNodePorts",
    "rules",
    "host",
    "http",
    "paths",
    "path",
    "pathType",
    "backend",
    "service",
    "number",
    "defaultBackend",
    "tls",
    "hosts",
    "secretName",
    "ingress",
    "egress",
    "from",
    "to",
    "ipBlock",
    "cidr",
    "except",
    "endPort",
    "podSelector",
    "namespaceSelector",
    "policyTypes",
    "subsets",
    "addresses",
    "notReadyAddresses",
    "ip",
    "addressType",
    "endpoints",
    "accessModes",
    "capacity",
    "storage",
    "storageClassName",
    "volumeMode",
    "volumeName",
    "dataSource",
    "dataSourceRef",
    "csi",
    "nfs",
    "kind",
    "apiGroup",
    "roleRef",
    "subjects",
    "verbs",
    "apiGroups",
    "nonResourceURLs",
    "resourceNames",
    "aggregationRule",
    "clusterRoleSelectors",
    "minAvailable",
    "value",
    "preemptionPolicy",
    "provisioner",
    "parameters",
    "reclaimPolicy",
    "volumeBindingMode",
    "leaseDurationSeconds",
    "taints",
    "effect",
    "podCIDRs",
    "podCIDR",
    "finalizers",
    "min",
    "max",
    "default",
    "defaultRequest",
    "hard",
    "scopes",
    "scaleTargetRef",
    "minReplicas",
    "maxReplicas",
    "metrics",
    "target",
    "averageUtilization",
    "averageValue",
    "eventTime",
    "involvedObject",
    "status",
    "phase",
    "apiVersion",
];

const STRINGS: &[&str] = &[
    "",
    "a",
    "Always",
    "Never",
    "OnFailure",
    "RollingUpdate",
    "Recreate",
    "OnDelete",
    "In",
    "NotIn",
    "Exists",
    "TCP",
    "25%",
    "0%",
    "101%",
    "x%",
    "1Gi",
    "500m",
    "-1",
    "1e3",
    "1.5.5",
    "9999999999999999999999999999Ei",
    "..",
    "a/b/c",
    "Indexed",
    "ClusterFirst",
    "None",
    "kubernetes.io/tls",
    "é\u{0}",
    "1e-99999",
    "ClusterIP",
    "NodePort",
    "LoadBalancer",
    "ExternalName",
    "Local",
    "10.0.0.1",
    "10.0.0.0/8",
    "::1",
    "fd00::/129",
    "Prefix",
    "IPv4",
    "FQDN",
    "ClusterRole",
    "User",
    "ReadWriteOnce",
    "Bound",
    "Resource",
    "Utilization",
    "autoscaling/v1",
    "system-x",
    "NoSchedule",
    "PersistentVolumeClaim",
];

fn value(rng: &mut Rng, depth: u32) -> Value {
    let pick = if depth > 5 {
        rng.below(5)
    } else {
        rng.below(8)
    };
    match pick {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => json!(rng.next() as i64 % 100_000 - 50_000),
        3 => json!((rng.next() as i64).wrapping_mul(7)),
        4 => json!(STRINGS[rng.below(STRINGS.len() as u64) as usize]),
        5 | 6 => {
            let mut m = Map::new();
            for _ in 0..rng.below(6) {
                let k = KEYS[rng.below(KEYS.len() as u64) as usize];
                m.insert(k.to_owned(), value(rng, depth + 1));
            }
            Value::Object(m)
        }
        _ => Value::Array((0..rng.below(4)).map(|_| value(rng, depth + 1)).collect()),
    }
}

#[test]
fn random_objects_never_panic() {
    let kinds = [
        ("", "Pod"),
        ("", "PodTemplate"),
        ("", "ConfigMap"),
        ("", "Secret"),
        ("apps", "Deployment"),
        ("apps", "ReplicaSet"),
        ("apps", "StatefulSet"),
        ("apps", "DaemonSet"),
        ("batch", "Job"),
        ("batch", "CronJob"),
        ("", "Service"),
        ("", "Endpoints"),
        ("", "Node"),
        ("", "Namespace"),
        ("", "PersistentVolume"),
        ("", "PersistentVolumeClaim"),
        ("", "LimitRange"),
        ("", "ResourceQuota"),
        ("", "Event"),
        ("networking.k8s.io", "Ingress"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "NetworkPolicy"),
        ("discovery.k8s.io", "EndpointSlice"),
        ("policy", "PodDisruptionBudget"),
        ("rbac.authorization.k8s.io", "Role"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "RoleBinding"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("storage.k8s.io", "StorageClass"),
        ("coordination.k8s.io", "Lease"),
        ("autoscaling", "HorizontalPodAutoscaler"),
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (group, kind) in kinds {
        for _ in 0..10_000 {
            let a = value(&mut rng, 0);
            let b = value(&mut rng, 0);
            let _ = validate(group, kind, &a);
            let _ = validate_update(group, kind, &a, &b);
        }
    }
}
