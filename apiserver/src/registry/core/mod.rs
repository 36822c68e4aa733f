//! Strategies of core/v1 resources, one file per resource as upstream's `pkg/registry/core`.

pub mod namespace;
pub mod pod;
pub mod service;
