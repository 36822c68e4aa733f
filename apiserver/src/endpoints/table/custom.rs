//! Tables of custom resources, as upstream's `apiextensions-apiserver/pkg/registry/
//! customresource/tableconvertor`: `Name`, then each `additionalPrinterColumns` entry (or `Age`
//! when a version has none), each cell the first value its JSONPath finds, typed by the column.

use std::sync::{LazyLock, Mutex, PoisonError};

use serde_json::{Value, json};

use super::jsonpath::JsonPath;
use super::util::{self, Ctx, parse_rfc3339};
use super::{Col, NAME_COL, Row, desc};
use crate::apiextensions::intern;

/// One printer column of a custom resource.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomColumn {
    pub(crate) col: Col,
    path: Option<JsonPath>,
}

/// The columns of a custom resource's table, from its version's printer columns
/// (`(name, type, format, description, priority, jsonPath)`); kept for the life of the process,
/// once per distinct set.
pub fn custom_columns(columns: &[(&str, &str, &str, &str, i64, &str)]) -> &'static [CustomColumn] {
    static KEPT: LazyLock<Mutex<Vec<&'static [CustomColumn]>>> = LazyLock::new(Mutex::default);
    let mut built: Vec<CustomColumn> = vec![CustomColumn {
        col: NAME_COL,
        path: None,
    }];
    if columns.is_empty() {
        built.push(column(
            "Age",
            "date",
            "",
            desc::CREATION_TIMESTAMP,
            0,
            ".metadata.creationTimestamp",
        ));
    }
    for &(name, ty, format, description, priority, path) in columns {
        built.push(column(name, ty, format, description, priority, path));
    }
    let mut kept = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = kept.iter().find(|k| ***k == *built) {
        return found;
    }
    let leaked: &'static [CustomColumn] = Box::leak(built.into_boxed_slice());
    kept.push(leaked);
    leaked
}

fn column(
    name: &str,
    ty: &str,
    format: &str,
    description: &str,
    priority: i64,
    path: &str,
) -> CustomColumn {
    CustomColumn {
        col: Col {
            name: intern::string(name),
            ty: intern::string(ty),
            format: intern::string(format),
            desc: intern::string(description),
            priority: i32::try_from(priority).unwrap_or(0),
        },
        path: JsonPath::parse(path).ok(),
    }
}

/// The row of `object`.
pub(super) fn row(columns: &[CustomColumn], object: &Value, ctx: &Ctx) -> Row {
    let cells = columns
        .iter()
        .map(|column| match &column.path {
            None if column.col.format == "name" => json!(util::name(object)),
            None => Value::Null,
            Some(path) => match path.find(object).first() {
                None => Value::Null,
                Some(value) => cell(column.col.ty, value, ctx),
            },
        })
        .collect();
    Row::new(cells)
}

/// A cell of a column of type `ty`, as upstream's `cellForJSONValue` (`string` columns print
/// any value as text, as the JSONPath printer does).
fn cell(ty: &str, value: &Value, ctx: &Ctx) -> Value {
    match (ty, value) {
        (_, Value::Null) => Value::Null,
        ("integer", Value::Number(n)) => n
            .as_i64()
            .map(Value::from)
            .or_else(|| n.as_f64().map(|f| Value::from(f as i64)))
            .unwrap_or(Value::Null),
        ("number", Value::Number(n)) => n.as_f64().map(Value::from).unwrap_or(Value::Null),
        ("boolean", Value::Bool(b)) => Value::Bool(*b),
        ("date", Value::String(text)) => match parse_rfc3339(text) {
            Some(_) => Value::String(ctx.since(Some(value))),
            None => json!("<invalid>"),
        },
        ("string", value) => Value::String(text(value)),
        _ => Value::Null,
    }
}

/// A value as Go's `fmt.Print` writes the decoded JSON (`map[a:1]`, `[x y]`).
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => f.to_string(),
            _ => n.to_string(),
        },
        Value::Array(items) => {
            format!("[{}]", items.iter().map(text).collect::<Vec<_>>().join(" "))
        }
        Value::Object(map) => {
            let mut entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}:{}", text(v)))
                .collect();
            entries.sort();
            format!("map[{}]", entries.join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crontab_columns_and_cells() {
        let columns = custom_columns(&[
            ("Spec", "string", "", "The cron spec", 0, ".spec.cronSpec"),
            ("Replicas", "integer", "", "", 0, ".spec.replicas"),
            ("Age", "date", "", "", 0, ".metadata.creationTimestamp"),
        ]);
        assert_eq!(columns.len(), 4);
        assert_eq!(columns[0].col.name, "Name");
        let object = json!({"metadata": {"name": "c", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"cronSpec": "* * * * */5", "replicas": 2}});
        let now = parse_rfc3339("2026-01-01T00:05:00Z").unwrap();
        let row = row(columns, &object, &Ctx { now_nanos: now });
        assert_eq!(
            row.cells,
            vec![json!("c"), json!("* * * * */5"), json!(2), json!("5m")]
        );
        // Without printer columns: Name and Age.
        let default = custom_columns(&[]);
        assert_eq!(
            default.iter().map(|c| c.col.name).collect::<Vec<_>>(),
            ["Name", "Age"]
        );
        assert_eq!(
            cell(
                "string",
                &json!({"b": 1, "a": [true]}),
                &Ctx { now_nanos: 0 }
            ),
            json!("map[a:[true] b:1]")
        );
        assert_eq!(
            cell("integer", &json!("x"), &Ctx { now_nanos: 0 }),
            Value::Null
        );
        assert_eq!(
            cell("date", &json!("nope"), &Ctx { now_nanos: 0 }),
            json!("<invalid>")
        );
    }
}
