//! `yap replay`: wiring only. Offline, each chosen record of the cassette
//! is played through a recorded source into the sink of its mode (or the
//! one asked for); with `--live`, the one record is sent again as `chat`
//! would send it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::common::{self, Tape};
use crate::cassette::{self, read};
use crate::cli::chat::OutputArgs;
use crate::cli::{ConnArgs, ReplayArgs};
use crate::config::{Env, Settings, Source as From};
use crate::error::{Failure, Reported};
use crate::exchange::Cancel;
use crate::input::Stdin;
use crate::output::Mode;
use crate::output::term::Diag;
use crate::request::Prepared;
use crate::request::params::{deep_merge, parse_param, set_path};
use crate::stream::assemble::Shape;

pub async fn run(
    conn: &ConnArgs,
    args: &ReplayArgs,
    env: &Env,
    diag: Diag,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    if let Some(flag) = args.batch_flag() {
        return Err(Failure::usage(format!(
            "{flag}: batches (several records, -O, --concurrency, --rate, --resume, --shard, \
             --merge) are not built yet; replay --live sends one record"
        ))
        .into());
    }
    let speed = match (args.speed, args.realtime) {
        (Some(x), _) if !(x.is_finite() && x > 0.0) => {
            return Err(Failure::usage(format!(
                "--speed {x}: expected a number above 0 (2 plays twice as fast)"
            ))
            .into());
        }
        (Some(x), _) => Some(x),
        (None, true) => Some(1.0),
        (None, false) => None,
    };
    let spool = Spool::new(&args.file)?;
    let path = spool.path();
    let entries = match read::read_all(path) {
        Ok(Ok(entries)) => entries,
        Ok(Err(bad)) => return Err(read::bad_line_failure(path, &bad).into()),
        Err(e) => {
            return Err(
                Failure::usage(format!("cannot read {}: {e}", shown(&args.file, path))).into(),
            );
        }
    };
    let name = shown(&args.file, path);
    for entry in &entries {
        if let read::Record::Newer(v) = &entry.record {
            return Err(Failure::usage(format!(
                "{name}: line {}: cassette format version {v} is newer than this yap reads \
                 ({}); update yap to replay it; nothing was sent",
                entry.line,
                cassette::VERSION
            ))
            .into());
        }
    }
    if entries.is_empty() {
        return Err(Failure::usage(format!("{name}: no exchange or request in it")).into());
    }
    let chosen: Vec<&read::Entry> = match (args.index, args.last) {
        (Some(i), _) => match entries.get(i) {
            Some(e) => vec![e],
            None => {
                return Err(Failure::usage(format!(
                    "--index {i}: {name} holds {} record(s), numbered from 0; nothing was sent",
                    entries.len()
                ))
                .into());
            }
        },
        (None, true) => entries.last().into_iter().collect(),
        (None, false) => entries.iter().collect(),
    };
    if args.live {
        if chosen.len() > 1 {
            return Err(Failure::usage(format!(
                "{name} holds {} records: batches (--live with more than one record) are not \
                 built yet; pick one with --index N or --last",
                chosen.len()
            ))
            .into());
        }
        let Some(entry) = chosen.first() else {
            return Ok(());
        };
        return live(conn, args, env, diag, cancel, &name, entry).await;
    }
    // Offline: every record must be a recorded exchange.
    for entry in &chosen {
        if let read::Record::Body(_) = entry.record {
            return Err(Failure::usage(format!(
                "{name}: line {}: a request body, not a recorded exchange; replaying it needs \
                 --live (which sends it)",
                entry.line
            ))
            .into());
        }
    }
    let forced = if args.text {
        Some(Mode::Text)
    } else if args.json {
        Some(Mode::Json)
    } else if args.raw {
        Some(Mode::Raw)
    } else {
        None
    };
    let mut first_code = 0u8;
    for entry in chosen {
        let read::Record::Exchange(summary) = &entry.record else {
            continue;
        };
        let summary = (**summary).clone();
        let mode = forced.unwrap_or(summary.mode);
        let ex = common::play(
            path,
            entry.offset,
            summary,
            mode,
            args.reasoning,
            diag,
            speed,
            cancel,
        )
        .await?;
        common::report(&ex.warnings, &ex, args.usage, diag);
        if let Some(failure) = ex.failure {
            let code = failure.kind.exit_code();
            let line = crate::error::fold_whitespace(&failure.message);
            crate::app::show_error(&line, failure, Some(env), diag, mode);
            if first_code == 0 {
                first_code = code;
            }
            if code == 130 {
                break;
            }
        }
    }
    io::stdout().lock().flush()?;
    if first_code != 0 {
        return Err(Reported(first_code).into());
    }
    Ok(())
}

/// `--live`: one recorded exchange or request body, sent again with the
/// current settings and SPEC's precedence (profile `body`, the recorded
/// body, `--body`, `-m`, `-o`), printed as `chat` would.
async fn live(
    conn: &ConnArgs,
    args: &ReplayArgs,
    env: &Env,
    diag: Diag,
    cancel: &Cancel,
    name: &str,
    entry: &read::Entry,
) -> anyhow::Result<()> {
    let at = |what: &str| {
        Failure::usage(format!(
            "{name}: line {}: {what}; nothing was sent",
            entry.line
        ))
    };
    let (recorded_url, endpoint, body) = match &entry.record {
        read::Record::Exchange(s) => {
            let endpoint = cassette::endpoint_of(&s.request.url).ok_or_else(|| {
                at(&format!(
                    "the recorded URL {} is neither …/chat/completions nor …/completions",
                    s.request.url
                ))
            })?;
            let body = s
                .request
                .body
                .clone()
                .filter(Value::is_object)
                .ok_or_else(|| at("the recorded request has no JSON object body"))?;
            (Some(s.request.url.clone()), endpoint, body)
        }
        read::Record::Body(body) => {
            let endpoint = if body.get("messages").is_some() {
                "chat/completions"
            } else if body.get("prompt").is_some() {
                "completions"
            } else {
                return Err(at(
                    "a request body needs messages (sent to /chat/completions) or prompt \
                     (sent to /completions)",
                )
                .into());
            };
            (None, endpoint, body.clone())
        }
        read::Record::Newer(_) => return Err(at("a newer cassette format").into()),
    };
    let settings = Settings::resolve(conn, args.model.as_deref(), env)?;
    let mut stdin = Stdin::new();
    let body_flag = common::body_flag(args.body.body.as_deref(), &mut stdin)?;
    let mut merged = settings
        .profile_body
        .clone()
        .unwrap_or_else(|| Value::Object(Map::new()));
    deep_merge(&mut merged, body);
    if let Some(flag) = body_flag {
        deep_merge(&mut merged, flag);
    }
    let Value::Object(mut map) = merged else {
        return Err(at("the body is not a JSON object").into());
    };
    if let Some(m) = &args.model {
        map.insert("model".into(), Value::String(m.clone()));
    }
    for raw in &args.body.params {
        let (path, value) = parse_param(raw)?;
        set_path(&mut map, &path, value);
    }
    if args.body.no_stream {
        map.insert("stream".into(), Value::Bool(false));
        map.remove("stream_options");
    }
    // YAP_MODEL and the profile's model only fill a body that has none.
    if !map.contains_key("model") {
        let model = settings.require_model()?.to_string();
        map.insert("model".into(), Value::String(model));
    }
    let mut prepared = Prepared::post(&settings, endpoint, Value::Object(map));
    if settings.base_url.source == From::Default
        && let Some(url) = recorded_url
    {
        prepared.url = url;
    }
    if common::preview(conn, &settings, &prepared, diag)? {
        return Ok(());
    }
    let mode = if args.json {
        Mode::Json
    } else if args.raw {
        Mode::Raw
    } else {
        Mode::Text
    };
    let output = OutputArgs {
        json: args.json,
        raw: args.raw,
        usage: args.usage,
        reasoning: args.reasoning,
        color: args.color,
    };
    let shape = if endpoint == "completions" {
        Shape::Completion
    } else {
        Shape::Chat
    };
    common::send_and_print(
        &settings,
        prepared,
        &output,
        diag,
        mode,
        shape,
        common::Extras::default(),
        cancel,
        None,
        &Tape::record(conn),
    )
    .await
}

/// How the input is named in messages.
fn shown(arg: &str, path: &Path) -> String {
    if arg == "-" {
        "stdin".to_string()
    } else {
        path.display().to_string()
    }
}

/// The input as a file: FILE itself, or stdin spooled to a temporary file
/// (removed on drop), so that the whole input is read and checked before
/// anything is sent, and a line can be read twice.
struct Spool {
    path: PathBuf,
    temporary: bool,
}

impl Spool {
    fn new(arg: &str) -> Result<Spool, Failure> {
        if arg != "-" {
            return Ok(Spool {
                path: PathBuf::from(arg),
                temporary: false,
            });
        }
        let path = std::env::temp_dir().join(format!("yap-replay-{}.jsonl", std::process::id()));
        let fail =
            |e: io::Error| Failure::usage(format!("cannot spool stdin to {}: {e}", path.display()));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(fail)?;
        io::copy(&mut io::stdin().lock(), &mut file).map_err(fail)?;
        Ok(Spool {
            path,
            temporary: true,
        })
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
