//! The HTTP face of the API server.
//!
//! - [`server`]: the request handler: authentication, authorization, dispatch; [`limits`]:
//!   in-flight limits (429) and request deadlines (504).
//! - [`request_info`]: what a request is about (verb, group, resource, namespace, name).
//! - [`openapi`]: `/openapi/v2` (JSON and protobuf) and `/openapi/v3`, built from the
//!   `k8s-openapi` schemas; [`openapi_catalog`] feeds it the resource and patch tables.
//! - [`metrics`]: `apiserver_request_total`, `apiserver_request_duration_seconds` and
//!   `apiserver_registered_watchers`.
//! - [`discovery`]: `/api`, `/apis` and the resource lists, and `/version`.
//! - [`resource`]: the verbs on resources over the generic store; [`watch`]: watch streaming.
//! - [`subresource`]: `scale` and `pods/binding`, served from the parent object;
//!   [`eviction`]: `pods/eviction`, which honours PodDisruptionBudgets.
//! - [`kubelet_proxy`]: `pods/log`, `pods/exec`, `pods/attach`, `pods/portforward` and
//!   `nodes/proxy`, proxied to the node's kubelet.
//! - [`query`] and [`body`]: query parameters, JSON answers; [`duplicate_fields`]: duplicate
//!   keys in JSON bodies, for `fieldValidation`.
//! - [`status`]: API errors as `metav1.Status`, with upstream's reasons, codes and messages, in
//!   one place.
//! - [`patch`]: JSON patch, merge patch and strategic merge patch.
//! - [`protobuf`]: request bodies in Kubernetes protobuf, decoded to the JSON they stand for.
//! - [`table`]: server-side Table output (`kubectl get` columns), as upstream's printers;
//!   [`partial_metadata`]: metadata-only answers (`as=PartialObjectMetadata`).

pub mod body;
pub mod discovery;
pub mod duplicate_fields;
pub mod eviction;
pub mod kubelet_proxy;
pub mod limits;
pub mod metrics;
pub mod openapi;
pub mod openapi_catalog;
pub mod partial_metadata;
pub mod patch;
pub mod protobuf;
pub mod query;
pub mod request_info;
pub mod resource;
pub mod server;
pub mod status;
pub mod subresource;
pub mod table;
pub mod watch;
