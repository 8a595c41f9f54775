//! Prompt sources and the plain text path, end to end.

use serde_json::json;

use crate::support::*;

#[test]
fn non_streamed_end_to_end() {
    let dir = Scratch::new();
    let server = Server::one(Reply::json(200, &completion("Hello!")));
    chat(&dir, &server)
        .args(["--no-stream", "Say", "hi"])
        .assert()
        .success()
        .stdout("Hello!\n")
        .stderr("");
    let req = server.only_request();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/v1/chat/completions");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(
        req.json(),
        json!({"model": "test-model", "messages": [{"role": "user", "content": "Say hi"}], "stream": false})
    );
}

#[test]
fn streamed_end_to_end() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["Hel", "lo", "!"])));
    chat(&dir, &server)
        .arg("hi")
        .assert()
        .success()
        .stdout("Hello!\n");
    let body = server.only_request().json();
    assert_eq!(body["stream"], json!(true));
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
}

#[test]
fn content_ending_in_newline_gets_no_second_one() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["line\n"])));
    chat(&dir, &server)
        .arg("hi")
        .assert()
        .success()
        .stdout("line\n");
}

#[test]
fn json_response_to_a_stream_request_is_read_by_content_type() {
    let dir = Scratch::new();
    let server = Server::one(Reply::json(200, &completion("plain")));
    chat(&dir, &server)
        .args(["-o", "stream=false", "hi"])
        .assert()
        .success()
        .stdout("plain\n");
    let body = server.only_request().json();
    assert_eq!(body["stream"], json!(false));
    assert!(body.get("stream_options").is_none());
}

#[test]
fn files_then_stdin_then_words() {
    let dir = Scratch::new();
    dir.write("notes.txt", "file text\n");
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    chat(&dir, &server)
        .args(["-f", "notes.txt", "write", "the", "message"])
        .write_stdin("diff --git a b\n\n")
        .assert()
        .success();
    let body = server.only_request().json();
    assert_eq!(
        body["messages"][0]["content"],
        json!("==> notes.txt <==\nfile text\n\ndiff --git a b\n\nwrite the message")
    );
}

#[test]
fn lone_dash_is_replaced_by_stdin() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    chat(&dir, &server)
        .args(["Translate:", "-", "(to French)"])
        .write_stdin("good morning\n")
        .assert()
        .success();
    assert_eq!(
        server.only_request().json()["messages"][0]["content"],
        json!("Translate: good morning (to French)")
    );
}

#[test]
fn no_stdin_flag_and_env_ignore_piped_text() {
    for (flag, env) in [
        (Some("--no-stdin"), None),
        (None, Some(("YAP_NO_STDIN", "1"))),
    ] {
        let dir = Scratch::new();
        let server = Server::one(Reply::sse(stream_of(&["ok"])));
        let mut cmd = chat(&dir, &server);
        if let Some(f) = flag {
            cmd.arg(f);
        }
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        cmd.arg("only words")
            .write_stdin("ignored")
            .assert()
            .success();
        assert_eq!(
            server.only_request().json()["messages"][0]["content"],
            json!("only words")
        );
    }
}

#[test]
fn no_prompt_anywhere_is_exit_2() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    let out = chat(&dir, &server).write_stdin("").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("yap: error: no prompt"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1);
}

#[test]
fn non_utf8_input_is_exit_2() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    let out = chat(&dir, &server)
        .arg("hi")
        .write_stdin(vec![0x66, 0xff, 0xfe])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("stdin is not UTF-8"),
        "{}",
        stderr(&out)
    );

    dir.write("latin1.txt", [0x63, 0x61, 0x66, 0xe9]);
    let out = chat(&dir, &server)
        .args(["-f", "latin1.txt", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("latin1.txt is not UTF-8"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unreadable_file_is_exit_2_naming_it() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    let out = chat(&dir, &server)
        .args(["-f", "missing.txt", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.txt"), "{}", stderr(&out));
}

#[test]
fn missing_model_is_exit_2_saying_where_yap_looked() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    let out = yap(&dir)
        .args(["chat", "--base-url", &server.base(), "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no model") && err.contains("-m") && err.contains("YAP_MODEL"),
        "{err}"
    );
}

#[test]
fn missing_key_is_exit_2_and_named_variable_never_falls_back() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    let out = chat(&dir, &server)
        .env_remove("OPENAI_API_KEY")
        .arg("hi")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("OPENAI_API_KEY"), "{}", stderr(&out));

    let out = chat(&dir, &server)
        .args(["--api-key-env", "APOLLO_API_KEY", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("APOLLO_API_KEY is unset"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_flag_is_exit_2() {
    let dir = Scratch::new();
    yap(&dir).args(["chat", "--no-such-flag"]).assert().code(2);
    yap(&dir)
        .args(["chat", "-t", "warm", "hi"])
        .assert()
        .code(2);
}

#[test]
fn version_and_help() {
    let dir = Scratch::new();
    yap(&dir)
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("yap {}\n", env!("CARGO_PKG_VERSION")));
    let out = yap(&dir).args(["chat", "--help"]).output().unwrap();
    assert!(stdout(&out).contains("--no-stdin"));
}

/// `script` gives yap a terminal on stdin, stdout and stderr.
fn spawn_in_terminal(dir: &Scratch, command: &str) -> std::process::Child {
    use std::process::Stdio;
    on_terminal(dir, command, "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux")
}

fn in_terminal(dir: &Scratch, command: &str, input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = spawn_in_terminal(dir, command);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn interactive_chat_on_a_terminal_keeps_the_conversation() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["first answer"])),
        Reply::sse(stream_of(&["second answer"])),
    ]);
    let yap_bin = assert_cmd::cargo::cargo_bin("yap");
    let command = format!(
        "{} chat --base-url {} -m m",
        yap_bin.display(),
        server.base()
    );
    let out = in_terminal(&dir, &command, "hello\nand then?\n");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let screen = stdout(&out);
    assert!(
        screen.contains("first answer") && screen.contains("second answer"),
        "{screen}"
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[1].json()["messages"],
        json!([
            {"role": "user", "content": "hello"},
            {"role": "assistant", "content": "first answer"},
            {"role": "user", "content": "and then?"}
        ])
    );
}

#[test]
fn spinner_only_on_a_terminal_until_the_first_byte() {
    let dir = Scratch::new();
    let server = Server::one(
        Reply::sse_pieces(vec![])
            .then(Step::Pause(std::time::Duration::from_millis(400)))
            .then(Step::Write(stream_of(&["ok"]))),
    );
    let yap_bin = assert_cmd::cargo::cargo_bin("yap");
    let command = format!(
        "{} chat --base-url {} -m m hi",
        yap_bin.display(),
        server.base()
    );
    let out = in_terminal(&dir, &command, "");
    let screen = stdout(&out);
    assert!(screen.contains("waiting for the model"), "{screen:?}");
    assert!(screen.ends_with("ok\r\n"), "{screen:?}");
    let server = Server::one(
        Reply::sse_pieces(vec![])
            .then(Step::Pause(std::time::Duration::from_millis(400)))
            .then(Step::Write(stream_of(&["ok"]))),
    );
    let command = format!(
        "{} chat -q --base-url {} -m m hi",
        yap_bin.display(),
        server.base()
    );
    let out = in_terminal(&dir, &command, "");
    assert!(!stdout(&out).contains("waiting"), "{:?}", stdout(&out));
}

#[test]
fn ctrl_c_at_the_interactive_prompt_exits_130() {
    use std::io::Write;
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    let yap_bin = assert_cmd::cargo::cargo_bin("yap");
    let command = format!(
        "{} chat --base-url {} -m m",
        yap_bin.display(),
        server.base()
    );
    let mut child = spawn_in_terminal(&dir, &command);
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    stdin.write_all(b"\x03").unwrap();
    stdin.flush().unwrap();
    let started = std::time::Instant::now();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(out.status.code(), Some(130), "{}", stdout(&out));
    assert!(stdout(&out).contains("chatting with m"), "{}", stdout(&out));
    // yap saw the signal itself (not killed by it): it says so.
    assert!(
        stdout(&out).contains("error:\x1b[0m interrupted"),
        "{}",
        stdout(&out)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn interactive_chat_goes_on_after_an_http_error_and_ends_0_on_ctrl_d() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::json(400, r#"{"error":{"message":"this model is asleep"}}"#),
        Reply::sse(stream_of(&["second answer"])),
    ]);
    let yap_bin = assert_cmd::cargo::cargo_bin("yap");
    let command = format!(
        "{} chat --base-url {} -m m --retries 0",
        yap_bin.display(),
        server.base()
    );
    let out = in_terminal(&dir, &command, "first\nsecond\n");
    let screen = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{screen}");
    assert!(screen.contains("this model is asleep"), "{screen}");
    assert!(screen.contains("second answer"), "{screen}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    // The failed turn is not part of the conversation.
    assert_eq!(
        reqs[1].json()["messages"],
        json!([{"role": "user", "content": "second"}])
    );
}

#[test]
fn interactive_chat_goes_on_after_a_refused_connection() {
    let dir = Scratch::new();
    let yap_bin = assert_cmd::cargo::cargo_bin("yap");
    let command = format!(
        "{} chat --base-url http://127.0.0.1:{CLOSED_PORT}/v1 -m m --retries 0",
        yap_bin.display()
    );
    let out = in_terminal(&dir, &command, "one\ntwo\n");
    let screen = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{screen}");
    assert_eq!(screen.matches("cannot connect to").count(), 2, "{screen}");
}
