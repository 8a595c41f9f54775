//! The last turns of a resumed conversation, shown before its prompt.

use serde_json::Value;

/// How many user and assistant messages are shown (three turns).
pub const SHOWN: usize = 6;
/// Longer texts are cut to this many characters.
const LONGEST: usize = 400;

/// The last [`SHOWN`] user and assistant messages of `messages`, as lines
/// `you: …` and `model: …`, and how many earlier ones were left out.
pub fn recap(messages: &[Value]) -> (Vec<String>, usize) {
    let turns: Vec<&Value> = messages
        .iter()
        .filter(|m| matches!(role(m), Some("user" | "assistant")))
        .collect();
    let skipped = turns.len().saturating_sub(SHOWN);
    let lines = turns[skipped..]
        .iter()
        .map(|m| {
            let who = if role(m) == Some("user") {
                "you"
            } else {
                "model"
            };
            format!("{who}: {}", cut(&text_of(m)))
        })
        .collect();
    (lines, skipped)
}

fn role(m: &Value) -> Option<&str> {
    m.get("role").and_then(Value::as_str)
}

/// A message's text: its string content, the text parts of an array, or
/// what stands in for the rest.
fn text_of(m: &Value) -> String {
    match m.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .map(|p| match p.get("text").and_then(Value::as_str) {
                Some(t) => t.to_string(),
                None => "[attachment]".to_string(),
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ if m.get("tool_calls").is_some() => "[tool calls]".to_string(),
        _ => String::new(),
    }
}

fn cut(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(LONGEST) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_last_three_turns_without_the_system_prompt() {
        let mut messages = vec![json!({"role": "system", "content": "S"})];
        for i in 0..4 {
            messages.push(json!({"role": "user", "content": format!("q{i}")}));
            messages.push(json!({"role": "assistant", "content": format!("a{i}")}));
        }
        let (lines, skipped) = recap(&messages);
        assert_eq!(skipped, 2);
        assert_eq!(
            lines,
            [
                "you: q1",
                "model: a1",
                "you: q2",
                "model: a2",
                "you: q3",
                "model: a3"
            ]
        );
    }

    #[test]
    fn parts_calls_and_long_texts() {
        let long = "x".repeat(500);
        let messages = [
            json!({"role": "user", "content": [{"type": "text", "text": "see"}, {"type": "image_url"}]}),
            json!({"role": "assistant", "content": null, "tool_calls": []}),
            json!({"role": "assistant", "content": long}),
        ];
        let (lines, skipped) = recap(&messages);
        assert_eq!(skipped, 0);
        assert_eq!(lines[0], "you: see [attachment]");
        assert_eq!(lines[1], "model: [tool calls]");
        assert_eq!(lines[2].chars().count(), "model: ".len() + LONGEST + 1);
    }
}
