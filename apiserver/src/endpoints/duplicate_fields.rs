//! Duplicate fields in a JSON body, which `serde_json` silently resolves (the last one wins, as
//! in Go). Upstream's strict decoder (`sigs.k8s.io/json`) reports each one, by its path:
//! `duplicate field "spec.replicas"`, `duplicate field "spec.containers[0].name"`; the API
//! server turns them into warnings or a strict decoding error per `fieldValidation`.

use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The paths of the duplicated object keys in `body`, each once, in document order. A body that
/// is not valid JSON yields none (its parse error is reported elsewhere).
pub fn find(body: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let walk = Walk {
        path: String::new(),
        found: &mut found,
    };
    if walk.deserialize(&mut deserializer).is_err() {
        return Vec::new();
    }
    found
}

struct Walk<'a> {
    path: String,
    found: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            if !seen.insert(key) && !self.found.contains(&path) {
                self.found.push(path.clone());
            }
            map.next_value_seed(Walk {
                path,
                found: self.found,
            })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let walk = Walk {
                path: format!("{}[{index}]", self.path),
                found: self.found,
            };
            if seq.next_element_seed(walk)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn reports_each_duplicate_by_its_path() {
        let body = br#"{"a": 1, "a": 2, "a": 3, "spec": {"replicas": 1, "paused": true, "replicas": 2,
            "containers": [{"name": "x", "name": "y"}, {"name": "z"}]}, "b": [1, {"c": 1, "c": 1}]}"#;
        assert_eq!(
            find(body),
            ["a", "spec.replicas", "spec.containers[0].name", "b[1].c"]
        );
    }

    #[test]
    fn clean_and_invalid_bodies_report_nothing() {
        assert!(find(br#"{"a": {"a": {"a": 1}}, "b": [{"a": 1}, {"a": 2}]}"#).is_empty());
        assert!(find(b"{\"a\": 1, \"a\"").is_empty());
        assert!(find(b"not json").is_empty());
        let deep = "[".repeat(10_000);
        assert!(find(deep.as_bytes()).is_empty());
    }
}
