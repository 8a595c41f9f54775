//! The local history: every exchange of `chat` and `complete` as one row
//! of a SQLite database (`history.sqlite3` in the data folder), written
//! after the answer is printed. Nothing here can change an answer or an
//! exit code: a failed write is a [`HistoryError`] the caller turns into
//! one warning.
//!
//! Writing: a [`Recorder`] (the database, opened on the first write) takes
//! finished [`Exchange`]s with their [`Meta`] (conversation id, profile);
//! a [`Conversation`] is a recorder bound to one conversation id that says
//! a failure once. Every exchange recorded with the same id is a row of
//! the same conversation: each turn of the interactive chat, each step of
//! a tool loop.
//!
//! Reading: [`Store`] lists, shows, removes rows and finds what `chat -c`
//! and `--cid` send again.

mod query;
mod schema;
pub mod text;

use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde_json::Value;

pub use query::{Resume, Row, Summary};
pub use schema::VERSION;

use crate::config::{ApiKey, Env};
use crate::error::{Failure, Kind};
use crate::exchange::Exchange;

/// The database's file name in the data folder.
pub const FILE_NAME: &str = "history.sqlite3";

/// Why the history could not be read or written; the message names the
/// file and what to do.
#[derive(Debug, Clone)]
pub struct HistoryError(pub String);

impl HistoryError {
    fn new(message: impl Into<String>) -> HistoryError {
        HistoryError(message.into())
    }
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<HistoryError> for Failure {
    fn from(e: HistoryError) -> Failure {
        Failure::new(Kind::Other, format!("history: {}", e.0))
    }
}

/// The data folder: `YAP_DATA_DIR`, else `$XDG_DATA_HOME/yap`, else
/// `$HOME/.local/share/yap`, all read from the process environment only
/// (a `.env` must not choose where conversations are kept).
pub fn data_dir(env: &Env) -> Result<PathBuf, String> {
    if let Some(dir) = env.process("YAP_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = env.process("XDG_DATA_HOME") {
        return Ok(PathBuf::from(dir).join("yap"));
    }
    if let Some(home) = env.process("HOME") {
        return Ok(PathBuf::from(home).join(".local").join("share").join("yap"));
    }
    Err(
        "neither YAP_DATA_DIR, XDG_DATA_HOME nor HOME is set; set YAP_DATA_DIR to a folder"
            .to_string(),
    )
}

/// The database file of the history.
pub fn db_path(env: &Env) -> Result<PathBuf, String> {
    data_dir(env).map(|d| d.join(FILE_NAME))
}

/// What a row says besides the exchange itself.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// The conversation the exchange belongs to.
    pub cid: String,
    /// The profile in use, if any.
    pub profile: Option<String>,
}

/// Writes exchanges into the history. The database is opened on the first
/// [`Recorder::record`], after the first answer was printed.
pub struct Recorder {
    path: PathBuf,
    key: Option<ApiKey>,
    conn: Option<Connection>,
}

impl Recorder {
    /// A recorder of the database at `path`; `key` (the key of the
    /// requests) is replaced by `[redacted]` in whatever is stored.
    pub fn new(path: PathBuf, key: Option<ApiKey>) -> Recorder {
        Recorder {
            path,
            key,
            conn: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write one finished exchange as a row; its id.
    pub fn record(&mut self, exchange: &Exchange, meta: &Meta) -> Result<i64, HistoryError> {
        let conn = match &mut self.conn {
            Some(conn) => conn,
            slot => slot.insert(schema::open(&self.path, true)?),
        };
        let row = query::NewRow::of(exchange, meta, self.key.as_ref());
        let id = row.insert(conn).map_err(|e| {
            HistoryError::new(format!("cannot write to {}: {e}", self.path.display()))
        })?;
        schema::fold_log(conn, &self.path);
        Ok(id)
    }
}

/// A recorder bound to one conversation: what a command holds while it
/// runs one or more exchanges. Only the first failed write gives a
/// warning; the ones after it are silent.
pub struct Conversation {
    recorder: Option<Recorder>,
    /// Why there is no recorder (no data folder), said on the first write.
    unavailable: Option<String>,
    meta: Meta,
    warned: bool,
}

impl Conversation {
    /// A conversation written to `path` (or, when `path` is an error, one
    /// whose first write says why nothing is written). `cid` `None` starts
    /// a new conversation id.
    pub fn new(
        path: Result<PathBuf, String>,
        key: Option<ApiKey>,
        cid: Option<String>,
        profile: Option<String>,
    ) -> Conversation {
        let meta = Meta {
            cid: cid.unwrap_or_else(text::new_cid),
            profile,
        };
        match path {
            Ok(path) => Conversation {
                recorder: Some(Recorder::new(path, key)),
                unavailable: None,
                meta,
                warned: false,
            },
            Err(why) => Conversation {
                recorder: None,
                unavailable: Some(why),
                meta,
                warned: false,
            },
        }
    }

    pub fn cid(&self) -> &str {
        &self.meta.cid
    }

    /// Record one exchange as a row of this conversation. `Some(warning)`
    /// the first time a write fails, for stderr; `None` otherwise.
    pub fn record(&mut self, exchange: &Exchange) -> Option<String> {
        let result = match &mut self.recorder {
            Some(r) => r.record(exchange, &self.meta).map(|_| ()),
            None => Err(HistoryError::new(
                self.unavailable.clone().unwrap_or_default(),
            )),
        };
        match result {
            Ok(()) => None,
            Err(_) if self.warned => None,
            Err(e) => {
                self.warned = true;
                Some(format!(
                    "the history was not written: {e} (--no-log or YAP_NO_LOG=1 turns it off)"
                ))
            }
        }
    }
}

/// The history for reading: listing, showing, removing, resuming.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Open an existing history (upgrading an older schema); `Ok(None)`
    /// when there is none yet.
    pub fn open_existing(path: &Path) -> Result<Option<Store>, Failure> {
        if !path.exists() {
            return Ok(None);
        }
        schema::open(path, false)
            .map(|conn| Some(Store { conn }))
            .map_err(Failure::from)
    }

    fn fail(e: rusqlite::Error) -> Failure {
        HistoryError::new(format!("cannot read the history: {e}")).into()
    }

    /// Rows newest first: at most `limit`, whose prompt or response holds
    /// `query` (any case), of conversation `cid`.
    pub fn list(
        &self,
        limit: usize,
        query: Option<&str>,
        cid: Option<&str>,
    ) -> Result<Vec<Summary>, Failure> {
        query::list(&self.conn, limit, query, cid).map_err(Store::fail)
    }

    /// One row by id, or the newest with `last`.
    pub fn get(&self, which: Which) -> Result<Option<Row>, Failure> {
        query::get(&self.conn, which).map_err(Store::fail)
    }

    /// The id of the newest conversation.
    pub fn newest_cid(&self) -> Result<Option<String>, Failure> {
        query::newest_cid(&self.conn).map_err(Store::fail)
    }

    /// What `chat --cid` sends again of conversation `cid`.
    pub fn resume(&self, cid: &str) -> Result<Option<Resume>, Failure> {
        query::resume(&self.conn, cid).map_err(Store::fail)
    }

    /// Remove rows by id; the ids that were not there.
    pub fn remove(&mut self, ids: &[i64]) -> Result<Vec<i64>, Failure> {
        query::remove(&mut self.conn, ids).map_err(Store::fail)
    }

    /// Remove every row; how many there were.
    pub fn remove_all(&self) -> Result<usize, Failure> {
        query::remove_all(&self.conn).map_err(Store::fail)
    }
}

/// Which conversation `chat` continues.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Continue {
    /// `-c`: the newest.
    Newest,
    /// `--cid ID`: that one, or a new one under that id.
    Id(String),
}

/// The conversation `chat -c` or `--cid` continues: its id and what to send
/// again (`None`: a new conversation under that id). `-c` with no history
/// is a usage error (exit 2).
pub fn continuation(path: &Path, which: &Continue) -> Result<(String, Option<Resume>), Failure> {
    let store = Store::open_existing(path)?;
    let cid = match (which, &store) {
        (Continue::Id(cid), _) => cid.clone(),
        (Continue::Newest, Some(store)) => store.newest_cid()?.ok_or_else(|| no_history(path))?,
        (Continue::Newest, None) => return Err(no_history(path)),
    };
    let resume = match &store {
        Some(store) => store.resume(&cid)?,
        None => None,
    };
    Ok((cid, resume))
}

fn no_history(path: &Path) -> Failure {
    Failure::usage(format!(
        "-c continues the newest conversation, but the history at {} has none; start one \
         without -c, or name one with --cid ID",
        path.display()
    ))
}

/// `yap logs show ID|last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Id(i64),
    Last,
}

/// The JSON of a stored text column.
fn parse_json(text: Option<String>) -> Value {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null)
}
