//! `yap replay`: wiring only. Offline, each chosen record of the cassette
//! is played through a recorded source into the sink of its mode (or the
//! one asked for); with `--live`, the one record is sent again as `chat`
//! would send it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::common::{self, Tape};
use crate::batch::{self, files};
use crate::cassette::{self, read};
use crate::cli::{ConnArgs, ReplayArgs};
use crate::config::{Env, Settings, Source as From};
use crate::error::{Failure, Kind, Reported};
use crate::exchange::Cancel;
use crate::history;
use crate::input::{Spool, Stdin};
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
    if args.merge {
        return merge(args, diag);
    }
    if let Some(which) = &args.log {
        return from_log(args, which, env, diag, cancel).await;
    }
    if args.files.len() > 1 {
        return Err(Failure::usage(format!(
            "{} FILEs: replay reads one (several only with --merge)",
            args.files.len()
        ))
        .into());
    }
    if !args.live
        && let Some(flag) = args.batch_flag()
    {
        return Err(Failure::usage(format!(
            "{flag} is for batches: it needs --live (which sends the records)"
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
    let spool = Spool::new(args.file(), "replay")?;
    let path = spool.path();
    if args.live {
        let name = spool.name();
        return live_records(conn, args, env, diag, cancel, &name, path).await;
    }
    let entries = match read::read_all(path) {
        Ok(Ok(entries)) => entries,
        Ok(Err(bad)) => return Err(read::bad_line_failure(&spool.name(), &bad).into()),
        Err(e) => {
            return Err(Failure::usage(format!("cannot read {}: {e}", spool.name())).into());
        }
    };
    let name = spool.name();
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
    } else if args.output.json || args.output.raw {
        Some(common::mode_of(&args.output))
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
            args.output.reasoning,
            diag,
            speed,
            cancel,
        )
        .await?;
        common::report(&ex.warnings, &ex, args.output.usage, diag);
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

/// `--live`: the records are checked first (every line, nothing sent on a
/// bad one); one record (or `--index`/`--last`) is sent as `chat` would
/// send it, more records or `-O` make a batch.
async fn live_records(
    conn: &ConnArgs,
    args: &ReplayArgs,
    env: &Env,
    diag: Diag,
    cancel: &Cancel,
    name: &str,
    path: &Path,
) -> anyhow::Result<()> {
    let settings = Settings::resolve(conn, args.model.as_deref(), env)?;
    let mut stdin = Stdin::new();
    let body_flag = common::body_flag(args.body.body.as_deref(), &mut stdin)?;
    let built = Built {
        settings: &settings,
        args,
        body_flag: body_flag.as_ref(),
        name,
    };
    // The whole input, checked before anything is sent.
    let mut count = 0usize;
    let mut reader =
        read::Reader::open(path).map_err(|e| Failure::usage(format!("cannot read {name}: {e}")))?;
    while let Some(entry) = reader
        .next_entry()
        .map_err(|e| Failure::usage(format!("cannot read {name}: {e}")))?
    {
        let entry = entry.map_err(|bad| read::bad_line_failure(name, &bad))?;
        built.request(&entry)?;
        count += 1;
    }
    if count == 0 {
        return Err(Failure::usage(format!("{name}: no exchange or request in it")).into());
    }
    let one = match (args.index, args.last) {
        (Some(i), _) if i >= count => {
            return Err(Failure::usage(format!(
                "--index {i}: {name} holds {count} record(s), numbered from 0; nothing was sent"
            ))
            .into());
        }
        (Some(i), _) => Some(i),
        (None, true) => Some(count - 1),
        (None, false) if count == 1 && args.batch_flag().is_none() => Some(0),
        (None, false) => None,
    };
    match one {
        Some(index) => {
            let entry = nth_entry(path, name, index)?;
            let (prepared, shape) = built.request(&entry)?;
            single(conn, args, &settings, diag, cancel, prepared, shape).await
        }
        None => batch(conn, args, &settings, diag, cancel, &built, path, count).await,
    }
}

/// The record at `index` (0-based, blank lines not counted).
fn nth_entry(path: &Path, name: &str, index: usize) -> Result<read::Entry, Failure> {
    let mut reader =
        read::Reader::open(path).map_err(|e| Failure::usage(format!("cannot read {name}: {e}")))?;
    let mut i = 0usize;
    while let Some(entry) = reader
        .next_entry()
        .map_err(|e| Failure::usage(format!("cannot read {name}: {e}")))?
    {
        let entry = entry.map_err(|bad| read::bad_line_failure(name, &bad))?;
        if i == index {
            return Ok(entry);
        }
        i += 1;
    }
    Err(Failure::usage(format!("{name}: no record {index}")))
}

/// How each record becomes a request.
struct Built<'a> {
    settings: &'a Settings,
    args: &'a ReplayArgs,
    body_flag: Option<&'a Value>,
    name: &'a str,
}

impl Built<'_> {
    /// A recorded exchange or a request body, sent with the current
    /// settings and SPEC's precedence (profile `body`, the recorded body,
    /// `--body`, `-m`, `-o`); a body's own model is kept unless `-m`
    /// replaces it.
    fn request(&self, entry: &read::Entry) -> Result<(Prepared, Shape), Failure> {
        let at = |what: &str| {
            Failure::usage(format!(
                "{}: line {}: {what}; nothing was sent",
                self.name, entry.line
            ))
        };
        let cassette::request::RecordRequest {
            recorded_url,
            endpoint,
            body,
        } = cassette::request::of(&entry.record).map_err(|what| at(&what))?;
        let settings = self.settings;
        let args = self.args;
        let mut merged = settings
            .profile_body
            .clone()
            .unwrap_or_else(|| Value::Object(Map::new()));
        deep_merge(&mut merged, body);
        if let Some(flag) = self.body_flag {
            deep_merge(&mut merged, flag.clone());
        }
        let Value::Object(mut map) = merged else {
            return Err(at("the body is not a JSON object"));
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
            let model = settings
                .require_model()
                .map_err(|f| at(&format!("the body has no model, and {}", f.message)))?
                .to_string();
            map.insert("model".into(), Value::String(model));
        }
        let mut prepared = Prepared::post(settings, endpoint, Value::Object(map));
        if settings.base_url.source == From::Default
            && let Some(url) = recorded_url
        {
            prepared.url = url;
        }
        let shape = if endpoint == "completions" {
            Shape::Completion
        } else {
            Shape::Chat
        };
        Ok((prepared, shape))
    }
}

/// One record, printed as `chat` would.
async fn single(
    conn: &ConnArgs,
    args: &ReplayArgs,
    settings: &Settings,
    diag: Diag,
    cancel: &Cancel,
    prepared: Prepared,
    shape: Shape,
) -> anyhow::Result<()> {
    if common::preview(conn, settings, &prepared, diag)? {
        return Ok(());
    }
    common::send_and_print(
        settings,
        prepared,
        &args.output,
        diag,
        common::mode_of(&args.output),
        shape,
        common::Extras::default(),
        cancel,
        None,
        &Tape::record(conn),
    )
    .await
}

/// More records (or `-O`): a batch. Results as JSONL in input order, on
/// stdout or `-O`; no history rows; a cassette line per record with
/// `--record`.
#[allow(clippy::too_many_arguments)]
async fn batch(
    conn: &ConnArgs,
    args: &ReplayArgs,
    settings: &Settings,
    diag: Diag,
    cancel: &Cancel,
    built: &Built<'_>,
    path: &Path,
    count: usize,
) -> anyhow::Result<()> {
    let shard = args.shard.as_deref().map(batch::Shard::parse).transpose()?;
    let plan = batch::Plan {
        concurrency: batch::concurrency(args.concurrency.as_deref())?,
        interval: batch::rate(args.rate.as_deref())?,
        fail_fast: args.fail_fast,
        timeout: settings.timeout,
        max_size: settings.max_size,
        record: conn.record.is_some(),
    };
    let done = match (&args.output_file, args.resume || args.retry_failed) {
        (Some(out), true) => files::resume(out, args.retry_failed)?,
        _ => files::Done::default(),
    };
    let wanted = |index: usize| shard.is_none_or(|s| s.takes(index)) && !done.contains(index);
    let to_run = (0..count).filter(|i| wanted(*i)).count();
    if conn.dry_run || conn.curl {
        // Every request the batch would send, sending nothing.
        let mut reader = read::Reader::open(path)?;
        let mut index = 0usize;
        while let Some(entry) = reader.next_entry()? {
            let entry = entry.map_err(|bad| read::bad_line_failure(built.name, &bad))?;
            if wanted(index) {
                let (prepared, _) = built.request(&entry)?;
                common::preview(conn, settings, &prepared, diag)?;
            }
            index += 1;
        }
        return Ok(());
    }
    let key_cassette = conn.record.clone();
    if let Some(p) = &key_cassette {
        cassette::check_writable(p)?;
    }
    let live = common::live(settings, diag)?;
    let key = settings.key_for_request().ok().flatten().cloned();
    let out: Box<dyn Write> = match &args.output_file {
        None => Box::new(io::stdout().lock()),
        Some(p) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(args.resume || args.retry_failed)
                .truncate(!(args.resume || args.retry_failed))
                .open(p)
                .map_err(|e| Failure::usage(format!("-O {}: cannot write it: {e}", p.display())))?;
            Box::new(io::BufWriter::new(file))
        }
    };
    let mut ordered = batch::Ordered::new(out);
    let mut reader = read::Reader::open(path)?;
    let mut index = 0usize;
    let mut jobs = std::iter::from_fn(|| {
        loop {
            let entry = match reader.next_entry() {
                Ok(Some(Ok(entry))) => entry,
                Ok(Some(Err(bad))) => return Some(Err(read::bad_line_failure(built.name, &bad))),
                Ok(None) => return None,
                Err(e) => {
                    return Some(Err(Failure::usage(format!(
                        "cannot read {}: {e}",
                        built.name
                    ))));
                }
            };
            let i = index;
            index += 1;
            if !wanted(i) {
                continue;
            }
            return Some(built.request(&entry).map(|(request, shape)| batch::Job {
                index: i,
                request,
                shape,
            }));
        }
    });
    let progress = BatchProgress::start(diag, to_run as u64);
    let started = std::time::Instant::now();
    let outcome = batch::run(
        &plan,
        &live,
        &mut jobs,
        &mut ordered,
        &progress,
        cancel,
        &mut |ex| {
            if let Some(p) = &key_cassette {
                let line = cassette::line(ex, Mode::Json, key.as_ref());
                if let Err(f) = cassette::append(p, &line) {
                    diag.warn(&f.message);
                }
            }
        },
    )
    .await;
    progress.stop();
    let outcome = outcome?;
    let skipped = count - to_run;
    diag.note(&format!(
        "batch: {} record{} run: {} ok, {} failed{}{} in {:.1} s",
        outcome.run,
        if outcome.run == 1 { "" } else { "s" },
        outcome.ok,
        outcome.failed,
        if skipped > 0 {
            format!("; {skipped} skipped (other shards or already in -O)")
        } else {
            String::new()
        },
        if outcome.stopped_early {
            format!("; {} not started", to_run - outcome.run)
        } else {
            String::new()
        },
        started.elapsed().as_secs_f64()
    ));
    if outcome.interrupted {
        return Err(Failure::new(
            Kind::Interrupted,
            "interrupted: the records in flight were finished and written; run again with --resume to go on",
        )
        .into());
    }
    if let Some((first, kind)) = outcome.first_failure {
        return Err(Failure::new(
            kind,
            format!(
                "{} of {} records failed (the first in input order: index {first}, {}); their lines hold the errors",
                outcome.failed,
                outcome.run,
                kind.word()
            ),
        )
        .into());
    }
    Ok(())
}

/// `--log ID|last`: an exchange of the history, printed again. The history
/// keeps the response document, not its events: text and `--json` only.
async fn from_log(
    args: &ReplayArgs,
    which: &str,
    env: &Env,
    diag: Diag,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    let which = match which {
        "last" => history::Which::Last,
        id => history::Which::Id(id.parse().map_err(|_| {
            Failure::usage(format!("--log {id}: expected an id of `yap logs` or last"))
        })?),
    };
    let path = history::db_path(env).map_err(Failure::usage)?;
    let Some(store) = history::Store::open_existing(&path)? else {
        return Err(Failure::usage(format!(
            "--log: there is no history yet ({})",
            path.display()
        ))
        .into());
    };
    let Some(row) = store.get(which)? else {
        return Err(Failure::usage(format!(
            "--log: no such exchange in the history ({}); `yap logs` lists them",
            path.display()
        ))
        .into());
    };
    let code = u8::try_from(row.summary.exit_code).unwrap_or(1);
    let recorded_failure = || {
        Failure::new(
            cassette::kind_of_code(code),
            row.error
                .clone()
                .unwrap_or_else(|| format!("the recorded exchange exited with {code}")),
        )
    };
    if row.response.is_null() {
        // No response came (an HTTP error, a refused connection): the
        // recorded error, again.
        return Err(recorded_failure().into());
    }
    let shape = match row.summary.endpoint.as_deref() {
        Some(e) if e.ends_with("completions") && !e.ends_with("chat/completions") => {
            Shape::Completion
        }
        _ => Shape::Chat,
    };
    let mode = if args.output.json {
        Mode::Json
    } else {
        Mode::Text
    };
    let body = row.response.to_string().into_bytes();
    let memory = crate::source::memory::Memory::new("application/json", vec![body.into()]);
    let prepared = Prepared {
        method: "POST",
        url: String::new(),
        headers: Vec::new(),
        auth: crate::config::Auth::None,
        key_var: crate::request::KeyRef::Var(String::new()),
        body: Some(row.request.clone()),
        upload: None,
        retry: crate::request::Retry::default(),
    };
    let mut opts = crate::exchange::Options::new(shape, usize::MAX, None);
    opts.keep_all = mode == Mode::Json;
    let out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let mut sink = common::sink_with(mode, out, diag, args.output.reasoning);
    let ex = crate::exchange::run(
        &memory,
        prepared,
        &opts,
        sink.as_mut(),
        &crate::source::Silent,
        cancel,
    )
    .await?;
    drop(sink);
    common::report(&ex.warnings, &ex, args.output.usage, diag);
    if code != 0 {
        return Err(recorded_failure().into());
    }
    ex.into_result().map_err(Into::into)
}

/// `--merge FILE...`: shard outputs back in input order.
fn merge(args: &ReplayArgs, diag: Diag) -> anyhow::Result<()> {
    let files: Vec<PathBuf> = args.files.iter().map(PathBuf::from).collect();
    let (lines, missing) = files::merge(&files)?;
    let mut out: Box<dyn Write> = match &args.output_file {
        None => Box::new(io::stdout().lock()),
        Some(p) => Box::new(io::BufWriter::new(std::fs::File::create(p).map_err(
            |e| Failure::usage(format!("-O {}: cannot write it: {e}", p.display())),
        )?)),
    };
    for line in &lines {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(20).map(ToString::to_string).collect();
        diag.warn(&format!(
            "{} index{} missing: {}{}",
            missing.len(),
            if missing.len() == 1 { "" } else { "es" },
            shown.join(", "),
            if missing.len() > 20 { ", …" } else { "" }
        ));
    }
    Ok(())
}

/// The batch's progress: a bar on a terminal (done, failed, in flight,
/// rate, ETA), nothing otherwise (the summary line comes at the end).
struct BatchProgress {
    bar: Option<indicatif::ProgressBar>,
    diag: Diag,
    failed: std::sync::atomic::AtomicU64,
    in_flight: std::sync::atomic::AtomicU64,
}

impl BatchProgress {
    fn start(diag: Diag, total: u64) -> BatchProgress {
        let bar = (!diag.quiet && io::IsTerminal::is_terminal(&io::stderr())).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(total),
                indicatif::ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} done, {msg} {per_sec} ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        BatchProgress {
            bar,
            diag,
            failed: Default::default(),
            in_flight: Default::default(),
        }
    }

    fn show(&self) {
        use std::sync::atomic::Ordering::Relaxed;
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "{} failed, {} in flight,",
                self.failed.load(Relaxed),
                self.in_flight.load(Relaxed)
            ));
        }
    }

    fn stop(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl crate::source::Activity for BatchProgress {
    fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.diag.note(line)),
            None => self.diag.note(line),
        }
    }
}

impl batch::Progress for BatchProgress {
    fn started(&self) {
        self.in_flight
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.show();
    }

    fn finished(&self, failed: bool) {
        use std::sync::atomic::Ordering::Relaxed;
        self.in_flight.fetch_sub(1, Relaxed);
        if failed {
            self.failed.fetch_add(1, Relaxed);
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        self.show();
    }
}
