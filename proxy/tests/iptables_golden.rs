//! The iptables backend's `iptables-restore` input for typical Services, compared with the
//! golden files in `tests/golden/iptables/` (`UPDATE_GOLDEN=1` rewrites them). As root with
//! `iptables-restore` installed, each golden is also loaded with `iptables-restore --test`
//! in a scratch network namespace.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::Command;

use proxy::iptables::{BuildOptions, Iptables, build, build_with, changed_services};
use proxy::model::{Endpoint, NodeSettings, Protocol, ProxyState, ServicePort, ServicePortName};

fn node() -> NodeSettings {
    NodeSettings {
        node_name: "node-a".into(),
        node_ips: vec![Ipv4Addr::new(192, 168, 0, 2)],
        cluster_cidr: Some("10.244.0.0/16".parse().unwrap()),
        ..NodeSettings::default()
    }
}

fn port(ns: &str, name: &str, port_name: &str, protocol: Protocol) -> ServicePortName {
    ServicePortName {
        namespace: ns.into(),
        name: name.into(),
        port: port_name.into(),
        protocol,
    }
}

fn service(name: ServicePortName, cluster_ip: [u8; 4], port: u16) -> ServicePort {
    ServicePort {
        name,
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

fn endpoint(ip: [u8; 4], port: u16, is_local: bool) -> Endpoint {
    Endpoint {
        ip: Ipv4Addr::from(ip),
        port,
        is_local,
        ready: true,
        serving: true,
        terminating: false,
    }
}

fn state(entries: Vec<(ServicePort, Vec<Endpoint>)>) -> ProxyState {
    let mut state = ProxyState::default();
    for (service, endpoints) in entries {
        if !endpoints.is_empty() {
            state.endpoints.insert(service.name.clone(), endpoints);
        }
        state.services.insert(service.name.clone(), service);
    }
    state
}

fn two_endpoints() -> Vec<Endpoint> {
    vec![
        endpoint([10, 244, 1, 5], 8080, false),
        endpoint([10, 244, 2, 6], 8080, false),
    ]
}

/// The golden cases: (file name, state).
fn cases() -> Vec<(&'static str, ProxyState)> {
    let web = || {
        service(
            port("ns1", "web", "http", Protocol::Tcp),
            [10, 96, 0, 10],
            80,
        )
    };

    let mut lb_local = web();
    lb_local.node_port = 30080;
    lb_local.load_balancer_ips = vec![Ipv4Addr::new(203, 0, 113, 10)];
    lb_local.external_policy_local = true;
    lb_local.health_check_node_port = 32000;
    let lb_local_endpoints = vec![
        endpoint([10, 244, 0, 7], 8080, true),
        endpoint([10, 244, 2, 6], 8080, false),
    ];

    let mut affinity = web();
    affinity.session_affinity_seconds = Some(10800);

    let mut none = web();
    none.node_port = 30080;
    none.external_ips = vec![Ipv4Addr::new(192, 0, 2, 1)];
    let mut internal_local = service(
        port("ns2", "local", "", Protocol::Tcp),
        [10, 96, 0, 20],
        443,
    );
    internal_local.internal_policy_local = true;

    let dns = service(
        port("kube-system", "kube-dns", "dns", Protocol::Udp),
        [10, 96, 0, 53],
        53,
    );
    let sctp = service(
        port("ns1", "sig", "", Protocol::Sctp),
        [10, 96, 0, 30],
        3868,
    );

    let mut ranges = web();
    ranges.node_port = 30080;
    ranges.load_balancer_ips = vec![Ipv4Addr::new(203, 0, 113, 10)];
    ranges.load_balancer_source_ranges = vec![
        "198.51.100.0/24".parse().unwrap(),
        "192.168.0.0/16".parse().unwrap(),
    ];

    vec![
        (
            "clusterip_two_endpoints",
            state(vec![(web(), two_endpoints())]),
        ),
        (
            "nodeport_lb_external_local",
            state(vec![(lb_local, lb_local_endpoints)]),
        ),
        ("session_affinity", state(vec![(affinity, two_endpoints())])),
        (
            "no_endpoints",
            state(vec![
                (none, vec![]),
                (internal_local, vec![endpoint([10, 244, 2, 9], 8443, false)]),
            ]),
        ),
        (
            "udp_sctp",
            state(vec![
                (dns, vec![endpoint([10, 244, 1, 2], 53, false)]),
                (sctp, vec![endpoint([10, 244, 1, 3], 3868, false)]),
            ]),
        ),
        (
            "load_balancer_source_ranges",
            state(vec![(ranges, two_endpoints())]),
        ),
    ]
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/iptables")
}

#[test]
fn rules_match_the_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatched = Vec::new();
    for (name, state) in cases() {
        let input = build(&state, &node()).to_input();
        let path = golden_dir().join(format!("{name}.txt"));
        if update {
            std::fs::create_dir_all(golden_dir()).unwrap();
            std::fs::write(&path, &input).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
        if expected != input {
            eprintln!("--- {name}: expected\n{expected}\n--- got\n{input}");
            mismatched.push(name);
        }
    }
    assert!(mismatched.is_empty(), "goldens differ: {mismatched:?}");
}

#[test]
fn golden_semantics() {
    let cases = cases();
    let input = |name: &str| {
        let state = &cases.iter().find(|(n, _)| *n == name).unwrap().1;
        build(state, &node()).to_input()
    };
    let cluster = input("clusterip_two_endpoints");
    assert!(cluster.contains("--probability 0.5000000000 -j KUBE-SEP-"));
    assert!(cluster.contains("! -s 10.244.0.0/16 -j KUBE-MARK-MASQ"));
    assert!(
        cluster.contains("-s 10.244.1.5 -j KUBE-MARK-MASQ"),
        "hairpin"
    );
    assert!(cluster.contains("-j MARK --or-mark 0x4000"));
    assert!(!cluster.contains("REJECT"));

    let none = input("no_endpoints");
    assert!(
        none.contains("-A KUBE-SERVICES -m comment --comment \"ns1/web:http has no endpoints\"")
    );
    assert!(none.contains("-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/web:http has no endpoints\" -m addrtype --dst-type LOCAL"));
    assert!(none.contains(
        "\"ns2/local has no local endpoints\" -m tcp -p tcp -d 10.96.0.20 --dport 443 -j DROP"
    ));
    assert!(
        !none.contains("KUBE-SVC-"),
        "no service chain without endpoints"
    );

    let local = input("nodeport_lb_external_local");
    assert!(local.contains("-A KUBE-NODEPORTS -m comment --comment \"ns1/web:http health check node port\" -m tcp -p tcp --dport 32000 -j ACCEPT"));
    assert!(
        local.contains("-s 10.244.0.0/16 -j KUBE-SVC-"),
        "pod traffic short-circuit"
    );
    assert!(local.contains("-m addrtype --src-type LOCAL -j KUBE-SVC-"));
    assert!(local.contains(":KUBE-SVL-"));

    let affinity = input("session_affinity");
    assert!(affinity.contains("-m recent --name KUBE-SEP-"));
    assert!(affinity.contains("--rcheck --seconds 10800 --reap"));
    assert!(affinity.contains("--set -m tcp -p tcp -j DNAT"));

    let ranges = input("load_balancer_source_ranges");
    assert!(ranges.contains("-s 198.51.100.0/24 -j KUBE-EXT-"));
    assert!(
        ranges.contains("-s 203.0.113.10 -j KUBE-EXT-"),
        "node IP is in a range"
    );
    assert!(ranges.contains("-A KUBE-PROXY-FIREWALL -m comment --comment \"ns1/web:http traffic not accepted by KUBE-FW-"));
}

#[test]
fn stale_chains_are_flushed_and_deleted() {
    let cases = cases();
    let state = &cases[0].1;
    let first = build_with(state, &node(), &BuildOptions::default());
    let mut existing: BTreeSet<String> = first.active_nat_chains.clone();
    existing.insert("KUBE-SEP-OLDOLDOLDOLDOLDO".into());
    existing.insert("OTHER-CHAIN".into());
    let options = BuildOptions {
        existing_nat_chains: Some(&existing),
        ..Default::default()
    };
    let second = build_with(state, &node(), &options);
    assert_eq!(second.deleted_chains, 1);
    let nat = &second.restore.nat;
    assert!(nat.contains(":KUBE-SEP-OLDOLDOLDOLDOLDO - [0:0]\n"));
    assert!(nat.contains("-X KUBE-SEP-OLDOLDOLDOLDOLDO\n"));
    assert!(
        !nat.contains("OTHER-CHAIN"),
        "chains of others are left alone"
    );
}

#[test]
fn partial_sync_writes_only_changed_services_chains() {
    let a = service(port("ns", "a", "", Protocol::Tcp), [10, 96, 0, 1], 80);
    let b = service(port("ns", "b", "", Protocol::Tcp), [10, 96, 0, 2], 80);
    let before = state(vec![
        (a.clone(), two_endpoints()),
        (b.clone(), two_endpoints()),
    ]);
    let after = state(vec![
        (a, two_endpoints()),
        (b, vec![endpoint([10, 244, 3, 3], 80, false)]),
    ]);
    let changed = changed_services(Some(&before), &after);
    assert_eq!(changed, BTreeSet::from([("ns".to_owned(), "b".to_owned())]));
    let full_before = build_with(&before, &node(), &BuildOptions::default());
    let options = BuildOptions {
        existing_nat_chains: Some(&full_before.active_nat_chains),
        changed_services: Some(&changed),
        ..Default::default()
    };
    let partial = build_with(&after, &node(), &options);
    let nat = &partial.restore.nat;
    // Both Services keep their KUBE-SERVICES rules; only b's chains are rewritten.
    assert!(nat.contains("--comment \"ns/a cluster IP\" -m tcp -p tcp -d 10.96.0.1"));
    assert!(!nat.contains("ns/a -> "), "a's chains are not rewritten");
    assert!(nat.contains("\"ns/b -> 10.244.3.3:80\""));
    // b's two old endpoints are gone: their chains are deleted, a's are kept.
    assert_eq!(partial.deleted_chains, 2);
    assert_eq!(nat.matches("\n-X KUBE-SEP-").count(), 2);
    assert_eq!(
        partial.active_nat_chains.len(),
        5,
        "a: SVC + 2 SEP, b: SVC + 1 SEP"
    );
}

/// Deletes the scratch namespace even when an assertion fails.
struct Netns(String);

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

fn can_run_iptables() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let tool = Command::new("iptables-restore")
        .arg("--version")
        .output()
        .is_ok();
    if !root || !tool {
        eprintln!("skipping: needs root and iptables-restore (root={root}, tool={tool})");
    }
    root && tool
}

#[test]
fn goldens_load_with_iptables_restore_test() {
    if !can_run_iptables() {
        return;
    }
    let netns = Netns(format!("kp-ipt-golden-{}", std::process::id()));
    let status = Command::new("ip")
        .args(["netns", "add", &netns.0])
        .status()
        .unwrap();
    assert!(status.success(), "ip netns add");
    let iptables = Iptables::in_netns(&netns.0);
    for (name, state) in cases() {
        let input = build(&state, &node()).to_input();
        if let Err(error) = iptables.test(&input) {
            panic!("{name} does not load: {error}\n{input}");
        }
    }
}
