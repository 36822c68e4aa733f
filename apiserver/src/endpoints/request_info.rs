//! What a request is about, from its method, path and query, as upstream's `RequestInfoFactory`
//! (`k8s.io/apiserver/pkg/endpoints/request/requestinfo.go`) derives it: resource requests under
//! `/api` and `/apis` get a verb, API group and version, namespace, resource, name and
//! subresource; everything else is a non-resource request (`/healthz`, `/version`, ...).

/// The parsed request, the input of routing and authorization.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestInfo {
    pub is_resource_request: bool,
    /// Lower-case HTTP method for non-resource requests; a Kubernetes verb otherwise:
    /// get, list, watch, create, update, patch, delete, deletecollection.
    pub verb: String,
    pub path: String,
    /// `api` or `apis`.
    pub api_prefix: String,
    pub api_group: String,
    pub api_version: String,
    pub namespace: String,
    pub resource: String,
    pub subresource: String,
    pub name: String,
    /// Path segments after `/api` or `/apis`.
    pub parts: Vec<String>,
}

/// Whether the query asks for a watch (`watch=true` or `watch=1`), as upstream reads it.
fn query_wants_watch(query: &str) -> bool {
    query.split('&').any(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        key == "watch" && matches!(value, "true" | "1")
    })
}

impl RequestInfo {
    pub fn parse(method: &str, path: &str, query: &str) -> RequestInfo {
        let mut info = RequestInfo {
            verb: method.to_ascii_lowercase(),
            path: path.to_owned(),
            ..RequestInfo::default()
        };
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let Some((&prefix, rest)) = segments.split_first() else {
            return info;
        };
        if prefix != "api" && prefix != "apis" {
            return info;
        }
        info.api_prefix = prefix.to_owned();
        let mut rest: Vec<&str> = rest.to_vec();
        if prefix == "apis" {
            // /apis and /apis/<group> are discovery, not resource requests.
            if rest.len() < 2 {
                return info;
            }
            info.api_group = rest.remove(0).to_owned();
        } else if rest.is_empty() {
            return info;
        }
        info.api_version = rest.remove(0).to_owned();
        if rest.is_empty() || rest == [""] {
            // /api/v1 and /apis/<g>/<v>: discovery.
            return info;
        }
        info.is_resource_request = true;
        info.parts = rest.iter().map(|s| (*s).to_owned()).collect();

        info.verb = match method {
            "POST" => "create",
            "GET" | "HEAD" => "get",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => "",
        }
        .to_owned();

        // Legacy watch paths: /api/v1/watch/namespaces/ns/pods.
        let mut parts = info.parts.clone();
        if parts.first().is_some_and(|p| p == "watch") {
            parts.remove(0);
            info.verb = "watch".into();
        }
        if parts.first().is_some_and(|p| p == "namespaces") && parts.len() > 1 {
            // As upstream: the namespace is set even for the namespace object itself, and
            // /namespaces/<ns>/{status,finalize} are subresources of the namespace.
            info.namespace = parts[1].clone();
            if parts.len() > 2 && !["status", "finalize"].contains(&parts[2].as_str()) {
                parts.drain(..2);
            }
        }
        match parts.len() {
            0 => {}
            1 => info.resource = parts[0].clone(),
            2 => {
                info.resource = parts[0].clone();
                info.name = parts[1].clone();
            }
            _ => {
                info.resource = parts[0].clone();
                info.name = parts[1].clone();
                info.subresource = parts[2].clone();
            }
        }
        if info.name.is_empty() && info.verb == "get" {
            info.verb = if query_wants_watch(query) {
                "watch"
            } else {
                "list"
            }
            .into();
        }
        if info.name.is_empty() && info.verb == "delete" {
            info.verb = "deletecollection".into();
        }
        info
    }

    /// `true` for requests on a single object of a namespaced collection.
    pub fn is_namespaced_request(&self) -> bool {
        !self.namespace.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(method: &str, path: &str) -> RequestInfo {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        RequestInfo::parse(method, path, query)
    }

    #[test]
    fn resource_requests_like_upstream() {
        let cases = [
            (
                "GET",
                "/api/v1/namespaces",
                "list",
                "",
                "",
                "namespaces",
                "",
                "",
            ),
            (
                "GET",
                "/api/v1/namespaces/other",
                "get",
                "",
                "other",
                "namespaces",
                "other",
                "",
            ),
            (
                "GET",
                "/api/v1/namespaces/other/pods/foo",
                "get",
                "",
                "other",
                "pods",
                "foo",
                "",
            ),
            (
                "GET",
                "/api/v1/namespaces/other/pods",
                "list",
                "",
                "other",
                "pods",
                "",
                "",
            ),
            ("GET", "/api/v1/pods", "list", "", "", "pods", "", ""),
            (
                "GET",
                "/api/v1/namespaces/other/pods?watch=true",
                "watch",
                "",
                "other",
                "pods",
                "",
                "",
            ),
            (
                "GET",
                "/api/v1/watch/namespaces/other/pods",
                "watch",
                "",
                "other",
                "pods",
                "",
                "",
            ),
            (
                "POST",
                "/api/v1/namespaces/other/pods",
                "create",
                "",
                "other",
                "pods",
                "",
                "",
            ),
            (
                "PUT",
                "/api/v1/namespaces/other/pods/foo/status",
                "update",
                "",
                "other",
                "pods",
                "foo",
                "status",
            ),
            (
                "DELETE",
                "/api/v1/namespaces/other/pods",
                "deletecollection",
                "",
                "other",
                "pods",
                "",
                "",
            ),
            (
                "PATCH",
                "/apis/apps/v1/namespaces/x/deployments/d/scale",
                "patch",
                "apps",
                "x",
                "deployments",
                "d",
                "scale",
            ),
            (
                "GET",
                "/apis/rbac.authorization.k8s.io/v1/clusterroles",
                "list",
                "rbac.authorization.k8s.io",
                "",
                "clusterroles",
                "",
                "",
            ),
            (
                "PUT",
                "/api/v1/namespaces/ns/finalize",
                "update",
                "",
                "ns",
                "namespaces",
                "ns",
                "finalize",
            ),
        ];
        for (method, path, verb, group, namespace, resource, name, subresource) in cases {
            let info = parse(method, path);
            assert!(info.is_resource_request, "{path}");
            assert_eq!(
                (
                    info.verb.as_str(),
                    info.api_group.as_str(),
                    info.namespace.as_str(),
                    info.resource.as_str(),
                    info.name.as_str(),
                    info.subresource.as_str()
                ),
                (verb, group, namespace, resource, name, subresource),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn discovery_and_other_paths_are_not_resource_requests() {
        for path in [
            "/api",
            "/api/v1",
            "/apis",
            "/apis/apps",
            "/apis/apps/v1",
            "/healthz",
            "/version",
            "/",
        ] {
            assert!(!parse("GET", path).is_resource_request, "{path}");
        }
    }
}
