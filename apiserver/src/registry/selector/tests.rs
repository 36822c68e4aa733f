//! Cases ported from upstream's `labels/selector_test.go`, `fields/selector_test.go` and
//! `meta/v1/helpers_test.go`, plus exact error texts and a deterministic fuzz run.

use std::collections::BTreeMap;

use serde_json::json;

use super::field::{split_term, split_terms};
use super::label::{Lexer, Token};
use super::*;

fn set(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn req(key: &str, op: Operator, values: &[&str]) -> Requirement {
    let mut values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    values.sort();
    Requirement::new(key, op, values).unwrap()
}

fn label_err(text: &str) -> String {
    LabelSelector::parse(text).unwrap_err().to_string()
}

#[test]
fn label_parse_good_and_bad_strings() {
    for good in [
        "x=a,y=b,z=c",
        "",
        "x!=a,y=b",
        "x=",
        "x= ",
        "x=,z= ",
        "x= ,z= ",
        "!x",
        "x>1",
        "x>1,z<5",
    ] {
        let parsed = LabelSelector::parse(good).unwrap_or_else(|e| panic!("{good}: {e}"));
        assert_eq!(parsed.to_string(), good.replace(' ', ""), "{good}");
    }
    for bad in ["x=a||y=b", "x==a==b", "!x=a", "x<a"] {
        assert!(LabelSelector::parse(bad).is_err(), "{bad}");
    }
    let a = LabelSelector::parse("x=a,a=x").unwrap();
    assert_eq!(
        a.to_string(),
        LabelSelector::parse("a=x,x=a").unwrap().to_string()
    );
}

#[test]
fn label_selector_matches() {
    let yes = |s: &str, l: &[(&str, &str)]| {
        assert!(LabelSelector::parse(s).unwrap().matches(&set(l)), "{s}")
    };
    let no = |s: &str, l: &[(&str, &str)]| {
        assert!(!LabelSelector::parse(s).unwrap().matches(&set(l)), "{s}")
    };
    yes("", &[("x", "y")]);
    yes("x=y", &[("x", "y")]);
    yes("x=y,z=w", &[("x", "y"), ("z", "w")]);
    yes("x!=y,z!=w", &[("x", "z"), ("z", "a")]);
    yes("notin=in", &[("notin", "in")]);
    yes("x", &[("x", "z")]);
    yes("!x", &[("y", "z")]);
    yes("x>1", &[("x", "2")]);
    yes("x<1", &[("x", "0")]);
    no("x=z", &[]);
    no("x=y", &[("x", "z")]);
    no("x=y,z=w", &[("x", "w"), ("z", "w")]);
    no("x!=y,z!=w", &[("x", "z"), ("z", "w")]);
    no("x", &[("y", "z")]);
    no("!x", &[("x", "z")]);
    no("x>1", &[("x", "0")]);
    no("x<1", &[("x", "2")]);
    let labels = [("foo", "bar"), ("baz", "blah")];
    yes("foo=bar", &labels);
    yes("baz=blah", &labels);
    yes("foo=bar,baz=blah", &labels);
    no("foo=blah", &labels);
    no("baz=bar", &labels);
    no("foo=bar,foobar=bar,baz=blah", &labels);
    assert!(LabelSelector::everything().is_empty());
    assert!(LabelSelector::parse("").unwrap().is_empty());
}

#[test]
fn lexer_tokens_and_sequences() {
    use Token::*;
    for (text, token) in [
        ("", EndOfString),
        (",", Comma),
        ("notin", NotIn),
        ("in", In),
        ("=", Equals),
        ("==", DoubleEquals),
        (">", GreaterThan),
        ("<", LessThan),
        ("!", DoesNotExist),
        ("!=", NotEquals),
        ("(", OpenPar),
        (")", ClosedPar),
        ("~", Identifier),
        ("||", Identifier),
    ] {
        assert_eq!(Lexer::new(text).lex(), (token, text), "{text}");
    }
    let cases: &[(&str, &[Token])] = &[
        (
            "key in ( value )",
            &[Identifier, In, OpenPar, Identifier, ClosedPar],
        ),
        (
            "key notin ( value )",
            &[Identifier, NotIn, OpenPar, Identifier, ClosedPar],
        ),
        (
            "key in ( value1, value2 )",
            &[
                Identifier, In, OpenPar, Identifier, Comma, Identifier, ClosedPar,
            ],
        ),
        ("key", &[Identifier]),
        ("!key", &[DoesNotExist, Identifier]),
        ("()", &[OpenPar, ClosedPar]),
        (
            "x in (),y",
            &[Identifier, In, OpenPar, ClosedPar, Comma, Identifier],
        ),
        (
            "== != (), = notin",
            &[
                DoubleEquals,
                NotEquals,
                OpenPar,
                ClosedPar,
                Comma,
                Equals,
                NotIn,
            ],
        ),
        ("key>2", &[Identifier, GreaterThan, Identifier]),
        ("key<1", &[Identifier, LessThan, Identifier]),
    ];
    for (text, want) in cases {
        let mut lexer = Lexer::new(text);
        let mut got = Vec::new();
        loop {
            match lexer.lex().0 {
                EndOfString => break,
                token => got.push(token),
            }
        }
        assert_eq!(&got, want, "{text}");
    }
}

#[test]
fn requirement_constructor() {
    use Operator::*;
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for (key, op, values, ok) in [
        ("x", In, &[][..], false),
        ("x", NotIn, &[], false),
        ("x", In, &["foo"], true),
        ("x", NotIn, &["foo"], true),
        ("x", Exists, &[], true),
        ("x", DoesNotExist, &[], true),
        ("1foo", In, &["bar"], true),
        ("1234", In, &["bar"], true),
        ("y", GreaterThan, &["1"], true),
        ("z", LessThan, &["6"], true),
        ("foo", GreaterThan, &["bar"], false),
        ("barz", LessThan, &["blah"], false),
        (&"a".repeat(254), Exists, &[], false),
    ] {
        assert_eq!(
            Requirement::new(key, op, strings(values)).is_ok(),
            ok,
            "{key} {op:?}"
        );
    }
}

#[test]
fn requirements_to_string() {
    use Operator::*;
    let cases = [
        (
            vec![
                req("x", In, &["abc", "def"]),
                req("y", NotIn, &["jkl"]),
                req("z", Exists, &[]),
            ],
            "x in (abc,def),y notin (jkl),z",
        ),
        (
            vec![
                req("x", NotIn, &["abc", "def"]),
                req("y", NotEquals, &["jkl"]),
                req("z", DoesNotExist, &[]),
            ],
            "x notin (abc,def),y!=jkl,!z",
        ),
        (
            vec![
                req("x", NotIn, &["abc"]),
                req("y", In, &["jkl", "mno"]),
                req("z", NotIn, &[""]),
            ],
            "x notin (abc),y in (jkl,mno),z notin ()",
        ),
        (
            vec![
                req("x", Equals, &["abc"]),
                req("y", DoubleEquals, &["jkl"]),
                req("z", NotEquals, &["a"]),
                req("z", Exists, &[]),
            ],
            "x=abc,y==jkl,z!=a,z",
        ),
        (
            vec![
                req("x", GreaterThan, &["2"]),
                req("y", LessThan, &["8"]),
                req("z", Exists, &[]),
            ],
            "x>2,y<8,z",
        ),
    ];
    for (requirements, want) in cases {
        assert_eq!(
            LabelSelector::from_requirements(requirements).to_string(),
            want
        );
    }
    // Values print sorted without reordering the stored ones.
    let unsorted = Requirement::new("x", In, vec!["b".into(), "a".into()]).unwrap();
    assert_eq!(unsorted.to_string(), "x in (a,b)");
    assert_eq!(unsorted.values(), ["b", "a"]);
}

#[test]
fn requirement_selector_matching() {
    use Operator::*;
    let cases = [
        (
            set(&[("x", "foo"), ("y", "baz")]),
            vec![req("x", In, &["foo"]), req("y", NotIn, &["alpha"])],
            true,
        ),
        (
            set(&[("x", "foo"), ("y", "baz")]),
            vec![req("x", In, &["foo"]), req("y", In, &["alpha"])],
            false,
        ),
        (
            set(&[("y", "")]),
            vec![req("x", NotIn, &[""]), req("y", Exists, &[])],
            true,
        ),
        (
            set(&[("y", "")]),
            vec![req("x", DoesNotExist, &[]), req("y", Exists, &[])],
            true,
        ),
        (
            set(&[("y", "")]),
            vec![req("x", NotIn, &[""]), req("y", DoesNotExist, &[])],
            false,
        ),
        (set(&[("y", "baz")]), vec![req("x", In, &[""])], false),
        (
            set(&[("z", "2")]),
            vec![req("z", GreaterThan, &["1"])],
            true,
        ),
        (
            set(&[("z", "v2")]),
            vec![req("z", GreaterThan, &["1"])],
            false,
        ),
    ];
    for (labels, requirements, want) in cases {
        let selector = LabelSelector::from_requirements(requirements);
        assert_eq!(selector.matches(&labels), want, "{selector}");
    }
}

#[test]
fn set_selector_parser() {
    use Operator::*;
    let valid: Vec<(&str, Vec<Requirement>)> = vec![
        ("", vec![]),
        ("\rx", vec![req("x", Exists, &[])]),
        (
            "this-is-a-dns.domain.com/key-with-dash",
            vec![req("this-is-a-dns.domain.com/key-with-dash", Exists, &[])],
        ),
        (
            "this-is-another-dns.domain.com/key-with-dash in (so,what)",
            vec![req(
                "this-is-another-dns.domain.com/key-with-dash",
                In,
                &["so", "what"],
            )],
        ),
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            vec![req(
                "0.1.2.domain/99",
                NotIn,
                &["10.10.100.1", "tick.tack.clock"],
            )],
        ),
        ("foo  in\t (abc)", vec![req("foo", In, &["abc"])]),
        ("x notin\n (abc)", vec![req("x", NotIn, &["abc"])]),
        (
            "x  notin\t\t\t(abc,def)",
            vec![req("x", NotIn, &["abc", "def"])],
        ),
        ("x in (abc,def)", vec![req("x", In, &["abc", "def"])]),
        ("x in (abc,)", vec![req("x", In, &["abc", ""])]),
        ("x in ()", vec![req("x", In, &[""])]),
        (
            "x notin (abc,,def),bar,z in (),w",
            vec![
                req("bar", Exists, &[]),
                req("w", Exists, &[]),
                req("x", NotIn, &["abc", "", "def"]),
                req("z", In, &[""]),
            ],
        ),
        (
            "x,y in (a)",
            vec![req("x", Exists, &[]), req("y", In, &["a"])],
        ),
        ("x=a", vec![req("x", Equals, &["a"])]),
        ("x>1", vec![req("x", GreaterThan, &["1"])]),
        ("x<7", vec![req("x", LessThan, &["7"])]),
        (
            "x=a,y!=b",
            vec![req("x", Equals, &["a"]), req("y", NotEquals, &["b"])],
        ),
        (
            "x=a,y!=b,z in (h,i,j)",
            vec![
                req("x", Equals, &["a"]),
                req("y", NotEquals, &["b"]),
                req("z", In, &["h", "i", "j"]),
            ],
        ),
        ("x notin ( )", vec![req("x", NotIn, &[""])]),
        ("x notin (, a)", vec![req("x", NotIn, &["", "a"])]),
        ("a ", vec![req("a", Exists, &[])]),
        (
            "a in (x,y,notin, z,in)",
            vec![req("a", In, &["in", "notin", "x", "y", "z"])],
        ),
        ("in in (in)", vec![req("in", In, &["in"])]),
    ];
    for (text, want) in valid {
        let parsed = LabelSelector::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(parsed.requirements(), want.as_slice(), "{text:?}");
    }
    for bad in [
        "x=a||y=b",
        "x,,y",
        ",x,y",
        "x nott in (y)",
        "a in (xyz),",
        "a in (xyz)b notin ()",
        "a in (xyz abc)",
        "a notin(",
        "a (",
        "(",
    ] {
        assert!(LabelSelector::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn label_error_messages_are_upstreams() {
    let name_regex = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    let cases = [
        (
            "x (",
            "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt",
        ),
        (
            "env IN (a)",
            "unable to parse requirement: found 'IN', expected: in, notin, =, ==, !=, gt, lt",
        ),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("a,", "found '', expected: identifier after ','"),
        (
            ",a",
            "found ',', expected: !, identifier, or 'end of string'",
        ),
        (
            "!",
            "unable to parse requirement: found '', expected: identifier",
        ),
        (
            "x in a",
            "unable to parse requirement: found 'a' expected: '('",
        ),
        (
            "x in (a b)",
            "unable to parse requirement: found 'b', expected: ',' or ')'",
        ),
        (
            "x in (a,=",
            "unable to parse requirement: found '=', expected: ',', or identifier",
        ),
        (
            "x in (=",
            "unable to parse requirement: found '=', expected: ',', ')' or identifier",
        ),
        (
            "x==(",
            "unable to parse requirement: found '(', expected: identifier",
        ),
        (
            "x<a",
            "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(label_err(text), want, "{text}");
    }
    assert_eq!(
        label_err("a_"),
        format!("unable to parse requirement: <nil>: Invalid value: \"a_\": {name_regex}")
    );
    assert_eq!(
        label_err("x/y/z"),
        "unable to parse requirement: <nil>: Invalid value: \"x/y/z\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
    );
    assert_eq!(
        label_err("/a"),
        "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty"
    );
    assert_eq!(
        label_err("Foo/a"),
        "unable to parse requirement: <nil>: Invalid value: \"Foo/a\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    );
    assert_eq!(
        label_err("a/"),
        format!(
            "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be non-empty; {name_regex}"
        )
    );
    assert_eq!(
        label_err(&"a".repeat(64)),
        format!(
            "unable to parse requirement: <nil>: Invalid value: \"{}\": name part must be no more than 63 characters",
            "a".repeat(64)
        )
    );
    assert_eq!(
        label_err("x=a_"),
        "unable to parse requirement: values[0][x]: Invalid value: \"a_\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    );
    // Both Gt errors aggregate, in upstream's order.
    assert!(label_err("x>-a").starts_with(
        "unable to parse requirement: [values[0]: Invalid value: \"-a\": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: \"-a\": a valid label"
    ));
    assert!(matches!(
        LabelSelector::parse("x ("),
        Err(SelectorError::Requirement(_))
    ));
}

#[test]
fn label_odd_inputs_follow_upstream() {
    // A NUL at a token start ends the input; inside a token it ends that token.
    assert_eq!(
        LabelSelector::parse("a \0,,,garbage").unwrap().to_string(),
        "a"
    );
    assert_eq!(
        label_err("a\0,,"),
        "found ',', expected: identifier after ','"
    );
    assert_eq!(LabelSelector::parse("a=\0b").unwrap().to_string(), "a=b");
    assert_eq!(
        LabelSelector::parse("!a").unwrap().requirements()[0].operator(),
        Operator::DoesNotExist
    );
    assert_eq!(
        label_err("!a=b"),
        "found '=', expected: ',' or 'end of string'"
    );
    assert_eq!(LabelSelector::parse("x==a").unwrap().to_string(), "x==a");
    assert_eq!(
        LabelSelector::parse("x notin (b,a)").unwrap().to_string(),
        "x notin (a,b)"
    );
    let s = LabelSelector::parse("b=1,a in (x),c in (y,z)").unwrap();
    assert_eq!(s.requires_exact_match("a"), Some("x"));
    assert_eq!(s.requires_exact_match("b"), Some("1"));
    assert_eq!(s.requires_exact_match("c"), None);
    assert_eq!(s.requires_exact_match("d"), None);
    let big = LabelSelector::parse("x>9223372036854775807").unwrap();
    assert!(!big.matches(&set(&[("x", "9223372036854775808")])));
    assert!(LabelSelector::parse("x>99999999999999999999").is_err());
}

#[test]
fn matches_json_labels() {
    let s = LabelSelector::parse("app=web,!canary").unwrap();
    assert!(s.matches_json(Some(&json!({"app": "web", "tier": "fe"}))));
    assert!(!s.matches_json(Some(&json!({"app": "web", "canary": "true"}))));
    assert!(!s.matches_json(None));
    assert!(!s.matches_json(Some(&json!(null))));
    assert!(LabelSelector::parse("!x").unwrap().matches_json(None));
    assert!(LabelSelector::everything().matches_json(None));
    assert!(!LabelSelector::nothing().matches_json(Some(&json!({}))));
}

#[test]
fn label_selector_json_conversion() {
    let nothing = from_label_selector_json(&json!(null)).unwrap();
    assert!(nothing.matches_nothing() && !nothing.is_empty());
    assert!(!nothing.matches(&set(&[])));
    assert_eq!(nothing.to_string(), "");
    for empty in [
        json!({}),
        json!({"matchLabels": {}, "matchExpressions": []}),
    ] {
        let everything = from_label_selector_json(&empty).unwrap();
        assert!(everything.is_empty() && everything.matches(&set(&[("a", "b")])));
    }
    let sel = json!({
        "matchLabels": {"foo": "bar", "baz": "blah"},
        "matchExpressions": [
            {"key": "a", "operator": "In", "values": ["y", "x"]},
            {"key": "b", "operator": "NotIn", "values": ["z"]},
            {"key": "c", "operator": "Exists"},
            {"key": "d", "operator": "DoesNotExist", "values": []},
        ],
    });
    let s = from_label_selector_json(&sel).unwrap();
    assert_eq!(
        s.to_string(),
        "a in (x,y),b notin (z),baz=blah,c,!d,foo=bar"
    );
    assert!(s.matches(&set(&[
        ("foo", "bar"),
        ("baz", "blah"),
        ("a", "x"),
        ("c", "")
    ])));
    assert!(!s.matches(&set(&[("foo", "bar"), ("baz", "blah"), ("a", "x")])));
    let err = |v: serde_json::Value| from_label_selector_json(&v).unwrap_err().to_string();
    assert_eq!(
        err(json!({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]})),
        "\"Gt\" is not a valid pod selector operator"
    );
    assert_eq!(
        err(json!({"matchExpressions": [{"key": "a", "operator": "In"}]})),
        "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"
    );
    assert_eq!(
        err(
            json!({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["v", "w"]}]})
        ),
        "values: Invalid value: []string{\"v\", \"w\"}: values set must be empty for exists and does not exist"
    );
    assert!(
        err(json!({"matchLabels": {"a/b/c": "x"}}))
            .starts_with("key: Invalid value: \"a/b/c\": a qualified name")
    );
    assert!(
        err(json!({"matchLabels": {"a": "-"}}))
            .starts_with("values[0][a]: Invalid value: \"-\": a valid label")
    );
    assert!(matches!(
        from_label_selector_json(&json!({"matchLabels": "x"})),
        Err(SelectorError::MalformedLabelSelector(_))
    ));
    assert!(from_label_selector_json(&json!([1])).is_err());
}

#[test]
fn field_split_terms_and_term() {
    let cases: &[(&str, &[&str])] = &[
        ("a", &["a"]),
        ("a=avalue", &["a=avalue"]),
        ("a=avalue,b=bvalue", &["a=avalue", "b=bvalue"]),
        (
            "a=avalue,b==bvalue,c!=cvalue",
            &["a=avalue", "b==bvalue", "c!=cvalue"],
        ),
        ("", &[]),
        ("a=a,", &["a=a", ""]),
        (",a=a", &["", "a=a"]),
        (r"k=\,,k2=v2", &[r"k=\,", "k2=v2"]),
        (r"k=\\,k2=v2", &[r"k=\\", "k2=v2"]),
        (r"k=\\\,,k2=v2", &[r"k=\\\,", "k2=v2"]),
        (r"k=\a\b\", &[r"k=\a\b\"]),
        (r"k=\", &[r"k=\"]),
        ("함=수,목=록", &["함=수", "목=록"]),
    ];
    for (text, want) in cases {
        assert_eq!(&split_terms(text), want, "{text}");
    }
    use FieldOperator::*;
    for (term, want) in [
        ("a=value", Some(("a", Equals, "value"))),
        ("b==value", Some(("b", Equals, "value"))),
        ("c!=value", Some(("c", NotEquals, "value"))),
        ("", None),
        ("a", None),
        (r"k=\,", Some(("k", Equals, r"\,"))),
        (r"k=\=", Some(("k", Equals, r"\="))),
        (r"k=\\\a\b\=\,\", Some(("k", Equals, r"\\\a\b\=\,\"))),
        ("함=수", Some(("함", Equals, "수"))),
    ] {
        assert_eq!(split_term(term), want, "{term}");
    }
}

#[test]
fn field_escape_and_unescape() {
    for (raw, escaped) in [
        ("", ""),
        ("a", "a"),
        ("=", r"\="),
        (",", r"\,"),
        ("\\", r"\\"),
        (r"\=\,\", r"\\\=\\\,\\"),
    ] {
        assert_eq!(escape_value(raw), escaped);
        assert_eq!(unescape_value(escaped).unwrap(), raw);
    }
    for bad in [r"\", r"\\\", r"\a"] {
        assert!(
            matches!(
                unescape_value(bad),
                Err(SelectorError::InvalidEscapeSequence(_))
            ),
            "{bad}"
        );
    }
    assert_eq!(
        unescape_value(r"\!").unwrap_err().to_string(),
        r"invalid field selector: invalid escape sequence: \!"
    );
    assert_eq!(
        unescape_value("a=b").unwrap_err().to_string(),
        "invalid field selector: unescaped character in value: 61"
    );
}

#[test]
fn field_parse_and_match() {
    for good in ["x=a,y=b,z=c", "", "x!=a,y=b", r"x=a||y\=b", r"x=a\=\=b"] {
        assert_eq!(FieldSelector::parse(good).unwrap().to_string(), good);
    }
    for bad in [
        "x=a||y=b",
        "x==a==b",
        "x=a,b",
        "x in (a)",
        "x in (a,b,c)",
        "x",
    ] {
        assert!(FieldSelector::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        FieldSelector::parse("x in (a)").unwrap_err().to_string(),
        "invalid selector: 'x in (a)'; can't understand 'x in (a)'"
    );
    assert_eq!(
        FieldSelector::parse("z=1,b").unwrap_err().to_string(),
        "invalid selector: 'z=1,b'; can't understand 'b'"
    );
    assert_eq!(
        FieldSelector::parse("x=a,a=x").unwrap().to_string(),
        FieldSelector::parse("a=x,x=a").unwrap().to_string()
    );
    assert_eq!(FieldSelector::parse("b==1").unwrap().to_string(), "b=1");
    let m = |s: &str, f: &[(&str, &str)]| {
        let fields: Vec<(&str, String)> = f.iter().map(|(k, v)| (*k, v.to_string())).collect();
        let by_fn = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        };
        let selector = FieldSelector::parse(s).unwrap();
        assert_eq!(
            selector.matches(&by_fn),
            selector.matches_fields(&fields),
            "{s}"
        );
        selector.matches_fields(&fields)
    };
    assert!(m("", &[("x", "y")]));
    assert!(m("x=y", &[("x", "y")]));
    assert!(m("x=y,z=w", &[("x", "y"), ("z", "w")]));
    assert!(m("x!=y,z!=w", &[("x", "z"), ("z", "a")]));
    assert!(m("notin=in", &[("notin", "in")]));
    assert!(!m("x=y", &[("x", "z")]));
    assert!(!m("x=y,z=w", &[("x", "w"), ("z", "w")]));
    assert!(!m("x!=y,z!=w", &[("x", "z"), ("z", "w")]));
    let fields = [("foo", "bar"), ("baz", "blah"), ("complex", r"=value\,\")];
    assert!(m("foo=bar", &fields));
    assert!(m("foo=bar,baz=blah", &fields));
    assert!(m(r"foo=bar,baz=blah,complex=\=value\\\,\\", &fields));
    assert!(!m("foo=blah", &fields));
    assert!(!m("foo=bar,foobar=bar,baz=blah", &fields));
    // A missing field reads as "".
    assert!(m("spec.nodeName=", &[]));
    assert!(!m("spec.nodeName!=", &[]));
    assert!(FieldSelector::one_term_equal("x", "y").matches_fields(&[("x", "y".into())]));
}

#[test]
fn field_empty_terms_exact_match_and_support() {
    assert!(FieldSelector::parse("=").unwrap().is_empty());
    assert!(FieldSelector::parse("!=,,").unwrap().is_empty());
    assert!(FieldSelector::everything().is_empty());
    let s = FieldSelector::parse("spec.nodeName!=b,metadata.name=x,spec.nodeName=a").unwrap();
    assert_eq!(s.exact_match("metadata.name"), Some("x"));
    assert_eq!(s.exact_match("spec.nodeName"), Some("a"));
    assert_eq!(s.exact_match("status.phase"), None);
    assert_eq!(FieldSelector::parse("a!=b").unwrap().exact_match("a"), None);
    assert_eq!(
        FieldSelector::parse("test=").unwrap().exact_match("test"),
        Some("")
    );
    assert_eq!(
        s.fields().collect::<Vec<_>>(),
        ["metadata.name", "spec.nodeName", "spec.nodeName"]
    );
    assert_eq!(s.requirements()[0].operator, FieldOperator::Equals);
    assert!(
        s.check_supported(&["metadata.name", "spec.nodeName"])
            .is_ok()
    );
    assert_eq!(
        s.check_supported(&["metadata.name"])
            .unwrap_err()
            .to_string(),
        "field label not supported: spec.nodeName"
    );
    let transformed = FieldSelector::parse("a=b,c=d,e=f")
        .unwrap()
        .transform(|f, v| {
            Ok(if f == "c" {
                (String::new(), String::new())
            } else {
                (f.into(), v.into())
            })
        })
        .unwrap();
    assert_eq!(transformed.to_string(), "a=b,e=f");
    let renamed = FieldSelector::parse("a=b,c=d")
        .unwrap()
        .transform(|f, v| {
            Ok(if f == "a" {
                ("e".into(), "f".into())
            } else {
                (f.into(), v.into())
            })
        })
        .unwrap();
    assert_eq!(renamed.to_string(), "e=f,c=d");
}

/// 20,000 random and mutated inputs: parsing never panics or hangs, and whatever parses
/// re-parses from its canonical string to the same selector.
#[test]
fn fuzz_parsers_never_panic() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let seeds = [
        "x in (a,b),y notin (c),!z,w",
        "a=b,c!=d,e==f",
        "k>1,l<2",
        "example.com/key in (), k2",
        r"metadata.name=x\,y,spec.nodeName!=n\\",
        "함=수,목=록",
    ];
    let alphabet: &[&str] = &[
        "a", "Z", "9", "-", "_", ".", "/", "=", "==", "!", "!=", "(", ")", ",", ">", "<", " ",
        "\t", "\n", "\r", "\0", "\\", "in", "notin", "함", "é", "\u{200b}", "\u{7f}",
    ];
    for round in 0..20_000 {
        let mut text = if round % 2 == 0 {
            String::new()
        } else {
            seeds[(next() % seeds.len() as u64) as usize].to_owned()
        };
        for _ in 0..next() % 12 {
            let piece = alphabet[(next() % alphabet.len() as u64) as usize];
            let mut at = (next() as usize) % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            if next() % 4 == 0 && at < text.len() {
                let mut end = at + 1;
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(at..end, piece);
            } else {
                text.insert_str(at, piece);
            }
        }
        if let Ok(parsed) = LabelSelector::parse(&text) {
            let again = LabelSelector::parse(&parsed.to_string()).unwrap();
            assert_eq!(again, parsed, "{text:?}");
            let _ = parsed.matches(&set(&[("a", "1"), ("x", "a")]));
        }
        if let Ok(parsed) = FieldSelector::parse(&text) {
            let again = FieldSelector::parse(&parsed.to_string()).unwrap();
            assert_eq!(again.to_string(), parsed.to_string(), "{text:?}");
            let _ = parsed.matches_fields(&[("a", "1".into())]);
        }
        let _ = from_label_selector_json(&json!({"matchLabels": {text.clone(): text.clone()}}));
    }
}
