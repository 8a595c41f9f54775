//! `yap templates`, `yap templates show NAME`, `yap templates path`:
//! wiring only.

use std::io::{self, Write};

use crate::cli::{ConnArgs, TemplatesAction, TemplatesArgs};
use crate::config::{Env, config_path};
use crate::error::Failure;
use crate::template;

pub fn run(conn: &ConnArgs, args: &TemplatesArgs, env: &Env) -> anyhow::Result<()> {
    let folder = template::folder(&config_path(conn, env)?);
    let mut out = io::stdout().lock();
    match &args.action {
        None => {
            for name in template::names(&folder) {
                writeln!(out, "{name}")?;
            }
        }
        Some(TemplatesAction::Path) => writeln!(out, "{}", folder.display())?,
        Some(TemplatesAction::Show { name }) => {
            let path = folder.join(format!("{name}.toml"));
            let known = template::names(&folder);
            if name.contains('/') || !known.contains(name) {
                return Err(Failure::usage(format!(
                    "no template '{name}' in {} (templates there: {})",
                    folder.display(),
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ))
                .into());
            }
            let text = std::fs::read(&path)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
            out.write_all(&text)?;
            if !text.ends_with(b"\n") {
                out.write_all(b"\n")?;
            }
        }
    }
    Ok(())
}
