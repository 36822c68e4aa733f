//! `--config`: `KubeSchedulerConfiguration` (kubescheduler.config.k8s.io/v1), with upstream's
//! defaults, turned into one [`Framework`] per profile.
//!
//! Plugins are enabled as upstream merges them: the default `multiPoint` set, minus what the
//! profile's `multiPoint.disabled` names (`*` for all), plus its `multiPoint.enabled`; then each
//! extension point's own `disabled`/`enabled` lists on top (a point's `enabled` entry for Score
//! sets the weight). `PrioritySort` (QueueSort) and `DefaultPreemption` (PostFilter) are built
//! in; every profile needs a Bind plugin (`DefaultBinder` by default).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::framework::runtime::Points;
use crate::framework::{Framework, Handle, Plugin};
use crate::plugins::{self, DEFAULT_PLUGINS};

/// The scheduler name of the default profile.
pub const DEFAULT_SCHEDULER_NAME: &str = "default-scheduler";
/// The config's `apiVersion`.
pub const API_VERSION: &str = "kubescheduler.config.k8s.io/v1";
/// Plugins whose behaviour is built into the scheduler rather than pluggable here.
const BUILT_IN: &[&str] = &["PrioritySort", crate::preemption::NAME];

/// Errors in the configuration.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid configuration.
    #[error("decoding the scheduler configuration: {0}")]
    Decode(String),
    /// The configuration is invalid.
    #[error("invalid scheduler configuration: {0}")]
    Invalid(String),
    /// A plugin could not be built.
    #[error(transparent)]
    Plugin(#[from] plugins::Error),
}

/// A plugin named in a plugin set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PluginRef {
    /// The plugin's name (`*` in `disabled` means every default).
    pub name: String,
    /// Score weight (Score and multiPoint only).
    #[serde(default)]
    pub weight: Option<i64>,
}

/// The plugins enabled and disabled at one extension point.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PluginSet {
    /// Added after the defaults.
    #[serde(default)]
    pub enabled: Vec<PluginRef>,
    /// Removed from the defaults.
    #[serde(default)]
    pub disabled: Vec<PluginRef>,
}

/// `profiles[].plugins`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PluginsConfig {
    /// Every point a plugin implements.
    #[serde(default)]
    pub multi_point: PluginSet,
    /// PreEnqueue.
    #[serde(default)]
    pub pre_enqueue: PluginSet,
    /// PreFilter.
    #[serde(default)]
    pub pre_filter: PluginSet,
    /// Filter.
    #[serde(default)]
    pub filter: PluginSet,
    /// PostFilter (DefaultPreemption).
    #[serde(default)]
    pub post_filter: PluginSet,
    /// PreScore.
    #[serde(default)]
    pub pre_score: PluginSet,
    /// Score.
    #[serde(default)]
    pub score: PluginSet,
    /// Reserve.
    #[serde(default)]
    pub reserve: PluginSet,
    /// Permit.
    #[serde(default)]
    pub permit: PluginSet,
    /// PreBind.
    #[serde(default)]
    pub pre_bind: PluginSet,
    /// Bind.
    #[serde(default)]
    pub bind: PluginSet,
    /// PostBind.
    #[serde(default)]
    pub post_bind: PluginSet,
}

/// `profiles[].pluginConfig[]`.
#[derive(Debug, Clone, Deserialize)]
pub struct PluginConfig {
    /// The plugin.
    pub name: String,
    /// Its args object.
    #[serde(default)]
    pub args: serde_json::Value,
}

/// One profile.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileConfig {
    /// The `spec.schedulerName` it serves.
    #[serde(default)]
    pub scheduler_name: Option<String>,
    /// Overrides the global percentage.
    #[serde(default)]
    pub percentage_of_nodes_to_score: Option<i32>,
    /// Plugin sets.
    #[serde(default)]
    pub plugins: Option<PluginsConfig>,
    /// Plugin args.
    #[serde(default)]
    pub plugin_config: Vec<PluginConfig>,
}

/// `leaderElection` of the configuration (only `leaderElect` is read; the timings come from
/// the flags).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaderElectionConfig {
    /// Whether to elect a leader.
    #[serde(default)]
    pub leader_elect: Option<bool>,
}

/// `clientConnection`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientConnection {
    /// The kubeconfig, when `--kubeconfig` is not given.
    #[serde(default)]
    pub kubeconfig: Option<String>,
}

/// The file's content.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeSchedulerConfiguration {
    /// Must be [`API_VERSION`].
    #[serde(default)]
    pub api_version: Option<String>,
    /// Must be `KubeSchedulerConfiguration`.
    #[serde(default)]
    pub kind: Option<String>,
    /// Share of nodes to find feasible before scoring (0: adaptive).
    #[serde(default)]
    pub percentage_of_nodes_to_score: Option<i32>,
    /// First back-off of a failed pod (default 1).
    #[serde(default)]
    pub pod_initial_backoff_seconds: Option<i64>,
    /// Back-off cap (default 10).
    #[serde(default)]
    pub pod_max_backoff_seconds: Option<i64>,
    /// Profiles (default: one, `default-scheduler`).
    #[serde(default)]
    pub profiles: Vec<ProfileConfig>,
    /// Leader election.
    #[serde(default)]
    pub leader_election: Option<LeaderElectionConfig>,
    /// Client connection.
    #[serde(default)]
    pub client_connection: Option<ClientConnection>,
}

/// A profile ready to schedule.
pub struct Profile {
    /// Its plugins.
    pub framework: Framework,
    /// Its percentage of nodes to score (0: adaptive).
    pub percentage_of_nodes_to_score: i32,
    /// Whether DefaultPreemption runs when no node fits.
    pub preemption: bool,
}

/// The scheduler's settings from the configuration.
pub struct SchedulerConfig {
    /// Profiles by scheduler name.
    pub profiles: HashMap<String, Arc<Profile>>,
    /// First back-off.
    pub initial_backoff: Duration,
    /// Back-off cap.
    pub max_backoff: Duration,
    /// `leaderElection.leaderElect`, when the file sets it.
    pub leader_elect: Option<bool>,
    /// `clientConnection.kubeconfig`, when the file sets it.
    pub kubeconfig: Option<String>,
    /// What the profiles' plugins share (volume cache, waiting pods).
    pub handle: Handle,
}

impl KubeSchedulerConfiguration {
    /// Parses YAML or JSON.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let value: serde_json::Value =
            serde_saphyr::from_str(text).map_err(|e| Error::Decode(e.to_string()))?;
        let config: Self =
            serde_json::from_value(value).map_err(|e| Error::Decode(e.to_string()))?;
        if config.api_version.as_deref() != Some(API_VERSION)
            || config.kind.as_deref() != Some("KubeSchedulerConfiguration")
        {
            return Err(Error::Decode(format!(
                "expected apiVersion {API_VERSION} and kind KubeSchedulerConfiguration, got {:?} {:?}",
                config.api_version.as_deref().unwrap_or_default(),
                config.kind.as_deref().unwrap_or_default()
            )));
        }
        Ok(config)
    }

    /// Reads and parses a file.
    pub fn read(path: &str) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text)
    }

    /// Validates, applies defaults and builds the profiles.
    pub fn build(&self) -> Result<SchedulerConfig, Error> {
        let percentage = self.percentage_of_nodes_to_score.unwrap_or(0);
        check_percentage(percentage, "percentageOfNodesToScore")?;
        let initial = self.pod_initial_backoff_seconds.unwrap_or(1);
        let max = self.pod_max_backoff_seconds.unwrap_or(10);
        if initial <= 0 {
            return Err(Error::Invalid(
                "podInitialBackoffSeconds: Invalid value: must be greater than 0".into(),
            ));
        }
        if max < initial {
            return Err(Error::Invalid(
                "podMaxBackoffSeconds: Invalid value: must be greater than or equal to PodInitialBackoffSeconds".into(),
            ));
        }
        let defaults = [ProfileConfig::default()];
        let profiles = if self.profiles.is_empty() {
            &defaults[..]
        } else {
            &self.profiles[..]
        };
        let mut built = HashMap::new();
        let handle = Handle::default();
        for profile in profiles {
            let name = profile
                .scheduler_name
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| DEFAULT_SCHEDULER_NAME.to_owned());
            let own = profile.percentage_of_nodes_to_score.unwrap_or(percentage);
            check_percentage(own, "profiles.percentageOfNodesToScore")?;
            let points = points(profile, &handle)?;
            if points.bind.is_empty() {
                return Err(Error::Invalid(format!(
                    "at least one bind plugin is needed for profile with scheduler name {name:?}"
                )));
            }
            let framework = Framework::new(name.clone(), points, handle.waiting_pods.clone());
            let preemption = preemption_enabled(profile);
            if built
                .insert(
                    name.clone(),
                    Arc::new(Profile {
                        framework,
                        percentage_of_nodes_to_score: own,
                        preemption,
                    }),
                )
                .is_some()
            {
                return Err(Error::Invalid(format!(
                    "profiles[].schedulerName: Duplicate value: {name:?}"
                )));
            }
        }
        Ok(SchedulerConfig {
            profiles: built,
            initial_backoff: Duration::from_secs(initial.unsigned_abs()),
            max_backoff: Duration::from_secs(max.unsigned_abs()),
            leader_elect: self.leader_election.as_ref().and_then(|l| l.leader_elect),
            kubeconfig: self
                .client_connection
                .as_ref()
                .and_then(|c| c.kubeconfig.clone())
                .filter(|k| !k.is_empty()),
            handle,
        })
    }
}

/// DefaultPreemption is on unless `multiPoint` or `postFilter` disables it (by name or `*`)
/// and neither enables it again.
fn preemption_enabled(profile: &ProfileConfig) -> bool {
    let Some(sets) = &profile.plugins else {
        return true;
    };
    let named = |list: &[PluginRef], wildcard: bool| {
        list.iter()
            .any(|p| p.name == crate::preemption::NAME || (wildcard && p.name == "*"))
    };
    let disabled =
        named(&sets.multi_point.disabled, true) || named(&sets.post_filter.disabled, true);
    let enabled =
        named(&sets.multi_point.enabled, false) || named(&sets.post_filter.enabled, false);
    !disabled || enabled
}

fn check_percentage(value: i32, field: &str) -> Result<(), Error> {
    if (0..=100).contains(&value) {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "{field}: Invalid value: {value}: not in valid range [0-100]"
        )))
    }
}

/// Builds a plugin by name (once per profile).
type PluginFactory<'a> = dyn FnMut(&str) -> Result<Arc<dyn Plugin>, Error> + 'a;

/// Builds (once per name) the plugins a profile enables and places them at their points.
fn points(profile: &ProfileConfig, handle: &Handle) -> Result<Points, Error> {
    let sets = profile.plugins.clone().unwrap_or_default();
    let args: HashMap<&str, &serde_json::Value> = profile
        .plugin_config
        .iter()
        .map(|c| (c.name.as_str(), &c.args))
        .collect();
    let mut cache: HashMap<String, Arc<dyn Plugin>> = HashMap::new();
    let mut instance = |name: &str| -> Result<Arc<dyn Plugin>, Error> {
        if let Some(p) = cache.get(name) {
            return Ok(p.clone());
        }
        let plugin = plugins::new_plugin(name, args.get(name).copied(), handle)?;
        cache.insert(name.to_owned(), plugin.clone());
        Ok(plugin)
    };

    // multiPoint: the defaults, less the disabled, plus the enabled (which may reweigh).
    let disabled_all = sets.multi_point.disabled.iter().any(|p| p.name == "*");
    let mut multi: Vec<(String, i64)> = if disabled_all {
        Vec::new()
    } else {
        DEFAULT_PLUGINS
            .iter()
            .filter(|(name, _)| !sets.multi_point.disabled.iter().any(|d| d.name == *name))
            .map(|(name, weight)| ((*name).to_owned(), *weight))
            .collect()
    };
    for enabled in &sets.multi_point.enabled {
        let weight = enabled.weight.unwrap_or(1);
        match multi.iter_mut().find(|(n, _)| *n == enabled.name) {
            Some(entry) => entry.1 = weight,
            None => multi.push((enabled.name.clone(), weight)),
        }
    }
    let mut multi_plugins = Vec::new();
    for (name, weight) in &multi {
        if !BUILT_IN.contains(&name.as_str()) {
            multi_plugins.push((instance(name)?, *weight));
        }
    }
    let mut points = Points::multi_point(&multi_plugins);

    // Per point: remove the disabled, append the enabled.
    fn adjust(
        list: &mut Vec<Arc<dyn Plugin>>,
        set: &PluginSet,
        instance: &mut PluginFactory<'_>,
    ) -> Result<(), Error> {
        if set.disabled.iter().any(|d| d.name == "*") {
            list.clear();
        }
        list.retain(|p| !set.disabled.iter().any(|d| d.name == p.name()));
        for enabled in &set.enabled {
            if !list.iter().any(|p| p.name() == enabled.name) {
                list.push(instance(&enabled.name)?);
            }
        }
        Ok(())
    }
    adjust(&mut points.pre_enqueue, &sets.pre_enqueue, &mut instance)?;
    adjust(&mut points.pre_filter, &sets.pre_filter, &mut instance)?;
    adjust(&mut points.filter, &sets.filter, &mut instance)?;
    adjust(&mut points.pre_score, &sets.pre_score, &mut instance)?;
    adjust(&mut points.reserve, &sets.reserve, &mut instance)?;
    adjust(&mut points.permit, &sets.permit, &mut instance)?;
    adjust(&mut points.pre_bind, &sets.pre_bind, &mut instance)?;
    adjust(&mut points.bind, &sets.bind, &mut instance)?;
    adjust(&mut points.post_bind, &sets.post_bind, &mut instance)?;
    if sets.score.disabled.iter().any(|d| d.name == "*") {
        points.score.clear();
    }
    points
        .score
        .retain(|(p, _)| !sets.score.disabled.iter().any(|d| d.name == p.name()));
    for enabled in &sets.score.enabled {
        let weight = enabled.weight.unwrap_or(1).max(1);
        match points
            .score
            .iter_mut()
            .find(|(p, _)| p.name() == enabled.name)
        {
            Some(entry) => entry.1 = weight,
            None => points.score.push((instance(&enabled.name)?, weight)),
        }
    }
    // A plugin that only has a point because of its own set must implement it.
    for (point, list) in [
        ("preEnqueue", &points.pre_enqueue),
        ("preFilter", &points.pre_filter),
        ("filter", &points.filter),
        ("preScore", &points.pre_score),
        ("reserve", &points.reserve),
        ("permit", &points.permit),
        ("preBind", &points.pre_bind),
        ("bind", &points.bind),
        ("postBind", &points.post_bind),
    ] {
        for p in list {
            let has = match point {
                "preEnqueue" => p.as_pre_enqueue().is_some(),
                "preFilter" => p.as_pre_filter().is_some(),
                "filter" => p.as_filter().is_some(),
                "preScore" => p.as_pre_score().is_some(),
                "reserve" => p.as_reserve().is_some(),
                "permit" => p.as_permit().is_some(),
                "preBind" => p.as_pre_bind().is_some(),
                "bind" => p.as_bind().is_some(),
                _ => p.as_post_bind().is_some(),
            };
            if !has {
                return Err(Error::Invalid(format!(
                    "plugin {:?} does not extend {point} plugin",
                    p.name()
                )));
            }
        }
    }
    if let Some((p, _)) = points.score.iter().find(|(p, _)| p.as_score().is_none()) {
        return Err(Error::Invalid(format!(
            "plugin {:?} does not extend score plugin",
            p.name()
        )));
    }
    Ok(points)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
