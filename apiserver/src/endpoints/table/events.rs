//! Events (`printEvent`). Upstream prints `events.k8s.io/v1` Events with the
//! same printer after converting them to the internal core Event; this module
//! maps the `events.k8s.io` field names onto the core ones the same way.

use serde_json::{Value, json};

use super::util::{Ctx, get, int, name, opt_int, parse_time, s};
use super::{Col, Printer, Row, col, desc, wide};

const EVENT_COLUMNS: &[Col] = &[
    col("Last Seen", "string", desc::EV_LAST),
    col("Type", "string", desc::EV_TYPE),
    col("Reason", "string", desc::EV_REASON),
    col("Object", "string", desc::EV_OBJECT),
    wide("Subobject", "string", desc::EV_FIELD_PATH),
    wide("Source", "string", desc::EV_SOURCE),
    col("Message", "string", desc::EV_MESSAGE),
    wide("First Seen", "string", desc::EV_FIRST),
    wide("Count", "string", desc::EV_COUNT),
    super::Col {
        name: "Name",
        ty: "string",
        format: "name",
        desc: desc::NAME,
        priority: 1,
    },
];

pub(crate) fn core_printer() -> Printer {
    Printer {
        columns: EVENT_COLUMNS,
        print: print_core_event,
    }
}

pub(crate) fn events_v1_printer() -> Printer {
    Printer {
        columns: EVENT_COLUMNS,
        print: print_events_v1,
    }
}

/// The fields of the internal Event the printer reads.
struct EventView<'a> {
    name: &'a str,
    first: Option<&'a Value>,
    last: Option<&'a Value>,
    event_time: Option<&'a Value>,
    series: Option<&'a Value>,
    count: i64,
    kind: &'a str,
    object_name: &'a str,
    field_path: &'a str,
    source_component: &'a str,
    source_host: &'a str,
    reporting_controller: &'a str,
    reporting_instance: &'a str,
    ty: &'a str,
    reason: &'a str,
    message: &'a str,
}

fn print_core_event(ev: &Value, ctx: &Ctx) -> Row {
    print_event(
        &EventView {
            name: name(ev),
            first: get(ev, &["firstTimestamp"]),
            last: get(ev, &["lastTimestamp"]),
            event_time: get(ev, &["eventTime"]),
            series: get(ev, &["series"]),
            count: int(ev, &["count"]),
            kind: s(ev, &["involvedObject", "kind"]),
            object_name: s(ev, &["involvedObject", "name"]),
            field_path: s(ev, &["involvedObject", "fieldPath"]),
            source_component: s(ev, &["source", "component"]),
            source_host: s(ev, &["source", "host"]),
            reporting_controller: s(ev, &["reportingComponent"]),
            reporting_instance: s(ev, &["reportingInstance"]),
            ty: s(ev, &["type"]),
            reason: s(ev, &["reason"]),
            message: s(ev, &["message"]),
        },
        ctx,
    )
}

fn print_events_v1(ev: &Value, ctx: &Ctx) -> Row {
    print_event(
        &EventView {
            name: name(ev),
            first: get(ev, &["deprecatedFirstTimestamp"]),
            last: get(ev, &["deprecatedLastTimestamp"]),
            event_time: get(ev, &["eventTime"]),
            series: get(ev, &["series"]),
            count: opt_int(ev, &["deprecatedCount"]).unwrap_or(0),
            kind: s(ev, &["regarding", "kind"]),
            object_name: s(ev, &["regarding", "name"]),
            field_path: s(ev, &["regarding", "fieldPath"]),
            source_component: s(ev, &["deprecatedSource", "component"]),
            source_host: s(ev, &["deprecatedSource", "host"]),
            reporting_controller: s(ev, &["reportingController"]),
            reporting_instance: s(ev, &["reportingInstance"]),
            ty: s(ev, &["type"]),
            reason: s(ev, &["reason"]),
            message: s(ev, &["note"]),
        },
        ctx,
    )
}

/// `formatEventSource`: component (or reporting controller), then `, host`
/// (or reporting instance) when non-empty.
fn format_source(ev: &EventView<'_>) -> String {
    let first = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            a.to_string()
        }
    };
    let component = first(ev.source_component, ev.reporting_controller);
    let instance = first(ev.source_host, ev.reporting_instance);
    if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    }
}

fn print_event(ev: &EventView<'_>, ctx: &Ctx) -> Row {
    let first_seen = if parse_time(ev.first).is_some() {
        ctx.since(ev.first)
    } else {
        ctx.since(ev.event_time)
    };
    let mut last_seen = if parse_time(ev.last).is_some() {
        ctx.since(ev.last)
    } else {
        first_seen.clone()
    };
    let mut count = ev.count;
    if let Some(series) = ev.series {
        last_seen = ctx.since(get(series, &["lastObservedTime"]));
        count = int(series, &["count"]);
    } else if count == 0 {
        // Singleton events don't have a count set in the new API.
        count = 1;
    }
    let kind = ev.kind.to_lowercase();
    let target = if ev.object_name.is_empty() {
        kind
    } else {
        format!("{kind}/{}", ev.object_name)
    };
    Row::new(vec![
        json!(last_seen),
        json!(ev.ty),
        json!(ev.reason),
        json!(target),
        json!(ev.field_path),
        json!(format_source(ev)),
        json!(ev.message.trim()),
        json!(first_seen),
        json!(count),
        json!(ev.name),
    ])
}
