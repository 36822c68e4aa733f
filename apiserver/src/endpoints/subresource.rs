//! Subresources served from the parent object, as upstream's registries do:
//!
//! - `scale` (deployments, replicasets, statefulsets, replicationcontrollers, and custom
//!   resources whose definition asks for it): an `autoscaling/v1` Scale read from and written
//!   to `spec.replicas` (`pkg/registry/apps/deployment/storage/storage.go` ScaleREST), or the
//!   definition's paths;
//! - `pods/binding`: assigns a pod to a node, once (`pkg/registry/core/pod/storage` BindingREST).

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::body::json_response;
use super::patch::{self, PatchType};
use super::status::{ApiError, FieldError};
use crate::admission::namespace_lifecycle;
use crate::registry::fieldmanager;
use crate::registry::object::{ObjectMeta, now_rfc3339};
use crate::registry::selector::from_label_selector_json;
use crate::registry::store::{Store, UpdateScope, WriteOptions};
use common::serving::ResponseBody;

/// Where a custom resource keeps what its Scale shows (`subresources.scale`).
struct CustomScale<'a> {
    spec_replicas: Vec<&'a str>,
    status_replicas: Vec<&'a str>,
    label_selector: Option<Vec<&'a str>>,
}

impl<'a> CustomScale<'a> {
    fn of(store: &'a Store) -> Option<Self> {
        let paths = store.custom()?.version.scale.as_ref()?;
        let split = |path: &'a str| path.trim_start_matches('.').split('.').collect();
        Some(CustomScale {
            spec_replicas: split(&paths.spec_replicas),
            status_replicas: split(&paths.status_replicas),
            label_selector: paths.label_selector.as_deref().map(split),
        })
    }
}

fn at<'v>(object: &'v Value, path: &[&str]) -> &'v Value {
    path.iter().fold(object, |value, key| &value[*key])
}

/// The Scale view of a scalable object: built-in ones keep it in `spec.replicas`,
/// `status.replicas` and `spec.selector`; custom resources where their definition says
/// (upstream's `scaleFromCustomResource`: missing replicas are 0, the selector a string).
fn scale_of(object: &Value, custom: Option<&CustomScale<'_>>) -> Value {
    let metadata = &object["metadata"];
    let (replicas, status_replicas, selector) = match custom {
        Some(custom) => (
            at(object, &custom.spec_replicas).as_i64().unwrap_or(0),
            at(object, &custom.status_replicas).as_i64().unwrap_or(0),
            custom
                .label_selector
                .as_ref()
                .and_then(|path| at(object, path).as_str())
                .unwrap_or_default()
                .to_owned(),
        ),
        None => (
            object["spec"]["replicas"].as_i64().unwrap_or(1),
            object["status"]["replicas"].as_i64().unwrap_or(0),
            builtin_selector(object),
        ),
    };
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": metadata["name"],
            "namespace": metadata["namespace"],
            "uid": metadata["uid"],
            "resourceVersion": metadata["resourceVersion"],
            "creationTimestamp": metadata["creationTimestamp"],
        },
        "spec": {"replicas": replicas},
        "status": {"replicas": status_replicas, "selector": selector},
    })
}

fn builtin_selector(object: &Value) -> String {
    match &object["spec"]["selector"] {
        // ReplicationControllers have a plain map selector.
        Value::Object(map)
            if !map.contains_key("matchLabels") && !map.contains_key("matchExpressions") =>
        {
            let mut pairs: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect();
            pairs.sort();
            pairs.join(",")
        }
        Value::Null => String::new(),
        other => from_label_selector_json(other)
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

/// A request on `<resource>/scale`.
pub struct ScaleRequest<'a> {
    pub namespace: Option<&'a str>,
    pub name: &'a str,
    pub verb: &'a str,
    pub content_type: &'a str,
    /// `force` of a server-side apply.
    pub force: bool,
}

/// GET, PUT or PATCH of `<resource>/scale`.
pub async fn scale(
    store: &Store,
    request: &ScaleRequest<'_>,
    body: &Bytes,
    write: WriteOptions<'_>,
) -> Result<Response<ResponseBody>, ApiError> {
    let custom = CustomScale::of(store);
    let custom = custom.as_ref();
    let ScaleRequest {
        namespace,
        name,
        verb,
        content_type,
        force,
    } = *request;
    if verb == "get" {
        let object = store.get(namespace, name).await?;
        return json_response(StatusCode::OK, &scale_of(&object, custom));
    }
    let patch_type = match verb {
        "update" => None,
        "patch" => Some(
            PatchType::from_content_type(content_type)
                .ok_or_else(|| ApiError::unsupported_media_type(content_type))?,
        ),
        other => {
            return Err(ApiError::method_not_supported(
                &store.qualified_resource(),
                other,
            ));
        }
    };
    if patch_type == Some(PatchType::Apply) {
        let updated = apply_scale(store, request, body, write, force, custom).await?;
        return json_response(StatusCode::OK, &scale_of(&updated, custom));
    }
    let updated = store
        .update_with(namespace, name, UpdateScope::Main, write, |current| {
            let scale = scale_of(current, custom);
            let wanted = match patch_type {
                None => serde_json::from_slice::<Value>(body)
                    .map_err(|e| ApiError::bad_request(format!("invalid Scale: {e}")))?,
                Some(patch_type) => patch::apply(patch_type, "Scale", "autoscaling", &scale, body)?,
            };
            if let Some(expected) = wanted.resource_version()
                && Some(expected) != current.resource_version()
            {
                return Err(ApiError::conflict_modified(
                    store.qualified_resource(),
                    name,
                ));
            }
            let replicas = wanted["spec"]["replicas"].as_i64().unwrap_or(0);
            if replicas < 0 {
                return Err(ApiError::invalid(
                    "Scale.autoscaling",
                    name,
                    vec![FieldError::invalid(
                        "spec.replicas",
                        replicas,
                        "must be greater than or equal to 0",
                    )],
                ));
            }
            let mut next = current.clone();
            match custom {
                Some(custom) => set_at(&mut next, &custom.spec_replicas, json!(replicas)),
                None => next["spec"]["replicas"] = json!(replicas),
            }
            Ok(next)
        })
        .await?;
    json_response(StatusCode::OK, &scale_of(&updated, custom))
}

/// Sets the value at `path`, making the objects on the way.
fn set_at(object: &mut Value, path: &[&str], value: Value) {
    let mut current = object;
    for key in path {
        if !current.is_object() {
            *current = json!({});
        }
        current = &mut current[*key];
    }
    *current = value;
}

/// Server-side apply of a `Scale`: the applied `spec.replicas` is applied to the parent
/// object as the manager's, through the `scale` subresource, so it conflicts with whoever
/// else owns the parent's replicas (as upstream maps the Scale's fields onto the parent).
async fn apply_scale(
    store: &Store,
    request: &ScaleRequest<'_>,
    body: &Bytes,
    write: WriteOptions<'_>,
    force: bool,
    custom: Option<&CustomScale<'_>>,
) -> Result<Value, ApiError> {
    let config = super::resource::decode_apply_body(body)?;
    let text = |name: &str| config[name].as_str().unwrap_or_default().to_owned();
    let (version, kind) = (text("apiVersion"), text("kind"));
    if version != "autoscaling/v1" || kind != "Scale" {
        let gvk = match version.split_once('/') {
            Some((group, version)) => format!("{group}/{version}, Kind={kind}"),
            None => format!("/{version}, Kind={kind}"),
        };
        return Err(ApiError::bad_request(format!("invalid object type: {gvk}")));
    }
    if !config["metadata"]["managedFields"].is_null() {
        return Err(ApiError::bad_request("metadata.managedFields must be nil"));
    }
    let replicas = &config["spec"]["replicas"];
    if replicas.as_i64().is_some_and(|r| r < 0) {
        return Err(ApiError::invalid(
            "Scale.autoscaling",
            request.name,
            vec![FieldError::invalid(
                "spec.replicas",
                replicas.clone(),
                "must be greater than or equal to 0",
            )],
        ));
    }
    let info = store.info();
    let api_version = info.api_version();
    let mut parent = json!({
        "apiVersion": api_version,
        "kind": info.kind,
        "metadata": {"name": request.name},
    });
    if !replicas.is_null() {
        match custom {
            Some(custom) => set_at(&mut parent, &custom.spec_replicas, replicas.clone()),
            None => parent["spec"] = json!({ "replicas": replicas }),
        }
    }
    let now = now_rfc3339();
    let writer = fieldmanager::Writer {
        manager: write.field_manager.unwrap_or_default(),
        subresource: "scale",
        api_version: &api_version,
        scope: store.field_scope(UpdateScope::Main),
        now: &now,
    };
    let root = store.managed_schema().root();
    let write = WriteOptions {
        field_manager: None,
        ..write
    };
    store
        .update_with(
            request.namespace,
            request.name,
            UpdateScope::Main,
            write,
            |current| {
                let mut current = current.clone();
                current["apiVersion"] = json!(api_version);
                current["kind"] = json!(info.kind);
                fieldmanager::apply(Some(&current), &parent, info.kind, root, &writer, force)
                    .map_err(super::resource::apply_error)
            },
        )
        .await
}

/// POST of `pods/binding`: sets `spec.nodeName` of a pod that has none, and its PodScheduled
/// condition.
pub async fn bind(
    pods: &Store,
    namespace: Option<&str>,
    name: &str,
    body: &Bytes,
    write: WriteOptions<'_>,
) -> Result<Response<ResponseBody>, ApiError> {
    let binding: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid Binding: {e}")))?;
    if let Some(namespace) = namespace {
        pods.admit_create(namespace, &namespace_lifecycle::name_for_create(&binding))
            .await?;
    }
    let node = binding["target"]["name"].as_str().unwrap_or("").to_owned();
    if node.is_empty() {
        return Err(ApiError::invalid(
            "Binding",
            name,
            vec![FieldError::required("target.name", "")],
        ));
    }
    pods.update_with(namespace, name, UpdateScope::Whole, write, |pod| {
        if pod["metadata"]["deletionTimestamp"].is_string() {
            return Err(ApiError::conflict_precondition(
                "pods",
                name,
                &format!("pod {name} is being deleted, cannot be assigned to a host"),
            ));
        }
        if let Some(current) = pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) {
            return Err(ApiError::conflict_precondition(
                "pods",
                name,
                &format!("pod {name} is already assigned to node \"{current}\""),
            ));
        }
        let mut next = pod.clone();
        next["spec"]["nodeName"] = json!(node);
        let conditions = next["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut conditions: Vec<Value> = conditions
            .into_iter()
            .filter(|c| c["type"] != "PodScheduled")
            .collect();
        conditions.push(json!({"type": "PodScheduled", "status": "True",
            "lastProbeTime": null, "lastTransitionTime": now_rfc3339()}));
        next["status"]["conditions"] = json!(conditions);
        Ok(next)
    })
    .await?;
    json_response(
        StatusCode::CREATED,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
    )
}
