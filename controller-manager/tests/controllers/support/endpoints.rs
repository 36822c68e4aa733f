//! Objects the endpoints and endpointslice tests share: a namespace, a node, services, and
//! pods whose status the test sets itself (there is no kubelet: `status.podIP(s)`, the phase
//! and the Ready condition are written through the pods' status subresource, as a kubelet
//! would).

#![allow(dead_code)]

use anyhow::Result;
use k8s_openapi::api::core::v1::{Namespace, Node, Pod, Service};
use kube::Client;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::{Value, json};

/// Creates the namespace `name`.
pub async fn namespace(client: &Client, name: &str) -> Result<()> {
    let api: Api<Namespace> = Api::all(client.clone());
    api.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": name}}))?,
    )
    .await?;
    Ok(())
}

/// Creates the node `name` in `zone`.
pub async fn node(client: &Client, name: &str, zone: &str) -> Result<()> {
    let api: Api<Node> = Api::all(client.clone());
    api.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": name,
            "labels": {"topology.kubernetes.io/zone": zone}}}))?,
    )
    .await?;
    Ok(())
}

/// Creates a service in `namespace` from its `metadata` name and `spec`.
pub async fn service(client: &Client, namespace: &str, name: &str, spec: Value) -> Result<Service> {
    let api: Api<Service> = Api::namespaced(client.clone(), namespace);
    Ok(api
        .create(
            &PostParams::default(),
            &serde_json::from_value(
                json!({"metadata": {"name": name, "labels": {"team": "a"}}, "spec": spec}),
            )?,
        )
        .await?)
}

/// Creates a pod labelled `app: web` on `node-1` with the container port `http` at
/// `http_port`; `extra_spec` is merged into its spec.
pub async fn pod(
    client: &Client,
    namespace: &str,
    name: &str,
    http_port: i32,
    extra_spec: Value,
) -> Result<Pod> {
    let mut spec = json!({"nodeName": "node-1", "containers": [{"name": "app", "image": "web",
        "ports": [{"name": "http", "containerPort": http_port}]}]});
    if let (Some(spec), Some(extra)) = (spec.as_object_mut(), extra_spec.as_object()) {
        spec.extend(extra.clone());
    }
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    Ok(api
        .create(
            &PostParams::default(),
            &serde_json::from_value(
                json!({"metadata": {"name": name, "labels": {"app": "web"}}, "spec": spec}),
            )?,
        )
        .await?)
}

/// Sets the pod's status as a kubelet would: Running with `ip`, Ready or not.
pub async fn set_status(
    client: &Client,
    namespace: &str,
    name: &str,
    ip: &str,
    ready: bool,
) -> Result<()> {
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let status = if ready { "True" } else { "False" };
    let now = jiff::Timestamp::now().to_string();
    api.patch_status(
        name,
        &PatchParams::default(),
        &Patch::Merge(json!({"status": {
            "phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
            "conditions": [{"type": "Ready", "status": status, "lastTransitionTime": now}]
        }})),
    )
    .await?;
    Ok(())
}
