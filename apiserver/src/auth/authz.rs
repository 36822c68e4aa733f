//! Authorization: the attributes of a request and the authorizer interface
//! (`--authorization-mode`). `AlwaysAllow` is the only mode until RBAC is enforced; RBAC objects
//! are already stored.

use super::UserInfo;

/// What a request wants to do, as upstream's `authorizer.Attributes`.
#[derive(Clone, Debug, Default)]
pub struct Attributes<'a> {
    pub user: Option<&'a UserInfo>,
    pub verb: &'a str,
    pub api_group: &'a str,
    pub resource: &'a str,
    pub subresource: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
    pub path: &'a str,
    pub is_resource_request: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(String),
}

pub trait Authorizer: Send + Sync + 'static {
    fn authorize(&self, attributes: &Attributes<'_>) -> Decision;
}

/// `--authorization-mode=AlwaysAllow`.
pub struct AlwaysAllow;

impl Authorizer for AlwaysAllow {
    fn authorize(&self, _attributes: &Attributes<'_>) -> Decision {
        Decision::Allow
    }
}
