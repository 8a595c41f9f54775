//! HTTP errors as providers send them: the message shown, the exit code,
//! what is retried; network failures.

use serde_json::Value;

use crate::support::*;

fn limited(ms: u32) -> Reply {
    let body = "{\"error\":{\"message\":\"slow down now\"}}";
    Reply::raw(format!(
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after-ms: {ms}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    ))
}

fn manifest_errors() -> Vec<Value> {
    let m: Value = serde_json::from_slice(&fixture("manifest.json")).unwrap();
    m["fixtures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "error")
        .cloned()
        .collect()
}

#[test]
fn every_error_fixture_gives_its_message_and_exit_code() {
    let mut n = 0;
    for entry in manifest_errors() {
        let file = entry["file"].as_str().unwrap();
        let expected = &entry["expected"];
        let dir = Scratch::new();
        let server = Server::one(Reply::raw(fixture(file)));
        let out = chat(&dir, &server).arg("hi").output().unwrap();
        let err = stderr(&out);
        assert_eq!(
            out.status.code(),
            Some(expected["exit_code"].as_i64().unwrap() as i32),
            "{file}: {err}"
        );
        assert_eq!(stdout(&out), "", "{file}");
        let status = expected["status"].as_u64().unwrap();
        let message = expected["message"].as_str().unwrap();
        let first_line = err.lines().next().unwrap_or_default();
        assert!(
            first_line.starts_with(&format!("yap: error: {status}")),
            "{file}: {err}"
        );
        let folded: String = message.split_whitespace().collect::<Vec<_>>().join(" ");
        let shown: String = folded.chars().take(120).collect();
        assert!(
            first_line.contains(&shown),
            "{file}: want {shown:?} in {first_line:?}"
        );
        assert_eq!(err.lines().count(), 1, "{file}: {err}");
        // --retries 0: exactly one request.
        assert_eq!(server.requests().len(), 1, "{file}");
        n += 1;
    }
    assert_eq!(n, 34);
}

#[test]
fn retryable_errors_are_retried_then_succeed() {
    // retry-after-ms 10 keeps the test fast; the 429 honours it.
    let broken =
        "HTTP/1.1 503 Service Unavailable\r\nretry-after: 0\r\ncontent-length: 4\r\n\r\nbusy";
    let dir = Scratch::new();
    let server = Server::start(vec![
        limited(10),
        Reply::raw(broken),
        Reply::sse(stream_of(&["finally"])),
    ]);
    let out = chat(&dir, &server)
        .args(["--retries", "2", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "finally\n");
    assert_eq!(server.requests().len(), 3);
    assert!(stderr(&out).contains("retrying"), "{}", stderr(&out));
}

#[test]
fn retries_run_out_with_the_last_status_code() {
    let dir = Scratch::new();
    let server = Server::one(limited(5));
    let out = chat(&dir, &server)
        .args(["--retries", "2", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(server.requests().len(), 3);
    assert!(
        stderr(&out).contains("yap: error: 429 Too Many Requests: slow down now"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_long_retry_after_is_not_slept() {
    let dir = Scratch::new();
    let server = Server::one(Reply::raw(
        "HTTP/1.1 429 Too Many Requests\r\nretry-after: 86400\r\ncontent-length: 5\r\n\r\nquota",
    ));
    let started = std::time::Instant::now();
    let out = chat(&dir, &server)
        .args(["--retries", "3", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(server.requests().len(), 1);
    assert!(
        stderr(&out).contains("asks to wait 86400 s"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn no_retry_once_output_was_written() {
    let cut_body = cut_stream(&["half"]);
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(cut_body),
        Reply::sse(stream_of(&["second try"])),
    ]);
    let out = chat(&dir, &server)
        .args(["--retries", "3", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    assert_eq!(stdout(&out), "half\n");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn client_errors_are_not_retried() {
    let dir = Scratch::new();
    let server = Server::one(Reply::raw(fixture("errors/400-openai-context-length.http")));
    chat(&dir, &server)
        .args(["--retries", "3", "hi"])
        .assert()
        .code(4);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn connection_refused_is_exit_7_after_retries() {
    let port = CLOSED_PORT;
    let dir = Scratch::new();
    let out = yap(&dir)
        .args([
            "chat",
            "--base-url",
            &format!("http://127.0.0.1:{port}/v1"),
            "-m",
            "m",
            "--retries",
            "1",
            "hi",
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let err = stderr(&out);
    assert!(err.contains("cannot connect to http://127.0.0.1"), "{err}");
    assert!(err.contains("retrying"), "{err}");
}

#[test]
fn dns_failure_is_exit_7_without_retry() {
    let dir = Scratch::new();
    let out = yap(&dir)
        .args([
            "chat",
            "--base-url",
            "http://no-such-host.invalid/v1",
            "-m",
            "m",
            "--retries",
            "3",
            "hi",
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert!(!stderr(&out).contains("retrying"), "{}", stderr(&out));
}

#[test]
fn json_mode_adds_the_error_object() {
    let dir = Scratch::new();
    let server = Server::one(Reply::raw(fixture("errors/400-openai-context-length.http")));
    let out = chat(&dir, &server).args(["--json", "hi"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("yap: error: 400"));
    let obj: Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(obj["error"]["kind"], "rejected");
    assert_eq!(obj["error"]["status"], 400);
    assert_eq!(obj["error"]["code"], "context_length_exceeded");
    assert!(
        obj["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Input too long")
    );
}

#[test]
fn raw_mode_error_object_for_a_cut_stream_has_null_status() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(
        b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n".to_vec(),
    ));
    let out = chat(&dir, &server).args(["--raw", "hi"]).output().unwrap();
    assert_eq!(out.status.code(), Some(8));
    let last = stderr(&out).lines().last().unwrap().to_string();
    let obj: Value = serde_json::from_str(&last).unwrap();
    assert_eq!(obj["error"]["kind"], "incomplete");
    assert_eq!(obj["error"]["status"], Value::Null);
}

#[test]
fn not_found_names_the_url() {
    let dir = Scratch::new();
    let server = Server::one(Reply::raw(fixture("errors/404-fastapi-not-found.http")));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains(&format!("{}/chat/completions", server.base())),
        "{}",
        stderr(&out)
    );
}
