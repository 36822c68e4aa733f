//! Priority admission (upstream's `plugin/pkg/admission/priority`): a new pod's
//! `spec.priority` and `spec.preemptionPolicy` come from its PriorityClass, or from the
//! cluster's global default class, or are 0 and `PreemptLowerPriority`. A pod may not set a
//! priority or policy that disagrees with its class. The two system classes exist from start.
//!
//! Classes are looked up in the priorityclasses watch cache (upstream uses an informer), and in
//! storage when the cache does not have the class.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::endpoints::status::ApiError;
use crate::registry::validation_rules::scheduling::SYSTEM_CLASSES;
use crate::storage::{RangeRequest, Storage};

/// Where PriorityClasses are stored.
pub const PREFIX: &str = "/registry/priorityclasses/";
/// Priority of pods without a class when no class is the global default.
pub const DEFAULT_PRIORITY: i64 = 0;
/// Preemption policy when the class does not say.
pub const PREEMPT_LOWER_PRIORITY: &str = "PreemptLowerPriority";

/// The system classes as upstream's bootstrap creates them.
pub fn system_classes() -> Vec<Value> {
    SYSTEM_CLASSES
        .iter()
        .map(|(name, value)| {
            let description = if *name == "system-node-critical" {
                "Used for system critical pods that must not be moved from their current node."
            } else {
                "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."
            };
            json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                "metadata": {"name": name}, "value": value, "description": description,
                "preemptionPolicy": PREEMPT_LOWER_PRIORITY})
        })
        .collect()
}

/// The PriorityClasses admission reads.
pub struct PriorityClasses {
    storage: Arc<dyn Storage>,
}

fn forbidden(qualified_resource: &str, name: &str, detail: String) -> ApiError {
    ApiError::Forbidden {
        resource: qualified_resource.to_owned(),
        name: name.to_owned(),
        detail,
        causes: Vec::new(),
    }
}

fn decode(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::internal("a stored PriorityClass could not be decoded", e.to_string())
    })
}

impl PriorityClasses {
    /// Reads classes from `storage` (the priorityclasses watch cache, or the store).
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        Self { storage }
    }

    async fn class(&self, name: &str) -> Result<Option<Value>, ApiError> {
        let key = format!("{PREFIX}{name}");
        if let Some(kv) = self.storage.get_cached(&key) {
            return decode(&kv.value).map(Some);
        }
        let answer = self
            .storage
            .get(&key, None)
            .await
            .map_err(|e| ApiError::internal("reading a PriorityClass failed", e.to_string()))?;
        answer.kv.map(|kv| decode(&kv.value)).transpose()
    }

    /// The class with `globalDefault: true` (the lowest-valued one if several, as upstream).
    async fn global_default(&self) -> Result<Option<Value>, ApiError> {
        let listed = self
            .storage
            .range(RangeRequest {
                prefix: PREFIX.to_owned(),
                start_key: None,
                limit: 0,
                revision: None,
                not_older_than: Some(0),
            })
            .await
            .map_err(|e| ApiError::internal("listing PriorityClasses failed", e.to_string()))?;
        let mut best: Option<Value> = None;
        for kv in listed.kvs {
            let class = decode(&kv.value)?;
            if class["globalDefault"] != Value::Bool(true) {
                continue;
            }
            let lower = best
                .as_ref()
                .is_none_or(|b| class["value"].as_i64() < b["value"].as_i64());
            if lower {
                best = Some(class);
            }
        }
        Ok(best)
    }

    /// Sets a new pod's priority and preemption policy from its class (`name` is the pod's
    /// name for the error message).
    pub async fn admit_pod(
        &self,
        qualified_resource: &str,
        name: &str,
        pod: &mut Value,
    ) -> Result<(), ApiError> {
        let spec = &pod["spec"];
        let class_name = spec["priorityClassName"].as_str().unwrap_or_default();
        let (class_name, priority, policy) = if class_name.is_empty() {
            match self.global_default().await? {
                Some(class) => (
                    class["metadata"]["name"].as_str().map(str::to_owned),
                    class["value"].as_i64().unwrap_or(DEFAULT_PRIORITY),
                    class["preemptionPolicy"].as_str().map(str::to_owned),
                ),
                None => (None, DEFAULT_PRIORITY, None),
            }
        } else {
            match self.class(class_name).await? {
                Some(class) => (
                    Some(class_name.to_owned()),
                    class["value"].as_i64().unwrap_or(DEFAULT_PRIORITY),
                    class["preemptionPolicy"].as_str().map(str::to_owned),
                ),
                None => {
                    return Err(forbidden(
                        qualified_resource,
                        name,
                        format!("no PriorityClass with name {class_name} was found"),
                    ));
                }
            }
        };
        let policy = policy.unwrap_or_else(|| PREEMPT_LOWER_PRIORITY.to_owned());
        if let Some(given) = spec["priority"].as_i64()
            && given != priority
        {
            return Err(forbidden(
                qualified_resource,
                name,
                format!(
                    "the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name"
                ),
            ));
        }
        if let Some(given) = spec["preemptionPolicy"].as_str()
            && given != policy
        {
            return Err(forbidden(
                qualified_resource,
                name,
                format!(
                    "the string value of PreemptionPolicy ({given}) must not be provided in pod spec; priority admission controller computed {policy} from the given PriorityClass name"
                ),
            ));
        }
        if let Some(spec) = pod["spec"].as_object_mut() {
            if let Some(class_name) = class_name {
                spec.insert("priorityClassName".into(), Value::String(class_name));
            }
            spec.insert("priority".into(), Value::from(priority));
            spec.insert("preemptionPolicy".into(), Value::String(policy));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "priority_tests.rs"]
mod tests;
