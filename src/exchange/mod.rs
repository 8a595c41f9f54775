//! One exchange: a prepared request sent to a [`Source`], its response read
//! (SSE or JSON, by its Content-Type), every event passed to the assembler
//! and the sink, and the whole of it returned as one [`Exchange`] value,
//! however it ended: answered, refused with an HTTP error, cut, timed out
//! or interrupted. Consumers of the finished exchange (the exit code, and
//! later the history and the cassette writer) read that value.
//!
//! Deadlines and the cancel token are watched here, around every await, so
//! that what arrived is always finished off (final newline, partial
//! `--json`) before yap exits 7 or 130.

pub mod cancel;

use std::io;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use serde_json::Value;

pub use cancel::Cancel;

use crate::error::{Failure, Kind};
use crate::output::Sink;
use crate::request::Prepared;
use crate::source::{Activity, Body, Head, Source};
use crate::stream::assemble::{Assembler, Shape};
use crate::stream::chunk::{Chunk, error_object};
use crate::stream::read::{self, ChunkReader};
use crate::stream::sse::{SseDecoder, SseEvent};
use crate::transport::classify;

/// How one exchange is read. Plain data: no settings, no clap.
#[derive(Clone, Debug)]
pub struct Options {
    /// The document a response is assembled into.
    pub shape: Shape,
    /// Keep every text and the metadata in the assembler (`--json`, the
    /// interactive chat's memory), not only what is printed at the end.
    pub keep_all: bool,
    /// Keep choice 0's content in the assembler even without `keep_all`
    /// (the history stores the document).
    pub keep_text: bool,
    /// Cap on one SSE line or event, or a non-streamed body.
    pub max_size: usize,
    /// `--timeout`, for its message, and the deadline it set.
    pub timeout: Option<Duration>,
    pub deadline: Option<Instant>,
    /// `-v`: a closing note with the bytes read and the time taken.
    pub verbose: bool,
    /// Keep each SSE payload with its arrival time (a cassette writer).
    pub record: bool,
}

impl Options {
    /// Options whose `--timeout` deadline starts now.
    pub fn new(shape: Shape, max_size: usize, timeout: Option<Duration>) -> Options {
        Options {
            shape,
            keep_all: false,
            keep_text: false,
            max_size,
            timeout,
            deadline: timeout.map(|t| Instant::now() + t),
            verbose: false,
            record: false,
        }
    }
}

/// When things happened, from the moment the exchange began.
#[derive(Clone, Debug)]
pub struct Timings {
    /// Wall-clock time the exchange began.
    pub began: SystemTime,
    /// The response head arrived (after any retries).
    pub head: Option<Duration>,
    /// The first byte of the body arrived.
    pub first_byte: Option<Duration>,
    pub total: Duration,
}

/// One SSE payload and when it arrived, from the moment the request that
/// got the response was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub at: Duration,
    /// The SSE `event:` name when it is not the default `message`.
    pub event: Option<String>,
    pub data: String,
}

/// What arrived, kept only when [`Options::record`] asks for it.
#[derive(Clone, Debug, Default)]
pub struct Recording {
    pub events: Vec<Event>,
    /// A body that was not SSE, as it came.
    pub body: Option<Vec<u8>>,
}

/// One exchange, whole: what was sent, what came back, and the verdict.
#[derive(Debug)]
pub struct Exchange {
    /// The request as sent (it holds no secret).
    pub request: Prepared,
    /// The response head, when one came (HTTP errors included).
    pub head: Option<Head>,
    /// The body of an HTTP error response, as far as it was read.
    pub error_body: Option<Vec<u8>>,
    pub timings: Timings,
    /// Body bytes read.
    pub bytes_in: usize,
    pub assembler: Assembler,
    pub recording: Option<Recording>,
    /// For stderr after the answer: cut answers, refusals, unreadable
    /// tool-call arguments.
    pub warnings: Vec<String>,
    /// Why the exchange failed, if it did.
    pub failure: Option<Failure>,
}

impl Exchange {
    /// The response document: the server's own, or the one assembled.
    pub fn document(&self) -> Value {
        self.assembler.to_document()
    }

    /// The exit code this exchange gives a command (SPEC's table).
    pub fn exit_code(&self) -> u8 {
        self.failure.as_ref().map_or(0, |f| f.kind.exit_code())
    }

    /// The verdict, as the error a command returns.
    pub fn into_result(self) -> Result<(), Failure> {
        self.failure.map_or(Ok(()), Err)
    }
}

async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

fn timed_out(opts: &Options) -> Failure {
    let secs = opts.timeout.map_or(0.0, |t| t.as_secs_f64());
    Failure::new(
        Kind::Network,
        format!("timed out after {secs} s (--timeout)"),
    )
}

fn interrupted() -> Failure {
    Failure::new(Kind::Interrupted, "interrupted")
}

fn too_big(opts: &Options, what: &str) -> Failure {
    Failure::new(
        Kind::Incomplete,
        format!(
            "{what} is larger than --max-size ({} bytes); raise it if the answer is real",
            opts.max_size
        ),
    )
}

/// The next piece of a body, with the deadline and the cancel token watched.
async fn next_piece<B: Body>(
    body: &mut B,
    opts: &Options,
    cancel: &Cancel,
) -> Result<Option<Bytes>, Failure> {
    tokio::select! {
        r = body.next() => r,
        () = until(opts.deadline) => Err(timed_out(opts)),
        () = cancel.cancelled() => Err(interrupted()),
    }
}

/// Send a request and read its whole body (a listing, a model).
pub async fn fetch<S: Source>(
    source: &S,
    req: &Prepared,
    opts: &Options,
    activity: &dyn Activity,
    cancel: &Cancel,
) -> Result<Vec<u8>, Failure> {
    let opened = tokio::select! {
        r = source.open(req, opts.deadline, activity) => r.map_err(|f| f.failure),
        () = until(opts.deadline) => Err(timed_out(opts)),
        () = cancel.cancelled() => Err(interrupted()),
    }?;
    let mut reader = opened.body;
    let mut body = Vec::new();
    while let Some(bytes) = next_piece(&mut reader, opts, cancel).await? {
        activity.arrived();
        if body.len() + bytes.len() > opts.max_size {
            return Err(too_big(opts, "the response body"));
        }
        body.extend_from_slice(&bytes);
    }
    Ok(body)
}

/// Run one exchange. The error is only for what cannot be part of an
/// exchange: the sink's own output failing (stdout closed).
pub async fn run<S: Source>(
    source: &S,
    request: Prepared,
    opts: &Options,
    sink: &mut dyn Sink,
    activity: &dyn Activity,
    cancel: &Cancel,
) -> io::Result<Exchange> {
    let begun = Instant::now();
    let mut ex = Exchange {
        request,
        head: None,
        error_body: None,
        timings: Timings {
            began: SystemTime::now(),
            head: None,
            first_byte: None,
            total: Duration::ZERO,
        },
        bytes_in: 0,
        assembler: Assembler::new(opts.keep_all)
            .with_shape(opts.shape)
            .keeping_text(opts.keep_text),
        recording: None,
        warnings: Vec::new(),
        failure: None,
    };
    let opened = tokio::select! {
        r = source.open(&ex.request, opts.deadline, activity) => r,
        () = until(opts.deadline) => Err(timed_out(opts).into()),
        () = cancel.cancelled() => Err(interrupted().into()),
    };
    let opened = match opened {
        Ok(opened) => opened,
        Err(failed) => {
            ex.head = failed.head;
            ex.error_body = failed.body;
            ex.failure = Some(failed.failure);
            ex.timings.total = begun.elapsed();
            return Ok(ex);
        }
    };
    ex.timings.head = Some(begun.elapsed());
    let content_type = opened.head.content_type();
    ex.head = Some(opened.head);
    let mut reading = Reading {
        opts,
        cancel,
        activity,
        begun,
        started: opened.started,
        content_type,
    };
    let read = if opts.record {
        let mut log = EventLog {
            inner: sink,
            recording: Recording::default(),
            name: None,
        };
        let read = reading.body(opened.body, &mut ex, &mut log).await;
        ex.recording = Some(log.recording);
        read
    } else {
        reading.body(opened.body, &mut ex, sink).await
    };
    ex.timings.total = begun.elapsed();
    read?;
    Ok(ex)
}

/// The state of reading one response body.
struct Reading<'a> {
    opts: &'a Options,
    cancel: &'a Cancel,
    activity: &'a dyn Activity,
    begun: Instant,
    started: Instant,
    content_type: String,
}

impl Reading<'_> {
    async fn body<B: Body>(
        &mut self,
        mut body: B,
        ex: &mut Exchange,
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        let opts = self.opts;
        let asm = &mut ex.assembler;
        let mut dec = SseDecoder::with_limit(opts.max_size);
        let mut is_sse: Option<bool> = None;
        let mut whole = Vec::new();
        let mut state = PumpState {
            reader: ChunkReader::new(opts.keep_all),
            stop: false,
            malformed: None,
        };
        let mut failure: Option<Failure> = None;
        loop {
            let bytes = match next_piece(&mut body, opts, self.cancel).await {
                Ok(Some(bytes)) => bytes,
                Ok(None) => break,
                Err(f) => {
                    failure = Some(f);
                    break;
                }
            };
            if ex.timings.first_byte.is_none() {
                ex.timings.first_byte = Some(self.begun.elapsed());
                self.activity.arrived();
            }
            ex.bytes_in += bytes.len();
            let sse = *is_sse.get_or_insert_with(|| looks_like_sse(&self.content_type, &bytes));
            if sse {
                // Events carry the time of the read that completed them.
                let at = self.started.elapsed();
                dec.feed(&bytes, &mut |ev| state.event(ev, at, asm, sink))?;
                sink.flush()?;
                if dec.over_limit() {
                    failure = Some(too_big(opts, "an SSE line or event"));
                    break;
                }
                if state.stop {
                    break;
                }
            } else {
                if whole.len() + bytes.len() > opts.max_size {
                    failure = Some(too_big(opts, "the response body"));
                    break;
                }
                whole.extend_from_slice(&bytes);
            }
        }
        if is_sse == Some(true) {
            dec.finish();
        } else if failure.is_none() {
            failure = read_document(&whole, &self.content_type, self.started, asm, sink)?;
        }
        let sink_warnings = sink.finish(asm)?;
        if opts.verbose {
            self.activity.note(&format!(
                "* {} bytes in {} ms",
                ex.bytes_in,
                self.started.elapsed().as_millis()
            ));
        }
        ex.warnings = asm.warnings();
        ex.warnings.extend(sink_warnings);
        ex.failure = match (failure, state.malformed) {
            (Some(f), _) => Some(f),
            (None, Some(m)) => Some(Failure::new(Kind::Incomplete, m)),
            (None, None) => asm.check().err(),
        };
        Ok(())
    }
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

struct PumpState {
    reader: ChunkReader,
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
        // An event whose data is empty (a bare `data` line) is no event:
        // not parsed, printed or counted (SPEC, Output).
        if ev.data.trim_ascii().is_empty() {
            return Ok(());
        }
        if ev.kind != "message" {
            sink.event_name(ev.kind);
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
        match self.reader.read(ev.data) {
            Ok(chunk) => {
                asm.on_chunk(&chunk);
                if !self.reader.known() {
                    asm.on_payload(ev.data);
                }
                sink.chunk(&chunk)?;
                // (`"error": null` reads as no error.)
                if chunk.error.is_some() {
                    self.stop = true;
                } else if chunk.choices.is_none()
                    && chunk.usage.is_none()
                    && let Ok(value) = serde_json::from_str::<Value>(ev.data)
                    && let Some(error) = error_object(&value)
                {
                    // A rare shape, so read twice: the payload is an error.
                    asm.on_error(error);
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
    content_type: &str,
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
            let start = text.trim_start();
            let html = content_type.contains("html")
                || start
                    .get(..5)
                    .is_some_and(|s| s.eq_ignore_ascii_case("<html"))
                || start
                    .get(..9)
                    .is_some_and(|s| s.eq_ignore_ascii_case("<!doctype"));
            let message = if html {
                let (title, _) = classify::provider_message("(an empty page)", "text/html", body);
                format!(
                    "the server answered with an HTML page, not the API's JSON: {title} \
                     (a proxy or a login page in the way? check --base-url)"
                )
            } else {
                let shown: String = text.trim().chars().take(80).collect();
                format!("the response is not valid JSON ({e}): {shown}")
            };
            return Ok(Some(Failure::new(Kind::Incomplete, message)));
        }
    };
    let chunk: Chunk<'_> = match read::parse(text) {
        Ok(c) => c,
        Err(e) => {
            return Ok(Some(Failure::new(
                Kind::Incomplete,
                format!("the response has an unexpected shape: {e}"),
            )));
        }
    };
    asm.on_chunk(&chunk);
    if chunk.choices.is_none()
        && chunk.error.is_none()
        && let Some(error) = error_object(&value)
    {
        asm.on_error(error);
    }
    sink.chunk(&chunk)?;
    asm.set_document(value);
    Ok(None)
}

/// A sink in front of another that keeps every payload with its time.
struct EventLog<'a> {
    inner: &'a mut dyn Sink,
    recording: Recording,
    /// The `event:` name of the payload that comes next.
    name: Option<String>,
}

impl Sink for EventLog<'_> {
    fn payload(&mut self, data: &[u8], streamed: bool, at: Duration) -> io::Result<()> {
        if streamed {
            self.recording.events.push(Event {
                at,
                event: self.name.take(),
                data: String::from_utf8_lossy(data).into_owned(),
            });
        } else {
            self.recording.body = Some(data.to_vec());
        }
        self.inner.payload(data, streamed, at)
    }

    fn event_name(&mut self, name: &str) {
        self.name = Some(name.to_string());
        self.inner.event_name(name);
    }

    fn chunk(&mut self, chunk: &Chunk<'_>) -> io::Result<()> {
        self.inner.chunk(chunk)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    fn finish(&mut self, asm: &Assembler) -> io::Result<Vec<String>> {
        self.inner.finish(asm)
    }
}
