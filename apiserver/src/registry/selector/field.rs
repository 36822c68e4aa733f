//! Field selectors: upstream's `fields.ParseSelector` (`a=b,c!=d`, `==`), value escaping, and
//! the `Transform`/`RequiresExactMatch` hooks the registry uses.

use std::fmt;

use super::SelectorError;

/// `=` and `==` are the same requirement upstream (`selection.Equals`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldOperator {
    Equals,
    NotEquals,
}

/// One `field=value` or `field!=value` term, value unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRequirement {
    pub field: String,
    pub operator: FieldOperator,
    pub value: String,
}

impl FieldRequirement {
    fn matches(&self, actual: &str) -> bool {
        (actual == self.value) == (self.operator == FieldOperator::Equals)
    }
}

impl fmt::Display for FieldRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.operator {
            FieldOperator::Equals => "=",
            FieldOperator::NotEquals => "!=",
        };
        write!(f, "{}{op}{}", self.field, escape_value(&self.value))
    }
}

/// A parsed field selector: the AND of its terms, in upstream's order (sorted by raw term).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector {
    terms: Vec<FieldRequirement>,
}

impl FieldSelector {
    /// Upstream's `fields.Everything()`.
    pub fn everything() -> Self {
        Self::default()
    }

    /// Upstream's `OneTermEqualSelector`.
    pub fn one_term_equal(field: impl Into<String>, value: impl Into<String>) -> Self {
        FieldSelector {
            terms: vec![FieldRequirement {
                field: field.into(),
                operator: FieldOperator::Equals,
                value: value.into(),
            }],
        }
    }

    /// Upstream's `fields.ParseSelector`. Terms split on unescaped commas and are sorted; each
    /// splits at its first `!=`, `==` or `=`; the value is unescaped; a term with an empty
    /// field and an empty value selects everything and is dropped.
    pub fn parse(text: &str) -> Result<Self, SelectorError> {
        let mut parts = split_terms(text);
        parts.sort_unstable();
        let mut terms = Vec::with_capacity(parts.len());
        for part in parts {
            if part.is_empty() {
                continue;
            }
            let Some((field, operator, raw)) = split_term(part) else {
                return Err(SelectorError::InvalidFieldSelector {
                    selector: text.to_owned(),
                    term: part.to_owned(),
                });
            };
            let value = unescape_value(raw)?;
            if field.is_empty() && value.is_empty() {
                continue;
            }
            terms.push(FieldRequirement {
                field: field.to_owned(),
                operator,
                value,
            });
        }
        Ok(FieldSelector { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn requirements(&self) -> &[FieldRequirement] {
        &self.terms
    }

    /// The field names the selector uses, in order (possibly repeated).
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|t| t.field.as_str())
    }

    /// Upstream's `RequiresExactMatch`: the value of the first `field=value` term on `field`
    /// (the `metadata.name=x` and `spec.nodeName=x` fast paths).
    pub fn exact_match(&self, field: &str) -> Option<&str> {
        self.terms
            .iter()
            .find(|t| t.field == field && t.operator == FieldOperator::Equals)
            .map(|t| t.value.as_str())
    }

    /// Rejects the first term whose field is not in `supported`, with upstream's
    /// `field label not supported: <name>` (the message of every `ConvertFieldLabel`).
    pub fn check_supported(&self, supported: &[&str]) -> Result<(), SelectorError> {
        match self
            .terms
            .iter()
            .find(|t| !supported.contains(&t.field.as_str()))
        {
            Some(term) => Err(SelectorError::FieldLabelNotSupported(term.field.clone())),
            None => Ok(()),
        }
    }

    /// Upstream's `Transform`: maps each `(field, value)` (e.g. a version's field label
    /// conversion); a term mapped to `("", "")` is dropped; the first error is returned.
    pub fn transform(
        self,
        mut f: impl FnMut(&str, &str) -> Result<(String, String), SelectorError>,
    ) -> Result<Self, SelectorError> {
        let mut terms = Vec::with_capacity(self.terms.len());
        for term in self.terms {
            let (field, value) = f(&term.field, &term.value)?;
            if !(field.is_empty() && value.is_empty()) {
                terms.push(FieldRequirement {
                    field,
                    operator: term.operator,
                    value,
                });
            }
        }
        Ok(FieldSelector { terms })
    }

    /// Matches against a field lookup; a missing field reads as `""`, as upstream's
    /// `Fields.Get`.
    pub fn matches(&self, fields: &dyn Fn(&str) -> Option<String>) -> bool {
        self.terms
            .iter()
            .all(|t| t.matches(fields(&t.field).as_deref().unwrap_or("")))
    }

    /// Matches against a set of `(field, value)` pairs (upstream's `fields.Set`).
    pub fn matches_fields(&self, fields: &[(&str, String)]) -> bool {
        self.terms.iter().all(|t| {
            let actual = fields.iter().find(|(name, _)| *name == t.field);
            t.matches(actual.map_or("", |(_, value)| value.as_str()))
        })
    }
}

impl fmt::Display for FieldSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, term) in self.terms.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{term}")?;
        }
        Ok(())
    }
}

/// Upstream's `fields.EscapeValue`: backslash-escapes `\`, `,` and `=`.
pub fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Upstream's `fields.UnescapeValue`: only `\\`, `\,` and `\=` are escapes; an unescaped `,`
/// or `=` and any other backslash sequence (including a trailing `\`) are errors.
pub fn unescape_value(raw: &str) -> Result<String, SelectorError> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped @ ('\\' | ',' | '=')) => out.push(escaped),
                Some(other) => {
                    return Err(SelectorError::InvalidEscapeSequence(format!("\\{other}")));
                }
                None => return Err(SelectorError::InvalidEscapeSequence("\\".to_owned())),
            },
            ',' | '=' => return Err(SelectorError::UnescapedCharacter(c)),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Splits on commas not preceded by an escaping backslash; escapes stay in the terms.
pub(super) fn split_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (i, c) in selector.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms
}

/// Splits a term at the first operator (`!=`, then `==`, then `=` at each position); the
/// field part has no escaping.
pub(super) fn split_term(term: &str) -> Option<(&str, FieldOperator, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for (op, operator) in [
            ("!=", FieldOperator::NotEquals),
            ("==", FieldOperator::Equals),
            ("=", FieldOperator::Equals),
        ] {
            if let Some(value) = rest.strip_prefix(op) {
                return Some((&term[..i], operator, value));
            }
        }
    }
    None
}
