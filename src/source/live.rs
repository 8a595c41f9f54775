//! The live source: requests sent over the network through one
//! [`Transport`] (pooled connections, retries, the shared back-off) with
//! the key. It is made once per process and shared by every exchange.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::{Activity, Body, Failed, Opened, Source};
use crate::config::{ApiKey, Settings};
use crate::error::{Failure, Kind};
use crate::request::Prepared;
use crate::transport::Transport;

pub struct Live {
    transport: Transport,
    key: Option<ApiKey>,
}

impl Live {
    /// `key`: sent with every request (`None` for `--auth none`).
    pub fn new(settings: &Settings, key: Option<ApiKey>) -> Result<Live, Failure> {
        Ok(Live {
            transport: Transport::new(settings)?,
            key,
        })
    }
}

/// Warnings worth one line before anything is sent: `--insecure`, and a
/// key about to cross a network unencrypted.
pub fn warnings(settings: &Settings, sends_key: bool) -> Vec<String> {
    let mut out = Vec::new();
    if settings.insecure {
        out.push("--insecure: the server's TLS certificate is not checked".to_string());
    }
    if sends_key && let Ok(url) = reqwest::Url::parse(&settings.base_url.value) {
        let host = url.host_str().unwrap_or("the server");
        let loopback = crate::config::is_loopback_host(host);
        if url.scheme() == "http" && !loopback {
            out.push(format!(
                "the API key is sent unencrypted over http:// to {host}; use https:// if you can"
            ));
        }
    }
    out
}

pub struct LiveBody {
    resp: reqwest::Response,
    idle: Duration,
}

impl Body for LiveBody {
    async fn next(&mut self) -> Result<Option<Bytes>, Failure> {
        match tokio::time::timeout(self.idle, self.resp.chunk()).await {
            Err(_) => Err(Failure::new(
                Kind::Network,
                format!(
                    "no data from the server for {} s (--idle-timeout)",
                    self.idle.as_secs_f64()
                ),
            )),
            Ok(Err(_)) | Ok(Ok(None)) => Ok(None),
            Ok(Ok(Some(bytes))) => Ok(Some(bytes)),
        }
    }
}

impl Source for Live {
    type Body = LiveBody;

    async fn open(
        &self,
        req: &Prepared,
        deadline: Option<Instant>,
        activity: &dyn Activity,
    ) -> Result<Opened<LiveBody>, Failed> {
        let resp = self
            .transport
            .send(req, self.key.as_ref(), deadline, activity)
            .await
            .map_err(|mut failed| {
                // A server may echo the key back in its error message.
                if let Some(key) = &self.key {
                    failed.failure.message = key.scrub(std::mem::take(&mut failed.failure.message));
                }
                failed
            })?;
        Ok(Opened {
            head: resp.head,
            body: LiveBody {
                resp: resp.inner,
                idle: self.transport.idle_timeout(),
            },
            started: resp.started,
        })
    }
}
