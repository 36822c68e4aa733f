//! Invalid objects created through real kubectl: what kubectl prints is upstream's message,
//! byte for byte (one error on one line, several as a `* ` list).

use tests::apiserver::TestApiServer;
use tests::kubectl;

/// Runs `kubectl create -f` on `manifest` and returns its stderr, asserting that it failed.
fn create_fails(binary: &std::path::Path, kubeconfig: &std::path::Path, manifest: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("object.yaml");
    std::fs::write(&file, manifest).unwrap();
    let out = kubectl::run(
        binary,
        kubeconfig,
        &["create", "-f", file.to_str().unwrap()],
    );
    assert!(!out.success, "create should fail: {}", out.stdout);
    out.stderr
}

const DUPLICATE_PORT_NAMES: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80}
  - {name: http, port: 8080}
";

const SEVERAL_SERVICE_ERRORS: &str = "apiVersion: v1
kind: Service
metadata:
  name: multi
spec:
  type: NodePort
  sessionAffinity: Sticky
  ports:
  - port: 0
";

const EXTERNAL_NAME_WITHOUT_NAME: &str = "apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: ExternalName
";

const BAD_INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: example.com
    http:
      paths:
      - path: /api
        pathType: Regex
        backend:
          service: {name: web, port: {number: 80}}
";

fn scenario(binary: &std::path::Path, kubeconfig: &std::path::Path) {
    assert_eq!(
        create_fails(binary, kubeconfig, DUPLICATE_PORT_NAMES),
        "The Service \"web\" is invalid: spec.ports[1].name: Duplicate value: \"http\"\n"
    );
    assert_eq!(
        create_fails(binary, kubeconfig, SEVERAL_SERVICE_ERRORS),
        "The Service \"multi\" is invalid: \n\
         * spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n\
         * spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive\n\
         * spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"\n"
    );
    assert_eq!(
        create_fails(binary, kubeconfig, EXTERNAL_NAME_WITHOUT_NAME),
        "The Service \"db\" is invalid: spec.externalName: Required value\n"
    );
    assert_eq!(
        create_fails(binary, kubeconfig, BAD_INGRESS),
        "The Ingress \"web\" is invalid: spec.rules[0].http.paths[0].pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"\n"
    );
    // Nothing invalid was stored, and nothing was allocated for it.
    let out = kubectl::run(binary, kubeconfig, &["get", "services", "-o", "name"]);
    assert_eq!(out.stdout, "service/kubernetes\n");
}

async fn run_with(version: &str) {
    let Some(binary) = kubectl::binary(version) else {
        panic!("kubectl {version:?} is not installed (see PLATFORM.md)");
    };
    let server = TestApiServer::start().await.unwrap();
    let kubeconfig = server.kubeconfig.clone();
    tokio::task::spawn_blocking(move || scenario(&binary, &kubeconfig))
        .await
        .unwrap();
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_objects_through_kubectl() {
    run_with("").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_objects_through_kubectl_1_27() {
    run_with("1.27").await;
}
