//! The server's defences at the wire: a framer between stdin and tower-lsp that survives
//! malformed input, and a service wrapper that turns a panicking handler into an error response.
//!
//! tower-lsp's own decoder trusts the client: a header it cannot parse stays at the head of its
//! buffer and every later message fails behind it; a body that is not UTF-8 is retried for
//! ever; after any decoding error it waits for more input before it decodes the messages it
//! already holds; a `Content-Length` larger than the body swallows the messages that follow;
//! and a panic in a handler unwinds through its event loop and ends the process. The framer
//! hands tower-lsp only well-formed JSON-RPC messages (a malformed one becomes a marker
//! request that [`Isolated`] answers with the JSON-RPC error), and [`Isolated`] catches what a
//! handler lets escape. [`Isolated`] also gives every message its turn as it arrives
//! ([`super::order`]), so that no message overtakes another that changes the state.

use std::collections::HashMap;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use serde::de::IgnoredAny;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::{oneshot, Notify};
use tower_lsp::jsonrpc::{Error, Id, Request, Response};
use tower_lsp::ExitedError;

use super::order::{Kind, Order};

/// The largest message accepted, as large as the largest file the server reads
/// ([`crate::files::MAX_FILE`]): B2C takes policy files of a few megabytes at most, so a larger
/// length is a corrupt header or an abuse. Each message passes through a few buffers (here,
/// in tower-lsp, as JSON and as text), so this bounds what one message can cost.
pub const MAX_MESSAGE: usize = crate::files::MAX_FILE as usize;

/// Headers longer than this without their blank line are garbage, not headers.
const MAX_HEADERS: usize = 8 << 10;

const HEADER: &[u8] = b"Content-Length";

/// Stands in for a body that is not JSON; answered with a parse error (-32700).
const NOT_JSON: &str = "$/b2c-lsp/notJson";
/// Stands in for JSON that is not a JSON-RPC message; answered with -32600.
const NOT_A_MESSAGE: &str = "$/b2c-lsp/notAMessage";

/// Reads the real stdin through the framer; returns what tower-lsp should read instead.
pub fn framed_stdin() -> DuplexStream {
    let (reader, writer) = tokio::io::duplex(1 << 16);
    tokio::spawn(frame(tokio::io::stdin(), writer));
    reader
}

/// What the framer makes of the head of its buffer.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// Not enough bytes yet.
    More,
    /// Drop this many bytes: garbage, or a header that cannot be honoured.
    Skip(usize, &'static str),
    /// A message: its body's range, how many bytes it used, and whether the body is JSON.
    Message {
        body: std::ops::Range<usize>,
        used: usize,
        json: bool,
    },
}

/// Whether `bytes` starts with the Content-Length header name, in any case (header names are
/// case-insensitive).
fn is_header_at(bytes: &[u8]) -> bool {
    bytes.len() >= HEADER.len() && bytes[..HEADER.len()].eq_ignore_ascii_case(HEADER)
}

/// The first Content-Length header name in `haystack`, in any case.
fn find_header(haystack: &[u8]) -> Option<usize> {
    let last = (haystack.len() + 1).checked_sub(HEADER.len())?;
    let mut from = 0;
    // Only where a `c` or `C` is can the name start: one comparison per byte, not fourteen.
    while let Some(at) = haystack[from..last].iter().position(|&b| b | 0x20 == b'c') {
        if is_header_at(&haystack[from + at..]) {
            return Some(from + at);
        }
        from += at + 1;
    }
    None
}

/// Where the header block that starts `buf` ends (just past its blank line), looking no
/// further than [`MAX_HEADERS`]. Lines end with CRLF or, from lenient clients, a bare LF.
fn headers_end(buf: &[u8]) -> Option<usize> {
    let limit = buf.len().min(MAX_HEADERS);
    let mut line_start = 0;
    for (i, &byte) in buf[..limit].iter().enumerate() {
        if byte == b'\n' {
            let line = &buf[line_start..i];
            if line.is_empty() || line == b"\r" {
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
}

fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(bytes).is_ok()
}

/// Finds where the JSON value that starts a body ends, one byte at a time and remembering how
/// far it got, so that a large body arriving in pieces is scanned once, whatever it holds.
#[derive(Debug, Default)]
struct ValueEnd {
    scanned: usize,
    depth: u32,
    opened: bool,
    in_string: bool,
    escaped: bool,
    end: Option<usize>,
}

impl ValueEnd {
    fn advance(&mut self, body: &[u8]) {
        while self.end.is_none() && self.scanned < body.len() {
            let byte = body[self.scanned];
            self.scanned += 1;
            if self.in_string {
                match byte {
                    _ if self.escaped => self.escaped = false,
                    b'\\' => self.escaped = true,
                    b'"' => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match byte {
                b'"' => self.in_string = true,
                b'{' | b'[' => {
                    self.depth += 1;
                    self.opened = true;
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.opened && self.depth == 0 {
                        self.end = Some(self.scanned);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Looks at the head of `buf`. `value` remembers how far an incomplete body has been scanned,
/// so that a large message arriving in pieces costs time linear in its size.
fn step(buf: &[u8], value: &mut ValueEnd) -> Step {
    if !is_header_at(buf) {
        // Resynchronise on the next header; keep a tail that may be the start of one.
        return match find_header(buf) {
            Some(at) => Step::Skip(at, "bytes outside any message"),
            None if buf.len() >= HEADER.len() => {
                Step::Skip(buf.len() + 1 - HEADER.len(), "bytes outside any message")
            }
            None => Step::More,
        };
    }
    let Some(body_start) = headers_end(buf) else {
        return if buf.len() > MAX_HEADERS {
            Step::Skip(1, "a header without its blank line")
        } else {
            Step::More
        };
    };
    let mut length = None;
    for line in buf[..body_start].split(|&b| b == b'\n') {
        let line = std::str::from_utf8(line).unwrap_or_default().trim();
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("Content-Length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let length = match length {
        Some(length) if length <= MAX_MESSAGE => length,
        _ => {
            return Step::Skip(
                body_start,
                "a header with a missing or invalid Content-Length",
            )
        }
    };
    let available = &buf[body_start..];
    let complete = available.len() >= length;
    if complete && is_json(&available[..length]) {
        return Step::Message {
            body: body_start..body_start + length,
            used: body_start + length,
            json: true,
        };
    }
    // A Content-Length larger than the message swallows the next one: when a header
    // follows a complete JSON value, the value was the whole message.
    value.advance(&available[..available.len().min(length)]);
    if let Some(end) = value.end {
        let rest = &available[end..];
        let blank = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let after = &rest[blank..];
        if after.len() >= HEADER.len() {
            if is_header_at(after) && is_json(&available[..end]) {
                return Step::Message {
                    body: body_start..body_start + end,
                    used: body_start + end + blank,
                    json: true,
                };
            }
        } else if !complete {
            return Step::More;
        }
    }
    if complete {
        Step::Message {
            body: body_start..body_start + length,
            used: body_start + length,
            json: false,
        }
    } else {
        Step::More
    }
}

/// What tower-lsp would make of a body: a request or a response, or a stand-in for one that
/// would stall its decoder.
fn checked_body(body: &[u8], json: bool) -> std::borrow::Cow<'_, [u8]> {
    let marker = if !json {
        NOT_JSON
    } else if serde_json::from_slice::<Request>(body).is_ok()
        || serde_json::from_slice::<Response>(body).is_ok()
    {
        return std::borrow::Cow::Borrowed(body);
    } else {
        NOT_A_MESSAGE
    };
    eprintln!(
        "b2c-lsp: a message that is not {}",
        if json { "JSON-RPC" } else { "JSON" }
    );
    let request = format!(r#"{{"jsonrpc":"2.0","id":null,"method":"{marker}"}}"#);
    std::borrow::Cow::Owned(request.into_bytes())
}

/// Copies framed messages from `input` to `output`, repairing or dropping what is malformed.
async fn frame(mut input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    let mut value = ValueEnd::default();
    loop {
        loop {
            match step(&buf, &mut value) {
                Step::More => break,
                Step::Skip(count, why) => {
                    eprintln!("b2c-lsp: skipping {count} bytes of input: {why}");
                    buf.drain(..count);
                    value = ValueEnd::default();
                }
                Step::Message { body, used, json } => {
                    let body = checked_body(&buf[body], json);
                    let header = format!("Content-Length: {}\r\n\r\n", body.len());
                    if output.write_all(header.as_bytes()).await.is_err()
                        || output.write_all(&body).await.is_err()
                    {
                        return;
                    }
                    buf.drain(..used);
                    // A large message is not kept hold of once it is passed on.
                    if buf.capacity() > 4 * chunk.len() && buf.len() < chunk.len() {
                        buf.shrink_to(chunk.len());
                    }
                    value = ValueEnd::default();
                }
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The notifications that change the server's state; they take effect one at a time, in
/// arrival order (see [`super::order`]).
const CHANGES: [&str; 6] = [
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "workspace/didChangeConfiguration",
    "workspace/didChangeWatchedFiles",
    "workspace/didChangeWorkspaceFolders",
];

/// What the wrapper knows of the session, shared with [`super::run`].
#[derive(Debug, Default)]
pub struct Session {
    /// Signalled when the client sends `exit`.
    pub exited: Notify,
    /// Whether `shutdown` came before `exit` (the exit code says so).
    pub shut_down: AtomicBool,
    order: Arc<Order>,
    /// How to cancel each request still running, by id.
    running: Mutex<HashMap<Id, oneshot::Sender<()>>>,
}

impl Session {
    /// Cancels a running request: it is answered with RequestCancelled at once, and its
    /// handler is dropped at its next await.
    fn cancel(&self, params: Option<&serde_json::Value>) {
        let id = params
            .and_then(|p| p.get("id"))
            .and_then(|id| serde_json::from_value::<Id>(id.clone()).ok());
        let cancel = id.and_then(|id| {
            self.running
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id)
        });
        if let Some(cancel) = cancel {
            let _ = cancel.send(());
        }
    }
}

/// Wraps the LSP service so that messages take effect in arrival order (each is given its
/// turn as it is received), requests can be cancelled, a panic in any handler answers its
/// request with an internal error (a notification is dropped) and the server carries on, and
/// a request for an unknown `$/` method is answered with MethodNotFound.
pub struct Isolated<S> {
    inner: S,
    session: Arc<Session>,
}

impl<S> Isolated<S> {
    pub fn new(inner: S, session: Arc<Session>) -> Self {
        Isolated { inner, session }
    }
}

/// Resolves a moment after `exit` was received: time for the last responses to go out.
pub async fn after_exit(exited: &Notify) {
    exited.notified().await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
}

type Answer = std::result::Result<Option<Response>, ExitedError>;

impl<S> tower_service::Service<Request> for Isolated<S>
where
    S: tower_service::Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = Pin<Box<dyn Future<Output = Answer> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<std::result::Result<(), ExitedError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let id = request.id().cloned();
        let method = request.method().to_owned();
        let malformed = match method.as_str() {
            NOT_JSON => Some(Error::parse_error()),
            NOT_A_MESSAGE => Some(Error::invalid_request()),
            _ => None,
        };
        if let Some(error) = malformed {
            let id = id.unwrap_or(Id::Null);
            return Box::pin(std::future::ready(Ok(Some(Response::from_error(
                id, error,
            )))));
        }
        match method.as_str() {
            "shutdown" => self.session.shut_down.store(true, Ordering::SeqCst),
            "exit" => self.session.exited.notify_one(),
            // Handled here, as it arrives: tower-lsp's own handling waits for a free slot
            // among the messages it runs at once, which long requests may hold.
            // tower-lsp is told too, so that it forgets the request.
            "$/cancelRequest" => self.session.cancel(request.params()),
            _ => {}
        }
        // The turn is taken now, in arrival order, before tower-lsp runs anything.
        let kind = if CHANGES.contains(&method.as_str()) {
            Some(Kind::Change)
        } else if id.is_some() && method != "initialize" && method != "shutdown" {
            Some(Kind::Read)
        } else {
            None
        };
        let turn = kind.map(|kind| self.session.order.turn(kind));
        let cancelled = id.clone().map(|id| {
            let (cancel, cancelled) = oneshot::channel();
            self.session
                .running
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id, cancel);
            cancelled
        });
        let unknown_dollar = id.is_some() && method.starts_with("$/");
        let answer_panic = {
            let (id, method) = (id.clone(), method.clone());
            move || {
                eprintln!("b2c-lsp: internal error: the handler of {method} panicked");
                Ok(id.map(|id| {
                    let mut error = Error::internal_error();
                    error.message = format!("internal error in {method}").into();
                    Response::from_error(id, error)
                }))
            }
        };
        let future = match catch_unwind(AssertUnwindSafe(|| self.inner.call(request))) {
            Ok(future) => CatchUnwind {
                future: Box::pin(future),
                on_panic: Some(Box::new(answer_panic)),
            },
            Err(_) => return Box::pin(std::future::ready(answer_panic())),
        };
        let session = Arc::clone(&self.session);
        Box::pin(async move {
            let work = async {
                if let Some(turn) = &turn {
                    turn.wait().await;
                }
                future.await
            };
            let answer = match (cancelled, &id) {
                (Some(mut cancelled), Some(request_id)) => {
                    tokio::select! {
                        answer = work => answer,
                        Ok(()) = &mut cancelled => Ok(Some(Response::from_error(
                            request_id.clone(),
                            Error::request_cancelled(),
                        ))),
                    }
                }
                _ => work.await,
            };
            if let Some(id) = &id {
                session
                    .running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(id);
            }
            drop(turn);
            // tower-lsp drops the MethodNotFound answer to a `$/` method, as if it were a
            // notification; a request must be answered.
            match (answer, id) {
                (Ok(None), Some(id)) if unknown_dollar => {
                    Ok(Some(Response::from_error(id, Error::method_not_found())))
                }
                (answer, _) => answer,
            }
        })
    }
}

type OnPanic = Box<dyn FnOnce() -> Answer + Send>;

/// A future that answers with `on_panic` when polling the inner one panics.
struct CatchUnwind<F> {
    future: Pin<Box<F>>,
    on_panic: Option<OnPanic>,
}

impl<F: Future<Output = Answer>> Future for CatchUnwind<F> {
    type Output = Answer;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Answer> {
        let this = &mut *self;
        match catch_unwind(AssertUnwindSafe(|| this.future.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(_) => Poll::Ready(match this.on_panic.take() {
                Some(answer) => answer(),
                None => Ok(None),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let mut out = Vec::new();
            frame(input, &mut out).await;
            let mut text = String::from_utf8(out).expect("framed output is UTF-8");
            let mut bodies = Vec::new();
            while !text.is_empty() {
                let (header, rest) = text.split_once("\r\n\r\n").expect("header");
                let length: usize = header["Content-Length: ".len()..].parse().expect("length");
                bodies.push(rest[..length].to_owned());
                text = rest[length..].to_owned();
            }
            bodies
        })
    }

    const NOT_JSON_REQUEST: &str = r#"{"jsonrpc":"2.0","id":null,"method":"$/b2c-lsp/notJson"}"#;

    fn message(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn well_formed_messages_pass_through() {
        let b = r#"{"jsonrpc":"2.0","id":1,"method":"b","params":{"x":"Content-Length: 3"}}"#;
        let input = format!("{}{}", message(A), message(b));
        assert_eq!(frames(input.as_bytes()), [A, b]);
    }

    const A: &str = r#"{"jsonrpc":"2.0","id":1,"result":null}"#;
    const B: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

    #[test]
    fn garbage_and_bad_headers_are_skipped() {
        let input = format!(
            "garbage\r\n{}Content-Length: x\r\n\r\n{{}}Content-Length: 99999999999999999999\r\n\r\n{}",
            message(A),
            message(B)
        );
        assert_eq!(frames(input.as_bytes()), [A, B]);
    }

    #[test]
    fn wrong_lengths_resynchronise() {
        // Too short: the cut body is answered with a parse error, the rest is skipped.
        let short = format!("Content-Length: 4\r\n\r\n{A}{}", message(B));
        assert_eq!(frames(short.as_bytes()), [NOT_JSON_REQUEST, B]);
        // Too long: the next header shows where the message really ended.
        let long = format!("Content-Length: 60\r\n\r\n{A}{}", message(B));
        assert_eq!(frames(long.as_bytes()), [A, B]);
    }

    #[test]
    fn json_that_is_no_message_becomes_an_invalid_request() {
        let input = format!("{}{}", message("[1, 2]"), message(B));
        let marker = r#"{"jsonrpc":"2.0","id":null,"method":"$/b2c-lsp/notAMessage"}"#;
        assert_eq!(frames(input.as_bytes()), [marker, B]);
    }

    #[test]
    fn invalid_utf8_body_becomes_a_parse_error() {
        let mut input = b"Content-Length: 3\r\n\r\n\xff\xfe\xfd".to_vec();
        input.extend_from_slice(message(B).as_bytes());
        assert_eq!(frames(&input), [NOT_JSON_REQUEST, B]);
    }
}
