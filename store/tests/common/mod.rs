//! Shared helpers of the store tests: the backends under test, a controllable clock, a TOTP
//! computed from the secret the service handed out.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use mfakit_core::{
    AttemptPolicy, ChallengeKey, Keyring, MfaContext, OtpAuthUri, RecoveryParams, SealingKey,
    ServicePolicy,
};
use mfakit_store::{MfaService, StoreOptions};
use rand::RngCore;

/// The URL of a real server backend (`postgres` or `redis`) from `MFAKIT_TEST_POSTGRES_URL`
/// / `MFAKIT_TEST_REDIS_URL`, which `make test-store` sets after starting the servers. Unset:
/// the test is skipped with a note, unless `MFAKIT_REQUIRE_SERVERS=1` (CI), where it fails.
pub fn server_url(name: &str) -> Option<String> {
    let var = format!("MFAKIT_TEST_{}_URL", name.to_uppercase());
    match std::env::var(&var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("MFAKIT_REQUIRE_SERVERS").as_deref() == Ok("1") => {
            panic!("{var} is not set but MFAKIT_REQUIRE_SERVERS=1")
        }
        _ => {
            eprintln!("note: {var} not set; skipping the {name} backend");
            None
        }
    }
}

/// A fresh SQLite file for one test.
pub fn sqlite_url(tag: &str) -> String {
    let dir = std::env::temp_dir().join("mfakit-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{tag}-{}-{}.db", std::process::id(), unique()));
    format!("sqlite://{}", path.display())
}

pub fn unique() -> String {
    let mut b = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A user id no other test (or earlier run on the same server) uses.
pub fn user(tag: &str) -> String {
    format!("{tag}-{}", unique())
}

pub fn keyring() -> Keyring {
    Keyring::new("k1", SealingKey::from_bytes(&[7u8; 32]).unwrap()).unwrap()
}

pub fn challenge_key() -> ChallengeKey {
    ChallengeKey::from_bytes(&[9u8; 32]).unwrap()
}

/// A policy with cheap argon2 (tests hash many recovery codes) and no backoff, so that
/// concurrent guesses are all compared; `lockout_after` as given (0: none).
pub fn policy(lockout_after: u32) -> ServicePolicy {
    ServicePolicy {
        attempts: AttemptPolicy {
            backoff_base_secs: 0,
            backoff_factor: 1,
            backoff_cap_secs: 0,
            lockout_after,
            lockout_secs: if lockout_after > 0 { 3600 } else { 0 },
        },
        recovery_params: RecoveryParams {
            m_cost_kib: 64,
            t_cost: 1,
            p_cost: 1,
        },
        ..ServicePolicy::default()
    }
}

pub fn context(policy: ServicePolicy) -> MfaContext {
    MfaContext::new(keyring(), challenge_key(), "Example Co", policy).unwrap()
}

/// A settable clock shared by the services of one test.
#[derive(Clone)]
pub struct TestClock(pub Arc<AtomicU64>);

impl TestClock {
    pub fn new(start: u64) -> TestClock {
        TestClock(Arc::new(AtomicU64::new(start)))
    }
    pub fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
    pub fn set(&self, t: u64) {
        self.0.store(t, Ordering::SeqCst)
    }
    pub fn advance(&self, secs: u64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

pub const T0: u64 = 1_800_000_000;

pub fn open(url: &str, policy: ServicePolicy, clock: &TestClock) -> MfaService {
    let c = clock.clone();
    MfaService::open(
        url,
        context(policy),
        StoreOptions {
            max_connections: 8,
            ..StoreOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("open {url}: {e}"))
    .with_clock(Arc::new(move || c.now()))
}

/// The code an authenticator app would show for `uri` at `t`.
pub fn code_at(uri: &str, t: u64) -> String {
    OtpAuthUri::parse(uri)
        .unwrap()
        .totp()
        .unwrap()
        .generate_at(t)
        .unwrap()
}
