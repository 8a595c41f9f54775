//! The `-O` file of a batch: what `--resume` skips, what `--retry-failed`
//! takes out, a torn last line dropped; and `--merge` of shard outputs.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::Failure;

/// The indices an output file already holds.
#[derive(Clone, Debug, Default)]
pub struct Done {
    pub ok: BTreeSet<usize>,
    pub failed: BTreeSet<usize>,
}

impl Done {
    pub fn contains(&self, index: usize) -> bool {
        self.ok.contains(&index) || self.failed.contains(&index)
    }
}

fn usage(path: &Path, what: impl std::fmt::Display) -> Failure {
    Failure::usage(format!("{}: {what}", path.display()))
}

/// Read `-O` for `--resume`: every whole line's index. A torn last line
/// (no newline at the end, or not JSON) is cut off the file. With
/// `retry_failed`, the failed records' lines are taken out of the file
/// (rewritten through a temporary file) and their indices are not done.
pub fn resume(path: &Path, retry_failed: bool) -> Result<Done, Failure> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Done::default()),
        Err(e) => return Err(usage(path, format!("cannot read it to resume: {e}"))),
    };
    let mut reader = BufReader::new(file);
    let mut done = Done::default();
    let mut whole_len = 0u64;
    let mut keep: Vec<(u64, u64)> = Vec::new();
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| usage(path, format!("cannot read it to resume: {e}")))?;
        if n == 0 {
            break;
        }
        number += 1;
        let start = whole_len;
        let complete = line.ends_with(b"\n");
        let parsed = serde_json::from_slice::<Value>(&line).ok();
        let index = parsed
            .as_ref()
            .and_then(|v| v.get("index"))
            .and_then(Value::as_u64)
            .and_then(|i| usize::try_from(i).ok());
        match (complete, index) {
            (true, Some(index)) => {
                whole_len += n as u64;
                let failed = parsed.as_ref().is_some_and(|v| v.get("error").is_some());
                if failed {
                    done.failed.insert(index);
                } else {
                    done.ok.insert(index);
                }
                if !(failed && retry_failed) {
                    keep.push((start, n as u64));
                }
            }
            (false, _) => break,
            (true, None) => {
                return Err(usage(
                    path,
                    format!(
                        "line {number} is not a result line (no \"index\"); is this a batch's -O file?"
                    ),
                ));
            }
        }
    }
    let len = fs::metadata(path).map_err(|e| usage(path, e))?.len();
    if retry_failed && !done.failed.is_empty() {
        rewrite(path, &keep)?;
        done.failed.clear();
    } else if len > whole_len {
        // A torn last line: the batch was killed while writing it.
        OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|f| f.set_len(whole_len))
            .map_err(|e| usage(path, format!("cannot drop its torn last line: {e}")))?;
    }
    Ok(done)
}

/// Keep only the byte ranges `keep` of `path` (a temporary file renamed).
fn rewrite(path: &Path, keep: &[(u64, u64)]) -> Result<(), Failure> {
    let data = fs::read(path).map_err(|e| usage(path, e))?;
    let tmp = temp_beside(path);
    let mut out = File::create(&tmp).map_err(|e| usage(&tmp, e))?;
    for &(start, len) in keep {
        let (s, e) = (start as usize, (start + len) as usize);
        if let Some(bytes) = data.get(s..e) {
            out.write_all(bytes).map_err(|e| usage(&tmp, e))?;
        }
    }
    out.sync_all().map_err(|e| usage(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| usage(path, e))
}

fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.yap-tmp-{}", std::process::id()))
}

/// `yap replay --merge FILE...`: every line of the shard outputs in input
/// order; the indices missing between 0 and the largest. An index found
/// twice is exit 2 naming both places.
pub fn merge(files: &[PathBuf]) -> Result<(Vec<String>, Vec<usize>), Failure> {
    let mut by_index: BTreeMap<usize, (String, String)> = BTreeMap::new();
    for path in files {
        let file = File::open(path).map_err(|e| usage(path, format!("cannot read it: {e}")))?;
        for (n, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| usage(path, e))?;
            if line.trim().is_empty() {
                continue;
            }
            let place = format!("{} line {}", path.display(), n + 1);
            let index = super::index_of(&line).ok_or_else(|| {
                Failure::usage(format!("{place}: not a result line (no \"index\")"))
            })?;
            if let Some((_, first)) = by_index.get(&index) {
                return Err(Failure::usage(format!(
                    "index {index} is in {first} and in {place}: the shards overlap; nothing was written"
                )));
            }
            by_index.insert(index, (line, place));
        }
    }
    let missing = match by_index.keys().next_back() {
        Some(&last) => (0..=last).filter(|i| !by_index.contains_key(i)).collect(),
        None => Vec::new(),
    };
    Ok((by_index.into_values().map(|(l, _)| l).collect(), missing))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str, text: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("yap-batch-files-{}-{name}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let p = dir.join("out.jsonl");
        fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn resume_drops_a_torn_line_and_retry_takes_failures_out() {
        let p = scratch(
            "torn",
            "{\"index\":0,\"response\":{}}\n{\"index\":2,\"error\":{}}\n{\"index\":1,\"resp",
        );
        let done = resume(&p, false).unwrap();
        assert_eq!(done.ok, BTreeSet::from([0]));
        assert_eq!(done.failed, BTreeSet::from([2]));
        assert!(fs::read_to_string(&p).unwrap().ends_with("{}}\n"));
        let done = resume(&p, true).unwrap();
        assert!(done.failed.is_empty() && done.contains(0) && !done.contains(2));
        assert_eq!(
            fs::read_to_string(&p).unwrap(),
            "{\"index\":0,\"response\":{}}\n"
        );
    }

    #[test]
    fn merge_orders_lists_gaps_and_refuses_overlaps() {
        let a = scratch("a", "{\"index\":2}\n{\"index\":0}\n");
        let b = scratch("b", "{\"index\":3}\n");
        let (lines, missing) = merge(&[a.clone(), b]).unwrap();
        assert_eq!(lines, ["{\"index\":0}", "{\"index\":2}", "{\"index\":3}"]);
        assert_eq!(missing, [1]);
        let c = scratch("c", "{\"index\":2}\n");
        assert!(merge(&[a, c]).unwrap_err().message.contains("overlap"));
    }
}
