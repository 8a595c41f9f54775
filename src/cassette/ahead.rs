//! The first pass over a long cassette, on two cores.
//!
//! Checking a line's events before any is played is what keeps a broken
//! cassette from printing half an answer; on a line of a million events
//! that check (and the read of the file) was a third of `yap replay`.
//! So when the file is long, a second thread checks its second half while
//! the reader checks the first: it starts at the first element boundary
//! after the middle (`},{"ms":`, which JSON cannot hold outside an events
//! array of the shape yap writes: inside a string every quote is escaped)
//! and checks elements one after the other, as the fast path of the first
//! pass would ([`fast::check`]), up to the end of that array or the first
//! element it declines.
//!
//! The reader uses that work only when its own scan arrives exactly at that
//! boundary as the start of an element of `response.events`: then every
//! element from there to where the thread stopped is one the reader's own
//! walk would have checked and counted the same way, and it jumps past
//! them. Anywhere else (a hand-edited line, the boundary inside another
//! structure) the thread's work is dropped and nothing changes.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use super::fast;

/// Files shorter than this are checked by the reader alone.
pub const MIN_FILE: u64 = 4 << 20;

/// Where the thread looks for its first boundary, after the middle.
const LOOK: usize = 256 * 1024;
/// Bytes kept ahead of the element being checked (a longer element stops
/// the thread: the reader checks it), and read at a time.
const KEEP: usize = 256 * 1024;
const READ: u64 = 1 << 20;

const BOUNDARY: &[u8] = b"},{\"ms\":";

/// The elements checked ahead: from `at` (a file offset, the `{` of an
/// element) to `to` (the next element's `{`, or the array's `]`), `count`
/// of them.
pub struct Checked {
    pub to: u64,
    pub count: u64,
}

pub struct Ahead {
    /// Where the thread started: the `{` of an element.
    pub at: u64,
    thread: Option<JoinHandle<Checked>>,
    cancel: Arc<AtomicBool>,
}

impl Ahead {
    /// Start checking the second half of the file at `path` (when it is
    /// at least `min` bytes long and has a boundary past its middle).
    pub fn start(path: &Path, min: u64) -> Option<Ahead> {
        // A regular file only: a pipe opened twice would lose bytes.
        let meta = std::fs::metadata(path).ok()?;
        let len = meta.len();
        if !meta.is_file() || len < min.max(1) {
            return None;
        }
        let mut file = File::open(path).ok()?;
        let middle = len / 2;
        file.seek(SeekFrom::Start(middle)).ok()?;
        let mut window = Vec::with_capacity(LOOK);
        file.by_ref()
            .take(LOOK as u64)
            .read_to_end(&mut window)
            .ok()?;
        let found = memchr::memmem::find(&window, BOUNDARY)?;
        // The `{` after `},`.
        let at = middle + found as u64 + 2;
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&cancel);
        let thread = std::thread::Builder::new()
            .name("yap-check-ahead".into())
            .spawn(move || check_from(file, at, &stop).unwrap_or(Checked { to: at, count: 0 }))
            .ok()?;
        Some(Ahead {
            at,
            thread: Some(thread),
            cancel,
        })
    }

    /// Wait for the thread: what it checked (nothing if it failed).
    pub fn finish(mut self) -> Checked {
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or(Checked {
                to: self.at,
                count: 0,
            })
    }
}

impl Drop for Ahead {
    /// Not used (the reader never came to `at`): the thread stops at its
    /// next read.
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Check elements from the file offset `at` on, as the first pass's fast
/// path does, until one is declined or the array ends.
fn check_from(mut file: File, at: u64, cancel: &AtomicBool) -> io::Result<Checked> {
    file.seek(SeekFrom::Start(at))?;
    let mut buf: Vec<u8> = Vec::with_capacity(KEEP + READ as usize);
    let mut start = 0;
    let mut done = Checked { to: at, count: 0 };
    let mut eof = false;
    loop {
        if buf.len() - start < KEEP && !eof {
            if cancel.load(Ordering::Relaxed) {
                return Ok(done);
            }
            buf.drain(..start);
            start = 0;
            eof = file.by_ref().take(READ).read_to_end(&mut buf)? == 0;
            continue;
        }
        if buf.get(start) != Some(&b'{') {
            return Ok(done);
        }
        let Some(n) = fast::check(&buf[start..]) else {
            return Ok(done);
        };
        start += n;
        done.to += n as u64;
        done.count += 1;
    }
}
