//! The seam under every exchange: an exchange driven from bytes in memory
//! prints what the live one prints, and the exchange value holds the whole
//! exchange however it ended, its exit code derived from it.

use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};
use yap::config::{Env, Settings};
use yap::error::Kind;
use yap::exchange::{self, Cancel, Exchange};
use yap::output::Sink;
use yap::output::json::JsonSink;
use yap::output::raw::RawSink;
use yap::output::term::Diag;
use yap::output::text::TextSink;
use yap::request::Prepared;
use yap::source::live::Live;
use yap::source::memory::Memory;
use yap::source::{Body, Failed, Head, Opened, Silent, Source};
use yap::stream::assemble::Shape;

use crate::support::*;

const MODES: [&str; 3] = ["text", "--json", "--raw"];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn prepared(base: &str) -> Prepared {
    let conn = yap::cli::ConnArgs {
        base_url: Some(base.to_string()),
        ..Default::default()
    };
    let env = Env::from_pairs([("HOME", "/nonexistent-home")]);
    let settings = Settings::resolve(&conn, Some("m"), &env).unwrap();
    Prepared::post(
        &settings,
        "chat/completions",
        json!({"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": true}),
    )
}

/// Run one exchange in-process and return (stdout bytes, the exchange).
fn run_in_process<S: Source>(
    source: &S,
    mode: &str,
    opts: &exchange::Options,
    cancel: &Cancel,
) -> (Vec<u8>, Exchange) {
    let mut out = Vec::new();
    let ex = {
        let mut sink: Box<dyn Sink + '_> = match mode {
            "--json" => Box::new(JsonSink::new(&mut out)),
            "--raw" => Box::new(RawSink::new(&mut out)),
            _ => Box::new(TextSink::new(&mut out, Diag::default(), false)),
        };
        runtime()
            .block_on(exchange::run(
                source,
                prepared("http://127.0.0.1:9/v1"),
                opts,
                sink.as_mut(),
                &Silent,
                cancel,
            ))
            .unwrap()
    };
    (out, ex)
}

fn options(mode: &str) -> exchange::Options {
    let mut opts = exchange::Options::new(Shape::Chat, 64 << 20, None);
    opts.keep_all = mode == "--json";
    opts
}

#[test]
fn a_memory_source_prints_what_the_live_one_prints() {
    let manifest: Value = serde_json::from_slice(&fixture("manifest.json")).unwrap();
    let mut checked = 0;
    for entry in manifest["fixtures"].as_array().unwrap() {
        if entry["kind"] != "stream" {
            continue;
        }
        let file = entry["file"].as_str().unwrap();
        let body = fixture(file);
        let content_type = entry["headers"]["content-type"]
            .as_str()
            .unwrap_or("text/event-stream");
        for mode in MODES {
            let dir = Scratch::new();
            let server = Server::one(Reply::sse(body.clone()));
            let mut cmd = chat(&dir, &server);
            if mode != "text" {
                cmd.arg(mode);
            }
            let live = cmd.arg("hi").output().unwrap();
            let memory = Memory::cut(content_type, &body, 7);
            let (stdout_bytes, ex) = run_in_process(&memory, mode, &options(mode), &Cancel::new());
            assert_eq!(
                String::from_utf8_lossy(&stdout_bytes),
                stdout(&live),
                "{file} {mode}"
            );
            assert_eq!(
                live.status.code(),
                Some(i32::from(ex.exit_code())),
                "{file} {mode}: {}",
                stderr(&live)
            );
            checked += 1;
        }
    }
    assert!(checked >= 80, "only {checked} runs");
}

fn exit_of(content_type: &str, body: &[u8]) -> (u8, Exchange) {
    let (_, ex) = run_in_process(
        &Memory::cut(content_type, body, 5),
        "text",
        &options("text"),
        &Cancel::new(),
    );
    (ex.exit_code(), ex)
}

#[test]
fn the_exit_code_derives_from_the_exchange_value() {
    // Answered.
    let (code, ex) = exit_of("text/event-stream", &stream_of(&["ok"]));
    assert_eq!(code, 0);
    assert!(ex.failure.is_none() && ex.head.as_ref().unwrap().status == 200);
    assert_eq!(ex.request.body.as_ref().unwrap()["model"], json!("m"));
    // Cut before the finish: incomplete.
    assert_eq!(exit_of("text/event-stream", &cut_stream(&["par"])).0, 8);
    // An error event mid-stream, an error member, invalid JSON: incomplete.
    assert_eq!(
        exit_of(
            "text/event-stream",
            b"event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n"
        )
        .0,
        8
    );
    assert_eq!(exit_of("text/event-stream", b"data: {not json}\n\n").0, 8);
    // A content filter.
    let filtered = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"content_filter\"}]}\n\ndata: [DONE]\n\n";
    assert_eq!(exit_of("text/event-stream", filtered).0, 9);
    // A non-streamed answer, and one that is not JSON.
    assert_eq!(exit_of("application/json", completion("x").as_bytes()).0, 0);
    assert_eq!(exit_of("application/json", b"<html>").0, 8);

    // Failures before a body: each kind keeps its code, and the head and
    // body of an HTTP error stay in the value.
    for (kind, status, code) in [
        (Kind::Auth, Some(401), 3),
        (Kind::Rejected, Some(400), 4),
        (Kind::RateLimited, Some(429), 5),
        (Kind::Server, Some(503), 6),
        (Kind::Network, None, 7),
        (Kind::ContentFilter, Some(400), 9),
    ] {
        let mut failure = yap::error::Failure::new(kind, "no");
        failure.status = status;
        let failed = Failed {
            head: status.map(|s| Head {
                status: s,
                headers: vec![("content-type".into(), "application/json".into())],
            }),
            body: status.map(|_| b"{\"error\":{\"message\":\"no\"}}".to_vec()),
            failure,
        };
        let (out, ex) = run_in_process(
            &Memory::failing(failed),
            "text",
            &options("text"),
            &Cancel::new(),
        );
        assert!(out.is_empty());
        assert_eq!(ex.exit_code(), code, "{kind:?}");
        assert_eq!(ex.head.as_ref().map(|h| h.status), status);
        assert_eq!(ex.error_body.is_some(), status.is_some());
    }

    // A server that never answers, or answers a head and then nothing:
    // the cancel token gives 130, the deadline 7, each with no answer.
    for head_first in [false, true] {
        let hang = Hang { head_first };
        let cancel = Cancel::new();
        cancel.cancel();
        let (_, ex) = run_in_process(&hang, "text", &options("text"), &cancel);
        assert_eq!(ex.exit_code(), 130, "{:?}", ex.failure);
        let mut opts = options("text");
        opts.timeout = Some(Duration::from_millis(50));
        opts.deadline = Some(std::time::Instant::now() + Duration::from_millis(50));
        let (_, ex) = run_in_process(&hang, "text", &opts, &Cancel::new());
        assert_eq!(ex.exit_code(), 7, "{:?}", ex.failure);
        assert_eq!(ex.head.is_some(), head_first);
        assert!(ex.failure.unwrap().message.contains("--timeout"));
    }
}

/// A source whose server never sends a (whole) response.
struct Hang {
    head_first: bool,
}

struct HangBody;

impl Body for HangBody {
    async fn next(&mut self) -> Result<Option<Bytes>, yap::error::Failure> {
        std::future::pending().await
    }
}

impl Source for Hang {
    type Body = HangBody;

    async fn open(
        &self,
        _req: &Prepared,
        _deadline: Option<std::time::Instant>,
        _activity: &dyn yap::source::Activity,
    ) -> Result<Opened<HangBody>, Failed> {
        if !self.head_first {
            std::future::pending::<()>().await;
        }
        Ok(Opened {
            head: Head {
                status: 200,
                headers: vec![("content-type".into(), "text/event-stream".into())],
            },
            body: HangBody,
            started: std::time::Instant::now(),
        })
    }
}

#[test]
fn a_recording_keeps_each_payload_with_its_time_only_when_asked() {
    let body = stream_of(&["a", "b"]);
    let memory = Memory::new(
        "text/event-stream",
        body.chunks(40).map(Bytes::copy_from_slice).collect(),
    );
    let (_, plain) = run_in_process(&memory, "text", &options("text"), &Cancel::new());
    assert!(plain.recording.is_none());
    let mut opts = options("text");
    opts.record = true;
    let (out, ex) = run_in_process(&memory, "text", &opts, &Cancel::new());
    assert_eq!(out, b"ab\n");
    let events = ex.recording.unwrap().events;
    // Every payload but [DONE], in order.
    assert_eq!(events.len(), 5);
    assert!(events[1].data.contains("\"a\""));
    assert!(events.windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn an_http_error_from_the_live_source_is_part_of_the_value() {
    let server = Server::one(Reply::json(
        400,
        r#"{"error":{"message":"bad model","type":"invalid_request_error"}}"#,
    ));
    let conn = yap::cli::ConnArgs {
        base_url: Some(server.base()),
        retries: Some(0),
        ..Default::default()
    };
    let env = Env::from_pairs([("HOME", "/nonexistent-home")]);
    let settings = Settings::resolve(&conn, Some("m"), &env).unwrap();
    let live = Live::new(&settings, None).unwrap();
    let req = Prepared::post(&settings, "chat/completions", json!({"model": "m"}));
    let mut out = Vec::new();
    let ex = runtime()
        .block_on(exchange::run(
            &live,
            req,
            &options("text"),
            &mut TextSink::new(&mut out, Diag::default(), false),
            &Silent,
            &Cancel::new(),
        ))
        .unwrap();
    assert_eq!(ex.exit_code(), 4);
    assert_eq!(ex.head.as_ref().unwrap().status, 400);
    assert!(
        String::from_utf8_lossy(ex.error_body.as_ref().unwrap()).contains("bad model"),
        "{:?}",
        ex.error_body
    );
    assert!(ex.failure.unwrap().message.contains("bad model"));
    assert!(out.is_empty());
}

/// A keep-alive HTTP/1.1 server that answers every request on a
/// connection with `body` (JSON) and counts the connections it accepted.
fn keep_alive_server(body: String) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufReader, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(stream) = stream else { return };
            count.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                while read_request(&mut reader).is_some() {
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if writer.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (format!("http://127.0.0.1:{port}/v1"), accepted)
}

#[test]
fn independent_requests_of_one_process_share_a_connection() {
    let (base, accepted) = keep_alive_server(completion("pooled"));
    let conn = yap::cli::ConnArgs {
        base_url: Some(base),
        retries: Some(0),
        ..Default::default()
    };
    let env = Env::from_pairs([("HOME", "/nonexistent-home")]);
    let settings = Settings::resolve(&conn, Some("m"), &env).unwrap();
    let live = Live::new(&settings, None).unwrap();
    let rt = runtime();
    for _ in 0..3 {
        let req = Prepared::post(&settings, "chat/completions", json!({"model": "m"}));
        let mut out = Vec::new();
        let ex = rt
            .block_on(exchange::run(
                &live,
                req,
                &options("text"),
                &mut TextSink::new(&mut out, Diag::default(), false),
                &Silent,
                &Cancel::new(),
            ))
            .unwrap();
        assert_eq!(ex.exit_code(), 0, "{:?}", ex.failure);
        assert_eq!(out, b"pooled\n");
    }
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
}
