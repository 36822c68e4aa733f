//! Ephemeral containers in `pkg/apis/core/validation`: `validateEphemeralContainers` (part of
//! every pod spec's validation) and `ValidatePodEphemeralContainersUpdate` (the
//! `pods/ephemeralcontainers` subresource: containers may be added, never changed or removed).

use std::collections::BTreeSet;

use serde_json::Value;

use super::meta::validate_object_meta;
use super::pod::{
    validate_container_common, validate_container_only_for_pod, validate_pod_metadata_and_spec,
};
use super::pod_update::spec_diff;
use super::{arr_of, child, semantic_eq, str_or_empty};
use crate::endpoints::status::{FieldError, go_quote};

/// The fields of `EphemeralContainerCommon` an ephemeral container may not set, in the
/// struct's order (upstream lists the allowed ones; everything else is refused).
const FORBIDDEN_FIELDS: [&str; 9] = [
    "ports",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "restartPolicyRules",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
];

/// The annotation that marks a mirror (static) pod.
const MIRROR_POD_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// `validateEphemeralContainers`: common container rules, names unique across every container
/// of the pod, an existing non-ephemeral target, and none of the fields that would make the
/// container part of the workload.
pub fn validate_ephemeral_containers(
    ephemeral: &[Value],
    containers: &[Value],
    init_containers: &[Value],
    volumes: &BTreeSet<String>,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if ephemeral.is_empty() {
        return errs;
    }
    let others: BTreeSet<&str> = containers
        .iter()
        .chain(init_containers)
        .map(|c| str_or_empty(c, "name"))
        .collect();
    let mut all = others.clone();
    for (i, ec) in ephemeral.iter().enumerate() {
        let p = format!("{path}[{i}]");
        errs.extend(validate_container_common(ec, volumes, &p));
        errs.extend(validate_container_only_for_pod(ec, &p));
        let name = str_or_empty(ec, "name");
        if !all.insert(name) {
            errs.push(FieldError::duplicate(format!("{p}.name"), name));
        }
        let target = str_or_empty(ec, "targetContainerName");
        if !target.is_empty() && !others.contains(target) {
            errs.push(FieldError::not_found(
                format!("{p}.targetContainerName"),
                target,
            ));
        }
        for field in FORBIDDEN_FIELDS {
            if is_set(ec, field) {
                errs.push(FieldError::forbidden(
                    format!("{p}.{field}"),
                    "cannot be set for an Ephemeral Container",
                ));
            }
        }
        for (m, mount) in arr_of(ec, "volumeMounts").iter().enumerate() {
            for field in ["subPath", "subPathExpr"] {
                if !str_or_empty(mount, field).is_empty() {
                    errs.push(FieldError::forbidden(
                        format!("{p}.volumeMounts[{m}].{field}"),
                        "cannot be set for an Ephemeral Container",
                    ));
                }
            }
        }
    }
    errs
}

/// Whether a field differs from its Go zero value: pointers, slices and maps are set when
/// present (an empty list is not nil); `resources` is a struct, set when any part of it is.
fn is_set(container: &Value, field: &str) -> bool {
    let value = child(container, field);
    if field == "resources" {
        return ["limits", "requests", "claims"]
            .iter()
            .any(|part| !child(value, part).is_null());
    }
    !value.is_null()
}

/// `ValidatePodEphemeralContainersUpdate`: `new` differs from `old` only in its ephemeral
/// containers (the strategy made it so); existing ones may be neither removed nor changed.
pub fn validate_ephemeral_containers_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = validate_object_meta(new);
    errs.extend(validate_pod_metadata_and_spec(new));
    if child(child(old, "metadata"), "annotations")
        .get(MIRROR_POD_ANNOTATION)
        .is_some()
    {
        return vec![FieldError::forbidden(
            "",
            "static pods do not support ephemeral containers",
        )];
    }
    let path = "spec.ephemeralContainers";
    let current = arr_of(child(new, "spec"), "ephemeralContainers");
    for before in arr_of(child(old, "spec"), "ephemeralContainers") {
        let name = str_or_empty(before, "name");
        // Patches need not keep the order, so containers are matched by name.
        match current.iter().find(|c| str_or_empty(c, "name") == name) {
            None => errs.push(FieldError::forbidden(
                path,
                format!(
                    "existing ephemeral containers {} may not be removed\n",
                    go_quote(name)
                ),
            )),
            Some(after) if !semantic_eq(before, after) => {
                let mut diff = Vec::new();
                spec_diff(before, after, name, &mut diff);
                errs.push(FieldError::forbidden(
                    path,
                    format!(
                        "existing ephemeral containers {} may not be changed\n{}",
                        go_quote(name),
                        diff.join("\n")
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(ephemeral: Value) -> Value {
        json!({"metadata": {"name": "p"}, "spec": {
            "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
            "volumes": [{"name": "data", "emptyDir": {}}],
            "containers": [{"name": "app", "image": "nginx", "terminationMessagePolicy": "File",
                "imagePullPolicy": "Always"}],
            "ephemeralContainers": ephemeral}})
    }

    fn debugger(name: &str) -> Value {
        json!({"name": name, "image": "busybox", "terminationMessagePolicy": "File",
            "imagePullPolicy": "IfNotPresent", "targetContainerName": "app"})
    }

    fn messages(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn new_ephemeral_containers_are_validated() {
        let mut bad = debugger("app");
        bad["image"] = json!("");
        bad["targetContainerName"] = json!("nope");
        bad["ports"] = json!([]);
        bad["resources"] = json!({"limits": {"cpu": "1"}});
        bad["livenessProbe"] = json!({"exec": {"command": ["true"]}});
        bad["lifecycle"] = json!({});
        bad["restartPolicy"] = json!("Always");
        bad["volumeMounts"] = json!([{"name": "data", "mountPath": "/d", "subPath": "x"}]);
        let old = pod(json!([]));
        let new = pod(json!([bad]));
        assert_eq!(
            messages(&validate_ephemeral_containers_update(&new, &old)),
            [
                "spec.ephemeralContainers[0].image: Required value",
                "spec.ephemeralContainers[0].name: Duplicate value: \"app\"",
                "spec.ephemeralContainers[0].targetContainerName: Not found: \"nope\"",
                "spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
                "spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container",
                "spec.ephemeralContainers[0].restartPolicy: Forbidden: cannot be set for an Ephemeral Container",
                "spec.ephemeralContainers[0].livenessProbe: Forbidden: cannot be set for an Ephemeral Container",
                "spec.ephemeralContainers[0].lifecycle: Forbidden: cannot be set for an Ephemeral Container",
                "spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container",
            ]
        );
    }

    #[test]
    fn an_empty_resources_struct_is_not_set() {
        let mut ok = debugger("dbg");
        ok["resources"] = json!({});
        let new = pod(json!([ok]));
        assert!(validate_ephemeral_containers_update(&new, &pod(json!([]))).is_empty());
    }

    #[test]
    fn existing_ephemeral_containers_stay_as_they_are() {
        let old = pod(json!([debugger("one"), debugger("two")]));
        // Reordered and one added: fine.
        let added = pod(json!([debugger("two"), debugger("one"), debugger("three")]));
        assert!(validate_ephemeral_containers_update(&added, &old).is_empty());

        let removed = pod(json!([debugger("two")]));
        assert_eq!(
            messages(&validate_ephemeral_containers_update(&removed, &old)),
            [
                "spec.ephemeralContainers: Forbidden: existing ephemeral containers \"one\" may not be removed\n"
            ]
        );

        let mut changed = debugger("one");
        changed["image"] = json!("alpine");
        let changed = pod(json!([changed, debugger("two")]));
        let errs = messages(&validate_ephemeral_containers_update(&changed, &old));
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].starts_with(
                "spec.ephemeralContainers: Forbidden: existing ephemeral containers \"one\" may not be changed\n"
            ),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn static_pods_take_no_ephemeral_containers() {
        let mut old = pod(json!([]));
        old["metadata"]["annotations"] = json!({MIRROR_POD_ANNOTATION: "abc"});
        old["spec"]["nodeName"] = json!("n1");
        let mut new = pod(json!([debugger("dbg")]));
        new["metadata"] = old["metadata"].clone();
        assert_eq!(
            messages(&validate_ephemeral_containers_update(&new, &old)),
            [": Forbidden: static pods do not support ephemeral containers"]
        );
    }
}
