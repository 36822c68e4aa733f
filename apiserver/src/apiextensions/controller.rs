//! The loop behind CustomResourceDefinitions, as upstream's naming, establishing and finalizer
//! controllers (`k8s.io/apiextensions-apiserver/pkg/controller/{status,establish,finalizer}`):
//!
//! - **names**: a definition's names are accepted unless another definition of its group holds
//!   them already (`NamesAccepted`, reasons `PluralConflict`, `SingularConflict`,
//!   `ShortNamesConflict`, `KindConflict`, `ListKindConflict`); names are claimed in creation
//!   order;
//! - **establishing**: accepted names make the definition `Established`, and its served
//!   versions are served from that moment (the status write follows);
//! - **stored versions**: the storage version is added to `status.storedVersions`;
//! - **cleanup**: a deleted definition (which carries the `customresourcecleanup` finalizer)
//!   has its objects deleted, then the finalizer removed, and stops being served when it is gone.
//!
//! It watches the definitions straight from storage, so it sees every change once it is
//! stored, and replaces the registry's [`CustomResources`] after each batch of changes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use serde_json::Value;

use super::CustomResources;
use super::definition::{CLEANUP_FINALIZER, Definition, Names};
use super::strategy::{condition_status, set_condition};
use crate::registry::Registry;
use crate::registry::delete::{DeleteOptions, finalizers, is_deleting};
use crate::registry::object::ObjectMeta;
use crate::registry::store::{Store, UpdateScope, WriteOptions};
use crate::storage::{EventKind, RangeRequest};
use common::shutdown::Shutdown;

const GROUP: &str = "apiextensions.k8s.io";
const PLURAL: &str = "customresourcedefinitions";

/// Runs until `shutdown`: serves what the stored definitions define.
pub async fn run(registry: Arc<Registry>, shutdown: Shutdown) {
    let mut cleanups = Cleanups::default();
    loop {
        let result = tokio::select! {
            () = shutdown.wait() => return,
            result = watch(&registry, &mut cleanups) => result,
        };
        if let Err(error) = result {
            tracing::warn!(%error, "watching CustomResourceDefinitions; retrying");
        }
        tokio::select! {
            () = shutdown.wait() => return,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

/// The cleanups running, by definition name.
#[derive(Default)]
struct Cleanups(HashMap<String, tokio::task::JoinHandle<()>>);

async fn watch(registry: &Arc<Registry>, cleanups: &mut Cleanups) -> Result<(), String> {
    let store = registry
        .get(GROUP, "v1", PLURAL)
        .ok_or("the CustomResourceDefinition store is missing")?;
    let prefix = store.info().storage_prefix(None);
    let storage = registry.storage().clone();
    let listed = storage
        .range(RangeRequest {
            prefix: prefix.clone(),
            ..RangeRequest::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    let mut definitions = BTreeMap::new();
    for kv in &listed.kvs {
        if let Ok(crd) = serde_json::from_slice::<Value>(&kv.value) {
            definitions.insert(kv.key.clone(), crd);
        }
    }
    reconcile(registry, &store, &definitions, cleanups).await;
    let mut events = storage
        .watch(&prefix, listed.revision + 1)
        .await
        .map_err(|e| e.to_string())?;
    while let Some(event) = events.next().await {
        let mut event = Some(event.map_err(|e| e.to_string())?);
        // Take every change that is ready, then act once.
        while let Some(change) = event.take() {
            match change.kind {
                EventKind::Put => {
                    if let Ok(crd) = serde_json::from_slice::<Value>(&change.kv.value) {
                        definitions.insert(change.kv.key.clone(), crd);
                    }
                }
                EventKind::Delete => {
                    definitions.remove(&change.kv.key);
                }
            }
            if let Some(Some(next)) = futures::FutureExt::now_or_never(events.next()) {
                event = Some(next.map_err(|e| e.to_string())?);
            }
        }
        reconcile(registry, &store, &definitions, cleanups).await;
    }
    Err("the watch of CustomResourceDefinitions ended".into())
}

/// Brings every definition's status up to date and serves the established ones.
async fn reconcile(
    registry: &Arc<Registry>,
    store: &Arc<Store>,
    stored: &BTreeMap<String, Value>,
    cleanups: &mut Cleanups,
) {
    // Names are claimed in creation order.
    let mut order: Vec<&Value> = stored.values().collect();
    order.sort_by(|a, b| {
        let created = |crd: &Value| {
            crd["metadata"]["creationTimestamp"]
                .as_str()
                .map(str::to_owned)
        };
        (created(a), a.name()).cmp(&(created(b), b.name()))
    });
    let mut current: Vec<Value> = order.into_iter().cloned().collect();
    for index in 0..current.len() {
        let mut crd = current[index].clone();
        let changed = update_status(&mut crd, &current, index);
        if changed {
            let name = crd.name().unwrap_or_default().to_owned();
            let status = crd["status"].clone();
            let written = store
                .update_with(
                    None,
                    &name,
                    UpdateScope::Status,
                    WriteOptions::default(),
                    |now| {
                        let mut next = now.clone();
                        next["status"] = status.clone();
                        Ok(next)
                    },
                )
                .await;
            if let Err(error) = written {
                tracing::debug!(crd = %name, %error, "status not written; the watch will bring it back");
            }
        }
        current[index] = crd;
    }
    let mut served = Vec::new();
    let mut deleting = HashSet::new();
    for crd in &current {
        let definition = Arc::new(Definition::from_json(crd));
        if is_deleting(crd) && finalizers(crd).contains(&CLEANUP_FINALIZER) {
            deleting.insert(definition.name.clone());
            if cleanups
                .0
                .get(&definition.name)
                .is_none_or(|t| t.is_finished())
            {
                let task = tokio::spawn(clean_up(
                    registry.clone(),
                    store.clone(),
                    definition.clone(),
                ));
                cleanups.0.insert(definition.name.clone(), task);
            }
        }
        if condition_status(crd, "Established") == Some("True")
            && !definition.accepted.plural.is_empty()
        {
            served.push(definition);
        }
    }
    cleanups
        .0
        .retain(|name, task| deleting.contains(name) || !task.is_finished());
    let previous = registry.custom();
    let next = CustomResources::build(
        &served,
        &previous,
        registry.storage(),
        registry.namespaces(),
    );
    registry.set_custom(next);
}

/// Updates the accepted names, the conditions and the stored versions of `crd`, the entry at
/// `index` of `all` (every definition, in creation order, as updated so far). Returns whether
/// the status changed.
fn update_status(crd: &mut Value, all: &[Value], index: usize) -> bool {
    let before = crd["status"].clone();
    let requested = Names::from_json(&crd["spec"]["names"]);
    let accepted = Names::from_json(&crd["status"]["acceptedNames"]);
    if requested != accepted || condition_status(crd, "NamesAccepted").is_none() {
        let group = crd["spec"]["group"].as_str().unwrap_or_default();
        let (names, reason, message) = accept_names(&requested, &accepted, group, all, index);
        crd["status"]["acceptedNames"] = names.to_json();
        let ok = reason == "NoConflicts";
        set_condition(
            crd,
            "NamesAccepted",
            if ok { "True" } else { "False" },
            reason,
            &message,
        );
        if condition_status(crd, "Established") != Some("True") {
            let (reason, message) = if ok {
                ("Installing", "the initial names have been accepted")
            } else {
                ("NotAccepted", "not all names are accepted")
            };
            set_condition(crd, "Established", "False", reason, message);
        }
    }
    if condition_status(crd, "NamesAccepted") == Some("True")
        && condition_status(crd, "Established") != Some("True")
        && !is_deleting(crd)
    {
        set_condition(
            crd,
            "Established",
            "True",
            "InitialNamesAccepted",
            "the initial names have been accepted",
        );
    }
    let storage = crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|v| v["storage"].as_bool() == Some(true))
        .and_then(|v| v["name"].as_str())
        .map(str::to_owned);
    if let Some(storage) = storage {
        let stored = &mut crd["status"]["storedVersions"];
        if !stored.is_array() {
            *stored = Value::Array(Vec::new());
        }
        if let Some(list) = stored.as_array_mut()
            && !list.iter().any(|v| v == storage.as_str())
        {
            list.push(storage.into());
        }
    }
    crd["status"] != before
}

/// The names `requested` may have, given what the other definitions of `group` accepted:
/// (names, condition reason, message), as upstream's naming controller decides.
fn accept_names(
    requested: &Names,
    accepted: &Names,
    group: &str,
    all: &[Value],
    index: usize,
) -> (Names, &'static str, String) {
    let mut resources = HashSet::new();
    let mut kinds = HashSet::new();
    // Our own accepted names count too, as upstream reads its own status back.
    let _ = index;
    for other in all {
        if other["spec"]["group"].as_str() != Some(group) {
            continue;
        }
        let names = Names::from_json(&other["status"]["acceptedNames"]);
        for name in [&names.plural, &names.singular]
            .into_iter()
            .chain(names.short_names.iter())
        {
            if !name.is_empty() {
                resources.insert(name.clone());
            }
        }
        for name in [&names.kind, &names.list_kind] {
            if !name.is_empty() {
                kinds.insert(name.clone());
            }
        }
    }
    let fresh = |requested: &str, accepted: &str, used: &HashSet<String>| {
        if requested == accepted || !used.contains(requested) {
            Ok(())
        } else {
            Err(format!("{requested:?} is already in use"))
        }
    };
    let mut names = accepted.clone();
    let mut outcome: (&'static str, String) = ("NoConflicts", "no conflicts found".into());
    match fresh(&requested.plural, &accepted.plural, &resources) {
        Ok(()) => names.plural = requested.plural.clone(),
        Err(e) => outcome = ("PluralConflict", e),
    }
    match fresh(&requested.singular, &accepted.singular, &resources) {
        Ok(()) => names.singular = requested.singular.clone(),
        Err(e) => outcome = ("SingularConflict", e),
    }
    if requested.short_names != accepted.short_names {
        let errors: Vec<String> = requested
            .short_names
            .iter()
            .filter(|s| !accepted.short_names.contains(s))
            .filter(|s| **s != accepted.plural && **s != accepted.singular)
            .filter_map(|s| fresh(s, "", &resources).err())
            .collect();
        match errors.len() {
            0 => names.short_names = requested.short_names.clone(),
            1 => outcome = ("ShortNamesConflict", errors[0].clone()),
            _ => outcome = ("ShortNamesConflict", format!("[{}]", errors.join(", "))),
        }
    }
    match fresh(&requested.kind, &accepted.kind, &kinds) {
        Ok(()) => names.kind = requested.kind.clone(),
        Err(e) => outcome = ("KindConflict", e),
    }
    match fresh(&requested.list_kind, &accepted.list_kind, &kinds) {
        Ok(()) => names.list_kind = requested.list_kind.clone(),
        Err(e) => outcome = ("ListKindConflict", e),
    }
    names.categories = requested.categories.clone();
    (names, outcome.0, outcome.1)
}

/// Deletes every object of a deleted definition, then lets the definition go.
async fn clean_up(registry: Arc<Registry>, crds: Arc<Store>, definition: Arc<Definition>) {
    let name = definition.name.clone();
    set_status_condition(
        &crds,
        &name,
        (
            "InstanceDeletionInProgress",
            "CustomResource deletion is in progress",
        ),
    )
    .await;
    let prefix = format!(
        "/registry/{}/{}/",
        definition.group, definition.accepted.plural
    );
    let store = definition
        .storage_version()
        .and_then(|v| registry.get(&definition.group, &v.name, &definition.accepted.plural));
    loop {
        let listed = registry
            .storage()
            .range(RangeRequest {
                prefix: prefix.clone(),
                ..RangeRequest::default()
            })
            .await;
        let kvs = match listed {
            Ok(listed) => listed.kvs,
            Err(error) => {
                tracing::warn!(crd = %name, %error, "listing custom resources to delete");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if kvs.is_empty() {
            break;
        }
        for kv in kvs {
            let object: Value = serde_json::from_slice(&kv.value).unwrap_or(Value::Null);
            let deleted = match (&store, object.name()) {
                (Some(store), Some(object_name)) => store
                    .delete(object.namespace(), object_name, &DeleteOptions::default())
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string()),
                // Objects no store serves (the definition was never established, or is
                // undecodable) go straight away.
                _ => registry
                    .storage()
                    .delete(&kv.key, None)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string()),
            };
            if let Err(error) = deleted {
                tracing::debug!(crd = %name, key = %kv.key, %error, "deleting a custom resource");
            }
        }
        // Objects with finalizers stay until their owners let them go.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    set_status_condition(
        &crds,
        &name,
        ("InstanceDeletionCompleted", "removed all instances"),
    )
    .await;
    let removed = crds
        .update_with(
            None,
            &name,
            UpdateScope::Main,
            WriteOptions::default(),
            |crd| {
                let mut crd = crd.clone();
                if let Some(list) = crd["metadata"]["finalizers"].as_array_mut() {
                    list.retain(|f| f != CLEANUP_FINALIZER);
                }
                Ok(crd)
            },
        )
        .await;
    if let Err(error) = removed
        && error.code() != 404
    {
        tracing::warn!(crd = %name, %error, "removing the cleanup finalizer");
    }
}

async fn set_status_condition(crds: &Store, name: &str, (reason, message): (&str, &str)) {
    let result = crds
        .update_with(
            None,
            name,
            UpdateScope::Status,
            WriteOptions::default(),
            |crd| {
                let mut crd = crd.clone();
                set_condition(&mut crd, "Terminating", "True", reason, message);
                Ok(crd)
            },
        )
        .await;
    if let Err(error) = result {
        tracing::debug!(crd = %name, %error, "Terminating condition not written");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn crd(name: &str, plural: &str, kind: &str, short: &[&str]) -> Value {
        json!({"metadata": {"name": name, "creationTimestamp": format!("2026-01-01T00:00:0{}Z", name.len() % 10)},
            "spec": {"group": "example.com", "names": {"plural": plural, "kind": kind,
                "shortNames": short},
                "versions": [{"name": "v1", "served": true, "storage": true}]}})
    }

    #[test]
    fn the_first_definition_keeps_its_names_and_the_second_is_refused() {
        let mut all = vec![
            crd("as.example.com", "as", "A", &["x"]),
            crd("bs.example.com", "bs", "B", &["x"]),
        ];
        for i in 0..all.len() {
            let mut one = all[i].clone();
            assert!(update_status(&mut one, &all, i));
            all[i] = one;
        }
        assert_eq!(condition_status(&all[0], "Established"), Some("True"));
        assert_eq!(
            all[0]["status"]["acceptedNames"]["shortNames"],
            json!(["x"])
        );
        assert_eq!(all[0]["status"]["storedVersions"], json!(["v1"]));
        assert_eq!(condition_status(&all[1], "NamesAccepted"), Some("False"));
        assert_eq!(condition_status(&all[1], "Established"), Some("False"));
        let reason = all[1]["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "NamesAccepted")
            .unwrap()["reason"]
            .clone();
        assert_eq!(reason, "ShortNamesConflict");
        // Accepted once, a second pass changes nothing.
        let mut again = all[0].clone();
        assert!(!update_status(&mut again, &all, 0));
    }
}
