//! Who may use the kubelet's API: client-certificate authentication and an interim
//! authorization rule.
//!
//! Authentication: a client certificate verified by the TLS layer against the client CA
//! (`authentication.x509.clientCAFile`) names the user (subject CN) and its groups (every
//! subject O), as upstream's `CommonNameUserConversion`. A request without one is answered
//! `401 Unauthorized` (no anonymous access, as kubeadm configures the kubelet).
//!
//! Authorization: upstream asks the API server with a SubjectAccessReview for the attributes
//! built here (verb from the HTTP method, resource `nodes`, the subresource from the path, the
//! node's name). Our API server has no SubjectAccessReview API yet, so [`InterimAuthorizer`]
//! applies a documented interim rule instead: a user in `system:masters`, or the API server's
//! kubelet client `kube-apiserver-kubelet-client`, is allowed; everyone else is refused with
//! upstream's `Forbidden (user=X, verb=V, resource=nodes, subresource=S)`. The rule sits behind
//! the [`Authorizer`] trait so a SubjectAccessReview-based implementation can replace it.

use rustls::pki_types::CertificateDer;

/// The authenticated user of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    pub name: String,
    pub groups: Vec<String>,
}

/// The user a verified client certificate names: CN is the user, every O a group.
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
    let mut groups: Vec<String> = subject
        .iter_organization()
        .filter_map(|o| o.as_str().ok().map(str::to_owned))
        .collect();
    groups.push("system:authenticated".to_owned());
    Some(UserInfo { name, groups })
}

/// What a request does, in upstream's terms (`pkg/kubelet/server/auth.go`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attributes {
    pub verb: &'static str,
    /// Always `nodes`.
    pub resource: &'static str,
    pub subresource: &'static str,
    /// The node's name.
    pub name: String,
}

impl Attributes {
    /// The attributes of `method` on `path` for node `node_name`: the verb from the method
    /// (`get`, `create`, `update`, `patch`, `delete`) and the subresource from the path
    /// (`stats`, `metrics`, `log`, `spec`, `checkpoint`, everything else `proxy`).
    pub fn of(method: &http::Method, path: &str, node_name: &str) -> Self {
        let verb = match *method {
            http::Method::POST => "create",
            http::Method::PUT => "update",
            http::Method::PATCH => "patch",
            http::Method::DELETE => "delete",
            _ => "get",
        };
        let under = |prefix: &str| {
            path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        let subresource = if under("/stats") {
            "stats"
        } else if under("/metrics") {
            "metrics"
        } else if under("/logs") {
            "log"
        } else if under("/spec") {
            "spec"
        } else if under("/checkpoint") {
            "checkpoint"
        } else {
            "proxy"
        };
        Attributes {
            verb,
            resource: "nodes",
            subresource,
            name: node_name.to_owned(),
        }
    }
}

/// The outcome of an authorization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
}

/// Decides whether `user` may do what `attributes` describe on this kubelet.
pub trait Authorizer: Send + Sync + 'static {
    fn authorize(&self, user: &UserInfo, attributes: &Attributes) -> Decision;
}

/// The user name of the API server's client certificate for kubelets (kubeadm's
/// `apiserver-kubelet-client.crt`).
pub const APISERVER_KUBELET_CLIENT: &str = "kube-apiserver-kubelet-client";
/// The group that may do anything.
pub const SYSTEM_MASTERS: &str = "system:masters";

/// The interim rule (see the module documentation): `system:masters` and the API server's
/// kubelet client are allowed, everyone else refused.
#[derive(Clone, Copy, Debug, Default)]
pub struct InterimAuthorizer;

impl Authorizer for InterimAuthorizer {
    fn authorize(&self, user: &UserInfo, _attributes: &Attributes) -> Decision {
        if user.name == APISERVER_KUBELET_CLIENT || user.groups.iter().any(|g| g == SYSTEM_MASTERS)
        {
            Decision::Allow
        } else {
            Decision::Deny
        }
    }
}

/// Upstream's refusal text.
pub fn forbidden_message(user: &UserInfo, attributes: &Attributes) -> String {
    format!(
        "Forbidden (user={}, verb={}, resource={}, subresource={})",
        user.name, attributes.verb, attributes.resource, attributes.subresource
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::pki::{CertificateAuthority, ClientCertSpec};

    fn user(name: &str, groups: &[&str]) -> UserInfo {
        UserInfo {
            name: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    #[test]
    fn interim_rule() {
        let attrs = Attributes::of(&http::Method::GET, "/containerLogs/ns/p/c", "node-1");
        let authz = InterimAuthorizer;
        assert_eq!(
            authz.authorize(&user("kube-apiserver-kubelet-client", &[]), &attrs),
            Decision::Allow
        );
        assert_eq!(
            authz.authorize(&user("admin", &["system:masters"]), &attrs),
            Decision::Allow
        );
        let node = user("system:node:n", &["system:nodes"]);
        assert_eq!(authz.authorize(&node, &attrs), Decision::Deny);
        assert_eq!(
            forbidden_message(&node, &attrs),
            "Forbidden (user=system:node:n, verb=get, resource=nodes, subresource=proxy)"
        );
    }

    #[test]
    fn attributes_from_requests() {
        let a = Attributes::of(&http::Method::POST, "/exec/ns/p/c", "n");
        assert_eq!((a.verb, a.subresource), ("create", "proxy"));
        let a = Attributes::of(&http::Method::GET, "/stats/summary", "n");
        assert_eq!((a.verb, a.subresource), ("get", "stats"));
        let a = Attributes::of(&http::Method::GET, "/metrics/cadvisor", "n");
        assert_eq!(a.subresource, "metrics");
        let a = Attributes::of(&http::Method::GET, "/metricsx", "n");
        assert_eq!(a.subresource, "proxy");
        let a = Attributes::of(&http::Method::GET, "/logs/syslog", "n");
        assert_eq!(a.subresource, "log");
    }

    #[test]
    fn users_from_certificates() {
        let ca = CertificateAuthority::generate().expect("ca");
        let issued = ca
            .issue_client(&ClientCertSpec::new(
                "kube-apiserver-kubelet-client",
                ["system:masters"],
            ))
            .expect("client");
        let der = common::tls::parse_certificates(issued.cert_pem.as_bytes()).expect("pem");
        let user = user_from_certificate(&der[0]).expect("user");
        assert_eq!(user.name, "kube-apiserver-kubelet-client");
        assert!(user.groups.contains(&"system:masters".to_owned()));
    }
}
