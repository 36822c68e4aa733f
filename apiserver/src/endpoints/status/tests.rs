//! Exact `Status` JSON and messages, checked against what upstream's constructors return.

use serde_json::json;

use super::*;

fn image_path() -> FieldPath {
    FieldPath::new("spec")
        .child("containers")
        .index(0)
        .child("image")
}

// field.Path.String()
#[test]
fn field_paths_print_like_upstream() {
    assert_eq!(image_path().to_string(), "spec.containers[0].image");
    let labels = FieldPath::new("metadata").child("labels");
    assert_eq!(labels.key("foo").to_string(), "metadata.labels[foo]");
    assert_eq!(
        labels.key("a.b/c").child("x").to_string(),
        "metadata.labels[a.b/c].x"
    );
    assert_eq!(FieldPath::new("").to_string(), "[]");
    assert_eq!(FieldPath::new("").child("x").to_string(), "[].x");
}

// field.Error.Error() and ErrorBody() for every constructor in field/errors.go.
#[test]
fn field_error_messages() {
    let cases = [
        (
            FieldError::required(image_path(), ""),
            "spec.containers[0].image: Required value",
        ),
        (
            FieldError::required("metadata.name", "name or generateName is required"),
            "metadata.name: Required value: name or generateName is required",
        ),
        (
            FieldError::invalid("metadata.name", "Foo_", "a lowercase RFC 1123 subdomain"),
            "metadata.name: Invalid value: \"Foo_\": a lowercase RFC 1123 subdomain",
        ),
        (
            FieldError::invalid("spec.replicas", -1, "must be greater than or equal to 0"),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        ),
        (
            FieldError::invalid("spec.x", true, ""),
            "spec.x: Invalid value: true",
        ),
        (
            FieldError::invalid("spec.x", 1.5, ""),
            "spec.x: Invalid value: 1.5",
        ),
        (
            FieldError::invalid("spec.x", Value::Null, "y"),
            "spec.x: Invalid value: null: y",
        ),
        (
            FieldError::not_supported("spec.restartPolicy", "Sometimes", &["Always", "Never"]),
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \
             \"Never\"",
        ),
        (
            FieldError::not_supported::<&str>("spec.x", "y", &[]),
            "spec.x: Unsupported value: \"y\"",
        ),
        (
            FieldError::duplicate("spec.containers[1].name", "app"),
            "spec.containers[1].name: Duplicate value: \"app\"",
        ),
        (
            FieldError::forbidden(
                "spec.containers",
                "pod updates may not add or remove containers",
            ),
            "spec.containers: Forbidden: pod updates may not add or remove containers",
        ),
        (
            FieldError::too_long("metadata.annotations", 262144),
            "metadata.annotations: Too long: may not be more than 262144 bytes",
        ),
        (
            FieldError::too_long("x", 1),
            "x: Too long: may not be more than 1 byte",
        ),
        (
            FieldError::too_many("items", Some(5), 3),
            "items: Too many: 5: must have at most 3 items",
        ),
        (
            FieldError::too_many("items", None, 1),
            "items: Too many: must have at most 1 item",
        ),
        (
            FieldError::immutable("spec.selector", "app=x"),
            "spec.selector: Invalid value: \"app=x\": field is immutable",
        ),
        (
            FieldError::not_found("spec.x", "y"),
            "spec.x: Not found: \"y\"",
        ),
        (
            FieldError::internal("spec", "boom"),
            "spec: Internal error: boom",
        ),
        (
            FieldError::type_invalid("spec.x", "s", "must be an integer"),
            "spec.x: Invalid value: \"s\": must be an integer",
        ),
        (
            FieldError::invalid("spec.x", json!(["a", "b"]), "z"),
            "spec.x: Invalid value: [\"a\",\"b\"]: z",
        ),
    ];
    for (err, want) in cases {
        assert_eq!(err.to_string(), want);
    }
}

#[test]
fn cause_types_are_upstreams() {
    let kinds = [
        (FieldErrorKind::NotFound, "FieldValueNotFound"),
        (FieldErrorKind::Required, "FieldValueRequired"),
        (FieldErrorKind::Duplicate, "FieldValueDuplicate"),
        (FieldErrorKind::Invalid, "FieldValueInvalid"),
        (FieldErrorKind::NotSupported, "FieldValueNotSupported"),
        (FieldErrorKind::Forbidden, "FieldValueForbidden"),
        (FieldErrorKind::TooLong, "FieldValueTooLong"),
        (FieldErrorKind::TooMany, "FieldValueTooMany"),
        (FieldErrorKind::Internal, "InternalError"),
        (FieldErrorKind::TypeInvalid, "FieldValueTypeInvalid"),
    ];
    for (kind, want) in kinds {
        assert_eq!(kind.cause_type(), want);
    }
}

// strconv.Quote
#[test]
fn go_quoting() {
    assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
    assert_eq!(go_quote("\n\t\u{1}\u{7f}"), r#""\n\t\x01\x7f""#);
    assert_eq!(go_quote("héllo ✓"), "\"héllo ✓\"");
    assert_eq!(go_quote("\u{a0}\u{200b}"), r#""\u00a0\u200b""#);
}

// NewNotFound
#[test]
fn not_found() {
    let err = ApiError::not_found("pods", "x");
    assert_eq!(err.to_string(), "pods \"x\" not found");
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "pods \"x\" not found", "reason": "NotFound",
               "details": {"name": "x", "kind": "pods"}, "code": 404})
    );
    let err = ApiError::not_found("deployments.apps", "web");
    assert_eq!(err.to_string(), "deployments.apps \"web\" not found");
    assert_eq!(
        err.to_status()["details"],
        json!({"name": "web", "group": "apps", "kind": "deployments"})
    );
}

// NewAlreadyExists, NewGenerateNameConflict
#[test]
fn already_exists() {
    let err = ApiError::already_exists("crontabs.stable.example.com", "c");
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "crontabs.stable.example.com \"c\" already exists",
               "reason": "AlreadyExists",
               "details": {"name": "c", "group": "stable.example.com", "kind": "crontabs"},
               "code": 409})
    );
    let err = ApiError::GenerateNameConflict {
        resource: "pods".into(),
        name: "x-abcde".into(),
        retry_after_seconds: 1,
    };
    assert_eq!(
        err.to_string(),
        "pods \"x-abcde\" already exists, the server was not able to generate a unique name for \
         the object"
    );
    assert_eq!((err.code(), err.reason()), (409, "AlreadyExists"));
    assert_eq!(
        err.to_status()["details"],
        json!({"name": "x-abcde", "kind": "pods", "retryAfterSeconds": 1})
    );
    assert_eq!(err.retry_after_seconds(), Some(1));
}

// NewConflict
#[test]
fn conflict() {
    let err = ApiError::conflict_modified("pods", "x");
    let msg = "Operation cannot be fulfilled on pods \"x\": the object has been modified; please \
               apply your changes to the latest version and try again";
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": msg, "reason": "Conflict",
               "details": {"name": "x", "kind": "pods"}, "code": 409})
    );
}

// NewApplyConflict
#[test]
fn apply_conflict() {
    let cause = StatusCause::new(
        "FieldManagerConflict",
        "conflict with \"kubectl\" using apps/v1",
        ".spec.replicas",
    );
    let msg =
        "Apply failed with 1 conflict: conflict with \"kubectl\" using apps/v1: .spec.replicas";
    let err = ApiError::ApplyConflict {
        message: msg.into(),
        causes: vec![cause],
    };
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": msg, "reason": "Conflict",
               "details": {"causes": [{"reason": "FieldManagerConflict",
                   "message": "conflict with \"kubectl\" using apps/v1",
                   "field": ".spec.replicas"}]},
               "code": 409})
    );
}

// NewInvalid: single cause, several causes, duplicates, and none.
#[test]
fn invalid() {
    let err = ApiError::invalid("Pod", "x", vec![FieldError::required(image_path(), "")]);
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "Pod \"x\" is invalid: spec.containers[0].image: Required value",
               "reason": "Invalid",
               "details": {"name": "x", "kind": "Pod", "causes": [
                   {"reason": "FieldValueRequired", "message": "Required value",
                    "field": "spec.containers[0].image"}]},
               "code": 422})
    );

    let a = FieldError::invalid("metadata.name", "Foo", "bad");
    let b = FieldError::not_supported("spec.strategy.type", "X", &["Recreate", "RollingUpdate"]);
    let err = ApiError::invalid("Deployment.apps", "web", vec![a.clone(), b, a]);
    assert_eq!(
        err.to_string(),
        "Deployment.apps \"web\" is invalid: [metadata.name: Invalid value: \"Foo\": bad, \
         spec.strategy.type: Unsupported value: \"X\": supported values: \"Recreate\", \
         \"RollingUpdate\"]"
    );
    let status = err.to_status();
    assert_eq!(status["details"]["group"], "apps");
    assert_eq!(status["details"]["kind"], "Deployment");
    // Causes are not de-duplicated, only the aggregated message is.
    assert_eq!(
        status["details"]["causes"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(
        status["details"]["causes"][1],
        json!({"reason": "FieldValueNotSupported", "field": "spec.strategy.type",
               "message": "Unsupported value: \"X\": supported values: \"Recreate\", \
                           \"RollingUpdate\""})
    );

    let err = ApiError::invalid("Pod", "x", vec![]);
    assert_eq!(err.to_string(), "Pod \"x\" is invalid");
    assert_eq!(
        err.to_status()["details"],
        json!({"name": "x", "kind": "Pod"})
    );
}

// NewBadRequest, NewUnauthorized, NewGone, NewResourceExpired, NewServiceUnavailable,
// NewRequestEntityTooLargeError, negotiation errors: no details at all.
#[test]
fn detail_less_errors() {
    let cases = [
        (ApiError::BadRequest("bad".into()), 400, "BadRequest", "bad"),
        (
            ApiError::Unauthorized(String::new()),
            401,
            "Unauthorized",
            "not authorized",
        ),
        (
            ApiError::Unauthorized("Unauthorized".into()),
            401,
            "Unauthorized",
            "Unauthorized",
        ),
        (ApiError::Gone("gone".into()), 410, "Gone", "gone"),
        (
            ApiError::too_old_resource_version(5, 9),
            410,
            "Expired",
            "too old resource version: 5 (9)",
        ),
        (
            ApiError::ServiceUnavailable("later".into()),
            503,
            "ServiceUnavailable",
            "later",
        ),
        (
            ApiError::RequestEntityTooLarge("limit is 3145728".into()),
            413,
            "RequestEntityTooLarge",
            "Request entity too large: limit is 3145728",
        ),
        (
            ApiError::NotAcceptable {
                accepted: vec!["application/json".into(), "a/b".into()],
            },
            406,
            "NotAcceptable",
            "only the following media types are accepted: application/json, a/b",
        ),
        (
            ApiError::UnsupportedMediaType {
                accepted: vec!["application/json".into()],
            },
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: \
             application/json",
        ),
        (
            ApiError::Unknown {
                code: 500,
                message: "boom".into(),
            },
            500,
            "",
            "boom",
        ),
    ];
    for (err, code, reason, message) in cases {
        let mut want = json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
                              "status": "Failure", "message": message, "code": code});
        if !reason.is_empty() {
            want["reason"] = json!(reason);
        }
        assert_eq!(err.to_status(), want, "{err:?}");
        assert_eq!((err.code(), err.reason()), (code, reason));
    }
}

// etcd3 store handleCompactedErrorForPaging: 410 Expired with a fresh continue token.
#[test]
fn continue_expired() {
    let status = ApiError::ContinueExpired {
        continue_token: "tok".into(),
    }
    .to_status();
    assert_eq!(status["code"], 410);
    assert_eq!(status["reason"], "Expired");
    assert_eq!(status["metadata"], json!({"continue": "tok"}));
    assert_eq!(status["message"], CONTINUE_EXPIRED_MSG);
    assert!(status.get("details").is_none());
}

// NewForbidden in its three shapes, and responsewriters.Forbidden's message.
#[test]
fn forbidden() {
    let forbidden = |resource: &str, name: &str| ApiError::Forbidden {
        resource: resource.into(),
        name: name.into(),
        detail: "nope".into(),
        causes: Vec::new(),
    };
    assert_eq!(forbidden("", "").to_string(), "forbidden: nope");
    assert_eq!(forbidden("pods", "").to_string(), "pods is forbidden: nope");
    assert_eq!(
        forbidden("pods", "x").to_string(),
        "pods \"x\" is forbidden: nope"
    );
    assert_eq!(forbidden("", "").to_status()["details"], json!({}));

    let req = DeniedRequest {
        user: "bob",
        verb: "get",
        resource_request: true,
        api_group: "apps",
        resource: "deployments",
        subresource: "scale",
        namespace: "default",
        name: "web",
        ..Default::default()
    };
    let err = ApiError::forbidden_by_authorizer(&req, "");
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "deployments.apps \"web\" is forbidden: User \"bob\" cannot get \
                           resource \"deployments/scale\" in API group \"apps\" in the namespace \
                           \"default\"",
               "reason": "Forbidden",
               "details": {"name": "web", "group": "apps", "kind": "deployments"},
               "code": 403})
    );
    let req = DeniedRequest {
        verb: "list",
        resource: "nodes",
        namespace: "",
        name: "",
        ..req
    };
    let req = DeniedRequest {
        api_group: "",
        subresource: "",
        user: "system:anonymous",
        ..req
    };
    assert_eq!(
        ApiError::forbidden_by_authorizer(&req, "RBAC: denied").to_string(),
        "nodes is forbidden: User \"system:anonymous\" cannot list resource \"nodes\" in API \
         group \"\" at the cluster scope: RBAC: denied"
    );
    let req = DeniedRequest {
        user: "<a>",
        verb: "get",
        path: "/metrics",
        ..Default::default()
    };
    assert_eq!(
        ApiError::forbidden_by_authorizer(&req, "").to_string(),
        "forbidden: User \"&lt;a&gt;\" cannot get path \"/metrics\""
    );
}

// NewMethodNotSupported
#[test]
fn method_not_supported() {
    let err = ApiError::MethodNotSupported {
        resource: "bindings".into(),
        verb: "list".into(),
    };
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "list is not supported on resources of kind \"bindings\"",
               "reason": "MethodNotAllowed", "details": {"kind": "bindings"}, "code": 405})
    );
}

// NewTooManyRequests (with the eviction's DisruptionBudget cause)
#[test]
fn too_many_requests() {
    let mut err = ApiError::too_many_requests("Cannot evict pod", 0);
    assert_eq!(err.to_status()["details"], json!({}));
    if let ApiError::TooManyRequests {
        causes,
        retry_after_seconds,
        ..
    } = &mut err
    {
        causes.push(StatusCause::new(
            "DisruptionBudget",
            "needs 2 healthy pods",
            "",
        ));
        *retry_after_seconds = 10;
    }
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "Cannot evict pod", "reason": "TooManyRequests",
               "details": {"causes": [{"reason": "DisruptionBudget",
                                       "message": "needs 2 healthy pods"}],
                           "retryAfterSeconds": 10},
               "code": 429})
    );
    assert_eq!(err.retry_after_seconds(), Some(10));
}

// NewInternalError: only the public message is sent.
#[test]
fn internal() {
    let err = ApiError::internal("failed to read object", "etcd: 10.0.0.3:2379 refused");
    let status = err.to_status();
    assert_eq!(
        status,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "Internal error occurred: failed to read object",
               "reason": "InternalError",
               "details": {"causes": [{"message": "failed to read object"}]}, "code": 500})
    );
    assert!(!status.to_string().contains("10.0.0.3"));
    assert!(!err.to_string().contains("10.0.0.3"));
}

// NewServerTimeout, NewTimeoutError, storage.NewTooLargeResourceVersionError
#[test]
fn timeouts() {
    let err = ApiError::ServerTimeout {
        resource: "pods".into(),
        operation: "create".into(),
        retry_after_seconds: 2,
    };
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "The create operation against pods could not be completed at this \
                           time, please try again.",
               "reason": "ServerTimeout",
               "details": {"name": "create", "kind": "pods", "retryAfterSeconds": 2},
               "code": 500})
    );
    let err = ApiError::timeout("request did not complete within requested timeout", 0);
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "Timeout: request did not complete within requested timeout",
               "reason": "Timeout", "details": {}, "code": 504})
    );
    assert_eq!(err.retry_after_seconds(), None);
    let err = ApiError::TooLargeResourceVersion {
        requested: 20,
        current: 10,
        retry_after_seconds: 1,
    };
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "Timeout: Too large resource version: 20, current: 10",
               "reason": "Timeout",
               "details": {"causes": [{"reason": "ResourceVersionTooLarge",
                                       "message": "Too large resource version"}],
                           "retryAfterSeconds": 1},
               "code": 504})
    );
}

// NewGenericServerResponse
#[test]
fn generic_server_response() {
    let generic = |code: u16, verb: &str, resource: &str, name: &str, msg: &str| {
        ApiError::GenericServerResponse {
            code,
            verb: verb.into(),
            resource: resource.into(),
            name: name.into(),
            server_message: msg.into(),
            retry_after_seconds: 0,
            unexpected: true,
        }
    };
    let err = generic(409, "POST", "widgets.example.com", "w", "");
    assert_eq!((err.code(), err.reason()), (409, "AlreadyExists"));
    assert_eq!(
        err.to_string(),
        "the server reported a conflict (post widgets.example.com w)"
    );
    assert_eq!(generic(409, "PUT", "", "", "").reason(), "Conflict");
    assert_eq!(
        generic(406, "GET", "pods", "", "unknown").to_string(),
        "the server was unable to respond with a content type that the client supports (get pods)"
    );
    let err = generic(502, "GET", "", "", "bad gateway");
    assert_eq!(
        err.to_status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "an error on the server (\"bad gateway\") has prevented the request \
                           from succeeding",
               "reason": "InternalError",
               "details": {"causes": [{"reason": "UnexpectedServerResponse",
                                       "message": "bad gateway"}]},
               "code": 502})
    );
    assert_eq!(
        generic(504, "GET", "", "", "").to_string(),
        "the server was unable to return a response in the time allotted, but may still be \
         processing the request"
    );
    let err = generic(418, "GET", "", "", "");
    assert_eq!(
        err.to_string(),
        "the server responded with the status code 418 but did not return more information"
    );
    assert_eq!(err.reason(), "");
}

// genericregistry.Store finalizeDelete
#[test]
fn delete_success() {
    assert_eq!(
        delete_success_status("crontabs.stable.example.com", "c", "u-1"),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
               "details": {"name": "c", "group": "stable.example.com", "kind": "crontabs",
                           "uid": "u-1"}})
    );
}

#[test]
fn status_round_trips() {
    let err = ApiError::invalid("Pod", "x", vec![FieldError::forbidden("spec", "no")]);
    let status: Status = serde_json::from_value(err.to_status()).expect("decodes");
    assert_eq!(status, err.status());
    assert_eq!(status.code, 422);
}
