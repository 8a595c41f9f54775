//! What yap says when clap refuses the command line: the same `yap: error:`
//! prefix as every other error, and the likely fix where the next step is
//! not obvious (a prompt without `chat`, a subcommand's flag given before
//! the subcommand).

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// Why the command line was not run.
#[derive(Debug)]
pub enum Refusal {
    /// `--help`, `--version`, or help shown for a missing subcommand:
    /// printed by clap as it is, with its exit code.
    Show(clap::Error),
    /// A usage error (exit 2): the message to print after `yap: error: `,
    /// maybe several lines (clap's usage line and tips).
    Usage(String),
}

/// Turn a clap error into what yap prints.
pub fn refusal(err: clap::Error, cmd: &clap::Command, args: &[OsString]) -> Refusal {
    if !err.use_stderr() || err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        return Refusal::Show(err);
    }
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if let Some(hint) =
        prompt_without_chat(&err, cmd, &args).or_else(|| flag_too_early(&err, cmd, &args))
    {
        return Refusal::Usage(hint);
    }
    let text = err.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    Refusal::Usage(text.trim_end().to_string())
}

fn context(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => v.first().cloned(),
        _ => None,
    }
}

/// `yap "a question"`: words that are no command (but a lone word clap
/// takes for a typo of one).
fn prompt_without_chat(err: &clap::Error, cmd: &clap::Command, args: &[String]) -> Option<String> {
    if err.kind() != ErrorKind::InvalidSubcommand {
        return None;
    }
    let word = context(err, ContextKind::InvalidSubcommand)?;
    let at = args.iter().skip(1).position(|a| *a == word)? + 1;
    // One bare word close to a command is a typo: clap's tip names it.
    let one_word = !word.contains(char::is_whitespace) && at + 1 == args.len();
    if one_word && err.get(ContextKind::SuggestedSubcommand).is_some() {
        return None;
    }
    let mut fixed: Vec<String> = args[1..at].to_vec();
    fixed.push("chat".into());
    fixed.extend(args[at..].iter().cloned());
    let commands: Vec<&str> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .map(|s| s.get_name())
        .collect();
    Some(format!(
        "'{word}' is not a command ({}); to send a prompt, run: {}",
        commands.join(", "),
        command_line(&fixed)
    ))
}

/// `yap -m x chat hi`: a flag of the subcommand given before it.
fn flag_too_early(err: &clap::Error, cmd: &clap::Command, args: &[String]) -> Option<String> {
    if err.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let invalid = context(err, ContextKind::InvalidArg)?;
    let (sub_at, sub) = args.iter().enumerate().skip(1).find_map(|(i, a)| {
        cmd.get_subcommands()
            .find(|s| !s.is_hide_set() && s.get_name() == a)
            .map(|s| (i, s))
    })?;
    let flag_at = args[1..sub_at].iter().position(|a| {
        a == &invalid || a.starts_with(&format!("{invalid}=")) || short_with_value(a, &invalid)
    })? + 1;
    let token = &args[flag_at];
    let arg = sub.get_arguments().find(|a| {
        if let Some(long) = invalid.strip_prefix("--") {
            a.get_long() == Some(long)
        } else {
            let c = invalid.strip_prefix('-').and_then(|s| s.chars().next());
            c.is_some() && a.get_short() == c
        }
    })?;
    let takes_value = arg.get_action().takes_values();
    let attached = token.contains('=') || (!token.starts_with("--") && token.chars().count() > 2);
    let moved = if takes_value && !attached && flag_at + 1 < sub_at {
        2
    } else {
        1
    };
    let mut fixed: Vec<String> = args[1..flag_at].to_vec();
    fixed.extend(args[flag_at + moved..=sub_at].iter().cloned());
    fixed.extend(args[flag_at..flag_at + moved].iter().cloned());
    fixed.extend(args[sub_at + 1..].iter().cloned());
    Some(format!(
        "{invalid} belongs to 'yap {}': put it after the subcommand: {}",
        sub.get_name(),
        command_line(&fixed)
    ))
}

/// `-mx` for the short flag `-m`.
fn short_with_value(token: &str, flag: &str) -> bool {
    flag.len() == 2 && !flag.starts_with("--") && token.starts_with(flag)
}

/// `yap` and `words` as one shell command line, quoted where needed.
fn command_line(words: &[String]) -> String {
    std::iter::once("yap".to_string())
        .chain(words.iter().map(|w| quote(w)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-+=:,./@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else if !word.contains(['"', '$', '`', '\\', '!']) {
        format!("\"{word}\"")
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("hi"), "hi");
        assert_eq!(quote("a question"), "\"a question\"");
        assert_eq!(quote("it's $5"), "'it'\\''s $5'");
        assert_eq!(quote(""), "\"\"");
    }

    fn usage(args: &[&str]) -> String {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        match crate::cli::parse(args) {
            Err(Refusal::Usage(text)) => text,
            other => panic!("not a usage error: {other:?}"),
        }
    }

    #[test]
    fn model_before_the_subcommand() {
        assert_eq!(
            usage(&["yap", "-m", "x", "chat", "hi"]),
            "-m belongs to 'yap chat': put it after the subcommand: yap chat -m x hi"
        );
        assert_eq!(
            usage(&["yap", "-P", "p", "--model=x", "chat", "hi"]),
            "--model belongs to 'yap chat': put it after the subcommand: yap -P p chat --model=x hi"
        );
        assert_eq!(
            usage(&["yap", "--json", "models"]),
            "--json belongs to 'yap models': put it after the subcommand: yap models --json"
        );
    }

    #[test]
    fn a_prompt_without_chat() {
        assert!(
            usage(&["yap", "-q", "what is", "rust"])
                .ends_with("to send a prompt, run: yap -q chat \"what is\" rust")
        );
    }

    #[test]
    fn a_typo_keeps_clap_tip() {
        assert!(usage(&["yap", "chta"]).contains("similar subcommand"));
    }
}
