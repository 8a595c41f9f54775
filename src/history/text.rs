//! What the listing shows of a row: the prompt and response texts, the
//! time in RFC 3339, and new conversation ids.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// The text of the last user message of a chat body, or a completion's
/// `prompt`; `None` when there is none.
pub fn prompt(request: &Value) -> Option<String> {
    if let Some(messages) = request.get("messages").and_then(Value::as_array) {
        let user = messages
            .iter()
            .rev()
            .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))?;
        return content_text(user.get("content")?);
    }
    match request.get("prompt")? {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        _ => None,
    }
}

/// The text of choice 0 of a response document.
pub fn response(document: &Value) -> Option<String> {
    let choice = document.get("choices")?.as_array()?.first()?;
    if let Some(message) = choice.get("message") {
        return message.get("content").and_then(content_text);
    }
    choice
        .get("text")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// A message's content: a string, or the text parts of an array.
fn content_text(content: &Value) -> Option<String> {
    match content {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let texts: Vec<&str> = parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect();
            (!texts.is_empty()).then(|| texts.join("\n"))
        }
        _ => None,
    }
}

/// `2026-12-06T11:16:39.123Z`.
pub fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (y, m, d) = civil(i64::try_from(secs / 86_400).unwrap_or(0));
    let rem = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// A new conversation id: the time and the process, e.g. `m5x2k1-3f9a0c`.
pub fn new_cid() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let mix = u64::from(now.subsec_nanos())
        ^ (u64::from(std::process::id()).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 16);
    format!("{}-{}", base36(now.as_secs()), base36(mix & 0xff_ffff_ffff))
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_709_251_199_250);
        assert_eq!(rfc3339(t), "2024-02-29T23:59:59.250Z");
    }

    #[test]
    fn prompt_and_response_texts() {
        let req = json!({"messages": [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "a"},
            {"role": "user", "content": [{"type": "text", "text": "look"}, {"type": "image_url"}]}
        ]});
        assert_eq!(prompt(&req).as_deref(), Some("look"));
        assert_eq!(
            prompt(&json!({"prompt": "def f("})).as_deref(),
            Some("def f(")
        );
        let doc = json!({"choices": [{"message": {"content": "hi"}}]});
        assert_eq!(response(&doc).as_deref(), Some("hi"));
        assert_eq!(
            response(&json!({"choices": [{"text": "x"}]})).as_deref(),
            Some("x")
        );
        assert_eq!(response(&json!({"choices": []})), None);
    }

    #[test]
    fn cids_differ() {
        let a = new_cid();
        assert!(a.len() > 6 && a.contains('-'), "{a}");
    }
}
