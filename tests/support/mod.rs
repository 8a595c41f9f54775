//! Shared test helpers: the `yap` command with a clean environment, the
//! test server, and fixtures.

pub mod server;

use std::path::{Path, PathBuf};

pub use server::{Reply, Server, Step};

/// The key every test uses; `secrets.rs` checks it never shows up.
pub const KEY: &str = "sk-test-SECRET-0123456789abcdef";

/// A port nothing listens on (tcpmux): connections are refused. A port
/// freed by another test could be taken again by a concurrent test server.
pub const CLOSED_PORT: u16 = 1;

/// The history database of a scratch directory (see [`yap`]).
pub fn history_db(dir: &Scratch) -> PathBuf {
    dir.path().join("data/yap/history.sqlite3")
}

/// A scratch directory, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new() -> Scratch {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "yap-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, content).unwrap();
        p
    }
}

impl Drop for Scratch {
    /// Sweeps every file left in the directory for the key, then removes it.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let mut stack = vec![self.0.clone()];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if let Ok(bytes) = std::fs::read(&path) {
                        assert!(
                            !contains(&bytes, KEY.as_bytes()),
                            "the API key is in {}",
                            path.display()
                        );
                    }
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `yap` command of a test. Every run goes through [`Yap::output`],
/// which fails the test if the key shows up in anything yap printed; with
/// [`Scratch`]'s sweep of the files in its directory on drop, every
/// integration scenario checks that the key never leaks.
pub struct Yap(assert_cmd::Command);

impl Yap {
    /// Any command, swept the same way (to test the sweep itself).
    pub fn wrap(cmd: assert_cmd::Command) -> Yap {
        Yap(cmd)
    }

    pub fn arg(&mut self, arg: impl AsRef<std::ffi::OsStr>) -> &mut Yap {
        self.0.arg(arg);
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Yap
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.0.args(args);
        self
    }

    pub fn env(
        &mut self,
        key: impl AsRef<std::ffi::OsStr>,
        value: impl AsRef<std::ffi::OsStr>,
    ) -> &mut Yap {
        self.0.env(key, value);
        self
    }

    pub fn env_remove(&mut self, key: impl AsRef<std::ffi::OsStr>) -> &mut Yap {
        self.0.env_remove(key);
        self
    }

    pub fn write_stdin(&mut self, input: impl Into<Vec<u8>>) -> &mut Yap {
        self.0.write_stdin(input);
        self
    }

    /// Kill the child after `d` (a test of something that could hang).
    pub fn timeout(&mut self, d: std::time::Duration) -> &mut Yap {
        self.0.timeout(d);
        self
    }

    /// Run, and check that the key is in neither stdout nor stderr.
    pub fn output(&mut self) -> std::io::Result<std::process::Output> {
        let out = self.0.output()?;
        for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(
                !contains(bytes, KEY.as_bytes()),
                "the API key appeared on {name}: {}",
                String::from_utf8_lossy(bytes)
            );
        }
        Ok(out)
    }

    pub fn assert(&mut self) -> assert_cmd::assert::Assert {
        assert_cmd::assert::Assert::new(self.output().unwrap())
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// `yap` with an empty environment (no HOME config, no user keys), run in
/// a scratch directory, with the test key in OPENAI_API_KEY.
pub fn yap(dir: &Scratch) -> Yap {
    Yap(assert_cmd::Command::from_std(spawn_yap(dir)))
}

/// One HTTP/1.1 request off a kept-alive connection: its body (by its
/// `content-length`), or `None` when the client closed it.
pub fn read_request(reader: &mut impl std::io::BufRead) -> Option<Vec<u8>> {
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

/// yap as a plain `std::process::Command`, with what [`yap`] has: for tests
/// that spawn the child and hold it (signals, several at once, a late
/// stdin, a kill).
pub fn spawn_yap(dir: &Scratch) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("yap"));
    in_scratch(&mut cmd, dir);
    cmd
}

/// `script -qec COMMAND /dev/null`: COMMAND (a shell line that runs yap)
/// on a terminal of type `term` (stdin, stdout and stderr), with what
/// [`yap`] has.
pub fn on_terminal(dir: &Scratch, command: &str, term: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", command, "/dev/null"]);
    in_scratch(&mut cmd, dir);
    cmd.env("TERM", term);
    cmd
}

/// The environment every test's yap runs in: nothing of the user's, the
/// test key, and every folder yap writes to inside the scratch folder.
fn in_scratch(cmd: &mut std::process::Command, dir: &Scratch) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.path().join("home"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        // The history goes into the scratch folder too, where the sweep
        // checks the database's bytes for the key.
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("OPENAI_API_KEY", KEY)
        .current_dir(dir.path());
}

/// [`spawn_yap`] for `yap chat --base-url … -m m`.
pub fn chat_command(dir: &Scratch, server: &Server) -> std::process::Command {
    let mut cmd = spawn_yap(dir);
    cmd.args(["chat", "--base-url", &server.base(), "-m", "m"]);
    cmd
}

/// `yap chat` against `server`, model `test-model`, no stdin.
pub fn chat(dir: &Scratch, server: &Server) -> Yap {
    let mut cmd = yap(dir);
    cmd.args([
        "chat",
        "--base-url",
        &server.base(),
        "-m",
        "test-model",
        "--retries",
        "0",
    ]);
    cmd.write_stdin("");
    cmd
}

pub fn fixture(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// A minimal OpenAI-style stream of `pieces` of content.
pub fn stream_of(pieces: &[&str]) -> Vec<u8> {
    let mut out = String::new();
    out.push_str("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
    for p in pieces {
        let chunk = serde_json::json!({"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":p},"finish_reason":null}]});
        out.push_str(&format!("data: {chunk}\n\n"));
    }
    out.push_str("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    out.push_str("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n");
    out.push_str("data: [DONE]\n\n");
    out.into_bytes()
}

/// A non-streamed chat.completion with `content`.
pub fn completion(content: &str) -> String {
    serde_json::json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    })
    .to_string()
}

/// A stream of `pieces` cut before its finish chunk (no finish_reason, no
/// `[DONE]`): what a connection dropped mid-answer delivers.
pub fn cut_stream(pieces: &[&str]) -> Vec<u8> {
    let full = stream_of(pieces);
    let text = String::from_utf8(full.clone()).unwrap();
    let finish = text.find("\"finish_reason\":\"stop\"").unwrap();
    let cut = text[..finish].rfind("data: ").unwrap();
    full[..cut].to_vec()
}

/// `yap chat … hi` as a child process with piped stdout and stderr, for
/// tests that read while it runs (closed pipes, signals).
pub fn spawn_chat(dir: &Scratch, server: &Server) -> std::process::Child {
    use std::process::Stdio;
    chat_command(dir, server)
        .arg("hi")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}
