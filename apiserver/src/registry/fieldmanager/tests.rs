use serde_json::{Value, json};

use super::fieldpath::Set;
use super::*;

fn deployment_schema() -> ObjectSchema {
    ObjectSchema::for_kind("apps", "v1", "Deployment")
}

fn writer<'a>(manager: &'a str) -> Writer<'a> {
    Writer {
        manager,
        subresource: "",
        api_version: "apps/v1",
        scope: Scope::NotStatus,
        now: "2026-01-01T00:00:00Z",
    }
}

fn deployment(replicas: i64, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": image, "args": ["a", "b"]}]}
            }
        }
    })
}

fn entry<'a>(object: &'a Value, manager: &str) -> Option<&'a Value> {
    object["metadata"]["managedFields"]
        .as_array()?
        .iter()
        .find(|e| e["manager"] == manager)
}

#[test]
fn fields_v1_round_trip_and_upstream_order() {
    let text = r#"{"f:metadata":{"f:labels":{"f:app":{},".":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{"f:image":{},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{"f:containerPort":{},".":{}}},".":{}}},"f:finalizers":{"v:\"a\"":{},"v:\"b\"":{}},"f:list":{"i:0":{}}}}"#;
    let value: Value = serde_json::from_str(text).unwrap();
    let set = Set::from_value(&value).unwrap();
    assert_eq!(set.to_json(), text, "serialized exactly as upstream");
    assert_eq!(Set::from_value(&set.to_value()).unwrap(), set);
    let paths: Vec<String> = set.paths().iter().map(ToString::to_string).collect();
    assert!(paths.contains(&".spec.containers[name=\"c\"].image".to_string()));
    assert!(paths.contains(&".spec.finalizers[=\"a\"]".to_string()));
    assert!(paths.contains(&".metadata.labels".to_string()));
}

#[test]
fn create_gives_the_creator_every_field_but_the_stripped_ones() {
    let schema = deployment_schema();
    let mut object = deployment(1, "nginx");
    object["status"] = json!({"replicas": 3});
    update(None, &mut object, schema.root(), &writer("kubectl-create"));
    let e = entry(&object, "kubectl-create").expect("creator entry");
    assert_eq!(e["operation"], "Update");
    assert_eq!(e["apiVersion"], "apps/v1");
    assert_eq!(e["fieldsType"], "FieldsV1");
    assert_eq!(e["time"], "2026-01-01T00:00:00Z");
    let f = &e["fieldsV1"];
    assert_eq!(f["f:metadata"]["f:labels"]["."], json!({}));
    assert!(f["f:metadata"].get("f:name").is_none(), "name is stripped");
    assert!(f.get("f:apiVersion").is_none() && f.get("f:status").is_none());
    assert_eq!(f["f:spec"]["f:replicas"], json!({}));
    assert_eq!(
        f["f:spec"]["f:selector"],
        json!({}),
        "LabelSelector is atomic"
    );
    let c = &f["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"c\"}"];
    assert_eq!(c["."], json!({}));
    assert_eq!(c["f:args"], json!({}), "args is an atomic list");
}

#[test]
fn update_moves_changed_fields_to_the_writer() {
    let schema = deployment_schema();
    let mut live = deployment(1, "nginx");
    update(None, &mut live, schema.root(), &writer("creator"));
    let mut new = live.clone();
    new["spec"]["replicas"] = json!(5);
    update(Some(&live), &mut new, schema.root(), &writer("scaler"));
    let scaler = entry(&new, "scaler").unwrap();
    assert_eq!(scaler["fieldsV1"], json!({"f:spec": {"f:replicas": {}}}));
    let creator = entry(&new, "creator").unwrap();
    assert!(creator["fieldsV1"]["f:spec"].get("f:replicas").is_none());
    // No change: no entry for the writer.
    let mut same = new.clone();
    update(Some(&new), &mut same, schema.root(), &writer("idle"));
    assert!(entry(&same, "idle").is_none());
    // An empty list resets; no list keeps the stored entries.
    let mut reset = new.clone();
    reset["metadata"]["managedFields"] = json!([]);
    update(Some(&new), &mut reset, schema.root(), &writer("x"));
    assert!(reset["metadata"].get("managedFields").is_none());
    let mut kept = new.clone();
    kept["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("managedFields");
    kept["spec"]["replicas"] = json!(6);
    update(Some(&new), &mut kept, schema.root(), &writer("scaler"));
    assert!(entry(&kept, "creator").is_some());
}

fn applied(live: Option<&Value>, config: &Value, manager: &str, force: bool) -> Result<Value> {
    let schema = deployment_schema();
    apply(
        live,
        config,
        "Deployment",
        schema.root(),
        &writer(manager),
        force,
    )
}

#[test]
fn apply_creates_then_conflicts_then_force_takes_ownership() {
    let first = applied(None, &deployment(1, "nginx"), "kubectl", false).unwrap();
    let e = entry(&first, "kubectl").unwrap();
    assert_eq!(e["operation"], "Apply");
    assert!(e["fieldsV1"]["f:metadata"]["f:labels"].get(".").is_none());
    let err = applied(Some(&first), &deployment(3, "nginx"), "other", false).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas"
    );
    // The same value is no conflict: both own the field.
    let shared = applied(Some(&first), &deployment(1, "nginx"), "other", false).unwrap();
    assert_eq!(
        entry(&shared, "other").unwrap()["fieldsV1"]["f:spec"]["f:replicas"],
        json!({})
    );
    let forced = applied(Some(&first), &deployment(3, "nginx"), "other", true).unwrap();
    assert_eq!(forced["spec"]["replicas"], 3);
    let kubectl = entry(&forced, "kubectl").unwrap();
    assert!(kubectl["fieldsV1"]["f:spec"].get("f:replicas").is_none());
}

#[test]
fn several_conflicts_are_grouped_by_manager() {
    let first = applied(None, &deployment(1, "nginx"), "a", false).unwrap();
    let err = applied(Some(&first), &deployment(2, "redis"), "b", false).unwrap_err();
    let Error::Conflicts(conflicts) = &err else {
        panic!("{err}")
    };
    assert_eq!(conflicts.len(), 2);
    assert_eq!(
        err.to_string(),
        "Apply failed with 2 conflicts: conflicts with \"a\":\n- .spec.replicas\n- .spec.template.spec.containers[name=\"c\"].image"
    );
}

#[test]
fn apply_removes_fields_the_manager_stops_applying() {
    let mut config = deployment(1, "nginx");
    config["metadata"]["labels"]["tier"] = json!("front");
    let first = applied(None, &config, "kubectl", false).unwrap();
    assert_eq!(first["metadata"]["labels"]["tier"], "front");
    let second = applied(Some(&first), &deployment(1, "nginx"), "kubectl", false).unwrap();
    assert!(second["metadata"]["labels"].get("tier").is_none());
    assert_eq!(second["metadata"]["labels"]["app"], "web");
    // A field another manager also owns stays.
    let shared = applied(Some(&first), &config, "other", false).unwrap();
    let third = applied(Some(&shared), &deployment(1, "nginx"), "kubectl", false).unwrap();
    assert_eq!(third["metadata"]["labels"]["tier"], "front");
}

#[test]
fn apply_merges_lists_by_their_type() {
    let first = applied(None, &deployment(1, "nginx"), "a", false).unwrap();
    // A second container from another manager merges by key; args (atomic) is replaced.
    let mut config = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": [{"name": "side", "image": "busybox"}]}}}});
    let second = applied(Some(&first), &config, "b", false).unwrap();
    let containers = second["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    assert_eq!(containers.len(), 2);
    assert_eq!(containers[0]["name"], "c");
    config["spec"]["template"]["spec"]["containers"] =
        json!([{"name": "c", "image": "nginx", "args": ["z"]}]);
    let err = applied(Some(&second), &config, "b", false).unwrap_err();
    assert!(err.to_string().contains(".args"), "{err}");
    // Sets merge by value.
    let live = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "finalizers": ["x"]}});
    let live = applied(None, &live, "a", false).unwrap();
    let cfg = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "finalizers": ["y"]}});
    let merged = applied(Some(&live), &cfg, "b", false).unwrap();
    assert_eq!(merged["metadata"]["finalizers"], json!(["x", "y"]));
}

#[test]
fn apply_checks_type_and_managed_fields() {
    let mut config = deployment(1, "nginx");
    config["apiVersion"] = json!("apps/v1beta1");
    let err = applied(None, &config, "m", false).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid object type: apps/v1beta1, Kind=Deployment"
    );
    let mut config = deployment(1, "nginx");
    config["metadata"]["managedFields"] = json!([]);
    let err = applied(None, &config, "m", false).unwrap_err();
    assert_eq!(err.to_string(), "metadata.managedFields must be nil");
}

#[test]
fn first_apply_to_an_untracked_object_records_before_first_apply() {
    let live = deployment(1, "nginx");
    let result = applied(Some(&live), &deployment(1, "nginx"), "m", false).unwrap();
    let before = entry(&result, BEFORE_FIRST_APPLY).unwrap();
    assert_eq!(before["operation"], "Update");
    let err = applied(Some(&live), &deployment(2, "nginx"), "m", false).unwrap_err();
    assert!(
        err.to_string()
            .contains("\"before-first-apply\" using apps/v1"),
        "{err}"
    );
}

#[test]
fn last_applied_conflicts_are_allowed_for_kubectl() {
    let mut live = deployment(1, "nginx");
    let last = deployment(1, "nginx").to_string();
    live["metadata"]["annotations"] = json!({ (LAST_APPLIED): last });
    let schema = deployment_schema();
    update(
        None,
        &mut live,
        schema.root(),
        &writer("kubectl-client-side-apply"),
    );
    let result = applied(Some(&live), &deployment(2, "nginx"), "kubectl", false).unwrap();
    assert_eq!(result["spec"]["replicas"], 2);
    let annotation: Value = serde_json::from_str(
        result["metadata"]["annotations"][LAST_APPLIED]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        annotation["spec"]["replicas"], 2,
        "annotation follows the apply"
    );
    assert!(applied(Some(&live), &deployment(2, "nginx"), "other", false).is_err());
}

#[test]
fn update_managers_are_capped_into_ancient_changes() {
    let schema = deployment_schema();
    let mut object = deployment(1, "nginx");
    update(None, &mut object, schema.root(), &writer("creator"));
    for i in 0..12 {
        let mut new = object.clone();
        new["metadata"]["labels"][format!("l{i}")] = json!("x");
        let now = format!("2026-01-01T00:00:{:02}Z", i + 1);
        let manager = format!("m{i}");
        let w = Writer {
            now: &now,
            ..writer(&manager)
        };
        update(Some(&object), &mut new, schema.root(), &w);
        object = new;
    }
    let entries = object["metadata"]["managedFields"].as_array().unwrap();
    assert_eq!(entries.len(), MAX_UPDATE_MANAGERS);
    let ancient = entry(&object, managed::ANCIENT_CHANGES).expect("bucket");
    assert!(
        ancient["fieldsV1"]["f:metadata"]["f:labels"]
            .get("f:l0")
            .is_some()
    );
    assert!(entry(&object, "m11").is_some());
}

#[test]
fn openapi_schema_drives_list_and_map_types() {
    let props = json!({"type": "object", "properties": {
    "spec": {"type": "object", "properties": {
        "ports": {"type": "array", "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["port"],
            "items": {"type": "object", "properties": {"port": {"type": "integer"}, "name": {"type": "string"}}}},
        "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
        "args": {"type": "array", "items": {"type": "string"}},
        "sel": {"type": "object", "x-kubernetes-map-type": "atomic", "additionalProperties": {"type": "string"}},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
    }}}});
    let schema = ObjectSchema::Owned(schema_from_openapi_v3(&props));
    let cr = json!({"apiVersion": "x.io/v1", "kind": "Thing", "metadata": {"name": "t", "labels": {"a": "b"}},
        "spec": {"ports": [{"port": 80, "name": "http"}], "tags": ["a"], "args": ["x"], "sel": {"k": "v"}, "free": {"deep": {"x": 1}}}});
    let set = typed::field_set(&cr, schema.root());
    let json: Value = serde_json::from_str(&set.to_json()).unwrap();
    let spec = &json["f:spec"];
    assert_eq!(spec["f:ports"]["k:{\"port\":80}"]["f:name"], json!({}));
    assert_eq!(spec["f:tags"]["v:\"a\""], json!({}));
    assert_eq!(spec["f:args"], json!({}));
    assert_eq!(spec["f:sel"], json!({}));
    assert_eq!(spec["f:free"]["f:deep"]["f:x"], json!({}));
    assert_eq!(json["f:metadata"]["f:labels"]["f:a"], json!({}));
}

#[test]
fn managed_fields_sent_by_a_client_are_stored_as_sent() {
    // kubectl's client-side-apply upgrade rewrites managedFields with a JSON patch and changes
    // nothing else: the entries it sends are what is stored.
    let schema = deployment_schema();
    let mut live = deployment(1, "nginx");
    update(
        None,
        &mut live,
        schema.root(),
        &writer("kubectl-client-side-apply"),
    );
    let mut sent = live.clone();
    let mut entries = sent["metadata"]["managedFields"].clone();
    entries[0]["manager"] = json!("kubectl");
    entries[0]["operation"] = json!("Apply");
    sent["metadata"]["managedFields"] = entries.clone();
    update(Some(&live), &mut sent, schema.root(), &writer("kubectl"));
    assert_eq!(sent["metadata"]["managedFields"], entries);
}

#[test]
fn status_writes_own_only_status() {
    let schema = deployment_schema();
    let mut live = deployment(1, "nginx");
    update(None, &mut live, schema.root(), &writer("creator"));
    let mut new = live.clone();
    new["status"] = json!({"replicas": 1, "readyReplicas": 1});
    new["spec"]["replicas"] = json!(9);
    let status_writer = Writer {
        subresource: "status",
        scope: Scope::OnlyStatus,
        ..writer("controller")
    };
    update(Some(&live), &mut new, schema.root(), &status_writer);
    let e = entry(&new, "controller").unwrap();
    assert_eq!(e["subresource"], "status");
    assert_eq!(
        e["fieldsV1"],
        json!({"f:status": {"f:readyReplicas": {}, "f:replicas": {}}})
    );
    // Apply through status: conflicts name the subresource.
    let config = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web"}, "status": {"replicas": 5}});
    let err = apply(
        Some(&new),
        &config,
        "Deployment",
        schema.root(),
        &Writer {
            subresource: "status",
            scope: Scope::OnlyStatus,
            ..writer("other")
        },
        false,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Apply failed with 1 conflict: conflict with \"controller\" with subresource \"status\" using apps/v1: .status.replicas"
    );
}

#[test]
fn list_map_keys_left_out_take_their_default() {
    // Ports key on (containerPort, protocol); an applied port without protocol is the
    // defaulted live port, not a new one.
    let mut config = deployment(1, "nginx");
    config["spec"]["template"]["spec"]["containers"][0]["ports"] = json!([{"containerPort": 80}]);
    let mut live = applied(None, &config, "a", false).unwrap();
    live["spec"]["template"]["spec"]["containers"][0]["ports"][0]["protocol"] = json!("TCP");
    let again = applied(Some(&live), &config, "b", false).unwrap();
    let ports = &again["spec"]["template"]["spec"]["containers"][0]["ports"];
    assert_eq!(ports, &json!([{"containerPort": 80, "protocol": "TCP"}]));
    let fields = &entry(&again, "b").unwrap()["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]
        ["k:{\"name\":\"c\"}"]["f:ports"];
    assert!(
        fields
            .get("k:{\"containerPort\":80,\"protocol\":\"TCP\"}")
            .is_some(),
        "{fields}"
    );
}
