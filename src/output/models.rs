//! `yap models`: the model list out of whatever shape a server answers in
//! (`{"data": […]}`, `{"models": […]}`, a bare array; entries with or
//! without `owned_by` and `created`), filtered and printed. Pure.

use serde_json::Value;

use crate::error::{Failure, Kind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub id: String,
    pub owner: Option<String>,
    /// Unix seconds.
    pub created: Option<i64>,
}

/// Read a `GET /models` body.
pub fn parse(body: &[u8]) -> Result<Vec<Model>, Failure> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Failure::new(
            Kind::Incomplete,
            format!("the model list is not valid JSON ({e})"),
        )
    })?;
    let list = match &value {
        Value::Array(items) => items,
        Value::Object(o) => match (o.get("data"), o.get("models")) {
            (Some(Value::Array(items)), _) | (_, Some(Value::Array(items))) => items,
            _ => return Err(unknown_shape()),
        },
        _ => return Err(unknown_shape()),
    };
    Ok(list.iter().filter_map(entry).collect())
}

fn unknown_shape() -> Failure {
    Failure::new(
        Kind::Incomplete,
        "the model list has no known shape: expected {\"data\": [...]}, {\"models\": [...]} \
         or a JSON array (see what the server sent with --json)",
    )
}

fn entry(v: &Value) -> Option<Model> {
    if let Value::String(id) = v {
        return Some(Model {
            id: id.clone(),
            owner: None,
            created: None,
        });
    }
    let o = v.as_object()?;
    let text = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
    let id = text("id")
        .or_else(|| text("name"))
        .or_else(|| text("model"))?;
    let owner = text("owned_by").or_else(|| text("owner"));
    let created = o.get("created").and_then(Value::as_i64).map(|c| {
        // Some servers count milliseconds.
        if c > 100_000_000_000 { c / 1000 } else { c }
    });
    Some(Model { id, owner, created })
}

/// Does `id` match PATTERN: a case-insensitive substring, or a glob
/// (`*` any run, `?` any one character) over the whole id when it has `*`.
pub fn matches(pattern: &str, id: &str) -> bool {
    let (pattern, id) = (pattern.to_lowercase(), id.to_lowercase());
    if !pattern.contains('*') {
        return id.contains(&pattern);
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = id.chars().collect();
    // Iterative glob with backtracking to the last star.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The listing: ids one per line, or with `long` a table (aligned with a
/// header on a terminal, tab-separated without one when piped).
pub fn render(models: &[Model], long: bool, terminal: bool) -> String {
    let mut out = String::new();
    if !long {
        for m in models {
            out.push_str(&m.id);
            out.push('\n');
        }
        return out;
    }
    let rows: Vec<[String; 3]> = models
        .iter()
        .map(|m| {
            [
                m.id.clone(),
                m.owner.clone().unwrap_or_else(|| "-".into()),
                m.created.map_or_else(|| "-".into(), date),
            ]
        })
        .collect();
    if !terminal {
        for r in rows {
            out.push_str(&r.join("\t"));
            out.push('\n');
        }
        return out;
    }
    let header = ["ID".to_string(), "OWNER".to_string(), "CREATED".to_string()];
    let w0 = rows
        .iter()
        .chain([&header])
        .map(|r| r[0].chars().count())
        .max()
        .unwrap_or(0);
    let w1 = rows
        .iter()
        .chain([&header])
        .map(|r| r[1].chars().count())
        .max()
        .unwrap_or(0);
    for r in std::iter::once(&header).chain(rows.iter()) {
        out.push_str(&format!("{:<w0$}  {:<w1$}  {}\n", r[0], r[1], r[2]));
    }
    out
}

/// `YYYY-MM-DD` (UTC) of Unix seconds.
pub fn date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Percent-encode a model id for a URL path segment (`/` and `:` too).
pub fn encode_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape() {
        let ids = |body: &str| -> Vec<String> {
            parse(body.as_bytes())
                .unwrap()
                .into_iter()
                .map(|m| m.id)
                .collect()
        };
        assert_eq!(
            ids(r#"{"object":"list","data":[{"id":"a","owned_by":"o","created":1}]}"#),
            ["a"]
        );
        assert_eq!(ids(r#"[{"id":"b"},"c"]"#), ["b", "c"]);
        assert_eq!(
            ids(r#"{"models":[{"name":"llama3:8b","model":"llama3:8b"}]}"#),
            ["llama3:8b"]
        );
        assert_eq!(
            parse(br#"{"nothing":1}"#).unwrap_err().kind,
            Kind::Incomplete
        );
        assert_eq!(parse(b"<html>").unwrap_err().kind, Kind::Incomplete);
    }

    #[test]
    fn substring_and_glob() {
        assert!(matches("LLAMA", "meta-llama/Llama-3-8b"));
        assert!(!matches("gpt", "llama"));
        assert!(matches("gpt-4*", "GPT-4o-mini"));
        assert!(!matches("gpt-4*", "chatgpt-4o"));
        assert!(matches("*mini", "gpt-4o-mini"));
        assert!(matches("*/*:?b", "org/name:7b"));
        assert!(!matches("a*c", "abd"));
    }

    #[test]
    fn dates_and_encoding() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_700_000_000), "2023-11-14");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(encode_segment("org/name:tag v"), "org%2Fname%3Atag%20v");
    }

    #[test]
    fn table_when_piped_is_tab_separated() {
        let m = vec![Model {
            id: "a".into(),
            owner: None,
            created: Some(0),
        }];
        assert_eq!(render(&m, true, false), "a\t-\t1970-01-01\n");
        assert_eq!(render(&m, false, false), "a\n");
        assert!(render(&m, true, true).starts_with("ID  OWNER  CREATED\n"));
    }
}
