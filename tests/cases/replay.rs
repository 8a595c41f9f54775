//! Cassettes and `yap replay`: record with a server, then play back with
//! the server gone and no key; `--cassette` hit, miss and modes; concurrent
//! appends; `--live`; bad input. Every cassette is written in the scratch
//! directory, whose sweep checks the key is in none of them.

use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::*;

const MODES: [&str; 3] = ["text", "--json", "--raw"];

/// `yap chat … --record c.jsonl [mode] hi` against `server`.
fn record(dir: &Scratch, server: &Server, mode: &str, extra: &[&str]) -> Output {
    let mut cmd = chat(dir, server);
    cmd.args(["--record", "c.jsonl"]).args(extra);
    if mode != "text" {
        cmd.arg(mode);
    }
    cmd.arg("hi").output().unwrap()
}

/// `yap replay ARGS` with no key at all and no base URL.
fn replay(dir: &Scratch, args: &[&str]) -> Output {
    let mut cmd = yap(dir);
    cmd.env_remove("OPENAI_API_KEY").arg("replay").args(args);
    cmd.write_stdin("");
    cmd.output().unwrap()
}

fn lines(dir: &Scratch, name: &str) -> Vec<Value> {
    std::fs::read_to_string(dir.path().join(name))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn same(a: &Output, b: &Output, what: &str) {
    assert_eq!(stdout(a), stdout(b), "{what}: stdout");
    assert_eq!(a.status.code(), b.status.code(), "{what}: exit code");
}

#[test]
fn a_recorded_answer_replays_byte_for_byte_in_every_mode_and_converted() {
    for (label, reply) in [
        (
            "stream",
            Reply::sse(stream_of(&["Hel", "lo\n", "the\u{e9}re"])),
        ),
        ("json", Reply::json(200, &completion("Plain answer"))),
    ] {
        for mode in MODES {
            let dir = Scratch::new();
            let server = Server::start(vec![reply.clone()]);
            let live = record(&dir, &server, mode, &[]);
            assert_eq!(live.status.code(), Some(0), "{}", stderr(&live));
            drop(server);
            let played = replay(&dir, &["c.jsonl"]);
            same(&live, &played, &format!("{label} {mode}"));
            assert_eq!(
                lines(&dir, "c.jsonl")[0]["mode"],
                json!(mode.trim_start_matches("--"))
            );
            // Converted to every other mode: what that mode printed live.
            for other in MODES {
                let server = Server::start(vec![reply.clone()]);
                let mut cmd = chat(&dir, &server);
                if other != "text" {
                    cmd.arg(other);
                }
                let live_other = cmd.arg("hi").output().unwrap();
                let flag = if other == "text" { "--text" } else { other };
                let converted = replay(&dir, &["c.jsonl", flag]);
                same(
                    &live_other,
                    &converted,
                    &format!("{label} {mode} → {other}"),
                );
            }
        }
    }
}

#[test]
fn failures_replay_with_their_stderr_and_exit_codes() {
    let body400 = r#"{"error":{"message":"bad param","type":"invalid_request_error","code":"x"}}"#;
    let body429 = r#"{"error":{"message":"slow down","type":"rate_limit"}}"#;
    let cases: Vec<(&str, Option<Reply>, i32)> = vec![
        ("400", Some(Reply::json(400, body400)), 4),
        ("429", Some(Reply::json(429, body429)), 5),
        ("cut", Some(Reply::sse(cut_stream(&["par", "tial"]))), 8),
        ("refused", None, 7),
    ];
    for (label, reply, code) in cases {
        for mode in ["text", "--json"] {
            let dir = Scratch::new();
            let live = match &reply {
                Some(reply) => {
                    let server = Server::one(reply.clone());
                    record(&dir, &server, mode, &[])
                }
                None => {
                    let mut cmd = yap(&dir);
                    cmd.args(["chat", "--base-url"])
                        .arg(format!("http://127.0.0.1:{CLOSED_PORT}/v1"))
                        .args(["-m", "m", "--retries", "0", "--record", "c.jsonl"]);
                    if mode != "text" {
                        cmd.arg(mode);
                    }
                    cmd.write_stdin("").arg("hi").output().unwrap()
                }
            };
            assert_eq!(live.status.code(), Some(code), "{label}: {}", stderr(&live));
            let played = replay(&dir, &["c.jsonl"]);
            same(&live, &played, &format!("{label} {mode}"));
            // The same error line (and JSON error object) on stderr.
            let errors = |o: &Output| -> Vec<String> {
                stderr(o)
                    .lines()
                    .filter(|l| l.starts_with("yap: error:") || l.starts_with("{\"error\""))
                    .map(str::to_string)
                    .collect()
            };
            assert!(!errors(&live).is_empty(), "{label}");
            assert_eq!(errors(&live), errors(&played), "{label} {mode}");
            let line = &lines(&dir, "c.jsonl")[0];
            assert_eq!(line["exit_code"], json!(code));
            if label == "refused" {
                assert_eq!(line["response"], Value::Null);
                assert_eq!(line["error"]["kind"], json!("network"));
            }
        }
    }
}

#[test]
fn replay_picks_with_index_and_last_and_exits_with_the_first_failure() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["one"])),
        Reply::json(400, r#"{"error":{"message":"nope"}}"#),
        Reply::sse(stream_of(&["three"])),
    ]);
    for _ in 0..3 {
        record(&dir, &server, "text", &[]);
    }
    let all = replay(&dir, &["c.jsonl"]);
    assert_eq!(stdout(&all), "one\nthree\n");
    assert_eq!(all.status.code(), Some(4));
    assert!(stderr(&all).contains("yap: error:") && stderr(&all).contains("nope"));
    let last = replay(&dir, &["c.jsonl", "--last"]);
    assert_eq!(
        (stdout(&last).as_str(), last.status.code()),
        ("three\n", Some(0))
    );
    let first = replay(&dir, &["c.jsonl", "--index", "0"]);
    assert_eq!(stdout(&first), "one\n");
    let past = replay(&dir, &["c.jsonl", "--index", "3"]);
    assert_eq!(past.status.code(), Some(2));
    assert!(stderr(&past).contains("--index 3") && stderr(&past).contains("3 record"));
}

#[test]
fn realtime_keeps_the_recorded_pace_and_speed_scales_it() {
    let dir = Scratch::new();
    let full = stream_of(&["a", "b"]);
    let half = full.len() / 2;
    let reply = Reply::sse_pieces(vec![full[..half].to_vec()])
        .then(Step::Pause(Duration::from_millis(600)))
        .then(Step::Write(full[half..].to_vec()));
    let server = Server::one(reply);
    let live = record(&dir, &server, "text", &[]);
    let timed = |args: &[&str]| {
        let t = Instant::now();
        let out = replay(&dir, args);
        same(&live, &out, &format!("{args:?}"));
        t.elapsed()
    };
    assert!(timed(&["c.jsonl"]) < Duration::from_millis(500));
    assert!(timed(&["c.jsonl", "--realtime"]) >= Duration::from_millis(550));
    assert!(timed(&["c.jsonl", "--speed", "100"]) < Duration::from_millis(500));
    let bad = replay(&dir, &["c.jsonl", "--speed", "0"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// `yap chat --cassette c.jsonl …` with the key, against `server`.
fn taped(dir: &Scratch, server: &Server, extra: &[&str], prompt: &str) -> Output {
    let mut cmd = chat(dir, server);
    cmd.args(["--cassette", "c.jsonl"]).args(extra).arg(prompt);
    cmd.output().unwrap()
}

#[test]
fn cassette_records_a_miss_and_plays_a_hit_with_no_key_and_nothing_sent() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["recorded ", "answer"])));
    let first = taped(&dir, &server, &[], "hi");
    assert_eq!(stdout(&first), "recorded answer\n");
    assert_eq!(lines(&dir, "c.jsonl").len(), 1);

    // A hit: another base URL (a server that must not be called), no key.
    let unused = Server::one(Reply::sse(stream_of(&["live"]))).unused();
    let mut cmd = chat(&dir, &unused);
    cmd.env_remove("OPENAI_API_KEY")
        .args(["--cassette", "c.jsonl", "hi"]);
    let hit = cmd.output().unwrap();
    same(&first, &hit, "hit");
    // Printed in this command's mode, as replay converts.
    let mut cmd = chat(&dir, &unused);
    cmd.env_remove("OPENAI_API_KEY")
        .args(["--cassette", "c.jsonl", "--json", "hi"]);
    let json_hit = cmd.output().unwrap();
    let doc: Value = serde_json::from_str(&stdout(&json_hit)).unwrap();
    assert_eq!(
        doc["choices"][0]["message"]["content"],
        json!("recorded answer")
    );
    // Not appended.
    assert_eq!(lines(&dir, "c.jsonl").len(), 1);

    // Mode replay: a miss is exit 2 naming the cassette and the endpoint.
    for how in [["--cassette-mode", "replay"].as_slice(), &[]] {
        let mut cmd = chat(&dir, &unused);
        cmd.args(["--cassette", "c.jsonl"]).args(how);
        if how.is_empty() {
            cmd.env("YAP_CASSETTE_MODE", "replay");
        }
        let miss = cmd.arg("something else").output().unwrap();
        assert_eq!(miss.status.code(), Some(2), "{}", stderr(&miss));
        assert!(stderr(&miss).contains("c.jsonl"), "{}", stderr(&miss));
        assert!(
            stderr(&miss).contains("/chat/completions"),
            "{}",
            stderr(&miss)
        );
        assert!(stdout(&miss).is_empty());
    }
    // A missing cassette in mode replay: exit 2 too.
    let mut cmd = chat(&dir, &unused);
    cmd.args([
        "--cassette",
        "none.jsonl",
        "--cassette-mode",
        "replay",
        "hi",
    ]);
    let missing = cmd.output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("none.jsonl"));

    // Mode record: sends although it would match, and appends.
    let again = Server::one(Reply::sse(stream_of(&["fresh"])));
    let rec = taped(&dir, &again, &["--cassette-mode", "record"], "hi");
    assert_eq!(stdout(&rec), "fresh\n");
    assert_eq!(lines(&dir, "c.jsonl").len(), 2);
    // The newest match wins.
    let mut cmd = chat(&dir, &unused);
    cmd.env_remove("OPENAI_API_KEY")
        .args(["--cassette", "c.jsonl", "hi"]);
    assert_eq!(stdout(&cmd.output().unwrap()), "fresh\n");
}

#[test]
fn cassette_bodies_compare_as_json() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["x"])));
    taped(
        &dir,
        &server,
        &["-o", "temperature=1", "-o", "logprobs=true"],
        "hi",
    );
    // Rewrite the line with its body's keys reordered and spaced out.
    let mut line = lines(&dir, "c.jsonl").remove(0);
    let body = line["request"]["body"].as_object().unwrap().clone();
    let mut keys: Vec<_> = body.keys().cloned().collect();
    keys.reverse();
    let spaced = format!(
        "{{ {} }}",
        keys.iter()
            .map(|k| format!("{} :  {}", json!(k), body[k]))
            .collect::<Vec<_>>()
            .join(" ,\t")
    );
    line["request"]["body"] = json!("BODY");
    let text = line.to_string().replace("\"BODY\"", &spaced);
    dir.write("c.jsonl", format!("{text}\n"));
    let unused = Server::one(Reply::sse(stream_of(&["live"]))).unused();
    let run = |params: &[&str]| {
        let mut cmd = chat(&dir, &unused);
        cmd.env_remove("OPENAI_API_KEY")
            .args(["--cassette", "c.jsonl", "--cassette-mode", "replay"])
            .args(params)
            .arg("hi");
        cmd.output().unwrap()
    };
    // 1.0 is 1 (numbers by value); order and spacing do not matter.
    let hit = run(&["-o", "temperature=1.0", "-o", "logprobs=true"]);
    assert_eq!(
        (stdout(&hit).as_str(), hit.status.code()),
        ("x\n", Some(0)),
        "{}",
        stderr(&hit)
    );
    // true is not 1.
    let miss = run(&["-o", "temperature=1", "-o", "logprobs=1"]);
    assert_eq!(miss.status.code(), Some(2), "{}", stderr(&miss));
}

#[test]
fn a_newer_format_version_is_named_by_replay_and_never_matched_by_cassette() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["x"])));
    taped(&dir, &server, &[], "hi");
    let mut line = lines(&dir, "c.jsonl").remove(0);
    line["yap_cassette"] = json!(7);
    dir.write("c.jsonl", format!("{line}\n{line}\n"));
    let out = replay(&dir, &["c.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("version 7"), "{}", stderr(&out));
    assert!(stderr(&out).contains("line 1"), "{}", stderr(&out));
    // --cassette: no match (so it is sent), one warning for both lines.
    let again = Server::one(Reply::sse(stream_of(&["sent"])));
    let sent = taped(&dir, &again, &[], "hi");
    assert_eq!(stdout(&sent), "sent\n");
    assert_eq!(
        stderr(&sent).matches("version 7").count(),
        1,
        "{}",
        stderr(&sent)
    );
    assert_eq!(again.requests().len(), 1);
}

#[test]
fn secrets_stay_out_of_the_cassette() {
    let dir = Scratch::new();
    let server = Server::one(Reply::json(
        401,
        &format!(r#"{{"error":{{"message":"bad key {KEY}"}}}}"#),
    ));
    let out = record(
        &dir,
        &server,
        "--json",
        &[
            "-H",
            "X-Team: blue",
            "-H",
            "X-Api-Token: tok-123456789",
            "-H",
            &format!("X-Echo: prefix {KEY}"),
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let text = std::fs::read_to_string(dir.path().join("c.jsonl")).unwrap();
    assert!(text.contains("X-Team"));
    for secret in [
        KEY,
        "X-Api-Token",
        "tok-123456789",
        "X-Echo",
        "Authorization",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    // (The Scratch sweep checks every byte of the directory too.)
}

#[test]
fn concurrent_appends_never_interleave_or_tear_lines() {
    let dir = Scratch::new();
    // Lines far longer than a pipe buffer.
    let pieces: Vec<String> = (0..300).map(|i| format!("piece {i} ")).collect();
    let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let server = Server::one(Reply::sse(stream_of(&refs)));
    let procs = 24;
    let children: Vec<_> = (0..procs)
        .map(|i| {
            chat_command(&dir, &server)
                .args(["--record", "c.jsonl"])
                .arg(format!("process {i}"))
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let all = lines(&dir, "c.jsonl");
    assert_eq!(all.len(), procs);
    let mut prompts: Vec<String> = all
        .iter()
        .map(|l| {
            assert_eq!(l["response"]["events"].as_array().unwrap().len(), 303);
            l["request"]["body"]["messages"][0]["content"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    prompts.sort();
    prompts.dedup();
    assert_eq!(prompts.len(), procs);
}

#[test]
fn live_resends_one_record_with_the_current_settings() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["old"])));
    record(&dir, &server, "text", &["-o", "seed=3"]);
    // A new server, -m and -o override; the rest of the body is kept.
    let fresh = Server::one(Reply::sse(stream_of(&["new"])));
    let mut cmd = yap(&dir);
    cmd.args(["replay", "--live", "c.jsonl", "--base-url", &fresh.base()])
        .args([
            "-m",
            "other-model",
            "-o",
            "temperature=0.5",
            "--retries",
            "0",
        ]);
    let out = cmd.output().unwrap();
    assert_eq!(
        (stdout(&out).as_str(), out.status.code()),
        ("new\n", Some(0)),
        "{}",
        stderr(&out)
    );
    let body = fresh.only_request().json();
    assert_eq!(body["model"], json!("other-model"));
    assert_eq!(body["temperature"], json!(0.5));
    assert_eq!(body["seed"], json!(3));
    assert_eq!(body["messages"][0]["content"], json!("hi"));

    // A bare body keeps its own model over YAP_MODEL; --record appends.
    dir.write(
        "bodies.jsonl",
        r#"{"model":"body-model","messages":[{"role":"user","content":"yo"}],"stream":true}"#,
    );
    let third = Server::one(Reply::sse(stream_of(&["bare"])));
    let mut cmd = yap(&dir);
    cmd.env("YAP_MODEL", "env-model")
        .args([
            "replay",
            "--live",
            "bodies.jsonl",
            "--base-url",
            &third.base(),
        ])
        .args(["--record", "again.jsonl", "--json"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(third.only_request().json()["model"], json!("body-model"));
    assert_eq!(lines(&dir, "again.jsonl").len(), 1);
    // Offline, bodies need --live.
    let offline = replay(&dir, &["bodies.jsonl"]);
    assert_eq!(offline.status.code(), Some(2));
    assert!(stderr(&offline).contains("--live"));
}

#[test]
fn bad_input_is_exit_2_naming_the_file_and_line_with_nothing_sent() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["x"])));
    record(&dir, &server, "text", &[]);
    let good = std::fs::read_to_string(dir.path().join("c.jsonl")).unwrap();
    let unused = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    for (name, text, live, needle) in [
        ("notjson.jsonl", format!("{good}{{oops\n"), false, "line 2"),
        (
            "notjson2.jsonl",
            format!("{good}\n[1, 2]\n"),
            true,
            "line 3",
        ),
        (
            "neither.jsonl",
            r#"{"model":"m","input":"x"}"#.to_string() + "\n",
            true,
            "line 1",
        ),
        ("empty.jsonl", "\n\n".to_string(), false, "empty.jsonl"),
    ] {
        dir.write(name, &text);
        let mut cmd = yap(&dir);
        cmd.args(["replay", name, "--base-url", &unused.base()]);
        if live {
            cmd.arg("--live");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(name) || name == "empty.jsonl",
            "{name}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).contains(needle), "{name}: {}", stderr(&out));
    }
    let missing = replay(&dir, &["nope.jsonl"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nope.jsonl"));
}

#[test]
fn every_stream_fixture_replays_as_it_printed_live() {
    let manifest: Value = serde_json::from_slice(&fixture("manifest.json")).unwrap();
    let mut checked = 0;
    for entry in manifest["fixtures"].as_array().unwrap() {
        if entry["kind"] != "stream" {
            continue;
        }
        let file = entry["file"].as_str().unwrap();
        let body = fixture(file);
        for mode in MODES {
            let dir = Scratch::new();
            let server = Server::one(Reply::sse_bytewise(&body));
            let live = record(&dir, &server, mode, &[]);
            let played = replay(&dir, &["c.jsonl"]);
            same(&live, &played, &format!("{file} {mode}"));
            let errors = |o: &Output| {
                stderr(o)
                    .lines()
                    .filter(|l| l.starts_with("yap: error:") || l.starts_with("{\"error\""))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            assert_eq!(errors(&live), errors(&played), "{file} {mode}");
            checked += 1;
        }
    }
    assert!(checked >= 80, "only {checked} runs");
}

#[test]
fn a_bad_cassette_mode_variable_matters_only_with_cassette() {
    let dir = Scratch::new();
    let unused = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    let mut cmd = chat(&dir, &unused);
    cmd.env("YAP_CASSETTE_MODE", "sometimes")
        .args(["--cassette", "c.jsonl", "hi"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("YAP_CASSETTE_MODE"),
        "{}",
        stderr(&out)
    );
    let server = Server::one(Reply::sse(stream_of(&["fine"])));
    let mut cmd = chat(&dir, &server);
    cmd.env("YAP_CASSETTE_MODE", "sometimes").arg("hi");
    assert_eq!(stdout(&cmd.output().unwrap()), "fine\n");
}

#[test]
fn log_replays_an_exchange_of_the_history() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["from ", "the history"])),
        Reply::json(400, r#"{"error":{"message":"bad model"}}"#),
    ]);
    chat(&dir, &server).arg("first").assert().success();
    let failed = chat(&dir, &server).arg("second").output().unwrap();
    assert_eq!(failed.status.code(), Some(4));
    drop(server);
    // The newest failed: its error again, with its exit code.
    let out = yap(&dir)
        .args(["replay", "--log", "last"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("bad model"), "{}", stderr(&out));
    // The first by its id: text, then --json.
    let list = yap(&dir).args(["logs", "--json"]).output().unwrap();
    let first: Value = serde_json::from_str(stdout(&list).lines().last().unwrap()).unwrap();
    let id = first["id"].to_string();
    yap(&dir)
        .args(["replay", "--log", &id])
        .assert()
        .success()
        .stdout("from the history\n");
    let out = yap(&dir)
        .args(["replay", "--log", &id, "--json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc["choices"][0]["message"]["content"],
        json!("from the history")
    );
    // What the history cannot give: exit 2.
    for args in [
        vec!["--log", "last", "--raw"],
        vec!["--log", "last", "--realtime"],
        vec!["--log", "x1"],
    ] {
        let out = yap(&dir).arg("replay").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

/// A cassette past 4 MiB has its second half checked by a second thread:
/// it plays as recorded, and a broken event in either half is still found
/// before anything is printed, with its index.
#[test]
fn a_long_cassette_is_checked_in_two_halves_before_anything_plays() {
    let dir = Scratch::new();
    let pieces: Vec<String> = (0..30_000).map(|i| format!("t{i} ")).collect();
    let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let server = Server::one(Reply::sse(stream_of(&refs)));
    let live = record(&dir, &server, "text", &[]);
    assert_eq!(live.status.code(), Some(0), "{}", stderr(&live));
    let text = std::fs::read_to_string(dir.path().join("c.jsonl")).unwrap();
    assert!(text.len() > 4 << 20, "{} bytes", text.len());
    let played = replay(&dir, &["c.jsonl"]);
    same(&live, &played, "long cassette");
    assert!(stdout(&played).trim_end().ends_with("t29999"));
    // The role chunk is event 0; the piece "tN" is event N + 1.
    for n in [7_000usize, 25_000] {
        let piece = format!("t{} ", n - 1);
        let at = text
            .find(&format!("\\\"content\\\":\\\"{piece}\\\""))
            .unwrap();
        let broken = format!("{}\\q{}", &text[..at], &text[at + 1..]);
        dir.write("broken.jsonl", &broken);
        let out = replay(&dir, &["broken.jsonl"]);
        assert_eq!(out.status.code(), Some(2), "{n}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{n}: printed before the check");
        let err = stderr(&out);
        assert!(
            err.contains("broken.jsonl") && err.contains("line 1"),
            "{err}"
        );
        assert!(err.contains(&format!("response.events[{n}]")), "{n}: {err}");
    }
}

/// A FILE that is a pipe (`<(…)`, /dev/stdin from a pipe) is read once into
/// a temporary file: replay reads a line twice, and a pipe opened again
/// would wait for a writer that is gone.
#[test]
fn a_pipe_as_file_is_spooled_and_named_as_given() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["from ", "a pipe"])));
    let live = record(&dir, &server, "text", &[]);
    let text = std::fs::read_to_string(dir.path().join("c.jsonl")).unwrap();
    let mut cmd = yap(&dir);
    cmd.env_remove("OPENAI_API_KEY")
        .args(["replay", "/dev/stdin"])
        .write_stdin(text)
        .timeout(Duration::from_secs(20));
    let piped = cmd.output().unwrap();
    same(&live, &piped, "replay /dev/stdin");
    assert_eq!(stdout(&piped), "from a pipe\n");
    let mut cmd = yap(&dir);
    cmd.args(["replay", "/dev/stdin"])
        .write_stdin("{oops\n")
        .timeout(Duration::from_secs(20));
    let bad = cmd.output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).starts_with("yap: error: /dev/stdin: line 1: "),
        "{}",
        stderr(&bad)
    );
}

/// `--cassette` reads a match twice and appends a miss: a pipe is refused
/// (exit 2 naming it), nothing sent.
#[test]
fn a_pipe_is_no_cassette() {
    let dir = Scratch::new();
    let unused = Server::one(Reply::sse(stream_of(&["live"]))).unused();
    let mut cmd = chat(&dir, &unused);
    cmd.args(["--cassette", "/dev/stdin", "hi"])
        .write_stdin("")
        .timeout(Duration::from_secs(20));
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cassette /dev/stdin: not a regular file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");
}
