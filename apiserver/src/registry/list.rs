//! LIST for the generic store: selectors, `limit`/`continue` paging at one revision, and the
//! `resourceVersion`/`resourceVersionMatch` semantics of upstream
//! (`k8s.io/apiserver/pkg/storage/etcd3/store.go` GetList, and the API concepts docs).

use base64::Engine;
use serde_json::{Map, Value, json};

use super::conversion;
use super::list_json::{ListJson, SplicedList, raw_list_item, splice_points};
use super::object::{ObjectMeta, parse_resource_version};
use super::selector::{FieldSelector, LabelSelector};
use super::store::Store;
use crate::endpoints::status::ApiError;
use crate::storage::{self, KeyValue, RangeRequest, Revision};

/// Query parameters of a LIST (and the selector part of a WATCH).
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    pub label_selector: String,
    pub field_selector: String,
    pub limit: usize,
    pub continue_token: String,
    pub resource_version: String,
    pub resource_version_match: String,
}

/// Label and field selectors, parsed once, matched against objects.
pub struct Filter {
    labels: LabelSelector,
    fields: FieldSelector,
    field_labels: Vec<&'static str>,
}

impl Filter {
    pub fn new(store: &Store, label: &str, field: &str) -> Result<Self, ApiError> {
        let labels =
            LabelSelector::parse(label).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let fields =
            FieldSelector::parse(field).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let mut field_labels = vec!["metadata.name", "metadata.namespace"];
        field_labels.extend_from_slice(store.strategy.field_labels());
        for field in fields.fields() {
            if !field_labels.contains(&field) {
                return Err(ApiError::bad_request(format!(
                    "field label not supported: {field}"
                )));
            }
        }
        Ok(Filter {
            labels,
            fields,
            field_labels,
        })
    }

    pub fn is_everything(&self) -> bool {
        self.labels.is_empty() && self.fields.is_empty()
    }

    pub fn matches(&self, object: &Value) -> bool {
        if !self.labels.matches_json(object.labels()) {
            return false;
        }
        self.fields.matches(&|field: &str| {
            if !self.field_labels.contains(&field) {
                return None;
            }
            let mut value = object;
            for part in field.split('.') {
                value = value.get(part)?;
            }
            Some(match value {
                Value::String(text) => text.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            })
        })
    }
}

/// The opaque `continue` token: the revision of the first page and the key to resume from,
/// relative to the listed prefix, in upstream's shape (base64 of `{"v","rv","start"}`).
pub fn encode_continue(revision: Revision, start: &str) -> String {
    let token = json!({"v": "meta.k8s.io/v1", "rv": revision, "start": start});
    base64::engine::general_purpose::URL_SAFE.encode(token.to_string())
}

pub fn decode_continue(token: &str) -> Result<(Revision, String), ApiError> {
    let invalid = || ApiError::bad_request(format!("continue key is not valid: {token}"));
    let bytes = base64::engine::general_purpose::URL_SAFE
        .decode(token)
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(token))
        .map_err(|_| invalid())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if value.get("v").and_then(Value::as_str) != Some("meta.k8s.io/v1") {
        return Err(invalid());
    }
    let revision = value
        .get("rv")
        .and_then(Value::as_i64)
        .ok_or_else(invalid)?;
    let start = value
        .get("start")
        .and_then(Value::as_str)
        .ok_or_else(invalid)?;
    if start.contains("..") || start.starts_with('/') {
        return Err(invalid());
    }
    Ok((revision, start.to_owned()))
}

/// The objects a LIST selected, at one revision, before they are rendered.
/// A selected object as stored, and decoded when selecting it needed that.
pub type ListedItem = (KeyValue, Option<Value>);

struct Listed {
    items: Vec<ListedItem>,
    metadata: Map<String, Value>,
}

impl Store {
    /// A LIST as a `<Kind>List` value.
    pub async fn list(
        &self,
        namespace: Option<&str>,
        options: &ListOptions,
    ) -> Result<Value, ApiError> {
        let (metadata, items) = self.list_items(namespace, options).await?;
        let items = items
            .into_iter()
            .map(|item| self.list_item(item))
            .collect::<Result<Vec<_>, _>>()?;
        // Built by hand: `json!` would copy every item through the serializer.
        let mut list = Map::new();
        list.insert("kind".into(), Value::from(self.info.list_kind));
        list.insert("apiVersion".into(), Value::from(self.info.api_version()));
        list.insert("metadata".into(), Value::Object(metadata));
        list.insert("items".into(), Value::Array(items));
        Ok(Value::Object(list))
    }

    /// A LIST as its metadata and its items as stored, for a caller that decodes them one by
    /// one with [`Store::list_item`] (Table answers) and so never holds them all decoded.
    pub async fn list_items(
        &self,
        namespace: Option<&str>,
        options: &ListOptions,
    ) -> Result<(Map<String, Value>, Vec<ListedItem>), ApiError> {
        let listed = self.select(namespace, options).await?;
        Ok((listed.metadata, listed.items))
    }

    /// One item of [`Store::list_items`] as a list item (no `kind` or `apiVersion`).
    pub fn list_item(&self, (kv, decoded): ListedItem) -> Result<Value, ApiError> {
        let mut item = match decoded {
            Some(item) => item,
            None => self.decode(&kv)?,
        };
        if let Some(fields) = item.as_object_mut() {
            fields.remove("kind");
            fields.remove("apiVersion");
        }
        Ok(item)
    }

    /// A LIST as the JSON of a `<Kind>List`. Objects stored in the served version go from their
    /// stored bytes to the answer without being decoded (only `metadata.resourceVersion` is
    /// added, and `kind`/`apiVersion` dropped from each item, as upstream's lists have them).
    /// When every item can be spliced that way the answer is built while it is sent
    /// ([`ListJson::Streamed`]); otherwise it is built whole first, so that an object that
    /// cannot be decoded is still answered with an error Status.
    pub async fn list_json(
        &self,
        namespace: Option<&str>,
        options: &ListOptions,
    ) -> Result<ListJson, ApiError> {
        let listed = self.select(namespace, options).await?;
        let stored_as_served = !conversion::converts(self.info);
        let metadata = listed.metadata;
        let mut head = Vec::with_capacity(64);
        head.extend_from_slice(b"{\"apiVersion\":");
        write_json(&mut head, &self.info.api_version())?;
        head.extend_from_slice(b",\"items\":[");
        let tail = list_tail(self, &metadata)?;
        let items = listed.items;
        if stored_as_served && let Some(points) = splice_points(&items) {
            let list = SplicedList::new(head, items, points, tail);
            return Ok(ListJson::Streamed(list));
        }
        let size: usize = items.iter().map(|(kv, _)| kv.value.len() + 32).sum();
        let mut out = Vec::with_capacity(size + 512);
        out.extend_from_slice(&head);
        for (i, (kv, decoded)) in items.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let raw = match &decoded {
                None if stored_as_served => raw_list_item(&kv.value, kv.mod_revision, &mut out),
                _ => false,
            };
            if !raw {
                write_json(&mut out, &self.list_item((kv, decoded))?)?;
            }
        }
        out.extend_from_slice(&tail);
        Ok(ListJson::Built(out))
    }

    /// The objects a LIST selects: selectors, paging and resourceVersion semantics.
    async fn select(
        &self,
        namespace: Option<&str>,
        options: &ListOptions,
    ) -> Result<Listed, ApiError> {
        let filter = Filter::new(self, &options.label_selector, &options.field_selector)?;
        let prefix = self.info.storage_prefix(namespace);
        let mut not_older_than = None;
        let (mut revision, mut start_key) = if options.continue_token.is_empty() {
            let (revision, freshness) = self.list_revision(options).await?;
            not_older_than = freshness;
            (revision, None)
        } else {
            if !options.resource_version.is_empty() && options.resource_version != "0" {
                return Err(ApiError::bad_request(
                    "specifying resource version is not allowed when using continue",
                ));
            }
            let (revision, start) = decode_continue(&options.continue_token)?;
            (Some(revision), Some(format!("{prefix}{start}")))
        };
        let mut items = Vec::new();
        let mut more = false;
        let mut remaining: Option<i64> = None;
        let mut last_key = String::new();
        loop {
            let page_limit = if options.limit == 0 {
                0
            } else {
                (options.limit - items.len()).max(if filter.is_everything() { 1 } else { 64 })
            };
            let page = self
                .storage
                .range(RangeRequest {
                    prefix: prefix.clone(),
                    start_key: start_key.clone(),
                    limit: page_limit,
                    revision,
                    not_older_than,
                })
                .await
                .map_err(|e| list_error(self, e, !options.continue_token.is_empty()))?;
            revision = Some(page.revision);
            let fetched = page.kvs.len() as i64;
            let page_more = page.more;
            let page_count = page.count;
            let mut consumed = 0i64;
            for kv in page.kvs {
                consumed += 1;
                last_key.clone_from(&kv.key);
                if filter.is_everything() {
                    items.push((kv, None));
                } else {
                    let object = self.decode(&kv)?;
                    if filter.matches(&object) {
                        items.push((kv, Some(object)));
                    }
                }
                if options.limit > 0 && items.len() == options.limit {
                    break;
                }
            }
            let stopped_early = options.limit > 0 && items.len() == options.limit;
            if stopped_early {
                more = page_more || consumed < fetched;
                if more && filter.is_everything() {
                    remaining = Some(page_count - consumed);
                }
                break;
            }
            if !page_more {
                break;
            }
            start_key = Some(format!("{last_key}\0"));
        }
        let revision = revision.unwrap_or(0);
        let mut metadata = Map::new();
        metadata.insert(
            "resourceVersion".into(),
            Value::String(revision.to_string()),
        );
        if more {
            let relative = last_key.strip_prefix(&prefix).unwrap_or(&last_key);
            metadata.insert(
                "continue".into(),
                Value::String(encode_continue(revision, &format!("{relative}\0"))),
            );
            if let Some(remaining) = remaining.filter(|r| *r > 0) {
                metadata.insert("remainingItemCount".into(), Value::from(remaining));
            }
        }
        Ok(Listed { items, metadata })
    }

    /// The revision a first page is read at, and how fresh a read from the watch cache must
    /// be ([`RangeRequest::not_older_than`]): unset is a consistent read of the latest; `0` is
    /// the latest or any state the watch cache has; `resourceVersionMatch=Exact` reads the given
    /// revision; `NotOlderThan` (the default with a resourceVersion) reads the latest once the
    /// store has reached the given one, or the watch cache if it has.
    async fn list_revision(
        &self,
        options: &ListOptions,
    ) -> Result<(Option<Revision>, Option<Revision>), ApiError> {
        let requested =
            parse_resource_version(&options.resource_version).map_err(ApiError::bad_request)?;
        match (options.resource_version_match.as_str(), requested) {
            ("", None) => Ok((None, None)),
            ("", Some(0)) | ("NotOlderThan", Some(0)) => Ok((None, Some(0))),
            ("Exact", Some(rev)) if rev > 0 => Ok((Some(rev), None)),
            ("NotOlderThan", Some(rev)) | ("", Some(rev)) => {
                let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
                loop {
                    let current = self
                        .storage
                        .current_revision()
                        .await
                        .map_err(|e| self.storage_error("", e))?;
                    if current >= rev {
                        return Ok((None, Some(rev)));
                    }
                    if tokio::time::Instant::now() >= deadline {
                        return Err(ApiError::too_large_resource_version(rev, current));
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
            ("Exact" | "NotOlderThan", None) => Err(ApiError::bad_request(
                "resourceVersionMatch is forbidden unless resourceVersion is provided".to_string(),
            )),
            ("Exact", Some(_)) => Err(ApiError::bad_request(
                "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
            )),
            (other, _) => Err(ApiError::bad_request(format!(
                "unknown resourceVersionMatch value: {other}"
            ))),
        }
    }
}

/// The end of a LIST's JSON after its items: `kind` and `metadata`.
fn list_tail(store: &Store, metadata: &Map<String, Value>) -> Result<Vec<u8>, ApiError> {
    let mut tail = Vec::with_capacity(256);
    tail.extend_from_slice(b"],\"kind\":");
    write_json(&mut tail, &store.info.list_kind)?;
    tail.extend_from_slice(b",\"metadata\":");
    write_json(&mut tail, metadata)?;
    tail.push(b'}');
    Ok(tail)
}

fn write_json(out: &mut Vec<u8>, value: &impl serde::Serialize) -> Result<(), ApiError> {
    serde_json::to_writer(out, value)
        .map_err(|e| ApiError::internal("cannot encode the list", e.to_string()))
}

fn list_error(store: &Store, error: storage::Error, continuing: bool) -> ApiError {
    match error {
        storage::Error::Compacted { .. } if continuing => ApiError::continue_expired(),
        storage::Error::Compacted { .. } => ApiError::list_resource_version_too_old(),
        other => store.storage_error("", other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip_and_reject_garbage() {
        let token = encode_continue(42, "default/pod-2\0");
        assert_eq!(
            decode_continue(&token).unwrap(),
            (42, "default/pod-2\0".to_owned())
        );
        assert!(decode_continue("not base64!").is_err());
        assert!(decode_continue(&encode_continue(1, "/etc/passwd")).is_err());
    }
}
