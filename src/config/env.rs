//! A snapshot of the environment, taken once: the process variables plus a
//! `.env` file in the working directory (which never overrides a variable
//! that is already set). Nothing else in yap reads the process environment,
//! so tests can build an `Env` by hand.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::Failure;

/// Where a variable's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarSource {
    Environment,
    DotEnv,
}

/// Variables a `.env` may not set: the config file decides which commands
/// run (`api_key_cmd`), the data folder holds the user's conversations.
pub const FORBIDDEN_IN_DOTENV: [&str; 2] = ["YAP_CONFIG", "YAP_DATA_DIR"];

#[derive(Debug, Default, Clone)]
pub struct Env {
    vars: HashMap<String, String>,
    dotenv: HashMap<String, String>,
    /// The `.env` file that was read, for messages.
    dotenv_path: Option<PathBuf>,
}

impl Env {
    /// The process environment plus `./.env` (unless `skip_dotenv`, from
    /// `--no-dotenv`, or `YAP_NO_DOTENV=1` in the process environment).
    /// Returns the warnings to print (lines of `.env` that could not be
    /// read) even when the result is an error: a `.env` that sets a
    /// variable it may not set.
    pub fn capture(skip_dotenv: bool) -> (Result<Env, Failure>, Vec<String>) {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let mut env = Env {
            vars,
            dotenv: HashMap::new(),
            dotenv_path: None,
        };
        if skip_dotenv || env.flag("YAP_NO_DOTENV") {
            return (Ok(env), Vec::new());
        }
        // The full path in messages, so the user knows which file it was.
        let path = std::env::current_dir()
            .map(|d| d.join(".env"))
            .unwrap_or_else(|_| PathBuf::from(".env"));
        let mut warnings = Vec::new();
        let result = env.load_dotenv(&path, &mut warnings).map(|()| env);
        (result, warnings)
    }

    /// Build from explicit pairs (tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            dotenv: HashMap::new(),
            dotenv_path: None,
        }
    }

    /// Read `path` as a `.env`: a missing file is nothing; a line that
    /// cannot be read is a warning; a forbidden variable is exit 2.
    fn load_dotenv(&mut self, path: &Path, warnings: &mut Vec<String>) -> Result<(), Failure> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(Failure::usage(format!(
                    "cannot read {}: {e}; fix it, or pass --no-dotenv",
                    path.display()
                )));
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            warnings.push(format!(
                "{} is not UTF-8 text; it is ignored",
                path.display()
            ));
            return Ok(());
        };
        let (pairs, bad) = super::dotenv::parse(&text);
        for b in bad {
            warnings.push(format!(
                "{}, line {}: {}; the line is ignored",
                path.display(),
                b.line,
                b.reason
            ));
        }
        if let Some(name) = FORBIDDEN_IN_DOTENV
            .iter()
            .find(|name| pairs.iter().any(|(n, _)| n == *name))
        {
            return Err(Failure::usage(format!(
                "{} sets {name}, which a .env may not set (it would choose {} for every yap \
                 run in this folder); set it in your shell instead, remove the line, or pass \
                 --no-dotenv",
                path.display(),
                if *name == "YAP_CONFIG" {
                    "the config file, which decides the commands yap runs"
                } else {
                    "where your conversations are kept"
                }
            )));
        }
        for (key, value) in pairs {
            if !self.vars.contains_key(&key) {
                self.dotenv.insert(key, value);
            }
        }
        self.dotenv_path = Some(path.to_path_buf());
        Ok(())
    }

    /// Add variables as if a `.env` file held them (tests).
    #[cfg(test)]
    pub fn add_dotenv_for_tests(&mut self, pairs: &[(&str, &str)]) {
        for (k, v) in pairs {
            if !self.vars.contains_key(*k) {
                self.dotenv.insert(k.to_string(), v.to_string());
            }
        }
    }

    /// The `.env` file whose variables are in this snapshot, if any.
    pub fn dotenv_path(&self) -> Option<&Path> {
        self.dotenv_path.as_deref()
    }

    /// A variable of the process environment only (never from `.env`).
    pub fn process(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A variable's value and source; empty values count as set.
    pub fn get(&self, name: &str) -> Option<(&str, VarSource)> {
        if let Some(v) = self.vars.get(name) {
            return Some((v, VarSource::Environment));
        }
        self.dotenv
            .get(name)
            .map(|v| (v.as_str(), VarSource::DotEnv))
    }

    /// A variable that is set and not empty.
    pub fn non_empty(&self, name: &str) -> Option<(&str, VarSource)> {
        self.get(name).filter(|(v, _)| !v.is_empty())
    }

    /// A boolean-ish variable: set, non-empty and not `0`/`false`.
    pub fn flag(&self, name: &str) -> bool {
        self.non_empty(name)
            .is_some_and(|(v, _)| !matches!(v.to_ascii_lowercase().as_str(), "0" | "false" | "no"))
    }
}

impl Env {
    /// Replace the value of every variable named like a secret (…KEY,
    /// …TOKEN, …SECRET) in `text`.
    pub fn scrub_secrets(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (name, value) in self.vars.iter().chain(self.dotenv.iter()) {
            let upper = name.to_ascii_uppercase();
            if value.len() >= 8
                && (upper.contains("KEY") || upper.contains("TOKEN") || upper.contains("SECRET"))
                && out.contains(value.as_str())
            {
                out = out.replace(value.as_str(), "[redacted]");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_never_overrides_the_environment() {
        let dir = std::env::temp_dir().join(format!("yap-env-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(".env");
        std::fs::write(&file, "A=from-file\nB=from-file\n").unwrap();
        let mut env = Env::from_pairs([("A", "from-env")]);
        let mut warnings = Vec::new();
        env.load_dotenv(&file, &mut warnings).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(env.get("A"), Some(("from-env", VarSource::Environment)));
        assert_eq!(env.get("B"), Some(("from-file", VarSource::DotEnv)));
        assert_eq!(env.dotenv_path(), Some(file.as_path()));

        std::fs::write(&file, "B=ok\nGREETING=hello world\n").unwrap();
        let mut env = Env::from_pairs([]);
        env.load_dotenv(&file, &mut warnings).unwrap();
        assert_eq!(env.get("B"), Some(("ok", VarSource::DotEnv)));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("line 2"), "{warnings:?}");

        std::fs::write(&file, "YAP_DATA_DIR=/tmp/x\n").unwrap();
        let mut env = Env::from_pairs([("YAP_DATA_DIR", "/mine")]);
        let err = env.load_dotenv(&file, &mut warnings).unwrap_err();
        assert!(err.message.contains("YAP_DATA_DIR"), "{}", err.message);
        assert_eq!(err.kind.exit_code(), 2);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn flag_reads_truthy_values() {
        let env = Env::from_pairs([("A", "1"), ("B", "0"), ("C", "")]);
        assert!(env.flag("A"));
        assert!(!env.flag("B"));
        assert!(!env.flag("C"));
        assert!(!env.flag("D"));
    }
}
