//! kube-proxy: programs its node's packet filter so Service addresses (cluster IPs, node
//! ports, external and load-balancer IPs) reach the Service's endpoints.
//!
//! # Layout
//!
//! - [`model`]: service ports, endpoints, node settings, and which endpoints each kind of
//!   traffic uses; [`state`]: Services and EndpointSlices into that model.
//! - [`nftables`]: the nftables backend (ruleset, incremental transactions, `nft` runner);
//!   [`iptables`]: the iptables backend (upstream's chains through `iptables-restore`,
//!   partial syncs).

pub mod iptables;
pub mod model;
pub mod nftables;
pub mod state;
