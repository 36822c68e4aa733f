//! Server-side apply benchmark: the real kube-apiserver binary as a child process, over TLS
//! with an admin client certificate, on the embedded store.
//!
//! ```text
//! cargo bench -p kube-apiserver --bench apply
//! APPLY_BENCH_QUICK=1 cargo bench -p kube-apiserver --bench apply   # ~10x shorter
//! ```
//!
//! Three managers take turns applying the same ~2 KB Deployment, each changing a field of its
//! own (a label, the replicas, an annotation), so every apply merges, compares and moves
//! ownership. The reference, measured in the same run on the same object, is a plain PUT of
//! the same Deployment (which tracks managedFields as an update). One client, one request at
//! a time: the latencies are the server's per-request cost. Results go to stdout as a
//! markdown table; progress goes to stderr.

mod support;

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::server::{ApiServerProcess, Conn, Pki};
use support::{Outcome, fmt_rate, print_title};

const NAMESPACE: &str = "bench";
const NAME: &str = "web";
const MANAGERS: [&str; 3] = ["labeler", "scaler", "annotator"];

/// The part of the Deployment every manager applies alike: about 2 KB of JSON.
fn deployment() -> Value {
    let env: Vec<Value> = (0..42)
        .map(|i| json!({"name": format!("SETTING_{i}"), "value": format!("value-{i}")}))
        .collect();
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": NAME,
            "namespace": NAMESPACE,
            "labels": {"app": NAME},
        },
        "spec": {
            "selector": {"matchLabels": {"app": NAME}},
            "template": {
                "metadata": {"labels": {"app": NAME}},
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.27",
                            "ports": [{"containerPort": 80, "name": "http"}],
                            "env": env,
                            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}
                        },
                        {
                            "name": "sidecar",
                            "image": "busybox:1.36",
                            "args": ["sleep", "infinity"]
                        }
                    ]
                }
            }
        }
    })
}

/// The body manager `turn % 3` applies: the shared part, which every manager co-owns, and
/// a field of its own with a new value (a label, the replicas, an annotation).
fn applied_body(turn: usize) -> Bytes {
    let mut object = deployment();
    match turn % 3 {
        0 => object["metadata"]["labels"]["labeler"] = json!(format!("l{turn}")),
        1 => object["spec"]["replicas"] = json!(1 + (turn % 5) as u32),
        _ => {
            object["metadata"]["annotations"] =
                json!({"bench.example.com/annotator": format!("a{turn}")})
        }
    }
    Bytes::from(serde_json::to_vec(&object).expect("JSON"))
}

async fn timed(
    conn: &Conn,
    count: usize,
    request: impl Fn(usize) -> (Method, String, &'static str, Bytes),
) -> Outcome {
    let mut outcome = Outcome {
        ops: 0,
        errors: 0,
        first_error: None,
        elapsed: Duration::ZERO,
        latencies: Vec::with_capacity(count),
        note: None,
    };
    let start = Instant::now();
    for i in 0..count {
        let (method, path, content_type, body) = request(i);
        let sent = Instant::now();
        match conn.call(method, &path, Some(content_type), body).await {
            Ok((status, _)) if status.is_success() => {
                outcome.ops += 1;
                outcome.latencies.push(sent.elapsed());
            }
            Ok((status, body)) => outcome.error(format!(
                "{status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            )),
            Err(e) => outcome.error(e),
        }
    }
    outcome.elapsed = start.elapsed();
    outcome
}

fn main() {
    let quick = std::env::var("APPLY_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let count = if quick { 300 } else { 3000 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (apply, put, size) = runtime.block_on(async {
        let pki = Pki::generate().unwrap_or_else(|e| panic!("PKI: {e}"));
        let mut server =
            ApiServerProcess::start(&pki, None).unwrap_or_else(|e| panic!("server: {e}"));
        let connector = server
            .wait_ready(&pki)
            .await
            .unwrap_or_else(|e| panic!("server: {e}"));
        let conn = connector.connect().await.expect("connection");
        let namespace =
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}});
        conn.expect(
            Method::POST,
            "/api/v1/namespaces",
            Some("application/json"),
            Bytes::from(namespace.to_string()),
            StatusCode::CREATED,
        )
        .await
        .expect("namespace");
        let size = applied_body(0).len();
        let path = format!("/apis/apps/v1/namespaces/{NAMESPACE}/deployments/{NAME}");
        eprintln!(
            "apply: {count} server-side applies by {} managers",
            MANAGERS.len()
        );
        // The first apply creates the object; it is not timed.
        conn.expect(
            Method::PATCH,
            &format!("{path}?fieldManager=creator"),
            Some("application/apply-patch+yaml"),
            Bytes::from(deployment().to_string()),
            StatusCode::CREATED,
        )
        .await
        .expect("first apply");
        let apply = timed(&conn, count, |i| {
            (
                Method::PATCH,
                format!("{path}?fieldManager={}", MANAGERS[i % 3]),
                "application/apply-patch+yaml",
                applied_body(i),
            )
        })
        .await;
        eprintln!("apply: {count} PUTs of the same Deployment");
        let put = timed(&conn, count, |i| {
            let mut object = deployment();
            object["spec"]["replicas"] = json!(1 + (i % 5) as u32);
            (
                Method::PUT,
                format!("{path}?fieldManager=updater"),
                "application/json",
                Bytes::from(object.to_string()),
            )
        })
        .await;
        let (status, body) = conn
            .call(Method::GET, &path, None, Bytes::new())
            .await
            .expect("get");
        assert_eq!(status, StatusCode::OK);
        let live: Value = serde_json::from_slice(&body).expect("JSON");
        let entries = live["metadata"]["managedFields"]
            .as_array()
            .map_or(0, Vec::len);
        eprintln!("apply: the object ends with {entries} managedFields entries");
        drop(server);
        (apply, put, size)
    });
    print_title("kube-apiserver server-side apply");
    println!("- body: a Deployment of {size} bytes; one client, one request at a time");
    println!("- reference: PUT of the same Deployment in the same run (managedFields tracked)");
    println!();
    println!("| operation | requests | errors | per second | p50 | p99 | vs PUT |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (label, outcome) in [
        ("server-side apply, 3 managers in turn", &apply),
        ("PUT update (reference)", &put),
    ] {
        println!(
            "| {label} | {} | {} | {} | {} | {} | {:.2} |",
            outcome.ops,
            outcome.errors,
            fmt_rate(outcome.rate()),
            outcome.percentile(50.0),
            outcome.percentile(99.0),
            outcome.rate() / put.rate().max(f64::MIN_POSITIVE),
        );
    }
    for (label, outcome) in [("apply", &apply), ("PUT", &put)] {
        if let Some(error) = &outcome.first_error {
            println!();
            println!("- first {label} error: {error}");
        }
    }
}
