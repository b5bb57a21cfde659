//! ec2-mock's own endpoints, under [`ADMIN_PREFIX`] (`/_ec2-mock/`), a path EC2 never uses:
//!
//! | endpoint | answer |
//! |---|---|
//! | `GET /_ec2-mock/health` | `{"status":"ok"}` while the process serves |
//! | `GET /_ec2-mock/ready` | `{"status":"ready"}`; 503 while the state file cannot be written |
//! | `POST /_ec2-mock/reset` | every world back to its start (`--init`, else a new account) |
//! | `GET /_ec2-mock/state` | the worlds in the `--init` format |
//! | `GET /_ec2-mock/summary` | resource counts per world |
//!
//! `reset`, `state` and `summary` take `?account=…&region=…` (either or both) to select
//! worlds. Every answer is JSON; a wrong method is 405 and an unknown path 404, both with a
//! JSON error. Each request is logged as one line (method, path, status, latency).
//!
//! **Who may call them** ([`AdminAccess`], checked by [`guard`] before any endpoint but
//! `health` and `ready`, which tell nothing about the worlds):
//!
//! - the `Host` must be an IP address, `localhost`, or a name given with `--admin-host`:
//!   a web page that rebinds its own DNS name to this server's address sends its own name,
//!   and is refused (403);
//! - a `POST` must carry `Content-Type: application/json` or an [`ADMIN_HEADER`] header:
//!   neither can be sent cross-site without a CORS preflight, which this server never
//!   grants, so no web page can post a reset (403);
//! - with `--admin-token`, `Authorization: Bearer TOKEN` is required; with `--auth strict`,
//!   that token or a SigV4 signature by a configured key (401 otherwise).

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, MethodRouter};
use axum::Router;
use serde::Serialize;

use crate::app::AppState;
use crate::auth::{AuthConfig, AuthMode, SignedRequest};
use crate::model::{regions, WorldFilter, WorldSummary};
use crate::snapshot::export;
use crate::sources::Stopwatch;
use crate::state::persist_change;
use crate::values::is_account_id;

/// The prefix of ec2-mock's own endpoints; EC2 itself only ever uses `/`.
pub const ADMIN_PREFIX: &str = "/_ec2-mock";

/// The header a `POST` may carry, instead of a JSON content type, to show it is not a
/// cross-site form (any value; `X-Ec2-Mock-Admin: 1`).
pub const ADMIN_HEADER: &str = "x-ec2-mock-admin";

/// Who may call the admin endpoints (see the module docs).
#[derive(Clone, Default)]
pub struct AdminAccess {
    /// Host names accepted besides IP addresses and `localhost` (`--admin-host`), compared
    /// without the port and case-insensitively.
    pub hosts: Vec<String>,
    /// The bearer token every guarded request must carry (`--admin-token`).
    pub token: Option<String>,
}

// By hand, so that `Config`'s Debug never prints the token.
impl fmt::Debug for AdminAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminAccess")
            .field("hosts", &self.hosts)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// What [`guard`] checks requests against.
#[derive(Debug, Clone)]
pub struct Guard {
    pub access: AdminAccess,
    pub auth: Arc<AuthConfig>,
}

/// The admin routes with the default [`AdminAccess`], to merge into the server's router.
pub fn routes(auth: Arc<AuthConfig>) -> Router<AppState> {
    routes_with(Guard {
        access: AdminAccess::default(),
        auth,
    })
}

/// The admin routes, every request checked by [`guard`] against `guard`.
pub fn routes_with(guard_with: Guard) -> Router<AppState> {
    let path = |name: &str| format!("{ADMIN_PREFIX}/{name}");
    let guard_with = Arc::new(guard_with);
    Router::new()
        .route(&path("health"), only("GET", get(health)))
        .route(&path("ready"), only("GET", get(ready)))
        .route(&path("reset"), only("POST", post(reset)))
        .route(&path("state"), only("GET", get(state)))
        .route(&path("summary"), only("GET", get(summary)))
        .route(ADMIN_PREFIX, any(not_found))
        .route(&path(""), any(not_found))
        .route(&path("{*rest}"), any(not_found))
        .layer(axum::middleware::from_fn(move |request, next| {
            guard(guard_with.clone(), request, next)
        }))
        .layer(axum::middleware::from_fn(log_request))
}

/// The largest admin request body read to check its signature; admin endpoints take none.
const MAX_ADMIN_BODY: usize = 64 * 1024;

/// Refuses a request to a guarded endpoint whose `Host`, form or credentials do not pass
/// (see the module docs); `health`, `ready` and unknown paths are answered as they are.
async fn guard(with: Arc<Guard>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let open = [
        format!("{ADMIN_PREFIX}/health"),
        format!("{ADMIN_PREFIX}/ready"),
    ];
    let guarded = ["reset", "state", "summary"]
        .iter()
        .any(|name| path == format!("{ADMIN_PREFIX}/{name}"));
    if open.iter().any(|p| p == path) || !guarded {
        return next.run(request).await;
    }
    if let Some(host) = request.headers().get(header::HOST) {
        let host = host.to_str().unwrap_or_default();
        if !host_allowed(host, &with.access.hosts) {
            return error(
                StatusCode::FORBIDDEN,
                "ForbiddenHost",
                &format!(
                    "Host '{}' is not this server's address or a loopback name; allow it with --admin-host",
                    host.escape_default()
                ),
            );
        }
    }
    if request.method() == Method::POST && !declares_itself(request.headers()) {
        return error(
            StatusCode::FORBIDDEN,
            "CrossSiteRequest",
            &format!("an admin POST must carry Content-Type: application/json or an {ADMIN_HEADER} header"),
        );
    }
    let needs_credentials = with.access.token.is_some() || with.auth.mode() == AuthMode::Strict;
    if !needs_credentials {
        return next.run(request).await;
    }
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let (Some(given), Some(token)) = (bearer, with.access.token.as_deref()) {
        if constant_time_eq(given.trim().as_bytes(), token.as_bytes()) {
            return next.run(request).await;
        }
        return unauthorized("the bearer token is not the --admin-token");
    }
    if bearer.is_some() || with.auth.mode() != AuthMode::Strict {
        return unauthorized("this endpoint needs Authorization: Bearer <--admin-token>");
    }
    // Strict mode: a SigV4 signature by a configured key, over the whole request.
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_ADMIN_BODY).await else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            "admin endpoints take no request body",
        );
    };
    let signed = SignedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &body,
    };
    if let Err(e) = with
        .auth
        .authenticate(&signed, crate::sources::wall_clock())
    {
        return unauthorized(&format!(
            "with --auth strict, admin endpoints need --admin-token's bearer token or a SigV4 signature by a configured key ({}: {e})",
            e.code()
        ));
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(body)))
        .await
}

fn unauthorized(message: &str) -> Response {
    let mut response = error(StatusCode::UNAUTHORIZED, "Unauthorized", message);
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// A `Host` no DNS rebinding can produce: an IP address (any: a page can only be served
/// from an IP literal by whoever holds that address), `localhost`, or an allowed name.
fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let name = match host.strip_prefix('[') {
        // `[::1]:4566`
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    let name = name.trim_end_matches('.');
    name.parse::<IpAddr>().is_ok()
        || name.eq_ignore_ascii_case("localhost")
        || allowed
            .iter()
            .any(|a| a.eq_ignore_ascii_case(name) || a.eq_ignore_ascii_case(host))
}

/// Whether a POST shows it is not a cross-site form: a JSON content type or the admin
/// header. (Forms can only send `application/x-www-form-urlencoded`, `multipart/form-data`
/// and `text/plain`, and no custom header, without a preflight.)
fn declares_itself(headers: &HeaderMap) -> bool {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    json || headers.contains_key(ADMIN_HEADER)
}

/// Compares without stopping at the first difference, so the time taken does not tell how
/// much of a guessed token was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A route answering any other method with a JSON 405 naming the one it takes.
fn only(allowed: &'static str, route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.fallback(move || async move {
        let mut response = error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            &format!("this endpoint takes {allowed}"),
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(allowed));
        response
    })
}

/// One log line per admin request, as EC2 requests get.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Stopwatch::start();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        "admin request"
    );
    response
}

fn json(status: StatusCode, value: &impl Serialize) -> Response {
    json_bytes(status, serde_json::to_vec(value).unwrap_or_default())
}

fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: &'a str,
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    json(
        status,
        &ErrorBody {
            error: code,
            message,
        },
    )
}

async fn not_found(uri: Uri) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NotFound",
        &format!(
            "no admin endpoint {}; there are health, ready, reset, state and summary",
            uri.path()
        ),
    )
}

#[derive(Serialize)]
struct Status<'a> {
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

async fn health() -> Response {
    json(
        StatusCode::OK,
        &Status {
            status: "ok",
            error: None,
        },
    )
}

/// Ready once serving (the state is loaded before the port opens), unless the state file
/// cannot be written: then changes are not durable, and orchestrators should know.
async fn ready(State(state): State<AppState>) -> Response {
    match state.persister.as_ref().and_then(|p| p.failure()) {
        None => json(
            StatusCode::OK,
            &Status {
                status: "ready",
                error: None,
            },
        ),
        Some(e) => json(
            StatusCode::SERVICE_UNAVAILABLE,
            &Status {
                status: "failing",
                error: Some(format!("the state file cannot be written: {e}")),
            },
        ),
    }
}

fn bad_filter(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "InvalidParameter", message)
}

/// `?account=…&region=…`: which worlds a request means. Anything else is refused, so a typo
/// does not silently reset every world.
fn filter(uri: &Uri) -> Result<WorldFilter, String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(uri.query().unwrap_or(""))
        .map_err(|e| format!("the query string does not decode: {e}"))?;
    let mut filter = WorldFilter::default();
    for (key, value) in pairs {
        match key.as_str() {
            "account" | "region"
                if (key == "account" && filter.account_id.is_some())
                    || (key == "region" && filter.region.is_some()) =>
            {
                return Err(format!("'{key}' is given more than once"));
            }
            "account" => {
                if !is_account_id(&value) {
                    return Err(format!("account '{value}' is not a 12-digit account ID"));
                }
                filter.account_id = Some(value);
            }
            "region" => match regions::region(&value) {
                Some(region) => filter.region = Some(region.name),
                None => return Err(format!("unknown region '{value}'")),
            },
            other => {
                return Err(format!(
                    "unknown parameter '{other}'; the parameters are account and region"
                ))
            }
        }
    }
    Ok(filter)
}

#[derive(Serialize)]
struct WorldName {
    account: String,
    region: &'static str,
}

#[derive(Serialize)]
struct ResetBody {
    reset: Vec<WorldName>,
}

async fn reset(State(state): State<AppState>, uri: Uri) -> Response {
    let filter = match filter(&uri) {
        Ok(f) => f,
        Err(message) => return bad_filter(&message),
    };
    let reset = state.backend.reset(&filter);
    if let Some(persister) = state.persister.clone() {
        if let Err(message) = persist_change(persister, state.backend.clone()).await {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", &message);
        }
    }
    let reset = reset
        .into_iter()
        .map(|(account, region)| WorldName { account, region })
        .collect();
    json(StatusCode::OK, &ResetBody { reset })
}

async fn state(State(state): State<AppState>, uri: Uri) -> Response {
    match filter(&uri) {
        Ok(filter) => json_bytes(
            StatusCode::OK,
            export(&state.backend, &filter).to_json_pretty(),
        ),
        Err(message) => bad_filter(&message),
    }
}

/// One world's counts as the summary lists them: `account`, `region`, then one field per
/// counted kind (`crate::kinds`) and the address totals.
struct SummaryRow<'a>(&'a WorldSummary);

impl Serialize for SummaryRow<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let w = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("account", &w.account)?;
        map.serialize_entry("region", &w.region)?;
        for (name, count) in &w.kinds {
            map.serialize_entry(name, count)?;
        }
        map.serialize_entry("privateIpAddresses", &w.private_ip_addresses)?;
        map.serialize_entry("ipv6Addresses", &w.ipv6_addresses)?;
        map.end()
    }
}

async fn summary(State(state): State<AppState>, uri: Uri) -> Response {
    let filter = match filter(&uri) {
        Ok(f) => f,
        Err(message) => return bad_filter(&message),
    };
    let worlds = state.backend.summary(&filter);
    // Totals have the same fields, summed, with `worlds` first.
    let mut totals = WorldSummary::default();
    for w in &worlds {
        for (name, count) in &w.kinds {
            match totals.kinds.iter_mut().find(|(n, _)| n == name) {
                Some((_, total)) => *total += count,
                None => totals.kinds.push((name, *count)),
            }
        }
        totals.private_ip_addresses += w.private_ip_addresses;
        totals.ipv6_addresses += w.ipv6_addresses;
    }
    if worlds.is_empty() {
        totals.kinds = crate::kinds::KINDS
            .iter()
            .filter_map(|k| k.summary.map(|name| (name, 0)))
            .collect();
    }
    let mut body = serde_json::Map::new();
    body.insert(
        "worlds".into(),
        serde_json::Value::Array(
            worlds
                .iter()
                .map(|w| serde_json::to_value(SummaryRow(w)).unwrap_or_default())
                .collect(),
        ),
    );
    let mut total = serde_json::Map::new();
    total.insert("worlds".into(), worlds.len().into());
    for (name, count) in &totals.kinds {
        total.insert((*name).into(), (*count).into());
    }
    total.insert(
        "privateIpAddresses".into(),
        totals.private_ip_addresses.into(),
    );
    total.insert("ipv6Addresses".into(), totals.ipv6_addresses.into());
    body.insert("totals".into(), serde_json::Value::Object(total));
    json(StatusCode::OK, &serde_json::Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_no_rebinding_can_produce() {
        let allowed = vec!["ec2-mock".to_owned()];
        for ok in [
            "127.0.0.1:4566",
            "localhost",
            "LOCALHOST:4566",
            "[::1]:4566",
            "10.1.2.3:80",
            "0.0.0.0",
            "ec2-mock:4566",
            "localhost.",
        ] {
            assert!(host_allowed(ok, &allowed), "{ok}");
        }
        for bad in [
            "evil.example:4566",
            "ec2-mock.evil.example",
            "localhost.evil",
            "",
        ] {
            assert!(!host_allowed(bad, &allowed), "{bad}");
        }
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"s3cret", b"s3cret"));
        assert!(!constant_time_eq(b"s3cret", b"s3cre"));
        assert!(!constant_time_eq(b"s3cret", b"s3creT"));
    }
}
