//! completions/ and man/ written from the clap definition, so they cannot
//! say anything the parser does not do. `tests/generated.rs` fails when the
//! committed files differ from what this writes.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;

/// (file name, shell) for every completion script.
pub const SHELLS: [(&str, Shell); 5] = [
    ("yap.bash", Shell::Bash),
    ("_yap", Shell::Zsh),
    ("yap.fish", Shell::Fish),
    ("_yap.ps1", Shell::PowerShell),
    ("yap.elv", Shell::Elvish),
];

/// Every generated file as (relative path, bytes).
pub fn files() -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for (name, shell) in SHELLS {
        let mut cmd = Cli::command();
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, "yap", &mut buf);
        out.push((format!("completions/{name}"), buf));
    }
    let mut cmd = Cli::command();
    cmd.build();
    man_pages(&cmd, "yap", &mut out)?;
    Ok(out)
}

fn man_pages(cmd: &clap::Command, name: &str, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let page = cmd.clone().name(name.to_string());
    let mut buf = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut buf)
        .context("rendering a man page")?;
    out.push((format!("man/{name}.1"), buf));
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        man_pages(sub, &format!("{name}-{}", sub.get_name()), out)?;
    }
    Ok(())
}

/// Write every generated file under `dir`.
pub fn write_all(dir: &Path) -> Result<()> {
    for (rel, bytes) in files()? {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
