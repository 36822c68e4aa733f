//! nftables backend timings (root and `nft` required, else skipped), in a scratch network
//! namespace: 10,000 Services x 2 endpoints with the flat layout (ruleset build, full sync,
//! incremental syncs for one Service changed or added) and, for reference, upstream's layout (a chain per
//! Service and per endpoint with an anonymous `numgen` verdict map) loaded with `nft -f` for
//! 1,000 and 3,000 Services. Prints a markdown table.
//!
//! Run: `cargo bench -p kube-proxy --bench nftables_sync`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use proxy::model::{Endpoint, NodeSettings, ProxyState, ServicePortName};
use proxy::nftables::{Nft, NftProxier, build, hashed};
use support::Netns;

const SERVICES: usize = 10_000;
const CHANGES: usize = 20;

fn cluster_ip(i: usize) -> Ipv4Addr {
    Ipv4Addr::new(10, 96 + (i >> 16) as u8, (i >> 8) as u8, i as u8)
}

fn endpoint(i: usize, j: usize) -> Ipv4Addr {
    let n = 2 * i + j;
    Ipv4Addr::new(10, 244 + (n >> 16) as u8, (n >> 8) as u8, n as u8)
}

fn name(i: usize) -> ServicePortName {
    service(i).name
}

fn service(i: usize) -> proxy::model::ServicePort {
    support::service_port("bench", &format!("svc-{i}"), cluster_ip(i), 80)
}

fn endpoints(i: usize, generation: usize) -> Vec<Endpoint> {
    (0..2)
        .map(|j| support::endpoint(endpoint(i, j), 8080 + generation as u16))
        .collect()
}

fn state(services: usize) -> ProxyState {
    let mut state = ProxyState::default();
    for i in 0..services {
        support::add_service(&mut state, service(i), endpoints(i, 0));
    }
    state
}

/// `services` Service and EndpointSlice objects as the watches key them, matching [`state`].
fn objects(services: usize) -> (BTreeMap<String, Service>, BTreeMap<String, EndpointSlice>) {
    let mut by_name = BTreeMap::new();
    let mut slices = BTreeMap::new();
    for i in 0..services {
        let name = format!("svc-{i}");
        let service: Service = serde_json::from_value(serde_json::json!({
            "metadata": {"namespace": "bench", "name": name},
            "spec": {"clusterIP": cluster_ip(i).to_string(),
                     "ports": [{"name": "http", "port": 80}]},
        }))
        .expect("service");
        let addresses: Vec<serde_json::Value> = (0..2)
            .map(|j| serde_json::json!({"addresses": [endpoint(i, j).to_string()]}))
            .collect();
        let slice: EndpointSlice = serde_json::from_value(serde_json::json!({
            "metadata": {"namespace": "bench", "name": format!("{name}-x1"),
                         "labels": {"kubernetes.io/service-name": name}},
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": 8080}],
            "endpoints": addresses,
        }))
        .expect("slice");
        by_name.insert(format!("bench/{name}"), service);
        slices.insert(format!("bench/{name}-x1"), slice);
    }
    (by_name, slices)
}

/// Upstream's layout for `services` Services x 2 endpoints (the parts that cost: a chain
/// per Service with an anonymous `numgen` verdict map, a chain per endpoint, the dispatch
/// map).
fn upstream_layout(services: usize) -> String {
    let mut out = String::from(
        "add table ip kube-proxy\ndelete table ip kube-proxy\nadd table ip kube-proxy\n\
         add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }\n\
         add chain ip kube-proxy services\nadd chain ip kube-proxy mark-for-masquerade\n\
         add rule ip kube-proxy mark-for-masquerade meta mark set meta mark or 0x4000\n\
         add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }\n\
         add rule ip kube-proxy nat-output jump services\n\
         add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips\n",
    );
    let mut elements = Vec::new();
    for i in 0..services {
        let base = hashed(&format!("bench/svc-{i}/tcp/http"));
        let service = format!("service-{base}");
        let _ = writeln!(out, "add chain ip kube-proxy {service}");
        let mut vmap = Vec::new();
        for j in 0..2 {
            let ip = endpoint(i, j);
            let chain = format!(
                "endpoint-{}",
                hashed(&format!("bench/svc-{i}/tcp/http__{ip}/8080"))
            );
            let _ = writeln!(out, "add chain ip kube-proxy {chain}");
            let _ = writeln!(
                out,
                "add rule ip kube-proxy {chain} ip saddr {ip} jump mark-for-masquerade"
            );
            let _ = writeln!(
                out,
                "add rule ip kube-proxy {chain} meta l4proto tcp dnat to {ip}:8080"
            );
            vmap.push(format!("{j} : goto {chain}"));
        }
        let _ = writeln!(
            out,
            "add rule ip kube-proxy {service} numgen random mod 2 vmap {{ {} }}",
            vmap.join(", ")
        );
        elements.push(format!("{} . tcp . 80 : goto {service}", cluster_ip(i)));
    }
    for chunk in elements.chunks(5000) {
        let _ = writeln!(
            out,
            "add element ip kube-proxy service-ips {{ {} }}",
            chunk.join(", ")
        );
    }
    out
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Set in the re-executed bench, which runs inside the scratch namespace.
const IN_NETNS: &str = "KUBE_PROXY_BENCH_IN_NETNS";

fn main() {
    if std::env::var_os(IN_NETNS).is_some() {
        measure();
        return;
    }
    if !support::available("nftables_sync", &["ip", "nft"]) {
        return;
    }
    // The bench runs again inside the namespace, so `nft` starts as kube-proxy starts it
    // on a node (no `ip netns exec` in front, which alone costs about 9 ms here).
    let netns = Netns::create(format!("kp-nft-bench-{}", std::process::id()));
    let exe = std::env::current_exe().expect("current_exe");
    let status = support::exec(&netns.0, exe)
        .env(IN_NETNS, "1")
        .status()
        .expect("re-run the bench in the namespace");
    assert!(status.success(), "bench in {} failed", netns.0);
}

fn measure() {
    let nft = Nft::new(None);
    let node = NodeSettings {
        cluster_cidr: Some("10.244.0.0/16".parse().unwrap()),
        ..support::node("bench", Ipv4Addr::new(192, 168, 1, 10))
    };

    let mut state = state(SERVICES);
    let builds: Vec<Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(build(&state, &node));
            started.elapsed()
        })
        .collect();
    let full_text = build(&state, &node).full_transaction();

    let mut proxier = NftProxier::new(node.clone(), nft.clone());
    let mut fulls = Vec::new();
    for _ in 0..3 {
        proxier.full_sync_next();
        let started = Instant::now();
        let result = proxier.sync(&state).expect("full sync");
        fulls.push(started.elapsed());
        assert!(result.full && result.changed);
    }

    // One Service's endpoints change (element deletions and additions): the whole sync,
    // then the same kind of change again timing its two parts.
    // As kube-proxy runs it, the sync is told which service port changed.
    let only = |i: usize| BTreeSet::from([name(i)]);
    let mut changes = Vec::new();
    for round in 0..CHANGES {
        let i = (round * 499) % SERVICES;
        state.endpoints.insert(name(i), endpoints(i, 2 * round + 1));
        let started = Instant::now();
        let result = proxier
            .sync_changed(&state, Some(&only(i)))
            .expect("incremental sync");
        changes.push(started.elapsed());
        assert!(!result.full && result.changed);
    }
    // Not told: every service port is compared with the last sync.
    let mut untold = Vec::new();
    for round in 0..CHANGES {
        let i = (round * 401 + 5) % SERVICES;
        state.endpoints.insert(name(i), endpoints(i, 2 * round + 1));
        let started = Instant::now();
        let result = proxier.sync(&state).expect("incremental sync");
        untold.push(started.elapsed());
        assert!(!result.full && result.changed);
    }
    let (mut plans, mut applies, mut diff_bytes) = (Vec::new(), Vec::new(), 0);
    for round in 0..CHANGES {
        let i = (round * 307 + 11) % SERVICES;
        state.endpoints.insert(name(i), endpoints(i, 2 * round + 2));
        let started = Instant::now();
        let (transaction, full) = proxier.next_transaction_changed(&state, Some(&only(i)));
        plans.push(started.elapsed());
        assert!(!full);
        diff_bytes = transaction.len();
        let started = Instant::now();
        nft.apply(&transaction).expect("incremental apply");
        applies.push(started.elapsed());
    }
    // A new Service (element additions only).
    let mut additions = Vec::new();
    for round in 0..CHANGES {
        let i = SERVICES + round;
        support::add_service(&mut state, service(i), endpoints(i, 0));
        let started = Instant::now();
        let result = proxier
            .sync_changed(&state, Some(&only(i)))
            .expect("incremental sync");
        additions.push(started.elapsed());
        assert!(!result.full && result.changed);
    }

    // The sync loop's side: the whole state from Service and EndpointSlice objects (after a
    // relist, and at the periodic resync) against re-reading the one Service that changed.
    let (services, slices) = objects(SERVICES);
    let started = Instant::now();
    let mut from_objects = proxy::state::build(services.values(), slices.values(), "bench");
    let state_build = started.elapsed();
    let keys = BTreeSet::from(["bench/svc-42".to_owned()]);
    let refreshes: Vec<Duration> = (0..CHANGES)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(proxy::state::refresh(
                &mut from_objects,
                &keys,
                &services,
                &slices,
                "bench",
            ));
            started.elapsed()
        })
        .collect();

    let mut rows = vec![
        (
            format!("sync loop: state from {SERVICES} Services and EndpointSlices (once)"),
            ms(state_build),
        ),
        (
            format!("sync loop: re-read the one Service that changed (median of {CHANGES})"),
            ms(median(refreshes)),
        ),
        (
            format!("build the whole ruleset, {SERVICES} Services x 2 endpoints (median of 5)"),
            ms(median(builds)),
        ),
        (
            format!(
                "full sync, {SERVICES} Services (median of 3, {} KiB)",
                full_text.len() / 1024
            ),
            ms(median(fulls)),
        ),
        (
            format!("one Service's endpoints changed: whole sync (median of {CHANGES})"),
            ms(median(changes)),
        ),
        (
            format!(
                "… the same, not told which Service changed (compares all {SERVICES}; median of {CHANGES})"
            ),
            ms(median(untold)),
        ),
        (
            format!(
                "… of which: the changed fragments and their transaction (median of {CHANGES})"
            ),
            ms(median(plans)),
        ),
        (
            format!(
                "… of which: `nft -f` of the {diff_bytes}-byte transaction (median of {CHANGES})"
            ),
            ms(median(applies)),
        ),
        (
            format!("one Service added: whole sync (median of {CHANGES})"),
            ms(median(additions)),
        ),
    ];
    for services in [1_000, 3_000] {
        let text = upstream_layout(services);
        let started = Instant::now();
        nft.apply(&text).expect("upstream layout");
        rows.push((
            format!("reference, upstream's layout: `nft -f` of {services} Services x 2 endpoints"),
            ms(started.elapsed()),
        ));
    }
    NftProxier::cleanup(&nft).expect("cleanup");

    println!("| measurement | time |\n|---|---|");
    for (what, time) in rows {
        println!("| {what} | {time} |");
    }
}
