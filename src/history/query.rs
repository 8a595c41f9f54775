//! The rows: one written per exchange, and the reads of `yap logs` and
//! `chat -c`.

use rusqlite::{Connection, OptionalExtension, Row as SqlRow, params};
use serde_json::{Value, json};

use super::{Meta, Which, parse_json, text};
use crate::config::ApiKey;
use crate::error::Kind;
use crate::exchange::Exchange;

/// A row about to be written, every text already scrubbed of the key.
pub(super) struct NewRow {
    cid: String,
    time: String,
    profile: Option<String>,
    host: Option<String>,
    endpoint: Option<String>,
    model: Option<String>,
    request: String,
    response: Option<String>,
    finish_reason: Option<String>,
    usage: Option<String>,
    status: Option<u16>,
    ttfb_ms: Option<i64>,
    total_ms: i64,
    exit_code: u8,
    state: &'static str,
    error: Option<String>,
    prompt: Option<String>,
    response_text: Option<String>,
}

fn ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl NewRow {
    pub(super) fn of(ex: &Exchange, meta: &Meta, key: Option<&ApiKey>) -> NewRow {
        let scrub = |s: String| match key {
            Some(k) => k.scrub(s),
            None => s,
        };
        let request = ex.request.body.clone().unwrap_or(Value::Null);
        let url = reqwest::Url::parse(&ex.request.url).ok();
        let host = url.as_ref().and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        });
        // The endpoint's own part, as a cassette names it (`chat/completions`,
        // `completions`; a trailing slash or a query does not change it), or
        // the path's last segment for another endpoint.
        let endpoint = crate::cassette::endpoint_of(&ex.request.url)
            .map(str::to_string)
            .or_else(|| {
                url.as_ref()
                    .and_then(|u| u.path_segments())
                    .and_then(|mut s| s.rfind(|p| !p.is_empty()))
                    .map(str::to_string)
            });
        let answered = ex
            .head
            .as_ref()
            .is_some_and(|h| (200..300).contains(&h.status));
        let document = answered.then(|| ex.document());
        let finish_reason = ex
            .assembler
            .choices
            .values()
            .next()
            .and_then(|c| c.finish_reason.clone());
        let state = match &ex.failure {
            None => "ok",
            Some(f) if f.kind == Kind::Interrupted => "interrupted",
            Some(_) => "failed",
        };
        let error = ex.failure.as_ref().map(|f| {
            let mut message = f.message.clone();
            if let Some(body) = &ex.error_body
                && !body.is_empty()
            {
                message.push('\n');
                message.push_str(&String::from_utf8_lossy(body));
            }
            scrub(message)
        });
        NewRow {
            cid: meta.cid.clone(),
            time: text::rfc3339(ex.timings.began),
            profile: meta.profile.clone(),
            host,
            endpoint,
            model: request
                .get("model")
                .and_then(Value::as_str)
                .map(str::to_string),
            prompt: text::prompt(&request).map(scrub),
            response_text: document.as_ref().and_then(text::response).map(scrub),
            request: scrub(request.to_string()),
            response: document.as_ref().map(|d| scrub(d.to_string())),
            finish_reason,
            usage: ex.assembler.usage.as_ref().map(Value::to_string),
            status: ex.head.as_ref().map(|h| h.status),
            ttfb_ms: ex.timings.first_byte.map(ms),
            total_ms: ms(ex.timings.total),
            exit_code: ex.exit_code(),
            state,
            error,
        }
    }

    pub(super) fn insert(&self, conn: &Connection) -> rusqlite::Result<i64> {
        conn.execute(
            "INSERT INTO exchanges (cid, time, profile, host, endpoint, model, request, \
             response, finish_reason, usage, status, ttfb_ms, total_ms, exit_code, state, \
             error, prompt, response_text) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
             ?17, ?18)",
            params![
                self.cid,
                self.time,
                self.profile,
                self.host,
                self.endpoint,
                self.model,
                self.request,
                self.response,
                self.finish_reason,
                self.usage,
                self.status,
                self.ttfb_ms,
                self.total_ms,
                self.exit_code,
                self.state,
                self.error,
                self.prompt,
                self.response_text,
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }
}

/// A row as `yap logs` lists it.
#[derive(Clone, Debug)]
pub struct Summary {
    pub id: i64,
    pub cid: String,
    pub time: String,
    pub profile: Option<String>,
    pub host: Option<String>,
    pub endpoint: Option<String>,
    pub model: Option<String>,
    pub prompt: Option<String>,
    pub response: Option<String>,
    pub finish_reason: Option<String>,
    pub usage: Value,
    pub ttfb_ms: Option<i64>,
    pub total_ms: i64,
    pub exit_code: i64,
    pub state: String,
}

impl Summary {
    /// One line of `yap logs --json`.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "cid": self.cid,
            "time": self.time,
            "profile": self.profile,
            "host": self.host,
            "endpoint": self.endpoint,
            "model": self.model,
            "prompt": self.prompt,
            "response": self.response,
            "finish_reason": self.finish_reason,
            "usage": self.usage,
            "ttfb_ms": self.ttfb_ms,
            "total_ms": self.total_ms,
            "exit_code": self.exit_code,
            "state": self.state,
        })
    }

    fn matches(&self, needle: &str) -> bool {
        [&self.prompt, &self.response]
            .into_iter()
            .flatten()
            .any(|t| t.to_lowercase().contains(needle))
    }
}

/// A whole row, documents included (`yap logs show`).
#[derive(Clone, Debug)]
pub struct Row {
    pub summary: Summary,
    pub request: Value,
    pub response: Value,
    pub status: Option<i64>,
    pub error: Option<String>,
}

impl Row {
    /// `yap logs show ID --json`: the listing's fields, the whole request
    /// and response documents, the HTTP status and the error.
    pub fn to_json(&self) -> Value {
        let mut v = self.summary.to_json();
        if let Some(map) = v.as_object_mut() {
            map.insert("status".into(), json!(self.status));
            map.insert("error".into(), json!(self.error));
            map.insert("request".into(), self.request.clone());
            map.insert("response".into(), self.response.clone());
            map.insert("response_text".into(), json!(self.summary.response));
        }
        v
    }
}

const SUMMARY_COLUMNS: &str = "id, cid, time, profile, host, endpoint, model, prompt, \
     response_text, finish_reason, usage, ttfb_ms, total_ms, exit_code, state";

fn summary(r: &SqlRow<'_>) -> rusqlite::Result<Summary> {
    Ok(Summary {
        id: r.get(0)?,
        cid: r.get(1)?,
        time: r.get(2)?,
        profile: r.get(3)?,
        host: r.get(4)?,
        endpoint: r.get(5)?,
        model: r.get(6)?,
        prompt: r.get(7)?,
        response: r.get(8)?,
        finish_reason: r.get(9)?,
        usage: parse_json(r.get(10)?),
        ttfb_ms: r.get(11)?,
        total_ms: r.get(12)?,
        exit_code: r.get(13)?,
        state: r.get(14)?,
    })
}

pub(super) fn list(
    conn: &Connection,
    limit: usize,
    query: Option<&str>,
    cid: Option<&str>,
) -> rusqlite::Result<Vec<Summary>> {
    let mut out = Vec::new();
    if limit == 0 {
        return Ok(out);
    }
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM exchanges WHERE (?1 IS NULL OR cid = ?1) ORDER BY id DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let needle = query.map(str::to_lowercase);
    let mut rows = stmt.query(params![cid])?;
    while let Some(r) = rows.next()? {
        let s = summary(r)?;
        if needle.as_deref().is_none_or(|n| s.matches(n)) {
            out.push(s);
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

pub(super) fn get(conn: &Connection, which: Which) -> rusqlite::Result<Option<Row>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, request, response, status, error FROM exchanges \
         WHERE (?1 IS NULL OR id = ?1) ORDER BY id DESC LIMIT 1"
    );
    let id = match which {
        Which::Id(id) => Some(id),
        Which::Last => None,
    };
    conn.query_row(&sql, params![id], |r| {
        Ok(Row {
            summary: summary(r)?,
            request: parse_json(r.get(15)?),
            response: parse_json(r.get(16)?),
            status: r.get(17)?,
            error: r.get(18)?,
        })
    })
    .optional()
}

pub(super) fn newest_cid(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT cid FROM exchanges ORDER BY id DESC LIMIT 1",
        [],
        |r| r.get(0),
    )
    .optional()
}

/// What a conversation's next request starts from.
#[derive(Clone, Debug)]
pub struct Resume {
    /// The model of its newest exchange.
    pub model: Option<String>,
    /// The messages of its newest answered (or interrupted) chat exchange
    /// and that answer; empty when none was answered.
    pub messages: Vec<Value>,
}

pub(super) fn resume(conn: &Connection, cid: &str) -> rusqlite::Result<Option<Resume>> {
    let newest_model: Option<Option<String>> = conn
        .query_row(
            "SELECT model FROM exchanges WHERE cid = ?1 ORDER BY id DESC LIMIT 1",
            params![cid],
            |r| r.get(0),
        )
        .optional()?;
    let Some(newest_model) = newest_model else {
        return Ok(None);
    };
    let answered: Option<(String, Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT request, response, model FROM exchanges WHERE cid = ?1 \
             AND state IN ('ok', 'interrupted') AND endpoint = 'chat/completions' \
             AND response IS NOT NULL ORDER BY id DESC LIMIT 1",
            params![cid],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((request, response, model)) = answered else {
        return Ok(Some(Resume {
            model: newest_model,
            messages: Vec::new(),
        }));
    };
    let request = parse_json(Some(request));
    let response = parse_json(response);
    let mut messages = request
        .get("messages")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if let Some(answer) = response.pointer("/choices/0/message") {
        messages.push(assistant_message(answer));
    }
    Ok(Some(Resume {
        model: model.or(newest_model),
        messages,
    }))
}

/// The answer as the message sent back: role, content, and the tool calls
/// or refusal when there were any.
fn assistant_message(answer: &Value) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("role".into(), json!("assistant"));
    m.insert(
        "content".into(),
        answer.get("content").cloned().unwrap_or(Value::Null),
    );
    for key in ["tool_calls", "refusal"] {
        if let Some(v) = answer.get(key).filter(|v| !v.is_null()) {
            m.insert(key.into(), v.clone());
        }
    }
    Value::Object(m)
}

/// Remove every row of `ids`, or none when one of them is not there (the
/// ids that were not).
pub(super) fn remove(conn: &mut Connection, ids: &[i64]) -> rusqlite::Result<Vec<i64>> {
    // What is removed is overwritten, not only unlinked.
    conn.pragma_update(None, "secure_delete", "ON")?;
    let tx = conn.transaction()?;
    let mut missing = Vec::new();
    for id in ids {
        if tx.execute("DELETE FROM exchanges WHERE id = ?1", params![id])? == 0 {
            missing.push(*id);
        }
    }
    if missing.is_empty() {
        tx.commit()?;
        checkpoint(conn)?;
    }
    Ok(missing)
}

pub(super) fn remove_all(conn: &Connection) -> rusqlite::Result<usize> {
    conn.pragma_update(None, "secure_delete", "ON")?;
    let n = conn.execute("DELETE FROM exchanges", [])?;
    checkpoint(conn)?;
    Ok(n)
}

/// Fold the write-ahead log into the database and empty it, so removed
/// rows leave no copy behind in it.
fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}
