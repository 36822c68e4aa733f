//! The JSON of a LIST from stored bytes: each item is the stored object with
//! `metadata.resourceVersion` set and `kind`/`apiVersion` left out, spliced without decoding
//! where the stored shape allows it, and a whole LIST built while it is sent when every item
//! can be spliced (as upstream 1.33+ streams JSON lists instead of building them whole).

use std::collections::BTreeMap;

use bytes::Bytes;
use serde_json::value::RawValue;

use super::list::ListedItem;
use crate::storage::Revision;

/// The JSON of a LIST.
pub enum ListJson {
    /// Built whole.
    Built(Vec<u8>),
    /// Built chunk by chunk as it is sent.
    Streamed(SplicedList),
}

/// About how much one chunk of a streamed LIST holds.
const CHUNK_BYTES: usize = 256 * 1024;

/// A LIST whose items all splice ([`splice_point`]), as an iterator of chunks of its JSON.
/// Splicing cannot fail, so nothing can go wrong once the answer has started.
pub struct SplicedList {
    head: Option<Vec<u8>>,
    items: std::vec::IntoIter<(ListedItem, usize)>,
    first: bool,
    tail: Option<Vec<u8>>,
}

/// Where each item's metadata fields start ([`splice_point`]), if every item splices (and none
/// was decoded while it was selected).
pub fn splice_points(items: &[ListedItem]) -> Option<Vec<usize>> {
    items
        .iter()
        .map(|(kv, decoded)| match decoded {
            None => splice_point(&kv.value),
            Some(_) => None,
        })
        .collect()
}

impl SplicedList {
    /// The streamed LIST of `items` between `head` and `tail`; `points` are their
    /// [`splice_points`].
    pub fn new(head: Vec<u8>, items: Vec<ListedItem>, points: Vec<usize>, tail: Vec<u8>) -> Self {
        let items: Vec<_> = items.into_iter().zip(points).collect();
        Self {
            head: Some(head),
            items: items.into_iter(),
            first: true,
            tail: Some(tail),
        }
    }
}

impl Iterator for SplicedList {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        let mut chunk = match self.head.take() {
            Some(head) => head,
            None if self.tail.is_none() => return None,
            None => Vec::with_capacity(CHUNK_BYTES + 8 * 1024),
        };
        while chunk.len() < CHUNK_BYTES {
            let Some(((kv, _), at)) = self.items.next() else {
                chunk.extend_from_slice(&self.tail.take().unwrap_or_default());
                break;
            };
            if !std::mem::take(&mut self.first) {
                chunk.push(b',');
            }
            splice(&kv.value, at, kv.mod_revision, &mut chunk);
        }
        Some(Bytes::from(chunk))
    }
}

/// Writes a stored object as a list item: its stored JSON with `metadata.resourceVersion` set
/// and `kind`/`apiVersion` left out, without decoding the values. Returns false (and writes
/// nothing) when the stored JSON is not shaped for it (escaped keys, no object).
pub(super) fn raw_list_item(stored: &[u8], revision: Revision, out: &mut Vec<u8>) -> bool {
    spliced_list_item(stored, revision, out) || reencoded_list_item(stored, revision, out)
}

/// The fast form of [`raw_list_item`] for the shape this server stores (keys in order, so
/// `apiVersion` and `kind` come before `metadata`): drops those two, puts `resourceVersion`
/// first in `metadata` and copies everything after it as it is. See [`splice_point`].
fn spliced_list_item(stored: &[u8], revision: Revision, out: &mut Vec<u8>) -> bool {
    match splice_point(stored) {
        Some(at) => {
            splice(stored, at, revision, out);
            true
        }
        None => false,
    }
}

/// Where the fields of `metadata` start in a stored object that can be spliced. Takes nothing
/// else: escaped strings, another key before `metadata`, or a `resourceVersion` anywhere in the
/// bytes (even inside a label) leave the work to the re-encoding path. The bytes after that
/// point are trusted to be the JSON this server wrote; they are not scanned again.
fn splice_point(stored: &[u8]) -> Option<usize> {
    /// The index after a string that starts at `from` (just past its opening quote) and has
    /// no escapes, and after the comma that must follow it.
    fn past_plain_string_and_comma(stored: &[u8], from: usize) -> Option<usize> {
        let end = from + memchr::memchr(b'"', stored.get(from..)?)?;
        if memchr::memchr(b'\\', &stored[from..end]).is_some() {
            return None;
        }
        (stored.get(end + 1) == Some(&b',')).then_some(end + 2)
    }
    if stored.first() != Some(&b'{')
        || stored.last() != Some(&b'}')
        || memchr::memmem::find(stored, b"\"resourceVersion\"").is_some()
    {
        return None;
    }
    let mut at = 1;
    for dropped in [&b"\"apiVersion\":\""[..], b"\"kind\":\""] {
        if stored[at..].starts_with(dropped) {
            at = past_plain_string_and_comma(stored, at + dropped.len())?;
        }
    }
    const METADATA: &[u8] = b"\"metadata\":{";
    stored[at..]
        .starts_with(METADATA)
        .then_some(at + METADATA.len())
}

/// Writes the list item of `stored`, whose metadata fields start at `at` ([`splice_point`]).
fn splice(stored: &[u8], at: usize, revision: Revision, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"metadata\":{\"resourceVersion\":\"");
    out.extend_from_slice(revision.to_string().as_bytes());
    out.push(b'"');
    if stored.get(at) != Some(&b'}') {
        out.push(b',');
    }
    out.extend_from_slice(&stored[at..]);
}

/// [`raw_list_item`] for any stored object: its top level and metadata re-encoded around the
/// untouched values.
fn reencoded_list_item(stored: &[u8], revision: Revision, out: &mut Vec<u8>) -> bool {
    let Ok(mut top) = serde_json::from_slice::<BTreeMap<&str, &RawValue>>(stored) else {
        return false;
    };
    top.remove("kind");
    top.remove("apiVersion");
    let mut metadata: BTreeMap<&str, &RawValue> = match top.get("metadata") {
        Some(raw) => match serde_json::from_str(raw.get()) {
            Ok(metadata) => metadata,
            Err(_) => return false,
        },
        None => BTreeMap::new(),
    };
    let Ok(version) = serde_json::value::to_raw_value(&revision.to_string()) else {
        return false;
    };
    metadata.insert("resourceVersion", &version);
    let Ok(metadata) = serde_json::value::to_raw_value(&metadata) else {
        return false;
    };
    top.insert("metadata", &metadata);
    serde_json::to_writer(out, &top).is_ok()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::storage::KeyValue;

    #[test]
    fn stored_objects_become_list_items_without_decoding() {
        let stored = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "a", "labels": {"x": "y"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}, "status": {}});
        let mut out = Vec::new();
        assert!(raw_list_item(
            &serde_json::to_vec(&stored).unwrap(),
            42,
            &mut out
        ));
        let item: Value = serde_json::from_slice(&out).unwrap();
        let mut expected = stored.clone();
        expected["metadata"]["resourceVersion"] = json!("42");
        let fields = expected.as_object_mut().unwrap();
        fields.remove("kind");
        fields.remove("apiVersion");
        assert_eq!(item, expected);

        // Not an object, or escaped keys: the caller decodes instead; nothing is written.
        let mut out = Vec::new();
        assert!(!raw_list_item(b"[1]", 1, &mut out));
        assert!(!raw_list_item(br#"{"a\u0062": 1}"#, 1, &mut out));
        assert!(out.is_empty());
    }

    #[test]
    fn the_spliced_item_equals_the_reencoded_one_or_is_not_taken() {
        let spliced = |stored: &Value| {
            let mut out = Vec::new();
            let taken = spliced_list_item(&serde_json::to_vec(stored).unwrap(), 7, &mut out);
            taken.then(|| serde_json::from_slice::<Value>(&out).unwrap())
        };
        let reencoded = |stored: &Value| {
            let mut out = Vec::new();
            assert!(reencoded_list_item(
                &serde_json::to_vec(stored).unwrap(),
                7,
                &mut out
            ));
            serde_json::from_slice::<Value>(&out).unwrap()
        };
        for taken in [
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}}),
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {}}),
            json!({"metadata": {"name": "no-type", "labels": {"a": "b"}}}),
        ] {
            assert_eq!(spliced(&taken), Some(reencoded(&taken)), "{taken}");
        }
        for left in [
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"resourceVersion": "x"}}}),
            json!({"apiVersion": "v1", "data": {"a": "b"}, "kind": "ConfigMap", "metadata": {}}),
            json!({"apiVersion": "v1", "kind": "Po\"d", "metadata": {}}),
            json!({"apiVersion": "v1", "kind": "Pod"}),
        ] {
            assert_eq!(spliced(&left), None, "{left}");
        }
    }

    #[test]
    fn a_streamed_list_is_the_built_one_in_chunks() {
        let item = |i: usize| {
            let pod = json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": format!("p{i}"), "annotations": {"a": "x".repeat(3000)}}});
            let kv = KeyValue {
                key: format!("/registry/pods/a/p{i}"),
                value: serde_json::to_vec(&pod).unwrap().into(),
                create_revision: i as i64 + 1,
                mod_revision: i as i64 + 1,
                version: 1,
                lease: 0,
            };
            (kv, None)
        };
        for count in [0, 1, 200] {
            let items: Vec<ListedItem> = (0..count).map(item).collect();
            let head = b"{\"items\":[".to_vec();
            let tail = b"],\"kind\":\"PodList\"}".to_vec();
            let mut built = head.clone();
            for (i, (kv, _)) in items.iter().enumerate() {
                if i > 0 {
                    built.push(b',');
                }
                assert!(raw_list_item(&kv.value, kv.mod_revision, &mut built));
            }
            built.extend_from_slice(&tail);
            let points = splice_points(&items).expect("every item splices");
            let chunks: Vec<Bytes> = SplicedList::new(head, items, points, tail).collect();
            assert!(count < 200 || chunks.len() > 1, "{} chunks", chunks.len());
            assert_eq!(chunks.concat(), built);
            let list: Value = serde_json::from_slice(&built).unwrap();
            assert_eq!(list["items"].as_array().map(Vec::len), Some(count));
        }
        // One item that does not splice: no splice points, the LIST is built whole.
        let odd = (
            KeyValue {
                value: b"{\"data\":{},\"metadata\":{}}".to_vec().into(),
                ..item(9).0
            },
            None,
        );
        assert_eq!(splice_points(&[item(1), odd]), None);
    }
}
