//! Chain names of the iptables backend, as upstream's `pkg/proxy/iptables/proxier.go`
//! computes them (`portProtoHash`, `servicePortEndpointChainName`, `isServiceChainName`):
//! the SHA-256 of `ns/name:port` + lower-case protocol (+ `ip:port` for an endpoint),
//! base32 (RFC 4648 standard alphabet), first 16 characters, behind a fixed prefix.

use ring::digest;

use crate::model::{Endpoint, ServicePortName};

/// `KUBE-SERVICES` (nat and filter).
pub const SERVICES: &str = "KUBE-SERVICES";
/// `KUBE-EXTERNAL-SERVICES` (filter).
pub const EXTERNAL_SERVICES: &str = "KUBE-EXTERNAL-SERVICES";
/// `KUBE-NODEPORTS` (nat and filter).
pub const NODEPORTS: &str = "KUBE-NODEPORTS";
/// `KUBE-POSTROUTING` (nat).
pub const POSTROUTING: &str = "KUBE-POSTROUTING";
/// `KUBE-MARK-MASQ` (nat).
pub const MARK_MASQ: &str = "KUBE-MARK-MASQ";
/// `KUBE-FORWARD` (filter).
pub const FORWARD: &str = "KUBE-FORWARD";
/// `KUBE-PROXY-FIREWALL` (filter).
pub const PROXY_FIREWALL: &str = "KUBE-PROXY-FIREWALL";
/// `KUBE-FIREWALL` (filter): kubelet's anti-martian chain, duplicated only when localhost
/// node ports are enabled (as upstream).
pub const KUBELET_FIREWALL: &str = "KUBE-FIREWALL";

/// The filter chains every sync declares (upstream's order).
pub const FILTER_CHAINS: [&str; 5] = [
    SERVICES,
    EXTERNAL_SERVICES,
    FORWARD,
    NODEPORTS,
    PROXY_FIREWALL,
];
/// The top-level nat chains every sync declares (upstream's order).
pub const NAT_CHAINS: [&str; 4] = [SERVICES, NODEPORTS, POSTROUTING, MARK_MASQ];

const CLUSTER_PREFIX: &str = "KUBE-SVC-";
const LOCAL_PREFIX: &str = "KUBE-SVL-";
const FIREWALL_PREFIX: &str = "KUBE-FW-";
const EXTERNAL_PREFIX: &str = "KUBE-EXT-";
const ENDPOINT_PREFIX: &str = "KUBE-SEP-";

/// RFC 4648 base32 with the standard alphabet and `=` padding (Go's
/// `base32.StdEncoding`).
pub fn base32(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let bits = block.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        // Characters that carry at least one input bit; the rest of the 8 are padding.
        let used = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < used {
                let index = (bits >> (35 - 5 * i)) & 0x1f;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The first 16 base32 characters of the SHA-256 of `text`.
fn hash16(text: &str) -> String {
    let digest = digest::digest(&digest::SHA256, text.as_bytes());
    let mut encoded = base32(digest.as_ref());
    encoded.truncate(16);
    encoded
}

/// The chain names of one service port (upstream's `servicePortInfo` fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceChains {
    /// `ns/name:port`, as comments print it.
    pub name: String,
    /// `KUBE-SVC-…`: endpoints for `Cluster` traffic policy.
    pub cluster: String,
    /// `KUBE-SVL-…`: endpoints for `Local` traffic policy.
    pub local: String,
    /// `KUBE-FW-…`: loadBalancerSourceRanges.
    pub firewall: String,
    /// `KUBE-EXT-…`: external traffic (node ports, external and load-balancer IPs).
    pub external: String,
}

impl ServiceChains {
    pub fn new(port: &ServicePortName) -> ServiceChains {
        let name = port.to_string();
        let hash = hash16(&format!("{name}{}", port.protocol.lower()));
        ServiceChains {
            cluster: format!("{CLUSTER_PREFIX}{hash}"),
            local: format!("{LOCAL_PREFIX}{hash}"),
            firewall: format!("{FIREWALL_PREFIX}{hash}"),
            external: format!("{EXTERNAL_PREFIX}{hash}"),
            name,
        }
    }
}

/// `KUBE-SEP-…` of one endpoint of a service port.
pub fn endpoint_chain(port: &ServicePortName, endpoint: &Endpoint) -> String {
    let hash = hash16(&format!(
        "{port}{}{}",
        port.protocol.lower(),
        endpoint.address()
    ));
    format!("{ENDPOINT_PREFIX}{hash}")
}

/// Whether `chain` is a per-service or per-endpoint chain this proxy creates (upstream's
/// `isServiceChainName`).
pub fn is_service_chain(chain: &str) -> bool {
    [
        CLUSTER_PREFIX,
        LOCAL_PREFIX,
        ENDPOINT_PREFIX,
        FIREWALL_PREFIX,
        EXTERNAL_PREFIX,
    ]
    .iter()
    .any(|prefix| chain.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Protocol;

    #[test]
    fn base32_matches_rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ] {
            assert_eq!(base32(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn chain_names_are_upstreams() {
        // Names from upstream's proxier tests (ns1/svc1:p80 over TCP, endpoint 10.180.0.1:80).
        let port = ServicePortName {
            namespace: "ns1".into(),
            name: "svc1".into(),
            port: "p80".into(),
            protocol: Protocol::Tcp,
        };
        let chains = ServiceChains::new(&port);
        assert_eq!(chains.cluster, "KUBE-SVC-XPGD46QRK7WJZT7O");
        assert_eq!(chains.external, "KUBE-EXT-XPGD46QRK7WJZT7O");
        let endpoint = Endpoint {
            ip: "10.180.0.1".parse().unwrap(),
            port: 80,
            is_local: false,
            ready: true,
            serving: true,
            terminating: false,
        };
        assert_eq!(
            endpoint_chain(&port, &endpoint),
            "KUBE-SEP-SXIVWICOYRO3J4NJ"
        );
        assert!(is_service_chain(&chains.firewall) && !is_service_chain(SERVICES));
    }
}
