//! Sending a prepared request: the reqwest client (rustls, proxies, same-
//! origin redirects, connect timeout), retries with backoff, and the error
//! classification of what came back. It returns the response head with
//! the body unread; reading the body is the caller's (and once a byte of
//! it is printed, nothing is retried).

pub mod classify;
pub mod retry;

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::config::{ApiKey, Settings};
use crate::error::{Failure, Kind, fold_whitespace};
use crate::request::Prepared;

/// Error bodies are read up to this size.
const MAX_ERROR_BODY: usize = 1 << 20;

pub struct Transport {
    client: reqwest::Client,
    retries: u32,
    idle_timeout: Duration,
    deadline: Option<Instant>,
    verbose: bool,
}

/// A response whose status is a success; the body is still to be read.
pub struct Response {
    pub inner: reqwest::Response,
    pub started: Instant,
}

impl Transport {
    pub fn new(settings: &Settings, deadline: Option<Instant>) -> Result<Transport, Failure> {
        // One process-wide TLS provider (ring: small, quick to build).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("yap/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(settings.connect_timeout)
            .redirect(same_origin_redirects())
            // A retry or a redirect opens a fresh connection: servers often
            // close after an error, and a stale pooled one would fail.
            .pool_max_idle_per_host(0)
            .no_proxy();
        // Plain http with no https proxy never needs a root certificate:
        // skip loading the system's (a few ms on every run).
        let plain = settings.base_url.value.starts_with("http:")
            && settings
                .proxy
                .as_ref()
                .is_none_or(|p| p.value.starts_with("http:"));
        if plain {
            builder = builder.tls_certs_only([]);
        }
        if settings.insecure {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        if let Some(proxy) = &settings.proxy {
            let mut p = reqwest::Proxy::all(&proxy.value).map_err(|e| {
                Failure::usage(format!("proxy '{}' is not valid: {e}", proxy.value))
            })?;
            if let Some(np) = &settings.no_proxy {
                p = p.no_proxy(reqwest::NoProxy::from_string(np));
            }
            builder = builder.proxy(p);
        }
        let client = builder.build().map_err(|e| {
            Failure::new(Kind::Other, format!("cannot set up the HTTP client: {e}"))
        })?;
        Ok(Transport {
            client,
            retries: settings.retries,
            idle_timeout: settings.idle_timeout,
            deadline,
            verbose: settings.verbose,
        })
    }

    pub fn idle_timeout(&self) -> Duration {
        self.idle_timeout
    }

    /// Send with retries. `note` receives `-v` lines (never the key).
    pub async fn send(
        &self,
        req: &Prepared,
        key: Option<&ApiKey>,
        note: &mut dyn FnMut(&str),
    ) -> Result<Response, Failure> {
        let headers = request_headers(req, key)?;
        let body = req
            .body
            .as_ref()
            .map(|b| serde_json::to_vec(b).unwrap_or_default());
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|_| Failure::new(Kind::Other, format!("bad method {}", req.method)))?;
        let mut attempt = 0u32;
        loop {
            if self.verbose {
                note(&format!("> {} {}", req.method, req.url));
                if let Some((name, prefix)) = req.auth.header() {
                    note(&format!("> {name}: {prefix}[redacted]"));
                }
                for (n, v) in &req.headers {
                    note(&format!("> {n}: {v}"));
                }
            }
            let started = Instant::now();
            let mut rb = self
                .client
                .request(method.clone(), &req.url)
                .headers(headers.clone());
            if let Some(b) = &body {
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
                    ));
                }
            };
            let (failure, wait) = match sent {
                Ok(resp) => {
                    let status = resp.status();
                    if self.verbose {
                        note(&format!(
                            "< {} {} ({} ms to headers)",
                            status.as_u16(),
                            status.canonical_reason().unwrap_or(""),
                            started.elapsed().as_millis()
                        ));
                        for (n, v) in resp.headers() {
                            note(&format!("< {n}: {}", v.to_str().unwrap_or("(binary)")));
                        }
                    }
                    if status.is_success() {
                        return Ok(Response {
                            inner: resp,
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
                        return Err(Failure::new(
                            Kind::Rejected,
                            format!(
                                "{status}: {} redirects to another origin, {location}; not followed \
                                 (use that URL in --base-url if you trust it)",
                                req.url
                            ),
                        )
                        .with_status(status.as_u16()));
                    }
                    let code = status.as_u16();
                    let wait = retry::server_wait(resp.headers(), SystemTime::now());
                    let failure = self.http_failure(req, resp).await;
                    if !retry::retryable_status(code) {
                        return Err(failure);
                    }
                    (failure, wait)
                }
                Err(e) => {
                    let (failure, retryable) = network_failure(&req.url, &e);
                    if !retryable {
                        return Err(failure);
                    }
                    (failure, None)
                }
            };
            if attempt >= self.retries {
                return Err(failure);
            }
            let pause = match wait {
                Some(w) if w > retry::MAX_SERVER_WAIT => {
                    let mut f = failure;
                    f.message = format!(
                        "{} (the server asks to wait {} s before retrying; not waiting that long)",
                        f.message,
                        w.as_secs()
                    );
                    return Err(f);
                }
                Some(w) => w,
                None => retry::backoff(attempt),
            };
            if let Some(deadline) = self.deadline
                && Instant::now() + pause >= deadline
            {
                return Err(failure);
            }
            note(&format!(
                "retrying in {:.1} s ({}/{}): {}",
                pause.as_secs_f64(),
                attempt + 1,
                self.retries,
                failure.message
            ));
            tokio::time::sleep(pause).await;
            attempt += 1;
        }
    }

    /// Read an error response's body (bounded, with the idle timeout) and
    /// turn it into a failure with the provider's message.
    async fn http_failure(&self, req: &Prepared, mut resp: reqwest::Response) -> Failure {
        let status = resp.status();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
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
            404 => text.push_str(&format!(
                " ({} {}; check --base-url and the model)",
                req.method, req.url
            )),
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
        failure
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
