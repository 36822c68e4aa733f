//! The nftables backend moving real packets (root and `nft` required, else skipped): two
//! network namespaces joined by a veth, small TCP servers in the server namespace that
//! answer with their own id, and the proxier's rules in the client namespace, so
//! connections from the client to a cluster IP take the `nat-output` path.

mod support;

use std::net::Ipv4Addr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use proxy::model::{ProxyState, ServicePort};
use proxy::nftables::{Nft, NftProxier};
use support::{Lab, endpoint, service_port};

const CLUSTER_IP: &str = "10.96.0.10";

fn can_run() -> bool {
    support::available("nftables_dataplane", &["nft", "python3", "ip"])
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

/// The lab with a Python server per (ip, id) on port 8080, each answering with its id.
fn start(servers: &[(&str, &str)]) -> Lab {
    let ips: Vec<Ipv4Addr> = servers.iter().map(|(ip, _)| ip.parse().unwrap()).collect();
    let mut lab = Lab::new("kp-nft", "kp", Ipv4Addr::new(10, 123, 0, 1), &ips);
    for (ip, id) in servers {
        let child = support::exec(&lab.server, "python3")
            .args(["-c", SERVER, ip, id])
            .stdout(Stdio::null())
            .spawn()
            .expect("server");
        lab.keep(child);
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    for (ip, id) in servers {
        loop {
            if connect(&lab, ip, 8080, 1) == vec![id.to_string()] {
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

fn connect(lab: &Lab, ip: &str, port: u16, count: usize) -> Vec<String> {
    let args = [ip.to_owned(), port.to_string(), count.to_string()];
    let output = support::python(&lab.client, CLIENT, &args);
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn service(affinity: Option<u32>) -> ServicePort {
    let mut svc = service_port("default", "web", CLUSTER_IP.parse().unwrap(), 80);
    svc.session_affinity_seconds = affinity;
    svc
}

fn state(svc: ServicePort, ips: &[&str]) -> ProxyState {
    let mut state = ProxyState::default();
    let endpoints = ips
        .iter()
        .map(|ip| endpoint(ip.parse().unwrap(), 8080))
        .collect();
    support::add_service(&mut state, svc, endpoints);
    state
}

fn node() -> proxy::model::NodeSettings {
    support::node("client", Ipv4Addr::new(10, 123, 0, 1))
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
    let lab = start(&SERVERS);
    let nft = Nft::new(Some(lab.client.clone()));
    let mut proxier = NftProxier::new(node(), nft.clone());

    let all = ["10.123.0.2", "10.123.0.3", "10.123.0.4"];
    let result = proxier.sync(&state(service(None), &all)).unwrap();
    assert!(result.full && result.changed);
    let answers = connect(&lab, CLUSTER_IP, 80, 60);
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
    let answers = connect(&lab, CLUSTER_IP, 80, 40);
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
    let answers = connect(&lab, CLUSTER_IP, 80, 3);
    assert_eq!(answers, vec!["REFUSED"; 3]);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "refusal took a timeout"
    );

    // A port the cluster IP does not serve is refused too (cluster-ips-check).
    proxier.sync(&state(service(None), &all)).unwrap();
    assert_eq!(connect(&lab, CLUSTER_IP, 81, 1), vec!["REFUSED"]);

    NftProxier::cleanup(&nft).unwrap();
    assert_eq!(connect(&lab, CLUSTER_IP, 80, 1), vec!["TIMEOUT"]);
}

#[test]
fn session_affinity_pins_one_endpoint() {
    if !can_run() {
        return;
    }
    let lab = start(&SERVERS);
    let nft = Nft::new(Some(lab.client.clone()));
    let mut proxier = NftProxier::new(node(), nft.clone());
    let all = ["10.123.0.2", "10.123.0.3", "10.123.0.4"];
    proxier.sync(&state(service(Some(600)), &all)).unwrap();
    let answers = connect(&lab, CLUSTER_IP, 80, 30);
    assert_eq!(answers.len(), 30);
    assert!(
        ["a", "b", "c"].contains(&answers[0].as_str()),
        "{answers:?}"
    );
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");

    // Without affinity the same client spreads again (the flat layout).
    proxier.sync(&state(service(None), &all)).unwrap();
    let answers = connect(&lab, CLUSTER_IP, 80, 60);
    assert!(answers.iter().any(|a| *a != answers[0]), "{answers:?}");
    NftProxier::cleanup(&nft).unwrap();
}
