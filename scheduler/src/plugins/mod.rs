//! Upstream's default plugins, one module each, with the name configuration uses
//! (`pkg/scheduler/framework/plugins/*`), and the registry that builds them by name.
//!
//! - [`scheduling_gates`]: SchedulingGates (PreEnqueue).
//! - [`node_unschedulable`]: NodeUnschedulable (Filter).
//! - [`node_name`]: NodeName (Filter).
//! - [`taint_toleration`]: TaintToleration (Filter, Score), with the toleration matching.
//! - [`node_affinity`]: NodeAffinity (PreFilter, Filter, Score); the selector matching is in
//!   [`node_selector`].
//! - [`node_ports`]: NodePorts (PreFilter, Filter).
//! - [`node_resources_fit`]: NodeResourcesFit (PreFilter, Filter, Score).
//! - [`pod_topology_spread`]: PodTopologySpread (PreFilter, Filter, PreScore, Score).
//! - [`inter_pod_affinity`]: InterPodAffinity (PreFilter, Filter, PreScore, Score).
//! - [`node_resources_balanced_allocation`]: NodeResourcesBalancedAllocation (Score).
//! - [`image_locality`]: ImageLocality (Score).
//! - [`volume_binding`]: VolumeBinding (PreFilter, Filter, Reserve, PreBind); which volume
//!   fits a claim on a node is in [`volume_matching`].
//! - [`default_binder`]: DefaultBinder (Bind).
//!
//! Shared pieces: [`resource_allocation`] (what the resource scorers have in common); label
//! selectors and name checks come from `common`.
//! DefaultPreemption (PostFilter) lives in `crate::preemption` and PrioritySort in the queue.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::framework::{Handle, Plugin};

pub mod default_binder;
pub mod image_locality;
pub mod inter_pod_affinity;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_resources_balanced_allocation;
pub mod node_resources_fit;
pub mod node_selector;
pub mod node_unschedulable;
pub mod pod_topology_spread;
pub mod resource_allocation;
pub mod scheduling_gates;
pub mod taint_toleration;
pub mod volume_binding;
pub mod volume_matching;

#[cfg(test)]
pub(crate) mod test_util;

/// Errors building a plugin.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No plugin has this name.
    #[error("plugin {0:?} does not exist")]
    Unknown(String),
    /// The plugin's `args` in `pluginConfig` are invalid.
    #[error("invalid args for plugin {plugin}: {message}")]
    InvalidArgs {
        /// The plugin.
        plugin: String,
        /// What is wrong.
        message: String,
    },
}

/// Decodes a plugin's `args` strictly (unknown fields are an error, as upstream's strict
/// decoding of the scheduler configuration), allowing the `apiVersion`/`kind` a typed args
/// object carries; no args (or `null`) give the defaults.
pub(crate) fn parse_args<T: DeserializeOwned + Default>(
    plugin: &str,
    args: Option<&serde_json::Value>,
) -> Result<T, Error> {
    let invalid = |message: String| Error::InvalidArgs {
        plugin: plugin.to_owned(),
        message,
    };
    let mut value = match args {
        None | Some(serde_json::Value::Null) => return Ok(T::default()),
        Some(v) => v.clone(),
    };
    let Some(object) = value.as_object_mut() else {
        return Err(invalid("args must be an object".to_owned()));
    };
    object.remove("apiVersion");
    object.remove("kind");
    serde_json::from_value(value).map_err(|e| invalid(e.to_string()))
}

/// The plugin called `name`, configured with its `pluginConfig` args (JSON) if any, with the
/// scheduler's shared state in `handle`.
pub fn new_plugin(
    name: &str,
    args: Option<&serde_json::Value>,
    handle: &Handle,
) -> Result<Arc<dyn Plugin>, Error> {
    Ok(match name {
        scheduling_gates::NAME => Arc::new(scheduling_gates::SchedulingGates),
        node_unschedulable::NAME => Arc::new(node_unschedulable::NodeUnschedulable),
        node_name::NAME => Arc::new(node_name::NodeName),
        taint_toleration::NAME => Arc::new(taint_toleration::TaintToleration),
        node_affinity::NAME => Arc::new(node_affinity::NodeAffinity::new(args)?),
        node_ports::NAME => Arc::new(node_ports::NodePorts),
        node_resources_fit::NAME => Arc::new(node_resources_fit::NodeResourcesFit::new(args)?),
        pod_topology_spread::NAME => Arc::new(pod_topology_spread::PodTopologySpread::new(args)?),
        inter_pod_affinity::NAME => Arc::new(inter_pod_affinity::InterPodAffinity::new(args)?),
        image_locality::NAME => Arc::new(image_locality::ImageLocality),
        node_resources_balanced_allocation::NAME => Arc::new(
            node_resources_balanced_allocation::NodeResourcesBalancedAllocation::new(args)?,
        ),
        volume_binding::NAME => Arc::new(volume_binding::VolumeBinding::new(args, handle)?),
        default_binder::NAME => Arc::new(default_binder::DefaultBinder),
        other => return Err(Error::Unknown(other.to_owned())),
    })
}

/// Upstream's default `multiPoint` plugins (v1 configuration, 1.34) that this scheduler has,
/// in order, with their score weights (0: the plugin does not score).
pub const DEFAULT_PLUGINS: &[(&str, i64)] = &[
    (scheduling_gates::NAME, 0),
    (node_unschedulable::NAME, 0),
    (node_name::NAME, 0),
    (taint_toleration::NAME, 3),
    (node_affinity::NAME, 2),
    (node_ports::NAME, 0),
    (node_resources_fit::NAME, 1),
    (volume_binding::NAME, 0),
    (pod_topology_spread::NAME, 2),
    (inter_pod_affinity::NAME, 2),
    (node_resources_balanced_allocation::NAME, 1),
    (image_locality::NAME, 1),
    (default_binder::NAME, 0),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_plugin_builds_with_default_args() {
        for (name, weight) in DEFAULT_PLUGINS {
            let plugin = new_plugin(name, None, &Handle::default()).unwrap();
            assert_eq!(plugin.name(), *name);
            assert_eq!(*weight > 0, plugin.as_score().is_some(), "{name}");
        }
        assert!(matches!(
            new_plugin("Nope", None, &Handle::default()),
            Err(Error::Unknown(_))
        ));
    }

    #[test]
    fn args_are_decoded_strictly() {
        let typed = serde_json::json!({"apiVersion": "kubescheduler.config.k8s.io/v1",
            "kind": "NodeResourcesFitArgs", "ignoredResources": ["example.com/foo"]});
        assert!(new_plugin(node_resources_fit::NAME, Some(&typed), &Handle::default()).is_ok());
        let unknown = serde_json::json!({"ignoredResourcez": []});
        assert!(matches!(
            new_plugin(node_resources_fit::NAME, Some(&unknown), &Handle::default()),
            Err(Error::InvalidArgs { .. })
        ));
        let not_object = serde_json::json!([1]);
        assert!(new_plugin(node_affinity::NAME, Some(&not_object), &Handle::default()).is_err());
        assert!(
            new_plugin(
                node_affinity::NAME,
                Some(&serde_json::Value::Null),
                &Handle::default()
            )
            .is_ok()
        );
    }
}
