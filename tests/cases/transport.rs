//! Timeouts, proxies, redirects, Ctrl-C and -v, against live sockets.

use std::time::{Duration, Instant};

use crate::support::*;

#[test]
fn timeout_bounds_the_whole_command() {
    let dir = Scratch::new();
    let server = Server::one(
        Reply::sse(b": waiting\n\n".to_vec()).then(Step::Pause(Duration::from_secs(10))),
    );
    let started = Instant::now();
    let out = chat(&dir, &server)
        .args(["--timeout", "0.5", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert!(
        stderr(&out).contains("timed out after 0.5 s"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn idle_timeout_keeps_what_arrived() {
    let cut_body = cut_stream(&["so far"]);
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(cut_body).then(Step::Pause(Duration::from_secs(10))));
    let out = chat(&dir, &server)
        .args(["--idle-timeout", "0.3", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(stdout(&out), "so far\n");
    assert!(stderr(&out).contains("--idle-timeout"), "{}", stderr(&out));
}

#[test]
fn keepalive_comments_count_as_life_for_idle_timeout() {
    let mut reply = Reply::sse_pieces(vec![]);
    for _ in 0..8 {
        reply = reply
            .then(Step::Write(b": OPENROUTER PROCESSING\n\n".to_vec()))
            .then(Step::Pause(Duration::from_millis(100)));
    }
    reply = reply.then(Step::Write(stream_of(&["alive"])));
    let dir = Scratch::new();
    let server = Server::one(reply);
    chat(&dir, &server)
        .args(["--idle-timeout", "0.4", "hi"])
        .assert()
        .success()
        .stdout("alive\n");
}

#[test]
fn explicit_proxy_gets_the_absolute_url() {
    let dir = Scratch::new();
    let proxy = Server::one(Reply::sse(stream_of(&["via proxy"])));
    yap(&dir)
        .args([
            "chat",
            "--base-url",
            "http://api.example.invalid/v1",
            "-m",
            "m",
        ])
        .args(["-x", &format!("http://127.0.0.1:{}", proxy.port), "hi"])
        .write_stdin("")
        .assert()
        .success()
        .stdout("via proxy\n");
    assert_eq!(
        proxy.only_request().path,
        "http://api.example.invalid/v1/chat/completions"
    );
}

#[test]
fn proxy_variables_and_no_proxy() {
    let dir = Scratch::new();
    let proxy = Server::one(Reply::sse(stream_of(&["env proxy"])));
    yap(&dir)
        .env("HTTP_PROXY", format!("http://127.0.0.1:{}", proxy.port))
        .args([
            "chat",
            "--base-url",
            "http://api.example.invalid/v1",
            "-m",
            "m",
            "hi",
        ])
        .write_stdin("")
        .assert()
        .success()
        .stdout("env proxy\n");
    assert_eq!(
        proxy.only_request().path,
        "http://api.example.invalid/v1/chat/completions"
    );

    let direct = Server::one(Reply::sse(stream_of(&["direct"])));
    let unused_proxy = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    chat(&dir, &direct)
        .env(
            "HTTP_PROXY",
            format!("http://127.0.0.1:{}", unused_proxy.port),
        )
        .env("NO_PROXY", "127.0.0.1")
        .arg("hi")
        .assert()
        .success()
        .stdout("direct\n");
}

#[test]
fn same_origin_redirect_is_followed() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::raw(
            "HTTP/1.1 307 Temporary Redirect\r\nlocation: /v2/chat/completions\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
        ),
        Reply::sse(stream_of(&["moved"])),
    ]);
    chat(&dir, &server)
        .arg("hi")
        .assert()
        .success()
        .stdout("moved\n");
    let reqs = server.requests();
    assert_eq!(reqs[1].path, "/v2/chat/completions");
    assert_eq!(reqs[1].method, "POST");
}

#[test]
fn cross_origin_redirect_is_not_followed() {
    let dir = Scratch::new();
    let other = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    let location = format!("http://localhost:{}/v1/chat/completions", other.port);
    let server = Server::one(Reply::raw(format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
    )));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains(&location), "{}", stderr(&out));
}

#[test]
fn verbose_shows_request_and_timings_without_the_key() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let out = chat(&dir, &server).args(["-v", "hi"]).output().unwrap();
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!("> POST {}/chat/completions", server.base())),
        "{err}"
    );
    assert!(err.contains("> Authorization: Bearer [redacted]"), "{err}");
    assert!(err.contains("< 200 OK ("), "{err}");
    assert!(err.contains(" ms"), "{err}");
    assert!(!err.contains(KEY));
}

#[test]
fn ctrl_c_keeps_what_arrived_and_exits_130() {
    use std::io::Read;
    use std::process::Command;
    let cut_body = cut_stream(&["partial"]);
    let server = Server::one(Reply::sse(cut_body).then(Step::Pause(Duration::from_secs(10))));
    let dir = Scratch::new();
    let mut child = spawn_chat(&dir, &server);
    let mut stdout = child.stdout.take().unwrap();
    let mut got = [0u8; 7];
    stdout.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"partial");
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(rest, "\n");
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("yap: error: interrupted"), "{err}");
}

#[test]
fn idle_timeout_covers_a_server_that_never_answers() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse_pieces(vec![]).then(Step::Pause(Duration::from_secs(10))));
    // The reply's head is written at once; a server that sends nothing at all:
    let silent = Server::one(Reply {
        steps: vec![Step::Pause(Duration::from_secs(10))],
    });
    let out = chat(&dir, &silent)
        .args(["--idle-timeout", "0.3", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert!(
        stderr(&out).contains("no response from"),
        "{}",
        stderr(&out)
    );
    let out = chat(&dir, &server)
        .args(["--idle-timeout", "0.3", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert!(
        stderr(&out).contains("no data from the server for 0.3 s"),
        "{}",
        stderr(&out)
    );
}
