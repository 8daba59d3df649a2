//! The Redis backend: `redis://host:6379/0`, `rediss://…` (TLS), or
//! `redis+cluster://host1:port,host2:port` for Redis Cluster.
//!
//! A user's record is the hash `mfakit:{<user>}:record` (fields `v`, the version, and `r`,
//! the record) and the audit log the list `mfakit:{<user>}:audit`, newest first, trimmed to
//! the newest 10,000 events. The user id, base64url-encoded, is the hash tag: both keys of a
//! user live in one cluster slot, so one Lua script can touch both.
//!
//! Atomicity: the compare-and-swap is a Lua script; Redis runs a script without interleaving
//! any other command, so the version check, the write and the audit push happen as one.
//!
//! Durability: Redis acknowledges a write before it reaches a replica or the disk. After a
//! failover (or a crash without `appendfsync always`) a just-written "used" marker can be
//! lost, and a code could then be accepted twice. Run Redis with `appendonly yes` and
//! `appendfsync always` where that matters, and add `?wait=N` to the URL to make every write
//! wait until N replicas have it (the `WAIT` command; a write that no replica confirms within
//! the store timeout is reported as [`MfaError::Storage`], though it may have happened).

use std::time::Duration;

use redis::{ConnectionLike, Script};

use mfakit_core::{AuditEvent, MfaError, Result};

use crate::pool::Pool;
use crate::{event_json, storage_error, Backend, StoreOptions, StoredRecord, STORE_SCHEMA};

const SCHEMA_KEY: &str = "mfakit:schema";
/// Audit events kept per user.
pub const AUDIT_KEEP: usize = 10_000;

/// KEYS: record, audit. ARGV: expected version, new version, record, audit cap, events….
const CAS_SCRIPT: &str = r"
local current = redis.call('HGET', KEYS[1], 'v')
if current == false then current = '0' end
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'r', ARGV[3])
if #ARGV >= 5 then
  for i = 5, #ARGV do redis.call('LPUSH', KEYS[2], ARGV[i]) end
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1)
end
return 1
";

enum Conn {
    Single(redis::Connection),
    Cluster(Box<redis::cluster::ClusterConnection>),
}

impl Conn {
    fn get(&mut self) -> &mut dyn ConnectionLike {
        match self {
            Conn::Single(c) => c,
            Conn::Cluster(c) => c.as_mut(),
        }
    }
}

/// A Redis server or cluster behind a small pool of connections.
pub struct RedisBackend {
    pool: Pool<Conn>,
    cas: Script,
    wait_replicas: Option<u32>,
    timeout: Duration,
}

fn redis_err(what: &str) -> impl Fn(redis::RedisError) -> MfaError + '_ {
    move |e| storage_error(what, e)
}

fn keys(user_id: &str) -> (String, String) {
    use base64::Engine as _;
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(user_id.as_bytes());
    (
        format!("mfakit:{{{tag}}}:record"),
        format!("mfakit:{{{tag}}}:audit"),
    )
}

impl RedisBackend {
    /// Opens a pool on `url`; the first connection is made now, so a wrong URL fails here.
    pub fn open(url: &str, options: StoreOptions) -> Result<RedisBackend> {
        let bad = |why: &str| MfaError::param("store", why.to_owned());
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut wait_replicas = None;
        let mut passthrough = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("wait", n)) => {
                    wait_replicas = Some(n.parse().map_err(|_| bad("wait must be a number"))?)
                }
                _ => passthrough.push(pair),
            }
        }
        let with_query = |u: &str| {
            if passthrough.is_empty() {
                u.to_owned()
            } else {
                format!("{u}?{}", passthrough.join("&"))
            }
        };
        let timeout = options.timeout;
        let connect: Box<dyn Fn() -> Result<Conn> + Send + Sync> = if let Some(nodes) = base
            .strip_prefix("redis+cluster://")
            .map(|n| (n, "redis"))
            .or_else(|| {
                base.strip_prefix("rediss+cluster://")
                    .map(|n| (n, "rediss"))
            }) {
            let (nodes, scheme) = nodes;
            let urls: Vec<String> = nodes
                .split(',')
                .map(|n| with_query(&format!("{scheme}://{n}")))
                .collect();
            let client = redis::cluster::ClusterClientBuilder::new(urls)
                .connection_timeout(timeout)
                .response_timeout(timeout)
                .build()
                .map_err(|_| bad("not a valid redis+cluster:// URL"))?;
            Box::new(move || {
                client
                    .get_connection()
                    .map(|c| Conn::Cluster(Box::new(c)))
                    .map_err(redis_err("cannot connect to Redis Cluster"))
            })
        } else {
            let client = redis::Client::open(with_query(base))
                .map_err(|_| bad("not a valid redis:// URL"))?;
            Box::new(move || {
                let conn = client
                    .get_connection_with_timeout(timeout)
                    .map_err(redis_err("cannot connect to Redis"))?;
                conn.set_read_timeout(Some(timeout))
                    .map_err(redis_err("timeout"))?;
                conn.set_write_timeout(Some(timeout))
                    .map_err(redis_err("timeout"))?;
                Ok(Conn::Single(conn))
            })
        };
        let backend = RedisBackend {
            pool: Pool::new(options.max_connections, options.timeout, connect),
            cas: Script::new(CAS_SCRIPT),
            wait_replicas,
            timeout,
        };
        drop(backend.pool.get()?);
        Ok(backend)
    }

    fn with_conn<T>(&self, f: impl FnOnce(&mut dyn ConnectionLike) -> Result<T>) -> Result<T> {
        let mut conn = self.pool.get()?;
        let out = f(conn.get());
        if out.is_err() && !conn.get().is_open() {
            conn.discard();
        }
        out
    }
}

impl Backend for RedisBackend {
    fn migrate(&self) -> Result<()> {
        self.with_conn(|c| {
            let _: () = redis::cmd("SET")
                .arg(SCHEMA_KEY)
                .arg(STORE_SCHEMA)
                .arg("NX")
                .query(c)
                .map_err(redis_err("migration"))?;
            let current: u32 = redis::cmd("GET")
                .arg(SCHEMA_KEY)
                .query(c)
                .map_err(redis_err("migration"))?;
            if current > STORE_SCHEMA {
                return Err(MfaError::storage(format!(
                    "the Redis keys were migrated to schema {current} by a newer mfakit (this one knows {STORE_SCHEMA})"
                )));
            }
            Ok(())
        })
    }

    fn load(&self, user_id: &str) -> Result<Option<StoredRecord>> {
        let (record_key, _) = keys(user_id);
        self.with_conn(|c| {
            let (version, record): (Option<u64>, Option<String>) = redis::cmd("HMGET")
                .arg(&record_key)
                .arg("v")
                .arg("r")
                .query(c)
                .map_err(redis_err("load"))?;
            match (version, record) {
                (Some(version), Some(record)) => Ok(Some(StoredRecord { record, version })),
                (None, None) => Ok(None),
                _ => Err(MfaError::stored("Redis record hash is missing a field")),
            }
        })
    }

    fn compare_and_swap(
        &self,
        user_id: &str,
        expected: u64,
        record: &StoredRecord,
        events: &[AuditEvent],
    ) -> Result<bool> {
        let (record_key, audit_key) = keys(user_id);
        self.with_conn(|c| {
            let mut call = self.cas.key(&record_key);
            call.key(&audit_key)
                .arg(expected)
                .arg(record.version)
                .arg(&record.record)
                .arg(AUDIT_KEEP);
            for e in events {
                call.arg(event_json(e));
            }
            // The Lua script is the atomic step: check version, write, push audit.
            let swapped: i64 = call.invoke(c).map_err(redis_err("write"))?;
            if swapped == 1 {
                if let Some(n) = self.wait_replicas {
                    let acked: u32 = redis::cmd("WAIT")
                        .arg(n)
                        // Half the socket timeout, so that WAIT answers before the read times out.
                        .arg((self.timeout.as_millis() / 2) as u64)
                        .query(c)
                        .map_err(redis_err("WAIT"))?;
                    if acked < n {
                        return Err(MfaError::storage(format!(
                            "only {acked} of {n} replicas confirmed the write in time"
                        )));
                    }
                }
            }
            Ok(swapped == 1)
        })
    }

    fn audit(&self, user_id: &str, limit: usize) -> Result<Vec<AuditEvent>> {
        let (_, audit_key) = keys(user_id);
        self.with_conn(|c| {
            let items: Vec<String> = redis::cmd("LRANGE")
                .arg(&audit_key)
                .arg(0)
                .arg(limit.saturating_sub(1))
                .query(c)
                .map_err(redis_err("audit"))?;
            items
                .iter()
                .map(|s| {
                    serde_json::from_str(s).map_err(|_| MfaError::stored("malformed audit event"))
                })
                .collect()
        })
    }

    fn kind(&self) -> &'static str {
        "redis"
    }
}
