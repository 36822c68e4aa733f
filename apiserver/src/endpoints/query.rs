//! Query parameters of API requests, decoded once, with upstream's errors for bad values.

use std::str::FromStr;

use super::status::ApiError;

#[derive(Clone, Debug, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(raw: Option<&str>) -> Query {
        Query {
            pairs: raw
                .map(|raw| {
                    form_urlencoded::parse(raw.as_bytes())
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.pairs
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// A number, or `default` when absent.
    pub fn parse_or<T: FromStr>(&self, name: &str, default: T) -> Result<T, ApiError> {
        match self.get(name) {
            None | Some("") => Ok(default),
            Some(text) => text
                .parse()
                .map_err(|_| ApiError::bad_request(format!("invalid value for {name}: {text:?}"))),
        }
    }

    /// A boolean flag (`true`/`false`/`1`/`0`), false when absent.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        Ok(self.optional_flag(name)?.unwrap_or(false))
    }

    pub fn optional_flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("true" | "1" | "True") | Some("") => Ok(Some(true)),
            Some("false" | "0" | "False") => Ok(Some(false)),
            Some(other) => Err(ApiError::bad_request(format!(
                "invalid value for {name}: {other:?}"
            ))),
        }
    }

    /// `dryRun=All` (the only value upstream accepts).
    pub fn dry_run(&self) -> Result<bool, ApiError> {
        let mut dry_run = false;
        for value in self.all("dryRun") {
            match value {
                "All" => dry_run = true,
                "" => {}
                other => {
                    return Err(ApiError::bad_request(format!(
                        "Invalid dry run value: {other}. Valid values are All"
                    )));
                }
            }
        }
        Ok(dry_run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_validates() {
        let query = Query::parse(Some(
            "labelSelector=app%3Dweb%2Ctier+in+(a)&limit=5&watch=1&dryRun=All",
        ));
        assert_eq!(query.get("labelSelector"), Some("app=web,tier in (a)"));
        assert_eq!(query.parse_or("limit", 0usize).unwrap(), 5);
        assert!(query.flag("watch").unwrap());
        assert!(query.dry_run().unwrap());
        assert!(
            Query::parse(Some("limit=x"))
                .parse_or("limit", 0usize)
                .is_err()
        );
        assert!(Query::parse(Some("dryRun=Some")).dry_run().is_err());
    }
}
