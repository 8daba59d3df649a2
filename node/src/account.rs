//! JavaScript face of `core/src/account.rs` and the `mfakit-store` service: `new Mfa({...})`,
//! whose every call returns a promise.
//!
//! Each call runs the blocking service call in `compute` of an `AsyncTask`, on a libuv pool
//! thread: never on the event loop, and never on a tokio thread (the synchronous Postgres
//! client panics inside a tokio runtime, so napi's tokio-based `async fn` is not used here).
//! The store's connection pool is no larger than the libuv pool (`UV_THREADPOOL_SIZE`,
//! default 4): more connections could never be in use at once.

use std::collections::HashMap;
use std::sync::Arc;

use mfakit_core::{self as mfa, Method, ServicePolicy};
use mfakit_store::{MfaService, StoreOptions};
use napi::bindgen_prelude::{AsyncTask, Buffer, ToNapiValue, TypeName, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;
use zeroize::Zeroizing;

use crate::challenge::ChallengeKey;
use crate::convert::{
    given, instance, invalid, json_text, key_bytes, opt_bool, opt_integer, opt_string, string,
    Fields,
};
use crate::error::{guard, Work};
use crate::sealed::Keyring;

/// libuv's default pool size, used when `UV_THREADPOOL_SIZE` is unset or unreadable.
const DEFAULT_UV_THREADPOOL_SIZE: usize = 4;
/// libuv's own upper bound on `UV_THREADPOOL_SIZE`.
const MAX_UV_THREADPOOL_SIZE: usize = 1024;

/// The threads libuv runs `AsyncTask`s on, read the way libuv reads it.
fn uv_pool_size() -> usize {
    std::env::var("UV_THREADPOOL_SIZE")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .map_or(DEFAULT_UV_THREADPOOL_SIZE, |n| {
            n.min(MAX_UV_THREADPOOL_SIZE)
        })
}

/// Options of `new Mfa(options)` (read field by field in the constructor; this struct only
/// describes them in `index.d.ts`).
// Only describes the options in `index.d.ts`; the methods read them field by field.
#[allow(dead_code)]
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct MfaOptions<'a> {
    /// The store URL (default `sqlite://mfakit.db`): `sqlite://PATH` (`sqlite:///abs/path.db`
    /// is absolute), `sqlite::memory:`, `postgres://…`, `redis://…`.
    pub store: Option<String>,
    /// Seals TOTP secrets and contacts at rest.
    #[napi(ts_type = "Keyring")]
    pub keyring: Unknown<'a>,
    /// Keys the hashes of email and SMS codes: a `ChallengeKey` or its raw bytes.
    #[napi(ts_type = "ChallengeKey | Uint8Array")]
    pub challenge_key: Unknown<'a>,
    /// The issuer shown in authenticator apps.
    pub issuer: String,
    /// The service policy as a plain object with the core's field names, every field
    /// optional: `{ attempts: { lockout_after: 5 }, codes: { ttl_secs: 600 }, totp_window: 1 }`
    /// (the same object in every mfakit language).
    #[napi(ts_type = "Record<string, unknown>")]
    pub policy: Option<Unknown<'a>>,
    /// Most store connections (default and maximum: `UV_THREADPOOL_SIZE`, default 4).
    pub max_connections: Option<f64>,
}

/// Options of `mfa.setupTotp(...)`.
// Only describes the options in `index.d.ts`; the methods read them field by field.
#[allow(dead_code)]
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SetupTotpOptions {
    /// Keep the new TOTP pending until a code from it is confirmed (default `true`).
    pub require_verification: Option<bool>,
}

/// Options of `mfa.audit(...)`.
// Only describes the options in `index.d.ts`; the methods read them field by field.
#[allow(dead_code)]
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct AuditOptions {
    /// Newest events to return, 1 to 1000 (default 50).
    pub limit: Option<f64>,
}

/// Session claims after an accepted login or step-up.
#[napi(object, object_from_js = false)]
pub struct Claims {
    /// RFC 8176 `amr` values of the second factor (`otp` or `sms`) and `mfa`; add your `pwd`.
    pub amr: Vec<String>,
    /// `aal2` (TOTP, SMS, recovery code) or `aal1` (email).
    pub acr: String,
    /// UNIX time of the verification (OpenID Connect `auth_time`).
    pub auth_time: f64,
}

/// The result of a verification (login, step-up or confirmation). A wrong code is a
/// verdict, never an exception. `recoveryCodes`, when present, is not enumerable: read it
/// explicitly; `util.inspect` and `JSON.stringify` leave it out.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Verification {
    /// Whether the code was accepted.
    pub accepted: bool,
    /// What happened.
    #[napi(ts_type = "'accepted' | 'wrong' | 'expired' | 'used' | 'locked' | 'exhausted'")]
    pub verdict: String,
    /// The method the code was checked with.
    #[napi(ts_type = "'totp' | 'email' | 'sms' | 'recovery_code'")]
    pub method: String,
    /// The user verified (for a login, the one the challenge was issued for).
    pub user_id: String,
    /// Seconds until the next attempt is allowed (0: now).
    pub retry_after: f64,
    /// Failures left before the lockout (`null` when the policy has no lockout).
    pub attempts_left: Option<u32>,
    /// The session claims, when accepted (login and step-up).
    pub claims: Option<Claims>,
    /// Fresh recovery codes, shown once, when the first method was just confirmed.
    pub recovery_codes: Option<Vec<String>>,
    /// Recovery codes left, after one was spent.
    pub recovery_codes_left: Option<u32>,
}

/// An opened login challenge: return it to the client (it holds no code).
#[napi(object, object_from_js = false)]
pub struct LoginStart {
    /// The challenge id, opaque and single-use.
    pub id: String,
    /// UNIX time it expires.
    pub expires_at: f64,
    /// The methods the user can answer it with.
    #[napi(ts_type = "Array<'totp' | 'email' | 'sms' | 'recovery_code'>")]
    pub methods: Vec<String>,
    /// Masked contacts by method (`email`, `sms`).
    #[napi(ts_type = "Partial<Record<'email' | 'sms', string>>")]
    pub masked: HashMap<String, String>,
}

/// A user's MFA status.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct MfaStatus {
    /// Confirmed methods (recovery codes only while some are left).
    #[napi(ts_type = "Array<'totp' | 'email' | 'sms' | 'recovery_code'>")]
    pub methods: Vec<String>,
    /// Whether a TOTP enrolment is waiting for its first code.
    pub totp_pending: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// UNIX time until which attempts are refused (`null`: allowed now).
    pub locked_until: Option<f64>,
    /// Consecutive failures counted against the budget.
    pub failures: u32,
    /// Masked contacts of the confirmed email and SMS methods.
    #[napi(ts_type = "Partial<Record<'email' | 'sms', string>>")]
    pub masked: HashMap<String, String>,
}

/// One audit event. Never a secret, a code, a contact or a hash.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct AuditEvent {
    /// UNIX time.
    pub at: f64,
    /// The user.
    pub user_id: String,
    /// What happened: `enrolled`, `confirmed`, `challenge_started`, `code_sent`, `verified`,
    /// `failed`, `locked`, `unlocked`, `disabled`, `recovery_codes_regenerated`,
    /// `recovery_code_used`, `reset`.
    pub kind: String,
    /// The method concerned, if any.
    #[napi(ts_type = "'totp' | 'email' | 'sms' | 'recovery_code' | null")]
    pub method: Option<String>,
    /// A short machine word: `accepted`, `wrong`, `login`, `step_up`, `pending`, ….
    pub outcome: String,
}

/// A new TOTP enrolment, to show the user once. `toString()` and `util.inspect` hide the
/// secret; `JSON.stringify` shows only `active`.
#[napi]
pub struct TotpSetup {
    inner: mfa::TotpSetup,
}

/// A code for the application to deliver, and where. `toString()`, `util.inspect` and
/// `JSON.stringify` show neither the code nor the contact: read `code` and `contact`
/// explicitly, deliver, and never log them.
#[napi]
pub struct CodeToSend {
    inner: mfa::CodeToSend,
}

/// What `JSON.stringify` shows of a `CodeToSend`.
#[napi(object, object_from_js = false)]
pub struct CodeToSendJson {
    /// `email` or `sms`.
    pub method: String,
    /// The contact, masked.
    pub masked: String,
    /// UNIX time the code stops working.
    pub expires_at: f64,
    /// Seconds before another code may be sent.
    pub resend_after: f64,
}

/// What `JSON.stringify` shows of a `TotpSetup`.
#[napi(object, object_from_js = false)]
pub struct TotpSetupJson {
    /// Whether the TOTP is active at once.
    pub active: bool,
}

/// The MFA service: each user's second factors kept in a store and changed atomically
/// (compare-and-swap on the record's version), so that a code is accepted at most once even
/// across processes. Every method returns a promise and runs on the libuv thread pool.
///
/// Methods are `'totp'`, `'email'`, `'sms'` and `'recovery_code'`. Errors are `MfaError`s
/// with a `code`: `invalid_parameter`, `not_enrolled`, `step_up_required`, `rate_limited`
/// (with `retryAfter`), `storage_unavailable`, `storage_conflict`, ….
#[napi]
pub struct Mfa {
    service: Arc<MfaService>,
}

type Task<T, J> = AsyncTask<Work<T, J>>;

/// Runs the argument conversions (a closure, so that `?` works in them).
fn args<A>(convert: impl FnOnce() -> mfa::Result<A>) -> mfa::Result<A> {
    convert()
}

fn user(value: Unknown<'_>) -> mfa::Result<String> {
    string(value, "userId")
}

fn method(value: Unknown<'_>) -> mfa::Result<Method> {
    string(value, "method")?.parse()
}

fn code(value: Unknown<'_>) -> mfa::Result<Zeroizing<String>> {
    Ok(Zeroizing::new(string(value, "code")?))
}

fn challenge_key(env: &Env, value: Unknown<'_>) -> mfa::Result<mfa::ChallengeKey> {
    if value.is_typedarray().unwrap_or(false) {
        return mfa::ChallengeKey::from_bytes(&key_bytes(value, "challengeKey")?);
    }
    Ok(
        instance::<ChallengeKey>(env, value, "challengeKey", "ChallengeKey or Uint8Array")?
            .core()
            .clone(),
    )
}

fn verification(v: mfa::Verification) -> Verification {
    Verification {
        accepted: v.accepted(),
        verdict: v.verdict.as_str().to_owned(),
        method: v.method.as_str().to_owned(),
        user_id: v.user_id,
        retry_after: v.retry_after as f64,
        attempts_left: v.attempts_left,
        claims: v.claims.map(|c| Claims {
            amr: c.amr,
            acr: c.acr,
            auth_time: c.auth_time as f64,
        }),
        recovery_codes: v.recovery_codes.map(codes),
        // At most 32 codes per set.
        recovery_codes_left: v.recovery_codes_left.map(|n| n as u32),
    }
}

fn codes(codes: Vec<mfa::RecoveryCode>) -> Vec<String> {
    codes.iter().map(|c| c.as_str().to_owned()).collect()
}

fn masked(map: std::collections::BTreeMap<Method, String>) -> HashMap<String, String> {
    map.into_iter()
        .map(|(m, text)| (m.as_str().to_owned(), text))
        .collect()
}

fn methods(list: Vec<Method>) -> Vec<String> {
    list.into_iter().map(|m| m.as_str().to_owned()).collect()
}

fn login_start(l: mfa::LoginStart) -> LoginStart {
    LoginStart {
        id: l.id,
        expires_at: l.expires_at as f64,
        methods: methods(l.methods),
        masked: masked(l.masked),
    }
}

fn status(s: mfa::MfaStatus) -> MfaStatus {
    MfaStatus {
        methods: methods(s.methods),
        totp_pending: s.totp_pending,
        // At most 32 codes per set.
        recovery_codes_left: s.recovery_codes_left as u32,
        locked_until: s.locked_until.map(|t| t as f64),
        failures: s.failures,
        masked: masked(s.masked),
    }
}

fn audit_events(events: Vec<mfa::AuditEvent>) -> Vec<AuditEvent> {
    events
        .into_iter()
        .map(|e| AuditEvent {
            at: e.at as f64,
            user_id: e.user_id,
            kind: e.kind.as_str().to_owned(),
            method: e.method.map(|m| m.as_str().to_owned()),
            outcome: e.outcome,
        })
        .collect()
}

fn code_to_send(inner: mfa::CodeToSend) -> CodeToSend {
    CodeToSend { inner }
}

fn totp_setup(inner: mfa::TotpSetup) -> TotpSetup {
    TotpSetup { inner }
}

fn nothing(_: ()) {}

impl Mfa {
    /// Converts the arguments on the JS thread (errors thrown synchronously would be
    /// surprising from a promise-returning method, so they reject instead), then runs `call`
    /// on the libuv pool. `cpu_bound`: the call may hash recovery codes with argon2id.
    fn run<A: Send + 'static, T: Send + 'static, J: ToNapiValue + TypeName>(
        &self,
        args: mfa::Result<A>,
        call: fn(&MfaService, A) -> mfa::Result<T>,
        finish: fn(T) -> J,
        cpu_bound: bool,
    ) -> Task<T, J> {
        let service = Arc::clone(&self.service);
        AsyncTask::new(Work::with(move || call(&service, args?), finish, cpu_bound))
    }
}

#[napi]
impl Mfa {
    /// Opens (and migrates) the store and builds the service. Connecting happens here, on
    /// the calling thread, once at start-up; `storage_unavailable` if the store cannot be
    /// reached, `invalid_parameter` for a bad URL, issuer or policy.
    #[napi(constructor, ts_args_type = "options: MfaOptions")]
    pub fn new(env: Env, options: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            if given(Some(options))?.is_none() {
                return Err(invalid("options", "an MfaOptions object is required"));
            }
            let o = Fields::new(Some(options), "options")?;
            let store = opt_string(o.get("store")?, "store")?;
            let keyring = o
                .get("keyring")?
                .ok_or_else(|| invalid("keyring", "is required (a Keyring)"))?;
            let keyring = instance::<Keyring>(&env, keyring, "keyring", "Keyring")?
                .core()
                .clone();
            let key = o
                .get("challengeKey")?
                .ok_or_else(|| invalid("challengeKey", "is required (a ChallengeKey)"))?;
            let key = challenge_key(&env, key)?;
            let issuer = o
                .get("issuer")?
                .ok_or_else(|| invalid("issuer", "is required"))?;
            let issuer = string(issuer, "issuer")?;
            let policy = match o.get("policy")? {
                Some(value) => ServicePolicy::from_json(&json_text(&env, value, "policy")?)?,
                None => ServicePolicy::default(),
            };
            let pool = uv_pool_size();
            let max_connections =
                opt_integer(&env, o.get("maxConnections")?, "maxConnections", 256)?
                    .map_or(pool, |n| (n as usize).min(pool));
            let ctx = mfa::MfaContext::new(keyring, key, &issuer, policy)?;
            let options = StoreOptions {
                max_connections,
                ..StoreOptions::default()
            };
            let url = store.as_deref().unwrap_or(mfakit_store::DEFAULT_URL);
            Ok(Mfa {
                service: Arc::new(MfaService::open(url, ctx, options)?),
            })
        })
    }

    /// Starts a TOTP enrolment for `userId`, labelled `account` in the authenticator app.
    /// Pending until `confirmTotp` unless `requireVerification: false`. A confirmed TOTP
    /// stays in use until the new one is confirmed.
    #[napi(
        ts_args_type = "userId: string, account: string, options?: SetupTotpOptions",
        ts_return_type = "Promise<TotpSetup>"
    )]
    pub fn setup_totp(
        &self,
        user_id: Unknown<'_>,
        account: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Task<mfa::TotpSetup, TotpSetup> {
        let args = args(|| {
            let o = Fields::new(options, "options")?;
            let require = opt_bool(o.get("requireVerification")?, "requireVerification")?;
            Ok((
                user(user_id)?,
                string(account, "account")?,
                require.unwrap_or(true),
            ))
        });
        self.run(
            args,
            |s, (u, a, r)| s.setup_totp(&u, &a, r),
            totp_setup,
            true,
        )
    }

    /// Confirms the pending TOTP with a code from the app. The first confirmed method brings
    /// fresh recovery codes (`recoveryCodes`, shown once).
    #[napi(
        ts_args_type = "userId: string, code: string",
        ts_return_type = "Promise<Verification>"
    )]
    pub fn confirm_totp(
        &self,
        user_id: Unknown<'_>,
        code: Unknown<'_>,
    ) -> Task<mfa::Verification, Verification> {
        let args = args(|| Ok((user(user_id)?, self::code(code)?)));
        self.run(args, |s, (u, c)| s.confirm_totp(&u, &c), verification, true)
    }

    /// Starts adding an email address; resolves to the code to deliver to it.
    #[napi(
        ts_args_type = "userId: string, address: string",
        ts_return_type = "Promise<CodeToSend>"
    )]
    pub fn setup_email(
        &self,
        user_id: Unknown<'_>,
        address: Unknown<'_>,
    ) -> Task<mfa::CodeToSend, CodeToSend> {
        let args = args(|| Ok((user(user_id)?, Zeroizing::new(string(address, "address")?))));
        self.run(
            args,
            |s, (u, a)| s.setup_contact(&u, Method::Email, &a),
            code_to_send,
            false,
        )
    }

    /// Starts adding an E.164 phone number; resolves to the code to deliver by SMS.
    #[napi(
        ts_args_type = "userId: string, phone: string",
        ts_return_type = "Promise<CodeToSend>"
    )]
    pub fn setup_sms(
        &self,
        user_id: Unknown<'_>,
        phone: Unknown<'_>,
    ) -> Task<mfa::CodeToSend, CodeToSend> {
        let args = args(|| Ok((user(user_id)?, Zeroizing::new(string(phone, "phone")?))));
        self.run(
            args,
            |s, (u, p)| s.setup_contact(&u, Method::Sms, &p),
            code_to_send,
            false,
        )
    }

    /// Confirms a pending email address or phone number (`method` `'email'` or `'sms'`).
    #[napi(
        ts_args_type = "userId: string, method: 'email' | 'sms', code: string",
        ts_return_type = "Promise<Verification>"
    )]
    pub fn confirm_contact(
        &self,
        user_id: Unknown<'_>,
        method: Unknown<'_>,
        code: Unknown<'_>,
    ) -> Task<mfa::Verification, Verification> {
        let args = args(|| Ok((user(user_id)?, self::method(method)?, self::code(code)?)));
        self.run(
            args,
            |s, (u, m, c)| s.confirm_contact(&u, m, &c),
            verification,
            true,
        )
    }

    /// Opens a login challenge for a user whose password the application checked;
    /// `not_enrolled` if the user has no second factor.
    #[napi(
        ts_args_type = "userId: string",
        ts_return_type = "Promise<LoginStart>"
    )]
    pub fn start_login(&self, user_id: Unknown<'_>) -> Task<mfa::LoginStart, LoginStart> {
        let args = user(user_id);
        self.run(args, |s, u| s.start_login(&u), login_start, false)
    }

    /// Issues the email or SMS code of a login challenge, for the application to deliver;
    /// `rate_limited` within the resend cooldown.
    #[napi(
        ts_args_type = "challengeId: string, method: 'email' | 'sms'",
        ts_return_type = "Promise<CodeToSend>"
    )]
    pub fn send_code(
        &self,
        challenge_id: Unknown<'_>,
        method: Unknown<'_>,
    ) -> Task<mfa::CodeToSend, CodeToSend> {
        let args = args(|| Ok((string(challenge_id, "challengeId")?, self::method(method)?)));
        self.run(args, |s, (c, m)| s.send_code(&c, m), code_to_send, false)
    }

    /// Verifies a login challenge and completes the login in the same atomic step: accepted
    /// at most once, whatever the concurrency. Accepted: `claims` for the session.
    #[napi(
        ts_args_type = "challengeId: string, method: 'totp' | 'email' | 'sms' | 'recovery_code', code: string",
        ts_return_type = "Promise<Verification>"
    )]
    pub fn verify(
        &self,
        challenge_id: Unknown<'_>,
        method: Unknown<'_>,
        code: Unknown<'_>,
    ) -> Task<mfa::Verification, Verification> {
        let args = args(|| {
            Ok((
                string(challenge_id, "challengeId")?,
                self::method(method)?,
                self::code(code)?,
            ))
        });
        let cpu_bound = matches!(&args, Ok((_, Method::RecoveryCode, _)));
        self.run(
            args,
            |s, (id, m, c)| s.verify(&id, m, &c),
            verification,
            cpu_bound,
        )
    }

    /// Issues an email or SMS code for a step-up of a signed-in user.
    #[napi(
        ts_args_type = "userId: string, method: 'email' | 'sms'",
        ts_return_type = "Promise<CodeToSend>"
    )]
    pub fn send_step_up_code(
        &self,
        user_id: Unknown<'_>,
        method: Unknown<'_>,
    ) -> Task<mfa::CodeToSend, CodeToSend> {
        let args = args(|| Ok((user(user_id)?, self::method(method)?)));
        self.run(
            args,
            |s, (u, m)| s.send_step_up_code(&u, m),
            code_to_send,
            false,
        )
    }

    /// Step-up verification of a signed-in user: the same factors and failure budget as a
    /// login. Accepted: fresh `claims`, and `disable` is allowed for a while.
    #[napi(
        ts_args_type = "userId: string, method: 'totp' | 'email' | 'sms' | 'recovery_code', code: string",
        ts_return_type = "Promise<Verification>"
    )]
    pub fn step_up(
        &self,
        user_id: Unknown<'_>,
        method: Unknown<'_>,
        code: Unknown<'_>,
    ) -> Task<mfa::Verification, Verification> {
        let args = args(|| Ok((user(user_id)?, self::method(method)?, self::code(code)?)));
        let cpu_bound = matches!(&args, Ok((_, Method::RecoveryCode, _)));
        self.run(
            args,
            |s, (u, m, c)| s.step_up(&u, m, &c),
            verification,
            cpu_bound,
        )
    }

    /// Methods, recovery codes left, lockout.
    #[napi(ts_args_type = "userId: string", ts_return_type = "Promise<MfaStatus>")]
    pub fn status(&self, user_id: Unknown<'_>) -> Task<mfa::MfaStatus, MfaStatus> {
        self.run(user(user_id), |s, u| s.status(&u), status, false)
    }

    /// Removes a method; `step_up_required` without a recent step-up.
    #[napi(
        ts_args_type = "userId: string, method: 'totp' | 'email' | 'sms' | 'recovery_code'",
        ts_return_type = "Promise<void>"
    )]
    pub fn disable(&self, user_id: Unknown<'_>, method: Unknown<'_>) -> Task<(), ()> {
        let args = args(|| Ok((user(user_id)?, self::method(method)?)));
        self.run(args, |s, (u, m)| s.disable(&u, m), nothing, false)
    }

    /// Replaces the recovery codes; resolves to the new ones, to show once.
    #[napi(ts_args_type = "userId: string", ts_return_type = "Promise<string[]>")]
    pub fn regenerate_recovery_codes(
        &self,
        user_id: Unknown<'_>,
    ) -> Task<Vec<mfa::RecoveryCode>, Vec<String>> {
        self.run(
            user(user_id),
            |s, u| s.regenerate_recovery_codes(&u),
            codes,
            true,
        )
    }

    /// The confirmed TOTP's otpauth:// URI again (it holds the secret): only when the
    /// application explicitly decides to show it.
    #[napi(ts_args_type = "userId: string", ts_return_type = "Promise<string>")]
    pub fn reveal_totp_uri(&self, user_id: Unknown<'_>) -> Task<Zeroizing<String>, String> {
        self.run(
            user(user_id),
            |s, u| s.reveal_totp_uri(&u),
            |uri| uri.to_string(),
            false,
        )
    }

    /// Operator: lifts a lockout.
    #[napi(ts_args_type = "userId: string", ts_return_type = "Promise<void>")]
    pub fn unlock(&self, user_id: Unknown<'_>) -> Task<(), ()> {
        self.run(user(user_id), |s, u| s.unlock(&u), nothing, false)
    }

    /// Operator: removes every method (an audit event records it).
    #[napi(ts_args_type = "userId: string", ts_return_type = "Promise<void>")]
    pub fn reset(&self, user_id: Unknown<'_>) -> Task<(), ()> {
        self.run(user(user_id), |s, u| s.reset(&u), nothing, false)
    }

    /// The user's audit events, newest first (`limit` 1 to 1000, default 50).
    #[napi(
        ts_args_type = "userId: string, options?: AuditOptions",
        ts_return_type = "Promise<AuditEvent[]>"
    )]
    pub fn audit(
        &self,
        env: Env,
        user_id: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Task<Vec<mfa::AuditEvent>, Vec<AuditEvent>> {
        let args = args(|| {
            let o = Fields::new(options, "options")?;
            let limit = opt_integer(&env, o.get("limit")?, "limit", 1000)?.unwrap_or(50);
            Ok((user(user_id)?, limit as usize))
        });
        self.run(args, |s, (u, l)| s.audit(&u, l), audit_events, false)
    }

    /// `Mfa(store=sqlite, issuer="Example")`; no key, no URL (it may hold a password).
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        format!(
            "Mfa(store={}, issuer={:?})",
            self.service.backend().kind(),
            self.service.context().issuer()
        )
    }
}

#[napi]
impl TotpSetup {
    /// The secret, base32, for manual entry. Show once; never log.
    #[napi(getter)]
    pub fn secret(&self) -> String {
        self.inner.secret.to_string()
    }

    /// The otpauth:// URI (it holds the secret), for the QR code.
    #[napi(getter)]
    pub fn uri(&self) -> String {
        self.inner.uri.to_string()
    }

    /// Whether the TOTP is active at once (`requireVerification: false`).
    #[napi(getter)]
    pub fn active(&self) -> bool {
        self.inner.active
    }

    /// Fresh recovery codes when the TOTP is active at once and the user had none; else
    /// `null`.
    #[napi(getter)]
    pub fn recovery_codes(&self) -> Option<Vec<String>> {
        self.inner.recovery_codes.clone().map(codes)
    }

    /// The URI as an SVG QR code at least `minSize` pixels wide (default 256).
    #[napi(ts_args_type = "minSize?: number")]
    pub fn qr_svg(&self, env: Env, min_size: Option<Unknown<'_>>) -> napi::Result<String> {
        guard(&env, || crate::qr::svg_of(&env, &self.inner.uri, min_size))
    }

    /// The URI as a PNG QR code, `scale` pixels per module (default 8).
    #[napi(ts_args_type = "scale?: number")]
    pub fn qr_png(&self, env: Env, scale: Option<Unknown<'_>>) -> napi::Result<Buffer> {
        guard(&env, || crate::qr::png_of(&env, &self.inner.uri, scale))
    }

    /// `{ active }`: what `JSON.stringify` shows (never the secret).
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> TotpSetupJson {
        TotpSetupJson {
            active: self.inner.active,
        }
    }

    /// `TotpSetup(active=false, secret=<redacted>)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        format!(
            "TotpSetup(active={}, secret=<redacted>, recoveryCodes={})",
            self.inner.active,
            match &self.inner.recovery_codes {
                Some(c) => format!("<{} redacted>", c.len()),
                None => "null".to_owned(),
            }
        )
    }
}

#[napi]
impl CodeToSend {
    /// `'email'` or `'sms'`.
    #[napi(getter, ts_return_type = "'email' | 'sms'")]
    pub fn method(&self) -> &'static str {
        self.inner.method.as_str()
    }

    /// The address or phone number to deliver to. Never log it.
    #[napi(getter)]
    pub fn contact(&self) -> String {
        self.inner.contact.to_string()
    }

    /// The code to deliver. Never log it or put it in a response to the client.
    #[napi(getter)]
    pub fn code(&self) -> String {
        self.inner.code.as_str().to_owned()
    }

    /// The contact, masked for display (`j***@example.com`).
    #[napi(getter)]
    pub fn masked(&self) -> String {
        self.inner.masked.clone()
    }

    /// UNIX time the code stops working.
    #[napi(getter)]
    pub fn expires_at(&self) -> f64 {
        self.inner.expires_at as f64
    }

    /// Seconds before another code may be sent.
    #[napi(getter)]
    pub fn resend_after(&self) -> f64 {
        self.inner.resend_after as f64
    }

    /// `{ method, masked, expiresAt, resendAfter }`: what `JSON.stringify` shows.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> CodeToSendJson {
        CodeToSendJson {
            method: self.inner.method.as_str().to_owned(),
            masked: self.inner.masked.clone(),
            expires_at: self.inner.expires_at as f64,
            resend_after: self.inner.resend_after as f64,
        }
    }

    /// `CodeToSend(method=email, masked="j***@example.com", code=<redacted>)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        format!(
            "CodeToSend(method={}, masked={:?}, code=<redacted>, contact=<redacted>)",
            self.inner.method, self.inner.masked
        )
    }
}
