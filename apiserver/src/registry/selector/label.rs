//! Label selectors: upstream's `labels.Parse` grammar, `NewRequirement` validation, matching,
//! canonical `String()`, and `metav1.LabelSelector` conversion.
//!
//! ```text
//! <selector>    ::= <requirement> | <requirement> "," <selector>
//! <requirement> ::= [!] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use super::SelectorError;
use super::validation::{
    aggregate, go_quote, go_string_slice, label_key_error, label_value_errors,
};

/// A requirement's operator, spelled as upstream's `selection.Operator`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    In,
    NotIn,
    Equals,
    DoubleEquals,
    NotEquals,
    GreaterThan,
    LessThan,
    Exists,
    DoesNotExist,
}

impl Operator {
    /// Upstream's `selection.Operator` string (`in`, `notin`, `=`, `==`, `!=`, `gt`, `lt`,
    /// `exists`, `!`).
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::In => "in",
            Operator::NotIn => "notin",
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::GreaterThan => "gt",
            Operator::LessThan => "lt",
            Operator::Exists => "exists",
            Operator::DoesNotExist => "!",
        }
    }
}

/// One `key op values` term; a selector is the AND of its requirements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    key: String,
    operator: Operator,
    values: Vec<String>,
}

impl Requirement {
    /// Upstream's `NewRequirement`: validates the key, the value count for the operator,
    /// integer values for `gt`/`lt`, and every value as a label value. Errors are the
    /// aggregated `field.ErrorList` text.
    pub fn new(
        key: impl Into<String>,
        operator: Operator,
        values: Vec<String>,
    ) -> Result<Self, SelectorError> {
        let requirement = Requirement {
            key: key.into(),
            operator,
            values,
        };
        match requirement.validate() {
            Some(message) => Err(SelectorError::InvalidRequirement(message)),
            None => Ok(requirement),
        }
    }

    fn validate(&self) -> Option<String> {
        let mut errors = Vec::new();
        if let Some(message) = label_key_error(&self.key, "key") {
            errors.push(message);
        }
        let values = &self.values;
        let count_error = match self.operator {
            Operator::In | Operator::NotIn if values.is_empty() => {
                Some("for 'in', 'notin' operators, values set can't be empty")
            }
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals
                if values.len() != 1 =>
            {
                Some("exact-match compatibility requires one single value")
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
                Some("values set must be empty for exists and does not exist")
            }
            Operator::GreaterThan | Operator::LessThan if values.len() != 1 => {
                Some("for 'Gt', 'Lt' operators, exactly one value is required")
            }
            _ => None,
        };
        if let Some(detail) = count_error {
            errors.push(format!(
                "values: Invalid value: {}: {detail}",
                go_string_slice(values)
            ));
        }
        if matches!(self.operator, Operator::GreaterThan | Operator::LessThan) {
            for (i, value) in values.iter().enumerate() {
                if value.parse::<i64>().is_err() {
                    errors.push(format!(
                        "values[{i}]: Invalid value: {}: for 'Gt', 'Lt' operators, the value must be an integer",
                        go_quote(value)
                    ));
                }
            }
        }
        for (i, value) in values.iter().enumerate() {
            let messages = label_value_errors(value);
            if !messages.is_empty() {
                errors.push(format!(
                    "values[{i}][{}]: Invalid value: {}: {}",
                    self.key,
                    go_quote(value),
                    messages.join("; ")
                ));
            }
        }
        aggregate(errors)
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The values as given (the parser hands them over sorted and de-duplicated).
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Upstream's `Requirement.Matches` over a label lookup.
    fn matches_with<'a>(&self, lookup: &dyn Fn(&str) -> Option<&'a str>) -> bool {
        let has = |value: &str| self.values.iter().any(|v| v == value);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => {
                lookup(&self.key).is_some_and(has)
            }
            Operator::NotIn | Operator::NotEquals => !lookup(&self.key).is_some_and(has),
            Operator::Exists => lookup(&self.key).is_some(),
            Operator::DoesNotExist => lookup(&self.key).is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(Ok(actual)) = lookup(&self.key).map(str::parse::<i64>) else {
                    return false;
                };
                let [wanted] = self.values.as_slice() else {
                    return false;
                };
                let Ok(wanted) = wanted.parse::<i64>() else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    actual > wanted
                } else {
                    actual < wanted
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.operator {
            Operator::Exists => return f.write_str(&self.key),
            Operator::DoesNotExist => return write!(f, "!{}", self.key),
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
        };
        let set = matches!(self.operator, Operator::In | Operator::NotIn);
        let mut values: Vec<&str> = self.values.iter().map(String::as_str).collect();
        values.sort_unstable();
        let (open, close) = if set { ("(", ")") } else { ("", "") };
        write!(f, "{}{op}{open}{}{close}", self.key, values.join(","))
    }
}

/// A parsed label selector: the AND of its requirements, sorted by key.
///
/// Two special selectors exist, as upstream: [`LabelSelector::everything`] (no requirements;
/// what `""` parses to and what an empty `metav1.LabelSelector` converts to) matches every
/// object, and [`LabelSelector::nothing`] (what a null `metav1.LabelSelector` converts to)
/// matches none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
    nothing: bool,
}

impl LabelSelector {
    /// Upstream's `labels.Everything()`.
    pub fn everything() -> Self {
        Self::default()
    }

    /// Upstream's `labels.Nothing()`: matches no labels, prints as `""`.
    pub fn nothing() -> Self {
        LabelSelector {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    /// A selector of the given requirements, sorted (stably) by key as upstream's `Add`.
    pub fn from_requirements(mut requirements: Vec<Requirement>) -> Self {
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        LabelSelector {
            requirements,
            nothing: false,
        }
    }

    /// Upstream's `labels.Parse`.
    pub fn parse(text: &str) -> Result<Self, SelectorError> {
        let mut parser = Parser {
            items: lex_all(text),
            position: 0,
        };
        Ok(Self::from_requirements(parser.parse()?))
    }

    /// Whether the selector places no restriction (upstream's `Empty()`; false for nothing).
    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// Whether this is [`LabelSelector::nothing`] (upstream's `MatchesNothing`).
    pub fn matches_nothing(&self) -> bool {
        self.nothing
    }

    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matches_lookup(&|key| labels.get(key).map(String::as_str))
    }

    /// Matches `metadata.labels` as JSON: `None`/null is no labels, non-string values are
    /// treated as absent.
    pub fn matches_json(&self, labels: Option<&Value>) -> bool {
        let object = labels.and_then(Value::as_object);
        self.matches_lookup(&|key| object?.get(key)?.as_str())
    }

    fn matches_lookup<'a>(&self, lookup: &dyn Fn(&str) -> Option<&'a str>) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches_with(lookup))
    }

    /// Upstream's `RequiresExactMatch`: the value the first requirement on `label` pins it to
    /// (`=`, `==` or a one-value `in`).
    pub fn requires_exact_match(&self, label: &str) -> Option<&str> {
        let requirement = self.requirements.iter().find(|r| r.key == label)?;
        match (requirement.operator, requirement.values.as_slice()) {
            (Operator::Equals | Operator::DoubleEquals | Operator::In, [value]) => Some(value),
            _ => None,
        }
    }
}

impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, requirement) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{requirement}")?;
        }
        Ok(())
    }
}

/// Upstream's `metav1.LabelSelectorAsSelector` over the JSON of a `metav1.LabelSelector`
/// (e.g. a Deployment's `spec.selector`): null gives [`LabelSelector::nothing`], an object
/// without matchLabels and matchExpressions gives [`LabelSelector::everything`].
pub fn from_label_selector_json(sel: &Value) -> Result<LabelSelector, SelectorError> {
    let malformed = |what: &str| SelectorError::MalformedLabelSelector(what.to_owned());
    let object = match sel {
        Value::Null => return Ok(LabelSelector::nothing()),
        Value::Object(object) => object,
        _ => return Err(malformed("label selector must be an object")),
    };
    let mut match_labels: Vec<(&str, &str)> = Vec::new();
    match object.get("matchLabels") {
        None | Some(Value::Null) => {}
        Some(Value::Object(labels)) => {
            for (key, value) in labels {
                let value = value
                    .as_str()
                    .ok_or_else(|| malformed("matchLabels values must be strings"))?;
                match_labels.push((key, value));
            }
        }
        Some(_) => return Err(malformed("matchLabels must be an object")),
    }
    match_labels.sort_unstable();
    let expressions: &[Value] = match object.get("matchExpressions") {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(_) => return Err(malformed("matchExpressions must be an array")),
    };
    if match_labels.is_empty() && expressions.is_empty() {
        return Ok(LabelSelector::everything());
    }
    let mut requirements = Vec::with_capacity(match_labels.len() + expressions.len());
    for (key, value) in match_labels {
        requirements.push(Requirement::new(
            key,
            Operator::Equals,
            vec![value.to_owned()],
        )?);
    }
    for expression in expressions {
        let field = |name: &str| match expression.get(name) {
            None | Some(Value::Null) => Ok(""),
            Some(Value::String(text)) => Ok(text.as_str()),
            Some(_) => Err(malformed(&format!(
                "matchExpressions[].{name} must be a string"
            ))),
        };
        let (key, operator) = (field("key")?, field("operator")?);
        let operator = match operator {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            other => return Err(SelectorError::InvalidOperator(other.to_owned())),
        };
        let values = match expression.get("values") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| malformed("matchExpressions[].values must be strings"))?,
            Some(_) => return Err(malformed("matchExpressions[].values must be an array")),
        };
        requirements.push(Requirement::new(key, operator, values)?);
    }
    Ok(LabelSelector::from_requirements(requirements))
}

// ---- lexer ----------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token {
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// Upstream's byte lexer. A NUL byte reads like end of input, exactly as upstream's `read()`
/// returning 0: at a token start it ends the input, inside a token it ends (and is eaten by)
/// that token.
pub(super) struct Lexer<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(s: &'a str) -> Self {
        Lexer { s, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    pub(super) fn lex(&mut self) -> (Token, &'a str) {
        loop {
            match self.peek() {
                None => return (Token::EndOfString, ""),
                Some(0) => {
                    self.pos += 1;
                    return (Token::EndOfString, "");
                }
                Some(b) if is_whitespace(b) => self.pos += 1,
                Some(b) if is_special(b) => return self.special(),
                Some(_) => return self.identifier_or_keyword(),
            }
        }
    }

    fn identifier_or_keyword(&mut self) -> (Token, &'a str) {
        let start = self.pos;
        let end = loop {
            match self.peek() {
                None => break self.pos,
                Some(0) => {
                    self.pos += 1;
                    break self.pos - 1;
                }
                Some(b) if is_special(b) || is_whitespace(b) => break self.pos,
                Some(_) => self.pos += 1,
            }
        };
        let literal = &self.s[start..end];
        let token = match literal {
            "in" => Token::In,
            "notin" => Token::NotIn,
            _ => Token::Identifier,
        };
        (token, literal)
    }

    /// Longest match among the operator spellings, as upstream's `scanSpecialSymbol`.
    fn special(&mut self) -> (Token, &'a str) {
        let start = self.pos;
        let first = self.s.as_bytes()[start];
        self.pos += 1;
        let mut token = match first {
            b'=' => Token::Equals,
            b'!' => Token::DoesNotExist,
            b'(' => Token::OpenPar,
            b')' => Token::ClosedPar,
            b',' => Token::Comma,
            b'>' => Token::GreaterThan,
            _ => Token::LessThan,
        };
        match (first, self.peek()) {
            (_, Some(0)) => self.pos += 1,
            (b'=', Some(b'=')) | (b'!', Some(b'=')) => {
                token = if first == b'=' {
                    Token::DoubleEquals
                } else {
                    Token::NotEquals
                };
                self.pos += 1;
                if self.peek() == Some(0) {
                    self.pos += 1;
                    return (token, &self.s[start..start + 2]);
                }
            }
            _ => {}
        }
        let len = if matches!(token, Token::DoubleEquals | Token::NotEquals) {
            2
        } else {
            1
        };
        (token, &self.s[start..start + len])
    }
}

fn lex_all(text: &str) -> Vec<(Token, &str)> {
    let mut lexer = Lexer::new(text);
    let mut items = Vec::new();
    loop {
        let item = lexer.lex();
        items.push(item);
        if item.0 == Token::EndOfString {
            return items;
        }
    }
}

// ---- parser ---------------------------------------------------------------------------------

/// In the values context the keywords `in` and `notin` are plain identifiers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

struct Parser<'a> {
    items: Vec<(Token, &'a str)>,
    position: usize,
}

impl<'a> Parser<'a> {
    fn lookahead(&self, context: Context) -> (Token, &'a str) {
        let (token, literal) = self.items[self.position.min(self.items.len() - 1)];
        match token {
            Token::In | Token::NotIn if context == Context::Values => (Token::Identifier, literal),
            _ => (token, literal),
        }
    }

    fn consume(&mut self, context: Context) -> (Token, &'a str) {
        let item = self.lookahead(context);
        self.position += 1;
        item
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, SelectorError> {
        let mut requirements = Vec::new();
        loop {
            let (token, literal) = self.lookahead(Context::Values);
            match token {
                Token::Identifier | Token::DoesNotExist => {
                    let requirement = self.requirement().map_err(SelectorError::Requirement)?;
                    requirements.push(requirement);
                    let (token, literal) = self.consume(Context::Values);
                    match token {
                        Token::EndOfString => return Ok(requirements),
                        Token::Comma => {
                            let (next, literal) = self.lookahead(Context::Values);
                            if next != Token::Identifier && next != Token::DoesNotExist {
                                return Err(SelectorError::Syntax(format!(
                                    "found '{literal}', expected: identifier after ','"
                                )));
                            }
                        }
                        _ => {
                            return Err(SelectorError::Syntax(format!(
                                "found '{literal}', expected: ',' or 'end of string'"
                            )));
                        }
                    }
                }
                Token::EndOfString => return Ok(requirements),
                _ => {
                    return Err(SelectorError::Syntax(format!(
                        "found '{literal}', expected: !, identifier, or 'end of string'"
                    )));
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let (key, inferred) = self.key_and_inferred_operator()?;
        let (operator, values) = match inferred {
            Some(operator) => (operator, Vec::new()),
            None => {
                let operator = self.operator()?;
                let values = match operator {
                    Operator::In | Operator::NotIn => self.values()?,
                    _ => self.exact_value()?,
                };
                (operator, values.into_iter().collect())
            }
        };
        let requirement = Requirement {
            key: key.to_owned(),
            operator,
            values,
        };
        match requirement.validate() {
            Some(message) => Err(message),
            None => Ok(requirement),
        }
    }

    /// `!KEY` is DoesNotExist; `KEY` followed by `,` or the end is Exists; otherwise an
    /// operator follows.
    fn key_and_inferred_operator(&mut self) -> Result<(&'a str, Option<Operator>), String> {
        let (mut token, mut literal) = self.consume(Context::Values);
        let mut operator = None;
        if token == Token::DoesNotExist {
            operator = Some(Operator::DoesNotExist);
            (token, literal) = self.consume(Context::Values);
        }
        if token != Token::Identifier {
            return Err(format!("found '{literal}', expected: identifier"));
        }
        if let Some(message) = label_key_error(literal, "<nil>") {
            return Err(message);
        }
        let (next, _) = self.lookahead(Context::Values);
        if operator.is_none() && matches!(next, Token::EndOfString | Token::Comma) {
            operator = Some(Operator::Exists);
        }
        Ok((literal, operator))
    }

    fn operator(&mut self) -> Result<Operator, String> {
        let (token, literal) = self.consume(Context::KeyAndOperator);
        Ok(match token {
            Token::In => Operator::In,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            Token::NotIn => Operator::NotIn,
            Token::NotEquals => Operator::NotEquals,
            _ => {
                return Err(format!(
                    "found '{literal}', expected: in, notin, =, ==, !=, gt, lt"
                ));
            }
        })
    }

    /// `( v1, v2, ... )`; empty entries are the empty string, `()` is `{""}`.
    fn values(&mut self) -> Result<BTreeSet<String>, String> {
        let (token, literal) = self.consume(Context::Values);
        if token != Token::OpenPar {
            return Err(format!("found '{literal}' expected: '('"));
        }
        let (token, literal) = self.lookahead(Context::Values);
        match token {
            Token::Identifier | Token::Comma => {
                let set = self.identifiers()?;
                let (token, _) = self.consume(Context::Values);
                if token != Token::ClosedPar {
                    return Err(format!("found '{literal}', expected: ')'"));
                }
                Ok(set)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok(BTreeSet::from([String::new()]))
            }
            _ => Err(format!(
                "found '{literal}', expected: ',', ')' or identifier"
            )),
        }
    }

    fn identifiers(&mut self) -> Result<BTreeSet<String>, String> {
        let mut set = BTreeSet::new();
        loop {
            let (token, literal) = self.consume(Context::Values);
            match token {
                Token::Identifier => {
                    set.insert(literal.to_owned());
                    let (next, literal) = self.lookahead(Context::Values);
                    match next {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(set),
                        _ => return Err(format!("found '{literal}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    if set.is_empty() {
                        set.insert(String::new());
                    }
                    match self.lookahead(Context::Values).0 {
                        Token::ClosedPar => {
                            set.insert(String::new());
                            return Ok(set);
                        }
                        Token::Comma => {
                            set.insert(String::new());
                        }
                        _ => {}
                    }
                }
                _ => return Err(format!("found '{literal}', expected: ',', or identifier")),
            }
        }
    }

    fn exact_value(&mut self) -> Result<BTreeSet<String>, String> {
        let (token, _) = self.lookahead(Context::Values);
        if matches!(token, Token::EndOfString | Token::Comma) {
            return Ok(BTreeSet::from([String::new()]));
        }
        let (token, literal) = self.consume(Context::Values);
        if token == Token::Identifier {
            Ok(BTreeSet::from([literal.to_owned()]))
        } else {
            Err(format!("found '{literal}', expected: identifier"))
        }
    }
}
