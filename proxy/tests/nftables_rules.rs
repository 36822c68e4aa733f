//! The nftables backend's ruleset for representative Services, compared with golden files
//! in `tests/golden/nftables/` (`UPDATE_GOLDEN=1` rewrites them), the incremental
//! transactions for endpoint changes, and (as root, with `nft`) the kernel accepting every
//! golden file in a scratch network namespace and a diff leaving the same table as a full
//! load.

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::Command;

use proxy::model::{Endpoint, NodeSettings, Protocol, ProxyState, ServicePort, ServicePortName};
use proxy::nftables::{Nft, build};

fn node() -> NodeSettings {
    NodeSettings {
        node_name: "node-a".into(),
        node_ips: vec![Ipv4Addr::new(192, 168, 1, 10)],
        cluster_cidr: Some("10.244.0.0/16".parse().unwrap()),
        ..Default::default()
    }
}

fn port(name: &str, protocol: Protocol, cluster_ip: [u8; 4], port: u16) -> ServicePort {
    ServicePort {
        name: ServicePortName {
            namespace: "ns".into(),
            name: name.into(),
            port: "p".into(),
            protocol,
        },
        cluster_ip: Ipv4Addr::from(cluster_ip),
        port,
        node_port: 0,
        external_ips: vec![],
        load_balancer_ips: vec![],
        load_balancer_source_ranges: vec![],
        session_affinity_seconds: None,
        external_policy_local: false,
        internal_policy_local: false,
        health_check_node_port: 0,
    }
}

fn ep(last: u8, is_local: bool) -> Endpoint {
    Endpoint {
        ip: Ipv4Addr::new(10, 244, 1, last),
        port: 8080,
        is_local,
        ready: true,
        serving: true,
        terminating: false,
    }
}

fn state(services: Vec<(ServicePort, Vec<Endpoint>)>) -> ProxyState {
    let mut state = ProxyState::default();
    for (svc, eps) in services {
        if !eps.is_empty() {
            state.endpoints.insert(svc.name.clone(), eps);
        }
        state.services.insert(svc.name.clone(), svc);
    }
    state
}

fn cluster_ip(eps: usize) -> ProxyState {
    let eps = (1..=eps as u8).map(|i| ep(i, false)).collect();
    state(vec![(port("web", Protocol::Tcp, [10, 96, 0, 10], 80), eps)])
}

fn nodeport_lb_local() -> ProxyState {
    let mut svc = port("lb", Protocol::Tcp, [10, 96, 0, 20], 443);
    svc.node_port = 30443;
    svc.load_balancer_ips = vec![Ipv4Addr::new(192, 0, 2, 50)];
    svc.external_ips = vec![Ipv4Addr::new(192, 0, 2, 60)];
    svc.external_policy_local = true;
    // Two remote endpoints and one on this node; a second Service with no local endpoint.
    let mut none_local = port("lb-remote", Protocol::Tcp, [10, 96, 0, 21], 443);
    none_local.node_port = 30444;
    none_local.external_policy_local = true;
    state(vec![
        (svc, vec![ep(1, false), ep(2, true), ep(3, false)]),
        (none_local, vec![ep(4, false)]),
    ])
}

fn affinity() -> ProxyState {
    let mut svc = port("sticky", Protocol::Tcp, [10, 96, 0, 30], 80);
    svc.session_affinity_seconds = Some(600);
    svc.node_port = 30080;
    state(vec![(svc, vec![ep(1, false), ep(2, false), ep(3, true)])])
}

fn no_endpoints() -> ProxyState {
    let mut svc = port("empty", Protocol::Tcp, [10, 96, 0, 40], 80);
    svc.node_port = 30081;
    svc.external_ips = vec![Ipv4Addr::new(192, 0, 2, 70)];
    // internalTrafficPolicy Local with endpoints only elsewhere: dropped, not rejected.
    let mut internal_local = port("remote-only", Protocol::Tcp, [10, 96, 0, 41], 80);
    internal_local.internal_policy_local = true;
    state(vec![(svc, vec![]), (internal_local, vec![ep(5, false)])])
}

fn udp_sctp() -> ProxyState {
    state(vec![
        (
            port("dns", Protocol::Udp, [10, 96, 0, 53], 53),
            vec![ep(1, false), ep(2, false)],
        ),
        (
            port("sig", Protocol::Sctp, [10, 96, 0, 54], 3868),
            vec![ep(3, false)],
        ),
    ])
}

fn source_ranges() -> ProxyState {
    let mut svc = port("fw", Protocol::Tcp, [10, 96, 0, 60], 80);
    svc.node_port = 30060;
    svc.load_balancer_ips = vec![Ipv4Addr::new(192, 0, 2, 80)];
    svc.load_balancer_source_ranges = vec![
        "203.0.113.0/24".parse().unwrap(),
        "192.168.1.0/24".parse().unwrap(),
    ];
    state(vec![(svc, vec![ep(1, false), ep(2, false)])])
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/nftables")
}

fn golden(name: &str, actual: &str) {
    let path = golden_dir().join(format!("{name}.nft"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert_eq!(actual, expected, "{} differs", path.display());
}

fn full_cases() -> Vec<(&'static str, ProxyState, NodeSettings)> {
    let nodeport_addresses = NodeSettings {
        nodeport_addresses: vec!["192.168.1.0/24".parse().unwrap()],
        masquerade_all: true,
        ..node()
    };
    vec![
        ("clusterip", cluster_ip(2), node()),
        ("nodeport_lb_local", nodeport_lb_local(), node()),
        ("session_affinity", affinity(), node()),
        ("no_endpoints", no_endpoints(), node()),
        ("udp_sctp", udp_sctp(), nodeport_addresses),
        ("source_ranges", source_ranges(), node()),
    ]
}

fn diff_cases() -> Vec<(&'static str, ProxyState, ProxyState)> {
    vec![
        ("diff_scale_2_to_3", cluster_ip(2), cluster_ip(3)),
        ("diff_endpoint_removed", cluster_ip(2), cluster_ip(1)),
    ]
}

#[test]
fn full_rulesets_match_golden_files() {
    for (name, state, node) in full_cases() {
        golden(name, &build(&state, &node).full_transaction());
    }
}

#[test]
fn diffs_match_golden_files() {
    for (name, old, new) in diff_cases() {
        let diff = build(&old, &node()).diff_transaction(&build(&new, &node()));
        assert!(
            !diff.contains("table"),
            "{name}: a diff never touches the table"
        );
        golden(name, &diff);
    }
}

#[test]
fn flat_layout_puts_endpoints_in_maps() {
    let rs = build(&cluster_ip(2), &node());
    let map = rs
        .set("cluster-endpoints-2")
        .expect("map for two endpoints");
    assert_eq!(
        map.elements
            .get("10.96.0.10 . tcp . 80 . 1")
            .cloned()
            .flatten()
            .as_deref(),
        Some("10.244.1.2 . 8080")
    );
    let dispatch = rs.set("service-ips").unwrap();
    assert_eq!(
        dispatch
            .elements
            .get("10.96.0.10 . tcp . 80")
            .cloned()
            .flatten()
            .as_deref(),
        Some("goto cluster-2")
    );
    // Traffic from outside the cluster CIDR is masqueraded.
    assert_eq!(
        rs.chain("cluster-2").unwrap().rules[0],
        "ip saddr != 10.244.0.0/16 jump mark-for-masquerade"
    );
    assert!(rs.chains().all(|c| !c.name.contains('/')));
}

#[test]
fn local_policy_short_circuits_and_drops_without_local_endpoints() {
    let rs = build(&nodeport_lb_local(), &node());
    let dispatch = rs.set("service-ips").unwrap();
    // One local endpoint: external traffic goes to external-local-1.
    assert_eq!(
        dispatch.elements["192.0.2.50 . tcp . 443"].as_deref(),
        Some("goto external-local-1")
    );
    let shortcut = rs.set("external-shortcuts").unwrap();
    assert_eq!(
        shortcut.elements["192.0.2.50 . tcp . 443"].as_deref(),
        Some("goto external-shortcut-3")
    );
    let no_ep = rs.set("no-endpoint-nodeports").unwrap();
    assert_eq!(no_ep.elements["tcp . 30444"].as_deref(), Some("drop"));
    assert!(!no_ep.elements.contains_key("tcp . 30443"));
}

#[test]
fn no_endpoints_rejects_and_unchanged_state_diffs_to_nothing() {
    let rs = build(&no_endpoints(), &node());
    let no_ep = rs.set("no-endpoint-services").unwrap();
    assert_eq!(
        no_ep.elements["10.96.0.40 . tcp . 80"].as_deref(),
        Some("goto reject-chain")
    );
    assert_eq!(
        no_ep.elements["10.96.0.41 . tcp . 80"].as_deref(),
        Some("drop")
    );
    assert!(
        !rs.set("service-ips")
            .unwrap()
            .elements
            .contains_key("10.96.0.40 . tcp . 80")
    );
    assert_eq!(rs.diff_transaction(&build(&no_endpoints(), &node())), "");
}

#[test]
fn affinity_changes_are_chain_changes() {
    let rs = build(&affinity(), &node());
    let chain = rs
        .chains()
        .find(|c| c.name.starts_with("service-") && c.name.contains('/'))
        .expect("service chain");
    assert!(
        chain
            .rules
            .iter()
            .any(|r| r.starts_with("numgen random mod 3 0 goto endpoint-"))
    );
    assert!(!chain.rules.iter().any(|r| r.contains("vmap {")));
    let sets: Vec<_> = rs
        .sets()
        .filter(|s| s.name.starts_with("affinity-"))
        .collect();
    assert_eq!(sets.len(), 3);
    assert!(sets[0].decl.contains("timeout 600s"));

    // Dropping an endpoint removes its chain and set after the references are gone.
    let mut smaller = affinity();
    smaller.endpoints.values_mut().next().unwrap().pop();
    let diff = rs.diff_transaction(&build(&smaller, &node()));
    let flush = diff.find("flush chain ip kube-proxy service-").unwrap();
    let delete_chain = diff.find("delete chain ip kube-proxy endpoint-").unwrap();
    let delete_set = diff.find("delete set ip kube-proxy affinity-").unwrap();
    assert!(flush < delete_chain && delete_chain < delete_set, "{diff}");
}

// --- kernel checks (root + nft) ---

struct Netns(String);

impl Netns {
    fn create(tag: &str) -> Option<Netns> {
        let name = format!("kp-nft-rules-{tag}-{}", std::process::id());
        let ok = Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Netns(name))
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

fn can_run_nft() -> bool {
    // SAFETY-free root check: `id -u`.
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        eprintln!("skipping: not running as root");
        return false;
    }
    if Command::new("nft").arg("--version").output().is_err() {
        eprintln!("skipping: nft not installed");
        return false;
    }
    true
}

#[test]
fn kernel_accepts_golden_files_and_diffs_match_full_loads() {
    if !can_run_nft() {
        return;
    }
    let ns = Netns::create("check").expect("ip netns add");
    let nft = Nft::new(Some(ns.0.clone()));
    for (name, state, node) in full_cases() {
        nft.check(&build(&state, &node).full_transaction())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for (name, old, new) in diff_cases() {
        let old = build(&old, &node());
        let new = build(&new, &node());
        nft.apply(&old.full_transaction()).unwrap();
        nft.check(&old.diff_transaction(&new))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        nft.apply(&old.diff_transaction(&new)).unwrap();
        let after_diff = nft.list_table().unwrap();
        nft.apply(&new.full_transaction()).unwrap();
        assert_eq!(
            normalize(&after_diff),
            normalize(&nft.list_table().unwrap()),
            "{name}"
        );
    }
    // Every full case followed by a diff to every other one (chains and sets come and go).
    let cases = full_cases();
    for (a, sa, _) in &cases {
        for (b, sb, _) in &cases {
            let old = build(sa, &node());
            let new = build(sb, &node());
            nft.apply(&old.full_transaction()).unwrap();
            nft.apply(&old.diff_transaction(&new))
                .unwrap_or_else(|e| panic!("{a} -> {b}: {e}"));
            let after_diff = nft.list_table().unwrap();
            nft.apply(&new.full_transaction()).unwrap();
            assert_eq!(
                normalize(&after_diff),
                normalize(&nft.list_table().unwrap()),
                "{a} -> {b}"
            );
        }
    }
    nft.delete_table().unwrap();
    nft.delete_table().unwrap();
}

/// The listing's tokens, sorted: element and chain order may differ between a diff and a
/// full load, contents may not.
fn normalize(listing: &str) -> Vec<String> {
    let mut tokens: Vec<String> = listing
        .split(['\n', ','])
        .map(|t| {
            t.trim()
                .trim_start_matches("elements = {")
                .trim_end_matches('}')
                .trim()
                .to_owned()
        })
        .filter(|t| !t.is_empty())
        .collect();
    tokens.sort();
    tokens
}
