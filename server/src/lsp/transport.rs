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
//! handler lets escape. [`Isolated`] also counts the text edits in flight ([`TextSync`]), so
//! that a request never overtakes an edit sent before it.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use serde::de::IgnoredAny;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::Notify;
use tower_lsp::jsonrpc::{Error, Request, Response};
use tower_lsp::ExitedError;

/// The largest message accepted. A policy is at most a few megabytes; a larger length is a
/// corrupt header, and honouring it would buffer without end.
pub const MAX_MESSAGE: usize = 128 << 20;

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

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(bytes).is_ok()
}

/// Looks at the head of `buf`. `searched` remembers how far an incomplete body has been
/// searched for a following header, so that a large message arriving in pieces is scanned
/// once.
fn step(buf: &[u8], searched: &mut usize) -> Step {
    if !buf.starts_with(HEADER) {
        // Resynchronise on the next header; keep a tail that may be the start of one.
        return match find(buf, HEADER) {
            Some(at) => Step::Skip(at, "bytes outside any message"),
            None if buf.len() >= HEADER.len() => {
                Step::Skip(buf.len() + 1 - HEADER.len(), "bytes outside any message")
            }
            None => Step::More,
        };
    }
    let Some(end) = find(buf, b"\r\n\r\n") else {
        return if buf.len() > MAX_HEADERS {
            Step::Skip(1, "a header without its blank line")
        } else {
            Step::More
        };
    };
    let mut length = None;
    for line in buf[..end].split(|&b| b == b'\n') {
        let line = std::str::from_utf8(line).unwrap_or_default().trim();
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("Content-Length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let body_start = end + 4;
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
    if available.len() >= length {
        let body = &available[..length];
        if is_json(body) {
            return Step::Message {
                body: body_start..body_start + length,
                used: body_start + length,
                json: true,
            };
        }
    }
    // A Content-Length larger than the message swallows the next one: when a header
    // follows a complete JSON value, the value was the whole message.
    let limit = available.len().min(length);
    // A header that starts inside the declared body, even if it ends beyond it.
    let window = available.len().min(limit + HEADER.len() - 1);
    let mut at = searched.saturating_sub(HEADER.len()).min(limit);
    while let Some(found) = find(&available[at..window], HEADER) {
        let next = at + found;
        if is_json(&available[..next]) {
            *searched = 0;
            return Step::Message {
                body: body_start..body_start + next,
                used: body_start + next,
                json: true,
            };
        }
        at = next + 1;
    }
    *searched = limit;
    if available.len() >= length {
        *searched = 0;
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
    let mut searched = 0;
    loop {
        loop {
            match step(&buf, &mut searched) {
                Step::More => break,
                Step::Skip(count, why) => {
                    eprintln!("b2c-lsp: skipping {count} bytes of input: {why}");
                    buf.drain(..count);
                    searched = 0;
                }
                Step::Message { body, used, json } => {
                    let body = checked_body(&buf[body], json);
                    let mut message =
                        format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
                    message.extend_from_slice(&body);
                    if output.write_all(&message).await.is_err() {
                        return;
                    }
                    buf.drain(..used);
                    searched = 0;
                }
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The text edits (didOpen, didChange, didClose) handed to the server and not yet applied.
///
/// tower-lsp runs up to four messages at once, so a request may start before the didChange
/// the client sent just ahead of it has been applied, and answer on the old text. Messages
/// are handed over in the order they arrive, so a request that waits until no edit is in
/// flight sees every edit sent before it.
#[derive(Debug, Default)]
pub struct TextSync {
    in_flight: AtomicUsize,
    applied: Notify,
}

impl TextSync {
    fn begin(self: &Arc<Self>) -> EditInFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        EditInFlight(Arc::clone(self))
    }

    /// Waits until no edit is in flight (at most a second: a stuck handler must not hold up
    /// every request).
    pub async fn settled(&self) {
        let wait = async {
            loop {
                let applied = self.applied.notified();
                tokio::pin!(applied);
                applied.as_mut().enable();
                if self.in_flight.load(Ordering::SeqCst) == 0 {
                    return;
                }
                applied.await;
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), wait).await;
    }
}

/// One edit in flight; dropped when its handler is done (or has panicked).
struct EditInFlight(Arc<TextSync>);

impl Drop for EditInFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.applied.notify_waiters();
    }
}

const TEXT_EDITS: [&str; 3] = [
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
];

/// Wraps the LSP service so that a panic in any handler answers its request with an internal
/// error (a notification is dropped) and the server carries on. It also signals `exited`
/// when the client sends `exit`, and counts text edits in `text_sync`.
pub struct Isolated<S> {
    inner: S,
    exited: Arc<Notify>,
    text_sync: Arc<TextSync>,
}

impl<S> Isolated<S> {
    pub fn new(inner: S, exited: Arc<Notify>, text_sync: Arc<TextSync>) -> Self {
        Isolated {
            inner,
            exited,
            text_sync,
        }
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
        let edit = TEXT_EDITS
            .contains(&method.as_str())
            .then(|| self.text_sync.begin());
        if method == "exit" {
            self.exited.notify_one();
        }
        let malformed = match method.as_str() {
            NOT_JSON => Some(Error::parse_error()),
            NOT_A_MESSAGE => Some(Error::invalid_request()),
            _ => None,
        };
        if let Some(error) = malformed {
            let id = id.unwrap_or(tower_lsp::jsonrpc::Id::Null);
            return Box::pin(std::future::ready(Ok(Some(Response::from_error(
                id, error,
            )))));
        }
        let answer_panic = move || {
            eprintln!("b2c-lsp: internal error: the handler of {method} panicked");
            Ok(id.map(|id| {
                let mut error = Error::internal_error();
                error.message = format!("internal error in {method}").into();
                Response::from_error(id, error)
            }))
        };
        match catch_unwind(AssertUnwindSafe(|| self.inner.call(request))) {
            Ok(future) => Box::pin(CatchUnwind {
                future: Box::pin(async move {
                    let answer = future.await;
                    drop(edit);
                    answer
                }),
                on_panic: Some(Box::new(answer_panic)),
            }),
            Err(_) => Box::pin(std::future::ready(answer_panic())),
        }
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

    #[test]
    fn requests_wait_until_the_edits_before_them_are_applied() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let sync = Arc::new(TextSync::default());
            // Nothing in flight: no wait at all.
            tokio::time::timeout(Duration::from_millis(50), sync.settled())
                .await
                .expect("settled at once");
            let edit = sync.begin();
            let waiting = {
                let sync = Arc::clone(&sync);
                tokio::spawn(async move { sync.settled().await })
            };
            tokio::time::sleep(Duration::from_millis(50)).await;
            assert!(!waiting.is_finished(), "a request went ahead of an edit");
            drop(edit);
            tokio::time::timeout(Duration::from_millis(500), waiting)
                .await
                .expect("released when the edit is applied")
                .unwrap();
        });
    }
}
