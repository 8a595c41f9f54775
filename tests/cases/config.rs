//! Settings from profiles, environment, .env and flags; `yap config`.

use serde_json::json;

use crate::support::*;

const APOLLO: &str = r#"
default_profile = "apollo"

[profiles.apollo]
base_url = "BASE"
api_key_env = "APOLLO_API_KEY"
auth = "x-api-key"
model = "gpt-oss-120b"

[profiles.example]
base_url = "BASE/api/v1"
api_key_env = "EXAMPLE_API_KEY"
model = "myproject/mymodel"
headers = { "X-Team" = "infra" }
body = { store = true, tags = ["cli"] }
"#;

fn config(dir: &Scratch, server: &Server) {
    dir.write(
        "config/yap/config.toml",
        APOLLO.replace("BASE", &format!("http://127.0.0.1:{}", server.port)),
    );
}

#[test]
fn default_profile_with_x_api_key() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    config(&dir, &server);
    yap(&dir)
        .env("APOLLO_API_KEY", "apollo-key-123456")
        .args(["chat", "hi"])
        .write_stdin("")
        .assert()
        .success()
        .stdout("ok\n");
    let req = server.only_request();
    assert_eq!(req.path, "/chat/completions");
    assert_eq!(req.header("x-api-key"), Some("apollo-key-123456"));
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.json()["model"], json!("gpt-oss-120b"));
}

#[test]
fn profile_with_prefix_headers_and_body() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    config(&dir, &server);
    yap(&dir)
        .env("EXAMPLE_API_KEY", "example-key-123456")
        .args([
            "-P",
            "example",
            "chat",
            "-o",
            "session_id=s1",
            "-o",
            "labels.team=infra",
            "hi",
        ])
        .write_stdin("")
        .assert()
        .success();
    let req = server.only_request();
    assert_eq!(req.path, "/api/v1/chat/completions");
    assert_eq!(req.header("x-team"), Some("infra"));
    assert_eq!(
        req.header("authorization"),
        Some("Bearer example-key-123456")
    );
    let body = req.json();
    assert_eq!(body["store"], json!(true));
    assert_eq!(body["tags"], json!(["cli"]));
    assert_eq!(body["session_id"], json!("s1"));
    assert_eq!(body["labels"], json!({"team": "infra"}));
}

#[test]
fn env_beats_profile_and_flags_beat_env() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    config(&dir, &server);
    yap(&dir)
        .env("APOLLO_API_KEY", "apollo-key-123456")
        .env("YAP_MODEL", "from-env")
        .args(["chat", "hi"])
        .write_stdin("")
        .assert()
        .success();
    assert_eq!(server.only_request().json()["model"], json!("from-env"));
    let server2 = Server::one(Reply::sse(stream_of(&["ok"])));
    yap(&dir)
        .env("APOLLO_API_KEY", "apollo-key-123456")
        .env("YAP_MODEL", "from-env")
        .env("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
        .args([
            "chat",
            "--base-url",
            &server2.base(),
            "-m",
            "from-flag",
            "hi",
        ])
        .write_stdin("")
        .assert()
        .success();
    assert_eq!(server2.only_request().json()["model"], json!("from-flag"));
}

#[test]
fn dotenv_is_read_but_never_overrides() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    dir.write(
        ".env",
        format!(
            "YAP_BASE_URL={}\nYAP_MODEL=dotenv-model\nOPENAI_API_KEY=dotenv-key\n",
            server.base()
        ),
    );
    yap(&dir)
        .args(["chat", "hi"])
        .write_stdin("")
        .assert()
        .success();
    let req = server.only_request();
    assert_eq!(req.json()["model"], json!("dotenv-model"));
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[test]
fn auth_styles_and_extra_headers() {
    for (style, header, value) in [
        ("bearer", "authorization", format!("Bearer {KEY}")),
        ("x-api-key", "x-api-key", KEY.to_string()),
        ("header:api-key", "api-key", KEY.to_string()),
    ] {
        let dir = Scratch::new();
        let server = Server::one(Reply::sse(stream_of(&["ok"])));
        chat(&dir, &server)
            .args(["--auth", style, "-H", "X-Trace: abc", "hi"])
            .assert()
            .success();
        let req = server.only_request();
        assert_eq!(req.header(header), Some(value.as_str()), "{style}");
        assert_eq!(req.header("x-trace"), Some("abc"));
    }
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    chat(&dir, &server)
        .env_remove("OPENAI_API_KEY")
        .args(["--auth", "none", "hi"])
        .assert()
        .success();
    assert_eq!(server.only_request().header("authorization"), None);
    chat(&dir, &server)
        .args(["--auth", "basic", "hi"])
        .assert()
        .code(2);
}

#[test]
fn broken_config_names_file_and_line() {
    let dir = Scratch::new();
    let path = dir.write(
        "config/yap/config.toml",
        "[profiles.a]\nmodel = \"x\"\nbase_url = 12\n",
    );
    let out = yap(&dir)
        .args(["chat", "-P", "a", "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&path.display().to_string()) && err.contains("line 3"),
        "{err}"
    );
}

#[test]
fn unknown_profile_and_missing_explicit_config_are_exit_2() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
    config(&dir, &server);
    let out = yap(&dir)
        .args(["-P", "nope", "chat", "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no profile 'nope'") && stderr(&out).contains("apollo, example"));
    yap(&dir)
        .args(["--config", "missing.toml", "config"])
        .assert()
        .code(2);
}

#[test]
fn config_shows_values_and_sources_with_the_key_redacted() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
    config(&dir, &server);
    let out = yap(&dir)
        .env("APOLLO_API_KEY", "apollo-key-123456")
        .env("YAP_MODEL", "env-model")
        .args(["config"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(!text.contains("apollo-key-123456"));
    let line = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("profile").contains("apollo") && line("profile").contains("default_profile"),
        "{text}"
    );
    assert!(line("base_url").contains("(profile apollo)"), "{text}");
    assert!(
        line("model").contains("env-model") && line("model").contains("(environment YAP_MODEL)"),
        "{text}"
    );
    assert!(
        line("api_key").contains("redacted") && line("api_key").contains("APOLLO_API_KEY"),
        "{text}"
    );
    assert!(line("auth").contains("x-api-key"), "{text}");
}

#[test]
fn config_path_prints_the_path() {
    let dir = Scratch::new();
    yap(&dir)
        .args(["config", "path"])
        .assert()
        .success()
        .stdout(format!(
            "{}\n",
            dir.path().join("config/yap/config.toml").display()
        ));
    yap(&dir)
        .env("YAP_CONFIG", "/etc/yap.toml")
        .args(["config", "path"])
        .assert()
        .success()
        .stdout("/etc/yap.toml\n");
}
