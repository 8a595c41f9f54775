//! A `.env` in the working directory: what it may not do (send the shell's
//! key to a host it chose, choose the config file or the data folder),
//! how to skip it, and lines it cannot hold.

use serde_json::json;

use crate::support::*;

/// A host that is not loopback; nothing here ever connects to it.
const FAR: &str = "collector.example.net";

/// `yap` with the test server as the shell's HTTP proxy: a request for
/// `http://FAR/…` that yap did send would arrive there.
fn via_proxy(dir: &Scratch, proxy: &Server) -> Yap {
    let mut cmd = yap(dir);
    cmd.env("HTTP_PROXY", format!("http://127.0.0.1:{}", proxy.port))
        .args(["--retries", "0", "--connect-timeout", "2"])
        .write_stdin("");
    cmd
}

fn assert_refused(out: &std::process::Output, var: &str, host: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert!(out.stdout.is_empty(), "{}", stdout(out));
    let err = stderr(out);
    for word in [".env", var, host, "--no-dotenv"] {
        assert!(err.contains(word), "{word} missing: {err}");
    }
}

#[test]
fn a_dotenv_base_url_does_not_get_the_shell_key() {
    let dir = Scratch::new();
    let proxy = Server::one(Reply::sse(stream_of(&["leaked"]))).unused();
    dir.write(".env", format!("OPENAI_BASE_URL=http://{FAR}/v1\n"));
    for args in [
        vec!["chat", "-m", "m", "hi"],
        vec!["chat", "-m", "m", "--dry-run", "hi"],
        vec!["chat", "-m", "m", "--curl", "hi"],
        vec!["complete", "-m", "m", "hi"],
        vec!["models"],
    ] {
        let out = via_proxy(&dir, &proxy).args(&args).output().unwrap();
        assert_refused(&out, "OPENAI_BASE_URL", FAR);
    }
    assert!(proxy.requests().is_empty());
}

#[test]
fn an_https_dotenv_host_is_refused_before_any_connection() {
    let dir = Scratch::new();
    dir.write(".env", format!("YAP_BASE_URL=https://{FAR}/v1\n"));
    let started = std::time::Instant::now();
    let out = yap(&dir)
        .args([
            "chat",
            "-m",
            "m",
            "--retries",
            "0",
            "--connect-timeout",
            "1",
            "hi",
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert_refused(&out, "YAP_BASE_URL", FAR);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn a_dotenv_proxy_does_not_get_the_shell_key() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
    dir.write(".env", "HTTP_PROXY=http://proxy.example.net:3128\n");
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_refused(&out, "HTTP_PROXY", "proxy.example.net");
    assert!(stderr(&out).contains("-x URL"), "{}", stderr(&out));
    assert!(server.requests().is_empty());
}

#[test]
fn a_dotenv_host_is_allowed_when_the_user_named_it_or_the_file_gave_the_key() {
    // The same host named by a flag: sent (through the shell's proxy).
    let dir = Scratch::new();
    let proxy = Server::start(vec![
        Reply::sse(stream_of(&["flag"])),
        Reply::sse(stream_of(&["shell"])),
        Reply::sse(stream_of(&["file key"])),
    ]);
    dir.write(".env", format!("OPENAI_BASE_URL=http://{FAR}/v1\n"));
    via_proxy(&dir, &proxy)
        .args(["--base-url", &format!("http://{FAR}/v2"), "chat", "-m", "m"])
        .arg("hi")
        .assert()
        .success()
        .stdout("flag\n");
    // The same host in a shell variable that the .env one overrides.
    dir.write(".env", format!("YAP_BASE_URL=http://{FAR}/v3\n"));
    via_proxy(&dir, &proxy)
        .env(
            "OPENAI_BASE_URL",
            format!("http://{}/v1", FAR.to_uppercase()),
        )
        .args(["chat", "-m", "m", "hi"])
        .assert()
        .success()
        .stdout("shell\n");
    // The key from the same file (none in the shell).
    dir.write(
        ".env",
        format!("OPENAI_BASE_URL=http://{FAR}/v1\nOPENAI_API_KEY=sk-from-the-dotenv-file\n"),
    );
    via_proxy(&dir, &proxy)
        .env_remove("OPENAI_API_KEY")
        .args(["chat", "-m", "m", "hi"])
        .assert()
        .success()
        .stdout("file key\n");
    let reqs = proxy.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].path, format!("http://{FAR}/v2/chat/completions"));
    assert_eq!(reqs[1].path, format!("http://{FAR}/v3/chat/completions"));
    assert_eq!(
        reqs[1].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(
        reqs[2].header("authorization"),
        Some("Bearer sk-from-the-dotenv-file")
    );
}

#[test]
fn a_loopback_dotenv_host_and_auth_none_are_allowed() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["local"])),
        Reply::sse(stream_of(&["no auth"])),
    ]);
    dir.write(
        ".env",
        format!("YAP_BASE_URL=http://localhost:{}\n", server.port),
    );
    yap(&dir)
        .args(["chat", "-m", "m", "hi"])
        .write_stdin("")
        .assert()
        .success()
        .stdout("local\n");
    // --auth none sends no key, so the .env may choose the host.
    dir.write(".env", format!("OPENAI_BASE_URL=http://{FAR}/v1\n"));
    via_proxy(&dir, &server)
        .args(["chat", "-m", "m", "--auth", "none", "hi"])
        .assert()
        .success()
        .stdout("no auth\n");
    let reqs = server.requests();
    assert_eq!(
        reqs[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(reqs[1].header("authorization"), None);
}

#[test]
fn a_dotenv_may_not_choose_the_config_file_or_the_data_folder() {
    for var in ["YAP_CONFIG", "YAP_DATA_DIR"] {
        let dir = Scratch::new();
        let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
        let file = dir.write(".env", format!("YAP_MODEL=m\n{var}=./here\n"));
        for out in [
            chat(&dir, &server).arg("hi").output().unwrap(),
            yap(&dir).arg("config").output().unwrap(),
        ] {
            assert_eq!(out.status.code(), Some(2), "{var}: {}", stderr(&out));
            assert!(out.stdout.is_empty());
            let err = stderr(&out);
            assert!(
                err.contains(&file.display().to_string()) && err.contains(var),
                "{err}"
            );
        }
        // A YAP_NO_DOTENV in the file itself does not skip the file.
        dir.write(".env", format!("YAP_NO_DOTENV=1\n{var}=./here\n"));
        chat(&dir, &server).arg("hi").assert().code(2);
        assert!(server.requests().is_empty());
    }
}

#[test]
fn no_dotenv_flag_and_variable_skip_the_file() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["a"])),
        Reply::sse(stream_of(&["b"])),
    ]);
    dir.write(
        ".env",
        format!(
            "YAP_CONFIG=./evil.toml\nOPENAI_BASE_URL=https://{FAR}/v1\nYAP_MODEL=dotenv-model\n"
        ),
    );
    chat(&dir, &server)
        .args(["--no-dotenv", "hi"])
        .assert()
        .success()
        .stdout("a\n");
    chat(&dir, &server)
        .env("YAP_NO_DOTENV", "1")
        .arg("hi")
        .assert()
        .success()
        .stdout("b\n");
    // What the file would have set is not used.
    for out in [
        yap(&dir).args(["--no-dotenv", "config"]).output().unwrap(),
        yap(&dir)
            .env("YAP_NO_DOTENV", "1")
            .arg("config")
            .output()
            .unwrap(),
    ] {
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(!stdout(&out).contains("dotenv-model"), "{}", stdout(&out));
        assert!(!stdout(&out).contains(FAR), "{}", stdout(&out));
        assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    }
}

#[test]
fn a_line_yap_cannot_read_is_a_warning_and_the_others_still_count() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["ok"])),
        Reply::sse(stream_of(&["quiet"])),
    ]);
    let file = dir.write(
        ".env",
        "GREETING=hello world\nexport YAP_MODEL='dotenv model'\n--flag=1\n",
    );
    let out = yap(&dir)
        .args(["chat", "--base-url", &server.base(), "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ok\n");
    let err = stderr(&out);
    let warnings: Vec<&str> = err.lines().collect();
    assert_eq!(warnings.len(), 2, "{err}");
    assert!(
        warnings[0].starts_with(&format!("yap: warning: {}, line 1: ", file.display())),
        "{err}"
    );
    assert!(warnings[1].contains("line 3"), "{err}");
    assert!(
        !err.contains("hello world"),
        "the line is not echoed: {err}"
    );
    // -q silences the warning, not the settings.
    yap(&dir)
        .args(["-q", "chat", "--base-url", &server.base(), "hi"])
        .write_stdin("")
        .assert()
        .success()
        .stderr("")
        .stdout("quiet\n");
    for req in server.requests() {
        assert_eq!(req.json()["model"], json!("dotenv model"));
    }
}
