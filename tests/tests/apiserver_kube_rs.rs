//! The API server driven by kube-rs, an independent client: CRUD, errors as upstream shapes
//! them, lists with selectors and paging, and watches.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams,
};
use tests::apiserver::TestApiServer;

fn config_map(name: &str, labels: &[(&str, &str)]) -> ConfigMap {
    let mut map: ConfigMap = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name},
        "data": {"key": "value"},
    }))
    .unwrap();
    map.metadata.labels = Some(
        labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    );
    map
}

fn api_error(error: kube::Error) -> kube::core::Status {
    match error {
        kube::Error::Api(response) => *response,
        other => panic!("expected an API error, got {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crud_errors_lists_and_watches() {
    crud_errors_lists_and_watches_on(TestApiServer::start().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crud_errors_lists_and_watches_on_etcd() {
    crud_errors_lists_and_watches_on(TestApiServer::start_on_etcd().await.unwrap()).await;
}

async fn crud_errors_lists_and_watches_on(server: TestApiServer) {
    let client = server.client().await.unwrap();

    // The system namespaces exist from the start.
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let names: Vec<String> = namespaces
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|n| n.metadata.name)
        .collect();
    for expected in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }

    let maps: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let created = maps
        .create(&PostParams::default(), &config_map("a", &[("app", "web")]))
        .await
        .unwrap();
    let uid = created.metadata.uid.clone().unwrap();
    assert!(created.metadata.resource_version.is_some());
    assert!(created.metadata.creation_timestamp.is_some());

    let duplicate = api_error(
        maps.create(&PostParams::default(), &config_map("a", &[]))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (duplicate.code, duplicate.reason.as_str()),
        (409, "AlreadyExists")
    );
    assert_eq!(duplicate.message, "configmaps \"a\" already exists");

    let missing = api_error(maps.get("nope").await.unwrap_err());
    assert_eq!((missing.code, missing.reason.as_str()), (404, "NotFound"));
    assert_eq!(missing.message, "configmaps \"nope\" not found");

    let invalid = api_error(
        maps.create(&PostParams::default(), &config_map("Bad_Name", &[]))
            .await
            .unwrap_err(),
    );
    assert_eq!((invalid.code, invalid.reason.as_str()), (422, "Invalid"));
    assert!(
        invalid.message.starts_with(
            "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\""
        ),
        "{}",
        invalid.message
    );

    let no_namespace: Api<ConfigMap> = Api::namespaced(client.clone(), "missing");
    let refused = api_error(
        no_namespace
            .create(&PostParams::default(), &config_map("x", &[]))
            .await
            .unwrap_err(),
    );
    assert_eq!(refused.code, 404);
    assert_eq!(refused.message, "namespaces \"missing\" not found");

    // A stale update conflicts; a fresh one works.
    let mut stale = created.clone();
    let patched = maps
        .patch(
            "a",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"data": {"key": "patched"}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.data.unwrap()["key"], "patched");
    stale.data = Some(BTreeMap::from([("key".into(), "stale".into())]));
    let conflict = api_error(
        maps.replace("a", &PostParams::default(), &stale)
            .await
            .unwrap_err(),
    );
    assert_eq!((conflict.code, conflict.reason.as_str()), (409, "Conflict"));

    // Lists: selectors and paging.
    for i in 0..5 {
        maps.create(
            &PostParams::default(),
            &config_map(&format!("b{i}"), &[("app", "db")]),
        )
        .await
        .unwrap();
    }
    let db = maps
        .list(&ListParams::default().labels("app=db"))
        .await
        .unwrap();
    assert_eq!(db.items.len(), 5);
    let by_name = maps
        .list(&ListParams::default().fields("metadata.name=a"))
        .await
        .unwrap();
    assert_eq!(by_name.items.len(), 1);
    let first = maps.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(first.items.len(), 2);
    let token = first.metadata.continue_.clone().unwrap();
    let rest = maps
        .list(&ListParams::default().limit(10).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(first.items.len() + rest.items.len(), 6);
    assert_eq!(
        rest.metadata.resource_version,
        first.metadata.resource_version
    );

    // Watch from the list's resourceVersion sees later changes, in order.
    let from = db.metadata.resource_version.clone().unwrap();
    let mut events = maps
        .watch(&WatchParams::default().labels("app=db"), &from)
        .await
        .unwrap()
        .boxed();
    maps.delete("b0", &DeleteParams::default()).await.unwrap();
    maps.create(&PostParams::default(), &config_map("b9", &[("app", "db")]))
        .await
        .unwrap();
    // Selector transitions: leaving the selection is a DELETED, entering it an ADDED.
    let relabel =
        |app: &str| Patch::Merge(serde_json::json!({"metadata": {"labels": {"app": app}}}));
    let params = PatchParams::default();
    maps.patch("b1", &params, &relabel("web")).await.unwrap();
    maps.patch("a", &params, &relabel("db")).await.unwrap();
    let data = Patch::Merge(serde_json::json!({"data": {"key": "changed"}}));
    maps.patch("b2", &params, &data).await.unwrap();
    let mut seen = Vec::new();
    while seen.len() < 5 {
        let event = tokio::time::timeout(Duration::from_secs(10), events.try_next())
            .await
            .expect("watch event within 10s")
            .unwrap()
            .expect("watch stream open");
        match event {
            WatchEvent::Added(map) => seen.push(format!("ADDED {}", map.metadata.name.unwrap())),
            WatchEvent::Deleted(map) => {
                seen.push(format!("DELETED {}", map.metadata.name.unwrap()))
            }
            WatchEvent::Modified(map) => {
                seen.push(format!("MODIFIED {}", map.metadata.name.unwrap()))
            }
            WatchEvent::Bookmark(_) => {}
            WatchEvent::Error(e) => panic!("watch error {e:?}"),
        }
    }
    assert_eq!(
        seen,
        vec![
            "DELETED b0",
            "ADDED b9",
            "DELETED b1",
            "ADDED a",
            "MODIFIED b2"
        ]
    );

    // Deleting with a wrong uid precondition is refused; deleting works.
    let wrong = api_error(
        maps.delete(
            "a",
            &DeleteParams::default().preconditions(kube::api::Preconditions {
                uid: Some("not-the-uid".into()),
                resource_version: None,
            }),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(wrong.code, 409);
    assert!(maps.delete("a", &DeleteParams::default()).await.is_ok());
    assert_eq!(api_error(maps.get("a").await.unwrap_err()).code, 404);
    assert_ne!(uid, "");

    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_get_cluster_ips_and_node_ports_once() {
    use k8s_openapi::api::core::v1::Service;
    let server = TestApiServer::start().await.unwrap();
    let client = server.client().await.unwrap();
    let services: Api<Service> = Api::namespaced(client.clone(), "default");

    let kubernetes = services.get("kubernetes").await.unwrap();
    let spec = kubernetes.spec.unwrap();
    assert_eq!(spec.cluster_ip.as_deref(), Some("10.96.0.1"));

    let service = |name: &str, node_port: Option<i32>| -> Service {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"type": "NodePort", "selector": {"app": name},
                "ports": [{"port": 80, "nodePort": node_port}]}
        }))
        .unwrap()
    };
    let web = services
        .create(&PostParams::default(), &service("web", Some(30080)))
        .await
        .unwrap();
    let spec = web.spec.unwrap();
    let ip: std::net::Ipv4Addr = spec.cluster_ip.unwrap().parse().unwrap();
    assert_eq!(ip.octets()[0], 10);
    assert_ne!(ip.to_string(), "10.96.0.1");
    assert_eq!(spec.ports.unwrap()[0].node_port, Some(30080));

    let taken = api_error(
        services
            .create(&PostParams::default(), &service("other", Some(30080)))
            .await
            .unwrap_err(),
    );
    assert_eq!(taken.code, 422);
    assert!(
        taken.message.contains("provided port is already allocated"),
        "{}",
        taken.message
    );

    // Deleting releases the port for the next Service.
    services
        .delete("web", &DeleteParams::default())
        .await
        .unwrap();
    let again = services
        .create(&PostParams::default(), &service("other", Some(30080)))
        .await
        .unwrap();
    assert_eq!(again.spec.unwrap().ports.unwrap()[0].node_port, Some(30080));

    // Server-side Table output, as kubectl asks for it.
    let request = http::Request::get("/api/v1/namespaces/default/services")
        .header(
            "Accept",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
        )
        .body(Vec::new())
        .unwrap();
    let table: serde_json::Value = client.request(request).await.unwrap();
    assert_eq!(table["kind"], "Table");
    let columns: Vec<&str> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        &columns[..6],
        [
            "Name",
            "Type",
            "Cluster-IP",
            "External-IP",
            "Port(s)",
            "Age"
        ]
    );
    assert_eq!(table["rows"].as_array().unwrap().len(), 2);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_binding_and_graceful_pod_deletion() {
    use k8s_openapi::api::apps::v1::Deployment;
    use k8s_openapi::api::core::v1::Pod;
    let server = TestApiServer::start().await.unwrap();
    let client = server.client().await.unwrap();

    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let deployment: Deployment = serde_json::from_value(serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}
    }))
    .unwrap();
    deployments
        .create(&PostParams::default(), &deployment)
        .await
        .unwrap();
    let scale = deployments.get_scale("web").await.unwrap();
    assert_eq!(scale.spec.unwrap().replicas, Some(2));
    assert_eq!(scale.status.unwrap().selector.as_deref(), Some("app=web"));
    deployments
        .patch_scale(
            "web",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"spec": {"replicas": 5}})),
        )
        .await
        .unwrap();
    let scaled = deployments.get("web").await.unwrap();
    assert_eq!(scaled.spec.unwrap().replicas, Some(5));
    assert_eq!(scaled.metadata.generation, Some(2));

    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]}
    }))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    let bind = |node: &str| {
        http::Request::post("/api/v1/namespaces/default/pods/p/binding")
            .header("Content-Type", "application/json")
            .body(
                serde_json::to_vec(&serde_json::json!({"apiVersion": "v1", "kind": "Binding",
                    "metadata": {"name": "p"}, "target": {"apiVersion": "v1", "kind": "Node", "name": node}}))
                .unwrap(),
            )
            .unwrap()
    };
    client
        .request::<serde_json::Value>(bind("node-1"))
        .await
        .unwrap();
    let bound = pods.get("p").await.unwrap();
    assert_eq!(bound.spec.unwrap().node_name.as_deref(), Some("node-1"));
    let scheduled = bound.status.unwrap().conditions.unwrap();
    assert!(
        scheduled
            .iter()
            .any(|c| c.type_ == "PodScheduled" && c.status == "True")
    );
    let again = client
        .request::<serde_json::Value>(bind("node-2"))
        .await
        .unwrap_err();
    assert_eq!(api_error(again).code, 409);

    // The kubelet-backed subresources go to the pod's node, which does not exist here: the
    // API server says so, as upstream (the Node lookup's NotFound).
    let logs = client
        .request_text(
            http::Request::get("/api/v1/namespaces/default/pods/p/log")
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap_err();
    let logs = api_error(logs);
    assert_eq!((logs.code, logs.reason.as_str()), (404, "NotFound"));
    assert!(logs.message.contains("node-1"), "{}", logs.message);

    // A pod on a node is only marked for deletion; grace period 0 removes it.
    pods.delete("p", &DeleteParams::default()).await.unwrap();
    let marked = pods.get("p").await.unwrap();
    assert!(marked.metadata.deletion_timestamp.is_some());
    assert_eq!(marked.metadata.deletion_grace_period_seconds, Some(30));
    pods.delete("p", &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    assert_eq!(api_error(pods.get("p").await.unwrap_err()).code, 404);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchers_resume_across_an_api_server_restart() {
    watchers_resume_across_a_restart(TestApiServer::start().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchers_resume_across_an_api_server_restart_on_etcd() {
    watchers_resume_across_a_restart(TestApiServer::start_on_etcd().await.unwrap()).await;
}

async fn watchers_resume_across_a_restart(mut server: TestApiServer) {
    use kube::runtime::watcher;
    let client = server.client().await.unwrap();
    let maps: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let mut events = watcher::watcher(maps.clone(), watcher::Config::default()).boxed();

    let mut seen: Vec<String> = Vec::new();
    for i in 0..3 {
        maps.create(
            &PostParams::default(),
            &config_map(&format!("before-{i}"), &[]),
        )
        .await
        .unwrap();
    }
    let before = collect_names(&mut events, &mut seen, 3).await;
    assert_eq!(before, ["before-0", "before-1", "before-2"]);

    server.restart().await.unwrap();
    for i in 0..3 {
        maps.create(
            &PostParams::default(),
            &config_map(&format!("after-{i}"), &[]),
        )
        .await
        .unwrap();
    }
    let all = collect_names(&mut events, &mut seen, 6).await;
    // Every change once, in order: nothing missed, nothing repeated by the re-watch.
    assert_eq!(
        all,
        [
            "before-0", "before-1", "before-2", "after-0", "after-1", "after-2"
        ]
    );
    server.stop().await.unwrap();
}

/// Collects the names of applied objects until `count` were seen. Watch errors while the
/// server restarts are expected: the watcher retries from its last resourceVersion.
async fn collect_names<S>(events: &mut S, seen: &mut Vec<String>, count: usize) -> Vec<String>
where
    S: futures::Stream<
            Item = Result<kube::runtime::watcher::Event<ConfigMap>, kube::runtime::watcher::Error>,
        > + Unpin,
{
    use kube::runtime::watcher::Event;
    while seen.len() < count {
        let event = tokio::time::timeout(Duration::from_secs(30), events.next())
            .await
            .expect("an event within 30s")
            .expect("the watcher goes on");
        if let Ok(Event::Apply(map) | Event::InitApply(map)) = event {
            seen.push(map.metadata.name.unwrap());
        }
    }
    seen.clone()
}

/// The value of one sample in a Prometheus text exposition, if present.
fn metric(text: &str, sample: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(sample)?.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watch_cache_serves_informers_and_is_measured() {
    watch_cache_serves_informers(TestApiServer::start().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watch_cache_serves_informers_on_etcd() {
    watch_cache_serves_informers(TestApiServer::start_on_etcd().await.unwrap()).await;
}

async fn watch_cache_serves_informers(server: TestApiServer) {
    let client = server.client().await.unwrap();
    let maps: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    for i in 0..3 {
        let map = config_map(&format!("cached-{i}"), &[("cache", "yes")]);
        maps.create(&PostParams::default(), &map).await.unwrap();
    }
    // A consistent read (resourceVersion unset) sees every write at once.
    let selected = ListParams::default().labels("cache=yes");
    assert_eq!(maps.list(&selected).await.unwrap().items.len(), 3);
    // resourceVersion=0 (what informers send) may be answered by the cache, which follows
    // the store within moments; it must converge on the same three objects.
    let any = selected.clone().match_any();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let listed = loop {
        let listed = maps.list(&any).await.unwrap();
        if listed.items.len() == 3 || tokio::time::Instant::now() > deadline {
            break listed;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(listed.items.len(), 3);

    // A watch from that list's revision sees the next change exactly once.
    let version = listed.metadata.resource_version.unwrap();
    let mut watch = maps
        .watch(&WatchParams::default().labels("cache=yes"), &version)
        .await
        .unwrap()
        .boxed();
    maps.create(
        &PostParams::default(),
        &config_map("cached-3", &[("cache", "yes")]),
    )
    .await
    .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(10), watch.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match event {
        WatchEvent::Added(map) => assert_eq!(map.metadata.name.unwrap(), "cached-3"),
        other => panic!("expected ADDED cached-3, got {other:?}"),
    }

    // Upstream's metrics: the open watch is registered, and the object count is the stored one.
    let all: Api<ConfigMap> = Api::all(client.clone());
    let stored = all.list(&ListParams::default()).await.unwrap().items.len() as f64;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let text = client
            .request_text(http::Request::get("/metrics").body(Vec::new()).unwrap())
            .await
            .unwrap();
        let watchers = metric(
            &text,
            "apiserver_registered_watchers{group=\"\",kind=\"ConfigMap\",version=\"v1\"}",
        );
        let objects = metric(&text, "apiserver_storage_objects{resource=\"configmaps\"}");
        if watchers == Some(1.0) && objects == Some(stored) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "watchers {watchers:?}, objects {objects:?} (stored {stored})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(watch);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_of_one_resource_convert_through_one_storage() {
    use k8s_openapi::api::autoscaling::{v1 as as1, v2 as as2};
    use k8s_openapi::api::core::v1::Event as CoreEvent;
    use k8s_openapi::api::events::v1::Event;
    let server = TestApiServer::start().await.unwrap();
    let client = server.client().await.unwrap();

    // An HPA written as autoscaling/v1 reads as v2, and a v2-only metric survives a v1 update.
    let v1: Api<as1::HorizontalPodAutoscaler> = Api::namespaced(client.clone(), "default");
    let v2: Api<as2::HorizontalPodAutoscaler> = Api::namespaced(client.clone(), "default");
    let hpa: as1::HorizontalPodAutoscaler = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "web"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "maxReplicas": 4, "targetCPUUtilizationPercentage": 55}}))
    .unwrap();
    v1.create(&PostParams::default(), &hpa).await.unwrap();
    let read = v2.get("web").await.unwrap();
    let metrics = read.spec.as_ref().unwrap().metrics.clone().unwrap();
    assert_eq!(metrics.len(), 1);
    let cpu = metrics[0].resource.as_ref().unwrap();
    assert_eq!(
        (cpu.name.as_str(), cpu.target.average_utilization),
        ("cpu", Some(55))
    );

    let memory = serde_json::json!({"spec": {"metrics": [metrics[0].clone(),
        {"type": "Resource", "resource": {"name": "memory",
            "target": {"type": "AverageValue", "averageValue": "200Mi"}}}]}});
    v2.patch("web", &PatchParams::default(), &Patch::Merge(&memory))
        .await
        .unwrap();
    let mut as_v1 = v1.get("web").await.unwrap();
    assert_eq!(
        as_v1
            .spec
            .as_ref()
            .unwrap()
            .target_cpu_utilization_percentage,
        Some(55)
    );
    as_v1.spec.as_mut().unwrap().max_replicas = 6;
    v1.replace("web", &PostParams::default(), &as_v1)
        .await
        .unwrap();
    let after = v2.get("web").await.unwrap();
    let spec = after.spec.unwrap();
    assert_eq!(spec.max_replicas, 6);
    assert_eq!(
        spec.metrics.unwrap().len(),
        2,
        "the memory metric survived the v1 update"
    );
    assert!(
        after.metadata.annotations.unwrap_or_default().is_empty(),
        "no conversion annotations leak into v2"
    );

    // An events.k8s.io/v1 Event is a core v1 Event with other field names.
    let events: Api<Event> = Api::namespaced(client.clone(), "default");
    let core: Api<CoreEvent> = Api::namespaced(client.clone(), "default");
    let event: Event = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "e1"}, "eventTime": "2026-11-26T20:00:00.000000Z",
        "reportingController": "example.com/ctl", "reportingInstance": "ctl-1",
        "action": "Scale", "reason": "Scaled", "type": "Normal", "note": "scaled to 3",
        "regarding": {"kind": "Deployment", "namespace": "default", "name": "web"}}))
    .unwrap();
    events.create(&PostParams::default(), &event).await.unwrap();
    let read = core.get("e1").await.unwrap();
    assert_eq!(read.message.as_deref(), Some("scaled to 3"));
    assert_eq!(read.involved_object.name.as_deref(), Some("web"));
    assert_eq!(read.reporting_component.as_deref(), Some("example.com/ctl"));
    let back = events.get("e1").await.unwrap();
    assert_eq!(back.note.as_deref(), Some("scaled to 3"));
    assert_eq!(back.regarding.unwrap().name.as_deref(), Some("web"));
    server.stop().await.unwrap();
}

/// Metadata-only lists, gets and watches (`as=PartialObjectMetadata`), which metadata
/// informers such as kube-rs's `metadata_watcher` and the garbage collector use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_only_lists_gets_and_watches() {
    let server = TestApiServer::start().await.unwrap();
    let client = server.client().await.unwrap();
    let maps: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    maps.create(
        &PostParams::default(),
        &config_map("meta-a", &[("app", "x")]),
    )
    .await
    .unwrap();
    let listed = maps
        .list_metadata(&ListParams::default().labels("app=x"))
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].metadata.name.as_deref(), Some("meta-a"));
    assert!(listed.metadata.resource_version.is_some());
    let one = maps.get_metadata("meta-a").await.unwrap();
    assert_eq!(one.metadata.labels.unwrap()["app"], "x");

    let partial: Api<kube::core::PartialObjectMeta<ConfigMap>> = Api::namespaced(client, "default");
    let stream = kube::runtime::watcher::watcher(partial, Default::default());
    let mut stream = Box::pin(kube::runtime::WatchStreamExt::applied_objects(stream));
    let first = tokio::time::timeout(Duration::from_secs(10), stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.metadata.name.as_deref(), Some("meta-a"));
    maps.create(&PostParams::default(), &config_map("meta-b", &[]))
        .await
        .unwrap();
    let next = tokio::time::timeout(Duration::from_secs(10), stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(next.metadata.name.as_deref(), Some("meta-b"));
    // The raw answer carries the PartialObjectMetadata kind.
    let request = http::Request::get("/api/v1/namespaces/default/configmaps/meta-b")
        .header(
            "Accept",
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
        )
        .body(Vec::new())
        .unwrap();
    let raw: serde_json::Value = server
        .client()
        .await
        .unwrap()
        .request(request)
        .await
        .unwrap();
    assert_eq!(raw["kind"], "PartialObjectMetadata");
    assert_eq!(raw["apiVersion"], "meta.k8s.io/v1");
    assert!(raw.get("data").is_none());
}
