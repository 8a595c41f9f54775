//! One tool command: `sh -c COMMAND` with the call's arguments as JSON on
//! its stdin, in yap's working directory, with yap's environment minus the
//! variables a key could come from. It runs in its own process group, so
//! a timeout or Ctrl-C kills it and its children together; it is always
//! waited for (no zombie).

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::exchange::Cancel;

/// How every command of a run is started.
#[derive(Clone, Debug)]
pub struct Limits {
    pub timeout: Duration,
    /// Variables removed from the command's environment (the key's).
    pub hidden_env: Vec<String>,
    /// The most bytes of stdout (and of stderr) kept.
    pub max_output: usize,
}

/// What a command gave: the tool message to send, whether it succeeded,
/// and its stderr (copied to yap's stderr by the caller).
#[derive(Clone, Debug)]
pub struct Ran {
    pub content: String,
    pub ok: bool,
    pub stderr: Vec<u8>,
}

/// The error shape SPEC gives a failed call's tool message.
pub fn error_message(error: &str, exit_status: Option<i32>, stderr: &[u8]) -> String {
    json!({
        "error": error,
        "exit_status": exit_status,
        "stderr": String::from_utf8_lossy(stderr),
    })
    .to_string()
}

/// Run `command` with `arguments` on stdin. `None` when the cancel token
/// fired (the command was killed).
pub async fn run(command: &str, arguments: &str, limits: &Limits, cancel: &Cancel) -> Option<Ran> {
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    for name in &limits.hidden_env {
        cmd.env_remove(name);
    }
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => {
            return Some(Ran {
                content: error_message(&format!("cannot start the command: {e}"), None, b""),
                ok: false,
                stderr: Vec::new(),
            });
        }
    };
    let group = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .and_then(rustix::process::Pid::from_raw);
    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let input = arguments.as_bytes().to_vec();
    let max = limits.max_output;
    enum End {
        Done(std::io::Result<std::process::ExitStatus>, Bounded, Bounded),
        TimedOut,
        Cancelled,
    }
    let end = {
        let work = async {
            let write = async move {
                if let Some(mut stdin) = stdin {
                    // A command that does not read its stdin closes it: fine.
                    let _ = stdin.write_all(&input).await;
                }
            };
            let ((), out, err, status) = tokio::join!(
                write,
                bounded(stdout, max),
                bounded(stderr, max),
                child.wait()
            );
            End::Done(status, out, err)
        };
        tokio::select! {
            end = work => end,
            () = tokio::time::sleep(limits.timeout) => End::TimedOut,
            () = cancel.cancelled() => End::Cancelled,
        }
    };
    let (status, out, err) = match end {
        End::Done(status, out, err) => (status, out, err),
        End::TimedOut | End::Cancelled => {
            if let Some(group) = group {
                let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
            }
            let _ = child.kill().await;
            if matches!(end, End::Cancelled) {
                return None;
            }
            return Some(Ran {
                content: error_message(
                    &format!(
                        "the command did not finish within {} s (--tool-timeout) and was killed",
                        limits.timeout.as_secs_f64()
                    ),
                    None,
                    b"",
                ),
                ok: false,
                stderr: Vec::new(),
            });
        }
    };
    let ran = match status {
        Err(e) => Ran {
            content: error_message(
                &format!("cannot wait for the command: {e}"),
                None,
                &err.bytes,
            ),
            ok: false,
            stderr: err.bytes,
        },
        Ok(status) if !status.success() => {
            let what = match status.code() {
                Some(code) => format!("the command exited with status {code}"),
                None => "the command was killed by a signal".to_string(),
            };
            Ran {
                content: error_message(&what, status.code(), &err.bytes),
                ok: false,
                stderr: err.bytes,
            }
        }
        Ok(_) if out.over => Ran {
            content: error_message(
                &format!("the command printed more than {max} bytes (--max-size)"),
                Some(0),
                &err.bytes,
            ),
            ok: false,
            stderr: err.bytes,
        },
        Ok(_) => Ran {
            content: String::from_utf8_lossy(&out.bytes).into_owned(),
            ok: true,
            stderr: err.bytes,
        },
    };
    Some(ran)
}

/// Output read to its end, the first `max` bytes kept.
struct Bounded {
    bytes: Vec<u8>,
    over: bool,
}

async fn bounded(reader: Option<impl AsyncRead + Unpin>, max: usize) -> Bounded {
    let mut kept = Bounded {
        bytes: Vec::new(),
        over: false,
    };
    let Some(mut reader) = reader else {
        return kept;
    };
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => return kept,
            Ok(n) => {
                let room = max.saturating_sub(kept.bytes.len());
                if n > room {
                    kept.over = true;
                }
                kept.bytes.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
}

/// Arguments as the command gets them: the JSON text, or an error message
/// when they are not valid JSON (the call is then not run).
pub fn checked_arguments(arguments: &str) -> Result<String, String> {
    let text = if arguments.trim().is_empty() {
        "{}"
    } else {
        arguments
    };
    match serde_json::from_str::<Value>(text) {
        Ok(_) => Ok(text.to_string()),
        Err(e) => Err(error_message(
            &format!("the arguments are not valid JSON ({e}); the command was not run"),
            None,
            b"",
        )),
    }
}
