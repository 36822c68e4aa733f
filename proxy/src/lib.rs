//! kube-proxy: programs its node's packet filter so Service addresses (cluster IPs, node
//! ports, external and load-balancer IPs) reach the Service's endpoints.
//!
//! # Layout
//!
//! - [`model`]: service ports, endpoints, node settings, and which endpoints each kind of
//!   traffic uses; [`state`]: Services and EndpointSlices into that model.
//! - [`nftables`]: the nftables backend (ruleset, incremental transactions, `nft` runner);
//!   [`iptables`]: the iptables backend (upstream's chains through `iptables-restore`,
//!   partial syncs); [`backends`]: both behind the [`proxier::Proxier`] trait, and `--cleanup`.
//! - [`options`]: flags and `KubeProxyConfiguration`; [`app`]: the watches and the sync loop;
//!   [`sources`]: the watches; [`proxier`]: what a backend does, and the node's settings.
//! - [`conntrack`]: stale UDP entries; [`health`]: `/healthz`, `/livez` and `/metrics`;
//!   [`service_health`]: the health-check node ports of Local-policy load balancers;
//!   [`metrics`]: upstream's metric names.

pub mod app;
pub mod backends;
pub mod conntrack;
pub mod health;
pub mod iptables;
pub mod metrics;
pub mod model;
pub mod nftables;
pub mod options;
pub mod proxier;
pub mod service_health;
pub mod sources;
pub mod state;
