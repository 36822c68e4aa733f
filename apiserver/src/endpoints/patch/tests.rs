//! Behaviour of the three patch types on real kinds, and the errors' codes and messages.

use serde_json::{Value, json};

use super::{PatchError, PatchType, apply};

fn pod() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "labels": {"app": "web", "tier": "front"},
            "finalizers": ["a.example.com/x", "b.example.com/y"],
        },
        "spec": {
            "containers": [
                {"name": "app", "image": "nginx:1", "ports": [{"containerPort": 80, "protocol": "TCP"}],
                 "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
                {"name": "sidecar", "image": "envoy:1"},
            ],
            "volumes": [{"name": "cache", "emptyDir": {}}],
            "tolerations": [{"key": "k1", "operator": "Exists"}],
            "securityContext": {"runAsUser": 1000},
        },
    })
}

fn smp(kind: &str, group: &str, original: &Value, patch: Value) -> Result<Value, PatchError> {
    apply(
        PatchType::StrategicMerge,
        kind,
        group,
        original,
        patch.to_string().as_bytes(),
    )
}

fn smp_pod(patch: Value) -> Value {
    smp("Pod", "", &pod(), patch).expect("patch applies")
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

#[test]
fn content_types() {
    assert_eq!(
        PatchType::from_content_type("application/json-patch+json"),
        Some(PatchType::Json)
    );
    assert_eq!(
        PatchType::from_content_type("application/merge-patch+json; charset=utf-8"),
        Some(PatchType::Merge)
    );
    assert_eq!(
        PatchType::from_content_type("application/strategic-merge-patch+json"),
        Some(PatchType::StrategicMerge)
    );
    assert_eq!(
        PatchType::from_content_type("application/apply-patch+yaml"),
        Some(PatchType::Apply)
    );
    assert_eq!(PatchType::from_content_type("application/json"), None);
    assert_eq!(PatchType::from_content_type(""), None);
    for t in [
        PatchType::Json,
        PatchType::Merge,
        PatchType::StrategicMerge,
        PatchType::Apply,
    ] {
        assert_eq!(PatchType::from_content_type(t.content_type()), Some(t));
    }
}

#[test]
fn apply_patches_are_not_merged_here() {
    let err = apply(PatchType::Apply, "Pod", "", &pod(), b"kind: Pod").unwrap_err();
    assert_eq!(err.code(), 500);
    assert_eq!(
        super::accepted_patch_types("Pod", ""),
        [
            super::JSON_PATCH,
            super::MERGE_PATCH,
            super::STRATEGIC_MERGE_PATCH,
            super::APPLY_PATCH
        ]
    );
    assert_eq!(
        super::accepted_patch_types("Widget", "example.com"),
        [super::JSON_PATCH, super::MERGE_PATCH, super::APPLY_PATCH]
    );
}

#[test]
fn json_patch() {
    let patch = br#"[{"op":"test","path":"/metadata/name","value":"web"},
                     {"op":"replace","path":"/spec/containers/0/image","value":"nginx:2"},
                     {"op":"add","path":"/metadata/labels/new","value":"x"},
                     {"op":"remove","path":"/spec/tolerations"}]"#;
    let out = apply(PatchType::Json, "Pod", "", &pod(), patch).unwrap();
    assert_eq!(out["spec"]["containers"][0]["image"], "nginx:2");
    assert_eq!(out["metadata"]["labels"]["new"], "x");
    assert!(out["spec"].get("tolerations").is_none());
}

#[test]
fn json_patch_errors() {
    let failed = apply(
        PatchType::Json,
        "Pod",
        "",
        &pod(),
        br#"[{"op":"test","path":"/metadata/name","value":"x"}]"#,
    )
    .unwrap_err();
    assert_eq!((failed.code(), failed.reason()), (422, "Invalid"));
    assert_eq!(
        failed.to_string(),
        "the server rejected our request due to an error in our request"
    );
    assert_eq!(
        failed.detail(),
        "testing value /metadata/name failed: test failed"
    );

    let missing = apply(
        PatchType::Json,
        "Pod",
        "",
        &pod(),
        br#"[{"op":"remove","path":"/spec/nope"}]"#,
    )
    .unwrap_err();
    assert_eq!(missing.code(), 422);

    for bad in [
        &b"{"[..],
        b"{}",
        b"[{\"op\":\"frobnicate\",\"path\":\"/a\"}]",
        b"[{\"op\":\"add\"}]",
    ] {
        let err = apply(PatchType::Json, "Pod", "", &pod(), bad).unwrap_err();
        assert_eq!(
            (err.code(), err.reason()),
            (400, "BadRequest"),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }

    let ops: Vec<Value> = (0..10_001)
        .map(|_| json!({"op": "test", "path": "/kind", "value": "Pod"}))
        .collect();
    let err = apply(
        PatchType::Json,
        "Pod",
        "",
        &pod(),
        Value::Array(ops).to_string().as_bytes(),
    )
    .unwrap_err();
    assert_eq!((err.code(), err.reason()), (413, "RequestEntityTooLarge"));
    assert_eq!(
        err.to_string(),
        "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"
    );

    let not_object = apply(
        PatchType::Json,
        "Pod",
        "",
        &pod(),
        br#"[{"op":"replace","path":"","value":[1]}]"#,
    )
    .unwrap_err();
    assert!(matches!(not_object, PatchError::Invalid { .. }));
    assert_eq!(not_object.code(), 422);
}

#[test]
fn merge_patch() {
    let patch = br#"{"metadata":{"labels":{"tier":null,"new":"x"}},"spec":{"containers":[{"name":"only"}]}}"#;
    let out = apply(PatchType::Merge, "Pod", "", &pod(), patch).unwrap();
    assert_eq!(out["metadata"]["labels"], json!({"app": "web", "new": "x"}));
    // RFC 7386 replaces lists wholesale.
    assert_eq!(out["spec"]["containers"], json!([{"name": "only"}]));

    for bad in [&b"{"[..], b"null", b"5", b"\"x\""] {
        let err = apply(PatchType::Merge, "Pod", "", &pod(), bad).unwrap_err();
        assert_eq!(
            (err.code(), err.to_string().as_str()),
            (400, "Invalid JSON Patch")
        );
    }
    let err = apply(PatchType::Merge, "Pod", "", &pod(), b"[1]").unwrap_err();
    assert_eq!(err.code(), 422);
}

#[test]
fn smp_merges_containers_by_name() {
    let out = smp_pod(json!({"spec": {"containers": [{"name": "app", "image": "nginx:2"}]}}));
    let containers = &out["spec"]["containers"];
    assert_eq!(names(containers), ["app", "sidecar"]);
    assert_eq!(containers[0]["image"], "nginx:2");
    assert_eq!(
        containers[0]["ports"][0]["containerPort"], 80,
        "untouched fields stay"
    );
    assert_eq!(containers[1]["image"], "envoy:1");
}

#[test]
fn smp_adds_new_items_before_server_only_ones_without_order() {
    // Upstream: with no $setElementOrder, patch items come before server-only items.
    let out = smp_pod(json!({"spec": {"containers": [{"name": "new", "image": "busybox"}]}}));
    assert_eq!(names(&out["spec"]["containers"]), ["new", "app", "sidecar"]);
    let out = smp_pod(json!({"spec": {
        "$setElementOrder/containers": [{"name": "app"}, {"name": "sidecar"}, {"name": "new"}],
        "containers": [{"name": "new", "image": "busybox"}],
    }}));
    assert_eq!(names(&out["spec"]["containers"]), ["app", "sidecar", "new"]);
}

#[test]
fn smp_nested_merge_keys() {
    let out = smp_pod(json!({"spec": {"containers": [{
        "name": "app",
        "ports": [{"containerPort": 443}],
        "env": [{"name": "B", "value": "3"}, {"name": "A", "$patch": "delete"}],
    }]}}));
    let app = &out["spec"]["containers"][0];
    assert_eq!(
        app["ports"],
        json!([{"containerPort": 443}, {"containerPort": 80, "protocol": "TCP"}])
    );
    assert_eq!(app["env"], json!([{"name": "B", "value": "3"}]));
}

#[test]
fn smp_delete_and_replace_directives() {
    let out = smp_pod(json!({"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}));
    assert_eq!(names(&out["spec"]["containers"]), ["app"]);

    let out = smp_pod(
        json!({"spec": {"containers": [{"name": "solo", "image": "x"}, {"$patch": "replace"}]}}),
    );
    assert_eq!(
        out["spec"]["containers"],
        json!([{"name": "solo", "image": "x"}])
    );

    let out = smp_pod(json!({"metadata": {"labels": {"$patch": "replace", "only": "1"}}}));
    assert_eq!(out["metadata"]["labels"], json!({"only": "1"}));

    let out = smp_pod(json!({"spec": {"securityContext": {"$patch": "delete"}}}));
    assert_eq!(out["spec"]["securityContext"], json!({}));
}

#[test]
fn smp_null_removes_and_atomic_lists_replace() {
    let out =
        smp_pod(json!({"metadata": {"labels": {"tier": null}}, "spec": {"securityContext": null}}));
    assert_eq!(out["metadata"]["labels"], json!({"app": "web"}));
    assert!(out["spec"].get("securityContext").is_none());

    let out = smp_pod(json!({"spec": {"tolerations": [{"key": "k2", "operator": "Exists"}]}}));
    assert_eq!(
        out["spec"]["tolerations"],
        json!([{"key": "k2", "operator": "Exists"}])
    );
}

#[test]
fn smp_primitive_merge_lists() {
    let out = smp_pod(json!({"metadata": {"finalizers": ["b.example.com/y", "c.example.com/z"]}}));
    assert_eq!(
        out["metadata"]["finalizers"],
        json!(["a.example.com/x", "b.example.com/y", "c.example.com/z"])
    );
    let out =
        smp_pod(json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a.example.com/x"]}}));
    assert_eq!(out["metadata"]["finalizers"], json!(["b.example.com/y"]));
}

#[test]
fn smp_retain_keys() {
    let out = smp_pod(json!({"spec": {"volumes": [
        {"name": "cache", "$retainKeys": ["name", "configMap"], "configMap": {"name": "cm"}},
    ]}}));
    assert_eq!(
        out["spec"]["volumes"],
        json!([{"name": "cache", "configMap": {"name": "cm"}}])
    );

    let deploy =
        json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}});
    let out = smp(
        "Deployment",
        "apps",
        &deploy,
        json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
    )
    .unwrap();
    assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));

    let err = smp(
        "Deployment",
        "apps",
        &deploy,
        json!({"spec": {"strategy": {"$retainKeys": ["type"], "x": 1}}}),
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.to_string().as_str()),
        (400, "invalid patch format of retainKeys")
    );
}

#[test]
fn smp_service_ports_merge_by_port() {
    let svc = json!({"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]}});
    let out = smp(
        "Service",
        "",
        &svc,
        json!({"spec": {"ports": [{"port": 80, "targetPort": 9090}]}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["ports"],
        json!([{"port": 80, "targetPort": 9090}, {"port": 443}])
    );
}

#[test]
fn smp_errors() {
    let err = smp("Widget", "example.com", &json!({}), json!({"spec": {}})).unwrap_err();
    assert_eq!(err.code(), 415);
    assert_eq!(
        err.to_string(),
        "the body of the request was in an unknown format - accepted media types include: \
         application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    );

    let err = smp(
        "Pod",
        "",
        &pod(),
        json!({"spec": {"containers": [{"image": "x"}]}}),
    )
    .unwrap_err();
    assert_eq!((err.code(), err.reason()), (500, ""));
    assert_eq!(
        err.to_string(),
        "map: map[image:x] does not contain declared merge key: name"
    );

    let err = smp(
        "Pod",
        "",
        &pod(),
        json!({"metadata": {"$deleteFromPrimitiveListfinalizers": ["x"]}}),
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.to_string().as_str()),
        (400, "invalid patch format of primitive list")
    );

    let err = smp("Pod", "", &pod(), json!({"spec": {"$setElementOrder": []}})).unwrap_err();
    assert_eq!(
        (err.code(), err.to_string().as_str()),
        (400, "invalid patch format of setElementOrder list")
    );

    let no_finalizers = json!({"metadata": {"finalizers": []}});
    let err = smp(
        "Pod",
        "",
        &no_finalizers,
        json!({"metadata": {"finalizers": [["x"]]}}),
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.detail().as_str()),
        (422, "lists of lists are not supported")
    );
    let err = smp(
        "Pod",
        "",
        &pod(),
        json!({"metadata": {"finalizers": [["x"]]}}),
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.to_string().as_str()),
        (
            500,
            "list element types are not identical: [[a.example.com/x b.example.com/y] [[x]]]"
        )
    );

    let err = smp(
        "Pod",
        "",
        &pod(),
        json!({"spec": {"containers": [{"name": "app", "$patch": "merge"}]}}),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "merging lists cannot yet be specified in the patch"
    );

    let err = smp("Pod", "", &pod(), json!({"spec": {"$patch": "bogus"}})).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unknown patch type: bogus in map: "),
        "{err}"
    );

    let err = apply(PatchType::StrategicMerge, "Pod", "", &pod(), b"[1]").unwrap_err();
    assert_eq!(err.code(), 400);
    let err = apply(PatchType::StrategicMerge, "Pod", "", &pod(), b"{").unwrap_err();
    assert_eq!(err.code(), 400);

    // `null` decodes to an empty patch upstream.
    assert_eq!(
        apply(PatchType::StrategicMerge, "Pod", "", &pod(), b"null").unwrap(),
        pod()
    );
}

#[test]
fn smp_new_content_is_cleaned_of_directives_and_nulls() {
    let out = smp_pod(json!({"spec": {
        "containers": [{"name": "new", "image": "x", "args": null, "$setElementOrder/env": [{"name": "E"}],
                        "env": [{"name": "E", "value": "1"}]}],
        "affinity": {"nodeAffinity": null, "podAffinity": {"$patch": "delete"}},
    }}));
    assert_eq!(
        out["spec"]["containers"][0],
        json!({"name": "new", "image": "x", "env": [{"name": "E", "value": "1"}]})
    );
    assert_eq!(out["spec"]["affinity"], json!({}));
}
