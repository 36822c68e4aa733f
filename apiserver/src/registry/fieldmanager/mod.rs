//! Field management: `metadata.managedFields` and server-side apply, as upstream's
//! `k8s.io/apimachinery/pkg/util/managedfields` over sigs.k8s.io/structured-merge-diff.
//!
//! * [`update`] records who changed what on every write that is not an apply: the paths a
//!   write adds or modifies become the writer's (an `Update` entry) and leave every other
//!   manager; removed paths leave everyone.
//! * [`apply`] merges an applied configuration into the live object by the schema, removes
//!   what the applier set before and no longer sets (unless another manager owns it), and
//!   fails with conflicts where it would change another manager's fields (unless forced).
//!
//! Pure functions over `serde_json::Value`; [`schema`] says how to walk an object,
//! [`fieldpath`] holds the field sets and their `FieldsV1` form, [`typed`] the walks,
//! [`managed`] the entries.

pub mod fieldpath;
pub mod managed;
pub mod schema;
pub mod typed;

#[cfg(test)]
mod tests;

use serde_json::Value;

use fieldpath::{Path, PathElement, Set};
use managed::{Entry, Managed, Operation};
pub use schema::{ObjectSchema, OwnedType, schema_from_openapi_v3};

/// Update entries kept before the oldest are merged (upstream `DefaultMaxUpdateManagers`).
pub const MAX_UPDATE_MANAGERS: usize = 10;
/// The manager of what an object held before its first apply.
pub const BEFORE_FIRST_APPLY: &str = "before-first-apply";
/// kubectl's client-side apply annotation.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Which top-level fields a write may own (upstream's reset fields of the strategies).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everything.
    All,
    /// The main resource of a kind with a status subresource: not `status`.
    NotStatus,
    /// The status subresource: only `status`.
    OnlyStatus,
}

impl Scope {
    fn filter(self, set: &mut Set) {
        let status = PathElement::Field("status".to_string());
        match self {
            Scope::All => {}
            Scope::NotStatus => set.remove_subtree(&status),
            Scope::OnlyStatus => set.retain_subtree(&status),
        }
    }
}

/// Who writes, and through what.
#[derive(Clone, Copy, Debug)]
pub struct Writer<'a> {
    pub manager: &'a str,
    /// `""` for the main resource.
    pub subresource: &'a str,
    /// The apiVersion of the request: `apps/v1`.
    pub api_version: &'a str,
    pub scope: Scope,
    /// RFC 3339 seconds.
    pub now: &'a str,
}

/// Why an apply failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// 400, with upstream's message.
    #[error("{0}")]
    BadRequest(String),
    /// 409: the fields of other managers the apply would change.
    #[error("{}", conflict_message(.0))]
    Conflicts(Vec<Conflict>),
    /// 500.
    #[error("{0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One field another manager owns with another value.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// As upstream prints the manager: `"kubectl" using apps/v1`.
    pub manager: String,
    pub path: Path,
}

/// Upstream's conflict message (`getConflictMessage`).
pub fn conflict_message(conflicts: &[Conflict]) -> String {
    if let [one] = conflicts {
        return format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            one.manager, one.path
        );
    }
    let mut lines = Vec::new();
    let mut last: Option<&str> = None;
    for c in conflicts {
        if last != Some(c.manager.as_str()) {
            lines.push(format!("conflicts with {}:", c.manager));
            last = Some(&c.manager);
        }
        lines.push(format!("- {}", c.path));
    }
    format!(
        "Apply failed with {} conflicts: {}",
        conflicts.len(),
        lines.join("\n")
    )
}

/// `metadata.managedFields` must never own these (upstream `stripMetaManager`).
fn strip(set: &mut Set) {
    for name in ["apiVersion", "kind", "metadata"] {
        set.remove_member(&PathElement::Field(name.to_string()));
    }
    if let Some(meta) = set.child_mut(&PathElement::Field("metadata".to_string())) {
        for name in [
            "name",
            "namespace",
            "creationTimestamp",
            "selfLink",
            "uid",
            "clusterName",
            "generation",
            "managedFields",
            "resourceVersion",
        ] {
            meta.remove_member(&PathElement::Field(name.to_string()));
        }
    }
    set.prune_empty();
}

fn managed_fields_of(object: &Value) -> Option<&Value> {
    object
        .get("metadata")
        .and_then(|m| m.get("managedFields"))
        .filter(|v| !v.is_null())
}

fn set_managed_fields(object: &mut Value, managed: &Managed) {
    let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    match managed.encode() {
        Some(list) => {
            meta.insert("managedFields".into(), list);
        }
        None => {
            meta.remove("managedFields");
        }
    }
}

fn take_managed_fields(object: &mut Value) -> Option<Value> {
    object
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
        .and_then(|m| m.remove("managedFields"))
}

/// Whether a request's managedFields ask for a reset: an empty list, or one empty entry.
fn is_reset(list: &Value) -> bool {
    match list {
        Value::Array(items) => match items.as_slice() {
            [] => true,
            [only] => only.as_object().is_some_and(|m| m.is_empty()),
            _ => false,
        },
        _ => false,
    }
}

/// Records a write that is not an apply (create, update, patch) in `new`'s managedFields.
/// `live` is the stored object (`None` for a create). Managed fields a client sends are
/// kept when they decode (that is how clients edit them), an empty list resets them, and
/// otherwise the stored ones carry over; subresources always start from the stored ones.
pub fn update(live: Option<&Value>, new: &mut Value, root: schema::Node<'_>, writer: &Writer<'_>) {
    let sent = take_managed_fields(new);
    let stored = || {
        live.and_then(managed_fields_of)
            .and_then(|m| Managed::decode(m).ok())
            .unwrap_or_default()
    };
    let mut managed = match &sent {
        _ if !writer.subresource.is_empty() => stored(),
        Some(list) if is_reset(list) => Managed::default(),
        Some(list) => match Managed::decode(list) {
            Ok(m) if !m.is_empty() => m,
            _ => stored(),
        },
        None => stored(),
    };
    // An existing object without managed fields is not tracked until its first apply.
    if managed.is_empty() && live.is_some() {
        return;
    }
    record_update(live, new, root, writer, &mut managed);
    managed.cap_updaters(MAX_UPDATE_MANAGERS);
    set_managed_fields(new, &managed);
}

/// The update step: `new`'s changes against `live` go to `writer.manager`.
fn record_update(
    live: Option<&Value>,
    new: &Value,
    root: schema::Node<'_>,
    writer: &Writer<'_>,
    managed: &mut Managed,
) {
    let mut cmp = typed::compare(live, new, root);
    writer.scope.filter(&mut cmp.added);
    writer.scope.filter(&mut cmp.modified);
    writer.scope.filter(&mut cmp.removed);
    // A create only adds: its added paths are the whole change, without a copy.
    let changed = if cmp.modified.is_empty() {
        std::mem::take(&mut cmp.added)
    } else {
        cmp.changed()
    };
    for entry in &mut managed.entries {
        entry.set = entry.set.difference(&changed).difference(&cmp.removed);
    }
    let mut taken = changed;
    strip(&mut taken);
    let at = managed.find(
        writer.manager,
        Operation::Update,
        writer.subresource,
        writer.api_version,
    );
    if !taken.is_empty() {
        match at {
            Some(at) => {
                let e = &mut managed.entries[at];
                e.set = e.set.union(&taken);
                e.time = Some(writer.now.to_string());
            }
            None => managed.entries.push(Entry {
                manager: writer.manager.to_string(),
                operation: Operation::Update,
                subresource: writer.subresource.to_string(),
                api_version: writer.api_version.to_string(),
                time: Some(writer.now.to_string()),
                set: taken,
            }),
        }
    }
    for entry in &mut managed.entries {
        strip(&mut entry.set);
    }
    managed.drop_empty();
}

/// The `group/version, Kind=kind` upstream prints for an object's type.
fn gvk_string(api_version: &str, kind: &str) -> String {
    match api_version.split_once('/') {
        Some((group, version)) => format!("{group}/{version}, Kind={kind}"),
        None => format!("/{api_version}, Kind={kind}"),
    }
}

/// Server-side apply of `config` by `writer.manager` onto `live` (`None`: the object does
/// not exist yet). Returns the new object with its managedFields. `kind` is the expected
/// kind; `writer.api_version` the expected apiVersion.
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    kind: &str,
    root: schema::Node<'_>,
    writer: &Writer<'_>,
    force: bool,
) -> Result<Value> {
    let text = |v: &Value, name: &str| v.get(name).and_then(Value::as_str).unwrap_or("").to_owned();
    let (applied_version, applied_kind) = (text(config, "apiVersion"), text(config, "kind"));
    if applied_version != writer.api_version || applied_kind != kind {
        return Err(Error::BadRequest(format!(
            "invalid object type: {}",
            gvk_string(&applied_version, &applied_kind)
        )));
    }
    if managed_fields_of(config).is_some() {
        return Err(Error::BadRequest(
            "metadata.managedFields must be nil".to_string(),
        ));
    }
    let managed = match live.and_then(managed_fields_of) {
        Some(list) => Managed::decode(list)
            .map_err(|e| Error::Internal(format!("failed to decode managed fields: {e}")))?,
        None => Managed::default(),
    };
    let mut result = match apply_once(live, config, root, writer, managed.clone(), force) {
        Err(Error::Conflicts(conflicts)) if writer.manager == "kubectl" => {
            // A conflict only with fields kubectl's client-side apply recorded, at the
            // values it recorded, is the move from client-side to server-side apply.
            let allowed = live.and_then(|live| allowed_by_last_applied(live, root, writer));
            match allowed {
                Some(allowed) => {
                    let remaining: Vec<Conflict> = conflicts
                        .into_iter()
                        .filter(|c| !allowed.has(&c.path.0))
                        .collect();
                    if !remaining.is_empty() {
                        return Err(Error::Conflicts(remaining));
                    }
                    apply_once(live, config, root, writer, managed, true)?
                }
                None => return Err(Error::Conflicts(conflicts)),
            }
        }
        other => other?,
    };
    if writer.manager == "kubectl" {
        update_last_applied(&mut result, config);
    }
    Ok(result)
}

/// One apply: merge, prune, and take fields (or report conflicts).
fn apply_once(
    live: Option<&Value>,
    config: &Value,
    root: schema::Node<'_>,
    writer: &Writer<'_>,
    mut managed: Managed,
    force: bool,
) -> Result<Value> {
    let empty = Value::Object(Default::default());
    let live_value = live.unwrap_or(&empty);
    let mut live_clean = live_value.clone();
    take_managed_fields(&mut live_clean);
    // What the object held before its first apply belongs to one manager.
    if managed.is_empty() && live.is_some() {
        let before = Writer {
            manager: BEFORE_FIRST_APPLY,
            ..*writer
        };
        record_update(None, &live_clean, root, &before, &mut managed);
    }
    let mut merged = typed::merge(Some(&live_clean), config, root);
    let mut set = typed::field_set(config, root);
    writer.scope.filter(&mut set);
    strip(&mut set);
    let at = managed.find(writer.manager, Operation::Apply, writer.subresource, "");
    let last = at.map(|at| managed.entries[at].set.clone());
    // Prune what this manager applied before, no longer applies, and nobody else owns.
    if let Some(last) = &last {
        let others = managed
            .entries
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != at)
            .fold(Set::new(), |acc, (_, e)| acc.union(&e.set));
        let mut gone = Set::new();
        for path in last.difference(&set).paths() {
            if !others.has_at_or_below(&path.0) && !set.has_at_or_below(&path.0) {
                gone.insert(&path.0);
            }
        }
        typed::remove_items(&mut merged, &gone, root);
    }
    let mut cmp = typed::compare(Some(&live_clean), &merged, root);
    writer.scope.filter(&mut cmp.added);
    writer.scope.filter(&mut cmp.modified);
    writer.scope.filter(&mut cmp.removed);
    let changed = cmp.changed();
    let mut conflicts = Vec::new();
    for (i, entry) in managed.entries.iter().enumerate() {
        if Some(i) == at {
            continue;
        }
        let clash = entry.set.intersection(&changed);
        if !clash.is_empty() {
            conflicts.push((entry.identity(), entry.display(), clash));
        }
    }
    if !force && !conflicts.is_empty() {
        conflicts.sort_by(|a, b| a.0.cmp(&b.0));
        return Err(Error::Conflicts(
            conflicts
                .into_iter()
                .flat_map(|(_, manager, clash)| {
                    clash.paths().into_iter().map(move |path| Conflict {
                        manager: manager.clone(),
                        path,
                    })
                })
                .collect(),
        ));
    }
    for (i, entry) in managed.entries.iter_mut().enumerate() {
        if Some(i) != at {
            entry.set = entry.set.difference(&changed).difference(&cmp.removed);
        }
    }
    let unchanged = merged == live_clean;
    let previous_time = at.and_then(|at| managed.entries[at].time.clone());
    let entry = Entry {
        manager: writer.manager.to_string(),
        operation: Operation::Apply,
        subresource: writer.subresource.to_string(),
        api_version: writer.api_version.to_string(),
        time: match (unchanged, previous_time) {
            (true, Some(t)) => Some(t),
            _ => Some(writer.now.to_string()),
        },
        set,
    };
    match at {
        Some(at) => managed.entries[at] = entry,
        None => managed.entries.push(entry),
    }
    managed.drop_empty();
    set_managed_fields(&mut merged, &managed);
    Ok(merged)
}

/// The fields kubectl's last-applied annotation on `live` still describes: those it sets
/// at the values the object has (upstream `lastAppliedManager`).
fn allowed_by_last_applied(
    live: &Value,
    root: schema::Node<'_>,
    writer: &Writer<'_>,
) -> Option<Set> {
    let annotation = live
        .get("metadata")?
        .get("annotations")?
        .get(LAST_APPLIED)?
        .as_str()
        .filter(|s| !s.is_empty())?;
    let last: Value = serde_json::from_str(annotation).ok()?;
    if last.get("apiVersion").and_then(Value::as_str) != Some(writer.api_version) {
        return None;
    }
    let set = typed::field_set(&last, root);
    let cmp = typed::compare(Some(&last), live, root);
    Some(
        set.difference(&cmp.modified)
            .difference(&cmp.added)
            .difference(&cmp.removed),
    )
}

/// Keeps kubectl's last-applied annotation in step with what kubectl applies server-side,
/// when the object has one (upstream `lastAppliedUpdater`).
fn update_last_applied(object: &mut Value, config: &Value) {
    let has = object
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    if !has {
        return;
    }
    let mut applied = config.clone();
    if let Some(annotations) = applied
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Value::as_object_mut)
    {
        annotations.remove(LAST_APPLIED);
    }
    let text = applied.to_string();
    if let Some(annotations) = object
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Value::as_object_mut)
    {
        annotations.insert(LAST_APPLIED.to_string(), Value::String(text));
    }
}

/// The manager of a write that names none: the User-Agent up to its first `/`
/// (upstream `managerOrUserAgent`).
pub fn manager_or_user_agent<'a>(field_manager: &'a str, user_agent: &'a str) -> &'a str {
    if !field_manager.is_empty() {
        return field_manager;
    }
    user_agent.split('/').next().unwrap_or_default()
}

/// Upstream's `ValidateFieldManager`: at most 128 bytes, printable characters.
pub fn validate_field_manager(manager: &str) -> Vec<crate::endpoints::status::FieldError> {
    use crate::endpoints::status::FieldError;
    let mut errors = Vec::new();
    if manager.len() > 128 {
        errors.push(FieldError::too_long("fieldManager", 128));
    }
    for (i, c) in manager.char_indices() {
        if c.is_control() || (c.is_whitespace() && c != ' ') {
            errors.push(FieldError::invalid(
                "fieldManager",
                manager,
                format!("invalid character U+{:04X} (at position {i})", u32::from(c)),
            ));
        }
    }
    errors
}
