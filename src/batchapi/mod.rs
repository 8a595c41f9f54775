//! `yap batch`: the provider's Batch API (OpenAI's shape, which Groq,
//! DeepInfra and Azure OpenAI copy). `input` checks and prepares the JSONL,
//! `api` makes the requests through the live source, `watch` polls,
//! `results` puts the answers back in input order, `state` is what `run`
//! resumes from.

pub mod api;
pub mod input;
pub mod results;
pub mod state;
pub mod watch;

use std::io::Write;
use std::path::Path;

use bytes::Bytes;
use serde_json::Value;

use crate::error::{Failure, Kind};
use crate::source::Activity;
use api::Api;
use input::Line;

/// What `submit` and `run` need beside the lines.
pub struct Create<'a> {
    pub endpoint: &'a str,
    pub window: &'a str,
    pub metadata: &'a [(String, String)],
}

/// Upload one part and create its batch: the batch id.
pub async fn submit_one(
    api: &Api<'_>,
    lines: &[Line],
    part: usize,
    create: &Create<'_>,
    activity: &dyn Activity,
) -> Result<String, Failure> {
    let content = Bytes::from(input::Input::jsonl(lines));
    let name = format!("yap-batch-{}.jsonl", part + 1);
    let file_id = api.upload(&name, content, activity).await?;
    let batch = api
        .create(
            &file_id,
            create.endpoint,
            create.window,
            create.metadata,
            activity,
        )
        .await?;
    api::string_field(&batch, "id", "the created batch")
}

/// Download the files of every batch (each must be final) and build the
/// result lines: (lines, exit code).
pub async fn collect(
    api: &Api<'_>,
    ids: &[String],
    activity: &dyn Activity,
) -> Result<(Vec<String>, u8), Failure> {
    let mut all = Vec::new();
    for id in ids {
        let (batch, _) = api.get(id, activity).await.map_err(|f| f.failure)?;
        let status = batch
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string();
        if !api::is_final(&status) {
            return Err(Failure::usage(format!(
                "batch {id} is {status}, not final yet; yap batch wait {id} waits for it"
            )));
        }
        let file = |key: &str| {
            batch
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let input_id = file("input_file_id").ok_or_else(|| {
            Failure::new(
                Kind::Incomplete,
                format!("batch {id} names no input_file_id: the input order is unknown"),
            )
        })?;
        let input = api.content(&input_id, activity).await?;
        let output = match file("output_file_id") {
            Some(f) => api.content(&f, activity).await?,
            None => Vec::new(),
        };
        let errors = match file("error_file_id") {
            Some(f) => api.content(&f, activity).await?,
            None => Vec::new(),
        };
        all.push(results::Files {
            id: id.clone(),
            batch,
            input,
            output,
            errors,
        });
    }
    Ok(results::lines(&all))
}

/// Write `lines` to `path` whole or not at all: a temporary file beside it,
/// renamed.
pub fn write_whole(path: &Path, lines: &[String]) -> Result<(), Failure> {
    let tmp = temp_beside(path);
    let fail = |e: std::io::Error| {
        Failure::new(Kind::Other, format!("cannot write {}: {e}", path.display()))
    };
    let result = (|| {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        for l in lines {
            f.write_all(l.as_bytes())?;
            f.write_all(b"\n")?;
        }
        f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// `DIR/.NAME.tmp-PID` beside `path`.
pub fn temp_beside(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".to_string());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// `yap batch list`: one line per batch, newest first, at most `limit`:
/// id, status, created (RFC 3339), completed/total, tab-separated.
pub fn listing(list: &Value, limit: usize) -> Vec<String> {
    let mut batches: Vec<&Value> = list
        .get("data")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let created = |b: &Value| b.get("created_at").and_then(Value::as_u64).unwrap_or(0);
    batches.sort_by_key(|b| std::cmp::Reverse(created(b)));
    batches
        .into_iter()
        .take(limit)
        .map(|b| {
            let id = b.get("id").and_then(Value::as_str).unwrap_or("?");
            let (status, completed, _, total) = watch::counts(b);
            let when = crate::cassette::rfc3339(
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(created(b)),
            );
            format!("{id}\t{status}\t{when}\t{completed}/{total}")
        })
        .collect()
}
