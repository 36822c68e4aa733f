//! CustomResourceDefinitions against the API server, driven by real kubectl and kube-rs: the
//! upstream docs' `crontabs.stable.example.com` example end to end, name conflicts,
//! cluster-scoped resources, categories, and deletion of a definition with its objects.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams};
use kube::runtime::watcher;
use serde_json::{Value, json};
use tests::apiserver::TestApiServer;
use tests::kubectl;

const CRONTAB_CRD: &str = include_str!("../data/crontab-crd.yaml");

struct Kubectl {
    binary: PathBuf,
    kubeconfig: PathBuf,
    dir: PathBuf,
}

impl Kubectl {
    fn run(&self, args: &[&str]) -> kubectl::Output {
        kubectl::run(&self.binary, &self.kubeconfig, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.success,
            "kubectl {args:?} failed: {}{}",
            out.stdout, out.stderr
        );
        out.stdout
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.success, "kubectl {args:?} should fail: {}", out.stdout);
        out.stderr
    }

    /// Writes `content` to a file of the test's directory and applies it.
    fn apply(&self, name: &str, content: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, content).unwrap();
        self.ok(&["apply", "-f", path_str(&path)])
    }

    /// Runs `args` until it succeeds (discovery follows a definition within a second).
    fn eventually(&self, args: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let out = self.run(args);
            if out.success {
                return out.stdout;
            }
            assert!(
                Instant::now() < deadline,
                "kubectl {args:?} kept failing: {}",
                out.stderr
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn rows(output: &str) -> Vec<Vec<String>> {
    output
        .lines()
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

fn crontab(name: &str, cron: &str, replicas: i64) -> String {
    format!(
        "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: {name}\nspec:\n  cronSpec: \"{cron}\"\n  image: my-awesome-cron-image\n  replicas: {replicas}\n"
    )
}

fn crontab_scenario(k: &Kubectl) {
    assert_eq!(
        k.apply("crd.yaml", CRONTAB_CRD).trim(),
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created"
    );
    k.eventually(&["get", "crontabs"]);
    let conditions = k.ok(&[
        "get",
        "crd",
        "crontabs.stable.example.com",
        "-o",
        "jsonpath={.status.conditions[?(@.type==\"Established\")].status} {.status.conditions[?(@.type==\"NamesAccepted\")].reason} {.status.storedVersions}",
    ]);
    assert_eq!(conditions, "True NoConflicts [\"v1\"]");
    let resources = k.ok(&["api-resources", "--api-group=stable.example.com"]);
    assert!(
        rows(&resources)
            .iter()
            .any(|r| r == &["crontabs", "ct", "stable.example.com/v1", "true", "CronTab"]),
        "{resources}"
    );

    assert_eq!(
        k.apply("ct.yaml", &crontab("my-new-cron-object", "* * * * */5", 2))
            .trim(),
        "crontab.stable.example.com/my-new-cron-object created"
    );
    // The schema is enforced, with upstream's messages.
    let path = k.dir.join("invalid.yaml");
    std::fs::write(&path, crontab("my-new-cron-object", "* * * *", 15)).unwrap();
    let refused = k.fails(&["apply", "-f", path_str(&path)]);
    assert_eq!(
        refused.trim(),
        "The CronTab \"my-new-cron-object\" is invalid: \n* spec.cronSpec: Invalid value: \"* * * *\": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'\n* spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10"
    );
    // Unknown fields: refused under kubectl's default strict validation, pruned without it.
    let path = k.dir.join("unknown.yaml");
    std::fs::write(&path, "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: pruned\nspec:\n  cronSpec: \"* * * * *\"\n  foo: bar\n").unwrap();
    let refused = k.fails(&["create", "-f", path_str(&path)]);
    assert!(
        refused.contains("CronTab in version \"v1\" cannot be handled as a CronTab: strict decoding error: unknown field \"spec.foo\""),
        "{refused}"
    );
    k.ok(&["create", "--validate=false", "-f", path_str(&path)]);
    assert_eq!(
        k.ok(&["get", "ct", "pruned", "-o", "jsonpath={.spec}"]),
        r#"{"cronSpec":"* * * * *"}"#
    );
    k.ok(&["delete", "ct", "pruned"]);
    // Printer columns, by the short name too.
    for name in ["crontabs", "ct", "crontab"] {
        let table = k.ok(&["get", name]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            rows(lines[0].trim_end()),
            [["NAME", "SPEC", "REPLICAS", "AGE"]]
        );
        assert!(
            lines[1].starts_with("my-new-cron-object   * * * * */5   2 "),
            "{table}"
        );
    }
    // Client-side apply of a change: a merge patch.
    assert_eq!(
        k.apply("ct.yaml", &crontab("my-new-cron-object", "* * * * */5", 3))
            .trim(),
        "crontab.stable.example.com/my-new-cron-object configured"
    );
    let object: Value =
        serde_json::from_str(&k.ok(&["get", "ct", "my-new-cron-object", "-o", "json"])).unwrap();
    assert_eq!(object["spec"]["replicas"], 3);
    assert_eq!(object["metadata"]["generation"], 2);

    // OpenAPI v2 and v3 describe the kind.
    let v3: Value = serde_json::from_str(&k.ok(&["get", "--raw", "/openapi/v3"])).unwrap();
    let url = v3["paths"]["apis/stable.example.com/v1"]["serverRelativeURL"]
        .as_str()
        .expect("the group-version is in the v3 index")
        .to_owned();
    let document: Value = serde_json::from_str(&k.ok(&["get", "--raw", &url])).unwrap();
    let schema = &document["components"]["schemas"]["com.example.stable.v1.CronTab"];
    assert_eq!(
        schema["properties"]["spec"]["properties"]["replicas"]["maximum"],
        10
    );
    let v2: Value = serde_json::from_str(&k.ok(&["get", "--raw", "/openapi/v2"])).unwrap();
    let definition = &v2["definitions"]["com.example.stable.v1.CronTab"];
    assert_eq!(
        definition["x-kubernetes-group-version-kind"],
        json!([{"group": "stable.example.com", "kind": "CronTab", "version": "v1"}])
    );
    assert!(
        v2["paths"]["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"]
            .is_object()
    );
    // explain reads the definition's schema from OpenAPI v3.
    let explained = k.ok(&["explain", "crontab.spec"]);
    assert!(explained.contains("KIND:       CronTab"), "{explained}");
    assert!(explained.contains("cronSpec\t<string>"), "{explained}");
    assert!(explained.contains("replicas\t<integer>"), "{explained}");

    // The scale subresource reads and writes the definition's paths.
    k.ok(&["scale", "crontab", "my-new-cron-object", "--replicas=5"]);
    let scale: Value = serde_json::from_str(&k.ok(&[
        "get",
        "--raw",
        "/apis/stable.example.com/v1/namespaces/default/crontabs/my-new-cron-object/scale",
    ]))
    .unwrap();
    assert_eq!(scale["kind"], "Scale");
    assert_eq!(scale["spec"]["replicas"], 5);
    // The status subresource: only status changes through it, and only through it.
    k.ok(&[
        "patch",
        "ct",
        "my-new-cron-object",
        "--subresource=status",
        "--type=merge",
        "-p",
        r#"{"status":{"replicas":4,"labelSelector":"app=cron"},"spec":{"replicas":9}}"#,
    ]);
    k.ok(&[
        "patch",
        "ct",
        "my-new-cron-object",
        "--type=merge",
        "-p",
        r#"{"status":{"replicas":1}}"#,
    ]);
    let object: Value =
        serde_json::from_str(&k.ok(&["get", "ct", "my-new-cron-object", "-o", "json"])).unwrap();
    assert_eq!(object["spec"]["replicas"], 5);
    assert_eq!(object["status"]["replicas"], 4);
    let scale: Value = serde_json::from_str(&k.ok(&[
        "get",
        "--raw",
        "/apis/stable.example.com/v1/namespaces/default/crontabs/my-new-cron-object/scale",
    ]))
    .unwrap();
    assert_eq!(
        scale["status"],
        json!({"replicas": 4, "selector": "app=cron"})
    );

    // Deleting the definition deletes its objects.
    k.ok(&["create", "namespace", "other"]);
    let path = k.dir.join("ct2.yaml");
    std::fs::write(&path, crontab("second", "0 * * * *", 1)).unwrap();
    k.ok(&["-n", "other", "create", "-f", path_str(&path)]);
    assert_eq!(
        k.ok(&["delete", "crd", "crontabs.stable.example.com"])
            .trim(),
        "customresourcedefinition.apiextensions.k8s.io \"crontabs.stable.example.com\" deleted"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while k
        .run(&["get", "crd", "crontabs.stable.example.com"])
        .success
    {
        assert!(Instant::now() < deadline, "the definition stayed");
        std::thread::sleep(Duration::from_millis(100));
    }
    k.apply("crd.yaml", CRONTAB_CRD);
    let listed = k.eventually(&["get", "crontabs", "-A", "-o", "name"]);
    assert_eq!(listed, "", "the objects went with their definition");
}

/// Runs `scenario` with the kubectl of `version` ("" for the default) against a fresh server.
async fn with_kubectl(version: &str, scenario: fn(&Kubectl)) {
    let binary = kubectl::binary(version).expect("kubectl is installed (see PLATFORM.md)");
    let server = TestApiServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let k = Kubectl {
        binary,
        kubeconfig: server.kubeconfig.clone(),
        dir: dir.path().to_owned(),
    };
    tokio::task::spawn_blocking(move || scenario(&k))
        .await
        .unwrap();
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crontab_example_with_kubectl() {
    with_kubectl("", crontab_scenario).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crontab_example_with_kubectl_1_27() {
    with_kubectl("1.27", crontab_scenario).await;
}

const WIDGETS: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Cluster
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [all]}
  versions:
    - name: v1beta1
      served: true
      storage: false
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
"#;

const GADGETS: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, kind: Gadget, shortNames: [wd]}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
"#;

fn names_and_scopes_scenario(k: &Kubectl) {
    k.apply("widgets.yaml", WIDGETS);
    k.eventually(&["get", "widgets"]);
    // Two versions served, the preferred one first.
    let versions = k.ok(&["api-versions"]);
    assert!(
        versions.lines().any(|l| l == "example.com/v1"),
        "{versions}"
    );
    assert!(
        versions.lines().any(|l| l == "example.com/v1beta1"),
        "{versions}"
    );
    let group: Value = serde_json::from_str(&k.ok(&["get", "--raw", "/apis/example.com"])).unwrap();
    assert_eq!(group["preferredVersion"]["version"], "v1");
    // Cluster-scoped, in the `all` category, readable in both versions.
    let path = k.dir.join("w.yaml");
    std::fs::write(
        &path,
        "apiVersion: example.com/v1beta1\nkind: Widget\nmetadata:\n  name: w1\nsize: 3\n",
    )
    .unwrap();
    k.ok(&["create", "-f", path_str(&path)]);
    let v1: Value =
        serde_json::from_str(&k.ok(&["get", "--raw", "/apis/example.com/v1/widgets/w1"])).unwrap();
    assert_eq!(v1["apiVersion"], "example.com/v1");
    assert_eq!(v1["size"], 3);
    assert!(v1["metadata"].get("namespace").is_none());
    let all = k.ok(&["get", "all", "-o", "name"]);
    assert!(all.lines().any(|l| l == "widget.example.com/w1"), "{all}");
    // A second definition asking for a short name already taken is not established.
    k.apply("gadgets.yaml", GADGETS);
    let deadline = Instant::now() + Duration::from_secs(10);
    let reason = loop {
        let reason = k.ok(&[
            "get", "crd", "gadgets.example.com", "-o",
            "jsonpath={.status.conditions[?(@.type==\"NamesAccepted\")].reason}/{.status.conditions[?(@.type==\"NamesAccepted\")].message}/{.status.conditions[?(@.type==\"Established\")].status}",
        ]);
        if !reason.is_empty() || Instant::now() > deadline {
            break reason;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(reason, "ShortNamesConflict/\"wd\" is already in use/False");
    let refused = k.fails(&["get", "gadgets"]);
    assert!(
        refused.contains("the server doesn't have a resource type \"gadgets\""),
        "{refused}"
    );
    // Once the first definition goes, the second gets its names.
    k.ok(&["delete", "crd", "widgets.example.com"]);
    k.eventually(&["get", "gadgets"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_scopes_versions_and_categories() {
    with_kubectl("", names_and_scopes_scenario).await;
}

/// kube-rs sees custom resources like built-in ones: a watch reports creates and status
/// changes made through the status subresource.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_rs_watches_custom_resources() {
    let server = TestApiServer::start().await.unwrap();
    let client = server.client().await.unwrap();
    let crds: Api<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition> =
        Api::all(client.clone());
    let crd: Value = serde_saphyr::from_str(CRONTAB_CRD).unwrap();
    crds.create(&Default::default(), &serde_json::from_value(crd).unwrap())
        .await
        .unwrap();
    let gvk = GroupVersionKind::gvk("stable.example.com", "v1", "CronTab");
    let resource = ApiResource::from_gvk_with_plural(&gvk, "crontabs");
    let crontabs: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &resource);
    let deadline = Instant::now() + Duration::from_secs(10);
    while crontabs.list(&Default::default()).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the custom resource was never served"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut events = watcher(crontabs.clone(), watcher::Config::default()).boxed();
    let object: DynamicObject = serde_json::from_value(json!({
        "apiVersion": "stable.example.com/v1", "kind": "CronTab",
        "metadata": {"name": "watched"}, "spec": {"cronSpec": "* * * * *", "replicas": 1}}))
    .unwrap();
    crontabs.create(&Default::default(), &object).await.unwrap();
    crontabs
        .patch_status(
            "watched",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"replicas": 1}})),
        )
        .await
        .unwrap();
    let saw_status = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(event) = events.try_next().await.unwrap() {
            if let watcher::Event::Apply(o) | watcher::Event::InitApply(o) = event
                && o.data["status"]["replicas"] == 1
            {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    assert!(saw_status, "the watch reported the status change");
    server.stop().await.unwrap();
}

mod derived {
    use kube::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    /// A kind as operators write them with kube-rs.
    #[derive(CustomResource, Clone, Debug, Deserialize, Serialize, JsonSchema)]
    #[kube(
        group = "kube.rs.example.com",
        version = "v1",
        kind = "Document",
        namespaced,
        status = "DocumentStatus",
        shortname = "doc",
        printcolumn = r#"{"name":"Title","type":"string","jsonPath":".spec.title"}"#
    )]
    pub struct DocumentSpec {
        pub title: String,
        pub pages: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tags: Option<Vec<String>>,
    }

    #[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
    pub struct DocumentStatus {
        pub published: bool,
    }
}

/// kube-rs' `CustomResource` derive: its generated definition is established, objects are
/// created and read back typed, the status subresource is patched, and a watch sees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_rs_custom_resource_derive() {
    use derived::{Document, DocumentSpec};
    use kube::CustomResourceExt;
    use kube::runtime::wait::{await_condition, conditions};
    let server = TestApiServer::start().await.unwrap();
    let client = server.client().await.unwrap();
    let crds: Api<
        k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
    > = Api::all(client.clone());
    // Operators install their definitions with server-side apply.
    let apply = PatchParams::apply("document-operator");
    crds.patch(
        "documents.kube.rs.example.com",
        &apply,
        &Patch::Apply(Document::crd()),
    )
    .await
    .unwrap();
    let established = await_condition(
        crds.clone(),
        "documents.kube.rs.example.com",
        conditions::is_crd_established(),
    );
    tokio::time::timeout(Duration::from_secs(10), established)
        .await
        .expect("established within 10 s")
        .unwrap();
    let documents: Api<Document> = Api::namespaced(client.clone(), "default");
    let mut events = watcher(documents.clone(), watcher::Config::default()).boxed();
    let created = documents
        .patch(
            "guide",
            &apply,
            &Patch::Apply(Document::new(
                "guide",
                DocumentSpec {
                    title: "Guide".into(),
                    pages: 12,
                    tags: Some(vec!["a".into()]),
                },
            )),
        )
        .await
        .unwrap();
    assert_eq!(created.spec.pages, 12);
    assert!(created.status.is_none());
    let managers: Vec<(String, String)> = created
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .map(|m| {
            (
                m.manager.clone().unwrap_or_default(),
                m.operation.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        managers,
        [("document-operator".to_owned(), "Apply".to_owned())]
    );
    // A second manager changing the applied title conflicts; forced, it takes the field.
    let editor = PatchParams::apply("editor");
    let edit = json!({"apiVersion": "kube.rs.example.com/v1", "kind": "Document",
        "metadata": {"name": "guide"}, "spec": {"title": "Edited", "pages": 12}});
    let conflict = documents
        .patch("guide", &editor, &Patch::Apply(&edit))
        .await
        .unwrap_err();
    let kube::Error::Api(status) = conflict else {
        panic!("expected a Status, got {conflict:?}");
    };
    assert_eq!(status.code, 409);
    assert_eq!(
        status.message,
        "Apply failed with 1 conflict: conflict with \"document-operator\": .spec.title"
    );
    let forced = documents
        .patch("guide", &editor.clone().force(), &Patch::Apply(&edit))
        .await
        .unwrap();
    assert_eq!(forced.spec.title, "Edited");
    // The status through the status subresource, applied too.
    let patched = documents
        .patch_status(
            "guide",
            &PatchParams::apply("document-controller"),
            &Patch::Apply(
                json!({"apiVersion": "kube.rs.example.com/v1", "kind": "Document",
                "status": {"published": true}}),
            ),
        )
        .await
        .unwrap();
    assert!(patched.status.unwrap().published);
    assert_eq!(patched.spec.title, "Edited");
    let saw = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(event) = events.try_next().await.unwrap() {
            if let watcher::Event::Apply(d) | watcher::Event::InitApply(d) = event
                && d.status.as_ref().is_some_and(|s| s.published)
            {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    assert!(saw, "the watch saw the published status");
    server.stop().await.unwrap();
}

const SCALERS: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: scalers.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: scalers, kind: Scaler}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: "self.replicas <= self.maxReplicas"
                  message: "replicas must not exceed maxReplicas"
              properties:
                replicas: {type: integer}
                maxReplicas: {type: integer}
                zone:
                  type: string
                  x-kubernetes-validations:
                    - rule: "self == oldSelf"
                      message: "Value is immutable"
"#;

fn scaler(replicas: i64, zone: &str) -> String {
    format!(
        "apiVersion: example.com/v1\nkind: Scaler\nmetadata:\n  name: s\nspec:\n  replicas: {replicas}\n  maxReplicas: 5\n  zone: {zone}\n"
    )
}

fn validation_rules_scenario(k: &Kubectl) {
    k.apply("scalers.yaml", SCALERS);
    k.eventually(&["get", "scalers"]);
    let path = k.dir.join("s.yaml");
    std::fs::write(&path, scaler(9, "a")).unwrap();
    let refused = k.fails(&["apply", "-f", path_str(&path)]);
    assert_eq!(
        refused.trim(),
        "The Scaler \"s\" is invalid: spec: Invalid value: \"object\": replicas must not exceed maxReplicas"
    );
    k.apply("s.yaml", &scaler(3, "a"));
    std::fs::write(&path, scaler(3, "b")).unwrap();
    let refused = k.fails(&["apply", "-f", path_str(&path)]);
    assert_eq!(
        refused.trim(),
        "The Scaler \"s\" is invalid: spec.zone: Invalid value: \"string\": Value is immutable"
    );
    k.apply("s.yaml", &scaler(4, "a"));
}

/// CEL validation rules (`x-kubernetes-validations`), transition rules included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_rules() {
    with_kubectl("", validation_rules_scenario).await;
}
