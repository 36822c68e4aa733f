//! API errors of the kube-apiserver as `metav1.Status`, in exactly one place.
//!
//! Every failed request (and every watch `ERROR` event) is answered with a `Status` whose
//! `reason`, `code`, `message` and `details` follow upstream's constructors in
//! `k8s.io/apimachinery/pkg/api/errors` (`NewNotFound`, `NewInvalid`, ...). Clients key on
//! them: client-go's `IsNotFound`/`IsConflict`/`IsResourceExpired` read `reason` and `code`,
//! reflectors read the `ResourceVersionTooLarge` cause, and `kubectl` prints `message` verbatim,
//! so message shapes such as `deployments.apps "x" not found` must match byte for byte.
//!
//! - [`ApiError`]: one variant per upstream constructor; [`ApiError::code`],
//!   [`ApiError::reason`], [`ApiError::status`] / [`ApiError::to_status`].
//! - [`FieldError`] / [`FieldErrorKind`]: upstream's `field.Error`, whose `Display` is
//!   `field.Error.Error()` and which become `details.causes[]` of `Invalid`.
//! - [`FieldPath`]: upstream's `field.Path` (`spec.containers[0].image`).
//! - [`delete_success_status`]: the `Success` Status some deletes return instead of the object.
//!
//! Resources and kinds are passed group-qualified, as upstream's `GroupResource.String()` and
//! `GroupKind.String()` print them: `pods`, `deployments.apps`, `Pod`, `Deployment.apps`. The
//! group in `details.group` is everything after the first dot.
//!
//! Values inside field errors are printed as upstream prints Go values: strings quoted like Go's
//! `%q`, numbers and booleans bare, `null` for nil, and (since 1.34's `field.Error.ErrorBody`)
//! composite values as their `json.Marshal` output ([`go_json`]).

use std::fmt::{self, Display, Write as _};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `detail` of the [`ApiError::Conflict`] returned when `metadata.resourceVersion` is stale.
pub const OPTIMISTIC_LOCK_ERROR_MSG: &str =
    "the object has been modified; please apply your changes to the latest version and try again";
/// `detail` of [`FieldError::immutable`] (upstream `FieldImmutableErrorMsg`).
pub const FIELD_IMMUTABLE_ERROR_MSG: &str = "field is immutable";
/// Message of [`ApiError::ContinueExpired`]. Our wording; clients only read reason and token.
pub const CONTINUE_EXPIRED_MSG: &str = "The provided continue parameter is too old to display a \
consistent list result. Start a new list without the continue parameter, or continue with the \
token in this response's metadata.continue to receive the remaining items, which may then be \
inconsistent with the items already returned.";
/// Cause type clients look for on "too large resource version" timeouts.
pub const CAUSE_RESOURCE_VERSION_TOO_LARGE: &str = "ResourceVersionTooLarge";

// ---------------------------------------------------------------------------------------------
// Wire types (metav1.Status and friends). Field order and omitempty as upstream's JSON tags.
// ---------------------------------------------------------------------------------------------

/// `metav1.Status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Status {
    pub kind: String,
    pub api_version: String,
    pub metadata: StatusListMeta,
    /// `Success` or `Failure`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<StatusDetails>,
    #[serde(skip_serializing_if = "is_zero_u16")]
    pub code: u16,
}

/// The `metav1.ListMeta` of a Status (only `continue` is ever set on errors).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StatusListMeta {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    #[serde(rename = "continue", skip_serializing_if = "String::is_empty")]
    pub continue_token: String,
}

/// `metav1.StatusDetails`. `kind` holds the resource plural for most errors, the Kind for
/// `Invalid`, as upstream.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StatusDetails {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<StatusCause>,
    #[serde(skip_serializing_if = "is_zero_u32")]
    pub retry_after_seconds: u32,
}

/// `metav1.StatusCause`; `reason` is the cause type (`FieldValueRequired`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatusCause {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub field: String,
}

impl StatusCause {
    /// A cause; empty strings are omitted on the wire.
    pub fn new(reason: &str, message: &str, field: &str) -> Self {
        let (reason, message, field) = (reason.into(), message.into(), field.into());
        Self {
            reason,
            message,
            field,
        }
    }
}

fn is_zero_u16(v: &u16) -> bool {
    *v == 0
}

fn is_zero_u32(v: &u32) -> bool {
    *v == 0
}

/// Joins a group and a resource (or kind) as `GroupResource.String()`: `pods`, `deployments.apps`.
pub fn qualified(group: &str, resource_or_kind: &str) -> String {
    if group.is_empty() {
        resource_or_kind.to_owned()
    } else {
        format!("{resource_or_kind}.{group}")
    }
}

/// Splits `deployments.apps` into (`deployments`, `apps`); `pods` into (`pods`, ``).
fn split_qualified(q: &str) -> (&str, &str) {
    q.split_once('.').unwrap_or((q, ""))
}

/// Upstream's `Status` with `status: Success` for deletes that do not return the object
/// (`genericregistry.Store` when `ReturnDeletedObject` is false). `details.kind` is the resource
/// plural; there is no `code`, as upstream.
pub fn delete_success_status(qualified_resource: &str, name: &str, uid: &str) -> Value {
    let (resource, group) = split_qualified(qualified_resource);
    let status = Status {
        kind: "Status".into(),
        api_version: "v1".into(),
        status: "Success".into(),
        details: Some(StatusDetails {
            name: name.into(),
            group: group.into(),
            kind: resource.into(),
            uid: uid.into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    serde_json::to_value(status).unwrap_or(Value::Null)
}

// ---------------------------------------------------------------------------------------------
// Field paths and field errors (k8s.io/apimachinery/pkg/util/validation/field).
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum PathElem {
    Name(String),
    Subscript(String),
}

/// A path to a field, printed as upstream's `field.Path.String()`:
/// `FieldPath::new("spec").child("containers").index(0).child("image")` is
/// `spec.containers[0].image`, `FieldPath::new("metadata").child("labels").key("foo")` is
/// `metadata.labels[foo]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldPath {
    elems: Vec<PathElem>,
}

impl FieldPath {
    /// A root path (`field.NewPath`).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            elems: vec![PathElem::Name(name.into())],
        }
    }

    /// A named child (`Path.Child`).
    pub fn child(&self, name: impl Into<String>) -> Self {
        self.push(PathElem::Name(name.into()))
    }

    /// A list index (`Path.Index`): `[3]`.
    pub fn index(&self, index: usize) -> Self {
        self.push(PathElem::Subscript(index.to_string()))
    }

    /// A map key (`Path.Key`): `[key]`, unquoted as upstream.
    pub fn key(&self, key: impl Into<String>) -> Self {
        self.push(PathElem::Subscript(key.into()))
    }

    fn push(&self, elem: PathElem) -> Self {
        let mut elems = self.elems.clone();
        elems.push(elem);
        Self { elems }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, elem) in self.elems.iter().enumerate() {
            match elem {
                PathElem::Name(n) if !n.is_empty() => {
                    if i > 0 {
                        f.write_char('.')?;
                    }
                    f.write_str(n)?;
                }
                // An empty name prints as an empty subscript, as upstream.
                PathElem::Name(_) => f.write_str("[]")?,
                PathElem::Subscript(s) => write!(f, "[{s}]")?,
            }
        }
        Ok(())
    }
}

/// Upstream's `field.ErrorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldErrorKind {
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    Internal,
    TypeInvalid,
}

impl FieldErrorKind {
    /// The cause type written to `details.causes[].reason`.
    pub fn cause_type(self) -> &'static str {
        match self {
            Self::NotFound => "FieldValueNotFound",
            Self::Required => "FieldValueRequired",
            Self::Duplicate => "FieldValueDuplicate",
            Self::Invalid => "FieldValueInvalid",
            Self::NotSupported => "FieldValueNotSupported",
            Self::Forbidden => "FieldValueForbidden",
            Self::TooLong => "FieldValueTooLong",
            Self::TooMany => "FieldValueTooMany",
            Self::Internal => "InternalError",
            Self::TypeInvalid => "FieldValueTypeInvalid",
        }
    }

    /// The human label that starts the message (`ErrorType.String()`).
    pub fn label(self) -> &'static str {
        match self {
            Self::NotFound => "Not found",
            Self::Required => "Required value",
            Self::Duplicate => "Duplicate value",
            Self::Invalid | Self::TypeInvalid => "Invalid value",
            Self::NotSupported => "Unsupported value",
            Self::Forbidden => "Forbidden",
            Self::TooLong => "Too long",
            Self::TooMany => "Too many",
            Self::Internal => "Internal error",
        }
    }
}

/// One field-level validation error (upstream `field.Error`). `value: None` means "no value to
/// print" (upstream's omitted value); `Some(Value::Null)` prints `null` like a Go nil.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub kind: FieldErrorKind,
    pub field: String,
    pub value: Option<Value>,
    pub detail: String,
}

impl FieldError {
    fn new(kind: FieldErrorKind, path: impl Display, value: Option<Value>, detail: String) -> Self {
        Self {
            kind,
            field: path.to_string(),
            value,
            detail,
        }
    }

    /// `field.NotFound`: `path: Not found: "value"`.
    pub fn not_found(path: impl Display, value: impl Into<Value>) -> Self {
        Self::new(
            FieldErrorKind::NotFound,
            path,
            Some(value.into()),
            String::new(),
        )
    }

    /// `field.Required`: `path: Required value[: detail]`.
    pub fn required(path: impl Display, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Required, path, None, detail.into())
    }

    /// `field.Duplicate`: `path: Duplicate value: "value"`.
    pub fn duplicate(path: impl Display, value: impl Into<Value>) -> Self {
        Self::new(
            FieldErrorKind::Duplicate,
            path,
            Some(value.into()),
            String::new(),
        )
    }

    /// `field.Invalid`: `path: Invalid value: "value"[: detail]`.
    pub fn invalid(path: impl Display, value: impl Into<Value>, detail: impl Into<String>) -> Self {
        Self::new(
            FieldErrorKind::Invalid,
            path,
            Some(value.into()),
            detail.into(),
        )
    }

    /// `field.TypeInvalid`: as [`FieldError::invalid`], cause `FieldValueTypeInvalid`.
    pub fn type_invalid(
        path: impl Display,
        value: impl Into<Value>,
        detail: impl Into<String>,
    ) -> Self {
        Self::new(
            FieldErrorKind::TypeInvalid,
            path,
            Some(value.into()),
            detail.into(),
        )
    }

    /// `field.NotSupported`: `path: Unsupported value: "x": supported values: "a", "b"`.
    pub fn not_supported<S: AsRef<str>>(
        path: impl Display,
        value: impl Into<Value>,
        valid: &[S],
    ) -> Self {
        let quoted: Vec<String> = valid.iter().map(|v| go_quote(v.as_ref())).collect();
        let detail = match quoted.is_empty() {
            true => String::new(),
            false => format!("supported values: {}", quoted.join(", ")),
        };
        Self::new(
            FieldErrorKind::NotSupported,
            path,
            Some(value.into()),
            detail,
        )
    }

    /// `field.Forbidden`: `path: Forbidden[: detail]`.
    pub fn forbidden(path: impl Display, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Forbidden, path, None, detail.into())
    }

    /// `field.TooLong`: `path: Too long: may not be more than N bytes` (never shows the value).
    pub fn too_long(path: impl Display, max_bytes: usize) -> Self {
        let unit = if max_bytes == 1 { "byte" } else { "bytes" };
        let detail = format!("may not be more than {max_bytes} {unit}");
        Self::new(FieldErrorKind::TooLong, path, None, detail)
    }

    /// `field.TooMany`: `path: Too many: 5: must have at most 3 items`; `actual: None` omits the
    /// count (upstream passes -1).
    pub fn too_many(path: impl Display, actual: Option<usize>, max_items: usize) -> Self {
        let unit = if max_items == 1 { "item" } else { "items" };
        let detail = format!("must have at most {max_items} {unit}");
        Self::new(
            FieldErrorKind::TooMany,
            path,
            actual.map(Value::from),
            detail,
        )
    }

    /// `field.InternalError`: `path: Internal error: detail`.
    pub fn internal(path: impl Display, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Internal, path, None, detail.into())
    }

    /// `ValidateImmutableField`: `path: Invalid value: "value": field is immutable`.
    pub fn immutable(path: impl Display, value: impl Into<Value>) -> Self {
        Self::invalid(path, value, FIELD_IMMUTABLE_ERROR_MSG)
    }

    /// The message without the field (`field.Error.ErrorBody()`), as in `details.causes[]`.
    pub fn body(&self) -> String {
        use FieldErrorKind::{Forbidden, Internal, Required, TooLong};
        let label = self.kind.label();
        let mut s = match (self.kind, &self.value) {
            (Required | Forbidden | TooLong | Internal, _) | (_, None) => label.to_owned(),
            (_, Some(value)) => format!("{label}: {}", go_value(value)),
        };
        if !self.detail.is_empty() {
            s = format!("{s}: {}", self.detail);
        }
        s
    }

    /// The `details.causes[]` entry of this error.
    pub fn to_cause(&self) -> StatusCause {
        StatusCause::new(self.kind.cause_type(), &self.body(), &self.field)
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

impl std::error::Error for FieldError {}

/// `ErrorList.ToAggregate().Error()`: messages de-duplicated, one printed bare, several as
/// `[a, b]`; `None` for an empty list.
fn aggregate_message(errs: &[FieldError]) -> Option<String> {
    let mut seen: Vec<String> = Vec::new();
    for msg in errs.iter().map(ToString::to_string) {
        if !seen.contains(&msg) {
            seen.push(msg);
        }
    }
    match seen.len() {
        0 => None,
        1 => seen.pop(),
        _ => Some(format!("[{}]", seen.join(", "))),
    }
}

/// Go's `strconv.Quote` (what `%q` prints) for valid UTF-8.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if !is_go_printable(c) => {
                if (c as u32) < 0x10000 {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                } else {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Approximates Go's `unicode.IsPrint`: controls, non-ASCII spaces and format characters are not
/// printable.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let format_char = matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
    ) || c == '\u{feff}';
    !(c.is_control() || c.is_whitespace() || format_char)
}

/// A bad value as upstream's `ErrorBody` prints it (see the module docs for composites).
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if !n.is_i64() && !n.is_u64() => go_float(f),
            _ => n.to_string(),
        },
        Value::String(s) => go_quote(s),
        Value::Array(_) | Value::Object(_) => go_json(v),
    }
}

/// Go's `json.Marshal` of a decoded JSON value: compact, map keys sorted, and `<`, `>`, `&`,
/// U+2028 and U+2029 escaped as `\u003c` and so on (what upstream prints for composite values).
pub fn go_json(v: &Value) -> String {
    let mut out = String::new();
    for c in v.to_string().chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Go's `%v` of a float64: shortest digits, exponent form below 1e-4 and from 1e21 (`1e-07`).
pub(crate) fn go_float(f: f64) -> String {
    if f == 0.0 || !f.is_finite() || (1e-4..1e21).contains(&f.abs()) {
        return f.to_string();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

// ---------------------------------------------------------------------------------------------
// ApiError.
// ---------------------------------------------------------------------------------------------

/// The attributes an authorizer denied, for [`ApiError::forbidden_by_authorizer`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DeniedRequest<'a> {
    pub user: &'a str,
    pub verb: &'a str,
    /// False for non-resource URLs such as `/metrics`; then only `path` is used.
    pub resource_request: bool,
    pub path: &'a str,
    pub api_group: &'a str,
    pub resource: &'a str,
    pub subresource: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
}

/// An error answered as a `metav1.Status`. `Display` is the Status `message`.
///
/// `resource` fields are group-qualified resources (`pods`, `deployments.apps`); `kind` fields
/// are group-qualified kinds (`Pod`, `Deployment.apps`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.message())]
pub enum ApiError {
    /// 404 NotFound (`NewNotFound`).
    NotFound { resource: String, name: String },
    /// 409 AlreadyExists (`NewAlreadyExists`).
    AlreadyExists { resource: String, name: String },
    /// 409 AlreadyExists when no unique generated name was found (`NewGenerateNameConflict`).
    GenerateNameConflict {
        resource: String,
        name: String,
        retry_after_seconds: u32,
    },
    /// 409 Conflict (`NewConflict`); `detail` is usually [`OPTIMISTIC_LOCK_ERROR_MSG`].
    Conflict {
        resource: String,
        name: String,
        detail: String,
    },
    /// 409 Conflict of server-side apply (`NewApplyConflict`); causes are `FieldManagerConflict`.
    ApplyConflict {
        message: String,
        causes: Vec<StatusCause>,
    },
    /// 422 Invalid (`NewInvalid`).
    Invalid {
        kind: String,
        name: String,
        causes: Vec<FieldError>,
    },
    /// 400 BadRequest (`NewBadRequest`).
    BadRequest(String),
    /// 401 Unauthorized (`NewUnauthorized`); an empty message becomes `not authorized`.
    Unauthorized(String),
    /// 403 Forbidden (`NewForbidden`); `resource` may be empty (non-resource requests).
    /// `causes` are extra `details.causes` some callers add (NamespaceLifecycle admission).
    Forbidden {
        resource: String,
        name: String,
        detail: String,
        causes: Vec<StatusCause>,
    },
    /// 405 MethodNotAllowed (`NewMethodNotSupported`).
    MethodNotSupported { resource: String, verb: String },
    /// 405 MethodNotAllowed with its own message (creating a custom resource whose definition
    /// is terminating).
    MethodNotAllowed { resource: String, message: String },
    /// 406 NotAcceptable (`negotiation.NewNotAcceptableError`).
    NotAcceptable { accepted: Vec<String> },
    /// 415 UnsupportedMediaType (`negotiation.NewUnsupportedMediaTypeError`).
    UnsupportedMediaType { accepted: Vec<String> },
    /// 410 Gone (`NewGone`, deprecated upstream in favour of `ResourceExpired`).
    Gone(String),
    /// 410 Expired (`NewResourceExpired`): too old resourceVersion on watch/list.
    ResourceExpired(String),
    /// 410 Expired for a compacted continue token; `metadata.continue` carries a fresh token that
    /// continues at the latest revision (etcd3 store `handleCompactedErrorForPaging`).
    ContinueExpired { continue_token: String },
    /// 413 RequestEntityTooLarge (`NewRequestEntityTooLargeError`).
    RequestEntityTooLarge(String),
    /// 429 TooManyRequests (`NewTooManyRequests`; eviction adds a `DisruptionBudget` cause).
    TooManyRequests {
        message: String,
        retry_after_seconds: u32,
        causes: Vec<StatusCause>,
    },
    /// 500 InternalError (`NewInternalError`). Only `public` reaches the client; `detail` is
    /// logged when the Status is built.
    Internal { public: String, detail: String },
    /// 500 ServerTimeout (`NewServerTimeout`).
    ServerTimeout {
        resource: String,
        operation: String,
        retry_after_seconds: u32,
    },
    /// 504 Timeout (`NewTimeoutError`).
    Timeout {
        message: String,
        retry_after_seconds: u32,
    },
    /// 504 Timeout with cause `ResourceVersionTooLarge`
    /// (`storage.NewTooLargeResourceVersionError`).
    TooLargeResourceVersion {
        requested: u64,
        current: u64,
        retry_after_seconds: u32,
    },
    /// 503 ServiceUnavailable (`NewServiceUnavailable`).
    ServiceUnavailable(String),
    /// A response that was not a Status, e.g. from an aggregated API server
    /// (`NewGenericServerResponse`). `verb` is the HTTP method.
    GenericServerResponse {
        code: u16,
        verb: String,
        resource: String,
        name: String,
        server_message: String,
        retry_after_seconds: u32,
        unexpected: bool,
    },
    /// An error that is not an API status (`ErrorToAPIStatus` fallback): empty reason.
    Unknown { code: u16, message: String },
}

impl ApiError {
    /// 404 `<resource> "<name>" not found`.
    pub fn not_found(resource: impl Into<String>, name: impl Into<String>) -> Self {
        Self::NotFound {
            resource: resource.into(),
            name: name.into(),
        }
    }

    /// 409 `<resource> "<name>" already exists`.
    pub fn already_exists(resource: impl Into<String>, name: impl Into<String>) -> Self {
        Self::AlreadyExists {
            resource: resource.into(),
            name: name.into(),
        }
    }

    /// The 409 Conflict of a stale `metadata.resourceVersion`.
    pub fn conflict_modified(resource: impl Into<String>, name: impl Into<String>) -> Self {
        let detail = OPTIMISTIC_LOCK_ERROR_MSG.to_owned();
        Self::Conflict {
            resource: resource.into(),
            name: name.into(),
            detail,
        }
    }

    /// 422 `<Kind> "<name>" is invalid: ...`.
    pub fn invalid(
        kind: impl Into<String>,
        name: impl Into<String>,
        causes: Vec<FieldError>,
    ) -> Self {
        Self::Invalid {
            kind: kind.into(),
            name: name.into(),
            causes,
        }
    }

    /// A 500 whose message is `Internal error occurred: <public>`; `detail` only goes to the log.
    pub fn internal(public: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Internal {
            public: public.into(),
            detail: detail.into(),
        }
    }

    /// 504 `Timeout: <message>`.
    pub fn timeout(message: impl Into<String>, retry_after_seconds: u32) -> Self {
        Self::Timeout {
            message: message.into(),
            retry_after_seconds,
        }
    }

    /// 429 with the message as given and no causes.
    pub fn too_many_requests(message: impl Into<String>, retry_after_seconds: u32) -> Self {
        let message = message.into();
        Self::TooManyRequests {
            message,
            retry_after_seconds,
            causes: Vec::new(),
        }
    }

    /// The watch-cache 410 for a resourceVersion older than the oldest one kept; upstream prints
    /// the requested version and the newest version no longer available.
    pub fn too_old_resource_version(requested: u64, newest_unavailable: u64) -> Self {
        Self::ResourceExpired(format!(
            "too old resource version: {requested} ({newest_unavailable})"
        ))
    }

    /// The 403 of the authorization filter (`responsewriters.Forbidden`):
    /// `pods "x" is forbidden: User "bob" cannot get resource "pods" in API group "" in the
    /// namespace "default"[: reason]`.
    pub fn forbidden_by_authorizer(req: &DeniedRequest<'_>, reason: &str) -> Self {
        let user = go_quote(req.user);
        let mut msg = if !req.resource_request {
            format!(
                "User {user} cannot {} path {}",
                req.verb,
                go_quote(req.path)
            )
        } else {
            let resource = match req.subresource {
                "" => go_quote(req.resource),
                sub => go_quote(&format!("{}/{sub}", req.resource)),
            };
            let (verb, group) = (req.verb, go_quote(req.api_group));
            let scope = match req.namespace {
                "" => "at the cluster scope".to_owned(),
                ns => format!("in the namespace {}", go_quote(ns)),
            };
            format!("User {user} cannot {verb} resource {resource} in API group {group} {scope}")
        };
        // Avoid messages that look like HTML; quotes stay.
        msg = msg
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        if !reason.is_empty() {
            msg = format!("{msg}: {reason}");
        }
        let (resource, name) = match req.resource_request {
            true => (qualified(req.api_group, req.resource), req.name.to_owned()),
            false => (String::new(), String::new()),
        };
        Self::Forbidden {
            resource,
            name,
            detail: msg,
            causes: Vec::new(),
        }
    }

    /// The HTTP status code.
    pub fn code(&self) -> u16 {
        self.code_and_reason().0
    }

    /// The `metav1.StatusReason` (empty for [`ApiError::Unknown`], as upstream's `Unknown`).
    pub fn reason(&self) -> &'static str {
        self.code_and_reason().1
    }

    fn code_and_reason(&self) -> (u16, &'static str) {
        match self {
            Self::NotFound { .. } => (404, "NotFound"),
            Self::AlreadyExists { .. } | Self::GenerateNameConflict { .. } => {
                (409, "AlreadyExists")
            }
            Self::Conflict { .. } | Self::ApplyConflict { .. } => (409, "Conflict"),
            Self::Invalid { .. } => (422, "Invalid"),
            Self::BadRequest(_) => (400, "BadRequest"),
            Self::Unauthorized(_) => (401, "Unauthorized"),
            Self::Forbidden { .. } => (403, "Forbidden"),
            Self::MethodNotSupported { .. } | Self::MethodNotAllowed { .. } => {
                (405, "MethodNotAllowed")
            }
            Self::NotAcceptable { .. } => (406, "NotAcceptable"),
            Self::UnsupportedMediaType { .. } => (415, "UnsupportedMediaType"),
            Self::Gone(_) => (410, "Gone"),
            Self::ResourceExpired(_) | Self::ContinueExpired { .. } => (410, "Expired"),
            Self::RequestEntityTooLarge(_) => (413, "RequestEntityTooLarge"),
            Self::TooManyRequests { .. } => (429, "TooManyRequests"),
            Self::Internal { .. } => (500, "InternalError"),
            Self::ServerTimeout { .. } => (500, "ServerTimeout"),
            Self::Timeout { .. } | Self::TooLargeResourceVersion { .. } => (504, "Timeout"),
            Self::ServiceUnavailable(_) => (503, "ServiceUnavailable"),
            Self::GenericServerResponse {
                code,
                verb,
                server_message: m,
                ..
            } => (*code, generic_response(*code, verb, m).0),
            Self::Unknown { code, .. } => (*code, ""),
        }
    }

    /// The Status `message`, exactly as upstream formats it.
    pub fn message(&self) -> String {
        match self {
            Self::NotFound { resource, name } => format!("{resource} {} not found", go_quote(name)),
            Self::AlreadyExists { resource, name } => {
                format!("{resource} {} already exists", go_quote(name))
            }
            Self::GenerateNameConflict { resource, name, .. } => format!(
                "{resource} {} already exists, the server was not able to generate a unique name \
                 for the object",
                go_quote(name)
            ),
            Self::Conflict {
                resource,
                name,
                detail,
            } => {
                format!(
                    "Operation cannot be fulfilled on {resource} {}: {detail}",
                    go_quote(name)
                )
            }
            Self::Invalid { kind, name, causes } => match aggregate_message(causes) {
                None => format!("{kind} {} is invalid", go_quote(name)),
                Some(agg) => format!("{kind} {} is invalid: {agg}", go_quote(name)),
            },
            Self::Unauthorized(m) if m.is_empty() => "not authorized".into(),
            Self::Forbidden {
                resource,
                name,
                detail,
                ..
            } => match (&**resource, &**name) {
                ("", _) => format!("forbidden: {detail}"),
                (resource, "") => format!("{resource} is forbidden: {detail}"),
                (resource, name) => format!("{resource} {} is forbidden: {detail}", go_quote(name)),
            },
            Self::MethodNotAllowed { message, .. } => message.clone(),
            Self::MethodNotSupported { resource, verb } => {
                format!(
                    "{verb} is not supported on resources of kind {}",
                    go_quote(resource)
                )
            }
            Self::NotAcceptable { accepted } => {
                format!(
                    "only the following media types are accepted: {}",
                    accepted.join(", ")
                )
            }
            Self::UnsupportedMediaType { accepted } => format!(
                "the body of the request was in an unknown format - accepted media types include: \
                 {}",
                accepted.join(", ")
            ),
            Self::ContinueExpired { .. } => CONTINUE_EXPIRED_MSG.into(),
            Self::RequestEntityTooLarge(m) => format!("Request entity too large: {m}"),
            Self::Internal { public, .. } => format!("Internal error occurred: {public}"),
            Self::ServerTimeout {
                resource,
                operation,
                ..
            } => format!(
                "The {operation} operation against {resource} could not be completed at this \
                 time, please try again."
            ),
            Self::Timeout { message, .. } => format!("Timeout: {message}"),
            Self::TooLargeResourceVersion {
                requested, current, ..
            } => {
                format!("Timeout: Too large resource version: {requested}, current: {current}")
            }
            Self::GenericServerResponse {
                code,
                verb,
                resource,
                name,
                server_message: m,
                ..
            } => {
                let message = generic_response(*code, verb, m).1;
                let verb = verb.to_lowercase();
                match (&**resource, &**name) {
                    ("", _) => message,
                    (resource, "") => format!("{message} ({verb} {resource})"),
                    (resource, name) => format!("{message} ({verb} {resource} {name})"),
                }
            }
            Self::ApplyConflict { message, .. }
            | Self::TooManyRequests { message, .. }
            | Self::Unknown { message, .. } => message.clone(),
            Self::BadRequest(m)
            | Self::Unauthorized(m)
            | Self::Gone(m)
            | Self::ResourceExpired(m)
            | Self::ServiceUnavailable(m) => m.clone(),
        }
    }

    /// `details.retryAfterSeconds`, which also becomes the `Retry-After` header when non-zero.
    pub fn retry_after_seconds(&self) -> Option<u32> {
        self.details()
            .map(|d| d.retry_after_seconds)
            .filter(|s| *s > 0)
    }

    /// `details` exactly as each upstream constructor fills it (`None`: no details at all).
    fn details(&self) -> Option<StatusDetails> {
        // `resource` is group-qualified; details carry it split into kind (plural) and group.
        let d = |resource: &str, name: &str, causes: Vec<StatusCause>, retry_after_seconds| {
            let (kind, group) = split_qualified(resource);
            let (name, group, kind) = (name.into(), group.into(), kind.into());
            StatusDetails {
                name,
                group,
                kind,
                causes,
                retry_after_seconds,
                uid: String::new(),
            }
        };
        Some(match self {
            Self::NotFound { resource, name }
            | Self::AlreadyExists { resource, name }
            | Self::Conflict { resource, name, .. } => d(resource, name, vec![], 0),
            Self::Forbidden {
                resource,
                name,
                causes,
                ..
            } => d(resource, name, causes.clone(), 0),
            Self::GenerateNameConflict {
                resource,
                name,
                retry_after_seconds: r,
            } => d(resource, name, vec![], *r),
            Self::ApplyConflict { causes, .. } => d("", "", causes.clone(), 0),
            Self::Invalid { kind, name, causes } => d(
                kind,
                name,
                causes.iter().map(FieldError::to_cause).collect(),
                0,
            ),
            Self::MethodNotSupported { resource, .. } | Self::MethodNotAllowed { resource, .. } => {
                d(resource, "", vec![], 0)
            }
            Self::TooManyRequests {
                retry_after_seconds: r,
                causes,
                ..
            } => d("", "", causes.clone(), *r),
            Self::Internal { public, .. } => d("", "", vec![StatusCause::new("", public, "")], 0),
            Self::ServerTimeout {
                resource,
                operation,
                retry_after_seconds: r,
            } => d(resource, operation, vec![], *r),
            Self::Timeout {
                retry_after_seconds: r,
                ..
            } => d("", "", vec![], *r),
            Self::TooLargeResourceVersion {
                retry_after_seconds: r,
                ..
            } => {
                let msg = "Too large resource version";
                d(
                    "",
                    "",
                    vec![StatusCause::new(CAUSE_RESOURCE_VERSION_TOO_LARGE, msg, "")],
                    *r,
                )
            }
            Self::GenericServerResponse {
                resource,
                name,
                server_message: m,
                retry_after_seconds: r,
                unexpected,
                ..
            } => {
                let causes = match unexpected {
                    true => vec![StatusCause::new("UnexpectedServerResponse", m, "")],
                    false => vec![],
                };
                d(resource, name, causes, *r)
            }
            Self::BadRequest(_)
            | Self::Unauthorized(_)
            | Self::NotAcceptable { .. }
            | Self::UnsupportedMediaType { .. }
            | Self::Gone(_)
            | Self::ResourceExpired(_)
            | Self::ContinueExpired { .. }
            | Self::RequestEntityTooLarge(_)
            | Self::ServiceUnavailable(_)
            | Self::Unknown { .. } => return None,
        })
    }

    /// The typed Status. Logs the hidden detail of [`ApiError::Internal`].
    pub fn status(&self) -> Status {
        if let Self::Internal { public, detail } = self {
            tracing::error!(%public, %detail, "internal error answered with 500");
        }
        let mut metadata = StatusListMeta::default();
        if let Self::ContinueExpired { continue_token } = self {
            metadata.continue_token = continue_token.clone();
        }
        Status {
            kind: "Status".into(),
            api_version: "v1".into(),
            metadata,
            status: "Failure".into(),
            message: self.message(),
            reason: self.reason().into(),
            details: self.details(),
            code: self.code(),
        }
    }

    /// The Status as JSON, ready to be written as the response body or a watch `ERROR` event.
    pub fn to_status(&self) -> Value {
        serde_json::to_value(self.status()).unwrap_or(Value::Null)
    }
}

/// Reason and default message of `NewGenericServerResponse` for an HTTP status code.
fn generic_response(code: u16, verb: &str, server_message: &str) -> (&'static str, String) {
    let (reason, message) = match code {
        409 if verb.eq_ignore_ascii_case("POST") => {
            ("AlreadyExists", "the server reported a conflict")
        }
        409 => ("Conflict", "the server reported a conflict"),
        404 => (
            "NotFound",
            "the server could not find the requested resource",
        ),
        400 => (
            "BadRequest",
            "the server rejected our request for an unknown reason",
        ),
        401 => (
            "Unauthorized",
            "the server has asked for the client to provide credentials",
        ),
        403 => ("Forbidden", server_message),
        406 if server_message.is_empty() || server_message == "unknown" => (
            "NotAcceptable",
            "the server was unable to respond with a content type that the client supports",
        ),
        406 => ("NotAcceptable", server_message),
        415 => ("UnsupportedMediaType", server_message),
        405 => (
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        ),
        422 => (
            "Invalid",
            "the server rejected our request due to an error in our request",
        ),
        503 => (
            "ServiceUnavailable",
            "the server is currently unable to handle the request",
        ),
        504 => (
            "Timeout",
            "the server was unable to return a response in the time allotted, but may still be \
             processing the request",
        ),
        429 => (
            "TooManyRequests",
            "the server has received too many requests and has asked us to try again later",
        ),
        c if c >= 500 => {
            let message = format!(
                "an error on the server ({}) has prevented the request from succeeding",
                go_quote(server_message)
            );
            return ("InternalError", message);
        }
        c => {
            let message = format!(
                "the server responded with the status code {c} but did not return more \
                 information"
            );
            return ("", message);
        }
    };
    (reason, message.to_owned())
}

#[path = "status/request_errors.rs"]
mod request_errors;

#[cfg(test)]
#[path = "status/tests.rs"]
mod tests;
