//! CIDR arithmetic for the node-ipam-controller: parsing `a.b.c.d/n` and IPv6 CIDRs, and a
//! cluster CIDR cut into equal node subnets with a used set (upstream's
//! `pkg/controller/nodeipam/ipam/cidrset`). Addresses are held as `u128` for both families.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// Why a CIDR could not be parsed or allocated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    #[error("invalid CIDR address: {0}")]
    Parse(String),
    #[error("CIDRSet: subNetMaskSize too big")]
    SubnetTooBig,
    #[error(
        "CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range"
    )]
    Exhausted,
    #[error("cidr {cidr} is out the range of cluster cidr {cluster}")]
    OutOfRange { cidr: Cidr, cluster: Cidr },
}

/// A network: its first address and prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    base: u128,
    prefix: u8,
    v6: bool,
}

impl Cidr {
    /// Whether this is an IPv6 network.
    pub fn is_ipv6(&self) -> bool {
        self.v6
    }

    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    fn bits(&self) -> u8 {
        if self.v6 { 128 } else { 32 }
    }

    /// The first and last address.
    fn range(&self) -> (u128, u128) {
        let host_bits = u32::from(self.bits() - self.prefix);
        let size_minus_one = if host_bits >= 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        (self.base, self.base | size_minus_one)
    }

    /// Whether the two networks share an address (same family).
    pub fn overlaps(&self, other: &Cidr) -> bool {
        if self.v6 != other.v6 {
            return false;
        }
        let (a, b) = (self.range(), other.range());
        a.0 <= b.1 && b.0 <= a.1
    }

    fn address(&self, value: u128) -> IpAddr {
        if self.v6 {
            IpAddr::V6(Ipv6Addr::from(value))
        } else {
            IpAddr::V4(Ipv4Addr::from(u32::try_from(value).unwrap_or(u32::MAX)))
        }
    }
}

impl FromStr for Cidr {
    type Err = CidrError;

    /// Parses a CIDR; the host bits are cleared, as Go's `net.ParseCIDR` returns the network.
    fn from_str(text: &str) -> Result<Self, CidrError> {
        let error = || CidrError::Parse(text.to_owned());
        let (address, prefix) = text.trim().split_once('/').ok_or_else(error)?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error());
        }
        let prefix: u8 = prefix.parse().map_err(|_| error())?;
        let (value, v6) = match address.parse::<IpAddr>().map_err(|_| error())? {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)), false),
            IpAddr::V6(v6) => (u128::from(v6), true),
        };
        let bits = if v6 { 128 } else { 32 };
        if prefix > bits {
            return Err(error());
        }
        let host_bits = u32::from(bits - prefix);
        let mask = if host_bits >= 128 {
            0
        } else {
            !((1u128 << host_bits) - 1)
        };
        Ok(Self {
            base: value & mask,
            prefix,
            v6,
        })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address(self.base), self.prefix)
    }
}

/// The largest difference between cluster and node prefix (upstream's
/// `clusterSubnetMaxDiff`): at most 65536 node subnets.
const MAX_PREFIX_DIFF: u8 = 16;

/// A cluster CIDR cut into node subnets of one size, and which are used.
#[derive(Debug, Clone)]
pub struct CidrSet {
    cluster: Cidr,
    node_prefix: u8,
    used: Vec<bool>,
    allocated: usize,
    next_candidate: usize,
}

impl CidrSet {
    /// The subnets of `node_prefix` in `cluster`.
    pub fn new(cluster: Cidr, node_prefix: u8) -> Result<Self, CidrError> {
        if node_prefix < cluster.prefix
            || node_prefix > cluster.bits()
            || node_prefix - cluster.prefix > MAX_PREFIX_DIFF
        {
            return Err(CidrError::SubnetTooBig);
        }
        let count = 1usize << (node_prefix - cluster.prefix);
        Ok(Self {
            cluster,
            node_prefix,
            used: vec![false; count],
            allocated: 0,
            next_candidate: 0,
        })
    }

    /// The cluster CIDR.
    pub fn cluster(&self) -> Cidr {
        self.cluster
    }

    fn shift(&self) -> u32 {
        u32::from(self.cluster.bits() - self.node_prefix)
    }

    fn subnet(&self, index: usize) -> Cidr {
        let offset = (index as u128).checked_shl(self.shift()).unwrap_or(0);
        Cidr {
            base: self.cluster.base + offset,
            prefix: self.node_prefix,
            v6: self.cluster.v6,
        }
    }

    /// The next free subnet, searching on from the last one handed out.
    pub fn allocate_next(&mut self) -> Result<Cidr, CidrError> {
        let count = self.used.len();
        for step in 0..count {
            let index = (self.next_candidate + step) % count;
            if !self.used[index] {
                self.used[index] = true;
                self.allocated += 1;
                self.next_candidate = (index + 1) % count;
                return Ok(self.subnet(index));
            }
        }
        Err(CidrError::Exhausted)
    }

    /// The indices of the subnets `cidr` overlaps.
    fn indices(&self, cidr: &Cidr) -> Result<(usize, usize), CidrError> {
        if !self.cluster.overlaps(cidr) {
            return Err(CidrError::OutOfRange {
                cidr: *cidr,
                cluster: self.cluster,
            });
        }
        let (lo, hi) = cidr.range();
        let (cluster_lo, cluster_hi) = self.cluster.range();
        let index = |address: u128| {
            usize::try_from(
                (address - cluster_lo)
                    .checked_shr(self.shift())
                    .unwrap_or(0),
            )
            .unwrap_or(usize::MAX)
        };
        Ok((index(lo.max(cluster_lo)), index(hi.min(cluster_hi))))
    }

    /// Marks every subnet `cidr` overlaps used (a node's existing CIDR, or the service range).
    pub fn occupy(&mut self, cidr: &Cidr) -> Result<(), CidrError> {
        let (begin, end) = self.indices(cidr)?;
        for index in begin..=end.min(self.used.len() - 1) {
            if !self.used[index] {
                self.used[index] = true;
                self.allocated += 1;
            }
        }
        Ok(())
    }

    /// Marks every subnet `cidr` overlaps free.
    pub fn release(&mut self, cidr: &Cidr) -> Result<(), CidrError> {
        let (begin, end) = self.indices(cidr)?;
        for index in begin..=end.min(self.used.len() - 1) {
            if self.used[index] {
                self.used[index] = false;
                self.allocated -= 1;
            }
        }
        Ok(())
    }

    /// How many subnets are used.
    pub fn allocated(&self) -> usize {
        self.allocated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(text: &str) -> Cidr {
        text.parse().unwrap()
    }

    #[test]
    fn parsing_clears_host_bits_and_rejects_garbage() {
        assert_eq!(cidr("10.244.3.7/16").to_string(), "10.244.0.0/16");
        assert_eq!(cidr("fd00:1::5/48").to_string(), "fd00:1::/48");
        for bad in [
            "",
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "x/8",
            "10.0.0.0/-1",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    // Upstream's TestCIDRSetFullyAllocated and TestIndexToCIDRBlock shapes.
    #[test]
    fn subnets_are_handed_out_in_order_until_exhausted() {
        let mut set = CidrSet::new(cidr("127.123.234.0/30"), 30).unwrap();
        assert_eq!(set.allocate_next().unwrap().to_string(), "127.123.234.0/30");
        assert_eq!(set.allocate_next(), Err(CidrError::Exhausted));
        set.release(&cidr("127.123.234.0/30")).unwrap();
        assert_eq!(set.allocate_next().unwrap().to_string(), "127.123.234.0/30");

        let mut set = CidrSet::new(cidr("10.244.0.0/16"), 24).unwrap();
        assert_eq!(set.allocate_next().unwrap().to_string(), "10.244.0.0/24");
        assert_eq!(set.allocate_next().unwrap().to_string(), "10.244.1.0/24");
        let mut v6 = CidrSet::new(cidr("fd00::/48"), 64).unwrap();
        assert_eq!(v6.allocate_next().unwrap().to_string(), "fd00::/64");
        assert_eq!(v6.allocate_next().unwrap().to_string(), "fd00:0:0:1::/64");
    }

    // Upstream's TestOccupy: a bigger range occupies every subnet it covers; ranges outside
    // the cluster are refused.
    #[test]
    fn occupying_covers_every_overlapped_subnet() {
        let mut set = CidrSet::new(cidr("10.0.0.0/8"), 16).unwrap();
        set.occupy(&cidr("10.0.0.0/14")).unwrap();
        assert_eq!(set.allocated(), 4);
        assert_eq!(set.allocate_next().unwrap().to_string(), "10.4.0.0/16");
        set.occupy(&cidr("10.200.3.0/24")).unwrap();
        assert_eq!(set.allocated(), 6);
        assert!(set.occupy(&cidr("192.168.0.0/16")).is_err());
        // A range containing the cluster occupies all of it.
        let mut small = CidrSet::new(cidr("10.1.0.0/23"), 24).unwrap();
        small.occupy(&cidr("10.0.0.0/8")).unwrap();
        assert_eq!(small.allocate_next(), Err(CidrError::Exhausted));
    }

    #[test]
    fn too_many_subnets_or_a_wider_node_prefix_are_refused() {
        assert_eq!(
            CidrSet::new(cidr("10.0.0.0/8"), 25).unwrap_err(),
            CidrError::SubnetTooBig
        );
        assert!(CidrSet::new(cidr("10.0.0.0/16"), 8).is_err());
        assert!(CidrSet::new(cidr("fd00::/48"), 64).is_ok());
    }
}
