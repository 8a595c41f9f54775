//! One exchange: send a prepared request, read the response (SSE or JSON,
//! by its Content-Type), pass every event to the assembler and the sink,
//! and give the verdict. Shared by every command that talks to a model.
//!
//! Deadlines and Ctrl-C are watched here, around every await, so that what
//! arrived is always finished off (final newline, partial `--json`) before
//! yap exits 7 or 130.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::config::{ApiKey, Settings};
use crate::error::{Failure, Kind};
use crate::output::Sink;
use crate::output::progress::Spinner;
use crate::output::term::Diag;
use crate::request::Prepared;
use crate::stream::assemble::{Assembler, Shape};
use crate::stream::chunk::Chunk;
use crate::stream::sse::{SseDecoder, SseEvent};
use crate::transport::Transport;

/// Resolves when the user presses Ctrl-C.
pub type Interrupt = Pin<Box<dyn Future<Output = ()>>>;

pub fn interrupt() -> Interrupt {
    Box::pin(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}

async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

fn timed_out(settings: &Settings) -> Failure {
    let secs = settings.timeout.map_or(0.0, |t| t.as_secs_f64());
    Failure::new(
        Kind::Network,
        format!("timed out after {secs} s (--timeout)"),
    )
}

/// What an exchange produced, whatever its verdict.
pub struct Exchange {
    pub assembler: Assembler,
    pub result: Result<(), Failure>,
}

pub struct Options<'a> {
    pub settings: &'a Settings,
    pub key: Option<&'a ApiKey>,
    pub diag: Diag,
    /// Keep every text in the assembler (`--json`, interactive history).
    pub keep_all: bool,
    pub deadline: Option<Instant>,
    /// The document a response is assembled into.
    pub shape: Shape,
}

impl<'a> Options<'a> {
    /// Options for one request, its `--timeout` deadline starting now.
    pub fn new(
        settings: &'a Settings,
        key: Option<&'a ApiKey>,
        diag: Diag,
        keep_all: bool,
        shape: Shape,
    ) -> Options<'a> {
        Options {
            settings,
            key,
            diag,
            keep_all,
            deadline: settings.timeout.map(|t| Instant::now() + t),
            shape,
        }
    }
}

fn too_big(settings: &Settings, what: &str) -> Failure {
    Failure::new(
        Kind::Incomplete,
        format!(
            "{what} is larger than --max-size ({} bytes); raise it if the answer is real",
            settings.max_size
        ),
    )
}

/// Warnings before anything is sent: `--insecure`, and a key about to
/// cross a network unencrypted.
fn security_warnings(opts: &Options<'_>, req: &Prepared) {
    if opts.settings.insecure {
        opts.diag
            .warn("--insecure: the server's TLS certificate is not checked");
    }
    if opts.key.is_some()
        && let Ok(url) = reqwest::Url::parse(&req.url)
    {
        let host = url.host_str().unwrap_or("the server");
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if url.scheme() == "http" && !loopback {
            opts.diag.warn(&format!(
                "the API key is sent unencrypted over http:// to {host}; use https:// if you can"
            ));
        }
    }
}

/// Send with the spinner, the deadline and Ctrl-C watched.
async fn send(
    opts: &Options<'_>,
    transport: &Transport,
    req: &Prepared,
    spinner: &mut Spinner,
    ctrl_c: &mut Interrupt,
) -> Result<crate::transport::Response, Failure> {
    security_warnings(opts, req);
    let diag = opts.diag;
    let spin: &Spinner = spinner;
    let mut note = |line: &str| spin.suspend(|| diag.note(line));
    let response = tokio::select! {
        r = transport.send(req, opts.key, &mut note) => r,
        () = until(opts.deadline) => Err(timed_out(opts.settings)),
        () = &mut *ctrl_c => Err(Failure::new(Kind::Interrupted, "interrupted")),
    };
    if response.is_err() {
        spinner.stop();
    }
    response
}

/// The next piece of a response body: `Ok(None)` at its end (or where the
/// connection broke: the caller tells a complete answer from a cut one).
async fn next_bytes(
    opts: &Options<'_>,
    resp: &mut reqwest::Response,
    idle: Duration,
    ctrl_c: &mut Interrupt,
) -> Result<Option<bytes::Bytes>, Failure> {
    let next = tokio::select! {
        r = tokio::time::timeout(idle, resp.chunk()) => r,
        () = until(opts.deadline) => return Err(timed_out(opts.settings)),
        () = &mut *ctrl_c => return Err(Failure::new(Kind::Interrupted, "interrupted")),
    };
    match next {
        Err(_) => Err(Failure::new(
            Kind::Network,
            format!(
                "no data from the server for {} s (--idle-timeout)",
                idle.as_secs_f64()
            ),
        )),
        Ok(Err(_)) | Ok(Ok(None)) => Ok(None),
        Ok(Ok(Some(bytes))) => Ok(Some(bytes)),
    }
}

/// Send a request and read its whole body (a listing, a model).
pub async fn fetch(
    opts: &Options<'_>,
    req: &Prepared,
    ctrl_c: &mut Interrupt,
) -> Result<Vec<u8>, Failure> {
    let transport = Transport::new(opts.settings, opts.deadline)?;
    let mut spinner = Spinner::start(!opts.settings.quiet, "waiting for the server");
    let mut resp = send(opts, &transport, req, &mut spinner, ctrl_c)
        .await?
        .inner;
    let mut body = Vec::new();
    while let Some(bytes) = next_bytes(opts, &mut resp, transport.idle_timeout(), ctrl_c).await? {
        spinner.stop();
        if body.len() + bytes.len() > opts.settings.max_size {
            return Err(too_big(opts.settings, "the response body"));
        }
        body.extend_from_slice(&bytes);
    }
    spinner.stop();
    Ok(body)
}

pub async fn run(
    opts: &Options<'_>,
    req: &Prepared,
    sink: &mut dyn Sink,
    ctrl_c: &mut Interrupt,
) -> Result<Exchange, anyhow::Error> {
    let transport = Transport::new(opts.settings, opts.deadline)?;
    let mut spinner = Spinner::start(!opts.settings.quiet, "waiting for the model");
    let diag = opts.diag;
    let response = send(opts, &transport, req, &mut spinner, ctrl_c).await?;
    let started = response.started;
    let mut resp = response.inner;
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();

    let mut asm = Assembler::new(opts.keep_all).with_shape(opts.shape);
    let mut dec = SseDecoder::with_limit(opts.settings.max_size);
    let mut is_sse: Option<bool> = None;
    let mut body = Vec::new();
    let mut state = PumpState {
        meta: opts.keep_all,
        ..PumpState::default()
    };
    let mut failure: Option<Failure> = None;
    let mut bytes_in = 0usize;
    let idle = transport.idle_timeout();
    loop {
        let bytes = match next_bytes(opts, &mut resp, idle, ctrl_c).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => break,
            Err(f) => {
                failure = Some(f);
                break;
            }
        };
        spinner.stop();
        bytes_in += bytes.len();
        let sse = *is_sse.get_or_insert_with(|| looks_like_sse(&content_type, &bytes));
        if sse {
            // Events carry the time of the read that completed them.
            let at = started.elapsed();
            dec.feed(&bytes, &mut |ev| state.event(ev, at, &mut asm, sink))?;
            sink.flush()?;
            if dec.over_limit() {
                failure = Some(too_big(opts.settings, "an SSE line or event"));
                break;
            }
            if state.stop {
                break;
            }
        } else {
            if body.len() + bytes.len() > opts.settings.max_size {
                failure = Some(too_big(opts.settings, "the response body"));
                break;
            }
            body.extend_from_slice(&bytes);
        }
    }
    spinner.stop();
    if is_sse == Some(true) {
        dec.finish();
    } else if failure.is_none() {
        failure = read_document(&body, started, &mut asm, sink)?;
    }
    if opts.settings.verbose {
        diag.note(&format!(
            "* {bytes_in} bytes in {} ms",
            started.elapsed().as_millis()
        ));
    }
    sink.finish(&asm)?;
    let result = match (failure, state.malformed) {
        (Some(f), _) => Err(f),
        (None, Some(m)) => Err(Failure::new(Kind::Incomplete, m)),
        (None, None) => asm.check(),
    };
    Ok(Exchange {
        assembler: asm,
        result,
    })
}

fn looks_like_sse(content_type: &str, first: &[u8]) -> bool {
    if content_type.contains("event-stream") {
        return true;
    }
    if content_type.contains("json") {
        return false;
    }
    let start = first.trim_ascii_start();
    start.starts_with(b"data:") || start.starts_with(b":") || start.starts_with(b"event:")
}

#[derive(Default)]
struct PumpState {
    /// Read the response's metadata (id, model): only `--json` shows it.
    meta: bool,
    /// Text mode's fast reading of repeated chunk prefixes.
    resume: crate::stream::fast::Resume,
    stop: bool,
    malformed: Option<String>,
}

impl PumpState {
    fn event(
        &mut self,
        ev: SseEvent<'_>,
        at: Duration,
        asm: &mut Assembler,
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        if self.stop {
            return Ok(());
        }
        if ev.data == "[DONE]" {
            asm.done_seen = true;
            self.stop = true;
            return Ok(());
        }
        sink.payload(ev.data.as_bytes(), true, at)?;
        if ev.kind == "error" {
            let value = serde_json::from_str::<Value>(ev.data)
                .map(|v| v.get("error").cloned().unwrap_or(v))
                .unwrap_or_else(|_| Value::String(ev.data.to_string()));
            asm.on_error(value);
            self.stop = true;
            return Ok(());
        }
        let parsed = if self.meta {
            Chunk::parse(ev.data)
        } else {
            match self.resume.parse(ev.data) {
                Some(chunk) => Ok(chunk),
                None => Chunk::parse_serde(ev.data),
            }
        };
        match parsed {
            Ok(chunk) => {
                asm.on_chunk(&chunk);
                sink.chunk(&chunk)?;
                // (`"error": null` reads as no error.)
                if chunk.error.is_some() {
                    self.stop = true;
                }
            }
            Err(e) => {
                let shown: String = ev.data.chars().take(80).collect();
                self.malformed = Some(format!(
                    "the server sent an event that is not valid JSON ({e}): {shown}"
                ));
                self.stop = true;
            }
        }
        Ok(())
    }
}

/// A non-streamed body: passed to the sink as is, then read as one chunk.
/// `Ok(Some(failure))` when it is not the JSON document it should be.
fn read_document(
    body: &[u8],
    started: Instant,
    asm: &mut Assembler,
    sink: &mut dyn Sink,
) -> io::Result<Option<Failure>> {
    sink.payload(body, false, started.elapsed())?;
    let Ok(text) = std::str::from_utf8(body) else {
        return Ok(Some(Failure::new(
            Kind::Incomplete,
            "the response body is not UTF-8 text",
        )));
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let shown: String = text.trim().chars().take(80).collect();
            return Ok(Some(Failure::new(
                Kind::Incomplete,
                format!("the response is not valid JSON ({e}): {shown}"),
            )));
        }
    };
    let chunk = match Chunk::parse(text) {
        Ok(c) => c,
        Err(e) => {
            return Ok(Some(Failure::new(
                Kind::Incomplete,
                format!("the response has an unexpected shape: {e}"),
            )));
        }
    };
    asm.on_chunk(&chunk);
    sink.chunk(&chunk)?;
    asm.set_document(value);
    Ok(None)
}
