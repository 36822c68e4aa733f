//! job-controller (and ttl-after-finished-controller) against a real API server.
//!
//! There is no kubelet here: the tests finish pods themselves by writing their phase (and,
//! where it matters, container exit codes) through the pod status subresource, as a kubelet
//! would.

use std::collections::BTreeSet;

use crate::support::{RunningControllers, eventually};
use anyhow::Result;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use tests::apiserver::TestApiServer;

const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";

async fn namespace(client: &kube::Client, name: &str) -> Result<()> {
    let api: Api<Namespace> = Api::all(client.clone());
    api.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": name}}))?,
    )
    .await?;
    Ok(())
}

async fn create_job(jobs: &Api<Job>, name: &str, spec: Value) -> Result<Job> {
    let mut spec = spec;
    spec["template"] = json!({
        "spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": "busybox"}]}
    });
    Ok(jobs
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": name}, "spec": spec}))?,
        )
        .await?)
}

/// The pods of the Job `name` that are neither finished nor being deleted.
async fn active_pods(pods: &Api<Pod>, name: &str) -> Result<Vec<Pod>> {
    let list = pods
        .list(&ListParams::default().labels(&format!("batch.kubernetes.io/job-name={name}")))
        .await?;
    Ok(list
        .items
        .into_iter()
        .filter(|p| {
            let phase = p.status.as_ref().and_then(|s| s.phase.clone());
            p.metadata.deletion_timestamp.is_none()
                && !matches!(phase.as_deref(), Some("Succeeded" | "Failed"))
        })
        .collect())
}

/// Finishes a pod as a kubelet would: the phase, and a terminated container with `code`.
async fn finish(pods: &Api<Pod>, pod: &Pod, phase: &str, code: i32) -> Result<()> {
    let status = json!({"status": {
        "phase": phase,
        "containerStatuses": [{"name": "main", "image": "busybox", "imageID": "",
            "ready": false, "restartCount": 0,
            "state": {"terminated": {"exitCode": code, "reason": "Completed",
                "finishedAt": "2026-01-01T00:00:00Z"}}}]
    }});
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    pods.patch_status(name, &PatchParams::default(), &Patch::Merge(&status))
        .await?;
    Ok(())
}

fn condition<'a>(
    job: &'a Job,
    type_: &str,
) -> Option<&'a k8s_openapi::api::batch::v1::JobCondition> {
    job.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_ && c.status == "True")
}

#[tokio::test]
async fn a_job_runs_at_most_parallelism_pods_and_completes_after_its_completions() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    namespace(&client, "batch").await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=job"]).await?;
    let jobs: Api<Job> = Api::namespaced(client.clone(), "batch");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "batch");
    create_job(&jobs, "five", json!({"completions": 5, "parallelism": 2})).await?;

    let finished = &std::sync::atomic::AtomicUsize::new(0);
    let job = eventually("the job to complete", || async {
        let active = active_pods(&pods, "five").await?;
        assert!(active.len() <= 2, "{} active pods", active.len());
        let job = jobs.get("five").await?;
        if condition(&job, "Complete").is_some() {
            return Ok(Some(job));
        }
        if let Some(pod) = active.first()
            && finished.load(std::sync::atomic::Ordering::SeqCst) < 5
        {
            assert!(
                pod.metadata
                    .finalizers
                    .iter()
                    .flatten()
                    .any(|f| f == TRACKING_FINALIZER)
            );
            finish(&pods, pod, "Succeeded", 0).await?;
            finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(None)
    })
    .await?;
    let status = job.status.clone().unwrap_or_default();
    assert_eq!(status.succeeded, Some(5));
    assert_eq!(status.active, Some(0));
    assert!(status.completion_time.is_some() && status.start_time.is_some());
    let complete = condition(&job, "Complete").unwrap();
    assert_eq!(complete.reason.as_deref(), Some("CompletionsReached"));
    assert!(condition(&job, "SuccessCriteriaMet").is_some());
    // Every counted pod lost its tracking finalizer.
    let all = pods.list(&ListParams::default()).await?;
    assert!(all.items.iter().all(|p| {
        p.metadata
            .finalizers
            .iter()
            .flatten()
            .all(|f| f != TRACKING_FINALIZER)
    }));
    Ok(())
}

#[tokio::test]
async fn failures_past_the_backoff_limit_fail_the_job() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    namespace(&client, "batch").await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=job"]).await?;
    let jobs: Api<Job> = Api::namespaced(client.clone(), "batch");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "batch");
    create_job(
        &jobs,
        "flaky",
        json!({"completions": 2, "parallelism": 2, "backoffLimit": 1}),
    )
    .await?;
    let both = eventually("two pods", || async {
        let active = active_pods(&pods, "flaky").await?;
        Ok((active.len() == 2).then_some(active))
    })
    .await?;
    for pod in &both {
        finish(&pods, pod, "Failed", 1).await?;
    }
    let job = eventually("the job to fail", || async {
        let job = jobs.get("flaky").await?;
        Ok(condition(&job, "Failed").is_some().then_some(job))
    })
    .await?;
    let failed = condition(&job, "Failed").unwrap();
    assert_eq!(failed.reason.as_deref(), Some("BackoffLimitExceeded"));
    assert_eq!(
        failed.message.as_deref(),
        Some("Job has reached the specified backoff limit")
    );
    assert!(condition(&job, "FailureTarget").is_some());
    assert_eq!(job.status.as_ref().and_then(|s| s.failed), Some(2));
    Ok(())
}

#[tokio::test]
async fn an_indexed_job_runs_every_index_once() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    namespace(&client, "batch").await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=job"]).await?;
    let jobs: Api<Job> = Api::namespaced(client.clone(), "batch");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "batch");
    create_job(
        &jobs,
        "idx",
        json!({"completions": 3, "parallelism": 3, "completionMode": "Indexed"}),
    )
    .await?;
    let created = eventually("three pods", || async {
        let active = active_pods(&pods, "idx").await?;
        Ok((active.len() == 3).then_some(active))
    })
    .await?;
    let mut indexes = BTreeSet::new();
    for pod in &created {
        let index =
            pod.metadata.annotations.as_ref().unwrap()["batch.kubernetes.io/job-completion-index"]
                .clone();
        assert_eq!(
            pod.metadata.labels.as_ref().unwrap()["batch.kubernetes.io/job-completion-index"],
            index
        );
        let spec = pod.spec.as_ref().unwrap();
        assert_eq!(
            spec.hostname.as_deref(),
            Some(format!("idx-{index}").as_str())
        );
        assert!(
            spec.containers[0]
                .env
                .iter()
                .flatten()
                .any(|e| e.name == "JOB_COMPLETION_INDEX")
        );
        assert!(
            pod.metadata
                .name
                .as_deref()
                .unwrap()
                .starts_with(&format!("idx-{index}-"))
        );
        indexes.insert(index);
    }
    assert_eq!(
        indexes,
        BTreeSet::from(["0".to_owned(), "1".to_owned(), "2".to_owned()])
    );
    for pod in &created {
        finish(&pods, pod, "Succeeded", 0).await?;
    }
    let job = eventually("the job to complete", || async {
        let job = jobs.get("idx").await?;
        Ok(condition(&job, "Complete").is_some().then_some(job))
    })
    .await?;
    let status = job.status.unwrap();
    assert_eq!(status.completed_indexes.as_deref(), Some("0-2"));
    assert_eq!(status.succeeded, Some(3));
    Ok(())
}

#[tokio::test]
async fn suspending_a_job_deletes_its_active_pods() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    namespace(&client, "batch").await?;
    let _controllers = RunningControllers::start(&server, &["--controllers=job"]).await?;
    let jobs: Api<Job> = Api::namespaced(client.clone(), "batch");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "batch");
    create_job(&jobs, "sleepy", json!({"completions": 4, "parallelism": 2})).await?;
    eventually("two pods", || async {
        Ok((active_pods(&pods, "sleepy").await?.len() == 2).then_some(()))
    })
    .await?;
    jobs.patch(
        "sleepy",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"suspend": true}})),
    )
    .await?;
    let job = eventually("the pods to go and the job to be suspended", || async {
        let left = pods.list(&ListParams::default()).await?.items.len();
        let job = jobs.get("sleepy").await?;
        Ok((left == 0 && condition(&job, "Suspended").is_some()).then_some(job))
    })
    .await?;
    let suspended = condition(&job, "Suspended").unwrap();
    assert_eq!(suspended.reason.as_deref(), Some("JobSuspended"));
    assert_eq!(job.status.as_ref().and_then(|s| s.active), Some(0));
    Ok(())
}

#[tokio::test]
async fn a_finished_job_with_a_zero_ttl_is_deleted() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    namespace(&client, "batch").await?;
    let _controllers =
        RunningControllers::start(&server, &["--controllers=job,ttl-after-finished"]).await?;
    let jobs: Api<Job> = Api::namespaced(client.clone(), "batch");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "batch");
    create_job(&jobs, "brief", json!({"ttlSecondsAfterFinished": 0})).await?;
    let pod = eventually("a pod", || async {
        Ok(active_pods(&pods, "brief").await?.into_iter().next())
    })
    .await?;
    finish(&pods, &pod, "Succeeded", 0).await?;
    // Deleted in the foreground: without a garbage collector here the Job stays, marked for
    // deletion with the foregroundDeletion finalizer; with one it would disappear.
    eventually("the job to be deleted", || async {
        Ok(match jobs.get_opt("brief").await? {
            None => Some(()),
            Some(job) => job.metadata.deletion_timestamp.is_some().then_some(()),
        })
    })
    .await?;
    Ok(())
}
