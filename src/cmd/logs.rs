//! `yap logs`: wiring only. The data folder → the history → lines.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;

use serde_json::Value;

use crate::cli::{LogsAction, LogsArgs};
use crate::config::Env;
use crate::error::Failure;
use crate::history::{self, Store, Summary, Which};
use crate::output::term::Diag;

pub fn run(args: &LogsArgs, env: &Env, diag: Diag) -> anyhow::Result<()> {
    let path = history::db_path(env).map_err(Failure::usage)?;
    match &args.action {
        Some(LogsAction::Path) => print(&format!("{}\n", path.display())),
        Some(LogsAction::Show { id, json }) => show(&path, id, *json),
        Some(LogsAction::Rm { ids, all, yes }) => rm(&path, ids, *all, *yes, diag),
        None => list(&path, args),
    }
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn list(path: &Path, args: &LogsArgs) -> anyhow::Result<()> {
    let Some(store) = Store::open_existing(path)? else {
        return Ok(());
    };
    let rows = store.list(args.count, args.query.as_deref(), args.cid.as_deref())?;
    let mut text = String::new();
    for row in &rows {
        if args.json {
            text.push_str(&row.to_json().to_string());
        } else {
            text.push_str(&line(row));
        }
        text.push('\n');
    }
    print(&text)
}

/// `  12  2026-12-06 11:16:39  review-42  gpt-4o-mini  ok  prompt → response`.
fn line(row: &Summary) -> String {
    let state = match row.state.as_str() {
        "ok" => "ok".to_string(),
        other => format!("{other} ({})", row.exit_code),
    };
    format!(
        "{:>4}  {}  {}  {}  {}  {} → {}",
        row.id,
        row.time.get(..19).unwrap_or(&row.time).replace('T', " "),
        one_line(&row.cid, 24),
        one_line(row.model.as_deref().unwrap_or("-"), 32),
        state,
        one_line(row.prompt.as_deref().unwrap_or(""), 50),
        one_line(row.response.as_deref().unwrap_or(""), 50),
    )
}

/// `text` on one line (control characters as spaces), cut at `max` chars.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

/// Printable text: every control character but newline and tab dropped,
/// so a stored answer cannot drive the terminal.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

fn which(id: &str) -> Result<Which, Failure> {
    if id == "last" {
        return Ok(Which::Last);
    }
    id.parse().map(Which::Id).map_err(|_| {
        Failure::usage(format!(
            "'{id}' is not an exchange id: give a number from `yap logs`, or last"
        ))
    })
}

fn show(path: &Path, id: &str, json: bool) -> anyhow::Result<()> {
    let which = which(id)?;
    let row = match Store::open_existing(path)? {
        Some(store) => store.get(which)?,
        None => None,
    };
    let Some(row) = row else {
        return Err(Failure::usage(match which {
            Which::Last => format!("the history at {} is empty", path.display()),
            Which::Id(n) => format!("no exchange {n} in the history; `yap logs` lists them"),
        })
        .into());
    };
    if json {
        return print(&format!("{}\n", row.to_json()));
    }
    let s = &row.summary;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut text = format!(
        "id: {}\nconversation: {}\ntime: {}\nprofile: {}\nhost: {}\nendpoint: {}\nmodel: {}\n\
         state: {} (exit {})\nfinish_reason: {}\nusage: {}\ntime to first byte: {}\ntotal: {} ms\n",
        s.id,
        s.cid,
        s.time,
        opt(&s.profile),
        opt(&s.host),
        opt(&s.endpoint),
        opt(&s.model),
        s.state,
        s.exit_code,
        opt(&s.finish_reason),
        match &s.usage {
            Value::Null => "-".to_string(),
            u => crate::cmd::common::usage_line(Some(u))
                .trim_start_matches("usage: ")
                .to_string(),
        },
        s.ttfb_ms.map_or("-".to_string(), |t| format!("{t} ms")),
        s.total_ms,
    );
    if let Some(error) = &row.error {
        text.push_str(&format!("error: {}\n", clean(error)));
    }
    text.push_str(&format!(
        "\n--- prompt\n{}\n--- response\n{}\n",
        clean(s.prompt.as_deref().unwrap_or("")),
        clean(s.response.as_deref().unwrap_or(""))
    ));
    print(&text)
}

fn rm(path: &Path, ids: &[String], all: bool, yes: bool, diag: Diag) -> anyhow::Result<()> {
    let ids = ids
        .iter()
        .map(|id| {
            id.parse::<i64>().map_err(|_| {
                Failure::usage(format!(
                    "'{id}' is not an exchange id: give numbers from `yap logs`"
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if all && !yes {
        if !io::stdin().is_terminal() {
            return Err(Failure::usage(
                "yap logs rm --all removes every exchange, and stdin is not a terminal to ask \
                 on; pass --yes",
            )
            .into());
        }
        diag.text(&format!(
            "Remove every exchange of the history at {}? [y/N] ",
            path.display()
        ));
        let mut answer = String::new();
        io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            diag.text("nothing was removed\n");
            return Ok(());
        }
    }
    let Some(mut store) = Store::open_existing(path)? else {
        if all {
            return Ok(());
        }
        return Err(Failure::usage(format!(
            "there is no history at {} yet; nothing was removed",
            path.display()
        ))
        .into());
    };
    if all {
        let n = store.remove_all()?;
        diag.note(&format!(
            "removed {n} exchange{}",
            if n == 1 { "" } else { "s" }
        ));
        return Ok(());
    }
    let missing = store.remove(&ids)?;
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(i64::to_string).collect();
        return Err(Failure::usage(format!(
            "no exchange {} in the history; nothing was removed",
            list.join(", ")
        ))
        .into());
    }
    Ok(())
}
