//! serviceaccount-controller against a real API server: every namespace gets a `default`
//! ServiceAccount, also when it is deleted.

use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;

#[tokio::test]
async fn every_namespace_gets_a_default_service_account_again_after_deletion() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers =
        RunningControllers::start(&server, &["--controllers=serviceaccount"]).await?;
    let namespaces: Api<Namespace> = Api::all(client.clone());
    namespaces
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "team-a"}}))?,
        )
        .await?;
    let accounts: Api<ServiceAccount> = Api::namespaced(client.clone(), "team-a");
    eventually("a default service account in team-a", || async {
        Ok(accounts.get_opt("default").await?)
    })
    .await?;
    accounts.delete("default", &DeleteParams::default()).await?;
    let again = eventually("the default service account to come back", || async {
        Ok(accounts.get_opt("default").await?)
    })
    .await?;
    assert_eq!(again.metadata.name.as_deref(), Some("default"));
    Ok(())
}
