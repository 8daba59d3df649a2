//! The SQLite backend (the default): one file, several processes, WAL.
//!
//! `sqlite://PATH` opens (creating) the file PATH — what follows `sqlite://`, so
//! `sqlite:///var/lib/app/mfa.db` is absolute and `sqlite://mfakit.db` relative — in WAL mode
//! with a busy timeout, so that readers never block the writer and several processes can
//! share the file. `sqlite::memory:` is a private in-memory database (one connection; for
//! tests). Every write is one `BEGIN IMMEDIATE` transaction: it takes the database's write
//! lock up front, so the conditional `UPDATE … WHERE version = ?` and the audit inserts
//! commit together or not at all.
//!
//! Durability: `synchronous=NORMAL` by default. In WAL mode that makes every acknowledged write
//! survive a crash or restart of the application (the write is in the WAL file before the call
//! returns), but not an operating-system crash or power cut, after which the last commits
//! before it may be rolled back. `?synchronous=full` makes every commit wait for an fsync;
//! measured with make bench-service that costs one disk flush per verification (0.1 ms on one
//! machine, 5–8 ms on another, where it was 30× the rest of the work). We chose NORMAL because
//! the window it leaves is a machine crash within a second of a verification, after which a code
//! used just before the crash could be used once more; TOTP codes expire within 90 s, about
//! the time a machine takes to come back. Choose `full` where recovery codes must never come
//! back after a power cut, or use PostgreSQL.

use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use mfakit_core::{AuditEvent, MfaError, Result};

use crate::pool::Pool;
use crate::{storage_error, to_i64, Backend, Decision, StoreOptions, StoredRecord, STORE_SCHEMA};

const CREATE_SCHEMA_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS mfakit_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)";
const READ_SCHEMA: &str = "SELECT version FROM mfakit_schema WHERE id = 1";
const WRITE_SCHEMA: &str =
    "INSERT INTO mfakit_schema (id, version) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET version = excluded.version";
const MIGRATION_1: &str = "
    CREATE TABLE mfakit_records (
        user_id    TEXT PRIMARY KEY NOT NULL,
        version    INTEGER NOT NULL,
        record     TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE mfakit_audit (
        id      INTEGER PRIMARY KEY, -- the rowid: increasing, as audit rows are never deleted
        user_id TEXT NOT NULL,
        at      INTEGER NOT NULL,
        kind    TEXT NOT NULL,
        method  TEXT,
        outcome TEXT NOT NULL
    );
    CREATE INDEX mfakit_audit_by_user ON mfakit_audit (user_id, id DESC);";
const LOAD: &str = "SELECT record, version FROM mfakit_records WHERE user_id = ?1";
const INSERT_RECORD: &str = "INSERT INTO mfakit_records (user_id, version, record, updated_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user_id) DO NOTHING";
const UPDATE_RECORD: &str = "UPDATE mfakit_records SET version = ?2, record = ?3, updated_at = ?4 WHERE user_id = ?1 AND version = ?5";
const INSERT_EVENT: &str =
    "INSERT INTO mfakit_audit (user_id, at, kind, method, outcome) VALUES (?1, ?2, ?3, ?4, ?5)";
const READ_AUDIT: &str = "SELECT at, kind, method, outcome FROM mfakit_audit WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2";

/// A SQLite database file (or memory) behind a small pool of connections.
pub struct SqliteBackend {
    pool: Pool<Connection>,
    /// Writers of this process take turns here before `BEGIN IMMEDIATE`. SQLite lets one
    /// writer in at a time anyway; without this queue the others poll its busy handler, which
    /// sleeps 1, 2, 5, 10… ms between tries, so with 8 callers a 30 µs write waited up to a
    /// second at p99 (store/benches/service.rs). Other processes still meet at the file lock
    /// and the busy timeout. Held for one transaction only, so no wait here is longer than the
    /// queue of this process's writers ahead of it (at most the pool's size).
    writer: Mutex<()>,
}

fn sql_err(what: &str) -> impl Fn(rusqlite::Error) -> MfaError + '_ {
    move |e| storage_error(what, e)
}

impl SqliteBackend {
    /// Opens `sqlite://PATH[?synchronous=normal|full]` or `sqlite::memory:`.
    pub fn open(url: &str, options: StoreOptions) -> Result<SqliteBackend> {
        let bad = |why: &str| MfaError::param("store", why.to_owned());
        let (path, synchronous, max) = if url == "sqlite::memory:" {
            (None, "NORMAL", 1)
        } else {
            let rest = url
                .strip_prefix("sqlite://")
                .ok_or_else(|| bad("must be sqlite://PATH or sqlite::memory:"))?;
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            if path.is_empty() {
                return Err(bad("sqlite:// needs a file path"));
            }
            let synchronous = match query {
                "" | "synchronous=normal" => "NORMAL",
                "synchronous=full" => "FULL",
                _ => return Err(bad("the only sqlite option is synchronous=full|normal")),
            };
            let path = percent_encoding::percent_decode_str(path)
                .decode_utf8()
                .map_err(|_| bad("path is not UTF-8"))?
                .into_owned();
            (Some(path), synchronous, options.max_connections)
        };
        let timeout = options.timeout;
        let connect = move || -> Result<Connection> {
            let conn = match &path {
                Some(p) => Connection::open(p),
                None => Connection::open_in_memory(),
            }
            .map_err(sql_err("cannot open the SQLite database"))?;
            conn.busy_timeout(timeout)
                .map_err(sql_err("busy_timeout"))?;
            if path.is_some() {
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
                    .map_err(sql_err("journal_mode=WAL"))?;
            }
            conn.pragma_update(None, "synchronous", synchronous)
                .map_err(sql_err("synchronous"))?;
            Ok(conn)
        };
        Ok(SqliteBackend {
            pool: Pool::new(max, options.timeout, Box::new(connect)),
            writer: Mutex::new(()),
        })
    }
}

fn method_name(event: &AuditEvent) -> Option<&'static str> {
    event.method.map(|m| m.as_str())
}

impl Backend for SqliteBackend {
    fn migrate(&self) -> Result<()> {
        let mut conn = self.pool.get()?;
        // BEGIN IMMEDIATE: two processes starting at once migrate one after the other.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_err("migration"))?;
        tx.execute(CREATE_SCHEMA_TABLE, [])
            .map_err(sql_err("migration"))?;
        let current: u32 = tx
            .query_row(READ_SCHEMA, [], |r| r.get(0))
            .optional()
            .map_err(sql_err("migration"))?
            .unwrap_or(0);
        if current > STORE_SCHEMA {
            return Err(MfaError::storage(format!(
                "the database was migrated to schema {current} by a newer mfakit (this one knows {STORE_SCHEMA})"
            )));
        }
        if current < 1 {
            tx.execute_batch(MIGRATION_1)
                .map_err(sql_err("migration 1"))?;
        }
        tx.execute(WRITE_SCHEMA, [STORE_SCHEMA])
            .map_err(sql_err("migration"))?;
        tx.commit().map_err(sql_err("migration"))
    }

    fn load(&self, user_id: &str) -> Result<Option<StoredRecord>> {
        load_in(&*self.pool.get()?, user_id)
    }

    fn compare_and_swap(
        &self,
        user_id: &str,
        expected: u64,
        record: &StoredRecord,
        events: &[AuditEvent],
    ) -> Result<bool> {
        let mut conn = self.pool.get()?;
        // The guard protects no data: a panic while holding it leaves nothing to repair.
        let _turn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        // BEGIN IMMEDIATE takes the write lock now; the row is written only if its version is
        // still `expected` (or, for a new user, if no row exists), and the audit rows commit
        // with it.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_err("begin"))?;
        if !write(&tx, user_id, expected, record, events)? {
            return Ok(false);
        }
        tx.commit().map_err(sql_err("commit"))?;
        Ok(true)
    }

    fn update_locked(
        &self,
        user_id: &str,
        decide: &mut dyn FnMut(Option<StoredRecord>) -> Result<Decision>,
    ) -> Result<Option<bool>> {
        let mut conn = self.pool.get()?;
        let _turn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        // One transaction from the load to the commit, holding the database's write lock
        // throughout: no writer of any process can come between the load and the write. It
        // also takes SQLite's file locks once instead of twice (a read, then a write), which
        // with the load's own statement was most of the service's cost over a bare write
        // (store/benches/service.rs).
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_err("begin"))?;
        let current = load_in(&tx, user_id)?;
        let expected = current.as_ref().map_or(0, |c| c.version);
        match decide(current)? {
            // Dropping the transaction rolls it back: nothing was written.
            Decision::Unchanged => Ok(Some(true)),
            Decision::Write(record, events) => {
                if !write(&tx, user_id, expected, &record, &events)? {
                    return Ok(Some(false));
                }
                tx.commit().map_err(sql_err("commit"))?;
                Ok(Some(true))
            }
        }
    }

    fn audit(&self, user_id: &str, limit: usize) -> Result<Vec<AuditEvent>> {
        let conn = self.pool.get()?;
        let mut stmt = conn.prepare_cached(READ_AUDIT).map_err(sql_err("audit"))?;
        let rows = stmt
            .query_map(params![user_id, limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(sql_err("audit"))?;
        let mut out = Vec::new();
        for row in rows {
            let (at, kind, method, outcome) = row.map_err(sql_err("audit"))?;
            out.push(crate::audit_event(
                user_id,
                at,
                &kind,
                method.as_deref(),
                outcome,
            )?);
        }
        Ok(out)
    }

    fn kind(&self) -> &'static str {
        "sqlite"
    }
}

fn load_in(conn: &Connection, user_id: &str) -> Result<Option<StoredRecord>> {
    // Cached statements: parsing and planning the SQL again on every call cost about as much
    // as running it (store/benches/service.rs, `sqlite-normal`).
    let mut stmt = conn.prepare_cached(LOAD).map_err(sql_err("load"))?;
    stmt.query_row([user_id], |r| {
        Ok(StoredRecord {
            record: r.get(0)?,
            version: r.get::<_, i64>(1)?.try_into().unwrap_or(0),
        })
    })
    .optional()
    .map_err(sql_err("load"))
}

/// Inside a write transaction: the row, only if its version is still `expected` (0: no row
/// yet), and the audit rows. `Ok(false)`: the version differed; nothing was written.
fn write(
    tx: &Connection,
    user_id: &str,
    expected: u64,
    record: &StoredRecord,
    events: &[AuditEvent],
) -> Result<bool> {
    let version = to_i64(record.version)?;
    let now = to_i64(events.first().map_or(0, |e| e.at))?;
    let written = if expected == 0 {
        tx.prepare_cached(INSERT_RECORD)
            .and_then(|mut s| s.execute(params![user_id, version, record.record, now]))
    } else {
        let expected = to_i64(expected)?;
        tx.prepare_cached(UPDATE_RECORD)
            .and_then(|mut s| s.execute(params![user_id, version, record.record, now, expected]))
    }
    .map_err(sql_err("write"))?;
    if written != 1 {
        return Ok(false);
    }
    let mut insert = tx.prepare_cached(INSERT_EVENT).map_err(sql_err("audit"))?;
    for e in events {
        insert
            .execute(params![
                user_id,
                to_i64(e.at)?,
                e.kind.as_str(),
                method_name(e),
                e.outcome
            ])
            .map_err(sql_err("audit"))?;
    }
    Ok(true)
}
