//! Label and field selectors, parsed and matched exactly as the kube-apiserver does.
//!
//! Ported (semantics only) from upstream apimachinery:
//! - `label`: `pkg/labels/selector.go` (`Parse`: lexer, parser, `NewRequirement`,
//!   `Requirement.Matches`, `String`) and `pkg/apis/meta/v1/helpers.go`
//!   (`LabelSelectorAsSelector`, the `metav1.LabelSelector` found in `spec.selector`).
//! - `field`: `pkg/fields/selector.go` (`ParseSelector`: `a=b,c!=d`, `==`, backslash escapes
//!   of `\`, `,` and `=` in values; `Transform`; `RequiresExactMatch`).
//! - `validation`: the 1.34 label key/value checks and Go's error renderings they need.
//!
//! Error texts are upstream's, byte for byte (the 1.34 validation wording), because the API
//! server returns them verbatim in 400 BadRequest statuses and clients compare them.

mod field;
mod label;
#[cfg(test)]
mod tests;
mod validation;

pub use field::{FieldOperator, FieldRequirement, FieldSelector, escape_value, unescape_value};
pub use label::{LabelSelector, Operator, Requirement, from_label_selector_json};

/// A selector that cannot be parsed or converted. `Display` is upstream's message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SelectorError {
    /// A label requirement failed to parse or validate (the `labels.Parse` wrapper).
    #[error("unable to parse requirement: {0}")]
    Requirement(String),
    /// A label selector token out of place (`found ',', expected: ...`).
    #[error("{0}")]
    Syntax(String),
    /// `NewRequirement` validation outside the parser (`metav1.LabelSelector` conversion).
    #[error("{0}")]
    InvalidRequirement(String),
    /// A `matchExpressions[].operator` that is not In, NotIn, Exists or DoesNotExist.
    #[error("{} is not a valid pod selector operator", validation::go_quote(.0))]
    InvalidOperator(String),
    /// A `metav1.LabelSelector` whose JSON has the wrong shape.
    #[error("{0}")]
    MalformedLabelSelector(String),
    /// A field selector term without `=`, `==` or `!=`.
    #[error("invalid selector: '{selector}'; can't understand '{term}'")]
    InvalidFieldSelector { selector: String, term: String },
    /// A backslash not followed by `\`, `,` or `=` in a field selector value.
    #[error("invalid field selector: invalid escape sequence: {0}")]
    InvalidEscapeSequence(String),
    /// An unescaped `,` or `=` in a field selector value; upstream prints the code point.
    #[error("invalid field selector: unescaped character in value: {}", u32::from(*.0))]
    UnescapedCharacter(char),
    /// A field selector names a field this resource cannot be selected by.
    #[error("field label not supported: {0}")]
    FieldLabelNotSupported(String),
}
