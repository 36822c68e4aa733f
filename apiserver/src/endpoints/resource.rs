//! Resource requests: one handler per verb over the generic store, as upstream's
//! `k8s.io/apiserver/pkg/endpoints/handlers` (get.go, create.go, update.go, patch.go,
//! delete.go, watch.go). Bodies are JSON (YAML accepted); answers are JSON.

use bytes::Bytes;
use http::{HeaderMap, Response, StatusCode, header};
use serde_json::Value;

use super::body::{json_bytes_response, json_response, json_stream_response, status_response};
use super::eviction;
use super::metrics::{RegisteredWatcher, RequestMetrics};
use super::partial_metadata;
use super::patch::{self, PatchType};
use super::protobuf;
use super::query::Query;
use super::request_info::RequestInfo;
use super::status::ApiError;
use super::subresource;
use super::table::{self, TableNegotiation, TableOptions};
use crate::registry::Registry;
use crate::registry::delete::DeleteOptions;
use crate::registry::fieldmanager;
use crate::registry::list::ListOptions;
use crate::registry::list_json::ListJson;
use crate::registry::object::ObjectMeta;
use crate::registry::store::{Store, UpdateScope, WriteOptions};
use crate::registry::typed::FieldValidation;
use crate::registry::watch::WatchOptions;
use common::serving::ResponseBody;
use common::shutdown::Shutdown;

/// The largest request body accepted, as upstream's 3 MiB limit.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// What a resource request may use besides its own store: the other stores (an eviction reads
/// PodDisruptionBudgets), the shutdown signal that ends watches, and the metrics.
pub struct Context<'a> {
    pub registry: &'a Registry,
    pub shutdown: &'a Shutdown,
    pub metrics: &'a RequestMetrics,
}

/// Answers one resource request on `store`.
pub async fn handle(
    context: Context<'_>,
    store: &Store,
    info: &RequestInfo,
    query: &Query,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response<ResponseBody>, ApiError> {
    let Context {
        registry,
        shutdown,
        metrics,
    } = context;
    let namespaced = store.info().namespaced;
    if namespaced && info.namespace.is_empty() && !info.name.is_empty() {
        return Err(ApiError::not_found_path());
    }
    let namespace = (namespaced && !info.namespace.is_empty()).then_some(info.namespace.as_str());
    if !namespaced && !info.namespace.is_empty() && store.info().plural != "namespaces" {
        return Err(ApiError::not_found_path());
    }
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let field_manager =
        fieldmanager::manager_or_user_agent(query.get("fieldManager").unwrap_or(""), user_agent);
    let write = WriteOptions {
        dry_run: query.dry_run()?,
        field_manager: Some(field_manager),
    };
    // Verbs a resource does not serve (namespaces cannot be deleted as a collection).
    let verb_served = match store.info().subresource(&info.subresource) {
        Some(subresource) => subresource.supports(&info.verb),
        None => !info.subresource.is_empty() || store.info().verbs.contains(&info.verb.as_str()),
    };
    if !verb_served {
        return Err(ApiError::method_not_supported(
            &store.qualified_resource(),
            &info.verb,
        ));
    }
    let plural = store.info().plural;
    let scope = match info.subresource.as_str() {
        "" => UpdateScope::Main,
        "status" if store.info().has_status() => UpdateScope::Status,
        "finalize" if plural == "namespaces" => UpdateScope::Subresource("finalize"),
        "ephemeralcontainers" if plural == "pods" => {
            UpdateScope::Subresource("ephemeralcontainers")
        }
        "scale" if store.info().subresource("scale").is_some() => {
            let name = &info.name;
            let content_type = content_type(headers);
            let mut force = false;
            if info.verb == "patch"
                && let Some(patch_type) = PatchType::from_content_type(&content_type)
            {
                check_write_options(query, "PatchOptions", Some(patch_type))?;
                force = query.optional_flag("force")?.unwrap_or(false);
            }
            let request = subresource::ScaleRequest {
                namespace,
                name,
                verb: &info.verb,
                content_type: &content_type,
                force,
            };
            return subresource::scale(store, &request, &body, write).await;
        }
        "binding" if plural == "pods" => {
            return subresource::bind(store, namespace, &info.name, &body, write).await;
        }
        "eviction" if plural == "pods" => {
            let request = eviction::EvictionRequest {
                namespace: namespace.unwrap_or_default(),
                name: &info.name,
                headers,
                query,
                body: &body,
                dry_run: write.dry_run,
            };
            return eviction::evict(registry, store, &request).await;
        }
        "log" | "exec" | "attach" | "portforward" | "proxy"
            if store.info().subresource(&info.subresource).is_some() =>
        {
            // The routes exist; what serves them (the kubelet connection) does not yet. A
            // permanent 400, not a 503 that clients would retry.
            store.get(namespace, &info.name).await?;
            return Err(ApiError::BadRequest(format!(
                "{}/{} is not available: this API server does not connect to kubelets yet",
                store.info().plural,
                info.subresource
            )));
        }
        other => {
            return Err(ApiError::subresource_not_available(
                &store.qualified_resource(),
                other,
            ));
        }
    };
    let (table, metadata_only) = match transform_request(headers, query)? {
        Some(Transform::Table(mut options)) => {
            options.custom = store.custom().map(|c| c.columns);
            (Some(options), None)
        }
        Some(Transform::Metadata(version)) => (None, Some(version)),
        None => (None, None),
    };
    match info.verb.as_str() {
        "get" => {
            let object = store.get(namespace, &info.name).await?;
            if let Some(version) = metadata_only {
                return json_response(StatusCode::OK, &partial_metadata::object(&object, version));
            }
            match &table {
                Some(options) => {
                    let mut answer = render_table(store, std::slice::from_ref(&object), options);
                    answer["metadata"]["resourceVersion"] =
                        object["metadata"]["resourceVersion"].clone();
                    json_response(StatusCode::OK, &answer)
                }
                None => json_response(StatusCode::OK, &object),
            }
        }
        "list" => match &table {
            None if metadata_only.is_some() => {
                let version = metadata_only.unwrap_or("v1");
                let (metadata, items) = store.list_items(namespace, &list_options(query)?).await?;
                let items = items
                    .into_iter()
                    .map(|item| store.list_item(item))
                    .collect::<Result<Vec<_>, _>>()?;
                json_response(
                    StatusCode::OK,
                    &partial_metadata::list(metadata, items, version),
                )
            }
            Some(options) => {
                let (metadata, items) = store.list_items(namespace, &list_options(query)?).await?;
                let mut options = *options;
                options.now_unix_nanos = now_nanos();
                let (kind, group) = (store.info().kind, store.info().group);
                let metadata = Value::Object(metadata);
                // Seconds of CPU for a large LIST: off the async workers, which keep serving.
                let table = cpu_bound(|| {
                    table::write_table(kind, group, &options, &metadata, items, |item| {
                        store.list_item(item)
                    })
                })?;
                Ok(json_bytes_response(StatusCode::OK, table))
            }
            None => match store.list_json(namespace, &list_options(query)?).await? {
                ListJson::Built(list) => Ok(json_bytes_response(StatusCode::OK, list)),
                ListJson::Streamed(chunks) => Ok(json_stream_response(StatusCode::OK, chunks)),
            },
        },
        "watch" => {
            let info = store.info();
            let registered = metrics.register_watcher(info.group, info.version, info.kind);
            let transform = match (table, metadata_only) {
                (Some(options), _) => Some(Transform::Table(options)),
                (None, Some(version)) => Some(Transform::Metadata(version)),
                (None, None) => None,
            };
            watch(store, namespace, query, shutdown, transform, registered).await
        }
        "create" => {
            if store.custom().is_some_and(|c| c.definition.terminating) {
                return Err(ApiError::MethodNotAllowed {
                    resource: store.qualified_resource(),
                    message: "create not allowed while custom resource definition is terminating"
                        .into(),
                });
            }
            check_write_options(query, "CreateOptions", None)?;
            let mut warnings = duplicate_fields(headers, &body);
            let object = typed(
                store,
                query,
                decode_body(store, headers, &body)?,
                &mut warnings,
            )?;
            let created = store.create(namespace, object, write).await?;
            with_warnings(json_response(StatusCode::CREATED, &created), &warnings)
        }
        "update" => {
            check_write_options(query, "UpdateOptions", None)?;
            let mut warnings = duplicate_fields(headers, &body);
            let object = typed(
                store,
                query,
                decode_body(store, headers, &body)?,
                &mut warnings,
            )?;
            let updated = store
                .update(namespace, &info.name, object, scope, write)
                .await?;
            with_warnings(json_response(StatusCode::OK, &updated), &warnings)
        }
        "patch" => {
            let content_type = content_type(headers);
            let patch_type = PatchType::from_content_type(&content_type)
                .ok_or_else(|| ApiError::unsupported_media_type(&content_type))?;
            check_write_options(query, "PatchOptions", Some(patch_type))?;
            if patch_type == PatchType::Apply {
                let request = ApplyRequest {
                    namespace,
                    name: &info.name,
                    scope,
                    force: query.optional_flag("force")?.unwrap_or(false),
                    dry_run: write.dry_run,
                };
                return apply_patch(store, query, &request, field_manager, &body).await;
            }
            let (kind, group) = (store.info().kind, store.info().group);
            let mut warnings = Vec::new();
            let patched = store
                .update_with(namespace, &info.name, scope, write, |current| {
                    let mut current = current.clone();
                    if let Some(fields) = current.as_object_mut() {
                        fields.insert("kind".into(), Value::String(kind.into()));
                        fields.insert(
                            "apiVersion".into(),
                            Value::String(store.info().api_version()),
                        );
                    }
                    let patched = patch::apply(patch_type, kind, group, &current, &body)
                        .map_err(ApiError::from)?;
                    warnings.clear();
                    typed(store, query, patched, &mut warnings)
                })
                .await?;
            with_warnings(json_response(StatusCode::OK, &patched), &warnings)
        }
        "delete" => {
            let mut options = delete_options(&body, query)?;
            options.dry_run |= write.dry_run;
            let deleted = store.delete(namespace, &info.name, &options).await?;
            // Upstream answers 202 when the object stays and the client asked for its
            // dependents to be deleted (`orphanDependents: false`).
            let status = match (deleted.removed, options.orphan_dependents) {
                (false, Some(false)) => StatusCode::ACCEPTED,
                _ => StatusCode::OK,
            };
            json_response(status, &deleted.object)
        }
        "deletecollection" => {
            let list = store.list(namespace, &list_options(query)?).await?;
            let options = DeleteOptions {
                dry_run: write.dry_run,
                ..DeleteOptions::default()
            };
            let mut deleted = Vec::new();
            for item in list["items"].as_array().into_iter().flatten() {
                let Some(name) = item.name() else { continue };
                match store.delete(namespace, name, &options).await {
                    Ok(done) => deleted.push(done.object),
                    Err(e) if e.code() == 404 => {}
                    Err(e) => return Err(e),
                }
            }
            let mut answer = list.clone();
            answer["items"] = Value::Array(deleted);
            json_response(StatusCode::OK, &answer)
        }
        verb => Err(ApiError::method_not_supported(
            &store.qualified_resource(),
            verb,
        )),
    }
}

/// Upstream's `ValidateCreateOptions`/`ValidateUpdateOptions`/`ValidatePatchOptions` on the
/// field manager (and, for patches, `force`): a 422 on `<kind>.meta.k8s.io`.
fn check_write_options(
    query: &Query,
    kind: &str,
    patch_type: Option<PatchType>,
) -> Result<(), ApiError> {
    use super::status::FieldError;
    let manager = query.get("fieldManager").unwrap_or("");
    let mut causes = Vec::new();
    match patch_type {
        Some(PatchType::Apply) if manager.is_empty() => causes.push(FieldError::required(
            "fieldManager",
            "is required for apply patch",
        )),
        Some(PatchType::Apply) | None => {}
        Some(_) if query.get("force").is_some() => causes.push(FieldError::forbidden(
            "force",
            "may not be specified for non-apply patch",
        )),
        Some(_) => {}
    }
    causes.extend(fieldmanager::validate_field_manager(manager));
    if causes.is_empty() {
        return Ok(());
    }
    Err(ApiError::invalid(format!("{kind}.meta.k8s.io"), "", causes))
}

/// What a server-side apply request asks for.
struct ApplyRequest<'a> {
    namespace: Option<&'a str>,
    name: &'a str,
    scope: UpdateScope,
    force: bool,
    dry_run: bool,
}

/// `PATCH` with `application/apply-patch+yaml`: merges the applied configuration into the
/// object, or creates it when there is none (201), as upstream's `applyPatcher`.
async fn apply_patch(
    store: &Store,
    query: &Query,
    request: &ApplyRequest<'_>,
    manager: &str,
    body: &[u8],
) -> Result<Response<ResponseBody>, ApiError> {
    let config = decode_apply_body(body)?;
    let info = store.info();
    let api_version = info.api_version();
    let now = crate::registry::object::now_rfc3339();
    let subresource = match request.scope {
        UpdateScope::Status => "status",
        UpdateScope::Subresource(name) => name,
        _ => "",
    };
    let writer = fieldmanager::Writer {
        manager,
        subresource,
        api_version: &api_version,
        scope: store.field_scope(request.scope),
        now: &now,
    };
    let root = store.managed_schema().root();
    // The managed fields are computed here; the store keeps them as they are.
    let write = WriteOptions {
        dry_run: request.dry_run,
        field_manager: None,
    };
    let mut warnings = Vec::new();
    let updated = store
        .update_with(
            request.namespace,
            request.name,
            request.scope,
            write,
            |current| {
                let mut current = current.clone();
                if let Some(fields) = current.as_object_mut() {
                    fields.insert("kind".into(), Value::String(info.kind.into()));
                    fields.insert("apiVersion".into(), Value::String(api_version.clone()));
                }
                let merged = fieldmanager::apply(
                    Some(&current),
                    &config,
                    info.kind,
                    root,
                    &writer,
                    request.force,
                )
                .map_err(apply_error)?;
                warnings.clear();
                typed(store, query, merged, &mut warnings)
            },
        )
        .await;
    match updated {
        Ok(updated) => with_warnings(json_response(StatusCode::OK, &updated), &warnings),
        Err(e) if e.code() == 404 && request.scope == UpdateScope::Main => {
            let object =
                fieldmanager::apply(None, &config, info.kind, root, &writer, request.force)
                    .map_err(apply_error)?;
            match object.name() {
                Some(body) if body != request.name => {
                    return Err(ApiError::bad_request(format!(
                        "the name of the object ({body}) does not match the name on the URL ({})",
                        request.name
                    )));
                }
                _ => {}
            }
            if let (Some(namespace), Some(body)) = (request.namespace, object.namespace())
                && !body.is_empty()
                && body != namespace
            {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            let mut warnings = Vec::new();
            let object = typed(store, query, object, &mut warnings)?;
            let created = store.create(request.namespace, object, write).await?;
            with_warnings(json_response(StatusCode::CREATED, &created), &warnings)
        }
        Err(e) => Err(e),
    }
}

/// An apply body: YAML or JSON, one object.
pub(super) fn decode_apply_body(body: &[u8]) -> Result<Value, ApiError> {
    let decoded: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(_) => serde_saphyr::from_slice(body)
                .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?,
        }
    };
    match decoded {
        Value::Object(_) => Ok(decoded),
        Value::Null => Ok(Value::Object(Default::default())),
        other => Err(ApiError::bad_request(format!(
            "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            match other {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                _ => "bool",
            }
        ))),
    }
}

pub(super) fn apply_error(error: fieldmanager::Error) -> ApiError {
    match error {
        fieldmanager::Error::BadRequest(message) => ApiError::bad_request(message),
        fieldmanager::Error::Conflicts(conflicts) => ApiError::ApplyConflict {
            message: fieldmanager::conflict_message(&conflicts),
            causes: conflicts
                .iter()
                .map(|c| {
                    super::status::StatusCause::new(
                        "FieldManagerConflict",
                        &format!("conflict with {}", c.manager),
                        &c.path.to_string(),
                    )
                })
                .collect(),
        },
        fieldmanager::Error::Internal(message) => ApiError::Unknown { code: 500, message },
    }
}

/// The duplicate fields of a JSON body, worded as upstream's strict decoder words them.
fn duplicate_fields(headers: &HeaderMap, body: &[u8]) -> Vec<String> {
    match content_type(headers).as_str() {
        "" | "application/json" | "*/*" => super::duplicate_fields::find(body)
            .into_iter()
            .map(|path| format!("duplicate field \"{path}\""))
            .collect(),
        _ => Vec::new(),
    }
}

/// Decodes `object` through its type: wrong types are a 400, unknown fields are dropped and,
/// with the strict-decoding problems already in `problems` (duplicate fields), reported per
/// `fieldValidation`: as warnings (which `problems` becomes), as a 400, or not at all.
fn typed(
    store: &Store,
    query: &Query,
    object: Value,
    problems: &mut Vec<String>,
) -> Result<Value, ApiError> {
    let info = store.info();
    if let Some(custom) = store.custom() {
        // Custom resources are decoded by their schema: fields it does not name are pruned.
        let mut object = object;
        let unknown_fields = match &custom.schema {
            Some(schema) => crate::registry::customresource::prune(&mut object, schema, true),
            None => Vec::new(),
        };
        let decoded = crate::registry::typed::Decoded {
            object,
            unknown_fields,
        };
        return report_unknown(info.version, info.kind, query, decoded, problems);
    }
    typed_as(
        (info.group, info.version, info.kind),
        query,
        object,
        problems,
    )
}

/// [`typed`] for the kind `(group, version, kind)`, which a subresource may name.
pub(super) fn typed_as(
    (group, version, kind): (&str, &str, &str),
    query: &Query,
    object: Value,
    problems: &mut Vec<String>,
) -> Result<Value, ApiError> {
    let validation = FieldValidation::parse(query.get("fieldValidation").unwrap_or(""))
        .map_err(ApiError::bad_request)?;
    let decoded = crate::registry::typed::decode(group, version, kind, &object)
        .map_err(ApiError::bad_request)?;
    report_with(validation, version, kind, decoded, problems)
}

/// What `fieldValidation` makes of the unknown fields of `decoded` and the `problems` found
/// before (duplicate fields).
fn report_unknown(
    version: &str,
    kind: &str,
    query: &Query,
    decoded: crate::registry::typed::Decoded,
    problems: &mut Vec<String>,
) -> Result<Value, ApiError> {
    let validation = FieldValidation::parse(query.get("fieldValidation").unwrap_or(""))
        .map_err(ApiError::bad_request)?;
    report_with(validation, version, kind, decoded, problems)
}

fn report_with(
    validation: FieldValidation,
    version: &str,
    kind: &str,
    decoded: crate::registry::typed::Decoded,
    problems: &mut Vec<String>,
) -> Result<Value, ApiError> {
    let mut strict: Vec<String> = decoded
        .unknown_fields
        .iter()
        .map(|field| format!("unknown field \"{field}\""))
        .collect();
    // A duplicated unknown field is reported once, as unknown.
    problems.retain(|problem| {
        !decoded.unknown_fields.iter().any(|field| {
            problem
                .strip_prefix(&format!("duplicate field \"{field}"))
                .is_some_and(|rest| rest.starts_with(['"', '.', '[']))
        })
    });
    strict.append(problems);
    match validation {
        FieldValidation::Strict if !strict.is_empty() => Err(ApiError::bad_request(format!(
            "{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: {}",
            strict.join(", "),
        ))),
        FieldValidation::Warn => {
            *problems = strict;
            Ok(decoded.object)
        }
        _ => Ok(decoded.object),
    }
}

/// Adds `Warning: 299 - "..."` headers, as upstream reports dropped fields.
pub(super) fn with_warnings(
    response: Result<Response<ResponseBody>, ApiError>,
    warnings: &[String],
) -> Result<Response<ResponseBody>, ApiError> {
    let mut response = response?;
    for warning in warnings {
        let escaped = warning.replace('\\', "\\\\").replace('"', "\\\"");
        if let Ok(value) = header::HeaderValue::from_str(&format!("299 - \"{escaped}\"")) {
            response.headers_mut().append(header::WARNING, value);
        }
    }
    Ok(response)
}

pub(super) fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// Decodes a create or update body and checks its kind and apiVersion against the URL.
fn decode_body(store: &Store, headers: &HeaderMap, body: &[u8]) -> Result<Value, ApiError> {
    let info = store.info();
    decode_body_as(headers, body, &[&info.api_version()], info.kind)
}

/// Decodes a body that must be a `kind` in one of the `api_versions` (the first is the one
/// set when the body names none).
pub(super) fn decode_body_as(
    headers: &HeaderMap,
    body: &[u8],
    api_versions: &[&str],
    expected_kind: &str,
) -> Result<Value, ApiError> {
    let content_type = content_type(headers);
    let mut object: Value = match content_type.as_str() {
        protobuf::PROTOBUF => protobuf::decode(body)
            .map(|(_, _, object)| object)
            .map_err(|e| ApiError::bad_request(e.to_string()))?,
        "" | "application/json" | "*/*" => serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(format!(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml: {e}"
            ))
        })?,
        "application/yaml" | "application/x-yaml" | "text/yaml" => {
            serde_saphyr::from_slice(body).map_err(|e| {
                ApiError::bad_request(format!("error converting YAML to JSON: {e}"))
            })?
        }
        other => return Err(ApiError::unsupported_media_type(other)),
    };
    if !object.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request must be a JSON object",
        ));
    }
    let expected_version = api_versions.first().copied().unwrap_or_default();
    match object.api_version() {
        Some(version) if !api_versions.contains(&version) => {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({version}) does not match the expected API version ({expected_version})"
            )));
        }
        _ => {}
    }
    match object.kind() {
        Some(kind) if kind != expected_kind => {
            return Err(ApiError::bad_request(format!(
                "the kind in the data ({kind}) does not match the expected kind ({expected_kind})"
            )));
        }
        _ => {}
    }
    if let Some(fields) = object.as_object_mut() {
        fields.insert("kind".into(), Value::String(expected_kind.into()));
        fields.insert("apiVersion".into(), Value::String(expected_version.into()));
    }
    Ok(object)
}

fn list_options(query: &Query) -> Result<ListOptions, ApiError> {
    Ok(ListOptions {
        label_selector: query.get("labelSelector").unwrap_or_default().to_owned(),
        field_selector: query.get("fieldSelector").unwrap_or_default().to_owned(),
        limit: query.parse_or("limit", 0usize)?,
        continue_token: query.get("continue").unwrap_or_default().to_owned(),
        resource_version: query.get("resourceVersion").unwrap_or_default().to_owned(),
        resource_version_match: query
            .get("resourceVersionMatch")
            .unwrap_or_default()
            .to_owned(),
    })
}

/// `DeleteOptions` from the body or, when there is none, from the query, as upstream.
fn delete_options(body: &[u8], query: &Query) -> Result<DeleteOptions, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        let grace_period = query
            .parse_or("gracePeriodSeconds", -1i64)
            .ok()
            .filter(|g| *g >= 0);
        return Ok(DeleteOptions {
            grace_period,
            propagation_policy: query
                .get("propagationPolicy")
                .filter(|p| !p.is_empty())
                .map(str::to_owned),
            orphan_dependents: query.optional_flag("orphanDependents")?,
            ..DeleteOptions::default()
        });
    }
    let value: Value = if body.starts_with(protobuf::MAGIC) {
        protobuf::decode(body)
            .map(|(_, _, object)| object)
            .map_err(|e| ApiError::bad_request(e.to_string()))?
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("invalid DeleteOptions: {e}")))?
    };
    Ok(DeleteOptions::from_json(&value))
}

/// Starts a WATCH; the answer streams its events (see [`super::watch`]).
async fn watch(
    store: &Store,
    namespace: Option<&str>,
    query: &Query,
    shutdown: &Shutdown,
    transform: Option<Transform>,
    registered: RegisteredWatcher,
) -> Result<Response<ResponseBody>, ApiError> {
    let options = WatchOptions {
        list: list_options(query)?,
        allow_bookmarks: query.flag("allowWatchBookmarks")?,
        send_initial_events: query.optional_flag("sendInitialEvents")?,
    };
    let timeout = super::watch::timeout(query.parse_or("timeoutSeconds", 0u64)?);
    let events = store.watch(namespace, options).await?;
    Ok(super::watch::response(
        store.info(),
        events,
        timeout,
        transform,
        shutdown,
        registered,
    ))
}

/// Runs CPU-heavy work without holding up the other tasks of this async worker: on a
/// multi-threaded runtime they move to another worker while it runs.
fn cpu_bound<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

fn now_nanos() -> i128 {
    jiff::Timestamp::now().as_nanosecond()
}

/// What the client asked the answer to be turned into.
pub enum Transform {
    /// A Table (`Accept: ...;as=Table;g=meta.k8s.io;v=v1`).
    Table(TableOptions),
    /// Metadata only (`as=PartialObjectMetadata[List]`), in this `meta.k8s.io` version.
    Metadata(&'static str),
}

/// The transformation the `Accept` header asks for, if any.
fn transform_request(headers: &HeaderMap, query: &Query) -> Result<Option<Transform>, ApiError> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let version = match table::negotiate(accept) {
        TableNegotiation::Table(version) => version,
        TableNegotiation::Metadata(version) => return Ok(Some(Transform::Metadata(version))),
        TableNegotiation::Plain => return Ok(None),
        TableNegotiation::NotAcceptable => {
            return Err(ApiError::NotAcceptable {
                accepted: vec!["application/json".into(), "application/yaml".into()],
            });
        }
    };
    let include = table::include_object(query.get("includeObject").unwrap_or(""))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok(Some(Transform::Table(TableOptions {
        now_unix_nanos: now_nanos(),
        include,
        version,
        no_headers: false,
        custom: None,
    })))
}

fn render_table(store: &Store, objects: &[Value], options: &TableOptions) -> Value {
    let mut options = *options;
    options.now_unix_nanos = now_nanos();
    table::table_for_with(store.info().kind, store.info().group, objects, &options)
}

/// An error answer in the Status shape.
pub fn error_response(error: &ApiError) -> Response<ResponseBody> {
    status_response(error)
}

#[cfg(test)]
mod apply_tests {
    use super::*;

    fn query(text: &str) -> Query {
        Query::parse(Some(text))
    }

    #[test]
    fn write_options_are_checked_with_upstream_messages() {
        let err =
            check_write_options(&query(""), "PatchOptions", Some(PatchType::Apply)).unwrap_err();
        assert_eq!(err.code(), 422);
        assert_eq!(
            err.message(),
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"
        );
        let err = check_write_options(&query("force=true"), "PatchOptions", Some(PatchType::Merge))
            .unwrap_err();
        assert_eq!(
            err.message(),
            "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch"
        );
        let long = format!("fieldManager={}", "m".repeat(129));
        let err = check_write_options(&query(&long), "UpdateOptions", None).unwrap_err();
        assert!(
            err.message().contains("fieldManager: Too long"),
            "{}",
            err.message()
        );
        assert!(
            check_write_options(
                &query("fieldManager=me&force=true"),
                "PatchOptions",
                Some(PatchType::Apply)
            )
            .is_ok()
        );
    }

    #[test]
    fn apply_bodies_are_yaml_or_json_objects() {
        let yaml = decode_apply_body(b"apiVersion: v1\nkind: ConfigMap\n").unwrap();
        assert_eq!(yaml["kind"], "ConfigMap");
        let json = decode_apply_body(br#"{"kind":"ConfigMap"}"#).unwrap();
        assert_eq!(json["kind"], "ConfigMap");
        assert_eq!(decode_apply_body(b"").unwrap(), serde_json::json!({}));
        let err = decode_apply_body(b"[1]").unwrap_err();
        assert_eq!(err.code(), 400);
        assert!(err.message().starts_with("error decoding YAML: "));
    }
}
