//! `yap batch`: against a fake Batch API that keeps state like the real
//! one (files, batches moving from validating through in_progress to a
//! final status, request counts, output and error files out of input
//! order, a 429 on a poll).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::*;

#[derive(Clone, Default)]
struct Plan {
    /// The final status: completed, failed or expired.
    outcome: &'static str,
    /// custom_ids answered with a 400.
    reject: Vec<String>,
    /// The first poll of each batch is a 429.
    poll_429: bool,
    /// Every create is a 503.
    fail_create: bool,
}

#[derive(Default)]
struct State {
    files: HashMap<String, Vec<u8>>,
    batches: Vec<Value>,
    polls: HashMap<String, usize>,
    log: Vec<String>,
    uploads: Vec<(String, Vec<u8>)>,
    creates: Vec<Value>,
    plan: Plan,
}

struct Fake {
    port: u16,
    state: Arc<Mutex<State>>,
    /// While set, batches stay in_progress.
    hold: Arc<AtomicBool>,
}

impl Fake {
    fn start(plan: Plan) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State {
            plan,
            ..State::default()
        }));
        let hold = Arc::new(AtomicBool::new(false));
        let (s, h) = (state.clone(), hold.clone());
        std::thread::spawn(move || {
            for sock in listener.incoming().flatten() {
                let (s, h) = (s.clone(), h.clone());
                std::thread::spawn(move || {
                    let _ = serve(sock, &s, &h);
                });
            }
        });
        Fake { port, state, hold }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }

    fn count(&self, what: &str) -> usize {
        self.log().iter().filter(|l| *l == what).count()
    }
}

fn serve(mut sock: TcpStream, state: &Mutex<State>, hold: &AtomicBool) -> std::io::Result<()> {
    let mut reader = BufReader::new(sock.try_clone()?);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((n, v)) = line.split_once(':') {
            headers.insert(n.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let mut body = Vec::new();
    if let Some(n) = headers.get("content-length") {
        body.resize(n.parse().unwrap(), 0);
        reader.read_exact(&mut body)?;
    } else if headers.contains_key("transfer-encoding") {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim(), 16).unwrap();
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk)?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let path = target.split('?').next().unwrap_or("").to_string();
    assert_eq!(
        headers.get("authorization").map(String::as_str),
        Some(format!("Bearer {KEY}").as_str())
    );
    let (status, extra, reply) = route(&method, &path, &headers, &body, state, hold);
    let text = match &reply {
        Reply2::Json(v) => v.to_string().into_bytes(),
        Reply2::Bytes(b) => b.clone(),
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
        text.len()
    );
    sock.write_all(head.as_bytes())?;
    sock.write_all(&text)?;
    Ok(())
}

enum Reply2 {
    Json(Value),
    Bytes(Vec<u8>),
}

fn route(
    method: &str,
    path: &str,
    headers: &HashMap<String, String>,
    body: &[u8],
    state: &Mutex<State>,
    hold: &AtomicBool,
) -> (u16, String, Reply2) {
    let mut st = state.lock().unwrap();
    st.log.push(format!("{method} {path}"));
    let ok = |v: Value| (200, String::new(), Reply2::Json(v));
    match (method, path) {
        ("POST", "/v1/files") => {
            let ctype = headers.get("content-type").cloned().unwrap_or_default();
            let boundary = ctype.split("boundary=").nth(1).unwrap().to_string();
            let (fields, file) = multipart(body, &boundary);
            assert_eq!(fields.get("purpose").map(String::as_str), Some("batch"));
            let id = format!("file-{}", st.files.len() + 1);
            st.files.insert(id.clone(), file.clone());
            st.uploads.push((id.clone(), file));
            ok(json!({"id": id, "object": "file", "purpose": "batch"}))
        }
        ("POST", "/v1/batches") if st.plan.fail_create => (
            503,
            String::new(),
            Reply2::Json(json!({"error": {"message": "overloaded"}})),
        ),
        ("POST", "/v1/batches") => {
            let req: Value = serde_json::from_slice(body).unwrap();
            st.creates.push(req.clone());
            let id = format!("batch_{}", st.batches.len() + 1);
            let total = st.files[req["input_file_id"].as_str().unwrap()]
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .count();
            let batch = json!({
                "id": id, "object": "batch", "endpoint": req["endpoint"],
                "input_file_id": req["input_file_id"], "completion_window": req["completion_window"],
                "status": "validating", "output_file_id": null, "error_file_id": null,
                "created_at": 1_700_000_000 + st.batches.len(),
                "request_counts": {"total": total, "completed": 0, "failed": 0},
                "metadata": req.get("metadata").cloned().unwrap_or(Value::Null),
            });
            st.batches.push(batch.clone());
            ok(batch)
        }
        ("GET", "/v1/batches") => {
            let mut data = st.batches.clone();
            data.reverse();
            ok(json!({"object": "list", "data": data}))
        }
        ("GET", p) if p.starts_with("/v1/files/") && p.ends_with("/content") => {
            let id = p
                .trim_start_matches("/v1/files/")
                .trim_end_matches("/content");
            match st.files.get(id) {
                Some(b) => (200, String::new(), Reply2::Bytes(b.clone())),
                None => (
                    404,
                    String::new(),
                    Reply2::Json(json!({"error": {"message": "no file"}})),
                ),
            }
        }
        ("POST", p) if p.ends_with("/cancel") => {
            let id = p
                .trim_start_matches("/v1/batches/")
                .trim_end_matches("/cancel")
                .to_string();
            let i = st
                .batches
                .iter()
                .position(|b| b["id"] == id.as_str())
                .unwrap();
            st.batches[i]["status"] = json!("cancelling");
            ok(st.batches[i].clone())
        }
        ("GET", p) if p.starts_with("/v1/batches/") => {
            let id = p.trim_start_matches("/v1/batches/").to_string();
            let Some(i) = st.batches.iter().position(|b| b["id"] == id.as_str()) else {
                return (
                    404,
                    String::new(),
                    Reply2::Json(json!({"error": {"message": "No batch"}})),
                );
            };
            let n = {
                let n = st.polls.entry(id.clone()).or_insert(0);
                *n += 1;
                *n
            };
            if st.plan.poll_429 && n == 1 {
                return (
                    429,
                    "retry-after: 0.1\r\n".to_string(),
                    Reply2::Json(json!({"error": {"message": "slow down"}})),
                );
            }
            let status = st.batches[i]["status"].as_str().unwrap().to_string();
            let next = match status.as_str() {
                "validating" => "in_progress".to_string(),
                "in_progress" if hold.load(Ordering::SeqCst) => "in_progress".to_string(),
                "in_progress" => st.plan.outcome.to_string(),
                "cancelling" => "cancelled".to_string(),
                other => other.to_string(),
            };
            if next != status {
                finish(&mut st, i, &next);
            }
            ok(st.batches[i].clone())
        }
        _ => (
            404,
            String::new(),
            Reply2::Json(json!({"error": {"message": "no route"}})),
        ),
    }
}

/// Move batch `i` to `status`, writing its output and error files (lines
/// in reverse input order) when it is final.
fn finish(st: &mut State, i: usize, status: &str) {
    st.batches[i]["status"] = json!(status);
    if status == "in_progress" {
        return;
    }
    if status == "failed" {
        st.batches[i]["errors"] = json!({"object": "list", "data": [{"code": "invalid", "line": 1, "message": "model not found"}]});
        return;
    }
    let input = st.files[st.batches[i]["input_file_id"].as_str().unwrap()].clone();
    let lines: Vec<Value> = input
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    // expired and cancelled: only the first half ran; one more is in the
    // error file as expired, the rest nowhere.
    let ran = if status == "completed" {
        lines.len()
    } else {
        lines.len() / 2
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let (mut completed, mut failed) = (0, 0);
    for (k, l) in lines.iter().enumerate().rev() {
        let cid = l["custom_id"].as_str().unwrap();
        if k >= ran {
            if k == ran {
                err.push(json!({"id": format!("r{k}"), "custom_id": cid, "response": null,
                    "error": {"code": "batch_expired", "message": "not run before the window closed"}}));
            }
            continue;
        }
        if st.plan.reject.iter().any(|r| r == cid) {
            failed += 1;
            err.push(json!({"id": format!("r{k}"), "custom_id": cid, "response": {"status_code": 400,
                "request_id": "q", "body": {"error": {"message": format!("bad request {cid}")}}}, "error": null}));
        } else {
            completed += 1;
            out.push(json!({"id": format!("r{k}"), "custom_id": cid, "response": {"status_code": 200,
                "request_id": "q", "body": {"object": "chat.completion", "model": l["body"]["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": format!("answer {cid}")}}]}},
                "error": null}));
        }
    }
    let jsonl = |v: &[Value]| {
        v.iter()
            .map(|x| format!("{x}\n"))
            .collect::<String>()
            .into_bytes()
    };
    let n = st.files.len();
    let (oid, eid) = (format!("file-out-{n}"), format!("file-err-{n}"));
    st.files.insert(oid.clone(), jsonl(&out));
    st.files.insert(eid.clone(), jsonl(&err));
    st.batches[i]["output_file_id"] = json!(oid);
    st.batches[i]["error_file_id"] = if err.is_empty() {
        Value::Null
    } else {
        json!(eid)
    };
    st.batches[i]["request_counts"]["completed"] = json!(completed);
    st.batches[i]["request_counts"]["failed"] = json!(failed);
}

/// The text fields and the file of a multipart body.
fn multipart(body: &[u8], boundary: &str) -> (HashMap<String, String>, Vec<u8>) {
    let text = String::from_utf8(body.to_vec()).unwrap();
    let mut fields = HashMap::new();
    let mut file = Vec::new();
    for part in text.split(&format!("--{boundary}")) {
        let Some((head, content)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let content = content.strip_suffix("\r\n").unwrap_or(content);
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("");
        if head.contains("filename=") {
            assert!(head.contains("application/jsonl"), "{head}");
            file = content.as_bytes().to_vec();
        } else {
            fields.insert(name.to_string(), content.to_string());
        }
    }
    (fields, file)
}

fn batch(dir: &Scratch, fake: &Fake) -> Yap {
    let mut cmd = yap(dir);
    cmd.args(["batch"]);
    cmd.env("YAP_BASE_URL", fake.base())
        .env("YAP_MODEL", "fill-model");
    cmd
}

fn lines_of(text: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(text)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const CASSETTE_LINE: &str = r#"{"yap_cassette":1,"mode":"text","request":{"method":"POST","url":"http://h/v1/chat/completions","headers":[],"body":{"messages":[{"role":"user","content":"recorded"}],"model":"rec-model","stream":true,"stream_options":{"include_usage":true}}},"error":null,"exit_code":0,"response":{"status":200,"headers":[],"done":true,"events":[]}}"#;

fn completed() -> Plan {
    Plan {
        outcome: "completed",
        ..Plan::default()
    }
}

#[test]
fn submit_reads_every_input_kind() {
    let dir = Scratch::new();
    let fake = Fake::start(completed());
    let input = format!(
        "{{\"messages\":[{{\"role\":\"user\",\"content\":\"bare\"}}],\"stream\":true}}\n\n{CASSETTE_LINE}\n{{\"custom_id\":\"mine\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{{\"messages\":[],\"model\":\"own\"}}}}\n"
    );
    dir.write("in.jsonl", &input);
    let out = batch(&dir, &fake)
        .args([
            "submit",
            "in.jsonl",
            "--metadata",
            "team=evals",
            "-o",
            "temperature=0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "batch_1\n");
    assert_eq!(fake.log(), ["POST /v1/files", "POST /v1/batches"]);
    let st = fake.state.lock().unwrap();
    let uploaded = lines_of(&st.uploads[0].1);
    assert_eq!(uploaded.len(), 3);
    assert_eq!(uploaded[0]["custom_id"], "0");
    assert_eq!(uploaded[0]["method"], "POST");
    assert_eq!(uploaded[0]["url"], "/v1/chat/completions");
    assert_eq!(uploaded[0]["body"]["model"], "fill-model");
    assert_eq!(uploaded[0]["body"]["temperature"], 0);
    assert!(uploaded[0]["body"].get("stream").is_none());
    assert_eq!(uploaded[1]["custom_id"], "1");
    assert_eq!(uploaded[1]["body"]["model"], "rec-model");
    assert!(uploaded[1]["body"].get("stream_options").is_none());
    assert_eq!(uploaded[2]["custom_id"], "mine");
    assert_eq!(uploaded[2]["body"]["model"], "own");
    let create = &st.creates[0];
    assert_eq!(create["input_file_id"], "file-1");
    assert_eq!(create["endpoint"], "/v1/chat/completions");
    assert_eq!(create["completion_window"], "24h");
    assert_eq!(create["metadata"]["team"], "evals");
}

#[test]
fn model_flag_and_prefix_apply_to_every_line() {
    let dir = Scratch::new();
    let fake = Fake::start(completed());
    let out = batch(&dir, &fake)
        .args([
            "submit",
            "-",
            "-m",
            "forced",
            "--line-url-prefix",
            "/openai/deployments/d1",
        ])
        .write_stdin("{\"prompt\":\"a\",\"model\":\"x\"}\n{\"prompt\":\"b\"}\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let st = fake.state.lock().unwrap();
    let uploaded = lines_of(&st.uploads[0].1);
    assert!(uploaded.iter().all(|l| l["body"]["model"] == "forced"));
    assert_eq!(uploaded[1]["url"], "/openai/deployments/d1/completions");
    assert_eq!(
        st.creates[0]["endpoint"],
        "/openai/deployments/d1/completions"
    );
}

#[test]
fn a_bad_line_is_caught_before_any_upload() {
    for (input, want) in [
        (
            "{\"messages\":[]}\n{\"messages\":[]}\n\n{\"model\":\"m\"}\n",
            "line 4",
        ),
        ("{\"messages\":[]}\nnot json\n", "line 2"),
        ("{\"messages\":[]}\n{\"prompt\":\"p\"}\n", "line 2"),
        (
            "{\"custom_id\":\"a\",\"url\":\"/v1/chat/completions\",\"body\":{\"messages\":[]}}\n{\"custom_id\":\"a\",\"url\":\"/v1/chat/completions\",\"body\":{\"messages\":[]}}\n",
            "line 2",
        ),
    ] {
        let dir = Scratch::new();
        let fake = Fake::start(completed());
        dir.write("in.jsonl", input);
        let out = batch(&dir, &fake)
            .args(["submit", "in.jsonl"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{input}");
        assert!(stderr(&out).contains(want), "{input}: {}", stderr(&out));
        assert!(fake.log().is_empty(), "{input}");
    }
    // No model anywhere.
    let dir = Scratch::new();
    let fake = Fake::start(completed());
    dir.write("in.jsonl", "{\"messages\":[]}\n");
    let out = batch(&dir, &fake)
        .env_remove("YAP_MODEL")
        .args(["submit", "in.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 1: no model"),
        "{}",
        stderr(&out)
    );
    assert!(fake.log().is_empty());
}

#[test]
fn input_over_the_limits_is_split_in_order() {
    let dir = Scratch::new();
    let fake = Fake::start(completed());
    dir.write("in.jsonl", "{\"messages\":[]}\n".repeat(5));
    let out = batch(&dir, &fake)
        .args(["submit", "in.jsonl", "--max-lines", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "batch_1\nbatch_2\nbatch_3\n");
    let st = fake.state.lock().unwrap();
    let ids: Vec<Vec<Value>> = st
        .uploads
        .iter()
        .map(|(_, f)| lines_of(f).iter().map(|l| l["custom_id"].clone()).collect())
        .collect();
    assert_eq!(
        ids,
        vec![
            vec![json!("0"), json!("1")],
            vec![json!("2"), json!("3")],
            vec![json!("4")]
        ]
    );
}

#[test]
fn dry_run_prints_the_jsonl_and_sends_nothing() {
    let dir = Scratch::new();
    let fake = Fake::start(completed());
    dir.write("in.jsonl", "{\"messages\":[],\"stream\":true}\n");
    for cmd in [
        &["submit", "in.jsonl"][..],
        &["run", "in.jsonl", "-O", "out.jsonl"],
    ] {
        let out = batch(&dir, &fake)
            .args(cmd)
            .arg("--dry-run")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(
            stdout(&out),
            "{\"custom_id\":\"0\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"messages\":[],\"model\":\"fill-model\"}}\n"
        );
    }
    assert!(fake.log().is_empty());
    assert!(!dir.path().join("out.jsonl.yap-batch.json").exists());
}

fn submit(dir: &Scratch, fake: &Fake, input: &str) -> String {
    dir.write("in.jsonl", input);
    let out = batch(dir, fake)
        .args(["submit", "in.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).trim().to_string()
}

#[test]
fn wait_reports_each_status_and_exits_by_the_outcome() {
    for (outcome, code) in [("completed", 0), ("failed", 4), ("expired", 8)] {
        let dir = Scratch::new();
        let fake = Fake::start(Plan {
            outcome,
            poll_429: true,
            ..Plan::default()
        });
        let id = submit(&dir, &fake, &"{\"messages\":[]}\n".repeat(4));
        let out = batch(&dir, &fake)
            .args(["wait", &id, "--poll", "0.05", "--retries", "0"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{outcome}: {err}");
        assert!(err.contains("slow down"), "{err}");
        assert!(err.contains("batch_1: in_progress, 0/4 completed"), "{err}");
        assert!(err.contains(&format!("batch_1: {outcome}")), "{err}");
        if outcome == "failed" {
            assert!(err.contains("model not found"), "{err}");
        }
    }
}

#[test]
fn cancel_then_wait_is_exit_8() {
    let dir = Scratch::new();
    let fake = Fake::start(completed());
    let id = submit(&dir, &fake, "{\"messages\":[]}\n{\"messages\":[]}\n");
    let out = batch(&dir, &fake).args(["cancel", &id]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("batch_1: cancelling"),
        "{}",
        stdout(&out)
    );
    let out = batch(&dir, &fake)
        .args(["wait", &id, "--poll", "0.05"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(stderr(&out).contains("cancelled"));
    let out = batch(&dir, &fake).args(["status", &id]).output().unwrap();
    assert_eq!(
        stdout(&out),
        "batch_1: cancelled, 1/2 completed, 0 failed\n"
    );
    let out = batch(&dir, &fake)
        .args(["status", &id, "--json"])
        .output()
        .unwrap();
    assert_eq!(lines_of(&out.stdout)[0]["status"], "cancelled");
    let out = batch(&dir, &fake).args(["list"]).output().unwrap();
    assert!(
        stdout(&out).starts_with("batch_1\tcancelled\t2023-11-14T22:13:20.000Z\t1/2\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn results_come_back_in_input_order_with_error_lines() {
    let dir = Scratch::new();
    let fake = Fake::start(Plan {
        outcome: "completed",
        reject: vec!["a".into()],
        ..Plan::default()
    });
    let line = |cid: &str| {
        format!(
            "{{\"custom_id\":\"{cid}\",\"url\":\"/v1/chat/completions\",\"body\":{{\"messages\":[]}}}}\n"
        )
    };
    let input = format!("{}{}{}", line("zeta"), line("a"), line("mid"));
    let id = submit(&dir, &fake, &input);
    // Not final yet: exit 2 naming the status.
    let out = batch(&dir, &fake).args(["results", &id]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("validating") || stderr(&out).contains("in_progress"),
        "{}",
        stderr(&out)
    );
    batch(&dir, &fake)
        .args(["wait", &id, "--poll", "0.05"])
        .assert()
        .success();
    let out = batch(&dir, &fake).args(["results", &id]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let got = lines_of(&out.stdout);
    let cids: Vec<&str> = got
        .iter()
        .map(|l| l["custom_id"].as_str().unwrap())
        .collect();
    assert_eq!(cids, ["zeta", "a", "mid"]);
    assert_eq!(got[0]["index"], 0);
    assert_eq!(got[0]["status"], 200);
    assert_eq!(
        got[0]["response"]["choices"][0]["message"]["content"],
        "answer zeta"
    );
    assert_eq!(
        got[1]["error"],
        json!({"kind": "rejected", "status": 400, "message": "bad request a"})
    );
    assert_eq!(got[2]["index"], 2);
    // -O: the same lines, in a file.
    let out = batch(&dir, &fake)
        .args(["results", &id, "-O", "res.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        lines_of(&std::fs::read(dir.path().join("res.jsonl")).unwrap()),
        got
    );
}

#[test]
fn requests_never_run_are_incomplete_lines() {
    let dir = Scratch::new();
    let fake = Fake::start(Plan {
        outcome: "expired",
        ..Plan::default()
    });
    let id = submit(&dir, &fake, &"{\"messages\":[]}\n".repeat(4));
    let out = batch(&dir, &fake)
        .args(["wait", &id, "--poll", "0.05"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    let out = batch(&dir, &fake).args(["results", &id]).output().unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let got = lines_of(&out.stdout);
    assert_eq!(got.len(), 4);
    assert!(got[0]["response"].is_object() && got[1]["response"].is_object());
    assert_eq!(got[2]["error"]["kind"], "incomplete");
    assert!(
        got[2]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("window")
    );
    assert_eq!(got[3]["error"]["kind"], "incomplete");
    assert!(
        got[3]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("never ran")
    );
}

fn spawn_run(dir: &Scratch, fake: &Fake) -> std::process::Child {
    use std::process::Stdio;
    spawn_yap(dir)
        .env("YAP_BASE_URL", fake.base())
        .env("YAP_MODEL", "m")
        .args([
            "batch",
            "run",
            "in.jsonl",
            "-O",
            "out.jsonl",
            "--poll",
            "0.05",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn run_killed_while_waiting_resumes_without_submitting_again() {
    let dir = Scratch::new();
    let fake = Fake::start(completed());
    fake.hold.store(true, Ordering::SeqCst);
    dir.write(
        "in.jsonl",
        "{\"messages\":[]}\n{\"messages\":[{\"role\":\"user\",\"content\":\"second\"}]}\n",
    );
    let mut child = spawn_run(&dir, &fake);
    // Wait until it polls, then kill it.
    for _ in 0..200 {
        if fake.count("GET /v1/batches/batch_1") >= 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(
        fake.count("GET /v1/batches/batch_1") >= 3,
        "{:?}",
        fake.log()
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let state: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out.jsonl.yap-batch.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(state["ids"], json!(["batch_1"]));
    assert!(!dir.path().join("out.jsonl").exists());
    fake.hold.store(false, Ordering::SeqCst);
    let out = batch(&dir, &fake)
        .env("YAP_MODEL", "m")
        .args(["run", "in.jsonl", "-O", "out.jsonl", "--poll", "0.05"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("resuming batch_1"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fake.count("POST /v1/batches"), 1, "{:?}", fake.log());
    assert_eq!(fake.count("POST /v1/files"), 1);
    let got = lines_of(&std::fs::read(dir.path().join("out.jsonl")).unwrap());
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[1]["response"]["choices"][0]["message"]["content"],
        "answer 1"
    );
    // Again: the state file is kept, -O rewritten, nothing submitted.
    std::fs::remove_file(dir.path().join("out.jsonl")).unwrap();
    let out = batch(&dir, &fake)
        .env("YAP_MODEL", "m")
        .args(["run", "in.jsonl", "-O", "out.jsonl", "--poll", "0.05"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("out.jsonl").exists());
    // Another input with the same -O is refused.
    dir.write(
        "other.jsonl",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"other\"}]}\n",
    );
    let out = batch(&dir, &fake)
        .env("YAP_MODEL", "m")
        .args(["run", "other.jsonl", "-O", "out.jsonl", "--poll", "0.05"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("another input"), "{}", stderr(&out));
    assert_eq!(fake.count("POST /v1/batches"), 1);
    assert_eq!(fake.count("POST /v1/files"), 1);
}

#[test]
fn curl_is_refused_for_an_upload() {
    let dir = Scratch::new();
    let fake = Fake::start(completed());
    dir.write("in.jsonl", "{\"messages\":[]}\n");
    let out = batch(&dir, &fake)
        .args(["submit", "in.jsonl", "--curl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--dry-run"), "{}", stderr(&out));
    let out = batch(&dir, &fake)
        .args(["status", "batch_9", "--curl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("/v1/batches/batch_9"),
        "{}",
        stdout(&out)
    );
    assert!(fake.log().is_empty());
}

#[test]
fn a_create_that_got_an_answer_is_never_sent_again() {
    let dir = Scratch::new();
    let fake = Fake::start(Plan {
        outcome: "completed",
        fail_create: true,
        ..Plan::default()
    });
    dir.write("in.jsonl", "{\"messages\":[]}\n");
    let out = batch(&dir, &fake)
        .args(["submit", "in.jsonl", "--retries", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("overloaded"), "{}", stderr(&out));
    assert_eq!(fake.log(), ["POST /v1/files", "POST /v1/batches"]);
}
