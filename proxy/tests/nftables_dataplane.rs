//! The nftables backend moving real packets (root and `nft` required, else skipped): two
//! network namespaces joined by a veth, small TCP servers in the server namespace that
//! answer with their own id, and the proxier's rules in the client namespace, so
//! connections from the client to a cluster IP take the `nat-output` path.

use std::net::Ipv4Addr;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

static TURN: Mutex<()> = Mutex::new(());

use proxy::model::{Endpoint, NodeSettings, Protocol, ProxyState, ServicePort, ServicePortName};
use proxy::nftables::{Nft, NftProxier};

const CLUSTER_IP: &str = "10.96.0.10";

/// Server and client namespaces with the servers in them; everything is removed on drop.
struct Lab {
    /// The namespaces are named by process id, so the tests take turns.
    _turn: MutexGuard<'static, ()>,
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
        for ns in [&self.client, &self.server] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

fn run(args: &[&str]) {
    let status = Command::new(args[0])
        .args(&args[1..])
        .status()
        .expect("spawn");
    assert!(status.success(), "{args:?} failed");
}

fn can_run() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        eprintln!("skipping: not running as root");
        return false;
    }
    for tool in ["nft", "python3", "ip"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            eprintln!("skipping: {tool} not installed");
            return false;
        }
    }
    true
}

const SERVER: &str = r#"
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8080))
s.listen(128)
while True:
    c, _ = s.accept()
    c.sendall(sys.argv[2].encode())
    c.close()
"#;

/// Connects `count` times to ip:port, printing one line per attempt: the id read, or
/// REFUSED / TIMEOUT / ERROR.
const CLIENT: &str = r#"
import socket, sys
for _ in range(int(sys.argv[3])):
    s = socket.socket()
    s.settimeout(3)
    try:
        s.connect((sys.argv[1], int(sys.argv[2])))
        print(s.recv(64).decode() or "EMPTY")
    except ConnectionRefusedError:
        print("REFUSED")
    except socket.timeout:
        print("TIMEOUT")
    except OSError as e:
        print("ERROR", e)
    finally:
        s.close()
"#;

impl Lab {
    fn start(servers: &[(&str, &str)]) -> Lab {
        let pid = std::process::id();
        let mut lab = Lab {
            _turn: TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
            client: format!("kp-nft-client-{pid}"),
            server: format!("kp-nft-server-{pid}"),
            servers: Vec::new(),
        };
        let (c, s) = (lab.client.clone(), lab.server.clone());
        let (veth_c, veth_s) = (format!("kpc{pid}"), format!("kps{pid}"));
        run(&["ip", "netns", "add", &c]);
        run(&["ip", "netns", "add", &s]);
        run(&[
            "ip", "link", "add", &veth_c, "netns", &c, "type", "veth", "peer", "name", &veth_s,
            "netns", &s,
        ]);
        run(&[
            "ip",
            "-n",
            &c,
            "addr",
            "add",
            "10.123.0.1/24",
            "dev",
            &veth_c,
        ]);
        for (ip, _) in servers {
            run(&[
                "ip",
                "-n",
                &s,
                "addr",
                "add",
                &format!("{ip}/24"),
                "dev",
                &veth_s,
            ]);
        }
        for (ns, dev) in [(&c, &veth_c), (&s, &veth_s)] {
            run(&["ip", "-n", ns, "link", "set", "lo", "up"]);
            run(&["ip", "-n", ns, "link", "set", dev, "up"]);
        }
        // The cluster IP must route somewhere before nat-output rewrites it.
        run(&["ip", "-n", &c, "route", "add", "default", "dev", &veth_c]);
        for (ip, id) in servers {
            let child = Command::new("ip")
                .args(["netns", "exec", &s, "python3", "-c", SERVER, ip, id])
                .stdout(Stdio::null())
                .spawn()
                .expect("server");
            lab.servers.push(child);
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        for (ip, id) in servers {
            loop {
                if lab.connect(ip, 8080, 1) == vec![id.to_string()] {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "server {id} on {ip} never answered"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        lab
    }

    fn connect(&self, ip: &str, port: u16, count: usize) -> Vec<String> {
        let output = Command::new("ip")
            .args(["netns", "exec", &self.client, "python3", "-c", CLIENT, ip])
            .arg(port.to_string())
            .arg(count.to_string())
            .output()
            .expect("client");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

fn service(affinity: Option<u32>) -> ServicePort {
    ServicePort {
        name: ServicePortName {
            namespace: "default".into(),
            name: "web".into(),
            port: "http".into(),
            protocol: Protocol::Tcp,
        },
        cluster_ip: CLUSTER_IP.parse().unwrap(),
        port: 80,
        node_port: 0,
        external_ips: vec![],
        load_balancer_ips: vec![],
        load_balancer_source_ranges: vec![],
        session_affinity_seconds: affinity,
        external_policy_local: false,
        internal_policy_local: false,
        health_check_node_port: 0,
    }
}

fn state(svc: ServicePort, ips: &[&str]) -> ProxyState {
    let mut state = ProxyState::default();
    let endpoints = ips
        .iter()
        .map(|ip| Endpoint {
            ip: ip.parse::<Ipv4Addr>().unwrap(),
            port: 8080,
            is_local: false,
            ready: true,
            serving: true,
            terminating: false,
        })
        .collect();
    state.endpoints.insert(svc.name.clone(), endpoints);
    state.services.insert(svc.name.clone(), svc);
    state
}

fn node() -> NodeSettings {
    NodeSettings {
        node_name: "client".into(),
        node_ips: vec![Ipv4Addr::new(10, 123, 0, 1)],
        ..Default::default()
    }
}

const SERVERS: [(&str, &str); 3] = [
    ("10.123.0.2", "a"),
    ("10.123.0.3", "b"),
    ("10.123.0.4", "c"),
];

#[test]
fn cluster_ip_balances_follows_endpoint_changes_and_rejects_without_endpoints() {
    if !can_run() {
        return;
    }
    let lab = Lab::start(&SERVERS);
    let nft = Nft::new(Some(lab.client.clone()));
    let mut proxier = NftProxier::new(node(), nft.clone());

    let all = ["10.123.0.2", "10.123.0.3", "10.123.0.4"];
    let result = proxier.sync(&state(service(None), &all)).unwrap();
    assert!(result.full && result.changed);
    let answers = lab.connect(CLUSTER_IP, 80, 60);
    assert_eq!(answers.len(), 60);
    for id in ["a", "b", "c"] {
        assert!(
            answers.iter().any(|a| a == id),
            "{id} never reached: {answers:?}"
        );
    }
    assert!(
        answers
            .iter()
            .all(|a| ["a", "b", "c"].contains(&a.as_str())),
        "{answers:?}"
    );

    // Endpoint b goes away: an incremental sync, and b is never reached again.
    let result = proxier
        .sync(&state(service(None), &["10.123.0.2", "10.123.0.4"]))
        .unwrap();
    assert_eq!(
        result,
        proxy::nftables::SyncResult {
            full: false,
            changed: true
        }
    );
    let answers = lab.connect(CLUSTER_IP, 80, 40);
    assert_eq!(answers.len(), 40);
    assert!(answers.iter().all(|a| a == "a" || a == "c"), "{answers:?}");
    assert!(answers.iter().any(|a| a == "a") && answers.iter().any(|a| a == "c"));

    // Nothing changed: nothing sent.
    let result = proxier
        .sync(&state(service(None), &["10.123.0.2", "10.123.0.4"]))
        .unwrap();
    assert!(!result.changed);

    // No endpoints: refused at once by the filter side, not a timeout.
    proxier.sync(&state(service(None), &[])).unwrap();
    let started = Instant::now();
    let answers = lab.connect(CLUSTER_IP, 80, 3);
    assert_eq!(answers, vec!["REFUSED"; 3]);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "refusal took a timeout"
    );

    // A port the cluster IP does not serve is refused too (cluster-ips-check).
    proxier.sync(&state(service(None), &all)).unwrap();
    assert_eq!(lab.connect(CLUSTER_IP, 81, 1), vec!["REFUSED"]);

    NftProxier::cleanup(&nft).unwrap();
    assert_eq!(lab.connect(CLUSTER_IP, 80, 1), vec!["TIMEOUT"]);
}

#[test]
fn session_affinity_pins_one_endpoint() {
    if !can_run() {
        return;
    }
    let lab = Lab::start(&SERVERS);
    let nft = Nft::new(Some(lab.client.clone()));
    let mut proxier = NftProxier::new(node(), nft.clone());
    let all = ["10.123.0.2", "10.123.0.3", "10.123.0.4"];
    proxier.sync(&state(service(Some(600)), &all)).unwrap();
    let answers = lab.connect(CLUSTER_IP, 80, 30);
    assert_eq!(answers.len(), 30);
    assert!(
        ["a", "b", "c"].contains(&answers[0].as_str()),
        "{answers:?}"
    );
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");

    // Without affinity the same client spreads again (the flat layout).
    proxier.sync(&state(service(None), &all)).unwrap();
    let answers = lab.connect(CLUSTER_IP, 80, 60);
    assert!(answers.iter().any(|a| *a != answers[0]), "{answers:?}");
    NftProxier::cleanup(&nft).unwrap();
}
