//! deployment-controller against a real API server, with only that controller running.
//!
//! There is no ReplicaSet controller (nor kubelet) here: each test plays the ReplicaSet
//! controller itself with a small background task that copies every ReplicaSet's
//! `spec.replicas` into its `status.replicas/readyReplicas/availableReplicas` (and
//! `observedGeneration`) through the status subresource, as if its pods started at once.
//! kubectl (`rollout status/history/undo/pause/resume`, `scale`) drives the Deployments.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::support::{RunningControllers, eventually};
use anyhow::{Context, Result, bail};
use futures::TryStreamExt;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use k8s_openapi::api::events::v1::Event;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::watcher::{self, Event as WatchEvent};
use kube::{Client, ResourceExt};
use serde_json::json;
use tests::apiserver::TestApiServer;
use tests::kubectl;

const REVISION: &str = "deployment.kubernetes.io/revision";

/// What the fake ReplicaSet controller saw: per ReplicaSet, (spec.replicas, available).
#[derive(Default)]
struct Observed {
    sets: BTreeMap<String, (i32, i32)>,
    /// After each change: (sum of spec.replicas, sum of available replicas).
    totals: Vec<(i32, i32)>,
}

/// Plays the ReplicaSet controller in `namespace` (see the module doc).
fn fake_replicaset_controller(
    client: Client,
    namespace: &str,
    observed: Arc<Mutex<Observed>>,
) -> tokio::task::JoinHandle<()> {
    let api: Api<ReplicaSet> = Api::namespaced(client, namespace);
    tokio::spawn(async move {
        let mut stream = Box::pin(watcher::watcher(api.clone(), watcher::Config::default()));
        while let Ok(Some(event)) = stream.try_next().await {
            let (rs, deleted) = match event {
                WatchEvent::Apply(rs) | WatchEvent::InitApply(rs) => (rs, false),
                WatchEvent::Delete(rs) => (rs, true),
                _ => continue,
            };
            let name = rs.name_any();
            let spec = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let status = rs.status.clone().unwrap_or_default();
            let available = status.available_replicas.unwrap_or(0);
            {
                let mut seen = observed.lock().unwrap_or_else(|e| e.into_inner());
                if deleted {
                    seen.sets.remove(&name);
                } else {
                    seen.sets.insert(name.clone(), (spec, available));
                }
                let total = seen.sets.values().map(|(s, _)| s).sum();
                let available_total = seen.sets.values().map(|(_, a)| a).sum();
                seen.totals.push((total, available_total));
            }
            let generation = rs.metadata.generation.unwrap_or(0);
            let in_sync = status.replicas == spec
                && available == spec
                && status.observed_generation == Some(generation);
            if deleted || in_sync {
                continue;
            }
            let patch = json!({"status": {
                "replicas": spec, "fullyLabeledReplicas": spec, "readyReplicas": spec,
                "availableReplicas": spec, "observedGeneration": generation,
            }});
            let _ = api
                .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
                .await;
        }
    })
}

struct Fixture {
    server: TestApiServer,
    client: Client,
    namespace: String,
    observed: Arc<Mutex<Observed>>,
    _fake: tokio::task::JoinHandle<()>,
    _controllers: RunningControllers,
}

impl Fixture {
    async fn start(namespace: &str) -> Result<Self> {
        let server = TestApiServer::start().await?;
        let client = server.client().await?;
        Api::<Namespace>::all(client.clone())
            .create(
                &PostParams::default(),
                &serde_json::from_value(json!({"metadata": {"name": namespace}}))?,
            )
            .await?;
        let observed = Arc::new(Mutex::new(Observed::default()));
        let fake = fake_replicaset_controller(client.clone(), namespace, observed.clone());
        let controllers = RunningControllers::start(&server, &["--controllers=deployment"]).await?;
        Ok(Self {
            server,
            client,
            namespace: namespace.to_owned(),
            observed,
            _fake: fake,
            _controllers: controllers,
        })
    }

    fn deployments(&self) -> Api<Deployment> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    fn replica_sets(&self) -> Api<ReplicaSet> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    /// Runs kubectl in the fixture's namespace, off the async runtime.
    async fn kubectl(&self, args: &[&str]) -> Result<kubectl::Output> {
        let binary: PathBuf = kubectl::binary("").context("kubectl is not installed")?;
        let kubeconfig = self.server.kubeconfig.clone();
        let mut full = vec!["-n".to_owned(), self.namespace.clone()];
        full.extend(args.iter().map(|a| (*a).to_owned()));
        Ok(tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = full.iter().map(String::as_str).collect();
            kubectl::run(&binary, &kubeconfig, &args)
        })
        .await?)
    }

    async fn kubectl_ok(&self, args: &[&str]) -> Result<String> {
        let out = self.kubectl(args).await?;
        if !out.success {
            bail!("kubectl {args:?} failed: {}{}", out.stdout, out.stderr);
        }
        Ok(out.stdout)
    }

    async fn create(&self, name: &str, replicas: i32, strategy: serde_json::Value) -> Result<()> {
        let d = json!({
            "metadata": {"name": name, "annotations": {"kubernetes.io/change-cause": "v1"}},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": name}},
                "strategy": strategy,
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1"}]}
                }
            }
        });
        self.deployments()
            .create(&PostParams::default(), &serde_json::from_value(d)?)
            .await?;
        Ok(())
    }

    async fn set_image(&self, name: &str, image: &str, cause: &str) -> Result<()> {
        let patch = json!({
            "metadata": {"annotations": {"kubernetes.io/change-cause": cause}},
            "spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}
        });
        self.deployments()
            .patch(name, &PatchParams::default(), &Patch::Strategic(&patch))
            .await?;
        Ok(())
    }

    /// The ReplicaSets controlled by the Deployment `name`, oldest first.
    async fn owned_replica_sets(&self, name: &str) -> Result<Vec<ReplicaSet>> {
        let d = self.deployments().get(name).await?;
        let mut sets: Vec<ReplicaSet> = self
            .replica_sets()
            .list(&ListParams::default())
            .await?
            .items
            .into_iter()
            .filter(|rs| {
                rs.owner_references()
                    .iter()
                    .any(|r| Some(&r.uid) == d.metadata.uid.as_ref())
            })
            .collect();
        // Creation times have one-second resolution: the revision orders sets made together.
        sets.sort_by_key(|rs| {
            let revision: i64 = rs
                .annotations()
                .get("deployment.kubernetes.io/revision")
                .and_then(|r| r.parse().ok())
                .unwrap_or(0);
            (rs.creation_timestamp().map(|t| t.0), revision)
        });
        Ok(sets)
    }

    /// Waits until the Deployment is observed, fully rolled out and Available.
    async fn wait_complete(&self, name: &str, replicas: i32) -> Result<Deployment> {
        let api = self.deployments();
        eventually(&format!("deployment {name} to complete"), || {
            let api = api.clone();
            async move {
                let d = api.get(name).await?;
                let status = d.status.clone().unwrap_or_default();
                let complete = status.observed_generation >= d.metadata.generation
                    && status.replicas.unwrap_or(0) == replicas
                    && status.updated_replicas.unwrap_or(0) == replicas
                    && status.available_replicas.unwrap_or(0) == replicas
                    && condition_reason(&d, "Progressing").as_deref()
                        == Some("NewReplicaSetAvailable");
                Ok(complete.then_some(d))
            }
        })
        .await
    }
}

fn condition_reason(d: &Deployment, type_: &str) -> Option<String> {
    d.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)?
        .reason
        .clone()
}

fn annotation(rs: &ReplicaSet, key: &str) -> Option<String> {
    rs.annotations().get(key).cloned()
}

fn replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

#[tokio::test]
async fn rolling_update_rollover_history_and_undo() -> Result<()> {
    let f = Fixture::start("rolling").await?;
    let strategy = json!({"type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}});
    f.create("web", 3, strategy).await?;

    // The first ReplicaSet: named by the template hash, labelled and annotated.
    let d = f.wait_complete("web", 3).await?;
    let sets = f.owned_replica_sets("web").await?;
    assert_eq!(sets.len(), 1);
    let first = &sets[0];
    let hash = first.labels()["pod-template-hash"].clone();
    assert_eq!(first.name_any(), format!("web-{hash}"));
    let spec = first.spec.clone().unwrap_or_default();
    assert_eq!(
        spec.selector.match_labels.unwrap_or_default()["pod-template-hash"],
        hash
    );
    let template_labels = spec
        .template
        .and_then(|t| t.metadata)
        .and_then(|m| m.labels);
    assert_eq!(
        template_labels.unwrap_or_default()["pod-template-hash"],
        hash
    );
    assert_eq!(annotation(first, REVISION).as_deref(), Some("1"));
    assert_eq!(
        annotation(first, "deployment.kubernetes.io/desired-replicas").as_deref(),
        Some("3")
    );
    assert_eq!(
        annotation(first, "deployment.kubernetes.io/max-replicas").as_deref(),
        Some("4")
    );
    assert_eq!(
        annotation(first, "kubernetes.io/change-cause").as_deref(),
        Some("v1")
    );
    assert_eq!(d.annotations().get(REVISION).map(String::as_str), Some("1"));
    assert_eq!(
        condition_reason(&d, "Available").as_deref(),
        Some("MinimumReplicasAvailable")
    );
    let status = f
        .kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await?;
    assert!(status.contains("successfully rolled out"), "{status}");

    // The scale-up is an event, with upstream's wording.
    let events: Api<Event> = Api::namespaced(f.client.clone(), "rolling");
    let expected = format!("Scaled up replica set web-{hash} from 0 to 3");
    eventually("the ScalingReplicaSet event", || {
        let events = events.clone();
        let expected = expected.clone();
        async move {
            let list = events.list(&ListParams::default()).await?;
            Ok(list.items.into_iter().find(|e| {
                e.reason.as_deref() == Some("ScalingReplicaSet")
                    && e.note.as_deref() == Some(&expected)
            }))
        }
    })
    .await?;

    // A new image rolls over to a second ReplicaSet within maxSurge and maxUnavailable.
    f.observed
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .totals
        .clear();
    f.set_image("web", "nginx:2", "v2").await?;
    eventually("a second replica set", || async {
        let sets = f.owned_replica_sets("web").await?;
        Ok((sets.len() == 2 && replicas(&sets[0]) == 0 && replicas(&sets[1]) == 3).then_some(()))
    })
    .await?;
    let d = f.wait_complete("web", 3).await?;
    assert_eq!(d.annotations().get(REVISION).map(String::as_str), Some("2"));
    let totals = f
        .observed
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .totals
        .clone();
    assert!(!totals.is_empty());
    for (total, available) in &totals {
        assert!(*total <= 4, "more than replicas + maxSurge: {totals:?}");
        assert!(
            *available >= 3,
            "less than replicas - maxUnavailable: {totals:?}"
        );
    }
    let sets = f.owned_replica_sets("web").await?;
    assert_eq!(annotation(&sets[1], REVISION).as_deref(), Some("2"));
    assert_eq!(
        annotation(&sets[1], "kubernetes.io/change-cause").as_deref(),
        Some("v2")
    );

    let history = f
        .kubectl_ok(&["rollout", "history", "deployment/web"])
        .await?;
    let rows: Vec<Vec<&str>> = history
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(rows.contains(&vec!["1", "v1"]), "{history}");
    assert!(rows.contains(&vec!["2", "v2"]), "{history}");

    // Undo goes back to the first ReplicaSet, as revision 3; no third ReplicaSet.
    f.kubectl_ok(&["rollout", "undo", "deployment/web"]).await?;
    let first_name = first.name_any();
    eventually("the first replica set to come back", || async {
        let sets = f.owned_replica_sets("web").await?;
        let back = sets.iter().find(|rs| rs.name_any() == first_name);
        Ok(back
            .filter(|rs| sets.len() == 2 && replicas(rs) == 3)
            .map(|rs| {
                (
                    annotation(rs, REVISION),
                    annotation(rs, "deployment.kubernetes.io/revision-history"),
                )
            }))
    })
    .await
    .map(|(revision, history)| {
        assert_eq!(revision.as_deref(), Some("3"));
        assert_eq!(history.as_deref(), Some("1"));
    })?;
    let d = f.wait_complete("web", 3).await?;
    assert_eq!(d.annotations().get(REVISION).map(String::as_str), Some("3"));
    let sets = f.owned_replica_sets("web").await?;
    assert!(
        sets.iter()
            .any(|rs| rs.name_any() != first_name && replicas(rs) == 0)
    );
    f.kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await?;
    Ok(())
}

#[tokio::test]
async fn paused_deployments_only_scale_until_resumed() -> Result<()> {
    let f = Fixture::start("paused").await?;
    f.create("web", 2, json!({"type": "RollingUpdate"})).await?;
    f.wait_complete("web", 2).await?;
    f.kubectl_ok(&["rollout", "pause", "deployment/web"])
        .await?;
    f.set_image("web", "nginx:2", "v2").await?;
    let api = f.deployments();
    let d = eventually("the paused deployment to be observed", || async {
        let d = api.get("web").await?;
        let observed = d.status.as_ref().and_then(|s| s.observed_generation);
        Ok((observed == d.metadata.generation).then_some(d))
    })
    .await?;
    assert_eq!(
        condition_reason(&d, "Progressing").as_deref(),
        Some("DeploymentPaused")
    );
    assert_eq!(
        f.owned_replica_sets("web").await?.len(),
        1,
        "a paused deployment rolled out"
    );

    // Scaling still works while paused.
    f.kubectl_ok(&["scale", "deployment/web", "--replicas=4"])
        .await?;
    eventually("the paused deployment to scale", || async {
        let sets = f.owned_replica_sets("web").await?;
        Ok((sets.len() == 1 && replicas(&sets[0]) == 4).then_some(()))
    })
    .await?;

    f.kubectl_ok(&["rollout", "resume", "deployment/web"])
        .await?;
    f.wait_complete("web", 4).await?;
    let sets = f.owned_replica_sets("web").await?;
    assert_eq!(sets.len(), 2);
    assert_eq!((replicas(&sets[0]), replicas(&sets[1])), (0, 4));
    Ok(())
}

#[tokio::test]
async fn recreate_scales_old_to_zero_and_waits_for_old_pods() -> Result<()> {
    let f = Fixture::start("recreate").await?;
    f.create("db", 2, json!({"type": "Recreate"})).await?;
    f.wait_complete("db", 2).await?;
    let old = f.owned_replica_sets("db").await?.remove(0);

    // A pod of the old ReplicaSet that is still running (set by the test, as a kubelet would).
    let pods: Api<Pod> = Api::namespaced(f.client.clone(), "recreate");
    let hash = old.labels()["pod-template-hash"].clone();
    let pod = json!({
        "metadata": {"name": "db-old", "labels": {"app": "db", "pod-template-hash": hash},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "name": old.name_any(), "uid": old.uid(), "controller": true}]},
        "spec": {"containers": [{"name": "web", "image": "nginx:1"}]}
    });
    pods.create(&PostParams::default(), &serde_json::from_value(pod)?)
        .await?;
    pods.patch_status(
        "db-old",
        &PatchParams::default(),
        &Patch::Merge(&json!({"status": {"phase": "Running"}})),
    )
    .await?;

    f.set_image("db", "nginx:2", "v2").await?;
    let api = f.deployments();
    eventually(
        "the old replica set to be scaled down and the status observed",
        || async {
            let d = api.get("db").await?;
            let observed =
                d.status.as_ref().and_then(|s| s.observed_generation) == d.metadata.generation;
            let sets = f.owned_replica_sets("db").await?;
            Ok(
                (observed
                    && replicas(&sets[0]) == 0
                    && d.status.and_then(|s| s.replicas).is_none())
                .then_some(()),
            )
        },
    )
    .await?;
    // The old pod still runs: no new ReplicaSet yet.
    assert_eq!(f.owned_replica_sets("db").await?.len(), 1);

    pods.delete("db-old", &DeleteParams::default().grace_period(0))
        .await?;
    f.wait_complete("db", 2).await?;
    let sets = f.owned_replica_sets("db").await?;
    assert_eq!(sets.len(), 2);
    assert_eq!((replicas(&sets[0]), replicas(&sets[1])), (0, 2));
    let totals = f
        .observed
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .totals
        .clone();
    // Never old and new pods at once.
    assert!(totals.iter().all(|(total, _)| *total <= 2), "{totals:?}");
    Ok(())
}
