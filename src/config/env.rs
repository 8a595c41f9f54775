//! A snapshot of the environment, taken once: the process variables plus a
//! `.env` file in the working directory (which never overrides a variable
//! that is already set). Nothing else in yap reads the process environment,
//! so tests can build an `Env` by hand.

use std::collections::HashMap;
use std::path::Path;

/// Where a variable's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarSource {
    Environment,
    DotEnv,
}

#[derive(Debug, Default, Clone)]
pub struct Env {
    vars: HashMap<String, String>,
    dotenv: HashMap<String, String>,
}

impl Env {
    /// The process environment plus `./.env`. A `.env` that cannot be parsed
    /// is reported as an error naming the file and the line.
    pub fn capture() -> anyhow::Result<Env> {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let mut env = Env {
            vars,
            dotenv: HashMap::new(),
        };
        env.load_dotenv(Path::new(".env"))?;
        Ok(env)
    }

    /// Build from explicit pairs (tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            dotenv: HashMap::new(),
        }
    }

    fn load_dotenv(&mut self, path: &Path) -> anyhow::Result<()> {
        let iter = match dotenvy::from_path_iter(path) {
            Ok(iter) => iter,
            Err(e) if e.not_found() => return Ok(()),
            Err(e) => {
                return Err(crate::error::Failure::usage(format!(
                    "cannot read {}: {e}",
                    path.display()
                ))
                .into());
            }
        };
        for item in iter {
            let (key, value) = item.map_err(|e| {
                crate::error::Failure::usage(format!(
                    "{}: {e}; fix or remove the file",
                    path.display()
                ))
            })?;
            if !self.vars.contains_key(&key) {
                self.dotenv.insert(key, value);
            }
        }
        Ok(())
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
        env.load_dotenv(&file).unwrap();
        assert_eq!(env.get("A"), Some(("from-env", VarSource::Environment)));
        assert_eq!(env.get("B"), Some(("from-file", VarSource::DotEnv)));
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
