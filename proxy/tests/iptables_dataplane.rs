//! The iptables backend moving real packets: two network namespaces joined by a veth, tiny
//! TCP servers in the server namespace answering with their own address, the proxier's
//! rules in the client namespace (so connections take the OUTPUT path). Needs root,
//! `iptables-restore`, `ip` and `python3`; skips otherwise. A guard kills the servers and
//! deletes both namespaces, whatever happens.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::process::{Child, Command, Stdio};

use proxy::iptables::{Iptables, IptablesProxier, cleanup};
use proxy::model::{Endpoint, NodeSettings, Protocol, ProxyState, ServicePort, ServicePortName};

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

fn run(args: &[&str]) {
    let status = Command::new(args[0]).args(&args[1..]).status().unwrap();
    assert!(status.success(), "{args:?}");
}

/// The two namespaces and the servers; dropping it cleans everything up.
struct Lab {
    client: String,
    server: String,
    servers: Vec<Child>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for child in &mut self.servers {
            let _ = child.kill();
            let _ = child.wait();
        }
        for netns in [&self.client, &self.server] {
            let _ = Command::new("ip").args(["netns", "del", netns]).status();
        }
    }
}

impl Lab {
    fn new() -> Lab {
        let pid = std::process::id();
        let mut lab = Lab {
            client: format!("kp-ipt-client-{pid}"),
            server: format!("kp-ipt-server-{pid}"),
            servers: Vec::new(),
        };
        let (c, s) = (lab.client.clone(), lab.server.clone());
        run(&["ip", "netns", "add", &c]);
        run(&["ip", "netns", "add", &s]);
        let (cv, sv) = (format!("kpic{pid}"), format!("kpis{pid}"));
        run(&[
            "ip", "link", "add", &cv, "netns", &c, "type", "veth", "peer", "name", &sv, "netns", &s,
        ]);
        let exec = |netns: &str, args: &[&str]| {
            let mut all = vec!["ip", "netns", "exec", netns];
            all.extend_from_slice(args);
            run(&all);
        };
        exec(&c, &["ip", "addr", "add", "10.124.0.1/24", "dev", &cv]);
        for ip in ENDPOINTS {
            exec(&s, &["ip", "addr", "add", &format!("{ip}/24"), "dev", &sv]);
        }
        for (netns, dev) in [(&c, &cv), (&s, &sv)] {
            exec(netns, &["ip", "link", "set", "lo", "up"]);
            exec(netns, &["ip", "link", "set", dev, "up"]);
        }
        // The cluster IP must be routable before OUTPUT's DNAT rewrites it.
        exec(&c, &["ip", "route", "add", "default", "via", "10.124.0.2"]);

        let mut args = vec!["netns", "exec", &s, "python3", "-c", SERVER];
        let addresses: Vec<String> = ENDPOINTS.iter().map(ToString::to_string).collect();
        args.extend(addresses.iter().map(String::as_str));
        let mut child = Command::new("ip")
            .args(&args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        lab.servers.push(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "servers did not start");
        lab
    }

    /// `count` connections from the client namespace to `ip:port`, counted by outcome.
    fn connect(&self, ip: &str, port: u16, count: usize) -> BTreeMap<String, usize> {
        let output = Command::new("ip")
            .args(["netns", "exec", &self.client, "python3", "-c", CLIENT, ip])
            .arg(port.to_string())
            .arg(count.to_string())
            .output()
            .unwrap();
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
}

fn available() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let tools = ["iptables-restore", "python3", "ip"].iter().all(|tool| {
        Command::new(tool)
            .arg(if *tool == "ip" { "-V" } else { "--version" })
            .output()
            .is_ok()
    });
    if !root || !tools {
        eprintln!("skipping: needs root, iptables-restore, python3 and ip (root={root})");
    }
    root && tools
}

fn state(endpoints: &[Ipv4Addr], affinity: Option<u32>) -> ProxyState {
    let name = ServicePortName {
        namespace: "default".into(),
        name: "echo".into(),
        port: "http".into(),
        protocol: Protocol::Tcp,
    };
    let service = ServicePort {
        name: name.clone(),
        cluster_ip: Ipv4Addr::new(10, 96, 0, 10),
        port: 80,
        node_port: 0,
        external_ips: vec![],
        load_balancer_ips: vec![],
        load_balancer_source_ranges: vec![],
        session_affinity_seconds: affinity,
        external_policy_local: false,
        internal_policy_local: false,
        health_check_node_port: 0,
    };
    let mut state = ProxyState::default();
    state.services.insert(name.clone(), service);
    if !endpoints.is_empty() {
        let list = endpoints
            .iter()
            .map(|ip| Endpoint {
                ip: *ip,
                port: 8080,
                is_local: false,
                ready: true,
                serving: true,
                terminating: false,
            })
            .collect();
        state.endpoints.insert(name, list);
    }
    state
}

#[test]
fn cluster_ip_traffic_follows_the_rules() {
    if !available() {
        return;
    }
    let lab = Lab::new();
    let iptables = Iptables::in_netns(&lab.client);
    let node = NodeSettings {
        node_name: "client".into(),
        node_ips: vec![Ipv4Addr::new(10, 124, 0, 1)],
        ..NodeSettings::default()
    };
    let mut proxier = IptablesProxier::new(node, iptables.clone());

    // All three endpoints are reached.
    let all = state(&ENDPOINTS, None);
    let result = proxier.sync(&all).unwrap();
    assert!(result.full && result.changed);
    let outcomes = lab.connect("10.96.0.10", 80, 60);
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
    let outcomes = lab.connect("10.96.0.10", 80, 40);
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
    let outcomes = lab.connect("10.96.0.10", 80, 3);
    assert_eq!(outcomes.get("ECONNREFUSED"), Some(&3), "{outcomes:?}");

    // Session affinity: one client sticks to one endpoint.
    proxier.sync(&state(&ENDPOINTS, Some(600))).unwrap();
    let outcomes = lab.connect("10.96.0.10", 80, 30);
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
    let outcomes = lab.connect("10.96.0.10", 80, 1);
    assert!(
        !outcomes.keys().any(|k| k.starts_with("10.124.")),
        "{outcomes:?}"
    );
}
