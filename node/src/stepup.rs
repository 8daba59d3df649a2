//! JavaScript face of `core/src/stepup.rs`: whether a request may go ahead given the MFA
//! level, how recently the user proved a second factor, and the session's `amr` (RFC 8176).
//! The Express helper (`mfakit/express`) answers with the decision's `httpStatus` and `body`.

use std::collections::HashMap;

use mfakit_core::{self as mfa, MfaLevel, OperationClass};
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::challenge::now_option;
use crate::convert::{invalid, options, time, uint, MAX_SAFE_INTEGER};
use crate::error::guard;

/// The application's step-up rules; every field defaults to mfakit's (level `'optional'`,
/// admin role `admin`, 5 minutes' freshness for `password_change`, `disable_mfa` and
/// `payment`, the RFC 8176 `amr` values of a second factor, `totp` and `recovery_code`
/// offered for setup).
#[napi(object)]
pub struct StepUpPolicy {
    /// `'none'`, `'optional'` (MFA for users who enrolled), `'required'` or `'admin_only'`.
    #[napi(ts_type = "'none' | 'optional' | 'required' | 'admin_only'")]
    pub level: Option<String>,
    /// Roles for which `'admin_only'` requires MFA.
    pub admin_roles: Option<Vec<String>>,
    /// Maximum seconds since the last second-factor verification, per operation class
    /// (`sign_in`, `password_change`, `disable_mfa`, `payment` or your own names).
    pub max_age: Option<HashMap<String, f64>>,
    /// `amr` values that count as a second factor.
    pub accepted_amr: Option<Vec<String>>,
    /// When not empty, the session's `acr` must be one of these.
    pub accepted_acr: Option<Vec<String>>,
    /// Methods offered for enrolment, listed in a `mfa_setup_required` refusal.
    pub setup_methods: Option<Vec<String>>,
    /// Maximum age for an operation neither built in nor in `max_age` (default 0: unknown
    /// operations fail closed). Operation and role names compare case-insensitively.
    pub unknown_operation_max_age: Option<f64>,
    /// Seconds `mfaVerifiedAt` may lie ahead of now before it is not believed (default 300).
    pub max_future_skew_secs: Option<f64>,
}

/// What the application knows about the user and the session making the request.
#[napi(object)]
pub struct AuthContext<'a> {
    /// Second-factor methods the user has enrolled (`totp`, `webauthn`, ...).
    pub enrolled_methods: Option<Vec<String>>,
    /// The user's roles.
    pub roles: Option<Vec<String>>,
    /// The session's `amr` claim (RFC 8176), e.g. `['pwd', 'otp']`.
    pub amr: Option<Vec<String>>,
    /// The session's `acr` claim, if any.
    pub acr: Option<String>,
    /// When the second factor was last verified in this session: a `Date` or UNIX seconds.
    #[napi(ts_type = "Date | number | bigint | null")]
    pub mfa_verified_at: Option<Unknown<'a>>,
}

/// The JSON body of a refusal, the same in every mfakit web helper:
/// `{ code, methods, max_age? }`.
#[napi(object, object_from_js = false)]
pub struct RefusalBody {
    /// `mfa_setup_required`, `mfa_required` or `mfa_stale`.
    #[napi(ts_type = "'mfa_setup_required' | 'mfa_required' | 'mfa_stale'")]
    pub code: String,
    /// Methods the user can use: the enrolled ones, or those offered for setup.
    pub methods: Vec<String>,
    /// For `mfa_stale`: the maximum age in seconds for this operation.
    #[napi(js_name = "max_age")]
    pub max_age: Option<f64>,
}

/// The outcome of `stepUp.decide(...)`.
#[napi(object, object_from_js = false)]
pub struct StepUpDecision {
    /// Whether the request may go ahead.
    pub allowed: bool,
    /// The refusal's code, `null` when allowed.
    #[napi(ts_type = "'mfa_setup_required' | 'mfa_required' | 'mfa_stale' | null")]
    pub code: Option<String>,
    /// Suggested HTTP status: 200 when allowed, 403 for `mfa_setup_required`, 401 otherwise.
    pub http_status: u32,
    /// Methods the user can use (empty when allowed).
    pub methods: Vec<String>,
    /// For `mfa_stale`: the maximum age in seconds; else `null`.
    pub max_age: Option<f64>,
    /// The JSON body to answer a refusal with; `null` when allowed.
    pub body: Option<RefusalBody>,
}

fn policy(value: Option<Unknown<'_>>) -> mfa::Result<mfa::StepUpPolicy> {
    let d = mfa::StepUpPolicy::default();
    let Some(o) = options::<StepUpPolicy>(value, "policy")? else {
        return Ok(d);
    };
    let max_age = match o.max_age {
        Some(ages) => ages
            .into_iter()
            .map(|(op, secs)| Ok((op, uint(secs, "maxAge", MAX_SAFE_INTEGER)?)))
            .collect::<mfa::Result<_>>()?,
        None => d.max_age,
    };
    Ok(mfa::StepUpPolicy {
        level: match o.level {
            Some(level) => level.parse::<MfaLevel>()?,
            None => d.level,
        },
        admin_roles: o.admin_roles.unwrap_or(d.admin_roles),
        max_age,
        accepted_amr: o.accepted_amr.unwrap_or(d.accepted_amr),
        accepted_acr: o.accepted_acr.unwrap_or(d.accepted_acr),
        setup_methods: o.setup_methods.unwrap_or(d.setup_methods),
        unknown_operation_max_age: match o.unknown_operation_max_age {
            Some(secs) => uint(secs, "unknownOperationMaxAge", MAX_SAFE_INTEGER)?,
            None => d.unknown_operation_max_age,
        },
        max_future_skew_secs: match o.max_future_skew_secs {
            Some(secs) => uint(secs, "maxFutureSkewSecs", MAX_SAFE_INTEGER)?,
            None => d.max_future_skew_secs,
        },
    })
}

fn context(env: &Env, value: Unknown<'_>) -> mfa::Result<mfa::AuthContext> {
    let o = options::<AuthContext>(Some(value), "context")?
        .ok_or_else(|| invalid("context", "an AuthContext object is required"))?;
    Ok(mfa::AuthContext {
        enrolled_methods: o.enrolled_methods.unwrap_or_default(),
        roles: o.roles.unwrap_or_default(),
        amr: o.amr.unwrap_or_default(),
        acr: o.acr,
        mfa_verified_at: match crate::convert::given(o.mfa_verified_at)? {
            Some(v) => Some(time(env, v)?),
            None => None,
        },
    })
}

/// The step-up evaluator for a policy.
#[napi]
pub struct StepUp {
    inner: mfa::StepUp,
}

#[napi]
impl StepUp {
    /// An evaluator for `policy` (default: mfakit's); see `StepUpPolicy`.
    #[napi(constructor, ts_args_type = "policy?: StepUpPolicy")]
    pub fn new(env: Env, policy: Option<Unknown<'_>>) -> napi::Result<Self> {
        guard(&env, || {
            Ok(StepUp {
                inner: mfa::StepUp::new(self::policy(policy)?),
            })
        })
    }

    /// Decides whether `context` may perform an operation of class `operation` (default
    /// `'sign_in'`) now: MFA does not apply → allowed; nothing enrolled →
    /// `mfa_setup_required`; no accepted `amr`/`acr` or no verification time →
    /// `mfa_required`; older than the class's max age → `mfa_stale`.
    #[napi(ts_args_type = "context: AuthContext, operation?: string, options?: NowOptions")]
    pub fn decide(
        &self,
        env: Env,
        context: Unknown<'_>,
        operation: Option<Unknown<'_>>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<StepUpDecision> {
        guard(&env, || {
            let ctx = self::context(&env, context)?;
            let op = crate::convert::opt_string(operation, "operation")?;
            let op = OperationClass::from_name(op.as_deref().unwrap_or("sign_in"));
            let decision = self.inner.decide(&ctx, &op, now_option(&env, options)?);
            Ok(match decision {
                mfa::StepUpDecision::Allowed => StepUpDecision {
                    allowed: true,
                    code: None,
                    http_status: 200,
                    methods: Vec::new(),
                    max_age: None,
                    body: None,
                },
                mfa::StepUpDecision::Refused(ref r) => {
                    let code = r.reason.code().to_owned();
                    let max_age = r.max_age.map(|s| s as f64);
                    StepUpDecision {
                        allowed: false,
                        code: Some(code.clone()),
                        http_status: u32::from(decision.http_status()),
                        methods: r.methods.clone(),
                        max_age,
                        body: Some(RefusalBody {
                            code,
                            methods: r.methods.clone(),
                            max_age,
                        }),
                    }
                }
            })
        })
    }

    /// Whether MFA applies to this user at all under the policy's level.
    #[napi(ts_args_type = "context: AuthContext")]
    pub fn mfa_applies(&self, env: Env, context: Unknown<'_>) -> napi::Result<bool> {
        guard(&env, || {
            Ok(self.inner.mfa_applies(&self::context(&env, context)?))
        })
    }

    /// The policy, every field filled in.
    #[napi(getter)]
    pub fn policy(&self) -> StepUpPolicy {
        let p = self.inner.policy();
        StepUpPolicy {
            level: Some(p.level.as_str().to_owned()),
            admin_roles: Some(p.admin_roles.clone()),
            max_age: Some(
                p.max_age
                    .iter()
                    .map(|(k, v)| (k.clone(), *v as f64))
                    .collect(),
            ),
            accepted_amr: Some(p.accepted_amr.clone()),
            accepted_acr: Some(p.accepted_acr.clone()),
            setup_methods: Some(p.setup_methods.clone()),
            unknown_operation_max_age: Some(p.unknown_operation_max_age as f64),
            max_future_skew_secs: Some(p.max_future_skew_secs as f64),
        }
    }
}
