use super::*;
use std::collections::HashMap;

fn pod(spec: serde_json::Value) -> Pod {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": "p", "namespace": "ns", "uid": "u"},
        "spec": spec,
    }))
    .unwrap()
}

fn ready_sandbox() -> v1::PodSandboxStatus {
    v1::PodSandboxStatus {
        id: "sb".into(),
        state: v1::PodSandboxState::SandboxReady as i32,
        metadata: Some(v1::PodSandboxMetadata {
            attempt: 0,
            ..Default::default()
        }),
        network: Some(v1::PodSandboxNetworkStatus {
            ip: "10.88.0.5".into(),
            additional_ips: vec![],
        }),
        ..Default::default()
    }
}

fn cstatus(
    pod: &Pod,
    name: &str,
    id: &str,
    state: v1::ContainerState,
    exit: i32,
    created: i64,
) -> v1::ContainerStatus {
    let spec = super::super::find_container(pod, name).unwrap();
    let mut annotations = HashMap::new();
    annotations.insert(
        super::super::labels::CONTAINER_HASH.to_owned(),
        container::container_hash(spec),
    );
    v1::ContainerStatus {
        id: id.into(),
        metadata: Some(v1::ContainerMetadata {
            name: name.into(),
            attempt: 0,
        }),
        state: state as i32,
        exit_code: exit,
        created_at: created,
        annotations,
        ..Default::default()
    }
}

fn no_probe(_: &str) -> Option<ProbeKind> {
    None
}

#[test]
fn new_pod_creates_sandbox_and_starts_containers() {
    let p = pod(serde_json::json!({"containers": [{"name": "a"}, {"name": "b"}]}));
    let a = compute_pod_actions(&p, &PodRuntimeStatus::default(), &no_probe);
    assert!(a.create_sandbox);
    assert_eq!(a.attempt, 0);
    assert_eq!(a.containers_to_start, vec![0, 1]);
}

#[test]
fn init_containers_run_in_order() {
    let p = pod(
        serde_json::json!({"initContainers": [{"name": "i1"}, {"name": "i2"}],
        "containers": [{"name": "a"}]}),
    );
    let a = compute_pod_actions(&p, &PodRuntimeStatus::default(), &no_probe);
    assert_eq!(a.init_containers_to_start, vec![0]);
    assert!(a.containers_to_start.is_empty());

    let mut st = PodRuntimeStatus {
        sandboxes: vec![ready_sandbox()],
        ..Default::default()
    };
    st.containers.push(cstatus(
        &p,
        "i1",
        "c1",
        v1::ContainerState::ContainerRunning,
        0,
        1,
    ));
    let a = compute_pod_actions(&p, &st, &no_probe);
    assert!(!a.create_sandbox && !a.kill_pod);
    assert!(a.init_containers_to_start.is_empty());
    st.containers[0].state = v1::ContainerState::ContainerExited as i32;
    let a = compute_pod_actions(&p, &st, &no_probe);
    assert_eq!(a.init_containers_to_start, vec![1]);
    st.containers.push(cstatus(
        &p,
        "i2",
        "c2",
        v1::ContainerState::ContainerExited,
        0,
        2,
    ));
    let a = compute_pod_actions(&p, &st, &no_probe);
    assert_eq!(a.containers_to_start, vec![0]);
}

#[test]
fn failed_init_container_with_never_kills_the_pod() {
    let p = pod(serde_json::json!({"restartPolicy": "Never",
        "initContainers": [{"name": "i1"}], "containers": [{"name": "a"}]}));
    let st = PodRuntimeStatus {
        sandboxes: vec![ready_sandbox()],
        containers: vec![cstatus(
            &p,
            "i1",
            "c1",
            v1::ContainerState::ContainerExited,
            1,
            1,
        )],
        ..Default::default()
    };
    let a = compute_pod_actions(&p, &st, &no_probe);
    assert!(a.kill_pod);
    assert!(a.containers_to_start.is_empty());
}

#[test]
fn sidecar_keeps_running_and_next_init_starts() {
    let p = pod(serde_json::json!({
        "initContainers": [{"name": "side", "restartPolicy": "Always"}, {"name": "i2"}],
        "containers": [{"name": "a"}]}));
    let st = PodRuntimeStatus {
        sandboxes: vec![ready_sandbox()],
        containers: vec![cstatus(
            &p,
            "side",
            "c1",
            v1::ContainerState::ContainerRunning,
            0,
            1,
        )],
        ..Default::default()
    };
    let a = compute_pod_actions(&p, &st, &no_probe);
    assert_eq!(a.init_containers_to_start, vec![1]);
}

#[test]
fn restart_policies() {
    for (policy, exit, restart) in [
        ("Always", 0, true),
        ("OnFailure", 0, false),
        ("OnFailure", 1, true),
        ("Never", 1, false),
    ] {
        let p = pod(serde_json::json!({"restartPolicy": policy,
            "containers": [{"name": "a"}, {"name": "b"}]}));
        let st = PodRuntimeStatus {
            sandboxes: vec![ready_sandbox()],
            containers: vec![
                cstatus(&p, "a", "c1", v1::ContainerState::ContainerExited, exit, 1),
                cstatus(&p, "b", "c2", v1::ContainerState::ContainerRunning, 0, 1),
            ],
            ..Default::default()
        };
        let a = compute_pod_actions(&p, &st, &no_probe);
        assert_eq!(a.containers_to_start == vec![0], restart, "{policy} {exit}");
        assert!(!a.kill_pod);
    }
}

#[test]
fn all_done_kills_the_pod_and_no_new_sandbox_for_never() {
    let p = pod(serde_json::json!({"restartPolicy": "Never", "containers": [{"name": "a"}]}));
    let mut st = PodRuntimeStatus {
        sandboxes: vec![ready_sandbox()],
        containers: vec![cstatus(
            &p,
            "a",
            "c1",
            v1::ContainerState::ContainerExited,
            0,
            1,
        )],
        ..Default::default()
    };
    let a = compute_pod_actions(&p, &st, &no_probe);
    assert!(a.kill_pod && !a.create_sandbox);
    st.sandboxes[0].state = v1::PodSandboxState::SandboxNotready as i32;
    let a = compute_pod_actions(&p, &st, &no_probe);
    assert!(!a.create_sandbox);
    assert!(a.containers_to_start.is_empty());
}

#[test]
fn liveness_failure_and_spec_change_restart() {
    let p = pod(serde_json::json!({"containers": [{"name": "a", "image": "x:1"}]}));
    let mut st = PodRuntimeStatus {
        sandboxes: vec![ready_sandbox()],
        containers: vec![cstatus(
            &p,
            "a",
            "c1",
            v1::ContainerState::ContainerRunning,
            0,
            1,
        )],
        ..Default::default()
    };
    let a = compute_pod_actions(&p, &st, &no_probe);
    assert!(a.containers_to_start.is_empty() && a.containers_to_kill.is_empty());
    let a = compute_pod_actions(&p, &st, &|_| Some(ProbeKind::Liveness));
    assert_eq!(a.containers_to_start, vec![0]);
    assert_eq!(
        a.containers_to_kill["c1"].message,
        "Container a failed liveness probe, will be restarted"
    );
    st.containers[0]
        .annotations
        .insert(super::super::labels::CONTAINER_HASH.into(), "0".into());
    let a = compute_pod_actions(&p, &st, &no_probe);
    assert_eq!(a.containers_to_start, vec![0]);
    assert!(a.containers_to_kill.contains_key("c1"));
}

#[test]
fn dead_sandbox_is_recreated_with_next_attempt() {
    let p = pod(serde_json::json!({"containers": [{"name": "a"}]}));
    let mut sb = ready_sandbox();
    sb.state = v1::PodSandboxState::SandboxNotready as i32;
    let st = PodRuntimeStatus {
        sandboxes: vec![sb],
        containers: vec![cstatus(
            &p,
            "a",
            "c1",
            v1::ContainerState::ContainerExited,
            137,
            1,
        )],
        ..Default::default()
    };
    let a = compute_pod_actions(&p, &st, &no_probe);
    assert!(a.create_sandbox && a.kill_pod);
    assert_eq!(a.attempt, 1);
    assert_eq!(a.containers_to_start, vec![0]);
}
