//! Settings: the one place where flags, environment, `.env`, the config
//! file's profile and built-in defaults meet. `Settings::resolve` applies
//! SPEC's precedence once; the result is immutable and passed by `&`.
//!
//! Precedence, lowest first: built-in defaults, `OPENAI_BASE_URL` and
//! `OPENAI_API_KEY`, the profile, `YAP_*` variables, flags. The key is read
//! from the first of `--api-key-env`, the profile's `api_key_env`, the
//! profile's `api_key_cmd`, `YAP_API_KEY`, `OPENAI_API_KEY` (see `key`); a
//! named variable that is unset is an error, never a fall back to another
//! variable. A `.env` that chose the host but not the key is refused here,
//! before anything is sent.

pub mod auth;
pub mod dotenv;
pub mod env;
pub mod file;
pub mod key;
pub mod secret;

use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

use crate::cli::ConnArgs;
use crate::error::Failure;
pub use auth::Auth;
pub use env::{Env, VarSource};
pub use file::{ConfigFile, Profile};
pub use key::{KeyLookup, KeySource};
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

#[derive(Clone, Debug)]
pub struct Settings {
    pub config_path: PathBuf,
    pub config_found: bool,
    pub profile: Option<Sourced<String>>,
    pub base_url: Sourced<String>,
    pub model: Option<Sourced<String>>,
    pub key: KeyLookup,
    /// The key `api_key_cmd` printed, once it has run.
    key_from_cmd: OnceLock<ApiKey>,
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
    /// Why a request must not be made: a `.env` chose the host (base URL
    /// or proxy) and not the key. `resolve` fails with it; `inspect`
    /// keeps it for `yap config` to show.
    pub dotenv_refusal: Option<String>,
    /// Where exchanges are recorded: `None` when the history is off
    /// (`--no-log`, `YAP_NO_LOG`, `history = false`), else the database
    /// file or why there is none (no data folder).
    pub history: Option<Result<PathBuf, String>>,
}

impl Settings {
    /// Resolve every setting. `model_flag` is `-m` of the command at hand.
    /// A `.env` that chose the host and not the key is exit 2 here, before
    /// anything is read or sent.
    pub fn resolve(
        conn: &ConnArgs,
        model_flag: Option<&str>,
        env: &Env,
    ) -> Result<Settings, Failure> {
        let settings = Settings::inspect(conn, model_flag, env)?;
        match &settings.dotenv_refusal {
            Some(message) => Err(Failure::usage(message.clone())),
            None => Ok(settings),
        }
    }

    /// Resolve every setting, keeping a `.env` refusal in
    /// `dotenv_refusal` instead of failing (for `yap config`).
    pub fn inspect(
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

        let key = key::lookup(
            conn.api_key_env.as_deref(),
            profile_name.as_ref().map(|p| (p.value.as_str(), &profile)),
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
        let dotenv_refusal = dotenv_refusal(
            env,
            &[&base_url, proxy.as_ref().unwrap_or(&base_url)],
            &trusted_hosts(conn, env, &profile),
            &key,
            &auth.value,
        );

        Ok(Settings {
            config_path,
            config_found,
            profile: profile_name,
            base_url,
            model,
            key,
            key_from_cmd: OnceLock::new(),
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
            dotenv_refusal,
            history: (!conn.no_log
                && !env.flag("YAP_NO_LOG")
                && profile.history.or(file.history).unwrap_or(true))
            .then(|| crate::history::db_path(env)),
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

    /// The key to send with a request that is about to be sent (None with
    /// `--auth none`), or the exit-2 error that says where yap looked. This
    /// runs the profile's `api_key_cmd` (once; later calls reuse its key):
    /// call it only when a request will really be sent, never for
    /// `--dry-run`, `--curl` or `yap config`.
    pub fn key_for_request(&self) -> Result<Option<&ApiKey>, Failure> {
        if self.auth.value == Auth::None {
            return Ok(None);
        }
        if let Some(key) = &self.key.value {
            return Ok(Some(key));
        }
        if let Some(KeySource::Command { command, profile }) = &self.key.source {
            if let Some(key) = self.key_from_cmd.get() {
                return Ok(Some(key));
            }
            let key = key::run_key_cmd(command, profile, &self.config_path.display().to_string())?;
            return Ok(Some(self.key_from_cmd.get_or_init(|| key)));
        }
        Err(Failure::usage(self.no_key_message()))
    }

    /// The variables a key could come from (the defaults and the one
    /// named by `--api-key-env` or the profile): kept out of the
    /// environment of the commands yap starts for tools.
    pub fn key_variables(&self) -> Vec<String> {
        let mut vars = vec!["YAP_API_KEY".to_string(), "OPENAI_API_KEY".to_string()];
        if let Some(KeySource::Var { name, .. }) = &self.key.source
            && !vars.contains(name)
        {
            vars.push(name.clone());
        }
        vars
    }

    /// With neither a key nor an `api_key_cmd` (and auth not `none`): what
    /// the real request would fail with, for `--dry-run` and `--curl` to
    /// warn about.
    pub fn missing_key(&self) -> Option<String> {
        (self.auth.value != Auth::None && !self.key.available()).then(|| self.no_key_message())
    }

    fn no_key_message(&self) -> String {
        let mut message = match &self.key.source {
            Some(KeySource::Var { name, named_by, .. }) => format!(
                "no API key: {name} is unset or empty (named by {named_by}); set it in the \
                 environment or .env"
            ),
            _ => format!(
                "no API key: yap looked in {}; set YAP_API_KEY or OPENAI_API_KEY \
                 (environment or .env), name another variable with --api-key-env, or set \
                 api_key_env or api_key_cmd in {}",
                self.key.places(),
                self.profile_hint()
            ),
        };
        if is_local_server(&self.base_url.value) {
            message.push_str(&format!(
                "; if the server at {} needs no key, pass --auth none",
                self.base_url.value
            ));
        }
        message
    }

    /// How `--curl` and messages refer to the key: the variable it is read
    /// from, or the profile's command.
    pub fn key_origin(&self) -> Option<&KeySource> {
        self.key.source.as_ref()
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

pub fn config_path(conn: &ConnArgs, env: &Env) -> Result<PathBuf, Failure> {
    if let Some(p) = &conn.config {
        return Ok(p.clone());
    }
    if let Some((p, _)) = env.non_empty("YAP_CONFIG") {
        return Ok(PathBuf::from(p));
    }
    // Never from `.env`: a cloned folder must not choose the config file,
    // which decides the commands yap runs.
    if let Some(dir) = env.process("XDG_CONFIG_HOME") {
        return Ok(PathBuf::from(dir).join("yap").join("config.toml"));
    }
    if let Some(home) = env.process("HOME") {
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
    if !trimmed.contains("://") {
        let (first, second, why) = if is_local_server(&format!("http://{trimmed}")) {
            ("http", "https", "if the server speaks TLS")
        } else {
            ("https", "http", "for a server without TLS")
        };
        return Err(Failure::usage(format!(
            "base URL '{url}' (from {source}) has no scheme: write '{first}://{trimmed}' \
             (or '{second}://{trimmed}' {why})"
        )));
    }
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

/// The host of a URL, lowercased; a proxy may be given as `host:port`.
fn host_of(text: &str) -> Option<String> {
    let parse = |t: &str| {
        reqwest::Url::parse(t)
            .ok()
            .and_then(|u| u.host_str().map(|h| h.to_ascii_lowercase()))
    };
    if text.contains("://") {
        parse(text)
    } else {
        parse(&format!("http://{text}"))
    }
}

/// Loopback: `localhost`, 127.0.0.0/8, ::1.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A server on this machine or the local network (loopback, 0.0.0.0, a
/// private IPv4 address, `*.local`, `*.localhost`): the kind that often
/// needs no key.
pub fn is_local_server(url: &str) -> bool {
    let Some(host) = host_of(url) else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    is_loopback_host(&host)
        || host.ends_with(".local")
        || host.ends_with(".localhost")
        || match bare.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(ip)) => ip.is_private() || ip.is_unspecified(),
            Ok(std::net::IpAddr::V6(ip)) => ip.is_unspecified(),
            Err(_) => false,
        }
}

/// Hosts the user named outside `.env`: flags, shell variables, the
/// profile. A `.env` may point at one of these.
fn trusted_hosts(conn: &ConnArgs, env: &Env, profile: &Profile) -> Vec<String> {
    let mut urls: Vec<&str> = Vec::new();
    urls.extend(conn.base_url.as_deref());
    urls.extend(conn.proxy.as_deref());
    urls.extend(profile.base_url.as_deref());
    for name in [
        "YAP_BASE_URL",
        "OPENAI_BASE_URL",
        "https_proxy",
        "HTTPS_PROXY",
        "http_proxy",
        "HTTP_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        urls.extend(env.process(name));
    }
    urls.into_iter().filter_map(host_of).collect()
}

/// SPEC: a `.env` cannot send a key it did not provide to a host it
/// chose. `chosen` are the base URL and the proxy; the message names the
/// file, the variable and the host.
fn dotenv_refusal(
    env: &Env,
    chosen: &[&Sourced<String>],
    trusted: &[String],
    key: &KeyLookup,
    auth: &Auth,
) -> Option<String> {
    if *auth == Auth::None {
        return None;
    }
    let key_from = match &key.source {
        Some(KeySource::Var {
            name,
            found_in: Some(VarSource::Environment),
            ..
        }) => format!("your environment's {name}"),
        Some(KeySource::Command { profile, .. }) => format!("the api_key_cmd of profile {profile}"),
        _ => return None,
    };
    let file = env
        .dotenv_path()
        .map_or(".env".to_string(), |p| p.display().to_string());
    for setting in chosen {
        let Source::Var(name, VarSource::DotEnv) = &setting.source else {
            continue;
        };
        let Some(host) = host_of(&setting.value) else {
            continue;
        };
        if is_loopback_host(&host) || trusted.contains(&host) {
            continue;
        }
        let flag = if name.to_ascii_lowercase().contains("proxy") {
            "-x URL"
        } else {
            "--base-url URL"
        };
        return Some(format!(
            "{file} sets {name} to host {host}, but the API key would come from {key_from}, \
             not from that file: yap does not send a key to a host a .env chose. If you \
             trust {host}, pass {flag} (or set {name} in your shell or the profile); \
             otherwise remove the line or pass --no-dotenv"
        ));
    }
    None
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
        assert!(
            matches!(&s.key.source, Some(KeySource::Var { name, .. }) if name == "YAP_API_KEY")
        );
        assert_eq!(s.key_for_request().unwrap().map(ApiKey::expose), Some("y"));
        let conn = ConnArgs {
            api_key_env: Some("APOLLO_API_KEY".into()),
            ..Default::default()
        };
        let s = resolve(&conn, &[("OPENAI_API_KEY", "o")]).unwrap();
        let err = s.key_for_request().unwrap_err();
        assert!(err.message.contains("APOLLO_API_KEY"), "{}", err.message);
        assert_eq!(err.kind.exit_code(), 2);
        assert!(s.missing_key().is_some());
        let conn = ConnArgs {
            auth: Some("none".into()),
            ..conn
        };
        let s = resolve(&conn, &[]).unwrap();
        assert!(s.key_for_request().unwrap().is_none() && s.missing_key().is_none());
    }

    #[test]
    fn missing_key_lists_the_places_and_suggests_auth_none_for_a_local_server() {
        let conn = ConnArgs {
            base_url: Some("http://localhost:8080/v1".into()),
            ..Default::default()
        };
        let err = resolve(&conn, &[]).unwrap().key_for_request().unwrap_err();
        let order = [
            "--api-key-env",
            "api_key_env",
            "api_key_cmd",
            "YAP_API_KEY",
            "OPENAI_API_KEY",
            "--auth none",
        ];
        let at: Vec<usize> = order
            .iter()
            .map(|w| err.message.find(w).unwrap_or(usize::MAX))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{}", err.message);
        let err = resolve(&ConnArgs::default(), &[])
            .unwrap()
            .key_for_request()
            .unwrap_err();
        assert!(!err.message.contains("--auth none"), "{}", err.message);
    }

    #[test]
    fn a_base_url_without_scheme_suggests_one() {
        for (url, first) in [
            ("localhost:8080/v1", "'http://localhost:8080/v1'"),
            ("api.example.com/v1", "'https://api.example.com/v1'"),
        ] {
            let conn = ConnArgs {
                base_url: Some(url.into()),
                ..Default::default()
            };
            let err = resolve(&conn, &[]).unwrap_err();
            assert_eq!(err.kind.exit_code(), 2);
            assert!(err.message.contains(first), "{}", err.message);
        }
    }

    fn with_dotenv(pairs: &[(&str, &str)], dotenv: &[(&str, &str)]) -> Env {
        let mut env = Env::from_pairs(pairs.iter().copied().chain([("HOME", "/nonexistent-home")]));
        env.add_dotenv_for_tests(dotenv);
        env
    }

    #[test]
    fn a_dotenv_host_without_the_dotenv_key_is_refused() {
        let conn = ConnArgs::default();
        let far = [("OPENAI_BASE_URL", "https://collector.example.net/v1")];
        let env = with_dotenv(&[("OPENAI_API_KEY", "k")], &far);
        let err = Settings::resolve(&conn, None, &env).unwrap_err();
        assert_eq!(err.kind.exit_code(), 2);
        for word in [".env", "OPENAI_BASE_URL", "collector.example.net"] {
            assert!(err.message.contains(word), "{word}: {}", err.message);
        }
        // yap config still shows the settings.
        let s = Settings::inspect(&conn, None, &env).unwrap();
        assert!(s.dotenv_refusal.is_some());
        // The key from the same file, loopback, --auth none, no key, or the
        // same host named by the shell: allowed.
        let ok = |pairs: &[(&str, &str)], dotenv: &[(&str, &str)], conn: &ConnArgs| {
            Settings::resolve(conn, None, &with_dotenv(pairs, dotenv)).is_ok()
        };
        assert!(ok(&[], &[far[0], ("OPENAI_API_KEY", "k")], &conn));
        assert!(ok(
            &[("OPENAI_API_KEY", "k")],
            &[("YAP_BASE_URL", "http://127.0.0.2:8080/v1")],
            &conn
        ));
        assert!(ok(
            &[("OPENAI_API_KEY", "k")],
            &[("YAP_BASE_URL", "http://[::1]/v1")],
            &conn
        ));
        assert!(ok(&[], &far, &conn));
        let none = ConnArgs {
            auth: Some("none".into()),
            ..Default::default()
        };
        assert!(ok(&[("OPENAI_API_KEY", "k")], &far, &none));
        assert!(ok(
            &[
                ("OPENAI_API_KEY", "k"),
                ("OPENAI_BASE_URL", "https://COLLECTOR.example.net/v1")
            ],
            &[("YAP_BASE_URL", "https://collector.example.net/v2")],
            &conn
        ));
        // A proxy from .env.
        let env = with_dotenv(
            &[("OPENAI_API_KEY", "k")],
            &[("HTTPS_PROXY", "http://proxy.example.net:3128")],
        );
        let err = Settings::resolve(&conn, None, &env).unwrap_err();
        assert!(
            err.message.contains("HTTPS_PROXY") && err.message.contains("-x"),
            "{}",
            err.message
        );
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
