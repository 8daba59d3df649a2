//! JavaScript face of `core/src/challenge.rs`: one-time codes sent by email or SMS, and
//! masked contacts to show where they went.

use mfakit_core::{self as mfa, ChallengePolicy, ChallengeVerdict};
use napi::bindgen_prelude::{Buffer, ClassInstance, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::convert::{
    given, instance, key_bytes, opt_u32, opt_uint, opt_uint32, options, string, time_or_now,
    MAX_SAFE_INTEGER,
};
use crate::error::guard;

/// The application's HMAC key for challenges (16 to 1024 bytes; 32 recommended). Only a
/// keyed hash of each code is stored, so a leaked challenge store reveals no code without
/// this key. Keep it in a secret store: `exposeBytes()` gives the bytes to put there,
/// `new ChallengeKey(stored)` loads them again. `toString()` and `util.inspect` never show it.
#[napi]
pub struct ChallengeKey {
    inner: mfa::ChallengeKey,
}

#[napi]
impl ChallengeKey {
    /// A key from raw bytes (`Buffer`/`Uint8Array`, 16 to 1024 bytes).
    #[napi(constructor, ts_args_type = "key: Uint8Array")]
    pub fn new(env: Env, key: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            Ok(ChallengeKey {
                inner: mfa::ChallengeKey::from_bytes(&key_bytes(key, "key")?)?,
            })
        })
    }

    /// A new random 256-bit key from the OS CSPRNG. Store `exposeBytes()` before issuing
    /// challenges: a key that only lives in memory cannot verify them after a restart.
    #[napi(factory)]
    pub fn generate() -> Self {
        ChallengeKey {
            inner: mfa::ChallengeKey::generate(),
        }
    }

    /// The raw key bytes, to put in the application's secret store and load again with
    /// `new ChallengeKey(stored)`. Store this as a secret: with it, anyone holding a stored
    /// challenge can test every code offline. The key inside mfakit is wiped when freed; the
    /// returned `Buffer` is a copy, so `buf.fill(0)` once stored.
    #[napi]
    pub fn expose_bytes(&self) -> Buffer {
        Buffer::from(self.inner.expose_bytes())
    }

    /// `ChallengeKey(<redacted>)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> &'static str {
        "ChallengeKey(<redacted>)"
    }
}

impl ChallengeKey {
    /// The core key, for the service (`account.rs`).
    pub(crate) fn core(&self) -> &mfa::ChallengeKey {
        &self.inner
    }
}

fn key<'a>(env: &Env, value: Unknown<'a>) -> mfa::Result<ClassInstance<'a, ChallengeKey>> {
    instance::<ChallengeKey>(env, value, "key", "ChallengeKey")
}

/// Options of `OtpChallenge.issue(key, options)`.
#[napi(object)]
pub struct IssueOptions<'a> {
    /// Number of digits, 4 to 10 (default 6).
    pub digits: Option<f64>,
    /// Seconds a code stays valid (default 300).
    pub ttl_secs: Option<f64>,
    /// Wrong attempts allowed (default 5).
    pub max_attempts: Option<f64>,
    /// Seconds before a new code may be sent (default 60).
    pub resend_cooldown_secs: Option<f64>,
    /// The current time (default: the clock).
    #[napi(ts_type = "Date | number | bigint")]
    pub now: Option<Unknown<'a>>,
}

/// Options holding only the current time.
#[napi(object)]
pub struct NowOptions<'a> {
    /// The current time (default: the clock).
    #[napi(ts_type = "Date | number | bigint")]
    pub now: Option<Unknown<'a>>,
}

pub(crate) fn now_option(env: &Env, value: Option<Unknown<'_>>) -> mfa::Result<u64> {
    let now = options::<NowOptions>(value, "options")?.and_then(|o| o.now);
    time_or_now(env, now)
}

/// The stored state of an email or SMS challenge: a keyed hash of the code, never the code.
/// Persist `toStored()` after every call that returns a new one (attempts are counted).
#[napi]
pub struct OtpChallenge {
    inner: mfa::OtpChallenge,
}

/// A new (or re-sent) challenge: the state to persist and the code to deliver once.
/// `toString()` and `util.inspect` hide the code.
#[napi]
pub struct IssuedChallenge {
    challenge: mfa::OtpChallenge,
    code: mfa::ChallengeCode,
}

/// What a verification found, and the state to persist.
#[napi(object, object_from_js = false)]
pub struct ChallengeVerification {
    /// `'accepted'`, `'wrong'`, `'expired'`, `'exhausted'` or `'used'`.
    #[napi(ts_type = "'accepted' | 'wrong' | 'expired' | 'exhausted' | 'used'")]
    pub verdict: String,
    /// Whether the code was accepted.
    pub accepted: bool,
    /// For `'wrong'`: tries left on this challenge (0: the next one is refused); else `null`.
    pub attempts_left: Option<u32>,
    /// The updated challenge; always persist it.
    pub challenge: OtpChallenge,
}

fn issued(made: mfa::IssuedChallenge) -> IssuedChallenge {
    IssuedChallenge {
        challenge: made.challenge,
        code: made.code,
    }
}

#[napi]
impl OtpChallenge {
    /// Starts a challenge: draws a code uniformly from the OS CSPRNG; see `IssueOptions`.
    #[napi(ts_args_type = "key: ChallengeKey, options?: IssueOptions")]
    pub fn issue(
        env: Env,
        key: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<IssuedChallenge> {
        guard(&env, || {
            let key = self::key(&env, key)?;
            let d = ChallengePolicy::default();
            let (policy, now) = match crate::convert::options::<IssueOptions>(options, "options")? {
                Some(o) => (
                    ChallengePolicy {
                        digits: opt_uint32(o.digits, "digits")?.unwrap_or(d.digits),
                        ttl_secs: opt_uint(o.ttl_secs, "ttlSecs", MAX_SAFE_INTEGER)?
                            .unwrap_or(d.ttl_secs),
                        max_attempts: opt_uint32(o.max_attempts, "maxAttempts")?
                            .unwrap_or(d.max_attempts),
                        resend_cooldown_secs: opt_uint(
                            o.resend_cooldown_secs,
                            "resendCooldownSecs",
                            MAX_SAFE_INTEGER,
                        )?
                        .unwrap_or(d.resend_cooldown_secs),
                    },
                    time_or_now(&env, o.now)?,
                ),
                None => (d, mfa::unix_now()),
            };
            Ok(issued(mfa::OtpChallenge::issue(&key.inner, &policy, now)?))
        })
    }

    /// Checks what the user typed (spaces and hyphens ignored). A wrong code is a verdict,
    /// never an exception.
    #[napi(ts_args_type = "key: ChallengeKey, code: string, options?: NowOptions")]
    pub fn verify(
        &self,
        env: Env,
        key: Unknown<'_>,
        code: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<ChallengeVerification> {
        guard(&env, || {
            let key = self::key(&env, key)?;
            let code = zeroize::Zeroizing::new(string(code, "code")?);
            let now = now_option(&env, options)?;
            let v = self.inner.verify(&key.inner, &code, now);
            Ok(ChallengeVerification {
                verdict: v.verdict.code().to_owned(),
                accepted: v.verdict.is_accepted(),
                attempts_left: match v.verdict {
                    ChallengeVerdict::Wrong { attempts_left } => Some(attempts_left),
                    _ => None,
                },
                challenge: OtpChallenge { inner: v.challenge },
            })
        })
    }

    /// A new code for the same challenge (the old one stops working); the attempt count
    /// carries over. Throws `rate_limited` (with `retryAfter`) within the cooldown, and
    /// `invalid_parameter` once the challenge is used or out of attempts.
    #[napi(ts_args_type = "key: ChallengeKey, options?: NowOptions")]
    pub fn resend(
        &self,
        env: Env,
        key: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<IssuedChallenge> {
        guard(&env, || {
            let key = self::key(&env, key)?;
            Ok(issued(
                self.inner.resend(&key.inner, now_option(&env, options)?)?,
            ))
        })
    }

    /// Seconds until a new code may be sent (0: now) at `now` (default: the clock).
    #[napi(ts_args_type = "now?: Date | number | bigint")]
    pub fn resend_available_in(&self, env: Env, now: Option<Unknown<'_>>) -> napi::Result<f64> {
        guard(&env, || {
            Ok(self.inner.resend_available_in(time_or_now(&env, now)?) as f64)
        })
    }

    /// The versioned stored form (`mfakit:challenge:v2:...`).
    #[napi]
    pub fn to_stored(&self) -> String {
        self.inner.to_stored()
    }

    /// Reads a stored challenge; anything malformed throws `invalid_stored_value`.
    #[napi(factory, ts_args_type = "stored: string")]
    pub fn from_stored(env: Env, stored: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            Ok(OtpChallenge {
                inner: mfa::OtpChallenge::from_stored(&string(stored, "stored")?)?,
            })
        })
    }

    /// Random public id.
    #[napi(getter)]
    pub fn id(&self) -> String {
        self.inner.id.clone()
    }

    /// Number of digits of the code.
    #[napi(getter)]
    pub fn digits(&self) -> u32 {
        self.inner.digits
    }

    /// UNIX time from which the code no longer works.
    #[napi(getter)]
    pub fn expires_at(&self) -> f64 {
        self.inner.expires_at as f64
    }

    /// UNIX time the current code was sent.
    #[napi(getter)]
    pub fn sent_at(&self) -> f64 {
        self.inner.sent_at as f64
    }

    /// Wrong attempts still allowed.
    #[napi(getter)]
    pub fn attempts_left(&self) -> u32 {
        self.inner.attempts_left
    }

    /// Whether the code was accepted already.
    #[napi(getter)]
    pub fn used(&self) -> bool {
        self.inner.used
    }

    /// `OtpChallenge(id=..., digits=6, expiresAt=..., attemptsLeft=5, used=false)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        let c = &self.inner;
        format!(
            "OtpChallenge(id={:?}, digits={}, expiresAt={}, attemptsLeft={}, used={})",
            c.id, c.digits, c.expires_at, c.attempts_left, c.used
        )
    }
}

#[napi]
impl IssuedChallenge {
    /// The state to persist; it holds no code.
    #[napi(getter)]
    pub fn challenge(&self) -> OtpChallenge {
        OtpChallenge {
            inner: self.challenge.clone(),
        }
    }

    /// The code to send by email or SMS. Never store or log it.
    #[napi(getter)]
    pub fn code(&self) -> String {
        self.code.as_str().to_owned()
    }

    /// `IssuedChallenge(id=..., code=<redacted>)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        format!(
            "IssuedChallenge(id={:?}, code=<redacted>)",
            self.challenge.id
        )
    }
}

/// Masks an email address for display: `jane.doe@example.com` → `j***@example.com`;
/// `invalid_parameter` for a malformed address.
#[napi(ts_args_type = "email: string")]
pub fn mask_email(env: Env, email: Unknown<'_>) -> napi::Result<String> {
    guard(&env, || mfa::mask_email(&string(email, "email")?))
}

/// Masks an E.164 phone number showing the last `visible` digits (2 to 4, default 2):
/// `+447911123467` → `+**********67`; `invalid_parameter` for anything else.
#[napi(ts_args_type = "phone: string, visible?: number")]
pub fn mask_phone(
    env: Env,
    phone: Unknown<'_>,
    visible: Option<Unknown<'_>>,
) -> napi::Result<String> {
    guard(&env, || {
        let visible = opt_u32(&env, given(visible)?, "visible")?.unwrap_or(2);
        mfa::mask_phone_showing(&string(phone, "phone")?, visible)
    })
}
