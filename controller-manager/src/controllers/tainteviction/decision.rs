//! The pure part of the taint-eviction-controller: which tolerations match which taints
//! (upstream's `ToleratesTaint` and `GetMatchingTolerations`), and when a pod on a node with
//! `NoExecute` taints must go (upstream's `getMinTolerationTime` and `processPodOnNode`).

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Pod, Taint, Toleration};

/// The effect whose taints evict pods.
pub const NO_EXECUTE: &str = "NoExecute";

/// Whether `toleration` tolerates `taint` (empty effect and empty key with `Exists` match
/// everything).
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    if let Some(effect) = toleration.effect.as_deref()
        && !effect.is_empty()
        && effect != taint.effect
    {
        return false;
    }
    if let Some(key) = toleration.key.as_deref()
        && !key.is_empty()
        && key != taint.key
    {
        return false;
    }
    match toleration.operator.as_deref().unwrap_or("Equal") {
        "Exists" => true,
        "" | "Equal" => {
            toleration.value.as_deref().unwrap_or_default()
                == taint.value.as_deref().unwrap_or_default()
        }
        _ => false,
    }
}

/// For every taint the first toleration tolerating it, or `None` when some taint is not
/// tolerated.
pub fn matching_tolerations<'a>(
    taints: &[Taint],
    tolerations: &'a [Toleration],
) -> Option<Vec<&'a Toleration>> {
    taints
        .iter()
        .map(|taint| tolerations.iter().find(|t| tolerates(t, taint)))
        .collect()
}

/// The shortest `tolerationSeconds` of `used`: `None` when every one tolerates forever, zero
/// when one is zero or negative.
pub fn min_toleration_time(used: &[&Toleration]) -> Option<Duration> {
    let mut min: Option<Duration> = None;
    for toleration in used {
        if let Some(seconds) = toleration.toleration_seconds {
            if seconds <= 0 {
                return Some(Duration::ZERO);
            }
            let seconds = Duration::from_secs(seconds.unsigned_abs());
            min = Some(min.map_or(seconds, |m| m.min(seconds)));
        }
    }
    min
}

/// What to do with a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eviction {
    /// It stays (no `NoExecute` taint, or every one tolerated forever).
    None,
    /// It is deleted now.
    Now,
    /// It is deleted after this long, unless the taints change.
    After(Duration),
}

/// The node's `NoExecute` taints.
pub fn no_execute_taints(taints: &[Taint]) -> Vec<Taint> {
    taints
        .iter()
        .filter(|t| t.effect == NO_EXECUTE)
        .cloned()
        .collect()
}

/// When the toleration countdown of `pod` on a node with `taints` started: the latest
/// `timeAdded` of the taints, but not before the pod was created; `None` when no taint says.
pub fn countdown_start(taints: &[Taint], pod: &Pod) -> Option<Timestamp> {
    let added = taints
        .iter()
        .filter_map(|t| t.time_added.as_ref().map(|t| t.0))
        .max()?;
    let created = pod.metadata.creation_timestamp.as_ref().map(|t| t.0);
    Some(created.map_or(added, |c| c.max(added)))
}

/// The decision for a pod with `tolerations` on a node with `NoExecute` `taints`, whose
/// countdown started at `start`, at `now`.
pub fn decide(
    taints: &[Taint],
    tolerations: &[Toleration],
    start: Timestamp,
    now: Timestamp,
) -> Eviction {
    if taints.is_empty() {
        return Eviction::None;
    }
    let Some(used) = matching_tolerations(taints, tolerations) else {
        return Eviction::Now;
    };
    let Some(min) = min_toleration_time(&used) else {
        return Eviction::None;
    };
    let elapsed = now
        .duration_since(start)
        .try_into()
        .unwrap_or(Duration::ZERO);
    match min.checked_sub(elapsed) {
        Some(left) if !left.is_zero() => Eviction::After(left),
        _ => Eviction::Now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: &str) -> Taint {
        Taint {
            key: key.into(),
            value: Some(value.into()),
            effect: NO_EXECUTE.into(),
            time_added: None,
        }
    }

    fn toleration(key: &str, value: &str, seconds: Option<i64>) -> Toleration {
        Toleration {
            key: Some(key.into()),
            value: Some(value.into()),
            operator: Some("Equal".into()),
            effect: Some(NO_EXECUTE.into()),
            toleration_seconds: seconds,
        }
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + seconds).unwrap()
    }

    // Upstream's TestGetMinTolerationTime cases.
    #[test]
    fn min_toleration_time_is_the_shortest_and_none_is_forever() {
        let one = toleration("a", "b", Some(1));
        let two = toleration("a", "b", Some(2));
        let forever = toleration("a", "b", None);
        let negative = toleration("a", "b", Some(-1));
        assert_eq!(min_toleration_time(&[]), None);
        assert_eq!(
            min_toleration_time(&[&one, &two]),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            min_toleration_time(&[&forever, &two]),
            Some(Duration::from_secs(2))
        );
        assert_eq!(min_toleration_time(&[&forever]), None);
        assert_eq!(
            min_toleration_time(&[&negative, &two]),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn toleration_matching_follows_operator_key_and_effect() {
        let t = taint("k", "v");
        assert!(tolerates(&toleration("k", "v", None), &t));
        assert!(!tolerates(&toleration("k", "other", None), &t));
        assert!(!tolerates(&toleration("other", "v", None), &t));
        let exists_all = Toleration {
            operator: Some("Exists".into()),
            ..Toleration::default()
        };
        assert!(tolerates(&exists_all, &t));
        let no_schedule = Toleration {
            effect: Some("NoSchedule".into()),
            operator: Some("Exists".into()),
            ..Toleration::default()
        };
        assert!(!tolerates(&no_schedule, &t));
    }

    // Upstream's TestCreatePod/TestUpdateNode shapes: not tolerated → now; tolerated for a
    // while → later; forever → never; the shortest of several wins.
    #[test]
    fn decisions() {
        let taints = vec![taint("unreachable", "")];
        assert_eq!(decide(&[], &[], at(0), at(0)), Eviction::None);
        assert_eq!(decide(&taints, &[], at(0), at(0)), Eviction::Now);
        let brief = vec![toleration("unreachable", "", Some(2))];
        assert_eq!(
            decide(&taints, &brief, at(0), at(0)),
            Eviction::After(Duration::from_secs(2))
        );
        assert_eq!(
            decide(&taints, &brief, at(0), at(1)),
            Eviction::After(Duration::from_secs(1))
        );
        assert_eq!(decide(&taints, &brief, at(0), at(5)), Eviction::Now);
        let forever = vec![toleration("unreachable", "", None)];
        assert_eq!(decide(&taints, &forever, at(0), at(99)), Eviction::None);
        let two = vec![taint("unreachable", ""), taint("not-ready", "")];
        let both = vec![
            toleration("unreachable", "", Some(300)),
            toleration("not-ready", "", Some(10)),
        ];
        assert_eq!(
            decide(&two, &both, at(0), at(0)),
            Eviction::After(Duration::from_secs(10))
        );
        // Only one of two taints tolerated.
        assert_eq!(decide(&two, &brief, at(0), at(0)), Eviction::Now);
    }

    #[test]
    fn the_countdown_starts_at_the_newest_taint_but_not_before_the_pod() {
        let mut a = taint("a", "");
        a.time_added = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(at(10)));
        let mut b = taint("b", "");
        b.time_added = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(at(20)));
        let mut pod = Pod::default();
        assert_eq!(countdown_start(&[a.clone(), b.clone()], &pod), Some(at(20)));
        pod.metadata.creation_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(at(30)));
        assert_eq!(countdown_start(&[a, b], &pod), Some(at(30)));
        assert_eq!(countdown_start(&[taint("c", "")], &pod), None);
    }
}
