//! serviceaccount-controller: a `default` ServiceAccount in every active namespace
//! (upstream's `pkg/controller/serviceaccount/serviceaccounts_controller.go`). The key is the
//! namespace; a namespace added or changed, or one of its service accounts deleted, queues it.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use kube::api::{Api, ObjectMeta, PostParams};

use crate::controller::{self, Reconcile, Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::informers::{Change, Lister};
use crate::workqueue::WorkQueue;

pub const NAME: &str = "serviceaccount-controller";

/// The service accounts every namespace gets.
pub const DEFAULT_SERVICE_ACCOUNTS: &[&str] = &["default"];

pub struct ServiceAccountsController {
    client: kube::Client,
    namespaces: Lister<Namespace>,
    service_accounts: Lister<ServiceAccount>,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("serviceaccount", context.metrics.clone());
    let namespaces = context.informers.informer::<Namespace>();
    let service_accounts = context.informers.informer::<ServiceAccount>();
    {
        let queue = queue.clone();
        namespaces.on_change(move |change| match change {
            Change::Added(ns) | Change::Updated { new: ns, .. } => {
                queue.add(ns.metadata.name.clone().unwrap_or_default());
            }
            Change::Deleted(_) => {}
        });
    }
    {
        let queue = queue.clone();
        service_accounts.on_change(move |change| {
            if let Change::Deleted(sa) = change
                && DEFAULT_SERVICE_ACCOUNTS
                    .contains(&sa.metadata.name.as_deref().unwrap_or_default())
            {
                queue.add(sa.metadata.namespace.clone().unwrap_or_default());
            }
        });
    }
    let controller = Arc::new(ServiceAccountsController {
        client: context.client.clone(),
        namespaces: namespaces.lister(),
        service_accounts: service_accounts.lister(),
    });
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        1,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

#[async_trait::async_trait]
impl Reconcile for ServiceAccountsController {
    async fn sync(&self, namespace: &str) -> Result<()> {
        let Some(ns) = self.namespaces.get("", namespace) else {
            return Ok(());
        };
        // Nothing is created in a namespace that is going away.
        let phase = ns.status.as_ref().and_then(|s| s.phase.as_deref());
        if ns.metadata.deletion_timestamp.is_some() || phase.is_some_and(|p| p != "Active") {
            return Ok(());
        }
        let api: Api<ServiceAccount> = Api::namespaced(self.client.clone(), namespace);
        for name in DEFAULT_SERVICE_ACCOUNTS {
            if self.service_accounts.get(namespace, name).is_some() {
                continue;
            }
            let sa = ServiceAccount {
                metadata: ObjectMeta {
                    name: Some((*name).to_owned()),
                    namespace: Some(namespace.to_owned()),
                    ..ObjectMeta::default()
                },
                ..ServiceAccount::default()
            };
            match api.create(&PostParams::default(), &sa).await {
                Ok(_) => {}
                Err(error) if controller::is_conflict(&error) => {}
                // Upstream ignores a namespace that is being deleted (403 Forbidden).
                Err(kube::Error::Api(status)) if status.code == 403 => return Ok(()),
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    }
}
