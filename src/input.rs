//! Where the user message comes from: `-f` files, stdin and the PROMPT
//! words (SPEC "Where the prompt comes from"). Reading is here; composing
//! the text is a pure function below it.

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use crate::error::Failure;
use crate::output::term::Diag;

/// Read a whole file as UTF-8 text; any failure is a usage error (exit 2).
/// `what` names the file in messages; `"file"` is a `-f` file, whose error
/// points at `-i` when the bytes are not text.
pub fn read_text_file(path: &Path, what: &str) -> Result<String, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::usage(format!("cannot read {what} {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let hint = match image_mime(bytes, Path::new("")) {
            Some(mime) => format!(
                "; it is an image ({mime}): attach it with -i {}",
                path.display()
            ),
            None if what == "file" => "; -f takes text files (images go with -i PATH)".to_string(),
            None => String::new(),
        };
        Failure::usage(format!(
            "{what} {} is not UTF-8 text (invalid byte at offset {}){hint}",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// How long stdin may stay silent before yap says it is waiting for it.
pub const STDIN_NOTE_AFTER: Duration = Duration::from_secs(5);

/// Where the note about a silent stdin goes (`-q` silences it); set once
/// by `app`, before any command reads stdin.
static NOTES: OnceLock<Diag> = OnceLock::new();

pub fn set_notes(diag: Diag) {
    let _ = NOTES.set(diag);
}

/// Standard input, read at most once, by at most one consumer.
pub struct Stdin {
    is_terminal: bool,
    taken_by: Option<&'static str>,
}

impl Stdin {
    pub fn new() -> Stdin {
        Stdin {
            is_terminal: std::io::stdin().is_terminal(),
            taken_by: None,
        }
    }

    pub fn is_terminal(&self) -> bool {
        self.is_terminal
    }

    /// Read all of stdin for `who` (`--messages -`, `--body -`, a lone `-`,
    /// the prompt). A second consumer is a usage error.
    pub fn take(&mut self, who: &'static str) -> Result<String, Failure> {
        if let Some(first) = self.taken_by {
            return Err(Failure::usage(format!(
                "stdin is already used by {first}; {who} cannot read it too"
            )));
        }
        self.taken_by = Some(who);
        if !self.is_terminal {
            note_if_silent(STDIN_NOTE_AFTER);
        }
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::usage(format!("cannot read stdin: {e}")))?;
        String::from_utf8(bytes).map_err(|e| {
            Failure::usage(format!(
                "stdin is not UTF-8 text (invalid byte at offset {}); convert it first, e.g. with iconv",
                e.utf8_error().valid_up_to()
            ))
        })
    }

    pub fn taken(&self) -> bool {
        self.taken_by.is_some()
    }
}

impl Default for Stdin {
    fn default() -> Self {
        Stdin::new()
    }
}

/// Wait until stdin has a byte (or its end) ready, at most `after`; past
/// that, one note on stderr, and the caller's read goes on waiting. One
/// poll(2): no thread, no timer.
#[cfg(unix)]
fn note_if_silent(after: Duration) {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = std::io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let timeout = Timespec {
        tv_sec: after.as_secs().try_into().unwrap_or(i64::MAX),
        tv_nsec: after.subsec_nanos().into(),
    };
    loop {
        match poll(&mut fds, Some(&timeout)) {
            Ok(0) => break,
            Err(rustix::io::Errno::INTR) => continue,
            // Ready, at its end, or not pollable: read as usual.
            _ => return,
        }
    }
    if let Some(diag) = NOTES.get() {
        diag.note(&format!(
            "waiting for stdin (no input for {} s); pass --no-stdin (or set YAP_NO_STDIN=1) when nothing is piped in",
            after.as_secs()
        ));
    }
}

#[cfg(not(unix))]
fn note_if_silent(_after: Duration) {}

/// A `-f` file as it goes into the message: headed by its path.
pub fn file_part(path: &Path, content: &str) -> String {
    format!("==> {} <==\n{}", path.display(), content)
}

/// The user message text: each file part, stdin's text, then the words,
/// each with trailing newlines trimmed, joined by one blank line. `None`
/// when every part is empty.
pub fn compose(file_parts: &[String], stdin: Option<&str>, words: &[String]) -> Option<String> {
    let prompt = words.join(" ");
    let parts: Vec<&str> = file_parts
        .iter()
        .map(String::as_str)
        .chain(stdin)
        .chain([prompt.as_str()])
        .map(|p| p.trim_end_matches(['\n', '\r']))
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("\n\n"))
    }
}

/// Replace each lone `-` word by stdin's text.
pub fn substitute_dash(words: &[String], stdin: &str) -> Vec<String> {
    let stdin = stdin.trim_end_matches(['\n', '\r']);
    words
        .iter()
        .map(|w| {
            if w == "-" {
                stdin.to_string()
            } else {
                w.clone()
            }
        })
        .collect()
}

/// An input as a file: FILE itself, or stdin (or a FILE that is not a
/// regular file: a pipe, `<(…)`, /dev/stdin) spooled to a temporary file
/// (removed on drop), so that every line is checked before anything is
/// sent and a line can be read twice (`yap replay`, `yap batch`). A pipe
/// opened a second time would wait for a writer that is gone.
pub struct Spool {
    path: std::path::PathBuf,
    temporary: bool,
    /// How the input is named in messages.
    name: String,
}

impl Spool {
    /// `what` names the temporary file (`yap-WHAT-PID.jsonl`).
    pub fn new(arg: &str, what: &str) -> Result<Spool, Failure> {
        let regular = || std::fs::metadata(arg).map_or(true, |m| m.is_file() || m.is_dir());
        if arg != "-" && regular() {
            return Ok(Spool {
                path: std::path::PathBuf::from(arg),
                temporary: false,
                name: arg.to_string(),
            });
        }
        let name = if arg == "-" { "stdin" } else { arg };
        let path = std::env::temp_dir().join(format!("yap-{what}-{}.jsonl", std::process::id()));
        let fail = |e: std::io::Error| {
            Failure::usage(format!("cannot spool {name} to {}: {e}", path.display()))
        };
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(fail)?;
        let spool = Spool {
            path: path.clone(),
            temporary: true,
            name: name.to_string(),
        };
        if arg == "-" {
            std::io::copy(&mut std::io::stdin().lock(), &mut file).map_err(fail)?;
        } else {
            let mut from = std::fs::File::open(arg)
                .map_err(|e| Failure::usage(format!("cannot read {arg}: {e}")))?;
            std::io::copy(&mut from, &mut file).map_err(fail)?;
        }
        Ok(spool)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// How the input is named in messages.
    pub fn name(&self) -> String {
        self.name.clone()
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn order_is_files_stdin_words() {
        let files = vec![file_part(Path::new("a.txt"), "A\n")];
        let text = compose(&files, Some("diff\n\n"), &words(&["write", "it"])).unwrap();
        assert_eq!(text, "==> a.txt <==\nA\n\ndiff\n\nwrite it");
    }

    #[test]
    fn empty_stdin_counts_as_none() {
        assert_eq!(compose(&[], Some(""), &words(&["hi"])).unwrap(), "hi");
        assert_eq!(compose(&[], Some("\n"), &[]), None);
    }

    #[test]
    fn dash_is_replaced_by_stdin() {
        let w = substitute_dash(&words(&["summarise", "-", "please"]), "TEXT\n");
        assert_eq!(w.join(" "), "summarise TEXT please");
    }
}

/// An `-i` argument as an `image_url` URL: http(s) and `data:` URLs as
/// they are, a local file as a `data:` URL with its MIME type.
pub fn image_url(arg: &str) -> Result<String, Failure> {
    let lower = arg.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("data:") {
        return Ok(arg.to_string());
    }
    let path = Path::new(arg);
    let bytes =
        std::fs::read(path).map_err(|e| Failure::usage(format!("cannot read image {arg}: {e}")))?;
    let mime = image_mime(&bytes, path).ok_or_else(|| {
        Failure::usage(format!(
            "image {arg}: not a PNG, JPEG, GIF or WebP file (by its bytes or its extension)"
        ))
    })?;
    use base64::Engine as _;
    Ok(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    ))
}

/// The MIME type by magic bytes, else by extension.
pub fn image_mime(bytes: &[u8], path: &Path) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return Some("image/jpeg");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some("image/gif");
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "png" => Some("image/png"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "gif" => Some("image/gif"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

#[cfg(test)]
mod image_tests {
    use super::*;

    #[test]
    fn mime_by_magic_then_extension() {
        assert_eq!(
            image_mime(b"\x89PNG\r\n\x1a\nxxxx", Path::new("a.bin")),
            Some("image/png")
        );
        assert_eq!(
            image_mime(b"\xFF\xD8\xFF\xE0", Path::new("a")),
            Some("image/jpeg")
        );
        assert_eq!(
            image_mime(b"RIFF\0\0\0\0WEBPVP8 ", Path::new("a")),
            Some("image/webp")
        );
        assert_eq!(image_mime(b"???", Path::new("a.JPG")), Some("image/jpeg"));
        assert_eq!(image_mime(b"???", Path::new("a.txt")), None);
        assert_eq!(image_url("https://x/y.png").unwrap(), "https://x/y.png");
    }
}
