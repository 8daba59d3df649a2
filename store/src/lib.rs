//! # mfakit-store
//!
//! The stateful MFA service: mfakit keeps each user's MFA record ([`MfaRecord`]) and changes
//! it atomically, so that an application never writes the load-decide-store loop itself.
//!
//! The decisions are the pure transitions of [`mfakit_core::account`]; this crate only loads a
//! record, applies one transition, and compare-and-swaps the result on the record's version
//! together with the transition's audit events, retrying a bounded number of times when
//! another writer got there first. Each backend ([`sqlite`], [`postgres`], [`redis`]) states
//! in its `compare_and_swap` what makes that write conditional.
//!
//! Open a service with a store URL:
//!
//! - `sqlite://PATH` (the default `sqlite://mfakit.db`; `sqlite:///abs/path.db` is absolute)
//!   and `sqlite::memory:`;
//! - `postgres://user:pass@host/db?sslmode=require` (also `postgresql://`);
//! - `redis://host:6379/0`, `rediss://…`, and `redis+cluster://host1:port,host2:port`.
//!
//! Every call blocks the calling thread: call it from a plain thread (a worker pool, Python
//! with the GIL released, Node's libuv pool), never from inside a tokio runtime.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use mfakit_core::account::validate_user_id;
use mfakit_core::{
    AuditEvent, CodeToSend, LoginStart, Method, MfaContext, MfaError, MfaRecord, MfaStatus,
    RecoveryCode, Result, TotpSetup, Transition, Verification,
};
use rand::rngs::OsRng;
use rand::Rng;
use zeroize::Zeroizing;

mod pool;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "redis")]
pub mod redis;
#[cfg(feature = "sqlite")]
pub mod sqlite;

/// The schema version of the tables (SQL) or keys (Redis) this mfakit writes. A store
/// migrated by a newer mfakit is refused with [`MfaError::Storage`].
pub const STORE_SCHEMA: u32 = 1;
/// The store URL used when none is given.
pub const DEFAULT_URL: &str = "sqlite://mfakit.db";
/// Audit events returned at most by one [`MfaService::audit`] call.
pub const MAX_AUDIT_LIMIT: usize = 1000;

/// A record as stored: its text and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// [`MfaRecord::to_stored`]'s text.
    pub record: String,
    /// The version it was written at (at least 1).
    pub version: u64,
}

/// What a backend does: load, compare-and-swap with audit events, read audit events. Nothing
/// else; every decision is made in `mfakit_core::account`.
pub trait Backend: Send + Sync {
    /// Creates or upgrades the tables/keys to [`STORE_SCHEMA`]; safe when several processes
    /// start at once. A store from a newer schema is [`MfaError::Storage`].
    fn migrate(&self) -> Result<()>;

    /// The user's record, if any.
    fn load(&self, user_id: &str) -> Result<Option<StoredRecord>>;

    /// Writes `record` (at `record.version`) only if the stored version is still `expected`
    /// (0: no record yet), and appends `events` in the same atomic step. `Ok(false)`: someone
    /// else wrote first; nothing was written.
    fn compare_and_swap(
        &self,
        user_id: &str,
        expected: u64,
        record: &StoredRecord,
        events: &[AuditEvent],
    ) -> Result<bool>;

    /// Loads the user's record, lets `decide` make the transition, and writes what it decided,
    /// all in one transaction that holds the store's write lock from the load to the commit,
    /// so that no other writer, in this process or another, can come between. Backends that
    /// have such a lock cheaply (SQLite: `BEGIN IMMEDIATE`) implement it; the service uses it
    /// for the operations whose decision is quick (no argon2), and [`Backend::compare_and_swap`]
    /// for the others, so that a slow decision never holds every other user's writes.
    ///
    /// `Ok(None)`: this backend has no such lock (the default); `decide` was not called.
    /// `Ok(Some(false))`: the record changed under the lock after all (it cannot on SQLite;
    /// the write is still conditional on the version); nothing was written.
    fn update_locked(
        &self,
        user_id: &str,
        decide: &mut dyn FnMut(Option<StoredRecord>) -> Result<Decision>,
    ) -> Result<Option<bool>> {
        let _ = (user_id, decide);
        Ok(None)
    }

    /// The user's audit events, newest first, at most `limit`.
    fn audit(&self, user_id: &str, limit: usize) -> Result<Vec<AuditEvent>>;

    /// Which backend this is: `sqlite`, `postgres` or `redis`.
    fn kind(&self) -> &'static str;
}

/// What [`Backend::update_locked`]'s `decide` wants written.
#[derive(Debug)]
pub enum Decision {
    /// Nothing changed: write nothing.
    Unchanged,
    /// Write this record (its version one more than the loaded one's, or 1 for a new user)
    /// and append these events.
    Write(StoredRecord, Vec<AuditEvent>),
}

/// Store settings that are not in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// Most connections kept open (default 8). Node keeps it no larger than its libuv pool.
    pub max_connections: usize,
    /// How long to wait for a connection or a lock before [`MfaError::Storage`] (default 5 s).
    pub timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 8,
            timeout: Duration::from_secs(5),
        }
    }
}

/// Opens the backend a URL names and migrates it.
pub fn open_backend(url: &str, options: StoreOptions) -> Result<Box<dyn Backend>> {
    if options.max_connections == 0 || options.max_connections > 256 {
        return Err(MfaError::param("max_connections", "must be 1 to 256"));
    }
    let backend: Box<dyn Backend> = match url.split_once(':').map(|(scheme, _)| scheme) {
        #[cfg(feature = "sqlite")]
        Some("sqlite") => Box::new(sqlite::SqliteBackend::open(url, options)?),
        #[cfg(feature = "postgres")]
        Some("postgres" | "postgresql") => Box::new(postgres::PostgresBackend::open(url, options)?),
        #[cfg(feature = "redis")]
        Some("redis" | "rediss" | "redis+cluster" | "rediss+cluster") => {
            Box::new(redis::RedisBackend::open(url, options)?)
        }
        _ => {
            return Err(MfaError::param(
                "store",
                "must be a sqlite://, sqlite::memory:, postgres:// or redis:// URL",
            ))
        }
    };
    backend.migrate()?;
    Ok(backend)
}

/// The time source: UNIX seconds. Tests and demos may substitute their own.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

const STRIPES: usize = 64;
/// Compare-and-swap attempts before [`MfaError::Conflict`].
const MAX_ATTEMPTS: u32 = 64;

/// The MFA service: a store and the context of the transitions.
///
/// Every method that changes state runs the same loop: load the user's record, apply the
/// core transition, compare-and-swap it on its version together with its audit events, and
/// retry from the load if another writer won (at most 64 times, with jittered backoff). Only
/// after a successful write is the outcome returned, so an accepted verification has been
/// recorded as used before the caller hears of it.
///
/// Within one process, calls for the same user also queue on one of 64 striped locks, so that
/// concurrent requests do not waste argon2 work on writes that would lose the race; across
/// processes and machines the compare-and-swap alone decides.
pub struct MfaService {
    backend: Box<dyn Backend>,
    ctx: MfaContext,
    clock: Clock,
    stripes: Vec<Mutex<()>>,
}

impl std::fmt::Debug for MfaService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MfaService")
            .field("store", &self.backend.kind())
            .field("ctx", &self.ctx)
            .finish_non_exhaustive()
    }
}

impl MfaService {
    /// Opens (and migrates) the store `url` and builds a service over it.
    pub fn open(url: &str, ctx: MfaContext, options: StoreOptions) -> Result<MfaService> {
        Ok(MfaService::with_backend(open_backend(url, options)?, ctx))
    }

    /// A service over an opened backend.
    pub fn with_backend(backend: Box<dyn Backend>, ctx: MfaContext) -> MfaService {
        MfaService {
            backend,
            ctx,
            clock: Arc::new(mfakit_core::unix_now),
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
        }
    }

    /// The same service reading time from `clock` (tests, demos).
    pub fn with_clock(mut self, clock: Clock) -> MfaService {
        self.clock = clock;
        self
    }

    /// The transitions' context (issuer, policy).
    pub fn context(&self) -> &MfaContext {
        &self.ctx
    }

    /// The backend.
    pub fn backend(&self) -> &dyn Backend {
        self.backend.as_ref()
    }

    fn now(&self) -> u64 {
        (self.clock)()
    }

    fn stripe(&self, user_id: &str) -> MutexGuard<'_, ()> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        user_id.hash(&mut h);
        let lock = &self.stripes[(h.finish() as usize) % STRIPES];
        // A panic while holding a stripe leaves no state behind it (the record is in the
        // store), so a poisoned stripe is safe to reuse.
        lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The user's record as stored (an empty one if none).
    pub fn record(&self, user_id: &str) -> Result<MfaRecord> {
        validate_user_id(user_id)?;
        Ok(self.load(user_id)?.0)
    }

    fn load(&self, user_id: &str) -> Result<(MfaRecord, u64)> {
        parse_stored(user_id, self.backend.load(user_id)?)
    }

    /// The load → transition → write loop. `quick`: the transition does no slow work (no
    /// argon2), so on a backend with a write lock ([`Backend::update_locked`]) it runs under
    /// that lock, in one transaction with the load and the write; otherwise, and for slow
    /// transitions, it runs between a load and a compare-and-swap, retried when another writer
    /// got there first.
    fn update<T>(
        &self,
        user_id: &str,
        quick: bool,
        mut op: impl FnMut(&MfaRecord, u64, &mut OsRng) -> Result<Transition<T>>,
    ) -> Result<T> {
        validate_user_id(user_id)?;
        let _queue = self.stripe(user_id);
        for attempt in 0..MAX_ATTEMPTS {
            if quick {
                let mut outcome = None;
                let mut decide = |current: Option<StoredRecord>| -> Result<Decision> {
                    let (record, _) = parse_stored(user_id, current)?;
                    let transition = op(&record, self.now(), &mut OsRng)?;
                    let decision = if transition.changed {
                        Decision::Write(stored(&transition.record), transition.events)
                    } else {
                        Decision::Unchanged
                    };
                    outcome = Some(transition.outcome);
                    Ok(decision)
                };
                match self.backend.update_locked(user_id, &mut decide)? {
                    Some(true) => {
                        return outcome.ok_or_else(|| {
                            MfaError::storage("the store committed without deciding")
                        })
                    }
                    Some(false) => {
                        backoff(attempt);
                        continue;
                    }
                    None => {}
                }
            }
            let (record, version) = self.load(user_id)?;
            let transition = op(&record, self.now(), &mut OsRng)?;
            if !transition.changed {
                return Ok(transition.outcome);
            }
            if self.backend.compare_and_swap(
                user_id,
                version,
                &stored(&transition.record),
                &transition.events,
            )? {
                return Ok(transition.outcome);
            }
            backoff(attempt);
        }
        Err(MfaError::Conflict)
    }

    /// Starts a TOTP enrolment; see [`MfaRecord::setup_totp`].
    pub fn setup_totp(
        &self,
        user_id: &str,
        account: &str,
        require_verification: bool,
    ) -> Result<TotpSetup> {
        self.update(user_id, false, |r, now, rng| {
            r.setup_totp(&self.ctx, account, require_verification, now, rng)
        })
    }

    /// Confirms the pending TOTP; see [`MfaRecord::confirm_totp`].
    pub fn confirm_totp(&self, user_id: &str, code: &str) -> Result<Verification> {
        self.update(user_id, false, |r, now, rng| {
            r.confirm_totp(&self.ctx, code, now, rng)
        })
    }

    /// Starts adding an email address or phone number; returns the code to deliver.
    pub fn setup_contact(
        &self,
        user_id: &str,
        method: Method,
        address: &str,
    ) -> Result<CodeToSend> {
        self.update(user_id, true, |r, now, rng| {
            r.setup_contact(&self.ctx, method, address, now, rng)
        })
    }

    /// Confirms a pending email address or phone number.
    pub fn confirm_contact(
        &self,
        user_id: &str,
        method: Method,
        code: &str,
    ) -> Result<Verification> {
        self.update(user_id, false, |r, now, rng| {
            r.confirm_contact(&self.ctx, method, code, now, rng)
        })
    }

    /// Opens a login challenge for a user whose password the application checked.
    pub fn start_login(&self, user_id: &str) -> Result<LoginStart> {
        self.update(user_id, true, |r, now, rng| {
            r.start_login(&self.ctx, now, rng)
        })
    }

    /// Issues the email or SMS code of a login challenge, for the application to deliver.
    pub fn send_code(&self, challenge_id: &str, method: Method) -> Result<CodeToSend> {
        let user_id = self.ctx.challenge_user(challenge_id)?;
        self.update(&user_id, true, |r, now, rng| {
            r.send_code(&self.ctx, challenge_id, method, now, rng)
        })
    }

    /// Verifies a login challenge and completes the login in the same atomic step.
    pub fn verify(&self, challenge_id: &str, method: Method, code: &str) -> Result<Verification> {
        let user_id = self.ctx.challenge_user(challenge_id)?;
        self.update(&user_id, method != Method::RecoveryCode, |r, now, _| {
            r.verify_login(&self.ctx, challenge_id, method, code, now)
        })
    }

    /// Issues an email or SMS code for a step-up.
    pub fn send_step_up_code(&self, user_id: &str, method: Method) -> Result<CodeToSend> {
        self.update(user_id, true, |r, now, rng| {
            r.send_step_up_code(&self.ctx, method, now, rng)
        })
    }

    /// Step-up verification of a signed-in user.
    pub fn step_up(&self, user_id: &str, method: Method, code: &str) -> Result<Verification> {
        self.update(user_id, method != Method::RecoveryCode, |r, now, _| {
            r.step_up(&self.ctx, method, code, now)
        })
    }

    /// Methods, recovery codes left, lockout.
    pub fn status(&self, user_id: &str) -> Result<MfaStatus> {
        Ok(self.record(user_id)?.status(&self.ctx, self.now()))
    }

    /// Removes a method (needs a recent step-up).
    pub fn disable(&self, user_id: &str, method: Method) -> Result<()> {
        self.update(user_id, true, |r, now, _| r.disable(&self.ctx, method, now))
    }

    /// Replaces the recovery codes; returns the new ones, once.
    pub fn regenerate_recovery_codes(&self, user_id: &str) -> Result<Vec<RecoveryCode>> {
        self.update(user_id, false, |r, now, rng| {
            r.regenerate_recovery_codes(&self.ctx, now, rng)
        })
    }

    /// The confirmed TOTP's URI again; only when the application explicitly decides so.
    pub fn reveal_totp_uri(&self, user_id: &str) -> Result<Zeroizing<String>> {
        self.record(user_id)?.reveal_totp_uri(&self.ctx)
    }

    /// Operator: lift a lockout.
    pub fn unlock(&self, user_id: &str) -> Result<()> {
        self.update(user_id, true, |r, now, _| Ok(r.unlock(now)))
    }

    /// Operator: remove every method (an audit event records it).
    pub fn reset(&self, user_id: &str) -> Result<()> {
        self.update(user_id, true, |r, now, _| Ok(r.reset(now)))
    }

    /// The user's audit events, newest first (`limit` 1 to 1000).
    pub fn audit(&self, user_id: &str, limit: usize) -> Result<Vec<AuditEvent>> {
        validate_user_id(user_id)?;
        if !(1..=MAX_AUDIT_LIMIT).contains(&limit) {
            return Err(MfaError::param("limit", "must be 1 to 1000"));
        }
        self.backend.audit(user_id, limit)
    }
}

/// A record as loaded (an empty one, version 0, if none), checked against the store's version.
fn parse_stored(user_id: &str, stored: Option<StoredRecord>) -> Result<(MfaRecord, u64)> {
    match stored {
        None => Ok((MfaRecord::new(user_id)?, 0)),
        Some(stored) => {
            let record = MfaRecord::from_stored(user_id, &stored.record)?;
            if record.version() != stored.version {
                return Err(MfaError::InvalidStoredValue {
                    reason: "record version differs from the store's".into(),
                });
            }
            Ok((record, stored.version))
        }
    }
}

/// A record as the backends store it.
fn stored(record: &MfaRecord) -> StoredRecord {
    StoredRecord {
        record: record.to_stored(),
        version: record.version(),
    }
}

/// After a lost race: back off a random 0..2^attempt ms (at most 50 ms) before reloading.
fn backoff(attempt: u32) {
    let cap = 1u64 << attempt.min(6);
    std::thread::sleep(Duration::from_millis(OsRng.gen_range(0..cap.min(50) + 1)));
}

/// A version or time as the SQL backends' signed 64-bit integers.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn to_i64(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| MfaError::param("version", "out of range"))
}

/// Turns a driver error into [`MfaError::Storage`] without leaking the URL's password.
pub(crate) fn storage_error(what: &str, err: impl std::fmt::Display) -> MfaError {
    MfaError::storage(format!("{what}: {err}"))
}

/// Rebuilds an audit event read back from a table.
pub(crate) fn audit_event(
    user_id: &str,
    at: i64,
    kind: &str,
    method: Option<&str>,
    outcome: String,
) -> Result<AuditEvent> {
    Ok(AuditEvent {
        at: u64::try_from(at).map_err(|_| MfaError::stored("audit time out of range"))?,
        user_id: user_id.to_owned(),
        kind: kind.parse()?,
        method: method
            .map(str::parse)
            .transpose()
            .map_err(|_| MfaError::stored("unknown audit method"))?,
        outcome,
    })
}

/// Serialises an audit event for backends that keep it as text.
pub(crate) fn event_json(event: &AuditEvent) -> String {
    serde_json::to_string(event).unwrap_or_default()
}
