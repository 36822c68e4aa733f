//! Upstream's controllers, one folder each, and the table `--controllers` selects from.
//!
//! Every controller is built from a [`ControllerContext`] (client, shared informers, metrics,
//! flags): while built it asks for the informers it needs and registers handlers that enqueue
//! keys; it returns the future that runs its workers. Informers start after every controller
//! is built, so each resource is watched once for all of them.

use std::sync::Arc;

use common::shutdown::Shutdown;
use futures::future::BoxFuture;
use kube::Client;

use crate::informers::SharedInformers;
use crate::options::Options;
use crate::workqueue::WorkQueueMetrics;

pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod endpoint;
pub mod endpointslice;
pub mod endpointslicemirroring;
pub mod garbagecollector;
pub mod job;
pub mod namespace;
pub mod nodeipam;
pub mod nodelifecycle;
pub mod persistentvolume;
pub mod podgc;
pub mod replicaset;
pub mod replication;
pub mod resourcequota;
pub mod serviceaccount;
pub mod servicelb;
pub mod statefulset;
pub mod tainteviction;
pub mod ttlafterfinished;

/// What a controller is built from.
#[derive(Clone)]
pub struct ControllerContext {
    pub client: Client,
    pub informers: SharedInformers,
    pub metrics: WorkQueueMetrics,
    pub options: Arc<Options>,
    /// Triggered when this instance stops leading or shuts down.
    pub stop: Shutdown,
}

/// A built controller: the future that runs it until the context's `stop`.
pub type Running = BoxFuture<'static, ()>;

/// Builds one controller.
pub type Init = fn(&ControllerContext) -> Result<Running, crate::controller::Error>;

/// One entry of the controller table.
pub struct ControllerDescriptor {
    /// Upstream's canonical name (`deployment-controller`).
    pub name: &'static str,
    /// Upstream's older names, still accepted by `--controllers` (`deployment`).
    pub aliases: &'static [&'static str],
    /// Whether `*` leaves it out.
    pub disabled_by_default: bool,
    pub init: Init,
}

/// Every controller this controller-manager has, in upstream's start order.
pub fn descriptors() -> Vec<ControllerDescriptor> {
    vec![
        ControllerDescriptor {
            name: "serviceaccount-controller",
            aliases: &["serviceaccount"],
            disabled_by_default: false,
            init: serviceaccount::start,
        },
        ControllerDescriptor {
            name: "resourcequota-controller",
            aliases: &["resourcequota"],
            disabled_by_default: false,
            init: resourcequota::start,
        },
        ControllerDescriptor {
            name: "disruption-controller",
            aliases: &["disruption"],
            disabled_by_default: false,
            init: disruption::start,
        },
        ControllerDescriptor {
            name: "node-ipam-controller",
            aliases: &["nodeipam"],
            disabled_by_default: false,
            init: nodeipam::start,
        },
        ControllerDescriptor {
            name: "node-lifecycle-controller",
            aliases: &["nodelifecycle"],
            disabled_by_default: false,
            init: nodelifecycle::start,
        },
        ControllerDescriptor {
            name: "taint-eviction-controller",
            aliases: &[],
            disabled_by_default: false,
            init: tainteviction::start,
        },
        ControllerDescriptor {
            name: servicelb::NAME,
            aliases: &["service"],
            disabled_by_default: false,
            init: servicelb::start,
        },
        ControllerDescriptor {
            name: persistentvolume::NAME,
            aliases: &["persistentvolume-binder"],
            disabled_by_default: false,
            init: persistentvolume::start,
        },
        ControllerDescriptor {
            name: "pod-garbage-collector-controller",
            aliases: &["podgc"],
            disabled_by_default: false,
            init: podgc::start,
        },
        ControllerDescriptor {
            name: replicaset::NAME,
            aliases: &["replicaset"],
            disabled_by_default: false,
            init: replicaset::start,
        },
        ControllerDescriptor {
            name: replication::NAME,
            aliases: &["replicationcontroller"],
            disabled_by_default: false,
            init: replication::start,
        },
        ControllerDescriptor {
            name: "deployment-controller",
            aliases: &["deployment"],
            disabled_by_default: false,
            init: deployment::start,
        },
        ControllerDescriptor {
            name: endpoint::NAME,
            aliases: &["endpoint"],
            disabled_by_default: false,
            init: endpoint::start,
        },
        ControllerDescriptor {
            name: endpointslice::NAME,
            aliases: &["endpointslice"],
            disabled_by_default: false,
            init: endpointslice::start,
        },
        ControllerDescriptor {
            name: endpointslicemirroring::NAME,
            aliases: &["endpointslicemirroring"],
            disabled_by_default: false,
            init: endpointslicemirroring::start,
        },
        ControllerDescriptor {
            name: job::NAME,
            aliases: &["job"],
            disabled_by_default: false,
            init: job::start,
        },
        ControllerDescriptor {
            name: cronjob::NAME,
            aliases: &["cronjob"],
            disabled_by_default: false,
            init: cronjob::start,
        },
        ControllerDescriptor {
            name: ttlafterfinished::NAME,
            aliases: &["ttl-after-finished"],
            disabled_by_default: false,
            init: ttlafterfinished::start,
        },
        ControllerDescriptor {
            name: daemonset::NAME,
            aliases: &["daemonset"],
            disabled_by_default: false,
            init: daemonset::start,
        },
        ControllerDescriptor {
            name: statefulset::NAME,
            aliases: &["statefulset"],
            disabled_by_default: false,
            init: statefulset::start,
        },
        ControllerDescriptor {
            name: garbagecollector::NAME,
            aliases: &["garbagecollector"],
            disabled_by_default: false,
            init: garbagecollector::start,
        },
        ControllerDescriptor {
            name: namespace::NAME,
            aliases: &["namespace"],
            disabled_by_default: false,
            init: namespace::start,
        },
    ]
}

/// Why `--controllers` is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not in the list of known controllers")]
pub struct UnknownController(pub String);

/// Whether `descriptor` runs under `--controllers` (upstream's `IsControllerEnabled`): an
/// explicit `-name` or `name` (or alias) wins; otherwise `*` enables what is on by default.
pub fn is_enabled(descriptor: &ControllerDescriptor, controllers: &[String]) -> bool {
    let names = || std::iter::once(descriptor.name).chain(descriptor.aliases.iter().copied());
    let mut star = false;
    for entry in controllers {
        let entry = entry.trim();
        if entry == "*" {
            star = true;
        } else if let Some(disabled) = entry.strip_prefix('-') {
            if names().any(|n| n == disabled) {
                return false;
            }
        } else if names().any(|n| n == entry) {
            return true;
        }
    }
    star && !descriptor.disabled_by_default
}

/// Checks that every entry of `--controllers` names a known controller.
pub fn validate(
    descriptors: &[ControllerDescriptor],
    controllers: &[String],
) -> Result<(), UnknownController> {
    for entry in controllers {
        let entry = entry.trim();
        let name = entry.strip_prefix('-').unwrap_or(entry);
        if name == "*" || name.is_empty() {
            continue;
        }
        let known = descriptors
            .iter()
            .any(|d| d.name == name || d.aliases.contains(&name));
        if !known {
            return Err(UnknownController(name.to_owned()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn descriptor(
        name: &'static str,
        aliases: &'static [&'static str],
        off: bool,
    ) -> ControllerDescriptor {
        ControllerDescriptor {
            name,
            aliases,
            disabled_by_default: off,
            init: serviceaccount::start,
        }
    }

    fn flags(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn star_enables_what_is_on_by_default_and_names_override() {
        let on = descriptor("deployment-controller", &["deployment"], false);
        let off = descriptor("bootstrap-signer-controller", &["bootstrapsigner"], true);
        assert!(is_enabled(&on, &flags(&["*"])));
        assert!(!is_enabled(&off, &flags(&["*"])));
        assert!(is_enabled(&off, &flags(&["*", "bootstrapsigner"])));
        assert!(!is_enabled(&on, &flags(&["*", "-deployment"])));
        assert!(!is_enabled(&on, &flags(&["-deployment-controller", "*"])));
        assert!(!is_enabled(&on, &flags(&["job"])));
        assert!(is_enabled(&on, &flags(&["deployment"])));
    }

    #[test]
    fn unknown_names_are_refused() {
        let table = vec![descriptor("deployment-controller", &["deployment"], false)];
        assert!(validate(&table, &flags(&["*", "-deployment"])).is_ok());
        let error = validate(&table, &flags(&["*", "nonsense"])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"nonsense\" is not in the list of known controllers"
        );
    }
}
