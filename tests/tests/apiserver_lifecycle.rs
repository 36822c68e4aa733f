//! Lifecycles the API server enforces as upstream does, driven by kube-rs and raw requests:
//! namespace termination and `namespaces/finalize`, `pods/eviction` against
//! PodDisruptionBudgets, and `pods/ephemeralcontainers`. Every expected code and message is
//! upstream's.

use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, DeleteParams, EvictParams, Patch, PatchParams, PostParams};
use kube::core::response::StatusSummary;
use serde_json::{Value, json};
use tests::apiserver::TestApiServer;

/// A kube-rs client that does not retry 429s on its own (kube-rs does, up to 15 times, which
/// would only slow down the refusals these tests look at).
async fn client_without_retries(server: &TestApiServer) -> kube::Client {
    let mut config = common::kubeconfig::KubeconfigOptions::from_path(&server.kubeconfig)
        .config()
        .await
        .unwrap();
    config.default_retry = false;
    kube::Client::try_from(config).unwrap()
}

fn api_error(error: kube::Error) -> kube::core::Status {
    match error {
        kube::Error::Api(response) => *response,
        other => panic!("expected an API error, got {other}"),
    }
}

/// Sends a raw JSON request; answers the HTTP status, the headers and the JSON body.
async fn raw(
    client: &kube::Client,
    method: &str,
    path: &str,
    content_type: &str,
    body: Option<Value>,
) -> (u16, http::HeaderMap, Value) {
    let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let request = http::Request::builder()
        .method(method)
        .uri(path)
        .header("Content-Type", content_type)
        .body(kube::client::Body::from(body))
        .unwrap();
    let response = client.send(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect_bytes().await.unwrap();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (parts.status.as_u16(), parts.headers, value)
}

fn config_map(name: &str) -> ConfigMap {
    serde_json::from_value(json!({"metadata": {"name": name}, "data": {"k": "v"}})).unwrap()
}

fn namespace(name: &str) -> Namespace {
    serde_json::from_value(json!({"metadata": {"name": name}})).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespaces_terminate_until_finalized() {
    let server = TestApiServer::start().await.unwrap();
    let client = server.client().await.unwrap();
    let namespaces: Api<Namespace> = Api::all(client.clone());

    let created = namespaces
        .create(&PostParams::default(), &namespace("doomed"))
        .await
        .unwrap();
    let uid = created.metadata.uid.clone().unwrap();
    assert_eq!(
        created.spec.unwrap().finalizers.unwrap(),
        ["kubernetes"],
        "the strategy adds the kubernetes finalizer"
    );
    let maps: Api<ConfigMap> = Api::namespaced(client.clone(), "doomed");
    maps.create(&PostParams::default(), &config_map("early"))
        .await
        .unwrap();

    // The system namespaces stay.
    let refused = api_error(
        namespaces
            .delete("kube-system", &DeleteParams::default())
            .await
            .unwrap_err(),
    );
    assert_eq!((refused.code, refused.reason.as_str()), (403, "Forbidden"));
    assert_eq!(
        refused.message,
        "namespaces \"kube-system\" is forbidden: this namespace may not be deleted"
    );

    // Namespaces are never deleted as a collection.
    let (code, _, _) = raw(
        &client,
        "DELETE",
        "/api/v1/namespaces",
        "application/json",
        None,
    )
    .await;
    assert_eq!(code, 405);

    // Preconditions are honoured; a dry run changes nothing.
    let wrong = api_error(
        namespaces
            .delete(
                "doomed",
                &DeleteParams::default().preconditions(kube::api::Preconditions {
                    uid: Some("not-it".into()),
                    resource_version: None,
                }),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!((wrong.code, wrong.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        wrong.message,
        format!(
            "Operation cannot be fulfilled on namespaces \"doomed\": Precondition failed: UID in precondition: not-it, UID in object meta: {uid}"
        )
    );
    let dry = namespaces
        .delete("doomed", &DeleteParams::default().dry_run())
        .await
        .unwrap()
        .left()
        .unwrap();
    assert_eq!(dry.status.unwrap().phase.as_deref(), Some("Terminating"));
    let still = namespaces.get("doomed").await.unwrap();
    assert_eq!(still.status.unwrap().phase.as_deref(), Some("Active"));

    // DELETE starts termination; the namespace stays while spec.finalizers is not empty.
    let terminating = namespaces
        .delete("doomed", &DeleteParams::default())
        .await
        .unwrap()
        .left()
        .expect("the namespace is answered, not a Status");
    assert!(terminating.metadata.deletion_timestamp.is_some());
    assert_eq!(
        terminating.status.as_ref().unwrap().phase.as_deref(),
        Some("Terminating")
    );
    let again = namespaces
        .delete("doomed", &DeleteParams::default())
        .await
        .unwrap()
        .left()
        .unwrap();
    assert_eq!(
        again.metadata.resource_version, terminating.metadata.resource_version,
        "a second DELETE answers the namespace as it is"
    );

    // No new content in a terminating namespace, with upstream's Status and cause.
    let (code, _, status) = raw(
        &client,
        "POST",
        "/api/v1/namespaces/doomed/configmaps",
        "application/json",
        Some(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "late-"}}),
        ),
    )
    .await;
    assert_eq!(code, 403);
    assert_eq!(
        status,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "configmaps \"late-\" is forbidden: unable to create new content in namespace doomed because it is being terminated",
            "reason": "Forbidden",
            "details": {"name": "late-", "kind": "configmaps", "causes": [{
                "reason": "NamespaceTerminating", "message": "namespace doomed is being terminated",
                "field": "metadata.namespace"}]},
            "code": 403})
    );
    // Existing content can still be changed and deleted.
    maps.patch(
        "early",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"k": "w"}})),
    )
    .await
    .unwrap();
    maps.delete("early", &DeleteParams::default())
        .await
        .unwrap();

    // A plain update cannot drop spec.finalizers; finalize does, and the namespace goes.
    let mut edited = namespaces.get("doomed").await.unwrap();
    edited.spec.as_mut().unwrap().finalizers = Some(vec![]);
    let kept = namespaces
        .replace("doomed", &PostParams::default(), &edited)
        .await
        .unwrap();
    assert_eq!(kept.spec.unwrap().finalizers.unwrap(), ["kubernetes"]);
    let (code, _, invalid) = raw(
        &client,
        "PUT",
        "/api/v1/namespaces/doomed/finalize",
        "application/json",
        Some(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "doomed"},
            "spec": {"finalizers": ["mine"]}}),
        ),
    )
    .await;
    assert_eq!(code, 422);
    assert_eq!(
        invalid["message"],
        "Namespace \"doomed\" is invalid: spec.finalizers[0]: Invalid value: \"mine\": name is neither a standard finalizer name nor is it fully qualified"
    );
    let (code, _, finalized) = raw(
        &client,
        "PUT",
        "/api/v1/namespaces/doomed/finalize",
        "application/json",
        Some(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "doomed"},
            "spec": {"finalizers": []}}),
        ),
    )
    .await;
    assert_eq!(code, 200, "{finalized}");
    assert_eq!(finalized["metadata"]["name"], "doomed");
    let gone = api_error(namespaces.get("doomed").await.unwrap_err());
    assert_eq!(gone.code, 404);
    assert_eq!(gone.message, "namespaces \"doomed\" not found");

    // Finalized before its deletion: the first DELETE still only marks it, as upstream's
    // namespace REST does; the next one removes it.
    namespaces
        .create(&PostParams::default(), &namespace("brief"))
        .await
        .unwrap();
    let (code, _, _) = raw(
        &client,
        "PUT",
        "/api/v1/namespaces/brief/finalize",
        "application/json",
        Some(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "brief"},
            "spec": {"finalizers": []}}),
        ),
    )
    .await;
    assert_eq!(code, 200);
    let marked = namespaces
        .delete("brief", &DeleteParams::default())
        .await
        .unwrap()
        .left()
        .unwrap();
    assert_eq!(marked.status.unwrap().phase.as_deref(), Some("Terminating"));
    namespaces
        .delete("brief", &DeleteParams::default())
        .await
        .unwrap();
    assert_eq!(
        api_error(namespaces.get("brief").await.unwrap_err()).code,
        404
    );

    server.stop().await.unwrap();
}

fn pod(name: &str, labels: Value) -> Pod {
    serde_json::from_value(json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": labels},
        "spec": {"containers": [{"name": "app", "image": "nginx"}]}}))
    .unwrap()
}

/// Creates a pod and reports it running and ready, as its kubelet would.
async fn running_pod(pods: &Api<Pod>, name: &str) {
    pods.create(&PostParams::default(), &pod(name, json!({"app": "web"})))
        .await
        .unwrap();
    pods.patch_status(
        name,
        &PatchParams::default(),
        &Patch::Merge(json!({"status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}]}})),
    )
    .await
    .unwrap();
}

fn budget(name: &str) -> PodDisruptionBudget {
    serde_json::from_value(
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": name},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}}),
    )
    .unwrap()
}

/// Writes the status the disruption controller would.
async fn observe(budgets: &Api<PodDisruptionBudget>, name: &str, allowed: i32) {
    budgets
        .patch_status(
            name,
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"observedGeneration": 1,
                "disruptionsAllowed": allowed, "currentHealthy": 2, "desiredHealthy": 1,
                "expectedPods": 2}})),
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evictions_honour_disruption_budgets() {
    let server = TestApiServer::start().await.unwrap();
    let client = client_without_retries(&server).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let budgets: Api<PodDisruptionBudget> = Api::namespaced(client.clone(), "default");
    let evict = EvictParams::default();

    // Without a budget, an eviction is a delete, answered with a Success Status.
    running_pod(&pods, "solo").await;
    let evicted = pods.evict("solo", &evict).await.unwrap();
    assert_eq!(evicted.status, Some(StatusSummary::Success));
    assert_eq!(evicted.code, 201);
    assert_eq!(api_error(pods.get("solo").await.unwrap_err()).code, 404);
    let missing = api_error(pods.evict("solo", &evict).await.unwrap_err());
    assert_eq!(missing.code, 404);
    assert_eq!(missing.message, "pods \"solo\" not found");

    running_pod(&pods, "web-0").await;
    running_pod(&pods, "web-1").await;
    budgets
        .create(&PostParams::default(), &budget("web-pdb"))
        .await
        .unwrap();

    // A budget the disruption controller has not observed yet asks the client to come back.
    let (code, headers, status) = raw(
        &client,
        "POST",
        "/api/v1/namespaces/default/pods/web-0/eviction",
        "application/json",
        Some(json!({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "web-0"}})),
    )
    .await;
    assert_eq!(code, 429);
    assert_eq!(headers["Retry-After"], "10");
    assert_eq!(
        status,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Cannot evict pod as it would violate the pod's disruption budget.",
            "reason": "TooManyRequests",
            "details": {"causes": [{"reason": "DisruptionBudget",
                "message": "The disruption budget web-pdb is still being processed by the server."}],
                "retryAfterSeconds": 10},
            "code": 429})
    );

    // One disruption allowed: a dry run spends nothing, the eviction spends it.
    observe(&budgets, "web-pdb", 1).await;
    pods.evict(
        "web-0",
        &EvictParams {
            post_options: PostParams {
                dry_run: true,
                ..PostParams::default()
            },
            ..EvictParams::default()
        },
    )
    .await
    .unwrap();
    assert!(pods.get("web-0").await.is_ok());
    let unchanged = budgets.get_status("web-pdb").await.unwrap().status.unwrap();
    assert_eq!(unchanged.disruptions_allowed, 1);
    assert!(unchanged.disrupted_pods.is_none());

    let evicted = pods.evict("web-0", &evict).await.unwrap();
    assert_eq!(evicted.status, Some(StatusSummary::Success));
    assert_eq!(api_error(pods.get("web-0").await.unwrap_err()).code, 404);
    let spent = budgets.get_status("web-pdb").await.unwrap().status.unwrap();
    assert_eq!(spent.disruptions_allowed, 0);
    assert!(spent.disrupted_pods.unwrap().contains_key("web-0"));
    let condition = &spent.conditions.unwrap()[0];
    assert_eq!(
        (condition.type_.as_str(), condition.status.as_str()),
        ("DisruptionAllowed", "False")
    );
    assert_eq!(condition.reason, "InsufficientPods");

    // None left: refused, and the pod stays.
    let refused = api_error(pods.evict("web-1", &evict).await.unwrap_err());
    assert_eq!(
        (refused.code, refused.reason.as_str()),
        (429, "TooManyRequests")
    );
    assert_eq!(
        refused.message,
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    let cause = &refused.details.unwrap().causes[0];
    assert_eq!(cause.reason, "DisruptionBudget");
    assert_eq!(
        cause.message,
        "The disruption budget web-pdb needs 1 healthy pods and has 2 currently"
    );
    assert!(pods.get("web-1").await.is_ok());

    // A pod that is not running yet disrupts nothing: it goes whatever the budget says.
    pods.create(&PostParams::default(), &pod("web-2", json!({"app": "web"})))
        .await
        .unwrap();
    assert_eq!(
        pods.get("web-2")
            .await
            .unwrap()
            .status
            .unwrap()
            .phase
            .as_deref(),
        Some("Pending")
    );
    pods.evict("web-2", &evict).await.unwrap();
    assert_eq!(api_error(pods.get("web-2").await.unwrap_err()).code, 404);

    // Two budgets for one pod: upstream answers a Failure Status with code 500 inside a 201.
    budgets
        .create(&PostParams::default(), &budget("web-pdb-2"))
        .await
        .unwrap();
    let (code, _, status) = raw(
        &client,
        "POST",
        "/api/v1/namespaces/default/pods/web-1/eviction",
        "application/json",
        // policy/v1beta1 Evictions are accepted too.
        Some(json!({"apiVersion": "policy/v1beta1", "kind": "Eviction", "metadata": {"name": "web-1"}})),
    )
    .await;
    assert_eq!(code, 201);
    assert_eq!(
        status,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            "code": 500})
    );
    assert!(pods.get("web-1").await.is_ok());

    // The Eviction must name the pod of the URL.
    let (code, _, status) = raw(
        &client,
        "POST",
        "/api/v1/namespaces/default/pods/web-1/eviction",
        "application/json",
        Some(json!({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "other"}})),
    )
    .await;
    assert_eq!(code, 400);
    assert_eq!(
        status["message"],
        "name in URL does not match name in Eviction object"
    );

    // An unready pod goes when the budget is healthy, without spending it.
    budgets
        .delete("web-pdb-2", &DeleteParams::default())
        .await
        .unwrap();
    pods.patch_status(
        "web-1",
        &PatchParams::default(),
        &Patch::Merge(json!({"status": {"conditions": [{"type": "Ready", "status": "False"}]}})),
    )
    .await
    .unwrap();
    pods.evict("web-1", &evict).await.unwrap();
    assert_eq!(api_error(pods.get("web-1").await.unwrap_err()).code, 404);
    let status = budgets.get_status("web-pdb").await.unwrap().status.unwrap();
    assert_eq!(status.disruptions_allowed, 0);

    budgets
        .delete("web-pdb", &DeleteParams::default())
        .await
        .unwrap();
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ephemeral_containers_are_added_never_removed() {
    let server = TestApiServer::start().await.unwrap();
    let client = server.client().await.unwrap();
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");

    // Ephemeral containers cannot come with the pod.
    let mut with = pod("early", json!({}));
    with.spec.as_mut().unwrap().ephemeral_containers = Some(vec![
        serde_json::from_value(json!({"name": "dbg", "image": "busybox"})).unwrap(),
    ]);
    let refused = api_error(
        pods.create(&PostParams::default(), &with)
            .await
            .unwrap_err(),
    );
    assert_eq!(refused.code, 422);
    assert_eq!(
        refused.message,
        "Pod \"early\" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create"
    );

    pods.create(&PostParams::default(), &pod("app", json!({"app": "web"})))
        .await
        .unwrap();
    let viewed = pods.get_ephemeral_containers("app").await.unwrap();
    assert_eq!(viewed.metadata.name.as_deref(), Some("app"));

    // A strategic merge patch adds one (as kubectl debug sends it); nothing else changes.
    let patched = pods
        .patch_ephemeral_containers(
            "app",
            &PatchParams::default(),
            &Patch::Strategic(json!({
                "metadata": {"labels": {"sneaky": "yes"}},
                "spec": {"containers": [{"name": "app", "image": "changed"}],
                    "ephemeralContainers": [{"name": "debugger", "image": "busybox",
                        "targetContainerName": "app", "stdin": true, "tty": true}]}})),
        )
        .await
        .unwrap();
    let spec = patched.spec.as_ref().unwrap();
    let added = &spec.ephemeral_containers.as_ref().unwrap()[0];
    assert_eq!(added.name, "debugger");
    assert_eq!(
        added.termination_message_policy.as_deref(),
        Some("File"),
        "ephemeral containers get the container defaults"
    );
    assert_eq!(spec.containers[0].image.as_deref(), Some("nginx"));
    assert!(
        !patched
            .metadata
            .labels
            .as_ref()
            .unwrap()
            .contains_key("sneaky")
    );
    assert_eq!(patched.metadata.generation, Some(2));

    // Existing ephemeral containers can be neither removed nor changed.
    let mut removed = patched.clone();
    removed.spec.as_mut().unwrap().ephemeral_containers = Some(vec![]);
    let refused = api_error(
        pods.replace_ephemeral_containers("app", &PostParams::default(), &removed)
            .await
            .unwrap_err(),
    );
    assert_eq!((refused.code, refused.reason.as_str()), (422, "Invalid"));
    assert_eq!(
        refused.message,
        "Pod \"app\" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers \"debugger\" may not be removed\n"
    );
    let changed = api_error(
        pods.patch_ephemeral_containers(
            "app",
            &PatchParams::default(),
            &Patch::Strategic(json!({"spec": {"ephemeralContainers": [
                {"name": "debugger", "image": "alpine"}]}})),
        )
        .await
        .unwrap_err(),
    );
    assert!(
        changed.message.starts_with(
            "Pod \"app\" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers \"debugger\" may not be changed\n"
        ),
        "{}",
        changed.message
    );

    // New ones are validated: unique names, no ports, probes or resources. (A patch without
    // `$setElementOrder` puts its new items before the ones only the server has.)
    let invalid = api_error(
        pods.patch_ephemeral_containers(
            "app",
            &PatchParams::default(),
            &Patch::Strategic(json!({"spec": {"ephemeralContainers": [
                {"name": "app", "image": "busybox", "ports": [{"containerPort": 80}],
                 "readinessProbe": {"exec": {"command": ["true"]}}},
                {"name": "noimage", "resources": {"limits": {"cpu": "1"}}}]}})),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(invalid.code, 422);
    let causes: Vec<(String, String)> = invalid
        .details
        .unwrap()
        .causes
        .into_iter()
        .map(|c| (c.field, c.message))
        .collect();
    let forbidden = "Forbidden: cannot be set for an Ephemeral Container".to_owned();
    for expected in [
        (
            "spec.ephemeralContainers[0].name".to_owned(),
            "Duplicate value: \"app\"".to_owned(),
        ),
        (
            "spec.ephemeralContainers[0].ports".to_owned(),
            forbidden.clone(),
        ),
        (
            "spec.ephemeralContainers[0].readinessProbe".to_owned(),
            forbidden.clone(),
        ),
        (
            "spec.ephemeralContainers[1].image".to_owned(),
            "Required value".to_owned(),
        ),
        (
            "spec.ephemeralContainers[1].resources".to_owned(),
            forbidden.clone(),
        ),
    ] {
        assert!(causes.contains(&expected), "{expected:?} in {causes:?}");
    }

    // The pod itself still takes ordinary updates.
    pods.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"debugged": "yes"}}})),
    )
    .await
    .unwrap();

    pods.delete("app", &DeleteParams::default()).await.unwrap();
    server.stop().await.unwrap();
}
