//! The request a record stands for: a recorded exchange's (its URL, the
//! endpoint, its body) or a bare request body's (the endpoint chosen by
//! `messages` or `prompt`). Shared by `replay --live`, batches and
//! `yap batch`.

use serde_json::Value;

use super::read::Record;

/// A record's request.
pub struct RecordRequest {
    /// The URL a recorded exchange was sent to.
    pub recorded_url: Option<String>,
    /// `chat/completions` or `completions`.
    pub endpoint: &'static str,
    pub body: Value,
}

/// The request of `record`, or why it has none (for a message naming the
/// file and line).
pub fn of(record: &Record) -> Result<RecordRequest, String> {
    match record {
        Record::Exchange(s) => {
            let endpoint = super::endpoint_of(&s.request.url).ok_or_else(|| {
                format!(
                    "the recorded URL {} is neither …/chat/completions nor …/completions",
                    s.request.url
                )
            })?;
            let body = s
                .request
                .body
                .clone()
                .filter(Value::is_object)
                .ok_or_else(|| "the recorded request has no JSON object body".to_string())?;
            Ok(RecordRequest {
                recorded_url: Some(s.request.url.clone()),
                endpoint,
                body,
            })
        }
        Record::Body(body) => {
            let endpoint = if body.get("messages").is_some() {
                "chat/completions"
            } else if body.get("prompt").is_some() {
                "completions"
            } else {
                return Err(
                    "a request body needs messages (sent to /chat/completions) or \
                            prompt (sent to /completions)"
                        .to_string(),
                );
            };
            Ok(RecordRequest {
                recorded_url: None,
                endpoint,
                body: body.clone(),
            })
        }
        Record::Newer(v) => Err(format!(
            "cassette format version {v} is newer than this yap reads ({}); update yap",
            super::VERSION
        )),
    }
}
