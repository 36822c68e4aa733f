//! `Accept` header negotiation for Table output.
//!
//! Upstream (`apiserver/pkg/endpoints/handlers/negotiation`) walks the
//! accepted media types in preference order (by `q`, then specificity) and
//! takes the first one it can serve. A clause with `as=Table;g=meta.k8s.io`
//! and `v=v1` or `v=v1beta1` selects a Table in that version; one with an
//! unsupported `as`/`g`/`v` (or unknown parameter) is skipped, so kubectl's
//! `...;as=Table;v=v1;g=meta.k8s.io,application/json` falls back to plain JSON
//! when Tables are not possible.

use super::TableVersion;

/// Outcome of negotiating the `Accept` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableNegotiation {
    /// Serve a `meta.k8s.io` Table in this version.
    Table(TableVersion),
    /// Serve only metadata (`as=PartialObjectMetadata` or
    /// `as=PartialObjectMetadataList`, `g=meta.k8s.io`) in this `meta.k8s.io`
    /// version (`v1` or `v1beta1`).
    Metadata(&'static str),
    /// Serve the object(s) normally (no transformation asked, or a plain
    /// media type was preferred / acceptable).
    Plain,
    /// Only transformations this module cannot serve were asked for (e.g.
    /// `as=PartialObjectMetadata`, `as=Table;v=v2`): the caller decides
    /// (upstream answers 406 if nothing else serves it).
    NotAcceptable,
}

/// One parsed clause of the Accept header.
struct Clause<'a> {
    media: String,
    params: Vec<(String, &'a str)>,
    q: f64,
    index: usize,
}

fn parse(accept: &str) -> Vec<Clause<'_>> {
    let mut out = Vec::new();
    for (index, raw) in accept.split(',').enumerate() {
        let mut parts = raw.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        if media.is_empty() {
            continue;
        }
        let mut q = 1.0;
        let mut params = Vec::new();
        for p in parts {
            let Some((k, v)) = p.split_once('=') else {
                continue;
            };
            let k = k.trim().to_ascii_lowercase();
            let v = v.trim().trim_matches('"');
            if k == "q" {
                q = v.parse().unwrap_or(0.0);
            } else {
                params.push((k, v));
            }
        }
        out.push(Clause {
            media,
            params,
            q,
            index,
        });
    }
    // Highest q first; concrete types before wildcards; otherwise header order.
    let wild = |m: &str| usize::from(m.starts_with('*')) + usize::from(m.ends_with("/*"));
    out.sort_by(|a, b| {
        b.q.partial_cmp(&a.q)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(wild(&a.media).cmp(&wild(&b.media)))
            .then(a.index.cmp(&b.index))
    });
    out
}

/// Media types the API server can encode.
fn media_ok(media: &str) -> bool {
    matches!(
        media,
        "application/json"
            | "application/yaml"
            | "application/vnd.kubernetes.protobuf"
            | "application/cbor"
            | "application/*"
            | "*/*"
    )
}

/// Negotiates the `Accept` header.
pub fn negotiate(accept: &str) -> TableNegotiation {
    let clauses = parse(accept);
    if clauses.is_empty() {
        return TableNegotiation::Plain;
    }
    let mut saw_acceptable_media = false;
    for c in clauses.iter().filter(|c| c.q > 0.0 && media_ok(&c.media)) {
        saw_acceptable_media = true;
        let (mut as_kind, mut group, mut version) = ("", "", "");
        let mut unknown = false;
        for (k, v) in &c.params {
            match k.as_str() {
                "as" => as_kind = v,
                "g" => group = v,
                "v" => version = v,
                "pretty" | "stream" | "charset" => {}
                _ => unknown = true,
            }
        }
        if unknown {
            continue;
        }
        if as_kind.is_empty() {
            if group.is_empty() && version.is_empty() {
                return TableNegotiation::Plain;
            }
            continue;
        }
        if matches!(
            as_kind,
            "PartialObjectMetadata" | "PartialObjectMetadataList"
        ) && group == "meta.k8s.io"
        {
            match version {
                "v1" => return TableNegotiation::Metadata("v1"),
                "v1beta1" => return TableNegotiation::Metadata("v1beta1"),
                _ => {}
            }
        }
        if as_kind == "Table" && group == "meta.k8s.io" {
            match version {
                "v1" => return TableNegotiation::Table(TableVersion::V1),
                "v1beta1" => return TableNegotiation::Table(TableVersion::V1Beta1),
                _ => {}
            }
        }
    }
    if saw_acceptable_media {
        TableNegotiation::NotAcceptable
    } else {
        // Unknown media types: left to the normal content negotiation.
        TableNegotiation::Plain
    }
}

/// Whether the `Accept` header asks for (and gets) a Table.
pub fn wants_table(accept: &str) -> bool {
    matches!(negotiate(accept), TableNegotiation::Table(_))
}
