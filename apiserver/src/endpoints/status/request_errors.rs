//! The errors the request path raises, built from the variants above, and the mapping of
//! storage errors onto them. With [`super`], this is the one place errors get their Status.

use super::{ApiError, CONTINUE_EXPIRED_MSG, DeniedRequest};
use crate::auth::UserInfo;
use crate::endpoints::request_info::RequestInfo;
use crate::storage;

impl ApiError {
    /// 400 with `message`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    /// 401 for a request without valid credentials.
    pub fn unauthorized() -> Self {
        Self::Unauthorized("Unauthorized".into())
    }

    /// 403 from the authorizer.
    pub fn forbidden_request(info: &RequestInfo, user: Option<&UserInfo>, reason: &str) -> Self {
        let denied = DeniedRequest {
            user: user.map(|u| u.name.as_str()).unwrap_or("system:anonymous"),
            verb: &info.verb,
            resource_request: info.is_resource_request,
            path: &info.path,
            api_group: &info.api_group,
            resource: &info.resource,
            subresource: &info.subresource,
            namespace: &info.namespace,
            name: &info.name,
        };
        Self::forbidden_by_authorizer(&denied, reason)
    }

    /// 403 for deleting a system namespace (NamespaceLifecycle admission).
    pub fn namespace_may_not_be_deleted(name: &str) -> Self {
        Self::Forbidden {
            resource: "namespaces".into(),
            name: name.into(),
            detail: "this namespace may not be deleted".into(),
            causes: Vec::new(),
        }
    }

    /// 404 for a path that names no served resource.
    pub fn not_found_path() -> Self {
        Self::GenericServerResponse {
            code: 404,
            verb: "GET".into(),
            resource: String::new(),
            name: String::new(),
            server_message: String::new(),
            retry_after_seconds: 0,
            unexpected: false,
        }
    }

    /// 404 for a subresource that is not (yet) served on this resource.
    pub fn subresource_not_available(_resource: &str, _subresource: &str) -> Self {
        Self::not_found_path()
    }

    /// 405 for a verb a resource does not support.
    pub fn method_not_supported(resource: &str, verb: &str) -> Self {
        Self::MethodNotSupported {
            resource: resource.into(),
            verb: verb.into(),
        }
    }

    /// 405 on a non-resource path.
    pub fn method_not_supported_path(method: &str) -> Self {
        Self::MethodNotSupported {
            resource: String::new(),
            verb: method.into(),
        }
    }

    /// 415 for a body or patch type the server does not take.
    pub fn unsupported_media_type(_content_type: &str) -> Self {
        Self::UnsupportedMediaType {
            accepted: vec![
                "application/json".into(),
                "application/yaml".into(),
                "application/vnd.kubernetes.protobuf".into(),
                "application/json-patch+json".into(),
                "application/merge-patch+json".into(),
                "application/strategic-merge-patch+json".into(),
            ],
        }
    }

    /// 413 for a body over `limit` bytes.
    pub fn request_entity_too_large(limit: usize) -> Self {
        Self::RequestEntityTooLarge(format!("limit is {limit}"))
    }

    /// 409 for a failed delete precondition, with upstream's message.
    pub fn conflict_precondition(resource: &str, name: &str, detail: &str) -> Self {
        Self::Conflict {
            resource: resource.into(),
            name: name.into(),
            detail: detail.into(),
        }
    }

    /// 504 when a list asks for a resourceVersion the store has not reached.
    pub fn too_large_resource_version(requested: i64, current: i64) -> Self {
        Self::TooLargeResourceVersion {
            requested: requested.max(0) as u64,
            current: current.max(0) as u64,
            retry_after_seconds: 1,
        }
    }

    /// 410 Expired for a continue token whose revision was compacted.
    pub fn continue_expired() -> Self {
        Self::ResourceExpired(CONTINUE_EXPIRED_MSG.into())
    }

    /// 410 Expired for an exact list below the compacted revision.
    pub fn list_resource_version_too_old() -> Self {
        Self::ResourceExpired("The resourceVersion for the provided list is too old.".into())
    }

    /// 410 Expired for a watch from a compacted revision, as the ERROR event carries it.
    pub fn watch_too_old(requested: i64) -> Self {
        Self::ResourceExpired(format!(
            "The resourceVersion for the provided watch is too old. (requested {requested})"
        ))
    }

    /// The Status for a storage error on `resource` `name`.
    pub fn from_storage(resource: &str, name: &str, error: storage::Error) -> Self {
        match error {
            storage::Error::AlreadyExists { .. } => Self::already_exists(resource, name),
            storage::Error::NotFound { .. } => Self::not_found(resource, name),
            storage::Error::Conflict { .. } => Self::conflict_modified(resource, name),
            storage::Error::Compacted { .. } => Self::list_resource_version_too_old(),
            storage::Error::FutureRevision {
                requested, current, ..
            } => Self::too_large_resource_version(requested, current),
            storage::Error::Unavailable(detail) => {
                Self::timeout(format!("storage is unavailable: {detail}"), 1)
            }
            other => Self::internal("storage error", other.to_string()),
        }
    }
}

impl From<crate::endpoints::patch::PatchError> for ApiError {
    fn from(error: crate::endpoints::patch::PatchError) -> Self {
        use crate::endpoints::patch::PatchError;
        match error {
            PatchError::BadRequest(message) => Self::BadRequest(message),
            PatchError::UnsupportedMediaType { accepted } => Self::UnsupportedMediaType {
                accepted: accepted.into_iter().map(str::to_owned).collect(),
            },
            PatchError::TooManyOperations { .. } => Self::RequestEntityTooLarge(error.to_string()),
            PatchError::Internal(message) => Self::internal(message.clone(), message),
            // Upstream answers a patch that cannot be applied with a generic 422 (reason
            // Invalid) whose message is the generic one; the cause goes to the log.
            other => {
                tracing::debug!(detail = %other.detail(), "patch could not be applied");
                Self::GenericServerResponse {
                    code: other.code(),
                    verb: "PATCH".into(),
                    resource: String::new(),
                    name: String::new(),
                    server_message: String::new(),
                    retry_after_seconds: 0,
                    unexpected: false,
                }
            }
        }
    }
}
