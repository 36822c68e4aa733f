//! `metadata.managedFields` decoded: one [`Entry`] per manager identity (name, operation,
//! subresource, and for updates the apiVersion), as upstream's `managedfields` package keys
//! them, with the encoding back in upstream's order.

use serde_json::{Map, Value};

use super::fieldpath::Set;

/// The operation an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operation {
    Apply,
    Update,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Apply => "Apply",
            Operation::Update => "Update",
        }
    }
}

/// One manager's fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub manager: String,
    pub operation: Operation,
    pub subresource: String,
    pub api_version: String,
    /// RFC 3339, seconds.
    pub time: Option<String>,
    pub set: Set,
}

impl Entry {
    /// Whether `self` has the identity of (manager, operation, subresource, apiVersion): the
    /// apiVersion only counts for updates (appliers keep one entry across versions).
    pub fn is(
        &self,
        manager: &str,
        operation: Operation,
        subresource: &str,
        api_version: &str,
    ) -> bool {
        self.manager == manager
            && self.operation == operation
            && self.subresource == subresource
            && (operation == Operation::Apply || self.api_version == api_version)
    }

    /// How upstream names this manager in conflict messages (`printManager`).
    pub fn display(&self) -> String {
        let mut out = crate::endpoints::status::go_quote(&self.manager);
        if !self.subresource.is_empty() {
            out.push_str(" with subresource ");
            out.push_str(&crate::endpoints::status::go_quote(&self.subresource));
        }
        if self.operation == Operation::Update {
            out.push_str(" using ");
            out.push_str(&self.api_version);
        }
        out
    }

    /// The identity upstream sorts conflicts by (its JSON manager identifier).
    pub fn identity(&self) -> (String, Operation, String, String) {
        let version = match self.operation {
            Operation::Apply => String::new(),
            Operation::Update => self.api_version.clone(),
        };
        (
            self.manager.clone(),
            self.operation,
            version,
            self.subresource.clone(),
        )
    }
}

/// All entries of an object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Managed {
    pub entries: Vec<Entry>,
}

impl Managed {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn find(
        &self,
        manager: &str,
        operation: Operation,
        subresource: &str,
        api_version: &str,
    ) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.is(manager, operation, subresource, api_version))
    }

    /// Drops entries whose set became empty.
    pub fn drop_empty(&mut self) {
        self.entries.retain(|e| !e.set.is_empty());
    }

    /// Decodes `metadata.managedFields` (upstream `DecodeManagedFields`), with its errors.
    pub fn decode(list: &Value) -> Result<Managed, String> {
        let Value::Array(items) = list else {
            return Err("managedFields must be a list".to_string());
        };
        let mut managed = Managed::default();
        for (i, item) in items.iter().enumerate() {
            let text = |name: &str| {
                item.get(name)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let operation = match text("operation").as_str() {
                "Apply" => Operation::Apply,
                "Update" => Operation::Update,
                _ => return Err("operation must be `Apply` or `Update`".to_string()),
            };
            let api_version = text("apiVersion");
            if api_version.is_empty() {
                return Err("apiVersion must not be empty".to_string());
            }
            match text("fieldsType").as_str() {
                "FieldsV1" => {}
                "" => return Err(format!("missing fieldsType in managed fields entry {i}")),
                other => {
                    return Err(format!(
                        "invalid fieldsType \"{other}\" in managed fields entry {i}"
                    ));
                }
            }
            let set = match item.get("fieldsV1") {
                None | Some(Value::Null) => Set::new(),
                Some(fields) => Set::from_value(fields)
                    .map_err(|e| format!("error decoding versioned set: {e}"))?,
            };
            let entry = Entry {
                manager: text("manager"),
                operation,
                subresource: text("subresource"),
                api_version,
                time: item.get("time").and_then(Value::as_str).map(str::to_owned),
                set,
            };
            // A repeated identity replaces the earlier one, as in upstream's map.
            match managed.find(
                &entry.manager,
                operation,
                &entry.subresource,
                &entry.api_version,
            ) {
                Some(at) => managed.entries[at] = entry,
                None => managed.entries.push(entry),
            }
        }
        Ok(managed)
    }

    /// Encodes the entries, sorted as upstream: Apply before Update, then by time, manager,
    /// apiVersion and subresource. `None` when there is none (the field is left out).
    pub fn encode(&self) -> Option<Value> {
        if self.entries.is_empty() {
            return None;
        }
        let mut sorted: Vec<&Entry> = self.entries.iter().collect();
        sorted.sort_by(|p, q| {
            p.operation
                .cmp(&q.operation)
                .then_with(|| seconds(p.time.as_deref()).cmp(&seconds(q.time.as_deref())))
                .then_with(|| p.manager.cmp(&q.manager))
                .then_with(|| p.api_version.cmp(&q.api_version))
                .then_with(|| p.subresource.cmp(&q.subresource))
        });
        Some(Value::Array(
            sorted
                .into_iter()
                .map(|e| {
                    let mut m = Map::new();
                    m.insert("apiVersion".into(), Value::String(e.api_version.clone()));
                    m.insert("fieldsType".into(), Value::String("FieldsV1".into()));
                    m.insert("fieldsV1".into(), e.set.to_value());
                    m.insert("manager".into(), Value::String(e.manager.clone()));
                    m.insert(
                        "operation".into(),
                        Value::String(e.operation.as_str().into()),
                    );
                    if !e.subresource.is_empty() {
                        m.insert("subresource".into(), Value::String(e.subresource.clone()));
                    }
                    if let Some(time) = &e.time {
                        m.insert("time".into(), Value::String(time.clone()));
                    }
                    Value::Object(m)
                })
                .collect(),
        ))
    }

    /// Merges the oldest update entries into `ancient-changes` buckets (one per apiVersion)
    /// until at most `max` update entries remain (upstream `capManagersManager`).
    pub fn cap_updaters(&mut self, max: usize) {
        let mut updaters: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.entries[i].operation == Operation::Update)
            .collect();
        if updaters.len() <= max {
            return;
        }
        updaters.sort_by(|&i, &j| {
            let (p, q) = (&self.entries[i], &self.entries[j]);
            seconds(p.time.as_deref())
                .cmp(&seconds(q.time.as_deref()))
                .then_with(|| p.identity().cmp(&q.identity()))
        });
        let mut length = updaters.len();
        let mut first_of_version: Vec<(String, usize)> = Vec::new();
        let mut removed = vec![false; self.entries.len()];
        for &i in &updaters {
            if length <= max {
                break;
            }
            let version = self.entries[i].api_version.clone();
            match first_of_version.iter().find(|(v, _)| *v == version) {
                Some(&(_, first)) => {
                    let bucket = match self.find(ANCIENT_CHANGES, Operation::Update, "", &version) {
                        Some(b) if !removed[b] => b,
                        _ => {
                            // The first entry of this version becomes the bucket.
                            let e = &mut self.entries[first];
                            e.manager = ANCIENT_CHANGES.to_string();
                            e.subresource.clear();
                            first
                        }
                    };
                    let set = self.entries[i].set.union(&self.entries[bucket].set);
                    let time = self.entries[i].time.clone();
                    self.entries[bucket].set = set;
                    self.entries[bucket].time = time;
                    removed[i] = true;
                    length -= 1;
                }
                None => first_of_version.push((version, i)),
            }
        }
        let mut at = 0;
        self.entries.retain(|_| {
            let keep = !removed[at];
            at += 1;
            keep
        });
    }
}

/// The manager old update entries are merged into.
pub const ANCIENT_CHANGES: &str = "ancient-changes";

/// The seconds of an RFC 3339 time, for ordering (0 when missing or unreadable).
fn seconds(time: Option<&str>) -> i64 {
    time.and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| t.as_second())
        .unwrap_or(0)
}
