//! Shared by the dataplane tests and the benches (`mod support;`, or from a bench
//! `#[path = "../tests/support/mod.rs"] mod support;`): root and tool checks, scratch network
//! namespaces that are deleted on drop, a two-namespace lab joined by a veth, and builders
//! for Services, endpoints and the node.
//!
//! Each test or bench uses part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::net::Ipv4Addr;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};

use proxy::model::{Endpoint, NodeSettings, Protocol, ProxyState, ServicePort, ServicePortName};

/// Runs a command to completion (stdout discarded), panicking unless it succeeds.
pub fn run(args: &[&str]) {
    let status = Command::new(args[0])
        .args(&args[1..])
        .stdout(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(status.success(), "{args:?} failed");
}

/// `program` run by `ip netns exec` in `netns`; add arguments and run or spawn it.
pub fn exec(netns: &str, program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new("ip");
    command.args(["netns", "exec", netns]).arg(program);
    command
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Whether this runs as root with every tool installed; if not, prints
/// `skipping <what>: <why>` so that the caller can return.
pub fn available(what: &str, tools: &[&str]) -> bool {
    if !is_root() {
        eprintln!("skipping {what}: not running as root");
        return false;
    }
    for tool in tools {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            eprintln!("skipping {what}: {tool} not installed");
            return false;
        }
    }
    true
}

/// A network namespace, deleted on drop.
pub struct Netns(pub String);

impl Netns {
    pub fn create(name: String) -> Netns {
        run(&["ip", "netns", "add", &name]);
        Netns(name)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// Namespace names include the process id, so labs in one process take turns.
static TURN: Mutex<()> = Mutex::new(());

/// A client namespace (the node, where the proxier's rules go) and a server namespace (the
/// pods), joined by a veth. Children handed to [`Lab::keep`] are killed, then both
/// namespaces deleted, on drop.
pub struct Lab {
    pub client: String,
    pub server: String,
    children: Vec<Child>,
    namespaces: Vec<Netns>,
    _turn: MutexGuard<'static, ()>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        // Then the fields drop: the namespaces go, then the turn.
    }
}

impl Lab {
    /// Namespaces `<prefix>-client-<pid>` and `<prefix>-server-<pid>`, veths
    /// `<veth>c<pid>` and `<veth>s<pid>` (keep `veth` short: 15 bytes at most in all), the
    /// node's address on the client side and the pods' on the server side (all /24), and a
    /// default route on the client side so that cluster IPs route before the DNAT in the
    /// output path rewrites them.
    pub fn new(prefix: &str, veth: &str, node_ip: Ipv4Addr, pod_ips: &[Ipv4Addr]) -> Lab {
        let pid = std::process::id();
        let turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (c, s) = (
            format!("{prefix}-client-{pid}"),
            format!("{prefix}-server-{pid}"),
        );
        let mut lab = Lab {
            client: c.clone(),
            server: s.clone(),
            children: Vec::new(),
            namespaces: Vec::new(),
            _turn: turn,
        };
        lab.namespaces.push(Netns::create(c.clone()));
        lab.namespaces.push(Netns::create(s.clone()));
        let (cv, sv) = (format!("{veth}c{pid}"), format!("{veth}s{pid}"));
        run(&[
            "ip", "link", "add", &cv, "netns", &c, "type", "veth", "peer", "name", &sv, "netns", &s,
        ]);
        run(&[
            "ip",
            "-n",
            &c,
            "addr",
            "add",
            &format!("{node_ip}/24"),
            "dev",
            &cv,
        ]);
        for ip in pod_ips {
            run(&[
                "ip",
                "-n",
                &s,
                "addr",
                "add",
                &format!("{ip}/24"),
                "dev",
                &sv,
            ]);
        }
        for (netns, dev) in [(&c, &cv), (&s, &sv)] {
            run(&["ip", "-n", netns, "link", "set", "lo", "up"]);
            run(&["ip", "-n", netns, "link", "set", dev, "up"]);
        }
        run(&["ip", "-n", &c, "route", "add", "default", "dev", &cv]);
        lab
    }

    /// Kills `child` when the lab drops.
    pub fn keep(&mut self, child: Child) -> &mut Child {
        self.children.push(child);
        self.children.last_mut().expect("just pushed")
    }
}

/// Runs a Python script in `netns` to completion.
pub fn python(netns: &str, script: &str, args: &[String]) -> std::process::Output {
    exec(netns, "python3")
        .args(["-c", script])
        .args(args)
        .output()
        .expect("python3")
}

/// A TCP service port named `http` with no node port, external IPs, affinity or local
/// policies.
pub fn service_port(namespace: &str, name: &str, cluster_ip: Ipv4Addr, port: u16) -> ServicePort {
    ServicePort {
        name: ServicePortName {
            namespace: namespace.into(),
            name: name.into(),
            port: "http".into(),
            protocol: Protocol::Tcp,
        },
        cluster_ip,
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

/// A ready, serving endpoint on another node.
pub fn endpoint(ip: Ipv4Addr, port: u16) -> Endpoint {
    Endpoint {
        ip,
        port,
        is_local: false,
        ready: true,
        serving: true,
        terminating: false,
    }
}

/// Adds `service` and its endpoints to `state`.
pub fn add_service(state: &mut ProxyState, service: ServicePort, endpoints: Vec<Endpoint>) {
    state.endpoints.insert(service.name.clone(), endpoints);
    state.services.insert(service.name.clone(), service);
}

/// Node settings with just a name and one address.
pub fn node(name: &str, ip: Ipv4Addr) -> NodeSettings {
    NodeSettings {
        node_name: name.into(),
        node_ips: vec![ip],
        ..NodeSettings::default()
    }
}
