//! The error kinds of SPEC's exit-code table, and how an error is shown.
//!
//! Every layer propagates `anyhow::Error`; the layers that know *what kind*
//! of failure happened wrap it in a [`Failure`]. `main` walks the chain once
//! ([`exit_code`]) to pick the code, so the table lives in one place.

use std::fmt;

use serde_json::{Value, json};

/// One row of SPEC's exit-code table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Usage,
    Auth,
    Rejected,
    RateLimited,
    Server,
    Network,
    Incomplete,
    /// The answer fails `--json-object` or `--schema` (exit 8, like an
    /// incomplete answer, with its own word).
    InvalidOutput,
    ContentFilter,
    Interrupted,
    Other,
}

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Other => 1,
            Kind::Usage => 2,
            Kind::Auth => 3,
            Kind::Rejected => 4,
            Kind::RateLimited => 5,
            Kind::Server => 6,
            Kind::Network => 7,
            Kind::Incomplete | Kind::InvalidOutput => 8,
            Kind::ContentFilter => 9,
            Kind::Interrupted => 130,
        }
    }

    /// The `kind` word of the JSON error object.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Usage => "usage",
            Kind::Auth => "auth",
            Kind::Rejected => "rejected",
            Kind::RateLimited => "rate_limited",
            Kind::Server => "server",
            Kind::Network => "network",
            Kind::Incomplete => "incomplete",
            Kind::InvalidOutput => "invalid_output",
            Kind::ContentFilter => "content_filter",
            Kind::Interrupted => "interrupted",
            Kind::Other => "other",
        }
    }

    /// The kind an HTTP error status maps to (after retries).
    pub fn from_status(status: u16) -> Kind {
        match status {
            401 | 403 => Kind::Auth,
            429 => Kind::RateLimited,
            500..=599 => Kind::Server,
            _ => Kind::Rejected,
        }
    }
}

/// A failure with its SPEC category. `message` is one line; it may quote
/// what a server sent, so `app.rs` scrubs every secret-named variable's
/// value from it when it is printed.
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: Kind,
    pub status: Option<u16>,
    pub message: String,
    /// Machine fields from the provider's error body (`type`, `code`,
    /// `param`, `request_id`), kept for the JSON error object.
    pub extra: Option<Value>,
}

impl Failure {
    pub fn new(kind: Kind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            status: None,
            message: message.into(),
            extra: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(Kind::Usage, message)
    }

    pub fn with_status(mut self, status: u16) -> Failure {
        self.status = Some(status);
        self
    }

    /// The JSON error object written to stderr in `--json`/`--raw` mode.
    pub fn to_json(&self) -> Value {
        let mut error = json!({
            "kind": self.kind.word(),
            "status": self.status,
            "message": self.message,
        });
        if let (Some(Value::Object(extra)), Value::Object(obj)) = (&self.extra, &mut error) {
            for (k, v) in extra {
                obj.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        json!({ "error": error })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// An error already shown on stderr (`yap replay` prints each recorded
/// error itself): only its exit code is left to give.
#[derive(Debug, Clone, Copy)]
pub struct Reported(pub u8);

impl fmt::Display for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit {}", self.0)
    }
}

impl std::error::Error for Reported {}

/// The exit code of an error that was already shown, if it was.
pub fn reported(err: &anyhow::Error) -> Option<u8> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Reported>())
        .map(|r| r.0)
}

/// Is this error, anywhere in its chain, a closed pipe on our output?
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The failure this error carries, if any layer classified it.
pub fn failure_of(err: &anyhow::Error) -> Option<&Failure> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Failure>())
}

/// The exit code for an error: BrokenPipe is success (Unix convention),
/// a classified failure has its row's code, anything else is 1.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if is_broken_pipe(err) {
        return 0;
    }
    if let Some(code) = reported(err) {
        return code;
    }
    failure_of(err).map_or(1, |f| f.kind.exit_code())
}

/// The one-line message: the context chain joined with ": ", newlines folded.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = fold_whitespace(&cause.to_string());
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// Collapse runs of whitespace (newlines included) to one space.
pub fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_spec_table() {
        let table = [
            (Kind::Other, 1),
            (Kind::Usage, 2),
            (Kind::Auth, 3),
            (Kind::Rejected, 4),
            (Kind::RateLimited, 5),
            (Kind::Server, 6),
            (Kind::Network, 7),
            (Kind::Incomplete, 8),
            (Kind::ContentFilter, 9),
            (Kind::Interrupted, 130),
        ];
        for (kind, code) in table {
            assert_eq!(kind.exit_code(), code, "{kind:?}");
        }
    }

    #[test]
    fn statuses_map_to_kinds() {
        assert_eq!(Kind::from_status(401), Kind::Auth);
        assert_eq!(Kind::from_status(403), Kind::Auth);
        assert_eq!(Kind::from_status(402), Kind::Rejected);
        assert_eq!(Kind::from_status(408), Kind::Rejected);
        assert_eq!(Kind::from_status(429), Kind::RateLimited);
        assert_eq!(Kind::from_status(529), Kind::Server);
    }

    #[test]
    fn chain_is_searched_for_failure_and_broken_pipe() {
        let err = anyhow::Error::new(Failure::new(Kind::Network, "refused")).context("sending");
        assert_eq!(exit_code(&err), 7);
        let pipe = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            .context("writing");
        assert_eq!(exit_code(&pipe), 0);
        assert_eq!(exit_code(&anyhow::anyhow!("plain")), 1);
    }

    #[test]
    fn one_line_folds_newlines() {
        let err = anyhow::anyhow!("a\n  b").context("ctx");
        assert_eq!(one_line(&err), "ctx: a b");
    }
}
