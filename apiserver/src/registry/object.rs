//! Objects as the API server handles them: JSON values with Kubernetes metadata.
//!
//! The registry works on `serde_json::Value` so that one generic store serves every resource;
//! per-type rules (defaults, validation) deserialize into `k8s-openapi` types where they need to.

use serde_json::{Map, Value};

use crate::storage::Revision;

/// Read access to `metadata` fields.
pub trait ObjectMeta {
    fn meta_str(&self, field: &str) -> Option<&str>;
    fn name(&self) -> Option<&str> {
        self.meta_str("name")
    }
    fn namespace(&self) -> Option<&str> {
        self.meta_str("namespace")
    }
    fn resource_version(&self) -> Option<&str> {
        self.meta_str("resourceVersion")
    }
    fn uid(&self) -> Option<&str> {
        self.meta_str("uid")
    }
    fn labels(&self) -> Option<&Value>;
    fn kind(&self) -> Option<&str>;
    fn api_version(&self) -> Option<&str>;
}

impl ObjectMeta for Value {
    fn meta_str(&self, field: &str) -> Option<&str> {
        self.get("metadata")?.get(field)?.as_str()
    }
    fn labels(&self) -> Option<&Value> {
        self.get("metadata")?.get("labels")
    }
    fn kind(&self) -> Option<&str> {
        self.get("kind")?.as_str()
    }
    fn api_version(&self) -> Option<&str> {
        self.get("apiVersion")?.as_str()
    }
}

/// The `metadata` object, created if missing (or replaced if it is not an object).
pub fn metadata_mut(object: &mut Value) -> &mut Map<String, Value> {
    if !object.is_object() {
        *object = Value::Object(Map::new());
    }
    let Value::Object(fields) = object else {
        unreachable!("made an object above")
    };
    let metadata = fields
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !metadata.is_object() {
        *metadata = Value::Object(Map::new());
    }
    match metadata {
        Value::Object(map) => map,
        _ => unreachable!("made an object above"),
    }
}

/// Sets `metadata.resourceVersion` from a storage revision (upstream does not store it).
pub fn set_resource_version(object: &mut Value, revision: Revision) {
    metadata_mut(object).insert(
        "resourceVersion".into(),
        Value::String(revision.to_string()),
    );
}

/// The storage revision a `resourceVersion` string names; `None` when empty.
pub fn parse_resource_version(text: &str) -> Result<Option<Revision>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<Revision>() {
        Ok(rev) if rev >= 0 => Ok(Some(rev)),
        _ => Err(format!("invalid resource version: {text:?}")),
    }
}

/// The current time as upstream formats `metav1.Time` (RFC 3339, seconds).
pub fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// A random RFC 4122 version 4 UUID, as upstream gives every object.
pub fn new_uid() -> String {
    let mut bytes: [u8; 16] = rand::random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Five random lower-case alphanumerics (without vowels and easily confused characters), as
/// upstream's `generateName` suffix.
pub fn name_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..5)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn metadata_accessors_and_resource_version() {
        let mut pod = json!({"kind": "Pod", "metadata": {"name": "a", "namespace": "ns"}});
        assert_eq!(pod.name(), Some("a"));
        assert_eq!(pod.namespace(), Some("ns"));
        set_resource_version(&mut pod, 42);
        assert_eq!(pod.resource_version(), Some("42"));
        assert_eq!(parse_resource_version("42"), Ok(Some(42)));
        assert_eq!(parse_resource_version(""), Ok(None));
        assert!(parse_resource_version("x").is_err());
        let mut odd = json!({"metadata": 3});
        metadata_mut(&mut odd).insert("name".into(), json!("b"));
        assert_eq!(odd.name(), Some("b"));
    }

    #[test]
    fn uids_and_suffixes_have_upstream_shape() {
        let uid = new_uid();
        assert_eq!(uid.len(), 36);
        assert_eq!(&uid[14..15], "4");
        let suffix = name_suffix();
        assert_eq!(suffix.len(), 5);
        assert!(suffix.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(now_rfc3339().ends_with('Z'));
    }
}
