//! Component configuration files (`KubeletConfiguration`, `KubeProxyConfiguration`, ...):
//! YAML or JSON, checked for the one kind and version a daemon reads, then decoded leniently
//! (unknown fields ignored) as upstream's component-config loading does.

use serde::de::DeserializeOwned;

/// Decodes `text` as `kind` of `api_version`; the error names what was found instead.
pub fn decode<T: DeserializeOwned>(text: &str, kind: &str, api_version: &str) -> Result<T, String> {
    let value: serde_json::Value =
        serde_saphyr::from_str(text).map_err(|error| error.to_string())?;
    let field = |name: &str| {
        value
            .get(name)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let (found_kind, found_version) = (field("kind"), field("apiVersion"));
    if found_kind != kind || found_version != api_version {
        return Err(format!(
            "expected kind {kind} of {api_version}, got kind {found_kind:?} of {found_version:?}"
        ));
    }
    serde_json::from_value(value).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Config {
        port: u16,
    }

    #[test]
    fn the_kind_and_version_are_checked_before_decoding() {
        let ok: Config = decode(
            "apiVersion: x/v1\nkind: C\nport: 7\nother: 1\n",
            "C",
            "x/v1",
        )
        .unwrap();
        assert_eq!(ok.port, 7);
        let wrong = decode::<Config>("apiVersion: v1\nkind: Pod\n", "C", "x/v1").unwrap_err();
        assert!(wrong.contains("got kind \"Pod\" of \"v1\""), "{wrong}");
        assert!(decode::<Config>(": : :", "C", "x/v1").is_err());
    }
}
