//! Servers that misbehave on purpose: for each, the documented exit code,
//! a one-line error that says what happened, stdout holding exactly what
//! arrived before the fault, and no panic.

use std::time::{Duration, Instant};

use crate::support::*;

/// Run `yap chat … hi` and check exit code, stdout, and that stderr is
/// one `yap: error:` line containing `says` (no panic, no backtrace).
fn fault(reply: Reply, args: &[&str], code: i32, stdout_is: &str, says: &str) {
    let dir = Scratch::new();
    let server = Server::one(reply);
    let out = chat(&dir, &server).args(args).arg("hi").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    assert_eq!(stdout(&out), stdout_is, "{args:?}");
    let errors: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("yap: error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(errors[0].contains(says), "want {says:?} in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn head(extra: &str) -> String {
    format!("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n{extra}\r\n")
}

#[test]
fn connect_timeout_on_a_listener_that_never_accepts() {
    // A backlog of one, filled: the kernel drops further SYNs, so connect hangs.
    let listener = {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _guard = rt.enter();
        let l = socket.listen(1).unwrap();
        let std = l.into_std().unwrap();
        std::mem::forget(rt);
        std
    };
    let port = listener.local_addr().unwrap().port();
    let fillers: Vec<_> = (0..4)
        .filter_map(|_| {
            std::net::TcpStream::connect_timeout(
                &listener.local_addr().unwrap(),
                Duration::from_millis(200),
            )
            .ok()
        })
        .collect();
    let dir = Scratch::new();
    let started = Instant::now();
    let out = yap(&dir)
        .args([
            "chat",
            "--base-url",
            &format!("http://127.0.0.1:{port}/v1"),
            "-m",
            "m",
        ])
        .args(["--retries", "0", "--connect-timeout", "0.5", "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    drop(fillers);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--connect-timeout"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[test]
fn silence_after_accept_ends_by_idle_timeout_or_timeout() {
    let silent = || Reply {
        steps: vec![Step::Pause(Duration::from_secs(10))],
    };
    fault(
        silent(),
        &["--idle-timeout", "0.3"],
        7,
        "",
        "--idle-timeout",
    );
    fault(
        silent(),
        &["--timeout", "0.3"],
        7,
        "",
        "timed out after 0.3 s (--timeout)",
    );
}

#[test]
fn keepalives_only_end_by_timeout_not_idle_timeout() {
    let mut reply = Reply::sse_pieces(vec![]);
    for _ in 0..40 {
        reply = reply
            .then(Step::Write(b": keep-alive\n\n".to_vec()))
            .then(Step::Pause(Duration::from_millis(50)));
    }
    fault(
        reply,
        &["--idle-timeout", "0.3", "--timeout", "1"],
        7,
        "",
        "(--timeout)",
    );
}

#[test]
fn connection_closed_mid_header_mid_body_mid_chunk() {
    fault(
        Reply::raw("HTTP/1.1 200 OK\r\ncontent-ty"),
        &[],
        7,
        "",
        "request failed",
    );
    let body = String::from_utf8(stream_of(&["kept"])).unwrap();
    // Inside the event after the one that carries "kept".
    let kept = body.find("kept").unwrap();
    let cut = kept + body[kept..].find("\n\n").unwrap() + 12;
    fault(
        Reply::raw(format!("{}{}", head(""), &body[..cut])),
        &[],
        8,
        "kept\n",
        "stream ended before the answer was complete",
    );
    // Chunked transfer cut inside a chunk.
    let first = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"part\"}}]}\n\n";
    fault(
        Reply::raw(format!(
            "{}{:x}\r\n{first}\r\n40\r\ndata: {{\"cho",
            head("transfer-encoding: chunked\r\n"),
            first.len()
        )),
        &[],
        8,
        "part\n",
        "stream ended before the answer was complete",
    );
}

#[test]
fn lying_lengths() {
    let doc = completion("whole");
    // Content-Length larger than what comes, then close.
    fault(
        Reply::raw(format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
            doc.len() + 50,
            &doc[..doc.len() - 5]
        )),
        &["--no-stream"],
        8,
        "",
        "not valid JSON",
    );
    // A chunk that claims more bytes than it has, then garbage.
    fault(
        Reply::raw(format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nffff\r\n{doc}\r\nzz\r\n"
        )),
        &["--no-stream"],
        8,
        "",
        "not valid JSON",
    );
}

#[test]
fn corrupt_gzip_body_is_not_json() {
    fault(
        Reply::raw(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: 10\r\n\r\n\x1f\x8b\x08\x00garbag".to_vec()),
        &["--no-stream"],
        8,
        "",
        "not UTF-8 text",
    );
}

#[test]
fn wrong_bodies_after_a_200() {
    let html = "<html><head><title>Login</title></head><body>please sign in</body></html>";
    fault(
        Reply::raw(format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n{html}",
            html.len()
        )),
        &[],
        8,
        "",
        "an HTML page, not the API's JSON: Login (",
    );
    fault(
        Reply::json(200, ""),
        &["--no-stream"],
        8,
        "",
        "not valid JSON",
    );
    fault(
        Reply::json(200, r#"{"id":"x","object":"chat.completion"}"#),
        &["--no-stream"],
        8,
        "",
        "no choices",
    );
    fault(
        Reply::json(200, r#"{"choices":"none"}"#),
        &["--no-stream"],
        8,
        "",
        "unexpected shape",
    );
    fault(
        Reply::json(
            200,
            r#"{"choices":[{"index":"zero","message":{"content":5}}]}"#,
        ),
        &["--no-stream"],
        8,
        "",
        "unexpected shape",
    );
    fault(
        Reply::sse(b"data: {\"choices\":[{\"delta\":{\"content\":7}}]}\n\n".to_vec()),
        &[],
        8,
        "",
        "not valid JSON",
    );
}

#[test]
fn size_caps_end_with_exit_8_naming_the_cap() {
    // An endless line without a newline: the decoder gives up at the cap.
    let mut reply = Reply::sse_pieces(vec![b"data: ".to_vec()]);
    for _ in 0..64 {
        reply = reply.then(Step::Write(vec![b'x'; 16 * 1024]));
    }
    fault(
        reply,
        &["--max-size", "256K"],
        8,
        "",
        "larger than --max-size (262144 bytes)",
    );
    let big = completion(&"y".repeat(300_000));
    fault(
        Reply::json(200, &big),
        &["--no-stream", "--max-size", "100K"],
        8,
        "",
        "the response body is larger than --max-size",
    );
    // Under the cap, the same answer is fine.
    let dir = Scratch::new();
    let server = Server::one(Reply::json(200, &big));
    chat(&dir, &server)
        .args(["--no-stream", "--max-size", "1M", "hi"])
        .assert()
        .success();
}

#[test]
fn retry_after_forms_and_the_timeout() {
    let limited = |header: &str| {
        Reply::raw(format!(
            "HTTP/1.1 429 Too Many Requests\r\n{header}\r\ncontent-length: 4\r\n\r\nslow"
        ))
    };
    for header in [
        "retry-after: 0",
        "retry-after-ms: 20",
        &format!(
            "retry-after: {}",
            httpdate::fmt_http_date(std::time::SystemTime::now())
        ),
    ] {
        let dir = Scratch::new();
        let server = Server::start(vec![limited(header), Reply::sse(stream_of(&["ok"]))]);
        let out = chat(&dir, &server)
            .args(["--retries", "1", "hi"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{header}: {}", stderr(&out));
        assert_eq!(server.requests().len(), 2, "{header}");
    }
    // A wait longer than what is left of --timeout is not made.
    let dir = Scratch::new();
    let server = Server::one(Reply::raw(
        "HTTP/1.1 503 Service Unavailable\r\nretry-after: 20\r\ncontent-length: 4\r\n\r\nbusy",
    ));
    let started = Instant::now();
    let out = chat(&dir, &server)
        .args(["--retries", "3", "--timeout", "2", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn redirects_to_another_host_carry_no_key_and_loops_end() {
    let other = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    let dir = Scratch::new();
    let first = Server::one(Reply::raw(format!(
        "HTTP/1.1 308 Permanent Redirect\r\nlocation: http://localhost:{}/v1/chat/completions\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
        other.port
    )));
    let out = chat(&dir, &first).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    // `other` asserts on drop that it saw no request, so no header went there.
    let looping = Server::one(Reply::raw(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: /v1/chat/completions\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
    ));
    let out = chat(&dir, &looping).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("too many redirects"),
        "{}",
        stderr(&out)
    );
    assert!(looping.requests().len() <= 12);
}

/// `openssl s_server -WWW` with a fresh self-signed certificate, serving
/// files from a scratch directory.
struct TlsServer {
    child: std::process::Child,
    port: u16,
}

impl TlsServer {
    fn start(dir: &Scratch) -> TlsServer {
        let ok = std::process::Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
            ])
            .args(["-keyout", "key.pem", "-out", "cert.pem"])
            .current_dir(dir.path())
            .output()
            .expect("openssl(1)")
            .status
            .success();
        assert!(ok);
        // A freed port may be taken again by a concurrent test server: try
        // again when s_server dies instead of listening.
        for _ in 0..5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut child = std::process::Command::new("openssl")
                .args([
                    "s_server", "-quiet", "-WWW", "-cert", "cert.pem", "-key", "key.pem",
                ])
                .args(["-accept", &format!("127.0.0.1:{port}")])
                .current_dir(dir.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let started = Instant::now();
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
                && started.elapsed() < Duration::from_secs(10)
            {
                std::thread::sleep(Duration::from_millis(50));
            }
            std::thread::sleep(Duration::from_millis(50));
            if child.try_wait().unwrap().is_none() {
                return TlsServer { child, port };
            }
        }
        panic!("openssl s_server did not start");
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn self_signed_certificate_is_refused_unless_insecure() {
    let dir = Scratch::new();
    dir.write("v1/models", r#"{"data":[{"id":"tls-model"}]}"#);
    let tls = TlsServer::start(&dir);
    let base = format!("https://127.0.0.1:{}/v1", tls.port);
    let out = yap(&dir)
        .args(["models", "--base-url", &base, "--retries", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("TLS certificate was refused"),
        "{}",
        stderr(&out)
    );
    let out = yap(&dir)
        .args(["models", "--base-url", &base, "--insecure"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "tls-model\n");
    assert!(
        stderr(&out).contains("warning: --insecure"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn key_over_plain_http_to_another_host_warns() {
    let dir = Scratch::new();
    let proxy = Server::one(Reply::sse(stream_of(&["ok"])));
    let out = yap(&dir)
        .args([
            "chat",
            "--base-url",
            "http://api.example.invalid/v1",
            "-m",
            "m",
        ])
        .args(["-x", &format!("http://127.0.0.1:{}", proxy.port), "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains(
            "warning: the API key is sent unencrypted over http:// to api.example.invalid"
        ),
        "{}",
        stderr(&out)
    );
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    chat(&dir, &server).arg("hi").assert().success().stderr("");
}
