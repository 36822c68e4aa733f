//! Bad input gets a clear 4xx Status and stores nothing; unauthenticated requests get 401
//! except on the health endpoints and /version.

use http::Request;
use serde_json::{Value, json};
use tests::apiserver::TestApiServer;

fn status_of(error: kube::Error) -> kube::core::Status {
    match error {
        kube::Error::Api(status) => *status,
        other => panic!("expected a Status, got {other}"),
    }
}

fn post(path: &str, content_type: &str, body: Vec<u8>) -> Request<Vec<u8>> {
    Request::post(path)
        .header("Content-Type", content_type)
        .body(body)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_clear_errors_and_store_nothing() {
    let server = TestApiServer::start().await.unwrap();
    let client = server.client().await.unwrap();
    let path = "/api/v1/namespaces/default/configmaps";
    let call = |request: Request<Vec<u8>>| {
        let client = client.clone();
        async move { client.request::<Value>(request).await }
    };

    let huge = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "huge"},
        "data": {"x": "a".repeat(4 * 1024 * 1024)}});
    let error = status_of(
        call(post(
            path,
            "application/json",
            serde_json::to_vec(&huge).unwrap(),
        ))
        .await
        .unwrap_err(),
    );
    assert_eq!(
        (error.code, error.reason.as_str()),
        (413, "RequestEntityTooLarge")
    );

    let error = status_of(
        call(post(
            path,
            "application/json",
            b"{\"apiVersion\": ".to_vec(),
        ))
        .await
        .unwrap_err(),
    );
    assert_eq!((error.code, error.reason.as_str()), (400, "BadRequest"));

    let invalid_utf8 = vec![b'{', 0xff, 0xfe, b'}'];
    let error = status_of(
        call(post(path, "application/json", invalid_utf8))
            .await
            .unwrap_err(),
    );
    assert_eq!(error.code, 400);

    let wrong_version =
        json!({"apiVersion": "apps/v1", "kind": "ConfigMap", "metadata": {"name": "x"}});
    let error = status_of(
        call(post(
            path,
            "application/json",
            serde_json::to_vec(&wrong_version).unwrap(),
        ))
        .await
        .unwrap_err(),
    );
    assert_eq!(error.code, 400);
    assert_eq!(
        error.message,
        "the API version in the data (apps/v1) does not match the expected API version (v1)"
    );

    let long_name =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a".repeat(254)}});
    let error = status_of(
        call(post(
            path,
            "application/json",
            serde_json::to_vec(&long_name).unwrap(),
        ))
        .await
        .unwrap_err(),
    );
    assert_eq!((error.code, error.reason.as_str()), (422, "Invalid"));

    let mut nested = String::new();
    for _ in 0..10_000 {
        nested.push('[');
    }
    let error = status_of(
        call(post(path, "application/json", nested.into_bytes()))
            .await
            .unwrap_err(),
    );
    assert_eq!(error.code, 400);

    let error = status_of(
        call(post(path, "application/x-unknown", b"{}".to_vec()))
            .await
            .unwrap_err(),
    );
    assert_eq!(error.code, 415);

    let error = status_of(
        call(
            Request::get("/api/v1/namespaces/default/widgets")
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!((error.code, error.reason.as_str()), (404, "NotFound"));
    assert_eq!(
        error.message,
        "the server could not find the requested resource"
    );

    let error = status_of(
        call(
            Request::get(format!("{path}?labelSelector=a%20in%20(b"))
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(error.code, 400);
    let error = status_of(
        call(
            Request::get(format!("{path}?fieldSelector=spec.nodeName%3Dx"))
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(error.code, 400);
    assert_eq!(error.message, "field label not supported: spec.nodeName");

    // Nothing of the above was stored.
    let list = call(Request::get(path).body(Vec::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));

    // The metrics saw the requests, with upstream's names.
    let metrics = client
        .request_text(Request::get("/metrics").body(Vec::new()).unwrap())
        .await
        .unwrap();
    assert!(metrics.contains("apiserver_request_total{"), "{metrics}");
    assert!(metrics.contains("apiserver_request_duration_seconds_bucket{"));
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_requests_reach_only_health_and_version() {
    let server = TestApiServer::start().await.unwrap();
    let mut config = kube::Config::new(format!("https://{}", server.address).parse().unwrap());
    let ca = common::tls::parse_certificates(server.ca_pem.as_bytes()).unwrap();
    config.root_cert = Some(ca.iter().map(|c| c.to_vec()).collect());
    let anonymous = kube::Client::try_from(config).unwrap();

    for path in ["/healthz", "/livez", "/readyz", "/version"] {
        anonymous
            .request_text(Request::get(path).body(Vec::new()).unwrap())
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let verbose = anonymous
        .request_text(Request::get("/readyz?verbose").body(Vec::new()).unwrap())
        .await
        .unwrap();
    assert!(verbose.contains("[+]etcd ok"), "{verbose}");
    for (method, path) in [
        ("GET", "/api/v1/namespaces"),
        ("POST", "/api/v1/namespaces"),
        ("GET", "/metrics"),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("Content-Type", "application/json")
            .body(b"{}".to_vec())
            .unwrap();
        let error = status_of(anonymous.request::<Value>(request).await.unwrap_err());
        assert_eq!(
            (error.code, error.reason.as_str()),
            (401, "Unauthorized"),
            "{method} {path}"
        );
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn field_validation_and_typed_decoding() {
    let server = TestApiServer::start().await.unwrap();
    let client = server.client().await.unwrap();
    let body = |extra: Value| {
        let mut map = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "m"},
            "data": {"a": "b"}});
        map["datta"] = extra;
        serde_json::to_vec(&map).unwrap()
    };
    let path = "/api/v1/namespaces/default/configmaps";

    let strict = status_of(
        client
            .request::<Value>(post(
                &format!("{path}?fieldValidation=Strict"),
                "application/json",
                body(json!({"x": "y"})),
            ))
            .await
            .unwrap_err(),
    );
    assert_eq!(strict.code, 400);
    assert_eq!(
        strict.message,
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"datta\""
    );

    // Warn (the default) stores the object without the field and says so in a header.
    let response = client
        .send(post(path, "application/json", body(json!({"x": "y"}))).map(Into::into))
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let warning = response
        .headers()
        .get("warning")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(warning, "299 - \"unknown field \\\"datta\\\"\"");
    let stored: Value = client
        .request(Request::get(format!("{path}/m")).body(Vec::new()).unwrap())
        .await
        .unwrap();
    assert!(stored.get("datta").is_none());

    // Duplicate fields: a strict decoding error by path, or a warning; the last value wins.
    let duplicated = br#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dup"},
        "data": {"a": "1", "a": "2"}, "datta": 1, "datta": 2}"#;
    let strict = status_of(
        client
            .request::<Value>(post(
                &format!("{path}?fieldValidation=Strict"),
                "application/json",
                duplicated.to_vec(),
            ))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        strict.message,
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"datta\", duplicate field \"data.a\""
    );
    let response = client
        .send(post(path, "application/json", duplicated.to_vec()).map(Into::into))
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let warnings: Vec<&str> = response
        .headers()
        .get_all("warning")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(
        warnings,
        [
            "299 - \"unknown field \\\"datta\\\"\"",
            "299 - \"duplicate field \\\"data.a\\\"\""
        ]
    );
    let stored: Value = client
        .request(
            Request::get(format!("{path}/dup"))
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(stored["data"], json!({"a": "2"}));

    // A value of the wrong type is refused.
    let wrong = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w"},
        "data": {"a": 1}});
    let error = status_of(
        client
            .request::<Value>(post(
                path,
                "application/json",
                serde_json::to_vec(&wrong).unwrap(),
            ))
            .await
            .unwrap_err(),
    );
    assert_eq!(error.code, 400);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_objects_get_upstream_messages() {
    let server = TestApiServer::start().await.unwrap();
    let client = server.client().await.unwrap();
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"},
        "spec": {"containers": [{"name": "c"}]}});
    let error = status_of(
        client
            .request::<Value>(post(
                "/api/v1/namespaces/default/pods",
                "application/json",
                serde_json::to_vec(&pod).unwrap(),
            ))
            .await
            .unwrap_err(),
    );
    assert_eq!((error.code, error.reason.as_str()), (422, "Invalid"));
    assert_eq!(
        error.message,
        "Pod \"bad\" is invalid: spec.containers[0].image: Required value"
    );
    let causes = error.details.unwrap().causes;
    assert_eq!(causes[0].field, "spec.containers[0].image");
    assert_eq!(causes[0].reason, "FieldValueRequired");
    server.stop().await.unwrap();
}
