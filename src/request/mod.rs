//! The request as pure data: method, URL, headers and JSON body. It holds no
//! secret: the auth header's *name* and prefix are here, the key is added by
//! the transport. `--dry-run`, `--curl` and the transport all read this one
//! value, so what is previewed is what is sent.

pub mod chat;
pub mod complete;
pub mod params;
pub mod preview;

use serde_json::Value;

use crate::config::{Auth, Settings};

#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    pub method: &'static str,
    pub url: String,
    /// Headers other than auth, in order.
    pub headers: Vec<(String, String)>,
    pub auth: Auth,
    /// The variable the key comes from (for `--curl`).
    pub key_var: String,
    pub body: Option<Value>,
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
            key_var: settings.key.var.clone(),
            body: Some(body),
        }
    }

    /// A GET of `{base}/{endpoint}` with the settings' headers.
    pub fn get(settings: &Settings, endpoint: &str) -> Prepared {
        Prepared {
            method: "GET",
            url: settings.endpoint(endpoint),
            headers: settings.headers.clone(),
            auth: settings.auth.value.clone(),
            key_var: settings.key.var.clone(),
            body: None,
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
