//! The pod sandbox config (upstream `generatePodSandboxConfig`): metadata, hostname, log
//! directory, DNS, port mappings, labels, and the Linux part (QoS cgroup parent, namespaces,
//! security context, sysctls).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::{Container, Pod};

use super::{RuntimeConfig, labels, qos};
use crate::cri::v1;

/// Upstream's `MaxDNSSearchPaths`.
const MAX_DNS_SEARCH_PATHS: usize = 32;
/// Upstream's cap on a hostname's length (a DNS label).
const MAX_HOSTNAME_LEN: usize = 63;

/// `<podLogsDir>/<ns>_<name>_<uid>` (upstream `BuildPodLogsDirectory`).
pub fn pod_logs_directory(logs_dir: &Path, namespace: &str, name: &str, uid: &str) -> PathBuf {
    logs_dir.join(format!("{namespace}_{name}_{uid}"))
}

fn truncate_hostname(name: &str) -> String {
    let mut name = name.to_owned();
    if name.len() > MAX_HOSTNAME_LEN {
        let mut end = MAX_HOSTNAME_LEN;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
        name = name.trim_end_matches(['-', '.']).to_owned();
    }
    name
}

/// The pod's hostname and its domain (upstream `GeneratePodHostNameAndDomain`): the pod's
/// name unless `spec.hostname` is set; the domain is `<subdomain>.<ns>.svc.<clusterDomain>`
/// when `spec.subdomain` is set.
pub fn hostname_and_domain(pod: &Pod, cluster_domain: &str) -> (String, String) {
    let spec = pod.spec.as_ref();
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    let hostname = spec
        .and_then(|s| s.hostname.as_deref())
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| truncate_hostname(name));
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let domain = match spec.and_then(|s| s.subdomain.as_deref()) {
        Some(sub) if !sub.is_empty() && !cluster_domain.is_empty() => {
            format!("{sub}.{namespace}.svc.{cluster_domain}")
        }
        Some(sub) if !sub.is_empty() => format!("{sub}.{namespace}.svc"),
        _ => String::new(),
    };
    (hostname, domain)
}

/// What a `resolv.conf` says: nameservers, search domains and options.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ResolvConf {
    pub servers: Vec<String>,
    pub searches: Vec<String>,
    pub options: Vec<String>,
}

pub fn parse_resolv_conf(text: &str) -> ResolvConf {
    let mut conf = ResolvConf::default();
    for line in text.lines() {
        let line = line.split(['#', ';']).next().unwrap_or_default();
        let mut fields = line.split_whitespace();
        match fields.next() {
            Some("nameserver") => conf.servers.extend(fields.next().map(str::to_owned)),
            Some("search") => conf.searches = fields.map(str::to_owned).collect(),
            Some("domain") => conf.searches = fields.take(1).map(str::to_owned).collect(),
            Some("options") => conf.options.extend(fields.map(str::to_owned)),
            _ => {}
        }
    }
    conf
}

fn push_unique(list: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// Merges `extra` options into `options` by name (`ndots:2` replaces `ndots:5`).
fn merge_options(options: &mut Vec<String>, extra: impl IntoIterator<Item = String>) {
    for option in extra {
        let name = option.split(':').next().unwrap_or_default().to_owned();
        if let Some(existing) = options
            .iter_mut()
            .find(|o| o.split(':').next() == Some(name.as_str()))
        {
            *existing = option;
        } else {
            options.push(option);
        }
    }
}

/// The sandbox DNS config (upstream `GetPodDNS`) for the pod's `dnsPolicy` and `dnsConfig`.
/// `host` is the node's resolv.conf.
pub fn dns_config(pod: &Pod, config: &RuntimeConfig, host: &ResolvConf) -> v1::DnsConfig {
    let spec = pod.spec.as_ref();
    let host_network = spec.and_then(|s| s.host_network).unwrap_or(false);
    let policy = spec
        .and_then(|s| s.dns_policy.as_deref())
        .unwrap_or("ClusterFirst");
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let cluster_first = match policy {
        "ClusterFirstWithHostNet" => true,
        "ClusterFirst" => !host_network,
        _ => false,
    };
    let mut dns = v1::DnsConfig::default();
    if policy == "None" {
        // Only the pod's dnsConfig.
    } else if cluster_first && !config.cluster_dns.is_empty() {
        dns.servers = config.cluster_dns.clone();
        if !config.cluster_domain.is_empty() {
            let domain = &config.cluster_domain;
            dns.searches = vec![
                format!("{namespace}.svc.{domain}"),
                format!("svc.{domain}"),
                domain.clone(),
            ];
        }
        push_unique(&mut dns.searches, host.searches.iter().cloned());
        dns.options = vec!["ndots:5".to_owned()];
    } else {
        // Default, or ClusterFirst without a cluster DNS (upstream falls back to Default).
        dns.servers = host.servers.clone();
        dns.searches = host.searches.clone();
        dns.options = host.options.clone();
    }
    if let Some(pod_dns) = spec.and_then(|s| s.dns_config.as_ref()) {
        push_unique(
            &mut dns.servers,
            pod_dns.nameservers.iter().flatten().cloned(),
        );
        push_unique(
            &mut dns.searches,
            pod_dns.searches.iter().flatten().cloned(),
        );
        merge_options(
            &mut dns.options,
            pod_dns.options.iter().flatten().filter_map(|o| {
                let name = o.name.as_deref()?;
                Some(match o.value.as_deref() {
                    Some(value) => format!("{name}:{value}"),
                    None => name.to_owned(),
                })
            }),
        );
    }
    dns.searches.truncate(MAX_DNS_SEARCH_PATHS);
    dns
}

/// Every `containerPort` of the pod's containers, for CNI portmap (hostPort 0 is skipped by
/// the runtime).
pub fn port_mappings(pod: &Pod) -> Vec<v1::PortMapping> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(|c: &Container| c.ports.iter().flatten())
        .map(|p| v1::PortMapping {
            protocol: match p.protocol.as_deref() {
                Some("UDP") => v1::Protocol::Udp as i32,
                Some("SCTP") => v1::Protocol::Sctp as i32,
                _ => v1::Protocol::Tcp as i32,
            },
            container_port: p.container_port,
            host_port: p.host_port.unwrap_or(0),
            host_ip: p.host_ip.clone().unwrap_or_default(),
        })
        .collect()
}

/// The pod's labels plus the kubelet's (`io.kubernetes.pod.{name,namespace,uid}`).
pub fn sandbox_labels(pod: &Pod) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = pod
        .metadata
        .labels
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    out.insert(
        labels::POD_NAME.to_owned(),
        pod.metadata.name.clone().unwrap_or_default(),
    );
    out.insert(
        labels::POD_NAMESPACE.to_owned(),
        pod.metadata.namespace.clone().unwrap_or_default(),
    );
    out.insert(
        labels::POD_UID.to_owned(),
        pod.metadata.uid.clone().unwrap_or_default(),
    );
    out
}

/// The pod's namespace modes: network and IPC are the pod's or the node's; PID is the
/// container's own unless `hostPID` or `shareProcessNamespace`.
pub fn namespace_options(pod: &Pod) -> v1::NamespaceOption {
    let spec = pod.spec.as_ref();
    let flag = |f: fn(&k8s_openapi::api::core::v1::PodSpec) -> Option<bool>| {
        spec.and_then(f).unwrap_or(false)
    };
    let mode = |node: bool, otherwise: v1::NamespaceMode| {
        if node {
            v1::NamespaceMode::Node as i32
        } else {
            otherwise as i32
        }
    };
    let pid_default = if flag(|s| s.share_process_namespace) {
        v1::NamespaceMode::Pod
    } else {
        v1::NamespaceMode::Container
    };
    v1::NamespaceOption {
        network: mode(flag(|s| s.host_network), v1::NamespaceMode::Pod),
        pid: mode(flag(|s| s.host_pid), pid_default),
        ipc: mode(flag(|s| s.host_ipc), v1::NamespaceMode::Pod),
        ..Default::default()
    }
}

/// The pod cgroup (upstream's cgroupfs naming): `<root>/kubepods/pod<uid>` for Guaranteed
/// pods, `<root>/kubepods/burstable/pod<uid>` and `<root>/kubepods/besteffort/pod<uid>`.
pub fn cgroup_parent(cgroup_root: &str, qos_class: &str, uid: &str) -> String {
    let root = cgroup_root.trim_end_matches('/');
    let tier = match qos_class {
        "Guaranteed" => String::new(),
        "BestEffort" => "/besteffort".to_owned(),
        _ => "/burstable".to_owned(),
    };
    format!("{root}/kubepods{tier}/pod{uid}")
}

/// Upstream's seccomp profile for a pod or container `seccompProfile` (Unconfined when unset,
/// as upstream without `SeccompDefault`).
pub fn seccomp_profile(
    profile: Option<&k8s_openapi::api::core::v1::SeccompProfile>,
) -> v1::SecurityProfile {
    use v1::security_profile::ProfileType;
    match profile {
        Some(p) if p.type_ == "RuntimeDefault" => v1::SecurityProfile {
            profile_type: ProfileType::RuntimeDefault as i32,
            localhost_ref: String::new(),
        },
        Some(p) if p.type_ == "Localhost" => v1::SecurityProfile {
            profile_type: ProfileType::Localhost as i32,
            localhost_ref: p.localhost_profile.clone().unwrap_or_default(),
        },
        _ => v1::SecurityProfile {
            profile_type: ProfileType::Unconfined as i32,
            localhost_ref: String::new(),
        },
    }
}

/// The pod's supplemental groups: `supplementalGroups` plus `fsGroup`.
pub fn supplemental_groups(pod: &Pod) -> Vec<i64> {
    let Some(sc) = pod.spec.as_ref().and_then(|s| s.security_context.as_ref()) else {
        return Vec::new();
    };
    let mut groups = sc.supplemental_groups.clone().unwrap_or_default();
    if let Some(fs_group) = sc.fs_group
        && !groups.contains(&fs_group)
    {
        groups.push(fs_group);
    }
    groups
}

/// The full sandbox config of `pod`, attempt `attempt`.
pub fn sandbox_config(pod: &Pod, config: &RuntimeConfig, attempt: u32) -> v1::PodSandboxConfig {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let namespace = pod.metadata.namespace.clone().unwrap_or_default();
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let spec = pod.spec.as_ref();
    let host_network = spec.and_then(|s| s.host_network).unwrap_or(false);
    let hostname = if host_network {
        String::new()
    } else {
        let (hostname, domain) = hostname_and_domain(pod, &config.cluster_domain);
        let fqdn = spec.and_then(|s| s.set_hostname_as_fqdn).unwrap_or(false);
        if fqdn && !domain.is_empty() {
            format!("{hostname}.{domain}")
        } else {
            hostname
        }
    };
    let host_resolv = std::fs::read_to_string(&config.resolv_conf)
        .map(|text| parse_resolv_conf(&text))
        .unwrap_or_default();
    let pod_sc = spec.and_then(|s| s.security_context.as_ref());
    let privileged = spec.is_some_and(|s| {
        s.containers
            .iter()
            .chain(s.init_containers.iter().flatten())
            .any(|c| {
                c.security_context
                    .as_ref()
                    .and_then(|sc| sc.privileged)
                    .unwrap_or(false)
            })
    });
    let security_context = v1::LinuxSandboxSecurityContext {
        namespace_options: Some(namespace_options(pod)),
        run_as_user: pod_sc
            .and_then(|sc| sc.run_as_user)
            .map(|value| v1::Int64Value { value }),
        run_as_group: pod_sc
            .and_then(|sc| sc.run_as_group)
            .map(|value| v1::Int64Value { value }),
        supplemental_groups: supplemental_groups(pod),
        privileged,
        seccomp: Some(seccomp_profile(
            pod_sc.and_then(|sc| sc.seccomp_profile.as_ref()),
        )),
        ..Default::default()
    };
    let sysctls = pod_sc
        .and_then(|sc| sc.sysctls.as_ref())
        .into_iter()
        .flatten()
        .map(|s| (s.name.clone(), s.value.clone()))
        .collect();
    v1::PodSandboxConfig {
        metadata: Some(v1::PodSandboxMetadata {
            name: name.clone(),
            uid: uid.clone(),
            namespace: namespace.clone(),
            attempt,
        }),
        hostname,
        log_directory: pod_logs_directory(&config.pod_logs_dir, &namespace, &name, &uid)
            .to_string_lossy()
            .into_owned(),
        dns_config: Some(dns_config(pod, config, &host_resolv)),
        port_mappings: port_mappings(pod),
        labels: sandbox_labels(pod),
        annotations: pod
            .metadata
            .annotations
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect(),
        linux: Some(v1::LinuxPodSandboxConfig {
            cgroup_parent: cgroup_parent(&config.cgroup_root, qos::qos_class(pod), &uid),
            security_context: Some(security_context),
            sysctls,
            ..Default::default()
        }),
        windows: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> RuntimeConfig {
        RuntimeConfig {
            node_name: "node".into(),
            root_dir: "/var/lib/kubelet".into(),
            pod_logs_dir: "/var/log/pods".into(),
            cgroup_root: "/".into(),
            cluster_dns: vec!["10.96.0.10".into()],
            cluster_domain: "cluster.local".into(),
            resolv_conf: "/etc/resolv.conf".into(),
        }
    }

    fn pod(spec: serde_json::Value) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "ns", "uid": "u1"},
            "spec": spec,
        }))
        .unwrap()
    }

    #[test]
    fn cgroup_parents_by_qos() {
        assert_eq!(
            cgroup_parent("/", "Guaranteed", "u"),
            "/kubepods/podu".to_owned()
        );
        assert_eq!(
            cgroup_parent("/", "Burstable", "u"),
            "/kubepods/burstable/podu"
        );
        assert_eq!(
            cgroup_parent("/k8s/", "BestEffort", "u"),
            "/k8s/kubepods/besteffort/podu"
        );
    }

    #[test]
    fn cluster_first_dns() {
        let host = parse_resolv_conf("nameserver 1.1.1.1\nsearch example.com\noptions edns0\n");
        let p = pod(serde_json::json!({"containers": [],
            "dnsConfig": {"options": [{"name": "ndots", "value": "2"}], "searches": ["a.b"]}}));
        let dns = dns_config(&p, &config(), &host);
        assert_eq!(dns.servers, vec!["10.96.0.10"]);
        assert_eq!(
            dns.searches,
            vec![
                "ns.svc.cluster.local",
                "svc.cluster.local",
                "cluster.local",
                "example.com",
                "a.b"
            ]
        );
        assert_eq!(dns.options, vec!["ndots:2"]);
    }

    #[test]
    fn host_network_and_none_dns() {
        let host = parse_resolv_conf("nameserver 1.1.1.1\nsearch example.com\n");
        let p = pod(serde_json::json!({"containers": [], "hostNetwork": true}));
        let dns = dns_config(&p, &config(), &host);
        assert_eq!(dns.servers, vec!["1.1.1.1"]);
        let p = pod(serde_json::json!({"containers": [], "dnsPolicy": "None",
            "dnsConfig": {"nameservers": ["8.8.8.8"]}}));
        let dns = dns_config(&p, &config(), &host);
        assert_eq!(dns.servers, vec!["8.8.8.8"]);
        assert!(dns.searches.is_empty());
    }

    #[test]
    fn hostnames() {
        let p = pod(serde_json::json!({"containers": [], "hostname": "h", "subdomain": "s"}));
        assert_eq!(
            hostname_and_domain(&p, "cluster.local"),
            ("h".to_owned(), "s.ns.svc.cluster.local".to_owned())
        );
        let long = "a".repeat(62) + "-b";
        assert_eq!(truncate_hostname(&long), "a".repeat(62));
    }

    #[test]
    fn namespaces() {
        let p = pod(serde_json::json!({"containers": [], "hostNetwork": true,
            "shareProcessNamespace": true}));
        let ns = namespace_options(&p);
        assert_eq!(ns.network, v1::NamespaceMode::Node as i32);
        assert_eq!(ns.pid, v1::NamespaceMode::Pod as i32);
        assert_eq!(ns.ipc, v1::NamespaceMode::Pod as i32);
    }
}
