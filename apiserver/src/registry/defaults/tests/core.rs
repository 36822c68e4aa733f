//! Core `v1` defaults (pkg/apis/core/v1/defaults.go and zz_generated.defaults.go).

use serde_json::json;

use super::{apply_defaults, check, template_spec};

/// `kubectl run nginx --image=nginx`: SetDefaults_Pod (enableServiceLinks) + SetDefaults_PodSpec
/// + SetDefaults_Container.
#[test]
fn pod_from_kubectl_run() {
    let input = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "nginx", "labels": {"run": "nginx"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {}}],
                 "dnsPolicy": "ClusterFirst", "restartPolicy": "Always"},
        "status": {}
    });
    let mut spec = template_spec("nginx", "Always");
    spec["enableServiceLinks"] = json!(true);
    let expected = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "nginx", "labels": {"run": "nginx"}},
        "spec": spec,
        "status": {}
    });
    check("", "Pod", input, expected);
}

/// Probes (SetDefaults_Probe, SetDefaults_HTTPGetAction, GRPCAction.Service), ports, env
/// fieldRef (SetDefaults_ObjectFieldSelector), resources (SetDefaults_Pod), lifecycle,
/// init and ephemeral containers, hostNetwork host ports.
#[test]
fn pod_container_details() {
    let input = json!({"spec": {
        "hostNetwork": true,
        "initContainers": [{"name": "init", "image": "busybox:1.36",
            "resources": {"limits": {"cpu": "100m"}}}],
        "containers": [{
            "name": "app", "image": "registry.k8s.io/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "ports": [{"containerPort": 8080}, {"containerPort": 53, "protocol": "UDP", "hostPort": 5353}],
            "env": [{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "PLAIN", "value": "x"}],
            "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m"}},
            "livenessProbe": {"httpGet": {"port": 8080}},
            "readinessProbe": {"grpc": {"port": 9090}, "periodSeconds": 5},
            "startupProbe": {"tcpSocket": {"port": 8080}},
            "lifecycle": {"preStop": {"httpGet": {"port": 8080, "path": "/stop"}}}
        }],
        "ephemeralContainers": [{"name": "debug", "image": "busybox:latest"}]
    }});
    let mut got = input;
    apply_defaults("", "Pod", &mut got);
    let c = &got["spec"]["containers"][0];
    assert_eq!(c["imagePullPolicy"], json!("IfNotPresent"));
    assert_eq!(
        c["ports"],
        json!([
            {"containerPort": 8080, "hostPort": 8080, "protocol": "TCP"},
            {"containerPort": 53, "protocol": "UDP", "hostPort": 5353}
        ])
    );
    assert_eq!(
        c["env"][0]["valueFrom"]["fieldRef"],
        json!({"apiVersion": "v1", "fieldPath": "metadata.name"})
    );
    assert_eq!(c["env"][1], json!({"name": "PLAIN", "value": "x"}));
    assert_eq!(
        c["resources"],
        json!({"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": "1Gi"}})
    );
    assert_eq!(
        c["livenessProbe"],
        json!({"httpGet": {"path": "/", "port": 8080, "scheme": "HTTP"},
        "failureThreshold": 3, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1})
    );
    assert_eq!(
        c["readinessProbe"],
        json!({"grpc": {"port": 9090, "service": ""},
        "failureThreshold": 3, "periodSeconds": 5, "successThreshold": 1, "timeoutSeconds": 1})
    );
    assert_eq!(c["startupProbe"]["failureThreshold"], json!(3));
    assert_eq!(
        c["lifecycle"]["preStop"]["httpGet"],
        json!({"path": "/stop", "port": 8080, "scheme": "HTTP"})
    );
    let init = &got["spec"]["initContainers"][0];
    assert_eq!(init["imagePullPolicy"], json!("IfNotPresent"));
    assert_eq!(init["resources"]["requests"], json!({"cpu": "100m"}));
    let eph = &got["spec"]["ephemeralContainers"][0];
    assert_eq!(eph["imagePullPolicy"], json!("Always"));
    assert_eq!(eph["terminationMessagePolicy"], json!("File"));
}

/// SetDefaults_Volume and the volume source defaults.
#[test]
fn pod_volumes() {
    let input = json!({"spec": {"containers": [], "volumes": [
        {"name": "scratch"},
        {"name": "host", "hostPath": {"path": "/var/log"}},
        {"name": "sec", "secret": {"secretName": "s"}},
        {"name": "cm", "configMap": {"name": "c", "defaultMode": 384}},
        {"name": "dapi", "downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}},
        {"name": "proj", "projected": {"sources": [
            {"serviceAccountToken": {"path": "token"}},
            {"downwardAPI": {"items": [{"path": "ns", "fieldRef": {"fieldPath": "metadata.namespace"}}]}}
        ]}},
        {"name": "eph", "ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"]}}}},
        {"name": "disk", "azureDisk": {"diskName": "d", "diskURI": "u"}},
        {"name": "rbd", "rbd": {"monitors": ["m"], "image": "i"}},
        {"name": "iscsi", "iscsi": {"targetPortal": "t", "iqn": "q", "lun": 0}}
    ]}});
    let mut got = input;
    apply_defaults("", "Pod", &mut got);
    let v = &got["spec"]["volumes"];
    assert_eq!(v[0], json!({"name": "scratch", "emptyDir": {}}));
    assert_eq!(v[1]["hostPath"], json!({"path": "/var/log", "type": ""}));
    assert_eq!(
        v[2]["secret"],
        json!({"secretName": "s", "defaultMode": 420})
    );
    assert_eq!(v[3]["configMap"], json!({"name": "c", "defaultMode": 384}));
    assert_eq!(
        v[4]["downwardAPI"],
        json!({"defaultMode": 420, "items": [
        {"path": "labels", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.labels"}}]})
    );
    assert_eq!(
        v[5]["projected"],
        json!({"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}},
            {"downwardAPI": {"items": [{"path": "ns", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
        ]})
    );
    assert_eq!(
        v[6]["ephemeral"]["volumeClaimTemplate"]["spec"]["volumeMode"],
        json!("Filesystem")
    );
    assert_eq!(
        v[7]["azureDisk"],
        json!({"diskName": "d", "diskURI": "u", "cachingMode": "ReadWrite",
        "fsType": "ext4", "kind": "Shared", "readOnly": false})
    );
    assert_eq!(
        v[8]["rbd"],
        json!({"monitors": ["m"], "image": "i", "pool": "rbd", "user": "admin",
        "keyring": "/etc/ceph/keyring"})
    );
    assert_eq!(v[9]["iscsi"]["iscsiInterface"], json!("default"));
}

/// A PodTemplate gets SetDefaults_PodSpec but not SetDefaults_Pod (no enableServiceLinks, no
/// requests copied from limits).
#[test]
fn pod_template_skips_pod_only_defaults() {
    let input = json!({"template": {"spec": {"containers": [
        {"name": "nginx", "image": "nginx", "resources": {"limits": {"cpu": "1"}}}
    ]}}});
    let mut spec = template_spec("nginx", "Always");
    spec["containers"][0]["resources"] = json!({"limits": {"cpu": "1"}});
    check(
        "",
        "PodTemplate",
        input,
        json!({"template": {"spec": spec}}),
    );
}

/// `kubectl create service clusterip web --tcp=80:8080`: SetDefaults_Service.
#[test]
fn service_cluster_ip() {
    let input = json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"ports": [{"name": "80-8080", "port": 80, "protocol": "TCP", "targetPort": 8080}],
                 "selector": {"app": "web"}, "type": "ClusterIP"},
        "status": {"loadBalancer": {}}
    });
    let expected = json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"internalTrafficPolicy": "Cluster",
                 "ports": [{"name": "80-8080", "port": 80, "protocol": "TCP", "targetPort": 8080}],
                 "selector": {"app": "web"}, "sessionAffinity": "None", "type": "ClusterIP"},
        "status": {"loadBalancer": {}}
    });
    check("", "Service", input, expected);
}

/// SetDefaults_Service for LoadBalancer (externalTrafficPolicy, allocateLoadBalancerNodePorts,
/// ipMode), ClientIP affinity, absent targetPort and ExternalName.
#[test]
fn service_variants() {
    let input = json!({
        "spec": {"type": "LoadBalancer", "sessionAffinity": "ClientIP", "ports": [{"port": 443}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}, {"hostname": "lb.example"}]}}
    });
    let expected = json!({
        "spec": {"type": "LoadBalancer", "sessionAffinity": "ClientIP",
                 "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}},
                 "ports": [{"port": 443, "protocol": "TCP", "targetPort": 443}],
                 "externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster",
                 "allocateLoadBalancerNodePorts": true},
        "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4", "ipMode": "VIP"}, {"hostname": "lb.example"}]}}
    });
    check("", "Service", input, expected);

    let input = json!({"spec": {"type": "ExternalName", "externalName": "example.com",
        "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 5}}}});
    let expected = json!({"spec": {"type": "ExternalName", "externalName": "example.com",
        "sessionAffinity": "None"}});
    check("", "Service", input, expected);

    let input = json!({"spec": {"externalIPs": ["10.0.0.1"], "ports": [{"port": 80, "targetPort": "http"}]}});
    let expected = json!({"spec": {"externalIPs": ["10.0.0.1"], "type": "ClusterIP", "sessionAffinity": "None",
        "externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster",
        "ports": [{"port": 80, "targetPort": "http", "protocol": "TCP"}]}});
    check("", "Service", input, expected);
}

/// SetDefaults_Secret, SetDefaults_ConfigMap (invisible), SetDefaults_Namespace(+Status).
#[test]
fn secret_configmap_namespace() {
    check(
        "",
        "Secret",
        json!({"metadata": {"name": "s"}, "data": {"k": "dg=="}}),
        json!({"metadata": {"name": "s"}, "data": {"k": "dg=="}, "type": "Opaque"}),
    );
    check(
        "",
        "ConfigMap",
        json!({"metadata": {"name": "c"}}),
        json!({"metadata": {"name": "c"}}),
    );
    check(
        "",
        "Namespace",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}, "spec": {}, "status": {}}),
        json!({"apiVersion": "v1", "kind": "Namespace",
               "metadata": {"name": "dev", "labels": {"kubernetes.io/metadata.name": "dev"}},
               "spec": {}, "status": {"phase": "Active"}}),
    );
    // The label is always overwritten with the name; generateName-only objects get none.
    check(
        "",
        "Namespace",
        json!({"metadata": {"name": "a", "labels": {"kubernetes.io/metadata.name": "b"}}}),
        json!({"metadata": {"name": "a", "labels": {"kubernetes.io/metadata.name": "a"}}, "status": {"phase": "Active"}}),
    );
    check(
        "",
        "Namespace",
        json!({"metadata": {"generateName": "x-"}}),
        json!({"metadata": {"generateName": "x-"}, "status": {"phase": "Active"}}),
    );
}

/// SetDefaults_PersistentVolumeClaim(+Spec) and SetDefaults_PersistentVolume.
#[test]
fn volumes_and_claims() {
    check(
        "",
        "PersistentVolumeClaim",
        json!({"metadata": {"name": "c"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
        json!({"metadata": {"name": "c"}, "spec": {"accessModes": ["ReadWriteOnce"],
               "resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Filesystem"},
               "status": {"phase": "Pending"}}),
    );
    check(
        "",
        "PersistentVolume",
        json!({"metadata": {"name": "pv"}, "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
               "hostPath": {"path": "/data"}}}),
        json!({"metadata": {"name": "pv"}, "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
               "hostPath": {"path": "/data", "type": ""}, "persistentVolumeReclaimPolicy": "Retain",
               "volumeMode": "Filesystem"}, "status": {"phase": "Pending"}}),
    );
}

/// SetDefaults_ReplicationController: selector and labels from the template, replicas 1.
#[test]
fn replication_controller() {
    let input = json!({"metadata": {"name": "rc"}, "spec": {"template": {
        "metadata": {"labels": {"app": "rc"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {}}]}}}});
    let expected = json!({"metadata": {"name": "rc", "labels": {"app": "rc"}}, "spec": {
        "replicas": 1, "selector": {"app": "rc"},
        "template": {"metadata": {"labels": {"app": "rc"}}, "spec": template_spec("nginx", "Always")}}});
    check("", "ReplicationController", input, expected);
    // No template: only replicas.
    check(
        "",
        "ReplicationController",
        json!({"spec": {}}),
        json!({"spec": {"replicas": 1}}),
    );
}

/// SetDefaults_Endpoints, SetDefaults_NodeStatus, SetDefaults_LimitRangeItem.
#[test]
fn endpoints_node_limitrange() {
    check(
        "",
        "Endpoints",
        json!({"subsets": [{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}]}),
        json!({"subsets": [{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80, "protocol": "TCP"}]}]}),
    );
    check(
        "",
        "Node",
        json!({"metadata": {"name": "n"}, "status": {"capacity": {"cpu": "4"}}}),
        json!({"metadata": {"name": "n"}, "status": {"capacity": {"cpu": "4"}, "allocatable": {"cpu": "4"}}}),
    );
    check(
        "",
        "LimitRange",
        json!({"spec": {"limits": [{"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "64Mi"}},
                                    {"type": "Pod", "max": {"cpu": "4"}}]}}),
        json!({"spec": {"limits": [{"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "64Mi"},
                                     "default": {"cpu": "2"}, "defaultRequest": {"cpu": "2", "memory": "64Mi"}},
                                    {"type": "Pod", "max": {"cpu": "4"}}]}}),
    );
}

/// SetObjectDefaults_PodList applies the Pod defaults to every item.
#[test]
fn list_items() {
    let mut got = json!({"items": [{"spec": {"containers": [{"name": "a", "image": "a:1"}]}}, 7]});
    apply_defaults("", "PodList", &mut got);
    assert_eq!(got["items"][0]["spec"]["enableServiceLinks"], json!(true));
    assert_eq!(got["items"][1], json!(7));
}

/// Structs are only created where a default lands: a Node without status or a LimitRange
/// without spec stays as sent.
#[test]
fn no_spurious_structs() {
    check(
        "",
        "Node",
        json!({"metadata": {"name": "n"}}),
        json!({"metadata": {"name": "n"}}),
    );
    check(
        "",
        "LimitRange",
        json!({"metadata": {"name": "l"}}),
        json!({"metadata": {"name": "l"}}),
    );
}
