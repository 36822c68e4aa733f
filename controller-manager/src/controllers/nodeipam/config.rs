//! The node-ipam-controller's flags checked as upstream's `startNodeIpamController` checks
//! them: one cluster CIDR, or two of different families, and node mask sizes that fit.

use super::cidr_set::Cidr;

/// Default node subnet sizes per family.
pub const DEFAULT_MASK_IPV4: u8 = 24;
pub const DEFAULT_MASK_IPV6: u8 = 64;

/// What the allocator is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpamConfig {
    pub cluster_cidrs: Vec<Cidr>,
    /// Per cluster CIDR, the node subnet prefix.
    pub node_mask_sizes: Vec<u8>,
    pub service_cidrs: Vec<Cidr>,
}

fn parse_list(list: &str) -> Result<Vec<Cidr>, String> {
    list.trim()
        .split(',')
        .map(|text| {
            text.trim()
                .parse::<Cidr>()
                .map_err(|e| format!("failed to parse cidr value:{text:?} with error:{e}"))
        })
        .collect()
}

/// Checks the flags and works out the node mask sizes.
pub fn config_from_flags(
    cluster_cidr: &str,
    service_range: &str,
    mask: Option<u8>,
    mask_v4: Option<u8>,
    mask_v6: Option<u8>,
) -> Result<IpamConfig, String> {
    if cluster_cidr.trim().is_empty() {
        return Err(
            "Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set".into(),
        );
    }
    let cluster_cidrs = parse_list(cluster_cidr)?;
    let dual_stack =
        cluster_cidrs.iter().any(Cidr::is_ipv6) && cluster_cidrs.iter().any(|c| !c.is_ipv6());
    if cluster_cidrs.len() > 1 && !dual_stack {
        return Err(format!(
            "len of ClusterCIDRs=={} and they are not configured as dual stack (at least one from each IPFamily",
            cluster_cidrs.len()
        ));
    }
    if cluster_cidrs.len() > 2 {
        return Err(format!(
            "len of clusters is:{} > more than max allowed of 2",
            cluster_cidrs.len()
        ));
    }
    let service_cidrs = if service_range.trim().is_empty() {
        Vec::new()
    } else {
        parse_list(service_range)?
    };
    let (mut v4, mut v6) = (DEFAULT_MASK_IPV4, DEFAULT_MASK_IPV6);
    let mask = mask.filter(|m| *m != 0);
    let mask_v4 = mask_v4.filter(|m| *m != 0);
    let mask_v6 = mask_v6.filter(|m| *m != 0);
    if cluster_cidrs.len() > 1 {
        if mask.is_some() {
            return Err(
                "usage of --node-cidr-mask-size is not allowed with dual-stack clusters".into(),
            );
        }
        v4 = mask_v4.unwrap_or(v4);
        v6 = mask_v6.unwrap_or(v6);
    } else if let Some(mask) = mask {
        if mask_v4.is_some() || mask_v6.is_some() {
            return Err("usage of --node-cidr-mask-size-ipv4 and --node-cidr-mask-size-ipv6 is not allowed if --node-cidr-mask-size is set. For dual-stack clusters please unset it and use IPFamily specific flags".into());
        }
        (v4, v6) = (mask, mask);
    } else {
        let single_v6 = cluster_cidrs[0].is_ipv6();
        if let Some(m) = mask_v4 {
            if single_v6 {
                return Err("usage of --node-cidr-mask-size-ipv4 is not allowed for a single-stack IPv6 cluster".into());
            }
            v4 = m;
        }
        if let Some(m) = mask_v6 {
            if !single_v6 {
                return Err("usage of --node-cidr-mask-size-ipv6 is not allowed for a single-stack IPv4 cluster".into());
            }
            v6 = m;
        }
    }
    let node_mask_sizes: Vec<u8> = cluster_cidrs
        .iter()
        .map(|c| if c.is_ipv6() { v6 } else { v4 })
        .collect();
    for (cidr, mask) in cluster_cidrs.iter().zip(&node_mask_sizes) {
        if cidr.prefix() > *mask {
            return Err("Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family".into());
        }
    }
    Ok(IpamConfig {
        cluster_cidrs,
        node_mask_sizes,
        service_cidrs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocate_without_a_cluster_cidr_is_refused() {
        let error = config_from_flags("", "", None, None, None).unwrap_err();
        assert_eq!(
            error,
            "Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set"
        );
        assert!(config_from_flags("10.0.0.0", "", None, None, None).is_err());
    }

    // Upstream's TestSetNodeCIDRMaskSizes cases.
    #[test]
    fn mask_sizes_follow_the_flags_per_family() {
        let c = config_from_flags("10.244.0.0/16", "", None, None, None).unwrap();
        assert_eq!(c.node_mask_sizes, [24]);
        let c = config_from_flags("10.244.0.0/16", "", Some(26), None, None).unwrap();
        assert_eq!(c.node_mask_sizes, [26]);
        let c = config_from_flags("10.244.0.0/16,fd00::/48", "", None, Some(25), None).unwrap();
        assert_eq!(c.node_mask_sizes, [25, 64]);
        let c = config_from_flags("fd00::/48,10.244.0.0/16", "", None, None, Some(80)).unwrap();
        assert_eq!(c.node_mask_sizes, [80, 24]);
        assert!(config_from_flags("10.244.0.0/16,fd00::/48", "", Some(24), None, None).is_err());
        assert!(config_from_flags("10.244.0.0/16", "", Some(24), Some(24), None).is_err());
        assert!(config_from_flags("10.244.0.0/16", "", None, None, Some(64)).is_err());
        assert!(config_from_flags("fd00::/48", "", None, Some(24), None).is_err());
        assert!(config_from_flags("10.0.0.0/8,10.1.0.0/16", "", None, None, None).is_err());
        let error = config_from_flags("10.244.0.0/25", "", None, None, None).unwrap_err();
        assert!(error.contains("mask size of cluster CIDR"));
    }

    #[test]
    fn the_service_range_is_parsed() {
        let c = config_from_flags("10.0.0.0/8", "10.96.0.0/12", None, None, None).unwrap();
        assert_eq!(c.service_cidrs[0].to_string(), "10.96.0.0/12");
    }
}
