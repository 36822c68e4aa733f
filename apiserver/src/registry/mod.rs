//! Per-resource rules behind one generic store, as upstream's `pkg/registry`.
//!
//! - [`resources`]: the table of built-in resources: group, version, kind, names, scope, verbs,
//!   subresources and where each is stored.
//! - [`object`]: metadata access on JSON objects, uids, timestamps, resource versions.
//! - [`strategy`]: the rules a resource adds (defaults, validation, spec/status split).
//! - [`store`]: the generic store (create, get, update, delete); [`list`] and [`watch`] add
//!   LIST with paging and WATCH.
//! - [`selector`]: label and field selectors, parsed and matched as upstream does.
//! - [`validation`]: validation every resource shares (object names).

pub mod list;
pub mod object;
pub mod resources;
pub mod selector;
pub mod store;
pub mod strategy;
pub mod validation;
pub mod watch;

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;

use crate::endpoints::status::ApiError;
use crate::storage::Storage;
use store::{Store, WriteOptions};
use strategy::NoRules;

/// Every served resource's store, by group, version and resource name.
pub struct Registry {
    stores: HashMap<(&'static str, &'static str, &'static str), Arc<Store>>,
}

/// The namespaces upstream creates at start.
pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];

impl Registry {
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        let stores = resources::RESOURCES
            .iter()
            .map(|info| {
                let store = Store::new(storage.clone(), info, Box::new(NoRules));
                ((info.group, info.version, info.plural), Arc::new(store))
            })
            .collect();
        Registry { stores }
    }

    pub fn get(&self, group: &str, version: &str, plural: &str) -> Option<&Arc<Store>> {
        let info = resources::find(group, version, plural)?;
        self.stores.get(&(info.group, info.version, info.plural))
    }

    /// Creates the system namespaces that do not exist yet.
    pub async fn ensure_system_namespaces(&self) -> Result<(), ApiError> {
        let Some(namespaces) = self.get("", "v1", "namespaces") else {
            return Ok(());
        };
        for name in SYSTEM_NAMESPACES {
            let object = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name},
                "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
            match namespaces
                .create(None, object, WriteOptions::default())
                .await
            {
                Ok(_) => tracing::info!(namespace = name, "created system namespace"),
                Err(e) if e.code() == 409 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
