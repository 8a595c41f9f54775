//! Shell completion, answered by yap itself at completion time: the script
//! that `yap completions SHELL` prints calls `COMPLETE=SHELL yap -- WORDS`,
//! so `-P` can offer the profiles of the user's config as it is now.

use std::ffi::OsStr;
use std::io::Write;

use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{CompleteEnv, Shells};

/// The variable the completion scripts set when they call yap.
pub const VAR: &str = "COMPLETE";

/// When yap was called by a completion script, answer and exit; otherwise
/// return at once (one environment lookup: no config, no runtime).
pub fn answer_if_asked() {
    CompleteEnv::with_factory(super::command)
        .var(VAR)
        .bin("yap")
        .completer("yap")
        .complete();
}

/// The completion script of `shell` (`bash`, `zsh`, `fish`, `elvish`,
/// `powershell`).
pub fn script(shell: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let shells = Shells::builtins();
    let completer = shells.completer(shell).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("no completion script for the shell '{shell}'"),
        )
    })?;
    completer.write_registration(VAR, "yap", "yap", "yap", out)
}

/// `--auth` values.
pub fn auth_styles() -> Vec<CompletionCandidate> {
    [
        ("bearer", "Authorization: Bearer KEY (the default)"),
        ("x-api-key", "x-api-key: KEY"),
        ("header:", "header:NAME sends NAME: KEY"),
        ("none", "no key is sent"),
    ]
    .into_iter()
    .map(|(value, help)| CompletionCandidate::new(value).help(Some(help.into())))
    .collect()
}

/// `-T` and `templates show` values: the template names of the folder
/// beside the config file yap would read.
pub fn template_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy();
    let Some(path) = config_file_path() else {
        return Vec::new();
    };
    crate::template::names(&crate::template::folder(&path))
        .into_iter()
        .filter(|name| name.starts_with(prefix.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

/// The config file yap would read (`YAP_CONFIG`, else the XDG path).
fn config_file_path() -> Option<std::path::PathBuf> {
    let vars: Vec<(String, String)> = ["YAP_CONFIG", "XDG_CONFIG_HOME", "HOME"]
        .into_iter()
        .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
        .collect();
    let env = crate::config::Env::from_pairs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    crate::config::config_path(&Default::default(), &env).ok()
}

/// `-P` values: the profile names of the config file that yap would read
/// (`YAP_CONFIG`, else the XDG path), those starting with `current`.
/// Anything that goes wrong gives no names: a completion never prints an
/// error into the user's command line.
pub fn profile_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy();
    let vars: Vec<(String, String)> = ["YAP_CONFIG", "XDG_CONFIG_HOME", "HOME"]
        .into_iter()
        .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
        .collect();
    let env = crate::config::Env::from_pairs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let Ok(path) = crate::config::config_path(&Default::default(), &env) else {
        return Vec::new();
    };
    let Ok(Some(file)) = crate::config::ConfigFile::load(&path) else {
        return Vec::new();
    };
    file.profiles
        .keys()
        .filter(|name| name.starts_with(prefix.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}
