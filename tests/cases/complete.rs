//! `yap complete`: POST {base}/completions, its flags, streamed and not.

use serde_json::{Value, json};

use crate::support::*;

fn complete(dir: &Scratch, server: &Server) -> Yap {
    let mut cmd = yap(dir);
    cmd.args([
        "complete",
        "--base-url",
        &server.base(),
        "-m",
        "base-model",
        "--retries",
        "0",
    ]);
    cmd.write_stdin("");
    cmd
}

const TEXT: &str = "The lighthouse keeper wrote the date in his log, lit the lamp, and waited for";

#[test]
fn streamed_text_with_length_warning_and_usage() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(fixture("streams/openai-completions-legacy.sse")));
    let out = complete(&dir, &server)
        .args(["-u", "Once upon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{TEXT}\n"));
    let err = stderr(&out);
    assert!(
        err.contains("warning: the answer was cut at the token limit"),
        "{err}"
    );
    assert!(
        err.contains("usage: 9 prompt + 17 completion = 26 tokens"),
        "{err}"
    );
    let req = server.only_request();
    assert_eq!(req.path, "/v1/completions");
    assert_eq!(
        req.json(),
        json!({"model": "base-model", "prompt": "Once upon", "stream": true,
               "stream_options": {"include_usage": true}})
    );
}

#[test]
fn every_flag_has_its_field_and_type() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(fixture("streams/openai-completions-legacy.sse")));
    complete(&dir, &server)
        .args([
            "--max-tokens",
            "16",
            "-t",
            "0.5",
            "--top-p",
            "0.9",
            "--stop",
            "\n",
            "--stop",
            "END",
            "-n",
            "2",
            "--seed",
            "7",
            "--presence-penalty",
            "0.1",
            "--frequency-penalty",
            "-0.2",
            "--logit-bias",
            "50256=-100",
            "--suffix",
            "return x",
            "--echo",
            "--logprobs",
            "3",
            "--best-of",
            "4",
            "-o",
            "user=me",
            "--body",
            r#"{"metadata": {"a": 1}}"#,
            "def f(x):",
        ])
        .assert()
        .success();
    let body = server.only_request().json();
    assert_eq!(
        body,
        json!({
            "model": "base-model", "prompt": "def f(x):", "max_tokens": 16, "temperature": 0.5,
            "top_p": 0.9, "stop": ["\n", "END"], "n": 2, "seed": 7, "presence_penalty": 0.1,
            "frequency_penalty": -0.2, "logit_bias": {"50256": -100}, "suffix": "return x",
            "echo": true, "logprobs": 3, "best_of": 4, "user": "me", "metadata": {"a": 1},
            "stream": true, "stream_options": {"include_usage": true}
        })
    );
}

#[test]
fn prompt_from_files_stdin_and_words() {
    let dir = Scratch::new();
    dir.write("head.txt", "HEAD\n");
    let server = Server::one(Reply::sse(fixture("streams/openai-completions-legacy.sse")));
    complete(&dir, &server)
        .args(["-f", "head.txt", "tail words"])
        .write_stdin("middle\n")
        .assert()
        .success();
    assert_eq!(
        server.only_request().json()["prompt"],
        json!("==> head.txt <==\nHEAD\n\nmiddle\n\ntail words")
    );
    let server = Server::one(Reply::sse(fixture("streams/openai-completions-legacy.sse")));
    complete(&dir, &server)
        .args(["--no-stdin", "only"])
        .write_stdin("ignored")
        .assert()
        .success();
    assert_eq!(server.only_request().json()["prompt"], json!("only"));
    let unused = Server::one(Reply::sse(b"".to_vec())).unused();
    let out = complete(&dir, &unused).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("yap: error: no prompt"));
}

fn completion_document() -> Value {
    json!({
        "id": "cmpl-n3sXRQVOS3JkaHmiKXUlKhYo4ugjn", "object": "text_completion",
        "created": 1752072210, "model": "gpt-3.5-turbo-instruct-0914",
        "choices": [{"index": 0, "text": TEXT, "logprobs": null, "finish_reason": "length"}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 17, "total_tokens": 26}
    })
}

#[test]
fn non_streamed_text_and_json_equal_to_the_streamed_json() {
    let dir = Scratch::new();
    let doc = completion_document();
    let server = Server::one(Reply::json(200, &doc.to_string()));
    complete(&dir, &server)
        .args(["--no-stream", "x"])
        .assert()
        .success()
        .stdout(format!("{TEXT}\n"));
    assert_eq!(server.only_request().json()["stream"], json!(false));

    let server = Server::one(Reply::json(200, &doc.to_string()));
    let out = complete(&dir, &server)
        .args(["--no-stream", "--json", "x"])
        .output()
        .unwrap();
    let plain: Value = serde_json::from_slice(&out.stdout).unwrap();
    let server = Server::one(Reply::sse(fixture("streams/openai-completions-legacy.sse")));
    let out = complete(&dir, &server)
        .args(["--json", "x"])
        .output()
        .unwrap();
    let streamed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plain, doc);
    assert_eq!(streamed, doc);
}

#[test]
fn raw_passes_payloads_through() {
    let dir = Scratch::new();
    let body = fixture("streams/openai-completions-legacy.sse");
    let server = Server::one(Reply::sse(body.clone()));
    let out = complete(&dir, &server)
        .args(["--raw", "x"])
        .output()
        .unwrap();
    let lines = stdout(&out).lines().count();
    let events = String::from_utf8(body).unwrap().matches("data: {").count();
    assert_eq!(lines, events);
}

#[test]
fn logprobs_stay_whole_in_json() {
    let chunk = |text: &str, off: u32, finish: Value| {
        json!({"id": "c", "object": "text_completion", "created": 1, "model": "m",
               "choices": [{"index": 0, "text": text, "finish_reason": finish,
                 "logprobs": {"tokens": [text], "token_logprobs": [-0.5], "top_logprobs": [{text: -0.5}], "text_offset": [off]}}]})
    };
    let body = format!(
        "data: {}\n\ndata: {}\n\ndata: [DONE]\n\n",
        chunk("Hel", 0, Value::Null),
        chunk("lo", 3, json!("stop"))
    );
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(body.into_bytes()));
    let out = complete(&dir, &server)
        .args(["--json", "--logprobs", "1", "x"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["choices"][0]["logprobs"],
        json!({"tokens": ["Hel", "lo"], "token_logprobs": [-0.5, -0.5],
               "top_logprobs": [{"Hel": -0.5}, {"lo": -0.5}], "text_offset": [0, 3]})
    );
    assert_eq!(doc["choices"][0]["text"], json!("Hello"));

    let whole = json!({"choices": [{"index": 0, "text": "Hi", "finish_reason": "stop",
        "logprobs": {"tokens": ["Hi"], "token_logprobs": [-0.1], "top_logprobs": null, "text_offset": [0]}}]});
    let server = Server::one(Reply::json(200, &whole.to_string()));
    let out = complete(&dir, &server)
        .args(["--json", "--no-stream", "x"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc, whole);
}

#[test]
fn errors_and_previews() {
    let dir = Scratch::new();
    let server = Server::one(Reply::raw(fixture("errors/401-fastapi-detail.http")));
    complete(&dir, &server).arg("x").assert().code(3);
    let server = Server::one(Reply::raw(fixture("errors/503-openai-overloaded.http")));
    complete(&dir, &server).arg("x").assert().code(6);
    let unused = Server::one(Reply::sse(b"".to_vec())).unused();
    let out = complete(&dir, &unused)
        .args(["--dry-run", "x"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with(&format!("POST {}/completions\n", unused.base())));
    let out = complete(&dir, &unused)
        .args(["--curl", "x"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains("/completions") && stdout(&out).contains("${OPENAI_API_KEY}"));
}
