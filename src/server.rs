//! The HTTP front end: one axum handler that turns any request into an EC2 reply.
//!
//! `POST /` with a form body (what the SDKs send) and `GET /?Action=…` (what curl users type)
//! both land in [`respond`], which is plain Rust over bytes and headers so tests and the
//! in-process API can use it without a socket.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, HttpBody};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::actions::{route, Call};
use crate::error::Ec2Error;
use crate::model::regions::{self, Region};
use crate::model::{lock, Backend};
use crate::wire::params::Params;
use crate::wire::xml::error_document;
use crate::Config;

/// Request bodies larger than this are refused before they are read whole.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The prefix of ec2-mock's own endpoints; EC2 itself only ever uses `/`.
pub const ADMIN_PREFIX: &str = "/_ec2-mock";

/// Shared state of one running server.
#[derive(Clone)]
pub struct AppState {
    pub backend: Arc<Backend>,
    pub default_account_id: String,
    pub default_region: &'static Region,
}

impl AppState {
    pub fn new(config: &Config) -> Self {
        AppState {
            backend: Arc::new(Backend::new(config.seed)),
            default_account_id: config.account_id.clone(),
            default_region: config.region,
        }
    }
}

/// The axum router of the whole server.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(&format!("{ADMIN_PREFIX}/health"), get(health))
        .fallback(query_api)
        .with_state(state)
}

async fn health() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        "{\"status\":\"ok\"}",
    )
}

async fn query_api(State(state): State<AppState>, request: Request<Body>) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let body = if parts.method == Method::GET || parts.method == Method::HEAD {
        BodyRead::Complete(Vec::new())
    } else {
        read_body(body).await
    };
    let reply = match body {
        BodyRead::Complete(body) => respond(&state, &parts.headers, parts.uri.query(), &body),
        BodyRead::TooLarge => Reply::error(
            &Ec2Error::InvalidParameterValue(format!(
                "The request body exceeds the limit of {MAX_BODY_BYTES} bytes"
            )),
            Caller::defaults(&state),
            None,
        ),
        BodyRead::Broken => Reply::error(
            &Ec2Error::InvalidParameterValue("The request body could not be read".into()),
            Caller::defaults(&state),
            None,
        ),
    };
    tracing::info!(
        action = reply.action.unwrap_or("-"),
        account = %reply.caller.account_id,
        region = reply.caller.region.name,
        status = reply.status,
        error = reply.error_code.unwrap_or("-"),
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
    reply.into_response()
}

/// Past the limit, the rest of an oversized body is still read (and dropped) up to this many
/// bytes, so the client receives the error document instead of a connection reset: closing a
/// socket with unread input makes the kernel send RST, which can destroy the reply in flight.
const DRAIN_LIMIT_BYTES: usize = 16 * MAX_BODY_BYTES;

enum BodyRead {
    Complete(Vec<u8>),
    TooLarge,
    Broken,
}

/// Reads the request body up to [`MAX_BODY_BYTES`], draining (a bounded amount of) the rest.
async fn read_body(body: Body) -> BodyRead {
    let mut body = std::pin::pin!(body);
    let mut data = Vec::new();
    let mut seen = 0usize;
    loop {
        let frame = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await;
        let chunk = match frame {
            None => break,
            Some(Err(_)) => return BodyRead::Broken,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(chunk) => chunk,
                Err(_) => continue, // trailers
            },
        };
        seen = seen.saturating_add(chunk.len());
        if seen <= MAX_BODY_BYTES {
            data.extend_from_slice(&chunk);
        } else if seen > DRAIN_LIMIT_BYTES {
            return BodyRead::TooLarge;
        }
    }
    if seen > MAX_BODY_BYTES {
        BodyRead::TooLarge
    } else {
        BodyRead::Complete(data)
    }
}

/// Who is calling and where: from the SigV4 credential scope, else the server's defaults.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: String,
    pub region: &'static Region,
}

impl Caller {
    fn defaults(state: &AppState) -> Self {
        Caller {
            account_id: state.default_account_id.clone(),
            region: state.default_region,
        }
    }
}

/// A finished reply, before it becomes an HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub request_id: String,
    pub action: Option<&'static str>,
    pub error_code: Option<&'static str>,
    pub caller: Caller,
}

impl Reply {
    fn error(error: &Ec2Error, caller: Caller, action: Option<&'static str>) -> Self {
        let request_id = new_request_id();
        Reply {
            status: error.status(),
            body: error_document(error, &request_id),
            request_id,
            action,
            error_code: Some(error.code()),
            caller,
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut response = (status, self.body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/xml;charset=UTF-8"),
        );
        if let Ok(v) = HeaderValue::from_str(&self.request_id) {
            headers.insert("x-amzn-requestid", v);
        }
        response
    }
}

fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Answers one Query API request: decode, route, run against the caller's world, render.
pub fn respond(state: &AppState, headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Reply {
    let mut pairs = match query {
        Some(q) => match Params::decode_form(q.as_bytes()) {
            Ok(p) => p,
            Err(e) => return Reply::error(&e, Caller::defaults(state), None),
        },
        None => Vec::new(),
    };
    match Params::decode_form(body) {
        Ok(p) => pairs.extend(p),
        Err(e) => return Reply::error(&e, Caller::defaults(state), None),
    }
    let params = Params::from_pairs(pairs);
    let caller = match identify_caller(state, headers, &params) {
        Ok(c) => c,
        Err(e) => return Reply::error(&e, Caller::defaults(state), None),
    };
    let (action, handler) = match route(params.peek("Action")) {
        Ok(r) => r,
        Err(e) => return Reply::error(&e, caller, None),
    };
    let request_id = new_request_id();
    let world = state.backend.world(&caller.account_id, caller.region);
    let result = {
        let mut world = lock(&world);
        let call = Call {
            action,
            params: &params,
            request_id: &request_id,
        };
        handler(&call, &mut world)
    };
    match result {
        Ok(body) => Reply {
            status: 200,
            body,
            request_id,
            action: Some(action),
            error_code: None,
            caller,
        },
        Err(e) => Reply::error(&e, caller, Some(action)),
    }
}

/// Reads account and region from the SigV4 credential (header or presigned query).
/// Signatures are not verified; the access key only selects the account.
fn identify_caller(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<Caller, Ec2Error> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|auth| auth.split("Credential=").nth(1))
        .map(|rest| rest.split([',', ' ']).next().unwrap_or_default().to_owned());
    let credential = from_header.or_else(|| params.peek("X-Amz-Credential").map(str::to_owned));
    let Some(credential) = credential else {
        return Ok(Caller::defaults(state));
    };
    // AKID/yyyymmdd/region/service/aws4_request
    let mut parts = credential.split('/');
    let access_key = parts.next().unwrap_or_default();
    let region_name = parts.nth(1).unwrap_or_default();
    let region = if region_name.is_empty() {
        state.default_region
    } else {
        regions::region(region_name).ok_or_else(|| {
            Ec2Error::AuthFailure(format!(
                "Credential should be scoped to a valid region, not '{region_name}'."
            ))
        })?
    };
    let account_id = if access_key.len() == 12 && access_key.bytes().all(|b| b.is_ascii_digit()) {
        access_key.to_owned()
    } else {
        state.default_account_id.clone()
    };
    Ok(Caller { account_id, region })
}
