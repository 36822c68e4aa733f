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

/// `needsClusterIP`: every type but `ExternalName`.
fn needs_cluster_ip(object: &Value) -> bool {
    service_type(object) != "ExternalName"
}

/// `needsNodePort`: `NodePort`, and `LoadBalancer` unless `allocateLoadBalancerNodePorts` is
/// false.
fn wants_node_ports(object: &Value) -> bool {
    match service_type(object) {
        "NodePort" => true,
        "LoadBalancer" => object["spec"]["allocateLoadBalancerNodePorts"] != false,
        _ => false,
    }
}

/// `needsHCNodePort`: a `LoadBalancer` with `externalTrafficPolicy: Local`.
fn needs_health_check_port(object: &Value) -> bool {
    service_type(object) == "LoadBalancer" && object["spec"]["externalTrafficPolicy"] == "Local"
}

fn node_port_of(port: &Value) -> u64 {
    port["nodePort"].as_u64().unwrap_or(0)
}

/// `patchAllocatedValues`: allocated values a client left out are carried over, so that a
/// `replace` of a manifest without them is idempotent.
fn patch_allocated_values(new: &mut Value, old: &Value) {
    let (os, ns) = (&old["spec"], &mut new["spec"]);
    if !ns.is_object() {
        return;
    }
    if needs_cluster_ip(old) && service_type_of_spec(ns) != "ExternalName" {
        if ns["clusterIP"].as_str().unwrap_or("").is_empty() && !os["clusterIP"].is_null() {
            ns["clusterIP"] = os["clusterIP"].clone();
        }
        if ns["clusterIPs"].as_array().is_none_or(Vec::is_empty) && os["clusterIPs"].is_array() {
            ns["clusterIPs"] = os["clusterIPs"].clone();
        }
    }
    let new_view = json!({"spec": ns.clone()});
    if wants_node_ports(old) && wants_node_ports(&new_view) {
        let used = |spec: &Value| -> Vec<u64> {
            let ports = spec["ports"].as_array().into_iter().flatten();
            ports.map(node_port_of).filter(|p| *p != 0).collect()
        };
        let (old_used, new_used) = (used(os), used(ns));
        let by_name: Vec<(String, u64)> = (os["ports"].as_array().into_iter().flatten())
            .map(|p| (p["name"].as_str().unwrap_or("").to_owned(), node_port_of(p)))
            .collect();
        for p in ns["ports"].as_array_mut().into_iter().flatten() {
            if node_port_of(p) != 0 {
                continue;
            }
            let name = p["name"].as_str().unwrap_or("").to_owned();
            if let Some((_, np)) = by_name.iter().rev().find(|(n, _)| *n == name)
                && *np != 0
                && !(old_used.contains(np) && new_used.contains(np))
            {
                p["nodePort"] = json!(np);
            }
        }
    }
    if needs_health_check_port(old)
        && needs_health_check_port(&new_view)
        && ns["healthCheckNodePort"].as_u64().unwrap_or(0) == 0
        && !os["healthCheckNodePort"].is_null()
    {
        ns["healthCheckNodePort"] = os["healthCheckNodePort"].clone();
    }
}

fn service_type_of_spec(spec: &Value) -> &str {
    spec["type"].as_str().unwrap_or("ClusterIP")
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|x| x.as_str().unwrap_or(""))
        .collect()
}

/// `NormalizeClusterIPs` on update: keep `clusterIP` and `clusterIPs` in step for clients
/// that only know the singular field.
fn normalize_cluster_ips(new: &mut Value, old: &Value) {
    let (os, ns) = (&old["spec"], &mut new["spec"]);
    if !ns.is_object() {
        return;
    }
    let (old_ip, old_ips) = (
        os["clusterIP"].as_str().unwrap_or(""),
        strings(&os["clusterIPs"]),
    );
    let new_ip = ns["clusterIP"].as_str().unwrap_or("").to_owned();
    if !old_ips.is_empty() && strings(&ns["clusterIPs"]).is_empty() && old_ip == new_ip {
        ns["clusterIPs"] = os["clusterIPs"].clone();
    }
    if old_ip != new_ip {
        let same_ips = strings(&ns["clusterIPs"]) == old_ips;
        if !old_ip.is_empty() && new_ip.is_empty() && same_ips {
            ns["clusterIPs"] = Value::Null;
        }
        if !new_ip.is_empty() && same_ips {
            ns["clusterIPs"] = json!([new_ip]);
        }
    }
}

/// `dropTypeDependentFields`: on a type change, fields the old type needed and the client did
/// not touch are cleared.
fn drop_type_dependent_fields(new: &mut Value, old: &Value) {
    let new_view = json!({"spec": new["spec"].clone()});
    let os = &old["spec"];
    let Some(ns) = new["spec"].as_object_mut() else {
        return;
    };
    let same = |k: &str, ns: &serde_json::Map<String, Value>| {
        ns.get(k).unwrap_or(&Value::Null) == os.get(k).unwrap_or(&Value::Null)
    };
    if needs_cluster_ip(old) && !needs_cluster_ip(&new_view) {
        if same("clusterIPs", ns) {
            ns.remove("clusterIP");
            ns.remove("clusterIPs");
        }
        for k in ["ipFamilies", "ipFamilyPolicy"] {
            if same(k, ns) {
                ns.remove(k);
            }
        }
    }
    if wants_node_ports(old) && !wants_node_ports(&new_view) {
        let ports = |s: &Value| -> Vec<u64> {
            s["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .map(node_port_of)
                .collect()
        };
        if ports(&new_view["spec"]) == ports(os) {
            for p in ns
                .get_mut("ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(p) = p.as_object_mut() {
                    p.remove("nodePort");
                }
            }
        }
    }
    if needs_health_check_port(old)
        && !needs_health_check_port(&new_view)
        && same("healthCheckNodePort", ns)
    {
        ns.remove("healthCheckNodePort");
    }
    if service_type(old) == "LoadBalancer" && service_type(&new_view) != "LoadBalancer" {
        if ns
            .get("allocateLoadBalancerNodePorts")
            .is_some_and(|v| !v.is_null())
            && same("allocateLoadBalancerNodePorts", ns)
        {
            ns.remove("allocateLoadBalancerNodePorts");
        }
        if same("loadBalancerClass", ns) {
            ns.remove("loadBalancerClass");
        }
    }
    let accessible = |s: &Value| match s["spec"]["type"].as_str().unwrap_or("ClusterIP") {
        "LoadBalancer" | "NodePort" => true,
        "ClusterIP" => s["spec"]["externalIPs"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        _ => false,
    };
    if accessible(old) && !accessible(&new_view) && same("externalTrafficPolicy", ns) {
        ns.remove("externalTrafficPolicy");
    }
}

/// The allocator's family inference on update: missing `ipFamilies` follow `clusterIPs`, and a
/// missing policy is `SingleStack`.
fn infer_ip_families(new: &mut Value) {
    if !needs_cluster_ip(new) || new["spec"]["clusterIP"] == "None" {
        return;
    }
    let ips: Vec<String> = strings(&new["spec"]["clusterIPs"])
        .into_iter()
        .map(str::to_owned)
        .collect();
    let spec = &mut new["spec"];
    let mut families = spec["ipFamilies"].as_array().cloned().unwrap_or_default();
    if families.len() < ips.len() {
        for ip in &ips[families.len()..] {
            let family = if ip.contains(':') { "IPv6" } else { "IPv4" };
            families.push(json!(family));
        }
        spec["ipFamilies"] = Value::Array(families);
    }
    if spec["ipFamilyPolicy"].is_null() && !ips.is_empty() {
        spec["ipFamilyPolicy"] = json!("SingleStack");
    }
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
        let count = object["spec"]["ports"].as_array().map_or(0, Vec::len);
        for index in 0..count {
            let requested = node_port_of(&object["spec"]["ports"][index]);
            let path = format!("spec.ports[{index}].nodePort");
            let port = self
                .reserve_node_port(storage, object, requested, &path)
                .await?;
            object["spec"]["ports"][index]["nodePort"] = json!(port);
        }
        Ok(())
    }

    /// Reserves `requested` (0: any free port) from the node port range.
    async fn reserve_node_port(
        &self,
        storage: &dyn Storage,
        object: &Value,
        requested: u64,
        path: &str,
    ) -> Result<u16, ApiError> {
        let owner = owner(object);
        let (low, high) = self.ranges.node_ports;
        if requested == 0 {
            let span = u32::from(high - low) + 1;
            let start = rand::random_range(0..span);
            for step in 0..span {
                let candidate = low + ((start + step) % span) as u16;
                if reserve(storage, &port_key(candidate), &owner).await? {
                    return Ok(candidate);
                }
            }
            return Err(ApiError::internal(
                "failed to allocate a nodePort: range is full",
                "node port range is full",
            ));
        }
        let port = u16::try_from(requested)
            .ok()
            .filter(|p| (low..=high).contains(p))
            .ok_or_else(|| {
                invalid(
                    path,
                    json!(requested),
                    &format!(
                        "provided port is not in the valid range. The range of valid ports is {low}-{high}"
                    ),
                )
            })?;
        if !reserve(storage, &port_key(port), &owner).await? {
            return Err(invalid(
                path,
                json!(requested),
                "provided port is already allocated",
            ));
        }
        Ok(port)
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
        // `NormalizeClusterIPs` on create: an old client sets only the singular field.
        if let Some(ip) = spec["clusterIP"].as_str().filter(|ip| !ip.is_empty())
            && spec["clusterIPs"].as_array().is_none_or(Vec::is_empty)
        {
            spec["clusterIPs"] = json!([ip]);
        }
        if spec["type"] != "ExternalName" && spec["clusterIP"] != "None" {
            spec["ipFamilies"] = json!(["IPv4"]);
            spec["ipFamilyPolicy"] = json!("SingleStack");
        }
        object["status"] = json!({"loadBalancer": {}});
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        // Upstream's `patchAllocatedValues`, `NormalizeClusterIPs` and `dropTypeDependentFields`.
        patch_allocated_values(new, old);
        normalize_cluster_ips(new, old);
        drop_type_dependent_fields(new, old);
        infer_ip_families(new);
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
        if needs_health_check_port(object) {
            let requested = object["spec"]["healthCheckNodePort"].as_u64().unwrap_or(0);
            let path = "spec.healthCheckNodePort";
            match self
                .reserve_node_port(storage, object, requested, path)
                .await
            {
                Ok(port) => object["spec"]["healthCheckNodePort"] = json!(port),
                Err(e) => {
                    self.release(storage, object).await;
                    return Err(e);
                }
            }
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
        let ports = object["spec"]["ports"].as_array().into_iter().flatten();
        let node_ports = ports.map(node_port_of);
        let health = object["spec"]["healthCheckNodePort"].as_u64();
        for port in node_ports.chain(health) {
            if let Ok(port) = u16::try_from(port)
                && port != 0
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
        let errs = crate::registry::validation_rules::validate("", "Service", &service);
        assert!(errs.is_empty(), "{errs:?}");
    }
}
