//! The stateful MFA service (`mfakit_core::account` decisions, `mfakit-store` persistence) as
//! one Kotlin/Swift object, `Mfa`.
//!
//! Every method blocks the calling thread on the store (SQLite file, PostgreSQL or Redis): in
//! Kotlin call it from `Dispatchers.IO` (or any thread pool), never from the main thread.
//! Results that carry a secret or a code (`TotpSetup`, `CodeToSend`, `RecoveryCodes`) are
//! objects with explicit accessors and a redacted `toString()`; everything else is a record.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use mfakit_core as mfa;
use mfakit_store::MfaService;

use crate::challenge::ChallengeKey;
use crate::error::{guard, signed, unsigned, unsigned32, MfaError};
use crate::sealed::Keyring;

/// A second factor the service knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, uniffi::Enum)]
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

impl From<Method> for mfa::Method {
    fn from(m: Method) -> Self {
        match m {
            Method::Totp => mfa::Method::Totp,
            Method::Email => mfa::Method::Email,
            Method::Sms => mfa::Method::Sms,
            Method::RecoveryCode => mfa::Method::RecoveryCode,
        }
    }
}

impl From<mfa::Method> for Method {
    fn from(m: mfa::Method) -> Self {
        match m {
            mfa::Method::Totp => Method::Totp,
            mfa::Method::Email => Method::Email,
            mfa::Method::Sms => Method::Sms,
            mfa::Method::RecoveryCode => Method::RecoveryCode,
        }
    }
}

#[uniffi::export]
impl Method {
    /// `totp`, `email`, `sms` or `recovery_code`, as every mfakit binding spells it.
    pub fn code(&self) -> String {
        mfa::Method::from(*self).as_str().to_owned()
    }
}

/// A method from its name (`totp`, `email`, `sms`, `recovery_code`); anything else is
/// `invalid_parameter`.
#[uniffi::export]
pub fn parse_method(name: String) -> Result<Method, MfaError> {
    guard(|| Ok(name.parse::<mfa::Method>()?.into()))
}

/// The verdict of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Verdict {
    /// Accepted: the login is complete (or the step-up / confirmation done).
    Accepted,
    /// Wrong code; counted against the failure budget.
    Wrong,
    /// The challenge, code or pending enrolment expired (or is unknown); nothing compared.
    Expired,
    /// The challenge was completed already, or the TOTP code was accepted before.
    Used,
    /// The failure budget refuses attempts until `retryAfter`; nothing compared.
    Locked,
    /// The email/SMS code has no attempts left; send a new one.
    Exhausted,
}

impl From<mfa::Verdict> for Verdict {
    fn from(v: mfa::Verdict) -> Self {
        match v {
            mfa::Verdict::Accepted => Verdict::Accepted,
            mfa::Verdict::Wrong => Verdict::Wrong,
            mfa::Verdict::Expired => Verdict::Expired,
            mfa::Verdict::Used => Verdict::Used,
            mfa::Verdict::Locked => Verdict::Locked,
            mfa::Verdict::Exhausted => Verdict::Exhausted,
        }
    }
}

impl From<Verdict> for mfa::Verdict {
    fn from(v: Verdict) -> Self {
        match v {
            Verdict::Accepted => mfa::Verdict::Accepted,
            Verdict::Wrong => mfa::Verdict::Wrong,
            Verdict::Expired => mfa::Verdict::Expired,
            Verdict::Used => mfa::Verdict::Used,
            Verdict::Locked => mfa::Verdict::Locked,
            Verdict::Exhausted => mfa::Verdict::Exhausted,
        }
    }
}

#[uniffi::export]
impl Verdict {
    /// `accepted`, `wrong`, `expired`, `used`, `locked` or `exhausted`.
    pub fn code(&self) -> String {
        mfa::Verdict::from(*self).as_str().to_owned()
    }
}

/// Session claims after an accepted login or step-up: `amr` (RFC 8176), `acr`, and the
/// verification time (OpenID Connect `auth_time`). The application adds its own `pwd`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Claims {
    /// `amr` values: the method's (`otp` or `sms`) and `mfa`.
    pub amr: Vec<String>,
    /// `aal2` for TOTP, SMS and recovery codes, `aal1` for email codes.
    pub acr: String,
    /// UNIX time of the verification.
    pub auth_time: i64,
}

/// Recovery codes to show the user once. `toString()` prints only how many there are.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct RecoveryCodes(Vec<mfa::RecoveryCode>);

impl fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecoveryCodes({} codes, <redacted>)", self.0.len())
    }
}

#[uniffi::export]
impl RecoveryCodes {
    /// The codes (`xxxx-xxxx-xxxx`). Show them once; never store or log them.
    pub fn codes(&self) -> Vec<String> {
        self.0.iter().map(|c| c.as_str().to_owned()).collect()
    }

    /// How many codes there are.
    pub fn count(&self) -> i32 {
        count(self.0.len())
    }
}

fn recovery_codes(codes: Option<Vec<mfa::RecoveryCode>>) -> Option<Arc<RecoveryCodes>> {
    codes.map(|c| Arc::new(RecoveryCodes(c)))
}

/// The result of a verification (login, step-up or confirmation). A wrong code is a verdict,
/// not an exception.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Verification {
    /// Whether the code was accepted (`verdict == Verdict.ACCEPTED`).
    pub accepted: bool,
    /// What happened.
    pub verdict: Verdict,
    /// The user verified (for a login, the user the challenge was issued for).
    pub user_id: String,
    /// The method the code was checked with.
    pub method: Method,
    /// Seconds until the next attempt is allowed (0: now).
    pub retry_after: i64,
    /// Failures left before the lockout (`null` when the policy has no lockout).
    pub attempts_left: Option<i32>,
    /// The session claims, when a login or step-up was accepted.
    pub claims: Option<Claims>,
    /// Fresh recovery codes, when the user's first method was just confirmed.
    pub recovery_codes: Option<Arc<RecoveryCodes>>,
    /// Recovery codes left, after one was spent.
    pub recovery_codes_left: Option<i32>,
}

impl Verification {
    fn from_core(v: mfa::Verification) -> Result<Verification, MfaError> {
        Ok(Verification {
            accepted: v.accepted(),
            verdict: v.verdict.into(),
            user_id: v.user_id,
            method: v.method.into(),
            retry_after: signed("retry_after", v.retry_after)?,
            attempts_left: v.attempts_left.map(int),
            claims: v
                .claims
                .map(|c| -> Result<Claims, MfaError> {
                    Ok(Claims {
                        amr: c.amr,
                        acr: c.acr,
                        auth_time: signed("auth_time", c.auth_time)?,
                    })
                })
                .transpose()?,
            recovery_codes: recovery_codes(v.recovery_codes),
            recovery_codes_left: v.recovery_codes_left.map(count),
        })
    }
}

/// A new TOTP enrolment: what to show the user once. `toString()` redacts the secret and URI.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct TotpSetup(mfa::TotpSetup);

impl fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl TotpSetup {
    /// The secret, base32, for manual entry.
    pub fn secret(&self) -> String {
        self.0.secret.as_str().to_owned()
    }

    /// The otpauth:// URI for the QR code.
    pub fn uri(&self) -> String {
        self.0.uri.as_str().to_owned()
    }

    /// Whether the TOTP is active at once (`requireVerification = false`); otherwise confirm
    /// it with `confirmTotp`.
    pub fn active(&self) -> bool {
        self.0.active
    }

    /// Fresh recovery codes, when the TOTP is active at once and the user had none.
    pub fn recovery_codes(&self) -> Option<Arc<RecoveryCodes>> {
        recovery_codes(self.0.recovery_codes.clone())
    }

    /// An SVG document of the URI's QR code, at least `minSize` pixels wide.
    #[uniffi::method(default(min_size = 256))]
    pub fn qr_svg(&self, min_size: i32) -> Result<String, MfaError> {
        guard(|| {
            Ok(mfa::qr::svg(
                &self.0.uri,
                unsigned32("min_size", min_size)?,
            )?)
        })
    }

    /// A grayscale PNG of the URI's QR code, `scale` pixels per module.
    #[uniffi::method(default(scale = 8))]
    pub fn qr_png(&self, scale: i32) -> Result<Vec<u8>, MfaError> {
        guard(|| Ok(mfa::qr::png(&self.0.uri, unsigned32("scale", scale)?)?))
    }
}

/// An email or SMS code for the application to deliver, and where. Deliver `code()`; never
/// log it or return it to the client. `toString()` shows only the method and masked contact.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct CodeToSend(mfa::CodeToSend);

impl fmt::Debug for CodeToSend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl CodeToSend {
    /// Email or SMS.
    pub fn method(&self) -> Method {
        self.0.method.into()
    }

    /// The address or phone number to send the code to.
    pub fn contact(&self) -> String {
        self.0.contact.as_str().to_owned()
    }

    /// The contact masked for display (`j***@example.com`).
    pub fn masked(&self) -> String {
        self.0.masked.clone()
    }

    /// The code to deliver.
    pub fn code(&self) -> String {
        self.0.code.as_str().to_owned()
    }

    /// UNIX time from which the code no longer works.
    pub fn expires_at(&self) -> Result<i64, MfaError> {
        signed("expires_at", self.0.expires_at)
    }

    /// Seconds before another code may be sent.
    pub fn resend_after(&self) -> Result<i64, MfaError> {
        signed("resend_after", self.0.resend_after)
    }
}

/// An opened login challenge, to hand to the client (it holds no code).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LoginStart {
    /// The challenge id: opaque, single use; pass it to `sendCode` and `verify`.
    pub id: String,
    /// UNIX time when it expires.
    pub expires_at: i64,
    /// The methods the user can answer it with.
    pub methods: Vec<Method>,
    /// Masked contacts of the email and SMS methods.
    pub masked: HashMap<Method, String>,
}

/// A user's MFA status.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MfaStatus {
    /// Confirmed methods (recovery codes only while some are left).
    pub methods: Vec<Method>,
    /// Whether a TOTP enrolment waits for its first code.
    pub totp_pending: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: i32,
    /// UNIX time until which attempts are refused (`null`: allowed now).
    pub locked_until: Option<i64>,
    /// Consecutive failures counted against the budget.
    pub failures: i32,
    /// Masked contacts of the confirmed email and SMS methods.
    pub masked: HashMap<Method, String>,
}

/// What an audit event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum AuditKind {
    /// A method was set up (pending confirmation, or active at once).
    Enrolled,
    /// A pending method was confirmed.
    Confirmed,
    /// A login challenge was opened.
    ChallengeStarted,
    /// An email or SMS code was issued for delivery.
    CodeSent,
    /// A login or step-up verification succeeded.
    Verified,
    /// A verification failed (`outcome` says why).
    Failed,
    /// The failure budget locked the user out.
    Locked,
    /// An operator lifted the lockout.
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

impl From<mfa::AuditKind> for AuditKind {
    fn from(k: mfa::AuditKind) -> Self {
        use mfa::AuditKind as K;
        match k {
            K::Enrolled => AuditKind::Enrolled,
            K::Confirmed => AuditKind::Confirmed,
            K::ChallengeStarted => AuditKind::ChallengeStarted,
            K::CodeSent => AuditKind::CodeSent,
            K::Verified => AuditKind::Verified,
            K::Failed => AuditKind::Failed,
            K::Locked => AuditKind::Locked,
            K::Unlocked => AuditKind::Unlocked,
            K::Disabled => AuditKind::Disabled,
            K::RecoveryCodesRegenerated => AuditKind::RecoveryCodesRegenerated,
            K::RecoveryCodeUsed => AuditKind::RecoveryCodeUsed,
            K::Reset => AuditKind::Reset,
        }
    }
}

impl From<AuditKind> for mfa::AuditKind {
    fn from(k: AuditKind) -> Self {
        use mfa::AuditKind as K;
        match k {
            AuditKind::Enrolled => K::Enrolled,
            AuditKind::Confirmed => K::Confirmed,
            AuditKind::ChallengeStarted => K::ChallengeStarted,
            AuditKind::CodeSent => K::CodeSent,
            AuditKind::Verified => K::Verified,
            AuditKind::Failed => K::Failed,
            AuditKind::Locked => K::Locked,
            AuditKind::Unlocked => K::Unlocked,
            AuditKind::Disabled => K::Disabled,
            AuditKind::RecoveryCodesRegenerated => K::RecoveryCodesRegenerated,
            AuditKind::RecoveryCodeUsed => K::RecoveryCodeUsed,
            AuditKind::Reset => K::Reset,
        }
    }
}

#[uniffi::export]
impl AuditKind {
    /// The snake_case name (`verified`, `failed`, ...), as stored and as every binding and the
    /// CLI show it.
    pub fn code(&self) -> String {
        mfa::AuditKind::from(*self).as_str().to_owned()
    }
}

/// One audit event. Never a secret, a code, a contact or a hash.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditEvent {
    /// UNIX time.
    pub at: i64,
    /// The user.
    pub user_id: String,
    /// What happened.
    pub kind: AuditKind,
    /// The method concerned, if any.
    pub method: Option<Method>,
    /// A short machine word: `accepted`, `wrong`, `login`, `step_up`, `pending`, ...
    pub outcome: String,
}

/// Store settings that are not in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct StoreOptions {
    /// Most connections kept open, 1 to 256.
    #[uniffi(default = 8)]
    pub max_connections: i32,
    /// Milliseconds to wait for a connection or a lock before `storage_unavailable`.
    #[uniffi(default = 5000)]
    pub timeout_ms: i64,
}

impl StoreOptions {
    fn to_store(self) -> Result<mfakit_store::StoreOptions, MfaError> {
        Ok(mfakit_store::StoreOptions {
            max_connections: unsigned32("max_connections", self.max_connections)? as usize,
            timeout: Duration::from_millis(unsigned("timeout_ms", self.timeout_ms)?),
        })
    }
}

/// The MFA service: enrolment, login challenges, step-up and management of each user's second
/// factors, kept in a store and changed atomically (each code is accepted at most once, even
/// across threads, processes and machines sharing the store).
///
/// Every method blocks on the store: call it from `Dispatchers.IO` (Kotlin) or a background
/// queue (Swift). One `Mfa` per process, shared by every thread; `close()` releases its
/// connections.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Mfa(MfaService);

impl fmt::Debug for Mfa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Mfa(store={}, issuer={:?})",
            self.0.backend().kind(),
            self.0.context().issuer()
        )
    }
}

fn core_method(m: Method) -> mfa::Method {
    m.into()
}

fn int(v: u32) -> i32 {
    // Failure counts and attempt budgets are small; saturate rather than fail.
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn masked(m: BTreeMap<mfa::Method, String>) -> HashMap<Method, String> {
    m.into_iter().map(|(k, v)| (k.into(), v)).collect()
}

#[uniffi::export]
impl Mfa {
    /// Opens (and migrates) the store and builds the service.
    ///
    /// `store`: `sqlite://PATH` (`sqlite:///abs/path.db` is absolute), `sqlite::memory:`,
    /// `postgres://…`, `redis://…`. `keyring` seals TOTP secrets and contacts (the service keeps
    /// a copy: keys added later do not reach it); `challengeKey` keys the email/SMS code hashes;
    /// `issuer` is shown in authenticator apps. `policy` is the service policy as JSON, every
    /// field optional, the same document in every mfakit language (`{"attempts":
    /// {"lockout_after": 5}, "totp_window": 1}`); `null` takes the defaults.
    #[uniffi::constructor(default(policy = None, options))]
    pub fn new(
        store: String,
        keyring: Arc<Keyring>,
        challenge_key: Arc<ChallengeKey>,
        issuer: String,
        policy: Option<String>,
        options: StoreOptions,
    ) -> Result<Arc<Mfa>, MfaError> {
        guard(|| {
            let policy = match policy {
                Some(json) => mfa::ServicePolicy::from_json(&json)?,
                None => mfa::ServicePolicy::default(),
            };
            let ctx =
                mfa::MfaContext::new(keyring.snapshot(), challenge_key.0.clone(), &issuer, policy)?;
            Ok(Arc::new(Mfa(MfaService::open(
                &store,
                ctx,
                options.to_store()?,
            )?)))
        })
    }

    /// `sqlite`, `postgres` or `redis`.
    pub fn store_kind(&self) -> String {
        self.0.backend().kind().to_owned()
    }

    /// Starts a TOTP enrolment labelled `account`. With `requireVerification` (the default) the
    /// TOTP is pending until `confirmTotp` sees a code from it; without, it is active at once.
    #[uniffi::method(default(require_verification = true))]
    pub fn setup_totp(
        &self,
        user_id: String,
        account: String,
        require_verification: bool,
    ) -> Result<Arc<TotpSetup>, MfaError> {
        guard(|| {
            Ok(Arc::new(TotpSetup(self.0.setup_totp(
                &user_id,
                &account,
                require_verification,
            )?)))
        })
    }

    /// Confirms the pending TOTP with a code from it; the first confirmed method brings
    /// `recoveryCodes`. `not_enrolled` when nothing is pending.
    pub fn confirm_totp(&self, user_id: String, code: String) -> Result<Verification, MfaError> {
        guard(|| Verification::from_core(self.0.confirm_totp(&user_id, &code)?))
    }

    /// Starts adding an email address: returns the confirmation code to deliver.
    pub fn setup_email(
        &self,
        user_id: String,
        address: String,
    ) -> Result<Arc<CodeToSend>, MfaError> {
        guard(|| {
            Ok(Arc::new(CodeToSend(self.0.setup_contact(
                &user_id,
                mfa::Method::Email,
                &address,
            )?)))
        })
    }

    /// Starts adding a phone number (E.164): returns the confirmation code to deliver.
    pub fn setup_sms(&self, user_id: String, phone: String) -> Result<Arc<CodeToSend>, MfaError> {
        guard(|| {
            Ok(Arc::new(CodeToSend(self.0.setup_contact(
                &user_id,
                mfa::Method::Sms,
                &phone,
            )?)))
        })
    }

    /// Confirms a pending email address or phone number with the code sent to it.
    pub fn confirm_contact(
        &self,
        user_id: String,
        method: Method,
        code: String,
    ) -> Result<Verification, MfaError> {
        guard(|| {
            Verification::from_core(
                self.0
                    .confirm_contact(&user_id, core_method(method), &code)?,
            )
        })
    }

    /// Opens a login challenge once the application has checked the password. A user with
    /// nothing enrolled is `not_enrolled`: the application decides whether that user may sign in
    /// without a second factor.
    pub fn start_login(&self, user_id: String) -> Result<LoginStart, MfaError> {
        guard(|| {
            let l = self.0.start_login(&user_id)?;
            Ok(LoginStart {
                id: l.id,
                expires_at: signed("expires_at", l.expires_at)?,
                methods: l.methods.into_iter().map(Method::from).collect(),
                masked: masked(l.masked),
            })
        })
    }

    /// Issues the email or SMS code of a login challenge, for the application to deliver.
    /// Within the resend cooldown: `rate_limited`.
    pub fn send_code(
        &self,
        challenge_id: String,
        method: Method,
    ) -> Result<Arc<CodeToSend>, MfaError> {
        guard(|| {
            Ok(Arc::new(CodeToSend(
                self.0.send_code(&challenge_id, core_method(method))?,
            )))
        })
    }

    /// Verifies a login challenge and completes the login in the same atomic step: accepted
    /// consumes the challenge and carries the session's `claims`.
    pub fn verify(
        &self,
        challenge_id: String,
        method: Method,
        code: String,
    ) -> Result<Verification, MfaError> {
        guard(|| {
            Verification::from_core(self.0.verify(&challenge_id, core_method(method), &code)?)
        })
    }

    /// Issues an email or SMS code for a step-up of a signed-in user.
    pub fn send_step_up_code(
        &self,
        user_id: String,
        method: Method,
    ) -> Result<Arc<CodeToSend>, MfaError> {
        guard(|| {
            Ok(Arc::new(CodeToSend(
                self.0.send_step_up_code(&user_id, core_method(method))?,
            )))
        })
    }

    /// Step-up verification of a signed-in user (same factors and failure budget as a login).
    pub fn step_up(
        &self,
        user_id: String,
        method: Method,
        code: String,
    ) -> Result<Verification, MfaError> {
        guard(|| Verification::from_core(self.0.step_up(&user_id, core_method(method), &code)?))
    }

    /// Methods, recovery codes left, lockout.
    pub fn status(&self, user_id: String) -> Result<MfaStatus, MfaError> {
        guard(|| {
            let s = self.0.status(&user_id)?;
            Ok(MfaStatus {
                methods: s.methods.into_iter().map(Method::from).collect(),
                totp_pending: s.totp_pending,
                recovery_codes_left: count(s.recovery_codes_left),
                locked_until: s
                    .locked_until
                    .map(|t| signed("locked_until", t))
                    .transpose()?,
                failures: int(s.failures),
                masked: masked(s.masked),
            })
        })
    }

    /// Removes a method; needs a step-up within the policy's `step_up_max_age_secs`
    /// (`step_up_required` otherwise).
    pub fn disable(&self, user_id: String, method: Method) -> Result<(), MfaError> {
        guard(|| Ok(self.0.disable(&user_id, core_method(method))?))
    }

    /// Replaces the recovery codes; the new ones are returned once.
    pub fn regenerate_recovery_codes(
        &self,
        user_id: String,
    ) -> Result<Arc<RecoveryCodes>, MfaError> {
        guard(|| {
            Ok(Arc::new(RecoveryCodes(
                self.0.regenerate_recovery_codes(&user_id)?,
            )))
        })
    }

    /// The confirmed TOTP's otpauth:// URI again (to show its QR code on another device).
    /// Only when the application decides a user may see their secret again.
    pub fn reveal_totp_uri(&self, user_id: String) -> Result<String, MfaError> {
        guard(|| Ok(self.0.reveal_totp_uri(&user_id)?.as_str().to_owned()))
    }

    /// Operator: lifts a lockout and forgets the counted failures.
    pub fn unlock(&self, user_id: String) -> Result<(), MfaError> {
        guard(|| Ok(self.0.unlock(&user_id)?))
    }

    /// Operator: removes every method (an audit event records it).
    pub fn reset(&self, user_id: String) -> Result<(), MfaError> {
        guard(|| Ok(self.0.reset(&user_id)?))
    }

    /// The user's audit events, newest first, at most `limit` (1 to 1000).
    #[uniffi::method(default(limit = 50))]
    pub fn audit(&self, user_id: String, limit: i32) -> Result<Vec<AuditEvent>, MfaError> {
        guard(|| {
            let limit = unsigned32("limit", limit)? as usize;
            self.0
                .audit(&user_id, limit)?
                .into_iter()
                .map(|e| {
                    Ok(AuditEvent {
                        at: signed("at", e.at)?,
                        user_id: e.user_id,
                        kind: e.kind.into(),
                        method: e.method.map(Method::from),
                        outcome: e.outcome,
                    })
                })
                .collect()
        })
    }
}
