use super::*;

fn pod(spec: serde_json::Value) -> Pod {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": "p", "namespace": "ns", "uid": "u"},
        "spec": spec,
    }))
    .unwrap()
}

fn cs(name: &str, state: serde_json::Value, last: Option<serde_json::Value>) -> ContainerStatus {
    let mut v = serde_json::json!({"name": name, "image": "i", "imageID": "", "ready": false,
        "restartCount": 0, "state": state});
    if let Some(last) = last {
        v["lastState"] = last;
    }
    serde_json::from_value(v).unwrap()
}

fn status(inits: Vec<ContainerStatus>, containers: Vec<ContainerStatus>) -> PodStatus {
    PodStatus {
        init_container_statuses: Some(inits),
        container_statuses: Some(containers),
        ..Default::default()
    }
}

#[test]
fn phases() {
    let running = serde_json::json!({"running": {}});
    let ok = serde_json::json!({"terminated": {"exitCode": 0}});
    let failed = serde_json::json!({"terminated": {"exitCode": 1}});
    let creating = serde_json::json!({"waiting": {"reason": "ContainerCreating"}});
    let backoff = serde_json::json!({"waiting": {"reason": "CrashLoopBackOff"}});

    let p = pod(serde_json::json!({"containers": [{"name": "a"}]}));
    assert_eq!(
        get_phase(
            &p,
            &status(vec![], vec![cs("a", creating.clone(), None)]),
            false
        ),
        "Pending"
    );
    assert_eq!(
        get_phase(
            &p,
            &status(vec![], vec![cs("a", running.clone(), None)]),
            false
        ),
        "Running"
    );
    assert_eq!(
        get_phase(
            &p,
            &status(vec![], vec![cs("a", backoff, Some(failed.clone()))]),
            false
        ),
        "Running"
    );
    let never = pod(serde_json::json!({"restartPolicy": "Never", "containers": [{"name": "a"}]}));
    assert_eq!(
        get_phase(
            &never,
            &status(vec![], vec![cs("a", ok.clone(), None)]),
            false
        ),
        "Succeeded"
    );
    assert_eq!(
        get_phase(
            &never,
            &status(vec![], vec![cs("a", failed.clone(), None)]),
            false
        ),
        "Failed"
    );

    let with_init = pod(serde_json::json!({"restartPolicy": "Never",
        "initContainers": [{"name": "i"}], "containers": [{"name": "a"}]}));
    assert_eq!(
        get_phase(
            &with_init,
            &status(
                vec![cs("i", running, None)],
                vec![cs("a", creating.clone(), None)]
            ),
            false
        ),
        "Pending"
    );
    assert_eq!(
        get_phase(
            &with_init,
            &status(vec![cs("i", failed, None)], vec![cs("a", creating, None)]),
            false
        ),
        "Failed"
    );
}

#[test]
fn deleted_pods_become_terminal() {
    let p = pod(serde_json::json!({"containers": [{"name": "a"}, {"name": "b"}]}));
    let ok = serde_json::json!({"terminated": {"exitCode": 0}});
    let killed = serde_json::json!({"terminated": {"exitCode": 137}});
    let st = status(
        vec![],
        vec![cs("a", ok.clone(), None), cs("b", ok.clone(), None)],
    );
    assert_eq!(get_phase(&p, &st, false), "Running");
    assert_eq!(get_phase(&p, &st, true), "Succeeded");
    let st = status(vec![], vec![cs("a", ok, None), cs("b", killed, None)]);
    assert_eq!(get_phase(&p, &st, true), "Failed");
}

#[test]
fn ready_conditions() {
    let p = pod(serde_json::json!({"containers": [{"name": "a"}, {"name": "b"}]}));
    let mut a = cs("a", serde_json::json!({"running": {}}), None);
    a.ready = true;
    let b = cs("b", serde_json::json!({"running": {}}), None);
    let previous = PodStatus {
        conditions: Some(vec![PodCondition {
            type_: "PodScheduled".into(),
            status: "True".into(),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let conds = conditions(&p, &status(vec![], vec![a, b]), &previous, true, "Running");
    let get = |t: &str| conds.iter().find(|c| c.type_ == t).unwrap();
    assert_eq!(get("PodReadyToStartContainers").status, "True");
    assert_eq!(get("Initialized").status, "True");
    assert_eq!(get("Ready").status, "False");
    assert_eq!(get("Ready").reason.as_deref(), Some("ContainersNotReady"));
    assert_eq!(
        get("ContainersReady").message.as_deref(),
        Some("containers with unready status: [b]")
    );
    assert_eq!(conds.last().unwrap().type_, "PodScheduled");
    assert_eq!(conds.len(), 5);
}

#[test]
fn init_condition_lists_incomplete() {
    let p = pod(
        serde_json::json!({"initContainers": [{"name": "i1"}, {"name": "i2"}],
        "containers": [{"name": "a"}]}),
    );
    let st = status(
        vec![
            cs(
                "i1",
                serde_json::json!({"terminated": {"exitCode": 0}}),
                None,
            ),
            cs("i2", serde_json::json!({"running": {}}), None),
        ],
        vec![cs(
            "a",
            serde_json::json!({"waiting": {"reason": "PodInitializing"}}),
            None,
        )],
    );
    let conds = conditions(&p, &st, &PodStatus::default(), true, "Pending");
    let init = conds.iter().find(|c| c.type_ == "Initialized").unwrap();
    assert_eq!(init.status, "False");
    assert_eq!(
        init.message.as_deref(),
        Some("containers with incomplete status: [i2]")
    );
}

#[test]
fn log_tail_strips_cri_prefixes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("0.log");
    std::fs::write(
        &path,
        "2024-01-01T00:00:00Z stdout F hello\n2024-01-01T00:00:00Z stderr P par\n2024-01-01T00:00:00Z stderr F tial\n",
    )
    .unwrap();
    assert_eq!(
        log_tail(path.to_str().unwrap()).unwrap(),
        "hello\npartial\n"
    );
}

#[test]
fn sidecars_count_for_readiness() {
    let p = pod(serde_json::json!({
        "initContainers": [{"name": "side", "restartPolicy": "Always"}],
        "containers": [{"name": "a"}]}));
    let side = cs("side", serde_json::json!({"running": {}}), None);
    let mut a = cs("a", serde_json::json!({"running": {}}), None);
    a.ready = true;
    let conds = conditions(
        &p,
        &status(vec![side], vec![a]),
        &PodStatus::default(),
        true,
        "Running",
    );
    let ready = conds.iter().find(|c| c.type_ == "ContainersReady").unwrap();
    assert_eq!(ready.status, "False");
    assert_eq!(
        ready.message.as_deref(),
        Some("containers with unready status: [side]")
    );
}
