//! The request as pure data: method, URL, headers and JSON body. It holds no
//! secret: the auth header's *name* and prefix are here, the key is added by
//! the transport. `--dry-run`, `--curl` and the transport all read this one
//! value, so what is previewed is what is sent.

pub mod chat;
pub mod complete;
pub mod params;
pub mod preview;

use std::fmt;

use serde_json::Value;

use crate::config::{Auth, KeySource, Settings};

/// Where the key of a request comes from, for `--curl` and messages: a
/// variable, or the profile's `api_key_cmd`. Never the key itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRef {
    Var(String),
    Command(String),
}

impl KeyRef {
    fn of(settings: &Settings) -> KeyRef {
        match settings.key_origin() {
            Some(KeySource::Var { name, .. }) => KeyRef::Var(name.clone()),
            Some(KeySource::Command { command, .. }) => KeyRef::Command(command.clone()),
            None => KeyRef::Var("OPENAI_API_KEY".to_string()),
        }
    }
}

impl fmt::Display for KeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyRef::Var(name) => f.write_str(name),
            KeyRef::Command(_) => f.write_str("the output of the profile's api_key_cmd"),
        }
    }
}

/// A header named like a secret (`authorization`, `cookie`, or a name
/// containing `key`, `token` or `secret`, any case): its value is shown as
/// `[redacted]` by `--dry-run`, `--curl` and `-v`.
pub fn is_secret_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["authorization", "cookie", "key", "token", "secret"]
        .iter()
        .any(|word| lower.contains(word))
}

#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    pub method: &'static str,
    pub url: String,
    /// Headers other than auth, in order.
    pub headers: Vec<(String, String)>,
    pub auth: Auth,
    /// Where the key comes from (for `--curl` and messages).
    pub key_var: KeyRef,
    pub body: Option<Value>,
    /// A multipart form sent instead of `body` (`POST {base}/files`).
    pub upload: Option<Upload>,
    /// When a failed attempt may be sent again.
    pub retry: Retry,
}

/// When the transport may send a request again after a failed attempt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Retry {
    /// SPEC's rules: failures before a response, 408, 409, 429, 5xx; a
    /// server's wait over a minute is not made.
    #[default]
    Usual,
    /// The usual rules with no ceiling on the server's wait (a batch's
    /// polls: a batch is meant to be waited for).
    Patient,
    /// Only when no byte of the request was sent (a connection that could
    /// not be made): a create sent twice could create twice.
    Unsent,
}

/// A `multipart/form-data` body: text fields, then one file part. The
/// transport builds the form from it for each attempt (reqwest's form is
/// consumed by a send).
#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    pub fields: Vec<(String, String)>,
    /// The file part's field name (`file`).
    pub file_field: String,
    pub file_name: String,
    pub mime: String,
    pub content: bytes::Bytes,
}

impl Prepared {
    /// A POST of `body` to `{base}/{endpoint}` with the settings' headers.
    pub fn post(settings: &Settings, endpoint: &str, body: Value) -> Prepared {
        let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        headers.extend(settings.headers.iter().cloned());
        Prepared {
            method: "POST",
            url: settings.endpoint(endpoint),
            headers,
            auth: settings.auth.value.clone(),
            key_var: KeyRef::of(settings),
            body: Some(body),
            upload: None,
            retry: Retry::Usual,
        }
    }

    /// A multipart POST of `upload` to `{base}/{endpoint}` with the
    /// settings' headers (the transport sets the Content-Type and its
    /// boundary).
    pub fn upload(settings: &Settings, endpoint: &str, upload: Upload) -> Prepared {
        Prepared {
            method: "POST",
            url: settings.endpoint(endpoint),
            headers: settings.headers.clone(),
            auth: settings.auth.value.clone(),
            key_var: KeyRef::of(settings),
            body: None,
            upload: Some(upload),
            retry: Retry::Usual,
        }
    }

    /// A GET of `{base}/{endpoint}` with the settings' headers.
    pub fn get(settings: &Settings, endpoint: &str) -> Prepared {
        Prepared {
            method: "GET",
            url: settings.endpoint(endpoint),
            headers: settings.headers.clone(),
            auth: settings.auth.value.clone(),
            key_var: KeyRef::of(settings),
            body: None,
            upload: None,
            retry: Retry::Usual,
        }
    }

    /// Does the body ask for a stream?
    pub fn wants_stream(&self) -> bool {
        self.body
            .as_ref()
            .and_then(|b| b.get("stream"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_header_names() {
        for name in [
            "Authorization",
            "proxy-authorization",
            "Cookie",
            "X-Api-Key",
            "api-key",
            "X-Auth-Token",
            "X-Client-SECRET",
        ] {
            assert!(is_secret_header(name), "{name}");
        }
        for name in ["Content-Type", "X-Team", "Accept", "User-Agent"] {
            assert!(!is_secret_header(name), "{name}");
        }
    }
}
