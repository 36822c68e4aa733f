//! The payloads of the projected-file volumes: `configMap`, `secret`, `downwardAPI` and
//! `projected` (upstream `MakePayload` of the configmap and secret plugins, downwardapi's
//! `CollectData` and projected's `collectData`), with upstream's error messages.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, DownwardAPIVolumeFile, KeyToPath, Pod, ProjectedVolumeSource,
    Secret, SecretVolumeSource,
};

use super::atomic_writer::{FileProjection, Payload};
use crate::downward_api::{self, PodAddresses};
use crate::object_cache::ObjectCache;

/// `defaultMode` when the pod leaves it unset (the API defaults it to 0644 as well).
pub const DEFAULT_MODE: i32 = 0o644;

fn mode(mode: Option<i32>, default: i32) -> u32 {
    u32::try_from(mode.unwrap_or(default)).unwrap_or(0o644) & 0o7777
}

/// The files of a ConfigMap: all keys (`data` and `binaryData`) or the listed `items`.
pub fn config_map_payload(
    items: Option<&[KeyToPath]>,
    config_map: &ConfigMap,
    default_mode: Option<i32>,
    optional: bool,
) -> Result<Payload, String> {
    let default = default_mode.unwrap_or(DEFAULT_MODE);
    let lookup = |key: &str| {
        config_map
            .data
            .as_ref()
            .and_then(|d| d.get(key))
            .map(|s| s.as_bytes().to_vec())
            .or_else(|| {
                config_map
                    .binary_data
                    .as_ref()
                    .and_then(|d| d.get(key))
                    .map(|b| b.0.clone())
            })
    };
    let mut payload = Payload::new();
    match items {
        Some(items) if !items.is_empty() => {
            for item in items {
                let Some(data) = lookup(&item.key) else {
                    if optional {
                        continue;
                    }
                    return Err(format!(
                        "configmap references non-existent config key: {}",
                        item.key
                    ));
                };
                payload.insert(
                    item.path.clone(),
                    FileProjection {
                        data,
                        mode: mode(item.mode, default),
                    },
                );
            }
        }
        _ => {
            let keys = config_map
                .data
                .iter()
                .flat_map(|d| d.keys())
                .chain(config_map.binary_data.iter().flat_map(|d| d.keys()));
            for key in keys {
                if let Some(data) = lookup(key) {
                    payload.insert(
                        key.clone(),
                        FileProjection {
                            data,
                            mode: mode(None, default),
                        },
                    );
                }
            }
        }
    }
    Ok(payload)
}

/// The files of a Secret: all keys or the listed `items`.
pub fn secret_payload(
    items: Option<&[KeyToPath]>,
    secret: &Secret,
    default_mode: Option<i32>,
    optional: bool,
) -> Result<Payload, String> {
    let default = default_mode.unwrap_or(DEFAULT_MODE);
    let data: BTreeMap<&String, &Vec<u8>> = secret
        .data
        .iter()
        .flatten()
        .map(|(k, v)| (k, &v.0))
        .collect();
    let mut payload = Payload::new();
    match items {
        Some(items) if !items.is_empty() => {
            for item in items {
                let Some(bytes) = data.get(&item.key) else {
                    if optional {
                        continue;
                    }
                    return Err(format!("references non-existent secret key: {}", item.key));
                };
                payload.insert(
                    item.path.clone(),
                    FileProjection {
                        data: (*bytes).clone(),
                        mode: mode(item.mode, default),
                    },
                );
            }
        }
        _ => {
            for (key, bytes) in data {
                payload.insert(
                    key.clone(),
                    FileProjection {
                        data: bytes.clone(),
                        mode: mode(None, default),
                    },
                );
            }
        }
    }
    Ok(payload)
}

/// The files of a downward API projection (`CollectData`).
pub fn downward_api_payload(
    items: &[DownwardAPIVolumeFile],
    pod: &Pod,
    default_mode: Option<i32>,
    addresses: PodAddresses<'_>,
) -> Result<Payload, String> {
    let default = default_mode.unwrap_or(DEFAULT_MODE);
    let mut payload = Payload::new();
    let mut errors = Vec::new();
    for item in items {
        let value = if let Some(field) = &item.field_ref {
            downward_api::pod_field(pod, field, addresses).map_err(|e| e.0)
        } else if let Some(resource) = &item.resource_field_ref {
            let name = resource.container_name.as_deref().unwrap_or("");
            match downward_api::find_container(pod, name) {
                Some(container) => {
                    downward_api::container_resource(resource, container, None).map_err(|e| e.0)
                }
                None => Err(format!("container {name} not found")),
            }
        } else {
            continue;
        };
        match value {
            Ok(value) => {
                payload.insert(
                    item.path.clone(),
                    FileProjection {
                        data: value.into_bytes(),
                        mode: mode(item.mode, default),
                    },
                );
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(payload)
    } else {
        Err(aggregate(errors))
    }
}

/// `utilerrors.NewAggregate(...).Error()`: one error as itself, several as `[a, b]`.
fn aggregate(errors: Vec<String>) -> String {
    if errors.len() == 1 {
        errors.into_iter().next().unwrap_or_default()
    } else {
        format!("[{}]", errors.join(", "))
    }
}

/// The ConfigMap a `configMap` volume names; `None` with an error message when it is missing
/// and not optional, an empty ConfigMap when it is missing and optional.
pub async fn resolve_config_map(
    objects: &ObjectCache,
    namespace: &str,
    source: &ConfigMapVolumeSource,
) -> Result<ConfigMap, String> {
    match objects.config_map(namespace, &source.name).await {
        Ok(Some(cm)) => Ok(cm),
        Ok(None) if source.optional == Some(true) => Ok(ConfigMap::default()),
        Ok(None) => Err(format!("configmap {:?} not found", source.name)),
        Err(e) => Err(e.to_string()),
    }
}

pub async fn resolve_secret(
    objects: &ObjectCache,
    namespace: &str,
    source: &SecretVolumeSource,
) -> Result<Secret, String> {
    let name = source.secret_name.as_deref().unwrap_or("");
    match objects.secret(namespace, name).await {
        Ok(Some(secret)) => Ok(secret),
        Ok(None) if source.optional == Some(true) => Ok(Secret::default()),
        Ok(None) => Err(format!("secret {name:?} not found")),
        Err(e) => Err(e.to_string()),
    }
}

/// The files of a `projected` volume, from every source in order.
pub async fn projected_payload(
    source: &ProjectedVolumeSource,
    pod: &Pod,
    objects: &ObjectCache,
    addresses: PodAddresses<'_>,
) -> Result<Payload, String> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let default_mode = source.default_mode;
    let mut payload = Payload::new();
    let mut errors = Vec::new();
    for projection in source.sources.iter().flatten() {
        let part = if let Some(cm) = &projection.config_map {
            let optional = cm.optional == Some(true);
            match objects.config_map(namespace, &cm.name).await {
                Ok(Some(found)) => {
                    config_map_payload(cm.items.as_deref(), &found, default_mode, optional)
                }
                Ok(None) if optional => continue,
                Ok(None) => Err(format!("configmap {:?} not found", cm.name)),
                Err(e) => Err(format!(
                    "couldn't get configMap {namespace}/{}: {e}",
                    cm.name
                )),
            }
        } else if let Some(s) = &projection.secret {
            let optional = s.optional == Some(true);
            match objects.secret(namespace, &s.name).await {
                Ok(Some(found)) => {
                    secret_payload(s.items.as_deref(), &found, default_mode, optional)
                }
                Ok(None) if optional => continue,
                Ok(None) => Err(format!("secret {:?} not found", s.name)),
                Err(e) => Err(format!("couldn't get secret {namespace}/{}: {e}", s.name)),
            }
        } else if let Some(d) = &projection.downward_api {
            downward_api_payload(
                d.items.as_deref().unwrap_or(&[]),
                pod,
                default_mode,
                addresses,
            )
        } else if projection.service_account_token.is_some() {
            Err("serviceAccountToken projections are not supported yet: the API server does not issue tokens (serviceaccounts/token)".to_owned())
        } else if projection.cluster_trust_bundle.is_some() {
            Err("clusterTrustBundle projections are not supported".to_owned())
        } else if projection.pod_certificate.is_some() {
            Err("podCertificate projections are not supported".to_owned())
        } else {
            continue;
        };
        match part {
            Ok(files) => payload.extend(files),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(payload)
    } else {
        Err(aggregate(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::ByteString;

    fn cm() -> ConfigMap {
        ConfigMap {
            data: Some(BTreeMap::from([
                ("a".into(), "1".into()),
                ("b".into(), "2".into()),
            ])),
            binary_data: Some(BTreeMap::from([("bin".into(), ByteString(vec![0, 1]))])),
            ..Default::default()
        }
    }

    fn item(key: &str, path: &str, mode: Option<i32>) -> KeyToPath {
        KeyToPath {
            key: key.into(),
            path: path.into(),
            mode,
        }
    }

    #[test]
    fn config_map_keys_items_and_modes() {
        let all = config_map_payload(None, &cm(), Some(0o400), false).unwrap();
        assert_eq!(all.keys().collect::<Vec<_>>(), ["a", "b", "bin"]);
        assert_eq!(all["bin"].data, [0, 1]);
        assert_eq!(all["a"].mode, 0o400);
        let items = [item("a", "dir/x", Some(0o600)), item("b", "y", None)];
        let some = config_map_payload(Some(&items), &cm(), None, false).unwrap();
        assert_eq!(some.keys().collect::<Vec<_>>(), ["dir/x", "y"]);
        assert_eq!(some["dir/x"].mode, 0o600);
        assert_eq!(some["y"].mode, 0o644);
        let missing = [item("zz", "z", None)];
        assert_eq!(
            config_map_payload(Some(&missing), &cm(), None, false).unwrap_err(),
            "configmap references non-existent config key: zz"
        );
        assert!(
            config_map_payload(Some(&missing), &cm(), None, true)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn secret_missing_key_message() {
        let secret = Secret {
            data: Some(BTreeMap::from([("k".into(), ByteString(b"v".to_vec()))])),
            ..Default::default()
        };
        let missing = [item("nope", "n", None)];
        assert_eq!(
            secret_payload(Some(&missing), &secret, None, false).unwrap_err(),
            "references non-existent secret key: nope"
        );
        let all = secret_payload(None, &secret, None, false).unwrap();
        assert_eq!(all["k"].data, b"v");
    }
}
