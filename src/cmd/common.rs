//! The steps `chat` and `complete` share: gathering the prompt, reading
//! `--body`, and previewing or sending a prepared request into the sink of
//! the chosen output mode.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cassette::{self, read::Summary};
use crate::cli::chat::{BodyArgs, OutputArgs, PromptArgs, SamplingArgs};
use crate::cli::{CassetteArgs, CassetteMode, ConnArgs};
use crate::config::{Env, Settings};
use crate::error::{Failure, Kind};
use crate::exchange::{self, Cancel, Exchange};
use crate::history::Conversation;
use crate::input::{self, Stdin};
use crate::output::json::JsonSink;
use crate::output::progress::Spinner;
use crate::output::raw::RawSink;
use crate::output::term::Diag;
use crate::output::text::TextSink;
use crate::output::{Mode, Sink};
use crate::request::params::{Layers, Sampling, parse_body_object, parse_logit_bias};
use crate::request::{Prepared, preview};
use crate::source::live::{self, Live};
use crate::source::recorded::Recorded;
use crate::source::taped::Taped;
use crate::stream::assemble::Shape;
use crate::structured;
use crate::tools::steps;

/// The sampling flags as plain values (`--logit-bias` checked here).
pub fn sampling(args: &SamplingArgs) -> Result<Sampling, Failure> {
    Ok(Sampling {
        temperature: args.temperature,
        top_p: args.top_p,
        max_tokens: args.max_tokens,
        stop: args.stop.clone(),
        n: args.n,
        presence_penalty: args.presence_penalty,
        frequency_penalty: args.frequency_penalty,
        logit_bias: args
            .logit_bias
            .iter()
            .map(|raw| parse_logit_bias(raw))
            .collect::<Result<_, _>>()?,
        seed: args.seed,
    })
}

/// The body layers: the profile's `body`, `--body`, `-o`, streaming.
pub fn layers(settings: &Settings, body_flag: Option<Value>, args: &BodyArgs) -> Layers {
    Layers {
        profile_body: settings.profile_body.clone(),
        template_body: None,
        body_flag,
        params: args.params.clone(),
        stream: !args.no_stream,
        stream_usage: settings.stream_usage,
    }
}

/// How an exchange of this command is read; the `--timeout` deadline
/// starts now.
pub fn options(settings: &Settings, shape: Shape, keep_all: bool) -> exchange::Options {
    let mut opts = exchange::Options::new(shape, settings.max_size, settings.timeout);
    opts.keep_all = keep_all;
    opts.verbose = settings.verbose;
    opts
}

/// The live source of this process, with the key; its warnings (an
/// unchecked certificate, a key over plain http) said once.
pub fn live(settings: &Settings, diag: Diag) -> Result<Live, Failure> {
    let key = settings.key_for_request()?.cloned();
    for warning in live::warnings(settings, key.is_some()) {
        diag.warn(&warning);
    }
    Live::new(settings, key)
}

/// The output mode the flags ask for.
pub fn mode_of(args: &OutputArgs) -> Mode {
    if args.json {
        Mode::Json
    } else if args.raw {
        Mode::Raw
    } else {
        Mode::Text
    }
}

/// The sink of an output mode, writing to `out`.
pub fn sink<'a>(
    mode: Mode,
    out: impl Write + 'a,
    diag: Diag,
    output: &OutputArgs,
) -> Box<dyn Sink + 'a> {
    sink_with(mode, out, diag, output.reasoning)
}

/// [`sink`], with `--reasoning` as a value.
pub fn sink_with<'a>(
    mode: Mode,
    out: impl Write + 'a,
    diag: Diag,
    reasoning: bool,
) -> Box<dyn Sink + 'a> {
    match mode {
        Mode::Text => {
            Box::new(TextSink::new(out, diag, reasoning).on_terminal(io::stdout().is_terminal()))
        }
        Mode::Json => Box::new(JsonSink::new(out)),
        Mode::Raw => Box::new(RawSink::new(out)),
    }
}

/// `--body PATH|-|JSON`.
pub fn body_flag(arg: Option<&str>, stdin: &mut Stdin) -> Result<Option<Value>, Failure> {
    Ok(match arg {
        None => None,
        Some("-") => Some(parse_body_object(&stdin.take("--body -")?, "-")?),
        Some(text) if text.trim_start().starts_with('{') => {
            Some(parse_body_object(text, "(inline)")?)
        }
        Some(path) => Some(parse_body_object(
            &input::read_text_file(Path::new(path), "--body file")?,
            path,
        )?),
    })
}

/// The prompt text from `-f` files, stdin and the words (SPEC "Where the
/// prompt comes from"). `None` when all are empty.
pub fn prompt_text(
    args: &PromptArgs,
    stdin: &mut Stdin,
    no_stdin: bool,
) -> Result<Option<String>, Failure> {
    let mut file_parts = Vec::new();
    for path in &args.files {
        file_parts.push(input::file_part(
            path,
            &input::read_text_file(path, "file")?,
        ));
    }
    let has_dash = args.words.iter().any(|w| w == "-");
    let (words, stdin_text) = if has_dash {
        if no_stdin {
            return Err(Failure::usage(
                "a lone - reads stdin, but --no-stdin (or YAP_NO_STDIN) is set",
            ));
        }
        let text = stdin.take("the - argument")?;
        (input::substitute_dash(&args.words, &text), None)
    } else if !no_stdin && !stdin.is_terminal() && !stdin.taken() {
        (args.words.clone(), Some(stdin.take("the prompt")?))
    } else {
        (args.words.clone(), None)
    };
    Ok(input::compose(&file_parts, stdin_text.as_deref(), &words))
}

/// `--dry-run`/`--curl` print the request and return true; else false.
/// With no key anywhere, one warning says where yap looked (the preview
/// still prints; the real run would fail).
pub fn preview(
    conn: &ConnArgs,
    settings: &Settings,
    req: &Prepared,
    diag: Diag,
) -> io::Result<bool> {
    if !(conn.dry_run || conn.curl) {
        return Ok(false);
    }
    if let Some(missing) = settings.missing_key() {
        diag.warn(&format!("the real request would fail: {missing}"));
    }
    let text = if conn.dry_run {
        preview::dry_run(req)
    } else {
        preview::curl(
            req,
            &preview::CurlOptions {
                proxy: settings.proxy.as_ref().map(|p| p.value.as_str()),
                connect_timeout: conn.connect_timeout.map(|_| settings.connect_timeout),
                timeout: settings.timeout,
            },
        )
    };
    io::stdout().lock().write_all(text.as_bytes())?;
    Ok(true)
}

/// The history's conversation of this command (`cid` `None`: a new one),
/// or `None` when the history is off.
pub fn conversation(settings: &Settings, cid: Option<String>) -> Option<Conversation> {
    let path = settings.history.clone()?;
    // The key of the requests, scrubbed from what is stored (already read
    // by the live source, so no command runs again here).
    let key = settings.key_for_request().ok().flatten().cloned();
    let profile = settings.profile.as_ref().map(|p| p.value.clone());
    Some(Conversation::new(path, key, cid, profile))
}

/// Record a finished exchange, after the answer and its report; a write
/// that fails is one warning, never the exit code.
pub fn record(conversation: Option<&mut Conversation>, exchange: &Exchange, diag: Diag) {
    if let Some(conversation) = conversation
        && let Some(warning) = conversation.record(exchange)
    {
        diag.warn(&warning);
    }
}

/// What a chat may add to one exchange: a tool loop above it (when a tool
/// has a command) and a check of the final answer (`--json-object`,
/// `--schema`) after it.
#[derive(Default)]
pub struct Extras<'a> {
    pub tools: Option<steps::Plan<'a>>,
    pub check: Option<structured::Expect>,
}

/// Where exchanges are recorded and played back from: `--record PATH`
/// (append), `--cassette PATH` with its mode.
#[derive(Clone, Debug, Default)]
pub struct Tape {
    pub record: Option<PathBuf>,
    pub cassette: Option<PathBuf>,
    pub mode: CassetteMode,
}

impl Tape {
    /// `--record` and `--cassette`; `--cassette-mode`, else
    /// `YAP_CASSETTE_MODE`, else auto.
    pub fn new(conn: &ConnArgs, args: &CassetteArgs, env: &Env) -> Result<Tape, Failure> {
        // The variable matters (and is checked) only with --cassette.
        let from_env = env
            .non_empty("YAP_CASSETTE_MODE")
            .filter(|_| args.cassette.is_some());
        let mode = match (args.cassette_mode, from_env) {
            (Some(m), _) => m,
            (None, Some((value, _))) => match value.trim().to_ascii_lowercase().as_str() {
                "auto" => CassetteMode::Auto,
                "replay" => CassetteMode::Replay,
                "record" => CassetteMode::Record,
                _ => {
                    return Err(Failure::usage(format!(
                        "YAP_CASSETTE_MODE is '{value}'; expected auto, replay or record"
                    )));
                }
            },
            (None, None) => CassetteMode::Auto,
        };
        Ok(Tape {
            record: conn.record.clone(),
            cassette: args.cassette.clone(),
            mode,
        })
    }

    /// Only `--record` (replay --live).
    pub fn record(conn: &ConnArgs) -> Tape {
        Tape {
            record: conn.record.clone(),
            ..Tape::default()
        }
    }
}

/// Send `req` (and, with a tool loop, the steps after it) and print the
/// answer in `mode`; warnings, usage and the answer's check after it. Every
/// exchange is recorded in the history (conversation `cid`, or a new one)
/// and appended to the cassettes that ask for it as soon as it ends. With
/// `--cassette`, a matching recorded exchange is played back instead (no
/// key, nothing sent, nothing appended).
#[allow(clippy::too_many_arguments)]
pub async fn send_and_print(
    settings: &Settings,
    req: Prepared,
    output: &OutputArgs,
    diag: Diag,
    mode: Mode,
    shape: Shape,
    extras: Extras<'_>,
    cancel: &Cancel,
    cid: Option<String>,
    tape: &Tape,
) -> anyhow::Result<()> {
    // A tool loop looks each step up on its own (a taped source, below).
    let taped_loop =
        extras.tools.is_some() && tape.cassette.is_some() && tape.mode != CassetteMode::Record;
    if let Some(path) = &tape.cassette
        && tape.mode != CassetteMode::Record
        && !taped_loop
    {
        let endpoint = cassette::endpoint_of(&req.url);
        let lookup = match cassette::find(path, endpoint, req.body.as_ref()) {
            Ok(lookup) => lookup,
            Err(e) if e.kind() == io::ErrorKind::NotFound => cassette::Lookup::default(),
            Err(e) => {
                return Err(Failure::usage(format!(
                    "cannot read the cassette {}: {e}",
                    path.display()
                ))
                .into());
            }
        };
        if let Some(v) = lookup.newer {
            diag.warn(&format!(
                "{}: lines in cassette format version {v} (newer than {}) are never matched; a newer yap reads them",
                path.display(),
                cassette::VERSION
            ));
        }
        if let Some((offset, summary)) = lookup.found {
            let ex = play(
                path,
                offset,
                summary,
                mode,
                output.reasoning,
                diag,
                None,
                cancel,
            )
            .await?;
            report(&ex.warnings, &ex, output.usage, diag);
            return ex.into_result().map_err(Into::into);
        }
        if tape.mode == CassetteMode::Replay {
            return Err(Failure::usage(format!(
                "no exchange in the cassette {} matches this request to /{} \
                 (--cassette-mode replay sends nothing); record it with --cassette-mode auto",
                path.display(),
                endpoint.unwrap_or("(an unknown endpoint)")
            ))
            .into());
        }
    }
    let targets: Vec<&Path> = tape
        .record
        .iter()
        .chain(tape.cassette.iter())
        .map(PathBuf::as_path)
        .collect();
    for path in &targets {
        cassette::check_writable(path)?;
    }
    // The network, made now unless a taped loop makes it on its first miss.
    let network = if taped_loop {
        None
    } else {
        Some(live(settings, diag)?)
    };
    // The check reads the final content: keep it in text mode too.
    let mut opts = options(
        settings,
        shape,
        mode == Mode::Json || extras.check.is_some(),
    );
    // The history stores the answer: the assembler keeps its text.
    opts.keep_text = settings.history.is_some();
    opts.record = !targets.is_empty();
    let mut conversation = conversation(settings, cid);
    let mut consume = |ex: &Exchange, calls_run: bool| {
        record(conversation.as_mut(), ex, diag);
        if !targets.is_empty() {
            // (Read when a request was sent: an api_key_cmd has run then.)
            let key = settings.key_for_request().ok().flatten();
            let line = cassette::step_line(ex, mode, key, calls_run);
            for path in &targets {
                // Like the history: a cassette that cannot be written costs
                // a warning, never the answer or its exit code.
                if let Err(f) = cassette::append(path, &line) {
                    diag.warn(&f.message);
                }
            }
        }
    };
    let terminal = io::stdout().is_terminal();
    let spinner = Spinner::start(diag, "waiting for the model");
    let looped = extras.tools.is_some();
    let (last, loop_failure, warnings) = match extras.tools {
        Some(mut plan) => {
            let out = steps::Output {
                mode,
                diag,
                reasoning: output.reasoning,
                terminal,
                verbose: settings.verbose,
            };
            let finished = match (&tape.cassette, &network) {
                (Some(path), None) => {
                    let taped = Taped::new(path.clone(), tape.mode == CassetteMode::Replay, || {
                        live(settings, diag)
                    });
                    steps::run(
                        &mut plan,
                        &taped,
                        req,
                        &opts,
                        &out,
                        &spinner,
                        cancel,
                        // A step played back is neither appended nor logged.
                        &mut |step, calls_run| {
                            if !taped.played_last() {
                                consume(step, calls_run);
                            }
                        },
                    )
                    .await
                }
                (_, Some(network)) => {
                    steps::run(
                        &mut plan,
                        network,
                        req,
                        &opts,
                        &out,
                        &spinner,
                        cancel,
                        &mut |step, calls_run| consume(step, calls_run),
                    )
                    .await
                }
                (None, None) => {
                    return Err(Failure::new(Kind::Other, "no source to send to").into());
                }
            };
            spinner.stop();
            let finished = finished?;
            (finished.last, finished.failure, finished.warnings)
        }
        None => {
            let out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
            let mut sink = sink(mode, out, diag, output);
            let Some(network) = &network else {
                return Err(Failure::new(Kind::Other, "no source to send to").into());
            };
            let exchange =
                exchange::run(network, req, &opts, sink.as_mut(), &spinner, cancel).await;
            spinner.stop();
            drop(sink);
            let exchange = exchange?;
            let warnings = exchange.warnings.clone();
            (exchange, None, warnings)
        }
    };
    report(&warnings, &last, output.usage, diag);
    if !looped {
        // (A loop records each step as it ends.)
        consume(&last, false);
    }
    let failure = loop_failure.or_else(|| last.failure.clone());
    if let Some(failure) = failure {
        return Err(failure.into());
    }
    if let Some(expect) = &extras.check {
        let violations = structured::violations(expect, &last.document());
        if !violations.is_empty() {
            for v in &violations {
                diag.line(v);
            }
            return Err(structured::invalid(&violations, expect).into());
        }
    }
    Ok(())
}

/// Play one recorded exchange (line `offset` of the cassette at `path`)
/// through the exchange into the sink of `mode`, as the network would have
/// delivered it; `speed`: keep the recorded timing. The exchange's verdict
/// is the recorded one.
#[allow(clippy::too_many_arguments)]
pub async fn play(
    path: &Path,
    offset: u64,
    summary: Summary,
    mode: Mode,
    reasoning: bool,
    diag: Diag,
    speed: Option<f64>,
    cancel: &Cancel,
) -> anyhow::Result<Exchange> {
    let shape = match cassette::endpoint_of(&summary.request.url) {
        Some("completions") => Shape::Completion,
        _ => Shape::Chat,
    };
    let req = Prepared {
        method: "POST",
        url: summary.request.url.clone(),
        headers: summary.request.headers.clone(),
        auth: crate::config::Auth::None,
        key_var: crate::request::KeyRef::Var(String::new()),
        body: summary.request.body.clone(),
        upload: None,
        retry: crate::request::Retry::Usual,
    };
    // A tool-loop step whose calls were run printed no call lines.
    let calls_run = summary.tool_calls_run;
    let recorded = Recorded::new(path, offset, summary, speed);
    // A cassette is the user's own file: --max-size does not bound it.
    let mut opts = exchange::Options::new(shape, usize::MAX, None);
    opts.keep_all = mode == Mode::Json;
    let out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let mut sink: Box<dyn Sink + '_> = if calls_run && mode == Mode::Text {
        Box::new(
            TextSink::new(out, diag, reasoning)
                .on_terminal(io::stdout().is_terminal())
                .hold_tool_calls(),
        )
    } else {
        sink_with(mode, out, diag, reasoning)
    };
    let mut ex = exchange::run(
        &recorded,
        req,
        &opts,
        sink.as_mut(),
        &crate::source::Silent,
        cancel,
    )
    .await?;
    let own = ex
        .failure
        .as_ref()
        .is_some_and(|f| f.kind == Kind::Interrupted || recorded.broken());
    if !own {
        ex.failure = recorded.failure();
    }
    Ok(ex)
}

/// Warnings and `--usage` on stderr, after the answer.
pub fn report(warnings: &[String], exchange: &Exchange, usage: bool, diag: Diag) {
    for w in warnings {
        diag.warn(w);
    }
    // (An exchange that got no response has no usage to speak of.)
    if usage && exchange.timings.head.is_some() {
        diag.text(&format!(
            "{}\n",
            usage_line(exchange.assembler.usage.as_ref())
        ));
    }
}

/// `usage: 19 prompt + 36 completion = 55 tokens`.
pub fn usage_line(usage: Option<&Value>) -> String {
    let Some(u) = usage else {
        return "usage: not reported by the server".to_string();
    };
    let n = |k: &str| u.get(k).and_then(Value::as_u64);
    let mut line = format!(
        "usage: {} prompt + {} completion = {} tokens",
        n("prompt_tokens").map_or("?".into(), |v| v.to_string()),
        n("completion_tokens").map_or("?".into(), |v| v.to_string()),
        n("total_tokens").map_or("?".into(), |v| v.to_string()),
    );
    if let Some(r) = u
        .pointer("/completion_tokens_details/reasoning_tokens")
        .and_then(Value::as_u64)
        .filter(|r| *r > 0)
    {
        line.push_str(&format!(" ({r} reasoning)"));
    }
    line
}
