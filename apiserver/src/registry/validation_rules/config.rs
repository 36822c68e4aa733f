//! ConfigMap and Secret rules of `pkg/apis/core/validation` (`ValidateConfigMap`,
//! `ValidateSecret` and their update counterparts).

use serde_json::{Map, Value};

use super::names::config_map_key;
use super::{child, obj_of, semantic_eq, str_or_empty};
use crate::endpoints::status::FieldError;

/// `core.MaxSecretSize` (also the ConfigMap limit).
pub const MAX_SECRET_SIZE: usize = 1024 * 1024;

/// Decoded length of standard base64 (what `[]byte` fields hold after JSON decoding).
fn base64_len(s: &str) -> usize {
    let pad = s.bytes().rev().take_while(|&b| b == b'=').count();
    (s.len() / 4 * 3 + (s.len() % 4) * 3 / 4).saturating_sub(pad)
}

fn entries(obj: &Value, key: &str) -> Vec<(String, usize)> {
    let empty = Map::new();
    obj_of(obj, key)
        .unwrap_or(&empty)
        .iter()
        .map(|(k, v)| {
            let v = v.as_str().unwrap_or("");
            let len = if key == "binaryData" {
                base64_len(v)
            } else {
                v.len()
            };
            (k.clone(), len)
        })
        .collect()
}

/// `ValidateConfigMap` (without ObjectMeta).
pub fn validate_config_map(cm: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut total = 0usize;
    let binary = obj_of(cm, "binaryData");
    for (k, len) in entries(cm, "data") {
        let p = format!("data[{k}]");
        for m in config_map_key(&k) {
            errs.push(FieldError::invalid(&p, k.as_str(), m));
        }
        if binary.is_some_and(|b| b.contains_key(&k)) {
            errs.push(FieldError::invalid(
                &p,
                k.as_str(),
                "duplicate of key present in binaryData",
            ));
        }
        total += len;
    }
    for (k, len) in entries(cm, "binaryData") {
        for m in config_map_key(&k) {
            errs.push(FieldError::invalid(
                format!("binaryData[{k}]"),
                k.as_str(),
                m,
            ));
        }
        total += len;
    }
    if total > MAX_SECRET_SIZE {
        // Upstream passes field.NewPath(""), which prints as `[]`.
        errs.push(FieldError::too_long("[]", MAX_SECRET_SIZE));
    }
    errs
}

/// `ValidateSecret` (without ObjectMeta). `stringData` counts as `data`, since upstream merges
/// it during conversion before validating.
pub fn validate_secret(secret: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut all: Vec<(String, usize)> = obj_of(secret, "data")
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), base64_len(v.as_str().unwrap_or(""))))
        .collect();
    for (k, v) in obj_of(secret, "stringData").into_iter().flatten() {
        let len = v.as_str().map_or(0, str::len);
        match all.iter_mut().find(|(key, _)| key == k) {
            Some(e) => e.1 = len,
            None => all.push((k.clone(), len)),
        }
    }
    all.sort();
    let mut total = 0usize;
    for (k, len) in &all {
        for m in config_map_key(k) {
            errs.push(FieldError::invalid(format!("data[{k}]"), k.as_str(), m));
        }
        total += len;
    }
    if total > MAX_SECRET_SIZE {
        errs.push(FieldError::too_long("data", MAX_SECRET_SIZE));
    }
    let has = |k: &str| all.iter().any(|(key, _)| key == k);
    let len_of = |k: &str| all.iter().find(|(key, _)| key == k).map_or(0, |e| e.1);
    let required = |k: &str| FieldError::required(format!("data[{k}]"), "");
    match str_or_empty(secret, "type") {
        "kubernetes.io/service-account-token" => {
            let annotations = child(child(secret, "metadata"), "annotations");
            if annotations
                .get("kubernetes.io/service-account.name")
                .is_none()
            {
                errs.push(FieldError::required(
                    "metadata.annotations[kubernetes.io/service-account.name]",
                    "",
                ));
            }
        }
        "kubernetes.io/dockercfg" if !has(".dockercfg") => errs.push(required(".dockercfg")),
        "kubernetes.io/dockerconfigjson" if !has(".dockerconfigjson") => {
            errs.push(required(".dockerconfigjson"));
        }
        "kubernetes.io/basic-auth" if !has("username") && !has("password") => {
            errs.push(required("username"));
            errs.push(required("password"));
        }
        "kubernetes.io/ssh-auth" if len_of("ssh-privatekey") == 0 => {
            errs.push(required("ssh-privatekey"));
        }
        "kubernetes.io/tls" => {
            for k in ["tls.crt", "tls.key"] {
                if !has(k) {
                    errs.push(required(k));
                }
            }
        }
        _ => {}
    }
    errs
}

fn is_immutable(v: &Value) -> bool {
    v.get("immutable").and_then(Value::as_bool) == Some(true)
}

/// The `immutable: true` rules shared by ConfigMap and Secret updates.
fn immutable_rules(new: &Value, old: &Value, fields: &[&str]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if !is_immutable(old) {
        return errs;
    }
    if !is_immutable(new) {
        errs.push(FieldError::forbidden(
            "immutable",
            "field is immutable when `immutable` is set",
        ));
    }
    for f in fields {
        if !semantic_eq(child(new, f), child(old, f)) {
            errs.push(FieldError::forbidden(
                *f,
                "field is immutable when `immutable` is set",
            ));
        }
    }
    errs
}

/// `ValidateConfigMapUpdate` (update-only part).
pub fn validate_config_map_update(new: &Value, old: &Value) -> Vec<FieldError> {
    immutable_rules(new, old, &["data", "binaryData"])
}

/// `ValidateSecretUpdate` (update-only part): `type` is immutable.
pub fn validate_secret_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let (nt, ot) = (str_or_empty(new, "type"), str_or_empty(old, "type"));
    if nt != ot {
        errs.push(FieldError::immutable("type", nt));
    }
    errs.extend(immutable_rules(new, old, &["data"]));
    errs
}
