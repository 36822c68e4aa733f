//! Name checks from apimachinery's `util/validation`, to parse selectors and arguments the way
//! upstream does: qualified names (label keys, resource names), label values and DNS-1123
//! subdomains.

const QUALIFIED_NAME_MAX_LENGTH: usize = 63;
const LABEL_VALUE_MAX_LENGTH: usize = 63;
const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`: alphanumeric at both ends, `-_.` inside.
fn is_qualified_name_part(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `validation.IsDNS1123Subdomain`: lower-case alphanumeric labels joined by dots, at most 253
/// characters.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    if s.is_empty() || s.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        return false;
    }
    s.split('.').all(|label| {
        let bytes = label.as_bytes();
        let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
            return false;
        };
        let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        alnum(first) && alnum(last) && bytes.iter().all(|b| alnum(b) || *b == b'-')
    })
}

/// `validation.IsQualifiedName`: `[prefix/]name`, the prefix a DNS-1123 subdomain and the name
/// at most 63 characters (label keys, resource names).
pub fn is_qualified_name(s: &str) -> bool {
    let name = match s.split_once('/') {
        None => s,
        Some((prefix, name)) => {
            if name.contains('/') || !is_dns1123_subdomain(prefix) {
                return false;
            }
            name
        }
    };
    name.len() <= QUALIFIED_NAME_MAX_LENGTH && is_qualified_name_part(name)
}

/// `validation.IsValidLabelValue`: empty, or at most 63 characters of the qualified-name form.
pub fn is_valid_label_value(s: &str) -> bool {
    s.is_empty() || (s.len() <= LABEL_VALUE_MAX_LENGTH && is_qualified_name_part(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names() {
        for ok in [
            "foo",
            "GPU",
            "kubernetes.io/hostname",
            "a-b_c.d",
            "example.com/gpu",
            "9",
        ] {
            assert!(is_qualified_name(ok), "{ok}");
        }
        let long = "a".repeat(64);
        for bad in [
            "",
            "/foo",
            "foo/",
            "Example.com/x",
            "a/b/c",
            "-a",
            "a-",
            long.as_str(),
        ] {
            assert!(!is_qualified_name(bad), "{bad}");
        }
    }

    #[test]
    fn label_values() {
        assert!(is_valid_label_value(""));
        assert!(is_valid_label_value("NVIDIA-GRID-K1"));
        assert!(!is_valid_label_value("invalid value: ___@#$%^"));
        assert!(!is_valid_label_value(&"a".repeat(64)));
    }
}
