//! Server-side `meta.k8s.io` Table output (`kubectl get`).
//!
//! `kubectl get` asks for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io,...`
//! and prints whatever columns the server returns. This module turns stored
//! objects (`serde_json::Value`) of the built-in resources into a Table with
//! exactly upstream's columns and cells, porting the semantics of
//! `pkg/printers/internalversion/printers.go` (`AddHandlers` and the `print*`
//! functions). Resources without a printer (Role, ClusterRole, LimitRange, any
//! unknown kind) get upstream's default table from
//! `apiserver/pkg/registry/rest/table.go`: `Name` and `Created At`.
//!
//! As in upstream's `TableConvertor`, the server always generates the wide
//! form: every column (priority 0 and 1) is defined and every row carries a
//! cell for each. kubectl hides the priority-1 columns unless `-o wide`.
//!
//! Entry points:
//! * [`negotiate`] / [`wants_table`] parse the `Accept` header;
//! * [`include_object`] parses the `includeObject` query parameter;
//! * [`table_for`] / [`table_for_with`] build the Table; [`write_table`] writes its JSON one
//!   object at a time, for LISTs.
//!
//! The caller fills `metadata` (`resourceVersion`, `continue`,
//! `remainingItemCount`) from the list it converted, as upstream's
//! `GenerateTable` copies them from the list's `ListMeta`.

mod accept;
mod apps;
mod batch;
mod corev1;
mod custom;
mod desc;
mod events;
mod jsonpath;
mod misc;
mod networking;
mod pod;
mod util;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_more;

use serde_json::{Map, Value, json};

pub use accept::{TableNegotiation, negotiate, wants_table};
pub use custom::{CustomColumn, custom_columns};
pub use util::{format_rfc3339_utc, human_duration, parse_rfc3339};

/// The `includeObject` query parameter (`metav1.IncludeObjectPolicy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IncludeObject {
    /// `None`: `row.object` is `null`.
    None,
    /// `Metadata` (and the empty default): `row.object` is a `PartialObjectMetadata`.
    #[default]
    Metadata,
    /// `Object`: `row.object` is the full object.
    Object,
}

/// An `includeObject` value upstream does not recognise (answered with 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognized includeObject value: {0:?}")]
pub struct UnknownIncludeObject(pub String);

/// Parses the `includeObject` query parameter; the empty string means `Metadata`.
pub fn include_object(policy: &str) -> Result<IncludeObject, UnknownIncludeObject> {
    match policy {
        "" | "Metadata" => Ok(IncludeObject::Metadata),
        "None" => Ok(IncludeObject::None),
        "Object" => Ok(IncludeObject::Object),
        other => Err(UnknownIncludeObject(other.to_string())),
    }
}

/// The `meta.k8s.io` version the Table (and its PartialObjectMetadata) is served in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TableVersion {
    /// `meta.k8s.io/v1`.
    #[default]
    V1,
    /// `meta.k8s.io/v1beta1`.
    V1Beta1,
}

impl TableVersion {
    /// The `apiVersion` string, e.g. `meta.k8s.io/v1`.
    pub fn api_version(self) -> &'static str {
        match self {
            TableVersion::V1 => "meta.k8s.io/v1",
            TableVersion::V1Beta1 => "meta.k8s.io/v1beta1",
        }
    }
}

/// Options for [`table_for_with`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TableOptions {
    /// "Now" in nanoseconds since the Unix epoch (ages are computed against it).
    pub now_unix_nanos: i128,
    /// What each row's `object` holds.
    pub include: IncludeObject,
    /// Which `meta.k8s.io` version to answer in.
    pub version: TableVersion,
    /// Omit `columnDefinitions` (`TableOptions.NoHeaders`, internal callers only).
    pub no_headers: bool,
    /// The columns of a custom resource (from [`custom_columns`]), in place of the kind's.
    pub custom: Option<&'static [CustomColumn]>,
}

/// A column definition (`metav1.TableColumnDefinition`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Col {
    pub(crate) name: &'static str,
    pub(crate) ty: &'static str,
    pub(crate) format: &'static str,
    pub(crate) desc: &'static str,
    pub(crate) priority: i32,
}

/// A standard column.
pub(crate) const fn col(name: &'static str, ty: &'static str, desc: &'static str) -> Col {
    Col {
        name,
        ty,
        format: "",
        desc,
        priority: 0,
    }
}

/// A `-o wide` column (priority 1).
pub(crate) const fn wide(name: &'static str, ty: &'static str, desc: &'static str) -> Col {
    Col {
        name,
        ty,
        format: "",
        desc,
        priority: 1,
    }
}

/// The `Name` column every printer starts with.
pub(crate) const NAME_COL: Col = Col {
    name: "Name",
    ty: "string",
    format: "name",
    desc: desc::NAME,
    priority: 0,
};

/// The `Age` column.
pub(crate) const AGE_COL: Col = col("Age", "string", desc::CREATION_TIMESTAMP);

/// One table row before the object is attached.
#[derive(Debug, Default)]
pub(crate) struct Row {
    pub(crate) cells: Vec<Value>,
    pub(crate) conditions: Option<Value>,
}

impl Row {
    pub(crate) fn new(cells: Vec<Value>) -> Row {
        Row {
            cells,
            conditions: None,
        }
    }
}

/// A printer: object + clock → row.
pub(crate) type PrintFn = fn(&Value, &util::Ctx) -> Row;

/// Columns and printer for one resource.
pub(crate) struct Printer {
    pub(crate) columns: &'static [Col],
    pub(crate) print: PrintFn,
}

/// Finds the printer for a kind in an API group ("" or "core" for the core group).
fn printer_for(kind: &str, group: &str) -> Option<Printer> {
    let group = if group == "core" { "" } else { group };
    match group {
        "" => corev1::printer(kind).or_else(|| pod::printer(kind)),
        "apps" => apps::printer(kind),
        "batch" => batch::printer(kind),
        "events.k8s.io" if kind == "Event" => Some(events::events_v1_printer()),
        "networking.k8s.io" | "discovery.k8s.io" => networking::printer(kind, group),
        _ => misc::printer(kind, group),
    }
}

/// Whether upstream has a dedicated printer for this kind (otherwise the
/// default `Name` / `Created At` table is used).
pub fn has_printer(kind: &str, group: &str) -> bool {
    printer_for(kind, group).is_some()
}

/// Builds a `meta.k8s.io/v1` Table for `objects` of `kind` in `group`.
/// `now_unix_seconds` is the clock ages are computed against.
pub fn table_for(
    kind: &str,
    group: &str,
    objects: &[Value],
    now_unix_seconds: i64,
    include: IncludeObject,
) -> Value {
    let opts = TableOptions {
        now_unix_nanos: i128::from(now_unix_seconds) * 1_000_000_000,
        include,
        ..TableOptions::default()
    };
    table_for_with(kind, group, objects, &opts)
}

/// Builds a Table with full control over version, clock and headers.
pub fn table_for_with(kind: &str, group: &str, objects: &[Value], opts: &TableOptions) -> Value {
    let rows = TableRows::new(kind, group, opts);
    let rows_json: Vec<Value> = objects.iter().map(|obj| rows.row(obj)).collect();
    let mut table = Map::new();
    table.insert("kind".into(), json!("Table"));
    table.insert("apiVersion".into(), json!(opts.version.api_version()));
    table.insert("metadata".into(), json!({}));
    if !opts.no_headers {
        table.insert(
            "columnDefinitions".into(),
            column_definitions(&rows.columns),
        );
    }
    table.insert("rows".into(), Value::Array(rows_json));
    Value::Object(table)
}

/// The JSON of the Table [`table_for_with`] builds, with `metadata` as its metadata, for the
/// objects `decode` makes of `items`. Each object is decoded, printed, written and dropped
/// before the next, so a LIST of many objects never holds them all decoded; large LISTs are
/// split over the machine's cores.
pub fn write_table<T: Send, E: Send>(
    kind: &str,
    group: &str,
    opts: &TableOptions,
    metadata: &Value,
    items: Vec<T>,
    decode: impl Fn(T) -> Result<Value, E> + Sync,
) -> Result<Vec<u8>, E> {
    let rows = TableRows::new(kind, group, opts);
    // The keys in the order serde_json writes the map `table_for_with` builds.
    let mut head = Map::new();
    head.insert("apiVersion".into(), json!(opts.version.api_version()));
    if !opts.no_headers {
        head.insert(
            "columnDefinitions".into(),
            column_definitions(&rows.columns),
        );
    }
    head.insert("kind".into(), json!("Table"));
    head.insert("metadata".into(), metadata.clone());
    let mut out = serde_json::to_vec(&head).unwrap_or_default();
    out.pop(); // the closing brace: the rows follow
    out.extend_from_slice(br#","rows":["#);
    let write_rows = |items: Vec<T>| -> Result<Vec<u8>, E> {
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let row = rows.row(&decode(item)?);
            // Writing a `Value` to a `Vec` cannot fail: its keys are strings.
            let _ = serde_json::to_writer(&mut out, &row);
        }
        Ok(out)
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads == 1 || items.len() < PARALLEL_ROWS {
        out.extend(write_rows(items)?);
    } else {
        let per_thread = items.len().div_ceil(threads);
        let mut chunks = Vec::with_capacity(threads);
        let mut items = items.into_iter();
        loop {
            let chunk: Vec<T> = items.by_ref().take(per_thread).collect();
            if chunk.is_empty() {
                break;
            }
            chunks.push(chunk);
        }
        let written: Vec<Result<Vec<u8>, E>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| scope.spawn(|| write_rows(chunk)))
                .collect();
            // A row printer that panicked is a bug; it ends the request like one.
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        for (i, part) in written.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend(part?);
        }
    }
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// Tables of at least this many rows are written by several threads.
const PARALLEL_ROWS: usize = 256;

/// How the rows of one Table are made: the kind's printer (or the default columns), the clock
/// and the `includeObject` policy.
struct TableRows<'a> {
    columns: Vec<Col>,
    print: Option<Printer>,
    custom: Option<&'static [CustomColumn]>,
    ctx: util::Ctx,
    opts: &'a TableOptions,
}

impl<'a> TableRows<'a> {
    fn new(kind: &str, group: &str, opts: &'a TableOptions) -> Self {
        let print = printer_for(kind, group).filter(|_| opts.custom.is_none());
        let columns = match opts.custom {
            Some(custom) => custom.iter().map(|c| c.col).collect(),
            None => print
                .as_ref()
                .map_or(DEFAULT_COLUMNS, |p| p.columns)
                .to_vec(),
        };
        TableRows {
            columns,
            print,
            custom: opts.custom,
            ctx: util::Ctx {
                now_nanos: opts.now_unix_nanos,
            },
            opts,
        }
    }

    /// One row: `cells`, `conditions` when the printer gives them, and `object`.
    fn row(&self, obj: &Value) -> Value {
        let row = match (&self.print, self.custom) {
            (_, Some(custom)) => custom::row(custom, obj, &self.ctx),
            (Some(p), None) => (p.print)(obj, &self.ctx),
            (None, None) => default_row(obj),
        };
        let mut m = Map::new();
        m.insert("cells".into(), Value::Array(row.cells));
        if let Some(c) = row.conditions {
            m.insert("conditions".into(), c);
        }
        m.insert("object".into(), row_object(obj, self.opts));
        Value::Object(m)
    }
}

/// The JSON column definitions (all five fields are always serialised).
pub(crate) fn column_definitions(columns: &[Col]) -> Value {
    Value::Array(
        columns
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "type": c.ty,
                    "format": c.format,
                    "description": c.desc,
                    "priority": c.priority,
                })
            })
            .collect(),
    )
}

/// `row.object` per the `includeObject` policy (handlers/response.go `asTable`).
fn row_object(obj: &Value, opts: &TableOptions) -> Value {
    match opts.include {
        IncludeObject::None => Value::Null,
        IncludeObject::Object => obj.clone(),
        IncludeObject::Metadata => {
            // Built by hand: `json!` would copy the metadata once more through the serializer.
            let mut partial = Map::new();
            partial.insert("kind".into(), Value::from("PartialObjectMetadata"));
            partial.insert("apiVersion".into(), Value::from(opts.version.api_version()));
            let metadata = obj.get("metadata").cloned();
            partial.insert(
                "metadata".into(),
                metadata.unwrap_or_else(|| Value::Object(Map::new())),
            );
            Value::Object(partial)
        }
    }
}

/// Columns of the default table convertor.
const DEFAULT_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Created At", "date", desc::CREATION_TIMESTAMP),
];

/// Row of the default table convertor: name and creation time in UTC RFC 3339
/// (Go's zero time prints as `0001-01-01T00:00:00Z`).
fn default_row(obj: &Value) -> Row {
    let created = util::get(obj, &["metadata", "creationTimestamp"])
        .and_then(Value::as_str)
        .and_then(parse_rfc3339)
        .map_or(-62_135_596_800, |n| n.div_euclid(1_000_000_000) as i64);
    Row::new(vec![
        json!(util::name(obj)),
        json!(format_rfc3339_utc(created)),
    ])
}
