//! `x-kubernetes-validations`: the CEL rules of a CRD schema, compiled once when the schema is
//! parsed ([`CelRules`], kept in each [`Structural`] node) and evaluated on every create and
//! update of a custom resource, as upstream's `apiextensions-apiserver/pkg/apiserver/schema/cel`
//! (`compilation.go`, `validation.go`), with the `cel` crate as the interpreter.
//!
//! Each rule is evaluated at its schema node for every non-null value there, with `self` bound
//! to the value (typed by the schema, see `cel_value.rs`) and, for a transition rule (one that
//! names `oldSelf`), `oldSelf` bound to the old value correlated to it: by field name in objects
//! and maps, by key in `x-kubernetes-list-type: map` lists, and nowhere else. A transition rule
//! without an old value (a create, or an uncorrelated node) is not evaluated. A rule that
//! evaluates to `false` is reported as upstream: `<path>: Invalid value: "<type>": <message>`
//! at the node (joined with the rule's `fieldPath`), where the message is the evaluated
//! `messageExpression`, else `message`, else `failed rule: <rule>`; `reason` picks a
//! `Forbidden`, `Required` or `Duplicate` error instead. On update, errors of rules that are not
//! transition rules are dropped where the value equals its old value (upstream's ratcheting,
//! which turns them into warnings). Upstream compares `set` and `map` lists regardless of
//! order, the crate by order: a rule that fails is evaluated again with their items in a
//! canonical order and taken to hold if it holds then. Runtime errors upstream reports plainly (`no such key`,
//! division or modulus by zero, integer overflow) are reported as upstream:
//! `<error> evaluating rule: <rule>`.
//!
//! Where the crate cannot stand in for upstream, a rule is accepted and not enforced, so that a
//! CRD valid upstream stays valid here and no object is refused that upstream would accept:
//!
//! - a rule or `messageExpression` calling anything outside the standard library and the
//!   strings extension (Kubernetes' libraries `quantity()`, `url()`, `ip()`, `cidr()`,
//!   `isSorted()`, regex `find`, `format`, timestamps and durations, optionals, `cel.bind`,
//!   ...) is not evaluated (a `messageExpression` falls back to the `message`);
//! - a rule with `optionalOldSelf: true` is not evaluated;
//! - a rule whose comprehensions nest so deeply over so large a value that its worst case
//!   exceeds upstream's per-call cost limit is not evaluated (upstream estimates costs when the
//!   CRD is written and meters them at run time; the crate has no cost model);
//! - runtime errors other than those above (mostly type mismatches that upstream's type checker
//!   would have refused with the CRD) are ignored.
//!
//! Only rules the crate cannot parse (syntax errors, which upstream rejects too) are refused
//! when a CRD is written: `...x-kubernetes-validations[i].rule: Invalid value: compilation
//! failed: ERROR: <input>:1:8: Syntax error: ...` ([`rule_compile_errors`]). Type errors
//! (unknown fields, wrong operand types) are not found, as the crate has no type checker.

use std::sync::{Arc, LazyLock};

use cel::{Context, Env, IdedExpr};
use serde_json::Value;

use super::cel_value::{
    comprehension_depth, expr_depth, has_unordered_lists, node_count, only_enforced_functions,
    to_cel,
};
use super::structural::Structural;
use crate::endpoints::status::{FieldError, FieldPath};

/// Upstream's per-call cost limit, which bounds the worst case of nested comprehensions here.
const PER_CALL_LIMIT: u64 = 1_000_000;
/// Upstream's longest `messageExpression` result (`MaxEvaluatedMessageExpressionSizeBytes`).
const MAX_MESSAGE_BYTES: usize = 5 * 1024;
/// Rules longer than this are not compiled (their cost could never fit upstream's limits).
const MAX_RULE_BYTES: usize = 64 * 1024;
/// cel-go's parser recursion limit: deeper expressions are syntax errors, as upstream.
const PARSER_RECURSION_LIMIT: u16 = 250;
/// The stack the parser runs on: its recursion takes far more than a request thread has.
const PARSER_STACK_BYTES: usize = 256 << 20;
/// Expressions nested deeper than this are accepted and not enforced, so that evaluation
/// stays well within a request thread's stack.
const MAX_EVALUATED_DEPTH: u32 = 24;

/// The standard environment plus the strings extension, built once.
static ENV: LazyLock<Arc<Env>> = LazyLock::new(|| {
    let mut env = Env::stdlib();
    // Registering a fresh extension on a fresh environment cannot conflict.
    let _ = env.add_extension(cel::extensions::strings);
    Arc::new(env)
});

/// What compiling a rule gave.
#[derive(Debug)]
enum Compiled {
    /// No rule text (the CRD checks report it).
    Empty,
    /// Not parseable: the `compilation failed: ...` detail.
    SyntaxError(String),
    /// Parsed, but not evaluated (see the module documentation).
    NotEnforced,
    Enforced {
        expr: IdedExpr,
        depth: u32,
    },
}

/// One compiled `x-kubernetes-validations` rule.
#[derive(Debug)]
pub struct CelRule {
    /// `rule`, as given.
    pub rule: String,
    message: String,
    message_expression: Option<IdedExpr>,
    message_expression_error: Option<String>,
    reason: Option<String>,
    field_path: Option<String>,
    uses_old_self: bool,
    compiled: Compiled,
}

/// The compiled rules of one schema node (shared, cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct CelRules(Arc<Vec<CelRule>>);

impl PartialEq for CelRules {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(other.0.iter())
                .all(|(a, b)| a.rule == b.rule)
    }
}

impl CelRules {
    /// Compiles the `x-kubernetes-validations` entries of a node; never fails (what does not
    /// compile is kept with its error).
    pub fn compile(rules: &[Value]) -> CelRules {
        if rules.is_empty() {
            return CelRules::default();
        }
        // The parser recurses deeply: compile on a thread with a stack of its own.
        let owned = rules.to_vec();
        let compiled = std::thread::Builder::new()
            .name("cel-compile".into())
            .stack_size(PARSER_STACK_BYTES)
            .spawn(move || owned.iter().map(compile_rule).collect::<Vec<_>>())
            .ok()
            .and_then(|handle| handle.join().ok());
        // Without a thread, every rule is kept and none enforced.
        let compiled = compiled.unwrap_or_else(|| rules.iter().map(not_enforced).collect());
        CelRules(Arc::new(compiled))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &CelRule> {
        self.0.iter()
    }
}

fn text(rule: &Value, key: &str) -> String {
    rule.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Parses `source`, catching any panic of the parser.
fn parse(source: &str) -> Result<IdedExpr, String> {
    if source.len() > MAX_RULE_BYTES {
        return Err(String::new());
    }
    let parsed = std::panic::catch_unwind(|| {
        ENV.parser()
            .enable_ident_escape_syntax(true)
            .max_recursion_depth(PARSER_RECURSION_LIMIT)
            .parse(source)
    });
    match parsed {
        Ok(Ok(expr)) if expr_depth(&expr) > MAX_EVALUATED_DEPTH => Err(String::new()),
        Ok(Ok(expr)) => Ok(expr),
        // cel-go prints the snippet lines as ` | ...`.
        Ok(Err(e)) => Err(e.to_string().replace("\n| ", "\n | ")),
        Err(_) => Err(String::new()),
    }
}

fn not_enforced(rule: &Value) -> CelRule {
    CelRule {
        rule: text(rule, "rule"),
        message: text(rule, "message"),
        message_expression: None,
        message_expression_error: None,
        reason: None,
        field_path: None,
        uses_old_self: false,
        compiled: Compiled::NotEnforced,
    }
}

fn compile_rule(rule: &Value) -> CelRule {
    let source = text(rule, "rule");
    let optional_old_self = rule.get("optionalOldSelf").and_then(Value::as_bool) == Some(true);
    let (compiled, uses_old_self) = if source.trim().is_empty() {
        (Compiled::Empty, false)
    } else {
        match parse(&source) {
            // An over-long rule, or a parser panic: accepted and not enforced.
            Err(e) if e.is_empty() => (Compiled::NotEnforced, false),
            Err(e) => (Compiled::SyntaxError(e), false),
            Ok(expr) => {
                let uses_old_self = expr.references().has_variable("oldSelf");
                let compiled = if optional_old_self || !only_enforced_functions(&expr) {
                    Compiled::NotEnforced
                } else {
                    let depth = comprehension_depth(&expr);
                    Compiled::Enforced { expr, depth }
                };
                (compiled, uses_old_self)
            }
        }
    };
    let message_source = text(rule, "messageExpression");
    let (mut message_expression, mut message_expression_error) = (None, None);
    if !message_source.trim().is_empty() {
        match parse(&message_source) {
            Ok(expr) if only_enforced_functions(&expr) => message_expression = Some(expr),
            Ok(_) => {}
            Err(e) if e.is_empty() => {}
            Err(e) => message_expression_error = Some(e),
        }
    }
    let reason = rule
        .get("reason")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let field_path = rule
        .get("fieldPath")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    CelRule {
        rule: source,
        message: text(rule, "message"),
        message_expression,
        message_expression_error,
        reason,
        field_path,
        uses_old_self,
        compiled,
    }
}

/// The CRD-side errors of the rules in `s` and below (at `path`, the schema's path): rules
/// and message expressions that do not parse, reported as upstream reports compilation
/// failures (its value is an internal Go struct, not printed here).
pub fn rule_compile_errors(s: &Structural, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    compile_errors_at(s, path, &mut errs);
    errs
}

fn compile_errors_at(s: &Structural, path: &FieldPath, errs: &mut Vec<FieldError>) {
    for (i, rule) in s.cel_rules.iter().enumerate() {
        let at = path.child("x-kubernetes-validations").index(i);
        let no_value = |field: &str, detail: String| FieldError {
            value: None,
            ..FieldError::invalid(at.child(field), "", detail)
        };
        if let Compiled::SyntaxError(e) = &rule.compiled {
            errs.push(no_value("rule", format!("compilation failed: {e}")));
        }
        if let Some(e) = &rule.message_expression_error {
            errs.push(no_value(
                "messageExpression",
                format!("messageExpression compilation failed: {e}"),
            ));
        }
    }
    for (name, prop) in &s.properties {
        compile_errors_at(prop, &path.child("properties").key(name.as_str()), errs);
    }
    if let Some(items) = &s.items {
        compile_errors_at(items, &path.child("items"), errs);
    }
    if let Some(ap) = s.additional_schema() {
        compile_errors_at(ap, &path.child("additionalProperties"), errs);
    }
}

/// A field path as upstream prints it, `None` being Go's nil path (`<nil>`).
#[derive(Clone)]
struct Path(Option<String>);

impl Path {
    fn child(&self, name: &str) -> Path {
        Path(Some(match &self.0 {
            None => name.to_owned(),
            Some(p) => format!("{p}.{name}"),
        }))
    }

    fn subscript(&self, s: impl std::fmt::Display) -> Path {
        Path(Some(format!("{}[{s}]", self.0.as_deref().unwrap_or(""))))
    }

    fn text(&self) -> &str {
        self.0.as_deref().unwrap_or("<nil>")
    }
}

/// Evaluates every rule of `schema` against `new` (a custom resource, or any value at the
/// schema's root); `old` is the object before an update (`None` on create).
pub fn validate_cel(schema: &Structural, new: &Value, old: Option<&Value>) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if !has_rules(schema, 0) {
        return errs;
    }
    let node = Node {
        schema,
        value: new,
        old,
        anchor: None,
        is_update: old.is_some(),
        root: true,
    };
    walk(&node, &Path(None), &mut errs);
    errs
}

/// Whether `s` or a node under it (on the structural spine) has rules.
fn has_rules(s: &Structural, depth: usize) -> bool {
    !s.cel_rules.is_empty()
        || (depth < super::structural::MAX_DEPTH
            && (s.properties.values().any(|p| has_rules(p, depth + 1))
                || s.items.as_deref().is_some_and(|i| has_rules(i, depth + 1))
                || s.additional_schema()
                    .is_some_and(|a| has_rules(a, depth + 1))))
}

/// One value being validated, with what correlates it to the old object.
struct Node<'a> {
    schema: &'a Structural,
    value: &'a Value,
    /// The correlated old value (`oldSelf`).
    old: Option<&'a Value>,
    /// The nearest correlated ancestor (new and old) of an uncorrelated node, for ratcheting.
    anchor: Option<(&'a Value, &'a Value)>,
    is_update: bool,
    /// A resource root (the custom resource or an embedded resource).
    root: bool,
}

impl<'a> Node<'a> {
    /// Whether errors here are ratcheted: the node (or its nearest correlated ancestor)
    /// equals its old value.
    fn unchanged(&self) -> bool {
        match (self.old, self.anchor) {
            (Some(old), _) => old == self.value,
            (None, Some((new, old))) => new == old,
            (None, None) => false,
        }
    }

    fn child(&self, schema: &'a Structural, value: &'a Value, old: Option<&'a Value>) -> Node<'a> {
        let anchor = match (self.old, old) {
            (_, Some(_)) => None,
            (Some(parent_old), None) => Some((self.value, parent_old)),
            (None, None) => self.anchor,
        };
        Node {
            schema,
            value,
            old,
            anchor,
            is_update: self.is_update,
            root: schema.x_embedded_resource,
        }
    }
}

fn walk(node: &Node<'_>, path: &Path, errs: &mut Vec<FieldError>) {
    if node.value.is_null() {
        return;
    }
    if !node.schema.cel_rules.is_empty() {
        evaluate_rules(node, path, errs);
    }
    match node.value {
        Value::Object(fields) => {
            let old_fields = node.old.and_then(Value::as_object);
            for (name, v) in fields {
                let old = old_fields.and_then(|o| o.get(name));
                if let Some(prop) = node.schema.properties.get(name) {
                    walk(&node.child(prop, v, old), &path.child(name), errs);
                } else if let Some(ap) = node.schema.additional_schema() {
                    walk(&node.child(ap, v, old), &path.subscript(name), errs);
                }
            }
        }
        Value::Array(items) => {
            let Some(item_schema) = node.schema.items.as_deref() else {
                return;
            };
            let old_items = node.old.and_then(Value::as_array);
            let keys = &node.schema.x_list_map_keys;
            let map_list = node.schema.x_list_type.as_deref() == Some("map") && !keys.is_empty();
            for (i, v) in items.iter().enumerate() {
                let old = match (map_list, old_items) {
                    (true, Some(olds)) => olds.iter().find(|o| same_keys(o, v, keys)),
                    _ => None,
                };
                walk(&node.child(item_schema, v, old), &path.subscript(i), errs);
            }
        }
        _ => {}
    }
}

/// Whether two items of a list map have the same key values.
fn same_keys(a: &Value, b: &Value, keys: &[String]) -> bool {
    a.is_object() && keys.iter().all(|k| a.get(k) == b.get(k))
}

/// What one evaluation gave.
enum Outcome {
    Passed,
    Failed,
    /// A runtime error upstream reports, as its text.
    Error(String),
    /// Anything else: not enforced.
    Skipped,
}

fn evaluate(
    expr: &IdedExpr,
    node: &Node<'_>,
    unordered: bool,
) -> Result<cel::Value, Option<String>> {
    let run = || {
        let (schema, root) = (Some(node.schema), node.root);
        let mut ctx = Context::with_env(Arc::clone(&ENV));
        ctx.add_variable_from_value("self", to_cel(node.value, schema, root, unordered));
        if let Some(old) = node.old {
            ctx.add_variable_from_value("oldSelf", to_cel(old, schema, root, unordered));
        }
        cel::Value::resolve(expr, &ctx)
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(runtime_error(&e)),
        Err(_) => Err(None),
    }
}

/// The text of a runtime error upstream reports as it is (cel-go's wording).
fn runtime_error(e: &cel::ExecutionError) -> Option<String> {
    use cel::ExecutionError as E;
    match e {
        E::NoSuchKey(k) => Some(format!("no such key: {k}")),
        E::DivisionByZero(_) => Some("division by zero".into()),
        E::RemainderByZero(_) => Some("modulus by zero".into()),
        E::Overflow(..) => Some("integer overflow".into()),
        _ => None,
    }
}

fn run_rule(rule: &CelRule, node: &Node<'_>) -> Outcome {
    let Compiled::Enforced { expr, depth } = &rule.compiled else {
        return Outcome::Skipped;
    };
    if rule.uses_old_self && node.old.is_none() {
        return Outcome::Skipped;
    }
    if *depth >= 2 {
        let size = node_count(node.value) + node.old.map_or(0, node_count);
        let worst = (0..*depth).try_fold(1u64, |acc, _| acc.checked_mul(size));
        if worst.is_none_or(|w| w > PER_CALL_LIMIT) {
            return Outcome::Skipped;
        }
    }
    match evaluate(expr, node, false) {
        Ok(cel::Value::Bool(true)) => Outcome::Passed,
        // Upstream compares `set` and `map` lists regardless of order: a rule that holds
        // with their items in a canonical order is taken to hold.
        Ok(cel::Value::Bool(false))
            if has_unordered_lists(node.schema)
                && matches!(evaluate(expr, node, true), Ok(cel::Value::Bool(true))) =>
        {
            Outcome::Passed
        }
        Ok(cel::Value::Bool(false)) => Outcome::Failed,
        Ok(_) | Err(None) => Outcome::Skipped,
        Err(Some(e)) => Outcome::Error(e),
    }
}

fn evaluate_rules(node: &Node<'_>, path: &Path, errs: &mut Vec<FieldError>) {
    let type_ = node.schema.type_.as_str();
    for rule in node.schema.cel_rules.iter() {
        match run_rule(rule, node) {
            Outcome::Passed | Outcome::Skipped => {}
            Outcome::Error(e) => errs.push(FieldError::invalid(
                path.text(),
                type_,
                format!("{e} evaluating rule: {}", rule_error_string(rule)),
            )),
            Outcome::Failed => {
                if node.is_update && !rule.uses_old_self && node.unchanged() {
                    continue;
                }
                let at = match rule
                    .field_path
                    .as_deref()
                    .and_then(|p| normalize_field_path(p, node.schema))
                {
                    Some(p) => path.child(&p),
                    None => path.clone(),
                };
                let detail = rule
                    .message_expression
                    .as_ref()
                    .and_then(|e| message(e, node))
                    .unwrap_or_else(|| message_or_default(rule));
                let at = at.text();
                errs.push(match rule.reason.as_deref() {
                    Some("FieldValueForbidden") => FieldError::forbidden(at, detail),
                    Some("FieldValueRequired") => FieldError::required(at, detail),
                    Some("FieldValueDuplicate") => FieldError::duplicate(at, type_),
                    _ => FieldError::invalid(at, type_, detail),
                });
            }
        }
    }
}

/// The evaluated `messageExpression`, or `None` where upstream falls back to the message.
fn message(expr: &IdedExpr, node: &Node<'_>) -> Option<String> {
    let cel::Value::String(s) = evaluate(expr, node, false).ok()? else {
        return None;
    };
    let trimmed = s.trim();
    let usable =
        !trimmed.is_empty() && trimmed.len() <= MAX_MESSAGE_BYTES && !trimmed.contains('\n');
    usable.then(|| trimmed.to_owned())
}

fn message_or_default(rule: &CelRule) -> String {
    match rule.message.is_empty() {
        true => format!("failed rule: {}", rule_error_string(rule)),
        false => rule.message.trim().to_owned(),
    }
}

/// `ruleErrorString`: the message if any, else the rule.
fn rule_error_string(rule: &CelRule) -> String {
    match rule.message.is_empty() {
        true => rule.rule.trim().to_owned(),
        false => rule.message.trim().to_owned(),
    }
}

/// A rule's `fieldPath` (`.spec.replicas`, `.labels['a.b']`) as the field path upstream
/// appends to the node's: named properties are children, map keys subscripts. `None` for a
/// path that does not name a field of `schema` (upstream refuses such a CRD).
fn normalize_field_path(json_path: &str, schema: &Structural) -> Option<String> {
    let mut out = Path(None);
    let mut schema = schema;
    let mut rest = json_path;
    while !rest.is_empty() {
        let name: String;
        if let Some(after) = rest.strip_prefix("['") {
            let end = find_quote_end(after)?;
            name = unescape_single_quoted(&after[..end])?;
            rest = after[end + 1..].strip_prefix(']')?;
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            name = after[..end].to_owned();
            rest = &after[end..];
        } else {
            return None;
        }
        if !schema.properties.is_empty() {
            schema = schema.properties.get(&name)?;
            out = out.child(&name);
        } else if let Some(ap) = schema.additional_schema() {
            schema = ap;
            out = out.subscript(&name);
        } else {
            return None;
        }
    }
    out.0
}

fn find_quote_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'\'' && (i == 0 || bytes[i - 1] != b'\\'))
}

fn unescape_single_quoted(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            '\'' => '\'',
            '\\' => '\\',
            _ => return None,
        });
    }
    Some(out)
}
