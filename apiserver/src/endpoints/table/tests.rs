//! Tests: HumanDuration (ported cases from apimachinery's duration_test.go),
//! pods, deployments and services (cases modelled on upstream's
//! printers_test.go `TestPrintPod*`, `TestPrintDeployment`, `TestPrintService`).

use serde_json::{Value, json};

use super::{IncludeObject, human_duration, table_for};

/// 2024-01-01T00:00:00Z.
pub(super) const NOW: i64 = 1_704_067_200;

/// RFC 3339 time `secs` seconds before [`NOW`].
pub(super) fn ago(secs: i64) -> String {
    super::format_rfc3339_utc(NOW - secs)
}

/// The cells of the single row produced for `obj`.
pub(super) fn cells(kind: &str, group: &str, obj: Value) -> Vec<Value> {
    let t = table_for(kind, group, &[obj], NOW, IncludeObject::None);
    t["rows"][0]["cells"].as_array().unwrap().clone()
}

/// Column names of a kind's table.
pub(super) fn column_names(kind: &str, group: &str) -> Vec<(String, i64)> {
    let t = table_for(kind, group, &[], NOW, IncludeObject::None);
    t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["priority"].as_i64().unwrap(),
            )
        })
        .collect()
}

const NS: i64 = 1;
const MS: i64 = 1_000_000;
const SEC: i64 = 1_000_000_000;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

#[test]
fn human_duration_matches_upstream() {
    let cases = [
        (SEC, "1s"),
        (70 * SEC, "70s"),
        (190 * SEC, "3m10s"),
        (70 * MIN, "70m"),
        (47 * HOUR, "47h"),
        (49 * HOUR, "2d1h"),
        ((8 * 24 + 2) * HOUR, "8d"),
        (367 * DAY, "367d"),
        ((365 * 2 * 24 + 25) * HOUR, "2y1d"),
        ((365 * 8 * 24 + 2) * HOUR, "8y"),
    ];
    for (d, want) in cases {
        assert_eq!(human_duration(d), want, "{d}ns");
    }
}

#[test]
fn human_duration_boundaries_match_upstream() {
    let y = 365 * DAY;
    let cases = [
        (-2 * SEC, "<invalid>"),
        (-2 * SEC + NS, "0s"),
        (0, "0s"),
        (SEC - MS, "0s"),
        (2 * MIN - MS, "119s"),
        (2 * MIN, "2m"),
        (2 * MIN + SEC, "2m1s"),
        (10 * MIN - MS, "9m59s"),
        (10 * MIN, "10m"),
        (10 * MIN + SEC, "10m"),
        (3 * HOUR - MS, "179m"),
        (3 * HOUR, "3h"),
        (3 * HOUR + MIN, "3h1m"),
        (8 * HOUR - MS, "7h59m"),
        (8 * HOUR, "8h"),
        (8 * HOUR + 59 * MIN, "8h"),
        (2 * DAY - MS, "47h"),
        (2 * DAY, "2d"),
        (2 * DAY + HOUR, "2d1h"),
        (8 * DAY - MS, "7d23h"),
        (8 * DAY, "8d"),
        (8 * DAY + 23 * HOUR, "8d"),
        (2 * y - MS, "729d"),
        (2 * y, "2y"),
        (2 * y + 23 * HOUR, "2y"),
        (2 * y + 23 * HOUR + 59 * MIN, "2y"),
        (2 * y + DAY - MS, "2y"),
        (2 * y + DAY, "2y1d"),
        (3 * y, "3y"),
        (4 * y, "4y"),
        (5 * y, "5y"),
        (6 * y, "6y"),
        (7 * y, "7y"),
        (8 * y - MS, "7y364d"),
        (8 * y, "8y"),
        (8 * y + 364 * DAY, "8y"),
        (9 * y, "9y"),
    ];
    for (d, want) in cases {
        assert_eq!(human_duration(d), want, "{d}ns");
    }
}

#[test]
fn rfc3339_parsing() {
    let p = super::parse_rfc3339;
    assert_eq!(
        p("2024-01-01T00:00:00Z"),
        Some(i128::from(NOW) * 1_000_000_000)
    );
    assert_eq!(
        p("2024-01-01T01:00:00+01:00"),
        Some(i128::from(NOW) * 1_000_000_000)
    );
    assert_eq!(
        p("2023-12-31T23:59:59.5Z"),
        Some(i128::from(NOW) * 1_000_000_000 - 500_000_000)
    );
    assert_eq!(
        p("2023-12-31T23:59:59.123456Z"),
        Some(i128::from(NOW - 1) * 1_000_000_000 + 123_456_000)
    );
    assert_eq!(p("garbage"), None);
    assert_eq!(super::format_rfc3339_utc(NOW), "2024-01-01T00:00:00Z");
    assert_eq!(
        super::format_rfc3339_utc(951_782_400),
        "2000-02-29T00:00:00Z"
    );
}

#[test]
fn pod_columns() {
    let names: Vec<(String, i64)> = column_names("Pod", "");
    let expect = [
        ("Name", 0),
        ("Ready", 0),
        ("Status", 0),
        ("Restarts", 0),
        ("Age", 0),
        ("IP", 1),
        ("Node", 1),
        ("Nominated Node", 1),
        ("Readiness Gates", 1),
    ];
    let expect: Vec<(String, i64)> = expect.iter().map(|(n, p)| (n.to_string(), *p)).collect();
    assert_eq!(names, expect);
}

#[test]
fn pod_running_with_restarts() {
    // printers_test.go TestPrintPod: restart counts sum over containers;
    // with a last termination the "(X ago)" suffix appears.
    let pod = json!({
        "metadata": {"name": "web-1", "creationTimestamp": ago(3 * 3600 + 120)},
        "spec": {"nodeName": "node-a", "containers": [{"name": "a"}, {"name": "b"}]},
        "status": {
            "phase": "Running",
            "podIP": "10.0.0.5",
            "podIPs": [{"ip": "10.0.0.5"}, {"ip": "fd00::5"}],
            "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [
                {"name": "a", "ready": true, "restartCount": 2, "state": {"running": {"startedAt": ago(60)}},
                 "lastState": {"terminated": {"exitCode": 1, "finishedAt": ago(300)}}},
                {"name": "b", "ready": false, "restartCount": 1, "state": {"running": {}},
                 "lastState": {"terminated": {"exitCode": 1, "finishedAt": ago(3600)}}}
            ]
        }
    });
    assert_eq!(
        cells("Pod", "", pod),
        json!([
            "web-1",
            "1/2",
            "Running",
            "3 (5m ago)",
            "3h2m",
            "10.0.0.5",
            "node-a",
            "<none>",
            "<none>"
        ])
        .as_array()
        .unwrap()
        .clone()
    );
}

#[test]
fn pod_crash_loop_and_pending() {
    let pod = json!({
        "metadata": {"name": "crash", "creationTimestamp": ago(90)},
        "spec": {"containers": [{"name": "a"}]},
        "status": {"phase": "Running", "containerStatuses": [
            {"name": "a", "ready": false, "restartCount": 4,
             "state": {"waiting": {"reason": "CrashLoopBackOff"}},
             "lastState": {"terminated": {"exitCode": 2, "finishedAt": ago(30)}}}
        ]}
    });
    let c = cells("Pod", "", pod);
    assert_eq!(c[1], "0/1");
    assert_eq!(c[2], "CrashLoopBackOff");
    assert_eq!(c[3], "4 (30s ago)");
    assert_eq!(c[4], "90s");

    // Unscheduled pod: phase Pending, no statuses, restarts as plain "0".
    let pod = json!({
        "metadata": {"name": "p", "creationTimestamp": ago(5)},
        "spec": {"containers": [{"name": "a"}], "readinessGates": [{"conditionType": "x/y"}]},
        "status": {"phase": "Pending", "conditions": [{"type": "x/y", "status": "True"}]}
    });
    let c = cells("Pod", "", pod);
    assert_eq!(
        &c[..5],
        &[
            json!("p"),
            json!("0/1"),
            json!("Pending"),
            json!("0"),
            json!("5s")
        ]
    );
    assert_eq!(c[5], "<none>");
    assert_eq!(c[8], "1/1");
}

#[test]
fn pod_init_container_states() {
    let base = |statuses: Value| {
        json!({
            "metadata": {"name": "init", "creationTimestamp": ago(10)},
            "spec": {"initContainers": [{"name": "i1"}, {"name": "i2"}], "containers": [{"name": "a"}]},
            "status": {"phase": "Pending", "initContainerStatuses": statuses,
                       "containerStatuses": [{"name": "a", "state": {"waiting": {"reason": "PodInitializing"}}}]}
        })
    };
    // First init container done, second running: Init:1/2.
    let c = cells(
        "Pod",
        "",
        base(json!([
            {"name": "i1", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
            {"name": "i2", "state": {"running": {}}}
        ])),
    );
    assert_eq!(c[2], "Init:1/2");
    // Waiting with a reason: Init:<reason>.
    let c = cells(
        "Pod",
        "",
        base(
            json!([{"name": "i1", "restartCount": 2, "state": {"waiting": {"reason": "ImagePullBackOff"}}}]),
        ),
    );
    assert_eq!(c[2], "Init:ImagePullBackOff");
    assert_eq!(c[3], "2");
    // Failed without a reason: Init:ExitCode / Init:Signal.
    let c = cells(
        "Pod",
        "",
        base(json!([{"name": "i1", "state": {"terminated": {"exitCode": 3}}}])),
    );
    assert_eq!(c[2], "Init:ExitCode:3");
    let c = cells(
        "Pod",
        "",
        base(json!([{"name": "i1", "state": {"terminated": {"exitCode": 137, "signal": 9}}}])),
    );
    assert_eq!(c[2], "Init:Signal:9");
}

#[test]
fn pod_sidecar_counts_and_completed_states() {
    // A restartable (sidecar) init container counts toward READY's total.
    let pod = json!({
        "metadata": {"name": "sc", "creationTimestamp": ago(10)},
        "spec": {"initContainers": [{"name": "proxy", "restartPolicy": "Always"}], "containers": [{"name": "a"}]},
        "status": {"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
            "initContainerStatuses": [{"name": "proxy", "ready": true, "started": true, "restartCount": 1, "state": {"running": {}}}],
            "containerStatuses": [{"name": "a", "ready": true, "state": {"running": {}}}]}
    });
    let c = cells("Pod", "", pod);
    assert_eq!(c[1], "2/2");
    assert_eq!(c[2], "Running");
    assert_eq!(c[3], "1");

    // One container Completed, another still running, pod not Ready: NotReady.
    let pod = json!({
        "metadata": {"name": "nr", "creationTimestamp": ago(10)},
        "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
        "status": {"phase": "Running", "containerStatuses": [
            {"name": "a", "ready": false, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
            {"name": "b", "ready": true, "state": {"running": {}}}
        ]}
    });
    let c = cells("Pod", "", pod);
    assert_eq!(c[2], "NotReady");

    // Succeeded pod: Completed, with the row condition upstream sets.
    let pod = json!({
        "metadata": {"name": "done", "creationTimestamp": ago(10)},
        "spec": {"containers": [{"name": "a"}]},
        "status": {"phase": "Succeeded", "containerStatuses": [
            {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}
    });
    let t = table_for("Pod", "", &[pod], NOW, IncludeObject::Metadata);
    assert_eq!(t["rows"][0]["cells"][2], "Completed");
    assert_eq!(t["rows"][0]["conditions"][0]["reason"], "Succeeded");
    assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    assert_eq!(t["rows"][0]["object"]["metadata"]["name"], "done");
}

#[test]
fn pod_terminating_and_node_lost() {
    let pod = |reason: &str| {
        json!({
            "metadata": {"name": "t", "creationTimestamp": ago(10), "deletionTimestamp": ago(0)},
            "spec": {"containers": [{"name": "a"}]},
            "status": {"phase": "Running", "reason": reason,
                "containerStatuses": [{"name": "a", "ready": true, "state": {"running": {}}}]}
        })
    };
    assert_eq!(cells("Pod", "", pod(""))[2], "Terminating");
    assert_eq!(cells("Pod", "", pod("NodeLost"))[2], "Unknown");
}

#[test]
fn deployment_cells() {
    let d = json!({
        "metadata": {"name": "nginx", "creationTimestamp": ago(454)},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "nginx", "tier": "web"},
                 "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]}]},
                 "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}, {"name": "log", "image": "busybox"}]}}},
        "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}
    });
    assert_eq!(
        cells("Deployment", "apps", d),
        json!([
            "nginx",
            "2/3",
            3,
            2,
            "7m34s",
            "nginx,log",
            "nginx:1.27,busybox",
            "app=nginx,env in (dev,prod),tier=web"
        ])
        .as_array()
        .unwrap()
        .clone()
    );
    // Fresh deployment without status; no selector prints as empty.
    let d =
        json!({"metadata": {"name": "x", "creationTimestamp": ago(1)}, "spec": {"replicas": 0}});
    assert_eq!(
        cells("Deployment", "apps", d),
        json!(["x", "0/0", 0, 0, "1s", "", "", ""])
            .as_array()
            .unwrap()
            .clone()
    );
    let names: Vec<String> = column_names("Deployment", "apps")
        .into_iter()
        .map(|c| c.0)
        .collect();
    assert_eq!(
        names,
        [
            "Name",
            "Ready",
            "Up-to-date",
            "Available",
            "Age",
            "Containers",
            "Images",
            "Selector"
        ]
    );
}

#[test]
fn service_cells() {
    let svc = |spec: Value, status: Value| json!({"metadata": {"name": "svc", "creationTimestamp": ago(3 * 86400)}, "spec": spec, "status": status});
    let c = cells(
        "Service",
        "",
        svc(
            json!({"type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                   "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}], "selector": {"k8s-app": "kube-dns"}}),
            json!({}),
        ),
    );
    assert_eq!(
        c,
        json!([
            "svc",
            "ClusterIP",
            "10.96.0.10",
            "<none>",
            "53/UDP,53/TCP",
            "3d",
            "k8s-app=kube-dns"
        ])
        .as_array()
        .unwrap()
        .clone()
    );
    let c = cells(
        "Service",
        "",
        svc(
            json!({"type": "NodePort", "clusterIPs": ["10.0.0.1"], "externalIPs": ["1.2.3.4"],
                   "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}]}),
            json!({}),
        ),
    );
    assert_eq!(c[3], "1.2.3.4");
    assert_eq!(c[4], "80:30080/TCP");
    assert_eq!(c[6], "<none>");
    // LoadBalancer: pending, then sorted ingress plus external IPs.
    let lb = json!({"type": "LoadBalancer", "clusterIPs": ["10.0.0.2"], "ports": [{"port": 443, "nodePort": 31443, "protocol": "TCP"}]});
    assert_eq!(
        cells("Service", "", svc(lb.clone(), json!({})))[3],
        "<pending>"
    );
    let status = json!({"loadBalancer": {"ingress": [{"ip": "5.6.7.8"}, {"hostname": "lb.example.com"}, {"ip": "5.6.7.8"}]}});
    assert_eq!(
        cells("Service", "", svc(lb, status))[3],
        "5.6.7.8,lb.example.com"
    );
    // Headless and ExternalName.
    let c = cells(
        "Service",
        "",
        svc(
            json!({"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"]}),
            json!({}),
        ),
    );
    assert_eq!(c[2], "None");
    assert_eq!(c[4], "<none>");
    let c = cells(
        "Service",
        "",
        svc(
            json!({"type": "ExternalName", "externalName": "db.example.com"}),
            json!({}),
        ),
    );
    assert_eq!(c[2], "<none>");
    assert_eq!(c[3], "db.example.com");
}
