//! `yap batch`: wiring only. The input, the requests, the polling, the
//! results and the state file are `crate::batchapi`'s.

use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use super::common;
use crate::batchapi::input::{self, Input, Layers};
use crate::batchapi::state::{self, State};
use crate::batchapi::watch::{self, Display};
use crate::batchapi::{self, Create, api::Api};
use crate::cli::batch::{PrepArgs, ResultsArgs, RunArgs, SubmitArgs, WaitArgs};
use crate::cli::{BatchAction, BatchArgs, ConnArgs};
use crate::config::{Env, Settings, parse_size};
use crate::error::{Failure, Kind, Reported};
use crate::exchange::Cancel;
use crate::input::Spool;
use crate::input::Stdin;
use crate::output::term::Diag;
use crate::request::Prepared;
use crate::request::params::parse_param;
use crate::source::Activity;
use crate::source::live::Live;
use crate::stream::assemble::Shape;

/// A downloaded batch file's cap when `--max-size` is not given.
const DEFAULT_MAX_FILE: usize = 2 << 30;

pub async fn run(
    conn: &ConnArgs,
    args: &BatchArgs,
    env: &Env,
    diag: Diag,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    match &args.action {
        BatchAction::Submit(a) => submit(conn, a, env, diag, cancel).await,
        BatchAction::Run(a) => run_all(conn, a, env, diag, cancel).await,
        BatchAction::Wait(a) => wait(conn, a, env, diag, cancel).await,
        BatchAction::Results(a) => results(conn, a, env, diag, cancel).await,
        BatchAction::Status { id, json } => {
            let settings = Settings::resolve(conn, None, env)?;
            let live = ready(conn, &settings, diag)?;
            let Some(live) = live else {
                let req = Prepared::get(&settings, &format!("batches/{}", enc(id)));
                common::preview(conn, &settings, &req, diag)?;
                return Ok(());
            };
            let api = api(conn, &settings, &live, cancel);
            let display = Display::new(diag, false);
            let (batch, raw) = api.get(id, &display).await.map_err(|f| f.failure)?;
            let mut out = io::stdout().lock();
            if *json {
                out.write_all(&raw)?;
                if !raw.ends_with(b"\n") {
                    out.write_all(b"\n")?;
                }
            } else {
                writeln!(out, "{}", watch::describe(id, &batch))?;
            }
            Ok(())
        }
        BatchAction::List { limit, json } => {
            let settings = Settings::resolve(conn, None, env)?;
            let live = ready(conn, &settings, diag)?;
            let Some(live) = live else {
                let req = Prepared::get(&settings, &format!("batches?limit={limit}"));
                common::preview(conn, &settings, &req, diag)?;
                return Ok(());
            };
            let api = api(conn, &settings, &live, cancel);
            let display = Display::new(diag, false);
            let raw = api.raw(&api.list_request(*limit), &display).await?;
            let mut out = io::stdout().lock();
            if *json {
                out.write_all(&raw)?;
                if !raw.ends_with(b"\n") {
                    out.write_all(b"\n")?;
                }
                return Ok(());
            }
            let list = batchapi::api::parse_object(&raw, "GET batches")?;
            for line in batchapi::listing(&list, *limit) {
                writeln!(out, "{line}")?;
            }
            Ok(())
        }
        BatchAction::Cancel { id } => {
            let settings = Settings::resolve(conn, None, env)?;
            let live = ready(conn, &settings, diag)?;
            let Some(live) = live else {
                let req = cancel_request(&settings, id);
                common::preview(conn, &settings, &req, diag)?;
                return Ok(());
            };
            let api = api(conn, &settings, &live, cancel);
            let display = Display::new(diag, false);
            let raw = api.raw(&cancel_request(&settings, id), &display).await?;
            let batch = batchapi::api::parse_object(&raw, "POST batches/ID/cancel")?;
            writeln!(io::stdout().lock(), "{}", watch::describe(id, &batch))?;
            Ok(())
        }
    }
}

fn enc(id: &str) -> String {
    crate::output::models::encode_segment(id)
}

fn cancel_request(settings: &Settings, id: &str) -> Prepared {
    let mut req = Prepared::get(settings, &format!("batches/{}/cancel", enc(id)));
    req.method = "POST";
    req
}

/// The live source, or `None` for `--dry-run`/`--curl` (nothing is sent).
fn ready(conn: &ConnArgs, settings: &Settings, diag: Diag) -> Result<Option<Live>, Failure> {
    if conn.dry_run || conn.curl {
        return Ok(None);
    }
    common::live(settings, diag).map(Some)
}

fn api<'a>(conn: &ConnArgs, settings: &'a Settings, live: &'a Live, cancel: &'a Cancel) -> Api<'a> {
    Api {
        live,
        settings,
        opts: common::options(settings, Shape::Chat, false),
        max_file: if conn.max_size.is_some() {
            settings.max_size
        } else {
            DEFAULT_MAX_FILE.max(settings.max_size)
        },
        cancel,
    }
}

fn poll_of(poll: f64) -> Result<Duration, Failure> {
    if poll.is_finite() && poll > 0.0 && poll < 1e9 {
        Ok(Duration::from_secs_f64(poll))
    } else {
        Err(Failure::usage(format!(
            "--poll {poll}: expected a positive number of seconds (0.5 is allowed)"
        )))
    }
}

/// The checked input of `submit` and `run`, and how it is split.
struct Prepped {
    input: Input,
    max_lines: usize,
    max_bytes: usize,
    metadata: Vec<(String, String)>,
    name: String,
}

fn prepare(file: &str, prep: &PrepArgs, settings: &Settings) -> Result<Prepped, Failure> {
    if file == "-" && prep.body.as_deref() == Some("-") {
        return Err(Failure::usage(
            "FILE - and --body - both read stdin; give --body as a file or inline JSON",
        ));
    }
    let body_flag = common::body_flag(prep.body.as_deref(), &mut Stdin::new())?;
    let params = prep
        .params
        .iter()
        .map(|raw| parse_param(raw))
        .collect::<Result<Vec<_>, _>>()?;
    let metadata = prep
        .metadata
        .iter()
        .map(|raw| {
            raw.split_once('=')
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| Failure::usage(format!("--metadata '{raw}': expected KEY=VALUE")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let max_bytes = parse_size(&prep.max_bytes).map_err(|_| {
        Failure::usage(format!(
            "--max-bytes '{}': expected a size in bytes such as 1048576, 512K or 190M",
            prep.max_bytes
        ))
    })?;
    if prep.max_lines == 0 {
        return Err(Failure::usage("--max-lines 0: expected at least 1"));
    }
    if let Some(p) = &prep.line_url_prefix
        && !p.starts_with('/')
    {
        return Err(Failure::usage(format!(
            "--line-url-prefix '{p}': expected a path such as /openai/deployments/NAME"
        )));
    }
    let layers = Layers {
        profile_body: settings.profile_body.clone(),
        body_flag,
        model_flag: prep.model.clone(),
        params,
        fill_model: settings.model.as_ref().map(|m| m.value.clone()),
        prefix: prep.line_url_prefix.clone(),
    };
    let spool = Spool::new(file, "batch")?;
    let name = spool.name();
    let input = input::read(spool.path(), &name, &layers)?;
    Ok(Prepped {
        input,
        max_lines: prep.max_lines,
        max_bytes,
        metadata,
        name,
    })
}

/// `--dry-run`: the JSONL that would be uploaded; `--curl` cannot show a
/// file that does not exist.
fn preview_upload(conn: &ConnArgs, p: &Prepped, parts: usize, diag: Diag) -> Result<bool, Failure> {
    if conn.curl {
        return Err(Failure::usage(
            "--curl: a batch is uploaded as a file yap writes; --dry-run prints its JSONL",
        ));
    }
    if !conn.dry_run {
        return Ok(false);
    }
    if parts > 1 {
        diag.note(&format!(
            "{} lines would be {parts} batches (--max-lines {}, --max-bytes {})",
            p.input.lines.len(),
            p.max_lines,
            p.max_bytes
        ));
    }
    let text = Input::jsonl(&p.input.lines);
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Failure::new(Kind::Other, format!("cannot write stdout: {e}")))?;
    Ok(true)
}

async fn submit(
    conn: &ConnArgs,
    args: &SubmitArgs,
    env: &Env,
    diag: Diag,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    let settings = Settings::resolve(conn, args.prep.model.as_deref(), env)?;
    let p = prepare(&args.file, &args.prep, &settings)?;
    let parts = p.input.split(p.max_lines, p.max_bytes, &p.name)?;
    if preview_upload(conn, &p, parts.len(), diag)? {
        return Ok(());
    }
    let live = common::live(&settings, diag)?;
    let api = api(conn, &settings, &live, cancel);
    let display = Display::new(diag, false);
    let create = Create {
        endpoint: &p.input.endpoint,
        window: &args.prep.window,
        metadata: &p.metadata,
    };
    for (k, lines) in parts.iter().enumerate() {
        let id = batchapi::submit_one(&api, lines, k, &create, &display).await?;
        let mut out = io::stdout().lock();
        writeln!(out, "{id}")?;
        out.flush()?;
    }
    Ok(())
}

async fn wait(
    conn: &ConnArgs,
    args: &WaitArgs,
    env: &Env,
    diag: Diag,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    let poll = poll_of(args.poll)?;
    let settings = Settings::resolve(conn, None, env)?;
    let Some(live) = ready(conn, &settings, diag)? else {
        let req = Prepared::get(&settings, &format!("batches/{}", enc(&args.ids[0])));
        common::preview(conn, &settings, &req, diag)?;
        return Ok(());
    };
    let api = api(conn, &settings, &live, cancel);
    let display = Display::new(diag, io::stderr().is_terminal());
    let batches = watch::wait(&api, &args.ids, poll, &display).await?;
    display.finish();
    watch::verdict(&args.ids, &batches)?;
    Ok(())
}

async fn results(
    conn: &ConnArgs,
    args: &ResultsArgs,
    env: &Env,
    diag: Diag,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    let settings = Settings::resolve(conn, None, env)?;
    let Some(live) = ready(conn, &settings, diag)? else {
        let req = Prepared::get(&settings, &format!("batches/{}", enc(&args.ids[0])));
        common::preview(conn, &settings, &req, diag)?;
        return Ok(());
    };
    let api = api(conn, &settings, &live, cancel);
    let display = Display::new(diag, false);
    let (lines, code) = batchapi::collect(&api, &args.ids, &display).await?;
    write_results(args.output.as_deref(), &lines, code, diag)
}

/// The result lines to `-O` (whole) or stdout; a summary on stderr; the
/// first failed line's code.
fn write_results(
    output: Option<&std::path::Path>,
    lines: &[String],
    code: u8,
    diag: Diag,
) -> anyhow::Result<()> {
    match output {
        Some(path) => batchapi::write_whole(path, lines)?,
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            for l in lines {
                out.write_all(l.as_bytes())?;
                out.write_all(b"\n")?;
            }
            out.flush()?;
        }
    }
    let failed = lines.iter().filter(|l| l.contains("\"error\":{")).count();
    diag.note(&format!(
        "{} results{}: {} ok, {failed} failed",
        lines.len(),
        output.map_or(String::new(), |p| format!(" in {}", p.display())),
        lines.len() - failed
    ));
    if code != 0 {
        return Err(Reported(code).into());
    }
    Ok(())
}

async fn run_all(
    conn: &ConnArgs,
    args: &RunArgs,
    env: &Env,
    diag: Diag,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    let poll = poll_of(args.poll)?;
    let settings = Settings::resolve(conn, args.prep.model.as_deref(), env)?;
    let p = prepare(&args.file, &args.prep, &settings)?;
    if conn.dry_run || conn.curl {
        // Neither reads nor writes the state file.
        let parts = p.input.split(p.max_lines, p.max_bytes, &p.name)?;
        preview_upload(conn, &p, parts.len(), diag)?;
        return Ok(());
    }
    let hash = p.input.hash();
    let state_path = state::path_for(&args.output);
    let mut st = match state::load(&state_path)? {
        Some(st)
            if st.input_hash != hash || st.parts.iter().sum::<usize>() != p.input.lines.len() =>
        {
            return Err(Failure::usage(format!(
                "{} records the batches of another input (its JSONL after -m, -o, --body and \
                 the profile differs from {}'s); nothing was submitted. Use another -O, or \
                 remove the state file to submit this input",
                state_path.display(),
                p.name
            ))
            .into());
        }
        Some(st) => st,
        None => {
            let parts = p.input.split(p.max_lines, p.max_bytes, &p.name)?;
            State {
                yap_batch: 1,
                input_hash: hash,
                lines: p.input.lines.len(),
                parts: parts.iter().map(|s| s.len()).collect(),
                ids: Vec::new(),
            }
        }
    };
    let live = common::live(&settings, diag)?;
    let api = api(conn, &settings, &live, cancel);
    let display = Display::new(diag, io::stderr().is_terminal());
    if st.ids.is_empty() {
        // Checks that the state can be written before anything is sent.
        state::save(&state_path, &st)?;
    } else {
        display.note(&format!(
            "resuming {} (recorded in {})",
            st.ids.join(" "),
            state_path.display()
        ));
    }
    let create = Create {
        endpoint: &p.input.endpoint,
        window: &args.prep.window,
        metadata: &p.metadata,
    };
    let mut start = st.parts.iter().take(st.ids.len()).sum::<usize>();
    for k in st.ids.len()..st.parts.len() {
        let n = st.parts.get(k).copied().unwrap_or(0);
        let lines = p.input.lines.get(start..start + n).unwrap_or(&[]);
        let id = batchapi::submit_one(&api, lines, k, &create, &display).await?;
        display.note(&format!("submitted {id} ({n} requests)"));
        st.ids.push(id);
        state::save(&state_path, &st)?;
        start += n;
    }
    let batches = watch::wait(&api, &st.ids, poll, &display).await?;
    display.finish();
    if let Err(f) = watch::verdict(&st.ids, &batches) {
        diag.warn(&f.message);
    }
    let (lines, code) = batchapi::collect(&api, &st.ids, &display).await?;
    write_results(Some(&args.output), &lines, code, diag)
}
