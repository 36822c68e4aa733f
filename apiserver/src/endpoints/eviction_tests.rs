use serde_json::json;

use super::*;

fn budget(allowed: i64, generation: i64, observed: i64) -> Value {
    json!({"metadata": {"name": "web", "generation": generation},
        "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}},
        "status": {"observedGeneration": observed, "disruptionsAllowed": allowed,
            "currentHealthy": 3, "desiredHealthy": 2, "expectedPods": 3}})
}

#[test]
fn a_budget_with_room_is_decremented_and_remembers_the_pod() {
    let next = check_and_decrement(&budget(2, 1, 1), "web-1", false).unwrap();
    assert_eq!(next["status"]["disruptionsAllowed"], 1);
    assert!(next["status"]["disruptedPods"]["web-1"].is_string());
    assert!(next["status"].get("conditions").is_none());

    // The last disruption flips the DisruptionAllowed condition.
    let next = check_and_decrement(&budget(1, 1, 1), "web-1", false).unwrap();
    assert_eq!(next["status"]["disruptionsAllowed"], 0);
    let condition = &next["status"]["conditions"][0];
    assert_eq!(condition["type"], "DisruptionAllowed");
    assert_eq!(condition["status"], "False");
    assert_eq!(condition["reason"], "InsufficientPods");
    assert_eq!(condition["observedGeneration"], 1);

    // A dry run spends the budget in the answer only and records no pod.
    let next = check_and_decrement(&budget(2, 1, 1), "web-1", true).unwrap();
    assert!(next["status"].get("disruptedPods").is_none());
}

#[test]
fn a_budget_without_room_refuses_with_upstreams_status() {
    let refused = check_and_decrement(&budget(0, 1, 1), "web-1", false).unwrap_err();
    assert_eq!(
        refused.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Cannot evict pod as it would violate the pod's disruption budget.",
            "reason": "TooManyRequests",
            "details": {"causes": [{"reason": "DisruptionBudget",
                "message": "The disruption budget web needs 2 healthy pods and has 3 currently"}]},
            "code": 429})
    );
    assert_eq!(refused.retry_after_seconds(), None);
}

#[test]
fn a_budget_not_yet_observed_asks_to_come_back() {
    let refused = check_and_decrement(&budget(5, 2, 1), "web-1", false).unwrap_err();
    assert_eq!(
        refused.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Cannot evict pod as it would violate the pod's disruption budget.",
            "reason": "TooManyRequests",
            "details": {"causes": [{"reason": "DisruptionBudget",
                "message": "The disruption budget web is still being processed by the server."}],
                "retryAfterSeconds": 10},
            "code": 429})
    );
}

#[test]
fn broken_budgets_are_forbidden() {
    let refused = check_and_decrement(&budget(-1, 1, 1), "web-1", false).unwrap_err();
    assert_eq!(refused.code(), 403);
    assert_eq!(
        refused.to_string(),
        "poddisruptionbudget.policy \"web\" is forbidden: pdb disruptions allowed is negative"
    );
    let mut full = budget(1, 1, 1);
    full["status"]["disruptedPods"] = Value::Object(
        (0..=MAX_DISRUPTED_PODS)
            .map(|i| (format!("p{i}"), json!("2025-01-01T00:00:00Z")))
            .collect(),
    );
    let refused = check_and_decrement(&full, "web-1", false).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "poddisruptionbudget.policy \"web\" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller"
    );
}

#[test]
fn which_pods_skip_the_budget() {
    let pod = |phase: &str| json!({"status": {"phase": phase}});
    assert!(can_ignore_budget(&pod("Pending")));
    assert!(can_ignore_budget(&pod("Succeeded")));
    assert!(can_ignore_budget(&pod("Failed")));
    assert!(!can_ignore_budget(&pod("Running")));
    let deleting = json!({"metadata": {"deletionTimestamp": "2025-01-01T00:00:00Z"},
        "status": {"phase": "Running"}});
    assert!(can_ignore_budget(&deleting));
    assert!(should_enforce_resource_version(&pod("Pending")));
    assert!(!should_enforce_resource_version(&pod("Failed")));
    assert!(!should_enforce_resource_version(&deleting));
}

#[test]
fn unready_pods_go_when_the_budget_is_healthy_or_always_allows() {
    let healthy = budget(0, 1, 1);
    assert!(unhealthy_pod_may_go(&healthy));
    let mut short = budget(0, 1, 1);
    short["status"]["currentHealthy"] = json!(1);
    assert!(!unhealthy_pod_may_go(&short));
    short["spec"]["unhealthyPodEvictionPolicy"] = json!("AlwaysAllow");
    assert!(unhealthy_pod_may_go(&short));
    let ready = json!({"status": {"conditions": [{"type": "Ready", "status": "True"}]}});
    assert!(is_pod_ready(&ready));
    assert!(!is_pod_ready(&json!({"status": {}})));
}

#[test]
fn dry_run_must_agree_between_query_and_body() {
    assert!(propagate_dry_run(&Value::Null, true).unwrap().dry_run);
    assert!(
        propagate_dry_run(&json!({"dryRun": ["All"]}), false)
            .unwrap()
            .dry_run
    );
    assert!(
        propagate_dry_run(&json!({"dryRun": ["All"]}), true)
            .unwrap()
            .dry_run
    );
    let refused = propagate_dry_run(&json!({"dryRun": ["Other"]}), true).unwrap_err();
    assert_eq!(refused.code(), 500);
    assert_eq!(
        refused.to_string(),
        "Non-matching dry-run options in request and content: [All] and [Other]"
    );
}

#[test]
fn preconditions_are_checked_with_the_evictions_messages() {
    let pod = json!({"metadata": {"name": "p", "uid": "u1", "resourceVersion": "7"}});
    let options = DeleteOptions {
        resource_version: Some("6".into()),
        ..DeleteOptions::default()
    };
    assert_eq!(
        check_pod_preconditions(&pod, &options)
            .unwrap_err()
            .to_string(),
        "Operation cannot be fulfilled on Pod \"p\": the ResourceVersion in the precondition (6) does not match the ResourceVersion in record (7). The object might have been modified"
    );
    let options = DeleteOptions {
        uid: Some("u2".into()),
        ..DeleteOptions::default()
    };
    assert_eq!(
        check_pod_preconditions(&pod, &options)
            .unwrap_err()
            .to_string(),
        "Operation cannot be fulfilled on Pod \"p\": the UID in the precondition (u2) does not match the UID in record (u1). The object might have been deleted and then recreated"
    );
}

#[test]
fn the_disruption_target_condition_is_set_once() {
    let mut pod = json!({"status": {"phase": "Running",
        "conditions": [{"type": "Ready", "status": "True"}]}});
    set_disruption_target(&mut pod);
    let conditions = pod["status"]["conditions"].as_array().unwrap();
    assert_eq!(conditions.len(), 2);
    assert_eq!(conditions[1]["reason"], "EvictionByEvictionAPI");
    assert_eq!(conditions[1]["message"], "Eviction API: evicting");
    pod["status"]["conditions"][1]["lastTransitionTime"] = json!("2020-01-01T00:00:00Z");
    set_disruption_target(&mut pod);
    let conditions = pod["status"]["conditions"].as_array().unwrap();
    assert_eq!(conditions.len(), 2);
    assert_eq!(conditions[1]["lastTransitionTime"], "2020-01-01T00:00:00Z");
}

#[test]
fn protobuf_evictions_as_client_go_sends_them() {
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/vnd.kubernetes.protobuf"),
    );
    let body = include_bytes!("protobuf/testdata/eviction.pb");
    let eviction =
        decode_body_as(&headers, body, &["policy/v1", "policy/v1beta1"], "Eviction").unwrap();
    assert_eq!(eviction.name(), Some("p"));
    let options = propagate_dry_run(&eviction["deleteOptions"], false).unwrap();
    assert_eq!(
        options,
        DeleteOptions {
            uid: Some("u".into()),
            grace_period: Some(0),
            propagation_policy: Some("Foreground".into()),
            dry_run: true,
            ..DeleteOptions::default()
        }
    );
}
