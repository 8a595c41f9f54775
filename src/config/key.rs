//! Where the API key comes from. The places, in the order they are tried:
//! `--api-key-env NAME`, the profile's `api_key_env`, the profile's
//! `api_key_cmd`, `YAP_API_KEY`, `OPENAI_API_KEY`. The first place that
//! names a variable or a command decides (a named variable that is unset is
//! an error, never a fall back); `YAP_API_KEY` and `OPENAI_API_KEY` decide
//! when they are set. The command is not run here: only
//! [`run_key_cmd`], when a request is about to be sent.

use std::fmt;
use std::process::{Command, Stdio};

use super::Source;
use super::env::{Env, VarSource};
use super::file::Profile;
use super::secret::ApiKey;
use crate::error::{Failure, Kind};

/// The place that decided where the key comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// A variable; `found_in` is `None` when it is unset or empty.
    Var {
        name: String,
        named_by: Source,
        found_in: Option<VarSource>,
    },
    /// The profile's `api_key_cmd`.
    Command { command: String, profile: String },
}

/// One place yap looks at, and what it found there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyStep {
    /// `--api-key-env`, `profile api_key_env`, …, `OPENAI_API_KEY`.
    pub place: &'static str,
    /// What was there: `not given`, `unset`, `set in the environment`, …
    pub found: String,
    /// This place decided (whether or not it held a key).
    pub decided: bool,
}

impl fmt::Display for KeyStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.place, self.found)
    }
}

#[derive(Clone, Debug)]
pub struct KeyLookup {
    /// Every place, in the order they are tried.
    pub steps: Vec<KeyStep>,
    /// The place that decided; `None` when no place named or held a key.
    pub source: Option<KeySource>,
    /// The key, when it came from a variable.
    pub value: Option<ApiKey>,
}

impl KeyLookup {
    /// The places and what was found, in order: `A (x), B (y), …`.
    pub fn places(&self) -> String {
        self.steps
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A key will be there when a request is sent (a variable that holds
    /// one, or a command to run).
    pub fn available(&self) -> bool {
        self.value.is_some() || matches!(self.source, Some(KeySource::Command { .. }))
    }
}

/// Look the key up. `profile` is the selected profile's name and table.
pub fn lookup(flag: Option<&str>, profile: Option<(&str, &Profile)>, env: &Env) -> KeyLookup {
    let mut steps = Vec::new();
    let mut source: Option<KeySource> = None;
    let mut value = None;
    // 1. --api-key-env
    match flag {
        Some(name) => {
            source = Some(var_step(
                env,
                "--api-key-env",
                name,
                Source::Flag("--api-key-env"),
                &mut steps,
                &mut value,
            ));
        }
        None => steps.push(absent("--api-key-env", "not given")),
    }
    // 2, 3. the profile's api_key_env, then api_key_cmd
    for place in ["profile api_key_env", "profile api_key_cmd"] {
        let Some((pname, p)) = profile else {
            steps.push(absent(place, "no profile selected"));
            continue;
        };
        if source.is_some() {
            steps.push(absent(place, "not tried"));
            continue;
        }
        let is_env = place == "profile api_key_env";
        match (is_env, &p.api_key_env, &p.api_key_cmd) {
            (true, Some(name), _) => {
                source = Some(var_step(
                    env,
                    place,
                    name,
                    Source::Profile(pname.to_string()),
                    &mut steps,
                    &mut value,
                ));
            }
            (false, _, Some(command)) => {
                steps.push(KeyStep {
                    place,
                    found: format!("profile {pname}: run when a request is sent"),
                    decided: true,
                });
                source = Some(KeySource::Command {
                    command: command.clone(),
                    profile: pname.to_string(),
                });
            }
            _ => steps.push(absent(place, &format!("not set in profile {pname}"))),
        }
    }
    // 4, 5. the default variables
    for name in ["YAP_API_KEY", "OPENAI_API_KEY"] {
        if source.is_some() {
            steps.push(absent(name, "not tried"));
            continue;
        }
        match env.non_empty(name) {
            Some((v, src)) => {
                value = Some(ApiKey::new(v.to_string()));
                steps.push(KeyStep {
                    place: name,
                    found: format!("{}: used", where_set(src)),
                    decided: true,
                });
                source = Some(KeySource::Var {
                    name: name.to_string(),
                    named_by: Source::Default,
                    found_in: Some(src),
                });
            }
            None => steps.push(absent(name, "unset")),
        }
    }
    KeyLookup {
        steps,
        source,
        value,
    }
}

/// A place that names a variable: it decides, set or not.
fn var_step(
    env: &Env,
    place: &'static str,
    name: &str,
    named_by: Source,
    steps: &mut Vec<KeyStep>,
    value: &mut Option<ApiKey>,
) -> KeySource {
    let found = env.non_empty(name);
    *value = found.map(|(v, _)| ApiKey::new(v.to_string()));
    steps.push(KeyStep {
        place,
        found: match found {
            Some((_, src)) => format!("{name}, {}: used", where_set(src)),
            None => format!("{name}, unset or empty: no fall back"),
        },
        decided: true,
    });
    KeySource::Var {
        name: name.to_string(),
        named_by,
        found_in: found.map(|(_, s)| s),
    }
}

fn absent(place: &'static str, found: &str) -> KeyStep {
    KeyStep {
        place,
        found: found.to_string(),
        decided: false,
    }
}

fn where_set(src: VarSource) -> &'static str {
    match src {
        VarSource::Environment => "set in the environment",
        VarSource::DotEnv => "set in .env",
    }
}

/// Run a profile's `api_key_cmd` with `sh -c`: its stdout, trimmed, is the
/// key (never shown); its stderr passes through; stdin is not given to it
/// (yap's stdin is the prompt's).
pub fn run_key_cmd(command: &str, profile: &str, config: &str) -> Result<ApiKey, Failure> {
    let what = format!("api_key_cmd of profile '{profile}' (in {config})");
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::usage(format!("cannot run the {what}: {e}")))?;
    if !output.status.success() {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            // Ctrl-C reaches the command too: that is an interrupt, not
            // a broken command.
            if output.status.signal() == Some(2) {
                return Err(Failure::new(Kind::Interrupted, "interrupted"));
            }
        }
        return Err(Failure::usage(format!(
            "the {what} failed ({}); its stderr, if any, is above; fix the command or \
             name a variable with --api-key-env",
            output.status
        )));
    }
    let text = String::from_utf8(output.stdout).map_err(|_| {
        Failure::usage(format!(
            "the {what} printed something that is not UTF-8 text"
        ))
    })?;
    let key = text.trim();
    if key.is_empty() {
        return Err(Failure::usage(format!(
            "the {what} printed nothing; it must print the key on stdout"
        )));
    }
    Ok(ApiKey::new(key.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(env_var: Option<&str>, cmd: Option<&str>) -> Profile {
        Profile {
            api_key_env: env_var.map(String::from),
            api_key_cmd: cmd.map(String::from),
            ..Profile::default()
        }
    }

    #[test]
    fn the_order_of_the_places() {
        let env = Env::from_pairs([("YAP_API_KEY", "y"), ("OPENAI_API_KEY", "o")]);
        let k = lookup(None, None, &env);
        let places: Vec<&str> = k.steps.iter().map(|s| s.place).collect();
        assert_eq!(
            places,
            [
                "--api-key-env",
                "profile api_key_env",
                "profile api_key_cmd",
                "YAP_API_KEY",
                "OPENAI_API_KEY"
            ]
        );
        assert!(k.steps[3].decided && !k.steps[4].decided);
        assert_eq!(k.value.as_ref().map(ApiKey::expose), Some("y"));

        let p = profile(None, Some("printf k"));
        let k = lookup(None, Some(("p", &p)), &env);
        assert!(matches!(k.source, Some(KeySource::Command { .. })));
        assert!(k.value.is_none() && k.available());
        assert_eq!(k.steps[3].found, "not tried");

        let p = profile(Some("MINE"), Some("printf k"));
        let k = lookup(None, Some(("p", &p)), &env);
        assert!(!k.available(), "a named unset variable never falls back");
        assert!(
            k.places().contains("MINE, unset or empty"),
            "{}",
            k.places()
        );
        assert_eq!(k.steps[2].found, "not tried");
    }

    #[test]
    fn the_command_gives_the_trimmed_key_or_an_error_naming_the_profile() {
        let key = run_key_cmd("printf '  sk-abc\\n'", "p", "c.toml").unwrap();
        assert_eq!(key.expose(), "sk-abc");
        let err = run_key_cmd("exit 3", "work", "c.toml").unwrap_err();
        assert_eq!(err.kind.exit_code(), 2);
        assert!(err.message.contains("'work'"), "{}", err.message);
        let err = run_key_cmd("true", "work", "c.toml").unwrap_err();
        assert!(err.message.contains("printed nothing"), "{}", err.message);
    }
}
