//! The HTTP front end: one axum handler that turns any request into an EC2 reply.
//!
//! `POST /` with a form body (what the SDKs send) and `GET /?Action=…` (what curl users type)
//! both land in [`respond`], which is plain Rust over bytes and headers so tests and the
//! in-process API can use it without a socket.

pub mod connections;

use std::sync::Arc;

use axum::body::{Body, HttpBody};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};

use crate::actions::registry::{self, Invocation};
use crate::app::{AppState, Caller, Reply};
use crate::auth::{Credential, SignedRequest};
use crate::error::Ec2Error;
use crate::model::regions;
use crate::sources::{self, Stopwatch};
use crate::wire::params::Params;
use crate::wire::xml::error_document;
pub use connections::Limits;

/// Request bodies larger than this are refused before they are read whole.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The one API version this server speaks: the namespace of its replies.
pub const API_VERSION: &str = "2016-11-15";

/// The axum router of the whole server, with the default limits and admin access.
pub fn router(state: AppState) -> Router {
    let guard = crate::admin::Guard {
        access: crate::admin::AdminAccess::default(),
        auth: state.auth.clone(),
    };
    router_with(state, Limits::default(), guard)
}

/// The axum router of the whole server: the admin endpoints checked by `guard`, and the
/// Query API with `limits`' body timeout.
pub fn router_with(state: AppState, limits: Limits, guard: crate::admin::Guard) -> Router {
    Router::new()
        .merge(crate::admin::routes_with(guard))
        .fallback(query_api)
        .layer(Extension(Arc::new(limits)))
        .with_state(state)
}

/// The [`connections::Refuser`] of a server: an EC2 error reply in the default account and
/// region, with a request ID of the server's stream, logged as every request is.
pub fn refuser(state: AppState) -> connections::Refuser {
    Arc::new(move |error: &Ec2Error| {
        let started = Stopwatch::start();
        let reply = Reply::error(
            error,
            state.new_request_id(),
            Caller::defaults(&state),
            None,
        );
        log_reply(&reply, &started);
        reply
    })
}

async fn query_api(
    State(state): State<AppState>,
    Extension(limits): Extension<Arc<Limits>>,
    request: Request<Body>,
) -> Response {
    let started = Stopwatch::start();
    let (parts, body) = request.into_parts();
    if parts.method != Method::GET && parts.method != Method::POST {
        let reply = Reply::error(
            &Ec2Error::MethodNotAllowed(parts.method.to_string()),
            state.new_request_id(),
            Caller::defaults(&state),
            None,
        );
        log_reply(&reply, &started);
        let mut response = reply.into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
        return response;
    }
    let body = if parts.method == Method::GET {
        BodyRead::Complete(Vec::new())
    } else {
        read_body(&parts.headers, body, limits.body_timeout).await
    };
    let close = matches!(body, BodyRead::TooLarge | BodyRead::TimedOut);
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
            state.new_request_id(),
            Caller::defaults(&state),
            None,
        ),
        BodyRead::Broken => Reply::error(
            &Ec2Error::InvalidParameterValue("The request body could not be read".into()),
            state.new_request_id(),
            Caller::defaults(&state),
            None,
        ),
        BodyRead::TimedOut => Reply::error(
            &Ec2Error::RequestTimeout {
                seconds: limits.body_timeout.as_secs(),
            },
            state.new_request_id(),
            Caller::defaults(&state),
            None,
        ),
    };
    // With --state-file, a change is on disk before its success is sent.
    let reply = persist_before_reply(&state, reply).await;
    log_reply(&reply, &started);
    let mut response = reply.into_response();
    if close {
        // The rest of the body is never read, so this connection cannot carry another
        // request: say so, and the client opens a new one instead of sending more here.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// The `request` log line every EC2 request gets, refused ones included.
pub(crate) fn log_reply(reply: &Reply, started: &Stopwatch) {
    tracing::info!(
        action = reply.action.unwrap_or("-"),
        account = %reply.caller.account_id,
        region = reply.caller.region.name,
        status = reply.status,
        error = reply.error_code.unwrap_or("-"),
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
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
    /// The whole body did not arrive within the body timeout.
    TimedOut,
}

/// Reads the request body, never more than [`MAX_BODY_BYTES`] of it.
///
/// A declared `Content-Length` over the limit is refused before any of the body is read; a
/// chunked body is read until it passes the limit. Either way the refusal is answered at
/// once and the unread rest goes to [`linger`], never into memory. A body that has not
/// arrived whole within `timeout` is refused too (a client that stops halfway would
/// otherwise hold its connection, and a graceful shutdown, forever).
async fn read_body(headers: &HeaderMap, body: Body, timeout: std::time::Duration) -> BodyRead {
    tokio::time::timeout(timeout, read_body_whole(headers, body))
        .await
        .unwrap_or(BodyRead::TimedOut)
}

async fn read_body_whole(headers: &HeaderMap, body: Body) -> BodyRead {
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

/// Answers one Query API request: decode, route, run against the caller's world, render.
pub fn respond(
    state: &AppState,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Reply {
    let request_id = state.new_request_id();
    let refuse =
        |e: &Ec2Error, caller: Caller, action| Reply::error(e, request_id.clone(), caller, action);
    // The parameters are decoded and checked first (a key given twice, a character XML
    // cannot carry, bytes that are not UTF-8), so that what a signature covers has one
    // meaning only: SigV4 sorts repeated keys by value, so a reordered repeat still
    // verifies. Decoding reveals nothing about the server's state. One exception keeps the
    // README's auth table true: in strict mode a request with no credentials at all still
    // gets `MissingParameter`, whatever its parameters. (Admin endpoints are routed
    // elsewhere and never get here.)
    let signed = SignedRequest {
        method: method.as_str(),
        path,
        query,
        headers,
        body,
    };
    let params = match decode_params(query, body) {
        Ok(p) => p,
        Err(e) => {
            let e = match state.auth.authenticate(&signed, sources::wall_clock()) {
                Err(missing @ Ec2Error::MissingParameter(_)) => missing,
                _ => e,
            };
            return refuse(&e, Caller::defaults(state), None);
        }
    };
    let verified = match state.auth.authenticate(&signed, sources::wall_clock()) {
        Ok(v) => v,
        Err(e) => return refuse(&e, Caller::defaults(state), None),
    };
    let caller = match identify_caller(state, headers, &params, verified.as_ref()) {
        Ok(c) => c,
        Err(e) => return refuse(&e, Caller::defaults(state), None),
    };
    let signed_service = signed_service(headers, &params, verified.as_ref());
    if crate::sts::is_sts_request(signed_service.as_deref(), params.peek("Action")) {
        let sts = crate::sts::respond(&params, &caller.account_id, &request_id);
        return Reply {
            status: sts.status,
            body: sts.body,
            request_id,
            action: sts.action,
            mutates: false,
            error_code: sts.error_code,
            caller,
        };
    }
    // A missing Version is served as this one: EC2 documents the parameter as required,
    // but many curl users leave it out. A wrong one is refused as EC2 refuses a version it
    // does not have, since the client expects another API's shapes.
    if let Some(version) = params.peek("Version") {
        if version != API_VERSION {
            return refuse(&Ec2Error::NoSuchVersion(version.to_owned()), caller, None);
        }
    }
    let entry = match registry::lookup(params.peek("Action")) {
        Ok(entry) => entry,
        Err(e) => return refuse(&e, caller, None),
    };
    let invocation = Invocation {
        params: &params,
        request_id: &request_id,
        backend: &state.backend,
        account_id: &caller.account_id,
        region: caller.region,
    };
    match entry.run(&invocation) {
        Ok(body) => Reply {
            status: 200,
            body,
            request_id,
            action: Some(entry.name),
            mutates: entry.mutates(),
            error_code: None,
            caller,
        },
        Err(e) => refuse(&e, caller, Some(entry.name)),
    }
}

/// The query string's pairs, then the form body's, as one parameter set (see
/// [`Params::from_pairs`] for what is refused).
fn decode_params(query: Option<&str>, body: &[u8]) -> Result<Params, Ec2Error> {
    let mut pairs = match query {
        Some(q) => Params::decode_form(q.as_bytes())?,
        None => Vec::new(),
    };
    pairs.extend(Params::decode_form(body)?);
    Params::from_pairs(pairs)
}

/// Makes a successful changing reply durable before it is sent: with a state file, a
/// success of an action the registry marks as changing writes the state first. If the write
/// fails the reply becomes `InternalError`, since the change could be lost.
async fn persist_before_reply(state: &AppState, reply: Reply) -> Reply {
    if reply.status != 200 || !reply.mutates {
        return reply;
    }
    let Some(persister) = state.persister.clone() else {
        return reply;
    };
    match crate::state::persist_change(persister, state.backend.clone()).await {
        Ok(()) => reply,
        Err(message) => {
            let error = Ec2Error::InternalError(format!(
                "The change was applied but not saved ({message}); it is not durable"
            ));
            Reply {
                status: error.status(),
                body: error_document(&error, &reply.request_id),
                error_code: Some(error.code()),
                ..reply
            }
        }
    }
}

/// The service the request's SigV4 credential is scoped to (`ec2`, `sts`), if it has one.
fn signed_service(
    headers: &HeaderMap,
    params: &Params,
    verified: Option<&Credential>,
) -> Option<String> {
    if let Some(credential) = verified {
        return Some(credential.service.clone());
    }
    let scope = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|auth| auth.split("Credential=").nth(1))
        .map(|rest| rest.split([',', ' ']).next().unwrap_or_default().to_owned())
        .or_else(|| params.peek("X-Amz-Credential").map(str::to_owned))?;
    scope.split('/').nth(3).map(str::to_owned)
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
    } else if crate::values::is_account_id(access_key) {
        access_key.to_owned()
    } else {
        state.default_account_id.clone()
    };
    Ok(Caller { account_id, region })
}
