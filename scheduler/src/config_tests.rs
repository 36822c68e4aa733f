use super::*;

fn names(config: &SchedulerConfig, profile: &str, point: &str) -> Vec<&'static str> {
    config.profiles[profile]
        .framework
        .plugin_names()
        .into_iter()
        .find(|(p, _)| *p == point)
        .map(|(_, names)| names)
        .unwrap_or_default()
}

#[test]
fn no_profiles_means_the_default_profile_with_the_default_plugins() {
    let config = KubeSchedulerConfiguration::parse(
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n",
    )
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(config.profiles.len(), 1);
    assert!(names(&config, DEFAULT_SCHEDULER_NAME, "filter").contains(&"NodeName"));
    assert_eq!(
        names(&config, DEFAULT_SCHEDULER_NAME, "preEnqueue"),
        ["SchedulingGates"]
    );
    assert_eq!(config.initial_backoff, Duration::from_secs(1));
    assert_eq!(config.max_backoff, Duration::from_secs(10));
}

#[test]
fn profiles_disable_and_enable_plugins() {
    let config = KubeSchedulerConfiguration::parse(
        r#"
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
podInitialBackoffSeconds: 2
podMaxBackoffSeconds: 20
profiles:
- schedulerName: default-scheduler
- schedulerName: no-name-check
  plugins:
    multiPoint:
      disabled:
      - name: NodeName
- schedulerName: bare
  plugins:
    multiPoint:
      disabled:
      - name: '*'
    filter:
      enabled:
      - name: NodeName
    bind:
      enabled:
      - name: DefaultBinder
"#,
    )
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(config.profiles.len(), 3);
    assert!(names(&config, "default-scheduler", "filter").contains(&"NodeName"));
    assert!(!names(&config, "no-name-check", "filter").contains(&"NodeName"));
    assert_eq!(names(&config, "bare", "filter"), ["NodeName"]);
    assert!(config.profiles["default-scheduler"].preemption);
    assert!(config.profiles["no-name-check"].preemption);
    assert!(!config.profiles["bare"].preemption);
    assert!(names(&config, "bare", "preEnqueue").is_empty());
    assert_eq!(names(&config, "bare", "bind"), ["DefaultBinder"]);
    assert_eq!(
        names(&config, "default-scheduler", "reserve"),
        ["VolumeBinding"]
    );
    assert_eq!(
        names(&config, "default-scheduler", "preBind"),
        ["VolumeBinding"]
    );
    assert_eq!(config.max_backoff, Duration::from_secs(20));

    // Disabling every default leaves no binder, which upstream refuses.
    let error = KubeSchedulerConfiguration::parse(
        r#"
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: bare
  plugins:
    multiPoint:
      disabled:
      - name: '*'
"#,
    )
    .unwrap()
    .build()
    .err()
    .unwrap();
    assert_eq!(
        error.to_string(),
        "invalid scheduler configuration: at least one bind plugin is needed for profile with scheduler name \"bare\""
    );
}

#[test]
fn invalid_configurations_are_refused() {
    let header = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";
    let build = |body: &str| {
        KubeSchedulerConfiguration::parse(&format!("{header}{body}"))
            .and_then(|c| c.build())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(build("profiles:\n- schedulerName: a\n- schedulerName: a\n").contains("Duplicate"));
    assert!(
        build("profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: Nope\n")
            .contains("\"Nope\" does not exist")
    );
    assert!(build("percentageOfNodesToScore: 101\n").contains("not in valid range"));
    assert!(
        build("podInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 1\n")
            .contains("podMaxBackoffSeconds")
    );
    assert!(
        build("profiles:\n- plugins:\n    score:\n      enabled:\n      - name: NodeName\n")
            .contains("does not extend score")
    );
    let wrong = KubeSchedulerConfiguration::parse("apiVersion: v1\nkind: Pod\n");
    assert!(matches!(wrong, Err(Error::Decode(_))));
    assert!(matches!(
        KubeSchedulerConfiguration::parse("{not yaml: ["),
        Err(Error::Decode(_))
    ));
}
