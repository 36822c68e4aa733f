//! The schema machinery of custom resources, as upstream's `apiextensions-apiserver`: the
//! structural schema of a CRD version, validation, pruning and defaulting of custom resources
//! against it, and the validation and defaulting of `CustomResourceDefinition` objects.
//!
//! Everything here is pure: it works on `serde_json::Value` objects and returns field errors
//! with upstream's paths and messages (see `endpoints::status::FieldError`), never panicking
//! on malformed input.
//!
//! # Layout
//!
//! - `structural.rs`: [`Structural`], a parsed `openAPIV3Schema` (`JSONSchemaProps`).
//! - `structural_checks.rs`: [`validate_structural`], whether a schema is structural.
//! - `validate.rs` (tests in `validate_tests.rs`): [`validate_schema`], kube-openapi's schema
//!   validation with its messages; `formats.rs`: the string formats it checks.
//! - `embedded.rs`: [`validate_embedded`], type and object metadata of embedded resources;
//!   `list_type.rs`: [`validate_list_sets_and_maps`], uniqueness in list sets and maps.
//! - `resource.rs`: [`validate_custom_resource`] and [`validate_custom_resource_update`],
//!   everything a custom resource's create or update is checked for (type meta, schema,
//!   scale, embedded resources, list types, CEL rules).
//! - `cel.rs` (tests in `cel_tests.rs`): [`CelRules`] and [`validate_cel`], the
//!   `x-kubernetes-validations` CEL rules, compiled once and evaluated on create and update;
//!   `cel_value.rs`: JSON values as CEL values, typed by the schema.
//! - `prune.rs`: [`prune`], dropping unknown fields and reporting their paths.
//! - `defaulting.rs`: [`apply_defaults`], [`prune_non_nullable_nulls`] and
//!   [`validate_defaults`] (the CRD-side check of `default`s).
//! - `crd.rs` (tests in `crd_tests.rs`): [`validate_crd`], [`validate_crd_update`] and
//!   [`validate_crd_status_update`] for `apiextensions.k8s.io/v1` objects; `crd_schema.rs`
//!   (tests in `crd_schema_tests.rs`): the rules of one version's schema, subresources and
//!   printer columns; `crd_defaults.rs`: [`default_crd`], [`prepare_crd_for_create`] and
//!   [`prepare_crd_for_update`].
//! - `fuzz_tests.rs`: random schemas, objects and CRDs never panic.

mod cel;
#[cfg(test)]
mod cel_tests;
mod cel_value;
mod crd;
mod crd_defaults;
mod crd_schema;
mod defaulting;
mod embedded;
mod formats;
#[cfg(test)]
mod fuzz_tests;
mod list_type;
mod prune;
mod resource;
mod structural;
mod structural_checks;
mod validate;

pub use cel::{CelRule, CelRules, rule_compile_errors, validate_cel};
pub use crd::{validate_crd, validate_crd_status_update, validate_crd_update};
pub use crd_defaults::{default_crd, prepare_crd_for_create, prepare_crd_for_update};
pub use crd_schema::{validate_printer_column, validate_subresources, validate_version_schema};
pub use defaulting::{apply_defaults, prune_non_nullable_nulls, validate_defaults};
pub use embedded::validate_embedded;
pub use list_type::validate_list_sets_and_maps;
pub use prune::{prune, unknown_field_message};
pub use resource::{
    CustomResourceRules, ScalePaths, validate_custom_resource, validate_custom_resource_update,
    validate_metadata_name,
};
pub use structural::{AdditionalProperties, MAX_DEPTH, ParseError, Pattern, Structural};
pub use structural_checks::validate_structural;
pub use validate::validate_schema;
