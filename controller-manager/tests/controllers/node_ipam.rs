//! node-ipam-controller against a real API server: nodes get distinct pod CIDRs from the
//! cluster CIDR, never one already held, and inconsistent flags stop the start.

use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use k8s_openapi::api::core::v1::Node;
use kube::api::{Api, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;

#[tokio::test]
async fn nodes_get_distinct_subnets_of_the_cluster_cidr() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let nodes: Api<Node> = Api::all(client.clone());
    // Held before the controller starts: it must rebuild its used set from it.
    nodes
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({
                "metadata": {"name": "old"},
                "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
            }))?,
        )
        .await?;
    let _controllers = RunningControllers::start(
        &server,
        &[
            "--controllers=nodeipam",
            "--allocate-node-cidrs=true",
            "--cluster-cidr=10.244.0.0/16",
            "--service-cluster-ip-range=10.96.0.0/12",
        ],
    )
    .await?;
    for name in ["a", "b"] {
        nodes
            .create(
                &PostParams::default(),
                &serde_json::from_value(json!({"metadata": {"name": name}}))?,
            )
            .await?;
    }
    let mut cidrs = Vec::new();
    for name in ["a", "b"] {
        let cidr = eventually("a pod CIDR", || async {
            let node = nodes.get(name).await?;
            Ok(node.spec.and_then(|s| {
                let list = s.pod_cidrs.unwrap_or_default();
                assert_eq!(list.first(), s.pod_cidr.as_ref());
                s.pod_cidr
            }))
        })
        .await?;
        cidrs.push(cidr);
    }
    assert_ne!(cidrs[0], cidrs[1]);
    for cidr in &cidrs {
        assert!(
            cidr.starts_with("10.244.") && cidr.ends_with("/24"),
            "{cidr}"
        );
        assert_ne!(
            cidr, "10.244.0.0/24",
            "a subnet already held was handed out again"
        );
    }
    Ok(())
}

#[tokio::test]
async fn allocating_without_a_cluster_cidr_fails_the_start() -> Result<()> {
    let server = TestApiServer::start().await?;
    let controllers = RunningControllers::start(
        &server,
        &["--controllers=nodeipam", "--allocate-node-cidrs=true"],
    )
    .await?;
    let error = controllers.stop().await.unwrap_err();
    assert!(
        format!("{error:#}")
            .contains("Must specify --cluster-cidr if --allocate-node-cidrs is set"),
        "{error:#}"
    );
    Ok(())
}
