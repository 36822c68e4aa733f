//! DefaultBinder (Bind): binds the pod with a `pods/binding` create, as upstream's
//! `defaultbinder` does.

use futures::FutureExt;
use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::{Binding, ObjectReference, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, PostParams};

use crate::framework::{BindContext, BindPlugin, CycleState, Plugin, Status};

/// The plugin's name.
pub const NAME: &str = "DefaultBinder";

/// The plugin.
pub struct DefaultBinder;

impl Plugin for DefaultBinder {
    fn name(&self) -> &'static str {
        NAME
    }
    fn as_bind(&self) -> Option<&dyn BindPlugin> {
        Some(self)
    }
}

/// The Binding that assigns `pod` to `node` (with the pod's uid, so a recreated pod of the
/// same name is not bound by mistake).
pub fn binding(pod: &Pod, node: &str) -> Binding {
    Binding {
        metadata: ObjectMeta {
            name: pod.metadata.name.clone(),
            namespace: pod.metadata.namespace.clone(),
            uid: pod.metadata.uid.clone(),
            ..ObjectMeta::default()
        },
        target: ObjectReference {
            kind: Some("Node".into()),
            name: Some(node.to_owned()),
            ..ObjectReference::default()
        },
    }
}

impl BindPlugin for DefaultBinder {
    fn bind<'a>(
        &'a self,
        ctx: &'a BindContext,
        _state: &'a CycleState,
        pod: &'a Pod,
        node: &'a str,
    ) -> BoxFuture<'a, Status> {
        async move {
            let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
            let name = pod.metadata.name.as_deref().unwrap_or_default();
            let api: Api<Pod> = Api::namespaced(ctx.client.clone(), namespace);
            match api
                .create_subresource::<_, serde_json::Value>(
                    "binding",
                    name,
                    &PostParams::default(),
                    &binding(pod, node),
                )
                .await
            {
                Ok(_) => Status::success(),
                Err(kube::Error::Api(status)) => Status::error(status.message),
                Err(error) => Status::error(error.to_string()),
            }
        }
        .boxed()
    }
}
