//! Container environment: `envFrom` (configMapRef, secretRef, prefix) then `env` (`value` with
//! `$(VAR)` expansion, `valueFrom`) and the service variables, as upstream's
//! `makeEnvironmentVariables`; and the
//! `$(VAR)` expansion itself (upstream's forked `expansion` package), which `subPathExpr` and
//! container commands share.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::{ConfigMap, Container, Pod, Secret};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::cri::v1::KeyValue;
use crate::downward_api::{self, PodAddresses};
use crate::object_cache::ObjectCache;

/// Why a container's environment cannot be built; the container waits with reason
/// `CreateContainerConfigError` and this message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct EnvError(pub String);

/// Expands `$(NAME)` references in `input` with `mapping`: `$$` is an escaped `$`, an
/// unterminated `$(` and any other `$x` stay as they are.
pub fn expand(input: &str, mut mapping: impl FnMut(&str) -> String) -> String {
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len());
    let mut checkpoint = 0;
    let mut cursor = 0;
    while cursor < bytes.len() {
        if bytes[cursor] == b'$' && cursor + 1 < bytes.len() {
            out.push_str(&input[checkpoint..cursor]);
            let rest = &input[cursor + 1..];
            let advance = match rest.as_bytes()[0] {
                b'$' => {
                    out.push('$');
                    1
                }
                b'(' => match rest.find(')') {
                    Some(end) => {
                        out.push_str(&mapping(&rest[1..end]));
                        end + 1
                    }
                    None => {
                        out.push_str("$(");
                        1
                    }
                },
                _ => {
                    // `$` followed by any other character: both stay.
                    let ch = rest.chars().next().map_or(1, char::len_utf8);
                    out.push('$');
                    out.push_str(&rest[..ch]);
                    ch
                }
            };
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    if checkpoint <= input.len() {
        out.push_str(&input[checkpoint..]);
    }
    out
}

/// `MappingFuncFor`: a name found in `env` expands to its value, any other stays `$(NAME)`.
pub fn env_mapping<'a>(env: &'a HashMap<String, String>) -> impl FnMut(&str) -> String + 'a {
    move |name| {
        env.get(name)
            .cloned()
            .unwrap_or_else(|| format!("$({name})"))
    }
}

/// Environment variable names as the API accepts them with `RelaxedEnvironmentVariableValidation`
/// (on by default in 1.34): printable ASCII except `=`.
pub fn is_env_var_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) && b != b'=')
}

/// Name/value pairs in first-set order; a later set of a name replaces its value in place.
#[derive(Default)]
struct OrderedEnv {
    order: Vec<String>,
    values: HashMap<String, String>,
}

impl OrderedEnv {
    fn set(&mut self, name: String, value: String) {
        if !self.values.contains_key(&name) {
            self.order.push(name.clone());
        }
        self.values.insert(name, value);
    }

    fn into_key_values(mut self) -> Vec<KeyValue> {
        self.order
            .into_iter()
            .map(|key| {
                let value = self.values.remove(&key).unwrap_or_default();
                KeyValue { key, value }
            })
            .collect()
    }
}

/// Fetches of one environment build, so each object is read once.
struct Objects<'a> {
    cache: &'a ObjectCache,
    namespace: &'a str,
    config_maps: HashMap<String, Option<ConfigMap>>,
    secrets: HashMap<String, Option<Secret>>,
}

impl Objects<'_> {
    async fn config_map(&mut self, name: &str) -> Result<Option<&ConfigMap>, EnvError> {
        if !self.config_maps.contains_key(name) {
            let found = self
                .cache
                .config_map(self.namespace, name)
                .await
                .map_err(|e| EnvError(e.to_string()))?;
            self.config_maps.insert(name.to_owned(), found);
        }
        Ok(self.config_maps.get(name).and_then(Option::as_ref))
    }

    async fn secret(&mut self, name: &str) -> Result<Option<&Secret>, EnvError> {
        if !self.secrets.contains_key(name) {
            let found = self
                .cache
                .secret(self.namespace, name)
                .await
                .map_err(|e| EnvError(e.to_string()))?;
            self.secrets.insert(name.to_owned(), found);
        }
        Ok(self.secrets.get(name).and_then(Option::as_ref))
    }
}

fn secret_value(secret: &Secret, key: &str) -> Option<String> {
    secret
        .data
        .as_ref()
        .and_then(|d| d.get(key))
        .map(|v| String::from_utf8_lossy(&v.0).into_owned())
        .or_else(|| {
            secret
                .string_data
                .as_ref()
                .and_then(|d| d.get(key))
                .cloned()
        })
}

/// The environment of `container` (`makeEnvironmentVariables`): envFrom, env, then the
/// service variables the pod's own entries do not set.
pub async fn container_env(
    pod: &Pod,
    container: &Container,
    pod_ips: &[String],
    host_ip: Option<&str>,
    objects: &ObjectCache,
) -> Result<Vec<KeyValue>, EnvError> {
    container_env_with_allocatable(pod, container, pod_ips, host_ip, objects, None).await
}

/// [`container_env`] with the node's allocatable resources, the default of unset limits in
/// `resourceFieldRef` (with `None`, the request or 0).
pub async fn container_env_with_allocatable(
    pod: &Pod,
    container: &Container,
    pod_ips: &[String],
    host_ip: Option<&str>,
    objects: &ObjectCache,
    allocatable: Option<&BTreeMap<String, Quantity>>,
) -> Result<Vec<KeyValue>, EnvError> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let mut fetched = Objects {
        cache: objects,
        namespace,
        config_maps: HashMap::new(),
        secrets: HashMap::new(),
    };
    let mut env = OrderedEnv::default();
    let enable_links = pod
        .spec
        .as_ref()
        .and_then(|s| s.enable_service_links)
        .unwrap_or(true);
    let service_env: HashMap<String, String> = objects
        .service_env(namespace, enable_links)
        .await
        .map_err(EnvError)?
        .into_iter()
        .collect();

    for source in container.env_from.iter().flatten() {
        let prefix = source.prefix.as_deref().unwrap_or("");
        let (kind, name, pairs) = if let Some(r) = &source.config_map_ref {
            let optional = r.optional == Some(true);
            let Some(cm) = fetched.config_map(&r.name).await? else {
                if optional {
                    continue;
                }
                return Err(EnvError(format!("configmap {:?} not found", r.name)));
            };
            let pairs: Vec<(String, String)> = cm
                .data
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            ("configMap", &r.name, pairs)
        } else if let Some(r) = &source.secret_ref {
            let optional = r.optional == Some(true);
            let Some(secret) = fetched.secret(&r.name).await? else {
                if optional {
                    continue;
                }
                return Err(EnvError(format!("secret {:?} not found", r.name)));
            };
            let pairs: Vec<(String, String)> = secret
                .data
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), String::from_utf8_lossy(&v.0).into_owned()))
                .collect();
            ("secret", &r.name, pairs)
        } else {
            continue;
        };
        let mut invalid = Vec::new();
        for (key, value) in pairs {
            let key = format!("{prefix}{key}");
            if is_env_var_name(&key) {
                env.set(key, value);
            } else {
                invalid.push(key);
            }
        }
        if !invalid.is_empty() {
            invalid.sort();
            tracing::warn!(
                reason = "InvalidEnvironmentVariableNames",
                pod = %format!("{namespace}/{}", pod.metadata.name.as_deref().unwrap_or("")),
                "Keys [{}] from the EnvFrom {kind} {namespace}/{name} were skipped since they are considered invalid environment variable names.",
                invalid.join(", "),
            );
        }
    }

    let mut host_ips: Vec<String> = pod
        .status
        .as_ref()
        .and_then(|s| s.host_ips.as_ref())
        .map(|ips| ips.iter().map(|ip| ip.ip.clone()).collect())
        .unwrap_or_default();
    if let Some(ip) = host_ip
        && !host_ips.iter().any(|h| h == ip)
    {
        host_ips.insert(0, ip.to_owned());
    }
    let addresses = PodAddresses {
        pod_ips,
        host_ips: &host_ips,
    };

    for var in container.env.iter().flatten() {
        let literal = var.value.as_deref().unwrap_or("");
        let value = if !literal.is_empty() {
            expand(literal, |name| {
                env.values
                    .get(name)
                    .or_else(|| service_env.get(name))
                    .cloned()
                    .unwrap_or_else(|| format!("$({name})"))
            })
        } else if let Some(from) = &var.value_from {
            if let Some(field) = &from.field_ref {
                downward_api::pod_field(pod, field, addresses).map_err(|e| EnvError(e.0))?
            } else if let Some(resource) = &from.resource_field_ref {
                let target = match resource.container_name.as_deref() {
                    Some(name) if !name.is_empty() => downward_api::find_container(pod, name)
                        .ok_or_else(|| EnvError(format!("container {name} not found")))?,
                    _ => container,
                };
                downward_api::container_resource(resource, target, allocatable)
                    .map_err(|e| EnvError(e.0))?
            } else if let Some(r) = &from.config_map_key_ref {
                let optional = r.optional == Some(true);
                let Some(cm) = fetched.config_map(&r.name).await? else {
                    if optional {
                        continue;
                    }
                    return Err(EnvError(format!("configmap {:?} not found", r.name)));
                };
                let found = cm.data.as_ref().and_then(|d| d.get(&r.key)).cloned();
                match found {
                    Some(v) => v,
                    None if optional => continue,
                    None => {
                        return Err(EnvError(format!(
                            "couldn't find key {} in ConfigMap {namespace}/{}",
                            r.key, r.name
                        )));
                    }
                }
            } else if let Some(r) = &from.secret_key_ref {
                let optional = r.optional == Some(true);
                let Some(secret) = fetched.secret(&r.name).await? else {
                    if optional {
                        continue;
                    }
                    return Err(EnvError(format!("secret {:?} not found", r.name)));
                };
                match secret_value(secret, &r.key) {
                    Some(v) => v,
                    None if optional => continue,
                    None => {
                        return Err(EnvError(format!(
                            "couldn't find key {} in Secret {namespace}/{}",
                            r.key, r.name
                        )));
                    }
                }
            } else {
                String::new()
            }
        } else {
            String::new()
        };
        env.set(var.name.clone(), value);
    }
    let mut services: Vec<(String, String)> = service_env
        .into_iter()
        .filter(|(name, _)| !env.values.contains_key(name))
        .collect();
    services.sort();
    for (name, value) in services {
        env.set(name, value);
    }
    Ok(env.into_key_values())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_with(input: &str, vars: &[(&str, &str)]) -> String {
        let env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        expand(input, env_mapping(&env))
    }

    #[test]
    fn expansion_follows_upstream() {
        let vars = [("VAR_A", "A"), ("VAR_B", "B"), ("EMPTY", "")];
        let cases = [
            ("$(VAR_A)", "A"),
            ("___$(VAR_B)___", "___B___"),
            ("$(VAR_A)-$(VAR_B)", "A-B"),
            ("$(VAR_NOPE)", "$(VAR_NOPE)"),
            ("$$(VAR_A)", "$(VAR_A)"),
            ("$$$(VAR_A)", "$A"),
            ("$$$$(VAR_A)", "$$(VAR_A)"),
            ("$(EMPTY)x", "x"),
            ("$(VAR_A", "$(VAR_A"),
            ("f00__(VAR_A)__", "f00__(VAR_A)__"),
            ("$VAR_A", "$VAR_A"),
            ("$", "$"),
            ("x$", "x$"),
            ("$()", "$()"),
            ("$(VAR_A)$", "A$"),
            ("é$(VAR_A)é", "éAé"),
            ("$é", "$é"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(expand_with(input, &vars), want, "input {input:?}");
        }
    }

    #[test]
    fn env_names() {
        assert!(is_env_var_name("FOO_bar.1-x"));
        assert!(is_env_var_name("1abc"));
        assert!(is_env_var_name("has space"));
        assert!(!is_env_var_name("a=b"));
        assert!(!is_env_var_name(""));
        assert!(!is_env_var_name("tab\t"));
    }
}
