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

mod formats;
mod structural;
mod structural_checks;
mod validate;

pub use structural::{AdditionalProperties, MAX_DEPTH, ParseError, Pattern, Structural};
pub use structural_checks::validate_structural;
pub use validate::validate_schema;
