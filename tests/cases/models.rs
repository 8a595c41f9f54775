//! `yap models`: GET {base}/models in every shape, filters, --long,
//! --json, `models show ID`, errors and previews.

use serde_json::{Value, json};

use crate::support::*;

fn models(dir: &Scratch, server: &Server) -> Yap {
    let mut cmd = yap(dir);
    cmd.args(["models", "--base-url", &server.base(), "--retries", "0"]);
    cmd
}

const OPENAI: &str = r#"{"object":"list","data":[
  {"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"},
  {"id":"Meta-Llama-3-8B","object":"model","created":1700000000,"owned_by":"meta"},
  {"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"},
  {"id":"babbage-002","object":"model"}]}"#;

#[test]
fn ids_sorted_one_per_line() {
    let dir = Scratch::new();
    let server = Server::one(Reply::json(200, OPENAI));
    models(&dir, &server)
        .assert()
        .success()
        .stdout("Meta-Llama-3-8B\nbabbage-002\ngpt-4o\ngpt-4o-mini\n");
    let req = server.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("GET", "/v1/models")
    );
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[test]
fn every_shape_is_read() {
    for body in [
        r#"[{"id":"b"},{"id":"a"}]"#,
        r#"{"models":[{"name":"b","model":"b"},{"name":"a","model":"a"}]}"#,
        r#"{"data":["b","a"]}"#,
    ] {
        let dir = Scratch::new();
        let server = Server::one(Reply::json(200, body));
        models(&dir, &server).assert().success().stdout("a\nb\n");
    }
    let dir = Scratch::new();
    let server = Server::one(Reply::json(200, r#"{"result":"ok"}"#));
    let out = models(&dir, &server).output().unwrap();
    assert_eq!(out.status.code(), Some(8));
    assert!(stderr(&out).contains("no known shape"), "{}", stderr(&out));
}

#[test]
fn pattern_is_a_substring_or_a_glob() {
    let dir = Scratch::new();
    let server = Server::one(Reply::json(200, OPENAI));
    models(&dir, &server)
        .arg("LLAMA")
        .assert()
        .success()
        .stdout("Meta-Llama-3-8B\n");
    models(&dir, &server)
        .arg("gpt-4o*")
        .assert()
        .success()
        .stdout("gpt-4o\ngpt-4o-mini\n");
    models(&dir, &server)
        .arg("*mini")
        .assert()
        .success()
        .stdout("gpt-4o-mini\n");
    models(&dir, &server)
        .arg("nothing")
        .assert()
        .success()
        .stdout("");
}

#[test]
fn long_is_tab_separated_when_piped() {
    let dir = Scratch::new();
    let server = Server::one(Reply::json(200, OPENAI));
    models(&dir, &server)
        .args(["-l", "gpt"])
        .assert()
        .success()
        .stdout("gpt-4o\tsystem\t2024-05-10\ngpt-4o-mini\tsystem\t2024-07-16\n");
    models(&dir, &server)
        .args(["--long", "babbage"])
        .assert()
        .success()
        .stdout("babbage-002\t-\t-\n");
}

#[test]
fn json_is_the_body_as_sent() {
    let dir = Scratch::new();
    let server = Server::one(Reply::json(200, OPENAI));
    models(&dir, &server)
        .arg("--json")
        .assert()
        .success()
        .stdout(OPENAI);
}

#[test]
fn show_encodes_the_id() {
    let dir = Scratch::new();
    let model = r#"{"id":"project/model:v1","object":"model","owned_by":"me"}"#;
    let server = Server::one(Reply::json(200, model));
    let out = models(&dir, &server)
        .args(["show", "project/model:v1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        got,
        json!({"id": "project/model:v1", "object": "model", "owned_by": "me"})
    );
    assert_eq!(
        server.only_request().path,
        "/v1/models/project%2Fmodel%3Av1"
    );
}

#[test]
fn errors_exit_codes_and_previews() {
    let dir = Scratch::new();
    let server = Server::one(Reply::raw(fixture("errors/401-fastapi-detail.http")));
    let out = models(&dir, &server).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("401"));
    let server = Server::one(Reply::raw(fixture(
        "errors/404-openai-model-not-found.http",
    )));
    let out = models(&dir, &server)
        .args(["--json", "show", "gpt-5-turbo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let port = CLOSED_PORT;
    let out = yap(&dir)
        .args([
            "models",
            "--base-url",
            &format!("http://127.0.0.1:{port}/v1"),
            "--retries",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));

    let unused = Server::one(Reply::json(200, OPENAI)).unused();
    models(&dir, &unused)
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(format!(
            "GET {}/models\nAuthorization: Bearer [redacted]\n",
            unused.base()
        ));
    let out = models(&dir, &unused)
        .args(["--curl", "show", "a/b"])
        .output()
        .unwrap();
    let command = stdout(&out);
    assert!(
        command.contains("/models/a%2Fb") && !command.contains("-X") && !command.contains(KEY),
        "{command}"
    );
}
