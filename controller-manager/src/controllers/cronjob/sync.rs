//! One CronJob's sync (upstream's `syncCronJob`): reconcile `status.active` with the Jobs
//! that exist, then, when a schedule time is due, create its Job; returns when to look again.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::PostParams;

use super::schedule::Schedule;
use super::timing::{TOO_MANY_MISSED, most_recent_schedule_time, next_schedule_delay};
use super::{
    CronJobController, delete_from_active_list, in_active_list, job_from_template, job_name,
};
use crate::controller::{self, Result};
use crate::controller_ref::is_controlled_by;
use crate::controllers::job::conditions::{COMPLETE, finished_type};
use crate::events::reference_of;

/// The schedule string to parse: `spec.timeZone` becomes a `TZ=` prefix.
fn format_schedule(cj: &CronJob) -> (String, bool) {
    let spec = cj.spec.as_ref();
    let schedule = spec.map(|s| s.schedule.clone()).unwrap_or_default();
    if schedule.contains("TZ") {
        return (schedule, true);
    }
    match spec.and_then(|s| s.time_zone.as_deref()) {
        Some(tz) if jiff::tz::db().get(tz).is_ok() => (format!("TZ={tz} {schedule}"), false),
        _ => (schedule, false),
    }
}

type Outcome = (Option<Duration>, bool, Result<()>);

impl CronJobController {
    pub(super) async fn sync_cron_job(&self, cj: &mut CronJob, jobs: &[Arc<Job>]) -> Outcome {
        let now = Timestamp::now();
        let mut changed = false;
        let namespace = cj.metadata.namespace.clone().unwrap_or_default();
        let name = cj.metadata.name.clone().unwrap_or_default();
        let mut children = std::collections::HashSet::new();
        for job in jobs {
            let uid = job.metadata.uid.clone().unwrap_or_default();
            children.insert(uid.clone());
            let job_name = job.metadata.name.clone().unwrap_or_default();
            let found = in_active_list(cj, &uid);
            let finished = finished_type(job);
            if !found && finished.is_none() {
                // Our status may be stale: check a fresh copy before complaining.
                let api: kube::Api<CronJob> =
                    kube::Api::namespaced(self.client.clone(), &namespace);
                match api.get(&name).await {
                    Ok(fresh) if in_active_list(&fresh, &uid) => {
                        *cj = fresh;
                        continue;
                    }
                    Ok(_) => {}
                    Err(error) => return (None, changed, Err(error.into())),
                }
                self.events.warning(
                    reference_of(cj),
                    "UnexpectedJob",
                    "Reconcile",
                    format!("Saw a job that the controller did not create or forgot: {job_name}"),
                );
            } else if found && let Some(condition) = finished {
                delete_from_active_list(cj, &uid);
                self.events.normal(
                    reference_of(cj),
                    "SawCompletedJob",
                    "Reconcile",
                    format!("Saw completed job: {job_name}, condition: {condition}"),
                );
                changed = true;
            } else if finished == Some(COMPLETE) {
                let completed = job.status.as_ref().and_then(|s| s.completion_time.clone());
                let status = cj.status.get_or_insert_with(Default::default);
                match (&status.last_successful_time, &completed) {
                    (None, _) => {
                        status.last_successful_time = completed;
                        changed = true;
                    }
                    (Some(last), Some(at)) if at.0 > last.0 => {
                        status.last_successful_time = completed;
                        changed = true;
                    }
                    _ => {}
                }
            }
        }
        // Active Jobs that no longer exist (checked against the API, not a slow cache).
        let active = cj
            .status
            .as_ref()
            .and_then(|s| s.active.clone())
            .unwrap_or_default();
        for reference in active {
            let uid = reference.uid.clone().unwrap_or_default();
            if children.contains(&uid) {
                continue;
            }
            let job_namespace = reference
                .namespace
                .clone()
                .unwrap_or_else(|| namespace.clone());
            let job_name = reference.name.clone().unwrap_or_default();
            match self.jobs_api(&job_namespace).get(&job_name).await {
                Err(error) if controller::is_not_found(&error) => {
                    self.events.normal(
                        reference_of(cj),
                        "MissingJob",
                        "Reconcile",
                        format!("Active job went missing: {job_name}"),
                    );
                    delete_from_active_list(cj, &uid);
                    changed = true;
                }
                Err(error) => return (None, changed, Err(error.into())),
                Ok(_) => {}
            }
        }
        if cj.metadata.deletion_timestamp.is_some() {
            return (None, changed, Ok(()));
        }
        let spec = cj.spec.clone().unwrap_or_default();
        let zone = match spec.time_zone.as_deref() {
            Some(tz) => match jiff::tz::db().get(tz) {
                Ok(zone) => zone,
                Err(error) => {
                    self.events.warning(
                        reference_of(cj),
                        "UnknownTimeZone",
                        "Reconcile",
                        format!("invalid timeZone: {tz:?}: {error}"),
                    );
                    return (None, changed, Ok(()));
                }
            },
            None => TimeZone::system(),
        };
        if spec.suspend.unwrap_or(false) {
            return (None, changed, Ok(()));
        }
        let (text, has_tz) = format_schedule(cj);
        if has_tz {
            self.events.warning(
                reference_of(cj),
                "UnsupportedSchedule",
                "Reconcile",
                format!(
                    "CRON_TZ or TZ used in schedule {:?} is not officially supported, see \
                     https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for \
                     more details",
                    spec.schedule
                ),
            );
        }
        let schedule = match Schedule::parse(&text) {
            Ok(s) => s,
            Err(error) => {
                self.events.warning(
                    reference_of(cj),
                    "UnparseableSchedule",
                    "Reconcile",
                    format!("unparseable schedule: {:?} : {error}", spec.schedule),
                );
                return (None, changed, Ok(()));
            }
        };
        let created = cj
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|t| t.0)
            .unwrap_or(now);
        let last = cj
            .status
            .as_ref()
            .and_then(|s| s.last_schedule_time.as_ref())
            .map(|t| t.0);
        let next_delay =
            |last: Option<Timestamp>| next_schedule_delay(&schedule, &zone, created, last, now);
        let recent = match most_recent_schedule_time(
            &schedule,
            &zone,
            created,
            last,
            spec.starting_deadline_seconds,
            now,
        ) {
            Ok(r) => r,
            Err(error) => {
                self.events.warning(
                    reference_of(cj),
                    "InvalidSchedule",
                    "Reconcile",
                    format!("invalid schedule: {} : {error}", spec.schedule),
                );
                return (None, changed, Ok(()));
            }
        };
        if recent.missed > TOO_MANY_MISSED {
            self.events.warning(
                reference_of(cj),
                "TooManyMissedTimes",
                "Reconcile",
                format!(
                    "too many missed start times: {}. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
                    recent.missed
                ),
            );
        }
        let Some(scheduled) = recent.most_recent.filter(|t| *t <= now) else {
            return (next_delay(last), changed, Ok(()));
        };
        if let Some(deadline) = spec.starting_deadline_seconds {
            let too_late = scheduled
                .checked_add(jiff::SignedDuration::from_secs(deadline))
                .is_ok_and(|t| t < now);
            if too_late {
                self.events.warning(
                    reference_of(cj),
                    "MissSchedule",
                    "Reconcile",
                    format!(
                        "Missed scheduled time to start a job: {}",
                        scheduled.strftime("%a, %d %b %Y %H:%M:%S %z")
                    ),
                );
                return (next_delay(last), changed, Ok(()));
            }
        }
        let name_for_time = job_name(&name, scheduled);
        let already = cj
            .status
            .as_ref()
            .and_then(|s| s.active.as_ref())
            .is_some_and(|a| {
                a.iter()
                    .any(|r| r.name.as_deref() == Some(name_for_time.as_str()))
            })
            || last == Some(scheduled);
        if already {
            return (next_delay(last), changed, Ok(()));
        }
        let active_count = cj
            .status
            .as_ref()
            .and_then(|s| s.active.as_ref())
            .map_or(0, Vec::len);
        let policy = spec.concurrency_policy.as_deref().unwrap_or("Allow");
        if policy == "Forbid" && active_count > 0 {
            self.events.normal(
                reference_of(cj),
                "JobAlreadyActive",
                "Reconcile",
                "Not starting job because prior execution is running and concurrency policy is Forbid".to_owned(),
            );
            return (next_delay(last), changed, Ok(()));
        }
        if policy == "Replace" {
            let active = cj
                .status
                .as_ref()
                .and_then(|s| s.active.clone())
                .unwrap_or_default();
            for reference in active {
                let job_namespace = reference
                    .namespace
                    .clone()
                    .unwrap_or_else(|| namespace.clone());
                let job_name = reference.name.clone().unwrap_or_default();
                let job = match self.jobs_api(&job_namespace).get(&job_name).await {
                    Ok(job) => job,
                    Err(error) => {
                        self.events.warning(
                            reference_of(cj),
                            "FailedGet",
                            "Reconcile",
                            format!("Get job: {}", crate::pod_control::api_message(&error)),
                        );
                        return (None, changed, Err(error.into()));
                    }
                };
                if !self.delete_job(cj, &job).await {
                    return (
                        None,
                        changed,
                        Err(controller::Error::Other(format!(
                            "could not replace job {job_namespace}/{job_name}"
                        ))),
                    );
                }
                changed = true;
            }
        }
        let annotation_zone = match spec.time_zone.as_deref() {
            Some(_) => zone.clone(),
            None => TimeZone::UTC,
        };
        let request = job_from_template(cj, scheduled, &annotation_zone);
        let api = self.jobs_api(&namespace);
        let job = match api.create(&PostParams::default(), &request).await {
            Ok(job) => {
                self.events.normal(
                    reference_of(cj),
                    "SuccessfulCreate",
                    "Create",
                    format!(
                        "Created job {}",
                        job.metadata.name.as_deref().unwrap_or_default()
                    ),
                );
                job
            }
            Err(error) if controller::is_conflict(&error) => {
                let existing = match api.get(&name_for_time).await {
                    Ok(job) => job,
                    Err(error) => return (None, changed, Err(error.into())),
                };
                let uid = cj.metadata.uid.clone().unwrap_or_default();
                let existing_uid = existing.metadata.uid.clone().unwrap_or_default();
                if !is_controlled_by(&existing, &uid) || in_active_list(cj, &existing_uid) {
                    return (None, changed, Ok(()));
                }
                existing
            }
            Err(error) => {
                self.events.warning(
                    reference_of(cj),
                    "FailedCreate",
                    "Create",
                    format!(
                        "Error creating job: {}",
                        crate::pod_control::api_message(&error)
                    ),
                );
                return (None, changed, Err(error.into()));
            }
        };
        let status = cj.status.get_or_insert_with(Default::default);
        status
            .active
            .get_or_insert_with(Vec::new)
            .push(reference_of(&job));
        status.last_schedule_time = Some(Time(scheduled));
        (next_delay(Some(scheduled)), true, Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::controllers::cronjob::{SCHEDULED_TIMESTAMP_ANNOTATION, rfc3339_in};

    fn cron_job(spec: serde_json::Value) -> CronJob {
        serde_json::from_value(json!({
            "metadata": {"name": "hello", "namespace": "ns", "uid": "cj-uid"},
            "spec": spec,
        }))
        .unwrap()
    }

    #[test]
    fn time_zones_become_a_prefix_and_tz_in_the_schedule_is_flagged() {
        let cj = cron_job(
            json!({"schedule": "0 9 * * *", "timeZone": "Europe/Berlin", "jobTemplate": {}}),
        );
        assert_eq!(
            format_schedule(&cj),
            ("TZ=Europe/Berlin 0 9 * * *".to_owned(), false)
        );
        let cj = cron_job(json!({"schedule": "CRON_TZ=UTC 0 9 * * *", "jobTemplate": {}}));
        assert!(format_schedule(&cj).1);
    }

    #[test]
    fn jobs_are_named_by_minutes_and_annotated_in_the_time_zone() {
        let cj = cron_job(json!({
            "schedule": "* * * * *",
            "jobTemplate": {"metadata": {"labels": {"a": "b"}}, "spec": {"template": {}}}
        }));
        let at: Timestamp = "2026-01-01T10:00:00Z".parse().unwrap();
        let job = job_from_template(&cj, at, &TimeZone::UTC);
        assert_eq!(job.metadata.name.as_deref(), Some("hello-29454360"));
        let annotations = job.metadata.annotations.unwrap();
        assert_eq!(
            annotations[SCHEDULED_TIMESTAMP_ANNOTATION],
            "2026-01-01T10:00:00Z"
        );
        assert_eq!(job.metadata.labels.unwrap()["a"], "b");
        let owner = &job.metadata.owner_references.unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.uid.as_str()),
            ("CronJob", "cj-uid")
        );
        let berlin = jiff::tz::db().get("Europe/Berlin").unwrap();
        assert_eq!(rfc3339_in(at, &berlin), "2026-01-01T11:00:00+01:00");
    }
}
