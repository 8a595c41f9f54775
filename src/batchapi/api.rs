//! The Batch API's requests, each through the live source (key, auth,
//! headers, proxy, retries, timeouts, Ctrl-C) like every other request.

use std::time::Instant;

use bytes::Bytes;
use serde_json::{Value, json};

use crate::config::Settings;
use crate::error::{Failure, Kind};
use crate::exchange::{Cancel, Options};
use crate::output::models::encode_segment as encode;
use crate::request::{Prepared, Retry, Upload};
use crate::source::live::Live;
use crate::source::{Activity, Body, Failed, Source};

/// The statuses after which a batch no longer changes.
pub const FINAL: [&str; 4] = ["completed", "failed", "expired", "cancelled"];

pub fn is_final(status: &str) -> bool {
    FINAL.contains(&status)
}

pub struct Api<'a> {
    pub live: &'a Live,
    pub settings: &'a Settings,
    pub opts: Options,
    /// The cap of a downloaded file.
    pub max_file: usize,
    pub cancel: &'a Cancel,
}

impl Api<'_> {
    /// Send `req` and read its whole body; the failure keeps the head (for
    /// a server's `Retry-After`).
    pub async fn call(
        &self,
        req: &Prepared,
        max: usize,
        activity: &dyn Activity,
    ) -> Result<Vec<u8>, Failed> {
        let opts = &self.opts;
        let timed_out = || {
            Failure::new(
                Kind::Network,
                format!(
                    "timed out after {} s (--timeout)",
                    opts.timeout.map_or(0.0, |t| t.as_secs_f64())
                ),
            )
        };
        let opened = tokio::select! {
            r = self.live.open(req, opts.deadline, activity) => r?,
            () = until(opts.deadline) => return Err(timed_out().into()),
            () = self.cancel.cancelled() => return Err(interrupted().into()),
        };
        let mut reader = opened.body;
        let mut body = Vec::new();
        loop {
            let piece = tokio::select! {
                r = reader.next() => r?,
                () = until(opts.deadline) => return Err(timed_out().into()),
                () = self.cancel.cancelled() => return Err(interrupted().into()),
            };
            let Some(bytes) = piece else { break };
            activity.arrived();
            if body.len() + bytes.len() > max {
                return Err(Failure::new(
                    Kind::Incomplete,
                    format!(
                        "the response of {} is larger than {max} bytes (--max-size); raise it if \
                         it is real",
                        req.url
                    ),
                )
                .into());
            }
            body.extend_from_slice(&bytes);
        }
        Ok(body)
    }

    async fn json(&self, req: &Prepared, activity: &dyn Activity) -> Result<Value, Failure> {
        let body = self
            .call(req, self.opts.max_size, activity)
            .await
            .map_err(|f| f.failure)?;
        parse_object(&body, &req.url)
    }

    /// `POST {base}/files`, purpose `batch`: the file's id.
    pub async fn upload(
        &self,
        name: &str,
        content: Bytes,
        activity: &dyn Activity,
    ) -> Result<String, Failure> {
        let mut req = Prepared::upload(
            self.settings,
            "files",
            Upload {
                fields: vec![("purpose".into(), "batch".into())],
                file_field: "file".into(),
                file_name: name.to_string(),
                mime: "application/jsonl".into(),
                content,
            },
        );
        req.retry = Retry::Unsent;
        let file = self.json(&req, activity).await?;
        string_field(&file, "id", &req.url)
    }

    /// `POST {base}/batches`: the batch object.
    pub async fn create(
        &self,
        file_id: &str,
        endpoint: &str,
        window: &str,
        metadata: &[(String, String)],
        activity: &dyn Activity,
    ) -> Result<Value, Failure> {
        let mut body = json!({
            "input_file_id": file_id,
            "endpoint": endpoint,
            "completion_window": window,
        });
        if !metadata.is_empty()
            && let Value::Object(map) = &mut body
        {
            let meta: serde_json::Map<String, Value> = metadata
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            map.insert("metadata".into(), Value::Object(meta));
        }
        let mut req = Prepared::post(self.settings, "batches", body);
        req.retry = Retry::Unsent;
        self.json(&req, activity).await
    }

    /// `GET {base}/batches/ID`, retried patiently; the failure keeps its head.
    pub async fn get(&self, id: &str, activity: &dyn Activity) -> Result<(Value, Bytes), Failed> {
        let mut req = self.get_request(id);
        req.retry = Retry::Patient;
        let body = self.call(&req, self.opts.max_size, activity).await?;
        let value = parse_object(&body, &req.url)?;
        Ok((value, Bytes::from(body)))
    }

    pub fn get_request(&self, id: &str) -> Prepared {
        Prepared::get(self.settings, &format!("batches/{}", encode(id)))
    }

    pub fn list_request(&self, limit: usize) -> Prepared {
        Prepared::get(self.settings, &format!("batches?limit={limit}"))
    }

    /// The raw body of a request (`list`, `cancel`).
    pub async fn raw(&self, req: &Prepared, activity: &dyn Activity) -> Result<Vec<u8>, Failure> {
        self.call(req, self.opts.max_size, activity)
            .await
            .map_err(|f| f.failure)
    }

    /// `GET {base}/files/ID/content`.
    pub async fn content(
        &self,
        file_id: &str,
        activity: &dyn Activity,
    ) -> Result<Vec<u8>, Failure> {
        let req = Prepared::get(self.settings, &format!("files/{}/content", encode(file_id)));
        self.call(&req, self.max_file, activity)
            .await
            .map_err(|f| f.failure)
    }
}

async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

fn interrupted() -> Failure {
    Failure::new(Kind::Interrupted, "interrupted")
}

pub fn parse_object(body: &[u8], url: &str) -> Result<Value, Failure> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(Failure::new(
            Kind::Incomplete,
            format!("the answer of {url} is not a JSON object"),
        )),
        Err(e) => Err(Failure::new(
            Kind::Incomplete,
            format!("the answer of {url} is not valid JSON ({e})"),
        )),
    }
}

pub fn string_field(v: &Value, key: &str, url: &str) -> Result<String, Failure> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            Failure::new(
                Kind::Incomplete,
                format!("the answer of {url} has no string \"{key}\""),
            )
        })
}
