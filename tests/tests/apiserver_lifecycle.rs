//! Lifecycles the API server enforces as upstream does, driven by kube-rs and raw requests:
//! namespace termination and `namespaces/finalize`. Every expected code and message is
//! upstream's.

use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use tests::apiserver::TestApiServer;

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
