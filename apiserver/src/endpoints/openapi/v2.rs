//! The Swagger 2.0 document (`/openapi/v2`): every definition and every path, converted from
//! the v3 shape the group-version documents use.

use serde_json::{Map, Value, json};

use super::schemas::{V2_PREFIX, V3_PREFIX, rewrite_refs};

/// The Swagger 2.0 document of `paths` (v3 path items) and `definitions` (v2 schemas).
pub(super) fn document(paths: &Map<String, Value>, definitions: Map<String, Value>) -> Value {
    let paths: Map<String, Value> = paths
        .iter()
        .map(|(path, item)| (path.clone(), path_item(item)))
        .collect();
    json!({
        "definitions": definitions,
        "info": {"title": "Kubernetes", "version": "v1.34.0"},
        "paths": paths,
        "security": [{"BearerToken": []}],
        "securityDefinitions": {
            "BearerToken": {
                "description": "Bearer Token authentication",
                "in": "header",
                "name": "authorization",
                "type": "apiKey",
            },
        },
        "swagger": "2.0",
    })
}

fn path_item(item: &Value) -> Value {
    let mut out = Map::new();
    let Some(map) = item.as_object() else {
        return Value::Object(out);
    };
    for (key, value) in map {
        if key == "parameters" {
            out.insert(key.clone(), parameters(value));
        } else {
            out.insert(key.clone(), operation(value));
        }
    }
    Value::Object(out)
}

/// v3 parameters carry `schema: {type, uniqueItems}`; v2 ones carry those keys themselves.
fn parameters(list: &Value) -> Value {
    let converted = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let mut p = p.clone();
            if let Some(obj) = p.as_object_mut()
                && let Some(Value::Object(schema)) = obj.remove("schema")
            {
                obj.extend(schema);
            }
            p
        })
        .collect();
    Value::Array(converted)
}

fn operation(op: &Value) -> Value {
    let Some(map) = op.as_object() else {
        return op.clone();
    };
    let mut out = Map::new();
    let mut params = map.get("parameters").map_or(json!([]), parameters);
    let mut produces = Vec::<String>::new();
    for (key, value) in map {
        match key.as_str() {
            "parameters" => {}
            "requestBody" => {
                let content = value.get("content").and_then(Value::as_object);
                let consumes: Vec<&String> = content.into_iter().flat_map(|c| c.keys()).collect();
                let schema = content
                    .and_then(|c| c.values().next())
                    .and_then(|m| m.get("schema"))
                    .cloned()
                    .unwrap_or(json!({}));
                let mut body = json!({"in": "body", "name": "body", "schema": schema});
                if value.get("required") == Some(&Value::Bool(true)) {
                    body["required"] = true.into();
                }
                if let Some(list) = params.as_array_mut() {
                    list.insert(0, body);
                }
                out.insert("consumes".into(), json!(consumes));
            }
            "responses" => {
                let mut responses = Map::new();
                for (code, resp) in value.as_object().into_iter().flatten() {
                    let mut r = json!({"description": resp.get("description").cloned().unwrap_or(json!(""))});
                    if let Some(content) = resp.get("content").and_then(Value::as_object) {
                        for t in content.keys() {
                            if !produces.contains(t) {
                                produces.push(t.clone());
                            }
                        }
                        if let Some(schema) = content.values().next().and_then(|m| m.get("schema"))
                        {
                            r["schema"] = schema.clone();
                        }
                    }
                    responses.insert(code.clone(), r);
                }
                out.insert("responses".into(), Value::Object(responses));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if params.as_array().is_some_and(|p| !p.is_empty()) {
        out.insert("parameters".into(), params);
    }
    if !out.contains_key("consumes") {
        out.insert("consumes".into(), json!(["*/*"]));
    }
    produces.sort();
    out.insert("produces".into(), json!(produces));
    out.insert("schemes".into(), json!(["https"]));
    let mut value = Value::Object(out);
    rewrite_refs(&mut value, V3_PREFIX, V2_PREFIX);
    value
}
