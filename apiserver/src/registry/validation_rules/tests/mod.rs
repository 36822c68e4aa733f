//! Tests: realistic, upstream-defaulted objects with the exact `FieldError` strings upstream
//! returns (upstream function cited per test), and a deterministic no-panic fuzz test.

use serde_json::{Value, json};

use super::{validate, validate_update};

mod access;
mod apps;
mod core_kinds;
mod fuzz;
mod misc;
mod networking;
mod service;

/// `Display` strings of the errors.
fn msgs(errs: &[crate::endpoints::status::FieldError]) -> Vec<String> {
    errs.iter().map(ToString::to_string).collect()
}

/// A pod as kubectl sends it after upstream's v1 defaulting.
fn pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "containers": [container("nginx", "nginx:1.27")],
            "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
            "terminationGracePeriodSeconds": 30, "schedulerName": "default-scheduler",
            "securityContext": {}, "enableServiceLinks": true, "preemptionPolicy": "PreemptLowerPriority",
            "priority": 0,
        }
    })
}

fn container(name: &str, image: &str) -> Value {
    json!({
        "name": name, "image": image, "imagePullPolicy": "IfNotPresent",
        "ports": [{"containerPort": 80, "protocol": "TCP"}],
        "resources": {}, "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    })
}

fn pod_errs(f: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut p = pod();
    f(&mut p);
    msgs(&validate("", "Pod", &p))
}

#[test]
fn valid_pod_has_no_errors() {
    assert_eq!(pod_errs(|_| {}), Vec::<String>::new());
}

#[test]
fn containers_required() {
    // validateContainers: len(containers) == 0 -> Required.
    let e = pod_errs(|p| p["spec"]["containers"] = json!([]));
    assert_eq!(e, ["spec.containers: Required value"]);
}

#[test]
fn container_name_dns_label_and_unique() {
    // validateContainerCommon -> ValidateDNS1123Label; validateContainers -> Duplicate.
    let e = pod_errs(|p| {
        p["spec"]["containers"] = json!([
            container("Web_1", "a"),
            container("a", "b"),
            container("a", "c")
        ]);
        p["spec"]["containers"][2]["ports"] = json!([]);
        p["spec"]["containers"][1]["ports"] = json!([]);
    });
    assert_eq!(
        e,
        [
            "spec.containers[0].name: Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            "spec.containers[2].name: Duplicate value: \"a\"",
        ]
    );
    let e = pod_errs(|p| p["spec"]["containers"][0]["name"] = json!("a.b"));
    assert_eq!(
        e,
        ["spec.containers[0].name: Invalid value: \"a.b\": must not contain dots"]
    );
}

#[test]
fn image_required() {
    // validateContainerCommon: len(ctr.Image) == 0 -> Required.
    let e = pod_errs(|p| p["spec"]["containers"][0]["image"] = json!(""));
    assert_eq!(e, ["spec.containers[0].image: Required value"]);
    // validateContainersOnlyForPod: surrounding whitespace.
    let e = pod_errs(|p| p["spec"]["containers"][0]["image"] = json!(" nginx"));
    assert_eq!(
        e,
        [
            "spec.containers[0].image: Invalid value: \" nginx\": must not have leading or trailing whitespace"
        ]
    );
}

#[test]
fn container_ports() {
    // validateContainerPorts: IsValidPortNum, supportedPortProtocols, IsValidPortName, Duplicate.
    let e = pod_errs(|p| {
        p["spec"]["containers"][0]["ports"] = json!([
            {"containerPort": 70000, "protocol": "TCP", "name": "http"},
            {"containerPort": 81, "protocol": "ICMP", "name": "http"},
            {"containerPort": 82, "protocol": "TCP", "name": "Http--"},
            {"containerPort": 0, "protocol": "UDP"},
        ]);
    });
    assert_eq!(
        e,
        [
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.containers[0].ports[1].name: Duplicate value: \"http\"",
            "spec.containers[0].ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "spec.containers[0].ports[2].name: Invalid value: \"Http--\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "spec.containers[0].ports[2].name: Invalid value: \"Http--\": must not contain consecutive hyphens",
            "spec.containers[0].ports[2].name: Invalid value: \"Http--\": must not begin or end with a hyphen",
            "spec.containers[0].ports[3].containerPort: Required value",
        ]
    );
}

#[test]
fn restart_and_dns_policy() {
    // validateRestartPolicy, validateDNSPolicy, validatePodDNSConfig.
    let e = pod_errs(|p| {
        p["spec"]["restartPolicy"] = json!("Sometimes");
        p["spec"]["dnsPolicy"] = json!("Cluster");
    });
    assert_eq!(
        e,
        [
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
            "spec.dnsPolicy: Unsupported value: \"Cluster\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"",
        ]
    );
    let e = pod_errs(|p| p["spec"]["dnsPolicy"] = json!("None"));
    assert_eq!(
        e,
        ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"]
    );
}

#[test]
fn env_var_names_relaxed_in_1_34() {
    // ValidateEnv with AllowRelaxedEnvironmentVariableValidation (GA in 1.34): IsRelaxedEnvVarName.
    let e = pod_errs(|p| {
        p["spec"]["containers"][0]["env"] =
            json!([{"name": "1_OK"}, {"name": "A=B", "value": "x"}, {"name": ""}]);
    });
    assert_eq!(
        e,
        [
            "spec.containers[0].env[1].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
            "spec.containers[0].env[2].name: Required value",
        ]
    );
}

#[test]
fn volumes_and_mounts() {
    // ValidateVolumes (one source, unique names) and ValidateVolumeMounts (NotFound, unique path).
    let e = pod_errs(|p| {
        p["spec"]["volumes"] = json!([
            {"name": "data", "emptyDir": {}},
            {"name": "data", "emptyDir": {}},
            {"name": "both", "emptyDir": {}, "hostPath": {"path": "/x", "type": ""}},
        ]);
        p["spec"]["containers"][0]["volumeMounts"] = json!([
            {"name": "x", "mountPath": "/x"},
            {"name": "data", "mountPath": "/x"},
        ]);
    });
    assert_eq!(
        e,
        [
            "spec.volumes[1].name: Duplicate value: \"data\"",
            "spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type",
            "spec.containers[0].volumeMounts[0].name: Not found: \"x\"",
            "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/x\": must be unique",
        ]
    );
}

#[test]
fn resources_requests_within_limits() {
    // ValidateResourceRequirements: request > limit; non-overcommitable must be equal.
    let e = pod_errs(|p| {
        p["spec"]["containers"][0]["resources"] = json!({
            "limits": {"cpu": "500m", "memory": "1Gi", "example.com/gpu": "1"},
            "requests": {"cpu": "1000m", "memory": "1.5Gi", "example.com/gpu": "2"},
        });
    });
    assert_eq!(
        e,
        [
            "spec.containers[0].resources.requests: Invalid value: \"1\": must be less than or equal to cpu limit of 500m",
            "spec.containers[0].resources.requests: Invalid value: \"2\": must be equal to example.com/gpu limit of 1",
            "spec.containers[0].resources.requests: Invalid value: \"1536Mi\": must be less than or equal to memory limit of 1Gi",
        ]
    );
    let e = pod_errs(|p| {
        p["spec"]["containers"][0]["resources"] = json!({"requests": {"cpu": "-1", "foo": "1"}});
    });
    assert_eq!(
        e,
        [
            "spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
            "spec.containers[0].resources.requests[foo]: Invalid value: \"foo\": must be a standard resource for containers",
        ]
    );
}

#[test]
fn active_deadline_seconds() {
    // ValidatePodSpec: activeDeadlineSeconds in [1, MaxInt32].
    let e = pod_errs(|p| p["spec"]["activeDeadlineSeconds"] = json!(0));
    assert_eq!(
        e,
        [
            "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"
        ]
    );
}

#[test]
fn metadata_labels_and_annotations() {
    // ValidateLabels / ValidateAnnotations (apimachinery): errors carry the map's path.
    let e = pod_errs(|p| {
        p["metadata"]["labels"] = json!({"bad key": "ok", "k": "-bad"});
        p["metadata"]["annotations"] = json!({"a/b/c": "x", "big": "x".repeat(262_144)});
    });
    assert_eq!(
        e,
        [
            "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            "metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            "metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
            "metadata.annotations: Too long: may not be more than 262144 bytes",
        ]
    );
    let e = pod_errs(|p| p["metadata"]["labels"] = json!({"Example.com/app": "x"}));
    assert_eq!(
        e,
        [
            "metadata.labels: Invalid value: \"Example.com/app\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        ]
    );
}

#[test]
fn pod_update_rules() {
    // ValidatePodUpdate: image changes allowed; other spec changes forbidden.
    let old = pod();
    let mut new = pod();
    new["spec"]["containers"][0]["image"] = json!("nginx:1.28");
    new["spec"]["activeDeadlineSeconds"] = json!(60);
    new["metadata"]["labels"]["v"] = json!("2");
    assert_eq!(
        msgs(&validate_update("", "Pod", &new, &old)),
        Vec::<String>::new()
    );

    new["spec"]["containers"][0]["ports"][0]["containerPort"] = json!(8080);
    let e = msgs(&validate_update("", "Pod", &new, &old));
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with(
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"
    ), "{e:?}");
    assert!(e[0].contains("spec.containers[0].ports[0].containerPort"));

    let mut new = pod();
    new["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .push(container("b", "b"));
    new["spec"]["containers"][1]["ports"] = json!([]);
    let e = msgs(&validate_update("", "Pod", &new, &old));
    assert_eq!(
        e,
        ["spec.containers: Forbidden: pod updates may not add or remove containers"]
    );

    // validateOnlyAddedTolerations.
    let mut old = pod();
    old["spec"]["tolerations"] =
        json!([{"key": "k", "operator": "Exists", "effect": "NoSchedule"}]);
    let mut new = old.clone();
    new["spec"]["tolerations"][0]["effect"] = json!("NoExecute");
    let e = msgs(&validate_update("", "Pod", &new, &old));
    assert_eq!(
        e[0],
        "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"
    );

    // terminationGracePeriodSeconds: negative -> 1 is the only allowed change.
    let mut old = pod();
    old["spec"]["terminationGracePeriodSeconds"] = json!(-1);
    let mut new = old.clone();
    new["spec"]["terminationGracePeriodSeconds"] = json!(1);
    assert!(validate_update("", "Pod", &new, &old).is_empty());

    // activeDeadlineSeconds may only shrink.
    let mut old = pod();
    old["spec"]["activeDeadlineSeconds"] = json!(10);
    let mut new = old.clone();
    new["spec"]["activeDeadlineSeconds"] = json!(20);
    let e = msgs(&validate_update("", "Pod", &new, &old));
    assert_eq!(
        e,
        [
            "spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value"
        ]
    );
}
