//! Server-side apply driven by the real kubectl: ownership, conflicts and their upstream
//! message, forced takeover, removal of fields a manager stops applying, and the move from
//! client-side apply.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tests::apiserver::TestApiServer;
use tests::kubectl;

struct Kubectl {
    binary: PathBuf,
    kubeconfig: PathBuf,
}

impl Kubectl {
    fn run(&self, args: &[&str]) -> kubectl::Output {
        kubectl::run(&self.binary, &self.kubeconfig, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.success, "{args:?} failed: {}{}", out.stdout, out.stderr);
        out.stdout
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["-o", "json", "--show-managed-fields"]);
        serde_json::from_str(&self.ok(&all)).expect("kubectl prints JSON")
    }
}

fn deployment(name: &str, replicas: Option<u32>, labels: &[(&str, &str)]) -> String {
    let mut yaml = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: ssa\n"
    );
    if !labels.is_empty() {
        yaml.push_str("  labels:\n");
        for (k, v) in labels {
            yaml.push_str(&format!("    {k}: {v}\n"));
        }
    }
    yaml.push_str("spec:\n");
    if let Some(replicas) = replicas {
        yaml.push_str(&format!("  replicas: {replicas}\n"));
    }
    yaml.push_str(&format!(
        "  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n"
    ));
    yaml
}

fn write(dir: &Path, file: &str, text: &str) -> String {
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn entry<'a>(object: &'a Value, manager: &str, operation: &str) -> Option<&'a Value> {
    object["metadata"]["managedFields"]
        .as_array()?
        .iter()
        .find(|e| e["manager"] == manager && e["operation"] == operation)
}

fn scenario(k: &Kubectl, dir: &Path) {
    k.ok(&["create", "namespace", "ssa"]);

    // The first manager: kubectl's default server-side manager is "kubectl".
    let first = write(
        dir,
        "deployment.yaml",
        &deployment("web", Some(2), &[("app", "web"), ("tier", "front")]),
    );
    let out = k.ok(&["apply", "--server-side", "-f", &first]);
    assert_eq!(out.trim(), "deployment.apps/web serverside-applied");
    let live = k.json(&["-n", "ssa", "get", "deployment", "web"]);
    let kubectl_entry = entry(&live, "kubectl", "Apply").expect("kubectl owns what it applied");
    assert_eq!(kubectl_entry["apiVersion"], "apps/v1");
    assert_eq!(kubectl_entry["fieldsType"], "FieldsV1");
    assert!(kubectl_entry["fieldsV1"]["f:spec"]["f:replicas"].is_object());
    assert!(kubectl_entry["fieldsV1"]["f:metadata"]["f:labels"]["f:tier"].is_object());

    // Another manager changing replicas conflicts, with upstream's message.
    let other = write(dir, "other.yaml", &deployment("web", Some(3), &[]));
    let out = k.run(&[
        "apply",
        "--server-side",
        "--field-manager=other",
        "-f",
        &other,
    ]);
    assert!(
        !out.success,
        "a conflicting apply must fail: {}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas"),
        "{}",
        out.stderr
    );
    let unchanged = k.json(&["-n", "ssa", "get", "deployment", "web"]);
    assert_eq!(unchanged["spec"]["replicas"], 2);

    // Forced, it takes the field.
    k.ok(&[
        "apply",
        "--server-side",
        "--field-manager=other",
        "--force-conflicts",
        "-f",
        &other,
    ]);
    let forced = k.json(&["-n", "ssa", "get", "deployment", "web"]);
    assert_eq!(forced["spec"]["replicas"], 3);
    let other_entry = entry(&forced, "other", "Apply").expect("other's entry");
    assert!(other_entry["fieldsV1"]["f:spec"]["f:replicas"].is_object());
    let kubectl_entry = entry(&forced, "kubectl", "Apply").unwrap();
    assert!(
        kubectl_entry["fieldsV1"]["f:spec"]
            .get("f:replicas")
            .is_none()
    );

    // The first manager drops a label (and the replicas it lost): the label goes away, the
    // replicas other owns stay.
    let first = write(
        dir,
        "deployment.yaml",
        &deployment("web", None, &[("app", "web")]),
    );
    k.ok(&["apply", "--server-side", "-f", &first]);
    let pruned = k.json(&["-n", "ssa", "get", "deployment", "web"]);
    assert!(
        pruned["metadata"]["labels"].get("tier").is_none(),
        "{}",
        pruned["metadata"]
    );
    assert_eq!(pruned["metadata"]["labels"]["app"], "web");
    assert_eq!(pruned["spec"]["replicas"], 3);

    // Client-side apply, then server-side apply with a changed value: the migration.
    let csa = write(
        dir,
        "csa.yaml",
        &deployment("csa", Some(1), &[("app", "csa")]),
    );
    k.ok(&["apply", "-f", &csa]);
    let created = k.json(&["-n", "ssa", "get", "deployment", "csa"]);
    assert!(entry(&created, "kubectl-client-side-apply", "Update").is_some());
    let csa = write(
        dir,
        "csa.yaml",
        &deployment("csa", Some(4), &[("app", "csa")]),
    );
    k.ok(&["apply", "--server-side", "-f", &csa]);
    let migrated = k.json(&["-n", "ssa", "get", "deployment", "csa"]);
    assert_eq!(migrated["spec"]["replicas"], 4);
    let applier = entry(&migrated, "kubectl", "Apply").expect("kubectl applies now");
    assert!(applier["fieldsV1"]["f:spec"]["f:replicas"].is_object());
    if let Some(last) =
        migrated["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .as_str()
    {
        let last: Value = serde_json::from_str(last).unwrap();
        assert_eq!(
            last["spec"]["replicas"], 4,
            "the annotation follows the apply"
        );
    }

    k.ok(&["-n", "ssa", "delete", "deployment", "web", "csa"]);
    k.ok(&["delete", "namespace", "ssa", "--wait=false"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_server_side_apply() {
    let Some(binary) = kubectl::binary("") else {
        panic!("kubectl is not installed (see PLATFORM.md)");
    };
    let server = TestApiServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let k = Kubectl {
        binary,
        kubeconfig: server.kubeconfig.clone(),
    };
    let path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || scenario(&k, &path))
        .await
        .unwrap();
    server.stop().await.unwrap();
}
