//! CustomResourceDefinition established to served: how long after a definition's create the
//! API server lists its resource in discovery and accepts its first object.
//!
//! The release `kube-apiserver` runs as a child process over TLS, first on a fresh embedded
//! store, then on a fresh private etcd. For each definition the bench sends the create, then
//! polls `/apis/<group>/<version>` (legacy discovery) until the resource is listed, and then
//! creates an object until it is accepted. The reference in the same run is the create of a
//! ConfigMap of the same size: a write's own round trip. Rows: the first definitions of an
//! empty server, and more definitions once many are served (each change rebuilds what is
//! served).
//!
//! `cargo bench -p kube-apiserver --bench crd` (`CRD_BENCH_QUICK=1` for a short run).

mod support;

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::server::{ApiServerProcess, Conn, Pki};
use support::{EtcdProcess, fmt_percentile, print_title};

const JSON: Option<&str> = Some("application/json");

fn definition(index: usize) -> Value {
    let plural = format!("widgets{index}");
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{plural}.bench{index}.example.com")},
        "spec": {
            "group": format!("bench{index}.example.com"),
            "scope": "Namespaced",
            "names": {"plural": plural, "singular": format!("widget{index}"),
                "kind": format!("Widget{index}"), "shortNames": [format!("wd{index}")]},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                    "spec": {"type": "object", "properties": {
                        "size": {"type": "integer", "minimum": 0},
                        "color": {"type": "string", "enum": ["red", "green", "blue"]}}}}}},
                "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}]}]
        }
    })
}

/// The times of one definition, from the create being sent.
struct Timing {
    created: Duration,
    discovered: Duration,
    served: Duration,
    reference: Duration,
}

async fn measure(conn: &Conn, index: usize) -> Result<Timing, String> {
    let body = Bytes::from(serde_json::to_vec(&definition(index)).unwrap_or_default());
    let reference_body = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": format!("reference-{index}")},
        "data": {"definition": String::from_utf8_lossy(&body)}});
    let started = Instant::now();
    conn.expect(
        Method::POST,
        "/api/v1/namespaces/default/configmaps",
        JSON,
        Bytes::from(reference_body.to_string()),
        StatusCode::CREATED,
    )
    .await?;
    let reference = started.elapsed();

    let started = Instant::now();
    conn.expect(
        Method::POST,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        JSON,
        body,
        StatusCode::CREATED,
    )
    .await?;
    let created = started.elapsed();
    let group = format!("/apis/bench{index}.example.com/v1");
    let plural = format!("\"widgets{index}\"");
    let deadline = started + Duration::from_secs(30);
    let discovered = loop {
        let (status, answer) = conn.call(Method::GET, &group, None, Bytes::new()).await?;
        if status == StatusCode::OK && String::from_utf8_lossy(&answer).contains(&plural) {
            break started.elapsed();
        }
        if Instant::now() > deadline {
            return Err(format!("definition {index} not in discovery after 30 s"));
        }
        tokio::time::sleep(Duration::from_micros(500)).await;
    };
    let object = json!({"apiVersion": format!("bench{index}.example.com/v1"),
        "kind": format!("Widget{index}"), "metadata": {"name": "first"},
        "spec": {"size": 3, "color": "red"}});
    let path = format!("{group}/namespaces/default/widgets{index}");
    let served = loop {
        let (status, answer) = conn
            .call(Method::POST, &path, JSON, Bytes::from(object.to_string()))
            .await?;
        if status == StatusCode::CREATED {
            break started.elapsed();
        }
        if Instant::now() > deadline {
            return Err(format!(
                "definition {index} not served after 30 s: {status} {}",
                String::from_utf8_lossy(&answer)
            ));
        }
        tokio::time::sleep(Duration::from_micros(500)).await;
    };
    Ok(Timing {
        created,
        discovered,
        served,
        reference,
    })
}

fn row(label: &str, backend: &str, timings: &[Timing]) {
    let pick = |f: fn(&Timing) -> Duration| -> Vec<Duration> { timings.iter().map(f).collect() };
    let cell = |samples: &[Duration]| {
        format!(
            "{} / {} / {}",
            fmt_percentile(samples, 50.0),
            fmt_percentile(samples, 99.0),
            fmt_percentile(samples, 100.0)
        )
    };
    println!(
        "| {backend} | {label} | {} | {} | {} | {} |",
        cell(&pick(|t| t.reference)),
        cell(&pick(|t| t.created)),
        cell(&pick(|t| t.discovered)),
        cell(&pick(|t| t.served)),
    );
}

async fn run(backend: &str, etcd: Option<&str>, pki: &Pki, quick: bool) -> Result<(), String> {
    let mut server = ApiServerProcess::start(pki, etcd)?;
    let connector = server.wait_ready(pki).await?;
    let conn = connector.connect().await?;
    let (first, filler, last) = if quick { (5, 20, 5) } else { (20, 180, 20) };
    let mut timings = Vec::new();
    for index in 0..first {
        timings.push(measure(&conn, index).await?);
    }
    row(
        &format!("definitions 1–{first} (empty server)"),
        backend,
        &timings,
    );
    // More definitions, unmeasured, then measured ones on top.
    for index in first..first + filler {
        let body = Bytes::from(serde_json::to_vec(&definition(index)).unwrap_or_default());
        conn.expect(
            Method::POST,
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            JSON,
            body,
            StatusCode::CREATED,
        )
        .await?;
    }
    let mut timings = Vec::new();
    for index in first + filler..first + filler + last {
        timings.push(measure(&conn, index).await?);
    }
    let from = first + filler;
    row(
        &format!("definitions {}–{} ({from} served)", from + 1, from + last),
        backend,
        &timings,
    );
    Ok(())
}

fn main() {
    let quick = std::env::var_os("CRD_BENCH_QUICK").is_some();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let pki = Pki::generate().expect("PKI");
    print_title("kube-apiserver: CustomResourceDefinition established to served");
    println!();
    println!(
        "Each cell: p50 / p99 / max from the create being sent. Reference: a ConfigMap create of the same size."
    );
    println!();
    println!(
        "| store | definitions | reference create | definition create | in discovery | first object accepted |"
    );
    println!("|---|---|---:|---:|---:|---:|");
    runtime.block_on(async {
        if let Err(e) = run("embedded", None, &pki, quick).await {
            eprintln!("embedded: {e}");
        }
        match EtcdProcess::start() {
            Ok(mut etcd) => {
                if let Err(e) = etcd.wait_ready().await {
                    eprintln!("etcd: {e}");
                    return;
                }
                let endpoint = etcd.endpoint.clone();
                if let Err(e) = run("etcd", Some(&endpoint), &pki, quick).await {
                    eprintln!("etcd: {e}");
                }
            }
            Err(e) => eprintln!("etcd: {e}"),
        }
    });
}
