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

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, MethodRouter};
use axum::Router;
use serde::Serialize;

use crate::app::AppState;
use crate::model::{regions, WorldFilter, WorldSummary};
use crate::snapshot::export;
use crate::sources::Stopwatch;
use crate::state::persist_change;
use crate::values::is_account_id;

/// The prefix of ec2-mock's own endpoints; EC2 itself only ever uses `/`.
pub const ADMIN_PREFIX: &str = "/_ec2-mock";

/// The admin routes, to merge into the server's router.
pub fn routes() -> Router<AppState> {
    let path = |name: &str| format!("{ADMIN_PREFIX}/{name}");
    Router::new()
        .route(&path("health"), only("GET", get(health)))
        .route(&path("ready"), only("GET", get(ready)))
        .route(&path("reset"), only("POST", post(reset)))
        .route(&path("state"), only("GET", get(state)))
        .route(&path("summary"), only("GET", get(summary)))
        .route(ADMIN_PREFIX, any(not_found))
        .route(&path(""), any(not_found))
        .route(&path("{*rest}"), any(not_found))
        .layer(axum::middleware::from_fn(log_request))
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
