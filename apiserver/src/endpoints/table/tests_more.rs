//! Tests: nodes, jobs, cron jobs, events, the default table, Accept
//! negotiation, `includeObject`, and a cell check for every other resource.

use serde_json::{Value, json};

use super::tests::{NOW, ago, cells, column_names};
use super::{
    IncludeObject, TableNegotiation, TableOptions, TableVersion, include_object, negotiate,
    table_for, table_for_with, wants_table, write_table,
};

fn row(v: Value) -> Vec<Value> {
    v.as_array().unwrap().clone()
}

#[test]
fn node_cells() {
    // printers_test.go TestPrintNodeStatus / Role / InternalIP / OSImage cases.
    let node = json!({
        "metadata": {"name": "cp-1", "creationTimestamp": ago(40 * 86400),
                     "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "master",
                                "node-role.kubernetes.io/": "x"}},
        "spec": {"unschedulable": true},
        "status": {"conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}],
                   "addresses": [{"type": "Hostname", "address": "cp-1"}, {"type": "InternalIP", "address": "192.168.1.10"}],
                   "nodeInfo": {"kubeletVersion": "v1.34.0", "osImage": "Debian GNU/Linux 12 (bookworm)",
                                "kernelVersion": "6.1.0-18-amd64", "containerRuntimeVersion": "containerd://1.7.13"}}
    });
    assert_eq!(
        cells("Node", "", node),
        row(json!([
            "cp-1",
            "Ready,SchedulingDisabled",
            "control-plane,master",
            "40d",
            "v1.34.0",
            "192.168.1.10",
            "<none>",
            "Debian GNU/Linux 12 (bookworm)",
            "6.1.0-18-amd64",
            "containerd://1.7.13"
        ]))
    );
    let node = json!({"metadata": {"name": "n"}, "status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}});
    assert_eq!(
        cells("Node", "", node),
        row(json!([
            "n",
            "NotReady",
            "<none>",
            "<unknown>",
            "",
            "<none>",
            "<none>",
            "<unknown>",
            "<unknown>",
            "<unknown>"
        ]))
    );
    let c = cells("Node", "", json!({"metadata": {"name": "n"}}));
    assert_eq!(c[1], "Unknown");
}

#[test]
fn job_cells() {
    assert_eq!(
        column_names("Job", "batch")
            .into_iter()
            .map(|c| c.0)
            .collect::<Vec<_>>(),
        [
            "Name",
            "Status",
            "Completions",
            "Duration",
            "Age",
            "Containers",
            "Images",
            "Selector"
        ]
    );
    let job = json!({
        "metadata": {"name": "pi", "creationTimestamp": ago(600)},
        "spec": {"completions": 1, "parallelism": 1,
                 "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "abc"}},
                 "template": {"spec": {"containers": [{"name": "pi", "image": "perl:5.34"}]}}},
        "status": {"succeeded": 1, "startTime": ago(590), "completionTime": ago(550),
                   "conditions": [{"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]}
    });
    assert_eq!(
        cells("Job", "batch", job),
        row(json!([
            "pi",
            "Complete",
            "1/1",
            "40s",
            "10m",
            "pi",
            "perl:5.34",
            "batch.kubernetes.io/controller-uid=abc"
        ]))
    );
    // Running, no completions and parallelism 3: "0/1 of 3", duration since start.
    let job = json!({
        "metadata": {"name": "work", "creationTimestamp": ago(200)},
        "spec": {"parallelism": 3},
        "status": {"startTime": ago(190), "active": 3}
    });
    let c = cells("Job", "batch", job);
    assert_eq!(
        &c[1..5],
        &[
            json!("Running"),
            json!("0/1 of 3"),
            json!("3m10s"),
            json!("3m20s")
        ]
    );
    assert_eq!(c[7], "<none>");
    // Not started, suspended; failed; terminating.
    let job = json!({"metadata": {"name": "s"}, "spec": {"completions": 5},
                     "status": {"conditions": [{"type": "Suspended", "status": "True"}]}});
    let c = cells("Job", "batch", job);
    assert_eq!(&c[1..4], &[json!("Suspended"), json!("0/5"), json!("")]);
    let job = json!({"metadata": {"name": "f", "deletionTimestamp": ago(0)},
                     "status": {"conditions": [{"type": "FailureTarget", "status": "True"}, {"type": "Failed", "status": "True"}]}});
    assert_eq!(cells("Job", "batch", job)[1], "Failed");
    let job = json!({"metadata": {"name": "t", "deletionTimestamp": ago(0)}});
    assert_eq!(cells("Job", "batch", job)[1], "Terminating");
}

#[test]
fn cronjob_cells() {
    let cj = json!({
        "metadata": {"name": "hello", "creationTimestamp": ago(7200)},
        "spec": {"schedule": "*/1 * * * *", "suspend": false,
                 "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "hello", "image": "busybox:1.28"}]}}}}},
        "status": {"active": [{"name": "hello-1"}], "lastScheduleTime": ago(42)}
    });
    assert_eq!(
        cells("CronJob", "batch", cj),
        row(json!([
            "hello",
            "*/1 * * * *",
            "<none>",
            "False",
            1,
            "42s",
            "120m",
            "hello",
            "busybox:1.28",
            "<none>"
        ]))
    );
    let cj =
        json!({"metadata": {"name": "tz"}, "spec": {"schedule": "@daily", "timeZone": "Etc/UTC"}});
    let c = cells("CronJob", "batch", cj);
    assert_eq!(
        &c[2..6],
        &[
            json!("Etc/UTC"),
            json!("<unset>"),
            json!(0),
            json!("<none>")
        ]
    );
}

#[test]
fn event_cells() {
    let names: Vec<(String, i64)> = column_names("Event", "");
    let expect = [
        ("Last Seen", 0),
        ("Type", 0),
        ("Reason", 0),
        ("Object", 0),
        ("Subobject", 1),
        ("Source", 1),
        ("Message", 0),
        ("First Seen", 1),
        ("Count", 1),
        ("Name", 1),
    ];
    assert_eq!(
        names,
        expect
            .iter()
            .map(|(n, p)| (n.to_string(), *p))
            .collect::<Vec<_>>()
    );

    let ev = json!({
        "metadata": {"name": "web.17a", "creationTimestamp": ago(300)},
        "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{nginx}"},
        "reason": "Pulled", "message": "  Successfully pulled image \"nginx\"\n", "type": "Normal",
        "source": {"component": "kubelet", "host": "node-a"},
        "firstTimestamp": ago(300), "lastTimestamp": ago(65), "count": 3
    });
    assert_eq!(
        cells("Event", "", ev),
        row(json!([
            "65s",
            "Normal",
            "Pulled",
            "pod/web",
            "spec.containers{nginx}",
            "kubelet, node-a",
            "Successfully pulled image \"nginx\"",
            "5m",
            3,
            "web.17a"
        ]))
    );
    // New-API style core event: eventTime only, no count, reporting fields.
    let ev = json!({
        "metadata": {"name": "e2"}, "involvedObject": {"kind": "Node"}, "type": "Warning", "reason": "X",
        "eventTime": "2023-12-31T23:59:30.123456Z", "reportingComponent": "sched", "message": "m"
    });
    assert_eq!(
        cells("Event", "", ev),
        row(json!([
            "29s", "Warning", "X", "node", "", "sched", "m", "29s", 1, "e2"
        ]))
    );
    // events.k8s.io/v1 with a series.
    let ev = json!({
        "metadata": {"name": "e3"}, "regarding": {"kind": "Deployment", "name": "d"}, "type": "Normal",
        "reason": "ScalingReplicaSet", "note": "Scaled up", "eventTime": ago(7200),
        "reportingController": "deployment-controller", "reportingInstance": "kcm-1",
        "series": {"count": 7, "lastObservedTime": ago(10)}
    });
    assert_eq!(
        cells("Event", "events.k8s.io", ev),
        row(json!([
            "10s",
            "Normal",
            "ScalingReplicaSet",
            "deployment/d",
            "",
            "deployment-controller, kcm-1",
            "Scaled up",
            "120m",
            7,
            "e3"
        ]))
    );
}

#[test]
fn default_table_for_kinds_without_printers() {
    for (kind, group) in [
        ("Role", "rbac.authorization.k8s.io"),
        ("ClusterRole", "rbac.authorization.k8s.io"),
        ("LimitRange", ""),
        ("Widget", "example.com"),
    ] {
        assert!(!super::has_printer(kind, group), "{kind}");
        let t = table_for(
            kind,
            group,
            &[
                json!({"metadata": {"name": "r", "creationTimestamp": "2024-01-01T01:02:03+01:00"}}),
                json!({"metadata": {"name": "z"}}),
            ],
            NOW,
            IncludeObject::Object,
        );
        assert_eq!(t["columnDefinitions"][0]["name"], "Name");
        assert_eq!(t["columnDefinitions"][0]["format"], "name");
        assert_eq!(t["columnDefinitions"][1]["name"], "Created At");
        assert_eq!(t["columnDefinitions"][1]["type"], "date");
        assert_eq!(t["rows"][0]["cells"], json!(["r", "2024-01-01T00:02:03Z"]));
        assert_eq!(t["rows"][1]["cells"], json!(["z", "0001-01-01T00:00:00Z"]));
        assert_eq!(t["rows"][0]["object"]["metadata"]["name"], "r");
    }
}

#[test]
fn table_envelope_and_include_object() {
    let obj = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "d", "uid": "u"}, "data": {"a": "1"}, "binaryData": {"b": "AA=="}});
    let t = table_for(
        "ConfigMap",
        "",
        std::slice::from_ref(&obj),
        NOW,
        IncludeObject::None,
    );
    assert_eq!(t["kind"], "Table");
    assert_eq!(t["apiVersion"], "meta.k8s.io/v1");
    assert_eq!(t["metadata"], json!({}));
    assert_eq!(t["rows"][0]["cells"], json!(["c", 2, "<unknown>"]));
    assert_eq!(t["rows"][0]["object"], Value::Null);
    assert!(t["rows"][0].get("conditions").is_none());
    let col = &t["columnDefinitions"][1];
    assert_eq!(col["format"], "");
    assert_eq!(col["priority"], 0);

    let opts = TableOptions {
        now_unix_nanos: 0,
        include: IncludeObject::Metadata,
        version: TableVersion::V1Beta1,
        no_headers: true,
        custom: None,
    };
    let t = table_for_with("ConfigMap", "", std::slice::from_ref(&obj), &opts);
    assert_eq!(t["apiVersion"], "meta.k8s.io/v1beta1");
    assert!(t.get("columnDefinitions").is_none());
    assert_eq!(
        t["rows"][0]["object"],
        json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1beta1", "metadata": {"name": "c", "namespace": "d", "uid": "u"}})
    );
    let t = table_for(
        "ConfigMap",
        "",
        std::slice::from_ref(&obj),
        NOW,
        IncludeObject::Object,
    );
    assert_eq!(t["rows"][0]["object"], obj);

    assert_eq!(include_object(""), Ok(IncludeObject::Metadata));
    assert_eq!(include_object("Metadata"), Ok(IncludeObject::Metadata));
    assert_eq!(include_object("None"), Ok(IncludeObject::None));
    assert_eq!(include_object("Object"), Ok(IncludeObject::Object));
    let err = include_object("All").unwrap_err();
    assert_eq!(err.to_string(), "unrecognized includeObject value: \"All\"");
}

#[test]
fn tables_written_row_by_row_match_the_built_ones() {
    let objects: Vec<Value> = (0..3)
        .map(|i| {
            json!({"metadata": {"name": format!("c{i}"), "namespace": "d",
            "creationTimestamp": "2026-11-27T00:00:00Z"}, "data": {"a": "1"}})
        })
        .collect();
    let metadata = json!({"resourceVersion": "42", "continue": "token"});
    for (kind, no_headers, include) in [
        ("ConfigMap", false, IncludeObject::Metadata),
        ("ConfigMap", true, IncludeObject::Object),
        ("Role", false, IncludeObject::None),
    ] {
        let opts = TableOptions {
            now_unix_nanos: i128::from(NOW) * 1_000_000_000,
            include,
            version: TableVersion::V1,
            no_headers,
            custom: None,
        };
        let mut built = table_for_with(kind, "", &objects, &opts);
        built["metadata"] = metadata.clone();
        let written = write_table(kind, "", &opts, &metadata, objects.clone(), Ok::<_, ()>);
        let written = written.unwrap();
        let written: Value = serde_json::from_slice(&written).unwrap();
        assert_eq!(written, built, "{kind}");
    }
    // Large tables are written in parallel, in the same order.
    let many: Vec<Value> = (0..2_500)
        .map(|i| json!({"metadata": {"name": format!("c{i:05}")}}))
        .collect();
    let opts = TableOptions::default();
    let mut built = table_for_with("ConfigMap", "", &many, &opts);
    built["metadata"] = metadata.clone();
    let written = write_table("ConfigMap", "", &opts, &metadata, many, Ok::<_, ()>).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&written).unwrap(), built);

    // A failure to produce an object is the failure of the whole table.
    let items = vec![Ok(objects[0].clone()), Err("gone")];
    assert_eq!(
        write_table("ConfigMap", "", &opts, &metadata, items, |item| item),
        Err("gone")
    );
}

#[test]
fn accept_negotiation() {
    let kubectl = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    assert_eq!(
        negotiate(kubectl),
        TableNegotiation::Table(TableVersion::V1)
    );
    assert!(wants_table(kubectl));
    assert_eq!(
        negotiate("application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json"),
        TableNegotiation::Table(TableVersion::V1Beta1)
    );
    // Unsupported version falls through to the next clause.
    assert_eq!(
        negotiate("application/json;as=Table;v=v2;g=meta.k8s.io,application/json"),
        TableNegotiation::Plain
    );
    assert_eq!(
        negotiate("application/json;as=Table;v=v2;g=meta.k8s.io"),
        TableNegotiation::NotAcceptable
    );
    assert_eq!(
        negotiate("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"),
        TableNegotiation::Metadata("v1")
    );
    assert_eq!(
        negotiate("application/json;as=PartialObjectMetadata;v=v2;g=meta.k8s.io"),
        TableNegotiation::NotAcceptable
    );
    // q-values order the clauses.
    assert_eq!(
        negotiate("application/json;as=Table;v=v1;g=meta.k8s.io;q=0.5,application/json"),
        TableNegotiation::Plain
    );
    assert_eq!(
        negotiate("application/json;q=0.5,application/json;as=Table;v=v1;g=meta.k8s.io;q=0.9"),
        TableNegotiation::Table(TableVersion::V1)
    );
    assert_eq!(negotiate(""), TableNegotiation::Plain);
    assert_eq!(negotiate("*/*"), TableNegotiation::Plain);
    assert_eq!(negotiate("application/yaml"), TableNegotiation::Plain);
    assert!(!wants_table("application/json"));
}

#[test]
fn other_resources_cells() {
    let meta = |n: &str| json!({"name": n, "creationTimestamp": ago(60)});
    let check = |kind: &str, group: &str, obj: Value, want: Value| {
        assert_eq!(cells(kind, group, obj), row(want), "{group}/{kind}");
    };
    check(
        "Namespace",
        "",
        json!({"metadata": meta("ns"), "status": {"phase": "Active"}}),
        json!(["ns", "Active", "60s"]),
    );
    check(
        "Secret",
        "",
        json!({"metadata": meta("s"), "type": "Opaque", "data": {"a": "", "b": ""}}),
        json!(["s", "Opaque", 2, "60s"]),
    );
    check(
        "ServiceAccount",
        "",
        json!({"metadata": meta("default")}),
        json!(["default", 0, "60s"]),
    );
    check(
        "Endpoints",
        "",
        json!({"metadata": meta("ep"), "subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "fd00::1"}], "ports": [{"port": 80}, {"port": 443}]}]}),
        json!([
            "ep",
            "10.0.0.1:80,[fd00::1]:80,10.0.0.1:443 + 1 more...",
            "60s"
        ]),
    );
    check(
        "Endpoints",
        "",
        json!({"metadata": meta("e")}),
        json!(["e", "<none>", "60s"]),
    );
    check(
        "ReplicationController",
        "",
        json!({"metadata": meta("rc"), "spec": {"replicas": 2, "selector": {"app": "x"}, "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}, "status": {"replicas": 2, "readyReplicas": 1}}),
        json!(["rc", 2, 2, 1, "60s", "c", "i", "app=x"]),
    );
    check(
        "PersistentVolume",
        "",
        json!({"metadata": meta("pv"), "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Retain", "claimRef": {"namespace": "d", "name": "data"}, "storageClassName": "fast", "volumeMode": "Filesystem"}, "status": {"phase": "Bound"}}),
        json!([
            "pv",
            "10Gi",
            "RWO,RWX",
            "Retain",
            "Bound",
            "d/data",
            "fast",
            "<unset>",
            "",
            "60s",
            "Filesystem"
        ]),
    );
    check(
        "PersistentVolumeClaim",
        "",
        json!({"metadata": meta("data"), "spec": {"volumeName": "pv", "storageClassName": "fast"}, "status": {"phase": "Bound", "capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"]}}),
        json!([
            "data", "Bound", "pv", "10Gi", "RWO", "fast", "<unset>", "60s", "<unset>"
        ]),
    );
    check(
        "ResourceQuota",
        "",
        json!({"metadata": meta("q"), "status": {"hard": {"pods": "10", "limits.cpu": "2", "requests.cpu": "1"}, "used": {"pods": "3", "requests.cpu": "500m"}}}),
        json!([
            "q",
            "pods: 3/10, requests.cpu: 500m/1",
            "limits.cpu: 0/2",
            "60s"
        ]),
    );
    check(
        "PodTemplate",
        "",
        json!({"metadata": meta("pt"), "template": {"metadata": {"labels": {"b": "2", "a": "1"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}),
        json!(["pt", "c", "i", "a=1,b=2"]),
    );
    let tmpl = json!({"spec": {"containers": [{"name": "c", "image": "i"}], "nodeSelector": {"kubernetes.io/os": "linux"}}});
    check(
        "ReplicaSet",
        "apps",
        json!({"metadata": meta("rs"), "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "x"}}, "template": tmpl}, "status": {"replicas": 2, "readyReplicas": 2}}),
        json!(["rs", 2, 2, 2, "60s", "c", "i", "app=x"]),
    );
    check(
        "DaemonSet",
        "apps",
        json!({"metadata": meta("ds"), "spec": {"selector": {"matchLabels": {"app": "x"}}, "template": tmpl}, "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2, "updatedNumberScheduled": 3, "numberAvailable": 2}}),
        json!([
            "ds",
            3,
            3,
            2,
            3,
            2,
            "kubernetes.io/os=linux",
            "60s",
            "c",
            "i",
            "app=x"
        ]),
    );
    check(
        "StatefulSet",
        "apps",
        json!({"metadata": meta("web"), "spec": {"replicas": 3, "template": tmpl}, "status": {"readyReplicas": 1}}),
        json!(["web", "1/3", "60s", "c", "i"]),
    );
    check(
        "ControllerRevision",
        "apps",
        json!({"metadata": {"name": "ds-7c", "creationTimestamp": ago(60), "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "ds", "controller": true}]}, "revision": 4}),
        json!(["ds-7c", "daemonset.apps/ds", 4, "60s"]),
    );
    check(
        "Lease",
        "coordination.k8s.io",
        json!({"metadata": meta("l"), "spec": {"holderIdentity": "node-a"}}),
        json!(["l", "node-a", "60s"]),
    );
    check(
        "EndpointSlice",
        "discovery.k8s.io",
        json!({"metadata": meta("es"), "addressType": "IPv4", "ports": [{"name": "http", "port": 80}, {"name": "x"}, {}], "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2"]}]}),
        json!(["es", "IPv4", "80,x,*", "10.0.0.1,10.0.0.2", "60s"]),
    );
    check(
        "EndpointSlice",
        "discovery.k8s.io",
        json!({"metadata": meta("e"), "addressType": "IPv4"}),
        json!(["e", "IPv4", "<unset>", "<unset>", "60s"]),
    );
    check(
        "Ingress",
        "networking.k8s.io",
        json!({"metadata": meta("ing"), "spec": {"ingressClassName": "nginx", "rules": [{"host": "a.com"}, {}, {"host": "b.com"}, {"host": "c.com"}, {"host": "d.com"}], "tls": [{}]}, "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}}),
        json!([
            "ing",
            "nginx",
            "a.com,b.com,c.com + 2 more...",
            "1.2.3.4",
            "80, 443",
            "60s"
        ]),
    );
    check(
        "Ingress",
        "networking.k8s.io",
        json!({"metadata": meta("i2"), "spec": {}}),
        json!(["i2", "<none>", "*", "", "80", "60s"]),
    );
    check(
        "IngressClass",
        "networking.k8s.io",
        json!({"metadata": meta("nginx"), "spec": {"controller": "k8s.io/ingress-nginx", "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "p"}}}),
        json!([
            "nginx",
            "k8s.io/ingress-nginx",
            "IngressParameters.k8s.example.com/p",
            "60s"
        ]),
    );
    check(
        "NetworkPolicy",
        "networking.k8s.io",
        json!({"metadata": meta("np"), "spec": {"podSelector": {"matchExpressions": [{"key": "role", "operator": "DoesNotExist"}]}}}),
        json!(["np", "!role", "60s"]),
    );
    check(
        "NetworkPolicy",
        "networking.k8s.io",
        json!({"metadata": meta("all"), "spec": {"podSelector": {}}}),
        json!(["all", "<none>", "60s"]),
    );
    check(
        "RoleBinding",
        "rbac.authorization.k8s.io",
        json!({"metadata": meta("rb"), "roleRef": {"kind": "ClusterRole", "name": "view"}, "subjects": [{"kind": "User", "name": "alice"}, {"kind": "User", "name": "bob"}, {"kind": "Group", "name": "devs"}, {"kind": "ServiceAccount", "namespace": "ci", "name": "runner"}]}),
        json!([
            "rb",
            "ClusterRole/view",
            "60s",
            "alice, bob",
            "devs",
            "ci/runner"
        ]),
    );
    check(
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        json!({"metadata": meta("crb"), "roleRef": {"kind": "ClusterRole", "name": "admin"}}),
        json!(["crb", "ClusterRole/admin", "60s", "", "", ""]),
    );
    check(
        "PodDisruptionBudget",
        "policy",
        json!({"metadata": meta("pdb"), "spec": {"minAvailable": "50%"}, "status": {"disruptionsAllowed": 1}}),
        json!(["pdb", "50%", "N/A", 1, "60s"]),
    );
    check(
        "PodDisruptionBudget",
        "policy",
        json!({"metadata": meta("pdb"), "spec": {"maxUnavailable": 1}}),
        json!(["pdb", "N/A", "1", 0, "60s"]),
    );
    check(
        "StorageClass",
        "storage.k8s.io",
        json!({"metadata": {"name": "standard", "creationTimestamp": ago(60), "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}, "provisioner": "rancher.io/local-path", "volumeBindingMode": "WaitForFirstConsumer"}),
        json!([
            "standard (default)",
            "rancher.io/local-path",
            "Delete",
            "WaitForFirstConsumer",
            false,
            "60s"
        ]),
    );
    check(
        "PriorityClass",
        "scheduling.k8s.io",
        json!({"metadata": meta("system-node-critical"), "value": 2000001000, "preemptionPolicy": "PreemptLowerPriority"}),
        json!([
            "system-node-critical",
            2000001000,
            false,
            "60s",
            "PreemptLowerPriority"
        ]),
    );
    check(
        "HorizontalPodAutoscaler",
        "autoscaling",
        json!({"metadata": meta("h"), "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 10, "targetCPUUtilizationPercentage": 80}, "status": {"currentReplicas": 2, "currentCPUUtilizationPercentage": 35}}),
        json!(["h", "Deployment/web", "cpu: 35%/80%", "1", 10, 2, "60s"]),
    );
    check(
        "HorizontalPodAutoscaler",
        "autoscaling",
        json!({"metadata": meta("h2"), "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 5, "metrics": [
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}},
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "100Mi"}}},
            {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "1k"}}}]},
            "status": {"currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 20, "averageValue": "100m"}}}]}}),
        json!([
            "h2",
            "Deployment/web",
            "cpu: 20%/50%, memory: <unknown>/100Mi + 1 more...",
            "<unset>",
            5,
            0,
            "60s"
        ]),
    );
}
