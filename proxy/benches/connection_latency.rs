//! Connection setup latency through a cluster IP versus straight to the pod IP, in the same
//! run, for the nftables and the iptables backend (root, `ip`, `nft` and `iptables-restore`
//! required, else skipped). Goal: a cluster IP costs at most 1.1x the pod IP.
//!
//! Two network namespaces joined by a veth: the client one is the node, with the proxier's
//! rules (so connections take the `nat-output` / `OUTPUT` path), the server one holds the
//! pods. This binary plays the server (`--serve`) and the client (`--client`) itself, run
//! with `ip netns exec`. The client times connect() plus the read of the one byte the
//! server writes before closing, rotating the targets every round so that they all see the
//! same noise. Each mode runs twice in fresh namespaces: with only the measured Services,
//! and with 1,000 other Services (2 endpoints each) loaded beside them. The others sort
//! first (namespace `bench` before `default`), so with iptables the measured Services' rules
//! come last in `KUBE-SERVICES`; note that pod-IP traffic walks that chain too (nothing
//! matches), so the ratio does not show what the walk costs both. Prints a markdown table;
//! never asserts times.
//!
//! Run: `cargo bench -p kube-proxy --bench connection_latency`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::Stdio;
use std::time::{Duration, Instant};

use proxy::iptables::{Iptables, IptablesProxier};
use proxy::model::{ProxyState, ServicePort};
use proxy::nftables::{Nft, NftProxier};
use support::{Lab, endpoint, service_port};

const WARMUP: usize = 500;
const SAMPLES: usize = 5_000;
const FILLER: usize = 1_000;
const POD_PORT: u16 = 8080;
const NODE_IP: Ipv4Addr = Ipv4Addr::new(10, 125, 0, 1);
const POD_A: Ipv4Addr = Ipv4Addr::new(10, 125, 0, 2);
const POD_B: Ipv4Addr = Ipv4Addr::new(10, 125, 0, 3);
/// A Service with POD_A as its one endpoint.
const ONE_ENDPOINT: Ipv4Addr = Ipv4Addr::new(10, 96, 0, 10);
/// A Service with POD_A and POD_B as endpoints.
const TWO_ENDPOINTS: Ipv4Addr = Ipv4Addr::new(10, 96, 0, 11);

/// What the client connects to, in this order in a round (then rotated).
const TARGETS: [(&str, Ipv4Addr, u16); 3] = [
    ("pod IP", POD_A, POD_PORT),
    ("ClusterIP, 1 endpoint", ONE_ENDPOINT, 80),
    ("ClusterIP, 2 endpoints", TWO_ENDPOINTS, 80),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--serve") {
        serve(&args[at + 1]);
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--client") {
        client(&args[at + 1..]);
        return;
    }
    if !support::available("connection_latency", &["ip", "nft", "iptables-restore"]) {
        return;
    }

    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for mode in [Mode::Nftables, Mode::Iptables] {
        for filler in [0, FILLER] {
            let (stats, replies) = measure(mode, filler);
            let pod_p50 = stats[0].p50;
            for ((target, _, _), s) in TARGETS.iter().zip(&stats) {
                rows.push(format!(
                    "| {} | {} | {target} | {:.1} | {:.1} | {:.1} | {:.1} | {:.3} |",
                    mode.name(),
                    filler + 2,
                    s.p50,
                    s.p90,
                    s.p99,
                    s.mean,
                    s.p50 / pod_p50,
                ));
                if s.failed > 0 {
                    notes.push(format!(
                        "{} / {} Services / {target}: {} of {SAMPLES} connections failed",
                        mode.name(),
                        filler + 2,
                        s.failed
                    ));
                }
            }
            notes.push(format!(
                "{} / {} Services: answering pods per target {replies:?}",
                mode.name(),
                filler + 2
            ));
        }
    }

    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let build = if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    };
    println!(
        "Connection setup latency (connect + 1-byte read), {} UTC, {cores} CPUs ({cpu}), \
         kernel {}, {build}; {SAMPLES} samples per target after {WARMUP} warm-up rounds, \
         targets interleaved.\n",
        jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M"),
        kernel.trim(),
    );
    println!(
        "| mode | Services loaded | target | p50 µs | p90 µs | p99 µs | mean µs | ratio p50 to pod IP |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for row in rows {
        println!("{row}");
    }
    println!();
    for note in notes {
        println!("- {note}");
    }
}

/// Server side: accepts on every address given, writes the last octet of the address the
/// connection reached, and closes.
fn serve(addresses: &str) {
    let listeners: Vec<TcpListener> = addresses
        .split(',')
        .map(|a| TcpListener::bind(a).unwrap_or_else(|e| panic!("bind {a}: {e}")))
        .collect();
    println!("ready");
    std::io::stdout().flush().unwrap();
    let threads: Vec<_> = listeners
        .into_iter()
        .map(|listener| {
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(mut stream) = stream else { continue };
                    let octet = match stream.local_addr() {
                        Ok(SocketAddr::V4(a)) => a.ip().octets()[3],
                        _ => 0,
                    };
                    let _ = stream.write_all(&[octet]);
                }
            })
        })
        .collect();
    for thread in threads {
        let _ = thread.join();
    }
}

/// Client side: `<samples> <warmup> <ip:port>...`. Prints `<target> <µs> <reply>` per
/// measured connection, or `<target> failed <error>`.
fn client(args: &[String]) {
    let samples: usize = args[0].parse().expect("samples");
    let warmup: usize = args[1].parse().expect("warmup");
    let targets: Vec<SocketAddr> = args[2..]
        .iter()
        .map(|a| a.parse().expect("target"))
        .collect();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for round in 0..warmup + samples {
        for k in 0..targets.len() {
            let which = (round + k) % targets.len();
            let result = connect_once(&targets[which]);
            if round < warmup {
                continue;
            }
            let _ = match result {
                Ok((elapsed, reply)) => writeln!(
                    out,
                    "{which} {:.3} {reply}",
                    elapsed.as_nanos() as f64 / 1000.0
                ),
                Err(e) => writeln!(out, "{which} failed {e}"),
            };
        }
    }
    out.flush().unwrap();
}

fn connect_once(target: &SocketAddr) -> std::io::Result<(Duration, u8)> {
    let started = Instant::now();
    let mut stream = TcpStream::connect_timeout(target, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut byte = [0u8; 1];
    stream.read_exact(&mut byte)?;
    Ok((started.elapsed(), byte[0]))
}

#[derive(Clone, Copy)]
enum Mode {
    Nftables,
    Iptables,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Nftables => "nftables",
            Mode::Iptables => "iptables",
        }
    }
}

/// The proxier programming the client namespace; its rules are removed on drop.
enum Rules {
    Nft(NftProxier, Nft),
    Iptables(IptablesProxier, Iptables),
}

impl Rules {
    fn new(mode: Mode, netns: &str) -> Rules {
        let node = support::node("client", NODE_IP);
        match mode {
            Mode::Nftables => {
                let nft = Nft::new(Some(netns.to_owned()));
                Rules::Nft(NftProxier::new(node, nft.clone()), nft)
            }
            Mode::Iptables => {
                let iptables = Iptables::in_netns(netns);
                Rules::Iptables(IptablesProxier::new(node, iptables.clone()), iptables)
            }
        }
    }

    fn sync(&mut self, state: &ProxyState) {
        match self {
            Rules::Nft(proxier, _) => {
                proxier.sync(state).expect("nftables sync");
            }
            Rules::Iptables(proxier, _) => {
                proxier.sync(state).expect("iptables sync");
            }
        }
    }
}

impl Drop for Rules {
    fn drop(&mut self) {
        let _ = match self {
            Rules::Nft(_, nft) => NftProxier::cleanup(nft).map_err(|e| e.to_string()),
            Rules::Iptables(_, iptables) => {
                proxy::iptables::cleanup(iptables).map_err(|e| e.to_string())
            }
        };
    }
}

/// Fresh namespaces (removed on drop) with this binary serving on the pod addresses.
fn start(tag: &str) -> Lab {
    let mut lab = Lab::new(
        &format!("kp-lat-{tag}"),
        &format!("kpl{tag}"),
        NODE_IP,
        &[POD_A, POD_B],
    );
    // Room for every connection of a run without reusing a source port.
    support::run(&[
        "ip",
        "netns",
        "exec",
        &lab.client,
        "sysctl",
        "-w",
        "net.ipv4.ip_local_port_range=1024 65535",
    ]);
    let exe = std::env::current_exe().expect("current_exe");
    let server = support::exec(&lab.server, exe)
        .args(["--serve", &format!("0.0.0.0:{POD_PORT}")])
        .stdout(Stdio::piped())
        .spawn()
        .expect("server");
    let stdout = lab.keep(server).stdout.take().expect("server stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("server");
    assert_eq!(line.trim(), "ready", "the server did not start");
    lab
}

fn port(name: &str, cluster_ip: Ipv4Addr) -> ServicePort {
    service_port("default", name, cluster_ip, 80)
}

/// The two measured Services and `filler` others with 2 (unreachable) endpoints each.
fn state(filler: usize) -> ProxyState {
    let mut state = ProxyState::default();
    let mut add = |svc: ServicePort, ips: &[Ipv4Addr]| {
        let endpoints = ips.iter().map(|ip| endpoint(*ip, POD_PORT)).collect();
        support::add_service(&mut state, svc, endpoints);
    };
    add(port("one", ONE_ENDPOINT), &[POD_A]);
    add(port("two", TWO_ENDPOINTS), &[POD_A, POD_B]);
    for i in 0..filler {
        let [_, _, hi, lo] = (i as u32).to_be_bytes();
        let svc = service_port(
            "bench",
            &format!("filler-{i}"),
            Ipv4Addr::new(10, 97, hi, lo),
            80,
        );
        add(
            svc,
            &[
                Ipv4Addr::new(10, 200, hi, lo),
                Ipv4Addr::new(10, 201, hi, lo),
            ],
        );
    }
    state
}

struct Stats {
    p50: f64,
    p90: f64,
    p99: f64,
    mean: f64,
    failed: usize,
}

fn stats(mut samples: Vec<f64>, failed: usize) -> Stats {
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let index = (p * (samples.len() - 1) as f64).round() as usize;
        samples[index]
    };
    Stats {
        p50: at(0.50),
        p90: at(0.90),
        p99: at(0.99),
        mean: samples.iter().sum::<f64>() / samples.len() as f64,
        failed,
    }
}

/// One run in fresh namespaces: per target, the statistics and which pods answered.
fn measure(mode: Mode, filler: usize) -> (Vec<Stats>, Vec<BTreeMap<String, usize>>) {
    let tag = match mode {
        Mode::Nftables => "n",
        Mode::Iptables => "i",
    };
    let lab = start(tag);
    let mut rules = Rules::new(mode, &lab.client);
    rules.sync(&state(filler));

    let exe = std::env::current_exe().expect("current_exe");
    let output = support::exec(&lab.client, exe)
        .arg("--client")
        .arg(SAMPLES.to_string())
        .arg(WARMUP.to_string())
        .args(TARGETS.iter().map(|(_, ip, port)| format!("{ip}:{port}")))
        .stderr(Stdio::inherit())
        .output()
        .expect("client");
    assert!(output.status.success(), "the client failed");

    let mut samples = vec![Vec::with_capacity(SAMPLES); TARGETS.len()];
    let mut failed = vec![0; TARGETS.len()];
    let mut replies = vec![BTreeMap::new(); TARGETS.len()];
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let mut fields = line.split_whitespace();
        let which: usize = fields.next().and_then(|f| f.parse().ok()).expect(line);
        match fields.next() {
            Some("failed") => failed[which] += 1,
            Some(micros) => {
                samples[which].push(micros.parse::<f64>().expect(line));
                let octet = fields.next().unwrap_or("?");
                *replies[which]
                    .entry(format!("10.125.0.{octet}"))
                    .or_insert(0) += 1;
            }
            None => panic!("bad client line {line:?}"),
        }
    }
    drop(rules);
    drop(lab);
    let stats = samples
        .into_iter()
        .zip(failed)
        .map(|(s, f)| {
            assert!(!s.is_empty(), "every connection failed");
            stats(s, f)
        })
        .collect();
    (stats, replies)
}
