//! The PostgreSQL backend, for applications on several machines.
//!
//! `postgres://user:password@host:5432/db?sslmode=require` (libpq-style URL or key=value
//! string; `postgresql://` too). TLS goes through rustls with the Mozilla root store:
//! `sslmode=prefer` (the default) uses TLS when the server offers it, `sslmode=require`
//! refuses a server without it, and the certificate is always verified.
//!
//! Atomicity: each write is one statement, so one round trip and one implicit transaction: its
//! `UPDATE … WHERE user_id = $1 AND version = $5` matches only while the row still has the
//! version that was read (under READ COMMITTED a concurrent writer's UPDATE waits for ours and
//! then matches no row); a new user's row is an `INSERT … ON CONFLICT DO NOTHING`. The audit
//! rows are inserted by a second data-modifying `WITH` part of the same statement, one row per
//! event for each record row written, so they commit with the record or not at all.
//! Migrations hold a transaction-scoped advisory lock, so processes starting at once migrate
//! one after the other.
//!
//! The `postgres` crate drives its connection on an internal tokio runtime: call this backend
//! from plain threads, never from inside a tokio runtime (it would panic).

use std::collections::HashMap;
use std::sync::Arc;

use postgres::{Client, Config, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

use mfakit_core::{AuditEvent, MfaError, Result};

use crate::pool::Pool;
use crate::{storage_error, to_i64, Backend, StoreOptions, StoredRecord, STORE_SCHEMA};

/// An arbitrary constant naming mfakit's migration lock among the database's advisory locks.
const MIGRATION_LOCK: i64 = 0x6d66_616b_6974;
const MIGRATE_LOCK: &str = "SELECT pg_advisory_xact_lock($1)";
const CREATE_SCHEMA_TABLE: &str = "CREATE TABLE IF NOT EXISTS mfakit_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)";
const READ_SCHEMA: &str = "SELECT version FROM mfakit_schema WHERE id = 1";
const WRITE_SCHEMA: &str = "INSERT INTO mfakit_schema (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = excluded.version";
const MIGRATION_1: &str = "
    CREATE TABLE mfakit_records (
        user_id    TEXT PRIMARY KEY,
        version    BIGINT NOT NULL,
        record     TEXT NOT NULL,
        updated_at BIGINT NOT NULL
    );
    CREATE TABLE mfakit_audit (
        id      BIGSERIAL PRIMARY KEY,
        user_id TEXT NOT NULL,
        at      BIGINT NOT NULL,
        kind    TEXT NOT NULL,
        method  TEXT,
        outcome TEXT NOT NULL
    );
    CREATE INDEX mfakit_audit_by_user ON mfakit_audit (user_id, id DESC);";
const LOAD: &str = "SELECT record, version FROM mfakit_records WHERE user_id = $1";
/// The audit rows of a write: `$6..$9` are the events' times, kinds, methods and outcomes as
/// arrays, inserted in their order (`WITH ORDINALITY`, so the ids increase as they did one by
/// one) for each record row the statement wrote, i.e. once or never.
macro_rules! with_events {
    ($write:literal) => {
        concat!(
            "WITH w AS (",
            $write,
            " RETURNING user_id), e AS (INSERT INTO mfakit_audit (user_id, at, kind, method, outcome) ",
            "SELECT w.user_id, ev.at, ev.kind, ev.method, ev.outcome FROM w, ",
            "unnest($6::bigint[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY AS ev(at, kind, method, outcome, n) ",
            "ORDER BY ev.n) SELECT count(*) FROM w"
        )
    };
}
// `$5` (the expected version) is unused by the insert; it is cast so that both statements take
// the same parameters.
const INSERT_RECORD: &str = with_events!("INSERT INTO mfakit_records (user_id, version, record, updated_at) SELECT $1, $2, $3, $4 WHERE $5::bigint = 0 ON CONFLICT (user_id) DO NOTHING");
const UPDATE_RECORD: &str = with_events!("UPDATE mfakit_records SET version = $2, record = $3, updated_at = $4 WHERE user_id = $1 AND version = $5");
const READ_AUDIT: &str = "SELECT at, kind, method, outcome FROM mfakit_audit WHERE user_id = $1 ORDER BY id DESC LIMIT $2";

/// A connection and its prepared statements (one round trip less per query).
pub(crate) struct PgConn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl PgConn {
    fn statement(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(pg_err("prepare"))?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
}

/// A PostgreSQL database behind a small pool of connections.
pub struct PostgresBackend {
    pool: Pool<PgConn>,
}

fn pg_err(what: &str) -> impl Fn(postgres::Error) -> MfaError + '_ {
    // The driver's messages name hosts and SQL states, never the password.
    move |e| storage_error(what, e)
}

fn tls() -> Result<MakeRustlsConnect> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| storage_error("TLS", e))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

impl PostgresBackend {
    /// Opens a pool on `url`; the first connection is made now, so a wrong URL fails here.
    pub fn open(url: &str, options: StoreOptions) -> Result<PostgresBackend> {
        let mut config: Config = url
            .parse()
            .map_err(|_| MfaError::param("store", "not a valid postgres:// URL"))?;
        config.connect_timeout(options.timeout);
        config.application_name("mfakit");
        let tls = tls()?;
        let connect = move || -> Result<PgConn> {
            let client = config
                .connect(tls.clone())
                .map_err(pg_err("cannot connect to PostgreSQL"))?;
            Ok(PgConn {
                client,
                statements: HashMap::new(),
            })
        };
        let backend = PostgresBackend {
            pool: Pool::new(options.max_connections, options.timeout, Box::new(connect)),
        };
        drop(backend.pool.get()?);
        Ok(backend)
    }

    fn with_conn<T>(&self, f: impl FnOnce(&mut PgConn) -> Result<T>) -> Result<T> {
        let mut conn = self.pool.get()?;
        let out = f(&mut conn);
        if out.is_err() && conn.client.is_closed() {
            conn.discard();
        }
        out
    }
}

impl Backend for PostgresBackend {
    fn migrate(&self) -> Result<()> {
        self.with_conn(|c| {
            let mut tx = c.client.transaction().map_err(pg_err("migration"))?;
            tx.execute(MIGRATE_LOCK, &[&MIGRATION_LOCK]).map_err(pg_err("migration lock"))?;
            tx.batch_execute(CREATE_SCHEMA_TABLE).map_err(pg_err("migration"))?;
            let current: i32 = tx
                .query_opt(READ_SCHEMA, &[])
                .map_err(pg_err("migration"))?
                .map_or(0, |r| r.get(0));
            if current > STORE_SCHEMA as i32 {
                return Err(MfaError::storage(format!(
                    "the database was migrated to schema {current} by a newer mfakit (this one knows {STORE_SCHEMA})"
                )));
            }
            if current < 1 {
                tx.batch_execute(MIGRATION_1).map_err(pg_err("migration 1"))?;
            }
            tx.execute(WRITE_SCHEMA, &[&(STORE_SCHEMA as i32)]).map_err(pg_err("migration"))?;
            tx.commit().map_err(pg_err("migration"))
        })
    }

    fn load(&self, user_id: &str) -> Result<Option<StoredRecord>> {
        self.with_conn(|c| {
            let stmt = c.statement(LOAD)?;
            let row = c
                .client
                .query_opt(&stmt, &[&user_id])
                .map_err(pg_err("load"))?;
            Ok(row.map(|r| StoredRecord {
                record: r.get(0),
                version: u64::try_from(r.get::<_, i64>(1)).unwrap_or(0),
            }))
        })
    }

    fn compare_and_swap(
        &self,
        user_id: &str,
        expected: u64,
        record: &StoredRecord,
        events: &[AuditEvent],
    ) -> Result<bool> {
        let version = to_i64(record.version)?;
        let expected_i = to_i64(expected)?;
        let now = to_i64(events.first().map_or(0, |e| e.at))?;
        let mut at = Vec::with_capacity(events.len());
        for e in events {
            at.push(to_i64(e.at)?);
        }
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        let methods: Vec<Option<&str>> = events
            .iter()
            .map(|e| e.method.map(|m| m.as_str()))
            .collect();
        let outcomes: Vec<&str> = events.iter().map(|e| e.outcome.as_str()).collect();
        self.with_conn(|c| {
            // The conditional write and its audit rows, one statement: see the module docs.
            let stmt = c.statement(if expected == 0 {
                INSERT_RECORD
            } else {
                UPDATE_RECORD
            })?;
            let row = c
                .client
                .query_one(
                    &stmt,
                    &[
                        &user_id,
                        &version,
                        &record.record,
                        &now,
                        &expected_i,
                        &at,
                        &kinds,
                        &methods,
                        &outcomes,
                    ],
                )
                .map_err(pg_err("write"))?;
            Ok(row.get::<_, i64>(0) == 1)
        })
    }

    fn audit(&self, user_id: &str, limit: usize) -> Result<Vec<AuditEvent>> {
        self.with_conn(|c| {
            let stmt = c.statement(READ_AUDIT)?;
            let rows = c
                .client
                .query(&stmt, &[&user_id, &(limit as i64)])
                .map_err(pg_err("audit"))?;
            rows.iter()
                .map(|r| {
                    crate::audit_event(
                        user_id,
                        r.get(0),
                        r.get::<_, &str>(1),
                        r.get::<_, Option<&str>>(2),
                        r.get(3),
                    )
                })
                .collect()
        })
    }

    fn kind(&self) -> &'static str {
        "postgres"
    }
}
