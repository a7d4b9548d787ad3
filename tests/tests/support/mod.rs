//! Test support: the real `b2c-lsp` binary, a JSON-RPC client over its stdio, and scratch
//! folders of policy files.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The `b2c-lsp` binary Cargo built for these tests (they belong to the server package, see
/// server/Cargo.toml). `B2C_TEST_BINARY` names another build to run the tests against (to see
/// a regression test fail on the code before its fix).
pub fn binary() -> PathBuf {
    std::env::var_os("B2C_TEST_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_b2c-lsp")))
}

/// What one run of the binary on the command line gave.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `b2c-lsp ARGS...` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run b2c-lsp");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// A scratch folder, removed when dropped.
pub struct Scratch {
    pub root: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        // Unique per test even when several tests of one binary (one process, one thread
        // each) share a name: they would otherwise remove each other's files.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let root =
            std::env::temp_dir().join(format!("b2c-lsp-test-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create scratch folder");
        Scratch {
            root: root.canonicalize().expect("canonical scratch path"),
        }
    }

    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, text).expect("write file");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

/// The 0-based line and UTF-16 column of the first occurrence of `needle` in `text`, plus
/// `delta` characters.
pub fn position_of(text: &str, needle: &str, delta: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
        + delta;
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[line_start..at].encode_utf16().count();
    json!({"line": line, "character": character})
}

/// A language-server session over the real binary's stdio.
pub struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    pub backlog: Vec<Value>,
    /// Requests the server sent (each answered with a null result), oldest first.
    pub server_requests: Vec<Value>,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Session {
    pub fn start() -> Session {
        Session::start_with(&["serve"])
    }

    pub fn start_with(args: &[&str]) -> Session {
        let mut child = Command::new(binary())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // B2C_TEST_STDERR=1 shows the server's log while debugging a test.
            .stderr(if std::env::var_os("B2C_TEST_STDERR").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("start b2c-lsp");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Session {
            child,
            stdin,
            messages,
            next_id: 1,
            backlog: Vec::new(),
            server_requests: Vec::new(),
        }
    }

    /// The server's process id (to read its memory use from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the server process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to server");
        stdin.flush().expect("flush");
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("serialize");
        let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        bytes.extend(body);
        self.send_raw(&bytes);
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(&message);
    }

    /// Sends a request without waiting; returns its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(&message);
        id
    }

    /// The whole response message to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        // Responses may come in any order; one that came early waits in the backlog.
        let early = self
            .backlog
            .iter()
            .position(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none());
        if let Some(i) = early {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let message = self
                .next_message(deadline)
                .unwrap_or_else(|| panic!("no response to request {id}"));
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.handle_server_message(message);
        }
    }

    /// Sends a request and returns its result (panics on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        let response = self.response(id);
        if let Some(error) = response.get("error") {
            panic!("{method} failed: {error}");
        }
        response["result"].clone()
    }

    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.messages.recv_timeout(left).ok()
    }

    /// Answers requests from the server (registrations, configuration) and keeps
    /// notifications in the backlog.
    fn handle_server_message(&mut self, message: Value) {
        if let (Some(id), Some(_)) = (message.get("id"), message.get("method")) {
            let id = id.clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
            self.server_requests.push(message);
        } else {
            self.backlog.push(message);
        }
    }

    /// Waits for a notification matching `accept`, looking at the backlog first.
    pub fn wait_for(
        &mut self,
        timeout: Duration,
        accept: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(i) = self.backlog.iter().position(&accept) {
            return Some(self.backlog.remove(i));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let message = self.next_message(deadline)?;
            if message.get("id").is_none() && accept(&message) {
                return Some(message);
            }
            self.handle_server_message(message);
        }
    }

    /// The next diagnostics published for `path` that satisfy `accept`.
    pub fn diagnostics_for(
        &mut self,
        path: &Path,
        accept: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        self.published(path, None, accept)
    }

    /// The next diagnostics published for the open document at `path` for its version
    /// `version` or a later one that satisfy `accept`: a publication for an older text, still
    /// in the backlog, never matches.
    pub fn diagnostics_since(
        &mut self,
        path: &Path,
        version: i64,
        accept: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        self.published(path, Some(version), accept)
    }

    fn published(
        &mut self,
        path: &Path,
        since: Option<i64>,
        accept: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let wanted = uri(path);
        let is_for = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == wanted.as_str()
                && since.is_none_or(|v| m["params"]["version"].as_i64().is_some_and(|p| p >= v))
        };
        // Only the latest publication for the file is its current state: older ones in the
        // backlog are dropped, never matched.
        if let Some(last) = self.backlog.iter().rposition(is_for) {
            let mut index = 0;
            self.backlog.retain(|m| {
                index += 1;
                index - 1 == last || !is_for(m)
            });
        }
        let found = self.wait_for(Duration::from_secs(20), |m| {
            is_for(m)
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| accept(d))
        });
        let message = found.unwrap_or_else(|| {
            panic!(
                "no matching diagnostics for {wanted}; backlog: {:#?}",
                self.backlog
            )
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn initialize(&mut self, root: &Path, options: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": "test"}],
                "initializationOptions": options,
                "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "xml", "version": 1, "text": text}}),
        );
    }

    /// Shuts down and exits; returns the process's exit status code.
    pub fn shutdown(mut self) -> Option<i32> {
        self.request("shutdown", Value::Null);
        self.exit()
    }

    /// Sends `exit` (with or without a `shutdown` before it); returns the exit status code.
    pub fn exit(mut self) -> Option<i32> {
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny policy set written for the tests: a base, an extensions file and a relying party.
pub const BASE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="t.onmicrosoft.com" PolicyId="B2C_1A_T_Base" PublicPolicyUri="http://t/B2C_1A_T_Base">
  <BuildingBlocks>
    <ClaimsSchema>
      <ClaimType Id="email">
        <DisplayName>Email</DisplayName>
        <DataType>string</DataType>
      </ClaimType>
      <ClaimType Id="displayName">
        <DisplayName>Display name</DisplayName>
        <DataType>string</DataType>
      </ClaimType>
    </ClaimsSchema>
  </BuildingBlocks>
  <ClaimsProviders>
    <ClaimsProvider>
      <DisplayName>Local</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="TP-Collect">
          <DisplayName>Collect</DisplayName>
          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
          <OutputClaims>
            <OutputClaim ClaimTypeReferenceId="email" />
          </OutputClaims>
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
  </ClaimsProviders>
</TrustFrameworkPolicy>
"#;

pub const EXTENSIONS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="t.onmicrosoft.com" PolicyId="B2C_1A_T_Ext" PublicPolicyUri="http://t/B2C_1A_T_Ext">
  <BasePolicy>
    <TenantId>t.onmicrosoft.com</TenantId>
    <PolicyId>B2C_1A_T_Base</PolicyId>
  </BasePolicy>
  <ClaimsProviders>
    <ClaimsProvider>
      <DisplayName>Local</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="TP-Collect">
          <OutputClaims>
            <OutputClaim ClaimTypeReferenceId="displayName" />
          </OutputClaims>
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
  </ClaimsProviders>
</TrustFrameworkPolicy>
"#;

/// [`EXTENSIONS`] with another PolicyId, base and output claim; the claim stays at line 13,
/// column 48.
pub fn extension(policy_id: &str, base: &str, claim: &str) -> String {
    EXTENSIONS
        .replace("B2C_1A_T_Ext", policy_id)
        .replace(
            "<PolicyId>B2C_1A_T_Base</PolicyId>",
            &format!("<PolicyId>{base}</PolicyId>"),
        )
        .replace(
            r#"ClaimTypeReferenceId="displayName""#,
            &format!(r#"ClaimTypeReferenceId="{claim}""#),
        )
}

/// A session on a scratch folder holding BASE and EXTENSIONS, the extensions file open.
pub fn started(name: &str) -> (Scratch, Session, PathBuf) {
    let scratch = Scratch::new(name);
    scratch.write("TrustFrameworkBase.xml", BASE);
    let ext = scratch.write("TrustFrameworkExtensions.xml", EXTENSIONS);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&ext, EXTENSIONS);
    (scratch, session, ext)
}
