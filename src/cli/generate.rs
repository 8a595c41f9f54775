//! completions/ and man/ written from the clap definition, so they cannot
//! say anything the parser does not do. `tests/cases/generated.rs` fails
//! when the committed files differ from what this writes. `yap
//! completions` and `yap man` print the same bytes.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use clap_mangen::roff::{Roff, bold, roman};

use super::help;

/// (file name, shell) for every completion script.
pub const SHELLS: [(&str, &str); 5] = [
    ("yap.bash", "bash"),
    ("_yap", "zsh"),
    ("yap.fish", "fish"),
    ("_yap.ps1", "powershell"),
    ("yap.elv", "elvish"),
];

/// Every generated file as (relative path, bytes).
pub fn files() -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for (name, shell) in SHELLS {
        let mut buf = Vec::new();
        super::complete::script(shell, &mut buf)
            .with_context(|| format!("writing the {shell} completion script"))?;
        out.push((format!("completions/{name}"), buf));
    }
    for (name, bytes) in man_pages()? {
        out.push((format!("man/{name}"), bytes));
    }
    Ok(out)
}

/// Every man page as (file name, roff): `yap.1` first, then one page per
/// command (`yap-chat.1`, `yap-config-path.1`, …).
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let cmd = super::build(false);
    let mut out = Vec::new();
    man_page(&cmd, &[], &mut out)?;
    Ok(out)
}

fn page_name(path: &[&str]) -> String {
    std::iter::once("yap")
        .chain(path.iter().copied())
        .collect::<Vec<_>>()
        .join("-")
}

/// The commands that get a page of their own: not hidden, not `help`.
fn documented(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

fn man_page(cmd: &clap::Command, path: &[&str], out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let name = page_name(path);
    let man = clap_mangen::Man::new(cmd.clone().name(name.clone()));
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf)?;
    }
    if documented(cmd).next().is_some() {
        man.render_subcommands_section(&mut buf)?;
    }
    let extra = help::extra(path)
        .with_context(|| format!("the command {name} has no examples in src/cli/help.rs"))?;
    extra_sections(&extra, &mut buf)?;
    see_also(cmd, path, &mut buf)?;
    man.render_version_section(&mut buf)?;
    out.push((format!("{name}.1"), one_preamble(buf)?));
    for sub in documented(cmd) {
        let mut sub_path = path.to_vec();
        sub_path.push(sub.get_name());
        man_page(sub, &sub_path, out)?;
    }
    Ok(())
}

/// Each section rendered alone starts with roff's apostrophe preamble:
/// keep the first.
fn one_preamble(page: Vec<u8>) -> Result<Vec<u8>> {
    const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    let text = String::from_utf8(page).context("a man page is not UTF-8")?;
    Ok(format!("{PREAMBLE}{}", text.replace(PREAMBLE, "")).into_bytes())
}

fn extra_sections(extra: &help::Extra, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut roff = Roff::new();
    roff.control("SH", ["EXAMPLES"]);
    for (what, line) in extra.examples {
        roff.control("PP", []).text([roman(*what)]);
        roff.control("RS", [])
            .control("nf", [])
            .text([bold(*line)])
            .control("fi", [])
            .control("RE", []);
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, what) in extra.exit_codes {
        roff.control("TP", [])
            .text([bold(code.to_string())])
            .text([roman(*what)]);
    }
    if extra.reads_config {
        roff.control("SH", ["ENVIRONMENT"]);
        for (var, what) in help::ENVIRONMENT {
            roff.control("TP", [])
                .text([bold(*var)])
                .text([roman(*what)]);
        }
        roff.control("SH", ["FILES"]);
        for (file, what) in help::FILES {
            roff.control("TP", [])
                .text([bold(*file)])
                .text([roman(*what)]);
        }
    }
    roff.to_writer(w)
}

/// The pages above this one and the pages of its commands: only pages
/// that this generator writes.
fn see_also(cmd: &clap::Command, path: &[&str], w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut pages: Vec<String> = (0..path.len()).map(|i| page_name(&path[..i])).collect();
    for sub in documented(cmd) {
        let mut sub_path = path.to_vec();
        sub_path.push(sub.get_name());
        pages.push(page_name(&sub_path));
    }
    if pages.is_empty() {
        return Ok(());
    }
    let refs: Vec<String> = pages.iter().map(|p| format!("{p}(1)")).collect();
    let mut roff = Roff::new();
    roff.control("SH", ["SEE ALSO"])
        .text([roman(refs.join(", "))]);
    roff.to_writer(w)
}

/// Write every generated file under `dir`.
pub fn write_all(dir: &Path) -> Result<()> {
    write_files(dir, files()?)
}

/// Write every man page into `dir` (created when missing).
pub fn write_man_pages(dir: &Path) -> Result<()> {
    write_files(dir, man_pages()?)
}

fn write_files(dir: &Path, files: Vec<(String, Vec<u8>)>) -> Result<()> {
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
