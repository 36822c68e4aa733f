//! The part of Kubernetes JSONPath (`k8s.io/client-go/util/jsonpath`) that printer columns use:
//! `.field`, `['field']` / `["field"]`, `[N]` (negative counts from the end), `[*]` / `.*`,
//! and filters `[?(@.path == "value")]` / `!=` on strings, numbers and booleans.
//!
//! Written here rather than taken from a crate: the JSONPath crates implement RFC 9535, whose
//! syntax differs from Kubernetes' (no leading `$`, `-` and `/` inside `.field`, the filter
//! form) and whose results would have to be translated back.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    All,
    Filter {
        path: Vec<Step>,
        equal: bool,
        value: Value,
    },
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath(Vec<Step>);

impl JsonPath {
    /// Parses `path` (with or without the template's `{` `}`).
    pub fn parse(path: &str) -> Result<JsonPath, String> {
        let path = path.trim();
        let path = path
            .strip_prefix('{')
            .and_then(|p| p.strip_suffix('}'))
            .unwrap_or(path);
        let path = path.strip_prefix('$').unwrap_or(path);
        let (steps, rest) = parse_steps(path)?;
        if !rest.is_empty() {
            return Err(format!("unexpected {rest:?} in path"));
        }
        Ok(JsonPath(steps))
    }

    /// Every value the path reaches in `root`, in document order.
    pub fn find<'a>(&self, root: &'a Value) -> Vec<&'a Value> {
        let mut current = vec![root];
        for step in &self.0 {
            current = current.into_iter().flat_map(|v| apply(step, v)).collect();
        }
        current
    }
}

fn apply<'a>(step: &Step, value: &'a Value) -> Vec<&'a Value> {
    match (step, value) {
        (Step::Field(name), Value::Object(map)) => map.get(name).into_iter().collect(),
        (Step::Index(i), Value::Array(items)) => {
            let len = items.len() as i64;
            let at = if *i < 0 { len + i } else { *i };
            usize::try_from(at)
                .ok()
                .and_then(|at| items.get(at))
                .into_iter()
                .collect()
        }
        (Step::All, Value::Array(items)) => items.iter().collect(),
        (Step::All, Value::Object(map)) => map.values().collect(),
        (Step::Filter { path, equal, value }, Value::Array(items)) => items
            .iter()
            .filter(|item| {
                let found = JsonPath(path.clone()).find(item);
                let matches = found.iter().any(|v| loosely_equal(v, value));
                if *equal {
                    matches
                } else {
                    !found.is_empty() && !matches
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn loosely_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn parse_steps(mut text: &str) -> Result<(Vec<Step>, &str), String> {
    let mut steps = Vec::new();
    loop {
        if let Some(rest) = text.strip_prefix('.') {
            if let Some(rest) = rest.strip_prefix('*') {
                steps.push(Step::All);
                text = rest;
                continue;
            }
            let end = rest
                .find(['.', '[', ' ', '=', '!', ')'])
                .unwrap_or(rest.len());
            if end == 0 {
                if rest.is_empty() && steps.is_empty() {
                    return Ok((steps, rest));
                }
                return Err("empty field name".into());
            }
            steps.push(Step::Field(rest[..end].to_owned()));
            text = &rest[end..];
        } else if let Some(rest) = text.strip_prefix('[') {
            let (step, rest) = parse_bracket(rest)?;
            steps.push(step);
            text = rest;
        } else {
            return Ok((steps, text));
        }
    }
}

fn parse_bracket(text: &str) -> Result<(Step, &str), String> {
    if let Some(rest) = text.strip_prefix("?(") {
        let rest = rest.trim_start();
        let rest = rest.strip_prefix('@').ok_or("a filter starts with @")?;
        let (path, rest) = parse_steps(rest)?;
        let rest = rest.trim_start();
        let (equal, rest) = if let Some(r) = rest.strip_prefix("==") {
            (true, r)
        } else if let Some(r) = rest.strip_prefix("!=") {
            (false, r)
        } else {
            return Err("only == and != filters are supported".into());
        };
        let rest = rest.trim_start();
        let close = rest.find(")]").ok_or("unterminated filter")?;
        let literal = rest[..close].trim();
        let value = literal_value(literal)?;
        return Ok((Step::Filter { path, equal, value }, &rest[close + 2..]));
    }
    let close = text.find(']').ok_or("unterminated [")?;
    let inner = text[..close].trim();
    let rest = &text[close + 1..];
    if inner == "*" {
        return Ok((Step::All, rest));
    }
    if let Some(name) = quoted(inner) {
        return Ok((Step::Field(name.to_owned()), rest));
    }
    inner
        .parse::<i64>()
        .map(|i| (Step::Index(i), rest))
        .map_err(|_| format!("unsupported subscript [{inner}]"))
}

fn quoted(text: &str) -> Option<&str> {
    text.strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .or_else(|| text.strip_prefix('"').and_then(|t| t.strip_suffix('"')))
}

fn literal_value(text: &str) -> Result<Value, String> {
    if let Some(s) = quoted(text) {
        return Ok(Value::String(s.to_owned()));
    }
    match text {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        _ => serde_json::from_str::<serde_json::Number>(text)
            .map(Value::Number)
            .map_err(|_| format!("unsupported literal {text}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn first(path: &str, value: &Value) -> Option<Value> {
        JsonPath::parse(path)
            .unwrap()
            .find(value)
            .first()
            .map(|v| (*v).clone())
    }

    #[test]
    fn printer_column_paths() {
        let object = json!({"spec": {"cronSpec": "* * * * */5", "replicas": 2,
                "node-name": "n", "list": [1, 2, 3]},
            "metadata": {"labels": {"app.kubernetes.io/name": "x"}},
            "status": {"conditions": [{"type": "Synced", "status": "False"},
                {"type": "Ready", "status": "True"}]}});
        assert_eq!(first(".spec.cronSpec", &object), Some(json!("* * * * */5")));
        assert_eq!(first("{.spec.replicas}", &object), Some(json!(2)));
        assert_eq!(first(".spec.node-name", &object), Some(json!("n")));
        assert_eq!(first(".spec.list[-1]", &object), Some(json!(3)));
        assert_eq!(first(".spec.list[*]", &object), Some(json!(1)));
        assert_eq!(
            first(".metadata.labels['app.kubernetes.io/name']", &object),
            Some(json!("x"))
        );
        assert_eq!(
            first(".status.conditions[?(@.type==\"Ready\")].status", &object),
            Some(json!("True"))
        );
        assert_eq!(
            first(".status.conditions[?(@.type != 'Ready')].status", &object),
            Some(json!("False"))
        );
        assert_eq!(first(".spec.missing", &object), None);
        assert!(JsonPath::parse(".spec[").is_err());
        assert!(JsonPath::parse(".a[?(@.b > 1)]").is_err());
    }
}
