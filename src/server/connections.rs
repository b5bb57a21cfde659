//! The listener and its connections: accepting under a connection cap, the header, body and
//! idle timeouts, EC2 error documents for what the HTTP parser refuses, and a graceful
//! shutdown with a deadline.
//!
//! hyper's own HTTP/1 connection serves each socket; around it, [`Guarded`] watches the
//! socket's reads and writes:
//!
//! - **Timeouts.** A connection is always in one [`Phase`]: waiting for a request head
//!   ([`Limits::header_timeout`], counted from its first byte, or from the connection's
//!   open), idle between requests ([`Limits::idle_timeout`]), or busy with a request (its
//!   body has [`Limits::body_timeout`], enforced where the body is read). A read that has
//!   waited past its phase's deadline, or a write the client has not taken for the idle
//!   timeout, ends the connection. hyper's own `header_read_timeout` cannot tell waiting for
//!   a head from idling between requests, so it is not used.
//! - **Refusals as EC2 documents.** When hyper cannot parse a request (a request line of
//!   64 KiB or more, too many headers, a malformed line or `Content-Length`) it writes a
//!   bare `400`/`414`/`431` with no body and closes. Every response the router makes has a
//!   `content-type`, so a 4xx head without one can only be hyper's: [`Guarded`] writes the
//!   EC2 error document for that status in its place, with a request ID.
//!
//! The cap ([`Limits::max_connections`]) is a semaphore: a connection over it is answered
//! `503 Unavailable` at once and closed, so clients retry instead of hanging in the backlog.
//! When `accept` fails because the process is out of file descriptors, the failure is logged
//! once per burst and accepting backs off (up to a second) instead of spinning.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Sleep;
use tower::ServiceExt;

use crate::app::Reply;
use crate::error::Ec2Error;
use crate::sources::Stopwatch;

/// How the HTTP layer protects itself from clients that are slow, idle or too many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Time a client has to send a request's head (request line and headers), from its
    /// first byte, or from the connection's open for its first request (`--header-timeout`).
    pub header_timeout: Duration,
    /// Time a request's body has to arrive whole (`--body-timeout`).
    pub body_timeout: Duration,
    /// How long a keep-alive connection may wait for its next request, and how long a
    /// response may wait for the client to read it (`--idle-timeout`).
    pub idle_timeout: Duration,
    /// How long requests in flight at shutdown get to finish before their connections are
    /// closed anyway (`--shutdown-timeout`).
    pub shutdown_timeout: Duration,
    /// Connections served at once (`--max-connections`); one more is answered `503`.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            shutdown_timeout: Duration::from_secs(10),
            max_connections: default_max_connections(),
        }
    }
}

/// File descriptors kept free beside the connections: the listener, the state file and its
/// directory, the runtime's own, and the short-lived refusals over the cap.
const RESERVED_FDS: usize = 64;
/// Refusals over the cap written at once at most; past that a connection is just closed.
const MAX_REFUSALS: usize = 16;

/// The connection cap when none is configured: what the process's open-file limit leaves
/// after [`RESERVED_FDS`], so the cap is reached (and answered `503`) before `accept` runs
/// out of descriptors; at most 4096, and 1024 where the limit cannot be read.
pub fn default_max_connections() -> usize {
    match open_file_limit() {
        Some(limit) => limit.saturating_sub(RESERVED_FDS).clamp(16, 4096),
        None => 1024,
    }
}

/// The soft `RLIMIT_NOFILE`, from `/proc/self/limits` (Linux; `None` elsewhere or when
/// unlimited). Read from the file rather than `getrlimit` so the crate stays free of
/// `unsafe`.
fn open_file_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Makes the EC2 error reply (with a fresh request ID) for a refusal the HTTP layer makes
/// outside the router, and logs it as the router logs its replies.
pub type Refuser = Arc<dyn Fn(&Ec2Error) -> Reply + Send + Sync>;

/// Serves `router` on `listener` until `shutdown` completes, then lets requests in flight
/// finish for [`Limits::shutdown_timeout`] and closes every connection left.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    refuse: Refuser,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let limits = Arc::new(limits);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut backoff = Backoff::default();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
            // Reap finished connections so the set does not grow with every one served.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let stream = match accepted {
            Ok((stream, _)) => {
                backoff.recovered();
                stream
            }
            Err(e) => {
                if let Some(pause) = backoff.failed(&e) {
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(pause) => {}
                    }
                }
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        match slots.clone().try_acquire_owned() {
            Ok(slot) => {
                let router = router.clone();
                let limits = limits.clone();
                let refuse = refuse.clone();
                let stop = stop_rx.clone();
                connections.spawn(async move {
                    serve_connection(stream, router, &limits, refuse, stop).await;
                    drop(slot);
                });
            }
            Err(_) => match refusals.clone().try_acquire_owned() {
                Ok(permit) => {
                    let reply = refuse(&Ec2Error::Unavailable);
                    connections.spawn(async move {
                        refuse_connection(stream, reply).await;
                        drop(permit);
                    });
                }
                // Too many refusals in progress already: closing is the refusal.
                Err(_) => drop(stream),
            },
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(limits.shutdown_timeout, drained)
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "shutdown deadline reached; closing the connections still open"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// `accept` failures: out of file descriptors pauses accepting (logged once per burst);
/// anything else (a connection reset before it was accepted) is skipped.
#[derive(Default)]
struct Backoff {
    /// Failures in the current burst of descriptor exhaustion.
    failures: u32,
}

impl Backoff {
    fn failed(&mut self, error: &io::Error) -> Option<Duration> {
        // EMFILE and ENFILE: the process's or the system's descriptor table is full.
        if !matches!(error.raw_os_error(), Some(24) | Some(23)) {
            tracing::debug!(%error, "accept failed");
            return None;
        }
        if self.failures == 0 {
            tracing::warn!(
                %error,
                "out of file descriptors: not accepting new connections until some close (raise `ulimit -n`, or lower --max-connections below it)"
            );
        }
        self.failures = self.failures.saturating_add(1);
        // 10 ms, doubling, at most a second: quick to resume, never a busy loop.
        let shift = self.failures.min(8) - 1;
        Some(Duration::from_millis(10 << shift).min(Duration::from_secs(1)))
    }

    fn recovered(&mut self) {
        if self.failures > 0 {
            tracing::info!(
                failed_accepts = self.failures,
                "file descriptors available again: accepting connections"
            );
            self.failures = 0;
        }
    }
}

/// One connection through hyper, guarded by [`Guarded`], until it ends or the shutdown
/// closes it (at once when idle, after its request when busy).
async fn serve_connection(
    stream: TcpStream,
    router: Router,
    limits: &Limits,
    refuse: Refuser,
    mut stop: watch::Receiver<bool>,
) {
    let phase = Arc::new(Mutex::new(PhaseCell {
        phase: Phase::Head(Stopwatch::start()),
        waiting_read: None,
    }));
    let phase_for_shutdown = phase.clone();
    let io = TokioIo::new(Guarded::new(stream, phase.clone(), limits, refuse));
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        set_phase(&phase, Phase::Busy);
        let router = router.clone();
        let phase = phase.clone();
        async move {
            let response = router.oneshot(request.map(Body::new)).await;
            set_phase(&phase, Phase::Idle(Stopwatch::start()));
            response
        }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        // Our own responses are whole in memory; one write per response is what the
        // refusal substitution in `Guarded` relies on (see its docs).
        .writev(false)
        .serve_connection(io, service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended");
            }
            return;
        }
        _ = stop.wait_for(|stopping| *stopping) => {}
    }
    // A connection waiting for a request head (half-sent or not begun) has nothing of ours
    // in flight: closed at once. hyper's own graceful shutdown would wait for a connection's
    // first request to arrive whole. Otherwise hyper lets the request (or the response being
    // written) finish, then closes; the server's shutdown deadline bounds that.
    let waiting_for_head = matches!(phase_of(&phase_for_shutdown), Phase::Head(_));
    if waiting_for_head {
        return;
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

/// Answers a connection over the cap with `reply` and closes it, reading (and dropping)
/// what the client sends for a moment first so that it sees the answer rather than a reset.
async fn refuse_connection(mut stream: TcpStream, reply: Reply) {
    let bytes = raw_response(&reply);
    let answer = async {
        stream.write_all(&bytes).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        io::Result::Ok(())
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), answer).await;
}

/// A whole HTTP/1.1 response for `reply`, for the places hyper does not write it: the
/// same headers the router's EC2 replies carry, and `connection: close`.
fn raw_response(reply: &Reply) -> Vec<u8> {
    let status = axum::http::StatusCode::from_u16(reply.status)
        .unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: text/xml;charset=UTF-8\r\nx-amzn-requestid: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        status.as_str(),
        status.canonical_reason().unwrap_or(""),
        reply.request_id,
        reply.body.len()
    )
    .into_bytes();
    out.extend_from_slice(&reply.body);
    out
}

/// Where a connection is in its request cycle, for the timeouts (see the module docs).
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for a request head, since the stopwatch started (its first byte, or the
    /// connection's open).
    Head(Stopwatch),
    /// A request is being served: its body has the body timeout, applied where it is read.
    Busy,
    /// Between requests since the stopwatch started.
    Idle(Stopwatch),
}

/// A connection's phase, and the waker of a read left waiting without a deadline while the
/// connection was busy: hyper polls the socket before it runs the request, and not again
/// after writing the response, so the end of a request must wake that read for its idle
/// deadline to be armed.
#[derive(Debug)]
struct PhaseCell {
    phase: Phase,
    waiting_read: Option<std::task::Waker>,
}

type SharedPhase = Arc<Mutex<PhaseCell>>;

fn phase_of(cell: &Mutex<PhaseCell>) -> Phase {
    cell.lock().unwrap_or_else(|e| e.into_inner()).phase
}

fn set_phase(cell: &Mutex<PhaseCell>, to: Phase) {
    let mut cell = cell.lock().unwrap_or_else(|e| e.into_inner());
    cell.phase = to;
    if !matches!(to, Phase::Busy) {
        if let Some(waker) = cell.waiting_read.take() {
            waker.wake();
        }
    }
}

/// A connection's socket as hyper sees it, with the timeouts and the refusal substitution
/// of the module docs.
struct Guarded {
    stream: TcpStream,
    phase: SharedPhase,
    header_timeout: Duration,
    idle_timeout: Duration,
    /// The pending read's or write's deadline, armed when it first returns `Pending`.
    read_timer: Option<Pin<Box<Sleep>>>,
    write_timer: Option<Pin<Box<Sleep>>>,
    refuse: Refuser,
    /// The EC2 document written in place of hyper's bare refusal, and how much of it is out;
    /// once set, everything hyper writes after it is dropped (it closes the connection).
    replacement: Option<(Vec<u8>, usize)>,
}

impl Guarded {
    fn new(stream: TcpStream, phase: SharedPhase, limits: &Limits, refuse: Refuser) -> Self {
        Guarded {
            stream,
            phase,
            header_timeout: limits.header_timeout,
            idle_timeout: limits.idle_timeout,
            read_timer: None,
            write_timer: None,
            refuse,
            replacement: None,
        }
    }

    fn phase(&self) -> Phase {
        phase_of(&self.phase)
    }

    /// How much longer the current phase may wait for the client; `None`: no limit here,
    /// and `waker` is woken when the phase changes.
    fn read_allowance(&self, waker: &std::task::Waker) -> Option<Duration> {
        let mut cell = self.phase.lock().unwrap_or_else(|e| e.into_inner());
        match cell.phase {
            Phase::Head(since) => Some(self.header_timeout.saturating_sub(since.elapsed())),
            Phase::Idle(since) => Some(self.idle_timeout.saturating_sub(since.elapsed())),
            Phase::Busy => {
                cell.waiting_read = Some(waker.clone());
                None
            }
        }
    }

    /// Writes out what is left of the replacement document.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = self.replacement.as_mut() {
            if *written == bytes.len() {
                break;
            }
            let n =
                std::task::ready!(Pin::new(&mut self.stream).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

/// The EC2 error for a response head hyper wrote by itself, if `buf` is one: a 400, 414 or
/// 431 status line and a complete head without `content-type` (every response of the
/// router has one).
fn hyper_refusal(buf: &[u8]) -> Option<Ec2Error> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = &buf[..head_end];
    if !(head.starts_with(b"HTTP/1.1 ") || head.starts_with(b"HTTP/1.0 ")) {
        return None;
    }
    let lower = head.to_ascii_lowercase();
    if lower.windows(14).any(|w| w == b"\ncontent-type:") {
        return None;
    }
    match &head[9..head.len().min(12)] {
        b"400" => Some(Ec2Error::MalformedHttpRequest),
        b"414" => Some(Ec2Error::RequestUriTooLong),
        b"431" => Some(Ec2Error::RequestHeaderFieldsTooLarge),
        _ => None,
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                this.read_timer = None;
                if buf.filled().len() > before {
                    if let Phase::Idle(_) = this.phase() {
                        // The next request's first byte: its head is timed from here.
                        set_phase(&this.phase, Phase::Head(Stopwatch::start()));
                    }
                }
                Poll::Ready(result)
            }
            Poll::Pending => {
                let Some(allowance) = this.read_allowance(cx.waker()) else {
                    this.read_timer = None;
                    return Poll::Pending;
                };
                let timer = this
                    .read_timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(allowance)));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        this.read_timer = None;
                        // Re-checked: the phase may have moved on since the timer was armed.
                        match this.read_allowance(cx.waker()) {
                            Some(left) if left.is_zero() => {
                                Poll::Ready(Err(io::ErrorKind::TimedOut.into()))
                            }
                            Some(left) => {
                                let mut timer = Box::pin(tokio::time::sleep(left));
                                let _ = timer.as_mut().poll(cx);
                                this.read_timer = Some(timer);
                                Poll::Pending
                            }
                            None => Poll::Pending,
                        }
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.replacement.is_none() {
            if let Some(error) = hyper_refusal(buf) {
                let reply = (this.refuse)(&error);
                this.replacement = Some((raw_response(&reply), 0));
            }
        }
        let result = if this.replacement.is_some() {
            // hyper's own bytes are dropped: the replacement stands for them.
            this.poll_replacement(cx).map_ok(|()| buf.len())
        } else {
            Pin::new(&mut this.stream).poll_write(cx, buf)
        };
        match result {
            Poll::Ready(r) => {
                this.write_timer = None;
                Poll::Ready(r)
            }
            Poll::Pending => {
                // A client that does not read its response holds the connection as surely
                // as one that does not send: the same idle allowance applies.
                let idle = this.idle_timeout;
                let timer = this
                    .write_timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(io::ErrorKind::TimedOut.into())),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_replacement(cx))?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_replacement(cx))?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bare_4xx_heads_are_hyper_refusals() {
        let bare =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(
            hyper_refusal(bare),
            Some(Ec2Error::RequestHeaderFieldsTooLarge)
        );
        assert_eq!(
            hyper_refusal(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n"),
            Some(Ec2Error::RequestUriTooLong)
        );
        assert_eq!(
            hyper_refusal(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n"),
            Some(Ec2Error::MalformedHttpRequest)
        );
        // The router's own 400s carry a content-type, and 200s are never touched.
        assert_eq!(hyper_refusal(b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/xml;charset=UTF-8\r\ncontent-length: 5\r\n\r\n<a/>"), None);
        assert_eq!(
            hyper_refusal(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"),
            None
        );
        assert_eq!(hyper_refusal(b"<Response>HTTP/1.1 400 "), None);
        assert_eq!(hyper_refusal(b"HTTP/1.1 400 Bad"), None);
    }

    #[test]
    fn backoff_logs_once_and_is_bounded() {
        let mut b = Backoff::default();
        let emfile = io::Error::from_raw_os_error(24);
        let pauses: Vec<_> = (0..10).map(|_| b.failed(&emfile).unwrap()).collect();
        assert_eq!(pauses[0], Duration::from_millis(10));
        assert!(pauses.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*pauses.last().unwrap(), Duration::from_secs(1));
        b.recovered();
        assert_eq!(b.failed(&emfile), Some(Duration::from_millis(10)));
        assert_eq!(
            b.failed(&io::Error::from(io::ErrorKind::ConnectionAborted)),
            None
        );
    }
}
