//! `--dry-run` and `--curl`: the prepared request shown instead of sent.
//! Neither ever holds the key: dry-run prints `[redacted]`, curl refers to
//! the variable (`"${OPENAI_API_KEY}"`) or the profile's command
//! (`"$(pass show openai)"`) so the shell fills it in. Headers named like a
//! secret are `[redacted]` in both.

use std::fmt::Write;
use std::time::Duration;

use super::{KeyRef, Prepared, is_secret_header};

/// A header's value as previews show it.
fn shown(name: &str, value: &str) -> String {
    if is_secret_header(name) {
        "[redacted]".to_string()
    } else {
        value.to_string()
    }
}

/// Method, URL, headers (key redacted), a blank line, the body.
pub fn dry_run(req: &Prepared) -> String {
    let mut out = format!("{} {}\n", req.method, req.url);
    if let Some((name, prefix)) = req.auth.header() {
        let _ = writeln!(out, "{name}: {prefix}[redacted]");
    }
    for (name, value) in &req.headers {
        let _ = writeln!(out, "{name}: {}", shown(name, value));
    }
    if let Some(body) = &req.body {
        out.push('\n');
        out.push_str(&serde_json::to_string_pretty(body).unwrap_or_default());
        out.push('\n');
    }
    if let Some(up) = &req.upload {
        out.push_str("Content-Type: multipart/form-data\n\n");
        for (name, value) in &up.fields {
            let _ = writeln!(out, "{name}: {value}");
        }
        let _ = writeln!(
            out,
            "{}: {} ({}, {} bytes)",
            up.file_field,
            up.file_name,
            up.mime,
            up.content.len()
        );
    }
    out
}

/// Options that change how curl connects, mirrored from the settings.
#[derive(Debug, Default)]
pub struct CurlOptions<'a> {
    pub proxy: Option<&'a str>,
    pub connect_timeout: Option<Duration>,
    pub timeout: Option<Duration>,
}

/// A `sh` command line that sends the same request.
pub fn curl(req: &Prepared, opts: &CurlOptions) -> String {
    let mut parts: Vec<String> = vec!["curl".into()];
    if req.wants_stream() {
        parts.push("-N".into());
    }
    parts.push("-sS".into());
    if req.method != "GET" {
        parts.push(format!("-X {}", req.method));
    }
    parts.push(quote(&req.url));
    if let Some((name, prefix)) = req.auth.header() {
        // A command goes in as written: inside `$(…)` the shell parses it
        // afresh, quotes and all.
        let key = match &req.key_var {
            KeyRef::Var(var) => format!("${{{var}}}"),
            KeyRef::Command(command) => format!("$({command})"),
        };
        parts.push(format!(
            "-H \"{}{}{key}\"",
            escape_double(name),
            escape_double(&format!(": {prefix}")),
        ));
    }
    for (name, value) in &req.headers {
        parts.push(format!(
            "-H {}",
            quote(&format!("{name}: {}", shown(name, value)))
        ));
    }
    if let Some(p) = opts.proxy {
        parts.push(format!("-x {}", quote(p)));
    }
    if let Some(t) = opts.connect_timeout {
        parts.push(format!("--connect-timeout {}", t.as_secs_f64()));
    }
    if let Some(t) = opts.timeout {
        parts.push(format!("--max-time {}", t.as_secs_f64()));
    }
    if let Some(body) = &req.body {
        parts.push(format!("--data-raw {}", quote(&body.to_string())));
    }
    if let Some(up) = &req.upload {
        for (name, value) in &up.fields {
            parts.push(format!("-F {}", quote(&format!("{name}={value}"))));
        }
        parts.push(format!(
            "-F {}",
            quote(&format!(
                "{}=@{};type={}",
                up.file_field, up.file_name, up.mime
            ))
        ));
    }
    let mut out = parts.join(" \\\n  ");
    out.push('\n');
    out
}

/// Single-quote for sh: `'` becomes `'\''`.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn escape_double(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Auth;
    use serde_json::json;

    fn req() -> Prepared {
        Prepared {
            method: "POST",
            url: "http://h/v1/chat/completions".into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            auth: Auth::Bearer,
            key_var: KeyRef::Var("OPENAI_API_KEY".into()),
            body: Some(json!({"messages": [{"role": "user", "content": "it's"}], "stream": true})),
            upload: None,
            retry: crate::request::Retry::Usual,
        }
    }

    #[test]
    fn an_upload_is_shown_as_its_form() {
        let mut r = req();
        r.body = None;
        r.headers.clear();
        r.upload = Some(crate::request::Upload {
            fields: vec![("purpose".into(), "batch".into())],
            file_field: "file".into(),
            file_name: "batch-1.jsonl".into(),
            mime: "application/jsonl".into(),
            content: bytes::Bytes::from_static(b"{}\n"),
        });
        let text = dry_run(&r);
        assert!(
            text.contains("purpose: batch\nfile: batch-1.jsonl (application/jsonl, 3 bytes)"),
            "{text}"
        );
        let text = curl(&r, &CurlOptions::default());
        assert!(text.contains("-F 'purpose=batch'"), "{text}");
        assert!(
            text.contains("-F 'file=@batch-1.jsonl;type=application/jsonl'"),
            "{text}"
        );
    }

    #[test]
    fn dry_run_redacts_the_key() {
        let text = dry_run(&req());
        assert!(
            text.starts_with(
                "POST http://h/v1/chat/completions\nAuthorization: Bearer [redacted]\n"
            )
        );
        assert!(text.contains("\"stream\": true"));
    }

    #[test]
    fn curl_refers_to_the_variable_and_quotes_the_body() {
        let text = curl(&req(), &CurlOptions::default());
        assert!(
            text.contains("-H \"Authorization: Bearer ${OPENAI_API_KEY}\""),
            "{text}"
        );
        assert!(text.contains(r"it'\''s"), "{text}");
        assert!(text.starts_with("curl \\\n  -N"), "{text}");
    }

    #[test]
    fn secret_headers_are_redacted_and_a_command_is_substituted() {
        let mut r = req();
        r.headers.push(("X-Api-Key".into(), "sk-other".into()));
        r.headers.push(("Cookie".into(), "session=abc".into()));
        r.headers.push(("X-Team".into(), "infra".into()));
        r.key_var = KeyRef::Command("pass show \"openai key\"".into());
        for text in [dry_run(&r), curl(&r, &CurlOptions::default())] {
            assert!(
                !text.contains("sk-other") && !text.contains("session=abc"),
                "{text}"
            );
            assert!(text.contains("X-Api-Key: [redacted]"), "{text}");
            assert!(text.contains("Cookie: [redacted]"), "{text}");
            assert!(text.contains("X-Team: infra"), "{text}");
        }
        let text = curl(&r, &CurlOptions::default());
        assert!(
            text.contains("-H \"Authorization: Bearer $(pass show \"openai key\")\""),
            "{text}"
        );
    }
}
