//! networking.k8s.io (Ingress, IngressClass, NetworkPolicy) and
//! discovery.k8s.io (EndpointSlice) printers.

use serde_json::{Value, json};

use super::pod::load_balancer_ingress;
use super::util::{Ctx, arr, format_label_selector, get, int, name, opt_s, s};
use super::{AGE_COL, Col, NAME_COL, Printer, Row, col, desc};

pub(crate) fn printer(kind: &str, group: &str) -> Option<Printer> {
    let (columns, print): (&'static [Col], super::PrintFn) = match (group, kind) {
        ("networking.k8s.io", "Ingress") => (INGRESS_COLUMNS, print_ingress),
        ("networking.k8s.io", "IngressClass") => (INGRESS_CLASS_COLUMNS, print_ingress_class),
        ("networking.k8s.io", "NetworkPolicy") => (NETPOL_COLUMNS, print_network_policy),
        ("discovery.k8s.io", "EndpointSlice") => (SLICE_COLUMNS, print_endpoint_slice),
        _ => return None,
    };
    Some(Printer { columns, print })
}

fn age(obj: &Value, ctx: &Ctx) -> Value {
    json!(ctx.since(get(obj, &["metadata", "creationTimestamp"])))
}

/// `listWithMoreString`.
fn list_with_more(list: &[String], more: bool, count: usize, max: usize) -> String {
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count - max);
    }
    if ret.is_empty() {
        "<unset>".to_string()
    } else {
        ret
    }
}

const INGRESS_COLUMNS: &[Col] = &[
    NAME_COL,
    col(
        "Class",
        "string",
        "The name of the IngressClass resource that should be used for additional configuration",
    ),
    col(
        "Hosts",
        "string",
        "Hosts that incoming requests are matched against before the ingress rule",
    ),
    col(
        "Address",
        "string",
        "Address is a list containing ingress points for the load-balancer",
    ),
    col("Ports", "string", "Ports of TLS configurations that open"),
    AGE_COL,
];

/// `formatHosts`: up to three non-empty hosts, `*` when none.
fn format_hosts(rules: &[Value]) -> String {
    const MAX: usize = 3;
    let mut list: Vec<&str> = Vec::new();
    let mut more = false;
    for rule in rules {
        if list.len() == MAX {
            more = true;
        }
        let host = s(rule, &["host"]);
        if !more && !host.is_empty() {
            list.push(host);
        }
    }
    if list.is_empty() {
        return "*".to_string();
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", rules.len() - MAX)
    } else {
        ret
    }
}

fn print_ingress(ing: &Value, ctx: &Ctx) -> Row {
    let ports = if arr(ing, &["spec", "tls"]).is_empty() {
        "80"
    } else {
        "80, 443"
    };
    Row::new(vec![
        json!(name(ing)),
        json!(opt_s(ing, &["spec", "ingressClassName"]).unwrap_or("<none>")),
        json!(format_hosts(arr(ing, &["spec", "rules"]))),
        json!(load_balancer_ingress(get(ing, &["status", "loadBalancer"]))),
        json!(ports),
        age(ing, ctx),
    ])
}

const INGRESS_CLASS_COLUMNS: &[Col] = &[
    NAME_COL,
    col(
        "Controller",
        "string",
        "Controller that is responsible for handling this class",
    ),
    col(
        "Parameters",
        "string",
        "A reference to a resource with additional parameters",
    ),
    AGE_COL,
];

fn print_ingress_class(ic: &Value, ctx: &Ctx) -> Row {
    let parameters = match get(ic, &["spec", "parameters"]) {
        Some(p) => {
            let mut out = s(p, &["kind"]).to_string();
            if let Some(group) = opt_s(p, &["apiGroup"]) {
                out = format!("{out}.{group}");
            }
            format!("{out}/{}", s(p, &["name"]))
        }
        None => "<none>".to_string(),
    };
    Row::new(vec![
        json!(name(ic)),
        json!(s(ic, &["spec", "controller"])),
        json!(parameters),
        age(ic, ctx),
    ])
}

const NETPOL_COLUMNS: &[Col] = &[
    NAME_COL,
    col("Pod-Selector", "string", desc::NP_POD_SELECTOR),
    AGE_COL,
];

fn print_network_policy(np: &Value, ctx: &Ctx) -> Row {
    // `podSelector` is a non-pointer struct upstream: absent means empty (`<none>`).
    let empty = json!({});
    let sel = get(np, &["spec", "podSelector"]).unwrap_or(&empty);
    Row::new(vec![
        json!(name(np)),
        json!(format_label_selector(Some(sel))),
        age(np, ctx),
    ])
}

const SLICE_COLUMNS: &[Col] = &[
    NAME_COL,
    col("AddressType", "string", desc::ES_ADDRESS_TYPE),
    col("Ports", "string", desc::ES_PORTS),
    col("Endpoints", "string", desc::ES_ENDPOINTS),
    AGE_COL,
];

fn print_endpoint_slice(es: &Value, ctx: &Ctx) -> Row {
    const MAX: usize = 3;
    let ports = arr(es, &["ports"]);
    let port_list: Vec<String> = ports
        .iter()
        .take(MAX)
        .map(|p| {
            if get(p, &["port"]).is_some() {
                int(p, &["port"]).to_string()
            } else if let Some(n) = opt_s(p, &["name"]) {
                n.to_string()
            } else {
                "*".to_string()
            }
        })
        .collect();
    let ports_str = list_with_more(&port_list, ports.len() > MAX, ports.len(), MAX);
    let addresses: Vec<&str> = arr(es, &["endpoints"])
        .iter()
        .flat_map(|e| arr(e, &["addresses"]).iter().filter_map(Value::as_str))
        .collect();
    let addr_list: Vec<String> = addresses.iter().take(MAX).map(|a| a.to_string()).collect();
    let endpoints_str = list_with_more(&addr_list, addresses.len() > MAX, addresses.len(), MAX);
    Row::new(vec![
        json!(name(es)),
        json!(s(es, &["addressType"])),
        json!(ports_str),
        json!(endpoints_str),
        age(es, ctx),
    ])
}
