//! Batches (`yap replay --live` over many records): input order, at most N
//! in flight, failures, --resume after a kill, --retry-failed, --rate,
//! one shared back-off after a 429, --fail-fast, shards and --merge,
//! Ctrl-C, and bad input with nothing sent.

use std::io::{BufReader, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::*;

/// What the server answers to one request body: status, delay, extra
/// header lines.
type Handler = dyn Fn(&Value) -> (u16, Duration, String) + Send + Sync;

/// A keep-alive HTTP/1.1 server for batches: each request on its own
/// thread, the arrival time and body of each kept, the most requests in
/// flight at once counted.
struct BatchServer {
    base: String,
    seen: Arc<Mutex<Vec<(Instant, Value)>>>,
    max_in_flight: Arc<AtomicUsize>,
}

impl BatchServer {
    fn start(handler: Arc<Handler>) -> BatchServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!(
            "http://127.0.0.1:{}/v1",
            listener.local_addr().unwrap().port()
        );
        let seen = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let max_in_flight = Arc::new(AtomicUsize::new(0));
        let (s, i, m) = (seen.clone(), in_flight.clone(), max_in_flight.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (s, i, m, h) = (s.clone(), i.clone(), m.clone(), handler.clone());
                std::thread::spawn(move || serve(stream, &s, &i, &m, &*h));
            }
        });
        BatchServer {
            base,
            seen,
            max_in_flight,
        }
    }

    fn bodies(&self) -> Vec<Value> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(_, b)| b.clone())
            .collect()
    }
}

fn serve(
    stream: std::net::TcpStream,
    seen: &Mutex<Vec<(Instant, Value)>>,
    in_flight: &AtomicUsize,
    max: &AtomicUsize,
    handler: &Handler,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    while let Some(body) = read_request(&mut reader) {
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        max.fetch_max(now, Ordering::SeqCst);
        seen.lock().unwrap().push((Instant::now(), body.clone()));
        let (status, delay, headers) = handler(&body);
        std::thread::sleep(delay);
        let text = prompt_of(&body);
        let reply = if status == 200 {
            completion(&format!("re: {text}"))
        } else {
            json!({"error": {"message": format!("no thanks: {text}"), "type": "x"}}).to_string()
        };
        in_flight.fetch_sub(1, Ordering::SeqCst);
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n",
            reply.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(reply.as_bytes()).is_err()
        {
            return;
        }
    }
}

fn prompt_of(body: &Value) -> String {
    body["messages"][0]["content"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// `n` bare request bodies, prompts `p0`, `p1`, …
fn input(dir: &Scratch, name: &str, n: usize) -> std::path::PathBuf {
    let lines: String = (0..n)
        .map(|i| {
            format!(
                "{}\n",
                json!({"model": "m", "messages": [{"role": "user", "content": format!("p{i}")}]})
            )
        })
        .collect();
    dir.write(name, lines)
}

fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn indices(results: &[Value]) -> Vec<u64> {
    results
        .iter()
        .map(|r| r["index"].as_u64().unwrap())
        .collect()
}

fn batch_cmd(dir: &Scratch, server: &BatchServer, file: &std::path::Path) -> Yap {
    let mut cmd = yap(dir);
    cmd.args([
        "replay",
        "--live",
        file.to_str().unwrap(),
        "--base-url",
        &server.base,
        "--retries",
        "0",
    ]);
    cmd
}

#[test]
fn results_come_in_input_order_with_failures_and_at_most_n_in_flight() {
    let dir = Scratch::new();
    // Later records answer faster, so they finish out of order; p5 and p12 fail.
    let server = BatchServer::start(Arc::new(|body: &Value| {
        let p = prompt_of(body);
        let n: u64 = p.trim_start_matches('p').parse().unwrap_or(0);
        let status = if p == "p5" || p == "p12" { 400 } else { 200 };
        (
            status,
            Duration::from_millis(80 - 3 * n.min(20)),
            String::new(),
        )
    }));
    let file = input(&dir, "in.jsonl", 20);
    let out = batch_cmd(&dir, &server, &file)
        .args(["--concurrency", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let results: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(indices(&results), (0..20).collect::<Vec<u64>>());
    assert_eq!(results[0]["status"], json!(200));
    assert_eq!(
        results[0]["response"]["choices"][0]["message"]["content"],
        json!("re: p0")
    );
    assert_eq!(results[5]["status"], json!(400));
    assert_eq!(results[5]["error"]["kind"], json!("rejected"));
    assert!(
        results[12]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no thanks: p12")
    );
    assert_eq!(server.bodies().len(), 20);
    let max = server.max_in_flight.load(Ordering::SeqCst);
    assert!((1..=3).contains(&max), "{max} in flight");
    assert!(
        stderr(&out).contains("batch: 20 records run: 18 ok, 2 failed"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("the first in input order: index 5"),
        "{}",
        stderr(&out)
    );
}

/// `yap replay --live in.jsonl --concurrency 2 -O out.jsonl`, to spawn
/// and kill.
fn batch_of_ten(dir: &Scratch, base: &str) -> std::process::Command {
    let mut cmd = spawn_yap(dir);
    cmd.args([
        "replay",
        "--live",
        "in.jsonl",
        "--base-url",
        base,
        "--concurrency",
        "2",
        "-O",
        "out.jsonl",
    ])
    .stdin(std::process::Stdio::null());
    cmd
}

#[test]
fn a_killed_batch_resumes_with_every_index_once() {
    let dir = Scratch::new();
    let server = BatchServer::start(Arc::new(|_: &Value| {
        (200, Duration::from_millis(150), String::new())
    }));
    let file = input(&dir, "in.jsonl", 10);
    let out_path = dir.path().join("out.jsonl");
    let mut child = batch_of_ten(&dir, &server.base)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::fs::read_to_string(&out_path)
        .map(|t| t.lines().count())
        .unwrap_or(0)
        < 3
    {
        assert!(started.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // A torn last line, as a kill during a write leaves.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&out_path)
        .unwrap()
        .write_all(b"{\"index\":9,\"sta")
        .unwrap();
    let before = lines_lossy(&out_path);
    assert!(before < 10, "{before} lines before resuming");
    let out = batch_cmd(&dir, &server, &file)
        .args([
            "--concurrency",
            "2",
            "-O",
            out_path.to_str().unwrap(),
            "--resume",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut got = indices(&lines(&out_path));
    got.sort_unstable();
    assert_eq!(got, (0..10).collect::<Vec<u64>>());
}

fn lines_lossy(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn retry_failed_replaces_the_failed_lines() {
    let dir = Scratch::new();
    let failing = Arc::new(AtomicBool::new(true));
    let f = failing.clone();
    let server = BatchServer::start(Arc::new(move |body: &Value| {
        let odd = prompt_of(body)
            .trim_start_matches('p')
            .parse::<u32>()
            .unwrap_or(0)
            % 2
            == 1;
        let status = if odd && f.load(Ordering::SeqCst) {
            503
        } else {
            200
        };
        (status, Duration::ZERO, String::new())
    }));
    let file = input(&dir, "in.jsonl", 6);
    let out_path = dir.path().join("out.jsonl");
    let out = batch_cmd(&dir, &server, &file)
        .args(["-O", out_path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert_eq!(
        lines(&out_path)
            .iter()
            .filter(|r| r.get("error").is_some())
            .count(),
        3
    );
    failing.store(false, Ordering::SeqCst);
    let out = batch_cmd(&dir, &server, &file)
        .args(["-O", out_path.to_str().unwrap(), "--retry-failed"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let results = lines(&out_path);
    let mut got = indices(&results);
    got.sort_unstable();
    assert_eq!(got, (0..6).collect::<Vec<u64>>());
    assert!(results.iter().all(|r| r["status"] == json!(200)));
    // Only the three failed records were sent again.
    assert_eq!(server.bodies().len(), 9);
}

#[test]
fn rate_spaces_the_starts() {
    let dir = Scratch::new();
    let server = BatchServer::start(Arc::new(|_: &Value| (200, Duration::ZERO, String::new())));
    let file = input(&dir, "in.jsonl", 4);
    let out = batch_cmd(&dir, &server, &file)
        .args(["--concurrency", "4", "--rate", "600/min"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let times: Vec<Instant> = server
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|(t, _)| *t)
        .collect();
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(90),
            "{:?}",
            pair[1] - pair[0]
        );
    }
}

#[test]
fn a_429_with_retry_after_holds_back_the_whole_batch() {
    let dir = Scratch::new();
    let first = Arc::new(AtomicBool::new(true));
    let f = first.clone();
    let server = BatchServer::start(Arc::new(move |body: &Value| {
        if prompt_of(body) == "p0" && f.swap(false, Ordering::SeqCst) {
            (429, Duration::ZERO, "retry-after: 1\r\n".to_string())
        } else {
            (200, Duration::from_millis(100), String::new())
        }
    }));
    let file = input(&dir, "in.jsonl", 6);
    let out = batch_cmd(&dir, &server, &file)
        .args(["--concurrency", "3", "--retries", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let seen = server.seen.lock().unwrap().clone();
    let t0 = seen[0].0;
    // Records 3 to 5 started only after the server's wait, as did p0's retry.
    for (t, body) in &seen {
        let n: u32 = prompt_of(body).trim_start_matches('p').parse().unwrap();
        if n >= 3 {
            assert!(
                *t - t0 >= Duration::from_millis(900),
                "p{n} after {:?}",
                *t - t0
            );
        }
    }
    assert_eq!(seen.len(), 7);
}

#[test]
fn fail_fast_starts_nothing_after_the_first_failure() {
    let dir = Scratch::new();
    let server = BatchServer::start(Arc::new(|body: &Value| {
        let status = if prompt_of(body) == "p2" { 401 } else { 200 };
        (status, Duration::ZERO, String::new())
    }));
    let file = input(&dir, "in.jsonl", 8);
    let out = batch_cmd(&dir, &server, &file)
        .args(["--concurrency", "1", "--fail-fast"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let results: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(indices(&results), vec![0, 1, 2]);
    assert_eq!(server.bodies().len(), 3);
    assert!(stderr(&out).contains("5 not started"), "{}", stderr(&out));
}

#[test]
fn shards_merge_back_into_the_whole() {
    let dir = Scratch::new();
    let server = BatchServer::start(Arc::new(|_: &Value| (200, Duration::ZERO, String::new())));
    let file = input(&dir, "in.jsonl", 7);
    let whole = batch_cmd(&dir, &server, &file).output().unwrap();
    let mut parts = Vec::new();
    for k in 1..=3 {
        let part = dir.path().join(format!("part{k}.jsonl"));
        batch_cmd(&dir, &server, &file)
            .args(["--shard", &format!("{k}/3"), "-O", part.to_str().unwrap()])
            .assert()
            .success();
        parts.push(part);
    }
    assert_eq!(indices(&lines(&parts[1])), vec![1, 4]);
    let merged = yap(&dir)
        .args(["replay", "--merge"])
        .args(parts.iter().map(|p| p.to_str().unwrap()))
        .output()
        .unwrap();
    assert_eq!(merged.status.code(), Some(0), "{}", stderr(&merged));
    let strip = |text: &str| -> Vec<Value> {
        text.lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                v["response"]["created"] = json!(0);
                v["response"]["id"] = json!("");
                v
            })
            .collect()
    };
    assert_eq!(strip(&stdout(&merged)), strip(&stdout(&whole)));
    // Overlapping shards, a missing one, a bad shard: exit 2 or a list.
    let out = yap(&dir)
        .args([
            "replay",
            "--merge",
            parts[0].to_str().unwrap(),
            parts[0].to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("overlap"), "{}", stderr(&out));
    let out = yap(&dir)
        .args([
            "replay",
            "--merge",
            parts[0].to_str().unwrap(),
            parts[2].to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("2 indexes missing: 1, 4"),
        "{}",
        stderr(&out)
    );
    let before = server.bodies().len();
    let out = batch_cmd(&dir, &server, &file)
        .args(["--shard", "0/3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(server.bodies().len(), before);
}

#[test]
fn ctrl_c_finishes_the_records_in_flight_then_resume_goes_on() {
    let dir = Scratch::new();
    let server = BatchServer::start(Arc::new(|_: &Value| {
        (200, Duration::from_millis(200), String::new())
    }));
    let file = input(&dir, "in.jsonl", 12);
    let out_path = dir.path().join("out.jsonl");
    let child = batch_of_ten(&dir, &server.base)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while server.bodies().len() < 3 {
        assert!(started.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(5));
    }
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stderr(&out).contains("--resume"), "{}", stderr(&out));
    // Every record that was sent has its line: none in flight was lost.
    let sent = server.bodies().len();
    assert_eq!(lines(&out_path).len(), sent);
    assert!(sent < 12);
    batch_cmd(&dir, &server, &file)
        .args(["-O", out_path.to_str().unwrap(), "--resume"])
        .assert()
        .success();
    let mut got = indices(&lines(&out_path));
    got.sort_unstable();
    assert_eq!(got, (0..12).collect::<Vec<u64>>());
    assert_eq!(server.bodies().len(), 12);
}

#[test]
fn a_bad_line_anywhere_is_exit_2_before_anything_is_sent() {
    let dir = Scratch::new();
    let server = BatchServer::start(Arc::new(|_: &Value| (200, Duration::ZERO, String::new())));
    let mut text = std::fs::read_to_string(input(&dir, "good.jsonl", 5)).unwrap();
    text.push_str("{\"model\":\"m\",\"input\":\"neither messages nor prompt\"}\n");
    let file = dir.write("bad.jsonl", text);
    let out = batch_cmd(&dir, &server, &file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad.jsonl: line 6"),
        "{}",
        stderr(&out)
    );
    assert!(server.bodies().is_empty());
    // Batch flags need --live.
    let out = yap(&dir)
        .args(["replay", "good.jsonl", "--concurrency", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("needs --live"), "{}", stderr(&out));
}

#[test]
fn stdin_is_spooled_and_overrides_reach_every_body() {
    let dir = Scratch::new();
    let server = BatchServer::start(Arc::new(|_: &Value| (200, Duration::ZERO, String::new())));
    let text = std::fs::read_to_string(input(&dir, "in.jsonl", 3)).unwrap();
    let out = yap(&dir)
        .args([
            "replay",
            "--live",
            "-",
            "--base-url",
            &server.base,
            "-m",
            "other",
            "-o",
            "temperature=0",
        ])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 3);
    assert!(
        server
            .bodies()
            .iter()
            .all(|b| b["model"] == json!("other") && b["temperature"] == json!(0))
    );
}

#[test]
fn a_terminal_gets_a_progress_bar() {
    let dir = Scratch::new();
    let server = BatchServer::start(Arc::new(|_: &Value| {
        (200, Duration::from_millis(100), String::new())
    }));
    input(&dir, "in.jsonl", 4);
    let command = format!(
        "exec {} replay --live in.jsonl --base-url {} --concurrency 2 -O out.jsonl",
        assert_cmd::cargo::cargo_bin("yap").display(),
        server.base
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("OPENAI_API_KEY", KEY)
        .env("TERM", "xterm")
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let screen = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{screen}");
    assert!(screen.contains("/4 done, 0 failed,"), "{screen:?}");
    assert!(screen.contains("in flight"), "{screen:?}");
    assert_eq!(lines(&dir.path().join("out.jsonl")).len(), 4);
}
