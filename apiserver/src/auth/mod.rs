//! Who is asking, and may they: authentication and authorization.
//!
//! - [`authn`]: users from x509 client certificates (CN = user, O = groups) and from static
//!   bearer tokens (`--token-auth-file`, upstream's CSV format); anonymous requests only where
//!   `--anonymous-auth` allows them.
//! - [`authz`]: the authorizer interface upstream's RBAC will implement; `AlwaysAllow` for now.

pub mod authn;
pub mod authz;

/// An authenticated user, as upstream's `user.Info`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserInfo {
    pub name: String,
    pub uid: String,
    pub groups: Vec<String>,
}

impl UserInfo {
    pub fn anonymous() -> Self {
        UserInfo {
            name: "system:anonymous".into(),
            uid: String::new(),
            groups: vec!["system:unauthenticated".into()],
        }
    }

    pub fn is_anonymous(&self) -> bool {
        self.name == "system:anonymous"
    }
}
