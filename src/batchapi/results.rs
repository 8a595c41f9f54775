//! A finished batch's files turned into `replay --live`'s result lines, in
//! input order: the order of the batch's own input file, so `custom_id`s
//! that are not numbers come back in the order they were sent.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::error::{Kind, fold_whitespace};

/// One batch's files, downloaded.
pub struct Files {
    pub id: String,
    /// The batch object.
    pub batch: Value,
    pub input: Vec<u8>,
    pub output: Vec<u8>,
    pub errors: Vec<u8>,
}

/// The result lines of several batches read as one input; the exit code of
/// the first failed line (0 when none failed).
pub fn lines(batches: &[Files]) -> (Vec<String>, u8) {
    let mut out = Vec::new();
    let mut code = 0u8;
    let mut index = 0usize;
    for files in batches {
        let mut found: HashMap<String, Value> = HashMap::new();
        for text in [&files.output, &files.errors] {
            for v in jsonl(text) {
                if let Some(id) = v.get("custom_id").and_then(Value::as_str) {
                    found.entry(id.to_string()).or_insert(v);
                }
            }
        }
        let status = files
            .batch
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        for line in jsonl(&files.input) {
            let custom_id = match line.get("custom_id") {
                Some(Value::String(s)) => s.clone(),
                _ => continue,
            };
            let (value, failed) = match found.remove(&custom_id) {
                Some(result) => one(index, &custom_id, &result),
                None => never_ran(index, &custom_id, &files.id, status, &files.batch),
            };
            if let Some(kind) = failed
                && code == 0
            {
                code = kind.exit_code();
            }
            out.push(value.to_string());
            index += 1;
        }
    }
    (out, code)
}

fn jsonl(text: &[u8]) -> impl Iterator<Item = Value> + '_ {
    text.split(|b| *b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .filter_map(|l| serde_json::from_slice::<Value>(l).ok())
}

/// A line of the output or error file.
fn one(index: usize, custom_id: &str, result: &Value) -> (Value, Option<Kind>) {
    let response = result.get("response").filter(|r| !r.is_null());
    let code = response
        .and_then(|r| r.get("status_code"))
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok());
    let body = response.and_then(|r| r.get("body")).cloned();
    if let (Some(code), Some(body)) = (code, &body)
        && (200..300).contains(&code)
        && result.get("error").is_none_or(Value::is_null)
    {
        return (
            json!({"index": index, "custom_id": custom_id, "status": code, "response": body}),
            None,
        );
    }
    if let Some(code) = code {
        let kind = Kind::from_status(code);
        let message = body
            .as_ref()
            .map(provider_message)
            .unwrap_or_else(|| format!("HTTP {code}"));
        return (
            error_line(index, custom_id, kind, Some(code), &message),
            Some(kind),
        );
    }
    // No response: the error object says why.
    let error = result.get("error").cloned().unwrap_or(Value::Null);
    let code_word = error.get("code").and_then(Value::as_str).unwrap_or("");
    let kind = if code_word.contains("expired") || code_word.contains("cancel") {
        Kind::Incomplete
    } else {
        Kind::Rejected
    };
    let message = provider_message(&json!({ "error": error }));
    (
        error_line(index, custom_id, kind, None, &message),
        Some(kind),
    )
}

/// A request found in neither file.
fn never_ran(
    index: usize,
    custom_id: &str,
    id: &str,
    status: &str,
    batch: &Value,
) -> (Value, Option<Kind>) {
    let (kind, message) = if status == "failed" {
        let why = batch_errors(batch).unwrap_or_else(|| "the provider gave no reason".to_string());
        (Kind::Rejected, format!("batch {id} failed: {why}"))
    } else {
        (
            Kind::Incomplete,
            format!("batch {id} is {status}: the provider never ran this request"),
        )
    };
    (
        error_line(index, custom_id, kind, None, &message),
        Some(kind),
    )
}

fn error_line(
    index: usize,
    custom_id: &str,
    kind: Kind,
    status: Option<u16>,
    message: &str,
) -> Value {
    json!({
        "index": index,
        "custom_id": custom_id,
        "status": status,
        "error": {"kind": kind.word(), "status": status, "message": message},
    })
}

/// The provider's message in an error body (`{"error": {"message"}}`), else
/// the body folded to one line.
pub fn provider_message(body: &Value) -> String {
    let error = body.get("error").unwrap_or(body);
    if let Some(m) = error.get("message").and_then(Value::as_str) {
        return fold_whitespace(m);
    }
    if let Some(m) = error.as_str() {
        return fold_whitespace(m);
    }
    let text = body.to_string();
    text.chars().take(300).collect()
}

/// A failed batch's reasons (`errors.data[].message`, with line numbers).
pub fn batch_errors(batch: &Value) -> Option<String> {
    let data = batch.get("errors")?.get("data")?.as_array()?;
    let parts: Vec<String> = data
        .iter()
        .filter_map(|e| {
            let m = e.get("message").and_then(Value::as_str)?;
            Some(match e.get("line").and_then(Value::as_u64) {
                Some(line) => format!("line {line}: {}", fold_whitespace(m)),
                None => fold_whitespace(m),
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_order_and_every_kind_of_line() {
        let input = b"{\"custom_id\":\"b\"}\n{\"custom_id\":\"a\"}\n{\"custom_id\":\"c\"}\n{\"custom_id\":\"d\"}\n";
        let output = br#"{"id":"r2","custom_id":"a","response":{"status_code":200,"body":{"ok":"a"}},"error":null}
{"id":"r1","custom_id":"b","response":{"status_code":400,"body":{"error":{"message":"bad  model"}}},"error":null}
"#;
        let errors = br#"{"id":"r3","custom_id":"c","response":null,"error":{"code":"batch_expired","message":"not run in time"}}"#;
        let files = Files {
            id: "batch_1".into(),
            batch: json!({"status": "expired"}),
            input: input.to_vec(),
            output: output.to_vec(),
            errors: errors.to_vec(),
        };
        let (lines, code) = lines(&[files]);
        let v: Vec<Value> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(v[0]["custom_id"], "b");
        assert_eq!(v[0]["error"]["kind"], "rejected");
        assert_eq!(v[0]["error"]["message"], "bad model");
        assert_eq!(v[1]["response"]["ok"], "a");
        assert_eq!(v[1]["index"], 1);
        assert_eq!(v[2]["error"]["kind"], "incomplete");
        assert_eq!(v[3]["error"]["kind"], "incomplete");
        assert!(
            v[3]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("expired")
        );
        assert_eq!(code, 4);
    }

    #[test]
    fn a_failed_batch_rejects_every_line_with_its_reason() {
        let files = Files {
            id: "batch_2".into(),
            batch: json!({"status": "failed", "errors": {"data": [{"line": 1, "message": "no model"}]}}),
            input: b"{\"custom_id\":\"0\"}\n".to_vec(),
            output: Vec::new(),
            errors: Vec::new(),
        };
        let (lines, code) = lines(&[files]);
        assert!(lines[0].contains("\"kind\":\"rejected\""), "{}", lines[0]);
        assert!(lines[0].contains("line 1: no model"), "{}", lines[0]);
        assert_eq!(code, 4);
    }
}
