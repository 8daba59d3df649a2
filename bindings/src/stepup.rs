//! Step-up authentication: whether a request may go ahead given the MFA level, how recently the
//! user proved a second factor, and the session's `amr` (RFC 8176).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use mfakit_core as mfa;

use crate::error::{guard, signed, unsigned, MfaError};

/// How much MFA an application (or tenant) demands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MfaLevel {
    /// No MFA: every request is allowed.
    None,
    /// Enforced for users who enrolled, not for the others.
    Optional,
    /// Every user must enrol and use MFA.
    Required,
    /// Users with one of the policy's `adminRoles` must use MFA; the others as `OPTIONAL`.
    AdminOnly,
}

impl From<MfaLevel> for mfa::MfaLevel {
    fn from(l: MfaLevel) -> Self {
        match l {
            MfaLevel::None => mfa::MfaLevel::None,
            MfaLevel::Optional => mfa::MfaLevel::Optional,
            MfaLevel::Required => mfa::MfaLevel::Required,
            MfaLevel::AdminOnly => mfa::MfaLevel::AdminOnly,
        }
    }
}

impl From<mfa::MfaLevel> for MfaLevel {
    fn from(l: mfa::MfaLevel) -> Self {
        match l {
            mfa::MfaLevel::None => MfaLevel::None,
            mfa::MfaLevel::Optional => MfaLevel::Optional,
            mfa::MfaLevel::Required => MfaLevel::Required,
            mfa::MfaLevel::AdminOnly => MfaLevel::AdminOnly,
        }
    }
}

/// Reads `none`, `optional`, `required` or `admin_only` (`admin-only`); else
/// `invalid_parameter`.
#[uniffi::export]
pub fn parse_mfa_level(name: String) -> Result<MfaLevel, MfaError> {
    guard(|| Ok(name.parse::<mfa::MfaLevel>()?.into()))
}

/// Classes of operation with their own freshness requirement; `name()` keys
/// `StepUpPolicy.maxAge`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum OperationClass {
    /// Ordinary signed-in access (`sign_in`).
    SignIn,
    /// Changing the password (`password_change`).
    PasswordChange,
    /// Disabling or removing a second factor (`disable_mfa`).
    DisableMfa,
    /// Payments and other money movements (`payment`).
    Payment,
    /// An application-defined class, by name.
    Custom {
        /// The class name.
        name: String,
    },
}

impl OperationClass {
    fn to_core(&self) -> mfa::OperationClass {
        match self {
            OperationClass::SignIn => mfa::OperationClass::SignIn,
            OperationClass::PasswordChange => mfa::OperationClass::PasswordChange,
            OperationClass::DisableMfa => mfa::OperationClass::DisableMfa,
            OperationClass::Payment => mfa::OperationClass::Payment,
            OperationClass::Custom { name } => mfa::OperationClass::Custom(name.clone()),
        }
    }

    fn from_core(c: mfa::OperationClass) -> OperationClass {
        match c {
            mfa::OperationClass::SignIn => OperationClass::SignIn,
            mfa::OperationClass::PasswordChange => OperationClass::PasswordChange,
            mfa::OperationClass::DisableMfa => OperationClass::DisableMfa,
            mfa::OperationClass::Payment => OperationClass::Payment,
            mfa::OperationClass::Custom(name) => OperationClass::Custom { name },
        }
    }
}

#[uniffi::export]
impl OperationClass {
    /// `sign_in`, `password_change`, `disable_mfa`, `payment`, or the custom name.
    pub fn name(&self) -> String {
        self.to_core().as_str().to_owned()
    }
}

/// The class named `name`: a built-in one, or `Custom`.
#[uniffi::export]
pub fn operation_class_from_name(name: String) -> OperationClass {
    OperationClass::from_core(mfa::OperationClass::from_name(&name))
}

/// The application's step-up rules. Start from `defaultStepUpPolicy()` and `copy(...)` it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StepUpPolicy {
    /// The MFA level.
    pub level: MfaLevel,
    /// Roles for which `AdminOnly` requires MFA.
    pub admin_roles: Vec<String>,
    /// Maximum seconds since the last second-factor verification, per operation class name.
    /// A class without an entry needs MFA but no freshness.
    pub max_age: HashMap<String, i64>,
    /// `amr` values (RFC 8176 section 2) that count as a second factor.
    pub accepted_amr: Vec<String>,
    /// When not empty, the session's `acr` must be one of these.
    pub accepted_acr: Vec<String>,
    /// Methods offered for enrolment, listed in an `mfa_setup_required` refusal.
    pub setup_methods: Vec<String>,
    /// Maximum age for an operation neither built in nor in `max_age` (default 0: unknown
    /// operations fail closed). Operation and role names compare case-insensitively.
    #[uniffi(default = 0)]
    pub unknown_operation_max_age: i64,
    /// Seconds `mfa_verified_at` may lie ahead of now before it is not believed (default 300).
    #[uniffi(default = 300)]
    pub max_future_skew_secs: i64,
}

impl StepUpPolicy {
    fn to_core(&self) -> Result<mfa::StepUpPolicy, MfaError> {
        Ok(mfa::StepUpPolicy {
            level: self.level.into(),
            admin_roles: self.admin_roles.clone(),
            max_age: self
                .max_age
                .iter()
                .map(|(k, v)| Ok((k.clone(), unsigned("max_age", *v)?)))
                .collect::<Result<_, MfaError>>()?,
            accepted_amr: self.accepted_amr.clone(),
            accepted_acr: self.accepted_acr.clone(),
            setup_methods: self.setup_methods.clone(),
            unknown_operation_max_age: unsigned(
                "unknown_operation_max_age",
                self.unknown_operation_max_age,
            )?,
            max_future_skew_secs: unsigned("max_future_skew_secs", self.max_future_skew_secs)?,
        })
    }

    fn from_core(p: &mfa::StepUpPolicy) -> Result<StepUpPolicy, MfaError> {
        Ok(StepUpPolicy {
            level: p.level.into(),
            admin_roles: p.admin_roles.clone(),
            max_age: p
                .max_age
                .iter()
                .map(|(k, v)| Ok((k.clone(), signed("max_age", *v)?)))
                .collect::<Result<_, MfaError>>()?,
            accepted_amr: p.accepted_amr.clone(),
            accepted_acr: p.accepted_acr.clone(),
            setup_methods: p.setup_methods.clone(),
            unknown_operation_max_age: signed(
                "unknown_operation_max_age",
                p.unknown_operation_max_age,
            )?,
            max_future_skew_secs: signed("max_future_skew_secs", p.max_future_skew_secs)?,
        })
    }
}

/// The core's default policy: level optional, `admin` as admin role, 5 minutes' freshness for
/// password changes, disabling MFA and payments, the RFC 8176 second-factor `amr` values, and
/// TOTP and recovery codes offered for setup.
#[uniffi::export]
pub fn default_step_up_policy() -> Result<StepUpPolicy, MfaError> {
    StepUpPolicy::from_core(&mfa::StepUpPolicy::default())
}

/// What the application knows about the user and the session making the request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuthContext {
    /// Second-factor methods the user has enrolled (`totp`, `webauthn`, ...).
    #[uniffi(default = [])]
    pub enrolled_methods: Vec<String>,
    /// The user's roles.
    #[uniffi(default = [])]
    pub roles: Vec<String>,
    /// The session's `amr` claim (RFC 8176), e.g. `["pwd", "otp", "mfa"]`.
    #[uniffi(default = [])]
    pub amr: Vec<String>,
    /// The session's `acr` claim, if any.
    #[uniffi(default = None)]
    pub acr: Option<String>,
    /// UNIX time at which the second factor was last verified in this session.
    #[uniffi(default = None)]
    pub mfa_verified_at: Option<i64>,
}

impl AuthContext {
    fn to_core(&self) -> Result<mfa::AuthContext, MfaError> {
        Ok(mfa::AuthContext {
            enrolled_methods: self.enrolled_methods.clone(),
            roles: self.roles.clone(),
            amr: self.amr.clone(),
            acr: self.acr.clone(),
            mfa_verified_at: self
                .mfa_verified_at
                .map(|t| unsigned("mfa_verified_at", t))
                .transpose()?,
        })
    }
}

/// Why step-up refuses a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RefusalReason {
    /// MFA is required but the user has not enrolled any method (`mfa_setup_required`, 403).
    MfaSetupRequired,
    /// The session has not proved an accepted second factor (`mfa_required`, 401).
    MfaRequired,
    /// The second factor was proved too long ago for this operation (`mfa_stale`, 401).
    MfaStale,
}

impl RefusalReason {
    fn to_core(self) -> mfa::RefusalReason {
        match self {
            RefusalReason::MfaSetupRequired => mfa::RefusalReason::MfaSetupRequired,
            RefusalReason::MfaRequired => mfa::RefusalReason::MfaRequired,
            RefusalReason::MfaStale => mfa::RefusalReason::MfaStale,
        }
    }

    fn from_core(r: mfa::RefusalReason) -> RefusalReason {
        match r {
            mfa::RefusalReason::MfaSetupRequired => RefusalReason::MfaSetupRequired,
            mfa::RefusalReason::MfaRequired => RefusalReason::MfaRequired,
            mfa::RefusalReason::MfaStale => RefusalReason::MfaStale,
        }
    }
}

#[uniffi::export]
impl RefusalReason {
    /// `mfa_setup_required`, `mfa_required` or `mfa_stale`.
    pub fn code(&self) -> String {
        self.to_core().code().to_owned()
    }

    /// Suggested HTTP status: 403 for `mfa_setup_required`, 401 otherwise.
    pub fn http_status(&self) -> i32 {
        i32::from(self.to_core().http_status())
    }
}

/// A refused step-up: the reason, the methods the user can use, and for `mfa_stale` the
/// maximum age in seconds.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StepUpRefusal {
    /// The machine code.
    pub reason: RefusalReason,
    /// Methods the user can use: the enrolled ones, or those offered for setup.
    pub methods: Vec<String>,
    /// For `mfa_stale`: the maximum age in seconds for this operation.
    pub max_age: Option<i64>,
}

/// The outcome of `StepUp.decide`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum StepUpDecision {
    /// The request may go ahead.
    Allowed,
    /// The request is refused.
    Refused {
        /// Why, and what the user can do.
        refusal: StepUpRefusal,
    },
}

impl StepUpDecision {
    fn from_core(d: mfa::StepUpDecision) -> Result<StepUpDecision, MfaError> {
        Ok(match d {
            mfa::StepUpDecision::Allowed => StepUpDecision::Allowed,
            mfa::StepUpDecision::Refused(r) => StepUpDecision::Refused {
                refusal: StepUpRefusal {
                    reason: RefusalReason::from_core(r.reason),
                    methods: r.methods,
                    max_age: r.max_age.map(|a| signed("max_age", a)).transpose()?,
                },
            },
        })
    }
}

/// The step-up evaluator for one policy.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct StepUp(mfa::StepUp);

impl fmt::Debug for StepUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl StepUp {
    /// An evaluator for `policy`.
    #[uniffi::constructor]
    pub fn new(policy: StepUpPolicy) -> Result<Arc<StepUp>, MfaError> {
        guard(|| Ok(Arc::new(StepUp(mfa::StepUp::new(policy.to_core()?)))))
    }

    /// The policy.
    pub fn policy(&self) -> Result<StepUpPolicy, MfaError> {
        StepUpPolicy::from_core(self.0.policy())
    }

    /// Whether MFA applies to this user at all under the policy's level.
    pub fn mfa_applies(&self, ctx: AuthContext) -> Result<bool, MfaError> {
        guard(|| Ok(self.0.mfa_applies(&ctx.to_core()?)))
    }

    /// Decides whether `ctx` may perform an operation of class `op` at `now`. In order: MFA
    /// does not apply → allowed; nothing enrolled → `mfa_setup_required`; no accepted `amr`,
    /// `acr` or verification time → `mfa_required`; older than the class's max age →
    /// `mfa_stale`; otherwise allowed.
    pub fn decide(
        &self,
        ctx: AuthContext,
        op: OperationClass,
        now: i64,
    ) -> Result<StepUpDecision, MfaError> {
        guard(|| {
            StepUpDecision::from_core(self.0.decide(
                &ctx.to_core()?,
                &op.to_core(),
                unsigned("now", now)?,
            ))
        })
    }

    /// `decide` at the current time.
    pub fn decide_now(
        &self,
        ctx: AuthContext,
        op: OperationClass,
    ) -> Result<StepUpDecision, MfaError> {
        guard(|| StepUpDecision::from_core(self.0.decide_now(&ctx.to_core()?, &op.to_core())))
    }
}
