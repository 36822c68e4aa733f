//! batch/v1 printers: jobs and cron jobs.

use serde_json::{Value, json};

use super::util::{
    Ctx, arr, format_label_selector, get, human_duration_nanos, int, layout_containers, name,
    opt_int, opt_s, parse_time, print_bool_ptr, s,
};
use super::{AGE_COL, Col, NAME_COL, Printer, Row, col, desc, wide};

pub(crate) fn printer(kind: &str) -> Option<Printer> {
    let (columns, print): (&'static [Col], super::PrintFn) = match kind {
        "Job" => (JOB_COLUMNS, print_job),
        "CronJob" => (CRONJOB_COLUMNS, print_cronjob),
        _ => return None,
    };
    Some(Printer { columns, print })
}

const JOB_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Status", "string", "Status of the job."),
    col("Completions", "string", desc::JOB_SUCCEEDED),
    col("Duration", "string", "Time required to complete the job."),
    AGE_COL,
    wide("Containers", "string", desc::CONTAINERS),
    wide("Images", "string", desc::IMAGES),
    wide("Selector", "string", desc::JOB_SELECTOR),
];

/// `hasJobCondition`: the first condition of that type decides.
fn has_condition(job: &Value, ty: &str) -> bool {
    arr(job, &["status", "conditions"])
        .iter()
        .find(|c| s(c, &["type"]) == ty)
        .is_some_and(|c| s(c, &["status"]) == "True")
}

/// `printJob`.
fn print_job(job: &Value, ctx: &Ctx) -> Row {
    let succeeded = int(job, &["status", "succeeded"]);
    let completions = match opt_int(job, &["spec", "completions"]) {
        Some(c) => format!("{succeeded}/{c}"),
        None => match opt_int(job, &["spec", "parallelism"]).unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let start = parse_time(get(job, &["status", "startTime"]));
    let completion = parse_time(get(job, &["status", "completionTime"]));
    let duration = match (start, completion) {
        (None, _) => String::new(),
        (Some(st), None) => human_duration_nanos(ctx.now_nanos - st),
        (Some(st), Some(done)) => human_duration_nanos(done - st),
    };
    let status = if has_condition(job, "Complete") {
        "Complete"
    } else if has_condition(job, "Failed") {
        "Failed"
    } else if get(job, &["metadata", "deletionTimestamp"]).is_some() {
        "Terminating"
    } else if has_condition(job, "Suspended") {
        "Suspended"
    } else if has_condition(job, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let (names, images) = layout_containers(arr(job, &["spec", "template", "spec", "containers"]));
    Row::new(vec![
        json!(name(job)),
        json!(status),
        json!(completions),
        json!(duration),
        json!(ctx.since(get(job, &["metadata", "creationTimestamp"]))),
        json!(names),
        json!(images),
        json!(format_label_selector(get(job, &["spec", "selector"]))),
    ])
}

const CRONJOB_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Schedule", "string", desc::CJ_SCHEDULE),
    col("Timezone", "string", desc::CJ_TIMEZONE),
    col("Suspend", "boolean", desc::CJ_SUSPEND),
    col("Active", "integer", desc::CJ_ACTIVE),
    col("Last Schedule", "string", desc::CJ_LAST_SCHEDULE),
    AGE_COL,
    wide("Containers", "string", desc::CONTAINERS),
    wide("Images", "string", desc::IMAGES),
    wide("Selector", "string", desc::JOB_SELECTOR),
];

/// `printCronJob`.
fn print_cronjob(cj: &Value, ctx: &Ctx) -> Row {
    let last = match get(cj, &["status", "lastScheduleTime"]) {
        Some(t) => ctx.since(Some(t)),
        None => "<none>".to_string(),
    };
    let job_spec = get(cj, &["spec", "jobTemplate", "spec"]);
    let containers = job_spec.map_or(&[][..], |j| arr(j, &["template", "spec", "containers"]));
    let (names, images) = layout_containers(containers);
    Row::new(vec![
        json!(name(cj)),
        json!(s(cj, &["spec", "schedule"])),
        json!(opt_s(cj, &["spec", "timeZone"]).unwrap_or("<none>")),
        json!(print_bool_ptr(get(cj, &["spec", "suspend"]))),
        json!(arr(cj, &["status", "active"]).len()),
        json!(last),
        json!(ctx.since(get(cj, &["metadata", "creationTimestamp"]))),
        json!(names),
        json!(images),
        json!(format_label_selector(
            job_spec.and_then(|j| get(j, &["selector"]))
        )),
    ])
}
