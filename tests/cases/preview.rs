//! --dry-run and --curl send nothing; --curl's command, run by sh, sends
//! the same request.

use crate::support::*;

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
    let out = chat(&dir, &server)
        .args(["--dry-run", "-H", "X-Team: infra", "-t", "0", "hi"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!(
            "POST {}/chat/completions\nAuthorization: Bearer [redacted]\n",
            server.base()
        )),
        "{text}"
    );
    assert!(text.contains("X-Team: infra"));
    let body_start = text.find("\n\n").unwrap();
    let body: serde_json::Value = serde_json::from_str(&text[body_start..]).unwrap();
    assert_eq!(body["temperature"], serde_json::json!(0.0));
    assert!(!text.contains(KEY));
}

#[test]
fn dry_run_needs_no_key() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
    chat(&dir, &server)
        .env_remove("OPENAI_API_KEY")
        .args(["--dry-run", "hi"])
        .assert()
        .success();
}

#[test]
fn curl_command_run_by_sh_sends_the_same_request() {
    let dir = Scratch::new();
    let server = Server::start(vec![Reply::sse(stream_of(&["ok"]))]);
    let args = [
        "--auth",
        "x-api-key",
        "-H",
        "X-Quote: it's",
        "-o",
        "note=it's \"quoted\" $HOME `x`",
        "hi there",
    ];
    let out = chat(&dir, &server)
        .arg("--curl")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success());
    let command = stdout(&out);
    assert!(
        command.contains("${OPENAI_API_KEY}") && !command.contains(KEY),
        "{command}"
    );
    assert!(server.requests().is_empty());
    let run = std::process::Command::new("sh")
        .arg("-c")
        .arg(&command)
        .env("OPENAI_API_KEY", KEY)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    chat(&dir, &server).args(args).assert().success();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].json(), reqs[1].json());
    assert_eq!(reqs[0].path, reqs[1].path);
    assert_eq!(reqs[0].header("x-api-key"), Some(KEY));
    assert_eq!(reqs[0].header("x-quote"), Some("it's"));
    assert_eq!(
        reqs[0].json()["note"],
        serde_json::json!("it's \"quoted\" $HOME `x`")
    );
}

#[test]
fn secret_headers_are_redacted_in_previews_and_sent_as_given() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    dir.write(
        "config/yap/config.toml",
        "[profiles.p]\nheaders = { \"X-Auth-Token\" = \"tok-from-profile-123\", \"X-Team\" = \"infra\" }\n",
    );
    let args = [
        "-P",
        "p",
        "-H",
        "X-Api-Key: key-from-flag-123",
        "-H",
        "Cookie: session=cookie-value-123",
        "hi",
    ];
    for preview in ["--dry-run", "--curl"] {
        let out = chat(&dir, &server)
            .arg(preview)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = stdout(&out);
        for secret in [
            "tok-from-profile-123",
            "key-from-flag-123",
            "cookie-value-123",
        ] {
            assert!(!text.contains(secret), "{preview}: {text}");
        }
        for shown in [
            "X-Auth-Token: [redacted]",
            "X-Api-Key: [redacted]",
            "Cookie: [redacted]",
            "X-Team: infra",
        ] {
            assert!(text.contains(shown), "{preview}: {shown}: {text}");
        }
    }
    chat(&dir, &server).args(args).assert().success();
    let req = server.only_request();
    assert_eq!(req.header("x-auth-token"), Some("tok-from-profile-123"));
    assert_eq!(req.header("x-api-key"), Some("key-from-flag-123"));
    assert_eq!(req.header("cookie"), Some("session=cookie-value-123"));
}

#[test]
fn a_preview_without_any_key_warns_where_yap_looked() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
    let with_key = chat(&dir, &server)
        .args(["--dry-run", "hi"])
        .output()
        .unwrap();
    assert_eq!(stderr(&with_key), "");
    for preview in ["--dry-run", "--curl"] {
        let out = chat(&dir, &server)
            .env_remove("OPENAI_API_KEY")
            .args([preview, "hi"])
            .output()
            .unwrap();
        assert!(out.status.success());
        if preview == "--dry-run" {
            assert_eq!(out.stdout, with_key.stdout, "the same preview");
        }
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "one warning: {err}");
        assert!(err.starts_with("yap: warning: "), "{err}");
        let places = [
            "--api-key-env",
            "profile api_key_env",
            "profile api_key_cmd",
            "YAP_API_KEY",
            "OPENAI_API_KEY",
        ];
        let at: Vec<Option<usize>> = places.iter().map(|p| err.find(p)).collect();
        assert!(at.iter().all(Option::is_some), "{err}");
        assert!(at.windows(2).all(|w| w[0] < w[1]), "in order: {err}");
    }
    // --auth none needs no key; -q silences the warning.
    for extra in ["--auth=none", "-q"] {
        chat(&dir, &server)
            .env_remove("OPENAI_API_KEY")
            .args(["--dry-run", extra, "hi"])
            .assert()
            .success()
            .stderr("");
    }
    assert!(server.requests().is_empty());
}
