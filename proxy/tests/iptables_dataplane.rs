//! The iptables backend moving real packets: two network namespaces joined by a veth, tiny
//! TCP servers in the server namespace answering with their own address, the proxier's
//! rules in the client namespace (so connections take the OUTPUT path). Needs root,
//! `iptables-restore`, `ip` and `python3`; skips otherwise. A guard kills the servers and
//! deletes both namespaces, whatever happens.

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};

use proxy::iptables::{Iptables, IptablesProxier, cleanup};
use proxy::model::ProxyState;
use support::Lab;

const SERVER: &str = r#"
import selectors, socket, sys
sel = selectors.DefaultSelector()
for addr in sys.argv[1:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 8080))
    s.listen(128)
    sel.register(s, selectors.EVENT_READ, addr)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        conn, _ = key.fileobj.accept()
        conn.sendall(key.data.encode())
        conn.close()
"#;

/// Connects `count` times, one line each: the reply, or the error's errno name.
const CLIENT: &str = r#"
import errno, socket, sys
for _ in range(int(sys.argv[3])):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect((sys.argv[1], int(sys.argv[2])))
        print(s.recv(64).decode() or "empty")
    except socket.timeout:
        print("timeout")
    except OSError as e:
        print(errno.errorcode.get(e.errno, str(e)))
    finally:
        s.close()
"#;

const ENDPOINTS: [Ipv4Addr; 3] = [
    Ipv4Addr::new(10, 124, 0, 2),
    Ipv4Addr::new(10, 124, 0, 3),
    Ipv4Addr::new(10, 124, 0, 4),
];

/// The lab with one Python server answering on every endpoint address.
fn start() -> Lab {
    let mut lab = Lab::new("kp-ipt", "kpi", Ipv4Addr::new(10, 124, 0, 1), &ENDPOINTS);
    let addresses: Vec<String> = ENDPOINTS.iter().map(ToString::to_string).collect();
    let child = support::exec(&lab.server, "python3")
        .args(["-c", SERVER])
        .args(&addresses)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = lab.keep(child).stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready", "servers did not start");
    lab
}

/// `count` connections from the client namespace to `ip:port`, counted by outcome.
fn connect(lab: &Lab, ip: &str, port: u16, count: usize) -> BTreeMap<String, usize> {
    let args = [ip.to_owned(), port.to_string(), count.to_string()];
    let output = support::python(&lab.client, CLIENT, &args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut outcomes = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        *outcomes.entry(line.to_owned()).or_insert(0) += 1;
    }
    outcomes
}

fn available() -> bool {
    support::available("iptables_dataplane", &["iptables-restore", "python3", "ip"])
}

fn state(endpoints: &[Ipv4Addr], affinity: Option<u32>) -> ProxyState {
    let mut service = support::service_port("default", "echo", Ipv4Addr::new(10, 96, 0, 10), 80);
    service.session_affinity_seconds = affinity;
    let list = endpoints
        .iter()
        .map(|ip| support::endpoint(*ip, 8080))
        .collect();
    let mut state = ProxyState::default();
    support::add_service(&mut state, service, list);
    state
}

#[test]
fn cluster_ip_traffic_follows_the_rules() {
    if !available() {
        return;
    }
    let lab = start();
    let iptables = Iptables::in_netns(&lab.client);
    let node = support::node("client", Ipv4Addr::new(10, 124, 0, 1));
    let mut proxier = IptablesProxier::new(node, iptables.clone());

    // All three endpoints are reached.
    let all = state(&ENDPOINTS, None);
    let result = proxier.sync(&all).unwrap();
    assert!(result.full && result.changed);
    let outcomes = connect(&lab, "10.96.0.10", 80, 60);
    assert_eq!(outcomes.values().sum::<usize>(), 60);
    for ip in ENDPOINTS {
        assert!(
            outcomes.contains_key(&ip.to_string()),
            "{ip} never reached: {outcomes:?}"
        );
    }
    assert_eq!(outcomes.len(), 3, "only endpoint replies: {outcomes:?}");

    // The same state again: nothing to do.
    let again = proxier.sync(&all).unwrap();
    assert!(!again.changed);

    // One endpoint removed (a partial sync): never reached again.
    let two = state(&ENDPOINTS[..2], None);
    let result = proxier.sync(&two).unwrap();
    assert!(!result.full && result.changed);
    let outcomes = connect(&lab, "10.96.0.10", 80, 40);
    assert!(!outcomes.contains_key("10.124.0.4"), "{outcomes:?}");
    assert_eq!(
        outcomes.get("10.124.0.2").unwrap_or(&0) + outcomes.get("10.124.0.3").unwrap_or(&0),
        40,
        "{outcomes:?}"
    );
    let chains = iptables.chains("nat").unwrap();
    assert_eq!(
        chains.iter().filter(|c| c.starts_with("KUBE-SEP-")).count(),
        2,
        "the removed endpoint's chain is deleted: {chains:?}"
    );

    // No endpoints: rejected by the filter table at once (not a timeout).
    proxier.sync(&state(&[], None)).unwrap();
    let outcomes = connect(&lab, "10.96.0.10", 80, 3);
    assert_eq!(outcomes.get("ECONNREFUSED"), Some(&3), "{outcomes:?}");

    // Session affinity: one client sticks to one endpoint.
    proxier.sync(&state(&ENDPOINTS, Some(600))).unwrap();
    let outcomes = connect(&lab, "10.96.0.10", 80, 30);
    assert_eq!(outcomes.len(), 1, "pinned to one endpoint: {outcomes:?}");
    assert!(
        ENDPOINTS
            .iter()
            .any(|ip| outcomes.contains_key(&ip.to_string()))
    );

    // Cleanup leaves no chain of ours.
    cleanup(&iptables).unwrap();
    for table in ["nat", "filter"] {
        let chains = iptables.chains(table).unwrap();
        assert!(
            !chains.iter().any(|c| c.starts_with("KUBE-")),
            "{table}: {chains:?}"
        );
    }
    let saved = Command::new("ip")
        .args(["netns", "exec", &lab.client, "iptables-save"])
        .output()
        .unwrap();
    let saved = String::from_utf8_lossy(&saved.stdout);
    assert!(!saved.contains("KUBE-"), "jumps remain:\n{saved}");
    let outcomes = connect(&lab, "10.96.0.10", 80, 1);
    assert!(
        !outcomes.keys().any(|k| k.starts_with("10.124.")),
        "{outcomes:?}"
    );
}
