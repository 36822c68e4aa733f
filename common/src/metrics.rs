//! The Prometheus registry a daemon creates in `main` and passes down (no global state), and the
//! text exposition encoder behind `/metrics`.

use prometheus::{Encoder, Registry, TextEncoder};

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Encoding or registration failed.
    #[error("prometheus: {0}")]
    Prometheus(#[from] prometheus::Error),
}

/// Result of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `Content-Type` of [`encode_text`]'s output.
pub const TEXT_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A fresh, empty registry. Metric names are registered unprefixed, as upstream's are.
pub fn new_registry() -> Registry {
    Registry::new()
}

/// Encode every metric family of `registry` in the Prometheus text format.
pub fn encode_text(registry: &Registry) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    TextEncoder::new().encode(&registry.gather(), &mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use prometheus::{IntCounterVec, Opts};

    use super::*;

    #[test]
    fn encodes_registered_metrics() {
        let registry = new_registry();
        let counter = IntCounterVec::new(
            Opts::new("apiserver_request_total", "Counter of apiserver requests."),
            &["verb", "code"],
        )
        .expect("counter");
        registry
            .register(Box::new(counter.clone()))
            .expect("register");
        counter.with_label_values(&["GET", "200"]).inc_by(3);
        let text = String::from_utf8(encode_text(&registry).expect("encode")).expect("utf8");
        assert!(
            text.contains("# TYPE apiserver_request_total counter"),
            "{text}"
        );
        assert!(
            text.contains("apiserver_request_total{code=\"200\",verb=\"GET\"} 3"),
            "{text}"
        );
    }

    #[test]
    fn registries_are_independent() {
        let a = new_registry();
        let b = new_registry();
        let g = prometheus::IntGauge::new("x", "x").expect("gauge");
        a.register(Box::new(g)).expect("register");
        assert_eq!(a.gather().len(), 1);
        assert!(b.gather().is_empty());
    }
}
