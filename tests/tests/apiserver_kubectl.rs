//! The API server driven by real kubectl (the default one, 1.27 and 1.33), comparing what
//! kubectl prints with what it prints against upstream.

use std::path::PathBuf;

use tests::apiserver::TestApiServer;
use tests::kubectl;

struct Kubectl {
    binary: PathBuf,
    kubeconfig: PathBuf,
}

impl Kubectl {
    fn ok(&self, args: &[&str]) -> String {
        let out = kubectl::run(&self.binary, &self.kubeconfig, args);
        assert!(
            out.success,
            "{} {args:?} failed: {}{}",
            self.binary.display(),
            out.stdout,
            out.stderr
        );
        out.stdout
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = kubectl::run(&self.binary, &self.kubeconfig, args);
        assert!(!out.success, "{args:?} should fail: {}", out.stdout);
        out.stderr
    }
}

/// Splits `kubectl get` output into rows of whitespace-separated cells.
fn rows(output: &str) -> Vec<Vec<String>> {
    output
        .lines()
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

fn scenario(k: &Kubectl) {
    // Discovery and resources.
    let resources = k.ok(&["api-resources"]);
    assert!(
        rows(&resources)
            .iter()
            .any(|r| r == &["deployments", "deploy", "apps/v1", "true", "Deployment"]),
        "{resources}"
    );
    let versions = k.ok(&["api-versions"]);
    assert!(versions.lines().any(|l| l == "apps/v1"), "{versions}");

    // Namespaces, as upstream prints them.
    let namespaces = rows(&k.ok(&["get", "namespaces"]));
    assert_eq!(namespaces[0], ["NAME", "STATUS", "AGE"]);
    assert!(
        namespaces
            .iter()
            .any(|r| r[0] == "default" && r[1] == "Active")
    );

    // Create (kubectl sends protobuf bodies), read back, errors.
    assert_eq!(
        k.ok(&["create", "namespace", "team-a"]).trim(),
        "namespace/team-a created"
    );
    assert_eq!(
        k.ok(&[
            "-n",
            "team-a",
            "create",
            "configmap",
            "settings",
            "--from-literal=mode=fast"
        ])
        .trim(),
        "configmap/settings created"
    );
    assert_eq!(
        k.ok(&[
            "-n",
            "team-a",
            "create",
            "secret",
            "generic",
            "token",
            "--from-literal=key=s3cr3t"
        ])
        .trim(),
        "secret/token created"
    );
    assert_eq!(
        k.ok(&[
            "-n",
            "team-a",
            "get",
            "configmap",
            "settings",
            "-o",
            "jsonpath={.data.mode}"
        ]),
        "fast"
    );
    let secrets = rows(&k.ok(&["-n", "team-a", "get", "secrets"]));
    assert_eq!(secrets[0], ["NAME", "TYPE", "DATA", "AGE"]);
    assert_eq!(&secrets[1][..3], ["token", "Opaque", "1"]);
    let cms = rows(&k.ok(&["-n", "team-a", "get", "configmaps"]));
    assert_eq!(cms[0], ["NAME", "DATA", "AGE"]);
    assert_eq!(&cms[1][..2], ["settings", "1"]);
    assert_eq!(
        k.fails(&["-n", "team-a", "get", "pods", "nope"]).trim(),
        "Error from server (NotFound): pods \"nope\" not found"
    );
    assert_eq!(
        k.fails(&["-n", "team-a", "create", "configmap", "settings"])
            .trim(),
        "error: failed to create configmap: configmaps \"settings\" already exists"
    );

    // Labels, annotations, the three patch types, selectors.
    k.ok(&[
        "-n",
        "team-a",
        "label",
        "configmap",
        "settings",
        "tier=backend",
    ]);
    k.ok(&[
        "-n",
        "team-a",
        "annotate",
        "configmap",
        "settings",
        "owner=ops",
    ]);
    k.ok(&[
        "-n",
        "team-a",
        "patch",
        "configmap",
        "settings",
        "--type=merge",
        "-p",
        r#"{"data":{"extra":"1"}}"#,
    ]);
    k.ok(&[
        "-n",
        "team-a",
        "patch",
        "configmap",
        "settings",
        "--type=json",
        "-p",
        r#"[{"op":"replace","path":"/data/mode","value":"slow"}]"#,
    ]);
    k.ok(&[
        "-n",
        "team-a",
        "patch",
        "configmap",
        "settings",
        "--type=strategic",
        "-p",
        r#"{"metadata":{"labels":{"patched":"yes"}}}"#,
    ]);
    let labelled = k.ok(&[
        "-n",
        "team-a",
        "get",
        "configmaps",
        "-l",
        "tier=backend,patched=yes",
        "-o",
        "name",
    ]);
    assert_eq!(labelled.trim(), "configmap/settings");
    let by_field = k.ok(&[
        "-n", "team-a", "get", "configmaps", "--field-selector", "metadata.name=settings", "-o",
        "jsonpath={.items[0].data.mode},{.items[0].data.extra},{.items[0].metadata.annotations.owner}",
    ]);
    assert_eq!(by_field, "slow,1,ops");

    // Deployments: columns and scale.
    k.ok(&[
        "-n",
        "team-a",
        "create",
        "deployment",
        "web",
        "--image=nginx:1.27",
        "--replicas=2",
    ]);
    let deployments = rows(&k.ok(&["-n", "team-a", "get", "deployments"]));
    assert_eq!(
        deployments[0],
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    );
    assert_eq!(&deployments[1][..4], ["web", "0/2", "0", "0"]);
    // Upstream's defaults, as kubectl reads them back.
    let defaults = k.ok(&[
        "-n", "team-a", "get", "deployment", "web", "-o",
        "jsonpath={.spec.strategy.type},{.spec.revisionHistoryLimit},{.spec.template.spec.restartPolicy},{.spec.template.spec.containers[0].imagePullPolicy}",
    ]);
    assert_eq!(defaults, "RollingUpdate,10,Always,IfNotPresent");
    let wide = rows(&k.ok(&["-n", "team-a", "get", "deployments", "-o", "wide"]));
    assert_eq!(
        wide[0],
        [
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ]
    );

    // apply -f of a multi-document file with default validation, then again after an edit.
    let manifest = |replicas: u32| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: team-a\ndata:\n  a: \"1\"\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: team-a\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: app}}\n  template:\n    metadata:\n      labels: {{app: app}}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app\n  namespace: team-a\nspec:\n  selector: {{app: app}}\n  ports:\n  - port: 80\n"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.yaml");
    std::fs::write(&file, manifest(2)).unwrap();
    let file = file.to_str().unwrap();
    let applied = k.ok(&["apply", "-f", file]);
    assert_eq!(
        applied.lines().collect::<Vec<_>>(),
        [
            "configmap/app-config created",
            "deployment.apps/app created",
            "service/app created"
        ]
    );
    std::fs::write(dir.path().join("app.yaml"), manifest(3)).unwrap();
    let again = k.ok(&["apply", "-f", file]);
    assert_eq!(
        again.lines().collect::<Vec<_>>(),
        [
            "configmap/app-config unchanged",
            "deployment.apps/app configured",
            "service/app unchanged"
        ]
    );
    assert_eq!(
        k.ok(&[
            "-n",
            "team-a",
            "get",
            "deployment",
            "app",
            "-o",
            "jsonpath={.spec.replicas}"
        ]),
        "3"
    );
    let explained = k.ok(&["explain", "pod.spec.containers"]);
    assert!(
        explained.contains("FIELD: containers <[]Container>")
            || explained.contains("RESOURCE: containers <[]Object>"),
        "{explained}"
    );

    // Server-side dry run stores nothing.
    k.ok(&[
        "-n",
        "team-a",
        "create",
        "configmap",
        "ghost",
        "--dry-run=server",
    ]);
    k.fails(&["-n", "team-a", "get", "configmap", "ghost"]);

    // get -w sees the changes as they happen.
    let mut watch = std::process::Command::new(&k.binary)
        .arg(format!("--kubeconfig={}", k.kubeconfig.display()))
        .args([
            "-n",
            "team-a",
            "get",
            "configmaps",
            "-w",
            "--output-watch-events",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    k.ok(&["-n", "team-a", "create", "configmap", "watched"]);
    k.ok(&[
        "-n",
        "team-a",
        "delete",
        "configmap",
        "watched",
        "--wait=true",
    ]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    watch.kill().unwrap();
    let output = watch.wait_with_output().unwrap();
    let seen = rows(&String::from_utf8_lossy(&output.stdout));
    let events: Vec<(&str, &str)> = seen
        .iter()
        .filter(|r| r.len() > 1 && r[1] == "watched")
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        events,
        [("ADDED", "watched"), ("DELETED", "watched")],
        "{seen:?}"
    );

    // Delete.
    assert_eq!(
        k.ok(&[
            "-n",
            "team-a",
            "delete",
            "configmap",
            "settings",
            "--wait=true"
        ])
        .trim(),
        "configmap \"settings\" deleted"
    );
    k.fails(&["-n", "team-a", "get", "configmap", "settings"]);

    debug_and_terminate(k);
}

/// `kubectl debug` (pods/ephemeralcontainers) and a namespace's termination, as upstream
/// answers them when no namespace controller empties the namespace.
fn debug_and_terminate(k: &Kubectl) {
    k.ok(&["-n", "team-a", "run", "target", "--image=nginx:1.27"]);
    k.ok(&[
        "-n",
        "team-a",
        "debug",
        "target",
        "--image=busybox:1.36",
        "--container=debugger",
        "--target=target",
    ]);
    assert_eq!(
        k.ok(&[
            "-n",
            "team-a",
            "get",
            "pod",
            "target",
            "-o",
            "jsonpath={.spec.ephemeralContainers[0].name},{.spec.ephemeralContainers[0].targetContainerName}"
        ]),
        "debugger,target"
    );
    k.ok(&["-n", "team-a", "delete", "pod", "target"]);

    k.ok(&["create", "namespace", "doomed"]);
    k.ok(&["-n", "doomed", "create", "configmap", "kept"]);
    assert_eq!(
        k.fails(&["delete", "namespace", "kube-system"]).trim(),
        "Error from server (Forbidden): namespaces \"kube-system\" is forbidden: this namespace may not be deleted"
    );
    assert_eq!(
        k.ok(&["delete", "namespace", "doomed", "--wait=false"])
            .trim(),
        "namespace \"doomed\" deleted"
    );
    let doomed = rows(&k.ok(&["get", "namespace", "doomed"]));
    assert_eq!(&doomed[1][..2], ["doomed", "Terminating"]);
    assert_eq!(
        k.fails(&["-n", "doomed", "create", "configmap", "late"])
            .trim(),
        "error: failed to create configmap: configmaps \"late\" is forbidden: unable to create new content in namespace doomed because it is being terminated"
    );
    k.ok(&["-n", "doomed", "delete", "configmap", "kept"]);
    // What the namespace controller does once the namespace is empty.
    let dir = tempfile::tempdir().unwrap();
    let finalize = dir.path().join("doomed.json");
    std::fs::write(
        &finalize,
        r#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"doomed"},"spec":{"finalizers":[]}}"#,
    )
    .unwrap();
    k.ok(&[
        "replace",
        "--raw",
        "/api/v1/namespaces/doomed/finalize",
        "-f",
        finalize.to_str().unwrap(),
    ]);
    assert_eq!(
        k.fails(&["get", "namespace", "doomed"]).trim(),
        "Error from server (NotFound): namespaces \"doomed\" not found"
    );
}

async fn run_with(version: &str) {
    let Some(binary) = kubectl::binary(version) else {
        panic!("kubectl {version:?} is not installed (see PLATFORM.md)");
    };
    let server = TestApiServer::start().await.unwrap();
    let k = Kubectl {
        binary,
        kubeconfig: server.kubeconfig.clone(),
    };
    tokio::task::spawn_blocking(move || scenario(&k))
        .await
        .unwrap();
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_default() {
    run_with("").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_1_27() {
    run_with("1.27").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_1_33() {
    run_with("1.33").await;
}
