//! Named health checks behind `/healthz`, `/livez` and `/readyz`, rendered like upstream's
//! healthz handler (`k8s.io/apiserver/pkg/server/healthz/healthz.go`).
//!
//! * Success: `200 ok`, or with `?verbose` one `[+]<name> ok` line per check and a final
//!   `<endpoint> check passed` line.
//! * Failure: `500`, always verbose: `[-]<name> failed: reason withheld` for each failing
//!   check (the reason goes to the log only, the endpoint being public) and a final
//!   `<endpoint> check failed` line.
//! * `?exclude=<name>` (repeatable) skips a check, printing `[+]<name> excluded: ok`; names that
//!   match no check produce a `warn: some health checks cannot be excluded: ...` line.
//! * `/<endpoint>/<name>` runs one check: `ok`, or `500 internal server error: <reason>`.
//!
//! As in the generic API server, [`HealthChecks::add_health_check`] adds a check to all three
//! endpoints, while [`HealthChecks::add_livez_check`] and [`HealthChecks::add_readyz_check`]
//! add to one. Every endpoint starts with the `ping` check.

use std::{collections::BTreeSet, fmt::Write as _, future::Future, pin::Pin, sync::Arc};

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A check with this name is already installed on the endpoint.
    #[error("health check {name:?} is already installed on /{endpoint}")]
    Duplicate {
        /// The endpoint.
        endpoint: Endpoint,
        /// The check name.
        name: String,
    },
    /// Check names must be non-empty and must not contain `/` or whitespace.
    #[error("invalid health check name {0:?}")]
    InvalidName(String),
}

/// Result of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a check returns: `Ok(())` when healthy.
pub type CheckResult = std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>;

type CheckFuture = Pin<Box<dyn Future<Output = CheckResult> + Send>>;
type CheckFn = Arc<dyn Fn() -> CheckFuture + Send + Sync>;

/// One of the three health endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `/healthz` (deprecated upstream, kept for compatibility).
    Healthz,
    /// `/livez`.
    Livez,
    /// `/readyz`.
    Readyz,
}

impl Endpoint {
    /// The name without slash, as used in the final status line.
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Healthz => "healthz",
            Endpoint::Livez => "livez",
            Endpoint::Readyz => "readyz",
        }
    }

    /// All endpoints.
    pub const ALL: [Endpoint; 3] = [Endpoint::Healthz, Endpoint::Livez, Endpoint::Readyz];
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone)]
struct NamedCheck {
    name: String,
    check: CheckFn,
}

/// A rendered health response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthResponse {
    /// HTTP status: 200 or 500 (404 for an unknown single check).
    pub status: u16,
    /// `text/plain; charset=utf-8` body.
    pub body: String,
}

/// The checks of the three endpoints. Cheap to clone; build it before serving.
#[derive(Clone)]
pub struct HealthChecks {
    healthz: Vec<NamedCheck>,
    livez: Vec<NamedCheck>,
    readyz: Vec<NamedCheck>,
}

impl Default for HealthChecks {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for HealthChecks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = |v: &Vec<NamedCheck>| v.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        f.debug_struct("HealthChecks")
            .field("healthz", &names(&self.healthz))
            .field("livez", &names(&self.livez))
            .field("readyz", &names(&self.readyz))
            .finish()
    }
}

fn make_check<F, Fut>(check: F) -> CheckFn
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = CheckResult> + Send + 'static,
{
    Arc::new(move || Box::pin(check()) as CheckFuture)
}

impl HealthChecks {
    /// Checks with only `ping` (always healthy) on every endpoint.
    pub fn new() -> Self {
        let ping = NamedCheck {
            name: "ping".to_owned(),
            check: make_check(|| async { Ok(()) }),
        };
        Self {
            healthz: vec![ping.clone()],
            livez: vec![ping.clone()],
            readyz: vec![ping],
        }
    }

    fn set_mut(&mut self, endpoint: Endpoint) -> &mut Vec<NamedCheck> {
        match endpoint {
            Endpoint::Healthz => &mut self.healthz,
            Endpoint::Livez => &mut self.livez,
            Endpoint::Readyz => &mut self.readyz,
        }
    }

    fn set(&self, endpoint: Endpoint) -> &[NamedCheck] {
        match endpoint {
            Endpoint::Healthz => &self.healthz,
            Endpoint::Livez => &self.livez,
            Endpoint::Readyz => &self.readyz,
        }
    }

    fn add(&mut self, endpoints: &[Endpoint], name: &str, check: CheckFn) -> Result<()> {
        if name.is_empty() || name.contains('/') || name.chars().any(char::is_whitespace) {
            return Err(Error::InvalidName(name.to_owned()));
        }
        for &endpoint in endpoints {
            if self.set(endpoint).iter().any(|c| c.name == name) {
                return Err(Error::Duplicate {
                    endpoint,
                    name: name.to_owned(),
                });
            }
        }
        for &endpoint in endpoints {
            self.set_mut(endpoint).push(NamedCheck {
                name: name.to_owned(),
                check: check.clone(),
            });
        }
        Ok(())
    }

    /// Add a check to `/healthz`, `/livez` and `/readyz`.
    pub fn add_health_check<F, Fut>(&mut self, name: &str, check: F) -> Result<()>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CheckResult> + Send + 'static,
    {
        self.add(&Endpoint::ALL, name, make_check(check))
    }

    /// Add a check to `/livez` only.
    pub fn add_livez_check<F, Fut>(&mut self, name: &str, check: F) -> Result<()>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CheckResult> + Send + 'static,
    {
        self.add(&[Endpoint::Livez], name, make_check(check))
    }

    /// Add a check to `/readyz` only.
    pub fn add_readyz_check<F, Fut>(&mut self, name: &str, check: F) -> Result<()>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CheckResult> + Send + 'static,
    {
        self.add(&[Endpoint::Readyz], name, make_check(check))
    }

    /// Names of the checks installed on `endpoint`, in order.
    pub fn names(&self, endpoint: Endpoint) -> Vec<&str> {
        self.set(endpoint).iter().map(|c| c.name.as_str()).collect()
    }

    /// Serve `path` (`/healthz`, `/livez/<check>`, ...) with raw `query`. `None` when the path is
    /// not a health path at all.
    pub async fn handle_path(&self, path: &str, query: Option<&str>) -> Option<HealthResponse> {
        let trimmed = path.strip_prefix('/')?;
        let (root, rest) = match trimmed.split_once('/') {
            Some((root, rest)) => (root, Some(rest)),
            None => (trimmed, None),
        };
        let endpoint = Endpoint::ALL.into_iter().find(|e| e.name() == root)?;
        Some(match rest {
            None | Some("") => self.handle(endpoint, query).await,
            Some(name) => self.handle_single(endpoint, name).await,
        })
    }

    /// Run one named check, as upstream's per-check sub-path.
    pub async fn handle_single(&self, endpoint: Endpoint, name: &str) -> HealthResponse {
        let Some(check) = self.set(endpoint).iter().find(|c| c.name == name) else {
            return HealthResponse {
                status: 404,
                body: "404 page not found\n".to_owned(),
            };
        };
        match (check.check)().await {
            Ok(()) => HealthResponse {
                status: 200,
                body: "ok".to_owned(),
            },
            Err(e) => HealthResponse {
                status: 500,
                body: format!("internal server error: {e}\n"),
            },
        }
    }

    /// Run the checks of `endpoint` and render the response for the raw `query`.
    pub async fn handle(&self, endpoint: Endpoint, query: Option<&str>) -> HealthResponse {
        let params = parse_query(query.unwrap_or(""));
        let verbose = params.iter().any(|(k, _)| k == "verbose");
        let mut excluded: BTreeSet<String> = params
            .into_iter()
            .filter(|(k, _)| k == "exclude")
            .map(|(_, v)| v)
            .collect();

        let checks = self.set(endpoint);
        let skip: Vec<bool> = checks.iter().map(|c| excluded.remove(&c.name)).collect();
        let results = futures::future::join_all(checks.iter().zip(&skip).map(|(c, &skip)| {
            let run = (!skip).then(|| (c.check)());
            async move {
                match run {
                    Some(fut) => Some(fut.await),
                    None => None,
                }
            }
        }))
        .await;

        let mut output = String::new();
        let mut failed = Vec::new();
        let mut log_detail = String::new();
        for (check, result) in checks.iter().zip(results) {
            let name = &check.name;
            match result {
                None => {
                    let _ = writeln!(output, "[+]{name} excluded: ok");
                }
                Some(Ok(())) => {
                    let _ = writeln!(output, "[+]{name} ok");
                }
                Some(Err(e)) => {
                    let _ = writeln!(output, "[-]{name} failed: reason withheld");
                    let _ = writeln!(log_detail, "[-]{name} failed: {e}");
                    failed.push(name.as_str());
                }
            }
        }
        if !excluded.is_empty() {
            let quoted = format_quoted(&excluded);
            let _ = writeln!(
                output,
                "warn: some health checks cannot be excluded: no matches for {quoted}"
            );
            tracing::warn!(
                "cannot exclude some health checks, no health checks are installed matching {quoted}"
            );
        }
        let name = endpoint.name();
        if !failed.is_empty() {
            tracing::debug!(
                endpoint = name,
                failed = %failed.join(","),
                detail = %log_detail,
                "health check failed"
            );
            // Upstream writes this through http.Error, which appends a newline.
            let _ = writeln!(output, "{name} check failed");
            return HealthResponse {
                status: 500,
                body: output,
            };
        }
        if !verbose {
            return HealthResponse {
                status: 200,
                body: "ok".to_owned(),
            };
        }
        let _ = writeln!(output, "{name} check passed");
        HealthResponse {
            status: 200,
            body: output,
        }
    }
}

/// Go's `%q` of each name, joined by commas.
fn format_quoted(names: &BTreeSet<String>) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Split a raw query string into decoded key/value pairs (`application/x-www-form-urlencoded`).
fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(b) = hex {
                    out.push(b);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks() -> HealthChecks {
        let mut checks = HealthChecks::new();
        checks
            .add_health_check("etcd", || async { Ok(()) })
            .expect("etcd");
        checks
            .add_readyz_check("informer-sync", || async {
                Err("3 informers not started".into())
            })
            .expect("informer-sync");
        checks
            .add_livez_check("log", || async { Ok(()) })
            .expect("log");
        checks
    }

    #[test]
    fn sets_are_separate() {
        let c = checks();
        assert_eq!(c.names(Endpoint::Healthz), ["ping", "etcd"]);
        assert_eq!(c.names(Endpoint::Livez), ["ping", "etcd", "log"]);
        assert_eq!(c.names(Endpoint::Readyz), ["ping", "etcd", "informer-sync"]);
    }

    #[test]
    fn duplicate_and_invalid_names_are_rejected() {
        let mut c = checks();
        assert!(matches!(
            c.add_readyz_check("etcd", || async { Ok(()) }),
            Err(Error::Duplicate {
                endpoint: Endpoint::Readyz,
                ..
            })
        ));
        assert!(matches!(
            c.add_health_check("a/b", || async { Ok(()) }),
            Err(Error::InvalidName(_))
        ));
        // A rejected add leaves every set untouched.
        assert!(matches!(
            c.add_health_check("log", || async { Ok(()) }),
            Err(Error::Duplicate {
                endpoint: Endpoint::Livez,
                ..
            })
        ));
        assert_eq!(c.names(Endpoint::Healthz), ["ping", "etcd"]);
    }

    #[tokio::test]
    async fn passing_endpoint_plain_and_verbose() {
        let c = checks();
        let r = c.handle(Endpoint::Livez, None).await;
        assert_eq!((r.status, r.body.as_str()), (200, "ok"));
        let r = c.handle(Endpoint::Livez, Some("verbose")).await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.body,
            "[+]ping ok\n[+]etcd ok\n[+]log ok\nlivez check passed\n"
        );
    }

    #[tokio::test]
    async fn failing_endpoint_is_always_verbose_and_withholds_reason() {
        let c = checks();
        let r = c.handle(Endpoint::Readyz, None).await;
        assert_eq!(r.status, 500);
        assert_eq!(
            r.body,
            "[+]ping ok\n[+]etcd ok\n[-]informer-sync failed: reason withheld\nreadyz check failed\n"
        );
        assert!(!r.body.contains("informers not started"));
    }

    #[tokio::test]
    async fn exclude_skips_checks_and_warns_on_unknown_names() {
        let c = checks();
        let r = c
            .handle(
                Endpoint::Readyz,
                Some("verbose&exclude=informer-sync&exclude=nope&exclude=a%22b"),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.body,
            "[+]ping ok\n[+]etcd ok\n[+]informer-sync excluded: ok\n\
             warn: some health checks cannot be excluded: no matches for \"a\\\"b\",\"nope\"\n\
             readyz check passed\n"
        );
    }

    #[tokio::test]
    async fn single_check_paths() {
        let c = checks();
        let r = c
            .handle_path("/readyz/informer-sync", None)
            .await
            .expect("health path");
        assert_eq!(r.status, 500);
        assert_eq!(r.body, "internal server error: 3 informers not started\n");
        let r = c
            .handle_path("/healthz/etcd", None)
            .await
            .expect("health path");
        assert_eq!((r.status, r.body.as_str()), (200, "ok"));
        let r = c
            .handle_path("/healthz/log", None)
            .await
            .expect("health path");
        assert_eq!(r.status, 404);
        assert!(c.handle_path("/metrics", None).await.is_none());
        let r = c
            .handle_path("/healthz", Some("verbose=1"))
            .await
            .expect("health path");
        assert!(r.body.ends_with("healthz check passed\n"));
    }

    #[test]
    fn query_decoding() {
        assert_eq!(
            parse_query("exclude=a%2Fb&verbose&x=1+2"),
            vec![
                ("exclude".to_owned(), "a/b".to_owned()),
                ("verbose".to_owned(), String::new()),
                ("x".to_owned(), "1 2".to_owned()),
            ]
        );
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
