//! The nftables proxier's incremental syncs against the whole-ruleset reference: over long
//! random sequences of Service and endpoint changes (every kind of service port the layout
//! knows), the ruleset the proxier takes as applied equals a fresh [`build`] of the state,
//! and its transaction equals [`Ruleset::diff_transaction`] of the previous and the new
//! ruleset, byte for byte; told which service ports changed (as the sync loop tells it), it
//! writes the same. No kernel needed: the transactions are only compared.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use proxy::model::{Endpoint, NodeSettings, Protocol, ProxyState, ServicePort, ServicePortName};
use proxy::nftables::{Nft, NftProxier, Ruleset, build};

/// A small deterministic generator (xorshift64*), so a failure can be replayed by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn node() -> NodeSettings {
    NodeSettings {
        node_name: "node-a".into(),
        node_ips: vec![Ipv4Addr::new(192, 168, 1, 10)],
        cluster_cidr: Some("10.244.0.0/16".parse().unwrap()),
        ..Default::default()
    }
}

/// Service `i`'s port `p` with random features. Addresses and node ports derive from `i`
/// and `p`, so no two service ports claim the same destination.
fn service_port(rng: &mut Rng, i: u8, p: u8) -> ServicePort {
    let protocol = [Protocol::Tcp, Protocol::Udp, Protocol::Sctp][rng.below(3) as usize];
    let externally = rng.chance(40);
    ServicePort {
        name: ServicePortName {
            namespace: "ns".into(),
            name: format!("svc-{i}"),
            port: format!("p{p}"),
            protocol,
        },
        cluster_ip: Ipv4Addr::new(10, 96, 0, i),
        port: 80 + u16::from(p),
        node_port: if externally {
            30000 + 10 * u16::from(i) + u16::from(p)
        } else {
            0
        },
        external_ips: if externally && rng.chance(50) {
            vec![Ipv4Addr::new(192, 0, 2, i)]
        } else {
            vec![]
        },
        load_balancer_ips: if externally && rng.chance(50) {
            vec![Ipv4Addr::new(198, 51, 100, i)]
        } else {
            vec![]
        },
        load_balancer_source_ranges: if rng.chance(20) {
            vec!["203.0.113.0/24".parse().unwrap()]
        } else {
            vec![]
        },
        session_affinity_seconds: rng.chance(20).then(|| [600, 10800][rng.below(2) as usize]),
        external_policy_local: rng.chance(30),
        internal_policy_local: rng.chance(15),
        health_check_node_port: 0,
    }
}

/// Up to 4 endpoints from a small pool, so Services share some.
fn endpoints(rng: &mut Rng) -> Vec<Endpoint> {
    let mut eps: Vec<Endpoint> = (0..rng.below(5))
        .map(|_| {
            let ready = rng.chance(75);
            Endpoint {
                ip: Ipv4Addr::new(10, 244, 1, 1 + rng.below(12) as u8),
                port: 8080 + rng.below(2) as u16,
                is_local: rng.chance(40),
                ready,
                serving: ready || rng.chance(50),
                terminating: !ready && rng.chance(70),
            }
        })
        .collect();
    eps.sort();
    eps.dedup_by(|a, b| a.ip == b.ip && a.port == b.port);
    eps
}

/// One random change: a Service port added, replaced, removed, or new endpoints.
fn mutate(rng: &mut Rng, state: &mut ProxyState) {
    let i = rng.below(10) as u8;
    let p = rng.below(2) as u8;
    let existing: Option<ServicePortName> = state
        .services
        .keys()
        .find(|n| n.name == format!("svc-{i}") && n.port == format!("p{p}"))
        .cloned();
    match (rng.below(4), existing) {
        (0, Some(name)) => {
            state.services.remove(&name);
            state.endpoints.remove(&name);
        }
        (1, Some(name)) => {
            state.endpoints.insert(name, endpoints(rng));
        }
        (_, existing) => {
            if let Some(name) = existing {
                state.services.remove(&name);
                state.endpoints.remove(&name);
            }
            let svc = service_port(rng, i, p);
            state.endpoints.insert(svc.name.clone(), endpoints(rng));
            state.services.insert(svc.name.clone(), svc);
        }
    }
}

/// The service ports whose Service or endpoints differ between `a` and `b`.
fn changed_ports(a: &ProxyState, b: &ProxyState) -> BTreeSet<ServicePortName> {
    a.services
        .keys()
        .chain(b.services.keys())
        .filter(|name| {
            a.services.get(*name) != b.services.get(*name)
                || a.endpoints.get(*name) != b.endpoints.get(*name)
        })
        .cloned()
        .collect()
}

fn check(seed: u64, steps: usize) {
    let mut rng = Rng(seed);
    let node = node();
    let mut proxier = NftProxier::new(node.clone(), Nft::new(None));
    // The same syncs told which service ports changed, as the sync loop tells it.
    let mut told = NftProxier::new(node.clone(), Nft::new(None));
    let mut state = ProxyState::default();
    let mut previous: Ruleset = build(&state, &node);
    let (first, full) = proxier.next_transaction(&state);
    assert!(full);
    assert_eq!(first, previous.full_transaction());
    assert_eq!(told.next_transaction(&state), (first, true));
    let mut previous_state = state.clone();
    let mut incremental = 0;
    for step in 0..steps {
        // Several changes per sync at times, as the bounded-frequency loop batches them.
        for _ in 0..1 + rng.below(3) {
            mutate(&mut rng, &mut state);
        }
        let wanted = build(&state, &node);
        let (transaction, full) = proxier.next_transaction(&state);
        let context = format!("seed {seed}, step {step}");
        let changed = changed_ports(&previous_state, &state);
        assert_eq!(
            told.next_transaction_changed(&state, Some(&changed)),
            (transaction.clone(), full),
            "{context}: told what changed"
        );
        previous_state = state.clone();
        assert_eq!(
            proxier.applied(),
            Some(&wanted),
            "{context}: applied ruleset"
        );
        let expected = previous.diff_transaction(&wanted);
        if full {
            // Only when the diff is itself a full transaction (a declaration changed).
            assert_eq!(transaction, wanted.full_transaction(), "{context}");
            assert_eq!(expected, wanted.full_transaction(), "{context}");
        } else {
            assert_eq!(transaction, expected, "{context}: transaction");
            incremental += 1;
        }
        previous = wanted;
    }
    assert!(incremental > steps / 2, "seed {seed}: mostly incremental");
}

#[test]
fn incremental_syncs_match_full_rebuilds() {
    for seed in 1..=40u64 {
        check(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), 150);
    }
}

#[test]
fn an_unchanged_state_sends_nothing() {
    let mut rng = Rng(7);
    let mut state = ProxyState::default();
    for _ in 0..20 {
        mutate(&mut rng, &mut state);
    }
    let mut proxier = NftProxier::new(node(), Nft::new(None));
    let (_, full) = proxier.next_transaction(&state);
    assert!(full);
    assert_eq!(proxier.next_transaction(&state), (String::new(), false));

    // After a requested full sync, the whole table again, from the same fragments.
    proxier.full_sync_next();
    let (transaction, full) = proxier.next_transaction(&state);
    assert!(full);
    assert_eq!(transaction, build(&state, &node()).full_transaction());
}
