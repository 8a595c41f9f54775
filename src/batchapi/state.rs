//! `PATH.yap-batch.json`: what `yap batch run` submitted, written right
//! after each submission, so a second run resumes and never submits twice.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Failure, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct State {
    pub yap_batch: u32,
    /// SHA-256 of the JSONL uploaded (after -m, -o, --body, the profile).
    pub input_hash: String,
    pub lines: usize,
    /// The lines of each batch the input is split into, in order (a
    /// resumed run splits the same way whatever the flags say now).
    pub parts: Vec<usize>,
    /// The batch ids submitted so far, in input order.
    pub ids: Vec<String>,
}

/// The state file of `-O PATH`.
pub fn path_for(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".yap-batch.json");
    PathBuf::from(name)
}

/// The state, or `None` when there is no file.
pub fn load(path: &Path) -> Result<Option<State>, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Failure::usage(format!(
                "cannot read the state file {}: {e}",
                path.display()
            )));
        }
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        Failure::usage(format!(
            "the state file {} is not yap's ({e}); move it away to submit again",
            path.display()
        ))
    })
}

/// Write the state whole (a temporary file renamed).
pub fn save(path: &Path, state: &State) -> Result<(), Failure> {
    let tmp = super::temp_beside(path);
    let text = serde_json::to_string_pretty(state).unwrap_or_default();
    let result = std::fs::write(&tmp, format!("{text}\n"))
        .and_then(|()| std::fs::File::open(&tmp)?.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| {
        Failure::new(
            Kind::Other,
            format!(
                "cannot write the state file {}: {e}; the batches submitted so far: {}",
                path.display(),
                state.ids.join(" ")
            ),
        )
    })
}
