//! Authentication: x509 client certificates and static bearer tokens, as upstream's
//! `x509.CommonNameUserConversion` and `tokenfile` authenticators. Every authenticated user
//! also gets the group `system:authenticated`.

use std::collections::HashMap;
use std::path::Path;

use rustls_pki_types::CertificateDer;

use super::UserInfo;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read token file {path}: {source}")]
    ReadTokenFile {
        path: String,
        source: std::io::Error,
    },
    #[error("token file {path}, line {line}: {reason}")]
    TokenFileLine {
        path: String,
        line: usize,
        reason: String,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Credentials were presented but are not valid (unknown token, certificate without a user).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid credentials")]
pub struct InvalidCredentials;

/// What the API server accepts as proof of identity.
#[derive(Debug, Default)]
pub struct Authenticator {
    tokens: HashMap<String, UserInfo>,
    /// `--anonymous-auth`: requests without credentials become `system:anonymous`.
    pub anonymous: bool,
}

impl Authenticator {
    pub fn new(anonymous: bool) -> Self {
        Authenticator {
            tokens: HashMap::new(),
            anonymous,
        }
    }

    /// Loads `--token-auth-file`: CSV lines `token,user,uid[,"group1,group2"]`.
    pub fn with_token_file(mut self, path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadTokenFile {
            path: path.display().to_string(),
            source,
        })?;
        self.tokens = parse_token_file(&text).map_err(|(line, reason)| Error::TokenFileLine {
            path: path.display().to_string(),
            line,
            reason,
        })?;
        Ok(self)
    }

    /// The user of a request: its bearer token if any, else its client certificate, else
    /// anonymous when allowed. An error means the credentials presented are invalid (401).
    pub fn authenticate(
        &self,
        authorization: Option<&str>,
        client_certificates: &[CertificateDer<'_>],
    ) -> Result<Option<UserInfo>, InvalidCredentials> {
        if let Some(header) = authorization {
            let token = header
                .strip_prefix("Bearer ")
                .map(str::trim)
                .filter(|t| !t.is_empty());
            return match token.and_then(|t| self.tokens.get(t)) {
                Some(user) => Ok(Some(authenticated(user.clone()))),
                None => Err(InvalidCredentials),
            };
        }
        if let Some(leaf) = client_certificates.first() {
            return user_from_certificate(leaf)
                .map(|u| Some(authenticated(u)))
                .ok_or(InvalidCredentials);
        }
        Ok(self.anonymous.then(UserInfo::anonymous))
    }
}

fn authenticated(mut user: UserInfo) -> UserInfo {
    if !user.groups.iter().any(|g| g == "system:authenticated") {
        user.groups.push("system:authenticated".into());
    }
    user
}

/// CN is the user name and every O a group, as upstream's `CommonNameUserConversion`.
pub fn user_from_certificate(der: &CertificateDer<'_>) -> Option<UserInfo> {
    let (_, certificate) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let subject = certificate.subject();
    let name = subject
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())?
        .to_owned();
    if name.is_empty() {
        return None;
    }
    let groups = subject
        .iter_organization()
        .filter_map(|o| o.as_str().ok().map(str::to_owned))
        .collect();
    Some(UserInfo {
        name,
        uid: String::new(),
        groups,
    })
}

/// Parses upstream's token file format. Errors carry the 1-based line number.
fn parse_token_file(text: &str) -> Result<HashMap<String, UserInfo>, (usize, String)> {
    let mut tokens = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields = split_csv(line);
        if fields.len() < 3 {
            return Err((
                line_number,
                format!("expected at least 3 columns, found {}", fields.len()),
            ));
        }
        let token = fields[0].trim();
        if token.is_empty() {
            return Err((line_number, "empty token".into()));
        }
        let groups = fields
            .get(3)
            .map(|groups| {
                groups
                    .split(',')
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        tokens.insert(
            token.to_owned(),
            UserInfo {
                name: fields[1].trim().to_owned(),
                uid: fields[2].trim().to_owned(),
                groups,
            },
        );
    }
    Ok(tokens)
}

/// Splits one CSV line, honouring double quotes (`""` is a literal quote).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(f) = fields.last_mut() {
                    f.push('"')
                }
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use common::pki::{CertificateAuthority, ClientCertSpec};

    use super::*;

    #[test]
    fn token_file_lines_like_upstream() {
        let tokens =
            parse_token_file("abc,alice,1001,\"system:masters,dev\"\n\ndef,bob,1002\n").unwrap();
        assert_eq!(tokens["abc"].name, "alice");
        assert_eq!(tokens["abc"].groups, vec!["system:masters", "dev"]);
        assert_eq!(tokens["def"].uid, "1002");
        assert!(tokens["def"].groups.is_empty());
        assert_eq!(parse_token_file("onlytoken,user\n").unwrap_err().0, 1);
    }

    #[test]
    fn bearer_tokens_certificates_and_anonymous() {
        let mut auth = Authenticator::new(false);
        auth.tokens = parse_token_file("secret,alice,1\n").unwrap();
        let alice = auth
            .authenticate(Some("Bearer secret"), &[])
            .unwrap()
            .unwrap();
        assert_eq!(alice.name, "alice");
        assert!(alice.groups.contains(&"system:authenticated".to_owned()));
        assert!(auth.authenticate(Some("Bearer wrong"), &[]).is_err());
        assert_eq!(auth.authenticate(None, &[]), Ok(None));
        auth.anonymous = true;
        assert!(
            auth.authenticate(None, &[])
                .unwrap()
                .unwrap()
                .is_anonymous()
        );

        let ca = CertificateAuthority::generate().unwrap();
        let issued = ca
            .issue_client(&ClientCertSpec::new("kubernetes-admin", ["system:masters"]))
            .unwrap();
        let der = common::tls::parse_certificates(issued.cert_pem.as_bytes()).unwrap();
        let admin = auth.authenticate(None, &der).unwrap().unwrap();
        assert_eq!(admin.name, "kubernetes-admin");
        assert_eq!(admin.groups, vec!["system:masters", "system:authenticated"]);
    }
}
