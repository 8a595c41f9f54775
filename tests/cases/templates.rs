//! Templates: rendering, precedence as the server sees the body, paths
//! relative to the template, `--save` round trips, `yap templates`, and
//! every bad input exit 2 with nothing sent.

use serde_json::{Value, json};

use crate::support::*;

/// Write `templates/NAME.toml` beside the default config file.
fn template(dir: &Scratch, name: &str, text: &str) -> std::path::PathBuf {
    dir.write(&format!("config/yap/templates/{name}.toml"), text)
}

fn body_of(dir: &Scratch, args: &[&str], stdin: &str) -> Value {
    // A JSON object, so that a template's schema check passes.
    let server = Server::one(Reply::sse(stream_of(&["{}"])));
    let mut cmd = yap(dir);
    cmd.args(["chat", "--base-url", &server.base(), "--retries", "0"])
        .args(args)
        .write_stdin(stdin);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    server.only_request().json()
}

const REVIEW: &str = r#"system = "You review diffs. Answer in {{lang}}."
prompt = """Review this diff:

{{input}}"""
model = "tmpl-model"
body = { temperature = 0, labels = { team = "infra" } }

[vars]
lang = "English"
"#;

#[test]
fn a_template_renders_its_system_and_prompt_with_the_input() {
    let dir = Scratch::new();
    template(&dir, "review", REVIEW);
    let body = body_of(&dir, &["-T", "review"], "diff --git a b\n");
    assert_eq!(body["model"], json!("tmpl-model"));
    assert_eq!(
        body["messages"],
        json!([
            {"role": "system", "content": "You review diffs. Answer in English."},
            {"role": "user", "content": "Review this diff:\n\ndiff --git a b"}
        ])
    );
    assert_eq!(body["temperature"], json!(0));
    assert_eq!(body["labels"], json!({"team": "infra"}));
    // --var beats [vars]; -s replaces the template's system prompt.
    let body = body_of(&dir, &["-T", "review", "--var", "lang=French", "x"], "");
    assert_eq!(
        body["messages"][0]["content"],
        json!("You review diffs. Answer in French.")
    );
    let body = body_of(&dir, &["-T", "review", "-s", "Be terse.", "x"], "");
    assert_eq!(body["messages"][0]["content"], json!("Be terse."));
}

#[test]
fn input_is_appended_when_not_placed_and_other_braces_stay() {
    let dir = Scratch::new();
    template(
        &dir,
        "sum",
        "prompt = \"Summarise {this} and {{ not-a-name }}:\"\n",
    );
    let body = body_of(&dir, &["-m", "m", "-T", "sum", "the", "text"], "");
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": "Summarise {this} and {{ not-a-name }}:\n\nthe text"}])
    );
    // No prompt key: the input as it is.
    template(&dir, "plain", "system = \"S\"\n");
    let body = body_of(&dir, &["-m", "m", "-T", "plain", "hello"], "");
    assert_eq!(
        body["messages"][1],
        json!({"role": "user", "content": "hello"})
    );
}

#[test]
fn precedence_profile_yap_model_template_and_flags() {
    let dir = Scratch::new();
    dir.write(
        "config/yap/config.toml",
        "default_profile = \"p\"\n[profiles.p]\nmodel = \"profile-model\"\nbody = { temperature = 0.1, store = true, top_p = 0.5 }\n",
    );
    template(
        &dir,
        "t",
        "model = \"tmpl-model\"\nprompt = \"P\"\nbody = { temperature = 0.2, seed = 1, store = false }\n",
    );
    // The template beats the profile and YAP_MODEL.
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let out = yap(&dir)
        .env("YAP_MODEL", "env-model")
        .args(["chat", "--base-url", &server.base(), "-T", "t"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let body = server.only_request().json();
    assert_eq!(body["model"], json!("tmpl-model"));
    assert_eq!(body["temperature"], json!(0.2));
    assert_eq!(body["store"], json!(false));
    assert_eq!(body["top_p"], json!(0.5));
    // -m, --body, named flags and -o beat it.
    let body = body_of(
        &dir,
        &[
            "-T",
            "t",
            "-m",
            "flag-model",
            "--body",
            r#"{"seed": 2, "top_p": 0.6}"#,
            "-t",
            "0.3",
            "-o",
            "seed=3",
        ],
        "",
    );
    assert_eq!(body["model"], json!("flag-model"));
    assert_eq!(body["temperature"], json!(0.3));
    assert_eq!(body["top_p"], json!(0.6));
    assert_eq!(body["seed"], json!(3));
}

#[test]
fn a_template_path_reads_its_schema_and_tools_beside_it() {
    let dir = Scratch::new();
    dir.write(
        "proj/schemas/ticket.json",
        r#"{"type":"object","properties":{"id":{"type":"integer"}}}"#,
    );
    dir.write(
        "proj/tools/grep.json",
        r#"{"name":"grep","parameters":{"type":"object"},"command":"echo found"}"#,
    );
    let path = dir.write(
        "proj/extract.toml",
        "model = \"m\"\nprompt = \"Extract\"\nschema = \"schemas/ticket.json\"\ntools = [\"tools/grep.json\", { name = \"inline\", parameters = { type = \"object\" } }]\n",
    );
    let out = yap(&dir)
        .args(["chat", "--dry-run", "-T", path.to_str().unwrap()])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("\"name\": \"response\""), "{text}");
    assert!(text.contains("\"grep\""), "{text}");
    assert!(text.contains("\"inline\""), "{text}");
    assert!(text.contains("#   grep: echo found"), "{text}");
    // A schema given on the command line replaces the template's.
    let server = Server::one(Reply::sse(stream_of(&["{}"])));
    let out = yap(&dir)
        .args([
            "chat",
            "--base-url",
            &server.base(),
            "-T",
            path.to_str().unwrap(),
        ])
        .args([
            "--schema",
            r#"{"type":"object","title":"mine"}"#,
            "--tool",
            r#"{"name":"other"}"#,
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let body = server.only_request().json();
    assert_eq!(
        body["response_format"]["json_schema"]["schema"]["title"],
        json!("mine")
    );
    assert_eq!(body["tools"].as_array().unwrap().len(), 1);
    assert_eq!(body["tools"][0]["function"]["name"], json!("other"));
}

#[test]
fn templates_live_beside_the_config_file_named_by_config() {
    let dir = Scratch::new();
    let config = dir.write("elsewhere/yap.toml", "");
    dir.write(
        "elsewhere/templates/hi.toml",
        "model = \"m\"\nprompt = \"Hi from elsewhere\"\n",
    );
    let out = yap(&dir)
        .args(["--config", config.to_str().unwrap(), "templates"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "hi\n");
    let out = yap(&dir)
        .args(["--config", config.to_str().unwrap(), "templates", "path"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        format!("{}\n", dir.path().join("elsewhere/templates").display())
    );
    let body = body_of(
        &dir,
        &["--config", config.to_str().unwrap(), "-T", "hi"],
        "",
    );
    assert_eq!(body["messages"][0]["content"], json!("Hi from elsewhere"));
}

#[test]
fn save_then_use_sends_the_same_body() {
    let dir = Scratch::new();
    let tool = dir.write(
        "t.json",
        r#"{"name":"lookup","parameters":{"type":"object"}}"#,
    );
    let flags = [
        "-m",
        "m",
        "-s",
        "You are terse.",
        "-t",
        "0.2",
        "--max-tokens",
        "40",
        "--stop",
        "END",
        "-o",
        "labels.team=infra",
        "--body",
        r#"{"store": true}"#,
        "--schema",
        r#"{"type":"object"}"#,
        "--schema-name",
        "answer",
        "--tool",
        tool.to_str().unwrap(),
        "--tool-cmd",
        "lookup=echo hi",
        "--tool-choice",
        "auto",
    ];
    let out = yap(&dir)
        .args(["chat", "--save", "brief"])
        .args(flags)
        .args(["Say", "hello"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let saved = dir.path().join("config/yap/templates/brief.toml");
    assert_eq!(stdout(&out), format!("{}\n", saved.display()));
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.contains("command = \"echo hi\""), "{text}");
    // Sent directly, then from the template: the same body.
    let direct = body_of(&dir, &[&flags[..], &["Say", "hello"]].concat(), "");
    let from_template = body_of(&dir, &["-T", "brief"], "");
    assert_eq!(direct, from_template);
    // It exists now: exit 2 without --force, replaced with it.
    let out = yap(&dir)
        .args(["chat", "--save", "brief", "-m", "m", "x"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    yap(&dir)
        .args(["chat", "--save", "brief", "--force", "-m", "m2", "x"])
        .write_stdin("piped text is never saved")
        .assert()
        .success();
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.contains("m2") && !text.contains("piped"), "{text}");
}

#[test]
fn yap_templates_lists_and_shows() {
    let dir = Scratch::new();
    yap(&dir).arg("templates").assert().success().stdout("");
    template(&dir, "b", "prompt = \"B\"\n");
    template(&dir, "a", "prompt = \"A\"\n");
    yap(&dir)
        .arg("templates")
        .assert()
        .success()
        .stdout("a\nb\n");
    yap(&dir)
        .args(["templates", "show", "b"])
        .assert()
        .success()
        .stdout("prompt = \"B\"\n");
    let out = yap(&dir)
        .args(["templates", "show", "zz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no template 'zz'"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("templates there: a, b"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_templates_are_exit_2_and_nothing_is_sent() {
    let dir = Scratch::new();
    template(
        &dir,
        "needs",
        "model = \"m\"\nprompt = \"Hi {{who}}: {{input}}\"\n",
    );
    template(&dir, "typo", "model = \"m\"\nsytem = \"x\"\n");
    template(&dir, "broken", "model = \"m\"\nprompt = \"unclosed\n");
    template(
        &dir,
        "noschema",
        "model = \"m\"\nprompt = \"x\"\nschema = \"missing.json\"\n",
    );
    template(
        &dir,
        "notool",
        "model = \"m\"\nprompt = \"x\"\ntools = [\"missing.json\"]\n",
    );
    template(
        &dir,
        "reserved",
        "model = \"m\"\nprompt = \"x\"\n[vars]\ninput = \"no\"\n",
    );
    for (args, says) in [
        (
            vec!["-T", "needs", "x"],
            "template needs: {{who}} has no value: pass --var who=VALUE",
        ),
        (vec!["-T", "needs", "--var", "who=me"], "no input"),
        (vec!["-T", "needs", "--var", "input=x", "y"], "--var input"),
        (vec!["-T", "typo", "x"], "sytem"),
        (vec!["-T", "broken", "x"], "broken.toml: line 2"),
        (vec!["-T", "missing", "x"], "no template 'missing' in"),
        (vec!["-T", "noschema", "x"], "missing.json"),
        (vec!["-T", "notool", "x"], "missing.json"),
        (vec!["-T", "reserved", "x"], "may not set 'input'"),
    ] {
        let server = Server::one(Reply::sse(stream_of(&["x"]))).unused();
        let out = yap(&dir)
            .args(["chat", "--base-url", &server.base()])
            .args(&args)
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    // An unused --var is a warning only.
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let out = yap(&dir)
        .args([
            "chat",
            "--base-url",
            &server.base(),
            "-T",
            "needs",
            "--var",
            "who=me",
            "--var",
            "extra=1",
            "x",
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("--var extra: template needs does not use it"),
        "{}",
        stderr(&out)
    );
}
