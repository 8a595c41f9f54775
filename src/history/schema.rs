//! Opening the database: the busy timeout, WAL, and the versioned schema.
//! `PRAGMA user_version` holds the version; each migration takes the
//! database from one version to the next inside one immediate transaction,
//! so concurrent processes upgrade it once. A database newer than this yap
//! is refused before anything is written to it (not even the journal mode).

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::HistoryError;
use super::text;

/// The schema version this yap writes.
pub const VERSION: i64 = 2;

/// How long a write waits for another process's (a few ms each).
const BUSY_TIMEOUT: Duration = Duration::from_secs(3);

/// The log's size past which a write folds it into the database and
/// empties it (about a dozen exchanges).
const WAL_BYTES: u64 = 256 * 1024;

/// After a write: when the log is over [`WAL_BYTES`], fold it into the
/// database and truncate it. A checkpoint another process keeps from
/// finishing is left to a later write.
pub fn fold_log(conn: &Connection, path: &Path) {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let big = std::fs::metadata(&wal).is_ok_and(|m| m.len() > WAL_BYTES);
    if big {
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
}

/// Version 1: one row per exchange.
const V1: &str = "
CREATE TABLE IF NOT EXISTS exchanges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cid TEXT NOT NULL,
    time TEXT NOT NULL,
    profile TEXT,
    host TEXT,
    endpoint TEXT,
    model TEXT,
    request TEXT NOT NULL,
    response TEXT,
    finish_reason TEXT,
    usage TEXT,
    status INTEGER,
    ttfb_ms INTEGER,
    total_ms INTEGER NOT NULL,
    exit_code INTEGER NOT NULL,
    state TEXT NOT NULL,
    error TEXT
);
";

/// Version 2: the prompt and response texts kept beside the documents (so
/// that `logs` lists and searches without parsing JSON), and an index for
/// `--cid`.
const V2: &str = "
ALTER TABLE exchanges ADD COLUMN prompt TEXT;
ALTER TABLE exchanges ADD COLUMN response_text TEXT;
CREATE INDEX IF NOT EXISTS exchanges_cid ON exchanges (cid, id);
";

/// Open (`create`: creating it and its folder when missing) and bring the
/// schema up to [`VERSION`].
pub fn open(path: &Path, create: bool) -> Result<Connection, HistoryError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        HistoryError::new(format!("{what} {}: {e}", path.display()))
    };
    if create && let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| fail("cannot create the folder of", &e))?;
    }
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| fail("cannot open", &e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| fail("cannot open", &e))?;
    let version = user_version(&conn).map_err(|e| fail("cannot read", &e))?;
    if version > VERSION {
        return Err(newer(path, version));
    }
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .map_err(|e| fail("cannot read", &e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        to_wal(&conn).map_err(|e| fail("cannot switch to WAL", &e))?;
    }
    // WAL with NORMAL: a commit writes the log without waiting for the
    // disk; the log is synced at checkpoints. A crash may lose the last
    // rows, never the database.
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(|e| fail("cannot open", &e))?;
    // Closing the last connection would fold the log into the database and
    // sync it: a cost felt by every yap run. [`fold_log`] does it instead,
    // once the log is over WAL_BYTES. (SQLite's own automatic checkpoint
    // cannot restart the log in a process that opened the database alone,
    // so the log would only grow, and every process reads all of it again.)
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
        true,
    )
    .map_err(|e| fail("cannot open", &e))?;
    conn.pragma_update(None, "wal_autocheckpoint", 0)
        .map_err(|e| fail("cannot open", &e))?;
    if version < VERSION {
        migrate(&mut conn).map_err(|e| match e {
            Migration::Newer(v) => newer(path, v),
            Migration::Sql(e) => fail("cannot upgrade the history schema of", &e),
        })?;
    }
    Ok(conn)
}

/// Switch a new database to WAL. SQLite does not wait for the busy timeout
/// here, so processes creating the database at once wait in turn.
fn to_wal(conn: &Connection) -> rusqlite::Result<()> {
    let start = std::time::Instant::now();
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
}

fn newer(path: &Path, version: i64) -> HistoryError {
    HistoryError::new(format!(
        "{} has history schema version {version}, newer than this yap knows ({VERSION}); \
         it was left as it is: upgrade yap, or set YAP_DATA_DIR to another folder",
        path.display()
    ))
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

enum Migration {
    Newer(i64),
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for Migration {
    fn from(e: rusqlite::Error) -> Migration {
        Migration::Sql(e)
    }
}

/// Run the migrations the database lacks, in one transaction that holds
/// the write lock (the version is read again under it).
fn migrate(conn: &mut Connection) -> Result<(), Migration> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version = user_version(&tx)?;
    if version > VERSION {
        return Err(Migration::Newer(version));
    }
    if version < 1 {
        tx.execute_batch(V1)?;
    }
    if version < 2 {
        tx.execute_batch(V2)?;
        backfill_texts(&tx)?;
    }
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.commit()?;
    Ok(())
}

/// Version 2's texts for the rows written before it.
fn backfill_texts(conn: &Connection) -> rusqlite::Result<()> {
    let rows: Vec<(i64, String, Option<String>)> = {
        let mut stmt = conn.prepare("SELECT id, request, response FROM exchanges")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?
    };
    let mut update =
        conn.prepare("UPDATE exchanges SET prompt = ?1, response_text = ?2 WHERE id = ?3")?;
    for (id, request, response) in rows {
        let request = serde_json::from_str(&request).unwrap_or(serde_json::Value::Null);
        let response = response
            .and_then(|r| serde_json::from_str(&r).ok())
            .unwrap_or(serde_json::Value::Null);
        update.execute(rusqlite::params![
            text::prompt(&request),
            text::response(&response),
            id
        ])?;
    }
    Ok(())
}
