//! Per-resource rules behind one generic store, as upstream's `pkg/registry`.
//!
//! - [`resources`]: the table of built-in resources: group, version, kind, names, scope, verbs,
//!   subresources and where each is stored.
//! - [`object`]: metadata access on JSON objects, uids, timestamps, resource versions.
//! - [`conversion`]: between served and stored versions (events, horizontalpodautoscalers).
//! - [`customresource`]: structural schemas, validation, pruning and defaulting of custom
//!   resources, and validation and defaults of CustomResourceDefinitions.
//! - [`strategy`]: the rules a resource adds (defaults, validation, spec/status split);
//!   [`core`] holds the strategies of core/v1 resources, [`batch`] those of batch/v1.
//! - [`defaults`]: upstream's defaulting functions (`SetDefaults_*`), per API group.
//! - [`fieldmanager`]: `metadata.managedFields` and server-side apply (field sets, merge by
//!   structured-merge-diff schema, conflicts).
//! - [`store`]: the generic store (create, get, update), [`delete`] its DELETE; [`list`] and
//!   [`watch`] add LIST with paging and WATCH.
//! - [`selector`]: label and field selectors, parsed and matched as upstream does.
//! - [`typed`]: decoding through the `k8s-openapi` types (wrong types, unknown fields).
//! - [`validation`]: validation every resource shares (object names);
//!   [`validation_rules`]: upstream's per-type validation (pods, workloads, jobs, config).

pub mod batch;
pub mod conversion;
pub mod core;
pub mod customresource;
pub mod defaults;
pub mod delete;
pub mod fieldmanager;
pub mod list;
pub mod list_json;
pub mod object;
pub mod resources;
pub mod selector;
pub mod store;
pub mod strategy;
pub mod typed;
pub mod validation;
pub mod validation_rules;
pub mod watch;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use serde_json::json;

use self::core::namespace::NamespaceStrategy;
use self::core::pod::PodStrategy;
use self::core::service::{ServiceRanges, ServiceStrategy};
use crate::admission::namespace_lifecycle::Namespaces;
use crate::admission::priority::{self, PriorityClasses};
use crate::apiextensions::CustomResources;
use crate::apiextensions::strategy::DefinitionStrategy;
use crate::endpoints::status::ApiError;
use crate::storage::Storage;
use crate::storage::cacher::{CacheMetrics, CachedResource, Cacher, DEFAULT_EVENT_WINDOW};
use store::{Store, WriteOptions};
use strategy::{FieldLabels, NoRules, Strategy};

/// Every served resource's store, by group, version and resource name: the built-in ones,
/// fixed at start, and the custom resources of established CustomResourceDefinitions, which
/// [`crate::apiextensions`] replaces as a whole whenever a definition changes.
pub struct Registry {
    stores: HashMap<(&'static str, &'static str, &'static str), Arc<Store>>,
    custom: RwLock<Arc<CustomResources>>,
    storage: Arc<dyn Storage>,
    namespaces: Arc<Namespaces>,
    ranges: ServiceRanges,
}

/// The strategy of one resource.
fn strategy_for(
    info: &resources::ResourceInfo,
    ranges: ServiceRanges,
    priority_classes: &Arc<PriorityClasses>,
) -> Box<dyn Strategy> {
    match (info.group, info.plural) {
        ("", "namespaces") => Box::new(NamespaceStrategy),
        ("apiextensions.k8s.io", "customresourcedefinitions") => Box::new(DefinitionStrategy),
        ("", "services") => Box::new(ServiceStrategy { ranges }),
        ("", "pods") => Box::new(PodStrategy {
            priority_classes: Some(priority_classes.clone()),
        }),
        // Upstream's extra field selector labels per resource.
        ("", "events") => Box::new(FieldLabels(&[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ])),
        ("", "secrets") => Box::new(FieldLabels(&["type"])),
        ("", "nodes") => Box::new(FieldLabels(&["spec.unschedulable"])),
        ("", "replicationcontrollers") | ("apps", "replicasets") => {
            Box::new(FieldLabels(&["status.replicas"]))
        }
        ("batch", "jobs") => Box::new(batch::job::JobStrategy),
        _ => Box::new(NoRules),
    }
}

/// The namespaces upstream creates at start.
pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];

impl Registry {
    /// The stores of every built-in resource. With `watch_cache`, each resource but events gets
    /// a watch cache in front of `storage` (one per storage prefix, shared by the versions of a
    /// resource), as upstream's default `--watch-cache=true` does.
    pub fn new(
        storage: Arc<dyn Storage>,
        ranges: ServiceRanges,
        watch_cache: Option<CacheMetrics>,
    ) -> Self {
        let mut caches: HashMap<&'static str, Arc<dyn Storage>> = HashMap::new();
        let stores = resources::RESOURCES
            .iter()
            .map(|info| {
                let backend = match &watch_cache {
                    Some(metrics) if info.plural != "events" => caches
                        .entry(info.etcd_prefix)
                        .or_insert_with(|| {
                            let resource = CachedResource {
                                group: info.group.to_owned(),
                                resource: info.plural.to_owned(),
                            };
                            Arc::new(Cacher::new(
                                storage.clone(),
                                info.storage_prefix(None),
                                resource,
                                DEFAULT_EVENT_WINDOW,
                                metrics.clone(),
                            ))
                        })
                        .clone(),
                    _ => storage.clone(),
                };
                ((info.group, info.version, info.plural), (info, backend))
            })
            .collect::<Vec<_>>();
        let namespaces = stores
            .iter()
            .find(|((group, _, plural), _)| group.is_empty() && *plural == "namespaces")
            .map_or_else(|| storage.clone(), |(_, (_, backend))| backend.clone());
        let namespaces = Arc::new(Namespaces::new(namespaces));
        let priority_classes = stores
            .iter()
            .find(|((group, _, plural), _)| {
                *group == "scheduling.k8s.io" && *plural == "priorityclasses"
            })
            .map_or_else(|| storage.clone(), |(_, (_, backend))| backend.clone());
        let priority_classes = Arc::new(PriorityClasses::new(priority_classes));
        let stores = stores
            .into_iter()
            .map(|(id, (info, backend))| {
                let strategy = strategy_for(info, ranges, &priority_classes);
                let store = Store::new(backend, namespaces.clone(), info, strategy);
                (id, Arc::new(store))
            })
            .collect();
        Registry {
            stores,
            custom: RwLock::default(),
            storage,
            namespaces,
            ranges,
        }
    }

    /// The store of `plural` in `group`/`version`: built-in or custom.
    pub fn get(&self, group: &str, version: &str, plural: &str) -> Option<Arc<Store>> {
        if let Some(info) = resources::find(group, version, plural) {
            return self
                .stores
                .get(&(info.group, info.version, info.plural))
                .cloned();
        }
        self.custom().store(group, version, plural).cloned()
    }

    /// The custom resources served now.
    pub fn custom(&self) -> Arc<CustomResources> {
        self.custom
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Serves `custom` from now on, in place of what was served.
    pub fn set_custom(&self, custom: CustomResources) {
        *self
            .custom
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(custom);
    }

    /// The storage every store writes to (custom resources get no watch cache).
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// Where NamespaceLifecycle looks namespaces up.
    pub fn namespaces(&self) -> &Arc<Namespaces> {
        &self.namespaces
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

    /// Creates the system PriorityClasses (`system-node-critical`, `system-cluster-critical`)
    /// if they are missing, as upstream's bootstrap does.
    pub async fn ensure_system_priority_classes(&self) -> Result<(), ApiError> {
        let Some(classes) = self.get("scheduling.k8s.io", "v1", "priorityclasses") else {
            return Ok(());
        };
        for class in priority::system_classes() {
            match classes.create(None, class, WriteOptions::default()).await {
                Ok(created) => tracing::info!(
                    priority_class = created["metadata"]["name"].as_str().unwrap_or_default(),
                    "created system priority class"
                ),
                Err(e) if e.code() == 409 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Creates the `kubernetes` Service (the first IP of the service range) and its Endpoints,
    /// pointing at this API server, as upstream's master endpoint reconciler does. Endpoints
    /// validation refuses a loopback address, as upstream's does; then only the Service exists.
    pub async fn ensure_kubernetes_service(
        &self,
        address: std::net::IpAddr,
        port: u16,
    ) -> Result<(), ApiError> {
        let service = json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"clusterIP": self.ranges.ip(0).to_string(), "type": "ClusterIP",
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": port}]}});
        let endpoints = json!({"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": "kubernetes", "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
            "subsets": [{"addresses": [{"ip": address.to_string()}],
                "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}]});
        for (plural, object) in [("services", service), ("endpoints", endpoints)] {
            let Some(store) = self.get("", "v1", plural) else {
                continue;
            };
            // On a restart the Service exists already (and holds its IP): leave it alone.
            if plural == "services" && store.get(Some("default"), "kubernetes").await.is_ok() {
                continue;
            }
            let mut written = store
                .create(Some("default"), object.clone(), WriteOptions::default())
                .await
                .map(drop);
            if plural == "endpoints"
                && let Err(e) = &written
                && e.code() == 409
            {
                let mut current = store.get(Some("default"), "kubernetes").await?;
                written = Ok(());
                if current["subsets"] != object["subsets"] {
                    current["subsets"] = object["subsets"].clone();
                    let (scope, options) = (store::UpdateScope::Main, WriteOptions::default());
                    written = store
                        .update(Some("default"), "kubernetes", current, scope, options)
                        .await
                        .map(drop);
                }
            }
            match written {
                Ok(()) => {}
                Err(e) if e.code() == 409 => {}
                // Upstream's reconciler writes through the API too, so an address validation
                // refuses (loopback, link-local) is logged and the API server serves on.
                Err(e) if e.code() == 422 && plural == "endpoints" => {
                    tracing::warn!(%address, error = %e, "not writing the kubernetes Endpoints");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
