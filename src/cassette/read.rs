//! Reading cassettes, line by line, without holding a line's events.
//!
//! A first pass ([`Reader`]) reads each line's small fields (the version,
//! the mode, the request, the error, the response head) and checks every
//! event's shape while counting them, keeping none. Playing a line back
//! ([`play`]) reads it again from its offset and hands its events on in
//! small batches, so memory stays flat with the stream's length. A
//! cassette is the user's own file: `--max-size` does not bound a line;
//! what is allocated is bounded by what the file holds.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::ahead::{self, Ahead};
use super::fast;
use super::scan::{self, Skip};
use super::{VERSION, failure_of_value, kind_of_code, mode_of_word};
use crate::error::{Failure, Kind};
use crate::output::Mode;
use crate::source::Head;

/// The request of a recorded exchange.
#[derive(Clone, Debug)]
pub struct RecRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
}

/// The response of a recorded exchange, its events left in the file.
#[derive(Clone, Debug)]
pub struct RecResponse {
    pub head: Head,
    /// `[DONE]` closed the stream.
    pub done: bool,
    /// A body that was not SSE (or an HTTP error's body), as it came.
    pub body: Option<String>,
    /// How many events the line holds.
    pub events: u64,
}

/// A recorded exchange's small fields.
#[derive(Clone, Debug)]
pub struct Summary {
    pub version: u64,
    pub mode: Mode,
    pub request: RecRequest,
    pub response: Option<RecResponse>,
    /// The recorded error, or one made from a non-zero `exit_code`.
    pub error: Option<Failure>,
    pub exit_code: u8,
    /// A tool-loop step whose calls were run: their lines were not printed.
    pub tool_calls_run: bool,
}

#[derive(Clone, Debug)]
pub enum Record {
    Exchange(Box<Summary>),
    /// A line with a `yap_cassette` version newer than this yap reads.
    Newer(Value),
    /// Any other JSON object: a request body (for `replay --live`).
    Body(Value),
}

/// One line of a cassette.
#[derive(Clone, Debug)]
pub struct Entry {
    /// 1-based.
    pub line: usize,
    /// Where the line starts in the file.
    pub offset: u64,
    pub record: Record,
}

/// A line that is not what it should be.
#[derive(Clone, Debug)]
pub struct BadLine {
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// One event as a cassette holds it.
#[derive(Clone, Debug, Deserialize)]
pub struct RecEvent {
    pub ms: u64,
    #[serde(default)]
    pub event: Option<String>,
    pub data: String,
}

/// An event as the line holds it, borrowed: nothing is copied or
/// unescaped until it is written out as SSE.
#[derive(Deserialize)]
struct RawEvent<'a> {
    ms: u64,
    #[serde(default, borrow)]
    event: Option<&'a RawValue>,
    #[serde(borrow)]
    data: &'a RawValue,
}

impl RawEvent<'_> {
    /// Parse and check one element of `events`.
    fn parse(raw: &[u8]) -> Result<RawEvent<'_>, String> {
        let e: RawEvent<'_> = serde_json::from_slice(raw).map_err(|e| strip_at(&e))?;
        if !e.data.get().starts_with('"') {
            return Err(format!("data is {}, not a string", e.data.get()));
        }
        if e.event.is_some_and(|n| !n.get().starts_with('"')) {
            return Err("event is not a string".to_string());
        }
        Ok(e)
    }
}

/// Write one event as the SSE bytes a server sends: `event:` when it has a
/// name, its data's lines each as `data:`, a blank line. `data` and `event`
/// are JSON string literals (quotes and escapes included), unescaped here.
fn write_sse(out: &mut Vec<u8>, event: Option<&str>, data: &str) {
    if let Some(name) = event {
        out.extend_from_slice(b"event: ");
        // A name cannot hold a line break: it would end the field.
        let start = out.len();
        unescape_into(out, name, b"");
        for b in &mut out[start..] {
            if *b == b'\n' || *b == b'\r' {
                *b = b' ';
            }
        }
        out.push(b'\n');
    }
    out.extend_from_slice(b"data: ");
    unescape_into(out, data, b"\ndata: ");
    out.extend_from_slice(b"\n\n");
}

/// Append the text of the JSON string literal `lit`, writing `newline` for
/// each LF and a space for each CR (a CR would end the SSE line: the
/// decoder never hands one on in data). An invalid escape or a lone
/// surrogate becomes U+FFFD; nothing panics.
fn unescape_into(out: &mut Vec<u8>, lit: &str, newline: &[u8]) {
    let inner = lit
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(lit)
        .as_bytes();
    let nl = |out: &mut Vec<u8>| {
        if newline.is_empty() {
            out.push(b'\n');
        } else {
            out.extend_from_slice(newline);
        }
    };
    let mut i = 0;
    while i < inner.len() {
        let Some(n) = memchr::memchr(b'\\', &inner[i..]) else {
            out.extend_from_slice(&inner[i..]);
            break;
        };
        out.extend_from_slice(&inner[i..i + n]);
        i += n + 1;
        let Some(&c) = inner.get(i) else {
            break;
        };
        i += 1;
        match c {
            b'n' => nl(out),
            b'r' => out.push(b' '),
            b't' => out.push(b'\t'),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'u' => {
                let (ch, j) = fast::code_point(inner, i);
                i = j;
                match ch {
                    Some('\n') => nl(out),
                    Some('\r') => out.push(b' '),
                    Some(ch) => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    None => out.extend_from_slice("\u{fffd}".as_bytes()),
                }
            }
            other => out.push(other),
        }
    }
}

/// [`write_sse`] from an event read whole (a hand-edited line's events).
fn write_sse_owned(out: &mut Vec<u8>, e: &RecEvent) {
    let lit = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let name = e.event.as_deref().map(lit);
    write_sse(out, name.as_deref(), &lit(&e.data));
}

/// The lines of a cassette, one at a time.
pub struct Reader<R: Skip> {
    inner: R,
    line: usize,
    offset: u64,
    /// A long file's second half, checked by another thread.
    ahead: Option<Ahead>,
}

impl Reader<BufReader<File>> {
    pub fn open(path: &Path) -> io::Result<Reader<BufReader<File>>> {
        Reader::open_split(path, ahead::MIN_FILE)
    }

    /// [`Reader::open`], its second half checked by another thread when
    /// the file holds at least `min` bytes.
    pub fn open_split(path: &Path, min: u64) -> io::Result<Reader<BufReader<File>>> {
        let file = File::open(path)?;
        let mut reader = Reader::new(BufReader::with_capacity(64 * 1024, file));
        reader.ahead = Ahead::start(path, min);
        Ok(reader)
    }
}

impl<R: Skip> Reader<R> {
    pub fn new(inner: R) -> Reader<R> {
        Reader {
            inner,
            line: 0,
            offset: 0,
            ahead: None,
        }
    }

    /// The next non-blank line, `Ok(None)` at the end of the file.
    pub fn next_entry(&mut self) -> io::Result<Option<Result<Entry, BadLine>>> {
        loop {
            if self.inner.fill_buf()?.is_empty() {
                return Ok(None);
            }
            self.line += 1;
            let start = self.offset;
            let mut check = Check {
                count: 0,
                bad: None,
                line_start: start,
                ahead: &mut self.ahead,
            };
            let scanned = scan::line(&mut self.inner, &mut check)?;
            let Check {
                count,
                bad: bad_event,
                ..
            } = check;
            self.offset += scanned.read;
            if scanned.stopped {
                self.offset += drain_line(&mut self.inner)?;
            }
            if let Some(reason) = bad_event {
                return Ok(Some(Err(bad(self.line, reason))));
            }
            if scanned.skeleton.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let parsed = {
                let mut de = serde_json::Deserializer::from_slice(&scanned.skeleton);
                let top = de.deserialize_map(TopVisitor);
                top.and_then(|t| de.end().map(|()| t))
            };
            let entry = parsed
                .map_err(|e| BadLine {
                    line: self.line,
                    reason: format!("not a cassette line or request body: {}", strip_at(&e)),
                })
                .and_then(|top| record(top, count, self.line))
                .map(|record| Entry {
                    line: self.line,
                    offset: start,
                    record,
                });
            return Ok(Some(entry));
        }
    }
}

/// The first pass over a line's events: each checked and counted.
struct Check<'a> {
    count: u64,
    bad: Option<String>,
    /// Where the line starts in the file.
    line_start: u64,
    ahead: &'a mut Option<Ahead>,
}

impl scan::Events for Check<'_> {
    fn may_jump(&self) -> bool {
        self.ahead.is_some()
    }

    fn jump(&mut self, at: u64) -> Option<u64> {
        if self.ahead.as_ref()?.at != self.line_start + at {
            return None;
        }
        let checked = self.ahead.take()?.finish();
        self.count += checked.count;
        Some(checked.to.saturating_sub(self.line_start))
    }

    fn fast(&mut self, buf: &[u8]) -> Option<(usize, bool)> {
        let n = fast::check(buf)?;
        self.count += 1;
        Some((n, true))
    }

    fn element(&mut self, raw: &[u8]) -> bool {
        match RawEvent::parse(raw) {
            Ok(_) => {
                self.count += 1;
                true
            }
            Err(e) => {
                self.bad = Some(format!("response.events[{}]: {e}", self.count));
                false
            }
        }
    }
}

/// Skip the rest of a line; the bytes skipped.
fn drain_line<R: BufRead>(reader: &mut R) -> io::Result<u64> {
    let mut read = 0u64;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(read);
        }
        match memchr::memchr(b'\n', buf) {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(read + i as u64 + 1);
            }
            None => {
                let n = buf.len();
                reader.consume(n);
                read += n as u64;
            }
        }
    }
}

/// serde_json's "at line 1 column 9": keep the message and the column.
fn strip_at(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &text[..i], e.column()),
        None => text,
    }
}

/// The top-level object of a line: its `response` read by [`ResponseSeed`]
/// (events counted, not kept), every other member as a value.
struct Top {
    fields: Map<String, Value>,
    response: Option<Option<RecResponse>>,
    response_value: Option<Value>,
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut top = Top {
            fields: Map::new(),
            response: None,
            response_value: None,
        };
        while let Some(key) = map.next_key::<String>()? {
            if key == "response" && (top.response.is_some() || top.response_value.is_some()) {
                return Err(de::Error::duplicate_field("response"));
            }
            if key == "response" && top.fields.contains_key("yap_cassette") {
                top.response = Some(map.next_value_seed(ResponseSeed)?);
            } else if key == "response" {
                // Not (yet) known to be a cassette line: keep it whole.
                top.response_value = Some(map.next_value()?);
            } else {
                let value: Value = map.next_value()?;
                top.fields.insert(key, value);
            }
        }
        Ok(top)
    }
}

/// `null`, or the response object with its events counted and checked.
struct ResponseSeed;

impl<'de> DeserializeSeed<'de> for ResponseSeed {
    type Value = Option<RecResponse>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(OptResponse)
    }
}

struct OptResponse;

impl<'de> Visitor<'de> for OptResponse {
    type Value = Option<RecResponse>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a response object")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(ResponseVisitor).map(Some)
    }
}

struct ResponseVisitor;

impl<'de> Visitor<'de> for ResponseVisitor {
    type Value = RecResponse;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a response object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RecResponse, A::Error> {
        let mut status = None;
        let mut headers = Vec::new();
        let mut done = false;
        let mut body = None;
        let mut events = 0;
        let mut seen_body = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "status" => status = Some(map.next_value::<u16>()?),
                "headers" => headers = map.next_value::<Vec<(String, String)>>()?,
                "done" => done = map.next_value::<bool>()?,
                "body" | "events" if seen_body => {
                    return Err(de::Error::custom(
                        "a response holds one body or one events array",
                    ));
                }
                "body" => {
                    seen_body = true;
                    body = Some(map.next_value::<String>()?);
                }
                "events" => {
                    seen_body = true;
                    events = map.next_value_seed(EventsSeed { each: None })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let status = status.ok_or_else(|| de::Error::missing_field("status"))?;
        Ok(RecResponse {
            head: Head { status, headers },
            done,
            body,
            events,
        })
    }
}

/// The events array: each element read, checked and handed to `each` (or
/// dropped), never all kept.
struct EventsSeed<'a> {
    each: Option<&'a mut dyn FnMut(RecEvent) -> bool>,
}

impl<'de> DeserializeSeed<'de> for EventsSeed<'_> {
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EventsSeed<'_> {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of events {\"ms\", \"data\"}")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<u64, A::Error> {
        let mut n = 0u64;
        while let Some(event) = seq.next_element::<RecEvent>()? {
            n += 1;
            if let Some(each) = self.each.as_mut()
                && !each(event)
            {
                return Err(de::Error::custom(STOPPED));
            }
        }
        Ok(n)
    }
}

const STOPPED: &str = "playback stopped";

fn bad(line: usize, reason: impl Into<String>) -> BadLine {
    BadLine {
        line,
        reason: reason.into(),
    }
}

/// What a parsed line is.
fn record(top: Top, captured: u64, line: usize) -> Result<Record, BadLine> {
    let Top {
        mut fields,
        response,
        response_value,
    } = top;
    let Some(version) = fields.get("yap_cassette") else {
        if captured > 0 {
            return Err(bad(
                line,
                "a request body with a response.events member (a cassette line needs yap_cassette)",
            ));
        }
        if let Some(v) = response_value {
            fields.insert("response".into(), v);
        }
        return Ok(Record::Body(Value::Object(fields)));
    };
    let version = version.as_u64().filter(|v| *v >= 1).ok_or_else(|| {
        bad(
            line,
            format!("yap_cassette is {version}, not a format version (1, 2, …)"),
        )
    })?;
    if version > VERSION {
        return Ok(Record::Newer(Value::from(version)));
    }
    let response = match (response, response_value) {
        (Some(r), _) => r,
        // `response` came before `yap_cassette` (a hand-edited line): read
        // it from the value.
        (None, Some(v)) => {
            let text = v.to_string();
            let mut de = serde_json::Deserializer::from_str(&text);
            ResponseSeed
                .deserialize(&mut de)
                .map_err(|e| bad(line, format!("response: {}", strip_at(&e))))?
        }
        (None, None) => None,
    };
    let mut response = response;
    if let Some(r) = &mut response {
        r.events += captured;
    }
    let mode = match fields.get("mode") {
        None => Mode::Text,
        Some(m) => m.as_str().and_then(mode_of_word).ok_or_else(|| {
            bad(
                line,
                format!("mode is {m}; expected \"text\", \"json\" or \"raw\""),
            )
        })?,
    };
    let request = fields
        .get("request")
        .and_then(Value::as_object)
        .ok_or_else(|| bad(line, "no request object"))?;
    let url = request
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(line, "the request has no url"))?
        .to_string();
    let method = request
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("POST")
        .to_string();
    let headers = match request.get("headers") {
        None | Some(Value::Null) => Vec::new(),
        Some(h) => serde_json::from_value::<Vec<(String, String)>>(h.clone())
            .map_err(|_| bad(line, "request headers: expected [[name, value], …]"))?,
    };
    let body = request.get("body").filter(|b| !b.is_null()).cloned();
    let exit_code = match fields.get("exit_code") {
        None | Some(Value::Null) => None,
        Some(c) => Some(
            c.as_u64()
                .and_then(|c| u8::try_from(c).ok())
                .ok_or_else(|| bad(line, format!("exit_code is {c}, not 0 to 255")))?,
        ),
    };
    let error = match fields.get("error") {
        None | Some(Value::Null) => None,
        Some(e) => Some(failure_of_value(e).ok_or_else(|| {
            bad(
                line,
                "error: expected {\"kind\", \"status\", \"message\"} with a known kind",
            )
        })?),
    };
    let error = match (error, exit_code) {
        (Some(e), _) => Some(e),
        (None, Some(code)) if code != 0 => Some(Failure::new(
            kind_of_code(code),
            format!("the recorded command exited with {code}"),
        )),
        (None, _) => None,
    };
    let exit_code = exit_code.unwrap_or_else(|| error.as_ref().map_or(0, |e| e.kind.exit_code()));
    if response.is_none() && error.is_none() {
        return Err(bad(line, "neither a response nor an error"));
    }
    Ok(Record::Exchange(Box::new(Summary {
        version,
        mode,
        request: RecRequest {
            method,
            url,
            headers,
            body,
        },
        response,
        error,
        exit_code,
        tool_calls_run: fields
            .get("tool_calls_run")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })))
}

/// Every line of a cassette, or the first bad one.
pub fn read_all(path: &Path) -> io::Result<Result<Vec<Entry>, BadLine>> {
    let mut reader = Reader::open(path)?;
    let mut out = Vec::new();
    while let Some(entry) = reader.next_entry()? {
        match entry {
            Ok(e) => out.push(e),
            Err(bad) => return Ok(Err(bad)),
        }
    }
    Ok(Ok(out))
}

/// Where [`play_into`] writes a line's events: as the SSE bytes a server
/// sends, appended to one buffer.
pub trait Player {
    /// The buffer the next event is appended to.
    fn buf(&mut self) -> &mut Vec<u8>;
    /// One event was appended, recorded `ms` after the request was sent;
    /// false stops the reading.
    fn played(&mut self, ms: u64) -> bool;
}

/// Read the line at `offset` again and hand each of its events to `each`
/// as SSE bytes, with its time in ms (`each` returns false to stop). The
/// first pass checked the line; an error here means the file changed.
pub fn play(
    path: &Path,
    offset: u64,
    each: &mut dyn FnMut(u64, &[u8]) -> bool,
) -> Result<(), String> {
    play_into(
        path,
        offset,
        &mut Each {
            each,
            sse: Vec::new(),
        },
    )
}

/// [`play`] from a reader at the start of the line.
pub fn play_from<R: Skip>(
    reader: R,
    each: &mut dyn FnMut(u64, &[u8]) -> bool,
) -> Result<(), String> {
    play_from_into(
        reader,
        &mut Each {
            each,
            sse: Vec::new(),
        },
    )
}

/// [`play`] with the events appended to the player's buffer, no copy.
pub fn play_into(path: &Path, offset: u64, player: &mut dyn Player) -> Result<(), String> {
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| e.to_string())?;
    play_from_into(BufReader::with_capacity(64 * 1024, file), player)
}

/// Each event in its own buffer, handed to a closure.
struct Each<'a> {
    each: &'a mut dyn FnMut(u64, &[u8]) -> bool,
    sse: Vec<u8>,
}

impl Player for Each<'_> {
    fn buf(&mut self) -> &mut Vec<u8> {
        &mut self.sse
    }

    fn played(&mut self, ms: u64) -> bool {
        let go = (self.each)(ms, &self.sse);
        self.sse.clear();
        go
    }
}

/// The second pass over a line's events: each written as SSE.
struct Playing<'a> {
    player: &'a mut dyn Player,
    failed: Option<String>,
}

impl scan::Events for Playing<'_> {
    fn fast(&mut self, buf: &[u8]) -> Option<(usize, bool)> {
        let (ms, n) = fast::play(buf, self.player.buf())?;
        Some((n, self.player.played(ms)))
    }

    fn element(&mut self, raw: &[u8]) -> bool {
        match RawEvent::parse(raw) {
            Ok(e) => {
                write_sse(self.player.buf(), e.event.map(RawValue::get), e.data.get());
                self.player.played(e.ms)
            }
            Err(e) => {
                self.failed = Some(e);
                false
            }
        }
    }
}

/// [`play_into`] from a reader at the start of the line.
pub fn play_from_into<R: Skip>(mut reader: R, player: &mut dyn Player) -> Result<(), String> {
    let mut playing = Playing {
        player,
        failed: None,
    };
    let scanned = scan::line(&mut reader, &mut playing).map_err(|e| e.to_string())?;
    let Playing { player, failed } = playing;
    if let Some(why) = failed {
        return Err(why);
    }
    if scanned.stopped {
        return Ok(());
    }
    // Events the scanner left in the skeleton (a key written with escapes).
    let mut owned = |e: RecEvent| {
        write_sse_owned(player.buf(), &e);
        player.played(e.ms)
    };
    let mut de = serde_json::Deserializer::from_slice(&scanned.skeleton);
    match de.deserialize_map(PlayVisitor { each: &mut owned }) {
        Ok(()) => Ok(()),
        Err(e) if e.to_string().starts_with(STOPPED) => Ok(()),
        Err(e) => Err(strip_at(&e)),
    }
}

struct PlayVisitor<'a> {
    each: &'a mut dyn FnMut(RecEvent) -> bool,
}

impl<'de> Visitor<'de> for PlayVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a cassette line")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "response" {
                map.next_value_seed(PlayResponse {
                    each: &mut *self.each,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct PlayResponse<'a> {
    each: &'a mut dyn FnMut(RecEvent) -> bool,
}

impl<'de> DeserializeSeed<'de> for PlayResponse<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for PlayResponse<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a response object")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "events" {
                map.next_value_seed(EventsSeed {
                    each: Some(&mut *self.each),
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// A line-numbered message naming the cassette (`name`: as the user gave
/// it, "stdin" for `-`).
pub fn bad_line_failure(name: &str, bad: &BadLine) -> Failure {
    Failure::new(Kind::Usage, format!("{name}: {bad}; nothing was sent"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Vec<Result<Entry, BadLine>> {
        let mut r = Reader::new(text.as_bytes());
        let mut out = Vec::new();
        while let Some(e) = r.next_entry().unwrap() {
            out.push(e);
        }
        out
    }

    #[test]
    fn lines_are_numbered_and_offsets_kept() {
        let line = r#"{"yap_cassette":1,"mode":"raw","request":{"method":"POST","url":"http://h/v1/chat/completions","headers":[],"body":{"a":1}},"error":null,"exit_code":0,"response":{"status":200,"headers":[["content-type","text/event-stream"]],"done":true,"events":[{"ms":1,"data":"x"},{"ms":2,"data":"y"}]}}"#;
        let text = format!("\n{line}\n  \n{{\"messages\":[]}}\nnot json\n{{\"yap_cassette\":9}}\n");
        let got = entries(&text);
        assert_eq!(got.len(), 4);
        let first = got[0].as_ref().unwrap();
        assert_eq!((first.line, first.offset), (2, 1));
        let Record::Exchange(s) = &first.record else {
            panic!()
        };
        assert_eq!(s.response.as_ref().unwrap().events, 2);
        assert_eq!(s.mode, Mode::Raw);
        assert!(matches!(got[1].as_ref().unwrap().record, Record::Body(_)));
        assert_eq!(got[2].as_ref().unwrap_err().line, 5);
        assert!(matches!(got[3].as_ref().unwrap().record, Record::Newer(_)));
    }

    /// A cassette line of yap's shape with these events' data.
    fn line_of(datas: &[String]) -> String {
        let events: Vec<String> = datas
            .iter()
            .enumerate()
            .map(|(i, d)| {
                format!(
                    r#"{{"ms":{i},"data":{}}}"#,
                    serde_json::to_string(d).unwrap()
                )
            })
            .collect();
        format!(
            r#"{{"yap_cassette":1,"mode":"text","request":{{"method":"POST","url":"http://h/v1/chat/completions","headers":[],"body":{{"messages":[{{"ms":1}},{{"ms":2}}]}}}},"error":null,"exit_code":0,"response":{{"status":200,"headers":[],"done":true,"events":[{}]}}}}"#,
            events.join(",")
        )
    }

    /// Every entry, and where the reader stopped, as text.
    fn read_through<R: Skip>(mut r: Reader<R>) -> String {
        let mut out = String::new();
        while let Some(e) = r.next_entry().unwrap() {
            out.push_str(&format!("{e:?}\n"));
        }
        out + &format!("line {} offset {}", r.line, r.offset)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Checking the second half on another thread reads every file as
        /// one reader alone does: the same entries, counts and bad lines,
        /// whatever is broken where.
        #[test]
        fn a_file_checked_in_two_halves_reads_as_one(
            lines in proptest::collection::vec(
                proptest::collection::vec("[a-z\"\\\\\n{},:]{0,40}", 0..60), 1..4),
            cuts in proptest::collection::vec((0.0f64..1.0, proptest::sample::select(
                vec![b'"', b'\\', b'\n', b' ', b']', b'x', b'{', 0xff, b'1'])), 0..3),
        ) {
            let mut text = lines.iter().map(|d| line_of(d)).collect::<Vec<_>>().join("\n").into_bytes();
            text.push(b'\n');
            for (at, byte) in cuts {
                let i = ((text.len() - 1) as f64 * at) as usize;
                text[i] = byte;
            }
            let path = std::env::temp_dir().join(format!(
                "yap-ahead-{}-{:?}.jsonl",
                std::process::id(),
                std::thread::current().id()
            ));
            std::fs::write(&path, &text).unwrap();
            let alone = read_through(Reader::new(&text[..]));
            let split = read_through(Reader::open_split(&path, 0).unwrap());
            std::fs::remove_file(&path).unwrap();
            proptest::prop_assert_eq!(split, alone);
        }
    }

    #[test]
    fn the_second_half_is_checked_ahead_and_jumped() {
        let datas: Vec<String> = (0..2000)
            .map(|i| format!(r#"{{"n":{i},"s":"a\"b"}}"#))
            .collect();
        let text = line_of(&datas) + "\n";
        let path =
            std::env::temp_dir().join(format!("yap-ahead-jump-{}.jsonl", std::process::id()));
        std::fs::write(&path, &text).unwrap();
        let mut r = Reader::open_split(&path, 0).unwrap();
        let at = r.ahead.as_ref().map(|a| a.at).unwrap();
        assert!(at > text.len() as u64 / 2 && text[at as usize..].starts_with(r#"{"ms":"#));
        let Record::Exchange(s) = r.next_entry().unwrap().unwrap().unwrap().record else {
            panic!()
        };
        // Used: the thread's handle was taken at the boundary.
        assert!(r.ahead.is_none());
        assert_eq!(s.response.unwrap().events, 2000);
        assert!(r.next_entry().unwrap().is_none());
        std::fs::remove_file(&path).unwrap();
    }

    proptest::proptest! {
        /// The fast path reads any event as serde and the general way do.
        #[test]
        fn the_fast_path_plays_as_the_general_way(
            ms in 0u64..u64::MAX,
            event in proptest::option::of(".{0,12}"),
            data in "(.|\n|\r|\\\\|\"){0,80}",
        ) {
            // As the writer orders the members.
            let lit = |s: &str| serde_json::to_string(s).unwrap();
            let raw = match &event {
                Some(e) => format!(r#"{{"ms":{ms},"event":{},"data":{}}}"#, lit(e), lit(&data)),
                None => format!(r#"{{"ms":{ms},"data":{}}}"#, lit(&data)),
            };
            let fast_input = format!("{raw},");
            let n = fast::check(fast_input.as_bytes());
            proptest::prop_assert_eq!(n, Some(fast_input.len()));
            let mut fast_out = Vec::new();
            let got = fast::play(fast_input.as_bytes(), &mut fast_out);
            proptest::prop_assert_eq!(got, Some((ms, fast_input.len())));
            let parsed = RawEvent::parse(raw.as_bytes()).unwrap();
            let mut slow_out = Vec::new();
            write_sse(&mut slow_out, parsed.event.map(RawValue::get), parsed.data.get());
            proptest::prop_assert_eq!(fast_out, slow_out);
        }
    }

    #[test]
    fn bad_shapes_are_bad_lines_not_panics() {
        for text in [
            "[1]",
            "3",
            r#"{"yap_cassette":1}"#,
            r#"{"yap_cassette":0,"request":{"url":"u"}}"#,
            r#"{"yap_cassette":1,"request":{"url":"u"},"response":{"status":200,"events":[{"ms":-1,"data":"x"}]}}"#,
            r#"{"yap_cassette":1,"request":{"url":"u"},"error":{"kind":"nope","message":"m"}}"#,
            "{\"a\":",
            r#"{"yap_cassette":1,"request":{"url":"u"},"response":null,"response":{"status":200}}"#,
            r#"{"yap_cassette":1,"request":{"url":"u"},"response":{"status":200,"events":[],"body":"x"}}"#,
        ] {
            let got = entries(text);
            assert!(got[0].is_err(), "{text}");
        }
    }
}
