//! Validation every resource shares: object names, as upstream's
//! `apimachinery/pkg/util/validation` and `apimachinery/pkg/api/validation` check them, with the
//! same messages (kubectl prints them).

use crate::endpoints::status::FieldError;

/// Which rule names of a resource follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// Most resources: a DNS-1123 subdomain (`metadata.name` up to 253 characters).
    Subdomain,
    /// Namespaces and a few others: a DNS-1123 label (up to 63 characters).
    Label,
    /// Services: a DNS-1035 label (starts with a letter).
    Dns1035Label,
    /// RBAC objects: anything that is a valid path segment.
    PathSegment,
}

impl NameRule {
    /// The rule upstream applies to the resource `plural` of `group`.
    pub fn for_resource(group: &str, plural: &str) -> NameRule {
        match (group, plural) {
            ("", "namespaces") => NameRule::Label,
            ("", "services") => NameRule::Dns1035Label,
            ("rbac.authorization.k8s.io", _) => NameRule::PathSegment,
            _ => NameRule::Subdomain,
        }
    }
}

const SUBDOMAIN_MESSAGE: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MESSAGE: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

fn is_label(text: &str, first_alpha: bool) -> bool {
    let bytes = text.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    let first_ok = if first_alpha {
        first.is_ascii_lowercase()
    } else {
        first.is_ascii_lowercase() || first.is_ascii_digit()
    };
    first_ok
        && (last.is_ascii_lowercase() || last.is_ascii_digit())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

fn is_subdomain(text: &str) -> bool {
    !text.is_empty() && text.split('.').all(|part| is_label(part, false))
}

/// Checks `metadata.name` (already known to be non-empty) against `rule`.
pub fn validate_name(name: &str, rule: NameRule) -> Vec<FieldError> {
    let path = "metadata.name";
    let mut errors = Vec::new();
    match rule {
        NameRule::Subdomain => {
            if name.len() > 253 {
                errors.push(FieldError::invalid(
                    path,
                    name,
                    "must be no more than 253 characters",
                ));
            }
            if !is_subdomain(name) {
                errors.push(FieldError::invalid(path, name, SUBDOMAIN_MESSAGE));
            }
        }
        NameRule::Label | NameRule::Dns1035Label => {
            if name.len() > 63 {
                errors.push(FieldError::invalid(
                    path,
                    name,
                    "must be no more than 63 characters",
                ));
            }
            let (ok, message) = if rule == NameRule::Label {
                (is_label(name, false), LABEL_MESSAGE)
            } else {
                (is_label(name, true), DNS1035_MESSAGE)
            };
            if !ok {
                errors.push(FieldError::invalid(path, name, message));
            }
        }
        NameRule::PathSegment => {
            if name == "." || name == ".." {
                errors.push(FieldError::invalid(
                    path,
                    name,
                    format!("may not be '{name}'"),
                ));
            }
            for bad in ["/", "%"] {
                if name.contains(bad) {
                    errors.push(FieldError::invalid(
                        path,
                        name,
                        format!("may not contain '{bad}'"),
                    ));
                }
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_like_upstream() {
        assert!(validate_name("my-pod.v1", NameRule::Subdomain).is_empty());
        assert_eq!(validate_name("Bad_Name", NameRule::Subdomain).len(), 1);
        assert_eq!(
            validate_name(&"a".repeat(254), NameRule::Subdomain).len(),
            1
        );
        assert!(validate_name("kube-system", NameRule::Label).is_empty());
        assert_eq!(validate_name("a.b", NameRule::Label).len(), 1);
        assert_eq!(validate_name("1abc", NameRule::Dns1035Label).len(), 1);
        assert!(validate_name("system:controller:x", NameRule::PathSegment).is_empty());
        assert_eq!(validate_name("a/b", NameRule::PathSegment).len(), 1);
        let error = &validate_name("Bad", NameRule::Label)[0];
        assert!(
            error
                .to_string()
                .starts_with("metadata.name: Invalid value: \"Bad\": a lowercase RFC 1123 label")
        );
    }
}
