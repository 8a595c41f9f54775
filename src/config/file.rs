//! The config file: `default_profile` and `[profiles.NAME]` tables.
//! Unknown keys are errors, so a typo does not silently do nothing; every
//! error names the file and the line.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::Failure;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    /// `false` keeps every exchange out of the local history.
    pub history: Option<bool>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub base_url: Option<String>,
    pub api_key_env: Option<String>,
    /// A command (`sh -c`) whose stdout, trimmed, is the key; run only when
    /// a request is about to be sent.
    pub api_key_cmd: Option<String>,
    pub auth: Option<String>,
    pub model: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Merged into every request body, below every flag.
    pub body: Option<toml::Table>,
    /// `false` for servers that reject `stream_options.include_usage`.
    pub stream_usage: Option<bool>,
    /// `false` keeps this profile's exchanges out of the local history.
    pub history: Option<bool>,
}

impl ConfigFile {
    /// Parse `text`, read from `path` (used in messages only).
    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, Failure> {
        toml::from_str(text).map_err(|e| {
            let place = e
                .span()
                .map(|span| {
                    let (line, col) = line_col(text, span.start);
                    format!("line {line}, column {col}: ")
                })
                .unwrap_or_default();
            Failure::usage(format!(
                "{}: {place}{}",
                path.display(),
                crate::error::fold_whitespace(e.message())
            ))
        })
    }

    /// Read the file; a missing file is `Ok(None)`.
    pub fn load(path: &Path) -> Result<Option<ConfigFile>, Failure> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| {
                    Failure::usage(format!("{}: the file is not UTF-8", path.display()))
                })?;
                ConfigFile::parse(&text, path).map(Some)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Failure::usage(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }
}

pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spec_example() {
        let text = r#"
default_profile = "apollo"

[profiles.apollo]
base_url = "https://apolloai.lol/v1"
api_key_env = "APOLLO_API_KEY"
auth = "x-api-key"
model = "gpt-oss-120b"

[profiles.example]
base_url = "https://api.example.com/api/v1"
api_key_env = "EXAMPLE_API_KEY"
model = "myproject/mymodel"
headers = { "X-Team" = "infra" }
body = { store = true, tags = ["cli"] }
"#;
        let file = ConfigFile::parse(text, Path::new("c.toml")).unwrap();
        assert_eq!(file.default_profile.as_deref(), Some("apollo"));
        assert_eq!(file.profiles["example"].headers["X-Team"], "infra");
        assert!(file.profiles["example"].body.is_some());
    }

    #[test]
    fn errors_name_file_and_line() {
        let err =
            ConfigFile::parse("[profiles.a]\nbase_url = 3\n", Path::new("/x/c.toml")).unwrap_err();
        assert!(
            err.message.starts_with("/x/c.toml: line 2"),
            "{}",
            err.message
        );
        let err =
            ConfigFile::parse("[profiles.a]\nmodle = \"x\"\n", Path::new("c.toml")).unwrap_err();
        assert!(err.message.contains("line 2"), "{}", err.message);
        assert!(err.message.contains("modle"), "{}", err.message);
    }
}
