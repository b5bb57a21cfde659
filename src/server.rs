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
use axum::Router;

use crate::actions::{route, Call};
use crate::auth::{AuthConfig, Credential, SignedRequest};
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
    /// `--auth` mode and access keys, checked by [`respond`] on every EC2 request.
    pub auth: Arc<AuthConfig>,
    /// Writes `--state-file` after every change; `None` without one.
    pub persister: Option<Arc<crate::state::Persister>>,
}

impl AppState {
    pub fn new(config: &Config) -> Self {
        AppState {
            backend: Arc::new(crate::state::backend_for(config)),
            default_account_id: config.account_id.clone(),
            default_region: config.region,
            auth: Arc::new(config.auth.clone()),
            persister: crate::state::persister_for(config),
        }
    }
}

/// The axum router of the whole server.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::admin::routes())
        .fallback(query_api)
        .with_state(state)
}

async fn query_api(State(state): State<AppState>, request: Request<Body>) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let body = if parts.method == Method::GET || parts.method == Method::HEAD {
        BodyRead::Complete(Vec::new())
    } else {
        read_body(&parts.headers, body).await
    };
    let too_large = matches!(body, BodyRead::TooLarge);
    let reply = match body {
        BodyRead::Complete(body) => respond(
            &state,
            &parts.method,
            parts.uri.path(),
            &parts.headers,
            parts.uri.query(),
            &body,
        ),
        BodyRead::TooLarge => Reply::error(
            &Ec2Error::RequestEntityTooLarge {
                limit: MAX_BODY_BYTES,
            },
            Caller::defaults(&state),
            None,
        ),
        BodyRead::Broken => Reply::error(
            &Ec2Error::InvalidParameterValue("The request body could not be read".into()),
            Caller::defaults(&state),
            None,
        ),
    };
    // With --state-file, a change is on disk before its success is sent.
    let reply = crate::state::after_request(&state, reply).await;
    tracing::info!(
        action = reply.action.unwrap_or("-"),
        account = %reply.caller.account_id,
        region = reply.caller.region.name,
        status = reply.status,
        error = reply.error_code.unwrap_or("-"),
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
    let mut response = reply.into_response();
    if too_large {
        // The rest of the body is never read, so this connection cannot carry another
        // request: say so, and the client opens a new one instead of sending more here.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// How long the unread rest of a refused body is still received (and dropped) after the
/// error has been answered. Closing a socket with unread input makes the kernel send RST
/// instead of FIN, and a client still busy sending its body (reqwest, any HTTP/1 client that
/// does not wait for `100 Continue`) can then fail with "connection reset" before it reads the
/// error already delivered to it. Lingering briefly, as web servers do on such a close, lets
/// it read the error first; the time bound keeps a client that never stops from holding the
/// connection (or a graceful shutdown) for longer.
const LINGER: std::time::Duration = std::time::Duration::from_secs(2);

enum BodyRead {
    Complete(Vec<u8>),
    TooLarge,
    Broken,
}

/// Reads the request body, never more than [`MAX_BODY_BYTES`] of it.
///
/// A declared `Content-Length` over the limit is refused before any of the body is read; a
/// chunked body is read until it passes the limit. Either way the refusal is answered at
/// once and the unread rest goes to [`linger`], never into memory.
async fn read_body(headers: &HeaderMap, body: Body) -> BodyRead {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        let expects_continue = headers
            .get(header::EXPECT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
        // A client that waits for `100 Continue` (curl does for large bodies) has sent
        // nothing yet: dropping the body unread makes hyper skip the 100, so the body is
        // never sent at all. Reading it would make hyper invite it.
        if !expects_continue {
            linger(body);
        }
        return BodyRead::TooLarge;
    }
    let mut body = Box::pin(body);
    let mut data = Vec::new();
    loop {
        let frame = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await;
        let chunk = match frame {
            None => return BodyRead::Complete(data),
            Some(Err(_)) => return BodyRead::Broken,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(chunk) => chunk,
                Err(_) => continue, // trailers
            },
        };
        if data.len().saturating_add(chunk.len()) > MAX_BODY_BYTES {
            linger(body);
            return BodyRead::TooLarge;
        }
        data.extend_from_slice(&chunk);
    }
}

/// Receives and drops what is left of a refused body for at most [`LINGER`], in the
/// background so that the error is answered meanwhile; then hyper closes the connection.
fn linger(body: impl HttpBody + Send + Unpin + 'static) {
    tokio::spawn(async move {
        let mut body = body;
        let drain = async {
            // Frames are dropped as they come; the end of the body or an error ends it.
            while let Some(Ok(_)) =
                std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
            {
            }
        };
        let _ = tokio::time::timeout(LINGER, drain).await;
    });
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
    // From the thread-local generator: `Uuid::new_v4` asks the OS for every ID, a system call
    // per request (measured with `cargo bench --bench load`).
    uuid::Builder::from_random_bytes(rand::random())
        .into_uuid()
        .to_string()
}

/// Answers one Query API request: decode, route, run against the caller's world, render.
pub fn respond(
    state: &AppState,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Reply {
    // Strict mode checks the signature over the raw request before anything is decoded, so an
    // unauthenticated client learns nothing about its parameters. (Admin endpoints are routed
    // elsewhere and never get here.)
    let signed = SignedRequest {
        method: method.as_str(),
        path,
        query,
        headers,
        body,
    };
    let now = std::time::SystemTime::now();
    let verified = match state.auth.authenticate(&signed, now) {
        Ok(v) => v,
        Err(e) => return Reply::error(&e, Caller::defaults(state), None),
    };
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
    let caller = match identify_caller(state, headers, &params, verified.as_ref()) {
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

/// Reads account and region from the SigV4 credential (header or presigned query): in strict
/// mode the one whose signature was verified, otherwise whatever the request names, unchecked.
/// A configured key with an account selects it; else a 12-digit key ID is the account.
fn identify_caller(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
    verified: Option<&Credential>,
) -> Result<Caller, Ec2Error> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|auth| auth.split("Credential=").nth(1))
        .map(|rest| rest.split([',', ' ']).next().unwrap_or_default().to_owned());
    let credential = verified
        .map(Credential::to_string)
        .or(from_header)
        .or_else(|| params.peek("X-Amz-Credential").map(str::to_owned));
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
    let account_id = if let Some(account) = state.auth.account_for(access_key) {
        account.to_owned()
    } else if access_key.len() == 12 && access_key.bytes().all(|b| b.is_ascii_digit()) {
        access_key.to_owned()
    } else {
        state.default_account_id.clone()
    };
    Ok(Caller { account_id, region })
}
