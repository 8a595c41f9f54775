//! Settings: the one place where flags, environment, `.env`, the config
//! file's profile and built-in defaults meet. `Settings::resolve` applies
//! SPEC's precedence once; the result is immutable and passed by `&`.
//!
//! Precedence, lowest first: built-in defaults, `OPENAI_BASE_URL` and
//! `OPENAI_API_KEY`, the profile, `YAP_*` variables, flags. The key is read
//! from the first of `--api-key-env`, the profile's `api_key_env`,
//! `YAP_API_KEY`, `OPENAI_API_KEY`; a named variable that is unset is an
//! error, never a fall back to another variable.

pub mod auth;
pub mod dotenv;
pub mod env;
pub mod file;
pub mod secret;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::cli::ConnArgs;
use crate::error::Failure;
pub use auth::Auth;
pub use env::{Env, VarSource};
pub use file::{ConfigFile, Profile};
pub use secret::ApiKey;

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
pub const DEFAULT_CONNECT_TIMEOUT: f64 = 10.0;
pub const DEFAULT_IDLE_TIMEOUT: f64 = 300.0;
pub const DEFAULT_RETRIES: u32 = 2;
pub const DEFAULT_MAX_SIZE: usize = 64 << 20;

/// Where a setting's value came from, for `yap config` and messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Var(String, VarSource),
    Profile(String),
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Var(name, VarSource::Environment) => write!(f, "environment {name}"),
            Source::Var(name, VarSource::DotEnv) => write!(f, ".env {name}"),
            Source::Profile(name) => write!(f, "profile {name}"),
            Source::Default => f.write_str("default"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

fn sourced<T>(value: T, source: Source) -> Sourced<T> {
    Sourced { value, source }
}

/// Where the key is read from, and what was found there.
#[derive(Clone, Debug)]
pub struct KeyLookup {
    /// The variable the key is read from.
    pub var: String,
    /// What chose that variable (a flag, a profile, or the default order).
    pub chosen_by: Source,
    pub value: Option<ApiKey>,
    pub found_in: Option<VarSource>,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub config_path: PathBuf,
    pub config_found: bool,
    pub profile: Option<Sourced<String>>,
    pub base_url: Sourced<String>,
    pub model: Option<Sourced<String>>,
    pub key: KeyLookup,
    pub auth: Sourced<Auth>,
    /// Profile headers, then `-H` ones (a later one of the same name wins).
    pub headers: Vec<(String, String)>,
    pub profile_body: Option<Value>,
    pub stream_usage: bool,
    pub proxy: Option<Sourced<String>>,
    pub no_proxy: Option<String>,
    pub timeout: Option<Duration>,
    pub connect_timeout: Duration,
    pub idle_timeout: Duration,
    pub retries: u32,
    /// Cap on one SSE line or event, or a non-streamed body.
    pub max_size: usize,
    pub insecure: bool,
    pub no_stdin: bool,
    pub no_color: bool,
    pub verbose: bool,
    pub quiet: bool,
}

impl Settings {
    /// Resolve every setting. `model_flag` is `-m` of the command at hand.
    pub fn resolve(
        conn: &ConnArgs,
        model_flag: Option<&str>,
        env: &Env,
    ) -> Result<Settings, Failure> {
        let config_path = config_path(conn, env)?;
        let explicit = conn.config.is_some() || env.non_empty("YAP_CONFIG").is_some();
        let file = ConfigFile::load(&config_path)?;
        if file.is_none() && explicit {
            return Err(Failure::usage(format!(
                "config file {} does not exist",
                config_path.display()
            )));
        }
        let config_found = file.is_some();
        let file = file.unwrap_or_default();

        let profile_name = if let Some(name) = &conn.profile {
            Some(sourced(name.clone(), Source::Flag("--profile")))
        } else if let Some((name, src)) = env.non_empty("YAP_PROFILE") {
            Some(sourced(
                name.to_string(),
                Source::Var("YAP_PROFILE".into(), src),
            ))
        } else {
            file.default_profile
                .clone()
                .map(|name| sourced(name, Source::Default))
        };
        let profile = match &profile_name {
            None => Profile::default(),
            Some(name) => file.profiles.get(&name.value).cloned().ok_or_else(|| {
                let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
                Failure::usage(format!(
                    "no profile '{}' in {} (from {}); profiles there: {}",
                    name.value,
                    config_path.display(),
                    name.source,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ))
            })?,
        };
        let from_profile = || {
            Source::Profile(
                profile_name
                    .as_ref()
                    .map(|p| p.value.clone())
                    .unwrap_or_default(),
            )
        };

        let base_url = if let Some(url) = &conn.base_url {
            sourced(url.clone(), Source::Flag("--base-url"))
        } else if let Some((url, src)) = env.non_empty("YAP_BASE_URL") {
            sourced(url.to_string(), Source::Var("YAP_BASE_URL".into(), src))
        } else if let Some(url) = &profile.base_url {
            sourced(url.clone(), from_profile())
        } else if let Some((url, src)) = env.non_empty("OPENAI_BASE_URL") {
            sourced(url.to_string(), Source::Var("OPENAI_BASE_URL".into(), src))
        } else {
            sourced(DEFAULT_BASE_URL.to_string(), Source::Default)
        };
        let base_url = Sourced {
            value: check_base_url(&base_url.value, &base_url.source)?,
            source: base_url.source,
        };

        let model = if let Some(m) = model_flag {
            Some(sourced(m.to_string(), Source::Flag("--model")))
        } else if let Some((m, src)) = env.non_empty("YAP_MODEL") {
            Some(sourced(m.to_string(), Source::Var("YAP_MODEL".into(), src)))
        } else {
            profile.model.clone().map(|m| sourced(m, from_profile()))
        };

        let key = lookup_key(
            conn,
            &profile,
            profile_name.is_some().then(from_profile),
            env,
        );

        let auth = if let Some(a) = &conn.auth {
            sourced(
                Auth::parse(a).map_err(Failure::usage)?,
                Source::Flag("--auth"),
            )
        } else if let Some(a) = &profile.auth {
            sourced(
                Auth::parse(a).map_err(|e| {
                    Failure::usage(format!(
                        "{} profile {}: {e}",
                        config_path.display(),
                        from_profile()
                    ))
                })?,
                from_profile(),
            )
        } else {
            sourced(Auth::Bearer, Source::Default)
        };

        let mut headers: Vec<(String, String)> = Vec::new();
        for (name, value) in &profile.headers {
            push_header(&mut headers, check_header(name, value)?);
        }
        for raw in &conn.headers {
            let (name, value) = raw
                .split_once(':')
                .ok_or_else(|| Failure::usage(format!("-H '{raw}': expected 'Name: value'")))?;
            push_header(&mut headers, check_header(name.trim(), value.trim())?);
        }

        let profile_body = profile
            .body
            .as_ref()
            .map(|t| serde_json::to_value(t).unwrap_or(Value::Null));

        let (proxy, no_proxy) = resolve_proxy(conn, env, &base_url.value)?;

        Ok(Settings {
            config_path,
            config_found,
            profile: profile_name,
            base_url,
            model,
            key,
            auth,
            headers,
            profile_body,
            stream_usage: profile.stream_usage.unwrap_or(true),
            proxy,
            no_proxy,
            timeout: conn.timeout.map(|t| seconds("--timeout", t)).transpose()?,
            connect_timeout: seconds(
                "--connect-timeout",
                conn.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            )?,
            idle_timeout: seconds(
                "--idle-timeout",
                conn.idle_timeout.unwrap_or(DEFAULT_IDLE_TIMEOUT),
            )?,
            retries: conn.retries.unwrap_or(DEFAULT_RETRIES),
            max_size: match &conn.max_size {
                Some(text) => parse_size(text)?,
                None => DEFAULT_MAX_SIZE,
            },
            insecure: conn.insecure,
            no_stdin: env.flag("YAP_NO_STDIN"),
            no_color: env.non_empty("NO_COLOR").is_some(),
            verbose: conn.verbose,
            quiet: conn.quiet,
        })
    }

    /// The model, or the exit-2 error that says where yap looked.
    pub fn require_model(&self) -> Result<&str, Failure> {
        match &self.model {
            Some(m) if !m.value.is_empty() => Ok(&m.value),
            _ => Err(Failure::usage(format!(
                "no model: pass -m MODEL, set YAP_MODEL, or set model in {}",
                self.profile_hint()
            ))),
        }
    }

    /// The key to send (None with `--auth none`), or the exit-2 error that
    /// names the variable.
    pub fn require_key(&self) -> Result<Option<&ApiKey>, Failure> {
        if self.auth.value == Auth::None {
            return Ok(None);
        }
        match &self.key.value {
            Some(key) => Ok(Some(key)),
            None if self.key.chosen_by == Source::Default => Err(Failure::usage(format!(
                "no API key: set YAP_API_KEY or OPENAI_API_KEY (environment or .env), \
                 name another variable with --api-key-env, or set api_key_env in {}",
                self.profile_hint()
            ))),
            None => Err(Failure::usage(format!(
                "no API key: {} is unset or empty (named by {}); set it in the environment or .env",
                self.key.var, self.key.chosen_by
            ))),
        }
    }

    fn profile_hint(&self) -> String {
        match &self.profile {
            Some(p) => format!("profile '{}' of {}", p.value, self.config_path.display()),
            None => format!("a profile of {}", self.config_path.display()),
        }
    }

    /// The URL of an endpoint under the base URL (`chat/completions`).
    pub fn endpoint(&self, last: &str) -> String {
        format!("{}/{last}", self.base_url.value)
    }
}

fn lookup_key(
    conn: &ConnArgs,
    profile: &Profile,
    profile_src: Option<Source>,
    env: &Env,
) -> KeyLookup {
    let named = if let Some(var) = &conn.api_key_env {
        Some((var.clone(), Source::Flag("--api-key-env")))
    } else {
        profile
            .api_key_env
            .clone()
            .map(|var| (var, profile_src.unwrap_or(Source::Default)))
    };
    if let Some((var, chosen_by)) = named {
        let found = env.non_empty(&var);
        return KeyLookup {
            value: found.map(|(v, _)| ApiKey::new(v.to_string())),
            found_in: found.map(|(_, s)| s),
            var,
            chosen_by,
        };
    }
    for var in ["YAP_API_KEY", "OPENAI_API_KEY"] {
        if let Some((value, src)) = env.non_empty(var) {
            return KeyLookup {
                var: var.to_string(),
                chosen_by: Source::Default,
                value: Some(ApiKey::new(value.to_string())),
                found_in: Some(src),
            };
        }
    }
    KeyLookup {
        var: "OPENAI_API_KEY".to_string(),
        chosen_by: Source::Default,
        value: None,
        found_in: None,
    }
}

pub fn config_path(conn: &ConnArgs, env: &Env) -> Result<PathBuf, Failure> {
    if let Some(p) = &conn.config {
        return Ok(p.clone());
    }
    if let Some((p, _)) = env.non_empty("YAP_CONFIG") {
        return Ok(PathBuf::from(p));
    }
    if let Some((dir, _)) = env.non_empty("XDG_CONFIG_HOME") {
        return Ok(PathBuf::from(dir).join("yap").join("config.toml"));
    }
    if let Some((home, _)) = env.non_empty("HOME") {
        return Ok(PathBuf::from(home)
            .join(".config")
            .join("yap")
            .join("config.toml"));
    }
    Err(Failure::usage(
        "cannot find the config file: neither XDG_CONFIG_HOME nor HOME is set; pass --config PATH",
    ))
}

fn check_base_url(url: &str, source: &Source) -> Result<String, Failure> {
    let trimmed = url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(trimmed).map_err(|e| {
        Failure::usage(format!(
            "base URL '{url}' (from {source}) is not a URL: {e}"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Failure::usage(format!(
            "base URL '{url}' (from {source}) must start with http:// or https://"
        )));
    }
    Ok(trimmed.to_string())
}

fn check_header(name: &str, value: &str) -> Result<(String, String), Failure> {
    if !auth::is_token(name) {
        return Err(Failure::usage(format!("header name '{name}' is not valid")));
    }
    if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(Failure::usage(format!(
            "header '{name}' has a line break in its value"
        )));
    }
    Ok((name.to_string(), value.to_string()))
}

fn push_header(headers: &mut Vec<(String, String)>, (name, value): (String, String)) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
    headers.push((name, value));
}

/// `--max-size`: bytes, with an optional K, M or G (powers of 1024).
pub fn parse_size(text: &str) -> Result<usize, Failure> {
    let t = text.trim();
    let (digits, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    digits
        .trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(1usize << shift))
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Failure::usage(format!(
                "--max-size '{text}': expected a size in bytes such as 65536, 512K or 64M"
            ))
        })
}

fn seconds(flag: &str, value: f64) -> Result<Duration, Failure> {
    if value.is_finite() && value > 0.0 && value < 1e9 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(Failure::usage(format!(
            "{flag} {value}: expected a positive number of seconds"
        )))
    }
}

/// `-x` for every request; else the variables curl reads, for the base
/// URL's scheme, with `NO_PROXY`.
fn resolve_proxy(
    conn: &ConnArgs,
    env: &Env,
    base_url: &str,
) -> Result<(Option<Sourced<String>>, Option<String>), Failure> {
    if let Some(p) = &conn.proxy {
        check_proxy(p, "-x")?;
        return Ok((Some(sourced(p.clone(), Source::Flag("--proxy"))), None));
    }
    let names: &[&str] = if base_url.starts_with("https:") {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
    };
    let no_proxy = env
        .non_empty("no_proxy")
        .or_else(|| env.non_empty("NO_PROXY"))
        .map(|(v, _)| v.to_string());
    for name in names {
        if let Some((p, src)) = env.non_empty(name) {
            check_proxy(p, name)?;
            return Ok((
                Some(sourced(p.to_string(), Source::Var(name.to_string(), src))),
                no_proxy,
            ));
        }
    }
    Ok((None, no_proxy))
}

fn check_proxy(p: &str, from: &str) -> Result<(), Failure> {
    reqwest::Proxy::all(p)
        .map(|_| ())
        .map_err(|e| Failure::usage(format!("proxy '{p}' (from {from}) is not valid: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(conn: &ConnArgs, pairs: &[(&str, &str)]) -> Result<Settings, Failure> {
        let env = Env::from_pairs(pairs.iter().copied().chain([("HOME", "/nonexistent-home")]));
        Settings::resolve(conn, None, &env)
    }

    #[test]
    fn base_url_precedence() {
        let conn = ConnArgs::default();
        let s = resolve(&conn, &[]).unwrap();
        assert_eq!(s.base_url.value, DEFAULT_BASE_URL);
        let s = resolve(&conn, &[("OPENAI_BASE_URL", "http://o/v1/")]).unwrap();
        assert_eq!(s.base_url.value, "http://o/v1");
        let s = resolve(
            &conn,
            &[
                ("OPENAI_BASE_URL", "http://o/v1"),
                ("YAP_BASE_URL", "http://y/v1"),
            ],
        )
        .unwrap();
        assert_eq!(s.base_url.value, "http://y/v1");
        let conn = ConnArgs {
            base_url: Some("http://f/v1".into()),
            ..Default::default()
        };
        let s = resolve(&conn, &[("YAP_BASE_URL", "http://y/v1")]).unwrap();
        assert_eq!(s.base_url.value, "http://f/v1");
        assert_eq!(s.base_url.source, Source::Flag("--base-url"));
    }

    #[test]
    fn key_order_and_named_variable_never_falls_back() {
        let conn = ConnArgs::default();
        let s = resolve(&conn, &[("OPENAI_API_KEY", "o"), ("YAP_API_KEY", "y")]).unwrap();
        assert_eq!(s.key.var, "YAP_API_KEY");
        let conn = ConnArgs {
            api_key_env: Some("APOLLO_API_KEY".into()),
            ..Default::default()
        };
        let s = resolve(&conn, &[("OPENAI_API_KEY", "o")]).unwrap();
        let err = s.require_key().unwrap_err();
        assert!(err.message.contains("APOLLO_API_KEY"), "{}", err.message);
        assert_eq!(err.kind.exit_code(), 2);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100").unwrap(), 100);
        assert_eq!(parse_size("2k").unwrap(), 2048);
        assert_eq!(parse_size("64M").unwrap(), 64 << 20);
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("99999999999G").is_err());
    }

    #[test]
    fn bad_values_are_usage_errors() {
        let conn = ConnArgs {
            base_url: Some("ftp://x".into()),
            ..Default::default()
        };
        assert!(resolve(&conn, &[]).is_err());
        let conn = ConnArgs {
            headers: vec!["NoColon".into()],
            ..Default::default()
        };
        assert!(resolve(&conn, &[]).is_err());
        let conn = ConnArgs {
            timeout: Some(-1.0),
            ..Default::default()
        };
        assert!(resolve(&conn, &[]).is_err());
    }
}
