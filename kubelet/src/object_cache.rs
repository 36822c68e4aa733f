//! ConfigMaps and Secrets that pods reference, for volumes and env. (Skeleton: filled in by the
//! volumes work. Upstream's default `configMapAndSecretChangeDetectionStrategy: Watch`.)

use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret};

use crate::pod_manager::PodSyncTrigger;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Api(#[from] kube::Error),
}

#[derive(Clone)]
pub struct ObjectCache {
    client: kube::Client,
}

impl ObjectCache {
    pub fn new(client: kube::Client, _resync: PodSyncTrigger) -> Self {
        ObjectCache { client }
    }

    /// Starts watching what `pod` references; a change resyncs the pod.
    pub fn register_pod(&self, _pod: &Pod) {}

    pub fn unregister_pod(&self, _uid: &str) {}

    /// `namespace/name`, or `None` when it does not exist.
    pub async fn config_map(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<ConfigMap>, Error> {
        let api: kube::Api<ConfigMap> = kube::Api::namespaced(self.client.clone(), namespace);
        Ok(api.get_opt(name).await?)
    }

    pub async fn secret(&self, namespace: &str, name: &str) -> Result<Option<Secret>, Error> {
        let api: kube::Api<Secret> = kube::Api::namespaced(self.client.clone(), namespace);
        Ok(api.get_opt(name).await?)
    }
}
