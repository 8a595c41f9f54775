//! The request body the server receives: each flag's field and JSON type,
//! `-o`, `--body`, profile `body`, `--messages`, images, system prompts.

use serde_json::json;

use crate::support::*;

fn sent(dir: &Scratch, args: &[&str]) -> serde_json::Value {
    // A JSON object: `--json-object` checks the answer is one.
    let server = Server::one(Reply::sse(stream_of(&["{\"ok\":true}"])));
    chat(dir, &server).args(args).assert().success();
    server.only_request().json()
}

#[test]
fn every_named_flag_has_its_json_type() {
    let dir = Scratch::new();
    let body = sent(
        &dir,
        &[
            "-t",
            "0.2",
            "--top-p",
            "0.9",
            "--max-tokens",
            "50",
            "--max-completion-tokens",
            "60",
            "--stop",
            "END",
            "--stop",
            "STOP",
            "-n",
            "1",
            "--presence-penalty",
            "-0.5",
            "--frequency-penalty",
            "0.5",
            "--logit-bias",
            "50256=-100",
            "--logit-bias",
            "7=2.5",
            "--seed",
            "42",
            "--user",
            "ci-bot",
            "--json-object",
            "hi",
        ],
    );
    assert_eq!(body["temperature"], json!(0.2));
    assert_eq!(body["top_p"], json!(0.9));
    assert_eq!(body["max_tokens"], json!(50));
    assert_eq!(body["max_completion_tokens"], json!(60));
    assert_eq!(body["stop"], json!(["END", "STOP"]));
    assert_eq!(body["n"], json!(1));
    assert_eq!(body["presence_penalty"], json!(-0.5));
    assert_eq!(body["frequency_penalty"], json!(0.5));
    assert_eq!(body["logit_bias"], json!({"50256": -100, "7": 2.5}));
    assert_eq!(body["seed"], json!(42));
    assert_eq!(body["user"], json!("ci-bot"));
    assert_eq!(body["response_format"], json!({"type": "json_object"}));
    assert_eq!(body["model"], json!("test-model"));
}

#[test]
fn params_with_dotted_keys_and_json_values() {
    let dir = Scratch::new();
    let body = sent(
        &dir,
        &[
            "-o",
            "session_id=build-42",
            "-o",
            "labels.team=infra",
            "-o",
            "tags=[\"cli\"]",
            "-o",
            "temperature=1",
            "hi",
        ],
    );
    assert_eq!(body["session_id"], json!("build-42"));
    assert_eq!(body["labels"], json!({"team": "infra"}));
    assert_eq!(body["tags"], json!(["cli"]));
    assert_eq!(body["temperature"], json!(1));
}

#[test]
fn body_precedence_profile_then_body_then_flags_then_params() {
    let dir = Scratch::new();
    dir.write(
        "config/yap/config.toml",
        "[profiles.p]\nbody = { temperature = 0.1, store = true, labels = { env = \"prod\" } }\n",
    );
    dir.write(
        "extra.json",
        r#"{"temperature": 0.2, "labels": {"team": "a"}, "top_k": 5}"#,
    );
    let body = sent(
        &dir,
        &[
            "-P",
            "p",
            "--body",
            "extra.json",
            "-t",
            "0.3",
            "-o",
            "labels.team=b",
            "hi",
        ],
    );
    assert_eq!(body["temperature"], json!(0.3));
    assert_eq!(body["store"], json!(true));
    assert_eq!(body["top_k"], json!(5));
    assert_eq!(body["labels"], json!({"env": "prod", "team": "b"}));

    let body = sent(
        &dir,
        &[
            "--body",
            r#"{"temperature": 0.9}"#,
            "-o",
            "temperature=0.4",
            "hi",
        ],
    );
    assert_eq!(body["temperature"], json!(0.4));
}

#[test]
fn body_from_stdin_and_bad_body_is_exit_2() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    chat(&dir, &server)
        .args(["--body", "-", "hi"])
        .write_stdin(r#"{"metadata": {"run": 1}}"#)
        .assert()
        .success();
    assert_eq!(server.only_request().json()["metadata"], json!({"run": 1}));
    let out = chat(&dir, &server)
        .args(["--body", "[1,2]", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn system_and_messages_come_before_the_prompt() {
    let dir = Scratch::new();
    dir.write(
        "history.jsonl",
        "{\"role\":\"user\",\"content\":\"hi\",\"name\":\"ann\"}\n{\"role\":\"assistant\",\"content\":\"hello\",\"x_provider\":1}\n",
    );
    let body = sent(
        &dir,
        &["-s", "Be brief.", "--messages", "history.jsonl", "and now?"],
    );
    assert_eq!(
        body["messages"],
        json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "hi", "name": "ann"},
            {"role": "assistant", "content": "hello", "x_provider": 1},
            {"role": "user", "content": "and now?"}
        ])
    );
    dir.write("sys.txt", "From a file.");
    dir.write("m.json", r#"[{"role":"user","content":"only this"}]"#);
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    chat(&dir, &server)
        .args(["--system-file", "sys.txt", "--messages", "m.json"])
        .assert()
        .success();
    assert_eq!(
        server.only_request().json()["messages"],
        json!([{"role": "system", "content": "From a file."}, {"role": "user", "content": "only this"}])
    );
}

#[test]
fn images_become_content_parts() {
    let dir = Scratch::new();
    dir.write("dot.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let body = sent(
        &dir,
        &[
            "-i",
            "dot.png",
            "-i",
            "https://example.com/cat.jpg",
            "what is this?",
        ],
    );
    let content = &body["messages"][0]["content"];
    assert_eq!(content[0], json!({"type": "text", "text": "what is this?"}));
    assert_eq!(
        content[1]["image_url"]["url"],
        json!("data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==")
    );
    assert_eq!(
        content[2],
        json!({"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}})
    );
}

#[test]
fn bad_params_are_exit_2() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
    for args in [
        vec!["-o", "novalue", "hi"],
        vec!["--logit-bias", "5=lots", "hi"],
        vec!["--messages", "nope.json", "hi"],
        vec!["-i", "missing.png", "hi"],
    ] {
        let out = chat(&dir, &server).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("yap: error: "), "{args:?}");
    }
}
