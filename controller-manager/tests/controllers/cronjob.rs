//! cronjob-controller against a real API server. Only the job controller's absence matters
//! here: the CronJob's Jobs are created but nothing runs them.

use std::time::Duration;

use crate::support::{RunningControllers, eventually};
use anyhow::{Result, bail};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;

async fn namespace(client: &kube::Client, name: &str) -> Result<()> {
    let api: Api<Namespace> = Api::all(client.clone());
    api.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": name}}))?,
    )
    .await?;
    Ok(())
}

fn cron_job(name: &str, schedule: &str, extra: serde_json::Value) -> Result<CronJob> {
    let mut spec = json!({
        "schedule": schedule,
        "jobTemplate": {"metadata": {"labels": {"app": name}}, "spec": {"template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "main", "image": "busybox"}]}}}}
    });
    if let (Some(spec), Some(extra)) = (spec.as_object_mut(), extra.as_object()) {
        spec.extend(extra.clone());
    }
    Ok(serde_json::from_value(
        json!({"metadata": {"name": name}, "spec": spec}),
    )?)
}

/// The one test that waits for a minute boundary (up to ~65 s).
#[tokio::test]
async fn an_every_minute_cron_job_creates_a_job_at_the_next_minute() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    namespace(&client, "cron").await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=cronjob"]).await?;
    let cron_jobs: Api<CronJob> = Api::namespaced(client.clone(), "cron");
    let jobs: Api<Job> = Api::namespaced(client.clone(), "cron");
    let created = cron_jobs
        .create(
            &PostParams::default(),
            &cron_job("tick", "* * * * *", json!({"timeZone": "Etc/UTC"}))?,
        )
        .await?;
    let uid = created.metadata.uid.clone().unwrap_or_default();
    let mut job = None;
    for _ in 0..700 {
        let list = jobs.list(&ListParams::default()).await?;
        if let Some(found) = list.items.into_iter().next() {
            job = Some(found);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let Some(job) = job else {
        bail!("no job within 70 s")
    };
    let owner = &job.metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.uid.as_str(), owner.controller),
        ("CronJob", uid.as_str(), Some(true))
    );
    assert_eq!(job.metadata.labels.as_ref().unwrap()["app"], "tick");
    let scheduled = job.metadata.annotations.as_ref().unwrap()["batch.kubernetes.io/cronjob-scheduled-timestamp"].clone();
    let at: jiff::Timestamp = scheduled.parse()?;
    assert!(scheduled.ends_with('Z'));
    assert_eq!(at.as_second() % 60, 0);
    assert_eq!(
        job.metadata.name.as_deref(),
        Some(format!("tick-{}", at.as_second() / 60).as_str())
    );
    let cj = eventually("the job in status.active", || async {
        let cj = cron_jobs.get("tick").await?;
        let active = cj
            .status
            .as_ref()
            .and_then(|s| s.active.clone())
            .unwrap_or_default();
        Ok((active.len() == 1).then_some(cj))
    })
    .await?;
    let status = cj.status.unwrap();
    assert_eq!(status.active.unwrap()[0].name, job.metadata.name);
    assert_eq!(status.last_schedule_time.map(|t| t.0), Some(at));
    Ok(())
}

/// Finished Jobs past the history limits are deleted, oldest first, and completed Jobs in
/// the active list leave it; the CronJob is suspended so no new Job interferes.
#[tokio::test]
async fn finished_jobs_past_the_history_limits_are_deleted() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    namespace(&client, "cron").await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=cronjob"]).await?;
    let cron_jobs: Api<CronJob> = Api::namespaced(client.clone(), "cron");
    let jobs: Api<Job> = Api::namespaced(client.clone(), "cron");
    let cj = cron_jobs
        .create(
            &PostParams::default(),
            &cron_job("hist", "0 0 1 1 *", json!({"suspend": true, "successfulJobsHistoryLimit": 2, "failedJobsHistoryLimit": 1}))?,
        )
        .await?;
    let owner = json!([{"apiVersion": "batch/v1", "kind": "CronJob", "name": "hist",
        "uid": cj.metadata.uid, "controller": true, "blockOwnerDeletion": true}]);
    for (i, kind) in ["Complete", "Complete", "Complete", "Failed", "Failed"]
        .iter()
        .enumerate()
    {
        let name = format!("hist-{i}");
        jobs.create(
            &PostParams::default(),
            &serde_json::from_value(json!({
                "metadata": {"name": name, "ownerReferences": owner},
                "spec": {"template": {"spec": {"restartPolicy": "Never",
                    "containers": [{"name": "main", "image": "busybox"}]}}}
            }))?,
        )
        .await?;
        let status = json!({"status": {
            "startTime": format!("2026-01-01T00:0{i}:00Z"),
            "completionTime": format!("2026-01-01T00:0{i}:30Z"),
            "conditions": [{"type": kind, "status": "True",
                "lastTransitionTime": format!("2026-01-01T00:0{i}:30Z")}]
        }});
        jobs.patch_status(&name, &PatchParams::default(), &Patch::Merge(&status))
            .await?;
    }
    // Any change to the CronJob queues it again.
    cron_jobs
        .patch(
            "hist",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"touch": "1"}}})),
        )
        .await?;
    let left = eventually("the oldest finished jobs to go", || async {
        let mut names: Vec<String> = jobs
            .list(&ListParams::default())
            .await?
            .items
            .into_iter()
            .filter(|j| j.metadata.deletion_timestamp.is_none())
            .filter_map(|j| j.metadata.name)
            .collect();
        names.sort();
        Ok((names.len() == 3).then_some(names))
    })
    .await?;
    assert_eq!(left, ["hist-1", "hist-2", "hist-4"]);
    // The controller deletes the jobs first and writes the CronJob's status after.
    let last_success = eventually("the CronJob's lastSuccessfulTime", || async {
        let cj = cron_jobs.get("hist").await?;
        Ok(cj
            .status
            .and_then(|s| s.last_successful_time)
            .map(|t| t.0.to_string()))
    })
    .await?;
    assert_eq!(last_success, "2026-01-01T00:02:30Z");
    Ok(())
}
