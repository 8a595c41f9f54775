//! Cassettes: one JSONL line per request yap made, written from the finished
//! [`Exchange`] and read back by a recorded source (`source::recorded`).
//! `docs/cassette.md` is the format; [`VERSION`] its number.
//!
//! The writer is a consumer of the exchange value: the command runs the
//! exchange with `Options::record` and hands the value here. Secrets never
//! reach the file: headers named like a secret are dropped, so is any header
//! whose value holds the key, and the key is replaced wherever else it
//! appears. Lines are appended with one `write` on an `O_APPEND` file under
//! an advisory lock, so concurrent processes never interleave or tear them.

mod ahead;
mod block;
mod fast;
pub mod read;
pub mod request;
pub mod scan;

use std::borrow::Cow;
use std::fs::OpenOptions;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;

use crate::config::ApiKey;
use crate::error::{Failure, Kind};
use crate::exchange::Exchange;
use crate::output::Mode;
use crate::request::is_secret_header;

/// The format version this yap writes and reads (`yap_cassette`).
pub const VERSION: u64 = 1;

/// The word a mode is recorded as.
pub fn mode_word(mode: Mode) -> &'static str {
    match mode {
        Mode::Text => "text",
        Mode::Json => "json",
        Mode::Raw => "raw",
    }
}

pub fn mode_of_word(word: &str) -> Option<Mode> {
    match word {
        "text" => Some(Mode::Text),
        "json" => Some(Mode::Json),
        "raw" => Some(Mode::Raw),
        _ => None,
    }
}

/// The endpoint a URL names: `chat/completions` or `completions` (whatever
/// the base URL or host), else `None`.
pub fn endpoint_of(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_end_matches('/');
    if path.ends_with("/chat/completions") {
        Some("chat/completions")
    } else if path.ends_with("/completions") {
        Some("completions")
    } else {
        None
    }
}

#[derive(Serialize)]
struct LineOut<'a> {
    yap_cassette: u64,
    time: String,
    mode: &'static str,
    request: RequestOut<'a>,
    error: Option<Value>,
    exit_code: u8,
    timings: TimingsOut,
    /// A tool-loop step whose calls yap ran: their lines were not printed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    tool_calls_run: bool,
    /// Last, so that a reader meets every small field before the events.
    response: Option<ResponseOut<'a>>,
}

#[derive(Serialize)]
struct RequestOut<'a> {
    method: &'a str,
    url: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: Option<&'a Value>,
}

#[derive(Serialize)]
struct TimingsOut {
    head_ms: Option<u64>,
    first_byte_ms: Option<u64>,
    total_ms: u64,
}

#[derive(Serialize)]
struct ResponseOut<'a> {
    status: u16,
    headers: Vec<(&'a str, &'a str)>,
    done: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<Vec<EventOut<'a>>>,
}

#[derive(Serialize)]
struct EventOut<'a> {
    ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<&'a str>,
    data: &'a str,
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The error object of a failure (`kind`, `status`, `message`, and the
/// provider's machine fields), as the JSON error object on stderr has it.
pub fn error_value(failure: &Failure) -> Value {
    failure
        .to_json()
        .get("error")
        .cloned()
        .unwrap_or(Value::Null)
}

/// A failure read back from its error object.
pub fn failure_of_value(value: &Value) -> Option<Failure> {
    let obj = value.as_object()?;
    let kind = kind_of_word(obj.get("kind")?.as_str()?)?;
    let message = obj.get("message")?.as_str()?.to_string();
    let status = obj
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok());
    let extra: serde_json::Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "kind" | "status" | "message"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Some(Failure {
        kind,
        status,
        message,
        extra: (!extra.is_empty()).then_some(Value::Object(extra)),
    })
}

/// The kind of a `kind` word (`invalid_output` is exit 8, like `incomplete`).
pub fn kind_of_word(word: &str) -> Option<Kind> {
    Some(match word {
        "usage" => Kind::Usage,
        "auth" => Kind::Auth,
        "rejected" => Kind::Rejected,
        "rate_limited" => Kind::RateLimited,
        "server" => Kind::Server,
        "network" => Kind::Network,
        "incomplete" | "invalid_output" => Kind::Incomplete,
        "content_filter" => Kind::ContentFilter,
        "interrupted" => Kind::Interrupted,
        "other" => Kind::Other,
        _ => return None,
    })
}

/// The kind an exit code stands for (a line whose `error` is missing).
pub fn kind_of_code(code: u8) -> Kind {
    match code {
        2 => Kind::Usage,
        3 => Kind::Auth,
        4 => Kind::Rejected,
        5 => Kind::RateLimited,
        6 => Kind::Server,
        7 => Kind::Network,
        8 => Kind::Incomplete,
        9 => Kind::ContentFilter,
        130 => Kind::Interrupted,
        _ => Kind::Other,
    }
}

/// The newest exchange of a cassette whose request matches, for `--cassette`.
#[derive(Debug, Default)]
pub struct Lookup {
    pub found: Option<(u64, read::Summary)>,
    /// The newest format version seen among lines newer than this yap's.
    pub newer: Option<u64>,
}

/// Look `body` sent to `endpoint` up in the cassette at `path`: the same
/// endpoint whatever the base URL, the same body compared as JSON; the
/// newest match wins. Lines that are not exchanges never match.
pub fn find(path: &Path, endpoint: Option<&str>, body: Option<&Value>) -> io::Result<Lookup> {
    // A match is read again from its offset, and a miss appended: a pipe
    // (`<(…)`) would wait for a writer that is gone.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (--cassette reads it twice and appends to it;              use a file, or yap replay for a pipe)",
        ));
    }
    let mut reader = read::Reader::open(path)?;
    let mut lookup = Lookup::default();
    while let Some(entry) = reader.next_entry()? {
        let Ok(entry) = entry else { continue };
        match entry.record {
            read::Record::Newer(v) => {
                let v = v.as_u64().unwrap_or(VERSION + 1);
                lookup.newer = Some(lookup.newer.map_or(v, |n| n.max(v)));
            }
            read::Record::Exchange(summary) => {
                let same_endpoint =
                    endpoint.is_some() && endpoint_of(&summary.request.url) == endpoint;
                let same_body = match (&summary.request.body, body) {
                    (Some(a), Some(b)) => json_eq(a, b),
                    (None, None) => true,
                    _ => false,
                };
                if same_endpoint && same_body {
                    lookup.found = Some((entry.offset, *summary));
                }
            }
            read::Record::Body(_) => {}
        }
    }
    Ok(lookup)
}

/// Can the cassette at `path` be appended to? Checked before anything is
/// sent (the file is created when missing).
pub fn check_writable(path: &Path) -> Result<(), Failure> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map(drop)
        .map_err(|e| {
            Failure::usage(format!(
                "cannot open the cassette {} for appending: {e}; check the path and its permissions",
                path.display()
            ))
        })
}

/// One cassette line (no newline) for a finished exchange that yap printed
/// in `mode`. `key`: the key the request was sent with, never written.
pub fn line(ex: &Exchange, mode: Mode, key: Option<&ApiKey>) -> String {
    step_line(ex, mode, key, false)
}

/// [`line`] for a step of a tool loop: `calls_run` when yap ran the step's
/// calls (so that replay leaves their lines out, as the original did).
pub fn step_line(ex: &Exchange, mode: Mode, key: Option<&ApiKey>, calls_run: bool) -> String {
    // A key shorter than 4 characters is no secret worth a corrupted
    // cassette: it is not searched for in the text (the auth header and
    // secret-named headers are still never written), as `ApiKey::scrub`.
    let key = key.map(ApiKey::expose).filter(|k| k.len() >= 4);
    let holds_key = |v: &str| key.is_some_and(|k| v.contains(k));
    let keep = |(n, v): &'_ (String, String)| !is_secret_header(n) && !holds_key(v);
    let request = RequestOut {
        method: ex.request.method,
        url: &ex.request.url,
        headers: ex
            .request
            .headers
            .iter()
            .filter(|h| keep(h))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect(),
        body: ex.request.body.as_ref(),
    };
    let response = ex.head.as_ref().map(|head| {
        let headers = head
            .headers
            .iter()
            .filter(|h| keep(h))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let (body, events) = match (&ex.recording, &ex.error_body) {
            (_, Some(error_body)) => (Some(String::from_utf8_lossy(error_body)), None),
            (Some(rec), None) => match &rec.body {
                Some(body) => (Some(String::from_utf8_lossy(body)), None),
                None => (
                    None,
                    Some(
                        rec.events
                            .iter()
                            .map(|e| EventOut {
                                ms: ms(e.at),
                                event: e.event.as_deref(),
                                data: &e.data,
                            })
                            .collect(),
                    ),
                ),
            },
            (None, None) => (None, Some(Vec::new())),
        };
        ResponseOut {
            status: head.status,
            headers,
            done: ex.assembler.done_seen,
            body,
            events,
        }
    });
    let out = LineOut {
        yap_cassette: VERSION,
        time: rfc3339(ex.timings.began),
        mode: mode_word(mode),
        request,
        error: ex.failure.as_ref().map(error_value),
        exit_code: ex.exit_code(),
        timings: TimingsOut {
            head_ms: ex.timings.head.map(ms),
            first_byte_ms: ex.timings.first_byte.map(ms),
            total_ms: ms(ex.timings.total),
        },
        tool_calls_run: calls_run,
        response,
    };
    // Sized once: a long stream's line is as long as the stream, and each
    // doubling of a growing buffer copied all of it.
    let events: usize = ex.recording.as_ref().map_or(0, |r| {
        r.events.iter().map(|e| e.data.len() * 5 / 4 + 24).sum()
    });
    let mut text = Vec::with_capacity(events + 4096);
    if serde_json::to_writer(&mut text, &out).is_err() {
        text.clear();
    }
    let text = String::from_utf8(text).unwrap_or_default();
    match key {
        Some(k) => scrub(text, k),
        None => text,
    }
}

/// Replace the key wherever it appears, as itself or as JSON escapes it.
/// The text is handed back as it is (no copy) when it holds neither.
fn scrub(text: String, key: &str) -> String {
    let mut out = text;
    // The escaped form first: it may hold the key's tail as itself.
    if let Ok(escaped) = serde_json::to_string(key) {
        let inner = escaped.trim_matches('"');
        if inner != key && !inner.is_empty() && out.contains(inner) {
            out = out.replace(inner, "[redacted]");
        }
    }
    if out.contains(key) {
        out = out.replace(key, "[redacted]");
    }
    out
}

/// Append one line to the cassette at `path` (created when missing): one
/// `write` on an `O_APPEND` file under an exclusive advisory lock. A torn
/// last line left by a killed writer gets its newline first.
pub fn append(path: &Path, line: &str) -> Result<(), Failure> {
    let fail = |e: io::Error| {
        Failure::new(
            Kind::Other,
            format!(
                "cannot append to the cassette {}: {e}; check the path and its permissions",
                path.display()
            ),
        )
    };
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(fail)?;
    lock(&file).map_err(fail)?;
    let len = file.metadata().map_err(fail)?.len();
    let mut torn = false;
    if len > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::Start(len - 1)).map_err(fail)?;
        file.read_exact(&mut last).map_err(fail)?;
        torn = last[0] != b'\n';
    }
    let parts: [&[u8]; 3] = [if torn { b"\n" } else { b"" }, line.as_bytes(), b"\n"];
    // One write (gathered: the line is not copied, and a long stream's line
    // is as long as the stream); a short one (a full disk) is finished
    // under the same lock.
    let slices = parts.map(io::IoSlice::new);
    let mut n = file.write_vectored(&slices).map_err(fail)?;
    for part in parts {
        let skip = n.min(part.len());
        n -= skip;
        file.write_all(&part[skip..]).map_err(fail)?;
    }
    // The lock goes with the file.
    Ok(())
}

#[cfg(unix)]
fn lock(file: &std::fs::File) -> io::Result<()> {
    rustix::fs::flock(file, rustix::fs::FlockOperation::LockExclusive).map_err(io::Error::from)
}

#[cfg(not(unix))]
fn lock(_file: &std::fs::File) -> io::Result<()> {
    Ok(())
}

/// `2026-12-06T11:17:55.123Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Two JSON values equal as SPEC compares request bodies: key order and
/// spacing ignored (they are parsed), numbers by value, `true` is not `1`.
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                x == y
            } else if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
                x == y
            } else {
                x.as_f64() == y.as_f64()
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_compare_as_json() {
        assert!(json_eq(
            &json!({"a": 1, "b": [1.0]}),
            &json!({"b": [1], "a": 1.0})
        ));
        assert!(!json_eq(&json!({"a": true}), &json!({"a": 1})));
        assert!(!json_eq(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    }

    #[test]
    fn endpoints_and_times() {
        assert_eq!(
            endpoint_of("http://h/v1/chat/completions"),
            Some("chat/completions")
        );
        assert_eq!(
            endpoint_of("http://h/api/completions/"),
            Some("completions")
        );
        assert_eq!(endpoint_of("http://h/v1/models"), None);
        let t = UNIX_EPOCH + Duration::from_millis(1_796_555_875_123);
        assert_eq!(rfc3339(t), "2026-12-06T11:17:55.123Z");
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn the_key_is_scrubbed_also_escaped() {
        assert_eq!(scrub("a sk-1 b".into(), "sk-1"), "a [redacted] b");
        assert_eq!(scrub(r#"x\"k"#.into(), "\"k"), "x[redacted]");
        assert_eq!(scrub("no key here".into(), "sk-1"), "no key here");
    }
}
