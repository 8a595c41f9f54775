//! The provider's own words out of an error body, whatever its shape:
//! OpenAI-style `{"error": {...}}`, `{"error": "..."}`, FastAPI's
//! `{"detail": ...}`, top-level `message`, plain text, or an HTML page
//! (shortened to its `<title>`). Always one line.

use serde_json::{Map, Value};

use crate::error::fold_whitespace;

const MAX_CHARS: usize = 200;

/// The message to show and the machine fields worth keeping; the status
/// line when the body says nothing readable.
pub fn provider_message(
    status_line: &str,
    content_type: &str,
    body: &[u8],
) -> (String, Option<Value>) {
    let (message, extra) = read_message(status_line, content_type, body);
    if message.trim().is_empty() {
        (status_line.to_string(), extra)
    } else {
        (message, extra)
    }
}

fn read_message(status_line: &str, content_type: &str, body: &[u8]) -> (String, Option<Value>) {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return (status_line.to_string(), None);
    }
    if let Ok(value) = serde_json::from_str::<Value>(trimmed) {
        let obj = match &value {
            Value::Array(items) => items.first().and_then(Value::as_object),
            Value::Object(o) => Some(o),
            _ => None,
        };
        if let Some(obj) = obj {
            return (json_message(obj, trimmed), machine_fields(obj));
        }
    }
    let lower_start: String = trimmed
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    if content_type.contains("html")
        || lower_start.starts_with("<!doctype")
        || lower_start.starts_with("<html")
    {
        return (html_message(trimmed), None);
    }
    let first = trimmed.lines().next().unwrap_or_default();
    (shorten(&fold_whitespace(first)), None)
}

fn json_message(obj: &Map<String, Value>, raw: &str) -> String {
    let found = match obj.get("error") {
        Some(Value::Object(e)) => e.get("message").and_then(Value::as_str).map(str::to_string),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
    .or_else(|| match obj.get("detail") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(items)) => {
            let parts: Vec<String> = items
                .iter()
                .filter_map(|d| {
                    let msg = d.get("msg")?.as_str()?;
                    let loc = d
                        .get("loc")
                        .and_then(Value::as_array)
                        .map(|l| {
                            l.iter()
                                .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                                .collect::<Vec<_>>()
                                .join(".")
                        })
                        .unwrap_or_default();
                    Some(if loc.is_empty() {
                        msg.to_string()
                    } else {
                        format!("{loc}: {msg}")
                    })
                })
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    })
    .or_else(|| {
        obj.get("message")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    match found {
        Some(m) => fold_whitespace(&m),
        None => shorten(&fold_whitespace(raw)),
    }
}

fn machine_fields(obj: &Map<String, Value>) -> Option<Value> {
    let source = match obj.get("error") {
        Some(Value::Object(e)) => e,
        _ => obj,
    };
    let mut out = Map::new();
    for key in ["type", "code", "param"] {
        if let Some(v) = source
            .get(key)
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
        {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(v) = obj.get("request_id").filter(|v| v.is_string()) {
        out.insert("request_id".into(), v.clone());
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

fn html_message(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if let Some(start) = lower.find("<title")
        && let Some(gt) = lower[start..].find('>')
    {
        let from = start + gt + 1;
        let end = lower[from..]
            .find("</title")
            .map_or(html.len(), |e| from + e);
        let title = fold_whitespace(&decode_entities(&html[from..end]));
        if !title.is_empty() {
            return shorten(&title);
        }
    }
    // No title: the text without tags, first words.
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    shorten(&fold_whitespace(&decode_entities(&text)))
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_CHARS {
        return text.to_string();
    }
    let mut out: String = text.chars().take(MAX_CHARS - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(ct: &str, body: &str) -> String {
        provider_message("502 Bad Gateway", ct, body.as_bytes()).0
    }

    #[test]
    fn shapes() {
        assert_eq!(
            msg(
                "application/json",
                r#"{"error":{"message":"bad  key\n x","type":"t"}}"#
            ),
            "bad key x"
        );
        assert_eq!(
            msg("application/json", r#"{"error":"model not found"}"#),
            "model not found"
        );
        assert_eq!(
            msg("application/json", r#"{"detail":"Invalid API key"}"#),
            "Invalid API key"
        );
        assert_eq!(
            msg(
                "application/json",
                r#"{"detail":[{"loc":["body","n"],"msg":"too big"}]}"#
            ),
            "body.n: too big"
        );
        assert_eq!(
            msg(
                "application/json",
                r#"{"message":"list index","object":"error"}"#
            ),
            "list index"
        );
        assert_eq!(
            msg("text/plain", "RBAC: access denied"),
            "RBAC: access denied"
        );
        assert_eq!(msg("text/plain", ""), "502 Bad Gateway");
        assert_eq!(
            msg(
                "text/html",
                "<html>\r\n<head><title>504 Gateway Time-out</title></head><body>x</body></html>"
            ),
            "504 Gateway Time-out"
        );
        assert_eq!(
            msg("", "<!DOCTYPE html><p>Oops &amp; more</p>"),
            "Oops & more"
        );
        // Found by the property test: a page with no text at all.
        assert_eq!(msg("text/html", "<"), "502 Bad Gateway");
        assert_eq!(
            msg("application/json", r#"{"error":{"message":" "}}"#),
            "502 Bad Gateway"
        );
    }

    #[test]
    fn machine_fields_are_kept() {
        let (_, extra) = provider_message(
            "400",
            "application/json",
            br#"{"error":{"message":"m","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#,
        );
        let extra = extra.unwrap();
        assert_eq!(extra["code"], "context_length_exceeded");
        assert_eq!(extra["param"], "messages");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_stays_on_one_line(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            json_like in "[{}\\[\\]\":,a-z0-9 <>/\n\r\t]{0,200}",
            ct in proptest::prop_oneof![
                proptest::prelude::Just("application/json"),
                proptest::prelude::Just("text/html"),
                proptest::prelude::Just(""),
            ],
        ) {
            for input in [&body[..], json_like.as_bytes()] {
                let (message, _) = provider_message("500 Internal Server Error", ct, input);
                proptest::prop_assert!(!message.contains('\n') && !message.contains('\r'), "{:?}", message);
                proptest::prop_assert!(!message.is_empty());
            }
        }
    }

    #[test]
    fn long_text_is_shortened() {
        let long = "x".repeat(500);
        assert_eq!(msg("text/plain", &long).chars().count(), MAX_CHARS);
    }
}
