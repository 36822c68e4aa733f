//! Each controller in-process against a real API server (one test binary, so the API server
//! is linked once): `support` starts the controllers and polls; one module per controller.

mod support;

mod cronjob;
mod daemonset;
mod deployment;
mod disruption;
mod endpoints;
mod endpointslices;
mod garbage_collector;
mod job;
mod namespace;
mod node_ipam;
mod node_lifecycle;
mod persistent_volume;
mod podgc;
mod replicaset;
mod resourcequota;
mod service_lb;
mod serviceaccount;
mod statefulset;
