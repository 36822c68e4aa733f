//! Label selectors (`metav1.LabelSelector` → `labels.Selector`), shared by the scheduler's
//! plugins and preemption and by the controllers that select pods by label: parsing with upstream's checks and messages (`labels.NewRequirement`), and matching.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::name_validation::{is_qualified_name, is_valid_label_value};

/// Upstream's message for an invalid label value.
pub const LABEL_VALUE_MESSAGE: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/// Label selector operators (a `matchLabels` entry is `In` with one value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// The label has one of the values.
    In,
    /// The label is absent or has none of the values.
    NotIn,
    /// The label is present.
    Exists,
    /// The label is absent.
    DoesNotExist,
}

/// One requirement of a label selector (`labels.Requirement`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The label key.
    pub key: String,
    /// The operator.
    pub op: Op,
    /// The values (`In`, `NotIn`).
    pub values: Vec<String>,
}

impl Requirement {
    /// `labels.NewRequirement`: the key, the number of values and each value are checked.
    pub fn new(key: &str, op: Op, values: &[String]) -> Result<Self, String> {
        if !is_qualified_name(key) {
            return Err(format!(
                "key: Invalid value: {key:?}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
            ));
        }
        let set = match op {
            Op::In | Op::NotIn if values.is_empty() => {
                "for 'in', 'notin' operators, values set can't be empty"
            }
            Op::Exists | Op::DoesNotExist if !values.is_empty() => {
                "values set must be empty for exists and does not exist"
            }
            _ => "",
        };
        if !set.is_empty() {
            return Err(format!("values: Invalid value: {values:?}: {set}"));
        }
        if let Some((i, v)) = values
            .iter()
            .enumerate()
            .find(|(_, v)| !is_valid_label_value(v))
        {
            let why = if v.len() > 63 {
                "must be no more than 63 characters"
            } else {
                LABEL_VALUE_MESSAGE
            };
            return Err(format!("values[{i}][{key}]: Invalid value: {v:?}: {why}"));
        }
        let (key, values) = (key.to_owned(), values.to_vec());
        Ok(Self { key, op, values })
    }

    /// Whether a label value (or its absence) meets the requirement.
    pub fn matches(&self, value: Option<&str>) -> bool {
        let listed = |v: &str| self.values.iter().any(|want| want == v);
        match self.op {
            Op::In => value.is_some_and(listed),
            Op::NotIn => value.is_none_or(|v| !listed(v)),
            Op::Exists => value.is_some(),
            Op::DoesNotExist => value.is_none(),
        }
    }
}

/// A parsed selector: `None` (an absent selector) matches nothing, an empty list everything.
pub type Selector = Option<Vec<Requirement>>;

/// `metav1.LabelSelectorAsSelector` for a present selector.
pub fn parse_selector(selector: &LabelSelector) -> Result<Vec<Requirement>, String> {
    let mut reqs = Vec::new();
    for (key, value) in selector.match_labels.iter().flatten() {
        reqs.push(Requirement::new(key, Op::In, std::slice::from_ref(value))?);
    }
    for expr in selector.match_expressions.iter().flatten() {
        let op = match expr.operator.as_str() {
            "In" => Op::In,
            "NotIn" => Op::NotIn,
            "Exists" => Op::Exists,
            "DoesNotExist" => Op::DoesNotExist,
            other => return Err(format!("{other:?} is not a valid label selector operator")),
        };
        let values = expr.values.as_deref().unwrap_or_default();
        reqs.push(Requirement::new(&expr.key, op, values)?);
    }
    Ok(reqs)
}

/// [`parse_selector`] for an optional selector.
pub fn parse_optional(selector: Option<&LabelSelector>) -> Result<Selector, String> {
    selector.map(parse_selector).transpose()
}

/// Whether a parsed selector matches the labels `get` returns.
pub fn selector_matches<'a>(selector: &Selector, get: impl Fn(&str) -> Option<&'a str>) -> bool {
    let all = |reqs: &Vec<Requirement>| reqs.iter().all(|r| r.matches(get(&r.key)));
    selector.as_ref().is_some_and(all)
}

/// Whether requirements all hold for `labels`.
pub fn matches_labels(requirements: &[Requirement], labels: &BTreeMap<String, String>) -> bool {
    requirements
        .iter()
        .all(|r| r.matches(labels.get(&r.key).map(String::as_str)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(v: serde_json::Value) -> Result<Vec<Requirement>, String> {
        parse_selector(&serde_json::from_value(v).unwrap())
    }

    #[test]
    fn selectors_parse_and_match_as_upstream() {
        let labels: BTreeMap<String, String> = [("app".to_owned(), "web".to_owned())].into();
        let matches = |v| matches_labels(&parse(v).unwrap(), &labels);
        assert!(matches(json!({})));
        assert!(matches(json!({"matchLabels": {"app": "web"}})));
        assert!(!matches(
            json!({"matchExpressions": [{"key": "tier", "operator": "Exists"}]})
        ));
        assert!(matches(
            json!({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["x"]}]})
        ));
        assert!(
            parse(json!({"matchExpressions": [{"key": "a", "operator": "In"}]}))
                .unwrap_err()
                .contains("values set can't be empty")
        );
        assert!(
            parse(json!({"matchExpressions": [{"key": "a", "operator": "Near"}]}))
                .unwrap_err()
                .contains("is not a valid label selector operator")
        );
        assert!(!selector_matches(&None, |_| None));
    }
}
