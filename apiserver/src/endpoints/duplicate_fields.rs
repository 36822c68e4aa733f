//! Duplicate fields in a JSON body, which `serde_json` silently resolves (the last one wins, as
//! in Go). Upstream's strict decoder (`sigs.k8s.io/json`) reports each one, by its path:
//! `duplicate field "spec.replicas"`, `duplicate field "spec.containers[0].name"`; the API
//! server turns them into warnings or a strict decoding error per `fieldValidation`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The paths of the duplicated object keys in `body`, each once, in document order. A body that
/// is not valid JSON yields none (its parse error is reported elsewhere).
///
/// Keys are borrowed from the body where they have no escapes, and a path is only spelled out
/// for a duplicate, so a clean body costs one pass and few allocations.
pub fn find(body: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let walk = Walk {
        at: None,
        found: &mut found,
    };
    if walk.deserialize(&mut deserializer).is_err() {
        return Vec::new();
    }
    found
}

/// Where a value is: a key or an index under its parent's place.
struct Place<'p> {
    step: Step<'p>,
    parent: Option<&'p Place<'p>>,
}

enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// `spec.containers[0].name`.
fn spell(place: &Place<'_>) -> String {
    let mut steps = Vec::new();
    let mut next = Some(place);
    while let Some(place) = next {
        steps.push(&place.step);
        next = place.parent;
    }
    let mut path = String::new();
    for step in steps.into_iter().rev() {
        match step {
            Step::Key(key) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Step::Index(index) => {
                use fmt::Write;
                let _ = write!(path, "[{index}]");
            }
        }
    }
    path
}

struct Walk<'a, 'p> {
    at: Option<&'p Place<'p>>,
    found: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// The keys of one object seen so far; a set once there are many.
#[derive(Default)]
struct Seen<'de> {
    few: Vec<Cow<'de, str>>,
    many: HashSet<Cow<'de, str>>,
}

impl<'de> Seen<'de> {
    const FEW: usize = 16;

    /// Whether `key` is new.
    fn insert(&mut self, key: Cow<'de, str>) -> bool {
        if self.few.len() < Self::FEW {
            if self.few.contains(&key) {
                return false;
            }
            self.few.push(key);
            return true;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.iter().cloned());
        }
        self.many.insert(key)
    }
}

/// An object key, borrowed from the body when it can be.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }
}

impl<'de> Visitor<'de> for Walk<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = Seen::default();
        while let Some(key) = map.next_key_seed(Key)? {
            let place = Place {
                step: Step::Key(&key),
                parent: self.at,
            };
            if !seen.insert(key.clone()) {
                let path = spell(&place);
                if !self.found.contains(&path) {
                    self.found.push(path);
                }
            }
            map.next_value_seed(Walk {
                at: Some(&place),
                found: self.found,
            })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let place = Place {
                step: Step::Index(index),
                parent: self.at,
            };
            let walk = Walk {
                at: Some(&place),
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
    fn large_objects_and_escaped_keys() {
        let mut body = String::from("{");
        for i in 0..100 {
            body.push_str(&format!("\"k{i}\": {i}, "));
        }
        body.push_str(r#""k7": 0, "\u0061": 1, "a": 2}"#);
        assert_eq!(find(body.as_bytes()), ["k7", "a"]);
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
