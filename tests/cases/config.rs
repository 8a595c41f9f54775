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

/// A shell command that prints the test key without holding it (the
/// key-sweeps of config files and output must not see it in the command).
fn print_key() -> String {
    let (a, b) = KEY.split_at(10);
    format!("printf '%s%s\\n' '{a}' '{b}'")
}

/// A profile `vault` for `server` whose key comes from `command`.
fn vault(dir: &Scratch, server: &Server, command: &str) {
    let text = format!(
        "default_profile = \"vault\"\n[profiles.vault]\nbase_url = \"{}\"\nmodel = \"m\"\napi_key_cmd = {}\n",
        server.base(),
        serde_json::Value::from(command)
    );
    dir.write("config/yap/config.toml", text);
}

#[test]
fn api_key_cmd_gives_the_key_before_the_default_variables() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    vault(
        &dir,
        &server,
        &format!("echo 'vault: unlocked' >&2; {}", print_key()),
    );
    let out = yap(&dir)
        .env("OPENAI_API_KEY", "sk-env-key-not-this-one")
        .args(["--retries", "0", "chat", "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ok\n");
    // Its stderr passes through; its stdout (the key) never shows.
    assert_eq!(stderr(&out), "vault: unlocked\n");
    assert_eq!(
        server.only_request().header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[test]
fn api_key_cmd_that_fails_or_prints_nothing_is_exit_2_naming_the_profile() {
    for (command, words) in [
        (
            format!("{}; echo 'vault is locked' >&2; exit 3", print_key()),
            vec!["'vault'", "failed", "vault is locked"],
        ),
        (
            "printf '  \\n'".to_string(),
            vec!["'vault'", "printed nothing"],
        ),
    ] {
        let dir = Scratch::new();
        let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
        vault(&dir, &server, &command);
        let out = yap(&dir)
            .args(["chat", "hi"])
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
        for word in words {
            assert!(stderr(&out).contains(word), "{word}: {}", stderr(&out));
        }
        assert!(server.requests().is_empty());
    }
}

#[test]
fn api_key_cmd_is_not_run_for_previews_config_or_a_named_variable() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let marker = dir.path().join("ran");
    vault(
        &dir,
        &server,
        &format!("touch '{}'; printf x", marker.display()),
    );
    for args in [
        vec!["chat", "--dry-run", "hi"],
        vec!["chat", "--curl", "hi"],
        vec!["models", "--dry-run"],
        vec!["config"],
    ] {
        let out = yap(&dir).args(&args).write_stdin("").output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        // A command counts as a key: no "no API key" warning.
        assert_eq!(stderr(&out), "", "{args:?}");
        assert!(!marker.exists(), "{args:?} ran api_key_cmd");
    }
    // --api-key-env comes first: the command is not run.
    yap(&dir)
        .env("MY_KEY", "sk-my-key-123456")
        .args(["--api-key-env", "MY_KEY", "chat", "hi"])
        .write_stdin("")
        .assert()
        .success();
    assert!(!marker.exists());
    assert_eq!(
        server.only_request().header("authorization"),
        Some("Bearer sk-my-key-123456")
    );
}

#[test]
fn curl_writes_the_command_and_sh_fills_it_in() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let command = print_key();
    vault(&dir, &server, &command);
    let out = yap(&dir)
        .args(["chat", "--curl", "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let curl = stdout(&out);
    assert!(
        curl.contains(&format!("-H \"Authorization: Bearer $({command})\"")),
        "{curl}"
    );
    assert!(server.requests().is_empty());
    let run = std::process::Command::new("sh")
        .arg("-c")
        .arg(&curl)
        .env_remove("OPENAI_API_KEY")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        server.only_request().header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[test]
fn config_names_every_key_place_in_order_and_the_one_used() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
    vault(&dir, &server, "pass show openai");
    let rows = |out: &std::process::Output| -> Vec<String> {
        stdout(out)
            .lines()
            .filter(|l| l.starts_with("key_lookup"))
            .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
            .collect()
    };
    let out = yap(&dir).arg("config").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        rows(&out),
        [
            "1 --api-key-env (not given)",
            "2 profile api_key_env (not set in profile vault)",
            "3 profile api_key_cmd (profile vault: run when a request is sent)",
            "4 YAP_API_KEY (not tried)",
            "5 OPENAI_API_KEY (not tried)",
        ],
        "{}",
        stdout(&out)
    );
    let api_key = stdout(&out)
        .lines()
        .find(|l| l.starts_with("api_key "))
        .unwrap_or_default()
        .to_string();
    assert!(api_key.contains("profile vault api_key_cmd"), "{api_key}");
    assert!(
        !stdout(&out).contains("pass show"),
        "the command is not shown"
    );
    // No profile: the default variables, the used one marked.
    let out = yap(&dir)
        .args(["--config", "/dev/null", "config"])
        .output()
        .unwrap();
    assert_eq!(
        rows(&out),
        [
            "1 --api-key-env (not given)",
            "2 profile api_key_env (no profile selected)",
            "3 profile api_key_cmd (no profile selected)",
            "4 YAP_API_KEY (unset)",
            "5 OPENAI_API_KEY (set in the environment: used)",
        ],
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_missing_key_for_a_local_server_suggests_auth_none() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
    let out = chat(&dir, &server)
        .env_remove("OPENAI_API_KEY")
        .arg("hi")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no API key") && err.contains("--auth none"),
        "{err}"
    );
    assert!(
        err.find("api_key_cmd") < err.find("OPENAI_API_KEY"),
        "places in order: {err}"
    );
    assert!(server.requests().is_empty());
    // A remote server: no such hint (and still nothing sent anywhere).
    let out = yap(&dir)
        .env_remove("OPENAI_API_KEY")
        .args([
            "chat",
            "-m",
            "m",
            "--base-url",
            "https://api.example.com/v1",
        ])
        .args(["--connect-timeout", "1", "--retries", "0", "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("--auth none"), "{}", stderr(&out));
}

#[test]
fn a_base_url_without_scheme_suggests_one() {
    let dir = Scratch::new();
    for (url, suggestion) in [
        ("localhost:8080/v1", "'http://localhost:8080/v1'"),
        ("api.example.com/v1", "'https://api.example.com/v1'"),
    ] {
        let out = yap(&dir)
            .args(["chat", "-m", "m", "--base-url", url, "hi"])
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(
            err.contains(suggestion) && err.contains("no scheme"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_key_from_api_key_cmd_echoed_by_the_server_is_redacted() {
    let dir = Scratch::new();
    let server = Server::one(Reply::json(
        401,
        &format!(r#"{{"error":{{"message":"Incorrect API key provided: {KEY}"}}}}"#),
    ));
    vault(&dir, &server, &print_key());
    // No variable holds the key: only the live source knows it.
    let out = yap(&dir)
        .env_remove("OPENAI_API_KEY")
        .args(["--retries", "0", "chat", "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Incorrect API key provided: [redacted]"),
        "{}",
        stderr(&out)
    );
}
