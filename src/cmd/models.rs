//! `yap models [PATTERN]` and `yap models show ID`: wiring only.

use std::io::{self, IsTerminal, Write};

use serde_json::Value;

use super::common;
use crate::cli::{ConnArgs, ModelsAction, ModelsArgs};
use crate::config::{Env, Settings};
use crate::error::{Failure, Kind};
use crate::exchange::{self, Cancel};
use crate::output::models;
use crate::output::progress::Spinner;
use crate::output::term::Diag;
use crate::request::Prepared;
use crate::stream::assemble::Shape;

pub async fn run(
    conn: &ConnArgs,
    args: &ModelsArgs,
    env: &Env,
    diag: Diag,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    let settings = Settings::resolve(conn, None, env)?;
    let prepared = match &args.action {
        Some(ModelsAction::Show { id }) => {
            Prepared::get(&settings, &format!("models/{}", models::encode_segment(id)))
        }
        None => Prepared::get(&settings, "models"),
    };
    if common::preview(conn, &settings, &prepared, diag)? {
        return Ok(());
    }
    let live = common::live(&settings, diag)?;
    let opts = common::options(&settings, Shape::Chat, false);
    let spinner = Spinner::start(diag, "waiting for the server");
    let body = exchange::fetch(&live, &prepared, &opts, &spinner, cancel).await;
    spinner.stop();
    let body = body?;
    let mut out = io::stdout().lock();
    if let Some(ModelsAction::Show { .. }) = &args.action {
        let value: Value = serde_json::from_slice(&body).map_err(|e| {
            Failure::new(
                Kind::Incomplete,
                format!("the model is not valid JSON ({e})"),
            )
        })?;
        serde_json::to_writer_pretty(&mut out, &value)?;
        out.write_all(b"\n")?;
        return Ok(());
    }
    if args.json {
        out.write_all(&body)?;
        return Ok(());
    }
    let mut list = models::parse(&body)?;
    if let Some(p) = &args.pattern {
        list.retain(|m| models::matches(p, &m.id));
    }
    list.sort_by(|a, b| a.id.cmp(&b.id));
    out.write_all(models::render(&list, args.long, io::stdout().is_terminal()).as_bytes())?;
    Ok(())
}
