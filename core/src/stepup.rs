//! Step-up authentication: whether a request may go ahead given the MFA level, how recently the
//! user proved a second factor, and the authentication-method references (RFC 8176) of the
//! session.
//!
//! [`StepUp::decide`] returns one [`StepUpDecision`]. A refusal carries a stable machine code
//! (`mfa_setup_required`, `mfa_required`, `mfa_stale`), a suggested HTTP status, the methods the
//! user can use, and for a stale session the maximum age, so the web helpers of each binding can
//! answer with the same 401/403 JSON body.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{MfaError, Result};

/// How much MFA an application (or tenant) demands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaLevel {
    /// No MFA: every request is allowed.
    None,
    /// MFA is up to each user: enforced for users who enrolled, not for the others.
    #[default]
    Optional,
    /// Every user must enrol and use MFA.
    Required,
    /// Users holding one of [`StepUpPolicy::admin_roles`] must enrol and use MFA; everyone
    /// else is treated as [`MfaLevel::Optional`].
    AdminOnly,
}

impl MfaLevel {
    /// `none`, `optional`, `required` or `admin_only`.
    pub fn as_str(self) -> &'static str {
        match self {
            MfaLevel::None => "none",
            MfaLevel::Optional => "optional",
            MfaLevel::Required => "required",
            MfaLevel::AdminOnly => "admin_only",
        }
    }
}

impl FromStr for MfaLevel {
    type Err = MfaError;
    /// Reads [`MfaLevel::as_str`]'s names (a hyphen is accepted for `admin-only`).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "none" => Ok(MfaLevel::None),
            "optional" => Ok(MfaLevel::Optional),
            "required" => Ok(MfaLevel::Required),
            "admin_only" => Ok(MfaLevel::AdminOnly),
            _ => Err(MfaError::param(
                "level",
                "must be none, optional, required or admin_only",
            )),
        }
    }
}

/// Classes of operation with their own freshness requirement. The names (`as_str`) key
/// [`StepUpPolicy::max_age`].
///
/// Names are compared after trimming and lower-casing (Unicode), so `"Payment"` and
/// `" PAYMENT"` are [`OperationClass::Payment`] and a `max_age` key `"Export"` matches an
/// operation `"export"`. A name that is neither built in nor a `max_age` key is unknown and gets
/// [`StepUpPolicy::unknown_operation_max_age`] (default 0: MFA verified this very second), so a
/// misspelt operation fails closed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationClass {
    /// Ordinary signed-in access.
    SignIn,
    /// Changing the password.
    PasswordChange,
    /// Disabling or removing a second factor.
    DisableMfa,
    /// Payments and other money movements.
    Payment,
    /// An application-defined class, by name.
    Custom(String),
}

impl OperationClass {
    /// `sign_in`, `password_change`, `disable_mfa`, `payment`, or the custom name.
    pub fn as_str(&self) -> &str {
        match self {
            OperationClass::SignIn => "sign_in",
            OperationClass::PasswordChange => "password_change",
            OperationClass::DisableMfa => "disable_mfa",
            OperationClass::Payment => "payment",
            OperationClass::Custom(name) => name,
        }
    }

    /// The class named `name` (trimmed, case ignored): a built-in one, or
    /// [`OperationClass::Custom`] with the lower-cased name.
    pub fn from_name(name: &str) -> OperationClass {
        match fold(name).as_str() {
            "sign_in" => OperationClass::SignIn,
            "password_change" => OperationClass::PasswordChange,
            "disable_mfa" => OperationClass::DisableMfa,
            "payment" => OperationClass::Payment,
            other => OperationClass::Custom(other.to_owned()),
        }
    }
}

/// How operation and role names compare: trimmed, Unicode lower case. Folding rather than
/// exact matching, so that a differently cased name is never a way around MFA.
fn fold(name: &str) -> String {
    name.trim().to_lowercase()
}

fn default_future_skew() -> u64 {
    300
}

/// The application's step-up rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepUpPolicy {
    /// The MFA level.
    pub level: MfaLevel,
    /// Roles for which [`MfaLevel::AdminOnly`] requires MFA, compared with the user's roles
    /// trimmed and case-insensitively (`"Admin"` is `admin`).
    pub admin_roles: Vec<String>,
    /// Maximum seconds since the last second-factor verification, per operation class name
    /// ([`OperationClass::as_str`]; keys compare trimmed and case-insensitively). A built-in
    /// class without an entry needs MFA but no freshness; any other name without an entry gets
    /// [`StepUpPolicy::unknown_operation_max_age`].
    pub max_age: BTreeMap<String, u64>,
    /// Maximum age for an operation that is neither built in nor in `max_age` (default 0: the
    /// second factor must have been verified this second, i.e. unknown operations fail
    /// closed). Raise it to let application-defined classes through without listing them.
    #[serde(default)]
    pub unknown_operation_max_age: u64,
    /// How far in the future `mfa_verified_at` may be (clock skew between servers) before it
    /// is not believed: beyond `now` + this many seconds the session is `mfa_required`
    /// (default 300).
    #[serde(default = "default_future_skew")]
    pub max_future_skew_secs: u64,
    /// `amr` values (RFC 8176 section 2) that count as a second factor; the session must have
    /// at least one of them.
    pub accepted_amr: Vec<String>,
    /// When not empty, the session's `acr` must be one of these.
    pub accepted_acr: Vec<String>,
    /// Methods offered for enrolment, listed in a `mfa_setup_required` refusal.
    pub setup_methods: Vec<String>,
}

impl Default for StepUpPolicy {
    /// Level optional; `admin` as the admin role; 5 minutes' freshness for password changes,
    /// disabling MFA and payments; `amr` one of `mfa`, `otp`, `hwk`, `swk`, `sc`, `fpt`,
    /// `face`, `iris`, `sms`; TOTP and recovery codes offered for setup; unknown operations
    /// need MFA verified now; verification times up to 5 minutes ahead believed.
    fn default() -> Self {
        let five_minutes = 300;
        StepUpPolicy {
            level: MfaLevel::Optional,
            admin_roles: vec!["admin".to_owned()],
            max_age: [
                (OperationClass::PasswordChange, five_minutes),
                (OperationClass::DisableMfa, five_minutes),
                (OperationClass::Payment, five_minutes),
            ]
            .into_iter()
            .map(|(c, s)| (c.as_str().to_owned(), s))
            .collect(),
            accepted_amr: [
                "mfa", "otp", "hwk", "swk", "sc", "fpt", "face", "iris", "sms",
            ]
            .map(str::to_owned)
            .to_vec(),
            accepted_acr: Vec::new(),
            setup_methods: vec!["totp".to_owned(), "recovery_code".to_owned()],
            unknown_operation_max_age: 0,
            max_future_skew_secs: default_future_skew(),
        }
    }
}

/// What the application knows about the user and the session making the request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuthContext {
    /// Second-factor methods the user has enrolled (`totp`, `webauthn`, `sms`, ...); empty
    /// when none.
    pub enrolled_methods: Vec<String>,
    /// The user's roles.
    pub roles: Vec<String>,
    /// The session's `amr` claim (RFC 8176), for example `["pwd", "otp", "mfa"]`.
    pub amr: Vec<String>,
    /// The session's `acr` claim, if any (OpenID Connect Core section 2).
    pub acr: Option<String>,
    /// UNIX time at which the second factor was last verified in this session.
    pub mfa_verified_at: Option<u64>,
}

/// Why step-up refuses a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// MFA is required but the user has not enrolled any method.
    MfaSetupRequired,
    /// The session has not proved a second factor (or not one the policy accepts).
    MfaRequired,
    /// The second factor was proved too long ago for this operation.
    MfaStale,
}

impl RefusalReason {
    /// `mfa_setup_required`, `mfa_required` or `mfa_stale`.
    pub fn code(self) -> &'static str {
        match self {
            RefusalReason::MfaSetupRequired => "mfa_setup_required",
            RefusalReason::MfaRequired => "mfa_required",
            RefusalReason::MfaStale => "mfa_stale",
        }
    }

    /// Suggested HTTP status: 403 for `mfa_setup_required` (the user must enrol first, a
    /// retry will not help), 401 for `mfa_required` and `mfa_stale` (authenticate and retry;
    /// RFC 9110 section 15.5.2).
    pub fn http_status(self) -> u16 {
        match self {
            RefusalReason::MfaSetupRequired => 403,
            RefusalReason::MfaRequired | RefusalReason::MfaStale => 401,
        }
    }
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A refused step-up: serialises as the JSON body the web helpers send, for example
/// `{"code":"mfa_stale","methods":["totp"],"max_age":300}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepUpRefusal {
    /// The machine code.
    #[serde(rename = "code")]
    pub reason: RefusalReason,
    /// Methods the user can use: the enrolled ones, or those offered for setup.
    pub methods: Vec<String>,
    /// For `mfa_stale`: the maximum age in seconds for this operation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub max_age: Option<u64>,
}

/// The outcome of [`StepUp::decide`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum StepUpDecision {
    /// The request may go ahead.
    Allowed,
    /// The request is refused.
    Refused(StepUpRefusal),
}

impl StepUpDecision {
    /// Whether the request may go ahead.
    pub fn is_allowed(&self) -> bool {
        matches!(self, StepUpDecision::Allowed)
    }

    /// The refusal's machine code, `None` when allowed.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            StepUpDecision::Allowed => None,
            StepUpDecision::Refused(r) => Some(r.reason.code()),
        }
    }

    /// Suggested HTTP status: 200 when allowed, else [`RefusalReason::http_status`].
    pub fn http_status(&self) -> u16 {
        match self {
            StepUpDecision::Allowed => 200,
            StepUpDecision::Refused(r) => r.reason.http_status(),
        }
    }
}

/// The step-up evaluator.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StepUp {
    policy: StepUpPolicy,
}

impl StepUp {
    /// An evaluator for `policy`.
    pub fn new(policy: StepUpPolicy) -> StepUp {
        StepUp { policy }
    }

    /// The policy.
    pub fn policy(&self) -> &StepUpPolicy {
        &self.policy
    }

    /// Whether MFA applies to this user at all under the policy's level.
    pub fn mfa_applies(&self, ctx: &AuthContext) -> bool {
        let enrolled = !ctx.enrolled_methods.is_empty();
        match self.policy.level {
            MfaLevel::None => false,
            MfaLevel::Optional => enrolled,
            MfaLevel::Required => true,
            MfaLevel::AdminOnly => {
                enrolled
                    || ctx.roles.iter().any(|r| {
                        let r = fold(r);
                        self.policy.admin_roles.iter().any(|a| fold(a) == r)
                    })
            }
        }
    }

    /// Decides whether `ctx` may perform an operation of class `op` at `now`.
    ///
    /// In order: MFA does not apply → allowed; no method enrolled → `mfa_setup_required`;
    /// no accepted `amr` value, no accepted `acr` (when required), no verification time, or one
    /// more than [`StepUpPolicy::max_future_skew_secs`] after `now` → `mfa_required`; older
    /// than the class's max age (for an unknown class,
    /// [`StepUpPolicy::unknown_operation_max_age`]) → `mfa_stale`; otherwise allowed.
    pub fn decide(&self, ctx: &AuthContext, op: &OperationClass, now: u64) -> StepUpDecision {
        if !self.mfa_applies(ctx) {
            return StepUpDecision::Allowed;
        }
        let p = &self.policy;
        if ctx.enrolled_methods.is_empty() {
            return refuse(RefusalReason::MfaSetupRequired, &p.setup_methods, None);
        }
        let methods = &ctx.enrolled_methods;
        let amr_ok = ctx.amr.iter().any(|a| p.accepted_amr.contains(a));
        let acr_ok = p.accepted_acr.is_empty()
            || ctx.acr.as_ref().is_some_and(|a| p.accepted_acr.contains(a));
        let Some(verified_at) = ctx.mfa_verified_at.filter(|_| amr_ok && acr_ok) else {
            return refuse(RefusalReason::MfaRequired, methods, None);
        };
        // A time a little ahead (clock skew between servers) counts as just now; far ahead is
        // not a verification (a forged or corrupt value would otherwise be fresh forever).
        if verified_at > now.saturating_add(p.max_future_skew_secs) {
            return refuse(RefusalReason::MfaRequired, methods, None);
        }
        let name = fold(op.as_str());
        let max_age = match p.max_age.iter().find(|(k, _)| fold(k) == name) {
            Some((_, &age)) => Some(age),
            None if matches!(OperationClass::from_name(&name), OperationClass::Custom(_)) => {
                Some(p.unknown_operation_max_age)
            }
            None => None,
        };
        if let Some(max_age) = max_age {
            if now.saturating_sub(verified_at) > max_age {
                return refuse(RefusalReason::MfaStale, methods, Some(max_age));
            }
        }
        StepUpDecision::Allowed
    }

    /// The RFC 9470 section 3 challenge for a refusal on a bearer-token API:
    /// `Bearer error="insufficient_user_authentication"`, with `acr_values` (the policy's
    /// accepted `acr` values, when it names some) and, for `mfa_stale`, `max_age`. `None` when
    /// allowed, and for `mfa_setup_required`: enrolling, not authenticating again, is what
    /// that refusal asks for, so it is not an authentication challenge.
    pub fn www_authenticate(&self, decision: &StepUpDecision) -> Option<String> {
        let StepUpDecision::Refused(refusal) = decision else {
            return None;
        };
        if refusal.reason == RefusalReason::MfaSetupRequired {
            return None;
        }
        let mut header = String::from(r#"Bearer error="insufficient_user_authentication""#);
        // RFC 6750 section 3: a quoted-string; values with `"` or `\` cannot be sent as is.
        let acr: Vec<&str> = self
            .policy
            .accepted_acr
            .iter()
            .map(String::as_str)
            .filter(|a| !a.is_empty() && !a.contains(['"', '\\', ' ']))
            .collect();
        if !acr.is_empty() {
            header.push_str(&format!(r#", acr_values="{}""#, acr.join(" ")));
        }
        if let Some(max_age) = refusal.max_age {
            header.push_str(&format!(", max_age={max_age}"));
        }
        Some(header)
    }

    /// [`StepUp::decide`] at the current time.
    pub fn decide_now(&self, ctx: &AuthContext, op: &OperationClass) -> StepUpDecision {
        self.decide(ctx, op, crate::unix_now())
    }
}

fn refuse(reason: RefusalReason, methods: &[String], max_age: Option<u64>) -> StepUpDecision {
    StepUpDecision::Refused(StepUpRefusal {
        reason,
        methods: methods.to_vec(),
        max_age,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    #[test]
    fn www_authenticate_follows_rfc_9470() {
        let policy = StepUpPolicy {
            level: MfaLevel::Required,
            accepted_acr: vec!["aal2".into(), "bad\"acr".into()],
            ..StepUpPolicy::default()
        };
        let step_up = StepUp::new(policy);
        let stale = refuse(RefusalReason::MfaStale, &["totp".into()], Some(300));
        assert_eq!(
            step_up.www_authenticate(&stale).as_deref(),
            Some(
                r#"Bearer error="insufficient_user_authentication", acr_values="aal2", max_age=300"#
            )
        );
        let setup = refuse(RefusalReason::MfaSetupRequired, &["totp".into()], None);
        assert_eq!(step_up.www_authenticate(&setup), None);
        assert_eq!(step_up.www_authenticate(&StepUpDecision::Allowed), None);
        assert_eq!(
            StepUp::default()
                .www_authenticate(&refuse(RefusalReason::MfaRequired, &[], None))
                .as_deref(),
            Some(r#"Bearer error="insufficient_user_authentication""#)
        );
    }

    use super::*;

    fn ctx() -> AuthContext {
        AuthContext {
            enrolled_methods: vec!["totp".into()],
            roles: vec![],
            amr: vec!["pwd".into(), "otp".into()],
            acr: None,
            mfa_verified_at: Some(1000),
        }
    }

    #[test]
    fn stale_then_fresh() {
        let s = StepUp::default();
        let d = s.decide(&ctx(), &OperationClass::Payment, 1400);
        assert_eq!(d.code(), Some("mfa_stale"));
        assert_eq!(d.http_status(), 401);
        let StepUpDecision::Refused(r) = &d else {
            panic!()
        };
        assert_eq!(
            serde_json::to_string(r).unwrap(),
            r#"{"code":"mfa_stale","methods":["totp"],"max_age":300}"#
        );
        assert!(s
            .decide(&ctx(), &OperationClass::Payment, 1200)
            .is_allowed());
        assert!(s
            .decide(&ctx(), &OperationClass::SignIn, 99_999)
            .is_allowed());
    }

    #[test]
    fn levels() {
        let mut policy = StepUpPolicy {
            level: MfaLevel::Required,
            ..Default::default()
        };
        let none = AuthContext::default();
        let s = StepUp::new(policy.clone());
        let d = s.decide(&none, &OperationClass::SignIn, 0);
        assert_eq!(d.code(), Some("mfa_setup_required"));
        assert_eq!(d.http_status(), 403);
        policy.level = MfaLevel::AdminOnly;
        let s = StepUp::new(policy);
        assert!(s.decide(&none, &OperationClass::SignIn, 0).is_allowed());
        let admin = AuthContext {
            roles: vec!["admin".into()],
            ..Default::default()
        };
        assert_eq!(
            s.decide(&admin, &OperationClass::SignIn, 0).code(),
            Some("mfa_setup_required")
        );
        let pwd_only = AuthContext {
            amr: vec!["pwd".into()],
            ..ctx()
        };
        assert_eq!(
            s.decide(&pwd_only, &OperationClass::SignIn, 1000).code(),
            Some("mfa_required")
        );
    }
}
