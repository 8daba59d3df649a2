//! The per-user MFA record and its transitions: the decisions of the stateful MFA service.
//!
//! An [`MfaRecord`] is everything mfakit keeps about one user: a confirmed TOTP (sealed secret,
//! last accepted step), a pending TOTP kept apart until a code from it is confirmed, email and
//! SMS contacts (sealed, confirmed or pending), a recovery-code set, one failure budget shared
//! by every factor, the open login challenges, the step-up codes in flight, and a version.
//!
//! Every operation is a pure function `(record, input, now, rng) -> Transition` returning the
//! new record, the outcome and the audit events it produced; nothing here reads a clock, draws
//! from the OS, or touches a database. The storage crate (`mfakit-store`) loads a record,
//! applies one transition and compare-and-swaps the result on its version, retrying on
//! conflict; that loop is what makes each verification single-use under concurrency.
//!
//! The one randomness not taken from `rng` is the AES-GCM nonce inside [`Keyring::seal`]:
//! it is drawn there, from the OS, on purpose, so that no caller can ever reuse one.
//!
//! Secrets at rest: TOTP secrets and contacts are sealed with the [`Keyring`], each bound
//! (associated data) to its user and its slot, so a sealed value copied to another user or
//! slot does not open; email/SMS codes are kept as keyed hashes ([`OtpChallenge`]), recovery
//! codes as argon2id hashes ([`RecoveryCodeSet`]). A stolen record yields no usable secret.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::challenge::{
    mask_email, mask_phone, ChallengeCode, ChallengeKey, ChallengePolicy, ChallengeVerdict,
    OtpChallenge,
};
use crate::error::{MfaError, Result};
use crate::limiter::{AttemptLimiter, AttemptPolicy, AttemptState};
use crate::otp::{Algorithm, Totp, TotpParams, Window};
use crate::recovery::{RecoveryCode, RecoveryCodeSet, RecoveryParams};
use crate::sealed::{b64e, Keyring};
use crate::secret::Secret;
use crate::uri::OtpAuthUri;

/// The schema of [`MfaRecord::to_stored`]; a record from a newer schema is refused.
pub const RECORD_SCHEMA: u32 = 1;
/// The longest user id accepted, in bytes.
pub const MAX_USER_ID_LEN: usize = 255;
/// The longest stored record accepted by [`MfaRecord::from_stored`], in bytes.
pub const MAX_RECORD_LEN: usize = 256 * 1024;
const LOGIN_ID_BYTES: usize = 16;

/// A second factor the service knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// An authenticator app (RFC 6238).
    Totp,
    /// A code sent by email.
    Email,
    /// A code sent by SMS.
    Sms,
    /// A single-use recovery code.
    RecoveryCode,
}

impl Method {
    /// Every method, in the order the service lists them.
    pub const ALL: [Method; 4] = [
        Method::Totp,
        Method::Email,
        Method::Sms,
        Method::RecoveryCode,
    ];

    /// `totp`, `email`, `sms` or `recovery_code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Totp => "totp",
            Method::Email => "email",
            Method::Sms => "sms",
            Method::RecoveryCode => "recovery_code",
        }
    }

    /// The `amr` values (RFC 8176 section 2) a verification with this method adds to a
    /// session, besides `mfa`: `otp` for codes the user reads off an app, a mail or a list,
    /// `sms` for a code sent by text message.
    pub fn amr(self) -> &'static str {
        match self {
            Method::Sms => "sms",
            Method::Totp | Method::Email | Method::RecoveryCode => "otp",
        }
    }

    fn is_contact(self) -> bool {
        matches!(self, Method::Email | Method::Sms)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Method {
    type Err = MfaError;

    /// Exact, lower-case names only; anything else is [`MfaError::InvalidParameter`]
    /// (`method`).
    fn from_str(s: &str) -> Result<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                MfaError::param("method", "must be one of totp, email, sms, recovery_code")
            })
    }
}

/// The service's settings. Every field has a safe default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServicePolicy {
    /// The failure budget shared by every factor of a user: backoff and lockout.
    pub attempts: AttemptPolicy,
    /// Email and SMS codes: digits, validity, attempts per code, resend cooldown.
    pub codes: ChallengePolicy,
    /// Seconds a login challenge stays open (default 300).
    pub login_ttl_secs: u64,
    /// Open login challenges kept per user; the oldest is dropped beyond it (default 5).
    pub max_open_logins: usize,
    /// TOTP steps accepted on each side of the current one (default 1).
    pub totp_window: u32,
    /// Seconds an unconfirmed TOTP enrolment stays confirmable (default 900).
    pub pending_ttl_secs: u64,
    /// Recovery codes per set (default 10).
    pub recovery_count: usize,
    /// argon2id parameters of new recovery codes.
    pub recovery_params: RecoveryParams,
    /// How recent a step-up must be to disable a method (default 300 s).
    pub step_up_max_age_secs: u64,
    /// Clock skew tolerated on stored times from the future (default 300 s).
    pub max_clock_skew_secs: u64,
}

impl Default for ServicePolicy {
    fn default() -> Self {
        ServicePolicy {
            attempts: AttemptPolicy::default(),
            codes: ChallengePolicy::default(),
            login_ttl_secs: 300,
            max_open_logins: 5,
            totp_window: 1,
            pending_ttl_secs: 900,
            recovery_count: RecoveryCodeSet::DEFAULT_COUNT,
            recovery_params: RecoveryParams::default(),
            step_up_max_age_secs: 300,
            max_clock_skew_secs: 300,
        }
    }
}

impl ServicePolicy {
    /// A policy from JSON, every field optional (missing ones take the defaults), nested as
    /// the struct is: `{"attempts": {"lockout_after": 5, ...}, "codes": {"ttl_secs": 600},
    /// "totp_window": 1, ...}`. Unknown fields and out-of-range values are
    /// [`MfaError::InvalidParameter`] (`policy` or the field's name). The bindings pass their
    /// dict / object / map through here, so every language accepts the same policy.
    pub fn from_json(json: &str) -> Result<ServicePolicy> {
        let policy: ServicePolicy =
            serde_json::from_str(json).map_err(|e| MfaError::param("policy", format!("{e}")))?;
        policy.validate()?;
        Ok(policy)
    }

    /// Checks every field; the first one out of range is [`MfaError::InvalidParameter`].
    pub fn validate(&self) -> Result<()> {
        self.attempts.validate()?;
        // Issuing a throwaway challenge is the one place the code policy is validated.
        OtpChallenge::issue_with_rng(
            &mut rand::rngs::OsRng,
            &ChallengeKey::from_bytes(&[0u8; ChallengeKey::MIN_LEN])?,
            &self.codes,
            0,
        )?;
        if !(1..=86_400).contains(&self.login_ttl_secs) {
            return Err(MfaError::param("login_ttl_secs", "must be 1 to 86400"));
        }
        if !(1..=64).contains(&self.max_open_logins) {
            return Err(MfaError::param("max_open_logins", "must be 1 to 64"));
        }
        if self.totp_window > 10 {
            return Err(MfaError::param("totp_window", "must be at most 10"));
        }
        if !(60..=7 * 86_400).contains(&self.pending_ttl_secs) {
            return Err(MfaError::param("pending_ttl_secs", "must be 60 to 604800"));
        }
        if !(1..=RecoveryCodeSet::MAX_COUNT).contains(&self.recovery_count) {
            return Err(MfaError::param("recovery_count", "must be 1 to 32"));
        }
        self.recovery_params.validate()?;
        if self.max_clock_skew_secs > 3600 {
            return Err(MfaError::param(
                "max_clock_skew_secs",
                "must be at most 3600",
            ));
        }
        Ok(())
    }
}

/// What the transitions need besides the record: the keys, the issuer shown in authenticator
/// apps, and the policy. Build it once per process. `Debug` shows no key.
#[derive(Clone)]
pub struct MfaContext {
    keyring: Keyring,
    challenge_key: ChallengeKey,
    issuer: String,
    policy: ServicePolicy,
}

impl fmt::Debug for MfaContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MfaContext")
            .field("keyring", &self.keyring)
            .field("challenge_key", &self.challenge_key)
            .field("issuer", &self.issuer)
            .field("policy", &self.policy)
            .finish()
    }
}

impl MfaContext {
    /// A context after validating `issuer` (1 to 255 bytes, not blank) and `policy`.
    pub fn new(
        keyring: Keyring,
        challenge_key: ChallengeKey,
        issuer: &str,
        policy: ServicePolicy,
    ) -> Result<MfaContext> {
        if issuer.trim().is_empty() || issuer.len() > 255 {
            return Err(MfaError::param(
                "issuer",
                "must be 1 to 255 bytes and not blank",
            ));
        }
        policy.validate()?;
        Ok(MfaContext {
            keyring,
            challenge_key,
            issuer: issuer.to_owned(),
            policy,
        })
    }

    /// The policy.
    pub fn policy(&self) -> &ServicePolicy {
        &self.policy
    }

    /// The issuer shown in authenticator apps.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The challenge id handed to the client: the login's random id and the user id sealed
    /// for it, so that the service finds the user without an index (and Redis Cluster keeps
    /// every key of a user in one slot), and the client learns nothing from it.
    fn login_token(&self, user_id: &str, login_id: &str) -> Result<String> {
        let sealed = self
            .keyring
            .seal(user_id.as_bytes(), &login_token_ad(login_id))?;
        Ok(format!("{login_id}.{}", b64e(sealed.as_bytes())))
    }

    /// The user a challenge id was issued for. A malformed, tampered or foreign id is
    /// [`MfaError::InvalidParameter`] (`challenge_id`).
    pub fn challenge_user(&self, challenge_id: &str) -> Result<String> {
        Ok(self.parse_challenge(challenge_id)?.0)
    }

    fn parse_challenge<'a>(&self, challenge_id: &'a str) -> Result<(String, &'a str)> {
        let bad = || MfaError::param("challenge_id", "is not a challenge id of this service");
        if challenge_id.len() > 1024 {
            return Err(bad());
        }
        let (login_id, sealed) = challenge_id.split_once('.').ok_or_else(bad)?;
        let sealed = crate::sealed::b64d(sealed, "challenge_id").map_err(|_| bad())?;
        let sealed = std::str::from_utf8(&sealed).map_err(|_| bad())?;
        let user = self
            .keyring
            .open(sealed, &login_token_ad(login_id))
            .map_err(|_| bad())?;
        let user = String::from_utf8(user.to_vec()).map_err(|_| bad())?;
        Ok((user, login_id))
    }

    fn limiter(&self) -> AttemptLimiter {
        // `new` validated the policy, so this cannot fail; fall back to the default anyway.
        AttemptLimiter::new(self.policy.attempts).unwrap_or_default()
    }

    fn window(&self) -> Window {
        Window::symmetric(self.policy.totp_window)
    }
}

/// Checks a user id: 1 to 255 bytes, no control characters.
pub fn validate_user_id(user_id: &str) -> Result<()> {
    if user_id.is_empty() || user_id.len() > MAX_USER_ID_LEN {
        return Err(MfaError::param("user_id", "must be 1 to 255 bytes"));
    }
    if user_id.chars().any(char::is_control) {
        return Err(MfaError::param(
            "user_id",
            "must not contain control characters",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The record
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TotpFactor {
    /// The base32 secret, sealed for (user, slot).
    sealed: String,
    algorithm: String,
    digits: u32,
    period: u64,
    account: String,
    /// The last accepted step; every step at or before it is refused.
    last_step: Option<u64>,
    since: u64,
    /// Only for a pending enrolment: when it can no longer be confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Contact {
    /// The address or phone number, sealed for (user, method).
    sealed: String,
    /// The masked form, shown to the user when a code is sent.
    masked: String,
    since: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PendingContact {
    contact: Contact,
    challenge: OtpChallenge,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginChallenge {
    id: String,
    expires_at: u64,
    /// A completed challenge stays as a tombstone until it expires, to answer `used`.
    used: bool,
    codes: BTreeMap<Method, OtpChallenge>,
}

/// One user's MFA state. Opaque: read it through [`MfaRecord::status`], change it through
/// the transitions, persist [`MfaRecord::to_stored`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MfaRecord {
    schema: u32,
    user_id: String,
    version: u64,
    totp: Option<TotpFactor>,
    pending_totp: Option<TotpFactor>,
    email: Option<Contact>,
    pending_email: Option<PendingContact>,
    sms: Option<Contact>,
    pending_sms: Option<PendingContact>,
    recovery: Option<RecoveryCodeSet>,
    attempts: AttemptState,
    logins: Vec<LoginChallenge>,
    step_up_codes: BTreeMap<Method, OtpChallenge>,
    /// When the user last passed a login or step-up verification.
    verified_at: Option<u64>,
}

impl fmt::Debug for MfaRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MfaRecord")
            .field("user_id", &self.user_id)
            .field("version", &self.version)
            .field("methods", &self.methods())
            .field("failures", &self.attempts.failures)
            .finish_non_exhaustive()
    }
}

/// What [`MfaRecord::status`] reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MfaStatus {
    /// Confirmed methods, in [`Method::ALL`] order (recovery codes only while some are left).
    pub methods: Vec<Method>,
    /// Whether a TOTP enrolment is waiting for its first code.
    pub totp_pending: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: usize,
    /// Until when the failure budget refuses attempts (`None`: attempts are allowed now).
    pub locked_until: Option<u64>,
    /// Consecutive failures counted against the budget.
    pub failures: u32,
    /// Masked contacts of the confirmed email and SMS methods.
    pub masked: BTreeMap<Method, String>,
}

/// An audit event kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    /// A method was set up (pending confirmation, or active at once).
    Enrolled,
    /// A pending method was confirmed by a code and is now active.
    Confirmed,
    /// A login challenge was opened.
    ChallengeStarted,
    /// An email or SMS code was issued for delivery.
    CodeSent,
    /// A login or step-up verification succeeded.
    Verified,
    /// A verification failed (the outcome says why).
    Failed,
    /// The failure budget locked the user out.
    Locked,
    /// The lockout was lifted (by an operator).
    Unlocked,
    /// A method was removed.
    Disabled,
    /// A new recovery-code set replaced the old one.
    RecoveryCodesRegenerated,
    /// A recovery code was spent.
    RecoveryCodeUsed,
    /// An operator removed every method.
    Reset,
}

impl AuditKind {
    /// The snake_case name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Enrolled => "enrolled",
            AuditKind::Confirmed => "confirmed",
            AuditKind::ChallengeStarted => "challenge_started",
            AuditKind::CodeSent => "code_sent",
            AuditKind::Verified => "verified",
            AuditKind::Failed => "failed",
            AuditKind::Locked => "locked",
            AuditKind::Unlocked => "unlocked",
            AuditKind::Disabled => "disabled",
            AuditKind::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            AuditKind::RecoveryCodeUsed => "recovery_code_used",
            AuditKind::Reset => "reset",
        }
    }
}

impl FromStr for AuditKind {
    type Err = MfaError;

    fn from_str(s: &str) -> Result<AuditKind> {
        serde_json::from_value(serde_json::Value::String(s.to_owned()))
            .map_err(|_| MfaError::stored("unknown audit event kind"))
    }
}

/// One audit event: what happened to whom, when, with which method and outcome. Never a
/// secret, a code, a contact or a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// UNIX time.
    pub at: u64,
    /// The user.
    pub user_id: String,
    /// What happened.
    pub kind: AuditKind,
    /// The method concerned, if any.
    pub method: Option<Method>,
    /// A short machine word: `accepted`, `wrong`, `login`, `step_up`, `pending`, ….
    pub outcome: String,
}

/// The verdict of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Accepted: the login is complete (or the step-up / confirmation done).
    Accepted,
    /// Wrong code; counted against the failure budget.
    Wrong,
    /// The challenge, code or pending enrolment expired (or is unknown); nothing compared.
    Expired,
    /// The challenge was completed already, or the TOTP code was accepted before; nothing
    /// counted.
    Used,
    /// The failure budget refuses attempts until `retry_after`; nothing compared.
    Locked,
    /// The email/SMS code has no attempts left; send a new one.
    Exhausted,
}

impl Verdict {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Wrong => "wrong",
            Verdict::Expired => "expired",
            Verdict::Used => "used",
            Verdict::Locked => "locked",
            Verdict::Exhausted => "exhausted",
        }
    }
}

/// Claims for the session after an accepted login or step-up: `amr` (RFC 8176) and `acr` of
/// the second factor, and the time it was verified. The application adds its own first
/// factor (`pwd`) to `amr`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// `amr` values: the method's (`otp` or `sms`) and `mfa`.
    pub amr: Vec<String>,
    /// `acr`: `aal2` for TOTP, SMS and recovery codes, `aal1` for email codes (NIST SP
    /// 800-63B does not accept email as an out-of-band authenticator).
    pub acr: String,
    /// UNIX time of the verification (OpenID Connect `auth_time`).
    pub auth_time: u64,
}

impl Claims {
    fn for_method(method: Method, now: u64) -> Claims {
        Claims {
            amr: vec![method.amr().to_owned(), "mfa".to_owned()],
            acr: if method == Method::Email {
                "aal1"
            } else {
                "aal2"
            }
            .to_owned(),
            auth_time: now,
        }
    }
}

/// The result of a verification (login, step-up or confirmation).
#[derive(Clone, PartialEq, Eq)]
pub struct Verification {
    /// The user verified (for a login, the user the challenge was issued for).
    pub user_id: String,
    /// What happened.
    pub verdict: Verdict,
    /// The method the code was checked with.
    pub method: Method,
    /// Seconds until the next attempt is allowed (0: now).
    pub retry_after: u64,
    /// Failures left before the lockout (`None` when the policy has no lockout).
    pub attempts_left: Option<u32>,
    /// The session claims, when accepted (login and step-up).
    pub claims: Option<Claims>,
    /// Fresh recovery codes, shown once, when the first method was just confirmed.
    pub recovery_codes: Option<Vec<RecoveryCode>>,
    /// Recovery codes left, after one was spent.
    pub recovery_codes_left: Option<usize>,
}

impl Verification {
    /// Whether the code was accepted.
    pub fn accepted(&self) -> bool {
        self.verdict == Verdict::Accepted
    }
}

impl fmt::Debug for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verification")
            .field("user_id", &self.user_id)
            .field("verdict", &self.verdict)
            .field("method", &self.method)
            .field("retry_after", &self.retry_after)
            .field("attempts_left", &self.attempts_left)
            .field("claims", &self.claims)
            .field(
                "recovery_codes",
                &self.recovery_codes.as_ref().map(|c| c.len()),
            )
            .field("recovery_codes_left", &self.recovery_codes_left)
            .finish()
    }
}

/// A new TOTP enrolment: what to show the user once.
#[derive(Clone)]
pub struct TotpSetup {
    /// The secret, base32, for manual entry.
    pub secret: Zeroizing<String>,
    /// The otpauth:// URI for the QR code.
    pub uri: Zeroizing<String>,
    /// Whether the TOTP is active at once (`require_verification = false`).
    pub active: bool,
    /// Fresh recovery codes when the TOTP is active at once and the user had none.
    pub recovery_codes: Option<Vec<RecoveryCode>>,
}

impl fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TotpSetup")
            .field("secret", &"<redacted>")
            .field("uri", &"<redacted>")
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// A code for the application to deliver, and where.
#[derive(Clone)]
pub struct CodeToSend {
    /// The method: email or SMS.
    pub method: Method,
    /// The address or phone number to send it to.
    pub contact: Zeroizing<String>,
    /// The contact masked for display.
    pub masked: String,
    /// The code. Deliver it; never log it or put it in a response to the client.
    pub code: ChallengeCode,
    /// When the code stops working.
    pub expires_at: u64,
    /// Seconds before another code may be sent.
    pub resend_after: u64,
}

impl fmt::Debug for CodeToSend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeToSend")
            .field("method", &self.method)
            .field("masked", &self.masked)
            .field("code", &self.code)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// An opened login challenge, to return to the client (no code in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoginStart {
    /// The challenge id, opaque and single-use.
    pub id: String,
    /// When it expires.
    pub expires_at: u64,
    /// The methods the user can answer it with.
    pub methods: Vec<Method>,
    /// Masked contacts for email and SMS.
    pub masked: BTreeMap<Method, String>,
}

/// The new record, the outcome, and the audit events of one operation. Persist `record`
/// (compare-and-swap on the loaded version) and append `events` in the same atomic write;
/// only then hand `outcome` to the caller.
#[derive(Debug, Clone)]
pub struct Transition<T> {
    /// The record to persist.
    pub record: MfaRecord,
    /// What the operation produced.
    pub outcome: T,
    /// Audit events to append.
    pub events: Vec<AuditEvent>,
    /// Whether `record` differs from the input (otherwise nothing needs writing).
    pub changed: bool,
}

fn login_token_ad(login_id: &str) -> Vec<u8> {
    format!("mfakit:login:v1:{login_id}").into_bytes()
}

fn seal_ad(user_id: &str, slot: &str) -> Vec<u8> {
    // Length-prefixed so that no (user, slot) pair can collide with another.
    format!("mfakit:record:v1:{}:{user_id}:{slot}", user_id.len()).into_bytes()
}

impl MfaRecord {
    /// An empty record for `user_id` (nothing enrolled, version 0: not stored yet).
    pub fn new(user_id: &str) -> Result<MfaRecord> {
        validate_user_id(user_id)?;
        Ok(Self::empty(user_id.to_owned(), 0))
    }

    /// A record of `user_id` at `version` with nothing in it.
    fn empty(user_id: String, version: u64) -> MfaRecord {
        MfaRecord {
            schema: RECORD_SCHEMA,
            user_id,
            version,
            totp: None,
            pending_totp: None,
            email: None,
            pending_email: None,
            sms: None,
            pending_sms: None,
            recovery: None,
            attempts: AttemptState::default(),
            logins: Vec::new(),
            step_up_codes: BTreeMap::new(),
            verified_at: None,
        }
    }

    /// The user.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The version: 0 before the first write, one more after each transition that changed it.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Whether nothing is enrolled, pending or open (a store may delete such a record).
    pub fn is_empty(&self) -> bool {
        self.totp.is_none()
            && self.pending_totp.is_none()
            && self.email.is_none()
            && self.pending_email.is_none()
            && self.sms.is_none()
            && self.pending_sms.is_none()
            && self.recovery.is_none()
            && self.logins.is_empty()
            && self.step_up_codes.is_empty()
    }

    /// The stored form: JSON with a schema number. Holds sealed values and hashes only.
    pub fn to_stored(&self) -> String {
        // Serialising plain structs of strings and numbers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parses [`MfaRecord::to_stored`]'s output for `user_id`. A malformed record, one of
    /// another user, or one from a newer schema is [`MfaError::InvalidStoredValue`]; the
    /// caller must then leave it as it is.
    pub fn from_stored(user_id: &str, stored: &str) -> Result<MfaRecord> {
        if stored.len() > MAX_RECORD_LEN {
            return Err(MfaError::stored("record too large"));
        }
        // One parse when the record is well formed (the common case); only a record that
        // does not parse is read again, for its schema number, to say why.
        let record: MfaRecord = match serde_json::from_str(stored) {
            Ok(record) => record,
            Err(e) => {
                #[derive(Deserialize)]
                struct Head {
                    schema: u32,
                }
                return Err(match serde_json::from_str::<Head>(stored) {
                    Err(_) => MfaError::stored("record is not valid JSON with a schema"),
                    Ok(head) if head.schema > RECORD_SCHEMA => newer_schema(head.schema),
                    Ok(head) if head.schema != RECORD_SCHEMA => {
                        MfaError::stored("unknown record schema")
                    }
                    Ok(_) => MfaError::stored(format!("malformed record: {}", redact_serde(&e))),
                });
            }
        };
        if record.schema > RECORD_SCHEMA {
            return Err(newer_schema(record.schema));
        }
        if record.schema != RECORD_SCHEMA {
            return Err(MfaError::stored("unknown record schema"));
        }
        if record.user_id != user_id {
            return Err(MfaError::stored("record belongs to another user"));
        }
        record.check_invariants()?;
        Ok(record)
    }

    fn check_invariants(&self) -> Result<()> {
        for t in [&self.totp, &self.pending_totp].into_iter().flatten() {
            totp_params(t)?;
        }
        if self.logins.len() > 64 || self.step_up_codes.len() > 2 {
            return Err(MfaError::stored("too many open challenges"));
        }
        for login in &self.logins {
            if login.codes.keys().any(|m| !m.is_contact()) {
                return Err(MfaError::stored("login code for a method without codes"));
            }
        }
        if self.step_up_codes.keys().any(|m| !m.is_contact()) {
            return Err(MfaError::stored("step-up code for a method without codes"));
        }
        Ok(())
    }

    /// Confirmed methods, in [`Method::ALL`] order.
    pub fn methods(&self) -> Vec<Method> {
        Method::ALL.into_iter().filter(|&m| self.has(m)).collect()
    }

    fn has(&self, method: Method) -> bool {
        match method {
            Method::Totp => self.totp.is_some(),
            Method::Email => self.email.is_some(),
            Method::Sms => self.sms.is_some(),
            Method::RecoveryCode => self.recovery.as_ref().is_some_and(|r| r.remaining() > 0),
        }
    }

    fn contact(&self, method: Method) -> Option<&Contact> {
        match method {
            Method::Email => self.email.as_ref(),
            Method::Sms => self.sms.as_ref(),
            _ => None,
        }
    }

    fn masked(&self) -> BTreeMap<Method, String> {
        [Method::Email, Method::Sms]
            .into_iter()
            .filter_map(|m| self.contact(m).map(|c| (m, c.masked.clone())))
            .collect()
    }

    /// Status at `now`: methods, recovery codes left, lockout.
    pub fn status(&self, ctx: &MfaContext, now: u64) -> MfaStatus {
        let decision = ctx.limiter().check(&self.attempts, now);
        MfaStatus {
            methods: self.methods(),
            totp_pending: self.pending_totp.is_some(),
            recovery_codes_left: self.recovery.as_ref().map_or(0, RecoveryCodeSet::remaining),
            locked_until: (!decision.allowed).then(|| now.saturating_add(decision.retry_after)),
            failures: self.attempts.failures,
            masked: self.masked(),
        }
    }

    // -- helpers ------------------------------------------------------------------------------

    fn event(&self, at: u64, kind: AuditKind, method: Option<Method>, outcome: &str) -> AuditEvent {
        AuditEvent {
            at,
            user_id: self.user_id.clone(),
            kind,
            method,
            outcome: outcome.to_owned(),
        }
    }

    /// Drops what expired: login challenges, pending enrolments, step-up codes.
    fn pruned(&self, now: u64) -> MfaRecord {
        let mut next = self.clone();
        next.logins.retain(|l| now < l.expires_at);
        next.step_up_codes.retain(|_, c| now < c.expires_at);
        if next
            .pending_totp
            .as_ref()
            .is_some_and(|p| p.expires_at.is_some_and(|e| now >= e))
        {
            next.pending_totp = None;
        }
        next
    }

    fn finish<T>(self, old: &MfaRecord, outcome: T, events: Vec<AuditEvent>) -> Transition<T> {
        let mut record = self;
        // Events alone are a change too: they are appended in the same atomic write.
        let changed = record != *old || !events.is_empty();
        if changed {
            record.version = old.version.saturating_add(1);
        }
        Transition {
            record,
            outcome,
            events,
            changed,
        }
    }

    /// The failure budget's answer before a code is compared: `Some(verification)` when it
    /// refuses.
    fn refused_by_budget(
        &self,
        ctx: &MfaContext,
        method: Method,
        now: u64,
    ) -> Option<Verification> {
        let decision = ctx.limiter().check(&self.attempts, now);
        (!decision.allowed).then(|| Verification {
            user_id: self.user_id.clone(),
            verdict: Verdict::Locked,
            method,
            retry_after: decision.retry_after,
            attempts_left: self.attempts_left(ctx),
            claims: None,
            recovery_codes: None,
            recovery_codes_left: None,
        })
    }

    fn attempts_left(&self, ctx: &MfaContext) -> Option<u32> {
        let limit = ctx.policy.attempts.lockout_after;
        (limit > 0).then(|| limit.saturating_sub(self.attempts.failures))
    }

    /// Counts one failure at `now` (never moving the last failure time backwards) and
    /// returns the verification to report, with a `locked` event when the lockout engaged.
    fn count_failure(
        &mut self,
        ctx: &MfaContext,
        method: Method,
        verdict: Verdict,
        now: u64,
        events: &mut Vec<AuditEvent>,
    ) -> Verification {
        let limiter = ctx.limiter();
        let at = now.max(self.attempts.last_failure_at);
        let outcome = limiter.record_failure(&self.attempts, at);
        self.attempts = outcome.state;
        events.push(self.event(now, AuditKind::Failed, Some(method), verdict.as_str()));
        if outcome.decision.locked {
            events.push(self.event(now, AuditKind::Locked, None, "budget_exhausted"));
        }
        Verification {
            user_id: self.user_id.clone(),
            verdict,
            method,
            // The decision is relative to `at`, which a clock running behind may put after `now`.
            retry_after: outcome.decision.retry_after.saturating_add(at - now),
            attempts_left: self.attempts_left(ctx),
            claims: None,
            recovery_codes: None,
            recovery_codes_left: None,
        }
    }

    fn accepted(
        &mut self,
        ctx: &MfaContext,
        method: Method,
        now: u64,
        claims: bool,
    ) -> Verification {
        self.attempts = ctx.limiter().record_success();
        if claims {
            self.verified_at = Some(now);
        }
        Verification {
            user_id: self.user_id.clone(),
            verdict: Verdict::Accepted,
            method,
            retry_after: 0,
            attempts_left: self.attempts_left(ctx),
            claims: claims.then(|| Claims::for_method(method, now)),
            recovery_codes: None,
            recovery_codes_left: None,
        }
    }

    fn plain(&self, ctx: &MfaContext, method: Method, verdict: Verdict) -> Verification {
        Verification {
            user_id: self.user_id.clone(),
            verdict,
            method,
            retry_after: 0,
            attempts_left: self.attempts_left(ctx),
            claims: None,
            recovery_codes: None,
            recovery_codes_left: None,
        }
    }

    fn open_totp(&self, ctx: &MfaContext, factor: &TotpFactor, slot: &str) -> Result<Totp> {
        let secret = ctx
            .keyring
            .open(&factor.sealed, &seal_ad(&self.user_id, slot))?;
        let text = std::str::from_utf8(&secret)
            .map_err(|_| MfaError::stored("sealed TOTP secret is not text"))?;
        Totp::new(Secret::from_base32(text)?, totp_params(factor)?)
    }

    fn open_contact(
        &self,
        ctx: &MfaContext,
        contact: &Contact,
        method: Method,
    ) -> Result<Zeroizing<String>> {
        let bytes = ctx
            .keyring
            .open(&contact.sealed, &seal_ad(&self.user_id, method.as_str()))?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| MfaError::stored("sealed contact is not text"))?;
        Ok(Zeroizing::new(text.to_owned()))
    }

    /// Fresh recovery codes when the user has none left; `None` otherwise.
    fn ensure_recovery<R: RngCore + CryptoRng>(
        &mut self,
        ctx: &MfaContext,
        now: u64,
        rng: &mut R,
        events: &mut Vec<AuditEvent>,
    ) -> Result<Option<Vec<RecoveryCode>>> {
        if self.has(Method::RecoveryCode) {
            return Ok(None);
        }
        let fresh = RecoveryCodeSet::generate_with_rng(
            rng,
            ctx.policy.recovery_count,
            ctx.policy.recovery_params,
        )?;
        self.recovery = Some(fresh.set);
        events.push(self.event(
            now,
            AuditKind::RecoveryCodesRegenerated,
            Some(Method::RecoveryCode),
            "first_method",
        ));
        Ok(Some(fresh.codes))
    }

    // -- enrolment ------------------------------------------------------------------------------

    /// Starts a TOTP enrolment with a new 160-bit secret drawn from `rng`, labelled with the
    /// context's issuer and `account`.
    ///
    /// With `require_verification` (the default everywhere), the new TOTP is *pending*: it
    /// works only once [`MfaRecord::confirm_totp`] has seen a code from it, and a confirmed
    /// TOTP already enrolled keeps working until then. Without it, the TOTP is active at once
    /// (replacing any confirmed one) and fresh recovery codes come with it if the user had
    /// none.
    pub fn setup_totp<R: RngCore + CryptoRng>(
        &self,
        ctx: &MfaContext,
        account: &str,
        require_verification: bool,
        now: u64,
        rng: &mut R,
    ) -> Result<Transition<TotpSetup>> {
        let mut next = self.pruned(now);
        let mut bytes = Zeroizing::new([0u8; Secret::DEFAULT_BITS / 8]);
        rng.fill_bytes(bytes.as_mut());
        let secret = Secret::from_bytes(bytes.as_ref())?;
        let params = TotpParams::default();
        let totp = Totp::new(secret, params)?;
        let uri =
            Zeroizing::new(OtpAuthUri::for_totp(&totp, Some(&ctx.issuer), account)?.to_uri()?);
        let base32 = Zeroizing::new(totp.secret().to_base32());
        let slot = if require_verification {
            "totp-pending"
        } else {
            "totp"
        };
        let factor = TotpFactor {
            sealed: ctx
                .keyring
                .seal(base32.as_bytes(), &seal_ad(&self.user_id, slot))?,
            algorithm: params.algorithm.as_str().to_owned(),
            digits: params.digits,
            period: params.period,
            account: account.to_owned(),
            last_step: None,
            since: now,
            expires_at: require_verification
                .then(|| now.saturating_add(ctx.policy.pending_ttl_secs)),
        };
        let mut events = Vec::new();
        let mut recovery_codes = None;
        if require_verification {
            next.pending_totp = Some(factor);
            events.push(next.event(now, AuditKind::Enrolled, Some(Method::Totp), "pending"));
        } else {
            next.pending_totp = None;
            next.totp = Some(factor);
            events.push(next.event(now, AuditKind::Enrolled, Some(Method::Totp), "active"));
            recovery_codes = next.ensure_recovery(ctx, now, rng, &mut events)?;
        }
        let outcome = TotpSetup {
            secret: base32,
            uri,
            active: !require_verification,
            recovery_codes,
        };
        Ok(next.finish(self, outcome, events))
    }

    /// Confirms the pending TOTP with a code from it. Accepted: the pending TOTP replaces the
    /// confirmed one, the code's step is recorded (so it is refused at the next login), and
    /// the first confirmed method brings fresh recovery codes. Wrong codes count against the
    /// failure budget. No pending enrolment is [`MfaError::NotEnrolled`].
    pub fn confirm_totp<R: RngCore + CryptoRng>(
        &self,
        ctx: &MfaContext,
        code: &str,
        now: u64,
        rng: &mut R,
    ) -> Result<Transition<Verification>> {
        let mut next = self.pruned(now);
        let Some(pending) = next.pending_totp.clone() else {
            return if self.pending_totp.is_some() {
                Ok(next.clone().finish(
                    self,
                    next.plain(ctx, Method::Totp, Verdict::Expired),
                    vec![],
                ))
            } else {
                Err(MfaError::NotEnrolled {
                    method: "totp".into(),
                })
            };
        };
        if let Some(refused) = next.refused_by_budget(ctx, Method::Totp, now) {
            return Ok(next.finish(self, refused, vec![]));
        }
        let totp = next.open_totp(ctx, &pending, "totp-pending")?;
        let mut events = Vec::new();
        let verification = match totp.verify_at(code, now, ctx.window(), None)? {
            Some(m) => {
                let base32 = Zeroizing::new(totp.secret().to_base32());
                next.totp = Some(TotpFactor {
                    sealed: ctx
                        .keyring
                        .seal(base32.as_bytes(), &seal_ad(&self.user_id, "totp"))?,
                    last_step: Some(m.step),
                    since: now,
                    expires_at: None,
                    ..pending
                });
                next.pending_totp = None;
                let mut v = next.accepted(ctx, Method::Totp, now, false);
                events.push(next.event(now, AuditKind::Confirmed, Some(Method::Totp), "accepted"));
                v.recovery_codes = next.ensure_recovery(ctx, now, rng, &mut events)?;
                v
            }
            None => next.count_failure(ctx, Method::Totp, Verdict::Wrong, now, &mut events),
        };
        Ok(next.finish(self, verification, events))
    }

    /// Starts adding an email address (`Method::Email`) or phone number (`Method::Sms`): the
    /// contact is pending until [`MfaRecord::confirm_contact`] sees the code returned here,
    /// which the application delivers. A confirmed contact keeps working until then.
    pub fn setup_contact<R: RngCore + CryptoRng>(
        &self,
        ctx: &MfaContext,
        method: Method,
        address: &str,
        now: u64,
        rng: &mut R,
    ) -> Result<Transition<CodeToSend>> {
        let (masked, clean) = match method {
            Method::Email => (mask_email(address)?, address.trim().to_owned()),
            Method::Sms => (mask_phone(address)?, address.trim().to_owned()),
            _ => return Err(MfaError::param("method", "must be email or sms")),
        };
        let mut next = self.pruned(now);
        let issued = OtpChallenge::issue_with_rng(rng, &ctx.challenge_key, &ctx.policy.codes, now)?;
        let contact = Contact {
            sealed: ctx
                .keyring
                .seal(clean.as_bytes(), &seal_ad(&self.user_id, method.as_str()))?,
            masked: masked.clone(),
            since: now,
        };
        let pending = Some(PendingContact {
            contact,
            challenge: issued.challenge.clone(),
        });
        match method {
            Method::Email => next.pending_email = pending,
            _ => next.pending_sms = pending,
        }
        let events = vec![
            next.event(now, AuditKind::Enrolled, Some(method), "pending"),
            next.event(now, AuditKind::CodeSent, Some(method), "confirmation"),
        ];
        let outcome = CodeToSend {
            method,
            contact: Zeroizing::new(clean),
            masked,
            code: issued.code,
            expires_at: issued.challenge.expires_at,
            resend_after: ctx.policy.codes.resend_cooldown_secs,
        };
        Ok(next.finish(self, outcome, events))
    }

    /// Confirms a pending email or SMS contact with the code sent to it.
    pub fn confirm_contact<R: RngCore + CryptoRng>(
        &self,
        ctx: &MfaContext,
        method: Method,
        code: &str,
        now: u64,
        rng: &mut R,
    ) -> Result<Transition<Verification>> {
        if !method.is_contact() {
            return Err(MfaError::param("method", "must be email or sms"));
        }
        let mut next = self.pruned(now);
        let pending = match method {
            Method::Email => next.pending_email.clone(),
            _ => next.pending_sms.clone(),
        };
        let Some(pending) = pending else {
            return Err(MfaError::NotEnrolled {
                method: method.as_str().into(),
            });
        };
        if let Some(refused) = next.refused_by_budget(ctx, method, now) {
            return Ok(next.finish(self, refused, vec![]));
        }
        let checked = pending.challenge.verify(&ctx.challenge_key, code, now);
        let mut events = Vec::new();
        let verification = match checked.verdict {
            ChallengeVerdict::Accepted => {
                match method {
                    Method::Email => {
                        next.email = Some(pending.contact);
                        next.pending_email = None;
                    }
                    _ => {
                        next.sms = Some(pending.contact);
                        next.pending_sms = None;
                    }
                }
                let mut v = next.accepted(ctx, method, now, false);
                events.push(next.event(now, AuditKind::Confirmed, Some(method), "accepted"));
                v.recovery_codes = next.ensure_recovery(ctx, now, rng, &mut events)?;
                v
            }
            verdict => {
                let updated = Some(PendingContact {
                    challenge: checked.challenge,
                    ..pending
                });
                match method {
                    Method::Email => next.pending_email = updated,
                    _ => next.pending_sms = updated,
                }
                next.code_failure(ctx, method, verdict, now, &mut events)
            }
        };
        Ok(next.finish(self, verification, events))
    }

    /// The verification for a non-accepted email/SMS code verdict.
    fn code_failure(
        &mut self,
        ctx: &MfaContext,
        method: Method,
        verdict: ChallengeVerdict,
        now: u64,
        events: &mut Vec<AuditEvent>,
    ) -> Verification {
        match verdict {
            ChallengeVerdict::Wrong { .. } => {
                self.count_failure(ctx, method, Verdict::Wrong, now, events)
            }
            ChallengeVerdict::Expired => self.plain(ctx, method, Verdict::Expired),
            ChallengeVerdict::Exhausted => self.plain(ctx, method, Verdict::Exhausted),
            ChallengeVerdict::Used | ChallengeVerdict::Accepted => {
                self.plain(ctx, method, Verdict::Used)
            }
        }
    }

    // -- login ----------------------------------------------------------------------------------

    /// Opens a login challenge after the application checked the password: a single-use id,
    /// its expiry, the methods that can answer it, and masked contacts. No code is sent yet:
    /// call [`MfaRecord::send_code`] for email or SMS. A user with nothing enrolled is
    /// [`MfaError::NotEnrolled`] (`any`): the application decides whether that user may sign
    /// in without a second factor.
    pub fn start_login<R: RngCore + CryptoRng>(
        &self,
        ctx: &MfaContext,
        now: u64,
        rng: &mut R,
    ) -> Result<Transition<LoginStart>> {
        let methods = self.methods();
        if methods.is_empty() {
            return Err(MfaError::NotEnrolled {
                method: "any".into(),
            });
        }
        let mut next = self.pruned(now);
        let mut raw = [0u8; LOGIN_ID_BYTES];
        rng.fill_bytes(&mut raw);
        let id = b64e(&raw);
        let expires_at = now.saturating_add(ctx.policy.login_ttl_secs);
        next.logins.push(LoginChallenge {
            id: id.clone(),
            expires_at,
            used: false,
            codes: BTreeMap::new(),
        });
        let excess = next.logins.len().saturating_sub(ctx.policy.max_open_logins);
        next.logins.drain(..excess);
        let events = vec![next.event(now, AuditKind::ChallengeStarted, None, "login")];
        let outcome = LoginStart {
            id: ctx.login_token(&self.user_id, &id)?,
            expires_at,
            methods,
            masked: next.masked(),
        };
        Ok(next.finish(self, outcome, events))
    }

    /// Issues (or re-issues, after the cooldown) the email or SMS code of an open login
    /// challenge, for the application to deliver. Within the cooldown:
    /// [`MfaError::RateLimited`]. An unknown, expired or completed challenge:
    /// [`MfaError::InvalidParameter`] (`challenge_id`).
    pub fn send_code<R: RngCore + CryptoRng>(
        &self,
        ctx: &MfaContext,
        challenge_id: &str,
        method: Method,
        now: u64,
        rng: &mut R,
    ) -> Result<Transition<CodeToSend>> {
        let (user, login_id) = ctx.parse_challenge(challenge_id)?;
        let mut next = self.pruned(now);
        let contact = self.contact_for_code(method)?;
        let Some(login) = next
            .logins
            .iter_mut()
            .find(|l| user == self.user_id && l.id == login_id && !l.used)
        else {
            return Err(MfaError::param(
                "challenge_id",
                "unknown, expired or already completed",
            ));
        };
        let issued = issue_or_resend(ctx, login.codes.get(&method), now, rng)?;
        login.codes.insert(method, issued.challenge.clone());
        next.deliver(ctx, method, contact, issued, now, "login")
            .map(|(rec, out, ev)| rec.finish(self, out, ev))
    }

    /// Issues the email or SMS code for a step-up of a signed-in user.
    pub fn send_step_up_code<R: RngCore + CryptoRng>(
        &self,
        ctx: &MfaContext,
        method: Method,
        now: u64,
        rng: &mut R,
    ) -> Result<Transition<CodeToSend>> {
        let mut next = self.pruned(now);
        let contact = self.contact_for_code(method)?;
        let issued = issue_or_resend(ctx, next.step_up_codes.get(&method), now, rng)?;
        next.step_up_codes.insert(method, issued.challenge.clone());
        next.deliver(ctx, method, contact, issued, now, "step_up")
            .map(|(rec, out, ev)| rec.finish(self, out, ev))
    }

    fn contact_for_code(&self, method: Method) -> Result<&Contact> {
        if !method.is_contact() {
            return Err(MfaError::param(
                "method",
                "codes are sent for email and sms only",
            ));
        }
        self.contact(method).ok_or_else(|| MfaError::NotEnrolled {
            method: method.as_str().into(),
        })
    }

    fn deliver(
        self,
        ctx: &MfaContext,
        method: Method,
        contact: &Contact,
        issued: crate::challenge::IssuedChallenge,
        now: u64,
        purpose: &str,
    ) -> Result<(MfaRecord, CodeToSend, Vec<AuditEvent>)> {
        let address = self.open_contact(ctx, contact, method)?;
        let events = vec![self.event(now, AuditKind::CodeSent, Some(method), purpose)];
        let out = CodeToSend {
            method,
            contact: address,
            masked: contact.masked.clone(),
            code: issued.code,
            expires_at: issued.challenge.expires_at,
            resend_after: issued.challenge.resend_available_in(now),
        };
        Ok((self, out, events))
    }

    /// Verifies a login challenge with a code, and completes the login in the same step:
    /// accepted consumes the challenge and returns the session's claims. There is no
    /// separate "complete" call.
    ///
    /// An unknown or expired challenge is `expired`, a completed one `used`; a locked user is
    /// `locked` whatever the code. A wrong code counts against the failure budget.
    pub fn verify_login(
        &self,
        ctx: &MfaContext,
        challenge_id: &str,
        method: Method,
        code: &str,
        now: u64,
    ) -> Result<Transition<Verification>> {
        let (user, login_id) = ctx.parse_challenge(challenge_id)?;
        let mut next = self.pruned(now);
        let found = next.logins.iter().position(|l| l.id == login_id);
        let Some(index) = found.filter(|_| user == self.user_id) else {
            return Ok(next.clone().finish(
                self,
                next.plain(ctx, method, Verdict::Expired),
                vec![],
            ));
        };
        if next.logins[index].used {
            return Ok(next
                .clone()
                .finish(self, next.plain(ctx, method, Verdict::Used), vec![]));
        }
        if !self.has(method) {
            return Err(MfaError::NotEnrolled {
                method: method.as_str().into(),
            });
        }
        if let Some(refused) = next.refused_by_budget(ctx, method, now) {
            return Ok(next.finish(self, refused, vec![]));
        }
        let mut events = Vec::new();
        let challenge = next.logins[index].codes.get(&method).cloned();
        if method.is_contact() && challenge.is_none() {
            // No code was sent for this method: nothing to compare, nothing counted.
            return Ok(next.clone().finish(
                self,
                next.plain(ctx, method, Verdict::Expired),
                vec![],
            ));
        }
        let (verification, updated) =
            next.check_code(ctx, method, code, challenge, now, &mut events)?;
        if verification.accepted() {
            next.logins[index].used = true;
            next.logins[index].codes.clear();
        } else if let Some(c) = updated {
            next.logins[index].codes.insert(method, c);
        }
        if verification.accepted() {
            events.push(next.event(now, AuditKind::Verified, Some(method), "login"));
        }
        Ok(next.finish(self, verification, events))
    }

    /// Checks a code for a login or a step-up: an email/SMS code against its `challenge`
    /// (returning the challenge to keep, with an attempt spent, when it is not accepted), a TOTP
    /// or recovery code against the record.
    fn check_code(
        &mut self,
        ctx: &MfaContext,
        method: Method,
        code: &str,
        challenge: Option<OtpChallenge>,
        now: u64,
        events: &mut Vec<AuditEvent>,
    ) -> Result<(Verification, Option<OtpChallenge>)> {
        let Some(challenge) = challenge.filter(|_| method.is_contact()) else {
            return Ok((self.check_factor(ctx, method, code, now, events)?, None));
        };
        let checked = challenge.verify(&ctx.challenge_key, code, now);
        if checked.verdict.is_accepted() {
            return Ok((self.accepted(ctx, method, now, true), None));
        }
        let v = self.code_failure(ctx, method, checked.verdict, now, events);
        Ok((v, Some(checked.challenge)))
    }

    /// Checks a TOTP or recovery code against the record (login and step-up share it).
    fn check_factor(
        &mut self,
        ctx: &MfaContext,
        method: Method,
        code: &str,
        now: u64,
        events: &mut Vec<AuditEvent>,
    ) -> Result<Verification> {
        match method {
            Method::Totp => {
                let Some(factor) = self.totp.clone() else {
                    return Err(MfaError::NotEnrolled {
                        method: "totp".into(),
                    });
                };
                let totp = self.open_totp(ctx, &factor, "totp")?;
                match totp.verify_at(code, now, ctx.window(), factor.last_step)? {
                    Some(m) => {
                        if let Some(f) = self.totp.as_mut() {
                            f.last_step = Some(m.step);
                        }
                        Ok(self.accepted(ctx, method, now, true))
                    }
                    None => {
                        // A right code of an already accepted step is a replay: `used`, not
                        // counted (it proves nothing an attacker could not have seen).
                        let replay = factor.last_step.is_some()
                            && totp.verify_at(code, now, ctx.window(), None)?.is_some();
                        if replay {
                            events.push(self.event(now, AuditKind::Failed, Some(method), "used"));
                            Ok(self.plain(ctx, method, Verdict::Used))
                        } else {
                            Ok(self.count_failure(ctx, method, Verdict::Wrong, now, events))
                        }
                    }
                }
            }
            Method::RecoveryCode => {
                let Some(set) = self.recovery.clone() else {
                    return Err(MfaError::NotEnrolled {
                        method: "recovery_code".into(),
                    });
                };
                let check = set.check(code)?;
                if check.accepted {
                    self.recovery = Some(check.set);
                    let mut v = self.accepted(ctx, method, now, true);
                    v.recovery_codes_left = Some(check.remaining);
                    events.push(self.event(
                        now,
                        AuditKind::RecoveryCodeUsed,
                        Some(method),
                        "accepted",
                    ));
                    Ok(v)
                } else {
                    Ok(self.count_failure(ctx, method, Verdict::Wrong, now, events))
                }
            }
            Method::Email | Method::Sms => Err(MfaError::Internal {
                reason: "contact codes are checked against their challenge".into(),
            }),
        }
    }

    /// Step-up for a signed-in user: the same factors and the same failure budget as a login.
    /// Email and SMS need a code from [`MfaRecord::send_step_up_code`] first.
    pub fn step_up(
        &self,
        ctx: &MfaContext,
        method: Method,
        code: &str,
        now: u64,
    ) -> Result<Transition<Verification>> {
        let mut next = self.pruned(now);
        if !self.has(method) {
            return Err(MfaError::NotEnrolled {
                method: method.as_str().into(),
            });
        }
        if let Some(refused) = next.refused_by_budget(ctx, method, now) {
            return Ok(next.finish(self, refused, vec![]));
        }
        let mut events = Vec::new();
        let challenge = next.step_up_codes.get(&method).cloned();
        if method.is_contact() && challenge.is_none() {
            return Ok(next.clone().finish(
                self,
                next.plain(ctx, method, Verdict::Expired),
                vec![],
            ));
        }
        let (verification, updated) =
            next.check_code(ctx, method, code, challenge, now, &mut events)?;
        if verification.accepted() {
            next.step_up_codes.remove(&method);
        } else if let Some(c) = updated {
            next.step_up_codes.insert(method, c);
        }
        if verification.accepted() {
            events.push(next.event(now, AuditKind::Verified, Some(method), "step_up"));
        }
        Ok(next.finish(self, verification, events))
    }

    // -- management -----------------------------------------------------------------------------

    /// Removes one method. Needs a step-up within the policy's `step_up_max_age_secs`
    /// ([`MfaError::StepUpRequired`] otherwise). Removing the last of TOTP, email and SMS
    /// removes the recovery codes too: they are a fallback, not a factor of their own.
    pub fn disable(&self, ctx: &MfaContext, method: Method, now: u64) -> Result<Transition<()>> {
        let fresh = self.verified_at.is_some_and(|at| {
            at <= now.saturating_add(ctx.policy.max_clock_skew_secs)
                && now.saturating_sub(at) <= ctx.policy.step_up_max_age_secs
        });
        if !fresh {
            return Err(MfaError::StepUpRequired);
        }
        let mut next = self.pruned(now);
        let had = match method {
            Method::Totp => next.totp.take().is_some() | next.pending_totp.take().is_some(),
            Method::Email => next.email.take().is_some() | next.pending_email.take().is_some(),
            Method::Sms => next.sms.take().is_some() | next.pending_sms.take().is_some(),
            Method::RecoveryCode => next.recovery.take().is_some(),
        };
        if !had {
            return Err(MfaError::NotEnrolled {
                method: method.as_str().into(),
            });
        }
        next.step_up_codes.remove(&method);
        let mut events = vec![next.event(now, AuditKind::Disabled, Some(method), "removed")];
        let primary_left = next.totp.is_some() || next.email.is_some() || next.sms.is_some();
        if !primary_left && next.recovery.take().is_some() {
            events.push(next.event(
                now,
                AuditKind::Disabled,
                Some(Method::RecoveryCode),
                "last_method_removed",
            ));
        }
        if !primary_left {
            next.logins.clear();
        }
        Ok(next.finish(self, (), events))
    }

    /// A new recovery-code set replacing the old one; the codes are returned once. Needs at
    /// least one confirmed method ([`MfaError::NotEnrolled`]).
    pub fn regenerate_recovery_codes<R: RngCore + CryptoRng>(
        &self,
        ctx: &MfaContext,
        now: u64,
        rng: &mut R,
    ) -> Result<Transition<Vec<RecoveryCode>>> {
        if self.totp.is_none() && self.email.is_none() && self.sms.is_none() {
            return Err(MfaError::NotEnrolled {
                method: "any".into(),
            });
        }
        let mut next = self.pruned(now);
        let fresh = RecoveryCodeSet::generate_with_rng(
            rng,
            ctx.policy.recovery_count,
            ctx.policy.recovery_params,
        )?;
        next.recovery = Some(fresh.set);
        let events = vec![next.event(
            now,
            AuditKind::RecoveryCodesRegenerated,
            Some(Method::RecoveryCode),
            "replaced",
        )];
        Ok(next.finish(self, fresh.codes, events))
    }

    /// The confirmed TOTP's otpauth:// URI again (to show its QR code on another device).
    /// Deliberately a separate, explicitly named call: the application decides when a user
    /// may see their secret again (after a step-up, say).
    pub fn reveal_totp_uri(&self, ctx: &MfaContext) -> Result<Zeroizing<String>> {
        let factor = self.totp.as_ref().ok_or_else(|| MfaError::NotEnrolled {
            method: "totp".into(),
        })?;
        let totp = self.open_totp(ctx, factor, "totp")?;
        Ok(Zeroizing::new(
            OtpAuthUri::for_totp(&totp, Some(&ctx.issuer), &factor.account)?.to_uri()?,
        ))
    }

    /// Operator action: lifts a lockout and forgets the counted failures.
    pub fn unlock(&self, now: u64) -> Transition<()> {
        let mut next = self.pruned(now);
        next.attempts = AttemptState::default();
        let events = vec![next.event(now, AuditKind::Unlocked, None, "operator")];
        next.finish(self, (), events)
    }

    /// Operator action: removes every method, pending enrolment and open challenge; the
    /// failure budget stays as it is.
    pub fn reset(&self, now: u64) -> Transition<()> {
        let mut next = Self::empty(self.user_id.clone(), self.version);
        next.attempts = self.attempts;
        let events = vec![next.event(now, AuditKind::Reset, None, "operator")];
        next.finish(self, (), events)
    }
}

fn issue_or_resend<R: RngCore + CryptoRng>(
    ctx: &MfaContext,
    existing: Option<&OtpChallenge>,
    now: u64,
    rng: &mut R,
) -> Result<crate::challenge::IssuedChallenge> {
    match existing {
        // A live code with attempts left: a resend keeps its attempt count, so resending
        // buys an attacker no guesses, and the cooldown bounds how often codes go out.
        Some(c) if !c.used && c.attempts_left > 0 && now < c.expires_at => {
            let wait = c.resend_available_in(now);
            if wait > 0 {
                return Err(MfaError::RateLimited {
                    retry_after: std::time::Duration::from_secs(wait),
                });
            }
            OtpChallenge::issue_with_rng(rng, &ctx.challenge_key, &ctx.policy.codes, now).map(
                |mut issued| {
                    issued.challenge.attempts_left = c.attempts_left;
                    issued
                },
            )
        }
        Some(c) if c.resend_available_in(now) > 0 => Err(MfaError::RateLimited {
            retry_after: std::time::Duration::from_secs(c.resend_available_in(now)),
        }),
        _ => OtpChallenge::issue_with_rng(rng, &ctx.challenge_key, &ctx.policy.codes, now),
    }
}

fn totp_params(factor: &TotpFactor) -> Result<TotpParams> {
    let algorithm: Algorithm = factor
        .algorithm
        .parse()
        .map_err(|_| MfaError::stored("unknown TOTP algorithm"))?;
    let params = TotpParams {
        algorithm,
        digits: factor.digits,
        period: factor.period,
        t0: 0,
    };
    if !(crate::MIN_DIGITS..=crate::MAX_DIGITS).contains(&params.digits) || params.period == 0 {
        return Err(MfaError::stored("TOTP parameters out of range"));
    }
    Ok(params)
}

/// A stored record from a newer mfakit: the caller must leave it as it is.
fn newer_schema(schema: u32) -> MfaError {
    MfaError::stored(format!(
        "record schema {schema} is newer than this mfakit ({RECORD_SCHEMA}); upgrade mfakit"
    ))
}

/// serde's messages may quote the input; keep only the position.
fn redact_serde(e: &serde_json::Error) -> String {
    format!("line {} column {}", e.line(), e.column())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn policy_from_json_takes_defaults_and_refuses_unknown_fields() {
        let p = ServicePolicy::from_json(r#"{"attempts": {"lockout_after": 5}, "totp_window": 2}"#)
            .unwrap();
        assert_eq!(p.attempts.lockout_after, 5);
        assert_eq!(
            p.attempts.lockout_secs,
            AttemptPolicy::default().lockout_secs
        );
        assert_eq!(p.totp_window, 2);
        assert_eq!(p.codes, ChallengePolicy::default());
        for bad in [
            r#"{"nope": 1}"#,
            r#"{"totp_window": 99}"#,
            "[",
            r#"{"codes": {"digits": 2}}"#,
        ] {
            assert_eq!(
                ServicePolicy::from_json(bad).unwrap_err().code(),
                "invalid_parameter",
                "{bad}"
            );
        }
    }

    #[test]
    fn challenge_ids_are_bound_to_their_user() {
        let ring = Keyring::new("k", crate::SealingKey::from_bytes(&[1; 32]).unwrap()).unwrap();
        let ctx = MfaContext::new(
            ring,
            ChallengeKey::from_bytes(&[2; 32]).unwrap(),
            "X",
            ServicePolicy::default(),
        )
        .unwrap();
        let token = ctx.login_token("alice", "abc").unwrap();
        assert_eq!(ctx.challenge_user(&token).unwrap(), "alice");
        let forged = token.replacen("abc", "abd", 1);
        assert_eq!(
            ctx.challenge_user(&forged).unwrap_err().code(),
            "invalid_parameter"
        );
        assert!(!token.contains("alice"));
    }
}
