//! The `paths` of one group-version document (OpenAPI v3 shape), as upstream's route builder
//! lays them out: collection and item paths per resource, the cross-namespace list, the
//! deprecated `watch/` paths and one path per subresource.

use serde_json::{Map, Value, json};

use super::schemas::{DELETE_OPTIONS, PATCH, RESOURCE_LIST, STATUS, V3_PREFIX, WATCH_EVENT};
use super::{Resource, Subresource, params};

/// Response media types of objects.
const OBJECT_TYPES: &[&str] = &[
    "application/json",
    "application/vnd.kubernetes.protobuf",
    "application/yaml",
];
/// Response media types of lists and watches.
const STREAM_TYPES: &[&str] = &[
    "application/json",
    "application/json;stream=watch",
    "application/vnd.kubernetes.protobuf",
    "application/vnd.kubernetes.protobuf;stream=watch",
    "application/yaml",
];
/// Request media types of `PATCH`.
pub(super) const PATCH_TYPES: &[&str] = &[
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
];
/// Subresources that stream or proxy instead of reading and writing an object.
const CONNECT: &[&str] = &["attach", "exec", "portforward", "proxy"];

/// A served resource with the definition names of its kinds resolved.
pub(super) struct Resolved<'a> {
    pub resource: &'a Resource,
    /// Definition of the kind, such as `io.k8s.api.core.v1.Pod`.
    pub def: String,
    /// Definitions of the subresources' kinds (`None` for options kinds without a schema).
    pub sub_defs: Vec<Option<String>>,
}

/// `/api/v1` or `/apis/<group>/<version>`.
pub(super) fn prefix(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    }
}

/// The operation-id infix of a group-version: `CoreV1`, `AppsV1`, `RbacAuthorizationV1`.
fn op_group(group: &str, version: &str) -> String {
    let group = if group.is_empty() {
        "core"
    } else {
        group.strip_suffix(".k8s.io").unwrap_or(group)
    };
    let mut out: String = group.split('.').map(capitalize).collect();
    out.push_str(&capitalize(version));
    out
}

/// The tag of a group-version: `core_v1`, `apps_v1`, `rbacAuthorization_v1`.
fn tag(group: &str, version: &str) -> String {
    let g = op_group(group, "");
    let mut chars = g.chars();
    let first = chars.next().map(|c| c.to_ascii_lowercase());
    format!(
        "{}{}_{version}",
        first.map(String::from).unwrap_or_default(),
        chars.as_str()
    )
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn content(def: &str, types: &[&str]) -> Value {
    let schema = json!({"schema": {"$ref": format!("{V3_PREFIX}{def}")}});
    Value::Object(
        types
            .iter()
            .map(|t| (t.to_string(), schema.clone()))
            .collect(),
    )
}

fn response(def: &str, types: &[&str], description: &str) -> Value {
    json!({"content": content(def, types), "description": description})
}

/// Responses: `codes` of `def` plus `401`.
fn responses(def: &str, types: &[&str], codes: &[&str]) -> Value {
    let mut out = Map::new();
    for code in codes {
        let description = match *code {
            "201" => "Created",
            "202" => "Accepted",
            _ => "OK",
        };
        out.insert(code.to_string(), response(def, types, description));
    }
    out.insert("401".into(), json!({"description": "Unauthorized"}));
    Value::Object(out)
}

/// Everything an operation needs besides its method and path.
struct Op {
    description: String,
    id: String,
    params: Vec<Value>,
    body: Option<Value>,
    responses: Value,
    action: &'static str,
    gvk: (String, String, String),
}

struct Ctx<'a> {
    paths: Map<String, Value>,
    tag: String,
    op_group: String,
    r: &'a Resource,
}

impl Ctx<'_> {
    fn gvk(&self) -> (String, String, String) {
        (
            self.r.group.to_owned(),
            self.r.version.to_owned(),
            self.r.kind.to_owned(),
        )
    }

    fn add(&mut self, path: &str, method: &str, op: Op) {
        let mut value = json!({
            "description": op.description,
            "operationId": op.id,
            "responses": op.responses,
            "tags": [self.tag],
            "x-kubernetes-action": op.action,
            "x-kubernetes-group-version-kind": {
                "group": op.gvk.0, "kind": op.gvk.2, "version": op.gvk.1,
            },
        });
        if !op.params.is_empty() {
            value["parameters"] = Value::Array(op.params);
        }
        if let Some(body) = op.body {
            value["requestBody"] = body;
        }
        let entry = self
            .paths
            .entry(path.to_owned())
            .or_insert_with(|| json!({}));
        entry[method] = value;
    }

    fn set_params(&mut self, path: &str, params: Vec<Value>) {
        if let Some(entry) = self.paths.get_mut(path) {
            entry["parameters"] = Value::Array(params);
        }
    }
}

fn body(def: &str, types: &[&str], required: bool) -> Value {
    let mut b = json!({"content": content(def, types)});
    if required {
        b["required"] = true.into();
    }
    b
}

/// The paths of the resources of one group-version.
pub(super) fn build(group: &str, version: &str, resources: &[&Resolved<'_>]) -> Map<String, Value> {
    let prefix = prefix(group, version);
    let mut paths = Map::new();
    let tag = tag(group, version);
    let op_group = op_group(group, version);
    paths.insert(
        format!("{prefix}/"),
        json!({"get": {
            "description": "get available resources",
            "operationId": format!("get{op_group}APIResources"),
            "responses": responses(RESOURCE_LIST, OBJECT_TYPES, &["200"]),
            "tags": [tag],
        }}),
    );
    for res in resources {
        let mut ctx = Ctx {
            paths,
            tag: tag.clone(),
            op_group: op_group.clone(),
            r: res.resource,
        };
        resource_paths(&mut ctx, &prefix, res);
        paths = ctx.paths;
    }
    paths
}

fn resource_paths(ctx: &mut Ctx<'_>, prefix: &str, res: &Resolved<'_>) {
    let r = res.resource;
    let def = res.def.as_str();
    let list = format!("{def}List");
    let kind = r.kind;
    let (ns_path, ns_word) = if r.namespaced {
        ("/namespaces/{namespace}", "Namespaced")
    } else {
        ("", "")
    };
    let g = ctx.op_group.clone();
    let collection = format!("{prefix}{ns_path}/{}", r.plural);
    let item = format!("{collection}/{{name}}");
    let scope = |mut v: Vec<Value>| {
        if r.namespaced {
            v.push(params::namespace());
        }
        v.push(params::query("pretty"));
        v
    };
    let has = |verb: &str| r.verbs.contains(&verb);

    if has("deletecollection") {
        let op = Op {
            description: format!("delete collection of {kind}"),
            id: format!("delete{g}Collection{ns_word}{kind}"),
            params: params::queries(params::DELETE_COLLECTION),
            body: Some(body(DELETE_OPTIONS, &["*/*"], false)),
            responses: responses(STATUS, OBJECT_TYPES, &["200"]),
            action: "deletecollection",
            gvk: ctx.gvk(),
        };
        ctx.add(&collection, "delete", op);
    }
    if has("list") {
        let op = Op {
            description: format!("list or watch objects of kind {kind}"),
            id: format!("list{g}{ns_word}{kind}"),
            params: params::queries(params::LIST),
            body: None,
            responses: responses(&list, STREAM_TYPES, &["200"]),
            action: "list",
            gvk: ctx.gvk(),
        };
        ctx.add(&collection, "get", op);
    }
    if has("create") {
        let op = Op {
            description: format!("create {}", article(kind)),
            id: format!("create{g}{ns_word}{kind}"),
            params: params::queries(params::WRITE),
            body: Some(body(def, &["*/*"], true)),
            responses: responses(def, OBJECT_TYPES, &["200", "201", "202"]),
            action: "post",
            gvk: ctx.gvk(),
        };
        ctx.add(&collection, "post", op);
    }
    ctx.set_params(&collection, scope(Vec::new()));

    item_paths(ctx, &item, def, ns_word, "", None);
    ctx.set_params(&item, scope(vec![params::name(kind)]));

    if has("list") && r.namespaced {
        let all = format!("{prefix}/{}", r.plural);
        let op = Op {
            description: format!("list or watch objects of kind {kind}"),
            id: format!("list{g}{kind}ForAllNamespaces"),
            params: Vec::new(),
            body: None,
            responses: responses(&list, STREAM_TYPES, &["200"]),
            action: "list",
            gvk: ctx.gvk(),
        };
        ctx.add(&all, "get", op);
        ctx.set_params(&all, list_params(Vec::new()));
    }
    if has("watch") {
        let watch_collection = format!("{prefix}/watch{ns_path}/{}", r.plural);
        let watch_item = format!("{watch_collection}/{{name}}");
        let watch = |id: String, action: &'static str, ctx: &Ctx<'_>| Op {
            description: if action == "watch" {
                format!(
                    "watch changes to an object of kind {kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter."
                )
            } else {
                format!(
                    "watch individual changes to a list of {kind}. deprecated: use the 'watch' parameter with a list operation instead."
                )
            },
            id,
            params: Vec::new(),
            body: None,
            responses: responses(WATCH_EVENT, STREAM_TYPES, &["200"]),
            action,
            gvk: ctx.gvk(),
        };
        let op = watch(format!("watch{g}{ns_word}{kind}List"), "watchlist", ctx);
        ctx.add(&watch_collection, "get", op);
        ctx.set_params(&watch_collection, list_params(scope_only(r.namespaced)));
        let op = watch(format!("watch{g}{ns_word}{kind}"), "watch", ctx);
        ctx.add(&watch_item, "get", op);
        let mut p = vec![params::name(kind)];
        p.extend(scope_only(r.namespaced));
        ctx.set_params(&watch_item, list_params(p));
        if r.namespaced {
            let all = format!("{prefix}/watch/{}", r.plural);
            let op = watch(
                format!("watch{g}{kind}ListForAllNamespaces"),
                "watchlist",
                ctx,
            );
            ctx.add(&all, "get", op);
            ctx.set_params(&all, list_params(Vec::new()));
        }
    }

    for (sub, sub_def) in r.subresources.iter().zip(&res.sub_defs) {
        let path = format!("{item}/{}", sub.name);
        let suffix = capitalize(sub.name);
        if CONNECT.contains(&sub.name) {
            connect_paths(ctx, &path, sub, ns_word, &suffix);
        } else {
            let target = sub_def.as_deref().unwrap_or(def);
            item_paths(ctx, &path, target, ns_word, &suffix, Some(sub));
        }
        let mut p = vec![params::path("name", &format!("name of the {}", sub.kind))];
        if r.namespaced {
            p.push(params::namespace());
        }
        if !CONNECT.contains(&sub.name) {
            p.push(params::query("pretty"));
        }
        ctx.set_params(&path, p);
    }
}

fn scope_only(namespaced: bool) -> Vec<Value> {
    if namespaced {
        vec![params::namespace()]
    } else {
        Vec::new()
    }
}

/// Path-level parameters of list and watch paths: `extra` plus the list query parameters.
fn list_params(mut extra: Vec<Value>) -> Vec<Value> {
    let mut list: Vec<&str> = params::LIST.to_vec();
    list.push("pretty");
    list.sort_unstable();
    extra.extend(params::queries(&list));
    extra
}

/// `GET` / `PUT` / `PATCH` / `DELETE` (and `POST` for create-only subresources) of one object.
fn item_paths(
    ctx: &mut Ctx<'_>,
    path: &str,
    def: &str,
    ns_word: &str,
    suffix: &str,
    sub: Option<&Subresource>,
) {
    let r = ctx.r;
    let kind = r.kind;
    let g = ctx.op_group.clone();
    let verbs = sub.map_or(r.verbs, |s| s.verbs);
    let gvk = match sub {
        Some(s) => (s.group.to_owned(), s.version.to_owned(), s.kind.to_owned()),
        None => ctx.gvk(),
    };
    let what = match sub {
        Some(s) => format!("{} of the specified {kind}", s.name),
        None => format!("the specified {kind}"),
    };
    let has = |verb: &str| verbs.contains(&verb);
    let is_log = sub.is_some_and(|s| s.name == "log");
    if has("get") {
        let responses = if is_log {
            json!({
                "200": {"content": {"*/*": {"schema": {"type": "string"}}}, "description": "OK"},
                "401": {"description": "Unauthorized"},
            })
        } else {
            responses(def, OBJECT_TYPES, &["200"])
        };
        let op = Op {
            description: format!("read {what}"),
            id: format!("read{g}{ns_word}{kind}{suffix}"),
            params: Vec::new(),
            body: None,
            responses,
            action: "get",
            gvk: gvk.clone(),
        };
        ctx.add(path, "get", op);
    }
    if has("update") {
        let op = Op {
            description: format!("replace {what}"),
            id: format!("replace{g}{ns_word}{kind}{suffix}"),
            params: params::queries(params::WRITE),
            body: Some(body(def, &["*/*"], true)),
            responses: responses(def, OBJECT_TYPES, &["200", "201"]),
            action: "put",
            gvk: gvk.clone(),
        };
        ctx.add(path, "put", op);
    }
    if has("patch") {
        let op = Op {
            description: format!("partially update {what}"),
            id: format!("patch{g}{ns_word}{kind}{suffix}"),
            params: params::queries(params::PATCH),
            body: Some(body(PATCH, PATCH_TYPES, true)),
            responses: responses(def, OBJECT_TYPES, &["200", "201"]),
            action: "patch",
            gvk: gvk.clone(),
        };
        ctx.add(path, "patch", op);
    }
    if has("delete") {
        let op = Op {
            description: format!("delete {}", article(kind)),
            id: format!("delete{g}{ns_word}{kind}{suffix}"),
            params: params::queries(params::DELETE),
            body: Some(body(DELETE_OPTIONS, &["*/*"], false)),
            responses: responses(STATUS, OBJECT_TYPES, &["200", "202"]),
            action: "delete",
            gvk: gvk.clone(),
        };
        ctx.add(path, "delete", op);
    }
    if sub.is_some() && has("create") {
        let op = Op {
            description: format!("create {} of {}", sub.map_or("", |s| s.kind), article(kind)),
            id: format!("create{g}{ns_word}{kind}{suffix}"),
            params: params::queries(params::WRITE),
            body: Some(body(def, &["*/*"], true)),
            responses: responses(def, OBJECT_TYPES, &["200", "201", "202"]),
            action: "post",
            gvk,
        };
        ctx.add(path, "post", op);
    }
}

/// `exec`, `attach`, `portforward` and `proxy`: connect operations, one per HTTP method.
fn connect_paths(ctx: &mut Ctx<'_>, path: &str, sub: &Subresource, ns_word: &str, suffix: &str) {
    let kind = ctx.r.kind;
    let g = ctx.op_group.clone();
    for (verb, method, word) in [
        ("create", "post", "Post"),
        ("delete", "delete", "Delete"),
        ("get", "get", "Get"),
        ("patch", "patch", "Patch"),
        ("update", "put", "Put"),
    ] {
        if !sub.verbs.contains(&verb) {
            continue;
        }
        let op = Op {
            description: format!("connect {method} requests to {} of {kind}", sub.name),
            id: format!("connect{g}{word}{ns_word}{kind}{suffix}"),
            params: Vec::new(),
            body: None,
            responses: json!({
                "200": {"content": {"*/*": {"schema": {"type": "string"}}}, "description": "OK"},
                "401": {"description": "Unauthorized"},
            }),
            action: "connect",
            gvk: (
                sub.group.to_owned(),
                sub.version.to_owned(),
                sub.kind.to_owned(),
            ),
        };
        ctx.add(path, method, op);
    }
}

/// `a Pod`, `an Ingress`.
fn article(kind: &str) -> String {
    match kind.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'U') => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}
