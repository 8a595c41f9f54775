//! Sending a prepared request: the reqwest client (rustls, proxies, same-
//! origin redirects, connect timeout), retries with backoff, and the error
//! classification of what came back. It returns the response head with
//! the body unread; reading the body is the caller's (and once a byte of
//! it is printed, nothing is retried).
//!
//! One `Transport` serves a whole process: independent requests share its
//! pooled connections, while a retry opens a fresh connection (a server
//! often closes after an error, and a stale pooled one would fail). Its
//! [`Gate`] holds back every request after a 429 that asked for a wait.

pub mod classify;
pub mod retry;

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::config::{ApiKey, Settings};
use crate::error::{Failure, Kind, fold_whitespace};
use crate::request::{Prepared, Retry, Upload, is_secret_header};
use crate::source::{Activity, Failed, Head};
use retry::Gate;

/// Error bodies are read up to this size.
const MAX_ERROR_BODY: usize = 1 << 20;

pub struct Transport {
    pooled: reqwest::Client,
    /// For retries: built on the first one, never pools.
    fresh: OnceLock<reqwest::Client>,
    client: ClientConfig,
    retries: u32,
    idle_timeout: Duration,
    verbose: bool,
    gate: Gate,
}

/// What a client is built from.
struct ClientConfig {
    connect_timeout: Duration,
    /// Plain http with no https proxy: no root certificates needed.
    plain: bool,
    insecure: bool,
    proxy: Option<String>,
    no_proxy: Option<String>,
}

impl ClientConfig {
    fn build(&self, pooled: bool) -> Result<reqwest::Client, Failure> {
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("yap/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(self.connect_timeout)
            .redirect(same_origin_redirects())
            .no_proxy();
        if !pooled {
            builder = builder.pool_max_idle_per_host(0);
        }
        // Loading the system's root certificates costs a few ms on every
        // run: skip it when nothing will use them.
        if self.plain {
            builder = builder.tls_certs_only([]);
        }
        if self.insecure {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        if let Some(proxy) = &self.proxy {
            let mut p = reqwest::Proxy::all(proxy)
                .map_err(|e| Failure::usage(format!("proxy '{proxy}' is not valid: {e}")))?;
            if let Some(np) = &self.no_proxy {
                p = p.no_proxy(reqwest::NoProxy::from_string(np));
            }
            builder = builder.proxy(p);
        }
        builder
            .build()
            .map_err(|e| Failure::new(Kind::Other, format!("cannot set up the HTTP client: {e}")))
    }
}

/// A response whose status is a success; the body is still to be read.
pub struct Response {
    pub inner: reqwest::Response,
    pub head: Head,
    pub started: Instant,
}

impl Transport {
    pub fn new(settings: &Settings) -> Result<Transport, Failure> {
        // One process-wide TLS provider (ring: small, quick to build).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let plain = settings.base_url.value.starts_with("http:")
            && settings
                .proxy
                .as_ref()
                .is_none_or(|p| p.value.starts_with("http:"));
        let client = ClientConfig {
            connect_timeout: settings.connect_timeout,
            plain,
            insecure: settings.insecure,
            proxy: settings.proxy.as_ref().map(|p| p.value.clone()),
            no_proxy: settings.no_proxy.clone(),
        };
        Ok(Transport {
            pooled: client.build(true)?,
            fresh: OnceLock::new(),
            client,
            retries: settings.retries,
            idle_timeout: settings.idle_timeout,
            verbose: settings.verbose,
            gate: Gate::default(),
        })
    }

    pub fn idle_timeout(&self) -> Duration {
        self.idle_timeout
    }

    fn client(&self, attempt: u32) -> Result<&reqwest::Client, Failure> {
        if attempt == 0 {
            return Ok(&self.pooled);
        }
        if let Some(c) = self.fresh.get() {
            return Ok(c);
        }
        let built = self.client.build(false)?;
        Ok(self.fresh.get_or_init(|| built))
    }

    /// Send with retries. `activity` receives `-v` lines and retry notices
    /// (never the key); `deadline` bounds the waits between attempts.
    pub async fn send(
        &self,
        req: &Prepared,
        key: Option<&ApiKey>,
        deadline: Option<Instant>,
        activity: &dyn Activity,
    ) -> Result<Response, Failed> {
        let headers = request_headers(req, key)?;
        let body = req
            .body
            .as_ref()
            .map(|b| serde_json::to_vec(b).unwrap_or_default());
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|_| Failure::new(Kind::Other, format!("bad method {}", req.method)))?;
        let mut attempt = 0u32;
        loop {
            if let Some(until) = self.gate.until()
                && until > Instant::now()
            {
                tokio::time::sleep_until(until.into()).await;
            }
            if self.verbose {
                activity.note(&format!("> {} {}", req.method, req.url));
                if let Some((name, prefix)) = req.auth.header() {
                    activity.note(&format!("> {name}: {prefix}[redacted]"));
                }
                for (n, v) in &req.headers {
                    activity.note(&format!("> {n}: {}", shown_value(n, v)));
                }
            }
            let started = Instant::now();
            let mut rb = self
                .client(attempt)?
                .request(method.clone(), &req.url)
                .headers(headers.clone());
            if let Some(up) = &req.upload {
                rb = rb.multipart(form_of(up)?);
            } else if let Some(b) = &body {
                rb = rb.body(b.clone());
            }
            let sent = match tokio::time::timeout(self.idle_timeout, rb.send()).await {
                Ok(result) => result,
                Err(_) => {
                    return Err(Failure::new(
                        Kind::Network,
                        format!(
                            "no response from {} within {} s (--idle-timeout)",
                            req.url,
                            self.idle_timeout.as_secs_f64()
                        ),
                    )
                    .into());
                }
            };
            let (failed, wait, status) = match sent {
                Ok(resp) => {
                    let status = resp.status();
                    if self.verbose {
                        activity.note(&format!(
                            "< {} {} ({} ms to headers)",
                            status.as_u16(),
                            status.canonical_reason().unwrap_or(""),
                            started.elapsed().as_millis()
                        ));
                        for (n, v) in resp.headers() {
                            let v = v.to_str().unwrap_or("(binary)");
                            activity.note(&format!("< {n}: {}", shown_value(n.as_str(), v)));
                        }
                    }
                    let head = head_of(&resp);
                    if status.is_success() {
                        return Ok(Response {
                            inner: resp,
                            head,
                            started,
                        });
                    }
                    if status.is_redirection() {
                        let location = resp
                            .headers()
                            .get("location")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("(none)")
                            .to_string();
                        let failure = Failure::new(
                            Kind::Rejected,
                            format!(
                                "{status}: {} redirects to another origin, {location}; not followed \
                                 (use that URL in --base-url if you trust it)",
                                req.url
                            ),
                        )
                        .with_status(status.as_u16());
                        return Err(Failed {
                            head: Some(head),
                            body: None,
                            failure,
                        });
                    }
                    let code = status.as_u16();
                    let wait = retry::server_wait(resp.headers(), SystemTime::now());
                    let failed = self.http_failure(req, head, resp).await;
                    // A response came: the request was sent.
                    if req.retry == Retry::Unsent
                        || !retry::retryable_status(code)
                        || retry::is_quota(&failed.failure)
                    {
                        return Err(failed);
                    }
                    (failed, wait, Some(code))
                }
                Err(e) => {
                    let (failure, retryable) = network_failure(&req.url, &e);
                    // Only a connection never made is sure to have sent nothing.
                    if !retryable || (req.retry == Retry::Unsent && !e.is_connect()) {
                        return Err(failure.into());
                    }
                    (failure.into(), None, None)
                }
            };
            if attempt >= self.retries {
                return Err(failed);
            }
            let pause = match wait {
                Some(w) if w > retry::MAX_SERVER_WAIT && req.retry != Retry::Patient => {
                    let mut failed = failed;
                    failed.failure.message = format!(
                        "{} (the server asks to wait {} s before retrying; not waiting that long)",
                        failed.failure.message,
                        w.as_secs()
                    );
                    return Err(failed);
                }
                Some(w) => w,
                None => retry::backoff(attempt),
            };
            if let Some(deadline) = deadline
                && Instant::now() + pause >= deadline
            {
                return Err(failed);
            }
            if status == Some(429) {
                // Every request of this process waits, not just this one.
                self.gate.hold(pause);
            }
            activity.note(&format!(
                "retrying in {:.1} s ({}/{}): {}",
                pause.as_secs_f64(),
                attempt + 1,
                self.retries,
                failed.failure.message
            ));
            tokio::time::sleep(pause).await;
            attempt += 1;
        }
    }

    /// Read an error response's body (bounded, with the idle timeout) and
    /// turn it into a failure with the provider's message.
    async fn http_failure(
        &self,
        req: &Prepared,
        head: Head,
        mut resp: reqwest::Response,
    ) -> Failed {
        let status = resp.status();
        let content_type = head.content_type();
        let mut body = Vec::new();
        while body.len() < MAX_ERROR_BODY {
            match tokio::time::timeout(self.idle_timeout, resp.chunk()).await {
                Ok(Ok(Some(bytes))) => body.extend_from_slice(&bytes),
                _ => break,
            }
        }
        let status_line = format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )
        .trim()
        .to_string();
        let (message, extra) = classify::provider_message(&status_line, &content_type, &body);
        let mut text = if message == status_line {
            status_line.clone()
        } else {
            format!("{status_line}: {message}")
        };
        match status.as_u16() {
            401 | 403 => text.push_str(" (check the API key and --auth)"),
            404 => {
                let asks_model = req.body.as_ref().is_some_and(|b| b.get("model").is_some());
                let check = if asks_model {
                    "check --base-url and the model"
                } else {
                    "check --base-url"
                };
                text.push_str(&format!(" ({} {}; {check})", req.method, req.url));
            }
            _ => {}
        }
        let mut failure =
            Failure::new(Kind::from_status(status.as_u16()), text).with_status(status.as_u16());
        if let Some(Value::Object(extra_obj)) = &extra
            && extra_obj.get("code").and_then(|c| c.as_str()) == Some("content_filter")
        {
            failure.kind = Kind::ContentFilter;
        }
        failure.extra = extra;
        Failed {
            head: Some(head),
            body: Some(body),
            failure,
        }
    }
}

/// The multipart form of an upload (built again for each attempt).
fn form_of(up: &Upload) -> Result<reqwest::multipart::Form, Failure> {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in &up.fields {
        form = form.text(name.clone(), value.clone());
    }
    let part = reqwest::multipart::Part::stream_with_length(
        reqwest::Body::from(up.content.clone()),
        up.content.len() as u64,
    )
    .file_name(up.file_name.clone())
    .mime_str(&up.mime)
    .map_err(|e| Failure::new(Kind::Other, format!("bad upload type {}: {e}", up.mime)))?;
    Ok(form.part(up.file_field.clone(), part))
}

/// The head worth keeping: the status and the headers that matter.
fn head_of(resp: &reqwest::Response) -> Head {
    Head {
        status: resp.status().as_u16(),
        headers: resp
            .headers()
            .iter()
            .filter(|(n, _)| Head::keeps(n.as_str()) && !is_secret_header(n.as_str()))
            .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect(),
    }
}

/// A header value as `-v` shows it: `[redacted]` for a secret's.
fn shown_value<'a>(name: &str, value: &'a str) -> &'a str {
    if is_secret_header(name) {
        "[redacted]"
    } else {
        value
    }
}

fn request_headers(req: &Prepared, key: Option<&ApiKey>) -> Result<HeaderMap, Failure> {
    let mut map = HeaderMap::new();
    for (name, value) in &req.headers {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Failure::usage(format!("header name '{name}' is not valid")))?;
        let v = HeaderValue::from_str(value).map_err(|_| {
            Failure::usage(format!("header '{name}' has a value that is not valid"))
        })?;
        map.insert(n, v);
    }
    if let (Some((name, prefix)), Some(key)) = (req.auth.header(), key) {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Failure::usage(format!("auth header name '{name}' is not valid")))?;
        let mut v = HeaderValue::from_str(&format!("{prefix}{}", key.expose())).map_err(|_| {
            Failure::usage(format!(
                "the API key in {} has characters a header cannot carry (a line break?)",
                req.key_var
            ))
        })?;
        v.set_sensitive(true);
        map.insert(n, v);
    }
    Ok(map)
}

/// Redirects are followed (at most 10) only within the same origin.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt.previous().first().is_some_and(|first| {
            first.scheme() == attempt.url().scheme()
                && first.host_str() == attempt.url().host_str()
                && first.port_or_known_default() == attempt.url().port_or_known_default()
        });
        if !same {
            attempt.stop()
        } else if attempt.previous().len() > 10 {
            attempt.error("more than 10 redirects")
        } else {
            attempt.follow()
        }
    })
}

/// Classify a failure before any response: (failure, may it be retried?).
pub fn network_failure(url: &str, err: &reqwest::Error) -> (Failure, bool) {
    let chain = error_chain(err);
    let lower = chain.to_ascii_lowercase();
    let dns = lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no address associated");
    let tls = lower.contains("certificate") || lower.contains("invalidcertificate");
    let what = if err.is_timeout() && err.is_connect() {
        "timed out connecting to (--connect-timeout)"
    } else if err.is_timeout() {
        "timed out"
    } else if dns {
        "cannot resolve the host of"
    } else if tls {
        "the server's TLS certificate was refused (--insecure skips the check) for"
    } else if err.is_connect() {
        "cannot connect to"
    } else if err.is_redirect() {
        return (
            Failure::new(Kind::Rejected, format!("too many redirects from {url}")),
            false,
        );
    } else {
        "request failed:"
    };
    let message = format!("{what} {url}: {}", fold_whitespace(&chain));
    (Failure::new(Kind::Network, message), !dns && !tls)
}

/// The deepest few causes of an error, joined, without repeating.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = err.source();
    while let Some(e) = cur {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = e.source();
    }
    if parts.is_empty() {
        parts.push(err.to_string());
    }
    parts.join(": ")
}
