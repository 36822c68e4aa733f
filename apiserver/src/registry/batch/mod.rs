//! Strategies of batch/v1 resources, as upstream's `pkg/registry/batch`.

pub mod job;
