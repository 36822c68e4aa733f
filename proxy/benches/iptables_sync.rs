//! The iptables backend at scale: 10,000 Services with 2 endpoints each, in a scratch
//! network namespace. Measures building the `iptables-restore` input, its size, a full
//! restore and a sync after one Service changed (upstream's partial sync). Prints a
//! markdown table. Needs root and `iptables-restore`; skips otherwise.
//!
//! `cargo bench -p kube-proxy --bench iptables_sync`

#[path = "../tests/support/mod.rs"]
mod support;

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use proxy::iptables::{BuildOptions, Iptables, IptablesProxier, build_with};
use proxy::model::{Endpoint, NodeSettings, ProxyState};
use support::Netns;

const RUNS: usize = 10;

/// `KP_BENCH_SERVICES` (default 10,000).
fn services() -> u32 {
    std::env::var("KP_BENCH_SERVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn endpoint(index: u32, which: u32) -> Endpoint {
    let [_, a, b, c] = (index * 4 + which).to_be_bytes();
    support::endpoint(Ipv4Addr::new(10, 128 + a, b, c), 8080)
}

fn state(count: u32) -> ProxyState {
    let mut state = ProxyState::default();
    for i in 0..count {
        let [_, _, b, c] = i.to_be_bytes();
        let service = support::service_port(
            &format!("ns{}", i % 100),
            &format!("svc{i}"),
            Ipv4Addr::new(10, 96, b, c),
            80,
        );
        support::add_service(&mut state, service, vec![endpoint(i, 0), endpoint(i, 1)]);
    }
    state
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    if !support::available("iptables_sync", &["ip", "iptables-restore"]) {
        return;
    }
    let netns = Netns::create(format!("kp-ipt-bench-{}", std::process::id()));
    let iptables = Iptables::in_netns(&netns.0);
    let node = NodeSettings {
        cluster_cidr: Some("10.128.0.0/9".parse().unwrap()),
        ..support::node("bench", Ipv4Addr::new(192, 168, 0, 2))
    };
    let count = services();
    let mut state = state(count);

    let build_times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let built = build_with(&state, &node, &BuildOptions::default());
            std::hint::black_box(&built);
            start.elapsed()
        })
        .collect();
    let built = build_with(&state, &node, &BuildOptions::default());
    let input = built.restore.to_input();
    let lines = built.restore.lines();

    // The first sync of a proxier: jumps, iptables-save, full restore.
    let mut proxier = IptablesProxier::new(node.clone(), iptables.clone());
    let start = Instant::now();
    let first = proxier.sync(&state).unwrap();
    let first_sync = start.elapsed();
    assert!(first.full);

    // A full restore of the same input over the loaded tables (once: minutes with
    // iptables-nft at this size).
    let start = Instant::now();
    iptables.restore(&input).unwrap();
    let full_restore = start.elapsed();

    // One Service's endpoint changes each time: a partial sync.
    let key = state
        .services
        .keys()
        .nth(count as usize / 2)
        .unwrap()
        .clone();
    let partials: Vec<Duration> = (0..RUNS)
        .map(|run| {
            let list = state.endpoints.get_mut(&key).unwrap();
            list[1] = endpoint(count + (run as u32 % 2), 2);
            let start = Instant::now();
            let result = proxier.sync(&state).unwrap();
            let elapsed = start.elapsed();
            assert!(!result.full && result.changed);
            elapsed
        })
        .collect();
    let start = Instant::now();
    let unchanged = proxier.sync(&state).unwrap();
    let noop = start.elapsed();
    assert!(!unchanged.changed);

    println!("| iptables backend, {count} Services x 2 endpoints | value |");
    println!("|---|---|");
    println!(
        "| build input (median of {RUNS}) | {} |",
        ms(median(build_times))
    );
    println!("| input lines | {lines} |");
    println!("| input bytes | {} |", input.len());
    println!(
        "| first sync (jumps + iptables-save + full restore) | {} |",
        ms(first_sync)
    );
    println!(
        "| full restore again, iptables-restore only | {} |",
        ms(full_restore)
    );
    println!(
        "| one Service changed, partial sync (median of {RUNS}) | {} |",
        ms(median(partials))
    );
    println!("| nothing changed (sync skipped) | {} |", ms(noop));
}
