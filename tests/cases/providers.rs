//! Streams, errors and answers as other servers send them (issue 13): empty
//! events, error chunks, multi-line payloads, unknown fields kept by
//! `--json`, documents after failures, quota 429s, odd finish reasons, the
//! request flags OpenAI's schema limits, and the server's control
//! characters on a terminal.

use serde_json::{Value, json};

use crate::support::*;

fn sse_chunk(v: Value) -> String {
    format!("data: {v}\n\n")
}

#[test]
fn an_event_with_empty_data_is_no_event() {
    let body = format!(
        "{}data\n\ndata:\n\ndata: \n\n{}data: [DONE]\n\n",
        sse_chunk(json!({"choices":[{"index":0,"delta":{"content":"a"}}]})),
        sse_chunk(json!({"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]})),
    );
    for (mode, want) in [
        ("text", "ab\n".to_string()),
        (
            "--raw",
            format!(
                "{}\n{}\n",
                json!({"choices":[{"index":0,"delta":{"content":"a"}}]}),
                json!({"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]})
            ),
        ),
    ] {
        let dir = Scratch::new();
        let server = Server::one(Reply::sse(body.clone()));
        let mut cmd = chat(&dir, &server);
        if mode != "text" {
            cmd.arg(mode);
        }
        let out = cmd.arg("hi").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{mode}: {}", stderr(&out));
        assert_eq!(stdout(&out), want, "{mode}");
    }
}

#[test]
fn a_payload_on_several_data_lines_is_one_raw_line() {
    let body = "data: {\"choices\":\ndata: [{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(body));
    let out = chat(&dir, &server).args(["--raw", "hi"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "{\"choices\": [{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n"
    );
    // And text mode reads the joined payload as the JSON it is.
    let server = Server::one(Reply::sse(body));
    chat(&dir, &server)
        .arg("hi")
        .assert()
        .success()
        .stdout("x\n");
}

#[test]
fn an_error_chunk_is_shown_with_its_own_message() {
    for (body, says) in [
        (
            "data: {\"error\":{\"message\":\"model crashed\",\"code\":500}}\n\n".to_string(),
            "the server reported an error mid-stream: model crashed",
        ),
        (
            format!(
                "{}data: {{\"error\":\"slot unavailable\"}}\n\n",
                sse_chunk(json!({"choices":[{"index":0,"delta":{"content":"so far"}}]}))
            ),
            "the server reported an error mid-stream: slot unavailable",
        ),
        (
            "data: {\"object\":\"error\",\"message\":\"context too long\",\"type\":\"BadRequestError\",\"code\":400}\n\n".to_string(),
            "the server reported an error mid-stream: context too long",
        ),
    ] {
        let dir = Scratch::new();
        let server = Server::one(Reply::sse(body.clone()));
        let out = chat(&dir, &server).arg("hi").output().unwrap();
        assert_eq!(out.status.code(), Some(8), "{body}");
        assert!(stderr(&out).contains(says), "{body}: {}", stderr(&out));
        assert!(!stderr(&out).contains("no answer"), "{}", stderr(&out));
    }
    // A whole (non-streamed) answer that is an error is not "mid-stream".
    for body in [
        r#"{"error":{"message":"quota gone","type":"billing"}}"#,
        r#"{"object":"error","message":"quota gone","code":400}"#,
    ] {
        let dir = Scratch::new();
        let server = Server::one(Reply::json(200, body));
        let out = chat(&dir, &server)
            .args(["--no-stream", "hi"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(8));
        let err = stderr(&out);
        assert!(
            err.contains("yap: error: the server reported an error: quota gone"),
            "{err}"
        );
    }
}

#[test]
fn json_keeps_the_fields_yap_does_not_know() {
    let chunks = [
        json!({"id":"c","session_id":"s-1","object":"chat.completion.chunk","created":1,"model":"m",
               "choices":[{"index":0,"completion_id":"k-1","delta":{"role":"assistant","content":"Hel","id":"msg-1"}}]}),
        json!({"id":"c","session_id":"s-2","object":"chat.completion.chunk","created":1,"model":"m",
               "choices":[{"index":0,"completion_id":"k-2","delta":{"content":"lo","reasoning":"think"},"finish_reason":"stop"}]}),
    ];
    let body: String = chunks
        .iter()
        .map(|c| sse_chunk(c.clone()))
        .collect::<String>()
        + "data: [DONE]\n\n";
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(body));
    let out = chat(&dir, &server).args(["--json", "hi"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["session_id"], json!("s-2"));
    assert_eq!(doc["object"], json!("chat.completion"));
    assert_eq!(doc["choices"][0]["completion_id"], json!("k-2"));
    assert_eq!(doc["choices"][0]["message"]["id"], json!("msg-1"));
    assert_eq!(doc["choices"][0]["message"]["content"], json!("Hello"));
    // Reasoning under the name the server used.
    assert_eq!(doc["choices"][0]["message"]["reasoning"], json!("think"));
    assert!(
        doc["choices"][0]["message"]
            .get("reasoning_content")
            .is_none()
    );
}

#[test]
fn json_after_a_failure_prints_what_arrived_or_nothing() {
    // Something arrived: the partial document, exit 8.
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(cut_stream(&["partial"])));
    let out = chat(&dir, &server).args(["--json", "hi"]).output().unwrap();
    assert_eq!(out.status.code(), Some(8));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["choices"][0]["message"]["content"], json!("partial"));
    // Nothing with a choice arrived: nothing on stdout, the error object on stderr.
    for body in [
        b"".to_vec(),
        b"data: {\"id\":\"c\",\"choices\":[]}\n\n".to_vec(),
        b"event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n".to_vec(),
    ] {
        let server = Server::one(Reply::sse(body.clone()));
        let out = chat(&dir, &server).args(["--json", "hi"]).output().unwrap();
        assert_eq!(out.status.code(), Some(8));
        assert_eq!(stdout(&out), "", "{}", String::from_utf8_lossy(&body));
        assert!(stderr(&out).contains("{\"error\":{"), "{}", stderr(&out));
    }
}

#[test]
fn a_quota_429_is_not_retried() {
    let dir = Scratch::new();
    let quota = Reply::raw(
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: 95\r\n\r\n{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"code\":null}}",
    );
    let server = Server::start(vec![quota, Reply::sse(stream_of(&["late"]))]);
    let out = chat(&dir, &server)
        .args(["--retries", "2", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("exceeded your current quota"));
    assert!(!stderr(&out).contains("retrying"), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_finish_reason_outside_openais_set_passes_through() {
    let body = format!(
        "{}data: [DONE]\n\n",
        sse_chunk(json!({"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"eos"}]}))
    );
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(body.clone()));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "ok\n");
    assert_eq!(stderr(&out), "");
    let server = Server::one(Reply::sse(body));
    let out = chat(&dir, &server).args(["--json", "hi"]).output().unwrap();
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["choices"][0]["finish_reason"], json!("eos"));
}

#[test]
fn fractional_logit_bias_and_many_stops_are_sent_as_given() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let mut cmd = chat(&dir, &server);
    cmd.args(["--logit-bias", "50256=-2.5", "--logit-bias", "42=10"]);
    for s in ["a", "b", "c", "d", "e"] {
        cmd.args(["--stop", s]);
    }
    cmd.arg("hi").assert().success();
    let body = server.only_request().json();
    assert_eq!(body["logit_bias"], json!({"50256": -2.5, "42": 10}));
    assert_eq!(body["stop"], json!(["a", "b", "c", "d", "e"]));
}

#[test]
fn control_characters_reach_a_pipe_byte_for_byte() {
    let dir = Scratch::new();
    let text = "clip\u{1b}]52;c;aGk=\u{7}board\u{9b}x";
    let server = Server::one(Reply::sse(stream_of(&[text])));
    chat(&dir, &server)
        .arg("hi")
        .assert()
        .success()
        .stdout(format!("{text}\n"));
}

#[test]
fn control_characters_are_shown_not_obeyed_on_a_terminal() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["clip\u{1b}]52;c;aGk=\u{7}board", " line\r\n"])),
        Reply::json(400, r#"{"error":{"message":"bad \u001b[2J screen"}}"#),
    ]);
    let yap_bin = assert_cmd::cargo::cargo_bin("yap");
    let run = |extra: &str| {
        let command = format!(
            "{} chat -q --color never --base-url {} -m m --retries 0 hi {extra}",
            yap_bin.display(),
            server.base()
        );
        std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("OPENAI_API_KEY", KEY)
            .env("TERM", "xterm")
            .current_dir(dir.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = run("");
    let screen = stdout(&out);
    assert!(
        screen.contains("clip^[]52;c;aGk=^Gboard line"),
        "{screen:?}"
    );
    assert!(!screen.contains('\u{1b}'), "{screen:?}");
    let out = run("again");
    let screen = stdout(&out);
    assert!(screen.contains("bad ^[[2J screen"), "{screen:?}");
}

#[test]
fn a_404_from_models_does_not_mention_a_model() {
    let dir = Scratch::new();
    let server = Server::one(Reply::json(404, r#"{"error":{"message":"Not Found"}}"#));
    let out = yap(&dir)
        .args(["models", "--base-url", &server.base(), "--retries", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(err.contains("GET "), "{err}");
    assert!(err.contains("check --base-url)"), "{err}");
    assert!(!err.contains("the model"), "{err}");
}

#[test]
fn verbose_redacts_headers_named_like_secrets() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let out = chat(&dir, &server)
        .args([
            "-v",
            "-H",
            "X-Api-Token: tok-123456789",
            "-H",
            "X-Team: infra",
            "hi",
        ])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("> X-Api-Token: [redacted]"), "{err}");
    assert!(err.contains("> X-Team: infra"), "{err}");
    assert!(!err.contains("tok-123456789"), "{err}");
    // Sent as given all the same.
    assert_eq!(
        server.only_request().header("x-api-token"),
        Some("tok-123456789")
    );
}
