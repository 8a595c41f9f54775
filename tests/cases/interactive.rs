//! The interactive chat on a real terminal (`script(1)` gives yap a pty):
//! the line editor, its input history, the slash commands, Ctrl-C during
//! an answer, `-c`. Every test waits for what yap shows (with a deadline)
//! before it types, and asserts what the user sees or the server received.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::*;

/// Written by the line editor each time it takes the terminal for a line
/// (bracketed paste on): from then on keys are keys, not signals.
const READY: &str = "\x1b[?2004h";
const DEADLINE: Duration = Duration::from_secs(15);

/// yap on a terminal, with its screen read as it comes.
struct Pty {
    child: Child,
    stdin: Option<ChildStdin>,
    screen: Arc<Mutex<Vec<u8>>>,
    /// How many line reads were waited for.
    reads: usize,
}

impl Pty {
    /// `yap ARGS` in `dir`, its history and input history under
    /// `dir/data` (as [`yap`] does).
    fn spawn(dir: &Scratch, args: &str) -> Pty {
        Pty::spawn_on(dir, args, "xterm")
    }

    /// The same on a terminal of type `term`.
    fn spawn_on(dir: &Scratch, args: &str, term: &str) -> Pty {
        // `exec`: no shell between script and yap to die of a Ctrl-C that
        // yap handles (an interactive shell puts yap in a process group of
        // its own; `sh -c` does not).
        let command = format!(
            "exec {} {args}",
            assert_cmd::cargo::cargo_bin("yap").display()
        );
        let mut child = on_terminal(dir, &command, term)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script(1) from util-linux");
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut out = child.stdout.take().unwrap();
        let copy = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                copy.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            stdin: child.stdin.take(),
            child,
            screen,
            reads: 0,
        }
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).to_string()
    }

    /// Wait until the screen shows `text` `times` times.
    fn wait_for(&self, text: &str, times: usize) {
        let started = Instant::now();
        while self.screen().matches(text).count() < times {
            assert!(
                started.elapsed() < DEADLINE,
                "waited for {text:?} ×{times}; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait for the line editor's next read, then type `keys`.
    fn type_keys(&mut self, keys: &str) {
        self.reads += 1;
        self.wait_for(READY, self.reads);
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(keys.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// Type a line and Enter at the next read.
    fn line(&mut self, text: &str) {
        self.type_keys(&format!("{text}\r"));
    }

    /// Wait for yap to end (after the last keys typed): its exit code and
    /// the whole screen.
    fn finish(mut self) -> (Option<i32>, String) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The reader thread drains the rest.
                std::thread::sleep(Duration::from_millis(50));
                drop(self.stdin.take());
                return (status.code(), self.screen());
            }
            if started.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!("yap did not end; the screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Ctrl-D at the next read; yap ends with 0.
    fn end(mut self) -> String {
        self.type_keys("\x04");
        let (code, screen) = self.finish();
        assert_eq!(code, Some(0), "{screen}");
        screen
    }
}

fn chat_args(server: &Server, extra: &str) -> String {
    format!("chat --base-url {} -m m --retries 0 {extra}", server.base())
}

fn messages(req: &Recorded) -> serde_json::Value {
    req.json()["messages"].clone()
}

use crate::support::server::Recorded;

#[test]
fn a_prompt_and_its_streamed_answer() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse_pieces(vec![stream_of(&["Hel", "lo ", "there"])]));
    let mut pty = Pty::spawn(&dir, &chat_args(&server, ""));
    pty.wait_for("chatting with m", 1);
    pty.line("hi");
    pty.wait_for("Hello there", 1);
    let screen = pty.end();
    assert!(screen.contains("> "), "{screen}");
    assert_eq!(
        messages(&server.only_request()),
        json!([{"role": "user", "content": "hi"}])
    );
}

#[test]
fn arrow_keys_edit_the_line() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let mut pty = Pty::spawn(&dir, &chat_args(&server, ""));
    // "helo wrld": Left ×3, "o"; Left ×4, "l"; Home, "Oh, "; End, "!".
    pty.type_keys("helo wrld\x1b[D\x1b[D\x1b[Do\x1b[D\x1b[D\x1b[D\x1b[Dl\x1b[HOh, \x1b[F!\r");
    pty.wait_for("ok", 1);
    pty.end();
    assert_eq!(
        messages(&server.only_request()),
        json!([{"role": "user", "content": "Oh, hello world!"}])
    );
}

/// `yap logs --json`, newest first.
fn logs(dir: &Scratch) -> Vec<serde_json::Value> {
    let out = yap(dir).args(["logs", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn ctrl_c_clears_a_typed_line_and_multi_line_input() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let mut pty = Pty::spawn(&dir, &chat_args(&server, ""));
    // Ctrl-C on a typed line clears it; the chat goes on.
    pty.type_keys("not this\x03real one\r");
    pty.wait_for("ok", 1);
    // Alt-Enter (ESC CR) inserts a new line.
    pty.type_keys("line one\x1b\rline two\r");
    pty.wait_for("ok", 2);
    // A """ block: one read per line.
    pty.line("\"\"\"");
    pty.line("block one");
    pty.line("  block two");
    pty.line("\"\"\"");
    pty.wait_for("ok", 3);
    pty.end();
    let sent: Vec<_> = server
        .requests()
        .iter()
        .map(|r| messages(r).as_array().unwrap().last().unwrap()["content"].clone())
        .collect();
    assert_eq!(
        sent,
        [
            json!("real one"),
            json!("line one\nline two"),
            json!("block one\n  block two")
        ]
    );
}

#[test]
fn the_input_history_is_kept_across_runs_in_the_data_folder() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let mut pty = Pty::spawn(&dir, &chat_args(&server, ""));
    pty.line("from the first run");
    pty.wait_for("ok", 1);
    pty.end();
    let file = dir.path().join("data/yap/chat_history");
    let kept = std::fs::read_to_string(&file).unwrap();
    assert!(kept.contains("from the first run"), "{kept}");

    // Up recalls the previous run's line; Enter sends it.
    let mut pty = Pty::spawn(&dir, &chat_args(&server, ""));
    pty.type_keys("\x1b[A\r");
    pty.wait_for("ok", 1);
    pty.end();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        messages(&reqs[1]),
        json!([{"role": "user", "content": "from the first run"}])
    );

    // --no-log: the file is read (Up works) but nothing is written to it.
    let mut pty = Pty::spawn(&dir, &chat_args(&server, "--no-log"));
    pty.line("not to be kept");
    pty.wait_for("ok", 1);
    pty.end();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), kept);
    assert_eq!(logs(&dir).len(), 2);
}

#[test]
fn model_system_and_clear_change_the_next_requests() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["answer one"])),
        Reply::sse(stream_of(&["answer two"])),
        Reply::sse(stream_of(&["answer three"])),
    ]);
    let mut pty = Pty::spawn(&dir, &chat_args(&server, ""));
    pty.line("/model other-model");
    pty.wait_for("the model is now other-model", 1);
    pty.line("one");
    pty.wait_for("answer one", 1);
    pty.line("/system Be brief.");
    pty.line("two");
    pty.wait_for("answer two", 1);
    pty.line("/clear");
    pty.wait_for("a new conversation", 1);
    pty.line("three");
    pty.wait_for("answer three", 1);
    pty.end();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].json()["model"], "other-model");
    assert_eq!(
        messages(&reqs[1]),
        json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "one"},
            {"role": "assistant", "content": "answer one"},
            {"role": "user", "content": "two"}
        ])
    );
    // /clear: an empty memory (the model and system prompt stay), and a
    // new conversation in the history.
    assert_eq!(reqs[2].json()["model"], "other-model");
    assert_eq!(
        messages(&reqs[2]),
        json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "three"}
        ])
    );
    let rows = logs(&dir);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["cid"], rows[2]["cid"]);
    assert_ne!(rows[0]["cid"], rows[1]["cid"]);
}

#[test]
fn save_writes_what_messages_reads_back() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["answer one"])),
        Reply::sse(stream_of(&["answer two"])),
    ]);
    let mut pty = Pty::spawn(&dir, &chat_args(&server, "-s 'Be brief.'"));
    pty.line("one");
    pty.wait_for("answer one", 1);
    pty.line("/save saved.json");
    pty.wait_for("3 messages written to saved.json", 1);
    pty.line("two");
    pty.wait_for("answer two", 1);
    pty.end();
    let interactive = messages(&server.requests()[1]);

    // The saved file and a new prompt: what the chat's second turn sent.
    let again = Server::one(Reply::sse(stream_of(&["ok"])));
    chat(&dir, &again)
        .args(["--messages", "saved.json", "two"])
        .assert()
        .success();
    let mut sent = messages(&again.only_request());
    assert_eq!(sent, interactive);
    sent.as_array_mut().unwrap().pop();
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("saved.json")).unwrap()).unwrap();
    assert_eq!(saved, sent);
}

#[test]
fn an_unknown_slash_command_sends_nothing() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let mut pty = Pty::spawn(&dir, &chat_args(&server, ""));
    pty.line("/usr is a folder");
    pty.wait_for("/usr is not a command; /help lists them", 1);
    pty.line("/help");
    pty.wait_for("/save PATH", 1);
    // `//` sends the line with one `/`.
    pty.line("//usr is a folder");
    pty.wait_for("ok", 1);
    pty.line("/exit");
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen}");
    assert_eq!(
        messages(&server.only_request()),
        json!([{"role": "user", "content": "/usr is a folder"}])
    );
}

#[test]
fn ctrl_c_during_an_answer_stops_it_and_the_chat_goes_on() {
    let dir = Scratch::new();
    let first = stream_of(&["partial ", "rest"]);
    let text = String::from_utf8(first.clone()).unwrap();
    let cut = text.find("rest").unwrap();
    let cut = text[..cut].rfind("data: ").unwrap();
    let server = Server::start(vec![
        Reply::sse_pieces(vec![first[..cut].to_vec()])
            .then(Step::Pause(Duration::from_secs(30)))
            .then(Step::Write(first[cut..].to_vec())),
        Reply::sse(stream_of(&["second answer"])),
    ]);
    let mut pty = Pty::spawn(&dir, &chat_args(&server, ""));
    pty.line("first");
    pty.wait_for("partial", 1);
    let started = Instant::now();
    // The editor is not reading: the terminal sends SIGINT.
    let stdin = pty.stdin.as_mut().unwrap();
    stdin.write_all(b"\x03").unwrap();
    stdin.flush().unwrap();
    pty.wait_for("stopped; what arrived is kept", 1);
    assert!(started.elapsed() < Duration::from_secs(10));
    pty.line("next");
    pty.wait_for("second answer", 1);
    let screen = pty.end();
    assert!(!screen.contains("rest"), "{screen}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        messages(&reqs[1]),
        json!([
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "partial "},
            {"role": "user", "content": "next"}
        ])
    );
    let rows = logs(&dir);
    assert_eq!(rows[1]["state"], "interrupted");
    assert_eq!(rows[0]["state"], "ok");
    assert_eq!(rows[0]["cid"], rows[1]["cid"]);
}

#[test]
fn an_http_error_is_said_and_the_chat_goes_on() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::json(400, r#"{"error":{"message":"this model is asleep"}}"#),
        Reply::sse(stream_of(&["second answer"])),
    ]);
    let mut pty = Pty::spawn(&dir, &chat_args(&server, ""));
    pty.line("first");
    pty.wait_for("this model is asleep", 1);
    pty.line("second");
    pty.wait_for("second answer", 1);
    pty.end();
    assert_eq!(
        messages(&server.requests()[1]),
        json!([{"role": "user", "content": "second"}])
    );
}

#[test]
fn continue_shows_the_last_turns_and_sends_them() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["answer one"])),
        Reply::sse(stream_of(&["answer two"])),
        Reply::sse(stream_of(&["answer three"])),
    ]);
    let mut pty = Pty::spawn(&dir, &chat_args(&server, ""));
    pty.line("one");
    pty.wait_for("answer one", 1);
    pty.line("two");
    pty.wait_for("answer two", 1);
    pty.end();

    let mut pty = Pty::spawn(&dir, &chat_args(&server, "-c"));
    pty.wait_for("continuing conversation", 1);
    pty.wait_for("model: answer two", 1);
    let screen = pty.screen();
    let shown = [
        "you: one",
        "model: answer one",
        "you: two",
        "model: answer two",
    ];
    let at: Vec<usize> = shown.iter().map(|s| screen.find(s).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{screen}");
    pty.line("three");
    pty.wait_for("answer three", 1);
    pty.end();
    let reqs = server.requests();
    assert_eq!(
        messages(&reqs[2]),
        json!([
            {"role": "user", "content": "one"},
            {"role": "assistant", "content": "answer one"},
            {"role": "user", "content": "two"},
            {"role": "assistant", "content": "answer two"},
            {"role": "user", "content": "three"}
        ])
    );
    let rows = logs(&dir);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["cid"], rows[2]["cid"]);
}

#[test]
fn on_a_dumb_terminal_lines_are_read_plainly_and_ctrl_c_ends_yap() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["plain answer"])));
    let mut pty = Pty::spawn_on(&dir, &chat_args(&server, ""), "dumb");
    pty.wait_for("> ", 1);
    pty.stdin.as_mut().unwrap().write_all(b"hi\n").unwrap();
    pty.wait_for("plain answer", 1);
    pty.wait_for("> ", 2);
    // No raw mode here: Ctrl-C is a signal, and ends yap at once.
    pty.stdin.as_mut().unwrap().write_all(b"\x03").unwrap();
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(130), "{screen}");
    assert!(screen.contains("interrupted"), "{screen}");
    assert_eq!(
        messages(&server.only_request()),
        json!([{"role": "user", "content": "hi"}])
    );
}
