use serde_json::Value;

use super::*;

/// A patch table knowing `PodSpec.containers` (merge on `name`) and `Container.ports`.
struct FakeNode(&'static str);

impl PatchNode for FakeNode {
    fn field(&self, name: &str) -> (FieldPatch, Option<Box<dyn PatchNode>>) {
        let node = |n: &'static str| Some(Box::new(FakeNode(n)) as Box<dyn PatchNode>);
        match (self.0, name) {
            ("Pod" | "Deployment" | "PodTemplateSpec", "spec") => {
                (FieldPatch::default(), node("PodSpecOrDeploymentSpec"))
            }
            ("PodSpecOrDeploymentSpec", "template") => {
                (FieldPatch::default(), node("PodTemplateSpec"))
            }
            ("PodSpecOrDeploymentSpec", "containers") => (
                FieldPatch::new(true, false, false, "name"),
                node("Container"),
            ),
            ("PodSpecOrDeploymentSpec", "volumes") => {
                (FieldPatch::new(true, true, false, "name"), None)
            }
            ("Container", "ports") => (FieldPatch::new(true, false, false, "containerPort"), None),
            _ => (FieldPatch::default(), None),
        }
    }
}

const ALL: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const GPU: &[&str] = &["get", "patch", "update"];

fn catalog() -> Catalog {
    let status = |group, version, kind| Subresource {
        name: "status",
        group,
        version,
        kind,
        verbs: GPU,
    };
    Catalog {
        resources: vec![
            Resource {
                group: "",
                version: "v1",
                kind: "Pod",
                list_kind: "PodList",
                plural: "pods",
                namespaced: true,
                verbs: ALL,
                subresources: vec![
                    Subresource {
                        name: "eviction",
                        group: "policy",
                        version: "v1",
                        kind: "Eviction",
                        verbs: &["create"],
                    },
                    Subresource {
                        name: "exec",
                        group: "",
                        version: "v1",
                        kind: "PodExecOptions",
                        verbs: &["create", "get"],
                    },
                    status("", "v1", "Pod"),
                ],
            },
            Resource {
                group: "",
                version: "v1",
                kind: "Namespace",
                list_kind: "NamespaceList",
                plural: "namespaces",
                namespaced: false,
                verbs: ALL,
                subresources: vec![],
            },
            Resource {
                group: "apps",
                version: "v1",
                kind: "Deployment",
                list_kind: "DeploymentList",
                plural: "deployments",
                namespaced: true,
                verbs: ALL,
                subresources: vec![
                    Subresource {
                        name: "scale",
                        group: "autoscaling",
                        version: "v1",
                        kind: "Scale",
                        verbs: GPU,
                    },
                    status("apps", "v1", "Deployment"),
                ],
            },
        ],
        patch_root: Some(Box::new(|_, _, kind| {
            Some(Box::new(FakeNode(match kind {
                "Pod" => "Pod",
                _ => "Deployment",
            })) as Box<dyn PatchNode>)
        })),
        structure: Some(Box::new(|definition, field| match (definition, field) {
            ("io.k8s.api.core.v1.PodSpec", "containers") => FieldStructure {
                list_type: "map",
                list_map_keys: &["name"],
                map_type: "",
            },
            ("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", "") => FieldStructure {
                map_type: "atomic",
                ..FieldStructure::default()
            },
            _ => FieldStructure::default(),
        })),
    }
}

fn built() -> &'static Documents {
    static DOCS: OnceLock<Documents> = OnceLock::new();
    DOCS.get_or_init(|| Documents::build(&catalog()))
}

fn doc(path: &str) -> Value {
    serde_json::from_slice(built().v3_group_version(path).expect("document")).expect("json")
}

fn names(params: &Value) -> Vec<&str> {
    params
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect()
}

#[test]
fn index_lists_group_versions_with_hashes() {
    let index: Value = serde_json::from_slice(built().v3_index()).expect("json");
    for gv in ["api/v1", "apis/apps/v1"] {
        let url = index["paths"][gv]["serverRelativeURL"].as_str().expect(gv);
        let hash = built().v3_hash(gv).expect("hash");
        assert_eq!(url, format!("/openapi/v3/{gv}?hash={hash}"));
        assert_eq!(
            hash,
            sha512::hex_upper(built().v3_group_version(gv).expect(gv))
        );
    }
    assert!(built().v3_group_version("/apis/apps/v1").is_some());
    assert!(built().v3_group_version("apis/nope/v1").is_none());
}

#[test]
fn pod_schema_has_gvk_and_patch_metadata() {
    let d = doc("api/v1");
    assert_eq!(d["openapi"], "3.0.0");
    let schemas = &d["components"]["schemas"];
    assert_eq!(
        schemas["io.k8s.api.core.v1.Pod"]["x-kubernetes-group-version-kind"],
        serde_json::json!([{"group": "", "kind": "Pod", "version": "v1"}])
    );
    assert_eq!(
        schemas["io.k8s.api.core.v1.PodList"]["x-kubernetes-group-version-kind"][0]["kind"],
        "PodList"
    );
    let containers = &schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"];
    assert_eq!(containers["x-kubernetes-patch-merge-key"], "name");
    assert_eq!(containers["x-kubernetes-patch-strategy"], "merge");
    let volumes = &schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["volumes"];
    assert_eq!(volumes["x-kubernetes-patch-strategy"], "merge,retainKeys");
    let ports = &schemas["io.k8s.api.core.v1.Container"]["properties"]["ports"];
    assert_eq!(ports["x-kubernetes-patch-merge-key"], "containerPort");
    // List and map types.
    assert_eq!(containers["x-kubernetes-list-type"], "map");
    assert_eq!(
        containers["x-kubernetes-list-map-keys"],
        serde_json::json!(["name"])
    );
    assert!(volumes.get("x-kubernetes-list-type").is_none());
    let selector = &schemas["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"];
    assert_eq!(selector["x-kubernetes-map-type"], "atomic");
    // Referenced kinds of subresources are included.
    assert!(schemas["io.k8s.api.policy.v1.Eviction"].is_object());
}

#[test]
fn special_types_match_upstream() {
    let d = doc("api/v1");
    let s = &d["components"]["schemas"];
    let quantity = &s["io.k8s.apimachinery.pkg.api.resource.Quantity"];
    assert_eq!(
        quantity["oneOf"],
        serde_json::json!([{"type": "string"}, {"type": "number"}])
    );
    assert!(quantity.get("x-kubernetes-int-or-string").is_none());
    let ios = &s["io.k8s.apimachinery.pkg.util.intstr.IntOrString"];
    assert_eq!(ios["format"], "int-or-string");
    assert_eq!(
        ios["oneOf"],
        serde_json::json!([{"type": "integer"}, {"type": "string"}])
    );
    let time = &s["io.k8s.apimachinery.pkg.apis.meta.v1.Time"];
    assert_eq!(
        (time["type"].as_str(), time["format"].as_str()),
        (Some("string"), Some("date-time"))
    );
    // References with siblings are wrapped in allOf, as upstream does.
    let meta = &s["io.k8s.api.core.v1.Pod"]["properties"]["metadata"];
    assert_eq!(
        meta["allOf"][0]["$ref"],
        "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    );
    let delete = &s["io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"];
    let gvks = delete["x-kubernetes-group-version-kind"]
        .as_array()
        .expect("gvks");
    assert!(gvks.iter().any(|g| g["group"] == "apps"));
}

#[test]
fn deployment_paths_carry_actions_and_validation_parameters() {
    let d = doc("apis/apps/v1");
    let collection = &d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"];
    let post = &collection["post"];
    assert_eq!(post["x-kubernetes-action"], "post");
    assert_eq!(
        post["x-kubernetes-group-version-kind"]["kind"],
        "Deployment"
    );
    assert_eq!(
        names(&post["parameters"]),
        ["dryRun", "fieldManager", "fieldValidation"]
    );
    assert_eq!(collection["get"]["x-kubernetes-action"], "list");
    assert_eq!(
        collection["delete"]["x-kubernetes-action"],
        "deletecollection"
    );
    assert_eq!(names(&collection["parameters"]), ["namespace", "pretty"]);

    let item = &d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
    let patch = &item["patch"];
    assert!(names(&patch["parameters"]).contains(&"fieldValidation"));
    assert!(patch["requestBody"]["content"]["application/strategic-merge-patch+json"].is_object());
    assert_eq!(patch["x-kubernetes-group-version-kind"]["group"], "apps");
    assert_eq!(item["get"]["operationId"], "readAppsV1NamespacedDeployment");

    let scale = &d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
    assert_eq!(
        scale["put"]["x-kubernetes-group-version-kind"]["kind"],
        "Scale"
    );
    assert!(d["components"]["schemas"]["io.k8s.api.autoscaling.v1.Scale"].is_object());
    assert!(d["paths"]["/apis/apps/v1/deployments"]["get"].is_object());
    assert!(
        d["paths"]["/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}"]["get"]
            .is_object()
    );
    // Schemas of other group-versions stay out.
    assert!(d["components"]["schemas"]["io.k8s.api.core.v1.Pod"].is_null());
}

#[test]
fn core_paths_cover_cluster_scope_and_connect() {
    let d = doc("api/v1");
    let ns = &d["paths"]["/api/v1/namespaces/{name}"];
    assert_eq!(ns["get"]["operationId"], "readCoreV1Namespace");
    assert_eq!(names(&ns["parameters"]), ["name", "pretty"]);
    let exec = &d["paths"]["/api/v1/namespaces/{namespace}/pods/{name}/exec"];
    assert_eq!(exec["post"]["x-kubernetes-action"], "connect");
    let eviction = &d["paths"]["/api/v1/namespaces/{namespace}/pods/{name}/eviction"];
    assert_eq!(
        eviction["post"]["x-kubernetes-group-version-kind"]["group"],
        "policy"
    );
}

#[test]
fn v2_document_is_swagger_with_plain_refs() {
    let v2: Value = serde_json::from_slice(built().v2()).expect("json");
    assert_eq!(v2["swagger"], "2.0");
    let spec = &v2["definitions"]["io.k8s.api.apps.v1.Deployment"]["properties"]["spec"];
    assert_eq!(
        spec["$ref"],
        "#/definitions/io.k8s.api.apps.v1.DeploymentSpec"
    );
    assert!(spec.get("allOf").is_none());
    let quantity = &v2["definitions"]["io.k8s.apimachinery.pkg.api.resource.Quantity"];
    assert_eq!(quantity["type"], "string");
    let post = &v2["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"]["post"];
    let params = names(&post["parameters"]);
    assert_eq!(
        params,
        ["body", "dryRun", "fieldManager", "fieldValidation"]
    );
    assert_eq!(post["parameters"][1]["type"], "string");
    let patch = &v2["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
    assert!(
        patch["consumes"]
            .as_array()
            .expect("consumes")
            .iter()
            .any(|c| c == "application/strategic-merge-patch+json")
    );
    assert!(!built().v2_protobuf().is_empty());
}

#[test]
fn v2_protobuf_starts_with_the_swagger_version() {
    // Field 1 (`swagger`), wire type 2, length 3, "2.0".
    assert_eq!(&built().v2_protobuf()[..5], b"\x0a\x032.0");
}

#[test]
fn sha512_matches_known_vectors() {
    assert_eq!(
        sha512::hex_upper(b"abc"),
        "DDAF35A193617ABACC417349AE20413112E6FA4E89A97EA20A9EEEE64B55D39A2192992A274FC1A836BA3C23A3FEEBBD454D4423643CE80E2A9AC94FA54CA49F"
    );
    assert_eq!(&sha512::hex_upper(b"")[..16], "CF83E1357EEFB8BD");
    let long = vec![b'a'; 1000];
    assert_eq!(&sha512::hex_upper(&long)[..16], "67BA5535A46E3F86");
}

#[test]
fn registry_names_match_kinds() {
    for k in registry::KINDS {
        assert!(
            (k.name)().ends_with(&format!(".{}", k.kind)),
            "{}",
            (k.name)()
        );
    }
}
