//! Tests of `crd.rs`: the crontab CRD of the documentation and upstream's messages.

use serde_json::{Value, json};

use super::*;
use crate::registry::customresource::crd_defaults::{default_crd, prepare_crd_for_create};
use crate::registry::customresource::validate::tests::crontab_schema;

pub(crate) fn crontab_crd() -> Value {
    let mut crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "crontabs.stable.example.com"},
        "spec": {"group": "stable.example.com", "scope": "Namespaced",
            "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"]},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": crontab_schema()}}]}});
    default_crd(&mut crd);
    prepare_crd_for_create(&mut crd);
    crd
}

fn errors(crd: &Value) -> Vec<String> {
    validate_crd(crd).iter().map(ToString::to_string).collect()
}

#[test]
fn the_crontab_crd_is_valid() {
    assert_eq!(errors(&crontab_crd()), Vec::<String>::new());
}

#[test]
fn names_group_and_scope() {
    let mut crd = crontab_crd();
    crd["metadata"]["name"] = json!("crontab.stable.example.com");
    crd["spec"]["group"] = json!("example");
    crd["spec"]["scope"] = json!("Global");
    crd["spec"]["names"]["kind"] = json!("Cron_Tab");
    crd["spec"]["names"]["listKind"] = json!("Cron_Tab");
    crd["spec"]["names"]["shortNames"] = json!(["CT"]);
    assert_eq!(
        errors(&crd),
        vec![
            "metadata.name: Invalid value: \"crontab.stable.example.com\": must be spec.names.plural+\".\"+spec.group",
            "spec.group: Invalid value: \"example\": should be a domain with at least one dot",
            "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"",
            "spec.names.kind: Invalid value: \"Cron_Tab\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            "spec.names.listKind: Invalid value: \"Cron_Tab\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            "spec.names.shortNames[0]: Invalid value: \"CT\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            "spec.names.listKind: Invalid value: \"Cron_Tab\": kind and listKind may not be the same",
        ]
    );
}

#[test]
fn required_fields() {
    let crd = json!({"metadata": {"name": "x"}, "spec": {"versions": []}, "status": {"storedVersions": []}});
    assert_eq!(
        errors(&crd),
        vec![
            "metadata.name: Invalid value: \"x\": must be spec.names.plural+\".\"+spec.group",
            "spec.group: Required value",
            "spec.scope: Required value",
            "spec.versions: Invalid value: must have exactly one version marked as storage version",
            "spec.names.plural: Required value",
            "spec.names.singular: Required value",
            "spec.names.kind: Required value",
            "spec.names.listKind: Required value",
            "status.storedVersions: Invalid value: []: must have at least one stored version",
        ]
    );
}

#[test]
fn versions() {
    let mut crd = crontab_crd();
    let v1 = crd["spec"]["versions"][0].clone();
    let mut v2 = v1.clone();
    v2["storage"] = json!(true);
    let mut bad = v1.clone();
    bad["name"] = json!("V3");
    bad["storage"] = json!(false);
    bad.as_object_mut().unwrap().remove("schema");
    bad["deprecationWarning"] = json!("old");
    crd["spec"]["versions"] = json!([v1, v2, bad]);
    assert_eq!(
        errors(&crd),
        vec![
            "spec.versions[2].schema.openAPIV3Schema: Required value: schemas are required",
            "spec.versions[2].name: Invalid value: \"V3\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            "spec.versions[2].deprecationWarning: Invalid value: \"old\": can only be set for deprecated versions",
            "spec.versions: Invalid value: must contain unique version names",
            "spec.versions: Invalid value: must have exactly one version marked as storage version",
        ]
    );
}

#[test]
fn a_non_structural_schema_is_refused_under_spec_validation_when_shared() {
    let mut crd = crontab_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = json!({"type": "object", "properties": {"spec": {"properties": {"a": {"type": "string"}}}}});
    assert_eq!(
        errors(&crd),
        vec![
            "spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields"
        ]
    );
}

#[test]
fn conversion() {
    let mut crd = crontab_crd();
    crd["spec"]["conversion"] = json!({"strategy": "Webhook", "webhook": {
        "clientConfig": {"url": "http://user@example.com/convert?x=1"},
        "conversionReviewVersions": ["v2", "v2"]}});
    assert_eq!(
        errors(&crd),
        vec![
            "spec.conversion.webhookClientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]",
            "spec.conversion.webhookClientConfig.url: Invalid value: \"user\": user information is not permitted in the URL",
            "spec.conversion.webhookClientConfig.url: Invalid value: \"x=1\": query parameters are not permitted in the URL",
            "spec.conversion.conversionReviewVersions[1]: Invalid value: \"v2\": duplicate version",
            "spec.conversion.conversionReviewVersions: Invalid value: [\"v2\",\"v2\"]: must include at least one of v1, v1beta1",
        ]
    );
    crd["spec"]["conversion"] =
        json!({"strategy": "None", "webhook": {"conversionReviewVersions": ["v1"]}});
    assert_eq!(
        errors(&crd),
        vec![
            "spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook"
        ]
    );
    crd["spec"]["conversion"] = json!({"strategy": "Webhook", "webhook": {
        "clientConfig": {"service": {"name": "conv", "namespace": "ns", "path": "/a//b", "port": 0}},
        "conversionReviewVersions": ["v1"]}});
    assert_eq!(
        errors(&crd),
        vec![
            "spec.conversion.webhookClientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive",
            "spec.conversion.webhookClientConfig.service.path: Invalid value: \"/a//b\": segment[1] may not be empty",
        ]
    );
}

#[test]
fn protected_groups_need_approval() {
    let mut crd = crontab_crd();
    crd["metadata"]["name"] = json!("crontabs.stable.k8s.io");
    crd["spec"]["group"] = json!("stable.k8s.io");
    assert_eq!(
        errors(&crd),
        vec![
            "metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation \"api-approved.kubernetes.io\", see https://github.com/kubernetes/enhancements/pull/1111"
        ]
    );
    crd["metadata"]["annotations"] = json!({"api-approved.kubernetes.io": "unapproved, testing"});
    assert!(errors(&crd).is_empty());
}

#[test]
fn updates_keep_group_and_plural_and_once_established_scope_and_kind() {
    let mut old = crontab_crd();
    old["status"]["conditions"] = json!([{"type": "Established", "status": "True"}]);
    let mut new = old.clone();
    new["spec"]["group"] = json!("other.example.com");
    new["spec"]["scope"] = json!("Cluster");
    new["spec"]["names"]["kind"] = json!("Cron");
    new["spec"]["names"]["listKind"] = json!("CronList");
    let errs: Vec<String> = validate_crd_update(&new, &old)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errs,
        vec![
            "spec.scope: Invalid value: \"Cluster\": field is immutable",
            "spec.names.kind: Invalid value: \"Cron\": field is immutable",
            "spec.group: Invalid value: \"other.example.com\": field is immutable",
        ]
    );
    old["status"]["conditions"] = json!([]);
    let errs = validate_crd_update(&new, &old);
    assert_eq!(errs.len(), 1);
    let bad_status = json!({"status": {"acceptedNames": {"plural": "Bad"}}});
    assert_eq!(validate_crd_status_update(&bad_status, &old).len(), 1);
}

#[test]
fn distinct_schemas_are_checked_per_version_and_the_first_name_as_spec_version() {
    let mut crd = crontab_crd();
    let mut v2 = crd["spec"]["versions"][0].clone();
    v2["name"] = json!("v2");
    v2["storage"] = json!(false);
    v2["schema"]["openAPIV3Schema"]["properties"]["spec"]["type"] = json!("null");
    let mut v1 = crd["spec"]["versions"][0].clone();
    v1["name"] = json!("V1");
    crd["spec"]["versions"] = json!([v1, v2]);
    crd["status"]["storedVersions"] = json!(["V1"]);
    let errs = errors(&crd);
    assert_eq!(
        errs[1],
        "spec.versions[1].schema.openAPIV3Schema.properties[spec].type: Forbidden: type cannot be set to null, use nullable as an alternative"
    );
    assert!(errs[0].starts_with("spec.versions[0].name: Invalid value: \"V1\": a DNS-1035 label"));
    assert!(errs[2].starts_with("spec.version: Invalid value: \"V1\": a DNS-1035 label"));
}
