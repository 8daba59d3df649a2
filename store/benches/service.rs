//! The service's cost per accepted TOTP verification, against each backend's own conditional
//! write. `scripts/bench_service.py` (`make bench-service`) runs this and django-otp and prints
//! the comparison; this program prints one machine-readable `BENCH {json}` line per row.
//!
//! Rows, for `sqlite` (a file, `?synchronous=full`), `sqlite-normal` (the default, NORMAL),
//! `postgres` and `redis` (from `MFAKIT_TEST_POSTGRES_URL` / `MFAKIT_TEST_REDIS_URL`; a store
//! whose variable is unset is skipped), each with 1 and with 8 concurrent callers:
//!
//! - `service`: `MfaService::step_up(user, Method::Totp, code)`, an *accepted* verification
//!   every time: load, open the sealed secret, verify, compare-and-swap the record with its
//!   audit event. Replays are refused, so each call is a fresh step: the service's clock reads a
//!   thread-local time that the caller advances by 30 s per call, and the codes are computed
//!   before the timed loop. Each caller is its own user.
//! - `backend_cas`: `Backend::compare_and_swap` alone, with a record of the same size and one
//!   audit event: the write the service makes, without the load and the decision.
//! - `raw_write`: the floor, one conditional write through the same driver and nothing else:
//!   an autocommit `UPDATE … WHERE user_id = ? AND version = ?` (prepared) on SQLite and
//!   PostgreSQL, a minimal compare-and-swap Lua script on Redis.
//!
//! `MFAKIT_BENCH_SECS` (default 2.5) is the time each row runs; 1/3 less for the baselines.
//! `MFAKIT_BENCH_STORES` (comma-separated names) runs only those stores.
#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmark setup: a failure stops the run

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use mfakit_core::{
    AttemptPolicy, AuditEvent, AuditKind, ChallengeKey, Keyring, Method, MfaContext, OtpAuthUri,
    RecoveryParams, SealingKey, ServicePolicy, Totp, Verdict,
};
use mfakit_store::{open_backend, Backend, MfaService, StoreOptions, StoredRecord};

/// The first time of the benchmark clock; call k of a caller runs at T0 + 30 (k + 1).
const T0: u64 = 1_800_000_000;
/// Untimed calls before each caller's timed loop (connections opened, caches warm).
const WARMUP: usize = 20;
const CONCURRENT: usize = 8;

thread_local! {
    /// The service's clock: each caller thread sets the time of its next call.
    static NOW: Cell<u64> = const { Cell::new(T0) };
}

fn bench_secs() -> f64 {
    std::env::var("MFAKIT_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.5)
}

/// Per-caller latencies and the wall time of one row.
struct Row {
    latencies: Vec<Duration>,
    wall: Duration,
}

/// Runs `callers` threads; each builds its operation with `make(caller, calls)` (untimed; the
/// operation must support `calls` calls), runs it `WARMUP` times, waits for the others, then
/// calls it until `budget` has passed (or `calls - WARMUP` times), timing each call.
fn measure<F, M>(callers: usize, budget: Duration, make: M) -> Row
where
    F: FnMut(),
    M: Fn(usize, usize) -> F + Sync,
{
    // Calls prepared per caller: more than the budget allows at the rates seen here (a row
    // that runs out ends early; its `ops` shows it), few enough to compute the codes quickly.
    let calls = WARMUP + if callers == 1 { 60_000 } else { 20_000 };
    let barrier = Barrier::new(callers);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for caller in 0..callers {
            let (barrier, results, make) = (&barrier, &results, &make);
            s.spawn(move || {
                let mut op = make(caller, calls);
                for _ in 0..WARMUP {
                    op();
                }
                let mut latencies = Vec::with_capacity(calls);
                barrier.wait();
                let start = Instant::now();
                while latencies.len() < calls - WARMUP && start.elapsed() < budget {
                    let t = Instant::now();
                    op();
                    latencies.push(t.elapsed());
                }
                let end = Instant::now();
                results.lock().unwrap().push((start, end, latencies));
            });
        }
    });
    let results = results.into_inner().unwrap();
    let start = results.iter().map(|r| r.0).min().unwrap();
    let end = results.iter().map(|r| r.1).max().unwrap();
    Row {
        latencies: results.into_iter().flat_map(|r| r.2).collect(),
        wall: end - start,
    }
}

fn report(group: &str, store: &str, callers: usize, mut row: Row, extra: serde_json::Value) {
    row.latencies.sort_unstable();
    let n = row.latencies.len();
    let at = |q: f64| row.latencies[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
    let us = |d: Duration| (d.as_secs_f64() * 1e7).round() / 10.0;
    let mut line = serde_json::json!({
        "group": group,
        "store": store,
        "callers": callers,
        "ops": n,
        "median_us": us(at(0.5)),
        "p99_us": us(at(0.99)),
        "ops_per_s": (n as f64 / row.wall.as_secs_f64()).round(),
    });
    if let (Some(line), Some(extra)) = (line.as_object_mut(), extra.as_object()) {
        line.extend(extra.clone());
    }
    println!("BENCH {line}");
    eprintln!(
        "  {group:<12} {store:<14} {callers} caller(s): {n} ops, median {} us, p99 {} us",
        us(at(0.5)),
        us(at(0.99))
    );
}

fn context() -> MfaContext {
    let keyring = Keyring::new("k1", SealingKey::from_bytes(&[7u8; 32]).unwrap()).unwrap();
    let challenge_key = ChallengeKey::from_bytes(&[9u8; 32]).unwrap();
    // The default policy, except cheap argon2 for the 10 recovery codes made at enrolment
    // (setup only: a TOTP verification never hashes; the PHC strings, and so the record's
    // size, are the same) and no lockout (every call is accepted anyway).
    let policy = ServicePolicy {
        attempts: AttemptPolicy {
            lockout_after: 0,
            lockout_secs: 0,
            ..AttemptPolicy::default()
        },
        recovery_params: RecoveryParams {
            m_cost_kib: 64,
            t_cost: 1,
            p_cost: 1,
        },
        ..ServicePolicy::default()
    };
    MfaContext::new(keyring, challenge_key, "Example Co", policy).unwrap()
}

fn options() -> StoreOptions {
    StoreOptions {
        max_connections: CONCURRENT,
        ..StoreOptions::default()
    }
}

/// One store under test: its URL and how to reach it without mfakit.
struct Target {
    name: &'static str,
    url: String,
    /// Tag of this run's user ids, removed from the shared servers afterwards.
    run: String,
}

/// Users with a confirmed TOTP, enrolled at T0; returns (user, its TOTP).
fn enrol(svc: &MfaService, target: &Target, prefix: &str, n: usize) -> Vec<(String, Totp)> {
    (0..n)
        .map(|i| {
            let user = format!("{}-{prefix}-{i}", target.run);
            NOW.with(|c| c.set(T0));
            let setup = svc.setup_totp(&user, "bench@example.com", true).unwrap();
            let totp = OtpAuthUri::parse(&setup.uri).unwrap().totp().unwrap();
            let confirm = svc
                .confirm_totp(&user, &totp.generate_at(T0).unwrap())
                .unwrap();
            assert_eq!(confirm.verdict, Verdict::Accepted);
            (user, totp)
        })
        .collect()
}

fn service_rows(target: &Target, budget: Duration) -> String {
    let clock = Arc::new(|| NOW.with(Cell::get));
    let svc = MfaService::open(&target.url, context(), options())
        .unwrap()
        .with_clock(clock);
    let mut record = String::new();
    for callers in [1, CONCURRENT] {
        let users = enrol(&svc, target, &format!("svc{callers}"), callers);
        let make = |caller: usize, calls: usize| {
            let (user, totp) = &users[caller];
            let steps: Vec<(u64, String)> = (1..=calls as u64)
                .map(|k| {
                    let t = T0 + 30 * k;
                    (t, totp.generate_at(t).unwrap())
                })
                .collect();
            let mut next = steps.into_iter();
            let svc = &svc;
            move || {
                let (t, code) = next.next().expect("enough codes for the budget");
                NOW.with(|c| c.set(t));
                let v = svc.step_up(user, Method::Totp, &code).unwrap();
                assert_eq!(v.verdict, Verdict::Accepted, "every call is a fresh step");
            }
        };
        let row = measure(callers, budget, make);
        record = svc.backend().load(&users[0].0).unwrap().unwrap().record;
        report(
            "service",
            target.name,
            callers,
            row,
            serde_json::json!({ "record_bytes": record.len() }),
        );
    }
    record
}

fn backend_cas_rows(target: &Target, budget: Duration, record: &str) {
    let backend = open_backend(&target.url, options()).unwrap();
    for callers in [1, CONCURRENT] {
        let make = |caller: usize, _calls: usize| {
            let user = format!("{}-cas{callers}-{caller}", target.run);
            let backend: &dyn Backend = backend.as_ref();
            let mut version = 0u64;
            move || {
                let event = AuditEvent {
                    at: T0 + version,
                    user_id: user.clone(),
                    kind: AuditKind::Verified,
                    method: Some(Method::Totp),
                    outcome: "step_up".into(),
                };
                let stored = StoredRecord {
                    record: record.to_owned(),
                    version: version + 1,
                };
                assert!(backend
                    .compare_and_swap(&user, version, &stored, &[event])
                    .unwrap());
                version += 1;
            }
        };
        report(
            "backend_cas",
            target.name,
            callers,
            measure(callers, budget, make),
            serde_json::json!({}),
        );
    }
}

/// The same UPDATE the SQL backends run for an existing record (their `UPDATE_RECORD`).
const UPDATE_SQLITE: &str = "UPDATE mfakit_records SET version = ?2, record = ?3, updated_at = ?4 WHERE user_id = ?1 AND version = ?5";
const UPDATE_PG: &str = "UPDATE mfakit_records SET version = $2, record = $3, updated_at = $4 WHERE user_id = $1 AND version = $5";
/// The smallest compare-and-swap on Redis: version check and write, no audit.
const CAS_LUA: &str = r"
if (redis.call('HGET', KEYS[1], 'v') or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'r', ARGV[3])
return 1
";

/// Each caller's conditional write through the bare driver: the row it updates is created by
/// `Backend::compare_and_swap` first, so the table, its indexes and the record are the store's.
fn raw_write_rows(target: &Target, budget: Duration, record: &str) {
    let backend = open_backend(&target.url, options()).unwrap();
    for callers in [1, CONCURRENT] {
        let make = |caller: usize, _calls: usize| -> Box<dyn FnMut()> {
            let user = format!("{}-raw{callers}-{caller}", target.run);
            let record = record.to_owned();
            let first = StoredRecord {
                record: record.to_owned(),
                version: 1,
            };
            assert!(backend.compare_and_swap(&user, 0, &first, &[]).unwrap());
            let mut version = 1i64;
            match target.name {
                "sqlite" | "sqlite-normal" => {
                    let (path, sync) = sqlite_path(&target.url);
                    let conn = rusqlite::Connection::open(path).unwrap();
                    conn.busy_timeout(Duration::from_secs(5)).unwrap();
                    conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
                        .unwrap();
                    conn.pragma_update(None, "synchronous", sync).unwrap();
                    Box::new(move || {
                        let mut stmt = conn.prepare_cached(UPDATE_SQLITE).unwrap();
                        let n = stmt
                            .execute(rusqlite::params![user, version + 1, record, 0, version])
                            .unwrap();
                        assert_eq!(n, 1);
                        version += 1;
                    })
                }
                "postgres" => {
                    let mut client =
                        postgres::Client::connect(&target.url, postgres::NoTls).unwrap();
                    let stmt = client.prepare(UPDATE_PG).unwrap();
                    Box::new(move || {
                        let n = client
                            .execute(&stmt, &[&user, &(version + 1), &record, &0i64, &version])
                            .unwrap();
                        assert_eq!(n, 1);
                        version += 1;
                    })
                }
                _ => {
                    let mut conn = redis::Client::open(target.url.as_str())
                        .unwrap()
                        .get_connection()
                        .unwrap();
                    let script = redis::Script::new(CAS_LUA);
                    let key = redis_record_key(&user);
                    Box::new(move || {
                        let swapped: i64 = script
                            .key(&key)
                            .arg(version)
                            .arg(version + 1)
                            .arg(&record)
                            .invoke(&mut conn)
                            .unwrap();
                        assert_eq!(swapped, 1);
                        version += 1;
                    })
                }
            }
        };
        report(
            "raw_write",
            target.name,
            callers,
            measure(callers, budget, |c, n| {
                let mut op = make(c, n);
                move || op()
            }),
            serde_json::json!({}),
        );
    }
}

fn sqlite_path(url: &str) -> (String, &'static str) {
    let rest = url.strip_prefix("sqlite://").unwrap();
    match rest.split_once('?') {
        Some((path, "synchronous=full")) => (path.to_owned(), "FULL"),
        _ => (rest.to_owned(), "NORMAL"),
    }
}

/// The record key `mfakit_store::redis` uses for a user (see its module docs).
fn redis_record_key(user: &str) -> String {
    use base64::Engine as _;
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(user.as_bytes());
    format!("mfakit:{{{tag}}}:record")
}

/// Removes this run's users from the shared servers (SQLite files are removed whole).
fn clean_up(target: &Target) {
    let pattern = format!("{}-%", target.run);
    match target.name {
        "postgres" => {
            let mut client = postgres::Client::connect(&target.url, postgres::NoTls).unwrap();
            for table in ["mfakit_records", "mfakit_audit"] {
                let sql = format!("DELETE FROM {table} WHERE user_id LIKE $1");
                client.execute(sql.as_str(), &[&pattern]).unwrap();
            }
        }
        "redis" => {
            let mut conn = redis::Client::open(target.url.as_str())
                .unwrap()
                .get_connection()
                .unwrap();
            let mut keys = Vec::new();
            for group in ["svc", "cas", "raw"] {
                for callers in [1, CONCURRENT] {
                    for caller in 0..callers {
                        let user = format!("{}-{group}{callers}-{caller}", target.run);
                        let record = redis_record_key(&user);
                        keys.push(record.replace(":record", ":audit"));
                        keys.push(record);
                    }
                }
            }
            let _: () = redis::cmd("DEL").arg(keys).query(&mut conn).unwrap();
        }
        _ => {}
    }
}

fn main() {
    let secs = bench_secs();
    let budget = Duration::from_secs_f64(secs);
    let base_budget = Duration::from_secs_f64(secs * 2.0 / 3.0);
    let run = format!(
        "bench-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("bench-service");
    std::fs::create_dir_all(&dir).unwrap();
    let mut targets = Vec::new();
    for (name, query) in [("sqlite", "?synchronous=full"), ("sqlite-normal", "")] {
        let path = dir.join(format!("{name}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        targets.push(Target {
            name,
            url: format!("sqlite://{}{query}", path.display()),
            run: run.clone(),
        });
    }
    for (name, var) in [
        ("postgres", "MFAKIT_TEST_POSTGRES_URL"),
        ("redis", "MFAKIT_TEST_REDIS_URL"),
    ] {
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => targets.push(Target {
                name,
                url,
                run: run.clone(),
            }),
            _ => eprintln!("note: {var} not set; skipping {name}"),
        }
    }
    // MFAKIT_BENCH_STORES=sqlite-normal,redis: only these stores (profiling one of them).
    if let Ok(only) = std::env::var("MFAKIT_BENCH_STORES") {
        targets.retain(|t| only.split(',').any(|name| name == t.name));
    }
    for target in &targets {
        eprintln!("{}:", target.name);
        let record = service_rows(target, budget);
        backend_cas_rows(target, base_budget, &record);
        raw_write_rows(target, base_budget, &record);
        clean_up(target);
    }
}
