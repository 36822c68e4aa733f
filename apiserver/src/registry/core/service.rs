//! Services (`pkg/registry/core/service`, `pkg/apis/core/v1/defaults.go`): defaults, and the
//! cluster IP and node port allocators.
//!
//! An allocation is a create-if-absent of one storage key per IP (`/registry/ipaddresses/<ip>`,
//! like upstream's IPAddress objects) or per node port (`/registry/servicenodeports/<port>`), so
//! two API servers can never hand out the same one; deleting the Service deletes its keys.

use std::net::Ipv4Addr;

use bytes::Bytes;
use serde_json::{Value, json};

use crate::endpoints::status::{ApiError, FieldError};
use crate::registry::strategy::Strategy;
use crate::storage::{self, Storage};

/// `--service-cluster-ip-range` (IPv4) and `--service-node-port-range`.
#[derive(Clone, Copy, Debug)]
pub struct ServiceRanges {
    pub network: Ipv4Addr,
    pub prefix: u8,
    pub node_ports: (u16, u16),
}

impl ServiceRanges {
    pub fn parse(cidr: &str, node_ports: &str) -> Result<Self, String> {
        let (ip, prefix) = cidr
            .split_once('/')
            .ok_or_else(|| format!("--service-cluster-ip-range {cidr:?} is not a CIDR"))?;
        let ip: Ipv4Addr = ip
            .parse()
            .map_err(|_| format!("--service-cluster-ip-range {cidr:?}: only IPv4 is supported"))?;
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| (8..=30).contains(p))
            .ok_or_else(|| format!("--service-cluster-ip-range {cidr:?}: prefix must be 8..=30"))?;
        let mask = u32::MAX << (32 - prefix);
        let (low, high) = node_ports
            .split_once('-')
            .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
            .filter(|(a, b): &(u16, u16)| a <= b)
            .ok_or_else(|| format!("--service-node-port-range {node_ports:?} is not a range"))?;
        Ok(ServiceRanges {
            network: Ipv4Addr::from(u32::from(ip) & mask),
            prefix,
            node_ports: (low, high),
        })
    }

    /// Usable addresses: the network address and the broadcast address are excluded.
    fn size(&self) -> u32 {
        (1u32 << (32 - self.prefix)) - 2
    }

    /// The `offset`th usable address (0-based); offset 0 is the `kubernetes` Service's.
    pub fn ip(&self, offset: u32) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.network) + 1 + offset)
    }

    fn contains(&self, ip: Ipv4Addr) -> bool {
        let offset = u32::from(ip).wrapping_sub(u32::from(self.network));
        offset >= 1 && offset <= self.size()
    }
}

pub struct ServiceStrategy {
    pub ranges: ServiceRanges,
}

fn ip_key(ip: &str) -> String {
    format!("/registry/ipaddresses/{ip}")
}

fn port_key(port: u16) -> String {
    format!("/registry/servicenodeports/{port}")
}

fn service_type(object: &Value) -> &str {
    object["spec"]["type"].as_str().unwrap_or("ClusterIP")
}

fn wants_node_ports(object: &Value) -> bool {
    matches!(service_type(object), "NodePort" | "LoadBalancer")
}

/// Reserves `key` for `owner`; false when someone holds it already.
async fn reserve(storage: &dyn Storage, key: &str, owner: &str) -> Result<bool, ApiError> {
    match storage.create(key, Bytes::from(owner.to_owned()), 0).await {
        Ok(_) => Ok(true),
        Err(storage::Error::AlreadyExists { .. }) => Ok(false),
        Err(e) => Err(ApiError::from_storage("services", owner, e)),
    }
}

fn owner(object: &Value) -> String {
    format!(
        "{}/{}",
        object["metadata"]["namespace"].as_str().unwrap_or(""),
        object["metadata"]["name"].as_str().unwrap_or("")
    )
}

impl ServiceStrategy {
    async fn allocate_ip(&self, storage: &dyn Storage, object: &mut Value) -> Result<(), ApiError> {
        let owner = owner(object);
        let requested = object["spec"]["clusterIP"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        let ip = if requested.is_empty() {
            let size = self.ranges.size();
            let start = rand::random_range(1..size.max(2));
            let mut found = None;
            for step in 0..size.saturating_sub(1) {
                // Offset 0 stays for the `kubernetes` Service.
                let offset = 1 + (start - 1 + step) % (size - 1);
                let candidate = self.ranges.ip(offset).to_string();
                if reserve(storage, &ip_key(&candidate), &owner).await? {
                    found = Some(candidate);
                    break;
                }
            }
            found.ok_or_else(|| {
                ApiError::internal(
                    "failed to allocate a serviceIP: range is full",
                    "service IP range is full",
                )
            })?
        } else {
            let parsed: Ipv4Addr = requested
                .parse()
                .map_err(|_| invalid_ip(&requested, "must be a valid IP address"))?;
            if !self.ranges.contains(parsed) {
                return Err(invalid_ip(
                    &requested,
                    &format!(
                        "failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is {}/{}",
                        self.ranges.network, self.ranges.prefix
                    ),
                ));
            }
            if !reserve(storage, &ip_key(&requested), &owner).await? {
                return Err(invalid_ip(
                    &requested,
                    &format!("failed to allocate IP {requested}: provided IP is already allocated"),
                ));
            }
            requested
        };
        object["spec"]["clusterIP"] = json!(ip);
        object["spec"]["clusterIPs"] = json!([ip]);
        Ok(())
    }

    async fn allocate_node_ports(
        &self,
        storage: &dyn Storage,
        object: &mut Value,
    ) -> Result<(), ApiError> {
        let owner = owner(object);
        let (low, high) = self.ranges.node_ports;
        let count = object["spec"]["ports"].as_array().map_or(0, Vec::len);
        for index in 0..count {
            let requested = object["spec"]["ports"][index]["nodePort"]
                .as_u64()
                .unwrap_or(0);
            let port = if requested == 0 {
                let span = u32::from(high - low) + 1;
                let start = rand::random_range(0..span);
                let mut found = None;
                for step in 0..span {
                    let candidate = low + ((start + step) % span) as u16;
                    if reserve(storage, &port_key(candidate), &owner).await? {
                        found = Some(candidate);
                        break;
                    }
                }
                found.ok_or_else(|| {
                    ApiError::internal(
                        "failed to allocate a nodePort: range is full",
                        "node port range is full",
                    )
                })?
            } else {
                let path = format!("spec.ports[{index}].nodePort");
                let port = u16::try_from(requested)
                    .ok()
                    .filter(|p| (low..=high).contains(p))
                    .ok_or_else(|| {
                        invalid(&path, json!(requested), &format!(
                            "provided port is not in the valid range. The range of valid ports is {low}-{high}"
                        ))
                    })?;
                if !reserve(storage, &port_key(port), &owner).await? {
                    return Err(invalid(
                        &path,
                        json!(requested),
                        "provided port is already allocated",
                    ));
                }
                port
            };
            object["spec"]["ports"][index]["nodePort"] = json!(port);
        }
        Ok(())
    }
}

fn invalid(path: &str, value: Value, detail: &str) -> ApiError {
    ApiError::invalid(
        "Service",
        "",
        vec![FieldError::invalid(path, value, detail)],
    )
}

fn invalid_ip(ip: &str, detail: &str) -> ApiError {
    invalid("spec.clusterIPs", json!([ip]), detail)
}

#[async_trait::async_trait]
impl Strategy for ServiceStrategy {
    /// Field defaults come from [`crate::registry::defaults`]; what the registry adds is the
    /// IP family of what it allocates, and an empty status.
    fn prepare_for_create(&self, object: &mut Value) {
        if !object["spec"].is_object() {
            object["spec"] = json!({});
        }
        let spec = &mut object["spec"];
        if spec["type"] != "ExternalName" && spec["clusterIP"] != "None" {
            spec["ipFamilies"] = json!(["IPv4"]);
            spec["ipFamilyPolicy"] = json!("SingleStack");
        }
        object["status"] = json!({"loadBalancer": {}});
    }

    fn validate(&self, object: &Value) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let kind = service_type(object);
        const TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
        if !TYPES.contains(&kind) {
            errors.push(FieldError::not_supported("spec.type", kind, &TYPES));
        }
        let ports = object["spec"]["ports"].as_array();
        let headless = object["spec"]["clusterIP"] == "None";
        if kind == "ExternalName" {
            if object["spec"]["externalName"]
                .as_str()
                .unwrap_or("")
                .is_empty()
            {
                errors.push(FieldError::required("spec.externalName", ""));
            }
        } else if ports.is_none_or(Vec::is_empty) && !headless {
            errors.push(FieldError::required("spec.ports", ""));
        }
        for (index, port) in ports.into_iter().flatten().enumerate() {
            let number = port["port"].as_i64().unwrap_or(0);
            if !(1..=65535).contains(&number) {
                errors.push(FieldError::invalid(
                    format!("spec.ports[{index}].port"),
                    port["port"].clone(),
                    "must be between 1 and 65535, inclusive",
                ));
            }
            let protocol = port["protocol"].as_str().unwrap_or("TCP");
            const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
            if !PROTOCOLS.contains(&protocol) {
                errors.push(FieldError::not_supported(
                    format!("spec.ports[{index}].protocol"),
                    protocol,
                    &PROTOCOLS,
                ));
            }
            if ports.is_some_and(|p| p.len() > 1) && port["name"].as_str().unwrap_or("").is_empty()
            {
                errors.push(FieldError::required(
                    format!("spec.ports[{index}].name"),
                    "",
                ));
            }
        }
        errors
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let old_ip = &old["spec"]["clusterIP"];
        let new_ip = &new["spec"]["clusterIP"];
        if !old_ip.is_null() && old_ip != new_ip && service_type(new) != "ExternalName" {
            return vec![FieldError::immutable("spec.clusterIPs", json!([new_ip]))];
        }
        Vec::new()
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        // A client that did not send the allocated values keeps them, as upstream does.
        if new["spec"]["clusterIP"].is_null() && !old["spec"]["clusterIP"].is_null() {
            new["spec"]["clusterIP"] = old["spec"]["clusterIP"].clone();
            new["spec"]["clusterIPs"] = old["spec"]["clusterIPs"].clone();
        }
    }

    async fn allocate(&self, storage: &dyn Storage, object: &mut Value) -> Result<(), ApiError> {
        if service_type(object) == "ExternalName" || object["spec"]["clusterIP"] == "None" {
            return Ok(());
        }
        self.allocate_ip(storage, object).await?;
        if wants_node_ports(object)
            && let Err(e) = self.allocate_node_ports(storage, object).await
        {
            self.release(storage, object).await;
            return Err(e);
        }
        Ok(())
    }

    async fn release(&self, storage: &dyn Storage, object: &Value) {
        let owner = owner(object);
        let mut keys = Vec::new();
        if let Some(ip) = object["spec"]["clusterIP"]
            .as_str()
            .filter(|ip| *ip != "None")
        {
            keys.push(ip_key(ip));
        }
        for port in object["spec"]["ports"].as_array().into_iter().flatten() {
            if let Some(port) = port["nodePort"]
                .as_u64()
                .and_then(|p| u16::try_from(p).ok())
            {
                keys.push(port_key(port));
            }
        }
        for key in keys {
            // Only what this Service holds: a failed create must not free another's port.
            if let Ok(found) = storage.get(&key, None).await
                && let Some(kv) = found.kv
                && kv.value == owner.as_bytes()
            {
                let _ = storage.delete(&key, Some(kv.mod_revision)).await;
            }
        }
    }

    fn field_labels(&self) -> &'static [&'static str] {
        &["spec.clusterIP", "spec.type"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_index_like_upstream() {
        let ranges = ServiceRanges::parse("10.96.0.0/12", "30000-32767").unwrap();
        assert_eq!(ranges.ip(0), Ipv4Addr::new(10, 96, 0, 1));
        assert!(ranges.contains(Ipv4Addr::new(10, 111, 255, 254)));
        assert!(!ranges.contains(Ipv4Addr::new(10, 112, 0, 0)));
        assert!(!ranges.contains(Ipv4Addr::new(10, 96, 0, 0)));
        assert!(ServiceRanges::parse("fd00::/108", "30000-32767").is_err());
        assert!(ServiceRanges::parse("10.0.0.0/24", "5-1").is_err());
    }

    #[test]
    fn defaults_and_families_like_upstream() {
        let strategy = ServiceStrategy {
            ranges: ServiceRanges::parse("10.96.0.0/12", "30000-32767").unwrap(),
        };
        let mut service = json!({"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}});
        strategy.prepare_for_create(&mut service);
        crate::registry::defaults::apply_defaults("", "Service", &mut service);
        assert_eq!(service["spec"]["type"], "ClusterIP");
        assert_eq!(service["spec"]["sessionAffinity"], "None");
        assert_eq!(service["spec"]["ports"][0]["protocol"], "TCP");
        assert_eq!(service["spec"]["ports"][0]["targetPort"], 80);
        assert_eq!(service["spec"]["internalTrafficPolicy"], "Cluster");
        assert_eq!(service["spec"]["ipFamilyPolicy"], "SingleStack");
        assert!(strategy.validate(&service).is_empty());
    }
}
