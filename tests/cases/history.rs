//! The history: every field written and read back, migrations, concurrent
//! writers, a history that cannot be written, `logs`, `chat -c`/`--cid`,
//! and the ways to turn it off.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::*;

fn answer(text: &str) -> Reply {
    Reply::json(200, &completion(text))
}

fn logs_json(dir: &Scratch, extra: &[&str]) -> Vec<Value> {
    let out = yap(dir)
        .args(["logs", "--json"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn show_json(dir: &Scratch, id: &str) -> Value {
    let out = yap(dir)
        .args(["logs", "show", id, "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn warnings(out: &std::process::Output) -> usize {
    stderr(out)
        .lines()
        .filter(|l| l.starts_with("yap: warning"))
        .count()
}

#[test]
fn every_field_is_written_and_read_back() {
    let dir = Scratch::new();
    let server = Server::start(vec![answer("four"), Reply::json(500, "{}")]);
    dir.write(
        "config/yap/config.toml",
        format!(
            "[profiles.local]\nbase_url = \"{}\"\nmodel = \"test-model\"\n",
            server.base()
        ),
    );
    let out = yap(&dir)
        .args([
            "-P",
            "local",
            "chat",
            "--no-stream",
            "-s",
            "terse",
            "two plus two",
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "four\n");
    assert_eq!(warnings(&out), 0, "{}", stderr(&out));

    let row = show_json(&dir, "last");
    let sent = server.requests()[0].json();
    assert_eq!(row["request"], sent);
    assert_eq!(
        row["response"],
        serde_json::from_str::<Value>(&completion("four")).unwrap()
    );
    assert_eq!(row["id"], 1);
    assert!(row["cid"].as_str().is_some_and(|c| !c.is_empty()));
    let time = row["time"].as_str().unwrap();
    assert!(
        time.len() == 24 && time.ends_with('Z') && &time[10..11] == "T",
        "{time}"
    );
    assert_eq!(row["profile"], "local");
    assert_eq!(row["host"], format!("127.0.0.1:{}", server.port));
    assert_eq!(row["endpoint"], "chat/completions");
    assert_eq!(row["model"], "test-model");
    assert_eq!(row["prompt"], "two plus two");
    assert_eq!(row["response_text"], "four");
    assert_eq!(row["finish_reason"], "stop");
    assert_eq!(
        row["usage"],
        json!({"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5})
    );
    assert!(row["ttfb_ms"].is_u64() && row["total_ms"].is_u64(), "{row}");
    assert_eq!(row["status"], 200);
    assert_eq!(row["exit_code"], 0);
    assert_eq!(row["state"], "ok");
    assert_eq!(row["error"], Value::Null);

    // A failed exchange is a row too.
    let out = yap(&dir)
        .args(["-P", "local", "chat", "--retries", "0", "again"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let row = show_json(&dir, "2");
    assert_eq!(row["state"], "failed");
    assert_eq!(row["exit_code"], 6);
    assert_eq!(row["status"], 500);
    assert_eq!(row["response"], Value::Null);
    assert!(row["error"].as_str().unwrap().contains("500"), "{row}");

    // The listing's fields, newest first.
    let rows = logs_json(&dir, &[]);
    assert_eq!(rows.len(), 2);
    for key in [
        "id",
        "cid",
        "time",
        "model",
        "prompt",
        "response",
        "usage",
        "exit_code",
        "state",
    ] {
        assert!(rows[0].get(key).is_some(), "{key} missing in {}", rows[0]);
    }
    assert_eq!(rows[0]["id"], 2);
    assert_eq!(rows[1]["response"], "four");
    assert_eq!(rows[0]["usage"], Value::Null);

    // The text forms.
    let out = yap(&dir).args(["logs"]).output().unwrap();
    let text = stdout(&out);
    assert!(
        text.lines().next().unwrap().contains("failed (6)"),
        "{text}"
    );
    assert!(text.contains("two plus two → four"), "{text}");
    let out = yap(&dir).args(["logs", "show", "1"]).output().unwrap();
    assert!(
        stdout(&out).contains("--- response\nfour\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_streamed_answer_and_a_completion_are_recorded() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["stre", "amed"])),
        answer("unused"),
    ]);
    chat(&dir, &server)
        .arg("hi")
        .assert()
        .success()
        .stdout("streamed\n");
    let row = show_json(&dir, "last");
    assert_eq!(row["response_text"], "streamed");
    assert_eq!(
        row["response"]["choices"][0]["message"]["content"],
        "streamed"
    );
    assert_eq!(row["usage"]["total_tokens"], 5);

    let done = r#"{"id":"c","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":" there","finish_reason":"length"}]}"#;
    let server = Server::one(Reply::json(200, done));
    yap(&dir)
        .args([
            "complete",
            "--base-url",
            &server.base(),
            "-m",
            "base",
            "--no-stream",
            "hello",
        ])
        .write_stdin("")
        .assert()
        .success();
    let row = show_json(&dir, "last");
    assert_eq!(row["endpoint"], "completions");
    assert_eq!(row["prompt"], "hello");
    assert_eq!(row["response_text"], " there");
    assert_eq!(row["finish_reason"], "length");
}

#[test]
fn the_key_is_never_stored() {
    let dir = Scratch::new();
    let server = Server::one(answer("noted"));
    // Even a prompt that holds the key: the Scratch sweep reads the
    // database's bytes (and its WAL) when `dir` is dropped.
    chat(&dir, &server)
        .args([
            "-H",
            "X-Team: infra",
            "--no-stream",
            &format!("my key is {KEY}"),
        ])
        .assert()
        .success();
    assert!(history_db(&dir).exists());
    let row = show_json(&dir, "last");
    assert_eq!(row["prompt"], "my key is [redacted]");
    assert!(!row.to_string().contains("infra"), "headers are not stored");
}

const V1_SCHEMA: &str = "
CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY AUTOINCREMENT, cid TEXT NOT NULL, time TEXT NOT NULL,
    profile TEXT, host TEXT, endpoint TEXT, model TEXT, request TEXT NOT NULL,
    response TEXT, finish_reason TEXT, usage TEXT, status INTEGER, ttfb_ms INTEGER,
    total_ms INTEGER NOT NULL, exit_code INTEGER NOT NULL, state TEXT NOT NULL, error TEXT
);
PRAGMA user_version = 1;
";

#[test]
fn an_older_schema_is_upgraded_in_place() {
    let dir = Scratch::new();
    let path = history_db(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(V1_SCHEMA).unwrap();
        conn.execute(
            "INSERT INTO exchanges (cid, time, model, endpoint, request, response, total_ms, \
             exit_code, state) VALUES ('old', '2025-01-02T03:04:05.000Z', 'm0', \
             'chat/completions', ?1, ?2, 12, 0, 'ok')",
            [
                json!({"model": "m0", "messages": [{"role": "user", "content": "Old Question"}]})
                    .to_string(),
                completion("old answer"),
            ],
        )
        .unwrap();
    }
    let rows = logs_json(&dir, &[]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["prompt"], "Old Question");
    assert_eq!(rows[0]["response"], "old answer");
    assert_eq!(logs_json(&dir, &["-q", "old QUESTION"]).len(), 1);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
    drop(conn);
    // New rows go into the upgraded database, and continue the old one.
    let server = Server::one(answer("new answer"));
    yap(&dir)
        .args([
            "chat",
            "--base-url",
            &server.base(),
            "--cid",
            "old",
            "follow-up",
        ])
        .write_stdin("")
        .assert()
        .success();
    let sent = server.only_request().json();
    assert_eq!(sent["model"], "m0");
    assert_eq!(sent["messages"][1]["content"], "old answer");
    assert_eq!(logs_json(&dir, &["--cid", "old"]).len(), 2);
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let dir = Scratch::new();
    let path = history_db(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let server = Server::one(answer("still answered"));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "still answered\n");
    assert_eq!(warnings(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("version 99, newer than"),
        "{}",
        stderr(&out)
    );
    let out = yap(&dir).arg("logs").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("upgrade yap"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file was modified"
    );
    assert!(!path.with_extension("sqlite3-wal").exists());
}

#[test]
fn sixteen_concurrent_writers_record_sixteen_rows() {
    let dir = Scratch::new();
    let server = Server::start(vec![answer("same")]);
    let bin = assert_cmd::cargo::cargo_bin("yap");
    let children: Vec<_> = (0..16)
        .map(|i| {
            std::process::Command::new(&bin)
                .env_clear()
                .env("HOME", dir.path().join("home"))
                .env("XDG_DATA_HOME", dir.path().join("data"))
                .env("OPENAI_API_KEY", KEY)
                .current_dir(dir.path())
                .args([
                    "chat",
                    "--base-url",
                    &server.base(),
                    "-m",
                    "m",
                    "--no-stream",
                ])
                .arg(format!("writer {i}"))
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), "same\n");
        assert_eq!(stderr(&out), "", "a writer failed");
    }
    let rows = logs_json(&dir, &["-n", "100"]);
    assert_eq!(rows.len(), 16);
    assert!(rows.iter().all(|r| r["state"] == "ok"));
    let mut prompts: Vec<String> = rows
        .iter()
        .map(|r| r["prompt"].as_str().unwrap().to_string())
        .collect();
    prompts.sort();
    prompts.dedup();
    assert_eq!(prompts.len(), 16);
}

/// The answer and exit code as without a history, and one warning.
fn answered_with_one_warning(out: &std::process::Output, answer: &str) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    assert_eq!(stdout(out), format!("{answer}\n"));
    assert_eq!(warnings(out), 1, "{}", stderr(out));
    let err = stderr(out);
    assert!(err.contains("the history was not written"), "{err}");
    err
}

#[test]
fn an_unwritable_folder_costs_one_warning() {
    let dir = Scratch::new();
    let server = Server::one(answer("fine"));
    // A folder that cannot be made (its parent is a file): root ignores
    // permission bits, this does not.
    let blocker = dir.write("blocker", "a file");
    let out = chat(&dir, &server)
        .env("YAP_DATA_DIR", blocker.join("yap"))
        .arg("hi")
        .output()
        .unwrap();
    let err = answered_with_one_warning(&out, "fine");
    assert!(err.contains("cannot create the folder"), "{err}");
    // The error exit code of the exchange is kept, with its own error line.
    let server = Server::one(Reply::json(401, r#"{"error":{"message":"no"}}"#));
    let out = chat(&dir, &server)
        .env("YAP_DATA_DIR", blocker.join("yap"))
        .arg("hi")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(warnings(&out), 1, "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_costs_one_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Scratch::new();
    let data = dir.path().join("ro");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(data.join("probe"), "x").is_ok() {
        // Running as root: permission bits do not stop writes.
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let server = Server::one(answer("fine"));
    let out = chat(&dir, &server)
        .env("YAP_DATA_DIR", &data)
        .arg("hi")
        .output()
        .unwrap();
    answered_with_one_warning(&out, "fine");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_file_that_is_not_a_database_costs_one_warning() {
    let dir = Scratch::new();
    let garbage = b"this is not a SQLite database, and it never was one.....".repeat(40);
    dir.write("data/yap/history.sqlite3", &garbage);
    let server = Server::one(Reply::sse(stream_of(&["fine"])));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    let err = answered_with_one_warning(&out, "fine");
    assert!(err.contains("history.sqlite3"), "{err}");
    assert_eq!(std::fs::read(history_db(&dir)).unwrap(), garbage);
    let out = yap(&dir).arg("logs").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_locked_database_costs_one_warning() {
    let dir = Scratch::new();
    let server = Server::start(vec![answer("first"), answer("second")]);
    chat(&dir, &server).arg("one").assert().success();
    let conn = rusqlite::Connection::open(history_db(&dir)).unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = chat(&dir, &server).arg("two").output().unwrap();
    let err = answered_with_one_warning(&out, "second");
    assert!(err.contains("locked"), "{err}");
    conn.execute_batch("ROLLBACK").unwrap();
    drop(conn);
    assert_eq!(logs_json(&dir, &[]).len(), 1);
}

#[test]
fn no_log_yap_no_log_and_history_false_write_nothing() {
    let dir = Scratch::new();
    let server = Server::start(vec![answer("quiet")]);
    chat(&dir, &server)
        .args(["--no-log", "hi"])
        .assert()
        .success();
    chat(&dir, &server)
        .env("YAP_NO_LOG", "1")
        .arg("hi")
        .assert()
        .success();
    dir.write("config/yap/config.toml", "history = false\n");
    chat(&dir, &server).arg("hi").assert().success();
    dir.write(
        "config/yap/config.toml",
        format!(
            "default_profile = \"p\"\n[profiles.p]\nbase_url = \"{}\"\nhistory = false\n",
            server.base()
        ),
    );
    chat(&dir, &server).arg("hi").assert().success();
    assert!(!dir.path().join("data").exists(), "something was written");
    // `.env` may not switch it: YAP_NO_LOG from .env is honoured like any
    // YAP_* variable, but YAP_DATA_DIR is refused (exit 2).
    dir.write(".env", "YAP_DATA_DIR=/tmp/elsewhere\n");
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("YAP_DATA_DIR"), "{}", stderr(&out));
}

#[test]
fn version_help_and_logs_path_never_open_the_database() {
    let dir = Scratch::new();
    yap(&dir).arg("--version").assert().success();
    yap(&dir).args(["logs", "--help"]).assert().success();
    let out = yap(&dir).args(["logs", "path"]).output().unwrap();
    assert_eq!(stdout(&out), format!("{}\n", history_db(&dir).display()));
    let out = yap(&dir)
        .args(["logs", "path"])
        .env("YAP_DATA_DIR", "/some/where")
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "/some/where/history.sqlite3\n");
    let out = yap(&dir)
        .args(["logs", "path"])
        .env_remove("XDG_DATA_HOME")
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        format!(
            "{}/home/.local/share/yap/history.sqlite3\n",
            dir.path().display()
        )
    );
    // Listing an absent history prints nothing and creates nothing.
    yap(&dir).arg("logs").assert().success().stdout("");
    assert!(!dir.path().join("data").exists());
}

#[test]
fn logs_filters_and_removal() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        answer("Paris"),
        answer("Berlin"),
        answer("Rome"),
        answer("unused"),
    ]);
    chat(&dir, &server)
        .args(["--cid", "geo", "capital of France?"])
        .assert()
        .success();
    chat(&dir, &server)
        .args(["--cid", "geo", "and Germany?"])
        .assert()
        .success();
    chat(&dir, &server)
        .args(["--no-stream", "capital of ITALY?"])
        .assert()
        .success();

    let all = logs_json(&dir, &[]);
    assert_eq!(
        all.iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [3, 2, 1]
    );
    assert_eq!(logs_json(&dir, &["-n", "1"])[0]["response"], "Rome");
    let capital = logs_json(&dir, &["-q", "CAPITAL"]);
    assert_eq!(capital.len(), 2);
    let berlin = logs_json(&dir, &["-q", "berLIN"]);
    assert_eq!(berlin.len(), 1);
    assert_eq!(berlin[0]["prompt"], "and Germany?");
    let geo = logs_json(&dir, &["--cid", "geo"]);
    assert_eq!(geo.len(), 2);
    assert!(geo.iter().all(|r| r["cid"] == "geo"));
    assert_eq!(logs_json(&dir, &["--cid", "geo", "-q", "france"]).len(), 1);
    assert_eq!(logs_json(&dir, &["-n", "0"]).len(), 0);

    // rm by id; an unknown id removes nothing (exit 2).
    let out = yap(&dir).args(["logs", "rm", "2", "99"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no exchange 99"), "{}", stderr(&out));
    assert_eq!(logs_json(&dir, &[]).len(), 3);
    yap(&dir).args(["logs", "rm", "2"]).assert().success();
    assert_eq!(logs_json(&dir, &[]).len(), 2);
    let out = yap(&dir).args(["logs", "show", "2"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = yap(&dir).args(["logs", "show", "two"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    // rm --all: no terminal and no --yes is exit 2, nothing removed.
    let out = yap(&dir)
        .args(["logs", "rm", "--all"])
        .write_stdin("y\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(logs_json(&dir, &[]).len(), 2);
    yap(&dir)
        .args(["logs", "rm", "--all", "--yes"])
        .assert()
        .success();
    assert_eq!(logs_json(&dir, &[]).len(), 0);
    // Nothing of what was removed is left in the file.
    let bytes = std::fs::read(history_db(&dir)).unwrap();
    assert!(
        !bytes.windows(5).any(|w| w == b"Paris"),
        "removed text is still in the file"
    );
}

#[test]
fn continue_and_cid_send_the_conversation_again() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        answer("one"),
        answer("two"),
        answer("three"),
        answer("four"),
        answer("five"),
    ]);
    // -c with no history is exit 2.
    let out = chat(&dir, &server).args(["-c", "hi"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--cid"), "{}", stderr(&out));

    let base = server.base();
    let run = |args: &[&str]| {
        yap(&dir)
            .args(["chat", "--base-url", &base, "--retries", "0"])
            .args(args)
            .write_stdin("")
            .assert()
            .success();
    };
    run(&["-m", "model-a", "-s", "be terse", "first"]);
    // -c: the messages, the answer, the new prompt; the model is kept.
    run(&["-c", "second"]);
    // -s replaces the system prompt; -m changes the model.
    run(&["-c", "-s", "be loud", "-m", "model-b", "third"]);
    // --cid of an unknown id starts a conversation under it.
    run(&["--cid", "script-7", "-m", "model-c", "fresh"]);
    // From a pipe: the prompt on stdin.
    yap(&dir)
        .args(["chat", "--base-url", &base, "--cid", "script-7"])
        .write_stdin("piped")
        .assert()
        .success();

    let reqs: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
    assert_eq!(reqs.len(), 5);
    assert_eq!(reqs[1]["model"], "model-a");
    assert_eq!(
        reqs[1]["messages"],
        json!([
            {"role": "system", "content": "be terse"},
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "one"},
            {"role": "user", "content": "second"},
        ])
    );
    assert_eq!(reqs[2]["model"], "model-b");
    assert_eq!(
        reqs[2]["messages"],
        json!([
            {"role": "system", "content": "be loud"},
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "one"},
            {"role": "user", "content": "second"},
            {"role": "assistant", "content": "two"},
            {"role": "user", "content": "third"},
        ])
    );
    assert_eq!(
        reqs[3]["messages"],
        json!([{"role": "user", "content": "fresh"}])
    );
    assert_eq!(reqs[4]["model"], "model-c");
    assert_eq!(
        reqs[4]["messages"],
        json!([
            {"role": "user", "content": "fresh"},
            {"role": "assistant", "content": "four"},
            {"role": "user", "content": "piped"},
        ])
    );
    let rows = logs_json(&dir, &[]);
    let cids: Vec<&str> = rows.iter().map(|r| r["cid"].as_str().unwrap()).collect();
    assert_eq!(cids[..2], ["script-7", "script-7"]);
    assert!(cids[2] == cids[3] && cids[3] == cids[4], "{cids:?}");
    // With no prompt and no terminal, -c is the usual "no prompt".
    let out = chat(&dir, &server).args(["-c"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_failed_turn_is_not_sent_again() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        answer("kept"),
        Reply::json(400, r#"{"error":{"message":"bad"}}"#),
        answer("after"),
    ]);
    chat(&dir, &server)
        .args(["--cid", "c1", "good"])
        .assert()
        .success();
    let out = chat(&dir, &server)
        .args(["--cid", "c1", "bad"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    chat(&dir, &server)
        .args(["--cid", "c1", "next"])
        .assert()
        .success();
    let last = server.requests()[2].json();
    assert_eq!(
        last["messages"],
        json!([
            {"role": "user", "content": "good"},
            {"role": "assistant", "content": "kept"},
            {"role": "user", "content": "next"},
        ])
    );
}

#[test]
fn an_interrupted_turn_is_sent_again_with_its_partial_answer() {
    use std::io::Read;
    let server = Server::start(vec![
        Reply::sse(cut_stream(&["partial"])).then(Step::Pause(Duration::from_secs(10))),
        answer("resumed"),
    ]);
    let dir = Scratch::new();
    let mut child = spawn_chat(&dir, &server);
    let mut out = child.stdout.take().unwrap();
    let mut got = [0u8; 7];
    out.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"partial");
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(130));
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("warning"), "{err}");

    let row = show_json(&dir, "last");
    assert_eq!(row["state"], "interrupted");
    assert_eq!(row["exit_code"], 130);
    assert_eq!(row["response_text"], "partial");

    chat(&dir, &server)
        .args(["-c", "go on"])
        .assert()
        .success()
        .stdout("resumed\n");
    let sent = server.requests()[1].json();
    assert_eq!(
        sent["messages"],
        json!([
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "partial"},
            {"role": "user", "content": "go on"},
        ])
    );
}

#[test]
fn the_interactive_chat_records_each_turn_and_continues() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["first answer"])),
        Reply::sse(stream_of(&["second answer"])),
        Reply::sse(stream_of(&["third answer"])),
    ]);
    let bin = assert_cmd::cargo::cargo_bin("yap");
    let data = dir.path().join("data");
    let run = |extra: &str, input: &str| {
        use std::io::Write;
        let command = format!(
            "XDG_DATA_HOME={} {} chat --base-url {} -m m {extra}",
            data.display(),
            bin.display(),
            server.base()
        );
        let mut child = on_terminal(&dir, &command, "xterm")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run("", "hello\nand then?\n");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let rows = logs_json(&dir, &[]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["cid"], rows[1]["cid"]);
    assert_eq!(rows[0]["prompt"], "and then?");

    let out = run("-c", "more\n");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("continuing conversation"),
        "{}",
        stdout(&out)
    );
    let sent = server.requests()[2].json();
    assert_eq!(sent["messages"].as_array().unwrap().len(), 5);
    assert_eq!(sent["messages"][3]["content"], "second answer");
    assert_eq!(logs_json(&dir, &[])[0]["cid"], rows[0]["cid"]);
}
