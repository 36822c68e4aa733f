//! Image reference parsing used for `imagePullPolicy` defaulting.
//!
//! Ports the behaviour of `parsers.ParseImageName` (pkg/util/parsers), which is built on
//! `reference.ParseNormalizedNamed` from distribution/reference: the tag is the explicit tag,
//! or `latest` when neither tag nor digest is given; any parse error yields an empty tag.
//! `SetDefaults_Container` then picks `Always` for tag `latest` and `IfNotPresent` otherwise.

/// Maximum total length of a repository name (distribution/reference `NameTotalLengthMax`).
const NAME_TOTAL_LENGTH_MAX: usize = 255;

/// The default pull policy for a container image (`SetDefaults_Container`).
pub(super) fn default_pull_policy(image: &str) -> &'static str {
    if parse_tag(image).as_deref() == Some("latest") {
        "Always"
    } else {
        "IfNotPresent"
    }
}

/// The tag `ParseImageName` reports, or `None` when the reference does not parse.
fn parse_tag(image: &str) -> Option<String> {
    // ParseNormalizedNamed rejects bare 64-hex identifiers.
    if image.len() == 64
        && image
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    // splitDockerDomain
    let (domain, mut remainder) = match image.find('/') {
        Some(i) => {
            let first = &image[..i];
            if !first.contains(['.', ':']) && first != "localhost" && first.to_lowercase() == first
            {
                ("docker.io".to_owned(), image.to_owned())
            } else {
                (first.to_owned(), image[i + 1..].to_owned())
            }
        }
        None => ("docker.io".to_owned(), image.to_owned()),
    };
    let domain = if domain == "index.docker.io" {
        "docker.io".to_owned()
    } else {
        domain
    };
    if domain == "docker.io" && !remainder.contains('/') {
        remainder = format!("library/{remainder}");
    }
    if remainder.to_lowercase() != remainder {
        return None;
    }
    let full = format!("{domain}/{remainder}");

    // ReferenceRegexp: name(:tag)?(@digest)?
    let (name_tag, digest) = match full.split_once('@') {
        Some((nt, d)) => (nt, Some(d)),
        None => (full.as_str(), None),
    };
    let (name, tag) = match name_tag.rfind(':') {
        Some(i) if !name_tag[i..].contains('/') => (&name_tag[..i], Some(&name_tag[i + 1..])),
        _ => (name_tag, None),
    };
    if !valid_name(name) || name.len() > NAME_TOTAL_LENGTH_MAX {
        return None;
    }
    if let Some(t) = tag
        && !valid_tag(t)
    {
        return None;
    }
    if let Some(d) = digest
        && !valid_digest(d)
    {
        return None;
    }
    match (tag, digest) {
        (Some(t), _) => Some(t.to_owned()),
        (None, Some(_)) => Some(String::new()),
        (None, None) => Some("latest".to_owned()),
    }
}

/// `(domainAndPort/)? pathComponent (/ pathComponent)*`
fn valid_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    if parts.iter().all(|p| valid_path_component(p)) {
        return true;
    }
    parts.len() >= 2
        && valid_domain_and_port(parts[0])
        && parts[1..].iter().all(|p| valid_path_component(p))
}

/// `[a-z0-9]+ ((?:[._]|__|[-]+) [a-z0-9]+)*`
fn valid_path_component(p: &str) -> bool {
    let b = p.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut i = 0;
    let run = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && alnum(b[*i]) {
            *i += 1;
        }
        *i > start
    };
    if !run(&mut i) {
        return false;
    }
    while i < b.len() {
        match b[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if i < b.len() && b[i] == b'_' {
                    i += 1;
                }
            }
            b'-' => {
                while i < b.len() && b[i] == b'-' {
                    i += 1;
                }
            }
            _ => return false,
        }
        if !run(&mut i) {
            return false;
        }
    }
    true
}

/// `(domainName | \[ipv6\]) (:[0-9]+)?`
fn valid_domain_and_port(d: &str) -> bool {
    let (host, port) = if d.starts_with('[') {
        match d.find(']') {
            Some(i) => {
                let rest = &d[i + 1..];
                let port = match rest.strip_prefix(':') {
                    Some(p) => Some(p),
                    None if rest.is_empty() => None,
                    None => return false,
                };
                let inner = &d[1..i];
                if inner.is_empty() || !inner.bytes().all(|c| c.is_ascii_hexdigit() || c == b':') {
                    return false;
                }
                (None, port)
            }
            None => return false,
        }
    } else {
        match d.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(d), None),
        }
    };
    if let Some(p) = port
        && (p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    match host {
        None => true,
        Some(h) => h.split('.').all(|c| {
            let b = c.as_bytes();
            !b.is_empty()
                && b.iter().all(|x| x.is_ascii_alphanumeric() || *x == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        }),
    }
}

/// `[\w][\w.-]{0,127}`
fn valid_tag(t: &str) -> bool {
    let b = t.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b[1..].iter().all(|c| word(*c) || *c == b'.' || *c == b'-')
}

/// A digest go-digest accepts: a registered algorithm with a lowercase hex encoding.
fn valid_digest(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else {
        return false;
    };
    let len = match alg {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return false,
    };
    hex.len() == len
        && hex
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::default_pull_policy as p;

    #[test]
    fn pull_policy_matches_parse_image_name() {
        let sha = "sha256:".to_owned() + &"a".repeat(64);
        assert_eq!(p("nginx"), "Always");
        assert_eq!(p("nginx:latest"), "Always");
        assert_eq!(p("nginx:1.27"), "IfNotPresent");
        assert_eq!(p(&format!("nginx@{sha}")), "IfNotPresent");
        assert_eq!(p(&format!("nginx:latest@{sha}")), "Always");
        assert_eq!(p("localhost:5000/app"), "Always");
        assert_eq!(p("localhost:5000/app:v1"), "IfNotPresent");
        assert_eq!(p("registry.k8s.io/pause:3.10"), "IfNotPresent");
        assert_eq!(p("[::1]:5000/app"), "Always");
        assert_eq!(p("quay.io/org/sub/app"), "Always");
        // Parse errors give an empty tag, hence IfNotPresent.
        assert_eq!(p(""), "IfNotPresent");
        assert_eq!(p("Nginx"), "IfNotPresent");
        assert_eq!(p("nginx:Latest"), "IfNotPresent");
        assert_eq!(p("nginx:"), "IfNotPresent");
        assert_eq!(p("nginx@sha256:abc"), "IfNotPresent");
        assert_eq!(p(&"a".repeat(64)), "IfNotPresent");
        assert_eq!(p("a b"), "IfNotPresent");
        assert_eq!(p("foo//bar"), "IfNotPresent");
        assert_eq!(p("foo-"), "IfNotPresent");
        assert_eq!(p("foo--bar"), "Always");
        assert_eq!(p("foo__bar"), "Always");
        assert_eq!(p("foo___bar"), "IfNotPresent");
        assert_eq!(p("MyRegistry.io/app"), "Always");
    }
}
