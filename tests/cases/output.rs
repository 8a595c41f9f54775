//! Output modes: --json assembly, --raw, --usage, --reasoning, n > 1,
//! warnings, colour, closed stdout.

use serde_json::{Value, json};

use crate::support::*;

#[test]
fn json_assembles_a_stream_into_the_non_streamed_shape() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(fixture("streams/openai-basic.sse")));
    let out = chat(&dir, &server).args(["--json", "hi"]).output().unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["object"], "chat.completion");
    assert_eq!(doc["id"], "chatcmpl-S07VVTg4YIfF8jgd8MNYMs0QsVSht");
    assert_eq!(doc["choices"][0]["finish_reason"], "stop");
    assert_eq!(doc["choices"][0]["message"]["role"], "assistant");
    assert!(
        doc["choices"][0]["message"]["content"]
            .as_str()
            .unwrap()
            .starts_with("A kettle switches")
    );
    assert_eq!(doc["usage"]["total_tokens"], 55);
    assert!(stdout(&out).ends_with("}\n"));
    assert_eq!(stdout(&out).lines().count(), 1);
}

#[test]
fn json_of_a_non_streamed_answer_is_the_servers_document() {
    let dir = Scratch::new();
    let doc = completion("Hi");
    let server = Server::one(Reply::json(200, &doc));
    let out = chat(&dir, &server)
        .args(["--json", "--no-stream", "hi"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got, serde_json::from_str::<Value>(&doc).unwrap());
}

#[test]
fn json_keeps_every_choice_tool_calls_and_refusals() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(fixture("streams/openai-n3-interleaved.sse")));
    let out = chat(&dir, &server).args(["--json", "hi"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let choices = doc["choices"].as_array().unwrap();
    assert_eq!(choices.len(), 3);
    for (i, c) in choices.iter().enumerate() {
        assert_eq!(c["index"], json!(i));
        assert!(c["finish_reason"].is_string());
    }

    let server = Server::one(Reply::sse(fixture(
        "streams/openai-parallel-tool-calls.sse",
    )));
    let out = chat(&dir, &server).args(["--json", "hi"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let calls = doc["choices"][0]["message"]["tool_calls"]
        .as_array()
        .unwrap();
    assert_eq!(calls.len(), 2);
    let args: Value =
        serde_json::from_str(calls[0]["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(args["origin"], "Leeds");
    assert_eq!(doc["choices"][0]["finish_reason"], "tool_calls");

    let server = Server::one(Reply::sse(fixture("streams/openai-refusal.sse")));
    let out = chat(&dir, &server).args(["--json", "hi"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["choices"][0]["message"]["refusal"],
        "I won't be able to fill in that form for you."
    );
    assert_eq!(doc["choices"][0]["message"]["content"], Value::Null);
}

#[test]
fn text_mode_with_several_choices_prints_each_after_a_blank_line() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(fixture("streams/n2-choices-in-one-chunk.sse")));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert!(out.status.success());
    assert_eq!(stdout(&out), "First answer, cut\n\nSecond answer.\n");
    assert!(
        stderr(&out).contains("warning: the answer (choice 0) was cut at the token limit"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn raw_prints_each_payload_as_a_line() {
    let dir = Scratch::new();
    let body = fixture("streams/openai-basic.sse");
    let server = Server::one(Reply::sse(body.clone()));
    let out = chat(&dir, &server).args(["--raw", "hi"]).output().unwrap();
    assert!(out.status.success());
    let want: String = String::from_utf8(body)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .map(|d| format!("{d}\n"))
        .collect();
    assert_eq!(stdout(&out), want);
}

#[test]
fn raw_non_streamed_is_byte_for_byte() {
    let dir = Scratch::new();
    let body = "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}   ";
    let server = Server::one(Reply::json(200, body));
    chat(&dir, &server)
        .args(["--raw", "--no-stream", "hi"])
        .assert()
        .success()
        .stdout(body.to_string());
}

#[test]
fn usage_and_reasoning_go_to_stderr() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(fixture(
        "streams/deepseek-reasoning-content.sse",
    )));
    let out = chat(&dir, &server)
        .args(["-u", "--reasoning", "hi"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(stdout(&out), "A common synonym is \"fast\".\n");
    let err = stderr(&out);
    assert!(
        err.contains("usage: 15 prompt + 19 completion = 34 tokens"),
        "{err}"
    );
    assert!(err.len() > 60, "reasoning expected on stderr: {err}");

    let server = Server::one(Reply::sse(fixture(
        "streams/deepseek-reasoning-content.sse",
    )));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_eq!(stderr(&out), "", "no reasoning without --reasoning");
}

#[test]
fn reasoning_in_both_fields_is_shown_once() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(fixture("streams/reasoning-both-fields.sse")));
    let out = chat(&dir, &server)
        .args(["--reasoning", "hi"])
        .output()
        .unwrap();
    let reading: Value = serde_json::from_slice(&fixture_reading("reasoning-both-fields")).unwrap();
    let reasoning = reading["choices"][0]["reasoning"].as_str().unwrap();
    assert_eq!(stderr(&out).trim_end(), reasoning.trim_end());
}

fn fixture_reading(name: &str) -> Vec<u8> {
    // The reference readings are not copied; rebuild what this test needs
    // from the events instead.
    let events =
        String::from_utf8(fixture(&format!("streams/expected/{name}.events.jsonl"))).unwrap();
    let mut reasoning = String::new();
    for line in events.lines() {
        let ev: Value = serde_json::from_str(line).unwrap();
        let Ok(chunk) = serde_json::from_str::<Value>(ev["data"].as_str().unwrap()) else {
            continue;
        };
        if let Some(r) = chunk
            .pointer("/choices/0/delta/reasoning_content")
            .and_then(Value::as_str)
        {
            reasoning.push_str(r);
        }
    }
    json!({"choices": [{"reasoning": reasoning}]})
        .to_string()
        .into_bytes()
}

#[test]
fn length_finish_warns_but_succeeds() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(fixture("streams/openai-finish-length.sse")));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "Once\n");
    assert!(stderr(&out).starts_with("yap: warning: the answer was cut at the token limit"));
    let server = Server::one(Reply::sse(fixture("streams/openai-finish-length.sse")));
    chat(&dir, &server)
        .args(["-q", "hi"])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn refusal_is_a_warning_on_stderr() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(fixture("streams/openai-refusal.sse")));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("the model refused: I won't be able to fill in that form for you.")
    );
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let dir = Scratch::new();
    let server = Server::one(Reply::raw(fixture("errors/401-fastapi-detail.http")));
    let out = chat(&dir, &server)
        .args(["--color", "always", "hi"])
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("\x1b[1;31merror:\x1b[0m"),
        "{:?}",
        stderr(&out)
    );
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert!(!stderr(&out).contains('\x1b'));
    let out = chat(&dir, &server)
        .env("NO_COLOR", "1")
        .arg("hi")
        .output()
        .unwrap();
    assert!(!stderr(&out).contains('\x1b'));
}

#[test]
fn closed_stdout_ends_quietly_with_exit_0() {
    use std::io::Read;
    let pieces: Vec<String> = (0..20000).map(|i| format!("line {i}\n")).collect();
    let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let server = Server::one(Reply::sse(stream_of(&refs)));
    let dir = Scratch::new();
    let mut child = spawn_chat(&dir, &server);
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 5];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout); // like `| head -c 5`
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(err, "");
}

#[test]
fn several_choices_in_every_chunk_stay_apart_in_text_mode() {
    // LiteLLM with n=2 sends both choices in each chunk (found by hand).
    let chunk = |a: &str, b: &str, finish: &str| {
        format!(
            "data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{a}\"}},\"finish_reason\":{finish}}},{{\"index\":1,\"delta\":{{\"content\":\"{b}\"}},\"finish_reason\":{finish}}}]}}\n\n"
        )
    };
    let body = [
        chunk("Hel", "Hi", "null"),
        chunk("lo", " there", "null"),
        chunk("!", "!", "\"stop\""),
        "data: [DONE]\n\n".to_string(),
    ]
    .concat();
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(body.into_bytes()));
    chat(&dir, &server)
        .args(["-n", "2", "hi"])
        .assert()
        .success()
        .stdout("Hello!\n\nHi there!\n");
}
