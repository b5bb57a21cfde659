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

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, MethodRouter};
use axum::Router;
use serde::Serialize;

use crate::model::regions;
use crate::model::snapshot::WorldSummary;
use crate::model::WorldFilter;
use crate::server::{AppState, ADMIN_PREFIX};
use crate::state::persist_change;

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
    let started = Instant::now();
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
                if value.len() != 12 || !value.bytes().all(|b| b.is_ascii_digit()) {
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
    if let Err(message) = persist_change(&state).await {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", &message);
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
            state.backend.export(&filter).to_json_pretty(),
        ),
        Err(message) => bad_filter(&message),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryBody {
    worlds: Vec<WorldSummary>,
    totals: Totals,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Totals {
    worlds: usize,
    vpcs: usize,
    subnets: usize,
    security_groups: usize,
    security_group_rules: usize,
    network_interfaces: usize,
    interface_permissions: usize,
    private_ip_addresses: usize,
    ipv6_addresses: usize,
}

async fn summary(State(state): State<AppState>, uri: Uri) -> Response {
    let filter = match filter(&uri) {
        Ok(f) => f,
        Err(message) => return bad_filter(&message),
    };
    let worlds = state.backend.summary(&filter);
    let mut totals = Totals {
        worlds: worlds.len(),
        ..Totals::default()
    };
    for w in &worlds {
        totals.vpcs += w.vpcs;
        totals.subnets += w.subnets;
        totals.security_groups += w.security_groups;
        totals.security_group_rules += w.security_group_rules;
        totals.network_interfaces += w.network_interfaces;
        totals.interface_permissions += w.interface_permissions;
        totals.private_ip_addresses += w.private_ip_addresses;
        totals.ipv6_addresses += w.ipv6_addresses;
    }
    json(StatusCode::OK, &SummaryBody { worlds, totals })
}
