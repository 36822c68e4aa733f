//! The arithmetic of a rollout (upstream's `deployment_util.go` and `rolling.go`), as pure
//! functions over ReplicaSets: `maxSurge`/`maxUnavailable` resolution, how far the new
//! ReplicaSet may grow, which old ReplicaSets shrink and by how much, and how a change of
//! `spec.replicas` is spread proportionally over the active ReplicaSets.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::replica_sets::{
    available_replicas, by_creation, deployment_replicas, max_replicas_annotation, spec_replicas,
};

/// The strategy type of `d`, defaulted as the API server does.
pub fn strategy_type(d: &Deployment) -> &str {
    d.spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate")
}

/// Whether `d` rolls out with the RollingUpdate strategy.
pub fn is_rolling_update(d: &Deployment) -> bool {
    strategy_type(d) == "RollingUpdate"
}

/// An int-or-percent scaled against `total` (upstream's `GetScaledValueFromIntOrPercent`):
/// percentages round up or down as asked; a string that is not a percentage is an error.
pub fn scaled_value(value: &IntOrString, total: i32, round_up: bool) -> Result<i32, String> {
    match value {
        IntOrString::Int(v) => Ok(*v),
        IntOrString::String(s) => {
            let percent: i64 = s
                .strip_suffix('%')
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| format!("invalid value for IntOrString: invalid value {s:?}"))?;
            let scaled = percent as f64 * f64::from(total) / 100.0;
            let rounded = if round_up {
                scaled.ceil()
            } else {
                scaled.floor()
            };
            Ok(rounded as i32)
        }
    }
}

/// `maxSurge` and `maxUnavailable` as numbers of pods for `desired` replicas (upstream's
/// `ResolveFenceposts`): surge rounds up, unavailability down, and when both come out zero
/// one pod may be unavailable so that the rollout can progress.
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> Result<(i32, i32), String> {
    let zero = IntOrString::Int(0);
    let surge = scaled_value(max_surge.unwrap_or(&zero), desired, true)?;
    let mut unavailable = scaled_value(max_unavailable.unwrap_or(&zero), desired, false)?;
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    Ok((surge, unavailable))
}

fn fenceposts(d: &Deployment) -> (i32, i32) {
    let rolling = d
        .spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.rolling_update.as_ref());
    // The API server defaults an absent rollingUpdate to 25%/25%.
    let default = IntOrString::String("25%".into());
    let (surge, unavailable) = match rolling {
        Some(r) => (r.max_surge.as_ref(), r.max_unavailable.as_ref()),
        None => (Some(&default), Some(&default)),
    };
    resolve_fenceposts(surge, unavailable, deployment_replicas(d)).unwrap_or((0, 0))
}

/// How many pods above `spec.replicas` a rollout may run (0 unless RollingUpdate).
pub fn max_surge(d: &Deployment) -> i32 {
    if !is_rolling_update(d) {
        return 0;
    }
    fenceposts(d).0
}

/// How many of `spec.replicas` may be unavailable during a rollout (0 unless RollingUpdate,
/// never more than `spec.replicas`).
pub fn max_unavailable(d: &Deployment) -> i32 {
    let replicas = deployment_replicas(d);
    if !is_rolling_update(d) || replicas == 0 {
        return 0;
    }
    fenceposts(d).1.min(replicas)
}

/// The replicas of all `rss` by spec.
pub fn total_spec_replicas<'a>(rss: impl IntoIterator<Item = &'a ReplicaSet>) -> i32 {
    rss.into_iter().map(spec_replicas).sum()
}

/// The size the new ReplicaSet may grow to now (upstream's `NewRSNewReplicas`).
pub fn new_rs_new_replicas(d: &Deployment, all: &[&ReplicaSet], new_rs: &ReplicaSet) -> i32 {
    let replicas = deployment_replicas(d);
    if !is_rolling_update(d) {
        return replicas;
    }
    let current = total_spec_replicas(all.iter().copied());
    let max_total = replicas + max_surge(d);
    let new_size = spec_replicas(new_rs);
    if current >= max_total {
        return new_size;
    }
    let scale_up = (max_total - current).min(replicas - new_size);
    new_size + scale_up
}

/// What `reconcileNewReplicaSet` scales the new ReplicaSet to, if anything.
pub fn reconcile_new_target(
    d: &Deployment,
    all: &[&ReplicaSet],
    new_rs: &ReplicaSet,
) -> Option<i32> {
    let replicas = deployment_replicas(d);
    let current = spec_replicas(new_rs);
    let target = if current == replicas {
        return None;
    } else if current > replicas {
        replicas
    } else {
        new_rs_new_replicas(d, all, new_rs)
    };
    (target != current).then_some(target)
}

/// The old ReplicaSets to scale down in one step of a rolling update, and to what
/// (upstream's `reconcileOldReplicaSets`: first unhealthy replicas, oldest ReplicaSet first,
/// then available ones while availability stays above `replicas - maxUnavailable`).
/// `old` are the active old ReplicaSets. Each entry is (index into `old`, new size); a
/// ReplicaSet may appear twice (cleanup, then scale-down), in the order to apply.
pub fn plan_old_scale_down(
    d: &Deployment,
    all: &[&ReplicaSet],
    old: &[&ReplicaSet],
    new_rs: &ReplicaSet,
) -> Vec<(usize, i32)> {
    let old_pods = total_spec_replicas(old.iter().copied());
    if old_pods == 0 {
        return Vec::new();
    }
    let all_pods = total_spec_replicas(all.iter().copied());
    let min_available = deployment_replicas(d) - max_unavailable(d);
    let new_unavailable = spec_replicas(new_rs) - available_replicas(new_rs);
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..old.len()).collect();
    order.sort_by(|a, b| by_creation(old[*a], old[*b]));
    let mut sizes: Vec<i32> = old.iter().map(|rs| spec_replicas(rs)).collect();
    let mut plan = Vec::new();

    // cleanupUnhealthyReplicas
    let mut cleaned = 0;
    for &i in &order {
        if cleaned >= max_scaled_down {
            break;
        }
        let size = sizes[i];
        let available = available_replicas(old[i]);
        if size == 0 || size == available {
            continue;
        }
        let count = (max_scaled_down - cleaned).min(size - available);
        let target = size - count;
        if target > size {
            break;
        }
        sizes[i] = target;
        plan.push((i, target));
        cleaned += count;
    }

    // scaleDownOldReplicaSetsForRollingUpdate; availability is unchanged by the cleanup.
    let available: i32 = all.iter().map(|rs| available_replicas(rs)).sum();
    if available <= min_available {
        return plan;
    }
    let to_scale_down = available - min_available;
    let mut scaled = 0;
    for &i in &order {
        if scaled >= to_scale_down {
            break;
        }
        if sizes[i] == 0 {
            continue;
        }
        let count = sizes[i].min(to_scale_down - scaled);
        sizes[i] -= count;
        plan.push((i, sizes[i]));
        scaled += count;
    }
    plan
}

/// The share of `to_add` for `rs` when the deployment is resized (upstream's
/// `getReplicaSetFraction`), from the `max-replicas` annotation it was last sized for.
fn replica_set_fraction(rs: &ReplicaSet, d: &Deployment) -> i32 {
    let replicas = deployment_replicas(d);
    let size = spec_replicas(rs);
    if replicas == 0 {
        return -size;
    }
    let max_now = replicas + max_surge(d);
    let max_before = match max_replicas_annotation(rs) {
        Some(v) if v != 0 => v,
        _ => {
            let status = d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0);
            if status == 0 {
                return 0;
            }
            status
        }
    };
    let scaled = f64::from(size) * f64::from(max_now) / f64::from(max_before);
    // Go's math.Round: halves away from zero, as f64::round.
    scaled.round() as i32 - size
}

/// Upstream's `GetProportion`: what `rs` gets of the replicas still to add (or remove).
pub fn proportion(rs: &ReplicaSet, d: &Deployment, to_add: i32, added: i32) -> i32 {
    if spec_replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = replica_set_fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// The sizes a resize of a rolling deployment gives its active ReplicaSets (upstream's
/// proportional scaling in `scale`), in the order to apply, with "up" or "down".
/// `active` are the active ReplicaSets (new and old).
pub fn plan_proportional_scale(
    d: &Deployment,
    active: &[&ReplicaSet],
) -> (Vec<(usize, i32)>, &'static str) {
    let replicas = deployment_replicas(d);
    let current = total_spec_replicas(active.iter().copied());
    let allowed = if replicas > 0 {
        replicas + max_surge(d)
    } else {
        0
    };
    let to_add = allowed - current;
    let mut order: Vec<usize> = (0..active.len()).collect();
    let operation = match to_add.cmp(&0) {
        std::cmp::Ordering::Greater => {
            // Bigger first; among equals the newer first.
            order.sort_by(|a, b| {
                spec_replicas(active[*b])
                    .cmp(&spec_replicas(active[*a]))
                    .then_with(|| by_creation(active[*b], active[*a]))
            });
            "up"
        }
        std::cmp::Ordering::Less => {
            // Bigger first; among equals the older first.
            order.sort_by(|a, b| {
                spec_replicas(active[*b])
                    .cmp(&spec_replicas(active[*a]))
                    .then_with(|| by_creation(active[*a], active[*b]))
            });
            "down"
        }
        std::cmp::Ordering::Equal => "",
    };
    let mut added = 0;
    let mut sizes: Vec<i32> = Vec::with_capacity(order.len());
    for &i in &order {
        let rs = active[i];
        if to_add != 0 {
            let share = proportion(rs, d, to_add, added);
            sizes.push(spec_replicas(rs) + share);
            added += share;
        } else {
            sizes.push(spec_replicas(rs));
        }
    }
    if to_add != 0
        && let Some(first) = sizes.first_mut()
    {
        *first = (*first + to_add - added).max(0);
    }
    (order.into_iter().zip(sizes).collect(), operation)
}

#[cfg(test)]
mod tests {
    use super::super::replica_sets::tests::{deployment, rs};
    use super::*;

    fn int(v: i32) -> IntOrString {
        IntOrString::Int(v)
    }

    fn pct(v: &str) -> IntOrString {
        IntOrString::String(v.into())
    }

    #[test]
    fn fenceposts_round_surge_up_and_unavailability_down() {
        // Cases of upstream's TestResolveFenceposts.
        let cases = [
            (Some(pct("0%")), Some(pct("0%")), 0, (0, 1)),
            (Some(pct("39%")), Some(pct("39%")), 10, (4, 3)),
            (Some(pct("oops")), Some(pct("39%")), 10, (0, 0)),
            (Some(pct("55%")), Some(pct("urg")), 10, (0, 0)),
            (None, Some(pct("39%")), 10, (0, 3)),
            (Some(pct("39%")), None, 10, (4, 0)),
            (None, None, 10, (0, 1)),
            (Some(int(0)), Some(int(0)), 5, (0, 1)),
            (Some(pct("25%")), Some(pct("25%")), 3, (1, 0)),
            (Some(pct("25%")), Some(pct("25%")), 10, (3, 2)),
        ];
        for (surge, unavailable, desired, want) in cases {
            let got =
                resolve_fenceposts(surge.as_ref(), unavailable.as_ref(), desired).unwrap_or((0, 0));
            assert_eq!(got, want, "{surge:?} {unavailable:?} of {desired}");
        }
    }

    #[test]
    fn max_unavailable_is_capped_by_replicas_and_zero_unless_rolling() {
        assert_eq!(max_unavailable(&deployment(1, int(0), int(5))), 1);
        assert_eq!(max_unavailable(&deployment(0, int(0), int(5))), 0);
        assert_eq!(max_surge(&deployment(10, pct("25%"), pct("25%"))), 3);
        let mut recreate = deployment(10, int(2), int(2));
        if let Some(s) = recreate.spec.as_mut() {
            s.strategy = Some(k8s_openapi::api::apps::v1::DeploymentStrategy {
                type_: Some("Recreate".into()),
                rolling_update: None,
            });
        }
        assert_eq!((max_surge(&recreate), max_unavailable(&recreate)), (0, 0));
    }

    #[test]
    fn new_replica_set_scaling_follows_upstreams_table() {
        // TestDeploymentController_reconcileNewReplicaSet:
        // (replicas, maxSurge, old, new, expected new size or None).
        let cases = [
            (10, 0, 10, 0, None),
            (10, 2, 10, 0, Some(2)),
            (10, 2, 5, 0, Some(7)),
            (10, 2, 10, 2, None),
            (10, 2, 2, 11, Some(10)),
        ];
        for (replicas, surge, old_size, new_size, want) in cases {
            let d = deployment(replicas, int(surge), int(0));
            let new_rs = rs("foo-new", new_size, 0, "2026-01-01T00:00:01Z");
            let old_rs = rs("foo-old", old_size, 0, "2026-01-01T00:00:00Z");
            let got = reconcile_new_target(&d, &[&new_rs, &old_rs], &new_rs);
            assert_eq!(got, want, "{replicas} {surge} {old_size} {new_size}");
        }
    }

    fn old_target(
        replicas: i32,
        unavailable: i32,
        old: (i32, i32),
        new: (i32, i32),
    ) -> Option<i32> {
        let d = deployment(replicas, int(0), int(unavailable));
        let new_rs = rs("foo-new", new.0, new.1, "2026-01-01T00:00:01Z");
        let old_rs = rs("foo-old", old.0, old.1, "2026-01-01T00:00:00Z");
        let plan = plan_old_scale_down(&d, &[&old_rs, &new_rs], &[&old_rs], &new_rs);
        plan.last().map(|(_, size)| *size)
    }

    #[test]
    fn old_replica_sets_scale_down_as_upstreams_table() {
        // TestDeploymentController_reconcileOldReplicaSets: (replicas, maxUnavailable,
        // (old size, old available), (new size, new available), expected old size).
        // Both fenceposts zero: one pod may be unavailable.
        assert_eq!(old_target(10, 0, (10, 10), (0, 0)), Some(9));
        assert_eq!(old_target(10, 2, (10, 10), (0, 0)), Some(8));
        // Unhealthy old replicas are cleaned up first.
        assert_eq!(old_target(10, 2, (10, 8), (0, 0)), Some(8));
        // One unhealthy cleaned up and one available scaled down.
        assert_eq!(old_target(10, 2, (10, 9), (0, 0)), Some(8));
        // Unavailable new pods block further scale-down.
        assert_eq!(old_target(10, 2, (8, 8), (2, 0)), None);
    }

    #[test]
    fn scale_down_for_rolling_update_keeps_minimum_availability() {
        // TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate (old RS only,
        // all replicas available unless said): (replicas, maxUnavailable, available, old).
        let only_old = |replicas: i32, unavailable: i32, available: i32, size: i32| {
            let d = deployment(replicas, int(0), int(unavailable));
            let old_rs = rs("foo-old", size, available, "2026-01-01T00:00:00Z");
            let new_rs = rs("foo-new", 0, 0, "2026-01-01T00:00:01Z");
            let plan = plan_old_scale_down(&d, &[&old_rs], &[&old_rs], &new_rs);
            plan.last().map(|(_, s)| *s)
        };
        assert_eq!(only_old(10, 0, 10, 10), Some(9));
        assert_eq!(only_old(10, 2, 10, 10), Some(8));
        // 2 unhealthy cleaned, nothing more.
        assert_eq!(only_old(10, 2, 8, 10), Some(8));
        assert_eq!(only_old(10, 2, 10, 0), None);
    }

    #[test]
    fn unhealthy_cleanup_is_bounded_by_the_allowed_count() {
        // TestDeploymentController_cleanupUnhealthyReplicas through the whole plan: with 10
        // old (8 ready) and maxUnavailable 2, 2 unhealthy pods go first.
        let d = deployment(10, int(2), int(2));
        let old_rs = rs("foo-old", 10, 8, "2026-01-01T00:00:00Z");
        let new_rs = rs("foo-new", 2, 0, "2026-01-01T00:00:01Z");
        let plan = plan_old_scale_down(&d, &[&old_rs, &new_rs], &[&old_rs], &new_rs);
        // all 12, min available 8, new unavailable 2: at most 2 may go, both unhealthy.
        assert_eq!(plan, vec![(0, 8)]);
    }

    fn annotated(name: &str, size: i32, max: i32, created: &str) -> ReplicaSet {
        let mut r = rs(name, size, size, created);
        r.metadata.annotations = Some(
            [(
                super::super::replica_sets::MAX_REPLICAS_ANNOTATION.to_owned(),
                max.to_string(),
            )]
            .into(),
        );
        r
    }

    fn sizes(plan: &[(usize, i32)], rss: &[&ReplicaSet]) -> Vec<(String, i32)> {
        let mut out: Vec<(String, i32)> = plan
            .iter()
            .map(|(i, s)| (rss[*i].metadata.name.clone().unwrap_or_default(), *s))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn resizing_during_a_rollout_is_proportional() {
        // Upstream's TestScale "proportional scaling: 5 -> 10 (surge 3)" style: 10 → 30,
        // maxSurge 3: new 2 of 13, old 11 of 13, annotated with max 13.
        let d = deployment(30, int(3), int(0));
        let new_rs = annotated("new", 2, 13, "2026-01-01T00:00:01Z");
        let old_rs = annotated("old", 11, 13, "2026-01-01T00:00:00Z");
        let active = [&new_rs, &old_rs];
        let (plan, op) = plan_proportional_scale(&d, &active);
        assert_eq!(op, "up");
        // allowed 33: old 11*33/13 = 27.9 → 28, new 2*33/13 = 5.07 → 5 = 33.
        assert_eq!(
            sizes(&plan, &active),
            vec![("new".into(), 5), ("old".into(), 28)]
        );

        // Scaling down 10 → 5 with surge 2 (max before 12, after 7): 8/4 → 4.67/2.33.
        let d = deployment(5, int(2), int(0));
        let new_rs = annotated("new", 4, 12, "2026-01-01T00:00:01Z");
        let old_rs = annotated("old", 8, 12, "2026-01-01T00:00:00Z");
        let active = [&new_rs, &old_rs];
        let (plan, op) = plan_proportional_scale(&d, &active);
        assert_eq!(op, "down");
        assert_eq!(
            sizes(&plan, &active),
            vec![("new".into(), 2), ("old".into(), 5)]
        );

        // To zero: everything goes.
        let d = deployment(0, int(2), int(0));
        let (plan, _) = plan_proportional_scale(&d, &active);
        assert_eq!(
            sizes(&plan, &active),
            vec![("new".into(), 0), ("old".into(), 0)]
        );
    }

    #[test]
    fn leftovers_go_to_the_largest_replica_set() {
        // Three equal sets, 3 → 4 replicas with no surge: the newest takes the leftover.
        let d = deployment(4, int(0), int(1));
        let a = annotated("a", 1, 3, "2026-01-01T00:00:00Z");
        let b = annotated("b", 1, 3, "2026-01-01T00:00:01Z");
        let c = annotated("c", 1, 3, "2026-01-01T00:00:02Z");
        let active = [&a, &b, &c];
        let (plan, _) = plan_proportional_scale(&d, &active);
        let total: i32 = plan.iter().map(|(_, s)| s).sum();
        assert_eq!(total, 4);
        assert_eq!(active[plan[0].0].metadata.name.as_deref(), Some("c"));
    }
}
