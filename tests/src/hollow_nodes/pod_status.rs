//! The pod statuses a hollow node writes, as a kubelet would report them: running (every
//! container started and ready), finished (Succeeded or Failed, containers terminated),
//! restarted (`restartPolicy: OnFailure` after a failure) and killed (the pod is being deleted).
//!
//! Pure functions from the pod and what the hollow node decided to JSON, so they are unit-tested
//! without an API server. Containers are reported sorted by name, as the kubelet does.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::{Container, Pod};
use serde_json::{Value, json};

/// Where and since when a pod runs.
#[derive(Clone, Debug)]
pub struct Placement {
    pub host_ip: Ipv4Addr,
    pub pod_ip: Ipv4Addr,
    /// RFC 3339, seconds: the pod's `startTime`.
    pub start_time: String,
    /// When the containers' current run started.
    pub run_started_at: String,
}

/// How the pod's containers ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exit {
    pub code: i32,
}

impl Exit {
    /// What the kubelet reports as the terminated state's reason.
    fn reason(self) -> &'static str {
        if self.code == 0 { "Completed" } else { "Error" }
    }
}

/// The current time as API `Time` (RFC 3339, seconds, UTC).
pub fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The current time as API `MicroTime` (microseconds), as Lease `renewTime` takes it.
pub fn now_micro() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// The status of a pod whose containers all run and are ready.
pub fn running(pod: &Pod, at: &Placement, restarts: i32, now: &str) -> Value {
    let mut status = base(pod, at);
    status["phase"] = json!("Running");
    status["conditions"] = conditions(
        pod,
        &[
            ("PodReadyToStartContainers", true, None),
            ("Initialized", true, None),
            ("Ready", true, None),
            ("ContainersReady", true, None),
            ("PodScheduled", true, None),
        ],
        now,
    );
    status["containerStatuses"] = sorted(containers(pod).map(|c| {
        let mut s = container_base(pod, c, restarts);
        s["state"] = json!({"running": {"startedAt": at.run_started_at}});
        s["ready"] = json!(true);
        s["started"] = json!(true);
        s
    }));
    status
}

/// The status after a container of a `restartPolicy: OnFailure` pod failed and was started
/// again at `at.run_started_at`: the failure (a run that started at `previous_start`) is the
/// `lastState`, the new run the `state`.
pub fn restarted(
    pod: &Pod,
    at: &Placement,
    restarts: i32,
    exit: Exit,
    previous_start: &str,
) -> Value {
    let now = &at.run_started_at;
    let mut status = running(pod, at, restarts, now);
    let previous = restarts.saturating_sub(1);
    let finished: Vec<Value> = containers(pod)
        .map(|c| terminated(pod, c, previous, exit, previous_start, now))
        .collect();
    if let Some(list) = status["containerStatuses"].as_array_mut() {
        for (s, last) in list.iter_mut().zip(sorted_values(finished)) {
            s["lastState"] = json!({"terminated": last});
        }
    }
    status
}

/// The status of a pod whose containers all exited: Succeeded when every exit code is 0
/// (also for `restartPolicy: Always` pods being deleted), Failed otherwise.
pub fn finished(pod: &Pod, at: &Placement, restarts: i32, exit: Exit, now: &str) -> Value {
    let mut status = base(pod, at);
    let (phase, reason) = if exit.code == 0 {
        ("Succeeded", "PodCompleted")
    } else {
        ("Failed", "PodFailed")
    };
    status["phase"] = json!(phase);
    status["conditions"] = conditions(
        pod,
        &[
            ("PodReadyToStartContainers", false, None),
            (
                "Initialized",
                true,
                (exit.code == 0).then_some("PodCompleted"),
            ),
            ("Ready", false, Some(reason)),
            ("ContainersReady", false, Some(reason)),
            ("PodScheduled", true, None),
        ],
        now,
    );
    status["containerStatuses"] = sorted(containers(pod).map(|c| {
        let mut s = container_base(pod, c, restarts);
        s["state"] =
            json!({"terminated": terminated(pod, c, restarts, exit, &at.run_started_at, now)});
        s["ready"] = json!(false);
        s["started"] = json!(false);
        s
    }));
    status
}

/// The exit a deleted pod's containers report: killed (SIGKILL's 137) unless it had finished.
pub const KILLED: Exit = Exit { code: 137 };

fn terminated(
    pod: &Pod,
    c: &Container,
    restarts: i32,
    exit: Exit,
    started: &str,
    now: &str,
) -> Value {
    json!({
        "exitCode": exit.code,
        "reason": exit.reason(),
        "startedAt": started,
        "finishedAt": now,
        "containerID": container_id(pod, &c.name, restarts),
    })
}

/// What every status shares: addresses, start time, init containers, QoS class.
fn base(pod: &Pod, at: &Placement) -> Value {
    let init: Vec<Value> = pod
        .spec
        .iter()
        .flat_map(|s| s.init_containers.iter().flatten())
        .map(|c| {
            let mut s = container_base(pod, c, 0);
            if c.restart_policy.as_deref() == Some("Always") {
                // A sidecar: runs next to the main containers.
                s["state"] = json!({"running": {"startedAt": at.start_time}});
                s["ready"] = json!(true);
                s["started"] = json!(true);
            } else {
                s["state"] = json!({"terminated": {
                    "exitCode": 0, "reason": "Completed", "startedAt": at.start_time,
                    "finishedAt": at.start_time, "containerID": container_id(pod, &c.name, 0)}});
                s["ready"] = json!(true);
                s["started"] = json!(false);
            }
            s
        })
        .collect();
    let mut status = json!({
        "hostIP": at.host_ip.to_string(),
        "hostIPs": [{"ip": at.host_ip.to_string()}],
        "podIP": at.pod_ip.to_string(),
        "podIPs": [{"ip": at.pod_ip.to_string()}],
        "startTime": at.start_time,
        "qosClass": qos_class(pod),
    });
    if !init.is_empty() {
        status["initContainerStatuses"] = sorted_values(init).into();
    }
    status
}

fn containers(pod: &Pod) -> impl Iterator<Item = &Container> {
    pod.spec.iter().flat_map(|s| s.containers.iter())
}

fn container_base(pod: &Pod, c: &Container, restarts: i32) -> Value {
    let image = normalized_image(c.image.as_deref().unwrap_or_default());
    json!({
        "name": c.name,
        "image": image,
        "imageID": image_id(&image),
        "containerID": container_id(pod, &c.name, restarts),
        "restartCount": restarts,
        "lastState": {},
    })
}

fn sorted(statuses: impl Iterator<Item = Value>) -> Value {
    sorted_values(statuses.collect()).into()
}

fn sorted_values(mut statuses: Vec<Value>) -> Vec<Value> {
    statuses.sort_by(|a, b| {
        a["name"]
            .as_str()
            .unwrap_or_default()
            .cmp(b["name"].as_str().unwrap_or_default())
    });
    statuses
}

/// The pod's conditions with `ours` set: the transition time moves only when the status
/// changes; conditions of other writers (readiness gates, DisruptionTarget) are kept.
fn conditions(pod: &Pod, ours: &[(&str, bool, Option<&str>)], now: &str) -> Value {
    let existing = pod
        .status
        .as_ref()
        .and_then(|s| s.conditions.clone())
        .unwrap_or_default();
    let mut out: Vec<Value> = Vec::new();
    for (kind, status, reason) in ours {
        let status = if *status { "True" } else { "False" };
        let old = existing.iter().find(|c| c.type_ == *kind);
        let transition = match old {
            Some(old) if old.status == status => old
                .last_transition_time
                .as_ref()
                .map(|t| t.0.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_else(|| now.to_owned()),
            _ => now.to_owned(),
        };
        let mut c = json!({"type": kind, "status": status, "lastProbeTime": null,
            "lastTransitionTime": transition});
        if let Some(reason) = reason {
            c["reason"] = json!(reason);
        }
        out.push(c);
    }
    for c in existing
        .iter()
        .filter(|c| !ours.iter().any(|(k, _, _)| *k == c.type_))
    {
        out.push(serde_json::to_value(c).unwrap_or(Value::Null));
    }
    out.into()
}

/// The pod's QoS class: as the API server set it, else computed as upstream does for the
/// common cases (no requests or limits: BestEffort; limits equal requests for cpu and memory
/// of every container: Guaranteed; otherwise Burstable).
fn qos_class(pod: &Pod) -> String {
    if let Some(class) = pod.status.as_ref().and_then(|s| s.qos_class.clone()) {
        return class;
    }
    let all: Vec<&Container> = pod
        .spec
        .iter()
        .flat_map(|s| {
            s.containers
                .iter()
                .chain(s.init_containers.iter().flatten())
        })
        .collect();
    let quantity = |c: &Container, limits: bool, name: &str| {
        c.resources.as_ref().and_then(|r| {
            let map = if limits { &r.limits } else { &r.requests };
            map.as_ref().and_then(|m| m.get(name)).map(|q| q.0.clone())
        })
    };
    let any = all.iter().any(|c| {
        ["cpu", "memory"]
            .iter()
            .any(|r| quantity(c, true, r).is_some() || quantity(c, false, r).is_some())
    });
    if !any {
        return "BestEffort".into();
    }
    let guaranteed = all.iter().all(|c| {
        ["cpu", "memory"].iter().all(|r| {
            let limit = quantity(c, true, r);
            limit.is_some() && (quantity(c, false, r).is_none() || quantity(c, false, r) == limit)
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
    .into()
}

/// The image reference as the runtime reports it: `nginx` is `docker.io/library/nginx:latest`.
pub fn normalized_image(image: &str) -> String {
    let (first, rest) = image.split_once('/').unwrap_or(("", image));
    let has_registry =
        !first.is_empty() && (first.contains('.') || first.contains(':') || first == "localhost");
    let mut out = if has_registry {
        image.to_owned()
    } else if first.is_empty() {
        format!("docker.io/library/{rest}")
    } else {
        format!("docker.io/{image}")
    };
    let last = out.rsplit('/').next().unwrap_or_default();
    if !last.contains(':') && !last.contains('@') {
        out.push_str(":latest");
    }
    out
}

/// A stable digest reference for an image (the same image always has the same ID).
fn image_id(image: &str) -> String {
    let repository = image
        .split('@')
        .next()
        .map(|r| match r.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => repo,
            _ => r,
        })
        .unwrap_or(image);
    format!("{repository}@sha256:{}", hex64(&[image]))
}

/// `containerd://` and 64 hex digits, stable for one container run of one pod.
pub fn container_id(pod: &Pod, container: &str, restarts: i32) -> String {
    let uid = pod.metadata.uid.as_deref().unwrap_or_default();
    format!(
        "containerd://{}",
        hex64(&[uid, container, &restarts.to_string()])
    )
}

fn hex64(parts: &[&str]) -> String {
    (0u8..4)
        .map(|salt| {
            let mut h = DefaultHasher::new();
            salt.hash(&mut h);
            parts.hash(&mut h);
            format!("{:016x}", h.finish())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(spec: Value) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "p", "namespace": "default", "uid": "u-1"},
            "spec": spec,
            "status": {"phase": "Pending", "qosClass": "BestEffort", "conditions": [
                {"type": "PodScheduled", "status": "True",
                 "lastTransitionTime": "2025-01-01T00:00:00Z"}]},
        }))
        .unwrap()
    }

    fn placement() -> Placement {
        Placement {
            host_ip: Ipv4Addr::new(100, 64, 0, 1),
            pod_ip: Ipv4Addr::new(10, 0, 0, 2),
            start_time: "2025-01-01T00:00:01Z".into(),
            run_started_at: "2025-01-01T00:00:01Z".into(),
        }
    }

    #[test]
    fn running_pods_report_ready_containers_sorted_by_name() {
        let p = pod(json!({"containers": [{"name": "web", "image": "nginx"},
            {"name": "agent", "image": "ghcr.io/x/agent:v1"}]}));
        let s = running(&p, &placement(), 0, "2025-01-01T00:00:02Z");
        assert_eq!(s["phase"], "Running");
        assert_eq!(s["podIPs"], json!([{"ip": "10.0.0.2"}]));
        assert_eq!(s["hostIP"], "100.64.0.1");
        let names: Vec<&str> = s["containerStatuses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["agent", "web"]);
        let web = &s["containerStatuses"][1];
        assert_eq!(web["image"], "docker.io/library/nginx:latest");
        assert!(
            web["imageID"]
                .as_str()
                .unwrap()
                .starts_with("docker.io/library/nginx@sha256:")
        );
        assert_eq!(web["ready"], true);
        assert_eq!(web["started"], true);
        assert_eq!(web["containerID"].as_str().unwrap().len(), 13 + 64);
        let types: Vec<(&str, &str)> = s["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["type"].as_str().unwrap(), c["status"].as_str().unwrap()))
            .collect();
        assert_eq!(
            types,
            [
                ("PodReadyToStartContainers", "True"),
                ("Initialized", "True"),
                ("Ready", "True"),
                ("ContainersReady", "True"),
                ("PodScheduled", "True")
            ]
        );
        // The scheduler's condition keeps its transition time.
        assert_eq!(
            s["conditions"][4]["lastTransitionTime"],
            "2025-01-01T00:00:00Z"
        );
    }

    #[test]
    fn finished_pods_are_succeeded_or_failed_by_exit_code() {
        let p = pod(
            json!({"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}),
        );
        let ok = finished(&p, &placement(), 0, Exit { code: 0 }, "t");
        assert_eq!(ok["phase"], "Succeeded");
        assert_eq!(ok["conditions"][2]["reason"], "PodCompleted");
        assert_eq!(ok["conditions"][1]["reason"], "PodCompleted");
        let term = &ok["containerStatuses"][0]["state"]["terminated"];
        assert_eq!(term["exitCode"], 0);
        assert_eq!(term["reason"], "Completed");
        let failed = finished(&p, &placement(), 0, Exit { code: 3 }, "t");
        assert_eq!(failed["phase"], "Failed");
        assert_eq!(failed["conditions"][2]["reason"], "PodFailed");
        assert_eq!(
            failed["containerStatuses"][0]["state"]["terminated"]["reason"],
            "Error"
        );
        assert_eq!(failed["containerStatuses"][0]["ready"], false);
    }

    #[test]
    fn restarts_keep_the_failure_as_last_state_with_a_new_container_id() {
        let p = pod(
            json!({"restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}),
        );
        let s = restarted(&p, &placement(), 1, Exit { code: 2 }, "t0");
        let c = &s["containerStatuses"][0];
        assert_eq!(s["phase"], "Running");
        assert_eq!(c["restartCount"], 1);
        assert_eq!(c["lastState"]["terminated"]["exitCode"], 2);
        assert_ne!(
            c["lastState"]["terminated"]["containerID"],
            c["containerID"]
        );
    }

    #[test]
    fn init_containers_completed_and_sidecars_running() {
        let p = pod(
            json!({"containers": [{"name": "c", "image": "x"}], "initContainers": [
            {"name": "setup", "image": "x"}, {"name": "proxy", "image": "x", "restartPolicy": "Always"}]}),
        );
        let s = running(&p, &placement(), 0, "t");
        let init = s["initContainerStatuses"].as_array().unwrap();
        assert_eq!(init[0]["name"], "proxy");
        assert!(init[0]["state"]["running"].is_object());
        assert_eq!(init[1]["state"]["terminated"]["reason"], "Completed");
    }

    #[test]
    fn image_references_are_normalized_like_the_runtime() {
        assert_eq!(normalized_image("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(normalized_image("user/app:1"), "docker.io/user/app:1");
        assert_eq!(
            normalized_image("registry.k8s.io/pause:3.10"),
            "registry.k8s.io/pause:3.10"
        );
        assert_eq!(
            normalized_image("localhost:5000/app"),
            "localhost:5000/app:latest"
        );
    }

    #[test]
    fn qos_class_is_computed_when_the_server_did_not_set_it() {
        let mut p = pod(json!({"containers": [{"name": "c", "image": "x",
            "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}));
        p.status = None;
        assert_eq!(qos_class(&p), "Guaranteed");
        let mut p = pod(json!({"containers": [{"name": "c", "image": "x",
            "resources": {"requests": {"cpu": "1"}}}]}));
        p.status = None;
        assert_eq!(qos_class(&p), "Burstable");
    }

    #[test]
    fn micro_time_has_six_fraction_digits() {
        let t = now_micro();
        let fraction = t.split('.').nth(1).unwrap();
        assert_eq!(fraction.len(), 7, "{t}");
    }
}
