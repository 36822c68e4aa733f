//! kube-proxy: programs its node's packet filter so Service addresses (cluster IPs, node
//! ports, external and load-balancer IPs) reach the Service's endpoints.
//!
//! # Layout
//!
//! - [`model`]: service ports, endpoints, node settings, and which endpoints each kind of
//!   traffic uses; [`state`]: Services and EndpointSlices into that model.
//! - [`iptables`]: the iptables backend (`--proxy-mode=iptables`): chains, rules,
//!   `iptables-restore`, partial syncs.

pub mod iptables;
pub mod model;
pub mod state;
