//! `yap config`: the resolved settings and where each came from, the key
//! redacted, every place the key is looked for; `yap config path`: the
//! config file's path. It runs no `api_key_cmd` and sends nothing, so a
//! `.env` that a request would refuse is a warning here, not an error.

use std::io::{self, Write};

use crate::cli::{ConfigAction, ConfigArgs, ConnArgs};
use crate::config::{Env, KeySource, Settings, Source, VarSource};
use crate::output::term::Diag;

pub fn run(conn: &ConnArgs, args: &ConfigArgs, env: &Env, diag: Diag) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    if let Some(ConfigAction::Path) = args.action {
        // The path, whether or not the file exists or parses.
        writeln!(out, "{}", crate::config::config_path(conn, env)?.display())?;
        return Ok(());
    }
    let settings = Settings::inspect(conn, None, env)?;
    out.write_all(render(&settings).as_bytes())?;
    if let Some(refusal) = &settings.dotenv_refusal {
        diag.warn(&format!("a request would be refused: {refusal}"));
    }
    Ok(())
}

/// One line per setting: name, value, source.
pub fn render(s: &Settings) -> String {
    let mut rows: Vec<(&str, String, String)> = Vec::new();
    let file_state = if s.config_found { "" } else { " (not found)" };
    rows.push((
        "config",
        format!("{}{file_state}", s.config_path.display()),
        String::new(),
    ));
    match &s.profile {
        Some(p) => rows.push((
            "profile",
            p.value.clone(),
            source_text(&p.source, "default_profile"),
        )),
        None => rows.push(("profile", "(none)".into(), String::new())),
    }
    rows.push((
        "base_url",
        s.base_url.value.clone(),
        source_text(&s.base_url.source, "built-in"),
    ));
    match &s.model {
        Some(m) => rows.push(("model", m.value.clone(), source_text(&m.source, ""))),
        None => rows.push(("model", "(not set)".into(), String::new())),
    }
    let (key_value, key_source) = match (&s.key.source, &s.key.value) {
        (
            Some(KeySource::Var {
                name,
                named_by,
                found_in,
            }),
            value,
        ) => {
            let value = match value {
                Some(k) => format!("set, {} characters, redacted", k.expose().chars().count()),
                None => "(not set)".into(),
            };
            let place = match found_in {
                Some(VarSource::DotEnv) => format!(".env {name}"),
                Some(VarSource::Environment) => format!("environment {name}"),
                None => format!("looked in {name}"),
            };
            let source = match named_by {
                Source::Default => place,
                other => format!("{place}, named by {other}"),
            };
            (value, source)
        }
        (Some(KeySource::Command { profile, .. }), _) => (
            "from a command, run when a request is sent".into(),
            format!("profile {profile} api_key_cmd"),
        ),
        (None, _) => ("(not set)".into(), String::new()),
    };
    rows.push(("api_key", key_value, key_source));
    // Every place, in the order yap tries them; the one that decided says so.
    for (n, step) in s.key.steps.iter().enumerate() {
        rows.push((
            "key_lookup",
            format!("{} {}", n + 1, step.place),
            step.found.clone(),
        ));
    }
    rows.push((
        "auth",
        s.auth.value.to_string(),
        source_text(&s.auth.source, "built-in"),
    ));
    for (name, value) in &s.headers {
        rows.push(("header", format!("{name}: {value}"), String::new()));
    }
    if let Some(body) = &s.profile_body {
        rows.push(("body", body.to_string(), "profile".into()));
    }
    rows.push(("stream_usage", s.stream_usage.to_string(), String::new()));
    match &s.proxy {
        Some(p) => rows.push(("proxy", p.value.clone(), source_text(&p.source, ""))),
        None => rows.push(("proxy", "(none)".into(), String::new())),
    }
    if let Some(np) = &s.no_proxy {
        rows.push(("no_proxy", np.clone(), "environment".into()));
    }
    rows.push((
        "timeout",
        s.timeout
            .map_or("(none)".into(), |t| format!("{} s", t.as_secs_f64())),
        String::new(),
    ));
    rows.push((
        "connect_timeout",
        format!("{} s", s.connect_timeout.as_secs_f64()),
        String::new(),
    ));
    rows.push((
        "idle_timeout",
        format!("{} s", s.idle_timeout.as_secs_f64()),
        String::new(),
    ));
    rows.push(("retries", s.retries.to_string(), String::new()));

    let width = rows
        .iter()
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    let mut out = String::new();
    for (name, value, source) in rows {
        if source.is_empty() {
            out.push_str(&format!("{name:<16} {value}\n"));
        } else {
            out.push_str(&format!("{name:<16} {value:<width$}  ({source})\n"));
        }
    }
    out
}

fn source_text(source: &Source, default_word: &str) -> String {
    match source {
        Source::Default if !default_word.is_empty() => default_word.to_string(),
        other => other.to_string(),
    }
}
